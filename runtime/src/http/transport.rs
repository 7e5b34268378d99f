//! [`HttpTransport`]: what sends a finished request, so tests, stubs and alternative HTTP stacks
//! can replace the pooled hyper client (`Session::builder().http(...)`).
//!
//! The transport sees the request exactly as it would go on the wire: signed, with its
//! `User-Agent`, sensitive headers marked. It answers with the response headers and a body that
//! may still stream. Timeouts, retries, redirects of the endpoint and parsing stay the runtime's
//! business, so a transport only moves bytes.

use core::fmt;
use core::future::Future;
use core::pin::Pin;

use http::{Request, Response};

use super::{HttpError, SdkBody};
use crate::stream::ByteStream;

/// The future a transport returns: boxed, because the trait is used as `dyn HttpTransport`.
pub type TransportFuture = Pin<Box<dyn Future<Output = Result<Response<ByteStream>, HttpError>> + Send + 'static>>;

/// Sends one HTTP request and returns its response once the headers are known.
///
/// Implementations must be cheap to call concurrently (`&self`) and must not panic on any
/// request; a failure is an [`HttpError`] whose kind tells the retry policy what happened
/// (`Connect`, `ReadTimeout`, ...).
pub trait HttpTransport: Send + Sync + 'static {
    /// Sends `request`. The body of the returned response may stream.
    fn send(&self, request: Request<SdkBody>) -> TransportFuture;

    /// A short description for `Debug` output of the session (never secrets).
    fn describe(&self) -> &str {
        "custom transport"
    }
}

impl<F> HttpTransport for F
where
    F: Fn(Request<SdkBody>) -> TransportFuture + Send + Sync + 'static,
{
    fn send(&self, request: Request<SdkBody>) -> TransportFuture {
        self(request)
    }
}

/// Wraps a shared transport for `Debug`.
pub(crate) struct DescribeTransport<'a>(pub &'a dyn HttpTransport);

impl fmt::Debug for DescribeTransport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.describe())
    }
}
