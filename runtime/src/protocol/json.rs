//! The JSON body codec shared by the `json` (awsJson 1.0 and 1.1) and `rest-json` protocols.
//!
//! Only members whose [`Location`] is [`Location::Body`] take part; the REST layer places the
//! others in the URI, query string and headers. A member's JSON key is its `locationName` when
//! the model sets one and its member name otherwise, as botocore does.
//!
//! Parsing builds the borrowed tree of the runtime's one strict, depth-limited JSON parser (the
//! one behind [`Document::from_json`], so both accept the same text and fail at the same offsets)
//! and then walks it against the schema. The tree keeps unescaped strings as slices of the body
//! and objects as vectors, so it costs about one allocation per object or array.
//!
//! Error messages name the JSON path and the kinds involved but never a value, because a value
//! may belong to a sensitive member.

use core::fmt::{self, Write};
use std::borrow::Cow;

use super::TimestampPrecision;
use crate::schema::{flags, shape_flags, Location, Member, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::types::json_tree::{self, for_each_entry, Json};
use crate::types::{base64_decode, base64_encode_to, DateTime, Document, DocumentError, Number, TimestampFormat};

/// Structures, unions, lists and maps nested deeper than this are refused when serialising, so
/// a hand-built cyclic-looking value cannot exhaust the stack and the output stays parseable by
/// [`Document::from_json`], which has the same limit.
const MAX_DEPTH: usize = 128;

/// Why a value could not be written as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerializeError {
    path: String,
    reason: String,
}

impl SerializeError {
    /// The JSON path of the offending value, such as `$.Shape`.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// What is wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SerializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot serialize {}: {}", self.path, self.reason)
    }
}

impl std::error::Error for SerializeError {}

/// Why a JSON body could not be read into a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeserializeError {
    /// The JSON path of the offending value; empty for syntax errors, which have an offset instead.
    path: String,
    reason: String,
    /// The byte offset of a syntax error.
    offset: Option<usize>,
}

impl DeserializeError {
    fn at(path: &str, reason: impl Into<String>) -> Self {
        DeserializeError { path: path.to_owned(), reason: reason.into(), offset: None }
    }
    /// The JSON path of the offending value, such as `$.Tags[2].Key`; empty for syntax errors.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// What is wrong, such as `expected a string, found a number`.
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The byte offset in the body when the body is not valid JSON.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "invalid JSON at byte {offset}: {}", self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for DeserializeError {}

/// Appends the body members of `shape`, described by `schema`, to `out` as one JSON object.
///
/// Absent members are omitted. On error `out` holds a partial object and should be discarded.
pub fn to_json(shape: &dyn Shape, schema: &'static Schema, out: &mut String) -> Result<(), SerializeError> {
    to_json_with(shape, schema, out, TimestampPrecision::Full)
}

/// [`to_json`] with timestamps written at `precision`.
pub fn to_json_with(
    shape: &dyn Shape,
    schema: &'static Schema,
    out: &mut String,
    precision: TimestampPrecision,
) -> Result<(), SerializeError> {
    let mut writer = Writer { out, path: String::from("$"), precision };
    writer.shape(shape, schema, 0)
}

/// Reads the JSON object in `bytes` into the body members of `shape`, described by `schema`.
///
/// Unknown keys are ignored and `null` leaves a member as it was. An empty or all-whitespace body
/// counts as `{}`, because services answer operations without output that way.
pub fn from_json(bytes: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), DeserializeError> {
    if bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        return Ok(());
    }
    let syntax = |e: DocumentError| DeserializeError {
        path: String::new(),
        // The parser's own message is the reason; the offset is reported separately.
        reason: e.to_string().split_once(": ").map_or_else(|| e.to_string(), |(_, r)| r.to_owned()),
        offset: Some(e.offset()),
    };
    // The borrowed tree, not a `Document`: strings stay slices of the body and objects stay
    // vectors, so reading costs no copy or hash per key.
    let json = Json::parse_slice(bytes).map_err(syntax)?;
    let mut reader = Reader { steps: Vec::new() };
    reader.shape(&json, shape, schema)
}

/// True for members that never travel inside a JSON document: streams and event streams are the
/// whole payload and are framed by the REST layer.
fn outside_json(member: &Member) -> bool {
    member.location != Location::Body
        || member.target.kind == ShapeKind::StreamingBlob
        || member.has(flags::EVENT_STREAM)
        || member.target.has(shape_flags::EVENT_STREAM)
}

