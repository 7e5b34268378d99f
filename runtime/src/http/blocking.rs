//! The blocking entry point: scripts call operations without writing async code.
//!
//! One Tokio runtime (current-thread, so one thread) is created on first use and shared by the
//! whole process; it runs on a background thread named `tucuxi-blocking` for the life of the
//! process. A blocking call hands its future to that runtime and waits on a channel. Because the
//! runtime always runs, pooled connections are serviced between calls (a server's close is seen
//! promptly), and many script threads can call at once.
//!
//! Where a blocking call may run follows from what its future needs. A call (`send_blocking`,
//! `presign_blocking`, waiters, paginators, resources) runs wholly on the shared runtime, with
//! its own connection pool, so it never needs the caller's runtime and may block any thread:
//! a plain thread, a `spawn_blocking` closure, or even a thread inside a Tokio runtime (which
//! then waits, as for any blocking call made in async code; `.await` is the better choice
//! there). Reading a response *body* blocking ([`block_on_body`]) is different: the body of an
//! async call is driven by the caller's runtime, which may be the very thread that would wait,
//! so inside a Tokio runtime (a `spawn_blocking` thread included, since Tokio does not tell the
//! two apart without panicking) it is refused with an `InvalidRequest` error saying what to
//! use instead.

use std::future::Future;
use std::io;
use std::sync::mpsc;
use std::sync::OnceLock;

use bytes::{Buf, Bytes};
use http::{Request, Response};

use super::{HttpClient, HttpError, HttpErrorKind, SdkBody};
use crate::stream::ByteStream;

/// The shared runtime's handle, or why it could not be started.
static RUNTIME: OnceLock<Result<tokio::runtime::Handle, String>> = OnceLock::new();

fn runtime() -> Result<&'static tokio::runtime::Handle, HttpError> {
    let started = RUNTIME.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("tucuxi-blocking")
            .build()
            .map_err(|e| e.to_string())?;
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("tucuxi-blocking".to_owned())
            // The thread only drives the runtime; it never returns, and the process exiting
            // ends it.
            .spawn(move || runtime.block_on(std::future::pending::<()>()))
            .map_err(|e| e.to_string())?;
        Ok(handle)
    });
    started
        .as_ref()
        .map_err(|why| HttpError::new(HttpErrorKind::Other, format!("could not start the blocking runtime: {why}")))
}

/// Runs a future to completion on the shared blocking runtime and returns its output, on any
/// thread (see the module docs): the future must not depend on the caller's runtime.
///
/// Fails with `Other` if the future panicked.
pub fn block_on<F>(future: F) -> Result<F::Output, HttpError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (done, result) = mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = done.send(future.await);
    });
    result
        .recv()
        .map_err(|_| HttpError::new(HttpErrorKind::Other, "the blocking call panicked on the blocking runtime"))
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
mod tests {
    use super::*;

    #[test]
    fn block_on_runs_futures_on_any_thread_and_bodies_outside_runtimes() {
        assert_eq!(block_on(async { 1 + 1 }).unwrap(), 2);
        let body = ByteStream::from("hello");
        assert_eq!(body.collect_blocking().unwrap(), "hello");

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // Inside `spawn_blocking`, where Tokio lets a thread block, a call runs.
        let inside = runtime.block_on(async { tokio::task::spawn_blocking(|| block_on(async { 7 })).await });
        assert_eq!(inside.unwrap().unwrap(), 7);
        // So it does on a runtime thread: the call never needs the caller's runtime.
        assert_eq!(runtime.block_on(async { block_on(async { 1 }) }).unwrap(), 1);
        // A body, which the caller's runtime may be driving, is refused there with what to do.
        let err = runtime.block_on(async { ByteStream::from("x").collect_blocking() }).unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
        assert!(err.to_string().contains("`collect().await`"), "{err}");
        assert!(err.to_string().contains("Handle::current().block_on(body.collect())"), "{err}");
        let err = runtime
            .block_on(async { tokio::task::spawn_blocking(|| ByteStream::from("x").collect_blocking()).await })
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
    }

    #[test]
    fn blocking_read_reads_every_chunk() {
        use std::io::Read;
        let mut text = String::new();
        ByteStream::from("hello world").into_blocking_read().read_to_string(&mut text).unwrap();
        assert_eq!(text, "hello world");
    }

    #[test]
    fn a_panicking_future_is_an_error_not_a_panic() {
        let err = block_on(async { panic!("boom") }).unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::Other);
        // The runtime survives a panicking task.
        assert_eq!(block_on(async { 3 }).unwrap(), 3);
    }
}
