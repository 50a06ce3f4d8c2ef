//! From request bytes to a validated, typed input.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema::Shape;
use crate::validate::validate;
use crate::ErrorResponse;

/// Parses `body` as the input structure `shape` and deserializes it into `T`.
///
/// An empty body means `{}`, as awsJson allows. Malformed JSON and values of
/// the wrong type are `SerializationException`s; constraint violations are one
/// `ValidationException` listing all of them. Input the validator accepted
/// but `T` cannot read is the service's fault: a 500 `InternalServerError`.
pub fn decode<T: DeserializeOwned>(body: &[u8], shape: &'static Shape) -> Result<T, ErrorResponse> {
    let mut value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ErrorResponse::serialization(format!("Malformed JSON request body: {e}"))
        })?
    };
    validate(&mut value, shape)?;
    // The validator accepts exactly what `T` reads (a property test of every
    // fixture checks it), so only a generator bug gets here: the caller sent
    // valid input and must not be told otherwise, nor shown serde's words
    // about our Rust types.
    T::deserialize(value).map_err(|_| ErrorResponse::internal("An internal error occurred"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Constraints, Kind, Member};

    static STRING: Shape = Shape {
        id: "smithy.api#String",
        kind: Kind::String,
        sensitive: false,
    };
    static INPUT: Shape = Shape {
        id: "test#Input",
        kind: Kind::Structure(&[Member {
            name: "Name",
            target: &STRING,
            required: false,
            constraints: Constraints::NONE,
        }]),
        sensitive: false,
    };

    static VALUE: Shape = Shape {
        id: "test#Value",
        kind: Kind::Union(&[Member {
            name: "Text",
            target: &STRING,
            required: false,
            constraints: Constraints::NONE,
        }]),
        sensitive: false,
    };
    static WITH_UNION: Shape = Shape {
        id: "test#WithUnion",
        kind: Kind::Structure(&[Member {
            name: "Value",
            target: &VALUE,
            required: true,
            constraints: Constraints::NONE,
        }]),
        sensitive: false,
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
