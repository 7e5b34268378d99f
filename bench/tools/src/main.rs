//! The measurements of `cargo xtask bench` that need more than a minimal app:
//!
//! - `floor ENDPOINT ROUTE N`: the bare-hyper floor. It fetches the raw bytes of the last request
//!   the canned server saw on ROUTE (sent there by the tucuxi app just before) and sends exactly
//!   those bytes N times with a plain pooled hyper client, reading each response whole.
//! - `sigv4 tucuxi|aws N`: N SigV4 header signatures of one SQS-style JSON request, by tucuxi's
//!   signer or by the official `aws-sigv4` crate.
//! - `page ENDPOINT KEYS`: tucuxi paging through KEYS keys (pages of 1,000) item by item.
//! - `download ENDPOINT BYTES` / `upload ENDPOINT BYTES`: tucuxi streaming an object of BYTES
//!   down (GetObject, chunk by chunk) or up (PutObject from a generated stream).
//!
//! - `xfer-tucuxi` / `xfer-floor`: the transfer section's clients, in `transfer.rs`.
//!
//! Each prints the `BENCH ...` line of `common/measure.rs` (CPU, wall time, peak RSS).

// The argument parser of the apps is not used here.
#[allow(dead_code)]
#[path = "../../common/measure.rs"]
mod measure;
mod transfer;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).parse::<u64>().map_err(|_| format!("argument {} must be a number", i + 1));
    match arg(0).as_str() {
        "floor" => floor(&arg(1), &arg(2), num(3)?),
        "sigv4" => sigv4(&arg(1), num(2)?),
        "page" => block_on(page(arg(1), num(2)?)),
        "download" => block_on(download(arg(1), num(2)?)),
        "upload" => block_on(upload(arg(1), num(2)?)),
        "xfer-tucuxi" | "xfer-floor" => {
            let job = transfer::Job {
                endpoint: arg(2),
                file: arg(3),
                bucket: arg(4),
                key: arg(5),
                chunk: num(6)?,
                concurrency: num(7)? as usize,
            };
            if arg(0) == "xfer-tucuxi" {
                block_on(transfer::tucuxi(&arg(1), job))
            } else {
                block_on(transfer::floor(&arg(1), job))
            }
        }
        other => {
            Err(format!("unknown tool {other:?}: floor, sigv4, page, download, upload, xfer-tucuxi or xfer-floor")
                .into())
        }
    }
}

fn block_on<F: std::future::Future<Output = Result<()>>>(future: F) -> Result<()> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(future)
}

fn floor(endpoint: &str, route: &str, n: u64) -> Result<()> {
    block_on(async move {
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<Full<Bytes>>();
        let captured = client
            .get(format!("{endpoint}/__bench/last/{route}").parse()?)
            .await?
            .into_body()
            .collect()
            .await?
            .to_bytes();
        let split = captured.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no request captured for that route")?;
        let head = std::str::from_utf8(&captured[..split])?;
        let body = captured.slice(split + 4..);
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method: hyper::Method = request_line.next().unwrap_or("GET").parse()?;
        let uri: hyper::Uri = format!("{endpoint}{}", request_line.next().unwrap_or("/")).parse()?;
        let headers: Vec<(hyper::header::HeaderName, hyper::header::HeaderValue)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| Ok((n.trim().parse()?, v.trim().parse()?)))
            .collect::<Result<_>>()?;
        let send = || {
            let mut request = hyper::Request::builder().method(method.clone()).uri(uri.clone());
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            let request = request.body(Full::new(body.clone()));
            async {
                let response = client.request(request?).await?;
                let status = response.status();
                let bytes = response.into_body().collect().await?.to_bytes();
                if !status.is_success() {
                    return Err(format!("the floor request got {status}").into());
                }
                Ok::<usize, Box<dyn std::error::Error>>(bytes.len())
            }
        };
        send().await?;
        let run = measure::Run::start();
        for _ in 0..n {
            std::hint::black_box(send().await?);
        }
        run.report(n);
        Ok(())
    })
}

const SIGN_BODY: &[u8] = br#"{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/bench","MessageBody":"hello from the benchmark"}"#;
const SIGN_HEADERS: [(&str, &str); 3] = [
    ("host", "sqs.us-east-1.amazonaws.com"),
    ("content-type", "application/x-amz-json-1.0"),
    ("x-amz-target", "AmazonSQS.SendMessage"),
];

