//! Profile-based settings: static keys in either file, and the assume-role keys of a profile.
//!
//! botocore's shared-credentials provider reads only the credentials file and its config provider
//! only the config file, while the config layer merges both into one [`ProfileSet`]. Every
//! property remembers its file, so each provider here keeps only the keys written in its own file;
//! the assume-role, process and SSO providers read the merged view, as botocore's `full_config`.

use super::env::{key_location, profile_get};
use super::source::{CredentialSourceName, StaticOrigin, StaticSource};
use super::{Credentials, CredentialsError};
use crate::config::{Profile, ProfileSet};

const ACCESS_KEY: &str = "aws_access_key_id";
const SECRET_KEY: &str = "aws_secret_access_key";
/// `aws_session_token` is read before botocore's original `aws_security_token` (botocore reads
/// them the other way round), for the reason given on the environment provider.
const TOKEN_KEYS: [&str; 2] = ["aws_session_token", "aws_security_token"];

/// Which file a static-keys provider reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFile {
    Credentials,
    Config,
}

impl KeyFile {
    fn provider(self) -> &'static str {
        match self {
            KeyFile::Credentials => "shared-credentials-file",
            KeyFile::Config => "config-file",
        }
    }
    fn path(self, profiles: &ProfileSet) -> &str {
        match self {
            KeyFile::Credentials => profiles.credentials_path(),
            KeyFile::Config => profiles.config_path(),
        }
    }
}

/// A non-empty value of `key` written in `file`.
fn from_file<'a>(profile: &'a Profile, key: &str, path: &str) -> Option<&'a str> {
    let property = profile.property(key)?;
    if property.origin().path() != path {
        return None;
    }
    property.as_str().filter(|value| !value.is_empty())
}

/// The static keys of `name` written in one file, or `None` when that file has neither key.
///
/// botocore looks only for the access key and fails when the secret is missing; a secret
/// without an access key is also an error here (botocore would skip the provider and carry on),
/// because half a key pair is always a mistake worth reporting.
pub(crate) fn file_credentials(
    profiles: &ProfileSet,
    name: &str,
    file: KeyFile,
) -> Result<Option<StaticSource>, CredentialsError> {
    let Some(profile) = profiles.profile(name) else { return Ok(None) };
    let path = file.path(profiles);
    let access_key = from_file(profile, ACCESS_KEY, path);
    let secret_key = from_file(profile, SECRET_KEY, path);
    let (access_key, secret_key) = match (access_key, secret_key) {
        (None, None) => return Ok(None),
        (Some(a), Some(s)) => (a, s),
        (a, _) => {
            return Err(CredentialsError::PartialCredentials {
                provider: file.provider(),
                location: format!("profile `{name}` in {path}"),
                missing: if a.is_none() { ACCESS_KEY } else { SECRET_KEY },
            })
        }
    };
    let token = TOKEN_KEYS.iter().find_map(|key| from_file(profile, key, path)).map(str::to_owned);
    let credentials = Credentials::from_parts(access_key, secret_key, token, None, file.provider());
    let origin = match file {
        KeyFile::Credentials => StaticOrigin::CredentialsFile { profile: name.to_owned(), path: path.to_owned() },
        KeyFile::Config => StaticOrigin::ConfigFile { profile: name.to_owned(), path: path.to_owned() },
    };
    Ok(Some(StaticSource { credentials, origin }))
}

/// botocore's `_has_static_credentials`: either key, in either file.
pub(crate) fn has_static_keys(profile: &Profile) -> bool {
    profile_get(Some(profile), ACCESS_KEY).is_some() || profile_get(Some(profile), SECRET_KEY).is_some()
}

/// botocore's `_has_assume_role_config_vars`: `role_arn` without `web_identity_token_file` (a
/// profile with both is a web identity profile, wherever it appears in a chain).
pub(crate) fn has_assume_role_vars(profile: &Profile) -> bool {
    profile_get(Some(profile), "role_arn").is_some() && profile_get(Some(profile), "web_identity_token_file").is_none()
}

/// Where an assume-role profile gets its source credentials.
pub(crate) enum RoleSourceRef<'a> {
    SourceProfile(&'a str),
    CredentialSource(CredentialSourceName),
}

/// The validated assume-role settings of one profile (botocore's `_get_role_config`).
pub(crate) struct RoleConfig<'a> {
    pub role_arn: &'a str,
    pub source: RoleSourceRef<'a>,
    pub external_id: Option<&'a str>,
    pub role_session_name: Option<&'a str>,
    pub duration_seconds: Option<u32>,
    pub mfa_serial: Option<&'a str>,
}

