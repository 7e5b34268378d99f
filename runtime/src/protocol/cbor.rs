//! The CBOR body codec of the `smithy-rpc-v2-cbor` protocol.
//!
//! A body is one CBOR map (RFC 8949) of the shape's set members, keyed by member name: Smithy
//! RPCv2 ignores `locationName` and has no HTTP bindings, so only body members take part, as in
//! the JSON codec this module mirrors. Values map to CBOR as the protocol specifies:
//!
//! - strings and enums are text, blobs are byte strings, integers and int enums take the
//!   shortest encoding, `float` members are single and `double` members double precision;
//! - timestamps are tag 1 around a double of epoch seconds, whatever `timestampFormat` says;
//! - big integers are plain integers or tag 2/3 bignums, big decimals tag 4 decimal fractions;
//! - lists are arrays, maps and structures are maps, a union is a map of one entry, and the holes
//!   of sparse lists and maps are null;
//! - documents are not part of the protocol, so writing one fails.
//!
//! Reading accepts any well-formed CBOR: definite and indefinite lengths, every integer width,
//! half, single and double floats, and tags around any value. It walks the body and the schema
//! together instead of building a tree first, because CBOR's length prefixes make skipping an
//! unknown value cheap. Error messages name the path and the kinds involved but never a value,
//! because a value may belong to a sensitive member.

use core::fmt::Write;
use std::borrow::Cow;

