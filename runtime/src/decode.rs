//! From request bytes to a validated, typed input.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema::Shape;
use crate::validate::{validate, Rules};
use crate::ErrorResponse;

/// Parses `body` as the input structure `shape` and deserializes it into `T`.
///
/// An empty body means `{}`, as awsJson allows. Malformed JSON and values of
/// the wrong type are `SerializationException`s; constraint violations are one
/// `ValidationException` listing all of them. Input the validator accepted
/// but `T` cannot read is the service's fault: a 500 `InternalServerError`.
pub fn decode<T: DeserializeOwned>(
    body: &[u8],
    shape: &'static Shape,
    rules: Rules,
) -> Result<T, ErrorResponse> {
    decode_value(parse_body(body)?, shape, rules)
}

/// A JSON body; empty (or only whitespace) means `{}`.
pub fn parse_body(body: &[u8]) -> Result<Value, ErrorResponse> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body)
        .map_err(|e| ErrorResponse::serialization(format!("Malformed JSON request body: {e}")))
}

/// Validates `value`, the input structure `shape` in the generated types'
/// serde form, and deserializes it into `T`.
pub fn decode_value<T: DeserializeOwned>(
    mut value: Value,
    shape: &'static Shape,
    rules: Rules,
) -> Result<T, ErrorResponse> {
    validate(&mut value, shape, rules)?;
    // The validator accepts exactly what `T` reads (a property test of every
    // fixture checks it), so only a generator bug gets here: the caller sent
    // valid input and must not be told otherwise, nor shown serde's words
    // about our Rust types.
    T::deserialize(value).map_err(|_| ErrorResponse::internal("An internal error occurred"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, Member};

    fn decode<T: DeserializeOwned>(body: &[u8], shape: &'static Shape) -> Result<T, ErrorResponse> {
        super::decode(body, shape, Rules::AWS)
    }

    static STRING: Shape = Shape {
        id: "smithy.api#String",
        kind: Kind::String,
        ..Shape::DEFAULT
    };
    static INPUT: Shape = Shape {
        id: "test#Input",
        kind: Kind::Structure(&[Member {
            name: "Name",
            target: &STRING,
            ..Member::DEFAULT
        }]),
        ..Shape::DEFAULT
    };

    static VALUE: Shape = Shape {
        id: "test#Value",
        kind: Kind::Union(&[Member {
            name: "Text",
            target: &STRING,
            ..Member::DEFAULT
        }]),
        ..Shape::DEFAULT
    };
    static WITH_UNION: Shape = Shape {
        id: "test#WithUnion",
        kind: Kind::Structure(&[Member {
            name: "Value",
            target: &VALUE,
            required: true,
            ..Member::DEFAULT
        }]),
        ..Shape::DEFAULT
    };

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Value {
        Text(String),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct WithUnion {
        #[serde(rename = "Value")]
        value: Value,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[serde(rename = "Name")]
        _name: Option<String>,
    }

    /// A Rust type that disagrees with its schema, as a generator bug would.
    #[derive(Debug, serde::Deserialize)]
    struct Mismatched {
        #[serde(rename = "Name")]
        _name: Option<u8>,
    }

    #[test]
    fn empty_bodies_are_empty_objects() {
        assert!(decode::<Input>(b"", &INPUT).is_ok());
        assert!(decode::<Input>(b" \n", &INPUT).is_ok());
    }

    #[test]
    fn malformed_json_is_the_callers_fault() {
        let error = decode::<Input>(b"{", &INPUT).unwrap_err();
        assert_eq!((error.status, error.code), (400, "SerializationException"));
    }

    #[test]
    fn a_decode_failure_after_validation_is_an_internal_error() {
        let error = decode::<Mismatched>(br#"{"Name": "x"}"#, &INPUT).unwrap_err();
        assert_eq!((error.status, error.code), (500, "InternalServerError"));
        // The caller learns nothing about the service's internals.
        assert!(
            !error.message().unwrap_or_default().contains("u8"),
            "{error}"
        );
    }

    #[test]
    fn a_union_reads_past_its_type_key() {
        let body = br#"{"Value": {"__type": "test#Value", "Text": "x"}}"#;
        let input = decode::<WithUnion>(body, &WITH_UNION).unwrap();
        assert_eq!(input.value, Value::Text("x".into()));
        let body = br#"{"Value": {"Text": "x", "Other": 1}}"#;
        let error = decode::<WithUnion>(body, &WITH_UNION).unwrap_err();
        assert_eq!((error.status, error.code), (400, "SerializationException"));
    }
}
