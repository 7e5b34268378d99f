//! Standard mode's pieces: the retry quota, its costs, exponential backoff with full jitter, the
//! `x-amz-retry-after` header and botocore's per-service defaults (`botocore/retries/standard.py`
//! and `quota.py`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::classify::Retryable;
use super::RetryRevision;

/// Total attempts (the first one included) when neither the caller nor the service says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// The longest standard-mode backoff botocore ever sleeps, before `x-amz-retry-after`.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The backoff base for throttling errors: the first retry waits up to one second.
pub const THROTTLING_BASE_SCALE: f64 = 1.0;

/// The backoff base for everything else in the 2026 revision: transient errors are usually over
/// quickly, so the first retry waits up to 50 ms.
pub const NON_THROTTLING_BASE_SCALE: f64 = 0.05;

/// `x-amz-retry-after` may lengthen a backoff by at most this many seconds.
pub const RETRY_AFTER_MAX_ADDITIONAL: f64 = 5.0;

/// What a retry costs from the quota, and what a success gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QuotaCosts {
    /// A transient retry.
    pub retry: u32,
    /// A retry of a throttling error.
    pub throttling_retry: u32,
    /// A retry after a connect or read timeout.
    pub timeout_retry: u32,
    /// Returned by a success that needed no retry.
    pub no_retry_increment: u32,
}

impl QuotaCosts {
    /// botocore 1.44 (`RetryQuotaChecker`): throttling retries are cheap because backing off is
    /// exactly what a throttled service wants; every other retry costs 14, timeouts included.
    pub const V2026: QuotaCosts =
        QuotaCosts { retry: 14, throttling_retry: 5, timeout_retry: 14, no_retry_increment: 1 };

    /// botocore up to 1.43 (and the original SDK retry spec): 5 per retry, 10 after a timeout
    /// because a timeout already held a connection for long, throttling not distinguished.
    pub const PRE_2026: QuotaCosts =
        QuotaCosts { retry: 5, throttling_retry: 5, timeout_retry: 10, no_retry_increment: 1 };

    /// The costs of a revision.
    pub const fn of(revision: RetryRevision) -> QuotaCosts {
        match revision {
            RetryRevision::V2026 => QuotaCosts::V2026,
            RetryRevision::Pre2026 => QuotaCosts::PRE_2026,
        }
    }

    /// What retrying an outcome of this kind costs (0 for [`Retryable::No`], which is never
    /// charged because it is never retried).
    pub const fn cost(&self, kind: Retryable) -> u32 {
        match kind {
            Retryable::Transient => self.retry,
            Retryable::Throttling => self.throttling_retry,
            Retryable::Timeout => self.timeout_retry,
            Retryable::No => 0,
        }
    }
}

/// The retry quota: a token bucket shared by every request of one client, so that when a service
/// is failing broadly the client stops multiplying its load with retries.
///
/// Retries take tokens, successes put some back, and nothing else refills it: a client whose
/// calls all fail runs dry and stops retrying until calls succeed again.
///
/// It is thread-safe without a lock: the available capacity is one `AtomicU32` updated with
/// compare-and-swap loops, so concurrent requests never see a torn or double-spent balance.
/// (botocore takes a `threading.Lock` around the same arithmetic.)
#[derive(Debug)]
pub struct RetryQuota {
    max_capacity: u32,
    available: AtomicU32,
}

impl RetryQuota {
    /// The capacity of a new client's quota.
    pub const INITIAL_CAPACITY: u32 = 500;

    /// A full quota of `capacity` tokens.
    pub const fn new(capacity: u32) -> Self {
        RetryQuota { max_capacity: capacity, available: AtomicU32::new(capacity) }
    }

    /// Takes `amount` tokens if that many are available; otherwise takes nothing and returns false.
    pub fn acquire(&self, amount: u32) -> bool {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| available.checked_sub(amount))
            .is_ok()
    }

    /// Puts back up to `amount` tokens, never beyond the capacity.
    pub fn release(&self, amount: u32) {
        // A full quota, the usual state, needs no write at all.
        let _ = self.available.fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
            (available < self.max_capacity).then(|| available.saturating_add(amount).min(self.max_capacity))
        });
    }

    /// Tokens available now.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }

    /// The capacity the quota refills up to.
    pub const fn capacity(&self) -> u32 {
        self.max_capacity
    }
}

impl Default for RetryQuota {
    fn default() -> Self {
        RetryQuota::new(RetryQuota::INITIAL_CAPACITY)
    }
}

/// The 2026 revision's backoff before retry number `attempt` (the 1-based number of the attempt
/// that just failed), in seconds: truncated binary exponential backoff with full jitter,
/// `random * min(base_scale * 2^(attempt-1), max_backoff)`.
///
/// `random` is a draw from `[0, 1)`; full jitter (rather than a fixed delay) spreads the retries of
/// many clients that failed at the same moment.
pub fn backoff_secs(attempt: u32, base_scale: f64, max_backoff: f64, random: f64) -> f64 {
    let exponent = attempt.saturating_sub(1).min(i32::MAX as u32) as i32;
    random * (base_scale * 2f64.powi(exponent)).min(max_backoff)
}

