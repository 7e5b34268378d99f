//! Bodies that carry flexible checksums.
//!
//! - [`AwsChunked`]: a request body in S3's `aws-chunked` content encoding with the checksum as
//!   its trailer, framed exactly as botocore's `AwsChunkedWrapper` frames it: chunks of 1 MiB
//!   (`<hex size>\r\n<data>\r\n`), then `0\r\n<header>:<base64 checksum>\r\n\r\n`. The checksum
//!   is computed as the body is sent, so a stream of unknown length needs no second read.
//! - `ValidatedBody`: a response body checked against the checksum header the service sent,
//!   as the caller reads it, as botocore's `StreamingChecksumBody` does. A mismatch is an error
//!   from the read that would have ended the body, so it is never silent.

use core::pin::Pin;
use core::task::{ready, Context, Poll};
use std::collections::VecDeque;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::checksum::{Checksum, ChecksumAlgorithm};
use crate::http::{HttpError, HttpErrorKind};
use crate::stream::ByteStream;
use crate::types::{base64_decode, base64_encode};

/// botocore's `AwsChunkedWrapper._DEFAULT_CHUNK_SIZE`: every chunk but the last holds this many
/// bytes, whatever sizes the source hands out, so the framing does not depend on how a file or
/// stream happens to be read.
pub const AWS_CHUNK_SIZE: usize = 1024 * 1024;

/// A request body in the `aws-chunked` encoding with a checksum trailer.
pub struct AwsChunked {
    source: ByteStream,
    algorithm: ChecksumAlgorithm,
    /// The running checksum of what the source handed out; taken when the trailer is written.
    checksum: Option<Checksum>,
    /// Source data not framed yet, in order, `pending_len` bytes in all.
    pending: VecDeque<Bytes>,
    pending_len: usize,
    /// Framed bytes ready to send.
    out: VecDeque<Bytes>,
    source_done: bool,
}

impl AwsChunked {
    /// `source` encoded with `algorithm`'s checksum in the trailer.
    pub fn new(source: ByteStream, algorithm: ChecksumAlgorithm) -> Self {
        AwsChunked {
            source,
            algorithm,
            checksum: Some(Checksum::new(algorithm)),
            pending: VecDeque::new(),
            pending_len: 0,
            out: VecDeque::new(),
            source_done: false,
        }
    }

    /// The algorithm of the trailer.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// The length of the data before encoding, when the source knows it
    /// (`X-Amz-Decoded-Content-Length`).
    pub fn decoded_length(&self) -> Option<u64> {
        self.source.size_hint()
    }

    /// Whether [`AwsChunked::try_clone`] succeeds: when the source can be read again.
    pub fn is_rewindable(&self) -> bool {
        self.source.is_rewindable()
    }

    /// The same encoding of the source read again from its start, for a retry.
    pub fn try_clone(&self) -> Option<AwsChunked> {
        self.source.try_clone().map(|source| AwsChunked::new(source, self.algorithm))
    }

    /// What `Debug` calls the source.
    pub(crate) fn source_kind(&self) -> &'static str {
        self.source.kind_name()
    }

    /// Moves one chunk of `len` pending bytes, with its framing, to the output.
    fn frame_chunk(&mut self, len: usize) {
        self.out.push_back(Bytes::from(format!("{len:x}\r\n")));
        let mut left = len;
        while left > 0 {
            let Some(mut piece) = self.pending.pop_front() else { break };
            if piece.len() > left {
                let rest = piece.split_off(left);
                self.pending.push_front(rest);
            }
            left -= piece.len();
            self.pending_len -= piece.len();
            self.out.push_back(piece);
        }
        self.out.push_back(Bytes::from_static(b"\r\n"));
    }
}

impl Body for AwsChunked {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = &mut *self;
        loop {
            if let Some(bytes) = this.out.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(bytes))));
            }
            if !this.source_done && this.pending_len < AWS_CHUNK_SIZE {
                match ready!(this.source.poll_chunk(cx)) {
                    Some(Ok(data)) => {
                        if let Some(checksum) = &mut this.checksum {
                            checksum.update(&data);
                        }
                        this.pending_len += data.len();
                        this.pending.push_back(data);
                    }
                    Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                    None => this.source_done = true,
                }
                continue;
            }
            if this.pending_len > 0 {
                this.frame_chunk(this.pending_len.min(AWS_CHUNK_SIZE));
                continue;
            }
            let Some(checksum) = this.checksum.take() else { return Poll::Ready(None) };
            let trailer = format!("0\r\n{}:{}\r\n\r\n", this.algorithm.header_name(), checksum.finish_base64());
            this.out.push_back(Bytes::from(trailer));
        }
    }

    fn is_end_stream(&self) -> bool {
        self.checksum.is_none() && self.out.is_empty()
    }

    /// Unknown: the encoded length depends on the chunks, so the body goes out with
    /// `Transfer-Encoding: chunked`, as botocore sends it.
    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// A response body checked against the checksum the service sent for it.
pub(crate) struct ValidatedBody {
    inner: ByteStream,
    /// Taken when the body ends and the digest is compared.
    checksum: Option<Checksum>,
    /// The header's value, as sent.
    expected: String,
}

impl ValidatedBody {
    /// `inner`, checked against `expected` (the base64 value of `algorithm`'s header) at its end.
    pub(crate) fn wrap(inner: ByteStream, algorithm: ChecksumAlgorithm, expected: &str) -> ByteStream {
        let body = ValidatedBody { inner, checksum: Some(Checksum::new(algorithm)), expected: expected.to_owned() };
        ByteStream::from_response(body)
    }
}

impl Body for ValidatedBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = &mut *self;
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let (Some(data), Some(checksum)) = (frame.data_ref(), &mut this.checksum) {
                    checksum.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(err)) => Poll::Ready(Some(Err(err))),
            None => match this.checksum.take() {
                Some(checksum) => match mismatch(checksum, &this.expected) {
                    Some(message) => Poll::Ready(Some(Err(HttpError::new(HttpErrorKind::ChecksumMismatch, message)))),
                    None => Poll::Ready(None),
                },
                None => Poll::Ready(None),
            },
        }
    }

    /// Never at its end before the digest is compared, so no reader can stop short of it.
    fn is_end_stream(&self) -> bool {
        self.checksum.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        Body::size_hint(&self.inner)
    }
}

/// The message for a body whose `checksum` is not `expected` (base64), or `None` when it is.
/// The values are compared decoded, as botocore compares them; checksums are not secret, so
/// both are named.
pub(crate) fn mismatch(checksum: Checksum, expected: &str) -> Option<String> {
    let algorithm = checksum.algorithm();
    let actual = checksum.finish();
    if base64_decode(expected).is_ok_and(|decoded| decoded == actual) {
        return None;
    }
    Some(format!(
        "the body does not match its {} checksum: expected {expected}, calculated {}",
        algorithm.header_name(),
        base64_encode(&actual)
    ))
}

#[cfg(test)]
#[path = "checksum_body_tests.rs"]
mod tests;
