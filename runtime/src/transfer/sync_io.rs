//! Bridges from `std::io` readers and writers to the async ones the transfers take, so a
//! blocking program can hand `upload_fileobj` its `File`, `Stdin` or any `Read`, and
//! `download_fileobj` any `Write`, as a boto3 script hands over a file object.
//!
//! Each bridge runs the blocking I/O on a thread of its own and passes bounded chunks across,
//! so a slow reader or writer never blocks the task that drives the transfer's requests, and
//! memory stays at a few chunks whatever the stream's length.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;

/// How much one read or write on the bridge thread moves at most.
const CHUNK: usize = 256 * 1024;
/// Chunks a bridge holds between its thread and the transfer (4 x 256 KiB).
const DEPTH: usize = 4;

/// An [`AsyncRead`] over a blocking [`Read`]: `SyncReader::new(std::io::stdin())`.
///
/// The reader is read on its own thread, a chunk ahead of the transfer; an error it returns
/// reaches the transfer as the same `io::Error`.
pub struct SyncReader {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
    at: usize,
}

impl SyncReader {
    /// Starts reading `reader` on a new thread.
    pub fn new<R: Read + Send + 'static>(mut reader: R) -> io::Result<Self> {
        let (tx, chunks) = mpsc::channel(DEPTH);
        std::thread::Builder::new().name("tucuxi-sync-reader".into()).spawn(move || loop {
            let mut chunk = vec![0; CHUNK];
            let sent = match reader.read(&mut chunk) {
                Ok(0) => return,
                Ok(n) => {
                    chunk.truncate(n);
                    tx.blocking_send(Ok(chunk))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            // The transfer dropped its end (finished, failed or cancelled): stop reading.
            if sent.is_err() {
                return;
            }
        })?;
        Ok(SyncReader { chunks, current: Vec::new(), at: 0 })
    }
}

impl AsyncRead for SyncReader {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        while this.at == this.current.len() {
            match this.chunks.poll_recv(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.current = chunk;
                    this.at = 0;
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                // The thread ended after the last chunk: end of stream.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(this.current.len() - this.at);
        buf.put_slice(&this.current[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

impl std::fmt::Debug for SyncReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncReader").finish_non_exhaustive()
    }
}

/// What the writer thread and the transfer share.
#[derive(Default)]
struct Shared {
    queue: VecDeque<Vec<u8>>,
    /// Set by `poll_shutdown`: the thread writes what is queued, flushes and ends.
    closing: bool,
    /// Set by the thread when it has ended (after an error, or after closing).
    ended: bool,
    /// The first error the writer returned, until a write or `into_inner` reports it.
    error: Option<io::Error>,
    /// Whether the writer ever failed (kept after the error is reported).
    failed: bool,
    /// The transfer's task, waiting for room in the queue or for the thread to drain it.
    waiter: Option<Waker>,
}

struct Channel {
    shared: Mutex<Shared>,
    /// Wakes the thread when a chunk is queued or the bridge closes.
    work: Condvar,
}

impl Channel {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A poisoned lock only means a panic elsewhere already ended the transfer; the queue
        // itself is still consistent, so the other side may go on reading it.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An [`AsyncWrite`] over a blocking [`Write`]: `SyncWriter::new(std::fs::File::create(p)?)`.
///
/// Data is written on its own thread in the order it arrives; shutting the writer down (the
/// transfer does, at the end) flushes it, and [`SyncWriter::into_inner`] gives it back.
pub struct SyncWriter<W> {
    channel: Arc<Channel>,
    thread: Option<JoinHandle<W>>,
}

impl<W: Write + Send + 'static> SyncWriter<W> {
    /// Starts a thread that writes into `writer`.
    pub fn new(writer: W) -> io::Result<Self> {
        let channel = Arc::new(Channel { shared: Mutex::new(Shared::default()), work: Condvar::new() });
        let theirs = Arc::clone(&channel);
        let thread =
            std::thread::Builder::new().name("tucuxi-sync-writer".into()).spawn(move || write_loop(writer, &theirs))?;
        Ok(SyncWriter { channel, thread: Some(thread) })
    }

    /// The writer, once every byte given to the bridge is written and flushed; the first error
    /// the writer returned otherwise. Call it after the transfer has finished.
    pub fn into_inner(mut self) -> io::Result<W> {
        {
            let mut shared = self.channel.lock();
            shared.closing = true;
            self.channel.work.notify_one();
        }
        let thread = self.thread.take().ok_or_else(|| io::Error::other("the writer thread is gone"))?;
        let writer = thread.join().map_err(|_| io::Error::other("the writer thread panicked"))?;
        let mut shared = self.channel.lock();
        match shared.error.take() {
            Some(e) => Err(e),
            None if shared.failed => Err(io::Error::other("the writer failed; the transfer reported its error")),
            None => Ok(writer),
        }
    }
}

/// The bridge thread: takes chunks off the queue and writes them until closed or failed.
fn write_loop<W: Write>(mut writer: W, channel: &Channel) -> W {
    loop {
        let chunk = {
            let mut shared = channel.lock();
            loop {
                if let Some(chunk) = shared.queue.pop_front() {
                    break Some(chunk);
                }
                if shared.closing {
                    break None;
                }
                shared = channel.work.wait(shared).unwrap_or_else(|e| e.into_inner());
            }
        };
        let outcome = match &chunk {
            Some(chunk) => writer.write_all(chunk),
            None => writer.flush(),
        };
        let mut shared = channel.lock();
        if let Err(e) = outcome {
            shared.error = Some(e);
            shared.failed = true;
            shared.queue.clear();
        }
        let done = chunk.is_none() || shared.error.is_some();
        shared.ended = done;
        if let Some(waker) = shared.waiter.take() {
            waker.wake();
        }
        if done {
            return writer;
        }
    }
}

/// The error a write after a failure answers: the writer's own, once; then a plain one.
fn take_error(shared: &mut Shared) -> io::Error {
    shared.error.take().unwrap_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "the writer has failed or closed"))
}

impl<W> AsyncWrite for SyncWriter<W> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let mut shared = self.channel.lock();
        if shared.error.is_some() || shared.ended || shared.closing {
            return Poll::Ready(Err(take_error(&mut shared)));
        }
        if shared.queue.len() >= DEPTH {
            shared.waiter = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let n = data.len().min(CHUNK);
        shared.queue.push_back(data[..n].to_vec());
        self.channel.work.notify_one();
        Poll::Ready(Ok(n))
    }

