//! One call, end to end: serialise, resolve the endpoint, sign, send with retries, parse.

use std::fmt::Write as _;
use std::time::SystemTime;

use http::header::{HeaderMap, HeaderName, HeaderValue, HOST, USER_AGENT};
use http::Request;

use super::customize;
use super::endpoint::AuthScheme;
use super::endpoint_cache::ResolvedEndpoint;
use super::ClientHandle;
use crate::auth::{SignableBody, SignableRequest, SigningParams, SigningSettings};
use crate::credentials::Credentials;
use crate::dispatch::{default_classifier, send_with_retries, DispatchOptions, LastFailure};
use crate::http::{mark_sensitive_headers, HttpErrorKind, SdkBody};
use crate::protocol::checksum::ChecksumAlgorithm;
use crate::protocol::{deserialize_response, serialize_request, RequestError, ResponseError, SerializedRequest};
use crate::schema::{flags, op_flags, Operation, Protocol, Service, ShapeKind};
use crate::shape::{Shape, Value, ValueRef};
use crate::types::DateTime;
use crate::{Error, ErrorKind};

/// Successful bodies of non-streaming operations are read whole, up to this size: larger
/// answers (a 5 GB `Content-Length` from a broken proxy) are refused rather than buffered.
const MAX_BUFFERED_BODY: u64 = 256 << 20;

/// The user agent every request carries.
const USER_AGENT_VALUE: &str = concat!("tucuxi/", env!("CARGO_PKG_VERSION"));

/// Reads an error response into the caller's error type (the operation's modeled errors).
pub(crate) type DecodeError = fn(&'static Service, &'static Operation, u16, &HeaderMap, &[u8]) -> Error;

/// A request ready to sign: where it goes and how to sign it.
pub(crate) struct Prepared {
    pub request: SerializedRequest,
    /// `scheme://host[:port]`.
    pub origin: String,
    /// `host[:port]`, for the `host` header.
    pub authority: String,
    /// The path and query to send.
    pub target: String,
    /// Headers the endpoint adds.
    pub endpoint_headers: Vec<(String, Vec<String>)>,
    /// `None` for operations that are not signed.
    pub auth: Option<AuthScheme>,
}

impl ClientHandle {
    /// Serialises `input`, resolves the endpoint and decides how to sign.
    pub(crate) fn prepare(&self, op: &'static Operation, input: &mut dyn Shape) -> Result<Prepared, Error> {
        // Checked first, so that the answer does not depend on the endpoint or credentials.
        crate::protocol::refuse_input_event_stream(op)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        let inner = &*self.inner;
        let rules = inner.rules.get().map_err(|e| Error::new(ErrorKind::Config, e.clone()).with_operation(op.name))?;
        customize::before_serialize(inner.service, op, input);
        let params = inner.endpoint_params(op, input).map_err(|e| e.with_operation(op.name))?;
        let endpoint = inner
            .endpoints
            .get_or_resolve(params, |params| {
                let endpoint = rules.resolve(params)?;
                ResolvedEndpoint::new(endpoint, inner.service, &inner.region()?)
            })
            .map_err(|e| e.with_operation(op.name))?;
        let mut request = serialize_request(inner.service, op, input)?;
        customize::after_serialize(inner.service, op, &mut request);
        let prefix = request.host_prefix.as_deref().filter(|_| inner.config.inject_host_prefix != Some(false));
        let mut authority = String::with_capacity(endpoint.host.len() + prefix.map_or(0, str::len) + 6);
        authority.push_str(prefix.unwrap_or_default());
        authority.push_str(&endpoint.host);
        if let Some(port) = endpoint.port {
            let _ = write!(authority, ":{port}");
        }
        let origin = format!("{}://{authority}", endpoint.scheme);
        let target = join_path(&endpoint.path, &request.uri);
        let unsigned = op.auth_type == Some("none") || op.auth == ["smithy.api#noAuth"];
        let auth = (!unsigned).then(|| endpoint.auth.clone());
        Ok(Prepared { request, origin, authority, target, endpoint_headers: endpoint.headers.clone(), auth })
    }

