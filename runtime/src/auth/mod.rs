//! AWS request signing: Signature Version 4 (`AWS4-HMAC-SHA256`) and, behind the `sigv4a`
//! feature, its asymmetric multi-region variant SigV4a (`AWS4-ECDSA-P256-SHA256`).
//!
//! The signer does not depend on any HTTP crate. The caller describes the request as it will go
//! on the wire with a [`SignableRequest`] and gets back a [`SigningOutput`] listing the headers or
//! query parameters to add; the transport applies them. That keeps this module usable from every
//! HTTP stack and keeps the runtime's dependency graph small.
//!
//! ```
//! use tucuxi::auth::{sigv4, SignableBody, SignableRequest, SigningParams, SigningSettings};
//! use tucuxi::credentials::Credentials;
//! use tucuxi::DateTime;
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "secret").with_provider("example");
//! let request = SignableRequest {
//!     method: "GET",
//!     uri: "/my-bucket/my%20key.txt",
//!     headers: &[("host", "s3.us-east-1.amazonaws.com")],
//!     body: SignableBody::UnsignedPayload,
//! };
//! let params = SigningParams {
//!     credentials: &credentials,
//!     region: "us-east-1",
//!     service: "s3",
//!     time: DateTime::from_secs(1_440_938_160),
//!     settings: SigningSettings::s3(),
//! };
//! let output = sigv4::sign(&request, &params).unwrap();
//! assert!(output.headers_to_add.iter().any(|(name, _)| name == "authorization"));
//! ```
//!
//! The canonicalisation rules follow the AWS documentation and are pinned by the CRT signing test
//! suite (`tests/signing_conformance.rs`).

mod canonical;
pub mod post_policy;
pub mod sigv4;
#[cfg(feature = "sigv4a")]
pub mod sigv4a;

use core::fmt;
use std::borrow::Cow;
use std::time::Duration;

use crate::credentials::Credentials;
use crate::types::DateTime;

pub use canonical::CanonicalRequest;

/// The longest validity AWS accepts for a presigned request: seven days.
pub const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Headers that are never signed by default.
///
/// Each of these is routinely added, rewritten or dropped between the signer and AWS (by proxies,
/// load balancers, tracing agents or the HTTP client itself), and a signed header that changes in
/// flight invalidates the signature.
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "proxy-authorization",
    "sec-websocket-key",
    "sec-websocket-protocol",
    "sec-websocket-version",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// A request as it will be sent, described without reference to any HTTP crate.
#[derive(Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The HTTP method, e.g. `GET`. It is used exactly as given.
    pub method: &'a str,
    /// The origin-form request target, `path[?query]`, percent-encoded exactly as it goes on the
    /// wire. It must start with `/`.
    pub uri: &'a str,
    /// Every header that will be sent, including `host`. A name may repeat.
    pub headers: &'a [(&'a str, &'a str)],
    /// What to put in the payload-hash position of the canonical request.
    pub body: SignableBody<'a>,
}

impl fmt::Debug for SignableRequest<'_> {
    /// Header values are left out because some carry secrets (session tokens, SSE-C keys).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("header_names", &names)
            .field("body", &self.body)
            .finish()
    }
}

/// How the request payload is represented in the signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignableBody<'a> {
    /// The complete body; the signer hashes it with SHA-256.
    Bytes(&'a [u8]),
    /// The literal `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 over HTTPS).
    UnsignedPayload,
    /// A payload hash the caller already has, normally the lowercase hex SHA-256 of the body.
    Precomputed(&'a str),
    /// The literal `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, for S3 uploads with trailing checksums.
    StreamingUnsignedPayloadTrailer,
}

impl fmt::Debug for SignableBody<'_> {
    /// Bodies can be large, so only their length is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignableBody::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            SignableBody::UnsignedPayload => f.write_str("UnsignedPayload"),
            SignableBody::Precomputed(hash) => f.debug_tuple("Precomputed").field(hash).finish(),
            SignableBody::StreamingUnsignedPayloadTrailer => f.write_str("StreamingUnsignedPayloadTrailer"),
        }
    }
}

/// What to do with the session token of temporary credentials.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SessionTokenMode {
    /// Send `X-Amz-Security-Token` and cover it with the signature (what almost every service
    /// expects).
    #[default]
    Include,
    /// Send `X-Amz-Security-Token` but leave it out of the signature, for the few services that
    /// strip the token before verifying (such as IoT device gateways).
    AppendAfterSigning,
}

