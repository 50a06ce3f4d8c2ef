//! The intermediate representation: the part of the model a service needs,
//! resolved, validated and named. Every model error is raised here; the
//! emitters that read the IR cannot fail.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Number, Value};

use crate::docs::to_rustdoc;
use crate::error::{Error, Result};
use crate::model::{self, Model, ShapeType};
use crate::naming;
use crate::Options;

mod defaults;
mod protocol_tests;
pub use defaults::{DefaultValue, MemberDefault};

/// Standard names generated code uses bare when no model type shadows them.
pub const STD_NAMES: &[&str] = &[
    "Option", "String", "Vec", "Box", "BTreeMap", "Result", "Some", "None", "Ok", "Err",
];

pub use crate::protocol::Protocol;

#[derive(Debug)]
pub struct Ir {
    pub service: Service,
    /// Sorted by name.
    pub operations: Vec<Operation>,
    /// Every shape an operation reaches, by absolute id.
    pub shapes: BTreeMap<String, Shape>,
    /// Pattern source → name of the static that compiles it.
    pub patterns: BTreeMap<String, String>,
    /// Whether generated code may write `Option`, `String`, `Vec`… bare: true
    /// unless a model type takes one of those names.
    pub short_std_names: bool,
    /// With `Options::protocol_tests`: the server cases of the model's
    /// protocol compliance tests, in operation then model order.
    pub protocol_tests: Vec<ProtocolTest>,
    /// What the generated crate leaves out, for the caller to print: each
    /// operation that is not served, and why.
    pub warnings: Vec<String>,
}

#[derive(Debug)]
pub struct Service {
    pub id: String,
    /// The shape name, which is also the `X-Amz-Target` prefix.
    pub name: String,
    pub trait_name: String,
    pub crate_name: String,
    pub protocol: Protocol,
    /// `@awsQueryCompatible`: errors also carry their awsQuery code in the
    /// `x-amzn-query-error` header.
    pub query_compatible: bool,
    pub docs: Vec<String>,
}

/// One case of Smithy's protocol compliance tests that applies to a server.
#[derive(Debug)]
pub struct ProtocolTest {
    pub id: String,
    /// The operation the case goes through.
    pub operation: String,
    pub kind: TestKind,
    /// The case as the model writes it (`params`, `headers`, `body`, …),
    /// its parameters filled in.
    pub case: Value,
    /// Which of its `testParameters` sets a malformed-request case is.
    pub set: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestKind {
    /// `@httpRequestTests`: a request the service must read as `params`.
    Request,
    /// `@httpResponseTests` on an operation: `params` as its output.
    Response,
    /// `@httpResponseTests` on an error shape: `params` as that error.
    Error(String),
    /// `@httpMalformedRequestTests`, one per parameter set: a request the
    /// service must refuse, before any handler runs, with the `response`
    /// the case describes.
    Malformed,
}

#[derive(Debug)]
pub struct Operation {
    pub id: String,
    pub name: String,
    pub method: String,
    pub input: String,
    pub output: String,
    pub errors: Vec<String>,
    pub error_enum: String,
    pub paginated: Option<Paginated>,
    /// `@http`, when the operation has it.
    pub http: Option<HttpRoute>,
    pub docs: Vec<String>,
    /// The field of the input that is its `@streaming` payload.
    pub input_stream: Option<String>,
    /// The field of the output that is its `@streaming` payload.
    pub output_stream: Option<String>,
    /// Why the crate does not serve the operation (an event stream, say):
    /// it is no method of the service trait, and a request for it is
    /// answered with an error naming it.
    pub unserved: Option<String>,
}

/// An operation's `@http` trait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    pub method: String,
    pub uri: String,
    pub code: u16,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

#[derive(Debug)]
pub struct Shape {
    pub id: String,
    /// The Rust type for structures, unions and enums.
    pub rust_name: String,
    pub static_name: String,
    pub kind: Kind,
    pub docs: Vec<String>,
    pub sensitive: bool,
    /// `@mediaType`.
    pub media_type: Option<String>,
    /// Set on `@error` structures.
    pub error: Option<ErrorInfo>,
    /// Whether the type can derive `Default` with the model's defaults.
    pub derives_default: bool,
    /// Whether an operation input reaches it, so the service deserializes
    /// it. Other types deserialize only with the crate's `client` feature.
    pub in_input: bool,
    /// `@streaming`: a blob that travels as a stream, or a union that is
    /// an event stream.
    pub streaming: bool,
    /// A structure with a member that is a stream: it can be neither
    /// cloned nor compared.
    pub holds_stream: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    pub status: u16,
    /// Who is at fault, as awsQuery says it: `Sender` for `@error("client")`,
    /// `Receiver` for `@error("server")`.
    pub fault: &'static str,
    /// The awsQuery error code: `@awsQueryError`'s `code`, or the shape name.
    pub query_code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simple {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
}

#[derive(Debug)]
pub enum Kind {
    Simple(Simple),
    /// `smithy.api#Unit`.
    Unit,
    Enum {
        variants: Vec<Variant<String>>,
        unknown: &'static str,
    },
    IntEnum {
        variants: Vec<Variant<i32>>,
        unknown: &'static str,
    },
    List {
        member: Box<Member>,
        sparse: bool,
    },
    Map {
        key: Box<Member>,
        value: Box<Member>,
        sparse: bool,
    },
    Structure(Vec<Member>),
    Union(Vec<Member>),
}

#[derive(Debug)]
pub struct Variant<T> {
    pub rust_name: String,
    pub value: T,
    pub docs: Vec<String>,
    /// `@internal` (or, in an `@enum` trait, the tag `internal`): a value
    /// the service accepts but does not list in its messages.
    pub internal: bool,
}

#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub field: String,
    /// The enum variant, for union members.
    pub variant: String,
    pub target: String,
    pub required: bool,
    /// The model's non-null default, for structure members.
    pub default: Option<MemberDefault>,
    /// Emitted as `Option<T>`.
    pub optional: bool,
    /// Emitted behind a `Box` because the type contains itself.
    pub boxed: bool,
    pub docs: Vec<String>,
    pub constraints: Constraints,
    /// How the value is written where serde's derive alone would get it
    /// wrong, including inside lists and maps.
    pub wire: Wire,
    /// `@timestampFormat` of the member or its target.
    pub timestamp_format: Option<TimestampFormat>,
    /// `@jsonName`, where the protocol honours it.
    pub json_name: Option<String>,
    /// The HTTP binding trait, where the protocol binds members to HTTP.
    pub binding: Binding,
    /// It targets a `@streaming` blob: a `ByteStream`, never absent (only
    /// empty), and not part of the type's serde form.
    pub stream: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// Where an HTTP binding protocol puts a top-level member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Body,
    Label,
    Query(String),
    QueryParams,
    Header(String),
    PrefixHeaders(String),
    Payload,
    ResponseCode,
}

/// The awsJson form of a value whose Rust type does not imply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    /// What serde's derive writes for the Rust type.
    Derived,
    /// `float`/`double`: non-finite values are `"NaN"`, `"Infinity"`, `"-Infinity"`.
    Float,
    /// `@timestampFormat("date-time")`.
    DateTime,
    /// `@timestampFormat("http-date")`.
    HttpDate,
    /// A list of such values (`Option`s of them when `@sparse`).
    List { item: Box<Wire>, sparse: bool },
    /// A map with such values (`Option`s of them when `@sparse`).
    Map { value: Box<Wire>, sparse: bool },
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Constraints {
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub range: Option<(Option<Number>, Option<Number>)>,
    pub pattern: Option<String>,
    pub unique_items: bool,
}

impl Ir {
    pub fn build(model: &Model, options: &Options) -> Result<Ir> {
        Builder {
            model,
            shapes: BTreeMap::new(),
            // Until the service's is known.
            protocol: Protocol::AwsJson1_0,
            renames: BTreeMap::new(),
        }
        .build(options)
    }

