//! Static descriptions of operations.

use super::{Schema, XmlNamespace};

/// Operation traits, as bits of [`Operation::flags`].
pub mod op_flags {
    /// The payload is not signed (`unsignedPayload`, `authtype: v4-unsigned-body`).
    pub const UNSIGNED_PAYLOAD: u32 = 1;
    /// A `Content-MD5` (or flexible checksum) header is required (`httpChecksumRequired`).
    pub const CHECKSUM_REQUIRED: u32 = 1 << 1;
    /// The operation may be repeated without changing the result (`idempotent`).
    pub const IDEMPOTENT: u32 = 1 << 2;
    /// The operation changes nothing (`readonly`).
    pub const READONLY: u32 = 1 << 3;
    /// The model marks the operation as deprecated.
    pub const DEPRECATED: u32 = 1 << 4;
    /// The operation needs endpoint discovery (`endpointdiscovery.required`).
    pub const ENDPOINT_DISCOVERY_REQUIRED: u32 = 1 << 5;
    /// The operation may use a discovered endpoint (`endpointdiscovery`).
    pub const ENDPOINT_DISCOVERY: u32 = 1 << 6;
    /// The operation is the service's endpoint discovery operation (`endpointoperation`).
    pub const ENDPOINT_OPERATION: u32 = 1 << 7;
}

/// The flexible checksum traits of an operation (`httpChecksum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpChecksum {
    /// The input member that names the algorithm the caller chose.
    pub request_algorithm_member: Option<&'static str>,
    /// A request checksum is required.
    pub request_checksum_required: bool,
    /// The input member that asks for response validation.
    pub request_validation_mode_member: Option<&'static str>,
    /// The algorithms a response may carry, in order of preference.
    pub response_algorithms: &'static [&'static str],
}

/// A literal value of an endpoint rule-set parameter (`staticContextParams`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamValue {
    Bool(bool),
    Str(&'static str),
}

/// The static description of one operation.
#[derive(Debug)]
pub struct Operation {
    /// The operation's name in the model (`ListObjectsV2`).
    pub name: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// The request URI template (`/{Bucket}/{Key+}?uploads`).
    pub uri: &'static str,
    /// The status code of a successful response, when the model sets one.
    pub response_code: u16,
    pub input: &'static Schema,
    pub output: &'static Schema,
    /// The exception shapes the operation may answer with.
    pub errors: &'static [&'static Schema],
    /// The `endpoint.hostPrefix` template (`{AccountId}.`).
    pub host_prefix: Option<&'static str>,
    /// The auth schemes of the operation in order of preference, when they differ from the service's.
    pub auth: &'static [&'static str],
    /// The legacy `authtype` trait (`none`, `v4-unsigned-body`, `bearer`, ...).
    pub auth_type: Option<&'static str>,
    /// Bits from [`op_flags`].
    pub flags: u32,
    pub checksum: Option<&'static HttpChecksum>,
    /// `requestcompression.encodings`.
    pub compression: &'static [&'static str],
    /// `staticContextParams`: endpoint parameters with a fixed value for this operation.
    pub static_context_params: &'static [(&'static str, ParamValue)],
    /// `operationContextParams`: endpoint parameters taken from the input by a JMESPath path.
    pub operation_context_params: &'static [(&'static str, &'static str)],
    /// The XML element name of the input payload (`input.locationName`, rest-xml).
    pub input_location_name: Option<&'static str>,
    /// The XML namespace of the input payload (`input.xmlNamespace`, rest-xml).
    pub input_xml_namespace: Option<&'static XmlNamespace>,
    /// The element that wraps the output (`output.resultWrapper`, query).
    pub result_wrapper: Option<&'static str>,
}

impl Operation {
    /// An operation with no optional traits.
    pub const fn new(
        name: &'static str,
        method: &'static str,
        uri: &'static str,
        input: &'static Schema,
        output: &'static Schema,
    ) -> Self {
        Operation {
            name,
            method,
            uri,
            response_code: 0,
            input,
            output,
            errors: &[],
            host_prefix: None,
            auth: &[],
            auth_type: None,
            flags: 0,
            checksum: None,
            compression: &[],
            static_context_params: &[],
            operation_context_params: &[],
            input_location_name: None,
            input_xml_namespace: None,
            result_wrapper: None,
        }
    }
    pub const fn errors(mut self, errors: &'static [&'static Schema]) -> Self {
        self.errors = errors;
        self
    }
    pub const fn status(mut self, code: u16) -> Self {
        self.response_code = code;
        self
    }
    pub const fn host_prefix(mut self, prefix: &'static str) -> Self {
        self.host_prefix = Some(prefix);
        self
    }
    pub const fn auth(mut self, auth: &'static [&'static str]) -> Self {
        self.auth = auth;
        self
    }
    pub const fn auth_type(mut self, auth_type: &'static str) -> Self {
        self.auth_type = Some(auth_type);
        self
    }
    pub const fn flags(mut self, flags: u32) -> Self {
        self.flags |= flags;
        self
    }
    pub const fn checksum(mut self, checksum: &'static HttpChecksum) -> Self {
        self.checksum = Some(checksum);
        self
    }
    pub const fn compression(mut self, encodings: &'static [&'static str]) -> Self {
        self.compression = encodings;
        self
    }
    pub const fn static_params(mut self, params: &'static [(&'static str, ParamValue)]) -> Self {
        self.static_context_params = params;
        self
    }
    pub const fn op_params(mut self, params: &'static [(&'static str, &'static str)]) -> Self {
        self.operation_context_params = params;
        self
    }
    pub const fn input_xml(mut self, name: &'static str, ns: Option<&'static XmlNamespace>) -> Self {
        self.input_location_name = Some(name);
        self.input_xml_namespace = ns;
        self
    }
    pub const fn result_wrapper(mut self, wrapper: &'static str) -> Self {
        self.result_wrapper = Some(wrapper);
        self
    }
    /// True when every bit of `flags` is set.
    pub const fn has(&self, flags: u32) -> bool {
        self.flags & flags == flags
    }
}
