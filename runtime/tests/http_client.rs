//! The HTTP client against in-process HTTP/1.1 servers on loopback that write raw responses, so
//! every failure mode (stalls, resets, truncation) is scripted byte by byte. Every test bounds
//! its time with millisecond-scale timeouts.

use std::future::Future;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tucuxi::http::{HttpClient, HttpConfig, HttpErrorKind, RedactedRequest, SdkBody};
use tucuxi::ByteStream;

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn client(read_timeout: Duration) -> HttpClient {
    HttpClient::new(HttpConfig { connect_timeout: ms(2000), read_timeout, ..HttpConfig::default() }).unwrap()
}

fn get(url: &str) -> Request<SdkBody> {
    Request::get(url).body(SdkBody::empty()).unwrap()
}

async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    (listener, url)
}

/// One server-side connection: reads requests (heads and bodies, sized or chunked) and writes
/// whatever bytes a test scripts.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    async fn accept(listener: &TcpListener) -> Conn {
        Conn { stream: listener.accept().await.unwrap().0, buf: Vec::new() }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 64 * 1024];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn take_until(&mut self, marker: &[u8]) -> Option<Vec<u8>> {
        loop {
            if let Some(at) = self.buf.windows(marker.len()).position(|w| w == marker) {
                let taken: Vec<u8> = self.buf.drain(..at + marker.len()).collect();
                return Some(taken[..at].to_vec());
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    async fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        while self.buf.len() < n {
            if !self.fill().await {
                return None;
            }
        }
        Some(self.buf.drain(..n).collect())
    }

    /// The next request's head (lower-cased) and body, or `None` when the client closed.
    async fn request(&mut self) -> Option<(String, Vec<u8>)> {
        let head = String::from_utf8(self.take_until(b"\r\n\r\n").await?).unwrap().to_ascii_lowercase();
        let header = |name: &str| {
            head.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':'))).map(str::trim)
        };
        let body = if let Some(len) = header("content-length") {
            self.take(len.parse().unwrap()).await?
        } else if header("transfer-encoding") == Some("chunked") {
            let mut body = Vec::new();
            loop {
                let size = String::from_utf8(self.take_until(b"\r\n").await?).unwrap();
                let size = usize::from_str_radix(size.trim(), 16).unwrap();
                body.extend(self.take(size).await?);
                self.take(2).await?;
                if size == 0 {
                    break;
                }
            }
            body
        } else {
            Vec::new()
        };
        Some((head, body))
    }

    async fn write(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }
}

fn ok_response(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-Test: yes\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn ok_response_with_body() {
    run(async {
        let (listener, url) = listen().await;
        let server = tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            let (head, _) = conn.request().await.unwrap();
            conn.write(&ok_response("hello")).await;
            head
        });
        let response = client(ms(2000)).send(get(&url)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-test"], "yes");
        let body = response.into_body();
        assert_eq!(body.size_hint(), Some(5));
        assert_eq!(format!("{body:?}"), "ByteStream(response, 5 bytes)");
        assert_eq!(body.collect().await.unwrap(), "hello");
        let head = server.await.unwrap();
        assert!(head.starts_with("get / http/1.1\r\n"), "{head}");
        assert!(head.contains("\r\nuser-agent: tucuxi/"), "{head}");
    });
}

#[test]
fn unbounded_timeouts_do_not_overflow() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(&ok_response("forever")).await;
        });
        let config = HttpConfig {
            connect_timeout: Duration::MAX,
            read_timeout: Duration::MAX,
            operation_timeout: Some(Duration::MAX),
            ..HttpConfig::default()
        };
        let response = HttpClient::new(config).unwrap().send(get(&url)).await.unwrap();
        assert_eq!(response.into_body().collect().await.unwrap(), "forever");
    });
}

