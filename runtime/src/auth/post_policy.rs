//! Browser-based POST uploads to S3: the policy document and its SigV4 signature, as botocore's
//! `S3PostPresigner` and `S3SigV4PostAuth` build them.
//!
//! The policy is `{"expiration": ..., "conditions": [...]}` written as Python's `json.dumps`
//! writes it (`", "` and `": "` separators, non-ASCII escaped as `\uXXXX`), so the same inputs
//! give the same bytes, base64 and signature as boto3. The signature is the hex HMAC-SHA256 of
//! the base64 policy under the SigV4 signing key of the day, region and service.

use core::fmt;
use core::fmt::Write as _;
use std::time::Duration;

use super::{hex, hmac_sha256, sigv4};
use crate::credentials::Credentials;
use crate::types::{base64_encode, DateTime, TimestampFormat};

/// One condition of a POST policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostCondition {
    /// `{"field": "value"}`: the form field must be exactly this value.
    Exact(String, String),
    /// `["eq", "$field", "value"]`: the same, in list form.
    Eq(String, String),
    /// `["starts-with", "$field", "prefix"]`: the form field must start with the prefix (an
    /// empty prefix allows any value). The field is named without the `$`.
    StartsWith(String, String),
    /// `["content-length-range", min, max]`: the uploaded file's size in bytes.
    ContentLengthRange(u64, u64),
}

impl PostCondition {
    fn write_json(&self, out: &mut String) {
        match self {
            PostCondition::Exact(name, value) => {
                out.push('{');
                crate::percent::python_json_string(name, out);
                out.push_str(": ");
                crate::percent::python_json_string(value, out);
                out.push('}');
            }
            PostCondition::Eq(name, value) | PostCondition::StartsWith(name, value) => {
                let op = if matches!(self, PostCondition::Eq(..)) { "eq" } else { "starts-with" };
                out.push('[');
                crate::percent::python_json_string(op, out);
                out.push_str(", ");
                crate::percent::python_json_string(&format!("${name}"), out);
                out.push_str(", ");
                crate::percent::python_json_string(value, out);
                out.push(']');
            }
            PostCondition::ContentLengthRange(min, max) => {
                let _ = write!(out, "[\"content-length-range\", {min}, {max}]");
            }
        }
    }
}


/// The policy document for `conditions`, expiring at `expiration` (whole seconds, UTC).
pub fn policy_json(expiration: DateTime, conditions: &[PostCondition]) -> String {
    let mut out = String::from("{\"expiration\": ");
    // botocore formats with `%Y-%m-%dT%H:%M:%SZ`: no fraction.
    crate::percent::python_json_string(&DateTime::from_secs(expiration.secs()).fmt(TimestampFormat::DateTime), &mut out);
    out.push_str(", \"conditions\": [");
    for (i, condition) in conditions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        condition.write_json(&mut out);
    }
    out.push_str("]}");
    out
}

/// The form of a presigned POST: where to send it and the fields to send with the file.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedPost {
    /// The URL to POST the `multipart/form-data` form to.
    pub url: String,
    /// The form fields, in boto3's order; the file must be the last part of the form.
    pub fields: Vec<(String, String)>,
}

impl PresignedPost {
    /// The value of the field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PresignedPost {
    /// The signature and session token let anyone upload until expiry, so only names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedPost")
            .field("url", &self.url)
            .field("fields", &self.fields.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .finish()
    }
}

