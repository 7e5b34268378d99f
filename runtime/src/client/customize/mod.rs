//! The request and response changes botocore makes in `handlers.py` that no model trait
//! describes (`docs/botocore-handlers.md` lists every handler and where it is handled).
//!
//! Rules over the model are member flags the generator sets (`COPY_SOURCE`, `STRIP_ID_PREFIX`,
//! `PERCENT_ENCODED`), read where the value is laid out or here; what is left is one file per
//! service, called at these points of a call through the table the service's static names
//! ([`Handlers`]):
//!
//! - [`timestamp_precision`]: how the serialiser writes timestamps (`creating-serializer`);
//! - [`before_serialize`]: changes to the input (botocore's `before-parameter-build`);
//! - [`after_serialize`]: changes to the laid-out request;
//! - [`before_call`]: headers for a request that is sent, not presigned (`before-call`);
//! - [`before_send`]: changes that need the client, its credentials or the endpoint of a request
//!   that is sent, not presigned (`before-call` and `request-created`);
//! - [`before_presign`]: changes to a request that is presigned, not sent (botocore's
//!   `before-sign` handlers that look at `is_presign_request`);
//! - [`before_parse`]: changes to a response's headers before they are read (`before-parse`);
//! - [`after_parse`]: changes to, and checks of, the parsed output (`after-call`).

mod bedrock_agentcore;
mod cloudsearchdomain;
mod ec2;
mod glacier;
mod handlers;
mod machinelearning;
mod polly;
mod presigned_url;
pub(crate) mod s3;
mod sqs;

use super::invoke::Prepared;
use super::ClientHandle;
use crate::credentials::Credentials;
use crate::protocol::SerializedRequest;
use crate::schema::{flags, Operation, ParamValue, Service};
use crate::shape::{Shape, ValueMut, ValueRef};
use crate::Error;

pub use glacier::sha256_tree_hash;
pub use handlers::Handlers;

/// How the serialiser writes `service`'s timestamps (`creating-serializer`).
pub(crate) fn timestamp_precision(service: &'static Service) -> crate::protocol::TimestampPrecision {
    (service.handlers.precision)(service)
}

/// Changes to the input before it is laid out.
pub(crate) fn before_serialize(service: &'static Service, op: &'static Operation, input: &mut dyn Shape) {
    strip_id_prefixes(op, input);
    if let Some(handler) = service.handlers.before_serialize {
        handler(service, op, input);
    }
}

/// Changes to the laid-out request.
pub(crate) fn after_serialize(
    service: &'static Service,
    op: &'static Operation,
    input: &dyn Shape,
    request: &mut SerializedRequest,
) {
    if let Some(handler) = service.handlers.after_serialize {
        handler(service, op, input, request);
    }
    if rules_add_account_id(op) {
        request.host_prefix = None;
    }
}

/// botocore's `remove_accid_host_prefix_from_model`: when the operation's endpoint rules are told
/// `RequiresAccountId` they put the account in the host themselves, so the model's
/// `{AccountId}.` host prefix would add it twice (S3 Control).
fn rules_add_account_id(op: &Operation) -> bool {
    op.host_prefix == Some("{AccountId}.")
        && op
            .static_context_params
            .iter()
            .any(|(name, value)| *name == "RequiresAccountId" && *value == ParamValue::Bool(true))
}

/// Headers for a request that is sent, not presigned (botocore's `before-call` handlers, which
/// `generate_presigned_url` does not run).
pub(crate) fn before_call(service: &'static Service, op: &'static Operation, request: &mut SerializedRequest) {
    // botocore's `add_accept_header`: API Gateway answers JSON only when asked to.
    if service.endpoint_prefix == "apigateway" && !request.headers.contains_key(http::header::ACCEPT) {
        request.headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("application/json"));
    }
    if let Some(handler) = service.handlers.before_call {
        handler(op, request);
    }
}

/// Changes to a request that is sent, once its endpoint is known and, when it is signed, its
/// credentials are: CloudSearch Domain's `Search` sent as a POST, the host of machine learning's
/// `Predict` and the presigned URL of a cross-region copy. `credentials` is `None` for a request
/// that is only prepared, not sent.
pub(crate) fn before_send(
    client: &ClientHandle,
    op: &'static Operation,
    input: &mut dyn Shape,
    prepared: &mut Prepared,
    credentials: Option<&Credentials>,
) -> Result<(), Error> {
    match client.inner.service.handlers.before_send {
        Some(handler) => handler(client, op, input, prepared, credentials),
        None => Ok(()),
    }
}

/// Changes to a request that is presigned, not sent: Polly's `SynthesizeSpeech` carries its
/// parameters in the URL and signs no `Content-Type`.
pub(crate) fn before_presign(
    service: &'static Service,
    op: &'static Operation,
    request: &mut SerializedRequest,
) -> Result<(), Error> {
    match service.handlers.before_presign {
        Some(handler) => handler(service, op, request),
        None => Ok(()),
    }
}

/// Changes to a successful response's headers before they are read (`before-parse`).
pub(crate) fn before_parse(service: &'static Service, op: &'static Operation, headers: &mut http::HeaderMap) {
    if let Some(handler) = service.handlers.before_parse {
        handler(op, headers);
    }
}

/// Changes to and checks of the parsed output; `status` is the response's HTTP status, for errors,
/// and `body` the response's body when it was read whole.
pub(crate) fn after_parse(
    service: &'static Service,
    op: &'static Operation,
    input: &dyn Shape,
    output: &mut dyn Shape,
    status: u16,
    body: Option<&[u8]>,
) -> Result<(), Error> {
    match service.handlers.after_parse {
        Some(handler) => handler(service, op, input, output, status, body),
        None => Ok(()),
    }
}

/// botocore's `fix_route53_ids`: every top-level input member the generator flagged keeps only
/// the part after its last `/`, so `/hostedzone/Z1` (what Route 53 returns) is sent as `Z1`.
fn strip_id_prefixes(op: &'static Operation, input: &mut dyn Shape) {
    for (i, member) in op.input.members.iter().enumerate() {
        if !member.has(flags::STRIP_ID_PREFIX) {
            continue;
        }
        let Some(field) = input.field_mut(i) else { continue };
        if !matches!(field.get(), Some(ValueRef::Str(s)) if s.contains('/')) {
            continue;
        }
        if let ValueMut::Str(s) = field.get_mut() {
            *s = strip_id_prefix(s).to_owned();
        }
    }
}

/// The part of a Route 53 id after its last `/` (Python's `value.split('/')[-1]`).
fn strip_id_prefix(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// Reads the string member `name` of `shape`.
fn str_member<'a>(shape: &'a dyn Shape, name: &str) -> Option<&'a str> {
    let (i, _) = shape.schema().member(name)?;
    match shape.field(i)?.get()? {
        ValueRef::Str(s) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn route53_ids_keep_their_last_part() {
        // botocore's test_handlers.py `test_route53_resource_id` and friends.
        assert_eq!(super::strip_id_prefix("/hostedzone/ABC123"), "ABC123");
        assert_eq!(super::strip_id_prefix("/change/ABC123"), "ABC123");
        assert_eq!(super::strip_id_prefix("/delegationset/ABC123"), "ABC123");
        assert_eq!(super::strip_id_prefix("ABC123"), "ABC123");
        assert_eq!(super::strip_id_prefix("Z1/"), "");
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod wire_tests;
