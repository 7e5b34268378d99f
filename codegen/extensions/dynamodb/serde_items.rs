//! Items from any `serde` type, as the `serde_dynamo` crate does (with the crate's `serde`
//! feature): [`to_item`] and [`from_item`] between a `#[derive(Serialize, Deserialize)]` type and
//! the wire form, [`to_attribute_value`] and [`from_attribute_value`] for one value.
//!
//! The way goes through the plain [`Value`], so the rules are boto3's `TypeSerializer` and
//! `TypeDeserializer` ones:
//!
//! - Numbers are exact: every integer up to `u64` and `i64` as its digits, `i128` and `u128` when
//!   they fit DynamoDB's 38 digits (refused otherwise, never rounded), floats as their shortest
//!   decimal text (`0.1` is `{"N": "0.1"}`) under boto3's `DYNAMODB_CONTEXT` (NaN, infinities and
//!   magnitudes beyond DynamoDB's range are refused). Read back, an integer field refuses a
//!   fraction or a value out of its range rather than truncating.
//! - Bytes are `B` where serde says bytes (`serde_bytes`, `&[u8]` serialised with
//!   `serialize_bytes`); a plain `Vec<u8>` is a sequence to serde and so an `L` of numbers, as in
//!   `serde_dynamo`. Read back, a `B` also fills a `Vec<u8>`.
//! - `None` leaves the attribute out of its item or map (`NULL` inside a list, where a position
//!   must hold something); a missing attribute reads as `None`. `()` and unit structs are
//!   `{"NULL": true}`, and `NULL` reads as `None` or `()`.
//! - Sets are not inferred: a `BTreeSet` or `HashSet` is a sequence to serde and becomes an `L`.
//!   For `SS`, `NS` or `BS` build that attribute as a [`Value`] set or with
//!   [`AttributeValue::ss`] and friends. Reading accepts a set wherever a sequence is expected, so
//!   an `SS` written by boto3 fills a `BTreeSet<String>` or a `Vec<String>`.
//! - Structs and maps are `M` (map keys are strings, or integers written as text); enums are
//!   externally tagged as in `serde_json` (`"Unit"`, `{"Variant": value}`).
//!
//! An error names where it happened, from the item down (`value at ["address"]["zip"]: invalid
//! type: string "x", expected u32`).
//!
//! ```
//! # fn main() -> Result<(), tucuxi_dynamodb::values::ValueError> {
//! use std::collections::BTreeMap;
//! use tucuxi_dynamodb::types::AttributeValue;
//! use tucuxi_dynamodb::{from_attribute_value, from_item, to_attribute_value, to_item};
//!
//! // Usually a `#[derive(Serialize, Deserialize)] struct`; any serde type works the same way.
//! let scores = BTreeMap::from([("ada", Some(36u64)), ("bob", None)]);
//! let item = to_item(&scores)?;
//! assert_eq!(item.keys().collect::<Vec<_>>(), ["ada"]); // `None` is left out
//! assert_eq!(item["ada"], AttributeValue::n(36));
//! let back: BTreeMap<String, Option<u64>> = from_item(item)?;
//! assert_eq!(back, BTreeMap::from([("ada".to_owned(), Some(36))]));
//!
//! let list = to_attribute_value(&(u64::MAX, -1.5, "x", ()))?;
//! assert_eq!(list, AttributeValue::l([
//!     AttributeValue::n("18446744073709551615"), AttributeValue::n("-1.5"), AttributeValue::s("x"), AttributeValue::null(),
//! ]));
//! let err = from_attribute_value::<Vec<u8>>(list).unwrap_err();
//! assert_eq!(err.to_string(), "value at [0]: 18446744073709551615 is not a u8");
//! # Ok(())
//! # }
//! ```

use std::fmt;

use crate::number::{Number, NumberError};
use crate::types::AttributeValue;
use crate::values::{deserialize_item, serialize_item, Item, Value, ValueError};
use tucuxi::serde_support::serde::de::{self, DeserializeOwned, IntoDeserializer};
use tucuxi::serde_support::serde::ser::{self, Serialize};
use tucuxi::{Blob, Map};

/// The `serde` crate this module implements, for hand-written `Serialize` / `Deserialize` impls
/// (a user's own `serde` dependency is the same crate).
pub use tucuxi::serde_support::serde;

