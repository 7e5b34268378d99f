//! Smithy `document` values: untyped, JSON-shaped data, plus a compact JSON
//! writer and a strict RFC 8259 parser for them.
//!
//! Objects are [`crate::Map`]s, which keep insertion order. JSON gives key
//! order no meaning, but people do: a Bedrock tool's input schema lists its
//! properties in the order the model should see them, users compare printed
//! output with what they sent, and boto3 preserves order too. The runtime
//! already depends on that map for modeled maps, so this costs no build time,
//! and hashing keeps parsing linear where a `Vec`-backed map would let a large
//! object with many keys go quadratic.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use crate::Map;

/// Nesting deeper than this is rejected so parsing cannot overflow the stack.
pub(super) const MAX_DEPTH: usize = 128;

/// An untyped, JSON-like value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Document {
    /// JSON `null`, also the default.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exact for integers.
    Number(Number),
    /// A string.
    String(String),
    /// An ordered list.
    Array(Vec<Document>),
    /// Members keyed by name, iterated and serialized in insertion order.
    Object(Map<String, Document>),
}

/// A document number, keeping integers exact rather than forcing them
/// through `f64`, which cannot represent every `u64` or `i64`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer; non-negative values use `PosInt`.
    NegInt(i64),
    /// Anything else. JSON cannot express NaN or infinities, so the writer
    /// emits `null` for them.
    Float(f64),
}

impl Number {
    /// The value as a float, rounding integers beyond 2^53.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(f) => f,
        }
    }

    /// The value if it is an integer that fits a `u64`.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(n) => Some(n),
            Number::NegInt(_) | Number::Float(_) => None,
        }
    }

    /// The value if it is an integer that fits an `i64`.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::PosInt(n) => i64::try_from(n).ok(),
            Number::NegInt(n) => Some(n),
            Number::Float(_) => None,
        }
    }
}

macro_rules! from_unsigned {
    ($($t:ty)*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Number::PosInt(n as u64)
            }
        }
    )*};
}

macro_rules! from_signed {
    ($($t:ty)*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                if n < 0 { Number::NegInt(n as i64) } else { Number::PosInt(n as u64) }
            }
        }
    )*};
}

from_unsigned!(u8 u16 u32 u64 usize);
from_signed!(i8 i16 i32 i64 isize);

impl From<f32> for Number {
    fn from(f: f32) -> Self {
        Number::Float(f.into())
    }
}

impl From<f64> for Number {
    fn from(f: f64) -> Self {
        Number::Float(f)
    }
}

macro_rules! into_number_document {
    ($($t:ty)*) => {$(
        impl From<$t> for Document {
            fn from(n: $t) -> Self {
                Document::Number(n.into())
            }
        }
    )*};
}

into_number_document!(u8 u16 u32 u64 usize i8 i16 i32 i64 isize f32 f64 Number);

impl From<bool> for Document {
    fn from(b: bool) -> Self {
        Document::Bool(b)
    }
}

impl From<String> for Document {
    fn from(s: String) -> Self {
        Document::String(s)
    }
}

impl From<&str> for Document {
    fn from(s: &str) -> Self {
        Document::String(s.to_owned())
    }
}

impl<T: Into<Document>> From<Vec<T>> for Document {
    fn from(items: Vec<T>) -> Self {
        Document::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Document>> From<Map<String, T>> for Document {
    fn from(map: Map<String, T>) -> Self {
        map.into_iter().collect()
    }
}

impl<T: Into<Document>> From<BTreeMap<String, T>> for Document {
    /// The object's members follow the map's sorted key order.
    fn from(map: BTreeMap<String, T>) -> Self {
        map.into_iter().collect()
    }
}

impl<T: Into<Document>> From<Option<T>> for Document {
    /// `None` becomes `Null`.
    fn from(value: Option<T>) -> Self {
        value.map_or(Document::Null, Into::into)
    }
}

impl<K: Into<String>, V: Into<Document>> FromIterator<(K, V)> for Document {
    /// Collects key-value pairs into an object. A repeated key keeps its
    /// first position and its last value.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Document::Object(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl Document {
    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Document::Null)
    }

