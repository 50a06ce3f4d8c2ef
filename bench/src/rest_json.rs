//! `loadgen rest-json`: the restJson1 scenario (issue 20). A GetBook of the
//! Bookshelf example (`examples/bookshelf`), a GET with two labels, two
//! query parameters and a header answered with a small JSON body, served by
//! the runtime's own `serve` (`loadgen serve-bookshelf`), next to the bare
//! hyper server answering the same bytes (`loadgen bare --rest-json`). Both
//! are child processes of this binary, measured in turns round by round
//! (the order swapped each round, so background load hits both alike) with
//! the built-in client; the report gives the throughput and p99 ratios.
//!
//! Before measuring, one answer of each is compared: same status, body and
//! header names in the same order, each value of the same length (the
//! request id differs, the date may).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bookshelf_api::runtime::protocol::router::{Found, Routes};
use bookshelf_api::runtime::server::{serve, ConnectionLimits};
use bookshelf_api::runtime::{Request, RequestContext};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST};
use hyper::HeaderMap;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::compare::{
    clock_ticks, cpu_seconds, in_work_dir, log_file, median, wait_for_listening, Server,
};
use crate::load::{self, fmt_latency, Outcome, Rest, Spec};

/// The book the server holds and the benchmark reads.
pub const BOOK_PATH: &str = "/shelves/fiction/books/dune";
/// Labels `shelf` and `bookId`, query parameters `edition` and `version`.
pub const BOOK_TARGET: &str = "/shelves/fiction/books/dune?edition=2&version=1";
/// The header the request carries, bound to GetBook's `reader`.
const READER: (&str, &str) = ("x-reader", "ann");
/// GetBook's answer: the body and the `ETag` header.
pub const BOOK_BODY: &str = r#"{"title":"Dune","edition":2}"#;
pub const BOOK_ETAG: &str = "\"v1\"";

/// Per measurement, warm-up included: time ends a run, yet it is bounded.
const MAX_REQUESTS: u64 = 20_000_000;

pub struct Settings {
    pub conns: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub rounds: usize,
    pub out: Option<PathBuf>,
    pub work_dir: Option<PathBuf>,
}

/// `loadgen serve-bookshelf`: the Bookshelf with [`BOOK_PATH`] put, served
/// by the runtime's `serve` with its default limits and log (a `tracing`
/// line per request, which goes nowhere: this process installs no
/// subscriber).
pub async fn serve_bookshelf(listen: SocketAddr) -> Result<(), String> {
    let shelves = bookshelf::Shelves::default();
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let put = Request {
        method: "PUT",
        path: BOOK_PATH,
        query: None,
        headers: &headers,
        body: br#"{"title":"Dune","edition":2}"#,
        pending: None,
    };
    let answer = bookshelf_api::dispatch(&shelves, &RequestContext::default(), put).await;
    if answer.status != 201 {
        return Err(format!("PutBook answered {}", answer.status));
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("listening on http://{addr}");
    let router = Arc::new(bookshelf_api::router(shelves));
    serve(
        listener,
        router,
        ConnectionLimits::default(),
        std::future::pending(),
    )
    .await;
    Ok(())
}

/// The request every connection sends.
pub fn book_request() -> Rest {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static(READER.0),
        HeaderValue::from_static(READER.1),
    );
    Rest {
        method: hyper::Method::GET,
        target: hyper::Uri::from_static(BOOK_TARGET),
        headers,
    }
}

fn start(dir: &Path, log_name: &str, label: &str, args: &[&str]) -> Result<Server, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (log, path) = log_file(dir, log_name)?;
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {label}: {e}"))?;
    let addr = wait_for_listening(&mut child, &path, Duration::from_secs(10))?;
    Ok(Server {
        label: label.into(),
        child,
        addr,
    })
}

/// One answer to [`book_request`]: status, headers, body.
async fn fetch(addr: SocketAddr) -> Result<(u16, HeaderMap, Bytes), String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake {addr}: {e}"))?;
    tokio::spawn(connection);
    let rest = book_request();
    let mut request = hyper::Request::new(Full::new(Bytes::new()));
    *request.uri_mut() = rest.target;
    request.headers_mut().extend(rest.headers);
    request.headers_mut().insert(
        HOST,
        HeaderValue::from_str(&addr.to_string()).map_err(|e| e.to_string())?,
    );
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("request to {addr}: {e}"))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("answer from {addr}: {e}"))?
        .to_bytes();
    Ok((status, headers, body))
}

