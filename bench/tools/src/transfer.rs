//! The transfer section's Rust clients, against a real S3 store (s3s-fs on loopback):
//!
//! - `xfer-tucuxi upload|download ENDPOINT FILE BUCKET KEY CHUNK CONCURRENCY`: tucuxi's
//!   `upload_file` / `download_file` with a `TransferConfig` of that part size and concurrency.
//! - `xfer-floor upload|download ...` (same arguments): the floor, the same parts moved by plain
//!   concurrent hyper requests to presigned URLs: no retries, no checksums, no progress. Only
//!   `CreateMultipartUpload`, `CompleteMultipartUpload` and `HeadObject` go through the client.
//!
//! Each prints the `BENCH n=BYTES ...` line of `common/measure.rs`.

use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tucuxi_s3::types::{CompletedMultipartUpload, CompletedPart};
use tucuxi_s3::TransferConfig;

use super::{client, measure, Result};

/// What the floor's spawned requests fail with: it must cross tasks.
type SendResult<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The arguments every transfer tool takes.
pub struct Job {
    pub endpoint: String,
    pub file: String,
    pub bucket: String,
    pub key: String,
    pub chunk: u64,
    pub concurrency: usize,
}

/// How long the floor's presigned URLs stay valid; a run takes seconds.
const EXPIRY: Duration = Duration::from_secs(3600);

pub async fn tucuxi(direction: &str, job: Job) -> Result<()> {
    let s3 = client(&job.endpoint)?;
    let config = TransferConfig::default()
        .multipart_threshold(job.chunk)
        .multipart_chunksize(job.chunk)
        .max_concurrency(job.concurrency);
    let run = measure::Run::start();
    let bytes = match direction {
        "upload" => {
            s3.upload_file(&job.file, &job.bucket, &job.key).config(config).send().await?;
            std::fs::metadata(&job.file)?.len()
        }
        "download" => s3.download_file(&job.bucket, &job.key, &job.file).config(config).send().await?,
        other => return Err(format!("xfer takes upload or download, not {other:?}").into()),
    };
    run.report(bytes);
    Ok(())
}

type HttpClient = hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub async fn floor(direction: &str, job: Job) -> Result<()> {
    let s3 = client(&job.endpoint)?;
    let http: HttpClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let run = measure::Run::start();
    let bytes = match direction {
        "upload" => floor_upload(&s3, &http, &job).await?,
        "download" => floor_download(&s3, &http, &job).await?,
        other => return Err(format!("floor takes upload or download, not {other:?}").into()),
    };
    run.report(bytes);
    Ok(())
}

/// One request to a presigned URL with its signed headers; returns the response's ETag and body.
async fn send(
    http: &HttpClient,
    request: &tucuxi::client::PresignedRequest,
    extra: Option<(&str, String)>,
    body: Bytes,
) -> SendResult<(Option<String>, Bytes)> {
    let mut builder = hyper::Request::builder().method(request.method.as_str()).uri(request.url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some((name, value)) = extra {
        builder = builder.header(name, value);
    }
    let response = http.request(builder.body(Full::new(body))?).await?;
    let status = response.status();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        return Err(format!("the floor's {} got {status}: {}", request.method, String::from_utf8_lossy(&body)).into());
    }
    Ok((etag, body))
}

async fn floor_upload(s3: &tucuxi_s3::Client, http: &HttpClient, job: &Job) -> Result<u64> {
    let file = Arc::new(std::fs::File::open(&job.file)?);
    let size = file.metadata()?.len();
    let created = s3.create_multipart_upload().bucket(&job.bucket).key(&job.key).send().await?;
    let upload_id = created.upload_id.ok_or("CreateMultipartUpload returned no UploadId")?;
    let count = size.div_ceil(job.chunk).max(1);
    let mut parts: Vec<Option<String>> = vec![None; count as usize];
    let mut running = tokio::task::JoinSet::new();
    let mut next = 0u64;
    while next < count || !running.is_empty() {
        while next < count && running.len() < job.concurrency {
            let number = next + 1;
            let presigned = s3
                .upload_part()
                .bucket(&job.bucket)
                .key(&job.key)
                .upload_id(&upload_id)
                .part_number(number as i32)
                .presign(EXPIRY)
                .await?;
            let (file, http) = (file.clone(), http.clone());
            let (offset, len) = (next * job.chunk, job.chunk.min(size - next * job.chunk));
            running.spawn(async move {
                let mut buf = vec![0u8; len as usize];
                file.read_exact_at(&mut buf, offset)?;
                let (etag, _) = send(&http, &presigned, None, Bytes::from(buf)).await?;
                SendResult::Ok((number, etag))
            });
            next += 1;
        }
        if let Some(done) = running.join_next().await {
            let (number, etag) = done?.map_err(|e| e.to_string())?;
            parts[number as usize - 1] = Some(etag.ok_or(format!("part {number} came back without an ETag"))?);
        }
    }
    let parts = parts
        .into_iter()
        .enumerate()
        .map(|(i, e_tag)| CompletedPart { e_tag, part_number: Some(i as i32 + 1), ..Default::default() })
        .collect();
    s3.complete_multipart_upload()
        .bucket(&job.bucket)
        .key(&job.key)
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await?;
    Ok(size)
}

async fn floor_download(s3: &tucuxi_s3::Client, http: &HttpClient, job: &Job) -> Result<u64> {
    let head = s3.head_object().bucket(&job.bucket).key(&job.key).send().await?;
    let size = head.content_length.ok_or("HeadObject returned no ContentLength")? as u64;
    let file = Arc::new(std::fs::File::create(&job.file)?);
    file.set_len(size)?;
    let presigned = Arc::new(s3.get_object().bucket(&job.bucket).key(&job.key).presign(EXPIRY).await?);
    let count = size.div_ceil(job.chunk);
    let mut running = tokio::task::JoinSet::new();
    let (mut next, mut written) = (0u64, 0u64);
    while next < count || !running.is_empty() {
        while next < count && running.len() < job.concurrency {
            let (file, http, presigned) = (file.clone(), http.clone(), presigned.clone());
            let offset = next * job.chunk;
            let last = (offset + job.chunk).min(size) - 1;
            running.spawn(async move {
                // `Range` is not part of the presigned signature, so it can be added per request.
                let range = Some(("range", format!("bytes={offset}-{last}")));
                let (_, body) = send(&http, &presigned, range, Bytes::new()).await?;
                file.write_all_at(&body, offset)?;
                SendResult::Ok(body.len() as u64)
            });
            next += 1;
        }
        if let Some(done) = running.join_next().await {
            written += done?.map_err(|e| e.to_string())?;
        }
    }
    if written != size {
        return Err(format!("the floor downloaded {written} bytes of {size}").into());
    }
    Ok(size)
}
