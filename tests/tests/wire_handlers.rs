//! What botocore's `handlers.py` changes on the wire, through generated clients: the bytes each
//! request carries and what each answer reads as. Expected values come from botocore's behaviour
//! and its tests (`tests/unit/test_handlers.py`), or are computed with Python's `hashlib` /
//! `urllib.parse` from botocore's algorithm, never from tucuxi's output.
//!
//! Requests are checked prepared (no server) or through a tiny loopback server that records what
//! it receives and answers with canned responses.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use tucuxi::client::{sse_customer_key, CopySource};
use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::{ErrorKind, Session};

/// One request as the server saw it: the request line, the headers (names lower-cased) and the body.
#[derive(Clone, Debug)]
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Serves `responses` in order (the last one again once they run out) and records each request.
fn serve(responses: Vec<String>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut data = Vec::new();
            let mut buf = [0u8; 65536];
            // Read the head, then as much body as `content-length` says.
            let head_end = loop {
                let Ok(read) = stream.read(&mut buf) else { break None };
                if read == 0 {
                    break None;
                }
                data.extend_from_slice(&buf[..read]);
                if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(at);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
            let mut lines = head.split("\r\n");
            let line = lines.next().unwrap_or_default().to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length: usize =
                headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
            while data.len() < head_end + 4 + length {
                let Ok(read) = stream.read(&mut buf) else { break };
                if read == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..read]);
            }
            record.lock().expect("the request log").push(Seen { line, headers });
            let response = &responses[n.min(responses.len() - 1)];
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, seen)
}

