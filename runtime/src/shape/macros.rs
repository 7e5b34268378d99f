//! The macros generated crates use to implement the runtime's traits for their types.
//!
//! Generated code declares its types as plain Rust and then calls one macro per type. The macros
//! keep the per-type code to what the compiler must see (a `match` over member indices); the
//! behaviour lives in this crate, once.

/// Declares the schema static of a generated structure and implements
/// [`Shape`](crate::shape::Shape), [`Value`](crate::shape::Value) and `Debug` for it, from one
/// list of members in schema order:
///
/// ```text
/// structure!(Type, SCHEMA_STATIC, [field_a[0] = m("A", &STRING), field_b[1] = m("B", &INTEGER)]);
/// structure!(Type, SCHEMA_STATIC = "WireName", [...] .flags(SHAPE_SENSITIVE));
/// ```
///
/// The schema is named after the type unless a wire name follows the static; schema modifiers
/// (`.flags(..)`, `.ns(..)`, `.named(..)`, `.error(..)`) follow the list. Each field is written
/// beside its schema with its index (its position in the list): a macro cannot count, and a
/// literal keeps member access a plain `match`, the cheapest form for rustc.
///
/// The older form, `structure!(Type, SCHEMA_STATIC, 0 => field_a, 1 => field_b)`, implements the
/// traits for a schema declared separately (hand-written tests use it).
#[macro_export]
macro_rules! structure {
    ($ty:ident, $schema:ident $(= $wire:literal)?, [$($field:ident[$i:literal] = $member:expr),* $(,)?]
        $(.$modifier:ident($($arg:tt)*))*) => {
        pub static $schema: $crate::schema::Schema =
            $crate::schema::Schema::structure($crate::__wire_name!($($wire)? $ty), &[$($member),*])
            $(.$modifier($($arg)*))*;
        $crate::__structure_impl!($ty, $schema, $($i => $field),*);
    };
    ($ty:ty, $schema:path $(, $i:literal => $field:ident)* $(,)?) => {
        $crate::__structure_impl!($ty, $schema, $($i => $field),*);
    };
}

/// The shape's wire name: the given literal, else the type's name.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_name {
    ($wire:literal $ty:ident) => {
        $wire
    };
    ($ty:ident) => {
        ::core::stringify!($ty)
    };
}

/// The impls of [`structure!`](crate::structure).
#[doc(hidden)]
#[macro_export]
macro_rules! __structure_impl {
    ($ty:ty, $schema:path, $($i:literal => $field:ident),*) => {
        #[allow(deprecated)]
        impl $crate::shape::Shape for $ty {
            fn schema(&self) -> &'static $crate::schema::Schema {
                &$schema
            }
            fn field(&self, i: usize) -> ::core::option::Option<&dyn $crate::shape::Value> {
                match i {
                    $($i => ::core::option::Option::Some(&self.$field),)*
                    _ => ::core::option::Option::None,
                }
            }
            fn field_mut(&mut self, i: usize) -> ::core::option::Option<&mut dyn $crate::shape::Value> {
                match i {
                    $($i => ::core::option::Option::Some(&mut self.$field),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        $crate::__shape_debug!($ty);
    };
}

/// Declares the schema static of a generated union and implements
/// [`Shape`](crate::shape::Shape), [`Value`](crate::shape::Value) and `Debug` for it, as
/// [`structure!`](crate::structure) does: `union!(Type, SCHEMA_STATIC, [VariantA[0] = m("A", &STRING)])`.
/// The older form, `union!(Type, SCHEMA_STATIC, 0 => VariantA, 1 => VariantB)`, implements the
/// traits for a schema declared separately.
///
/// The enum must have a variant `Unknown(String)` for variants the model does not know (it keeps
/// their name, and is the union's default).
#[macro_export]
macro_rules! union {
    ($ty:ident, $schema:ident $(= $wire:literal)?, [$($variant:ident[$i:literal] = $member:expr),* $(,)?]
        $(.$modifier:ident($($arg:tt)*))*) => {
        pub static $schema: $crate::schema::Schema =
            $crate::schema::Schema::union($crate::__wire_name!($($wire)? $ty), &[$($member),*])
            $(.$modifier($($arg)*))*;
        $crate::__union_impl!($ty, $schema, $($i => $variant),*);
    };
    ($ty:ident, $schema:path $(, $i:literal => $variant:ident)* $(,)?) => {
        $crate::__union_impl!($ty, $schema, $($i => $variant),*);
    };
}

/// The impls of [`union!`](crate::union).
#[doc(hidden)]
#[macro_export]
macro_rules! __union_impl {
    ($ty:ident, $schema:path, $($i:literal => $variant:ident),*) => {
        #[allow(deprecated)]
        impl $crate::shape::Shape for $ty {
            fn schema(&self) -> &'static $crate::schema::Schema {
                &$schema
            }
            fn field(&self, i: usize) -> ::core::option::Option<&dyn $crate::shape::Value> {
                match (i, self) {
                    $(($i, $ty::$variant(value)) => ::core::option::Option::Some(value),)*
                    _ => ::core::option::Option::None,
                }
            }
            fn field_mut(&mut self, i: usize) -> ::core::option::Option<&mut dyn $crate::shape::Value> {
                $(
                    if i == $i {
                        if !matches!(self, $ty::$variant(_)) {
                            *self = $ty::$variant(::core::default::Default::default());
                        }
                        if let $ty::$variant(value) = self {
                            return ::core::option::Option::Some(value);
                        }
                    }
                )*
                ::core::option::Option::None
            }
            fn set_unknown(&mut self, name: &str) {
                *self = $ty::Unknown(::std::borrow::ToOwned::to_owned(name));
            }
            fn unknown_name(&self) -> ::core::option::Option<&str> {
                match self {
                    $ty::Unknown(name) => ::core::option::Option::Some(name),
                    _ => ::core::option::Option::None,
                }
            }
        }
        $crate::__union_default!($ty);
    };
}

/// `Default` (an unknown variant with no name) and `Debug` for a generated union.
#[doc(hidden)]
#[macro_export]
macro_rules! __union_default {
    ($ty:ident) => {
        impl ::core::default::Default for $ty {
            fn default() -> Self {
                $ty::Unknown(::std::string::String::new())
            }
        }
        $crate::__shape_debug!($ty);
    };
}

/// `Debug` for a generated structure or union. (`Value` comes from the blanket impl over
/// `Shape`: one impl in the runtime instead of one per generated type, which measurably cuts
/// the compile time of large crates such as ec2.)
#[doc(hidden)]
#[macro_export]
macro_rules! __shape_debug {
    ($ty:ty) => {
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::shape::debug_shape(self, f)
            }
        }
        // Evaluated in the generated crate: its `serde` feature (which turns on the runtime's).
        #[cfg(feature = "serde")]
        $crate::__serde_impls!($ty, serialize_shape);
    };
}

