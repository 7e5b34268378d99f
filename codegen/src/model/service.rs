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
    #[serde(default)]
    pub xml_attribute: bool,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub idempotency_token: bool,
    #[serde(default)]
    pub host_label: bool,
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
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextParam {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
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
    /// `None` when the file has no `members` key (an error for structures).
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
    #[serde(default, rename = "box")]
    pub box_: bool,
    #[serde(default)]
    pub deprecated: bool,
    pub deprecated_message: Option<String>,
    pub deprecated_since: Option<String>,
}
