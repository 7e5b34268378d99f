//! Responses from values: an operation's output, or an exception, laid out as the service's
//! protocol would answer it, so that a stubbed answer goes through the same parsing as a real
//! one. This is the mirror image of `protocol::request` over the same codec writers, with the
//! output schema in place of the input's.

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};

use crate::protocol::rest::{header_member, payload_member, prefix_headers};
use crate::protocol::{cbor, error_code, json, xml};
use crate::schema::{flags, Location, Operation, Protocol, Schema, Service, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};

/// A response as the protocol lays it out.
#[derive(Clone, Debug)]
pub struct EncodedResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl EncodedResponse {
    fn new(status: u16, content_type: Option<&'static str>, body: impl Into<Bytes>) -> Self {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        EncodedResponse { status, headers, body: body.into() }
    }

    /// The response a transport hands back.
    pub fn to_http(&self) -> http::Response<crate::ByteStream> {
        let mut response = http::Response::new(crate::ByteStream::from(self.body.clone()));
        *response.status_mut() = http::StatusCode::from_u16(self.status).unwrap_or(http::StatusCode::OK);
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// The request id every encoded answer carries, so code that logs request ids sees one.
const REQUEST_ID: &str = "stubbed-request-id";

/// Lays out a successful answer of `op` carrying `output`. A streaming payload held in memory
/// is moved into the body (hence `&mut`), and so are the events of an event stream.
pub fn encode_output(
    service: &'static Service,
    op: &'static Operation,
    output: &mut dyn Shape,
) -> Result<EncodedResponse, String> {
    let schema = op.output;
    let codec = |e: &dyn core::fmt::Display| format!("{}'s output could not be encoded: {e}", op.name);
    if let Some(i) = schema.members.iter().position(|m| m.has(flags::EVENT_STREAM)) {
        return event_stream_output(service, op, output, i).map_err(|e| codec(&e));
    }
    let mut response = match service.protocol {
        Protocol::Json => {
            let mut body = String::new();
            json::to_json(output, schema, &mut body).map_err(|e| codec(&e))?;
            EncodedResponse::new(200, Some(json_content_type(service)), body)
        }
        Protocol::RpcV2Cbor => {
            let mut body = Vec::new();
            cbor::to_cbor(output, schema, &mut body).map_err(|e| codec(&e))?;
            let mut response = EncodedResponse::new(200, Some("application/cbor"), body);
            response.headers.insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
            response
        }
        Protocol::Query => {
            let result = op.result_wrapper.map_or_else(|| format!("{}Result", op.name), str::to_owned);
            let mut body = format!("<{}Response>", op.name);
            xml::write_xml_root(output, schema, &result, None, &mut body).map_err(|e| codec(&e))?;
            body.push_str(&format!(
                "<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></{}Response>",
                op.name
            ));
            EncodedResponse::new(200, Some("text/xml"), body)
        }
        Protocol::Ec2 => {
            let mut body = String::new();
            xml::write_xml_root(output, schema, &format!("{}Response", op.name), None, &mut body)
                .map_err(|e| codec(&e))?;
            EncodedResponse::new(200, Some("text/xml;charset=UTF-8"), body)
        }
        Protocol::RestJson | Protocol::RestXml => rest_output(service, op, output).map_err(|e| codec(&e))?,
    };
    response.headers.insert("x-amzn-requestid", HeaderValue::from_static(REQUEST_ID));
    Ok(response)
}

/// An output whose member `i` is an event stream: its events (from
/// [`EventStream::from_events`](crate::EventStream::from_events)) framed as the body, after the
/// output's other members: in the HTTP headers for REST protocols, in an `initial-response`
/// message for the RPC ones, as services send them.
fn event_stream_output(
    service: &'static Service,
    op: &'static Operation,
    output: &mut dyn Shape,
    i: usize,
) -> Result<EncodedResponse, String> {
    let events = match output.field_mut(i).map(Value::get_mut) {
        Some(ValueMut::EventStream(receiver)) => receiver.take_events(),
        _ => Vec::new(),
    };
    // The stream is not part of the rest of the output, which the codecs write below.
    if let Some(field) = output.field_mut(i) {
        field.set_absent();
    }
    let frames = crate::event_stream::encode_events(service.codec, &events)?;
    let mut response = match service.protocol {
        Protocol::RestJson | Protocol::RestXml => {
            let (status, headers) = bound_members(op.output, output, 200)?;
            EncodedResponse { status, headers, body: Bytes::new() }
        }
        Protocol::Json | Protocol::RpcV2Cbor => {
            let (content_type, payload) = match service.protocol {
                Protocol::Json => {
                    let mut body = String::new();
                    json::to_json(output, op.output, &mut body).map_err(|e| e.to_string())?;
                    ("application/json", Bytes::from(body))
                }
                _ => {
                    let mut body = Vec::new();
                    cbor::to_cbor(output, op.output, &mut body).map_err(|e| e.to_string())?;
                    ("application/cbor", Bytes::from(body))
                }
            };
            let mut body = crate::event_stream::initial_response(content_type, payload);
            body.extend_from_slice(&frames);
            let mut response = EncodedResponse::new(200, None, body);
            if service.protocol == Protocol::RpcV2Cbor {
                response.headers.insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
            }
            response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM_TYPE));
            response.headers.insert("x-amzn-requestid", HeaderValue::from_static(REQUEST_ID));
            return Ok(response);
        }
        Protocol::Query | Protocol::Ec2 => {
            return Err("the query protocols have no event streams".to_owned());
        }
    };
    response.body = Bytes::from(frames);
    // A `Content-Type` member (Lambda's `ResponseStreamContentType`) wins, as in `rest_output`.
    if !response.headers.contains_key(CONTENT_TYPE) {
        response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(EVENT_STREAM_TYPE));
    }
    response.headers.insert("x-amzn-requestid", HeaderValue::from_static(REQUEST_ID));
    Ok(response)
}

