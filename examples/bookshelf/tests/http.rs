//! The Bookshelf over real HTTP on loopback: labels, query, headers and
//! payloads both ways, the status an operation declares, a greedy label,
//! and each kind of refusal in restJson1's form.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{json, Value};
use smithy_runtime::server::{serve, ConnectionLimits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One request over a connection of its own, as any HTTP client sends it.
async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    Answer {
        status: head[9..12].parse().unwrap(),
        head,
        body: raw[split + 4..].to_vec(),
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn a_book_goes_on_a_shelf_and_comes_back() {
    let addr = start().await;
    let put = send(
        addr,
        "PUT",
        "/shelves/fiction/books/b%2F1",
        &[JSON],
        r#"{"title": "Dune", "edition": 2}"#,
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.head);
    // The label was percent-decoded (its `/` is part of the id) and is
    // encoded again in the Location.
    assert_eq!(put.header("location"), Some("/shelves/fiction/books/b%2F1"));
    assert_eq!(put.json(), json!({}));

    let get = send(
        addr,
        "GET",
        "/shelves/fiction/books/b%2F1?edition=2",
        &[("X-Reader", "ann")],
        "",
    )
    .await;
    assert_eq!(get.status, 200, "{}", get.head);
    assert_eq!(get.json(), json!({"title": "Dune", "edition": 2}));
    assert_eq!(get.header("etag"), Some("\"v1\""));
    assert_eq!(get.header("content-type"), Some("application/json"));

    let other = send(
        addr,
        "GET",
        "/shelves/fiction/books/b%2F1?edition=1",
        &[],
        "",
    )
    .await;
    assert_eq!(other.status, 404);
    assert_eq!(other.header("x-amzn-errortype"), Some("NoSuchBook"));
    assert_eq!(
        other.json(),
        json!({"message": "No book b/1 on shelf fiction"})
    );
}

#[tokio::test]
async fn a_cover_is_a_binary_payload_under_a_greedy_label() {
    let addr = start().await;
    let cover = send(addr, "GET", "/covers/2026/dune.png", &[], "").await;
    assert_eq!(cover.status, 200, "{}", cover.head);
    assert_eq!(cover.header("content-type"), Some("image/png"));
    assert_eq!(cover.body, bookshelf::COVER);
}

/// Method, target, headers, body, and the status and error they get.
type Refused<'a> = (
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a str,
    u16,
    &'a str,
);

#[tokio::test]
async fn bad_requests_get_restjson1_errors() {
    let addr = start().await;
    let cases: &[Refused] = &[
        // A label that breaks its constraints: every violation, at once.
        (
            "GET",
            "/shelves/No/books/1",
            &[],
            "",
            400,
            "ValidationException",
        ),
        (
            "GET",
            "/shelves/fiction/books/1?edition=x",
            &[],
            "",
            400,
            "SerializationException",
        ),
        (
            "GET",
            "/shelves/fiction/books/%zz",
            &[],
            "",
            400,
            "SerializationException",
        ),
        (
            "PUT",
            "/shelves/fiction/books/1",
            &[JSON],
            r#"{"title": ""}"#,
            400,
            "ValidationException",
        ),
        (
            "PUT",
            "/shelves/fiction/books/1",
            &[JSON],
            "{",
            400,
            "SerializationException",
        ),
        (
            "PUT",
            "/shelves/fiction/books/1",
            &[("content-type", "text/plain")],
            "{}",
            415,
            "UnsupportedMediaTypeException",
        ),
        (
            "GET",
            "/shelves/fiction/books/1",
            &[("accept", "text/html")],
            "",
            406,
            "NotAcceptableException",
        ),
        (
            "DELETE",
            "/shelves/fiction/books/1",
            &[],
            "",
            405,
            "UnknownOperationException",
        ),
        ("GET", "/nowhere", &[], "", 404, "UnknownOperationException"),
    ];
    for (method, target, headers, body, status, error) in cases {
        let answer = send(addr, method, target, headers, body).await;
        assert_eq!(answer.status, *status, "{method} {target}: {}", answer.head);
        assert_eq!(
            answer.header("x-amzn-errortype"),
            Some(*error),
            "{method} {target}"
        );
    }
    let answer = send(addr, "GET", "/shelves/No/books/1", &[], "").await;
    assert_eq!(
        answer.json()["message"],
        "2 validation errors detected: Value 'No' at 'shelf' failed to satisfy constraint: Member \
         must satisfy regular expression pattern: ^[a-z][a-z0-9-]*$; Value 'No' at 'shelf' failed \
         to satisfy constraint: Member must have length greater than or equal to 3"
    );
}
