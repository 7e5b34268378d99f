//! The HTTP layer: one pooled client per session, request and response bodies, timeouts, a
//! blocking entry point, and redaction for anything that might print a request.
//!
//! The stack is hyper 1 (HTTP/1.1; HTTP/2 behind the `http2` feature) over rustls with ring and
//! the Mozilla roots, on a Tokio runtime the caller provides (or the shared blocking runtime).
//!
//! Requests and responses are the `http` crate's types: `Request<SdkBody>` goes out,
//! `Response<ByteStream>` comes back with its body still streaming. `http::Request`'s own `Debug`
//! prints the full URL and every header; print [`RedactedRequest`] instead, which hides signing
//! headers and query strings (presigned URLs carry `X-Amz-Signature` and
//! `X-Amz-Security-Token` there).

mod blocking;
mod body;
mod client;
mod connect;
mod error;
mod io;
mod pool;
mod proxy;
pub(crate) mod timeout;
mod tls;
mod transport;

use core::fmt;

use http::header::{HeaderMap, HeaderName};
use http::{Request, Response, Uri};

pub(crate) use blocking::inside_runtime;
pub use blocking::{block_on, block_on_body, BlockingRead};
pub use body::SdkBody;
pub use client::{HttpClient, HttpConfig};
pub use error::{BoxError, HttpError, HttpErrorKind};
pub(crate) use proxy::without_userinfo;
pub use proxy::Proxies;
pub use tls::TrustRoots;
pub use transport::{HttpTransport, TransportFuture};

/// Headers whose values are credentials or keys. `x-amz-content-sha256` is only a hash of the
/// payload and stays visible (it helps debug signature mismatches).
const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "cookie",
    "set-cookie",
    // SSE-C: the customer's encryption keys travel as headers.
    "x-amz-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key",
];

/// Whether a header's value must never be printed.
pub fn is_sensitive_header(name: &HeaderName) -> bool {
    SENSITIVE_HEADERS.contains(&name.as_str())
}

/// Marks the values of sensitive headers so `http`'s own `Debug` prints them as `Sensitive`.
/// The signer should call this too, right after it adds `Authorization`.
pub fn mark_sensitive_headers(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if is_sensitive_header(name) {
            value.set_sensitive(true);
        }
    }
}

/// A URL safe to print: scheme, host, port and path, without user info, and with any query
/// string replaced by `?<redacted>` (it may hold a presigned URL's signature).
pub fn redacted_url(uri: &Uri) -> String {
    let mut out = String::new();
    if let Some(scheme) = uri.scheme_str() {
        out.push_str(scheme);
        out.push_str("://");
    }
    if let Some(host) = uri.host() {
        out.push_str(host);
    }
    if let Some(port) = uri.port_u16() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(uri.path());
    if uri.query().is_some() {
        out.push_str("?<redacted>");
    }
    out
}

/// Prints headers with sensitive values replaced.
pub struct RedactedHeaders<'a>(pub &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive_header(name) {
                map.entry(&name.as_str(), &format_args!("** redacted **"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// Prints a request without credentials: the URL through [`redacted_url`], headers through
/// [`RedactedHeaders`], and the body as its own `Debug` (kind and length for [`SdkBody`]).
pub struct RedactedRequest<'a, B>(pub &'a Request<B>);

impl<B: fmt::Debug> fmt::Debug for RedactedRequest<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = self.0;
        f.debug_struct("Request")
            .field("method", request.method())
            .field("url", &redacted_url(request.uri()))
            .field("version", &request.version())
            .field("headers", &RedactedHeaders(request.headers()))
            .field("body", request.body())
            .finish()
    }
}

impl<B: fmt::Debug> fmt::Display for RedactedRequest<'_, B> {
    /// `METHOD url`, for log lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.method(), redacted_url(self.0.uri()))
    }
}

/// Prints a response with sensitive headers (`set-cookie`) replaced.
pub struct RedactedResponse<'a, B>(pub &'a Response<B>);

impl<B: fmt::Debug> fmt::Debug for RedactedResponse<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let response = self.0;
        f.debug_struct("Response")
            .field("status", &response.status())
            .field("version", &response.version())
            .field("headers", &RedactedHeaders(response.headers()))
            .field("body", response.body())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_query_and_user_info() {
        let uri: Uri =
            "https://user:pw@bucket.s3.amazonaws.com:8443/key%20x?X-Amz-Signature=abc&X-Amz-Security-Token=t"
                .parse()
                .unwrap();
        assert_eq!(redacted_url(&uri), "https://bucket.s3.amazonaws.com:8443/key%20x?<redacted>");
        let plain: Uri = "http://localhost/".parse().unwrap();
        assert_eq!(redacted_url(&plain), "http://localhost/");
    }

    #[test]
    fn sensitive_headers_are_hidden_everywhere() {
        let mut request = Request::builder()
            .method("PUT")
            .uri("https://s3.amazonaws.com/b/k?X-Amz-Signature=sig-secret")
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/..., Signature=auth-secret")
            .header("x-amz-security-token", "token-secret")
            .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
            .body(SdkBody::from("body-secret"))
            .unwrap();
        let shown = format!("{:?} {}", RedactedRequest(&request), RedactedRequest(&request));
        for secret in ["sig-secret", "auth-secret", "token-secret", "body-secret"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
        assert!(shown.contains("UNSIGNED-PAYLOAD") && shown.contains("PUT"), "{shown}");

        // Marking also protects the `http` crate's own `Debug` of the header map.
        mark_sensitive_headers(request.headers_mut());
        let raw = format!("{:?}", request.headers());
        assert!(!raw.contains("auth-secret") && !raw.contains("token-secret"), "{raw}");
    }
}