/// The pre-2026 backoff: the same formula with a one-second base for every error kind.
pub fn backoff_secs_pre_2026(attempt: u32, max_backoff: f64, random: f64) -> f64 {
    backoff_secs(attempt, 1.0, max_backoff, random)
}

/// Parses `x-amz-retry-after` (whole milliseconds) into seconds the way botocore does,
/// `int(value) / 1000.0`: surrounding whitespace, a sign and `_` between digits are accepted as
/// Python's `int()` accepts them, and negative or malformed values are ignored.
pub fn parse_retry_after(header: &str) -> Option<f64> {
    let text = header.trim();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let bytes = digits.as_bytes();
    // Python allows single underscores between digits only.
    let well_placed = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && !bytes.windows(2).any(|pair| pair == b"__");
    if !well_placed {
        return None;
    }
    // Values beyond u64 saturate: any of them exceeds the five-second cap anyway.
    let mut millis: u64 = 0;
    for &b in bytes {
        match b {
            b'0'..=b'9' => millis = millis.saturating_mul(10).saturating_add(u64::from(b - b'0')),
            b'_' => {}
            _ => return None,
        }
    }
    // `-0` is zero, not negative, in Python too.
    if negative && millis != 0 {
        return None;
    }
    Some(millis as f64 / 1000.0)
}

/// Applies a parsed `x-amz-retry-after` to a jittered backoff `t_i`: the service may ask for a
/// longer wait, but only up to five seconds more than the client's own backoff, and never shorter.
pub fn apply_retry_after(t_i: f64, retry_after: Option<f64>) -> f64 {
    match retry_after {
        Some(after) => t_i.max(after.min(RETRY_AFTER_MAX_ADDITIONAL + t_i)),
        None => t_i,
    }
}

/// The default total attempts for a service (botocore's `_SERVICE_MAX_ATTEMPTS`): DynamoDB gets
/// one more attempt in the 2026 revision, keyed by the hyphenated service id.
pub fn default_max_attempts(service_event_name: &str, revision: RetryRevision) -> u32 {
    match (revision, service_event_name) {
        (RetryRevision::V2026, "dynamodb" | "dynamodb-streams") => 4,
        _ => DEFAULT_MAX_ATTEMPTS,
    }
}

/// The backoff base of non-throttling errors for a service: DynamoDB's latency is low enough that
/// botocore halves it there.
pub fn non_throttling_base_scale(service_event_name: &str) -> f64 {
    match service_event_name {
        "dynamodb" | "dynamodb-streams" => 0.025,
        _ => NON_THROTTLING_BASE_SCALE,
    }
}

