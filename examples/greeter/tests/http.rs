//! The Greeter over real HTTP on loopback: a valid call, each kind of bad
//! input in the awsJson 1.0 error form, and the modeled error.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{json, Value};
use smithy_runtime::server::{serve, ConnectionLimits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A Greeter on an ephemeral port, stopped when the test's runtime ends.
async fn start() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Arc::new(greeter_api::router(greeter::Greeter));
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
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `POST /` with `headers` and `body`, over a connection of its own.
async fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut request = format!("POST / HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    Answer {
        status: head[9..12].parse().unwrap(),
        head: head.to_owned(),
        body: if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body).unwrap()
        },
    }
}

/// Request headers, name and value.
type Headers<'a> = &'a [(&'a str, &'a str)];

const JSON_1_0: (&str, &str) = ("content-type", "application/x-amz-json-1.0");
const SAY_HELLO: (&str, &str) = ("x-amz-target", "Greeter.SayHello");
const SIGNED_IN_EU: (&str, &str) = (
    "authorization",
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/greeter/aws4_request, \
     SignedHeaders=host;x-amz-date, Signature=0000",
);

#[tokio::test]
async fn a_valid_call_is_answered_in_the_callers_region() {
    let addr = start().await;
    let answer = post(
        addr,
        &[JSON_1_0, SAY_HELLO, SIGNED_IN_EU],
        r#"{"name":"Ada","times":2}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"message": "Hello, Ada (from eu-west-1)! Hello, Ada (from eu-west-1)!"})
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-amz-json-1.0")
    );
    assert!(answer.header("x-amzn-requestid").is_some());
    assert_eq!(answer.header("x-amzn-errortype"), None);
}

#[tokio::test]
async fn every_constraint_broken_is_reported_at_once() {
    let addr = start().await;
    let answer = post(addr, &[JSON_1_0, SAY_HELLO], r#"{"name":"","times":7}"#).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("ValidationException")
    );
    // awsJson 1.0 names the error with its shape id.
    assert_eq!(
        answer.body["__type"],
        "com.amazon.coral.validate#ValidationException"
    );
    let message = answer.body["message"].as_str().unwrap();
    assert!(
        message.starts_with("2 validation errors detected: "),
        "{message}"
    );
    assert!(message.contains("Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{message}");
    assert!(message.contains("Value '7' at 'times' failed to satisfy constraint: Member must have value less than or equal to 3"), "{message}");
}

#[tokio::test]
async fn malformed_requests_get_the_protocols_errors() {
    let addr = start().await;
    let cases: [(Headers, &str, u16, &str); 4] = [
        (
            &[JSON_1_0, SAY_HELLO],
            "{not json",
            400,
            "SerializationException",
        ),
        (
            &[JSON_1_0, SAY_HELLO],
            r#"{"times":1}"#,
            400,
            "ValidationException",
        ),
        (
            &[JSON_1_0, ("x-amz-target", "Greeter.SayGoodbye")],
            "{}",
            400,
            "UnknownOperationException",
        ),
        (
            &[("content-type", "application/json"), SAY_HELLO],
            "{}",
            404,
            "UnknownOperationException",
        ),
    ];
    for (headers, body, status, error) in cases {
        let answer = post(addr, headers, body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.header("x-amzn-errortype"), Some(error), "{body}");
        let kind = answer.body["__type"].as_str().unwrap_or_default();
        assert!(kind.ends_with(&format!("#{error}")), "{body}: {kind}");
    }
}

#[tokio::test]
async fn the_modeled_error_comes_back_with_its_status() {
    let addr = start().await;
    let answer = post(addr, &[JSON_1_0, SAY_HELLO], r#"{"name":"Nobody"}"#).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.header("x-amzn-errortype"), Some("NameNotAllowed"));
    assert_eq!(
        answer.body,
        json!({"__type": "example.greeter#NameNotAllowed", "message": "Nobody is not greeted here"})
    );
}
