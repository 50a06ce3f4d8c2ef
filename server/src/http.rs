//! HTTP: `POST /` carries awsJson requests to the generated dispatcher,
//! `GET /health` answers probes, `/_admin/…` holds controls that are not
//! part of the AWS API.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use awsjson_runtime::{ErrorResponse, HttpResponse, Request, RequestContext};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::access_log::{AccessLog, Entry};
use crate::domain::{Domain, Scope};
use crate::service::SsmService;
use crate::sigv4;

pub struct App {
    pub service: SsmService,
    pub domain: Arc<Domain>,
    pub default_region: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub access_log: AccessLog,
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", post(api))
        .route("/health", get(health))
        .route("/_admin/windows/{window_id}/run", post(run_now))
        .layer(DefaultBodyLimit::max(app.max_body_bytes))
        .with_state(app)
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
const QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");

/// The request's headers, moved out of it: `HeaderMap`'s own extractor
/// clones them, on every request.
struct Headers(HeaderMap);

impl<S: Send + Sync> FromRequestParts<S> for Headers {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Headers(std::mem::take(&mut parts.headers)))
    }
}

async fn api(
    State(app): State<Arc<App>>,
    Headers(headers): Headers,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let operation = target.rsplit('.').next().unwrap_or(target);
    let scope = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map_or(sigv4::ScopeRegion::Absent, sigv4::region);
    let request_id = uuid::Uuid::new_v4().to_string();
    let answer = |answer: HttpResponse, region: &str| {
        app.access_log.record(&Entry {
            operation,
            status: answer.status,
            error: answer.error_type,
            region,
            latency_us: started.elapsed().as_micros() as u64,
            request_id: &request_id,
        });
        to_response(answer, &request_id)
    };
    let region = match scope {
        sigv4::ScopeRegion::Valid(region) => region,
        sigv4::ScopeRegion::Absent => &app.default_region,
        // What AWS answers a credential scope whose region is not a Region.
        // AWS's text then quotes the region; ours does not, since it is
        // whatever the client sent, and neither does the log line.
        sigv4::ScopeRegion::Invalid => {
            let refusal = framework_error(
                400,
                "InvalidSignatureException",
                "Credential should be scoped to a valid region.".into(),
            );
            return answer(refusal, "-");
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return answer(unread_body(&rejection, app.max_body_bytes), region),
    };
    let context = RequestContext {
        region: region.to_owned(),
        request_id: request_id.clone(),
    };
    let request = Request {
        target: Some(target),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        content_encoding: headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok()),
        body: &body,
    };
    let result = ssm_api::dispatch(&app.service, &context, request).await;
    answer(result, region)
}

/// A body that was too large or could not be read, answered in the
/// protocol's error shape so SDKs report it as a service error rather than
/// failing to parse a plain-text one. AWS documents no error for an
/// oversized SSM request; `RequestEntityTooLargeException` is the name its
/// JSON services use with status 413.
fn unread_body(rejection: &BytesRejection, limit: usize) -> HttpResponse {
    let (status, error_type, message) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            413,
            "RequestEntityTooLargeException",
            format!("Request body is larger than the limit of {limit} bytes"),
        )
    } else {
        (
            400,
            "SerializationException",
            "The request body could not be read".to_owned(),
        )
    };
    framework_error(status, error_type, message)
}

/// An error AWS's request layer raises before any operation runs, in the
/// protocol's error shape.
fn framework_error(status: u16, code: &'static str, message: String) -> HttpResponse {
    let mut body = serde_json::Map::new();
    body.insert("message".into(), message.into());
    let error = ErrorResponse {
        status,
        code,
        namespace: "com.amazon.coral.service",
        body,
        query_error: None,
    };
    HttpResponse::error(ssm_api::PROTOCOL, &error)
}

fn to_response(answer: HttpResponse, request_id: &str) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID, id);
    }
    if let Some(error_type) = answer.error_type {
        headers.insert(ERROR_TYPE, HeaderValue::from_static(error_type));
    }
    if let Some(query_error) = answer
        .query_error
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        headers.insert(QUERY_ERROR, query_error);
    }
    response
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "service": "ssm", "version": env!("CARGO_PKG_VERSION") }))
}

