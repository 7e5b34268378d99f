//! The XML body codec shared by the `rest-xml`, `query` and `ec2` protocols, and the parser of
//! their XML error bodies.
//!
//! The rules are botocore's, which follow Smithy's XML bindings:
//!
//! - A member's element is named by its `locationName`, else its member name; structure members
//!   are written in schema order and a union writes its one set member.
//! - Lists are wrapped (`<Name><member>..</member></Name>`, the item element named by the list
//!   member's `locationName`) unless flattened, when the items repeat as `<Name>..</Name>`.
//! - Maps are wrapped (`<Name><entry><key/><value/></entry></Name>`) unless flattened, when each
//!   entry repeats as `<Name><key/><value/></Name>`; key and value names come from the map's
//!   entry members.
//! - Members with `xmlAttribute` are attributes of their parent element; `xmlNamespace` on a
//!   member, or else on the target shape, becomes an `xmlns` attribute of the element.
//! - Timestamps default to RFC 3339; blobs are base64; non-finite floats are `NaN`, `Infinity`
//!   and `-Infinity`.
//!
//! A response body is read in one pass that writes members into the shapes as their elements
//! arrive (see `xml_stream`); the constructs that need an element whole (unions, map entries,
//! sparse list items) and the error documents are read into a small tree (see `xml_read`) and
//! walked against the schema, which keeps the wrapper, union and entry rules simple lookups
//! without building a tree of the whole body, the main cost of reading it. Elements and attributes are matched by local name, so namespace prefixes in a
//! response never matter. Unknown elements are ignored.
//!
//! Error messages name the element path (`/ListBucketResult/Contents[3]/Size`) and the kinds
//! involved but never a value, because a value may belong to a sensitive member.

use core::fmt::Write;

use super::xml_members::{member_for, Near};
use super::xml_read::{is_space, local_name, parse_document, Element, Event, Reader as Pull, MAX_DEPTH};
use super::CodecError;
use crate::schema::{flags, shape_flags, Location, Member, Schema, ShapeKind, XmlNamespace};
use crate::shape::{MapValue, Shape, Value, ValueMut, ValueRef};
use crate::types::{base64_decode, base64_encode_to, DateTime, Document, TimestampFormat};

/// Writes the body members of `shape` as the element `root_name`, declaring `ns` on it.
///
/// This is the whole body of a `rest-xml` request whose input has no payload member: the root is
/// named by the operation's `input.locationName` (else the input shape's name) and `ns` is the
/// operation's input namespace (else the shape's). Members bound to the URI, headers or query
/// string are skipped. On error `out` holds a partial document and should be discarded.
pub fn write_xml_root(
    shape: &dyn Shape,
    schema: &'static Schema,
    root_name: &str,
    ns: Option<&XmlNamespace>,
    out: &mut String,
) -> Result<(), CodecError> {
    let mut writer = Writer { out, path: String::new() };
    writer.path.push('/');
    writer.path.push_str(root_name);
    writer.shape_element(root_name, ns, shape, schema, 0)
}

/// Writes one member as a whole document: the `rest-xml` payload member that is a structure,
/// union or list.
///
/// The element is named as Smithy names it: the member's own XML name, else (for structures and
/// unions) the target's `locationName`, else the target shape's name; the namespace is the
/// member's, else the target's. An absent value writes nothing.
///
/// botocore's JSON models give every payload member a `locationName`, its own name when Smithy
/// gave it none, so a `locationName` equal to the member's name is the member's own XML name
/// only when the member carries its own XML traits (`xmlNamespace`). That is every structure
/// payload of botocore's rest-xml services (74 in CloudFront, S3 and S3 Control, 1.43.11): S3's
/// `LifecycleConfiguration` member names its `BucketLifecycleConfiguration` payload so, as
/// botocore does; the protocol suite's members without traits (`nested` of
/// `HttpPayloadWithXmlNamespace`) are named after their shape, as Smithy says. A list payload
/// keeps the member's name.
pub fn write_xml_member(member: &Member, value: &dyn Value, out: &mut String) -> Result<(), CodecError> {
    let Some(value) = value.get() else { return Ok(()) };
    let target = member.target;
    let structured = matches!(target.kind, ShapeKind::Structure | ShapeKind::Union);
    let own = member.location_name.filter(|name| *name != member.name || member.xml_namespace.is_some());
    let name = own
        .or(target.location_name.filter(|_| structured))
        .or(member.location_name.filter(|_| !structured))
        .unwrap_or(if structured { target.name } else { member.name });
    let mut writer = Writer { out, path: format!("/{name}") };
    let ns = member.xml_namespace.or(target.xml_namespace);
    writer.element(name, ns, member, value, 0)
}

