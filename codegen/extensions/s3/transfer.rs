//! Managed transfers on the client, with boto3's names: `upload_file`, `upload_fileobj`,
//! `download_file`, `download_fileobj`, `copy`, and the AWS CLI's recursive
//! `upload_directory` / `download_directory`.
//!
//! Each method returns a builder: set `extra_args` (boto3's `ExtraArgs`, checked against its
//! allowed lists), `config` (`TransferConfig`) and `callback` (progress), then `send().await`
//! or `send_blocking()`. The machinery (multipart, concurrency, retries, clean-up) is the
//! runtime's `tucuxi::transfer`; this module only names the S3 calls.
//!
//! ```no_run
//! # async fn demo(s3: &tucuxi_s3::Client) -> Result<(), tucuxi::Error> {
//! use tucuxi_s3::{ExtraArgs, TransferConfig};
//! s3.upload_file("report.csv", "my-bucket", "reports/report.csv")
//!     .extra_args(ExtraArgs::new().set("ContentType", "text/csv"))
//!     .config(TransferConfig::default().max_concurrency(4))
//!     .callback(|bytes| println!("{bytes} more bytes sent"))
//!     .send()
//!     .await?;
//! s3.download_file("my-bucket", "reports/report.csv", "copy.csv").send().await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use tucuxi::transfer::{AsyncRead, AsyncWrite};
use tucuxi::transfer::{self as rt_transfer, ExtraArgs, Progress, TransferConfig, TransferKind};
use tucuxi::Error;

pub use crate::transfer_store::CopySource;
pub use tucuxi::transfer::{SyncReader, SyncWriter};
use crate::transfer_store::Target;
use crate::Client;

/// What every transfer builder holds besides its subject.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    pub(crate) extra: ExtraArgs,
    pub(crate) config: TransferConfig,
    pub(crate) progress: Progress,
}

/// The builder methods every transfer shares.
macro_rules! options {
    ($builder:ident $(<$param:ident>)?) => {
        impl$(<$param>)? $builder$(<$param>)? {
            /// boto3's `ExtraArgs`: request parameters by botocore member name, checked
            /// against boto3's allowed list for this kind of transfer when sent.
            pub fn extra_args(mut self, args: tucuxi::transfer::ExtraArgs) -> Self {
                self.options.extra = args;
                self
            }

            /// Sets one extra argument (`"ContentType"`, `"Metadata"`, `"VersionId"`, ...).
            pub fn extra_arg(mut self, name: impl Into<String>, value: impl Into<tucuxi::Document>) -> Self {
                self.options.extra.insert(name, value);
                self
            }

            /// boto3's `Config`: thresholds, part size, concurrency, bandwidth.
            pub fn config(mut self, config: tucuxi::transfer::TransferConfig) -> Self {
                self.options.config = config;
                self
            }

            /// boto3's `Callback`: called with the bytes transferred since its last call.
            pub fn callback(mut self, callback: impl Fn(u64) + Send + Sync + 'static) -> Self {
                self.options.progress = tucuxi::transfer::Progress::new(callback);
                self
            }
        }
    };
}
pub(crate) use options;

impl Options {
    pub(crate) fn target(&self, client: &Client, bucket: &str, key: &str, kind: TransferKind) -> Result<Target, Error> {
        self.extra.check(kind)?;
        Ok(Target {
            client: client.clone(),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            extra: self.extra.clone(),
            source: None,
            full_object_checksum: self.config.full_object_checksum,
        })
    }
}

/// Runs a transfer's future on the shared blocking runtime.
pub(crate) fn blocking<T: Send + 'static>(
    future: impl core::future::Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Error> {
    tucuxi::http::block_on(future).map_err(Error::from)?
}

impl Client {
    /// Uploads the file at `path` to `bucket`/`key` (boto3's `upload_file(Filename, Bucket,
    /// Key)`): one `PutObject` under the threshold, else a concurrent multipart upload.
    pub fn upload_file(&self, path: impl AsRef<Path>, bucket: impl Into<String>, key: impl Into<String>) -> UploadFile {
        UploadFile {
            client: self.clone(),
            path: path.as_ref().to_path_buf(),
            bucket: bucket.into(),
            key: key.into(),
            options: Options::default(),
        }
    }

    /// Uploads everything `reader` yields (boto3's `upload_fileobj(Fileobj, Bucket, Key)`);
    /// the length need not be known. A blocking `std::io::Read` (a `File`, `Stdin`) goes in
    /// through [`SyncReader`]: `s3.upload_fileobj(SyncReader::new(file)?, b, k).send_blocking()`.
    pub fn upload_fileobj<R>(&self, reader: R, bucket: impl Into<String>, key: impl Into<String>) -> UploadFileobj<R>
    where
        R: AsyncRead + Unpin + Send + 'static,
    {
        UploadFileobj { client: self.clone(), reader, bucket: bucket.into(), key: key.into(), options: Options::default() }
    }

