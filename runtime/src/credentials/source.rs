//! What resolution decides: the credential source that applies, as data.
//!
//! A [`Source`] holds everything needed to load credentials later and nothing that must be read
//! at load time (token files and the SSO cache are read when loading, because they change under a
//! running program: EKS rotates web identity tokens, `aws sso login` rewrites the cache).

use core::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::{format_timestamp, Credentials, Secret};
use crate::{Document, Map};

/// The credential source the chain chose.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Keys that are known now: given in code, in the environment, or in one of the files.
    Static(StaticSource),
    /// The profile's `credential_process` command.
    Process(ProcessSource),
    /// STS `AssumeRole`, signed with the credentials of the nested source.
    AssumeRole(Box<AssumeRoleSource>),
    /// STS `AssumeRoleWithWebIdentity` with a token read from a file (unsigned).
    WebIdentity(WebIdentitySource),
    /// IAM Identity Center `GetRoleCredentials` with the token `aws sso login` cached.
    Sso(SsoSource),
    /// The ECS / EKS Pod Identity container credentials endpoint.
    Container(ContainerSource),
    /// The EC2 instance metadata service (IMDSv2, falling back to v1 unless disabled).
    Imds(ImdsSource),
}

impl Source {
    /// botocore's name for the provider (its `METHOD`), which is also the provider name the
    /// loaded [`Credentials`] carry: `env`, `shared-credentials-file`, `assume-role`, ...
    pub fn provider(&self) -> &'static str {
        match self {
            Source::Static(s) => s.origin.provider(),
            Source::Process(_) => "custom-process",
            Source::AssumeRole(_) => "assume-role",
            Source::WebIdentity(_) => "assume-role-with-web-identity",
            Source::Sso(_) => "sso",
            Source::Container(_) => "container-role",
            Source::Imds(_) => "iam-role",
        }
    }

    /// Whether loading needs the HTTP layer (at the source itself or at any role hop above it).
    pub fn needs_network(&self) -> bool {
        !matches!(self, Source::Static(_) | Source::Process(_))
    }

    /// A JSON summary without secrets, for logs, diagnostics and the fixture tests.
    pub fn summary(&self) -> Document {
        let mut m = Map::new();
        let mut put = |k: &str, v: Document| {
            m.insert(k.to_owned(), v);
        };
        put("provider", self.provider().into());
        match self {
            Source::Static(s) => {
                put("access_key_id", s.credentials.access_key_id().into());
                put("session_token", s.credentials.session_token().is_some().into());
                put("expiration", s.credentials.expiration().map(format_timestamp).into());
                if let Some(profile) = s.origin.profile() {
                    put("profile", profile.into());
                }
            }
            Source::Process(p) => {
                put("profile", p.profile.as_str().into());
                put("command", p.shown_command().into());
            }
            Source::AssumeRole(r) => {
                put("profile", r.profile.as_str().into());
                put("role_arn", r.role_arn.as_str().into());
                match &r.source_kind {
                    RoleSourceKind::SourceProfile(name) => put("source_profile", name.as_str().into()),
                    RoleSourceKind::CredentialSource(name) => put("credential_source", name.as_str().into()),
                }
                put("external_id", r.external_id.clone().into());
                put("role_session_name", r.role_session_name.clone().into());
                put("duration_seconds", r.duration_seconds.into());
                put("mfa_serial", r.mfa_serial.clone().into());
                put("source", r.source.summary());
            }
            Source::WebIdentity(w) => {
                put("profile", w.profile.clone().into());
                put("role_arn", w.role_arn.as_str().into());
                put("token_file", w.token_file.display().to_string().into());
                put("role_session_name", w.role_session_name.clone().into());
            }
            Source::Sso(s) => {
                put("profile", s.profile.as_str().into());
                put("sso_session", s.session_name.clone().into());
                put("start_url", s.start_url.as_str().into());
                put("sso_region", s.sso_region.as_str().into());
                put("account_id", s.account_id.as_str().into());
                put("role_name", s.role_name.as_str().into());
                put("token_cache_file", s.token_cache_file.display().to_string().into());
            }
            Source::Container(c) => {
                put("url", c.url.as_str().into());
                let auth = match &c.auth {
                    None => Document::Null,
                    Some(ContainerAuth::Token(_)) => "AWS_CONTAINER_AUTHORIZATION_TOKEN".into(),
                    Some(ContainerAuth::TokenFile(path)) => path.display().to_string().into(),
                };
                put("authorization", auth);
            }
            Source::Imds(i) => {
                put("endpoint", i.endpoint.as_str().into());
                put("timeout_ms", (i.timeout.as_millis() as u64).into());
                put("attempts", i.attempts.into());
                put("v1_disabled", i.v1_disabled.into());
                put("tried", i.tried.iter().map(|t| Document::from(t.as_str())).collect::<Vec<_>>().into());
            }
        }
        Document::Object(m)
    }
}

/// Keys known at resolution time, and where they were found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticSource {
    pub credentials: Credentials,
    pub origin: StaticOrigin,
}

