//! The environment provider (`AWS_ACCESS_KEY_ID` and friends) and the small lookups the other
//! providers share.

use super::{parse_timestamp, Credentials, CredentialsError};
use crate::config::{Env, Profile};

pub(crate) const ACCESS_KEY: &str = "AWS_ACCESS_KEY_ID";
pub(crate) const SECRET_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub(crate) const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// botocore's original name for the session token, still read as a fallback.
pub(crate) const SECURITY_TOKEN: &str = "AWS_SECURITY_TOKEN";
pub(crate) const EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";

/// Reads credentials from the environment, or `None` when `AWS_ACCESS_KEY_ID` is unset or empty.
///
/// As in botocore, only the access key decides whether this provider applies: a lone
/// `AWS_SECRET_ACCESS_KEY` is ignored, while an access key without a secret is an error rather
/// than a reason to look further, so half-exported credentials are never silently replaced.
///
/// `AWS_SESSION_TOKEN` is read before `AWS_SECURITY_TOKEN`, where botocore reads the older name
/// first: every other SDK reads only the new name, so a shell holding a stale old one next to a
/// fresh new one means the new one.
pub(crate) fn env_credentials(env: &Env) -> Result<Option<Credentials>, CredentialsError> {
    let Some(access_key) = env.get_non_empty(ACCESS_KEY) else { return Ok(None) };
    let Some(secret_key) = env.get_non_empty(SECRET_KEY) else {
        return Err(CredentialsError::PartialCredentials {
            provider: "env",
            location: "environment variables".into(),
            missing: SECRET_KEY,
        });
    };
    let token = env.get_non_empty(SESSION_TOKEN).or_else(|| env.get_non_empty(SECURITY_TOKEN));
    let expiration = match env.get_non_empty(EXPIRATION) {
        None => None,
        Some(text) => Some(parse_timestamp(&text).ok_or_else(|| CredentialsError::InvalidValue {
            provider: "env",
            location: format!("environment variable `{EXPIRATION}`"),
            value: text.clone(),
            expected: "an ISO 8601 time such as `2024-05-01T12:00:00Z`",
        })?),
    };
    Ok(Some(Credentials::from_parts(access_key, secret_key, token, expiration, "env")))
}

/// A profile value, treating an empty one as unset (as the config layer does for settings).
pub(crate) fn profile_get<'a>(profile: Option<&'a Profile>, key: &str) -> Option<&'a str> {
    profile?.get(key).filter(|value| !value.is_empty())
}

/// Where a profile key was written, for messages: `[profile dev] (~/.aws/config line 3)`.
pub(crate) fn key_location(profile: &Profile, key: &str) -> String {
    match profile.property(key) {
        Some(property) => format!("`{key}` in {}", property.origin()),
        None => format!("profile `{}`", profile.name()),
    }
}

/// A setting found by [`env_or_profile`], with where it was found.
pub(crate) struct Found {
    pub value: String,
    pub location: String,
    pub from_env: bool,
}

/// A setting read from an environment variable (trimmed, empty = unset), else from the profile.
pub(crate) fn env_or_profile(
    env: &Env,
    var: &'static str,
    profile: Option<&Profile>,
    key: &'static str,
) -> Option<Found> {
    if let Some(value) = env.get(var) {
        let value = value.trim();
        if !value.is_empty() {
            return Some(Found {
                value: value.to_owned(),
                location: format!("environment variable `{var}`"),
                from_env: true,
            });
        }
    }
    let value = profile_get(profile, key)?;
    Some(Found { value: value.to_owned(), location: key_location(profile?, key), from_env: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_token_and_expiration() {
        let env = Env::from_pairs([
            (ACCESS_KEY, "AKIDENV"),
            (SECRET_KEY, "s3cr3t-env"),
            (SECURITY_TOKEN, "s3cr3t-old"),
            (SESSION_TOKEN, "s3cr3t-new"),
            (EXPIRATION, "2030-01-01T00:00:00Z"),
        ]);
        let creds = env_credentials(&env).unwrap().unwrap();
        assert_eq!(creds.access_key_id(), "AKIDENV");
        assert_eq!(creds.session_token(), Some("s3cr3t-new"));
        assert_eq!(creds.provider(), "env");
        assert!(creds.expiration().is_some());
    }

    #[test]
    fn absent_access_key_is_not_an_error_but_absent_secret_is() {
        assert!(env_credentials(&Env::from_pairs([(SECRET_KEY, "s3cr3t")])).unwrap().is_none());
        assert!(env_credentials(&Env::from_pairs([(ACCESS_KEY, "")])).unwrap().is_none());
        let error = env_credentials(&Env::from_pairs([(ACCESS_KEY, "AKID")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "partial credentials found in env (environment variables), missing: AWS_SECRET_ACCESS_KEY"
        );
    }

    #[test]
    fn bad_expiration_names_the_variable() {
        let env = Env::from_pairs([(ACCESS_KEY, "AKID"), (SECRET_KEY, "s3cr3t"), (EXPIRATION, "soon")]);
        let message = env_credentials(&env).unwrap_err().to_string();
        assert!(message.contains("AWS_CREDENTIAL_EXPIRATION") && message.contains("`soon`"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
    }
}
