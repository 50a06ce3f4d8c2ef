//! Hostile requests (issue 20): restJson1 puts the URI, the query and the
//! headers on the attack surface. Each case goes twice: straight through
//! the generated `dispatch` (what the protocol answers, whatever the
//! transport lets through), and over real HTTP on loopback (what a client
//! gets, hyper's own limits included). Every answer must be a client error
//! (or the success the request earns) within a bound on time, never a
//! panic or a 5xx.
//!
//! Over HTTP, three limits are hyper's, met before any routing, and
//! answered by hyper alone: a bare 400, 414 or 431 with an empty body,
//! `Connection: close` and no `X-Amzn-ErrorType`:
//!
//! - a request target that is not UTF-8 (400), or longer than the `http`
//!   crate's URI limit of 65,534 bytes (414);
//! - more than 100 header lines, or a head larger than hyper's ~400 KiB
//!   read buffer (431).
//!
//! Everything inside those limits reaches the runtime and gets the
//! protocol's answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use smithy_runtime::server::{serve, ConnectionLimits};
use smithy_runtime::{HttpResponse, Request, RequestContext};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Far above what any of these takes (a few ms in a debug build), so only
/// a runaway fails it.
const BOUND: Duration = Duration::from_secs(5);

/// A book the tests read back: `/shelves/fiction/books/dune`, edition 2.
const DUNE: &str = "/shelves/fiction/books/dune";

/// A store holding [`DUNE`] (at version 1).
async fn shelves() -> bookshelf::Shelves {
    let shelves = bookshelf::Shelves::default();
    let put = dispatch(
        &shelves,
        "PUT",
        DUNE,
        None,
        &[("content-type", b"application/json")],
        br#"{"title":"Dune","edition":2}"#,
    )
    .await;
    assert_eq!(put.status, 201);
    shelves
}

/// One request through the generated dispatcher, answered within [`BOUND`].
async fn dispatch(
    shelves: &bookshelf::Shelves,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> HttpResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    let request = Request {
        method,
        path,
        query,
        headers: &map,
        body,
        pending: None,
    };
    let started = Instant::now();
    let response = bookshelf_api::dispatch(shelves, &RequestContext::default(), request).await;
    let took = started.elapsed();
    assert!(took < BOUND, "{method} {path:.100}: answered in {took:?}");
    response
}

async fn get(shelves: &bookshelf::Shelves, path: &str, query: Option<&str>) -> HttpResponse {
    dispatch(shelves, "GET", path, query, &[], b"").await
}

/// The status and `X-Amzn-ErrorType` of an answer, checked to agree with
/// each other and with the body: an error is a JSON object naming itself.
fn verdict(response: &HttpResponse) -> (u16, Option<&str>) {
    let error = response.header("x-amzn-errortype");
    assert!(
        response.status < 500,
        "{}: {}",
        response.status,
        String::from_utf8_lossy(&response.body)
    );
    if response.status >= 400 {
        assert_eq!(error, response.error_type, "the header names the error");
        assert!(
            matches!(serde_json::from_slice(&response.body), Ok(Value::Object(_))),
            "an error body is a JSON object"
        );
    } else {
        assert_eq!(error, None);
    }
    (response.status, error)
}

fn message(response: &HttpResponse) -> String {
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    body["message"].as_str().unwrap_or_default().to_owned()
}

async fn start() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Arc::new(bookshelf_api::router(bookshelf::Shelves::default()));
    tokio::spawn(serve(
        listener,
        router,
        ConnectionLimits::default(),
        std::future::pending(),
    ));
    addr
}

/// What came back over HTTP.
struct Answer {
    status: u16,
    head: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The status and `X-Amzn-ErrorType`.
    fn verdict(&self) -> (u16, Option<&str>) {
        (self.status, self.header("x-amzn-errortype"))
    }

    /// hyper's own refusal: a bare status, nothing else.
    fn is_bare(&self) -> bool {
        self.header("content-length") == Some("0")
            && self.header("x-amzn-errortype").is_none()
            && self.header("connection") == Some("close")
    }
}

