//! Events to messages: the mirror of `decode_message` and `read_event`, for the `Stubber` and for
//! streams built from a list of events ([`EventStream::from_events`](super::EventStream::from_events)).
//!
//! Each member set on an event value becomes one message: `:event-type` (or, for a modeled
//! exception, `:message-type exception` and `:exception-type`) is the member's name, header
//! members become message headers, and the payload is the `eventpayload` member (blobs and
//! strings raw) or else the whole event structure in the protocol's codec.

use bytes::Bytes;

use super::frame::{HeaderValue, Message};
use crate::protocol::Codec;
use crate::protocol::{cbor, json, xml};
use crate::schema::{flags, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueRef};

/// The messages of `events`, framed and concatenated, as a response body carries them.
pub(crate) fn encode_events(codec: &'static Codec, events: &[Box<dyn Shape>]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    for event in events {
        let schema = event.schema();
        let mut any = false;
        for (i, member) in schema.members.iter().enumerate() {
            let Some(value) = event.field(i).and_then(Value::get) else { continue };
            let ValueRef::Shape(shape) = value else {
                return Err(format!("the event member {} of {} is not a structure", member.name, schema.name));
            };
            let message = event_message(codec, member.name, shape, member.target)
                .map_err(|e| format!("event {}: {e}", member.name))?;
            body.extend_from_slice(&message.encode());
            any = true;
        }
        if !any {
            return Err(format!("an event of {} has no member set, so it names no kind of event", schema.name));
        }
    }
    Ok(body)
}

/// The `initial-response` message of the RPC protocols, carrying an output's other members.
pub(crate) fn initial_response(content_type: &'static str, payload: Bytes) -> Vec<u8> {
    let headers = vec![
        (":message-type".to_owned(), HeaderValue::String("event".to_owned())),
        (":event-type".to_owned(), HeaderValue::String("initial-response".to_owned())),
        (":content-type".to_owned(), HeaderValue::String(content_type.to_owned())),
    ];
    Message { headers, payload }.encode()
}

fn event_message(
    codec: &'static Codec,
    kind: &str,
    shape: &dyn Shape,
    schema: &'static Schema,
) -> Result<Message, String> {
    let mut headers = if schema.error.is_some() {
        vec![
            (":message-type".to_owned(), HeaderValue::String("exception".to_owned())),
            (":exception-type".to_owned(), HeaderValue::String(kind.to_owned())),
        ]
    } else {
        vec![
            (":message-type".to_owned(), HeaderValue::String("event".to_owned())),
            (":event-type".to_owned(), HeaderValue::String(kind.to_owned())),
        ]
    };
    let mut payload = None;
    for (j, m) in schema.members.iter().enumerate() {
        let Some(value) = shape.field(j).and_then(Value::get) else { continue };
        if m.has(flags::EVENT_HEADER) {
            headers.push((m.name.to_owned(), header_value(m.target.kind, value, m.name)?));
        } else if m.has(flags::EVENT_PAYLOAD) {
            payload = Some(match value {
                ValueRef::Blob(bytes) => ("application/octet-stream", Bytes::copy_from_slice(bytes)),
                ValueRef::Str(text) => ("text/plain", Bytes::copy_from_slice(text.as_bytes())),
                ValueRef::Document(doc) => ("application/json", Bytes::from(doc.to_json_string())),
                ValueRef::Shape(inner) => (codec.write_structure)(inner, m.target)?,
                _ => return Err(format!("{} cannot be an event payload", m.target.name)),
            });
        }
    }
    let has_payload_member = schema.members.iter().any(|m| m.has(flags::EVENT_PAYLOAD));
    let body_members = schema.members.iter().any(|m| !m.has(flags::EVENT_HEADER) && !m.has(flags::EVENT_PAYLOAD));
    let (content_type, payload) = match payload {
        Some(found) => found,
        // The event structure itself is the payload when no member is; an event of headers
        // only has none.
        None if !has_payload_member && body_members => (codec.write_structure)(shape, schema)?,
        None => ("application/octet-stream", Bytes::new()),
    };
    headers.push((":content-type".to_owned(), HeaderValue::String(content_type.to_owned())));
    Ok(Message { headers, payload })
}

/// A structure as JSON, with its content type: an event's payload in the JSON protocols.
pub(crate) fn json_structure(shape: &dyn Shape, schema: &'static Schema) -> Result<(&'static str, Bytes), String> {
    let mut out = String::new();
    json::to_json(shape, schema, &mut out).map_err(|e| e.to_string())?;
    Ok(("application/json", Bytes::from(out)))
}

/// A structure as CBOR, with its content type.
pub(crate) fn cbor_structure(shape: &dyn Shape, schema: &'static Schema) -> Result<(&'static str, Bytes), String> {
    let mut out = Vec::new();
    cbor::to_cbor(shape, schema, &mut out).map_err(|e| e.to_string())?;
    Ok(("application/cbor", Bytes::from(out)))
}

/// A structure as XML (its root element named after the shape), with its content type.
pub(crate) fn xml_structure(shape: &dyn Shape, schema: &'static Schema) -> Result<(&'static str, Bytes), String> {
    let mut out = String::new();
    xml::write_xml_root(shape, schema, schema.name, None, &mut out).map_err(|e| e.to_string())?;
    Ok(("text/xml", Bytes::from(out)))
}

/// A header member's value in the header type its shape kind has on the wire.
fn header_value(kind: ShapeKind, value: ValueRef<'_>, name: &str) -> Result<HeaderValue, String> {
    let too_big = || format!("the header {name:?} does not fit its type");
    Ok(match (kind, value) {
        (_, ValueRef::Bool(b)) => HeaderValue::Bool(b),
        (ShapeKind::Byte, ValueRef::Int(n)) => HeaderValue::Byte(n.try_into().map_err(|_| too_big())?),
        (ShapeKind::Short, ValueRef::Int(n)) => HeaderValue::Short(n.try_into().map_err(|_| too_big())?),
        (ShapeKind::Integer | ShapeKind::IntEnum, ValueRef::Int(n)) => {
            HeaderValue::Int(n.try_into().map_err(|_| too_big())?)
        }
        (_, ValueRef::Int(n)) => HeaderValue::Long(n),
        (_, ValueRef::Str(s)) => HeaderValue::String(s.to_owned()),
        (_, ValueRef::Blob(b)) => HeaderValue::Bytes(Bytes::copy_from_slice(b)),
        (_, ValueRef::Timestamp(t)) => {
            let millis = t.secs().saturating_mul(1000).saturating_add(i64::from(t.subsec_nanos() / 1_000_000));
            HeaderValue::Timestamp(millis)
        }
        _ => return Err(format!("the header {name:?} has a type event headers cannot carry")),
    })
}
