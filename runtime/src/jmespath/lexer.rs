//! Splits a JMESPath expression into tokens.
//!
//! Shared with the generator (which parses every model expression at generate time), so this
//! file names nothing outside its parent module: the parent supplies the literal type and the
//! JSON reading.

use super::{json_literal, json_string, string_literal, Literal, ParseError};

/// One token and the byte offset where it starts (for error messages).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Ident(String),
    /// A quoted identifier: a field name, never a function name.
    Quoted(String),
    Number(i64),
    /// A backtick literal or a raw string, already parsed into a value.
    Literal(Literal),
    Dot,
    Star,
    /// `[]`
    Flatten,
    /// `[?`
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    At,
    Amp,
    Pipe,
    Or,
    And,
    Not,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

pub(super) fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, msg: &str| ParseError { offset: at, message: msg.to_owned() };
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        let two = |next: u8| bytes.get(i + 1) == Some(&next);
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Ident(text[start..i].to_owned()), start));
                continue;
            }
            b'0'..=b'9' | b'-' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let n = text[start..i].parse().map_err(|_| err(start, "invalid number"))?;
                out.push((Tok::Number(n), start));
                continue;
            }
            b'"' => {
                let end = scan_quoted(bytes, i, b'"').ok_or_else(|| err(start, "unterminated quoted identifier"))?;
                let name = json_string(&text[start..end]).ok_or_else(|| err(start, "invalid quoted identifier"))?;
                i = end;
                out.push((Tok::Quoted(name), start));
                continue;
            }
            b'\'' => {
                let end = scan_quoted(bytes, i, b'\'').ok_or_else(|| err(start, "unterminated raw string"))?;
                // A raw string only unescapes `\'`; every other backslash is kept as written.
                let raw = text[start + 1..end - 1].replace("\\'", "'");
                i = end;
                out.push((Tok::Literal(string_literal(raw)), start));
                continue;
            }
            b'`' => {
                let end = scan_quoted(bytes, i, b'`').ok_or_else(|| err(start, "unterminated literal"))?;
                let body = text[start + 1..end - 1].replace("\\`", "`");
                // jmespath.py still accepts the deprecated unquoted-string literal (`foo`).
                let value = json_literal(body.trim())
                    .or_else(|| json_literal(&format!("\"{}\"", body.trim())))
                    .ok_or_else(|| err(start, "invalid JSON literal"))?;
                i = end;
                out.push((Tok::Literal(value), start));
                continue;
            }
            b'.' => Tok::Dot,
            b'*' => Tok::Star,
            b'[' if two(b']') => {
                i += 1;
                Tok::Flatten
            }
            b'[' if two(b'?') => {
                i += 1;
                Tok::Filter
            }
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b'{' => Tok::LBrace,
            b'}' => Tok::RBrace,
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b':' => Tok::Colon,
            b'@' => Tok::At,
            b'&' if two(b'&') => {
                i += 1;
                Tok::And
            }
            b'&' => Tok::Amp,
            b'|' if two(b'|') => {
                i += 1;
                Tok::Or
            }
            b'|' => Tok::Pipe,
            b'!' if two(b'=') => {
                i += 1;
                Tok::Ne
            }
            b'!' => Tok::Not,
            b'=' if two(b'=') => {
                i += 1;
                Tok::Eq
            }
            b'<' if two(b'=') => {
                i += 1;
                Tok::Le
            }
            b'<' => Tok::Lt,
            b'>' if two(b'=') => {
                i += 1;
                Tok::Ge
            }
            b'>' => Tok::Gt,
            _ => return Err(err(start, "unexpected character")),
        };
        i += 1;
        out.push((tok, start));
    }
    out.push((Tok::Eof, bytes.len()));
    Ok(out)
}

/// The offset just past the closing `quote` of the token starting at `start`, skipping
/// backslash escapes.
fn scan_quoted(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}