/// Sends `GET target` with `headers`, as raw bytes (so the target and the
/// values may be anything), and reads the answer within [`BOUND`].
async fn raw(addr: SocketAddr, target: &[u8], headers: &[(&[u8], &[u8])]) -> Answer {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nhost: bookshelf\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.extend_from_slice(name);
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.split();
    // Read while writing: the server may answer and close before it has
    // read all of a huge request.
    let exchange = async {
        let write = async {
            let _ = writer.write_all(&request).await;
        };
        let read = async {
            let mut answer = Vec::new();
            let _ = reader.read_to_end(&mut answer).await;
            answer
        };
        tokio::join!(write, read).1
    };
    let answer = tokio::time::timeout(BOUND, exchange)
        .await
        .unwrap_or_else(|_| panic!("no answer within {BOUND:?}"));
    assert!(started.elapsed() < BOUND);
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an answer");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    Answer {
        status: head[9..12].parse().unwrap(),
        head,
    }
}

const NO_SUCH_BOOK: (u16, Option<&str>) = (404, Some("NoSuchBook"));
const NO_ROUTE: (u16, Option<&str>) = (404, Some("UnknownOperationException"));
const SERIALIZATION: (u16, Option<&str>) = (400, Some("SerializationException"));
const VALIDATION: (u16, Option<&str>) = (400, Some("ValidationException"));
const OK: (u16, Option<&str>) = (200, None);

#[tokio::test]
async fn an_encoded_slash_in_a_label_is_part_of_its_value() {
    let shelves = shelves().await;
    let put = dispatch(
        &shelves,
        "PUT",
        "/shelves/fiction/books/b%2F1",
        None,
        &[("content-type", b"application/json")],
        br#"{"title":"Slashed"}"#,
    )
    .await;
    assert_eq!(verdict(&put), (201, None));
    assert_eq!(put.header("location"), Some("/shelves/fiction/books/b%2F1"));
    let book = get(&shelves, "/shelves/fiction/books/b%2F1", None).await;
    assert_eq!(verdict(&book), OK);
    // Not a separator: `fic/tion` is one (invalid) shelf name, and a path
    // whose slashes are all encoded has too few segments for any route.
    let shelf = get(&shelves, "/shelves/fic%2Ftion/books/1", None).await;
    assert_eq!(verdict(&shelf), VALIDATION);
    assert!(message(&shelf).contains("Value 'fic/tion' at 'shelf'"));
    let folded = get(&shelves, "/shelves/fiction%2Fbooks%2Fdune", None).await;
    assert_eq!(verdict(&folded), NO_ROUTE);
    // A greedy label takes encoded and plain slashes alike.
    let cover = get(&shelves, "/covers/2026%2Fdune.png", None).await;
    assert_eq!(verdict(&cover), OK);

    let addr = start().await;
    let answer = raw(addr, b"/shelves/fic%2Ftion/books/1", &[]).await;
    assert_eq!(answer.verdict(), VALIDATION);
    let answer = raw(addr, b"/shelves/fiction%2Fbooks%2Fdune", &[]).await;
    assert_eq!(answer.verdict(), NO_ROUTE);
}

#[tokio::test]
async fn invalid_escapes_are_serialization_errors() {
    let shelves = shelves().await;
    for label in ["%zz", "%4", "a%", "%%41", "%+1", "%-1"] {
        let path = format!("/shelves/fiction/books/{label}");
        let answer = get(&shelves, &path, None).await;
        assert_eq!(verdict(&answer), SERIALIZATION, "{path}");
        assert!(message(&answer).contains("percent-encoding"), "{path}");
    }
    // In the query, whether the parameter is bound or not.
    for query in ["edition=%zz", "edition=2&version=%4", "other=%", "%zz=1"] {
        let answer = get(&shelves, DUNE, Some(query)).await;
        assert_eq!(verdict(&answer), SERIALIZATION, "?{query}");
    }
    let addr = start().await;
    let answer = raw(addr, b"/shelves/fiction/books/%zz", &[]).await;
    assert_eq!(answer.verdict(), SERIALIZATION);
    let answer = raw(addr, b"/shelves/fiction/books/dune?edition=%4", &[]).await;
    assert_eq!(answer.verdict(), SERIALIZATION);
}

