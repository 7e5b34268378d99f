//! Stage 2: check what serde cannot: references, names and the values of traits.
//!
//! Every problem is reported (not just the first), each with its file and JSON pointer, so a
//! broken model is fixed in one round.

use std::collections::HashMap;

use crate::error::{Errors, ModelError};
use crate::jmespath;
use crate::load::{Loaded, PAGINATORS_FILE, SERVICE_FILE, WAITERS_FILE};
use crate::model::{ShapeDef, ShapeRef};

pub const PROTOCOLS: &[&str] = &["query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"];
const SHAPE_TYPES: &[&str] = &[
    "structure",
    "list",
    "map",
    "string",
    "integer",
    "long",
    "boolean",
    "double",
    "float",
    "timestamp",
    "blob",
    "byte",
    "short",
    "bigInteger",
    "bigDecimal",
    // A one-character string (botocore's legacy test suites); lowered as a string.
    "character",
];
const LOCATIONS: &[&str] = &["uri", "querystring", "header", "headers", "statusCode"];
const TIMESTAMP_FORMATS: &[&str] = &["iso8601", "rfc822", "unixTimestamp"];
const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"];
const MATCHERS: &[&str] = &["path", "pathAll", "pathAny", "status", "error"];
const STATES: &[&str] = &["success", "failure", "retry"];

/// Checks a loaded service; an empty `Ok` means every later stage may trust the references.
pub fn validate(loaded: &Loaded) -> Result<(), Vec<ModelError>> {
    let file = loaded.file(SERVICE_FILE);
    let mut errors = Errors::new(&file);
    let model = &loaded.model;
    if !PROTOCOLS.contains(&model.metadata.protocol.as_str()) {
        errors.add(
            &["metadata", "protocol"],
            format!("unknown protocol {:?}, expected one of {}", model.metadata.protocol, PROTOCOLS.join(", ")),
        );
    }
    for (i, protocol) in model.metadata.protocols.iter().enumerate() {
        if !PROTOCOLS.contains(&protocol.as_str()) {
            errors
                .add(&["metadata".into(), "protocols".into(), i.to_string()], format!("unknown protocol {protocol:?}"));
        }
    }
    for (name, shape) in &model.shapes {
        check_shape(loaded, name, shape, &mut errors);
    }
    // The first operation to give each shape a `payload` through its input or output reference.
    let mut ref_payloads: HashMap<&str, (&str, &str)> = HashMap::new();
    for (name, op) in &model.operations {
        for r in op.input.iter().chain(op.output.iter()) {
            if let Some(payload) = &r.payload {
                ref_payloads.entry(&r.shape).or_insert((name, payload));
            }
        }
    }
    for (name, op) in &model.operations {
        check_operation(loaded, name, op, &ref_payloads, &mut errors);
    }
    let mut all = errors.list;
    all.extend(check_paginators(loaded));
    all.extend(check_waiters(loaded));
    all.extend(crate::resources::check(loaded));
    if all.is_empty() {
        Ok(())
    } else {
        Err(all)
    }
}

/// A member reference (of a structure, list or map).
fn check_ref(loaded: &Loaded, at: &[&str], r: &ShapeRef, errors: &mut Errors) {
    let path = |key: &'static str| [at, &[key]].concat();
    if !loaded.model.shapes.contains_key(&r.shape) {
        errors.add(&path("shape"), format!("unknown shape {:?}", r.shape));
    }
    check_serialization(&path, r.location.as_deref(), r.timestamp_format.as_deref(), errors);
    if r.payload.is_some() {
        errors.add(
            &path("payload"),
            "\"payload\" on a member reference; it belongs to a structure or an operation's input or output",
        );
    }
}