/// `Err` unless the two answers are the same bytes but for the values of
/// the request id and the date (same length each).
fn same_answer(
    bare: &(u16, HeaderMap, Bytes),
    ours: &(u16, HeaderMap, Bytes),
) -> Result<String, String> {
    let shape = |(status, headers, body): &(u16, HeaderMap, Bytes)| {
        let headers: Vec<String> = headers
            .iter()
            .map(|(name, value)| match name.as_str() {
                "x-amzn-requestid" | "date" => format!("{name}: <{} bytes>", value.len()),
                _ => format!("{name}: {}", value.to_str().unwrap_or("<not text>")),
            })
            .collect();
        format!(
            "{status} | {} | {}",
            headers.join(" | "),
            String::from_utf8_lossy(body)
        )
    };
    let (bare, ours) = (shape(bare), shape(ours));
    if bare == ours {
        Ok(ours)
    } else {
        Err(format!(
            "the two servers answer differently:\n  bare:      {bare}\n  bookshelf: {ours}"
        ))
    }
}

/// Nanoseconds per lookup of the benchmark's path in a table of the
/// Bookshelf's three routes plus `extra` more of the same shape: the router
/// walks a tree of segments, so the cost must not grow with the table.
fn lookup_ns(extra: usize) -> Result<f64, String> {
    let patterns: Vec<String> = (0..extra)
        .map(|i| format!("/shelves{i}/{{shelf}}/books/{{bookId}}"))
        .collect();
    let mut routes: Vec<(&str, &str, usize)> = vec![
        ("GET", "/shelves/{shelf}/books/{bookId}", 0),
        ("PUT", "/shelves/{shelf}/books/{bookId}", 1),
        ("GET", "/covers/{key+}", 2),
    ];
    routes.extend(
        patterns
            .iter()
            .enumerate()
            .map(|(i, p)| ("GET", p.as_str(), i + 3)),
    );
    let routes = Routes::new(routes)?;
    let (path, query) = BOOK_TARGET.split_once('?').unwrap_or((BOOK_TARGET, ""));
    const LOOKUPS: u32 = 200_000;
    let started = Instant::now();
    for _ in 0..LOOKUPS {
        match routes.find("GET", std::hint::black_box(path), Some(query)) {
            Found::Route { value: 0, .. } => {}
            _ => return Err("the benchmark's path did not route to GetBook".into()),
        }
    }
    Ok(started.elapsed().as_nanos() as f64 / f64::from(LOOKUPS))
}

