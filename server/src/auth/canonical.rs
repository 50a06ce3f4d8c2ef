//! The canonical request and string to sign of Signature Version 4, built
//! from the request as it arrived. AWS quotes both back when a signature
//! does not match, so they are built as text rather than hashed on the fly.

use hyper::header::HeaderMap;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Everything but SigV4's unreserved characters `A-Za-z0-9-_.~`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// [`STRICT`], leaving the path's separators alone.
const PATH: &AsciiSet = &STRICT.remove(b'/');

/// What the canonical request is made of.
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// `a;b;c`, as the client listed them.
    pub signed_headers: &'a str,
    pub payload: Payload<'a>,
}

/// The canonical request's last line.
pub enum Payload<'a> {
    /// The body, hashed here.
    Body(&'a [u8]),
    /// What the client stated in `X-Amz-Content-Sha256`: the body's hash
    /// (checked against it by the caller) or `UNSIGNED-PAYLOAD`.
    Stated(&'a str),
}

/// `HTTPMethod \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
/// SignedHeaders \n HashedPayload`.
pub fn canonical_request(request: &Request<'_>) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(request.method);
    out.push('\n');
    canonical_path(request.path, &mut out);
    out.push('\n');
    canonical_query(request.query.unwrap_or_default(), &mut out);
    out.push('\n');
    // A request has a handful of headers: scanning them for each signed
    // name costs less than a map lookup, which hashes and parses the name.
    let present: Vec<(&str, &[u8])> = request
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    for name in request.signed_headers.split(';') {
        out.push_str(name);
        out.push(':');
        let values = present.iter().filter(|(n, _)| *n == name);
        for (i, (_, value)) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            match std::str::from_utf8(value) {
                Ok(value) => push_trimmed(value, &mut out),
                Err(_) => push_trimmed(&String::from_utf8_lossy(value), &mut out),
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(request.signed_headers);
    out.push('\n');
    match request.payload {
        Payload::Body(body) => push_sha256_hex(body, &mut out),
        Payload::Stated(hash) => out.push_str(hash),
    }
    out
}

/// `AWS4-HMAC-SHA256 \n X-Amz-Date \n scope \n hash of the canonical request`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let algorithm = super::header::ALGORITHM;
    let mut out = String::with_capacity(algorithm.len() + amz_date.len() + scope.len() + 67);
    for part in [algorithm, "\n", amz_date, "\n", scope, "\n"] {
        out.push_str(part);
    }
    push_sha256_hex(canonical_request.as_bytes(), &mut out);
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_sha256_hex(bytes, &mut out);
    out
}

/// Appends the SHA-256 of `bytes` in lower-case hex. Runs twice per
/// checked request; encoding into a buffer is several times faster than
/// collecting characters.
fn push_sha256_hex(bytes: &[u8], out: &mut String) {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(bytes), &mut hex).expect("32 bytes fill 64 digits");
    out.push_str(std::str::from_utf8(&hex).expect("hex digits are ASCII"));
}

/// The path with dot segments and empty segments removed, then encoded once
/// more: every AWS service but S3 signs the already-encoded path encoded
/// again, so `%20` is signed as `%2520`.
fn canonical_path(path: &str, out: &mut String) {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    for segment in &segments {
        out.push('/');
        out.extend(utf8_percent_encode(segment, PATH));
    }
    if segments.is_empty() || (path.ends_with('/') && path.len() > 1) {
        out.push('/');
    }
}

/// Each name and value decoded and encoded again strictly (so `%7e` and
/// `~` sign alike), sorted by name and then value.
fn canonical_query(query: &str, out: &mut String) {
    let encode = |s: &str| -> String {
        let decoded = percent_decode_str(s).decode_utf8_lossy();
        utf8_percent_encode(&decoded, STRICT).to_string()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (encode(name), encode(value))
        })
        .collect();
    pairs.sort();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// A header value with its ends trimmed and inner runs of spaces made one.
fn push_trimmed(value: &str, out: &mut String) {
    let mut words = value.split_ascii_whitespace();
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(path: &str) -> String {
        let mut out = String::new();
        canonical_path(path, &mut out);
        out
    }

    fn query(query: &str) -> String {
        let mut out = String::new();
        canonical_query(query, &mut out);
        out
    }

    #[test]
    fn paths_are_normalized_then_encoded_again() {
        assert_eq!(path("/"), "/");
        assert_eq!(path(""), "/");
        assert_eq!(path("/a/./b/../c"), "/a/c");
        assert_eq!(path("//a//b/"), "/a/b/");
        assert_eq!(path("/a%20b"), "/a%2520b");
        assert_eq!(
            path("/_admin/windows/mw-0123/run"),
            "/_admin/windows/mw-0123/run"
        );
    }

    #[test]
    fn queries_are_sorted_and_strictly_encoded() {
        assert_eq!(query(""), "");
        assert_eq!(
            query("region=us-east-1&force=true"),
            "force=true&region=us-east-1"
        );
        assert_eq!(query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(query("k=%7e+x&flag"), "flag=&k=~%2Bx");
        assert_eq!(query("k=a%20b"), "k=a%20b");
    }

    #[test]
    fn header_values_are_trimmed_and_repeated_ones_joined() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "example.com".parse().unwrap());
        headers.append("x-multi", "  a   b  ".parse().unwrap());
        headers.append("x-multi", "c".parse().unwrap());
        let request = Request {
            method: "POST",
            path: "/",
            query: None,
            headers: &headers,
            signed_headers: "host;x-multi",
            payload: Payload::Body(b""),
        };
        assert_eq!(
            canonical_request(&request),
            "POST\n/\n\nhost:example.com\nx-multi:a b,c\n\nhost;x-multi\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
