//! The wait loop over canned answers: an EC2-like `DescribeInstances` in a closure, no clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::http::HttpError;
use crate::schema::{prim, Member, Schema};
use crate::{ErrorKind, ServiceError};

#[derive(Clone, Default, PartialEq)]
struct Instance {
    state: Option<String>,
}
static INSTANCE: Schema = Schema::structure("Instance", &[Member::new("State", &prim::STRING)]);
crate::structure!(Instance, INSTANCE, 0 => state);
static INSTANCES: Schema = Schema::list("Instances", &[Member::new("member", &INSTANCE)]);

#[derive(Clone, Default, PartialEq)]
struct Output {
    instances: Option<Vec<Instance>>,
    ready: Option<bool>,
}
static OUTPUT: Schema =
    Schema::structure("Output", &[Member::new("Instances", &INSTANCES), Member::new("Ready", &prim::BOOLEAN)]);
crate::structure!(Output, OUTPUT, 0 => instances, 1 => ready);

static RUNNING: WaiterSpec = WaiterSpec::new(
    "InstanceRunning",
    15,
    4,
    &[
        Acceptor::new(AcceptorState::Success, Matcher::PathAll("Instances[].State", Expected::Str("running"))),
        Acceptor::new(AcceptorState::Failure, Matcher::PathAny("Instances[].State", Expected::Str("terminated"))),
        Acceptor::new(AcceptorState::Retry, Matcher::Error("InvalidInstanceID.NotFound")),
    ],
);

static NOT_EXISTS: WaiterSpec = WaiterSpec::new(
    "ObjectNotExists",
    5,
    3,
    &[
        Acceptor::new(AcceptorState::Success, Matcher::Status(404)),
        Acceptor::new(AcceptorState::Retry, Matcher::Path("Ready", Expected::Bool(true))),
    ],
);

fn output(states: &[&str]) -> Output {
    let instances = states.iter().map(|s| Instance { state: Some((*s).into()) }).collect();
    Output { instances: Some(instances), ready: Some(true) }
}

fn service_error(status: u16, code: &str) -> Error {
    Error::service(ServiceError {
        status,
        code: Some(code.into()),
        message: None,
        request_id: None,
        extended_request_id: None,
        host: "localhost".into(),
    })
}

type Answer = Result<(Output, u16), Error>;

/// Runs `spec` over `answers` (one per attempt; running past them is a test failure) and returns
/// the outcome with the delays slept.
fn wait(
    spec: &'static WaiterSpec,
    max_attempts: u32,
    answers: Vec<Answer>,
) -> (Result<Option<Output>, WaiterError<Output>>, Vec<Duration>, usize) {
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let calls = Arc::new(Mutex::new(0usize));
    let slept = Arc::new(Mutex::new(Vec::new()));
    let (a, c, s) = (answers.clone(), calls.clone(), slept.clone());
    let attempt = move || {
        *c.lock().unwrap() += 1;
        let next = a.lock().unwrap().next().expect("the waiter called more often than expected");
        std::future::ready(next)
    };
    let sleep = move |d: Duration| {
        s.lock().unwrap().push(d);
        std::future::ready(())
    };
    let outcome = block_on(run(spec, Duration::from_millis(7), max_attempts, attempt, sleep)).unwrap();
    let slept = slept.lock().unwrap().clone();
    let calls = *calls.lock().unwrap();
    (outcome, slept, calls)
}

#[test]
fn retries_until_every_instance_runs() {
    let answers = vec![
        Err(service_error(400, "InvalidInstanceID.NotFound")),
        Ok((output(&["pending", "running"]), 200)),
        Ok((output(&["running", "running"]), 200)),
    ];
    let (outcome, slept, calls) = wait(&RUNNING, 4, answers);
    assert_eq!(outcome.unwrap(), Some(output(&["running", "running"])));
    assert_eq!(calls, 3);
    assert_eq!(slept, vec![Duration::from_millis(7); 2]);
}

#[test]
fn a_failure_acceptor_names_itself_and_keeps_the_last_output() {
    let answers = vec![Ok((output(&["pending"]), 200)), Ok((output(&["running", "terminated"]), 200))];
    let err = wait(&RUNNING, 4, answers).0.unwrap_err();
    assert_eq!(err.reason(), &WaitReason::Failure { acceptor: 1 });
    assert_eq!(err.attempts(), 2);
    assert_eq!(err.acceptor().map(|a| a.state), Some(AcceptorState::Failure));
    assert_eq!(err.last_output(), Some(&output(&["running", "terminated"])));
    assert_eq!(
        err.to_string(),
        "waiter InstanceRunning reached a failure state after 2 attempts \
         (acceptor 1: an element of Instances[].State is \"terminated\")"
    );
}

