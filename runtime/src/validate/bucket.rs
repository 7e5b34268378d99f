//! botocore's `validate_bucket_name` (a `before-parameter-build.s3` handler): an S3 `Bucket` is a
//! name of 1 to 255 letters, digits, `.`, `-` and `_`, or an access-point or Outposts ARN. It runs
//! whatever `parameter_validation` says, and before the endpoint is resolved, so a name such as
//! `Invalid_Bucket!!` never reaches the rules or DNS.
//!
//! botocore matches with regular expressions; the runtime has no regex engine, so each pattern is
//! matched by hand from the right, where every part is fixed by the separators it cannot contain.

use super::Report;
use crate::schema::{Schema, Service};
use crate::shape::{Shape, Value, ValueRef};

/// The members botocore checks as bucket names: `(service id, top-level input member)`.
const BUCKET_MEMBERS: &[(&str, &str)] = &[("S3", "Bucket")];

/// botocore's patterns, quoted in the message as botocore quotes them.
const VALID_BUCKET: &str = r"^[a-zA-Z0-9.\-_]{1,255}$";
const VALID_S3_ARN: &str = concat!(
    r"^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$",
    "|",
    r"^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63}$",
);

pub(super) fn check(service: &Service, schema: &'static Schema, input: &dyn Shape, report: &mut Report) {
    for (service_id, member) in BUCKET_MEMBERS {
        if service.service_id != *service_id {
            continue;
        }
        let Some((i, _)) = schema.member(member) else { continue };
        let Some(ValueRef::Str(bucket)) = input.field(i).and_then(Value::get) else { continue };
        if !valid_bucket(bucket) && !valid_s3_arn(bucket) {
            report.push(format!(
                "Invalid bucket name \"{bucket}\": Bucket name must match the regex \"{VALID_BUCKET}\" \
                 or be an ARN matching the regex \"{VALID_S3_ARN}\""
            ));
        }
    }
}

/// `^[a-zA-Z0-9.\-_]{1,255}$`
pub(super) fn valid_bucket(name: &str) -> bool {
    (1..=255).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

pub(super) fn valid_s3_arn(arn: &str) -> bool {
    access_point_arn(arn) || outpost_arn(arn)
}

/// `^arn:(aws).*:(s3|s3-object-lambda):[a-z\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-.]{1,63}$`
fn access_point_arn(arn: &str) -> bool {
    let Some((rest, name)) = split_last_separator(arn) else { return false };
    if !(1..=63).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
        return false;
    }
    let Some(rest) = rest.strip_suffix(":accesspoint") else { return false };
    let Some(rest) = strip_account(rest) else { return false };
    // The region holds no `:`, so it is what follows the last one.
    let Some((rest, region)) = rest.rsplit_once(':') else { return false };
    if !region.bytes().all(region_byte) {
        return false;
    }
    [":s3", ":s3-object-lambda"].iter().any(|service| rest.strip_suffix(service).is_some_and(|p| p.starts_with("arn:aws")))
}

/// `^arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63}$`
fn outpost_arn(arn: &str) -> bool {
    let name = |s: &str| (1..=63).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let Some((rest, access_point)) = split_last_separator(arn) else { return false };
    if !name(access_point) {
        return false;
    }
    let Some(rest) = rest.strip_suffix("accesspoint") else { return false };
    let Some((rest, outpost)) = rest.strip_suffix(['/', ':']).and_then(split_last_separator) else { return false };
    if !name(outpost) {
        return false;
    }
    let Some(rest) = rest.strip_suffix(":outpost") else { return false };
    let Some(rest) = strip_account(rest) else { return false };
    let Some((rest, region)) = rest.rsplit_once(':') else { return false };
    if region.is_empty() || !region.bytes().all(region_byte) {
        return false;
    }
    rest.strip_suffix(":s3-outposts").is_some_and(|p| p.starts_with("arn:aws"))
}

/// Splits at the last `/` or `:`: what comes after it can hold neither.
fn split_last_separator(s: &str) -> Option<(&str, &str)> {
    let at = s.rfind(['/', ':'])?;
    Some((&s[..at], &s[at + 1..]))
}

/// Strips a trailing `:` and twelve digits (`:[0-9]{12}`), leaving what precedes the `:`.
fn strip_account(s: &str) -> Option<&str> {
    let (rest, account) = s.rsplit_once(':')?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

/// `[a-z\-0-9]`
fn region_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
}
