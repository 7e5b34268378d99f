//! Session settings, each resolved explicit > environment > profile as botocore's config chain
//! does (`configprovider.py`), with every value's source kept for messages.
//!
//! Where this differs from botocore, on purpose:
//!
//! - `AWS_REGION` is read before `AWS_DEFAULT_REGION` (botocore reads only the latter; the AWS CLI
//!   v2 and the other SDKs read both, in this order).
//! - Booleans must be `true` or `false` (any case). botocore turns every other string into
//!   `false`, so `use_fips_endpoint = yes` silently does nothing; here it is an error.
//! - Every value is checked when the session is resolved, not when a client first uses it, so a
//!   typo fails at start-up with the file and line. Only a missing region waits until a region is
//!   needed ([`SessionConfig::region`]), since some callers never need one.
//! - Empty values (`AWS_REGION=` or `region =`) count as unset, and environment values are
//!   trimmed, so an exported-but-empty variable does not hide the profile's value.

use core::fmt;

use super::env::{Env, Fs};
use super::profile::{Profile, ProfileSelection, ProfileSet};
use super::{ConfigError, Setting, Source};

/// Settings given in code; each one beats the environment and the profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionOverrides {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Used for every service, and even when `ignore_configured_endpoint_urls` is set (that flag
    /// only ignores URLs from the environment and the files, as in botocore).
    pub endpoint_url: Option<String>,
    pub ignore_configured_endpoint_urls: Option<bool>,
    pub max_attempts: Option<u32>,
    pub retry_mode: Option<RetryMode>,
    pub ca_bundle: Option<String>,
    pub use_fips_endpoint: Option<bool>,
    pub use_dualstack_endpoint: Option<bool>,
    pub sts_regional_endpoints: Option<RegionalEndpoints>,
    pub account_id_endpoint_mode: Option<AccountIdEndpointMode>,
    /// The application's id in the User-Agent (`app/<id>`), botocore's `user_agent_appid`.
    pub user_agent_appid: Option<String>,
    /// Text appended to the User-Agent as it is, botocore's `user_agent_extra`.
    pub user_agent_extra: Option<String>,
    /// botocore's `parameter_validation`: `Some(false)` skips the checks of the input before
    /// sending.
    pub parameter_validation: Option<bool>,
    pub request_checksum_calculation: Option<ChecksumWhen>,
    pub response_checksum_validation: Option<ChecksumWhen>,
    /// botocore's `endpoint_discovery_enabled`.
    pub endpoint_discovery_enabled: Option<EndpointDiscoveryMode>,
}

/// Declares a setting whose value is one of a fixed set of lowercase words.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// The value as written in the config file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the config-file spelling. Matching is exact, as in botocore.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            const EXPECTED: &'static str = concat!("one of", $(" `", $text, "`"),+);
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// `retry_mode` / `AWS_RETRY_MODE`: the retry module's own type, so the setting and the policy
/// cannot drift apart.
pub use crate::retry::RetryMode;

const RETRY_MODE_EXPECTED: &str = "one of `legacy` `standard` `adaptive`";

fn parse_retry_mode(text: &str) -> Option<RetryMode> {
    text.parse().ok()
}
choice!(
    /// `s3.addressing_style`.
    AddressingStyle { Auto = "auto", Virtual = "virtual", Path = "path" }
);
choice!(
    /// `sts_regional_endpoints` and `s3.us_east_1_regional_endpoint`.
    RegionalEndpoints { Legacy = "legacy", Regional = "regional" }
);
choice!(
    /// `account_id_endpoint_mode` / `AWS_ACCOUNT_ID_ENDPOINT_MODE`.
    AccountIdEndpointMode { Preferred = "preferred", Disabled = "disabled", Required = "required" }
);

choice!(
    /// `request_checksum_calculation` / `AWS_REQUEST_CHECKSUM_CALCULATION` and
    /// `response_checksum_validation` / `AWS_RESPONSE_CHECKSUM_VALIDATION`: flexible checksums on
    /// every operation that supports them (botocore's default since 1.36), or only where the
    /// operation requires one or the caller asked.
    ChecksumWhen { WhenSupported = "when_supported", WhenRequired = "when_required" }
);

choice!(
    /// `endpoint_discovery_enabled` / `AWS_ENDPOINT_DISCOVERY_ENABLED`: discover endpoints for
    /// every operation that can use a discovered one (`true`), never (`false`), or only for the
    /// operations that require it (`auto`, botocore's default).
    EndpointDiscoveryMode { Auto = "auto", True = "true", False = "false" }
);

