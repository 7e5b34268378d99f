//! The canonical request: the one deterministic text that both the client and AWS derive from a
//! request, and whose hash is what actually gets signed. SigV4 and SigV4a share all of it; they
//! differ only in the algorithm name, the credential scope and the region-set header.

use crate::percent::{encode, encode_into};
use core::fmt;
use std::borrow::Cow;

use super::{sha256_hex, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation};
use super::{SigningError, SigningOutput, SigningParams, MAX_PRESIGNED_EXPIRY};
use crate::text::concat;
use crate::types::DateTime;

/// The session token header name (lowercase, as the signer sends it).
pub(crate) const SECURITY_TOKEN: &str = "x-amz-security-token";
const SECURITY_TOKEN_PARAM: &str = "X-Amz-Security-Token";
const REGION_SET_PARAM: &str = "X-Amz-Region-Set";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// SHA-256 of no bytes, in hex.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// Query parameters the signer owns. A request that already carries one would end up with two
/// conflicting values, which AWS rejects, so it is refused up front.
const SIGNING_PARAMS: &[&str] =
    &["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];

/// The earliest and latest instants whose year has the four digits `X-Amz-Date` requires.
const MIN_SIGNING_SECS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SIGNING_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// The signature algorithms that share this canonicalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    V4,
    #[cfg(feature = "sigv4a")]
    V4a,
}

impl Algorithm {
    fn name(self) -> &'static str {
        match self {
            Algorithm::V4 => "AWS4-HMAC-SHA256",
            #[cfg(feature = "sigv4a")]
            Algorithm::V4a => "AWS4-ECDSA-P256-SHA256",
        }
    }

    /// SigV4a signs for a set of regions, announced in `X-Amz-Region-Set`, instead of putting one
    /// region in the credential scope.
    fn uses_region_set(self) -> bool {
        match self {
            Algorithm::V4 => false,
            #[cfg(feature = "sigv4a")]
            Algorithm::V4a => true,
        }
    }
}

/// A canonical request together with everything needed to finish signing it.
///
/// [`as_str`](Self::as_str) is the exact text that is hashed. It contains the session token when
/// the token is signed, so this type has no `Display` and its `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: String,
    algorithm: &'static str,
    /// `YYYYMMDD'T'HHMMSS'Z'`, the `X-Amz-Date` value.
    amz_date: String,
    /// `date/region/service/aws4_request` (SigV4) or `date/service/aws4_request` (SigV4a).
    scope: String,
    access_key_id: String,
    in_query: bool,
    /// Headers or query parameters that go on the request whatever the signature turns out to be.
    headers_to_add: Vec<(String, String)>,
    query_to_add: Vec<(String, String)>,
    /// The session token when it is sent but deliberately left out of the signature.
    unsigned_token: Option<String>,
}

impl CanonicalRequest {
    /// The canonical request text, exactly as hashed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `;`-separated lowercase names of the signed headers.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The credential scope, e.g. `20150830/us-east-1/iam/aws4_request`.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The string to sign: algorithm, timestamp, scope and the hex SHA-256 of the canonical
    /// request, one per line.
    pub fn string_to_sign(&self) -> String {
        let hash = sha256_hex(self.text.as_bytes());
        concat(&[self.algorithm, "\n", &self.amz_date, "\n", &self.scope, "\n", &hash])
    }

    /// The `YYYYMMDD` date that starts the scope (and keys the SigV4 signing key).
    pub(crate) fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or_default()
    }

    /// Turns the computed signature into what the transport has to add.
    pub(crate) fn into_output(self, signature: String) -> SigningOutput {
        let CanonicalRequest {
            algorithm,
            scope,
            access_key_id,
            signed_headers,
            in_query,
            mut headers_to_add,
            mut query_to_add,
            unsigned_token,
            ..
        } = self;
        if in_query {
            query_to_add.push(("X-Amz-Signature".to_owned(), signature.clone()));
            if let Some(token) = unsigned_token {
                query_to_add.push((SECURITY_TOKEN_PARAM.to_owned(), encode(token.as_bytes())));
            }
        } else {
            if let Some(token) = unsigned_token {
                headers_to_add.push((SECURITY_TOKEN.to_owned(), token));
            }
            let authorization = concat(&[
                algorithm,
                " Credential=",
                &access_key_id,
                "/",
                &scope,
                ", SignedHeaders=",
                &signed_headers,
                ", Signature=",
                &signature,
            ]);
            headers_to_add.push(("authorization".to_owned(), authorization));
        }
        SigningOutput { headers_to_add, query_to_add, signature }
    }
}

