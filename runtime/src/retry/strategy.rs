//! The per-client strategy that ties classification, quota, backoff, rate limiting and clock
//! correction together, and the per-request state it keeps.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::adaptive::ClientRateLimiter;
use super::classify::{classify_standard, is_throttling_error, AttemptOutcome, Retryable};
use super::legacy::LegacyPolicy;
use super::skew::SkewCorrector;
use super::standard::{self, QuotaCosts, RetryQuota};
use super::{Clock, DefaultRandom, MonotonicClock, Random, RetryConfig, RetryMode, RetryRevision};
use crate::schema::Service;

/// What to do after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait `after`, rewind the body, re-sign and send again.
    Retry { after: Duration },
    /// The attempt succeeded: return its response.
    Done,
    /// Stop and return this attempt's error; `reason` says why it was not retried.
    GiveUp { reason: GiveUpReason },
}

/// Why a failed attempt was not retried, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The failure is not one that a retry can fix.
    NotRetryable { cause: String },
    /// Every allowed attempt has been made.
    MaxAttemptsReached { max_attempts: u32 },
    /// The client's retry quota is empty: the service has been failing broadly.
    ///
    /// `long_poll_delay` is set for botocore's long-polling operations: sleep it before returning
    /// the error, so that a loop polling the operation cannot spin while the quota is empty.
    RetryQuotaExhausted { long_poll_delay: Option<Duration> },
    /// A retry was warranted, but the request body is a stream that cannot be sent again.
    BodyNotRewindable,
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiveUpReason::NotRetryable { cause } => write!(f, "not retryable: {cause}"),
            GiveUpReason::MaxAttemptsReached { max_attempts } => write!(f, "max attempts reached: {max_attempts}"),
            GiveUpReason::RetryQuotaExhausted { .. } => f.write_str("retry quota exhausted"),
            GiveUpReason::BodyNotRewindable => {
                f.write_str("not retried: the request body is a stream that cannot be rewound")
            }
        }
    }
}

/// The retry state of one request (one operation call, across its attempts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRetries {
    /// The 1-based number of the attempt being made.
    attempt: u32,
    /// What the last retry took from the quota; a success gives exactly that back.
    retry_cost: Option<u32>,
    body_rewindable: bool,
    long_polling: bool,
    /// A clock-skew correction is retried once per request, so that a server whose clock is
    /// itself wrong cannot keep a request bouncing.
    skew_retried: bool,
}

impl RequestRetries {
    /// The 1-based number of the attempt being made (for the `amz-sdk-request` header).
    pub const fn attempt(&self) -> u32 {
        self.attempt
    }

    /// What the last retry took from the quota, if there was a retry.
    pub const fn last_retry_cost(&self) -> Option<u32> {
        self.retry_cost
    }
}

/// The retry policy of one client, shared (behind an `Arc`) by all its concurrent requests.
///
/// It is `Send + Sync`: the quota is atomic, the rate limiter sits behind a mutex, the clock
/// correction is atomic, and per-request state lives in [`RequestRetries`].
pub struct RetryStrategy {
    mode: RetryMode,
    revision: RetryRevision,
    max_attempts: u32,
    max_backoff: f64,
    service_name: String,
    non_throttling_base: f64,
    long_polling_service: String,
    legacy: LegacyPolicy,
    costs: QuotaCosts,
    quota: RetryQuota,
    limiter: Option<ClientRateLimiter>,
    random: Box<dyn Random>,
    clock: Box<dyn Clock>,
    skew: Arc<SkewCorrector>,
}

impl fmt::Debug for RetryStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryStrategy")
            .field("mode", &self.mode)
            .field("revision", &self.revision)
            .field("max_attempts", &self.max_attempts)
            .field("quota", &self.quota)
            .field("limiter", &self.limiter)
            .field("skew", &self.skew)
            .finish_non_exhaustive()
    }
}

impl RetryStrategy {
    /// A strategy with no service-specific rules.
    pub fn new(config: RetryConfig) -> Self {
        RetryStrategy::for_service_names(config, "", "", "")
    }

    /// A strategy for a generated service, with botocore's rules for it.
    pub fn for_service(config: RetryConfig, service: &Service) -> Self {
        RetryStrategy::for_service_names(config, service.name, service.service_id, service.endpoint_prefix)
    }

