//! [`HttpError`]: every failure of the HTTP layer, with a kind the retry layer can classify.

use core::fmt;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::io;

/// A boxed error that can cross threads, as hyper and `http-body` carry them.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What went wrong, coarse enough for a retry policy to decide on.
///
/// The transport kinds map onto botocore's exceptions, which its retry modes treat as connection
/// errors: `ConnectTimeout` (`ConnectTimeoutError`), `Connect` and `Tls`
/// (`EndpointConnectionError`, `SSLError`), `ReadTimeout` (`ReadTimeoutError`),
/// `ConnectionReset`, `ConnectionClosed` and `InvalidResponse` (`ConnectionClosedError`, which
/// botocore raises for urllib3's `ProtocolError`). [`HttpErrorKind::is_transient`] is that list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// DNS, TCP connect and TLS handshake did not finish within `connect_timeout`.
    ConnectTimeout,
    /// The connection could not be made: DNS failure, connection refused, unreachable.
    Connect,
    /// The TLS handshake failed (untrusted certificate, protocol mismatch) or the CA bundle
    /// could not be loaded.
    Tls,
    /// No progress for `read_timeout`: no response headers, or no body bytes, arrived in time.
    ReadTimeout,
    /// The whole-operation deadline passed before the response headers arrived.
    OperationTimeout,
    /// The peer reset the connection (`ECONNRESET`, `ECONNABORTED`, broken pipe).
    ConnectionReset,
    /// The peer closed the connection before the response (headers or body) was complete,
    /// including a body shorter than its `Content-Length`.
    ConnectionClosed,
    /// A local I/O failure, such as reading an upload file or writing a download.
    Io,
    /// The request cannot be sent as built: no host, unsupported scheme, a body that does not
    /// match its declared length, or a call from the wrong context.
    InvalidRequest,
    /// The response is not valid HTTP.
    InvalidResponse,
    /// A body was larger than the limit given to `collect_limited`.
    BodyTooLarge,
    /// A response body did not match the checksum the service sent for it (`x-amz-checksum-*`).
    ChecksumMismatch,
    /// Anything else.
    Other,
}

impl HttpErrorKind {
    /// Whether the failure is in the transport, so a fresh attempt may succeed (botocore retries
    /// these). Local failures (`Io`, `InvalidRequest`, `BodyTooLarge`), a spent
    /// `OperationTimeout` and `Other` are not.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            HttpErrorKind::ConnectTimeout
                | HttpErrorKind::Connect
                | HttpErrorKind::Tls
                | HttpErrorKind::ReadTimeout
                | HttpErrorKind::ConnectionReset
                | HttpErrorKind::ConnectionClosed
                | HttpErrorKind::InvalidResponse
        )
    }

    /// Whether the error is one of the timeouts.
    pub fn is_timeout(self) -> bool {
        matches!(self, HttpErrorKind::ConnectTimeout | HttpErrorKind::ReadTimeout | HttpErrorKind::OperationTimeout)
    }

    fn describe(self) -> &'static str {
        match self {
            HttpErrorKind::ConnectTimeout => "connect timeout",
            HttpErrorKind::Connect => "connection failed",
            HttpErrorKind::Tls => "TLS error",
            HttpErrorKind::ReadTimeout => "read timeout",
            HttpErrorKind::OperationTimeout => "operation timeout",
            HttpErrorKind::ConnectionReset => "connection reset",
            HttpErrorKind::ConnectionClosed => "connection closed early",
            HttpErrorKind::Io => "I/O error",
            HttpErrorKind::InvalidRequest => "invalid request",
            HttpErrorKind::InvalidResponse => "invalid response",
            HttpErrorKind::BodyTooLarge => "body too large",
            HttpErrorKind::ChecksumMismatch => "checksum mismatch",
            HttpErrorKind::Other => "HTTP error",
        }
    }
}

/// An error of the HTTP layer.
///
/// It carries the kind, the host it happened with (never a full URL: paths and query strings
/// of presigned URLs hold signatures), a message and the underlying cause.
pub struct HttpError {
    kind: HttpErrorKind,
    host: Option<String>,
    message: Cow<'static, str>,
    source: Option<BoxError>,
}