    /// Ready when the thread has written everything queued (the writer's own buffers are
    /// flushed at shutdown).
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut shared = self.channel.lock();
        if shared.error.is_some() {
            return Poll::Ready(Err(take_error(&mut shared)));
        }
        if shared.queue.is_empty() || shared.ended {
            return Poll::Ready(Ok(()));
        }
        shared.waiter = Some(cx.waker().clone());
        Poll::Pending
    }

    /// Ready when everything is written and the writer flushed.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut shared = self.channel.lock();
        if shared.error.is_some() {
            return Poll::Ready(Err(take_error(&mut shared)));
        }
        if shared.ended {
            return Poll::Ready(Ok(()));
        }
        shared.closing = true;
        shared.waiter = Some(cx.waker().clone());
        self.channel.work.notify_one();
        Poll::Pending
    }
}

impl<W> Drop for SyncWriter<W> {
    /// Lets the thread finish what is queued and end, rather than wait for chunks forever.
    fn drop(&mut self) {
        let mut shared = self.channel.lock();
        shared.closing = true;
        self.channel.work.notify_one();
    }
}

impl<W> std::fmt::Debug for SyncWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncWriter").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    /// A `Read` that hands out its data in odd-sized pieces and fails at the end if asked.
    struct Pieces {
        data: Vec<u8>,
        at: usize,
        fail_at_end: bool,
    }

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return if self.fail_at_end { Err(io::Error::other("disk on fire")) } else { Ok(0) };
            }
            let n = buf.len().min(7919).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn a_sync_reader_yields_every_byte_in_order() {
        let expected = data(3 * CHUNK + 12_345);
        let reader = Pieces { data: expected.clone(), at: 0, fail_at_end: false };
        let mut bridge = SyncReader::new(reader).unwrap();
        let mut got = Vec::new();
        run(bridge.read_to_end(&mut got)).unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_sync_reader_passes_the_readers_error_on() {
        let reader = Pieces { data: data(1000), at: 0, fail_at_end: true };
        let mut bridge = SyncReader::new(reader).unwrap();
        let mut got = Vec::new();
        let error = run(bridge.read_to_end(&mut got)).unwrap_err();
        assert_eq!(error.to_string(), "disk on fire");
        assert_eq!(got.len(), 1000);
    }

    #[test]
    fn a_sync_writer_writes_everything_and_gives_the_writer_back() {
        let expected = data(5 * CHUNK + 99);
        let mut bridge = SyncWriter::new(Vec::new()).unwrap();
        run(async {
            for piece in expected.chunks(100_003) {
                bridge.write_all(piece).await.unwrap();
            }
            bridge.shutdown().await.unwrap();
        });
        assert_eq!(bridge.into_inner().unwrap(), expected);
    }

    /// Fails every write after the first `limit` bytes.
    struct Full {
        written: usize,
        limit: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written >= self.limit {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
            }
            let n = buf.len().min(self.limit - self.written);
            self.written += n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_sync_writer_reports_the_writers_error_to_the_transfer() {
        let mut bridge = SyncWriter::new(Full { written: 0, limit: 10 }).unwrap();
        let error = run(async {
            let piece = data(CHUNK);
            for _ in 0..(DEPTH + 4) {
                bridge.write_all(&piece).await?;
            }
            bridge.shutdown().await
        })
        .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::StorageFull, "{error}");
        assert!(bridge.into_inner().is_err(), "a failed writer is not given back as if whole");
    }
}
