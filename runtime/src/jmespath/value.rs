//! The values JMESPath expressions see: borrowed typed values, borrowed documents, or values an
//! expression built.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::shape::{ListValue, MapValue, Shape, Value, ValueRef};
use crate::types::{base64_encode, DateTime, Document, Number};
use crate::Map;

/// A JSON-like value seen by an expression.
#[derive(Clone)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// Bytes (botocore's `bytes`): compared by content, converted to base64 text when a
    /// document is built.
    Blob(&'a [u8]),
    /// A timestamp (botocore's `datetime`), ordered by time.
    Timestamp(DateTime),
    Doc(&'a Document),
    /// An owned document (literals are borrowed as [`Val::Doc`]; this is for converted values).
    OwnedDoc(Box<Document>),
    List(&'a dyn ListValue),
    Map(&'a dyn MapValue),
    Shape(&'a dyn Shape),
    /// A list an expression built.
    Array(Vec<Val<'a>>),
    /// An object an expression built (a multi-select hash), in key order.
    Object(Vec<(Cow<'a, str>, Val<'a>)>),
}

/// JMESPath's types, for `type()` and for argument checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Boolean => "boolean",
            Type::Number => "number",
            Type::String => "string",
            Type::Array => "array",
            Type::Object => "object",
        }
    }
}

impl<'a> From<ValueRef<'a>> for Val<'a> {
    fn from(v: ValueRef<'a>) -> Self {
        match v {
            ValueRef::Bool(b) => Val::Bool(b),
            ValueRef::Int(i) => Val::Int(i),
            ValueRef::Float(f) => Val::Float(f),
            ValueRef::Str(s) => Val::Str(Cow::Borrowed(s)),
            ValueRef::Blob(b) => Val::Blob(b),
            ValueRef::Timestamp(t) => Val::Timestamp(t),
            ValueRef::Document(d) => Val::from_doc(d),
            ValueRef::List(l) => Val::List(l),
            ValueRef::Map(m) => Val::Map(m),
            ValueRef::Shape(s) => Val::Shape(s),
            // A streaming body cannot be searched without consuming it.
            ValueRef::Stream(_) | ValueRef::EventStream(_) => Val::Null,
        }
    }
}

impl<'a> Val<'a> {
    /// The view of a typed value (a generated output, usually).
    pub fn of(shape: &'a dyn Shape) -> Self {
        Val::Shape(shape)
    }

    /// The view of a document, with scalars read out so they compare as scalars.
    pub fn from_doc(d: &'a Document) -> Self {
        match d {
            Document::Null => Val::Null,
            Document::Bool(b) => Val::Bool(*b),
            Document::Number(Number::PosInt(n)) => match i64::try_from(*n) {
                Ok(i) => Val::Int(i),
                Err(_) => Val::Float(*n as f64),
            },
            Document::Number(Number::NegInt(n)) => Val::Int(*n),
            Document::Number(Number::Float(f)) => Val::Float(*f),
            Document::String(s) => Val::Str(Cow::Borrowed(s)),
            _ => Val::Doc(d),
        }
    }

    pub(crate) fn from_value(v: &'a dyn Value) -> Self {
        v.get().map(Val::from).unwrap_or(Val::Null)
    }

    pub fn type_of(&self) -> Type {
        match self {
            Val::Null => Type::Null,
            Val::Bool(_) => Type::Boolean,
            Val::Int(_) | Val::Float(_) => Type::Number,
            Val::Str(_) | Val::Blob(_) | Val::Timestamp(_) => Type::String,
            Val::Doc(d) => doc_type(d),
            Val::OwnedDoc(d) => doc_type(d),
            Val::List(_) | Val::Array(_) => Type::Array,
            Val::Map(_) | Val::Shape(_) | Val::Object(_) => Type::Object,
        }
    }

    pub fn is_null(&self) -> bool {
        self.type_of() == Type::Null
    }

    /// Member `name` of an object; null for anything else or a missing member.
    pub fn field(&self, name: &str) -> Val<'a> {
        match self {
            Val::Shape(s) => match s.schema().member(name) {
                Some((i, _)) => s.field(i).map(Val::from_value).unwrap_or(Val::Null),
                None => Val::Null,
            },
            Val::Map(m) => (0..m.len())
                .filter_map(|i| m.entry(i))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| Val::from_value(v))
                .unwrap_or(Val::Null),
            Val::Doc(d) => d.get(name).map(Val::from_doc).unwrap_or(Val::Null),
            Val::OwnedDoc(d) => d.get(name).map(|d| Val::OwnedDoc(Box::new(d.clone()))).unwrap_or(Val::Null),
            Val::Object(entries) => {
                entries.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or(Val::Null)
            }
            _ => Val::Null,
        }
    }

    /// The elements of a list, or `None` for anything else.
    pub fn elements(&self) -> Option<Vec<Val<'a>>> {
        match self {
            Val::List(l) => Some((0..l.len()).map(|i| l.item(i).map(Val::from_value).unwrap_or(Val::Null)).collect()),
            Val::Array(items) => Some(items.clone()),
            Val::Doc(Document::Array(items)) => Some(items.iter().map(Val::from_doc).collect()),
            Val::OwnedDoc(d) => match &**d {
                Document::Array(items) => Some(items.iter().map(|d| Val::OwnedDoc(Box::new(d.clone()))).collect()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Element `i` of a list (in range), read without building the others.
    pub fn element(&self, i: usize) -> Val<'a> {
        match self {
            Val::List(l) => l.item(i).map(Val::from_value).unwrap_or(Val::Null),
            Val::Array(items) => items.as_slice().get(i).cloned().unwrap_or(Val::Null),
            Val::Doc(Document::Array(items)) => items.as_slice().get(i).map(Val::from_doc).unwrap_or(Val::Null),
            _ => self.elements().and_then(|items| items.into_iter().nth(i)).unwrap_or(Val::Null),
        }
    }

    /// The number of elements of a list without building them.
    pub fn list_len(&self) -> Option<usize> {
        match self {
            Val::List(l) => Some(l.len()),
            Val::Array(items) => Some(items.len()),
            Val::Doc(Document::Array(items)) => Some(items.len()),
            Val::OwnedDoc(d) => d.as_array().map(<[Document]>::len),
            _ => None,
        }
    }

    /// The entries of an object, or `None` for anything else. A structure's entries are its set
    /// members, as botocore's parsed dicts hold only what the response carried.
    pub fn entries(&self) -> Option<Vec<(Cow<'a, str>, Val<'a>)>> {
        match self {
            Val::Shape(s) => {
                let schema = s.schema();
                Some(
                    schema
                        .members
                        .iter()
                        .enumerate()
                        .filter_map(|(i, m)| {
                            let v = s.field(i)?.get()?;
                            Some((Cow::Borrowed(m.name), Val::from(v)))
                        })
                        .collect(),
                )
            }
            Val::Map(m) => Some(
                (0..m.len()).filter_map(|i| m.entry(i)).map(|(k, v)| (Cow::Borrowed(k), Val::from_value(v))).collect(),
            ),
            Val::Doc(Document::Object(o)) => {
                Some(o.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Val::from_doc(v))).collect())
            }
            Val::OwnedDoc(d) => match &**d {
                Document::Object(o) => {
                    Some(o.iter().map(|(k, v)| (Cow::Owned(k.clone()), Val::OwnedDoc(Box::new(v.clone())))).collect())
                }
                _ => None,
            },
            Val::Object(entries) => Some(entries.clone()),
            _ => None,
        }
    }

    /// The text of a string (a timestamp or blob is not text to JMESPath functions).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// JMESPath truthiness: false, null, and empty strings, lists and objects are false.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Str(s) => !s.is_empty(),
            Val::Blob(b) => !b.is_empty(),
            Val::Doc(_) | Val::OwnedDoc(_) => match self.type_of() {
                Type::Array => self.list_len() != Some(0),
                Type::Object => self.entries().is_some_and(|e| !e.is_empty()),
                _ => true,
            },
            Val::List(l) => !l.is_empty(),
            Val::Array(a) => !a.is_empty(),
            Val::Map(m) => !m.is_empty(),
            Val::Shape(s) => (0..s.schema().members.len()).any(|i| s.field(i).is_some_and(|v| v.get().is_some())),
            Val::Object(o) => !o.is_empty(),
            Val::Int(_) | Val::Float(_) | Val::Timestamp(_) => true,
        }
    }

    /// Deep equality, as JMESPath's `==`.
    pub fn equals(&self, other: &Val<'_>) -> bool {
        match (self, other) {
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Blob(a), Val::Blob(b)) => a == b,
            (Val::Timestamp(a), Val::Timestamp(b)) => a == b,
            _ if self.type_of() == Type::Number && other.type_of() == Type::Number => match (self, other) {
                (Val::Int(a), Val::Int(b)) => a == b,
                _ => self.as_f64() == other.as_f64(),
            },
            _ => match (self.type_of(), other.type_of()) {
                (Type::Array, Type::Array) => {
                    let (a, b) = (self.elements().unwrap_or_default(), other.elements().unwrap_or_default());
                    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.equals(y))
                }
                (Type::Object, Type::Object) => {
                    let (a, b) = (self.entries().unwrap_or_default(), other.entries().unwrap_or_default());
                    a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v.equals(v2)))
                }
                // Documents holding scalars were read out by `from_doc`; what remains differs.
                _ => false,
            },
        }
    }

    /// Ordering for `<` and friends, `sort` and `max`: numbers with numbers, strings with strings.
    pub fn compare(&self, other: &Val<'_>) -> Option<Ordering> {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => Some(a.cmp(b)),
            (Val::Timestamp(a), Val::Timestamp(b)) => a.partial_cmp(b),
            _ => match (self.as_f64(), other.as_f64()) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => None,
            },
        }
    }

    /// The value as a document: structures become objects of their set members (by model name),
    /// blobs become base64 text and timestamps epoch seconds.
    pub fn to_document(&self) -> Document {
        self.to_document_tracking(&mut Vec::new(), &mut None)
    }

    /// [`Val::to_document`], also recording where blobs were encoded (as key and index paths),
    /// which is what botocore's token encoder writes as `boto_encoded_keys`.
    pub fn to_document_tracking(&self, path: &mut Vec<Document>, blobs: &mut Option<Vec<Document>>) -> Document {
        match self {
            Val::Null => Document::Null,
            Val::Bool(b) => Document::Bool(*b),
            Val::Int(i) => Document::from(*i),
            Val::Float(f) => Document::from(*f),
            Val::Str(s) => Document::String(s.to_string()),
            Val::Blob(b) => {
                blobs.get_or_insert_with(Vec::new).push(Document::Array(path.clone()));
                Document::String(base64_encode(b))
            }
            Val::Timestamp(t) => Document::from(t.as_fractional_secs()),
            Val::Doc(d) => (*d).clone(),
            Val::OwnedDoc(d) => (**d).clone(),
            _ => match self.type_of() {
                Type::Array => Document::Array(
                    self.elements()
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            path.push(Document::from(i as u64));
                            let d = v.to_document_tracking(path, blobs);
                            path.pop();
                            d
                        })
                        .collect(),
                ),
                _ => {
                    let mut out = Map::new();
                    for (k, v) in self.entries().unwrap_or_default() {
                        path.push(Document::String(k.to_string()));
                        let d = v.to_document_tracking(path, blobs);
                        path.pop();
                        out.insert(k.into_owned(), d);
                    }
                    Document::Object(out)
                }
            },
        }
    }
}

fn doc_type(d: &Document) -> Type {
    match d {
        Document::Null => Type::Null,
        Document::Bool(_) => Type::Boolean,
        Document::Number(_) => Type::Number,
        Document::String(_) => Type::String,
        Document::Array(_) => Type::Array,
        Document::Object(_) => Type::Object,
    }
}

impl std::fmt::Debug for Val<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_document())
    }
}