/// Reads and checks the assume-role keys of a profile that has `role_arn`.
///
/// `duration_seconds` that is not a whole number is an error, where botocore silently drops it
/// and lets STS apply its one-hour default: a typo should not quietly shorten sessions.
pub(crate) fn role_config(profile: &Profile) -> Result<RoleConfig<'_>, CredentialsError> {
    let get = |key: &str| profile_get(Some(profile), key);
    let name = profile.name();
    let role_arn = get("role_arn").unwrap_or_default();
    let source = match (get("source_profile"), get("credential_source")) {
        (Some(_), Some(_)) => {
            return Err(CredentialsError::RoleSourceConflict {
                profile: name.to_owned(),
                location: key_location(profile, "credential_source"),
            })
        }
        (None, None) => {
            return Err(CredentialsError::RoleSourceMissing {
                profile: name.to_owned(),
                location: key_location(profile, "role_arn"),
            })
        }
        (Some(source_profile), None) => RoleSourceRef::SourceProfile(source_profile),
        (None, Some(value)) => match CredentialSourceName::parse(value) {
            Some(source) => RoleSourceRef::CredentialSource(source),
            None => {
                return Err(CredentialsError::InvalidCredentialSource {
                    profile: name.to_owned(),
                    value: value.to_owned(),
                    location: key_location(profile, "credential_source"),
                })
            }
        },
    };
    let duration_seconds = match get("duration_seconds") {
        None => None,
        Some(text) => Some(text.parse::<u32>().map_err(|_| CredentialsError::InvalidValue {
            provider: "assume-role",
            location: key_location(profile, "duration_seconds"),
            value: text.to_owned(),
            expected: "a whole number of seconds such as `3600`",
        })?),
    };
    Ok(RoleConfig {
        role_arn,
        source,
        external_id: get("external_id"),
        role_session_name: get("role_session_name"),
        duration_seconds,
        mfa_serial: get("mfa_serial"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(config: &str, credentials: &str) -> ProfileSet {
        ProfileSet::from_texts("~/.aws/config", config, "~/.aws/credentials", credentials).unwrap()
    }

    #[test]
    fn each_file_provider_sees_only_its_own_file() {
        let profiles = set(
            "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = s3cr3t-c\n",
            "[default]\naws_access_key_id = AKIDCREDS\n",
        );
        // The credentials file has half a pair: botocore's shared-credentials provider fails here
        // even though the config file holds a secret, and so do we.
        let error = file_credentials(&profiles, "default", KeyFile::Credentials).unwrap_err();
        assert_eq!(
            error.to_string(),
            "partial credentials found in shared-credentials-file (profile `default` in ~/.aws/credentials), \
             missing: aws_secret_access_key"
        );
        // The config file's access key was replaced by the credentials file's in the merged view,
        // so the config provider sees only its secret.
        assert!(file_credentials(&profiles, "default", KeyFile::Config).is_err());
    }

    #[test]
    fn tokens_and_missing_profiles() {
        let profiles = set(
            "",
            "[a]\naws_access_key_id = AKIDA\naws_secret_access_key = s3cr3t\naws_security_token = s3cr3t-old\n",
        );
        let found = file_credentials(&profiles, "a", KeyFile::Credentials).unwrap().unwrap();
        assert_eq!(found.credentials.session_token(), Some("s3cr3t-old"));
        assert_eq!(found.credentials.provider(), "shared-credentials-file");
        assert!(file_credentials(&profiles, "a", KeyFile::Config).unwrap().is_none());
        assert!(file_credentials(&profiles, "nope", KeyFile::Credentials).unwrap().is_none());
    }

    #[test]
    fn role_config_checks_sources_and_duration() {
        let profiles = set(
            "[profile both]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\ncredential_source = Environment\n\
             [profile lower]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = environment\n\
             [profile dur]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = a\nduration_seconds = 1h\n",
            "",
        );
        let message = |name: &str| role_config(profiles.profile(name).unwrap()).err().unwrap().to_string();
        assert!(message("both").contains("contains both source_profile and credential_source"));
        assert!(message("both").contains("~/.aws/config line 4"), "{}", message("both"));
        // Canonical names are matched exactly, as botocore's `is_supported` does.
        assert!(message("lower").contains("credential_source `environment`"));
        assert!(message("dur").contains("`1h`"));
    }
}