/// Where the signature goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignatureLocation {
    /// An `Authorization` header.
    #[default]
    Headers,
    /// Query parameters, producing a presigned URL that is valid for `expires_in` (whole seconds,
    /// from 1 second up to [`MAX_PRESIGNED_EXPIRY`]).
    QueryParams {
        /// How long the presigned request stays valid.
        expires_in: Duration,
    },
}

/// The knobs that differ between services and between header and presigned signing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Remove `.`/`..` segments and empty segments from the path before signing. Every service
    /// except S3 does this.
    pub normalize_uri_path: bool,
    /// Percent-encode the (already encoded) path a second time. Every service except S3 signs the
    /// double-encoded path.
    pub double_uri_encode: bool,
    /// Send and sign `x-amz-content-sha256` with the payload hash (S3 requires it). Header
    /// signing only: a presigned request carries the payload hash in its signature alone.
    pub payload_checksum_header: bool,
    /// How the session token of temporary credentials is handled.
    pub session_token_mode: SessionTokenMode,
    /// Header-based or presigned (query-string) signing.
    pub signature_location: SignatureLocation,
    /// Header names (matched case-insensitively) left out of the signature.
    pub excluded_headers: Vec<Cow<'static, str>>,
}

impl Default for SigningSettings {
    /// The settings for every service except S3.
    fn default() -> Self {
        SigningSettings {
            normalize_uri_path: true,
            double_uri_encode: true,
            payload_checksum_header: false,
            session_token_mode: SessionTokenMode::Include,
            signature_location: SignatureLocation::Headers,
            excluded_headers: DEFAULT_EXCLUDED_HEADERS.iter().map(|name| Cow::Borrowed(*name)).collect(),
        }
    }
}

impl SigningSettings {
    /// The settings S3 (and S3 Control) require: the path is neither normalised nor encoded twice,
    /// because object keys may legitimately contain `//`, `.` and `..`, and the payload hash is
    /// sent as `x-amz-content-sha256`.
    pub fn s3() -> Self {
        SigningSettings {
            normalize_uri_path: false,
            double_uri_encode: false,
            payload_checksum_header: true,
            ..SigningSettings::default()
        }
    }

    /// These settings with the signature moved into the query string (a presigned request).
    pub fn presigned(mut self, expires_in: Duration) -> Self {
        self.signature_location = SignatureLocation::QueryParams { expires_in };
        self
    }
}

/// Everything the signer needs besides the request itself.
#[derive(Clone)]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// The signing region. For SigV4a this is the region set: one region, a comma-separated list,
    /// or `*`.
    pub region: &'a str,
    /// The signing name of the service (e.g. `s3`, `execute-api`), which can differ from its
    /// endpoint prefix.
    pub service: &'a str,
    /// The signing time; only whole seconds are used.
    pub time: DateTime,
    /// Service- and location-specific behaviour.
    pub settings: SigningSettings,
}

impl fmt::Debug for SigningParams<'_> {
    /// Written out by hand so that the secret key and session token can never appear, whatever
    /// the `Debug` of `Credentials` does in the future.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.credentials.access_key_id())
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.credentials.session_token().map(|_| "** redacted **"))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("settings", &self.settings)
            .finish()
    }
}

/// What the transport must add to the request to make it signed.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SigningOutput {
    /// Headers to add, with lowercase names, in the order they should be added.
    pub headers_to_add: Vec<(String, String)>,
    /// Query parameters to append, name and value already percent-encoded (RFC 3986), so each can
    /// be appended verbatim as `&name=value` (or `?name=value` when the URI has no query).
    pub query_to_add: Vec<(String, String)>,
    /// The signature itself: lowercase hex of the HMAC for SigV4, of the DER-encoded ECDSA
    /// signature for SigV4a.
    pub signature: String,
}

impl fmt::Debug for SigningOutput {
    /// The session token travels in the output, so it is redacted here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |pairs: &[(String, String)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(name, value)| match name.eq_ignore_ascii_case(canonical::SECURITY_TOKEN) {
                    true => (name.clone(), "** redacted **".to_owned()),
                    false => (name.clone(), value.clone()),
                })
                .collect()
        };
        f.debug_struct("SigningOutput")
            .field("headers_to_add", &redact(&self.headers_to_add))
            .field("query_to_add", &redact(&self.query_to_add))
            .field("signature", &self.signature)
            .finish()
    }
}