    /// A strategy for the service botocore knows by these names: `name` (`dynamodb`, `sts`),
    /// `service_id` (`DynamoDB Streams`) and `endpoint_prefix` (`streams.dynamodb`).
    pub fn for_service_names(config: RetryConfig, name: &str, service_id: &str, endpoint_prefix: &str) -> Self {
        // botocore keys standard-mode tweaks by the hyphenated service id, legacy policies by the
        // endpoint prefix, and the two legacy leftovers in standard mode by the service name.
        let event_name = service_id.replace(' ', "-").to_lowercase();
        let legacy = LegacyPolicy::for_endpoint_prefix(endpoint_prefix);
        let default_attempts = match config.mode {
            RetryMode::Legacy => legacy.max_attempts,
            RetryMode::Standard | RetryMode::Adaptive => standard::default_max_attempts(&event_name, config.revision),
        };
        let clock = MonotonicClock::new();
        let limiter = (config.mode == RetryMode::Adaptive).then(|| ClientRateLimiter::new(clock.now()));
        RetryStrategy {
            mode: config.mode,
            revision: config.revision,
            max_attempts: config.max_attempts.unwrap_or(default_attempts).max(1),
            max_backoff: config.max_backoff.as_secs_f64(),
            service_name: name.to_owned(),
            non_throttling_base: standard::non_throttling_base_scale(&event_name),
            long_polling_service: event_name,
            legacy,
            costs: QuotaCosts::of(config.revision),
            quota: RetryQuota::new(config.initial_quota),
            limiter,
            random: Box::new(DefaultRandom::new()),
            clock: Box::new(clock),
            skew: Arc::new(SkewCorrector::new()),
        }
    }

    /// Replaces the jitter source (tests use fixed draws).
    pub fn with_random(mut self, random: impl Random + 'static) -> Self {
        self.random = Box::new(random);
        self
    }