#[tokio::test]
async fn invalid_utf8_in_the_path_query_and_headers() {
    let shelves = shelves().await;
    // Percent-encoded bytes that are not UTF-8: a lone continuation byte,
    // a truncated sequence, an overlong `/`, a surrogate.
    for bytes in ["%FF", "%C3%28", "%C0%AF", "%ED%A0%80", "%E2%82"] {
        let path = format!("/shelves/fiction/books/{bytes}");
        let answer = get(&shelves, &path, None).await;
        assert_eq!(verdict(&answer), SERIALIZATION, "{path}");
        assert!(message(&answer).contains("not percent-encoded UTF-8"));
        let answer = get(&shelves, DUNE, Some(&format!("edition={bytes}"))).await;
        assert_eq!(verdict(&answer), SERIALIZATION, "?edition={bytes}");
        let answer = get(&shelves, &format!("/covers/{bytes}.png"), None).await;
        assert_eq!(verdict(&answer), SERIALIZATION, "/covers/{bytes}.png");
    }
    // Valid UTF-8, encoded or not, is a value like any other.
    let answer = get(&shelves, "/shelves/fiction/books/%C3%A9t%C3%A9", None).await;
    assert_eq!(verdict(&answer), NO_SUCH_BOOK);
    assert_eq!(message(&answer), "No book été on shelf fiction");
    // A header value that is not UTF-8 (HTTP allows any byte above 0x7F) is
    // read as if the header were absent: the request is answered as
    // without it. Reported: a bound header that is not text could be a
    // SerializationException instead.
    let answer = dispatch(
        &shelves,
        "GET",
        DUNE,
        None,
        &[("x-reader", b"\xff\xfe")],
        b"",
    )
    .await;
    assert_eq!(verdict(&answer), OK);

    let addr = start().await;
    let answer = raw(addr, "/shelves/fiction/books/été".as_bytes(), &[]).await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
    let answer = raw(addr, b"/shelves/fiction/books/%FF", &[]).await;
    assert_eq!(answer.verdict(), SERIALIZATION);
    // Raw bytes that are not UTF-8 in the request target: hyper refuses
    // them before routing (see the top of this file).
    for target in [
        &b"/shelves/fiction/books/\xff"[..],
        b"/shelves/fiction/books/1?edition=\xc3\x28",
    ] {
        let answer = raw(addr, target, &[]).await;
        assert_eq!(answer.status, 400, "{}", answer.head);
        assert!(answer.is_bare(), "{}", answer.head);
    }
    let answer = raw(
        addr,
        b"/shelves/fiction/books/1",
        &[(b"x-reader", b"\xff\xfe")],
    )
    .await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
}

#[tokio::test]
async fn a_64_kib_path() {
    let shelves = shelves().await;
    let prefix = "/shelves/fiction/books/";
    let id = "b".repeat(64 * 1024 - prefix.len());
    let long = format!("{prefix}{id}");
    assert_eq!(long.len(), 64 * 1024);
    let answer = get(&shelves, &long, None).await;
    assert_eq!(verdict(&answer), NO_SUCH_BOOK);
    // The message quotes the id once: the answer grows with the request,
    // no faster.
    assert!(answer.body.len() < long.len() + 100);
    // 32,768 segments walk no route's tree past its depth.
    let segments = "/a".repeat(32 * 1024);
    assert_eq!(verdict(&get(&shelves, &segments, None).await), NO_ROUTE);
    let slashes = "/".repeat(64 * 1024);
    assert_eq!(verdict(&get(&shelves, &slashes, None).await), NO_ROUTE);
    // A greedy label over 16,384 segments.
    let cover = format!("/covers{}.png", "/a".repeat(16 * 1024));
    assert_eq!(verdict(&get(&shelves, &cover, None).await), OK);
    // 64 KiB of escapes in one label.
    let escaped = format!("{prefix}{}", "%41".repeat(21 * 1024));
    assert_eq!(verdict(&get(&shelves, &escaped, None).await), NO_SUCH_BOOK);

    let addr = start().await;
    // Past the `http` crate's URI limit (65,534 bytes): hyper's 414.
    let answer = raw(addr, long.as_bytes(), &[]).await;
    assert_eq!(answer.status, 414, "{}", answer.head);
    assert!(answer.is_bare(), "{}", answer.head);
    // Within it, the protocol's answer.
    let answer = raw(addr, &long.as_bytes()[..65_000], &[]).await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
    let answer = raw(addr, &segments.as_bytes()[..65_000], &[]).await;
    assert_eq!(answer.verdict(), NO_ROUTE);
}

