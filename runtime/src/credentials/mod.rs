//! AWS credentials and where they come from.
//!
//! # Two layers
//!
//! Finding credentials is split in two, so the hard part (deciding *which* source applies, exactly
//! as botocore's chain does) is pure, synchronous and fully tested without a network:
//!
//! 1. **Resolution** ([`resolve_chain`]) walks botocore's provider order over the shared config
//!    and the environment and returns a [`Source`]: keys known now ([`Source::Static`]), a
//!    `credential_process` to run, or a description of a network source (STS `AssumeRole` with
//!    its own source nested inside, web identity, SSO, the container endpoint, IMDS). It reads no
//!    file beyond the config layer's [`ProfileSet`](crate::config::ProfileSet) and starts no
//!    process, so its errors are configuration errors only.
//! 2. **Loading** ([`Execution`]) turns a `Source` into [`Credentials`]. It is a small state
//!    machine in the "sans-I/O" style: it does the local work itself (running the process,
//!    reading the web identity token file, the SSO token cache and the container token file, asking
//!    for an MFA code) and hands every network call back to its caller as a [`NetworkRequest`],
//!    resuming with the credentials the caller obtained. A blocking caller drives it with
//!    [`load_blocking`] and a [`NetworkFetcher`]; an async HTTP layer drives the very same
//!    machine with `.await` between steps, so no decision logic is duplicated and this module
//!    needs no async runtime.
//!
//! [`CredentialsCache`] sits in front of any [`ProvideCredentials`] and refreshes ahead of
//! expiry with botocore's advisory (15 minutes) and mandatory (10 minutes) windows.
//!
//! # botocore's order
//!
//! explicit credentials → environment (skipped when the profile was named in code) → assume-role
//! profile → web identity → SSO → shared credentials file → `credential_process` → config-file
//! keys → container endpoint → IMDS. Where this module deliberately differs from botocore, the item
//! that does so says why. Not implemented: botocore's `login_session` profiles and the legacy
//! `AWS_CREDENTIAL_FILE` / boto2 config providers, which no current AWS tool writes.
//!
//! # Secrets
//!
//! `Debug` and `Display` of every type here, errors included, never show a secret access key,
//! session token, web identity token, SSO token or container authorization token: those are held
//! in [`Credentials`] or [`Secret`], whose `Debug` redacts them, and errors name the provider, the
//! profile and the file instead of values. A `credential_process` command shows only its program,
//! since its arguments sometimes carry a password.

use core::fmt;
use std::time::SystemTime;

mod cache;
mod chain;
mod env;
mod error;
mod load;
mod metadata;
mod network;
mod process;
mod profile;
mod request;
mod source;
mod sso;
mod web_identity;

pub use cache::{Clock, CredentialsCache, ManualClock, SystemClock, ADVISORY_REFRESH, MANDATORY_REFRESH};
pub use chain::{resolve_chain, resolve_chain_with, ChainInputs};
pub use error::{CredentialsError, ProcessFailure};
pub use load::{
    load_blocking, Execution, LoadContext, MfaTokenProvider, NetworkFetcher, ProvideCredentials, SourceProvider, Step,
};
pub use network::{HttpCredentialsFetcher, NetworkSettings};
pub use process::run_credential_process;
pub use request::{
    AssumeRoleRequest, CachedTokenJson, ContainerRequest, ImdsRequest, NetworkRequest, SsoRequest, SsoTokenRefresh,
    WebIdentityRequest,
};
pub use source::{
    AssumeRoleSource, ContainerAuth, ContainerSource, CredentialSourceName, ImdsSource, ProcessSource, RoleSourceKind,
    Source, SsoSource, StaticOrigin, StaticSource, WebIdentitySource,
};

