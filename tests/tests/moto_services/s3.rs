//! S3 (rest-xml) against moto: buckets, awkward keys, metadata, ranges, copies, batch deletes,
//! multipart uploads, a 50 MiB streamed object, presigned URLs and modeled errors.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tucuxi::{ByteStream, Map};
use tucuxi_s3::errors::{GetObjectError, HeadObjectError};
use tucuxi_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use tucuxi_s3::Client;

use crate::common::{self, http_request, rss_kib, unique, Checks, Fnv, Outcome};

/// The multipart and 50 MiB cases take turns, so the memory the one holds does not show up in
/// the other's resident-set measurement.
static HEAVY: Mutex<()> = Mutex::new(());

/// Keys that need percent-encoding in the path, or that path normalisation would mangle.
const AWKWARD_KEYS: &[&str] = &[
    "with space",
    "unicode-ü-日本語-🐬",
    "plus+sign",
    "percent%41literal",
    "tilde~key",
    "equals=sign",
    "nested/dir/key",
    "double//slash",
    "trailing-slash/",
    "mixed +%~=/ all",
];

async fn new_bucket(s3: &Client, checks: &mut Checks) -> Result<String, Box<dyn std::error::Error>> {
    let bucket = unique("tucuxi-e2e");
    s3.create_bucket().bucket(&bucket).send().await?;
    checks.ok(true, "create_bucket succeeded")?;
    Ok(bucket)
}

/// Deletes every object and the bucket, so reruns against one moto start clean.
async fn drop_bucket(s3: &Client, bucket: &str) -> Outcome {
    let listed = s3.list_objects_v2().bucket(bucket).send().await?;
    for object in listed.contents.unwrap_or_default() {
        if let Some(key) = object.key {
            s3.delete_object().bucket(bucket).key(key).send().await?;
        }
    }
    s3.delete_bucket().bucket(bucket).send().await?;
    Ok(())
}

async fn body_bytes(body: Option<ByteStream>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    Ok(body.unwrap_or_default().collect().await?.to_vec())
}

