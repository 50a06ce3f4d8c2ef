//! Requests signed by the AWS SDK's own signer ([`super::signer`]) checked
//! by the server's verifier, and each way of getting it wrong.

use std::time::{Duration, SystemTime};

use hyper::header::{HeaderMap, HeaderValue};

use super::signer::{header_map, sign_headers_with, Key, Payload};
use super::*;

const CREDENTIALS: &str = r#"
[[credentials]]
access_key_id = "AKIAEXAMPLEACCOUNTA1"
secret_access_key = "secret/A+key"
account_id = "111122223333"

[[credentials]]
access_key_id = "ASIAEXAMPLESESSIONB1"
secret_access_key = "secret-b"
account_id = "444455556666"
session_token = "session-token-b"
"#;

const BODY: &[u8] = br#"{"WindowId":"mw-0123456789abcdef0"}"#;

fn strict() -> Auth {
    Auth::sigv4(Credentials::parse(CREDENTIALS).expect("credentials parse"))
}

fn key_a() -> Key {
    Key {
        access_key_id: "AKIAEXAMPLEACCOUNTA1".into(),
        secret_access_key: "secret/A+key".into(),
        session_token: None,
        region: "eu-west-3".into(),
    }
}

fn signed_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_710_000_000)
}

/// The headers an SDK would send for `POST path_and_query` with `BODY`.
fn signed(key: &Key, path_and_query: &str) -> HeaderMap {
    signed_with(key, path_and_query, Payload::Hashed)
}

/// [`signed`], covering the body as `payload` says.
fn signed_with(key: &Key, path_and_query: &str, payload: Payload) -> HeaderMap {
    let base = [
        ("host", "127.0.0.1:4580"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "AmazonSSM.GetMaintenanceWindow"),
    ];
    let time = signed_at();
    let added = sign_headers_with(key, "POST", path_and_query, &base, BODY, time, payload)
        .expect("the SDK's signer signs");
    header_map(&base, added).expect("valid headers")
}

fn check<'a>(
    auth: &'a Auth,
    headers: &'a HeaderMap,
    path_and_query: &'a str,
    body: &'a [u8],
    now: SystemTime,
) -> Result<Caller<'a>, Refusal> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    auth.authenticate(
        &Signed {
            method: "POST",
            path,
            query,
            headers,
            body,
        },
        now.into(),
    )
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    headers.insert(name, HeaderValue::from_str(value).unwrap());
}

#[test]
fn a_request_the_sdk_signed_is_accepted_in_its_account_and_region() {
    let auth = strict();
    let headers = signed(&key_a(), "/");
    assert_eq!(
        check(&auth, &headers, "/", BODY, signed_at()),
        Ok(Caller {
            account: "111122223333",
            region: "eu-west-3"
        })
    );
    let with_query = "/_admin/windows/mw-0123456789abcdef0/run?region=eu-west-3&force=true";
    let headers = signed(&key_a(), with_query);
    assert!(check(&auth, &headers, with_query, BODY, signed_at()).is_ok());
}

#[test]
fn a_session_token_must_be_the_configured_one() {
    let auth = strict();
    let mut key = Key {
        access_key_id: "ASIAEXAMPLESESSIONB1".into(),
        secret_access_key: "secret-b".into(),
        session_token: Some("session-token-b".into()),
        region: "us-east-1".into(),
    };
    let headers = signed(&key, "/");
    assert_eq!(
        check(&auth, &headers, "/", BODY, signed_at()).map(|c| c.account),
        Ok("444455556666")
    );
    key.session_token = Some("another-token".into());
    let headers = signed(&key, "/");
    assert_eq!(
        check(&auth, &headers, "/", BODY, signed_at()),
        Err(refuse::unrecognized_client())
    );
    key.session_token = None;
    let headers = signed(&key, "/");
    assert_eq!(
        check(&auth, &headers, "/", BODY, signed_at()),
        Err(refuse::unrecognized_client())
    );
    // A token where none is configured.
    let headers = signed(
        &Key {
            session_token: Some("x".into()),
            ..key_a()
        },
        "/",
    );
    assert_eq!(
        check(&auth, &headers, "/", BODY, signed_at()),
        Err(refuse::unrecognized_client())
    );
}

