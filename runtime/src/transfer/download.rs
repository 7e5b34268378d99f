//! Downloads: `HeadObject` for the size and ETag, then one `GetObject` under the threshold or
//! concurrent ranged `GetObject`s pinned to the ETag with `If-Match`.
//!
//! To a path, ranges are written at their offsets in a temporary file next to the destination,
//! renamed into place only when every range arrived; a failed or cancelled download removes
//! it. To a writer, ranges are fetched concurrently and written in order, with at most
//! `concurrency` ranges in memory.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::file::{io_error, write_at, TempFile};
use super::limit::{pace, BandwidthLimiter};
use super::plan::ranges;
use super::pool::{run_bounded, PollSet};
use super::store::DownloadStore;
use super::{Progress, TransferConfig};
use crate::protocol::checksum::{crc32_combine, Checksum, ChecksumAlgorithm};
use crate::{Error, ErrorKind};

/// Where the bytes of one range go as they arrive.
trait Sink {
    /// Takes `data`, which belongs at `offset` of the object.
    async fn put(&mut self, offset: u64, data: Bytes) -> Result<(), Error>;
}

/// Writes into the temporary file at the object's offsets.
struct FileSink<'a> {
    file: &'a TempFile,
}

impl Sink for FileSink<'_> {
    async fn put(&mut self, offset: u64, data: Bytes) -> Result<(), Error> {
        write_at(&self.file.file, offset, data, &self.file.path).await
    }
}

/// Collects a range in memory (for writers, which take bytes in order only).
struct MemorySink {
    start: u64,
    buf: BytesMut,
}

impl Sink for MemorySink {
    async fn put(&mut self, offset: u64, data: Bytes) -> Result<(), Error> {
        // A retried range resumes where the last attempt stopped, so offsets only grow.
        let at = usize::try_from(offset - self.start).unwrap_or(usize::MAX);
        self.buf.truncate(at);
        self.buf.extend_from_slice(&data);
        Ok(())
    }
}

/// What every range of one download shares.
struct Shared<'a, S> {
    store: &'a S,
    etag: Option<&'a str>,
    /// The object's whole CRC32, when the store holds one.
    crc32: Option<u32>,
    config: &'a TransferConfig,
    limiter: Option<&'a BandwidthLimiter>,
    progress: &'a Progress,
}

impl<'a, S> Shared<'a, S> {
    fn new(
        store: &'a S,
        info: &'a super::ObjectInfo,
        config: &'a TransferConfig,
        limiter: Option<&'a BandwidthLimiter>,
        progress: &'a Progress,
    ) -> Self {
        Shared { store, etag: info.etag.as_deref(), crc32: info.crc32, config, limiter, progress }
    }
}

/// Fetches `range` (the whole object when `whole`) into `sink`, retrying a body that breaks off
/// up to `num_download_attempts` times from where it stopped, as s3transfer does. When the
/// object's whole CRC32 is known (and the range is not the whole object, whose response the
/// client checks itself), returns the range's CRC32 for [`verify`].
async fn fetch<S: DownloadStore>(
    shared: &Shared<'_, S>,
    range: Range<u64>,
    whole: bool,
    sink: &mut impl Sink,
) -> Result<Option<RangeSum>, Error> {
    let chunk = usize::try_from(shared.config.io_chunksize).unwrap_or(usize::MAX);
    let mut position = range.start;
    let mut crc = (shared.crc32.is_some() && !whole).then(|| Checksum::new(ChecksumAlgorithm::Crc32));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let asked = if whole && position == range.start { None } else { Some(position..range.end) };
        let mut body = shared.store.get_object(asked, shared.etag).await?;
        let mut pending = BytesMut::new();
        let broke = loop {
            match body.next_chunk().await {
                Some(Ok(data)) => {
                    pending.extend_from_slice(&data);
                    if pending.len() >= chunk {
                        let data = pending.split().freeze();
                        if let Some(crc) = crc.as_mut() {
                            crc.update(&data);
                        }
                        position = put(shared, sink, position, data).await?;
                    }
                }
                Some(Err(e)) => break Some(Error::from(e)),
                None => break None,
            }
        };
        if !pending.is_empty() {
            if let Some(crc) = crc.as_mut() {
                crc.update(&pending);
            }
            position = put(shared, sink, position, pending.freeze()).await?;
        }
        let error = match broke {
            None if position == range.end || (whole && position >= range.end) => {
                let len = range.end - range.start;
                return Ok(crc.map(|crc| RangeSum { crc: crc32_value(crc), len }));
            }
            None => {
                Error::new(ErrorKind::Response, format!("the body ended at byte {position}, expected {}", range.end))
            }
            Some(error) => error,
        };
        if attempt >= shared.config.num_download_attempts {
            return Err(error);
        }
    }
}

