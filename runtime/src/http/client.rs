//! [`HttpClient`]: a connection-pooling HTTPS client with timeouts, built on hyper's
//! connections (pool.rs) and the runtime's own connector (connect.rs).

use core::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http::header::{HeaderValue, PROXY_AUTHORIZATION, USER_AGENT};
use http::{Request, Response};

use super::body::SdkBody;
use super::connect::Connector;
use super::pool::Pool;
use super::proxy::{Proxies, ProxyConnector, ProxyRoutes};
use super::timeout::{wait_for_headers, Progress, RequestBody, ResponseBody};
use super::tls::{tls_config, TrustRoots};
use super::{mark_sensitive_headers, redacted_url, HttpError, HttpErrorKind, HttpTransport};
use crate::stream::ByteStream;

/// How the HTTP client connects, waits and pools. Build it with struct update syntax:
/// `HttpConfig { read_timeout: Duration::from_secs(5), ..HttpConfig::default() }`.
///
/// The defaults are botocore's: 60 s to connect, 60 s of silence before a read fails, no
/// operation deadline, and 10 pooled connections per host (`max_pool_connections`).
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Bound on DNS, TCP connect and TLS handshake together (botocore: `connect_timeout`, 60 s).
    pub connect_timeout: Duration,
    /// Bound on each wait for the peer: for the response headers once the request is sent, and
    /// for each body chunk (botocore: `read_timeout`, 60 s).
    pub read_timeout: Duration,
    /// Bound on one `send` from its start until the response headers arrive; `None` (the
    /// default) means no bound. Reading a streaming body afterwards is governed by
    /// `read_timeout` alone, so long downloads are not cut off.
    pub operation_timeout: Option<Duration>,
    /// How long an idle pooled connection is kept; `None` keeps it until the server closes it.
    /// 90 s, hyper's and the AWS SDKs' default.
    pub pool_idle_timeout: Option<Duration>,
    /// Idle connections kept per host (botocore: `max_pool_connections`, 10). More connections
    /// than this may be open at once; the extra ones are closed when idle.
    pub pool_max_idle_per_host: usize,
    /// A PEM file of extra trusted certificates (what `AWS_CA_BUNDLE` / `ca_bundle` name),
    /// trusted in addition to the roots below.
    pub ca_bundle: Option<PathBuf>,
    /// The roots trusted: the compiled-in Mozilla roots (the default, as botocore's certifi),
    /// the operating system's store (feature `native-roots`), or both.
    pub trust_roots: TrustRoots,
    /// The `User-Agent` sent when a request carries none.
    pub user_agent: String,
    /// The proxies to send through (botocore's `proxies`). A session fills this from
    /// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` when it is not given; `None` connects directly.
    pub proxies: Option<Proxies>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
            operation_timeout: None,
            pool_idle_timeout: Some(Duration::from_secs(90)),
            pool_max_idle_per_host: 10,
            ca_bundle: None,
            trust_roots: TrustRoots::Mozilla,
            user_agent: concat!("tucuxi/", env!("CARGO_PKG_VERSION")).to_owned(),
            proxies: None,
        }
    }
}

/// The HTTP client. Cloning is cheap and clones share one connection pool, so a session makes
/// one and hands it to every service client.
///
/// `send` must run inside a Tokio runtime with I/O and time enabled; `send_blocking` (see
/// [`crate::http::block_on`]) runs without one.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: HttpConfig,
    connector: Arc<Connector>,
    user_agent: HeaderValue,
    /// The pool of async callers; its connection tasks run on the callers' runtimes.
    pool: Pool,
    /// The pool of blocking callers, created on first use. Its connections live on the shared
    /// blocking runtime, which always runs, so they are never stranded on a runtime nobody
    /// drives (as they could be if both kinds of caller shared one pool).
    blocking_pool: OnceLock<Pool>,
    /// A transport that replaces the pools for every request (tests, stubs, other stacks);
    /// `None`, the default, sends through hyper. Checked once per request.
    transport: Option<Arc<dyn HttpTransport>>,
    /// The parsed proxies, shared with the connector; `None` when there are none, so a client
    /// without proxies checks one `Option` per request and nothing else.
    proxies: Option<Arc<ProxyRoutes>>,
}

impl HttpClient {
    /// A client for the given configuration. Fails when the CA bundle cannot be loaded or a
    /// proxy URL is not usable.
    pub fn new(config: HttpConfig) -> Result<Self, HttpError> {
        let tls = tls_config(config.trust_roots, config.ca_bundle.as_deref())?;
        let proxies = match &config.proxies {
            Some(proxies) => ProxyRoutes::parse(proxies)?.map(Arc::new),
            None => None,
        };
        // An `https://` proxy's TLS shares the targets' roots; ALPN stays off, as a proxy speaks
        // HTTP/1.1. Made only when a proxy needs it.
        let proxy_tls = proxies.as_ref().filter(|routes| routes.uses_tls()).map(|_| Arc::new(tls.clone()));
        let proxy = ProxyConnector { routes: proxies.clone(), tls: proxy_tls };
        #[cfg_attr(not(feature = "http2"), allow(unused_mut))]
        let mut tls = tls;
        // HTTP/2 is offered by ALPN only when it is built in; HTTP/1.1 alone needs no ALPN.
        #[cfg(feature = "http2")]
        {
            tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        let tls = tokio_rustls::TlsConnector::from(Arc::new(tls));
        let connector = Arc::new(Connector { tls, proxy, timeout: config.connect_timeout });
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|e| {
            HttpError::new(HttpErrorKind::InvalidRequest, "the user agent is not a valid header value").with_source(e)
        })?;
        let pool = new_pool(&config, &connector);
        Ok(HttpClient {
            inner: Arc::new(Inner {
                config,
                connector,
                user_agent,
                pool,
                blocking_pool: OnceLock::new(),
                transport: None,
                proxies,
            }),
        })
    }

