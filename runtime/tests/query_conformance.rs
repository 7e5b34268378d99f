//! Runs every request case of the AWS protocol test suites for `query` and `ec2`
//! (`shared/conformance/protocols/{,legacy/}input/{query,ec2}.json`) through
//! `tucuxi::protocol::query::write_query` and compares the body.
//!
//! The suites describe their shapes in botocore's JSON model format and their inputs as JSON, so
//! this file turns both into the runtime's forms at run time: schemas are built from the model
//! and leaked (a test process may), and inputs become [`Dyn`] values that implement the
//! reflection traits. Cases without a body to compare (request compression, which only checks
//! headers) are counted as skipped, and so are the idempotency-token cases whose input leaves
//! the token out: filling it is the job of the layer that runs before the serialiser.
//!
//! `cargo test -p tucuxi --test query_conformance -- --nocapture` prints one line per case that
//! is skipped or fails.

use std::fs;
use std::path::Path;

use tucuxi::protocol::query::write_query;
use tucuxi::schema::{flags, shape_flags, Member, Schema, ShapeKind};
use tucuxi::shape::{ListValue, MapValue, Shape, Value, ValueMut, ValueRef};
use tucuxi::types::{Document, Number, TimestampFormat};
use tucuxi::{DateTime, Map};

const SUITES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/protocols");

/// How deep a recursive model is unrolled; the suites' inputs nest five levels at most.
const UNROLL: usize = 12;

type Shapes = Map<String, Document>;

fn get<'a>(object: &'a Document, key: &str) -> Option<&'a Document> {
    match object {
        Document::Object(map) => map.get(key),
        _ => None,
    }
}

fn text<'a>(object: &'a Document, key: &str) -> Option<&'a str> {
    match get(object, key) {
        Some(Document::String(s)) => Some(s),
        _ => None,
    }
}

fn truthy(object: &Document, key: &str) -> bool {
    matches!(get(object, key), Some(Document::Bool(true)))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// A member built from a member reference (`{"shape": ..., "locationName": ...}`).
fn member(name: &str, reference: &Document, shapes: &Shapes, depth: usize) -> Member {
    let target_name = text(reference, "shape").unwrap_or_default();
    let target = schema(target_name, shapes, depth + 1);
    let mut member = Member::new(leak_str(name), target);
    if let Some(location_name) = text(reference, "locationName") {
        member = member.named(leak_str(location_name));
    }
    if let Some(query_name) = text(reference, "queryName") {
        member = member.query_name(leak_str(query_name));
    }
    if truthy(reference, "flattened") {
        member = member.flags(flags::FLATTENED);
    }
    // A member's own format beats its target's, as the generator merges them.
    let format =
        text(reference, "timestampFormat").or_else(|| shapes.get(target_name).and_then(|s| text(s, "timestampFormat")));
    match format {
        Some("unixTimestamp") => member.ts(TimestampFormat::EpochSeconds),
        Some("rfc822") => member.ts(TimestampFormat::HttpDate),
        Some("iso8601") => member.ts(TimestampFormat::DateTime),
        _ => member,
    }
}

fn schema(name: &str, shapes: &Shapes, depth: usize) -> &'static Schema {
    let Some(shape) = shapes.get(name).filter(|_| depth < UNROLL) else {
        return Box::leak(Box::new(Schema::structure("Unrolled", &[])));
    };
    let name = leak_str(name);
    let kind = match text(shape, "type").unwrap_or_default() {
        "structure" => ShapeKind::Structure,
        "list" => ShapeKind::List,
        "map" => ShapeKind::Map,
        "string" if get(shape, "enum").is_some() => ShapeKind::Enum,
        "string" => ShapeKind::String,
        "boolean" => ShapeKind::Boolean,
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "timestamp" => ShapeKind::Timestamp,
        "blob" => ShapeKind::Blob,
        other => panic!("shape type {other} is not in the query suites"),
    };
    let members: Vec<Member> = match kind {
        ShapeKind::Structure => match get(shape, "members") {
            Some(Document::Object(members)) => {
                members.iter().map(|(member_name, reference)| member(member_name, reference, shapes, depth)).collect()
            }
            _ => Vec::new(),
        },
        ShapeKind::List => vec![member("member", get(shape, "member").unwrap_or(&Document::Null), shapes, depth)],
        ShapeKind::Map => vec![
            member("key", get(shape, "key").unwrap_or(&Document::Null), shapes, depth),
            member("value", get(shape, "value").unwrap_or(&Document::Null), shapes, depth),
        ],
        _ => Vec::new(),
    };
    let members: &'static [Member] = Box::leak(members.into_boxed_slice());
    let mut schema = match kind {
        ShapeKind::Structure => Schema::structure(name, members),
        ShapeKind::List => match members {
            [element] => Schema::list(name, Box::leak(Box::new([*element]))),
            _ => unreachable!("a list has one member"),
        },
        ShapeKind::Map => match members {
            [key, value] => Schema::map(name, Box::leak(Box::new([*key, *value]))),
            _ => unreachable!("a map has two members"),
        },
        kind => Schema::primitive(name, kind),
    };
    if truthy(shape, "flattened") {
        schema = schema.flags(shape_flags::FLATTENED);
    }
    Box::leak(Box::new(schema))
}

