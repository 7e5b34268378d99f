//! Presigned requests for any operation: the signature goes into the query string, so the
//! request can be made later, by anyone, with a plain HTTP client.

use core::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http::header::{HeaderValue, CONTENT_TYPE, HOST};

use super::invoke::sign;
use super::ClientHandle;
use crate::auth::SignableBody;
use crate::http::redacted_url;
use crate::protocol::RequestError;
use crate::schema::Operation;
use crate::shape::Shape;
use crate::{Error, ErrorKind};

/// The longest a SigV4 presigned request can stay valid.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// A presigned request: send `method` to `url` with `headers` (and the body the operation
/// needs, such as the object of a `PutObject`).
#[derive(Clone)]
pub struct PresignedRequest {
    pub method: String,
    /// The URL with the signature in its query string. It is a bearer credential until it expires.
    pub url: String,
    /// Headers that were signed and must be sent as they are (`host` excluded).
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for PresignedRequest {
    /// The URL's query holds the signature and any session token, so it is never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.url.parse::<http::Uri>().map(|u| redacted_url(&u)).unwrap_or_else(|_| "<invalid>".into());
        f.debug_struct("PresignedRequest")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish()
    }
}

impl ClientHandle {
    /// Presigns a call of `op` with `input`, valid for `expires_in`. Boxed for the reason
    /// `ClientHandle::invoke` is: compiled here once, not in every crate
    /// that presigns.
    pub(crate) fn presign<'a>(
        &'a self,
        op: &'static Operation,
        input: &'a mut dyn Shape,
        expires_in: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<PresignedRequest, Error>> + Send + 'a>> {
        Box::pin(self.presign_unboxed(op, input, expires_in))
    }

    async fn presign_unboxed(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        expires_in: Duration,
    ) -> Result<PresignedRequest, Error> {
        let invalid =
            |message: String| Error::new(ErrorKind::InvalidInput, RequestError::new(message)).with_operation(op.name);
        if expires_in.is_zero() || expires_in > MAX_PRESIGN_EXPIRY {
            return Err(invalid(format!(
                "a presigned request must expire within 1 second to 7 days, not {} seconds",
                expires_in.as_secs()
            )));
        }
        let mut prepared = self.prepare(op, input, true)?;
        super::customize::before_presign(self.inner.service, op, &mut prepared.request)?;
        let Some(auth) = prepared.auth else {
            return Err(invalid("the operation is not signed, so there is nothing to presign".into()));
        };
        let credentials =
            self.inner.session.credentials_async().await.map_err(|e| Error::from(e).with_operation(op.name))?;
        let mut target = prepared.target;
        let mut headers = prepared.request.headers;
        let form = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = prepared.request.body;
        let signable_body = if form {
            // As botocore does for query-protocol operations: the form parameters move into the
            // query string, so a GET of the URL carries the whole call.
            if let Some(bytes) = body.as_bytes() {
                let params = String::from_utf8_lossy(bytes);
                if !params.is_empty() {
                    target.push(if target.contains('?') { '&' } else { '?' });
                    target.push_str(&params);
                }
            }
            headers.remove(CONTENT_TYPE);
            SignableBody::Bytes(b"")
        } else if let (false, Some(bytes)) =
            (matches!(self.inner.service.signature_version, "s3" | "s3v4"), body.as_bytes())
        {
            // botocore's `SigV4QueryAuth` hashes the body as other services will (an empty one for
            // a GET); only S3's presigner (`S3SigV4QueryAuth`) leaves it unsigned.
            SignableBody::Bytes(bytes)
        } else {
            // The body is not known at signing time for uploads, so it is left unsigned, as S3
            // presigned URLs always are.
            SignableBody::UnsignedPayload
        };
        headers.insert(
            HOST,
            HeaderValue::from_str(&prepared.authority).map_err(|_| invalid("the endpoint host is invalid".into()))?,
        );
        for (name, values) in &prepared.endpoint_headers {
            if let (Ok(name), Some(Ok(value))) = (
                http::header::HeaderName::from_bytes(name.as_bytes()),
                values.first().map(|v| HeaderValue::from_str(v)),
            ) {
                headers.insert(name, value);
            }
        }
        let output = sign(
            self.inner.service,
            &auth,
            &credentials,
            prepared.request.method,
            &target,
            &headers,
            signable_body,
            self.inner.session.now(),
            Some(expires_in),
        )
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e).with_operation(op.name))?;
        for (name, value) in &output.query_to_add {
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(name);
            target.push('=');
            target.push_str(value);
        }
        let headers = headers
            .iter()
            .filter(|(name, _)| *name != HOST)
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        Ok(PresignedRequest {
            method: if form { "GET".to_owned() } else { prepared.request.method.to_owned() },
            url: format!("{}{target}", prepared.origin),
            headers,
        })
    }
}
