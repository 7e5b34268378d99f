//! The bandwidth limiter: a schedule of when each chunk may pass, shared by a transfer's parts.
//!
//! Each chunk reserves the next `len / rate` seconds of the schedule and waits until its slot
//! has passed, so the average rate over any stretch longer than a chunk is at most `rate`, and
//! concurrent parts share the budget instead of each getting all of it.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Paces bytes to at most `rate` per second.
#[derive(Debug)]
pub struct BandwidthLimiter {
    rate: u64,
    /// The end of the last reserved slot.
    next: Mutex<Option<Instant>>,
}

impl BandwidthLimiter {
    /// A limiter for `bytes_per_second` (at least one byte per second).
    pub fn new(bytes_per_second: u64) -> Self {
        BandwidthLimiter { rate: bytes_per_second.max(1), next: Mutex::new(None) }
    }

    /// Waits until `bytes` more may pass.
    pub async fn acquire(&self, bytes: u64) {
        let until = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = next.filter(|t| *t > now).unwrap_or(now);
            let end = start + Duration::from_secs_f64(bytes as f64 / self.rate as f64);
            *next = Some(end);
            end
        };
        tokio::time::sleep_until(until).await;
    }
}

/// Waits on `limiter` when there is one.
pub async fn pace(limiter: Option<&BandwidthLimiter>, bytes: u64) {
    if let Some(limiter) = limiter {
        limiter.acquire(bytes).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_rate_is_held_across_concurrent_callers() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let limiter = BandwidthLimiter::new(1_000_000);
            let started = Instant::now();
            // 200 kB through a 1 MB/s limiter from two "parts" at once takes about 0.2 s.
            let a = async {
                for _ in 0..10 {
                    limiter.acquire(10_000).await;
                }
            };
            let b = async {
                for _ in 0..10 {
                    limiter.acquire(10_000).await;
                }
            };
            let mut set = super::super::pool::PollSet::default();
            set.push(a);
            set.push(b);
            while set.next().await.is_some() {}
            let elapsed = started.elapsed();
            assert!(elapsed >= Duration::from_millis(195), "{elapsed:?}");
            assert!(elapsed < Duration::from_millis(600), "{elapsed:?}");
        });
    }
}