/// An input value of any shape, built from the case's JSON `params`.
enum Dyn {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Blob(Vec<u8>),
    Timestamp(DateTime),
    List(DynList),
    Map(DynMap),
    Struct(DynStruct),
}

impl Default for Dyn {
    fn default() -> Self {
        Dyn::Str(String::new())
    }
}

struct DynList(Vec<Dyn>);
struct DynMap(Map<String, Dyn>);
struct DynStruct {
    schema: &'static Schema,
    fields: Vec<Option<Dyn>>,
}

impl Value for Dyn {
    fn get(&self) -> Option<ValueRef<'_>> {
        Some(match self {
            Dyn::Bool(b) => ValueRef::Bool(*b),
            Dyn::Int(n) => ValueRef::Int(*n),
            Dyn::Float(f) => ValueRef::Float(*f),
            Dyn::Str(s) => ValueRef::Str(s),
            Dyn::Blob(b) => ValueRef::Blob(b),
            Dyn::Timestamp(t) => ValueRef::Timestamp(*t),
            Dyn::List(list) => ValueRef::List(list),
            Dyn::Map(map) => ValueRef::Map(map),
            Dyn::Struct(shape) => ValueRef::Shape(shape),
        })
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        match self {
            Dyn::Bool(b) => ValueMut::Bool(b),
            Dyn::Int(n) => ValueMut::Long(n),
            Dyn::Float(f) => ValueMut::Double(f),
            Dyn::Str(s) => ValueMut::Str(s),
            Dyn::Blob(_) | Dyn::Timestamp(_) => unimplemented!("the serialiser only reads"),
            Dyn::List(list) => ValueMut::List(list),
            Dyn::Map(map) => ValueMut::Map(map),
            Dyn::Struct(shape) => ValueMut::Shape(shape),
        }
    }
}

impl ListValue for DynList {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn item(&self, i: usize) -> Option<&dyn Value> {
        self.0.as_slice().get(i).map(|v| v as &dyn Value)
    }
    fn push_default(&mut self) -> &mut dyn Value {
        self.0.push(Dyn::default());
        self.0.last_mut().expect("just pushed")
    }
}

impl MapValue for DynMap {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn entry(&self, i: usize) -> Option<(&str, &dyn Value)> {
        self.0.get_index(i).map(|(k, v)| (k.as_str(), v as &dyn Value))
    }
    fn entry_mut(&mut self, key: &str) -> &mut dyn Value {
        indexmap::map::IndexMap::entry(&mut self.0, key.to_owned()).or_default()
    }
}

impl Shape for DynStruct {
    fn schema(&self) -> &'static Schema {
        self.schema
    }
    fn field(&self, i: usize) -> Option<&dyn Value> {
        self.fields.as_slice().get(i)?.as_ref().map(|v| v as &dyn Value)
    }
    fn field_mut(&mut self, i: usize) -> Option<&mut dyn Value> {
        self.fields.as_mut_slice().get_mut(i)?.as_mut().map(|v| v as &mut dyn Value)
    }
}

fn number(json: &Document) -> f64 {
    match json {
        Document::Number(n) => n.as_f64(),
        Document::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("not a number: {other}"),
        },
        other => panic!("not a number: {other:?}"),
    }
}

fn to_dyn(json: &Document, schema: &'static Schema) -> Dyn {
    match schema.kind {
        ShapeKind::Structure => {
            let mut fields: Vec<Option<Dyn>> = schema.members.iter().map(|_| None).collect();
            if let Document::Object(object) = json {
                for (key, value) in object {
                    let (i, member) =
                        schema.member(key).unwrap_or_else(|| panic!("{} has no member {key}", schema.name));
                    fields[i] = Some(to_dyn(value, member.target));
                }
            }
            Dyn::Struct(DynStruct { schema, fields })
        }
        ShapeKind::List => {
            let element = schema.list_member().expect("list member").target;
            let Document::Array(items) = json else { panic!("{} expects an array", schema.name) };
            Dyn::List(DynList(items.iter().map(|item| to_dyn(item, element)).collect()))
        }
        ShapeKind::Map => {
            let (_, value) = schema.map_entry().expect("map entry");
            let Document::Object(entries) = json else { panic!("{} expects an object", schema.name) };
            Dyn::Map(DynMap(entries.iter().map(|(k, v)| (k.clone(), to_dyn(v, value.target))).collect()))
        }
        ShapeKind::Boolean => Dyn::Bool(matches!(json, Document::Bool(true))),
        ShapeKind::Integer | ShapeKind::Long => match json {
            Document::Number(Number::PosInt(n)) => Dyn::Int(i64::try_from(*n).expect("in range")),
            Document::Number(Number::NegInt(n)) => Dyn::Int(*n),
            other => panic!("not an integer: {other:?}"),
        },
        ShapeKind::Float | ShapeKind::Double => Dyn::Float(number(json)),
        ShapeKind::Timestamp => Dyn::Timestamp(DateTime::from_fractional_secs(number(json))),
        ShapeKind::Blob => match json {
            Document::String(s) => Dyn::Blob(s.clone().into_bytes()),
            other => panic!("not a blob: {other:?}"),
        },
        _ => match json {
            Document::String(s) => Dyn::Str(s.clone()),
            other => panic!("not a string: {other:?}"),
        },
    }
}

