//! What the validator found, and how it is told: AWS's words for services
//! that define their own `ValidationException` (and for those that declare
//! none), Smithy's `smithy.framework#ValidationException` for operations
//! that list it.
//!
//! AWS: `2 validation errors detected: Value 'x' at 'windowId' failed to
//! satisfy constraint: Member must …; Value …`, paths as lowerCamel member
//! names joined by `.` (`filters.1.member`, `tags.<key>`).
//!
//! Smithy: `1 validation error detected. Value with length 1 at '/string'
//! failed to satisfy constraint: Member must have length between 2 and 8,
//! inclusive`, values never echoed, paths as JSON pointers of member names
//! (`/list/0`, `/map/key`), and a `fieldList` with each violation's path
//! and message.

use std::fmt::{self, Write};

use serde_json::{Map, Value};

use super::Rules;
use crate::schema::{Member, Shape};
use crate::ErrorResponse;

/// How constraint violations are reported.
#[derive(Clone, Copy, Debug)]
pub enum Wording {
    /// AWS's `ValidationException`: one message listing every violation.
    Aws,
    /// `smithy.framework#ValidationException`, the shape given.
    Smithy(&'static Shape),
}

/// A member path, built on the stack and only rendered when reported.
pub(super) enum Path<'a> {
    Root,
    Member(&'a Path<'a>, &'static str),
    Item(&'a Path<'a>, usize),
    /// A map's value under a key.
    Key(&'a Path<'a>, &'a str),
    /// A map's key itself: Smithy reports it at the map.
    MapKey(&'a Path<'a>, &'a str),
}

impl Path<'_> {
    pub(super) fn is_root(&self) -> bool {
        matches!(self, Path::Root)
    }

    /// AWS's form: `windowId`, `filters.1.member`, `tags.key`.
    fn dotted(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Member(parent, name) => {
                if !parent.is_root() {
                    parent.dotted(out);
                    out.push('.');
                }
                let mut chars = name.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_lowercase());
                    out.push_str(chars.as_str());
                }
            }
            Path::Item(parent, index) => {
                parent.dotted(out);
                let _ = write!(out, ".{}.member", index + 1);
            }
            Path::Key(parent, key) | Path::MapKey(parent, key) => {
                parent.dotted(out);
                out.push('.');
                out.push_str(key);
            }
        }
    }

    /// Smithy's form, a JSON pointer: `/list/0`, `/map/key`.
    fn pointer(&self, out: &mut String) {
        let mut segment = |parent: &Path<'_>, text: &str| {
            parent.pointer(out);
            out.push('/');
            out.push_str(&text.replace('~', "~0").replace('/', "~1"));
        };
        match self {
            Path::Root => {}
            Path::Member(parent, name) => segment(parent, name),
            Path::Item(parent, index) => segment(parent, &index.to_string()),
            Path::Key(parent, key) => segment(parent, key),
            Path::MapKey(parent, _) => parent.pointer(out),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.dotted(&mut out);
        f.write_str(&out)
    }
}

/// What the value is shown as in a message.
#[derive(Clone, Copy)]
pub(super) enum Shown<'a> {
    Null,
    Redacted,
    Value(&'a Value),
}

