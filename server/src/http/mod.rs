//! HTTP: `POST /` carries awsJson requests to the generated dispatcher,
//! `GET /health` answers probes, `/_admin/…` holds controls that are not
//! part of the AWS API.

mod connections;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use awsjson_runtime::{ErrorResponse, HttpResponse, Request, RequestContext};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, StatusCode};
use serde_json::json;

pub use connections::{serve, ConnectionLimits};

use crate::access_log::{AccessLog, Entry};
use crate::auth::header::is_region_name;
use crate::auth::{Auth, Caller, Refusal, Signed};
use crate::domain::{Domain, Scope};
use crate::service::SsmService;

pub type Response = hyper::Response<Full<Bytes>>;

pub struct App {
    pub service: SsmService,
    pub domain: Arc<Domain>,
    pub auth: Auth,
    /// Whether `/_admin/…` is served.
    pub admin: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub access_log: AccessLog,
    /// Whether `/console` is served at all (`--no-console` turns it off).
    pub console: bool,
    /// Serve the console to loopback peers only.
    pub console_loopback_only: bool,
    /// The account and Region `/console` shows unless asked for others.
    pub default_account: String,
    pub default_region: String,
}

/// Sends a request to what answers it. Four routes need no router, and
/// this runs on every request.
pub async fn route(app: &App, peer: SocketAddr, request: hyper::Request<Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    if app.console && (path == "/console" || path.starts_with("/console/")) {
        return console(app, peer, &parts).await;
    }
    let admin_run = path
        .strip_prefix("/_admin/windows/")
        .and_then(|rest| rest.strip_suffix("/run"))
        .filter(|id| app.admin && !id.is_empty() && !id.contains('/'));
    match (&parts.method, path, admin_run) {
        (&Method::POST, "/", _) => api(app, &parts, body).await,
        // HEAD as well, as probes may send it; hyper leaves out the body.
        (&Method::GET | &Method::HEAD, "/health", _) => health(),
        (&Method::POST, _, Some(window_id)) => run_now(app, &parts, window_id, body).await,
        (_, "/", _) | (_, _, Some(_)) => plain(StatusCode::METHOD_NOT_ALLOWED, Some("POST")),
        (_, "/health", _) => plain(StatusCode::METHOD_NOT_ALLOWED, Some("GET, HEAD")),
        _ => plain(StatusCode::NOT_FOUND, None),
    }
}

/// An empty answer outside the API: an unknown path, or a known one asked
/// with the wrong method.
fn plain(status: StatusCode, allow: Option<&'static str>) -> Response {
    let mut response = Response::new(Full::default());
    *response.status_mut() = status;
    if let Some(allow) = allow {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// JSON outside the API (health, admin), as `application/json`.
fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
const QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");

async fn api(app: &App, parts: &Parts, body: Incoming) -> Response {
    let started = Instant::now();
    let headers = &parts.headers;
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let operation = target.rsplit('.').next().unwrap_or(target);
    let request_id = uuid::Uuid::new_v4().to_string();
    // A refused request is logged without a Region: the client's claim to
    // one is not to be trusted, nor echoed.
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
    let body = match read_body(body, app.max_body_bytes).await {
        Ok(body) => body,
        Err(refusal) => return answer(refusal, "-"),
    };
    let caller = match authenticate(app, parts, &body) {
        Ok(caller) => caller,
        Err(refusal) => {
            let refusal = framework_error(refusal.status, refusal.code, refusal.message);
            return answer(refusal, "-");
        }
    };
    let context = RequestContext {
        account_id: caller.account.to_owned(),
        region: caller.region.to_owned(),
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
    answer(result, caller.region)
}

async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, HttpResponse> {
    match Limited::new(body, limit).collect().await {
        Ok(body) => Ok(body.to_bytes()),
        Err(error) => {
            let too_large = error.downcast_ref::<LengthLimitError>().is_some();
            Err(unread_body(too_large, limit))
        }
    }
}

/// The account and Region `parts` and `body` act in, by the server's
/// `--auth` mode. Signatures are dated by the wall clock, not the
/// scheduler's (which tests may move).
fn authenticate<'a>(app: &'a App, parts: &'a Parts, body: &'a [u8]) -> Result<Caller<'a>, Refusal> {
    let signed = Signed {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body,
    };
    app.auth.authenticate(&signed, chrono::Utc::now())
}

/// A body that was too large or could not be read, answered in the
/// protocol's error shape so SDKs report it as a service error rather than
/// failing to parse a plain-text one. AWS documents no error for an
/// oversized SSM request; `RequestEntityTooLargeException` is the name its
/// JSON services use with status 413.
fn unread_body(too_large: bool, limit: usize) -> HttpResponse {
    let (status, error_type, message) = if too_large {
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
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
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

/// The read-only HTML console; see [`crate::console`].
async fn console(app: &App, peer: SocketAddr, parts: &hyper::http::request::Parts) -> Response {
    if !matches!(parts.method, Method::GET | Method::HEAD) {
        return plain(StatusCode::METHOD_NOT_ALLOWED, Some("GET, HEAD"));
    }
    if !console_serves(app.console_loopback_only, peer) {
        return plain(StatusCode::FORBIDDEN, None);
    }
    let (domain, account, region) = (
        app.domain.clone(),
        app.default_account.clone(),
        app.default_region.clone(),
    );
    let (path, query) = (
        parts.uri.path().to_owned(),
        parts.uri.query().map(str::to_owned),
    );
    let render = move || {
        let defaults = crate::console::Defaults {
            account: &account,
            region: &region,
        };
        crate::console::page(&domain, &defaults, &path, query.as_deref())
    };
    // A shared database answers reads over the network: render where
    // blocking is allowed, as the API's reads do.
    let page = if app.domain.store.reads_block() {
        match tokio::task::spawn_blocking(render).await {
            Ok(page) => page,
            Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, None),
        }
    } else {
        render()
    };
    let mut response = Response::new(Full::new(Bytes::from(page.html)));
    *response.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether the console answers `peer`: anyone, or loopback peers only
/// (IPv4 loopback reached over an IPv6 socket included).
fn console_serves(loopback_only: bool, peer: SocketAddr) -> bool {
    !loopback_only || peer.ip().to_canonical().is_loopback()
}

fn health() -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "status": "ok", "service": "ssm", "version": env!("CARGO_PKG_VERSION") }),
    )
}

