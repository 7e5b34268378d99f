//! Plain values, as boto3's `TypeSerializer` and `TypeDeserializer` (`boto3.dynamodb.types`).
//!
//! boto3 lets a script write `{"pk": "user#1", "age": 30, "tags": {"a", "b"}}` where the wire
//! wants `{"pk": {"S": "user#1"}, "age": {"N": "30"}, "tags": {"SS": ["a", "b"]}}`. [`Value`] is
//! that plain form (what `TypeDeserializer` yields: `None`, `bool`, `Decimal`, `str`, `Binary`,
//! `list`, `dict` and the three sets), [`Item`] a whole item, and the conversions to and from the
//! generated [`AttributeValue`] are the serializer and deserializer, with errors that say what is
//! wrong and where (`item["tags"][2]`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use crate::number::{Number, NumberError};
use crate::types::AttributeValue;
use tucuxi::{Blob, Map};

/// An item (or a key): attribute names to plain values, in insertion order like a Python `dict`.
pub type Item = Map<String, Value>;

/// One DynamoDB value in plain form, as boto3's `TypeDeserializer` returns it.
///
/// Sets are ordered (`BTreeSet`) so that equal sets serialise identically and duplicates cannot
/// reach DynamoDB, which refuses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `None` (`{"NULL": true}`).
    Null,
    /// `{"BOOL": ...}`.
    Bool(bool),
    /// `{"N": "..."}`, exact (boto3's `Decimal`).
    Number(Number),
    /// `{"S": "..."}`.
    String(String),
    /// `{"B": ...}` (boto3's `Binary`).
    Binary(Blob),
    /// `{"L": [...]}`.
    List(Vec<Value>),
    /// `{"M": {...}}`.
    Map(Item),
    /// `{"SS": [...]}`: never empty on the wire.
    StringSet(BTreeSet<String>),
    /// `{"NS": [...]}`.
    NumberSet(BTreeSet<Number>),
    /// `{"BS": [...]}`.
    BinarySet(BTreeSet<Blob>),
}

/// A value that cannot be converted, and where it is (`item["a"][0]["b"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    path: String,
    message: String,
}

impl ValueError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ValueError { path: String::new(), message: message.into() }
    }

    /// Prefixes the location of the value inside its container (errors unwind outwards).
    pub(crate) fn at(mut self, step: fmt::Arguments<'_>) -> Self {
        self.path = format!("{step}{}", self.path);
        self
    }

    /// Where the value is, relative to the item or value converted (`["tags"]`, `[2]`).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "value at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ValueError {}

impl From<NumberError> for ValueError {
    fn from(error: NumberError) -> Self {
        ValueError::new(error.to_string())
    }
}

impl Value {
    /// boto3's `TypeSerializer().serialize(value)`, borrowing the value.
    pub fn to_attribute_value(&self) -> Result<AttributeValue, ValueError> {
        self.clone().into_attribute_value()
    }

    /// boto3's `TypeSerializer().serialize(value)`. An empty set is refused here, where DynamoDB
    /// would refuse the whole request.
    pub fn into_attribute_value(self) -> Result<AttributeValue, ValueError> {
        let empty = |kind: &str| Err(ValueError::new(format!("an empty {kind} set cannot be stored (DynamoDB refuses empty sets)")));
        let mut out = AttributeValue::default();
        match self {
            Value::Null => out.null = Some(true),
            Value::Bool(b) => out.bool = Some(b),
            Value::Number(n) => out.n = Some(n.to_string()),
            Value::String(s) => out.s = Some(s),
            Value::Binary(b) => out.b = Some(b),
            Value::List(values) => {
                let mut list = Vec::with_capacity(values.len());
                for (i, value) in values.into_iter().enumerate() {
                    list.push(value.into_attribute_value().map_err(|e| e.at(format_args!("[{i}]")))?);
                }
                out.l = Some(list);
            }
            Value::Map(item) => out.m = Some(serialize_item(item)?),
            Value::StringSet(set) if set.is_empty() => return empty("string"),
            Value::NumberSet(set) if set.is_empty() => return empty("number"),
            Value::BinarySet(set) if set.is_empty() => return empty("binary"),
            Value::StringSet(set) => out.ss = Some(set.into_iter().collect()),
            Value::NumberSet(set) => out.ns = Some(set.iter().map(Number::to_string).collect()),
            Value::BinarySet(set) => out.bs = Some(set.into_iter().collect()),
        }
        Ok(out)
    }

