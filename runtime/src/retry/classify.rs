//! What one attempt's outcome was, and whether botocore's standard mode would retry it.
//!
//! The HTTP layer describes each attempt as an [`AttemptOutcome`]; this module turns that into a
//! [`Retryable`] verdict using the same lists and the same precedence as
//! `botocore/retries/standard.py` (botocore 1.44.5). Legacy mode has its own, per-service tables in
//! [`super::legacy`].

use std::fmt;

use super::skew::ClockOffset;
use super::RetryRevision;
use crate::schema::ErrorTraits;

/// HTTP status codes that mean a transient server-side failure (`TransientRetryableChecker`).
pub const TRANSIENT_STATUS_CODES: [u16; 4] = [500, 502, 503, 504];

/// Error codes that mean a transient failure whatever the HTTP status (`TransientRetryableChecker`).
pub const TRANSIENT_ERROR_CODES: [&str; 3] = ["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"];

/// Error codes that mean the caller is being throttled (`ThrottledRetryableChecker`): botocore
/// calls this "the union of all error codes we've seen that represent a throttled error".
///
/// `PriorRequestNotComplete` is in both this list and [`TRANSIENT_ERROR_CODES`]; throttling wins,
/// so it is charged the cheaper throttling cost and backs off from the 1 s base.
pub const THROTTLING_ERROR_CODES: [&str; 14] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// HTTP status codes that mean throttling when the error code matches none of the operation's
/// modeled errors (`ThrottlingStatusCodeChecker`, new in the 2026 revision).
pub const THROTTLING_STATUS_CODES: [u16; 1] = [429];

/// How a request failed before a complete HTTP response arrived.
///
/// botocore retries every one of these in standard mode (they are all `ConnectionError` or
/// `HTTPClientError` subclasses there); legacy mode retries all but [`IoKind::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IoKind {
    /// The connection could not be established: DNS failure, refused connection, TLS handshake
    /// or proxy failure (botocore's `EndpointConnectionError`, `SSLError`, `ProxyConnectionError`).
    Connect,
    /// Establishing the connection took too long (`ConnectTimeoutError`).
    ConnectTimeout,
    /// The peer reset or closed the connection mid-exchange (`ConnectionClosedError`).
    ConnectionClosed,
    /// The response did not arrive in time (`ReadTimeoutError`).
    ReadTimeout,
    /// Any other transport failure (botocore's generic `HTTPClientError`).
    Other,
}

impl IoKind {
    /// True for the two timeout kinds, which the pre-2026 quota charged double.
    pub const fn is_timeout(self) -> bool {
        matches!(self, IoKind::ConnectTimeout | IoKind::ReadTimeout)
    }

    const fn describe(self) -> &'static str {
        match self {
            IoKind::Connect => "connection error",
            IoKind::ConnectTimeout => "connect timeout",
            IoKind::ConnectionClosed => "connection reset or closed",
            IoKind::ReadTimeout => "read timeout",
            IoKind::Other => "I/O error",
        }
    }
}

/// What the operation's model says about the error code of a response.
///
/// The HTTP layer finds the operation's error shape whose code (the `error.code` trait, else the
/// shape name) equals the response's error code, and passes its traits to
/// [`ModeledError::from_traits`]; no match, or no error code, is [`ModeledError::Unmodeled`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ModeledError {
    /// No modeled error of the operation has this code.
    #[default]
    Unmodeled,
    /// A modeled error without the `retryable` trait. It still matters: the model then decides,
    /// so a 429 carrying it is not treated as throttling.
    NotRetryable,
    /// A modeled error with the `retryable` trait; `throttling` is the trait's flag.
    Retryable { throttling: bool },
}

impl ModeledError {
    /// Converts the traits of the matching error shape (`None` when nothing matched).
    pub const fn from_traits(traits: Option<&ErrorTraits>) -> Self {
        match traits {
            None => ModeledError::Unmodeled,
            Some(ErrorTraits { retryable: None, .. }) => ModeledError::NotRetryable,
            Some(ErrorTraits { retryable: Some(throttling), .. }) => {
                ModeledError::Retryable { throttling: *throttling }
            }
        }
    }
}

/// A complete HTTP response the HTTP layer did not consider a success.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseInfo {
    /// The HTTP status code.
    pub status: u16,
    /// The parsed error code (`Error.Code` in botocore's parsed response), if any.
    pub error_code: Option<String>,
    /// The model's view of `error_code`; see [`ModeledError`].
    pub modeled: ModeledError,
    /// The raw `x-amz-retry-after` header (milliseconds), which raises the backoff in the 2026
    /// revision.
    pub retry_after: Option<String>,
    /// True when DynamoDB's `x-amz-crc32` header disagrees with the body; botocore retries that
    /// for the `dynamodb` service only.
    pub crc32_mismatch: bool,
    /// Server time minus local time, from the response's `Date` header via
    /// [`skew_from_date_header`](super::skew::skew_from_date_header). Only needed on error
    /// responses: it lets a clock-skew error be corrected and retried once.
    pub server_offset: Option<ClockOffset>,
}

