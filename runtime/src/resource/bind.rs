//! boto3's parameter and identifier binding (`boto3/resources/params.py` and the response
//! handler), over documents and typed values: one copy for every action, collection, batch action,
//! reference and waiter of every service.

use crate::error::ErrorKind;
use crate::jmespath::{Expression, Val};
use crate::paginate::access::set_from_document;
use crate::shape::{Shape, ValueMut, ValueRef};
use crate::types::Document;
use crate::{Error, Map};

/// Where one value of a request parameter or of a new resource's identifier comes from, as
/// `resources-1.json` spells it.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// The owning resource's identifier, by position in its identifier list.
    Identifier(usize),
    /// A JMESPath expression over the owning resource's loaded data (loading it if needed).
    Data(&'static str),
    /// A constant string.
    Str(&'static str),
    /// A constant integer.
    Int(i64),
    /// A constant boolean.
    Bool(bool),
    /// A value the caller passes (sub-resources: their method's arguments, in order).
    Input(usize),
    /// A JMESPath expression over the request that was sent.
    RequestParameter(&'static str),
    /// A JMESPath expression over the response.
    Response(&'static str),
}

/// One request parameter: `target` is a path into the input (`Delete.Objects[].Key`).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub target: &'static str,
    pub source: Source,
}

/// How a response (or loaded data) becomes resources: one source per identifier of the new
/// resource, in its identifier order, and the path of each resource's data in the response.
#[derive(Clone, Copy, Debug)]
pub struct ResourceRef {
    pub identifiers: &'static [Source],
    pub path: Option<&'static str>,
}

/// What binding can see: the owning resource's identifiers and data, the caller's inputs, the
/// request sent and the response received.
#[derive(Default)]
pub(crate) struct Scope<'a> {
    pub ids: &'a [String],
    pub data: Option<&'a dyn Shape>,
    pub inputs: &'a [String],
    pub request: Option<&'a Document>,
    pub response: Option<Val<'a>>,
}

pub(crate) fn bind_error(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

fn response_error(message: String) -> Error {
    Error::new(ErrorKind::Response, message)
}

fn search<'a>(path: &str, value: Val<'a>) -> Result<Document, Error> {
    let expr = Expression::parse(path).map_err(|e| bind_error(format!("resource path {path:?}: {e}")))?;
    let found = expr.search(value).map_err(|e| response_error(format!("resource path {path:?}: {}", e.message)))?;
    Ok(found.to_document())
}

/// The value of `source` in `scope`, as a document (null when absent).
pub(crate) fn value_of(source: &Source, scope: &Scope<'_>) -> Result<Document, Error> {
    Ok(match *source {
        Source::Identifier(i) => scope.ids.get(i).map(|s| Document::String(s.clone())).unwrap_or_default(),
        Source::Input(i) => scope.inputs.get(i).map(|s| Document::String(s.clone())).unwrap_or_default(),
        Source::Str(s) => Document::String(s.to_owned()),
        Source::Int(n) => Document::from(n),
        Source::Bool(b) => Document::Bool(b),
        Source::Data(path) => match scope.data {
            Some(data) => search(path, Val::of(data))?,
            None => Document::Null,
        },
        Source::RequestParameter(path) => match scope.request {
            Some(request) => search(path, Val::from_doc(request))?,
            None => Document::Null,
        },
        Source::Response(path) => match &scope.response {
            Some(response) => search(path, response.clone())?,
            None => Document::Null,
        },
    })
}

/// Binds `params` into the parameter document `into`, as boto3's `create_request_parameters`:
/// `index` is the position of the resource in a batch (`Objects[].Key` of the 3rd resource goes
/// to `Objects[2].Key`).
pub(crate) fn bind(
    params: &[Param],
    scope: &Scope<'_>,
    index: Option<usize>,
    into: &mut Document,
) -> Result<(), Error> {
    for param in params {
        let value = value_of(&param.source, scope)?;
        build_param_structure(into, param.target, value, index)?;
    }
    Ok(())
}

/// boto3's `build_param_structure`: walks `target` (`A.B[].C`, `A[0]`, `A[*]`) through `params`,
/// creating objects and lists, and sets the value at its end.
pub(crate) fn build_param_structure(
    params: &mut Document,
    target: &str,
    value: Document,
    index: Option<usize>,
) -> Result<(), Error> {
    let parts: Vec<&str> = target.split('.').collect();
    let mut index = index;
    let mut pos = params;
    let mut value = Some(value);
    for (i, raw) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        // Moved, not reborrowed, so that `pos` can take a child of it below.
        let cur = pos;
        if !matches!(cur, Document::Object(_)) {
            *cur = Document::Object(Map::new());
        }
        let Some(map) = cur.as_object_mut() else { return Err(bind_error(format!("bad target {target:?}"))) };
        let bracket = raw.strip_suffix(']').and_then(|r| r.rfind('[').map(|at| (&r[..at], &r[at + 1..])));
        match bracket {
            Some((name, inner)) => {
                if !inner.is_empty() && inner != "*" {
                    index = Some(inner.parse().map_err(|_| bind_error(format!("bad index in target {target:?}")))?);
                }
                let list = map.entry(name.to_owned()).or_insert_with(|| Document::Array(Vec::new()));
                if !matches!(list, Document::Array(_)) {
                    *list = Document::Array(Vec::new());
                }
                let Some(items) = list.as_array_mut() else { return Err(bind_error(format!("bad target {target:?}"))) };
                let at = *index.get_or_insert(items.len());
                if at > 10_000 {
                    return Err(bind_error(format!("index {at} in target {target:?} is too large")));
                }
                while items.len() <= at {
                    items.push(Document::Object(Map::new()));
                }
                if last {
                    items[at] = value.take().unwrap_or_default();
                    break;
                } else {
                    pos = &mut items[at];
                }
            }
            None => {
                let entry = map.entry((*raw).to_owned()).or_insert_with(|| Document::Object(Map::new()));
                if last {
                    *entry = value.take().unwrap_or_default();
                    break;
                } else {
                    pos = entry;
                }
            }
        }
    }
    Ok(())
}

