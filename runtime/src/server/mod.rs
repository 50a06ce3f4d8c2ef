//! Serving a generated service over HTTP/1 (feature `server`): one call,
//! `router(service)` in the generated crate, gives a [`Router`] that answers
//! `POST /` as the awsJson protocol asks, and [`serve`] runs it on a
//! listener with a connection cap, header and idle timeouts and a graceful
//! stop.
//!
//! ```text
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:4580").await?;
//! let router = Arc::new(greeter_api::router(MyGreeter));
//! smithy_runtime::server::serve(listener, router, ConnectionLimits::default(), shutdown).await;
//! ```
//!
//! For each request the router reads the body (up to a limit), asks its
//! [`Identify`] who calls and in which Region, hands the request to the
//! generated dispatcher (which validates, routes and contains panics),
//! and answers with `x-amzn-RequestId` and, on errors, `x-amzn-ErrorType`;
//! then it reports one [`Answered`] line to its log.

mod body;
mod connections;
mod identity;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, StatusCode};

pub use body::Body;
pub use connections::{serve, ConnectionLimits};
pub use identity::{
    is_account_id, is_region_name, is_separator, scope, Caller, Identify, OpenIdentity, Refusal,
    Scope, Signed, SIGV4_ALGORITHM,
};

use crate::stream::PendingBody;
use crate::{ByteStream, ErrorResponse, HttpResponse, Protocol, Request, RequestContext};

pub type Response = hyper::Response<Body>;

/// What answers a connection's requests: a [`Router`], or a program's own
/// routes with a router inside.
pub trait Handler: Send + Sync + 'static {
    fn handle(
        &self,
        peer: SocketAddr,
        request: hyper::Request<Incoming>,
    ) -> impl Future<Output = Response> + Send;
}

/// A generated service, as the router calls it. The generated crate
/// implements this for its `Served` wrapper; nothing else needs to.
pub trait Api: Send + Sync + 'static {
    const PROTOCOL: Protocol;

    fn dispatch<'a>(
        &'a self,
        context: &'a RequestContext,
        request: Request<'a>,
    ) -> impl Future<Output = HttpResponse> + Send + 'a;

    /// Whether `head` (a request without its body) calls an operation that
    /// streams its input, so the router hands it the body unread.
    fn streams_input(&self, head: &Request<'_>) -> bool {
        let _ = head;
        false
    }
}

/// One answered request, for the log.
#[derive(Debug)]
pub struct Answered<'a> {
    /// The operation named by `X-Amz-Target` (whatever the client sent).
    pub operation: &'a str,
    pub status: u16,
    /// The error code, when the answer is an error.
    pub error: Option<&'static str>,
    /// The caller's Region, or `-` when the request was refused before it
    /// was known.
    pub region: &'a str,
    pub latency_us: u64,
    pub request_id: &'a str,
}

