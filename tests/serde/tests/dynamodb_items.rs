//! Items from any serde type (`tucuxi_dynamodb::to_item` / `from_item`, as `serde_dynamo`).
//!
//! The expected items are DynamoDB's JSON wire form written by hand from its documentation
//! (the `AttributeValue` data types: `{"S": ...}`, `{"N": "..."}` with numbers as text, `{"B":
//! ...}` base64, `{"NULL": true}`, `{"BOOL": ...}`, `{"L": [...]}`, `{"M": {...}}`; the
//! `B` example is the documentation's own `"dGhpcyB0ZXh0IGlzIGJhc2U2NA=="`), read through the
//! generated `GetItemOutput` as a `GetItem` response; never from tucuxi's output. Number text
//! follows Python's `str(Decimal(...))`, which is what boto3 sends (`Decimal("1e-7")` is `1E-7`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value as Json};
use tucuxi_dynamodb::types::{AttributeValue, GetItemOutput};
use tucuxi_dynamodb::{from_attribute_value, from_item, to_attribute_value, to_item, Map};

/// Bytes that serde calls bytes, as the `serde_bytes` crate marks them.
#[derive(Debug, PartialEq)]
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct BytesVisitor;
        impl Visitor<'_> for BytesVisitor {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
        }
        d.deserialize_byte_buf(BytesVisitor)
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Address {
    street: String,
    zip: u32,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Channel {
    Web,
    Store(u16),
    Phone { number: String },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    pk: String,
    count: u32,
    big: u64,
    negative: i64,
    wide: i128,
    price: f64,
    ratio: f32,
    tiny: f64,
    active: bool,
    tags: Vec<String>,
    scores: BTreeMap<String, i64>,
    note: Option<String>,
    nick: Option<String>,
    picture: Bytes,
    raw: Vec<u8>,
    nothing: (),
    address: Address,
    history: Vec<Option<Address>>,
    channels: Vec<Channel>,
    by_year: HashMap<u16, String>,
}

fn order() -> Order {
    Order {
        pk: "order#1".into(),
        count: 3,
        big: u64::MAX,
        negative: i64::MIN,
        wide: 12_345_678_901_234_567_890_123_456_789_012_345_678,
        price: 19.99,
        ratio: 0.1,
        tiny: 1e-7,
        active: true,
        tags: vec!["a".into(), "b".into()],
        scores: BTreeMap::from([("x".into(), -1), ("y".into(), 2)]),
        note: None,
        nick: Some("ada".into()),
        picture: Bytes(b"this text is base64".to_vec()),
        raw: vec![1, 255],
        nothing: (),
        address: Address { street: "1 Main St".into(), zip: 12345 },
        history: vec![Some(Address { street: "2 Side St".into(), zip: 1 }), None],
        channels: vec![Channel::Web, Channel::Store(7), Channel::Phone { number: "555".into() }],
        by_year: HashMap::from([(2026, "now".into())]),
    }
}

/// The same order as DynamoDB's wire form shows it (`note` is absent: `None` leaves it out).
fn order_wire() -> Json {
    json!({"Item": {
        "pk": {"S": "order#1"},
        "count": {"N": "3"},
        "big": {"N": "18446744073709551615"},
        "negative": {"N": "-9223372036854775808"},
        "wide": {"N": "12345678901234567890123456789012345678"},
        "price": {"N": "19.99"},
        "ratio": {"N": "0.1"},
        "tiny": {"N": "1E-7"},
        "active": {"BOOL": true},
        "tags": {"L": [{"S": "a"}, {"S": "b"}]},
        "scores": {"M": {"x": {"N": "-1"}, "y": {"N": "2"}}},
        "nick": {"S": "ada"},
        "picture": {"B": "dGhpcyB0ZXh0IGlzIGJhc2U2NA=="},
        "raw": {"L": [{"N": "1"}, {"N": "255"}]},
        "nothing": {"NULL": true},
        "address": {"M": {"street": {"S": "1 Main St"}, "zip": {"N": "12345"}}},
        "history": {"L": [{"M": {"street": {"S": "2 Side St"}, "zip": {"N": "1"}}}, {"NULL": true}]},
        "channels": {"L": [
            {"S": "Web"},
            {"M": {"Store": {"N": "7"}}},
            {"M": {"Phone": {"M": {"number": {"S": "555"}}}}}
        ]},
        "by_year": {"M": {"2026": {"S": "now"}}}
    }})
}

/// The item of a `GetItem` response given as JSON.
fn wire_item(json: Json) -> Map<String, AttributeValue> {
    let out: GetItemOutput = serde_json::from_value(json).expect("a GetItem response");
    out.item.expect("an Item")
}

/// An item as the JSON of a `GetItem` response.
fn as_wire(item: Map<String, AttributeValue>) -> Json {
    serde_json::to_value(GetItemOutput { item: Some(item), ..GetItemOutput::default() }).unwrap()
}

#[test]
fn a_nested_struct_becomes_dynamodbs_documented_wire_form() {
    let item = to_item(&order()).unwrap();
    assert_eq!(as_wire(item.clone()), order_wire());
    // The attributes keep the struct's field order.
    assert_eq!(item.keys().next().map(String::as_str), Some("pk"));
    assert_eq!(item.keys().last().map(String::as_str), Some("by_year"));
}

#[test]
fn the_documented_wire_form_reads_back_into_the_struct() {
    let read: Order = from_item(wire_item(order_wire())).unwrap();
    assert_eq!(read, order());
    // And the way round: struct -> item -> struct.
    assert_eq!(from_item::<Order>(to_item(&order()).unwrap()).unwrap(), order());
}

#[test]
fn sets_are_not_inferred_but_read_where_a_sequence_is_expected() {
    // A `BTreeSet` is a sequence to serde, so it is written as a list, never an SS.
    let tags = BTreeSet::from(["b", "a"]);
    assert_eq!(to_attribute_value(&tags).unwrap(), AttributeValue::l([AttributeValue::s("a"), AttributeValue::s("b")]));
    // Sets written by boto3 fill sets and vectors.
    let item = wire_item(json!({"Item": {
        "tags": {"SS": ["rock", "live"]},
        "years": {"NS": ["1999", "2001"]},
        "blobs": {"BS": ["AQI=", "/w=="]},
        "cover": {"B": "aGVsbG8="}
    }}));
    #[derive(Deserialize)]
    struct Album {
        tags: BTreeSet<String>,
        years: Vec<u16>,
        blobs: Vec<Bytes>,
        cover: Vec<u8>,
    }
    let album: Album = from_item(item).unwrap();
    assert_eq!(album.tags, BTreeSet::from(["live".to_owned(), "rock".to_owned()]));
    assert_eq!(album.years, [1999, 2001]);
    assert_eq!(album.blobs, [Bytes(vec![1, 2]), Bytes(vec![0xff])]);
    assert_eq!(album.cover, b"hello");
}

#[test]
fn a_missing_attribute_and_null_read_as_none() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Person {
        name: String,
        email: Option<String>,
        phone: Option<String>,
    }
    let item = wire_item(json!({"Item": {"name": {"S": "Ada"}, "phone": {"NULL": true}}}));
    assert_eq!(from_item::<Person>(item).unwrap(), Person { name: "Ada".into(), email: None, phone: None });
    assert_eq!(to_attribute_value(&None::<u8>).unwrap(), AttributeValue::null());
}

