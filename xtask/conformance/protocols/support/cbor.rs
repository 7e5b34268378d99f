//! A small CBOR decoder (RFC 8949) into JSON values, for comparing `smithy-rpc-v2-cbor` bodies
//! by meaning as botocore does: byte strings become text, tagged timestamps their seconds, and
//! the special floats botocore's strings.

use serde_json::{Map, Number, Value as Json};

/// Decodes one data item that must fill `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Json, String> {
    let mut d = Decoder { bytes, pos: 0 };
    let value = d.item()?;
    if d.pos != bytes.len() {
        return Err(format!("{} bytes after the data item", bytes.len() - d.pos));
    }
    Ok(value)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// The "break" stop code of indefinite-length items, as a sentinel.
const BREAK: &str = "\u{0}break";

impl Decoder<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// The argument of a head: the additional info itself or the 1, 2, 4 or 8 bytes after it.
    fn argument(&mut self, info: u8) -> Result<Option<u64>, String> {
        Ok(Some(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().map_err(|_| "short")?)),
            26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().map_err(|_| "short")?)),
            27 => u64::from_be_bytes(self.take(8)?.try_into().map_err(|_| "short")?),
            31 => return Ok(None),
            _ => return Err(format!("reserved additional info {info} at byte {}", self.pos)),
        }))
    }

    fn item(&mut self) -> Result<Json, String> {
        let head = self.take(1)?[0];
        let (major, info) = (head >> 5, head & 0x1f);
        if major == 7 {
            return self.simple(info);
        }
        let arg = self.argument(info)?;
        match (major, arg) {
            (0, Some(n)) => Ok(Json::from(n)),
            (1, Some(n)) => {
                let v = -1 - i128::from(n);
                Ok(i64::try_from(v).map_or_else(|_| Json::from(v as f64), Json::from))
            }
            (2 | 3, Some(n)) => {
                let bytes = self.take(usize::try_from(n).map_err(|e| e.to_string())?)?;
                Ok(Json::String(String::from_utf8_lossy(bytes).into_owned()))
            }
            (2 | 3, None) => {
                let mut text = String::new();
                loop {
                    match self.item()? {
                        Json::String(s) if s == BREAK => return Ok(Json::String(text)),
                        Json::String(s) => text.push_str(&s),
                        other => return Err(format!("chunk {other} in an indefinite string")),
                    }
                }
            }
            (4, n) => {
                let mut items = Vec::new();
                loop {
                    if n.is_some_and(|n| items.len() as u64 == n) {
                        return Ok(Json::Array(items));
                    }
                    match self.item()? {
                        Json::String(s) if s == BREAK && n.is_none() => return Ok(Json::Array(items)),
                        item => items.push(item),
                    }
                }
            }
            (5, n) => {
                let mut map = Map::new();
                let mut count = 0u64;
                loop {
                    if n.is_some_and(|n| count == n) {
                        return Ok(Json::Object(map));
                    }
                    let key = match self.item()? {
                        Json::String(s) if s == BREAK && n.is_none() => return Ok(Json::Object(map)),
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    map.insert(key, self.item()?);
                    count += 1;
                }
            }
            // Tag 1 is an epoch timestamp; other tags are transparent here.
            (6, Some(_)) => self.item(),
            _ => Err(format!("malformed item {head:#04x} at byte {}", self.pos - 1)),
        }
    }

    fn simple(&mut self, info: u8) -> Result<Json, String> {
        let float = match info {
            20 => return Ok(Json::Bool(false)),
            21 => return Ok(Json::Bool(true)),
            22 | 23 => return Ok(Json::Null),
            25 => half(u16::from_be_bytes(self.take(2)?.try_into().map_err(|_| "short")?)),
            26 => f64::from(f32::from_be_bytes(self.take(4)?.try_into().map_err(|_| "short")?)),
            27 => f64::from_be_bytes(self.take(8)?.try_into().map_err(|_| "short")?),
            31 => return Ok(Json::String(BREAK.into())),
            _ => return Err(format!("unsupported simple value {info} at byte {}", self.pos)),
        };
        Ok(if float.is_nan() {
            Json::String("NaN".into())
        } else if float.is_infinite() {
            Json::String(if float > 0.0 { "Infinity" } else { "-Infinity" }.into())
        } else {
            Number::from_f64(float).map_or(Json::Null, Json::Number)
        })
    }
}

/// An IEEE 754 half-precision float.
fn half(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    sign * match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mant / 1024.0) * 2f64.powi(exp - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_shapes_the_cases_use() {
        // {"a": [1, -2, 1.5, true, null], "b": h'6869'} with an indefinite map around it.
        let bytes =
            [0xbf, 0x61, b'a', 0x85, 0x01, 0x21, 0xf9, 0x3e, 0x00, 0xf5, 0xf6, 0x61, b'b', 0x42, b'h', b'i', 0xff];
        assert_eq!(decode(&bytes).unwrap(), json!({"a": [1, -2, 1.5, true, null], "b": "hi"}));
        assert_eq!(decode(&[0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]).unwrap(), json!("NaN"));
        assert_eq!(decode(&[0xc1, 0x1a, 0, 0, 0, 10]).unwrap(), json!(10));
        assert!(decode(&[0x82, 0x01]).is_err());
    }
}
