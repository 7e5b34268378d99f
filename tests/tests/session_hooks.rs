//! The session's extension points through real generated clients and only the public API: a
//! replacement transport that records requests, a frozen clock that makes the signature of a
//! call reproduce the official SigV4 test vector, and interceptors.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use http::{Request, Response};
use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::http::{BoxError, SdkBody, TransportFuture};
use tucuxi::interceptor::Context;
use tucuxi::{ByteStream, Interceptor, ManualClock, Session};

/// The SigV4 suite's `get-vanilla` case (shared/conformance/signing/v4/get-vanilla): its
/// credentials, time (2015-08-30T12:36:00Z), region, service and expected signature.
const SUITE_CASE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/signing/v4/get-vanilla");
const VANILLA_TIME: u64 = 1_440_938_160;

/// A rule set that sends every call to the suite's host and signs as its `service` in
/// `us-east-1`, so that an ordinary S3 `ListBuckets` (`GET /`) is the suite's request.
static SUITE_RULES: tucuxi::client::Rules = tucuxi::client::Rules::new(
    r#"{"version":"1.0","parameters":{"Region":{"type":"String","builtIn":"AWS::Region","required":false}},
    "rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://example.amazonaws.com",
    "properties":{"authSchemes":[{"name":"sigv4","signingName":"service","signingRegion":"us-east-1"}]},
    "headers":{}}}]}"#,
);

type Recorded = Arc<Mutex<Vec<Request<SdkBody>>>>;

/// A transport that keeps every request and answers `status` with `body`.
fn recording(status: u16, body: &'static str) -> (Recorded, impl tucuxi::http::HttpTransport) {
    let seen: Recorded = Arc::default();
    let keep = seen.clone();
    let transport = move |request: Request<SdkBody>| -> TransportFuture {
        keep.lock().unwrap().push(request);
        Box::pin(async move {
            let response = Response::builder().status(status).body(ByteStream::from(body)).unwrap();
            Ok(response)
        })
    };
    (seen, transport)
}

/// A session that reads nothing from this machine.
fn hermetic() -> tucuxi::session::SessionBuilder {
    Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
}

fn seen_requests(seen: &Recorded) -> std::sync::MutexGuard<'_, Vec<Request<SdkBody>>> {
    seen.lock().unwrap()
}

fn suite_file(name: &str) -> String {
    std::fs::read_to_string(format!("{SUITE_CASE}/{name}"))
        .unwrap_or_else(|e| panic!("the signing suite is missing ({SUITE_CASE}/{name}): {e}"))
}

fn suite_context() -> serde_json::Value {
    serde_json::from_str(&suite_file("context.json")).unwrap()
}

#[test]
fn frozen_clock_reproduces_the_sigv4_vector_through_a_generated_client() {
    let context = suite_context();
    assert_eq!(context["timestamp"], "2015-08-30T12:36:00Z", "the case's time changed; update VANILLA_TIME");
    let credentials = Credentials::new(
        context["credentials"]["access_key_id"].as_str().unwrap(),
        context["credentials"]["secret_access_key"].as_str().unwrap(),
    )
    .with_provider("test");
    let (seen_handle, transport) = recording(200, "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>");
    let seen = &seen_handle;
    let session = hermetic()
        .region(context["region"].as_str().unwrap())
        .credentials(credentials)
        .clock(ManualClock::new(UNIX_EPOCH + Duration::from_secs(VANILLA_TIME)))
        .http(transport)
        .build()
        .unwrap();
    let handle = tucuxi::client::ClientHandle::new(&session, &tucuxi_s3::SERVICE, &SUITE_RULES);
    let s3 = tucuxi_s3::Client::from_handle(handle);
    let output = s3.list_buckets().send_blocking().expect("the recorded answer parses");
    assert_eq!(output.buckets.as_deref().map(<[_]>::len), Some(0));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one request went through the transport");
    let request = &seen[0];
    assert_eq!(request.method(), "GET");
    assert_eq!(request.uri().to_string(), "https://example.amazonaws.com/");
    let expected = suite_file("header-signed-request.txt");
    let authorization = expected.lines().find_map(|l| l.strip_prefix("Authorization:")).unwrap();
    let date = expected.lines().find_map(|l| l.strip_prefix("X-Amz-Date:")).unwrap();
    assert_eq!(request.headers()["authorization"], authorization);
    assert_eq!(request.headers()["x-amz-date"], date);
    assert!(authorization.ends_with(suite_file("header-signature.txt").trim()));

    // A second call at the same frozen time signs identically, byte for byte.
    drop(seen);
    s3.list_buckets().send_blocking().unwrap();
    let seen = seen_requests(&seen_handle);
    assert_eq!(seen[0].headers()["authorization"], seen[1].headers()["authorization"]);
}

#[test]
fn presigned_urls_use_the_session_clock() {
    let (_, transport) = recording(200, "");
    let session = hermetic()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret").with_provider("test"))
        .clock(ManualClock::new(UNIX_EPOCH + Duration::from_secs(VANILLA_TIME)))
        .http(transport)
        .build()
        .unwrap();
    let s3 = tucuxi_s3::Client::new(&session);
    let url = s3.get_object().bucket("b").key("k").presign_blocking(Duration::from_secs(60)).unwrap().url;
    assert!(url.contains("X-Amz-Date=20150830T123600Z"), "{url}");
    let again = s3.get_object().bucket("b").key("k").presign_blocking(Duration::from_secs(60)).unwrap().url;
    assert_eq!(url, again, "a frozen clock makes presigned URLs reproducible");
}