/// A whole item from a struct or map (`serde_dynamo::to_item`): one attribute per field, `None`
/// fields left out. Anything else (a number, a list) is refused, as DynamoDB items are maps.
pub fn to_item<T: Serialize + ?Sized>(value: &T) -> Result<Map<String, AttributeValue>, ValueError> {
    match to_value(value)? {
        Value::Map(item) => serialize_item(item),
        other => Err(ValueError::new(format!("an item must be a struct or a map, not {}", kind(&other)))),
    }
}

/// A value of type `T` from a whole item (`serde_dynamo::from_item`), such as `GetItem`'s
/// `item` or one of `Query`'s `items`.
pub fn from_item<T: DeserializeOwned>(
    item: impl IntoIterator<Item = (String, AttributeValue)>,
) -> Result<T, ValueError> {
    from_value(Value::Map(deserialize_item(item.into_iter().collect())?))
}

/// One attribute value from any serialisable value (`None` and `()` are `NULL`).
pub fn to_attribute_value<T: Serialize + ?Sized>(value: &T) -> Result<AttributeValue, ValueError> {
    to_value(value)?.into_attribute_value()
}

/// A value of type `T` from one attribute value.
pub fn from_attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T, ValueError> {
    from_value(Value::from_attribute_value(value)?)
}

/// The plain [`Value`] of any serialisable value (`None` and `()` are [`Value::Null`]).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, ValueError> {
    Ok(value.serialize(ValueSerializer)?.unwrap_or(Value::Null))
}

/// A value of type `T` from a plain [`Value`].
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ValueError> {
    T::deserialize(ValueDeserializer(value))
}

/// What a value is, for errors.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Binary(_) => "binary",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        Value::StringSet(_) | Value::NumberSet(_) | Value::BinarySet(_) => "a set",
    }
}

impl ser::Error for ValueError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ValueError::new(message.to_string())
    }
}