impl fmt::Debug for CanonicalRequest {
    /// Shows the canonical text with any session token replaced, line by line: the token can
    /// only appear as the `x-amz-security-token` header line or inside the query line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = String::with_capacity(self.text.len());
        for (index, line) in self.text.split('\n').enumerate() {
            if index > 0 {
                shown.push('\n');
            }
            if line.starts_with("x-amz-security-token:") {
                shown.push_str("x-amz-security-token:** redacted **");
            } else if index == 2 {
                let params: Vec<&str> = line
                    .split('&')
                    .map(|pair| match pair.starts_with("X-Amz-Security-Token=") {
                        true => "X-Amz-Security-Token=** redacted **",
                        false => pair,
                    })
                    .collect();
                shown.push_str(&params.join("&"));
            } else {
                shown.push_str(line);
            }
        }
        f.debug_struct("CanonicalRequest")
            .field("text", &shown)
            .field("signed_headers", &self.signed_headers)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Builds the canonical request for `algorithm`, validating every input on the way.
pub(crate) fn build(
    request: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    algorithm: Algorithm,
) -> Result<CanonicalRequest, SigningError> {
    let settings = &params.settings;
    let credentials = params.credentials;
    let access_key_id = credentials.access_key_id();
    if access_key_id.is_empty() || !access_key_id.bytes().all(is_scope_byte) {
        return Err(SigningError::InvalidCredentials(
            "the access key id is empty or has characters a scope cannot hold",
        ));
    }
    if credentials.secret_access_key().is_empty() {
        return Err(SigningError::InvalidCredentials("the secret access key is empty"));
    }
    // An empty token is what some credential sources produce for "no token".
    let token = credentials.session_token().filter(|token| !token.is_empty());
    if token.is_some_and(|token| !is_header_value(token)) {
        return Err(SigningError::InvalidCredentials("the session token contains a control character"));
    }
    let region_ok = |byte: u8| is_scope_byte(byte) || (algorithm.uses_region_set() && matches!(byte, b',' | b'*'));
    if params.region.is_empty() || !params.region.bytes().all(region_ok) {
        return Err(SigningError::InvalidRegion(params.region.to_owned()));
    }
    if params.service.is_empty() || !params.service.bytes().all(is_scope_byte) {
        return Err(SigningError::InvalidService(params.service.to_owned()));
    }
    if request.method.is_empty() || !request.method.bytes().all(is_token_byte) {
        return Err(SigningError::InvalidMethod);
    }
    let amz_date = amz_date(params.time)?;
    // `amz_date` is 16 ASCII characters (the range check above guarantees four-digit years).
    let date = amz_date.get(..8).unwrap_or_default();
    let scope = match algorithm.uses_region_set() {
        true => concat(&[date, "/", params.service, "/aws4_request"]),
        false => concat(&[date, "/", params.region, "/", params.service, "/aws4_request"]),
    };
    let expires_in = match settings.signature_location {
        SignatureLocation::Headers => None,
        SignatureLocation::QueryParams { expires_in } => {
            if expires_in.as_secs() == 0 || expires_in > MAX_PRESIGNED_EXPIRY {
                return Err(SigningError::InvalidExpiry(expires_in));
            }
            Some(expires_in.as_secs())
        }
    };
    let in_query = expires_in.is_some();
    let payload_hash = payload_hash(&request.body)?;
    let (path, query) = split_uri(request.uri)?;
    let sign_token = settings.session_token_mode == SessionTokenMode::Include;

    // Headers the signer adds. In presigned requests they become query parameters instead, so
    // that the URL works for a client that sends nothing but `host`.
    let mut headers_to_add = Vec::new();
    if !in_query {
        headers_to_add.push(("x-amz-date".to_owned(), amz_date.clone()));
        if let (Some(token), true) = (token, sign_token) {
            headers_to_add.push((SECURITY_TOKEN.to_owned(), token.to_owned()));
        }
        if settings.payload_checksum_header {
            headers_to_add.push(("x-amz-content-sha256".to_owned(), payload_hash.clone()));
        }
        if algorithm.uses_region_set() {
            headers_to_add.push(("x-amz-region-set".to_owned(), params.region.to_owned()));
        }
    }
    let (canonical_headers, signed_headers) = canonical_headers(request.headers, params, &headers_to_add, token)?;

    let mut query_to_add = Vec::new();
    if let Some(expires) = expires_in {
        let encoded = |value: &str| encode(value.as_bytes());
        query_to_add.push(("X-Amz-Algorithm".to_owned(), algorithm.name().to_owned()));
        query_to_add.push(("X-Amz-Credential".to_owned(), encoded(&format!("{access_key_id}/{scope}"))));
        query_to_add.push(("X-Amz-Date".to_owned(), amz_date.clone()));
        query_to_add.push(("X-Amz-SignedHeaders".to_owned(), encoded(&signed_headers)));
        query_to_add.push(("X-Amz-Expires".to_owned(), expires.to_string()));
        if let (Some(token), true) = (token, sign_token) {
            query_to_add.push((SECURITY_TOKEN_PARAM.to_owned(), encoded(token)));
        }
        if algorithm.uses_region_set() {
            query_to_add.push((REGION_SET_PARAM.to_owned(), encoded(params.region)));
        }
    }
    let reserved_token = in_query && token.is_some();
    let reserved_region_set = in_query && algorithm.uses_region_set();
    let canonical_query = canonical_query(query, &query_to_add, reserved_token, reserved_region_set)?;
    let canonical_path = canonical_path(path, settings.normalize_uri_path, settings.double_uri_encode);

    let text = concat(&[
        request.method,
        "\n",
        &canonical_path,
        "\n",
        &canonical_query,
        "\n",
        &canonical_headers,
        "\n",
        &signed_headers,
        "\n",
        &payload_hash,
    ]);
    let unsigned_token = match sign_token {
        true => None,
        false => token.map(str::to_owned),
    };
    Ok(CanonicalRequest {
        text,
        signed_headers,
        algorithm: algorithm.name(),
        amz_date,
        scope,
        access_key_id: access_key_id.to_owned(),
        in_query,
        headers_to_add,
        query_to_add,
        unsigned_token,
    })
}

/// Formats the signing time as `X-Amz-Date` wants it: `20150830T123600Z`.
fn amz_date(time: DateTime) -> Result<String, SigningError> {
    if !(MIN_SIGNING_SECS..=MAX_SIGNING_SECS).contains(&time.secs()) {
        return Err(SigningError::TimeOutOfRange(time));
    }
    // The range check above keeps the year within the four digits the format has.
    crate::types::datetime::basic_iso8601(time).ok_or(SigningError::TimeOutOfRange(time))
}

fn payload_hash(body: &SignableBody<'_>) -> Result<String, SigningError> {
    Ok(match body {
        // GETs and most HEADs carry no body; its hash is a constant.
        SignableBody::Bytes([]) => EMPTY_SHA256.to_owned(),
        SignableBody::Bytes(bytes) => sha256_hex(bytes),
        SignableBody::UnsignedPayload => UNSIGNED_PAYLOAD.to_owned(),
        SignableBody::StreamingUnsignedPayloadTrailer => STREAMING_UNSIGNED_PAYLOAD_TRAILER.to_owned(),
        SignableBody::Precomputed(hash) => {
            // The hash is also sent as a header value, so it must be a single visible token.
            if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(SigningError::InvalidPayloadHash);
            }
            (*hash).to_owned()
        }
    })
}

