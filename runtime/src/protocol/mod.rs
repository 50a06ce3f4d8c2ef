//! The protocols, each one module: how a request finds its operation, how
//! its input is read, and how outputs and errors are written. Everything a
//! generated crate calls goes through [`Protocol`] and [`Routes`], so a new
//! protocol is a new module and a new variant here, not branches spread
//! across the runtime or the generator.
//!
//! All of them meet in one form: the generated types' serde form, a JSON
//! tree keyed by member names (awsJson's body, give or take nothing). A
//! protocol turns its wire form into that tree, the schema's validator
//! checks it, and serde reads it into the typed input; outputs travel the
//! other way. So the validator and the decoder see the same value, whatever
//! protocol carried it.

mod aws_json;
mod rest_json;

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use rest_json::router;

use crate::schema::OperationMeta;
use crate::stream::PendingBody;
use crate::validate::{Rules, Wording};
use crate::ByteStream;

/// The shape Smithy defines for servers to report constraint violations.
pub const SMITHY_VALIDATION: &str = "smithy.framework#ValidationException";
use crate::{ErrorResponse, HttpResponse, Request};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// `aws.protocols#awsJson1_0`: `POST /`, `X-Amz-Target`, JSON bodies.
    AwsJson1_0,
    /// `aws.protocols#awsJson1_1`: as 1.0, with bare error names.
    AwsJson1_1,
    /// `aws.protocols#restJson1`: HTTP bindings and JSON bodies.
    RestJson1,
}

impl Protocol {
    /// The media type of the protocol's documents.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::content_type(self),
            Protocol::RestJson1 => rest_json::CONTENT_TYPE_JSON,
        }
    }

    /// Whether the protocol routes by URI: every method and path may be an
    /// operation, not only `POST /`.
    pub fn routes_by_uri(self) -> bool {
        matches!(self, Protocol::RestJson1)
    }

    /// `error` as this protocol writes errors.
    pub fn error(self, error: &ErrorResponse) -> HttpResponse {
        let mut response = match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::error(self, error),
            Protocol::RestJson1 => rest_json::error(error),
        };
        response.error_type = Some(error.code);
        response
    }

    /// A successful answer of `operation`.
    pub fn output<O: Serialize + 'static>(
        self,
        operation: &'static OperationMeta,
        output: &O,
    ) -> HttpResponse {
        let written = match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::output(self, output),
            Protocol::RestJson1 => rest_json::output(operation, output),
        };
        let mut response = match written {
            Ok(response) => response,
            Err(why) => self.error(&ErrorResponse::internal(format!(
                "Could not write the response: {why}"
            ))),
        };
        response.operation = Some(operation.name);
        response
    }

    /// A successful answer of `operation` whose `@streaming` payload is
    /// `stream`, written after the rest of `output`.
    pub fn streamed_output<O: Serialize + 'static>(
        self,
        operation: &'static OperationMeta,
        output: &O,
        stream: ByteStream,
    ) -> HttpResponse {
        let mut response = self.output(operation, output);
        if response.error_type.is_some() {
            return response;
        }
        match self {
            Protocol::RestJson1 => rest_json::attach_stream(operation, &mut response, stream),
            // The generator serves no streaming operation of these.
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                response = self.error(&ErrorResponse::internal(
                    "awsJson has no payload to stream an output in",
                ));
            }
        }
        response
    }

    /// How bad input to `operation` is told: with Smithy's
    /// `smithy.framework#ValidationException` when the operation lists it,
    /// otherwise with AWS's words; a null item in a dense collection is
    /// malformed in restJson1 (Smithy's cases), a violation in awsJson
    /// (AWS's services).
    pub fn validation_rules(self, operation: &OperationMeta) -> Rules {
        let wording = match operation.errors.iter().find(|e| e.id == SMITHY_VALIDATION) {
            Some(shape) => Wording::Smithy(shape),
            None => Wording::Aws,
        };
        Rules {
            wording,
            null_item_is_malformed: matches!(self, Protocol::RestJson1),
        }
    }

    /// The typed, validated input of the operation `call` routed to.
    pub(crate) fn input<I: DeserializeOwned>(self, call: &Call<'_>) -> Result<I, ErrorResponse> {
        match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::input(call),
            Protocol::RestJson1 => rest_json::input(call),
        }
    }
}

/// A request routed to its operation, with what routing learnt.
#[derive(Debug)]
pub struct Call<'a> {
    pub protocol: Protocol,
    pub operation: &'static OperationMeta,
    pub request: Request<'a>,
    /// The body with any `Content-Encoding` undone.
    pub body: Cow<'a, [u8]>,
    /// URI label values, percent-decoded, for protocols that route by URI.
    pub labels: Vec<(&'static str, String)>,
    /// The `Content-Encoding` codings left once compression is undone
    /// (`custom` of `custom, gzip`), for a member bound to that header.
    pub codings: Vec<&'a str>,
}

impl Call<'_> {
    /// The request body as a stream: the one the transport left unread, or
    /// the bytes it read (with any `Content-Encoding` undone). Once.
    pub fn take_body(&mut self) -> ByteStream {
        match self.request.pending.and_then(PendingBody::take) {
            Some(stream) => stream,
            None => ByteStream::from(std::mem::take(&mut self.body).into_owned()),
        }
    }
}

/// How a service's requests find their operations: built once per service
/// (a generated `static`), compiled on first use where the protocol needs
/// more than a lookup by name.
pub struct Routes {
    protocol: Protocol,
    /// awsJson's `X-Amz-Target` prefix, `<service>.`.
    target_prefix: &'static str,
    /// Sorted by name.
    operations: &'static [OperationMeta],
    uris: OnceLock<Result<router::Routes<usize>, String>>,
}

impl Routes {
    pub const fn new(
        protocol: Protocol,
        target_prefix: &'static str,
        operations: &'static [OperationMeta],
    ) -> Self {
        Self {
            protocol,
            target_prefix,
            operations,
            uris: OnceLock::new(),
        }
    }

    /// The operation `request` calls, or the protocol's answer when it
    /// calls none.
    pub fn route<'a>(&'static self, request: Request<'a>) -> Result<Call<'a>, HttpResponse> {
        let routed = match self.protocol {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                aws_json::route(self.protocol, self.target_prefix, self.operations, request)
            }
            Protocol::RestJson1 => {
                let uris = self.uris.get_or_init(|| self.compile_uris());
                match uris {
                    Ok(uris) => rest_json::route(uris, self.operations, request),
                    Err(why) => Err(ErrorResponse::internal(why.clone())),
                }
            }
        };
        routed.map_err(|error| self.protocol.error(&error))
    }

    /// Whether `head`, a request without its body, calls an operation whose
    /// input has a `@streaming` payload, so a transport should leave the
    /// body unread and put it in [`Request::pending`].
    pub fn streams_input(&'static self, head: &Request<'_>) -> bool {
        if !self.protocol.routes_by_uri() {
            return false;
        }
        let Ok(uris) = self.uris.get_or_init(|| self.compile_uris()) else {
            return false;
        };
        match uris.find(head.method, head.path, head.query) {
            router::Found::Route { value, .. } => self.operations[*value].input_stream().is_some(),
            _ => false,
        }
    }

    fn compile_uris(&self) -> Result<router::Routes<usize>, String> {
        rest_json::routes(self.operations)
            .map_err(|why| format!("the service's @http routes do not compile: {why}"))
    }

    /// Every operation, sorted by name.
    pub fn operations(&self) -> &'static [OperationMeta] {
        self.operations
    }
}
