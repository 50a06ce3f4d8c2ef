//! What the protocol compliance tests a generated crate carries (with
//! `Options::protocol_tests`) need: a recording service, requests built
//! from a case's headers, and the comparisons Smithy's test cases ask for.

use std::fmt::Debug;
use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::Value;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::{HttpResponse, Request};

/// Generated handlers answer at once, so polling until ready is enough.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// A case's headers, looked up as HTTP does: names without regard to case.
pub fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| *value)
}

/// A request a case describes, owned; [`CaseRequest::request`] lends it to
/// the dispatcher.
#[derive(Debug)]
pub struct CaseRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl CaseRequest {
    /// `method uri` with the case's query parameters (each `name=value`,
    /// already percent-encoded) and headers. A header the `http` crate
    /// cannot hold is left out, as no client could send it.
    pub fn new(
        method: &str,
        uri: &str,
        query_params: &[&str],
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Self {
        let (path, query) = match uri.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (uri, None),
        };
        let query = match (query, query_params.join("&")) {
            (query, extra) if extra.is_empty() => query,
            (Some(query), extra) => Some(format!("{query}&{extra}")),
            (None, extra) => Some(extra),
        };
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            headers: header_map(headers),
            body,
        }
    }

    /// `POST /` with `headers`, as RPC protocols send every request.
    pub fn post(headers: &[(&str, &str)], body: &[u8]) -> Self {
        Self::new("POST", "/", &[], headers, body.to_vec())
    }

    pub fn request(&self) -> Request<'_> {
        Request {
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &self.headers,
            body: &self.body,
            pending: None,
        }
    }
}

/// `headers` as a `HeaderMap`, repeated names kept.
pub fn header_map(headers: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// The body a client would send for `input`, for cases that give none:
/// its JSON, compressed as the case's `Content-Encoding` says.
pub fn client_body(headers: &[(&str, &str)], input: &impl serde::Serialize) -> Vec<u8> {
    let json = serde_json::to_vec(input).unwrap_or_default();
    // Compression is applied last, after any coding of the service's own.
    let last = header(headers, "Content-Encoding").and_then(|c| c.rsplit(',').next());
    match last.map(str::trim) {
        Some(coding) if coding.eq_ignore_ascii_case("gzip") => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
            // Writing to a Vec cannot fail.
            let _ = encoder.write_all(&json);
            encoder.finish().unwrap_or_default()
        }
        _ => json,
    }
}

/// What a handler saw.
#[derive(Default)]
pub struct Recorder {
    received: Mutex<Option<(&'static str, String)>>,
}

impl Recorder {
    /// Notes the operation and its input, compared later by `Debug` text:
    /// that compares every field, and unlike `==` holds NaN equal to NaN.
    pub fn record(&self, operation: &'static str, input: &impl Debug) {
        *lock(&self.received) = Some((operation, format!("{input:#?}")));
    }

