//! The semantic model as the Smithy JSON AST states it: shapes by absolute id,
//! mixins kept as references, members as declared locally, traits merged from
//! every file and `apply` statement. Both front ends (JSON AST and IDL) load
//! into [`Fragment`]s; [`assemble`] merges fragments and the prelude into one
//! [`AstModel`]; [`AstModel::flatten_mixins`] and the conversion into the
//! generator's [`crate::Model`] come after.

mod assemble;
mod checks;
mod flatten;
mod json_positions;
pub(crate) mod json_reader;
mod json_writer;
mod mixin_graph;
pub mod prelude;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

pub use assemble::assemble;
pub use json_reader::read_json;
pub use json_writer::{to_json_value, write_json};

/// Trait values by absolute trait id.
pub type Traits = BTreeMap<String, Value>;

/// Where something was written: `file:line:column`, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A source location carried along a model element. Where a thing was
/// written is not part of what it is, so two `Source`s always compare equal:
/// a model read from IDL equals the same model read from JSON.
#[derive(Debug, Clone, Default)]
pub struct Source(pub Option<Location>);

impl PartialEq for Source {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Source {}

/// A problem found while loading: what was expected and what was found,
/// and where when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub location: Option<Location>,
    pub message: String,
}

impl LoadError {
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Self {
            location: Some(location),
            message: message.into(),
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        Self {
            location: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Every shape type of Smithy 2.0, plus IDL 1.0's `set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShapeKind {
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
    Enum,
    IntEnum,
    List,
    Set,
    Map,
    Structure,
    Union,
    Operation,
    Service,
    Resource,
}

impl ShapeKind {
    pub const ALL: [ShapeKind; 23] = [
        Self::Blob,
        Self::Boolean,
        Self::String,
        Self::Byte,
        Self::Short,
        Self::Integer,
        Self::Long,
        Self::Float,
        Self::Double,
        Self::BigInteger,
        Self::BigDecimal,
        Self::Timestamp,
        Self::Document,
        Self::Enum,
        Self::IntEnum,
        Self::List,
        Self::Set,
        Self::Map,
        Self::Structure,
        Self::Union,
        Self::Operation,
        Self::Service,
        Self::Resource,
    ];

    /// The name used by both the IDL and the JSON AST.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blob => "blob",
            Self::Boolean => "boolean",
            Self::String => "string",
            Self::Byte => "byte",
            Self::Short => "short",
            Self::Integer => "integer",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::BigInteger => "bigInteger",
            Self::BigDecimal => "bigDecimal",
            Self::Timestamp => "timestamp",
            Self::Document => "document",
            Self::Enum => "enum",
            Self::IntEnum => "intEnum",
            Self::List => "list",
            Self::Set => "set",
            Self::Map => "map",
            Self::Structure => "structure",
            Self::Union => "union",
            Self::Operation => "operation",
            Self::Service => "service",
            Self::Resource => "resource",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Shapes with no members and no properties.
    pub fn is_simple(self) -> bool {
        !matches!(
            self,
            Self::Enum
                | Self::IntEnum
                | Self::List
                | Self::Set
                | Self::Map
                | Self::Structure
                | Self::Union
                | Self::Operation
                | Self::Service
                | Self::Resource
        )
    }
}

/// A member as declared: `name: target` with its traits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AstMember {
    pub name: String,
    /// Absolute shape id. Empty only between loading an IDL file and
    /// [`assemble`], for a member whose target was elided (`$name`).
    pub target: String,
    pub traits: Traits,
    pub source: Source,
}

/// One shape, as the JSON AST writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AstShape {
    pub id: String,
    pub kind: ShapeKind,
    /// Mixins, in the order the shape lists them.
    pub mixins: Vec<String>,
    /// Local members in declaration order: a list's `member`, a map's `key`
    /// and `value`, or structure, union and enum members.
    pub members: Vec<AstMember>,
    pub traits: Traits,
    /// Shape references of services, resources and operations by property:
    /// `input`, `output`, `errors`, `operations`, `collectionOperations`,
    /// `resources`, `create`, `put`, `read`, `update`, `delete`, `list`.
    /// Single-valued properties hold one id.
    pub references: BTreeMap<String, Vec<String>>,
    /// A resource's `identifiers` and `properties`: name → target.
    pub identifiers: BTreeMap<String, String>,
    pub properties: BTreeMap<String, String>,
    /// A service's `version` and `rename` (shape id → new name).
    pub version: Option<String>,
    pub rename: BTreeMap<String, String>,
    pub source: Source,
}

impl AstShape {
    pub fn new(id: impl Into<String>, kind: ShapeKind) -> Self {
        Self {
            id: id.into(),
            kind,
            mixins: Vec::new(),
            members: Vec::new(),
            traits: Traits::new(),
            references: BTreeMap::new(),
            identifiers: BTreeMap::new(),
            properties: BTreeMap::new(),
            version: None,
            rename: BTreeMap::new(),
            source: Source::default(),
        }
    }

    pub fn member(&self, name: &str) -> Option<&AstMember> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// Traits applied to a shape or member defined elsewhere (`apply`, or a
/// JSON AST `"type": "apply"` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apply {
    /// `ns#Shape` or `ns#Shape$member`.
    pub target: String,
    pub traits: Traits,
    pub source: Source,
}

/// `structure X for Resource`: members of `X` whose targets were elided may
/// take them from the resource's identifiers and properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBinding {
    pub shape: String,
    pub resource: String,
    pub source: Source,
}

/// What one file contributes to a model.
#[derive(Debug, Clone, Default)]
pub struct Fragment {
    pub file: Arc<str>,
    /// The file's Smithy version as written ("1.0", "2", "2.0", …).
    pub version: String,
    /// Metadata entries in file order, merged across files by [`assemble`].
    pub metadata: Vec<(String, Value, Source)>,
    pub shapes: Vec<AstShape>,
    pub applies: Vec<Apply>,
    pub bindings: Vec<ResourceBinding>,
}

/// A whole model, before mixins are flattened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AstModel {
    pub metadata: Map<String, Value>,
    pub shapes: BTreeMap<String, AstShape>,
}

impl AstModel {
    pub fn shape(&self, id: &str) -> Option<&AstShape> {
        self.shapes.get(id)
    }
}

/// Smithy's rule for a value given twice (a trait on one shape or member, or
/// a metadata key): list values concatenate and equal values are one value.
/// Anything else is a conflict, answered `false` with `existing` unchanged.
pub fn merge_repeated_value(existing: &mut Value, more: Value) -> bool {
    match (existing, more) {
        (Value::Array(existing), Value::Array(more)) => {
            existing.extend(more);
            true
        }
        (existing, more) => *existing == more,
    }
}