/// A set of AWS credentials. The secret parts never appear in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<SystemTime>,
    /// Which provider produced them (`"environment"`, `"profile:dev"`, ...), for messages.
    provider: &'static str,
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret (boto3's `aws_access_key_id` and
    /// `aws_secret_access_key`). Add a session token, an expiry or a provider name with the
    /// `with_*` methods: `Credentials::new(id, secret).with_session_token(token)`.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self::from_parts(access_key_id, secret_access_key, None, None, "explicit")
    }

    /// The session token of temporary credentials (boto3's `aws_session_token`).
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(session_token.into());
        self
    }

    /// When the credentials stop working; a cache refreshes them ahead of this time.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// The name that messages give as the credentials' origin (`"explicit"` unless set).
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.provider = provider;
        self
    }

    /// Every part at once, for the providers of this module, which hold optional parts.
    pub(crate) fn from_parts(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expiration: Option<SystemTime>,
        provider: &'static str,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiration,
            provider,
        }
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
    pub fn provider(&self) -> &'static str {
        self.provider
    }
}

impl fmt::Debug for Credentials {
    /// The access key id is not a secret (it appears in every signed request); the secret key
    /// and session token are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .field("expiration", &self.expiration)
            .field("provider", &self.provider)
            .finish()
    }
}

/// A secret that is not a key pair: a web identity token, an SSO access token, a container
/// authorization token, an MFA code. `Debug` never shows it; [`Secret::expose`] is the one way out.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

/// Parses an expiry time as botocore's `dateutil.parser.parse` meets it in practice: RFC 3339
/// (`2024-05-01T12:00:00Z`, with an offset or fractional seconds), and the `...UTC` suffix older
/// AWS CLI versions wrote into the SSO token cache.
pub(crate) fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let normalized;
    let text = match text.strip_suffix("UTC") {
        Some(stem) => {
            normalized = format!("{}Z", stem.trim_end());
            normalized.as_str()
        }
        None => text,
    };
    let parsed = crate::DateTime::parse(text, crate::types::TimestampFormat::DateTime).ok()?;
    SystemTime::try_from(parsed).ok()
}

/// Formats an instant as RFC 3339 for messages and plan summaries.
pub(crate) fn format_timestamp(time: SystemTime) -> String {
    crate::DateTime::from(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG").with_session_token("FwoGZXIvYXdzEJr");
        let debug = format!("{c:?}");
        assert!(debug.contains("AKIDEXAMPLE"));
        assert!(!debug.contains("wJalrXUtnFEMI"));
        assert!(!debug.contains("FwoGZXIvYXdzEJr"));
    }

    #[test]
    fn new_takes_the_key_pair_and_the_rest_is_optional() {
        let c = Credentials::new("AKID", "secret");
        assert_eq!((c.session_token(), c.expiration(), c.provider()), (None, None, "explicit"));
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_714_564_800);
        let c = c.with_session_token("token").with_expiration(at).with_provider("vault");
        assert_eq!((c.session_token(), c.expiration(), c.provider()), (Some("token"), Some(at), "vault"));
        assert_eq!((c.access_key_id(), c.secret_access_key()), ("AKID", "secret"));
    }

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new("eyJhbGciOiJSUzI1NiJ9");
        assert_eq!(format!("{secret:?}"), "\"** redacted **\"");
        assert_eq!(secret.expose(), "eyJhbGciOiJSUzI1NiJ9");
    }

    #[test]
    fn timestamps_parse_like_dateutil_for_aws_formats() {
        let expected = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_714_564_800);
        assert_eq!(parse_timestamp("2024-05-01T12:00:00Z"), Some(expected));
        assert_eq!(parse_timestamp("2024-05-01T12:00:00UTC"), Some(expected));
        assert_eq!(parse_timestamp("2024-05-01T14:00:00+02:00"), Some(expected));
        assert_eq!(parse_timestamp(" 2024-05-01T12:00:00.000Z "), Some(expected));
        assert_eq!(parse_timestamp("tomorrow"), None);
        assert_eq!(format_timestamp(expected), "2024-05-01T12:00:00Z");
    }
}
