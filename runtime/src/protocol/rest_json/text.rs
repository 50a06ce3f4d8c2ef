//! Values in URI labels, query parameters and headers: from their text to
//! the generated types' serde form, and back.
//!
//! Each location has its default timestamp format (an HTTP date in a
//! header, a date-time in a URI) unless the member says otherwise; the
//! serde form of a timestamp is the member's own format, epoch seconds by
//! default, as in a body.

use base64::Engine;
use serde_json::{Number, Value};

use crate::schema::{Kind, Member, TimestampFormat};
use crate::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Location {
    Label,
    Query,
    Header,
}

impl Location {
    fn default_timestamp_format(self) -> TimestampFormat {
        match self {
            Location::Header => TimestampFormat::HttpDate,
            Location::Label | Location::Query => TimestampFormat::DateTime,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Location::Label => "URI label",
            Location::Query => "query parameter",
            Location::Header => "header",
        }
    }
}

/// The serde form of `text`, a value of `member`'s target at `location`.
/// `Err` is the `SerializationException` message.
pub(super) fn read(text: &str, member: &Member, location: Location) -> Result<Value, String> {
    let shape = member.target;
    let wrong = |what: &str| {
        format!(
            "Value at {} '{}' is not {what}",
            location.describe(),
            member.name
        )
    };
    Ok(match shape.kind {
        Kind::String if location == Location::Header && shape.media_type.is_some() => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| wrong("base64"))?;
            Value::String(String::from_utf8(bytes).map_err(|_| wrong("base64 of UTF-8 text"))?)
        }
        Kind::String | Kind::Enum(_) => Value::String(text.to_owned()),
        Kind::Blob => Value::String(text.trim().to_owned()),
        Kind::Boolean => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(wrong("a boolean")),
        },
        Kind::Byte => integer(text, i8::MIN.into(), i8::MAX.into())
            .ok_or_else(|| wrong("an 8-bit integer"))?,
        Kind::Short => integer(text, i16::MIN.into(), i16::MAX.into())
            .ok_or_else(|| wrong("a 16-bit integer"))?,
        Kind::Integer | Kind::IntEnum(_) => integer(text, i32::MIN.into(), i32::MAX.into())
            .ok_or_else(|| wrong("a 32-bit integer"))?,
        Kind::Long => integer(text, i64::MIN, i64::MAX).ok_or_else(|| wrong("a 64-bit integer"))?,
        Kind::Float | Kind::Double => float(text.trim()).ok_or_else(|| wrong("a number"))?,
        Kind::Timestamp => {
            let format = member
                .timestamp_format
                .unwrap_or(location.default_timestamp_format());
            let instant =
                parse_timestamp(text.trim(), format).ok_or_else(|| wrong("a timestamp"))?;
            timestamp_value(instant, member.timestamp_format)
        }
        _ => return Err(wrong("a value this protocol can bind")),
    })
}

/// An integer within `min..=max`, in plain decimal digits.
fn integer(text: &str, min: i64, max: i64) -> Option<Value> {
    let text = text.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = text.parse().ok()?;
    (min..=max).contains(&n).then(|| Value::from(n))
}