/// botocore's hard-coded long-polling operations. When the quota is exhausted they still sleep
/// the backoff before failing, so that a polling loop around them cannot spin.
pub fn is_long_polling_operation(service_event_name: &str, operation: &str) -> bool {
    matches!(
        (service_event_name, operation),
        ("sqs", "ReceiveMessage")
            | ("sfn", "GetActivityTask")
            | ("swf", "PollForActivityTask" | "PollForDecisionTask")
            | ("kinesis", "ReceiveQueueRecords" | "ReceiveDeadLetterQueueRecords")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn quota_drains_by_five_per_throttling_retry_to_exactly_100_retries() {
        let quota = RetryQuota::default();
        let cost = QuotaCosts::V2026.cost(Retryable::Throttling);
        let retries = (0..).take_while(|_| quota.acquire(cost)).count();
        assert_eq!(retries, 100);
        assert_eq!(quota.available(), 0);
    }

    #[test]
    fn pre_2026_quota_drains_by_five_per_5xx_retry_to_exactly_100_retries() {
        let quota = RetryQuota::default();
        let cost = QuotaCosts::PRE_2026.cost(Retryable::Transient);
        assert_eq!((0..).take_while(|_| quota.acquire(cost)).count(), 100);
    }

    #[test]
    fn quota_drains_by_fourteen_per_5xx_retry_in_the_2026_revision() {
        let quota = RetryQuota::default();
        let cost = QuotaCosts::V2026.cost(Retryable::Transient);
        // 35 * 14 = 490 leaves 10, which is less than one more retry.
        assert_eq!((0..).take_while(|_| quota.acquire(cost)).count(), 35);
        assert_eq!(quota.available(), 10);
        // A cheaper throttling retry still fits twice.
        assert!(quota.acquire(QuotaCosts::V2026.cost(Retryable::Throttling)));
        assert!(quota.acquire(QuotaCosts::V2026.cost(Retryable::Throttling)));
        assert!(!quota.acquire(1));
    }

    #[test]
    fn timeouts_cost_ten_before_2026_and_fourteen_after() {
        assert_eq!(QuotaCosts::PRE_2026.cost(Retryable::Timeout), 10);
        assert_eq!(QuotaCosts::V2026.cost(Retryable::Timeout), 14);
        let quota = RetryQuota::default();
        assert_eq!((0..).take_while(|_| quota.acquire(10)).count(), 50);
    }

    #[test]
    fn release_refills_but_never_beyond_capacity() {
        let quota = RetryQuota::new(500);
        quota.release(1);
        assert_eq!(quota.available(), 500);
        assert!(quota.acquire(14));
        quota.release(5);
        assert_eq!(quota.available(), 491);
        quota.release(14);
        assert_eq!(quota.available(), 500);
        assert!(quota.acquire(500));
        assert!(!quota.acquire(1));
        quota.release(u32::MAX);
        assert_eq!(quota.available(), 500);
    }

    #[test]
    fn a_failed_acquire_takes_nothing() {
        let quota = RetryQuota::new(12);
        assert!(!quota.acquire(14));
        assert_eq!(quota.available(), 12);
    }

    #[test]
    fn quota_is_consistent_under_concurrent_use() {
        let quota = Arc::new(RetryQuota::default());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let quota = Arc::clone(&quota);
                std::thread::spawn(move || (0..1000).filter(|_| quota.acquire(5)).count())
            })
            .collect();
        let granted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(granted, 100);
        assert_eq!(quota.available(), 0);
    }

    #[test]
    fn backoff_doubles_from_its_base_and_is_capped() {
        // With the largest draw the ceiling itself shows.
        let almost_one = 1.0 - f64::EPSILON;
        let ceilings: Vec<f64> = (1..=8).map(|n| backoff_secs(n, 1.0, 20.0, 1.0)).collect();
        assert_eq!(ceilings, [1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0]);
        assert!(backoff_secs(6, 1.0, 20.0, almost_one) < 20.0);
        let transient: Vec<f64> = (1..=4).map(|n| backoff_secs(n, 0.05, 20.0, 1.0)).collect();
        assert_eq!(transient, [0.05, 0.1, 0.2, 0.4]);
        assert_eq!(backoff_secs(9, 0.05, 20.0, 1.0), 0.05 * 256.0);
        assert_eq!(backoff_secs(10, 0.05, 20.0, 1.0), 20.0);
    }

    #[test]
    fn backoff_is_full_jitter_over_the_whole_range() {
        // The draw scales the ceiling linearly from zero.
        assert_eq!(backoff_secs(3, 1.0, 20.0, 0.0), 0.0);
        assert_eq!(backoff_secs(3, 1.0, 20.0, 0.5), 2.0);
        assert_eq!(backoff_secs(3, 1.0, 20.0, 0.25), 1.0);
        for attempt in [1, 2, 5, 6, 30, 1_000, u32::MAX] {
            for draw in [0.0, 0.1, 0.5, 0.999_999] {
                let secs = backoff_secs(attempt, 1.0, 20.0, draw);
                assert!((0.0..20.0).contains(&secs), "{attempt} {draw} {secs}");
            }
        }
        assert_eq!(backoff_secs_pre_2026(2, 20.0, 0.5), 1.0);
        assert_eq!(backoff_secs(0, 1.0, 20.0, 1.0), 1.0);
    }

    #[test]
    fn retry_after_parses_like_python_int() {
        assert_eq!(parse_retry_after("1500"), Some(1.5));
        assert_eq!(parse_retry_after(" 250\t"), Some(0.25));
        assert_eq!(parse_retry_after("+3000"), Some(3.0));
        assert_eq!(parse_retry_after("1_000"), Some(1.0));
        assert_eq!(parse_retry_after("-0"), Some(0.0));
        assert_eq!(parse_retry_after("0"), Some(0.0));
        for bad in ["", "-5", "1.5", "abc", "1__0", "_1", "1_", "0x10", "1 0", "+", "-"] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
        assert_eq!(parse_retry_after("99999999999999999999999"), Some(u64::MAX as f64 / 1000.0));
    }

    #[test]
    fn retry_after_raises_the_backoff_by_at_most_five_seconds() {
        assert_eq!(apply_retry_after(0.5, None), 0.5);
        assert_eq!(apply_retry_after(0.5, Some(2.0)), 2.0);
        assert_eq!(apply_retry_after(0.5, Some(60.0)), 5.5);
        // A shorter hint never shortens the client's own backoff.
        assert_eq!(apply_retry_after(0.5, Some(0.1)), 0.5);
    }

    #[test]
    fn service_defaults_follow_botocore() {
        assert_eq!(default_max_attempts("dynamodb", RetryRevision::V2026), 4);
        assert_eq!(default_max_attempts("dynamodb-streams", RetryRevision::V2026), 4);
        assert_eq!(default_max_attempts("dynamodb", RetryRevision::Pre2026), 3);
        assert_eq!(default_max_attempts("s3", RetryRevision::V2026), 3);
        assert_eq!(non_throttling_base_scale("dynamodb"), 0.025);
        assert_eq!(non_throttling_base_scale("s3"), 0.05);
        assert!(is_long_polling_operation("sqs", "ReceiveMessage"));
        assert!(is_long_polling_operation("swf", "PollForDecisionTask"));
        assert!(!is_long_polling_operation("sqs", "SendMessage"));
        assert!(!is_long_polling_operation("s3", "ReceiveMessage"));
    }
}