/// Whether `target` runs over every element of a list (`MetricData[].MetricName`, CloudWatch's
/// `Metric.put_data`), rather than naming one place.
pub(crate) fn is_spread(target: &str) -> bool {
    target.contains("[]") || target.contains("[*]")
}

/// Binds a [spread](is_spread) parameter into a typed input after the caller's changes: the
/// value goes to every element the caller gave (one new element when there is none), and an
/// element whose member the caller set keeps it. boto3 builds a single element and lets a
/// caller's own list replace it, so its callers repeat the identifier in every element; binding
/// afterwards spares them that, and the list setters, which add, cannot duplicate the element.
pub(crate) fn spread(input: &mut dyn Shape, target: &str, value: &Document) -> Result<(), Error> {
    let unsupported = || bind_error(format!("resource target {target:?}: only `List[].member` spreads are supported"));
    let (list_name, rest) = target.split_once("[]").or_else(|| target.split_once("[*]")).ok_or_else(unsupported)?;
    let rest = rest.strip_prefix('.').ok_or_else(unsupported)?;
    if list_name.contains(['.', '[']) || rest.contains('[') || rest.is_empty() {
        return Err(unsupported());
    }
    let schema = input.schema();
    let (i, _) = schema
        .member(list_name)
        .ok_or_else(|| bind_error(format!("resource parameter {list_name:?} is not a member of {}", schema.name)))?;
    let Some(field) = input.field_mut(i) else { return Ok(()) };
    let ValueMut::List(list) = field.get_mut() else {
        return Err(bind_error(format!("resource target {target:?}: {list_name} is not a list")));
    };
    if list.is_empty() {
        list.push_default();
    }
    let mut doc = Document::Object(Map::new());
    build_param_structure(&mut doc, rest, value.clone(), None)?;
    for k in 0..list.len() {
        let Some(item) = list.item_mut(k) else { continue };
        if caller_set(item, rest) {
            continue;
        }
        set_from_document(item, &doc).map_err(|e| bind_error(format!("resource parameter {target:?}: {e}")))?;
    }
    Ok(())
}

