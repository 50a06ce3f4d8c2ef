//! What the generator knows of each protocol, in one place: the trait that
//! selects it, whether HTTP binding traits and `@jsonName` mean anything to
//! it, and what the model must hold for it to be served. Everything on the
//! wire is the runtime's (`smithy_runtime::protocol`); generated code only
//! names the protocol.

use crate::error::{Error, Result};
use crate::model;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
}

/// Every protocol the generator serves, with its trait, in the order a
/// service listing several is served by.
pub const SUPPORTED: &[(&str, Protocol)] = &[
    ("aws.protocols#restJson1", Protocol::RestJson1),
    ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
    ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
];

impl Protocol {
    /// The protocol of `service`: the first of its protocol traits the
    /// generator serves.
    pub fn of(service: &model::Shape) -> Result<Protocol> {
        SUPPORTED
            .iter()
            .find(|(trait_id, _)| service.has_trait(trait_id))
            .map(|(_, protocol)| *protocol)
            .ok_or_else(|| {
                let names: Vec<&str> = SUPPORTED.iter().map(|(id, _)| *id).collect();
                Error::unsupported(
                    &service.id,
                    format!("protocol: the service has none of {}", names.join(", ")),
                )
            })
    }

    /// The protocol of the service `generate` would serve: `service`, or
    /// else the model's only one. `None` when there is no such service or
    /// it has no protocol the generator serves.
    pub fn of_model(model: &model::Model, service: Option<&str>) -> Option<Protocol> {
        let service = match service {
            Some(id) => model.shape(id)?,
            None => {
                let mut services = model
                    .shapes
                    .values()
                    .filter(|shape| shape.kind == model::ShapeType::Service);
                let one = services.next()?;
                services.next().is_none().then_some(one)?
            }
        };
        Protocol::of(service).ok()
    }

    /// The protocol trait's shape id, as protocol test cases name it.
    pub fn trait_id(self) -> &'static str {
        SUPPORTED
            .iter()
            .find(|(_, protocol)| *protocol == self)
            .map_or("", |(id, _)| id)
    }

    /// The protocol's name in prose: the awsJson versions share one, as
    /// they share everything but their media type and error names.
    pub fn family(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => "awsJson",
            Protocol::RestJson1 => "restJson1",
        }
    }

    /// The variant of `smithy_runtime::Protocol` generated code names.
    pub fn runtime_variant(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "AwsJson1_0",
            Protocol::AwsJson1_1 => "AwsJson1_1",
            Protocol::RestJson1 => "RestJson1",
        }
    }

    /// Whether `@http`, `@httpLabel`, `@httpHeader`… decide where values
    /// travel. awsJson ignores them: everything is in the body.
    pub fn binds_http(self) -> bool {
        matches!(self, Protocol::RestJson1)
    }

    /// Whether `@jsonName` renames body members (awsJson ignores it).
    pub fn uses_json_name(self) -> bool {
        matches!(self, Protocol::RestJson1)
    }

    /// Whether every request is `POST /` naming its operation in
    /// `X-Amz-Target`, which test requests must then carry.
    pub fn uses_target_header(self) -> bool {
        matches!(self, Protocol::AwsJson1_0 | Protocol::AwsJson1_1)
    }

    /// The media type of the protocol's documents, as the runtime that
    /// generated crates use names it.
    pub fn content_type(self) -> &'static str {
        self.runtime().content_type()
    }

    fn runtime(self) -> smithy_runtime::Protocol {
        match self {
            Protocol::AwsJson1_0 => smithy_runtime::Protocol::AwsJson1_0,
            Protocol::AwsJson1_1 => smithy_runtime::Protocol::AwsJson1_1,
            Protocol::RestJson1 => smithy_runtime::Protocol::RestJson1,
        }
    }

    /// What the protocol requires of an operation: an HTTP binding
    /// protocol cannot route one without `@http`.
    pub fn check_operation(self, operation: &model::Shape) -> Result<()> {
        if self.binds_http() && !operation.has_trait("smithy.api#http") {
            return Err(Error::invalid(
                &operation.id,
                format!(
                    "has no @http trait, which {} needs to route it",
                    self.trait_id()
                ),
            ));
        }
        Ok(())
    }
}