impl ResponseInfo {
    /// A response with this status and nothing else known.
    pub fn new(status: u16) -> Self {
        ResponseInfo { status, ..ResponseInfo::default() }
    }

    /// Sets the parsed error code.
    pub fn code(mut self, code: &str) -> Self {
        self.error_code = Some(code.to_owned());
        self
    }

    /// Sets what the model says about the error code.
    pub fn modeled(mut self, modeled: ModeledError) -> Self {
        self.modeled = modeled;
        self
    }

    /// Sets the raw `x-amz-retry-after` header.
    pub fn retry_after(mut self, header: &str) -> Self {
        self.retry_after = Some(header.to_owned());
        self
    }

    /// Sets the server-minus-local clock offset measured from the `Date` header.
    pub fn server_offset(mut self, offset: ClockOffset) -> Self {
        self.server_offset = Some(offset);
        self
    }

    /// The model's verdict, ignored without an error code exactly as botocore's
    /// `ModeledRetryErrorDetector` cannot match a missing code.
    fn modeled_for_code(&self) -> ModeledError {
        if self.error_code.is_some() {
            self.modeled
        } else {
            ModeledError::Unmodeled
        }
    }
}

/// How one attempt ended, as the HTTP layer reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A 2xx response the caller will return as the operation's result.
    Success,
    /// A complete response that is an error (or otherwise not a success).
    Response(ResponseInfo),
    /// No complete response: the transport failed.
    Io(IoKind),
}

impl AttemptOutcome {
    /// An error response with only a status code.
    pub fn status(status: u16) -> Self {
        AttemptOutcome::Response(ResponseInfo::new(status))
    }

    /// An error response with a status and an error code that matches no modeled error.
    pub fn error(status: u16, code: &str) -> Self {
        AttemptOutcome::Response(ResponseInfo::new(status).code(code))
    }

    /// The response's error code, if there was a response with one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            AttemptOutcome::Response(r) => r.error_code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of an error response.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            AttemptOutcome::Response(r) => Some(r.status),
            AttemptOutcome::Success | AttemptOutcome::Io(_) => None,
        }
    }

    /// True for a success or any 2xx response. botocore refunds retry quota on exactly this
    /// condition: its `after-call` hook looks at the status, not at whether the call failed.
    pub fn is_2xx(&self) -> bool {
        match self {
            AttemptOutcome::Success => true,
            AttemptOutcome::Response(r) => (200..=299).contains(&r.status),
            AttemptOutcome::Io(_) => false,
        }
    }

    /// A short description for "not retryable: ..." messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            AttemptOutcome::Success => "the request succeeded".to_owned(),
            AttemptOutcome::Response(r) => match &r.error_code {
                Some(code) => format!("error code {code} (HTTP {})", r.status),
                None => format!("HTTP {}", r.status),
            },
            AttemptOutcome::Io(kind) => kind.describe().to_owned(),
        }
    }
}

/// Whether an outcome may be retried, and which kind of retry it is. The kind decides the quota
/// cost and the backoff base.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retryable {
    /// A transient failure: a 5xx, a transient error code, a modeled retryable error, an I/O error.
    Transient,
    /// The service is throttling the caller.
    Throttling,
    /// A connect or read timeout (transient, but charged double by the pre-2026 quota).
    Timeout,
    /// Not retryable.
    No,
}

impl Retryable {
    /// True unless [`Retryable::No`].
    pub const fn is_retryable(self) -> bool {
        !matches!(self, Retryable::No)
    }
}

impl fmt::Display for Retryable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Retryable::Transient => "transient error",
            Retryable::Throttling => "throttling error",
            Retryable::Timeout => "timeout",
            Retryable::No => "not retryable",
        })
    }
}

/// botocore's `ThrottlingErrorDetector`: decides the quota cost and backoff base in standard mode,
/// and whether the adaptive rate limiter sees a throttle.
///
/// A known throttling code always wins; otherwise a modeled `retryable` error decides by its
/// `throttling` flag; otherwise (2026 revision only) a 429 whose code is not modeled at all.
pub fn is_throttling_error(outcome: &AttemptOutcome, revision: RetryRevision) -> bool {
    let AttemptOutcome::Response(response) = outcome else {
        return false;
    };
    if response.error_code.as_deref().is_some_and(|code| THROTTLING_ERROR_CODES.contains(&code)) {
        return true;
    }
    match response.modeled_for_code() {
        ModeledError::Retryable { throttling } => throttling,
        ModeledError::NotRetryable => false,
        ModeledError::Unmodeled => {
            revision == RetryRevision::V2026 && THROTTLING_STATUS_CODES.contains(&response.status)
        }
    }
}

