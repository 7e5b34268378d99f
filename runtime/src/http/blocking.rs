//! The blocking entry point: scripts call operations without writing async code.
//!
//! One Tokio runtime (current-thread) is created on first use and shared by the whole process;
//! each HTTP client keeps one connection pool for blocking calls on it. A blocking call on a
//! thread outside any Tokio runtime drives that runtime itself with `Runtime::block_on`: the
//! thread takes the runtime's core, so the request, its I/O and the pool's connection tasks run
//! on the calling thread, with no hand-off to another thread and back. Many script threads may
//! call at once: one holds the core and drives the I/O of all, the others poll their own calls
//! and take the core in turn (Tokio's current-thread `block_on` is made for this).
//!
//! Between calls the runtime must still run, so that pooled connections are serviced (a server's
//! close is seen). A background thread, `tucuxi-blocking`, takes the core once no call has
//! started for [`IDLE`], and lets go of it as soon as a call wants it; a loop of calls therefore
//! never waits for it. A call that takes the core first lets the runtime catch up on what
//! happened while no thread held it, so a connection the server closed in between is not reused
//! (a call that waits for the core meanwhile is served by the thread that holds it and drives
//! the I/O, as the background thread does). A body of a blocking call read with `.await` on
//! another runtime is driven the same way: by calling threads, else the background thread after
//! [`IDLE`].
//!
//! Where a blocking call may run follows from what its future needs. A call (`send_blocking`,
//! `presign_blocking`, waiters, paginators, resources) runs wholly on the shared runtime, with
//! its own connection pool, so it never needs the caller's runtime and may block any thread:
//! a plain thread, a `spawn_blocking` closure, or even a thread inside a Tokio runtime (which
//! then waits, as for any blocking call made in async code; `.await` is the better choice
//! there). Tokio forbids a thread inside a runtime to drive another one, so there the call is
//! handed to the shared runtime as a task and the thread waits for it on a channel; the
//! background thread drives it at once unless a calling thread already holds the core. Reading
//! a response *body* blocking ([`block_on_body`]) is different: the body of an async call is
//! driven by the caller's runtime, which may be the very thread that would wait, so inside a
//! Tokio runtime (a `spawn_blocking` thread included, since Tokio does not tell the two apart
//! without panicking) it is refused with an `InvalidRequest` error saying what to use instead.
//! A blocking call made from inside a blocking call's own future (an interceptor calling
//! `send_blocking`, say) is refused too: its thread would wait on the runtime it is driving.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::{Request, Response};

use super::{HttpClient, HttpError, HttpErrorKind, SdkBody};
use crate::stream::ByteStream;

/// How long no call may have started before the background thread takes the core: far longer
/// than the gap between the calls of a loop, so such a loop never hands the core back and
/// forth, and short enough that an idle pool is serviced about as soon as it is idle.
const IDLE: Duration = Duration::from_millis(10);

/// A handed-over call's future, its output boxed: the task, its channel and the runtime's code
/// for them are compiled once in this crate instead of once per future type in every crate that
/// makes blocking calls (the hand-over is the rare path; its two allocations do not matter).
type HandedFuture = Pin<Box<dyn Future<Output = Box<dyn Any + Send>> + Send>>;

/// The shared runtime and what decides which thread drives it.
struct Shared {
    runtime: tokio::runtime::Runtime,
    /// Calls driving the runtime from their own thread, holding the core or waiting for it.
    callers: AtomicUsize,
    /// How many such calls have started: the background thread takes the core only after a
    /// whole [`IDLE`] in which this did not move.
    started: AtomicUsize,
    /// Calls handed over as tasks (by threads inside another runtime) and not yet finished: the
    /// background thread drives these at once when no calling thread holds the core.
    handed: AtomicUsize,
    /// Wakes the background thread's hold on the core when a call wants it.
    wanted: tokio::sync::Notify,
    /// Set to wake the background thread before its [`IDLE`] is over, for handed-over calls.
    urgent: Mutex<bool>,
    wake: Condvar,
}

/// The shared runtime, or why it could not be started.
static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();

thread_local! {
    /// Whether this thread is inside the shared runtime's `block_on` (a call's or the background
    /// thread's): a blocking call made here would wait on the runtime the thread must drive.
    static DRIVING: Cell<bool> = const { Cell::new(false) };
}

/// Marks the thread as driving the shared runtime until dropped (also when unwinding).
struct Driving;

impl Driving {
    fn enter() -> Driving {
        DRIVING.set(true);
        Driving
    }
}

impl Drop for Driving {
    fn drop(&mut self) {
        DRIVING.set(false);
    }
}

