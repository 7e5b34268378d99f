//! Clients: what a generated `Client` holds, and the typed call every operation method returns.
//!
//! A generated client is a [`ClientHandle`] (session, service, endpoint rules) plus one method
//! per operation that returns that operation's builder, a thin wrapper over [`Call`]. Everything
//! a call does (serialise, resolve the endpoint, sign, send with retries, parse) runs in
//! `ClientHandle::invoke`, which is not generic: one copy of the machinery serves every
//! operation of every service.

mod call_error;
mod checksums;
mod customize;
mod discovery;
mod endpoint;
mod endpoint_cache;
mod invoke;
mod items;
mod operation_type;
mod presign;
mod presign_post;
mod user_agent;

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::endpoint::{EndpointError, RuleSet};
use crate::http::block_on;
use crate::protocol::OperationErrors;
use crate::retry::{RetryConfig, RetryStrategy};
use crate::schema::{Operation, Service};
use crate::session::Session;
use crate::shape::Shape;
use crate::Error;

pub use call_error::{CallError, CallResult, ModeledAs};
pub(crate) use customize::s3::encode_copy_source;
pub use customize::s3::{sse_customer_key, CopySource};
pub use customize::{sha256_tree_hash, Handlers};
pub use discovery::{discover_endpoints, DiscoverEndpoints, Discovered, Key as DiscoveryKey};
pub use endpoint::ClientConfig;
pub use items::{insert, push, Entries, Items, Slot};
pub use operation_type::{CallOf, OperationType};
pub use presign::PresignedRequest;

/// A service's endpoint rule set, embedded as JSON by the generated crate and parsed once, on
/// first use, for the whole process.
pub struct Rules {
    json: &'static str,
    parsed: OnceLock<Result<RuleSet, EndpointError>>,
}

impl Rules {
    /// Rules from the service's `endpoint-rule-set-1.json`.
    pub const fn new(json: &'static str) -> Self {
        Rules { json, parsed: OnceLock::new() }
    }

    /// The parsed rule set, or why the embedded JSON could not be read.
    pub fn get(&self) -> Result<&RuleSet, &EndpointError> {
        self.parsed.get_or_init(|| RuleSet::from_json(self.json)).as_ref()
    }
}

impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rules").field("bytes", &self.json.len()).finish()
    }
}

/// What every generated client holds: cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct ClientHandle {
    inner: Arc<Inner>,
}

struct Inner {
    session: Session,
    service: &'static Service,
    rules: &'static Rules,
    config: ClientConfig,
    retry: RetryStrategy,
    /// Built once: it depends on the session and the retry mode only.
    user_agent: http::HeaderValue,
    /// The session's interceptors followed by the client's; empty in the common case, which
    /// the call checks once per point.
    interceptors: crate::interceptor::Interceptors,
    /// The endpoint parameters the configuration decides, once the first call has worked
    /// them out (the configuration of a client and its session never changes).
    base_params: std::sync::OnceLock<crate::endpoint::Params>,
    /// Endpoints already resolved, by the parameters their calls added.
    endpoints: endpoint_cache::EndpointCache,
    /// The endpoints discovered for this client.
    discovery: discovery::Cache,
    /// The client's own HTTP client when its configuration names proxies (or why it could not be
    /// made); `None` sends through the session's.
    http: Option<Result<crate::http::HttpClient, (crate::http::HttpErrorKind, String)>>,
}

impl ClientHandle {
    /// A client of `service` made from `session`'s configuration.
    pub fn new(session: &Session, service: &'static Service, rules: &'static Rules) -> Self {
        Self::with_config(session, service, rules, ClientConfig::default())
    }

