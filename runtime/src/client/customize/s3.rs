//! S3's handlers from botocore's `handlers.py`:
//!
//! - `handle_copy_source_param`: `CopySource` URL-encoded ([`encode_copy_source`], applied where
//!   the header is laid out to members flagged `COPY_SOURCE`), with [`CopySource`] as boto3's
//!   `{Bucket, Key, VersionId}` form;
//! - `sse_md5` / `copy_source_sse_md5`: an SSE-C key is sent base64-encoded with its MD5 unless
//!   the caller set the MD5;
//! - `set_list_objects_encoding_type_url` and `decode_list_object*`: the listing operations ask
//!   for `encoding-type=url` when the caller did not choose an encoding, and the keys in the
//!   answer are decoded, so keys XML cannot carry round-trip;
//! - `add_expect_header`: `Expect: 100-continue` on uploads, so S3 can refuse one (a wrong
//!   signature, a missing bucket) before the body is sent;
//! - `parse_get_bucket_location`: the constraint read from the answer's root element;
//! - `handle_expires_header`: an `Expires` header that is not a date does not fail the call.

use http::header::{HeaderName, HeaderValue};

use super::str_member;
use crate::protocol::checksum::md5;
use crate::protocol::xml::read_xml_member;
use crate::protocol::{CodecError, ResponseError, SerializedRequest};
use crate::schema::{Location, Operation, ShapeKind};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::types::{base64_encode, DateTime, TimestampFormat};
use crate::{Error, ErrorKind};

/// The operations botocore runs `sse_md5` before, and those it also runs `copy_source_sse_md5`
/// before. Other operations with an SSE-C key (`GetObjectAttributes`, say) take it as sent.
const SSE_MD5_OPERATIONS: &[&str] = &[
    "HeadObject",
    "GetObject",
    "PutObject",
    "CopyObject",
    "CreateMultipartUpload",
    "UploadPart",
    "UploadPartCopy",
    "CompleteMultipartUpload",
    "SelectObjectContent",
];
const COPY_SOURCE_SSE_MD5_OPERATIONS: &[&str] = &["CopyObject", "UploadPartCopy"];

/// Which strings of a listing's answer are URL-decoded when tucuxi asked for `encoding-type=url`:
/// the top-level members, then `(list, member)` pairs, exactly as botocore's `decode_list_object`,
/// `decode_list_object_v2` and `decode_list_object_versions` list them.
struct ListDecoding {
    operation: &'static str,
    top: &'static [&'static str],
    nested: &'static [(&'static str, &'static str)],
}

const LIST_DECODING: &[ListDecoding] = &[
    ListDecoding {
        operation: "ListObjects",
        top: &["Delimiter", "Marker", "NextMarker"],
        nested: &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
    },
    ListDecoding {
        operation: "ListObjectsV2",
        top: &["Delimiter", "Prefix", "StartAfter"],
        nested: &[("Contents", "Key"), ("CommonPrefixes", "Prefix")],
    },
    ListDecoding {
        operation: "ListObjectVersions",
        top: &["KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"],
        nested: &[("Versions", "Key"), ("DeleteMarkers", "Key"), ("CommonPrefixes", "Prefix")],
    },
];

fn list_decoding(op: &Operation) -> Option<&'static ListDecoding> {
    LIST_DECODING.iter().find(|d| d.operation == op.name)
}

pub(crate) fn before_serialize(op: &'static Operation, input: &mut dyn Shape) {
    if SSE_MD5_OPERATIONS.contains(&op.name) {
        sse_md5(input, "SSECustomerKey", "SSECustomerKeyMD5");
    }
    if COPY_SOURCE_SSE_MD5_OPERATIONS.contains(&op.name) {
        sse_md5(input, "CopySourceSSECustomerKey", "CopySourceSSECustomerKeyMD5");
    }
}

/// botocore's `_sse_md5`: when the key is set and its MD5 is not, the key goes out base64-encoded
/// and the MD5 of its bytes beside it.
fn sse_md5(input: &mut dyn Shape, key_member: &str, md5_member: &str) {
    let schema = input.schema();
    let (Some((key_i, _)), Some((md5_i, _))) = (schema.member(key_member), schema.member(md5_member)) else {
        return;
    };
    if input.field(md5_i).and_then(Value::get).is_some() {
        return;
    }
    let Some(key) = input.field_mut(key_i) else { return };
    let ValueMut::Str(key) = key.get_mut() else { return };
    let (encoded, digest) = sse_customer_key(key.as_bytes());
    *key = encoded;
    if let Some(field) = input.field_mut(md5_i) {
        if let ValueMut::Str(s) = field.get_mut() {
            *s = digest;
        }
    }
}

