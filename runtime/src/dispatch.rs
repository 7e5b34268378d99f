//! The attempt loop: sends one operation call through the [`HttpClient`], asking the client's
//! [`RetryStrategy`] after every attempt whether to retry, wait, or give up.
//!
//! The loop is protocol-agnostic. The caller supplies two closures: one that builds (and signs)
//! the request for each attempt, and one that reads an error response's error code, which is the
//! protocol's business. [`default_classifier`] is a small protocol-blind stand-in that looks at
//! the usual places an AWS error code travels.
//!
//! ```no_run
//! # async fn demo(client: &tucuxi::http::HttpClient, strategy: &tucuxi::retry::RetryStrategy) {
//! use tucuxi::dispatch::{default_classifier, send_with_retries, DispatchOptions};
//! use tucuxi::http::SdkBody;
//!
//! let body = SdkBody::from("{}");
//! let response = send_with_retries(
//!     client,
//!     strategy,
//!     &DispatchOptions::new("ListTables"),
//!     |_attempt, _signing_time| -> Result<_, tucuxi::http::BoxError> {
//!         // Sign here with `_signing_time`, which already includes any clock-skew correction.
//!         let body = body.try_clone().ok_or("the body cannot be sent again")?;
//!         Ok(http::Request::post("https://dynamodb.us-east-1.amazonaws.com/").body(body)?)
//!     },
//!     default_classifier,
//! )
//! .await;
//! # let _ = response;
//! # }
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{HeaderMap, DATE};
use http::{Request, Response, StatusCode};

use crate::http::{BoxError, HttpClient, HttpError, HttpErrorKind, SdkBody};
use crate::retry::{
    skew_from_date_header, AttemptOutcome, Decision, GiveUpReason, IoKind, ResponseInfo, RetryStrategy,
};
use crate::stream::ByteStream;

/// The bound on an error response's body: enough for any AWS error document, small enough that
/// a misbehaving server cannot make the client buffer an unbounded body just to find a code.
pub const DEFAULT_ERROR_BODY_LIMIT: u64 = 1 << 20;

/// Per-call settings of [`send_with_retries`].
#[derive(Clone, Debug)]
pub struct DispatchOptions<'a> {
    /// The operation's model name (`ReceiveMessage`); the strategy uses it to recognise
    /// long-polling operations.
    pub operation: &'a str,
    /// How many bytes of an error response's body are read to find its error code.
    pub error_body_limit: u64,
    /// `Some(limit)` reads a successful response's whole body (up to `limit` bytes) inside the
    /// attempt loop, so that a transport failure while reading it is retried like any other.
    /// This is what non-streaming operations want. `None` (for streaming outputs) returns the
    /// response as soon as its headers arrive; a failure while the caller reads the body is then
    /// the caller's to handle, since the loop can no longer resend.
    pub buffer_success_body: Option<u64>,
    /// A buffered `200` whose body is an XML `<Error>` document is a failure, classified as a
    /// `500` for retrying: S3 answers CopyObject, UploadPartCopy and CompleteMultipartUpload so
    /// when they fail after the headers went out (botocore's `_handle_200_error`).
    pub errors_in_success: bool,
}

impl<'a> DispatchOptions<'a> {
    /// Options for `operation` that stream the success body and bound error bodies to 1 MiB.
    pub fn new(operation: &'a str) -> Self {
        DispatchOptions {
            operation,
            error_body_limit: DEFAULT_ERROR_BODY_LIMIT,
            buffer_success_body: None,
            errors_in_success: false,
        }
    }

    /// Reads success bodies inside the loop, up to `limit` bytes; see
    /// [`DispatchOptions::buffer_success_body`].
    pub fn buffered(mut self, limit: u64) -> Self {
        self.buffer_success_body = Some(limit);
        self
    }

    /// Treats buffered `200`s carrying an XML `<Error>` as failures; see
    /// [`DispatchOptions::errors_in_success`].
    pub fn errors_in_success(mut self) -> Self {
        self.errors_in_success = true;
        self
    }
}

/// What the attempts of one call looked like. A successful response carries it as an extension
/// (`response.extensions().get::<RetryLog>()`); a [`DispatchError`] carries it too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryLog {
    /// Attempts made, the first included.
    pub attempts: u32,
    /// The strategy's backoff before each retry, in order: one entry per retry.
    pub delays: Vec<Duration>,
}