    /// Downloads `bucket`/`key` to the file at `path` (boto3's `download_file(Bucket, Key,
    /// Filename)`), through a temporary file renamed into place only on success.
    pub fn download_file(&self, bucket: impl Into<String>, key: impl Into<String>, path: impl AsRef<Path>) -> DownloadFile {
        DownloadFile {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            path: path.as_ref().to_path_buf(),
            options: Options::default(),
        }
    }

    /// Downloads `bucket`/`key` into `writer`, in order (boto3's `download_fileobj(Bucket,
    /// Key, Fileobj)`); `send` gives the writer back. A blocking `std::io::Write` goes in
    /// through [`SyncWriter`], whose `into_inner` returns it once written and flushed.
    pub fn download_fileobj<W>(&self, bucket: impl Into<String>, key: impl Into<String>, writer: W) -> DownloadFileobj<W>
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        DownloadFileobj { client: self.clone(), bucket: bucket.into(), key: key.into(), writer, options: Options::default() }
    }

    /// Copies `source` to `bucket`/`key` (boto3's `copy(CopySource, Bucket, Key)`): one
    /// `CopyObject` under the threshold, else concurrent `UploadPartCopy` ranges.
    pub fn copy(&self, source: CopySource, bucket: impl Into<String>, key: impl Into<String>) -> Copy {
        Copy { client: self.clone(), source, bucket: bucket.into(), key: key.into(), options: Options::default() }
    }
}

/// The builder of [`Client::upload_file`].
#[derive(Debug)]
pub struct UploadFile {
    client: Client,
    path: PathBuf,
    bucket: String,
    key: String,
    options: Options,
}
options!(UploadFile);

impl UploadFile {
    /// Runs the upload.
    pub async fn send(self) -> Result<(), Error> {
        let target = self.options.target(&self.client, &self.bucket, &self.key, TransferKind::Upload)?;
        rt_transfer::upload::upload_path(target, &self.path, &self.options.config, &self.options.progress).await
    }

    /// [`UploadFile::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<(), Error> {
        blocking(self.send())
    }
}

/// The builder of [`Client::upload_fileobj`].
pub struct UploadFileobj<R> {
    client: Client,
    reader: R,
    bucket: String,
    key: String,
    options: Options,
}
options!(UploadFileobj<R>);

impl<R: AsyncRead + Unpin + Send + 'static> UploadFileobj<R> {
    /// Runs the upload.
    pub async fn send(self) -> Result<(), Error> {
        let target = self.options.target(&self.client, &self.bucket, &self.key, TransferKind::Upload)?;
        rt_transfer::upload::upload_reader(target, self.reader, &self.options.config, &self.options.progress).await
    }

    /// [`UploadFileobj::send`] without an async runtime (the reader is read on the shared
    /// blocking runtime).
    pub fn send_blocking(self) -> Result<(), Error> {
        blocking(self.send())
    }
}

/// The builder of [`Client::download_file`].
#[derive(Debug)]
pub struct DownloadFile {
    client: Client,
    bucket: String,
    key: String,
    path: PathBuf,
    options: Options,
}
options!(DownloadFile);

impl DownloadFile {
    /// Runs the download; returns the object's size.
    pub async fn send(self) -> Result<u64, Error> {
        let target = self.options.target(&self.client, &self.bucket, &self.key, TransferKind::Download)?;
        rt_transfer::download::download_path(target, &self.path, &self.options.config, &self.options.progress).await
    }

    /// [`DownloadFile::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<u64, Error> {
        blocking(self.send())
    }
}

/// The builder of [`Client::download_fileobj`].
pub struct DownloadFileobj<W> {
    client: Client,
    bucket: String,
    key: String,
    writer: W,
    options: Options,
}
options!(DownloadFileobj<W>);

impl<W: AsyncWrite + Unpin + Send + 'static> DownloadFileobj<W> {
    /// Runs the download; returns the writer and the object's size.
    pub async fn send(self) -> Result<(W, u64), Error> {
        let target = self.options.target(&self.client, &self.bucket, &self.key, TransferKind::Download)?;
        rt_transfer::download::download_writer(target, self.writer, &self.options.config, &self.options.progress).await
    }

    /// [`DownloadFileobj::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<(W, u64), Error> {
        blocking(self.send())
    }
}

/// The builder of [`Client::copy`].
#[derive(Debug)]
pub struct Copy {
    client: Client,
    source: CopySource,
    bucket: String,
    key: String,
    options: Options,
}
options!(Copy);

impl Copy {
    /// Runs the copy; returns the size copied.
    pub async fn send(self) -> Result<u64, Error> {
        let mut target = self.options.target(&self.client, &self.bucket, &self.key, TransferKind::Copy)?;
        target.source = Some(self.source);
        rt_transfer::copy::copy(target, &self.options.config, &self.options.progress).await
    }

    /// [`Copy::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<u64, Error> {
        blocking(self.send())
    }
}

