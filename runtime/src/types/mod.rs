//! The primitive value types generated code uses for Smithy `timestamp`,
//! `blob` and `document` shapes, with their wire encodings.
//!
//! Everything here is std-only so the runtime stays cheap to compile.

mod blob;
pub(crate) mod datetime;
mod document;
pub(crate) mod json_tree;

pub use blob::{base64_decode, base64_encode, base64_encode_to, Base64Error, Blob};
// Generated code and Smithy models call this `timestampFormat`, so it is
// exported under that name rather than the module-local `Format`.
pub use datetime::{DateTime, DateTimeError, Format as TimestampFormat};
pub use document::{Document, DocumentError, Number};