/// Splits an origin-form target into path and query, rejecting what cannot be a request target.
fn split_uri(uri: &str) -> Result<(&str, &str), SigningError> {
    if !uri.starts_with('/') {
        return Err(SigningError::InvalidUri("it must be origin-form, starting with '/'"));
    }
    if uri.contains('#') {
        return Err(SigningError::InvalidUri("fragments ('#') are never sent"));
    }
    // Control characters would corrupt the request line (and the canonical request's lines).
    if uri.bytes().any(|b| b.is_ascii_control()) {
        return Err(SigningError::InvalidUri("it contains a control character"));
    }
    Ok(uri.split_once('?').unwrap_or((uri, "")))
}

/// The canonical URI path.
///
/// Normalisation works on the path as sent and follows the CRT signer (and the suite): empty and
/// `.` segments are dropped, `..` removes the previous segment, the result starts with `/` and
/// keeps a trailing `/` only if the input had one.
///
/// With double encoding (every service but S3) AWS percent-encodes the path as it arrived on the
/// wire once more, so `%` becomes `%25`; raw characters that should have been encoded (a space,
/// UTF-8) are encoded just once. S3 compares against the decoded key encoded once, so in single
/// mode each segment is decoded and re-encoded, which is the identity for a correctly encoded
/// path and repairs lowercase hex or raw sub-delimiters.
pub(crate) fn canonical_path(path: &str, normalize: bool, double_encode: bool) -> String {
    let path: Cow<'_, str> = match normalize {
        true => Cow::Owned(normalize_path(path)),
        false => Cow::Borrowed(path),
    };
    let mut out = String::with_capacity(path.len() + 16);
    if double_encode {
        encode_into(&mut out, path.as_bytes(), true);
    } else {
        for (index, segment) in path.split('/').enumerate() {
            if index > 0 {
                out.push('/');
            }
            encode_into(&mut out, &decode(segment, false), false);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&segments.join("/"));
    if !segments.is_empty() && path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical query string: every parameter decoded, re-encoded per RFC 3986 and sorted by
/// encoded name then value, with the signer's own parameters (already encoded) merged in.
///
/// Decoding treats `+` as a space, as AWS front ends do when they parse the query, so that a
/// hand-written `a+b` is signed the way the service will read it.
fn canonical_query(
    query: &str,
    signer_params: &[(String, String)],
    reserved_token: bool,
    reserved_region_set: bool,
) -> Result<String, SigningError> {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(signer_params.len() + 4);
    for piece in query.split('&').filter(|piece| !piece.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let name = decode(name, true);
        let is = |reserved: &str| name.eq_ignore_ascii_case(reserved.as_bytes());
        let taken = SIGNING_PARAMS.iter().any(|reserved| is(reserved))
            || (reserved_token && is(SECURITY_TOKEN_PARAM))
            || (reserved_region_set && is(REGION_SET_PARAM));
        if taken {
            return Err(SigningError::ReservedQueryParam(String::from_utf8_lossy(&name).into_owned()));
        }
        pairs.push((encode(&name), encode(&decode(value, true))));
    }
    pairs.extend(signer_params.iter().cloned());
    pairs.sort_unstable();
    let mut out = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    Ok(out)
}

/// Returns the canonical header block (`name:value\n` per header, sorted) and the signed-header
/// list, from the request's headers plus those the signer adds.
fn canonical_headers(
    headers: &[(&str, &str)],
    params: &SigningParams<'_>,
    signer_headers: &[(String, String)],
    token: Option<&str>,
) -> Result<(String, String), SigningError> {
    let settings = &params.settings;
    let in_query = matches!(settings.signature_location, SignatureLocation::QueryParams { .. });
    // Names and values borrow from the request where they are already canonical (lowercase
    // names, values without surrounding or repeated spaces), which is nearly always.
    let mut entries: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(headers.len() + signer_headers.len());
    for &(name, value) in headers {
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(SigningError::InvalidHeaderName(name.to_owned()));
        }
        if !is_header_value(value) {
            return Err(SigningError::InvalidHeaderValue(name.to_owned()));
        }
        let lower: Cow<'_, str> = match name.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(name.to_ascii_lowercase()),
            false => Cow::Borrowed(name),
        };
        let added_by_signer = signer_headers.iter().any(|(added, _)| *added == lower);
        let reserved =
            matches!(&*lower, "authorization" | "x-amz-date") || (lower == SECURITY_TOKEN && token.is_some());
        if added_by_signer || reserved {
            return Err(SigningError::ReservedHeader(lower.into_owned()));
        }
        if settings.excluded_headers.iter().any(|excluded| excluded.eq_ignore_ascii_case(&lower)) {
            continue;
        }
        // A presigned URL is often handed to another client (a browser, curl) that will not send
        // the SDK's own user agent or checksum-mode headers, so those must not be signed.
        if in_query && matches!(&*lower, "x-amz-user-agent" | "x-amz-checksum-mode") {
            continue;
        }
        entries.push((lower, canonical_header_value(value)));
    }
    entries.extend(signer_headers.iter().map(|(n, v)| (Cow::Borrowed(n.as_str()), Cow::Borrowed(v.as_str()))));
    if !entries.iter().any(|(name, _)| name == "host") {
        return Err(SigningError::MissingHostHeader);
    }
    // Stable, so repeated headers keep their order when their values are joined.
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let size = entries.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let mut block = String::with_capacity(size);
    let mut signed = String::with_capacity(size);
    let mut previous: Option<&str> = None;
    for (name, value) in &entries {
        if previous == Some(&**name) {
            block.push(',');
        } else {
            if previous.is_some() {
                block.push('\n');
                signed.push(';');
            }
            block.push_str(name);
            block.push(':');
            signed.push_str(name);
        }
        block.push_str(value);
        previous = Some(name);
    }
    block.push('\n');
    Ok((block, signed))
}

