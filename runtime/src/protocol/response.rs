//! Responses: a successful response becomes the operation's output, an error response becomes
//! an [`Error`] that carries the service's code, message, request id and, when the code is one of
//! the operation's modeled errors, the typed error.

use http::HeaderMap;

use super::codec::ReadStructureFn;
use super::errors::{decode_exception, error_facts, modeled_index, OperationErrors};
use super::rest::payload_member;
use super::{cbor, header, json, snippet, xml, CodecError, ResponseError};
use crate::error::ServiceError;
use crate::schema::{flags, shape_flags, DecodeException, Location, Operation, Protocol, Schema, Service, ShapeKind};
use crate::shape::{Shape, ValueMut};
use crate::stream::ByteStream;
use crate::types::Document;
use crate::{Error, ErrorKind};

/// Reads a successful response into `output`.
///
/// `body` is taken whole: a streaming payload member receives it as it is, every other output
/// needs it in memory (the dispatcher buffers it, bounded, for such operations).
pub fn deserialize_response(
    service: &'static Service,
    op: &'static Operation,
    status: u16,
    headers: &HeaderMap,
    body: ByteStream,
    output: &mut dyn Shape,
) -> Result<(), Error> {
    let fail = |reason: String, body: &[u8]| {
        let snippet = (!may_hold_secrets(op.output, 0)).then(|| snippet(body));
        Error::new(ErrorKind::Response, ResponseError { status, reason, snippet }).with_operation(op.name)
    };
    let schema = op.output;
    let bind = service.codec.bind;
    if let Some(bind) = bind {
        bind(schema, output, status, headers).map_err(|reason| fail(reason, b""))?;
    }
    // An event stream is the whole body, read message by message as the caller asks; the RPC
    // protocols' `initial-response` is read by `event_stream::read_initial_response`.
    let body = match crate::event_stream::attach_body(service, op, status, headers, body, output) {
        Ok(()) => return Ok(()),
        Err(body) => body,
    };
    if bind.is_some() {
        if let Some((i, member)) = payload_member(schema) {
            if member.target.kind == ShapeKind::StreamingBlob {
                if let Some(field) = output.field_mut(i) {
                    if let ValueMut::Stream(stream) = field.get_mut() {
                        *stream = body;
                    }
                }
                return Ok(());
            }
        }
    }
    let Some(bytes) = body.as_bytes() else {
        return Err(fail("the body was not buffered before parsing (a dispatcher bug)".into(), b""));
    };
    if service.protocol == Protocol::RestXml && is_xml_error(bytes) && payload_member(schema).is_none() {
        // S3 answers some operations (CompleteMultipartUpload, CopyObject, UploadPartCopy) with
        // 200 and an error document when they fail after the headers went out.
        return Err(deserialize_error::<super::NoErrors>(service, op, status, headers, bytes));
    }
    (service.codec.read)(op, bytes, output).map_err(|e| fail(e.to_string(), bytes))
}

/// The JSON protocol's successful response body.
pub(crate) fn read_json(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    json::from_json(bytes, output, op.output).map_err(json_error)
}

/// The CBOR protocol's successful response body.
pub(crate) fn read_cbor(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    cbor::from_cbor(bytes, output, op.output)
}

/// The query protocol's successful response body: the output inside `<OpResponse><OpResult>`.
pub(crate) fn read_query(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    let response = format!("{}Response", op.name);
    let result = op.result_wrapper.map_or_else(|| format!("{}Result", op.name), str::to_owned);
    xml::read_xml(bytes, output, op.output, &[&response, &result])
}

/// The EC2 protocol's successful response body: the output is `<OpResponse>` itself.
pub(crate) fn read_ec2(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    xml::read_xml(bytes, output, op.output, &[&format!("{}Response", op.name)])
}

/// The rest-json protocol's successful response body.
pub(crate) fn read_rest_json(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    read_rest(op.output, bytes, output, read_json_payload)
}

/// The rest-xml protocol's successful response body.
pub(crate) fn read_rest_xml(op: &'static Operation, bytes: &[u8], output: &mut dyn Shape) -> Result<(), CodecError> {
    read_rest(op.output, bytes, output, read_xml_payload)
}

/// A structure from a whole JSON body: what the two REST protocols differ in when reading.
pub(crate) fn read_json_payload(
    bytes: &[u8],
    shape: &mut dyn Shape,
    schema: &'static Schema,
) -> Result<(), CodecError> {
    json::from_json(bytes, shape, schema).map_err(json_error)
}

/// A structure from a whole CBOR body (also an error's members: CBOR errors have no wrapper).
pub(crate) fn read_cbor_payload(
    bytes: &[u8],
    shape: &mut dyn Shape,
    schema: &'static Schema,
) -> Result<(), CodecError> {
    cbor::from_cbor(bytes, shape, schema)
}

/// A structure from a whole XML body, whatever its root element's name.
pub(crate) fn read_xml_payload(bytes: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), CodecError> {
    xml::read_xml(bytes, shape, schema, &[])
}

