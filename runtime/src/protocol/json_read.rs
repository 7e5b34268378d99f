//! Reading a JSON body into a shape in one pass, without building a tree first.
//!
//! The reader drives the runtime's one strict JSON parser ([`Parser`], the one behind
//! [`Document::from_json`]) token by token: objects, arrays and maps go straight into the
//! structures, lists and maps the schema names, and only scalars, documents and values the schema
//! does not know are taken whole as a borrowed [`Json`]. A response of small objects (a DynamoDB
//! item is one object per attribute) then costs no allocation per object and no tree to free.
//!
//! What the reader accepts and answers is that of reading a whole tree and walking it:
//! - the same syntax, errors and offsets, because the parser is the same; a syntax error after a
//!   value that does not fit the schema is reported as the misfit, since reading stops there;
//! - a repeated key counts once with its last value, at its first position in a map: a member
//!   or map entry read again is first reset, and a trailing `null` resets it to absent;
//! - `null` leaves a member as it was, unknown keys are skipped, a union takes exactly one
//!   variant (`__type` aside) and keeps an unknown one's name.
//!
//! Error messages name the JSON path and the kinds involved but never a value, because a value
//! may belong to a sensitive member.

use core::fmt::Write;
use std::borrow::Cow;

use super::json::{is_sparse, outside_json, push_key, DeserializeError};
use crate::schema::{Location, Member, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueMut};
use crate::types::json_tree::{Json, Parser};
use crate::types::{base64_decode, DateTime, DocumentError, Number, TimestampFormat};

/// Containers nested deeper than this are refused, as [`Document::from_json`] refuses them.
const MAX_DEPTH: usize = 128;

/// Reads the JSON value in `bytes` (not all whitespace) into `shape`.
pub(super) fn read(bytes: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), DeserializeError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| syntax(DocumentError { offset: e.valid_up_to(), reason: "invalid UTF-8" }))?;
    let mut reader = Reader { parser: Parser::new(text), steps: Vec::new() };
    reader.shape(shape, schema, 0)?;
    reader.parser.skip_whitespace();
    match reader.parser.peek() {
        None => Ok(()),
        Some(_) => Err(syntax(DocumentError {
            offset: reader.parser.pos,
            reason: "unexpected characters after the JSON value",
        })),
    }
}

fn syntax(e: DocumentError) -> DeserializeError {
    DeserializeError::syntax(e.reason, e.offset)
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

/// One step of the path to the value being read, rendered only when reading fails.
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

struct Reader<'a> {
    parser: Parser<'a>,
    /// The steps from the document's root to the value being read, for error messages.
    steps: Vec<Step<'a>>,
}