/// botocore's `StandardRetryConditions` (without the max-attempts check, which the strategy does
/// itself), refined into a [`Retryable`] kind.
///
/// `service_name` is botocore's service name (`sts`, `dynamodb`): two special cases that botocore
/// still carries from legacy mode apply to those services only.
pub fn classify_standard(outcome: &AttemptOutcome, revision: RetryRevision, service_name: &str) -> Retryable {
    let response = match outcome {
        AttemptOutcome::Success => return Retryable::No,
        // Every transport failure is a `ConnectionError` or an `HTTPClientError` in botocore.
        AttemptOutcome::Io(kind) if kind.is_timeout() => return Retryable::Timeout,
        AttemptOutcome::Io(_) => return Retryable::Transient,
        AttemptOutcome::Response(response) => response,
    };
    // Every throttling error is also retryable (by its code, its model or its 429), so the
    // throttling check can come first and settle the kind.
    if is_throttling_error(outcome, revision) {
        return Retryable::Throttling;
    }
    let code = response.error_code.as_deref();
    let transient = code.is_some_and(|c| TRANSIENT_ERROR_CODES.contains(&c))
        || TRANSIENT_STATUS_CODES.contains(&response.status)
        || matches!(response.modeled_for_code(), ModeledError::Retryable { .. })
        || (service_name == "sts" && code == Some("IDPCommunicationError"))
        || (service_name == "dynamodb" && response.crc32_mismatch);
    if transient {
        Retryable::Transient
    } else {
        Retryable::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2026: RetryRevision = RetryRevision::V2026;
    const PRE: RetryRevision = RetryRevision::Pre2026;

    fn modeled(status: u16, code: &str, modeled: ModeledError) -> AttemptOutcome {
        AttemptOutcome::Response(ResponseInfo::new(status).code(code).modeled(modeled))
    }

    #[test]
    fn transient_status_codes_are_transient_in_both_revisions() {
        for status in TRANSIENT_STATUS_CODES {
            for revision in [V2026, PRE] {
                let outcome = AttemptOutcome::status(status);
                assert_eq!(classify_standard(&outcome, revision, "s3"), Retryable::Transient, "{status}");
            }
        }
        for status in [200, 301, 400, 401, 403, 404, 409, 413, 501, 505, 509] {
            assert_eq!(classify_standard(&AttemptOutcome::status(status), V2026, "s3"), Retryable::No, "{status}");
        }
    }

    #[test]
    fn transient_error_codes_are_transient_whatever_the_status() {
        for code in ["RequestTimeout", "RequestTimeoutException"] {
            assert_eq!(classify_standard(&AttemptOutcome::error(400, code), V2026, "s3"), Retryable::Transient);
            assert_eq!(classify_standard(&AttemptOutcome::error(408, code), PRE, "s3"), Retryable::Transient);
        }
        // The one code on both lists is charged as throttling.
        let prior = AttemptOutcome::error(400, "PriorRequestNotComplete");
        assert_eq!(classify_standard(&prior, V2026, "route53"), Retryable::Throttling);
    }

    #[test]
    fn every_throttling_code_is_throttling_at_any_status() {
        for code in THROTTLING_ERROR_CODES {
            for status in [400, 403, 429, 503, 509] {
                let outcome = AttemptOutcome::error(status, code);
                assert!(is_throttling_error(&outcome, PRE), "{code}");
                assert_eq!(classify_standard(&outcome, V2026, "ec2"), Retryable::Throttling, "{code} {status}");
            }
        }
    }

    #[test]
    fn codes_are_case_sensitive_and_unknown_codes_are_not_retried() {
        for code in ["throttling", "THROTTLINGEXCEPTION", "AccessDenied", "ValidationException", "NoSuchKey"] {
            assert_eq!(classify_standard(&AttemptOutcome::error(400, code), V2026, "s3"), Retryable::No, "{code}");
        }
    }

    #[test]
    fn bare_429_is_throttling_only_in_the_2026_revision() {
        let bare = AttemptOutcome::status(429);
        assert_eq!(classify_standard(&bare, V2026, "lambda"), Retryable::Throttling);
        assert_eq!(classify_standard(&bare, PRE, "lambda"), Retryable::No);
        let unknown_code = AttemptOutcome::error(429, "SomethingNew");
        assert_eq!(classify_standard(&unknown_code, V2026, "lambda"), Retryable::Throttling);
    }

    #[test]
    fn a_modeled_error_overrides_the_429_rule() {
        // The model knows this error and does not mark it retryable: a 429 does not change that.
        let not_retryable = modeled(429, "QuotaExceeded", ModeledError::NotRetryable);
        assert_eq!(classify_standard(&not_retryable, V2026, "x"), Retryable::No);
        // A modeled retryable, non-throttling error on a 429 is transient, not throttling.
        let transient = modeled(429, "Busy", ModeledError::Retryable { throttling: false });
        assert_eq!(classify_standard(&transient, V2026, "x"), Retryable::Transient);
        // But a fixed throttling code still wins over the model.
        let fixed = modeled(400, "ThrottlingException", ModeledError::NotRetryable);
        assert_eq!(classify_standard(&fixed, V2026, "x"), Retryable::Throttling);
    }

    #[test]
    fn modeled_retryable_traits_decide_unknown_codes() {
        let throttle = modeled(400, "CustomSlowDown", ModeledError::Retryable { throttling: true });
        let transient = modeled(400, "CustomBusy", ModeledError::Retryable { throttling: false });
        for revision in [V2026, PRE] {
            assert_eq!(classify_standard(&throttle, revision, "x"), Retryable::Throttling);
            assert_eq!(classify_standard(&transient, revision, "x"), Retryable::Transient);
        }
        // Without an error code the model cannot match, exactly as in botocore.
        let codeless =
            AttemptOutcome::Response(ResponseInfo::new(400).modeled(ModeledError::Retryable { throttling: true }));
        assert_eq!(classify_standard(&codeless, V2026, "x"), Retryable::No);
    }

    #[test]
    fn modeled_error_from_schema_traits() {
        assert_eq!(ModeledError::from_traits(None), ModeledError::Unmodeled);
        let plain = ErrorTraits::new(400, false);
        assert_eq!(ModeledError::from_traits(Some(&plain)), ModeledError::NotRetryable);
        let throttling = ErrorTraits::new(429, false).retryable(true);
        assert_eq!(ModeledError::from_traits(Some(&throttling)), ModeledError::Retryable { throttling: true });
        let transient = ErrorTraits::new(500, true).retryable(false);
        assert_eq!(ModeledError::from_traits(Some(&transient)), ModeledError::Retryable { throttling: false });
    }

    #[test]
    fn io_errors_are_all_retried_and_timeouts_are_marked() {
        let table = [
            (IoKind::Connect, Retryable::Transient),
            (IoKind::ConnectTimeout, Retryable::Timeout),
            (IoKind::ConnectionClosed, Retryable::Transient),
            (IoKind::ReadTimeout, Retryable::Timeout),
            (IoKind::Other, Retryable::Transient),
        ];
        for (kind, expected) in table {
            assert_eq!(classify_standard(&AttemptOutcome::Io(kind), V2026, "s3"), expected, "{kind:?}");
            assert!(!is_throttling_error(&AttemptOutcome::Io(kind), V2026));
        }
    }

    #[test]
    fn success_is_never_retried() {
        assert_eq!(classify_standard(&AttemptOutcome::Success, V2026, "s3"), Retryable::No);
        assert!(AttemptOutcome::Success.is_2xx());
        assert!(AttemptOutcome::status(204).is_2xx());
        assert!(!AttemptOutcome::status(404).is_2xx());
        assert!(!AttemptOutcome::Io(IoKind::Other).is_2xx());
    }

    #[test]
    fn special_cases_apply_to_their_service_only() {
        let idp = AttemptOutcome::error(400, "IDPCommunicationError");
        assert_eq!(classify_standard(&idp, V2026, "sts"), Retryable::Transient);
        assert_eq!(classify_standard(&idp, V2026, "iam"), Retryable::No);
        let crc = AttemptOutcome::Response(ResponseInfo { crc32_mismatch: true, ..ResponseInfo::new(200) });
        assert_eq!(classify_standard(&crc, V2026, "dynamodb"), Retryable::Transient);
        assert_eq!(classify_standard(&crc, V2026, "s3"), Retryable::No);
    }

    #[test]
    fn descriptions_name_what_failed() {
        assert_eq!(AttemptOutcome::error(403, "AccessDenied").describe(), "error code AccessDenied (HTTP 403)");
        assert_eq!(AttemptOutcome::status(404).describe(), "HTTP 404");
        assert_eq!(AttemptOutcome::Io(IoKind::ReadTimeout).describe(), "read timeout");
    }
}