/// botocore's `_normalize_endpoint_discovery_config`: lower-cased and stripped first.
fn parse_endpoint_discovery(text: &str) -> Option<EndpointDiscoveryMode> {
    EndpointDiscoveryMode::parse(&text.trim().to_ascii_lowercase())
}

/// The checksum settings, lower-cased first as botocore's `_handle_checksum_config` does.
fn parse_checksum_when(text: &str) -> Option<ChecksumWhen> {
    ChecksumWhen::parse(&text.to_ascii_lowercase())
}

/// The S3 settings, from the profile's nested `s3 =` block and their environment variables.
///
/// Each is `None` when unset: their defaults depend on the request (botocore passes `None` on to
/// the endpoint rules too).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct S3Config {
    addressing_style: Option<Setting<AddressingStyle>>,
    use_accelerate_endpoint: Option<Setting<bool>>,
    use_dualstack_endpoint: Option<Setting<bool>>,
    use_arn_region: Option<Setting<bool>>,
    us_east_1_regional_endpoint: Option<Setting<RegionalEndpoints>>,
    payload_signing_enabled: Option<Setting<bool>>,
    disable_multiregion_access_points: Option<Setting<bool>>,
}

impl S3Config {
    pub fn addressing_style(&self) -> Option<AddressingStyle> {
        value(&self.addressing_style)
    }
    pub fn use_accelerate_endpoint(&self) -> Option<bool> {
        value(&self.use_accelerate_endpoint)
    }
    pub fn use_dualstack_endpoint(&self) -> Option<bool> {
        value(&self.use_dualstack_endpoint)
    }
    pub fn use_arn_region(&self) -> Option<bool> {
        value(&self.use_arn_region)
    }
    pub fn us_east_1_regional_endpoint(&self) -> Option<RegionalEndpoints> {
        value(&self.us_east_1_regional_endpoint)
    }
    pub fn payload_signing_enabled(&self) -> Option<bool> {
        value(&self.payload_signing_enabled)
    }
    pub fn disable_multiregion_access_points(&self) -> Option<bool> {
        value(&self.disable_multiregion_access_points)
    }
}

fn value<T: Copy>(setting: &Option<Setting<T>>) -> Option<T> {
    setting.as_ref().map(|s| s.value)
}

/// The resolved session settings.
///
/// `Debug` is safe to log: the profiles redact their secrets and the environment its secret
/// variables.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    profiles: ProfileSet,
    profile_name: String,
    selected_by: ProfileSelection,
    /// Kept for the per-service `AWS_ENDPOINT_URL_<SERVICE>` variables, whose names are only
    /// known when a client is made.
    env: Env,
    region: Option<Setting<String>>,
    endpoint_url: Option<Setting<String>>,
    ignore_configured_endpoint_urls: Option<Setting<bool>>,
    max_attempts: Option<Setting<u32>>,
    retry_mode: Option<Setting<RetryMode>>,
    ca_bundle: Option<Setting<String>>,
    use_fips_endpoint: Option<Setting<bool>>,
    use_dualstack_endpoint: Option<Setting<bool>>,
    sts_regional_endpoints: Option<Setting<RegionalEndpoints>>,
    account_id_endpoint_mode: Option<Setting<AccountIdEndpointMode>>,
    user_agent_appid: Option<Setting<String>>,
    user_agent_extra: Option<String>,
    parameter_validation: Option<Setting<bool>>,
    request_checksum_calculation: Option<Setting<ChecksumWhen>>,
    response_checksum_validation: Option<Setting<ChecksumWhen>>,
    endpoint_discovery_enabled: Option<Setting<EndpointDiscoveryMode>>,
    s3: S3Config,
}

/// A key in the selected profile: top-level, or inside a nested block.
#[derive(Clone, Copy)]
enum Key {
    Top(&'static str),
    Nested(&'static str, &'static str),
}
use Key::{Nested, Top};

/// One lookup of the config chain: the environment variables in order, then the profile keys.
struct Chain<'a> {
    env: &'a Env,
    profile: Option<&'a Profile>,
}

