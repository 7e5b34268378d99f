//! Running one case: the input filled from `params` and the request the runtime lays out
//! compared with `serialized`, or the response read into the output (or error) and compared
//! with `result` (or `error`). What is compared, and how leniently, follows botocore's
//! `tests/unit/test_protocols.py`, so that "passes" means "behaves as boto3 does".

pub mod cbor;
pub mod compare;
pub mod value;
pub mod xml;

use std::collections::BTreeSet;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Value as Json};
use tucuxi::protocol::{deserialize_error, deserialize_response, serialize_request, OperationErrors};
use tucuxi::event_stream::read_initial_response;
use tucuxi::schema::{flags, Location, Operation, Protocol, Service, ShapeKind};
use tucuxi::shape::{Shape, ValueMut};
use tucuxi::types::base64_decode;
use tucuxi::ByteStream;

use compare::{cut, json_eq, uri_eq};

/// One row of the case table: where the case's data is, and the function that runs it with
/// its generated types.
pub struct Case {
    pub file: &'static str,
    pub suite: usize,
    pub index: usize,
    pub id: &'static str,
    /// Runs the case given its suite and its case object; `Err` says why it fails.
    pub run: fn(&Json, &Json) -> Result<(), String>,
}

/// The input or output of an operation that has none (the runtime's unit shape).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unit;

impl Shape for Unit {
    fn schema(&self) -> &'static tucuxi::schema::Schema {
        &tucuxi::schema::prim::UNIT
    }
    fn field(&self, _: usize) -> Option<&dyn tucuxi::shape::Value> {
        None
    }
    fn field_mut(&mut self, _: usize) -> Option<&mut dyn tucuxi::shape::Value> {
        None
    }
}

/// An input case: `params` → `input` → the runtime's request, compared with `serialized`.
pub fn run_input(
    service: &'static Service,
    op: &'static Operation,
    input: &mut dyn Shape,
    suite: &Json,
    case: &Json,
) -> Result<(), String> {
    value::fill_shape(input, &case["params"]).map_err(|e| format!("params: {e}"))?;
    // botocore's tests patch `uuid4`; the cases expect this token wherever one is filled in.
    tucuxi::protocol::set_fixed_idempotency_token(Some("00000000-0000-4000-8000-000000000000"));
    let request = serialize_request(service, op, input).map_err(|e| format!("serialize_request: {e}"))?;
    let expected = &case["serialized"];
    let body = request.body.as_bytes().ok_or("the request body is a stream, not bytes")?;
    if expected.get("body").is_some() || service.protocol == Protocol::RpcV2Cbor {
        body_eq(service.protocol, body, expected["body"].as_str().unwrap_or(""))?;
    }
    headers_eq(service.protocol, op, &request.headers, request.body.content_length().is_some(), expected)?;
    // The client puts the request's path after the endpoint's own path, if it has one.
    let endpoint = suite["clientEndpoint"].as_str().unwrap_or("https://example.com");
    let endpoint = endpoint.split_once("://").map_or(endpoint, |(_, rest)| rest);
    let endpoint_path = endpoint.find('/').map_or("", |i| endpoint[i..].trim_end_matches('/'));
    uri_eq(&format!("{endpoint_path}{}", request.uri), expected["uri"].as_str().unwrap_or(""))?;
    if let Some(method) = expected["method"].as_str() {
        if request.method != method {
            return Err(format!("method {}, expected {method}", request.method));
        }
    }
    if let Some(host) = expected["host"].as_str() {
        // The endpoint's host (and path, which the cases fold into `host`) after the scheme.
        let actual = format!("{}{endpoint}", request.host_prefix.as_deref().unwrap_or(""));
        if actual != host {
            return Err(format!("host {actual}, expected {host}"));
        }
    }
    Ok(())
}

