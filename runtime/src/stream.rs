//! `ByteStream`: the body of streaming operations (S3 objects, Lambda payloads, ...).

use core::fmt;

/// The body of a streaming member.
///
/// Today it holds its bytes in memory; the HTTP layer (runtime core issue) adds a streaming
/// source behind the same type, so generated code does not change.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ByteStream {
    bytes: Vec<u8>,
}

impl ByteStream {
    /// A body made of the given bytes.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        ByteStream { bytes: bytes.into() }
    }
    /// The bytes of an in-memory body.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// The body's length when it is known up front (`Content-Length`).
    pub fn size_hint(&self) -> Option<u64> {
        u64::try_from(self.bytes.len()).ok()
    }
    /// Consumes the body into its bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream { bytes }
    }
}

impl From<&[u8]> for ByteStream {
    fn from(bytes: &[u8]) -> Self {
        ByteStream { bytes: bytes.to_vec() }
    }
}

impl From<&str> for ByteStream {
    fn from(text: &str) -> Self {
        ByteStream { bytes: text.as_bytes().to_vec() }
    }
}

impl fmt::Debug for ByteStream {
    /// Bodies can be large and private: only their length is printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteStream({} bytes)", self.bytes.len())
    }
}