/// The case ids the suites' ignore list names for a protocol.
fn ignored(root: &Path, protocol: &str) -> Vec<String> {
    let list = fs::read_to_string(root.join("protocol-tests-ignore-list.json")).expect("ignore list");
    let list = Document::from_json(&list).expect("ignore list is JSON");
    let cases = get(&list, "protocols")
        .and_then(|p| get(p, protocol))
        .and_then(|p| get(p, "input"))
        .and_then(|p| get(p, "cases"));
    match cases {
        Some(Document::Array(ids)) => {
            ids.iter().filter_map(|id| if let Document::String(s) = id { Some(s.clone()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

#[test]
fn query_and_ec2_request_conformance() {
    let root = Path::new(SUITES);
    assert!(
        root.is_dir(),
        "the protocol suites are missing: expected {} (shared/conformance beside the repository)",
        root.display()
    );
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (file, ec2) in [
        ("input/query.json", false),
        ("legacy/input/query.json", false),
        ("input/ec2.json", true),
        ("legacy/input/ec2.json", true),
    ] {
        let ignore = ignored(root, if ec2 { "ec2" } else { "query" });
        let json = fs::read_to_string(root.join(file)).expect("suite file");
        let Document::Array(suites) = Document::from_json(&json).expect("suite is JSON") else {
            panic!("{file} is not a list")
        };
        for suite in &suites {
            let version = get(suite, "metadata").and_then(|m| text(m, "apiVersion")).unwrap_or_default();
            let shapes = match get(suite, "shapes") {
                Some(Document::Object(shapes)) => shapes.clone(),
                _ => Map::new(),
            };
            let Some(Document::Array(cases)) = get(suite, "cases") else { continue };
            for (index, case) in cases.iter().enumerate() {
                let given = get(case, "given").expect("given");
                let id = text(case, "id").map_or_else(
                    || format!("{file} {} #{index}", text(suite, "description").unwrap_or_default()),
                    str::to_owned,
                );
                let Some(expected) = get(case, "serialized").and_then(|s| text(s, "body")) else {
                    println!("SKIP {id}: no body to compare");
                    skipped += 1;
                    continue;
                };
                let params = get(case, "params").cloned().unwrap_or(Document::Object(Map::new()));
                let input_name = get(given, "input").and_then(|i| text(i, "shape"));
                let schema = match input_name {
                    Some(name) => schema(name, &shapes, 0),
                    None => Box::leak(Box::new(Schema::structure("Unit", &[]))),
                };
                let idempotency = schema.members.iter().any(|m| {
                    let reference = input_name
                        .and_then(|n| shapes.get(n))
                        .and_then(|s| get(s, "members"))
                        .and_then(|ms| get(ms, m.name));
                    reference.is_some_and(|r| truthy(r, "idempotencyToken"))
                        && !matches!(&params, Document::Object(p) if p.contains_key(m.name))
                });
                if idempotency {
                    println!("SKIP {id}: the idempotency token is filled before serialisation");
                    skipped += 1;
                    continue;
                }
                let Dyn::Struct(input) = to_dyn(&params, schema) else { unreachable!("inputs are structures") };
                let mut body = String::new();
                let action = text(given, "name").unwrap_or_default();
                let result = write_query(ec2, action, version, &input, schema, &mut body);
                let note = if ignore.contains(&id) { " (on the ignore list)" } else { "" };
                match result {
                    Ok(()) if body == expected => {
                        if !note.is_empty() {
                            println!("PASS {id}{note}");
                        }
                        passed += 1;
                    }
                    Ok(()) => {
                        println!("FAIL {id}{note}:\n  expected {expected}\n  actual   {body}");
                        failed += 1;
                    }
                    Err(e) => {
                        println!("FAIL {id}{note}: {e}");
                        failed += 1;
                    }
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    assert_eq!(failed, 0, "{failed} query/ec2 request cases failed; see the FAIL lines above");
}