impl HttpError {
    /// An error of the given kind.
    pub fn new(kind: HttpErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        HttpError { kind, host: None, message: message.into(), source: None }
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Records the host the error happened with, unless one is already recorded.
    pub fn with_host(mut self, host: &str) -> Self {
        if self.host.is_none() && !host.is_empty() {
            self.host = Some(host.to_owned());
        }
        self
    }

    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    /// The host of the request, when the error came from one.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The message, without the kind, host or cause.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Turns any boxed error from a body or a connector into an `HttpError`, keeping an
    /// `HttpError` that travelled through a box (hyper boxes body errors) as it was.
    pub(crate) fn from_boxed(err: BoxError) -> Self {
        match err.downcast::<HttpError>() {
            Ok(http) => *http,
            Err(other) => {
                let kind = classify_chain(&*other).unwrap_or(HttpErrorKind::Other);
                HttpError::new(kind, kind.describe()).with_source(other)
            }
        }
    }

    /// Classifies an error of sending a request and waiting for its response headers.
    pub(crate) fn from_send(err: hyper::Error) -> Self {
        if let Some(http) = find::<HttpError>(&err) {
            // A failure of our own request body (a file that could not be read) keeps its kind.
            return HttpError::new(http.kind, http.message.clone()).with_source(err);
        }
        let kind = classify_chain(&err).unwrap_or(HttpErrorKind::Other);
        HttpError::new(kind, "request failed").with_source(err)
    }

    /// Classifies an error while receiving a response body.
    pub(crate) fn from_hyper(err: hyper::Error) -> Self {
        let kind = classify_chain(&err).unwrap_or(HttpErrorKind::Other);
        HttpError::new(kind, "reading the response body failed").with_source(err)
    }

    /// An I/O error, classified by its `io::ErrorKind`.
    pub(crate) fn from_io(err: io::Error, message: &'static str) -> Self {
        let kind = io_kind(&err);
        HttpError::new(kind, message).with_source(err)
    }

    /// The error as an `io::Error`, for `AsyncRead`/`Read` adapters.
    pub(crate) fn into_io(self) -> io::Error {
        let kind = match self.kind {
            HttpErrorKind::ConnectTimeout | HttpErrorKind::ReadTimeout | HttpErrorKind::OperationTimeout => {
                io::ErrorKind::TimedOut
            }
            HttpErrorKind::ConnectionReset => io::ErrorKind::ConnectionReset,
            HttpErrorKind::ConnectionClosed => io::ErrorKind::UnexpectedEof,
            HttpErrorKind::InvalidResponse | HttpErrorKind::ChecksumMismatch => io::ErrorKind::InvalidData,
            HttpErrorKind::Io => match self.source.as_deref().and_then(|s| s.downcast_ref::<io::Error>()) {
                Some(inner) => inner.kind(),
                None => io::ErrorKind::Other,
            },
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, self)
    }
}

/// The next link of an error chain. `io::Error::source` skips the error it wraps (it returns
/// the wrapped error's own source), so the wrapped error is taken through `get_ref` instead.
fn next_link<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    if let Some(io) = err.downcast_ref::<io::Error>() {
        if let Some(inner) = io.get_ref() {
            return Some(inner);
        }
    }
    err.source()
}

/// Walks an error's chain for the first link of type `T`.
fn find<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        next = next_link(e);
    }
    None
}

/// Finds the most telling cause in a chain, since hyper wraps the I/O and body errors under it: our own markers first, then rustls, then the first `io::Error`, then hyper's own
/// verdict (which has no cause below it for "connection closed before message completed").
fn classify_chain(err: &(dyn StdError + 'static)) -> Option<HttpErrorKind> {
    if let Some(http) = find::<HttpError>(err) {
        return Some(http.kind);
    }
    if find::<crate::http::connect::ConnectTimedOut>(err).is_some() {
        return Some(HttpErrorKind::ConnectTimeout);
    }
    if find::<rustls::Error>(err).is_some() {
        return Some(HttpErrorKind::Tls);
    }
    if let Some(io) = find::<io::Error>(err) {
        return Some(io_kind(io));
    }
    let h = find::<hyper::Error>(err)?;
    if h.is_parse() {
        Some(HttpErrorKind::InvalidResponse)
    } else if h.is_incomplete_message() || h.is_canceled() || h.is_closed() || h.is_body_write_aborted() {
        Some(HttpErrorKind::ConnectionClosed)
    } else {
        None
    }
}

pub(crate) fn io_kind(err: &io::Error) -> HttpErrorKind {
    if err.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) {
        return HttpErrorKind::Tls;
    }
    match err.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
            HttpErrorKind::ConnectionReset
        }
        io::ErrorKind::UnexpectedEof => HttpErrorKind::ConnectionClosed,
        io::ErrorKind::TimedOut => HttpErrorKind::ReadTimeout,
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::AddrNotAvailable
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NotConnected => HttpErrorKind::Connect,
        _ => HttpErrorKind::Io,
    }
}

