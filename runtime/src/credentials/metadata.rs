//! The two metadata endpoints at the end of the chain: the container credentials endpoint (ECS,
//! EKS Pod Identity) and the EC2 instance metadata service. Only their settings are decided here;
//! the calls are the HTTP layer's ([`ContainerRequest`](super::ContainerRequest),
//! [`ImdsRequest`](super::ImdsRequest)).

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::env::{env_or_profile, Found};
use super::source::{ContainerAuth, ContainerSource, ImdsSource};
use super::{CredentialsError, Secret};
use crate::config::{Env, Fs, Profile};

const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const AUTH_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const AUTH_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
/// The ECS agent's address, which relative URIs are resolved against.
const ECS_HOST: &str = "169.254.170.2";
/// Hosts a plain-`http` full URI may name besides loopback addresses (ECS, EKS Pod Identity over
/// IPv4 and IPv6, and `localhost`), as botocore's `ContainerMetadataFetcher` allows.
const ALLOWED_HOSTS: [&str; 4] = [ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"];

/// The container endpoint, when `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` is set.
///
/// The relative URI wins when both are set. A full URI is checked here rather than at the first
/// call (where botocore checks it), because it is configuration: an `http` URL must name a
/// loopback address or a known metadata host, so credentials are never fetched in clear text from
/// an arbitrary host.
pub(crate) fn resolve_container(env: &Env) -> Result<Option<ContainerSource>, CredentialsError> {
    let url = if let Some(relative) = env.get_non_empty(RELATIVE_URI) {
        format!("http://{ECS_HOST}{relative}")
    } else if let Some(full) = env.get_non_empty(FULL_URI) {
        check_full_uri(&full)?;
        full
    } else {
        return Ok(None);
    };
    let auth = if let Some(path) = env.get_non_empty(AUTH_TOKEN_FILE) {
        Some(ContainerAuth::TokenFile(PathBuf::from(path)))
    } else if let Some(token) = env.get_non_empty(AUTH_TOKEN) {
        check_header_value(&token, &format!("environment variable `{AUTH_TOKEN}`"))?;
        Some(ContainerAuth::Token(Secret::new(token)))
    } else {
        None
    };
    Ok(Some(ContainerSource { url, auth }))
}

fn check_full_uri(uri: &str) -> Result<(), CredentialsError> {
    let fail = |reason: String| CredentialsError::ContainerUri { value: uri.to_owned(), reason };
    let Some((scheme, rest)) = uri.split_once("://") else {
        return Err(fail("expected an http or https URL".into()));
    };
    let host = url_host(rest).ok_or_else(|| fail("the URL has no host".into()))?;
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback(&host) || ALLOWED_HOSTS.contains(&host.as_str()) => Ok(()),
        "http" => Err(fail(format!(
            "unsupported host `{host}`; plain http may only reach a loopback address or one of {}",
            ALLOWED_HOSTS.join(", ")
        ))),
        _ => Err(fail("expected an http or https URL".into())),
    }
}

