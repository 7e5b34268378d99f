//! `tracing` spans and events for calls, behind the `tracing` feature (off by default, so a build
//! without it compiles none of this and pays nothing per call).
//!
//! One `tucuxi.call` span per operation call (service, operation), with events for each attempt
//! (method and URL), each retry decision (the backoff, or why the loop gave up), and the outcome
//! (status, attempts, latency, request id, error code). Nothing secret is recorded: requests
//! print through [`RedactedRequest`](crate::http::RedactedRequest) (no signing headers, no query
//! string), inputs through the schema-driven `Debug` that redacts sensitive members, and errors
//! through their messages, which never carry values.

use core::fmt;
use core::future::Future;
use std::time::{Duration, Instant};

use http::HeaderMap;
use tracing::Instrument;

use crate::error::REQUEST_ID_HEADERS;
use crate::http::{RedactedRequest, SdkBody};
use crate::retry::{AttemptOutcome, GiveUpReason};
use crate::schema::{Operation, Service};
use crate::shape::{debug_shape, Shape};
use crate::Error;

/// Shows an input with sensitive members redacted.
struct Redacted<'a>(&'a dyn Shape);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_shape(self.0, f)
    }
}

/// Records the call's input at `TRACE`, sensitive members redacted.
pub(crate) fn input(op: &'static Operation, input: &dyn Shape) {
    tracing::trace!(operation = op.name, input = ?Redacted(input), "call input");
}

/// Runs `call` inside the call's span and records its outcome.
pub(crate) async fn call<F>(service: &'static Service, op: &'static Operation, call: F) -> Result<u16, Error>
where
    F: Future<Output = Result<u16, Error>>,
{
    let span = tracing::debug_span!("tucuxi.call", service = service.name, operation = op.name);
    let start = Instant::now();
    let result = call.instrument(span.clone()).await;
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    match &result {
        Ok(status) => tracing::debug!(status, latency_ms, "call succeeded"),
        Err(error) => tracing::debug!(
            status = error.status(),
            code = error.code(),
            request_id = error.request_id(),
            latency_ms,
            error = %error,
            "call failed"
        ),
    }
    result
}

/// Records one attempt's request: method and URL without its query string.
pub(crate) fn attempt(attempt: u32, request: &http::Request<SdkBody>) {
    tracing::debug!(attempt, request = %RedactedRequest(request), "sending attempt");
}

/// Records the answer the call ends with: status, attempts and request id.
pub(crate) fn response(status: u16, attempts: Option<u32>, headers: &HeaderMap) {
    let request_id = REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)).and_then(|v| v.to_str().ok());
    tracing::debug!(status, attempts, request_id, "response received");
}

/// Records a decision to retry after `backoff`, with what the attempt answered (the status and
/// error code of a response; neither for a transport failure).
pub(crate) fn retry(operation: &str, attempt: u32, backoff: Duration, outcome: &AttemptOutcome) {
    let (status, code) = match outcome {
        AttemptOutcome::Response(info) => (Some(info.status), info.error_code.as_deref()),
        _ => (None, None),
    };
    tracing::debug!(operation, attempt, status, code, backoff_ms = backoff.as_millis() as u64, "retrying");
}

/// Records that the retry loop stopped, and why.
pub(crate) fn give_up(operation: &str, attempt: u32, reason: &GiveUpReason) {
    tracing::debug!(operation, attempt, reason = %reason, "not retrying");
}
