//! botocore's `inject_presigned_url_ec2` and `inject_presigned_url_rds`: a cross-region copy
//! carries a presigned URL of the same call made in the source region, which the destination
//! region uses to read the source on the caller's behalf. botocore fills it in `before-call`, so
//! it is sent but never part of a presigned request (`generate_presigned_url` runs no
//! `before-call` handler), and so is it here: it runs on the laid-out form body of a sent call.
//!
//! - EC2 `CopySnapshot`: unless the caller gave `PresignedUrl`, the body gets `PresignedUrl` (the
//!   call presigned against `SourceRegion`'s endpoint with `DestinationRegion` set to the
//!   client's region) and `DestinationRegion` (the client's region).
//! - RDS, Neptune and DocDB: `SourceRegion` is not part of the service's API; botocore adds it to
//!   these inputs in `service-2.sdk-extras.json`, so a generated client has a `source_region`
//!   setter for it. When it is set it is taken out of the body, and unless the caller gave
//!   `PreSignedUrl` the body gets the presigned URL. Without it the call is a copy within one
//!   region and nothing changes.
//!
//! The URL is what botocore's `_get_cross_region_presigned_url` makes: a `GET` of the body's
//! parameters (in the body's order, `DestinationRegion` set) in the query, signed with SigV4
//! query authentication for the source region, only `host` signed, valid for 3600 seconds, at the
//! session's clock. botocore finds the source endpoint by replacing the region in the URL;
//! tucuxi resolves the endpoint rules for the source region, which gives the same host for every
//! standard endpoint and a right one where the replacement would not (a custom `endpoint_url`
//! keeps its address either way).

use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE, HOST};

use crate::auth::SignableBody;
use crate::client::invoke::{sign, Prepared};
use crate::client::ClientHandle;
use crate::credentials::Credentials;
use crate::http::SdkBody;
use crate::protocol::RequestError;
use crate::schema::Operation;
use crate::shape::Shape;
use crate::{Error, ErrorKind};

/// `generate_presigned_url`'s default lifetime, which botocore's handlers keep.
const EXPIRES_IN: Duration = Duration::from_secs(3600);

/// The order of `SigV4QueryAuth`'s parameters in botocore's URL (`X-Amz-Signature` is last).
const QUERY_AUTH_ORDER: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Which of botocore's two handlers an operation gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handler {
    Ec2,
    Rds,
}

/// `(service, operation, handler)`, as botocore 1.44 registers them (`before-call.<service>.<op>`;
/// the service is botocore's name, since Neptune and DocDB share RDS's endpoint prefix).
const OPERATIONS: &[(&str, &str, Handler)] = &[
    ("ec2", "CopySnapshot", Handler::Ec2),
    ("rds", "CopyDBClusterSnapshot", Handler::Rds),
    ("rds", "CreateDBCluster", Handler::Rds),
    ("rds", "CopyDBSnapshot", Handler::Rds),
    ("rds", "CreateDBInstanceReadReplica", Handler::Rds),
    ("rds", "StartDBInstanceAutomatedBackupsReplication", Handler::Rds),
    ("neptune", "CopyDBClusterSnapshot", Handler::Rds),
    ("neptune", "CreateDBCluster", Handler::Rds),
    ("docdb", "CopyDBClusterSnapshot", Handler::Rds),
    ("docdb", "CreateDBCluster", Handler::Rds),
];

/// The services some operation of which gets a presigned URL.
#[cfg(test)]
pub(super) fn services() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(service, _, _)| *service)
}

fn handler(service: &str, operation: &str) -> Option<Handler> {
    OPERATIONS.iter().find(|(s, o, _)| *s == service && *o == operation).map(|(_, _, h)| *h)
}

/// A form body as its `key=value` pairs, both still percent-encoded, in order.
type Form = Vec<(String, String)>;

fn parse_form(body: &[u8]) -> Option<Form> {
    let text = std::str::from_utf8(body).ok()?;
    Some(
        text.split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => (key.to_owned(), value.to_owned()),
                None => (pair.to_owned(), String::new()),
            })
            .collect(),
    )
}

