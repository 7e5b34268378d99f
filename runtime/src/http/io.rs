//! [`TokioIo`]: hyper's I/O traits (`hyper::rt::Read` and `Write`) over Tokio's `AsyncRead` and
//! `AsyncWrite`, so hyper's connections run on Tokio sockets and TLS streams.
//!
//! hyper 1 keeps its own traits to stay runtime-neutral; the adapter is a few lines, so the
//! runtime writes it instead of linking hyper-util for it.

use core::pin::Pin;
use core::task::{Context, Poll};
use std::io;

use hyper::rt::ReadBufCursor;
use tokio::io::{AsyncRead, AsyncWrite};

/// A Tokio stream seen through hyper's traits.
#[derive(Debug)]
pub(crate) struct TokioIo<T> {
    inner: T,
}

impl<T> TokioIo<T> {
    pub(crate) fn new(inner: T) -> Self {
        TokioIo { inner }
    }
}

impl<T: AsyncRead + Unpin> hyper::rt::Read for TokioIo<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, mut buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        // hyper hands out the spare capacity of its read buffer uninitialised; zeroing it first
        // would cost a pass over every buffer of a download.
        // SAFETY: Tokio's `ReadBuf` never de-initialises bytes it was given, and only counts as
        // filled what the reader wrote into it, so advancing hyper's cursor by that count marks
        // initialised bytes only.
        let filled = unsafe {
            let mut tokio_buf = tokio::io::ReadBuf::uninit(buf.as_mut());
            match Pin::new(&mut self.get_mut().inner).poll_read(cx, &mut tokio_buf) {
                Poll::Ready(Ok(())) => tokio_buf.filled().len(),
                other => return other,
            }
        };
        // SAFETY: as above, `filled` bytes at the cursor were written by the reader.
        unsafe { buf.advance(filled) };
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for TokioIo<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::rt::{Read, Write};
    use std::future::poll_fn;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn bytes_cross_both_ways() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (ours, mut theirs) = tokio::io::duplex(64);
            let mut io = TokioIo::new(ours);
            let written = poll_fn(|cx| Pin::new(&mut io).poll_write(cx, b"ping")).await.unwrap();
            assert_eq!(written, 4);
            let mut got = [0u8; 4];
            theirs.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"ping");

            theirs.write_all(b"pong!").await.unwrap();
            let mut storage = [core::mem::MaybeUninit::<u8>::uninit(); 16];
            let mut buf = hyper::rt::ReadBuf::uninit(&mut storage);
            poll_fn(|cx| Pin::new(&mut io).poll_read(cx, buf.unfilled())).await.unwrap();
            assert_eq!(buf.filled(), b"pong!");

            // The peer's end of stream reads as zero bytes, which hyper takes as EOF.
            drop(theirs);
            let mut buf = hyper::rt::ReadBuf::uninit(&mut storage);
            poll_fn(|cx| Pin::new(&mut io).poll_read(cx, buf.unfilled())).await.unwrap();
            assert!(buf.filled().is_empty());
        });
    }
}
