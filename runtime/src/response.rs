//! A response as protocols write it, whatever transport carries it.

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::HeaderMap;

use crate::ByteStream;

/// A transport-independent response: status, the protocol's headers
/// (a transport adds its own, such as `X-Amzn-RequestId`) and body.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// An output's `@streaming` payload, written after `body` (which is
    /// then empty) as it is produced.
    pub stream: Option<ByteStream>,
    /// The error code when this is an error, for logs; the protocol has
    /// written it where its clients look for it.
    pub error_type: Option<&'static str>,
    /// The operation that answered, once routing found one, for logs.
    pub operation: Option<&'static str>,
}

/// `X-Amzn-ErrorType`, where AWS's JSON protocols name an error.
pub const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// Two answers are the same when every part is; a stream compares by its
/// bytes at hand, and a live stream equals no other.
impl PartialEq for HttpResponse {
    fn eq(&self, other: &Self) -> bool {
        let same_stream = match (&self.stream, &other.stream) {
            (None, None) => true,
            (Some(a), Some(b)) => a.as_bytes().is_some() && a.as_bytes() == b.as_bytes(),
            _ => false,
        };
        same_stream
            && self.status == other.status
            && self.headers == other.headers
            && self.body == other.body
            && self.error_type == other.error_type
            && self.operation == other.operation
    }
}

impl HttpResponse {
    pub fn new(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body,
            stream: None,
            error_type: None,
            operation: None,
        }
    }

    /// The response with `Content-Type: media_type`.
    pub fn with_content_type(mut self, media_type: &'static str) -> Self {
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        self
    }

    /// A header's value as text, whatever the case of `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
}