/// An error response as received, with its body read up to the limit so the protocol layer can
/// parse the modeled error from it.
#[derive(Clone)]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, or empty when it was larger than the limit.
    pub body: Bytes,
    /// What the classifier made of it.
    pub info: ResponseInfo,
    /// The host that answered, for messages.
    pub host: String,
}

impl fmt::Debug for ErrorResponse {
    /// Bodies and headers can echo request values back; a debug dump shows what identifies the
    /// failure and the body's size, not its content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorResponse")
            .field("status", &self.status)
            .field("code", &self.info.error_code)
            .field("host", &self.host)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What the last attempt of a failed call ended with.
#[derive(Debug)]
pub enum LastFailure {
    /// A complete error response.
    Response(ErrorResponse),
    /// A transport failure.
    Http(HttpError),
    /// The request-building closure failed, so nothing was sent for that attempt.
    BuildRequest(BoxError),
}

/// A call that did not succeed: the last attempt's failure, how many attempts were made, and
/// why the strategy stopped (`None` when the request could not even be built).
#[derive(Debug)]
pub struct DispatchError {
    last: LastFailure,
    log: RetryLog,
    reason: Option<GiveUpReason>,
}

impl DispatchError {
    /// What the last attempt ended with.
    pub fn last_failure(&self) -> &LastFailure {
        &self.last
    }

    /// Consumes the error into its last failure, e.g. to parse the modeled error from the body.
    pub fn into_last_failure(self) -> LastFailure {
        self.last
    }

    /// The error response of the last attempt, if it got one.
    pub fn response(&self) -> Option<&ErrorResponse> {
        match &self.last {
            LastFailure::Response(response) => Some(response),
            _ => None,
        }
    }

    /// The transport error of the last attempt, if it failed in transport.
    pub fn http_error(&self) -> Option<&HttpError> {
        match &self.last {
            LastFailure::Http(err) => Some(err),
            _ => None,
        }
    }

    /// The error code of the last response, if it had one.
    pub fn error_code(&self) -> Option<&str> {
        self.response().and_then(|r| r.info.error_code.as_deref())
    }

    /// Attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.log.attempts
    }

    /// The attempts and the backoff before each retry.
    pub fn retry_log(&self) -> &RetryLog {
        &self.log
    }

    /// Why the strategy stopped retrying; `None` when the request-building closure failed.
    pub fn reason(&self) -> Option<&GiveUpReason> {
        self.reason.as_ref()
    }
}

/// A short form of the give-up reason for the one-line message; the full `GiveUpReason` Display
/// repeats details (the attempt count, the cause) that the message already states.
fn short_reason(reason: &GiveUpReason) -> &'static str {
    match reason {
        GiveUpReason::NotRetryable { .. } => "not retryable",
        GiveUpReason::MaxAttemptsReached { .. } => "max attempts reached",
        GiveUpReason::RetryQuotaExhausted { .. } => "retry quota exhausted",
        GiveUpReason::BodyNotRewindable => "request body cannot be rewound",
    }
}

impl fmt::Display for DispatchError {
    /// `gave up after 3 attempts (max attempts reached): HTTP 503 SlowDown from host`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = self.log.attempts;
        let plural = if attempts == 1 { "" } else { "s" };
        match &self.reason {
            Some(reason) => write!(f, "gave up after {attempts} attempt{plural} ({})", short_reason(reason))?,
            None => write!(f, "failed after {attempts} attempt{plural}")?,
        }
        match &self.last {
            LastFailure::Response(r) => {
                write!(f, ": HTTP {}", r.status.as_u16())?;
                if let Some(code) = &r.info.error_code {
                    write!(f, " {code}")?;
                }
                write!(f, " from {}", r.host)
            }
            LastFailure::Http(err) => write!(f, ": {err}"),
            LastFailure::BuildRequest(err) => write!(f, ": building the request failed: {err}"),
        }
    }
}

impl StdError for DispatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.last {
            LastFailure::Http(err) => Some(err),
            LastFailure::BuildRequest(err) => Some(&**err),
            LastFailure::Response(_) => None,
        }
    }
}

/// How the retry policy sees a transport failure, or `None` for failures a fresh attempt cannot
/// fix (a local I/O error, an invalid request, a spent operation deadline), which are returned at
/// once without consulting the strategy.
pub fn io_kind(kind: HttpErrorKind) -> Option<IoKind> {
    match kind {
        HttpErrorKind::ConnectTimeout => Some(IoKind::ConnectTimeout),
        HttpErrorKind::Connect | HttpErrorKind::Tls => Some(IoKind::Connect),
        HttpErrorKind::ReadTimeout => Some(IoKind::ReadTimeout),
        // botocore raises `ConnectionClosedError` for all three (urllib3's `ProtocolError`).
        HttpErrorKind::ConnectionReset | HttpErrorKind::ConnectionClosed | HttpErrorKind::InvalidResponse => {
            Some(IoKind::ConnectionClosed)
        }
        _ => None,
    }
}

