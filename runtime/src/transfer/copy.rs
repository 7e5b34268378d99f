//! Managed copies: `CopyObject` under the threshold, else a multipart upload whose parts are
//! `UploadPartCopy` requests over byte ranges of the source, aborted on failure or cancellation.

use super::plan::{ranges, upload_part_size};
use super::pool::run_bounded;
use super::store::{AbortGuard, CopyStore};
use super::{Progress, TransferConfig};
use crate::{Error, ErrorKind};

/// Copies the store's source object to its destination; returns the size copied.
pub async fn copy<S: CopyStore>(store: S, config: &TransferConfig, progress: &Progress) -> Result<u64, Error> {
    config.validate()?;
    let info = store.head_source().await?;
    if info.size < config.multipart_threshold {
        store.copy_object().await?;
        progress.add(info.size);
        return Ok(info.size);
    }
    let part_size = upload_part_size(config.multipart_chunksize, info.size);
    let upload_id = store.create_multipart_upload().await?;
    let guard = AbortGuard::new(store.clone(), upload_id.clone());
    let parts = ranges(info.size, part_size).enumerate().map(|(i, range)| {
        let (store, upload_id) = (&store, upload_id.as_str());
        async move {
            let number =
                u32::try_from(i + 1).map_err(|_| Error::new(ErrorKind::InvalidInput, "too many parts for one copy"))?;
            let len = range.end - range.start;
            let part = store.upload_part_copy(upload_id, number, range).await?;
            progress.add(len);
            Ok::<_, Error>(part)
        }
    });
    let parts = match run_bounded(config.concurrency(), parts).await {
        Ok(parts) => parts,
        Err(error) => return Err(guard.abort_with(error).await),
    };
    match store.complete_multipart_upload(&upload_id, parts, None).await {
        Ok(()) => {
            guard.disarm();
            Ok(info.size)
        }
        Err(error) => Err(guard.abort_with(error).await),
    }
}