/// The host of `authority/path...`, lowercased, without user info, port or IPv6 brackets.
fn url_host(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split_once(']')?.0
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_loopback(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// botocore refuses tokens with CR or LF, which would split the `Authorization` header.
fn check_header_value(token: &str, setting: &str) -> Result<(), CredentialsError> {
    if token.contains(['\r', '\n']) {
        return Err(CredentialsError::ContainerAuthToken {
            setting: setting.to_owned(),
            reason: "contains a line break, which is not a legal header value",
        });
    }
    Ok(())
}

/// Reads `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` at load time.
///
/// Trailing whitespace is dropped, where botocore sends the file as is and so rejects a file
/// ending in a newline: a hand-written or `echo`-ed token file almost always has one.
pub(crate) fn read_container_token(fs: &Fs, path: &Path) -> Result<Secret, CredentialsError> {
    let text = fs.read_to_string(path).map_err(|error| CredentialsError::TokenFile {
        provider: "container-role",
        path: path.display().to_string(),
        kind: error.kind(),
        reason: error.to_string(),
    })?;
    let token = text.trim_end();
    check_header_value(token, &format!("the file {}", path.display()))?;
    Ok(Secret::new(token))
}

/// Whether `AWS_EC2_METADATA_DISABLED` turns IMDS off (botocore: the value, lowercased, is `true`).
pub(crate) fn imds_disabled(env: &Env) -> bool {
    env.get("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The IMDS settings, from the environment and the session's profile (botocore reads them from
/// the session, so a role profile's own settings do not count). `None` when IMDS is disabled.
pub(crate) fn resolve_imds(
    env: &Env,
    profile: Option<&Profile>,
    tried: Vec<String>,
) -> Result<Option<ImdsSource>, CredentialsError> {
    if imds_disabled(env) {
        return Ok(None);
    }
    let find = |var, key| env_or_profile(env, var, profile, key);
    let invalid = |found: Found, expected| CredentialsError::InvalidValue {
        provider: "iam-role",
        location: found.location,
        value: found.value,
        expected,
    };
    let boolean = |var, key| -> Result<bool, CredentialsError> {
        match find(var, key) {
            None => Ok(false),
            Some(found) if found.value.eq_ignore_ascii_case("true") => Ok(true),
            Some(found) if found.value.eq_ignore_ascii_case("false") => Ok(false),
            Some(found) => Err(invalid(found, "`true` or `false`")),
        }
    };
    let ipv6 = match find("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode") {
        Some(found) if found.value.eq_ignore_ascii_case("ipv6") => true,
        Some(found) if found.value.eq_ignore_ascii_case("ipv4") => false,
        Some(found) => return Err(invalid(found, "`ipv4` or `ipv6`")),
        None => boolean("AWS_IMDS_USE_IPV6", "imds_use_ipv6")?,
    };
    let endpoint = match find("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint") {
        Some(found) => {
            let valid = found
                .value
                .split_once("://")
                .is_some_and(|(scheme, rest)| matches!(scheme, "http" | "https") && url_host(rest).is_some());
            if !valid {
                return Err(invalid(found, "an http or https URL such as `http://169.254.169.254/`"));
            }
            found.value
        }
        None if ipv6 => "http://[fd00:ec2::254]/".to_owned(),
        None => "http://169.254.169.254/".to_owned(),
    };
    let timeout = match find("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout") {
        None => Duration::from_secs(1),
        Some(found) => match found.value.parse::<f64>() {
            Ok(secs) if secs > 0.0 && secs <= 3600.0 => Duration::from_secs_f64(secs),
            _ => return Err(invalid(found, "a positive number of seconds such as `1`")),
        },
    };
    let attempts = match find("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts") {
        None => 1,
        Some(found) => match found.value.parse::<u32>() {
            Ok(n) if n >= 1 => n,
            _ => return Err(invalid(found, "a whole number of attempts of at least 1")),
        },
    };
    let v1_disabled = boolean("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")?;
    Ok(Some(ImdsSource { endpoint, timeout, attempts, v1_disabled, tried }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_uri_hosts_are_checked() {
        for ok in [
            "https://example.com/creds",
            "http://127.0.0.1:8080/creds",
            "http://[::1]/x",
            "http://localhost/x",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://user@LOCALHOST:9/x",
        ] {
            assert!(check_full_uri(ok).is_ok(), "{ok}");
        }
        for bad in ["http://example.com/creds", "ftp://localhost/x", "localhost/x", "http:///x"] {
            assert!(check_full_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relative_uri_wins_and_token_file_beats_token() {
        let env = Env::from_pairs([
            (RELATIVE_URI, "/v2/credentials/abc"),
            (FULL_URI, "http://example.com/"),
            (AUTH_TOKEN, "s3cr3t-inline"),
            (AUTH_TOKEN_FILE, "/var/run/token"),
        ]);
        let found = resolve_container(&env).unwrap().unwrap();
        assert_eq!(found.url, "http://169.254.170.2/v2/credentials/abc");
        assert_eq!(found.auth, Some(ContainerAuth::TokenFile("/var/run/token".into())));
        assert!(!format!("{found:?}").contains("s3cr3t"));
    }

    #[test]
    fn token_file_is_trimmed_and_checked() {
        let fs = Fs::from_files([("/a", "s3cr3t-a\n"), ("/b", "s3cr3t\nb")]);
        assert_eq!(read_container_token(&fs, Path::new("/a")).unwrap().expose(), "s3cr3t-a");
        let message = read_container_token(&fs, Path::new("/b")).unwrap_err().to_string();
        assert!(message.contains("not a legal header value") && !message.contains("s3cr3t"), "{message}");
    }

    #[test]
    fn imds_settings_and_errors() {
        let env = Env::from_pairs([("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]);
        let found = resolve_imds(&env, None, vec![]).unwrap().unwrap();
        assert_eq!(found.endpoint, "http://[fd00:ec2::254]/");
        assert_eq!((found.timeout, found.attempts, found.v1_disabled), (Duration::from_secs(1), 1, false));
        let env = Env::from_pairs([("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5")]);
        assert!(resolve_imds(&env, None, vec![]).unwrap_err().to_string().contains("`ipv5`"));
        let env = Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "TRUE")]);
        assert!(resolve_imds(&env, None, vec![]).unwrap().is_none());
    }
}
