//! IAM Identity Center (SSO): which profiles use it, and the token `aws sso login` cached.
//!
//! Resolution mirrors botocore's `SSOProvider._load_sso_config`; loading reads the cached token
//! like its `SSOTokenLoader` / `SSOTokenProvider` and leaves the portal call (and the token
//! refresh, for `sso_session` profiles) to the HTTP layer.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::env::profile_get;
use super::request::{CachedTokenJson, SsoRequest, SsoTokenRefresh};
use super::source::SsoSource;
use super::{format_timestamp, parse_timestamp, CredentialsError, Secret};
use crate::config::{Env, Fs, ProfileSet};
use crate::protocol::checksum::sha1_hex;
use crate::Document;

/// botocore refreshes an `sso_session` token this long before it expires.
const TOKEN_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The SSO settings of profile `name`, or `None` when it sets neither `sso_role_name` nor
/// `sso_account_id` (botocore's trigger).
pub(crate) fn resolve(env: &Env, profiles: &ProfileSet, name: &str) -> Result<Option<SsoSource>, CredentialsError> {
    let Some(profile) = profiles.profile(name) else { return Ok(None) };
    let get = |key: &str| profile_get(Some(profile), key);
    if get("sso_role_name").is_none() && get("sso_account_id").is_none() {
        return Ok(None);
    }
    let config_path = profiles.config_path().to_owned();
    let session_name = get("sso_session");
    let session = match session_name {
        None => None,
        Some(session) => match profiles.sso_session(session) {
            Some(section) => Some(section),
            None => {
                return Err(CredentialsError::SsoSessionNotFound {
                    profile: name.to_owned(),
                    session: session.to_owned(),
                    config_path,
                })
            }
        },
    };
    // Every key the session sets must agree with the profile's value, if the profile has one.
    if let (Some(section), Some(session_name)) = (session, session_name) {
        for (key, property) in section.properties() {
            let (Some(session_value), Some(profile_value)) = (property.as_str(), get(key)) else { continue };
            if session_value != profile_value {
                return Err(CredentialsError::SsoConfigConflict {
                    profile: name.to_owned(),
                    session: session_name.to_owned(),
                    key: key.clone(),
                    profile_value: profile_value.to_owned(),
                    session_value: session_value.to_owned(),
                });
            }
        }
    }
    let lookup = |key: &str| get(key).or_else(|| profile_get(session, key));
    let mut missing = Vec::new();
    let mut required = |key: &'static str, in_session_only: bool| {
        let value = if in_session_only { profile_get(session, key) } else { lookup(key) };
        if value.is_none() {
            missing.push(key);
        }
        value.unwrap_or_default().to_owned()
    };
    let role_name = required("sso_role_name", false);
    let account_id = required("sso_account_id", false);
    // The token of an `sso_session` profile belongs to the session, so botocore's token provider
    // reads these two from the `[sso-session]` section only.
    let start_url = required("sso_start_url", session.is_some());
    let sso_region = required("sso_region", session.is_some());
    if !missing.is_empty() {
        return Err(CredentialsError::SsoConfigMissing { profile: name.to_owned(), missing, config_path });
    }
    let cache_key = sha1_hex(session_name.unwrap_or(&start_url).as_bytes());
    Ok(Some(SsoSource {
        profile: name.to_owned(),
        session_name: session_name.map(str::to_owned),
        token_cache_file: env.expand_path(&format!("~/.aws/sso/cache/{cache_key}.json")),
        start_url,
        sso_region,
        account_id,
        role_name,
    }))
}

