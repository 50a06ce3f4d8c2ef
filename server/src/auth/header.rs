//! Reading a SigV4 `Authorization` header whole, with AWS's complaints
//! about what is missing (strict mode; open mode reads only the credential
//! scope, with the runtime's `scope`). Never panics on any input.

use smithy_runtime::server::{is_region_name, is_separator, Refusal};

use super::refuse;

pub use smithy_runtime::server::SIGV4_ALGORITHM as ALGORITHM;

/// A SigV4 `Authorization` header, taken apart.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization<'a> {
    pub access_key: &'a str,
    /// `YYYYMMDD`, which must be the date of `X-Amz-Date`.
    pub date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// `a;b;c`, lower case, as the client listed them.
    pub signed_headers: &'a str,
    pub signature: &'a str,
}

/// Takes `authorization` apart, or says what AWS says is missing from it.
/// `has_date` tells whether the request carries `X-Amz-Date`, whose absence
/// AWS reports together with the header's own gaps.
pub fn parse(authorization: &str, has_date: bool) -> Result<Authorization<'_>, Refusal> {
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    // A header of another scheme has none of the three.
    if let Some(rest) = authorization
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_whitespace()))
    {
        for part in parts(rest) {
            let Some((name, value)) = part.split_once('=') else {
                return Err(refuse::incomplete(format!(
                    "'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'."
                )));
            };
            match name {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature), true) =
        (credential, signed_headers, signature, has_date)
    else {
        let mut message = String::new();
        for (missing, what) in [
            (credential.is_none(), "requires 'Credential' parameter"),
            (signature.is_none(), "requires 'Signature' parameter"),
            (
                signed_headers.is_none(),
                "requires 'SignedHeaders' parameter",
            ),
            (
                !has_date,
                "requires existence of either a 'X-Amz-Date' or a 'Date' header",
            ),
        ] {
            if missing {
                message.push_str("Authorization header ");
                message.push_str(what);
                message.push_str(". ");
            }
        }
        message.push_str("Authorization=");
        message.push_str(authorization);
        return Err(refuse::incomplete(message));
    };
    let mut parts = credential.split('/');
    let (Some(access_key), Some(date), Some(region), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(refuse::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    if terminator != "aws4_request" {
        return Err(refuse::invalid_signature(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )));
    }
    if !is_region_name(region) {
        return Err(Refusal::invalid_region());
    }
    Ok(Authorization {
        access_key,
        date,
        region,
        service,
        signed_headers,
        signature,
    })
}

/// The non-empty pieces of `rest` between commas and whitespace: AWS
/// separates the parts by either, so a space inside one splits it. Scans
/// bytes, as this runs on every request in strict mode.
fn parts(rest: &str) -> impl Iterator<Item = &str> {
    let bytes = rest.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() && is_separator(bytes[at]) {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && !is_separator(bytes[at]) {
            at += 1;
        }
        // Separators are ASCII, so both ends fall between characters.
        (at > start).then(|| &rest[start..at])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK_HEADER: &str =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240312/us-east-2/ssm/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=39c3b3042cd2aEXAMPLE";

    #[test]
    fn parses_what_sdks_send() {
        let parsed = parse(SDK_HEADER, true).expect("parses");
        assert_eq!(
            parsed,
            Authorization {
                access_key: "AKIAIOSFODNN7EXAMPLE",
                date: "20240312",
                region: "us-east-2",
                service: "ssm",
                signed_headers: "content-type;host;x-amz-date;x-amz-target",
                signature: "39c3b3042cd2aEXAMPLE",
            }
        );
    }

    #[test]
    fn says_everything_that_is_missing_at_once() {
        let refusal = parse("Bearer abc", false).expect_err("refused");
        assert_eq!(refusal.code, "IncompleteSignatureException");
        assert_eq!(
            refusal.message,
            "Authorization header requires 'Credential' parameter. \
             Authorization header requires 'Signature' parameter. \
             Authorization header requires 'SignedHeaders' parameter. \
             Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. \
             Authorization=Bearer abc"
        );
        let refusal = parse(
            "AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/ssm/aws4_request, Signature=ab",
            true,
        )
        .expect_err("refused");
        assert_eq!(
            refusal.message,
            "Authorization header requires 'SignedHeaders' parameter. Authorization=\
             AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/ssm/aws4_request, Signature=ab"
        );
    }

    #[test]
    fn refuses_malformed_parts_in_aws_words() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID /20240101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=ab";
        let refusal = parse(header, true).expect_err("refused");
        assert_eq!(refusal.code, "IncompleteSignatureException");
        assert_eq!(
            refusal.message,
            format!("'/20240101/us-east-1/ssm/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.")
        );
        let refusal = parse(
            "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/ssm, SignedHeaders=host, Signature=ab",
            true,
        )
        .expect_err("refused");
        assert!(
            refusal.message.starts_with(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/us-east-1/ssm'"
            ),
            "{}",
            refusal.message
        );
        let refusal = parse(
            "AWS4-HMAC-SHA256 Credential=AKID/20240101/mars-1/ssm/aws4_request, SignedHeaders=host, Signature=ab",
            true,
        )
        .expect_err("refused");
        assert_eq!(
            refusal.message,
            "Credential should be scoped to a valid region."
        );
    }
}