#[test]
fn connections_are_reused() {
    run(async {
        let (listener, url) = listen().await;
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            loop {
                let mut conn = Conn::accept(&listener).await;
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    while let Some(_request) = conn.request().await {
                        conn.write(&ok_response("again")).await;
                    }
                });
            }
        });
        let client = client(ms(2000));
        for _ in 0..3 {
            let response = client.clone().send(get(&url)).await.unwrap();
            assert_eq!(response.into_body().collect().await.unwrap(), "again");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn chunked_body_streams_without_buffering() {
    const CHUNK: usize = 64 * 1024;
    const TOTAL: u64 = 64 << 20;
    run(async {
        let (listener, url) = listen().await;
        let sent = Arc::new(AtomicU64::new(0));
        let progress = sent.clone();
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").await;
            let data = vec![b'x'; CHUNK];
            let frame = [format!("{CHUNK:x}\r\n").as_bytes(), &data, b"\r\n"].concat();
            for _ in 0..TOTAL / CHUNK as u64 {
                conn.write(&frame).await;
                progress.fetch_add(CHUNK as u64, Ordering::SeqCst);
            }
            conn.write(b"0\r\n\r\n").await;
        });
        let response = client(ms(5000)).send(get(&url)).await.unwrap();
        let mut body = response.into_body();
        assert_eq!(body.size_hint(), None);
        let (mut received, mut largest, mut paused) = (0u64, 0usize, false);
        while let Some(chunk) = body.next_chunk().await {
            let chunk = chunk.unwrap();
            largest = largest.max(chunk.len());
            received += chunk.len() as u64;
            if !paused && received >= 1 << 20 {
                // Stop reading: the server can only run ahead by what the socket buffers and
                // hyper's read buffer hold, far less than the body.
                paused = true;
                tokio::time::sleep(ms(300)).await;
                let ahead = sent.load(Ordering::SeqCst) - received;
                assert!(ahead < 24 << 20, "the client buffered {ahead} bytes ahead of the reader");
            }
        }
        assert_eq!(received, TOTAL);
        assert!(largest <= 1 << 20, "a chunk of {largest} bytes");
    });
}

#[test]
fn slow_headers_are_a_read_timeout() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            tokio::time::sleep(ms(5000)).await;
        });
        let started = Instant::now();
        let err = client(ms(200)).send(get(&url)).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::ReadTimeout, "{err}");
        assert_eq!(err.host(), Some("127.0.0.1"));
        assert!(started.elapsed() < ms(1500), "took {:?}", started.elapsed());
    });
}

#[test]
fn stalled_body_is_a_read_timeout_on_the_next_chunk() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await;
            conn.write(&[b'a'; 100]).await;
            tokio::time::sleep(ms(5000)).await;
        });
        let response = client(ms(200)).send(get(&url)).await.unwrap();
        let mut body = response.into_body();
        let mut received = 0;
        let started = Instant::now();
        let err = loop {
            match body.next_chunk().await.expect("the body cannot end early") {
                Ok(chunk) => received += chunk.len(),
                Err(err) => break err,
            }
        };
        assert_eq!(received, 100);
        assert_eq!(err.kind(), HttpErrorKind::ReadTimeout, "{err}");
        assert_eq!(err.host(), Some("127.0.0.1"));
        assert!(started.elapsed() < ms(1500));
        // The stream ends after the error instead of waiting again.
        assert!(body.next_chunk().await.is_none());
    });
}

#[test]
fn slow_but_steady_body_is_not_cut_off() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n").await;
            for _ in 0..8 {
                tokio::time::sleep(ms(60)).await;
                conn.write(b"z").await;
            }
        });
        // 8 x 60 ms is well past the 200 ms read timeout, but no single wait is.
        let response = client(ms(200)).send(get(&url)).await.unwrap();
        assert_eq!(response.into_body().collect().await.unwrap(), "zzzzzzzz");
    });
}

#[test]
fn reset_mid_body_is_connection_reset() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n").await;
            conn.write(&[b'a'; 100]).await;
            tokio::time::sleep(ms(100)).await;
            // A zero linger time makes close send RST instead of FIN.
            #[allow(deprecated)] // Deprecated for blocking on drop, which a zero linger does not.
            conn.stream.set_linger(Some(Duration::ZERO)).unwrap();
            drop(conn);
        });
        let err = match client(ms(2000)).send(get(&url)).await {
            Ok(response) => response.into_body().collect().await.unwrap_err(),
            Err(err) => err,
        };
        assert_eq!(err.kind(), HttpErrorKind::ConnectionReset, "{err}");
        assert!(err.kind().is_transient());
    });
}

