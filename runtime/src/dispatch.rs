//! What every generated `dispatch` function shares: calling a handler with a
//! decoded input, turning its result into a response, and containing panics.

use std::any::TypeId;
use std::borrow::Cow;
use std::future::Future;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use flate2::read::GzDecoder;
use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::decode::decode;
use crate::schema::Shape;
use crate::{ErrorResponse, OperationError, Unit};

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

/// The parts of an HTTP request the awsJson protocol reads: the operation
/// comes from `X-Amz-Target`, the input from the body, and `Content-Type`
/// must name the protocol. The transport fills this in; header names are
/// case-insensitive there.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// `X-Amz-Target`: `<service>.<operation>`.
    pub target: Option<&'a str>,
    /// `Content-Type`, parameters included.
    pub content_type: Option<&'a str>,
    /// `Content-Encoding`: `gzip` bodies are decompressed before reading.
    pub content_encoding: Option<&'a str>,
    pub body: &'a [u8],
}

/// A decompressed body may be at most this large, so a small gzip body
/// cannot expand into all of the server's memory.
pub const MAX_DECODED_BODY: usize = 16 * 1024 * 1024;

impl<'a> Request<'a> {
    /// The body as the client wrote it, before any `Content-Encoding`:
    /// `gzip` is undone (Smithy's `@requestCompression`), `identity` is
    /// nothing to undo, and anything else is refused.
    pub fn decoded_body(&self, protocol: Protocol) -> Result<Cow<'a, [u8]>, HttpResponse> {
        let Some(encodings) = self.content_encoding else {
            return Ok(Cow::Borrowed(self.body));
        };
        let mut body = Cow::Borrowed(self.body);
        // Codings are listed in the order they were applied.
        for coding in encodings.rsplit(',').map(str::trim) {
            if coding.eq_ignore_ascii_case("gzip") {
                body = Cow::Owned(gunzip(&body).map_err(|why| {
                    HttpResponse::error(protocol, &ErrorResponse::serialization(why))
                })?);
            } else if !coding.is_empty() && !coding.eq_ignore_ascii_case("identity") {
                let why = format!("Unsupported Content-Encoding: {coding}");
                return Err(HttpResponse::error(
                    protocol,
                    &ErrorResponse::serialization(why),
                ));
            }
        }
        Ok(body)
    }
}

fn gunzip(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut reader = GzDecoder::new(body).take(MAX_DECODED_BODY as u64 + 1);
    reader
        .read_to_end(&mut out)
        .map_err(|e| format!("Could not decompress the gzip body: {e}"))?;
    if out.len() > MAX_DECODED_BODY {
        return Err(format!(
            "The decompressed body is larger than {MAX_DECODED_BODY} bytes"
        ));
    }
    Ok(out)
}

impl Protocol {
    /// Whether `content_type` names this protocol's media type; parameters
    /// such as `; charset=utf-8` are ignored, as the protocol asks.
    pub fn accepts(self, content_type: Option<&str>) -> bool {
        content_type.is_some_and(|value| {
            let media_type = value.split(';').next().unwrap_or_default().trim();
            media_type.eq_ignore_ascii_case(self.content_type())
        })
    }
}

/// Facts about the request that are not part of its input, filled in by the
/// transport: who called and where (from the SigV4 credential scope, or the
/// transport's defaults), and the id the response carries.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The 12-digit account the caller acts in.
    pub account_id: String,
    pub region: String,
    pub request_id: String,
}

impl Default for RequestContext {
    /// AWS's documentation account and first Region.
    fn default() -> Self {
        Self {
            account_id: "123456789012".into(),
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
    /// `x-amzn-query-error` (`<code>;<Sender|Receiver>`), sent by services
    /// that are `@awsQueryCompatible` so that clients of their former
    /// awsQuery protocol see the error codes they know.
    pub query_error: Option<String>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn error(protocol: Protocol, error: &ErrorResponse) -> Self {
        Self {
            status: error.status,
            content_type: protocol.content_type(),
            error_type: Some(error.code),
            query_error: error
                .query_error
                .map(|(code, fault)| format!("{code};{fault}")),
            body: error.to_json(protocol),
        }
    }

    fn ok<O: Serialize + 'static>(protocol: Protocol, output: &O) -> Self {
        // An operation without output answers with no payload at all (the
        // Content-Type still says what the protocol is); an empty structure
        // is `{}`.
        let body = if TypeId::of::<O>() == TypeId::of::<Unit>() {
            Ok(Vec::new())
        } else {
            // Most answers fit; growing a vector from empty copies it
            // several times over.
            let mut body = Vec::with_capacity(512);
            serde_json::to_writer(&mut body, output).map(|()| body)
        };
        match body {
            Ok(body) => Self {
                status: 200,
                content_type: protocol.content_type(),
                error_type: None,
                query_error: None,
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
    O: Serialize + Send + 'static,
    E: OperationError + Send + 'a,
    F: FnOnce(I) -> Fut + Send + 'a,
    Fut: Future<Output = Result<O, E>> + Send + 'a,
{
    Box::pin(async move {
        let input = match decode::<I>(body, input_shape) {
            Ok(input) => input,
            Err(error) => return HttpResponse::error(protocol, &error),
        };
        respond(protocol, handler(input).await)
    })
}

/// The HTTP answer for a handler's result: the output as JSON with a 200,
/// or the error's status and body.
pub fn respond<O: Serialize + 'static, E: OperationError>(
    protocol: Protocol,
    result: Result<O, E>,
) -> HttpResponse {
    match result {
        Ok(output) => HttpResponse::ok(protocol, &output),
        Err(error) => HttpResponse::error(protocol, &error.to_error_response()),
    }
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

/// The answer to a request whose `Content-Type` is missing or is not the
/// protocol's: AWS's JSON services answer such requests as if the operation
/// did not exist, with a 404 `UnknownOperationException`.
pub fn unsupported_media_type(protocol: Protocol) -> HttpResponse {
    HttpResponse::error(protocol, &ErrorResponse::unsupported_media_type())
}
