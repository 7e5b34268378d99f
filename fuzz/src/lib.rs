//! What every fuzz target shares: how an input is split into an operation, a status, headers and
//! a body, and the calls made with them.
//!
//! Input layout (see README.md):
//!
//! - byte 0 picks the operation (modulo the target's list);
//! - byte 1: the low 4 bits pick the HTTP status from [`STATUSES`]; bit 4 set means the body
//!   starts with header lines `name: value\n` up to an empty line;
//! - the rest is the body.
//!
//! Every input goes through both [`deserialize_response`] and [`deserialize_error`], plus the
//! target's direct codec calls, so no byte is spent choosing a path.

use std::fmt::Debug;

use http::{HeaderMap, HeaderName, HeaderValue};
use tucuxi::protocol::{deserialize_error, deserialize_response, OperationErrors};
use tucuxi::schema::{Operation, Service};
use tucuxi::shape::Shape;
use tucuxi::ByteStream;

/// The statuses byte 1 chooses from: mostly success, then the errors services answer with.
pub const STATUSES: [u16; 16] = [200, 200, 200, 200, 201, 204, 206, 301, 304, 400, 403, 404, 409, 429, 500, 503];

/// One fuzz input, split.
pub struct Case<'a> {
    pub op: u8,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: &'a [u8],
}

impl<'a> Case<'a> {
    pub fn split(data: &'a [u8]) -> Option<Self> {
        let (&op, rest) = data.split_first()?;
        let (&control, rest) = rest.split_first()?;
        let status = STATUSES[usize::from(control & 0x0f)];
        let (headers, body) = if control & 0x10 != 0 { parse_headers(rest) } else { (HeaderMap::new(), rest) };
        Some(Case { op, status, headers, body })
    }
}

/// Header lines up to the first empty line; lines that are not valid headers are dropped.
fn parse_headers(data: &[u8]) -> (HeaderMap, &[u8]) {
    let (block, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(end) => (&data[..end], &data[end + 2..]),
        None => (data, &data[data.len()..]),
    };
    let mut headers = HeaderMap::new();
    for line in block.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }
    (headers, body)
}

/// Reads the case as a success of `op` and as an error of `op`, formatting whatever comes out
/// so `Debug` and `Display` run over the parsed values too.
pub fn operation<O, E>(service: &'static Service, op: &'static Operation, case: &Case) -> O
where
    O: Shape + Default + Debug,
    E: OperationErrors + Debug,
{
    let mut output = O::default();
    match deserialize_response(service, op, case.status, &case.headers, ByteStream::from(case.body), &mut output) {
        Ok(()) => drop(format!("{output:?}")),
        Err(error) => drop(format!("{error} {error:?}")),
    }
    let error = deserialize_error::<E>(service, op, case.status, &case.headers, case.body);
    drop(format!("{error} {error:?}"));
    // error_facts promises a code on every error, the status when the body names none.
    assert!(error.code().is_some(), "an error response without a code");
    if let Some(modeled) = error.modeled::<E>() {
        drop(format!("{modeled:?}"));
    }
    output
}

/// A fresh value of `S`, read by `read`; the value is formatted when the read succeeds.
pub fn direct<S, R>(read: impl FnOnce(&mut S) -> Result<(), R>)
where
    S: Shape + Default + Debug,
    R: std::fmt::Display,
{
    let mut shape = S::default();
    match read(&mut shape) {
        Ok(()) => drop(format!("{shape:?}")),
        Err(error) => drop(error.to_string()),
    }
}

/// Dispatches `case.op` over a list of `(Output, Errors) for SERVICE, OPERATION` rows.
#[macro_export]
macro_rules! operations {
    ($case:expr; $($output:ty, $errors:ty => $service:expr, $op:expr;)+) => {{
        let case = $case;
        let rows: &[fn(&$crate::Case)] = &[
            $(|case| { $crate::operation::<$output, $errors>(&$service, &$op, case); },)+
        ];
        rows[usize::from(case.op) % rows.len()](case);
    }};
}