fn response(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn session(endpoint: Option<&str>, env: &[(&str, &str)]) -> Session {
    let mut builder = Session::builder()
        .env_and_fs(
            Env::from_pairs(env.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
            Fs::from_files(Vec::<(String, String)>::new()),
        )
        .region("us-east-1")
        .credentials(Credentials::new("AKIDTEST", "test-secret").with_provider("test"));
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    builder.build().expect("a session over fixtures")
}

macro_rules! header {
    ($request:expr, $name:expr) => {
        $request.headers().get($name).and_then(|v| v.to_str().ok())
    };
}

// ---- S3 CopySource (botocore `handle_copy_source_param`) ----

#[test]
fn copy_sources_are_url_encoded_as_boto3_sends_them() {
    use tucuxi_s3::operations::{COPY_OBJECT, UPLOAD_PART_COPY};
    use tucuxi_s3::types::{CopyObjectRequest, UploadPartCopyRequest};
    let client = tucuxi_s3::Client::new(&session(None, &[]));
    let cases = [
        ("src/a b/ü", "src/a%20b/%C3%BC"),
        ("src/a b/c+d", "src/a%20b/c%2Bd"),
        ("src/key?versionId=abc", "src/key?versionId=abc"),
        // botocore quotes the raw string, so an escape the caller wrote is escaped again.
        ("src/a%20b", "src/a%2520b"),
    ];
    for (source, expected) in cases {
        let mut input = CopyObjectRequest {
            bucket: "dst".into(),
            key: "k".into(),
            copy_source: source.into(),
            ..Default::default()
        };
        let request = client.handle().prepare_request(&COPY_OBJECT, &mut input).expect("a request");
        assert_eq!(header!(request, "x-amz-copy-source"), Some(expected), "{source}");
        let mut input = UploadPartCopyRequest {
            bucket: "dst".into(),
            key: "k".into(),
            copy_source: source.into(),
            part_number: 1,
            upload_id: "u".into(),
            ..Default::default()
        };
        let request = client.handle().prepare_request(&UPLOAD_PART_COPY, &mut input).expect("a request");
        assert_eq!(header!(request, "x-amz-copy-source"), Some(expected), "{source}");
    }
}

#[test]
fn the_structured_copy_source_goes_through_the_setter() {
    let ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>";
    let (url, seen) = serve(vec![response("200 OK", "application/xml", ok)]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    client
        .copy_object()
        .bucket("dst")
        .key("k")
        .copy_source(CopySource::new("src", "a b/ü").version_id("v1"))
        .send_blocking()
        .expect("the copy");
    let seen = seen.lock().unwrap();
    // botocore's `_quote_source_header_from_dict`: `bucket/key` encoded, `?versionId=` appended.
    assert_eq!(seen[0].header("x-amz-copy-source"), Some("src/a%20b/%C3%BC?versionId=v1"));
}

// ---- S3 SSE-C keys (botocore `sse_md5`, `copy_source_sse_md5`) ----

#[test]
fn sse_customer_keys_go_out_base64_with_their_md5() {
    use tucuxi_s3::operations::{COPY_OBJECT, GET_OBJECT};
    use tucuxi_s3::types::{CopyObjectRequest, GetObjectRequest};
    let client = tucuxi_s3::Client::new(&session(None, &[]));
    // botocore's test_handlers.py `test_sse_params`: b'bar' -> 'YmFy', MD5 'N7UdGUp1E+RbVvZSTy1R8g=='.
    let mut input = GetObjectRequest {
        bucket: "b".into(),
        key: "k".into(),
        sse_customer_algorithm: Some("AES256".into()),
        sse_customer_key: Some("bar".into()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&GET_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-server-side-encryption-customer-key"), Some("YmFy"));
    assert_eq!(header!(request, "x-amz-server-side-encryption-customer-key-md5"), Some("N7UdGUp1E+RbVvZSTy1R8g=="));

    // `test_copy_source_sse_params`: both keys on CopyObject.
    let mut input = CopyObjectRequest {
        bucket: "b".into(),
        key: "k".into(),
        copy_source: "s/k".into(),
        sse_customer_key: Some("bar".into()),
        copy_source_sse_customer_key: Some("foo".into()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&COPY_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-server-side-encryption-customer-key"), Some("YmFy"));
    assert_eq!(header!(request, "x-amz-copy-source-server-side-encryption-customer-key"), Some("Zm9v"));
    assert_eq!(
        header!(request, "x-amz-copy-source-server-side-encryption-customer-key-md5"),
        Some("rL0Y20zC+Fzt72VPzMSk2A==")
    );

    // A caller who sets the MD5 sends both values as given (`_needs_s3_sse_customization`).
    let (key, md5) = sse_customer_key(&[0xff; 32]);
    let mut input = GetObjectRequest {
        bucket: "b".into(),
        key: "k".into(),
        sse_customer_key: Some(key.clone()),
        sse_customer_key_md5: Some(md5.clone()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&GET_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-server-side-encryption-customer-key"), Some(key.as_str()));
    assert_eq!(header!(request, "x-amz-server-side-encryption-customer-key-md5"), Some(md5.as_str()));
}

// ---- S3 Expect: 100-continue (botocore `add_expect_header`) ----

#[test]
fn uploads_ask_for_100_continue_and_other_bodies_do_not() {
    use tucuxi_s3::operations::{PUT_BUCKET_TAGGING, PUT_OBJECT};
    use tucuxi_s3::types::{PutBucketTaggingRequest, PutObjectRequest, Tagging};
    let client = tucuxi_s3::Client::new(&session(None, &[]));
    let mut input = PutObjectRequest {
        bucket: "b".into(),
        key: "k".into(),
        body: Some(b"x".to_vec().into()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&PUT_OBJECT, &mut input).expect("a request");
    assert_eq!(header!(request, "expect"), Some("100-continue"));
    let mut input = PutBucketTaggingRequest { bucket: "b".into(), tagging: Tagging::default(), ..Default::default() };
    let request = client.handle().prepare_request(&PUT_BUCKET_TAGGING, &mut input).expect("a request");
    assert_eq!(header!(request, "expect"), None, "an XML body is not file-like in botocore");
}

// ---- S3 listings (botocore `set_list_objects_encoding_type_url`, `decode_list_object_v2`) ----

const LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Prefix>a%20b</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>a+b/%C3%BC%0A</Key><Size>1</Size></Contents><CommonPrefixes><Prefix>a+b/c%2B/</Prefix></CommonPrefixes></ListBucketResult>";

#[test]
fn listings_ask_for_url_encoding_and_decode_the_answer() {
    let (url, seen) = serve(vec![response("200 OK", "application/xml", LISTING)]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let page = client.list_objects_v2().bucket("b").prefix("a b").send_blocking().expect("a listing");
    // Python: unquote_plus of each value.
    assert_eq!(page.prefix.as_deref(), Some("a b"));
    assert_eq!(page.delimiter.as_deref(), Some("/"));
    assert_eq!(page.contents.as_ref().unwrap()[0].key.as_deref(), Some("a b/ü\n"));
    assert_eq!(page.common_prefixes.as_ref().unwrap()[0].prefix.as_deref(), Some("a b/c+/"));
    let line = seen.lock().unwrap()[0].line.clone();
    // botocore adds the parameter after the caller's, so it is the query's last.
    assert!(line.starts_with("GET /b?list-type=2&prefix=a%20b&encoding-type=url "), "{line}");

    // A caller who asks for the encoding reads what S3 sent.
    let (url, seen) = serve(vec![response("200 OK", "application/xml", LISTING)]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let page = client
        .list_objects_v2()
        .bucket("b")
        .encoding_type(tucuxi_s3::types::EncodingType::Url)
        .send_blocking()
        .expect("a listing");
    assert_eq!(page.contents.as_ref().unwrap()[0].key.as_deref(), Some("a+b/%C3%BC%0A"));
    let line = seen.lock().unwrap()[0].line.clone();
    assert_eq!(line.matches("encoding-type=url").count(), 1, "{line}");
}

// ---- S3 GetBucketLocation (botocore `parse_get_bucket_location`) ----

#[test]
fn an_empty_location_constraint_is_none_as_in_botocore() {
    use tucuxi_s3::types::BucketLocationConstraint;
    // us-east-1 buckets answer with an empty element; botocore reads `root.text`, which is None.
    let empty = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>";
    let (url, _) = serve(vec![response("200 OK", "application/xml", empty)]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let answer = client.get_bucket_location().bucket("b").send_blocking().expect("a location");
    assert_eq!(answer.location_constraint, None);

    let eu = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">EU</LocationConstraint>";
    let (url, _) = serve(vec![response("200 OK", "application/xml", eu)]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let answer = client.get_bucket_location().bucket("b").send_blocking().expect("a location");
    assert_eq!(answer.location_constraint, Some(BucketLocationConstraint::Eu));
}

// ---- Route 53 (botocore `fix_route53_ids`) ----

#[test]
fn route53_ids_are_sent_without_their_prefix() {
    use tucuxi_route53::operations::{
        CHANGE_RESOURCE_RECORD_SETS, GET_CHANGE, GET_HOSTED_ZONE, LIST_RESOURCE_RECORD_SETS,
    };
    use tucuxi_route53::types::{
        ChangeResourceRecordSetsRequest, GetChangeRequest, GetHostedZoneRequest, ListResourceRecordSetsRequest,
    };
    // Only the path is under test: an empty change batch, which botocore's checks refuse, is let
    // through as botocore's `parameter_validation=False` lets it.
    let config = tucuxi::client::ClientConfig { parameter_validation: Some(false), ..Default::default() };
    let client = tucuxi_route53::Client::with_config(&session(None, &[]), config);
    let mut input = ChangeResourceRecordSetsRequest { hosted_zone_id: "/hostedzone/Z1".into(), ..Default::default() };
    let request = client.handle().prepare_request(&CHANGE_RESOURCE_RECORD_SETS, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/2013-04-01/hostedzone/Z1/rrset/");
    let mut input = GetHostedZoneRequest { id: "/hostedzone/Z1".into() };
    let request = client.handle().prepare_request(&GET_HOSTED_ZONE, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/2013-04-01/hostedzone/Z1");
    let mut input = GetChangeRequest { id: "/change/C2".into() };
    let request = client.handle().prepare_request(&GET_CHANGE, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/2013-04-01/change/C2");
    let mut input = ListResourceRecordSetsRequest { hosted_zone_id: "Z1".into(), ..Default::default() };
    let request = client.handle().prepare_request(&LIST_RESOURCE_RECORD_SETS, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/2013-04-01/hostedzone/Z1/rrset", "a bare id is kept");
}

// ---- SQS MD5 checks ----

const SQS_JSON: &str = "application/x-amz-json-1.0";

fn attributes() -> tucuxi::Map<String, tucuxi_sqs::types::MessageAttributeValue> {
    use tucuxi_sqs::types::MessageAttributeValue;
    let string = |data_type: &str, value: &str| MessageAttributeValue {
        data_type: data_type.into(),
        string_value: Some(value.into()),
        ..Default::default()
    };
    let mut map = tucuxi::Map::new();
    map.insert("Population".to_owned(), string("Number", "1250800"));
    map.insert("City".to_owned(), string("String", "Any City"));
    map.insert(
        "Picture".to_owned(),
        MessageAttributeValue {
            data_type: "Binary".into(),
            binary_value: Some(vec![0x00, 0x01, 0xff].into()),
            ..Default::default()
        },
    );
    map
}

#[test]
fn sqs_sends_are_checked_against_the_digests_sqs_returns() {
    // Python, SQS's documented algorithm: md5(b"hello") and the length-prefixed attributes
    // (sorted by name, transport byte 1 for String/Number, 2 for Binary).
    let good = r#"{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MD5OfMessageAttributes":"c6b0e2b3df64db78b5a35db319ee5365","MessageId":"m-1"}"#;
    let (url, _) = serve(vec![response("200 OK", SQS_JSON, good)]);
    let client = tucuxi_sqs::Client::new(&session(Some(&url), &[]));
    let sent = client
        .send_message()
        .queue_url("https://q")
        .message_body("hello")
        .message_attributes(attributes())
        .send_blocking()
        .expect("the digests match");
    assert_eq!(sent.message_id.as_deref(), Some("m-1"));

    let bad_body = r#"{"MD5OfMessageBody":"00000000000000000000000000000000","MessageId":"m-1"}"#;
    let (url, _) = serve(vec![response("200 OK", SQS_JSON, bad_body)]);
    let client = tucuxi_sqs::Client::new(&session(Some(&url), &[]));
    let err = client.send_message().queue_url("https://q").message_body("hello").send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("MD5OfMessageBody of message m-1"), "{err}");

    let bad_attributes = r#"{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MD5OfMessageAttributes":"0c32cb5c844c01fbd5b6b434b52cf670","MessageId":"m-1"}"#;
    let (url, _) = serve(vec![response("200 OK", SQS_JSON, bad_attributes)]);
    let client = tucuxi_sqs::Client::new(&session(Some(&url), &[]));
    let err = client
        .send_message()
        .queue_url("https://q")
        .message_body("hello")
        .message_attributes(attributes())
        .send_blocking()
        .unwrap_err();
    assert!(err.to_string().contains("MD5OfMessageAttributes of message m-1"), "{err}");
}

#[test]
fn sqs_received_messages_are_checked_against_themselves() {
    // Python: the one-attribute digest of City=String:"Any City" is 0c32cb5c844c01fbd5b6b434b52cf670.
    let message = |body: &str| {
        format!(
            r#"{{"Messages":[{{"MessageId":"m-2","ReceiptHandle":"r","MD5OfBody":"5d41402abc4b2a76b9719d911017c592","Body":"{body}","MD5OfMessageAttributes":"0c32cb5c844c01fbd5b6b434b52cf670","MessageAttributes":{{"City":{{"DataType":"String","StringValue":"Any City"}}}}}}]}}"#
        )
    };
    let (url, _) = serve(vec![response("200 OK", SQS_JSON, &message("hello"))]);
    let client = tucuxi_sqs::Client::new(&session(Some(&url), &[]));
    let received = client.receive_message().queue_url("https://q").send_blocking().expect("the digests match");
    assert_eq!(received.messages.unwrap()[0].body.as_deref(), Some("hello"));

    let (url, _) = serve(vec![response("200 OK", SQS_JSON, &message("hellO"))]);
    let client = tucuxi_sqs::Client::new(&session(Some(&url), &[]));
    let err = client.receive_message().queue_url("https://q").send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("MD5OfBody of message m-2"), "{err}");
}

// ---- amz-sdk-invocation-id, amz-sdk-request, User-Agent ----

#[test]
fn every_attempt_carries_the_invocation_and_attempt_headers() {
    let (url, seen) = serve(vec![
        response("500 Internal Server Error", SQS_JSON, r#"{"__type":"InternalError"}"#),
        response("200 OK", SQS_JSON, r#"{"QueueUrls":[]}"#),
    ]);
    let session = Session::builder()
        .env_and_fs(Env::from_pairs([("AWS_SDK_UA_APP_ID", "my-app")]), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .endpoint_url(&url)
        .user_agent_extra("my-tool/1.0")
        .credentials(Credentials::new("AKIDTEST", "test-secret").with_provider("test"))
        .build()
        .expect("a session");
    tucuxi_sqs::Client::new(&session).list_queues().send_blocking().expect("the retry succeeds");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one retry");
    // botocore: `attempt=1` first; the retry policy then adds `max` (3 in standard mode).
    assert_eq!(seen[0].header("amz-sdk-request"), Some("attempt=1"));
    assert_eq!(seen[1].header("amz-sdk-request"), Some("attempt=2; max=3"));
    let id = seen[0].header("amz-sdk-invocation-id").expect("an invocation id");
    assert_eq!(seen[1].header("amz-sdk-invocation-id"), Some(id), "one id for every attempt of a call");
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
    assert_eq!(id.as_bytes()[14], b'4', "a version 4 UUID: {id}");
    let signed = seen[0].header("authorization").expect("signed");
    assert!(!signed.contains("amz-sdk"), "botocore adds these after signing: {signed}");
    let ua = seen[0].header("user-agent").expect("a user agent");
    assert!(ua.starts_with(&format!("tucuxi/{} ua/2.1 os/", env!("CARGO_PKG_VERSION"))), "{ua}");
    assert!(ua.contains(" lang/rust#"), "{ua}");
    assert!(ua.ends_with(" cfg/retry-mode#standard app/my-app my-tool/1.0"), "{ua}");
}

// ---- S3 endpoint built-ins (botocore `customize_endpoint_resolver_builtins`) ----

#[test]
fn get_bucket_location_goes_path_style() {
    use tucuxi_s3::operations::{GET_BUCKET_LOCATION, HEAD_BUCKET};
    use tucuxi_s3::types::{GetBucketLocationRequest, HeadBucketRequest};
    let client = tucuxi_s3::Client::new(&session(None, &[]));
    let mut input = GetBucketLocationRequest { bucket: "mybucket".into(), ..Default::default() };
    let request = client.handle().prepare_request(&GET_BUCKET_LOCATION, &mut input).expect("a request");
    let host = request.uri().host().unwrap_or_default().to_owned();
    assert!(!host.starts_with("mybucket."), "{host}");
    assert_eq!(request.uri().path(), "/mybucket");
    assert_eq!(request.uri().query(), Some("location"));
    // Other operations keep virtual hosting.
    let mut input = HeadBucketRequest { bucket: "mybucket".into(), ..Default::default() };
    let request = client.handle().prepare_request(&HEAD_BUCKET, &mut input).expect("a request");
    assert!(request.uri().host().unwrap_or_default().starts_with("mybucket."), "{}", request.uri());
}

// ---- EC2 (botocore `base64_encode_user_data`, `decode_console_output`) ----

#[test]
fn ec2_user_data_goes_out_base64_and_console_output_comes_back_decoded() {
    use tucuxi_ec2::operations::RUN_INSTANCES;
    use tucuxi_ec2::types::RunInstancesRequest;
    let client = tucuxi_ec2::Client::new(&session(None, &[]));
    let mut input = RunInstancesRequest {
        max_count: 1,
        min_count: 1,
        user_data: Some("#!/bin/sh\necho hi\n".into()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&RUN_INSTANCES, &mut input).expect("a request");
    let body = String::from_utf8(request.body().as_bytes().expect("a form body").to_vec()).unwrap();
    // Python: base64.b64encode(b"#!/bin/sh\necho hi\n"), then form-encoded.
    assert!(
        body.contains("UserData=IyEvYmluL3NoCmVjaG8gaGkK&") || body.ends_with("UserData=IyEvYmluL3NoCmVjaG8gaGkK"),
        "{body}"
    );

    // Python: base64.b64encode("boot ok ü\n".encode()).
    let xml = "<GetConsoleOutputResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><instanceId>i-1</instanceId><output>Ym9vdCBvayDDvAo=</output></GetConsoleOutputResponse>";
    let (url, _) = serve(vec![response("200 OK", "text/xml", xml)]);
    let client = tucuxi_ec2::Client::new(&session(Some(&url), &[]));
    let answer = client.get_console_output().instance_id("i-1").send_blocking().expect("an answer");
    assert_eq!(answer.output.as_deref(), Some("boot ok ü\n"));
}

// ---- Lambda recursion detection (botocore `add_recursion_detection_header`) ----

#[test]
fn inside_lambda_requests_carry_the_trace_id() {
    let (url, seen) = serve(vec![response("200 OK", SQS_JSON, r#"{"QueueUrls":[]}"#)]);
    let env = [("AWS_LAMBDA_FUNCTION_NAME", "f"), ("_X_AMZN_TRACE_ID", "Root=1-5759e988;Sampled=1 x")];
    tucuxi_sqs::Client::new(&session(Some(&url), &env)).list_queues().send_blocking().expect("an answer");
    // Python: quote("Root=1-5759e988;Sampled=1 x", safe='-=;:+&[]{}"\',').
    assert_eq!(seen.lock().unwrap()[0].header("x-amzn-trace-id"), Some("Root=1-5759e988;Sampled=1%20x"));

    let (url, seen) = serve(vec![response("200 OK", SQS_JSON, r#"{"QueueUrls":[]}"#)]);
    let env = [("_X_AMZN_TRACE_ID", "Root=1")];
    tucuxi_sqs::Client::new(&session(Some(&url), &env)).list_queues().send_blocking().expect("an answer");
    assert_eq!(seen.lock().unwrap()[0].header("x-amzn-trace-id"), None, "only inside Lambda");
}

// ---- S3 Expires (botocore `handle_expires_header`) ----

#[test]
fn an_expires_header_that_is_not_a_date_does_not_fail_the_call() {
    let head = |expires: &str| {
        format!("HTTP/1.1 200 OK\r\nexpires: {expires}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    };
    let (url, _) = serve(vec![head("soon, maybe")]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let answer = client.head_object().bucket("b").key("k").send_blocking().expect("botocore drops the value");
    assert_eq!(answer.expires, None);
    let (url, _) = serve(vec![head("Wed, 21 Oct 2015 07:28:00 GMT")]);
    let client = tucuxi_s3::Client::new(&session(Some(&url), &[]));
    let answer = client.head_object().bucket("b").key("k").send_blocking().expect("a date");
    assert_eq!(answer.expires.map(|t| t.as_fractional_secs() as i64), Some(1_445_412_480));
}

// ---- S3 Control (botocore `remove_accid_host_prefix_from_model`) ----

#[test]
fn s3_control_puts_the_account_in_the_host_once() {
    use tucuxi_s3control::operations::GET_PUBLIC_ACCESS_BLOCK;
    use tucuxi_s3control::types::GetPublicAccessBlockRequest;
    let client = tucuxi_s3control::Client::new(&session(None, &[]));
    let mut input = GetPublicAccessBlockRequest { account_id: "123456789012".into() };
    let request = client.handle().prepare_request(&GET_PUBLIC_ACCESS_BLOCK, &mut input).expect("a request");
    assert_eq!(request.uri().host(), Some("123456789012.s3-control.us-east-1.amazonaws.com"));
}
