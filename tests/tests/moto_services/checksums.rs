//! Flexible checksums against moto, as boto3 >= 1.36 uses them by default: an upload of unknown
//! length sent `aws-chunked` with its CRC32 in the trailer, then read back with
//! `x-amz-checksum-mode: ENABLED` and the returned checksum validated while the body streams.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use tucuxi::ByteStream;
use tucuxi_s3::Client;

use crate::common::{self, unique, Checks, Outcome};

/// 1.5 MiB of `i % 251`: more than one 1 MiB aws-chunk.
const LENGTH: usize = 1_572_864;
/// `base64(zlib.crc32(bytes(i % 251 for i in range(1572864))).to_bytes(4, "big"))`.
const CRC32: &str = "PtY6RA==";
/// The same for `b"hello world"`.
const HELLO_CRC32: &str = "DUoRhQ==";

fn data() -> Vec<u8> {
    (0..LENGTH).map(|i| (i % 251) as u8).collect()
}

/// The data handed out 100,000 bytes at a time, with no length announced.
struct Pieces {
    data: Vec<u8>,
    sent: usize,
}

impl futures_core::Stream for Pieces {
    type Item = Result<Vec<u8>, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.sent >= this.data.len() {
            return Poll::Ready(None);
        }
        let end = (this.sent + 100_000).min(this.data.len());
        let piece = this.data[this.sent..end].to_vec();
        this.sent = end;
        Poll::Ready(Some(Ok(piece)))
    }
}

#[test]
fn s3_checksum_trailer_and_validated_download() {
    common::run_case("s3-flexible-checksums", |endpoint, mut checks| async move {
        let outcome = trailer_round_trip(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn trailer_round_trip(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = Client::new(&common::session(endpoint));
    let bucket = unique("tucuxi-cksum");
    s3.create_bucket().bucket(&bucket).send().await?;

    let body = ByteStream::from_stream(Pieces { data: data(), sent: 0 });
    checks.eq(body.size_hint(), None, "the upload's length is unknown")?;
    let put = s3.put_object().bucket(&bucket).key("streamed").body(body).send().await?;
    checks.eq(put.checksum_crc32.as_deref(), Some(CRC32), "moto read the CRC32 from the trailer")?;

    let head = s3.head_object().bucket(&bucket).key("streamed").checksum_mode("ENABLED").send().await?;
    checks.eq(head.content_length, Some(LENGTH as i64), "moto stored the decoded bytes, not the framing")?;
    checks.eq(head.checksum_crc32.as_deref(), Some(CRC32), "and the trailer's checksum")?;

    let got = s3.get_object().bucket(&bucket).key("streamed").send().await?;
    checks.eq(got.checksum_crc32.as_deref(), Some(CRC32), "get_object returns the checksum unasked")?;
    let body = got.body.ok_or("get_object returns a body")?;
    checks.ok(!body.is_in_memory(), "the download streams")?;
    let read = body.collect().await?;
    checks.ok(read[..] == data()[..], "the download is the upload, validated while read")?;

    // An in-memory body over plain HTTP carries its checksum as a header.
    let put = s3.put_object().bucket(&bucket).key("small").body(ByteStream::from("hello world")).send().await?;
    checks.eq(put.checksum_crc32.as_deref(), Some(HELLO_CRC32), "the header checksum is stored")?;
    let got = s3.get_object().bucket(&bucket).key("small").send().await?;
    checks.eq(got.checksum_crc32.as_deref(), Some(HELLO_CRC32), "and returned")?;
    let read = got.body.ok_or("a body")?.collect().await?;
    checks.eq(&read[..], &b"hello world"[..], "the small object reads back")?;

    for key in ["streamed", "small"] {
        s3.delete_object().bucket(&bucket).key(key).send().await?;
    }
    s3.delete_bucket().bucket(&bucket).send().await?;
    Ok(())
}
