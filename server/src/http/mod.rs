//! HTTP: `POST /` carries awsJson requests to the generated crate's router
//! (the runtime's, as any generated service gets it), `GET /health` answers
//! probes, `/console` shows the state, `/_admin/…` holds controls that are
//! not part of the AWS API.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Method, StatusCode};
use serde_json::json;
use smithy_runtime::server::{is_region_name, plain, Body, Handler, Router, Signed};

pub use smithy_runtime::server::{serve, ConnectionLimits, Response};

use crate::domain::{Domain, Scope};
use crate::service::SsmService;

/// The API: the generated router around [`SsmService`].
pub type Api = Router<ssm_api::Served<SsmService>>;

pub struct App {
    pub api: Api,
    pub domain: Arc<Domain>,
    /// Whether `--auth sigv4` is on: the admin endpoint's `?region=` must
    /// then be the signed one.
    pub strict_auth: bool,
    /// Whether `/_admin/…` is served.
    pub admin: bool,
    /// Whether `/console` is served at all (`--no-console` turns it off).
    pub console: bool,
    /// Serve the console to loopback peers only.
    pub console_loopback_only: bool,
    /// The account and Region `/console` shows unless asked for others.
    pub default_account: String,
    pub default_region: String,
}

impl Handler for App {
    async fn handle(&self, peer: SocketAddr, request: hyper::Request<Incoming>) -> Response {
        route(self, peer, request).await
    }
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
        (&Method::POST, "/", _) => app.api.call(&parts, body).await,
        // HEAD as well, as probes may send it; hyper leaves out the body.
        (&Method::GET | &Method::HEAD, "/health", _) => health(),
        (&Method::POST, _, Some(window_id)) => run_now(app, &parts, window_id, body).await,
        (_, "/", _) | (_, _, Some(_)) => plain(StatusCode::METHOD_NOT_ALLOWED, Some("POST")),
        (_, "/health", _) => plain(StatusCode::METHOD_NOT_ALLOWED, Some("GET, HEAD")),
        _ => plain(StatusCode::NOT_FOUND, None),
    }
}

/// JSON outside the API (health, admin), as `application/json`.
fn json_response(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
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
    let mut response = Response::new(Body::from(page.html));
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
    let body = match app.api.read_body(body).await {
        Ok(body) => body,
        Err(refusal) => return refused(refusal.status, refusal.code, &refusal.message),
    };
    let signed = Signed {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
    };
    // The caller is whoever the API would take it for.
    let caller = match app.api.caller(&signed) {
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
        Some(region) if region != caller.region && app.strict_auth => {
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