/// Reads the document in `body` into the body members of `shape`, described by `schema`.
///
/// `wrappers` are the elements that enclose the structure, outermost first: `query` passes
/// `["{Op}Response", "{Op}Result"]`, `ec2` passes `["{Op}Response"]` and `rest-xml` passes none,
/// because there the root element is the structure whatever its name. A wrapper that is missing
/// is skipped rather than an error, as botocore is lenient there. An empty or all-whitespace
/// body leaves `shape` untouched.
pub fn read_xml(
    body: &[u8],
    shape: &mut dyn Shape,
    schema: &'static Schema,
    wrappers: &[&str],
) -> Result<(), CodecError> {
    let Some((mut pull, mut open)) = open_root(body)? else { return Ok(()) };
    let mut base = format!("/{}", local_name(open.name));
    for wrapper in wrappers {
        if local_name(open.name) == *wrapper {
            continue;
        }
        if let Some(inner) = stream::descend(&mut pull, wrapper)? {
            open = inner;
            base.push('/');
            base.push_str(wrapper);
        }
    }
    let mut reader = Reader::new(base);
    reader.stream_shape(&mut pull, open, shape, schema)?;
    finish(&mut pull)
}

/// A pull reader over `body` that has read the root's start tag, or `None` for an empty or
/// all-whitespace body.
fn open_root(body: &[u8]) -> Result<Option<(Pull<'_>, stream::Open<'_>)>, CodecError> {
    if body.iter().all(|&b| is_space(b)) {
        return Ok(None);
    }
    let mut pull = Pull::new(body)?;
    // The reader refuses text and end tags before the root, and a document without one, so the
    // first event is the root's start.
    loop {
        match pull.next_event()? {
            Some(Event::Start { name, attributes, .. }) => return Ok(Some((pull, stream::Open { name, attributes }))),
            Some(_) => {}
            None => return Ok(None),
        }
    }
}

/// Reads what follows the value read: it goes into nothing but must still be well-formed, as it
/// must be for the tree.
fn finish(pull: &mut Pull<'_>) -> Result<(), CodecError> {
    while pull.next_event()?.is_some() {}
    Ok(())
}

/// Reads a document whose root element is the value of `member`: the `rest-xml` payload member
/// that is a structure, union or list. The root's name is not checked. An empty or all-whitespace
/// body leaves `value` untouched.
pub fn read_xml_member(body: &[u8], member: &Member, value: &mut dyn Value) -> Result<(), CodecError> {
    let Some((mut pull, open)) = open_root(body)? else { return Ok(()) };
    let mut reader = Reader::new(format!("/{}", local_name(open.name)));
    reader.stream_value(&mut pull, open, member, value)?;
    finish(&mut pull)
}

/// The protocol-level fields of an XML error body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XmlErrorInfo {
    /// The error code (`<Code>`), which names the exception shape.
    pub code: Option<String>,
    /// The human-readable message (`<Message>`).
    pub message: Option<String>,
    /// The request id (`<RequestId>`, or `<RequestID>` for ec2).
    pub request_id: Option<String>,
}

/// The text of the first `Message` (or `message`) element of a document, searched breadth
/// first: an event-stream exception's payload names its root after the exception, so none of
/// the error layouts [`xml_error_info`] knows applies.
pub fn xml_message(body: &[u8]) -> Option<String> {
    let root = parse_document(body).ok()??;
    let mut queue = std::collections::VecDeque::from([&root]);
    while let Some(element) = queue.pop_front() {
        if let Some(found) = element.children.iter().find(|c| matches!(c.local(), "Message" | "message")) {
            return Some(found.text.clone().into_owned());
        }
        queue.extend(element.children.iter());
    }
    None
}

/// Recognises the three XML error layouts and returns their fields:
/// `<ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>` (query, rest-xml),
/// `<Response><Errors><Error>..</Error></Errors><RequestID/></Response>` (ec2) and S3's bare
/// `<Error><Code/><Message/><RequestId/></Error>`.
///
/// `None` when the body is not XML (an HTML page from a proxy, say) or has no `<Error>` element.
pub fn xml_error_info(body: &[u8]) -> Option<XmlErrorInfo> {
    let root = parse_document(body).ok()??;
    let (error, _) = find_error(&root)?;
    let text =
        |element: &Element, name: &str| element.child(name).map(|c| c.text.trim().to_owned()).filter(|t| !t.is_empty());
    let request_id = ["RequestId", "RequestID"]
        .iter()
        .find_map(|name| text(error, name).or_else(|| text(&root, name)))
        .or_else(|| root.child("ResponseMetadata").and_then(|m| text(m, "RequestId")));
    Some(XmlErrorInfo { code: text(error, "Code"), message: text(error, "Message"), request_id })
}

