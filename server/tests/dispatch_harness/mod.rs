//! One in-memory `ssm-server` service behind the generated `dispatch`, and
//! the rules every response must keep whatever the request was. Shared by
//! the proptest (`tests/fuzz_dispatch.rs`) and the coverage-guided target
//! in `fuzz/` (which includes this file by path), so both judge responses
//! the same way.

#![allow(dead_code)] // Each includer uses its own part of this file.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::Value;
use smithy_runtime::{HttpResponse, Request, RequestContext};
use ssm_api::operation::OPERATIONS;
use ssm_server::domain::{Domain, Limits, Scope, Simulation};
use ssm_server::scheduler::Scheduler;
use ssm_server::service::SsmService;
use ssm_server::store::Store;
use ssm_server::ManualClock;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// The message of the one 500 a service may honestly send: SQLite refused
/// a commit (see `Domain::write`). Any other 500 — a panic caught by the
/// dispatcher's guard, an output that could not be written, a digest that
/// could not be taken — is a bug.
pub const STORAGE_FAILURE: &str = "An internal error occurred while saving the change.";

/// Ids a response handed out, so later requests of the same run can name
/// real resources: `$W` in a body becomes the last window id, and so on.
#[derive(Default, Debug, Clone)]
pub struct Ids {
    known: Vec<(&'static str, String)>,
}

/// Placeholder → the response member whose last value replaces it.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("$W", "WindowId"),
    ("$T", "WindowTargetId"),
    ("$K", "WindowTaskId"),
    ("$E", "WindowExecutionId"),
    ("$X", "TaskExecutionId"),
    ("$I", "InvocationId"),
];

impl Ids {
    fn learn(&mut self, value: &Value) {
        match value {
            Value::Object(members) => {
                for (name, value) in members {
                    let placeholder = PLACEHOLDERS
                        .iter()
                        .find(|(_, member)| member == name)
                        .map(|(placeholder, _)| *placeholder);
                    match (placeholder, value) {
                        (Some(placeholder), Value::String(id)) => self.remember(placeholder, id),
                        // `TaskIds` of an execution are task execution ids.
                        _ if name == "TaskIds" => {
                            if let Some(Value::String(id)) = value.get(0) {
                                self.remember("$X", id);
                            }
                        }
                        _ => self.learn(value),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.learn(item)),
            _ => {}
        }
    }

    fn remember(&mut self, placeholder: &'static str, id: &str) {
        self.known.retain(|(p, _)| *p != placeholder);
        self.known.push((placeholder, id.to_owned()));
    }

    pub fn get(&self, placeholder: &str) -> Option<&str> {
        self.known
            .iter()
            .find(|(p, _)| *p == placeholder)
            .map(|(_, id)| id.as_str())
    }

    /// `body` with each placeholder replaced by the id it stands for; one
    /// with nothing known yet stays as it is (and fails validation).
    pub fn substitute(&self, body: &[u8]) -> Vec<u8> {
        if !body.contains(&b'$') {
            return body.to_vec();
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = body;
        'scan: while let Some((&first, tail)) = rest.split_first() {
            if first == b'$' {
                for (placeholder, _) in PLACEHOLDERS {
                    if let (Some(id), true) = (
                        self.get(placeholder),
                        rest.starts_with(placeholder.as_bytes()),
                    ) {
                        out.extend_from_slice(id.as_bytes());
                        rest = &rest[placeholder.len()..];
                        continue 'scan;
                    }
                }
            }
            out.push(first);
            rest = tail;
        }
        out
    }
}

/// How a request reaches `dispatch`: which target, content type and
/// content coding, all chosen by the fuzzer.
#[derive(Clone, Debug)]
pub struct Envelope {
    pub target: Option<String>,
    pub content_type: Option<&'static str>,
    pub content_encoding: Option<&'static str>,
    /// Compress the body before sending it (with `Content-Encoding: gzip`),
    /// so the fuzzed bytes reach the JSON reader through the gzip layer.
    pub gzip_body: bool,
}

const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/x-amz-json-1.1"),
    Some("application/x-amz-json-1.1; charset=utf-8"),
    Some("application/x-amz-json-1.0"),
    None,
];

impl Envelope {
    /// A well-formed request for `operation`.
    pub fn for_operation(operation: &str) -> Self {
        Self {
            target: Some(format!("{}{operation}", ssm_api::TARGET_PREFIX)),
            content_type: CONTENT_TYPES[0],
            content_encoding: None,
            gzip_body: false,
        }
    }

    /// The envelope two fuzzer bytes pick: `op` an operation (or, past the
    /// last one, an unknown or missing target), `flags` the content type
    /// (bits 0–1) and coding (bits 2–3).
    pub fn from_bytes(op: u8, flags: u8) -> Self {
        let mut envelope = match OPERATIONS.get(usize::from(op)) {
            Some(operation) => Self::for_operation(operation.name),
            None if op & 1 == 0 => Self::for_operation("NoSuchOperation"),
            None => Self {
                target: None,
                ..Self::for_operation("")
            },
        };
        envelope.content_type = CONTENT_TYPES[usize::from(flags & 3)];
        match (flags >> 2) & 3 {
            1 => {
                envelope.content_encoding = Some("gzip");
                envelope.gzip_body = true;
            }
            // Bytes that claim to be gzip.
            2 => envelope.content_encoding = Some("gzip"),
            3 => envelope.content_encoding = Some("identity, br"),
            _ => {}
        }
        envelope
    }
}

/// What a run does besides calling `dispatch`: the controls the admin API
/// and the scheduler offer, so executions exist to be described.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Start a run of the last window created (the `/_admin` run).
    RunLastWindow,
    /// Move the clock on by one hour and let the scheduler tick.
    AdvanceHour,
}

