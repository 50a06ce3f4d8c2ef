//! HTTP: `POST /` carries awsJson requests to the generated dispatcher,
//! `GET /health` answers probes, `/_admin/…` holds controls that are not
//! part of the AWS API.

use std::sync::Arc;
use std::time::Instant;

use awsjson_runtime::{ErrorResponse, HttpResponse, Request, RequestContext};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::domain::{Domain, Scope};
use crate::service::SsmService;
use crate::sigv4;

pub struct App {
    pub service: SsmService,
    pub domain: Arc<Domain>,
    pub default_region: String,
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", post(api))
        .route("/health", get(health))
        .route("/_admin/windows/{window_id}/run", post(run_now))
        .with_state(app)
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
const QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");

async fn api(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let started = Instant::now();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let scope = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map_or(sigv4::ScopeRegion::Absent, sigv4::region);
    let region = match scope {
        sigv4::ScopeRegion::Valid(region) => region,
        sigv4::ScopeRegion::Absent => &app.default_region,
        sigv4::ScopeRegion::Invalid => return invalid_region(target, started),
    };
    let context = RequestContext {
        region: region.to_owned(),
        request_id: uuid::Uuid::new_v4().to_string(),
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
    let answer = ssm_api::dispatch(&app.service, &context, request).await;
    let operation = target.rsplit('.').next().unwrap_or(target);
    tracing::info!(
        operation,
        status = answer.status,
        error = answer.error_type.unwrap_or(""),
        region,
        latency_us = started.elapsed().as_micros() as u64,
        request_id = %context.request_id,
        "request"
    );
    to_response(answer, &context.request_id)
}

/// What AWS answers a credential scope whose region is not a Region. AWS's
/// text then quotes the region; ours does not, since it is whatever the
/// client sent.
fn invalid_region(target: &str, started: Instant) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut body = serde_json::Map::new();
    body.insert(
        "message".into(),
        "Credential should be scoped to a valid region.".into(),
    );
    let error = ErrorResponse {
        status: 400,
        code: "InvalidSignatureException",
        namespace: "com.amazon.coral.service",
        body,
        query_error: None,
    };
    let answer = HttpResponse::error(ssm_api::PROTOCOL, &error);
    let operation = target.rsplit('.').next().unwrap_or(target);
    tracing::info!(
        operation,
        status = answer.status,
        error = answer.error_type.unwrap_or(""),
        latency_us = started.elapsed().as_micros() as u64,
        request_id = %request_id,
        "request"
    );
    to_response(answer, &request_id)
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
    match app.domain.run_window_now(&scope, &window_id) {
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
