//! The expected bytes and checksums come from botocore 1.43: `AwsChunkedWrapper(io.BytesIO(data),
//! checksum_cls=Crc32Checksum, checksum_name="x-amz-checksum-crc32").read()`, and Python's
//! `zlib.crc32` / `hashlib` for the values.

use core::pin::Pin;
use core::task::{Context, Poll};

use bytes::Bytes;

use super::*;
use crate::http::HttpErrorKind;

/// Runs a future to its end on a current-thread runtime.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime").block_on(future)
}

/// Reads a body to its end; the error, if any, ends it.
fn read_all(mut body: impl Body<Data = Bytes, Error = HttpError> + Unpin) -> (Vec<u8>, Option<HttpError>) {
    let mut out = Vec::new();
    let error = block_on(std::future::poll_fn(|cx| loop {
        match Pin::new(&mut body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    out.extend_from_slice(&data);
                }
            }
            Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(err)),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        }
    }));
    (out, error)
}

/// A one-shot stream handing out `pieces` in turn, of unknown total length.
fn stream_of(pieces: Vec<Vec<u8>>) -> ByteStream {
    struct Pieces(std::collections::VecDeque<Vec<u8>>);
    impl futures_core::Stream for Pieces {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.pop_front().map(|p| Ok(Bytes::from(p))))
        }
    }
    ByteStream::from_stream(Pieces(pieces.into()))
}

fn encoded(source: ByteStream, algorithm: ChecksumAlgorithm) -> Vec<u8> {
    let (bytes, error) = read_all(AwsChunked::new(source, algorithm));
    assert!(error.is_none(), "{error:?}");
    bytes
}

#[test]
fn small_bodies_frame_as_botocore() {
    assert_eq!(
        encoded(ByteStream::from("hello world"), ChecksumAlgorithm::Crc32),
        b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
    );
    assert_eq!(encoded(ByteStream::new(), ChecksumAlgorithm::Crc32), b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    assert_eq!(
        encoded(ByteStream::from("abc"), ChecksumAlgorithm::Sha256),
        &b"3\r\nabc\r\n0\r\nx-amz-checksum-sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\r\n\r\n"[..]
    );
}

#[test]
fn chunks_are_one_mebibyte_whatever_the_source_hands_out() {
    let data: Vec<u8> = (0..AWS_CHUNK_SIZE + 3).map(|i| (i % 251) as u8).collect();
    // botocore: 1,048,630 bytes, this SHA-256, the CRC32 `pBlIUQ==` in the trailer.
    let expected_sha256 = "cae7573f78739b3fa7691e3332872ca104686234bee3b3023c45558ad34e47d1";
    let check = |bytes: Vec<u8>, what: &str| {
        assert_eq!(bytes.len(), 1_048_630, "{what}");
        assert!(bytes.starts_with(b"100000\r\n\0\x01\x02"), "{what}");
        assert!(bytes.ends_with(b"\r\n3\r\n\x95\x96\x97\r\n0\r\nx-amz-checksum-crc32:pBlIUQ==\r\n\r\n"), "{what}");
        assert_eq!(crate::auth::sha256_hex(&bytes), expected_sha256, "{what}");
    };
    check(encoded(ByteStream::from(data.clone()), ChecksumAlgorithm::Crc32), "in memory");
    // Uneven pieces, one straddling the chunk boundary, and an empty one: the same bytes.
    let pieces =
        vec![data[..7].to_vec(), Vec::new(), data[7..AWS_CHUNK_SIZE + 1].to_vec(), data[AWS_CHUNK_SIZE + 1..].to_vec()];
    check(encoded(stream_of(pieces), ChecksumAlgorithm::Crc32), "a stream of uneven pieces");
}

#[test]
fn lengths_and_retries_follow_the_source() {
    let chunked = AwsChunked::new(ByteStream::from("hello world"), ChecksumAlgorithm::Crc32);
    assert_eq!(chunked.decoded_length(), Some(11));
    assert!(chunked.is_rewindable());
    assert_eq!(Body::size_hint(&chunked).exact(), None, "sent with Transfer-Encoding: chunked");
    let again = chunked.try_clone().expect("an in-memory source rewinds");
    assert_eq!(read_all(chunked).0, read_all(again).0);

    let stream = AwsChunked::new(stream_of(vec![b"hello".to_vec()]), ChecksumAlgorithm::Crc32);
    assert_eq!(stream.decoded_length(), None, "no X-Amz-Decoded-Content-Length for a stream of unknown length");
    assert!(!stream.is_rewindable() && stream.try_clone().is_none());
}

#[test]
fn a_failing_source_fails_the_body() {
    struct Failing(u8);
    impl futures_core::Stream for Failing {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.0 += 1;
            Poll::Ready(Some(match self.0 {
                1 => Ok(Bytes::from_static(b"abc")),
                _ => Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "gone")),
            }))
        }
    }
    let (bytes, error) = read_all(AwsChunked::new(ByteStream::from_stream(Failing(0)), ChecksumAlgorithm::Crc32));
    assert!(error.is_some(), "no trailer after a failed read");
    assert!(!bytes.windows(3).any(|w| w == b"0\r\n"), "{bytes:?}");
}

#[test]
fn validated_bodies_pass_through_and_fail_at_their_end() {
    // CRC32 of `hello world` is `DUoRhQ==` (zlib.crc32).
    let ok = ValidatedBody::wrap(
        stream_of(vec![b"hello ".to_vec(), b"world".to_vec()]),
        ChecksumAlgorithm::Crc32,
        "DUoRhQ==",
    );
    let (bytes, error) = read_all(ok);
    assert_eq!(bytes, b"hello world");
    assert!(error.is_none(), "{error:?}");

    let bad = ValidatedBody::wrap(
        stream_of(vec![b"hello ".to_vec(), b"world!".to_vec()]),
        ChecksumAlgorithm::Crc32,
        "DUoRhQ==",
    );
    let (bytes, error) = read_all(bad);
    assert_eq!(bytes, b"hello world!", "every byte is handed out before the check");
    let error = error.expect("a mismatch is an error");
    assert_eq!(error.kind(), HttpErrorKind::ChecksumMismatch);
    let actual = crate::types::base64_encode(&ChecksumAlgorithm::Crc32.digest(b"hello world!"));
    assert_eq!(
        error.message(),
        format!("the body does not match its x-amz-checksum-crc32 checksum: expected DUoRhQ==, calculated {actual}")
    );

    // A value that is not base64 cannot match.
    let (_, error) = read_all(ValidatedBody::wrap(ByteStream::from("x"), ChecksumAlgorithm::Crc32, "not base64!"));
    assert!(error.is_some_and(|e| e.kind() == HttpErrorKind::ChecksumMismatch));
}

#[test]
fn a_validated_stream_reads_through_the_public_api() {
    let mut stream = ValidatedBody::wrap(ByteStream::from("hello world"), ChecksumAlgorithm::Crc32, "AAAAAA==");
    let first = block_on(stream.next_chunk()).expect("a chunk").expect("data");
    assert_eq!(&first[..], b"hello world");
    let last = block_on(stream.next_chunk()).expect("the end is an error");
    assert_eq!(last.unwrap_err().kind(), HttpErrorKind::ChecksumMismatch);

    let collected =
        block_on(ValidatedBody::wrap(ByteStream::from("hello world"), ChecksumAlgorithm::Crc32, "DUoRhQ==").collect());
    assert_eq!(&collected.expect("a valid body")[..], b"hello world");
}
