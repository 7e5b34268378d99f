//! Requests: an operation's input becomes method, URI, headers and body, by the service's
//! protocol. Endpoint, signing and sending come after, elsewhere.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};

use super::rest::{bind_request, has_body_members, payload_member};
use super::token::fill_idempotency_tokens;
use super::{cbor, gzip, json, query, xml, RequestError};
use crate::http::SdkBody;
use crate::schema::{flags, Operation, Protocol, Service, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::{Error, ErrorKind};

/// A request as the protocol lays it out, before the endpoint, signing and sending.
#[derive(Debug)]
pub struct SerializedRequest {
    pub method: &'static str,
    /// Path and query, percent-encoded, starting with `/` (`/bucket/a%20b?list-type=2`).
    pub uri: String,
    pub headers: HeaderMap,
    pub body: SdkBody,
    /// The operation's host prefix with its labels filled (`foo.`, `bar-123.`), if it has one.
    pub host_prefix: Option<String>,
}

/// How finely timestamps are written: botocore's serializer option `timestamp_precision`, which
/// a service's `creating-serializer` handler may change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampPrecision {
    /// Each protocol's own way (what botocore's default gives for every committed service).
    #[default]
    Full,
    /// botocore's `millisecond`: in JSON bodies an ISO 8601 timestamp always has three fractional
    /// digits and an epoch-seconds one is a float of whole milliseconds, both truncated.
    Millisecond,
}

/// Bodies smaller than this are not worth compressing; botocore's default
/// `request_min_compression_size_bytes`.
const MIN_COMPRESSION_SIZE: usize = 10_240;

/// Lays out a call to `op` with `input` as the service's protocol wants it.
///
/// The input is taken mutably for two reasons: unset idempotency tokens are filled in (so a
/// retry sends the same token), and a streaming payload is moved into the request body.
pub fn serialize_request(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
) -> Result<SerializedRequest, Error> {
    serialize_request_with(service, op, input, TimestampPrecision::Full)
}

/// [`serialize_request`] with timestamps written at `precision`.
pub fn serialize_request_with(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    precision: TimestampPrecision,
) -> Result<SerializedRequest, Error> {
    serialize(service, op, input, precision).map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))
}

fn serialize(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    precision: TimestampPrecision,
) -> Result<SerializedRequest, RequestError> {
    refuse_input_event_stream(op)?;
    fill_idempotency_tokens(op.input, input);
    let mut request = (service.codec.write)(service, op, input, precision)?;
    request.host_prefix = host_prefix(op, input)?;
    compress(op, &mut request);
    Ok(request)
}

/// Operations whose input is an event stream are refused: sending events needs a bidirectional
/// HTTP/2 stream, which the client does not do yet.
pub(crate) fn refuse_input_event_stream(op: &'static Operation) -> Result<(), RequestError> {
    if op.input.members.iter().any(|m| m.has(flags::EVENT_STREAM)) {
        return Err(RequestError::new(format!(
            "{} sends an event stream, which tucuxi does not support yet (response event streams are supported)",
            op.name
        )));
    }
    Ok(())
}

fn new_request(op: &'static Operation, uri: String, headers: HeaderMap, body: SdkBody) -> SerializedRequest {
    SerializedRequest { method: op.method, uri, headers, body, host_prefix: None }
}

