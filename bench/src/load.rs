//! The load generator: N workers, each with one keep-alive HTTP/1
//! connection (`hyper::client::conn::http1`), sending one request at a time
//! (closed loop). Every request's latency is kept; percentiles come from the
//! sorted list. A run stops at its deadline or after `max_requests`,
//! whichever comes first.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;
use ssm_server::auth::signer::{sign_headers, Key};
use tokio::net::TcpStream;

/// A SigV4-shaped header (never checked by moto nor by ssm-server's open
/// mode): moto picks the service and Region from it, ssm-server the Region.
pub(crate) const AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/ssm/aws4_request, \
SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
Signature=0000000000000000000000000000000000000000000000000000000000000000";

/// The client side runs on one thread, so that on a small machine the
/// server under test keeps the rest; the same for every server measured.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Refuses anything but loopback.
pub fn check_loopback(addr: SocketAddr) -> Result<(), String> {
    if addr.ip().is_loopback() {
        Ok(())
    } else {
        Err(format!(
            "{addr} is not a loopback address; loadgen only targets this machine"
        ))
    }
}

/// A fixed `X-Amz-Date`, as the shaped header is never checked.
const SHAPED_DATE: &str = "20240101T000000Z";

/// A real signature of one request (`--auth sigv4`), made once and sent
/// with every copy of it: a signature stays good for five minutes, longer
/// than any measurement here, and signing each request would measure the
/// client.
#[derive(Clone, Debug)]
pub struct Signature {
    pub authorization: String,
    pub amz_date: String,
}

impl Signature {
    /// Signs `op` with `body` to `addr` as the requests here send it.
    pub fn new(key: &Key, addr: SocketAddr, op: &str, body: &[u8]) -> Result<Self, String> {
        let host = addr.to_string();
        let target = format!("AmazonSSM.{op}");
        let headers = [
            ("host", host.as_str()),
            ("content-type", CONTENT_TYPE_JSON),
            ("x-amz-target", target.as_str()),
        ];
        let signed = sign_headers(key, "POST", "/", &headers, body, SystemTime::now())?;
        let find = |name: &str| {
            signed
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("the signer gave no {name}"))
        };
        Ok(Self {
            authorization: find("authorization")?,
            amz_date: find("x-amz-date")?,
        })
    }
}

const CONTENT_TYPE_JSON: &str = "application/x-amz-json-1.1";

#[derive(Clone)]
pub struct Spec {
    pub addr: SocketAddr,
    /// Further servers sharing the load (replicas of one service):
    /// connection `i` goes to the `i`-th of `addr` and these, round robin.
    pub also: Vec<SocketAddr>,
    /// Operation name, e.g. `GetMaintenanceWindow`.
    pub op: String,
    pub body: Bytes,
    pub conns: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub max_requests: u64,
    /// Sent instead of the shaped header, for servers that check.
    pub signature: Option<Signature>,
    /// A restJson1 request sent instead of the awsJson `POST /` that `op`,
    /// `body` and `signature` describe.
    pub rest: Option<Rest>,
}

/// A request routed by method and URI (restJson1): sent as it is, with a
/// `Host` header and no body.
#[derive(Clone, Debug)]
pub struct Rest {
    pub method: hyper::Method,
    /// Path and query.
    pub target: hyper::Uri,
    pub headers: hyper::HeaderMap,
}

impl Rest {
    fn request(&self, addr: SocketAddr) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(Bytes::new()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.target.clone();
        let headers = request.headers_mut();
        headers.insert(
            HOST,
            HeaderValue::from_str(&addr.to_string()).expect("host header"),
        );
        for (name, value) in &self.headers {
            headers.append(name, value.clone());
        }
        request
    }
}