/// A range held in memory for a writer, with its CRC32 when the download is checked.
type Fetched = (Bytes, Option<RangeSum>);

/// A downloaded range's CRC32 and length.
#[derive(Clone, Copy, Debug)]
struct RangeSum {
    crc: u32,
    len: u64,
}

fn crc32_value(crc: Checksum) -> u32 {
    let digest = crc.finish();
    u32::from_be_bytes(digest.as_slice().try_into().unwrap_or_default())
}

/// Checks the ranges' CRC32s, combined in order, against the object's whole CRC32: a ranged
/// download gets no checksum from S3 per range, so this is how one is validated end to end.
fn verify(expected: Option<u32>, sums: &[Option<RangeSum>]) -> Result<(), Error> {
    let Some(expected) = expected else { return Ok(()) };
    if sums.iter().any(Option::is_none) {
        return Ok(());
    }
    let got =
        sums.iter().flatten().fold(crate::protocol::checksum::crc32(&[]), |acc, s| crc32_combine(acc, s.crc, s.len));
    if got == expected {
        return Ok(());
    }
    let b64 = |v: u32| crate::types::base64_encode(&v.to_be_bytes());
    Err(Error::new(
        ErrorKind::Response,
        format!(
            "the downloaded object's CRC32 {} does not match the {} the store holds for it; nothing was kept",
            b64(got),
            b64(expected)
        ),
    ))
}

/// Hands `data` to the sink, paced and reported; returns the next offset.
async fn put<S>(shared: &Shared<'_, S>, sink: &mut impl Sink, position: u64, data: Bytes) -> Result<u64, Error> {
    let len = data.len() as u64;
    pace(shared.limiter, len).await;
    sink.put(position, data).await?;
    shared.progress.add(len);
    Ok(position + len)
}

/// The ranges of a download: one whole-object request under the threshold.
fn plan(size: u64, config: &TransferConfig) -> (bool, Vec<Range<u64>>) {
    if size < config.multipart_threshold {
        (true, std::iter::once(0..size).collect())
    } else {
        (false, ranges(size, config.multipart_chunksize).collect())
    }
}

/// Downloads the object to `path`; returns its size.
pub async fn download_path<S: DownloadStore>(
    store: S,
    path: &Path,
    config: &TransferConfig,
    progress: &Progress,
) -> Result<u64, Error> {
    config.validate()?;
    let info = store.head_object().await?;
    let limiter = config.max_bandwidth.map(BandwidthLimiter::new);
    let shared = Shared::new(&store, &info, config, limiter.as_ref(), progress);
    let temp = TempFile::create(path).await?;
    let (whole, parts) = plan(info.size, config);
    let temp_ref = &temp;
    let shared_ref = &shared;
    let tasks = parts
        .into_iter()
        .map(|range| async move { fetch(shared_ref, range, whole, &mut FileSink { file: temp_ref }).await });
    let sums = run_bounded(config.concurrency(), tasks).await?;
    // A mismatch drops the temporary file: the destination never holds bad bytes.
    verify(info.crc32, &sums)?;
    temp.persist(path).await?;
    Ok(info.size)
}