#[tokio::test]
async fn ten_thousand_query_parameters() {
    let shelves = shelves().await;
    let others: Vec<String> = (0..10_000).map(|i| format!("p{i}=v{i}")).collect();
    let query = format!("edition=2&{}", others.join("&"));
    assert_eq!(verdict(&get(&shelves, DUNE, Some(&query)).await), OK);
    // A bound name 10,000 times: a single value takes the first.
    let repeated = vec!["version=1"; 10_000].join("&");
    assert_eq!(verdict(&get(&shelves, DUNE, Some(&repeated)).await), OK);
    let bad_first = format!("edition=x&{repeated}");
    assert_eq!(
        verdict(&get(&shelves, DUNE, Some(&bad_first)).await),
        SERIALIZATION
    );
    let zero = vec!["edition=0"; 10_000].join("&");
    let answer = get(&shelves, DUNE, Some(&zero)).await;
    assert_eq!(verdict(&answer), VALIDATION);
    assert_eq!(
        message(&answer),
        "1 validation error detected: Value '0' at 'edition' failed to satisfy constraint: \
         Member must have value greater than or equal to 1"
    );
    // One bad escape among them spoils the query.
    let spoiled = format!("{}&p=%zz", others.join("&"));
    assert_eq!(
        verdict(&get(&shelves, DUNE, Some(&spoiled)).await),
        SERIALIZATION
    );
    let empty = "&".repeat(10_000);
    assert_eq!(verdict(&get(&shelves, DUNE, Some(&empty)).await), OK);

    let addr = start().await;
    let short = format!("{DUNE}?{}", vec!["a=1"; 10_000].join("&"));
    let answer = raw(addr, short.as_bytes(), &[]).await;
    // The over-HTTP server holds no books: found, it would be a 200.
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
    let bad = format!("{DUNE}?{}&edition=1&edition=x", vec!["a"; 10_000].join("&"));
    let answer = raw(addr, bad.as_bytes(), &[]).await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
    let bad = format!("{DUNE}?edition=x&{}", vec!["a"; 10_000].join("&"));
    let answer = raw(addr, bad.as_bytes(), &[]).await;
    assert_eq!(answer.verdict(), SERIALIZATION);
}

