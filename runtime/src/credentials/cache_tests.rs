use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Barrier;
use std::thread;

use super::*;

const MINUTE: Duration = Duration::from_secs(60);

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn creds(id: &str, expiry: Option<SystemTime>) -> Credentials {
    Credentials::from_parts(id, "s3cr3t-key", Some("s3cr3t-token".into()), expiry, "test")
}

/// A provider whose answers are scripted: each call takes the next answer and counts itself.
struct Script {
    answers: Mutex<Vec<Result<Credentials, CredentialsError>>>,
    calls: AtomicUsize,
}

impl Script {
    fn new(mut answers: Vec<Result<Credentials, CredentialsError>>) -> Arc<Script> {
        answers.reverse();
        Arc::new(Script { answers: Mutex::new(answers), calls: AtomicUsize::new(0) })
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Script {
    fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.answers.lock().unwrap().pop().expect("the script ran out of answers")
    }
}

fn failure() -> CredentialsError {
    CredentialsError::Network { provider: "test", message: "endpoint unreachable".into() }
}

fn cache(script: &Arc<Script>, clock: &Arc<ManualClock>) -> CredentialsCache {
    CredentialsCache::new(script.clone()).with_clock(clock.clone())
}

#[test]
fn fresh_credentials_are_reused_until_the_advisory_window() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![Ok(creds("A", Some(t0() + 60 * MINUTE))), Ok(creds("B", Some(t0() + 120 * MINUTE)))]);
    let cache = cache(&script, &clock);
    assert_eq!(cache.credentials().unwrap().access_key_id(), "A");
    clock.advance(44 * MINUTE); // 16 minutes left: still fresh.
    assert_eq!(cache.credentials().unwrap().access_key_id(), "A");
    assert_eq!(script.calls(), 1);
    clock.advance(2 * MINUTE); // 14 minutes left: advisory refresh.
    assert_eq!(cache.credentials().unwrap().access_key_id(), "B");
    assert_eq!(script.calls(), 2);
}

#[test]
fn advisory_failure_keeps_the_old_credentials_and_mandatory_failure_does_not() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![
        Ok(creds("A", Some(t0() + 60 * MINUTE))),
        Err(failure()),
        Err(failure()),
        Ok(creds("B", Some(t0() + 120 * MINUTE))),
    ]);
    let cache = cache(&script, &clock);
    cache.credentials().unwrap();
    clock.advance(48 * MINUTE); // 12 minutes left.
    assert_eq!(cache.credentials().unwrap().access_key_id(), "A");
    clock.advance(4 * MINUTE); // 8 minutes left: mandatory.
    let error = cache.credentials().unwrap_err();
    assert!(error.to_string().contains("endpoint unreachable"));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "B");
    assert_eq!(script.calls(), 4);
}

#[test]
fn credentials_without_expiry_never_refresh_until_invalidated() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![Ok(creds("A", None)), Ok(creds("B", None))]);
    let cache = cache(&script, &clock);
    cache.credentials().unwrap();
    clock.advance(Duration::from_secs(10 * 365 * 86_400));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "A");
    cache.invalidate();
    assert_eq!(cache.credentials().unwrap().access_key_id(), "B");
}

#[test]
fn already_expired_credentials_are_an_error() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![Ok(creds("A", Some(t0() - MINUTE)))]);
    let message = cache(&script, &clock).credentials().unwrap_err().to_string();
    assert!(message.contains("still expired"), "{message}");
}

#[test]
fn custom_windows_apply() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![Ok(creds("A", Some(t0() + 4 * MINUTE))), Ok(creds("B", None))]);
    let cache = cache(&script, &clock).with_windows(3 * MINUTE, MINUTE);
    assert_eq!(cache.credentials().unwrap().access_key_id(), "A");
    clock.advance(2 * MINUTE);
    assert_eq!(cache.credentials().unwrap().access_key_id(), "B");
}

/// A provider that blocks until released, to hold a refresh in flight.
struct Gate {
    entered: mpsc::SyncSender<()>,
    release: Mutex<mpsc::Receiver<Result<Credentials, CredentialsError>>>,
    calls: AtomicUsize,
}

impl ProvideCredentials for Gate {
    fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let _ = self.entered.try_send(());
        self.release.lock().unwrap().recv().expect("the test releases every call")
    }
}

fn gate() -> (Arc<Gate>, mpsc::Receiver<()>, mpsc::Sender<Result<Credentials, CredentialsError>>) {
    let (entered_tx, entered_rx) = mpsc::sync_channel(16);
    let (release_tx, release_rx) = mpsc::channel();
    let gate = Gate { entered: entered_tx, release: Mutex::new(release_rx), calls: AtomicUsize::new(0) };
    (Arc::new(gate), entered_rx, release_tx)
}

