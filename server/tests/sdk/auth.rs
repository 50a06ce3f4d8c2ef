//! `--auth sigv4`: what the SDK signs is accepted, and each way of signing
//! wrongly gets AWS's own error, through the SDK and over raw HTTP.

use std::time::{Duration, SystemTime};

use aws_sdk_ssm::config::Credentials;
use aws_sdk_ssm::Client;
use ssm_server::auth::signer::{sign_headers, Key};
use ssm_server::{AuthMode, Config, Running};

use crate::common::{client_signing, create_window, error_of, post, start};

const REGION: &str = "ap-south-1";

const CREDENTIALS: &str = r#"
[[credentials]]
access_key_id = "AKIAEXAMPLEACCOUNTA1"
secret_access_key = "secret-a"
account_id = "111122223333"

[[credentials]]
access_key_id = "ASIAEXAMPLESESSIONB1"
secret_access_key = "secret-b"
account_id = "444455556666"
session_token = "session-token-b"
"#;

async fn strict_server(admin: bool) -> (Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials.toml");
    std::fs::write(&path, CREDENTIALS).unwrap();
    let server = start(Config {
        auth: AuthMode::Sigv4,
        credentials: Some(path),
        admin,
        ..Config::for_tests()
    })
    .await;
    (server, dir)
}

fn sdk(server: &Running, key: &str, secret: &str, token: Option<&str>) -> Client {
    let credentials = Credentials::new(key, secret, token.map(str::to_owned), None, "tests");
    client_signing(server.addr, REGION, credentials)
}

fn key_a() -> Key {
    Key {
        access_key_id: "AKIAEXAMPLEACCOUNTA1".into(),
        secret_access_key: "secret-a".into(),
        session_token: None,
        region: REGION.into(),
    }
}

const API_HEADERS: [(&str, &str); 2] = [
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "AmazonSSM.DescribeMaintenanceWindows"),
];