fn is_sparse(member: &Member) -> bool {
    member.has(flags::SPARSE) || member.target.has(shape_flags::SPARSE)
}

/// Appends a JSON path segment for a member or map key: `.Name` when the key is a plain
/// identifier, `["odd key"]` otherwise.
pub(super) fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        let _ = write!(path, "[{key:?}]");
    }
}

struct Writer<'a> {
    out: &'a mut String,
    /// The JSON path of the value being written, kept only for error messages.
    path: String,
    precision: TimestampPrecision,
}

impl Writer<'_> {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, SerializeError> {
        Err(SerializeError { path: self.path.clone(), reason: reason.into() })
    }

    fn shape(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), SerializeError> {
        if depth >= MAX_DEPTH {
            return self.fail(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        match schema.kind {
            ShapeKind::Union => self.union(shape, schema, depth),
            _ => self.structure(shape, schema, depth),
        }
    }

    fn structure(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), SerializeError> {
        self.out.push('{');
        let mut first = true;
        for (i, member) in schema.members.iter().enumerate() {
            if outside_json(member) {
                continue;
            }
            let Some(value) = shape.field(i).and_then(Value::get) else { continue };
            if !first {
                self.out.push(',');
            }
            first = false;
            self.member(member, value, depth)?;
        }
        self.out.push('}');
        Ok(())
    }

    fn union(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), SerializeError> {
        let set = schema.members.iter().enumerate().find_map(|(i, member)| {
            let value = shape.field(i).and_then(Value::get)?;
            Some((member, value))
        });
        // Smithy requires exactly one variant, and the service could not understand `Unknown`.
        let Some((member, value)) = set else {
            return self.fail("a union must have a known variant set");
        };
        self.out.push('{');
        self.member(member, value, depth)?;
        self.out.push('}');
        Ok(())
    }

    /// Writes `"key":value` for a structure or union member.
    fn member(&mut self, member: &'static Member, value: ValueRef<'_>, depth: usize) -> Result<(), SerializeError> {
        let key = member.wire_name();
        write_string(self.out, key);
        self.out.push(':');
        let len = self.path.len();
        push_key(&mut self.path, key);
        self.value(member, value, depth)?;
        self.path.truncate(len);
        Ok(())
    }

    fn value(&mut self, member: &'static Member, value: ValueRef<'_>, depth: usize) -> Result<(), SerializeError> {
        let kind = member.target.kind;
        match value {
            ValueRef::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            ValueRef::Int(n) => {
                let _ = write!(self.out, "{n}");
            }
            ValueRef::Float(f) => write_float(self.out, f, kind == ShapeKind::Float),
            ValueRef::Str(s) if matches!(kind, ShapeKind::BigInteger | ShapeKind::BigDecimal) => {
                // Big numbers are held as text so that no precision is lost; they go out as bare
                // JSON numbers, which only works if the text is one.
                if !is_json_number(s) {
                    return self.fail("a big number member must hold a JSON number");
                }
                self.out.push_str(s);
            }
            ValueRef::Str(s) => write_string(self.out, s),
            ValueRef::Blob(bytes) => {
                // Base64 needs no escaping inside a JSON string.
                self.out.push('"');
                base64_encode_to(bytes, self.out);
                self.out.push('"');
            }
            ValueRef::Timestamp(t) => match member.timestamp_format.unwrap_or(TimestampFormat::EpochSeconds) {
                TimestampFormat::EpochSeconds if self.precision == TimestampPrecision::Millisecond => {
                    // botocore adds the milliseconds to the whole seconds as a float, so a whole
                    // second is written `1440938160.0`.
                    write_float(self.out, t.secs() as f64 + f64::from(t.subsec_nanos() / 1_000_000) / 1000.0, false);
                }
                TimestampFormat::EpochSeconds => t.fmt_to(TimestampFormat::EpochSeconds, self.out),
                TimestampFormat::DateTime if self.precision == TimestampPrecision::Millisecond => {
                    // Always three digits, truncated: `2015-08-30T12:36:00.000Z`.
                    self.out.push('"');
                    DateTime::from_secs(t.secs()).fmt_to(TimestampFormat::DateTime, self.out);
                    self.out.pop();
                    let _ = write!(self.out, ".{:03}Z\"", t.subsec_nanos() / 1_000_000);
                }
                format => {
                    // Formatted timestamps are plain ASCII without quotes or backslashes.
                    self.out.push('"');
                    t.fmt_to(format, self.out);
                    self.out.push('"');
                }
            },
            ValueRef::Document(d) => d.write_json(self.out),
            ValueRef::List(list) => {
                let Some(element) = member.target.list_member() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a list"));
                };
                if depth + 1 >= MAX_DEPTH {
                    return self.fail(format!("nesting is deeper than {MAX_DEPTH} levels"));
                }
                self.out.push('[');
                for i in 0..list.len() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let len = self.path.len();
                    let _ = write!(self.path, "[{i}]");
                    // An absent element only exists in sparse lists, where it is written as null.
                    match list.item(i).and_then(Value::get) {
                        Some(item) => self.value(element, item, depth + 1)?,
                        None => self.out.push_str("null"),
                    }
                    self.path.truncate(len);
                }
                self.out.push(']');
            }
            ValueRef::Map(map) => {
                let Some((_, entry)) = member.target.map_entry() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a map"));
                };
                if depth + 1 >= MAX_DEPTH {
                    return self.fail(format!("nesting is deeper than {MAX_DEPTH} levels"));
                }
                self.out.push('{');
                for i in 0..map.len() {
                    let Some((key, item)) = map.entry(i) else { continue };
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_string(self.out, key);
                    self.out.push(':');
                    let len = self.path.len();
                    push_key(&mut self.path, key);
                    match item.get() {
                        Some(item) => self.value(entry, item, depth + 1)?,
                        None => self.out.push_str("null"),
                    }
                    self.path.truncate(len);
                }
                self.out.push('}');
            }
            ValueRef::Shape(shape) => self.shape(shape, shape.schema(), depth + 1)?,
            ValueRef::Stream(_) | ValueRef::EventStream(_) => {
                return self.fail("a stream cannot be part of a JSON document")
            }
        }
        Ok(())
    }
}

