//! Uploads: one `PutObject` under the threshold, else a multipart upload whose parts go up
//! concurrently, each with its CRC32, aborted on failure or cancellation.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::file::{blocking, part_buffer, read_with_crc32};
use super::limit::{pace, BandwidthLimiter};
use super::plan::{ranges, upload_part_size, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE};
use super::pool::{run_bounded, PollSet};
use super::store::{AbortGuard, UploadStore};
use super::{Progress, TransferConfig};
use crate::protocol::checksum;
use crate::types::base64_encode;
use crate::{Error, ErrorKind};

/// A part's CRC32 and length, from which the whole object's CRC32 is combined.
#[derive(Clone, Copy)]
struct PartSum {
    crc: u32,
    len: u64,
}

impl PartSum {
    fn of(data: &[u8]) -> Self {
        PartSum { crc: checksum::crc32(data), len: data.len() as u64 }
    }

    /// As the header carries it: base64 of the big-endian value.
    fn base64(self) -> String {
        base64_encode(&self.crc.to_be_bytes())
    }
}

/// Part buffers handed back by finished parts: later parts are read into memory that is already
/// mapped, so a part costs no fresh allocation, page faults or zeroing.
#[derive(Default)]
struct Buffers(Mutex<Vec<BytesMut>>);

impl Buffers {
    /// A buffer of `len` bytes: a returned one when one is long enough, else a new one.
    fn take(&self, len: u64, path: &Path) -> Result<BytesMut, Error> {
        let reused = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        match reused {
            Some(mut buf) if buf.len() as u64 >= len => {
                // Only shortens, so nothing is written; every byte kept is overwritten by the read.
                buf.truncate(len as usize);
                Ok(buf)
            }
            _ => part_buffer(len, path),
        }
    }

    /// Keeps `body` for a later part when the request let go of it (it holds no other
    /// reference once the part's request finished).
    fn give_back(&self, body: Bytes) {
        if let Ok(buf) = body.try_into_mut() {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).push(buf);
        }
    }
}

/// A finished part with its checksum, or why it failed.
type PartResult<P> = Result<(P, PartSum), Error>;

/// The whole object's CRC32, base64, from its parts' in part order.
fn whole_crc32(sums: impl IntoIterator<Item = PartSum>) -> String {
    let whole =
        sums.into_iter().fold(checksum::crc32(&[]), |acc, part| checksum::crc32_combine(acc, part.crc, part.len));
    base64_encode(&whole.to_be_bytes())
}

fn limiter(config: &TransferConfig) -> Option<BandwidthLimiter> {
    config.max_bandwidth.map(BandwidthLimiter::new)
}

/// Paces `len` bytes in `io_chunksize` steps, so a limited transfer moves smoothly.
async fn pace_len(limiter: Option<&BandwidthLimiter>, config: &TransferConfig, mut len: u64) {
    while len > 0 {
        let step = len.min(config.io_chunksize);
        pace(limiter, step).await;
        len -= step;
    }
}

/// Uploads the file at `path`, whose size is known: every part is read from its own offset when
/// its request starts, so at most `concurrency` parts are in memory.
pub async fn upload_path<S: UploadStore>(
    store: S,
    path: &Path,
    config: &TransferConfig,
    progress: &Progress,
) -> Result<(), Error> {
    config.validate()?;
    let open = path.to_path_buf();
    let (file, size) = blocking(&format!("opening {}", path.display()), move || {
        let file = std::fs::File::open(&open)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
        }
        Ok((file, meta.len()))
    })
    .await?;
    let file = Arc::new(file);
    let limiter = limiter(config);
    let limiter = limiter.as_ref();
    if size < config.multipart_threshold {
        pace_len(limiter, config, size).await;
        let (body, crc) = read_with_crc32(&file, 0, part_buffer(size, path)?, path).await?;
        store.put_object(body, &PartSum { crc, len: size }.base64()).await?;
        progress.add(size);
        return Ok(());
    }
    let part_size = upload_part_size(config.multipart_chunksize, size);
    let upload_id = store.create_multipart_upload().await?;
    let guard = AbortGuard::new(store.clone(), upload_id.clone());
    let buffers = Buffers::default();
    let parts = ranges(size, part_size).enumerate().map(|(i, range)| {
        let (store, file, upload_id, buffers) = (&store, &file, upload_id.as_str(), &buffers);
        async move {
            let len = range.end - range.start;
            pace_len(limiter, config, len).await;
            let (body, crc) = read_with_crc32(file, range.start, buffers.take(len, path)?, path).await?;
            let sum = PartSum { crc, len };
            // A second handle (a reference count, not a copy) gets the buffer back afterwards.
            let part = store.upload_part(upload_id, part_number(i)?, body.clone(), &sum.base64()).await;
            buffers.give_back(body);
            let part = part?;
            progress.add(len);
            Ok::<_, Error>((part, sum))
        }
    });
    finish(store.clone(), guard, &upload_id, run_bounded(config.concurrency(), parts).await).await
}