/// Why a request could not be signed. Messages never contain secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The method is empty or is not an HTTP token.
    InvalidMethod,
    /// The request target is not an origin-form `path[?query]`.
    InvalidUri(&'static str),
    /// A header name is empty or contains characters HTTP does not allow in names.
    InvalidHeaderName(String),
    /// A header value contains a line break or another control character.
    InvalidHeaderValue(String),
    /// There is no `host` header to sign; SigV4 always signs the host.
    MissingHostHeader,
    /// The request already carries a header the signer sets itself.
    ReservedHeader(String),
    /// The request already carries a query parameter the signer sets itself.
    ReservedQueryParam(String),
    /// A presigned request must be valid for 1 second to 7 days.
    InvalidExpiry(Duration),
    /// The precomputed payload hash is empty or not printable ASCII.
    InvalidPayloadHash,
    /// The access key id or secret key cannot be used (empty, or with characters that would
    /// corrupt the credential scope), or the session token cannot be sent as a header.
    InvalidCredentials(&'static str),
    /// The region (or SigV4a region set) is empty or has characters that would corrupt the scope.
    InvalidRegion(String),
    /// The service signing name is empty or has characters that would corrupt the scope.
    InvalidService(String),
    /// The signing time is outside the years 0000..=9999 that the `X-Amz-Date` format can hold.
    TimeOutOfRange(DateTime),
    /// The SigV4a private key could not be derived from the secret key.
    KeyDerivation,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::InvalidMethod => f.write_str("cannot sign request: the HTTP method is not a valid token"),
            SigningError::InvalidUri(why) => write!(f, "cannot sign request: invalid request target: {why}"),
            SigningError::InvalidHeaderName(name) => write!(f, "cannot sign request: invalid header name {name:?}"),
            SigningError::InvalidHeaderValue(name) => {
                write!(f, "cannot sign request: the value of header {name:?} contains a control character")
            }
            SigningError::MissingHostHeader => f.write_str("cannot sign request: it has no host header"),
            SigningError::ReservedHeader(name) => {
                write!(f, "cannot sign request: it already has the {name:?} header that signing sets")
            }
            SigningError::ReservedQueryParam(name) => {
                write!(f, "cannot sign request: it already has the {name:?} query parameter that signing sets")
            }
            SigningError::InvalidExpiry(d) => {
                write!(f, "cannot presign request: expiry {d:?} is not between 1 second and 7 days")
            }
            SigningError::InvalidPayloadHash => {
                f.write_str("cannot sign request: the precomputed payload hash is empty or not printable ASCII")
            }
            SigningError::InvalidCredentials(why) => write!(f, "cannot sign request: unusable credentials: {why}"),
            SigningError::InvalidRegion(region) => write!(f, "cannot sign request: invalid signing region {region:?}"),
            SigningError::InvalidService(name) => write!(f, "cannot sign request: invalid signing name {name:?}"),
            SigningError::TimeOutOfRange(time) => {
                write!(f, "cannot sign request: signing time {time} is outside the years 0000-9999")
            }
            SigningError::KeyDerivation => f.write_str("cannot sign request: no SigV4a key could be derived"),
        }
    }
}

impl std::error::Error for SigningError {}

/// Lowercase hexadecimal, the encoding of every hash and signature in SigV4.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// SHA-256 of `data` as lowercase hex.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), data);
    let mut out = [0; 32];
    // An HMAC-SHA256 tag is always 32 bytes; copying through `zip` keeps even a wrong length
    // from panicking.
    out.iter_mut().zip(tag.as_ref()).for_each(|(o, t)| *o = *t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_hashes_match_known_vectors() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let credentials =
            Credentials::new("AKIDEXAMPLE", "SECRETSECRET").with_session_token("TOKENTOKEN").with_provider("test");
        let params = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "service",
            time: DateTime::from_secs(0),
            settings: SigningSettings::default(),
        };
        let debug = format!("{params:?}");
        assert!(debug.contains("AKIDEXAMPLE") && debug.contains("us-east-1"), "{debug}");
        assert!(!debug.contains("SECRETSECRET") && !debug.contains("TOKENTOKEN"), "{debug}");

        let output = SigningOutput {
            headers_to_add: vec![("x-amz-security-token".into(), "TOKENTOKEN".into())],
            query_to_add: vec![("X-Amz-Security-Token".into(), "TOKENTOKEN".into())],
            signature: "abc".into(),
        };
        let debug = format!("{output:?}");
        assert!(!debug.contains("TOKENTOKEN") && debug.contains("abc"), "{debug}");

        for error in [SigningError::InvalidCredentials("the secret access key is empty"), SigningError::KeyDerivation] {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("SECRETSECRET"), "{shown}");
        }
        assert_eq!(format!("{:?}", SignableBody::Bytes(b"SECRETSECRET")), "Bytes(12 bytes)");
    }
}
