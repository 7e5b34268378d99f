//! [`Stubber`]: botocore's `Stubber` for every generated client. Queue the answers a test
//! expects, make a session from the stubber, and every call through that session is answered
//! from the queue, in order, with no network.
//!
//! The queued answers are laid out by the service's own protocol ([`encode`]) and fed to the
//! real response path, so paginators, waiters, resources, checksums and modeled errors behave
//! as against the service. A call that is not the next expected operation, or whose input is
//! not the expected input, fails with [`ErrorKind::Interceptor`](crate::ErrorKind) and a
//! message naming both.
//!
//! ```ignore
//! let stubber = Stubber::new();
//! stubber.add_response::<s3::client::ListBuckets>(ListBucketsOutput { buckets: Some(vec![]), ..Default::default() }, None);
//! let s3 = s3::Client::new(&stubber.session());
//! s3.list_buckets().send().await?;
//! stubber.assert_no_pending_responses();
//! ```
//!
//! How it plugs in: the stubber is both an interceptor (it checks each call's operation and
//! typed input before serialisation and picks the answer) and the session's transport (it hands
//! that answer back instead of sending). The call in between (endpoint, signing, retries) runs
//! as usual, so a stubbed session needs a region and credentials; [`Stubber::session`] supplies
//! test ones and turns retries off, as botocore's stub answers each call once.

pub mod encode;
mod equal;

use core::fmt;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use http::Request;

use crate::client::OperationType;
use crate::config::{Env, Fs, SessionOverrides};
use crate::credentials::Credentials;
use crate::http::{BoxError, HttpError, HttpErrorKind, HttpTransport, SdkBody, TransportFuture};
use crate::interceptor::{Context, Interceptor};
use crate::schema::{Operation, Service};
use crate::session::{Session, SessionBuilder};
use crate::shape::{debug_shape, Shape};
use encode::{encode_error, encode_output, EncodedResponse};

pub use equal::shapes_equal;

/// Queues expected calls and their answers; see the [module documentation](self).
///
/// Clones share one queue, so a test keeps one handle while the session holds another.
#[derive(Clone, Default)]
pub struct Stubber {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Expected>,
    /// The answer of the call in progress: chosen before serialisation, handed to the
    /// transport for each attempt.
    armed: Option<Result<EncodedResponse, String>>,
}

struct Expected {
    service: &'static Service,
    operation: &'static Operation,
    input: Option<Box<dyn Shape>>,
    /// The encoded answer, or why it could not be encoded (reported by the call).
    answer: Result<EncodedResponse, String>,
}

/// Shows a shape with sensitive members redacted, for mismatch messages.
struct Show<'a>(&'a dyn Shape);

impl fmt::Debug for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_shape(self.0, f)
    }
}

impl Stubber {
    /// An empty stubber.
    pub fn new() -> Self {
        Stubber::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, expected: Expected) {
        self.lock().queue.push_back(expected);
    }

    /// Queues a successful answer of `Op` carrying `output`. With `expected_input`, the call
    /// must be made with exactly that input (compared member by member), as botocore's
    /// `expected_params`.
    pub fn add_response<Op: OperationType>(&self, output: Op::Output, expected_input: Option<Op::Input>) {
        let mut output = output;
        let answer = encode_output(Op::service(), Op::operation(), &mut output);
        self.push(Expected {
            service: Op::service(),
            operation: Op::operation(),
            input: expected_input.map(|i| Box::new(i) as Box<dyn Shape>),
            answer,
        });
    }

    /// Queues an error answer of `Op`: HTTP `http_status` with the service error `code` and
    /// `message`, and, when given, the members of the modeled exception `modeled_fields` (its
    /// generated structure, such as `types::NoSuchKey`). A code the operation or service
    /// models makes the error typed (`err.modeled::<GetObjectError>()`), as a real answer would.
    pub fn add_client_error<Op: OperationType>(
        &self,
        code: &str,
        message: &str,
        http_status: u16,
        modeled_fields: Option<&dyn Shape>,
    ) {
        let answer = encode_error(Op::service(), code, message, http_status, modeled_fields);
        self.push(Expected { service: Op::service(), operation: Op::operation(), input: None, answer });
    }

    /// [`Stubber::add_client_error`] that also requires the call's input to be `expected_input`.
    pub fn add_client_error_expecting<Op: OperationType>(
        &self,
        code: &str,
        message: &str,
        http_status: u16,
        modeled_fields: Option<&dyn Shape>,
        expected_input: Op::Input,
    ) {
        let answer = encode_error(Op::service(), code, message, http_status, modeled_fields);
        let input = Some(Box::new(expected_input) as Box<dyn Shape>);
        self.push(Expected { service: Op::service(), operation: Op::operation(), input, answer });
    }

