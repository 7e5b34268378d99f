//! `ExtraArgs`: the request parameters a managed transfer passes on, checked against boto3's
//! allowed lists (s3transfer's `ALLOWED_UPLOAD_ARGS`, `ALLOWED_DOWNLOAD_ARGS`,
//! `ALLOWED_COPY_ARGS`) and written into each request of the transfer by member name.

use core::fmt;

use crate::paginate::access::set_from_document;
use crate::shape::Shape;
use crate::types::Document;
use crate::{Error, ErrorKind};

/// The full-object checksums a caller may supply for an upload (s3transfer's
/// `FULL_OBJECT_CHECKSUM_ARGS`, as of s3transfer 0.19).
pub const FULL_OBJECT_CHECKSUM_ARGS: &[&str] = &[
    "ChecksumCRC32",
    "ChecksumCRC32C",
    "ChecksumCRC64NVME",
    "ChecksumMD5",
    "ChecksumSHA1",
    "ChecksumSHA256",
    "ChecksumSHA512",
    "ChecksumXXHASH3",
    "ChecksumXXHASH64",
    "ChecksumXXHASH128",
];

/// What `download_file` and `download_fileobj` accept.
pub const ALLOWED_DOWNLOAD_ARGS: &[&str] = &[
    "ChecksumMode",
    "VersionId",
    "SSECustomerAlgorithm",
    "SSECustomerKey",
    "SSECustomerKeyMD5",
    "RequestPayer",
    "ExpectedBucketOwner",
];

/// What uploads and copies both accept (s3transfer's `_ALLOWED_SHARED_ARGS`).
pub const ALLOWED_SHARED_ARGS: &[&str] = &[
    "ACL",
    "CacheControl",
    "ChecksumAlgorithm",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "ContentType",
    "ExpectedBucketOwner",
    "Expires",
    "GrantFullControl",
    "GrantRead",
    "GrantReadACP",
    "GrantWriteACP",
    "Metadata",
    "ObjectLockLegalHoldStatus",
    "ObjectLockMode",
    "ObjectLockRetainUntilDate",
    "RequestPayer",
    "ServerSideEncryption",
    "StorageClass",
    "SSECustomerAlgorithm",
    "SSECustomerKey",
    "SSECustomerKeyMD5",
    "SSEKMSKeyId",
    "SSEKMSEncryptionContext",
    "Tagging",
    "WebsiteRedirectLocation",
];

/// What uploads accept besides [`ALLOWED_SHARED_ARGS`] and [`FULL_OBJECT_CHECKSUM_ARGS`].
pub const UPLOAD_ONLY_ARGS: &[&str] = &["ChecksumType", "MpuObjectSize"];

/// What `PutObject` must not be sent (s3transfer's `PUT_OBJECT_BLOCKLIST`): multipart-only.
pub const PUT_OBJECT_BLOCKLIST: &[&str] = &["ChecksumType", "MpuObjectSize"];

/// The copy-only parameters `copy` accepts on top of [`ALLOWED_SHARED_ARGS`].
pub const COPY_ONLY_ARGS: &[&str] = &[
    "CopySourceIfMatch",
    "CopySourceIfModifiedSince",
    "CopySourceIfNoneMatch",
    "CopySourceIfUnmodifiedSince",
    "CopySourceSSECustomerAlgorithm",
    "CopySourceSSECustomerKey",
    "CopySourceSSECustomerKeyMD5",
    "MetadataDirective",
    "TaggingDirective",
];

/// What each `UploadPart` of a multipart upload takes (s3transfer's `UploadPartTask`).
pub const UPLOAD_PART_ARGS: &[&str] = &[
    "ChecksumAlgorithm",
    "SSECustomerKey",
    "SSECustomerAlgorithm",
    "SSECustomerKeyMD5",
    "RequestPayer",
    "ExpectedBucketOwner",
];

/// What `CompleteMultipartUpload` takes besides [`FULL_OBJECT_CHECKSUM_ARGS`].
pub const COMPLETE_MULTIPART_ARGS: &[&str] = &[
    "SSECustomerKey",
    "SSECustomerAlgorithm",
    "SSECustomerKeyMD5",
    "RequestPayer",
    "ExpectedBucketOwner",
    "ChecksumType",
    "MpuObjectSize",
];

/// What each `UploadPartCopy` of a managed copy takes.
pub const UPLOAD_PART_COPY_ARGS: &[&str] = &[
    "CopySourceIfMatch",
    "CopySourceIfModifiedSince",
    "CopySourceIfNoneMatch",
    "CopySourceIfUnmodifiedSince",
    "CopySourceSSECustomerKey",
    "CopySourceSSECustomerAlgorithm",
    "CopySourceSSECustomerKeyMD5",
    "SSECustomerKey",
    "SSECustomerAlgorithm",
    "SSECustomerKeyMD5",
    "RequestPayer",
    "ExpectedBucketOwner",
];

/// Which transfer the arguments are for; each has its own allowed list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferKind {
    Upload,
    Download,
    Copy,
}

impl TransferKind {
    /// Whether `name` is allowed for this kind of transfer.
    pub fn allows(self, name: &str) -> bool {
        match self {
            TransferKind::Upload => {
                ALLOWED_SHARED_ARGS.contains(&name)
                    || UPLOAD_ONLY_ARGS.contains(&name)
                    || FULL_OBJECT_CHECKSUM_ARGS.contains(&name)
            }
            TransferKind::Download => ALLOWED_DOWNLOAD_ARGS.contains(&name),
            TransferKind::Copy => ALLOWED_SHARED_ARGS.contains(&name) || COPY_ONLY_ARGS.contains(&name),
        }
    }

