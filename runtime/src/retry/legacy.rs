//! Legacy mode: botocore's original retry handler (`botocore/retryhandler.py`), driven by the
//! policies of `botocore/data/_retry.json` merged per service (`botocore/translate.py`).
//!
//! Legacy mode has no retry quota and no client-side rate limiting: each request retries on its
//! own, up to five attempts by default, after `rand * 2^(attempt-1)` seconds with no upper bound.

use super::classify::{AttemptOutcome, IoKind, Retryable, THROTTLING_ERROR_CODES};

/// One `applies_when` condition of `_retry.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LegacyRule {
    /// Any response with this HTTP status (`HTTPStatusCodeChecker`).
    Status(u16),
    /// A response with this status and this error code, both exact (`ServiceErrorCodeChecker`).
    StatusAndCode(u16, &'static str),
    /// A response whose `x-amz-crc32` header disagrees with its body (`CRC32Checker`).
    Crc32,
}

use LegacyRule::{Crc32, Status, StatusAndCode};

/// The `__default__` policies every service starts from, in `_retry.json` order. The socket
/// errors policy is handled separately, by [`IoKind`].
const DEFAULT_RULES: &[LegacyRule] = &[
    Status(500),
    Status(502),
    Status(503),
    Status(504),
    Status(509),
    StatusAndCode(400, "ThrottlingException"),
    StatusAndCode(400, "ThrottledException"),
    StatusAndCode(400, "RequestThrottledException"),
    StatusAndCode(400, "Throttling"),
    Status(429),
    StatusAndCode(400, "ProvisionedThroughputExceededException"),
];

/// Organizations overrides the `too_many_requests` policy rather than adding one. botocore merges
/// the two dictionaries, so the status becomes 400 plus a code, and a bare 429 is not retried.
const ORGANIZATIONS_RULES: &[LegacyRule] = &[
    Status(500),
    Status(502),
    Status(503),
    Status(504),
    Status(509),
    StatusAndCode(400, "ThrottlingException"),
    StatusAndCode(400, "ThrottledException"),
    StatusAndCode(400, "RequestThrottledException"),
    StatusAndCode(400, "Throttling"),
    StatusAndCode(400, "TooManyRequestsException"),
    StatusAndCode(400, "ProvisionedThroughputExceededException"),
];

/// The legacy policy of one service.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegacyPolicy {
    /// Total attempts, the first included.
    pub max_attempts: u32,
    /// The delay base in seconds; `None` is `_retry.json`'s `"rand"`, a fresh draw per retry.
    pub delay_base: Option<f64>,
    /// The merged `__default__` policies.
    pub base_rules: &'static [LegacyRule],
    /// The service's own policies, checked after the defaults.
    pub service_rules: &'static [LegacyRule],
}

impl LegacyPolicy {
    /// The policy of the service with this endpoint prefix (the key `_retry.json` uses).
    pub fn for_endpoint_prefix(endpoint_prefix: &str) -> Self {
        let mut policy =
            LegacyPolicy { max_attempts: 5, delay_base: None, base_rules: DEFAULT_RULES, service_rules: &[] };
        policy.service_rules = match endpoint_prefix {
            "organizations" => {
                policy.base_rules = ORGANIZATIONS_RULES;
                &[]
            }
            "dynamodb" => {
                // DynamoDB answers fast and throttles often: more attempts, and a fixed 50 ms base
                // instead of a random one.
                policy.max_attempts = 10;
                policy.delay_base = Some(0.05);
                &[
                    StatusAndCode(409, "ReplicatedWriteConflictException"),
                    StatusAndCode(400, "TransactionInProgressException"),
                    Crc32,
                ]
            }
            "ec2" => &[StatusAndCode(503, "RequestLimitExceeded"), StatusAndCode(503, "EC2ThrottledException")],
            "cloudsearch" => &[StatusAndCode(509, "BandwidthLimitExceeded")],
            "kinesis" => &[StatusAndCode(400, "LimitExceededException")],
            "sqs" => &[StatusAndCode(403, "RequestThrottled")],
            "s3" => &[StatusAndCode(400, "RequestTimeout"), StatusAndCode(400, "BadDigest")],
            "glacier" => &[StatusAndCode(408, "RequestTimeoutException")],
            "route53" => &[StatusAndCode(400, "Throttling"), StatusAndCode(400, "PriorRequestNotComplete")],
            "sts" => &[StatusAndCode(400, "IDPCommunicationError")],
            _ => &[],
        };
        policy
    }

    /// Whether the legacy handler retries this outcome (attempts aside), and as which kind. The
    /// kind only informs callers; legacy mode charges no quota.
    pub fn classify(&self, outcome: &AttemptOutcome) -> Retryable {
        let response = match outcome {
            AttemptOutcome::Success => return Retryable::No,
            // `GENERAL_CONNECTION_ERROR` covers `ConnectionError` (with its connect, TLS, proxy
            // and connect-timeout subclasses), `ConnectionClosedError` and `ReadTimeoutError`,
            // but not the generic `HTTPClientError`.
            AttemptOutcome::Io(IoKind::Other) => return Retryable::No,
            AttemptOutcome::Io(kind) if kind.is_timeout() => return Retryable::Timeout,
            AttemptOutcome::Io(_) => return Retryable::Transient,
            AttemptOutcome::Response(response) => response,
        };
        let code = response.error_code.as_deref();
        let matches = |rule: &LegacyRule| match *rule {
            Status(status) => response.status == status,
            StatusAndCode(status, wanted) => response.status == status && code == Some(wanted),
            Crc32 => response.crc32_mismatch,
        };
        if !self.base_rules.iter().chain(self.service_rules).any(matches) {
            return Retryable::No;
        }
        if response.status == 429 || code.is_some_and(|c| THROTTLING_ERROR_CODES.contains(&c)) {
            Retryable::Throttling
        } else {
            Retryable::Transient
        }
    }