/// A goal's text and its test.
type Goal = (&'static str, fn(f64) -> bool);

struct Sample {
    outcome: Outcome,
    /// The server's CPU time (user + system) per answered request.
    cpu_us: f64,
}

struct Round {
    bare: Sample,
    ours: Sample,
}

pub fn run(settings: Settings) -> Result<String, String> {
    if settings.conns == 0 || settings.conns > 256 {
        return Err("--conns must be 1..=256".into());
    }
    in_work_dir(settings.work_dir.as_deref(), |dir| run_in(&settings, dir))
}

fn run_in(settings: &Settings, dir: &Path) -> Result<String, String> {
    let bare = start(
        dir,
        "bare-rest-json",
        "bare hyper, same answer",
        &["bare", "--rest-json", "--listen", "127.0.0.1:0"],
    )?;
    let ours = start(
        dir,
        "bookshelf",
        "bookshelf (smithy-runtime serve)",
        &["serve-bookshelf", "--listen", "127.0.0.1:0"],
    )?;
    let rt = load::client_runtime();
    let answer = same_answer(
        &rt.block_on(fetch(bare.addr))?,
        &rt.block_on(fetch(ours.addr))?,
    )?;
    let routing = [lookup_ns(0)?, lookup_ns(1_000)?];
    let ticks = clock_ticks();
    let measure = |server: &Server| {
        let spec = Spec {
            addr: server.addr,
            also: Vec::new(),
            op: "GetBook".into(),
            body: Bytes::new(),
            conns: settings.conns,
            warmup: settings.warmup,
            duration: settings.duration,
            max_requests: MAX_REQUESTS,
            signature: None,
            rest: Some(book_request()),
        };
        let before = cpu_seconds(server.pid(), ticks).unwrap_or(f64::NAN);
        let outcome = rt.block_on(load::measure(&spec));
        let after = cpu_seconds(server.pid(), ticks).unwrap_or(f64::NAN);
        if outcome.errors > 0 || outcome.ok == 0 {
            return Err(format!(
                "{}: {} answered, {} errors; first: {}",
                server.label,
                outcome.ok,
                outcome.errors,
                outcome.first_error.as_deref().unwrap_or("-")
            ));
        }
        let cpu_us = (after - before) * 1e6 / outcome.answered.max(1) as f64;
        Ok::<_, String>(Sample { outcome, cpu_us })
    };
    let mut rounds = Vec::new();
    for round in 1..=settings.rounds {
        let (b, o) = if round % 2 == 1 {
            let b = measure(&bare)?;
            (b, measure(&ours)?)
        } else {
            let o = measure(&ours)?;
            (measure(&bare)?, o)
        };
        eprintln!(
            "round {round}: bare {} ({:.1} µs CPU/req) | bookshelf {} ({:.1} µs CPU/req)",
            b.outcome.summary(),
            b.cpu_us,
            o.outcome.summary(),
            o.cpu_us
        );
        rounds.push(Round { bare: b, ours: o });
    }
    let report = report(settings, &answer, routing, &rounds);
    if let Some(out) = &settings.out {
        std::fs::write(out, &report).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    Ok(report)
}

fn report(settings: &Settings, answer: &str, routing: [f64; 2], rounds: &[Round]) -> String {
    let column = |f: &dyn Fn(&Round) -> f64| median(rounds.iter().map(f).collect());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "restJson1 GetBook: GET {BOOK_TARGET} with {}: {}, {} connections, loadgen client, \
         {} s recorded after {} s warm-up, {} rounds (order swapped each round), medians\n",
        READER.0,
        READER.1,
        settings.conns,
        settings.duration.as_secs_f64(),
        settings.warmup.as_secs_f64(),
        rounds.len(),
    );
    let _ = writeln!(out, "answer (both servers): {answer}\n");
    let _ = writeln!(
        out,
        "| server | req/s | p50 | p99 | server CPU µs/req | req/s per round |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    for (label, pick) in [
        (
            "bare hyper, same answer",
            (|r: &Round| &r.bare) as fn(&Round) -> &Sample,
        ),
        ("bookshelf (smithy-runtime serve)", |r: &Round| &r.ours),
    ] {
        let per_round: Vec<String> = rounds
            .iter()
            .map(|r| format!("{:.0}", pick(r).outcome.rps))
            .collect();
        let _ = writeln!(
            out,
            "| {label} | {:.0} | {} | {} | {:.1} | {} |",
            column(&|r| pick(r).outcome.rps),
            fmt_latency(Duration::from_secs_f64(column(&|r| {
                pick(r).outcome.p50.as_secs_f64()
            }))),
            fmt_latency(Duration::from_secs_f64(column(&|r| {
                pick(r).outcome.p99.as_secs_f64()
            }))),
            column(&|r| pick(r).cpu_us),
            per_round.join(" / "),
        );
    }
    out.push('\n');
    // The median of the per-round ratios, each of two measurements taken
    // back to back; with the goal's verdict when there is one.
    let ratio = |name: &str, f: fn(&Round) -> f64, goal: Option<Goal>| {
        let per_round: Vec<String> = rounds.iter().map(|r| format!("{:.2}×", f(r))).collect();
        let value = column(&|r| f(r));
        let verdict = match goal {
            Some((goal, met)) => {
                let met = if met(value) { "met" } else { "missed" };
                format!("; goal {goal}: {met}")
            }
            None => String::new(),
        };
        format!(
            "{name}: {value:.2}× (per round: {}){verdict}\n",
            per_round.join(", ")
        )
    };
    out.push_str(&ratio(
        "throughput bookshelf / bare",
        |r| r.ours.outcome.rps / r.bare.outcome.rps,
        Some(("≥ 0.7×", |v| v >= 0.7)),
    ));
    out.push_str(&ratio(
        "p99 bookshelf / bare",
        |r| r.ours.outcome.p99.as_secs_f64() / r.bare.outcome.p99.as_secs_f64(),
        Some(("≤ 1.5×", |v| v <= 1.5)),
    ));
    out.push_str(&ratio(
        "server CPU per request bookshelf / bare",
        |r| r.ours.cpu_us / r.bare.cpu_us,
        None,
    ));
    let _ = writeln!(
        out,
        "routing: {:.0} ns per lookup among the Bookshelf's 3 routes, {:.0} ns among 1,003",
        routing[0], routing[1]
    );
    out
}
