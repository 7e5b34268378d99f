//! The intermediate representation: a service with every name decided, every reference
//! resolved to an index and every protocol trait explicit. Emitters read only this.

/// Index of a shape in [`Service::shapes`].
pub type ShapeId = usize;

#[derive(Debug)]
pub struct Service {
    /// botocore's service name (`s3`, `sso-oidc`).
    pub name: String,
    pub crate_name: String,
    pub lib_name: String,
    pub service_id: String,
    pub full_name: String,
    pub api_version: String,
    pub endpoint_prefix: String,
    pub signing_name: String,
    pub protocol: Protocol,
    pub protocols: Vec<Protocol>,
    pub json_version: Option<String>,
    pub target_prefix: Option<String>,
    pub xml_namespace: Option<String>,
    pub global_endpoint: Option<String>,
    pub signature_version: String,
    pub auth: Vec<String>,
    pub aws_query_compatible: bool,
    /// Markdown.
    pub docs: String,
    /// The endpoint rule set as compact JSON, when the service has one.
    pub endpoint_rules: Option<String>,
    pub shapes: Vec<Shape>,
    pub operations: Vec<Operation>,
    /// boto3's resources, for the services that have them.
    pub resources: Option<Resources>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Query,
    Ec2,
    Json,
    RestJson,
    RestXml,
    RpcV2Cbor,
}

