//! [`OperationType`]: an operation as a type. Each generated builder (`s3::client::GetObject`)
//! implements it with one [`operation_type!`](crate::operation_type) line, so code generic over
//! operations can name one: the `Stubber` (`add_response::<GetObject>`), the resource layer
//! (which sees a builder as the call it wraps), test helpers.

use super::Call;
use crate::protocol::OperationErrors;
use crate::schema::{Operation, Service};
use crate::shape::Shape;

/// A generated operation builder: the operation's types and statics, and the [`Call`] it wraps.
pub trait OperationType: Sized {
    /// The input structure (`GetObjectRequest`).
    type Input: Shape + Default + 'static;
    /// The output structure (`GetObjectOutput`).
    type Output: Shape + Default + 'static;
    /// The operation's modeled errors (`errors::GetObjectError`).
    type Errors: OperationErrors;
    /// Wraps a call.
    fn from_call(call: Call<Self::Input, Self::Output, Self::Errors>) -> Self;
    /// The call inside.
    fn into_call(self) -> Call<Self::Input, Self::Output, Self::Errors>;
    /// The operation's static description.
    fn operation() -> &'static Operation;
    /// The service the operation belongs to.
    fn service() -> &'static Service;
}

/// Implements [`OperationType`] for a generated builder (a tuple struct around a `Call`), in
/// a generated `client/<x>.rs` file, whose `super::super::SERVICE` is the service (a path
/// relative to the call, so a service emitted as a module of a larger crate, as the protocol
/// conformance crate does, finds its own):
/// `operation_type!(GetObject, t::GetObjectRequest, t::GetObjectOutput, e::GetObjectError, op::GET_OBJECT)`.
///
/// It also gives the builder the methods every operation shares (`send`, `send_blocking`,
/// `presign`, `presign_blocking`, `into_call`), written here once instead of forty lines per
/// operation in the generated files; the generated `impl` block holds the setters.
#[macro_export]
macro_rules! operation_type {
    ($(#[$attr:meta])* $builder:ident, $input:ty, $output:ty, $errors:ty, $op:path) => {
        $(#[$attr])*
        impl $crate::client::OperationType for $builder {
            type Input = $input;
            type Output = $output;
            type Errors = $errors;
            #[inline]
            fn from_call(call: $crate::client::Call<$input, $output, $errors>) -> Self {
                Self(call)
            }
            #[inline]
            fn into_call(self) -> $crate::client::Call<$input, $output, $errors> {
                self.0
            }
            #[inline]
            fn operation() -> &'static $crate::schema::Operation {
                &$op
            }
            #[inline]
            fn service() -> &'static $crate::schema::Service {
                // Resolved where the macro is called: `client/<x>.rs` of the service.
                &super::super::SERVICE
            }
        }
        $(#[$attr])*
        impl $builder {
            /// Sends the request. A service error carries this operation's modeled error, if any, in
            /// [`CallError::modeled`]($crate::client::CallError::modeled).
            #[inline]
            pub fn send(
                self,
            ) -> impl ::core::future::Future<Output = $crate::client::CallResult<$output, $errors>> {
                self.0.send()
            }
            /// Sends the request and waits for the answer, without an async runtime.
            #[inline]
            pub fn send_blocking(self) -> $crate::client::CallResult<$output, $errors> {
                self.0.send_blocking()
            }
            /// A presigned request (URL and headers) valid for `expires_in`, at most 7 days.
            #[inline]
            pub fn presign(
                self,
                expires_in: ::core::time::Duration,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<$crate::client::PresignedRequest, $crate::Error>,
            > {
                self.0.presign(expires_in)
            }
            /// [`presign`](Self::presign) without an async runtime.
            #[inline]
            pub fn presign_blocking(
                self,
                expires_in: ::core::time::Duration,
            ) -> ::core::result::Result<$crate::client::PresignedRequest, $crate::Error> {
                self.0.presign_blocking(expires_in)
            }
            /// The underlying call, with the input built so far.
            #[inline]
            pub fn into_call(self) -> $crate::client::Call<$input, $output, $errors> {
                self.0
            }
        }
    };
}