/// Bodies by meaning: CBOR and JSON parsed, XML canonicalised, everything else byte for byte.
fn body_eq(protocol: Protocol, actual: &[u8], expected: &str) -> Result<(), String> {
    let as_text = |b: &[u8]| cut(&String::from_utf8_lossy(b));
    let bytes_eq = |actual: &[u8], expected: &[u8]| {
        if actual == expected {
            Ok(())
        } else {
            Err(format!("body \"{}\", expected \"{}\"", as_text(actual), as_text(expected)))
        }
    };
    match protocol {
        Protocol::RpcV2Cbor if !actual.is_empty() => {
            let expected = base64_decode(expected).map_err(|e| format!("the case's CBOR body is not base64: {e}"))?;
            let a = cbor::decode(actual).map_err(|e| format!("body is not CBOR: {e}"))?;
            let b = cbor::decode(&expected).map_err(|e| format!("the case's body is not CBOR: {e}"))?;
            json_eq(&a, &b, &BTreeSet::new()).map_err(|e| format!("CBOR body {e}"))
        }
        Protocol::RpcV2Cbor => bytes_eq(actual, &base64_decode(expected).unwrap_or_default()),
        Protocol::Json | Protocol::RestJson => {
            match (serde_json::from_slice::<Json>(actual), serde_json::from_str::<Json>(expected)) {
                (Ok(a), Ok(b)) => json_eq(&a, &b, &BTreeSet::new()).map_err(|e| format!("JSON body {e}")),
                // rest-json payloads may be plain text or bytes; `json` bodies must be JSON.
                (Err(e), _) if protocol == Protocol::Json => Err(format!("body {} is not JSON: {e}", as_text(actual))),
                _ => bytes_eq(actual, expected.as_bytes()),
            }
        }
        Protocol::RestXml => {
            let text = String::from_utf8_lossy(actual);
            match (xml::canonical(&text), xml::canonical(expected)) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                (Ok(a), Ok(b)) => Err(format!("XML body {}, expected {}", cut(&a), cut(&b))),
                _ => bytes_eq(actual, expected.as_bytes()),
            }
        }
        Protocol::Query | Protocol::Ec2 => bytes_eq(actual, expected.as_bytes()),
    }
}

/// Expected headers must be sent with their values, `forbidHeaders` must not be sent and
/// `requireHeaders` must be (`Content-Length` counts as sent when the body's size is known,
/// since the HTTP client adds it), with botocore's allowances: list headers may join with `,` or
/// `, `; query and ec2 may add `; charset=utf-8` to the content type; rest-xml, and rest-json
/// with a non-JSON payload, may leave the content type out.
fn headers_eq(
    protocol: Protocol,
    op: &Operation,
    actual: &HeaderMap,
    sized_body: bool,
    expected: &Json,
) -> Result<(), String> {
    let list_headers: Vec<String> = op
        .input
        .members
        .iter()
        .filter(|m| m.location == Location::Header && m.target.kind == ShapeKind::List)
        .map(|m| m.wire_name().to_ascii_lowercase())
        .collect();
    let empty = serde_json::Map::new();
    for (name, want) in expected["headers"].as_object().unwrap_or(&empty) {
        let want = want.as_str().unwrap_or_default();
        let got: Vec<&str> = actual.get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
        let got = got.join(", ");
        let lname = name.to_ascii_lowercase();
        let content_type = lname == "content-type";
        let ok = if list_headers.contains(&lname) {
            got.replace(", ", ",") == want.replace(", ", ",")
        } else if content_type && matches!(protocol, Protocol::Query | Protocol::Ec2) {
            got == want || got == format!("{want}; charset=utf-8")
        } else if content_type
            && (protocol == Protocol::RestXml || protocol == Protocol::RestJson && want != "application/json")
        {
            got.is_empty() || got == want
        } else {
            got == want
        };
        if !ok {
            if actual.contains_key(name.as_str()) {
                return Err(format!("header {name}: {}, expected {}", cut(&got), cut(want)));
            }
            return Err(format!("header {name} missing, expected {}", cut(want)));
        }
    }
    for name in expected["forbidHeaders"].as_array().into_iter().flatten().filter_map(Json::as_str) {
        if actual.contains_key(name) {
            return Err(format!("header {name} is sent but forbidden"));
        }
    }
    for name in expected["requireHeaders"].as_array().into_iter().flatten().filter_map(Json::as_str) {
        // The HTTP client sends `Content-Length` for every body of known size.
        let sent_by_client = name.eq_ignore_ascii_case("content-length") && sized_body;
        if !actual.contains_key(name) && !sent_by_client {
            return Err(format!("header {name} is required but not sent"));
        }
    }
    Ok(())
}