/// `location` and `timestampFormat`, which shapes and member references both may carry.
fn check_serialization<'a>(
    path: &dyn Fn(&'static str) -> Vec<&'a str>,
    location: Option<&str>,
    timestamp_format: Option<&str>,
    errors: &mut Errors,
) {
    if let Some(location) = location {
        if !LOCATIONS.contains(&location) {
            errors.add(
                &path("location"),
                format!("unknown location {location:?}, expected one of {}", LOCATIONS.join(", ")),
            );
        }
    }
    if let Some(format) = timestamp_format {
        if !TIMESTAMP_FORMATS.contains(&format) {
            errors.add(
                &path("timestampFormat"),
                format!("unknown timestamp format {format:?}, expected one of {}", TIMESTAMP_FORMATS.join(", ")),
            );
        }
    }
}

/// Where a member goes: its own `location`, else its target's (botocore merges a reference's
/// keys over the target shape's).
pub fn member_location<'a>(loaded: &'a Loaded, r: &'a ShapeRef) -> Option<&'a str> {
    r.location.as_deref().or_else(|| loaded.model.shapes.get(&r.shape).and_then(|s| s.location.as_deref()))
}

/// The `locationName` of a member outside the body: its own, else its target's, else `None`
/// (the member's name then).
pub fn located_name<'a>(loaded: &'a Loaded, r: &'a ShapeRef) -> Option<&'a str> {
    r.location_name.as_deref().or_else(|| loaded.model.shapes.get(&r.shape).and_then(|s| s.location_name.as_deref()))
}

fn check_shape(loaded: &Loaded, name: &str, shape: &ShapeDef, errors: &mut Errors) {
    let at = |key: &'static str| ["shapes", name, key];
    if !SHAPE_TYPES.contains(&shape.type_.as_str()) {
        errors.add(
            &at("type"),
            format!("unknown shape type {:?}, expected one of {}", shape.type_, SHAPE_TYPES.join(", ")),
        );
        return;
    }
    check_serialization(&|key| at(key).to_vec(), shape.location.as_deref(), shape.timestamp_format.as_deref(), errors);
    if shape.enum_.is_some() && shape.type_ != "string" {
        errors.add(&at("enum"), format!("enum values on a {} shape; expected a string shape", shape.type_));
    }
    // References that do not belong to the shape's type are errors too: they say the model is not
    // what its author meant. The one exception is `key` and `value` on a string shape, which
    // botocore's legacy `json` output suite has ("Lists": a `MapType` of type string) and botocore
    // reads as a plain string; later stages follow only the references a type owns.
    let entry_allowed = matches!(shape.type_.as_str(), "map" | "string");
    for (key, present, allowed) in [
        ("members", shape.members.is_some(), shape.type_ == "structure"),
        ("member", shape.member.is_some(), shape.type_ == "list"),
        ("key", shape.key.is_some(), entry_allowed),
        ("value", shape.value.is_some(), entry_allowed),
    ] {
        if present && !allowed {
            errors.add(&at(key), format!("{key:?} on a {} shape; it belongs to a {}", shape.type_, owner_of(key)));
        }
    }
    match shape.type_.as_str() {
        // A document is any JSON value: botocore's models give it no members.
        "structure" if shape.document && shape.members.is_none() => {}
        "structure" => {
            let Some(members) = &shape.members else {
                errors.add(&["shapes", name], "structure without \"members\"; expected an object of members");
                return;
            };
            for (member, r) in members {
                check_ref(loaded, &["shapes", name, "members", member], r, errors);
            }
            for (i, required) in shape.required.iter().enumerate() {
                if !members.contains_key(required) {
                    errors.add(
                        &["shapes".into(), name.into(), "required".into(), i.to_string()],
                        format!("required member {required:?} is not a member"),
                    );
                }
            }
            if let Some(payload) = &shape.payload {
                if !members.contains_key(payload) {
                    errors.add(&at("payload"), format!("payload member {payload:?} is not a member"));
                }
            }
            if shape.union && !shape.required.is_empty() {
                errors.add(&at("required"), "a union cannot have required members");
            }
        }
        "list" => match &shape.member {
            Some(r) => check_ref(loaded, &["shapes", name, "member"], r, errors),
            None => errors.add(&["shapes", name], "list without \"member\"; expected a shape reference"),
        },
        "map" => {
            for (key, r) in [("key", &shape.key), ("value", &shape.value)] {
                match r {
                    Some(r) => check_ref(loaded, &["shapes", name, key], r, errors),
                    None => errors.add(&["shapes", name], format!("map without {key:?}; expected a shape reference")),
                }
            }
            // Map keys travel as strings on every protocol (JSON keys, XML text, query names).
            let key_type = shape.key.as_ref().and_then(|k| loaded.model.shapes.get(&k.shape)).map(|k| k.type_.as_str());
            if let Some(other) = key_type.filter(|t| !matches!(*t, "string" | "character")) {
                errors.add(
                    &["shapes", name, "key", "shape"],
                    format!("map key has type {other}; expected a string shape"),
                );
            }
        }
        _ => {}
    }
}