/// The constraint a value breaks.
pub(super) enum Broken {
    Null,
    /// The enum's values, joined with `, `.
    Enum(String),
    Pattern(&'static str),
    Length {
        length: u64,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// The model's texts of the bounds.
    Range {
        below: bool,
        min: Option<&'static str>,
        max: Option<&'static str>,
    },
    UniqueItems,
}

impl Broken {
    fn aws(&self, out: &mut String) {
        let _ = match self {
            Broken::Null => write!(out, "Member must not be null"),
            Broken::Enum(values) => write!(out, "Member must satisfy enum value set: [{values}]"),
            Broken::Pattern(source) => {
                write!(
                    out,
                    "Member must satisfy regular expression pattern: {source}"
                )
            }
            Broken::Length { length, min, max } => match (min, max) {
                (Some(min), _) if length < min => {
                    write!(
                        out,
                        "Member must have length greater than or equal to {min}"
                    )
                }
                (_, max) => write!(
                    out,
                    "Member must have length less than or equal to {}",
                    max.unwrap_or_default()
                ),
            },
            Broken::Range { below, min, max } => match (below, min, max) {
                (true, Some(min), _) => {
                    write!(out, "Member must have value greater than or equal to {min}")
                }
                (_, _, max) => write!(
                    out,
                    "Member must have value less than or equal to {}",
                    max.unwrap_or_default()
                ),
            },
            Broken::UniqueItems => write!(out, "Member must have unique items"),
        };
    }

    fn smithy(&self, out: &mut String) {
        let _ = match self {
            Broken::Length {
                min: Some(min),
                max: Some(max),
                ..
            } => write!(
                out,
                "Member must have length between {min} and {max}, inclusive"
            ),
            Broken::Range {
                min: Some(min),
                max: Some(max),
                ..
            } => write!(out, "Member must be between {min} and {max}, inclusive"),
            Broken::Range { min: Some(min), .. } => {
                write!(out, "Member must be greater than or equal to {min}")
            }
            Broken::Range { max: Some(max), .. } => {
                write!(out, "Member must be less than or equal to {max}")
            }
            Broken::UniqueItems => write!(out, "Member must have unique values"),
            other => {
                other.aws(out);
                Ok(())
            }
        };
    }
}

/// Everything one walk found: the first value of a wrong type (a
/// `SerializationException`, which wins) and every violation.
pub(super) struct Report {
    wording: Wording,
    null_item_is_malformed: bool,
    pub(super) type_error: Option<String>,
    /// Path and message of each violation, in the wording's words.
    violations: Vec<(String, String)>,
}

impl Report {
    pub(super) fn new(rules: Rules) -> Self {
        Self {
            wording: rules.wording,
            null_item_is_malformed: rules.null_item_is_malformed,
            type_error: None,
            violations: Vec::new(),
        }
    }

    pub(super) fn type_error(&mut self, path: &Path<'_>, expected: &str, found: &Value) {
        if self.type_error.is_none() {
            let found = super::json_type(found);
            self.type_error = Some(match path {
                Path::Root => format!("Expected {expected} as the request body, found {found}"),
                _ => {
                    format!("Unexpected value type at '{path}': expected {expected}, found {found}")
                }
            });
        }
    }

    /// A null where a dense list or map holds `item`s.
    pub(super) fn null_item(&mut self, path: &Path<'_>, item: &Member) {
        if self.null_item_is_malformed {
            self.type_error(path, super::expected(item), &Value::Null);
        } else {
            self.violation(path, Shown::Null, Broken::Null);
        }
    }

    pub(super) fn violation(&mut self, path: &Path<'_>, value: Shown<'_>, broken: Broken) {
        let mut at = String::new();
        let mut line = String::from("Value");
        match self.wording {
            Wording::Aws => {
                path.dotted(&mut at);
                match value {
                    Shown::Null => line.push_str(" null"),
                    Shown::Redacted => {}
                    Shown::Value(v) => {
                        line.push_str(" '");
                        super::render(v, &mut line);
                        line.push('\'');
                    }
                }
                let _ = write!(line, " at '{at}' failed to satisfy constraint: ");
                broken.aws(&mut line);
            }
            Wording::Smithy(_) => {
                path.pointer(&mut at);
                if let Broken::Length { length, .. } = broken {
                    let _ = write!(line, " with length {length}");
                }
                let _ = write!(line, " at '{at}' failed to satisfy constraint: ");
                broken.smithy(&mut line);
            }
        }
        self.violations.push((at, line));
    }

    pub(super) fn into_result(self) -> Result<(), ErrorResponse> {
        if let Some(message) = self.type_error {
            return Err(ErrorResponse::serialization(message));
        }
        let count = match self.violations.len() {
            0 => return Ok(()),
            1 => "1 validation error detected".to_owned(),
            n => format!("{n} validation errors detected"),
        };
        let lines: Vec<&str> = self.violations.iter().map(|(_, l)| l.as_str()).collect();
        match self.wording {
            Wording::Aws => Err(ErrorResponse::validation(format!(
                "{count}: {}",
                lines.join("; ")
            ))),
            Wording::Smithy(shape) => {
                let fields = self
                    .violations
                    .iter()
                    .map(|(path, message)| {
                        let mut field = Map::new();
                        field.insert("path".into(), Value::String(path.clone()));
                        field.insert("message".into(), Value::String(message.clone()));
                        Value::Object(field)
                    })
                    .collect();
                let mut body = Map::new();
                let message = format!("{count}. {}", lines.join("; "));
                body.insert("message".into(), Value::String(message));
                body.insert("fieldList".into(), Value::Array(fields));
                Err(ErrorResponse::framework_validation(shape, body))
            }
        }
    }
}