/// An SSE-C key as S3 wants it: the key base64-encoded, and the base64 MD5 of its bytes
/// (`SSECustomerKey`, `SSECustomerKeyMD5`). The client does this for a key given as text; a
/// binary key (32 random bytes) is not text, so pass both values from here and the client sends
/// them as they are.
pub fn sse_customer_key(key: &[u8]) -> (String, String) {
    (base64_encode(key), base64_encode(&md5(key)))
}

pub(crate) fn before_call(op: &'static Operation, request: &mut SerializedRequest) {
    // botocore adds the header for every body that is a file-like object, and turns the bodies
    // of `PutObject` and `UploadPart` into one whatever the caller passed.
    let file_like = matches!(op.name, "PutObject" | "UploadPart") || request.body.as_bytes().is_none();
    if matches!(op.method, "PUT" | "POST") && file_like {
        request.headers.insert(HeaderName::from_static("expect"), HeaderValue::from_static("100-continue"));
    }
}

pub(crate) fn after_serialize(op: &'static Operation, input: &dyn Shape, request: &mut SerializedRequest) {
    // botocore adds `EncodingType` after the caller's parameters, so it is the query's last; the
    // input is left as the caller made it, which is how the answer is known to need decoding.
    if list_decoding(op).is_some() && !encoding_type_set(input) {
        request.uri.push(if request.uri.contains('?') { '&' } else { '?' });
        request.uri.push_str("encoding-type=url");
    }
}

fn encoding_type_set(input: &dyn Shape) -> bool {
    input.schema().member("EncodingType").and_then(|(i, _)| input.field(i)).and_then(Value::get).is_some()
}

/// botocore's `handle_expires_header`: an `Expires` header that is not a date (objects may carry
/// any text there) is dropped rather than failing the call; the member reads as unset.
pub(crate) fn before_parse(op: &'static Operation, headers: &mut http::HeaderMap) {
    let expires = op.output.members.iter().any(|m| {
        m.location == Location::Header
            && m.wire_name().eq_ignore_ascii_case("Expires")
            && m.target.kind == ShapeKind::Timestamp
    });
    if !expires {
        return;
    }
    let readable = |value: &HeaderValue| {
        value.to_str().is_ok_and(|text| {
            let text = text.trim();
            [TimestampFormat::HttpDate, TimestampFormat::DateTime, TimestampFormat::EpochSeconds]
                .into_iter()
                .any(|format| DateTime::parse(text, format).is_ok())
        })
    };
    if headers.get_all(http::header::EXPIRES).iter().any(|v| !readable(v)) {
        headers.remove(http::header::EXPIRES);
    }
}

pub(crate) fn after_parse(
    op: &'static Operation,
    input: &dyn Shape,
    output: &mut dyn Shape,
    status: u16,
    body: Option<&[u8]>,
) -> Result<(), Error> {
    if op.name == "GetBucketLocation" {
        return bucket_location(op, output, body).map_err(|e| {
            Error::new(ErrorKind::Response, ResponseError::new(status, e.to_string())).with_operation(op.name)
        });
    }
    decode_listing(op, input, output);
    Ok(())
}

/// botocore's `parse_get_bucket_location`: the answer's root element is the constraint itself
/// (`<LocationConstraint>EU</LocationConstraint>`), which no output shape can describe; an empty
/// element (a bucket in `us-east-1`) reads as no constraint, as botocore's `root.text` is `None`.
fn bucket_location(op: &'static Operation, output: &mut dyn Shape, body: Option<&[u8]>) -> Result<(), CodecError> {
    let (Some(body), Some((i, member))) = (body, op.output.member("LocationConstraint")) else { return Ok(()) };
    let Some(field) = output.field_mut(i) else { return Ok(()) };
    read_xml_member(body, member, field)?;
    if matches!(field.get(), Some(ValueRef::Str(s)) if s.trim().is_empty()) {
        field.set_absent();
    }
    Ok(())
}

