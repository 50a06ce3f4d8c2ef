//! `@default` values, checked against the member's target and typed for it,
//! in one place, so that emitters only print them.
//!
//! A default is what the same value would decode to on the wire: a blob is
//! decoded and a timestamp rounded by the runtime's own code. Smithy's rules
//! (type-refinement-traits.rst, "Default value constraints"): numbers fit
//! their type, enums and intEnums take one of their values, a document a
//! scalar or an empty list or map, a list `[]`, a map `{}`.

use serde_json::Value;
use smithy_runtime::{Blob, Timestamp};

use super::Kind;
use crate::error::{Error, Result};
use crate::model::{self, ShapeType};

/// A member's non-null `@default`.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDefault {
    pub value: DefaultValue,
    /// The function `#[serde(default = …)]` names, unique in the module that
    /// holds it; `None` when the Rust type's own `Default` is the model's
    /// default.
    pub function: Option<String>,
}

/// A default typed for its target.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Boolean(bool),
    /// byte, short, integer or long, within the range of its type.
    Integer(i64),
    Float(f32),
    Double(f64),
    String(String),
    /// The Rust name of the enum or intEnum variant with the model's value.
    Variant(String),
    /// Unix milliseconds, the precision of `smithy_runtime::Timestamp`.
    Timestamp(i64),
    Blob(Vec<u8>),
    /// A scalar, `[]` or `{}`.
    Document(Value),
    EmptyList,
    EmptyMap,
}

impl DefaultValue {
    /// Whether the Rust type's `Default` gives this value, so that
    /// `#[serde(default)]` and a derived `Default` mean what the model says.
    pub fn is_rust_default(&self) -> bool {
        match self {
            DefaultValue::Boolean(b) => !b,
            DefaultValue::Integer(n) | DefaultValue::Timestamp(n) => *n == 0,
            // -0.0 equals 0.0 but is not what `Default` gives.
            DefaultValue::Float(f) => *f == 0.0 && f.is_sign_positive(),
            DefaultValue::Double(f) => *f == 0.0 && f.is_sign_positive(),
            DefaultValue::String(s) => s.is_empty(),
            DefaultValue::Blob(bytes) => bytes.is_empty(),
            DefaultValue::EmptyList | DefaultValue::EmptyMap => true,
            // Enums have no `Default`, and a document's (null) is never a
            // member's default: `@default(null)` means none.
            DefaultValue::Variant(_) | DefaultValue::Document(_) => false,
        }
    }
}

/// Smithy's text for the floats JSON numbers cannot write.
const NON_FINITE: &str = r#""NaN", "Infinity" or "-Infinity""#;

