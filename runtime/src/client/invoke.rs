//! One call, end to end: serialise, resolve the endpoint, sign, send with retries, parse.

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use http::header::{HeaderMap, HeaderName, HeaderValue, HOST, USER_AGENT};
use http::Request;

use super::endpoint::AuthScheme;
use super::endpoint_cache::ResolvedEndpoint;
use super::ClientHandle;
use super::{checksums, customize};
use crate::auth::{SignableBody, SignableRequest, SigningParams, SigningSettings};
use crate::credentials::Credentials;
use crate::dispatch::{default_classifier, send_with_retries, DispatchOptions, LastFailure};
use crate::http::{mark_sensitive_headers, HttpErrorKind, SdkBody};
use crate::interceptor::Context;
use crate::protocol::{deserialize_response, serialize_request_with, RequestError, ResponseError, SerializedRequest};
use crate::schema::{flags, op_flags, Operation, Protocol, Service, ShapeKind};
use crate::shape::Shape;
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
    /// `presign` is true when the request is being presigned (no default checksum is added).
    pub(crate) fn prepare(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        presign: bool,
    ) -> Result<Prepared, Error> {
        // Checked first, so that the answer does not depend on the endpoint or credentials.
        crate::protocol::refuse_input_event_stream(op)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        let inner = &*self.inner;
        customize::before_serialize(inner.service, op, input);
        // botocore's checks before sending, after its handlers filled defaults and before the
        // endpoint, the credentials or the network are touched.
        let validate =
            inner.config.parameter_validation.unwrap_or_else(|| inner.session.config().parameter_validation());
        crate::validate::validate_input(inner.service, op, input, validate)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        let rules = inner.rules.get().map_err(|e| Error::new(ErrorKind::Config, e.clone()).with_operation(op.name))?;
        if !presign {
            checksums::enable_response_validation(op, input, inner.response_checksum_validation());
        }
        let base = inner.base_params().map_err(|e| e.with_operation(op.name))?;
        // Endpoints are remembered by what the call adds to the configuration's parameters,
        // which are the same for every call of this client.
        let params = inner.call_params(op, input);
        let endpoint = inner
            .endpoints
            .get_or_resolve(params, |params| {
                let endpoint = rules.resolve(&base.overridden_by(params))?;
                ResolvedEndpoint::new(endpoint, inner.service, &inner.region()?)
            })
            .map_err(|e| e.with_operation(op.name))?;
        let precision = customize::timestamp_precision(inner.service);
        let mut request = serialize_request_with(inner.service, op, input, precision)?;
        customize::after_serialize(inner.service, op, input, &mut request);
        let prefix = request.host_prefix.as_deref().filter(|_| inner.config.inject_host_prefix != Some(false));
        let mut authority = String::with_capacity(endpoint.host.len() + prefix.map_or(0, str::len) + 6);
        authority.push_str(prefix.unwrap_or_default());
        authority.push_str(&endpoint.host);
        if let Some(port) = endpoint.port {
            authority.push(':');
            authority.push_str(crate::text::decimal(port.into(), &mut [0; 20]));
        }
        checksums::add_request_checksum(
            op,
            &*input,
            &mut request,
            inner.request_checksum_calculation(),
            endpoint.scheme.eq_ignore_ascii_case("https"),
            presign,
        )
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        let origin = crate::text::concat(&[&endpoint.scheme, "://", &authority]);
        let target = join_path(&endpoint.path, &request.uri);
        let unsigned = op.auth_type == Some("none") || op.auth == ["smithy.api#noAuth"];
        let auth = (!unsigned).then(|| endpoint.auth.clone());
        Ok(Prepared { request, origin, authority, target, endpoint_headers: endpoint.headers.clone(), auth })
    }

    /// The request a call of `op` with `input` would send, with its endpoint resolved but not
    /// signed: for checking what goes where (endpoint conformance, debugging) without sending.
    pub fn prepare_request(&self, op: &'static Operation, input: &mut dyn Shape) -> Result<Request<SdkBody>, Error> {
        let mut prepared = self.prepare(op, input, false)?;
        customize::before_call(self.inner.service, op, &mut prepared.request);
        customize::before_send(self, op, input, &mut prepared, None)?;
        let Prepared { request, origin, authority, target, endpoint_headers, .. } = prepared;
        let mut request = assemble_request(
            request.method,
            &origin,
            &authority,
            &target,
            &request.headers,
            &endpoint_headers,
            request.body,
        )
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        request.headers_mut().insert(USER_AGENT, self.inner.user_agent.clone());
        Ok(request)
    }

    /// Runs one call of `op`, writing the response into `output`; returns the response's HTTP
    /// status (waiters' `status` matchers read it).
    ///
    /// The call's future is boxed here, in a function that is not generic, so that its state
    /// machine (serialise, resolve, sign, retry, parse, and the HTTP stack under them) is compiled
    /// once, in this crate: awaited unboxed from the generic `Call::send`, it was compiled again
    /// in every crate that sends a call (each generated crate and each app). One allocation per
    /// call is what that costs, beside the dozens a request makes anyway.
    pub(crate) fn invoke<'a>(
        &'a self,
        op: &'static Operation,
        input: &'a mut dyn Shape,
        output: &'a mut dyn Shape,
        decode_error: DecodeError,
    ) -> Pin<Box<dyn Future<Output = Result<u16, Error>> + Send + 'a>> {
        Box::pin(self.invoke_traced(op, input, output, decode_error))
    }

    /// [`ClientHandle::invoke`] unboxed, with the call's span when tracing is on.
    async fn invoke_traced(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        output: &mut dyn Shape,
        decode_error: DecodeError,
    ) -> Result<u16, Error> {
        #[cfg(feature = "tracing")]
        {
            crate::trace::input(op, &*input);
            let call = self.invoke_hooked(op, input, output, decode_error);
            crate::trace::call(self.inner.service, op, call).await
        }
        #[cfg(not(feature = "tracing"))]
        self.invoke_hooked(op, input, output, decode_error).await
    }

    /// [`ClientHandle::invoke`] with the interceptors' first and last points around the call.
    async fn invoke_hooked(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        output: &mut dyn Shape,
        decode_error: DecodeError,
    ) -> Result<u16, Error> {
        let hooks = &self.inner.interceptors;
        if hooks.is_empty() {
            return self.invoke_discovering(op, input, output, decode_error).await;
        }
        let context = Context { service: self.inner.service, operation: op, attempt: 0 };
        let mut result = hooks.run(&context, "read_before_execution", |i| i.read_before_execution(&context));
        if result.is_ok() {
            result = hooks
                .run(&context, "modify_before_serialization", |i| i.modify_before_serialization(&context, &mut *input));
        }
        let result = match result {
            Ok(()) => self.invoke_discovering(op, input, output, decode_error).await,
            Err(error) => Err(error),
        };
        hooks.after_execution(&context, result.as_ref().map(|_| &*output));
        result
    }

    /// [`ClientHandle::invoke`] after the interceptors' first points: the call, made again at a
    /// fresh address when an endpoint discovered for it turns out to be stale.
    async fn invoke_discovering(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        output: &mut dyn Shape,
        decode_error: DecodeError,
    ) -> Result<u16, Error> {
        let mut discovery = super::discovery::CallDiscovery::new(self, op, &*input)?;
        loop {
            let url = discovery.url(self, op).await?;
            let result = self.invoke_once(op, &mut *input, &mut *output, decode_error, url.as_deref()).await;
            if !discovery.again(self, &result) {
                return result;
            }
        }
    }

    /// One call, at a discovered endpoint `url` when there is one.
    async fn invoke_once(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        output: &mut dyn Shape,
        decode_error: DecodeError,
        url: Option<&str>,
    ) -> Result<u16, Error> {
        let inner = &*self.inner;
        let service = inner.service;
        let hooks = &inner.interceptors;
        let clock = inner.session.clock();
        let mut prepared = self.prepare(op, input, false)?;
        if let Some(url) = url {
            super::discovery::redirect(&mut prepared, url)
                .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        }
        customize::before_call(service, op, &mut prepared.request);
        let credentials = match prepared.auth {
            Some(_) => {
                Some(inner.session.credentials_async().await.map_err(|e| Error::from(e).with_operation(op.name))?)
            }
            None => None,
        };
        customize::before_send(self, op, input, &mut prepared, credentials.as_ref())?;
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
        let invocation =
            SdkRequestHeaders::new(inner.retry.max_attempts(), &inner.user_agent, inner.session.config().env());
        // A hook's error, kept whole (the retry loop only carries a message) and returned as is.
        let mut hook_failure: Option<Error> = None;
        let make_request = |attempt: u32, time: SystemTime| -> Result<Request<SdkBody>, RequestError> {
            // A session clock replaces the local reading; the skew correction still applies.
            let time = match clock {
                Some(clock) => inner.retry.skew_corrector().apply(clock.now()),
                None => time,
            };
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
            let mut request =
                assemble_request(method, &origin, &authority, &target, &headers, &endpoint_headers, body)?;
            if hooks.is_empty() {
                sign_request(op, service, auth.as_ref(), credentials.as_ref(), time, &mut request)?;
                invocation.apply(attempt, request.headers_mut());
                #[cfg(feature = "tracing")]
                crate::trace::attempt(attempt, &request);
                return Ok(request);
            }
            let context = Context { service, operation: op, attempt };
            let hooked = hooks
                .run(&context, "read_before_attempt", |i| i.read_before_attempt(&context))
                .and_then(|()| {
                    hooks.run(&context, "modify_before_signing", |i| i.modify_before_signing(&context, &mut request))
                })
                .and_then(|()| {
                    sign_request(op, service, auth.as_ref(), credentials.as_ref(), time, &mut request)
                        .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
                    invocation.apply(attempt, request.headers_mut());
                    Ok(())
                })
                .and_then(|()| {
                    hooks.run(&context, "read_before_transmit", |i| i.read_before_transmit(&context, &request))
                });
            match hooked {
                Ok(()) => {
                    #[cfg(feature = "tracing")]
                    crate::trace::attempt(attempt, &request);
                    Ok(request)
                }
                Err(error) => {
                    let message = error.to_string();
                    hook_failure = Some(error);
                    Err(RequestError::new(message))
                }
            }
        };
        let http = match &inner.http {
            None => inner.session.http(),
            Some(Ok(own)) => own,
            Some(Err((kind, message))) => {
                let error = crate::http::HttpError::new(*kind, message.clone());
                return Err(Error::from(error).with_operation(op.name));
            }
        };
        let response = send_with_retries(http, &inner.retry, &options, make_request, default_classifier).await;
        if let Some(error) = hook_failure {
            return Err(error);
        }
        #[cfg(feature = "tracing")]
        match &response {
            Ok(r) => crate::trace::response(
                r.status().as_u16(),
                r.extensions().get::<crate::dispatch::RetryLog>().map(|l| l.attempts),
                r.headers(),
            ),
            Err(e) => {
                if let Some(r) = e.response() {
                    crate::trace::response(r.status.as_u16(), Some(e.attempts()), &r.headers);
                }
            }
        }
        let context = Context { service, operation: op, attempt: 0 };
        let response = match response {
            Ok(response) if !hooks.is_empty() => {
                let (parts, body) = response.into_parts();
                hooks.run(&context, "read_after_transmit", |i| i.read_after_transmit(&context, &parts))?;
                let mut response = http::Response::from_parts(parts, body);
                hooks.run(&context, "modify_before_deserialization", |i| {
                    i.modify_before_deserialization(&context, &mut response)
                })?;
                Ok(response)
            }
            Err(error) if !hooks.is_empty() => {
                if let LastFailure::Response(r) = error.last_failure() {
                    let (mut parts, ()) = http::Response::new(()).into_parts();
                    parts.status = r.status;
                    parts.headers = r.headers.clone();
                    hooks.run(&context, "read_after_transmit", |i| i.read_after_transmit(&context, &parts))?;
                }
                Err(error)
            }
            other => other,
        };
        match response {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                customize::before_parse(service, op, &mut parts.headers);
                let body = checksums::check_response(op, input, parts.status.as_u16(), &parts.headers, body)?;
                // A buffered body is shared, not copied, for the handlers that read it again.
                let kept = body.as_bytes().and_then(|_| body.try_clone());
                deserialize_response(service, op, parts.status.as_u16(), &parts.headers, body, output)?;
                let kept = kept.as_ref().and_then(crate::stream::ByteStream::as_bytes);
                customize::after_parse(service, op, input, output, parts.status.as_u16(), kept)?;
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

/// The headers botocore adds to every attempt after signing (so none of them is signed): the
/// User-Agent, `amz-sdk-invocation-id` (one UUID for every attempt of a call) and
/// `amz-sdk-request` (`attempt=1`, then `attempt=N; max=M` once the retry policy has run, as
/// botocore's `add_retry_headers` writes them; botocore's `ttl=` part is not sent).
///
/// Inside AWS Lambda it also carries the function's trace id as `X-Amzn-Trace-Id` (botocore's
/// `add_recursion_detection_header`), which Lambda uses to detect a function calling itself.
struct SdkRequestHeaders {
    invocation_id: HeaderValue,
    max_attempts: u32,
    user_agent: HeaderValue,
    trace_id: Option<HeaderValue>,
}

impl SdkRequestHeaders {
    fn new(max_attempts: u32, user_agent: &HeaderValue, env: &crate::config::Env) -> Self {
        // A UUID is ASCII hex and dashes.
        let invocation_id = HeaderValue::from_str(&crate::protocol::new_uuid())
            .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-4000-8000-000000000000"));
        let trace_id = env
            .get("AWS_LAMBDA_FUNCTION_NAME")
            .and(env.get("_X_AMZN_TRACE_ID"))
            .filter(|id| !id.is_empty())
            .and_then(|id| HeaderValue::try_from(quote_trace_id(&id)).ok());
        SdkRequestHeaders { invocation_id, max_attempts, user_agent: user_agent.clone(), trace_id }
    }

    fn apply(&self, attempt: u32, headers: &mut HeaderMap) {
        headers.insert(USER_AGENT, self.user_agent.clone());
        if let Some(trace_id) = &self.trace_id {
            let name = HeaderName::from_static("x-amzn-trace-id");
            if !headers.contains_key(&name) {
                headers.insert(name, trace_id.clone());
            }
        }
        headers.insert(HeaderName::from_static("amz-sdk-invocation-id"), self.invocation_id.clone());
        // Digits, `=`, `;` and spaces: always a valid header value.
        if let Ok(value) = HeaderValue::try_from(sdk_request(attempt, self.max_attempts)) {
            headers.insert(HeaderName::from_static("amz-sdk-request"), value);
        }
    }
}

/// botocore's `quote(trace_id, safe='-=;:+&[]{}"\',')`: every other byte but letters, digits
/// and `_.-~` is percent-encoded.
fn quote_trace_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for &b in id.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~=;:+&[]{}\"',".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `amz-sdk-request` value of an attempt (1-based): botocore learns the maximum only when its
/// retry policy first runs, after the first attempt.
fn sdk_request(attempt: u32, max_attempts: u32) -> String {
    if attempt <= 1 {
        "attempt=1".to_owned()
    } else {
        let (mut a, mut m) = ([0; 20], [0; 20]);
        let attempt = crate::text::decimal(attempt.into(), &mut a);
        crate::text::concat(&["attempt=", attempt, "; max=", crate::text::decimal(max_attempts.into(), &mut m)])
    }
}

/// Appends the operation's path to the endpoint's, as botocore's `_urljoin` does: a bare `/`
/// keeps the endpoint's path (so a path-style bucket URL stays `/bucket`).
pub(super) fn join_path(base: &str, uri: &str) -> String {
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
        crate::text::concat(&[&base[..base.len() - 1], path])
    } else {
        crate::text::concat(&[base, path])
    };
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Builds the unsigned HTTP request of one attempt: the protocol's headers, the endpoint's,
/// `Host`, `User-Agent` and `Content-Length`.
pub(crate) fn assemble_request(
    method: &str,
    origin: &str,
    authority: &str,
    target: &str,
    headers: &HeaderMap,
    endpoint_headers: &[(String, Vec<String>)],
    body: SdkBody,
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
    mark_sensitive_headers(&mut all);
    let mut request = Request::builder()
        .method(method)
        .uri(crate::text::concat(&[origin, target]))
        .body(body)
        .map_err(|_| RequestError::new("the request line is invalid"))?;
    *request.headers_mut() = all;
    Ok(request)
}

/// Signs an assembled request in place with the endpoint's auth scheme; unsigned operations
/// (`auth` or `credentials` absent) are left as they are.
pub(crate) fn sign_request(
    op: &'static Operation,
    service: &'static Service,
    auth: Option<&AuthScheme>,
    credentials: Option<&Credentials>,
    time: SystemTime,
    request: &mut Request<SdkBody>,
) -> Result<(), RequestError> {
    let (Some(auth), Some(credentials)) = (auth, credentials) else { return Ok(()) };
    let signable_body = match request.body().as_bytes() {
        _ if request.body().aws_chunked().is_some() => SignableBody::StreamingUnsignedPayloadTrailer,
        Some(bytes) if !op.has(op_flags::UNSIGNED_PAYLOAD) => SignableBody::Bytes(bytes),
        _ => SignableBody::UnsignedPayload,
    };
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let method = request.method().as_str();
    let output = sign(service, auth, credentials, method, target, request.headers(), signable_body, time, None)?;
    let headers = request.headers_mut();
    for (name, value) in output.headers_to_add {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError::new("the signer made an invalid header"))?;
        let value =
            HeaderValue::from_str(&value).map_err(|_| RequestError::new("the signer made an invalid header"))?;
        headers.insert(name, value);
    }
    mark_sensitive_headers(headers);
    Ok(())
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
    use super::{join_path, quote_trace_id, sdk_request};

    #[test]
    fn trace_ids_are_quoted_like_botocore() {
        // Python: quote(v, safe='-=;:+&[]{}"\','): the X-Ray form is kept, the rest encoded.
        let id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1";
        assert_eq!(quote_trace_id(id), id);
        assert_eq!(quote_trace_id("foo\nbar"), "foo%0Abar");
        assert_eq!(quote_trace_id("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn attempts_are_numbered_like_botocore() {
        // botocore's debug logs show `'amz-sdk-request': b'attempt=1'` on a first attempt; the
        // retry policy then records `max` (test_retries.py: `attempt=2; max=3`).
        assert_eq!(sdk_request(1, 3), "attempt=1");
        assert_eq!(sdk_request(2, 3), "attempt=2; max=3");
        assert_eq!(sdk_request(5, 5), "attempt=5; max=5");
    }

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
