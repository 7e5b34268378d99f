//! Static descriptions of shapes and operations.
//!
//! Generated crates hold one `static` [`Schema`] per structure, union, list and map shape and
//! one [`Operation`] per operation. The protocol codecs are written once, in this crate, and walk
//! these tables together with the values exposed through [`crate::shape::Shape`]. Everything here
//! is `const`-constructible so that schemas cost no start-up time and no heap.

mod operation;
mod service;

pub use operation::*;
pub use service::*;

use crate::types::TimestampFormat;

/// The kind of a modeled shape, as the wire protocols see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShapeKind {
    Structure,
    Union,
    List,
    Map,
    String,
    /// A string restricted to the model's `enum` values; unknown values are kept.
    Enum,
    /// An integer restricted to named values.
    IntEnum,
    Boolean,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Blob,
    /// A blob whose bytes are streamed rather than buffered.
    StreamingBlob,
    /// An untyped JSON-like document.
    Document,
}

/// Where a member of an operation's input or output lives in the HTTP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// In the body, encoded by the protocol.
    Body,
    /// A label of the URI path (`{Bucket}`, greedy when the URI says `{Key+}`).
    Uri,
    /// A query-string parameter.
    Query,
    /// A single HTTP header.
    Header,
    /// A map spread over every header that starts with the location name (a prefix).
    Headers,
    /// The HTTP status code of the response.
    StatusCode,
}

/// An XML namespace (`xmlns` or `xmlns:prefix`) declared by a shape or member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct XmlNamespace {
    pub uri: &'static str,
    pub prefix: Option<&'static str>,
}

/// The error traits of an exception shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorTraits {
    /// The error code on the wire when it differs from the shape name (`error.code`).
    pub code: Option<&'static str>,
    /// The HTTP status the service answers with (`error.httpStatusCode`), 0 when unmodeled.
    pub http_status: u16,
    /// True for server-side faults (`error.senderFault == false` or `fault`).
    pub server_fault: bool,
    /// The model's `retryable` trait: `Some(throttling)` when the error may be retried.
    pub retryable: Option<bool>,
}

impl ErrorTraits {
    /// An error answered with `http_status` (0 when unmodeled), blamed on the server or not.
    pub const fn new(http_status: u16, server_fault: bool) -> Self {
        ErrorTraits { code: None, http_status, server_fault, retryable: None }
    }
    /// Sets the wire code when it differs from the shape name.
    pub const fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
    /// Marks the error as retryable, and as throttling when `throttling` is true.
    pub const fn retryable(mut self, throttling: bool) -> Self {
        self.retryable = Some(throttling);
        self
    }
}

/// Member traits, as bits of [`Member::flags`].
pub mod flags {
    /// The model lists the member as required.
    pub const REQUIRED: u32 = 1;
    /// Lists and maps serialised without a wrapping element (XML, query).
    pub const FLATTENED: u32 = 1 << 1;
    /// Serialised as an XML attribute of the parent element.
    pub const XML_ATTRIBUTE: u32 = 1 << 2;
    /// A string that carries JSON, base64-encoded in headers.
    pub const JSON_VALUE: u32 = 1 << 3;
    /// Also used as a label of the endpoint host prefix.
    pub const HOST_LABEL: u32 = 1 << 4;
    /// Filled with a fresh UUID when the caller leaves it unset.
    pub const IDEMPOTENCY_TOKEN: u32 = 1 << 5;
    /// The member is the HTTP payload (the structure's `payload` trait names it).
    pub const PAYLOAD: u32 = 1 << 6;
    /// The payload is a stream of events.
    pub const EVENT_STREAM: u32 = 1 << 7;
    /// In an event structure, the member is the event's payload.
    pub const EVENT_PAYLOAD: u32 = 1 << 8;
    /// In an event structure, the member travels as an event header.
    pub const EVENT_HEADER: u32 = 1 << 9;
    /// The value must never be printed, logged or put into an error message.
    pub const SENSITIVE: u32 = 1 << 10;
    /// The model marks the member as deprecated.
    pub const DEPRECATED: u32 = 1 << 11;
    /// A streaming blob whose length must be known up front (`requiresLength`).
    pub const REQUIRES_LENGTH: u32 = 1 << 12;
    /// Entries of a sparse list or map may be null.
    pub const SPARSE: u32 = 1 << 13;
    /// A string the service sends percent-encoded (IAM's policy documents, `urlencode(json)`),
    /// read back decoded as botocore's `json_decode_policies` does; botocore then parses the
    /// JSON, while a typed client hands back its text.
    pub const PERCENT_ENCODED: u32 = 1 << 14;
    /// S3's `CopySource` (`bucket/key[?versionId=..]`): URL-encoded when it is laid out, as
    /// botocore's `handle_copy_source_param` does (see [`crate::client::CopySource`]).
    pub const COPY_SOURCE: u32 = 1 << 15;
    /// A Route 53 id (`ResourceId`, `DelegationSetId`, `ChangeId`): only the part after the last
    /// `/` is sent, as botocore's `fix_route53_ids` does, so `/hostedzone/Z1` works as `Z1`.
    pub const STRIP_ID_PREFIX: u32 = 1 << 16;
    /// `endpointdiscoveryid`: the value is one of the identifiers endpoint discovery is asked
    /// about and caches by (botocore's `EndpointDiscoveryModel.gather_identifiers`).
    pub const ENDPOINT_DISCOVERY_ID: u32 = 1 << 17;
}