/// Reads the members of an exception structure from the `<Error>` element of an XML error body,
/// in whichever of the three layouts of [`xml_error_info`] it sits. A document without an
/// `<Error>` element is read from its root, so a service that answers with a bare modeled
/// structure still fills the exception.
pub fn read_xml_error(body: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), CodecError> {
    let Some(root) = parse_document(body)? else { return Ok(()) };
    let (element, path) = match find_error(&root) {
        Some((error, path)) => (error, path),
        None => (&root, format!("/{}", root.local())),
    };
    let mut reader = Reader::new(path);
    reader.shape(element, shape, schema)
}

/// The `<Error>` element of an error body and its path: the root itself, a child of the root,
/// or a child of the root's `<Errors>`.
fn find_error<'e>(root: &'e Element<'_>) -> Option<(&'e Element<'e>, String)> {
    let name = root.local();
    if name == "Error" {
        return Some((root, "/Error".to_owned()));
    }
    if let Some(error) = root.child("Error") {
        return Some((error, format!("/{name}/Error")));
    }
    let error = root.child("Errors")?.child("Error")?;
    Some((error, format!("/{name}/Errors/Error")))
}

/// True for members that never travel inside the XML document: those bound elsewhere in the
/// HTTP message, and streams and event streams, which are the whole payload.
fn outside_xml(member: &Member) -> bool {
    member.location != Location::Body
        || member.target.kind == ShapeKind::StreamingBlob
        || member.has(flags::EVENT_STREAM)
        || member.target.has(shape_flags::EVENT_STREAM)
}

/// [`outside_xml`] for reading: a response has no URI or query string, so members the model
/// places there can only come in the body (botocore reads them from it).
pub(super) fn outside_xml_read(member: &Member) -> bool {
    !matches!(member.location, Location::Uri | Location::Query) && outside_xml(member)
}

pub(super) fn is_flattened(member: &Member) -> bool {
    member.has(flags::FLATTENED) || member.target.has(shape_flags::FLATTENED)
}

fn is_sparse(member: &Member) -> bool {
    member.has(flags::SPARSE) || member.target.has(shape_flags::SPARSE)
}

/// The element that names a list item inside a wrapped list.
fn item_name(item: &Member) -> &'static str {
    item.location_name.unwrap_or("member")
}

fn depth_error(path: &str) -> CodecError {
    CodecError::at(path, format!("nesting is deeper than {MAX_DEPTH} levels"))
}

struct Writer<'a> {
    out: &'a mut String,
    /// The element path of the value being written, kept only for error messages.
    path: String,
}

