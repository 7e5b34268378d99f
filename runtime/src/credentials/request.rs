//! The network calls loading hands to the HTTP layer, one per [`Step::Request`](super::Step).
//!
//! Each request carries everything the call needs, already read from files and checked, so the
//! HTTP layer makes the call and parses the response without consulting the config again. What
//! each needs from that layer is documented on the type; the response must become
//! [`Credentials`] whose provider is [`NetworkRequest::provider`] and whose expiration is set.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{format_timestamp, Credentials, Secret};
use crate::{Document, Map};

/// A network call the HTTP layer must make to continue loading.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetworkRequest {
    AssumeRole(AssumeRoleRequest),
    WebIdentity(WebIdentityRequest),
    Sso(SsoRequest),
    Container(ContainerRequest),
    Imds(ImdsRequest),
}

impl NetworkRequest {
    /// botocore's provider name for the credentials this call produces.
    pub fn provider(&self) -> &'static str {
        match self {
            NetworkRequest::AssumeRole(_) => "assume-role",
            NetworkRequest::WebIdentity(_) => "assume-role-with-web-identity",
            NetworkRequest::Sso(_) => "sso",
            NetworkRequest::Container(_) => "container-role",
            NetworkRequest::Imds(_) => "iam-role",
        }
    }

    /// The API operation or endpoint called, for messages.
    pub fn operation(&self) -> &'static str {
        match self {
            NetworkRequest::AssumeRole(_) => "sts:AssumeRole",
            NetworkRequest::WebIdentity(_) => "sts:AssumeRoleWithWebIdentity",
            NetworkRequest::Sso(_) => "sso:GetRoleCredentials",
            NetworkRequest::Container(_) => "GET container credentials endpoint",
            NetworkRequest::Imds(_) => "IMDS /latest/meta-data/iam/security-credentials/",
        }
    }

    /// A JSON summary without secrets (secrets appear as `true`, meaning "present").
    pub fn summary(&self) -> Document {
        let mut m: Map<String, Document> = Map::new();
        let mut put = |k: &str, v: Document| {
            m.insert(k.to_owned(), v);
        };
        put("operation", self.operation().into());
        match self {
            NetworkRequest::AssumeRole(r) => {
                put("profile", r.profile.as_str().into());
                put("role_arn", r.role_arn.as_str().into());
                put("role_session_name", r.role_session_name.as_str().into());
                put("external_id", r.external_id.clone().into());
                put("serial_number", r.serial_number.clone().into());
                put("token_code", r.token_code.is_some().into());
                put("duration_seconds", r.duration_seconds.into());
                put("source_provider", r.source_credentials.provider().into());
                put("source_access_key_id", r.source_credentials.access_key_id().into());
            }
            NetworkRequest::WebIdentity(r) => {
                put("role_arn", r.role_arn.as_str().into());
                put("role_session_name", r.role_session_name.as_str().into());
                put("web_identity_token", true.into());
            }
            NetworkRequest::Sso(r) => {
                put("sso_region", r.sso_region.as_str().into());
                put("account_id", r.account_id.as_str().into());
                put("role_name", r.role_name.as_str().into());
                put("token_expires_at", r.token_expires_at.map(format_timestamp).into());
                put("refresh", r.refresh.is_some().into());
                put("refresh_required", r.refresh_required.into());
            }
            NetworkRequest::Container(r) => {
                put("url", r.url.as_str().into());
                put("authorization", r.authorization.is_some().into());
            }
            NetworkRequest::Imds(r) => {
                put("endpoint", r.endpoint.as_str().into());
                put("v1_disabled", r.v1_disabled.into());
            }
        }
        Document::Object(m)
    }
}

