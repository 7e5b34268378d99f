//! Flexible checksums through the generated S3 client, against what boto3 sends.
//!
//! Every expected header and body below is what botocore 1.43.11 sends for the same call,
//! captured with a `before-send` hook (endpoint `https://s3.example.com` or `http://...`,
//! path-style addressing, bucket `b`, key `k`):
//!
//! - `put_object(Body=b'hello world')` over HTTPS: `Transfer-Encoding: chunked`,
//!   `Content-Encoding: aws-chunked`, `X-Amz-Trailer: x-amz-checksum-crc32`,
//!   `X-Amz-Decoded-Content-Length: 11`, `x-amz-sdk-checksum-algorithm: CRC32`,
//!   `X-Amz-Content-SHA256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`, no `Content-Length`, and the body
//!   `b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n`.
//! - the same over HTTP: `x-amz-checksum-crc32: DUoRhQ==`, `x-amz-sdk-checksum-algorithm: CRC32`,
//!   `X-Amz-Content-SHA256: b94d27b9...`, `Content-Length: 11`, the body as it is.
//! - with a stream of unknown length over HTTPS: as the first, without the decoded length.
//! - with `ContentEncoding='gzip'`: `Content-Encoding: gzip,aws-chunked`.
//! - with `ChecksumCRC32='AAAAAA=='`: that header, no algorithm header, the body as it is.
//! - with `ChecksumAlgorithm='SHA256'`: the trailer `x-amz-checksum-sha256:uU0nuZNN...`.
//! - `delete_objects(Delete={'Objects': [{'Key': 'a'}]})`: `x-amz-checksum-crc32: CEaAGw==` and
//!   `x-amz-sdk-checksum-algorithm: CRC32`, no `Content-MD5`.
//! - `put_bucket_policy(Policy='{}')`: `x-amz-checksum-crc32: o6a/Qw==`, no `Content-MD5`.
//! - `get_object(...)`: `x-amz-checksum-mode: ENABLED`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use tucuxi::config::{ChecksumWhen, Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::{ByteStream, Session};
use tucuxi_s3::operations::{DELETE_OBJECTS, GET_OBJECT, PUT_BUCKET_POLICY, PUT_OBJECT};
use tucuxi_s3::types::{
    Delete, DeleteObjectsRequest, GetObjectRequest, ObjectIdentifier, PutBucketPolicyRequest, PutObjectRequest,
};

/// The botocore body of `put_object(Body=b'hello world')` over HTTPS.
const CHUNKED_HELLO: &[u8] = b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";

fn session(
    endpoint: &str,
    configure: impl FnOnce(tucuxi::session::SessionBuilder) -> tucuxi::session::SessionBuilder,
) -> Session {
    let builder = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDEXAMPLE", "secret").with_provider("test"));
    configure(builder).build().expect("a session over fixtures")
}

fn s3(endpoint: &str) -> tucuxi_s3::Client {
    let client = tucuxi_s3::Client::new(&session(endpoint, |b| b));
    force_path_style(client, endpoint)
}

fn force_path_style(client: tucuxi_s3::Client, endpoint: &str) -> tucuxi_s3::Client {
    let config = tucuxi::client::ClientConfig {
        endpoint_url: Some(endpoint.to_owned()),
        s3_force_path_style: Some(true),
        ..Default::default()
    };
    tucuxi_s3::Client::with_config(client.handle().session(), config)
}

/// A header of a request, as text; a macro because the test crate does not name `http`'s types.
macro_rules! header {
    ($request:expr, $name:expr) => {
        $request.headers().get($name).and_then(|v| v.to_str().ok())
    };
}

