//! The HTTP bindings of the REST protocols (`rest-json`, `rest-xml`): members that live in the
//! URI path, the query string, headers and the status code, both ways. The body is the codecs'
//! business; this module only decides which member is the payload.

use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::text::{join_header_item, scalar_from_text, scalar_to_text, split_header_list};
use super::RequestError;
use crate::percent;
use crate::schema::{flags, Location, Member, Operation, Schema, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::types::TimestampFormat;

/// The request line and headers a REST operation's input binds to.
pub(crate) struct Bound {
    /// Path and query, percent-encoded.
    pub uri: String,
    pub headers: HeaderMap,
}

/// Renders `op.uri` with the input's labels, appends its query members, and collects its header
/// members.
pub(crate) fn bind_request(op: &Operation, input: &dyn Shape) -> Result<Bound, RequestError> {
    let schema = op.input;
    let (path_template, static_query) = match op.uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (op.uri, None),
    };
    let mut uri = render_path(path_template, schema, input)?;

    // Query parameters: the URI's own first, then members. A named member wins over a map
    // member's entry of the same name, which is what the protocol tests ask.
    let mut params: Vec<(String, Option<String>)> = Vec::new();
    if let Some(query) = static_query {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((k, v)) => params.push((k.to_owned(), Some(v.to_owned()))),
                None => params.push((pair.to_owned(), None)),
            }
        }
    }
    let static_count = params.len();
    let mut map_params: Vec<(String, String)> = Vec::new();
    let mut headers = HeaderMap::new();
    for (i, member) in schema.members.iter().enumerate() {
        let Some(value) = input.field(i).and_then(Value::get) else { continue };
        match member.location {
            Location::Query => query_member(member, value, &mut params, &mut map_params)?,
            Location::Header => header_member(member, value, &mut headers)?,
            Location::Headers => prefix_headers(member, value, &mut headers)?,
            _ => {}
        }
    }
    let named: Vec<String> = params.iter().map(|(k, _)| k.clone()).collect();
    for (key, value) in map_params {
        if !named.contains(&key) {
            params.push((key, Some(value)));
        }
    }
    let mut first = true;
    for (n, (key, value)) in params.iter().enumerate() {
        uri.push(if first { '?' } else { '&' });
        first = false;
        // The URI's own query is already encoded by the model's authors.
        if n < static_count {
            uri.push_str(key);
        } else {
            percent::encode_into(&mut uri, key.as_bytes(), false);
        }
        if let Some(value) = value {
            uri.push('=');
            if n < static_count {
                uri.push_str(value);
            } else {
                percent::encode_into(&mut uri, value.as_bytes(), false);
            }
        }
    }
    Ok(Bound { uri, headers })
}

fn render_path(template: &str, schema: &'static Schema, input: &dyn Shape) -> Result<String, RequestError> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            return Err(RequestError::new(format!("the URI template {template:?} has an unclosed label")));
        };
        let label = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(name) => (name, true),
            None => (label, false),
        };
        let found =
            schema.members.iter().enumerate().find(|(_, m)| m.location == Location::Uri && m.wire_name() == name);
        let Some((i, member)) = found else {
            return Err(RequestError::new(format!("no member is bound to the URI label {{{name}}}")));
        };
        let Some(value) = input.field(i).and_then(Value::get) else {
            return Err(RequestError::new(format!("the URI label `{}` is required but not set", member.name)));
        };
        let mut text = String::new();
        scalar_to_text(member, value, TimestampFormat::DateTime, &mut text)
            .map_err(|kind| RequestError::new(format!("the URI label `{}` cannot hold {kind}", member.name)))?;
        if text.is_empty() {
            return Err(RequestError::new(format!("the URI label `{}` must not be empty", member.name)));
        }
        percent::encode_into(&mut out, text.as_bytes(), greedy);
    }
    out.push_str(rest);
    Ok(out)
}