use super::cbor_read::{
    decimal_to_magnitude, magnitude_minus_one, magnitude_plus_one, magnitude_to_decimal, Head, Items, Reader,
    MAX_BIG_BYTES, MAX_DEPTH,
};
use super::json::push_key;
use super::CodecError;
use crate::schema::{flags, shape_flags, Location, Member, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::types::{base64_encode, DateTime, Document, Number};
use crate::Map;

/// CBOR major types, shifted into place for the initial byte.
mod major {
    pub const UNSIGNED: u8 = 0;
    pub const NEGATIVE: u8 = 1 << 5;
    pub const BYTES: u8 = 2 << 5;
    pub const TEXT: u8 = 3 << 5;
    pub const ARRAY: u8 = 4 << 5;
    pub const MAP: u8 = 5 << 5;
    pub const TAG: u8 = 6 << 5;
}

/// Tag 1: epoch-based date/time.
const TAG_EPOCH: u64 = 1;
/// Tags 2 and 3: unsigned and negative bignums.
const TAG_BIGNUM: u64 = 2;
const TAG_NEGATIVE_BIGNUM: u64 = 3;
/// Tag 4: decimal fraction `[exponent, mantissa]`.
const TAG_DECIMAL: u64 = 4;

const NULL: u8 = 0xF6;
const SINGLE: u8 = 0xFA;
const DOUBLE: u8 = 0xFB;

/// Appends the body members of `shape`, described by `schema`, to `out` as one CBOR map.
///
/// Absent members are omitted. On error `out` holds a partial body and should be discarded.
pub fn to_cbor(shape: &dyn Shape, schema: &'static Schema, out: &mut Vec<u8>) -> Result<(), CodecError> {
    let mut writer = Writer { out, path: String::from("$") };
    writer.shape(shape, schema, 0)
}

/// Reads the CBOR map in `body` into the body members of `shape`, described by `schema`.
///
/// Unknown keys are skipped and null leaves a member as it was. An empty body counts as an empty
/// map, because services answer operations without output that way.
pub fn from_cbor(body: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), CodecError> {
    if body.is_empty() {
        return Ok(());
    }
    let mut decoder = Decoder { reader: Reader::new(body), path: String::from("$"), at: 0 };
    let (_, head) = decoder.item()?;
    decoder.shape(head, shape, schema, 0)?;
    decoder.finish()
}

/// The error code (`__type`, possibly `namespace#Name`, as sent) and message (`message` or
/// `Message`) of an error body, or `None` when the body is not a well-formed CBOR map.
pub fn cbor_error_info(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let mut reader = Reader::new(body);
    let (_, Head::Map(len)) = reader.item().ok()? else { return None };
    let (mut code, mut message) = (None, None);
    let mut items = Items::new(len);
    while items.next(&mut reader) {
        let (_, key) = reader.item().ok()?;
        let key = match key {
            Head::Text(len) => reader.text(len).ok()?,
            other => {
                reader.skip(other, 1).ok()?;
                Cow::Borrowed("")
            }
        };
        let (_, head) = reader.item().ok()?;
        let slot = match &*key {
            "__type" if code.is_none() => &mut code,
            "message" | "Message" if message.is_none() => &mut message,
            _ => {
                reader.skip(head, 1).ok()?;
                continue;
            }
        };
        match head {
            Head::Text(len) => *slot = Some(reader.text(len).ok()?.into_owned()),
            other => reader.skip(other, 1).ok()?,
        }
    }
    reader.at_end().then_some((code, message))
}

/// Decodes any CBOR body into a [`Document`], for tests and debugging.
///
/// Byte strings become base64 text, tag 1 is dropped so a timestamp reads as its number, bignums
/// become numbers when they fit 64 bits and decimal text otherwise, decimal fractions become
/// decimal text (a float could lose digits), and other tags are ignored. Map keys must be text or
/// integers. An empty body is an empty object, as for [`from_cbor`].
pub fn cbor_to_document(body: &[u8]) -> Result<Document, CodecError> {
    if body.is_empty() {
        return Ok(Document::Object(Map::new()));
    }
    let mut decoder = Decoder { reader: Reader::new(body), path: String::from("$"), at: 0 };
    let (tag, head) = decoder.item()?;
    let document = decoder.document(tag, head, 0)?;
    decoder.finish()?;
    Ok(document)
}

/// True for members that never travel inside the CBOR body: streams and event streams are the
/// whole payload, and RPCv2 has no HTTP bindings, so a member placed elsewhere is not sent.
fn outside_body(member: &Member) -> bool {
    member.location != Location::Body
        || member.target.kind == ShapeKind::StreamingBlob
        || member.has(flags::EVENT_STREAM)
        || member.target.has(shape_flags::EVENT_STREAM)
}

fn is_sparse(member: &Member) -> bool {
    member.has(flags::SPARSE) || member.target.has(shape_flags::SPARSE)
}

/// Appends an item head with the shortest encoding of `arg`, as RFC 8949 section 4.2.1 prefers.
fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    match arg {
        0..=23 => out.push(major | arg as u8),
        24..=0xFF => out.extend_from_slice(&[major | 24, arg as u8]),
        0x100..=0xFFFF => {
            out.push(major | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xFFFF_FFFF => {
            out.push(major | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn write_int(out: &mut Vec<u8>, n: i64) {
    match u64::try_from(n) {
        Ok(n) => write_head(out, major::UNSIGNED, n),
        // `-1 - n` for negative `n` is `!n`, which is non-negative and cannot overflow.
        Err(_) => write_head(out, major::NEGATIVE, !n as u64),
    }
}

fn write_text(out: &mut Vec<u8>, text: &str) {
    write_head(out, major::TEXT, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn write_double(out: &mut Vec<u8>, f: f64) {
    out.push(DOUBLE);
    out.extend_from_slice(&f.to_be_bytes());
}

/// Writes an integer of any size from its sign and big-endian magnitude: the plain major types
/// when it fits 64 bits, a tag 2 or 3 bignum otherwise.
fn write_big_int(out: &mut Vec<u8>, negative: bool, magnitude: &[u8]) {
    let magnitude = &magnitude[magnitude.iter().position(|&b| b != 0).unwrap_or(magnitude.len())..];
    let small = |bytes: &[u8]| bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    if !negative || magnitude.is_empty() {
        if magnitude.len() <= 8 {
            write_head(out, major::UNSIGNED, small(magnitude));
        } else {
            write_head(out, major::TAG, TAG_BIGNUM);
            write_head(out, major::BYTES, magnitude.len() as u64);
            out.extend_from_slice(magnitude);
        }
        return;
    }
    // Negative integers store `-1 - n`, so the magnitude loses one first.
    let stored = magnitude_minus_one(magnitude);
    if stored.len() <= 8 {
        write_head(out, major::NEGATIVE, small(&stored));
    } else {
        write_head(out, major::TAG, TAG_NEGATIVE_BIGNUM);
        write_head(out, major::BYTES, stored.len() as u64);
        out.extend_from_slice(&stored);
    }
}

/// A decimal number split into sign, significant digits and a power-of-ten exponent.
struct Decimal<'a> {
    negative: bool,
    /// The integer and fraction digits, in order, without the point.
    digits: Cow<'a, [u8]>,
    exponent: i64,
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]`, refusing anything else (including whitespace),
/// because a big number member must hold exactly one number.
fn parse_decimal(text: &str) -> Option<Decimal<'_>> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (number, exponent) = match rest.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = match number.iter().position(|&b| b == b'.') {
        Some(i) => (&number[..i], &number[i + 1..]),
        None => (number, &[][..]),
    };
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let exponent: i64 = match exponent {
        Some(e) => std::str::from_utf8(e).ok()?.parse().ok()?,
        None => 0,
    };
    let digits = if fraction.is_empty() { Cow::Borrowed(whole) } else { Cow::Owned([whole, fraction].concat()) };
    let exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    Some(Decimal { negative, digits, exponent })
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// The path of the value being written, kept only for error messages.
    path: String,
}

impl Writer<'_> {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, CodecError> {
        Err(CodecError::at(self.path.clone(), reason))
    }

    fn nest(&self, depth: usize) -> Result<(), CodecError> {
        if depth >= MAX_DEPTH {
            return self.fail(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn shape(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), CodecError> {
        self.nest(depth)?;
        match schema.kind {
            ShapeKind::Union => self.union(shape, schema, depth),
            _ => self.structure(shape, schema, depth),
        }
    }

    fn structure(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), CodecError> {
        let set = |i: usize, member: &Member| !outside_body(member) && shape.field(i).and_then(Value::get).is_some();
        // A definite-length map needs its size up front; asking twice is cheaper than buffering.
        let count = schema.members.iter().enumerate().filter(|&(i, m)| set(i, m)).count();
        write_head(self.out, major::MAP, count as u64);
        for (i, member) in schema.members.iter().enumerate() {
            if outside_body(member) {
                continue;
            }
            let Some(value) = shape.field(i).and_then(Value::get) else { continue };
            self.member(member, value, depth)?;
        }
        Ok(())
    }

    fn union(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), CodecError> {
        let set = schema.members.iter().enumerate().find_map(|(i, member)| {
            let value = shape.field(i).and_then(Value::get)?;
            Some((member, value))
        });
        // Smithy requires exactly one variant, and the service could not understand `Unknown`.
        let Some((member, value)) = set else {
            return self.fail("a union must have a known variant set");
        };
        write_head(self.out, major::MAP, 1);
        self.member(member, value, depth)
    }

    /// Writes the key and value of a structure or union member.
    fn member(&mut self, member: &'static Member, value: ValueRef<'_>, depth: usize) -> Result<(), CodecError> {
        write_text(self.out, member.name);
        let len = self.path.len();
        push_key(&mut self.path, member.name);
        self.value(member, value, depth)?;
        self.path.truncate(len);
        Ok(())
    }

    fn value(&mut self, member: &'static Member, value: ValueRef<'_>, depth: usize) -> Result<(), CodecError> {
        let kind = member.target.kind;
        match value {
            ValueRef::Bool(b) => self.out.push(if b { 0xF5 } else { 0xF4 }),
            ValueRef::Int(n) => write_int(self.out, n),
            ValueRef::Float(f) if kind == ShapeKind::Float => {
                // The value was widened from an `f32`, so narrowing it back is exact.
                self.out.push(SINGLE);
                self.out.extend_from_slice(&(f as f32).to_be_bytes());
            }
            ValueRef::Float(f) => write_double(self.out, f),
            ValueRef::Str(s) if kind == ShapeKind::BigInteger => self.big_integer(s)?,
            ValueRef::Str(s) if kind == ShapeKind::BigDecimal => self.big_decimal(s)?,
            ValueRef::Str(s) => write_text(self.out, s),
            ValueRef::Blob(bytes) => {
                write_head(self.out, major::BYTES, bytes.len() as u64);
                self.out.extend_from_slice(bytes);
            }
            ValueRef::Timestamp(t) => {
                // The protocol fixes the encoding; `timestampFormat` does not apply to CBOR.
                write_head(self.out, major::TAG, TAG_EPOCH);
                write_double(self.out, t.as_fractional_secs());
            }
            ValueRef::Document(_) => return self.fail("the smithy-rpc-v2-cbor protocol does not support documents"),
            ValueRef::List(list) => {
                let Some(element) = member.target.list_member() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a list"));
                };
                self.nest(depth + 1)?;
                write_head(self.out, major::ARRAY, list.len() as u64);
                for i in 0..list.len() {
                    let len = self.path.len();
                    let _ = write!(self.path, "[{i}]");
                    // An absent element only exists in sparse lists, where it is written as null.
                    match list.item(i).and_then(Value::get) {
                        Some(item) => self.value(element, item, depth + 1)?,
                        None => self.out.push(NULL),
                    }
                    self.path.truncate(len);
                }
            }
            ValueRef::Map(map) => {
                let Some((_, entry)) = member.target.map_entry() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a map"));
                };
                self.nest(depth + 1)?;
                write_head(self.out, major::MAP, map.len() as u64);
                for i in 0..map.len() {
                    // The count is already written, so a missing entry cannot simply be left out.
                    let Some((key, item)) = map.entry(i) else {
                        return self.fail("a map entry disappeared while the map was being written");
                    };
                    write_text(self.out, key);
                    let len = self.path.len();
                    push_key(&mut self.path, key);
                    match item.get() {
                        Some(item) => self.value(entry, item, depth + 1)?,
                        None => self.out.push(NULL),
                    }
                    self.path.truncate(len);
                }
            }
            ValueRef::Shape(shape) => self.shape(shape, shape.schema(), depth + 1)?,
            ValueRef::Stream(_) | ValueRef::EventStream(_) => {
                return self.fail("a stream cannot be part of a CBOR body")
            }
        }
        Ok(())
    }

    /// Big integers are held as decimal text so that no precision is lost.
    fn big_integer(&mut self, text: &str) -> Result<(), CodecError> {
        match parse_decimal(text) {
            Some(Decimal { negative, digits, exponent: 0 }) => {
                write_big_int(self.out, negative, &decimal_to_magnitude(&digits));
                Ok(())
            }
            _ => self.fail("a big integer member must hold an integer in decimal digits"),
        }
    }

    /// Big decimals go out as tag 4, `[exponent, mantissa]`, which keeps every digit.
    fn big_decimal(&mut self, text: &str) -> Result<(), CodecError> {
        let Some(Decimal { negative, digits, exponent }) = parse_decimal(text) else {
            return self.fail("a big decimal member must hold a decimal number");
        };
        write_head(self.out, major::TAG, TAG_DECIMAL);
        write_head(self.out, major::ARRAY, 2);
        write_int(self.out, exponent);
        write_big_int(self.out, negative, &decimal_to_magnitude(&digits));
        Ok(())
    }
}

struct Decoder<'a> {
    reader: Reader<'a>,
    /// The path of the value being read, for error messages.
    path: String,
    /// The offset of the item being read, for error messages.
    at: usize,
}

impl<'a> Decoder<'a> {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, CodecError> {
        Err(CodecError { path: self.path.clone(), reason: reason.into(), offset: Some(self.at) })
    }

    fn mismatch<T>(&self, expected: &str, found: Head) -> Result<T, CodecError> {
        self.fail(format!("expected {expected}, found {}", found.describe()))
    }

    /// Adds the current path to a syntax error from the reader.
    fn locate(&self, mut error: CodecError) -> CodecError {
        if error.path.is_empty() {
            error.path.clone_from(&self.path);
        }
        error
    }

    /// Reads the head of the next item, remembering where it starts.
    fn item(&mut self) -> Result<(Option<u64>, Head), CodecError> {
        self.at = self.reader.offset();
        self.reader.item().map_err(|e| self.locate(e))
    }

    fn text(&mut self, len: Option<u64>) -> Result<Cow<'a, str>, CodecError> {
        self.reader.text(len).map_err(|e| self.locate(e))
    }

    fn skip(&mut self, head: Head, depth: usize) -> Result<(), CodecError> {
        self.reader.skip(head, depth).map_err(|e| self.locate(e))
    }

    fn nest(&self, depth: usize) -> Result<(), CodecError> {
        self.reader.check_depth(depth).map_err(|e| self.locate(e))
    }

    fn finish(&self) -> Result<(), CodecError> {
        if !self.reader.at_end() {
            return Err(CodecError::syntax(self.reader.offset(), "unexpected bytes after the body's value"));
        }
        Ok(())
    }

    /// Reads a map key: text, or `None` after skipping a key of any other kind, which can never
    /// name a member.
    fn key(&mut self, depth: usize) -> Result<Option<Cow<'a, str>>, CodecError> {
        match self.item()? {
            (_, Head::Text(len)) => self.text(len).map(Some),
            (_, head) => self.skip(head, depth).map(|()| None),
        }
    }

    fn shape(
        &mut self,
        head: Head,
        shape: &mut dyn Shape,
        schema: &'static Schema,
        depth: usize,
    ) -> Result<(), CodecError> {
        let Head::Map(len) = head else {
            return self.mismatch("a map", head);
        };
        self.nest(depth)?;
        match schema.kind {
            ShapeKind::Union => self.union(len, shape, schema, depth),
            _ => self.structure(len, shape, schema, depth),
        }
    }

    fn structure(
        &mut self,
        len: Option<u64>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
        depth: usize,
    ) -> Result<(), CodecError> {
        let mut seen = vec![false; schema.members.len()];
        let mut items = Items::new(len);
        while items.next(&mut self.reader) {
            let key = self.key(depth + 1)?;
            let found = key
                .as_deref()
                .and_then(|key| schema.members.iter().position(|member| member.name == key && !outside_body(member)));
            let (tag, head) = self.item()?;
            let Some(i) = found else {
                self.skip(head, depth + 1)?;
                continue;
            };
            let member = &schema.members[i];
            let len = self.path.len();
            push_key(&mut self.path, member.name);
            // A repeated key would append to lists and maps read the first time, so it is refused.
            if std::mem::replace(&mut seen[i], true) {
                return self.fail("the member appears more than once");
            }
            match shape.field_mut(i) {
                Some(field) if !head.is_null() => self.value(member, field, tag, head, depth + 1)?,
                _ => self.skip(head, depth + 1)?,
            }
            self.path.truncate(len);
        }
        Ok(())
    }

    fn union(
        &mut self,
        len: Option<u64>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
        depth: usize,
    ) -> Result<(), CodecError> {
        let mut known = false;
        let mut unknown: Option<String> = None;
        let mut items = Items::new(len);
        while items.next(&mut self.reader) {
            let key = self.key(depth + 1)?;
            let (tag, head) = self.item()?;
            // Null variants are absent, and `__type` is protocol metadata rather than a variant.
            let Some(key) = key.filter(|key| !head.is_null() && key != "__type") else {
                self.skip(head, depth + 1)?;
                continue;
            };
            let Some(i) = schema.members.iter().position(|m| m.name == key) else {
                unknown.get_or_insert_with(|| key.into_owned());
                self.skip(head, depth + 1)?;
                continue;
            };
            let member = &schema.members[i];
            let len = self.path.len();
            push_key(&mut self.path, member.name);
            if std::mem::replace(&mut known, true) {
                return self.fail("a union must have exactly one variant set");
            }
            match shape.field_mut(i) {
                Some(field) => self.value(member, field, tag, head, depth + 1)?,
                None => self.skip(head, depth + 1)?,
            }
            self.path.truncate(len);
        }
        // A variant newer than this model is kept as `Unknown` rather than failing the call.
        if let (false, Some(key)) = (known, unknown) {
            shape.set_unknown(&key);
        }
        Ok(())
    }

    /// Reads the item whose head is `head` (and innermost tag `tag`) into `value`, whose schema
    /// is `member.target`. The item is not null; `depth` is its own nesting.
    fn value(
        &mut self,
        member: &'static Member,
        value: &mut dyn Value,
        tag: Option<u64>,
        head: Head,
        depth: usize,
    ) -> Result<(), CodecError> {
        let kind = member.target.kind;
        match value.get_mut() {
            ValueMut::Bool(b) => match head {
                Head::Bool(v) => *b = v,
                _ => return self.mismatch("a boolean", head),
            },
            ValueMut::Byte(n) => *n = self.integer(head, "a byte")?,
            ValueMut::Short(n) => *n = self.integer(head, "a short")?,
            ValueMut::Int(n) => *n = self.integer(head, "an integer")?,
            ValueMut::Long(n) => *n = self.integer(head, "a long")?,
            // Rounding to the nearest `f32` is what a float member means.
            ValueMut::Float(f) => *f = self.float(head)? as f32,
            ValueMut::Double(f) => *f = self.float(head)?,
            ValueMut::Str(s) if matches!(kind, ShapeKind::BigInteger | ShapeKind::BigDecimal) => {
                *s = self.big(tag, head)?;
            }
            ValueMut::Str(s) => match head {
                Head::Text(len) => *s = self.text(len)?.into_owned(),
                _ => return self.mismatch("text", head),
            },
            ValueMut::Enum(e) => match head {
                Head::Text(len) => e.set_str(&self.text(len)?),
                _ => return self.mismatch("text", head),
            },
            ValueMut::Blob(b) => match head {
                Head::Bytes(len) => *b = self.reader.bytes(len).map_err(|e| self.locate(e))?.into_owned().into(),
                _ => return self.mismatch("a byte string", head),
            },
            ValueMut::Timestamp(t) => *t = self.timestamp(head)?,
            // Documents are outside the protocol, but reading one generically costs nothing and
            // is kinder than failing a whole response.
            ValueMut::Document(d) => *d = self.document(tag, head, depth)?,
            ValueMut::List(list) => {
                let Head::Array(len) = head else {
                    return self.mismatch("an array", head);
                };
                let Some(element) = member.target.list_member() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a list"));
                };
                self.nest(depth)?;
                let sparse = is_sparse(member);
                let mut items = Items::new(len);
                let mut i = 0usize;
                while items.next(&mut self.reader) {
                    let len = self.path.len();
                    let _ = write!(self.path, "[{i}]");
                    let (tag, head) = self.item()?;
                    if !head.is_null() {
                        self.value(element, list.push_default(), tag, head, depth + 1)?;
                    } else if sparse {
                        // A sparse list keeps the hole as an absent element; a dense one drops it.
                        list.push_default();
                    }
                    self.path.truncate(len);
                    i += 1;
                }
            }
            ValueMut::Map(map) => {
                let Head::Map(len) = head else {
                    return self.mismatch("a map", head);
                };
                let Some((_, entry)) = member.target.map_entry() else {
                    return self.fail(format!("the schema says {kind:?}, the value is a map"));
                };
                self.nest(depth)?;
                let sparse = is_sparse(member);
                let mut items = Items::new(len);
                while items.next(&mut self.reader) {
                    let key = match self.item()? {
                        (_, Head::Text(len)) => self.text(len)?,
                        (_, head) => return self.mismatch("a text key", head),
                    };
                    let len = self.path.len();
                    push_key(&mut self.path, &key);
                    let (tag, head) = self.item()?;
                    if !head.is_null() {
                        self.value(entry, map.entry_mut(&key), tag, head, depth + 1)?;
                    } else if sparse {
                        // As with lists: sparse maps keep the key with no value, dense ones drop it.
                        map.entry_mut(&key);
                    }
                    self.path.truncate(len);
                }
            }
            ValueMut::Shape(shape) => {
                let schema = shape.schema();
                self.shape(head, shape, schema, depth)?;
            }
            // Streams are framed outside the body and never come from it.
            ValueMut::Stream(_) | ValueMut::EventStream(_) => self.skip(head, depth)?,
        }
        Ok(())
    }

    /// Reads an integer into a member of type `T`, refusing values outside its range rather than
    /// wrapping them, and refusing floats, which would lose their fraction.
    fn integer<T: TryFrom<i64>>(&self, head: Head, expected: &str) -> Result<T, CodecError> {
        let wide = match head {
            Head::Unsigned(n) => i64::try_from(n).ok(),
            Head::Negative(n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => return self.mismatch(expected, head),
        };
        match wide.and_then(|n| T::try_from(n).ok()) {
            Some(n) => Ok(n),
            None => self.fail(format!("expected {expected}, found an integer out of its range")),
        }
    }

    /// Reads a float of any width, or an integer, which some encoders use for whole values.
    fn float(&self, head: Head) -> Result<f64, CodecError> {
        match head {
            Head::Float(f) => Ok(f),
            Head::Unsigned(n) => Ok(n as f64),
            Head::Negative(n) => Ok(-1.0 - n as f64),
            _ => self.mismatch("a float", head),
        }
    }

    /// Reads epoch seconds, integral or not, with or without tag 1.
    fn timestamp(&self, head: Head) -> Result<DateTime, CodecError> {
        let out_of_range = || self.fail("expected a timestamp, found a number out of its range");
        match head {
            Head::Unsigned(n) => i64::try_from(n).map(DateTime::from_secs).or_else(|_| out_of_range()),
            Head::Negative(n) => i64::try_from(n).map(|n| DateTime::from_secs(-1 - n)).or_else(|_| out_of_range()),
            Head::Float(f) => DateTime::try_from_fractional_secs(f).or_else(|_| out_of_range()),
            _ => self.mismatch("a timestamp", head),
        }
    }

    /// Reads a big integer or big decimal as decimal text, from any CBOR number.
    fn big(&mut self, tag: Option<u64>, head: Head) -> Result<String, CodecError> {
        match (tag, head) {
            (Some(TAG_DECIMAL), Head::Array(len @ (Some(2) | None))) => {
                let exponent = match self.item()? {
                    (_, Head::Unsigned(n)) => i64::try_from(n).ok(),
                    (_, Head::Negative(n)) => i64::try_from(n).ok().map(|n| -1 - n),
                    (_, head) => return self.mismatch("an integer exponent", head),
                };
                let Some(exponent) = exponent else {
                    return self.fail("expected a decimal fraction, found an exponent out of range");
                };
                let (tag, head) = self.item()?;
                let mantissa = self.big_integer(tag, head)?;
                // An indefinite-length fraction must end right after its two entries.
                if len.is_none() && Items::new(None).next(&mut self.reader) {
                    return self.fail("expected a decimal fraction of two entries, found more");
                }
                Ok(with_exponent(mantissa, exponent))
            }
            (_, Head::Float(f)) if f.is_finite() => Ok(format!("{f:?}")),
            (_, Head::Text(len)) => Ok(self.text(len)?.into_owned()),
            _ => self.big_integer(tag, head),
        }
    }

    fn big_integer(&mut self, tag: Option<u64>, head: Head) -> Result<String, CodecError> {
        match (tag, head) {
            (_, Head::Unsigned(n)) => Ok(n.to_string()),
            (_, Head::Negative(n)) => Ok(format!("-{}", u128::from(n) + 1)),
            (Some(tag @ (TAG_BIGNUM | TAG_NEGATIVE_BIGNUM)), Head::Bytes(len)) => {
                let magnitude = self.reader.bytes(len).map_err(|e| self.locate(e))?;
                if magnitude.len() > MAX_BIG_BYTES {
                    return self.fail(format!("expected a number, found a bignum longer than {MAX_BIG_BYTES} bytes"));
                }
                Ok(match tag {
                    TAG_BIGNUM => magnitude_to_decimal(&magnitude),
                    _ => format!("-{}", magnitude_to_decimal(&magnitude_plus_one(&magnitude))),
                })
            }
            _ => self.mismatch("a number", head),
        }
    }

    /// Reads any item into a [`Document`]; see [`cbor_to_document`].
    fn document(&mut self, tag: Option<u64>, head: Head, depth: usize) -> Result<Document, CodecError> {
        let number = |text: &str| match (text.parse::<u64>(), text.parse::<i64>()) {
            (Ok(n), _) => Document::Number(Number::PosInt(n)),
            (_, Ok(n)) => Document::Number(Number::NegInt(n)),
            _ => Document::String(text.to_owned()),
        };
        Ok(match head {
            Head::Bytes(_) if matches!(tag, Some(TAG_BIGNUM | TAG_NEGATIVE_BIGNUM)) => {
                number(&self.big_integer(tag, head)?)
            }
            Head::Array(Some(2) | None) if tag == Some(TAG_DECIMAL) => Document::String(self.big(tag, head)?),
            Head::Unsigned(n) => Document::Number(Number::PosInt(n)),
            Head::Negative(n) => match i64::try_from(n) {
                Ok(n) => Document::Number(Number::NegInt(-1 - n)),
                Err(_) => Document::Number(Number::Float(-1.0 - n as f64)),
            },
            Head::Float(f) => Document::Number(Number::Float(f)),
            Head::Bytes(len) => Document::String(base64_encode(&self.reader.bytes(len).map_err(|e| self.locate(e))?)),
            Head::Text(len) => Document::String(self.text(len)?.into_owned()),
            Head::Bool(b) => Document::Bool(b),
            Head::Null | Head::Undefined => Document::Null,
            Head::Simple(_) => return self.mismatch("a value a document can hold", head),
            Head::Array(len) => {
                self.nest(depth)?;
                let mut array = Vec::new();
                let mut items = Items::new(len);
                while items.next(&mut self.reader) {
                    let len = self.path.len();
                    let _ = write!(self.path, "[{}]", array.len());
                    let (tag, head) = self.item()?;
                    array.push(self.document(tag, head, depth + 1)?);
                    self.path.truncate(len);
                }
                Document::Array(array)
            }
            Head::Map(len) => {
                self.nest(depth)?;
                let mut object = Map::new();
                let mut items = Items::new(len);
                while items.next(&mut self.reader) {
                    let key = match self.item()? {
                        (_, Head::Text(len)) => self.text(len)?.into_owned(),
                        (_, Head::Unsigned(n)) => n.to_string(),
                        (_, Head::Negative(n)) => format!("-{}", u128::from(n) + 1),
                        (_, head) => return self.mismatch("a text or integer key", head),
                    };
                    let len = self.path.len();
                    push_key(&mut self.path, &key);
                    let (tag, head) = self.item()?;
                    let value = self.document(tag, head, depth + 1)?;
                    object.insert(key, value);
                    self.path.truncate(len);
                }
                Document::Object(object)
            }
        })
    }
}

/// Writes `mantissa × 10^exponent` as decimal text: with a point when the exponent is negative and
/// small enough to spell out, in exponent notation otherwise.
fn with_exponent(mantissa: String, exponent: i64) -> String {
    /// Beyond this many leading zeros the exponent notation is shorter and cannot be abused to
    /// make a few input bytes expand into a huge string.
    const MAX_SPELLED: i64 = 1000;
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", mantissa.as_str()),
    };
    match exponent {
        0 => mantissa,
        // Negating the exponent could overflow (`i64::MIN`), so the range is checked as it is.
        _ if !(-MAX_SPELLED..=0).contains(&exponent) => format!("{mantissa}e{exponent}"),
        _ => {
            let shift = exponent.unsigned_abs() as usize;
            if shift < digits.len() {
                let (whole, fraction) = digits.split_at(digits.len() - shift);
                format!("{sign}{whole}.{fraction}")
            } else {
                format!("{sign}0.{}{digits}", "0".repeat(shift - digits.len()))
            }
        }
    }
}

#[cfg(test)]
#[path = "cbor_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "cbor_hostile_tests.rs"]
mod hostile_tests;
