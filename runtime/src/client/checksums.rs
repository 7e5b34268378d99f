//! Flexible checksums as botocore (1.36 and later) applies them (`httpchecksum.py`).
//!
//! Request side, after serialisation: an operation with the `httpChecksum` trait gets a checksum
//! when it requires one (`requestChecksumRequired`, or the older `httpChecksumRequired`, which
//! botocore now also answers with CRC32 instead of `Content-MD5`), when the caller chose an
//! algorithm, or when `request_checksum_calculation` is `when_supported` (the default) and the
//! operation models an algorithm member. A caller's own `x-amz-checksum-*` value turns all of
//! this off. Where the default applies, the algorithm member's header
//! (`x-amz-sdk-checksum-algorithm: CRC32`) is set too, and presigned requests get no default.
//! The checksum goes in a header, or, for operations with a streaming input over HTTPS, in the
//! trailer of an `aws-chunked` body.
//!
//! Response side: with `response_checksum_validation = when_supported` (the default) the
//! validation-mode member (`ChecksumMode`) is set to `ENABLED` unless the caller set it, and a
//! response that carries a checksum header is checked against it: whole for buffered bodies,
//! as it is read for streams. Composite checksums of multipart objects (`...-3`) are skipped.
//!
//! Where this differs from botocore: a streaming body that is not in memory goes out with a
//! trailer over plain HTTP too, since botocore's header form reads the body twice (it seeks
//! file objects back) and a one-shot stream cannot be read twice. CRC32C and CRC64NVME are
//! computed here, as botocore does when `awscrt` is installed.

use http::header::{HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};

use crate::config::ChecksumWhen;
use crate::protocol::checksum::{Checksum, ChecksumAlgorithm};
use crate::protocol::checksum_body::{mismatch, AwsChunked, ValidatedBody};
use crate::protocol::{RequestError, ResponseError, SerializedRequest};
use crate::schema::{flags, op_flags, Location, Operation, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::stream::ByteStream;
use crate::{Error, ErrorKind};

/// botocore's `DEFAULT_CHECKSUM_ALGORITHM`.
const DEFAULT_ALGORITHM: ChecksumAlgorithm = ChecksumAlgorithm::Crc32;

impl super::Inner {
    /// `request_checksum_calculation`: the client's, else the session's.
    pub(super) fn request_checksum_calculation(&self) -> ChecksumWhen {
        self.config.request_checksum_calculation.unwrap_or_else(|| self.session.config().request_checksum_calculation())
    }

    /// `response_checksum_validation`: the client's, else the session's.
    pub(super) fn response_checksum_validation(&self) -> ChecksumWhen {
        self.config.response_checksum_validation.unwrap_or_else(|| self.session.config().response_checksum_validation())
    }
}

/// Sets the operation's validation-mode member to `ENABLED` unless the caller set it, as
/// botocore's `_handle_request_validation_mode_member` does under `when_supported`.
pub(crate) fn enable_response_validation(op: &'static Operation, input: &mut dyn Shape, when: ChecksumWhen) {
    if when != ChecksumWhen::WhenSupported {
        return;
    }
    let Some(mode) = op.checksum.and_then(|c| c.request_validation_mode_member) else { return };
    let Some((i, _)) = op.input.member(mode) else { return };
    let Some(field) = input.field_mut(i) else { return };
    if field.get().is_some() {
        return;
    }
    match field.get_mut() {
        ValueMut::Enum(value) => value.set_str("ENABLED"),
        ValueMut::Str(value) => "ENABLED".clone_into(value),
        _ => {}
    }
}

/// How a request's checksum is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    algorithm: ChecksumAlgorithm,
    /// In the trailer of an `aws-chunked` body rather than in a header.
    trailer: bool,
    /// The algorithm member's header, set to the algorithm's name when the default applied.
    algorithm_header: Option<&'static str>,
}

/// Adds the request checksum the operation, the caller and `when` call for.
///
/// `https` is the endpoint's scheme and `presign` whether the request is being presigned.
pub(crate) fn add_request_checksum(
    op: &'static Operation,
    input: &dyn Shape,
    request: &mut SerializedRequest,
    when: ChecksumWhen,
    https: bool,
    presign: bool,
) -> Result<(), RequestError> {
    let Some(plan) = plan(op, input, request, when, https, presign)? else { return Ok(()) };
    let name = HeaderName::from_static(plan.algorithm.header_name());
    if plan.trailer {
        let body = std::mem::take(&mut request.body);
        let chunked = AwsChunked::new(body.into_stream(), plan.algorithm);
        let headers = &mut request.headers;
        headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        let encoding = match headers.get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()) {
            Some(existing) if !existing.is_empty() => format!("{existing},aws-chunked"),
            _ => "aws-chunked".to_owned(),
        };
        let encoding = HeaderValue::try_from(encoding)
            .map_err(|_| RequestError::new("the Content-Encoding header is not a valid header value"))?;
        headers.insert(CONTENT_ENCODING, encoding);
        headers
            .insert(HeaderName::from_static("x-amz-trailer"), HeaderValue::from_static(plan.algorithm.header_name()));
        if let Some(length) = chunked.decoded_length() {
            headers.insert(HeaderName::from_static("x-amz-decoded-content-length"), HeaderValue::from(length));
        }
        headers.remove(CONTENT_LENGTH);
        request.body = chunked.into();
    } else {
        let Some(bytes) = request.body.as_bytes() else {
            // Only operations with a streaming input take a stream, and those use a trailer.
            return Err(RequestError::new("a checksum header needs the body in memory"));
        };
        let value = HeaderValue::try_from(plan.algorithm.digest_base64(bytes))
            .map_err(|_| RequestError::new("the checksum is not a valid header value"))?;
        request.headers.insert(name, value);
    }
    if let Some(header) = plan.algorithm_header {
        let header = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| RequestError::new(format!("the model names an invalid header {header:?}")))?;
        request.headers.insert(header, HeaderValue::from_static(plan.algorithm.name()));
    }
    Ok(())
}

