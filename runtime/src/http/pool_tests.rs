//! The pool and connector against in-process servers on loopback that read request heads and
//! write scripted responses, counting the connections they accept.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::http::{HttpClient, HttpConfig, HttpErrorKind, SdkBody};

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn get(url: &str) -> Request<SdkBody> {
    Request::get(url).body(SdkBody::empty()).unwrap()
}

/// What the server saw: connections accepted, request heads, and connections the client closed.
#[derive(Default)]
struct Seen {
    accepted: AtomicUsize,
    closed_by_client: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// How the server treats each connection after answering.
#[derive(Clone, Copy)]
enum After {
    /// Keeps serving requests on it.
    KeepServing,
    /// Closes it after one response, without saying so in the response.
    Close,
}

/// A server answering every bodiless request with `body`; returns its base URL.
async fn server(body: &'static str, after: After) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let counters = seen.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            counters.accepted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream, body, after, counters.clone()));
        }
    });
    (url, seen)
}

async fn serve(mut stream: TcpStream, body: &'static str, after: After, seen: Arc<Seen>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => {
                    seen.closed_by_client.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head: Vec<u8> = buf.drain(..end).collect();
        seen.heads.lock().unwrap().push(String::from_utf8(head).unwrap());
        let response = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
        if let After::Close = after {
            return;
        }
    }
}

fn client(config: HttpConfig) -> HttpClient {
    HttpClient::new(HttpConfig { connect_timeout: ms(2000), read_timeout: ms(2000), ..config }).unwrap()
}