    /// Replaces the rate limiter's clock; the limiter restarts at the new clock's time.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        if self.limiter.is_some() {
            self.limiter = Some(ClientRateLimiter::new(clock.now()));
        }
        self.clock = Box::new(clock);
        self
    }

    /// Shares a clock correction with the client's signer.
    pub fn with_skew_corrector(mut self, skew: Arc<SkewCorrector>) -> Self {
        self.skew = skew;
        self
    }

    /// The retry mode.
    pub const fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Total attempts allowed per request, the first included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The retry quota (standard and adaptive modes).
    pub fn quota(&self) -> Option<&RetryQuota> {
        (self.mode != RetryMode::Legacy).then_some(&self.quota)
    }

    /// The client-side rate limiter (adaptive mode).
    pub fn rate_limiter(&self) -> Option<&ClientRateLimiter> {
        self.limiter.as_ref()
    }

    /// The clock correction the signer should apply.
    pub fn skew_corrector(&self) -> &Arc<SkewCorrector> {
        &self.skew
    }

    /// Starts the retry state of one call of `operation` (its model name, e.g. `ReceiveMessage`).
    /// `body_rewindable` is false for a streaming body that cannot be sent twice.
    pub fn start_request(&self, operation: &str, body_rewindable: bool) -> RequestRetries {
        let long_polling = self.revision == RetryRevision::V2026
            && standard::is_long_polling_operation(&self.long_polling_service, operation);
        RequestRetries { attempt: 1, retry_cost: None, body_rewindable, long_polling, skew_retried: false }
    }

    /// Call before sending every attempt. In adaptive mode, once throttling has been seen, this
    /// returns how long to wait for a send token; sleep that long and call again until `None`.
    /// Always `None` in the other modes.
    pub fn acquire_send_token(&self) -> Option<Duration> {
        self.limiter.as_ref()?.acquire(self.clock.now())
    }

    /// Whether an outcome is retryable in this strategy's mode, and as which kind.
    pub fn classify(&self, outcome: &AttemptOutcome) -> Retryable {
        match self.mode {
            RetryMode::Legacy => self.legacy.classify(outcome),
            RetryMode::Standard | RetryMode::Adaptive => classify_standard(outcome, self.revision, &self.service_name),
        }
    }

    /// Call once after every attempt with its outcome; the answer says whether to retry.
    ///
    /// Besides deciding, this does the bookkeeping botocore does around an attempt: it feeds the
    /// adaptive rate limiter, takes a retry's cost from the quota, and gives quota back when the
    /// call ends with a 2xx response.
    pub fn should_retry(&self, request: &mut RequestRetries, outcome: &AttemptOutcome) -> Decision {
        if let Some(limiter) = &self.limiter {
            limiter.update(is_throttling_error(outcome, self.revision), self.clock.now());
        }
        let decision = self.decide(request, outcome);
        // botocore refunds on any final 2xx response, whatever the call's result.
        if !matches!(decision, Decision::Retry { .. }) && outcome.is_2xx() && self.mode != RetryMode::Legacy {
            self.quota.release(request.retry_cost.unwrap_or(self.costs.no_retry_increment));
        }
        decision
    }

    /// Records a successful attempt: the same as `should_retry` with [`AttemptOutcome::Success`],
    /// for callers that know of the success before building an outcome. Call one or the other.
    pub fn on_success(&self, request: &mut RequestRetries) {
        let _ = self.should_retry(request, &AttemptOutcome::Success);
    }

    fn decide(&self, request: &mut RequestRetries, outcome: &AttemptOutcome) -> Decision {
        if matches!(outcome, AttemptOutcome::Success) {
            return Decision::Done;
        }
        let can_resend = request.attempt < self.max_attempts && request.body_rewindable;
        if let AttemptOutcome::Response(response) = outcome {
            if let (Some(code), Some(offset)) = (&response.error_code, response.server_offset) {
                // The correction is recorded even when this request cannot be retried, so that
                // the client's next requests are signed with the right time.
                if self.skew.correct(code, offset) && !request.skew_retried && can_resend {
                    request.skew_retried = true;
                    request.attempt += 1;
                    return Decision::Retry { after: Duration::ZERO };
                }
            }
        }
        let kind = self.classify(outcome);
        if kind == Retryable::No {
            return Decision::GiveUp { reason: GiveUpReason::NotRetryable { cause: outcome.describe() } };
        }
        if request.attempt >= self.max_attempts {
            return Decision::GiveUp { reason: GiveUpReason::MaxAttemptsReached { max_attempts: self.max_attempts } };
        }
        // botocore finds out only after sleeping, when rewinding fails; checking first spends no
        // quota and no time on a retry that cannot happen.
        if !request.body_rewindable {
            return Decision::GiveUp { reason: GiveUpReason::BodyNotRewindable };
        }
        let delay = match self.mode {
            RetryMode::Legacy => self.legacy.delay_secs(request.attempt, self.draw()),
            RetryMode::Standard | RetryMode::Adaptive => {
                let cost = self.costs.cost(kind);
                if !self.quota.acquire(cost) {
                    let long_poll_delay =
                        request.long_polling.then(|| secs(self.backoff(request.attempt, kind, outcome)));
                    return Decision::GiveUp { reason: GiveUpReason::RetryQuotaExhausted { long_poll_delay } };
                }
                request.retry_cost = Some(cost);
                self.backoff(request.attempt, kind, outcome)
            }
        };
        request.attempt += 1;
        Decision::Retry { after: secs(delay) }
    }

    /// Standard mode's backoff in seconds after attempt `attempt` failed with `outcome`.
    fn backoff(&self, attempt: u32, kind: Retryable, outcome: &AttemptOutcome) -> f64 {
        match self.revision {
            RetryRevision::Pre2026 => standard::backoff_secs_pre_2026(attempt, self.max_backoff, self.draw()),
            RetryRevision::V2026 => {
                let base = if kind == Retryable::Throttling {
                    standard::THROTTLING_BASE_SCALE
                } else {
                    self.non_throttling_base
                };
                let t_i = standard::backoff_secs(attempt, base, self.max_backoff, self.draw());
                let retry_after = match outcome {
                    AttemptOutcome::Response(r) => r.retry_after.as_deref().and_then(standard::parse_retry_after),
                    _ => None,
                };
                standard::apply_retry_after(t_i, retry_after)
            }
        }
    }

    /// One jitter draw, forced into `[0, 1]` so that a misbehaving source cannot produce a
    /// negative or unbounded sleep.
    fn draw(&self) -> f64 {
        let draw = self.random.random();
        if draw.is_finite() {
            draw.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// Seconds as a `Duration`, saturating (legacy backoff has no cap and can overflow).
fn secs(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests;