/// A protocol-blind error-code reader, good enough for tests and as a fallback: the
/// `x-amzn-ErrorType` header (restJson), then a JSON body's `__type` or `code`, then an XML
/// body's first `<Code>` element. A `Namespace#Code` or `Code:uri` form is cut to the code. It
/// also copies `x-amz-retry-after`. The loop itself fills in the `Date` header's clock offset.
pub fn default_classifier(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ResponseInfo {
    let mut info = ResponseInfo::new(status.as_u16());
    let from_header = headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let code = from_header.or_else(|| {
        let text = std::str::from_utf8(body).ok()?;
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            ["__type", "code", "Code"].iter().find_map(|key| json_string_field(trimmed, key))
        } else if trimmed.starts_with('<') {
            crate::protocol::xml_scan::xml_element(trimmed, "Code")
                .map(|c| crate::protocol::xml_scan::xml_unescape(c.trim()))
        } else {
            None
        }
    });
    if let Some(code) = code.as_deref().map(sanitize_code).filter(|c| !c.is_empty()) {
        info = info.code(code);
    }
    if let Some(after) = headers.get("x-amz-retry-after").and_then(|v| v.to_str().ok()) {
        info = info.retry_after(after);
    }
    info
}

/// Cuts `aws.protocoltests#Code` and `Code:http://internal.amazon.com/...` down to `Code`, as
/// botocore's JSON parsers do.
pub(crate) fn sanitize_code(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw).trim()
}

/// The string value of a top-level-looking `"key": "value"` pair. It does not parse JSON: it
/// finds the quoted key and reads the string after the colon, without escapes, which AWS error
/// codes never contain.
fn json_string_field(text: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let mut rest = text;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix(':') {
            let value = value.trim_start().strip_prefix('"')?;
            return value.find('"').map(|end| value[..end].to_owned());
        }
    }
    None
}

/// Sends one operation call, retrying as `strategy` decides.
///
/// Per attempt: wait for the adaptive rate limiter's token; build the request with
/// `make_request(attempt, signing_time)`, where `attempt` is 1-based and `signing_time` is the
/// local time corrected by the strategy's [`SkewCorrector`](crate::retry::SkewCorrector); send it
/// under the client's operation deadline (one deadline spread over all attempts); read an error
/// response's body up to the limit and classify it with `classify`; then retry after the
/// strategy's backoff, or stop.
///
/// The first request's body decides whether the call may be retried at all: a one-shot stream
/// ([`SdkBody::is_rewindable`] false) is sent once. Later attempts call `make_request` again, so
/// it must produce a fresh body each time (`SdkBody::try_clone`).
///
/// A successful response carries a [`RetryLog`] extension.
pub async fn send_with_retries<E, M, C>(
    client: &HttpClient,
    strategy: &RetryStrategy,
    options: &DispatchOptions<'_>,
    make_request: M,
    classify: C,
) -> Result<Response<ByteStream>, DispatchError>
where
    E: Into<BoxError>,
    M: FnMut(u32, SystemTime) -> Result<Request<SdkBody>, E> + Send,
    C: Fn(StatusCode, &HeaderMap, &[u8]) -> ResponseInfo + Sync,
{
    // A shim: the retry loop's state machine is compiled once, not per pair of closures.
    let mut make_request = make_request;
    let mut make = |attempt: u32, time: SystemTime| make_request(attempt, time).map_err(Into::into);
    send_with_retries_on(client, false, strategy, options, &mut make, &classify).await
}

/// Builds one attempt's request (see [`send_with_retries`]), as the retry loop calls it.
pub(crate) type MakeRequest<'a> = dyn FnMut(u32, SystemTime) -> Result<Request<SdkBody>, BoxError> + Send + 'a;
/// Classifies an error response (see [`default_classifier`]), as the retry loop calls it.
pub(crate) type Classify<'a> = dyn Fn(StatusCode, &HeaderMap, &[u8]) -> ResponseInfo + Sync + 'a;

