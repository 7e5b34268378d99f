//! The error of one operation's call, typed by the operation's modeled errors, so that asking a
//! `GetItem` error for `PutItemError` is a compile error rather than a silent `None`.
//!
//! [`CallError<E>`] is [`Error`] plus the operation's error enum `E` as a type parameter (no
//! extra data: the modeled value lives in the `Error`). It dereferences to `Error`, so `code()`,
//! `message()`, `request_id()` and `kind()` read as before, and converts into it, so `?` into
//! `tucuxi::Error`, `Box<dyn std::error::Error>` or any error that takes those keeps working.
//!
//! Which enums an error may be read as is the trait [`ModeledAs`]: every operation's enum reads as
//! itself (a blanket impl here) and as its service's `errors::Exception` (one impl per enum, made
//! by the generated `operation_errors!` call), so `modeled::<Exception>()` keeps working for
//! every call of the service.
//!
//! A service's generated errors, reduced to two operations sharing one exception:
//!
//! ```
//! use tucuxi::codegen as rt;
//! #[derive(Debug)]
//! pub enum Exception { NotFound(rt::Unit) }
//! rt::operation_errors!(Exception, 0 => NotFound(rt::Unit));
//! #[derive(Debug)]
//! pub enum GetItemError { NotFound(rt::Unit) }
//! rt::operation_errors!(GetItemError in Exception, 0 => NotFound(rt::Unit));
//! #[derive(Debug)]
//! pub enum PutItemError { NotFound(rt::Unit) }
//! rt::operation_errors!(PutItemError in Exception, 0 => NotFound(rt::Unit));
//!
//! fn handle(e: &tucuxi::CallError<GetItemError>) -> bool {
//!     // The operation's own enum and the service-wide one both compile.
//!     matches!(e.modeled::<GetItemError>(), Some(GetItemError::NotFound(_)))
//!         || matches!(e.modeled(), Some(Exception::NotFound(_)))
//! }
//! ```
//!
//! and the same with another operation's enum, which does not compile (the trait bound
//! `GetItemError: ModeledAs<PutItemError>` is not satisfied):
//!
//! ```compile_fail
//! use tucuxi::codegen as rt;
//! #[derive(Debug)]
//! pub enum Exception { NotFound(rt::Unit) }
//! rt::operation_errors!(Exception, 0 => NotFound(rt::Unit));
//! #[derive(Debug)]
//! pub enum GetItemError { NotFound(rt::Unit) }
//! rt::operation_errors!(GetItemError in Exception, 0 => NotFound(rt::Unit));
//! #[derive(Debug)]
//! pub enum PutItemError { NotFound(rt::Unit) }
//! rt::operation_errors!(PutItemError in Exception, 0 => NotFound(rt::Unit));
//!
//! fn handle(e: &tucuxi::CallError<GetItemError>) -> bool {
//!     matches!(e.modeled::<PutItemError>(), Some(PutItemError::NotFound(_)))
//! }
//! ```

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use std::any::Any;

use crate::protocol::OperationErrors;
use crate::Error;

/// What sending a call of an operation with the modeled errors `E` gives (the generated
/// builders' `send` and `send_blocking` return this; short, as they spell it once per operation).
pub type CallResult<O, E = crate::protocol::NoErrors> = Result<O, CallError<E>>;

/// `Self`'s errors can be read as the enum `T`: an operation's error enum as itself and as its
/// service's `Exception` enum. The bound of [`CallError::modeled`].
pub trait ModeledAs<T> {}

impl<E: OperationErrors> ModeledAs<E> for E {}

/// The error of a call of one operation, whose modeled errors are the enum `E` (the generated
/// `errors::GetObjectError`, or `NoErrors` for an operation without any).
///
/// Everything [`Error`] has is reachable through `Deref`; [`CallError::modeled`] only accepts
/// `E` itself or the service's `Exception`.
pub struct CallError<E> {
    error: Error,
    _errors: PhantomData<fn() -> E>,
}

impl<E> CallError<E> {
    /// Types an error of a call whose operation's errors are `E`.
    pub fn new(error: Error) -> Self {
        CallError { error, _errors: PhantomData }
    }

    /// The modeled error, to `match` on: `e.modeled::<errors::GetObjectError>()` for the
    /// operation's own enum when the operation lists the code, `e.modeled::<errors::Exception>()`
    /// for any exception the service models (boto3's `client.exceptions`). Another operation's
    /// enum does not compile. `None` when the code is not modeled or the error is not a service
    /// error; [`Error::code`] still has the code then.
    pub fn modeled<T: Any>(&self) -> Option<&T>
    where
        E: ModeledAs<T>,
    {
        self.error.modeled::<T>()
    }

    /// Takes the modeled error out, to own it (either enum, as [`CallError::modeled`]).
    pub fn into_modeled<T: Any>(self) -> Result<T, Self>
    where
        E: ModeledAs<T>,
    {
        self.error.into_modeled::<T>().map_err(CallError::new)
    }

    /// The untyped error (what `?` converts it into).
    pub fn into_error(self) -> Error {
        self.error
    }
}

impl<E> Deref for CallError<E> {
    type Target = Error;

    fn deref(&self) -> &Error {
        &self.error
    }
}

impl<E> From<CallError<E>> for Error {
    fn from(error: CallError<E>) -> Error {
        error.error
    }
}

impl<E> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<E> fmt::Debug for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl<E> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}
