//! Proxies through a real S3 client and only the public API: a small proxy written for the test
//! (CONNECT tunnels and absolute-form forwarding) on loopback, an HTTP origin and an HTTPS origin
//! (the certificate in tests/fixtures/tls, trusted through `AWS_CA_BUNDLE`), all in this process.
//!
//! Every origin answer says `Connection: close`, so each call makes a new connection and the
//! proxy's counts are exact.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tucuxi::client::ClientConfig;
use tucuxi::config::{Env, Fs};
use tucuxi::http::Proxies;
use tucuxi::Session;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls");
/// The proxy's password, and `Basic base64("user:s3cr3t-pw")`: neither may ever be printed.
const PASSWORD: &str = "s3cr3t-pw";
const BASIC: &str = "Basic dXNlcjpzM2NyM3QtcHc=";

const LIST_BUCKETS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner>"#,
    r#"<Buckets><Bucket><Name>behind-the-proxy</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>"#,
    r#"</Bucket></Buckets></ListAllMyBucketsResult>"#
);

/// What the test proxy saw.
#[derive(Default)]
struct ProxyLog {
    tunnels: AtomicUsize,
    forwarded: AtomicUsize,
    request_lines: Mutex<Vec<String>>,
    authorizations: Mutex<Vec<Option<String>>>,
}

/// What an origin server saw: each request's head.
#[derive(Default)]
struct OriginLog {
    heads: Mutex<Vec<String>>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Reads up to the end of a request or response head; returns it and any bytes after it.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(at + 4);
            return Some((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
    }
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
    })
}

/// A proxy on loopback: `CONNECT host:port` opens a tunnel (or is refused with 407 when
/// `refuse`), anything else is an absolute-form request forwarded to its host.
async fn start_proxy(refuse: bool) -> (u16, Arc<ProxyLog>) {
    start_proxy_with(refuse, false).await
}

/// [`start_proxy`], reached over TLS with the fixture certificate when `tls` (an `https://` proxy).
async fn start_proxy_with(refuse: bool, tls: bool) -> (u16, Arc<ProxyLog>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(ProxyLog::default());
    let shared = log.clone();
    let acceptor = tls.then(acceptor);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let log = shared.clone();
            match &acceptor {
                Some(acceptor) => {
                    let accepting = acceptor.accept(client);
                    tokio::spawn(async move {
                        if let Ok(client) = accepting.await {
                            proxy_one(client, log, refuse).await;
                        }
                    });
                }
                None => {
                    tokio::spawn(proxy_one(client, log, refuse));
                }
            }
        }
    });
    (port, log)
}

async fn proxy_one<S: AsyncRead + AsyncWrite + Unpin>(mut client: S, log: Arc<ProxyLog>, refuse: bool) {
    let Some((head, rest)) = read_head(&mut client).await else { return };
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    log.request_lines.lock().unwrap().push(request_line.clone());
    log.authorizations.lock().unwrap().push(header(&head, "proxy-authorization"));
    let mut words = request_line.split(' ');
    let (method, target) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    if method == "CONNECT" {
        if refuse {
            let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n").await;
            return;
        }
        let Ok(mut upstream) = TcpStream::connect(target).await else {
            let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n").await;
            return;
        };
        log.tunnels.fetch_add(1, Ordering::SeqCst);
        if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_ok() {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
    } else {
        let authority = target.strip_prefix("http://").and_then(|t| t.split('/').next()).unwrap_or_default();
        let Ok(mut upstream) = TcpStream::connect(authority).await else { return };
        log.forwarded.fetch_add(1, Ordering::SeqCst);
        // A real proxy keeps its own credentials to itself.
        let forwarded: String = head
            .split_inclusive("\r\n")
            .filter(|line| !line.to_ascii_lowercase().starts_with("proxy-authorization:"))
            .collect();
        if upstream.write_all(forwarded.as_bytes()).await.is_ok() && upstream.write_all(&rest).await.is_ok() {
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
    }
}

/// An origin that answers every request with `LIST_BUCKETS`, over TLS with the fixture
/// certificate when `tls`.
async fn start_origin(tls: bool) -> (u16, Arc<OriginLog>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(OriginLog::default());
    let shared = log.clone();
    let acceptor = tls.then(acceptor);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let log = shared.clone();
            match &acceptor {
                Some(acceptor) => {
                    let accepting = acceptor.accept(stream);
                    tokio::spawn(async move {
                        if let Ok(stream) = accepting.await {
                            serve_one(stream, log).await;
                        }
                    });
                }
                None => {
                    tokio::spawn(serve_one(stream, log));
                }
            }
        }
    });
    (port, log)
}

