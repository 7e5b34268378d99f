//! botocore's `remove_content_type_header_for_presigning`: a presigned Polly `SynthesizeSpeech`
//! is a URL an audio player fetches, so nothing of the call may stay in a header or the body.
//! botocore's presigner moves any body into the query string (`_get_body_as_dict`, then
//! `percent_encode_sequence`), and this handler drops the `Content-Type: application/json`
//! the rest-json serialiser set, which would otherwise be signed and have to be sent. tucuxi's
//! presigner moves only form bodies, so the JSON body is laid out as form parameters here; the
//! presigner then puts them in the query and drops the form's `Content-Type`.

use http::header::{HeaderValue, CONTENT_TYPE};

use crate::protocol::{RequestError, SerializedRequest};
use crate::schema::{Operation, Service};
use crate::types::Document;
use crate::{Error, ErrorKind};

/// Lays out a presigned `SynthesizeSpeech`'s JSON body as form parameters, in the body's order,
/// a list as one parameter per element (botocore's `percent_encode_sequence`); other calls are
/// left as they are.
pub(crate) fn body_to_form(
    service: &Service,
    op: &'static Operation,
    request: &mut SerializedRequest,
) -> Result<(), Error> {
    if service.name != "polly" || op.name != "SynthesizeSpeech" {
        return Ok(());
    }
    let fail =
        |message: String| Error::new(ErrorKind::InvalidInput, RequestError::new(message)).with_operation(op.name);
    let Some(bytes) = request.body.as_bytes() else {
        return Err(fail("a streamed body cannot be carried in a presigned URL".into()));
    };
    let form = if bytes.is_empty() {
        String::new()
    } else {
        let body = Document::from_json_slice(bytes).map_err(|e| fail(format!("the request body is not JSON: {e}")))?;
        let Some(members) = body.as_object() else {
            return Err(fail("the request body is not a JSON object".into()));
        };
        let mut form = String::new();
        for (name, value) in members {
            let values: Vec<&Document> = match value.as_array() {
                Some(items) => items.iter().collect(),
                None => vec![value],
            };
            for value in values {
                let text = match (value.as_str(), value.as_number()) {
                    (Some(text), _) => text.to_owned(),
                    (None, Some(_)) => value.to_json_string(),
                    _ => return Err(fail(format!("member {name} cannot be carried in a presigned URL"))),
                };
                if !form.is_empty() {
                    form.push('&');
                }
                form.push_str(&crate::percent::encode(name.as_bytes()));
                form.push('=');
                form.push_str(&crate::percent::encode(text.as_bytes()));
            }
        }
        form
    };
    request.body = form.into();
    request.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    Ok(())
}