    /// Fails unless `operation` ran with an input equal to `expected`.
    pub fn assert_received(
        &self,
        operation: &str,
        expected: &impl Debug,
        response: &HttpResponse,
    ) -> Result<(), String> {
        let Some((seen, input)) = lock(&self.received).take() else {
            return Err(format!(
                "no handler ran; the service answered {}",
                describe(response)
            ));
        };
        if seen != operation {
            return Err(format!("{seen} ran instead of {operation}"));
        }
        let expected = format!("{expected:#?}");
        if input != expected {
            return Err(format!(
                "{operation} received\n{input}\nbut the case expects\n{expected}"
            ));
        }
        Ok(())
    }
}

impl Recorder {
    /// Fails if a handler ran: a malformed request must be refused before.
    pub fn assert_refused(&self, response: &HttpResponse) -> Result<(), String> {
        match lock(&self.received).take() {
            None => Ok(()),
            Some((operation, input)) => Err(format!(
                "{operation} ran with\n{input}\nand the service answered {}",
                describe(response)
            )),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a case expects of a response.
pub struct ExpectedResponse<'a> {
    pub status: u16,
    pub headers: &'a [(&'a str, &'a str)],
    pub require_headers: &'a [&'a str],
    pub forbid_headers: &'a [&'a str],
    /// `None` when the case says nothing of the body.
    pub body: Option<&'a str>,
    /// The body is JSON and compared as JSON (`bodyMediaType`).
    pub json: bool,
    /// A regular expression the body's `message` must match (a malformed
    /// request case's `messageRegex`).
    pub message_regex: Option<&'a str>,
}

/// Compares a response with a case's expectations.
pub fn check_response(
    response: &HttpResponse,
    expected: &ExpectedResponse<'_>,
) -> Result<(), String> {
    if response.status != expected.status {
        return Err(format!(
            "status {} where the case expects {}: {}",
            response.status,
            expected.status,
            describe(response)
        ));
    }
    // A streamed payload the test built from bytes is those bytes.
    let written: &[u8] = match &response.stream {
        None => &response.body,
        Some(stream) => stream
            .as_bytes()
            .ok_or("the answer streams chunks a case cannot compare")?,
    };
    // A transport adds headers of its own (`X-Amzn-RequestId`,
    // `Content-Length`); they are not the dispatcher's to check.
    for (name, value) in expected.headers {
        // What a transport would send as the length.
        let length = written.len().to_string();
        let actual = if name.eq_ignore_ascii_case("content-length") {
            Some(length.as_str())
        } else {
            response.header(name)
        };
        match actual {
            Some(actual) if actual == *value => {}
            actual => {
                return Err(format!(
                    "header {name}: {actual:?} where the case expects {value:?}"
                ))
            }
        }
    }
    if let Some(name) = expected
        .require_headers
        .iter()
        .find(|n| response.header(n).is_none())
    {
        return Err(format!("header {name} is missing"));
    }
    if let Some(name) = expected
        .forbid_headers
        .iter()
        .find(|n| response.header(n).is_some())
    {
        return Err(format!("header {name} must not be sent"));
    }
    let actual = String::from_utf8_lossy(written);
    if let Some(pattern) = expected.message_regex {
        check_message(&actual, pattern)?;
    }
    let Some(body) = expected.body else {
        return Ok(());
    };
    let same = if expected.json {
        match (
            serde_json::from_str::<Value>(&actual),
            serde_json::from_str::<Value>(body),
        ) {
            (Ok(actual), Ok(expected)) => same_json(&actual, &expected),
            (Err(e), _) => return Err(format!("the body is not JSON ({e}): {actual}")),
            (_, Err(e)) => return Err(format!("the case's body is not JSON ({e}): {body}")),
        }
    } else {
        actual == body
    };
    if same {
        Ok(())
    } else {
        Err(format!("body {actual}\nwhere the case expects {body}"))
    }
}

fn check_message(body: &str, pattern: &str) -> Result<(), String> {
    let regex = regex::Regex::new(pattern)
        .map_err(|e| format!("the case's messageRegex does not compile: {e}"))?;
    let message = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| format!("the body has no message: {body}"))?;
    if regex.is_match(&message) {
        Ok(())
    } else {
        Err(format!("message {message:?} does not match {pattern:?}"))
    }
}

/// Request headers the case requires or forbids, checked against the
/// headers it sends and the `Content-Length` any HTTP client adds to a
/// request with a body.
pub fn check_request_headers(
    headers: &[(&str, &str)],
    body: &[u8],
    require: &[&str],
    forbid: &[&str],
) -> Result<(), String> {
    let sent = |name: &str| {
        header(headers, name).is_some()
            || (name.eq_ignore_ascii_case("Content-Length") && !body.is_empty())
    };
    if let Some(name) = require.iter().find(|n| !sent(n)) {
        return Err(format!(
            "the case requires header {name} but does not send it"
        ));
    }
    if let Some(name) = forbid.iter().find(|n| sent(n)) {
        return Err(format!("the case forbids header {name} but sends it"));
    }
    Ok(())
}

/// JSON equality where numbers compare by value (`1` equals `1.0`) and
/// object members in any order.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same_json(value, other)))
        }
        (a, b) => a == b,
    }
}

fn describe(response: &HttpResponse) -> String {
    format!(
        "{} {} {}",
        response.status,
        response.error_type.unwrap_or(""),
        String::from_utf8_lossy(&response.body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_members_in_any_order() {
        let a = serde_json::json!({"a": 1, "b": [1.5, {"c": null}]});
        let b = serde_json::json!({"b": [1.5, {"c": null}], "a": 1.0});
        assert!(same_json(&a, &b));
        assert!(!same_json(&a, &serde_json::json!({"a": 1})));
        assert!(!same_json(
            &serde_json::json!([1, 2]),
            &serde_json::json!([2, 1])
        ));
    }

    #[test]
    fn headers_are_found_without_regard_to_case() {
        let headers = [("Content-Type", "application/x-amz-json-1.1")];
        assert_eq!(
            header(&headers, "content-type"),
            Some("application/x-amz-json-1.1")
        );
        assert!(check_request_headers(&headers, b"", &["CONTENT-TYPE"], &["X-Amz-Target"]).is_ok());
        assert!(check_request_headers(&headers, b"", &["X-Amz-Target"], &[]).is_err());
        assert!(check_request_headers(&headers, b"", &[], &["Content-Length"]).is_ok());
        assert!(check_request_headers(&headers, b"{}", &[], &["Content-Length"]).is_err());
    }
}