/// Counts a handed-over call until its task ends, however it ends.
struct Handed(&'static Shared);

impl Drop for Handed {
    fn drop(&mut self) {
        self.0.handed.fetch_sub(1, SeqCst);
    }
}

fn shared() -> Result<&'static Shared, HttpError> {
    let started = SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("tucuxi-blocking")
            .build()
            .map_err(|e| e.to_string())?;
        std::thread::Builder::new()
            .name("tucuxi-blocking".to_owned())
            // The thread waits until this initialisation has stored the runtime; it never
            // returns, and the process exiting ends it.
            .spawn(|| {
                if let Ok(shared) = SHARED.wait() {
                    shared.background();
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Shared {
            runtime,
            callers: AtomicUsize::new(0),
            started: AtomicUsize::new(0),
            handed: AtomicUsize::new(0),
            wanted: tokio::sync::Notify::new(),
            urgent: Mutex::new(false),
            wake: Condvar::new(),
        })
    });
    started
        .as_ref()
        .map_err(|why| HttpError::new(HttpErrorKind::Other, format!("could not start the blocking runtime: {why}")))
}

impl Shared {
    /// Runs the future on this thread, which drives the runtime while it holds the core. The
    /// future stays where the caller pinned it: a call's future is large, and moving it into
    /// each layer of `block_on` would copy it several times per call.
    fn drive(&self, future: Pin<&mut (dyn Future<Output = ()> + '_)>) -> Result<(), HttpError> {
        self.callers.fetch_add(1, SeqCst);
        self.started.fetch_add(1, SeqCst);
        // If the background thread holds the core, it lets go; otherwise this leaves a permit
        // that its next hold takes and ignores.
        self.wanted.notify_one();
        let outcome = {
            let _driving = Driving::enter();
            // Tokio hands the core back when the future panics, so the runtime goes on serving
            // other calls; the panic becomes this call's error.
            catch_unwind(AssertUnwindSafe(|| {
                self.runtime.block_on(async {
                    catch_up().await;
                    future.await
                })
            }))
        };
        if self.callers.fetch_sub(1, SeqCst) == 1 && self.handed.load(SeqCst) > 0 {
            // Handed-over calls were driven by this thread; the background thread takes over.
            self.wake_background();
        }
        outcome.map_err(|_| panicked())
    }

    /// Runs the future as a task on the shared runtime and waits for it on a channel, for a
    /// thread that may not drive the runtime itself.
    fn hand_over(&'static self, future: HandedFuture) -> Result<Box<dyn Any + Send>, HttpError> {
        let (done, result) = mpsc::sync_channel(1);
        self.handed.fetch_add(1, SeqCst);
        let handed = Handed(self);
        self.runtime.spawn(async move {
            let _handed = handed;
            let _ = done.send(future.await);
        });
        self.wake_background();
        result.recv().map_err(|_| panicked())
    }

    fn wake_background(&self) {
        *self.urgent.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_one();
    }

    /// The background thread: holds the core whenever no call has wanted it for [`IDLE`], or
    /// at once for handed-over calls that no calling thread drives.
    fn background(&self) {
        let mut seen = self.started.load(SeqCst);
        loop {
            {
                let urgent = self.urgent.lock().unwrap_or_else(PoisonError::into_inner);
                let (mut urgent, _) =
                    self.wake.wait_timeout_while(urgent, IDLE, |u| !*u).unwrap_or_else(PoisonError::into_inner);
                *urgent = false;
            }
            let started = self.started.load(SeqCst);
            let busy = self.callers.load(SeqCst) > 0;
            if busy || (started != seen && self.handed.load(SeqCst) == 0) {
                seen = started;
                continue;
            }
            {
                let _driving = Driving::enter();
                // Spawned tasks' panics stay in their tasks, so this only unwinds on a bug in
                // Tokio; the thread goes on either way, since handed-over calls depend on it.
                let _ = catch_unwind(AssertUnwindSafe(|| self.runtime.block_on(self.until_wanted())));
            }
            seen = self.started.load(SeqCst);
        }
    }

    /// Completes once a call wants the core.
    async fn until_wanted(&self) {
        loop {
            let mut wanted = std::pin::pin!(self.wanted.notified());
            // Registered before the check, so a call counted after it still wakes this wait.
            wanted.as_mut().enable();
            if self.callers.load(SeqCst) > 0 {
                return;
            }
            wanted.await;
        }
    }
}

/// Lets the runtime process what happened while no thread held its core before a call goes on:
/// Tokio wakes a yielded task only after it has polled the I/O driver and run the tasks that
/// were ready, so the first yield collects the events (a pooled connection's end of stream, say)
/// and the second lets the connection tasks they woke run, which drop a closed connection from
/// the pool before this call could pick it.
async fn catch_up() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

fn panicked() -> HttpError {
    HttpError::new(HttpErrorKind::Other, "the blocking call panicked on the blocking runtime")
}

/// Runs a future to completion on the shared blocking runtime and returns its output, on any
/// thread (see the module docs): the future must not depend on the caller's runtime.
///
/// Fails with `Other` if the future panicked, and with `InvalidRequest` when called from inside
/// a future that a blocking call is running.
pub fn block_on<F>(future: F) -> Result<F::Output, HttpError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if DRIVING.get() {
        return Err(HttpError::new(
            HttpErrorKind::InvalidRequest,
            "a blocking call was made inside the future of another blocking call (an interceptor or \
             credential provider calling a `_blocking` method?), which would wait on the runtime its \
             own thread drives: use the async form there",
        ));
    }
    let shared = shared()?;
    if tokio::runtime::Handle::try_current().is_ok() {
        let boxed: HandedFuture = Box::pin(async move { Box::new(future.await) as Box<dyn Any + Send> });
        // The box holds `F::Output`, which it was made from: the downcast cannot fail.
        return shared.hand_over(boxed)?.downcast::<F::Output>().map(|output| *output).map_err(|_| panicked());
    }
    // The future is pinned here once and driven through a `dyn Future` that writes its output
    // to `slot`, so `drive` and Tokio's `block_on` under it are compiled once, not once per
    // future type in every crate that makes blocking calls; the call's large future is not
    // moved again on the way down.
    let mut future = std::pin::pin!(future);
    let mut slot = None;
    {
        let erased = std::pin::pin!(async { slot = Some(future.as_mut().await) });
        shared.drive(erased)?;
    }
    slot.ok_or_else(panicked)
}

