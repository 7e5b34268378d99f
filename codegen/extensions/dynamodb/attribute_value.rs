//! Short constructors for the wire form, one per DynamoDB type, so that a raw request reads
//! like boto3's client form (`{"S": "x"}` is `AttributeValue::s("x")`) instead of a struct with
//! ten optional members.
//!
//! With the builders' single-entry setters a raw item is built one attribute at a time, as boto3's
//! `Item={"pk": {"S": "user#1"}, ...}` dict reads: `insert_<map>(key, value)` adds one entry (a key
//! given again replaces its value), `push_<list>(item)` adds one element, and the many-entry
//! setters (`item(..)`, `attributes_to_get(..)`) take any iterable and add to what is there.
//!
//! ```
//! # fn main() -> Result<(), tucuxi::Error> {
//! use tucuxi_dynamodb::types::AttributeValue;
//!
//! # let session = tucuxi::Session::builder().region("eu-west-1").build()?;
//! let dynamodb = tucuxi_dynamodb::Client::new(&session);
//! let put = dynamodb
//!     .put_item()
//!     .table_name("people")
//!     .insert_item("pk", AttributeValue::s("user#1"))
//!     .item([("age", AttributeValue::n(36)), ("tags", AttributeValue::ss(["a", "b"]))])
//!     .insert_item("pk", AttributeValue::s("user#2"))
//!     .into_call();
//! let item = &put.input().item;
//! assert_eq!(item.keys().collect::<Vec<_>>(), ["pk", "age", "tags"]);
//! assert_eq!(item["pk"], AttributeValue::s("user#2"));
//!
//! let scan = dynamodb.scan().table_name("people").attributes_to_get(["pk"]).push_attributes_to_get("age").into_call();
//! assert_eq!(scan.input().attributes_to_get.as_deref(), Some(&["pk".to_owned(), "age".to_owned()][..]));
//! # Ok(())
//! # }
//! ```

use crate::types::AttributeValue;
use tucuxi::{Blob, Map};

impl AttributeValue {
    /// `{"S": value}`.
    pub fn s(value: impl Into<String>) -> AttributeValue {
        AttributeValue { s: Some(value.into()), ..AttributeValue::default() }
    }

    /// `{"N": value}`: the number's text as given (`5`, `"1.50"`); DynamoDB checks it. For a
    /// number checked before sending, convert a [`Number`](crate::Number) or [`Value`](crate::Value).
    pub fn n(value: impl ToString) -> AttributeValue {
        AttributeValue { n: Some(value.to_string()), ..AttributeValue::default() }
    }

    /// `{"B": bytes}`.
    pub fn b(value: impl Into<Blob>) -> AttributeValue {
        AttributeValue { b: Some(value.into()), ..AttributeValue::default() }
    }

    /// `{"BOOL": value}`.
    pub fn bool(value: bool) -> AttributeValue {
        AttributeValue { bool: Some(value), ..AttributeValue::default() }
    }

    /// `{"NULL": true}`.
    pub fn null() -> AttributeValue {
        AttributeValue { null: Some(true), ..AttributeValue::default() }
    }

    /// `{"L": [...]}`.
    pub fn l(values: impl IntoIterator<Item = AttributeValue>) -> AttributeValue {
        AttributeValue { l: Some(values.into_iter().collect()), ..AttributeValue::default() }
    }

    /// `{"M": {...}}`, from any pairs (a `HashMap`, an array of tuples, ...).
    pub fn m<K: Into<String>>(entries: impl IntoIterator<Item = (K, AttributeValue)>) -> AttributeValue {
        let map: Map<String, AttributeValue> = entries.into_iter().map(|(k, v)| (k.into(), v)).collect();
        AttributeValue { m: Some(map), ..AttributeValue::default() }
    }

    /// `{"SS": [...]}`.
    pub fn ss<S: Into<String>>(values: impl IntoIterator<Item = S>) -> AttributeValue {
        AttributeValue { ss: Some(values.into_iter().map(Into::into).collect()), ..AttributeValue::default() }
    }

    /// `{"NS": [...]}`, each number's text as given.
    pub fn ns<N: ToString>(values: impl IntoIterator<Item = N>) -> AttributeValue {
        AttributeValue { ns: Some(values.into_iter().map(|n| n.to_string()).collect()), ..AttributeValue::default() }
    }

    /// `{"BS": [...]}`.
    pub fn bs<B: Into<Blob>>(values: impl IntoIterator<Item = B>) -> AttributeValue {
        AttributeValue { bs: Some(values.into_iter().map(Into::into).collect()), ..AttributeValue::default() }
    }
}
