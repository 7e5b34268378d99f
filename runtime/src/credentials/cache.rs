//! A credentials cache that refreshes ahead of expiry, once for all callers.
//!
//! botocore's `RefreshableCredentials` rules, with its windows:
//!
//! - More than [`ADVISORY_REFRESH`] (15 minutes) left, or no expiry: use the credentials.
//! - Inside the advisory window: one caller refreshes while the others keep using the current
//!   credentials without waiting; if that refresh fails, the current credentials are still used.
//! - Inside [`MANDATORY_REFRESH`] (10 minutes), or nothing loaded yet: every caller needs new
//!   credentials; one refreshes and the others wait for its result, failure included (single
//!   flight), instead of each calling the provider in turn as botocore's lock does.
//! - Credentials that come back already expired are an error, as in botocore.
//!
//! The lock is never held while the provider runs, only around reading and updating the state,
//! and the decision is the pure function [`decide`]. An async cache will reuse `State` and
//! `decide` unchanged and replace the `Condvar` with an async notification (such as
//! `tokio::sync::Notify`, awaited after registering interest under the same lock), so sync and
//! async callers share one policy.

use core::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use super::{format_timestamp, Credentials, CredentialsError, ProvideCredentials};

/// botocore's `_DEFAULT_ADVISORY_REFRESH_TIMEOUT`.
pub const ADVISORY_REFRESH: Duration = Duration::from_secs(15 * 60);
/// botocore's `_DEFAULT_MANDATORY_REFRESH_TIMEOUT`.
pub const MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);

/// The time source, injectable for tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    pub fn new(now: SystemTime) -> ManualClock {
        ManualClock(Mutex::new(now))
    }
    pub fn set(&self, now: SystemTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The shared state: what is cached and whether a refresh is under way.
#[derive(Default)]
struct State {
    current: Option<Credentials>,
    refreshing: bool,
    /// Counts refresh attempts, so a waiter can tell whether the failure it sees is the one of
    /// the refresh it waited for.
    attempt: u64,
    last_failure: Option<(u64, CredentialsError)>,
}

/// What a caller does, given the state and the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    /// Use the current credentials.
    Use,
    /// Start a refresh; `mandatory` says whether its failure is the caller's failure.
    Refresh { mandatory: bool },
    /// Someone else is refreshing and the current credentials will not do: wait for them.
    Wait,
}

fn decide(state: &State, now: SystemTime, advisory: Duration, mandatory: Duration) -> Action {
    let remaining = |expiry: SystemTime| expiry.duration_since(now).unwrap_or(Duration::ZERO);
    let needs = match state.current.as_ref().map(Credentials::expiration) {
        None => Some(true),
        Some(None) => None,
        Some(Some(expiry)) if remaining(expiry) < mandatory => Some(true),
        Some(Some(expiry)) if remaining(expiry) < advisory => Some(false),
        Some(Some(_)) => None,
    };
    match (needs, state.refreshing) {
        (None, _) | (Some(false), true) => Action::Use,
        (Some(true), true) => Action::Wait,
        (Some(mandatory), false) => Action::Refresh { mandatory },
    }
}

/// Caches the credentials of a [`ProvideCredentials`] and refreshes them ahead of expiry; see the
/// module documentation for the rules. Cheap to share behind an `Arc`.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    clock: Arc<dyn Clock>,
    advisory: Duration,
    mandatory: Duration,
    state: Mutex<State>,
    refreshed: Condvar,
}

impl CredentialsCache {
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> CredentialsCache {
        CredentialsCache {
            provider,
            clock: Arc::new(SystemClock),
            advisory: ADVISORY_REFRESH,
            mandatory: MANDATORY_REFRESH,
            state: Mutex::new(State::default()),
            refreshed: Condvar::new(),
        }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> CredentialsCache {
        self.clock = clock;
        self
    }

    /// Other windows (botocore lets IMDS credentials use their own); `mandatory` is capped at
    /// `advisory`.
    pub fn with_windows(mut self, advisory: Duration, mandatory: Duration) -> CredentialsCache {
        self.advisory = advisory;
        self.mandatory = mandatory.min(advisory);
        self
    }

    /// Forgets the cached credentials, so the next call loads new ones (for example after a
    /// service answered `ExpiredToken`).
    pub fn invalidate(&self) {
        self.lock().current = None;
    }

    /// The cached credentials when they are fit for signing now and no refresh is due, without
    /// waiting or calling the provider: the per-request path of async calls, which otherwise
    /// would hand [`credentials`](Self::credentials) to a blocking thread on every request.
    pub fn cached(&self) -> Option<Credentials> {
        let state = self.lock();
        match decide(&state, self.clock.now(), self.advisory, self.mandatory) {
            Action::Use => state.current.clone(),
            Action::Refresh { .. } | Action::Wait => None,
        }
    }

    /// Credentials fit for signing a request now.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut state = self.lock();
        loop {
            match decide(&state, self.clock.now(), self.advisory, self.mandatory) {
                Action::Use => {
                    return Ok(state.current.clone().expect("`decide` only says Use when something is cached"));
                }
                Action::Wait => {
                    let awaited = state.attempt;
                    state = self.refreshed.wait_while(state, |s| s.refreshing).unwrap_or_else(PoisonError::into_inner);
                    // Share the failure of the refresh we waited for rather than trying again
                    // at once; a caller arriving later starts a new attempt.
                    if let Some((attempt, error)) = &state.last_failure {
                        if *attempt == awaited {
                            if let Action::Wait | Action::Refresh { mandatory: true } =
                                decide(&state, self.clock.now(), self.advisory, self.mandatory)
                            {
                                return Err(error.clone());
                            }
                        }
                    }
                }
                Action::Refresh { mandatory } => {
                    state.refreshing = true;
                    state.attempt += 1;
                    let attempt = state.attempt;
                    drop(state);
                    return self.refresh(attempt, mandatory);
                }
            }
        }
    }

    /// Calls the provider without the lock held, then publishes the outcome and wakes waiters.
    fn refresh(&self, attempt: u64, mandatory: bool) -> Result<Credentials, CredentialsError> {
        // If the provider panics, the guard still clears `refreshing` so waiters do not hang.
        let guard = RefreshGuard { cache: self };
        let result = self.provider.provide_credentials().and_then(|credentials| match credentials.expiration() {
            Some(expiry) if expiry <= self.clock.now() => Err(CredentialsError::StillExpired {
                provider: credentials.provider(),
                expired_at: format_timestamp(expiry),
            }),
            _ => Ok(credentials),
        });
        std::mem::forget(guard);
        let mut state = self.lock();
        state.refreshing = false;
        let outcome = match result {
            Ok(credentials) => {
                state.current = Some(credentials.clone());
                state.last_failure = None;
                Ok(credentials)
            }
            Err(error) => {
                state.last_failure = Some((attempt, error.clone()));
                match (&state.current, mandatory) {
                    // The advisory window: the current credentials are still good for a while.
                    (Some(current), false) => Ok(current.clone()),
                    _ => Err(error),
                }
            }
        };
        drop(state);
        self.refreshed.notify_all();
        outcome
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent between statements, so a panic elsewhere does not poison it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct RefreshGuard<'a> {
    cache: &'a CredentialsCache,
}

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        self.cache.lock().refreshing = false;
        self.cache.refreshed.notify_all();
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("CredentialsCache")
            .field("current", &state.current)
            .field("refreshing", &state.refreshing)
            .field("advisory", &self.advisory)
            .field("mandatory", &self.mandatory)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
