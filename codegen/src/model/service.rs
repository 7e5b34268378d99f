//! `service-2.json`.

use indexmap::IndexMap;
use serde::Deserialize;

use super::Json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceModel {
    pub version: Option<String>,
    pub metadata: Metadata,
    pub operations: IndexMap<String, OperationDef>,
    pub shapes: IndexMap<String, ShapeDef>,
    #[serde(default)]
    pub documentation: Option<String>,
    #[serde(default, rename = "clientContextParams")]
    pub client_context_params: IndexMap<String, ClientContextParam>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default, rename = "deprecatedMessage")]
    pub deprecated_message: Option<String>,
    /// Request examples; not used by the generator.
    #[serde(default)]
    pub examples: Option<Json>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metadata {
    pub api_version: String,
    pub endpoint_prefix: String,
    pub protocol: String,
    #[serde(default)]
    pub protocols: Vec<String>,
    pub service_full_name: String,
    pub service_id: String,
    pub signature_version: String,
    pub uid: Option<String>,
    #[serde(default)]
    pub auth: Vec<String>,
    pub signing_name: Option<String>,
    pub json_version: Option<String>,
    pub target_prefix: Option<String>,
    pub service_abbreviation: Option<String>,
    pub xml_namespace: Option<String>,
    pub protocol_settings: Option<Json>,
    pub global_endpoint: Option<String>,
    #[serde(default)]
    pub aws_query_compatible: Option<Json>,
    pub checksum_format: Option<String>,
    pub rip_service_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientContextParam {
    pub documentation: Option<String>,
    #[serde(rename = "type")]
    pub type_: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationDef {
    pub name: String,
    pub http: Http,
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    pub documentation: Option<String>,
    #[serde(default)]
    pub idempotent: bool,
    #[serde(default)]
    pub readonly: bool,
    pub endpoint: Option<EndpointTrait>,
    #[serde(default)]
    pub static_context_params: IndexMap<String, StaticContextParam>,
    #[serde(default)]
    pub operation_context_params: IndexMap<String, OperationContextParam>,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    pub deprecated_since: Option<String>,
    #[serde(rename = "endpointdiscovery")]
    pub endpoint_discovery: Option<EndpointDiscovery>,
    #[serde(default, rename = "endpointoperation")]
    pub endpoint_operation: bool,
    #[serde(rename = "authtype")]
    pub auth_type: Option<String>,
    #[serde(default)]
    pub auth: Vec<String>,
    #[serde(default)]
    pub http_checksum_required: bool,
    pub http_checksum: Option<HttpChecksum>,
    #[serde(default)]
    pub unsigned_payload: bool,
    #[serde(rename = "requestcompression")]
    pub request_compression: Option<RequestCompression>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Http {
    pub method: String,
    pub request_uri: String,
    pub response_code: Option<u16>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EndpointTrait {
    pub host_prefix: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDiscovery {
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpChecksum {
    pub request_algorithm_member: Option<String>,
    #[serde(default)]
    pub request_checksum_required: bool,
    pub request_validation_mode_member: Option<String>,
    #[serde(default)]
    pub response_algorithms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestCompression {
    pub encodings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticContextParam {
    pub value: Json,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationContextParam {
    pub path: String,
}

/// A reference to a shape: an operation's input, output or error, or a member.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShapeRef {
    pub shape: String,
    pub documentation: Option<String>,
    pub location: Option<String>,
    pub location_name: Option<String>,
    pub query_name: Option<String>,
    pub xml_namespace: Option<XmlNamespace>,
    /// Overrides the target's `timestampFormat` for this member.
    pub timestamp_format: Option<String>,
    /// On an operation's `input` or `output`: the payload member, as if the structure said it
    /// (botocore merges a reference's keys over its target). Nowhere else.
    pub payload: Option<String>,
    #[serde(default)]
    pub xml_attribute: bool,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub idempotency_token: bool,
    #[serde(default)]
    pub host_label: bool,
    /// `endpointdiscoveryid`: the member identifies what endpoint discovery is asked about.
    #[serde(default, rename = "endpointdiscoveryid")]
    pub endpoint_discovery_id: bool,
    #[serde(default, rename = "jsonvalue")]
    pub json_value: bool,
    #[serde(default, rename = "box")]
    pub box_: bool,
    #[serde(default)]
    pub streaming: bool,
    #[serde(default, rename = "eventpayload")]
    pub event_payload: bool,
    #[serde(default, rename = "eventheader")]
    pub event_header: bool,
    pub context_param: Option<ContextParam>,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    pub deprecated_since: Option<String>,
    /// Enum values repeated on a member (seen twice in botocore); the target's list wins.
    #[serde(rename = "enum")]
    pub enum_: Option<Vec<String>>,
    /// Query protocol output: the element that wraps the result.
    pub result_wrapper: Option<String>,
    /// Error refs in a few models repeat the target's exception traits.
    pub exception: Option<bool>,
    pub error: Option<ErrorTrait>,
    /// Keys botocore ignores (its loader reads only the keys it knows) and that its own test
    /// models carry; see [`Ignored`].
    #[serde(default, rename = "LocationName")]
    pub ignored_location_name: Ignored,
}

/// A key that botocore ignores and that is allowed (by name, one field each) where the botocore
/// models or test suites have it. Everything else unknown stays an error, so a misspelt trait
/// in a real model is still caught.
///
/// - `LocationName` on a member reference: a typo for `locationName` in botocore's legacy `ec2`
///   input suite ("List with location name applied to member"), where botocore serialises as if
///   it were absent.
#[derive(Debug, Default)]
pub struct Ignored;

impl<'de> Deserialize<'de> for Ignored {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Ignored)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextParam {
    pub name: String,
}

/// `xmlNamespace`: `{"uri": ..., "prefix": ...}`, or (as botocore's test suites write it, and
/// its serialisers read it) the URI alone as a string, with no prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct XmlNamespaceObject {
    uri: String,
    prefix: Option<String>,
}

impl<'de> Deserialize<'de> for XmlNamespace {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = XmlNamespace;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a namespace URI or an object with \"uri\" and \"prefix\"")
            }
            fn visit_str<E: serde::de::Error>(self, uri: &str) -> Result<XmlNamespace, E> {
                Ok(XmlNamespace { uri: uri.to_owned(), prefix: None })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<XmlNamespace, A::Error> {
                let XmlNamespaceObject { uri, prefix } =
                    XmlNamespaceObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(XmlNamespace { uri, prefix })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorTrait {
    pub code: Option<String>,
    pub http_status_code: Option<u16>,
    pub sender_fault: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retryable {
    #[serde(default)]
    pub throttling: bool,
}

/// One entry of `shapes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShapeDef {
    #[serde(rename = "type")]
    pub type_: String,
    pub documentation: Option<String>,
    /// `None` when the file has no `members` key (an error for structures, documents aside).
    pub members: Option<IndexMap<String, ShapeRef>>,
    #[serde(default)]
    pub required: Vec<String>,
    pub member: Option<ShapeRef>,
    pub key: Option<ShapeRef>,
    pub value: Option<ShapeRef>,
    #[serde(rename = "enum")]
    pub enum_: Option<Vec<String>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub streaming: bool,
    #[serde(default)]
    pub requires_length: bool,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub sparse: bool,
    /// A default `location` for the members that target the shape (botocore's
    /// `Shape.serialization` reads it from the shape; a member's own `location` wins).
    pub location: Option<String>,
    pub location_name: Option<String>,
    pub xml_namespace: Option<XmlNamespace>,
    pub xml_order: Option<Vec<String>>,
    pub timestamp_format: Option<String>,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub fault: bool,
    pub error: Option<ErrorTrait>,
    pub retryable: Option<Retryable>,
    #[serde(default)]
    pub union: bool,
    #[serde(default)]
    pub document: bool,
    #[serde(default)]
    pub event: bool,
    #[serde(default)]
    pub eventstream: bool,
    #[serde(default)]
    pub wrapper: bool,
    #[serde(default)]
    pub synthetic: bool,
    pub payload: Option<String>,
    /// Query protocol output: the element that wraps the result, when the operation's `output`
    /// reference does not say.
    pub result_wrapper: Option<String>,
    #[serde(default, rename = "box")]
    pub box_: bool,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    pub deprecated_since: Option<String>,
}
