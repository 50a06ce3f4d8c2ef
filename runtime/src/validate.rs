//! Constraint validation of a request body against its [`Shape`].
//!
//! One walk over the parsed JSON does two jobs, in the order AWS's request
//! layer does them: a value of the wrong JSON type is a `SerializationException`
//! (the first one found is reported), and only a body of the right types is
//! checked against its constraint traits, where **every** violation is
//! collected and reported in member order, in AWS's words or Smithy's
//! ([`Wording`], in `report`). The walk also
//! removes `null` members (and a union's `__type`), so that "null means
//! absent" holds for the typed deserialization that follows; that
//! deserialization must accept whatever passes here, which the generator's
//! property test (`codegen/tests/compiled/checks.rs`) checks for every
//! fixture.

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::schema::{Constraints, Kind, Member, Shape, TimestampFormat};
use crate::wire::non_finite;
use crate::{Blob, ErrorResponse, Timestamp};

mod report;

pub use report::Wording;
use report::{Broken, Path, Report, Shown};

/// What bad input is, and how it is told, as a protocol's clients expect.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    pub wording: Wording,
    /// A null in a dense list or map is a malformed request (a
    /// `SerializationException`, as Smithy's restJson1 cases have it)
    /// rather than a constraint violation (`Member must not be null`, as
    /// AWS's JSON RPC services answer).
    pub null_item_is_malformed: bool,
}

impl Rules {
    /// AWS's: its words, a null item a violation.
    pub const AWS: Self = Self {
        wording: Wording::Aws,
        null_item_is_malformed: false,
    };
}

/// Validates `value` as the input structure `shape` under `rules`.
pub fn validate(
    value: &mut Value,
    shape: &'static Shape,
    rules: Rules,
) -> Result<(), ErrorResponse> {
    let mut report = Report::new(rules);
    match value {
        Value::Object(object) => check_members(object, shape, &Path::Root, false, &mut report),
        other => report.type_error(&Path::Root, "a JSON object", other),
    }
    report.into_result()
}

/// `sensitive` is set inside a `@sensitive` shape: everything it contains is
/// sensitive too, so no value below it is echoed.
fn check_members(
    object: &mut Map<String, Value>,
    shape: &'static Shape,
    path: &Path<'_>,
    sensitive: bool,
    report: &mut Report,
) {
    object.retain(|_, v| !v.is_null());
    let members = shape.members();
    if let Kind::Union(_) = shape.kind {
        if !check_union_keys(object, shape, path, report) {
            return;
        }
    }
    for member in members {
        // A stream is not part of the serde form: the protocol hands it to
        // the handler beside it, and it is never absent, only empty.
        if member.target.streaming {
            object.remove(member.name);
            continue;
        }
        let here = Path::Member(path, member.name);
        match object.get_mut(member.name) {
            Some(value) => check_value(value, member, &here, sensitive, report),
            None if member.required => report.violation(&here, Shown::Null, Broken::Null),
            None => {}
        }
    }
}

/// A union's object must hold exactly one of its members and nothing else:
/// a server cannot keep a member it does not know (Smithy's malformed-request
/// tests make an unknown key, alone or beside a known one, a
/// `SerializationException`). awsJson tells deserializers to ignore a
/// `__type` key, so it is removed, unless the union has a member of that name.
fn check_union_keys(
    object: &mut Map<String, Value>,
    shape: &'static Shape,
    path: &Path<'_>,
    report: &mut Report,
) -> bool {
    let members = shape.members();
    let is_member = |key: &str| members.iter().any(|m| m.name == key);
    if !is_member("__type") {
        object.remove("__type");
    }
    let what = if path.is_root() {
        shape.name().to_owned()
    } else {
        format!("'{path}'")
    };
    if let Some(unknown) = object.keys().find(|key| !is_member(key)) {
        report
            .type_error
            .get_or_insert(format!("Union {what} has no member '{unknown}'"));
        return false;
    }
    if object.len() != 1 {
        report.type_error.get_or_insert(format!(
            "Union {what} must have exactly one member set, found {}",
            object.len()
        ));
        return false;
    }
    true
}

