//! The JSON body codec shared by the `json` (awsJson 1.0 and 1.1) and `rest-json` protocols.
//!
//! Only members whose [`Location`] is [`Location::Body`] take part; the REST layer places the
//! others in the URI, query string and headers. A member's JSON key is its `locationName` when
//! the model sets one and its member name otherwise, as botocore does.
//!
//! Reading streams the body through the runtime's one strict, depth-limited JSON parser (the one
//! behind [`Document::from_json`], so both accept the same text and fail at the same offsets)
//! straight into the schema's shapes: see `json_read.rs`.
//!
//! Error messages name the JSON path and the kinds involved but never a value, because a value
//! may belong to a sensitive member.

use core::fmt::{self, Write};

use super::TimestampPrecision;
use crate::schema::{flags, shape_flags, Location, Member, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueRef};
use crate::types::{base64_encode_to, DateTime, Document, TimestampFormat};

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
    pub(super) fn at(path: &str, reason: impl Into<String>) -> Self {
        DeserializeError { path: path.to_owned(), reason: reason.into(), offset: None }
    }
    pub(super) fn syntax(reason: &str, offset: usize) -> Self {
        DeserializeError { path: String::new(), reason: reason.to_owned(), offset: Some(offset) }
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
    super::json_read::read(bytes, shape, schema)
}

/// True for members that never travel inside a JSON document: streams and event streams are the
/// whole payload and are framed by the REST layer.
pub(super) fn outside_json(member: &Member) -> bool {
    member.location != Location::Body
        || member.target.kind == ShapeKind::StreamingBlob
        || member.has(flags::EVENT_STREAM)
        || member.target.has(shape_flags::EVENT_STREAM)
}

pub(super) fn is_sparse(member: &Member) -> bool {
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