    pub fn shape(&self, id: &str) -> &Shape {
        &self.shapes[id]
    }

    /// Named types (structures, unions, enums) in id order.
    pub fn named_types(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values().filter(|s| s.is_named_type())
    }
}

impl Shape {
    pub fn is_named_type(&self) -> bool {
        matches!(
            self.kind,
            Kind::Enum { .. } | Kind::IntEnum { .. } | Kind::Structure(_) | Kind::Union(_)
        )
    }
}

struct Builder<'m> {
    model: &'m Model,
    shapes: BTreeMap<String, Shape>,
    protocol: Protocol,
    /// The service's `rename`: shape id → the name it has in the service.
    renames: BTreeMap<String, String>,
}

impl<'m> Builder<'m> {
    fn get(&self, from: &str, id: &str) -> Result<&'m model::Shape> {
        self.model.shape(id).ok_or_else(|| Error::Missing {
            shape: from.into(),
            target: id.into(),
        })
    }

    fn build(mut self, options: &Options) -> Result<Ir> {
        let service = self.find_service(options)?;
        let protocol = Protocol::of(service)?;
        self.protocol = protocol;
        self.renames = service.rename.clone();
        let (_, service_name) = naming::split_id(&service.id);
        let sdk_id = service
            .traits
            .get("aws.api#service")
            .and_then(|s| s.get("sdkId"))
            .and_then(Value::as_str);
        let crate_name = options
            .crate_name
            .clone()
            .unwrap_or_else(|| naming::crate_name(sdk_id.unwrap_or(service_name)));

        let mut operation_ids = BTreeSet::new();
        self.collect_operations(service, &mut operation_ids, &mut BTreeSet::new())?;
        let service_errors = service.reference("errors").to_vec();
        let service_paginated = service.traits.get("smithy.api#paginated");

        let mut operations = Vec::new();
        for id in &operation_ids {
            operations.push(self.operation(id, &service_errors, service_paginated)?);
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));

        let mut reachable = BTreeSet::new();
        for operation in &operations {
            for id in [&operation.input, &operation.output]
                .into_iter()
                .chain(&operation.errors)
            {
                self.reach(&operation.id, id, &mut reachable)?;
            }
        }
        for id in &reachable {
            let shape = self.shape(id)?;
            self.shapes.insert(id.clone(), shape);
        }
        let mut inputs = BTreeSet::new();
        for operation in &operations {
            self.reach(&operation.id, &operation.input, &mut inputs)?;
        }
        for id in &inputs {
            if let Some(shape) = self.shapes.get_mut(id) {
                shape.in_input = true;
            }
        }
        for operation in &operations {
            for error in &operation.errors {
                if self.shapes[error].error.is_none() {
                    return Err(Error::invalid(
                        &operation.id,
                        format!("lists {error} as an error, but it has no @error trait"),
                    ));
                }
            }
        }
        let warnings = self.mark_streams(&mut operations);
        self.box_recursive_members();
        self.resolve_wire_formats();
        self.mark_defaults();
        self.name_default_functions();
        let mut patterns = self.patterns()?;
        // Shape and pattern statics share `schema.rs`; shapes come first.
        naming::make_unique(
            self.shapes
                .values_mut()
                .map(|shape| &mut shape.static_name)
                .chain(patterns.values_mut()),
        );
        // `<Operation>Error` may already be a model shape's name.
        for operation in &mut operations {
            if self
                .shapes
                .values()
                .any(|s| s.is_named_type() && s.rust_name == operation.error_enum)
            {
                operation.error_enum = naming::operation_error_fallback(&operation.name);
            }
        }
        let protocol_tests = if options.protocol_tests {
            protocol_tests::select(self.model, &operations, protocol)
        } else {
            Vec::new()
        };
        let ir = Ir {
            service: Service {
                id: service.id.clone(),
                name: service_name.to_owned(),
                trait_name: naming::type_name(service_name),
                crate_name,
                protocol,
                query_compatible: service.has_trait("aws.protocols#awsQueryCompatible"),
                docs: docs_of(&service.traits),
            },
            operations,
            short_std_names: !self
                .shapes
                .values()
                .any(|s| s.is_named_type() && STD_NAMES.contains(&s.rust_name.as_str())),
            protocol_tests,
            shapes: self.shapes,
            patterns,
            warnings,
        };
        check_names(&ir)?;
        Ok(ir)
    }

    /// Finds each operation's `@streaming` payloads: a blob bound to the
    /// payload streams where the protocol binds payloads; an event stream,
    /// or a blob that cannot stream, leaves the operation unserved. Returns
    /// a warning per unserved operation.
    fn mark_streams(&mut self, operations: &mut [Operation]) -> Vec<String> {
        let mut warnings = Vec::new();
        for operation in operations.iter_mut() {
            let mut streams = [None, None];
            for (side, id) in [&operation.input, &operation.output]
                .into_iter()
                .enumerate()
            {
                let Kind::Structure(members) = &self.shapes[id].kind else {
                    continue;
                };
                for member in members {
                    let why = if self.shapes[&member.target].streaming && !member.stream {
                        Some(format!(
                            "`{}` is an event stream, which is not served yet",
                            member.name
                        ))
                    } else if member.stream && member.binding != Binding::Payload {
                        Some(format!(
                            "`{}` is a @streaming blob that {} cannot stream (it streams only an @httpPayload)",
                            member.name,
                            self.protocol.family()
                        ))
                    } else {
                        None
                    };
                    match why {
                        Some(why) => {
                            operation.unserved.get_or_insert(why);
                        }
                        None if member.stream => streams[side] = Some(member.field.clone()),
                        None => {}
                    }
                }
            }
            [operation.input_stream, operation.output_stream] = streams;
            if let Some(why) = &operation.unserved {
                warnings.push(format!("{}: not served: {why}", operation.id));
            }
        }
        for shape in self.shapes.values_mut() {
            if let Kind::Structure(members) = &shape.kind {
                shape.holds_stream = members.iter().any(|m| m.stream);
            }
        }
        warnings
    }

    fn find_service(&self, options: &Options) -> Result<&'m model::Shape> {
        let services: Vec<_> = self
            .model
            .shapes
            .values()
            .filter(|s| s.kind == ShapeType::Service)
            .collect();
        match (&options.service, services.as_slice()) {
            (Some(id), _) => self.get("options", id),
            (None, [one]) => Ok(one),
            (None, []) => Err(Error::invalid("model", "has no service shape")),
            (None, many) => Err(Error::invalid(
                "model",
                format!(
                    "has {} services ({}); choose one with `--service`",
                    many.len(),
                    many.iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// Operations bound to the service directly or through its resources.
    fn collect_operations(
        &self,
        container: &model::Shape,
        out: &mut BTreeSet<String>,
        seen: &mut BTreeSet<String>,
    ) -> Result<()> {
        if !seen.insert(container.id.clone()) {
            return Ok(());
        }
        for property in [
            "operations",
            "collectionOperations",
            "create",
            "put",
            "read",
            "update",
            "delete",
            "list",
        ] {
            for id in container.reference(property) {
                let operation = self.get(&container.id, id)?;
                if operation.kind != ShapeType::Operation {
                    return Err(Error::invalid(
                        &container.id,
                        format!("{property} refers to {id}, which is not an operation"),
                    ));
                }
                out.insert(id.clone());
            }
        }
        for id in container.reference("resources") {
            let resource = self.get(&container.id, id)?;
            self.collect_operations(resource, out, seen)?;
        }
        Ok(())
    }

    fn operation(
        &self,
        id: &str,
        service_errors: &[String],
        service_paginated: Option<&Value>,
    ) -> Result<Operation> {
        let shape = self.get("service", id)?;
        self.protocol.check_operation(shape)?;
        let (_, name) = naming::split_id(id);
        let io = |property: &str| {
            shape
                .reference(property)
                .first()
                .cloned()
                .unwrap_or_else(|| "smithy.api#Unit".into())
        };
        let mut errors: Vec<String> = shape.reference("errors").to_vec();
        for error in service_errors {
            if !errors.contains(error) {
                errors.push(error.clone());
            }
        }
        let paginated = shape.traits.get("smithy.api#paginated").map(|own| {
            let field = |key: &str| {
                own.get(key)
                    .or_else(|| service_paginated?.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            Paginated {
                input_token: field("inputToken"),
                output_token: field("outputToken"),
                items: field("items"),
                page_size: field("pageSize"),
            }
        });
        Ok(Operation {
            id: id.to_owned(),
            name: name.to_owned(),
            method: naming::field_name(name),
            input: io("input"),
            output: io("output"),
            errors,
            error_enum: naming::operation_error(name),
            paginated,
            http: http_route(shape)?,
            docs: docs_of(&shape.traits),
            input_stream: None,
            output_stream: None,
            unserved: None,
        })
    }

    fn reach(&self, from: &str, id: &str, seen: &mut BTreeSet<String>) -> Result<()> {
        if seen.contains(id) {
            return Ok(());
        }
        let shape = self.get(from, id)?;
        if matches!(
            shape.kind,
            ShapeType::Operation | ShapeType::Service | ShapeType::Resource
        ) {
            return Err(Error::invalid(
                from,
                format!("a member targets {id}, which is not a data shape"),
            ));
        }
        seen.insert(id.to_owned());
        for member in &shape.members {
            // Errors name the member, so it can be found in the model.
            self.reach(&format!("{id}${}", member.name), &member.target, seen)?;
        }
        Ok(())
    }

    fn shape(&self, id: &str) -> Result<Shape> {
        let shape = self.get("model", id)?;
        let (_, name) = naming::split_id(id);
        // A shape renamed by the service is known by that name there.
        let name = self.renames.get(id).map_or(name, String::as_str);
        let traits = &shape.traits;
        let simple = |s| Kind::Simple(s);
        let kind = match shape.kind {
            ShapeType::Blob => simple(Simple::Blob),
            ShapeType::Boolean => simple(Simple::Boolean),
            ShapeType::String if traits.contains_key("smithy.api#enum") => {
                self.legacy_enum(shape)?
            }
            ShapeType::String => simple(Simple::String),
            ShapeType::Byte => simple(Simple::Byte),
            ShapeType::Short => simple(Simple::Short),
            ShapeType::Integer => simple(Simple::Integer),
            ShapeType::Long => simple(Simple::Long),
            ShapeType::Float => simple(Simple::Float),
            ShapeType::Double => simple(Simple::Double),
            ShapeType::BigInteger => simple(Simple::BigInteger),
            ShapeType::BigDecimal => simple(Simple::BigDecimal),
            ShapeType::Timestamp => simple(Simple::Timestamp),
            ShapeType::Document => simple(Simple::Document),
            ShapeType::Enum => self.string_enum(shape)?,
            ShapeType::IntEnum => self.int_enum(shape)?,
            ShapeType::List | ShapeType::Set => {
                let member = shape
                    .member("member")
                    .ok_or_else(|| Error::invalid(id, "list has no member"))?;
                Kind::List {
                    member: Box::new(self.member(shape, member)?),
                    sparse: traits.contains_key("smithy.api#sparse"),
                }
            }
            ShapeType::Map => {
                let key = shape
                    .member("key")
                    .ok_or_else(|| Error::invalid(id, "map has no key"))?;
                let value = shape
                    .member("value")
                    .ok_or_else(|| Error::invalid(id, "map has no value"))?;
                let key = self.member(shape, key)?;
                let key_shape = self.get(id, &key.target)?;
                if key_shape.kind != ShapeType::String && key_shape.kind != ShapeType::Enum {
                    return Err(Error::unsupported(id, "map keys that are not strings"));
                }
                Kind::Map {
                    key: Box::new(key),
                    value: Box::new(self.member(shape, value)?),
                    sparse: traits.contains_key("smithy.api#sparse"),
                }
            }
            ShapeType::Structure if traits.contains_key("smithy.api#unitType") => Kind::Unit,
            ShapeType::Structure => Kind::Structure(
                shape
                    .members
                    .iter()
                    .map(|m| self.member(shape, m))
                    .collect::<Result<_>>()?,
            ),
            ShapeType::Union => {
                if shape.members.is_empty() {
                    return Err(Error::invalid(id, "union has no members"));
                }
                Kind::Union(
                    shape
                        .members
                        .iter()
                        .map(|m| self.member(shape, m))
                        .collect::<Result<_>>()?,
                )
            }
            ShapeType::Operation | ShapeType::Service | ShapeType::Resource => {
                return Err(Error::invalid(id, "is not a data shape"));
            }
        };
        if matches!(kind, Kind::Simple(Simple::BigInteger | Simple::BigDecimal)) {
            return Err(Error::unsupported(id, "bigInteger and bigDecimal shapes"));
        }
        let error = match traits.get("smithy.api#error").and_then(Value::as_str) {
            None => None,
            Some(fault) => {
                let status = match traits.get("smithy.api#httpError").and_then(Value::as_u64) {
                    Some(code) => u16::try_from(code)
                        .map_err(|_| Error::invalid(id, "httpError is not an HTTP status"))?,
                    None if fault == "server" => 500,
                    None => 400,
                };
                if !matches!(kind, Kind::Structure(_)) {
                    return Err(Error::invalid(id, "@error is only allowed on structures"));
                }
                let query_code = traits
                    .get("aws.protocols#awsQueryError")
                    .and_then(|e| e.get("code"))
                    .and_then(Value::as_str)
                    .unwrap_or(name);
                Some(ErrorInfo {
                    status,
                    fault: if fault == "server" {
                        "Receiver"
                    } else {
                        "Sender"
                    },
                    query_code: query_code.to_owned(),
                })
            }
        };
        Ok(Shape {
            id: id.to_owned(),
            rust_name: naming::type_name(name),
            static_name: naming::schema_static(&format!("{}#{name}", naming::split_id(id).0)),
            kind,
            docs: docs_of(traits),
            sensitive: traits.contains_key("smithy.api#sensitive"),
            media_type: traits
                .get("smithy.api#mediaType")
                .and_then(Value::as_str)
                .map(str::to_owned),
            error,
            derives_default: false,
            in_input: false,
            streaming: traits.contains_key("smithy.api#streaming"),
            holds_stream: false,
        })
    }

    fn member(&self, container: &model::Shape, member: &model::Member) -> Result<Member> {
        let id = format!("{}${}", container.id, member.name);
        let target = self.get(&id, &member.target)?;
        // Member traits override the traits of the shape they target.
        let trait_of = |name: &str| member.traits.get(name).or_else(|| target.traits.get(name));
        let required = member.traits.contains_key("smithy.api#required");
        // The generated crate is the service, the authoritative side:
        // @clientOptional and @addedDefault let clients ignore a default, so
        // they change nothing here.
        let default = match member.traits.get("smithy.api#default") {
            Some(Value::Null) => None,
            Some(_) if container.kind != ShapeType::Structure => {
                return Err(Error::invalid(
                    &id,
                    "@default is only allowed on structure members",
                ));
            }
            Some(value) => Some(value),
            // A target's default applies only to structure members.
            None if container.kind != ShapeType::Structure => None,
            None => target
                .traits
                .get("smithy.api#default")
                .filter(|v| !v.is_null()),
        };
        // Lists and maps get theirs from their members once every shape is
        // built (`resolve_wire_formats`).
        let timestamp_format = match trait_of("smithy.api#timestampFormat").and_then(Value::as_str)
        {
            None => None,
            Some("epoch-seconds") => Some(TimestampFormat::EpochSeconds),
            Some("date-time") => Some(TimestampFormat::DateTime),
            Some("http-date") => Some(TimestampFormat::HttpDate),
            Some(other) => {
                return Err(Error::unsupported(
                    &id,
                    format!("timestampFormat `{other}`"),
                ))
            }
        };
        let wire = match timestamp_format {
            _ if matches!(target.kind, ShapeType::Float | ShapeType::Double) => Wire::Float,
            None | Some(TimestampFormat::EpochSeconds) => Wire::Derived,
            Some(TimestampFormat::DateTime) => Wire::DateTime,
            Some(TimestampFormat::HttpDate) => Wire::HttpDate,
        };
        let binding = if self.protocol.binds_http() {
            binding_of(&id, &member.traits)?
        } else {
            Binding::Body
        };
        let json_name = member
            .traits
            .get("smithy.api#jsonName")
            .and_then(Value::as_str)
            .filter(|_| self.protocol.uses_json_name())
            .map(str::to_owned);
        let default = match default {
            Some(value) => Some(MemberDefault {
                value: self.default_value(
                    &id,
                    target,
                    trait_of("smithy.api#timestampFormat").and_then(Value::as_str),
                    value,
                )?,
                function: None,
            }),
            None => None,
        };
        let constraints = Constraints {
            length: trait_of("smithy.api#length").map(|l| (bound(l, "min"), bound(l, "max"))),
            range: trait_of("smithy.api#range").map(|r| (number(r, "min"), number(r, "max"))),
            pattern: trait_of("smithy.api#pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
            unique_items: trait_of("smithy.api#uniqueItems").is_some(),
        };
        let docs = member
            .traits
            .get("smithy.api#documentation")
            .map(|d| to_rustdoc(d.as_str().unwrap_or_default()));
        let stream =
            target.kind == ShapeType::Blob && target.traits.contains_key("smithy.api#streaming");
        // A stream's default is the empty one, whatever the model writes.
        let default = default.filter(|_| !stream);
        Ok(Member {
            name: member.name.clone(),
            field: naming::field_name(&member.name),
            variant: naming::variant_name(&member.name),
            target: member.target.clone(),
            required,
            optional: !required && default.is_none() && !stream,
            default,
            boxed: false,
            docs: docs.unwrap_or_default(),
            constraints,
            wire,
            timestamp_format,
            json_name,
            binding,
            stream,
        })
    }

    fn default_value(
        &self,
        member_id: &str,
        target: &model::Shape,
        timestamp_format: Option<&str>,
        value: &Value,
    ) -> Result<DefaultValue> {
        let enumeration = match target.kind {
            ShapeType::Enum => Some(self.string_enum(target)?),
            ShapeType::String if target.has_trait("smithy.api#enum") => {
                Some(self.legacy_enum(target)?)
            }
            ShapeType::IntEnum => Some(self.int_enum(target)?),
            _ => None,
        };
        defaults::typed(
            member_id,
            target,
            enumeration.as_ref(),
            timestamp_format,
            value,
        )
    }

    fn string_enum(&self, shape: &model::Shape) -> Result<Kind> {
        let mut variants = Vec::new();
        for member in &shape.members {
            let value = match member.traits.get("smithy.api#enumValue") {
                None => member.name.clone(),
                Some(Value::String(v)) => v.clone(),
                Some(_) => {
                    return Err(Error::invalid(
                        format!("{}${}", shape.id, member.name),
                        "enumValue is not a string",
                    ))
                }
            };
            variants.push(Variant {
                rust_name: naming::variant_name(&member.name),
                value,
                docs: docs_of(&member.traits),
                internal: member.traits.contains_key("smithy.api#internal"),
            });
        }
        let names: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
        Ok(Kind::Enum {
            variants,
            unknown: naming::unknown_variant(&names),
        })
    }

    /// IDL 1.0's `@enum` trait on a string shape.
    fn legacy_enum(&self, shape: &model::Shape) -> Result<Kind> {
        let list = shape.traits["smithy.api#enum"]
            .as_array()
            .ok_or_else(|| Error::invalid(&shape.id, "@enum is not a list"))?;
        let mut variants = Vec::new();
        for entry in list {
            let value = entry
                .get("value")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::invalid(&shape.id, "@enum entry without a value"))?;
            let name = entry.get("name").and_then(Value::as_str).unwrap_or(value);
            let docs = entry
                .get("documentation")
                .and_then(Value::as_str)
                .map(to_rustdoc)
                .unwrap_or_default();
            let tags = entry.get("tags").and_then(Value::as_array);
            variants.push(Variant {
                rust_name: naming::variant_name(name),
                value: value.to_owned(),
                docs,
                internal: tags.is_some_and(|tags| tags.iter().any(|t| t == "internal")),
            });
        }
        let names: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
        Ok(Kind::Enum {
            variants,
            unknown: naming::unknown_variant(&names),
        })
    }

    fn int_enum(&self, shape: &model::Shape) -> Result<Kind> {
        let mut variants = Vec::new();
        for member in &shape.members {
            let value = member
                .traits
                .get("smithy.api#enumValue")
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| {
                    Error::invalid(
                        format!("{}${}", shape.id, member.name),
                        "intEnum member needs a 32-bit integer enumValue",
                    )
                })?;
            variants.push(Variant {
                rust_name: naming::variant_name(&member.name),
                value,
                docs: docs_of(&member.traits),
                internal: member.traits.contains_key("smithy.api#internal"),
            });
        }
        let names: Vec<String> = variants.iter().map(|v| v.rust_name.clone()).collect();
        Ok(Kind::IntEnum {
            variants,
            unknown: naming::unknown_variant(&names),
        })
    }

    /// A structure or union member whose type contains the shape itself must
    /// be boxed, or the Rust type would have infinite size.
    fn box_recursive_members(&mut self) {
        let edges: BTreeMap<String, Vec<String>> = self
            .shapes
            .iter()
            .map(|(id, shape)| {
                let direct = match &shape.kind {
                    Kind::Structure(members) | Kind::Union(members) => {
                        members.iter().map(|m| m.target.clone()).collect()
                    }
                    _ => Vec::new(),
                };
                (id.clone(), direct)
            })
            .collect();
        let reaches = |from: &str, to: &str| {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(next) = stack.pop() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.extend(edges.get(&next).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut boxed = Vec::new();
        for (id, shape) in &self.shapes {
            if let Kind::Structure(members) | Kind::Union(members) = &shape.kind {
                for (index, member) in members.iter().enumerate() {
                    if reaches(&member.target, id) {
                        boxed.push((id.clone(), index));
                    }
                }
            }
        }
        for (id, index) in boxed {
            if let Some(Shape {
                kind: Kind::Structure(members) | Kind::Union(members),
                ..
            }) = self.shapes.get_mut(&id)
            {
                members[index].boxed = true;
            }
        }
    }

    /// A member that holds a list or map takes the wire format of its items,
    /// so that `@timestampFormat` and non-finite floats reach into
    /// collections (nested ones too).
    fn resolve_wire_formats(&mut self) {
        let mut resolved = Vec::new();
        for (id, shape) in &self.shapes {
            for (index, member) in shape.members_and_items().into_iter().enumerate() {
                resolved.push((
                    id.clone(),
                    index,
                    self.wire_of(member, &mut BTreeSet::new()),
                ));
            }
        }
        for (id, index, wire) in resolved {
            if let Some(shape) = self.shapes.get_mut(&id) {
                if let Some(member) = shape.members_and_items_mut().into_iter().nth(index) {
                    member.wire = wire;
                }
            }
        }
    }

    fn wire_of(&self, member: &Member, seen: &mut BTreeSet<String>) -> Wire {
        // Collections only recurse through structures and unions, which
        // write themselves; `seen` stops a malformed model all the same.
        if !seen.insert(member.target.clone()) {
            return Wire::Derived;
        }
        match &self.shapes[&member.target].kind {
            Kind::List {
                member: item,
                sparse,
            } => match self.wire_of(item, seen) {
                Wire::Derived => Wire::Derived,
                item => Wire::List {
                    item: Box::new(item),
                    sparse: *sparse,
                },
            },
            Kind::Map { value, sparse, .. } => match self.wire_of(value, seen) {
                Wire::Derived => Wire::Derived,
                value => Wire::Map {
                    value: Box::new(value),
                    sparse: *sparse,
                },
            },
            _ => member.wire.clone(),
        }
    }

    /// A structure derives `Default` when every member's default is the Rust
    /// type's own default, so `..Default::default()` means what the model says.
    fn mark_defaults(&mut self) {
        let ids: Vec<String> = self.shapes.keys().cloned().collect();
        let mut memo = BTreeMap::new();
        for id in &ids {
            let value = self.defaultable(id, &mut memo, &mut BTreeSet::new());
            if let Some(shape) = self.shapes.get_mut(id) {
                shape.derives_default = value && matches!(shape.kind, Kind::Structure(_));
            }
        }
    }

    /// Names the functions of defaults that the Rust type's `Default` does
    /// not give: `<type>_<field>`, numbered when two would clash (`Foo.bar_baz`
    /// and `FooBar.baz`). Errors have a `defaults` module of their own.
    fn name_default_functions(&mut self) {
        for shape in self.shapes.values_mut() {
            let type_name = heck::ToSnakeCase::to_snake_case(shape.rust_name.as_str());
            let Kind::Structure(members) = &mut shape.kind else {
                continue;
            };
            for member in members {
                let Some(default) = &mut member.default else {
                    continue;
                };
                if default.value.is_rust_default() {
                    continue;
                }
                let name = format!("{type_name}_{}", member.field.trim_start_matches("r#"));
                default.function = Some(name);
            }
        }
        // One scope per `defaults` module.
        for errors in [false, true] {
            naming::make_unique(
                self.shapes
                    .values_mut()
                    .filter(|shape| shape.error.is_some() == errors)
                    .filter_map(|shape| match &mut shape.kind {
                        Kind::Structure(members) => Some(members),
                        _ => None,
                    })
                    .flatten()
                    .filter_map(|member| member.default.as_mut()?.function.as_mut()),
            );
        }
    }

    fn defaultable(
        &self,
        id: &str,
        memo: &mut BTreeMap<String, bool>,
        stack: &mut BTreeSet<String>,
    ) -> bool {
        if let Some(known) = memo.get(id) {
            return *known;
        }
        if !stack.insert(id.to_owned()) {
            return false;
        }
        let result = match &self.shapes[id].kind {
            Kind::Simple(_) | Kind::Unit | Kind::List { .. } | Kind::Map { .. } => true,
            Kind::Enum { .. } | Kind::IntEnum { .. } | Kind::Union(_) => false,
            Kind::Structure(members) => members.iter().all(|m| {
                m.optional
                    || (m.default.as_ref().is_none_or(|d| d.value.is_rust_default())
                        && self.defaultable(&m.target, memo, stack))
            }),
        };
        stack.remove(id);
        memo.insert(id.to_owned(), result);
        result
    }

    /// Distinct patterns, each checked and named after its first user (the
    /// names are made unique with the shapes' statics by the caller).
    fn patterns(&self) -> Result<BTreeMap<String, String>> {
        let mut patterns = BTreeMap::new();
        let mut check = |owner: String, source: &String| -> Result<()> {
            if !patterns.contains_key(source) {
                smithy_runtime::Pattern::check(source).map_err(|why| {
                    Error::unsupported(&owner, format!("pattern `{source}`: {why}"))
                })?;
                patterns.insert(
                    source.clone(),
                    naming::pattern_static(naming::split_id(&owner).1),
                );
            }
            Ok(())
        };
        for shape in self.shapes.values() {
            for member in shape.members_and_items() {
                if let Some(source) = &member.constraints.pattern {
                    let owner = match self
                        .model
                        .shape(&member.target)
                        .and_then(|t| t.traits.get("smithy.api#pattern"))
                    {
                        Some(own) if own.as_str() == Some(source) => member.target.clone(),
                        _ => format!("{}{}", shape.id, member.name),
                    };
                    check(owner, source)?;
                }
            }
        }
        Ok(patterns)
    }
}

impl Shape {
    /// Structure and union members, list items and map entries.
    pub fn members_and_items(&self) -> Vec<&Member> {
        match &self.kind {
            Kind::Structure(members) | Kind::Union(members) => members.iter().collect(),
            Kind::List { member, .. } => vec![member],
            Kind::Map { key, value, .. } => vec![key, value],
            _ => Vec::new(),
        }
    }

    fn members_and_items_mut(&mut self) -> Vec<&mut Member> {
        match &mut self.kind {
            Kind::Structure(members) | Kind::Union(members) => members.iter_mut().collect(),
            Kind::List { member, .. } => vec![member],
            Kind::Map { key, value, .. } => vec![key, value],
            _ => Vec::new(),
        }
    }
}

/// An operation's `@http` trait.
fn http_route(operation: &model::Shape) -> Result<Option<HttpRoute>> {
    let Some(http) = operation.traits.get("smithy.api#http") else {
        return Ok(None);
    };
    let text = |key: &str| {
        http.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::invalid(&operation.id, format!("@http has no `{key}`")))
    };
    let code = match http.get("code") {
        None => 200,
        Some(code) => code
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| (100..600).contains(c))
            .ok_or_else(|| Error::invalid(&operation.id, "@http code is not an HTTP status"))?,
    };
    Ok(Some(HttpRoute {
        method: text("method")?,
        uri: text("uri")?,
        code,
    }))
}

/// A member's HTTP binding trait (at most one applies).
fn binding_of(id: &str, traits: &model::Traits) -> Result<Binding> {
    let name = |trait_id: &str| {
        traits
            .get(trait_id)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::invalid(id, format!("{trait_id} needs a string value")))
    };
    let mut found = Vec::new();
    for trait_id in [
        "smithy.api#httpLabel",
        "smithy.api#httpQuery",
        "smithy.api#httpQueryParams",
        "smithy.api#httpHeader",
        "smithy.api#httpPrefixHeaders",
        "smithy.api#httpPayload",
        "smithy.api#httpResponseCode",
    ] {
        if traits.contains_key(trait_id) {
            found.push(trait_id);
        }
    }
    let Some(first) = found.first() else {
        return Ok(Binding::Body);
    };
    if found.len() > 1 {
        return Err(Error::invalid(
            id,
            format!("has several HTTP binding traits: {}", found.join(", ")),
        ));
    }
    Ok(match *first {
        "smithy.api#httpLabel" => Binding::Label,
        "smithy.api#httpQuery" => Binding::Query(name(first)?),
        "smithy.api#httpQueryParams" => Binding::QueryParams,
        "smithy.api#httpHeader" => Binding::Header(name(first)?),
        "smithy.api#httpPrefixHeaders" => Binding::PrefixHeaders(name(first)?),
        "smithy.api#httpPayload" => Binding::Payload,
        _ => Binding::ResponseCode,
    })
}

fn bound(trait_value: &Value, key: &str) -> Option<u64> {
    trait_value.get(key).and_then(Value::as_u64)
}

fn number(trait_value: &Value, key: &str) -> Option<Number> {
    match trait_value.get(key) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    }
}

fn docs_of(traits: &model::Traits) -> Vec<String> {
    traits
        .get("smithy.api#documentation")
        .and_then(Value::as_str)
        .map(to_rustdoc)
        .unwrap_or_default()
}

/// The names `service.rs` imports next to the service trait.
const SERVICE_RS_IMPORTS: &[&str] = &[
    "Future",
    "Send",
    "Sync",
    "Result",
    "HttpResponse",
    "Handled",
    "Protocol",
    "Request",
    "RequestContext",
    "Routes",
];

/// Rust names must be unique where they share a namespace: types and error
/// enums in the crate, statics in the schema, fields and variants per type.
fn check_names(ir: &Ir) -> Result<()> {
    let mut types = BTreeMap::new();
    let claim = |scope: &mut BTreeMap<String, String>, name: &str, owner: &str| -> Result<()> {
        match scope.insert(name.to_owned(), owner.to_owned()) {
            Some(first) if first != owner => Err(Error::NameCollision {
                name: name.to_owned(),
                first,
                second: owner.to_owned(),
            }),
            _ => Ok(()),
        }
    };
    claim(&mut types, &ir.service.trait_name, &ir.service.id)?;
    // The service trait shares `service.rs` with these imports.
    let mut service_rs = BTreeMap::new();
    for import in SERVICE_RS_IMPORTS {
        claim(
            &mut service_rs,
            import,
            &format!("the `{import}` that service.rs imports"),
        )?;
    }
    claim(&mut service_rs, &ir.service.trait_name, &ir.service.id)?;
    for operation in &ir.operations {
        claim(
            &mut types,
            &operation.error_enum,
            &format!("the error enum of {}", operation.id),
        )?;
        let mut variants = BTreeMap::new();
        claim(
            &mut variants,
            "Unmodeled",
            &format!(
                "the catch-all variant of the error enum of {}",
                operation.id
            ),
        )?;
        for error in &operation.errors {
            claim(&mut variants, &ir.shape(error).rust_name, error)?;
        }
    }
    let mut statics = BTreeMap::new();
    for (source, name) in &ir.patterns {
        claim(
            &mut statics,
            name,
            &format!("the static of pattern `{source}`"),
        )?;
    }
    for shape in ir.shapes.values() {
        if shape.is_named_type() && !matches!(shape.kind, Kind::Unit) {
            claim(&mut types, &shape.rust_name, &shape.id)?;
        }
        claim(&mut statics, &shape.static_name, &shape.id)?;
        let mut fields = BTreeMap::new();
        for member in shape.members_and_items() {
            let name = if matches!(shape.kind, Kind::Union(_)) {
                &member.variant
            } else {
                &member.field
            };
            claim(&mut fields, name, &format!("{}${}", shape.id, member.name))?;
        }
        let variants: Vec<(&String, String)> = match &shape.kind {
            Kind::Enum { variants, .. } => variants
                .iter()
                .map(|v| (&v.rust_name, v.value.clone()))
                .collect(),
            Kind::IntEnum { variants, .. } => variants
                .iter()
                .map(|v| (&v.rust_name, v.value.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        let mut names = BTreeMap::new();
        for (name, value) in variants {
            claim(&mut names, name, &format!("{} value {value:?}", shape.id))?;
        }
    }
    let mut methods = BTreeMap::new();
    for operation in &ir.operations {
        claim(&mut methods, &operation.method, &operation.id)?;
    }
    Ok(())
}
