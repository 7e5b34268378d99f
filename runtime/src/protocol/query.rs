//! The request serialiser of the `query` and `ec2` protocols: an `application/x-www-form-urlencoded`
//! body of `Action=...&Version=...` followed by one `key=value` pair per scalar in the input.
//!
//! The rules are botocore's `QuerySerializer` and `EC2Serializer`:
//!
//! - A member's key is its `locationName`, else its member name. In `ec2` it is `queryName`, else
//!   `locationName` with the first letter upper-cased, else the member name upper-cased the same
//!   way. (botocore leaves a bare member name as it is in `ec2`; every EC2 model already
//!   capitalises its member names, and the Smithy `ec2Query` test cases want the upper-case form.)
//! - Nested structures join keys with dots: `Outer.Inner`.
//! - `query` lists are `Name.member.N` (the element's `locationName` replaces `member`), flattened
//!   lists are `Name.N`, and an empty list is sent as `Name=` so that the service can tell "empty"
//!   from "absent". `ec2` lists are always `Name.N` and an empty one is left out.
//! - Maps are `Name.entry.N.key` and `Name.entry.N.value` (the key's and value's `locationName`
//!   replace `key` and `value`); flattened maps drop `.entry`.
//! - Booleans are `true`/`false`, blobs base64, floats as Python prints them, and timestamps ISO
//!   8601 unless the member says otherwise.
//!
//! Pairs come in member order, depth first. Keys and values are percent-encoded with everything
//! but `A-Z a-z 0-9 - _ . ~` escaped, so a space is `%20`. (botocore's `urlencode` writes `+` for a
//! space; both decode to the same form and `%20` is what RFC 3986 and the other AWS SDKs send.)
//!
//! Errors name the key being written (`Tags.member.2.Key`), never a value, because a value may
//! belong to a sensitive member.

use core::fmt::Write;

use super::CodecError;
use crate::percent;
use crate::schema::{flags, shape_flags, Location, Member, Schema, ShapeKind};
use crate::shape::{ListValue, MapValue, Shape, Value, ValueRef};
use crate::types::{base64_encode_to, DateTime, TimestampFormat};

/// Structures, unions, lists and maps nested deeper than this are refused, so that a value built
/// by hand as deep as memory allows cannot exhaust the stack. It is the JSON codec's limit too.
const MAX_DEPTH: usize = 128;

/// Appends the form-urlencoded body of a `query` (`ec2 == false`) or `ec2` request to `out`:
/// `Action=<action>&Version=<version>` and then the body members of `shape`, described by
/// `schema`.
///
/// Absent members are left out. On error `out` holds a partial body and should be discarded.
pub fn write_query(
    ec2: bool,
    action: &str,
    version: &str,
    shape: &dyn Shape,
    schema: &'static Schema,
    out: &mut String,
) -> Result<(), CodecError> {
    out.push_str("Action=");
    percent::encode_into(out, action.as_bytes(), false);
    out.push_str("&Version=");
    percent::encode_into(out, version.as_bytes(), false);
    let mut writer = Writer { ec2, out, key: String::new(), root: schema.name };
    writer.shape(shape, schema, 0)
}

struct Writer<'a> {
    ec2: bool,
    out: &'a mut String,
    /// The key of the value being written, unencoded: the parameter name of a scalar, and the
    /// prefix of the keys inside a structure, list or map. It doubles as the error path.
    key: String,
    /// The input shape's name, the error path of problems with the input itself.
    root: &'static str,
}