fn check_value(
    value: &mut Value,
    member: &'static Member,
    path: &Path<'_>,
    inherited: bool,
    report: &mut Report,
) {
    let shape = member.target;
    let sensitive = inherited || shape.sensitive;
    if !type_matches(value, member) {
        report.type_error(path, expected(member), value);
        return;
    }
    match (&shape.kind, &mut *value) {
        (Kind::Structure(_) | Kind::Union(_), Value::Object(object)) => {
            check_members(object, shape, path, sensitive, report)
        }
        (
            Kind::List {
                member: item,
                sparse,
            },
            Value::Array(items),
        ) => {
            for (index, item_value) in items.iter_mut().enumerate() {
                let here = Path::Item(path, index);
                if item_value.is_null() {
                    // A dense list cannot hold null: the request is
                    // malformed, not merely out of bounds.
                    if !sparse {
                        report.null_item(&here, item);
                    }
                } else {
                    check_value(item_value, item, &here, sensitive, report);
                }
            }
        }
        (
            Kind::Map {
                key,
                value: entry,
                sparse,
            },
            Value::Object(object),
        ) => {
            for (name, entry_value) in object.iter_mut() {
                let here = Path::Key(path, name);
                let key_value = Value::String(name.clone());
                check_constraints(
                    &key_value,
                    key,
                    &Path::MapKey(path, name),
                    sensitive,
                    report,
                );
                if !entry_value.is_null() {
                    check_value(entry_value, entry, &here, sensitive, report);
                } else if !sparse {
                    // Dense, as lists are: a null is a value the type cannot hold.
                    report.null_item(&here, entry);
                }
            }
        }
        _ => {}
    }
    check_constraints(value, member, path, inherited, report);
}

fn check_constraints(
    value: &Value,
    member: &'static Member,
    path: &Path<'_>,
    inherited: bool,
    report: &mut Report,
) {
    let shown = if inherited || member.target.sensitive {
        Shown::Redacted
    } else {
        Shown::Value(value)
    };
    if let Kind::Enum(values) = member.target.kind {
        if value.as_str().is_some_and(|v| !values.contains(&v)) {
            let listed = member.target.listed_values.map(str::to_owned);
            let listed = listed.unwrap_or_else(|| values.join(", "));
            report.violation(path, shown, Broken::Enum(listed));
        }
    }
    if let Kind::IntEnum(values) = member.target.kind {
        if value.as_i64().is_some_and(|v| !values.contains(&v)) {
            let listed = member.target.listed_values.map(str::to_owned);
            let listed = listed.unwrap_or_else(|| {
                let list: Vec<String> = values.iter().map(i64::to_string).collect();
                list.join(", ")
            });
            report.violation(path, shown, Broken::Enum(listed));
        }
    }
    let Constraints {
        length,
        range,
        pattern,
        unique_items,
    } = &member.constraints;
    if let (Some(pattern), Some(text)) = (pattern, value.as_str()) {
        if !pattern.is_match(text) {
            report.violation(path, shown, Broken::Pattern(pattern.source()));
        }
    }
    if let Some(bounds) = length {
        if let Some(len) = length_of(value, &member.target.kind) {
            if bounds.min.is_some_and(|min| len < min) || bounds.max.is_some_and(|max| len > max) {
                let broken = Broken::Length {
                    length: len,
                    min: bounds.min,
                    max: bounds.max,
                };
                report.violation(path, shown, broken);
            }
        }
    }
    let number = match value {
        Value::String(text) if matches!(member.target.kind, Kind::Float | Kind::Double) => {
            non_finite(text)
        }
        _ => value.as_f64(),
    };
    // NaN is neither below nor above any bound, as in every IEEE comparison.
    if let (Some(range), Some(number)) = (range, number) {
        let below = range.min.is_some_and(|min| number < min.value);
        let above = range.max.is_some_and(|max| number > max.value);
        if below || above {
            let broken = Broken::Range {
                below,
                min: range.min.map(|min| min.text),
                max: range.max.map(|max| max.text),
            };
            report.violation(path, shown, broken);
        }
    }
    if *unique_items {
        if let (Value::Array(items), Kind::List { member: item, .. }) = (value, &member.target.kind)
        {
            if has_duplicates(items, item.target) {
                report.violation(path, shown, Broken::UniqueItems);
            }
        }
    }
}

/// `@uniqueItems` compares items by Smithy's value equality, not by their
/// JSON text: `1`, `1.0` and `"1970-01-01T00:00:01Z"` are one timestamp, and
/// structures are equal whatever their key order or unknown keys. Each item
/// is written once in a canonical form, so the check stays linear in the
/// list's size.
fn has_duplicates(items: &[Value], shape: &Shape) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.iter().any(|item| {
        let mut key = String::new();
        canonical(item, shape, &mut key);
        !seen.insert(key)
    })
}