    /// How many queued answers have not been used yet.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    /// The operations still queued, in order (`["s3.GetObject", ...]`).
    pub fn pending_operations(&self) -> Vec<String> {
        self.lock().queue.iter().map(|e| format!("{}.{}", e.service.name, e.operation.name)).collect()
    }

    /// Panics, naming them, if queued answers were not used: the end-of-test check of
    /// botocore's `assert_no_pending_responses`.
    #[track_caller]
    pub fn assert_no_pending_responses(&self) {
        let pending = self.pending_operations();
        assert!(pending.is_empty(), "the Stubber still has {} answer(s) queued: {}", pending.len(), pending.join(", "));
    }

    /// Adds the stubber to `builder` as its transport and an interceptor.
    pub fn install(&self, builder: SessionBuilder) -> SessionBuilder {
        builder.http(StubTransport(self.clone())).interceptor(StubInterceptor(self.clone()))
    }

    /// A session answered by this stubber that reads nothing from the machine: region
    /// `us-east-1`, test credentials, one attempt per call.
    pub fn session(&self) -> Session {
        self.session_builder().build().unwrap_or_else(|e| unreachable!("a fixed stub session always builds: {e}"))
    }

    /// [`Stubber::session`]'s builder, for more settings (a region, a client-side option).
    pub fn session_builder(&self) -> SessionBuilder {
        let overrides = SessionOverrides {
            region: Some("us-east-1".to_owned()),
            max_attempts: Some(1),
            ..SessionOverrides::default()
        };
        let builder = Session::builder()
            .env_and_fs(Env::from_pairs(Vec::<(String, String)>::new()), Fs::from_files(Vec::<(String, String)>::new()))
            .overrides(overrides)
            .credentials(Credentials::new("AKIDSTUBBER", "stubber-secret").with_provider("stubber"));
        self.install(builder)
    }

    /// Checks a call against the head of the queue and arms its answer.
    fn begin(&self, context: &Context, input: &dyn Shape) -> Result<(), BoxError> {
        let mut state = self.lock();
        state.armed = None;
        let called = format!("{}.{}", context.service.name, context.operation.name);
        let Some(next) = state.queue.pop_front() else {
            return Err(format!("{called} was called but the Stubber has no answer queued").into());
        };
        let expected = format!("{}.{}", next.service.name, next.operation.name);
        if !core::ptr::eq(next.operation, context.operation) || !core::ptr::eq(next.service, context.service) {
            state.queue.push_front(next);
            return Err(format!("{called} was called but the Stubber expected {expected} next").into());
        }
        if let Some(want) = &next.input {
            if !shapes_equal(&**want, input) {
                let message = format!(
                    "{called} was called with input {:?} but the Stubber expected input {:?}",
                    Show(input),
                    Show(&**want)
                );
                state.queue.push_front(next);
                return Err(message.into());
            }
        }
        state.armed = Some(next.answer);
        Ok(())
    }

    fn answer(&self) -> Result<http::Response<crate::ByteStream>, HttpError> {
        match &self.lock().armed {
            Some(Ok(answer)) => Ok(answer.to_http()),
            Some(Err(reason)) => {
                Err(HttpError::new(HttpErrorKind::InvalidRequest, format!("the stubbed answer is unusable: {reason}")))
            }
            None => Err(HttpError::new(
                HttpErrorKind::InvalidRequest,
                "the Stubber's session sent a request that no stubbed call armed (credentials or \
                 other requests made outside a client call cannot be stubbed)",
            )),
        }
    }
}

impl fmt::Debug for Stubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stubber").field("pending", &self.pending_operations()).finish()
    }
}

/// The stubber as an interceptor: picks the answer of each call.
struct StubInterceptor(Stubber);

impl Interceptor for StubInterceptor {
    fn name(&self) -> &str {
        "Stubber"
    }
    fn modify_before_serialization(&self, context: &Context, input: &mut dyn Shape) -> Result<(), BoxError> {
        self.0.begin(context, input)
    }
}

/// The stubber as the transport: answers with the armed response.
struct StubTransport(Stubber);

impl HttpTransport for StubTransport {
    fn send(&self, _request: Request<SdkBody>) -> TransportFuture {
        let answer = self.0.answer();
        Box::pin(async move { answer })
    }
    fn describe(&self) -> &str {
        "Stubber"
    }
}