/// Downloads the object into `writer`, in order; returns the writer and the object's size.
pub async fn download_writer<S: DownloadStore, W: AsyncWrite + Unpin + Send>(
    store: S,
    mut writer: W,
    config: &TransferConfig,
    progress: &Progress,
) -> Result<(W, u64), Error> {
    config.validate()?;
    let info = store.head_object().await?;
    let limiter = config.max_bandwidth.map(BandwidthLimiter::new);
    let shared = Shared::new(&store, &info, config, limiter.as_ref(), progress);
    let shared = &shared;
    let (whole, parts) = plan(info.size, config);
    let mut parts = parts.into_iter().enumerate();
    let mut set: PollSet<'_, (usize, Result<Fetched, Error>)> = PollSet::default();
    let mut ready: BTreeMap<usize, Bytes> = BTreeMap::new();
    let mut sums: Vec<Option<RangeSum>> = Vec::new();
    let mut next_to_write = 0usize;
    let write = |e| io_error("writing the download", e);
    loop {
        // Ranges in flight plus ranges waiting for an earlier one stay within the concurrency,
        // which bounds memory whatever the object's size.
        while set.len() + ready.len() < config.concurrency() {
            let Some((index, range)) = parts.next() else { break };
            set.push(async move {
                let capacity = usize::try_from(range.end - range.start).unwrap_or(0);
                let mut sink = MemorySink { start: range.start, buf: BytesMut::with_capacity(capacity) };
                let out = fetch(shared, range, whole, &mut sink).await.map(|sum| (sink.buf.freeze(), sum));
                (index, out)
            });
        }
        let Some((index, data)) = set.next().await else { break };
        let (data, sum) = data?;
        if sums.len() <= index {
            sums.resize(index + 1, None);
        }
        sums[index] = sum;
        ready.insert(index, data);
        while let Some(data) = ready.remove(&next_to_write) {
            writer.write_all(&data).await.map_err(write)?;
            next_to_write += 1;
        }
    }
    writer.flush().await.map_err(write)?;
    // A writer has taken the bytes already; a mismatch still fails the download, so the
    // caller knows not to trust them.
    verify(info.crc32, &sums)?;
    Ok((writer, info.size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_objects_are_one_whole_request_and_large_ones_ranges() {
        let config = TransferConfig::default().multipart_threshold(10).multipart_chunksize(4);
        assert_eq!(plan(0, &config), (true, std::iter::once(0..0).collect()));
        assert_eq!(plan(9, &config), (true, std::iter::once(0..9).collect()));
        assert_eq!(plan(10, &config), (false, vec![0..4, 4..8, 8..10]));
    }

    #[test]
    fn ranges_are_checked_against_the_whole_crc32() {
        use crate::protocol::checksum::crc32;
        use crate::transfer::ObjectInfo;
        let data = b"the quick brown fox jumps over the lazy dog";
        let sums: Vec<Option<RangeSum>> =
            data.chunks(10).map(|c| Some(RangeSum { crc: crc32(c), len: c.len() as u64 })).collect();
        assert!(verify(Some(crc32(data)), &sums).is_ok());
        assert!(verify(None, &sums).is_ok(), "nothing to check against");
        let wrong = verify(Some(crc32(b"another object")), &sums).unwrap_err().to_string();
        assert!(wrong.contains("does not match") && wrong.contains("nothing was kept"), "{wrong}");
        // A range fetched whole (checked by the client itself) leaves nothing to combine.
        assert!(verify(Some(1), &[None]).is_ok());
        assert_eq!(ObjectInfo::whole_crc32(Some("DUoRhQ==")), Some(0x0D4A_1185));
        assert_eq!(ObjectInfo::whole_crc32(Some("DUoRhQ==-3")), None, "a composite checksum is not the object's");
    }

    /// An object in memory whose stored CRC32 may be wrong, as if the bytes changed on the way.
    #[derive(Clone)]
    struct Stored {
        data: Bytes,
        crc32: u32,
    }

    impl DownloadStore for Stored {
        async fn head_object(&self) -> Result<crate::transfer::ObjectInfo, Error> {
            let size = self.data.len() as u64;
            Ok(crate::transfer::ObjectInfo { size, etag: Some("\"e\"".into()), crc32: Some(self.crc32) })
        }
        async fn get_object(&self, range: Option<Range<u64>>, _: Option<&str>) -> Result<crate::ByteStream, Error> {
            let range = range.unwrap_or(0..self.data.len() as u64);
            Ok(crate::ByteStream::from(self.data.slice(range.start as usize..range.end as usize)))
        }
    }

    #[test]
    fn a_ranged_download_that_does_not_match_the_objects_crc32_keeps_nothing() {
        let data = Bytes::from((0..100_000u32).map(|i| (i % 253) as u8).collect::<Vec<u8>>());
        let config =
            TransferConfig::default().multipart_threshold(10_000).multipart_chunksize(10_000).io_chunksize(4096);
        let dir = std::env::temp_dir().join(format!("tucuxi-crc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("object");
        let run = |store: Stored| {
            let path = path.clone();
            let config = config.clone();
            crate::http::block_on(async move { download_path(store, &path, &config, &Progress::default()).await })
                .unwrap()
        };
        let good = crate::protocol::checksum::crc32(&data);
        assert_eq!(run(Stored { data: data.clone(), crc32: good }).unwrap(), 100_000);
        assert_eq!(std::fs::read(&path).unwrap(), data.as_ref());
        std::fs::remove_file(&path).unwrap();
        let error = run(Stored { data: data.clone(), crc32: good ^ 1 }).unwrap_err().to_string();
        assert!(error.contains("does not match"), "{error}");
        assert!(!path.exists(), "a download that failed its check leaves no file");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nor a temporary one");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
