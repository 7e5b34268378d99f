//! The calls a managed transfer makes, as traits: the service crate implements them with its
//! typed operations (S3's `CreateMultipartUpload`, `UploadPart`, ...), and the machinery here
//! never names a service type.
//!
//! Each implementation is a small value that knows the bucket, key and extra arguments of one
//! transfer; it is cloned into each part's request and into the clean-up that aborts a
//! cancelled upload, so it must be cheap to clone.

use core::future::Future;
use core::ops::Range;

use bytes::Bytes;

use crate::{ByteStream, Error};

/// What a transfer needs to know about an existing object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object's length in bytes.
    pub size: u64,
    /// The object's ETag, used to pin ranged reads to one version of the object.
    pub etag: Option<String>,
    /// The whole object's CRC32 when the store holds one (a `FULL_OBJECT` checksum: objects
    /// put in one request, or uploaded in parts with a full-object checksum); a ranged
    /// download is checked against it. A `COMPOSITE` checksum (`...-3`) is not one.
    pub crc32: Option<u32>,
}

impl ObjectInfo {
    /// Reads `x-amz-checksum-crc32` as S3 answers it: base64 of the big-endian value for a
    /// whole-object checksum; `None` for a composite one or anything unreadable.
    pub fn whole_crc32(header: Option<&str>) -> Option<u32> {
        let bytes = crate::types::base64_decode(header?).ok()?;
        Some(u32::from_be_bytes(bytes.as_slice().try_into().ok()?))
    }
}

/// The multipart-upload lifecycle, shared by uploads and copies.
pub trait MultipartStore: Clone + Send + Sync + 'static {
    /// One finished part as `CompleteMultipartUpload` lists it (number, ETag, checksums).
    type Part: Send + 'static;

    /// Starts a multipart upload and returns its id.
    fn create_multipart_upload(&self) -> impl Future<Output = Result<String, Error>> + Send;

    /// Completes the upload from its parts, in part-number order. An upload gives the whole
    /// object's CRC32 (base64), combined from its parts', for a store that asks S3 to check it
    /// (`ChecksumType=FULL_OBJECT`); a copy, which never sees the data, gives none.
    fn complete_multipart_upload(
        &self,
        upload_id: &str,
        parts: Vec<Self::Part>,
        whole_crc32: Option<&str>,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Aborts the upload so that S3 drops the parts already stored.
    fn abort_multipart_upload(&self, upload_id: &str) -> impl Future<Output = Result<(), Error>> + Send;
}

/// The calls of an upload.
pub trait UploadStore: MultipartStore {
    /// Uploads a small object in one request; `crc32` is the body's base64 CRC32.
    fn put_object(&self, body: Bytes, crc32: &str) -> impl Future<Output = Result<(), Error>> + Send;

    /// Uploads one part (numbered from 1); `crc32` is the part's base64 CRC32.
    fn upload_part(
        &self,
        upload_id: &str,
        part_number: u32,
        body: Bytes,
        crc32: &str,
    ) -> impl Future<Output = Result<Self::Part, Error>> + Send;
}

/// The calls of a download.
pub trait DownloadStore: Clone + Send + Sync + 'static {
    /// The object's size and ETag.
    fn head_object(&self) -> impl Future<Output = Result<ObjectInfo, Error>> + Send;

    /// The object's body, or a byte range of it, failing if its ETag is no longer `if_match`.
    fn get_object(
        &self,
        range: Option<Range<u64>>,
        if_match: Option<&str>,
    ) -> impl Future<Output = Result<ByteStream, Error>> + Send;
}

/// The calls of a managed copy.
pub trait CopyStore: MultipartStore {
    /// The copy source's size and ETag.
    fn head_source(&self) -> impl Future<Output = Result<ObjectInfo, Error>> + Send;

    /// Copies a small object in one request.
    fn copy_object(&self) -> impl Future<Output = Result<(), Error>> + Send;

    /// Copies one byte range of the source as part `part_number`.
    fn upload_part_copy(
        &self,
        upload_id: &str,
        part_number: u32,
        range: Range<u64>,
    ) -> impl Future<Output = Result<Self::Part, Error>> + Send;
}

/// Aborts a multipart upload unless it is disarmed: explicitly on failure, and from `Drop` when
/// the transfer's future is dropped mid-way (cancellation), so no orphan parts stay billed.
///
/// From `Drop` the abort cannot be awaited; it is spawned on the Tokio runtime the transfer ran
/// on and runs as long as that runtime keeps running.
pub(crate) struct AbortGuard<S: MultipartStore> {
    store: S,
    upload_id: Option<String>,
}

impl<S: MultipartStore> AbortGuard<S> {
    pub(crate) fn new(store: S, upload_id: String) -> Self {
        AbortGuard { store, upload_id: Some(upload_id) }
    }

    /// Aborts now and returns `error`, the failure that made the upload stop. A failed abort
    /// is added to the message, since the caller then has parts to clean up.
    pub(crate) async fn abort_with(mut self, error: Error) -> Error {
        let Some(id) = self.upload_id.take() else { return error };
        match self.store.abort_multipart_upload(&id).await {
            Ok(()) => error,
            Err(abort) => Error::new(
                error.kind(),
                format!("{error}; aborting the multipart upload {id} also failed, so its parts remain: {abort}"),
            ),
        }
    }

    /// The upload completed: nothing to abort.
    pub(crate) fn disarm(mut self) {
        self.upload_id = None;
    }
}

impl<S: MultipartStore> Drop for AbortGuard<S> {
    fn drop(&mut self) {
        let Some(id) = self.upload_id.take() else { return };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.store.clone();
            runtime.spawn(async move {
                // Nobody is left to tell: the caller dropped the transfer.
                let _ = store.abort_multipart_upload(&id).await;
            });
        }
    }
}