/// Completes the upload from its parts, or aborts it when a part failed or completing fails.
async fn finish<S: UploadStore>(
    store: S,
    guard: AbortGuard<S>,
    upload_id: &str,
    parts: Result<Vec<(S::Part, PartSum)>, Error>,
) -> Result<(), Error> {
    let (parts, sums): (Vec<S::Part>, Vec<PartSum>) = match parts {
        Ok(parts) => parts.into_iter().unzip(),
        Err(error) => return Err(guard.abort_with(error).await),
    };
    match store.complete_multipart_upload(upload_id, parts, Some(&whole_crc32(sums))).await {
        Ok(()) => {
            guard.disarm();
            Ok(())
        }
        Err(error) => Err(guard.abort_with(error).await),
    }
}

fn part_number(index: usize) -> Result<u32, Error> {
    u32::try_from(index + 1)
        .ok()
        .filter(|n| u64::from(*n) <= MAX_PARTS)
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, format!("an upload may have at most {MAX_PARTS} parts")))
}

/// Reads from `reader` until `buf` holds `want` bytes or the reader ends; returns whether it
/// ended.
async fn fill<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut BytesMut, want: usize) -> Result<bool, Error> {
    while buf.len() < want {
        let before = buf.len();
        buf.reserve(want - before);
        let mut limited = bytes::BufMut::limit(&mut *buf, want - before);
        let n =
            reader.read_buf(&mut limited).await.map_err(|e| super::file::io_error("reading the upload source", e))?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Uploads everything `reader` yields, its length unknown (boto3's `upload_fileobj`): what is
/// read before the threshold decides between one `PutObject` and a multipart upload, and parts
/// are read in order while up to `concurrency` earlier ones are in flight.
pub async fn upload_reader<S: UploadStore, R: AsyncRead + Unpin + Send>(
    store: S,
    mut reader: R,
    config: &TransferConfig,
    progress: &Progress,
) -> Result<(), Error> {
    config.validate()?;
    let limiter = limiter(config);
    let limiter = limiter.as_ref();
    let threshold = usize::try_from(config.multipart_threshold).unwrap_or(usize::MAX);
    let mut first = BytesMut::new();
    let ended = fill(&mut reader, &mut first, threshold).await?;
    if ended && first.len() < threshold {
        let len = first.len() as u64;
        pace_len(limiter, config, len).await;
        let body = first.freeze();
        let sum = PartSum::of(&body).base64();
        store.put_object(body, &sum).await?;
        progress.add(len);
        return Ok(());
    }
    // The length is unknown, so the part size cannot be raised for the 10,000-part limit; it
    // is only held within S3's part-size bounds, as s3transfer does for streams.
    let part_size =
        usize::try_from(config.multipart_chunksize.clamp(MIN_PART_SIZE, MAX_PART_SIZE)).unwrap_or(usize::MAX);
    let upload_id = store.create_multipart_upload().await?;
    let guard = AbortGuard::new(store.clone(), upload_id.clone());
    let result = async {
        let mut pending = first;
        let mut ended = ended;
        let mut next_index = 0usize;
        let mut done: Vec<Option<(S::Part, PartSum)>> = Vec::new();
        let mut set: PollSet<'_, (usize, PartResult<S::Part>)> = PollSet::default();
        loop {
            while set.len() < config.concurrency() {
                if !ended && pending.len() < part_size {
                    ended = fill(&mut reader, &mut pending, part_size).await?;
                }
                if pending.is_empty() {
                    break;
                }
                let body: Bytes = pending.split_to(pending.len().min(part_size)).freeze();
                let index = next_index;
                next_index += 1;
                let number = part_number(index)?;
                let (store, upload_id) = (&store, upload_id.as_str());
                set.push(async move {
                    let len = body.len() as u64;
                    pace_len(limiter, config, len).await;
                    let sum = PartSum::of(&body);
                    let part = store.upload_part(upload_id, number, body, &sum.base64()).await;
                    if part.is_ok() {
                        progress.add(len);
                    }
                    (index, part.map(|part| (part, sum)))
                });
            }
            let Some((index, part)) = set.next().await else { break };
            if done.len() <= index {
                done.resize_with(index + 1, || None);
            }
            done[index] = Some(part?);
        }
        Ok(done.into_iter().flatten().collect())
    }
    .await;
    finish(store.clone(), guard, &upload_id, result).await
}

#[cfg(test)]
#[path = "upload_tests.rs"]
mod tests;
