//! Managed S3-style transfers, as boto3's `upload_file` / `download_file` / `copy` (s3transfer)
//! have them: multipart above a threshold, parts in flight concurrently, progress callbacks, a
//! bandwidth limit, clean-up on failure and cancellation.
//!
//! This module is service-neutral machinery. The calls it makes are the traits of [`store`],
//! which the generated S3 crate implements with its typed operations; the user-facing methods
//! (`Client::upload_file`, ...) live there.
//!
//! - **Concurrency** comes from polling up to `max_concurrency` request futures together on the
//!   caller's task ([`pool`]), so it works on Tokio's current-thread scheduler, and dropping a
//!   transfer's future drops its requests.
//! - **Memory** is bounded by `max_concurrency x multipart_chunksize`: an upload reads each
//!   part when its request starts, a download to a file writes data as it arrives.
//! - **Uploads** send each part's CRC32 (`ChecksumAlgorithm=CRC32`, as boto3 >= 1.36) and
//!   abort the multipart upload when a part or the completion fails, or when the future is
//!   dropped mid-way.
//! - **Downloads** pin ranged reads to the object's ETag (`If-Match`), write to a temporary
//!   file in the destination's directory, and rename it into place only on success.

pub mod config;
pub mod copy;
pub mod directory;
pub mod download;
pub mod extra_args;
mod file;
pub mod limit;
pub mod plan;
pub mod pool;
mod progress;
pub mod store;
pub mod sync_io;
pub mod upload;

pub use config::TransferConfig;
pub use extra_args::{ExtraArgs, TransferKind};
pub use progress::Progress;
pub use store::{CopyStore, DownloadStore, MultipartStore, ObjectInfo, UploadStore};
pub use sync_io::{SyncReader, SyncWriter};
// The types the transfer signatures use, so a service crate needs no dependency of its own.
pub use bytes::Bytes;
pub use tokio::io::{AsyncRead, AsyncWrite};