    /// The request a call of `op` with `input` would send, with its endpoint resolved but not
    /// signed: for checking what goes where (endpoint conformance, debugging) without sending.
    pub fn prepare_request(&self, op: &'static Operation, input: &mut dyn Shape) -> Result<Request<SdkBody>, Error> {
        let prepared = self.prepare(op, input)?;
        let Prepared { request, origin, authority, target, endpoint_headers, .. } = prepared;
        build_request(
            op,
            self.inner.service,
            request.method,
            &origin,
            &authority,
            &target,
            &request.headers,
            &endpoint_headers,
            request.body,
            None,
            None,
            SystemTime::now(),
        )
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))
    }

    /// Runs one call of `op`, writing the response into `output`; returns the response's HTTP
    /// status (waiters' `status` matchers read it).
    pub(crate) async fn invoke(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        output: &mut dyn Shape,
        decode_error: DecodeError,
    ) -> Result<u16, Error> {
        let inner = &*self.inner;
        let service = inner.service;
        let prepared = self.prepare(op, input)?;
        let credentials = match prepared.auth {
            Some(_) => {
                Some(inner.session.credentials_async().await.map_err(|e| Error::from(e).with_operation(op.name))?)
            }
            None => None,
        };
        let streaming_output =
            op.output.members.iter().any(|m| {
                m.has(flags::PAYLOAD) && m.target.kind == ShapeKind::StreamingBlob || m.has(flags::EVENT_STREAM)
            });
        let mut options = DispatchOptions::new(op.name);
        if !streaming_output {
            options = options.buffered(MAX_BUFFERED_BODY);
            // Only an output read from the XML body can be told from an error document; a
            // payload member (a policy text, say) is the service's data whatever it holds.
            if service.protocol == Protocol::RestXml && !op.output.members.iter().any(|m| m.has(flags::PAYLOAD)) {
                options = options.errors_in_success();
            }
        }
        let Prepared { request, origin, authority, target, endpoint_headers, auth } = prepared;
        let SerializedRequest { method, headers, body, .. } = request;
        let mut original = Some(body);
        let mut template: Option<SdkBody> = None;
        let make_request = |_attempt: u32, time: SystemTime| -> Result<Request<SdkBody>, RequestError> {
            // In-memory bodies are cloned for every attempt; a stream goes out once, and the
            // dispatcher gives up on retrying it.
            let body = match original.take() {
                Some(body) => {
                    if let Some(copy) = body.try_clone() {
                        template = Some(copy);
                    }
                    body
                }
                None => template
                    .as_ref()
                    .and_then(SdkBody::try_clone)
                    .ok_or_else(|| RequestError::new("the streaming body cannot be sent again"))?,
            };
            build_request(
                op,
                service,
                method,
                &origin,
                &authority,
                &target,
                &headers,
                &endpoint_headers,
                body,
                auth.as_ref(),
                credentials.as_ref(),
                time,
            )
        };
        let response =
            send_with_retries(inner.session.http(), &inner.retry, &options, make_request, default_classifier).await;
        match response {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                if let Some(bytes) = body.as_bytes() {
                    validate_checksum(op, input, parts.status.as_u16(), &parts.headers, bytes)?;
                }
                deserialize_response(service, op, parts.status.as_u16(), &parts.headers, body, output)?;
                crate::event_stream::read_initial_response(service, op, output).await?;
                Ok(parts.status.as_u16())
            }
            Err(error) => match error.last_failure() {
                LastFailure::Response(r) => {
                    Err(decode_error(service, op, r.status.as_u16(), &r.headers, &r.body).with_host(&r.host))
                }
                // A success body over the buffering limit (a 5 GB `Content-Length` from a broken
                // proxy) is a bad response, not a transport failure.
                LastFailure::Http(http) if http.kind() == HttpErrorKind::BodyTooLarge => {
                    let reason = format!("{http} (the operation's output is read whole)");
                    Err(Error::new(ErrorKind::Response, ResponseError::new(200, reason)).with_operation(op.name))
                }
                _ => Err(Error::from(error).with_operation(op.name)),
            },
        }
    }
}