/// Signs a POST policy: adds botocore's `x-amz-*` fields and conditions to the caller's, then
/// `policy` and `x-amz-signature`. `fields` and `conditions` already hold the bucket and key
/// (the S3 layer adds them, as boto3's `generate_presigned_post` does).
pub fn sign_post(
    credentials: &Credentials,
    region: &str,
    service: &str,
    now: DateTime,
    expires_in: Duration,
    mut fields: Vec<(String, String)>,
    mut conditions: Vec<PostCondition>,
) -> Vec<(String, String)> {
    let now = DateTime::from_secs(now.secs());
    let iso = now.fmt(TimestampFormat::DateTime);
    // `20150830T123600Z` from `2015-08-30T12:36:00Z`.
    let amz_date: String = iso.chars().filter(|c| *c != '-' && *c != ':').collect();
    let date = amz_date.get(..8).unwrap_or_default().to_owned();
    let credential = format!("{}/{date}/{region}/{service}/aws4_request", credentials.access_key_id());
    let mut set = |name: &str, value: String| match fields.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => fields.push((name.to_owned(), value)),
    };
    set("x-amz-algorithm", "AWS4-HMAC-SHA256".to_owned());
    set("x-amz-credential", credential.clone());
    set("x-amz-date", amz_date.clone());
    conditions.push(PostCondition::Exact("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into()));
    conditions.push(PostCondition::Exact("x-amz-credential".into(), credential));
    conditions.push(PostCondition::Exact("x-amz-date".into(), amz_date));
    if let Some(token) = credentials.session_token() {
        set("x-amz-security-token", token.to_owned());
        conditions.push(PostCondition::Exact("x-amz-security-token".into(), token.to_owned()));
    }
    let expiration = DateTime::from_secs(now.secs().saturating_add(expires_in.as_secs() as i64));
    let policy = base64_encode(policy_json(expiration, &conditions).as_bytes());
    let key = sigv4::signing_key(credentials.secret_access_key(), &date, region, service);
    let signature = hex(&hmac_sha256(&key, policy.as_bytes()));
    set("policy", policy);
    set("x-amz-signature", signature);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_written_as_pythons_json_dumps_writes_it() {
        let mut out = String::new();
        crate::percent::python_json_string("a\"b\\c\nd\u{1}é🐬/", &mut out);
        assert_eq!(out, r#""a\"b\\c\nd\u0001\u00e9\ud83d\udc2c/""#);
        let policy = policy_json(
            DateTime::from_secs(1_440_938_160),
            &[
                PostCondition::Exact("bucket".into(), "b".into()),
                PostCondition::StartsWith("key".into(), "up/".into()),
                PostCondition::ContentLengthRange(1, 10),
                PostCondition::Eq("acl".into(), "private".into()),
            ],
        );
        assert_eq!(
            policy,
            r#"{"expiration": "2015-08-30T12:36:00Z", "conditions": [{"bucket": "b"}, ["starts-with", "$key", "up/"], ["content-length-range", 1, 10], ["eq", "$acl", "private"]]}"#
        );
    }

    /// Pinned against an independent computation, not tucuxi's output: python3's `json.dumps`,
    /// `base64` and `hmac`/`hashlib`, following AWS's documented POST-policy signing:
    ///
    /// ```text
    /// conditions = [{'acl': 'public-read'}, {'bucket': 'examplebucket'},
    ///               ['starts-with', '$key', 'uploads/'], {'x-amz-algorithm': 'AWS4-HMAC-SHA256'},
    ///               {'x-amz-credential': 'AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request'},
    ///               {'x-amz-date': '20150830T123600Z'}, {'x-amz-security-token': 'TOKEN'}]
    /// policy = b64encode(json.dumps({'expiration': '2015-08-30T13:36:00Z',
    ///                                'conditions': conditions}).encode())
    /// k = HMAC chain of b'AWS4' + secret over '20150830', 'us-east-1', 's3', 'aws4_request'
    /// signature = hmac.new(k, policy, sha256).hexdigest()
    /// ```
    #[test]
    fn signature_matches_an_independent_python_computation() {
        let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").with_session_token("TOKEN").with_provider("test");
        let fields = vec![("acl".to_owned(), "public-read".to_owned()), ("key".to_owned(), "uploads/${filename}".to_owned())];
        let conditions = vec![
            PostCondition::Exact("acl".into(), "public-read".into()),
            PostCondition::Exact("bucket".into(), "examplebucket".into()),
            PostCondition::StartsWith("key".into(), "uploads/".into()),
        ];
        let out = sign_post(
            &credentials,
            "us-east-1",
            "s3",
            DateTime::from_secs(1_440_938_160),
            Duration::from_secs(3600),
            fields,
            conditions,
        );
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["acl", "key", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token", "policy", "x-amz-signature"]
        );
        let get = |name: &str| out.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap();
        assert_eq!(get("x-amz-credential"), "AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request");
        assert_eq!(get("x-amz-date"), "20150830T123600Z");
        assert_eq!(get("policy"), PYTHON_POLICY);
        assert_eq!(get("x-amz-signature"), PYTHON_SIGNATURE);
    }

    const PYTHON_POLICY: &str = "eyJleHBpcmF0aW9uIjogIjIwMTUtMDgtMzBUMTM6MzY6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJhY2wiOiAicHVibGljLXJlYWQifSwgeyJidWNrZXQiOiAiZXhhbXBsZWJ1Y2tldCJ9LCBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXBsb2Fkcy8iXSwgeyJ4LWFtei1hbGdvcml0aG0iOiAiQVdTNC1ITUFDLVNIQTI1NiJ9LCB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJREVYQU1QTEUvMjAxNTA4MzAvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LCB7IngtYW16LWRhdGUiOiAiMjAxNTA4MzBUMTIzNjAwWiJ9LCB7IngtYW16LXNlY3VyaXR5LXRva2VuIjogIlRPS0VOIn1dfQ==";
    const PYTHON_SIGNATURE: &str = "c553c9ff376b010e1dc74dd02a30a3a9a8c4b012e604e11e8e29f5a89c219665";
}
