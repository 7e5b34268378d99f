//! Event-stream responses (`application/vnd.amazon.eventstream`): the framing decoder and the
//! per-protocol event decoding behind `EventStream<T>`, over four real event-stream types.
//!
//! Byte 0 picks the stream (its low two bits); the rest is the response body. With bit 7 of
//! byte 0 set, the target first rewrites both CRCs of every frame it can delimit, so that
//! mutations reach header and payload decoding instead of stopping at a checksum the fuzzer
//! cannot forge. Every event and error is formatted, and the stream is drained to its end or
//! its first error.
#![no_main]

use std::fmt::Debug;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use tucuxi::protocol::checksum::crc32;
use tucuxi::schema::Protocol;
use tucuxi::shape::Shape;
use tucuxi::{ByteStream, EventStream};
use {tucuxi_kinesis as kinesis, tucuxi_kitchensink as ks, tucuxi_lambda as lambda, tucuxi_s3 as s3};

/// Reads events until the end, an error, or a poll that would wait (an in-memory body never
/// should; the bound keeps a wrong `Pending` from spinning).
fn drain<T: Shape + Default + Debug + 'static>(protocol: Protocol, operation: &'static str, body: &[u8]) {
    let mut stream = EventStream::<T>::from_body(protocol, operation, ByteStream::from(body.to_vec()));
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..100_000 {
        let next = pin!(stream.recv()).poll(&mut context);
        match next {
            Poll::Ready(Ok(Some(event))) => drop(format!("{event:?}")),
            Poll::Ready(Ok(None)) | Poll::Pending => break,
            Poll::Ready(Err(error)) => {
                drop(format!("{error} {error:?}"));
                break;
            }
        }
    }
    drop(format!("{stream:?}"));
}

/// Rewrites the prelude and message CRCs of each frame, walking by the frames' own lengths.
fn fix_crcs(body: &mut [u8]) {
    let mut at = 0usize;
    while let Some(prelude) = body.get(at..at + 12) {
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        if total < 16 || at + total > body.len() {
            return;
        }
        let crc = crc32(&body[at..at + 8]).to_be_bytes();
        body[at + 8..at + 12].copy_from_slice(&crc);
        let crc = crc32(&body[at..at + total - 4]).to_be_bytes();
        body[at + total - 4..at + total].copy_from_slice(&crc);
        at += total;
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let mut owned;
    let body = if which & 0x80 != 0 {
        owned = body.to_vec();
        fix_crcs(&mut owned);
        &owned[..]
    } else {
        body
    };
    match which % 4 {
        0 => drain::<s3::types::SelectObjectContentEventStream>(Protocol::RestXml, "SelectObjectContent", body),
        1 => drain::<kinesis::types::SubscribeToShardEventStream>(Protocol::Json, "SubscribeToShard", body),
        2 => drain::<lambda::types::InvokeWithResponseStreamResponseEvent>(
            Protocol::RestJson,
            "InvokeWithResponseStream",
            body,
        ),
        _ => drain::<ks::types::ThingEventStream>(Protocol::RestJson, "WatchThings", body),
    }
});
