//! `ByteStream`: the body of streaming operations (S3 objects, Lambda payloads, ...).
//!
//! A `ByteStream` is bytes in memory, a region of a file, or a one-shot stream (a response body
//! or a caller's stream). It is read chunk by chunk and is never buffered whole unless the caller
//! asks (`collect`). It implements [`http_body::Body`], which is how the HTTP layer sends it.

use core::fmt;
use core::pin::Pin;
use core::task::{ready, Context, Poll};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Buf, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncBufRead, AsyncRead, AsyncWriteExt, ReadBuf};
use tokio::task::JoinHandle;

use crate::http::{BoxError, HttpError, HttpErrorKind};

/// How much of a file one read takes: large enough that the per-read thread hand-off is noise,
/// small enough that a body in flight holds little memory.
const FILE_CHUNK: u64 = 256 * 1024;

/// A body source of any kind, behind one object-safe type.
type DynBody = Pin<Box<dyn Body<Data = Bytes, Error = HttpError> + Send + 'static>>;

/// The body of a streaming member.
///
/// It is `Send + Sync` as every modeled value must be: sources that are only `Send` (most
/// streams, hyper's response body) sit behind a `Mutex` that is never locked to read them, since
/// reading takes `&mut self` ([`Mutex::get_mut`]).
pub struct ByteStream {
    kind: Kind,
}

enum Kind {
    /// In memory; reading hands out the whole buffer as one chunk.
    Bytes(Bytes),
    /// A region of a file, read with positional reads so clones rewind independently.
    File(FileBody),
    /// A one-shot source: a response body or a caller's stream.
    Dyn { body: Mutex<DynBody>, length: Option<u64>, what: &'static str },
}

impl ByteStream {
    /// An empty body.
    pub fn new() -> Self {
        ByteStream { kind: Kind::Bytes(Bytes::new()) }
    }

    /// A body made of the given bytes.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        ByteStream { kind: Kind::Bytes(Bytes::from(bytes.into())) }
    }

    /// The body of the file at `path`, from its start to its length when opened.
    ///
    /// Nothing is read until the body is; the length is known (it becomes `Content-Length`) and
    /// the body is rewindable, so a retried upload re-reads the file.
    pub async fn from_path(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = spawn_blocking_io(move || std::fs::File::open(&path)).await?;
        Self::from_std_file(file, false).await
    }

    /// The body of an open file, from its current position to its end.
    ///
    /// The file must be a regular file (its length is needed); for pipes and devices use
    /// [`ByteStream::from_stream`]. Like [`ByteStream::from_path`] it is rewindable.
    pub async fn from_file(file: tokio::fs::File) -> io::Result<Self> {
        Self::from_std_file(file.into_std().await, true).await
    }