impl Writer<'_> {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, CodecError> {
        let path = if self.key.is_empty() { self.root } else { self.key.as_str() };
        Err(CodecError::at(path, reason))
    }

    /// Refuses to go one level deeper than [`MAX_DEPTH`].
    fn enter(&self, depth: usize) -> Result<(), CodecError> {
        if depth >= MAX_DEPTH {
            return self.fail(format!("nesting is deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// Writes `&key=value` for the current key.
    fn pair(&mut self, value: &str) {
        self.out.push('&');
        percent::encode_into(self.out, self.key.as_bytes(), false);
        self.out.push('=');
        percent::encode_into(self.out, value.as_bytes(), false);
    }

    /// Appends `.segment` to the key, or just `segment` at the top level.
    fn push_segment(&mut self, segment: &str) {
        if !self.key.is_empty() {
            self.key.push('.');
        }
        self.key.push_str(segment);
    }

    fn push_index(&mut self, i: usize) {
        let _ = write!(self.key, ".{i}");
    }

    /// The key segment of a structure member.
    fn push_member_name(&mut self, member: &Member) {
        if !self.ec2 {
            self.push_segment(member.wire_name());
            return;
        }
        if let Some(name) = member.query_name {
            self.push_segment(name);
            return;
        }
        self.push_segment("");
        push_capitalized(&mut self.key, member.wire_name());
    }

    /// The name a list element or map key or value puts in the key: its `locationName` (put
    /// through the `ec2` rules in `ec2`), else `default`.
    fn push_entry_name(&mut self, member: &Member, default: &str) {
        match (self.ec2, member.query_name, member.location_name) {
            (true, Some(name), _) => self.push_segment(name),
            (true, None, Some(name)) => {
                self.push_segment("");
                push_capitalized(&mut self.key, name);
            }
            (false, _, Some(name)) => self.push_segment(name),
            _ => self.push_segment(default),
        }
    }

    fn shape(&mut self, shape: &dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), CodecError> {
        self.enter(depth)?;
        let mut any = false;
        for (i, member) in schema.members.iter().enumerate() {
            // Query inputs have body members only; anything else is placed by another layer.
            if member.location != Location::Body {
                continue;
            }
            let Some(value) = shape.field(i).and_then(Value::get) else { continue };
            any = true;
            let len = self.key.len();
            self.push_member_name(member);
            self.value(member, value, depth)?;
            self.key.truncate(len);
        }
        // Smithy requires a union to have exactly one variant, and the service could not
        // understand one this model does not know.
        if schema.kind == ShapeKind::Union && !any {
            return self.fail("a union must have a known variant set");
        }
        Ok(())
    }

    /// Writes `value`, whose schema is `member.target`, under the current key. `depth` is the
    /// nesting of the structure, list or map that holds it.
    fn value(&mut self, member: &'static Member, value: ValueRef<'_>, depth: usize) -> Result<(), CodecError> {
        match value {
            ValueRef::Bool(b) => self.pair(if b { "true" } else { "false" }),
            ValueRef::Int(n) => {
                let mut text = String::new();
                let _ = write!(text, "{n}");
                self.pair(&text);
            }
            ValueRef::Float(f) => {
                let mut text = String::new();
                write_float(&mut text, f, member.target.kind == ShapeKind::Float);
                self.pair(&text);
            }
            // Strings, enums and the text of big numbers all go out as they are.
            ValueRef::Str(s) => self.pair(s),
            ValueRef::Blob(bytes) => {
                let mut text = String::new();
                base64_encode_to(bytes, &mut text);
                self.pair(&text);
            }
            ValueRef::Timestamp(t) => {
                let mut text = String::new();
                write_timestamp(&mut text, t, member.timestamp_format);
                self.pair(&text);
            }
            ValueRef::List(list) => self.list(member, list, depth + 1)?,
            ValueRef::Map(map) => self.map(member, map, depth + 1)?,
            ValueRef::Shape(shape) => self.shape(shape, shape.schema(), depth + 1)?,
            ValueRef::Document(_) => return self.fail("a document cannot be sent in a query string"),
            ValueRef::Stream(_) | ValueRef::EventStream(_) => {
                return self.fail("a stream cannot be sent in a query string")
            }
        }
        Ok(())
    }

    fn list(&mut self, member: &'static Member, list: &dyn ListValue, depth: usize) -> Result<(), CodecError> {
        self.enter(depth)?;
        let Some(element) = member.target.list_member() else {
            return self.fail(format!("the schema says {:?}, the value is a list", member.target.kind));
        };
        if list.is_empty() {
            // `Name=` tells a query service the list is empty rather than absent; EC2 has no
            // way to say that and expects nothing.
            if !self.ec2 {
                self.pair("");
            }
            return Ok(());
        }
        let len = self.key.len();
        if self.ec2 {
            // EC2 lists are always flattened and ignore the element's name.
        } else if is_flattened(member) {
            // botocore names a flattened list after its element when the element has a
            // `locationName`, replacing the member's own name. A `locationName` on the member
            // itself wins, as the Smithy `awsQuery` cases require (`QueryFlattenedListArgWithXmlName`).
            if let (None, Some(name)) = (member.location_name, element.location_name) {
                let parent = self.key.rfind('.').unwrap_or(0);
                self.key.truncate(parent);
                self.push_segment(name);
            }
        } else {
            self.push_entry_name(element, "member");
        }
        for i in 0..list.len() {
            // An absent element exists only in sparse lists; it has no form to take here, so it
            // is skipped and the next element keeps its own position.
            let Some(item) = list.item(i).and_then(Value::get) else { continue };
            let item_len = self.key.len();
            self.push_index(i + 1);
            self.value(element, item, depth)?;
            self.key.truncate(item_len);
        }
        self.key.truncate(len);
        Ok(())
    }

    fn map(&mut self, member: &'static Member, map: &dyn MapValue, depth: usize) -> Result<(), CodecError> {
        self.enter(depth)?;
        let Some((key_member, value_member)) = member.target.map_entry() else {
            return self.fail(format!("the schema says {:?}, the value is a map", member.target.kind));
        };
        let len = self.key.len();
        if !is_flattened(member) {
            self.push_segment("entry");
        }
        for i in 0..map.len() {
            let Some((key, item)) = map.entry(i) else { continue };
            let entry_len = self.key.len();
            self.push_index(i + 1);
            let entry_key_len = self.key.len();
            self.push_entry_name(key_member, "key");
            self.pair(key);
            self.key.truncate(entry_key_len);
            // A sparse map's absent value is left out; its key still marks the entry.
            if let Some(item) = item.get() {
                self.push_entry_name(value_member, "value");
                self.value(value_member, item, depth)?;
            }
            self.key.truncate(entry_len);
        }
        self.key.truncate(len);
        Ok(())
    }
}

/// A list or map is flattened by the member that holds it or by its own shape.
fn is_flattened(member: &Member) -> bool {
    member.has(flags::FLATTENED) || member.target.has(shape_flags::FLATTENED)
}

/// Appends `name` with its first character upper-cased, as `ec2` does to every name.
fn push_capitalized(out: &mut String, name: &str) {
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Writes a timestamp the way botocore does for these protocols: ISO 8601 by default, with six
/// fractional digits only when there are microseconds; epoch seconds as a whole number (botocore
/// drops the fraction); the HTTP date with whole seconds.
fn write_timestamp(out: &mut String, t: DateTime, format: Option<TimestampFormat>) {
    match format.unwrap_or(TimestampFormat::DateTime) {
        TimestampFormat::DateTime => {
            DateTime::from_secs(t.secs()).fmt_to(TimestampFormat::DateTime, out);
            let micros = t.subsec_nanos() / 1_000;
            if micros > 0 {
                // The whole-second form always ends in `Z`, which moves after the fraction.
                out.pop();
                let _ = write!(out, ".{micros:06}Z");
            }
        }
        TimestampFormat::EpochSeconds => {
            let _ = write!(out, "{}", t.secs());
        }
        TimestampFormat::HttpDate => t.fmt_to(TimestampFormat::HttpDate, out),
    }
}

/// Writes a float as Python's `str(float)` does, since botocore hands floats to `urlencode` as
/// they are: the shortest digits that read back as the same value, positional notation for
/// exponents from -4 to 15 (with at least one fractional digit) and `1.5e+16`-style scientific
/// notation otherwise. Non-finite values are `NaN`, `Infinity` and `-Infinity`. `single` takes
/// the digits of the `f32` so that `0.1f32` prints as `0.1`.
fn write_float(out: &mut String, f: f64, single: bool) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    // `{:e}` prints the shortest round-tripping digits as `-d.ddde-x`.
    let scientific = if single { format!("{:e}", f as f32) } else { format!("{f:e}") };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    out.push_str(sign);
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            out.extend(core::iter::repeat_n('0', exponent.unsigned_abs() as usize - 1));
            out.push_str(&digits);
        } else {
            let whole = exponent as usize + 1;
            if digits.len() > whole {
                out.push_str(&digits[..whole]);
                out.push('.');
                out.push_str(&digits[whole..]);
            } else {
                out.push_str(&digits);
                out.extend(core::iter::repeat_n('0', whole - digits.len()));
                out.push_str(".0");
            }
        }
    } else {
        let (first, rest) = digits.split_at(digits.len().min(1));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs());
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