/// An output case: `response` read into `output`, or for an error case into the operation's
/// error (`E`, else the service's `X` when the operation does not list the code), and compared
/// with `result` or `error`.
pub fn run_output<E: OperationErrors, X: OperationErrors>(
    service: &'static Service,
    op: &'static Operation,
    output: &mut dyn Shape,
    _suite: &Json,
    case: &Json,
) -> Result<(), String> {
    let response = &case["response"];
    let status =
        response["status_code"].as_u64().and_then(|s| u16::try_from(s).ok()).ok_or("no response.status_code")?;
    let mut headers = HeaderMap::new();
    for (name, value) in response["headers"].as_object().into_iter().flatten() {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| format!("header {name}: {e}"))?;
        let value =
            HeaderValue::from_str(value.as_str().unwrap_or_default()).map_err(|e| format!("header {name}: {e}"))?;
        headers.append(name, value);
    }
    // botocore's runner: no body is empty (`<xml/>` for query); CBOR and event-stream bodies are
    // base64.
    let body: Vec<u8> = match (response["body"].as_str(), service.protocol) {
        // Event-stream bodies are binary, so the cases give them in base64 as they do CBOR.
        (Some(text), _) if op.output.members.iter().any(|m| m.has(flags::EVENT_STREAM)) => {
            base64_decode(text).map_err(|e| format!("the event-stream body is not base64: {e}"))?
        }
        (Some(text), Protocol::RpcV2Cbor) => {
            base64_decode(text).map_err(|e| format!("the CBOR body is not base64: {e}"))?
        }
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Protocol::Query) => b"<xml/>".to_vec(),
        (None, _) => Vec::new(),
    };
    if let Some(error) = case.get("error") {
        let e = deserialize_error::<E>(service, op, status, &headers, &body);
        // A case without `errorMessage` says nothing about the message (the Smithy originals
        // have none); only cases that state one check it.
        let message = match case.get("errorMessage") {
            Some(_) => e.message().unwrap_or(""),
            None => "",
        };
        let mut actual = json!({"Error": {"Code": e.code().unwrap_or(""), "Message": message}});
        let mut defaulted = BTreeSet::new();
        let modeled = e.modeled::<E>().map(E::as_shape).or_else(|| e.modeled::<X>().map(X::as_shape));
        if let Some(modeled) = modeled {
            let converted = value::shape_to_json(modeled);
            defaulted = converted.defaulted;
            if let (Some(a), Some(members)) = (actual.as_object_mut(), converted.json.as_object()) {
                a.extend(members.clone());
            }
        }
        let mut expected = json!({"Error": {
            "Code": case["errorCode"].as_str().unwrap_or(""),
            "Message": case["errorMessage"].as_str().unwrap_or(""),
        }});
        if let (Some(x), Some(members)) = (expected.as_object_mut(), error.as_object()) {
            x.extend(members.clone());
        }
        return json_eq(&actual, &expected, &defaulted).map_err(|d| format!("error {d}"));
    }
    deserialize_response(service, op, status, &headers, ByteStream::from(body), output)
        .map_err(|e| format!("deserialize_response: {e}"))?;
    now(read_initial_response(service, op, output))?.map_err(|e| format!("read_initial_response: {e}"))?;
    let events = drain_event_streams(output)?;
    let mut converted = value::shape_to_json(output);
    if let Some(object) = converted.json.as_object_mut() {
        object.extend(events);
    }
    // A `jsonvalue` member is handed back as the JSON text it carries. botocore's cases state the
    // value it parses from that text (compared above as parsed); Smithy's `mediaType` cases state
    // the text itself, which is then what tucuxi gave exactly.
    for (path, text) in &converted.json_texts {
        if case["result"].pointer(path).and_then(Json::as_str) == Some(text.as_str()) {
            if let Some(slot) = converted.json.pointer_mut(path) {
                *slot = Json::String(text.clone());
            }
        }
    }
    json_eq(&converted.json, &case["result"], &converted.defaulted).map_err(|d| format!("result {d}"))
}

/// Reads every event of the output's event-stream members, as botocore's runner does with
/// `list(stream)`: the member's JSON becomes the list of events.
fn drain_event_streams(output: &mut dyn Shape) -> Result<Vec<(String, Json)>, String> {
    let schema = output.schema();
    let mut out = Vec::new();
    for (i, member) in schema.members.iter().enumerate() {
        if !member.has(flags::EVENT_STREAM) {
            continue;
        }
        // An unset member has no stream and is left out, as botocore leaves it out.
        if output.field(i).and_then(tucuxi::shape::Value::get).is_none() {
            continue;
        }
        let Some(ValueMut::EventStream(receiver)) = output.field_mut(i).map(tucuxi::shape::Value::get_mut) else {
            return Err(format!("{} is not an event stream", member.name));
        };
        let mut events = Vec::new();
        while let Some(event) = now(receiver.next_dyn())?.map_err(|e| format!("event stream: {e}"))? {
            events.push(value::shape_to_json(&*event).json);
        }
        out.push((member.name.to_owned(), Json::Array(events)));
    }
    Ok(out)
}

/// Runs a future that cannot wait: the cases' bodies are in memory.
fn now<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    let mut future = std::pin::pin!(future);
    let waker = std::task::Waker::noop();
    match future.as_mut().poll(&mut std::task::Context::from_waker(waker)) {
        std::task::Poll::Ready(out) => Ok(out),
        std::task::Poll::Pending => Err("an in-memory body waited".into()),
    }
}
