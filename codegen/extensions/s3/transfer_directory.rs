//! Directory transfers, as the AWS CLI's `aws s3 cp --recursive` (boto3 has none):
//! `upload_directory(dir, bucket, prefix)` and `download_directory(bucket, prefix, dir)`, with
//! an optional filter on the relative name. Files under the threshold run `max_concurrency` at a
//! time; larger ones run one after another, each with its parts concurrent, so memory stays
//! within one transfer's bound. The first failure stops the run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tucuxi::transfer::directory::{create_parents, key_for, local_path_for, run_files, walk};
use tucuxi::transfer::{download, upload, TransferKind};
use tucuxi::Error;

use crate::transfer::{options, Options};
use crate::Client;

/// What a directory transfer moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectorySummary {
    /// Files transferred.
    pub files: usize,
    /// Bytes transferred.
    pub bytes: u64,
}

/// Which relative names (`a/b.txt`) a directory transfer takes.
type Filter = Arc<dyn Fn(&str) -> bool + Send + Sync>;

impl Client {
    /// Uploads every regular file under `dir` to `bucket`, as `prefix/<relative path>`.
    pub fn upload_directory(
        &self,
        dir: impl AsRef<Path>,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
    ) -> UploadDirectory {
        UploadDirectory {
            client: self.clone(),
            dir: dir.as_ref().to_path_buf(),
            bucket: bucket.into(),
            prefix: prefix.into(),
            filter: None,
            options: Options::default(),
        }
    }

    /// Downloads every object under `prefix` in `bucket` into `dir`, keeping the key's path
    /// below the prefix. Keys that would leave `dir` (`..`, empty components) and "folder"
    /// keys ending in `/` are skipped.
    pub fn download_directory(
        &self,
        bucket: impl Into<String>,
        prefix: impl Into<String>,
        dir: impl AsRef<Path>,
    ) -> DownloadDirectory {
        DownloadDirectory {
            client: self.clone(),
            bucket: bucket.into(),
            prefix: prefix.into(),
            dir: dir.as_ref().to_path_buf(),
            filter: None,
            options: Options::default(),
        }
    }
}

/// The builder of [`Client::upload_directory`].
pub struct UploadDirectory {
    client: Client,
    dir: PathBuf,
    bucket: String,
    prefix: String,
    filter: Option<Filter>,
    options: Options,
}
options!(UploadDirectory);

impl UploadDirectory {
    /// Uploads only the files whose relative name (`sub/file.txt`) passes `filter`.
    pub fn filter(mut self, filter: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Arc::new(filter));
        self
    }

    /// Runs the uploads.
    pub async fn send(self) -> Result<DirectorySummary, Error> {
        self.options.extra.check(TransferKind::Upload)?;
        let files: Vec<_> = walk(&self.dir)
            .await?
            .into_iter()
            .filter(|f| self.filter.as_ref().is_none_or(|keep| keep(&f.relative)))
            .collect();
        let summary = DirectorySummary { files: files.len(), bytes: files.iter().map(|f| f.size).sum() };
        let config = &self.options.config;
        let (small, large): (Vec<_>, Vec<_>) = files.iter().partition(|f| f.size < config.multipart_threshold);
        let this = &self;
        let transfer = |file: &tucuxi::transfer::directory::LocalFile| {
            let key = key_for(&this.prefix, &file.relative);
            let path = file.path.clone();
            async move {
                let target = this.options.target(&this.client, &this.bucket, &key, TransferKind::Upload)?;
                upload::upload_path(target, &path, &this.options.config, &this.options.progress).await
            }
        };
        run_files(config.concurrency(), small.into_iter().map(transfer), large.into_iter().map(transfer)).await?;
        Ok(summary)
    }

    /// [`UploadDirectory::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<DirectorySummary, Error> {
        crate::transfer::blocking(self.send())
    }
}

/// The builder of [`Client::download_directory`].
pub struct DownloadDirectory {
    client: Client,
    bucket: String,
    prefix: String,
    dir: PathBuf,
    filter: Option<Filter>,
    options: Options,
}
options!(DownloadDirectory);

impl DownloadDirectory {
    /// Downloads only the keys whose name below the prefix (`sub/file.txt`) passes `filter`.
    pub fn filter(mut self, filter: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Arc::new(filter));
        self
    }

    /// Every (key, size, local path) under the prefix that the filter takes.
    async fn listing(&self) -> Result<Vec<(String, u64, PathBuf)>, Error> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut call = self.client.list_objects_v2().bucket(&self.bucket).prefix(&self.prefix);
            if let Some(token) = token.take() {
                call = call.continuation_token(token);
            }
            let page = call.send().await?;
            for object in page.contents.unwrap_or_default() {
                let Some(key) = object.key else { continue };
                let Some(path) = local_path_for(&self.dir, &self.prefix, &key) else { continue };
                let relative = key[self.prefix.len()..].trim_start_matches('/');
                if self.filter.as_ref().is_none_or(|keep| keep(relative)) {
                    let size = object.size.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
                    out.push((key, size, path));
                }
            }
            match page.next_continuation_token {
                Some(next) if page.is_truncated == Some(true) => token = Some(next),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Runs the downloads.
    pub async fn send(self) -> Result<DirectorySummary, Error> {
        self.options.extra.check(TransferKind::Download)?;
        let objects = self.listing().await?;
        let summary = DirectorySummary { files: objects.len(), bytes: objects.iter().map(|o| o.1).sum() };
        let config = &self.options.config;
        let (small, large): (Vec<_>, Vec<_>) = objects.iter().partition(|o| o.1 < config.multipart_threshold);
        let this = &self;
        let transfer = |(key, _, path): &(String, u64, PathBuf)| {
            let (key, path) = (key.clone(), path.clone());
            async move {
                let target = this.options.target(&this.client, &this.bucket, &key, TransferKind::Download)?;
                create_parents(&path).await?;
                download::download_path(target, &path, &this.options.config, &this.options.progress).await.map(drop)
            }
        };
        run_files(config.concurrency(), small.into_iter().map(transfer), large.into_iter().map(transfer)).await?;
        Ok(summary)
    }

    /// [`DownloadDirectory::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<DirectorySummary, Error> {
        crate::transfer::blocking(self.send())
    }
}