async fn serve_one<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, log: Arc<OriginLog>) {
    let Some((head, _)) = read_head(&mut stream).await else { return };
    log.heads.lock().unwrap().push(head);
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{LIST_BUCKETS}",
        LIST_BUCKETS.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<_> =
        CertificateDer::pem_file_iter(format!("{FIXTURES}/server.pem")).unwrap().collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{FIXTURES}/server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// A session that reads only `vars` (plus test credentials and a region) as its environment,
/// trusting the fixture CA through `AWS_CA_BUNDLE`.
fn session_with(vars: &[(&str, String)], proxies: Option<Proxies>) -> Session {
    let mut pairs: Vec<(String, String)> = vec![
        ("AWS_ACCESS_KEY_ID".into(), "AKIDEXAMPLE".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
        ("AWS_CA_BUNDLE".into(), format!("{FIXTURES}/ca.pem")),
    ];
    pairs.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let mut builder =
        Session::builder().env_and_fs(Env::from_pairs(pairs), Fs::from_files(Vec::<(String, String)>::new()));
    if let Some(proxies) = proxies {
        builder = builder.proxies(proxies);
    }
    builder.build().unwrap()
}

fn s3(session: &Session, endpoint: String) -> tucuxi_s3::Client {
    tucuxi_s3::Client::with_config(
        session,
        ClientConfig { endpoint_url: Some(endpoint), max_attempts: Some(1), ..Default::default() },
    )
}

async fn bucket_names(client: &tucuxi_s3::Client) -> Vec<String> {
    let out = client.list_buckets().send().await.unwrap_or_else(|e| panic!("ListBuckets failed: {e}"));
    out.buckets.unwrap_or_default().into_iter().filter_map(|b| b.name).collect()
}

#[test]
fn https_goes_through_a_connect_tunnel_with_the_proxy_credentials() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy(false).await;
        let (origin, seen) = start_origin(true).await;
        // The lower-case variable, as urllib reads it first.
        let session = session_with(&[("https_proxy", format!("http://user:{PASSWORD}@127.0.0.1:{proxy}"))], None);
        let client = s3(&session, format!("https://localhost:{origin}"));

        assert_eq!(bucket_names(&client).await, ["behind-the-proxy"]);
        assert_eq!(bucket_names(&client).await, ["behind-the-proxy"]);

        assert_eq!(log.tunnels.load(Ordering::SeqCst), 2, "one tunnel per connection");
        assert_eq!(log.forwarded.load(Ordering::SeqCst), 0);
        let lines = log.request_lines.lock().unwrap().clone();
        assert_eq!(lines, vec![format!("CONNECT localhost:{origin} HTTP/1.1"); 2]);
        assert_eq!(*log.authorizations.lock().unwrap(), vec![Some(BASIC.to_owned()); 2]);
        // Inside the tunnel the target sees an ordinary origin-form request and no proxy header.
        let heads = seen.heads.lock().unwrap().clone();
        assert_eq!(heads.len(), 2);
        for head in &heads {
            assert!(head.starts_with("GET / HTTP/1.1\r\n"), "{head}");
            assert!(header(head, "proxy-authorization").is_none(), "{head}");
        }

        let printed = format!("{session:?} {client:?} {:?}", session.http());
        assert!(printed.contains(&format!("127.0.0.1:{proxy}")), "the proxy should be shown: {printed}");
        assert!(!printed.contains(PASSWORD) && !printed.contains(&BASIC[6..]), "a proxy secret leaked: {printed}");
    });
}

#[test]
fn http_is_forwarded_in_absolute_form() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy(false).await;
        let (origin, seen) = start_origin(false).await;
        // botocore's `Config(proxies={"http": ...})`, given to the session.
        let proxies: Proxies = [("http", format!("user:{PASSWORD}@127.0.0.1:{proxy}"))].into_iter().collect();
        let session = session_with(&[], Some(proxies));
        let client = s3(&session, format!("http://127.0.0.1:{origin}"));

        assert_eq!(bucket_names(&client).await, ["behind-the-proxy"]);

        assert_eq!(log.forwarded.load(Ordering::SeqCst), 1);
        assert_eq!(log.tunnels.load(Ordering::SeqCst), 0);
        let line = log.request_lines.lock().unwrap()[0].clone();
        assert_eq!(line, format!("GET http://127.0.0.1:{origin}/ HTTP/1.1"));
        assert_eq!(*log.authorizations.lock().unwrap(), [Some(BASIC.to_owned())]);
        assert_eq!(seen.heads.lock().unwrap().len(), 1);

        let printed = format!("{session:?} {:?}", session.http().config());
        assert!(!printed.contains(PASSWORD) && !printed.contains(&BASIC[6..]), "a proxy secret leaked: {printed}");
    });
}