    /// The delay in seconds before retrying after attempt number `attempt` (1-based):
    /// `base * 2^(attempt-1)`, where a `"rand"` base is `random`, a draw from `[0, 1)`. botocore
    /// caps nothing here, so a large `max_attempts` means very long sleeps.
    pub fn delay_secs(&self, attempt: u32, random: f64) -> f64 {
        let base = self.delay_base.unwrap_or(random);
        let exponent = attempt.saturating_sub(1).min(i32::MAX as u32) as i32;
        base * 2f64.powi(exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retry::classify::ResponseInfo;

    fn generic() -> LegacyPolicy {
        LegacyPolicy::for_endpoint_prefix("lambda")
    }

    #[test]
    fn default_policy_is_five_attempts_with_a_random_base() {
        let policy = generic();
        assert_eq!(policy.max_attempts, 5);
        assert_eq!(policy.delay_base, None);
        let delays: Vec<f64> = (1..=4).map(|n| policy.delay_secs(n, 0.5)).collect();
        assert_eq!(delays, [0.5, 1.0, 2.0, 4.0]);
        // No cap: the eleventh attempt's delay is 512 times the draw.
        assert_eq!(policy.delay_secs(10, 1.0), 512.0);
    }

    #[test]
    fn dynamodb_has_ten_attempts_and_a_fixed_base() {
        let policy = LegacyPolicy::for_endpoint_prefix("dynamodb");
        assert_eq!(policy.max_attempts, 10);
        assert_eq!(policy.delay_secs(1, 0.9), 0.05);
        assert_eq!(policy.delay_secs(4, 0.9), 0.4);
        let crc = AttemptOutcome::Response(ResponseInfo { crc32_mismatch: true, ..ResponseInfo::new(200) });
        assert_eq!(policy.classify(&crc), Retryable::Transient);
        assert_eq!(generic().classify(&crc), Retryable::No);
        let conflict = AttemptOutcome::error(409, "ReplicatedWriteConflictException");
        assert_eq!(policy.classify(&conflict), Retryable::Transient);
        let in_progress = AttemptOutcome::error(400, "TransactionInProgressException");
        assert_eq!(policy.classify(&in_progress), Retryable::Throttling);
    }

    #[test]
    fn default_statuses_and_codes() {
        let policy = generic();
        for status in [500, 502, 503, 504, 509] {
            assert_eq!(policy.classify(&AttemptOutcome::status(status)), Retryable::Transient, "{status}");
        }
        assert_eq!(policy.classify(&AttemptOutcome::status(429)), Retryable::Throttling);
        for code in ["ThrottlingException", "ThrottledException", "RequestThrottledException", "Throttling"] {
            assert_eq!(policy.classify(&AttemptOutcome::error(400, code)), Retryable::Throttling, "{code}");
            // The status must match exactly.
            assert_eq!(policy.classify(&AttemptOutcome::error(403, code)), Retryable::No, "{code}");
        }
        let ddb = AttemptOutcome::error(400, "ProvisionedThroughputExceededException");
        assert_eq!(policy.classify(&ddb), Retryable::Throttling);
        for status in [400, 403, 404, 501] {
            assert_eq!(policy.classify(&AttemptOutcome::status(status)), Retryable::No, "{status}");
        }
        // Codes only the standard lists know are not retried by the legacy defaults.
        for code in ["SlowDown", "RequestLimitExceeded", "RequestTimeout", "TooManyRequestsException"] {
            assert_eq!(policy.classify(&AttemptOutcome::error(400, code)), Retryable::No, "{code}");
        }
    }

    #[test]
    fn service_policies_add_their_codes() {
        let table = [
            ("ec2", 503, "RequestLimitExceeded"),
            ("ec2", 503, "EC2ThrottledException"),
            ("cloudsearch", 509, "BandwidthLimitExceeded"),
            ("kinesis", 400, "LimitExceededException"),
            ("sqs", 403, "RequestThrottled"),
            ("s3", 400, "RequestTimeout"),
            ("s3", 400, "BadDigest"),
            ("glacier", 408, "RequestTimeoutException"),
            ("route53", 400, "PriorRequestNotComplete"),
            ("sts", 400, "IDPCommunicationError"),
            ("organizations", 400, "TooManyRequestsException"),
        ];
        for (prefix, status, code) in table {
            let outcome = AttemptOutcome::error(status, code);
            assert!(LegacyPolicy::for_endpoint_prefix(prefix).classify(&outcome).is_retryable(), "{prefix} {code}");
            if status != 503 && status != 509 {
                assert!(!generic().classify(&outcome).is_retryable(), "{prefix} {code}");
            }
        }
    }

    #[test]
    fn organizations_does_not_retry_a_bare_429() {
        let organizations = LegacyPolicy::for_endpoint_prefix("organizations");
        assert_eq!(organizations.classify(&AttemptOutcome::status(429)), Retryable::No);
        assert_eq!(generic().classify(&AttemptOutcome::status(429)), Retryable::Throttling);
    }

    #[test]
    fn socket_errors_except_generic_client_errors() {
        let policy = generic();
        let table = [
            (IoKind::Connect, Retryable::Transient),
            (IoKind::ConnectTimeout, Retryable::Timeout),
            (IoKind::ConnectionClosed, Retryable::Transient),
            (IoKind::ReadTimeout, Retryable::Timeout),
            (IoKind::Other, Retryable::No),
        ];
        for (kind, expected) in table {
            assert_eq!(policy.classify(&AttemptOutcome::Io(kind)), expected, "{kind:?}");
        }
        assert_eq!(policy.classify(&AttemptOutcome::Success), Retryable::No);
    }
}
