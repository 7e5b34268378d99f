//! The first hop of a connection: a direct TCP connection, a connection to the proxy for an
//! `http` target (marked forwarding, so the request is written in absolute form), or a `CONNECT`
//! tunnel through the proxy for an `https` target (TLS to the target then runs inside it, so the
//! target's certificate is checked as on a direct connection). An `https://` proxy is reached
//! over TLS first, checked against the same roots as targets.

use std::sync::Arc;

use http::Uri;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ProxyRoutes, Route};
use crate::http::connect::{tcp, MaybeTls};
use crate::http::{HttpError, HttpErrorKind};

/// The most a proxy's answer to `CONNECT` may hold before its blank line.
const MAX_CONNECT_RESPONSE: usize = 16 * 1024;

/// Connects directly, or through the proxy the routes choose for the target.
pub(crate) struct ProxyConnector {
    /// `None` when no proxy is configured: every connection is direct.
    pub(crate) routes: Option<Arc<ProxyRoutes>>,
    /// TLS to `https://` proxies: the targets' roots, without ALPN (the proxy speaks HTTP/1.1);
    /// `None` when no proxy is reached over TLS.
    pub(crate) tls: Option<Arc<rustls::ClientConfig>>,
}

/// A connection to the target or to a proxy, before any TLS to the target: TLS only to an
/// `https://` proxy.
pub(crate) type ProxyStream = MaybeTls<TcpStream>;

impl ProxyConnector {
    /// The first hop to `target` (`host` and `port` are its own, the port filled in from the
    /// scheme), and whether requests on it go to a forwarding proxy in absolute form.
    pub(crate) async fn connect(&self, target: &Uri, host: &str, port: u16) -> Result<(ProxyStream, bool), HttpError> {
        let Some(route) = self.routes.as_ref().and_then(|routes| routes.route(target)) else {
            return Ok((MaybeTls::Plain(tcp(host, port).await?), false));
        };
        let proxy_host = route.uri.host().unwrap_or_default();
        let proxy_port = route.uri.port_u16().unwrap_or(80);
        let tcp = tcp(proxy_host, proxy_port).await.map_err(|e| {
            HttpError::new(e.kind(), format!("could not connect to the proxy {}", route.shown)).with_source(e)
        })?;
        let tunnelled = target.scheme_str() == Some("https");
        let stream = match &route.tls_name {
            None => {
                let mut tcp = tcp;
                if tunnelled {
                    tunnel(&mut tcp, host, port, route).await?;
                }
                MaybeTls::Plain(tcp)
            }
            Some(name) => {
                let tls = self.tls.clone().ok_or_else(|| {
                    HttpError::new(HttpErrorKind::Tls, format!("no TLS settings for the proxy {}", route.shown))
                })?;
                let mut stream =
                    tokio_rustls::TlsConnector::from(tls).connect(name.clone(), tcp).await.map_err(|e| {
                        HttpError::new(HttpErrorKind::Tls, format!("TLS to the proxy {} failed", route.shown))
                            .with_source(e)
                    })?;
                if tunnelled {
                    tunnel(&mut stream, host, port, route).await?;
                }
                MaybeTls::Tls(Box::new(stream))
            }
        };
        Ok((stream, !tunnelled))
    }
}

/// Asks the proxy for a tunnel to the target's host and port, and checks that it agreed.
async fn tunnel<S: AsyncRead + AsyncWrite + Unpin>(
    tcp: &mut S,
    host: &str,
    port: u16,
    route: &Route,
) -> Result<(), HttpError> {
    let authority = format!("{host}:{port}");
    let failed = |what: String| HttpError::new(HttpErrorKind::Connect, format!("proxy {}: {what}", route.shown));

    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    if let Some(authorization) = &route.authorization {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(authorization.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    tcp.write_all(&head).await.map_err(|e| failed(format!("sending CONNECT {authority} failed")).with_source(e))?;

    let mut response = Vec::with_capacity(256);
    let mut chunk = [0u8; 1024];
    let end = loop {
        let read = tcp
            .read(&mut chunk)
            .await
            .map_err(|e| failed(format!("reading the answer to CONNECT {authority} failed")).with_source(e))?;
        if read == 0 {
            return Err(failed(format!("closed the connection instead of answering CONNECT {authority}")));
        }
        response.extend_from_slice(&chunk[..read]);
        if let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if response.len() > MAX_CONNECT_RESPONSE {
            return Err(failed(format!("its answer to CONNECT {authority} has no end of headers")));
        }
    };
    let status_line = response.split(|b| *b == b'\n').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line).trim_end().to_owned();
    let status = parse_status(&status_line);
    match status {
        Some(code) if (200..300).contains(&code) => {}
        Some(code) => {
            let reason = status_line.splitn(3, ' ').nth(2).unwrap_or("").trim();
            return Err(failed(
                format!("refused CONNECT {authority} with status {code} {reason}").trim_end().to_owned(),
            ));
        }
        None => {
            let shown: String = status_line.chars().take(80).collect();
            return Err(failed(format!("answered CONNECT {authority} with something that is not HTTP: {shown:?}")));
        }
    }
    // The target speaks first only after our TLS hello, so nothing may follow the proxy's answer.
    if response.len() > end {
        return Err(failed(format!("sent data after accepting CONNECT {authority}")));
    }
    Ok(())
}

/// The code of an `HTTP/1.x NNN reason` status line.
fn parse_status(line: &str) -> Option<u16> {
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(parse_status("HTTP/1.1 200 Connection established"), Some(200));
        assert_eq!(parse_status("HTTP/1.0 407 Proxy Authentication Required"), Some(407));
        assert_eq!(parse_status("HTTP/1.1 200"), Some(200));
        assert_eq!(parse_status("SSH-2.0-OpenSSH"), None);
        assert_eq!(parse_status("HTTP/1.1 2000 x"), None);
    }
}
