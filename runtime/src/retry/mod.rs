//! Retry policy: whether to retry an attempt, how long to wait first, and the client-wide state
//! that keeps retries from making an outage worse.
//!
//! This is pure policy, independent of the HTTP stack. The HTTP layer describes each attempt's
//! outcome as an [`AttemptOutcome`] and asks a per-client [`RetryStrategy`] what to do:
//!
//! ```
//! use std::sync::Arc;
//! use tucuxi::retry::{AttemptOutcome, Decision, RetryConfig, RetryStrategy};
//!
//! let strategy = Arc::new(RetryStrategy::new(RetryConfig::default()));
//! let mut request = strategy.start_request("GetObject", true);
//! loop {
//!     while let Some(wait) = strategy.acquire_send_token() {
//!         std::thread::sleep(wait); // adaptive mode only: client-side rate limiting
//!     }
//!     let outcome = AttemptOutcome::Success; // ... send the request and describe the outcome ...
//!     match strategy.should_retry(&mut request, &outcome) {
//!         Decision::Retry { after } => std::thread::sleep(after), // then rewind the body, re-sign
//!         Decision::Done => break,                                // return the response
//!         Decision::GiveUp { reason } => panic!("{reason}"),      // return the error
//!     }
//! }
//! ```
//!
//! It follows botocore 1.44.5 (`botocore/retries/` and `botocore/retryhandler.py`), whose three
//! modes are [`RetryMode`]s here. See [`RetryRevision`] for the pre-2026 numbers.

pub mod adaptive;
pub mod classify;
pub mod legacy;
pub mod skew;
pub mod standard;
mod strategy;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use adaptive::ClientRateLimiter;
pub use classify::{AttemptOutcome, IoKind, ModeledError, ResponseInfo, Retryable};
pub use skew::{skew_from_date_header, ClockOffset, SkewCorrector};
pub use standard::RetryQuota;
pub use strategy::{Decision, GiveUpReason, RequestRetries, RetryStrategy};

/// botocore's retry modes (the `retry_mode` setting, `AWS_RETRY_MODE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RetryMode {
    /// The original per-request handler: five attempts, per-service rules, no shared state.
    Legacy,
    /// The cross-SDK standard: three attempts, a retry quota per client, capped jittered backoff.
    /// botocore's default since 1.44.
    #[default]
    Standard,
    /// Standard plus a client-side rate limiter that slows sending down after throttling.
    Adaptive,
}

impl RetryMode {
    /// The setting's spelling: `legacy`, `standard` or `adaptive`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryMode::Legacy => "legacy",
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
        }
    }
}

impl fmt::Display for RetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown `retry_mode` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRetryMode(pub String);

impl fmt::Display for InvalidRetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid retry mode {:?}: expected legacy, standard or adaptive", self.0)
    }
}

impl std::error::Error for InvalidRetryMode {}

impl FromStr for RetryMode {
    type Err = InvalidRetryMode;

    /// Parses the setting exactly as botocore validates it: lower case only.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "legacy" => Ok(RetryMode::Legacy),
            "standard" => Ok(RetryMode::Standard),
            "adaptive" => Ok(RetryMode::Adaptive),
            _ => Err(InvalidRetryMode(s.to_owned())),
        }
    }
}

/// Which generation of botocore's standard-mode numbers to follow.
///
/// botocore 1.44 made the "new retries" of 2026 unconditional (up to 1.43 they hid behind
/// `AWS_NEW_RETRIES_2026=true`). The two differ only in standard and adaptive mode:
///
/// | | `V2026` (default) | `Pre2026` |
/// |---|---|---|
/// | quota cost per retry | 14, throttling 5 | 5, timeouts 10 |
/// | backoff base | 1 s throttling, 50 ms otherwise (25 ms DynamoDB) | 1 s |
/// | `x-amz-retry-after` | honoured, up to backoff + 5 s | ignored |
/// | bare HTTP 429 | throttling, retried | not retried |
/// | DynamoDB default attempts | 4 | 3 |
/// | long-polling operations | sleep the backoff when the quota is empty | fail at once |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RetryRevision {
    /// botocore 1.44 and later.
    #[default]
    V2026,
    /// botocore up to 1.43 without `AWS_NEW_RETRIES_2026`, and the original SDK retry spec.
    Pre2026,
}

/// How a client retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RetryConfig {
    /// The retry mode.
    pub mode: RetryMode,
    /// Total attempts, the first included (botocore's `total_max_attempts`, `AWS_MAX_ATTEMPTS`).
    /// `None` takes the mode's default for the service: 3 in standard mode (4 for DynamoDB), 5
    /// in legacy mode (10 for DynamoDB). Zero is treated as one: never retry.
    pub max_attempts: Option<u32>,
    /// The cap on standard-mode backoff. Legacy mode has no cap, as in botocore.
    pub max_backoff: Duration,
    /// The retry quota's capacity.
    pub initial_quota: u32,
    /// Which generation of botocore's standard-mode numbers to follow.
    pub revision: RetryRevision,
}

