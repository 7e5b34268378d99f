//! The framing decoder against good messages, every header type, corruption, truncation,
//! impossible lengths and random bytes.

use bytes::Bytes;

use super::frame::{FrameDecoder, FrameError, HeaderValue, Message, MAX_HEADERS_LEN, MAX_MESSAGE_LEN};
use crate::protocol::checksum::crc32;

fn message(headers: Vec<(&str, HeaderValue)>, payload: &[u8]) -> Message {
    Message {
        headers: headers.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
        payload: Bytes::copy_from_slice(payload),
    }
}

fn every_header_type() -> Message {
    message(
        vec![
            ("true", HeaderValue::Bool(true)),
            ("false", HeaderValue::Bool(false)),
            ("byte", HeaderValue::Byte(-7)),
            ("short", HeaderValue::Short(-300)),
            ("int", HeaderValue::Int(123_456)),
            ("long", HeaderValue::Long(-9_000_000_000)),
            ("bytes", HeaderValue::Bytes(Bytes::from_static(b"\x00\x01\xff"))),
            ("string", HeaderValue::String("h\u{e9}llo".into())),
            ("timestamp", HeaderValue::Timestamp(1_422_172_800_000)),
            ("uuid", HeaderValue::Uuid(*b"0123456789abcdef")),
        ],
        b"{\"a\":1}",
    )
}

/// Decodes all of `bytes` fed in chunks of `chunk` bytes.
fn decode_chunked(bytes: &[u8], chunk: usize) -> Result<Vec<Message>, FrameError> {
    let mut decoder = FrameDecoder::new();
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk.max(1)) {
        decoder.push(piece);
        while let Some(m) = decoder.next_message()? {
            out.push(m);
        }
    }
    assert_eq!(decoder.buffered(), 0, "bytes left over");
    Ok(out)
}

fn decode_one(bytes: &[u8]) -> Result<Option<Message>, FrameError> {
    let mut decoder = FrameDecoder::new();
    decoder.push(bytes);
    decoder.next_message()
}

#[test]
fn every_header_type_round_trips() {
    let m = every_header_type();
    let decoded = decode_one(&m.encode()).unwrap().unwrap();
    assert_eq!(decoded, m);
    assert_eq!(decoded.header_str("string"), Some("h\u{e9}llo"));
    assert_eq!(decoded.header("int"), Some(&HeaderValue::Int(123_456)));
    assert_eq!(decoded.header("missing"), None);
}

#[test]
fn known_vector_from_the_protocol_suite() {
    // The first message of botocore's rest-xml event-stream case (TypeA, payload "somebytes").
    let bytes = crate::types::base64_decode(
        "AAAAbAAAAFPLgkVrDTptZXNzYWdlLXR5cGUHAAVldmVudAs6ZXZlbnQtdHlwZQcABVR5cGVBDTpjb250ZW50LXR5cGUHABhhcHBsaWNhdGlvbi9vY3RldC1zdHJlYW1zb21lYnl0ZXMesj2H",
    )
    .unwrap();
    let m = decode_one(&bytes).unwrap().unwrap();
    assert_eq!(m.header_str(":message-type"), Some("event"));
    assert_eq!(m.header_str(":event-type"), Some("TypeA"));
    assert_eq!(m.header_str(":content-type"), Some("application/octet-stream"));
    assert_eq!(&m.payload[..], b"somebytes");
    // Encoding gives the same bytes back.
    assert_eq!(m.encode(), bytes);
}

#[test]
fn messages_split_anywhere_decode_the_same() {
    let mut stream = Vec::new();
    let messages = vec![every_header_type(), message(vec![], b""), message(vec![("a", HeaderValue::Bool(true))], b"x")];
    for m in &messages {
        stream.extend(m.encode());
    }
    for chunk in [1, 2, 3, 7, 12, 13, 100, stream.len()] {
        assert_eq!(decode_chunked(&stream, chunk).unwrap(), messages, "chunk size {chunk}");
    }
}

#[test]
fn empty_input_needs_more_and_partial_input_waits() {
    assert_eq!(decode_one(b"").unwrap(), None);
    let bytes = every_header_type().encode();
    for cut in [1, 11, 12, 13, bytes.len() - 1] {
        assert_eq!(decode_one(&bytes[..cut]).unwrap(), None, "cut at {cut}");
    }
}

#[test]
fn a_bad_prelude_crc_is_refused_before_the_body_arrives() {
    let mut bytes = every_header_type().encode();
    bytes[9] ^= 0x01;
    let e = decode_one(&bytes[..12]).unwrap_err();
    assert!(e.reason().contains("prelude checksum"), "{e}");
}

