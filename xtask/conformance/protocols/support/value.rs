//! Between the cases' JSON and generated values, through the runtime's shape reflection only,
//! so one piece of code serves every case's types.
//!
//! The JSON is botocore's view of a value: structures keyed by member name (never by
//! `locationName`), timestamps as epoch seconds, blobs and streams as UTF-8 text, documents as
//! JSON, enums as their strings, and the special floats as the strings `NaN`, `Infinity` and
//! `-Infinity`.

use std::collections::BTreeSet;

use serde_json::{Map as JsonMap, Number, Value as Json};
use tucuxi::schema::{flags, Member, Schema, ShapeKind};
use tucuxi::shape::{Shape, Value, ValueMut, ValueRef};
use tucuxi::{Blob, ByteStream, DateTime, Document};

/// Fills `shape` from a `params` object. Errors name the JSON path of the bad value.
pub fn fill_shape(shape: &mut dyn Shape, params: &Json) -> Result<(), String> {
    // Legacy cases of operations without input leave `params` out.
    if params.is_null() {
        return Ok(());
    }
    fill_struct(shape, params, "")
}

fn fill_struct(shape: &mut dyn Shape, json: &Json, path: &str) -> Result<(), String> {
    let schema = shape.schema();
    let object = json.as_object().ok_or_else(|| format!("{path}: expected an object for {}", schema.name))?;
    for (key, value) in object {
        let (i, member) =
            schema.member(key).ok_or_else(|| format!("{path}/{key}: {} has no such member", schema.name))?;
        // An explicit null is an absent member, as botocore drops `None` parameters.
        if value.is_null() {
            continue;
        }
        let field = shape.field_mut(i).ok_or_else(|| format!("{path}/{key}: member {i} is not accessible"))?;
        fill(field, member, value, &format!("{path}/{key}"))?;
    }
    Ok(())
}

fn fill(value: &mut dyn Value, member: &Member, json: &Json, path: &str) -> Result<(), String> {
    let bad = |what: &str| format!("{path}: expected {what}, got {json}");
    match value.get_mut() {
        ValueMut::Bool(v) => *v = json.as_bool().ok_or_else(|| bad("a boolean"))?,
        ValueMut::Byte(v) => *v = int(json).and_then(|n| i8::try_from(n).ok()).ok_or_else(|| bad("a byte"))?,
        ValueMut::Short(v) => *v = int(json).and_then(|n| i16::try_from(n).ok()).ok_or_else(|| bad("a short"))?,
        ValueMut::Int(v) => *v = int(json).and_then(|n| i32::try_from(n).ok()).ok_or_else(|| bad("an integer"))?,
        ValueMut::Long(v) => *v = int(json).ok_or_else(|| bad("a long"))?,
        ValueMut::Float(v) => *v = float(json).ok_or_else(|| bad("a float"))? as f32,
        ValueMut::Double(v) => *v = float(json).ok_or_else(|| bad("a double"))?,
        ValueMut::Str(v) => {
            *v = match json {
                Json::String(s) => s.clone(),
                // bigInteger and bigDecimal are strings in Rust but numbers in the cases.
                Json::Number(n) => n.to_string(),
                // A `jsonvalue` string is given as the JSON it carries.
                other if member.has(flags::JSON_VALUE) => other.to_string(),
                _ => return Err(bad("a string")),
            }
        }
        ValueMut::Enum(v) => v.set_str(json.as_str().ok_or_else(|| bad("an enum string"))?),
        ValueMut::Blob(v) => *v = Blob::from(json.as_str().ok_or_else(|| bad("a blob as text"))?),
        ValueMut::Stream(v) => *v = ByteStream::from(json.as_str().ok_or_else(|| bad("a stream as text"))?.to_owned()),
        ValueMut::EventStream(_) => return Err(format!("{path}: input event streams are not supported")),
        ValueMut::Timestamp(v) => *v = timestamp(json).ok_or_else(|| bad("epoch seconds"))?,
        ValueMut::Document(v) => {
            *v = Document::from_json(&json.to_string()).map_err(|e| format!("{path}: {e}"))?;
        }
        ValueMut::List(list) => {
            let items = json.as_array().ok_or_else(|| bad("a list"))?;
            let element = member.target.list_member().ok_or_else(|| format!("{path}: list without a member"))?;
            for (i, item) in items.iter().enumerate() {
                let slot = list.push_default();
                // A null stays the default element: `None` in a sparse list.
                if !item.is_null() {
                    fill(slot, element, item, &format!("{path}/{i}"))?;
                }
            }
        }
        ValueMut::Map(map) => {
            let entries = json.as_object().ok_or_else(|| bad("a map"))?;
            let (_, entry) = member.target.map_entry().ok_or_else(|| format!("{path}: map without key and value"))?;
            for (key, item) in entries {
                let slot = map.entry_mut(key);
                if !item.is_null() {
                    fill(slot, entry, item, &format!("{path}/{key}"))?;
                }
            }
        }
        ValueMut::Shape(shape) => fill_struct(shape, json, path)?,
    }
    Ok(())
}