    async fn from_std_file(file: std::fs::File, from_position: bool) -> io::Result<Self> {
        let (file, start, end) = spawn_blocking_io(move || {
            use std::io::Seek;
            let meta = file.metadata()?;
            if !meta.is_file() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a regular file: its length is unknown (use ByteStream::from_stream)",
                ));
            }
            let start = if from_position { (&file).stream_position()? } else { 0 };
            Ok((file, start, meta.len().max(start)))
        })
        .await?;
        Ok(ByteStream { kind: Kind::File(FileBody::new(Arc::new(file), start, end)) })
    }

    /// A one-shot body from a stream of chunks whose total length is not known up front (it is
    /// sent with `Transfer-Encoding: chunked`).
    ///
    /// This takes `futures_core::Stream`, the trait every async stream library implements; the
    /// crate is already in the build through hyper, so accepting it costs nothing.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        let body = StreamBody { stream: Box::pin(stream), declared: None, seen: 0 };
        Self::from_dyn(Box::pin(body), None, "stream")
    }

    /// A one-shot body from a stream that yields exactly `length` bytes (sent with
    /// `Content-Length`). A stream that yields more or fewer fails with `InvalidRequest` rather
    /// than corrupt the connection.
    pub fn from_sized_stream<S, B, E>(stream: S, length: u64) -> Self
    where
        S: futures_core::Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        let body = StreamBody { stream: Box::pin(stream), declared: Some(length), seen: 0 };
        Self::from_dyn(Box::pin(body), Some(length), "stream")
    }

    /// A one-shot body from any `http_body::Body` (hyper's, or a caller's own).
    pub fn from_body<B>(body: B) -> Self
    where
        B: Body + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let length = body.size_hint().exact();
        Self::from_dyn(Box::pin(ForeignBody(Box::pin(body))), length, "body")
    }

    /// A response body: like `from_body`, but named so in `Debug`.
    pub(crate) fn from_response<B>(body: B) -> Self
    where
        B: Body<Data = Bytes, Error = HttpError> + Send + 'static,
    {
        let length = body.size_hint().exact();
        Self::from_dyn(Box::pin(body), length, "response")
    }

    fn from_dyn(body: DynBody, length: Option<u64>, what: &'static str) -> Self {
        ByteStream { kind: Kind::Dyn { body: Mutex::new(body), length, what } }
    }

    /// The body's total length when it is known up front (`Content-Length`).
    pub fn size_hint(&self) -> Option<u64> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes.len() as u64),
            Kind::File(file) => Some(file.end - file.start),
            Kind::Dyn { length, .. } => *length,
        }
    }

    /// The bytes of an in-memory body; `None` for files and streams, which are only read by
    /// consuming them.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether the body is in memory (so `as_bytes` returns it).
    pub fn is_in_memory(&self) -> bool {
        matches!(self.kind, Kind::Bytes(_))
    }

    /// Whether [`ByteStream::try_clone`] succeeds: true for bytes and files, false for streams.
    pub fn is_rewindable(&self) -> bool {
        !matches!(self.kind, Kind::Dyn { .. })
    }

    /// A copy that reads the body again from its start, for retries: bytes are shared, a file is
    /// re-read from its start offset; one-shot streams return `None`.
    pub fn try_clone(&self) -> Option<ByteStream> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(ByteStream { kind: Kind::Bytes(bytes.clone()) }),
            Kind::File(file) => Some(ByteStream { kind: Kind::File(file.rewound()) }),
            Kind::Dyn { .. } => None,
        }
    }

    /// The next chunk of data, or `None` at the end. Empty chunks and trailers are skipped.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, HttpError>> {
        poll_fn(|cx| self.poll_chunk(cx)).await
    }

    pub(crate) fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, HttpError>>> {
        loop {
            match ready!(Pin::new(&mut *self).poll_frame(cx)) {
                None => return Poll::Ready(None),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(data))),
                    _ => continue,
                },
            }
        }
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<Bytes, HttpError> {
        self.collect_limited(u64::MAX).await
    }

    /// Reads the whole body into memory, failing with `BodyTooLarge` once it exceeds `max`
    /// bytes (before reading anything when the declared length already does).
    pub async fn collect_limited(mut self, max: u64) -> Result<Bytes, HttpError> {
        let too_large =
            || HttpError::new(HttpErrorKind::BodyTooLarge, format!("the body is larger than the {max}-byte limit"));
        let declared = self.size_hint();
        if declared.is_some_and(|len| len > max) {
            return Err(too_large());
        }
        let Some(first) = self.next_chunk().await.transpose()? else { return Ok(Bytes::new()) };
        if first.len() as u64 > max {
            return Err(too_large());
        }
        let Some(second) = self.next_chunk().await.transpose()? else { return Ok(first) };
        // The declared length sizes the buffer, capped so a lying header cannot make us reserve
        // gigabytes before any data arrives.
        let capacity = declared.unwrap_or(0).min(max).min(64 << 20) as usize;
        let mut buf = BytesMut::with_capacity(capacity.max(first.len() + second.len()));
        buf.extend_from_slice(&first);
        let mut next = Some(second);
        while let Some(chunk) = next {
            if (buf.len() + chunk.len()) as u64 > max {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
            next = self.next_chunk().await.transpose()?;
        }
        Ok(buf.freeze())
    }

    /// The body as a Tokio `AsyncRead` (and `AsyncBufRead`); errors become `io::Error`s that
    /// wrap the `HttpError`, with `TimedOut`, `ConnectionReset` or `UnexpectedEof` kinds.
    pub fn into_async_read(self) -> ByteStreamReader {
        ByteStreamReader { stream: self, chunk: Bytes::new(), done: false }
    }

    /// Streams the body into a file and returns the number of bytes written.
    ///
    /// The data goes to a temporary file beside `path`, renamed over `path` once the body is
    /// complete, so a failed download never leaves a truncated file under the final name (as
    /// boto3's `download_file` does).
    pub async fn write_to_file(mut self, path: impl AsRef<Path>) -> Result<u64, HttpError> {
        let path = path.as_ref();
        let temp = temp_path(path);
        let result = async {
            let mut file = tokio::fs::File::create(&temp)
                .await
                .map_err(|e| HttpError::from_io(e, "could not create the download file"))?;
            let mut written = 0u64;
            while let Some(chunk) = self.next_chunk().await {
                let chunk = chunk?;
                file.write_all(&chunk).await.map_err(|e| HttpError::from_io(e, "writing the download failed"))?;
                written += chunk.len() as u64;
            }
            file.flush().await.map_err(|e| HttpError::from_io(e, "writing the download failed"))?;
            drop(file);
            tokio::fs::rename(&temp, path)
                .await
                .map_err(|e| HttpError::from_io(e, "could not move the download into place"))?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        result
    }

    /// What `Debug` calls the body's source.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Bytes(_) => "in-memory",
            Kind::File(_) => "file",
            Kind::Dyn { what, .. } => what,
        }
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::new()
    }
}

