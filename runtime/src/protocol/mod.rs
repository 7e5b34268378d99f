//! Wire protocols: the codecs that turn generated values into requests and responses back into
//! values.
//!
//! Each codec is written once and driven by the static [`Schema`](crate::schema::Schema) of the
//! shape together with the reflection of [`crate::shape`], so no generated crate carries
//! serialisation code of its own. This module is the one entry point: [`serialize_request`],
//! [`deserialize_response`] and [`deserialize_error`] call the codec the service names
//! ([`Codec`]).

pub mod cbor;
mod cbor_read;
pub mod checksum;
pub mod checksum_body;
mod codec;
mod codec_error;
mod errors;
pub mod gzip;
pub mod json;
mod json_read;
#[cfg(test)]
mod json_read_tests;
pub mod query;
mod request;
mod response;
pub(crate) mod rest;
mod text;
mod token;
pub mod xml;
mod xml_members;
mod xml_read;
pub(crate) mod xml_scan;

use core::fmt;

use http::HeaderMap;

pub use codec::Codec;
pub use codec_error::CodecError;
pub use errors::{decode_exception, error_code, NoErrors, OperationErrors};
pub(crate) use request::refuse_input_event_stream;
pub use request::{serialize_request, serialize_request_with, SerializedRequest, TimestampPrecision};
pub(crate) use response::is_xml_error;
pub use response::{deserialize_error, deserialize_response};
pub(crate) use token::new_uuid;
#[doc(hidden)]
pub use token::set_fixed_idempotency_token;

/// Why a request could not be built from the caller's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    message: String,
}

impl RequestError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        RequestError { message: message.into() }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.message)
    }
}

impl std::error::Error for RequestError {}

/// Why a response could not be understood: what was wrong, and the start of the body when the
/// operation's output holds nothing sensitive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseError {
    status: u16,
    reason: String,
    snippet: Option<String>,
}

impl ResponseError {
    /// A response of `status` that could not be used, without a body snippet.
    pub(crate) fn new(status: u16, reason: impl Into<String>) -> Self {
        ResponseError { status, reason: reason.into(), snippet: None }
    }
    /// What was wrong with the response.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The first bytes of the body, escaped, when it is safe to show them.
    pub fn snippet(&self) -> Option<&str> {
        self.snippet.as_deref()
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the HTTP {} response could not be read: {}", self.status, self.reason)?;
        if let Some(snippet) = &self.snippet {
            write!(f, " (body starts {snippet})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// How much of a bad body an error message shows.
const SNIPPET_BYTES: usize = 80;

/// The start of `body` as an escaped, quoted string.
fn snippet(body: &[u8]) -> String {
    let end = body.len().min(SNIPPET_BYTES);
    let mut text = String::from_utf8_lossy(&body[..end]).escape_debug().to_string();
    if body.len() > end {
        text.push_str("...");
    }
    format!("\"{text}\"")
}

/// The first value of a header, if it is text.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
