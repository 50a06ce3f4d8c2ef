//! The body of every answer the server writes: bytes at hand, sent with a
//! `Content-Length`, or an output's `@streaming` payload, sent chunk by
//! chunk (chunked transfer coding) as its producer yields them.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::Stream;
use http_body::{Frame, SizeHint};
use hyper::body::Bytes;

use crate::stream::StreamError;
use crate::ByteStream;

pub struct Body(Inner);

enum Inner {
    /// Taken when written.
    Full(Option<Bytes>),
    Stream(ByteStream),
}

impl Body {
    pub fn empty() -> Self {
        Self(Inner::Full(None))
    }

    /// `stream`, written as it is produced.
    pub fn stream(stream: ByteStream) -> Self {
        match stream.into_bytes() {
            // Bytes at hand have a length: no need to chunk them.
            Ok(bytes) => Self::from(bytes),
            Err(stream) => Self(Inner::Stream(stream)),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self(Inner::Full((!bytes.is_empty()).then_some(bytes)))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = StreamError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamError>>> {
        match &mut self.0 {
            Inner::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Inner::Stream(stream) => Pin::new(stream)
                .poll_next(cx)
                .map(|chunk| chunk.map(|c| c.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.0, Inner::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Inner::Stream(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;
    use crate::testing::block_on;

    #[test]
    fn bytes_have_an_exact_length() {
        let body = Body::from("hello");
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(5));
        assert_eq!(&block_on(body.collect()).unwrap().to_bytes()[..], b"hello");
        assert!(http_body::Body::is_end_stream(&Body::empty()));
    }

    #[test]
    fn a_live_stream_has_no_length_and_yields_its_chunks() {
        let chunks: Vec<Result<Bytes, StreamError>> =
            vec![Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"cd"))];
        let body = Body::stream(ByteStream::new(futures_util::stream::iter(chunks)));
        assert_eq!(http_body::Body::size_hint(&body).exact(), None);
        assert_eq!(&block_on(body.collect()).unwrap().to_bytes()[..], b"abcd");
    }
}