/// A fresh service over an in-memory store, with a clock that moves only
/// when told to, so a run is repeatable.
pub struct Harness {
    pub service: Arc<SsmService>,
    pub clock: Arc<ManualClock>,
    pub scheduler: Scheduler,
    pub ids: Ids,
}

impl Harness {
    pub fn new() -> Self {
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
                .single()
                .expect("a valid instant"),
        ));
        let store = Store::open(Path::new(":memory:"), false).expect("in-memory store");
        let domain = Arc::new(Domain {
            store: Arc::new(store),
            limits: Limits::default(),
            clock: clock.clone(),
            simulation: Simulation {
                invocation_millis: 5_000,
                ..Simulation::default()
            },
        });
        Self {
            service: Arc::new(SsmService {
                domain: domain.clone(),
            }),
            scheduler: Scheduler::new(domain, TimeDelta::days(30)),
            clock,
            ids: Ids::default(),
        }
    }

    /// The request `dispatch` gets, owned, with placeholders resolved and
    /// the body compressed if the envelope asks.
    pub fn prepare(&self, envelope: &Envelope, body: &[u8]) -> Prepared {
        let mut body = self.ids.substitute(body);
        if envelope.gzip_body {
            body = gzip(&body);
        }
        Prepared {
            envelope: envelope.clone(),
            body,
        }
    }

    /// Remembers the ids a successful response names.
    pub fn observe(&mut self, response: &HttpResponse) {
        if response.status == 200 {
            if let Ok(value) = serde_json::from_slice::<Value>(&response.body) {
                self.ids.learn(&value);
            }
        }
    }

    pub fn control(&mut self, control: Control) {
        let scope = Scope {
            account: ACCOUNT.into(),
            region: REGION.into(),
        };
        match control {
            Control::RunLastWindow => {
                if let Some(window) = self.ids.get("$W").map(str::to_owned) {
                    if let Ok(execution) =
                        self.service.domain.run_window_now(&scope, &window, false)
                    {
                        self.ids.remember("$E", &execution);
                    }
                }
            }
            Control::AdvanceHour => {
                self.clock.advance(TimeDelta::hours(1));
                self.scheduler.tick();
            }
        }
    }
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

/// A request ready for `dispatch`, owning its parts so it can be sent from
/// another task.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub envelope: Envelope,
    pub body: Vec<u8>,
}

impl Prepared {
    pub async fn send(&self, service: &SsmService) -> HttpResponse {
        let context = RequestContext {
            account_id: ACCOUNT.into(),
            region: REGION.into(),
            request_id: "fuzz".into(),
        };
        // A target no header can hold is sent without one, as HTTP would.
        let headers: Vec<(&str, &str)> = [
            ("X-Amz-Target", self.envelope.target.as_deref()),
            ("Content-Type", self.envelope.content_type),
            ("Content-Encoding", self.envelope.content_encoding),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect();
        let headers = smithy_runtime::testing::header_map(&headers);
        ssm_api::dispatch(service, &context, Request::post(&headers, &self.body)).await
    }
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

/// Error types AWS sends without a message: the framework's unknown
/// operation, and modelled errors whose structure has no message member.
fn may_omit_message(error_type: &str) -> bool {
    error_type == "UnknownOperationException"
        || OPERATIONS
            .iter()
            .flat_map(|operation| operation.errors)
            .find(|shape| shape.name() == error_type)
            .is_some_and(|shape| {
                !shape
                    .members()
                    .iter()
                    .any(|m| m.name.eq_ignore_ascii_case("message"))
            })
}

/// The rules every response keeps, whatever was asked: no 5xx but an honest
/// storage failure, and every error a JSON object whose `__type` names the
/// error (as `X-Amzn-ErrorType` does) and that carries a message unless the
/// error has none. `Err` says which rule broke.
pub fn check(response: &HttpResponse) -> Result<(), String> {
    let status = response.status;
    if !(200..600).contains(&status) {
        return Err(format!("status {status} is not an HTTP status"));
    }
    if status == 200 {
        // A success body is the output's JSON, or nothing for a Unit output.
        if !response.body.is_empty() && serde_json::from_slice::<Value>(&response.body).is_err() {
            return Err("a 200 body is not JSON".into());
        }
        return Ok(());
    }
    let body: Value = serde_json::from_slice(&response.body)
        .map_err(|e| format!("status {status}: error body is not JSON ({e})"))?;
    let error_type = body
        .get("__type")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("status {status}: no string __type in {body}"))?;
    let well_formed = error_type
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && error_type.chars().all(|c| c.is_ascii_alphanumeric());
    if !well_formed {
        return Err(format!("__type {error_type:?} is not a bare shape name"));
    }
    if response.error_type != Some(error_type) {
        return Err(format!(
            "__type {error_type} disagrees with X-Amzn-ErrorType {:?}",
            response.error_type
        ));
    }
    let message = ["message", "Message"]
        .iter()
        .find_map(|key| body.get(*key))
        .map(|m| m.as_str().filter(|m| !m.trim().is_empty()));
    match message {
        Some(None) => return Err(format!("{error_type}: message is not a non-empty string")),
        None if !may_omit_message(error_type) => {
            return Err(format!("{error_type} has no message: {body}"))
        }
        _ => {}
    }
    if status >= 500 {
        let honest = status == 500
            && error_type == "InternalServerError"
            && message.flatten() == Some(STORAGE_FAILURE);
        if !honest {
            return Err(format!("{status} that is not a storage failure: {body}"));
        }
    }
    Ok(())
}
