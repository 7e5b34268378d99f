//! Making a connection: DNS, TCP (each resolved address in turn, `TCP_NODELAY` on), the proxy
//! hop if one is configured, and TLS to the target, all under one `connect_timeout`.

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::io;
use std::time::Duration;

use http::Uri;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::io::TokioIo;
use super::proxy::{ProxyConnector, ProxyStream};
use super::{HttpError, HttpErrorKind};

/// The marker error of a connect attempt that ran out of time, kept as the cause of the
/// `ConnectTimeout` error so its text says what the bound covered.
#[derive(Debug)]
pub(crate) struct ConnectTimedOut(pub(crate) Duration);

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DNS, TCP connect and TLS handshake took more than {:?}", self.0)
    }
}

impl std::error::Error for ConnectTimedOut {}

/// Opens connections to targets, directly or through a proxy.
pub(crate) struct Connector {
    /// TLS to targets: the configured roots, ALPN `http/1.1` (and `h2` with the `http2`
    /// feature).
    pub(crate) tls: tokio_rustls::TlsConnector,
    pub(crate) proxy: ProxyConnector,
    /// Bound on DNS, TCP connect and TLS handshake together.
    pub(crate) timeout: Duration,
}

/// A new connection, ready for hyper's handshake.
pub(crate) struct Connected {
    pub(crate) io: TokioIo<Stream>,
    /// Requests go to a forwarding proxy, in absolute form.
    pub(crate) forwarding: bool,
    /// TLS negotiated HTTP/2 by ALPN.
    #[cfg(feature = "http2")]
    pub(crate) h2: bool,
}

impl Connector {
    /// Connects to the target of `uri` (absolute, `http` or `https`, with a host), within the
    /// connect timeout.
    pub(crate) async fn connect(&self, uri: &Uri) -> Result<Connected, HttpError> {
        match tokio::time::timeout(self.timeout, self.connect_unbounded(uri)).await {
            Ok(connected) => connected,
            Err(_) => Err(HttpError::new(HttpErrorKind::ConnectTimeout, "could not connect")
                .with_source(ConnectTimedOut(self.timeout))),
        }
    }

    async fn connect_unbounded(&self, uri: &Uri) -> Result<Connected, HttpError> {
        let https = uri.scheme_str() == Some("https");
        let host = uri.host().unwrap_or_default();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let (first_hop, forwarding) = self.proxy.connect(uri, host, port).await?;
        if !https {
            let io = TokioIo::new(MaybeTls::Plain(first_hop));
            #[cfg(feature = "http2")]
            return Ok(Connected { io, forwarding, h2: false });
            #[cfg(not(feature = "http2"))]
            return Ok(Connected { io, forwarding });
        }
        let name = rustls::pki_types::ServerName::try_from(unbracketed(host).to_owned())
            .map_err(|_| HttpError::new(HttpErrorKind::InvalidRequest, "the host cannot name a TLS server"))?;
        let tls = self.tls.connect(name, first_hop).await.map_err(tls_error)?;
        #[cfg(feature = "http2")]
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        let io = TokioIo::new(MaybeTls::Tls(Box::new(tls)));
        #[cfg(feature = "http2")]
        return Ok(Connected { io, forwarding, h2 });
        #[cfg(not(feature = "http2"))]
        Ok(Connected { io, forwarding })
    }
}

/// A failed TLS handshake: rustls' own verdicts (an untrusted certificate, no common protocol)
/// are `Tls`; the peer resetting or closing the connection meanwhile keeps its transport kind.
fn tls_error(err: io::Error) -> HttpError {
    let kind = match super::error::io_kind(&err) {
        HttpErrorKind::Io => HttpErrorKind::Tls,
        kind => kind,
    };
    HttpError::new(kind, "the TLS handshake failed").with_source(err)
}

/// A host as DNS and TLS take it: IPv6 literals without the brackets URLs put around them.
fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

/// A TCP connection to `host:port`, trying each address the name resolves to in turn.
pub(crate) async fn tcp(host: &str, port: u16) -> Result<TcpStream, HttpError> {
    // An IP literal is parsed without a lookup (and without the blocking pool's thread).
    let addresses = tokio::net::lookup_host((unbracketed(host), port))
        .await
        .map_err(|e| HttpError::new(HttpErrorKind::Connect, "the DNS lookup failed").with_source(e))?;
    let mut last = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                // urllib3 (under botocore) sets TCP_NODELAY: requests are written head then body,
                // and Nagle's algorithm would hold the body back for a round trip.
                stream
                    .set_nodelay(true)
                    .map_err(|e| HttpError::new(HttpErrorKind::Connect, "could not connect").with_source(e))?;
                return Ok(stream);
            }
            Err(err) => last = Some(err),
        }
    }
    Err(match last {
        // The operating system's own connect timeout is a connect timeout, not a read timeout.
        Some(err) if err.kind() == io::ErrorKind::TimedOut => {
            HttpError::new(HttpErrorKind::ConnectTimeout, "could not connect").with_source(err)
        }
        Some(err) => HttpError::new(HttpErrorKind::Connect, "could not connect").with_source(err),
        None => HttpError::new(HttpErrorKind::Connect, "the DNS lookup found no address"),
    })
}

/// A stream as it is, or with TLS over it: a connection's first hop (TCP, or TLS to an `https://`
/// proxy) and the connection to the target (plain, or TLS over the first hop) are both one.
pub(crate) enum MaybeTls<S> {
    Plain(S),
    /// Boxed: a TLS session is large.
    Tls(Box<TlsStream<S>>),
}

/// The bytes of a connection: plain, or TLS to the target (over TCP or through a proxy).
pub(crate) type Stream = MaybeTls<ProxyStream>;

/// Runs `$call` on whichever stream the connection is.
macro_rules! on_stream {
    ($self:expr, $io:ident => $call:expr) => {
        match $self.get_mut() {
            MaybeTls::Plain($io) => $call,
            MaybeTls::Tls($io) => {
                let $io = &mut **$io;
                $call
            }
        }
    };
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for MaybeTls<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        on_stream!(self, io => Pin::new(io).poll_read(cx, buf))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for MaybeTls<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        on_stream!(self, io => Pin::new(io).poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        on_stream!(self, io => Pin::new(io).poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        on_stream!(self, io => Pin::new(io).poll_shutdown(cx))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            MaybeTls::Plain(io) => io.is_write_vectored(),
            MaybeTls::Tls(io) => io.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        on_stream!(self, io => Pin::new(io).poll_write_vectored(cx, bufs))
    }
}
