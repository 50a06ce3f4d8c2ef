//! Who is calling, and in which Region: the account and Region every item
//! belongs to come from here.
//!
//! - **open** (the default): any signature is accepted, as LocalStack and
//!   moto do. The account is the access key id when that is 12 digits,
//!   else `--account-id`; the Region comes from the credential scope.
//! - **sigv4**: every request must carry a valid Signature Version 4 made
//!   with a key from `--credentials`, answered with AWS's own errors when
//!   it does not.

mod canonical;
pub mod credentials;
pub mod header;
pub mod signer;
mod signing_keys;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use hyper::header::AUTHORIZATION;
use sha2::Sha256;
use smithy_runtime::server::{Identify, OpenIdentity};
use subtle::ConstantTimeEq;

pub use credentials::{Credential, Credentials};
pub use signing_keys::SigningKeys;
pub use smithy_runtime::server::{is_account_id, Caller, Refusal, Signed};

/// The signing name of the service in credential scopes.
pub const SERVICE: &str = "ssm";

/// How far a request's `X-Amz-Date` may be from the server's clock.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

const AMZ_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

pub enum Auth {
    Open(OpenIdentity),
    Sigv4 {
        credentials: Credentials,
        keys: SigningKeys,
    },
}

/// AWS's refusals of a request's credentials, each a 400.
pub mod refuse {
    use super::Refusal;

    pub fn missing_token() -> Refusal {
        Refusal::new(
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token",
        )
    }

    pub fn incomplete(message: String) -> Refusal {
        Refusal::new("IncompleteSignatureException", message)
    }

    pub fn invalid_signature(message: String) -> Refusal {
        Refusal::new("InvalidSignatureException", message)
    }

    /// Both an unknown access key and a wrong session token.
    pub fn unrecognized_client() -> Refusal {
        Refusal::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }
}

impl Auth {
    /// The caller of `request` at `now`, or why it is refused.
    pub fn authenticate<'a>(
        &'a self,
        request: &Signed<'a>,
        now: DateTime<Utc>,
    ) -> Result<Caller<'a>, Refusal> {
        match self {
            Auth::Open(open) => open.identify(request),
            Auth::Sigv4 { credentials, keys } => {
                let authorization = request
                    .headers
                    .get(AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(refuse::missing_token)?;
                verify(credentials, keys, authorization, request, now)
            }
        }
    }

    /// Strict mode accepting `credentials`.
    pub fn sigv4(credentials: Credentials) -> Self {
        Auth::Sigv4 {
            credentials,
            keys: SigningKeys::default(),
        }
    }
}

/// What the router asks of every request: signatures are dated by the wall
/// clock, not the scheduler's (which tests may move).
impl Identify for Auth {
    fn identify<'a>(&'a self, request: &Signed<'a>) -> Result<Caller<'a>, Refusal> {
        self.authenticate(request, Utc::now())
    }
}

fn verify<'a>(
    credentials: &'a Credentials,
    keys: &SigningKeys,
    authorization: &'a str,
    request: &Signed<'a>,
    now: DateTime<Utc>,
) -> Result<Caller<'a>, Refusal> {
    let amz_date = request
        .headers
        .get("x-amz-date")
        .map(|v| v.to_str().unwrap_or_default());
    let parsed = header::parse(authorization, amz_date.is_some())?;
    let amz_date = amz_date.unwrap_or_default();
    let signed = |name: &str| parsed.signed_headers.split(';').any(|h| h == name);
    if !signed("host") {
        return Err(refuse::incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into(),
        ));
    }
    if !signed("x-amz-date") {
        return Err(refuse::incomplete(
            "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.".into(),
        ));
    }
    if parsed.service != SERVICE {
        return Err(refuse::invalid_signature(format!(
            "Credential should be scoped to correct service: '{SERVICE}'. "
        )));
    }
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        refuse::incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ))
    })?;
    if parsed.date != &amz_date[..8] {
        return Err(refuse::invalid_signature(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            parsed.date,
            &amz_date[..8]
        )));
    }
    check_skew(amz_date, signed_at, now)?;
    let credential = credentials
        .get(parsed.access_key)
        .ok_or_else(refuse::unrecognized_client)?;
    let token = request
        .headers
        .get("x-amz-security-token")
        .map(|v| v.as_bytes());
    let token_matches = match (credential.session_token.as_deref(), token) {
        (None, None) => true,
        (Some(expected), Some(sent)) => bool::from(expected.as_bytes().ct_eq(sent)),
        _ => false,
    };
    if !token_matches {
        return Err(refuse::unrecognized_client());
    }
    let canonical_request = canonical::canonical_request(&canonical::Request {
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        signed_headers: parsed.signed_headers,
        payload: payload(request)?,
    });
    let scope = format!(
        "{}/{}/{}/aws4_request",
        parsed.date, parsed.region, parsed.service
    );
    let string_to_sign = canonical::string_to_sign(amz_date, &scope, &canonical_request);
    let key = keys.get(
        credential,
        parsed.date,
        signed_at,
        parsed.region,
        parsed.service,
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    // `verify_slice` compares in constant time.
    let mut provided = [0u8; 32];
    let matches = hex::decode_to_slice(parsed.signature, &mut provided).is_ok()
        && mac.verify_slice(&provided).is_ok();
    if !matches {
        return Err(refuse::invalid_signature(format!(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
             The Canonical String for this request should have been\n'{canonical_request}'\n\n\
             The String-to-Sign should have been\n'{string_to_sign}'\n"
        )));
    }
    Ok(Caller {
        account: &credential.account_id,
        region: parsed.region,
    })
}

/// The payload line of the canonical request: the hash the client stated
/// in `X-Amz-Content-Sha256`, which must be the body's unless it is
/// `UNSIGNED-PAYLOAD`, or else the body's hash.
fn payload<'a>(request: &Signed<'a>) -> Result<canonical::Payload<'a>, Refusal> {
    const UNSIGNED: &str = "UNSIGNED-PAYLOAD";
    let Some(stated) = request.headers.get("x-amz-content-sha256") else {
        return Ok(canonical::Payload::Body(request.body));
    };
    let stated = stated.to_str().unwrap_or_default();
    if stated != UNSIGNED && stated != canonical::sha256_hex(request.body) {
        return Err(refuse::invalid_signature(
            "The provided 'x-amz-content-sha256' header does not match what was computed.".into(),
        ));
    }
    Ok(canonical::Payload::Stated(stated))
}

/// `YYYYMMDDTHHMMSSZ`, the one form SigV4 dates take.
fn parse_amz_date(value: &str) -> Option<DateTime<Utc>> {
    let bytes = value.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        bytes[from..to].iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(4, 6)?, number(6, 8)?)?;
    let time = date.and_hms_opt(number(9, 11)?, number(11, 13)?, number(13, 15)?)?;
    Some(time.and_utc())
}

/// AWS's rule: a signature is good for five minutes either side of the
/// server's clock.
fn check_skew(amz_date: &str, signed_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), Refusal> {
    let skew = chrono::TimeDelta::from_std(MAX_SKEW).expect("five minutes fit");
    let format = |t: DateTime<Utc>| t.format(AMZ_DATE_FORMAT).to_string();
    if signed_at < now - skew {
        return Err(refuse::invalid_signature(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            format(now - skew),
            format(now)
        )));
    }
    if signed_at > now + skew {
        return Err(refuse::invalid_signature(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            format(now + skew),
            format(now)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