#[test]
fn giving_up_counts_attempts_and_names_the_last_match() {
    let answers = vec![Ok((output(&["pending"]), 200)), Err(service_error(400, "InvalidInstanceID.NotFound"))];
    let (outcome, slept, calls) = wait(&RUNNING, 2, answers);
    let err = outcome.unwrap_err();
    assert_eq!((calls, slept.len()), (2, 1));
    assert_eq!(err.reason(), &WaitReason::MaxAttempts { last_matched: Some(2) });
    assert_eq!(err.last_error().and_then(Error::code), Some("InvalidInstanceID.NotFound"));
    assert_eq!(
        err.to_string(),
        "waiter InstanceRunning gave up after 2 attempts (max attempts exceeded; last matched: error code \
         InvalidInstanceID.NotFound)"
    );
    let as_error: Error = err.into();
    assert_eq!(as_error.kind(), ErrorKind::Waiter);
    assert!(std::error::Error::source(&as_error).and_then(std::error::Error::source).is_some());
}

#[test]
fn an_unexpected_service_error_ends_the_wait_at_once() {
    let (outcome, slept, calls) = wait(&RUNNING, 4, vec![Err(service_error(403, "UnauthorizedOperation"))]);
    let err = outcome.unwrap_err();
    assert_eq!((calls, slept.len(), err.reason()), (1, 0, &WaitReason::Error));
    assert!(err.to_string().contains("UnauthorizedOperation"), "{err}");
}

#[test]
fn a_transport_failure_is_not_an_answer_for_the_acceptors() {
    // `ObjectNotExists` would accept any answer with status 404, but a dropped connection has none
    // and must not be read as "the object is gone".
    let dropped = Error::from(HttpError::new(crate::http::HttpErrorKind::ConnectionReset, "reset by peer"));
    let (outcome, _, calls) = wait(&NOT_EXISTS, 3, vec![Err(dropped)]);
    let err = outcome.unwrap_err();
    assert_eq!((calls, err.reason()), (1, &WaitReason::Error));
    assert_eq!(err.last_error().map(Error::kind), Some(ErrorKind::Dispatch));
}

#[test]
fn status_matchers_read_errors_and_outputs_and_success_on_an_error_has_no_output() {
    let answers = vec![Ok((Output { ready: Some(true), ..Output::default() }, 200)), Err(service_error(404, "404"))];
    let (outcome, _, calls) = wait(&NOT_EXISTS, 3, answers);
    assert_eq!((outcome.unwrap(), calls), (None, 2));
}

#[test]
fn path_matchers_compare_as_python_does_and_lists_must_be_non_empty() {
    let expr = Expression::parse("Instances[].State").unwrap();
    let all = Matcher::PathAll("Instances[].State", Expected::Str("running"));
    let any = Matcher::PathAny("Instances[].State", Expected::Str("running"));
    let empty: Answer = Ok((output(&[]), 200));
    assert!(!all.matches(Some(&expr), &empty) && !any.matches(Some(&expr), &empty));
    let ready = Expression::parse("Ready").unwrap();
    let yes: Answer = Ok((output(&[]), 200));
    assert!(Matcher::Path("Ready", Expected::Bool(true)).matches(Some(&ready), &yes));
    assert!(!Matcher::Path("Ready", Expected::Str("true")).matches(Some(&ready), &yes));
    // Path matchers never look at errors; `NoError` and `AnyError` split answers in two.
    let err: Answer = Err(service_error(500, "InternalError"));
    assert!(!Matcher::Path("Ready", Expected::Bool(true)).matches(Some(&ready), &err));
    assert!(Matcher::AnyError.matches(None, &err) && !Matcher::NoError.matches(None, &err));
    assert!(Matcher::NoError.matches(None, &yes) && !Matcher::AnyError.matches(None, &yes));
}

#[test]
fn at_least_one_attempt_is_made() {
    let (outcome, _, calls) = wait(&RUNNING, 0, vec![Ok((output(&["pending"]), 200))]);
    assert_eq!(calls, 1);
    assert_eq!(outcome.unwrap_err().reason(), &WaitReason::MaxAttempts { last_matched: None });
}

#[test]
fn an_unparsable_expression_is_reported_not_panicked_on() {
    static BROKEN: WaiterSpec = WaiterSpec::new(
        "Broken",
        1,
        1,
        &[Acceptor::new(AcceptorState::Success, Matcher::Path("Instances[", Expected::Bool(true)))],
    );
    let err = wait(&BROKEN, 1, vec![]).0.unwrap_err();
    assert!(matches!(err.reason(), WaitReason::InvalidModel(m) if m.contains("Instances[")), "{err}");
}
