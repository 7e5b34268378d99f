//! The runtime's transfer traits over this crate's typed S3 operations: what a managed upload,
//! download or copy sends, with the caller's extra arguments filtered per request as
//! s3transfer filters them.

use core::ops::Range;

use tucuxi::transfer::extra_args::{
    ALLOWED_SHARED_ARGS, COMPLETE_MULTIPART_ARGS, FULL_OBJECT_CHECKSUM_ARGS, PUT_OBJECT_BLOCKLIST, UPLOAD_PART_ARGS,
    UPLOAD_PART_COPY_ARGS,
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
    /// `TransferConfig::full_object_checksum`.
    pub full_object_checksum: bool,
}

fn apply(extra: &ExtraArgs, input: &mut dyn tucuxi::shape::Shape, only: Option<&[&str]>) -> Result<(), Error> {
    extra.apply(input, only, &[])
}

/// The full-object checksum the caller supplied (`ChecksumCRC32`, ...) as its algorithm's
/// name: as s3transfer, the upload is then `ChecksumType=FULL_OBJECT` with that algorithm.
fn supplied_full_object(extra: &ExtraArgs) -> Option<&'static str> {
    FULL_OBJECT_CHECKSUM_ARGS.iter().find(|name| extra.get(name).is_some()).map(|name| &name["Checksum".len()..])
}

/// The algorithm of the parts' checksums: the supplied full-object one, else the caller's
/// `ChecksumAlgorithm`, else CRC32 (boto3 >= 1.36's default).
fn part_algorithm(extra: &ExtraArgs) -> &str {
    supplied_full_object(extra).or_else(|| extra.get_str("ChecksumAlgorithm")).unwrap_or("CRC32")
}

/// Whether parts carry the CRC32 the transfer computed; for another algorithm the client
/// computes that one per part.
fn uses_crc32(extra: &ExtraArgs) -> bool {
    part_algorithm(extra).eq_ignore_ascii_case("CRC32")
}

fn missing(what: &str) -> Error {
    Error::new(ErrorKind::Response, format!("the response has no {what}"))
}

impl Target {
    /// The upload arguments `CreateMultipartUpload` and `CopyObject` take (s3transfer's
    /// `CREATE_MULTIPART_BLOCKLIST`: not the full-object checksum values, not the size).
    fn create_args(&self) -> Vec<&'static str> {
        ALLOWED_SHARED_ARGS.iter().copied().chain(["ChecksumType"]).collect()
    }

    /// Whether this upload has S3 check the whole object's CRC32 that the transfer combined
    /// from its parts: asked for in the `TransferConfig`, parts in CRC32, and no full-object
    /// checksum or checksum type of the caller's own.
    fn sends_whole_crc32(&self) -> bool {
        self.full_object_checksum
            && uses_crc32(&self.extra)
            && supplied_full_object(&self.extra).is_none()
            && self.extra.get("ChecksumType").is_none()
    }
}

impl MultipartStore for Target {
    type Part = CompletedPart;

    async fn create_multipart_upload(&self) -> Result<String, Error> {
        let mut call = self.client.create_multipart_upload().bucket(&self.bucket).key(&self.key);
        if self.source.is_none() {
            call = call.checksum_algorithm(part_algorithm(&self.extra));
            if supplied_full_object(&self.extra).is_some() || self.sends_whole_crc32() {
                call = call.checksum_type("FULL_OBJECT");
            }
        }
        apply(&self.extra, call.0.input_mut(), Some(&self.create_args()))?;
        let out = call.send().await?;
        out.upload_id.ok_or_else(|| missing("UploadId"))
    }

    async fn complete_multipart_upload(
        &self,
        upload_id: &str,
        parts: Vec<CompletedPart>,
        whole_crc32: Option<&str>,
    ) -> Result<(), Error> {
        let mut call = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload { parts: Some(parts) });
        if supplied_full_object(&self.extra).is_some() {
            call = call.checksum_type("FULL_OBJECT");
        } else if let (true, Some(whole)) = (self.sends_whole_crc32(), whole_crc32) {
            call = call.checksum_type("FULL_OBJECT").checksum_crc32(whole);
        }
        apply(&self.extra, call.0.input_mut(), Some(COMPLETE_MULTIPART_ARGS))?;
        apply(&self.extra, call.0.input_mut(), Some(FULL_OBJECT_CHECKSUM_ARGS))?;
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
        // A checksum the caller supplied is the one sent; two would be refused by S3.
        if uses_crc32(&self.extra) && supplied_full_object(&self.extra).is_none() {
            call = call.checksum_algorithm("CRC32").checksum_crc32(crc32);
        }
        let allowed: Vec<&str> = self.extra.names().filter(|name| !PUT_OBJECT_BLOCKLIST.contains(name)).collect();
        apply(&self.extra, call.0.input_mut(), Some(&allowed))?;
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
        call = call.checksum_algorithm(part_algorithm(&self.extra));
        if crc {
            call = call.checksum_crc32(crc32);
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
        // The object's checksum comes back only when asked for; a ranged download is checked
        // against it.
        let mut call = self.client.head_object().bucket(&self.bucket).key(&self.key).checksum_mode("ENABLED");
        apply(&self.extra, call.0.input_mut(), None)?;
        let out = call.send().await?;
        let size = out.content_length.and_then(|n| u64::try_from(n).ok()).ok_or_else(|| missing("Content-Length"))?;
        // The CRC32 is the whole object's when S3 says so (`FULL_OBJECT`), or, from a store
        // that does not say (moto), when the object was not uploaded in parts (an ETag without
        // `-N`): a composite checksum of parts cannot check a download.
        let whole = match out.checksum_type.as_ref().map(|t| t.as_str()) {
            Some(kind) => kind == "FULL_OBJECT",
            None => out.e_tag.as_deref().is_some_and(|etag| !etag.contains('-')),
        };
        let crc32 = if whole { ObjectInfo::whole_crc32(out.checksum_crc32.as_deref()) } else { None };
        Ok(ObjectInfo { size, etag: out.e_tag, crc32 })
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
        Ok(ObjectInfo { size, etag: out.e_tag, crc32: None })
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
