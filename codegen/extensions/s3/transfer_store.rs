//! The runtime's transfer traits over this crate's typed S3 operations: what a managed upload,
//! download or copy sends, with the caller's extra arguments filtered per request as
//! s3transfer filters them.

use core::ops::Range;

use tucuxi::transfer::extra_args::{
    COMPLETE_MULTIPART_ARGS, UPLOAD_PART_ARGS, UPLOAD_PART_COPY_ARGS,
};
use tucuxi::transfer::plan::range_header;
use tucuxi::transfer::{CopyStore, DownloadStore, ExtraArgs, MultipartStore, ObjectInfo, UploadStore};
use tucuxi::{ByteStream, Error, ErrorKind};

use crate::types::{CompletedMultipartUpload, CompletedPart};
use crate::Client;

/// The source of a managed copy: boto3's `CopySource` dict (`Bucket`, `Key`, `VersionId`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySource {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
}

impl CopySource {
    /// The latest version of `key` in `bucket`.
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        CopySource { bucket: bucket.into(), key: key.into(), version_id: None }
    }

    /// A given version of the object.
    pub fn version_id(mut self, version_id: impl Into<String>) -> Self {
        self.version_id = Some(version_id.into());
        self
    }

    /// The `CopySource` member's value, `bucket/key[?versionId=..]` as boto3's dict gives it.
    /// Not encoded here: the runtime percent-encodes every `CopySource` member as botocore's
    /// `handle_copy_source_param` does, so encoding here too would encode twice.
    pub(crate) fn header_value(&self) -> String {
        let mut source = tucuxi::client::CopySource::new(self.bucket.clone(), self.key.clone());
        if let Some(version) = &self.version_id {
            source = source.version_id(version.clone());
        }
        String::from(source)
    }
}

/// One object of one transfer: where it goes (or comes from) and the caller's extra arguments.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub client: Client,
    pub bucket: String,
    pub key: String,
    pub extra: ExtraArgs,
    /// The source of a copy.
    pub source: Option<CopySource>,
}

fn apply(extra: &ExtraArgs, input: &mut dyn tucuxi::shape::Shape, only: Option<&[&str]>) -> Result<(), Error> {
    extra.apply(input, only, &[])
}

/// Whether parts carry the CRC32 the transfer computed: unless the caller chose another
/// algorithm with `ChecksumAlgorithm`, in which case the client computes that one per part.
fn uses_crc32(extra: &ExtraArgs) -> bool {
    extra.get_str("ChecksumAlgorithm").is_none_or(|a| a.eq_ignore_ascii_case("CRC32"))
}

fn missing(what: &str) -> Error {
    Error::new(ErrorKind::Response, format!("the response has no {what}"))
}

impl Target {
    /// The upload arguments `CreateMultipartUpload` and `CopyObject` take: everything but the
    /// copy-only conditions (s3transfer's `CREATE_MULTIPART_ARGS_BLACKLIST`).
    fn create_args(&self) -> Vec<&'static str> {
        tucuxi::transfer::extra_args::ALLOWED_UPLOAD_ARGS
            .iter()
            .copied()
            .filter(|name| !tucuxi::transfer::extra_args::FULL_OBJECT_CHECKSUM_ARGS.contains(name))
            .collect()
    }
}

impl MultipartStore for Target {
    type Part = CompletedPart;

    async fn create_multipart_upload(&self) -> Result<String, Error> {
        let mut call = self.client.create_multipart_upload().bucket(&self.bucket).key(&self.key);
        if uses_crc32(&self.extra) {
            call = call.checksum_algorithm("CRC32");
        }
        apply(&self.extra, call.0.input_mut(), Some(&self.create_args()))?;
        let out = call.send().await?;
        out.upload_id.ok_or_else(|| missing("UploadId"))
    }

    async fn complete_multipart_upload(&self, upload_id: &str, parts: Vec<CompletedPart>) -> Result<(), Error> {
        let mut call = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload { parts: Some(parts) });
        apply(&self.extra, call.0.input_mut(), Some(COMPLETE_MULTIPART_ARGS))?;
        call.send().await?;
        Ok(())
    }

    async fn abort_multipart_upload(&self, upload_id: &str) -> Result<(), Error> {
        let mut call = self.client.abort_multipart_upload().bucket(&self.bucket).key(&self.key).upload_id(upload_id);
        apply(&self.extra, call.0.input_mut(), Some(&["RequestPayer", "ExpectedBucketOwner"]))?;
        call.send().await?;
        Ok(())
    }
}

impl UploadStore for Target {
    async fn put_object(&self, body: tucuxi::transfer::Bytes, crc32: &str) -> Result<(), Error> {
        let mut call = self.client.put_object().bucket(&self.bucket).key(&self.key).body(ByteStream::from(body));
        if uses_crc32(&self.extra) && self.extra.get("ChecksumCRC32").is_none() {
            call = call.checksum_algorithm("CRC32").checksum_crc32(crc32);
        }
        apply(&self.extra, call.0.input_mut(), None)?;
        call.send().await?;
        Ok(())
    }

