//! Reading the region out of a SigV4 `Authorization` header. Signatures are
//! not checked; a header of any shape is accepted and never causes a panic.

/// The region of `Credential=AKID/20240312/us-east-2/ssm/aws4_request`.
pub fn region(authorization: &str) -> Option<&str> {
    let credential = authorization
        .split([',', ' '])
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))?;
    let mut scope = credential.split('/');
    let (_key, _date, region) = (scope.next()?, scope.next()?, scope.next()?);
    let valid = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    valid.then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_credential_scope_region() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240312/us-east-2/ssm/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=39c3b3042cd2aEXAMPLE";
        assert_eq!(region(header), Some("us-east-2"));
    }

    #[test]
    fn odd_headers_give_none() {
        for header in [
            "",
            "Basic abc",
            "AWS4-HMAC-SHA256 Credential=",
            "Credential=a/b",
            "Credential=a/b/../c",
            "Credential=a/b/\u{e9}/x",
        ] {
            assert_eq!(region(header), None, "{header:?}");
        }
    }
}