/// A decimal number, or one of the names of the non-finite values; Rust's
/// own parser would also take `inf` and `nan`, which no client writes.
fn float(text: &str) -> Option<Value> {
    if matches!(text, "NaN" | "Infinity" | "-Infinity") {
        return Some(Value::String(text.to_owned()));
    }
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !plain || text.is_empty() {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    Number::from_f64(n).map(Value::Number)
}

pub(super) fn parse_timestamp(text: &str, format: TimestampFormat) -> Option<Timestamp> {
    match format {
        TimestampFormat::EpochSeconds => {
            let plain = text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.'));
            if !plain {
                return None;
            }
            Timestamp::from_epoch_seconds(text.parse().ok()?)
        }
        TimestampFormat::DateTime => Timestamp::parse_date_time(text),
        TimestampFormat::HttpDate => Timestamp::parse_http_date(text),
    }
}

/// A timestamp in the serde form of a member with `format`.
fn timestamp_value(instant: Timestamp, format: Option<TimestampFormat>) -> Value {
    match format.unwrap_or(TimestampFormat::EpochSeconds) {
        TimestampFormat::EpochSeconds => epoch_seconds(instant),
        TimestampFormat::DateTime => Value::String(instant.to_date_time()),
        TimestampFormat::HttpDate => Value::String(instant.to_http_date()),
    }
}

fn epoch_seconds(instant: Timestamp) -> Value {
    let millis = instant.unix_millis();
    if millis % 1000 == 0 {
        Value::from(millis / 1000)
    } else {
        Number::from_f64(instant.epoch_seconds()).map_or(Value::Null, Value::Number)
    }
}

/// The text of `value` (in serde form) for `member` at `location`: the
/// inverse of [`read`]. `None` for values that have no text form.
pub(super) fn write(value: &Value, member: &Member, location: Location) -> Option<String> {
    let shape = member.target;
    Some(match (&shape.kind, value) {
        (Kind::String, Value::String(text))
            if location == Location::Header && shape.media_type.is_some() =>
        {
            base64::engine::general_purpose::STANDARD.encode(text)
        }
        (Kind::Timestamp, value) => {
            let instant = Timestamp::from_json(value)?;
            let format = member
                .timestamp_format
                .unwrap_or(location.default_timestamp_format());
            match format {
                TimestampFormat::EpochSeconds => match epoch_seconds(instant) {
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                },
                TimestampFormat::DateTime => instant.to_date_time(),
                TimestampFormat::HttpDate => instant.to_http_date(),
            }
        }
        (_, Value::String(text)) => text.clone(),
        (_, Value::Bool(flag)) => flag.to_string(),
        // The shortest text that reads back as the same `f32`, not the
        // `f64` it was widened to.
        (Kind::Float, Value::Number(n)) => (n.as_f64()? as f32).to_string(),
        (_, Value::Number(n)) => n.to_string(),
        _ => return None,
    })
}

/// The items of a list header: split at commas outside double quotes,
/// trimmed, with quotes and their escapes undone. HTTP dates hold a comma
/// of their own (`Mon, 16 Dec 2019 23:48:18 GMT`), so a list of them is
/// split at every other comma.
pub(super) fn split_header_list(text: &str, http_dates: bool) -> Vec<String> {
    if http_dates {
        let parts: Vec<&str> = text.split(',').collect();
        return parts
            .chunks(2)
            .map(|pair| pair.join(",").trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect();
    }
    let mut items = Vec::new();
    let mut item = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => quoted = false,
            '"' if item.trim().is_empty() => {
                item.clear();
                quoted = true;
                was_quoted = true;
            }
            '\\' if quoted => item.extend(chars.next()),
            ',' if !quoted => {
                items.push(finish(&mut item, &mut was_quoted));
            }
            c => item.push(c),
        }
    }
    if !item.trim().is_empty() || was_quoted || !items.is_empty() {
        items.push(finish(&mut item, &mut was_quoted));
    }
    items
}

fn finish(item: &mut String, was_quoted: &mut bool) -> String {
    let done = if *was_quoted {
        item.clone()
    } else {
        item.trim().to_owned()
    };
    item.clear();
    *was_quoted = false;
    done
}

/// One item of a list header as a client writes it: quoted when it holds
/// a comma or a double quote, so that [`split_header_list`] reads it back.
pub(super) fn header_list_item(text: &str) -> String {
    if text.contains([',', '"']) {
        let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_headers_split_outside_quotes() {
        assert_eq!(split_header_list("a, b,c", false), ["a", "b", "c"]);
        assert_eq!(
            split_header_list(r#""b,c", "\"def\"", a"#, false),
            ["b,c", "\"def\"", "a"]
        );
        assert_eq!(
            split_header_list(
                "Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT",
                true
            ),
            [
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Mon, 16 Dec 2019 23:48:18 GMT"
            ]
        );
        assert!(split_header_list("", false).is_empty());
    }

    #[test]
    fn quoted_items_read_back() {
        for text in [
            "plain",
            "with, comma",
            "with \"quotes\"",
            "back\\slash, and comma",
        ] {
            let written = header_list_item(text);
            assert_eq!(split_header_list(&written, false), [text], "{written}");
        }
    }

    #[test]
    fn integers_are_plain_digits_in_range() {
        assert_eq!(integer("12", 0, 100), Some(Value::from(12)));
        assert_eq!(integer("-1", -5, 5), Some(Value::from(-1)));
        for bad in ["", "+1", "1.0", "0x1", "101", "9223372036854775808", "1 2"] {
            assert_eq!(integer(bad, -5, 100), None, "{bad}");
        }
    }

    #[test]
    fn floats_take_the_protocols_names_not_rusts() {
        assert_eq!(float("NaN"), Some(Value::from("NaN")));
        assert_eq!(float("-Infinity"), Some(Value::from("-Infinity")));
        assert_eq!(float("1.5"), Some(Value::from(1.5)));
        for bad in ["nan", "inf", "infinity", "", "1,5", "0x1p3"] {
            assert_eq!(float(bad), None, "{bad}");
        }
    }
}
