//! [`SdkBody`]: the body of an outgoing request.

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::HttpError;
use crate::protocol::checksum_body::AwsChunked;
use crate::stream::ByteStream;

/// The body of a request: bytes, a file, or a stream with or without a known length.
///
/// A thin wrapper over [`ByteStream`], kept as its own type so request-side concerns
/// (`Content-Length`, rewinding for retries, payload hashing) have one home. The retry layer
/// calls [`SdkBody::try_clone`] before each attempt: bytes are shared, files re-read from their
/// start, one-shot streams cannot be retried (`None`).
///
/// A body may also be the `aws-chunked` encoding of such a source with a checksum trailer
/// ([`AwsChunked`]), made by the flexible-checksum step; it rewinds when its source does.
#[derive(Default)]
pub struct SdkBody {
    inner: Inner,
}

enum Inner {
    Plain(ByteStream),
    AwsChunked(AwsChunked),
}

impl Default for Inner {
    fn default() -> Self {
        Inner::Plain(ByteStream::default())
    }
}

impl SdkBody {
    /// A body with no bytes (sent with `Content-Length: 0` where a body is allowed).
    pub fn empty() -> Self {
        SdkBody::default()
    }

    /// The number of bytes the body will send, when known; `None` means chunked encoding.
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Plain(stream) => stream.size_hint(),
            Inner::AwsChunked(_) => None,
        }
    }

    /// The bytes of an in-memory body (to hash for signing), `None` otherwise.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Plain(stream) => stream.as_bytes(),
            Inner::AwsChunked(_) => None,
        }
    }

    /// Whether [`SdkBody::try_clone`] can produce a fresh copy for another attempt.
    pub fn is_rewindable(&self) -> bool {
        match &self.inner {
            Inner::Plain(stream) => stream.is_rewindable(),
            Inner::AwsChunked(chunked) => chunked.is_rewindable(),
        }
    }

    /// A copy that sends the body again from its start; `None` for one-shot streams.
    pub fn try_clone(&self) -> Option<SdkBody> {
        let inner = match &self.inner {
            Inner::Plain(stream) => Inner::Plain(stream.try_clone()?),
            Inner::AwsChunked(chunked) => Inner::AwsChunked(chunked.try_clone()?),
        };
        Some(SdkBody { inner })
    }

    /// The `aws-chunked` encoding of the body, when it is one.
    pub fn aws_chunked(&self) -> Option<&AwsChunked> {
        match &self.inner {
            Inner::Plain(_) => None,
            Inner::AwsChunked(chunked) => Some(chunked),
        }
    }

    /// The body as a [`ByteStream`] (an `aws-chunked` body as its encoded bytes).
    pub fn into_stream(self) -> ByteStream {
        match self.inner {
            Inner::Plain(stream) => stream,
            Inner::AwsChunked(chunked) => ByteStream::from_body(chunked),
        }
    }
}

impl Body for SdkBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match &mut self.inner {
            Inner::Plain(stream) => Pin::new(stream).poll_frame(cx),
            Inner::AwsChunked(chunked) => Pin::new(chunked).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Plain(stream) => stream.is_end_stream(),
            Inner::AwsChunked(chunked) => chunked.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Plain(stream) => Body::size_hint(stream),
            Inner::AwsChunked(chunked) => chunked.size_hint(),
        }
    }
}

impl From<AwsChunked> for SdkBody {
    fn from(chunked: AwsChunked) -> Self {
        SdkBody { inner: Inner::AwsChunked(chunked) }
    }
}

impl From<ByteStream> for SdkBody {
    fn from(stream: ByteStream) -> Self {
        SdkBody { inner: Inner::Plain(stream) }
    }
}

impl From<Bytes> for SdkBody {
    fn from(bytes: Bytes) -> Self {
        SdkBody::from(ByteStream::from(bytes))
    }
}

impl From<Vec<u8>> for SdkBody {
    fn from(bytes: Vec<u8>) -> Self {
        SdkBody::from(ByteStream::from(bytes))
    }
}

impl From<String> for SdkBody {
    fn from(text: String) -> Self {
        SdkBody::from(ByteStream::from(text))
    }
}

impl From<&'static str> for SdkBody {
    fn from(text: &'static str) -> Self {
        SdkBody::from(ByteStream::from(Bytes::from_static(text.as_bytes())))
    }
}

impl From<&'static [u8]> for SdkBody {
    fn from(bytes: &'static [u8]) -> Self {
        SdkBody::from(ByteStream::from(Bytes::from_static(bytes)))
    }
}

impl fmt::Debug for SdkBody {
    /// Only the kind and length: request bodies hold user data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, length) = match &self.inner {
            Inner::Plain(stream) => (stream.kind_name(), stream.size_hint()),
            Inner::AwsChunked(chunked) => (chunked.source_kind(), chunked.decoded_length()),
        };
        let encoding = if self.aws_chunked().is_some() { "aws-chunked " } else { "" };
        match length {
            Some(len) => write!(f, "SdkBody({encoding}{kind}, {len} bytes)"),
            None => write!(f, "SdkBody({encoding}{kind}, length unknown)"),
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

    #[test]
    fn aws_chunked_bodies_have_no_length_and_rewind_with_their_source() {
        use crate::protocol::checksum::ChecksumAlgorithm;
        let body = SdkBody::from(AwsChunked::new(ByteStream::from("hello world"), ChecksumAlgorithm::Crc32));
        assert_eq!(body.content_length(), None, "sent with Transfer-Encoding: chunked");
        assert_eq!(body.as_bytes(), None, "never hashed whole for signing");
        assert!(body.aws_chunked().is_some() && body.is_rewindable());
        assert!(body.try_clone().is_some_and(|copy| copy.aws_chunked().is_some()));
        assert_eq!(format!("{body:?}"), "SdkBody(aws-chunked in-memory, 11 bytes)");
        assert!(SdkBody::from("plain").aws_chunked().is_none());
    }
}
