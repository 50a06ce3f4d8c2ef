//! Values whose awsJson form is not what serde's derive writes for their
//! Rust type, wherever they sit: in a field, a union variant, or inside lists
//! and maps (`@sparse` ones too).
//!
//! - `float` and `double` are JSON numbers, except that NaN and the infinities
//!   are the strings `"NaN"`, `"Infinity"` and `"-Infinity"` ([`Float`]);
//!   serde alone writes them as `null` and cannot read the strings.
//! - timestamps with `@timestampFormat("date-time")` or `("http-date")` are
//!   strings ([`DateTime`], [`HttpDate`]) where the default is epoch seconds.
//!
//! Generated code names a format as a type and lets [`As`] apply it:
//!
//! ```ignore
//! use ::smithy_runtime::wire;
//!
//! #[serde(with = "wire::As::<wire::List<wire::DateTime>>")]
//! pub dates: Vec<Timestamp>,
//! ```
//!
//! Every format reads what [`crate::validate`] accepts for the shape, so a
//! validated request always deserializes.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Timestamp;

/// How a value of type `T` is written and read on the wire.
pub trait Format<T> {
    fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// Applies format `F` in `#[serde(with = "…::As::<F>")]`: serde calls
/// `As::<F>::serialize` and `As::<F>::deserialize`.
pub struct As<F>(PhantomData<F>);

impl<F> As<F> {
    pub fn serialize<T, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        F: Format<T>,
    {
        F::serialize(value, serializer)
    }

    pub fn deserialize<'de, T, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>
    where
        F: Format<T>,
    {
        F::deserialize(deserializer)
    }
}

/// `float` and `double`: a JSON number, or one of the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`.
pub struct Float;

/// What the three non-finite values are called on the wire.
pub fn non_finite(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn non_finite_name(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

impl Format<f64> for Float {
    fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_finite() {
            serializer.serialize_f64(*value)
        } else {
            serializer.serialize_str(non_finite_name(*value))
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

impl Format<f32> for Float {
    fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_finite() {
            serializer.serialize_f32(*value)
        } else {
            serializer.serialize_str(non_finite_name(f64::from(*value)))
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
        // As serde reads an `f32`: the nearest double, then the nearest float.
        deserializer
            .deserialize_any(FloatVisitor)
            .map(|value| value as f32)
    }
}

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a number, "NaN", "Infinity" or "-Infinity""#)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        non_finite(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// `@timestampFormat("date-time")`: RFC 3339 in UTC, e.g.
/// `2024-01-01T10:04:04.099Z`, or `2000-01-02T20:34:56Z` on a whole second.
pub struct DateTime;

impl Format<Timestamp> for DateTime {
    fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_date_time())
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        Timestamp::deserialize(deserializer)
    }
}

/// `@timestampFormat("http-date")`: RFC 9110's IMF-fixdate, e.g.
/// `Tue, 29 Apr 2014 18:30:38 GMT`.
pub struct HttpDate;

impl Format<Timestamp> for HttpDate {
    fn serialize<S: Serializer>(value: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_http_date())
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        Timestamp::deserialize(deserializer)
    }
}

/// An `Option` of a formatted value: a member that may be absent, or an item
/// of a `@sparse` collection.
pub struct Optional<F>(PhantomData<F>);

impl<T, F: Format<T>> Format<Option<T>> for Optional<F> {
    fn serialize<S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_some(&Written::<F, T>(value, PhantomData)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<Read<F, T>>::deserialize(deserializer).map(|value| value.map(Read::into_inner))
    }
}

/// A list whose items have format `F`.
pub struct List<F>(PhantomData<F>);

impl<T, F: Format<T>> Format<Vec<T>> for List<F> {
    fn serialize<S: Serializer>(value: &Vec<T>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(|item| Written::<F, T>(item, PhantomData)))
    }

    fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Vec::<Read<F, T>>::deserialize(deserializer)
            .map(|items| items.into_iter().map(Read::into_inner).collect())
    }
}

/// A map whose values have format `F`.
pub struct Map<F>(PhantomData<F>);

