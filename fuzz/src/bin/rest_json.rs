//! AFL target for restJson1: one input is a short run of HTTP requests
//! (method, path, query, headers, body) sent through the generated
//! `bookshelf_api::dispatch` of the Bookshelf example, on a fresh store per
//! input, so a `PutBook` early in a run lets a later `GetBook` reach its
//! handler. Each answer must keep the rules of [`check`]: a 2xx or a 4xx,
//! never a 5xx nor anything else; every error names itself in
//! `X-Amzn-ErrorType` with a JSON object body; a body that grows at most
//! linearly with the request; each request answered within a second. A
//! panic anywhere, even one the dispatcher's guard would turn into a 500
//! (afl.rs aborts on any panic), or an input over `afl-fuzz -t` is a
//! finding.
//!
//! Input format, repeated up to [`MAX_REQUESTS`] times:
//!
//! ```text
//! [method] [grow] path[?query] \n (name: value \n)* \n body 0x00
//! ```
//!
//! `method`: bits 0-2 pick one of [`METHODS`], bit 3 gzips the body (and
//! adds `Content-Encoding: gzip`). `grow`: bits 0-2 are `k`, bits 3-4 what
//! is repeated `4^k` times (1 to 16,384), up to [`MAX_GROWN`] bytes: 0
//! nothing, 1 the query (`q&q&…`), 2 the header lines, 3 the path. So a few
//! bytes reach thousands of query parameters or repeated headers. Header
//! lines that are not a valid name and value are dropped, as an HTTP server
//! would refuse them before any routing; path and query bytes that are not
//! UTF-8 become U+FFFD (hyper refuses those too, and the dispatcher takes
//! text). `src/bin/rest_json_seeds.rs` writes the seeds and a dictionary.
//!
//! `FUZZ_TRACE=1 rest_json < FILE` prints each request and answer.

use std::io::Write as _;
use std::time::{Duration, Instant};

use bookshelf_api::runtime::{HttpResponse, Request, RequestContext};
use flate2::write::GzEncoder;
use http::{HeaderMap, HeaderName, HeaderValue};

const MAX_REQUESTS: usize = 8;

/// `get` is not `GET`: methods are case-sensitive.
const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "get",
];

/// The most bytes a repeated part may grow to.
const MAX_GROWN: usize = 1 << 20;

/// The longest one request may take to be answered.
const MAX_LATENCY: Duration = Duration::from_secs(1);

struct Sent {
    method: &'static str,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Sent {
    /// Bytes a client sent for this request, roughly as on the wire.
    fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + headers
            + self.body.len()
    }
}

fn requests(data: &[u8]) -> Vec<Sent> {
    let mut sent = Vec::new();
    let mut rest = data;
    while let (Some((&method, after)), true) = (rest.split_first(), sent.len() < MAX_REQUESTS) {
        let (grow, after) = after.split_first().map_or((0, &[][..]), |(g, a)| (*g, a));
        let (target, after) = line(after);
        let mut lines = Vec::new();
        let mut after = after;
        loop {
            let (text, next) = line(after);
            after = next;
            if text.is_empty() {
                break;
            }
            lines.push(text);
        }
        let end = after.iter().position(|&b| b == 0).unwrap_or(after.len());
        let body = &after[..end];
        rest = after.get(end + 1..).unwrap_or_default();
        sent.push(build(method, grow, target, &lines, body));
    }
    sent
}

/// The bytes up to the next `\n` (not included), and what follows it.
fn line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// `part` repeated `times` times with `glue` between, at most `MAX_GROWN`
/// bytes.
fn repeat(part: &str, glue: &str, times: usize) -> String {
    let mut out = String::from(part);
    for _ in 1..times {
        if out.len() + glue.len() + part.len() > MAX_GROWN {
            break;
        }
        out.push_str(glue);
        out.push_str(part);
    }
    out
}

