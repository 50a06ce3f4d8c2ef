//! Errors as every protocol sees them: a status, a code (the shape name),
//! its namespace and the members of the body; each protocol writes them in
//! its own shape (`crate::protocol`). Framework errors (those AWS's request
//! layer raises before a handler runs) carry the namespace AWS's own
//! framework uses.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::schema::Shape;

const FRAMEWORK_SERVICE: &str = "com.amazon.coral.service";
const FRAMEWORK_VALIDATE: &str = "com.amazon.coral.validate";

/// Every typed error a handler can return turns into one of these.
pub trait OperationError {
    fn to_error_response(&self) -> ErrorResponse;
}

#[derive(Clone, Debug)]
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
    /// The modelled shape, whose members HTTP binding protocols may put in
    /// headers; `None` for framework errors.
    pub shape: Option<&'static Shape>,
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
            shape: None,
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

    /// A 400 `smithy.framework#ValidationException` of `shape`, whose body
    /// (`message` and `fieldList`) the validator wrote.
    pub fn framework_validation(shape: &'static Shape, body: Map<String, Value>) -> Self {
        let (namespace, code) = shape.id.split_once('#').unwrap_or(("", shape.id));
        Self {
            status: 400,
            code,
            namespace,
            body,
            query_error: None,
            shape: Some(shape),
        }
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

    /// No operation has the request's method and URI (HTTP binding
    /// protocols).
    pub fn not_found() -> Self {
        Self::framework(404, FRAMEWORK_SERVICE, "UnknownOperationException", None)
    }

    /// The service knows `operation` but its crate does not serve it, for
    /// the reason `why` the generator gave (an event stream, say): a 501
    /// that names it, so a client learns what is missing, not that the
    /// operation does not exist.
    pub fn not_served(operation: &str, why: &str) -> Self {
        Self::framework(
            501,
            FRAMEWORK_SERVICE,
            "NotImplementedException",
            Some(format!("This server does not serve {operation}: {why}")),
        )
    }

    /// An operation has the request's URI, but not its method.
    pub fn method_not_allowed() -> Self {
        Self::framework(405, FRAMEWORK_SERVICE, "UnknownOperationException", None)
    }

    /// The request's `Content-Type` is not the operation's (HTTP binding
    /// protocols).
    pub fn wrong_content_type() -> Self {
        Self::framework(
            415,
            FRAMEWORK_SERVICE,
            "UnsupportedMediaTypeException",
            Some("The request's Content-Type is not the operation's".into()),
        )
    }

    /// The request's `Accept` does not allow the operation's answer.
    pub fn not_acceptable() -> Self {
        Self::framework(
            406,
            FRAMEWORK_SERVICE,
            "NotAcceptableException",
            Some("The request's Accept header does not allow the operation's answer".into()),
        )
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

    /// A modelled error of `shape`; `error` serializes to its members.
    pub fn modeled<T: Serialize>(shape: &'static Shape, status: u16, error: &T) -> Self {
        let (namespace, code) = shape.id.split_once('#').unwrap_or(("", shape.id));
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
            shape: Some(shape),
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
}

/// Shapes are statics: one id, one shape.
impl PartialEq for ErrorResponse {
    fn eq(&self, other: &Self) -> bool {
        (
            self.status,
            self.code,
            self.namespace,
            &self.body,
            self.query_error,
        ) == (
            other.status,
            other.code,
            other.namespace,
            &other.body,
            other.query_error,
        ) && self.shape.map(|s| s.id) == other.shape.map(|s| s.id)
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
