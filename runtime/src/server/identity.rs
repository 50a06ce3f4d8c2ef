//! Who calls, and in which Region: every item a service keeps belongs to an
//! account and a Region, and they come from here.
//!
//! [`OpenIdentity`] accepts any signature, as local emulators do, reading
//! the credential scope for the Region and a 12-digit access key id for the
//! account. A server that checks signatures implements [`Identify`] itself.

use hyper::header::{HeaderMap, AUTHORIZATION};

/// The SigV4 algorithm name, which starts an `Authorization` header.
pub const SIGV4_ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The account and Region a request acts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// The parts of a request a signature covers.
pub struct Signed<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Why a request was turned away, as AWS's request layer answers it.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    /// A 400 with `code` and `message`, as AWS answers every refusal of a
    /// request's credentials.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            code,
            message: message.into(),
        }
    }

    /// AWS's text quotes the region; this does not, since it is whatever
    /// the client sent.
    pub fn invalid_region() -> Self {
        Self::new(
            "InvalidSignatureException",
            "Credential should be scoped to a valid region.",
        )
    }
}

/// Decides who a request comes from, or refuses it.
pub trait Identify: Send + Sync + 'static {
    fn identify<'a>(&'a self, request: &Signed<'a>) -> Result<Caller<'a>, Refusal>;
}

/// Any signature is good: the account is the access key id when that is 12
/// digits, else `default_account`; the Region is the credential scope's,
/// else `default_region`.
#[derive(Clone, Debug)]
pub struct OpenIdentity {
    pub default_account: String,
    pub default_region: String,
}

impl Default for OpenIdentity {
    /// AWS's documentation account and first Region.
    fn default() -> Self {
        Self {
            default_account: "123456789012".into(),
            default_region: "us-east-1".into(),
        }
    }
}

impl Identify for OpenIdentity {
    fn identify<'a>(&'a self, request: &Signed<'a>) -> Result<Caller<'a>, Refusal> {
        let authorization = request
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        match authorization.map_or(Scope::Absent, scope) {
            Scope::Valid { access_key, region } => Ok(Caller {
                account: if is_account_id(access_key) {
                    access_key
                } else {
                    &self.default_account
                },
                region,
            }),
            Scope::Absent => Ok(Caller {
                account: &self.default_account,
                region: &self.default_region,
            }),
            Scope::Invalid => Err(Refusal::invalid_region()),
        }
    }
}

/// The credential scope a request names.
#[derive(Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// No `Credential=key/date/region/…` to read one from.
    Absent,
    Valid {
        access_key: &'a str,
        region: &'a str,
    },
    /// A scope whose region is no Region name. A service keeps each Region
    /// apart, so accepting any string would let clients make scopes without
    /// end.
    Invalid,
}

/// The access key and region of
/// `Credential=AKID/20240312/us-east-2/ssm/aws4_request`.
///
/// Runs on every request, so it scans bytes rather than splitting the
/// header into pieces. Never panics, whatever the header.
pub fn scope(authorization: &str) -> Scope<'_> {
    const KEY: &str = "Credential=";
    let bytes = authorization.as_bytes();
    // Where every SDK puts it; searching is for other layouts.
    let mut from = match authorization
        .strip_prefix(SIGV4_ALGORITHM)
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

/// What separates the parts of an `Authorization` header: AWS accepts
/// commas and whitespace alike.
pub fn is_separator(b: u8) -> bool {
    b == b',' || b.is_ascii_whitespace()
}

/// An AWS account id: twelve digits.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
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

    #[test]
    fn finds_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240312/us-east-2/ssm/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=39c3b3042cd2aEXAMPLE";
        assert_eq!(
            scope(header),
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

    #[test]
    fn open_identity_takes_the_account_from_a_twelve_digit_key() {
        let open = OpenIdentity::default();
        let headers = |authorization: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, authorization.parse().unwrap());
            headers
        };
        let signed = |headers: &HeaderMap| -> Result<(String, String), Refusal> {
            let request = Signed {
                method: "POST",
                path: "/",
                query: None,
                headers,
                body: b"",
            };
            open.identify(&request)
                .map(|c| (c.account.to_owned(), c.region.to_owned()))
        };
        let pair = |a: &str, r: &str| Ok((a.to_owned(), r.to_owned()));
        let account =
            headers("AWS4-HMAC-SHA256 Credential=999988887777/20240101/eu-west-3/ssm/aws4_request");
        assert_eq!(signed(&account), pair("999988887777", "eu-west-3"));
        let named =
            headers("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-3/ssm/aws4_request");
        assert_eq!(signed(&named), pair("123456789012", "eu-west-3"));
        assert_eq!(signed(&HeaderMap::new()), pair("123456789012", "us-east-1"));
        let odd = headers("AWS4-HMAC-SHA256 Credential=k/20240101/moon-base/ssm/aws4_request");
        assert_eq!(signed(&odd), Err(Refusal::invalid_region()));
    }
}