fn build(method: u8, grow: u8, target: &[u8], lines: &[&[u8]], body: &[u8]) -> Sent {
    let times = 1usize << (2 * u32::from(grow & 7));
    let what = (grow >> 3) & 3;
    let target = String::from_utf8_lossy(target);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.into_owned(), None),
    };
    let path = if what == 3 {
        repeat(&path, "", times)
    } else {
        path
    };
    let query = match query {
        Some(query) if what == 1 => Some(repeat(&query, "&", times)),
        query => query,
    };
    let mut headers = HeaderMap::new();
    let rounds = if what == 2 { times } else { 1 };
    let mut grown = 0;
    'rounds: for _ in 0..rounds {
        for text in lines {
            let (name, value) = match text.iter().position(|&b| b == b':') {
                Some(at) => (&text[..at], &text[at + 1..]),
                None => (*text, &[][..]),
            };
            let value = value.strip_prefix(b" ").unwrap_or(value);
            let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
            else {
                continue;
            };
            grown += name.as_str().len() + value.len();
            if grown > MAX_GROWN {
                break 'rounds;
            }
            headers.append(name, value);
        }
    }
    let body = if method & 8 != 0 {
        headers.append("content-encoding", HeaderValue::from_static("gzip"));
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(body).expect("gzip into memory");
        encoder.finish().expect("gzip into memory")
    } else {
        body.to_vec()
    };
    Sent {
        method: METHODS[usize::from(method & 7)],
        path,
        query,
        headers,
        body,
    }
}

/// The rules every answer keeps; `Err` says which one broke.
fn check(sent: &Sent, response: &HttpResponse, took: Duration) -> Result<(), String> {
    if took > MAX_LATENCY {
        return Err(format!("answered in {took:?}"));
    }
    let status = response.status;
    let error_header = response.header("x-amzn-errortype");
    match status {
        200..=299 => {
            if error_header.is_some() || response.error_type.is_some() {
                return Err(format!("a {status} that names an error"));
            }
            if response.operation.is_none() {
                return Err(format!("a {status} from no operation"));
            }
        }
        400..=499 => {
            let Some(code) = error_header else {
                return Err(format!("a {status} without X-Amzn-ErrorType"));
            };
            if code.is_empty() || Some(code) != response.error_type {
                return Err(format!(
                    "X-Amzn-ErrorType {code:?} is not the error {:?}",
                    response.error_type
                ));
            }
            if response.content_type() != Some("application/json") {
                return Err(format!("an error of type {:?}", response.content_type()));
            }
            match serde_json::from_slice::<serde_json::Value>(&response.body) {
                Ok(serde_json::Value::Object(_)) => {}
                _ => return Err("an error body that is not a JSON object".into()),
            }
        }
        _ => return Err(format!("status {status}")),
    }
    // Messages may quote a label or two, JSON-escaped (up to 6 bytes for
    // one), and never more.
    let limit = 16 * sent.size() + 4096;
    if response.body.len() > limit {
        return Err(format!(
            "a {}-byte body for a {}-byte request",
            response.body.len(),
            sent.size()
        ));
    }
    Ok(())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let trace = std::env::var_os("FUZZ_TRACE").is_some();
    let context = RequestContext::default();
    afl::fuzz!(|data: &[u8]| {
        let shelves = bookshelf::Shelves::default();
        for sent in requests(data) {
            let request = Request {
                method: sent.method,
                path: &sent.path,
                query: sent.query.as_deref(),
                headers: &sent.headers,
                body: &sent.body,
                pending: None,
            };
            let started = Instant::now();
            let response = runtime.block_on(bookshelf_api::dispatch(&shelves, &context, request));
            let took = started.elapsed();
            if trace {
                eprintln!(
                    "{} {:.200} ?{:.200} ({} headers, {}-byte body) -> {} {:?} {:.300} in {took:?}",
                    sent.method,
                    sent.path,
                    sent.query.as_deref().unwrap_or("-"),
                    sent.headers.len(),
                    sent.body.len(),
                    response.status,
                    response.error_type,
                    String::from_utf8_lossy(&response.body),
                );
            }
            if let Err(broken) = check(&sent, &response, took) {
                panic!(
                    "{broken}\nrequest: {} {:.500} ?{:.500} headers {:.500?} body {:.500?}\nanswer: {} {:?} {:.500}",
                    sent.method,
                    sent.path,
                    sent.query.as_deref().unwrap_or("-"),
                    sent.headers,
                    String::from_utf8_lossy(&sent.body),
                    response.status,
                    response.headers,
                    String::from_utf8_lossy(&response.body),
                );
            }
        }
    });
}