/// [`block_on`] for a future that reads a body, which the caller's runtime may drive: refused
/// with `InvalidRequest`, without running the future, on a thread inside a Tokio runtime.
pub fn block_on_body<F>(future: F) -> Result<F::Output, HttpError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    inside_runtime()?;
    block_on(future)
}

/// The error [`block_on_body`] gives inside a Tokio runtime.
pub(crate) fn inside_runtime() -> Result<(), HttpError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(HttpError::new(
            HttpErrorKind::InvalidRequest,
            "a body was read blocking on a thread inside a Tokio runtime, which may be the thread that \
             drives it: read it with `.await` (`collect().await`, `recv().await`); inside `spawn_blocking`, \
             with `tokio::runtime::Handle::current().block_on(body.collect())`",
        ));
    }
    Ok(())
}

impl HttpClient {
    /// [`HttpClient::send`] for code that is not async. See [`block_on`] for how it
    /// behaves; the response body is read with [`ByteStream::collect_blocking`] or
    /// [`ByteStream::into_blocking_read`].
    pub fn send_blocking(&self, request: Request<SdkBody>) -> Result<Response<ByteStream>, HttpError> {
        let client = self.clone();
        let deadline = client.config().operation_timeout.and_then(|t| std::time::Instant::now().checked_add(t));
        block_on(async move { client.send_on(client.blocking_pool(), request, deadline).await })?
    }
}

impl ByteStream {
    /// [`ByteStream::from_path`] for code that is not async.
    pub fn from_path_blocking(path: impl AsRef<std::path::Path>) -> Result<ByteStream, HttpError> {
        let path = path.as_ref().to_path_buf();
        block_on_body(ByteStream::from_path(path))?.map_err(|e| HttpError::from_io(e, "could not open the upload file"))
    }

    /// [`ByteStream::collect`] for code that is not async.
    pub fn collect_blocking(self) -> Result<Bytes, HttpError> {
        block_on_body(self.collect())?
    }

    /// [`ByteStream::collect_limited`] for code that is not async.
    pub fn collect_limited_blocking(self, max: u64) -> Result<Bytes, HttpError> {
        block_on_body(self.collect_limited(max))?
    }

    /// [`ByteStream::write_to_file`] for code that is not async.
    pub fn write_to_file_blocking(self, path: impl AsRef<std::path::Path>) -> Result<u64, HttpError> {
        let path = path.as_ref().to_path_buf();
        block_on_body(self.write_to_file(path))?
    }

    /// The body as a `std::io::Read`, reading one chunk per blocking call.
    pub fn into_blocking_read(self) -> BlockingRead {
        BlockingRead { stream: Some(self), chunk: Bytes::new() }
    }
}

/// A [`ByteStream`] read through `std::io::Read`; each refill is one blocking call.
pub struct BlockingRead {
    /// `None` once the stream ended (or while a chunk is being fetched, which cannot be seen).
    stream: Option<ByteStream>,
    chunk: Bytes,
}

impl std::fmt::Debug for BlockingRead {
    /// The buffered chunk is body data: only its length is printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingRead").field("stream", &self.stream).field("buffered", &self.chunk.len()).finish()
    }
}

impl io::Read for BlockingRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            // The stream travels to the runtime and back with each chunk, since the blocking
            // runtime can only run futures it owns.
            let Some(mut stream) = self.stream.take() else { return Ok(0) };
            let (stream, next) = block_on_body(async move {
                let next = stream.next_chunk().await;
                (stream, next)
            })
            .map_err(HttpError::into_io)?;
            match next {
                Some(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.stream = Some(stream);
                }
                Some(Err(err)) => return Err(err.into_io()),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk.advance(n);
        Ok(n)
    }
}

#[cfg(test)]
#[path = "blocking_tests.rs"]
mod tests;