/// Reads the cached token and builds the portal request, or explains why `aws sso login` is due.
pub(crate) fn load_request(source: &SsoSource, fs: &Fs, now: SystemTime) -> Result<SsoRequest, CredentialsError> {
    let path = &source.token_cache_file;
    let shown = path.display().to_string();
    let name = match &source.session_name {
        Some(session) => format!("sso-session `{session}`"),
        None => format!("start URL {}", source.start_url),
    };
    let invalid = |reason: String| CredentialsError::SsoTokenInvalid {
        profile: source.profile.clone(),
        path: shown.clone(),
        reason,
    };
    let text = match fs.read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CredentialsError::SsoTokenMissing { profile: source.profile.clone(), name, path: shown })
        }
        Err(e) => return Err(invalid(format!("could not be read ({e})"))),
    };
    // The parse error names a byte offset only, never the text, so it cannot leak the token.
    let doc = Document::from_json(&text).map_err(|e| invalid(format!("is not valid JSON ({e})")))?;
    let string = |key: &str| doc.get(key).and_then(Document::as_str);
    let (Some(access_token), Some(expires_text)) = (string("accessToken"), string("expiresAt")) else {
        return Err(invalid("has no accessToken or no expiresAt".into()));
    };
    let expires_at = parse_timestamp(expires_text)
        .ok_or_else(|| invalid(format!("has an expiresAt that is not an ISO 8601 time (`{expires_text}`)")))?;
    let remaining = expires_at.duration_since(now).ok();
    let expired = remaining.is_none_or(|left| left.is_zero());
    let refresh = match (&source.session_name, remaining) {
        // Legacy tokens cannot be refreshed; botocore checks only that they have not expired.
        (None, _) => None,
        (Some(_), Some(left)) if left >= TOKEN_REFRESH_WINDOW => None,
        (Some(_), _) => refresh_data(&doc, source, path, now),
    };
    if expired && refresh.is_none() {
        return Err(CredentialsError::SsoTokenExpired {
            profile: source.profile.clone(),
            name,
            expired_at: format_timestamp(expires_at),
            path: shown,
        });
    }
    Ok(SsoRequest {
        profile: source.profile.clone(),
        sso_region: source.sso_region.clone(),
        account_id: source.account_id.clone(),
        role_name: source.role_name.clone(),
        access_token: Secret::new(access_token),
        token_expires_at: Some(expires_at),
        refresh_required: expired,
        refresh,
    })
}

/// What a token refresh needs, when the cache has it and the client registration is still valid
/// (botocore's `_refresh_access_token` preconditions).
fn refresh_data(doc: &Document, source: &SsoSource, path: &Path, now: SystemTime) -> Option<SsoTokenRefresh> {
    let string = |key: &str| doc.get(key).and_then(Document::as_str);
    let registration_expires_at = parse_timestamp(string("registrationExpiresAt")?)?;
    if registration_expires_at <= now {
        return None;
    }
    Some(SsoTokenRefresh {
        cache_file: PathBuf::from(path),
        start_url: source.start_url.clone(),
        client_id: string("clientId")?.to_owned(),
        client_secret: Secret::new(string("clientSecret")?),
        refresh_token: Secret::new(string("refreshToken")?),
        registration_expires_at,
        cached: CachedTokenJson(doc.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\n\
                          sso_role_name = Dev\n[sso-session my-sso]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
                          sso_region = eu-west-1\n";

    fn source() -> SsoSource {
        let profiles = ProfileSet::from_texts("~/.aws/config", CONFIG, "~/.aws/credentials", "").unwrap();
        resolve(&Env::from_pairs([("HOME", "/home/ana")]), &profiles, "dev").unwrap().unwrap()
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn session_profiles_hash_the_session_name() {
        let s = source();
        assert_eq!(
            s.token_cache_file,
            PathBuf::from("/home/ana/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
        );
        assert_eq!((s.sso_region.as_str(), s.role_name.as_str()), ("eu-west-1", "Dev"));
    }

    #[test]
    fn token_windows_decide_refresh_and_expiry() {
        let s = source();
        // 2024-05-01T12:00:00Z is 1_714_564_800.
        let token = |extra: &str| {
            Fs::from_files([(
                s.token_cache_file.clone(),
                format!(r#"{{"accessToken":"s3cr3t-at","expiresAt":"2024-05-01T12:00:00Z"{extra}}}"#),
            )])
        };
        let refreshable = r#","refreshToken":"s3cr3t-rt","clientId":"c","clientSecret":"s3cr3t-cs","registrationExpiresAt":"2030-01-01T00:00:00Z""#;
        let fresh = load_request(&s, &token(""), at(1_714_564_800 - 3600)).unwrap();
        assert!(fresh.refresh.is_none() && !fresh.refresh_required);
        assert_eq!(fresh.access_token.expose(), "s3cr3t-at");
        // Inside the window without refresh data: use the token while it lasts.
        let near = load_request(&s, &token(""), at(1_714_564_800 - 60)).unwrap();
        assert!(near.refresh.is_none());
        let near = load_request(&s, &token(refreshable), at(1_714_564_800 - 60)).unwrap();
        assert!(near.refresh.is_some() && !near.refresh_required);
        let late = load_request(&s, &token(refreshable), at(1_714_564_800 + 60)).unwrap();
        assert!(late.refresh_required);
        let error = load_request(&s, &token(""), at(1_714_564_800 + 60)).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("aws sso login --profile dev"), "{message}");
        assert!(!format!("{message}{error:?}{late:?}").contains("s3cr3t"), "{message}");
    }
}
