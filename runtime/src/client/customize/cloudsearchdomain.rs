//! botocore's `change_get_to_post`: CloudSearch Domain's `Search` is a GET whose parameters,
//! a whole structured query among them, all travel in the query string, which can outgrow what
//! a URL may hold. botocore sends it instead as a POST whose form-encoded body is the query
//! string, leaving the path alone. It does so when the request is created for sending
//! (`request-created`), before signing, so a presigned `Search` stays a GET.

use http::header::{HeaderValue, CONTENT_TYPE};

use crate::client::invoke::Prepared;
use crate::schema::{Operation, Service};

/// Turns a `Search` GET with a query string into a POST carrying that string as its body; other
/// calls, and a request without a query, are left as they are (as botocore, which changes only
/// a GET whose URL has a `?`).
pub(crate) fn get_to_post(service: &Service, op: &Operation, prepared: &mut Prepared) {
    if service.name != "cloudsearchdomain" || op.name != "Search" || prepared.request.method != "GET" {
        return;
    }
    let Some((path, query)) = prepared.target.split_once('?') else { return };
    let body = query.to_owned();
    prepared.target.truncate(path.len());
    prepared.request.method = "POST";
    prepared.request.body = body.into();
    prepared.request.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
}
