//! The `application/vnd.amazon.eventstream` framing: messages with typed headers and a payload,
//! each checked by two CRC32s.
//!
//! A message is a 12-byte prelude (total length, headers length, CRC32 of those eight bytes),
//! the headers, the payload and a CRC32 of everything before it. The decoder is incremental: it
//! is fed the body's chunks as they arrive and hands out whole messages. Lengths are checked
//! against fixed limits before anything is buffered for them, so a hostile or corrupt stream
//! costs at most one message's worth of memory and never a panic.

use core::fmt;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::protocol::checksum::crc32;

/// The largest message accepted: AWS's own limit for event-stream messages is 16 MiB.
pub const MAX_MESSAGE_LEN: usize = 16 << 20;
/// The largest header block accepted (AWS's limit is 128 KiB).
pub const MAX_HEADERS_LEN: usize = 128 << 10;
/// Prelude (12 bytes) plus the trailing message CRC (4 bytes).
const OVERHEAD: usize = 16;
const PRELUDE_LEN: usize = 12;

/// The value of one message header; the wire type byte is the variant's position (0 and 1 are
/// both `Bool`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Bytes(Bytes),
    String(String),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The value as text, when it is a string header.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// One decoded message: its headers in wire order and its payload.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub headers: Vec<(String, HeaderValue)>,
    pub payload: Bytes,
}

impl Message {
    /// The first header called `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The first header called `name`, when it is a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// The message in wire form. Services send these; the runtime encodes only to build test
    /// streams and mock responses, so limits are the caller's business (a header name over 255
    /// bytes or a value over 65,535 is cut to fit rather than refused).
    pub fn encode(&self) -> Vec<u8> {
        let mut headers = BytesMut::new();
        for (name, value) in &self.headers {
            let name = &name.as_bytes()[..name.len().min(255)];
            headers.put_u8(name.len() as u8);
            headers.put_slice(name);
            let mut put_sized = |kind: u8, bytes: &[u8]| {
                let bytes = &bytes[..bytes.len().min(u16::MAX as usize)];
                headers.put_u8(kind);
                headers.put_u16(bytes.len() as u16);
                headers.put_slice(bytes);
            };
            match value {
                HeaderValue::Bytes(b) => put_sized(6, b),
                HeaderValue::String(s) => put_sized(7, s.as_bytes()),
                HeaderValue::Bool(true) => headers.put_u8(0),
                HeaderValue::Bool(false) => headers.put_u8(1),
                HeaderValue::Byte(v) => {
                    headers.put_u8(2);
                    headers.put_i8(*v);
                }
                HeaderValue::Short(v) => {
                    headers.put_u8(3);
                    headers.put_i16(*v);
                }
                HeaderValue::Int(v) => {
                    headers.put_u8(4);
                    headers.put_i32(*v);
                }
                HeaderValue::Long(v) => {
                    headers.put_u8(5);
                    headers.put_i64(*v);
                }
                HeaderValue::Timestamp(v) => {
                    headers.put_u8(8);
                    headers.put_i64(*v);
                }
                HeaderValue::Uuid(v) => {
                    headers.put_u8(9);
                    headers.put_slice(v);
                }
            }
        }
        let total = OVERHEAD + headers.len() + self.payload.len();
        let mut out = Vec::with_capacity(total);
        out.put_u32(total as u32);
        out.put_u32(headers.len() as u32);
        out.put_u32(crc32(&out[..8]));
        out.put_slice(&headers);
        out.put_slice(&self.payload);
        out.put_u32(crc32(&out));
        out
    }
}

/// Payloads can be large and secret (S3 Select records): a debug dump shows their length only.
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Message").field("headers", &names).field("payload_len", &self.payload.len()).finish()
    }
}

/// Why the bytes are not a valid event stream. Messages say what is wrong, never what the
/// payload held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    reason: String,
}

impl FrameError {
    fn new(reason: impl Into<String>) -> Self {
        FrameError { reason: reason.into() }
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad event-stream message: {}", self.reason)
    }
}

impl std::error::Error for FrameError {}

/// Turns a byte stream, fed in chunks of any size, into messages.
#[derive(Default)]
pub struct FrameDecoder {
    buffer: BytesMut,
}