/// [`send_with_retries`] over either of the client's pools: the blocking callers' pool serves
/// code that runs on the shared blocking runtime, such as the blocking credential fetcher.
pub(crate) async fn send_with_retries_on(
    client: &HttpClient,
    blocking_pool: bool,
    strategy: &RetryStrategy,
    options: &DispatchOptions<'_>,
    make_request: &mut MakeRequest<'_>,
    classify: &Classify<'_>,
) -> Result<Response<ByteStream>, DispatchError> {
    let deadline = client.config().operation_timeout.and_then(|t| Instant::now().checked_add(t));
    let mut log = RetryLog::default();
    let mut retries = None;
    loop {
        while let Some(wait) = strategy.acquire_send_token() {
            tokio::time::sleep(wait).await;
        }
        let attempt = retries.as_ref().map_or(1, |r: &crate::retry::RequestRetries| r.attempt());
        log.attempts = attempt;
        // Signing happens after the limiter wait, so that the signature's time is the send time.
        let request = match make_request(attempt, strategy.skew_corrector().now()) {
            Ok(request) => request,
            Err(err) => return Err(DispatchError { last: LastFailure::BuildRequest(err), log, reason: None }),
        };
        let retries =
            retries.get_or_insert_with(|| strategy.start_request(options.operation, request.body().is_rewindable()));
        let host = request.uri().host().unwrap_or_default().to_owned();

        let (outcome, failure, success) =
            match attempt_once(client, blocking_pool, request, deadline, options, classify, &host).await {
                Attempted::Success(response) => (AttemptOutcome::Success, None, Some(response)),
                Attempted::Error(response) => {
                    (AttemptOutcome::Response(response.info.clone()), Some(LastFailure::Response(response)), None)
                }
                Attempted::Transport(err) => match io_kind(err.kind()) {
                    Some(kind) => (AttemptOutcome::Io(kind), Some(LastFailure::Http(err)), None),
                    None => {
                        // Not the strategy's question: nothing about the service's health was
                        // learnt, so no quota is spent and the limiter is not fed.
                        let cause = err.to_string();
                        let reason = GiveUpReason::NotRetryable { cause };
                        return Err(DispatchError { last: LastFailure::Http(err), log, reason: Some(reason) });
                    }
                },
            };
        match (strategy.should_retry(retries, &outcome), success, failure) {
            (Decision::Done, Some(mut response), _) => {
                response.extensions_mut().insert(log);
                return Ok(response);
            }
            (Decision::Retry { after }, _, Some(last)) => {
                // A backoff that would outlive the operation deadline cannot lead to a useful
                // attempt: report the real last failure now rather than a timeout later.
                if deadline.is_some_and(|d| Instant::now().checked_add(after).is_none_or(|end| end >= d)) {
                    let cause = format!("the operation timeout leaves no time for attempt {}", attempt + 1);
                    return Err(DispatchError { last, log, reason: Some(GiveUpReason::NotRetryable { cause }) });
                }
                #[cfg(feature = "tracing")]
                crate::trace::retry(options.operation, attempt, after, &outcome);
                log.delays.push(after);
                if !after.is_zero() {
                    tokio::time::sleep(after).await;
                }
            }
            (Decision::GiveUp { reason }, _, Some(last)) => {
                #[cfg(feature = "tracing")]
                crate::trace::give_up(options.operation, attempt, &reason);
                if let GiveUpReason::RetryQuotaExhausted { long_poll_delay: Some(delay) } = &reason {
                    // botocore sleeps here so that a loop polling a long-polling operation
                    // cannot spin while the quota is empty.
                    tokio::time::sleep(*delay).await;
                }
                return Err(DispatchError { last, log, reason: Some(reason) });
            }
            // The strategy only says Done for a success and Retry or GiveUp for a failure; should
            // that ever change, the response is still delivered and a failure still reported.
            (_, Some(mut response), None) => {
                response.extensions_mut().insert(log);
                return Ok(response);
            }
            (decision, None, Some(last)) => {
                let cause = format!("unexpected retry decision {decision:?}");
                return Err(DispatchError { last, log, reason: Some(GiveUpReason::NotRetryable { cause }) });
            }
            (_, None, None) => unreachable!("every attempt ends in a response or a failure"),
        }
    }
}

enum Attempted {
    Success(Response<ByteStream>),
    Error(ErrorResponse),
    Transport(HttpError),
}

