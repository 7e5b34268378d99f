//! Static description of a service (the model's `metadata`).

/// The six wire protocols of AWS services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    Query,
    Ec2,
    /// `json` (awsJson 1.0 / 1.1, see [`Service::json_version`]).
    Json,
    RestJson,
    RestXml,
    /// `smithy-rpc-v2-cbor`.
    RpcV2Cbor,
}

impl Protocol {
    /// The model's name for the protocol.
    pub const fn model_name(self) -> &'static str {
        match self {
            Protocol::Query => "query",
            Protocol::Ec2 => "ec2",
            Protocol::Json => "json",
            Protocol::RestJson => "rest-json",
            Protocol::RestXml => "rest-xml",
            Protocol::RpcV2Cbor => "smithy-rpc-v2-cbor",
        }
    }
}

/// The static description of a service.
#[derive(Debug)]
pub struct Service {
    /// botocore's directory name (`s3`, `sso-oidc`): boto3's service name.
    pub name: &'static str,
    /// `serviceId` (`S3`, `SSO OIDC`).
    pub service_id: &'static str,
    pub full_name: &'static str,
    pub api_version: &'static str,
    pub endpoint_prefix: &'static str,
    /// The SigV4 signing name (`signingName`, else the endpoint prefix).
    pub signing_name: &'static str,
    /// The protocol of `metadata.protocol`.
    pub protocol: Protocol,
    /// The codec of `protocol`: always `Codec::of(protocol)`, named here so that a binary links
    /// only the codecs of the services it uses.
    pub codec: &'static crate::protocol::Codec,
    /// botocore's handlers this service needs: always `Handlers::of(name)`.
    pub handlers: &'static crate::client::Handlers,
    /// `metadata.protocols`: every protocol the service speaks, in the model's order.
    pub protocols: &'static [Protocol],
    /// `jsonVersion` (`1.0`, `1.1`) of `json` services.
    pub json_version: Option<&'static str>,
    /// `targetPrefix` of `json` services (the `X-Amz-Target` prefix).
    pub target_prefix: Option<&'static str>,
    /// `xmlNamespace` of query and rest-xml services.
    pub xml_namespace: Option<&'static str>,
    /// `globalEndpoint` of services with one endpoint for all regions.
    pub global_endpoint: Option<&'static str>,
    /// `signatureVersion` (`v4`, `s3v4`, `bearer`, ...).
    pub signature_version: &'static str,
    /// `auth`: the service's auth schemes in order of preference.
    pub auth: &'static [&'static str],
    /// `awsQueryCompatible`: error codes also come in `x-amzn-query-error`.
    pub aws_query_compatible: bool,
    /// Every exception the service models, when the crate has clients.
    pub exceptions: Option<&'static Exceptions>,
    /// The service's endpoint discovery operation (`endpointoperation`), when it has one and
    /// the crate has clients.
    pub endpoint_discovery: Option<&'static EndpointDiscovery>,
}

/// How a service discovers its endpoints (botocore's `EndpointDiscoveryManager`): the operation
/// marked `endpointoperation` (DynamoDB's and Timestream's `DescribeEndpoints`) and the function
/// that calls it, instantiated by the generated crate over its input and output types, since
/// the runtime cannot build a generated type by itself.
pub struct EndpointDiscovery {
    pub operation: &'static super::Operation,
    pub discover: crate::client::DiscoverEndpoints,
}

impl core::fmt::Debug for EndpointDiscovery {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EndpointDiscovery").field("operation", &self.operation.name).finish_non_exhaustive()
    }
}

/// Every exception a service models, so that an error is typed whichever operation answered it:
/// botocore looks a code up among all of the service's exceptions, not only the ones the
/// operation lists, and services do answer with unlisted ones.
pub struct Exceptions {
    /// The exception shapes, in model order.
    pub schemas: &'static [&'static super::Schema],
    /// Builds exception `index` of [`Exceptions::schemas`] as the generated `errors::Exception`
    /// enum, reading its members with the callback.
    pub decode: DecodeException,
}

/// The decoder of [`Exceptions`]: an index and a member reader in, the boxed enum out.
pub type DecodeException = fn(
    usize,
    &mut dyn FnMut(&mut dyn crate::shape::Shape) -> Result<(), crate::protocol::CodecError>,
) -> Option<Box<dyn core::any::Any + Send + Sync>>;

impl core::fmt::Debug for Exceptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.schemas.iter().map(|s| s.name)).finish()
    }
}
