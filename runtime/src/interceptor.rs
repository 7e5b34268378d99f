//! Interceptors: code that sees or changes a call at fixed points, as botocore's event hooks and
//! the official Rust SDK's interceptors do.
//!
//! An [`Interceptor`] is a trait object with one method per point, each a no-op by default, so
//! an interceptor implements only the points it cares about. Register interceptors on the
//! session (`Session::builder().interceptor(...)`: every client made from it) or on one client
//! (`ClientConfig::interceptors`); the session's run first, then the client's, each in the order
//! registered.
//!
//! A call passes the points in this order:
//!
//! 1. [`read_before_execution`](Interceptor::read_before_execution), once;
//! 2. [`modify_before_serialization`](Interceptor::modify_before_serialization), once, with the
//!    typed input;
//! 3. per attempt: [`read_before_attempt`](Interceptor::read_before_attempt),
//!    [`modify_before_signing`](Interceptor::modify_before_signing) (the HTTP request, changes
//!    are signed), [`read_before_transmit`](Interceptor::read_before_transmit) (the signed
//!    request as it will be sent);
//! 4. [`read_after_transmit`](Interceptor::read_after_transmit) with the answer the retry loop
//!    settled on, then [`modify_before_deserialization`](Interceptor::modify_before_deserialization)
//!    for a successful one;
//! 5. [`read_after_execution`](Interceptor::read_after_execution), once, with the output or the
//!    error.
//!
//! A hook that returns an error ends the call with [`ErrorKind::Interceptor`](crate::ErrorKind),
//! whose message names the interceptor and the point. When no interceptor is registered the
//! call checks one empty list per point and does nothing else.

use core::fmt;
use std::sync::Arc;

use http::{Request, Response};

use crate::http::{BoxError, SdkBody};
use crate::schema::{Operation, Service};
use crate::shape::Shape;
use crate::stream::ByteStream;
use crate::{Error, ErrorKind};

/// What a hook knows about the call it is part of.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    /// The service called.
    pub service: &'static Service,
    /// The operation called.
    pub operation: &'static Operation,
    /// The attempt, 1-based; 0 before the first attempt and after the last.
    pub attempt: u32,
}

/// A hook set; every method is a no-op by default.
#[allow(unused_variables)]
pub trait Interceptor: Send + Sync + 'static {
    /// A name for error messages.
    fn name(&self) -> &str {
        "interceptor"
    }
    /// Before anything else, once per call.
    fn read_before_execution(&self, context: &Context) -> Result<(), BoxError> {
        Ok(())
    }
    /// The typed input, before it is serialised; changes are sent.
    fn modify_before_serialization(&self, context: &Context, input: &mut dyn Shape) -> Result<(), BoxError> {
        Ok(())
    }
    /// Before each attempt, the first included.
    fn read_before_attempt(&self, context: &Context) -> Result<(), BoxError> {
        Ok(())
    }
    /// The HTTP request of an attempt, before it is signed; changes (headers, URL, body) are
    /// signed and sent.
    fn modify_before_signing(&self, context: &Context, request: &mut Request<SdkBody>) -> Result<(), BoxError> {
        Ok(())
    }
    /// The signed request of an attempt, as it will be sent.
    fn read_before_transmit(&self, context: &Context, request: &Request<SdkBody>) -> Result<(), BoxError> {
        Ok(())
    }
    /// The status and headers of the answer the call ends with (after any retries).
    fn read_after_transmit(&self, context: &Context, response: &http::response::Parts) -> Result<(), BoxError> {
        Ok(())
    }
    /// A successful response before it is parsed into the output; changes are parsed.
    fn modify_before_deserialization(
        &self,
        context: &Context,
        response: &mut Response<ByteStream>,
    ) -> Result<(), BoxError> {
        Ok(())
    }
    /// The outcome, once per call: the output or the error.
    fn read_after_execution(&self, context: &Context, outcome: Result<&dyn Shape, &Error>) {}
}

/// The interceptors of a session or client, in order. Cloning shares them.
#[derive(Clone, Default)]
pub struct Interceptors(Vec<Arc<dyn Interceptor>>);

impl Interceptors {
    /// No interceptors.
    pub const fn new() -> Self {
        Interceptors(Vec::new())
    }
    /// Adds one after those already registered.
    pub fn push(&mut self, interceptor: Arc<dyn Interceptor>) {
        self.0.push(interceptor);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// These followed by `more`.
    pub(crate) fn chained(&self, more: &Interceptors) -> Interceptors {
        if more.is_empty() {
            return self.clone();
        }
        Interceptors(self.0.iter().chain(&more.0).cloned().collect())
    }

    /// Runs `hook` on each interceptor in order, stopping at the first error.
    pub(crate) fn run(
        &self,
        context: &Context,
        point: &'static str,
        mut hook: impl FnMut(&dyn Interceptor) -> Result<(), BoxError>,
    ) -> Result<(), Error> {
        // Nothing to do is the common case, and the loop is compiled once rather than per hook.
        if self.0.is_empty() {
            return Ok(());
        }
        self.run_each(context, point, &mut hook)
    }

    fn run_each(
        &self,
        context: &Context,
        point: &'static str,
        hook: &mut dyn FnMut(&dyn Interceptor) -> Result<(), BoxError>,
    ) -> Result<(), Error> {
        for interceptor in &self.0 {
            if let Err(source) = hook(&**interceptor) {
                let error = InterceptorError { interceptor: interceptor.name().to_owned(), point, source };
                return Err(Error::new(ErrorKind::Interceptor, error).with_operation(context.operation.name));
            }
        }
        Ok(())
    }

    /// Gives every interceptor the outcome.
    pub(crate) fn after_execution(&self, context: &Context, outcome: Result<&dyn Shape, &Error>) {
        for interceptor in &self.0 {
            interceptor.read_after_execution(context, outcome);
        }
    }
}

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(|i| i.name())).finish()
    }
}

/// A hook failed: which interceptor, at which point, and why.
#[derive(Debug)]
pub struct InterceptorError {
    interceptor: String,
    point: &'static str,
    source: BoxError,
}

impl InterceptorError {
    /// The name of the interceptor that failed.
    pub fn interceptor(&self) -> &str {
        &self.interceptor
    }
    /// The point it failed at (`modify_before_serialization`).
    pub fn point(&self) -> &'static str {
        self.point
    }
}

impl fmt::Display for InterceptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed in {}: {}", self.interceptor, self.point, self.source)
    }
}

impl std::error::Error for InterceptorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}