#[test]
fn an_unknown_access_key_is_an_unrecognized_client() {
    let headers = signed(
        &Key {
            access_key_id: "AKIANOBODY".into(),
            ..key_a()
        },
        "/",
    );
    let refusal = check(&strict(), &headers, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(refusal.code, "UnrecognizedClientException");
    assert_eq!(
        refusal.message,
        "The security token included in the request is invalid."
    );
}

#[test]
fn a_wrong_secret_or_a_changed_request_gets_aws_long_message() {
    let auth = strict();
    let wrong_secret = signed(
        &Key {
            secret_access_key: "not-the-secret".into(),
            ..key_a()
        },
        "/",
    );
    let refusal = check(&auth, &wrong_secret, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(refusal.code, "InvalidSignatureException");
    assert_eq!(refusal.status, 400);
    let amz_date = wrong_secret["x-amz-date"].to_str().unwrap();
    let expected_start = format!(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
         The Canonical String for this request should have been\n'POST\n/\n\n\
         content-type:application/x-amz-json-1.1\nhost:127.0.0.1:4580\nx-amz-date:{amz_date}\n\
         x-amz-target:AmazonSSM.GetMaintenanceWindow\n\n\
         content-type;host;x-amz-date;x-amz-target\n{}'\n\n\
         The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n{amz_date}\n{}/eu-west-3/ssm/aws4_request\n",
        canonical::sha256_hex(BODY),
        &amz_date[..8],
    );
    assert!(
        refusal.message.starts_with(&expected_start),
        "{}",
        refusal.message
    );

    let good = signed(&key_a(), "/");
    assert!(
        check(&auth, &good, "/", b"{}", signed_at()).is_err(),
        "body changed"
    );
    let mut retargeted = good.clone();
    set(
        &mut retargeted,
        "x-amz-target",
        "AmazonSSM.DeleteMaintenanceWindow",
    );
    assert!(check(&auth, &retargeted, "/", BODY, signed_at()).is_err());
    assert!(
        check(&auth, &good, "/?extra=1", BODY, signed_at()).is_err(),
        "query added"
    );
    // An unsigned header may change: proxies add them.
    let mut extra = good.clone();
    set(&mut extra, "user-agent", "something else");
    assert!(check(&auth, &extra, "/", BODY, signed_at()).is_ok());
}

#[test]
fn a_signature_is_good_for_five_minutes_either_side() {
    let auth = strict();
    let headers = signed(&key_a(), "/");
    let minutes = |m: u64| Duration::from_secs(60 * m);
    assert!(check(&auth, &headers, "/", BODY, signed_at() + minutes(5)).is_ok());
    assert!(check(&auth, &headers, "/", BODY, signed_at() - minutes(5)).is_ok());
    // 1710000000 is 2024-03-09T16:00:00Z.
    let late = check(&auth, &headers, "/", BODY, signed_at() + minutes(6)).expect_err("expired");
    assert_eq!(
        late,
        refuse::invalid_signature(
            "Signature expired: 20240309T160000Z is now earlier than 20240309T160100Z (20240309T160600Z - 5 min.)"
                .into()
        )
    );
    let early = check(&auth, &headers, "/", BODY, signed_at() - minutes(6)).expect_err("future");
    assert_eq!(
        early,
        refuse::invalid_signature(
            "Signature not yet current: 20240309T160000Z is still later than 20240309T155900Z (20240309T155400Z + 5 min.)"
                .into()
        )
    );
}

#[test]
fn missing_and_malformed_headers_are_refused_in_aws_words() {
    let auth = strict();
    let none = HeaderMap::new();
    assert_eq!(
        check(&auth, &none, "/", BODY, signed_at()),
        Err(refuse::missing_token())
    );

    let good = signed(&key_a(), "/");
    let authorization = good["authorization"].to_str().unwrap().to_owned();
    let mut without_host = good.clone();
    set(
        &mut without_host,
        "authorization",
        &authorization.replace("content-type;host;", "content-type;"),
    );
    let refusal = check(&auth, &without_host, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(
        refusal.message,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );

    let mut other_service = good.clone();
    set(
        &mut other_service,
        "authorization",
        &authorization.replace("/ssm/", "/ec2/"),
    );
    let refusal = check(&auth, &other_service, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(
        refusal.message,
        "Credential should be scoped to correct service: 'ssm'. "
    );

    let mut bad_date = good.clone();
    set(&mut bad_date, "x-amz-date", "2024-03-09T16:00:00Z");
    let refusal = check(&auth, &bad_date, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(refusal.code, "IncompleteSignatureException");
    assert!(refusal
        .message
        .starts_with("Date must be in ISO-8601 'basic format'. Got '2024-03-09T16:00:00Z'."));

    let mut other_day = good.clone();
    set(&mut other_day, "x-amz-date", "20240310T000100Z");
    let refusal = check(&auth, &other_day, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(
        refusal.message,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
         '20240309' != '20240310', from '20240310T000100Z'."
    );

    let mut no_date = good;
    no_date.remove("x-amz-date");
    let refusal = check(&auth, &no_date, "/", BODY, signed_at()).expect_err("refused");
    assert_eq!(refusal.code, "IncompleteSignatureException");
    assert!(refusal
        .message
        .starts_with("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "));
}

#[test]
fn open_mode_takes_the_account_from_a_twelve_digit_key() {
    let auth = Auth::Open(OpenIdentity::default());
    let as_account = signed(
        &Key {
            access_key_id: "999988887777".into(),
            ..key_a()
        },
        "/",
    );
    // Signatures are not checked: a wrong one is as good.
    assert_eq!(
        check(&auth, &as_account, "/", b"other body", signed_at()),
        Ok(Caller {
            account: "999988887777",
            region: "eu-west-3"
        })
    );
    let named_key = signed(&key_a(), "/");
    assert_eq!(
        check(&auth, &named_key, "/", BODY, signed_at()).map(|c| c.account),
        Ok("123456789012")
    );
    assert_eq!(
        check(&auth, &HeaderMap::new(), "/", BODY, signed_at()),
        Ok(Caller {
            account: "123456789012",
            region: "us-east-1"
        })
    );
    let mut odd_region = HeaderMap::new();
    set(
        &mut odd_region,
        "authorization",
        "AWS4-HMAC-SHA256 Credential=k/20240101/moon-base/ssm/aws4_request",
    );
    assert_eq!(
        check(&auth, &odd_region, "/", BODY, signed_at()),
        Err(Refusal::invalid_region())
    );
}

#[test]
fn a_payload_hash_in_x_amz_content_sha256_must_be_the_bodys() {
    let auth = strict();
    let stated = signed_with(&key_a(), "/", Payload::HashInHeader);
    assert!(stated.contains_key("x-amz-content-sha256"));
    assert!(check(&auth, &stated, "/", BODY, signed_at()).is_ok());
    assert_eq!(
        check(&auth, &stated, "/", b"{}", signed_at()),
        Err(refuse::invalid_signature(
            "The provided 'x-amz-content-sha256' header does not match what was computed.".into()
        ))
    );
    // The client's choice: an unsigned body is not covered by the signature.
    let unsigned = signed_with(&key_a(), "/", Payload::Unsigned);
    assert_eq!(unsigned["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    assert!(check(&auth, &unsigned, "/", b"{}", signed_at()).is_ok());
}
