//! The one error type users match on.
//!
//! Every layer of the runtime has its own precise error (`ConfigError`, `CredentialsError`,
//! `HttpError`, `DispatchError`, ...). A call hands the user a single [`Error`] whose
//! [`ErrorKind`] says what went wrong in the terms a caller acts on, whose accessors reach the
//! service's code, message and request id without nesting, and whose source is the precise error.
//! None of the layers put secrets into their messages, so neither does this type.

use core::any::Any;
use core::fmt;

use crate::auth::SigningError;
use crate::config::ConfigError;
use crate::credentials::CredentialsError;
use crate::dispatch::{DispatchError, LastFailure};
use crate::endpoint::EndpointError;
use crate::http::HttpError;
use crate::session::SessionError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What went wrong, as a caller decides what to do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request cannot be made as given: a bad parameter, region, ARN or bucket name. Fix the call.
    InvalidInput,
    /// The shared configuration (files, environment, session settings) is invalid. Fix the setup.
    Config,
    /// No usable credentials, or the credential source failed.
    Credentials,
    /// A connect, read or operation timeout.
    Timeout,
    /// The request could not be sent or its response not received (connection, TLS, I/O).
    Dispatch,
    /// A response arrived but could not be understood.
    Response,
    /// The service answered with an error.
    Service,
    /// A waiter reached a failure state, ran out of attempts, or stopped on an error it does not
    /// expect (the source is a `WaiterError`'s message and last error).
    Waiter,
    /// An interceptor's hook failed (the source is an `InterceptorError` naming it and the
    /// point), or a `Stubber` was called for something it was not told to expect.
    Interceptor,
}

/// An error answered by the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    pub status: u16,
    /// The error code (`NoSuchBucket`, `ThrottlingException`), when the response carried one.
    pub code: Option<String>,
    /// The service's message, when the protocol layer extracted one.
    pub message: Option<String>,
    /// `x-amzn-RequestId` / `x-amz-request-id`.
    pub request_id: Option<String>,
    /// `x-amz-id-2` (S3's extended request id).
    pub extended_request_id: Option<String>,
    /// The host that answered.
    pub host: String,
}

/// The error of every tucuxi call.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    service: Option<ServiceError>,
    source: Option<BoxError>,
    /// What to do about it, when there is a clear answer.
    hint: Option<&'static str>,
    /// The operation's modeled error (its generated `errors::*Error` enum), when the code is one.
    modeled: Option<Box<dyn Any + Send + Sync>>,
    /// The same error as the service-wide `errors::Exception` enum, when the code is any of the
    /// service's exceptions (listed by the operation or not).
    exception: Option<Box<dyn Any + Send + Sync>>,
}

impl Error {
    /// An error of `kind` caused by `source`.
    pub fn new(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Error::boxed(kind, source.into())
    }