fn decode_listing(op: &'static Operation, input: &dyn Shape, output: &mut dyn Shape) {
    let Some(decoding) = list_decoding(op) else { return };
    // Only an encoding tucuxi asked for is undone: a caller who set one reads what S3 sent.
    if encoding_type_set(input) || str_member(output, "EncodingType") != Some("url") {
        return;
    }
    for name in decoding.top {
        decode_member(output, name);
    }
    for (list, member) in decoding.nested {
        let Some((i, _)) = output.schema().member(list) else { continue };
        let Some(field) = output.field_mut(i) else { continue };
        if field.get().is_none() {
            continue;
        }
        let ValueMut::List(items) = field.get_mut() else { continue };
        for j in 0..items.len() {
            if let Some(ValueMut::Shape(item)) = items.item_mut(j).map(Value::get_mut) {
                decode_member(item, member);
            }
        }
    }
}

/// URL-decodes the string member `name` of `shape` in place, when it is set.
fn decode_member(shape: &mut dyn Shape, name: &str) {
    let Some((i, _)) = shape.schema().member(name) else { return };
    let Some(field) = shape.field_mut(i) else { return };
    if !matches!(field.get(), Some(ValueRef::Str(_))) {
        return;
    }
    if let ValueMut::Str(s) = field.get_mut() {
        *s = crate::percent::decode_plus_lossy(s);
    }
}

/// S3's `CopySource` given as boto3's dictionary form, `{'Bucket': .., 'Key': .., 'VersionId': ..}`.
///
/// A copy-source member accepts either this or a string `bucket/key[?versionId=id]`; both are
/// URL-encoded on the way out as botocore does, so pass the key as it is named, not encoded:
///
/// ```
/// use tucuxi::client::CopySource;
/// let source: String = CopySource::new("src", "a b/ü").version_id("v1").into();
/// assert_eq!(source, "src/a b/ü?versionId=v1");
/// ```
///
/// The one difference from botocore's dictionary form: a key that itself ends in
/// `?versionId=...` is read as a version, as the string form reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySource {
    bucket: String,
    key: String,
    version_id: Option<String>,
}

impl CopySource {
    /// The object `key` in `bucket` (a bucket name or an access point ARN).
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        CopySource { bucket: bucket.into(), key: key.into(), version_id: None }
    }

    /// Copies this version of the object.
    pub fn version_id(mut self, version_id: impl Into<String>) -> Self {
        self.version_id = Some(version_id.into());
        self
    }
}

impl From<CopySource> for String {
    /// `bucket/key`, `arn/object/key` for an access point ARN (botocore's `VALID_S3_ARN`), and
    /// `?versionId=id` when a version is set; not yet encoded.
    fn from(source: CopySource) -> String {
        let CopySource { bucket, key, version_id } = source;
        let mut out = bucket;
        out.push_str(if is_access_point_arn(&out) { "/object/" } else { "/" });
        out.push_str(&key);
        if let Some(version_id) = version_id {
            out.push_str("?versionId=");
            out.push_str(&version_id);
        }
        out
    }
}

/// botocore's `VALID_S3_ARN`: an S3 or Object Lambda access point ARN, or an S3 on Outposts one.
fn is_access_point_arn(bucket: &str) -> bool {
    let parts: Vec<&str> = bucket.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else { return false };
    let name_ok = |name: &str, dots: bool| {
        (1..=63).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || (dots && b == b'.'))
    };
    let region_ok = region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if arn != "arn" || !partition.starts_with("aws") || !region_ok || !account_ok {
        return false;
    }
    let after = |text: &'static str, rest: &'_ str| -> Option<String> {
        let rest = rest.strip_prefix(text)?;
        rest.strip_prefix(['/', ':']).map(str::to_owned)
    };
    match service {
        "s3" | "s3-object-lambda" => after("accesspoint", resource).is_some_and(|name| name_ok(&name, true)),
        "s3-outposts" if !region.is_empty() => {
            let Some(rest) = after("outpost", resource) else { return false };
            let Some(split) = rest.find(['/', ':']) else { return false };
            let (outpost, rest) = rest.split_at(split);
            name_ok(outpost, false) && after("accesspoint", &rest[1..]).is_some_and(|name| name_ok(&name, false))
        }
        _ => false,
    }
}