impl FrameDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes received from the stream.
    pub fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// Bytes received but not yet handed out as a message.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// The next whole message, `Ok(None)` when more bytes are needed. The prelude is checked as
    /// soon as it is complete, so an impossible length fails before its bytes are awaited.
    /// After an error the decoder's state is unspecified; callers end the stream.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        let Some(prelude) = self.buffer.get(..PRELUDE_LEN) else { return Ok(None) };
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        let headers_len = u32::from_be_bytes([prelude[4], prelude[5], prelude[6], prelude[7]]) as usize;
        let prelude_crc = u32::from_be_bytes([prelude[8], prelude[9], prelude[10], prelude[11]]);
        if crc32(&prelude[..8]) != prelude_crc {
            return Err(FrameError::new("the prelude checksum does not match"));
        }
        if total > MAX_MESSAGE_LEN {
            return Err(FrameError::new(format!(
                "a message of {total} bytes is over the {MAX_MESSAGE_LEN}-byte limit"
            )));
        }
        if headers_len > MAX_HEADERS_LEN {
            return Err(FrameError::new(format!(
                "a header block of {headers_len} bytes is over the {MAX_HEADERS_LEN}-byte limit"
            )));
        }
        if total < OVERHEAD + headers_len {
            return Err(FrameError::new(format!(
                "a message of {total} bytes cannot hold {headers_len} bytes of headers"
            )));
        }
        if self.buffer.len() < total {
            // The length is known and bounded: reserve once rather than growing per chunk.
            self.buffer.reserve(total - self.buffer.len());
            return Ok(None);
        }
        let mut frame = self.buffer.split_to(total).freeze();
        let expected = u32::from_be_bytes([frame[total - 4], frame[total - 3], frame[total - 2], frame[total - 1]]);
        if crc32(&frame[..total - 4]) != expected {
            return Err(FrameError::new("the message checksum does not match"));
        }
        frame.truncate(total - 4);
        frame.advance(PRELUDE_LEN);
        let headers = parse_headers(&frame[..headers_len])?;
        frame.advance(headers_len);
        Ok(Some(Message { headers, payload: frame }))
    }
}

/// The header block: per header a name (u8 length), a type byte and a value.
fn parse_headers(mut block: &[u8]) -> Result<Vec<(String, HeaderValue)>, FrameError> {
    let truncated = || FrameError::new("a header runs past the end of the header block");
    let mut headers = Vec::new();
    while let Some((&name_len, rest)) = block.split_first() {
        let name_len = usize::from(name_len);
        if name_len == 0 {
            return Err(FrameError::new("a header has an empty name"));
        }
        let (name, rest) = rest.split_at_checked(name_len).ok_or_else(truncated)?;
        let name = core::str::from_utf8(name).map_err(|_| FrameError::new("a header name is not UTF-8"))?.to_owned();
        let (&kind, rest) = rest.split_first().ok_or_else(truncated)?;
        let fixed = |n: usize| rest.split_at_checked(n).ok_or_else(truncated);
        let (value, rest) = match kind {
            0 => (HeaderValue::Bool(true), rest),
            1 => (HeaderValue::Bool(false), rest),
            2 => {
                let (v, rest) = fixed(1)?;
                (HeaderValue::Byte(v[0] as i8), rest)
            }
            3 => {
                let (v, rest) = fixed(2)?;
                (HeaderValue::Short(i16::from_be_bytes([v[0], v[1]])), rest)
            }
            4 => {
                let (v, rest) = fixed(4)?;
                (HeaderValue::Int(i32::from_be_bytes([v[0], v[1], v[2], v[3]])), rest)
            }
            5 | 8 => {
                let (v, rest) = fixed(8)?;
                let n = i64::from_be_bytes([v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]]);
                (if kind == 5 { HeaderValue::Long(n) } else { HeaderValue::Timestamp(n) }, rest)
            }
            6 | 7 => {
                let (len, rest) = fixed(2)?;
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                let (v, rest) = rest.split_at_checked(len).ok_or_else(truncated)?;
                let value = if kind == 6 {
                    HeaderValue::Bytes(Bytes::copy_from_slice(v))
                } else {
                    let text = core::str::from_utf8(v)
                        .map_err(|_| FrameError::new(format!("the string header {name:?} is not UTF-8")))?;
                    HeaderValue::String(text.to_owned())
                };
                (value, rest)
            }
            9 => {
                let (v, rest) = fixed(16)?;
                let mut uuid = [0; 16];
                uuid.copy_from_slice(v);
                (HeaderValue::Uuid(uuid), rest)
            }
            other => return Err(FrameError::new(format!("the header {name:?} has an unknown type {other}"))),
        };
        headers.push((name, value));
        block = rest;
    }
    Ok(headers)
}
