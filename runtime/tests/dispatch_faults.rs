//! The attempt loop (`tucuxi::dispatch`) against an in-process misbehaving HTTP/1.1 server on
//! loopback. The server plays a script, one step per request it receives, and counts requests, so
//! each test asserts exactly how many attempts were made. Backoff comes from an injected jitter
//! source returning a small fixed draw, so the computed delays are asserted without long sleeps;
//! every wait is bounded by millisecond-scale timeouts.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tucuxi::dispatch::{default_classifier, send_with_retries, DispatchError, DispatchOptions, RetryLog};
use tucuxi::http::{HttpClient, HttpConfig, HttpErrorKind, SdkBody};
use tucuxi::retry::{GiveUpReason, RetryConfig, RetryMode, RetryStrategy};
use tucuxi::types::{DateTime, TimestampFormat};
use tucuxi::ByteStream;

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// What the server does with one request.
#[derive(Clone)]
enum Step {
    /// Writes these bytes and keeps the connection for the next request.
    Reply(Vec<u8>),
    /// Resets the connection (RST) without answering.
    Reset,
    /// Waits this long before replying, to provoke a read timeout.
    Stall(Duration, Vec<u8>),
    /// Writes these bytes, then closes the connection (for truncated bodies).
    ReplyAndClose(Vec<u8>),
}

fn reply(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n{headers}\r\n{body}", body.len()).into_bytes()
}

fn ok() -> Step {
    Step::Reply(reply("200 OK", "", "done"))
}

fn status(code: u16) -> Step {
    Step::Reply(reply(&format!("{code} Oops"), "", ""))
}