#[test]
fn s3_buckets_and_awkward_keys() {
    common::run_case("s3-buckets-keys", |endpoint, mut checks| async move {
        let outcome = buckets_and_keys(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn buckets_and_keys(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = Client::new(&common::session(endpoint));
    let first = new_bucket(&s3, checks).await?;
    let second = new_bucket(&s3, checks).await?;
    let names: Vec<String> =
        s3.list_buckets().send().await?.buckets.unwrap_or_default().into_iter().filter_map(|b| b.name).collect();
    checks.ok(names.contains(&first) && names.contains(&second), "list_buckets shows both new buckets")?;

    for key in AWKWARD_KEYS {
        s3.put_object().bucket(&first).key(*key).body(format!("body of {key}")).send().await?;
    }
    let listed = s3.list_objects_v2().bucket(&first).send().await?;
    let mut keys: Vec<String> = listed.contents.unwrap_or_default().into_iter().filter_map(|o| o.key).collect();
    keys.sort();
    let mut expected: Vec<String> = AWKWARD_KEYS.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();
    checks.eq(keys, expected, "list_objects_v2 returns every key exactly as written")?;
    for key in AWKWARD_KEYS {
        let got = s3.get_object().bucket(&first).key(*key).send().await?;
        let body = body_bytes(got.body).await?;
        checks.eq(String::from_utf8(body)?, format!("body of {key}"), &format!("get_object of {key:?}"))?;
    }
    // A prefix with a delimiter groups the nested keys, which tests the query encoding too.
    let nested = s3.list_objects_v2().bucket(&first).prefix("nested/").delimiter("/").send().await?;
    let nested_prefixes: Vec<String> =
        nested.common_prefixes.unwrap_or_default().into_iter().filter_map(|p| p.prefix).collect();
    checks.eq(nested_prefixes, vec!["nested/dir/".to_owned()], "a delimiter groups the nested keys")?;
    // The prefix goes in the query string, where `+`, `%` and `=` must be escaped too.
    let odd = s3.list_objects_v2().bucket(&first).prefix("mixed +%~=").send().await?;
    let odd_keys: Vec<String> = odd.contents.unwrap_or_default().into_iter().filter_map(|o| o.key).collect();
    checks.eq(odd_keys, vec!["mixed +%~=/ all".to_owned()], "a prefix with reserved characters matches")?;

    drop_bucket(&s3, &first).await?;
    s3.delete_bucket().bucket(&second).send().await?;
    let names: Vec<String> =
        s3.list_buckets().send().await?.buckets.unwrap_or_default().into_iter().filter_map(|b| b.name).collect();
    checks.ok(!names.contains(&first) && !names.contains(&second), "deleted buckets are gone from the list")
}

#[test]
fn s3_objects_metadata_ranges_copies_and_errors() {
    common::run_case("s3-objects", |endpoint, mut checks| async move {
        let outcome = objects(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn objects(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = Client::new(&common::session(endpoint));
    let bucket = new_bucket(&s3, checks).await?;
    let mut metadata = Map::new();
    metadata.insert("colour".to_owned(), "blue".to_owned());
    metadata.insert("multi-word".to_owned(), "a b c".to_owned());
    let put = s3
        .put_object()
        .bucket(&bucket)
        .key("doc.txt")
        .body("0123456789")
        .content_type("text/plain")
        .metadata(metadata.clone())
        .send()
        .await?;
    let etag = put.e_tag.unwrap_or_default();
    checks.ok(etag.starts_with('"') && etag.len() == 34, "put_object returns a quoted MD5 ETag")?;

    let got = s3.get_object().bucket(&bucket).key("doc.txt").send().await?;
    checks.eq(got.content_type.as_deref(), Some("text/plain"), "the content type round-trips")?;
    checks.eq(got.content_length, Some(10), "the content length is the body's")?;
    checks.eq(got.e_tag.as_deref(), Some(etag.as_str()), "get_object's ETag is put_object's")?;
    let got_metadata = got.metadata.clone().unwrap_or_default();
    checks.eq(got_metadata.get("colour").map(String::as_str), Some("blue"), "x-amz-meta-colour round-trips")?;
    checks.eq(got_metadata.get("multi-word").map(String::as_str), Some("a b c"), "x-amz-meta-multi-word")?;
    checks.eq(body_bytes(got.body).await?, b"0123456789".to_vec(), "the body round-trips")?;

    // A conditional GET that matches answers 304 with no body: an error named by its status.
    let not_modified = s3
        .get_object()
        .bucket(&bucket)
        .key("doc.txt")
        .if_none_match(&etag)
        .send()
        .await
        .err()
        .ok_or("a matching If-None-Match is not a success")?;
    checks.eq(not_modified.status(), Some(304), "a matching If-None-Match answers 304")?;
    checks.eq(not_modified.code(), Some("304"), "a 304 is named by its status")?;

    let ranged = s3.get_object().bucket(&bucket).key("doc.txt").range("bytes=2-5").send().await?;
    checks.eq(ranged.content_range.as_deref(), Some("bytes 2-5/10"), "a ranged GET reports its range")?;
    checks.eq(body_bytes(ranged.body).await?, b"2345".to_vec(), "a ranged GET returns those bytes")?;

    let head = s3.head_object().bucket(&bucket).key("doc.txt").send().await?;
    checks.eq(head.content_length, Some(10), "head_object reports the length")?;
    checks.eq(head.e_tag.as_deref(), Some(etag.as_str()), "head_object reports the ETag")?;
    checks.eq(
        head.metadata.unwrap_or_default().get("colour").map(String::as_str),
        Some("blue"),
        "head_object reports the metadata",
    )?;
    // HEAD answers have no body, so (as in botocore) the code is the status, not NoSuchKey.
    let missing = s3.head_object().bucket(&bucket).key("missing").send().await.err().ok_or("HEAD of a missing key")?;
    checks.eq(missing.code(), Some("404"), "a missing key's HEAD has code 404")?;
    checks.eq(missing.status(), Some(404), "and status 404")?;
    checks.ok(missing.modeled::<HeadObjectError>().is_none(), "a bodiless 404 is not a modeled NoSuchKey")?;

    let copy =
        s3.copy_object().bucket(&bucket).key("copy of doc.txt").copy_source(format!("{bucket}/doc.txt")).send().await?;
    let copy_etag = copy.copy_object_result.and_then(|r| r.e_tag);
    checks.eq(copy_etag.as_deref(), Some(etag.as_str()), "a copy has the source's ETag")?;
    let copied = s3.get_object().bucket(&bucket).key("copy of doc.txt").send().await?;
    checks.eq(
        copied.metadata.clone().unwrap_or_default().get("colour").map(String::as_str),
        Some("blue"),
        "a copy keeps the metadata (directive COPY)",
    )?;
    checks.eq(body_bytes(copied.body).await?, b"0123456789".to_vec(), "a copy has the source's body")?;

    let missing = s3.get_object().bucket(&bucket).key("missing").send().await.err().ok_or("GET of a missing key")?;
    checks.eq(missing.code(), Some("NoSuchKey"), "a missing key's GET has code NoSuchKey")?;
    checks.ok(
        matches!(missing.modeled::<GetObjectError>(), Some(GetObjectError::NoSuchKey(_))),
        "NoSuchKey is modeled as GetObjectError::NoSuchKey",
    )?;
    checks.ok(missing.message().is_some_and(|m| !m.is_empty()), "NoSuchKey carries a message")?;
    checks.ok(missing.request_id().is_some_and(|m| !m.is_empty()), "NoSuchKey carries a request id")?;

    let no_bucket = s3
        .get_object()
        .bucket(unique("tucuxi-e2e-absent"))
        .key("k")
        .send()
        .await
        .err()
        .ok_or("GET from a missing bucket")?;
    checks.eq(no_bucket.code(), Some("NoSuchBucket"), "a missing bucket has code NoSuchBucket")?;
    checks.eq(no_bucket.status(), Some(404), "NoSuchBucket is a 404")?;

    delete_many(&s3, &bucket, checks).await?;
    drop_bucket(&s3, &bucket).await
}

/// `DeleteObjects` with many keys at once, then a listing that shows only the survivor.
async fn delete_many(s3: &Client, bucket: &str, checks: &mut Checks) -> Outcome {
    let keys: Vec<String> = (0..40).map(|i| format!("batch/{i:03} item")).collect();
    for key in &keys {
        s3.put_object().bucket(bucket).key(key).body(key.clone()).send().await?;
    }
    let listed = s3.list_objects_v2().bucket(bucket).prefix("batch/").send().await?;
    checks.eq(listed.key_count, Some(40), "forty batch objects are listed")?;
    let delete = Delete {
        objects: keys[1..].iter().map(|k| ObjectIdentifier { key: k.clone(), ..Default::default() }).collect(),
        quiet: Some(false),
    };
    let deleted = s3.delete_objects().bucket(bucket).delete(delete).send().await?;
    checks.eq(deleted.deleted.unwrap_or_default().len(), 39, "delete_objects reports 39 deletions")?;
    checks.ok(deleted.errors.unwrap_or_default().is_empty(), "delete_objects reports no errors")?;
    let listed = s3.list_objects_v2().bucket(bucket).prefix("batch/").send().await?;
    let left: Vec<String> = listed.contents.unwrap_or_default().into_iter().filter_map(|o| o.key).collect();
    checks.eq(left, vec![keys[0].clone()], "only the key left out of the batch remains")
}

#[test]
fn s3_multipart_upload() {
    let _turn = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    common::run_case("s3-multipart", |endpoint, mut checks| async move {
        let outcome = multipart(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn multipart(endpoint: &str, checks: &mut Checks) -> Outcome {
    const PART: usize = 5 * 1024 * 1024;
    let s3 = Client::new(&common::session(endpoint));
    let bucket = new_bucket(&s3, checks).await?;
    let key = "multi/part object";
    let created = s3.create_multipart_upload().bucket(&bucket).key(key).send().await?;
    let upload_id = created.upload_id.ok_or("create_multipart_upload returns an upload id")?;
    let mut parts = Vec::new();
    let mut sum = Fnv::new();
    for number in 1..=2 {
        let part: Vec<u8> = (0..PART).map(|i| (i % 251) as u8 ^ number as u8).collect();
        sum.update(&part);
        let uploaded = s3
            .upload_part()
            .bucket(&bucket)
            .key(key)
            .upload_id(&upload_id)
            .part_number(number)
            .body(part)
            .send()
            .await?;
        let etag = uploaded.e_tag.ok_or("upload_part returns an ETag")?;
        parts.push(CompletedPart { e_tag: Some(etag), part_number: Some(number), ..Default::default() });
    }
    checks.eq(parts.len(), 2, "both parts uploaded")?;
    let completed = s3
        .complete_multipart_upload()
        .bucket(&bucket)
        .key(key)
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload { parts: Some(parts) })
        .send()
        .await?;
    let etag = completed.e_tag.ok_or("complete_multipart_upload returns an ETag")?;
    // A multipart ETag is the MD5 of the parts' MD5s, a dash and the part count, quoted.
    let inner = etag.trim_matches('"');
    let shape_ok = inner.len() == 32 + 2 && inner.ends_with("-2") && inner[..32].bytes().all(|b| b.is_ascii_hexdigit());
    checks.ok(shape_ok, &format!("a multipart ETag looks like \"<md5>-2\", not {etag}"))?;

    let got = s3.get_object().bucket(&bucket).key(key).send().await?;
    checks.eq(got.content_length, Some(2 * PART as i64), "the object is both parts long")?;
    checks.eq(got.e_tag.as_deref(), Some(etag.as_str()), "get_object reports the multipart ETag")?;
    let (length, read_sum) = drain(got.body.unwrap_or_default()).await?;
    checks.eq(length, 2 * PART as u64, "the streamed body is both parts long")?;
    checks.eq(read_sum, sum, "the streamed body is the parts in order")?;
    drop_bucket(&s3, &bucket).await
}

/// Reads a body chunk by chunk, returning its length and checksum; never holds it whole.
async fn drain(mut body: ByteStream) -> Result<(u64, Fnv), Box<dyn std::error::Error>> {
    drain_watching(&mut body, &AtomicU64::new(0)).await
}

async fn drain_watching(body: &mut ByteStream, peak: &AtomicU64) -> Result<(u64, Fnv), Box<dyn std::error::Error>> {
    let mut length = 0u64;
    let mut sum = Fnv::new();
    let mut next_sample = 0u64;
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk?;
        length += chunk.len() as u64;
        sum.update(&chunk);
        if length >= next_sample {
            peak.fetch_max(rss_kib().unwrap_or(0), Ordering::Relaxed);
            next_sample = length + (1 << 20);
        }
    }
    Ok((length, sum))
}

/// An upload body made on the fly, 64 KiB at a time: the 50 MiB never exist at once.
struct Generator {
    sent: u64,
    total: u64,
    sum: Fnv,
    done: Option<Arc<Mutex<Fnv>>>,
    peak: Arc<AtomicU64>,
}

const CHUNK: u64 = 64 * 1024;

impl futures_core::Stream for Generator {
    type Item = Result<Vec<u8>, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.sent >= this.total {
            return Poll::Ready(None);
        }
        let len = CHUNK.min(this.total - this.sent);
        let chunk: Vec<u8> = (this.sent..this.sent + len).map(|i| (i.wrapping_mul(31) ^ (i >> 11)) as u8).collect();
        this.sum.update(&chunk);
        this.sent += len;
        // The checksum is handed over with the last chunk: a sized body stops reading once it
        // has its declared length, so the closing `None` may never be asked for.
        if this.sent == this.total {
            if let Some(done) = this.done.take() {
                *done.lock().unwrap_or_else(|e| e.into_inner()) = this.sum;
            }
        }
        if this.sent.is_multiple_of(1 << 20) {
            this.peak.fetch_max(rss_kib().unwrap_or(0), Ordering::Relaxed);
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}

#[test]
fn s3_streams_fifty_mib_both_ways() {
    let _turn = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    common::run_case("s3-stream-50mib", |endpoint, mut checks| async move {
        let outcome = stream_50_mib(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn stream_50_mib(endpoint: &str, checks: &mut Checks) -> Outcome {
    const TOTAL: u64 = 50 * 1024 * 1024;
    let s3 = Client::new(&common::session(endpoint));
    let bucket = new_bucket(&s3, checks).await?;
    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline.unwrap_or(0)));
    let sent_sum = Arc::new(Mutex::new(Fnv(0)));
    let generator =
        Generator { sent: 0, total: TOTAL, sum: Fnv::new(), done: Some(sent_sum.clone()), peak: peak.clone() };
    s3.put_object().bucket(&bucket).key("big").body(ByteStream::from_sized_stream(generator, TOTAL)).send().await?;
    let sent = *sent_sum.lock().unwrap_or_else(|e| e.into_inner());
    checks.ok(sent != Fnv(0), "the generator ran to its end")?;

    let head = s3.head_object().bucket(&bucket).key("big").send().await?;
    checks.eq(head.content_length, Some(TOTAL as i64), "moto stored all 50 MiB")?;
    let got = s3.get_object().bucket(&bucket).key("big").send().await?;
    checks.eq(got.content_length, Some(TOTAL as i64), "get_object announces 50 MiB")?;
    let mut body = got.body.ok_or("get_object returns a body")?;
    checks.ok(!body.is_in_memory(), "the response body is a stream, not a buffer")?;
    let (length, received) = drain_watching(&mut body, &peak).await?;
    checks.eq(length, TOTAL, "50 MiB streamed back")?;
    checks.eq(received, sent, "the download's checksum is the upload's")?;

    if let Some(baseline) = baseline {
        // Holding the object whole would grow the process by at least 50 MiB; streaming holds a
        // few chunks and HTTP buffers. The margin allows for the allocator and the other cases
        // running beside this one (the multipart case, the only other big one, takes turns).
        let growth_mib = peak.load(Ordering::Relaxed).saturating_sub(baseline) / 1024;
        println!("moto-services: 50 MiB round trip grew the RSS by {growth_mib} MiB");
        checks.ok(growth_mib < 24, &format!("the 50 MiB object was never held whole (RSS grew {growth_mib} MiB)"))?;
    }
    drop_bucket(&s3, &bucket).await
}

#[test]
fn s3_presigned_urls_with_a_plain_http_client() {
    common::run_case("s3-presign", |endpoint, mut checks| async move {
        let outcome = presigned(&endpoint, &mut checks).await;
        (checks, outcome)
    });
}

async fn presigned(endpoint: &str, checks: &mut Checks) -> Outcome {
    let s3 = Client::new(&common::session(endpoint));
    let bucket = new_bucket(&s3, checks).await?;
    let key = "presigned/a key+with~odd=chars";
    let expiry = Duration::from_secs(300);

    let put = s3.put_object().bucket(&bucket).key(key).content_type("text/plain").presign(expiry).await?;
    checks.eq(put.method.as_str(), "PUT", "a presigned PutObject is a PUT")?;
    checks.ok(put.url.contains("X-Amz-Signature="), "the signature is in the URL")?;
    let body = b"uploaded through a presigned URL".to_vec();
    // The std client runs on a blocking thread: a plain HTTP user has no async runtime.
    let (url, headers, sent) = (put.url.clone(), put.headers.clone(), body.clone());
    let response = tokio::task::spawn_blocking(move || http_request("PUT", &url, &headers, &sent)).await??;
    checks.eq(response.status, 200, "moto accepts the presigned PUT")?;

    let got = s3.get_object().bucket(&bucket).key(key).send().await?;
    checks.eq(got.content_type.as_deref(), Some("text/plain"), "the signed content type was applied")?;
    checks.eq(body_bytes(got.body).await?, body.clone(), "the presigned PUT stored the body")?;

    let get = s3.get_object().bucket(&bucket).key(key).presign(expiry).await?;
    checks.eq(get.method.as_str(), "GET", "a presigned GetObject is a GET")?;
    let (url, headers) = (get.url.clone(), get.headers.clone());
    let response = tokio::task::spawn_blocking(move || http_request("GET", &url, &headers, &[])).await??;
    checks.eq(response.status, 200, "the presigned GET succeeds")?;
    checks.ok(response.header("etag").is_some(), "the presigned GET carries the ETag")?;
    checks.eq(response.body, body, "the presigned GET returns the object")?;
    drop_bucket(&s3, &bucket).await
}

#[test]
fn s3_blocking_api() {
    common::run_blocking_case("s3-blocking", |endpoint, checks| {
        let s3 = Client::new(&common::session(&endpoint));
        let bucket = unique("tucuxi-e2e-blocking");
        s3.create_bucket().bucket(&bucket).send_blocking()?;
        s3.put_object().bucket(&bucket).key("sync key").body("from blocking code").send_blocking()?;
        let got = s3.get_object().bucket(&bucket).key("sync key").send_blocking()?;
        let body = got.body.unwrap_or_default().collect_blocking()?;
        checks.eq(body.to_vec(), b"from blocking code".to_vec(), "a blocking GET reads the body")?;
        let missing =
            s3.get_object().bucket(&bucket).key("absent").send_blocking().err().ok_or("GET of a missing key")?;
        checks.ok(
            matches!(missing.modeled::<GetObjectError>(), Some(GetObjectError::NoSuchKey(_))),
            "blocking calls decode modeled errors too",
        )?;
        let url = s3.get_object().bucket(&bucket).key("sync key").presign_blocking(Duration::from_secs(60))?;
        let response = http_request("GET", &url.url, &url.headers, &[])?;
        checks.eq(response.body, b"from blocking code".to_vec(), "presign_blocking makes a usable URL")?;
        s3.delete_object().bucket(&bucket).key("sync key").send_blocking()?;
        s3.delete_bucket().bucket(&bucket).send_blocking()?;
        checks.ok(true, "the blocking cleanup succeeded")
    });
}
