//! awsJson 1.0 and 1.1: every request is `POST /` with the operation in
//! `X-Amz-Target: <service>.<operation>`, the input as a JSON body of the
//! protocol's media type, errors as `{"__type": …}` with the code also in
//! `X-Amzn-ErrorType`.

use http::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Call, Protocol};
use crate::decode::decode;
use crate::response::ERROR_TYPE;
use crate::schema::OperationMeta;
use crate::{ErrorResponse, HttpResponse, Request, Unit};

/// `x-amzn-query-error: <code>;<Sender|Receiver>`, sent by services that
/// are `@awsQueryCompatible` so that clients of their former awsQuery
/// protocol see the error codes they know.
const QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");

pub(super) fn content_type(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        _ => "application/x-amz-json-1.0",
    }
}

/// Whether `content_type` names the protocol's media type; parameters
/// such as `; charset=utf-8` are ignored, as the protocol asks.
fn accepts(protocol: Protocol, sent: Option<&str>) -> bool {
    sent.is_some_and(|value| {
        let media_type = value.split(';').next().unwrap_or_default().trim();
        media_type.eq_ignore_ascii_case(content_type(protocol))
    })
}

/// A `Content-Type` other than the protocol's is answered as AWS does, as
/// if the operation did not exist (404 `UnknownOperationException`); so is
/// a target of another service; an unknown operation of this one is a 400.
pub(super) fn route<'a>(
    protocol: Protocol,
    target_prefix: &str,
    operations: &'static [OperationMeta],
    request: Request<'a>,
) -> Result<Call<'a>, ErrorResponse> {
    if !accepts(protocol, request.header("content-type")) {
        return Err(ErrorResponse::unsupported_media_type());
    }
    let name = request
        .header("x-amz-target")
        .and_then(|target| target.strip_prefix(target_prefix))
        .ok_or_else(ErrorResponse::unknown_operation)?;
    let operation = operations
        .binary_search_by(|op| op.name.cmp(name))
        .map(|index| &operations[index])
        .map_err(|_| ErrorResponse::unknown_operation())?;
    Ok(Call {
        protocol,
        operation,
        body: request.decoded_body()?,
        request,
        labels: Vec::new(),
        codings: Vec::new(),
    })
}

pub(super) fn input<I: DeserializeOwned>(call: &Call<'_>) -> Result<I, ErrorResponse> {
    let rules = call.protocol.validation_rules(call.operation);
    decode(&call.body, call.operation.input, rules)
}

/// An operation without output answers with no payload at all (the
/// Content-Type still says what the protocol is); an empty structure is `{}`.
pub(super) fn output<O: Serialize + 'static>(
    protocol: Protocol,
    output: &O,
) -> Result<HttpResponse, String> {
    let body = if std::any::TypeId::of::<O>() == std::any::TypeId::of::<Unit>() {
        Vec::new()
    } else {
        // Most answers fit; growing a vector from empty copies it several
        // times over.
        let mut body = Vec::with_capacity(512);
        serde_json::to_writer(&mut body, output).map_err(|e| e.to_string())?;
        body
    };
    Ok(HttpResponse::new(200, body).with_content_type(content_type(protocol)))
}

pub(super) fn error(protocol: Protocol, error: &ErrorResponse) -> HttpResponse {
    let mut response = HttpResponse::new(error.status, error_body(protocol, error))
        .with_content_type(content_type(protocol));
    response
        .headers
        .insert(ERROR_TYPE, HeaderValue::from_static(error.code));
    if let Some((code, fault)) = error.query_error {
        if let Ok(value) = HeaderValue::from_str(&format!("{code};{fault}")) {
            response.headers.insert(QUERY_ERROR, value);
        }
    }
    response
}

/// `{"__type": …, members…}`: awsJson 1.1 writes the bare shape name in
/// `__type`, 1.0 the absolute shape id.
pub(crate) fn error_body(protocol: Protocol, error: &ErrorResponse) -> Vec<u8> {
    let type_name = match protocol {
        Protocol::AwsJson1_1 => error.code.to_owned(),
        _ => format!("{}#{}", error.namespace, error.code),
    };
    let mut body = Map::with_capacity(error.body.len() + 1);
    body.insert("__type".into(), Value::String(type_name));
    body.extend(error.body.iter().map(|(k, v)| (k.clone(), v.clone())));
    serde_json::to_vec(&body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Shape;

    #[derive(Serialize)]
    struct DoesNotExist {
        #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    }

    static DOES_NOT_EXIST: Shape = Shape {
        id: "com.amazonaws.ssm#DoesNotExistException",
        ..Shape::DEFAULT
    };

    fn body(protocol: Protocol, error: &ErrorResponse) -> Value {
        serde_json::from_slice(&error_body(protocol, error)).unwrap()
    }

    #[test]
    fn modeled_errors_carry_their_members_and_type() {
        let e = ErrorResponse::modeled(
            &DOES_NOT_EXIST,
            400,
            &DoesNotExist {
                message: Some("Maintenance window mw-1 does not exist".into()),
            },
        );
        assert_eq!(e.message(), Some("Maintenance window mw-1 does not exist"));
        let v = body(Protocol::AwsJson1_1, &e);
        assert_eq!(v["__type"], "DoesNotExistException");
        assert_eq!(v["Message"], "Maintenance window mw-1 does not exist");
        let v = body(Protocol::AwsJson1_0, &e);
        assert_eq!(v["__type"], "com.amazonaws.ssm#DoesNotExistException");
    }

    #[test]
    fn framework_errors_use_lowercase_message() {
        let v = body(Protocol::AwsJson1_0, &ErrorResponse::validation("bad"));
        assert_eq!(v["__type"], "com.amazon.coral.validate#ValidationException");
        assert_eq!(v["message"], "bad");
        let unknown = error_body(Protocol::AwsJson1_1, &ErrorResponse::unknown_operation());
        assert_eq!(unknown, br#"{"__type":"UnknownOperationException"}"#);
    }

    #[test]
    fn the_error_type_header_names_the_error() {
        let response = error(Protocol::AwsJson1_1, &ErrorResponse::validation("bad"));
        assert_eq!(response.status, 400);
        assert_eq!(
            response.header("X-Amzn-ErrorType"),
            Some("ValidationException")
        );
        assert_eq!(response.content_type(), Some("application/x-amz-json-1.1"));
    }
}