/// botocore's `resolve_request_checksum_algorithm`: which algorithm, where, or nothing.
fn plan(
    op: &'static Operation,
    input: &dyn Shape,
    request: &SerializedRequest,
    when: ChecksumWhen,
    https: bool,
    presign: bool,
) -> Result<Option<Plan>, RequestError> {
    // Most operations have neither trait: they pay for this one test and nothing else.
    if op.checksum.is_none() && !op.has(op_flags::CHECKSUM_REQUIRED) {
        return Ok(None);
    }
    // A checksum the caller supplied (`ChecksumCRC32`, ...) is sent as it is.
    if request.headers.keys().any(|name| is_checksum_header(name.as_str())) {
        return Ok(None);
    }
    let required = op.has(op_flags::CHECKSUM_REQUIRED) || op.checksum.is_some_and(|c| c.request_checksum_required);
    let member = op.checksum.and_then(|c| c.request_algorithm_member).and_then(|name| op.input.member(name));
    let chosen = member.and_then(|(i, _)| match input.field(i).and_then(Value::get) {
        Some(ValueRef::Str(name)) => Some(name),
        _ => None,
    });
    let (algorithm, algorithm_header) = match chosen {
        Some(name) => {
            let algorithm = ChecksumAlgorithm::from_name(name).ok_or_else(|| {
                RequestError::new(format!(
                    "unsupported checksum algorithm {name:?} (use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256)"
                ))
            })?;
            (algorithm, None)
        }
        None if required || (member.is_some() && when == ChecksumWhen::WhenSupported) => {
            if presign {
                return Ok(None);
            }
            let header =
                member.filter(|(_, m)| m.location == Location::Header).map(|(_, m)| m.location_name.unwrap_or(m.name));
            (DEFAULT_ALGORITHM, header)
        }
        None => return Ok(None),
    };
    let streaming_input =
        op.input.members.iter().any(|m| m.has(flags::PAYLOAD) && m.target.kind == ShapeKind::StreamingBlob);
    let trailer = streaming_input && (https || request.body.as_bytes().is_none());
    Ok(Some(Plan { algorithm, trailer, algorithm_header }))
}

/// botocore's `CHECKSUM_HEADER_PATTERN`: `x-amz-checksum-` and letters or digits, any case.
fn is_checksum_header(name: &str) -> bool {
    let prefix = "x-amz-checksum-";
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && name.as_bytes()[prefix.len()..].iter().all(u8::is_ascii_alphanumeric)
}

/// Checks the response body against its checksum header when the caller's input asked for
/// validation (the validation-mode member is set): a buffered body now, a stream as it is read.
/// Returns the body to parse.
pub(crate) fn check_response(
    op: &'static Operation,
    input: &dyn Shape,
    status: u16,
    headers: &http::HeaderMap,
    body: ByteStream,
) -> Result<ByteStream, Error> {
    let Some((algorithm, expected)) = response_checksum(op, input, headers) else { return Ok(body) };
    if let Some(bytes) = body.as_bytes() {
        let mut checksum = Checksum::new(algorithm);
        checksum.update(bytes);
        if let Some(reason) = mismatch(checksum, expected) {
            return Err(Error::new(ErrorKind::Response, ResponseError::new(status, reason)).with_operation(op.name));
        }
        return Ok(body);
    }
    Ok(ValidatedBody::wrap(body, algorithm, expected))
}

/// botocore's `resolve_response_checksum_algorithms` and `handle_checksum_body`: the first
/// algorithm, in the SDKs' order of preference, that the operation models and the response
/// carries as a whole-body checksum.
fn response_checksum<'h>(
    op: &'static Operation,
    input: &dyn Shape,
    headers: &'h http::HeaderMap,
) -> Option<(ChecksumAlgorithm, &'h str)> {
    let checksum = op.checksum?;
    let (i, _) = op.input.member(checksum.request_validation_mode_member?)?;
    input.field(i).and_then(Value::get)?;
    ChecksumAlgorithm::ALL.into_iter().find_map(|algorithm| {
        let modeled = checksum.response_algorithms.iter().any(|name| name.eq_ignore_ascii_case(algorithm.name()));
        let value = headers.get(algorithm.header_name())?.to_str().ok()?;
        (modeled && !value.contains('-')).then_some((algorithm, value))
    })
}

#[cfg(test)]
#[path = "checksums_tests.rs"]
mod tests;
