//! The hand-matched patterns against botocore's regular expressions, the endpoint-URL rule, and
//! the redaction of sensitive values in messages. The walk itself is tested through generated
//! types in `tests/tests/param_validation.rs`.

use super::bucket::{valid_bucket, valid_s3_arn};
use super::{check_endpoint_url, validate_shape};
use crate::schema::{flags, prim, Member, Schema};
use crate::Map;

/// Each name with what botocore's `VALID_BUCKET.search(name) or VALID_S3_ARN.search(name)` gives
/// (evaluated with Python's `re` on botocore 1.44.5's patterns).
#[test]
fn bucket_names_and_arns_match_botocore_patterns() {
    let long = "a".repeat(255);
    let too_long = "a".repeat(256);
    let ap = |name: &str| format!("arn:aws:s3:us-west-2:123456789012:accesspoint:{name}");
    let cases: Vec<(String, bool)> = vec![
        ("foo".into(), true),
        ("foo-bar".into(), true),
        ("foo.bar".into(), true),
        ("Foo_Bar".into(), true),
        (long, true),
        (too_long, false),
        ("".into(), false),
        ("Invalid_Bucket!!".into(), false),
        ("bucket/name".into(), false),
        ("bucket name".into(), false),
        (ap("endpoint"), true),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/endpoint".into(), true),
        ("arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/mybanner".into(), true),
        ("arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/myaccesspoint".into(), true),
        ("arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-01234567890123456:accesspoint:myaccesspoint".into(), true),
        ("arn:aws:s3::123456789012:accesspoint:mfzwi23gnjvgw.mrap".into(), true),
        ("arn:aws-cn:s3:cn-north-1:123456789012:accesspoint:x".into(), true),
        ("arn:aws:s3:us-west-2:12345678901:accesspoint:x".into(), false),
        ("arn:aws:sqs:us-west-2:123456789012:accesspoint:x".into(), false),
        ("arn:aws:s3-outposts::123456789012:outpost/op/accesspoint/ap".into(), false),
        (ap(""), false),
        (ap(&"a".repeat(64)), false),
        (ap(&"a".repeat(63)), true),
        ("arn:aws:s3:US-west-2:123456789012:accesspoint:x".into(), false),
        ("arn:aws:extra:s3:us-west-2:123456789012:accesspoint:x".into(), true),
        ("arn:aws:s3-outposts:us-west-2:123456789012:outpost/op.1/accesspoint/ap".into(), false),
        ("arn:aws:s3:us-west-2:123456789012:accesspoint/a/b".into(), false),
        ("arn:partition:s3:us-west-2:123456789012:accesspoint:x".into(), false),
        ("arn:aws:s3:us-west-2:123456789012:bucket_name:mybucket".into(), false),
    ];
    for (name, expected) in cases {
        assert_eq!(valid_bucket(&name) || valid_s3_arn(&name), expected, "{name}");
    }
}

#[test]
fn endpoint_urls_need_http_and_a_host_botocore_accepts() {
    for ok in [
        "https://s3.amazonaws.com",
        "http://localhost:4566",
        "http://127.0.0.1:5000/base",
        "http://[::1]:5000",
        "HTTPS://Example.COM.",
        "http://user:pw@host.example",
    ] {
        assert_eq!(check_endpoint_url(ok), Ok(()), "{ok}");
    }
    for bad in [
        "localhost:4566",
        "s3.amazonaws.com",
        "ftp://host.example",
        "http://",
        "http://under_score.example",
        "http://-bad.example",
        "http://[::zz]:1",
        "",
    ] {
        assert!(check_endpoint_url(bad).is_err(), "{bad}");
    }
    let error = check_endpoint_url("http://user:secret@bad_host").unwrap_err();
    assert_eq!(error.url(), "http://***@bad_host");
    assert!(!error.to_string().contains("secret"), "{error}");
    assert_eq!(
        check_endpoint_url("localhost:4566").unwrap_err().to_string(),
        "Invalid endpoint: localhost:4566 (expected an absolute URL such as http://localhost:4566)"
    );
}

// A sensitive map whose keys have a `min`, and a number whose member is sensitive.
static SECRETS: Schema =
    Schema::map("Secrets", &[Member::new("key", &prim::STRING).min(3.0), Member::new("value", &prim::INTEGER)]);
static VAULT: Schema = Schema::structure(
    "Vault",
    &[
        Member::new("Secrets", &SECRETS).flags(flags::SENSITIVE),
        Member::new("Pin", &prim::INTEGER).flags(flags::SENSITIVE).min(1000.0),
    ],
);

#[derive(Default)]
struct Vault {
    secrets: Option<Map<String, i32>>,
    pin: Option<i32>,
}
crate::structure!(Vault, VAULT, 0 => secrets, 1 => pin);

#[test]
fn sensitive_keys_and_values_never_reach_the_message() {
    let mut secrets = Map::new();
    secrets.insert("pw".to_owned(), 1);
    let vault = Vault { secrets: Some(secrets), pin: Some(42) };
    let error = validate_shape(&vault).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Parameter validation failed:\n\
         Invalid length for parameter Secrets (key: *** Sensitive Data Redacted ***), value: 2, valid min length: 3\n\
         Invalid value for parameter Pin, value: *** Sensitive Data Redacted ***, valid min value: 1000"
    );
}
