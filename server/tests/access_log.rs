//! The request log of the real binary: one whole line per request, none
//! lost, all written out when the server is told to stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REQUESTS: usize = 2_000;

fn call(addr: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         X-Amz-Target: AmazonSSM.GetMaintenanceWindow\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    answer
        .lines()
        .find_map(|line| line.strip_prefix("x-amzn-requestid: "))
        .expect("a request id header")
        .to_owned()
}

#[test]
fn every_request_is_logged_once_and_written_out_at_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new(env!("CARGO_BIN_EXE_ssm-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--log",
            "info",
            "--sync",
            "normal",
        ])
        .arg("--db")
        .arg(dir.path().join("ssm.db"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start ssm-server");
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        let text = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(rest) = text.split("listening on http://").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        }
        assert!(Instant::now() < deadline, "not listening: {text}");
        std::thread::sleep(Duration::from_millis(20));
    };

    // Half valid calls for a window that does not exist, half refused by
    // the validator: both kinds of answer are logged.
    let ids: Vec<String> = (0..REQUESTS)
        .map(|n| {
            let body = if n % 2 == 0 {
                r#"{"WindowId":"mw-0123456789abcdef0"}"#
            } else {
                r#"{"WindowId":"x"}"#
            };
            call(&addr, body)
        })
        .collect();
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = server.wait().expect("server exits");
    assert!(status.success(), "{status}");

    let text = std::fs::read(&log_path).expect("read log");
    assert!(text.ends_with(b"\n"), "the log ends with a whole line");
    let lines: Vec<String> = BufReader::new(text.as_slice())
        .lines()
        .map(|line| line.expect("UTF-8"))
        .filter(|line| line.contains(" INFO ssm_server::access: request "))
        .collect();
    assert_eq!(lines.len(), REQUESTS, "one line per request");
    for (line, id) in lines.iter().zip(&ids) {
        assert!(
            line.contains(&format!(" request_id={id}")),
            "in order, each with its id: {line}"
        );
    }
    let refused = lines
        .iter()
        .filter(|line| {
            line.contains(" status=400 ") && line.ends_with(" error=ValidationException")
        })
        .count();
    assert_eq!(refused, REQUESTS / 2);
}