/// The shape type a reference key belongs to, for messages.
fn owner_of(key: &str) -> &'static str {
    match key {
        "members" => "structure",
        "member" => "list",
        _ => "map",
    }
}

/// The structure a reference points at, if it is one.
fn structure<'a>(loaded: &'a Loaded, r: &ShapeRef) -> Option<&'a ShapeDef> {
    loaded.model.shapes.get(&r.shape).filter(|s| s.type_ == "structure")
}

fn check_operation(
    loaded: &Loaded,
    name: &str,
    op: &crate::model::OperationDef,
    ref_payloads: &HashMap<&str, (&str, &str)>,
    errors: &mut Errors,
) {
    // `name` may differ from the key (CloudFront suffixes its API version); the key is the name.
    if !METHODS.contains(&op.http.method.as_str()) {
        errors.add(&["operations", name, "http", "method"], format!("unknown HTTP method {:?}", op.http.method));
    }
    if !op.http.request_uri.starts_with('/') {
        errors.add(
            &["operations", name, "http", "requestUri"],
            format!("request URI {:?} must start with '/'", op.http.request_uri),
        );
    }
    for (key, r) in [("input", &op.input), ("output", &op.output)] {
        let Some(r) = r else { continue };
        match loaded.model.shapes.get(&r.shape) {
            None => errors.add(&["operations", name, key, "shape"], format!("unknown shape {:?}", r.shape)),
            Some(s) if s.type_ != "structure" || s.document => errors.add(
                &["operations", name, key, "shape"],
                format!(
                    "{key} shape {:?} is a {}; expected a structure",
                    r.shape,
                    if s.document { "document" } else { &s.type_ }
                ),
            ),
            Some(s) => {
                // botocore merges the reference's keys over the shape: a `payload` here names
                // the structure's payload member for this operation.
                if let Some(payload) = &r.payload {
                    let at = ["operations", name, key, "payload"];
                    if !s.members.as_ref().is_some_and(|m| m.contains_key(payload)) {
                        errors.add(&at, format!("payload member {payload:?} is not a member of {:?}", r.shape));
                    } else if let Some(own) = s.payload.as_ref().filter(|own| *own != payload) {
                        errors.add(
                            &at,
                            format!("payload {payload:?} conflicts with {:?}'s own payload {own:?}", r.shape),
                        );
                    } else if let Some((other, theirs)) =
                        ref_payloads.get(r.shape.as_str()).filter(|(_, p)| p != payload)
                    {
                        // The payload is lowered onto the shape, so every reference must agree.
                        errors.add(
                            &at,
                            format!(
                                "payload {payload:?} conflicts with payload {theirs:?} that {other} gives {:?}",
                                r.shape
                            ),
                        );
                    }
                }
            }
        }
    }
    for (i, r) in op.errors.iter().enumerate() {
        let at = ["operations".to_string(), name.into(), "errors".into(), i.to_string(), "shape".into()];
        match loaded.model.shapes.get(&r.shape) {
            None => errors.add(&at, format!("unknown shape {:?}", r.shape)),
            Some(s) if s.type_ != "structure" || s.document => errors.add(
                &at,
                format!(
                    "error shape {:?} is a {}; expected a structure",
                    r.shape,
                    if s.document { "document" } else { &s.type_ }
                ),
            ),
            Some(_) => {}
        }
        if r.payload.is_some() {
            let mut at = at.to_vec();
            *at.last_mut().expect("non-empty") = "payload".into();
            errors.add(&at, "\"payload\" on an error reference; it belongs to the error structure");
        }
    }
    let input_members = op.input.as_ref().and_then(|r| structure(loaded, r)).and_then(|s| s.members.as_ref());
    // Every URI label must be an input member bound to the URI, or the request cannot be built.
    // A member's label is its `locationName`, else its name (botocore's default).
    for label in labels(op.http.request_uri.split('?').next().unwrap_or_default()) {
        let label = label.trim_end_matches('+');
        let bound = input_members
            .and_then(|m| {
                m.iter().find(|(member, r)| {
                    member_location(loaded, r) == Some("uri")
                        && located_name(loaded, r).unwrap_or(member.as_str()) == label
                })
            })
            .is_some();
        if !bound {
            errors.add(
                &["operations", name, "http", "requestUri"],
                format!("URI label {{{label}}} has no input member with location \"uri\" and locationName {label:?}"),
            );
        }
    }
    if let Some(endpoint) = &op.endpoint {
        for label in labels(&endpoint.host_prefix) {
            let bound = input_members.and_then(|m| m.get(label)).is_some_and(|r| r.host_label);
            if !bound {
                errors.add(
                    &["operations", name, "endpoint", "hostPrefix"],
                    format!("host prefix label {{{label}}} has no input member with hostLabel"),
                );
            }
        }
    }
    if let Some(checksum) = &op.http_checksum {
        for (key, member) in [
            ("requestAlgorithmMember", &checksum.request_algorithm_member),
            ("requestValidationModeMember", &checksum.request_validation_mode_member),
        ] {
            if let Some(member) = member {
                if input_members.and_then(|m| m.get(member)).is_none() {
                    errors
                        .add(&["operations", name, "httpChecksum", key], format!("{member:?} is not an input member"));
                }
            }
        }
    }
    for (param, value) in &op.static_context_params {
        if !(value.value.is_boolean() || value.value.is_string()) {
            errors.add(&["operations", name, "staticContextParams", param, "value"], "expected a boolean or a string");
        }
    }
}

