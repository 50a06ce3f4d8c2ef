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
    /// The member name as it appears on the wire.
    pub name: &'static str,
    pub target: &'static Shape,
    pub required: bool,
    pub constraints: Constraints,
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
}

/// `@paginated`, merged with the service's defaults.
#[derive(Debug, Clone, Copy)]
pub struct Paginated {
    pub input_token: Option<&'static str>,
    pub output_token: Option<&'static str>,
    pub items: Option<&'static str>,
    pub page_size: Option<&'static str>,
}