const EVENT_STREAM_TYPE: &str = "application/vnd.amazon.eventstream";

fn json_content_type(service: &Service) -> &'static str {
    match service.json_version {
        Some("1.0") => "application/x-amz-json-1.0",
        _ => "application/x-amz-json-1.1",
    }
}

/// The status, headers and body of a REST output: the bound members first, then the payload
/// member or the body members.
fn rest_output(service: &Service, op: &Operation, output: &mut dyn Shape) -> Result<EncodedResponse, String> {
    let xml = service.protocol == Protocol::RestXml;
    let schema = op.output;
    let (status, headers) = bound_members(schema, output, 200)?;
    let (content_type, body): (Option<&'static str>, Bytes) = if let Some((i, member)) = payload_member(schema) {
        let Some(field) = output.field_mut(i) else {
            return Ok(EncodedResponse { status, headers, body: Bytes::new() });
        };
        if field.get().is_none() {
            (None, Bytes::new())
        } else {
            match field.get_mut() {
                ValueMut::Stream(stream) => {
                    let taken = core::mem::take(stream);
                    let bytes = taken.as_bytes().map(Bytes::copy_from_slice).ok_or_else(|| {
                        format!("the streaming member `{}` must hold bytes in memory to be stubbed", member.name)
                    })?;
                    (Some("application/octet-stream"), bytes)
                }
                ValueMut::Blob(blob) => (Some("application/octet-stream"), Bytes::copy_from_slice(blob.as_ref())),
                ValueMut::Str(s) => (Some("text/plain"), Bytes::from(s.clone())),
                ValueMut::Enum(e) => (Some("text/plain"), Bytes::from(e.as_str().to_owned())),
                ValueMut::Document(doc) => (Some("application/json"), Bytes::from(doc.to_json_string())),
                _ => {
                    let mut out = String::new();
                    if xml {
                        xml::write_xml_member(member, &*field, &mut out).map_err(|e| e.to_string())?;
                        (Some("application/xml"), Bytes::from(out))
                    } else {
                        if let Some(ValueRef::Shape(shape)) = field.get() {
                            json::to_json(shape, member.target, &mut out).map_err(|e| e.to_string())?;
                        }
                        (Some("application/json"), Bytes::from(out))
                    }
                }
            }
        }
    } else if schema.members.iter().any(|m| m.location == Location::Body && m.target.kind != ShapeKind::StreamingBlob) {
        let mut out = String::new();
        if xml {
            let root = schema.location_name.unwrap_or(schema.name);
            xml::write_xml_root(output, schema, root, schema.xml_namespace, &mut out).map_err(|e| e.to_string())?;
            (Some("application/xml"), Bytes::from(out))
        } else {
            json::to_json(output, schema, &mut out).map_err(|e| e.to_string())?;
            (Some("application/json"), Bytes::from(out))
        }
    } else {
        (None, Bytes::new())
    };
    let mut response = EncodedResponse { status, headers, body };
    // A `Content-Type` member (S3's GetObject) wins over the payload's default.
    if let (Some(content_type), false) = (content_type, response.headers.contains_key(CONTENT_TYPE)) {
        response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    Ok(response)
}

/// The status (a `responseCode` member, else `default`) and the header-bound members.
fn bound_members(schema: &'static Schema, shape: &dyn Shape, default: u16) -> Result<(u16, HeaderMap), String> {
    let mut status = default;
    let mut headers = HeaderMap::new();
    for (i, member) in schema.members.iter().enumerate() {
        let Some(value) = shape.field(i).and_then(Value::get) else { continue };
        match member.location {
            Location::Header => header_member(member, value, &mut headers).map_err(|e| e.to_string())?,
            Location::Headers => prefix_headers(member, value, &mut headers).map_err(|e| e.to_string())?,
            Location::StatusCode => {
                if let ValueRef::Int(code) = value {
                    status = u16::try_from(code)
                        .ok()
                        .filter(|c| (100..600).contains(c))
                        .ok_or_else(|| format!("`{}` holds {code}, which is not an HTTP status", member.name))?;
                }
            }
            _ => {}
        }
    }
    Ok((status, headers))
}

/// Lays out an error answer: `code` and `message` where the protocol puts them, and the members
/// of `fields` (the modeled exception's structure) where its schema binds them.
pub fn encode_error(
    service: &'static Service,
    code: &str,
    message: &str,
    status: u16,
    fields: Option<&dyn Shape>,
) -> Result<EncodedResponse, String> {
    if !(100..600).contains(&status) {
        return Err(format!("{status} is not an HTTP status"));
    }
    let codec = |e: &dyn core::fmt::Display| format!("the error {code} could not be encoded: {e}");
    // A query-compatible service names the exception's shape in the body and sends the query
    // code in a header; the reader takes the header's code and finds the shape by the body's.
    let query_code = service.aws_query_compatible && matches!(service.protocol, Protocol::Json | Protocol::RpcV2Cbor);
    let body_code = match fields {
        Some(shape) if query_code => shape.schema().name,
        _ => code,
    };
    let mut response = match service.protocol {
        Protocol::Json | Protocol::RestJson => {
            let mut body = String::new();
            match fields {
                Some(shape) => json::to_json(shape, shape.schema(), &mut body).map_err(|e| codec(&e))?,
                None => body.push_str("{}"),
            }
            let mut head = String::from("{\"__type\":");
            json_string(&mut head, body_code);
            if !has_member_set(fields, &["message", "Message"]) {
                head.push_str(",\"message\":");
                json_string(&mut head, message);
            }
            let rest = body.trim_start().strip_prefix('{').unwrap_or("}");
            if rest.trim_start() != "}" {
                head.push(',');
            }
            head.push_str(rest);
            let content_type =
                if service.protocol == Protocol::Json { json_content_type(service) } else { "application/json" };
            let mut response = EncodedResponse::new(status, Some(content_type), head);
            if service.protocol == Protocol::RestJson {
                let value = HeaderValue::from_str(code).map_err(|_| codec(&"the code is not a valid header value"))?;
                response.headers.insert(HeaderName::from_static("x-amzn-errortype"), value);
            }
            response
        }
        Protocol::RpcV2Cbor => {
            let mut body = Vec::new();
            match fields {
                Some(shape) => cbor::to_cbor(shape, shape.schema(), &mut body).map_err(|e| codec(&e))?,
                None => body.push(0xa0),
            }
            let mut extra = Vec::new();
            let mut entries = 1;
            cbor_text(&mut extra, "__type");
            cbor_text(&mut extra, body_code);
            if !has_member_set(fields, &["message", "Message"]) {
                cbor_text(&mut extra, "message");
                cbor_text(&mut extra, message);
                entries += 1;
            }
            let body = cbor_map_prepend(&body, entries, &extra).ok_or_else(|| codec(&"the fields are not a map"))?;
            let mut response = EncodedResponse::new(status, Some("application/cbor"), body);
            response.headers.insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
            response
        }
        Protocol::Query | Protocol::RestXml | Protocol::Ec2 => {
            let mut error = String::new();
            match fields {
                Some(shape) => {
                    xml::write_xml_root(shape, shape.schema(), "Error", None, &mut error).map_err(|e| codec(&e))?
                }
                None => error.push_str("<Error></Error>"),
            }
            let mut head = String::from("<Code>");
            xml_text(&mut head, code);
            head.push_str("</Code>");
            if !has_member_set(fields, &["message", "Message"]) {
                head.push_str("<Message>");
                xml_text(&mut head, message);
                head.push_str("</Message>");
            }
            // `<Error>` or `<Error/>`: the code goes right after the opening tag.
            let error = match error.strip_suffix("/>").filter(|e| !e.contains('>')) {
                Some(open) => format!("{open}>{head}</Error>"),
                None => match error.find('>') {
                    Some(end) => format!("{}{head}{}", &error[..=end], &error[end + 1..]),
                    None => return Err(codec(&"the writer made no element")),
                },
            };
            let body = if service.protocol == Protocol::Ec2 {
                format!("<Response><Errors>{error}</Errors><RequestID>{REQUEST_ID}</RequestID></Response>")
            } else {
                format!("<ErrorResponse>{error}<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>")
            };
            EncodedResponse::new(status, Some("text/xml"), body)
        }
    };
    if query_code {
        let value = HeaderValue::try_from(format!("{code};Sender"))
            .map_err(|_| codec(&"the code is not a valid header value"))?;
        response.headers.insert(HeaderName::from_static("x-amzn-query-error"), value);
    }
    if let (Some(shape), true) = (fields, matches!(service.protocol, Protocol::RestJson | Protocol::RestXml)) {
        let (_, headers) = bound_members(shape.schema(), shape, status)?;
        response.headers.extend(headers);
    }
    response.headers.insert("x-amzn-requestid", HeaderValue::from_static(REQUEST_ID));
    Ok(response)
}

/// The code an exception shape is answered with, for [`encode_error`] callers that hold the
/// exception's value.
pub fn exception_code(fields: &dyn Shape) -> &'static str {
    error_code(fields.schema())
}

