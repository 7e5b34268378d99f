//! Error responses: where each protocol puts the error code and message, and how a code maps to
//! one of the operation's modeled errors.

use http::HeaderMap;

use super::{cbor, header, xml, CodecError};
use crate::dispatch::sanitize_code;
use crate::error::REQUEST_ID_HEADERS;
use crate::schema::{Protocol, Schema, Service};
use crate::shape::Shape;
use crate::types::Document;

/// The modeled errors of one operation, as the enum generated for it (`errors::GetObjectError`).
///
/// Generated code implements this through the runtime's `operation_errors!` macro; operations
/// without modeled errors use [`NoErrors`].
pub trait OperationErrors: Sized + Send + Sync + 'static {
    /// Builds modeled error `index` (its position in the operation's `errors` list), reading its
    /// members with `read`. `None` when the index is not one of this operation's errors.
    fn decode(index: usize, read: &mut dyn FnMut(&mut dyn Shape) -> Result<(), CodecError>) -> Option<Self>;
    /// The error's value, to read its members generically.
    fn as_shape(&self) -> &dyn Shape;
}

/// The modeled errors of an operation that has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoErrors {}

impl OperationErrors for NoErrors {
    fn decode(_: usize, _: &mut dyn FnMut(&mut dyn Shape) -> Result<(), CodecError>) -> Option<Self> {
        None
    }
    fn as_shape(&self) -> &dyn Shape {
        match *self {}
    }
}

/// [`OperationErrors::decode`] boxed, as a service's [`Exceptions`](crate::schema::Exceptions)
/// table holds it for the generated `errors::Exception` enum.
pub fn decode_exception<E: OperationErrors>(
    index: usize,
    read: &mut dyn FnMut(&mut dyn Shape) -> Result<(), CodecError>,
) -> Option<Box<dyn core::any::Any + Send + Sync>> {
    E::decode(index, read).map(|e| Box::new(e) as Box<dyn core::any::Any + Send + Sync>)
}

/// The code an exception shape is answered with: its `error.code` trait, else its name.
pub fn error_code(schema: &Schema) -> &'static str {
    schema.error.and_then(|e| e.code).unwrap_or(schema.name)
}

/// What an error response says about itself.
#[derive(Debug, Default)]
pub(crate) struct ErrorFacts {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// The code the body named before a query-compatible header replaced it: the shape name,
    /// which is what the operation's error list knows the error by.
    pub shape_name: Option<String>,
}

/// Reads the code, message and request id of an error response the way the protocol carries them.
pub(crate) fn error_facts(service: &Service, status: u16, headers: &HeaderMap, body: &[u8]) -> ErrorFacts {
    let mut facts = (service.codec.facts)(headers, body);
    // A front end (an authenticating proxy, moto's signature check) may answer a JSON or CBOR
    // service in XML; its `<Code>` names the error better than the status alone would. (The XML
    // protocols have read the body as XML already.)
    let xml_protocol = matches!(service.protocol, Protocol::Query | Protocol::Ec2 | Protocol::RestXml);
    if facts.code.is_none() && !xml_protocol && body.trim_ascii_start().starts_with(b"<") {
        if let Some(info) = xml::xml_error_info(body) {
            facts.code = info.code;
            facts.message = facts.message.or(info.message);
            facts.request_id = facts.request_id.or(info.request_id);
        }
    }
    // Query-compatible JSON and CBOR services also send the code the query protocol would have.
    if service.aws_query_compatible {
        if let Some(code) = header(headers, "x-amzn-query-error").and_then(|v| v.split(';').next()) {
            if !code.is_empty() {
                facts.shape_name = facts.code.take();
                facts.code = Some(code.to_owned());
            }
        }
    }
    if facts.request_id.is_none() {
        facts.request_id = REQUEST_ID_HEADERS.iter().find_map(|name| header(headers, name)).map(str::to_owned);
    }
    // An error without a code (a HEAD answered 404, an HTML page from a proxy) is named by its
    // status, as botocore does, so `code()` is always there to match on.
    if facts.code.is_none() {
        facts.code = Some(status.to_string());
        if facts.message.is_none() {
            facts.message =
                http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).map(str::to_owned);
        }
    }
    facts
}

