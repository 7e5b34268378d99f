//! Adaptive mode's client-side rate limiter (`botocore/retries/adaptive.py`, `bucket.py` and
//! `throttling.py`).
//!
//! Until the first throttling response the limiter only measures. After it, every attempt must
//! take a token from a bucket whose fill rate follows a CUBIC curve (the TCP congestion-control
//! algorithm): cut to 70% of the measured send rate on a throttle, then regrown along a cubic
//! that flattens near the rate that was last throttled and speeds up beyond it.
//!
//! Time is a plain `f64` of seconds passed in by the caller, so that tests can replay an exact
//! sequence of events; the strategy feeds it from a monotonic clock.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// CUBIC's multiplicative decrease: a throttle cuts the rate to this fraction.
pub const BETA: f64 = 0.7;
/// CUBIC's scale constant `C`: how fast the rate regrows.
pub const SCALE_CONSTANT: f64 = 0.4;
/// The weight of the newest bucket in the measured send rate.
pub const SMOOTHING: f64 = 0.8;
/// The measured send rate is updated once per bucket of this many seconds.
pub const TIME_BUCKET_RANGE: f64 = 0.5;
/// The token bucket never fills slower than this many tokens per second.
pub const MIN_FILL_RATE: f64 = 0.5;
/// The fill rate never exceeds this multiple of the measured send rate.
pub const MAX_RATE_ADJUST_SCALE: f64 = 2.0;

/// botocore's `TokenBucket`: tokens accrue at `fill_rate` per second up to `max_capacity`.
#[derive(Clone, Copy, Debug)]
struct TokenBucket {
    fill_rate: f64,
    max_capacity: f64,
    current_capacity: f64,
    last_timestamp: f64,
}

impl TokenBucket {
    /// A bucket created with `max_rate` at `now`, empty, as botocore's constructor leaves it.
    fn new(max_rate: f64, now: f64) -> Self {
        let mut bucket = TokenBucket { fill_rate: 0.0, max_capacity: 0.0, current_capacity: 0.0, last_timestamp: now };
        bucket.set_max_rate(max_rate, now);
        bucket
    }

    /// The `max_rate` setter: tokens earned at the old rate are credited first, so that the new
    /// rate only applies from now on.
    fn set_max_rate(&mut self, value: f64, now: f64) {
        self.refill(now);
        self.fill_rate = value.max(MIN_FILL_RATE);
        // The capacity is one second's worth of tokens, but at least one token, so that a slow
        // rate can still send at all. botocore sizes it from the unclamped value.
        self.max_capacity = if value >= 1.0 { value } else { 1.0 };
        self.current_capacity = self.current_capacity.min(self.max_capacity);
    }

    fn refill(&mut self, now: f64) {
        let fill_amount = (now - self.last_timestamp) * self.fill_rate;
        self.current_capacity = self.max_capacity.min(self.current_capacity + fill_amount);
        self.last_timestamp = now;
    }

    /// Takes `amount` tokens, or says how many seconds until they will be there.
    fn try_acquire(&mut self, amount: f64, now: f64) -> Result<(), f64> {
        self.refill(now);
        if amount <= self.current_capacity {
            self.current_capacity -= amount;
            Ok(())
        } else {
            Err((amount - self.current_capacity) / self.fill_rate)
        }
    }
}

/// botocore's `CubicCalculator`.
#[derive(Clone, Copy, Debug)]
struct Cubic {
    w_max: f64,
    k: f64,
    last_fail: f64,
}

impl Cubic {
    fn new(starting_max_rate: f64, start_time: f64) -> Self {
        let mut cubic = Cubic { w_max: starting_max_rate, k: 0.0, last_fail: start_time };
        cubic.k = cubic.zero_point();
        cubic
    }

    /// The time after a throttle at which the curve returns to `w_max`.
    fn zero_point(&self) -> f64 {
        // `powf` (libm's `pow`) rather than `cbrt`, because that is what Python's `**` calls and
        // the results must agree to the last bit with botocore's.
        let scaled_value = (self.w_max * (1.0 - BETA)) / SCALE_CONSTANT;
        scaled_value.powf(1.0 / 3.0)
    }