/// botocore's `_quote_source_header`: a trailing `?versionId=<no spaces>` is kept as it is and the
/// rest is percent-encoded, keeping only letters, digits, `-._~` and `/`.
pub(crate) fn encode_copy_source(value: &str) -> String {
    // The regex `\?versionId=[^\s]+$` matches at the first `?versionId=` whose rest is non-empty
    // and holds no whitespace.
    let split = value
        .match_indices("?versionId=")
        .map(|(at, _)| at)
        .find(|&at| {
            let rest = &value[at + "?versionId=".len()..];
            !rest.is_empty() && !rest.chars().any(char::is_whitespace)
        })
        .unwrap_or(value.len());
    let (path, version) = value.split_at(split);
    let mut out = String::with_capacity(value.len() + 16);
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str(version);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_are_encoded_like_botocore() {
        // The pairs the issue pins, and botocore's test_handlers.py cases
        // (`test_quote_source_header`, `..._needs_encoding`, `..._with_version_id`).
        let cases = [
            ("src/a b/ü", "src/a%20b/%C3%BC"),
            ("src/a b/c+d", "src/a%20b/c%2Bd"),
            ("foo/bar", "foo/bar"),
            ("foo/bar/baz.txt", "foo/bar/baz.txt"),
            ("foo/bar?versionId=asdf+b", "foo/bar?versionId=asdf+b"),
            ("foo/bar/baz?versionId=asdf", "foo/bar/baz?versionId=asdf"),
            ("foo/bar%", "foo/bar%25"),
            ("foo/bar%20baz", "foo/bar%2520baz"),
            ("foo/bar?baz", "foo/bar%3Fbaz"),
            ("foo/bar~baz", "foo/bar~baz"),
            // Whitespace after `?versionId=` is no version: everything is encoded.
            ("foo/bar?versionId=a b", "foo/bar%3FversionId%3Da%20b"),
            ("foo/bar?versionId=", "foo/bar%3FversionId%3D"),
        ];
        for (value, expected) in cases {
            assert_eq!(encode_copy_source(value), expected, "{value}");
        }
    }

    #[test]
    fn the_structured_form_matches_botocores_dictionary() {
        // botocore's `_quote_source_header_from_dict`: `bucket/key` encoded, the version kept.
        let source = |s: CopySource| encode_copy_source(&String::from(s));
        assert_eq!(source(CopySource::new("foo", "keyname+?versionId=asdf")), "foo/keyname%2B?versionId=asdf");
        assert_eq!(source(CopySource::new("foo", "bar baz").version_id("asdf")), "foo/bar%20baz?versionId=asdf");
        assert_eq!(source(CopySource::new("src", "a b/ü")), "src/a%20b/%C3%BC");
        let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/endpoint";
        assert_eq!(
            source(CopySource::new(arn, "key")),
            "arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/endpoint/object/key"
        );
        let outpost =
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/myaccesspoint";
        assert!(String::from(CopySource::new(outpost, "k")).ends_with("/myaccesspoint/object/k"));
        assert!(!is_access_point_arn("arn:aws:s3:::bucket"));
        assert!(!is_access_point_arn("bucket"));
    }

    #[test]
    fn sse_customer_keys_match_botocore() {
        // botocore's test_handlers.py `test_sse_params`: key b'foo' -> base64 'Zm9v' and the
        // base64 MD5 'rL0Y20zC+Fzt72VPzMSk2A=='.
        assert_eq!(sse_customer_key(b"foo"), ("Zm9v".to_owned(), "rL0Y20zC+Fzt72VPzMSk2A==".to_owned()));
    }

    #[test]
    fn listing_keys_decode_like_unquote_plus() {
        // Python: urllib.parse.unquote_plus(..)
        assert_eq!(crate::percent::decode_plus_lossy("a+b%2Bc%20d"), "a b+c d");
        assert_eq!(crate::percent::decode_plus_lossy("%C3%BC%0A"), "ü\n");
        assert_eq!(crate::percent::decode_plus_lossy("100%"), "100%");
        assert_eq!(crate::percent::decode_plus_lossy("%zz"), "%zz");
        assert_eq!(crate::percent::decode_plus_lossy("%FF"), "\u{fffd}");
    }
}