    /// boto3's `TypeDeserializer().deserialize(value)`: exactly one type must be set, and
    /// numbers must be valid within DynamoDB's limits.
    pub fn from_attribute_value(value: AttributeValue) -> Result<Value, ValueError> {
        let AttributeValue { s, n, b, ss, ns, bs, m, l, null, bool } = value;
        let set = [s.is_some(), n.is_some(), b.is_some(), ss.is_some(), ns.is_some(), bs.is_some(), m.is_some(), l.is_some(), null.is_some(), bool.is_some()];
        match set.iter().filter(|&&x| x).count() {
            0 => return Err(ValueError::new("the AttributeValue has no type set (it must have exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL)")),
            1 => {}
            more => return Err(ValueError::new(format!("the AttributeValue has {more} types set; it must have exactly one"))),
        }
        Ok(if let Some(s) = s {
            Value::String(s)
        } else if let Some(n) = n {
            Value::Number(Number::parse(&n)?)
        } else if let Some(b) = b {
            Value::Binary(b)
        } else if let Some(ss) = ss {
            Value::StringSet(ss.into_iter().collect())
        } else if let Some(ns) = ns {
            let mut set = BTreeSet::new();
            for (i, n) in ns.iter().enumerate() {
                set.insert(Number::parse(n).map_err(|e| ValueError::from(e).at(format_args!("[{i}]")))?);
            }
            Value::NumberSet(set)
        } else if let Some(bs) = bs {
            Value::BinarySet(bs.into_iter().collect())
        } else if let Some(m) = m {
            Value::Map(deserialize_item(m)?)
        } else if let Some(l) = l {
            let mut list = Vec::with_capacity(l.len());
            for (i, value) in l.into_iter().enumerate() {
                list.push(Value::from_attribute_value(value).map_err(|e| e.at(format_args!("[{i}]")))?);
            }
            Value::List(list)
        } else if null.is_some() {
            // boto3 reads any `NULL` as `None`, whatever its flag.
            Value::Null
        } else {
            Value::Bool(bool.unwrap_or_default())
        })
    }