/// Checks a buffered response body against the checksum header the service sent, when the
/// caller asked for validation (the operation's validation-mode member set to `ENABLED`).
/// Composite checksums of multipart objects (`...-3`) cover parts, not the body, and are skipped.
fn validate_checksum(
    op: &'static Operation,
    input: &dyn Shape,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Error> {
    let Some(checksum) = op.checksum else { return Ok(()) };
    let Some(mode) = checksum.request_validation_mode_member else { return Ok(()) };
    let enabled = op
        .input
        .member(mode)
        .and_then(|(i, _)| input.field(i))
        .and_then(Value::get)
        .is_some_and(|v| matches!(v, ValueRef::Str("ENABLED")));
    if !enabled {
        return Ok(());
    }
    for name in checksum.response_algorithms {
        let Some(algorithm) = ChecksumAlgorithm::from_name(name) else { continue };
        let Some(expected) = headers.get(algorithm.header_name()).and_then(|v| v.to_str().ok()) else { continue };
        if expected.contains('-') {
            continue;
        }
        let actual = algorithm.digest_base64(body);
        if actual != expected {
            let reason = format!("the body does not match its {} checksum", algorithm.header_name());
            return Err(Error::new(ErrorKind::Response, ResponseError::new(status, reason)).with_operation(op.name));
        }
        return Ok(());
    }
    Ok(())
}

/// Appends the operation's path to the endpoint's, as botocore's `_urljoin` does: a bare `/`
/// keeps the endpoint's path (so a path-style bucket URL stays `/bucket`).
fn join_path(base: &str, uri: &str) -> String {
    let (path, query) = match uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri, None),
    };
    let mut out = if path.is_empty() || path == "/" {
        if base.is_empty() {
            "/".to_owned()
        } else {
            base.to_owned()
        }
    } else if base.ends_with('/') && path.starts_with('/') {
        format!("{}{path}", &base[..base.len() - 1])
    } else {
        format!("{base}{path}")
    };
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Builds and signs the HTTP request of one attempt.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_request(
    op: &'static Operation,
    service: &'static Service,
    method: &str,
    origin: &str,
    authority: &str,
    target: &str,
    headers: &HeaderMap,
    endpoint_headers: &[(String, Vec<String>)],
    body: SdkBody,
    auth: Option<&AuthScheme>,
    credentials: Option<&Credentials>,
    time: SystemTime,
) -> Result<Request<SdkBody>, RequestError> {
    let mut all = headers.clone();
    for (name, values) in endpoint_headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError::new(format!("the endpoint names an invalid header {name:?}")))?;
        // The endpoint's value replaces the one the input serialized (S3 Control's
        // `x-amz-account-id` is both a member and an endpoint header), as botocore updates the
        // request's headers with the endpoint's.
        all.remove(&name);
        for value in values {
            let value = HeaderValue::from_str(value)
                .map_err(|_| RequestError::new(format!("the endpoint header {name} has an invalid value")))?;
            all.append(name.clone(), value);
        }
    }
    all.insert(HOST, HeaderValue::from_str(authority).map_err(|_| RequestError::new("the endpoint host is invalid"))?);
    all.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    if let Some(length) = body.content_length() {
        if length > 0 || !matches!(method, "GET" | "HEAD") {
            all.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
    }
    if let (Some(auth), Some(credentials)) = (auth, credentials) {
        let signable_body = match body.as_bytes() {
            Some(bytes) if !op.has(op_flags::UNSIGNED_PAYLOAD) => SignableBody::Bytes(bytes),
            _ => SignableBody::UnsignedPayload,
        };
        let output = sign(service, auth, credentials, method, target, &all, signable_body, time, None)?;
        for (name, value) in output.headers_to_add {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| RequestError::new("the signer made an invalid header"))?;
            let value =
                HeaderValue::from_str(&value).map_err(|_| RequestError::new("the signer made an invalid header"))?;
            all.insert(name, value);
        }
    }
    mark_sensitive_headers(&mut all);
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{origin}{target}"))
        .body(body)
        .map_err(|_| RequestError::new("the request line is invalid"))?;
    *request.headers_mut() = all;
    Ok(request)
}

/// Signs with the endpoint's auth scheme. `presign` makes a presigned request valid for that long.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sign(
    service: &'static Service,
    auth: &AuthScheme,
    credentials: &Credentials,
    method: &str,
    target: &str,
    headers: &HeaderMap,
    body: SignableBody<'_>,
    time: SystemTime,
    presign: Option<std::time::Duration>,
) -> Result<crate::auth::SigningOutput, RequestError> {
    let mut pairs = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let value = value
            .to_str()
            .map_err(|_| RequestError::new(format!("the header {name} is not printable ASCII and cannot be signed")))?;
        pairs.push((name.as_str(), value));
    }
    let signable = SignableRequest { method, uri: target, headers: &pairs, body };
    let mut settings = match auth.signing_name.as_str() {
        "s3" | "s3-outposts" | "s3-object-lambda" | "s3express" => SigningSettings::s3(),
        _ if service.signature_version == "s3v4" => SigningSettings::s3(),
        _ => SigningSettings::default(),
    };
    if auth.disable_double_encoding {
        settings.double_uri_encode = false;
    }
    if auth.disable_normalize_path {
        settings.normalize_uri_path = false;
    }
    if let Some(expires_in) = presign {
        settings = settings.presigned(expires_in);
    }
    let params = SigningParams {
        credentials,
        region: &auth.signing_region,
        service: &auth.signing_name,
        time: DateTime::from(time),
        settings,
    };
    let signed = match auth.name.as_str() {
        #[cfg(feature = "sigv4a")]
        "sigv4a" => crate::auth::sigv4a::sign(&signable, &params),
        _ => crate::auth::sigv4::sign(&signable, &params),
    };
    signed.map_err(|e| RequestError::new(format!("could not sign the request: {e}")))
}

#[cfg(test)]
mod tests {
    use super::join_path;

    #[test]
    fn paths_join_like_botocore() {
        assert_eq!(join_path("", "/"), "/");
        assert_eq!(join_path("/bucket", "/"), "/bucket");
        assert_eq!(join_path("/bucket", "/?list-type=2"), "/bucket?list-type=2");
        assert_eq!(join_path("/bucket", "/a%20b"), "/bucket/a%20b");
        assert_eq!(join_path("/base/", "/op"), "/base/op");
        assert_eq!(join_path("", "/op?x=1"), "/op?x=1");
    }
}