impl Protocol {
    pub fn from_model(name: &str) -> Option<Protocol> {
        Some(match name {
            "query" => Protocol::Query,
            "ec2" => Protocol::Ec2,
            "json" => Protocol::Json,
            "rest-json" => Protocol::RestJson,
            "rest-xml" => Protocol::RestXml,
            "smithy-rpc-v2-cbor" => Protocol::RpcV2Cbor,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Deprecation {
    pub message: Option<String>,
    pub since: Option<String>,
}

#[derive(Debug)]
pub struct Shape {
    /// The name in the model.
    pub wire_name: String,
    /// The Rust type name (for generated types).
    pub rust_name: String,
    /// The name of the schema static (for structures, unions, lists and maps).
    pub static_name: String,
    pub kind: Kind,
    pub docs: String,
    pub deprecated: Option<Deprecation>,
    pub sensitive: bool,
    /// Part of a cycle of references (directly, or through lists and maps).
    pub recursive: bool,
    /// Referenced from an operation (transitively) or an exception: emitted.
    pub used: bool,
    pub xml_namespace: Option<XmlNamespace>,
    pub location_name: Option<String>,
    /// The `types` submodule the shape is emitted into.
    pub module: String,
}

#[derive(Debug)]
pub enum Kind {
    Structure(Structure),
    Union {
        members: Vec<Member>,
        event_stream: bool,
    },
    List {
        member: Box<Member>,
        sparse: bool,
        flattened: bool,
    },
    Map {
        key: Box<Member>,
        value: Box<Member>,
        sparse: bool,
        flattened: bool,
    },
    /// A string enum: `(wire value, variant name)` in model order.
    Enum(Vec<(String, String)>),
    Prim(Prim),
}

#[derive(Debug, Default)]
pub struct Structure {
    pub members: Vec<Member>,
    pub error: Option<ErrorInfo>,
    pub event: bool,
    pub wrapper: bool,
    /// A member holds a streaming blob or an event stream: the type cannot be cloned or compared.
    pub streaming: bool,
}

#[derive(Clone, Debug, Default)]
pub struct ErrorInfo {
    pub code: Option<String>,
    pub http_status: u16,
    pub server_fault: bool,
    pub retryable: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    String,
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
    StreamingBlob,
    Document,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Body,
    Uri,
    Query,
    Header,
    Headers,
    StatusCode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    Iso8601,
    Rfc822,
    UnixTimestamp,
}

/// Member traits that carry no value.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemberFlags {
    pub required: bool,
    pub flattened: bool,
    pub xml_attribute: bool,
    pub json_value: bool,
    pub host_label: bool,
    pub idempotency_token: bool,
    pub payload: bool,
    pub event_stream: bool,
    pub event_payload: bool,
    pub event_header: bool,
    pub sensitive: bool,
    pub requires_length: bool,
    pub sparse: bool,
    /// IAM's policy documents, which come back percent-encoded.
    pub percent_encoded: bool,
    /// S3's `CopySource`, URL-encoded before it is sent.
    pub copy_source: bool,
    /// Route 53 ids, sent without their `/hostedzone/`-like prefix.
    pub strip_id_prefix: bool,
    /// `endpointdiscoveryid`: part of the endpoint discovery cache key.
    pub endpoint_discovery_id: bool,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub wire_name: String,
    pub rust_name: String,
    pub target: ShapeId,
    /// The member is boxed because its target can contain the owner by value.
    pub boxed: bool,
    pub location: Location,
    pub location_name: Option<String>,
    pub query_name: Option<String>,
    pub xml_namespace: Option<XmlNamespace>,
    pub timestamp_format: Option<TimestampFormat>,
    pub context_param: Option<String>,
    /// The target's `min`, kept only where botocore's `ParamValidator` checks it: the length
    /// of a string or list, the value of a number (never blobs or maps, never `max`).
    pub min: Option<f64>,
    pub flags: MemberFlags,
    pub docs: String,
    pub deprecated: Option<Deprecation>,
}

#[derive(Debug)]
pub struct Operation {
    pub wire_name: String,
    pub method_name: String,
    pub static_name: String,
    /// The `operations` submodule the operation is emitted into.
    pub module: String,
    pub http_method: String,
    pub uri: String,
    pub response_code: Option<u16>,
    pub input: Option<ShapeId>,
    pub output: Option<ShapeId>,
    pub errors: Vec<ShapeId>,
    pub host_prefix: Option<String>,
    pub auth: Vec<String>,
    pub auth_type: Option<String>,
    pub unsigned_payload: bool,
    pub checksum_required: bool,
    pub idempotent: bool,
    pub readonly: bool,
    pub endpoint_discovery: Option<bool>,
    pub endpoint_operation: bool,
    pub checksum: Option<Checksum>,
    pub compression: Vec<String>,
    pub static_context_params: Vec<(String, ParamValue)>,
    pub operation_context_params: Vec<(String, String)>,
    pub input_location_name: Option<String>,
    pub input_xml_namespace: Option<XmlNamespace>,
    pub result_wrapper: Option<String>,
    pub docs: String,
    pub deprecated: Option<Deprecation>,
    /// The operation's paginator from `paginators-1.json`, when it has one.
    pub paginator: Option<Paginator>,
    /// The waiters of `waiters-2.json` that call this operation.
    pub waiters: Vec<Waiter>,
}

/// One waiter, as data: the runtime's `Waiter` runs the loop.
#[derive(Clone, Debug)]
pub struct Waiter {
    /// The name in the model (`BucketExists`).
    pub name: String,
    /// The builder method (`wait_until_bucket_exists`).
    pub method_name: String,
    /// The static holding the waiter's data (`BUCKET_EXISTS_WAITER`).
    pub static_name: String,
    pub delay: u32,
    pub max_attempts: u32,
    pub docs: String,
    pub acceptors: Vec<Acceptor>,
}

#[derive(Clone, Debug)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// botocore's matchers, with the `error` matcher's boolean forms split out.
#[derive(Clone, Debug)]
pub enum Matcher {
    Path(String, Expected),
    PathAll(String, Expected),
    PathAny(String, Expected),
    Status(u16),
    Error(String),
    AnyError,
    NoError,
}

#[derive(Clone, Debug)]
pub enum Expected {
    Str(String),
    Bool(bool),
}

/// One paginator, as data: the runtime's `PaginatorSpec` does the paging.
#[derive(Clone, Debug)]
pub struct Paginator {
    pub input_token: Vec<String>,
    pub output_token: Vec<String>,
    pub limit_key: Option<String>,
    pub more_results: Option<String>,
    pub result_key: Vec<String>,
    pub non_aggregate_keys: Vec<String>,
    /// The type `into_paginator().items()` yields, when the primary result key is reached
    /// through member names: the element shape of a list (and whether the list is sparse, its
    /// elements then `Option`s), or the key's own shape when it is not a list.
    pub item: Option<(ShapeId, bool)>,
}

#[derive(Clone, Debug)]
pub struct Checksum {
    pub request_algorithm_member: Option<String>,
    pub request_checksum_required: bool,
    pub request_validation_mode_member: Option<String>,
    pub response_algorithms: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum ParamValue {
    Bool(bool),
    Str(String),
}

/// boto3's resource layer of a service (`resources-1.json`), names decided. `classes[0]` is the
/// service resource.
#[derive(Debug, Default)]
pub struct Resources {
    pub classes: Vec<ResourceClass>,
}

/// A member of a resource class: boto3's name (after its renaming rules) and the Rust method.
#[derive(Clone, Debug)]
pub struct ResName {
    pub boto3: String,
    pub method: String,
}

#[derive(Debug)]
pub struct ResourceClass {
    /// The model name (`Object`; `ServiceResource` for the service resource).
    pub name: String,
    pub type_name: String,
    pub static_name: String,
    pub identifiers: Vec<ResName>,
    /// The identifier names as the model spells them (`BucketName`).
    pub identifier_models: Vec<String>,
    /// The resource's shape: what attributes read.
    pub shape: Option<ShapeId>,
    pub load: Option<ResLoad>,
    pub attributes: Vec<ResAttribute>,
    pub actions: Vec<ResAction>,
    pub batch_actions: Vec<ResAction>,
    pub subresources: Vec<ResHas>,
    pub references: Vec<ResHas>,
    pub collections: Vec<ResAction>,
    pub waiters: Vec<ResWaiter>,
}

#[derive(Debug)]
pub struct ResLoad {
    /// Index in [`Service::operations`].
    pub op: usize,
    pub params: Vec<ResParam>,
    pub path: String,
    /// boto3's hand-written loads (`s3.Bucket`): the element of the list at `.0` whose member
    /// `.1` equals the first identifier.
    pub select: Option<(String, String)>,
}

#[derive(Debug)]
pub struct ResAttribute {
    pub name: ResName,
    /// Index of the member in the shape's structure.
    pub member: usize,
    /// The identifier this attribute is an alias of (`Instance.instance_id` is `id`).
    pub identifier: Option<usize>,
}

/// An action, batch action or collection.
#[derive(Debug)]
pub struct ResAction {
    pub name: ResName,
    pub op: usize,
    pub params: Vec<ResParam>,
    pub resource: Option<ResTarget>,
}

#[derive(Debug)]
pub struct ResHas {
    pub name: ResName,
    pub target: ResTarget,
}

#[derive(Debug)]
pub struct ResWaiter {
    pub name: ResName,
    /// The service waiter (`ObjectExists`).
    pub waiter: String,
    pub op: usize,
    pub params: Vec<ResParam>,
}

#[derive(Clone, Debug)]
pub struct ResParam {
    pub target: String,
    pub source: ResSource,
}

#[derive(Clone, Debug)]
pub enum ResSource {
    Identifier(usize),
    Data(String),
    Str(String),
    Int(i64),
    Bool(bool),
    /// The n-th argument of a sub-resource method, named after the target's identifier.
    Input(usize, String),
    RequestParameter(String),
    Response(String),
}

/// Resources made from a response or from data.
#[derive(Debug)]
pub struct ResTarget {
    /// Index in [`Resources::classes`].
    pub class: usize,
    /// One source per identifier of the target class, in its order.
    pub identifiers: Vec<ResSource>,
    pub path: Option<String>,
    /// A list-valued identifier or path: one resource per element.
    pub plural: bool,
}