fn put(body: ByteStream) -> PutObjectRequest {
    PutObjectRequest { bucket: "b".into(), key: "k".into(), body: Some(body), ..Default::default() }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// A one-shot stream of `pieces`, of unknown length.
fn stream_of(pieces: &[&'static str]) -> ByteStream {
    struct Pieces(std::collections::VecDeque<&'static str>);
    impl futures_core::Stream for Pieces {
        type Item = Result<&'static str, std::convert::Infallible>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.pop_front().map(Ok))
        }
    }
    ByteStream::from_stream(Pieces(pieces.iter().copied().collect()))
}

#[test]
fn put_object_in_memory_over_https_is_aws_chunked_with_a_crc32_trailer() {
    let client = s3("https://s3.example.com");
    let request =
        client.handle().prepare_request(&PUT_OBJECT, &mut put(ByteStream::from("hello world"))).expect("a request");
    assert_eq!(request.uri().to_string(), "https://s3.example.com/b/k");
    assert_eq!(header!(request, "transfer-encoding"), Some("chunked"));
    assert_eq!(header!(request, "content-encoding"), Some("aws-chunked"));
    assert_eq!(header!(request, "x-amz-trailer"), Some("x-amz-checksum-crc32"));
    assert_eq!(header!(request, "x-amz-decoded-content-length"), Some("11"));
    assert_eq!(header!(request, "x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(header!(request, "content-length"), None);
    assert_eq!(header!(request, "x-amz-checksum-crc32"), None, "the checksum is in the trailer");
    let body = runtime().block_on(request.into_body().into_stream().collect()).expect("the encoded body");
    assert_eq!(&body[..], CHUNKED_HELLO);

    // A content encoding of the caller's comes first.
    let mut input = put(ByteStream::from("hello world"));
    input.content_encoding = Some("gzip".into());
    let request = client.handle().prepare_request(&PUT_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "content-encoding"), Some("gzip,aws-chunked"));
}

#[test]
fn a_callers_algorithm_or_value_takes_precedence() {
    let client = s3("https://s3.example.com");
    let mut input = put(ByteStream::from("hello world"));
    input.checksum_algorithm = Some("SHA256".into());
    let request = client.handle().prepare_request(&PUT_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-sdk-checksum-algorithm"), Some("SHA256"));
    assert_eq!(header!(request, "x-amz-trailer"), Some("x-amz-checksum-sha256"));
    let body = runtime().block_on(request.into_body().into_stream().collect()).expect("the encoded body");
    assert_eq!(
        &body[..],
        &b"b\r\nhello world\r\n0\r\nx-amz-checksum-sha256:uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=\r\n\r\n"[..]
    );

    // A value the caller computed is sent as it is, and nothing else is added.
    let mut input = put(ByteStream::from("hello world"));
    input.checksum_crc32 = Some("AAAAAA==".into());
    let request = client.handle().prepare_request(&PUT_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-checksum-crc32"), Some("AAAAAA=="));
    assert_eq!(header!(request, "x-amz-sdk-checksum-algorithm"), None);
    assert_eq!(header!(request, "content-encoding"), None);
    assert_eq!(header!(request, "content-length"), Some("11"));

    // An algorithm botocore cannot compute is refused before anything is sent.
    let mut input = put(ByteStream::from("hello world"));
    input.checksum_algorithm = Some("XXHASH64".into());
    let error = client.handle().prepare_request(&PUT_OBJECT, &mut input).expect_err("not computable");
    assert_eq!(error.kind(), tucuxi::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("unsupported checksum algorithm \"XXHASH64\""), "{error}");
}

#[test]
fn required_checksums_are_crc32_not_md5_whatever_the_setting() {
    for when in [ChecksumWhen::WhenSupported, ChecksumWhen::WhenRequired] {
        let session = session("https://s3.example.com", |b| b.request_checksum_calculation(when));
        let client = force_path_style(tucuxi_s3::Client::new(&session), "https://s3.example.com");
        let mut input = DeleteObjectsRequest {
            bucket: "b".into(),
            delete: Delete {
                objects: vec![ObjectIdentifier { key: "a".into(), ..Default::default() }],
                ..Default::default()
            },
            ..Default::default()
        };
        let request = client.handle().prepare_request(&DELETE_OBJECTS, &mut input).expect("a request");
        assert_eq!(header!(request, "x-amz-checksum-crc32"), Some("CEaAGw=="), "{when:?}");
        assert_eq!(header!(request, "x-amz-sdk-checksum-algorithm"), Some("CRC32"), "{when:?}");
        assert_eq!(header!(request, "content-md5"), None, "{when:?}");
        let body = runtime().block_on(request.into_body().into_stream().collect()).expect("the body");
        assert_eq!(
            &body[..],
            &br#"<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object></Delete>"#[..]
        );

        let mut input = PutBucketPolicyRequest { bucket: "b".into(), policy: "{}".into(), ..Default::default() };
        let request = client.handle().prepare_request(&PUT_BUCKET_POLICY, &mut input).expect("a request");
        assert_eq!(header!(request, "x-amz-checksum-crc32"), Some("o6a/Qw=="), "{when:?}");
        assert_eq!(header!(request, "content-md5"), None, "{when:?}");

        // PutObject only supports a checksum: under `when_required` it gets none.
        let request =
            client.handle().prepare_request(&PUT_OBJECT, &mut put(ByteStream::from("hello world"))).expect("a request");
        let expected = (when == ChecksumWhen::WhenSupported).then_some("CRC32");
        assert_eq!(header!(request, "x-amz-sdk-checksum-algorithm"), expected, "{when:?}");
        assert_eq!(header!(request, "content-encoding").is_some(), expected.is_some(), "{when:?}");
    }
}

#[test]
fn get_object_asks_for_checksums_unless_validation_is_when_required() {
    let client = s3("https://s3.example.com");
    let mut input = GetObjectRequest { bucket: "b".into(), key: "k".into(), ..Default::default() };
    let request = client.handle().prepare_request(&GET_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-checksum-mode"), Some("ENABLED"));

    let session = session("https://s3.example.com", |b| b.response_checksum_validation(ChecksumWhen::WhenRequired));
    let client = force_path_style(tucuxi_s3::Client::new(&session), "https://s3.example.com");
    let mut input = GetObjectRequest { bucket: "b".into(), key: "k".into(), ..Default::default() };
    let request = client.handle().prepare_request(&GET_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-checksum-mode"), None);
}

#[test]
fn presigned_requests_get_no_default_checksum() {
    let client = s3("https://s3.example.com");
    let presigned = client
        .put_object()
        .bucket("b")
        .key("k")
        .body(ByteStream::from("hello world"))
        .presign_blocking(std::time::Duration::from_secs(60))
        .expect("a presigned request");
    let names: Vec<&str> = presigned.headers.iter().map(|(name, _)| name.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.starts_with("x-amz-checksum") || *n == "x-amz-sdk-checksum-algorithm"),
        "{names:?}"
    );
    assert!(!presigned.url.contains("checksum"), "{}", presigned.url);
}

/// One request as the server saw it: the head (request line and headers, lower-cased names)
/// and the body with HTTP's own chunked framing removed.
struct Seen {
    head: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A loopback server that records each request and answers with `response` (raw HTTP/1.1).
fn record(response: Vec<u8>) -> (String, mpsc::Receiver<Seen>) {
    record_each(Vec::new(), response)
}

/// [`record`], answering the first requests with `first` in turn.
fn record_each(first: Vec<Vec<u8>>, then: Vec<u8>) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut first = first.into_iter();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Some(seen) = read_request(&mut BufReader::new(&mut stream)) else { continue };
            let _ = tx.send(seen);
            let _ = stream.write_all(&first.next().unwrap_or_else(|| then.clone()));
        }
    });
    (url, rx)
}

fn read_request(reader: &mut impl BufRead) -> Option<Seen> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            head.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let find = |name: &str| head.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if find("transfer-encoding").as_deref() == Some("chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            if size == 0 {
                let mut end = String::new();
                reader.read_line(&mut end).ok()?;
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = find("content-length").and_then(|l| l.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(Seen { head, body })
}

const PUT_OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

#[test]
fn put_object_on_the_wire_in_memory_and_streamed() {
    let (url, seen) = record(PUT_OK.to_vec());
    let client = s3(&url);
    client.put_object().bucket("b").key("k").body(ByteStream::from("hello world")).send_blocking().expect("sent");
    let request = seen.recv().expect("a request");
    // Over plain HTTP an in-memory body keeps its header checksum and signed payload, as botocore.
    assert_eq!(request.header("x-amz-checksum-crc32"), Some("DUoRhQ=="));
    assert_eq!(request.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(
        request.header("x-amz-content-sha256"),
        Some("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    );
    assert_eq!(request.header("content-length"), Some("11"));
    assert_eq!(request.body, b"hello world");

    // A stream of unknown length: an aws-chunked body with the trailer, in HTTP chunks.
    client.put_object().bucket("b").key("k").body(stream_of(&["hello ", "world"])).send_blocking().expect("sent");
    let request = seen.recv().expect("a request");
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(request.header("content-encoding"), Some("aws-chunked"));
    assert_eq!(request.header("x-amz-trailer"), Some("x-amz-checksum-crc32"));
    assert_eq!(request.header("x-amz-decoded-content-length"), None);
    assert_eq!(request.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(request.header("x-amz-content-sha256"), Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
    assert_eq!(request.header("content-length"), None);
    let authorization = request.header("authorization").expect("signed");
    assert!(authorization.contains("x-amz-content-sha256"), "{authorization}");
    assert!(authorization.contains("x-amz-trailer"), "{authorization}");
    assert_eq!(request.body, CHUNKED_HELLO);
}

#[test]
fn a_file_upload_is_aws_chunked_and_sent_again_whole_on_a_retry() {
    let path = std::env::temp_dir().join(format!("tucuxi-cksum-{}.txt", std::process::id()));
    std::fs::write(&path, "hello world").expect("a temporary file");
    let busy = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec();
    let (url, seen) = record_each(vec![busy], PUT_OK.to_vec());
    let rt = runtime();
    let body = rt.block_on(ByteStream::from_path(&path)).expect("the file");
    rt.block_on(s3(&url).put_object().bucket("b").key("k").body(body).send()).expect("sent on the second attempt");
    let _ = std::fs::remove_file(&path);
    for attempt in 1..=2 {
        let request = seen.recv().expect("a request");
        assert_eq!(request.header("content-encoding"), Some("aws-chunked"), "attempt {attempt}");
        assert_eq!(request.header("x-amz-decoded-content-length"), Some("11"), "attempt {attempt}");
        assert_eq!(request.body, CHUNKED_HELLO, "attempt {attempt}");
    }
}

fn get_response(checksum: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nx-amz-checksum-crc32: {checksum}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn get_object_bodies_are_validated_as_they_are_read() {
    let rt = runtime();
    // CRC32 of `hello world` is `DUoRhQ==` (Python's zlib.crc32).
    let (url, seen) = record(get_response("DUoRhQ==", "hello world"));
    let out = rt.block_on(s3(&url).get_object().bucket("b").key("k").send()).expect("an object");
    assert_eq!(seen.recv().expect("a request").header("x-amz-checksum-mode"), Some("ENABLED"));
    let body = rt.block_on(out.body.expect("a body").collect()).expect("a valid body");
    assert_eq!(&body[..], b"hello world");

    let (url, _seen) = record(get_response("DUoRhQ==", "hello there"));
    let out = rt.block_on(s3(&url).get_object().bucket("b").key("k").send()).expect("headers arrive first");
    let mut body = out.body.expect("a body");
    let first = rt.block_on(body.next_chunk()).expect("data").expect("the bytes");
    assert_eq!(&first[..], b"hello there");
    let error = rt.block_on(body.next_chunk()).expect("the end is an error").expect_err("a mismatch");
    assert_eq!(error.kind(), tucuxi::http::HttpErrorKind::ChecksumMismatch);
    let calculated = "bRLpUA=="; // base64(zlib.crc32(b"hello there").to_bytes(4, "big"))
    assert_eq!(
        error.message(),
        format!(
            "the body does not match its x-amz-checksum-crc32 checksum: expected DUoRhQ==, calculated {calculated}"
        )
    );

    // A composite checksum of a multipart object covers the parts, so it is not checked.
    let (url, _seen) = record(get_response("AAAAAA==-2", "hello there"));
    let out = rt.block_on(s3(&url).get_object().bucket("b").key("k").send()).expect("an object");
    assert!(rt.block_on(out.body.expect("a body").collect()).is_ok());

    // Under `when_required` nothing asks for validation, so nothing is checked.
    let (url, _seen) = record(get_response("DUoRhQ==", "hello there"));
    let session = session(&url, |b| b.response_checksum_validation(ChecksumWhen::WhenRequired));
    let client = force_path_style(tucuxi_s3::Client::new(&session), &url);
    let out = rt.block_on(client.get_object().bucket("b").key("k").send()).expect("an object");
    assert!(rt.block_on(out.body.expect("a body").collect()).is_ok());
}