/// Writes a float as its shortest round-tripping form, and the non-finite values as the strings
/// AWS JSON protocols use for them. `single` formats through `f32` so that `0.1f32` prints as
/// `0.1` rather than its widened `f64` digits.
fn write_float(out: &mut String, f: f64, single: bool) {
    if f.is_nan() {
        out.push_str("\"NaN\"");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
    } else if single {
        // `{:?}` keeps a `.0` or an exponent, so the value reads back as a float.
        let _ = write!(out, "{:?}", f as f32);
    } else {
        let _ = write!(out, "{f:?}");
    }
}

/// True when `text` is exactly one JSON number, with nothing around it.
fn is_json_number(text: &str) -> bool {
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    trimmed.len() == text.len() && matches!(Document::from_json(text), Ok(Document::Number(_)))
}

/// Writes a JSON string literal, escaping what RFC 8259 requires and nothing else.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
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
        out.push_str(&s[clean_from..i]);
        clean_from = i + 1;
        match escape {
            "" => {
                let _ = write!(out, "\\u{byte:04x}");
            }
            _ => out.push_str(escape),
        }
    }
    out.push_str(&s[clean_from..]);
    out.push('"');
}

/// What a JSON value is, for "found ..." in error messages.
fn describe(value: &Json<'_>) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// One step of the path to the value being read, kept borrowed and rendered only when reading
/// fails: formatting a path for every value read costs more than reading it.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

struct Reader<'a> {
    /// The steps from the document's root to the value being read, for error messages.
    steps: Vec<Step<'a>>,
}

