//! Opaque binary payloads (Smithy `blob`) and the base64 codec that the JSON,
//! query and XML protocols use to put them on the wire.

use std::fmt;

/// An owned byte buffer.
///
/// It is a newtype rather than a bare `Vec<u8>` so generated code can tell
/// blobs apart from other lists and so `Debug` output stays readable: it shows
/// the length and a short escaped preview instead of every byte.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// How many bytes `Debug` shows before eliding the rest.
    const PREVIEW_BYTES: usize = 32;

    /// Wraps anything convertible into a byte vector, without copying a `Vec`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }

    /// Returns the bytes, giving up the wrapper.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the blob holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Blob(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob(bytes.to_vec())
    }
}

impl From<&str> for Blob {
    fn from(text: &str) -> Self {
        Blob(text.as_bytes().to_vec())
    }
}

impl From<String> for Blob {
    fn from(text: String) -> Self {
        Blob(text.into_bytes())
    }
}

impl From<Blob> for Vec<u8> {
    fn from(blob: Blob) -> Self {
        blob.0
    }
}

impl fmt::Debug for Blob {
    /// Prints e.g. `Blob(5 bytes, b"hello")`; payloads can be megabytes, so
    /// only the first few bytes are shown, escaped like a byte string literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(Self::PREVIEW_BYTES)];
        let more = if shown.len() < self.0.len() { "…" } else { "" };
        write!(f, "Blob({} bytes, b\"{}\"{more})", self.0.len(), shown.escape_ascii())
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID: u8 = 0xFF;

/// Maps each byte to its 6-bit value, or `INVALID`; built at compile time so
/// decoding is one table load per character.
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Encodes with the standard alphabet and `=` padding (RFC 4648 section 4).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64_encode_to(bytes, &mut out);
    out
}

/// Appends the encoding of `bytes` to `out`, reserving the exact length once.
pub fn base64_encode_to(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let symbol = |group: u32, shift: u32| char::from(ALPHABET[(group >> shift & 63) as usize]);
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        for shift in [18, 12, 6, 0] {
            out.push(symbol(group, shift));
        }
    }
    match *chunks.remainder() {
        [a] => {
            let group = u32::from(a) << 16;
            out.extend([symbol(group, 18), symbol(group, 12), '=', '=']);
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend([symbol(group, 18), symbol(group, 12), symbol(group, 6), '=']);
        }
        _ => {}
    }
}

/// Why base64 text could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64Error {
    offset: usize,
    reason: &'static str,
}

impl Base64Error {
    /// The byte offset in the input where decoding failed.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64 at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for Base64Error {}

/// Decodes standard-alphabet base64.
///
/// Padding may be omitted (some services and hand-written clients drop it),
/// but if present it must be complete, so `QQ==` and `QQ` decode while `QQ=`
/// is rejected. Everything outside the alphabet is rejected, whitespace
/// included, as RFC 4648 section 3.3 requires; callers holding wrapped text
/// must strip it first. Non-zero bits left over in the final character are
/// ignored rather than rejected, as most decoders do.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let input = text.as_bytes();
    let padding = input.iter().rev().take_while(|&&b| b == b'=').count();
    let data = &input[..input.len() - padding];
    let fail = |offset, reason| Err(Base64Error { offset, reason });
    if padding > 0 && (padding > 2 || !input.len().is_multiple_of(4)) {
        return fail(data.len(), "padding must complete the last group of four");
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for (index, chunk) in data.chunks(4).enumerate() {
        let mut group = 0u32;
        for (i, &byte) in chunk.iter().enumerate() {
            let value = DECODE[usize::from(byte)];
            if value == INVALID {
                let reason = if byte == b'=' { "padding is only allowed at the end" } else { "not a base64 character" };
                return fail(index * 4 + i, reason);
            }
            group = group << 6 | u32::from(value);
        }
        if chunk.len() == 1 {
            return fail(index * 4, "a lone final character encodes no whole byte");
        }
        // A short final chunk of n characters carries n - 1 whole bytes.
        group <<= 6 * (4 - chunk.len() as u32);
        let [_, b0, b1, b2] = group.to_be_bytes();
        out.extend_from_slice(&[b0, b1, b2][..chunk.len() - 1]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC4648: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).unwrap(), plain.as_bytes());
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(base64_decode(unpadded).unwrap(), plain.as_bytes());
        }
        let mut out = String::from("prefix:");
        base64_encode_to(b"foobar", &mut out);
        assert_eq!(out, "prefix:Zm9vYmFy");
    }

    #[test]
    fn all_byte_values_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..bytes.len() {
            let encoded = base64_encode(&bytes[..len]);
            assert!(encoded.bytes().all(|b| DECODE[usize::from(b)] != INVALID || b == b'='));
            assert_eq!(base64_decode(&encoded).unwrap(), &bytes[..len]);
        }
        assert_eq!(base64_encode(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn malformed_input_is_rejected_with_offsets() {
        let cases = [
            ("Zm9v YmFy", 4),
            ("Zm9vYmFy\n", 8),
            ("Zm9v-_", 4),
            ("Zg=", 2),
            ("Zg===", 2),
            ("Z", 0),
            ("Zm9vY", 4),
            ("Zg==Zg==", 2),
            ("=", 0),
            ("é", 0),
        ];
        for (input, offset) in cases {
            let err = base64_decode(input).unwrap_err();
            assert_eq!(err.offset(), offset, "{input:?}: {err}");
            assert!(err.to_string().starts_with("invalid base64 at byte"));
        }
        // Leftover bits in the last character are tolerated.
        assert_eq!(base64_decode("Zh==").unwrap(), b"f");
    }

    #[test]
    fn random_input_never_panics() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let alphabet = b"AZaz09+/=-_ \n\x80";
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 12) as usize;
            let text: String =
                (0..len).map(|i| char::from(alphabet[(state >> (i * 4)) as usize % alphabet.len()])).collect();
            if let Ok(bytes) = base64_decode(&text) {
                // Decoding then re-encoding is canonical modulo padding and stray bits.
                assert_eq!(base64_decode(&base64_encode(&bytes)).unwrap(), bytes);
            }
        }
    }

    #[test]
    fn blob_conversions_and_debug() {
        let blob = Blob::from("hello");
        assert_eq!(blob.as_ref(), b"hello");
        assert_eq!(blob, Blob::new(b"hello".to_vec()));
        assert_eq!(blob, Blob::from(String::from("hello")));
        assert_eq!(blob, Blob::from(&b"hello"[..]));
        assert_eq!((blob.len(), blob.is_empty()), (5, false));
        assert_eq!(format!("{blob:?}"), "Blob(5 bytes, b\"hello\")");
        assert_eq!(Vec::from(blob.clone()), blob.into_inner());
        assert!(Blob::default().is_empty());
        let big = Blob::new(vec![0u8; 1 << 20]);
        let shown = format!("{big:?}");
        assert!(shown.starts_with("Blob(1048576 bytes, b\"\\x00") && shown.ends_with("\"…)"));
        assert!(shown.len() < 200, "{shown}");
    }
}
