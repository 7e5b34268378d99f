//! The read timeout (no progress while waiting for the response headers, and per body chunk)
//! and the optional operation deadline; the connect timeout is the connector's (connect.rs).
//! Also (no progress while waiting for the
//! response headers, and per body chunk), and the optional operation deadline.
//!
//! The read timeout follows botocore's socket semantics: it bounds each wait for the peer, not
//! the whole exchange, so a 5 GB upload or download never trips it while bytes keep moving.

use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::body::SdkBody;
use super::pool::Release;
use super::{HttpError, HttpErrorKind};

/// `at + wait`, saturating at about thirty years so `Duration::MAX` means "no timeout" instead
/// of overflowing (Tokio's own `sleep` saturates the same way).
pub(crate) fn later(at: Instant, wait: Duration) -> Instant {
    at.checked_add(wait).unwrap_or_else(|| at + Duration::from_secs(30 * 365 * 86_400))
}

/// What the request body tells the header wait: when the request reached the connection, and
/// when it last moved. Shared between the body (on the connection task) and the caller.
#[derive(Default)]
pub(crate) struct Progress {
    state: Mutex<ProgressState>,
}

#[derive(Default)]
struct ProgressState {
    /// hyper took the request onto a connection: connecting is over, waiting has begun.
    dispatched: bool,
    /// The caller's body source has nothing ready: the stall is ours, not the peer's.
    source_pending: bool,
    last: Option<Instant>,
    waker: Option<Waker>,
}

impl Progress {
    /// Records that hyper polled the body: progress, and whether the caller's source stalled.
    fn mark(&self, source_pending: bool) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        // The waiter arms its timer only once dispatched and not blocked on the source, so it
        // must be woken when either becomes true; plain progress needs no wake-up, since an armed
        // timer re-checks `last` when it fires.
        let wake = !state.dispatched || (state.source_pending && !source_pending);
        state.dispatched = true;
        state.source_pending = source_pending;
        state.last = Some(Instant::now());
        if wake {
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        }
    }

    /// Records that hyper took the request onto a connection. Only the first call counts: hyper
    /// asks again between chunks, which says nothing about the source.
    fn mark_dispatched(&self) {
        let dispatched = self.state.lock().unwrap_or_else(PoisonError::into_inner).dispatched;
        if !dispatched {
            self.mark(false);
        }
    }

    /// When the read timeout fires if nothing moves, or `None` while no timer should run.
    fn stall_deadline(&self, waker: &Waker, read_timeout: Duration) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &state.waker {
            Some(w) if w.will_wake(waker) => {}
            _ => state.waker = Some(waker.clone()),
        }
        if !state.dispatched || state.source_pending {
            return None;
        }
        state.last.map(|last| later(last, read_timeout))
    }
}

/// The request body as hyper sees it: the caller's body plus progress reports.
pub(crate) struct RequestBody {
    inner: SdkBody,
    progress: Arc<Progress>,
}

impl RequestBody {
    pub(crate) fn new(inner: SdkBody, progress: Arc<Progress>) -> Self {
        RequestBody { inner, progress }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        self.progress.mark(polled.is_pending());
        polled
    }

    /// hyper asks this first when it writes the request head on a connection, so it marks the
    /// end of the connect phase even for bodiless requests, whose frames are never polled.
    fn is_end_stream(&self) -> bool {
        self.progress.mark_dispatched();
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Waits for `response` (the response headers) under the read timeout and the deadline.
///
/// Before the request is dispatched (while connecting) no read timer runs: the connector has its
/// own. Afterwards the timer measures time since the last progress of the request body, so a
/// long upload is not cut short and the wait for headers starts when the body is sent.
pub(crate) async fn wait_for_headers<F, T>(
    mut response: F,
    progress: &Progress,
    read_timeout: Duration,
    deadline: Option<Instant>,
) -> Result<T, HttpError>
where
    F: Future<Output = Result<T, HttpError>> + Unpin,
{
    let mut stall: Pin<Box<Sleep>> = Box::pin(tokio::time::sleep(read_timeout));
    let mut operation = deadline.map(|at| Box::pin(tokio::time::sleep_until(at)));
    poll_fn(move |cx| {
        if let Poll::Ready(result) = Pin::new(&mut response).poll(cx) {
            return Poll::Ready(result);
        }
        if let Some(operation) = &mut operation {
            if operation.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(HttpError::new(
                    HttpErrorKind::OperationTimeout,
                    "the operation deadline passed before the response headers arrived",
                )));
            }
        }
        loop {
            let Some(due) = progress.stall_deadline(cx.waker(), read_timeout) else { return Poll::Pending };
            if stall.deadline() != due {
                stall.as_mut().reset(due);
            }
            if stall.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            // The timer fired; it counts only if nothing moved since it was armed.
            if progress.stall_deadline(cx.waker(), read_timeout) == Some(due) {
                return Poll::Ready(Err(read_timeout_error(read_timeout, "for the response headers")));
            }
        }
    })
    .await
}

fn read_timeout_error(read_timeout: Duration, waiting: &str) -> HttpError {
    HttpError::new(HttpErrorKind::ReadTimeout, format!("no data for {read_timeout:?} while waiting {waiting}"))
}

/// A response body whose every chunk must arrive within the read timeout.
pub(crate) struct ResponseBody {
    inner: hyper::body::Incoming,
    read_timeout: Duration,
    /// Created with the body (inside the runtime) and reset per wait, so polling needs no
    /// runtime context and no allocation per chunk.
    stall: Pin<Box<Sleep>>,
    waiting: bool,
    done: bool,
    host: Arc<str>,
    /// Gives the connection back to the pool once the body has been read to its end.
    release: Option<Release>,
}

impl ResponseBody {
    pub(crate) fn new(
        inner: hyper::body::Incoming,
        read_timeout: Duration,
        host: Arc<str>,
        release: Option<Release>,
    ) -> Self {
        let stall = Box::pin(tokio::time::sleep(read_timeout));
        let mut body = ResponseBody { inner, read_timeout, stall, waiting: false, done: false, host, release };
        // A response without a body (`HEAD`, `204`, `Content-Length: 0`) frees its connection now.
        if body.inner.is_end_stream() {
            body.release();
        }
        body
    }

    fn release(&mut self) {
        if let Some(release) = self.release.take() {
            release.release();
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.waiting = false;
                // The last frame of a body of known length: a reader that stops at
                // `is_end_stream` never polls for the end, so the connection is freed here.
                if this.inner.is_end_stream() {
                    this.release();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(err))) => {
                this.done = true;
                // A failed exchange leaves the connection unusable: dropped, not given back.
                this.release = None;
                Poll::Ready(Some(Err(HttpError::from_hyper(err).with_host(&this.host))))
            }
            Poll::Ready(None) => {
                this.done = true;
                this.release();
                Poll::Ready(None)
            }
            Poll::Pending => {
                // The clock starts when we begin waiting, not when the last chunk arrived: time
                // the caller spends between reads is not the peer's stall.
                if !this.waiting {
                    this.waiting = true;
                    this.stall.as_mut().reset(later(Instant::now(), this.read_timeout));
                }
                if this.stall.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.done = true;
                this.release = None;
                let err = read_timeout_error(this.read_timeout, "for the next chunk of the response body");
                Poll::Ready(Some(Err(err.with_host(&this.host))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