fn read_rest(
    schema: &'static Schema,
    bytes: &[u8],
    output: &mut dyn Shape,
    read: ReadStructureFn,
) -> Result<(), CodecError> {
    if let Some((i, member)) = payload_member(schema) {
        let Some(field) = output.field_mut(i) else { return Ok(()) };
        return read_payload(read, member, field, bytes);
    }
    // A response has no URI or query string: members the model places there come in the body,
    // if anywhere.
    let in_body = schema.members.iter().any(|m| matches!(m.location, Location::Body | Location::Uri | Location::Query));
    if !in_body || bytes.is_empty() {
        return Ok(());
    }
    read(bytes, output, schema)
}

pub(crate) fn json_error(e: json::DeserializeError) -> CodecError {
    CodecError { path: e.path().to_owned(), reason: e.reason().to_owned(), offset: e.offset() }
}

/// Reads the payload member of a REST output from the whole body.
fn read_payload(
    read: ReadStructureFn,
    member: &'static crate::schema::Member,
    field: &mut dyn crate::shape::Value,
    bytes: &[u8],
) -> Result<(), CodecError> {
    // An empty body carries no payload: the member stays unset rather than becoming an empty
    // blob or an unknown union variant.
    if bytes.is_empty() {
        return Ok(());
    }
    match field.get_mut() {
        ValueMut::Blob(blob) => *blob = bytes.to_vec().into(),
        ValueMut::Str(s) => {
            *s = String::from_utf8(bytes.to_vec()).map_err(|_| CodecError::at("$", "the text payload is not UTF-8"))?;
        }
        ValueMut::Enum(e) => {
            e.set_str(core::str::from_utf8(bytes).map_err(|_| CodecError::at("$", "the text payload is not UTF-8"))?);
        }
        ValueMut::Document(doc) if !bytes.is_empty() => {
            *doc = Document::from_json_slice(bytes).map_err(|e| CodecError::syntax(e.offset(), e.to_string()))?;
        }
        ValueMut::Shape(shape) if !bytes.is_empty() => {
            read(bytes, shape, member.target)?;
        }
        _ => {}
    }
    Ok(())
}

/// True when the body's root element is `<Error>`.
pub(crate) fn is_xml_error(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    loop {
        let trimmed = rest.trim_ascii_start();
        if let Some(after) = trimmed.strip_prefix(b"<?") {
            match after.windows(2).position(|w| w == b"?>") {
                Some(end) => rest = &after[end + 2..],
                None => return false,
            }
        } else {
            return trimmed.starts_with(b"<Error>") || trimmed.starts_with(b"<Error ");
        }
    }
}

/// Builds the error of a failed call from the response: code, message and request id, plus the
/// typed modeled error when the code is one of the operation's, and the service-wide
/// `errors::Exception` when it is any of the service's.
pub fn deserialize_error<E: OperationErrors>(
    service: &'static Service,
    op: &'static Operation,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    deserialize_error_with(service, op, status, headers, body, decode_exception::<E>)
}

/// [`deserialize_error`] with the operation's decoder as a function pointer: the one copy of the
/// work, where the generic shim above is compiled once per operation's error type.
fn deserialize_error_with(
    service: &'static Service,
    op: &'static Operation,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    decode: DecodeException,
) -> Error {
    let facts = error_facts(service, status, headers, body);
    let index = modeled_index(op.errors, &facts);
    let modeled = index.and_then(|i| {
        let schema = op.errors[i];
        decode(i, &mut |shape| read_error_members(service, schema, status, headers, body, shape))
    });
    // The service-wide enum too, listed or not, so that `errors::Exception` matches any error
    // the service models; error bodies are small and rare, so reading one twice is cheap.
    let exception = service.exceptions.and_then(|table| {
        let i = modeled_index(table.schemas, &facts)?;
        let schema = table.schemas[i];
        (table.decode)(i, &mut |shape| read_error_members(service, schema, status, headers, body, shape))
    });
    let service_error = ServiceError {
        status,
        code: facts.code,
        message: facts.message,
        request_id: facts.request_id,
        extended_request_id: header(headers, "x-amz-id-2").map(str::to_owned),
        host: String::new(),
    };
    let mut error = Error::service(service_error).with_operation(op.name);
    if let Some(modeled) = modeled {
        error = error.with_modeled(modeled);
    }
    if let Some(exception) = exception {
        error = error.with_exception(exception);
    }
    error
}

fn read_error_members(
    service: &'static Service,
    schema: &'static Schema,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    shape: &mut dyn Shape,
) -> Result<(), CodecError> {
    (service.codec.read_error)(body, shape, schema)?;
    if let Some(bind) = service.codec.bind {
        bind(schema, shape, status, headers).map_err(|reason| CodecError::at("headers", reason))?;
    }
    Ok(())
}

/// True when a value of `schema` may hold a sensitive member, so a snippet of its body must not
/// be shown. Deeply nested or recursive shapes are assumed to.
fn may_hold_secrets(schema: &'static Schema, depth: usize) -> bool {
    if depth > 8 {
        return true;
    }
    schema.has(shape_flags::SENSITIVE)
        || schema.members.iter().any(|m| m.has(flags::SENSITIVE) || may_hold_secrets(m.target, depth + 1))
}