/// Where static keys were found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StaticOrigin {
    /// Given in code.
    Explicit,
    /// `AWS_ACCESS_KEY_ID` and friends. Loading reads them again, so credentials with
    /// `AWS_CREDENTIAL_EXPIRATION` pick up new values a parent process exports, as in botocore.
    Environment,
    /// `aws_access_key_id` and friends in the shared credentials file.
    CredentialsFile { profile: String, path: String },
    /// `aws_access_key_id` and friends in the config file.
    ConfigFile { profile: String, path: String },
}

impl StaticOrigin {
    pub fn provider(&self) -> &'static str {
        match self {
            StaticOrigin::Explicit => "explicit",
            StaticOrigin::Environment => "env",
            StaticOrigin::CredentialsFile { .. } => "shared-credentials-file",
            StaticOrigin::ConfigFile { .. } => "config-file",
        }
    }
    fn profile(&self) -> Option<&str> {
        match self {
            StaticOrigin::CredentialsFile { profile, .. } | StaticOrigin::ConfigFile { profile, .. } => Some(profile),
            StaticOrigin::Explicit | StaticOrigin::Environment => None,
        }
    }
}

/// A `credential_process` command, as configured (split when run).
#[derive(Clone, PartialEq, Eq)]
pub struct ProcessSource {
    pub profile: String,
    pub command: String,
}

impl ProcessSource {
    /// The command for messages: the program and how many arguments follow, since arguments
    /// sometimes carry a password or a token (`--password ...`).
    pub fn shown_command(&self) -> String {
        let words = super::process::split_command(&self.command).unwrap_or_default();
        match words.split_first() {
            None => "<unparsable command>".to_owned(),
            Some((program, [])) => program.clone(),
            Some((program, args)) => format!("{program} (+{} arguments, not shown)", args.len()),
        }
    }
}

impl fmt::Debug for ProcessSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessSource").field("profile", &self.profile).field("command", &self.shown_command()).finish()
    }
}

/// An `AssumeRole` hop: the role profile's settings and where its source credentials come from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleSource {
    /// The profile holding `role_arn`.
    pub profile: String,
    pub role_arn: String,
    /// How `source` was chosen, for messages and summaries.
    pub source_kind: RoleSourceKind,
    /// The credentials that sign the `AssumeRole` call (itself possibly another hop).
    pub source: Source,
    pub external_id: Option<String>,
    /// `None` means a generated name, as botocore does (see [`AssumeRoleRequest`]).
    ///
    /// [`AssumeRoleRequest`]: super::AssumeRoleRequest
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<u32>,
    /// When set, loading asks the [`MfaTokenProvider`](super::MfaTokenProvider) for a code.
    pub mfa_serial: Option<String>,
}

/// How an assume-role profile names its source credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleSourceKind {
    SourceProfile(String),
    CredentialSource(CredentialSourceName),
}

/// The values `credential_source` accepts (botocore's canonical provider names, matched exactly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSourceName {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl CredentialSourceName {
    pub const ALL: [CredentialSourceName; 3] = [
        CredentialSourceName::Environment,
        CredentialSourceName::Ec2InstanceMetadata,
        CredentialSourceName::EcsContainer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialSourceName::Environment => "Environment",
            CredentialSourceName::Ec2InstanceMetadata => "Ec2InstanceMetadata",
            CredentialSourceName::EcsContainer => "EcsContainer",
        }
    }

    /// botocore validates with `in [names]`, so the match is case-sensitive.
    pub fn parse(text: &str) -> Option<CredentialSourceName> {
        Self::ALL.into_iter().find(|name| name.as_str() == text)
    }
}

/// `AssumeRoleWithWebIdentity` settings, from the environment or the profile, key by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebIdentitySource {
    /// The profile, when any of the settings came from one.
    pub profile: Option<String>,
    pub role_arn: String,
    /// Used as written: botocore does not expand `~` here either.
    pub token_file: PathBuf,
    pub role_session_name: Option<String>,
}

/// IAM Identity Center settings, merged from the profile and its `[sso-session]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSource {
    pub profile: String,
    /// `Some` for `sso_session` profiles (refreshable tokens); `None` for legacy `sso_start_url`.
    pub session_name: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    pub account_id: String,
    pub role_name: String,
    /// `~/.aws/sso/cache/<sha1 of the session name, or of the start URL for legacy profiles>.json`.
    pub token_cache_file: PathBuf,
}

/// The container credentials endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerSource {
    /// The full URL: `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` after its host was checked.
    pub url: String,
    pub auth: Option<ContainerAuth>,
}

/// The `Authorization` header value for the container endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerAuth {
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    Token(Secret),
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read at each load because EKS rotates it.
    TokenFile(PathBuf),
}

/// Instance metadata service settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImdsSource {
    /// Base URL such as `http://169.254.169.254/`.
    pub endpoint: String,
    /// Per request (`metadata_service_timeout`, default 1 second).
    pub timeout: Duration,
    /// `metadata_service_num_attempts`, default 1.
    pub attempts: u32,
    /// `ec2_metadata_v1_disabled`: no fallback to IMDSv1 when the token request fails.
    pub v1_disabled: bool,
    /// The providers tried before, for the "no credentials" error to give when IMDS does not
    /// answer (see [`CredentialsError::NoCredentials`](super::CredentialsError::NoCredentials)).
    pub tried: Vec<String>,
}