/// Trims the value and collapses runs of spaces, as the SigV4 rules require.
fn canonical_header_value(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(|c| c == ' ' || c == '\t');
    if !trimmed.contains("  ") {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut last_was_space = false;
    for c in trimmed.chars() {
        if c == ' ' && last_was_space {
            continue;
        }
        last_was_space = c == ' ';
        out.push(c);
    }
    Cow::Owned(out)
}

/// RFC 7230 `tchar`: what header names and methods may consist of.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// A header value may hold anything but control characters (horizontal tab excepted): a CR or
/// LF would let the value inject further headers.
fn is_header_value(value: &str) -> bool {
    value.bytes().all(|b| b == b'\t' || !b.is_ascii_control())
}

/// Characters allowed in the parts of a credential scope. Whitespace, `/` (the scope separator)
/// and `,;=` (separators of the `Authorization` header) would make the scope ambiguous.
fn is_scope_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'/' | b',' | b';' | b'=')
}

/// Percent-decoding. A `%` not followed by two hex digits is kept literally (and so encoded as
/// `%25` later), matching how lenient servers treat it, rather than failing the request.
fn decode(text: &str, plus_as_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let escaped = match (byte, bytes.get(index + 1), bytes.get(index + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_value(high).zip(hex_value(low)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                index += 3;
            }
            None => {
                out.push(if plus_as_space && byte == b'+' { b' ' } else { byte });
                index += 1;
            }
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_follows_the_suite() {
        let cases = [
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("//example//", "/example/"),
            ("/a/b/../c/./d/", "/a/c/d/"),
            ("/../../a", "/a"),
            ("/a/.", "/a"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_path(input), expected, "{input}");
        }
    }

    #[test]
    fn path_encoding_modes() {
        // Double encoding encodes the wire form again: `%` becomes `%25`.
        assert_eq!(canonical_path("/a%3Ab/c d/ሴ", true, true), "/a%253Ab/c%20d/%E1%88%B4");
        // Single encoding is the identity on a correctly encoded path...
        assert_eq!(canonical_path("/bucket/a%20b%2Fc~d", false, false), "/bucket/a%20b%2Fc~d");
        // ...and repairs lowercase hex, raw sub-delimiters and stray percent signs.
        assert_eq!(canonical_path("/b/%3a!%zz%", false, false), "/b/%3A%21%25zz%25");
        // S3 keeps dot segments and empty segments.
        assert_eq!(canonical_path("/b//k/../x", false, false), "/b//k/../x");
    }

    #[test]
    fn query_is_decoded_reencoded_and_sorted() {
        let query = canonical_query("b=2&a=%7e&a=1&c&=e&d=x+y&&é=%E2%82%AC", &[], false, false).unwrap();
        // Sorting is bytewise on the encoded text, so `%` (0x25) sorts before letters.
        assert_eq!(query, "=e&%C3%A9=%E2%82%AC&a=1&a=~&b=2&c=&d=x%20y");
        let err = canonical_query("x-amz-signature=1", &[], false, false).unwrap_err();
        assert_eq!(err, SigningError::ReservedQueryParam("x-amz-signature".into()));
        assert!(canonical_query("X-Amz-Security-Token=t", &[], false, false).is_ok());
        assert!(canonical_query("X-Amz-Security-Token=t", &[], true, false).is_err());
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(canonical_header_value("  a   b \t c  "), "a b \t c");
        assert_eq!(canonical_header_value("\"a   b   c\""), "\"a b c\"");
        assert_eq!(canonical_header_value(""), "");
    }

    #[test]
    fn decoding_never_panics_on_truncated_escapes() {
        for input in ["%", "%4", "%%41", "%G1", "a%", "%ZZ%41", "%e1%88%b4"] {
            let _ = encode(&decode(input, true));
        }
        assert_eq!(decode("%41%4", false), b"A%4");
    }
}
