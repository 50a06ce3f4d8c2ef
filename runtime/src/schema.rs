//! Static descriptions of shapes, emitted by the generator and read by the
//! validator and by anyone who wants to show an operation's documented shape.
//!
//! Constraint traits may sit on a shape or on the member that targets it; the
//! generator merges both into [`Member::constraints`], member traits winning,
//! so the validator only ever looks at members.

use crate::Pattern;

#[derive(Debug)]
pub struct Shape {
    /// Absolute shape id, e.g. `com.amazonaws.ssm#MaintenanceWindowId`.
    pub id: &'static str,
    pub kind: Kind,
    /// `@sensitive`: values are never echoed in messages or `Debug` output.
    pub sensitive: bool,
    /// `@mediaType`: the `Content-Type` of a payload of this shape, and for
    /// strings in headers, that they travel base64-encoded.
    pub media_type: Option<&'static str>,
    /// For an enum with `@internal` values, the others as messages list
    /// them (`a, b`); `None` lists every value.
    pub listed_values: Option<&'static str>,
    /// `@streaming`: a blob payload that travels as a [`crate::ByteStream`],
    /// not in the input's serde form, so neither decoded nor validated.
    pub streaming: bool,
}

#[derive(Debug)]
pub enum Kind {
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    String,
    Blob,
    Timestamp,
    Document,
    /// Enum values in model order, the order AWS lists them in messages.
    Enum(&'static [&'static str]),
    IntEnum(&'static [i64]),
    List {
        member: &'static Member,
        sparse: bool,
    },
    Map {
        key: &'static Member,
        value: &'static Member,
        sparse: bool,
    },
    Structure(&'static [Member]),
    Union(&'static [Member]),
}

#[derive(Debug)]
pub struct Member {
    /// The member name: the key of the value in the generated types' serde
    /// form, and the wire name wherever a protocol does not rename it.
    pub name: &'static str,
    pub target: &'static Shape,
    pub required: bool,
    pub constraints: Constraints,
    /// `@jsonName`, which restJson1 writes instead of the member name.
    pub json_name: Option<&'static str>,
    /// `@timestampFormat` of the member or its target; `None` leaves it to
    /// where the value travels (epoch seconds in a body, an HTTP date in a
    /// header, a date-time in a URI).
    pub timestamp_format: Option<TimestampFormat>,
    /// Where an HTTP binding protocol puts a top-level member.
    pub http: Binding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    EpochSeconds,
    DateTime,
    HttpDate,
}

/// The HTTP binding trait of a top-level input, output or error member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// In the document body (no binding trait).
    Body,
    /// `@httpLabel`: a `{name}` of the URI pattern.
    Label,
    /// `@httpQuery("name")`.
    Query(&'static str),
    /// `@httpQueryParams`: every query parameter not bound otherwise.
    QueryParams,
    /// `@httpHeader("name")`.
    Header(&'static str),
    /// `@httpPrefixHeaders("prefix")`.
    PrefixHeaders(&'static str),
    /// `@httpPayload`: the whole body.
    Payload,
    /// `@httpResponseCode`.
    ResponseCode,
}

#[derive(Debug, Default)]
pub struct Constraints {
    pub length: Option<Bounds>,
    pub range: Option<Range>,
    pub pattern: Option<&'static Pattern>,
    pub unique_items: bool,
}

/// `@length`, counted in characters for strings and items for collections.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// `@range`, kept as the model's text so messages quote it exactly.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub min: Option<Limit>,
    pub max: Option<Limit>,
}

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub value: f64,
    pub text: &'static str,
}

impl Shape {
    /// What generated statics leave out: not sensitive, no media type.
    pub const DEFAULT: Self = Self {
        id: "smithy.api#Unit",
        kind: Kind::Structure(&[]),
        sensitive: false,
        media_type: None,
        listed_values: None,
        streaming: false,
    };

    /// The shape's name without its namespace.
    pub fn name(&self) -> &'static str {
        self.id.rsplit_once('#').map_or(self.id, |(_, name)| name)
    }

    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure(members) | Kind::Union(members) => members,
            _ => &[],
        }
    }
}

/// Where generated members point until they say otherwise.
static UNIT: Shape = Shape::DEFAULT;

impl Member {
    /// What generated members leave out: optional, unconstrained, not
    /// renamed, in the body. `target` is always given.
    pub const DEFAULT: Self = Self {
        name: "",
        target: &UNIT,
        required: false,
        constraints: Constraints::NONE,
        json_name: None,
        timestamp_format: None,
        http: Binding::Body,
    };

    /// The name restJson1 writes.
    pub fn json_name(&self) -> &'static str {
        self.json_name.unwrap_or(self.name)
    }
}

impl Constraints {
    /// No constraint at all; generated code writes `..Constraints::NONE`.
    pub const NONE: Self = Self {
        length: None,
        range: None,
        pattern: None,
        unique_items: false,
    };
}

/// What implementers and tools may want to know about an operation.
#[derive(Debug)]
pub struct OperationMeta {
    pub name: &'static str,
    pub input: &'static Shape,
    pub output: &'static Shape,
    pub errors: &'static [&'static Shape],
    pub paginated: Option<Paginated>,
    /// `@http`: how HTTP binding protocols route and answer it.
    pub http: Option<Http>,
}

impl OperationMeta {
    /// The input's `@streaming` payload member, if it has one.
    pub fn input_stream(&self) -> Option<&'static Member> {
        streamed_payload(self.input)
    }

    /// The output's `@streaming` payload member, if it has one.
    pub fn output_stream(&self) -> Option<&'static Member> {
        streamed_payload(self.output)
    }
}

fn streamed_payload(shape: &'static Shape) -> Option<&'static Member> {
    shape
        .members()
        .iter()
        .find(|m| m.http == Binding::Payload && m.target.streaming)
}

/// The `@http` trait of an operation.
#[derive(Debug, Clone, Copy)]
pub struct Http {
    pub method: &'static str,
    /// The URI pattern, e.g. `/buckets/{bucket}/objects/{key+}?list`.
    pub uri: &'static str,
    /// The status of a successful answer.
    pub code: u16,
}

/// `@paginated`, merged with the service's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Paginated {
    pub input_token: Option<&'static str>,
    pub output_token: Option<&'static str>,
    pub items: Option<&'static str>,
    pub page_size: Option<&'static str>,
}