/// The `{label}` names of a URI or host-prefix template.
fn labels(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(label, _)| label))
}

/// The first identifier of a JMESPath expression, when it starts with one (`Contents[-1].Key` →
/// `Contents`). Full expressions are checked by the paginator stage.
fn leading_identifier(expr: &str) -> Option<&str> {
    let end = expr.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(expr.len());
    let ident = &expr[..end];
    (!ident.is_empty() && !ident.starts_with(|c: char| c.is_ascii_digit())).then_some(ident)
}

fn member_names<'a>(loaded: &'a Loaded, r: Option<&ShapeRef>) -> Option<&'a indexmap::IndexMap<String, ShapeRef>> {
    r.and_then(|r| structure(loaded, r)).and_then(|s| s.members.as_ref())
}

fn check_paginators(loaded: &Loaded) -> Vec<ModelError> {
    let file = loaded.file(PAGINATORS_FILE);
    let mut errors = Errors::new(&file);
    for (name, p) in &loaded.paginators.pagination {
        let Some(op) = loaded.model.operations.get(name) else {
            errors.add(&["pagination", name], format!("paginator for unknown operation {name:?}"));
            continue;
        };
        let input = member_names(loaded, op.input.as_ref());
        let output = member_names(loaded, op.output.as_ref());
        for (i, token) in p.input_token.to_vec().iter().enumerate() {
            if input.and_then(|m| m.get(token)).is_none() {
                errors.add(
                    &["pagination".into(), name.clone(), "input_token".into(), i.to_string()],
                    format!("input token {token:?} is not a member of {name}'s input"),
                );
            }
        }
        if let Some(limit) = &p.limit_key {
            if input.and_then(|m| m.get(limit)).is_none() {
                errors.add(
                    &["pagination", name, "limit_key"],
                    format!("limit key {limit:?} is not a member of {name}'s input"),
                );
            }
        }
        let mut paths: Vec<(String, String)> = Vec::new();
        for (i, token) in p.output_token.to_vec().into_iter().enumerate() {
            paths.push((format!("output_token/{i}"), token));
        }
        if let Some(keys) = &p.result_key {
            for (i, key) in keys.to_vec().into_iter().enumerate() {
                paths.push((format!("result_key/{i}"), key));
            }
        }
        if let Some(more) = &p.more_results {
            paths.push(("more_results".into(), more.clone()));
        }
        for (i, key) in p.non_aggregate_keys.iter().flatten().enumerate() {
            paths.push((format!("non_aggregate_keys/{i}"), key.clone()));
        }
        for (at, expr) in paths {
            if let Err(e) = jmespath::check(&expr) {
                let mut segments = vec!["pagination".to_string(), name.clone()];
                segments.extend(at.split('/').map(str::to_owned));
                errors.add(&segments, format!("{expr:?}: {e}"));
                continue;
            }
            // `||` alternatives each start with their own identifier.
            for alternative in expr.split("||") {
                if let Some(ident) = leading_identifier(alternative.trim()) {
                    if output.and_then(|m| m.get(ident)).is_none() {
                        let mut segments = vec!["pagination".to_string(), name.clone()];
                        segments.extend(at.split('/').map(str::to_owned));
                        errors.add(&segments, format!("{ident:?} (in {expr:?}) is not a member of {name}'s output"));
                    }
                }
            }
        }
    }
    errors.list
}