/// A server playing `script` (then `200 OK` forever), and its request counter.
struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl Server {
    async fn start(script: Vec<Step>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let counter = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                tokio::spawn(serve(stream, script.clone(), counter.clone()));
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Serves one connection: reads each request's head and body (sized or chunked), then plays the
/// next step.
async fn serve(mut stream: TcpStream, script: Arc<Mutex<VecDeque<Step>>>, counter: Arc<AtomicUsize>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize =
            head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        if head.contains("\r\ntransfer-encoding: chunked") {
            // The scripted uploads are tiny, so skipping to the last-chunk marker is enough.
            loop {
                if let Some(at) = buf.windows(5).position(|w| w == b"0\r\n\r\n") {
                    buf.drain(..at + 5);
                    break;
                }
                let mut chunk = [0u8; 8192];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        }
        counter.fetch_add(1, Ordering::SeqCst);
        let step = script.lock().unwrap().pop_front().unwrap_or_else(ok);
        match step {
            Step::Reply(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::Stall(delay, bytes) => {
                tokio::time::sleep(delay).await;
                // The client has usually given up by now; a failed write just ends the connection.
                let _ = stream.write_all(&bytes).await;
                return;
            }
            Step::Reset => {
                // A zero linger time makes close send RST instead of FIN.
                #[allow(deprecated)] // Deprecated for blocking on drop, which a zero linger does not.
                stream.set_linger(Some(Duration::ZERO)).unwrap();
                return;
            }
            Step::ReplyAndClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

fn client() -> HttpClient {
    HttpClient::new(HttpConfig { connect_timeout: ms(2000), read_timeout: ms(200), ..HttpConfig::default() }).unwrap()
}

/// A standard-mode strategy whose jitter draw is always `draw`, so backoff is `draw` times the
/// base: 50 ms for transient errors and 1 s for throttling, before doubling.
fn strategy(config: RetryConfig, draw: f64) -> RetryStrategy {
    RetryStrategy::new(config).with_random(move || draw)
}

fn standard() -> RetryConfig {
    RetryConfig::new(RetryMode::Standard)
}

/// Sends an empty-bodied GET through the loop.
async fn call(
    client: &HttpClient,
    strategy: &RetryStrategy,
    url: &str,
) -> Result<http::Response<ByteStream>, DispatchError> {
    let options = DispatchOptions::new("GetThing");
    send_with_retries(client, strategy, &options, |_, _| Request::get(url).body(SdkBody::empty()), default_classifier)
        .await
}

fn log_of(response: &http::Response<ByteStream>) -> RetryLog {
    response.extensions().get::<RetryLog>().cloned().unwrap()
}

#[test]
fn server_error_then_success_takes_two_attempts() {
    run(async {
        let server = Server::start(vec![status(500), ok()]).await;
        let response = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(server.requests(), 2);
        assert_eq!(log_of(&response), RetryLog { attempts: 2, delays: vec![Duration::ZERO] });
        assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from_static(b"done"));
    });
}

/// S3's failure after the headers went out: `200 OK` with an `<Error>` document.
fn error_in_200() -> Step {
    Step::Reply(reply(
        "200 OK",
        "Content-Type: application/xml\r\n",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
    ))
}

/// Sends through the loop with the success body buffered, reading errors inside 200s if asked.
async fn call_buffered(
    strategy: &RetryStrategy,
    url: &str,
    errors_in_success: bool,
) -> Result<http::Response<ByteStream>, DispatchError> {
    let mut options = DispatchOptions::new("CompleteMultipartUpload").buffered(1 << 20);
    if errors_in_success {
        options = options.errors_in_success();
    }
    send_with_retries(
        &client(),
        strategy,
        &options,
        |_, _| Request::post(url).body(SdkBody::empty()),
        default_classifier,
    )
    .await
}

#[test]
fn an_error_inside_a_200_is_retried_as_a_500_when_the_operation_can_get_one() {
    run(async {
        let server = Server::start(vec![error_in_200(), ok()]).await;
        let response = call_buffered(&strategy(standard(), 0.0), &server.url, true).await.unwrap();
        assert_eq!(server.requests(), 2);
        assert_eq!(log_of(&response).attempts, 2);
        assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from_static(b"done"));
    });
}

#[test]
fn a_persistent_error_inside_a_200_gives_up_with_the_true_status_and_the_code() {
    run(async {
        let server = Server::start(vec![error_in_200(), error_in_200(), error_in_200()]).await;
        let err = call_buffered(&strategy(standard(), 0.0), &server.url, true).await.unwrap_err();
        assert_eq!(server.requests(), 3);
        assert_eq!(err.error_code(), Some("InternalError"));
        let response = err.response().unwrap();
        assert_eq!(response.status, 200);
        assert!(response.body.ends_with(b"</Error>"));
    });
}

#[test]
fn an_error_document_in_a_200_is_data_unless_the_operation_says_otherwise() {
    run(async {
        let server = Server::start(vec![error_in_200()]).await;
        let response = call_buffered(&strategy(standard(), 0.0), &server.url, false).await.unwrap();
        assert_eq!(server.requests(), 1);
        assert!(response.into_body().collect().await.unwrap().starts_with(b"<?xml"));
    });
}

#[test]
fn persistent_503_gives_up_after_max_attempts_with_the_reason() {
    run(async {
        let slow_down = Step::Reply(reply(
            "503 Slow Down",
            "Content-Type: application/xml\r\n",
            "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>",
        ));
        let server = Server::start(vec![slow_down.clone(), slow_down.clone(), slow_down]).await;
        let err = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap_err();
        assert_eq!(server.requests(), 3);
        assert_eq!(err.attempts(), 3);
        assert_eq!(err.reason(), Some(&GiveUpReason::MaxAttemptsReached { max_attempts: 3 }));
        assert_eq!(err.error_code(), Some("SlowDown"));
        let response = err.response().unwrap();
        assert_eq!(response.status, 503);
        assert!(response.body.starts_with(b"<Error>"));
        assert_eq!(
            err.to_string(),
            "gave up after 3 attempts (max attempts reached): HTTP 503 SlowDown from 127.0.0.1"
        );
    });
}

#[test]
fn throttling_backs_off_from_the_one_second_base() {
    run(async {
        let throttled = Step::Reply(reply(
            "400 Bad Request",
            "Content-Type: application/x-amz-json-1.0\r\n",
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"#,
        ));
        let server = Server::start(vec![throttled.clone(), throttled]).await;
        // A draw of 0.01 makes the throttling backoff 10 ms then 20 ms (1 s base, doubling),
        // where a transient error would wait only 0.5 ms then 1 ms (50 ms base).
        let response = call(&client(), &strategy(standard(), 0.01), &server.url).await.unwrap();
        assert_eq!(server.requests(), 3);
        assert_eq!(log_of(&response), RetryLog { attempts: 3, delays: vec![ms(10), ms(20)] });

        let server = Server::start(vec![status(500), status(500)]).await;
        let response = call(&client(), &strategy(standard(), 0.01), &server.url).await.unwrap();
        assert_eq!(log_of(&response).delays, vec![Duration::from_micros(500), ms(1)]);
    });
}

#[test]
fn connection_reset_is_retried() {
    run(async {
        let server = Server::start(vec![Step::Reset, ok()]).await;
        let response = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(server.requests(), 2);
        assert_eq!(log_of(&response).attempts, 2);
    });
}

#[test]
fn slow_headers_time_out_and_the_retry_succeeds() {
    run(async {
        // The client's read timeout is 200 ms; the server sits on the first request for 1 s.
        let server = Server::start(vec![Step::Stall(ms(1000), reply("200 OK", "", "late")), ok()]).await;
        let started = std::time::Instant::now();
        let response = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap();
        assert_eq!(response.into_body().collect().await.unwrap(), Bytes::from_static(b"done"));
        assert_eq!(server.requests(), 2);
        assert!(started.elapsed() < ms(900), "{:?}", started.elapsed());
    });
}

#[test]
fn slow_headers_every_time_give_up_with_the_read_timeout() {
    run(async {
        let stall = Step::Stall(ms(1000), reply("200 OK", "", "late"));
        let server = Server::start(vec![stall.clone(), stall]).await;
        let config = standard().with_max_attempts(2);
        let err = call(&client(), &strategy(config, 0.0), &server.url).await.unwrap_err();
        assert_eq!(err.attempts(), 2);
        assert_eq!(err.http_error().unwrap().kind(), HttpErrorKind::ReadTimeout);
        assert!(err.to_string().starts_with("gave up after 2 attempts (max attempts reached): read timeout"), "{err}");
    });
}

#[test]
fn truncated_success_body_streaming_is_surfaced_to_the_reader_unretried() {
    run(async {
        let truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it".to_vec();
        let server = Server::start(vec![Step::ReplyAndClose(truncated)]).await;
        // Streaming (the default): the loop returns at the headers, so the truncation shows up
        // when the caller reads the body, and it is not retried.
        let response = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap();
        let err = response.into_body().collect().await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::ConnectionClosed, "{err}");
        assert_eq!(server.requests(), 1);
    });
}

#[test]
fn truncated_success_body_buffered_is_retried() {
    run(async {
        let truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it".to_vec();
        let server = Server::start(vec![Step::ReplyAndClose(truncated.clone()), Step::ReplyAndClose(truncated)]).await;
        let options = DispatchOptions::new("GetThing").buffered(1 << 20);
        let client = client();
        let strategy = strategy(standard().with_max_attempts(3), 0.0);
        let url = server.url.clone();
        let response = send_with_retries(
            &client,
            &strategy,
            &options,
            |_, _| Request::get(&url).body(SdkBody::empty()),
            default_classifier,
        )
        .await
        .unwrap();
        assert_eq!(server.requests(), 3);
        assert_eq!(log_of(&response).attempts, 3);
        assert_eq!(response.into_body().as_bytes(), Some(&b"done"[..]));

        // When every attempt is truncated, the transport error is what the caller gets.
        let truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".to_vec();
        let server = Server::start(vec![Step::ReplyAndClose(truncated); 3]).await;
        let url = server.url.clone();
        let err = send_with_retries(
            &client,
            &strategy,
            &options,
            |_, _| Request::get(&url).body(SdkBody::empty()),
            default_classifier,
        )
        .await
        .unwrap_err();
        assert_eq!(err.attempts(), 3);
        assert_eq!(err.http_error().unwrap().kind(), HttpErrorKind::ConnectionClosed);
    });
}

#[test]
fn access_denied_is_not_retried() {
    run(async {
        let denied = Step::Reply(reply(
            "403 Forbidden",
            "",
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        ));
        let server = Server::start(vec![denied]).await;
        let err = call(&client(), &strategy(standard(), 0.0), &server.url).await.unwrap_err();
        assert_eq!(server.requests(), 1);
        assert_eq!(err.attempts(), 1);
        assert!(matches!(err.reason(), Some(GiveUpReason::NotRetryable { .. })), "{err:?}");
        assert_eq!(err.to_string(), "gave up after 1 attempt (not retryable): HTTP 403 AccessDenied from 127.0.0.1");
    });
}

#[test]
fn clock_skew_error_re_signs_with_the_corrected_time() {
    run(async {
        let server_time = SystemTime::now() + Duration::from_secs(15 * 60);
        let date = DateTime::from(server_time).fmt(TimestampFormat::HttpDate);
        let skewed = Step::Reply(reply(
            "403 Forbidden",
            &format!("Date: {date}\r\n"),
            "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>",
        ));
        let server = Server::start(vec![skewed]).await;
        let strategy = strategy(standard(), 0.0);
        let seen = Mutex::new(Vec::new());
        let url = server.url.clone();
        let response = send_with_retries(
            &client(),
            &strategy,
            &DispatchOptions::new("PutObject"),
            |attempt, signing_time| {
                seen.lock().unwrap().push((attempt, signing_time));
                Request::put(&url).body(SdkBody::from("payload"))
            },
            default_classifier,
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(server.requests(), 2);
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.iter().map(|(a, _)| *a).collect::<Vec<_>>(), vec![1, 2]);
        // The first attempt signed with the local clock, the second with the server's: 15
        // minutes ahead, to within the `Date` header's one-second resolution and the test's run.
        let shift = seen[1].1.duration_since(seen[0].1).unwrap();
        assert!(shift > Duration::from_secs(15 * 60 - 3) && shift < Duration::from_secs(15 * 60 + 3), "{shift:?}");
        let offset = strategy.skew_corrector().offset().as_millis();
        assert!((offset - 900_000).abs() < 2_000, "{offset}");
    });
}

#[test]
fn retry_quota_drains_then_refills_after_successes() {
    run(async {
        // With a 28-token quota, each retried 500 costs 14: two failing calls empty it.
        let config = RetryConfig { initial_quota: 28, ..standard().with_max_attempts(2) };
        let strategy = strategy(config, 0.0);
        let client = client();
        let server = Server::start(vec![status(500); 5]).await;
        for expected_quota in [14, 0] {
            let err = call(&client, &strategy, &server.url).await.unwrap_err();
            assert_eq!(err.attempts(), 2);
            assert_eq!(err.reason(), Some(&GiveUpReason::MaxAttemptsReached { max_attempts: 2 }));
            assert_eq!(strategy.quota().unwrap().available(), expected_quota);
        }
        assert_eq!(server.requests(), 4);
        // The quota is empty: the next 500 is returned at once.
        let err = call(&client, &strategy, &server.url).await.unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.reason(), Some(&GiveUpReason::RetryQuotaExhausted { long_poll_delay: None }));
        assert_eq!(err.to_string(), "gave up after 1 attempt (retry quota exhausted): HTTP 500 from 127.0.0.1");
        assert_eq!(server.requests(), 5);

        // Each first-attempt success gives one token back; fourteen of them pay for a retry.
        for _ in 0..14 {
            call(&client, &strategy, &server.url).await.unwrap();
        }
        assert_eq!(strategy.quota().unwrap().available(), 14);
        let server = Server::start(vec![status(500), ok()]).await;
        let response = call(&client, &strategy, &server.url).await.unwrap();
        assert_eq!(log_of(&response).attempts, 2);
        // A retried call that succeeds refunds its retry's cost.
        assert_eq!(strategy.quota().unwrap().available(), 14);
    });
}

/// A one-shot upload source: yields its chunks once and can never be rewound.
struct Chunks(Vec<&'static str>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let next = if self.0.is_empty() { None } else { Some(Ok(Bytes::from_static(self.0.remove(0).as_bytes()))) };
        std::task::Poll::Ready(next)
    }
}

#[test]
fn non_rewindable_streaming_body_is_sent_once() {
    run(async {
        let server = Server::start(vec![status(500)]).await;
        let url = server.url.clone();
        let mut body = Some(SdkBody::from(ByteStream::from_stream(Chunks(vec!["part one, ", "part two"]))));
        let err = send_with_retries(
            &client(),
            &strategy(standard(), 0.0),
            &DispatchOptions::new("PutObject"),
            |_, _| {
                let body = body.take().ok_or("the stream was already sent")?;
                Request::put(&url).body(body).map_err(tucuxi::http::BoxError::from)
            },
            default_classifier,
        )
        .await
        .unwrap_err();
        assert_eq!(server.requests(), 1);
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.reason(), Some(&GiveUpReason::BodyNotRewindable));
        assert_eq!(
            err.to_string(),
            "gave up after 1 attempt (request body cannot be rewound): HTTP 500 from 127.0.0.1"
        );
    });
}

