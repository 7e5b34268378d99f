//! Each protocol's codec as a table of functions, which the generated `Service` static names.
//!
//! The request and response paths call the codec through the service's table instead of matching
//! on its protocol. A match would reference every codec from every binary; the table references
//! only the one the service speaks, so the linker drops the others: a DynamoDB (JSON) app carries
//! no XML schema reader, query writer, CBOR codec or REST binding. [`Codec::of`] is a `const fn`,
//! so the generated `codec: rt::Codec::of(rt::Protocol::Json)` is resolved while compiling.

use bytes::Bytes;
use http::HeaderMap;

use super::errors::{self, ErrorFacts};
use super::request::{self, SerializedRequest, TimestampPrecision};
use super::response;
use super::rest::bind_response;
use super::{cbor, xml, CodecError, RequestError};
use crate::event_stream::encode;
use crate::schema::{Operation, Protocol, Schema, Service};
use crate::shape::Shape;
use crate::types::Document;

/// Lays out the input of a call as method, URI, headers and body.
pub(crate) type WriteFn = fn(
    &'static Service,
    &'static Operation,
    &mut dyn Shape,
    TimestampPrecision,
) -> Result<SerializedRequest, RequestError>;
/// Reads the buffered body of a successful response into the output.
pub(crate) type ReadFn = fn(&'static Operation, &[u8], &mut dyn Shape) -> Result<(), CodecError>;
/// Reads the members of an error response's body into the exception's shape.
pub(crate) type ReadErrorFn = fn(&[u8], &mut dyn Shape, &'static Schema) -> Result<(), CodecError>;
/// Reads the code, message and request id of an error response as the protocol carries them.
pub(crate) type FactsFn = fn(&HeaderMap, &[u8]) -> ErrorFacts;
/// Reads a structure from a whole body (an event's payload).
pub(crate) type ReadStructureFn = fn(&[u8], &mut dyn Shape, &'static Schema) -> Result<(), CodecError>;
/// Writes a structure as a whole body (an event's payload), with its content type.
pub(crate) type WriteStructureFn = fn(&dyn Shape, &'static Schema) -> Result<(&'static str, Bytes), String>;
/// The message of an exception event the model does not describe, from its payload.
pub(crate) type MessageFn = fn(&[u8]) -> Option<String>;
/// Binds a REST response's status and headers to the members the model places there.
pub(crate) type BindFn = fn(&'static Schema, &mut dyn Shape, u16, &HeaderMap) -> Result<(), String>;

/// The functions of one protocol's codec. Built only by [`Codec::of`].
pub struct Codec {
    pub(crate) write: WriteFn,
    pub(crate) read: ReadFn,
    pub(crate) read_error: ReadErrorFn,
    pub(crate) facts: FactsFn,
    pub(crate) read_structure: ReadStructureFn,
    pub(crate) write_structure: WriteStructureFn,
    pub(crate) message: MessageFn,
    /// The REST protocols' binding of status and headers; `None` for the RPC protocols.
    pub(crate) bind: Option<BindFn>,
}

impl core::fmt::Debug for Codec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Codec")
    }
}

const JSON: Codec = Codec {
    write: request::json_rpc,
    read: response::read_json,
    read_error: errors::read_json_error,
    facts: errors::json_facts,
    read_structure: response::read_json_payload,
    write_structure: encode::json_structure,
    message: json_message,
    bind: None,
};
const QUERY: Codec = Codec {
    write: request::query_rpc,
    read: response::read_query,
    read_error: errors::read_xml_error,
    facts: errors::xml_facts,
    read_structure: response::read_xml_payload,
    write_structure: encode::xml_structure,
    message: xml::xml_message,
    bind: None,
};
/// EC2's protocol is the query protocol with its own output wrapper.
const EC2: Codec = Codec { read: response::read_ec2, ..QUERY };
/// The REST protocols lay out requests and bind responses the same way and carry bodies in the
/// codec of their name.
const REST_JSON: Codec =
    Codec { write: request::rest, read: response::read_rest_json, bind: Some(bind_response), ..JSON };
const REST_XML: Codec =
    Codec { write: request::rest, read: response::read_rest_xml, bind: Some(bind_response), ..QUERY };
const RPC_V2_CBOR: Codec = Codec {
    write: request::cbor_rpc,
    read: response::read_cbor,
    read_error: response::read_cbor_payload,
    facts: errors::cbor_facts,
    read_structure: response::read_cbor_payload,
    write_structure: encode::cbor_structure,
    message: cbor_message,
    bind: None,
};

fn json_message(payload: &[u8]) -> Option<String> {
    let doc = Document::from_json_slice(payload).ok()?;
    ["message", "Message"].iter().find_map(|k| doc.get(k)?.as_str().map(str::to_owned))
}

fn cbor_message(payload: &[u8]) -> Option<String> {
    cbor::cbor_error_info(payload).and_then(|(_, message)| message)
}

impl Codec {
    /// The codec of `protocol`. Call it in a `static` (as the generated crates do) so that only
    /// that codec is referenced from the binary.
    pub const fn of(protocol: Protocol) -> &'static Codec {
        match protocol {
            Protocol::Json => &JSON,
            Protocol::Query => &QUERY,
            Protocol::Ec2 => &EC2,
            Protocol::RestJson => &REST_JSON,
            Protocol::RestXml => &REST_XML,
            Protocol::RpcV2Cbor => &RPC_V2_CBOR,
        }
    }
}