fn join_form(form: &Form) -> String {
    let mut out = String::new();
    for (key, value) in form {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

fn position(form: &Form, key: &str) -> Option<usize> {
    form.iter().position(|(k, _)| k == key)
}

/// Sets `key` to `value` (encoded here) where it is, or at the end, as a Python dict assignment.
fn set(form: &mut Form, key: &str, value: &str) {
    let value = crate::percent::encode(value.as_bytes());
    match position(form, key) {
        Some(i) => form[i].1 = value,
        None => form.push((key.to_owned(), value)),
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Fills the presigned URL of a cross-region copy into the laid-out request of a sent call.
/// `credentials` are the call's; without them (an unsigned call) there is nothing to sign with.
pub(crate) fn inject(
    client: &ClientHandle,
    op: &'static Operation,
    input: &mut dyn Shape,
    prepared: &mut Prepared,
    credentials: Option<&Credentials>,
) -> Result<(), Error> {
    let inner = &*client.inner;
    let Some(handler) = handler(inner.service.name, op.name) else { return Ok(()) };
    if !is_form(&prepared.request.headers) {
        return Ok(());
    }
    let Some(mut form) = prepared.request.body.as_bytes().and_then(parse_form) else { return Ok(()) };
    let (url_member, source) = match handler {
        Handler::Ec2 => {
            if position(&form, "PresignedUrl").is_some() {
                return Ok(());
            }
            // Required by the model, so validation has seen it; an absent one leaves the call as is.
            let Some(i) = position(&form, "SourceRegion") else { return Ok(()) };
            ("PresignedUrl", form[i].1.clone())
        }
        Handler::Rds => {
            let Some(i) = position(&form, "SourceRegion") else { return Ok(()) };
            let (_, source) = form.remove(i);
            if position(&form, "PreSignedUrl").is_some() {
                prepared.request.body = SdkBody::from(join_form(&form));
                return Ok(());
            }
            ("PreSignedUrl", source)
        }
    };
    let source = crate::percent::decode(&source).ok_or_else(|| invalid(op, "SourceRegion is not UTF-8".into()))?;
    let destination = inner.region().map_err(|e| e.with_operation(op.name))?;
    if let Some(credentials) = credentials {
        let mut copy = form.clone();
        set(&mut copy, "DestinationRegion", &destination);
        let url = presign_in(client, op, input, &source, &copy, credentials)?;
        set(&mut form, url_member, &url);
        if handler == Handler::Ec2 {
            // EC2 wants the destination region on the wire too.
            set(&mut form, "DestinationRegion", &destination);
        }
    }
    prepared.request.body = SdkBody::from(join_form(&form));
    Ok(())
}

fn invalid(op: &Operation, message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, RequestError::new(message)).with_operation(op.name)
}

/// The call with `params` as its query, presigned against `region`'s endpoint.
fn presign_in(
    client: &ClientHandle,
    op: &'static Operation,
    input: &mut dyn Shape,
    region: &str,
    params: &Form,
    credentials: &Credentials,
) -> Result<String, Error> {
    let inner = &*client.inner;
    // The same client settings in the source region; its rules resolve the source endpoint
    // (and check the region name before it becomes part of a host).
    let mut config = inner.config.clone();
    config.region = Some(region.to_owned());
    let there =
        ClientHandle::with_config(&inner.session, inner.service, inner.rules, config).prepare(op, input, true)?;
    let Some(auth) = there.auth else {
        return Err(invalid(op, "the operation is not signed, so there is no URL to presign".into()));
    };
    let mut target = there.target;
    // botocore keeps the endpoint's own query first, then the parameters.
    target.push(if target.contains('?') { '&' } else { '?' });
    target.push_str(&join_form(params));
    let mut headers = HeaderMap::new();
    let host =
        HeaderValue::from_str(&there.authority).map_err(|_| invalid(op, "the endpoint host is invalid".into()))?;
    headers.insert(HOST, host);
    let signed = sign(
        inner.service,
        &auth,
        credentials,
        "GET",
        &target,
        &headers,
        SignableBody::Bytes(b""),
        inner.session.now(),
        Some(EXPIRES_IN),
    )
    .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
    // botocore's order: its authentication parameters, then the signature.
    let mut added: Vec<_> = signed.query_to_add.iter().collect();
    added.sort_by_key(|(name, _)| QUERY_AUTH_ORDER.iter().position(|n| n == name).unwrap_or(QUERY_AUTH_ORDER.len()));
    for (name, value) in added {
        target.push('&');
        target.push_str(name);
        target.push('=');
        target.push_str(value);
    }
    Ok(format!("{}{target}", there.origin))
}

#[cfg(test)]
#[path = "presigned_url_tests.rs"]
mod tests;
