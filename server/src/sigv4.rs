//! Reading the region out of a SigV4 `Authorization` header. Signatures are
//! not checked; a header of any shape is accepted and never causes a panic.

/// The region a request's credential scope names.
#[derive(Debug, PartialEq, Eq)]
pub enum ScopeRegion<'a> {
    /// No `Credential=key/date/region/…` to read one from.
    Absent,
    Valid(&'a str),
    /// A scope whose region is no Region name. Each Region is a scope of its
    /// own in the store, so accepting any string would let clients create
    /// scopes without end.
    Invalid,
}

/// The region of `Credential=AKID/20240312/us-east-2/ssm/aws4_request`.
///
/// Runs on every request, so it scans bytes rather than splitting the
/// header into pieces.
pub fn region(authorization: &str) -> ScopeRegion<'_> {
    const KEY: &str = "Credential=";
    let is_separator = |b: u8| b == b',' || b.is_ascii_whitespace();
    let bytes = authorization.as_bytes();
    // Where every SDK puts it; searching is for other layouts.
    let mut from = match authorization.strip_prefix("AWS4-HMAC-SHA256 ") {
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
            return ScopeRegion::Absent;
        };
        let at = from + found;
        if at == 0 || is_separator(bytes[at - 1]) {
            let rest = &authorization[at + KEY.len()..];
            let end = rest.bytes().position(is_separator).unwrap_or(rest.len());
            break &rest[..end];
        }
        from = at + KEY.len();
    };
    let mut scope = credential.split('/');
    let (Some(_key), Some(_date), Some(region)) = (scope.next(), scope.next(), scope.next()) else {
        return ScopeRegion::Absent;
    };
    if is_region_name(region) {
        ScopeRegion::Valid(region)
    } else {
        ScopeRegion::Invalid
    }
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
    fn finds_the_credential_scope_region() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240312/us-east-2/ssm/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=39c3b3042cd2aEXAMPLE";
        assert_eq!(region(header), ScopeRegion::Valid("us-east-2"));
        let tight = "AWS4-HMAC-SHA256\tCredential=AKID/20240312/eu-west-1/ssm/aws4_request,SignedHeaders=host";
        assert_eq!(region(tight), ScopeRegion::Valid("eu-west-1"));
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
            assert_eq!(region(header), ScopeRegion::Absent, "{header:?}");
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
            assert_eq!(region(header), ScopeRegion::Invalid, "{header:?}");
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
}