/// `Serialize` and `Deserialize` for a generated type through the runtime's schemas (the
/// `serde` feature; see `tucuxi::serde_support`). `$ser` is the serializing function for the
/// kind of type.
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_impls {
    ($ty:ty, $ser:ident) => {
        impl $crate::serde_support::serde::Serialize for $ty {
            fn serialize<S: $crate::serde_support::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::serde_support::$ser(self, serializer)
            }
        }
        impl<'de> $crate::serde_support::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde_support::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::serde_support::deserialize_value(deserializer)
            }
        }
    };
}

/// Declares a string enum that keeps values it does not know:
/// `string_enum! { pub enum Type { VariantA = "a", VariantB = "b" } }`.
///
/// Besides the listed variants the enum gets `Unknown(String)`, which is also its default (the
/// empty string), conversions from and to `&str`, `Display`, and the runtime's traits.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $ty {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this version of the model does not know, kept as sent.
            Unknown(::std::string::String),
        }
        impl $ty {
            /// Every value the model knows, in model order.
            pub const VALUES: &'static [&'static str] = &[$($value),*];
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($ty::$variant => $value,)*
                    $ty::Unknown(value) => value,
                }
            }
        }
        impl ::core::default::Default for $ty {
            fn default() -> Self {
                $ty::Unknown(::std::string::String::new())
            }
        }
        impl ::core::convert::From<&str> for $ty {
            fn from(value: &str) -> Self {
                match value {
                    $($value => $ty::$variant,)*
                    other => $ty::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }
        impl ::core::convert::From<::std::string::String> for $ty {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => $ty::$variant,)*
                    _ => $ty::Unknown(value),
                }
            }
        }
        impl ::core::str::FromStr for $ty {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok($ty::from(value))
            }
        }
        impl ::core::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(self.as_str(), f)
            }
        }
        impl $crate::shape::EnumValue for $ty {
            fn as_str(&self) -> &str {
                $ty::as_str(self)
            }
            fn set_str(&mut self, value: &str) {
                *self = $ty::from(value);
            }
        }
        impl $crate::shape::MapKey for $ty {
            fn from_wire(key: &str) -> Self {
                $ty::from(key)
            }
            fn as_wire(&self) -> &str {
                self.as_str()
            }
        }
        impl $crate::shape::Value for $ty {
            fn get(&self) -> ::core::option::Option<$crate::shape::ValueRef<'_>> {
                ::core::option::Option::Some($crate::shape::ValueRef::Str(self.as_str()))
            }
            fn get_mut(&mut self) -> $crate::shape::ValueMut<'_> {
                $crate::shape::ValueMut::Enum(self)
            }
        }
        #[cfg(feature = "serde")]
        $crate::__serde_impls!($ty, serialize_enum);
    };
}