impl de::Error for ValueError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ValueError::new(message.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Serialising: any `Serialize` into a plain `Value`.

/// Serialises into a [`Value`]; `Ok(None)` is an absent `Option`, which its struct or map leaves
/// out.
struct ValueSerializer;

type Maybe = Result<Option<Value>, ValueError>;

fn number(n: impl Into<Number>) -> Maybe {
    Ok(Some(Value::Number(n.into())))
}

/// A number that may not fit DynamoDB's limits (128-bit integers, floats), refused when it does not.
fn checked(n: impl TryInto<Number, Error = NumberError>) -> Maybe {
    Ok(Some(Value::Number(n.try_into()?)))
}

impl ser::Serializer for ValueSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    type SerializeSeq = SeqSerializer;
    type SerializeTuple = SeqSerializer;
    type SerializeTupleStruct = SeqSerializer;
    type SerializeTupleVariant = VariantSerializer<SeqSerializer>;
    type SerializeMap = MapSerializer;
    type SerializeStruct = MapSerializer;
    type SerializeStructVariant = VariantSerializer<MapSerializer>;

    fn serialize_bool(self, v: bool) -> Maybe {
        Ok(Some(Value::Bool(v)))
    }
    fn serialize_i8(self, v: i8) -> Maybe {
        number(v)
    }
    fn serialize_i16(self, v: i16) -> Maybe {
        number(v)
    }
    fn serialize_i32(self, v: i32) -> Maybe {
        number(v)
    }
    fn serialize_i64(self, v: i64) -> Maybe {
        number(v)
    }
    fn serialize_i128(self, v: i128) -> Maybe {
        checked(v)
    }
    fn serialize_u8(self, v: u8) -> Maybe {
        number(v)
    }
    fn serialize_u16(self, v: u16) -> Maybe {
        number(v)
    }
    fn serialize_u32(self, v: u32) -> Maybe {
        number(v)
    }
    fn serialize_u64(self, v: u64) -> Maybe {
        number(v)
    }
    fn serialize_u128(self, v: u128) -> Maybe {
        checked(v)
    }
    fn serialize_f32(self, v: f32) -> Maybe {
        checked(v)
    }
    fn serialize_f64(self, v: f64) -> Maybe {
        checked(v)
    }
    fn serialize_char(self, v: char) -> Maybe {
        Ok(Some(Value::String(v.to_string())))
    }
    fn serialize_str(self, v: &str) -> Maybe {
        Ok(Some(Value::String(v.to_owned())))
    }
    fn serialize_bytes(self, v: &[u8]) -> Maybe {
        Ok(Some(Value::Binary(Blob::new(v))))
    }
    fn serialize_none(self) -> Maybe {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Maybe {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Maybe {
        Ok(Some(Value::Null))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Maybe {
        Ok(Some(Value::Null))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Maybe {
        Ok(Some(Value::String(variant.to_owned())))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Maybe {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Maybe {
        let inner = value.serialize(ValueSerializer).map_err(|e| e.at(format_args!("[{variant:?}]")))?;
        Ok(Some(Value::Map(Item::from([(variant.to_owned(), inner.unwrap_or(Value::Null))]))))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSerializer, ValueError> {
        Ok(SeqSerializer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSerializer, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSerializer, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Ok(VariantSerializer { variant, inner: SeqSerializer(Vec::with_capacity(len)) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSerializer, ValueError> {
        Ok(MapSerializer { item: Item::with_capacity(len.unwrap_or(0)), key: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapSerializer, ValueError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Ok(VariantSerializer { variant, inner: MapSerializer { item: Item::with_capacity(len), key: None } })
    }
}

/// The elements of a list so far (an absent `Option` is `NULL`: a position must hold a value).
struct SeqSerializer(Vec<Value>);

impl SeqSerializer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let index = self.0.len();
        let value = value.serialize(ValueSerializer).map_err(|e| e.at(format_args!("[{index}]")))?;
        self.0.push(value.unwrap_or(Value::Null));
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }
    fn end(self) -> Maybe {
        Ok(Some(Value::List(self.0)))
    }
}

impl ser::SerializeTuple for SeqSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }
    fn end(self) -> Maybe {
        Ok(Some(Value::List(self.0)))
    }
}

impl ser::SerializeTupleStruct for SeqSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        self.push(value)
    }
    fn end(self) -> Maybe {
        Ok(Some(Value::List(self.0)))
    }
}

/// The attributes of a map or struct so far; `key` holds a map key until its value comes.
struct MapSerializer {
    item: Item,
    key: Option<String>,
}

impl MapSerializer {
    fn insert<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), ValueError> {
        let value = value.serialize(ValueSerializer).map_err(|e| e.at(format_args!("[{key:?}]")))?;
        // An absent `Option` leaves the attribute out, as `serde_dynamo` and boto3 users expect.
        if let Some(value) = value {
            self.item.insert(key, value);
        }
        Ok(())
    }
}

impl ser::SerializeMap for MapSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let key = self.key.take().ok_or_else(|| ValueError::new("a map value came before its key"))?;
        self.insert(key, value)
    }
    fn end(self) -> Maybe {
        Ok(Some(Value::Map(self.item)))
    }
}

impl ser::SerializeStruct for MapSerializer {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ValueError> {
        self.insert(key.to_owned(), value)
    }
    fn end(self) -> Maybe {
        Ok(Some(Value::Map(self.item)))
    }
}

/// A tuple or struct variant: its content under the variant's name (`{"Variant": ...}`).
struct VariantSerializer<S> {
    variant: &'static str,
    inner: S,
}

impl<S> VariantSerializer<S> {
    fn wrap(variant: &str, inner: Maybe) -> Maybe {
        let inner = inner?.unwrap_or(Value::Null);
        Ok(Some(Value::Map(Item::from([(variant.to_owned(), inner)]))))
    }
}

impl ser::SerializeTupleVariant for VariantSerializer<SeqSerializer> {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ValueError> {
        let variant = self.variant;
        self.inner.push(value).map_err(|e| e.at(format_args!("[{variant:?}]")))
    }
    fn end(self) -> Maybe {
        Self::wrap(self.variant, ser::SerializeSeq::end(self.inner))
    }
}

impl ser::SerializeStructVariant for VariantSerializer<MapSerializer> {
    type Ok = Option<Value>;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ValueError> {
        let variant = self.variant;
        self.inner.insert(key.to_owned(), value).map_err(|e| e.at(format_args!("[{variant:?}]")))
    }
    fn end(self) -> Maybe {
        Self::wrap(self.variant, ser::SerializeMap::end(self.inner))
    }
}

/// Map keys: attribute names are strings, so strings and chars are taken as they are and
/// integers as their digits (as `serde_json` writes them); anything else is refused.
struct KeySerializer;

fn bad_key() -> ValueError {
    ValueError::new("a map key must be a string or an integer (DynamoDB attribute names are strings)")
}

macro_rules! integer_keys {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, ValueError> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ValueError;
    type SerializeSeq = ser::Impossible<String, ValueError>;
    type SerializeTuple = ser::Impossible<String, ValueError>;
    type SerializeTupleStruct = ser::Impossible<String, ValueError>;
    type SerializeTupleVariant = ser::Impossible<String, ValueError>;
    type SerializeMap = ser::Impossible<String, ValueError>;
    type SerializeStruct = ser::Impossible<String, ValueError>;
    type SerializeStructVariant = ser::Impossible<String, ValueError>;

    integer_keys!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128
    );
    fn serialize_str(self, v: &str) -> Result<String, ValueError> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, ValueError> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ValueError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, ValueError> {
        value.serialize(self)
    }
    fn serialize_bool(self, _v: bool) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_none(self) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_unit(self) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, ValueError> {
        Err(bad_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ValueError> {
        Err(bad_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ValueError> {
        Err(bad_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ValueError> {
        Err(bad_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(bad_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ValueError> {
        Err(bad_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, ValueError> {
        Err(bad_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(bad_key())
    }
}

// ---------------------------------------------------------------------------------------------
// Deserialising: a plain `Value` into any `DeserializeOwned`.

/// Reads one [`Value`]; the type asked for guides numbers (an integer field takes only an exact
/// integer in its range) and bytes.
struct ValueDeserializer(Value);

/// Gives a number to a visitor that said nothing about its type: an integer as `i64`, `u64` or
/// `i128` (whichever holds it), anything else as the nearest `f64`.
fn visit_number<'de, V: de::Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value, ValueError> {
    if n.is_integer() {
        if let Ok(v) = i64::try_from(&n) {
            return visitor.visit_i64(v);
        }
        if let Ok(v) = u64::try_from(&n) {
            return visitor.visit_u64(v);
        }
        if let Ok(v) = i128::try_from(&n) {
            return visitor.visit_i128(v);
        }
    }
    visitor.visit_f64(float(&n)?)
}

/// The `f64` nearest to a number (Rust reads the decimal text with correct rounding); a float
/// field holds what it can, as `float(Decimal)` does in Python.
fn float(n: &Number) -> Result<f64, ValueError> {
    n.to_string().parse::<f64>().map_err(|e| ValueError::new(format!("{n} is not a float: {e}")))
}

/// The elements of a set, as a list, for types that read sequences.
fn set_elements(value: Value) -> Value {
    match value {
        Value::StringSet(set) => Value::List(set.into_iter().map(Value::String).collect()),
        Value::NumberSet(set) => Value::List(set.into_iter().map(Value::Number).collect()),
        Value::BinarySet(set) => Value::List(set.into_iter().map(Value::Binary).collect()),
        other => other,
    }
}

macro_rules! integer_hints {
    ($($method:ident => $visit:ident: $t:ty),*) => {$(
        fn $method<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
            match self.0 {
                Value::Number(n) => visitor.$visit(<$t>::try_from(&n)?),
                other => ValueDeserializer(other).deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = ValueError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match set_elements(self.0) {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Binary(b) => visitor.visit_byte_buf(b.into_inner()),
            Value::List(list) => visitor.visit_seq(SeqDeserializer { iter: list.into_iter(), index: 0 }),
            Value::Map(item) => visitor.visit_map(MapDeserializer { iter: item.into_iter(), value: None }),
            // `set_elements` has made every set a list.
            set => Err(ValueError::new(format!("{} could not be read", kind(&set)))),
        }
    }

    integer_hints!(
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128
    );

    fn deserialize_f32<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Number(n) => visitor.visit_f64(float(&n)?),
            other => ValueDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(ValueDeserializer(other)),
        }
    }

    fn deserialize_bytes<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Binary(b) => visitor.visit_byte_buf(b.into_inner()),
            other => ValueDeserializer(other).deserialize_any(visitor),
        }
    }

    /// A `B` read where a sequence is expected gives its bytes, so a plain `Vec<u8>` field reads
    /// binary written by boto3 or by `serde_bytes`.
    fn deserialize_seq<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Binary(b) => {
                let bytes =
                    b.into_inner().into_iter().map(|byte| Value::Number(Number::from(byte))).collect::<Vec<_>>();
                visitor.visit_seq(SeqDeserializer { iter: bytes.into_iter(), index: 0 })
            }
            other => ValueDeserializer(other).deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(EnumDeserializer { variant, value: None }),
            Value::Map(item) if item.len() == 1 => {
                let Some((variant, value)) = item.into_iter().next() else {
                    return Err(ValueError::new("an enum must be a string or a map with one entry"));
                };
                visitor.visit_enum(EnumDeserializer { variant, value: Some(value) })
            }
            other => Err(ValueError::new(format!(
                "an enum must be a string or a map with one entry, not {}",
                match &other {
                    Value::Map(item) => format!("a map with {} entries", item.len()),
                    other => kind(other).to_owned(),
                }
            ))),
        }
    }

    fn deserialize_ignored_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool char str string unit unit_struct tuple tuple_struct map struct identifier
    }
}

/// The elements of a list, each error prefixed with its position.
struct SeqDeserializer {
    iter: std::vec::IntoIter<Value>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqDeserializer {
    type Error = ValueError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, ValueError> {
        let Some(value) = self.iter.next() else { return Ok(None) };
        let index = self.index;
        self.index += 1;
        seed.deserialize(ValueDeserializer(value)).map(Some).map_err(|e| e.at(format_args!("[{index}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The attributes of a map, each value's error prefixed with its name.
struct MapDeserializer {
    iter: <Item as IntoIterator>::IntoIter,
    value: Option<(String, Value)>,
}

impl<'de> de::MapAccess<'de> for MapDeserializer {
    type Error = ValueError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ValueError> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        let read = seed.deserialize(KeyDeserializer(key.clone())).map_err(|e| e.at(format_args!("[{key:?}]")))?;
        self.value = Some((key, value));
        Ok(Some(read))
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ValueError> {
        let (key, value) =
            self.value.take().ok_or_else(|| ValueError::new("a map value was asked for before its key"))?;
        seed.deserialize(ValueDeserializer(value)).map_err(|e| e.at(format_args!("[{key:?}]")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A map key (an attribute name): a string, read as an integer when the key type is one.
struct KeyDeserializer(String);

macro_rules! integer_key_hints {
    ($($method:ident => $visit:ident: $t:ty),*) => {$(
        fn $method<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
            match self.0.parse::<$t>() {
                Ok(v) => visitor.$visit(v),
                Err(_) => visitor.visit_string(self.0),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDeserializer {
    type Error = ValueError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_string(self.0)
    }

    integer_key_hints!(
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128
    );

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// An enum's variant name and, unless it is a unit variant written as a string, its content.
struct EnumDeserializer {
    variant: String,
    value: Option<Value>,
}

impl<'de> de::EnumAccess<'de> for EnumDeserializer {
    type Error = ValueError;
    type Variant = VariantDeserializer;

    fn variant_seed<V: de::DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, VariantDeserializer), ValueError> {
        let EnumDeserializer { variant, value } = self;
        let read = seed.deserialize(KeyDeserializer(variant.clone()))?;
        Ok((read, VariantDeserializer { variant, value }))
    }
}

/// The content of one variant, its errors prefixed with the variant's name.
struct VariantDeserializer {
    variant: String,
    value: Option<Value>,
}

impl VariantDeserializer {
    fn content(self) -> Result<(String, Value), ValueError> {
        match self.value {
            Some(value) => Ok((self.variant, value)),
            None => Err(ValueError::new(format!("the variant {:?} needs content ({{\"{0}\": ...}})", self.variant))),
        }
    }
}

impl<'de> de::VariantAccess<'de> for VariantDeserializer {
    type Error = ValueError;

    fn unit_variant(self) -> Result<(), ValueError> {
        match self.value {
            None | Some(Value::Null) => Ok(()),
            Some(other) => {
                Err(ValueError::new(format!("the unit variant {:?} has content ({})", self.variant, kind(&other))))
            }
        }
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, ValueError> {
        let (variant, value) = self.content()?;
        seed.deserialize(ValueDeserializer(value)).map_err(|e| e.at(format_args!("[{variant:?}]")))
    }

    fn tuple_variant<V: de::Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, ValueError> {
        let (variant, value) = self.content()?;
        de::Deserializer::deserialize_seq(ValueDeserializer(value), visitor)
            .map_err(|e| e.at(format_args!("[{variant:?}]")))
    }

    fn struct_variant<V: de::Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        let (variant, value) = self.content()?;
        de::Deserializer::deserialize_map(ValueDeserializer(value), visitor)
            .map_err(|e| e.at(format_args!("[{variant:?}]")))
    }
}