/// Sends one attempt and reads as much of the response as the loop needs to decide.
async fn attempt_once(
    client: &HttpClient,
    blocking_pool: bool,
    request: Request<SdkBody>,
    deadline: Option<Instant>,
    options: &DispatchOptions<'_>,
    classify: &Classify<'_>,
    host: &str,
) -> Attempted {
    let sent = if blocking_pool {
        client.send_on(client.blocking_pool(), request, deadline).await
    } else {
        client.send_until(request, deadline).await
    };
    let response = match sent {
        Ok(response) => response,
        Err(err) => return Attempted::Transport(err),
    };
    // The local time of receipt, taken before reading the body, is what the `Date` header is
    // compared with.
    let received = SystemTime::now();
    let (parts, body) = response.into_parts();
    if parts.status.is_success() {
        return match options.buffer_success_body {
            None => Attempted::Success(Response::from_parts(parts, body)),
            Some(limit) => match body.collect_limited(limit).await {
                Ok(bytes) if options.errors_in_success && crate::protocol::is_xml_error(&bytes) => {
                    // Classified as the 500 it stands for; the true status stays on the response.
                    let info = classify(StatusCode::INTERNAL_SERVER_ERROR, &parts.headers, &bytes);
                    let host = host.to_owned();
                    Attempted::Error(ErrorResponse {
                        status: parts.status,
                        headers: parts.headers,
                        body: bytes,
                        info,
                        host,
                    })
                }
                Ok(bytes) => Attempted::Success(Response::from_parts(parts, ByteStream::from(bytes))),
                Err(err) => Attempted::Transport(err.with_host(host)),
            },
        };
    }
    let body = match body.collect_limited(options.error_body_limit).await {
        Ok(bytes) => bytes,
        // An oversized error body still has a status and headers worth classifying.
        Err(err) if err.kind() == HttpErrorKind::BodyTooLarge => Bytes::new(),
        Err(err) => return Attempted::Transport(err.with_host(host)),
    };
    let mut info = classify(parts.status, &parts.headers, &body);
    if info.server_offset.is_none() {
        info.server_offset = parts
            .headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|date| skew_from_date_header(date, received));
    }
    Attempted::Error(ErrorResponse { status: parts.status, headers: parts.headers, body, info, host: host.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lose_namespaces_and_uris() {
        assert_eq!(sanitize_code("FooError"), "FooError");
        assert_eq!(sanitize_code("aws.protocoltests.restjson#FooError"), "FooError");
        assert_eq!(sanitize_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"), "FooError");
        assert_eq!(
            sanitize_code(
                "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"
            ),
            "FooError"
        );
    }

    fn classify(status: u16, headers: &[(&str, &str)], body: &str) -> ResponseInfo {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(http::header::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        default_classifier(StatusCode::from_u16(status).unwrap(), &map, body.as_bytes())
    }

    #[test]
    fn default_classifier_finds_codes_where_aws_puts_them() {
        let header = classify(400, &[("x-amzn-ErrorType", "ValidationException:http://internal/")], "{}");
        assert_eq!(header.error_code.as_deref(), Some("ValidationException"));
        let json = classify(400, &[], r#"{"__type": "com.amazonaws.dynamodb#ThrottlingException", "message":"x"}"#);
        assert_eq!(json.error_code.as_deref(), Some("ThrottlingException"));
        let rest_json = classify(403, &[], r#"{"code":"AccessDenied"}"#);
        assert_eq!(rest_json.error_code.as_deref(), Some("AccessDenied"));
        let xml = classify(503, &[], "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code></Error>");
        assert_eq!(xml.error_code.as_deref(), Some("SlowDown"));
        let query = classify(400, &[], "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>");
        assert_eq!(query.error_code.as_deref(), Some("Throttling"));
        let none = classify(500, &[("x-amz-retry-after", "1500")], "oops");
        assert_eq!(none.error_code, None);
        assert_eq!(none.retry_after.as_deref(), Some("1500"));
        assert_eq!(none.status, 500);
    }

    #[test]
    fn only_transport_kinds_are_retryable_io() {
        assert_eq!(io_kind(HttpErrorKind::ReadTimeout), Some(IoKind::ReadTimeout));
        assert_eq!(io_kind(HttpErrorKind::ConnectionReset), Some(IoKind::ConnectionClosed));
        assert_eq!(io_kind(HttpErrorKind::Tls), Some(IoKind::Connect));
        for kind in [HttpErrorKind::OperationTimeout, HttpErrorKind::InvalidRequest, HttpErrorKind::Io] {
            assert_eq!(io_kind(kind), None, "{kind:?}");
        }
    }
}
