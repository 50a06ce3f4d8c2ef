//! Connection-level limits and stalls, driven with raw sockets because the
//! behaviour under test (half-sent requests, stalled clients, oversized
//! bodies, a disk that does not answer) is exactly what a well-behaved SDK
//! never meets.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ssm_server::{Config, Running, SystemClock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

async fn start(config: Config) -> Running {
    ssm_server::start(&config, Arc::new(SystemClock))
        .await
        .expect("server starts")
}

/// One request on its own connection; returns the status, the headers
/// (lower-cased names) and the body.
async fn exchange(server: &Running, request: &str) -> (u16, String, String) {
    exchange_at(server.addr, request).await
}

async fn exchange_at(addr: SocketAddr, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send request");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn aws_json(target: &str, body: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         X-Amz-Target: AmazonSSM.{target}\r\n\
         Content-Type: application/x-amz-json-1.1\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

const HEALTH: &str = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

const CREATE_WINDOW: &str = r#"{"Name":"slow","Schedule":"rate(1 day)","Duration":2,"Cutoff":1,"AllowUnassociatedTargets":true}"#;

async fn create_window(server: &Running) -> String {
    let (status, _, body) =
        exchange(server, &aws_json("CreateMaintenanceWindow", CREATE_WINDOW)).await;
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON answer");
    body["WindowId"].as_str().expect("window id").to_owned()
}

/// Waits until the peer closes `stream` (EOF or reset), ignoring whatever
/// it sends first; false if it is still open after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut sink = [0u8; 1024];
    timeout(limit, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_neither_block_others_nor_stay_connected() {
    let config = Config {
        header_timeout_secs: 1,
        ..Config::for_tests()
    };
    let server = start(config).await;
    let window = create_window(&server).await;

    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        stream.write_all(b"GET /hea").await.expect("half a line");
        slow.push(stream);
    }
    let opened = Instant::now();

    let (status, _, _) = timeout(Duration::from_secs(1), exchange(&server, HEALTH))
        .await
        .expect("/health answers within 1 s");
    assert_eq!(status, 200);
    let get = aws_json(
        "GetMaintenanceWindow",
        &format!(r#"{{"WindowId":"{window}"}}"#),
    );
    let (status, _, body) = timeout(Duration::from_secs(1), exchange(&server, &get))
        .await
        .expect("GetMaintenanceWindow answers within 1 s");
    assert_eq!(status, 200, "{body}");

    // A second past the timeout leaves room for a loaded test machine.
    for stream in &mut slow {
        let left = Duration::from_secs(3).saturating_sub(opened.elapsed());
        assert!(
            closed_within(stream, left).await,
            "a half-sent request is still connected 3 s after a 1 s header timeout"
        );
    }
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn a_stalled_body_is_dropped_after_the_idle_timeout() {
    let config = Config {
        idle_timeout_secs: 1,
        ..Config::for_tests()
    };
    let server = start(config).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = aws_json(
        "GetMaintenanceWindow",
        r#"{"WindowId":"mw-0123456789abcdef0"}"#,
    );
    // Headers and half the body, then nothing.
    let cut = request.len() - 10;
    stream
        .write_all(&request.as_bytes()[..cut])
        .await
        .expect("send");
    assert!(
        closed_within(&mut stream, Duration::from_secs(3)).await,
        "a request whose body stalled is still connected 3 s after a 1 s idle timeout"
    );
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    let config = Config {
        max_connections: 1,
        ..Config::for_tests()
    };
    let server = start(config).await;
    let mut holder = TcpStream::connect(server.addr).await.expect("connect");
    holder.write_all(b"GET /hea").await.expect("half a line");
    // Let the server take the first connection before the second arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let waiting = tokio::spawn({
        let addr = server.addr;
        async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            stream.write_all(HEALTH.as_bytes()).await.expect("send");
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.expect("read");
            String::from_utf8_lossy(&answer).into_owned()
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "a second connection was served while the only slot was taken"
    );
    drop(holder);
    let answer = timeout(Duration::from_secs(2), waiting)
        .await
        .expect("served once the slot is free")
        .expect("client task");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn an_oversized_body_is_an_aws_json_413() {
    let config = Config {
        max_body_bytes: 1024,
        ..Config::for_tests()
    };
    let server = start(config).await;
    let description = "x".repeat(2000);
    let (status, head, body) = exchange(
        &server,
        &aws_json(
            "CreateMaintenanceWindow",
            &format!(r#"{{"Name":"big","Description":"{description}"}}"#),
        ),
    )
    .await;
    assert_eq!(status, 413, "{head}\n{body}");
    assert!(
        head.contains("content-type: application/x-amz-json-1.1"),
        "{head}"
    );
    assert!(
        head.contains("x-amzn-errortype: requestentitytoolargeexception"),
        "{head}"
    );
    assert!(head.contains("x-amzn-requestid: "), "{head}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(body["__type"], "RequestEntityTooLargeException");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("1024 bytes")),
        "{body}"
    );

    // Below the cap the request goes through to validation as usual.
    let (status, _, body) = exchange(
        &server,
        &aws_json(
            "GetMaintenanceWindow",
            r#"{"WindowId":"mw-0123456789abcdef0"}"#,
        ),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn stopping_finishes_and_refuses_new_connections() {
    let server = start(Config::for_tests()).await;
    let addr = server.addr;
    let (status, _, _) = exchange(&server, HEALTH).await;
    assert_eq!(status, 200);
    // An idle client must not keep the server from stopping.
    let _idle = TcpStream::connect(addr).await.expect("connect");
    timeout(Duration::from_secs(5), server.stop())
        .await
        .expect("stops with an idle connection open")
        .expect("stops cleanly");
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test]
async fn an_unused_keep_alive_connection_is_closed_after_the_header_timeout() {
    let config = Config {
        header_timeout_secs: 1,
        ..Config::for_tests()
    };
    let server = start(config).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("send");
    let mut answer = [0u8; 1024];
    let read = timeout(Duration::from_secs(1), stream.read(&mut answer))
        .await
        .expect("answered")
        .expect("read");
    assert!(answer[..read].starts_with(b"HTTP/1.1 200"));
    // The connection stays open for another request, but not forever.
    assert!(
        closed_within(&mut stream, Duration::from_secs(3)).await,
        "an unused keep-alive connection is still open 3 s after a 1 s header timeout"
    );
    server.stop().await.expect("stops");
}

/// Commits that cannot reach the disk wait, but only for themselves: reads
/// are answered from memory meanwhile, and the waiting writes hold neither
/// the async threads nor the lock readers need.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_disk_holds_up_writes_but_not_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("ssm.db");
    let server = start(Config {
        db: db.clone(),
        sync: "full".into(),
        ..Config::for_tests()
    })
    .await;
    let window = create_window(&server).await;

    // Another connection holds SQLite's write lock, so the server's commits
    // wait for it (rusqlite's busy timeout is 5 s) as for a disk that hangs.
    let blocker = rusqlite::Connection::open(&db).expect("second connection");
    blocker
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    // More writes than async worker threads.
    let create = aws_json("CreateMaintenanceWindow", CREATE_WINDOW);
    let writes: Vec<_> = (0..4)
        .map(|_| {
            let (addr, create) = (server.addr, create.clone());
            tokio::spawn(async move { exchange_at(addr, &create).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (status, _, _) = timeout(Duration::from_secs(1), exchange(&server, HEALTH))
        .await
        .expect("/health answers within 1 s");
    assert_eq!(status, 200);
    let get = aws_json(
        "GetMaintenanceWindow",
        &format!(r#"{{"WindowId":"{window}"}}"#),
    );
    let (status, _, body) = timeout(Duration::from_secs(1), exchange(&server, &get))
        .await
        .expect("GetMaintenanceWindow answers within 1 s");
    assert_eq!(status, 200, "{body}");
    assert!(
        writes.iter().all(|write| !write.is_finished()),
        "the writes should still be waiting for the lock"
    );

    blocker.execute_batch("COMMIT").expect("release the lock");
    for write in writes {
        let (status, _, body) = write.await.expect("write task");
        assert_eq!(status, 200, "a write that waited for the disk: {body}");
    }
    server.stop().await.expect("stops");
}

/// Outside the API: probes get JSON, unknown paths a 404, known paths asked
/// with the wrong method a 405 naming the right one.
#[tokio::test]
async fn routes_outside_the_api() {
    let server = start(Config::for_tests()).await;
    let (status, head, body) = exchange(&server, HEALTH).await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    let health: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(health["status"], "ok");
    for (request, want, allow) in [
        ("GET /nowhere HTTP/1.1", 404, None),
        ("GET / HTTP/1.1", 405, Some("post")),
        ("POST /health HTTP/1.1", 405, Some("get, head")),
        ("HEAD /health HTTP/1.1", 200, None),
        (
            "GET /_admin/windows/mw-0123456789abcdef0/run HTTP/1.1",
            405,
            Some("post"),
        ),
        ("POST /_admin/windows//run HTTP/1.1", 404, None),
    ] {
        let request = format!(
            "{request}\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        );
        let (status, head, _) = exchange(&server, &request).await;
        assert_eq!(status, want, "{request}");
        if let Some(allow) = allow {
            assert!(head.contains(&format!("allow: {allow}")), "{head}");
        }
    }
    server.stop().await.expect("stops");
}