async fn fetch(client: &HttpClient, url: &str) -> String {
    let response = client.send(get(url)).await.unwrap();
    let body = response.into_body().collect().await.unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

/// Lets the connection tasks run (a give-back that waits for its connection, a reaper).
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[test]
fn a_connection_is_reused_and_requests_are_in_origin_form_with_a_host() {
    run(async {
        let (url, seen) = server("hello", After::KeepServing).await;
        let client = client(HttpConfig::default());
        assert_eq!(fetch(&client, &format!("{url}/a/b?x=1&y=2")).await, "hello");
        settle().await;
        assert_eq!(client.pool().idle_count(), 1);
        assert_eq!(fetch(&client, &format!("{url}/c")).await, "hello");
        assert_eq!(seen.accepted.load(Ordering::SeqCst), 1);
        let heads = seen.heads.lock().unwrap().clone();
        let authority = url.strip_prefix("http://").unwrap();
        assert!(heads[0].starts_with("GET /a/b?x=1&y=2 HTTP/1.1\r\n"), "{}", heads[0]);
        assert!(heads[0].to_ascii_lowercase().contains(&format!("\r\nhost: {authority}\r\n")), "{}", heads[0]);
        assert!(heads[1].starts_with("GET /c HTTP/1.1\r\n"), "{}", heads[1]);
    });
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    run(async {
        let (url, seen) = server("hi", After::KeepServing).await;
        let client = client(HttpConfig { pool_idle_timeout: Some(ms(100)), ..HttpConfig::default() });
        assert_eq!(fetch(&client, &url).await, "hi");
        settle().await;
        assert_eq!(client.pool().idle_count(), 1);
        tokio::time::sleep(ms(400)).await;
        // The reaper dropped it, and the server saw the client close it.
        assert_eq!(client.pool().idle_count(), 0);
        assert_eq!(seen.closed_by_client.load(Ordering::SeqCst), 1);
        assert_eq!(fetch(&client, &url).await, "hi");
        assert_eq!(seen.accepted.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_connection_the_server_closed_is_not_reused_and_the_request_succeeds() {
    run(async {
        let (url, seen) = server("once", After::Close).await;
        let client = client(HttpConfig::default());
        // Straight after the first response (the close may not be seen yet), and after a pause
        // (the connection task has seen it).
        assert_eq!(fetch(&client, &url).await, "once");
        assert_eq!(fetch(&client, &url).await, "once");
        tokio::time::sleep(ms(50)).await;
        assert_eq!(fetch(&client, &url).await, "once");
        assert_eq!(seen.accepted.load(Ordering::SeqCst), 3);
    });
}

#[test]
fn idle_connections_beyond_the_limit_are_closed() {
    run(async {
        let (url, seen) = server("x", After::KeepServing).await;
        let client = client(HttpConfig { pool_max_idle_per_host: 1, ..HttpConfig::default() });
        // Three responses held at once need three connections; one is kept afterwards.
        let responses = [client.send(get(&url)).await, client.send(get(&url)).await, client.send(get(&url)).await];
        for response in responses {
            assert_eq!(response.unwrap().into_body().collect().await.unwrap(), "x");
        }
        settle().await;
        assert_eq!(seen.accepted.load(Ordering::SeqCst), 3);
        assert_eq!(client.pool().idle_count(), 1);
        tokio::time::sleep(ms(50)).await;
        assert_eq!(seen.closed_by_client.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_body_dropped_unread_does_not_return_its_connection() {
    run(async {
        let (url, seen) = server("a body nobody reads", After::KeepServing).await;
        let client = client(HttpConfig::default());
        let response = client.send(get(&url)).await.unwrap();
        drop(response);
        settle().await;
        assert_eq!(client.pool().idle_count(), 0);
        assert_eq!(fetch(&client, &url).await, "a body nobody reads");
        assert_eq!(seen.accepted.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn a_stalled_tls_handshake_is_a_connect_timeout() {
    run(async {
        // Accepts TCP and never answers the TLS hello: only a bound over the handshake ends it.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let held = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::time::sleep(ms(5000)).await;
            drop(stream);
        });
        let client = HttpClient::new(HttpConfig { connect_timeout: ms(200), ..HttpConfig::default() }).unwrap();
        let started = std::time::Instant::now();
        let err = client.send(get(&format!("https://127.0.0.1:{port}/"))).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::ConnectTimeout, "{err}");
        assert!(started.elapsed() < ms(1500), "{:?}", started.elapsed());
        assert!(err.to_string().contains("took more than 200ms"), "{err}");
        assert_eq!(err.host(), Some("127.0.0.1"));
        held.abort();
    });
}

#[test]
fn an_unresolvable_host_is_a_connect_error() {
    run(async {
        // `.invalid` never resolves (RFC 6761), so no lookup leaves the machine with an answer.
        let client = client(HttpConfig::default());
        let err = client.send(get("http://no-such-host.invalid/")).await.unwrap_err();
        assert_eq!(err.kind(), HttpErrorKind::Connect, "{err}");
        assert!(err.kind().is_transient());
    });
}

/// HTTP/2 chosen by ALPN: requests share one connection, concurrently too.
#[cfg(feature = "http2")]
mod http2 {
    use super::*;
    use bytes::Bytes;

    // The test CA and a `localhost` certificate it signed (runtime/tests/tls/), as runtime/tests/http_client.rs uses.
    const TEST_CA: &str = include_str!("../../tests/tls/ca.pem");
    const TEST_SERVER_CERT: &str = include_str!("../../tests/tls/server.pem");
    const TEST_SERVER_KEY: &str = include_str!("../../tests/tls/server-key.pem");

    /// An HTTP/2 server over TLS (ALPN `h2` only) answering every request with its path.
    async fn h2_server(seen: Arc<Seen>) -> u16 {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = vec![CertificateDer::from_pem_slice(TEST_SERVER_CERT.as_bytes()).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(TEST_SERVER_KEY.as_bytes()).unwrap();
        let mut config =
            rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                seen.accepted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let tls = acceptor.accept(tcp).await.unwrap();
                    let mut conn = h2::server::handshake(tls).await.unwrap();
                    while let Some(Ok((request, mut respond))) = conn.accept().await {
                        let path = request.uri().path().to_owned();
                        seen.heads.lock().unwrap().push(format!("{} {}", request.method(), request.uri()));
                        let mut send = respond.send_response(http::Response::new(()), false).unwrap();
                        send.send_data(Bytes::from(path), true).unwrap();
                    }
                });
            }
        });
        port
    }

    #[test]
    fn alpn_h2_shares_one_connection() {
        let dir = std::env::temp_dir().join(format!("tucuxi-h2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bundle = dir.join("ca.pem");
        std::fs::write(&bundle, TEST_CA).unwrap();
        run(async {
            let seen = Arc::new(Seen::default());
            let port = h2_server(seen.clone()).await;
            let client = client(HttpConfig { ca_bundle: Some(bundle.clone()), ..HttpConfig::default() });
            let url = format!("https://localhost:{port}");
            let response = client.send(get(&format!("{url}/one"))).await.unwrap();
            assert_eq!(response.version(), http::Version::HTTP_2);
            assert_eq!(response.into_body().collect().await.unwrap(), "/one");
            // The second request goes out while the first's body is still unread: on HTTP/1.1 that
            // would take a second connection.
            let two = client.send(get(&format!("{url}/two"))).await.unwrap();
            let three = client.send(get(&format!("{url}/three"))).await.unwrap();
            assert_eq!(three.into_body().collect().await.unwrap(), "/three");
            assert_eq!(two.into_body().collect().await.unwrap(), "/two");
            assert_eq!(seen.accepted.load(Ordering::SeqCst), 1);
            let heads = seen.heads.lock().unwrap().clone();
            assert!(heads.contains(&format!("GET https://localhost:{port}/one")), "{heads:?}");
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
