//! A request as protocols read it, whatever transport carried it.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::GzDecoder;
use http::HeaderMap;

use crate::stream::PendingBody;
use crate::ErrorResponse;

/// The parts of an HTTP request a protocol reads. The path and query are
/// as the client sent them, still percent-encoded; header names are
/// case-insensitive, as `HeaderMap` makes them.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query string, without its `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The body still to arrive, when the transport left it unread for an
    /// operation that streams its input (`body` is then empty). A
    /// transport that read it whole gives the stream `body`'s bytes.
    pub pending: Option<&'a PendingBody>,
}

/// A decompressed body may be at most this large, so a small gzip body
/// cannot expand into all of the server's memory.
pub const MAX_DECODED_BODY: usize = 16 * 1024 * 1024;

impl<'a> Request<'a> {
    /// `POST /` with `headers` and `body`: what every RPC protocol sends.
    pub fn post(headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            method: "POST",
            path: "/",
            query: None,
            headers,
            body,
            pending: None,
        }
    }

    /// A header's value, when it is one and is text.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a repeated header, joined as one list (`a, b`), as
    /// HTTP allows; `None` when it is absent or none is text.
    pub fn header_list(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The body as the client wrote it, before any `Content-Encoding`:
    /// `gzip` is undone (Smithy's `@requestCompression`), `identity` is
    /// nothing to undo, and anything else is refused.
    pub fn decoded_body(&self) -> Result<Cow<'a, [u8]>, ErrorResponse> {
        let (body, left) = self.undo_compression()?;
        match left.last() {
            None => Ok(body),
            Some(coding) => Err(ErrorResponse::serialization(format!(
                "Unsupported Content-Encoding: {coding}"
            ))),
        }
    }

    /// The body with the `gzip` codings applied last undone, and the
    /// codings before them, in the order they were applied (`identity`
    /// left out): a `Content-Encoding` of `custom, gzip` is the body
    /// gunzipped and `["custom"]`, a coding of the service's own that a
    /// member bound to the header receives.
    pub fn undo_compression(&self) -> Result<(Cow<'a, [u8]>, Vec<&'a str>), ErrorResponse> {
        let mut body = Cow::Borrowed(self.body);
        let Some(encodings) = self.header("content-encoding") else {
            return Ok((body, Vec::new()));
        };
        let mut codings: Vec<&str> = encodings
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"))
            .collect();
        while codings
            .last()
            .is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
        {
            codings.pop();
            body = Cow::Owned(gunzip(&body).map_err(ErrorResponse::serialization)?);
        }
        Ok((body, codings))
    }
}

fn gunzip(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut reader = GzDecoder::new(body).take(MAX_DECODED_BODY as u64 + 1);
    reader
        .read_to_end(&mut out)
        .map_err(|e| format!("Could not decompress the gzip body: {e}"))?;
    if out.len() > MAX_DECODED_BODY {
        return Err(format!(
            "The decompressed body is larger than {MAX_DECODED_BODY} bytes"
        ));
    }
    Ok(out)
}

/// Facts about the request that are not part of its input, filled in by the
/// transport: who called and where (from the SigV4 credential scope, or the
/// transport's defaults), and the id the response carries.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The 12-digit account the caller acts in.
    pub account_id: String,
    pub region: String,
    pub request_id: String,
}

impl Default for RequestContext {
    /// AWS's documentation account and first Region.
    fn default() -> Self {
        Self {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            request_id: String::new(),
        }
    }
}