impl fmt::Display for HttpError {
    /// `kind: message (host h): cause: cause`. Causes never hold URLs: hyper and rustls report
    /// without them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.kind.describe();
        if self.message == what {
            f.write_str(what)?;
        } else {
            write!(f, "{what}: {}", self.message)?;
        }
        if let Some(host) = &self.host {
            write!(f, " (host {host})")?;
        }
        let mut next = self.source.as_deref().map(|s| s as &(dyn StdError + 'static));
        while let Some(cause) = next {
            // An error of ours that hyper carried up (a connector's) was already copied into
            // this one's kind and message: printing it again would repeat them.
            let repeated = cause.downcast_ref::<HttpError>().is_some_and(|h| h.message == self.message);
            if !repeated {
                write!(f, ": {cause}")?;
            }
            next = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for HttpError {
    /// Like `Display`, with the kind spelled as its variant: causes are printed through their
    /// `Display` so no third-party `Debug` can leak request details.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("message", &format_args!("{self}"))
            .finish()
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_classified_by_kind() {
        let cases = [
            (io::ErrorKind::ConnectionReset, HttpErrorKind::ConnectionReset),
            (io::ErrorKind::BrokenPipe, HttpErrorKind::ConnectionReset),
            (io::ErrorKind::UnexpectedEof, HttpErrorKind::ConnectionClosed),
            (io::ErrorKind::ConnectionRefused, HttpErrorKind::Connect),
            (io::ErrorKind::TimedOut, HttpErrorKind::ReadTimeout),
            (io::ErrorKind::PermissionDenied, HttpErrorKind::Io),
        ];
        for (io_kind, expected) in cases {
            let err = HttpError::from_io(io::Error::new(io_kind, "x"), "reading");
            assert_eq!(err.kind(), expected, "{io_kind:?}");
        }
    }

    #[test]
    fn boxed_http_errors_keep_their_kind() {
        let inner = HttpError::new(HttpErrorKind::BodyTooLarge, "too big").with_host("example.com");
        let back = HttpError::from_boxed(Box::new(inner));
        assert_eq!(back.kind(), HttpErrorKind::BodyTooLarge);
        assert_eq!(back.host(), Some("example.com"));
    }

    #[test]
    fn display_names_kind_host_and_cause() {
        let err = HttpError::new(HttpErrorKind::Connect, "could not connect")
            .with_source(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"))
            .with_host("s3.amazonaws.com");
        assert_eq!(err.to_string(), "connection failed: could not connect (host s3.amazonaws.com): refused");
        let debug = format!("{err:?}");
        assert!(debug.contains("Connect") && debug.contains("s3.amazonaws.com"), "{debug}");
    }

    #[test]
    fn io_round_trip_keeps_a_timeout_a_timeout() {
        let io = HttpError::new(HttpErrorKind::ReadTimeout, "slow").into_io();
        assert_eq!(io.kind(), io::ErrorKind::TimedOut);
        let back = HttpError::from_boxed(Box::new(io));
        assert_eq!(back.kind(), HttpErrorKind::ReadTimeout);
    }

    #[test]
    fn transient_kinds_match_botocore() {
        assert!(HttpErrorKind::ConnectionClosed.is_transient());
        assert!(HttpErrorKind::Tls.is_transient());
        assert!(!HttpErrorKind::Io.is_transient() && !HttpErrorKind::BodyTooLarge.is_transient());
        assert!(!HttpErrorKind::OperationTimeout.is_transient());
        assert!(HttpErrorKind::OperationTimeout.is_timeout());
    }
}