impl Writer<'_> {
    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, CodecError> {
        Err(CodecError::at(self.path.clone(), reason))
    }

    /// Runs `write` with `segment` appended to the path, restoring the path afterwards.
    fn at<T>(
        &mut self,
        segment: core::fmt::Arguments<'_>,
        write: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<T, CodecError> {
        let len = self.path.len();
        let _ = self.path.write_fmt(segment);
        let result = write(self)?;
        self.path.truncate(len);
        Ok(result)
    }

    /// Writes `<name` and the namespace declaration, leaving the tag open for attributes.
    fn open(&mut self, name: &str, ns: Option<&XmlNamespace>) {
        self.out.push('<');
        self.out.push_str(name);
        if let Some(ns) = ns {
            match ns.prefix {
                Some(prefix) => {
                    self.out.push_str(" xmlns:");
                    self.out.push_str(prefix);
                }
                None => self.out.push_str(" xmlns"),
            }
            self.out.push_str("=\"");
            // Namespace URIs come from the model, but escaping costs nothing and keeps the
            // document well-formed whatever they hold.
            let _ = escape_to(self.out, ns.uri, true);
            self.out.push('"');
        }
    }

    fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes a structure or union as the element `name`, attributes included.
    fn shape_element(
        &mut self,
        name: &str,
        ns: Option<&XmlNamespace>,
        shape: &dyn Shape,
        schema: &'static Schema,
        depth: usize,
    ) -> Result<(), CodecError> {
        if depth >= MAX_DEPTH {
            return Err(depth_error(&self.path));
        }
        self.open(name, ns);
        if schema.kind == ShapeKind::Union {
            self.out.push('>');
            let set = schema.members.iter().enumerate().find_map(|(i, member)| {
                let value = shape.field(i).and_then(Value::get)?;
                Some((member, value))
            });
            // Smithy requires exactly one variant, and the service could not understand `Unknown`.
            let Some((member, value)) = set else {
                return self.fail("a union must have a known variant set");
            };
            self.member(member, value, depth)?;
        } else {
            for (i, member) in schema.members.iter().enumerate() {
                if !member.has(flags::XML_ATTRIBUTE) || outside_xml(member) {
                    continue;
                }
                let Some(value) = shape.field(i).and_then(Value::get) else { continue };
                let name = member.wire_name();
                self.out.push(' ');
                self.out.push_str(name);
                self.out.push_str("=\"");
                self.at(format_args!("/@{name}"), |w| w.scalar(member, value, true))?;
                self.out.push('"');
            }
            self.out.push('>');
            for (i, member) in schema.members.iter().enumerate() {
                if member.has(flags::XML_ATTRIBUTE) || outside_xml(member) {
                    continue;
                }
                let Some(value) = shape.field(i).and_then(Value::get) else { continue };
                self.member(member, value, depth)?;
            }
        }
        self.close(name);
        Ok(())
    }

    /// Writes a structure or union member, which for flattened lists and maps means one element
    /// per item or entry.
    fn member(&mut self, member: &Member, value: ValueRef<'_>, depth: usize) -> Result<(), CodecError> {
        let name = member.wire_name();
        match value {
            ValueRef::List(list) if is_flattened(member) => {
                let Some(item) = member.target.list_member() else {
                    return self.at(format_args!("/{name}"), |w| w.fail("the schema does not describe a list"));
                };
                // Items carry the structure member's namespace, else the list member's; the list
                // shape's own namespace belongs to a wrapper that flattening removes.
                let ns = member.xml_namespace.or(item.xml_namespace);
                for i in 0..list.len() {
                    let item_value = list.item(i).and_then(Value::get);
                    self.at(format_args!("/{name}[{i}]"), |w| w.optional_element(name, ns, item, item_value, depth))?;
                }
                Ok(())
            }
            ValueRef::Map(map) if is_flattened(member) => {
                let Some((key, item)) = member.target.map_entry() else {
                    return self.at(format_args!("/{name}"), |w| w.fail("the schema does not describe a map"));
                };
                for i in 0..map.len() {
                    let Some((k, v)) = map.entry(i) else { continue };
                    self.at(format_args!("/{name}[{i}]"), |w| {
                        w.open(name, member.xml_namespace);
                        w.out.push('>');
                        w.entry(key, k, item, v, depth)?;
                        w.close(name);
                        Ok(())
                    })?;
                }
                Ok(())
            }
            _ => {
                let ns = member.xml_namespace.or(member.target.xml_namespace);
                self.at(format_args!("/{name}"), |w| w.element(name, ns, member, value, depth))
            }
        }
    }

    /// Writes an item that may be absent (in sparse lists and maps) as an empty element.
    fn optional_element(
        &mut self,
        name: &str,
        ns: Option<&XmlNamespace>,
        member: &Member,
        value: Option<ValueRef<'_>>,
        depth: usize,
    ) -> Result<(), CodecError> {
        match value {
            Some(value) => self.element(name, ns, member, value, depth),
            None => {
                self.open(name, ns);
                self.out.push_str("/>");
                Ok(())
            }
        }
    }

    /// Writes the `<key>` and `<value>` elements of one map entry.
    fn entry(&mut self, key: &Member, k: &str, item: &Member, v: &dyn Value, depth: usize) -> Result<(), CodecError> {
        let key_name = key.location_name.unwrap_or("key");
        self.open(key_name, key.xml_namespace);
        self.out.push('>');
        if escape_to(self.out, k, false).is_err() {
            return self.fail("a map key holds a character XML 1.0 cannot carry");
        }
        self.close(key_name);
        let value_name = item.location_name.unwrap_or("value");
        self.optional_element(value_name, item.xml_namespace, item, v.get(), depth)
    }

    /// Writes `value`, described by `member`, as the element `name`.
    fn element(
        &mut self,
        name: &str,
        ns: Option<&XmlNamespace>,
        member: &Member,
        value: ValueRef<'_>,
        depth: usize,
    ) -> Result<(), CodecError> {
        match value {
            ValueRef::Shape(shape) => self.shape_element(name, ns, shape, shape.schema(), depth + 1),
            ValueRef::List(list) => {
                let Some(item) = member.target.list_member() else {
                    return self.fail("the schema does not describe a list");
                };
                if depth + 1 >= MAX_DEPTH {
                    return Err(depth_error(&self.path));
                }
                let item_name = item_name(item);
                self.open(name, ns);
                self.out.push('>');
                for i in 0..list.len() {
                    let item_value = list.item(i).and_then(Value::get);
                    self.at(format_args!("/{item_name}[{i}]"), |w| {
                        w.optional_element(item_name, item.xml_namespace, item, item_value, depth + 1)
                    })?;
                }
                self.close(name);
                Ok(())
            }
            ValueRef::Map(map) => {
                let Some((key, item)) = member.target.map_entry() else {
                    return self.fail("the schema does not describe a map");
                };
                if depth + 1 >= MAX_DEPTH {
                    return Err(depth_error(&self.path));
                }
                self.open(name, ns);
                self.out.push('>');
                for i in 0..map.len() {
                    let Some((k, v)) = map.entry(i) else { continue };
                    self.at(format_args!("/entry[{i}]"), |w| {
                        w.out.push_str("<entry>");
                        w.entry(key, k, item, v, depth + 1)?;
                        w.out.push_str("</entry>");
                        Ok(())
                    })?;
                }
                self.close(name);
                Ok(())
            }
            scalar => {
                self.open(name, ns);
                self.out.push('>');
                self.scalar(member, scalar, false)?;
                self.close(name);
                Ok(())
            }
        }
    }

    /// Writes a scalar as escaped text, for element content or (when `attribute`) an attribute
    /// value.
    fn scalar(&mut self, member: &Member, value: ValueRef<'_>, attribute: bool) -> Result<(), CodecError> {
        match value {
            ValueRef::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            ValueRef::Int(n) => {
                let _ = write!(self.out, "{n}");
            }
            ValueRef::Float(f) => write_float(self.out, f, member.target.kind == ShapeKind::Float),
            ValueRef::Str(s) => {
                if escape_to(self.out, s, attribute).is_err() {
                    return self.fail("the text holds a character XML 1.0 cannot carry");
                }
            }
            // Base64 and formatted timestamps need no escaping.
            ValueRef::Blob(bytes) => base64_encode_to(bytes, self.out),
            ValueRef::Timestamp(t) => match member.timestamp_format.unwrap_or(TimestampFormat::DateTime) {
                // Millisecond precision, as the other AWS SDKs send: some services reject more.
                TimestampFormat::DateTime => t.fmt_iso8601_millis_to(self.out),
                format => t.fmt_to(format, self.out),
            },
            ValueRef::Document(_) => return self.fail("a document cannot be written by an XML protocol"),
            ValueRef::Stream(_) | ValueRef::EventStream(_) => {
                return self.fail("a stream cannot be part of an XML document")
            }
            ValueRef::List(_) | ValueRef::Map(_) | ValueRef::Shape(_) => {
                return self.fail("an XML attribute must hold a scalar value");
            }
        }
        Ok(())
    }
}

