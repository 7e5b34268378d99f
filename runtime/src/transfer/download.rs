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
    config: &'a TransferConfig,
    limiter: Option<&'a BandwidthLimiter>,
    progress: &'a Progress,
}

/// Fetches `range` (the whole object when `whole`) into `sink`, retrying a body that breaks off
/// up to `num_download_attempts` times from where it stopped, as s3transfer does.
async fn fetch<S: DownloadStore>(
    shared: &Shared<'_, S>,
    range: Range<u64>,
    whole: bool,
    sink: &mut impl Sink,
) -> Result<(), Error> {
    let chunk = usize::try_from(shared.config.io_chunksize).unwrap_or(usize::MAX);
    let mut position = range.start;
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
                        position = put(shared, sink, position, data).await?;
                    }
                }
                Some(Err(e)) => break Some(Error::from(e)),
                None => break None,
            }
        };
        if !pending.is_empty() {
            position = put(shared, sink, position, pending.freeze()).await?;
        }
        let error = match broke {
            None if position == range.end || (whole && position >= range.end) => return Ok(()),
            None => Error::new(
                ErrorKind::Response,
                format!("the body ended at byte {position}, expected {}", range.end),
            ),
            Some(error) => error,
        };
        if attempt >= shared.config.num_download_attempts {
            return Err(error);
        }
    }
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
    let shared = Shared { store: &store, etag: info.etag.as_deref(), config, limiter: limiter.as_ref(), progress };
    let temp = TempFile::create(path).await?;
    let (whole, parts) = plan(info.size, config);
    let temp_ref = &temp;
    let shared_ref = &shared;
    let tasks = parts.into_iter().map(|range| async move {
        fetch(shared_ref, range, whole, &mut FileSink { file: temp_ref }).await
    });
    run_bounded(config.concurrency(), tasks).await?;
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
    let shared = Shared { store: &store, etag: info.etag.as_deref(), config, limiter: limiter.as_ref(), progress };
    let shared = &shared;
    let (whole, parts) = plan(info.size, config);
    let mut parts = parts.into_iter().enumerate();
    let mut set: PollSet<'_, (usize, Result<Bytes, Error>)> = PollSet::default();
    let mut ready: BTreeMap<usize, Bytes> = BTreeMap::new();
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
                let out = fetch(shared, range, whole, &mut sink).await.map(|()| sink.buf.freeze());
                (index, out)
            });
        }
        let Some((index, data)) = set.next().await else { break };
        ready.insert(index, data?);
        while let Some(data) = ready.remove(&next_to_write) {
            writer.write_all(&data).await.map_err(write)?;
            next_to_write += 1;
        }
    }
    writer.flush().await.map_err(write)?;
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
}