fn query_member(
    member: &Member,
    value: ValueRef<'_>,
    params: &mut Vec<(String, Option<String>)>,
    map_params: &mut Vec<(String, String)>,
) -> Result<(), RequestError> {
    let name = member.wire_name();
    let fail = |kind: String| RequestError::new(format!("the query member `{}` cannot hold {kind}", member.name));
    match value {
        ValueRef::List(list) => {
            let element = member.target.list_member().ok_or_else(|| fail("a list".into()))?;
            for i in 0..list.len() {
                let Some(item) = list.item(i).and_then(Value::get) else { continue };
                let mut text = String::new();
                scalar_to_text(element, item, TimestampFormat::DateTime, &mut text).map_err(fail)?;
                params.push((name.to_owned(), Some(text)));
            }
        }
        ValueRef::Map(map) => {
            let (_, entry) = member.target.map_entry().ok_or_else(|| fail("a map".into()))?;
            for i in 0..map.len() {
                let Some((key, item)) = map.entry(i) else { continue };
                match item.get() {
                    Some(ValueRef::List(list)) => {
                        let element = entry.target.list_member().ok_or_else(|| fail("a list".into()))?;
                        for j in 0..list.len() {
                            let Some(v) = list.item(j).and_then(Value::get) else { continue };
                            let mut text = String::new();
                            scalar_to_text(element, v, TimestampFormat::DateTime, &mut text).map_err(fail)?;
                            map_params.push((key.to_owned(), text));
                        }
                    }
                    Some(v) => {
                        let mut text = String::new();
                        scalar_to_text(entry, v, TimestampFormat::DateTime, &mut text).map_err(fail)?;
                        map_params.push((key.to_owned(), text));
                    }
                    None => {}
                }
            }
        }
        scalar => {
            let mut text = String::new();
            scalar_to_text(member, scalar, TimestampFormat::DateTime, &mut text).map_err(fail)?;
            params.push((name.to_owned(), Some(text)));
        }
    }
    Ok(())
}

fn header_name(name: &str, member: &Member) -> Result<HeaderName, RequestError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| RequestError::new(format!("`{}` names an invalid header {name:?}", member.name)))
}

fn header_value(text: &str, member: &Member) -> Result<HeaderValue, RequestError> {
    // Leading and trailing whitespace would be lost on the wire, and control characters are
    // not allowed at all; neither is worth a silent change. The value is not quoted: it may be
    // secret.
    HeaderValue::from_str(text).map_err(|_| {
        RequestError::new(format!("the header member `{}` holds characters a header cannot carry", member.name))
    })
}

pub(crate) fn header_member(member: &Member, value: ValueRef<'_>, headers: &mut HeaderMap) -> Result<(), RequestError> {
    let fail = |kind: String| RequestError::new(format!("the header member `{}` cannot hold {kind}", member.name));
    let mut text = String::new();
    match value {
        // An empty list has no header form: the header is left out.
        ValueRef::List(list) if list.is_empty() => return Ok(()),
        ValueRef::List(list) => {
            let element = member.target.list_member().ok_or_else(|| fail("a list".into()))?;
            let quote = matches!(element.target.kind, ShapeKind::String | ShapeKind::Enum);
            for i in 0..list.len() {
                let Some(item) = list.item(i).and_then(Value::get) else { continue };
                let mut one = String::new();
                scalar_to_text(element, item, TimestampFormat::HttpDate, &mut one).map_err(fail)?;
                join_header_item(&mut text, &one, quote);
            }
        }
        scalar => scalar_to_text(member, scalar, TimestampFormat::HttpDate, &mut text).map_err(fail)?,
    }
    if member.has(flags::COPY_SOURCE) {
        text = crate::client::encode_copy_source(&text);
    }
    let name = header_name(member.wire_name(), member)?;
    headers.insert(name, header_value(&text, member)?);
    Ok(())
}