impl Chain<'_> {
    fn find(&self, vars: &[&'static str], keys: &[Key]) -> Option<Setting<String>> {
        for var in vars {
            if let Some(text) = self.env.get(var) {
                let text = text.trim();
                if !text.is_empty() {
                    return Some(Setting { value: text.to_owned(), source: Source::Env((*var).to_owned()) });
                }
            }
        }
        let profile = self.profile?;
        keys.iter().find_map(|key| {
            let (property, name) = match *key {
                Top(key) => (profile.property(key)?, key.to_owned()),
                Nested(block, key) => (profile.nested_property(block, key)?, format!("{block}.{key}")),
            };
            let text = property.as_str().filter(|t| !t.is_empty())?;
            Some(Setting {
                value: text.to_owned(),
                source: Source::File { key: name, origin: property.origin().clone() },
            })
        })
    }

    /// An explicit value if given, else the first value found, converted by `parse`.
    fn get<T>(
        &self,
        explicit: Option<(&'static str, T)>,
        vars: &[&'static str],
        keys: &[Key],
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        if let Some((method, value)) = explicit {
            return Ok(Some(Setting { value, source: Source::Explicit(method) }));
        }
        let Some(found) = self.find(vars, keys) else { return Ok(None) };
        match parse(&found.value) {
            Some(value) => Ok(Some(Setting { value, source: found.source })),
            None => {
                Err(ConfigError::InvalidValue { source: found.source, value: found.value, expected: expected.into() })
            }
        }
    }

    fn string(
        &self,
        explicit: Option<(&'static str, String)>,
        vars: &[&'static str],
        keys: &[Key],
    ) -> Option<Setting<String>> {
        match explicit {
            Some((method, value)) => Some(Setting { value, source: Source::Explicit(method) }),
            None => self.find(vars, keys),
        }
    }

    fn bool(
        &self,
        explicit: Option<(&'static str, bool)>,
        vars: &[&'static str],
        keys: &[Key],
    ) -> Result<Option<Setting<bool>>, ConfigError> {
        self.get(explicit, vars, keys, parse_bool, "`true` or `false`")
    }
}

/// An endpoint URL that cannot be sent to, as the error naming where it was set.
fn checked_endpoint_url(url: &Setting<String>) -> Result<(), ConfigError> {
    crate::validate::check_endpoint_url(&url.value).map_err(|e| ConfigError::InvalidValue {
        source: url.source.clone(),
        value: e.url().to_owned(),
        expected: format!("an absolute http:// or https:// URL with a valid host: {}", e.reason()),
    })
}

/// botocore's `ensure_boolean`, minus its silent `false` for anything else.
fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Python's `int()` as botocore applies it to `max_attempts`, then its "at least 1" check.
fn parse_max_attempts(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|n| *n >= 1)
}

const MAX_ATTEMPTS_EXPECTED: &str = "a whole number of attempts of at least 1 (the first try counts), such as `3`";

/// botocore's `validate_region_name`: the region becomes part of a host name, so anything else
/// could point requests somewhere unexpected.
pub(crate) fn valid_region(region: &str) -> bool {
    let bytes = region.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

pub(crate) const REGION_EXPECTED: &str = "a region name such as `us-east-1` (letters, digits and inner hyphens)";

impl SessionConfig {
    /// Resolves the settings from the process environment and the real files.
    pub fn load(overrides: &SessionOverrides) -> Result<SessionConfig, ConfigError> {
        Self::resolve(overrides, &Env::real(), &Fs::real())
    }

    /// Resolves the settings from the given environment and filesystem.
    pub fn resolve(overrides: &SessionOverrides, env: &Env, fs: &Fs) -> Result<SessionConfig, ConfigError> {
        let profiles = ProfileSet::load(env, fs)?;
        let (profile_name, selected_by) = profiles.select(overrides.profile.as_deref(), env)?;
        let chain = Chain { env, profile: profiles.profile(&profile_name) };
        let o = overrides;
        let explicit = |method: &'static str, value: Option<String>| value.map(|v| (method, v));

        let region =
            chain.string(explicit("region", o.region.clone()), &["AWS_REGION", "AWS_DEFAULT_REGION"], &[Top("region")]);
        if let Some(region) = &region {
            if !valid_region(&region.value) {
                return Err(ConfigError::InvalidValue {
                    source: region.source.clone(),
                    value: region.value.clone(),
                    expected: REGION_EXPECTED.into(),
                });
            }
        }
        let max_attempts = chain.get(
            o.max_attempts.map(|n| ("max_attempts", n)),
            &["AWS_MAX_ATTEMPTS"],
            &[Top("max_attempts")],
            parse_max_attempts,
            MAX_ATTEMPTS_EXPECTED,
        )?;
        if let Some(Setting { value: 0, source }) = &max_attempts {
            return Err(ConfigError::InvalidValue {
                source: source.clone(),
                value: "0".into(),
                expected: MAX_ATTEMPTS_EXPECTED.into(),
            });
        }
        let s3 = S3Config {
            addressing_style: chain.get(
                None,
                &[],
                &[Nested("s3", "addressing_style")],
                AddressingStyle::parse,
                AddressingStyle::EXPECTED,
            )?,
            use_accelerate_endpoint: chain.bool(None, &[], &[Nested("s3", "use_accelerate_endpoint")])?,
            use_dualstack_endpoint: chain.bool(None, &[], &[Nested("s3", "use_dualstack_endpoint")])?,
            use_arn_region: chain.bool(
                None,
                &["AWS_S3_USE_ARN_REGION"],
                &[Top("s3_use_arn_region"), Nested("s3", "use_arn_region")],
            )?,
            us_east_1_regional_endpoint: chain.get(
                None,
                &["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"],
                &[Top("s3_us_east_1_regional_endpoint"), Nested("s3", "us_east_1_regional_endpoint")],
                RegionalEndpoints::parse,
                RegionalEndpoints::EXPECTED,
            )?,
            payload_signing_enabled: chain.bool(None, &[], &[Nested("s3", "payload_signing_enabled")])?,
            disable_multiregion_access_points: chain.bool(
                None,
                &["AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS"],
                &[Nested("s3", "s3_disable_multiregion_access_points")],
            )?,
        };
        let config = SessionConfig {
            region,
            endpoint_url: explicit("endpoint_url", o.endpoint_url.clone())
                .map(|(m, value)| Setting { value, source: Source::Explicit(m) }),
            ignore_configured_endpoint_urls: chain.bool(
                o.ignore_configured_endpoint_urls.map(|b| ("ignore_configured_endpoint_urls", b)),
                &["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"],
                &[Top("ignore_configured_endpoint_urls")],
            )?,
            max_attempts,
            retry_mode: chain.get(
                o.retry_mode.map(|m| ("retry_mode", m)),
                &["AWS_RETRY_MODE"],
                &[Top("retry_mode")],
                parse_retry_mode,
                RETRY_MODE_EXPECTED,
            )?,
            ca_bundle: chain.string(
                explicit("ca_bundle", o.ca_bundle.clone()),
                &["AWS_CA_BUNDLE"],
                &[Top("ca_bundle")],
            ),
            use_fips_endpoint: chain.bool(
                o.use_fips_endpoint.map(|b| ("use_fips_endpoint", b)),
                &["AWS_USE_FIPS_ENDPOINT"],
                &[Top("use_fips_endpoint")],
            )?,
            use_dualstack_endpoint: chain.bool(
                o.use_dualstack_endpoint.map(|b| ("use_dualstack_endpoint", b)),
                &["AWS_USE_DUALSTACK_ENDPOINT"],
                &[Top("use_dualstack_endpoint")],
            )?,
            sts_regional_endpoints: chain.get(
                o.sts_regional_endpoints.map(|v| ("sts_regional_endpoints", v)),
                &["AWS_STS_REGIONAL_ENDPOINTS"],
                &[Top("sts_regional_endpoints")],
                RegionalEndpoints::parse,
                RegionalEndpoints::EXPECTED,
            )?,
            account_id_endpoint_mode: chain.get(
                o.account_id_endpoint_mode.map(|v| ("account_id_endpoint_mode", v)),
                &["AWS_ACCOUNT_ID_ENDPOINT_MODE"],
                &[Top("account_id_endpoint_mode")],
                AccountIdEndpointMode::parse,
                AccountIdEndpointMode::EXPECTED,
            )?,
            // botocore's `user_agent_appid`: the config key and variable carry the SDKs' name.
            user_agent_appid: chain.string(
                explicit("user_agent_appid", o.user_agent_appid.clone()),
                &["AWS_SDK_UA_APP_ID"],
                &[Top("sdk_ua_app_id")],
            ),
            // Only ever given in code, as in botocore.
            user_agent_extra: o.user_agent_extra.clone(),
            // botocore reads it from the profile only (no environment variable).
            parameter_validation: chain.bool(
                o.parameter_validation.map(|b| ("parameter_validation", b)),
                &[],
                &[Top("parameter_validation")],
            )?,
            request_checksum_calculation: chain.get(
                o.request_checksum_calculation.map(|v| ("request_checksum_calculation", v)),
                &["AWS_REQUEST_CHECKSUM_CALCULATION"],
                &[Top("request_checksum_calculation")],
                parse_checksum_when,
                ChecksumWhen::EXPECTED,
            )?,
            response_checksum_validation: chain.get(
                o.response_checksum_validation.map(|v| ("response_checksum_validation", v)),
                &["AWS_RESPONSE_CHECKSUM_VALIDATION"],
                &[Top("response_checksum_validation")],
                parse_checksum_when,
                ChecksumWhen::EXPECTED,
            )?,
            endpoint_discovery_enabled: chain.get(
                o.endpoint_discovery_enabled.map(|v| ("endpoint_discovery_enabled", v)),
                &["AWS_ENDPOINT_DISCOVERY_ENABLED"],
                &[Top("endpoint_discovery_enabled")],
                parse_endpoint_discovery,
                EndpointDiscoveryMode::EXPECTED,
            )?,
            s3,
            env: env.clone(),
            profile_name,
            selected_by,
            profiles,
        };
        // The endpoint URLs for every service are checked now rather than at the first call;
        // the per-service ones when a client looks them up.
        if let Some(explicit) = &config.endpoint_url {
            checked_endpoint_url(explicit)?;
        }
        if !config.ignore_configured_endpoint_urls() {
            if let Some(text) = env.get("AWS_ENDPOINT_URL").filter(|t| !t.trim().is_empty()) {
                let value = text.trim().to_owned();
                checked_endpoint_url(&Setting { value, source: Source::Env("AWS_ENDPOINT_URL".into()) })?;
            }
            let chain = Chain { env, profile: config.profile() };
            if let Some(url) = chain.find(&[], &[Top("endpoint_url")]) {
                checked_endpoint_url(&url)?;
            }
        }
        Ok(config)
    }

    /// The region, or [`ConfigError::NoRegion`] explaining every way to set one.
    pub fn region(&self) -> Result<&str, ConfigError> {
        match &self.region {
            Some(region) => Ok(&region.value),
            None => Err(ConfigError::NoRegion {
                profile: self.profile_name.clone(),
                selected_by: self.selected_by,
                config_path: self.profiles.config_path().to_owned(),
            }),
        }
    }

    /// The region with its source, or `None`.
    pub fn region_setting(&self) -> Option<&Setting<String>> {
        self.region.as_ref()
    }

    /// The endpoint URL configured for a service, by its service id (`"S3"`, `"SSO OIDC"`).
    ///
    /// The order is botocore's: the explicit URL; then, unless `ignore_configured_endpoint_urls`
    /// is true, `AWS_ENDPOINT_URL_<SERVICE_ID>` (upper-cased, spaces and hyphens as `_`),
    /// `AWS_ENDPOINT_URL`, the `endpoint_url` under `<service_id>` (lower-cased likewise) in the
    /// `[services name]` section the profile's `services = name` names, and the profile's own
    /// `endpoint_url`. It is an error for `services = name` to name a missing section, but only
    /// when the lookup gets that far, as in botocore.
    pub fn endpoint_url(&self, service_id: &str) -> Result<Option<Setting<String>>, ConfigError> {
        let url = self.configured_endpoint_url(service_id)?;
        if let Some(url) = &url {
            checked_endpoint_url(url)?;
        }
        Ok(url)
    }

    fn configured_endpoint_url(&self, service_id: &str) -> Result<Option<Setting<String>>, ConfigError> {
        if let Some(explicit) = &self.endpoint_url {
            return Ok(Some(explicit.clone()));
        }
        if self.ignore_configured_endpoint_urls() {
            return Ok(None);
        }
        let snake: String = service_id.chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
        let chain = Chain { env: &self.env, profile: self.profile() };
        let service_var = format!("AWS_ENDPOINT_URL_{}", snake.to_uppercase());
        for var in [service_var.as_str(), "AWS_ENDPOINT_URL"] {
            if let Some(text) = self.env.get(var).filter(|t| !t.trim().is_empty()) {
                return Ok(Some(Setting { value: text.trim().to_owned(), source: Source::Env(var.to_owned()) }));
            }
        }
        if let Some(services) = chain.find(&[], &[Top("services")]) {
            let Some(section) = self.profiles.services(&services.value) else {
                return Err(ConfigError::MissingServicesSection {
                    name: services.value,
                    source: services.source,
                    config_path: self.profiles.config_path().to_owned(),
                });
            };
            let key = snake.to_lowercase();
            if let Some(property) = section.nested_property(&key, "endpoint_url") {
                if let Some(url) = property.as_str().filter(|u| !u.is_empty()) {
                    let source = Source::File { key: format!("{key}.endpoint_url"), origin: property.origin().clone() };
                    return Ok(Some(Setting { value: url.to_owned(), source }));
                }
            }
        }
        Ok(chain.find(&[], &[Top("endpoint_url")]))
    }

    /// Whether URLs from the environment and the files are ignored (default `false`).
    pub fn ignore_configured_endpoint_urls(&self) -> bool {
        value(&self.ignore_configured_endpoint_urls).unwrap_or(false)
    }
    /// Total attempts including the first, or `None` for the retry mode's default.
    pub fn max_attempts(&self) -> Option<u32> {
        value(&self.max_attempts)
    }
    /// The retry mode; `standard` when unset, botocore's default.
    pub fn retry_mode(&self) -> RetryMode {
        value(&self.retry_mode).unwrap_or(RetryMode::Standard)
    }
    /// A CA bundle path, used as written (botocore does not expand `~` in it either).
    pub fn ca_bundle(&self) -> Option<&str> {
        self.ca_bundle.as_ref().map(|s| s.value.as_str())
    }
    pub fn use_fips_endpoint(&self) -> bool {
        value(&self.use_fips_endpoint).unwrap_or(false)
    }
    pub fn use_dualstack_endpoint(&self) -> bool {
        value(&self.use_dualstack_endpoint).unwrap_or(false)
    }
    /// `regional` when unset, the default of current botocore.
    pub fn sts_regional_endpoints(&self) -> RegionalEndpoints {
        value(&self.sts_regional_endpoints).unwrap_or(RegionalEndpoints::Regional)
    }
    /// `preferred` when unset, botocore's default.
    pub fn account_id_endpoint_mode(&self) -> AccountIdEndpointMode {
        value(&self.account_id_endpoint_mode).unwrap_or(AccountIdEndpointMode::Preferred)
    }
    /// The application id for the User-Agent (`app/<id>`): explicit, `AWS_SDK_UA_APP_ID`, or the
    /// profile's `sdk_ua_app_id`.
    pub fn user_agent_appid(&self) -> Option<&str> {
        self.user_agent_appid.as_ref().map(|s| s.value.as_str())
    }
    /// Text appended to the User-Agent as it is.
    pub fn user_agent_extra(&self) -> Option<&str> {
        self.user_agent_extra.as_deref()
    }
    /// Whether the input is checked before sending (botocore's `parameter_validation`, on by
    /// default).
    pub fn parameter_validation(&self) -> bool {
        value(&self.parameter_validation).unwrap_or(true)
    }
    /// When request checksums are computed; `when_supported` when unset, botocore's default.
    pub fn request_checksum_calculation(&self) -> ChecksumWhen {
        value(&self.request_checksum_calculation).unwrap_or(ChecksumWhen::WhenSupported)
    }
    /// When response checksums are validated; `when_supported` when unset, botocore's default.
    pub fn response_checksum_validation(&self) -> ChecksumWhen {
        value(&self.response_checksum_validation).unwrap_or(ChecksumWhen::WhenSupported)
    }
    /// Whether endpoints are discovered; `auto` when unset, botocore's default.
    pub fn endpoint_discovery_enabled(&self) -> EndpointDiscoveryMode {
        value(&self.endpoint_discovery_enabled).unwrap_or(EndpointDiscoveryMode::Auto)
    }
    pub fn s3(&self) -> &S3Config {
        &self.s3
    }

    /// The name of the profile in use, and how it was chosen.
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }
    pub fn profile_selection(&self) -> ProfileSelection {
        self.selected_by
    }
    /// The profile in use; `None` only when `default` was used without being defined.
    pub fn profile(&self) -> Option<&Profile> {
        self.profiles.profile(&self.profile_name)
    }
    /// Every profile and section of both files (credential providers need the others).
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }
    pub fn env(&self) -> &Env {
        &self.env
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