impl RetryConfig {
    /// The defaults for `mode`.
    pub const fn new(mode: RetryMode) -> Self {
        RetryConfig {
            mode,
            max_attempts: None,
            max_backoff: standard::DEFAULT_MAX_BACKOFF,
            initial_quota: RetryQuota::INITIAL_CAPACITY,
            revision: RetryRevision::V2026,
        }
    }

    /// Sets the total attempts, the first included.
    pub const fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts);
        self
    }

    /// Sets the revision of the standard-mode numbers.
    pub const fn with_revision(mut self, revision: RetryRevision) -> Self {
        self.revision = revision;
        self
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::new(RetryMode::default())
    }
}

/// A source of jitter: uniform draws from `[0, 1)`. Injectable so that tests are deterministic.
///
/// Any `Fn() -> f64 + Send + Sync` closure is one.
pub trait Random: Send + Sync {
    /// The next draw from `[0, 1)`.
    fn random(&self) -> f64;
}

impl<F: Fn() -> f64 + Send + Sync> Random for F {
    fn random(&self) -> f64 {
        self()
    }
}

/// The default jitter source: SplitMix64 over an atomic counter, seeded per process.
///
/// Jitter needs spread, not unpredictability, so a tiny lock-free generator does; std has no
/// random number generator, and this avoids a dependency.
#[derive(Debug)]
pub struct DefaultRandom {
    state: AtomicU64,
}

impl DefaultRandom {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator seeded from std's per-process hash keys and the time.
    pub fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        hasher.write_u128(nanos);
        DefaultRandom::with_seed(hasher.finish())
    }

    /// A generator with a fixed seed.
    pub const fn with_seed(seed: u64) -> Self {
        DefaultRandom { state: AtomicU64::new(seed) }
    }
}

impl Default for DefaultRandom {
    fn default() -> Self {
        DefaultRandom::new()
    }
}

impl Random for DefaultRandom {
    fn random(&self) -> f64 {
        let mut z = self.state.fetch_add(Self::GAMMA, Ordering::Relaxed).wrapping_add(Self::GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits make a uniform double in [0, 1).
        (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Seconds on a monotonic scale, for the adaptive rate limiter. Injectable so that tests can
/// replay exact timings. Any `Fn() -> f64 + Send + Sync` closure is one.
pub trait Clock: Send + Sync {
    /// The current time in seconds; only differences matter.
    fn now(&self) -> f64;
}

impl<F: Fn() -> f64 + Send + Sync> Clock for F {
    fn now(&self) -> f64 {
        self()
    }
}

/// The default clock: seconds since the clock was created, from [`Instant`].
///
/// botocore reads the wall clock (`time.time()`), which can jump backwards and then drives the
/// token bucket negative; a monotonic clock cannot.
#[derive(Clone, Copy, Debug)]
pub struct MonotonicClock {
    origin: Instant,
}

impl MonotonicClock {
    /// A clock reading zero now.
    pub fn new() -> Self {
        MonotonicClock { origin: Instant::now() }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        MonotonicClock::new()
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_print_like_the_setting() {
        for mode in [RetryMode::Legacy, RetryMode::Standard, RetryMode::Adaptive] {
            assert_eq!(mode.as_str().parse::<RetryMode>(), Ok(mode));
            assert_eq!(mode.to_string(), mode.as_str());
        }
        let err = "Standard".parse::<RetryMode>().unwrap_err();
        assert_eq!(err.to_string(), "invalid retry mode \"Standard\": expected legacy, standard or adaptive");
        assert_eq!(RetryMode::default(), RetryMode::Standard);
    }

    #[test]
    fn config_defaults() {
        let config = RetryConfig::default();
        assert_eq!(config.mode, RetryMode::Standard);
        assert_eq!(config.max_attempts, None);
        assert_eq!(config.max_backoff, Duration::from_secs(20));
        assert_eq!(config.initial_quota, 500);
        assert_eq!(config.revision, RetryRevision::V2026);
        assert_eq!(RetryConfig::new(RetryMode::Legacy).with_max_attempts(2).max_attempts, Some(2));
    }

    #[test]
    fn default_random_is_uniform_in_the_unit_interval() {
        let random = DefaultRandom::with_seed(42);
        let draws: Vec<f64> = (0..10_000).map(|_| random.random()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        // Each tenth of the interval gets its share.
        for decile in 0..10 {
            let lo = f64::from(decile) / 10.0;
            let count = draws.iter().filter(|d| (lo..lo + 0.1).contains(*d)).count();
            assert!((800..1200).contains(&count), "{decile}: {count}");
        }
        // A fixed seed repeats; separately seeded generators differ.
        assert_eq!(DefaultRandom::with_seed(7).random(), DefaultRandom::with_seed(7).random());
        assert_ne!(DefaultRandom::new().random(), DefaultRandom::new().random());
    }

    #[test]
    fn monotonic_clock_starts_near_zero_and_never_goes_back() {
        let clock = MonotonicClock::new();
        let a = clock.now();
        let b = clock.now();
        assert!((0.0..1.0).contains(&a));
        assert!(b >= a);
    }
}