#[tokio::test]
async fn a_thousand_repeated_headers() {
    let shelves = shelves().await;
    // Repeated, a header's values join into one list: the reader is
    // `ann, ann, …` (an unconstrained string).
    let readers: Vec<(&str, &[u8])> = vec![("x-reader", b"ann"); 1000];
    let answer = dispatch(&shelves, "GET", DUNE, None, &readers, b"").await;
    assert_eq!(verdict(&answer), OK);
    let accepts: Vec<(&str, &[u8])> = vec![("accept", b"text/html"); 1000];
    let answer = dispatch(&shelves, "GET", DUNE, None, &accepts, b"").await;
    assert_eq!(verdict(&answer), (406, Some("NotAcceptableException")));
    let mut types: Vec<(&str, &[u8])> = vec![("content-type", b"application/json"); 1000];
    types.push(("content-type", b"text/plain"));
    let answer = dispatch(&shelves, "PUT", DUNE, None, &types, br#"{"title":"x"}"#).await;
    assert_eq!(
        verdict(&answer),
        (201, None),
        "the first Content-Type counts"
    );
    let codings: Vec<(&str, &[u8])> = vec![("content-encoding", b"gzip"); 1000];
    let answer = dispatch(&shelves, "GET", DUNE, None, &codings, b"").await;
    assert_eq!(verdict(&answer), SERIALIZATION);

    let addr = start().await;
    // More than hyper's 100 header lines: its 431.
    let many: Vec<(&[u8], &[u8])> = vec![(b"x-reader", b"ann"); 1000];
    let answer = raw(addr, DUNE.as_bytes(), &many).await;
    assert_eq!(answer.status, 431, "{}", answer.head);
    assert!(answer.is_bare(), "{}", answer.head);
    let some: Vec<(&[u8], &[u8])> = vec![(b"x-reader", b"ann"); 90];
    let answer = raw(addr, DUNE.as_bytes(), &some).await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
}

#[tokio::test]
async fn an_oversized_header() {
    let shelves = shelves().await;
    let huge = vec![b'r'; 1 << 20];
    let answer = dispatch(&shelves, "GET", DUNE, None, &[("x-reader", &huge)], b"").await;
    assert_eq!(verdict(&answer), OK);
    // An oversized header the protocol reads and refuses.
    let mut accept = b"text/html".repeat(100_000);
    accept.extend_from_slice(b", image/*");
    let answer = dispatch(&shelves, "GET", DUNE, None, &[("accept", &accept)], b"").await;
    assert_eq!(verdict(&answer), (406, Some("NotAcceptableException")));

    let addr = start().await;
    // Larger than hyper's read buffer for a request's head: its 431.
    let answer = raw(addr, DUNE.as_bytes(), &[(b"x-reader", &huge)]).await;
    assert_eq!(answer.status, 431, "{}", answer.head);
    assert!(answer.is_bare(), "{}", answer.head);
    let answer = raw(addr, DUNE.as_bytes(), &[(b"x-reader", &huge[..64 * 1024])]).await;
    assert_eq!(answer.verdict(), NO_SUCH_BOOK);
}

#[tokio::test]
async fn a_label_that_breaks_its_constraints() {
    let shelves = shelves().await;
    let answer = get(&shelves, "/shelves/No/books/1", None).await;
    assert_eq!(verdict(&answer), VALIDATION);
    assert_eq!(
        message(&answer),
        "2 validation errors detected: Value 'No' at 'shelf' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: ^[a-z][a-z0-9-]*$; Value 'No' at \
         'shelf' failed to satisfy constraint: Member must have length greater than or equal \
         to 3"
    );
    let long = format!("/shelves/{}/books/1", "s".repeat(33));
    let answer = get(&shelves, &long, None).await;
    assert_eq!(verdict(&answer), VALIDATION);
    assert!(message(&answer).contains("length less than or equal to 32"));
    // Encoded, the value is checked after decoding; a 64 KiB one is
    // checked in bounded time.
    let encoded = get(&shelves, "/shelves/a%20b/books/1", None).await;
    assert_eq!(verdict(&encoded), VALIDATION);
    let huge = format!("/shelves/{}/books/1", "é".repeat(32 * 1024));
    assert_eq!(verdict(&get(&shelves, &huge, None).await), VALIDATION);
    let version = get(&shelves, DUNE, Some("version=0")).await;
    assert_eq!(verdict(&version), VALIDATION);
    let range = get(&shelves, DUNE, Some("edition=2147483648")).await;
    assert_eq!(verdict(&range), SERIALIZATION);

    let addr = start().await;
    let answer = raw(addr, b"/shelves/No/books/1", &[]).await;
    assert_eq!(answer.verdict(), VALIDATION);
    let answer = raw(addr, long.as_bytes(), &[]).await;
    assert_eq!(answer.verdict(), VALIDATION);
}

/// A decoded label that cannot go back into a header as it is (a `%0A`)
/// once made the Location of a PutBook a 500; it is encoded again now.
#[tokio::test]
async fn a_decoded_control_character_stays_out_of_headers() {
    let shelves = bookshelf::Shelves::default();
    for id in ["a%0Ab", "%0D%0Aset-cookie:%20x", "%7F", "%00"] {
        let path = format!("/shelves/fiction/books/{id}");
        let put = dispatch(
            &shelves,
            "PUT",
            &path,
            None,
            &[("content-type", b"application/json")],
            br#"{"title":"x"}"#,
        )
        .await;
        assert_eq!(verdict(&put), (201, None), "{path}");
        let location = put.header("location").unwrap();
        assert!(location.bytes().all(|b| b.is_ascii_graphic()), "{location}");
        let again = get(&shelves, location, None).await;
        assert_eq!(verdict(&again), OK, "{location}");
    }
}