impl Body for ByteStream {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        match &mut self.get_mut().kind {
            Kind::Bytes(bytes) if bytes.is_empty() => Poll::Ready(None),
            Kind::Bytes(bytes) => Poll::Ready(Some(Ok(Frame::data(std::mem::take(bytes))))),
            Kind::File(file) => file.poll_chunk(cx).map(|chunk| chunk.map(|r| r.map(Frame::data))),
            Kind::Dyn { body, .. } => body.get_mut().unwrap_or_else(PoisonError::into_inner).as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Bytes(bytes) => bytes.is_empty(),
            Kind::File(file) => file.pos >= file.end && file.pending.is_none(),
            Kind::Dyn { body, .. } => body.lock().unwrap_or_else(PoisonError::into_inner).is_end_stream(),
        }
    }

    /// What is left to read, which is what hyper turns into `Content-Length`.
    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Bytes(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Kind::File(file) => SizeHint::with_exact(file.end - file.pos),
            Kind::Dyn { body, .. } => body.lock().unwrap_or_else(PoisonError::into_inner).size_hint(),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream { kind: Kind::Bytes(bytes) }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

impl From<&[u8]> for ByteStream {
    fn from(bytes: &[u8]) -> Self {
        ByteStream::from(Bytes::copy_from_slice(bytes))
    }
}

impl From<&str> for ByteStream {
    fn from(text: &str) -> Self {
        ByteStream::from(text.as_bytes())
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::from(Bytes::from(text))
    }
}

impl fmt::Debug for ByteStream {
    /// Bodies can be large and private: only their kind and length are printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.size_hint() {
            Some(len) => write!(f, "ByteStream({}, {len} bytes)", self.kind_name()),
            None => write!(f, "ByteStream({}, length unknown)", self.kind_name()),
        }
    }
}

/// A region of a file. Reads are positional (`pread`), so clones share the handle without
/// sharing a cursor, and each runs on Tokio's blocking pool as `tokio::fs` does.
struct FileBody {
    file: Arc<std::fs::File>,
    start: u64,
    pos: u64,
    end: u64,
    pending: Option<JoinHandle<io::Result<Bytes>>>,
}