fn check_waiters(loaded: &Loaded) -> Vec<ModelError> {
    let file = loaded.file(WAITERS_FILE);
    let mut errors = Errors::new(&file);
    for (name, w) in &loaded.waiters.waiters {
        if !loaded.model.operations.contains_key(&w.operation) {
            errors.add(&["waiters", name, "operation"], format!("waiter for unknown operation {:?}", w.operation));
        }
        if w.delay == 0 || w.max_attempts == 0 {
            errors.add(&["waiters", name], "delay and maxAttempts must be positive");
        }
        for (i, a) in w.acceptors.iter().enumerate() {
            let at = |key: &str| {
                vec!["waiters".to_string(), name.clone(), "acceptors".into(), i.to_string(), key.to_owned()]
            };
            if !MATCHERS.contains(&a.matcher.as_str()) {
                errors.add(
                    &at("matcher"),
                    format!("unknown matcher {:?}, expected one of {}", a.matcher, MATCHERS.join(", ")),
                );
            }
            if !STATES.contains(&a.state.as_str()) {
                errors.add(&at("state"), format!("unknown state {:?}, expected one of {}", a.state, STATES.join(", ")));
            }
            match a.matcher.as_str() {
                "status" if !a.expected.as_u64().is_some_and(|s| (100..=599).contains(&s)) => {
                    errors.add(&at("expected"), "a status matcher expects an HTTP status code")
                }
                "error" if !(a.expected.is_string() || a.expected.is_boolean()) => {
                    errors.add(&at("expected"), "an error matcher expects an error code or a boolean")
                }
                "path" | "pathAll" | "pathAny" if a.argument.is_none() => errors
                    .add(&at("argument"), format!("a {} matcher needs an argument (a JMESPath expression)", a.matcher)),
                "path" | "pathAll" | "pathAny" if !(a.expected.is_string() || a.expected.is_boolean()) => errors.add(
                    &at("expected"),
                    format!("a {} matcher compares with a string or a boolean, not {}", a.matcher, a.expected),
                ),
                "path" | "pathAll" | "pathAny" => {
                    let expr = a.argument.as_deref().unwrap_or_default();
                    if let Err(e) = jmespath::check(expr) {
                        errors.add(&at("argument"), format!("{expr:?}: {e}"));
                    }
                }
                _ => {}
            }
        }
    }
    errors.list
}
