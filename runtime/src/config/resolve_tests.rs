//! Session settings resolution: precedence, endpoint URLs, errors and redaction.

use super::*;

const CONFIG: &str = "/home/ana/.aws/config";
const CREDENTIALS: &str = "/home/ana/.aws/credentials";

/// Resolves with a fixture environment (HOME is always set) and a fixture config file.
fn resolve_with(
    overrides: &SessionOverrides,
    env: &[(&str, &str)],
    config: &str,
    credentials: &str,
) -> Result<SessionConfig, ConfigError> {
    let env = Env::from_pairs([("HOME", "/home/ana")].iter().chain(env).copied());
    let fs = Fs::from_files([(CONFIG, config), (CREDENTIALS, credentials)]);
    SessionConfig::resolve(overrides, &env, &fs)
}

fn resolve(env: &[(&str, &str)], config: &str) -> SessionConfig {
    resolve_with(&SessionOverrides::default(), env, config, "").unwrap_or_else(|e| panic!("{e}"))
}

fn error(env: &[(&str, &str)], config: &str) -> String {
    match resolve_with(&SessionOverrides::default(), env, config, "") {
        Ok(config) => panic!("expected an error, got {config:?}"),
        Err(e) => e.to_string(),
    }
}

fn overrides(f: impl FnOnce(&mut SessionOverrides)) -> SessionOverrides {
    let mut o = SessionOverrides::default();
    f(&mut o);
    o
}