/// A text that two values of `shape` share exactly when Smithy calls them
/// equal. Only called on values that passed the type checks.
fn canonical(value: &Value, shape: &Shape, out: &mut String) {
    match (&shape.kind, value) {
        (Kind::Timestamp, _) => {
            if let Some(instant) = Timestamp::from_json(value) {
                let _ = write!(out, "{}", instant.unix_millis());
            }
        }
        (Kind::Structure(members) | Kind::Union(members), Value::Object(object)) => {
            out.push('{');
            for member in members.iter() {
                if let Some(field) = object.get(member.name).filter(|v| !v.is_null()) {
                    let _ = write!(out, "{}=", member.name);
                    canonical(field, member.target, out);
                    out.push(',');
                }
            }
            out.push('}');
        }
        (Kind::Map { value: entry, .. }, Value::Object(object)) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                let _ = write!(out, "{}:", Value::String(key.clone()));
                canonical(&object[key], entry.target, out);
                out.push(',');
            }
            out.push('}');
        }
        (Kind::List { member: item, .. }, Value::Array(items)) => {
            out.push('[');
            for item_value in items {
                canonical(item_value, item.target, out);
                out.push(',');
            }
            out.push(']');
        }
        // Strings, blobs, booleans, integers and enums have one spelling
        // each once their type is checked. Floats and documents may not be
        // in a `@uniqueItems` list; their JSON text is the best there is.
        _ => {
            let _ = write!(out, "{value}");
        }
    }
}

fn length_of(value: &Value, kind: &Kind) -> Option<u64> {
    let len = match (kind, value) {
        (Kind::Blob, Value::String(text)) => crate::blob::decoded_len(text)?,
        (_, Value::String(text)) => text.chars().count(),
        (_, Value::Array(items)) => items.len(),
        (_, Value::Object(entries)) => entries.len(),
        _ => return None,
    };
    Some(len as u64)
}

fn type_matches(value: &Value, member: &Member) -> bool {
    match &member.target.kind {
        Kind::Boolean => value.is_boolean(),
        Kind::Byte => fits(value, i8::MIN.into(), i8::MAX.into()),
        Kind::Short => fits(value, i16::MIN.into(), i16::MAX.into()),
        Kind::Integer | Kind::IntEnum(_) => fits(value, i32::MIN.into(), i32::MAX.into()),
        Kind::Long => value.is_i64(),
        Kind::Float | Kind::Double => {
            value.is_number() || value.as_str().and_then(non_finite).is_some()
        }
        Kind::BigInteger => value.is_i64() || value.is_u64(),
        Kind::BigDecimal => value.is_number(),
        Kind::String | Kind::Enum(_) => value.is_string(),
        Kind::Blob => value.as_str().is_some_and(Blob::is_base64),
        // A body's timestamp is in its member's format: a number of epoch
        // seconds unless the member says otherwise.
        Kind::Timestamp => match (member.timestamp_format, value) {
            (None | Some(TimestampFormat::EpochSeconds), Value::Number(_)) => {
                Timestamp::from_json(value).is_some()
            }
            (Some(TimestampFormat::DateTime), Value::String(text)) => {
                Timestamp::parse_date_time(text).is_some()
            }
            (Some(TimestampFormat::HttpDate), Value::String(text)) => {
                Timestamp::parse_http_date(text).is_some()
            }
            _ => false,
        },
        Kind::Document => true,
        Kind::List { .. } => value.is_array(),
        Kind::Map { .. } | Kind::Structure(_) | Kind::Union(_) => value.is_object(),
    }
}

fn fits(value: &Value, min: i64, max: i64) -> bool {
    value.as_i64().is_some_and(|v| (min..=max).contains(&v))
}

fn expected(member: &Member) -> &'static str {
    match &member.target.kind {
        Kind::Boolean => "a boolean",
        Kind::Byte => "an 8-bit integer",
        Kind::Short => "a 16-bit integer",
        Kind::Integer | Kind::IntEnum(_) => "a 32-bit integer",
        Kind::Long | Kind::BigInteger => "an integer",
        Kind::Float | Kind::Double | Kind::BigDecimal => "a number",
        Kind::String | Kind::Enum(_) => "a string",
        Kind::Blob => "a base64 string",
        Kind::Timestamp => match member.timestamp_format {
            None | Some(TimestampFormat::EpochSeconds) => "a timestamp (epoch seconds)",
            Some(TimestampFormat::DateTime) => "a timestamp (an RFC 3339 date-time in UTC)",
            Some(TimestampFormat::HttpDate) => "a timestamp (an HTTP date)",
        },
        Kind::Document => "a JSON document",
        Kind::List { .. } => "a JSON array",
        Kind::Map { .. } | Kind::Structure(_) | Kind::Union(_) => "a JSON object",
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Renders a value the way AWS's messages do: strings bare, lists as
/// `[a, b]`, structures as `{Key=a, Values=[b]}`.
fn render(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(item, out);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                render(item, out);
            }
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

#[cfg(test)]
mod tests;
