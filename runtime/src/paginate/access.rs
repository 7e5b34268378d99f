//! Reading and writing typed values by member path, for what botocore does to its parsed dicts:
//! injecting tokens into the input, cutting result lists, and merging pages.

use crate::jmespath::Val;
use crate::shape::{Shape, Value, ValueMut};
use crate::types::{base64_decode, DateTime, Document, TimestampFormat};

/// The member at `path` (model names), for writing. Structures on the way are created when absent,
/// so callers check first that the value exists when they only mean to change it.
pub fn value_at_mut<'v>(shape: &'v mut dyn Shape, path: &[&str]) -> Option<&'v mut dyn Value> {
    let (first, rest) = path.split_first()?;
    let (i, _) = shape.schema().member(first)?;
    let value = shape.field_mut(i)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value.get_mut() {
        ValueMut::Shape(inner) => value_at_mut(inner, rest),
        _ => None,
    }
}

/// Writes a JSON-like value (a token, or a value copied from another output) into a typed value,
/// converting as botocore's serialisers would accept it: numbers from numeric strings and back,
/// blobs from base64 text, timestamps from epoch seconds or ISO 8601.
pub fn set_from_document(target: &mut dyn Value, doc: &Document) -> Result<(), String> {
    if doc.is_null() {
        target.set_absent();
        return Ok(());
    }
    let text = || doc.as_str().map(str::to_owned).unwrap_or_else(|| doc.to_json_string());
    let int = || -> Result<i64, String> {
        doc.as_i64()
            .or_else(|| doc.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| format!("expected an integer, got {doc}"))
    };
    let float = || -> Result<f64, String> {
        doc.as_f64()
            .or_else(|| doc.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| format!("expected a number, got {doc}"))
    };
    let narrow = |n: i64| format!("{n} is out of range");
    match target.get_mut() {
        ValueMut::Bool(b) => *b = doc.as_bool().ok_or_else(|| format!("expected a boolean, got {doc}"))?,
        ValueMut::Byte(v) => *v = int()?.try_into().map_err(|_| narrow(int().unwrap_or_default()))?,
        ValueMut::Short(v) => *v = int()?.try_into().map_err(|_| narrow(int().unwrap_or_default()))?,
        ValueMut::Int(v) => *v = int()?.try_into().map_err(|_| narrow(int().unwrap_or_default()))?,
        ValueMut::Long(v) => *v = int()?,
        ValueMut::Float(v) => *v = float()? as f32,
        ValueMut::Double(v) => *v = float()?,
        ValueMut::Str(s) => *s = text(),
        ValueMut::Enum(e) => e.set_str(&text()),
        ValueMut::Blob(b) => {
            let s = doc.as_str().ok_or_else(|| format!("expected base64 text, got {doc}"))?;
            *b = base64_decode(s).map_err(|e| e.to_string())?.into();
        }
        ValueMut::Timestamp(t) => {
            *t = match doc.as_f64() {
                Some(secs) => DateTime::try_from_fractional_secs(secs).map_err(|e| e.to_string())?,
                // Python's `str(datetime)` (`json.dumps(..., default=str)`) separates the date
                // and the time with a space where RFC 3339 has a `T`.
                None => {
                    let mut text = text();
                    if text.as_bytes().get(10) == Some(&b' ') {
                        text.replace_range(10..11, "T");
                    }
                    DateTime::parse(&text, TimestampFormat::DateTime).map_err(|e| e.to_string())?
                }
            }
        }
        ValueMut::Document(d) => *d = doc.clone(),
        ValueMut::List(list) => {
            let items = doc.as_array().ok_or_else(|| format!("expected a list, got {doc}"))?;
            for item in items {
                set_from_document(list.push_default(), item)?;
            }
        }
        ValueMut::Map(map) => {
            let entries = doc.as_object().ok_or_else(|| format!("expected an object, got {doc}"))?;
            for (k, v) in entries {
                set_from_document(map.entry_mut(k), v)?;
            }
        }
        ValueMut::Shape(shape) => {
            let entries = doc.as_object().ok_or_else(|| format!("expected an object, got {doc}"))?;
            for (k, v) in entries {
                let (i, _) =
                    shape.schema().member(k).ok_or_else(|| format!("no member {k:?} in {}", shape.schema().name))?;
                if let Some(field) = shape.field_mut(i) {
                    set_from_document(field, v)?;
                }
            }
        }
        ValueMut::Stream(_) | ValueMut::EventStream(_) => {
            return Err("a streaming body cannot be set from a token".to_owned())
        }
    }
    Ok(())
}

/// Moves `from` onto the end of `into`, as botocore's `build_full_result` merges a result key:
/// lists are concatenated, numbers added, strings appended; any other value is taken from the
/// first page that has it.
pub fn merge_into(into: &mut dyn Value, from: &mut dyn Value) -> Result<(), String> {
    let absent = into.get().is_none();
    let copy = match (into.get_mut(), from.get_mut()) {
        (ValueMut::List(a), ValueMut::List(b)) => {
            if a.append_from(b) {
                false
            } else {
                // Lists of different element types: copy through documents.
                let items: Vec<Document> = (0..b.len())
                    .map(|i| b.item(i).and_then(|v| v.get()).map(|v| Val::from(v).to_document()).unwrap_or_default())
                    .collect();
                for item in &items {
                    set_from_document(a.push_default(), item)?;
                }
                false
            }
        }
        (ValueMut::Int(a), ValueMut::Int(b)) => {
            *a = a.saturating_add(*b);
            false
        }
        (ValueMut::Long(a), ValueMut::Long(b)) => {
            *a = a.saturating_add(*b);
            false
        }
        (ValueMut::Double(a), ValueMut::Double(b)) => {
            *a += *b;
            false
        }
        (ValueMut::Str(a), ValueMut::Str(b)) => {
            a.push_str(b);
            false
        }
        _ => absent,
    };
    if copy {
        let doc = from.get().map(|v| Val::from(v).to_document()).unwrap_or_default();
        set_from_document(into, &doc)?;
    }
    Ok(())
}