/// Shape traits, as bits of [`Schema::flags`].
pub mod shape_flags {
    /// The whole shape is sensitive.
    pub const SENSITIVE: u32 = 1;
    /// An exception shape.
    pub const ERROR: u32 = 1 << 1;
    /// An event stream union.
    pub const EVENT_STREAM: u32 = 1 << 2;
    /// One event of an event stream.
    pub const EVENT: u32 = 1 << 3;
    /// The structure is wrapped in an element of its own name in XML output (`wrapper`).
    pub const WRAPPER: u32 = 1 << 4;
    /// A list or map whose entries are serialised without a wrapping element.
    pub const FLATTENED: u32 = 1 << 5;
    /// A list or map whose entries may be null.
    pub const SPARSE: u32 = 1 << 6;
    /// The shape can contain itself (directly or through lists and maps).
    pub const RECURSIVE: u32 = 1 << 7;
    /// The model marks the shape as deprecated.
    pub const DEPRECATED: u32 = 1 << 8;
}

/// A member of a structure or union, the element of a list, or the key or value of a map.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    /// The member's name in the model (the JSON key of `json` protocols).
    pub name: &'static str,
    /// The member's target shape.
    pub target: &'static Schema,
    pub location: Location,
    /// `locationName`: header, query or label name, or XML element name.
    pub location_name: Option<&'static str>,
    /// `queryName` (the `ec2` protocol's name override).
    pub query_name: Option<&'static str>,
    pub xml_namespace: Option<&'static XmlNamespace>,
    /// The member's (or its target's) `timestampFormat`, when the model sets one.
    pub timestamp_format: Option<TimestampFormat>,
    /// The endpoint rule-set parameter this member feeds (`contextParam`).
    pub context_param: Option<&'static str>,
    /// The target's `min` where botocore checks it before sending: a string's length in
    /// characters, a list's length, a number's value (see [`crate::validate`]).
    pub min: Option<f64>,
    /// Bits from [`flags`].
    pub flags: u32,
}

impl Member {
    /// A body member with no traits.
    pub const fn new(name: &'static str, target: &'static Schema) -> Self {
        Member {
            name,
            target,
            location: Location::Body,
            location_name: None,
            query_name: None,
            xml_namespace: None,
            timestamp_format: None,
            context_param: None,
            min: None,
            flags: 0,
        }
    }
    /// Places the member in the HTTP message.
    pub const fn at(mut self, location: Location, name: &'static str) -> Self {
        self.location = location;
        self.location_name = Some(name);
        self
    }
    /// Sets `locationName` for a body member.
    pub const fn named(mut self, name: &'static str) -> Self {
        self.location_name = Some(name);
        self
    }
    /// Sets `queryName`.
    pub const fn query_name(mut self, name: &'static str) -> Self {
        self.query_name = Some(name);
        self
    }
    /// Adds bits from [`flags`].
    pub const fn flags(mut self, flags: u32) -> Self {
        self.flags |= flags;
        self
    }
    /// Sets `timestampFormat`.
    pub const fn ts(mut self, format: TimestampFormat) -> Self {
        self.timestamp_format = Some(format);
        self
    }
    /// Sets the XML namespace.
    pub const fn ns(mut self, ns: &'static XmlNamespace) -> Self {
        self.xml_namespace = Some(ns);
        self
    }
    /// Names the endpoint parameter this member feeds.
    pub const fn ctx(mut self, param: &'static str) -> Self {
        self.context_param = Some(param);
        self
    }
    /// Sets the `min` checked before sending.
    pub const fn min(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }
    /// True when every bit of `flags` is set.
    pub const fn has(&self, flags: u32) -> bool {
        self.flags & flags == flags
    }
    /// The name a protocol puts on the wire when no protocol-specific rule applies.
    pub fn wire_name(&self) -> &'static str {
        match self.location_name {
            Some(name) => name,
            None => self.name,
        }
    }
}

/// The static description of one shape.
#[derive(Debug)]
pub struct Schema {
    /// The shape's name in the model.
    pub name: &'static str,
    pub kind: ShapeKind,
    /// Structure and union members in model order; the element of a list; key and value of a map.
    pub members: &'static [Member],
    /// Bits from [`shape_flags`].
    pub flags: u32,
    pub xml_namespace: Option<&'static XmlNamespace>,
    /// A structure's `locationName` (its XML element name when it differs from the shape name).
    pub location_name: Option<&'static str>,
    /// Set on exception shapes.
    pub error: Option<&'static ErrorTraits>,
}