#[test]
fn truncated_body_is_connection_closed() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n").await;
            conn.write(&[b'a'; 50]).await;
            conn.stream.shutdown().await.unwrap();
        });
        let response = client(ms(2000)).send(get(&url)).await.unwrap();
        let err = response.into_body().collect().await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::ConnectionClosed, "{err}");
        assert_eq!(err.host(), Some("127.0.0.1"));
    });
}

#[test]
fn closed_port_is_a_connect_error() {
    run(async {
        let (listener, url) = listen().await;
        drop(listener);
        let err = client(ms(2000)).send(get(&url)).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::Connect, "{err}");
        assert_eq!(err.host(), Some("127.0.0.1"));
        assert!(err.to_string().contains("refused"), "{err}");
    });
}

#[test]
fn full_accept_queue_is_a_connect_timeout() {
    // A listener that never accepts, with its queue filled, drops further SYNs (Linux), so a
    // connect hangs without leaving loopback.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let listener = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        socket.listen(1).unwrap()
    });
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let filled = (0..16).any(|_| match std::net::TcpStream::connect_timeout(&addr, ms(100)) {
        Ok(stream) => {
            held.push(stream);
            false
        }
        Err(_) => true,
    });
    if !filled {
        eprintln!("this platform completes connects past the backlog; nothing to time out");
        return;
    }
    let config = HttpConfig { connect_timeout: ms(200), ..HttpConfig::default() };
    let client = HttpClient::new(config).unwrap();
    let started = Instant::now();
    let err = runtime.block_on(client.send(get(&format!("http://{addr}/")))).unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::ConnectTimeout, "{err}");
    assert!(started.elapsed() < ms(1500));
    drop(listener);
}

#[test]
fn operation_timeout_bounds_the_wait_for_headers() {
    run(async {
        let (listener, url) = listen().await;
        tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            conn.request().await.unwrap();
            tokio::time::sleep(ms(5000)).await;
        });
        let config = HttpConfig { read_timeout: ms(5000), operation_timeout: Some(ms(200)), ..HttpConfig::default() };
        let err = HttpClient::new(config).unwrap().send(get(&url)).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::OperationTimeout, "{err}");
    });
}

