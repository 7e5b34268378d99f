//! File access for transfers: positional reads and writes (so parts touch their own regions of
//! one open file concurrently) on Tokio's blocking pool, and the temporary file a download
//! writes before it is renamed into place.

use std::any::Any;
use std::fs::File;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::protocol::checksum::crc32_continue;
use crate::{Error, ErrorKind};

/// Runs blocking file work on Tokio's blocking pool.
///
/// The work and its result are boxed on the way, so Tokio's task machinery is compiled once for
/// [`blocking_boxed`] rather than once per closure in every crate with transfers; a piece of file
/// work (a part's read or write) dwarfs the three small allocations (the work, its result and
/// the future, boxed where it is made so that it is compiled here).
pub(crate) async fn blocking<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> Result<T, Error> {
    let work: BoxedWork = Box::new(move || work().map(|value| Box::new(value) as Box<dyn Any + Send>));
    // The box holds the `T` the work returned: the downcast cannot fail.
    blocking_boxed(what, work)
        .await?
        .downcast::<T>()
        .map(|value| *value)
        .map_err(|_| Error::new(ErrorKind::Dispatch, format!("{what}: the file task returned another type")))
}

/// File work with its result boxed.
type BoxedWork = Box<dyn FnOnce() -> io::Result<Box<dyn Any + Send>> + Send>;

/// The future of [`blocking_boxed`].
type BoxedResult<'a> = Pin<Box<dyn Future<Output = Result<Box<dyn Any + Send>, Error>> + Send + 'a>>;

/// [`blocking`] for boxed work: the one copy of the spawn.
fn blocking_boxed<'a>(what: &'a str, work: BoxedWork) -> BoxedResult<'a> {
    Box::pin(async move {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::new(ErrorKind::InvalidInput, "transfers run inside a Tokio runtime (or use the blocking API)")
        })?;
        match runtime.spawn_blocking(work).await {
            Ok(result) => result.map_err(|e| io_error(what, e)),
            Err(e) => Err(Error::new(ErrorKind::Dispatch, format!("{what}: the file task failed: {e}"))),
        }
    })
}

/// An I/O failure as a transfer error, saying what was being done.
pub(crate) fn io_error(what: &str, error: io::Error) -> Error {
    Error::new(ErrorKind::Dispatch, format!("{what}: {error}"))
}

/// How much of a part one read brings in: small enough that the piece is still in the CPU's
/// cache when its checksum runs over it, large enough that the reads cost few system calls.
const READ_PIECE: usize = 256 * 1024;

/// Fills `buf` from the file at `offset` and returns it with its CRC32, computed piece by piece
/// as each piece is read, so the part is walked once for both (and off the runtime's thread); a
/// file that got shorter since its size was taken is an error. `buf` is overwritten, not zeroed
/// first, so a buffer can be reused.
pub(crate) async fn read_with_crc32(
    file: &Arc<File>,
    offset: u64,
    mut buf: BytesMut,
    path: &Path,
) -> Result<(Bytes, u32), Error> {
    let file = file.clone();
    let what = format!("reading {}", path.display());
    blocking(&what, move || {
        let (mut at, mut crc) = (offset, 0);
        for piece in buf.chunks_mut(READ_PIECE) {
            read_exact_at(&file, piece, at)?;
            crc = crc32_continue(crc, piece);
            at += piece.len() as u64;
        }
        Ok((buf.freeze(), crc))
    })
    .await
}

/// A buffer of `len` bytes for a part, allocated here, on the runtime's thread, not on the
/// blocking thread that fills it: glibc gives each thread its own arena and keeps freed parts
/// there, so parts allocated across the blocking pool's threads piled up (a 1 GiB upload peaked
/// at 200 MiB, not 90).
pub(crate) fn part_buffer(len: u64, path: &Path) -> Result<BytesMut, Error> {
    let len = usize::try_from(len).map_err(|_| {
        io_error(&format!("reading {}", path.display()), io::Error::other("the part does not fit in memory"))
    })?;
    Ok(BytesMut::zeroed(len))
}

/// Writes `data` at `offset`.
pub(crate) async fn write_at(file: &Arc<File>, offset: u64, data: Bytes, path: &Path) -> Result<(), Error> {
    let file = file.clone();
    let what = format!("writing {}", path.display());
    blocking(&what, move || write_all_at(&file, &data, offset)).await
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_all_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file ended early")),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut data: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !data.is_empty() {
        let n = file.seek_write(data, offset)?;
        data = &data[n..];
        offset += n as u64;
    }
    Ok(())
}

/// The temporary file of a download: next to the destination (so the rename stays on one file
/// system), named like s3transfer's (`<name>.<8 hex digits>`), removed unless it is persisted.
pub(crate) struct TempFile {
    pub(crate) file: Arc<File>,
    pub(crate) path: PathBuf,
    kept: bool,
}

impl TempFile {
    /// Creates a new, empty temporary file for `destination`.
    pub(crate) async fn create(destination: &Path) -> Result<TempFile, Error> {
        let name = destination.file_name().ok_or_else(|| {
            Error::new(ErrorKind::InvalidInput, format!("{} does not name a file", destination.display()))
        })?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ (u64::from(std::process::id()) << 32)
            ^ NEXT.fetch_add(0x9e37_79b9, Ordering::Relaxed);
        let mut temp_name = name.to_os_string();
        temp_name.push(format!(".{:08x}", (seed ^ (seed >> 29)) as u32));
        let path = destination.with_file_name(temp_name);
        let open = path.clone();
        let file = blocking(&format!("creating {}", path.display()), move || {
            std::fs::OpenOptions::new().write(true).create_new(true).open(&open)
        })
        .await?;
        Ok(TempFile { file: Arc::new(file), path, kept: false })
    }

    /// Flushes the file and renames it to `destination`.
    pub(crate) async fn persist(mut self, destination: &Path) -> Result<(), Error> {
        let (file, from, to) = (self.file.clone(), self.path.clone(), destination.to_path_buf());
        blocking(&format!("moving the download to {}", destination.display()), move || {
            file.sync_all()?;
            std::fs::rename(&from, &to)
        })
        .await?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            // A failed or cancelled download leaves nothing behind; the removal is one quick
            // system call, done here because `Drop` cannot await.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