impl FileBody {
    fn new(file: Arc<std::fs::File>, start: u64, end: u64) -> Self {
        FileBody { file, start, pos: start, end, pending: None }
    }

    fn rewound(&self) -> Self {
        FileBody::new(self.file.clone(), self.start, self.end)
    }

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, HttpError>>> {
        if self.pending.is_none() {
            if self.pos >= self.end {
                return Poll::Ready(None);
            }
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return Poll::Ready(Some(Err(no_runtime())));
            };
            let (file, pos, len) = (self.file.clone(), self.pos, (self.end - self.pos).min(FILE_CHUNK));
            self.pending = Some(runtime.spawn_blocking(move || read_at(&file, pos, len as usize)));
        }
        let joined = ready!(Pin::new(self.pending.as_mut().expect("set above")).poll(cx));
        self.pending = None;
        let read = joined.unwrap_or_else(|e| Err(io::Error::other(e)));
        Poll::Ready(Some(match read {
            Ok(bytes) if bytes.is_empty() => Err(HttpError::new(
                HttpErrorKind::Io,
                "the file is shorter than when the body was created (it was truncated meanwhile)",
            )),
            Ok(bytes) => {
                self.pos += bytes.len() as u64;
                Ok(bytes)
            }
            Err(e) => Err(HttpError::from_io(e, "reading the upload file failed")),
        }))
    }
}

/// Reads up to `len` bytes at `pos`, short only at end of file.
fn read_at(file: &std::fs::File, pos: u64, len: usize) -> io::Result<Bytes> {
    let mut buf = vec![0u8; len];
    let mut filled = 0;
    while filled < len {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(file, &mut buf[filled..], pos + filled as u64);
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(file, &mut buf[filled..], pos + filled as u64);
        match n {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(Bytes::from(buf))
}

/// Runs blocking file-system work on Tokio's blocking pool, failing (not panicking) outside a
/// runtime.
async fn spawn_blocking_io<T: Send + 'static>(work: impl FnOnce() -> io::Result<T> + Send + 'static) -> io::Result<T> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| io::Error::other(no_runtime()))?;
    runtime.spawn_blocking(work).await.unwrap_or_else(|e| Err(io::Error::other(e)))
}

fn no_runtime() -> HttpError {
    HttpError::new(
        HttpErrorKind::InvalidRequest,
        "file bodies are read on a Tokio runtime: call this inside one, or use the blocking API",
    )
}

/// Adapts a `futures_core::Stream` of chunks, checking a declared length. The stream is boxed
/// so the adapter is `Unpin` without unsafe pin projections.
struct StreamBody<S> {
    stream: Pin<Box<S>>,
    declared: Option<u64>,
    seen: u64,
}

impl<S, B, E> Body for StreamBody<S>
where
    S: futures_core::Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        let this = self.get_mut();
        let mismatch = |seen: u64, declared: u64| {
            HttpError::new(
                HttpErrorKind::InvalidRequest,
                format!("the stream yielded {seen} bytes but declared a length of {declared}"),
            )
        };
        match ready!(this.stream.as_mut().poll_next(cx)) {
            Some(Ok(chunk)) => {
                let chunk: Bytes = chunk.into();
                this.seen += chunk.len() as u64;
                match this.declared {
                    Some(declared) if this.seen > declared => Poll::Ready(Some(Err(mismatch(this.seen, declared)))),
                    _ => Poll::Ready(Some(Ok(Frame::data(chunk)))),
                }
            }
            Some(Err(err)) => Poll::Ready(Some(Err(HttpError::from_boxed(err.into())))),
            None => match this.declared {
                Some(declared) if this.seen != declared => Poll::Ready(Some(Err(mismatch(this.seen, declared)))),
                _ => Poll::Ready(None),
            },
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.declared {
            Some(declared) => SizeHint::with_exact(declared.saturating_sub(self.seen)),
            None => SizeHint::default(),
        }
    }
}

