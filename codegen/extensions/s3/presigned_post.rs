//! `generate_presigned_post`: the URL and signed form fields of a browser upload, as boto3's
//! `S3.Client.generate_presigned_post(Bucket, Key, Fields, Conditions, ExpiresIn)` returns them.
//!
//! As botocore does, the URL is that of `CreateBucket` for the bucket (virtual-hosted or
//! path-style as endpoint resolution decides), the key goes into the fields, and the bucket and
//! key (or `starts-with $key` when the key ends in `${filename}`) are appended to the
//! conditions before the `x-amz-*` ones.
//!
//! ```no_run
//! # async fn demo(s3: &tucuxi_s3::Client) -> Result<(), tucuxi::Error> {
//! use tucuxi_s3::PostCondition;
//! let post = s3
//!     .generate_presigned_post("my-bucket", "uploads/${filename}")
//!     .condition(PostCondition::ContentLengthRange(1, 10 << 20))
//!     .expires_in(std::time::Duration::from_secs(600))
//!     .send()
//!     .await?;
//! println!("POST to {} with fields {:?}", post.url, post.fields.iter().map(|f| &f.0).collect::<Vec<_>>());
//! # Ok(()) }
//! ```

use std::time::Duration;

use tucuxi::auth::post_policy::{PostCondition, PresignedPost};
use tucuxi::Error;

use crate::Client;

/// boto3's `filename` placeholder: a key ending in it is constrained by its prefix only.
const FILENAME: &str = "${filename}";

impl Client {
    /// Starts a presigned POST for `key` in `bucket`; valid for an hour unless
    /// [`GeneratePresignedPost::expires_in`] says otherwise.
    pub fn generate_presigned_post(&self, bucket: impl Into<String>, key: impl Into<String>) -> GeneratePresignedPost {
        GeneratePresignedPost {
            client: self.clone(),
            bucket: bucket.into(),
            key: key.into(),
            fields: Vec::new(),
            conditions: Vec::new(),
            expires_in: Duration::from_secs(3600),
        }
    }
}

/// The builder of [`Client::generate_presigned_post`].
#[derive(Debug)]
pub struct GeneratePresignedPost {
    client: Client,
    bucket: String,
    key: String,
    fields: Vec<(String, String)>,
    conditions: Vec<PostCondition>,
    expires_in: Duration,
}

impl GeneratePresignedPost {
    /// boto3's `Fields`: form fields to prefill (`acl`, `Content-Type`, ...). Each needs a
    /// matching condition, as with boto3.
    pub fn fields(mut self, fields: impl IntoIterator<Item = (String, String)>) -> Self {
        self.fields.extend(fields);
        self
    }

    /// Adds one prefilled field.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// boto3's `Conditions`: the policy's conditions, before the bucket and key ones.
    pub fn conditions(mut self, conditions: impl IntoIterator<Item = PostCondition>) -> Self {
        self.conditions.extend(conditions);
        self
    }

    /// Adds one condition.
    pub fn condition(mut self, condition: PostCondition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// boto3's `ExpiresIn` (3600 seconds by default).
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = expires_in;
        self
    }

    /// Signs the policy and returns the URL and the form fields.
    pub async fn send(self) -> Result<PresignedPost, Error> {
        let GeneratePresignedPost { client, bucket, key, mut fields, mut conditions, expires_in } = self;
        conditions.push(PostCondition::Exact("bucket".into(), bucket.clone()));
        match key.strip_suffix(FILENAME) {
            Some(prefix) => conditions.push(PostCondition::StartsWith("key".into(), prefix.to_owned())),
            None => conditions.push(PostCondition::Exact("key".into(), key.clone())),
        }
        match fields.iter_mut().find(|(name, _)| name == "key") {
            Some(slot) => slot.1 = key,
            None => fields.push(("key".to_owned(), key)),
        }
        let mut call = client.create_bucket().bucket(bucket);
        let op = call.0.operation();
        client.handle().presign_post(op, call.0.input_mut(), fields, conditions, expires_in).await
    }

    /// [`GeneratePresignedPost::send`] without an async runtime.
    pub fn send_blocking(self) -> Result<PresignedPost, Error> {
        tucuxi::http::block_on(self.send()).map_err(Error::from)?
    }
}
