//! Everything that can go wrong finding or loading credentials.
//!
//! Messages name the provider, the profile and the file (with its line when the config layer knows
//! it), never a secret value. Errors are `Clone` so a refresh shared by many callers
//! ([`CredentialsCache`](super::CredentialsCache)) can hand each of them the same failure.

use core::fmt;
use std::io;
use std::sync::Arc;

use super::request::NetworkRequest;
use crate::config::ConfigError;

/// Why credentials could not be found or loaded.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The shared configuration itself is wrong (a parse error, a missing explicit profile, ...).
    Config(Arc<ConfigError>),
    /// One key of a pair was found without the other (botocore's `PartialCredentialsError`).
    PartialCredentials { provider: &'static str, location: String, missing: &'static str },
    /// A setting has a value this module cannot use. The value is never a secret.
    InvalidValue { provider: &'static str, location: String, value: String, expected: &'static str },
    /// A profile sets both `source_profile` and `credential_source`.
    RoleSourceConflict { profile: String, location: String },
    /// A profile sets `role_arn` without `source_profile` or `credential_source`.
    RoleSourceMissing { profile: String, location: String },
    /// `credential_source` is not one of the three names botocore accepts.
    InvalidCredentialSource { profile: String, value: String, location: String },
    /// `source_profile` names a profile that does not exist.
    SourceProfileNotFound { profile: String, source_profile: String, location: String, available: Vec<String> },
    /// Following `source_profile` came back to a profile already visited.
    SourceProfileLoop { visited: Vec<String>, repeated: String },
    /// A `source_profile` has nothing any provider can use.
    SourceProfileWithoutCredentials { profile: String, referenced_by: String },
    /// `credential_source` names a provider that found nothing.
    CredentialSourceEmpty { profile: String, credential_source: &'static str, reason: String },
    /// A web identity token file is configured but no role ARN is.
    WebIdentityWithoutRoleArn { token_file_setting: String },
    /// An SSO profile lacks settings (by name, from the profile or its `[sso-session]`).
    SsoConfigMissing { profile: String, missing: Vec<&'static str>, config_path: String },
    /// `sso_session` names a section that does not exist.
    SsoSessionNotFound { profile: String, session: String, config_path: String },
    /// The profile and its `[sso-session]` disagree on a setting.
    SsoConfigConflict { profile: String, session: String, key: String, profile_value: String, session_value: String },
    /// No token is cached for this SSO session (`aws sso login` was never run, or was cleared).
    SsoTokenMissing { profile: String, name: String, path: String },
    /// The cached SSO token file cannot be used.
    SsoTokenInvalid { profile: String, path: String, reason: String },
    /// The cached SSO token expired and cannot be refreshed here.
    SsoTokenExpired { profile: String, name: String, expired_at: String, path: String },
    /// A token file (web identity, container authorization) could not be read.
    TokenFile { provider: &'static str, path: String, kind: io::ErrorKind, reason: String },
    /// `credential_process` failed.
    Process { profile: String, program: String, failure: ProcessFailure },
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is not a URL the container provider may call.
    ContainerUri { value: String, reason: String },
    /// The container authorization token cannot be sent as a header.
    ContainerAuthToken { setting: String, reason: &'static str },
    /// An assume-role profile has `mfa_serial` and no MFA code could be obtained.
    MfaCode { profile: String, serial: String, reason: String },
    /// The source needs the HTTP layer and none was given to the loader. The request says which
    /// call is next; the session layer executes it (see [`NetworkFetcher`](super::NetworkFetcher)).
    NetworkRequired { request: Box<NetworkRequest> },
    /// A network provider failed; built by the HTTP layer. `message` must not contain secrets.
    Network { provider: &'static str, message: String },
    /// A refresh returned credentials that had already expired.
    StillExpired { provider: &'static str, expired_at: String },
    /// No provider found credentials (botocore's `NoCredentialsError`), with what was tried.
    NoCredentials { tried: Vec<String> },
}

/// How a `credential_process` command failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProcessFailure {
    /// The command is empty or has an unclosed quote.
    BadCommand(&'static str),
    /// The program could not be started.
    Spawn { kind: io::ErrorKind, reason: String },
    /// The program exited unsuccessfully; `stderr_tail` is the end of what it wrote to stderr.
    Exit { status: String, stderr_tail: String },
    /// Its output is not a JSON object. Nothing of the output is quoted: it may hold keys.
    NotJson { reason: String },
    /// `Version` is missing or not `1`.
    UnsupportedVersion { found: String },
    /// A required key is missing or not a string.
    MissingKey(&'static str),
    /// A key has a value of the wrong type or format (never a secret key).
    InvalidKey { key: &'static str, reason: String },
}

impl CredentialsError {
    /// The "no credentials" error, for the HTTP layer to return when IMDS does not answer.
    pub fn no_credentials(tried: Vec<String>) -> CredentialsError {
        CredentialsError::NoCredentials { tried }
    }
}

impl From<ConfigError> for CredentialsError {
    fn from(error: ConfigError) -> Self {
        CredentialsError::Config(Arc::new(error))
    }
}

fn list(f: &mut fmt::Formatter<'_>, items: &[impl fmt::Display]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        write!(f, "{}`{item}`", if i == 0 { "" } else { ", " })?;
    }
    Ok(())
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CredentialsError as E;
        match self {
            E::Config(error) => error.fmt(f),
            E::PartialCredentials { provider, location, missing } => {
                write!(f, "partial credentials found in {provider} ({location}), missing: {missing}")
            }
            E::InvalidValue { provider, location, value, expected } => {
                write!(f, "{location} is `{value}`, but the {provider} credential provider expected {expected}")
            }
            E::RoleSourceConflict { profile, location } => write!(
                f,
                "the profile `{profile}` ({location}) contains both source_profile and credential_source; \
                 keep only one of them"
            ),
            E::RoleSourceMissing { profile, location } => write!(
                f,
                "partial credentials found in assume-role, missing: source_profile or credential_source \
                 (profile `{profile}` sets role_arn in {location})"
            ),
            E::InvalidCredentialSource { profile, value, location } => {
                write!(
                    f,
                    "the credential_source `{value}` referenced in profile `{profile}` ({location}) is not valid; "
                )?;
                f.write_str("expected one of `Environment`, `Ec2InstanceMetadata`, `EcsContainer`")
            }
            E::SourceProfileNotFound { profile, source_profile, location, available } => {
                write!(
                    f,
                    "the source_profile `{source_profile}` referenced in the profile `{profile}` ({location}) \
                     does not exist; available profiles: "
                )?;
                list(f, available)
            }
            E::SourceProfileLoop { visited, repeated } => {
                write!(
                    f,
                    "infinite loop in credential configuration detected: profile `{repeated}` is visited twice ("
                )?;
                for name in visited {
                    write!(f, "{name} -> ")?;
                }
                write!(f, "{repeated}); a source_profile chain must end at a profile with credentials")
            }
            E::SourceProfileWithoutCredentials { profile, referenced_by } => write!(
                f,
                "the source profile `{profile}` (source_profile of `{referenced_by}`) must have credentials: \
                 keys, a role, SSO, web identity or credential_process"
            ),
            E::CredentialSourceEmpty { profile, credential_source, reason } => write!(
                f,
                "error when retrieving credentials from {credential_source}: no credentials found in the \
                 credential_source referenced in profile `{profile}` ({reason})"
            ),
            E::WebIdentityWithoutRoleArn { token_file_setting } => write!(
                f,
                "web identity is configured ({token_file_setting}) but no role ARN is; set `role_arn` in the \
                 profile or the AWS_ROLE_ARN environment variable"
            ),
            E::SsoConfigMissing { profile, missing, config_path } => {
                write!(f, "the profile `{profile}` is configured to use SSO but is missing required configuration: ")?;
                list(f, missing)?;
                write!(f, " (in {config_path}, under the profile or its [sso-session])")
            }
            E::SsoSessionNotFound { profile, session, config_path } => write!(
                f,
                "the profile `{profile}` names sso_session `{session}`, but {config_path} has no \
                 `{}` section",
                crate::config::profile::section_header(crate::config::SectionKind::SsoSession, session)
            ),
            E::SsoConfigConflict { profile, session, key, profile_value, session_value } => write!(
                f,
                "the value for {key} is inconsistent between profile `{profile}` ({profile_value}) and \
                 sso-session `{session}` ({session_value})"
            ),
            E::SsoTokenMissing { profile, name, path } => write!(
                f,
                "error loading SSO token: no cached token for {name} at {path}; run `aws sso login --profile \
                 {profile}`"
            ),
            E::SsoTokenInvalid { profile, path, reason } => write!(
                f,
                "error loading SSO token: the cached token {path} {reason}; run `aws sso login --profile {profile}`"
            ),
            E::SsoTokenExpired { profile, name, expired_at, path } => write!(
                f,
                "the SSO session for {name} (profile `{profile}`) has expired (at {expired_at}, token cached in \
                 {path}); to refresh it run `aws sso login --profile {profile}`"
            ),
            E::TokenFile { provider, path, reason, .. } => {
                write!(f, "the {provider} credential provider could not read the token file {path}: {reason}")
            }
            E::Process { profile, program, failure } => {
                write!(f, "error when retrieving credentials from custom-process (credential_process `{program}` of profile `{profile}`): {failure}")
            }
            E::ContainerUri { value, reason } => {
                write!(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI is `{value}`: {reason}")
            }
            E::ContainerAuthToken { setting, reason } => {
                write!(f, "the container authorization token from {setting} {reason}")
            }
            E::MfaCode { profile, serial, reason } => {
                write!(f, "the profile `{profile}` requires an MFA code for {serial}: {reason}")
            }
            E::NetworkRequired { request } => write!(
                f,
                "credentials from {} need a network call ({}) and no HTTP layer was given to the loader",
                request.provider(),
                request.operation()
            ),
            E::Network { provider, message } => {
                write!(f, "error when retrieving credentials from {provider}: {message}")
            }
            E::StillExpired { provider, expired_at } => write!(
                f,
                "credentials from {provider} were refreshed, but the refreshed credentials are still expired \
                 (at {expired_at})"
            ),
            E::NoCredentials { tried } => {
                f.write_str("unable to locate credentials; tried: ")?;
                for (i, name) in tried.iter().enumerate() {
                    write!(f, "{}{name}", if i == 0 { "" } else { ", " })?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for ProcessFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessFailure::BadCommand(why) => write!(f, "the command {why}"),
            ProcessFailure::Spawn { reason, .. } => write!(f, "could not start the program: {reason}"),
            ProcessFailure::Exit { status, stderr_tail } if stderr_tail.is_empty() => {
                write!(f, "the program {status} and wrote nothing to stderr")
            }
            ProcessFailure::Exit { status, stderr_tail } => {
                write!(f, "the program {status}; the end of its stderr:\n{stderr_tail}")
            }
            ProcessFailure::NotJson { reason } => {
                write!(f, "its output is not a JSON object ({reason}); output not shown as it may hold keys")
            }
            ProcessFailure::UnsupportedVersion { found } => {
                write!(f, "unsupported version {found} for credential process provider, supported versions: 1")
            }
            ProcessFailure::MissingKey(key) => write!(f, "missing required key in response: {key}"),
            ProcessFailure::InvalidKey { key, reason } => write!(f, "`{key}` in the response {reason}"),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Config(error) => Some(&**error),
            _ => None,
        }
    }
}