    /// The value of a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value of a `Number`.
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Document::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Any number as a float (see [`Number::as_f64`]).
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    /// An integer that fits a `u64`; floats are not converted.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// An integer that fits an `i64`; floats are not converted.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The text of a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of an `Array`.
    pub fn as_array(&self) -> Option<&[Document]> {
        match self {
            Document::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The items of an `Array`, for modification.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Document>> {
        match self {
            Document::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an `Object`.
    pub fn as_object(&self) -> Option<&Map<String, Document>> {
        match self {
            Document::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The members of an `Object`, for modification.
    pub fn as_object_mut(&mut self) -> Option<&mut Map<String, Document>> {
        match self {
            Document::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The member `key` of an object; `None` for missing keys and non-objects.
    pub fn get(&self, key: &str) -> Option<&Document> {
        self.as_object().and_then(|map| map.get(key))
    }

    /// Serializes as compact JSON: no whitespace, members in map order.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends compact JSON to `out`, growing it as needed.
    ///
    /// Writing recurses once per nesting level. Parsed documents are at most
    /// 128 levels deep; a hand-built document nested many thousands deep can
    /// exhaust the stack here, just as dropping it would.
    pub fn write_json(&self, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = write_value(out, self);
    }

    /// Parses one JSON value (RFC 8259), surrounded by optional whitespace.
    ///
    /// Integers become `PosInt`/`NegInt` when they fit and `Float` otherwise;
    /// `-0` becomes `Float(-0.0)` to keep its sign. Numbers that overflow `f64`
    /// are rejected because they could not be written back. A duplicate object
    /// key keeps its first position and its last value. Escaped lone surrogates are rejected since a
    /// Rust `String` cannot hold them. Nesting is limited to 128 levels.
    pub fn from_json(text: &str) -> Result<Document, DocumentError> {
        super::json_tree::Json::parse(text).map(super::json_tree::Json::into_document)
    }

    /// Like [`from_json`](Self::from_json) for raw bytes, such as a response body.
    pub fn from_json_slice(bytes: &[u8]) -> Result<Document, DocumentError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::from_json(text),
            Err(e) => Err(DocumentError { offset: e.valid_up_to(), reason: "invalid UTF-8" }),
        }
    }
}

impl fmt::Display for Document {
    /// Compact JSON, as [`Document::to_json_string`] produces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self)
    }
}

impl std::str::FromStr for Document {
    type Err = DocumentError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Document::from_json(text)
    }
}

fn write_value<W: Write>(w: &mut W, value: &Document) -> fmt::Result {
    match value {
        Document::Null => w.write_str("null"),
        Document::Bool(b) => w.write_str(if *b { "true" } else { "false" }),
        Document::Number(Number::PosInt(n)) => write!(w, "{n}"),
        Document::Number(Number::NegInt(n)) => write!(w, "{n}"),
        // `{:?}` is the shortest round-tripping form and keeps a `.0` or an
        // exponent, so floats parse back as floats.
        Document::Number(Number::Float(f)) if f.is_finite() => write!(w, "{f:?}"),
        Document::Number(Number::Float(_)) => w.write_str("null"),
        Document::String(s) => write_string(w, s),
        Document::Array(items) => {
            w.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.write_char(',')?;
                }
                write_value(w, item)?;
            }
            w.write_char(']')
        }
        Document::Object(map) => {
            w.write_char('{')?;
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    w.write_char(',')?;
                }
                write_string(w, key)?;
                w.write_char(':')?;
                write_value(w, item)?;
            }
            w.write_char('}')
        }
    }
}

/// Writes a JSON string literal, escaping only what RFC 8259 requires so
/// non-ASCII text stays readable and compact.
fn write_string<W: Write>(w: &mut W, s: &str) -> fmt::Result {
    w.write_char('"')?;
    let mut clean_from = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so `clean_from..i` lies on char boundaries.
        w.write_str(&s[clean_from..i])?;
        clean_from = i + 1;
        match escape {
            "" => write!(w, "\\u{byte:04x}")?,
            _ => w.write_str(escape)?,
        }
    }
    w.write_str(&s[clean_from..])?;
    w.write_char('"')
}