impl Schema {
    const fn new(name: &'static str, kind: ShapeKind, members: &'static [Member]) -> Self {
        Schema { name, kind, members, flags: 0, xml_namespace: None, location_name: None, error: None }
    }
    /// A structure with its members in model order.
    pub const fn structure(name: &'static str, members: &'static [Member]) -> Self {
        Self::new(name, ShapeKind::Structure, members)
    }
    /// A union: at most one member is set.
    pub const fn union(name: &'static str, members: &'static [Member]) -> Self {
        Self::new(name, ShapeKind::Union, members)
    }
    /// A list whose element is described by `member`.
    pub const fn list(name: &'static str, member: &'static [Member; 1]) -> Self {
        Self::new(name, ShapeKind::List, member)
    }
    /// A map whose key and value are described by `entry`.
    pub const fn map(name: &'static str, entry: &'static [Member; 2]) -> Self {
        Self::new(name, ShapeKind::Map, entry)
    }
    /// A primitive shape of the given kind.
    pub const fn primitive(name: &'static str, kind: ShapeKind) -> Self {
        Self::new(name, kind, &[])
    }
    /// Adds bits from [`shape_flags`].
    pub const fn flags(mut self, flags: u32) -> Self {
        self.flags |= flags;
        self
    }
    /// Sets the XML namespace.
    pub const fn ns(mut self, ns: &'static XmlNamespace) -> Self {
        self.xml_namespace = Some(ns);
        self
    }
    /// Sets the structure's XML element name.
    pub const fn named(mut self, name: &'static str) -> Self {
        self.location_name = Some(name);
        self
    }
    /// Marks the shape as an exception.
    pub const fn error(mut self, error: &'static ErrorTraits) -> Self {
        self.error = Some(error);
        self.flags |= shape_flags::ERROR;
        self
    }
    /// True when every bit of `flags` is set.
    pub const fn has(&self, flags: u32) -> bool {
        self.flags & flags == flags
    }
    /// The member with the given model name.
    pub fn member(&self, name: &str) -> Option<(usize, &'static Member)> {
        self.members.iter().enumerate().find(|(_, m)| m.name == name)
    }
    /// The element of a list.
    pub fn list_member(&self) -> Option<&'static Member> {
        match self.kind {
            ShapeKind::List => self.members.first(),
            _ => None,
        }
    }
    /// The key and value of a map.
    pub fn map_entry(&self) -> Option<(&'static Member, &'static Member)> {
        match (self.kind, self.members) {
            (ShapeKind::Map, [key, value]) => Some((key, value)),
            _ => None,
        }
    }
}

impl PartialEq for Schema {
    /// Schemas are identified by address: two statics are the same shape only if they are one.
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}

/// Shared schemas of the primitive shapes, so that generated crates emit none of their own.
/// Shape-level traits of primitives (sensitive, timestampFormat, streaming) are carried by the
/// members that target them.
pub mod prim {
    use super::{Schema, ShapeKind};
    pub static STRING: Schema = Schema::primitive("String", ShapeKind::String);
    pub static ENUM: Schema = Schema::primitive("Enum", ShapeKind::Enum);
    pub static INT_ENUM: Schema = Schema::primitive("IntEnum", ShapeKind::IntEnum);
    pub static BOOLEAN: Schema = Schema::primitive("Boolean", ShapeKind::Boolean);
    pub static BYTE: Schema = Schema::primitive("Byte", ShapeKind::Byte);
    pub static SHORT: Schema = Schema::primitive("Short", ShapeKind::Short);
    pub static INTEGER: Schema = Schema::primitive("Integer", ShapeKind::Integer);
    pub static LONG: Schema = Schema::primitive("Long", ShapeKind::Long);
    pub static FLOAT: Schema = Schema::primitive("Float", ShapeKind::Float);
    pub static DOUBLE: Schema = Schema::primitive("Double", ShapeKind::Double);
    pub static BIG_INTEGER: Schema = Schema::primitive("BigInteger", ShapeKind::BigInteger);
    pub static BIG_DECIMAL: Schema = Schema::primitive("BigDecimal", ShapeKind::BigDecimal);
    pub static TIMESTAMP: Schema = Schema::primitive("Timestamp", ShapeKind::Timestamp);
    pub static BLOB: Schema = Schema::primitive("Blob", ShapeKind::Blob);
    pub static STREAMING_BLOB: Schema = Schema::primitive("StreamingBlob", ShapeKind::StreamingBlob);
    pub static DOCUMENT: Schema = Schema::primitive("Document", ShapeKind::Document);
    /// The input or output of an operation that has none.
    pub static UNIT: Schema = Schema::structure("Unit", &[]);
}
