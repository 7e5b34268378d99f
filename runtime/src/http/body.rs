//! [`SdkBody`]: the body of an outgoing request.

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::HttpError;
use crate::stream::ByteStream;

/// The body of a request: bytes, a file, or a stream with or without a known length.
///
/// A thin wrapper over [`ByteStream`], kept as its own type so request-side concerns
/// (`Content-Length`, rewinding for retries, payload hashing) have one home. The retry layer
/// calls [`SdkBody::try_clone`] before each attempt: bytes are shared, files re-read from their
/// start, one-shot streams cannot be retried (`None`).
#[derive(Default)]
pub struct SdkBody {
    stream: ByteStream,
}

impl SdkBody {
    /// A body with no bytes (sent with `Content-Length: 0` where a body is allowed).
    pub fn empty() -> Self {
        SdkBody::default()
    }

    /// The number of bytes the body will send, when known; `None` means chunked encoding.
    pub fn content_length(&self) -> Option<u64> {
        self.stream.size_hint()
    }

    /// The bytes of an in-memory body (to hash for signing), `None` otherwise.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.stream.as_bytes()
    }

    /// Whether [`SdkBody::try_clone`] can produce a fresh copy for another attempt.
    pub fn is_rewindable(&self) -> bool {
        self.stream.is_rewindable()
    }

    /// A copy that sends the body again from its start; `None` for one-shot streams.
    pub fn try_clone(&self) -> Option<SdkBody> {
        self.stream.try_clone().map(|stream| SdkBody { stream })
    }

    /// The body as a [`ByteStream`].
    pub fn into_stream(self) -> ByteStream {
        self.stream
    }
}

impl Body for SdkBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        Pin::new(&mut self.stream).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.stream.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        Body::size_hint(&self.stream)
    }
}

impl From<ByteStream> for SdkBody {
    fn from(stream: ByteStream) -> Self {
        SdkBody { stream }
    }
}

impl From<Bytes> for SdkBody {
    fn from(bytes: Bytes) -> Self {
        SdkBody { stream: ByteStream::from(bytes) }
    }
}

impl From<Vec<u8>> for SdkBody {
    fn from(bytes: Vec<u8>) -> Self {
        SdkBody { stream: ByteStream::from(bytes) }
    }
}

impl From<String> for SdkBody {
    fn from(text: String) -> Self {
        SdkBody { stream: ByteStream::from(text) }
    }
}

impl From<&'static str> for SdkBody {
    fn from(text: &'static str) -> Self {
        SdkBody { stream: ByteStream::from(Bytes::from_static(text.as_bytes())) }
    }
}

impl From<&'static [u8]> for SdkBody {
    fn from(bytes: &'static [u8]) -> Self {
        SdkBody { stream: ByteStream::from(Bytes::from_static(bytes)) }
    }
}

impl fmt::Debug for SdkBody {
    /// Only the kind and length: request bodies hold user data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stream.size_hint() {
            Some(len) => write!(f, "SdkBody({}, {len} bytes)", self.stream.kind_name()),
            None => write!(f, "SdkBody({}, length unknown)", self.stream.kind_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_rewindable_streams_are_not() {
        let body = SdkBody::from("hello");
        assert_eq!(body.content_length(), Some(5));
        assert_eq!(body.as_bytes(), Some(&b"hello"[..]));
        assert!(body.is_rewindable());
        assert_eq!(body.try_clone().unwrap().as_bytes(), Some(&b"hello"[..]));
        assert_eq!(format!("{body:?}"), "SdkBody(in-memory, 5 bytes)");

        struct Never;
        impl futures_core::Stream for Never {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                Poll::Pending
            }
        }
        let stream = SdkBody::from(ByteStream::from_stream(Never));
        assert!(!stream.is_rewindable() && stream.try_clone().is_none());
        assert_eq!(stream.content_length(), None);
        assert!(SdkBody::empty().is_end_stream());
    }
}
