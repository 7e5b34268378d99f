//! Waiters, as boto3 has them: call an operation until one of its acceptors says the resource
//! reached the wanted state, a failure state, or the attempts run out.
//!
//! Generated crates hold one static [`WaiterSpec`] per waiter of `waiters-2.json` (the acceptors
//! as data) and one `wait_until_*` method on the builder of the waiter's operation. The loop here
//! follows botocore's `Waiter.wait` step for step: acceptors are tried in order on every answer
//! and the first match decides; an error answer that no acceptor expects ends the wait; the last
//! acceptor matched is remembered for the message when the attempts run out.

mod error;
mod matcher;

#[cfg(test)]
mod tests;

use core::future::Future;
use core::marker::PhantomData;
use std::sync::OnceLock;
use std::time::Duration;

use crate::client::Call;
use crate::http::block_on;
use crate::jmespath::Expression;
use crate::protocol::OperationErrors;
use crate::shape::Shape;
use crate::Error;

pub use error::{WaitReason, WaiterError};
pub use matcher::{Acceptor, AcceptorState, Expected, Matcher};

/// One waiter of `waiters-2.json`. Path expressions are parsed on first use.
#[derive(Debug)]
pub struct WaiterSpec {
    /// The waiter's name in the model (`BucketExists`).
    pub name: &'static str,
    /// Seconds between attempts.
    pub delay: u32,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// Tried in order on every answer; the first that matches decides.
    pub acceptors: &'static [Acceptor],
    compiled: OnceLock<Result<Vec<Option<Expression>>, String>>,
}

impl WaiterSpec {
    pub const fn new(name: &'static str, delay: u32, max_attempts: u32, acceptors: &'static [Acceptor]) -> Self {
        WaiterSpec { name, delay, max_attempts, acceptors, compiled: OnceLock::new() }
    }

    /// The parsed expression of every path acceptor (`None` for the others).
    fn compiled(&self) -> Result<&[Option<Expression>], String> {
        self.compiled
            .get_or_init(|| {
                self.acceptors
                    .iter()
                    .map(|a| {
                        a.matcher
                            .argument()
                            .map(|e| Expression::parse(e).map_err(|err| format!("waiter expression {e:?}: {err}")))
                            .transpose()
                    })
                    .collect()
            })
            .as_deref()
            .map_err(Clone::clone)
    }
}

/// A call of a waiter's operation, repeated until an acceptor decides: set `delay` and
/// `max_attempts` if the model's defaults do not suit (boto3's `WaiterConfig`), then
/// [`wait`](Waiter::wait) or [`wait_blocking`](Waiter::wait_blocking).
pub struct Waiter<I, O, E> {
    call: Call<I, O, E>,
    spec: &'static WaiterSpec,
    delay: Duration,
    max_attempts: u32,
    _types: PhantomData<fn() -> (O, E)>,
}

impl<I, O, E> Waiter<I, O, E>
where
    I: Shape + Default + Clone + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
{
    /// A waiter that repeats `call` as `spec` says.
    pub fn new(call: Call<I, O, E>, spec: &'static WaiterSpec) -> Self {
        Waiter {
            call,
            spec,
            delay: Duration::from_secs(spec.delay.into()),
            max_attempts: spec.max_attempts,
            _types: PhantomData,
        }
    }

    /// The pause between attempts (boto3's `WaiterConfig={"Delay": ...}`).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// How many calls to make before giving up (boto3's `WaiterConfig={"MaxAttempts": ...}`). At
    /// least one call is always made.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The waiter's description.
    pub fn spec(&self) -> &'static WaiterSpec {
        self.spec
    }

    /// Waits. `Ok(Some(output))` when a success acceptor matched an output, `Ok(None)` when it
    /// matched an error answer (`object_not_exists` succeeds on a 404). A failure state, running
    /// out of attempts, or an error no acceptor expects is a [`WaiterError`] that carries the last
    /// answer.
    pub async fn wait(self) -> Result<Option<O>, WaiterError<O>> {
        let Waiter { call, spec, delay, max_attempts, .. } = self;
        let client = call.client().clone();
        let op = call.operation();
        let input = call.input().clone();
        let attempt = move || {
            let mut call = Call::<I, O, E>::new(&client, op);
            call.set_input(input.clone());
            call.send_with_status()
        };
        run(spec, delay, max_attempts, attempt, tokio::time::sleep).await
    }

    /// [`Waiter::wait`] for code without an async runtime.
    pub fn wait_blocking(self) -> Result<Option<O>, WaiterError<O>>
    where
        I: Send,
        O: Send,
        E: Send,
    {
        let spec = self.spec;
        block_on(self.wait()).unwrap_or_else(|e| Err(WaiterError::new(spec, 0, WaitReason::Error, Some(Err(e.into())))))
    }
}

impl<I: core::fmt::Debug, O, E> core::fmt::Debug for Waiter<I, O, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Waiter")
            .field("waiter", &self.spec.name)
            .field("call", &self.call)
            .field("delay", &self.delay)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

/// botocore's wait loop over any way of making one attempt and of sleeping, so tests can drive it
/// with canned answers and no clock.
pub(crate) async fn run<O, A, AF, S, SF>(
    spec: &'static WaiterSpec,
    delay: Duration,
    max_attempts: u32,
    mut attempt: A,
    mut sleep: S,
) -> Result<Option<O>, WaiterError<O>>
where
    O: Shape,
    A: FnMut() -> AF,
    AF: Future<Output = Result<(O, u16), Error>>,
    S: FnMut(Duration) -> SF,
    SF: Future<Output = ()>,
{
    let expressions = spec.compiled().map_err(|m| WaiterError::new(spec, 0, WaitReason::InvalidModel(m), None))?;
    let mut attempts = 0u32;
    let mut last_matched: Option<usize> = None;
    loop {
        let answer = attempt().await;
        attempts += 1;
        // Only answers of the service are for the acceptors: a connection that failed, missing
        // credentials or an invalid input end the wait as they would end a plain call.
        if let Err(e) = &answer {
            if e.service_error().is_none() {
                return Err(WaiterError::new(spec, attempts, WaitReason::Error, Some(answer.map(|(o, _)| o))));
            }
        }
        let matched = spec
            .acceptors
            .iter()
            .zip(expressions)
            .position(|(acceptor, expr)| acceptor.matcher.matches(expr.as_ref(), &answer));
        match matched {
            Some(i) => {
                last_matched = Some(i);
                match spec.acceptors[i].state {
                    AcceptorState::Success => return Ok(answer.ok().map(|(output, _)| output)),
                    AcceptorState::Failure => {
                        let reason = WaitReason::Failure { acceptor: i };
                        return Err(WaiterError::new(spec, attempts, reason, Some(answer.map(|(o, _)| o))));
                    }
                    AcceptorState::Retry => {}
                }
            }
            None if answer.is_err() => {
                return Err(WaiterError::new(spec, attempts, WaitReason::Error, Some(answer.map(|(o, _)| o))));
            }
            None => {}
        }
        if attempts >= max_attempts {
            let reason = WaitReason::MaxAttempts { last_matched };
            return Err(WaiterError::new(spec, attempts, reason, Some(answer.map(|(o, _)| o))));
        }
        sleep(delay).await;
    }
}