fn int(json: &Json) -> Option<i64> {
    json.as_i64().or_else(|| json.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
}

fn float(json: &Json) -> Option<f64> {
    match json {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

fn timestamp(json: &Json) -> Option<DateTime> {
    match json {
        Json::Number(n) => n.as_f64().and_then(|secs| DateTime::try_from_fractional_secs(secs).ok()),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A value as botocore's parsed dict, plus the JSON paths (`/A/0/B`) of required members that
/// hold their type's default: Rust cannot tell those from a member the response left out, which
/// botocore's dict would not have, so the comparison may drop them.
#[derive(Debug, Default)]
pub struct Converted {
    pub json: Json,
    pub defaulted: BTreeSet<String>,
    /// The JSON paths of `jsonvalue` members with the text tucuxi hands back, for the cases that
    /// state that text rather than botocore's parsed value.
    pub json_texts: Vec<(String, String)>,
}

/// A structure or union as botocore's parsed dict.
pub fn shape_to_json(shape: &dyn Shape) -> Converted {
    let mut defaulted = BTreeSet::new();
    let mut json_texts = Vec::new();
    let json = struct_json(shape, "", &mut defaulted, &mut json_texts);
    Converted { json, defaulted, json_texts }
}

fn struct_json(
    shape: &dyn Shape,
    path: &str,
    defaulted: &mut BTreeSet<String>,
    json_texts: &mut Vec<(String, String)>,
) -> Json {
    let schema = shape.schema();
    let mut out = JsonMap::new();
    for (i, member) in schema.members.iter().enumerate() {
        let Some(value) = shape.field(i).and_then(Value::get) else { continue };
        let member_path = format!("{path}/{}", member.name);
        let mut json = to_json(value, &member_path, defaulted, json_texts);
        // botocore hands a `jsonvalue` string back parsed.
        if let (true, Json::String(text)) = (member.has(flags::JSON_VALUE), &json) {
            json_texts.push((member_path.clone(), text.clone()));
            json = serde_json::from_str(text).unwrap_or(json);
        }
        if member.has(flags::REQUIRED) && schema.kind == ShapeKind::Structure && is_default(&json, member.target) {
            defaulted.insert(member_path);
        }
        out.insert(member.name.to_owned(), json);
    }
    // botocore reads a union member it does not know as `SDK_UNKNOWN_MEMBER` with its name.
    if schema.kind == ShapeKind::Union && out.is_empty() {
        let mut unknown = JsonMap::new();
        if let Some(name) = shape.unknown_name().filter(|n| !n.is_empty()) {
            unknown.insert("name".into(), Json::String(name.to_owned()));
        }
        out.insert("SDK_UNKNOWN_MEMBER".into(), Json::Object(unknown));
    }
    Json::Object(out)
}

fn to_json(
    value: ValueRef<'_>,
    path: &str,
    defaulted: &mut BTreeSet<String>,
    json_texts: &mut Vec<(String, String)>,
) -> Json {
    match value {
        ValueRef::Bool(b) => Json::Bool(b),
        ValueRef::Int(n) => Json::from(n),
        ValueRef::Float(f) => float_json(f),
        ValueRef::Str(s) => Json::String(s.to_owned()),
        ValueRef::Blob(bytes) => Json::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Stream(stream) => match stream.as_bytes() {
            Some(bytes) => Json::String(String::from_utf8_lossy(bytes).into_owned()),
            None => Json::String("<a stream not held in memory>".into()),
        },
        // The harness drains event streams and puts their events in place of this.
        ValueRef::EventStream(_) => Json::Null,
        ValueRef::Timestamp(t) => float_json(t.as_fractional_secs()),
        ValueRef::Document(d) => serde_json::from_str(&d.to_json_string()).unwrap_or(Json::Null),
        ValueRef::List(list) => Json::Array(
            (0..list.len())
                .map(|i| match list.item(i).and_then(Value::get) {
                    Some(v) => to_json(v, &format!("{path}/{i}"), defaulted, json_texts),
                    None => Json::Null,
                })
                .collect(),
        ),
        ValueRef::Map(map) => {
            let mut out = JsonMap::new();
            for i in 0..map.len() {
                if let Some((key, v)) = map.entry(i) {
                    let json = match v.get() {
                        Some(v) => to_json(v, &format!("{path}/{key}"), defaulted, json_texts),
                        None => Json::Null,
                    };
                    out.insert(key.to_owned(), json);
                }
            }
            Json::Object(out)
        }
        ValueRef::Shape(shape) => struct_json(shape, path, defaulted, json_texts),
    }
}

/// Integral floats stay floats in JSON; the special values become botocore's strings.
fn float_json(f: f64) -> Json {
    if f.is_nan() {
        Json::String("NaN".into())
    } else if f.is_infinite() {
        Json::String(if f > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else {
        Number::from_f64(f).map_or(Json::Null, Json::Number)
    }
}

/// True when `json` is what `Default` gives a required member of shape `target`.
fn is_default(json: &Json, target: &Schema) -> bool {
    match json {
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        // A structure is default when everything it holds is; a map only when it is empty.
        Json::Object(o) => o.is_empty() || target.kind != ShapeKind::Map && o.values().all(|v| is_default(v, target)),
        Json::Null => true,
    }
}