pub(crate) fn prefix_headers(
    member: &Member,
    value: ValueRef<'_>,
    headers: &mut HeaderMap,
) -> Result<(), RequestError> {
    let ValueRef::Map(map) = value else {
        return Err(RequestError::new(format!("the prefix-header member `{}` must be a map", member.name)));
    };
    let Some((_, entry)) = member.target.map_entry() else {
        return Err(RequestError::new(format!("the prefix-header member `{}` must be a map", member.name)));
    };
    let prefix = member.wire_name();
    for i in 0..map.len() {
        let Some((key, item)) = map.entry(i) else { continue };
        let Some(item) = item.get() else { continue };
        let mut text = String::new();
        scalar_to_text(entry, item, TimestampFormat::HttpDate, &mut text).map_err(|kind| {
            RequestError::new(format!("the prefix-header member `{}` cannot hold {kind}", member.name))
        })?;
        let name = header_name(&format!("{prefix}{key}"), member)?;
        headers.insert(name, header_value(&text, member)?);
    }
    Ok(())
}

/// The payload member of a structure (`payload` trait), with its index.
pub(crate) fn payload_member(schema: &'static Schema) -> Option<(usize, &'static Member)> {
    schema.members.iter().enumerate().find(|(_, m)| m.has(flags::PAYLOAD))
}

/// True when some member of `schema` belongs in the body (no location, and not the payload).
pub(crate) fn has_body_members(schema: &'static Schema) -> bool {
    schema.members.iter().any(|m| m.location == Location::Body)
}

/// Fills the header-, prefix-header- and status-bound members of `shape` from a response.
/// Returns a message naming the member when a header cannot be read as its type.
pub(crate) fn bind_response(
    schema: &'static Schema,
    shape: &mut dyn Shape,
    status: u16,
    headers: &HeaderMap,
) -> Result<(), String> {
    for (i, member) in schema.members.iter().enumerate() {
        match member.location {
            Location::Header => {
                let values: Vec<&str> =
                    headers.get_all(member.wire_name()).iter().filter_map(|v| v.to_str().ok()).collect();
                if values.is_empty() {
                    continue;
                }
                let joined = values.join(", ");
                let Some(field) = shape.field_mut(i) else { continue };
                read_header(member, field, &joined)
                    .map_err(|reason| format!("header {} (member `{}`): {reason}", member.wire_name(), member.name))?;
            }
            Location::Headers => {
                let prefix = member.wire_name().to_ascii_lowercase();
                let Some((_, entry)) = member.target.map_entry() else { continue };
                let matching: Vec<(&str, &str)> = headers
                    .iter()
                    .filter_map(|(name, value)| {
                        let suffix = name.as_str().strip_prefix(prefix.as_str())?;
                        Some((suffix, value.to_str().ok()?))
                    })
                    .collect();
                // The map is set even when no header matches, as botocore does: an empty map says
                // the response was read and carried none.
                let Some(field) = shape.field_mut(i) else { continue };
                let ValueMut::Map(map) = field.get_mut() else { continue };
                for (key, text) in matching {
                    let target = map.entry_mut(key);
                    scalar_from_text(entry, target.get_mut(), text, TimestampFormat::HttpDate)
                        .map_err(|reason| format!("header {prefix}{key} (member `{}`): {reason}", member.name))?;
                }
            }
            Location::StatusCode => {
                let Some(field) = shape.field_mut(i) else { continue };
                if let ValueMut::Int(n) = field.get_mut() {
                    *n = i32::from(status);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_header(member: &Member, field: &mut dyn Value, text: &str) -> Result<(), String> {
    match field.get_mut() {
        ValueMut::List(list) => {
            let Some(element) = member.target.list_member() else { return Err("expected a list".into()) };
            let dates = element.target.kind == ShapeKind::Timestamp
                && element.timestamp_format.or(member.timestamp_format).unwrap_or(TimestampFormat::HttpDate)
                    == TimestampFormat::HttpDate;
            for item in split_header_list(text, dates) {
                let slot = list.push_default();
                scalar_from_text(element, slot.get_mut(), &item, TimestampFormat::HttpDate)?;
            }
            Ok(())
        }
        target => scalar_from_text(member, target, text, TimestampFormat::HttpDate),
    }
}