fn sigv4(which: &str, n: u64) -> Result<()> {
    let mut total = 0usize;
    match which {
        "tucuxi" => {
            use tucuxi::auth::sigv4::sign;
            use tucuxi::auth::{SignableBody, SignableRequest, SigningParams, SigningSettings};
            let credentials =
                tucuxi::credentials::Credentials::new("AKIDBENCHMARK", "bench-secret-key").with_provider("bench");
            let time = tucuxi::DateTime::now();
            let request = SignableRequest {
                method: "POST",
                uri: "/",
                headers: &SIGN_HEADERS,
                body: SignableBody::Bytes(SIGN_BODY),
            };
            let run = measure::Run::start();
            for _ in 0..n {
                let params = SigningParams {
                    credentials: &credentials,
                    region: "us-east-1",
                    service: "sqs",
                    time,
                    settings: SigningSettings::default(),
                };
                total += sign(std::hint::black_box(&request), &params)?.signature.len();
            }
            run.report(n);
        }
        "aws" => {
            use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
            let identity =
                aws_credential_types::Credentials::new("AKIDBENCHMARK", "bench-secret-key", None, None, "bench").into();
            let time = std::time::SystemTime::now();
            let run = measure::Run::start();
            for _ in 0..n {
                let params = aws_sigv4::sign::v4::SigningParams::builder()
                    .identity(&identity)
                    .region("us-east-1")
                    .name("sqs")
                    .time(time)
                    .settings(SigningSettings::default())
                    .build()?
                    .into();
                let request = SignableRequest::new(
                    "POST",
                    "https://sqs.us-east-1.amazonaws.com/",
                    SIGN_HEADERS.iter().copied(),
                    SignableBody::Bytes(SIGN_BODY),
                )?;
                let (_, signature) = sign(std::hint::black_box(request), &params)?.into_parts();
                total += signature.len();
            }
            run.report(n);
        }
        other => return Err(format!("sigv4 takes tucuxi or aws, not {other:?}").into()),
    }
    std::hint::black_box(total);
    Ok(())
}

fn client(endpoint: &str) -> Result<tucuxi_s3::Client> {
    let session = tucuxi_s3::Session::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(tucuxi::credentials::Credentials::new("AKIDBENCHMARK", "bench-secret-key").with_provider("bench"))
        .build()?;
    Ok(tucuxi_s3::Client::new(&session))
}

async fn page(endpoint: String, keys: u64) -> Result<()> {
    let s3 = client(&endpoint)?;
    let run = measure::Run::start();
    let mut items = s3.list_objects_v2().bucket(format!("keys-{keys}")).into_paginator().items();
    let mut seen = 0u64;
    while let Some(object) = items.next_item().await {
        seen += u64::from(object?.key.is_some());
    }
    if seen != keys {
        return Err(format!("paged {seen} keys, expected {keys}").into());
    }
    run.report(keys);
    Ok(())
}

async fn download(endpoint: String, size: u64) -> Result<()> {
    let s3 = client(&endpoint)?;
    let run = measure::Run::start();
    let out = s3.get_object().bucket("bench").key(format!("size-{size}")).send().await?;
    let mut body = out.body.unwrap_or_default();
    let mut seen = 0u64;
    while let Some(chunk) = body.next_chunk().await {
        seen += chunk?.len() as u64;
    }
    if seen != size {
        return Err(format!("downloaded {seen} bytes, expected {size}").into());
    }
    run.report(size);
    Ok(())
}

/// An upload body made on the fly: one shared 64 KiB buffer handed out `total` bytes' worth.
struct Generator {
    chunk: Bytes,
    left: u64,
}

impl futures_core::Stream for Generator {
    type Item = std::result::Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(self.chunk.len() as u64) as usize;
        self.left -= n as u64;
        Poll::Ready(Some(Ok(self.chunk.slice(..n))))
    }
}

async fn upload(endpoint: String, size: u64) -> Result<()> {
    let s3 = client(&endpoint)?;
    let run = measure::Run::start();
    let body = Generator { chunk: Bytes::from(vec![b'u'; 64 * 1024]), left: size };
    s3.put_object()
        .bucket("bench")
        .key("upload")
        .body(tucuxi::ByteStream::from_sized_stream(body, size))
        .send()
        .await?;
    run.report(size);
    Ok(())
}
