//! The error every body codec reports: where in the document, and what is wrong.

use core::fmt;

/// Why a body could not be written or read. Messages name the path and the kinds involved, never
/// a value, because values may belong to sensitive members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodecError {
    /// Where: `$.Tags[2].Key` for JSON/CBOR, `/ListBucketResult/Contents[3]/Size` for XML,
    /// `Tags.member.2.Key` for query strings. Empty when only an offset is known.
    pub path: String,
    /// What, such as `expected an integer, found text`.
    pub reason: String,
    /// The byte offset in the body, for syntax errors.
    pub offset: Option<usize>,
}

impl CodecError {
    /// An error at `path`.
    pub fn at(path: impl Into<String>, reason: impl Into<String>) -> Self {
        CodecError { path: path.into(), reason: reason.into(), offset: None }
    }
    /// A syntax error at byte `offset`.
    pub fn syntax(offset: usize, reason: impl Into<String>) -> Self {
        CodecError { path: String::new(), reason: reason.into(), offset: Some(offset) }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), self.offset) {
            (true, Some(offset)) => write!(f, "at byte {offset}: {}", self.reason),
            (false, Some(offset)) => write!(f, "{} (byte {offset}): {}", self.path, self.reason),
            _ => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for CodecError {}