impl Spec {
    /// The `Authorization` and `X-Amz-Date` values every request sends.
    pub fn auth_headers(&self) -> (&str, &str) {
        match &self.signature {
            Some(signature) => (&signature.authorization, &signature.amz_date),
            None => (AUTH, SHAPED_DATE),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Successful (HTTP 200) requests started inside the measured window.
    pub ok: u64,
    /// Failed requests (non-200 or transport errors) in the measured window.
    pub errors: u64,
    /// Connections re-opened because the server closed one.
    pub reconnects: u64,
    pub first_error: Option<String>,
    /// Length of the measured window (from the end of warm-up to the last completion).
    pub span: Duration,
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Requests sent including warm-up.
    pub sent: u64,
    /// Requests answered (any status) including warm-up.
    pub answered: u64,
}

impl Outcome {
    pub fn summary(&self) -> String {
        format!(
            "{:.0} req/s  p50 {}  p99 {}  max {}  ok {}  errors {}  reconnects {}  sent {}{}",
            self.rps,
            fmt_latency(self.p50),
            fmt_latency(self.p99),
            fmt_latency(self.max),
            self.ok,
            self.errors,
            self.reconnects,
            self.sent,
            self.first_error
                .as_deref()
                .map(|e| format!("  first error: {e}"))
                .unwrap_or_default()
        )
    }
}

pub fn fmt_latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else if us < 100_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.0} ms", us / 1000.0)
    }
}

fn request(
    spec_addr: SocketAddr,
    op: &str,
    body: Bytes,
    (authorization, amz_date): (&str, &str),
) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = hyper::Method::POST;
    *request.uri_mut() = hyper::Uri::from_static("/");
    let headers = request.headers_mut();
    headers.insert(
        HOST,
        HeaderValue::from_str(&spec_addr.to_string()).expect("host header"),
    );
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    headers.insert(
        "x-amz-target",
        HeaderValue::from_str(&format!("AmazonSSM.{op}")).expect("target header"),
    );
    headers.insert(
        "x-amz-date",
        HeaderValue::from_str(amz_date).expect("date header"),
    );
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(authorization).expect("authorization header"),
    );
    request
}

/// One keep-alive connection.
pub struct Conn {
    addr: SocketAddr,
    sender: SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Self, String> {
        check_loopback(addr)?;
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake {addr}: {e}"))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self { addr, sender })
    }

    /// Closes this connection and opens a new one to the same server.
    pub async fn reopen(&mut self) -> Result<(), String> {
        *self = Conn::open(self.addr).await?;
        Ok(())
    }

    /// Whether the connection can take another request (false once closed).
    async fn ready(&mut self) -> bool {
        self.sender.ready().await.is_ok()
    }

    /// Sends one request and reads the whole answer.
    pub async fn call(&mut self, op: &str, body: Bytes) -> Result<(u16, Bytes), String> {
        let request = request(self.addr, op, body, (AUTH, SHAPED_DATE));
        self.send(request).await
    }

    /// [`Conn::call`], signed with `key` (`--auth sigv4`).
    pub async fn call_signed(
        &mut self,
        key: &Key,
        op: &str,
        body: Bytes,
    ) -> Result<(u16, Bytes), String> {
        let signature = Signature::new(key, self.addr, op, &body)?;
        let headers = (
            signature.authorization.as_str(),
            signature.amz_date.as_str(),
        );
        let request = request(self.addr, op, body, headers);
        self.send(request).await
    }

    /// A POST to another path than the API's (the server's `/_admin/…`
    /// controls), with the same headers but no operation.
    pub async fn post(&mut self, path: &str, body: Bytes) -> Result<(u16, Bytes), String> {
        let mut request = request(self.addr, "", body, (AUTH, SHAPED_DATE));
        *request.uri_mut() =
            hyper::Uri::try_from(path).map_err(|e| format!("bad path {path:?}: {e}"))?;
        request.headers_mut().remove("x-amz-target");
        self.send(request).await
    }

    async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<(u16, Bytes), String> {
        if !self.ready().await {
            *self = Conn::open(self.addr).await?;
        }
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("reading the answer failed: {e}"))?
            .to_bytes();
        Ok((status, body))
    }
}

/// One-off request on a fresh connection (for seeding and lookups).
pub async fn call_once(addr: SocketAddr, op: &str, body: &str) -> Result<(u16, Bytes), String> {
    let mut conn = Conn::open(addr).await?;
    conn.call(op, Bytes::copy_from_slice(body.as_bytes())).await
}

struct WorkerResult {
    latencies: Vec<u64>,
    ok: u64,
    errors: u64,
    reconnects: u64,
    first_error: Option<String>,
    last_done: Option<Instant>,
    answered: u64,
}

