//! `@streaming` blobs: an operation's payload that travels as it is
//! produced instead of whole. An input's stream is the request body as it
//! arrives (a handler may read a body larger than the server would ever
//! buffer); an output's stream is written to the connection chunk by chunk,
//! while the handler's producer still runs.

use std::fmt;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

pub use bytes::Bytes;
use bytes::BytesMut;
use futures_util::stream::{Stream, StreamExt};

/// Why a stream stopped short: the client went away, the producer failed.
pub type StreamError = Box<dyn std::error::Error + Send + Sync>;

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>;

/// The value of a `@streaming` blob member: a stream of byte chunks.
///
/// Build one from bytes at hand (`ByteStream::from(vec)`), or from any
/// `Stream` of chunks with [`ByteStream::new`]; read one as a `Stream`, or
/// whole with [`ByteStream::collect`].
pub struct ByteStream(Source);

enum Source {
    /// Bytes at hand, not yet read; empty once they are.
    Bytes(Bytes),
    Chunks(Chunks),
}

impl ByteStream {
    /// The chunks `stream` yields, in order, until it ends or fails.
    pub fn new<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<StreamError>,
    {
        Self(Source::Chunks(Box::pin(
            stream.map(|c| c.map_err(Into::into)),
        )))
    }

    /// The bytes, when they are at hand rather than still to arrive: a
    /// stream built from bytes, or one a buffering transport filled.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes),
            Source::Chunks(_) => None,
        }
    }

    /// The bytes, when they are at hand; the stream itself otherwise.
    pub fn into_bytes(self) -> Result<Bytes, Self> {
        match self.0 {
            Source::Bytes(bytes) => Ok(bytes),
            chunks => Err(Self(chunks)),
        }
    }

    /// Reads the whole stream; what a handler does when it wants the
    /// payload at once after all.
    pub async fn collect(self) -> Result<Bytes, StreamError> {
        self.collect_limited(usize::MAX).await
    }

    /// Reads the whole stream, or fails once it is longer than `limit`
    /// bytes, so a client cannot make the handler hold more than that.
    pub async fn collect_limited(mut self, limit: usize) -> Result<Bytes, StreamError> {
        if let Source::Bytes(bytes) = &mut self.0 {
            if bytes.len() > limit {
                return Err(too_long(limit));
            }
            return Ok(std::mem::take(bytes));
        }
        let mut whole = BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if whole.len() + chunk.len() > limit {
                return Err(too_long(limit));
            }
            whole.extend_from_slice(&chunk);
        }
        Ok(whole.freeze())
    }
}

fn too_long(limit: usize) -> StreamError {
    format!("the stream is longer than {limit} bytes").into()
}

impl Default for ByteStream {
    /// No bytes at all: the value of an absent or empty payload.
    fn default() -> Self {
        Self(Source::Bytes(Bytes::new()))
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        Self(Source::Bytes(bytes))
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.0 {
            Source::Bytes(bytes) if bytes.is_empty() => Poll::Ready(None),
            Source::Bytes(bytes) => Poll::Ready(Some(Ok(std::mem::take(bytes)))),
            Source::Chunks(chunks) => chunks.as_mut().poll_next(cx),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Source::Bytes(bytes) => {
                let chunks = usize::from(!bytes.is_empty());
                (chunks, Some(chunks))
            }
            Source::Chunks(chunks) => chunks.size_hint(),
        }
    }
}

/// Bytes at hand show as the bytes (so a test can compare what a handler
/// received); a live stream shows only that it is one.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => f.debug_tuple("ByteStream").field(bytes).finish(),
            Source::Chunks(_) => f.write_str("ByteStream(<streaming>)"),
        }
    }
}

/// A request body a transport did not read, waiting for the operation
/// that streams it. [`crate::Request`] is `Copy` and borrowed; the body
/// is taken out of this slot, once, by whoever routes the request.
#[derive(Default)]
pub struct PendingBody(Mutex<Option<ByteStream>>);

impl PendingBody {
    pub fn new(body: ByteStream) -> Self {
        Self(Mutex::new(Some(body)))
    }

    /// The body, the first time; `None` after.
    pub fn take(&self) -> Option<ByteStream> {
        self.0.lock().map_or(None, |mut body| body.take())
    }
}

impl fmt::Debug for PendingBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingBody")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::block_on;

    fn chunks(parts: &[&'static str]) -> ByteStream {
        let parts: Vec<Result<Bytes, StreamError>> = parts
            .iter()
            .map(|p| Ok(Bytes::from_static(p.as_bytes())))
            .collect();
        ByteStream::new(futures_util::stream::iter(parts))
    }

    #[test]
    fn bytes_at_hand_are_one_chunk_then_the_end() {
        let mut stream = ByteStream::from("abc");
        assert_eq!(stream.as_bytes(), Some(&b"abc"[..]));
        let first = block_on(stream.next()).unwrap().unwrap();
        assert_eq!(&first[..], b"abc");
        assert!(block_on(stream.next()).is_none());
        assert!(block_on(ByteStream::default().next()).is_none());
    }

    #[test]
    fn collect_joins_the_chunks_in_order() {
        let whole = block_on(chunks(&["ab", "", "cd", "e"]).collect()).unwrap();
        assert_eq!(&whole[..], b"abcde");
    }

    #[test]
    fn collect_limited_stops_past_the_limit() {
        assert!(block_on(chunks(&["ab", "cd"]).collect_limited(3)).is_err());
        assert!(block_on(ByteStream::from("abcd").collect_limited(3)).is_err());
        assert_eq!(
            &block_on(chunks(&["ab", "cd"]).collect_limited(4)).unwrap()[..],
            b"abcd"
        );
    }

    #[test]
    fn a_failing_producer_fails_the_read() {
        let parts: Vec<Result<Bytes, StreamError>> =
            vec![Ok(Bytes::from_static(b"a")), Err("gone".into())];
        let error = block_on(ByteStream::new(futures_util::stream::iter(parts)).collect());
        assert_eq!(error.unwrap_err().to_string(), "gone");
    }

    #[test]
    fn debug_shows_bytes_at_hand_only() {
        assert_eq!(
            format!("{:?}", ByteStream::from("hi")),
            "ByteStream(b\"hi\")"
        );
        assert_eq!(format!("{:?}", chunks(&["hi"])), "ByteStream(<streaming>)");
    }

    #[test]
    fn a_pending_body_is_taken_once() {
        let pending = PendingBody::new(ByteStream::from("x"));
        assert!(pending.take().is_some());
        assert!(pending.take().is_none());
    }
}