#[test]
fn no_proxy_hosts_connect_directly() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy(false).await;
        let (tls_origin, tls_seen) = start_origin(true).await;
        let (origin, seen) = start_origin(false).await;
        let vars = [
            ("HTTPS_PROXY", format!("http://127.0.0.1:{proxy}")),
            ("HTTP_PROXY", format!("http://127.0.0.1:{proxy}")),
            // A name (for the https origin) and a CIDR range (for the http one).
            ("NO_PROXY", "example.com, .localhost,localhost,127.0.0.0/8".to_owned()),
        ];
        let session = session_with(&vars, None);
        assert_eq!(bucket_names(&s3(&session, format!("https://localhost:{tls_origin}"))).await, ["behind-the-proxy"]);
        assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{origin}"))).await, ["behind-the-proxy"]);
        assert_eq!(log.tunnels.load(Ordering::SeqCst), 0);
        assert_eq!(log.forwarded.load(Ordering::SeqCst), 0);
        assert_eq!((tls_seen.heads.lock().unwrap().len(), seen.heads.lock().unwrap().len()), (1, 1));

        // The same session without NO_PROXY's range goes through the proxy.
        let vars = [("HTTP_PROXY", format!("http://127.0.0.1:{proxy}")), ("NO_PROXY", "localhost".to_owned())];
        let session = session_with(&vars, None);
        assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{origin}"))).await, ["behind-the-proxy"]);
        assert_eq!(log.forwarded.load(Ordering::SeqCst), 1);

        // An explicit empty `Proxies` turns the variables off.
        let session = session_with(&vars, Some(Proxies::new()));
        assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{origin}"))).await, ["behind-the-proxy"]);
        assert_eq!(log.forwarded.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn a_refused_connect_names_the_proxy_and_the_status_without_credentials() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy(true).await;
        let (origin, seen) = start_origin(true).await;
        let session = session_with(&[("HTTPS_PROXY", format!("http://user:{PASSWORD}@127.0.0.1:{proxy}"))], None);
        let client = s3(&session, format!("https://localhost:{origin}"));

        let err = client.list_buckets().send().await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(&format!("proxy http://127.0.0.1:{proxy}")), "{shown}");
        assert!(shown.contains("407 Proxy Authentication Required"), "{shown}");
        assert!(shown.contains(&format!("CONNECT localhost:{origin}")), "{shown}");
        assert!(!shown.contains(PASSWORD) && !shown.contains(&BASIC[6..]), "a proxy secret leaked: {shown}");
        assert_eq!(log.tunnels.load(Ordering::SeqCst), 0);
        assert!(seen.heads.lock().unwrap().is_empty());
    });
}

/// Writes every span's and event's fields, one line each, into a shared string.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<String>>,
    next: Arc<AtomicUsize>,
}

struct Line<'a>(&'a mut String);

impl tracing::field::Visit for Line<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed) as u64 + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = String::from("record");
        values.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push_str(&(line + "\n"));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn proxy_credentials_never_reach_tracing() {
    let capture = Capture::default();
    let lines = capture.lines.clone();
    tracing::subscriber::with_default(capture, || {
        runtime().block_on(async {
            let (proxy, log) = start_proxy(false).await;
            let (refusing, _) = start_proxy(true).await;
            let (origin, _) = start_origin(true).await;
            let (plain, _) = start_origin(false).await;
            let vars = [
                ("HTTPS_PROXY", format!("http://user:{PASSWORD}@127.0.0.1:{proxy}")),
                ("HTTP_PROXY", format!("http://user:{PASSWORD}@127.0.0.1:{proxy}")),
            ];
            let session = session_with(&vars, None);
            assert_eq!(bucket_names(&s3(&session, format!("https://localhost:{origin}"))).await, ["behind-the-proxy"]);
            assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{plain}"))).await, ["behind-the-proxy"]);
            assert_eq!((log.tunnels.load(Ordering::SeqCst), log.forwarded.load(Ordering::SeqCst)), (1, 1));
            let session =
                session_with(&[("HTTPS_PROXY", format!("http://user:{PASSWORD}@127.0.0.1:{refusing}"))], None);
            assert!(s3(&session, format!("https://localhost:{origin}")).list_buckets().send().await.is_err());
        })
    });
    let lines = lines.lock().unwrap().clone();
    assert!(lines.contains("407"), "the refusal should be traced: {lines}");
    assert!(!lines.contains(PASSWORD) && !lines.contains(&BASIC[6..]), "a proxy secret was traced: {lines}");
}