    /// [`Error::new`] past the conversion, compiled once rather than per source type.
    fn boxed(kind: ErrorKind, source: BoxError) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                operation: None,
                service: None,
                source: Some(source),
                hint: None,
                modeled: None,
                exception: None,
            }),
        }
    }

    /// A service error.
    pub fn service(error: ServiceError) -> Self {
        Error {
            inner: Box::new(Inner {
                kind: ErrorKind::Service,
                operation: None,
                service: Some(error),
                source: None,
                hint: None,
                modeled: None,
                exception: None,
            }),
        }
    }

    /// Names the operation the error happened in (`ListObjectsV2`), for messages.
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    /// Attaches the typed modeled error.
    pub(crate) fn with_modeled(mut self, modeled: Box<dyn Any + Send + Sync>) -> Self {
        self.inner.modeled = Some(modeled);
        self
    }

    /// Attaches the error as the service-wide `errors::Exception` enum.
    pub(crate) fn with_exception(mut self, exception: Box<dyn Any + Send + Sync>) -> Self {
        self.inner.exception = Some(exception);
        self
    }

    /// A service error carrying `modeled` (a generated `errors::*Error` or `errors::Exception`
    /// value), as a call that received that exception returns it: for tests of code that
    /// matches on errors. The code is the modeled exception's, the message is `message`.
    ///
    /// ```ignore
    /// let err = tucuxi::Error::modeled_for_test(404, "no such key", GetObjectError::NoSuchKey(NoSuchKey::default()));
    /// assert!(err.modeled::<GetObjectError>().is_some());
    /// ```
    pub fn modeled_for_test<E: crate::protocol::OperationErrors>(status: u16, message: &str, modeled: E) -> Self {
        let code = crate::protocol::error_code(modeled.as_shape().schema());
        let service = ServiceError {
            status,
            code: Some(code.to_owned()),
            message: Some(message.to_owned()),
            request_id: None,
            extended_request_id: None,
            host: String::new(),
        };
        Error::service(service).with_modeled(Box::new(modeled))
    }

    /// Records the host that answered, once the caller knows it.
    pub(crate) fn with_host(mut self, host: &str) -> Self {
        if let Some(service) = &mut self.inner.service {
            service.host = host.to_owned();
        }
        self
    }

    /// The modeled error, to `match` on: the operation's enum
    /// (`err.modeled::<errors::GetObjectError>()`) when the operation lists the code, or the
    /// service-wide `errors::Exception` for any exception the service models (boto3's
    /// `client.exceptions`), listed by the operation or not. `None` when the service answered a
    /// code it does not model, or the error is not a service error at all; [`Error::code`] still
    /// has the code then.
    pub fn modeled<E: Any>(&self) -> Option<&E> {
        let slots = [&self.inner.modeled, &self.inner.exception];
        slots.into_iter().find_map(|slot| slot.as_ref().and_then(|m| m.downcast_ref::<E>()))
    }

    /// Takes the modeled error out, to own it (either enum, as [`Error::modeled`]).
    pub fn into_modeled<E: Any>(self) -> Result<E, Self> {
        let mut this = self;
        for slot in [&mut this.inner.modeled, &mut this.inner.exception] {
            match slot.take().map(|m| m.downcast::<E>()) {
                Some(Ok(e)) => return Ok(*e),
                Some(Err(m)) => *slot = Some(m),
                None => {}
            }
        }
        Err(this)
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }
    /// The service's answer, for [`ErrorKind::Service`].
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.inner.service.as_ref()
    }
    /// The service's error code.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(|s| s.code.as_deref())
    }
    /// The service's error message.
    pub fn message(&self) -> Option<&str> {
        self.service_error().and_then(|s| s.message.as_deref())
    }
    /// The request id the service assigned, for support cases.
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(|s| s.request_id.as_deref())
    }
    pub fn extended_request_id(&self) -> Option<&str> {
        self.service_error().and_then(|s| s.extended_request_id.as_deref())
    }
    /// The HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        self.service_error().map(|s| s.status)
    }
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }
    pub fn is_service(&self) -> bool {
        self.kind() == ErrorKind::Service
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.inner.hint = Some(hint);
        self
    }
}

/// The request id headers, in the order services use them.
pub(crate) const REQUEST_ID_HEADERS: &[&str] = &["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"];

impl From<DispatchError> for Error {
    fn from(error: DispatchError) -> Self {
        match error.last_failure() {
            LastFailure::Response(response) => {
                let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                let service = ServiceError {
                    status: response.status.as_u16(),
                    code: response.info.error_code.clone(),
                    message: None,
                    request_id: REQUEST_ID_HEADERS.iter().find_map(|h| header(h)),
                    extended_request_id: header("x-amz-id-2"),
                    host: response.host.clone(),
                };
                let mut e = Error::service(service);
                e.inner.source = Some(Box::new(error));
                e
            }
            LastFailure::Http(http) => {
                let kind = if http.kind().is_timeout() { ErrorKind::Timeout } else { ErrorKind::Dispatch };
                Error::new(kind, error)
            }
            LastFailure::BuildRequest(_) => Error::new(ErrorKind::InvalidInput, error),
        }
    }
}

impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        let kind = if error.kind().is_timeout() { ErrorKind::Timeout } else { ErrorKind::Dispatch };
        Error::new(kind, error)
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::new(ErrorKind::Config, error)
    }
}