impl<'a> Reader<'a> {
    /// The JSON path of the value being read, such as `$.Tags[2].Key`.
    fn path(&self) -> String {
        let mut path = String::from("$");
        for step in &self.steps {
            match step {
                Step::Key(key) => push_key(&mut path, key),
                Step::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        path
    }

    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, DeserializeError> {
        Err(DeserializeError::at(&self.path(), reason))
    }

    fn mismatch<T>(&self, expected: &str, found: &Json<'_>) -> Result<T, DeserializeError> {
        self.fail(format!("expected {expected}, found {}", describe(found)))
    }

    /// Reads an object into a structure or union. Recursion here follows the document's nesting,
    /// which the parser already limited, so it cannot exhaust the stack.
    fn shape(
        &mut self,
        json: &'a Json<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), DeserializeError> {
        let Json::Object(object) = json else {
            return self.mismatch("an object", json);
        };
        match schema.kind {
            ShapeKind::Union => self.union(object, shape, schema),
            _ => self.structure(object, shape, schema),
        }
    }

    fn structure(
        &mut self,
        object: &'a [(Cow<'a, str>, Json<'a>)],
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), DeserializeError> {
        // Looking each member up in the object ignores unknown keys and stays linear. A response
        // has no URI or query string, so members placed there can only come in the body.
        for (i, member) in schema.members.iter().enumerate() {
            if outside_json(member) && !matches!(member.location, Location::Uri | Location::Query) {
                continue;
            }
            let Some(json) = json_tree::get(object, member.wire_name()) else { continue };
            if json.is_null() {
                continue;
            }
            let Some(field) = shape.field_mut(i) else { continue };
            self.member(member, json, field)?;
        }
        Ok(())
    }

    fn union(
        &mut self,
        object: &'a [(Cow<'a, str>, Json<'a>)],
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), DeserializeError> {
        let mut known = None;
        let mut unknown = None;
        for_each_entry(object, |key, json| {
            // Null variants are absent, and `__type` is protocol metadata rather than a variant.
            if json.is_null() || key == "__type" {
                return Ok(());
            }
            match schema.members.iter().position(|m| m.wire_name() == key) {
                Some(_) if known.is_some() => return self.fail("a union must have exactly one variant set"),
                Some(i) => known = Some((i, json)),
                None => unknown = unknown.or(Some(key)),
            }
            Ok(())
        })?;
        match (known, unknown) {
            (Some((i, json)), _) => {
                let member = &schema.members[i];
                let Some(field) = shape.field_mut(i) else { return Ok(()) };
                self.member(member, json, field)
            }
            // A variant newer than this model is kept as `Unknown` rather than failing the call.
            (None, Some(key)) => {
                shape.set_unknown(key);
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    fn member(
        &mut self,
        member: &'static Member,
        json: &'a Json<'a>,
        field: &mut dyn Value,
    ) -> Result<(), DeserializeError> {
        self.steps.push(Step::Key(member.wire_name()));
        self.value(member, json, field)?;
        self.steps.pop();
        Ok(())
    }

    /// Reads a non-null `json` into `value`, whose schema is `member.target`.
    fn value(
        &mut self,
        member: &'static Member,
        json: &'a Json<'a>,
        value: &mut dyn Value,
    ) -> Result<(), DeserializeError> {
        match value.get_mut() {
            ValueMut::Bool(b) => match json {
                Json::Bool(v) => *b = *v,
                _ => return self.mismatch("a boolean", json),
            },
            ValueMut::Byte(n) => *n = self.integer(json, "a byte")?,
            ValueMut::Short(n) => *n = self.integer(json, "a short")?,
            ValueMut::Int(n) => *n = self.integer(json, "an integer")?,
            ValueMut::Long(n) => *n = self.integer(json, "a long")?,
            // Rounding to the nearest `f32` is what a float member means.
            ValueMut::Float(f) => *f = self.float(json)? as f32,
            ValueMut::Double(f) => *f = self.float(json)?,
            ValueMut::Str(s) => match json {
                Json::String(v) => v.as_ref().clone_into(s),
                // Big numbers arrive as bare numbers and are kept as text.
                Json::Number(n) if matches!(member.target.kind, ShapeKind::BigInteger | ShapeKind::BigDecimal) => {
                    *s = match n {
                        Number::PosInt(v) => v.to_string(),
                        Number::NegInt(v) => v.to_string(),
                        Number::Float(v) => format!("{v:?}"),
                    }
                }
                _ => return self.mismatch("a string", json),
            },
            ValueMut::Enum(e) => match json {
                Json::String(v) => e.set_str(v),
                _ => return self.mismatch("a string", json),
            },
            ValueMut::Blob(b) => match json {
                Json::String(v) => match base64_decode(v) {
                    Ok(bytes) => *b = bytes.into(),
                    Err(_) => return self.fail("expected base64-encoded bytes"),
                },
                _ => return self.mismatch("a base64 string", json),
            },
            ValueMut::Timestamp(t) => *t = self.timestamp(member, json)?,
            ValueMut::Document(d) => *d = json.to_document(),
            ValueMut::List(list) => {
                let Json::Array(items) = json else {
                    return self.mismatch("an array", json);
                };
                let Some(element) = member.target.list_member() else {
                    return self.fail(format!("the schema says {:?}, the value is a list", member.target.kind));
                };
                let sparse = is_sparse(member);
                for (i, item) in items.iter().enumerate() {
                    if item.is_null() {
                        // A sparse list keeps the hole as an absent element; a dense one drops it.
                        if sparse {
                            list.push_default();
                        }
                        continue;
                    }
                    self.steps.push(Step::Index(i));
                    self.value(element, item, list.push_default())?;
                    self.steps.pop();
                }
            }
            ValueMut::Map(map) => {
                let Json::Object(entries) = json else {
                    return self.mismatch("an object", json);
                };
                let Some((_, entry)) = member.target.map_entry() else {
                    return self.fail(format!("the schema says {:?}, the value is a map", member.target.kind));
                };
                let sparse = is_sparse(member);
                for_each_entry(entries, |key, item| {
                    if item.is_null() {
                        // As with lists: sparse maps keep the key with no value, dense ones drop it.
                        if sparse {
                            map.entry_mut(key);
                        }
                        return Ok(());
                    }
                    self.steps.push(Step::Key(key));
                    self.value(entry, item, map.entry_mut(key))?;
                    self.steps.pop();
                    Ok(())
                })?;
            }
            ValueMut::Shape(shape) => {
                let schema = shape.schema();
                self.shape(json, shape, schema)?;
            }
            // Streams are framed by the REST layer and never come from a JSON document.
            ValueMut::Stream(_) | ValueMut::EventStream(_) => {}
        }
        Ok(())
    }

    fn integer<T: TryFrom<i64>>(&self, json: &'a Json<'a>, expected: &str) -> Result<T, DeserializeError> {
        let wide = match json {
            Json::Number(Number::PosInt(n)) => i64::try_from(*n).ok(),
            Json::Number(Number::NegInt(n)) => Some(*n),
            Json::Number(Number::Float(_)) => {
                return self.fail(format!("expected {expected}, found a number with a fraction or exponent"));
            }
            _ => return self.mismatch(expected, json),
        };
        match wide.and_then(|n| T::try_from(n).ok()) {
            Some(n) => Ok(n),
            None => self.fail(format!("expected {expected}, found a number out of its range")),
        }
    }

    fn float(&self, json: &Json<'_>) -> Result<f64, DeserializeError> {
        match json {
            Json::Number(n) => Ok(n.as_f64()),
            // JSON has no literal for these, so AWS sends them as strings.
            Json::String(s) => match s.as_ref() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => self.fail("expected a number, found a string other than NaN, Infinity or -Infinity"),
            },
            _ => self.mismatch("a number", json),
        }
    }

    /// Accepts epoch seconds as a number and any of the three formats as a string, the member's
    /// own format first, because services do not always send what the model says.
    fn timestamp(&self, member: &Member, json: &Json<'_>) -> Result<DateTime, DeserializeError> {
        match json {
            Json::Number(Number::PosInt(n)) => match i64::try_from(*n) {
                Ok(secs) => Ok(DateTime::from_secs(secs)),
                Err(_) => self.fail("expected a timestamp, found a number out of its range"),
            },
            Json::Number(Number::NegInt(n)) => Ok(DateTime::from_secs(*n)),
            Json::Number(Number::Float(f)) => match DateTime::try_from_fractional_secs(*f) {
                Ok(t) => Ok(t),
                Err(_) => self.fail("expected a timestamp, found a number out of its range"),
            },
            Json::String(s) => {
                let formats = [TimestampFormat::DateTime, TimestampFormat::HttpDate, TimestampFormat::EpochSeconds];
                let first = member.timestamp_format.into_iter();
                match first.chain(formats).find_map(|format| DateTime::parse(s, format).ok()) {
                    Some(t) => Ok(t),
                    None => self.fail("expected a timestamp, found a string in no timestamp format"),
                }
            }
            _ => self.mismatch("a timestamp", json),
        }
    }
}
