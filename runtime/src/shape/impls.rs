//! [`Value`] for the standard containers and the primitive types.

use super::{ListValue, MapKey, MapValue, Shape, Value, ValueMut, ValueRef};
use crate::stream::ByteStream;
use crate::types::{Blob, DateTime, Document};
use crate::Map;

macro_rules! primitive {
    ($($ty:ty => |$v:ident| $get:ident($conv:expr), $mut_:ident;)*) => {$(
        impl Value for $ty {
            fn get(&self) -> Option<ValueRef<'_>> {
                let $v = self;
                Some(ValueRef::$get($conv))
            }
            fn get_mut(&mut self) -> ValueMut<'_> {
                ValueMut::$mut_(self)
            }
        }
    )*};
}

primitive! {
    bool => |v| Bool(*v), Bool;
    i8 => |v| Int(i64::from(*v)), Byte;
    i16 => |v| Int(i64::from(*v)), Short;
    i32 => |v| Int(i64::from(*v)), Int;
    i64 => |v| Int(*v), Long;
    f32 => |v| Float(f64::from(*v)), Float;
    f64 => |v| Float(*v), Double;
    String => |v| Str(v.as_str()), Str;
    Blob => |v| Blob(v.as_ref()), Blob;
    DateTime => |v| Timestamp(*v), Timestamp;
    Document => |v| Document(v), Document;
    ByteStream => |v| Stream(v), Stream;
}

/// Written with plain matches rather than `Option`'s combinators: this impl is compiled once per
/// optional member type of every generated crate (hundreds in a large service), and each
/// combinator would be compiled with it (`get_or_insert_with` alone was 7 % of S3's code).
impl<T: Value + Default> Value for Option<T> {
    fn get(&self) -> Option<ValueRef<'_>> {
        match self {
            Some(value) => value.get(),
            None => None,
        }
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        match self {
            Some(value) => value.get_mut(),
            None => self.insert(T::default()).get_mut(),
        }
    }
    fn set_absent(&mut self) {
        *self = None;
    }
}

/// Boxes hold recursive structures and unions; they are shapes themselves, so the blanket
/// `Value` impl below covers them.
impl<T: Shape + ?Sized> Shape for Box<T> {
    fn schema(&self) -> &'static crate::schema::Schema {
        (**self).schema()
    }
    fn field(&self, i: usize) -> Option<&dyn Value> {
        (**self).field(i)
    }
    fn field_mut(&mut self, i: usize) -> Option<&mut dyn Value> {
        (**self).field_mut(i)
    }
    fn set_unknown(&mut self, name: &str) {
        (**self).set_unknown(name)
    }
    fn unknown_name(&self) -> Option<&str> {
        (**self).unknown_name()
    }
}

/// Every structure and union is a value.
impl<T: Shape> Value for T {
    fn get(&self) -> Option<ValueRef<'_>> {
        Some(ValueRef::Shape(self))
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        ValueMut::Shape(self)
    }
}

impl<T: Value + Default + 'static> Value for Vec<T> {
    fn get(&self) -> Option<ValueRef<'_>> {
        Some(ValueRef::List(self))
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        ValueMut::List(self)
    }
}

impl<T: Value + Default + 'static> ListValue for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn item(&self, i: usize) -> Option<&dyn Value> {
        self.as_slice().get(i).map(|v| v as &dyn Value)
    }
    fn item_mut(&mut self, i: usize) -> Option<&mut dyn Value> {
        self.as_mut_slice().get_mut(i).map(|v| v as &mut dyn Value)
    }
    fn push_default(&mut self) -> &mut dyn Value {
        self.push(T::default());
        let last = self.len() - 1;
        &mut self[last]
    }
    fn retain_range(&mut self, start: usize, end: usize) {
        let end = end.min(self.len());
        self.truncate(end);
        // `split_off` rather than `drain`, whose iterator and drop guard would be compiled for
        // every list type; a page is cut rarely, so its allocation does not matter.
        let start = start.min(end);
        if start > 0 {
            *self = self.split_off(start);
        }
    }
    fn as_any_mut(&mut self) -> Option<&mut dyn core::any::Any> {
        Some(self)
    }
    fn append_from(&mut self, other: &mut dyn ListValue) -> bool {
        match other.as_any_mut().and_then(|o| o.downcast_mut::<Vec<T>>()) {
            Some(other) => {
                self.append(other);
                true
            }
            None => false,
        }
    }
}

impl<K: MapKey, V: Value + Default> Value for Map<K, V> {
    fn get(&self) -> Option<ValueRef<'_>> {
        Some(ValueRef::Map(self))
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        ValueMut::Map(self)
    }
}

impl<K: MapKey, V: Value + Default> MapValue for Map<K, V> {
    fn len(&self) -> usize {
        indexmap::IndexMap::len(self)
    }
    fn entry(&self, i: usize) -> Option<(&str, &dyn Value)> {
        self.get_index(i).map(|(k, v)| (k.as_wire(), v as &dyn Value))
    }
    fn entry_mut(&mut self, key: &str) -> &mut dyn Value {
        self.entry(K::from_wire(key)).or_default()
    }
    fn entry_mut_existing(&mut self, key: &str) -> (&mut dyn Value, bool) {
        match self.entry(K::from_wire(key)) {
            indexmap::map::Entry::Occupied(entry) => (entry.into_mut(), true),
            indexmap::map::Entry::Vacant(entry) => (entry.insert(V::default()), false),
        }
    }
}

impl MapKey for String {
    fn from_wire(key: &str) -> Self {
        key.to_owned()
    }
    fn as_wire(&self) -> &str {
        self
    }
}