fn has_member_set(fields: Option<&dyn Shape>, names: &[&str]) -> bool {
    let Some(shape) = fields else { return false };
    shape.schema().members.iter().enumerate().any(|(i, m)| {
        names.contains(&m.name) && m.location == Location::Body && shape.field(i).and_then(Value::get).is_some()
    })
}

fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn xml_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// A CBOR text string (major type 3).
fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 3, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// `map` (a CBOR map) with `entries` more key-value pairs, `extra`, in front of its own.
fn cbor_map_prepend(map: &[u8], entries: u64, extra: &[u8]) -> Option<Vec<u8>> {
    let (&first, rest) = map.split_first()?;
    if first >> 5 != 5 {
        return None;
    }
    let mut out = Vec::with_capacity(map.len() + extra.len() + 9);
    if first == 0xbf {
        // An indefinite-length map: the new pairs simply go first.
        out.push(0xbf);
        out.extend_from_slice(extra);
        out.extend_from_slice(rest);
        return Some(out);
    }
    let (count, body) = match first & 0x1f {
        n @ 0..=23 => (u64::from(n), rest),
        24 => (u64::from(*rest.first()?), rest.get(1..)?),
        25 => (u64::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?)), rest.get(2..)?),
        26 => (u64::from(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?)), rest.get(4..)?),
        27 => (u64::from_be_bytes(rest.get(..8)?.try_into().ok()?), rest.get(8..)?),
        _ => return None,
    };
    cbor_head(&mut out, 5, count + entries);
    out.extend_from_slice(extra);
    out.extend_from_slice(body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_maps_gain_entries_in_front() {
        // {} + {"a": "b"}
        let mut extra = Vec::new();
        cbor_text(&mut extra, "a");
        cbor_text(&mut extra, "b");
        assert_eq!(cbor_map_prepend(&[0xa0], 1, &extra).unwrap(), [0xa1, 0x61, b'a', 0x61, b'b']);
        // An indefinite map keeps its form.
        assert_eq!(cbor_map_prepend(&[0xbf, 0xff], 1, &extra).unwrap(), [0xbf, 0x61, b'a', 0x61, b'b', 0xff]);
        // 23 entries become 24, which needs the one-byte count form.
        let mut map = vec![0xb7];
        map.extend(std::iter::repeat_n([0x60u8, 0x60], 23).flatten());
        let grown = cbor_map_prepend(&map, 1, &extra).unwrap();
        assert_eq!(&grown[..2], &[0xb8, 24]);
        assert_eq!(cbor_map_prepend(&[0x80], 1, &extra), None, "an array is not a map");
    }

    #[test]
    fn text_is_escaped_for_each_format() {
        let mut json = String::new();
        json_string(&mut json, "a\"b\\c\n");
        assert_eq!(json, r#""a\"b\\c\u000a""#);
        let mut xml = String::new();
        xml_text(&mut xml, "<a&b>");
        assert_eq!(xml, "&lt;a&amp;b&gt;");
    }
}