#[test]
fn errors_name_the_field() {
    let mut json = order_wire();
    json["Item"]["address"]["M"]["zip"] = json!({"S": "x"});
    let err = from_item::<Order>(wire_item(json)).unwrap_err();
    assert_eq!(err.to_string(), r#"value at ["address"]["zip"]: invalid type: string "x", expected u32"#);
    assert_eq!(err.path(), r#"["address"]["zip"]"#);

    // An integer field refuses a fraction or a value out of range instead of truncating.
    let mut json = order_wire();
    json["Item"]["history"]["L"][0]["M"]["zip"] = json!({"N": "1.5"});
    let err = from_item::<Order>(wire_item(json)).unwrap_err();
    assert_eq!(err.to_string(), r#"value at ["history"][0]["zip"]: 1.5 is not a u32"#);
    let mut json = order_wire();
    json["Item"]["count"] = json!({"N": "-1"});
    assert_eq!(from_item::<Order>(wire_item(json)).unwrap_err().path(), r#"["count"]"#);

    let mut json = order_wire();
    json["Item"].as_object_mut().unwrap().remove("pk");
    assert_eq!(from_item::<Order>(wire_item(json)).unwrap_err().to_string(), "missing field `pk`");

    // Writing: numbers DynamoDB cannot hold exactly are refused where they are, as boto3's
    // `DYNAMODB_CONTEXT` refuses them.
    let mut bad = order();
    bad.wide = i128::MIN; // 39 digits
    let err = to_item(&bad).unwrap_err();
    assert_eq!(err.path(), r#"["wide"]"#);
    assert!(err.to_string().contains("decimal.Rounded"), "{err}");
    let mut bad = order();
    bad.price = f64::NAN;
    assert_eq!(to_item(&bad).unwrap_err().to_string(), r#"value at ["price"]: Infinity and NaN not supported"#);
    let err = to_attribute_value(&[1.0, 1e-300]).unwrap_err();
    assert_eq!(err.path(), "[1]");
    assert!(err.to_string().contains("decimal.Underflow"), "{err}");
    // An item is a map.
    assert_eq!(to_item(&5).unwrap_err().to_string(), "an item must be a struct or a map, not a number");
}

#[test]
fn single_values_convert_both_ways() {
    assert_eq!(to_attribute_value("x").unwrap(), AttributeValue::s("x"));
    assert_eq!(to_attribute_value(&u64::MAX).unwrap(), AttributeValue::n("18446744073709551615"));
    assert_eq!(from_attribute_value::<u64>(AttributeValue::n("18446744073709551615")).unwrap(), u64::MAX);
    assert_eq!(from_attribute_value::<i128>(AttributeValue::n("-1E+37")).unwrap(), -10i128.pow(37));
    assert_eq!(from_attribute_value::<f64>(AttributeValue::n("0.1")).unwrap(), 0.1);
    assert_eq!(from_attribute_value::<()>(AttributeValue::null()).unwrap(), ());
    assert_eq!(from_attribute_value::<Channel>(AttributeValue::s("Web")).unwrap(), Channel::Web);
    // A self-describing target (serde_json's `Value`) gets integers as integers.
    let any: Json = from_attribute_value(AttributeValue::l([AttributeValue::n(7), AttributeValue::n("2.5")])).unwrap();
    assert_eq!(any, json!([7, 2.5]));
}