/// Adds a header before signing, so the header is signed and sent.
struct AddHeader;

impl Interceptor for AddHeader {
    fn name(&self) -> &str {
        "add-header"
    }
    fn modify_before_signing(&self, _: &Context, request: &mut Request<SdkBody>) -> Result<(), BoxError> {
        request.headers_mut().insert("x-test-added", "yes".parse()?);
        Ok(())
    }
}

/// Keeps the signed request's method, URL and headers, and every point it saw.
#[derive(Default)]
struct Record {
    signed: Mutex<Vec<(String, http::HeaderMap)>>,
    points: Mutex<Vec<String>>,
}

impl Interceptor for Record {
    fn name(&self) -> &str {
        "record"
    }
    fn read_before_execution(&self, c: &Context) -> Result<(), BoxError> {
        self.points.lock().unwrap().push(format!("execution {}", c.operation.name));
        Ok(())
    }
    fn read_before_attempt(&self, c: &Context) -> Result<(), BoxError> {
        self.points.lock().unwrap().push(format!("attempt {}", c.attempt));
        Ok(())
    }
    fn read_before_transmit(&self, _: &Context, request: &Request<SdkBody>) -> Result<(), BoxError> {
        self.signed.lock().unwrap().push((request.uri().to_string(), request.headers().clone()));
        Ok(())
    }
    fn read_after_transmit(&self, _: &Context, response: &http::response::Parts) -> Result<(), BoxError> {
        self.points.lock().unwrap().push(format!("response {}", response.status.as_u16()));
        Ok(())
    }
    fn read_after_execution(&self, _: &Context, outcome: Result<&dyn tucuxi::shape::Shape, &tucuxi::Error>) {
        self.points.lock().unwrap().push(format!("done ok={}", outcome.is_ok()));
    }
}

#[test]
fn interceptors_add_a_signed_header_and_see_the_signed_request() {
    let (seen, transport) = recording(200, r#"{"QueueUrls":["https://q/1"]}"#);
    let record = Arc::new(Record::default());
    let session = hermetic()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret").with_provider("test"))
        .http(transport)
        .interceptor(AddHeader)
        .interceptor_arc(record.clone())
        .build()
        .unwrap();
    let sqs = tucuxi_sqs::Client::new(&session);
    let output = sqs.list_queues().send_blocking().unwrap();
    assert_eq!(output.queue_urls, Some(vec!["https://q/1".to_owned()]));

    // The transport (what the server would receive) has the header, and it was signed.
    let sent = &seen.lock().unwrap()[0];
    assert_eq!(sent.headers()["x-test-added"], "yes");
    let auth = sent.headers()["authorization"].to_str().unwrap().to_owned();
    let signed_headers = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
    assert!(signed_headers.split(';').any(|h| h == "x-test-added"), "{auth}");

    // The recording interceptor saw the same signed request.
    let signed = record.signed.lock().unwrap();
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].0, sent.uri().to_string());
    assert_eq!(signed[0].1["authorization"], sent.headers()["authorization"]);
    assert_eq!(*record.points.lock().unwrap(), ["execution ListQueues", "attempt 1", "response 200", "done ok=true"]);
}

/// Refuses every call before it is sent.
struct Refuse;

impl Interceptor for Refuse {
    fn name(&self) -> &str {
        "refuse"
    }
    fn modify_before_serialization(&self, _: &Context, _: &mut dyn tucuxi::shape::Shape) -> Result<(), BoxError> {
        Err("not today".into())
    }
}

#[test]
fn a_client_interceptor_error_stops_the_call_and_names_itself() {
    let (seen, transport) = recording(200, "{}");
    let session = hermetic()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret").with_provider("test"))
        .http(transport)
        .build()
        .unwrap();
    let mut config = tucuxi::client::ClientConfig::default();
    config.interceptors.push(Arc::new(Refuse));
    let refused = tucuxi_sqs::Client::with_config(&session, config);
    let err = refused.list_queues().send_blocking().unwrap_err();
    assert_eq!(err.kind(), tucuxi::ErrorKind::Interceptor);
    assert_eq!(err.to_string(), "ListQueues: refuse failed in modify_before_serialization: not today");
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
    // Another client of the same session does not run it.
    tucuxi_sqs::Client::new(&session).list_queues().send_blocking().unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn credential_expiry_is_read_from_the_session_clock() {
    // Credentials valid for an hour after the frozen time: the machine's clock (years later)
    // says they expired, the session's frozen clock says they are good.
    let frozen = UNIX_EPOCH + Duration::from_secs(VANILLA_TIME);
    let expiring =
        || Credentials::new("AKID", "secret")
            .with_session_token("token")
            .with_expiration(frozen + Duration::from_secs(3600))
            .with_provider("test");
    let real_time = hermetic().region("us-east-1").credentials(expiring()).build().unwrap();
    assert!(real_time.credentials().is_err(), "expired by the system clock");
    let frozen_time =
        hermetic().region("us-east-1").credentials(expiring()).clock(ManualClock::new(frozen)).build().unwrap();
    assert!(frozen_time.credentials().is_ok(), "valid by the session clock");
}