async fn worker(
    spec: Arc<Spec>,
    addr: SocketAddr,
    warm_end: Instant,
    end: Instant,
    sent: Arc<AtomicU64>,
) -> WorkerResult {
    let mut result = WorkerResult {
        latencies: Vec::with_capacity(64 * 1024),
        ok: 0,
        errors: 0,
        reconnects: 0,
        first_error: None,
        last_done: None,
        answered: 0,
    };
    let note_error = |result: &mut WorkerResult, recorded: bool, message: String| {
        if recorded {
            result.errors += 1;
        }
        if result.first_error.is_none() {
            result.first_error = Some(message);
        }
    };
    let mut conn: Option<Conn> = None;
    loop {
        if Instant::now() >= end {
            break;
        }
        if sent.fetch_add(1, Ordering::Relaxed) >= spec.max_requests {
            break;
        }
        // (Re)connect outside the timed section.
        let usable = match conn.as_mut() {
            Some(c) => c.ready().await,
            None => false,
        };
        if !usable {
            if conn.is_some() {
                result.reconnects += 1;
            }
            match Conn::open(addr).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    note_error(&mut result, Instant::now() >= warm_end, e);
                    conn = None;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let c = conn.as_mut().expect("connected");
        let started = Instant::now();
        let outcome = async {
            let response = c
                .sender
                .send_request(match &spec.rest {
                    Some(rest) => rest.request(addr),
                    None => request(addr, &spec.op, spec.body.clone(), spec.auth_headers()),
                })
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("reading the answer failed: {e}"))?
                .to_bytes();
            Ok::<_, String>((status, body))
        }
        .await;
        let done = Instant::now();
        let recorded = started >= warm_end;
        if outcome.is_ok() {
            result.answered += 1;
        }
        match outcome {
            Ok((200, _)) => {
                if recorded {
                    result.ok += 1;
                    result
                        .latencies
                        .push((done - started).as_nanos().min(u64::MAX as u128) as u64);
                    result.last_done = Some(done);
                }
            }
            Ok((status, body)) => {
                let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
                note_error(&mut result, recorded, format!("HTTP {status}: {text}"));
            }
            Err(e) => {
                note_error(&mut result, recorded, e);
                conn = None;
            }
        }
    }
    result
}

impl Spec {
    /// The server connection `index` talks to.
    fn addr_for(&self, index: usize) -> SocketAddr {
        match index % (1 + self.also.len()) {
            0 => self.addr,
            n => self.also[n - 1],
        }
    }
}

/// Runs one measurement: `warmup`, then `duration` recorded.
pub async fn measure(spec: &Spec) -> Outcome {
    let spec = Arc::new(spec.clone());
    let start = Instant::now();
    let warm_end = start + spec.warmup;
    let end = warm_end + spec.duration;
    let sent = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();
    for index in 0..spec.conns.max(1) {
        handles.push(tokio::spawn(worker(
            spec.clone(),
            spec.addr_for(index),
            warm_end,
            end,
            sent.clone(),
        )));
    }
    let mut latencies = Vec::new();
    let mut outcome = Outcome::default();
    let mut last_done = warm_end;
    for handle in handles {
        let r = handle.await.expect("worker panicked");
        latencies.extend_from_slice(&r.latencies);
        outcome.ok += r.ok;
        outcome.errors += r.errors;
        outcome.reconnects += r.reconnects;
        outcome.answered += r.answered;
        if outcome.first_error.is_none() {
            outcome.first_error = r.first_error;
        }
        if let Some(done) = r.last_done {
            last_done = last_done.max(done);
        }
    }
    outcome.sent = sent.load(Ordering::Relaxed).min(spec.max_requests);
    // When the count cap ends the run early, the window is what was used.
    outcome.span = if last_done > warm_end {
        last_done - warm_end
    } else {
        spec.duration
    };
    outcome.rps = outcome.ok as f64 / outcome.span.as_secs_f64().max(1e-9);
    latencies.sort_unstable();
    outcome.p50 = Duration::from_nanos(percentile(&latencies, 0.50));
    outcome.p99 = Duration::from_nanos(percentile(&latencies, 0.99));
    outcome.max = Duration::from_nanos(latencies.last().copied().unwrap_or(0));
    outcome
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 0.50), 50);
        assert_eq!(percentile(&values, 0.99), 99);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