/// Adapts a foreign `http_body::Body`: any `Buf` becomes `Bytes`, any error an `HttpError`.
/// Boxed, like `StreamBody`, to stay `Unpin`.
struct ForeignBody<B>(Pin<Box<B>>);

impl<B> Body for ForeignBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, HttpError>>> {
        Poll::Ready(ready!(self.get_mut().0.as_mut().poll_frame(cx)).map(|frame| match frame {
            Ok(frame) => Ok(frame.map_data(|mut data| data.copy_to_bytes(data.remaining()))),
            Err(err) => Err(HttpError::from_boxed(err.into())),
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}

/// A [`ByteStream`] read through Tokio's `AsyncRead` and `AsyncBufRead`.
pub struct ByteStreamReader {
    stream: ByteStream,
    chunk: Bytes,
    done: bool,
}

impl ByteStreamReader {
    /// Gives back the unread part of the current chunk and the rest of the stream.
    pub fn into_parts(self) -> (Bytes, ByteStream) {
        (self.chunk, self.stream)
    }
}

impl fmt::Debug for ByteStreamReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStreamReader").field("stream", &self.stream).field("buffered", &self.chunk.len()).finish()
    }
}

impl AsyncBufRead for ByteStreamReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.chunk.is_empty() && !this.done {
            match ready!(this.stream.poll_chunk(cx)) {
                Some(Ok(chunk)) => this.chunk = chunk,
                Some(Err(err)) => return Poll::Ready(Err(err.into_io())),
                None => this.done = true,
            }
        }
        Poll::Ready(Ok(&this.chunk))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().chunk.advance(amt);
    }
}

impl AsyncRead for ByteStreamReader {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.remaining());
        buf.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

