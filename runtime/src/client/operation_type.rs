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

/// The [`Call`] a generated builder wraps, typed by the builder's own [`OperationType`] impl,
/// so that `pub struct GetObject(pub(crate) rt::CallOf<Self>);` leaves the input, output and
/// error types to be named once, in the builder's `operation_type!` line.
pub type CallOf<B> = Call<<B as OperationType>::Input, <B as OperationType>::Output, <B as OperationType>::Errors>;

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
            // Plain text, not a link: rustdoc does not resolve links in docs that a macro of
            // another crate wrote (the `CallResult` of the signature links the type).
            /// Sends the request. A service error carries this operation's modeled error, if any, in
            /// `CallError::modeled`.
            #[inline]
            pub fn send(
                self,
            ) -> $crate::client::CallFuture<$crate::client::CallResult<$output, $errors>> {
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
            ) -> $crate::client::CallFuture<::core::result::Result<$crate::client::PresignedRequest, $crate::Error>> {
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

/// One setter of a generated builder, so a setter is one line of data in the generated file
/// instead of six lines of code, inside the builder's `impl` block:
///
/// ```text
/// rt::setter!(into_req GetObjectRequest bucket(String));
/// rt::setter!(items PutObjectTaggingRequest tag_set(t::Tag) push_tag_set);
/// rt::setter!(#[deprecated] #[allow(deprecated)] val_opt ThingRequest set_send as send(i32));
/// ```
///
/// The arguments are the member's attributes, a kind, the input type, the setter's name (`as`
/// the field's when they differ), the types and, for lists and maps, the single-entry setter's
/// name. Kinds: `into_req` / `into_opt` take `impl Into<T>` (strings, blobs, streams, enums),
/// `val_req` / `val_opt` / `val_box` take `T` (a required member, an optional one, a recursive
/// one held in a `Box`), `items` takes `impl Items<T>` and `entries` `impl Entries<K, V>`, each
/// adding to what the builder holds, plus the single-entry setter (`push_tag_set(tag)`,
/// `insert_metadata(key, value)`). The docs link the input's field, which holds the member's
/// text, through the generated file's `t::` import of its types.
#[macro_export]
macro_rules! setter {
    ($(#[$attr:meta])* $kind:ident $input:ident $name:ident $(as $field:ident)? ($($t:ty),+) $($single:ident)?) => {
        $crate::__setter! { $kind [$(#[$attr])*] $input $name [$($field)? $name] ($($t),+) $($single)? }
    };
}

/// The functions of [`setter!`](crate::setter): `[$field ...]` holds the field's name first.
#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    (into_req [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@fn [$($a)*] $input $name $field, value: impl ::core::convert::Into<$t>, value.into());
    };
    (into_opt [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@fn [$($a)*] $input $name $field, value: impl ::core::convert::Into<$t>,
            ::core::option::Option::Some(value.into()));
    };
    (val_req [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@fn [$($a)*] $input $name $field, value: $t, value);
    };
    (val_opt [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@fn [$($a)*] $input $name $field, value: $t, ::core::option::Option::Some(value));
    };
    (val_box [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@fn [$($a)*] $input $name $field, value: $t,
            ::core::option::Option::Some(::std::boxed::Box::new(value)));
    };
    (items [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty) $single:ident) => {
        $crate::__setter!(items [$($a)*] $input $name [$field] ($t));
        #[doc = concat!("Adds one element to [`", stringify!($field), "`](t::", stringify!($input), "::",
            stringify!($field), "); see [`", stringify!($name), "`](Self::", stringify!($name), ").")]
        $($a)*
        #[inline]
        pub fn $single(mut self, item: impl ::core::convert::Into<$t>) -> Self {
            $crate::client::push(&mut self.0.input_mut().$field, item);
            self
        }
    };
    (items [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($t:ty)) => {
        $crate::__setter!(@doc [$($a)*] $input $field
            pub fn $name(mut self, value: impl $crate::client::Items<$t>) -> Self {
                $crate::client::Items::add_to(value, &mut self.0.input_mut().$field);
                self
            });
    };
    (entries [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($k:ty, $v:ty) $single:ident) => {
        $crate::__setter!(entries [$($a)*] $input $name [$field] ($k, $v));
        #[doc = concat!("Adds one entry to [`", stringify!($field), "`](t::", stringify!($input), "::",
            stringify!($field), "); see [`", stringify!($name), "`](Self::", stringify!($name), ").")]
        $($a)*
        #[inline]
        pub fn $single(mut self, key: impl ::core::convert::Into<$k>, value: impl ::core::convert::Into<$v>) -> Self {
            $crate::client::insert(&mut self.0.input_mut().$field, key, value);
            self
        }
    };
    (entries [$($a:tt)*] $input:ident $name:ident [$field:ident $($n:ident)?] ($k:ty, $v:ty)) => {
        $crate::__setter!(@doc [$($a)*] $input $field
            pub fn $name(mut self, value: impl $crate::client::Entries<$k, $v>) -> Self {
                $crate::client::Entries::add_to(value, &mut self.0.input_mut().$field);
                self
            });
    };
    (@fn [$($a:tt)*] $input:ident $name:ident $field:ident, $value:ident: $param:ty, $assign:expr) => {
        $crate::__setter!(@doc [$($a)*] $input $field
            pub fn $name(mut self, $value: $param) -> Self {
                self.0.input_mut().$field = $assign;
                self
            });
    };
    (@doc [$($a:tt)*] $input:ident $field:ident $($item:tt)*) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](t::", stringify!($input), "::", stringify!($field), ").")]
        $($a)*
        #[inline]
        $($item)*
    };
}
