//! The client's side: signing a request as AWS's SDKs do, with the SDK's own
//! signer (`aws-sigv4`), for the tools and tests that talk to ssm-server
//! without an SDK (raw HTTP, the load generator, the admin endpoint). Being
//! another implementation than the server's, it also checks it.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings,
};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};

/// Who signs, and for which Region.
#[derive(Clone, Debug)]
pub struct Key {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: String,
}

/// How the body is covered, as SDKs may choose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Payload {
    /// Hashed into the signature (what AWS's SDKs do for JSON services).
    #[default]
    Hashed,
    /// Hashed, and the hash sent as `X-Amz-Content-Sha256` (S3's way).
    HashInHeader,
    /// `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD`: the body is not covered.
    Unsigned,
}

/// The headers that sign a request (`authorization`, `x-amz-date`, and
/// `x-amz-security-token` with a session token), to be added to the ones
/// given here, which must be all the request sends (`host` among them).
pub fn sign_headers(
    key: &Key,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    sign_headers_with(
        key,
        method,
        path_and_query,
        headers,
        body,
        time,
        Payload::Hashed,
    )
}

/// [`sign_headers`], covering the body as `payload` says.
pub fn sign_headers_with(
    key: &Key,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
    payload: Payload,
) -> Result<Vec<(String, String)>, String> {
    let identity: Identity = Credentials::new(
        &key.access_key_id,
        &key.secret_access_key,
        key.session_token.clone(),
        None,
        "ssm-server-signer",
    )
    .into();
    let mut settings = SigningSettings::default();
    if payload != Payload::Hashed {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let signable_body = match payload {
        Payload::Unsigned => SignableBody::UnsignedPayload,
        _ => SignableBody::Bytes(body),
    };
    let params = SigningParams::builder()
        .identity(&identity)
        .region(&key.region)
        .name(super::SERVICE)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new(
        method,
        path_and_query,
        headers.iter().copied(),
        signable_body,
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect())
}

/// `headers` and the signing headers `added` to them, as a request
/// carries them.
pub fn header_map(
    headers: &[(&str, &str)],
    added: Vec<(String, String)>,
) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    let given = headers.iter().map(|(n, v)| (n.to_string(), v.to_string()));
    for (name, value) in given.chain(added) {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?,
            HeaderValue::from_str(&value).map_err(|e| e.to_string())?,
        );
    }
    Ok(map)
}