impl From<CredentialsError> for Error {
    fn from(error: CredentialsError) -> Self {
        Error::new(ErrorKind::Credentials, error)
            .hint("see the credential chain in the README (environment, profiles, SSO, roles, IMDS)")
    }
}

impl From<SigningError> for Error {
    fn from(error: SigningError) -> Self {
        Error::new(ErrorKind::InvalidInput, error)
    }
}

impl From<EndpointError> for Error {
    fn from(error: EndpointError) -> Self {
        Error::new(ErrorKind::InvalidInput, error)
    }
}

impl From<SessionError> for Error {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Config(e) => e.into(),
            SessionError::Http(e) => Error::new(ErrorKind::Config, e),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.inner.operation {
            write!(f, "{op}: ")?;
        }
        match (&self.inner.service, &self.inner.source) {
            (Some(s), _) => {
                write!(f, "the service answered HTTP {}", s.status)?;
                // A response without a code is named by its status (as botocore does), which
                // the line already shows: print it once.
                if let Some(code) = s.code.as_deref().filter(|c| c.parse::<u16>() != Ok(s.status)) {
                    write!(f, " {code}")?;
                }
                if let Some(message) = &s.message {
                    write!(f, ": {message}")?;
                }
                write!(f, " (from {}", s.host)?;
                if let Some(id) = &s.request_id {
                    write!(f, ", request id {id}")?;
                }
                f.write_str(")")?;
            }
            (None, Some(source)) => write!(f, "{source}")?,
            (None, None) => write!(f, "{:?} error", self.inner.kind)?,
        }
        if let Some(hint) = self.inner.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("service", &self.inner.service)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpErrorKind;

    #[test]
    fn service_errors_expose_code_status_and_request_id_without_nesting() {
        let e = Error::service(ServiceError {
            status: 404,
            code: Some("NoSuchBucket".into()),
            message: Some("The specified bucket does not exist".into()),
            request_id: Some("REQ123".into()),
            extended_request_id: Some("EXT".into()),
            host: "s3.us-east-1.amazonaws.com".into(),
        })
        .with_operation("ListObjectsV2");
        assert_eq!(e.kind(), ErrorKind::Service);
        assert_eq!((e.code(), e.status(), e.request_id()), (Some("NoSuchBucket"), Some(404), Some("REQ123")));
        assert_eq!(e.extended_request_id(), Some("EXT"));
        assert_eq!(
            e.to_string(),
            "ListObjectsV2: the service answered HTTP 404 NoSuchBucket: The specified bucket does not exist \
             (from s3.us-east-1.amazonaws.com, request id REQ123)"
        );
    }

    #[test]
    fn a_code_that_is_the_status_prints_once() {
        // botocore names a code-less error by its status ("500"), with the reason as message.
        let e = Error::service(ServiceError {
            status: 500,
            code: Some("500".into()),
            message: Some("Internal Server Error".into()),
            request_id: None,
            extended_request_id: None,
            host: "example.com".into(),
        });
        assert_eq!(e.code(), Some("500"));
        assert_eq!(e.to_string(), "the service answered HTTP 500: Internal Server Error (from example.com)");
    }

    #[test]
    fn transport_errors_split_into_timeouts_and_dispatch_failures() {
        let timeout: Error = HttpError::new(HttpErrorKind::ReadTimeout, "no response headers within 1s").into();
        assert!(timeout.is_timeout());
        let reset: Error = HttpError::new(HttpErrorKind::ConnectionReset, "connection reset by peer").into();
        assert_eq!(reset.kind(), ErrorKind::Dispatch);
        assert!(reset.code().is_none());
        assert!(std::error::Error::source(&reset).is_some(), "the precise error stays reachable");
    }

    #[test]
    fn credentials_errors_say_what_to_do() {
        let e: Error = CredentialsError::no_credentials(vec!["env".into(), "imds".into()]).into();
        assert_eq!(e.kind(), ErrorKind::Credentials);
        assert!(e.to_string().contains("credential chain"), "{e}");
    }
}