/// The CBOR protocol's error code and message, from the body.
pub(crate) fn cbor_facts(_: &HeaderMap, body: &[u8]) -> ErrorFacts {
    let (code, message) = cbor::cbor_error_info(body).unwrap_or((None, None));
    ErrorFacts { code: code.map(|c| sanitize_code(&c).to_owned()), message, request_id: None, shape_name: None }
}

/// The XML protocols' error code, message and request id, from the body.
pub(crate) fn xml_facts(_: &HeaderMap, body: &[u8]) -> ErrorFacts {
    match xml::xml_error_info(body) {
        Some(info) => {
            ErrorFacts { code: info.code, message: info.message, request_id: info.request_id, shape_name: None }
        }
        None => ErrorFacts::default(),
    }
}

/// The members of a JSON error body (an empty body has none).
pub(crate) fn read_json_error(body: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), CodecError> {
    if body.trim_ascii().is_empty() {
        return Ok(());
    }
    super::json::from_json(body, shape, schema).map_err(super::response::json_error)
}

/// The members of an XML error body (`<Error>`, wherever the protocol puts it).
pub(crate) fn read_xml_error(body: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), CodecError> {
    xml::read_xml_error(body, shape, schema)
}

/// The JSON protocols' error code (from `x-amzn-errortype` or the body) and message.
pub(crate) fn json_facts(headers: &HeaderMap, body: &[u8]) -> ErrorFacts {
    let document = Document::from_json_slice(body).ok();
    let field = |names: &[&str]| -> Option<String> {
        let object = document.as_ref()?.as_object()?;
        names.iter().find_map(|n| object.get(*n).and_then(Document::as_str)).map(str::to_owned)
    };
    let code = header(headers, "x-amzn-errortype").map(str::to_owned).or_else(|| field(&["__type", "code", "Code"]));
    ErrorFacts {
        code: code.map(|c| sanitize_code(&c).to_owned()).filter(|c| !c.is_empty()),
        message: field(&["message", "Message", "errorMessage"]),
        request_id: None,
        shape_name: None,
    }
}

/// The position in `errors` of the exception answered with `code`.
pub(crate) fn modeled_index(errors: &[&'static Schema], facts: &ErrorFacts) -> Option<usize> {
    let code = facts.code.as_deref()?;
    errors.iter().position(|s| error_code(s) == code).or_else(|| errors.iter().position(|s| s.name == code)).or_else(
        || {
            let name = facts.shape_name.as_deref()?;
            errors.iter().position(|s| s.name == name)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    static JSON_SERVICE: Service = Service {
        name: "demo",
        service_id: "Demo",
        full_name: "Demo",
        api_version: "2024-01-01",
        endpoint_prefix: "demo",
        signing_name: "demo",
        protocol: Protocol::Json,
        codec: crate::protocol::Codec::of(Protocol::Json),
        handlers: crate::client::Handlers::of("demo"),
        protocols: &[Protocol::Json],
        json_version: Some("1.0"),
        target_prefix: Some("Demo"),
        xml_namespace: None,
        global_endpoint: None,
        signature_version: "v4",
        auth: &[],
        aws_query_compatible: false,
        exceptions: None,
        endpoint_discovery: None,
    };

    #[test]
    fn a_json_service_answered_in_xml_by_a_front_end_keeps_the_xml_code() {
        let body = b"<?xml version=\"1.0\"?><ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>\
                     <Message>The request signature we calculated does not match.</Message></Error>\
                     <RequestId>r-1</RequestId></ErrorResponse>";
        let facts = error_facts(&JSON_SERVICE, 403, &HeaderMap::new(), body);
        assert_eq!(facts.code.as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(facts.message.as_deref(), Some("The request signature we calculated does not match."));
        assert_eq!(facts.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn a_json_service_answered_in_html_is_named_by_its_status() {
        let facts = error_facts(&JSON_SERVICE, 502, &HeaderMap::new(), b"<html><body>Bad Gateway</body></html>");
        assert_eq!(facts.code.as_deref(), Some("502"));
        assert_eq!(facts.message.as_deref(), Some("Bad Gateway"));
    }
}
