//! EC2's and Auto Scaling's handlers from botocore's `handlers.py`:
//!
//! - `base64_encode_user_data`: `RunInstances` and Auto Scaling's `CreateLaunchConfiguration` take
//!   `UserData` as the script itself and send it base64-encoded (boto3 users pass the script);
//! - `decode_console_output`: `GetConsoleOutput`'s `Output` is read back decoded, invalid UTF-8
//!   replaced, as botocore decodes it with `errors='replace'`.

use crate::schema::{Operation, Service};
use crate::shape::{Shape, ValueMut, ValueRef};
use crate::types::{base64_decode, base64_encode};

/// `(endpoint prefix, operation)` pairs whose `UserData` botocore base64-encodes.
pub(super) const USER_DATA_OPERATIONS: &[(&str, &str)] = &[("ec2", "RunInstances"), ("autoscaling", "CreateLaunchConfiguration")];

pub(crate) fn before_serialize(service: &Service, op: &Operation, input: &mut dyn Shape) {
    if !USER_DATA_OPERATIONS.contains(&(service.endpoint_prefix, op.name)) {
        return;
    }
    let Some((i, _)) = op.input.member("UserData") else { return };
    let Some(field) = input.field_mut(i) else { return };
    if !matches!(field.get(), Some(ValueRef::Str(_))) {
        return;
    }
    if let ValueMut::Str(s) = field.get_mut() {
        *s = base64_encode(s.as_bytes());
    }
}

pub(crate) fn after_parse(service: &Service, op: &Operation, output: &mut dyn Shape) {
    if service.endpoint_prefix != "ec2" || op.name != "GetConsoleOutput" {
        return;
    }
    let Some((i, _)) = op.output.member("Output") else { return };
    let Some(field) = output.field_mut(i) else { return };
    let decoded = match field.get() {
        Some(ValueRef::Str(text)) => base64_decode(text).ok().map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        _ => None,
    };
    // Text that is not base64 stays as sent, as botocore leaves it on a decoding error.
    if let (Some(decoded), ValueMut::Str(s)) = (decoded, field.get_mut()) {
        *s = decoded;
    }
}
