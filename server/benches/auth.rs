//! Checking one request's signature (`--auth sigv4`) next to reading its
//! scope in open mode: the per-request cost of strict mode, without HTTP.

use std::time::SystemTime;

use criterion::{criterion_group, criterion_main, Criterion};
use hyper::header::HeaderMap;
use ssm_server::auth::signer::{header_map, sign_headers, Key};
use ssm_server::auth::{Auth, Credentials, Signed};

const BODY: &[u8] = br#"{"WindowId":"mw-0123456789abcdef0"}"#;

/// The headers the AWS SDK for Rust sends with GetMaintenanceWindow.
fn signed_headers(key: &Key) -> HeaderMap {
    let base = [
        ("host", "127.0.0.1:4580"),
        ("content-type", "application/x-amz-json-1.1"),
        ("content-length", "36"),
        ("x-amz-target", "AmazonSSM.GetMaintenanceWindow"),
        (
            "x-amz-user-agent",
            "aws-sdk-rust/1.3.9 ua/2.1 api/ssm/1.100.0 os/linux lang/rust/1.95.0",
        ),
        (
            "amz-sdk-invocation-id",
            "d1c2a6a2-6ed1-4bb5-a0f5-42c1b0b1d0a1",
        ),
        ("amz-sdk-request", "attempt=1; max=1"),
    ];
    let added = sign_headers(key, "POST", "/", &base, BODY, SystemTime::now()).expect("signs");
    header_map(&base, added).expect("valid headers")
}

fn authenticate(c: &mut Criterion) {
    let key = Key {
        access_key_id: "AKIAEXAMPLEACCOUNTA1".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
        region: "us-east-1".into(),
    };
    let strict = Auth::sigv4(
        Credentials::parse(
            "[[credentials]]\naccess_key_id = \"AKIAEXAMPLEACCOUNTA1\"\n\
             secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n\
             account_id = \"111122223333\"\n",
        )
        .expect("credentials"),
    );
    let open = Auth::Open(smithy_runtime::server::OpenIdentity::default());
    let headers = signed_headers(&key);
    let request = Signed {
        method: "POST",
        path: "/",
        query: None,
        headers: &headers,
        body: BODY,
    };
    let mut group = c.benchmark_group("authenticate GetMaintenanceWindow");
    group.bench_function("open", |b| {
        b.iter(|| {
            open.authenticate(&request, chrono::Utc::now())
                .expect("accepted")
        })
    });
    group.bench_function("sigv4", |b| {
        b.iter(|| {
            strict
                .authenticate(&request, chrono::Utc::now())
                .expect("accepted")
        })
    });
    group.finish();
}

criterion_group!(benches, authenticate);
criterion_main!(benches);
