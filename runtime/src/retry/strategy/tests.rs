//! Tests of the strategy: decision sequences in every mode, cross-checked against botocore.

use super::*;
use crate::retry::classify::{IoKind, ModeledError, ResponseInfo};
use crate::retry::skew::ClockOffset;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

fn fixed(config: RetryConfig) -> RetryStrategy {
    RetryStrategy::new(config).with_random(|| 0.5)
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn retry_after(decision: &Decision) -> Duration {
    match decision {
        Decision::Retry { after } => *after,
        other => panic!("expected a retry, got {other:?}"),
    }
}

fn give_up(decision: Decision) -> GiveUpReason {
    match decision {
        Decision::GiveUp { reason } => reason,
        other => panic!("expected to give up, got {other:?}"),
    }
}

/// Runs one request whose every attempt ends in `outcome`; returns the retries and the reason.
fn fail_until_done(strategy: &RetryStrategy, outcome: &AttemptOutcome) -> (u32, GiveUpReason) {
    let mut request = strategy.start_request("Op", true);
    let mut retries = 0;
    loop {
        match strategy.should_retry(&mut request, outcome) {
            Decision::Retry { .. } => retries += 1,
            Decision::GiveUp { reason } => return (retries, reason),
            Decision::Done => panic!("a failure cannot be done"),
        }
    }
}

#[test]
fn standard_mode_retries_5xx_until_max_attempts() {
    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("GetObject", true);
    let outcome = AttemptOutcome::status(503);
    // Half of 50 ms, then half of 100 ms.
    assert_eq!(strategy.should_retry(&mut request, &outcome), Decision::Retry { after: ms(25) });
    assert_eq!(request.attempt(), 2);
    assert_eq!(strategy.should_retry(&mut request, &outcome), Decision::Retry { after: ms(50) });
    let reason = give_up(strategy.should_retry(&mut request, &outcome));
    assert_eq!(reason, GiveUpReason::MaxAttemptsReached { max_attempts: 3 });
    assert_eq!(reason.to_string(), "max attempts reached: 3");
    assert_eq!(strategy.quota().unwrap().available(), 500 - 2 * 14);
}

/// The numbers `testdata/standard_check.py` and `testdata/legacy_check.py` print when they
/// drive botocore 1.44.5's own handlers with the same draws.
#[test]
fn decisions_match_botocore_handlers() {
    let secs_of = |d: Decision| match d {
        Decision::Retry { after } => Some(after.as_secs_f64()),
        _ => None,
    };
    let single = |config: RetryConfig, outcome: AttemptOutcome| {
        let strategy = fixed(config);
        secs_of(strategy.should_retry(&mut strategy.start_request("Op", true), &outcome))
    };
    let (retries, _) =
        fail_until_done(&fixed(RetryConfig::default().with_max_attempts(1000)), &AttemptOutcome::status(500));
    assert_eq!(retries, 35);
    let throttle = AttemptOutcome::error(400, "Throttling");
    assert_eq!(fail_until_done(&fixed(RetryConfig::default().with_max_attempts(1000)), &throttle).0, 100);

    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("Op", true);
    let delays: Vec<_> =
        (0..3).map(|_| secs_of(strategy.should_retry(&mut request, &AttemptOutcome::status(503)))).collect();
    assert_eq!(delays, [Some(0.025), Some(0.05), None]);
    assert_eq!(strategy.quota().unwrap().available(), 472);
    strategy.on_success(&mut request);
    assert_eq!(strategy.quota().unwrap().available(), 486);

    let strategy = fixed(RetryConfig::default().with_max_attempts(10));
    let mut request = strategy.start_request("Op", true);
    let throttled = AttemptOutcome::error(400, "ThrottlingException");
    let delays: Vec<_> = (0..7).map(|_| secs_of(strategy.should_retry(&mut request, &throttled)).unwrap()).collect();
    assert_eq!(delays, [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]);

    assert_eq!(single(RetryConfig::default(), AttemptOutcome::status(429)), Some(0.5));
    let hinted = |header: &str| AttemptOutcome::Response(ResponseInfo::new(503).retry_after(header));
    let with_hints: Vec<_> = ["1500", "60000", "bogus", "-5", "1_000"]
        .into_iter()
        .map(|h| single(RetryConfig::default().with_max_attempts(5), hinted(h)).unwrap())
        .collect();
    assert_eq!(with_hints, [1.5, 5.025, 0.025, 0.025, 1.0]);
    let dynamodb = RetryStrategy::for_service_names(RetryConfig::default(), "dynamodb", "DynamoDB", "dynamodb")
        .with_random(|| 0.5);
    assert_eq!(
        secs_of(dynamodb.should_retry(&mut dynamodb.start_request("Op", true), &AttemptOutcome::status(500))),
        Some(0.0125)
    );
    assert_eq!(single(RetryConfig::default(), AttemptOutcome::error(404, "NoSuchKey")), None);

    // Legacy: draws 0.1, 0.2, 0.3, 0.4 give 0.1, 0.4, 1.2, 3.2, then no fifth retry;
    // DynamoDB's fixed base gives 0.05 * 2^(n-1) up to its tenth attempt.
    let legacy =
        RetryStrategy::for_service_names(RetryConfig::new(RetryMode::Legacy), "dynamodb", "DynamoDB", "dynamodb")
            .with_random(|| 0.5);
    let mut request = legacy.start_request("Op", true);
    let delays: Vec<_> =
        (0..10).map(|_| secs_of(legacy.should_retry(&mut request, &AttemptOutcome::status(500)))).collect();
    assert_eq!((delays[0], delays[3], delays[8], delays[9]), (Some(0.05), Some(0.4), Some(12.8), None));
}

#[test]
fn throttling_backs_off_from_one_second_and_costs_five() {
    let strategy = fixed(RetryConfig::default().with_max_attempts(10));
    let mut request = strategy.start_request("Query", true);
    let outcome = AttemptOutcome::error(400, "ThrottlingException");
    let delays: Vec<Duration> = (0..6).map(|_| retry_after(&strategy.should_retry(&mut request, &outcome))).collect();
    let want: Vec<Duration> = [500, 1000, 2000, 4000, 8000, 10_000].into_iter().map(ms).collect();
    assert_eq!(delays, want);
    assert_eq!(strategy.quota().unwrap().available(), 500 - 6 * 5);
    assert_eq!(request.last_retry_cost(), Some(5));
}

#[test]
fn backoff_never_exceeds_the_cap_with_the_largest_draw() {
    let strategy = RetryStrategy::new(RetryConfig::default().with_max_attempts(40)).with_random(|| 0.999_999_999);
    let mut request = strategy.start_request("Op", true);
    let throttle = AttemptOutcome::error(400, "SlowDown");
    for _ in 0..39 {
        let after = retry_after(&strategy.should_retry(&mut request, &throttle));
        assert!(after < Duration::from_secs(20), "{after:?}");
    }
    assert_eq!(request.attempt(), 40);
}

#[test]
fn v2026_quota_runs_dry_after_35_retries_of_5xx() {
    let strategy = fixed(RetryConfig::default().with_max_attempts(1000));
    let (retries, reason) = fail_until_done(&strategy, &AttemptOutcome::status(500));
    assert_eq!(retries, 35);
    assert_eq!(reason, GiveUpReason::RetryQuotaExhausted { long_poll_delay: None });
    assert_eq!(reason.to_string(), "retry quota exhausted");
    assert_eq!(strategy.quota().unwrap().available(), 10);
}

#[test]
fn pre_2026_quota_allows_500_over_5_retries_and_timeouts_cost_10() {
    let config = RetryConfig::default().with_revision(RetryRevision::Pre2026);
    // Requests of three attempts each: two retries per request until the quota runs dry.
    let strategy = fixed(config);
    let mut total = 0;
    loop {
        let (retries, reason) = fail_until_done(&strategy, &AttemptOutcome::status(500));
        total += retries;
        if reason != (GiveUpReason::MaxAttemptsReached { max_attempts: 3 }) {
            assert_eq!(reason, GiveUpReason::RetryQuotaExhausted { long_poll_delay: None });
            break;
        }
    }
    assert_eq!(total, 100);
    let timeouts = fixed(config.with_max_attempts(1000));
    assert_eq!(fail_until_done(&timeouts, &AttemptOutcome::Io(IoKind::ReadTimeout)).0, 50);
    let connect = fixed(config.with_max_attempts(1000));
    assert_eq!(fail_until_done(&connect, &AttemptOutcome::Io(IoKind::ConnectTimeout)).0, 50);
    let reset = fixed(config.with_max_attempts(1000));
    assert_eq!(fail_until_done(&reset, &AttemptOutcome::Io(IoKind::ConnectionClosed)).0, 100);
}

#[test]
fn pre_2026_backoff_ignores_the_error_kind_and_retry_after() {
    let strategy = fixed(RetryConfig::default().with_revision(RetryRevision::Pre2026).with_max_attempts(3));
    let mut request = strategy.start_request("Op", true);
    let outcome = AttemptOutcome::Response(ResponseInfo::new(503).retry_after("9000"));
    assert_eq!(retry_after(&strategy.should_retry(&mut request, &outcome)), ms(500));
    assert_eq!(retry_after(&strategy.should_retry(&mut request, &outcome)), ms(1000));
    // A bare 429 was not retryable before 2026.
    let mut request = strategy.start_request("Op", true);
    assert!(matches!(
        give_up(strategy.should_retry(&mut request, &AttemptOutcome::status(429))),
        GiveUpReason::NotRetryable { .. }
    ));
}

#[test]
fn success_refunds_the_last_retry_cost_or_one() {
    let strategy = fixed(RetryConfig::default());
    let quota = strategy.quota().unwrap();
    // A success at full capacity changes nothing.
    let mut request = strategy.start_request("Op", true);
    assert_eq!(strategy.should_retry(&mut request, &AttemptOutcome::Success), Decision::Done);
    assert_eq!(quota.available(), 500);
    // Two retries of different kinds: only the last one's cost comes back.
    let mut request = strategy.start_request("Op", true);
    strategy.should_retry(&mut request, &AttemptOutcome::status(500));
    strategy.should_retry(&mut request, &AttemptOutcome::error(400, "Throttling"));
    assert_eq!(quota.available(), 500 - 14 - 5);
    strategy.on_success(&mut request);
    assert_eq!(quota.available(), 500 - 14);
    // Successes without retries refill one token each.
    for expected in 487..=500 {
        let mut request = strategy.start_request("Op", true);
        strategy.on_success(&mut request);
        assert_eq!(quota.available(), expected);
    }
}

#[test]
fn quota_refills_on_success_until_retries_are_possible_again() {
    let strategy = fixed(RetryConfig::default().with_max_attempts(1000));
    fail_until_done(&strategy, &AttemptOutcome::status(502));
    assert_eq!(strategy.quota().unwrap().available(), 10);
    for _ in 0..3 {
        strategy.on_success(&mut strategy.start_request("Op", true));
    }
    assert_eq!(strategy.quota().unwrap().available(), 13);
    let mut request = strategy.start_request("Op", true);
    assert!(matches!(
        give_up(strategy.should_retry(&mut request, &AttemptOutcome::status(502))),
        GiveUpReason::RetryQuotaExhausted { .. }
    ));
    strategy.on_success(&mut strategy.start_request("Op", true));
    assert!(matches!(strategy.should_retry(&mut request, &AttemptOutcome::status(502)), Decision::Retry { .. }));
}

#[test]
fn a_final_2xx_response_refunds_even_when_it_is_not_a_success() {
    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("Op", true);
    strategy.should_retry(&mut request, &AttemptOutcome::status(500));
    let ok_but_odd = AttemptOutcome::status(206);
    assert!(matches!(give_up(strategy.should_retry(&mut request, &ok_but_odd)), GiveUpReason::NotRetryable { .. }));
    assert_eq!(strategy.quota().unwrap().available(), 500);
}

#[test]
fn non_rewindable_bodies_are_never_retried_and_spend_nothing() {
    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("PutObject", false);
    let reason = give_up(strategy.should_retry(&mut request, &AttemptOutcome::Io(IoKind::ConnectionClosed)));
    assert_eq!(reason, GiveUpReason::BodyNotRewindable);
    assert_eq!(reason.to_string(), "not retried: the request body is a stream that cannot be rewound");
    assert_eq!(strategy.quota().unwrap().available(), 500);
    // What is not retryable anyway says so instead.
    let reason = give_up(strategy.should_retry(&mut request, &AttemptOutcome::error(403, "AccessDenied")));
    assert_eq!(reason.to_string(), "not retryable: error code AccessDenied (HTTP 403)");
}

#[test]
fn max_attempts_of_one_or_zero_never_retries() {
    for max in [0, 1] {
        let strategy = fixed(RetryConfig::default().with_max_attempts(max));
        assert_eq!(strategy.max_attempts(), 1);
        let (retries, reason) = fail_until_done(&strategy, &AttemptOutcome::status(503));
        assert_eq!((retries, reason), (0, GiveUpReason::MaxAttemptsReached { max_attempts: 1 }));
    }
}

#[test]
fn retry_after_header_lengthens_the_backoff_by_at_most_five_seconds() {
    let strategy = fixed(RetryConfig::default().with_max_attempts(5));
    let mut request = strategy.start_request("Op", true);
    let hinted = |header: &str| AttemptOutcome::Response(ResponseInfo::new(503).retry_after(header));
    assert_eq!(retry_after(&strategy.should_retry(&mut request, &hinted("1500"))), ms(1500));
    assert_eq!(retry_after(&strategy.should_retry(&mut request, &hinted("60000"))), ms(5050));
    assert_eq!(retry_after(&strategy.should_retry(&mut request, &hinted("bogus"))), ms(100));
}

#[test]
fn modeled_retryable_errors_are_retried() {
    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("Op", true);
    let outcome = AttemptOutcome::Response(
        ResponseInfo::new(400).code("Busy").modeled(ModeledError::Retryable { throttling: true }),
    );
    assert_eq!(strategy.should_retry(&mut request, &outcome), Decision::Retry { after: ms(500) });
    assert_eq!(request.last_retry_cost(), Some(5));
}

#[test]
fn dynamodb_gets_four_attempts_and_a_25_ms_base() {
    let strategy = RetryStrategy::for_service_names(RetryConfig::default(), "dynamodb", "DynamoDB", "dynamodb")
        .with_random(|| 1.0);
    assert_eq!(strategy.max_attempts(), 4);
    let mut request = strategy.start_request("GetItem", true);
    assert_eq!(strategy.should_retry(&mut request, &AttemptOutcome::status(500)), Decision::Retry { after: ms(25) });
    let streams = RetryStrategy::for_service_names(
        RetryConfig::default(),
        "dynamodbstreams",
        "DynamoDB Streams",
        "streams.dynamodb",
    );
    assert_eq!(streams.max_attempts(), 4);
    let legacy =
        RetryStrategy::for_service_names(RetryConfig::new(RetryMode::Legacy), "dynamodb", "DynamoDB", "dynamodb");
    assert_eq!(legacy.max_attempts(), 10);
}

#[test]
fn long_polling_operations_sleep_before_failing_on_an_empty_quota() {
    let config = RetryConfig { initial_quota: 0, ..RetryConfig::default() };
    let strategy = RetryStrategy::for_service_names(config, "sqs", "SQS", "sqs").with_random(|| 0.5);
    let mut poll = strategy.start_request("ReceiveMessage", true);
    let reason = give_up(strategy.should_retry(&mut poll, &AttemptOutcome::status(500)));
    assert_eq!(reason, GiveUpReason::RetryQuotaExhausted { long_poll_delay: Some(ms(25)) });
    let mut send = strategy.start_request("SendMessage", true);
    let reason = give_up(strategy.should_retry(&mut send, &AttemptOutcome::status(500)));
    assert_eq!(reason, GiveUpReason::RetryQuotaExhausted { long_poll_delay: None });
}

#[test]
fn legacy_mode_makes_five_attempts_with_doubling_random_delays_and_no_quota() {
    let draws = Mutex::new(vec![0.1, 0.2, 0.3, 0.4]);
    let strategy =
        RetryStrategy::new(RetryConfig::new(RetryMode::Legacy)).with_random(move || draws.lock().unwrap().remove(0));
    assert!(strategy.quota().is_none());
    let mut request = strategy.start_request("Op", true);
    let outcome = AttemptOutcome::status(500);
    let delays: Vec<Duration> = (0..4).map(|_| retry_after(&strategy.should_retry(&mut request, &outcome))).collect();
    // rand * 2^(attempt-1): 0.1 * 1, 0.2 * 2, 0.3 * 4, 0.4 * 8.
    assert_eq!(delays, [ms(100), ms(400), ms(1200), ms(3200)]);
    let reason = give_up(strategy.should_retry(&mut request, &outcome));
    assert_eq!(reason, GiveUpReason::MaxAttemptsReached { max_attempts: 5 });
    // Legacy does not retry the generic client error that standard mode does.
    let mut request = strategy.start_request("Op", true);
    assert!(matches!(
        give_up(strategy.should_retry(&mut request, &AttemptOutcome::Io(IoKind::Other))),
        GiveUpReason::NotRetryable { .. }
    ));
}

#[test]
fn adaptive_mode_rate_limits_after_a_throttle() {
    let now = Arc::new(AtomicU64::new(100f64.to_bits()));
    let clock_now = Arc::clone(&now);
    let strategy = RetryStrategy::new(RetryConfig::new(RetryMode::Adaptive).with_max_attempts(5))
        .with_random(|| 0.0)
        .with_clock(move || f64::from_bits(clock_now.load(Ordering::SeqCst)));
    let mut request = strategy.start_request("Op", true);
    assert_eq!(strategy.acquire_send_token(), None);
    assert_eq!(
        strategy.should_retry(&mut request, &AttemptOutcome::status(503)),
        Decision::Retry { after: Duration::ZERO }
    );
    assert!(!strategy.rate_limiter().unwrap().snapshot().enabled);
    assert_eq!(strategy.acquire_send_token(), None);
    strategy.should_retry(&mut request, &AttemptOutcome::error(400, "ThrottlingException"));
    let snapshot = strategy.rate_limiter().unwrap().snapshot();
    assert!(snapshot.enabled);
    // Nothing was measured yet, so the bucket drops to its minimum rate and is empty.
    assert_eq!(snapshot.fill_rate, 0.5);
    assert_eq!(strategy.acquire_send_token(), Some(Duration::from_secs(2)));
    now.store(102f64.to_bits(), Ordering::SeqCst);
    assert_eq!(strategy.acquire_send_token(), None);
    // The quota is standard mode's.
    assert_eq!(strategy.quota().unwrap().available(), 500 - 14 - 5);
}

#[test]
fn standard_and_legacy_modes_never_rate_limit() {
    for mode in [RetryMode::Standard, RetryMode::Legacy] {
        let strategy = fixed(RetryConfig::new(mode));
        let mut request = strategy.start_request("Op", true);
        strategy.should_retry(&mut request, &AttemptOutcome::error(400, "Throttling"));
        assert!(strategy.rate_limiter().is_none());
        assert_eq!(strategy.acquire_send_token(), None);
    }
}

#[test]
fn clock_skew_is_corrected_and_retried_once() {
    let strategy = fixed(RetryConfig::default());
    let signer_view = Arc::clone(strategy.skew_corrector());
    let skewed = AttemptOutcome::Response(
        ResponseInfo::new(403).code("RequestTimeTooSkewed").server_offset(ClockOffset::from_millis(-1_200_000)),
    );
    let mut request = strategy.start_request("Op", true);
    assert_eq!(strategy.should_retry(&mut request, &skewed), Decision::Retry { after: Duration::ZERO });
    assert_eq!(signer_view.offset().as_millis(), -1_200_000);
    assert_eq!(request.attempt(), 2);
    // Skew retries are free: the quota is untouched.
    assert_eq!(strategy.quota().unwrap().available(), 500);
    let reason = give_up(strategy.should_retry(&mut request, &skewed));
    assert_eq!(reason.to_string(), "not retryable: error code RequestTimeTooSkewed (HTTP 403)");
}

#[test]
fn skew_needs_a_date_header_and_a_real_disagreement_for_signature_errors() {
    let strategy = fixed(RetryConfig::default());
    let mut request = strategy.start_request("Op", true);
    let no_date = AttemptOutcome::error(403, "RequestTimeTooSkewed");
    assert!(matches!(strategy.should_retry(&mut request, &no_date), Decision::GiveUp { .. }));
    let bad_key = AttemptOutcome::Response(
        ResponseInfo::new(403).code("SignatureDoesNotMatch").server_offset(ClockOffset::from_millis(800)),
    );
    assert!(matches!(strategy.should_retry(&mut request, &bad_key), Decision::GiveUp { .. }));
    assert_eq!(strategy.skew_corrector().offset(), ClockOffset::ZERO);
}

#[test]
fn skew_is_recorded_even_when_the_request_cannot_be_retried() {
    let skew = Arc::new(SkewCorrector::new());
    let strategy = fixed(RetryConfig::default().with_max_attempts(1)).with_skew_corrector(Arc::clone(&skew));
    let mut request = strategy.start_request("Op", true);
    let skewed = AttemptOutcome::Response(
        ResponseInfo::new(400).code("RequestExpired").server_offset(ClockOffset::from_millis(600_000)),
    );
    assert!(matches!(strategy.should_retry(&mut request, &skewed), Decision::GiveUp { .. }));
    assert_eq!(skew.offset().as_millis(), 600_000);
}

#[test]
fn service_rules_come_from_the_schema() {
    let service = Service {
        name: "sts",
        service_id: "STS",
        full_name: "AWS Security Token Service",
        api_version: "2011-06-15",
        endpoint_prefix: "sts",
        signing_name: "sts",
        protocol: crate::schema::Protocol::Query,
        codec: crate::protocol::Codec::of(crate::schema::Protocol::Query),
        handlers: crate::client::Handlers::of("sts"),
        protocols: &[],
        json_version: None,
        target_prefix: None,
        xml_namespace: None,
        global_endpoint: None,
        signature_version: "v4",
        auth: &[],
        aws_query_compatible: false,
        exceptions: None,
        endpoint_discovery: None,
    };
    let strategy = RetryStrategy::for_service(RetryConfig::default(), &service);
    let idp = AttemptOutcome::error(400, "IDPCommunicationError");
    assert_eq!(strategy.classify(&idp), Retryable::Transient);
    assert_eq!(RetryStrategy::new(RetryConfig::default()).classify(&idp), Retryable::No);
}

#[test]
fn strategy_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RetryStrategy>();
    let strategy = Arc::new(fixed(RetryConfig::default().with_max_attempts(1000)));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let strategy = Arc::clone(&strategy);
            std::thread::spawn(move || fail_until_done(&strategy, &AttemptOutcome::error(400, "Throttling")).0)
        })
        .collect();
    let retries: u32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(retries, 100);
}