#[test]
fn a_request_that_cannot_be_built_is_not_sent() {
    run(async {
        let server = Server::start(vec![]).await;
        let err = send_with_retries(
            &client(),
            &strategy(standard(), 0.0),
            &DispatchOptions::new("GetThing"),
            |_, _| Err::<Request<SdkBody>, _>("no credentials"),
            default_classifier,
        )
        .await
        .unwrap_err();
        assert_eq!(server.requests(), 0);
        assert_eq!(err.reason(), None);
        assert_eq!(err.to_string(), "failed after 1 attempt: building the request failed: no credentials");
    });
}

#[test]
fn one_operation_deadline_spans_all_attempts() {
    run(async {
        let stall = Step::Stall(ms(1000), reply("200 OK", "", "late"));
        let server = Server::start(vec![stall.clone(), stall.clone(), stall]).await;
        // Attempt 1 hits the 200 ms read timeout and is retried; attempt 2 runs into what is left
        // of the 300 ms operation deadline, which no retry can fix.
        let client = HttpClient::new(HttpConfig {
            connect_timeout: ms(2000),
            read_timeout: ms(200),
            operation_timeout: Some(ms(300)),
            ..HttpConfig::default()
        })
        .unwrap();
        let started = std::time::Instant::now();
        let err = call(&client, &strategy(standard(), 0.0), &server.url).await.unwrap_err();
        assert!(started.elapsed() < ms(900), "{:?}", started.elapsed());
        assert_eq!(err.attempts(), 2);
        assert_eq!(err.http_error().unwrap().kind(), HttpErrorKind::OperationTimeout);
        assert!(matches!(err.reason(), Some(GiveUpReason::NotRetryable { .. })), "{err:?}");
    });
}

#[test]
fn a_backoff_past_the_deadline_reports_the_real_failure_at_once() {
    run(async {
        let throttled = Step::Reply(reply(
            "400 Bad Request",
            "Content-Type: application/x-amz-json-1.0\r\n",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
        ));
        let server = Server::start(vec![throttled.clone(), throttled]).await;
        // A draw of 0.9 makes the first throttling backoff 900 ms, past the 300 ms deadline: the
        // call ends after one attempt with the throttling error, not with a timeout later.
        let client = HttpClient::new(HttpConfig { operation_timeout: Some(ms(300)), ..HttpConfig::default() }).unwrap();
        let started = std::time::Instant::now();
        let err = call(&client, &strategy(standard(), 0.9), &server.url).await.unwrap_err();
        assert!(started.elapsed() < ms(250), "{:?}", started.elapsed());
        assert_eq!(server.requests(), 1);
        assert_eq!(err.error_code(), Some("ThrottlingException"));
        assert!(
            matches!(err.reason(), Some(GiveUpReason::NotRetryable { cause }) if cause.contains("operation timeout")),
            "{err:?}"
        );
    });
}