/// A session that trusts only `roots` (no `AWS_CA_BUNDLE`).
fn session_trusting(roots: tucuxi::http::TrustRoots) -> Result<Session, tucuxi::session::SessionError> {
    let pairs = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ];
    Session::builder()
        .env_and_fs(Env::from_pairs(pairs), Fs::from_files(Vec::<(String, String)>::new()))
        .trust_roots(roots)
        .build()
}

/// The OS trust store (feature `native-roots`), pointed at the fixture CA or at nothing through
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`, as OpenSSL reads them. The only test here that reads those
/// variables, so setting them cannot disturb the others.
#[test]
fn the_system_trust_store_is_an_option() {
    use tucuxi::http::TrustRoots;
    runtime().block_on(async {
        let (origin, seen) = start_origin(true).await;
        let endpoint = format!("https://localhost:{origin}");

        std::env::remove_var("SSL_CERT_DIR");
        std::env::set_var("SSL_CERT_FILE", format!("{FIXTURES}/ca.pem"));
        let session = session_trusting(TrustRoots::System).unwrap();
        assert_eq!(bucket_names(&s3(&session, endpoint.clone())).await, ["behind-the-proxy"]);
        let session = session_trusting(TrustRoots::MozillaAndSystem).unwrap();
        assert_eq!(bucket_names(&s3(&session, endpoint.clone())).await, ["behind-the-proxy"]);
        // Mozilla's roots alone do not know the test CA.
        let session = session_trusting(TrustRoots::Mozilla).unwrap();
        let err = s3(&session, endpoint.clone()).list_buckets().send().await.unwrap_err();
        assert!(err.to_string().contains("TLS") || err.to_string().contains("certificate"), "{err}");
        assert_eq!(seen.heads.lock().unwrap().len(), 2);

        // A missing or empty store is a clear error when the session is built, not a panic.
        let empty = std::env::temp_dir().join(format!("tucuxi-empty-store-{}.pem", std::process::id()));
        std::fs::write(&empty, "").unwrap();
        for (file, dir) in [("/nonexistent/tucuxi/ca.pem", "/nonexistent/tucuxi/certs"), (empty.to_str().unwrap(), "")]
        {
            std::env::set_var("SSL_CERT_FILE", file);
            std::env::set_var("SSL_CERT_DIR", dir);
            for roots in [TrustRoots::System, TrustRoots::MozillaAndSystem] {
                let err = session_trusting(roots).unwrap_err().to_string();
                assert!(err.contains("operating system's trust store"), "{err}");
            }
        }
        std::env::remove_var("SSL_CERT_FILE");
        std::env::remove_var("SSL_CERT_DIR");
        let _ = std::fs::remove_file(empty);
    });
}

#[test]
fn a_client_config_names_its_own_proxies() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy(false).await;
        let (origin, seen) = start_origin(false).await;
        // The session's variables say "no proxy for this host"; botocore's client Config wins.
        let session = session_with(&[("NO_PROXY", "*".to_owned())], None);
        let config = |proxies: Proxies| ClientConfig {
            endpoint_url: Some(format!("http://127.0.0.1:{origin}")),
            max_attempts: Some(1),
            proxies: Some(proxies),
            ..Default::default()
        };
        let proxied = tucuxi_s3::Client::with_config(
            &session,
            config(Proxies::new().http(format!("http://user:{PASSWORD}@127.0.0.1:{proxy}"))),
        );
        assert_eq!(bucket_names(&proxied).await, ["behind-the-proxy"]);
        assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{origin}"))).await, ["behind-the-proxy"]);
        assert_eq!(log.forwarded.load(Ordering::SeqCst), 1, "only the client with proxies uses one");
        assert_eq!(*log.authorizations.lock().unwrap(), [Some(BASIC.to_owned())]);
        assert_eq!(seen.heads.lock().unwrap().len(), 2);
        let printed = format!("{proxied:?}");
        assert!(printed.contains(&format!("127.0.0.1:{proxy}")) && !printed.contains(PASSWORD), "{printed}");

        // An unusable proxy URL fails the client's calls, naming the proxy without its password.
        let broken = tucuxi_s3::Client::with_config(
            &session,
            config(Proxies::new().http(format!("http://user:{PASSWORD}@bad host:1"))),
        );
        let err = broken.list_buckets().send().await.unwrap_err().to_string();
        assert!(err.contains("http proxy") && err.contains("not usable") && !err.contains(PASSWORD), "{err}");
    });
}

#[test]
fn an_https_proxy_is_reached_over_tls() {
    runtime().block_on(async {
        let (proxy, log) = start_proxy_with(false, true).await;
        let (origin, seen) = start_origin(true).await;
        let (plain, _) = start_origin(false).await;
        // The proxy's certificate is checked against the same roots as targets (AWS_CA_BUNDLE).
        let url = format!("https://user:{PASSWORD}@localhost:{proxy}");
        let session = session_with(&[("HTTPS_PROXY", url.clone()), ("HTTP_PROXY", url)], None);
        // TLS to the target inside the tunnel inside TLS to the proxy.
        assert_eq!(bucket_names(&s3(&session, format!("https://localhost:{origin}"))).await, ["behind-the-proxy"]);
        // Forwarded in absolute form over the TLS connection to the proxy.
        assert_eq!(bucket_names(&s3(&session, format!("http://127.0.0.1:{plain}"))).await, ["behind-the-proxy"]);
        assert_eq!((log.tunnels.load(Ordering::SeqCst), log.forwarded.load(Ordering::SeqCst)), (1, 1));
        assert_eq!(*log.authorizations.lock().unwrap(), vec![Some(BASIC.to_owned()); 2]);
        assert_eq!(seen.heads.lock().unwrap().len(), 1);
        let printed = format!("{session:?}");
        assert!(
            printed.contains(&format!("https://***@localhost:{proxy}")) && !printed.contains(PASSWORD),
            "{printed}"
        );

        // A proxy whose certificate is not trusted fails the TLS step, naming the proxy.
        let untrusting = Session::builder()
            .env_and_fs(
                Env::from_pairs([
                    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE".to_owned()),
                    ("AWS_SECRET_ACCESS_KEY", "secret".to_owned()),
                    ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
                    ("HTTPS_PROXY", format!("https://user:{PASSWORD}@localhost:{proxy}")),
                ]),
                Fs::from_files(Vec::<(String, String)>::new()),
            )
            .build()
            .unwrap();
        let err = s3(&untrusting, format!("https://localhost:{origin}")).list_buckets().send().await.unwrap_err();
        let err = err.to_string();
        assert!(err.contains(&format!("TLS to the proxy https://localhost:{proxy} failed")), "{err}");
        assert!(!err.contains(PASSWORD), "{err}");
        assert_eq!(log.tunnels.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn blocking_calls_use_the_proxies_too() {
    // The servers run on a thread of their own, since a blocking call may not run inside a runtime.
    let (ports, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let (proxy, log) = start_proxy(false).await;
            let (origin, _) = start_origin(true).await;
            ports.send((proxy, origin, log)).unwrap();
            std::future::pending::<()>().await;
        })
    });
    let (proxy, origin, log) = receive.recv().unwrap();
    let session = session_with(&[("HTTPS_PROXY", format!("http://user:{PASSWORD}@127.0.0.1:{proxy}"))], None);
    let out = s3(&session, format!("https://localhost:{origin}")).list_buckets().send_blocking().unwrap();
    assert_eq!(out.buckets.unwrap_or_default()[0].name.as_deref(), Some("behind-the-proxy"));
    assert_eq!(log.tunnels.load(Ordering::SeqCst), 1);
    assert_eq!(*log.authorizations.lock().unwrap(), [Some(BASIC.to_owned())]);
}

#[test]
fn a_silent_proxy_runs_into_the_connect_timeout() {
    runtime().block_on(async {
        // Accepts connections and never answers CONNECT.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((client, _)) = listener.accept().await {
                held.push(client);
            }
        });
        let pairs = [
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "secret".to_owned()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
            ("HTTPS_PROXY", format!("http://127.0.0.1:{proxy}")),
        ];
        let http =
            tucuxi::http::HttpConfig { connect_timeout: std::time::Duration::from_millis(300), ..Default::default() };
        let session = Session::builder()
            .env_and_fs(Env::from_pairs(pairs), Fs::from_files(Vec::<(String, String)>::new()))
            .http_config(http)
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let err = s3(&session, "https://localhost:9".to_owned()).list_buckets().send().await.unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(err.is_timeout(), "{err}");
        assert!(err.to_string().contains("connect timeout"), "{err}");
    });
}
