//! Error bodies in the awsJson wire format.
//!
//! `{"__type": "<code>", "message": "<text>", ...}` with the status in the
//! HTTP line. awsJson 1.1 writes the bare shape name in `__type`; 1.0 writes
//! the absolute shape id. Framework errors (those AWS's request layer raises
//! before a handler runs) carry the namespace AWS's own framework uses.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Protocol;

const FRAMEWORK_SERVICE: &str = "com.amazon.coral.service";
const FRAMEWORK_VALIDATE: &str = "com.amazon.coral.validate";

/// Every typed error a handler can return turns into one of these.
pub trait OperationError {
    fn to_error_response(&self) -> ErrorResponse;
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorResponse {
    pub status: u16,
    /// Bare shape name, e.g. `DoesNotExistException`.
    pub code: &'static str,
    /// Namespace of the shape, used in awsJson 1.0's `__type`.
    pub namespace: &'static str,
    /// Members of the body besides `__type`.
    pub body: Map<String, Value>,
    /// The awsQuery error code and fault (`Sender` or `Receiver`) of an
    /// error of an `@awsQueryCompatible` service.
    pub query_error: Option<(&'static str, &'static str)>,
}

impl ErrorResponse {
    fn framework(
        status: u16,
        namespace: &'static str,
        code: &'static str,
        message: Option<String>,
    ) -> Self {
        let mut body = Map::new();
        if let Some(message) = message {
            body.insert("message".into(), Value::String(message));
        }
        Self {
            status,
            code,
            namespace,
            body,
            query_error: None,
        }
    }

    /// A 400 `ValidationException`, for constraint failures and for the
    /// service's own input rules.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::framework(
            400,
            FRAMEWORK_VALIDATE,
            "ValidationException",
            Some(message.into()),
        )
    }

    /// A 400 `SerializationException`: the body is not JSON of the right shape.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::framework(
            400,
            FRAMEWORK_SERVICE,
            "SerializationException",
            Some(message.into()),
        )
    }

    pub fn unknown_operation() -> Self {
        Self::framework(400, FRAMEWORK_SERVICE, "UnknownOperationException", None)
    }

    /// A request whose `Content-Type` is not the protocol's: AWS answers it
    /// with a 404 `UnknownOperationException`.
    pub fn unsupported_media_type() -> Self {
        Self::framework(404, FRAMEWORK_SERVICE, "UnknownOperationException", None)
    }

    /// A 500 for failures inside the service that are not the caller's fault.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::framework(
            500,
            FRAMEWORK_SERVICE,
            "InternalServerError",
            Some(message.into()),
        )
    }

    /// A modelled error shape: `shape_id` is absolute, `error` serializes to
    /// the shape's members.
    pub fn modeled<T: Serialize>(shape_id: &'static str, status: u16, error: &T) -> Self {
        let (namespace, code) = shape_id.split_once('#').unwrap_or(("", shape_id));
        let body = match serde_json::to_value(error) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Self {
            status,
            code,
            namespace,
            body,
            query_error: None,
        }
    }

    /// Adds the awsQuery error code and fault (`Sender`, `Receiver`) that an
    /// `@awsQueryCompatible` service sends in `x-amzn-query-error`.
    pub fn with_query_error(mut self, code: &'static str, fault: &'static str) -> Self {
        self.query_error = Some((code, fault));
        self
    }

    /// The message, whichever capitalisation the shape declares.
    pub fn message(&self) -> Option<&str> {
        ["message", "Message"]
            .iter()
            .find_map(|key| self.body.get(*key)?.as_str())
    }

    /// The `__type` value for `protocol`.
    pub fn type_name(&self, protocol: Protocol) -> Cow<'_, str> {
        match protocol {
            Protocol::AwsJson1_1 => Cow::Borrowed(self.code),
            Protocol::AwsJson1_0 => Cow::Owned(format!("{}#{}", self.namespace, self.code)),
        }
    }

    pub fn to_json(&self, protocol: Protocol) -> Vec<u8> {
        let mut body = Map::with_capacity(self.body.len() + 1);
        body.insert(
            "__type".into(),
            Value::String(self.type_name(protocol).into_owned()),
        );
        body.extend(self.body.iter().map(|(k, v)| (k.clone(), v.clone())));
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

impl fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => write!(f, "{}: {message}", self.code),
            None => f.write_str(self.code),
        }
    }
}

impl std::error::Error for ErrorResponse {}

impl OperationError for ErrorResponse {
    fn to_error_response(&self) -> ErrorResponse {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct DoesNotExist {
        #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    }

    #[test]
    fn modeled_errors_carry_their_members_and_type() {
        let e = ErrorResponse::modeled(
            "com.amazonaws.ssm#DoesNotExistException",
            400,
            &DoesNotExist {
                message: Some("Maintenance window mw-1 does not exist".into()),
            },
        );
        assert_eq!(e.message(), Some("Maintenance window mw-1 does not exist"));
        let v: Value = serde_json::from_slice(&e.to_json(Protocol::AwsJson1_1)).unwrap();
        assert_eq!(v["__type"], "DoesNotExistException");
        assert_eq!(v["Message"], "Maintenance window mw-1 does not exist");
        let v: Value = serde_json::from_slice(&e.to_json(Protocol::AwsJson1_0)).unwrap();
        assert_eq!(v["__type"], "com.amazonaws.ssm#DoesNotExistException");
    }

    #[test]
    fn framework_errors_use_lowercase_message() {
        let v: Value =
            serde_json::from_slice(&ErrorResponse::validation("bad").to_json(Protocol::AwsJson1_0))
                .unwrap();
        assert_eq!(v["__type"], "com.amazon.coral.validate#ValidationException");
        assert_eq!(v["message"], "bad");
        let unknown = ErrorResponse::unknown_operation().to_json(Protocol::AwsJson1_1);
        assert_eq!(unknown, br#"{"__type":"UnknownOperationException"}"#);
    }
}
