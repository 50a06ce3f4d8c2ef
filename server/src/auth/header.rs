//! Reading a SigV4 `Authorization` header: quickly for its credential scope
//! alone ([`scope`], open mode), or whole, with AWS's complaints about
//! what is missing ([`parse`], strict mode). Neither panics on any input.

use super::Refusal;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The credential scope a request names, as open mode reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// No `Credential=key/date/region/…` to read one from.
    Absent,
    Valid {
        access_key: &'a str,
        region: &'a str,
    },
    /// A scope whose region is no Region name. Each Region is a scope of its
    /// own in the store, so accepting any string would let clients create
    /// scopes without end.
    Invalid,
}

/// The access key and region of
/// `Credential=AKID/20240312/us-east-2/ssm/aws4_request`.
///
/// Runs on every request in open mode, so it scans bytes rather than
/// splitting the header into pieces.
pub fn scope(authorization: &str) -> Scope<'_> {
    const KEY: &str = "Credential=";
    let bytes = authorization.as_bytes();
    // Where every SDK puts it; searching is for other layouts.
    let mut from = match authorization
        .strip_prefix(ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
    {
        Some(rest) if rest.starts_with(KEY) => authorization.len() - rest.len(),
        _ => 0,
    };
    let credential = loop {
        let rest = &authorization[from..];
        let found = if rest.starts_with(KEY) {
            0
        } else if let Some(found) = rest.find(KEY) {
            found
        } else {
            return Scope::Absent;
        };
        let at = from + found;
        if at == 0 || is_separator(bytes[at - 1]) {
            let rest = &authorization[at + KEY.len()..];
            let end = rest.bytes().position(is_separator).unwrap_or(rest.len());
            break &rest[..end];
        }
        from = at + KEY.len();
    };
    let mut parts = credential.split('/');
    let (Some(access_key), Some(_date), Some(region)) = (parts.next(), parts.next(), parts.next())
    else {
        return Scope::Absent;
    };
    if is_region_name(region) {
        Scope::Valid { access_key, region }
    } else {
        Scope::Invalid
    }
}

fn is_separator(b: u8) -> bool {
    b == b',' || b.is_ascii_whitespace()
}

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
                return Err(Refusal::incomplete(format!(
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
        return Err(Refusal::incomplete(message));
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
        return Err(Refusal::incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
        )));
    };
    if terminator != "aws4_request" {
        return Err(Refusal::invalid_signature(format!(
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

/// Whether `name` has the form of an AWS Region name,
/// `^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$` (`us-east-1`, `us-gov-west-1`,
/// `us-isob-east-1`, `cn-north-1`). The form, not a list, so that Regions
/// AWS opens later work without a release.
pub fn is_region_name(name: &str) -> bool {
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    if name.len() > 32 {
        return false;
    }
    let mut parts = name.split('-');
    let parts = [
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ];
    let (country, area, number, partition) = match parts {
        [Some(country), Some(area), Some(number), None, None] => (country, area, number, None),
        [Some(country), Some(partition), Some(area), Some(number), None] => {
            (country, area, number, Some(partition))
        }
        _ => return false,
    };
    country.len() == 2
        && lower(country)
        && partition.is_none_or(|p| p == "gov" || (p.starts_with("iso") && lower(p)))
        && lower(area)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK_HEADER: &str =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240312/us-east-2/ssm/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=39c3b3042cd2aEXAMPLE";

    #[test]
    fn finds_the_credential_scope() {
        assert_eq!(
            scope(SDK_HEADER),
            Scope::Valid {
                access_key: "AKIAIOSFODNN7EXAMPLE",
                region: "us-east-2"
            }
        );
        let tight = "AWS4-HMAC-SHA256\tCredential=AKID/20240312/eu-west-1/ssm/aws4_request,SignedHeaders=host";
        assert_eq!(
            scope(tight),
            Scope::Valid {
                access_key: "AKID",
                region: "eu-west-1"
            }
        );
    }

    #[test]
    fn headers_without_a_scope_give_absent() {
        for header in [
            "",
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=",
            "Credential=a/b",
            "AWS4-HMAC-SHA256 XCredential=a/b/us-east-1/ssm",
        ] {
            assert_eq!(scope(header), Scope::Absent, "{header:?}");
        }
    }

    #[test]
    fn scopes_with_odd_regions_are_invalid() {
        for header in [
            "Credential=a/b/../c",
            "Credential=a/b/\u{e9}/x",
            "Credential=a/b//x",
            "Credential=a/b/not-a-region/ssm",
            "Credential=a/b/US-EAST-1/ssm",
            "Credential=a/b/us-east-1x/ssm",
        ] {
            assert_eq!(scope(header), Scope::Invalid, "{header:?}");
        }
    }

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

    #[test]
    fn region_names_of_every_partition_are_accepted() {
        for name in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-4",
            "us-gov-west-1",
            "cn-north-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
        ] {
            assert!(is_region_name(name), "{name}");
        }
        for name in [
            "",
            "us",
            "us-east",
            "useast-1",
            "us-east-",
            "u-east-1",
            "us-foo-east-1",
            "us-east-1-1",
        ] {
            assert!(!is_region_name(name), "{name}");
        }
    }
}