/// Writes a float as its shortest round-tripping form and the non-finite values as XML Schema
/// spells them. `single` formats through `f32` so that `0.1f32` prints as `0.1`.
fn write_float(out: &mut String, f: f64, single: bool) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if single {
        let _ = write!(out, "{:?}", f as f32);
    } else {
        let _ = write!(out, "{f:?}");
    }
}

/// Appends `text` escaped for element content or an attribute value. Besides the five markup
/// characters, `\r` and `\n` (and in attributes `\t`) go out as references, because a reader
/// normalises the literal characters away. Fails on characters XML 1.0 cannot carry at all
/// (most C0 controls and U+FFFE/U+FFFF), leaving `out` partly written.
fn escape_to(out: &mut String, text: &str, attribute: bool) -> Result<(), ()> {
    let mut clean_from = 0;
    for (i, c) in text.char_indices() {
        let escape = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\r' => "&#xD;",
            '\n' => "&#xA;",
            '\t' if attribute => "&#x9;",
            '\t' => continue,
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => return Err(()),
            _ => continue,
        };
        // `i` is the start of a character, so both slices lie on character boundaries.
        out.push_str(text.get(clean_from..i).unwrap_or(""));
        out.push_str(escape);
        clean_from = i + c.len_utf8();
    }
    out.push_str(text.get(clean_from..).unwrap_or(""));
    Ok(())
}

