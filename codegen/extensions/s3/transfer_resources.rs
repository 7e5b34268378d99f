//! The managed transfers on resources, where boto3 injects them (`boto3/s3/inject.py`):
//! `Bucket.upload_file(Filename, Key)`, `Object.download_file(Filename)`, `Object.copy(...)`
//! and the `fileobj` variants. Each forwards to the client's builder with the resource's
//! bucket (and key) filled in.

use std::path::Path;

use tucuxi::transfer::{AsyncRead, AsyncWrite};

use crate::resources::{Bucket, Object};
use crate::transfer::{Copy, CopySource, DownloadFile, DownloadFileobj, UploadFile, UploadFileobj};

impl Bucket {
    /// Uploads the file at `path` as `key` in this bucket (boto3's `Bucket.upload_file`).
    pub fn upload_file(&self, path: impl AsRef<Path>, key: impl Into<String>) -> UploadFile {
        self.client().upload_file(path, self.name(), key)
    }

    /// Uploads what `reader` yields as `key` (boto3's `Bucket.upload_fileobj`).
    pub fn upload_fileobj<R: AsyncRead + Unpin + Send + 'static>(
        &self,
        reader: R,
        key: impl Into<String>,
    ) -> UploadFileobj<R> {
        self.client().upload_fileobj(reader, self.name(), key)
    }

    /// Downloads `key` of this bucket to `path` (boto3's `Bucket.download_file`).
    pub fn download_file(&self, key: impl Into<String>, path: impl AsRef<Path>) -> DownloadFile {
        self.client().download_file(self.name(), key, path)
    }

    /// Downloads `key` into `writer` (boto3's `Bucket.download_fileobj`).
    pub fn download_fileobj<W: AsyncWrite + Unpin + Send + 'static>(
        &self,
        key: impl Into<String>,
        writer: W,
    ) -> DownloadFileobj<W> {
        self.client().download_fileobj(self.name(), key, writer)
    }

    /// Copies `source` to `key` in this bucket (boto3's `Bucket.copy`).
    pub fn copy(&self, source: CopySource, key: impl Into<String>) -> Copy {
        self.client().copy(source, self.name(), key)
    }
}

impl Object {
    /// Uploads the file at `path` as this object (boto3's `Object.upload_file`).
    pub fn upload_file(&self, path: impl AsRef<Path>) -> UploadFile {
        self.client().upload_file(path, self.bucket_name(), self.key())
    }

    /// Uploads what `reader` yields as this object (boto3's `Object.upload_fileobj`).
    pub fn upload_fileobj<R: AsyncRead + Unpin + Send + 'static>(&self, reader: R) -> UploadFileobj<R> {
        self.client().upload_fileobj(reader, self.bucket_name(), self.key())
    }

    /// Downloads this object to `path` (boto3's `Object.download_file`).
    pub fn download_file(&self, path: impl AsRef<Path>) -> DownloadFile {
        self.client().download_file(self.bucket_name(), self.key(), path)
    }

    /// Downloads this object into `writer` (boto3's `Object.download_fileobj`).
    pub fn download_fileobj<W: AsyncWrite + Unpin + Send + 'static>(&self, writer: W) -> DownloadFileobj<W> {
        self.client().download_fileobj(self.bucket_name(), self.key(), writer)
    }

    /// Copies `source` over this object (boto3's `Object.copy`).
    pub fn copy(&self, source: CopySource) -> Copy {
        self.client().copy(source, self.bucket_name(), self.key())
    }
}