/// A member already read once in this object: reading it again must replace, not merge.
fn reset(value: &mut dyn Value) {
    // Emptied first, because `get_mut` makes an absent optional value present.
    if let ValueMut::List(list) = value.get_mut() {
        list.retain_range(0, 0);
    }
    value.set_absent();
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

    /// Reads the value at the cursor whole, to say what it is instead of `expected`.
    fn mismatch<T>(&mut self, expected: &str, depth: usize) -> Result<T, DeserializeError> {
        let found = self.parser.value(depth).map_err(syntax)?;
        self.found(expected, &found)
    }

    fn found<T>(&self, expected: &str, found: &Json<'_>) -> Result<T, DeserializeError> {
        self.fail(format!("expected {expected}, found {}", describe(found)))
    }

    /// Consumes a `null` at the cursor, if that is what comes next.
    fn null(&mut self) -> Result<bool, DeserializeError> {
        self.parser.skip_whitespace();
        if self.parser.peek() != Some(b'n') {
            return Ok(false);
        }
        self.parser.literal("null", Json::Null).map_err(syntax)?;
        Ok(true)
    }

    /// Opens the container `open` (`{` or `[`) at the cursor, at nesting `depth`. Returns false,
    /// having read nothing, when the value there is something else.
    fn open(&mut self, open: u8, depth: usize) -> Result<bool, DeserializeError> {
        self.parser.skip_whitespace();
        if self.parser.peek() != Some(open) {
            return Ok(false);
        }
        if depth >= MAX_DEPTH {
            return Err(syntax(DocumentError { offset: self.parser.pos, reason: "nesting is deeper than 128 levels" }));
        }
        self.parser.pos += 1;
        Ok(true)
    }

    /// Calls `entry` for each key of the object just opened, with the cursor on its value, which
    /// `entry` must consume.
    fn entries(
        &mut self,
        mut entry: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), DeserializeError>,
    ) -> Result<(), DeserializeError> {
        self.parser.skip_whitespace();
        if self.parser.peek() == Some(b'}') {
            self.parser.pos += 1;
            return Ok(());
        }
        loop {
            self.parser.skip_whitespace();
            if self.parser.peek() != Some(b'"') {
                return Err(syntax(DocumentError { offset: self.parser.pos, reason: "expected a string key" }));
            }
            let key = self.parser.string().map_err(syntax)?;
            self.parser.skip_whitespace();
            if self.parser.peek() != Some(b':') {
                return Err(syntax(DocumentError {
                    offset: self.parser.pos,
                    reason: "expected ':' after an object key",
                }));
            }
            self.parser.pos += 1;
            entry(self, key)?;
            if !self.parser.separator(b'}', "expected ',' or '}' in an object").map_err(syntax)? {
                return Ok(());
            }
        }
    }

    /// Skips the value at the cursor (an unknown key's), checking its syntax all the same.
    fn skip(&mut self, depth: usize) -> Result<(), DeserializeError> {
        self.parser.value(depth).map(drop).map_err(syntax)
    }

    /// Reads an object into a structure or union; `depth` is the object's nesting.
    fn shape(&mut self, shape: &mut dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), DeserializeError> {
        if !self.open(b'{', depth)? {
            return self.mismatch("an object", depth);
        }
        match schema.kind {
            ShapeKind::Union => self.union(shape, schema, depth + 1),
            _ => self.structure(shape, schema, depth + 1),
        }
    }

    /// The members of a structure; `depth` is the nesting of their values.
    fn structure(
        &mut self,
        shape: &mut dyn Shape,
        schema: &'static Schema,
        depth: usize,
    ) -> Result<(), DeserializeError> {
        // Members usually come in model order, so the search starts after the last one found.
        let count = schema.members.len();
        let mut next = 0;
        // Which members this object has set, to replace rather than merge a repeated key.
        let mut seen = Seen::new(count);
        self.entries(|reader, key| {
            // A response has no URI or query string, so members placed there can only come in
            // the body.
            let found = (0..count).map(|k| (next + k) % count.max(1)).find(|&i| {
                let member = &schema.members[i];
                member.wire_name() == key
                    && (matches!(member.location, Location::Uri | Location::Query) || !outside_json(member))
            });
            let Some(i) = found else { return reader.skip(depth) };
            next = i + 1;
            let member = &schema.members[i];
            let Some(field) = shape.field_mut(i) else { return reader.skip(depth) };
            let again = seen.insert(i);
            if reader.null()? {
                // `null` leaves a member as it was, and a repeat's last value is the one kept.
                if again {
                    field.set_absent();
                }
                return Ok(());
            }
            if again {
                reset(field);
            }
            reader.steps.push(Step::Key(Cow::Borrowed(member.wire_name())));
            reader.value(member, field, depth)?;
            reader.steps.pop();
            Ok(())
        })
    }

    /// The one variant of a union; `depth` is the nesting of its value.
    fn union(&mut self, shape: &mut dyn Shape, schema: &'static Schema, depth: usize) -> Result<(), DeserializeError> {
        let mut known: Option<usize> = None;
        let mut unknown: Option<String> = None;
        self.entries(|reader, key| {
            // Null variants are absent, and `__type` is protocol metadata rather than a variant.
            if key == "__type" {
                return reader.skip(depth);
            }
            if reader.null()? {
                return Ok(());
            }
            match schema.members.iter().position(|m| m.wire_name() == key) {
                // The same variant repeated is one variant, its last value kept.
                Some(i) if known.is_some_and(|k| k != i) => reader.fail("a union must have exactly one variant set"),
                Some(i) => {
                    let member = &schema.members[i];
                    let Some(field) = shape.field_mut(i) else { return reader.skip(depth) };
                    if known.replace(i).is_some() {
                        reset(field);
                    }
                    reader.steps.push(Step::Key(Cow::Borrowed(member.wire_name())));
                    reader.value(member, field, depth)?;
                    reader.steps.pop();
                    Ok(())
                }
                None => {
                    // A variant newer than this model is kept as `Unknown` rather than failing the
                    // call, unless a known one is also set.
                    unknown.get_or_insert_with(|| key.into_owned());
                    reader.skip(depth)
                }
            }
        })?;
        if let (None, Some(name)) = (known, unknown) {
            shape.set_unknown(&name);
        }
        Ok(())
    }

    /// Reads the non-null value at the cursor into `value`, whose schema is `member.target`;
    /// `depth` is the value's nesting.
    fn value(&mut self, member: &'static Member, value: &mut dyn Value, depth: usize) -> Result<(), DeserializeError> {
        match value.get_mut() {
            ValueMut::List(list) => {
                if !self.open(b'[', depth)? {
                    return self.mismatch("an array", depth);
                }
                let Some(element) = member.target.list_member() else {
                    return self.fail(format!("the schema says {:?}, the value is a list", member.target.kind));
                };
                let sparse = is_sparse(member);
                self.parser.skip_whitespace();
                if self.parser.peek() == Some(b']') {
                    self.parser.pos += 1;
                    return Ok(());
                }
                let mut i = 0;
                loop {
                    if self.null()? {
                        // A sparse list keeps the hole as an absent element; a dense one drops it.
                        if sparse {
                            list.push_default();
                        }
                    } else {
                        self.steps.push(Step::Index(i));
                        self.value(element, list.push_default(), depth + 1)?;
                        self.steps.pop();
                    }
                    i += 1;
                    if !self.parser.separator(b']', "expected ',' or ']' in an array").map_err(syntax)? {
                        return Ok(());
                    }
                }
            }
            ValueMut::Map(map) => {
                if !self.open(b'{', depth)? {
                    return self.mismatch("an object", depth);
                }
                let Some((_, entry)) = member.target.map_entry() else {
                    return self.fail(format!("the schema says {:?}, the value is a map", member.target.kind));
                };
                let sparse = is_sparse(member);
                self.entries(|reader, key| {
                    let null = reader.null()?;
                    if null && !sparse {
                        // As with lists: sparse maps keep the key with no value, dense ones drop
                        // it. (A dense map keeps an earlier value of a key repeated with a final
                        // null: the map has no way to remove it, and no service sends that.)
                        return Ok(());
                    }
                    let (slot, repeated) = map.entry_mut_existing(&key);
                    // A repeated key's last value replaces the first, at the first's position.
                    if repeated {
                        reset(slot);
                    }
                    if null {
                        return Ok(());
                    }
                    reader.steps.push(Step::Key(key));
                    reader.value(entry, slot, depth + 1)?;
                    reader.steps.pop();
                    Ok(())
                })
            }
            ValueMut::Shape(shape) => {
                let schema = shape.schema();
                self.shape(shape, schema, depth)
            }
            // Streams are framed by the REST layer and never come from a JSON document; the value
            // is still consumed.
            ValueMut::Stream(_) | ValueMut::EventStream(_) => self.skip(depth),
            scalar => {
                let json = self.parser.value(depth).map_err(syntax)?;
                self.scalar(member, &json, scalar)
            }
        }
    }

    /// Reads a scalar (or a document) taken whole from the body.
    fn scalar(&self, member: &'static Member, json: &Json<'a>, value: ValueMut<'_>) -> Result<(), DeserializeError> {
        match value {
            ValueMut::Bool(b) => match json {
                Json::Bool(v) => *b = *v,
                _ => return self.found("a boolean", json),
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
                _ => return self.found("a string", json),
            },
            ValueMut::Enum(e) => match json {
                Json::String(v) => e.set_str(v),
                _ => return self.found("a string", json),
            },
            ValueMut::Blob(b) => match json {
                Json::String(v) => match base64_decode(v) {
                    Ok(bytes) => *b = bytes.into(),
                    Err(_) => return self.fail("expected base64-encoded bytes"),
                },
                _ => return self.found("a base64 string", json),
            },
            ValueMut::Timestamp(t) => *t = self.timestamp(member, json)?,
            ValueMut::Document(d) => *d = json.to_document(),
            // Containers are streamed by `value` and never reach here.
            ValueMut::List(_)
            | ValueMut::Map(_)
            | ValueMut::Shape(_)
            | ValueMut::Stream(_)
            | ValueMut::EventStream(_) => {}
        }
        Ok(())
    }

    fn integer<T: TryFrom<i64>>(&self, json: &Json<'_>, expected: &str) -> Result<T, DeserializeError> {
        let wide = match json {
            Json::Number(Number::PosInt(n)) => i64::try_from(*n).ok(),
            Json::Number(Number::NegInt(n)) => Some(*n),
            Json::Number(Number::Float(_)) => {
                return self.fail(format!("expected {expected}, found a number with a fraction or exponent"));
            }
            _ => return self.found(expected, json),
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
            _ => self.found("a number", json),
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
            _ => self.found("a timestamp", json),
        }
    }
}

/// A set of member indexes, without allocating for structures of up to 128 members.
enum Seen {
    Small(u128),
    Large(Vec<bool>),
}

impl Seen {
    fn new(count: usize) -> Self {
        match count <= 128 {
            true => Seen::Small(0),
            false => Seen::Large(vec![false; count]),
        }
    }

    /// Adds `i`; true if it was already there.
    fn insert(&mut self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => {
                let bit = 1u128 << i;
                let was = *bits & bit != 0;
                *bits |= bit;
                was
            }
            Seen::Large(flags) => std::mem::replace(&mut flags[i], true),
        }
    }
}