/// One step of the path to the value being read, kept as borrowed names and rendered only when
/// reading fails: formatting a path for every element read would cost more than the reading.
#[derive(Clone, Copy)]
enum Step<'a> {
    Name(&'a str),
    Attr(&'a str),
    Item(&'a str, usize),
}

struct Reader<'a> {
    /// The path to the element the walk starts at (`/ListBucketResult`).
    base: String,
    /// The steps from there to the value being read, for error messages.
    steps: Vec<Step<'a>>,
    /// The member indices of the structures read so far.
    near: Near,
}

impl<'a> Reader<'a> {
    fn new(base: String) -> Self {
        Reader { base, steps: Vec::new(), near: Near::default() }
    }

    /// The element path of the value being read, as error messages show it.
    fn path(&self) -> String {
        let mut path = self.base.clone();
        for step in &self.steps {
            let _ = match step {
                Step::Name(name) => write!(path, "/{name}"),
                Step::Attr(name) => write!(path, "/@{name}"),
                Step::Item(name, n) => write!(path, "/{name}[{n}]"),
            };
        }
        path
    }

    fn fail<T>(&self, reason: impl Into<String>) -> Result<T, CodecError> {
        Err(CodecError::at(self.path(), reason))
    }

    /// Runs `read` with `step` appended to the path, restoring the path afterwards.
    fn at<T>(
        &mut self,
        step: Step<'a>,
        read: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<T, CodecError> {
        self.steps.push(step);
        let result = read(self)?;
        self.steps.pop();
        Ok(result)
    }

    /// Reads an element into a structure or union. Recursion follows the document's nesting,
    /// which the reader limited to [`MAX_DEPTH`], so it cannot exhaust the stack.
    fn shape(
        &mut self,
        element: &Element<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), CodecError> {
        match schema.kind {
            ShapeKind::Union => self.union(element, shape, schema),
            _ => self.structure(element, shape, schema),
        }
    }

    fn structure(
        &mut self,
        element: &Element<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), CodecError> {
        for (i, member) in schema.members.iter().enumerate() {
            if !member.has(flags::XML_ATTRIBUTE) || outside_xml_read(member) {
                continue;
            }
            let Some(text) = element.attribute(member.wire_name()) else { continue };
            let Some(field) = shape.field_mut(i) else { continue };
            self.at(Step::Attr(member.wire_name()), |r| r.scalar(member, text, field))?;
        }
        // One pass over the children; `seen` counts the elements each member has taken, so a
        // flattened list gets every item and any other member keeps the first occurrence.
        // On the stack for the structures of every model but the widest, which is per element.
        let mut inline = [0usize; 48];
        let mut heap = Vec::new();
        let seen: &mut [usize] = match inline.get_mut(..schema.members.len()) {
            Some(counts) => counts,
            None => {
                heap.resize(schema.members.len(), 0);
                &mut heap
            }
        };
        for child in &element.children {
            let Some(i) = member_for(schema, child.local()) else { continue };
            let Some(count) = seen.get_mut(i) else { continue };
            let n = *count;
            *count += 1;
            let member = &schema.members[i];
            let flattened = is_flattened(member);
            if n > 0 && !flattened {
                continue;
            }
            let Some(field) = shape.field_mut(i) else { continue };
            let name = child.local();
            match member.target.kind {
                ShapeKind::List if flattened => {
                    let ValueMut::List(list) = field.get_mut() else {
                        return self.at(Step::Name(name), |r| r.fail("the value is not a list"));
                    };
                    let Some(item) = member.target.list_member() else {
                        return self.at(Step::Name(name), |r| r.fail("the schema does not describe a list"));
                    };
                    let sparse = is_sparse(member);
                    self.at(Step::Item(name, n), |r| r.item(item, child, sparse, list.push_default()))?;
                }
                ShapeKind::Map if flattened => {
                    let ValueMut::Map(map) = field.get_mut() else {
                        return self.at(Step::Name(name), |r| r.fail("the value is not a map"));
                    };
                    let sparse = is_sparse(member);
                    self.at(Step::Item(name, n), |r| r.entry(member.target, child, sparse, map))?;
                }
                _ => self.at(Step::Name(name), |r| r.value(member, child, field))?,
            }
        }
        Ok(())
    }

    fn union(
        &mut self,
        element: &Element<'a>,
        shape: &mut dyn Shape,
        schema: &'static Schema,
    ) -> Result<(), CodecError> {
        let known = element.children.iter().find_map(|child| Some((member_for(schema, child.local())?, child)));
        match known {
            Some((i, child)) => {
                let member = &schema.members[i];
                let Some(field) = shape.field_mut(i) else { return Ok(()) };
                let name = child.local();
                match member.target.kind {
                    // A flattened list variant is the run of its items.
                    ShapeKind::List if is_flattened(member) => {
                        let ValueMut::List(list) = field.get_mut() else { return Ok(()) };
                        let Some(item) = member.target.list_member() else { return Ok(()) };
                        let sparse = is_sparse(member);
                        let items = element.children.iter().filter(|c| member_for(schema, c.local()) == Some(i));
                        for (n, child) in items.enumerate() {
                            self.at(Step::Item(name, n), |r| r.item(item, child, sparse, list.push_default()))?;
                        }
                        Ok(())
                    }
                    _ => self.at(Step::Name(name), |r| r.value(member, child, field)),
                }
            }
            // A variant newer than this model is kept as `Unknown` rather than failing the call.
            None => {
                if let Some(child) = element.children.first() {
                    shape.set_unknown(child.local());
                }
                Ok(())
            }
        }
    }

    /// Reads one list item, which in a sparse list may be an empty or `xsi:nil` element.
    fn item(
        &mut self,
        item: &Member,
        element: &Element<'a>,
        sparse: bool,
        value: &mut dyn Value,
    ) -> Result<(), CodecError> {
        if sparse && is_null(element) {
            return Ok(());
        }
        self.value(item, element, value)
    }

    /// Reads one map entry: the element holding `<key>` and `<value>`. An entry without a key is
    /// skipped; one without a value is kept as absent in a sparse map and skipped otherwise.
    fn entry(
        &mut self,
        map_schema: &'static Schema,
        element: &Element<'a>,
        sparse: bool,
        map: &mut dyn MapValue,
    ) -> Result<(), CodecError> {
        let Some((key, item)) = map_schema.map_entry() else {
            return self.fail("the schema does not describe a map");
        };
        let key_name = key.location_name.unwrap_or("key");
        let value_name = item.location_name.unwrap_or("value");
        let Some(k) = element.child(key_name) else { return Ok(()) };
        match element.child(value_name) {
            Some(v) if !(sparse && is_null(v)) => {
                self.at(Step::Name(value_name), |r| r.value(item, v, map.entry_mut(&k.text)))
            }
            Some(_) => {
                map.entry_mut(&k.text);
                Ok(())
            }
            None if sparse => {
                map.entry_mut(&k.text);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Reads `element` into `value`, whose schema is `member.target`.
    fn value(&mut self, member: &Member, element: &Element<'a>, value: &mut dyn Value) -> Result<(), CodecError> {
        match member.target.kind {
            ShapeKind::Structure | ShapeKind::Union | ShapeKind::List | ShapeKind::Map => {}
            _ => return self.scalar(member, &element.text, value),
        }
        match value.get_mut() {
            ValueMut::Shape(shape) => {
                let schema = shape.schema();
                self.shape(element, shape, schema)
            }
            ValueMut::List(list) => {
                let Some(item) = member.target.list_member() else {
                    return self.fail("the schema does not describe a list");
                };
                let item_name = item_name(item);
                let sparse = is_sparse(member);
                let items = element.children.iter().filter(|c| c.local() == item_name);
                for (n, child) in items.enumerate() {
                    self.at(Step::Item(item_name, n), |r| r.item(item, child, sparse, list.push_default()))?;
                }
                Ok(())
            }
            ValueMut::Map(map) => {
                let sparse = is_sparse(member);
                let entries = element.children.iter().filter(|c| c.local() == "entry");
                for (n, child) in entries.enumerate() {
                    self.at(Step::Item("entry", n), |r| r.entry(member.target, child, sparse, map))?;
                }
                Ok(())
            }
            _ => self.fail(format!("the schema says {:?}, the value is not one", member.target.kind)),
        }
    }

    /// Reads element text or an attribute value into a scalar. Strings keep their whitespace;
    /// everything else is trimmed, and an empty value leaves the member as it was, because
    /// services send `<Size/>` for "no value" and botocore would fail on it rather than guess.
    fn scalar(&mut self, member: &Member, text: &str, value: &mut dyn Value) -> Result<(), CodecError> {
        let kind = member.target.kind;
        let trimmed = text.trim_ascii();
        let textual = matches!(kind, ShapeKind::String | ShapeKind::Enum | ShapeKind::Blob);
        if trimmed.is_empty() && !textual {
            return Ok(());
        }
        match value.get_mut() {
            ValueMut::Bool(b) => {
                *b = match trimmed {
                    "true" => true,
                    "false" => false,
                    _ => return self.fail("expected a boolean, found other text"),
                }
            }
            ValueMut::Byte(n) => *n = self.integer(trimmed, "a byte")?,
            ValueMut::Short(n) => *n = self.integer(trimmed, "a short")?,
            ValueMut::Int(n) => *n = self.integer(trimmed, "an integer")?,
            ValueMut::Long(n) => *n = self.integer(trimmed, "a long")?,
            // Rounding to the nearest `f32` is what a float member means.
            ValueMut::Float(f) => *f = self.float(trimmed)? as f32,
            ValueMut::Double(f) => *f = self.float(trimmed)?,
            ValueMut::Str(s) => match kind {
                // Big numbers are held as text, without the indentation around them.
                ShapeKind::BigInteger | ShapeKind::BigDecimal => trimmed.clone_into(s),
                // IAM's policy documents: decoded when they decode to JSON, else kept as sent
                // (botocore's `decode_quoted_jsondoc` falls back the same way).
                _ if member.has(flags::PERCENT_ENCODED) => {
                    let decoded =
                        crate::percent::decode(text).filter(|d| Document::from_json_slice(d.as_bytes()).is_ok());
                    decoded.unwrap_or_else(|| text.to_owned()).clone_into(s);
                }
                _ => text.clone_into(s),
            },
            ValueMut::Enum(e) => e.set_str(text),
            ValueMut::Blob(b) => {
                // Some services wrap long base64 text over several lines.
                let compact: String = trimmed.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                match base64_decode(&compact) {
                    Ok(bytes) => *b = bytes.into(),
                    Err(_) => return self.fail("expected base64-encoded bytes"),
                }
            }
            ValueMut::Timestamp(t) => *t = self.timestamp(member, trimmed)?,
            ValueMut::Document(_) => return self.fail("a document cannot be read by an XML protocol"),
            // Streams are framed by the REST layer and never come from an XML document.
            ValueMut::Stream(_) | ValueMut::EventStream(_) => {}
            ValueMut::List(_) | ValueMut::Map(_) | ValueMut::Shape(_) => {
                return self.fail(format!("the schema says {kind:?}, the value is not one"));
            }
        }
        Ok(())
    }

    fn integer<T: TryFrom<i64>>(&self, text: &str, expected: &str) -> Result<T, CodecError> {
        let digits = text.strip_prefix('+').unwrap_or(text);
        let Ok(wide) = digits.parse::<i64>() else {
            let all_digits = !digits.is_empty() && digits.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit());
            return match all_digits {
                true => self.fail(format!("expected {expected}, found a number out of its range")),
                false => self.fail(format!("expected {expected}, found text that is not an integer")),
            };
        };
        match T::try_from(wide) {
            Ok(n) => Ok(n),
            Err(_) => self.fail(format!("expected {expected}, found a number out of its range")),
        }
    }

    fn float(&self, text: &str) -> Result<f64, CodecError> {
        match text {
            "NaN" => Ok(f64::NAN),
            "Infinity" | "INF" => Ok(f64::INFINITY),
            "-Infinity" | "-INF" => Ok(f64::NEG_INFINITY),
            _ => match text.parse::<f64>() {
                Ok(f) => Ok(f),
                Err(_) => self.fail("expected a number, found other text"),
            },
        }
    }

    /// Accepts the member's own format first and then any of the three, because services do not
    /// always send what the model says.
    fn timestamp(&self, member: &Member, text: &str) -> Result<DateTime, CodecError> {
        // The form nearly every timestamp comes in, when RFC 3339 is the format tried first: the
        // fast reading gives what `DateTime::parse` would, or declines.
        if matches!(member.timestamp_format, None | Some(TimestampFormat::DateTime)) {
            if let Some(t) = DateTime::parse_utc_fast(text) {
                return Ok(t);
            }
        }
        let formats = [TimestampFormat::DateTime, TimestampFormat::HttpDate, TimestampFormat::EpochSeconds];
        let first = member.timestamp_format.into_iter();
        match first.chain(formats).find_map(|format| DateTime::parse(text, format).ok()) {
            Some(t) => Ok(t),
            None => self.fail("expected a timestamp, found text in no timestamp format"),
        }
    }
}

/// True for an entry of a sparse list or map that stands for null: `xsi:nil="true"`, or an
/// element with neither children nor text.
fn is_null(element: &Element<'_>) -> bool {
    element.is_nil() || (element.children.is_empty() && element.text.is_empty())
}

#[path = "xml_stream.rs"]
mod stream;

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