#[derive(Deserialize)]
struct RunQuery {
    region: Option<String>,
}

/// Starts a window's run now, so a person can watch one without waiting
/// for its schedule.
async fn run_now(
    State(app): State<Arc<App>>,
    Path(window_id): Path<String>,
    Query(query): Query<RunQuery>,
) -> Response {
    let scope = Scope {
        account: app.service.account_id.clone(),
        region: query.region.unwrap_or_else(|| app.default_region.clone()),
    };
    let domain = app.domain.clone();
    match crate::service::blocking(move || domain.run_window_now(&scope, &window_id)).await {
        Ok(execution_id) => (
            StatusCode::OK,
            Json(json!({ "WindowExecutionId": execution_id })),
        )
            .into_response(),
        Err(fault) => {
            let error = fault.to_response();
            let body = json!({ "__type": error.code, "message": error.message() });
            (
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
                Json(body),
            )
                .into_response()
        }
    }
}

/// Connection-level limits; see the flags of the same names.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: u32,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting, lets every open connection finish the request it is on, and
/// returns.
///
/// Not `axum::serve`: it leaves hyper without a timer, so there is no
/// header-read timeout, and it has no connection cap; a client that sends
/// half a request line would hold a connection and its task forever.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (stopping, stop_signal) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    loop {
        // The slot is taken before accepting so that, at the cap, further
        // clients wait in the kernel's backlog instead of costing a task
        // and buffers here.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let stream = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match stream {
            Ok((stream, _)) => stream,
            Err(error) => {
                accept_failed(error).await;
                continue;
            }
        };
        // Responses are small and written whole; Nagle would only delay them.
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let connection = http.serve_connection(io, TowerToHyperService::new(router.clone()));
        let mut stop_signal = stop_signal.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let stop = async move {
                let _ = stop_signal.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stop => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    // Each connection holds its slot until it ends: getting all of them
    // back means every connection has finished.
    let _ = slots.acquire_many(limits.max_connections).await;
}

/// What hyper 0.14's server did: errors about one connection are that
/// client's problem; others (out of file descriptors) may pass, so wait a
/// moment rather than spin.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// A connection that fails with `TimedOut` once it has waited `limit`
/// without reading or writing a byte. hyper's header timeout covers a
/// request's head and the wait between requests; this covers the rest of a
/// request, a body upload or a response download that stalls.
struct IdleTimeout<T> {
    io: T,
    limit: Duration,
    /// When a byte last moved. Progress only notes the time; the timer is
    /// moved when it fires early, so a busy connection does not touch the
    /// timer wheel on every read and write.
    last_progress: tokio::time::Instant,
    // Boxed so the wrapper stays `Unpin`, which hyper requires of its IO.
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl<T: Unpin> IdleTimeout<T> {
    fn new(io: T, limit: Duration) -> Self {
        Self {
            io,
            limit,
            last_progress: tokio::time::Instant::now(),
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// Notes progress; reports a timeout when the connection is waiting and
    /// nothing has moved for `limit`.
    fn watch<R>(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        poll: impl FnOnce(Pin<&mut T>, &mut Context<'_>) -> Poll<std::io::Result<R>>,
    ) -> Poll<std::io::Result<R>> {
        let this = self.get_mut();
        match poll(Pin::new(&mut this.io), cx) {
            Poll::Ready(result) => {
                this.last_progress = tokio::time::Instant::now();
                Poll::Ready(result)
            }
            Poll::Pending => loop {
                match this.deadline.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) => {
                        let due = this.last_progress + this.limit;
                        if due <= tokio::time::Instant::now() {
                            return Poll::Ready(Err(std::io::ErrorKind::TimedOut.into()));
                        }
                        // Fired for an older wait: wait out the rest of this one.
                        this.deadline.as_mut().reset(due);
                    }
                }
            },
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.watch(cx, |io, cx| io.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.watch(cx, |io, cx| io.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.watch(cx, |io, cx| io.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