    fn success_received(&self, timestamp: f64) -> f64 {
        let dt = timestamp - self.last_fail;
        SCALE_CONSTANT * (dt - self.k).powf(3.0) + self.w_max
    }

    fn error_received(&mut self, current_rate: f64, timestamp: f64) -> f64 {
        self.w_max = current_rate;
        self.k = self.zero_point();
        self.last_fail = timestamp;
        current_rate * BETA
    }
}

/// botocore's `RateClocker`: an exponentially smoothed count of responses per second.
#[derive(Clone, Copy, Debug)]
struct RateClocker {
    measured_rate: f64,
    last_bucket: f64,
    count: f64,
}

impl RateClocker {
    fn new(now: f64) -> Self {
        // botocore starts from the whole second, not from a half-second bucket; the first
        // measurement can therefore cover up to 1.5 s.
        RateClocker { measured_rate: 0.0, last_bucket: now.floor(), count: 0.0 }
    }

    fn record(&mut self, now: f64) -> f64 {
        let scale = 1.0 / TIME_BUCKET_RANGE;
        let bucket = (now * scale).floor() / scale;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current_rate = self.count / (bucket - self.last_bucket);
            self.measured_rate = (current_rate * SMOOTHING) + (self.measured_rate * (1.0 - SMOOTHING));
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured_rate
    }
}

#[derive(Clone, Copy, Debug)]
struct LimiterState {
    bucket: TokenBucket,
    cubic: Cubic,
    clocker: RateClocker,
    enabled: bool,
}

/// The limiter's numbers at one moment, for tests, logs and debugging.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LimiterSnapshot {
    /// True once a throttle has been seen; until then sending is never delayed.
    pub enabled: bool,
    /// The smoothed send rate, in requests per second.
    pub measured_rate: f64,
    /// The token bucket's fill rate (botocore's `max_rate`), in tokens per second.
    pub fill_rate: f64,
    /// The token bucket's capacity.
    pub max_capacity: f64,
    /// Tokens in the bucket as of the last event.
    pub available: f64,
    /// CUBIC's `W_max`: the rate at the last throttle.
    pub w_max: f64,
    /// CUBIC's `K`: seconds from the last throttle until the curve is back at `W_max`.
    pub k: f64,
    /// When the last throttle happened.
    pub last_fail: f64,
}

/// The client-side rate limiter of adaptive mode, shared by every request of one client.
///
/// Call [`acquire`](Self::acquire) before sending each attempt and [`update`](Self::update) with
/// each attempt's outcome. All state sits behind one `Mutex` (botocore uses two locks and a
/// condition variable); every operation is a few float operations, so contention is short.
#[derive(Debug)]
pub struct ClientRateLimiter {
    state: Mutex<LimiterState>,
}

impl ClientRateLimiter {
    /// A limiter created at `now` (seconds on the caller's clock), in botocore's initial state:
    /// disabled, a bucket of rate 1 holding no tokens, CUBIC starting from rate 0.
    pub fn new(now: f64) -> Self {
        let state = LimiterState {
            bucket: TokenBucket::new(1.0, now),
            cubic: Cubic::new(0.0, now),
            clocker: RateClocker::new(now),
            enabled: false,
        };
        ClientRateLimiter { state: Mutex::new(state) }
    }

    fn lock(&self) -> MutexGuard<'_, LimiterState> {
        // The state is a handful of floats that are never left half-updated by a panic in
        // arithmetic, so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a send token at `now`. `None` means send now. `Some(wait)` means no token was taken:
    /// sleep `wait`, then call again (botocore blocks in a loop doing exactly that).
    ///
    /// The wait is rounded up to a whole microsecond: the exact shortfall can be far below the
    /// clock's resolution, and a zero-length sleep would only spin.
    pub fn acquire(&self, now: f64) -> Option<Duration> {
        let wait = self.acquire_secs(now)?;
        Some(Duration::from_micros((wait * 1e6).ceil() as u64))
    }