#[tokio::test(flavor = "multi_thread")]
async fn the_sdk_signing_with_a_configured_key_works_in_that_account() {
    let (server, _dir) = strict_server(false).await;
    let a = sdk(&server, "AKIAEXAMPLEACCOUNTA1", "secret-a", None);
    let window = create_window(&a, "strict").await;
    let b = sdk(
        &server,
        "ASIAEXAMPLESESSIONB1",
        "secret-b",
        Some("session-token-b"),
    );
    let listed = b.describe_maintenance_windows().send().await.unwrap();
    assert!(
        listed.window_identities().is_empty(),
        "B is another account"
    );
    let (code, _) = error_of(b.get_maintenance_window().window_id(&window).send().await);
    assert_eq!(code, "DoesNotExistException");
    let got = a.get_maintenance_window().window_id(&window).send().await;
    assert_eq!(got.unwrap().name(), Some("strict"));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_signing_wrongly_get_aws_errors() {
    let (server, _dir) = strict_server(false).await;

    let unknown = sdk(&server, "AKIANOBODYKNOWS", "secret-a", None);
    let (code, message) = error_of(unknown.describe_maintenance_windows().send().await);
    assert_eq!(code, "UnrecognizedClientException");
    assert_eq!(
        message,
        "The security token included in the request is invalid."
    );

    let wrong_secret = sdk(&server, "AKIAEXAMPLEACCOUNTA1", "not-secret-a", None);
    let (code, message) = error_of(wrong_secret.describe_maintenance_windows().send().await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(
        message.starts_with(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
             The Canonical String for this request should have been\n'POST\n/\n\n"
        ),
        "{message}"
    );
    assert!(message.contains("\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"));
    assert!(!message.contains("secret-a"), "never the secret");

    for token in [Some("another-token"), None] {
        let b = sdk(&server, "ASIAEXAMPLESESSIONB1", "secret-b", token);
        let (code, _) = error_of(b.describe_maintenance_windows().send().await);
        assert_eq!(code, "UnrecognizedClientException", "token {token:?}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_requests_get_the_exact_error_type_status_and_text() {
    let (server, _dir) = strict_server(false).await;
    let addr = server.addr;

    let unsigned = post(addr, "/", &API_HEADERS, b"{}", None).await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(
        unsigned.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
    assert_eq!(
        unsigned.json()["message"],
        "Request is missing Authentication Token"
    );
    assert!(unsigned.header("x-amzn-requestid").is_some());

    let malformed = [
        API_HEADERS[0],
        API_HEADERS[1],
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEACCOUNTA1/20240101/ap-south-1/ssm/aws4_request",
        ),
    ];
    let answer = post(addr, "/", &malformed, b"{}", None).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("IncompleteSignatureException")
    );
    assert_eq!(
        answer.json()["message"],
        "Authorization header requires 'Signature' parameter. \
         Authorization header requires 'SignedHeaders' parameter. \
         Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
         Authorization=AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEACCOUNTA1/20240101/ap-south-1/ssm/aws4_request"
    );

    // Signed ten minutes ago, and ten minutes ahead.
    let body = b"{}";
    for (offset, start, end) in [
        (-600, "Signature expired: ", " - 5 min.)"),
        (600, "Signature not yet current: ", " + 5 min.)"),
    ] {
        let headers = api_headers(addr, body, offset, |h| h);
        let answer = post(addr, "/", &borrow(&headers), body, None).await;
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.header("x-amzn-errortype"),
            Some("InvalidSignatureException")
        );
        let message = answer.json()["message"].as_str().unwrap().to_owned();
        let amz_date = value_of(&headers, "x-amz-date");
        let expected_start = format!("{start}{amz_date} is ");
        assert!(message.starts_with(&expected_start), "{message}");
        assert!(message.ends_with(end), "{message}");
    }

    // Host left out of SignedHeaders.
    let headers = api_headers(addr, body, 0, |authorization| {
        authorization.replace(";host;", ";")
    });
    let answer = post(addr, "/", &borrow(&headers), body, None).await;
    assert_eq!(
        answer.header("x-amzn-errortype"),
        Some("IncompleteSignatureException")
    );
    assert_eq!(
        answer.json()["message"],
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );

    let good = post(addr, "/", &API_HEADERS, body, Some(&key_a())).await;
    assert_eq!(good.status, 200, "{}", good.body);
    server.stop().await.unwrap();
}

/// The API headers of a request to `addr` signed `offset` seconds from
/// now, with its `Authorization` passed through `edit`.
fn api_headers(
    addr: std::net::SocketAddr,
    body: &[u8],
    offset: i64,
    edit: impl Fn(String) -> String,
) -> Vec<(String, String)> {
    let host = addr.to_string();
    let mut to_sign = vec![("host", host.as_str())];
    to_sign.extend(API_HEADERS);
    let when = if offset < 0 {
        SystemTime::now() - Duration::from_secs(offset.unsigned_abs())
    } else {
        SystemTime::now() + Duration::from_secs(offset.unsigned_abs())
    };
    let mut headers: Vec<(String, String)> = API_HEADERS
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    for (name, value) in sign_headers(&key_a(), "POST", "/", &to_sign, body, when).unwrap() {
        let value = if name == "authorization" {
            edit(value)
        } else {
            value
        };
        headers.push((name, value));
    }
    headers
}

fn borrow(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

fn value_of<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_endpoint_is_off_unless_asked_and_signed_in_strict_mode() {
    let (server, _dir) = strict_server(false).await;
    let a = sdk(&server, "AKIAEXAMPLEACCOUNTA1", "secret-a", None);
    let window = create_window(&a, "admin").await;
    let path = format!("/_admin/windows/{window}/run");
    let off = post(server.addr, &path, &[], b"", Some(&key_a())).await;
    assert_eq!(off.status, 404);
    server.stop().await.unwrap();

    let (server, _dir) = strict_server(true).await;
    let a = sdk(&server, "AKIAEXAMPLEACCOUNTA1", "secret-a", None);
    let window = create_window(&a, "admin").await;
    let path = format!("/_admin/windows/{window}/run");
    let unsigned = post(server.addr, &path, &[], b"", None).await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(
        unsigned.json()["__type"],
        "MissingAuthenticationTokenException"
    );
    let other_account = Key {
        access_key_id: "ASIAEXAMPLESESSIONB1".into(),
        secret_access_key: "secret-b".into(),
        session_token: Some("session-token-b".into()),
        region: REGION.into(),
    };
    let elsewhere = post(server.addr, &path, &[], b"", Some(&other_account)).await;
    assert_eq!(elsewhere.json()["__type"], "DoesNotExistException");

    a.update_maintenance_window()
        .window_id(&window)
        .enabled(false)
        .send()
        .await
        .unwrap();
    let disabled = post(server.addr, &path, &[], b"", Some(&key_a())).await;
    assert_eq!(disabled.status, 400);
    assert_eq!(disabled.json()["__type"], "ValidationException");
    let forced_path = format!("{path}?force=true");
    let forced = post(server.addr, &forced_path, &[], b"", Some(&key_a())).await;
    assert_eq!(forced.status, 200, "{}", forced.body);
    let execution = forced.json()["WindowExecutionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = a
        .get_maintenance_window_execution()
        .window_execution_id(&execution)
        .send()
        .await
        .unwrap();
    assert_eq!(got.window_execution_id(), Some(execution.as_str()));
    server.stop().await.unwrap();
}