#[test]
fn upload_from_a_file_sends_content_length_and_rewinds() {
    let dir = std::env::temp_dir().join(format!("tucuxi-http-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("upload.bin");
    let data: Vec<u8> = (0..700_001u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    run(async {
        let (listener, url) = listen().await;
        let server = tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            let mut seen = Vec::new();
            while let Some(request) = conn.request().await {
                conn.write(&ok_response("stored")).await;
                seen.push(request);
            }
            seen
        });
        let body = SdkBody::from(ByteStream::from_path(&path).await.unwrap());
        assert_eq!(body.content_length(), Some(data.len() as u64));
        let retry = body.try_clone().expect("file bodies are rewindable");
        let client = client(ms(2000));
        for body in [body, retry] {
            let request = Request::put(&url).body(body).unwrap();
            let response = client.send(request).await.unwrap();
            assert_eq!(response.into_body().collect().await.unwrap(), "stored");
        }
        drop(client);
        let seen = server.await.unwrap();
        assert_eq!(seen.len(), 2);
        for (head, body) in seen {
            assert!(head.contains(&format!("\r\ncontent-length: {}", data.len())), "{head}");
            assert!(!head.contains("transfer-encoding"), "{head}");
            assert!(body == data, "the uploaded bytes differ");
        }
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `futures_core::Stream` over fixed chunks, so the test needs no stream crate.
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
fn upload_of_unknown_length_is_chunked() {
    run(async {
        let (listener, url) = listen().await;
        let server = tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            let request = conn.request().await.unwrap();
            conn.write(&ok_response("")).await;
            request
        });
        let body = SdkBody::from(ByteStream::from_stream(Chunks(vec!["part one, ", "part two"])));
        let response = client(ms(2000)).send(Request::post(&url).body(body).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
        let (head, body) = server.await.unwrap();
        assert!(head.contains("\r\ntransfer-encoding: chunked"), "{head}");
        assert_eq!(body, b"part one, part two");
    });
}

/// A stream that yields `b"x"` after each delay: an upload source slower than the network.
struct Slow {
    delays: Vec<Duration>,
    sleep: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl futures_core::Stream for Slow {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.sleep.is_none() {
            if self.delays.is_empty() {
                return std::task::Poll::Ready(None);
            }
            let delay = self.delays.remove(0);
            self.sleep = Some(Box::pin(tokio::time::sleep(delay)));
        }
        std::task::ready!(self.sleep.as_mut().unwrap().as_mut().poll(cx));
        self.sleep = None;
        std::task::Poll::Ready(Some(Ok(Bytes::from_static(b"x"))))
    }
}

#[test]
fn slow_upload_sources_are_not_read_timeouts() {
    run(async {
        let (listener, url) = listen().await;
        let server = tokio::spawn(async move {
            let mut conn = Conn::accept(&listener).await;
            let (_, body) = conn.request().await.unwrap();
            conn.write(&ok_response("")).await;
            body
        });
        // The source takes 300 ms per chunk, longer than the 200 ms read timeout: the stall is
        // the caller's, not the server's, so the wait for headers must not count it.
        let slow = Slow { delays: vec![ms(300), ms(300), ms(100), ms(100), ms(100)], sleep: None };
        let body = SdkBody::from(ByteStream::from_sized_stream(slow, 5));
        let response = client(ms(200)).send(Request::put(&url).body(body).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(server.await.unwrap(), b"xxxxx");
    });
}

#[test]
fn a_pooled_connection_the_server_closed_is_replaced() {
    run(async {
        let (listener, url) = listen().await;
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            loop {
                let mut conn = Conn::accept(&listener).await;
                counter.fetch_add(1, Ordering::SeqCst);
                // One request per connection, then close while the client holds it idle.
                conn.request().await.unwrap();
                conn.write(&ok_response("once")).await;
                tokio::time::sleep(ms(20)).await;
                drop(conn);
            }
        });
        let client = client(ms(2000));
        for _ in 0..2 {
            let response = client.send(get(&url)).await.unwrap();
            assert_eq!(response.into_body().collect().await.unwrap(), "once");
            tokio::time::sleep(ms(100)).await;
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    });
}

/// A blocking HTTP server on a plain thread, for the blocking client (which must run outside any
/// runtime): answers every request on every connection with `body`, counting connections.
fn blocking_server(body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let response = ok_response(body);
                        if stream.write_all(&response).is_err() {
                            return;
                        }
                    }
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    (url, accepted)
}

#[test]
fn blocking_path_sends_reads_and_reuses_connections() {
    let (url, accepted) = blocking_server("from a script");
    let client = client(ms(2000));
    let response = client.send_blocking(get(&url)).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.into_body().collect_blocking().unwrap(), "from a script");

    let mut text = String::new();
    let response = client.send_blocking(get(&url)).unwrap();
    response.into_body().into_blocking_read().read_to_string(&mut text).unwrap();
    assert_eq!(text, "from a script");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);

    // Inside async code the blocking call still runs: it drives the request on tucuxi's own
    // runtime, never the caller's, so it cannot wait on a runtime it is blocking. Reading the body
    // blocking there is refused, since the caller's runtime may be the one driving it.
    let body = run(async {
        let response = client.send_blocking(get(&url)).unwrap();
        assert_eq!(response.status(), 200);
        response.into_body().collect_blocking()
    });
    let err = body.unwrap_err();
    assert!(err.to_string().contains("collect().await"), "{err}");

    blocking_calls_replace_a_connection_the_server_closed_between_them();
}