    /// Builds a binary value (boto3's `Binary(b"...")`); `Vec<u8>` alone would read as a list.
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Value {
        Value::Binary(Blob::new(bytes))
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The string, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is a `Number` (then `i64::try_from(n)`, `f64::try_from(n)`).
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The integer, if this is a `Number` that is an integer within `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(|n| i64::try_from(n).ok())
    }

    /// The flag, if this is a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The bytes, if this is `Binary`.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            Value::Binary(b) => Some(b.as_ref()),
            _ => None,
        }
    }

    /// The elements, if this is a `List`.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The attributes, if this is a `Map`.
    pub fn as_map(&self) -> Option<&Item> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// Serialises every attribute of an item (boto3 applies `TypeSerializer` per attribute).
pub fn serialize_item(item: Item) -> Result<Map<String, AttributeValue>, ValueError> {
    let mut out = Map::with_capacity(item.len());
    for (name, value) in item {
        let value = value.into_attribute_value().map_err(|e| e.at(format_args!("[{name:?}]")))?;
        out.insert(name, value);
    }
    Ok(out)
}

/// Deserialises every attribute of an item (boto3 applies `TypeDeserializer` per attribute).
pub fn deserialize_item(item: Map<String, AttributeValue>) -> Result<Item, ValueError> {
    let mut out = Map::with_capacity(item.len());
    for (name, value) in item {
        let value = Value::from_attribute_value(value).map_err(|e| e.at(format_args!("[{name:?}]")))?;
        out.insert(name, value);
    }
    Ok(out)
}

impl TryFrom<Value> for AttributeValue {
    type Error = ValueError;

    fn try_from(value: Value) -> Result<AttributeValue, ValueError> {
        value.into_attribute_value()
    }
}

impl TryFrom<AttributeValue> for Value {
    type Error = ValueError;

    fn try_from(value: AttributeValue) -> Result<Value, ValueError> {
        Value::from_attribute_value(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::String(value)
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Value {
        Value::String(value.clone())
    }
}

impl From<Number> for Value {
    fn from(value: Number) -> Value {
        Value::Number(value)
    }
}

impl From<Blob> for Value {
    fn from(value: Blob) -> Value {
        Value::Binary(value)
    }
}

impl From<&[u8]> for Value {
    /// Bytes are `Binary`, as Python's `bytes` are.
    fn from(value: &[u8]) -> Value {
        Value::Binary(Blob::from(value))
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::Null
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is `Null`, as Python's `None` is.
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(values: Vec<T>) -> Value {
        Value::List(values.into_iter().map(Into::into).collect())
    }
}

impl<K: Into<String>, T: Into<Value>, S> From<HashMap<K, T, S>> for Value {
    fn from(map: HashMap<K, T, S>) -> Value {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<K: Into<String>, T: Into<Value>> From<BTreeMap<K, T>> for Value {
    fn from(map: BTreeMap<K, T>) -> Value {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<K: Into<String>, T: Into<Value>> From<Map<K, T>> for Value {
    fn from(map: Map<K, T>) -> Value {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl TryFrom<f64> for Value {
    type Error = NumberError;

    /// See [`Number`]'s `TryFrom<f64>`: the shortest decimal form; NaN and infinities refused.
    fn try_from(value: f64) -> Result<Value, NumberError> {
        Number::try_from(value).map(Value::Number)
    }
}

impl TryFrom<f32> for Value {
    type Error = NumberError;

    fn try_from(value: f32) -> Result<Value, NumberError> {
        Number::try_from(value).map(Value::Number)
    }
}

// Integers are numbers, and sets of them number sets.
macro_rules! integer_values {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(value: $t) -> Value { Value::Number(Number::from(value)) }
        }
        impl<S> From<HashSet<$t, S>> for Value {
            fn from(set: HashSet<$t, S>) -> Value { Value::NumberSet(set.into_iter().map(Number::from).collect()) }
        }
        impl From<BTreeSet<$t>> for Value {
            fn from(set: BTreeSet<$t>) -> Value { Value::NumberSet(set.into_iter().map(Number::from).collect()) }
        }
    )*};
}

integer_values!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

// Sets of strings, numbers and bytes, as Python's sets of `str`, `Decimal` and `bytes`.
macro_rules! set_values {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl<S> From<HashSet<$t, S>> for Value {
            fn from(set: HashSet<$t, S>) -> Value { Value::$variant(set.into_iter().map(Into::into).collect()) }
        }
        impl From<BTreeSet<$t>> for Value {
            fn from(set: BTreeSet<$t>) -> Value { Value::$variant(set.into_iter().map(Into::into).collect()) }
        }
    )*};
}

set_values!(String => StringSet, &str => StringSet, Number => NumberSet, Blob => BinarySet, Vec<u8> => BinarySet);

/// Builds an [`Item`] from `name => value` pairs, any value that converts into a [`Value`]:
/// `item! { "pk" => "user#1", "age" => 30, "tags" => BTreeSet::from(["a", "b"]) }`
/// (boto3's `{"pk": "user#1", "age": 30, "tags": {"a", "b"}}`).
#[macro_export]
macro_rules! item {
    ($($name:expr => $value:expr),* $(,)?) => {{
        let mut item = $crate::Item::new();
        $(item.insert(::std::string::String::from($name), $crate::Value::from($value));)*
        item
    }};
}
