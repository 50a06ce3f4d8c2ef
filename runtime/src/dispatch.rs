//! What every generated `dispatch` function shares: calling a handler with a
//! decoded input, turning its result into a response, and containing panics.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::decode::decode;
use crate::schema::Shape;
use crate::{ErrorResponse, OperationError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
}

impl Protocol {
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// Facts about the request that are not part of its input, filled in by the
/// transport (the region comes from the SigV4 credential scope).
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub region: String,
    pub request_id: String,
}

impl Default for RequestContext {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            request_id: String::new(),
        }
    }
}

/// A transport-independent response.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: &'static str,
    /// The error code, also sent as `X-Amzn-ErrorType`.
    pub error_type: Option<&'static str>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn error(protocol: Protocol, error: &ErrorResponse) -> Self {
        Self {
            status: error.status,
            content_type: protocol.content_type(),
            error_type: Some(error.code),
            body: error.to_json(protocol),
        }
    }

    fn ok<O: Serialize>(protocol: Protocol, output: &O) -> Self {
        match serde_json::to_vec(output) {
            Ok(body) => Self {
                status: 200,
                content_type: protocol.content_type(),
                error_type: None,
                body,
            },
            Err(e) => Self::error(
                protocol,
                &ErrorResponse::internal(format!("Could not write the response: {e}")),
            ),
        }
    }
}

/// One operation's work, boxed so that a service's `dispatch` stays a small
/// function: a `match` over a hundred inlined handlers takes the optimizer
/// minutes to compile.
pub type Handled<'a> = Pin<Box<dyn Future<Output = HttpResponse> + Send + 'a>>;

/// Decodes `body` as `input_shape`, calls `handler` and encodes its answer.
pub fn handle<'a, I, O, E, F, Fut>(
    protocol: Protocol,
    body: &'a [u8],
    input_shape: &'static Shape,
    handler: F,
) -> Handled<'a>
where
    I: DeserializeOwned + Send + 'a,
    O: Serialize + Send + 'a,
    E: OperationError + Send + 'a,
    F: FnOnce(I) -> Fut + Send + 'a,
    Fut: Future<Output = Result<O, E>> + Send + 'a,
{
    Box::pin(async move {
        let input = match decode::<I>(body, input_shape) {
            Ok(input) => input,
            Err(error) => return HttpResponse::error(protocol, &error),
        };
        match handler(input).await {
            Ok(output) => HttpResponse::ok(protocol, &output),
            Err(error) => HttpResponse::error(protocol, &error.to_error_response()),
        }
    })
}

/// Runs `work`, answering a panic inside it with a 500 so the process (and
/// every other request) carries on.
pub async fn guard(protocol: Protocol, work: impl Future<Output = HttpResponse>) -> HttpResponse {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(response) => response,
        Err(_) => HttpResponse::error(
            protocol,
            &ErrorResponse::internal("An internal error occurred"),
        ),
    }
}

pub fn unknown_operation(protocol: Protocol) -> HttpResponse {
    HttpResponse::error(protocol, &ErrorResponse::unknown_operation())
}
