//! A book's text over real HTTP on loopback, streamed both ways: an upload
//! larger than the router's body limit is read by the handler as it
//! arrives (chunked, in pieces), and a download is written in chunks, with
//! no `Content-Length`, page by page.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use smithy_runtime::server::{serve, ConnectionLimits, DEFAULT_MAX_BODY_BYTES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

    fn is_chunked(&self) -> bool {
        self.header("transfer-encoding") == Some("chunked")
    }
}

/// Reads the answer to the end of the connection; a chunked body is
/// de-chunked.
async fn read_answer(mut stream: TcpStream) -> Answer {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut answer = Answer {
        status: head[9..12].parse().unwrap(),
        head,
        body: raw[split + 4..].to_vec(),
    };
    if answer.is_chunked() {
        answer.body = dechunk(&answer.body);
    }
    answer
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

fn head(method: &str, target: &str, addr: SocketAddr, headers: &[(&str, &str)]) -> String {
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head
}

/// A request with a `Content-Length` body, written at once.
async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut request = head(method, target, addr, headers).into_bytes();
    request.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request).await.unwrap();
    read_answer(stream).await
}

/// A request whose body goes out chunked, `pieces` at a time with a pause
/// between them, as a client streaming a file would send it.
async fn send_chunked(
    addr: SocketAddr,
    target: &str,
    headers: &[(&str, &str)],
    pieces: &[&[u8]],
) -> Answer {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = head("PUT", target, addr, headers);
    request.push_str("transfer-encoding: chunked\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    for piece in pieces {
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        stream.write_all(&chunk).await.unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    read_answer(stream).await
}

const TEXT: (&str, &str) = ("content-type", "text/plain; charset=utf-8");
const JSON: (&str, &str) = ("content-type", "application/json");

async fn put_book(addr: SocketAddr, id: &str) {
    let target = format!("/shelves/fiction/books/{id}");
    let put = send(addr, "PUT", &target, &[JSON], br#"{"title":"Dune"}"#).await;
    assert_eq!(put.status, 201, "{}", put.head);
}

/// A text of `len` bytes that is not the same byte over and over, so a
/// chunk out of place would show.
fn text_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 23) as u8).collect()
}

#[tokio::test]
async fn an_upload_larger_than_the_body_limit_streams_to_its_handler() {
    let addr = start().await;
    put_book(addr, "dune").await;
    let text = text_of(DEFAULT_MAX_BODY_BYTES * 2 + 12_345);
    let pieces: Vec<&[u8]> = text.chunks(256 * 1024).collect();
    let put = send_chunked(addr, "/shelves/fiction/books/dune/text", &[TEXT], &pieces).await;
    assert_eq!(
        put.status,
        200,
        "{}\n{}",
        put.head,
        String::from_utf8_lossy(&put.body)
    );
    let length = text.len().to_string();
    assert_eq!(put.header("x-text-length"), Some(length.as_str()));

    // As many bytes to an operation that reads its body whole are refused
    // by the router's limit, on their declared length alone.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = head("PUT", "/shelves/fiction/books/dune", addr, &[JSON]);
    request.push_str(&format!("content-length: {}\r\n\r\n", text.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let refused = read_answer(stream).await;
    assert_eq!(refused.status, 413, "{}", refused.head);
}

#[tokio::test]
async fn a_download_is_written_in_chunks_page_by_page() {
    let addr = start().await;
    put_book(addr, "dune").await;
    let text = text_of(bookshelf::PAGE_BYTES * 5 + 7);
    let put = send(
        addr,
        "PUT",
        "/shelves/fiction/books/dune/text",
        &[TEXT],
        &text,
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.head);

    let got = send(addr, "GET", "/shelves/fiction/books/dune/text", &[], b"").await;
    assert_eq!(got.status, 200, "{}", got.head);
    assert!(got.is_chunked(), "not chunked: {}", got.head);
    assert_eq!(got.header("content-length"), None);
    assert_eq!(
        got.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(got.header("x-pages"), Some("6"));
    assert!(got.body == text, "the text came back changed");
}

#[tokio::test]
async fn an_empty_text_is_an_empty_answer() {
    let addr = start().await;
    put_book(addr, "blank").await;
    let got = send(addr, "GET", "/shelves/fiction/books/blank/text", &[], b"").await;
    assert_eq!(got.status, 200, "{}", got.head);
    assert_eq!(got.header("x-pages"), Some("0"));
    assert!(got.body.is_empty());
}

#[tokio::test]
async fn a_gzip_upload_is_undone_before_the_handler_reads_it() {
    let addr = start().await;
    put_book(addr, "dune").await;
    let text = text_of(100_000);
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(&text).unwrap();
    let gzipped = gzip.finish().unwrap();
    let headers = [TEXT, ("content-encoding", "gzip")];
    let put = send(
        addr,
        "PUT",
        "/shelves/fiction/books/dune/text",
        &headers,
        &gzipped,
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.head);
    assert_eq!(put.header("x-text-length"), Some("100000"));
    let got = send(addr, "GET", "/shelves/fiction/books/dune/text", &[], b"").await;
    assert!(got.body == text, "the text came back changed");
}

#[tokio::test]
async fn streaming_operations_refuse_as_the_others_do() {
    let addr = start().await;
    let target = "/shelves/fiction/books/nope/text";
    let missing = send(addr, "PUT", target, &[TEXT], b"words").await;
    assert_eq!(missing.status, 404, "{}", missing.head);
    assert_eq!(missing.header("x-amzn-errortype"), Some("NoSuchBook"));

    put_book(addr, "dune").await;
    let target = "/shelves/fiction/books/dune/text";
    let wrong_type = send(addr, "PUT", target, &[JSON], b"{}").await;
    assert_eq!(wrong_type.status, 415, "{}", wrong_type.head);
    let bad_label = send(addr, "PUT", "/shelves/No/books/dune/text", &[TEXT], b"x").await;
    assert_eq!(bad_label.status, 400, "{}", bad_label.head);
    assert_eq!(
        bad_label.header("x-amzn-errortype"),
        Some("ValidationException")
    );
    let wrong_accept = send(addr, "GET", target, &[("accept", "application/json")], b"").await;
    assert_eq!(wrong_accept.status, 406, "{}", wrong_accept.head);
}
