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
/// `ValidationException` listing all of them.
pub fn decode<T: DeserializeOwned>(body: &[u8], shape: &'static Shape) -> Result<T, ErrorResponse> {
    let mut value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ErrorResponse::serialization(format!("Malformed JSON request body: {e}"))
        })?
    };
    validate(&mut value, shape)?;
    // After validation only a generator bug can make this fail; say so
    // rather than blame the caller's JSON.
    T::deserialize(value)
        .map_err(|e| ErrorResponse::serialization(format!("Could not read {}: {e}", shape.name())))
}