    /// A client with settings that override the session's for this client only.
    pub fn with_config(
        session: &Session,
        service: &'static Service,
        rules: &'static Rules,
        config: ClientConfig,
    ) -> Self {
        let session_config = session.config();
        let mut retry = RetryConfig::new(session_config.retry_mode());
        if let Some(max) = config.max_attempts.or(session_config.max_attempts()) {
            retry = retry.with_max_attempts(max);
        }
        let retry = RetryStrategy::for_service(retry, service);
        let user_agent = user_agent::user_agent(session_config, retry.mode());
        let interceptors = session.interceptors().chained(&config.interceptors);
        let endpoints = endpoint_cache::EndpointCache::default();
        let discovery = discovery::Cache::default();
        let http = config.proxies.as_ref().map(|proxies| own_http(session, proxies));
        let inner = Inner {
            session: session.clone(),
            service,
            rules,
            config,
            retry,
            user_agent,
            interceptors,
            base_params: std::sync::OnceLock::new(),
            endpoints,
            discovery,
            http,
        };
        ClientHandle { inner: Arc::new(inner) }
    }

    /// The session the client was made from.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// The service the client calls.
    pub fn service(&self) -> &'static Service {
        self.inner.service
    }

    /// The client's own settings.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }
}

/// An HTTP client like the session's with other proxies; the session's replacement transport,
/// if any (a `Stubber`), still answers.
fn own_http(
    session: &Session,
    proxies: &crate::http::Proxies,
) -> Result<crate::http::HttpClient, (crate::http::HttpErrorKind, String)> {
    let mut config = session.http().config().clone();
    config.proxies = Some(proxies.clone());
    let made = match session.http().transport() {
        Some(transport) => crate::http::HttpClient::with_transport(config, transport.clone()),
        None => crate::http::HttpClient::new(config),
    };
    made.map_err(|e| (e.kind(), e.message().to_owned()))
}

impl fmt::Debug for ClientHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.service.name)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A boxed, sendable future that may borrow for `'a`: what the generated crates' async methods
/// return, so that each names one type instead of defining an `impl Future` (an opaque type per
/// method, which the compiler checks one by one: about a tenth of the ec2 crate's type checking).
/// The box costs one allocation per call.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The future of a call ([`Call::send`], [`Call::presign`]): a [`BoxFuture`] that owns everything
/// it needs, so it can be stored and spawned.
pub type CallFuture<T> = BoxFuture<'static, T>;

/// One call of an operation, built up by the generated builder and run by [`Call::send`].
///
/// `I` is the operation's input, `O` its output and `E` its modeled errors.
pub struct Call<I, O, E> {
    client: ClientHandle,
    op: &'static Operation,
    input: I,
    _types: PhantomData<fn() -> (O, E)>,
}

