//! The settings' resolution and the rules that do not need a service model. What a real
//! operation sends (S3's `PutObject`, `DeleteObjects`, `GetObject`) is checked against botocore's
//! requests in `tests/tests/flexible_checksums.rs`.

use super::*;
use crate::config::{ConfigError, Env, Fs, SessionConfig, SessionOverrides};

fn resolve(overrides: &SessionOverrides, env: &[(&str, &str)], config: &str) -> Result<SessionConfig, ConfigError> {
    let env = Env::from_pairs([("HOME", "/home/ana")].iter().chain(env).copied());
    let fs = Fs::from_files([("/home/ana/.aws/config", config)]);
    SessionConfig::resolve(overrides, &env, &fs)
}

#[test]
fn both_settings_default_to_when_supported_and_resolve_explicit_env_file() {
    let none = resolve(&SessionOverrides::default(), &[], "").expect("no settings");
    assert_eq!(none.request_checksum_calculation(), ChecksumWhen::WhenSupported);
    assert_eq!(none.response_checksum_validation(), ChecksumWhen::WhenSupported);

    let file =
        "[default]\nrequest_checksum_calculation = when_required\nresponse_checksum_validation = WHEN_REQUIRED\n";
    let c = resolve(&SessionOverrides::default(), &[], file).expect("the file's values");
    assert_eq!(c.request_checksum_calculation(), ChecksumWhen::WhenRequired);
    // botocore lower-cases the value before checking it.
    assert_eq!(c.response_checksum_validation(), ChecksumWhen::WhenRequired);

    let env = [
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_supported"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "When_Supported"),
    ];
    let c = resolve(&SessionOverrides::default(), &env, file).expect("the environment's values");
    assert_eq!(c.request_checksum_calculation(), ChecksumWhen::WhenSupported, "the environment beats the file");
    assert_eq!(c.response_checksum_validation(), ChecksumWhen::WhenSupported);

    let explicit =
        SessionOverrides { request_checksum_calculation: Some(ChecksumWhen::WhenRequired), ..Default::default() };
    let c = resolve(&explicit, &env, file).expect("the explicit value");
    assert_eq!(c.request_checksum_calculation(), ChecksumWhen::WhenRequired, "code beats the environment");
    assert_eq!(c.response_checksum_validation(), ChecksumWhen::WhenSupported);
}

#[test]
fn an_unknown_value_names_where_it_came_from() {
    let error = resolve(&SessionOverrides::default(), &[("AWS_REQUEST_CHECKSUM_CALCULATION", "always")], "")
        .expect_err("`always` is not a value");
    assert_eq!(
        error.to_string(),
        "environment variable `AWS_REQUEST_CHECKSUM_CALCULATION` is `always`, but expected one of `when_supported` \
         `when_required`"
    );
    let error = resolve(&SessionOverrides::default(), &[], "[default]\nresponse_checksum_validation = never\n")
        .expect_err("`never` is not a value");
    assert!(error.to_string().starts_with("`response_checksum_validation` in "), "{error}");
}

#[test]
fn checksum_headers_are_recognised_as_botocore_does() {
    for name in ["x-amz-checksum-crc32", "X-Amz-Checksum-SHA256", "x-amz-checksum-crc64nvme", "x-amz-checksum-"] {
        assert!(is_checksum_header(name), "{name}");
    }
    for name in ["x-amz-checksum", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc-32", "content-md5"] {
        assert!(!is_checksum_header(name), "{name}");
    }
}