/// Whether the member at `path` (dotted member names) of `value` holds something: present and,
/// for text, not empty (a required string member of a new element is empty, not absent).
fn caller_set(value: &dyn crate::shape::Value, path: &str) -> bool {
    let mut at = value.get();
    for name in path.split('.') {
        let Some(ValueRef::Shape(shape)) = at else { return false };
        let Some((i, _)) = shape.schema().member(name) else { return false };
        at = shape.field(i).and_then(|f| f.get());
    }
    match at {
        None => false,
        Some(ValueRef::Str(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// Writes a parameter document into a typed input, member by member (members the document does
/// not name keep their values).
pub(crate) fn apply(params: &Document, input: &mut dyn Shape) -> Result<(), Error> {
    let Some(entries) = params.as_object() else { return Ok(()) };
    for (key, value) in entries {
        let schema = input.schema();
        let (i, _) = schema
            .member(key)
            .ok_or_else(|| bind_error(format!("resource parameter {key:?} is not a member of {}", schema.name)))?;
        if let Some(field) = input.field_mut(i) {
            set_from_document(field, value).map_err(|e| bind_error(format!("resource parameter {key:?}: {e}")))?;
        }
    }
    Ok(())
}

/// A typed value from a document (a resource's data from a response item).
pub(crate) fn typed<S: Shape + Default>(doc: &Document) -> Result<S, Error> {
    let mut value = S::default();
    apply_lenient(doc, &mut value).map_err(response_error)?;
    Ok(value)
}

/// As [`apply`], skipping members the shape does not have: a response item can carry members
/// of a richer shape than the resource's.
fn apply_lenient(doc: &Document, into: &mut dyn Shape) -> Result<(), String> {
    let Some(entries) = doc.as_object() else { return Ok(()) };
    for (key, value) in entries {
        if let Some((i, _)) = into.schema().member(key) {
            if let Some(field) = into.field_mut(i) {
                set_from_document(field, value)?;
            }
        }
    }
    Ok(())
}

/// A resource a response describes: its identifiers and, when the response carries it, its data.
pub(crate) type Made = (Vec<String>, Option<Document>);

/// One identifier value of new resources: the same for all, one per resource, or absent.
enum IdValue {
    One(String),
    Many(Vec<Option<String>>),
    Missing,
}

fn id_text(doc: &Document) -> Option<String> {
    match doc {
        Document::Null => None,
        Document::String(s) => Some(s.clone()),
        Document::Array(_) | Document::Object(_) => Some(doc.to_json_string()),
        other => Some(other.to_json_string()),
    }
}

/// The identifiers and data of the resources a response (or loaded data) describes, as boto3's
/// `ResourceHandler`: a list-valued identifier makes the result plural, one resource per element.
/// Resources missing an identifier are left out (boto3 returns `None` for them).
pub(crate) fn resources_from(spec: &ResourceRef, scope: &Scope<'_>) -> Result<Vec<Made>, Error> {
    let mut values = Vec::with_capacity(spec.identifiers.len());
    let mut plural = None;
    for source in spec.identifiers {
        let doc = value_of(source, scope)?;
        let value = match doc {
            Document::Array(items) => {
                plural.get_or_insert(items.len());
                IdValue::Many(items.iter().map(id_text).collect())
            }
            doc => id_text(&doc).map(IdValue::One).unwrap_or(IdValue::Missing),
        };
        values.push(value);
    }
    let data = match (spec.path, &scope.response) {
        (Some(path), Some(response)) if path != "$" => Some(search(path, response.clone())?),
        _ => None,
    };
    let mut out = Vec::new();
    let count = plural.unwrap_or(1);
    for i in 0..count {
        let mut ids = Vec::with_capacity(values.len());
        for value in &values {
            match value {
                IdValue::One(s) => ids.push(s.clone()),
                IdValue::Many(items) => match items.get(i).cloned().flatten() {
                    Some(s) => ids.push(s),
                    None => break,
                },
                IdValue::Missing => break,
            }
        }
        if ids.len() != values.len() {
            continue;
        }
        let item = match (&data, plural) {
            (Some(Document::Array(items)), Some(_)) => items.get(i).cloned(),
            (Some(Document::Null), _) | (None, _) => None,
            (Some(doc), _) => Some(doc.clone()),
        };
        out.push((ids, item));
    }
    Ok(out)
}