/// STS `AssumeRole`, signed with `source_credentials` (SigV4, service `sts`).
///
/// The HTTP layer needs an STS endpoint for the session's region (honouring
/// `sts_regional_endpoints`, FIPS and dual-stack like any STS client) and must return the
/// response's `Credentials` (`AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`).
/// botocore also caches role credentials in memory keyed by a hash of these parameters; the
/// [`CredentialsCache`](super::CredentialsCache) in front of the whole source does that job here.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssumeRoleRequest {
    /// The role profile, for messages.
    pub profile: String,
    pub source_credentials: Credentials,
    pub role_arn: String,
    /// The configured name, or `tucuxi-session-<unix seconds>` like botocore's
    /// `botocore-session-<unix seconds>`, so CloudTrail shows which SDK assumed the role.
    pub role_session_name: String,
    pub external_id: Option<String>,
    /// `mfa_serial`, sent as `SerialNumber` together with `token_code`.
    pub serial_number: Option<String>,
    pub token_code: Option<Secret>,
    pub duration_seconds: Option<u32>,
}

/// STS `AssumeRoleWithWebIdentity`, **unsigned** (the token is the credential).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebIdentityRequest {
    pub role_arn: String,
    pub role_session_name: String,
    /// The token file's contents, read at this load (EKS rotates the file).
    pub web_identity_token: Secret,
}

/// IAM Identity Center: optionally refresh the access token, then `GetRoleCredentials`.
///
/// The HTTP layer calls the SSO portal (`portal.sso.<sso_region>.amazonaws.com`, unsigned,
/// `x-amz-sso_bearer_token` header) and converts `roleCredentials.expiration` (epoch
/// milliseconds). When `refresh` is `Some`, it first calls SSO OIDC `CreateToken` with the
/// refresh token, writes the new token back to `refresh.cache_file` the way the AWS CLI does, and
/// uses the new access token; if that fails and `refresh_required` is false, it carries on with
/// the current token, as botocore does in its advisory window. A 401 from the portal should become
/// [`CredentialsError::SsoTokenExpired`](super::CredentialsError::SsoTokenExpired).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoRequest {
    pub profile: String,
    pub sso_region: String,
    pub account_id: String,
    pub role_name: String,
    pub access_token: Secret,
    pub token_expires_at: Option<SystemTime>,
    /// Present when the token is within 15 minutes of expiry and the cache holds a refresh token
    /// with a client registration that is still valid (`sso_session` profiles only).
    pub refresh: Option<SsoTokenRefresh>,
    /// The token has expired, so the refresh must succeed.
    pub refresh_required: bool,
}

/// What SSO OIDC `CreateToken` (grant type `refresh_token`) needs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SsoTokenRefresh {
    pub cache_file: PathBuf,
    pub start_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub refresh_token: Secret,
    pub registration_expires_at: SystemTime,
    /// The whole cached JSON object, so keys this module does not know survive the rewrite.
    /// Its `Debug` is not shown: it holds the tokens.
    pub cached: CachedTokenJson,
}

/// The SSO cache file's JSON, kept opaque so `Debug` cannot print the tokens inside.
#[derive(Clone, PartialEq)]
pub struct CachedTokenJson(pub Document);

impl Eq for CachedTokenJson {}

impl std::fmt::Debug for CachedTokenJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CachedTokenJson(** redacted **)")
    }
}

/// `GET` on the container endpoint with an optional `Authorization` header.
///
/// The HTTP layer uses a 2-second timeout and 3 attempts one second apart (botocore's
/// `ContainerMetadataFetcher`), and reads `AccessKeyId`, `SecretAccessKey`, `Token` and
/// `Expiration` from the JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContainerRequest {
    pub url: String,
    pub authorization: Option<Secret>,
}

/// IMDSv2: `PUT /latest/api/token` (TTL 21600), then `GET
/// /latest/meta-data/iam/security-credentials/` for the role name and `GET .../<role>` for the
/// credentials, each with the token; without a token (403/404/405 or a timeout) fall back to v1
/// unless `v1_disabled`. When IMDS does not answer, the right error is
/// [`CredentialsError::no_credentials`](super::CredentialsError::no_credentials) with `tried`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImdsRequest {
    pub endpoint: String,
    pub timeout: Duration,
    pub attempts: u32,
    pub v1_disabled: bool,
    pub tried: Vec<String>,
}