/// `value` as a default of `member`, which targets `target`. `enumeration`
/// is the target's kind when it is an enum or intEnum (including a string
/// with IDL 1.0's `@enum`); `timestamp_format` the member's or target's
/// `@timestampFormat`.
pub(super) fn typed(
    member: &str,
    target: &model::Shape,
    enumeration: Option<&Kind>,
    timestamp_format: Option<&str>,
    value: &Value,
) -> Result<DefaultValue> {
    let misfit = |expected: &str| {
        Error::invalid(
            member,
            format!("@default {value} does not fit {}: {expected}", target.id),
        )
    };
    let integer = |min: i64, max: i64| {
        value
            .as_i64()
            .filter(|n| (min..=max).contains(n))
            .map(DefaultValue::Integer)
            .ok_or_else(|| misfit(&format!("expected an integer from {min} to {max}")))
    };
    match enumeration {
        Some(Kind::Enum { variants, .. }) => {
            return value
                .as_str()
                .and_then(|v| variants.iter().find(|variant| variant.value == v))
                .map(|variant| DefaultValue::Variant(variant.rust_name.clone()))
                .ok_or_else(|| {
                    let values: Vec<String> = variants
                        .iter()
                        .map(|v| Value::from(v.value.as_str()).to_string())
                        .collect();
                    misfit(&format!("expected one of its values {}", values.join(", ")))
                });
        }
        Some(Kind::IntEnum { variants, .. }) => {
            return value
                .as_i64()
                .and_then(|v| {
                    variants
                        .iter()
                        .find(|variant| i64::from(variant.value) == v)
                })
                .map(|variant| DefaultValue::Variant(variant.rust_name.clone()))
                .ok_or_else(|| {
                    let values: Vec<String> =
                        variants.iter().map(|v| v.value.to_string()).collect();
                    misfit(&format!("expected one of its values {}", values.join(", ")))
                });
        }
        _ => {}
    }
    match target.kind {
        ShapeType::Boolean => value
            .as_bool()
            .map(DefaultValue::Boolean)
            .ok_or_else(|| misfit("expected true or false")),
        ShapeType::Byte => integer(i8::MIN.into(), i8::MAX.into()),
        ShapeType::Short => integer(i16::MIN.into(), i16::MAX.into()),
        ShapeType::Integer => integer(i32::MIN.into(), i32::MAX.into()),
        ShapeType::Long => integer(i64::MIN, i64::MAX),
        ShapeType::Float => match float(value) {
            // A finite number beyond the float range would become infinite.
            Some(d) if !d.is_finite() || (d as f32).is_finite() => {
                Some(DefaultValue::Float(d as f32))
            }
            _ => None,
        }
        .ok_or_else(|| {
            misfit(&format!(
                "expected a number within the range of a float, {NON_FINITE}"
            ))
        }),
        ShapeType::Double => float(value)
            .map(DefaultValue::Double)
            .ok_or_else(|| misfit(&format!("expected a number, {NON_FINITE}"))),
        ShapeType::BigInteger | ShapeType::BigDecimal => {
            let fits = match target.kind {
                ShapeType::BigInteger => value.is_i64() || value.is_u64(),
                _ => value.is_number(),
            };
            if fits {
                // The value is right; the shape itself is not generated.
                Err(Error::unsupported(
                    &target.id,
                    "bigInteger and bigDecimal shapes",
                ))
            } else if target.kind == ShapeType::BigInteger {
                Err(misfit("expected an integer"))
            } else {
                Err(misfit("expected a number"))
            }
        }
        ShapeType::String => value
            .as_str()
            .map(|s| DefaultValue::String(s.to_owned()))
            .ok_or_else(|| misfit("expected a string")),
        ShapeType::Timestamp => {
            let instant = match (value, timestamp_format) {
                (Value::Number(n), _) => n.as_f64().and_then(Timestamp::from_epoch_seconds),
                // Smithy's date-time has no offset: UTC, written `Z`.
                (Value::String(s), None | Some("date-time")) if s.ends_with(['Z', 'z']) => {
                    Timestamp::parse_rfc3339(s)
                }
                _ => None,
            };
            instant
                .map(|t| DefaultValue::Timestamp(t.unix_millis()))
                .ok_or_else(|| match timestamp_format {
                    Some("epoch-seconds") => misfit("expected epoch seconds, its timestampFormat"),
                    _ => misfit(
                        "expected epoch seconds or a date-time string such as \
                         \"1985-04-12T23:20:50.52Z\"",
                    ),
                })
        }
        ShapeType::Blob => value
            .is_string()
            .then(|| serde_json::from_value::<Blob>(value.clone()).ok())
            .flatten()
            .map(|blob| DefaultValue::Blob(blob.0))
            .ok_or_else(|| misfit("expected a base64 string")),
        ShapeType::Document => match value {
            Value::Array(items) if !items.is_empty() => None,
            Value::Object(entries) if !entries.is_empty() => None,
            _ => Some(DefaultValue::Document(value.clone())),
        }
        .ok_or_else(|| misfit("expected null, a boolean, a string, a number, [] or {}")),
        ShapeType::List | ShapeType::Set => match value {
            Value::Array(items) if items.is_empty() => Ok(DefaultValue::EmptyList),
            _ => Err(misfit("a list's default can only be []")),
        },
        ShapeType::Map => match value {
            Value::Object(entries) if entries.is_empty() => Ok(DefaultValue::EmptyMap),
            _ => Err(misfit("a map's default can only be {}")),
        },
        ShapeType::Enum
        | ShapeType::IntEnum
        | ShapeType::Structure
        | ShapeType::Union
        | ShapeType::Operation
        | ShapeType::Service
        | ShapeType::Resource => Err(misfit(
            "only members that target a simple type, list or map can have a default",
        )),
    }
}

/// A float or double: a JSON number, or one of Smithy's non-finite strings.
fn float(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}