/// A name beside `path` that no other download in this process (or another) uses.
fn temp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{unique}.tucuxi-part", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    /// A minimal `futures_core::Stream` over a vector, so the tests need no stream crate.
    struct Chunks(std::collections::VecDeque<Result<&'static str, io::Error>>);

    impl futures_core::Stream for Chunks {
        type Item = Result<&'static str, io::Error>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.pop_front())
        }
    }

    fn chunks(parts: &[&'static str]) -> Chunks {
        Chunks(parts.iter().map(|p| Ok(*p)).collect())
    }

    #[test]
    fn byte_stream_is_send_sync_and_default_is_empty() {
        fn assert_send_sync<T: Send + Sync + Unpin + 'static>() {}
        assert_send_sync::<ByteStream>();
        assert_send_sync::<ByteStreamReader>();
        let empty = ByteStream::default();
        assert_eq!(empty.size_hint(), Some(0));
        assert_eq!(empty.as_bytes(), Some(&b""[..]));
        assert_eq!(format!("{empty:?}"), "ByteStream(in-memory, 0 bytes)");
    }

    #[test]
    fn in_memory_bodies_collect_and_clone() {
        runtime().block_on(async {
            let body = ByteStream::from("hello");
            assert_eq!(body.as_bytes(), Some(&b"hello"[..]));
            let copy = body.try_clone().unwrap();
            assert_eq!(body.collect().await.unwrap(), "hello");
            assert_eq!(copy.collect().await.unwrap(), "hello");
        });
    }

    #[test]
    fn streams_are_one_shot_and_collect_in_order() {
        runtime().block_on(async {
            let body = ByteStream::from_stream(chunks(&["ab", "", "cd"]));
            assert!(!body.is_rewindable() && body.try_clone().is_none() && body.as_bytes().is_none());
            assert_eq!(body.size_hint(), None);
            assert_eq!(format!("{body:?}"), "ByteStream(stream, length unknown)");
            assert_eq!(body.collect().await.unwrap(), "abcd");
        });
    }

    #[test]
    fn sized_streams_must_match_their_length() {
        runtime().block_on(async {
            let ok = ByteStream::from_sized_stream(chunks(&["ab", "cd"]), 4);
            assert_eq!(ok.size_hint(), Some(4));
            assert_eq!(ok.collect().await.unwrap(), "abcd");
            let short = ByteStream::from_sized_stream(chunks(&["ab"]), 4).collect().await.unwrap_err();
            assert_eq!(short.kind(), HttpErrorKind::InvalidRequest);
            let long = ByteStream::from_sized_stream(chunks(&["abc", "de"]), 4).collect().await.unwrap_err();
            assert_eq!(long.kind(), HttpErrorKind::InvalidRequest);
        });
    }

    #[test]
    fn stream_errors_become_http_errors() {
        runtime().block_on(async {
            let failing = Chunks([Ok("a"), Err(io::Error::new(io::ErrorKind::ConnectionReset, "gone"))].into());
            let err = ByteStream::from_stream(failing).collect().await.unwrap_err();
            assert_eq!(err.kind(), HttpErrorKind::ConnectionReset);
        });
    }

    #[test]
    fn collect_limited_refuses_large_bodies() {
        runtime().block_on(async {
            let declared = ByteStream::from("0123456789").collect_limited(4).await.unwrap_err();
            assert_eq!(declared.kind(), HttpErrorKind::BodyTooLarge);
            let streamed = ByteStream::from_stream(chunks(&["012", "345"])).collect_limited(4).await.unwrap_err();
            assert_eq!(streamed.kind(), HttpErrorKind::BodyTooLarge);
            let fits = ByteStream::from_stream(chunks(&["01", "23"])).collect_limited(4).await.unwrap();
            assert_eq!(fits, "0123");
        });
    }

    #[test]
    fn files_are_rewindable_from_their_start_offset() {
        let dir = std::env::temp_dir().join(format!("tucuxi-stream-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data.bin");
        let data: Vec<u8> = (0..(FILE_CHUNK as usize * 2 + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        runtime().block_on(async {
            let body = ByteStream::from_path(&path).await.unwrap();
            assert_eq!(body.size_hint(), Some(data.len() as u64));
            assert_eq!(format!("{body:?}"), format!("ByteStream(file, {} bytes)", data.len()));
            let again = body.try_clone().unwrap();
            assert_eq!(body.collect().await.unwrap(), data);
            assert_eq!(again.collect().await.unwrap(), data);

            // An open file is read from its current position.
            let mut file = tokio::fs::File::open(&path).await.unwrap();
            tokio::io::AsyncSeekExt::seek(&mut file, io::SeekFrom::Start(100)).await.unwrap();
            let tail = ByteStream::from_file(file).await.unwrap();
            assert_eq!(tail.size_hint(), Some(data.len() as u64 - 100));
            assert_eq!(tail.try_clone().unwrap().collect().await.unwrap(), data[100..]);

            let not_a_file = ByteStream::from_path(&dir).await.unwrap_err();
            assert_eq!(not_a_file.kind(), io::ErrorKind::InvalidInput);
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn async_read_and_write_to_file() {
        let dir = std::env::temp_dir().join(format!("tucuxi-stream-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        runtime().block_on(async {
            use tokio::io::AsyncReadExt;
            let mut text = String::new();
            let mut reader = ByteStream::from_stream(chunks(&["hel", "lo ", "world"])).into_async_read();
            reader.read_to_string(&mut text).await.unwrap();
            assert_eq!(text, "hello world");

            let target = dir.join("out.txt");
            let written = ByteStream::from_stream(chunks(&["a", "bc"])).write_to_file(&target).await.unwrap();
            assert_eq!((written, std::fs::read(&target).unwrap()), (3, b"abc".to_vec()));

            // A failed download leaves neither the target nor the temporary file behind.
            let failing = Chunks([Ok("x"), Err(io::Error::new(io::ErrorKind::ConnectionReset, "gone"))].into());
            let failed = dir.join("failed.txt");
            assert!(ByteStream::from_stream(failing).write_to_file(&failed).await.is_err());
            let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(left, vec![std::ffi::OsString::from("out.txt")]);
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