/// Unlike the async case above, the next call follows at once: no thread had driven the blocking
/// runtime since the close (the background thread waits until calls stop for a while), so the
/// call itself must see the close before it picks a pooled connection. Called from the one test
/// that uses the shared blocking runtime, since a blocking call running meanwhile on another test
/// thread would hold the runtime's core and drive it instead.
fn blocking_calls_replace_a_connection_the_server_closed_between_them() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (close, closing) = std::sync::mpsc::channel::<()>();
    let (closed, was_closed) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let mut served = 0;
        for (n, stream) in listener.incoming().take(2).enumerate() {
            let mut stream = stream.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            stream.write_all(&ok_response("alive")).unwrap();
            served += 1;
            if n == 0 {
                // Keep-alive was offered; the server closes the idle connection when told.
                closing.recv().unwrap();
                stream.shutdown(std::net::Shutdown::Both).unwrap();
                drop(stream);
                closed.send(()).unwrap();
            } else {
                // The client's end of stream (it drops the pool) or a test failure ends this.
                let _ = stream.read(&mut byte);
            }
        }
        served
    });
    let client = client(ms(2000));
    let first = client.send_blocking(get(&url)).unwrap();
    assert_eq!(first.into_body().collect_blocking().unwrap(), "alive");
    close.send(()).unwrap();
    was_closed.recv_timeout(ms(5000)).unwrap();
    let second = client.send_blocking(get(&url)).unwrap();
    assert_eq!(second.into_body().collect_blocking().unwrap(), "alive");
    drop(client);
    assert_eq!(server.join().unwrap(), 2);
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    const SECRETS: [&str; 3] = ["sig-secret", "token-secret", "auth-secret"];
    run(async {
        let (listener, _) = listen().await;
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let url =
            format!("http://127.0.0.1:{port}/bucket/key?X-Amz-Signature=sig-secret&X-Amz-Security-Token=token-secret");
        let request = Request::get(&url)
            .header("authorization", "AWS4-HMAC-SHA256 Signature=auth-secret")
            .header("x-amz-security-token", "token-secret")
            .body(SdkBody::from("payload"))
            .unwrap();
        let shown = format!("{:?}", RedactedRequest(&request));
        let client = client(ms(2000));
        let err = client.send(request).await.unwrap_err();
        let printed = format!("{shown}\n{err}\n{err:?}\n{client:?}");
        for secret in SECRETS {
            assert!(!printed.contains(secret), "{secret} leaked:\n{printed}");
        }
        assert!(printed.contains("127.0.0.1"), "{printed}");

        // An invalid request's message shows the URL without its query.
        let err = client.send(get("/relative?X-Amz-Signature=sig-secret")).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
        assert!(!format!("{err} {err:?}").contains("sig-secret"), "{err}");
    });
}

// A test certificate authority and a server certificate it signed for `localhost` and
// 127.0.0.1, valid 2000-2100 (ECDSA P-256), in `tests/tls/`. They guard nothing: tests only.
const TEST_CA: &str = include_str!("tls/ca.pem");
const TEST_SERVER_CERT: &str = include_str!("tls/server.pem");
const TEST_SERVER_KEY: &str = include_str!("tls/server-key.pem");

/// A blocking TLS server (rustls, already a dependency) answering each connection's first
/// request; handshakes the client rejects just end that connection.
fn tls_server() -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![CertificateDer::from_pem_slice(TEST_SERVER_CERT.as_bytes()).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(TEST_SERVER_KEY.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://localhost:{}/", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            stream.set_read_timeout(Some(ms(2000))).unwrap();
            let session = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(session, stream);
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match tls.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            if head.ends_with(b"\r\n\r\n") {
                let _ = tls.write_all(&ok_response("over tls"));
                let _ = tls.flush();
            }
        }
    });
    url
}

#[test]
fn tls_trusts_the_ca_bundle_and_rejects_unknown_issuers() {
    let url = tls_server();
    let dir = std::env::temp_dir().join(format!("tucuxi-http-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, TEST_CA).unwrap();
    run(async {
        let untrusting = client(ms(2000));
        let err = untrusting.send(get(&url)).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::Tls, "{err}");

        let config = HttpConfig { ca_bundle: Some(bundle.clone()), read_timeout: ms(2000), ..HttpConfig::default() };
        let trusting = HttpClient::new(config).unwrap();
        let response = trusting.send(get(&url)).await.unwrap();
        assert_eq!(response.into_body().collect().await.unwrap(), "over tls");
    });
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    for path in [garbage, dir.join("missing.pem")] {
        let err = HttpClient::new(HttpConfig { ca_bundle: Some(path), ..HttpConfig::default() }).unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::Tls, "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