impl<I, O, E> Call<I, O, E>
where
    I: Shape + Default + 'static,
    O: Shape + Default + 'static,
    E: OperationErrors,
{
    /// A call of `op` with a default input.
    pub fn new(client: &ClientHandle, op: &'static Operation) -> Self {
        Call { client: client.clone(), op, input: I::default(), _types: PhantomData }
    }

    /// The input built so far.
    pub fn input(&self) -> &I {
        &self.input
    }

    /// The input, to change it in place.
    pub fn input_mut(&mut self) -> &mut I {
        &mut self.input
    }

    /// Replaces the whole input (for callers who build the input structure themselves).
    pub fn set_input(&mut self, input: I) {
        self.input = input;
    }

    /// The operation's static description.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    /// The client this call goes through.
    pub fn client(&self) -> &ClientHandle {
        &self.client
    }

    /// Sends the call and returns the operation's output. A service error carries the modeled
    /// error, reachable with [`CallError::modeled`] as the operation's `errors::*Error` enum (or
    /// the service's `errors::Exception`).
    ///
    /// The future is boxed ([`CallFuture`]) so that each generated builder's `send` names one
    /// type (see [`BoxFuture`]).
    pub fn send(self) -> CallFuture<Result<O, CallError<E>>> {
        // `send`, `send_untyped` and `send_with_status` each await the call themselves rather
        // than one another: a future nested in a future is one more state machine compiled per
        // operation in every crate that sends it.
        Box::pin(async move {
            let Call { client, op, mut input, .. } = self;
            let mut output = O::default();
            match client.invoke(op, &mut input, &mut output, crate::protocol::deserialize_error::<E>).await {
                Ok(_) => Ok(output),
                Err(error) => Err(CallError::new(error)),
            }
        })
    }

    /// [`Call::send`] with the untyped error, for the runtime's paginators and collections, whose
    /// items are `Result<_, Error>`.
    pub(crate) async fn send_untyped(self) -> Result<O, Error> {
        let Call { client, op, mut input, .. } = self;
        let mut output = O::default();
        client.invoke(op, &mut input, &mut output, crate::protocol::deserialize_error::<E>).await?;
        Ok(output)
    }

    /// [`Call::send`], also returning the HTTP status of the response.
    pub(crate) async fn send_with_status(self) -> Result<(O, u16), Error> {
        let Call { client, op, mut input, .. } = self;
        let mut output = O::default();
        let status = client.invoke(op, &mut input, &mut output, crate::protocol::deserialize_error::<E>).await?;
        Ok((output, status))
    }

    /// [`Call::send`] for code without an async runtime: runs the call on the shared runtime
    /// and waits for it.
    pub fn send_blocking(self) -> Result<O, CallError<E>> {
        block_on(self.send()).map_err(|e| CallError::new(Error::from(e)))?
    }

    /// A presigned request for this call, valid for `expires_in` (1 second to 7 days): a URL
    /// (and, for methods other than GET, the headers) that anyone can use without credentials.
    ///
    /// Boxed as [`Call::send`] is, for the same reason.
    pub fn presign(self, expires_in: Duration) -> CallFuture<Result<PresignedRequest, Error>> {
        Box::pin(async move {
            let Call { client, op, mut input, .. } = self;
            client.presign(op, &mut input, expires_in).await
        })
    }

    /// [`Call::presign`] without an async runtime.
    pub fn presign_blocking(self, expires_in: Duration) -> Result<PresignedRequest, Error> {
        block_on(self.presign(expires_in)).map_err(Error::from)?
    }
}

impl<I: fmt::Debug, O, E> fmt::Debug for Call<I, O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("operation", &self.op.name).field("input", &self.input).finish()
    }
}

/// Implements [`OperationErrors`] for a generated per-operation error enum:
/// `operation_errors!(GetObjectError in Exception, 0 => InvalidObjectState(t::InvalidObjectState), 1 => NoSuchKey(t::NoSuchKey))`.
///
/// Indices are the errors' positions in the operation's `errors` list. `in Exception` names the
/// service-wide enum the operation's errors may also be read as ([`ModeledAs`]).
#[macro_export]
macro_rules! operation_errors {
    ($ty:ident in $service:path $(, $i:literal => $variant:ident($inner:ty))* $(,)?) => {
        impl $crate::client::ModeledAs<$service> for $ty {}
        $crate::operation_errors!($ty $(, $i => $variant($inner))*);
    };
    ($ty:ident $(, $i:literal => $variant:ident($inner:ty))* $(,)?) => {
        impl $crate::protocol::OperationErrors for $ty {
            fn decode(
                index: usize,
                read: &mut dyn FnMut(&mut dyn $crate::shape::Shape) -> ::core::result::Result<(), $crate::protocol::CodecError>,
            ) -> ::core::option::Option<Self> {
                match index {
                    $($i => {
                        let mut value = <$inner as ::core::default::Default>::default();
                        // A body that does not parse still yields the error with what was read:
                        // the code and message are known either way.
                        let _ = read(&mut value);
                        ::core::option::Option::Some($ty::$variant(value))
                    })*
                    _ => ::core::option::Option::None,
                }
            }
            fn as_shape(&self) -> &dyn $crate::shape::Shape {
                match self {
                    $($ty::$variant(value) => value,)*
                }
            }
        }
    };
}