#[test]
fn a_bad_message_crc_is_refused() {
    let mut bytes = every_header_type().encode();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    assert!(decode_one(&bytes).unwrap_err().reason().contains("message checksum"));
    // A flipped payload byte is caught by the same checksum.
    let mut bytes = every_header_type().encode();
    bytes[last - 5] ^= 0x01;
    assert!(decode_one(&bytes).unwrap_err().reason().contains("message checksum"));
}

/// A message whose prelude says `total` and `headers` with a valid prelude CRC, followed by
/// `rest` and a valid message CRC.
fn raw(total: u32, headers: u32, rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(total.to_be_bytes());
    out.extend(headers.to_be_bytes());
    out.extend(crc32(&out).to_be_bytes());
    out.extend(rest);
    let crc = crc32(&out);
    out.extend(crc.to_be_bytes());
    out
}

#[test]
fn oversized_and_impossible_lengths_are_refused_from_the_prelude() {
    let over = decode_one(&raw(MAX_MESSAGE_LEN as u32 + 1, 0, &[])[..12]).unwrap_err();
    assert!(over.reason().contains("limit"), "{over}");
    let huge = decode_one(&raw(u32::MAX, 0, &[])[..12]).unwrap_err();
    assert!(huge.reason().contains("limit"), "{huge}");
    let headers = decode_one(&raw(1 << 20, MAX_HEADERS_LEN as u32 + 1, &[])[..12]).unwrap_err();
    assert!(headers.reason().contains("header block"), "{headers}");
    let small = decode_one(&raw(15, 0, &[])).unwrap_err();
    assert!(small.reason().contains("cannot hold"), "{small}");
    let inverted = decode_one(&raw(20, 10, &[0; 4])).unwrap_err();
    assert!(inverted.reason().contains("cannot hold"), "{inverted}");
    // The largest allowed length is only waited for, not refused.
    assert_eq!(decode_one(&raw(MAX_MESSAGE_LEN as u32, 0, &[])[..12]).unwrap(), None);
}

#[test]
fn bad_header_blocks_are_refused() {
    let cases: &[(&[u8], &str)] = &[
        (&[0], "empty name"),
        (&[5, b'a'], "past the end"),
        (&[1, b'a'], "past the end"),
        (&[1, b'a', 4, 0, 0], "past the end"),
        (&[1, b'a', 7, 0, 9, b'x'], "past the end"),
        (&[1, b'a', 7, 0, 1, 0xff], "not UTF-8"),
        (&[1, 0xff, 0], "not UTF-8"),
        (&[1, b'a', 10], "unknown type 10"),
        (&[1, b'a', 9, 1, 2, 3], "past the end"),
    ];
    for (block, want) in cases {
        let bytes = raw((16 + block.len()) as u32, block.len() as u32, block);
        let e = decode_one(&bytes).unwrap_err();
        assert!(e.reason().contains(want), "{block:?}: {e}");
    }
}

#[test]
fn debug_shows_no_payload() {
    let m = message(vec![(":event-type", HeaderValue::String("Records".into()))], b"secret-record");
    let text = format!("{m:?}");
    assert!(text.contains(":event-type") && text.contains("13"), "{text}");
    assert!(!text.contains("secret"), "{text}");
}

use crate::test_rng::Rng;

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let good = every_header_type().encode();
    for i in 0..20_000 {
        let bytes: Vec<u8> = match i % 4 {
            // Pure noise.
            0 => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
            // A good message with bytes flipped.
            1 => {
                let mut b = good.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(b.len());
                    b[at] ^= 1 << rng.below(8);
                }
                b
            }
            // A valid prelude and CRCs around a random header block: exercises the header parser.
            2 => {
                let block: Vec<u8> = (0..rng.below(48)).map(|_| rng.next() as u8).collect();
                let payload = rng.below(8);
                let mut rest = block.clone();
                rest.extend(std::iter::repeat_n(0u8, payload));
                raw((16 + rest.len()) as u32, block.len() as u32, &rest)
            }
            // A random prelude with a valid CRC: exercises the length checks.
            _ => {
                let total = rng.next() as u32 >> rng.below(32);
                let headers = rng.next() as u32 >> rng.below(32);
                let mut b = raw(total, headers, &[]);
                b.truncate(12 + rng.below(16));
                b
            }
        };
        let chunk = 1 + rng.below(17);
        let mut decoder = FrameDecoder::new();
        'feed: for piece in bytes.chunks(chunk) {
            decoder.push(piece);
            loop {
                match decoder.next_message() {
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(_) => break 'feed,
                }
            }
        }
        // Never more buffered than was fed: nothing is allocated on a length's say-so alone.
        assert!(decoder.buffered() <= bytes.len());
    }
}