    async fn upload_part(
        &self,
        upload_id: &str,
        part_number: u32,
        body: tucuxi::transfer::Bytes,
        crc32: &str,
    ) -> Result<CompletedPart, Error> {
        let number = i32::try_from(part_number).map_err(|_| Error::new(ErrorKind::InvalidInput, "part number too large"))?;
        let mut call = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .body(ByteStream::from(body));
        let crc = uses_crc32(&self.extra);
        if crc {
            call = call.checksum_algorithm("CRC32").checksum_crc32(crc32);
        }
        apply(&self.extra, call.0.input_mut(), Some(UPLOAD_PART_ARGS))?;
        let out = call.send().await?;
        Ok(CompletedPart {
            e_tag: Some(out.e_tag.ok_or_else(|| missing("ETag for the part"))?),
            checksum_crc32: if crc { out.checksum_crc32.or_else(|| Some(crc32.to_owned())) } else { out.checksum_crc32 },
            checksum_crc32_c: out.checksum_crc32_c,
            checksum_crc64_nvme: out.checksum_crc64_nvme,
            checksum_sha1: out.checksum_sha1,
            checksum_sha256: out.checksum_sha256,
            part_number: Some(number),
            ..Default::default()
        })
    }
}

impl DownloadStore for Target {
    async fn head_object(&self) -> Result<ObjectInfo, Error> {
        let mut call = self.client.head_object().bucket(&self.bucket).key(&self.key);
        apply(&self.extra, call.0.input_mut(), None)?;
        let out = call.send().await?;
        let size = out.content_length.and_then(|n| u64::try_from(n).ok()).ok_or_else(|| missing("Content-Length"))?;
        Ok(ObjectInfo { size, etag: out.e_tag })
    }

    async fn get_object(&self, range: Option<Range<u64>>, if_match: Option<&str>) -> Result<ByteStream, Error> {
        let mut call = self.client.get_object().bucket(&self.bucket).key(&self.key);
        if let Some(range) = &range {
            call = call.range(range_header(range));
        }
        if let Some(etag) = if_match {
            call = call.if_match(etag);
        }
        apply(&self.extra, call.0.input_mut(), None)?;
        Ok(call.send().await?.body.unwrap_or_default())
    }
}

impl CopyStore for Target {
    async fn head_source(&self) -> Result<ObjectInfo, Error> {
        let source = self.source()?;
        let mut call = self.client.head_object().bucket(&source.bucket).key(&source.key);
        if let Some(version) = &source.version_id {
            call = call.version_id(version);
        }
        // The source's encryption key is passed as the copy's `CopySource...` arguments.
        self.extra.apply(
            call.0.input_mut(),
            Some(&[
                "CopySourceSSECustomerAlgorithm",
                "CopySourceSSECustomerKey",
                "CopySourceSSECustomerKeyMD5",
                "RequestPayer",
                "ExpectedBucketOwner",
            ]),
            &[
                ("CopySourceSSECustomerAlgorithm", "SSECustomerAlgorithm"),
                ("CopySourceSSECustomerKey", "SSECustomerKey"),
                ("CopySourceSSECustomerKeyMD5", "SSECustomerKeyMD5"),
            ],
        )?;
        let out = call.send().await?;
        let size = out.content_length.and_then(|n| u64::try_from(n).ok()).ok_or_else(|| missing("Content-Length"))?;
        Ok(ObjectInfo { size, etag: out.e_tag })
    }

    async fn copy_object(&self) -> Result<(), Error> {
        let source = self.source()?;
        let mut call =
            self.client.copy_object().bucket(&self.bucket).key(&self.key).copy_source(source.header_value());
        apply(&self.extra, call.0.input_mut(), None)?;
        call.send().await?;
        Ok(())
    }

    async fn upload_part_copy(&self, upload_id: &str, part_number: u32, range: Range<u64>) -> Result<CompletedPart, Error> {
        let source = self.source()?;
        let number = i32::try_from(part_number).map_err(|_| Error::new(ErrorKind::InvalidInput, "part number too large"))?;
        let mut call = self
            .client
            .upload_part_copy()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .copy_source(source.header_value())
            .copy_source_range(range_header(&range));
        apply(&self.extra, call.0.input_mut(), Some(UPLOAD_PART_COPY_ARGS))?;
        let out = call.send().await?;
        let result = out.copy_part_result.ok_or_else(|| missing("CopyPartResult"))?;
        Ok(CompletedPart {
            e_tag: Some(result.e_tag.ok_or_else(|| missing("ETag for the copied part"))?),
            checksum_crc32: result.checksum_crc32,
            checksum_crc32_c: result.checksum_crc32_c,
            checksum_crc64_nvme: result.checksum_crc64_nvme,
            checksum_sha1: result.checksum_sha1,
            checksum_sha256: result.checksum_sha256,
            part_number: Some(number),
            ..Default::default()
        })
    }
}

impl Target {
    fn source(&self) -> Result<&CopySource, Error> {
        self.source.as_ref().ok_or_else(|| Error::new(ErrorKind::InvalidInput, "a copy needs a source"))
    }
}
