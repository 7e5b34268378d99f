//! Scalars as text: how URI labels, query parameters and headers carry a member's value, and
//! how header values are read back.
//!
//! The rules are the REST protocols' (and botocore's): strings as they are, booleans as
//! `true`/`false`, numbers in their shortest form, non-finite floats as `NaN`/`Infinity`/
//! `-Infinity`, blobs in base64, timestamps in the member's format or the location's default.

use core::fmt::Write;

use crate::schema::{flags, Member, ShapeKind};
use crate::shape::{ValueMut, ValueRef};
use crate::types::{base64_decode, base64_encode_to, DateTime, TimestampFormat};

/// Appends the text form of a scalar; `Err` names the kind when the value is not a scalar.
pub(crate) fn scalar_to_text(
    member: &Member,
    value: ValueRef<'_>,
    default_format: TimestampFormat,
    out: &mut String,
) -> Result<(), String> {
    match value {
        ValueRef::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        ValueRef::Int(n) => {
            let _ = write!(out, "{n}");
        }
        ValueRef::Float(f) => push_float(out, f, member.target.kind == ShapeKind::Float),
        // A `jsonvalue` string travels base64-encoded, since JSON may hold characters a header cannot.
        ValueRef::Str(s) if member.has(flags::JSON_VALUE) => base64_encode_to(s.as_bytes(), out),
        ValueRef::Str(s) => out.push_str(s),
        ValueRef::Blob(bytes) => base64_encode_to(bytes, out),
        ValueRef::Timestamp(t) => t.fmt_to(member.timestamp_format.unwrap_or(default_format), out),
        ValueRef::Document(_) => return Err("a document".into()),
        ValueRef::List(_) => return Err("a list".into()),
        ValueRef::Map(_) => return Err("a map".into()),
        ValueRef::Shape(_) => return Err("a structure".into()),
        ValueRef::Stream(_) | ValueRef::EventStream(_) => return Err("a stream".into()),
    }
    Ok(())
}

/// Writes a float in its shortest round-tripping form (`1.5`, `1` for a whole number), and the
/// non-finite values as the words the protocols use for them.
pub(crate) fn push_float(out: &mut String, f: f64, single: bool) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if single {
        let _ = write!(out, "{}", f as f32);
    } else {
        let _ = write!(out, "{f}");
    }
}

/// Sets a scalar from its text form (a header value). `Err` says what was expected.
pub(crate) fn scalar_from_text(
    member: &Member,
    target: ValueMut<'_>,
    text: &str,
    default_format: TimestampFormat,
) -> Result<(), String> {
    let int = |expected: &str| -> Result<i64, String> {
        text.trim().parse::<i64>().map_err(|_| format!("expected {expected}, found text that is not one"))
    };
    match target {
        ValueMut::Bool(b) => {
            *b = match text.trim() {
                "true" => true,
                "false" => false,
                _ => return Err("expected true or false".into()),
            }
        }
        ValueMut::Byte(n) => *n = i8::try_from(int("an integer")?).map_err(|_| out_of_range("a byte"))?,
        ValueMut::Short(n) => *n = i16::try_from(int("an integer")?).map_err(|_| out_of_range("a short"))?,
        ValueMut::Int(n) => *n = i32::try_from(int("an integer")?).map_err(|_| out_of_range("an integer"))?,
        ValueMut::Long(n) => *n = int("an integer")?,
        ValueMut::Float(f) => *f = parse_float(text)? as f32,
        ValueMut::Double(f) => *f = parse_float(text)?,
        ValueMut::Str(s) if member.has(flags::JSON_VALUE) => {
            let bytes = base64_decode(text.trim()).map_err(|_| "expected base64-encoded JSON".to_owned())?;
            *s = String::from_utf8(bytes).map_err(|_| "the base64-encoded JSON is not UTF-8".to_owned())?;
        }
        ValueMut::Str(s) => *s = text.to_owned(),
        ValueMut::Enum(e) => e.set_str(text),
        ValueMut::Blob(b) => {
            *b = base64_decode(text.trim()).map_err(|_| "expected base64".to_owned())?.into();
        }
        ValueMut::Timestamp(t) => *t = parse_timestamp(text, member.timestamp_format.unwrap_or(default_format))?,
        ValueMut::Document(_) => return Err("a document cannot travel in a header".into()),
        ValueMut::List(_) | ValueMut::Map(_) | ValueMut::Shape(_) | ValueMut::Stream(_) | ValueMut::EventStream(_) => {
            return Err("expected a scalar".into())
        }
    }
    Ok(())
}

fn out_of_range(kind: &str) -> String {
    format!("the number is out of range for {kind}")
}

fn parse_float(text: &str) -> Result<f64, String> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        t => t.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(|| "expected a number".to_owned()),
    }
}

/// Parses a timestamp in `format`, falling back to the other formats as botocore's lenient
/// parser does, since services are not always faithful to the model.
pub(crate) fn parse_timestamp(text: &str, format: TimestampFormat) -> Result<DateTime, String> {
    let text = text.trim();
    let formats = [format, TimestampFormat::DateTime, TimestampFormat::HttpDate, TimestampFormat::EpochSeconds];
    for f in formats {
        if let Ok(t) = DateTime::parse(text, f) {
            return Ok(t);
        }
    }
    Err(format!("expected a timestamp ({format:?})"))
}

/// Splits a header list (`a, b, "c,d"`) into items, honouring double quotes as RFC 9110 does.
/// HTTP dates contain a comma themselves, so a list of them is split after every second comma.
pub(crate) fn split_header_list(text: &str, http_dates: bool) -> Vec<String> {
    if http_dates {
        let parts: Vec<&str> = text.split(',').collect();
        return parts.chunks(2).map(|pair| pair.join(",").trim().to_owned()).collect();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => quoted = false,
            '"' if current.trim().is_empty() => {
                current.clear();
                quoted = true;
                was_quoted = true;
            }
            '\\' if quoted => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' if !quoted => {
                items.push(finish_item(&current, was_quoted));
                current.clear();
                was_quoted = false;
            }
            c => current.push(c),
        }
    }
    items.push(finish_item(&current, was_quoted));
    items
}

fn finish_item(item: &str, quoted: bool) -> String {
    if quoted {
        item.trim_end().to_owned()
    } else {
        item.trim().to_owned()
    }
}

/// Joins header list items, quoting those that contain a comma or a double quote.
pub(crate) fn join_header_item(out: &mut String, item: &str, quote_strings: bool) {
    if !out.is_empty() {
        out.push_str(", ");
    }
    if quote_strings && (item.contains(',') || item.contains('"')) {
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_split_on_commas_outside_quotes() {
        assert_eq!(split_header_list("a, b,c", false), ["a", "b", "c"]);
        assert_eq!(split_header_list(r#""b,c", "\"quoted\"", d"#, false), ["b,c", "\"quoted\"", "d"]);
        assert_eq!(
            split_header_list("Mon, 16 Dec 2019 23:48:18 GMT, Mon, 16 Dec 2019 23:48:18 GMT", true),
            ["Mon, 16 Dec 2019 23:48:18 GMT", "Mon, 16 Dec 2019 23:48:18 GMT"]
        );
    }

    #[test]
    fn floats_print_short_and_name_non_finite_values() {
        let mut out = String::new();
        push_float(&mut out, 1.5, false);
        out.push(' ');
        push_float(&mut out, f64::NEG_INFINITY, false);
        out.push(' ');
        push_float(&mut out, 0.1f32.into(), true);
        assert_eq!(out, "1.5 -Infinity 0.1");
    }
}