#[test]
fn region_precedence_is_explicit_then_env_then_profile() {
    let config = "[default]\nregion = eu-west-1\n";
    let env = [("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "us-east-2")];
    let explicit = overrides(|o| o.region = Some("ap-south-1".into()));
    let c = resolve_with(&explicit, &env, config, "").unwrap();
    assert_eq!(c.region().unwrap(), "ap-south-1");
    assert_eq!(c.region_setting().unwrap().source, Source::Explicit("region"));
    // `AWS_REGION` is read before `AWS_DEFAULT_REGION`, which botocore alone does not read.
    assert_eq!(resolve(&env, config).region().unwrap(), "us-west-2");
    assert_eq!(resolve(&env[1..], config).region().unwrap(), "us-east-2");
    let c = resolve(&[], config);
    assert_eq!(c.region().unwrap(), "eu-west-1");
    assert_eq!(c.region_setting().unwrap().source.to_string(), "`region` in [default] (~/.aws/config line 2)");
}

#[test]
fn empty_environment_values_do_not_hide_the_profile() {
    let c = resolve(&[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "  ")], "[default]\nregion = eu-west-1\n");
    assert_eq!(c.region().unwrap(), "eu-west-1");
}

#[test]
fn the_selected_profile_supplies_the_values() {
    let config = "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\n";
    let c = resolve(&[("AWS_PROFILE", "dev")], config);
    assert_eq!((c.profile_name(), c.region().unwrap()), ("dev", "us-west-2"));
    assert_eq!(c.profile_selection(), ProfileSelection::Env("AWS_PROFILE"));
    let c = resolve_with(&overrides(|o| o.profile = Some("default".into())), &[("AWS_PROFILE", "dev")], config, "")
        .unwrap();
    assert_eq!(c.region().unwrap(), "eu-west-1");
    // Credentials-file values beat config-file values of the same profile.
    let c = resolve_with(&SessionOverrides::default(), &[], config, "[default]\nregion = sa-east-1\n").unwrap();
    assert_eq!(c.region().unwrap(), "sa-east-1");
}

#[test]
fn no_region_lists_every_way_to_set_one() {
    let c = resolve(&[("AWS_PROFILE", "dev")], "[profile dev]\noutput = json\n");
    assert!(matches!(c.region(), Err(ConfigError::NoRegion { .. })));
    assert_eq!(
        c.region().unwrap_err().to_string(),
        "no AWS region is configured; set one in any of these ways:\n  \
         - in code: `Session::builder().region(\"us-east-1\")`\n  \
         - in the environment: `AWS_REGION=us-east-1` (or `AWS_DEFAULT_REGION`)\n  \
         - in ~/.aws/config, under `[profile dev]` (the profile in use, selected by `AWS_PROFILE`): \
         `region = us-east-1`"
    );
    let c = resolve(&[("AWS_CONFIG_FILE", "/etc/aws.ini")], "");
    let message = c.region().unwrap_err().to_string();
    assert!(
        message.ends_with(
            "in /etc/aws.ini, under `[default]` (the profile in use, used because no profile was selected): \
             `region = us-east-1`"
        ),
        "{message}"
    );
}

#[test]
fn invalid_regions_are_rejected_with_their_source() {
    assert_eq!(
        error(&[("AWS_REGION", "us-east-1.evil.com")], ""),
        "environment variable `AWS_REGION` is `us-east-1.evil.com`, but expected a region name such as `us-east-1` \
         (letters, digits and inner hyphens)"
    );
    assert!(error(&[], "[default]\nregion = -x\n").starts_with("`region` in [default] (~/.aws/config line 2) is `-x`"));
}

#[test]
fn endpoint_url_per_service_from_the_environment() {
    let env = [("AWS_ENDPOINT_URL_SSO_OIDC", "http://oidc"), ("AWS_ENDPOINT_URL", "http://global")];
    let c = resolve(&env, "");
    let oidc = c.endpoint_url("SSO OIDC").unwrap().unwrap();
    assert_eq!((oidc.value.as_str(), oidc.source), ("http://oidc", Source::Env("AWS_ENDPOINT_URL_SSO_OIDC".into())));
    assert_eq!(c.endpoint_url("DynamoDB").unwrap().unwrap().value, "http://global");
    // Hyphens become underscores as well as spaces.
    let c = resolve(&[("AWS_ENDPOINT_URL_IOT_DATA_PLANE", "http://iot")], "");
    assert_eq!(c.endpoint_url("IoT Data-Plane").unwrap().unwrap().value, "http://iot");
    assert_eq!(resolve(&[], "").endpoint_url("S3").unwrap(), None);
}

#[test]
fn endpoint_url_per_service_from_a_services_section() {
    let config = "[default]\nservices = local\nendpoint_url = http://profile\n\
                  [services local]\nsso_oidc =\n  endpoint_url = http://oidc-file\ns3 =\n  endpoint_url = http://s3-file\n";
    let c = resolve(&[], config);
    let oidc = c.endpoint_url("SSO OIDC").unwrap().unwrap();
    assert_eq!(oidc.value, "http://oidc-file");
    assert_eq!(oidc.source.to_string(), "`sso_oidc.endpoint_url` in [services local] (~/.aws/config line 6)");
    assert_eq!(c.endpoint_url("S3").unwrap().unwrap().value, "http://s3-file");
    // A service the section does not mention falls back to the profile's own `endpoint_url`.
    assert_eq!(c.endpoint_url("SQS").unwrap().unwrap().value, "http://profile");
    // The environment beats the file: the per-service variable, then the global one.
    let c = resolve(&[("AWS_ENDPOINT_URL", "http://env")], config);
    assert_eq!(c.endpoint_url("S3").unwrap().unwrap().value, "http://env");
    let c = resolve(&[("AWS_ENDPOINT_URL", "http://env"), ("AWS_ENDPOINT_URL_S3", "http://env-s3")], config);
    assert_eq!(c.endpoint_url("S3").unwrap().unwrap().value, "http://env-s3");
}

#[test]
fn a_missing_services_section_is_an_error_only_when_reached() {
    let config = "[default]\nservices = nope\n";
    let c = resolve(&[], config);
    assert_eq!(
        c.endpoint_url("S3").unwrap_err().to_string(),
        "`services` in [default] (~/.aws/config line 2) names a `[services nope]` section, but ~/.aws/config has \
         no such section"
    );
    // An environment URL is found first, so the broken reference is never followed (botocore).
    let c = resolve(&[("AWS_ENDPOINT_URL", "http://env")], config);
    assert_eq!(c.endpoint_url("S3").unwrap().unwrap().value, "http://env");
}

#[test]
fn ignore_configured_endpoint_urls_skips_env_and_files_but_not_code() {
    let config = "[default]\nendpoint_url = http://profile\nignore_configured_endpoint_urls = TRUE\n";
    let env = [("AWS_ENDPOINT_URL", "http://env")];
    assert_eq!(resolve(&env, config).endpoint_url("S3").unwrap(), None);
    let c = resolve(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"), env[0]], config);
    assert_eq!(c.endpoint_url("S3").unwrap().unwrap().value, "http://env");
    let explicit = overrides(|o| o.endpoint_url = Some("http://code".into()));
    let c = resolve_with(&explicit, &env, config, "").unwrap();
    let url = c.endpoint_url("S3").unwrap().unwrap();
    assert_eq!((url.value.as_str(), url.source), ("http://code", Source::Explicit("endpoint_url")));
}

#[test]
fn max_attempts_must_be_a_positive_integer() {
    assert_eq!(resolve(&[], "").max_attempts(), None);
    assert_eq!(resolve(&[("AWS_MAX_ATTEMPTS", " 5 ")], "[default]\nmax_attempts = 2\n").max_attempts(), Some(5));
    assert_eq!(resolve(&[], "[default]\nmax_attempts = +2\n").max_attempts(), Some(2));
    assert_eq!(
        error(&[("AWS_MAX_ATTEMPTS", "three")], ""),
        "environment variable `AWS_MAX_ATTEMPTS` is `three`, but expected a whole number of attempts of at least 1 \
         (the first try counts), such as `3`"
    );
    assert!(error(&[], "[default]\nmax_attempts = 0\n")
        .starts_with("`max_attempts` in [default] (~/.aws/config line 2) is `0`, but expected"));
    assert!(error(&[], "[default]\nmax_attempts = -1\n").contains("is `-1`"));
    let zero = overrides(|o| o.max_attempts = Some(0));
    let message = resolve_with(&zero, &[], "", "").unwrap_err().to_string();
    assert!(message.starts_with("`Session::builder().max_attempts(..)` is `0`"), "{message}");
}

#[test]
fn retry_mode_is_one_of_three_words() {
    assert_eq!(resolve(&[], "").retry_mode(), RetryMode::Standard);
    assert_eq!(
        resolve(&[("AWS_RETRY_MODE", "adaptive")], "[default]\nretry_mode = legacy\n").retry_mode(),
        RetryMode::Adaptive
    );
    assert_eq!(resolve(&[], "[default]\nretry_mode = legacy\n").retry_mode(), RetryMode::Legacy);
    let explicit = overrides(|o| o.retry_mode = Some(RetryMode::Legacy));
    assert_eq!(
        resolve_with(&explicit, &[("AWS_RETRY_MODE", "bogus")], "", "").unwrap().retry_mode(),
        RetryMode::Legacy
    );
    assert_eq!(
        error(&[("AWS_RETRY_MODE", "Standard")], ""),
        "environment variable `AWS_RETRY_MODE` is `Standard`, but expected one of `legacy` `standard` `adaptive`"
    );
}

#[test]
fn booleans_are_true_or_false_in_any_case() {
    let c = resolve(&[("AWS_USE_FIPS_ENDPOINT", "TRUE")], "[default]\nuse_dualstack_endpoint = False\n");
    assert!(c.use_fips_endpoint());
    assert!(!c.use_dualstack_endpoint());
    let explicit = overrides(|o| o.use_dualstack_endpoint = Some(true));
    assert!(resolve_with(&explicit, &[], "[default]\nuse_dualstack_endpoint = false\n", "")
        .unwrap()
        .use_dualstack_endpoint());
    // botocore would read `yes` as false without a word; a typo should not silently disable FIPS.
    assert_eq!(
        error(&[], "[default]\nuse_fips_endpoint = yes\n"),
        "`use_fips_endpoint` in [default] (~/.aws/config line 2) is `yes`, but expected `true` or `false`"
    );
    assert!(error(&[("AWS_USE_DUALSTACK_ENDPOINT", "1")], "")
        .starts_with("environment variable `AWS_USE_DUALSTACK_ENDPOINT` is `1`"));
}

#[test]
fn s3_settings_come_from_the_nested_block_and_their_variables() {
    let config = "[default]\ns3 =\n  addressing_style = path\n  use_accelerate_endpoint = true\n  \
                  use_arn_region = false\n  us_east_1_regional_endpoint = regional\n  use_dualstack_endpoint = true\n\
                  s3_use_arn_region = true\n";
    let c = resolve(&[], config);
    let s3 = c.s3();
    assert_eq!(s3.addressing_style(), Some(AddressingStyle::Path));
    assert_eq!(s3.use_accelerate_endpoint(), Some(true));
    assert_eq!(s3.use_dualstack_endpoint(), Some(true));
    // The top-level `s3_use_arn_region` is checked before the nested key, as in botocore.
    assert_eq!(s3.use_arn_region(), Some(true));
    assert_eq!(s3.us_east_1_regional_endpoint(), Some(RegionalEndpoints::Regional));
    assert_eq!(s3.payload_signing_enabled(), None);
    let env = [("AWS_S3_USE_ARN_REGION", "false"), ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "legacy")];
    let c = resolve(&env, config);
    assert_eq!(c.s3().use_arn_region(), Some(false));
    assert_eq!(c.s3().us_east_1_regional_endpoint(), Some(RegionalEndpoints::Legacy));
    assert_eq!(
        error(&[], "[default]\ns3 =\n  addressing_style = Path\n"),
        "`s3.addressing_style` in [default] (~/.aws/config line 3) is `Path`, but expected one of `auto` `virtual` \
         `path`"
    );
    // A plain `s3 = ...` value is not a block, so it holds no S3 settings (botocore ignores it).
    assert_eq!(resolve(&[], "[default]\ns3 = path\n").s3(), &S3Config::default());
}

#[test]
fn endpoint_flavour_settings_have_botocore_defaults() {
    let c = resolve(&[], "");
    assert_eq!(c.sts_regional_endpoints(), RegionalEndpoints::Regional);
    assert_eq!(c.account_id_endpoint_mode(), AccountIdEndpointMode::Preferred);
    assert_eq!(c.ca_bundle(), None);
    let config =
        "[default]\nsts_regional_endpoints = legacy\naccount_id_endpoint_mode = required\nca_bundle = ~/ca.pem\n";
    let c = resolve(&[], config);
    assert_eq!(c.sts_regional_endpoints(), RegionalEndpoints::Legacy);
    assert_eq!(c.account_id_endpoint_mode(), AccountIdEndpointMode::Required);
    assert_eq!(c.ca_bundle(), Some("~/ca.pem"));
    let env = [
        ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
        ("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled"),
        ("AWS_CA_BUNDLE", "/ca"),
    ];
    let c = resolve(&env, config);
    assert_eq!(c.sts_regional_endpoints(), RegionalEndpoints::Regional);
    assert_eq!(c.account_id_endpoint_mode(), AccountIdEndpointMode::Disabled);
    assert_eq!(c.ca_bundle(), Some("/ca"));
    assert!(error(&[("AWS_ACCOUNT_ID_ENDPOINT_MODE", "sometimes")], "")
        .ends_with("one of `preferred` `disabled` `required`"));
}

#[test]
fn a_missing_named_profile_fails_resolution() {
    let message = resolve_with(&SessionOverrides::default(), &[("AWS_PROFILE", "prod")], "[default]\n", "[ci]\n")
        .unwrap_err()
        .to_string();
    assert!(message.contains("`prod` (selected by `AWS_PROFILE`)") && message.contains("`default`, `ci`"), "{message}");
}

#[test]
fn session_config_debug_redacts_secrets() {
    let credentials = "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n\
                       aws_session_token = FwoGZXIvYXdz\n";
    let env = [("AWS_SECRET_ACCESS_KEY", "ENVSECRET"), ("AWS_SESSION_TOKEN", "ENVTOKEN")];
    let c = resolve_with(&SessionOverrides::default(), &env, "[default]\nregion = us-east-1\n", credentials).unwrap();
    let debug = format!("{c:?}");
    assert!(debug.contains("AKIDEXAMPLE") && debug.contains("us-east-1"), "{debug}");
    for secret in ["wJalrXUtnFEMI", "FwoGZXIvYXdz", "ENVSECRET", "ENVTOKEN"] {
        assert!(!debug.contains(secret), "{secret} leaked: {debug}");
    }
}

#[test]
fn the_user_agent_app_id_is_explicit_then_env_then_profile() {
    let config = "[default]\nsdk_ua_app_id = from-file\n";
    let env = [("AWS_SDK_UA_APP_ID", "from-env")];
    let explicit = overrides(|o| o.user_agent_appid = Some("from-code".into()));
    assert_eq!(resolve_with(&explicit, &env, config, "").unwrap().user_agent_appid(), Some("from-code"));
    assert_eq!(resolve(&env, config).user_agent_appid(), Some("from-env"));
    assert_eq!(resolve(&[], config).user_agent_appid(), Some("from-file"));
    assert_eq!(resolve(&[], "").user_agent_appid(), None);
    // botocore reads `user_agent_extra` from code only.
    let extra = overrides(|o| o.user_agent_extra = Some("my-tool/1.0".into()));
    assert_eq!(resolve_with(&extra, &[], "", "").unwrap().user_agent_extra(), Some("my-tool/1.0"));
    assert_eq!(resolve(&[], "[default]\nuser_agent_extra = x\n").user_agent_extra(), None);
}
