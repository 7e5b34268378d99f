//! Resume tokens, encoded exactly as botocore's `TokenEncoder` encodes them, so a token printed by
//! boto3 resumes here and the other way round: base64 of the JSON that Python's `json.dumps`
//! writes for the dict of input tokens (plus `boto_truncate_amount` when a page was cut short,
//! and `boto_encoded_keys` when bytes had to be base64-encoded first).

use core::fmt::Write;

use crate::types::{base64_decode, base64_encode, Document, Number};
use crate::Map;

/// The key botocore adds for the number of items of the page to skip when resuming.
pub const TRUNCATE_KEY: &str = "boto_truncate_amount";
/// The key botocore adds listing the paths of values that were bytes.
pub const ENCODED_KEYS: &str = "boto_encoded_keys";

/// The input tokens of the next request, by input member name, in the model's order; a null
/// value means the member is left unset.
pub type Tokens = Map<String, Document>;

/// Encodes `tokens` (with the truncation amount, when a page was cut) as botocore does.
/// `encoded_keys` are the paths of values that were bytes, already base64 text in `tokens`.
pub fn encode(tokens: &Tokens, truncate: Option<usize>, encoded_keys: &[Document]) -> String {
    let mut doc = tokens.clone();
    if let Some(n) = truncate {
        doc.insert(TRUNCATE_KEY.to_owned(), Document::from(n as u64));
    }
    if !encoded_keys.is_empty() {
        doc.insert(ENCODED_KEYS.to_owned(), Document::Array(encoded_keys.to_vec()));
    }
    let mut json = String::new();
    python_json(&Document::Object(doc), &mut json);
    base64_encode(json.as_bytes())
}

/// Decodes a starting token into the input tokens and the number of items to skip.
///
/// Like botocore, a token that is not base64 JSON is read in the old `a___b___3` format, and a
/// token in neither format is passed to the service as the first input token.
pub fn decode(token: &str, input_tokens: &[&str]) -> Result<(Tokens, usize), String> {
    let decoded = base64_decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|json| Document::from_json(&json).ok());
    if let Some(Document::Object(mut tokens)) = decoded {
        // The typed input knows which members are blobs, and decodes their base64 text itself.
        tokens.shift_remove(ENCODED_KEYS);
        let skip = match tokens.shift_remove(TRUNCATE_KEY) {
            None => 0,
            Some(n) => n.as_u64().ok_or_else(|| format!("bad {TRUNCATE_KEY} in starting token"))? as usize,
        };
        return Ok((tokens, skip));
    }
    let mut parts: Vec<&str> = token.split("___").collect();
    let mut skip = 0;
    if parts.len() == input_tokens.len() + 1 {
        match parts.last().and_then(|p| p.parse::<usize>().ok()) {
            Some(n) => {
                skip = n;
                parts.pop();
            }
            None => parts = vec![token],
        }
    }
    if parts.len() > input_tokens.len() {
        return Err(format!("bad starting token: {token}"));
    }
    let mut tokens = Tokens::new();
    for (i, name) in input_tokens.iter().enumerate() {
        let value = match parts.get(i) {
            Some(&"None") | None => Document::Null,
            Some(part) => Document::String((*part).to_owned()),
        };
        tokens.insert((*name).to_owned(), value);
    }
    Ok((tokens, skip))
}

/// JSON as Python's `json.dumps` writes it with default settings: `", "` and `": "` separators
/// and every non-ASCII character escaped.
pub fn python_json(d: &Document, out: &mut String) {
    match d {
        Document::Null => out.push_str("null"),
        Document::Bool(true) => out.push_str("true"),
        Document::Bool(false) => out.push_str("false"),
        Document::Number(Number::PosInt(n)) => {
            let _ = write!(out, "{n}");
        }
        Document::Number(Number::NegInt(n)) => {
            let _ = write!(out, "{n}");
        }
        Document::Number(Number::Float(f)) => python_float(*f, out),
        Document::String(s) => crate::percent::python_json_string(s, out),
        Document::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(item, out);
            }
            out.push(']');
        }
        Document::Object(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                crate::percent::python_json_string(k, out);
                out.push_str(": ");
                python_json(v, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr` of a float, which `json.dumps` uses: shortest round-trip digits, always with a
/// fraction or exponent, exponent form from 1e16 and below 1e-4.
fn python_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if f != 0.0 && (f.abs() >= 1e16 || f.abs() < 1e-4) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let _ = write!(out, "{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else {
        let _ = write!(out, "{f:?}");
    }
}