    fn allowed(self) -> Vec<&'static str> {
        match self {
            TransferKind::Upload => {
                ALLOWED_SHARED_ARGS.iter().chain(UPLOAD_ONLY_ARGS).chain(FULL_OBJECT_CHECKSUM_ARGS).copied().collect()
            }
            TransferKind::Download => ALLOWED_DOWNLOAD_ARGS.to_vec(),
            TransferKind::Copy => ALLOWED_SHARED_ARGS.iter().chain(COPY_ONLY_ARGS).copied().collect(),
        }
    }
}

/// boto3's `ExtraArgs`: request parameters by their botocore member name (`ContentType`,
/// `Metadata`, `SSECustomerKey`, ...), with values as boto3 takes them (strings, a map of
/// strings for `Metadata`, ISO 8601 text or epoch seconds for dates).
///
/// `Debug` prints the names only: `SSECustomerKey` is a secret.
#[derive(Clone, Default, PartialEq)]
pub struct ExtraArgs {
    args: Vec<(String, Document)>,
}

impl fmt::Debug for ExtraArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ExtraArgs").field(&self.args.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()).finish()
    }
}

impl ExtraArgs {
    /// No extra arguments.
    pub fn new() -> Self {
        ExtraArgs::default()
    }

    /// The arguments with `name` set to `value` (replacing an earlier value).
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Document>) -> Self {
        self.insert(name, value);
        self
    }

    /// Sets `name` to `value` in place.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Document>) {
        let name = name.into();
        let value = value.into();
        match self.args.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.args.push((name, value)),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Document> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The text value of `name`, if set to a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Document::as_str)
    }

    /// Whether no argument is set.
    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }

    /// The names set, in the order they were first set.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|(n, _)| n.as_str())
    }

    /// Fails, as boto3 does, on the first name the transfer does not allow, listing the
    /// allowed ones.
    pub fn check(&self, kind: TransferKind) -> Result<(), Error> {
        match self.args.iter().find(|(name, _)| !kind.allows(name)) {
            Some((name, _)) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("Invalid extra_args key '{name}', must be one of: {}", kind.allowed().join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// Writes the arguments named in `only` (every argument when `None`) into `input`, by
    /// member name; arguments `input` has no member for are skipped, as s3transfer filters
    /// them per request. `rename` maps an argument to another member name (the copy's
    /// `CopySourceSSECustomerKey` becomes the source `HeadObject`'s `SSECustomerKey`).
    pub fn apply(&self, input: &mut dyn Shape, only: Option<&[&str]>, rename: &[(&str, &str)]) -> Result<(), Error> {
        for (name, value) in &self.args {
            if only.is_some_and(|only| !only.contains(&name.as_str())) {
                continue;
            }
            let member = rename.iter().find(|(from, _)| from == name).map_or(name.as_str(), |(_, to)| to);
            let Some((i, _)) = input.schema().member(member) else { continue };
            let Some(field) = input.field_mut(i) else { continue };
            set_from_document(field, value)
                .map_err(|why| Error::new(ErrorKind::InvalidInput, format!("extra_args {name}: {why}")))?;
        }
        Ok(())
    }
}

impl<K: Into<String>, V: Into<Document>> FromIterator<(K, V)> for ExtraArgs {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut args = ExtraArgs::new();
        for (k, v) in iter {
            args.insert(k, v);
        }
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_key_is_refused_naming_the_allowed_ones() {
        let args = ExtraArgs::new().set("ContentType", "text/plain").set("Bucket", "other");
        assert!(ExtraArgs::new().set("ContentType", "x").check(TransferKind::Upload).is_ok());
        let err = args.check(TransferKind::Upload).unwrap_err().to_string();
        assert!(err.contains("Invalid extra_args key 'Bucket', must be one of: ACL, CacheControl"), "{err}");
        let err = ExtraArgs::new().set("ContentType", "x").check(TransferKind::Download).unwrap_err().to_string();
        assert!(err.contains("'ContentType'") && err.contains("VersionId"), "{err}");
        assert!(ExtraArgs::new().set("MetadataDirective", "REPLACE").check(TransferKind::Copy).is_ok());
        assert!(ExtraArgs::new().set("MetadataDirective", "REPLACE").check(TransferKind::Upload).is_err());
        // s3transfer's full-object checksum arguments are upload-only, as its lists are.
        for name in ["ChecksumCRC32", "ChecksumType", "MpuObjectSize", "ChecksumXXHASH128"] {
            assert!(ExtraArgs::new().set(name, "x").check(TransferKind::Upload).is_ok(), "{name}");
            assert!(ExtraArgs::new().set(name, "x").check(TransferKind::Copy).is_err(), "{name}");
        }
    }

    #[test]
    fn debug_shows_names_never_values() {
        let args = ExtraArgs::new().set("SSECustomerKey", "very-secret-key");
        let shown = format!("{args:?}");
        assert!(shown.contains("SSECustomerKey") && !shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn setting_twice_replaces() {
        let args = ExtraArgs::new().set("ContentType", "a").set("ContentType", "b");
        assert_eq!(args.get_str("ContentType"), Some("b"));
        assert_eq!(args.names().count(), 1);
    }
}