    /// A client that hands every request to `transport` instead of its connection pools. The
    /// configuration's timeouts are not applied to the transport (it owns its I/O); the
    /// `User-Agent` default and header marking still are.
    pub fn with_transport(config: HttpConfig, transport: Arc<dyn HttpTransport>) -> Result<Self, HttpError> {
        let mut client = HttpClient::new(config)?;
        if let Some(inner) = Arc::get_mut(&mut client.inner) {
            inner.transport = Some(transport);
        }
        Ok(client)
    }

    /// The transport that replaces the pools, if one was given.
    pub fn transport(&self) -> Option<&Arc<dyn HttpTransport>> {
        self.inner.transport.as_ref()
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// Sends a request and returns the response once its headers arrive; the body streams.
    ///
    /// The `operation_timeout` of the configuration, if any, bounds the wait for the headers.
    pub async fn send(&self, request: Request<SdkBody>) -> Result<Response<ByteStream>, HttpError> {
        let deadline = self.inner.config.operation_timeout.and_then(|t| std::time::Instant::now().checked_add(t));
        self.send_until(request, deadline).await
    }

    /// Like [`HttpClient::send`] with an explicit deadline for the response headers, so a retry
    /// loop can spread one operation deadline over several attempts. `None` means no deadline.
    pub async fn send_until(
        &self,
        request: Request<SdkBody>,
        deadline: Option<std::time::Instant>,
    ) -> Result<Response<ByteStream>, HttpError> {
        self.send_on(&self.inner.pool, request, deadline).await
    }

    /// The blocking callers' pool.
    pub(crate) fn blocking_pool(&self) -> &Pool {
        self.inner.blocking_pool.get_or_init(|| new_pool(&self.inner.config, &self.inner.connector))
    }

    pub(crate) async fn send_on(
        &self,
        pool: &Pool,
        request: Request<SdkBody>,
        deadline: Option<std::time::Instant>,
    ) -> Result<Response<ByteStream>, HttpError> {
        if let Some(transport) = &self.inner.transport {
            return self.send_through(&**transport, request).await;
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(HttpError::new(
                HttpErrorKind::InvalidRequest,
                "HttpClient::send must run inside a Tokio runtime; outside async code use send_blocking",
            ));
        }
        let (mut parts, body) = request.into_parts();
        let host: Arc<str> = match (parts.uri.scheme_str(), parts.uri.host()) {
            (Some("http" | "https"), Some(host)) if !host.is_empty() => host.into(),
            _ => {
                return Err(HttpError::new(
                    HttpErrorKind::InvalidRequest,
                    format!("the URL must be absolute http(s) with a host: {}", redacted_url(&parts.uri)),
                ))
            }
        };
        if !parts.headers.contains_key(USER_AGENT) {
            parts.headers.insert(USER_AGENT, self.inner.user_agent.clone());
        }
        // A forwarding proxy reads its credentials from the request itself; a CONNECT tunnel
        // (https) carries them in the CONNECT request instead, never to the target.
        if let Some(routes) = &self.inner.proxies {
            if parts.uri.scheme_str() == Some("http") {
                if let Some(authorization) = routes.route(&parts.uri).and_then(|r| r.authorization.as_ref()) {
                    parts.headers.insert(PROXY_AUTHORIZATION, authorization.clone());
                }
            }
        }
        // Marked values print as `Sensitive` in `Debug` and are never indexed by HTTP/2's
        // header compression.
        mark_sensitive_headers(&mut parts.headers);

        let progress = Arc::new(Progress::default());
        let request = Request::from_parts(parts, RequestBody::new(body, progress.clone()));
        let responding = Box::pin(pool.send(request));
        let read_timeout = self.inner.config.read_timeout;
        let deadline = deadline.map(tokio::time::Instant::from_std);
        let (response, release) =
            wait_for_headers(responding, &progress, read_timeout, deadline).await.map_err(|e| e.with_host(&host))?;
        let (parts, incoming) = response.into_parts();
        let body = ByteStream::from_response(ResponseBody::new(incoming, read_timeout, host, release));
        Ok(Response::from_parts(parts, body))
    }
}

impl HttpClient {
    /// Sends through a replacement transport, after the same header preparation as the pools.
    async fn send_through(
        &self,
        transport: &dyn HttpTransport,
        mut request: Request<SdkBody>,
    ) -> Result<Response<ByteStream>, HttpError> {
        if !request.headers().contains_key(USER_AGENT) {
            request.headers_mut().insert(USER_AGENT, self.inner.user_agent.clone());
        }
        mark_sensitive_headers(request.headers_mut());
        transport.send(request).await
    }
}

fn new_pool(config: &HttpConfig, connector: &Arc<Connector>) -> Pool {
    Pool::new(connector.clone(), config.pool_idle_timeout, config.pool_max_idle_per_host)
}

impl fmt::Debug for HttpClient {
    /// The configuration only: the client holds no secrets, and pooled connections are noise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = self.inner.transport.as_deref().map(super::transport::DescribeTransport);
        f.debug_struct("HttpClient")
            .field("config", &self.inner.config)
            .field("transport", &transport)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
impl HttpClient {
    /// The async callers' pool, for the pool's tests.
    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }
}