/// Starts a window's run now, so a person can watch one without waiting
/// for its schedule. The caller's account and Region are the API's; in open
/// mode `?region=` may name the Region instead. `?force=true` skips the
/// scheduler's enabled and overlap checks.
async fn run_now(app: &App, parts: &Parts, window_id: &str, body: Incoming) -> Response {
    let refused = |status: u16, code: &str, message: &str| {
        json_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &json!({ "__type": code, "message": message }),
        )
    };
    let body = match read_body(body, app.max_body_bytes).await {
        Ok(body) => body,
        Err(refusal) => {
            let message = serde_json::from_slice::<serde_json::Value>(&refusal.body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_owned))
                .unwrap_or_default();
            return refused(
                refusal.status,
                refusal.error_type.unwrap_or_default(),
                &message,
            );
        }
    };
    let caller = match authenticate(app, parts, &body) {
        Ok(caller) => caller,
        Err(refusal) => return refused(refusal.status, refusal.code, &refusal.message),
    };
    let (mut region, mut force) = (None, false);
    for (key, value) in form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()) {
        match &*key {
            "region" => region = Some(value.into_owned()),
            "force" => force = value == "true",
            _ => {}
        }
    }
    let region = match region {
        Some(region) if region != caller.region && app.auth.is_strict() => {
            return refused(
                400,
                "ValidationException",
                "The region parameter must be the Region the request is signed for.",
            );
        }
        Some(region) if is_region_name(&region) => region,
        Some(_) => {
            return refused(
                400,
                "ValidationException",
                "The region parameter is not a Region name.",
            )
        }
        None => caller.region.to_owned(),
    };
    let scope = Scope {
        account: caller.account.to_owned(),
        region,
    };
    let (domain, window_id) = (app.domain.clone(), window_id.to_owned());
    match crate::service::blocking(move || domain.run_window_now(&scope, &window_id, force)).await {
        Ok(execution_id) => json_response(
            StatusCode::OK,
            &json!({ "WindowExecutionId": execution_id }),
        ),
        Err(fault) => {
            let error = fault.to_response();
            refused(
                error.status,
                error.code,
                error.message().unwrap_or_default(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_only_console_refuses_other_peers() {
        let peer = |text: &str| text.parse::<SocketAddr>().unwrap();
        for loopback in ["127.0.0.1:50000", "[::1]:50000", "[::ffff:127.0.0.1]:50000"] {
            assert!(console_serves(true, peer(loopback)), "{loopback}");
        }
        for other in [
            "10.1.2.3:50000",
            "[2001:db8::1]:50000",
            "[::ffff:10.1.2.3]:50000",
        ] {
            assert!(!console_serves(true, peer(other)), "{other}");
            assert!(console_serves(false, peer(other)), "{other}");
        }
    }
}
