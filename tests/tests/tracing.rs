//! The runtime's `tracing` feature: a call records its span and events (operation, service,
//! attempt, status, retry decision, latency, request id), and no secret reaches them: not the
//! secret key, the session token, the signature, a presigned query string or a sensitive member.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http::{Request, Response};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::http::{SdkBody, TransportFuture};
use tucuxi::{ByteStream, Session};

/// Writes every span's and event's fields, one line each, into a shared string.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = String::from("record");
        values.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

const SECRET_KEY: &str = "SECRET-KEY-must-not-appear";
const TOKEN: &str = "SESSION-TOKEN-must-not-appear";
const SSE_KEY: &str = "SSE-C-KEY-must-not-appear";

#[test]
fn calls_are_traced_without_secrets() {
    let capture = Capture::default();
    let lines = capture.lines.clone();
    // First a throttled answer (retried), then success; each carries a request id.
    let answers = Arc::new(Mutex::new(vec![
        (200, "<PutObjectResult/>", "req-2"),
        (503, "<Error><Code>SlowDown</Code><Message>slow</Message></Error>", "req-1"),
    ]));
    let transport = move |_request: Request<SdkBody>| -> TransportFuture {
        let (status, body, id) = answers.lock().unwrap().pop().expect("an answer");
        Box::pin(async move {
            Ok(Response::builder().status(status).header("x-amz-request-id", id).body(ByteStream::from(body)).unwrap())
        })
    };
    let session = Session::builder()
        .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .credentials(Credentials::new("AKIDTRACE", SECRET_KEY).with_session_token(TOKEN).with_provider("test"))
        .http(transport)
        .build()
        .unwrap();
    let s3 = tucuxi_s3::Client::new(&session);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(capture, || {
        runtime.block_on(async {
            s3.put_object()
                .bucket("b")
                .key("k")
                .sse_customer_algorithm("AES256")
                .sse_customer_key(SSE_KEY)
                .body(ByteStream::from("data"))
                .send()
                .await
                .expect("the retry succeeds");
            let url = s3.get_object().bucket("b").key("k").presign(std::time::Duration::from_secs(60)).await.unwrap();
            assert!(url.url.contains("X-Amz-Signature"));
        })
    });
    let text = lines.lock().unwrap().clone();
    for needle in [
        "span tucuxi.call service=\"s3\" operation=\"PutObject\"",
        "attempt=1 request=PUT https://s3.us-east-1.amazonaws.com/b/k",
        "retrying operation=\"PutObject\" attempt=1 status=503 code=\"SlowDown\" backoff_ms=",
        "attempt=2 request=PUT https://s3.us-east-1.amazonaws.com/b/k",
        "response received status=200 attempts=2 request_id=\"req-2\"",
        "call succeeded status=200 latency_ms=",
        "SSECustomerKey: *** Sensitive Data Redacted ***",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    for secret in
        [SECRET_KEY, TOKEN, SSE_KEY, "Signature=", "X-Amz-Signature", "AWS4-HMAC-SHA256", "x-amz-security-token"]
    {
        assert!(!text.contains(secret), "{secret:?} leaked into:\n{text}");
    }
}