/// Where [`Answered`] lines go.
pub type Log = Box<dyn Fn(&Answered<'_>) + Send + Sync>;

/// AWS's JSON services' request limit is not documented; 2 MiB holds any
/// request their models allow.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A generated service behind `POST /`.
pub struct Router<A> {
    api: A,
    identify: Box<dyn Identify>,
    max_body_bytes: usize,
    log: Log,
}

impl<A: Api> Router<A> {
    /// `api` with [`OpenIdentity`], a 2 MiB body limit, and one `tracing`
    /// line per request (target `smithy_runtime::access`, level info).
    pub fn new(api: A) -> Self {
        Self {
            api,
            identify: Box::new(OpenIdentity::default()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            log: Box::new(trace_answer),
        }
    }

    /// Who calls: e.g. an [`OpenIdentity`] with other defaults, or a
    /// signature check.
    pub fn identify(mut self, identify: impl Identify) -> Self {
        self.identify = Box::new(identify);
        self
    }

    /// The largest body read; a larger one is answered 413.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Where each request's [`Answered`] line goes instead of `tracing`.
    pub fn log(mut self, log: impl Fn(&Answered<'_>) + Send + Sync + 'static) -> Self {
        self.log = Box::new(log);
        self
    }

    /// The request body, refused past this router's limit; for routes of a
    /// program's own that read bodies as the API does.
    pub async fn read_body(&self, body: Incoming) -> Result<Bytes, Refusal> {
        read_body(body, self.max_body_bytes).await
    }

    /// Who calls, by this router's [`Identify`]; for routes of a program's
    /// own that act for a caller as the API does.
    pub fn caller<'a>(&'a self, request: &Signed<'a>) -> Result<Caller<'a>, Refusal> {
        self.identify.identify(request)
    }

    /// Answers an API request (for awsJson, `POST /`: the method and path
    /// are the caller's to check).
    pub async fn call(&self, parts: &Parts, body: Incoming) -> Response {
        let started = Instant::now();
        let headers = &parts.headers;
        // Until routing names the operation, the log shows what the client
        // asked for.
        let asked = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .map(|target| target.rsplit('.').next().unwrap_or(target))
            .unwrap_or_else(|| parts.uri.path());
        let request_id = uuid::Uuid::new_v4().to_string();
        let answer = |answer: HttpResponse, region: &str| {
            (self.log)(&Answered {
                operation: answer.operation.unwrap_or(asked),
                status: answer.status,
                error: answer.error_type,
                region,
                latency_us: started.elapsed().as_micros() as u64,
                request_id: &request_id,
            });
            to_response(answer, &request_id)
        };
        let head = Request {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers,
            body: &[],
            pending: None,
        };
        // A compressed body is read whole, to be undone before the
        // operation sees it; any other body of an operation that streams
        // its input goes to the handler as it arrives, never held here (so
        // the body limit does not apply to it).
        let (body, pending) = if !is_compressed(headers) && self.api.streams_input(&head) {
            let stream = ByteStream::new(body.into_data_stream());
            (Bytes::new(), Some(PendingBody::new(stream)))
        } else {
            match self.read_body(body).await {
                Ok(body) => (body, None),
                Err(refusal) => return answer(refusal.into_response(A::PROTOCOL), "-"),
            }
        };
        // A streamed body is not read yet: `Signed::body` is empty, and a
        // check that covers the body has only the client's stated hash.
        let signed = Signed {
            body: &body,
            ..head_signed(&head)
        };
        // A refused request is logged without a Region: the client's claim
        // to one is not to be trusted, nor echoed.
        let caller = match self.identify.identify(&signed) {
            Ok(caller) => caller,
            Err(refusal) => return answer(refusal.into_response(A::PROTOCOL), "-"),
        };
        let context = RequestContext {
            account_id: caller.account.to_owned(),
            region: caller.region.to_owned(),
            request_id: request_id.clone(),
        };
        let request = Request {
            body: &body,
            pending: pending.as_ref(),
            ..head
        };
        let result = self.api.dispatch(&context, request).await;
        answer(result, caller.region)
    }
}

fn head_signed<'a>(head: &Request<'a>) -> Signed<'a> {
    Signed {
        method: head.method,
        path: head.path,
        query: head.query,
        headers: head.headers,
        body: &[],
    }
}

/// Whether the body has a `Content-Encoding` to undo.
fn is_compressed(headers: &hyper::HeaderMap) -> bool {
    headers.get_all(header::CONTENT_ENCODING).iter().any(|v| {
        v.to_str().map_or(true, |v| {
            v.split(',')
                .any(|c| !c.trim().eq_ignore_ascii_case("identity") && !c.trim().is_empty())
        })
    })
}

/// A router alone answers what its protocol routes: every method and path
/// for HTTP binding protocols, `POST /` and nothing else for RPC ones.
impl<A: Api> Handler for Router<A> {
    async fn handle(&self, _peer: SocketAddr, request: hyper::Request<Incoming>) -> Response {
        let (parts, body) = request.into_parts();
        if A::PROTOCOL.routes_by_uri() {
            return self.call(&parts, body).await;
        }
        match (&parts.method, parts.uri.path()) {
            (&Method::POST, "/") => self.call(&parts, body).await,
            (_, "/") => plain(StatusCode::METHOD_NOT_ALLOWED, Some("POST")),
            _ => plain(StatusCode::NOT_FOUND, None),
        }
    }
}

impl Refusal {
    /// In the protocol's error shape, as AWS's request layer writes it.
    pub fn into_response(self, protocol: Protocol) -> HttpResponse {
        let mut body = serde_json::Map::new();
        body.insert("message".into(), self.message.into());
        let error = ErrorResponse {
            status: self.status,
            code: self.code,
            namespace: "com.amazon.coral.service",
            body,
            query_error: None,
            shape: None,
        };
        protocol.error(&error)
    }
}

/// The whole body, or why not: too large (413) or unreadable (400), in the
/// protocol's error shape so SDKs report it as a service error. AWS
/// documents no error for an oversized request; `RequestEntityTooLargeException`
/// is the name its JSON services use with status 413.
async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Refusal> {
    let too_large = || Refusal {
        status: 413,
        code: "RequestEntityTooLargeException",
        message: format!("Request body is larger than the limit of {limit} bytes"),
    };
    // A declared `Content-Length` past the limit is refused before a byte
    // of the body is waited for.
    if hyper::body::Body::size_hint(&body).lower() > limit as u64 {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(body) => Ok(body.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(Refusal::new(
            "SerializationException",
            "The request body could not be read",
        )),
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

fn to_response(answer: HttpResponse, request_id: &str) -> Response {
    let body = match answer.stream {
        Some(stream) => Body::stream(stream),
        None => Body::from(answer.body),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    *response.headers_mut() = answer.headers;
    if let Ok(id) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    response
}

/// An empty answer outside the API: an unknown path, or a known one asked
/// with the wrong method (`allow` lists the right ones).
pub fn plain(status: StatusCode, allow: Option<&'static str>) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    response
}

fn trace_answer(answered: &Answered<'_>) {
    tracing::info!(
        target: "smithy_runtime::access",
        operation = answered.operation,
        status = answered.status,
        error = answered.error.unwrap_or("-"),
        region = answered.region,
        latency_us = answered.latency_us,
        request_id = answered.request_id,
    );
}