/// Why JSON text could not be parsed into a [`Document`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    pub(crate) offset: usize,
    pub(crate) reason: &'static str,
}

impl DocumentError {
    /// The byte offset in the input where parsing failed.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for DocumentError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Document {
        Document::from_json(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn parses_and_writes_values() {
        let doc = parse(r#" {"b": [1, -2, 1.5, true, null], "a": {"x": "y"}, "c": ""} "#);
        let written = r#"{"b":[1,-2,1.5,true,null],"a":{"x":"y"},"c":""}"#;
        assert_eq!(doc.to_json_string(), written);
        assert_eq!(doc.get("a").and_then(|a| a.get("x")).and_then(Document::as_str), Some("y"));
        let items = doc.get("b").and_then(Document::as_array).unwrap();
        assert_eq!(items[0].as_u64(), Some(1));
        assert_eq!(items[1].as_i64(), Some(-2));
        assert_eq!(items[2].as_f64(), Some(1.5));
        assert_eq!(items[3].as_bool(), Some(true));
        assert!(items[4].is_null() && doc.get("missing").is_none() && items[0].get("x").is_none());
        assert_eq!(doc.as_object().map(Map::len), Some(3));
        assert_eq!(parse(&doc.to_string()), doc);
        assert_eq!("[]".parse::<Document>(), Ok(Document::Array(vec![])));
        let duplicated = parse(r#"{"k":1,"j":0,"k":2}"#);
        assert_eq!(duplicated.to_json_string(), r#"{"k":2,"j":0}"#);
        assert_eq!(Document::from_json_slice(b"[1]"), Ok(Document::from(vec![1])));
        assert_eq!(Document::from_json_slice(b"\"\xff\"").unwrap_err().offset(), 1);
    }

    #[test]
    fn numbers_keep_integers_exact() {
        let cases = [
            ("0", Number::PosInt(0)),
            ("-1", Number::NegInt(-1)),
            ("18446744073709551615", Number::PosInt(u64::MAX)),
            ("18446744073709551616", Number::Float(18_446_744_073_709_551_616.0)),
            ("-9223372036854775808", Number::NegInt(i64::MIN)),
            ("-9223372036854775809", Number::Float(-9_223_372_036_854_775_809.0)),
            ("1e3", Number::Float(1000.0)),
            ("2.5E-3", Number::Float(0.0025)),
            ("-0.0", Number::Float(-0.0)),
            ("1.7976931348623157e308", Number::Float(f64::MAX)),
        ];
        for (text, number) in cases {
            assert_eq!(parse(text), Document::Number(number), "{text}");
        }
        let negative_zero = parse("-0").as_f64().unwrap();
        assert!(negative_zero == 0.0 && negative_zero.is_sign_negative());
        let written = ["1.0", "-0.0", "1e300", "1e-7", "0.1", "null", "null"];
        let floats = [1.0, -0.0, 1e300, 1e-7, 0.1, f64::NAN, f64::INFINITY];
        for (f, text) in floats.into_iter().zip(written) {
            assert_eq!(Document::from(f).to_json_string(), text);
        }
        assert_eq!(Document::from(-5i8), Document::Number(Number::NegInt(-5)));
        assert_eq!(Document::from(5i64), Document::Number(Number::PosInt(5)));
        assert_eq!(Number::PosInt(u64::MAX).as_i64(), None);
    }

    #[test]
    fn string_escapes_and_surrogates() {
        let doc = parse(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00 é""#);
        assert_eq!(doc.as_str(), Some("\"\\/\u{8}\u{c}\n\r\tAé€😀 é"));
        assert_eq!(doc.to_json_string(), "\"\\\"\\\\/\\b\\f\\n\\r\\tAé€😀 é\"");
        let controls = Document::from("\u{0}\u{1f}\u{7f}");
        assert_eq!(controls.to_json_string(), "\"\\u0000\\u001f\u{7f}\"");
        for lone in [r#""\ud800""#, r#""\udc00""#, r#""\ud800\u0041""#, r#""\ud800x""#] {
            let err = Document::from_json(lone).unwrap_err();
            assert_eq!(err.offset(), 1, "{lone}");
        }
    }

    #[test]
    fn malformed_json_is_rejected_with_offsets() {
        let cases = [
            ("", 0),
            ("   ", 3),
            ("nul", 0),
            ("tru", 0),
            ("[1,]", 3),
            ("{\"a\":1,}", 7),
            ("{a:1}", 1),
            ("01", 1),
            ("1.", 2),
            (".5", 0),
            ("+1", 0),
            ("-", 1),
            ("1e", 2),
            ("1e400", 0),
            ("\"abc", 4),
            ("\"a\u{1}\"", 2),
            ("[1 2]", 3),
            ("{\"a\" 1}", 5),
            ("\"\\x\"", 2),
            ("\"\\u12\"", 3),
            ("\"\\u12G4\"", 3),
            ("NaN", 0),
            ("[", 1),
            ("{", 1),
            ("1 2", 2),
            ("\u{feff}1", 0),
            ("[1, x]", 4),
            ("\"\\u+123\"", 3),
        ];
        for (text, offset) in cases {
            let err = Document::from_json(text).unwrap_err();
            assert_eq!(err.offset(), offset, "{text:?}: {err}");
            assert!(err.to_string().starts_with(&format!("invalid JSON at byte {offset}: ")));
        }
    }

    #[test]
    fn nesting_is_limited_without_overflowing_the_stack() {
        let nested = |depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(Document::from_json(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(Document::from_json(&nested(MAX_DEPTH + 1)).unwrap_err().offset(), MAX_DEPTH);
        assert!(Document::from_json(&"{\"a\":".repeat(1_000_000)).is_err());
        assert!(Document::from_json(&"[".repeat(1_000_000)).is_err());
    }

    #[test]
    fn conversions_build_documents() {
        let doc: Document = [("name", Document::from("x")), ("n", Document::from(None::<u8>))].into_iter().collect();
        assert_eq!(doc.to_json_string(), r#"{"name":"x","n":null}"#);
        let sorted: BTreeMap<String, u8> = [("b".into(), 1), ("a".into(), 2)].into();
        assert_eq!(Document::from(sorted).to_json_string(), r#"{"a":2,"b":1}"#);
        let mut map = Map::new();
        map.insert("list".to_string(), vec![true, false]);
        let mut doc = Document::from(map);
        doc.as_object_mut().unwrap().insert("s".into(), String::from("v").into());
        doc.as_object_mut().unwrap().get_mut("list").and_then(Document::as_array_mut).unwrap().clear();
        assert_eq!(doc.to_string(), r#"{"list":[],"s":"v"}"#);
        assert_eq!(Document::default(), Document::Null);
        assert_eq!(Document::from(2.5f32).as_f64(), Some(2.5));
    }

    #[test]
    fn random_input_never_panics_and_round_trips() {
        let mut state = 0xdead_beef_cafe_f00d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: Vec<char> = "{}[]:,\"\\ u0123456789aefdDBC.-+eEtrunlsé😀\u{1}".chars().collect();
        let seeds = [r#"{"a":[1,-2.5e3,"\ud83d\ude00x",true,null],"b":{}}"#, "[[[\"\\n\"]]]"];
        for _ in 0..50_000 {
            let mut chars: Vec<char> = seeds[next() as usize % 2].chars().collect();
            for _ in 0..=next() % 4 {
                let r = next() as usize;
                let (pos, c) = (r % (chars.len() + 1), alphabet[(r >> 8) % alphabet.len()]);
                match (r >> 16) % 3 {
                    0 if pos < chars.len() => chars[pos] = c,
                    1 if pos < chars.len() => drop(chars.remove(pos)),
                    _ => chars.insert(pos, c),
                }
            }
            let text: String = chars.into_iter().collect();
            if let Ok(doc) = Document::from_json(&text) {
                assert_eq!(Document::from_json(&doc.to_json_string()), Ok(doc), "{text}");
            }
            let bytes: Vec<u8> = (0..next() % 16).map(|_| next() as u8).collect();
            let _ = Document::from_json_slice(&bytes);
        }
    }
}