impl<T, F: Format<T>> Format<BTreeMap<String, T>> for Map<F> {
    fn serialize<S: Serializer>(
        value: &BTreeMap<String, T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            value
                .iter()
                .map(|(key, value)| (key, Written::<F, T>(value, PhantomData))),
        )
    }

    fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, T>, D::Error> {
        BTreeMap::<String, Read<F, T>>::deserialize(deserializer).map(|entries| {
            entries
                .into_iter()
                .map(|(key, value)| (key, value.into_inner()))
                .collect()
        })
    }
}

/// A value serialized in format `F`, for nesting formats.
struct Written<'a, F, T>(&'a T, PhantomData<F>);

impl<F: Format<T>, T> Serialize for Written<'_, F, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize(self.0, serializer)
    }
}

/// A value deserialized in format `F`, for nesting formats.
struct Read<F, T>(T, PhantomData<F>);

impl<F, T> Read<F, T> {
    fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, F: Format<T>, T> Deserialize<'de> for Read<F, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::deserialize(deserializer).map(|value| Read(value, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Floats {
        #[serde(with = "As::<Float>")]
        double: f64,
        #[serde(with = "As::<Float>")]
        float: f32,
        #[serde(default, with = "As::<Optional<Float>>")]
        maybe: Option<f64>,
        #[serde(with = "As::<List<Optional<Float>>>")]
        sparse: Vec<Option<f64>>,
        #[serde(with = "As::<Map<List<Float>>>")]
        nested: BTreeMap<String, Vec<f32>>,
    }

    #[test]
    fn non_finite_floats_are_strings() {
        let value = Floats {
            double: f64::INFINITY,
            float: f32::NEG_INFINITY,
            maybe: Some(1.5),
            sparse: vec![None, Some(-0.0), Some(f64::NEG_INFINITY)],
            nested: BTreeMap::from([("a".into(), vec![f32::INFINITY, 2.5])]),
        };
        let wire = json!({
            "double": "Infinity",
            "float": "-Infinity",
            "maybe": 1.5,
            "sparse": [null, -0.0, "-Infinity"],
            "nested": { "a": ["Infinity", 2.5] },
        });
        assert_eq!(serde_json::to_value(&value).unwrap(), wire);
        assert_eq!(serde_json::from_value::<Floats>(wire).unwrap(), value);

        let nan: Floats = serde_json::from_value(json!({
            "double": "NaN", "float": "NaN", "maybe": "NaN", "sparse": ["NaN"], "nested": {}
        }))
        .unwrap();
        assert!(nan.double.is_nan() && nan.float.is_nan() && nan.maybe.unwrap().is_nan());
        assert_eq!(serde_json::to_value(nan).unwrap()["double"], "NaN");
        let absent: Floats =
            serde_json::from_value(json!({ "double": 1, "float": 2, "sparse": [], "nested": {} }))
                .unwrap();
        assert_eq!(
            (absent.double, absent.float, absent.maybe),
            (1.0, 2.0, None)
        );
    }

    #[test]
    fn other_strings_are_not_floats() {
        for text in ["nan", "inf", "+Infinity", "1.5", ""] {
            let body = json!({ "double": text, "float": 1, "sparse": [], "nested": {} });
            assert!(serde_json::from_value::<Floats>(body).is_err(), "{text}");
        }
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Dates {
        #[serde(with = "As::<List<DateTime>>")]
        iso: Vec<Timestamp>,
        #[serde(with = "As::<Map<HttpDate>>")]
        http: BTreeMap<String, Timestamp>,
        #[serde(with = "As::<Optional<List<Optional<HttpDate>>>>")]
        sparse: Option<Vec<Option<Timestamp>>>,
    }

    #[test]
    fn timestamp_formats_reach_into_collections() {
        let t = Timestamp::from_unix_millis(946_845_296_000);
        let value = Dates {
            iso: vec![t, Timestamp::from_unix_millis(1)],
            http: BTreeMap::from([("a".into(), t)]),
            sparse: Some(vec![None, Some(t)]),
        };
        let wire = json!({
            "iso": ["2000-01-02T20:34:56Z", "1970-01-01T00:00:00.001Z"],
            "http": { "a": "Sun, 02 Jan 2000 20:34:56 GMT" },
            "sparse": [null, "Sun, 02 Jan 2000 20:34:56 GMT"],
        });
        assert_eq!(serde_json::to_value(&value).unwrap(), wire);
        assert_eq!(serde_json::from_value::<Dates>(wire).unwrap(), value);
    }
}