fn codec(e: impl core::fmt::Display) -> RequestError {
    RequestError::new(e.to_string())
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

pub(crate) fn json_rpc(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    precision: TimestampPrecision,
) -> Result<SerializedRequest, RequestError> {
    let mut body = String::new();
    json::to_json_with(input, op.input, &mut body, precision).map_err(codec)?;
    let mut headers = HeaderMap::new();
    let content_type = match service.json_version {
        Some("1.0") => "application/x-amz-json-1.0",
        _ => "application/x-amz-json-1.1",
    };
    set(&mut headers, CONTENT_TYPE, content_type);
    if let Some(prefix) = service.target_prefix {
        let target = HeaderValue::try_from(crate::text::concat(&[prefix, ".", op.name]))
            .map_err(|_| RequestError::new("the model's target prefix is not a valid header value"))?;
        headers.insert(HeaderName::from_static("x-amz-target"), target);
    }
    if service.aws_query_compatible {
        set(&mut headers, HeaderName::from_static("x-amzn-query-mode"), "true");
    }
    Ok(new_request(op, "/".into(), headers, SdkBody::from(body)))
}

pub(crate) fn query_rpc(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    _: TimestampPrecision,
) -> Result<SerializedRequest, RequestError> {
    let mut body = String::new();
    query::write_query(service.protocol == Protocol::Ec2, op.name, service.api_version, input, op.input, &mut body)
        .map_err(codec)?;
    let mut headers = HeaderMap::new();
    set(&mut headers, CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8");
    Ok(new_request(op, "/".into(), headers, SdkBody::from(body)))
}

pub(crate) fn cbor_rpc(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    _: TimestampPrecision,
) -> Result<SerializedRequest, RequestError> {
    let name = service.target_prefix.unwrap_or(service.service_id);
    let uri = format!("/service/{name}/operation/{}", op.name);
    let mut headers = HeaderMap::new();
    set(&mut headers, HeaderName::from_static("smithy-protocol"), "rpc-v2-cbor");
    set(&mut headers, http::header::ACCEPT, "application/cbor");
    if service.aws_query_compatible {
        set(&mut headers, HeaderName::from_static("x-amzn-query-mode"), "true");
    }
    // An operation without input sends no body at all; any other sends at least an empty map.
    if core::ptr::eq(op.input, &crate::schema::prim::UNIT) {
        return Ok(new_request(op, uri, headers, SdkBody::empty()));
    }
    let mut body = Vec::new();
    cbor::to_cbor(input, op.input, &mut body).map_err(codec)?;
    set(&mut headers, CONTENT_TYPE, "application/cbor");
    Ok(new_request(op, uri, headers, SdkBody::from(body)))
}

pub(crate) fn rest(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    precision: TimestampPrecision,
) -> Result<SerializedRequest, RequestError> {
    let xml = service.protocol == Protocol::RestXml;
    let bound = bind_request(op, input)?;
    let mut headers = bound.headers;
    let schema = op.input;
    let body = if let Some((i, member)) = payload_member(schema) {
        let mut absent: Option<crate::types::Document> = None;
        // A shape without a slot for the payload (only hand-made shapes) sends it as unset.
        let field: &mut dyn Value = match input.field_mut(i) {
            Some(field) => field,
            None => &mut absent,
        };
        match member.target.kind {
            ShapeKind::StreamingBlob | ShapeKind::Blob | ShapeKind::String | ShapeKind::Enum => {
                let (body, content_type) = raw_payload(field);
                if let (Some(content_type), false) = (content_type, headers.contains_key(CONTENT_TYPE)) {
                    set(&mut headers, CONTENT_TYPE, content_type);
                }
                body
            }
            ShapeKind::Document => {
                let json = match field.get() {
                    Some(ValueRef::Document(doc)) => doc.to_json_string(),
                    _ => "{}".to_owned(),
                };
                set_default(&mut headers, "application/json");
                SdkBody::from(json)
            }
            _ => match field.get() {
                Some(ValueRef::Shape(_)) if xml => {
                    let mut out = String::new();
                    xml::write_xml_member(member, field, &mut out).map_err(codec)?;
                    set_default(&mut headers, "application/xml");
                    SdkBody::from(out)
                }
                Some(ValueRef::Shape(shape)) => {
                    let mut out = String::new();
                    json::to_json_with(shape, shape.schema(), &mut out, precision).map_err(codec)?;
                    set_default(&mut headers, "application/json");
                    SdkBody::from(out)
                }
                // An unset structure payload is an empty JSON object in rest-json, nothing in
                // rest-xml (botocore's `_serialize_empty_body`); an unset union sends nothing.
                _ if !xml && member.target.kind != ShapeKind::Union => {
                    set_default(&mut headers, "application/json");
                    SdkBody::from("{}")
                }
                _ => SdkBody::empty(),
            },
        }
    } else if has_body_members(schema) {
        if xml {
            if any_body_member_set(schema, input) {
                let root = schema.location_name.or(op.input_location_name).unwrap_or(schema.name);
                let ns = op.input_xml_namespace.or(schema.xml_namespace);
                let mut out = String::new();
                xml::write_xml_root(input, schema, root, ns, &mut out).map_err(codec)?;
                set_default(&mut headers, "application/xml");
                SdkBody::from(out)
            } else {
                SdkBody::empty()
            }
        } else {
            let mut out = String::new();
            json::to_json_with(input, schema, &mut out, precision).map_err(codec)?;
            set_default(&mut headers, "application/json");
            SdkBody::from(out)
        }
    } else {
        SdkBody::empty()
    };
    Ok(new_request(op, bound.uri, headers, body))
}

fn set_default(headers: &mut HeaderMap, content_type: &'static str) {
    if !headers.contains_key(CONTENT_TYPE) {
        set(headers, CONTENT_TYPE, content_type);
    }
}

fn any_body_member_set(schema: &'static crate::schema::Schema, input: &dyn Shape) -> bool {
    schema
        .members
        .iter()
        .enumerate()
        .any(|(i, m)| m.location == crate::schema::Location::Body && input.field(i).and_then(Value::get).is_some())
}

/// A blob, stream or string payload as the body, with the content type it implies.
fn raw_payload(field: &mut dyn Value) -> (SdkBody, Option<&'static str>) {
    if field.get().is_none() {
        return (SdkBody::empty(), None);
    }
    match field.get_mut() {
        ValueMut::Stream(stream) => (SdkBody::from(core::mem::take(stream)), Some("application/octet-stream")),
        ValueMut::Blob(blob) => {
            (SdkBody::from(Bytes::copy_from_slice(blob.as_ref())), Some("application/octet-stream"))
        }
        ValueMut::Str(s) => (SdkBody::from(s.clone()), Some("text/plain")),
        ValueMut::Enum(e) => (SdkBody::from(e.as_str().to_owned()), Some("text/plain")),
        _ => (SdkBody::empty(), None),
    }
}

/// Fills the `{Label}`s of the operation's host prefix from its `hostLabel` members.
fn host_prefix(op: &'static Operation, input: &dyn Shape) -> Result<Option<String>, RequestError> {
    let Some(template) = op.host_prefix else { return Ok(None) };
    let mut out = String::new();
    let mut bad = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            return Err(RequestError::new(format!("the host prefix {template:?} has an unclosed label")));
        };
        let label = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let member = op.input.members.iter().enumerate().find(|(_, m)| m.name == label && m.has(flags::HOST_LABEL));
        let value = member.and_then(|(i, _)| input.field(i)).and_then(Value::get);
        let Some(ValueRef::Str(value)) = value else {
            return Err(RequestError::new(format!("the host label `{label}` is required but not set")));
        };
        // botocore's `HOST_PREFIX_RE` (`^[A-Za-z0-9\.\-]+$`), checked whatever
        // `parameter_validation` says; every bad label is named at once, as botocore does.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
            bad.push(label);
        }
        out.push_str(value);
    }
    if !bad.is_empty() {
        return Err(RequestError::new(format!(
            "Invalid value for parameter(s): {}. Must contain only alphanumeric characters, hyphen, or period.",
            bad.join(", ")
        )));
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// Compresses an in-memory body with gzip when the operation allows it and the body is large
/// enough, appending `gzip` to any `Content-Encoding` the input set.
fn compress(op: &'static Operation, request: &mut SerializedRequest) {
    if !op.compression.contains(&"gzip") {
        return;
    }
    let Some(bytes) = request.body.as_bytes() else { return };
    if bytes.len() < MIN_COMPRESSION_SIZE {
        return;
    }
    let compressed = gzip::gzip(bytes);
    let encoding = match request.headers.get(CONTENT_ENCODING).and_then(|v| v.to_str().ok()) {
        Some(existing) if !existing.is_empty() => format!("{existing}, gzip"),
        _ => "gzip".to_owned(),
    };
    if let Ok(value) = HeaderValue::try_from(encoding) {
        request.headers.insert(CONTENT_ENCODING, value);
        request.body = SdkBody::from(compressed);
    }
}