#[test]
fn concurrent_callers_share_one_refresh() {
    let (gate, entered, release) = gate();
    let cache = Arc::new(CredentialsCache::new(gate.clone()));
    let start = Arc::new(Barrier::new(9));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (cache, start) = (cache.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                cache.credentials().map(|c| c.access_key_id().to_owned())
            })
        })
        .collect();
    start.wait();
    entered.recv().unwrap();
    // Give the other seven time to reach the wait; they must not call the provider meanwhile.
    thread::sleep(Duration::from_millis(50));
    release.send(Ok(creds("SHARED", None))).unwrap();
    for t in threads {
        assert_eq!(t.join().unwrap().unwrap(), "SHARED");
    }
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn concurrent_callers_share_one_failure() {
    let (gate, entered, release) = gate();
    let cache = Arc::new(CredentialsCache::new(gate.clone()));
    let start = Arc::new(Barrier::new(7));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (cache, start) = (cache.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                cache.credentials().map(|c| c.access_key_id().to_owned())
            })
        })
        .collect();
    start.wait();
    entered.recv().unwrap();
    thread::sleep(Duration::from_millis(50));
    release.send(Err(failure())).unwrap();
    for t in threads {
        assert!(t.join().unwrap().unwrap_err().to_string().contains("endpoint unreachable"));
    }
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn advisory_refresh_does_not_block_other_callers() {
    let clock = Arc::new(ManualClock::new(t0()));
    let (gate, entered, release) = gate();
    let cache = Arc::new(CredentialsCache::new(gate.clone()).with_clock(clock.clone()));
    release.send(Ok(creds("OLD", Some(t0() + 60 * MINUTE)))).unwrap();
    cache.credentials().unwrap();
    entered.recv().unwrap();
    clock.advance(48 * MINUTE); // Advisory window.
    let refresher = {
        let cache = cache.clone();
        thread::spawn(move || cache.credentials().unwrap().access_key_id().to_owned())
    };
    entered.recv().unwrap();
    // The refresh is in flight and blocked; another caller gets the old credentials at once.
    assert_eq!(cache.credentials().unwrap().access_key_id(), "OLD");
    release.send(Ok(creds("NEW", Some(t0() + 120 * MINUTE)))).unwrap();
    assert_eq!(refresher.join().unwrap(), "NEW");
    assert_eq!(cache.credentials().unwrap().access_key_id(), "NEW");
    assert_eq!(gate.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn a_panicking_provider_does_not_wedge_the_cache() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = move || -> Result<Credentials, CredentialsError> {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("provider bug");
        }
        Ok(creds("AFTER", None))
    };
    let cache = Arc::new(CredentialsCache::new(Arc::new(provider)));
    let first = {
        let cache = cache.clone();
        thread::spawn(move || cache.credentials())
    };
    assert!(first.join().is_err());
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AFTER");
}

#[test]
fn debug_redacts_cached_secrets() {
    let cache = CredentialsCache::new(Arc::new(|| Ok(creds("AKIDDEBUG", None))));
    cache.credentials().unwrap();
    let debug = format!("{cache:?}");
    assert!(debug.contains("AKIDDEBUG") && !debug.contains("s3cr3t"), "{debug}");
}

#[test]
fn decide_follows_the_windows() {
    let now = t0();
    let with = |expiry: Option<SystemTime>, refreshing: bool| {
        let state = State { current: Some(creds("A", expiry)), refreshing, ..State::default() };
        decide(&state, now, ADVISORY_REFRESH, MANDATORY_REFRESH)
    };
    assert_eq!(
        decide(&State::default(), now, ADVISORY_REFRESH, MANDATORY_REFRESH),
        Action::Refresh { mandatory: true }
    );
    assert_eq!(with(None, false), Action::Use);
    assert_eq!(with(Some(now + 15 * MINUTE), false), Action::Use);
    assert_eq!(with(Some(now + 15 * MINUTE - Duration::from_secs(1)), false), Action::Refresh { mandatory: false });
    assert_eq!(with(Some(now + 12 * MINUTE), true), Action::Use);
    assert_eq!(with(Some(now + 10 * MINUTE - Duration::from_secs(1)), false), Action::Refresh { mandatory: true });
    assert_eq!(with(Some(now + 5 * MINUTE), true), Action::Wait);
    assert_eq!(with(Some(now - MINUTE), false), Action::Refresh { mandatory: true });
}

#[test]
fn cached_answers_only_while_no_refresh_is_due_and_never_calls_the_provider() {
    let clock = Arc::new(ManualClock::new(t0()));
    let script = Script::new(vec![Ok(creds("A", Some(t0() + 60 * MINUTE)))]);
    let cache = cache(&script, &clock);
    assert!(cache.cached().is_none(), "nothing loaded yet");
    assert_eq!(script.calls(), 0, "cached() must not load");
    cache.credentials().unwrap();
    assert_eq!(cache.cached().unwrap().access_key_id(), "A");
    clock.advance(46 * MINUTE); // 14 minutes left: an advisory refresh is due.
    assert!(cache.cached().is_none(), "a refresh is due, so the caller must take the refreshing path");
    assert_eq!(script.calls(), 1);
}
