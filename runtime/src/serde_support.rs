//! `serde` for every generated type (feature `serde`), through the schemas rather than a derive
//! per type: the generated crate's `serde` feature turns on one `Serialize` and one
//! `Deserialize` impl per type in the runtime's macros, each a call into this module.
//!
//! The JSON is boto3's: keys are the model's member names (`ContentLength`), absent members are
//! left out, blobs are base64 text, timestamps are what Python's `str(datetime)` prints
//! (`2024-05-01 12:00:00+00:00`, `json.dumps(response, default=str)`), string enums their wire
//! value, a union the one member it holds. Streaming bodies and event streams are not data and
//! are left out. Reading accepts the same, plus RFC 3339 timestamps and epoch seconds.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, SerializeMap, SerializeSeq};
use serde::{Deserializer, Serialize, Serializer};

pub use serde;

use crate::paginate::access::set_from_document;
use crate::shape::{EnumValue, ListValue, MapValue, Shape, Value, ValueRef};
use crate::types::{base64_encode, DateTime, Document};
use crate::Map;

/// Serializes a generated structure or union (what the macros' `Serialize` impls call).
pub fn serialize_shape<S: Serializer>(shape: &dyn Shape, serializer: S) -> Result<S::Ok, S::Error> {
    ShapeSer(shape).serialize(serializer)
}

/// Serializes a generated string enum as its wire value.
pub fn serialize_enum<S: Serializer>(value: &dyn EnumValue, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_str())
}

/// Deserializes a generated structure, union or enum (what the macros' `Deserialize` impls call):
/// the input is read as a document, then written into the value through its schema.
pub fn deserialize_value<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Value + Default,
    D: Deserializer<'de>,
{
    let doc = DocumentSeed.deserialize(deserializer)?;
    let mut value = T::default();
    set_from_document(&mut value, &doc).map_err(de::Error::custom)?;
    Ok(value)
}

/// A timestamp as Python's `str(datetime)` prints an aware UTC datetime: `YYYY-MM-DD HH:MM:SS`,
/// then `.ffffff` when there are microseconds, then `+00:00`.
pub fn python_timestamp(t: &DateTime) -> String {
    let rfc3339 = t.to_string(); // `2024-05-01T12:00:00.123Z`
    let stem = rfc3339.strip_suffix('Z').unwrap_or(&rfc3339);
    let (clock, fraction) = match stem.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (stem, ""),
    };
    let mut out = clock.replacen('T', " ", 1);
    let micros: String = fraction.chars().chain(std::iter::repeat('0')).take(6).collect();
    if micros != "000000" {
        out.push('.');
        out.push_str(&micros);
    }
    out.push_str("+00:00");
    out
}

struct ShapeSer<'a>(&'a dyn Shape);

impl Serialize for ShapeSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shape = self.0;
        let schema = shape.schema();
        let mut map = serializer.serialize_map(None)?;
        if let Some(name) = shape.unknown_name() {
            // boto3 names a union member it does not know this way.
            map.serialize_entry("SDK_UNKNOWN_MEMBER", &std::collections::BTreeMap::from([("name", name)]))?;
        }
        for (i, member) in schema.members.iter().enumerate() {
            let Some(value) = shape.field(i).and_then(Value::get) else { continue };
            if matches!(value, ValueRef::Stream(_) | ValueRef::EventStream(_)) {
                continue;
            }
            map.serialize_entry(member.name, &ValueSer(value))?;
        }
        map.end()
    }
}

struct ValueSer<'a>(ValueRef<'a>);

impl Serialize for ValueSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            ValueRef::Bool(b) => serializer.serialize_bool(b),
            ValueRef::Int(i) => serializer.serialize_i64(i),
            ValueRef::Float(f) => serializer.serialize_f64(f),
            ValueRef::Str(s) => serializer.serialize_str(s),
            ValueRef::Blob(b) => serializer.serialize_str(&base64_encode(b)),
            ValueRef::Timestamp(t) => serializer.serialize_str(&python_timestamp(&t)),
            ValueRef::Document(d) => DocSer(d).serialize(serializer),
            ValueRef::List(list) => ListSer(list).serialize(serializer),
            ValueRef::Map(map) => MapSer(map).serialize(serializer),
            ValueRef::Shape(shape) => ShapeSer(shape).serialize(serializer),
            ValueRef::Stream(_) | ValueRef::EventStream(_) => {
                Err(ser::Error::custom("a streaming body or event stream is not data and cannot be serialized"))
            }
        }
    }
}

struct ListSer<'a>(&'a dyn ListValue);

impl Serialize for ListSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for i in 0..self.0.len() {
            match self.0.item(i).and_then(Value::get) {
                Some(value) => seq.serialize_element(&ValueSer(value))?,
                // A sparse list's hole is JSON null, as boto3's None.
                None => seq.serialize_element(&())?,
            }
        }
        seq.end()
    }
}

struct MapSer<'a>(&'a dyn MapValue);

impl Serialize for MapSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for i in 0..self.0.len() {
            let Some((key, value)) = self.0.entry(i) else { continue };
            match value.get() {
                Some(value) => map.serialize_entry(key, &ValueSer(value))?,
                None => map.serialize_entry(key, &())?,
            }
        }
        map.end()
    }
}

struct DocSer<'a>(&'a Document);

impl Serialize for DocSer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Document::Null => serializer.serialize_unit(),
            Document::Bool(b) => serializer.serialize_bool(*b),
            Document::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => serializer.serialize_u64(u),
                (None, Some(i)) => serializer.serialize_i64(i),
                _ => serializer.serialize_f64(n.as_f64()),
            },
            Document::String(s) => serializer.serialize_str(s),
            Document::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&DocSer(item))?;
                }
                seq.end()
            }
            Document::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, &DocSer(v))?;
                }
                map.end()
            }
        }
    }
}

/// Reads any self-describing input (JSON, ...) as a [`Document`].
struct DocumentSeed;

impl<'de> DeserializeSeed<'de> for DocumentSeed {
    type Value = Document;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Document, D::Error> {
        deserializer.deserialize_any(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON-like value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Document, E> {
        Ok(Document::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Document, E> {
        Ok(Document::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Document, E> {
        Ok(Document::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Document, E> {
        Ok(Document::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Document, E> {
        Ok(Document::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Document, E> {
        Ok(Document::String(v))
    }
    fn visit_unit<E>(self) -> Result<Document, E> {
        Ok(Document::Null)
    }
    fn visit_none<E>(self) -> Result<Document, E> {
        Ok(Document::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Document, D::Error> {
        DocumentSeed.deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(DocumentSeed)? {
            items.push(item);
        }
        Ok(Document::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Document, A::Error> {
        let mut entries = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(DocumentSeed)?;
            entries.insert(key, value);
        }
        Ok(Document::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_as_python_str_of_an_aware_datetime() {
        // Python: str(datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)) == '2024-05-01 12:00:00+00:00'
        let t = DateTime::from_secs(1_714_564_800);
        assert_eq!(python_timestamp(&t), "2024-05-01 12:00:00+00:00");
        // ... and with microseconds, six digits: '2024-05-01 12:00:00.123000+00:00'
        let t = DateTime::from_millis(1_714_564_800_123);
        assert_eq!(python_timestamp(&t), "2024-05-01 12:00:00.123000+00:00");
    }
}