    /// [`acquire`](Self::acquire) with the exact wait in seconds.
    fn acquire_secs(&self, now: f64) -> Option<f64> {
        let mut state = self.lock();
        if !state.enabled {
            return None;
        }
        state.bucket.try_acquire(1.0, now).err()
    }

    /// Records one attempt's outcome at `now`: `throttled` is
    /// [`is_throttling_error`](super::classify::is_throttling_error) of the outcome. Every outcome
    /// counts, successes and transport errors included (they count as "not throttled").
    pub fn update(&self, throttled: bool, now: f64) {
        let mut guard = self.lock();
        let state = &mut *guard;
        let measured_rate = state.clocker.record(now);
        let new_rate = if throttled {
            // Before the first throttle the bucket's rate is meaningless, so only the measured
            // rate counts; afterwards the lower of the two, since the bucket caps what was sent.
            let rate_to_use = if state.enabled { measured_rate.min(state.bucket.fill_rate) } else { measured_rate };
            state.enabled = true;
            state.cubic.error_received(rate_to_use, now)
        } else {
            state.cubic.success_received(now)
        };
        state.bucket.set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured_rate), now);
    }

    /// The limiter's current numbers.
    pub fn snapshot(&self) -> LimiterSnapshot {
        let state = *self.lock();
        LimiterSnapshot {
            enabled: state.enabled,
            measured_rate: state.clocker.measured_rate,
            fill_rate: state.bucket.fill_rate,
            max_capacity: state.bucket.max_capacity,
            available: state.bucket.current_capacity,
            w_max: state.cubic.w_max,
            k: state.cubic.k,
            last_fail: state.cubic.last_fail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// botocore's own classes driven by `testdata/adaptive_trace.py` (`/tmp/bvenv/bin/python
    /// adaptive_trace.py > adaptive_trace.txt`): `S <time> go [<tokens left>]` or
    /// `S <time> wait <seconds>` for each pass of a send, and
    /// `R <time> <throttled> <measured> <fill rate> <capacity> <available> <enabled> <w_max> <k>
    /// <last_fail>` after each response.
    const TRACE: &str = include_str!("testdata/adaptive_trace.txt");
    const TRACE_START: f64 = 999.7;

    fn num(field: &str) -> f64 {
        field.parse().unwrap_or_else(|_| panic!("not a number: {field}"))
    }

    /// Replays the trace and compares every number bit for bit: the port must make the same
    /// floating-point operations in the same order as botocore.
    #[test]
    fn matches_botocore_trace_exactly() {
        let limiter = ClientRateLimiter::new(TRACE_START);
        let (mut sends, mut waits, mut responses) = (0, 0, 0);
        for (n, line) in TRACE.lines().enumerate() {
            let fields: Vec<&str> = line.split(' ').collect();
            let now = num(fields[1]);
            match (fields[0], fields[2]) {
                ("S", "go") => {
                    sends += 1;
                    assert_eq!(limiter.acquire_secs(now), None, "line {}", n + 1);
                    if let Some(left) = fields.get(3) {
                        assert_eq!(limiter.snapshot().available, num(left), "line {}", n + 1);
                    }
                }
                ("S", "wait") => {
                    waits += 1;
                    let wait = limiter.acquire_secs(now);
                    assert_eq!(wait, Some(num(fields[3])), "line {}", n + 1);
                    // The trace's caller comes back after the wait rounded up to a microsecond,
                    // which is what `acquire` returns.
                    let rounded = limiter.acquire(now).unwrap();
                    assert_eq!(rounded.as_micros() as f64 / 1e6, (num(fields[3]) * 1e6).ceil() / 1e6);
                }
                ("R", throttled) => {
                    responses += 1;
                    limiter.update(throttled == "1", now);
                    let s = limiter.snapshot();
                    let got = [
                        s.measured_rate,
                        s.fill_rate,
                        s.max_capacity,
                        s.available,
                        f64::from(u8::from(s.enabled)),
                        s.w_max,
                        s.k,
                        s.last_fail,
                    ];
                    let want: Vec<f64> = fields[3..].iter().map(|f| num(f)).collect();
                    assert_eq!(got.as_slice(), want.as_slice(), "line {}: {line}", n + 1);
                }
                _ => panic!("bad trace line {line}"),
            }
        }
        assert_eq!((responses, waits), (46, 4));
        assert!(sends >= responses);
    }

    #[test]
    fn disabled_until_the_first_throttle() {
        let limiter = ClientRateLimiter::new(100.0);
        for i in 0..50 {
            let now = 100.0 + f64::from(i) * 0.01;
            assert_eq!(limiter.acquire(now), None);
            limiter.update(false, now);
        }
        assert!(!limiter.snapshot().enabled);
        limiter.update(true, 100.6);
        assert!(limiter.snapshot().enabled);
    }

    #[test]
    fn throttle_cuts_the_rate_to_seventy_percent_of_the_measured_rate() {
        let limiter = ClientRateLimiter::new(10.0);
        // Twenty responses inside one half-second bucket, then one in the next bucket: the first
        // measurement counts all 21 over the 0.5 s since the start, smoothed by 0.8.
        for i in 0..20 {
            limiter.update(false, 10.0 + f64::from(i) * 0.02);
        }
        limiter.update(true, 10.5);
        let s = limiter.snapshot();
        assert_eq!(s.measured_rate, 21.0 / 0.5 * 0.8);
        assert_eq!(s.w_max, s.measured_rate);
        assert_eq!(s.fill_rate, s.measured_rate * BETA);
        assert_eq!(s.max_capacity, s.fill_rate);
        assert_eq!(s.last_fail, 10.5);
    }

    #[test]
    fn cubic_regrows_past_the_last_throttled_rate() {
        let mut cubic = Cubic::new(0.0, 0.0);
        assert_eq!(cubic.error_received(10.0, 0.0), 7.0);
        // K is when the curve is back at W_max: (10 * 0.3 / 0.4)^(1/3).
        let k = (10.0f64 * (1.0 - BETA) / SCALE_CONSTANT).powf(1.0 / 3.0);
        assert_eq!(cubic.k, k);
        assert!((cubic.success_received(0.0) - 7.0).abs() < 1e-12);
        assert_eq!(cubic.success_received(k), 10.0);
        assert!(cubic.success_received(k + 1.0) > 10.0);
        assert!(cubic.success_received(k / 2.0) < 10.0);
    }

    #[test]
    fn bucket_never_fills_slower_than_the_minimum_rate_and_holds_at_least_one_token() {
        let mut bucket = TokenBucket::new(1.0, 0.0);
        bucket.set_max_rate(0.1, 0.0);
        assert_eq!((bucket.fill_rate, bucket.max_capacity), (MIN_FILL_RATE, 1.0));
        // Empty, so the first token takes two seconds at half a token per second.
        assert_eq!(bucket.try_acquire(1.0, 0.0), Err(2.0));
        assert_eq!(bucket.try_acquire(1.0, 2.0), Ok(()));
        // Unused time beyond the capacity is not banked.
        assert_eq!(bucket.try_acquire(1.0, 100.0), Ok(()));
        assert_eq!(bucket.try_acquire(1.0, 100.0), Err(2.0));
    }

    #[test]
    fn acquire_rounds_waits_up_to_whole_microseconds() {
        let limiter = ClientRateLimiter::new(0.0);
        limiter.update(true, 0.0);
        // The bucket is empty at the minimum rate: two seconds for one token.
        assert_eq!(limiter.acquire(0.0), Some(Duration::from_secs(2)));
        assert_eq!(limiter.acquire(1.9999999999), Some(Duration::from_micros(1)));
        assert_eq!(limiter.acquire(2.0), None);
    }

    #[test]
    fn rate_clocker_smooths_per_half_second_bucket() {
        let mut clocker = RateClocker::new(5.2);
        assert_eq!(clocker.last_bucket, 5.0);
        assert_eq!(clocker.record(5.3), 0.0);
        assert_eq!(clocker.record(5.6), 2.0 / 0.5 * 0.8);
        let before = clocker.measured_rate;
        assert_eq!(clocker.record(6.7), 1.0 / 1.0 * 0.8 + before * (1.0 - SMOOTHING));
    }
}
