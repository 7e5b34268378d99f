//! The strict RFC 8259 parser behind [`Document::from_json`], producing a tree that borrows
//! from the text.
//!
//! Documents are made from this tree, and the protocol codec's streaming reader
//! (`protocol/json_read.rs`) drives the same [`Parser`] token by token, so both agree on what is
//! valid JSON, on every error and its offset. A string without escapes stays a slice of the text.
//!
//! Duplicate keys are all kept in the tree; [`Json::into_document`] keeps the first position and
//! the last value, as a `Document` does.

use std::borrow::Cow;

use super::document::{DocumentError, Number, MAX_DEPTH};
use super::Document;
use crate::Map;

/// A parsed JSON value whose strings borrow from the parsed text where they can.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Entries in document order, duplicates included.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses `text`, which must hold exactly one JSON value (whitespace around it allowed).
    pub(crate) fn parse(text: &'a str) -> Result<Json<'a>, DocumentError> {
        let mut parser = Parser::new(text);
        let value = parser.value(0)?;
        parser.skip_whitespace();
        match parser.peek() {
            None => Ok(value),
            Some(_) => parser.fail("unexpected characters after the JSON value"),
        }
    }

    /// The owned [`Document`] of this value.
    pub(crate) fn into_document(self) -> Document {
        match self {
            Json::Null => Document::Null,
            Json::Bool(b) => Document::Bool(b),
            Json::Number(n) => Document::Number(n),
            Json::String(s) => Document::String(s.into_owned()),
            Json::Array(items) => Document::Array(items.into_iter().map(Json::into_document).collect()),
            Json::Object(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.into_owned(), value.into_document());
                }
                Document::Object(map)
            }
        }
    }

    /// [`Json::into_document`] for a borrowed value.
    pub(crate) fn to_document(&self) -> Document {
        self.clone().into_document()
    }
}

/// A recursive-descent parser. Every byte access is bounds-checked and every
/// slice of `text` starts and ends next to an ASCII byte, so no input panics.
///
/// The protocol codec's streaming reader (`protocol/json_read.rs`) drives the same parser token
/// by token, so a response body and a `Document` accept the same text with the same errors.
pub(crate) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Parser { text, bytes: text.as_bytes(), pos: 0 }
    }

    pub(crate) fn fail<T>(&self, reason: &'static str) -> Result<T, DocumentError> {
        Err(DocumentError { offset: self.pos, reason })
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    pub(crate) fn literal(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, DocumentError> {
        if self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(word.as_bytes())) {
            self.pos += word.len();
            Ok(value)
        } else {
            self.fail("expected a JSON value")
        }
    }

    /// One whole value whose containers start at nesting `depth`.
    pub(crate) fn value(&mut self, depth: usize) -> Result<Json<'a>, DocumentError> {
        self.skip_whitespace();
        match self.peek() {
            None => self.fail("unexpected end of input"),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            Some(b'[' | b'{') if depth >= MAX_DEPTH => self.fail("nesting is deeper than 128 levels"),
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => self.object(depth + 1),
            Some(_) => self.fail("expected a JSON value"),
        }
    }

    /// Consumes `,` (returning true) or `close` (returning false) after an item.
    pub(crate) fn separator(&mut self, close: u8, reason: &'static str) -> Result<bool, DocumentError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => self.fail(reason),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, DocumentError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if !self.separator(b']', "expected ',' or ']' in an array")? {
                return Ok(Json::Array(items));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, DocumentError> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return self.fail("expected a string key");
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return self.fail("expected ':' after an object key");
            }
            self.pos += 1;
            entries.push((key, self.value(depth)?));
            if !self.separator(b'}', "expected ',' or '}' in an object")? {
                return Ok(Json::Object(entries));
            }
        }
    }

    /// A string, borrowed from the text unless it holds an escape.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, DocumentError> {
        self.pos += 1;
        let mut out: Option<String> = None;
        loop {
            // Take the run up to the next quote, escape or control byte at once.
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let run = self.text.get(start..self.pos).unwrap_or_default();
            match self.peek() {
                None => return self.fail("unterminated string"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(run),
                        Some(mut out) => {
                            out.push_str(run);
                            Cow::Owned(out)
                        }
                    });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let out = out.get_or_insert_with(String::new);
                    out.push_str(run);
                    out.push(self.escape()?);
                }
                Some(_) => return self.fail("control characters must be escaped in strings"),
            }
        }
    }

    fn escape(&mut self) -> Result<char, DocumentError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(),
            _ => return self.fail("invalid escape sequence"),
        };
        self.pos += 1;
        Ok(c)
    }

    /// Decodes `uXXXX`, joining a UTF-16 surrogate pair when one follows.
    fn unicode_escape(&mut self) -> Result<char, DocumentError> {
        let start = self.pos - 1;
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(b"\\u")) {
                    self.pos = start;
                    return self.fail("unpaired surrogate in \\u escape");
                }
                self.pos += 1;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    self.pos = start;
                    return self.fail("unpaired surrogate in \\u escape");
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            _ => high,
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => {
                self.pos = start;
                self.fail("unpaired surrogate in \\u escape")
            }
        }
    }

    /// Reads `u` and four hex digits.
    fn hex4(&mut self) -> Result<u32, DocumentError> {
        self.pos += 1;
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let text = digits.and_then(|d| std::str::from_utf8(d).ok());
        match text.filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit())) {
            Some(hex) => {
                self.pos += 4;
                u32::from_str_radix(hex, 16).or_else(|_| self.fail("invalid \\u escape"))
            }
            None => self.fail("expected four hex digits after \\u"),
        }
    }

    fn number(&mut self) -> Result<Number, DocumentError> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        self.pos += usize::from(negative);
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.skip_digits();
            }
            _ => return self.fail("expected a digit"),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.skip_digits() == 0 {
                return self.fail("expected a digit after the decimal point");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.skip_digits() == 0 {
                return self.fail("expected a digit in the exponent");
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        if integer {
            let exact = if negative {
                text.parse().ok().filter(|&n| n != 0).map(Number::NegInt)
            } else {
                text.parse().ok().map(Number::PosInt)
            };
            if let Some(number) = exact {
                return Ok(number);
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Number::Float(f)),
            _ => {
                self.pos = start;
                self.fail("number is out of range")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_borrow_unless_escaped() {
        let json = Json::parse(r#"{"plain": "abc", "escaped": "a\"b\u00e9", "k\n": 1}"#);
        let Ok(Json::Object(entries)) = json else { panic!("not an object: {json:?}") };
        assert!(matches!(&entries[0], (Cow::Borrowed("plain"), Json::String(Cow::Borrowed("abc")))));
        assert!(matches!(&entries[1].1, Json::String(Cow::Owned(s)) if s == "a\"bé"));
        assert!(matches!(&entries[2].0, Cow::Owned(k) if k == "k\n"));
    }

    #[test]
    fn repeated_keys_become_a_document_as_a_map_would() {
        // The first position, the last value.
        let json = Json::parse(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
        assert_eq!(json.into_document().to_json_string(), r#"{"a":3,"b":2}"#);
    }
}
