//! How the runtime sees the values of generated types.
//!
//! Generated structures, unions and enums implement [`Shape`] and [`Value`] through the
//! [`structure!`](crate::structure), [`union!`](crate::union) and
//! [`string_enum!`](crate::string_enum) macros; the standard containers and primitives implement
//! [`Value`] here. The codecs walk a [`Schema`] and a `&dyn Shape` side by side, so no protocol
//! needs code per shape.

mod debug;
mod impls;
mod macros;
#[cfg(test)]
mod macro_tests;

pub use debug::debug_shape;

use crate::event_stream::EventReceiver;
use crate::schema::Schema;
use crate::stream::ByteStream;
use crate::types::{Blob, DateTime, Document};

/// A structure or union: a schema plus access to its members by index.
///
/// Member `i` of the value is member `i` of [`Shape::schema`]'s `members`.
pub trait Shape: Send + Sync {
    /// The static description of the shape.
    fn schema(&self) -> &'static Schema;
    /// Member `i`; `None` when out of range or, for a union, when another variant is set.
    fn field(&self, i: usize) -> Option<&dyn Value>;
    /// Member `i` for writing; for a union this makes `i` the active variant.
    fn field_mut(&mut self, i: usize) -> Option<&mut dyn Value>;
    /// Unions only: records that the wire carried a variant this model does not know.
    fn set_unknown(&mut self, _name: &str) {}
    /// Unions only: the name of the unknown variant the wire carried (boto3's
    /// `SDK_UNKNOWN_MEMBER`), when that is what the value holds.
    fn unknown_name(&self) -> Option<&str> {
        None
    }
}

/// Read access to a value, as the codecs see it.
#[derive(Clone, Copy)]
pub enum ValueRef<'a> {
    Bool(bool),
    /// Every integer width, widened.
    Int(i64),
    /// Both float widths, widened.
    Float(f64),
    /// Strings and string enums.
    Str(&'a str),
    Blob(&'a [u8]),
    Timestamp(DateTime),
    Document(&'a Document),
    List(&'a dyn ListValue),
    Map(&'a dyn MapValue),
    Shape(&'a dyn Shape),
    Stream(&'a ByteStream),
    /// An event stream of a response (`tucuxi::EventStream`), read through its receiver.
    EventStream(&'a EventReceiver),
}

/// Write access to a value, as the codecs see it.
pub enum ValueMut<'a> {
    Bool(&'a mut bool),
    Byte(&'a mut i8),
    Short(&'a mut i16),
    Int(&'a mut i32),
    Long(&'a mut i64),
    Float(&'a mut f32),
    Double(&'a mut f64),
    Str(&'a mut String),
    Enum(&'a mut dyn EnumValue),
    Blob(&'a mut Blob),
    Timestamp(&'a mut DateTime),
    Document(&'a mut Document),
    List(&'a mut dyn ListValue),
    Map(&'a mut dyn MapValue),
    Shape(&'a mut dyn Shape),
    Stream(&'a mut ByteStream),
    EventStream(&'a mut EventReceiver),
}

/// Any value a member can hold.
pub trait Value: Send + Sync {
    /// The value, or `None` when it is absent (an unset `Option`).
    fn get(&self) -> Option<ValueRef<'_>>;
    /// The value for writing; an absent value is first set to its default.
    fn get_mut(&mut self) -> ValueMut<'_>;
    /// Makes an optional value absent (paginators clear tokens this way); values that are
    /// always present keep what they hold.
    fn set_absent(&mut self) {}
}

/// A string enum: known values map to variants, unknown ones are kept as text.
pub trait EnumValue: Send + Sync {
    fn as_str(&self) -> &str;
    fn set_str(&mut self, value: &str);
}

/// A list of values.
pub trait ListValue: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Element `i`; for sparse lists the element's [`Value::get`] may be `None`.
    fn item(&self, i: usize) -> Option<&dyn Value>;
    /// Element `i` for writing (a handler decoding keys in place); lists that cannot give it
    /// answer `None`.
    fn item_mut(&mut self, _i: usize) -> Option<&mut dyn Value> {
        None
    }
    /// Appends a default element and returns it for writing.
    fn push_default(&mut self) -> &mut dyn Value;
    /// Keeps only elements `start..end` (clamped), as a paginator cuts a page at `max_items`.
    /// Lists that cannot do this keep every element.
    fn retain_range(&mut self, _start: usize, _end: usize) {}
    /// The list as `Any`, so a list of a known element type can be moved out without copying.
    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        None
    }
    /// Moves every element of `other` onto the end of this list when both hold the same element
    /// type; returns false, leaving both unchanged, when they do not.
    fn append_from(&mut self, _other: &mut dyn ListValue) -> bool {
        false
    }
}

/// A map from string-like keys to values, in insertion order.
pub trait MapValue: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `i` in insertion order: the key as it goes on the wire, and the value.
    fn entry(&self, i: usize) -> Option<(&str, &dyn Value)>;
    /// The value under `key` for writing, inserted as a default when absent.
    fn entry_mut(&mut self, key: &str) -> &mut dyn Value;
    /// [`entry_mut`](Self::entry_mut), also saying whether `key` was already there (a reader
    /// replaces a repeated key's value rather than merging into it).
    fn entry_mut_existing(&mut self, key: &str) -> (&mut dyn Value, bool) {
        let before = self.len();
        let _ = self.entry_mut(key);
        let existed = self.len() == before;
        (self.entry_mut(key), existed)
    }
}

/// A type that can be the key of a modeled map: strings and string enums.
pub trait MapKey: Eq + core::hash::Hash + Send + Sync {
    fn from_wire(key: &str) -> Self;
    fn as_wire(&self) -> &str;
}

/// The input or output of an operation that has none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Unit;

impl Shape for Unit {
    fn schema(&self) -> &'static Schema {
        &crate::schema::prim::UNIT
    }
    fn field(&self, _: usize) -> Option<&dyn Value> {
        None
    }
    fn field_mut(&mut self, _: usize) -> Option<&mut dyn Value> {
        None
    }
}
