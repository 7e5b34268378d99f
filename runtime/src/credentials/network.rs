//! The network side of credential loading: [`HttpCredentialsFetcher`] performs each
//! [`NetworkRequest`] over the session's [`HttpClient`].
//!
//! The fetcher has an async core ([`HttpCredentialsFetcher::fetch_async`], and
//! [`HttpCredentialsFetcher::load_async`] which drives a whole [`Execution`]) and implements the
//! blocking [`NetworkFetcher`] trait on top of it through the HTTP module's shared blocking
//! runtime, so the [`CredentialsCache`](super::CredentialsCache) can use it from any thread.
//!
//! What each call does follows botocore:
//!
//! - IMDS: IMDSv2 token (`PUT /latest/api/token`), then the role name and the role's credentials,
//!   falling back to IMDSv1 when no token can be had unless v1 is disabled. When IMDS does not
//!   answer at all the error is [`CredentialsError::NoCredentials`], as the chain's last provider.
//! - Container: `GET` the URL with the `Authorization` header, 2 s timeout, 3 attempts 1 s apart.
//! - STS `AssumeRole` (SigV4-signed with the source credentials) and
//!   `AssumeRoleWithWebIdentity` (unsigned), query protocol, with a small XML extractor for the
//!   few elements the response needs.
//! - SSO `GetRoleCredentials` with the cached access token.
//!
//! - SSO OIDC `CreateToken` (grant type `refresh_token`) first, when the SSO token is near or past
//!   its expiry and the cache holds a refresh token; the new token is written back to the cache
//!   file as the AWS CLI does. A failed refresh is an error only when the token has expired.
//!
//! Errors never quote a secret: they name the operation, the role ARN or URL, the HTTP status and
//! the service's own error code and message.

use crate::protocol::xml_scan::{xml_element, xml_unescape};
use core::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Method, Request, StatusCode};

use super::load::{Execution, LoadContext, NetworkFetcher, Step};
use super::request::{
    AssumeRoleRequest, ContainerRequest, ImdsRequest, NetworkRequest, SsoRequest, SsoTokenRefresh, WebIdentityRequest,
};
use super::source::Source;
use super::{format_timestamp, parse_timestamp, Credentials, CredentialsError, Secret};
use crate::auth::{sigv4, SignableBody, SignableRequest, SigningParams, SigningSettings};
use crate::config::{ConfigError, RegionalEndpoints, SessionConfig};
use crate::dispatch::{self, default_classifier, DispatchOptions, LastFailure};
use crate::http::{block_on, redacted_url, HttpClient, HttpError, HttpErrorKind, SdkBody};
use crate::retry::{RetryConfig, RetryMode, RetryStrategy};
use crate::types::DateTime;
use crate::Document;

/// Credential responses are a few kilobytes; anything much larger is not a credential endpoint.
const MAX_BODY: u64 = 1024 * 1024;
/// The IMDSv2 token lifetime botocore asks for (6 hours).
const IMDS_TOKEN_TTL: &str = "21600";
/// Total attempts of the STS, SSO and SSO OIDC calls (standard retry mode's default).
const API_ATTEMPTS: u32 = 3;
/// The STS API version of the query protocol.
const STS_VERSION: &str = "2011-06-15";
/// The regions whose `sts_regional_endpoints = legacy` endpoint is the global one (botocore's
/// `_LEGACY_GLOBAL_STS_REGIONS`).
const LEGACY_GLOBAL_STS_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Where the STS and SSO calls go, taken from the session's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetworkSettings {
    /// The session's region; STS without a region uses the global endpoint, as botocore does.
    pub region: Option<String>,
    /// An endpoint URL for STS (explicit, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, or the
    /// profile), used as is. Tests and local emulators such as moto rely on it.
    pub sts_endpoint_url: Option<String>,
    /// The same for the SSO portal (service id `SSO`).
    pub sso_endpoint_url: Option<String>,
    /// The same for SSO OIDC (service id `SSO OIDC`), which refreshes SSO tokens.
    pub sso_oidc_endpoint_url: Option<String>,
    /// `sts_regional_endpoints = legacy`.
    pub legacy_global_sts: bool,
    pub use_fips: bool,
    pub use_dualstack: bool,
}

impl NetworkSettings {
    /// The settings of a resolved session. It fails only when a profile's `services = name`
    /// names a missing section, which the endpoint lookup must report.
    pub fn from_config(config: &SessionConfig) -> Result<NetworkSettings, ConfigError> {
        Ok(NetworkSettings {
            region: config.region_setting().map(|s| s.value.clone()),
            sts_endpoint_url: config.endpoint_url("STS")?.map(|s| s.value),
            sso_endpoint_url: config.endpoint_url("SSO")?.map(|s| s.value),
            sso_oidc_endpoint_url: config.endpoint_url("SSO OIDC")?.map(|s| s.value),
            legacy_global_sts: config.sts_regional_endpoints() == RegionalEndpoints::Legacy,
            use_fips: config.use_fips_endpoint(),
            use_dualstack: config.use_dualstack_endpoint(),
        })
    }

    /// The STS endpoint URL and the region to sign for.
    pub fn sts_endpoint(&self) -> (String, String) {
        let signing_region = self.region.clone().unwrap_or_else(|| "us-east-1".to_owned());
        if let Some(url) = &self.sts_endpoint_url {
            return (url.clone(), signing_region);
        }
        let Some(region) = self.region.as_deref() else {
            return ("https://sts.amazonaws.com".to_owned(), signing_region);
        };
        let global = region == "aws-global"
            || (self.legacy_global_sts
                && !self.use_fips
                && !self.use_dualstack
                && LEGACY_GLOBAL_STS_REGIONS.contains(&region));
        if global {
            return ("https://sts.amazonaws.com".to_owned(), "us-east-1".to_owned());
        }
        let service = if self.use_fips { "sts-fips" } else { "sts" };
        (format!("https://{service}.{region}.{}", dns_suffix(region, self.use_dualstack)), signing_region)
    }

    /// The SSO portal endpoint for an SSO region.
    pub fn sso_endpoint(&self, sso_region: &str) -> String {
        match &self.sso_endpoint_url {
            Some(url) => url.clone(),
            None => format!("https://portal.sso.{sso_region}.{}", dns_suffix(sso_region, false)),
        }
    }

    /// The SSO OIDC endpoint for an SSO region.
    pub fn sso_oidc_endpoint(&self, sso_region: &str) -> String {
        match &self.sso_oidc_endpoint_url {
            Some(url) => url.clone(),
            None => format!("https://oidc.{sso_region}.{}", dns_suffix(sso_region, false)),
        }
    }
}

/// The DNS suffix of the partition a region belongs to, from the partition table the endpoint
/// rules use, so new partitions need no code here.
fn dns_suffix(region: &str, dualstack: bool) -> &'static str {
    let key = if dualstack { "dualStackDnsSuffix" } else { "dnsSuffix" };
    let table = crate::endpoint::Partitions::builtin().ok().and_then(|p| p.output(region, key));
    // The table is compiled in and tested; the fallback only guards against a broken build.
    table.unwrap_or(if dualstack { "api.aws" } else { "amazonaws.com" })
}

/// Which of the HTTP client's pools a call uses: the async callers' pool lives on the caller's
/// runtime, the blocking callers' pool on the shared blocking runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pool {
    Async,
    Blocking,
}

/// Retry settings of the container provider; fields so tests need not wait seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ContainerRetry {
    timeout: Duration,
    attempts: u32,
    delay: Duration,
}

/// Performs credential network calls over an [`HttpClient`]. Cheap to clone.
#[derive(Clone)]
pub struct HttpCredentialsFetcher {
    http: HttpClient,
    settings: NetworkSettings,
    container: ContainerRetry,
    /// The standard-mode retry strategy of the STS, SSO and SSO OIDC calls; clones share it, so
    /// the retry quota is per fetcher as botocore's is per client.
    retry: Arc<RetryStrategy>,
}

impl fmt::Debug for HttpCredentialsFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpCredentialsFetcher").field("settings", &self.settings).finish_non_exhaustive()
    }
}

/// A response read to the end: status and body.
struct Reply {
    status: StatusCode,
    body: Bytes,
}

impl HttpCredentialsFetcher {
    pub fn new(http: HttpClient, settings: NetworkSettings) -> HttpCredentialsFetcher {
        HttpCredentialsFetcher {
            http,
            settings,
            // botocore's `ContainerMetadataFetcher`: 2 s timeout, 3 attempts, 1 s apart.
            container: ContainerRetry { timeout: Duration::from_secs(2), attempts: 3, delay: Duration::from_secs(1) },
            retry: Arc::new(RetryStrategy::new(RetryConfig::new(RetryMode::Standard).with_max_attempts(API_ATTEMPTS))),
        }
    }

    /// Another retry strategy for the STS, SSO and SSO OIDC calls (tests inject zero jitter).
    pub fn with_retry_strategy(mut self, strategy: RetryStrategy) -> Self {
        self.retry = Arc::new(strategy);
        self
    }

    /// Other container retry settings (tests use milliseconds).
    pub fn with_container_retry(mut self, timeout: Duration, attempts: u32, delay: Duration) -> Self {
        self.container = ContainerRetry { timeout, attempts: attempts.max(1), delay };
        self
    }

    pub fn settings(&self) -> &NetworkSettings {
        &self.settings
    }

    /// Performs one request from async code (inside a Tokio runtime with I/O and time).
    pub async fn fetch_async(&self, request: &NetworkRequest) -> Result<Credentials, CredentialsError> {
        self.fetch_on(request, Pool::Async).await
    }

    /// Loads `source` to the end from async code, making each network call with `.await`.
    ///
    /// The local steps run on the calling task; a `credential_process` source runs its program
    /// there and blocks the task while it runs, so async callers with such profiles should prefer
    /// the blocking cache on a blocking thread (what `Session::credentials_async` does).
    pub async fn load_async(&self, source: &Source, ctx: &LoadContext) -> Result<Credentials, CredentialsError> {
        let mut execution = Execution::new(source, ctx);
        let mut response = None;
        loop {
            match execution.step(response.take())? {
                Step::Done(credentials) => return Ok(credentials),
                Step::Request(request) => response = Some(self.fetch_async(&request).await?),
            }
        }
    }

    async fn fetch_on(&self, request: &NetworkRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        match request {
            NetworkRequest::AssumeRole(r) => self.assume_role(r, pool).await,
            NetworkRequest::WebIdentity(r) => self.web_identity(r, pool).await,
            NetworkRequest::Sso(r) => self.sso(r, pool).await,
            NetworkRequest::Container(r) => self.container(r, pool).await,
            NetworkRequest::Imds(r) => self.imds(r, pool).await,
            #[allow(unreachable_patterns)]
            other => Err(network_error(other.provider(), format!("{} is not supported here", other.operation()))),
        }
    }

    /// Sends a request and reads its body, bounded by `timeout` when given.
    async fn call(&self, request: Request<SdkBody>, pool: Pool, timeout: Option<Duration>) -> Result<Reply, HttpError> {
        let exchange = async {
            let response = match pool {
                Pool::Async => self.http.send(request).await?,
                Pool::Blocking => self.http.send_on(self.http.blocking_pool(), request, None).await?,
            };
            let status = response.status();
            let body = response.into_body().collect_limited(MAX_BODY).await?;
            Ok(Reply { status, body })
        };
        match timeout {
            None => exchange.await,
            Some(limit) => match tokio::time::timeout(limit, exchange).await {
                Ok(result) => result,
                Err(_) => Err(HttpError::new(
                    HttpErrorKind::OperationTimeout,
                    format!("no complete response within {} ms", limit.as_millis()),
                )),
            },
        }
    }

    /// Sends an API call (STS, SSO, SSO OIDC) through the fetcher's retry strategy, building
    /// the request afresh (and re-signing it) for each attempt with the skew-corrected time.
    /// A final error response is returned as a [`Reply`] for the caller to describe; a transport
    /// failure or a request that could not be built is the error, as text.
    async fn retried_call(
        &self,
        operation: &str,
        pool: Pool,
        make_request: &(dyn Fn(u32, SystemTime) -> Result<Request<SdkBody>, String> + Sync),
    ) -> Result<Reply, String> {
        let options = DispatchOptions::new(operation).buffered(MAX_BODY);
        let strategy = &*self.retry;
        let blocking_pool = matches!(pool, Pool::Blocking);
        let outcome = dispatch::send_with_retries_on(
            &self.http,
            blocking_pool,
            strategy,
            &options,
            &mut |attempt, time| make_request(attempt, time).map_err(crate::http::BoxError::from),
            &default_classifier,
        )
        .await;
        match outcome {
            Ok(response) => {
                let status = response.status();
                let body = response.into_body().collect_limited(MAX_BODY).await.map_err(|e| e.to_string())?;
                Ok(Reply { status, body })
            }
            Err(err) => match err.into_last_failure() {
                LastFailure::Response(response) => Ok(Reply { status: response.status, body: response.body }),
                LastFailure::Http(e) => Err(e.to_string()),
                LastFailure::BuildRequest(e) => Err(e.to_string()),
            },
        }
    }

    // ----- IMDS -----

    async fn imds(&self, r: &ImdsRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        let base = r.endpoint.trim_end_matches('/');
        let no_credentials = |why: String| {
            let mut tried = r.tried.clone();
            tried.push(format!("iam-role ({why})"));
            CredentialsError::no_credentials(tried)
        };

        let mut token = self.imds_token(base, r, pool).await?;
        if token.is_none() && r.v1_disabled {
            return Err(network_error(
                "iam-role",
                "unable to retrieve a token for IMDSv2 and IMDSv1 is disabled (ec2_metadata_v1_disabled / \
                 AWS_EC2_METADATA_V1_DISABLED)"
                    .into(),
            ));
        }
        let roles_url = format!("{base}/latest/meta-data/iam/security-credentials/");
        let roles = match self.imds_get(&roles_url, &mut token, base, r, pool).await {
            Ok(body) => body,
            Err(why) => return Err(no_credentials(why)),
        };
        let Some(role) = roles.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned) else {
            return Err(no_credentials("the instance has no IAM role".into()));
        };
        let role_url = format!("{roles_url}{role}");
        let body = match self.imds_get(&role_url, &mut token, base, r, pool).await {
            Ok(body) => body,
            Err(why) => return Err(no_credentials(why)),
        };
        let doc = Document::from_json(&body)
            .map_err(|_| network_error("iam-role", format!("the credentials of role `{role}` are not JSON")))?;
        json_credentials(
            &doc,
            ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
            "iam-role",
            &format!("IMDS role `{role}`"),
        )
    }

    /// The IMDSv2 token, or `None` when IMDS does not give one (v1 fallback). A 400 answer means
    /// the request itself is wrong and is an error, as in botocore.
    async fn imds_token(&self, base: &str, r: &ImdsRequest, pool: Pool) -> Result<Option<String>, CredentialsError> {
        for _ in 0..r.attempts.max(1) {
            let request = Request::builder()
                .method(Method::PUT)
                .uri(format!("{base}/latest/api/token"))
                .header("x-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL)
                .body(SdkBody::empty())
                .map_err(|e| network_error("iam-role", format!("invalid IMDS endpoint `{}`: {e}", r.endpoint)))?;
            match self.call(request, pool, Some(r.timeout)).await {
                Ok(reply) if reply.status == StatusCode::OK => {
                    let token = String::from_utf8_lossy(&reply.body).trim().to_owned();
                    return Ok(Some(token).filter(|t| !t.is_empty()));
                }
                Ok(reply) if matches!(reply.status.as_u16(), 403..=405) => return Ok(None),
                Ok(reply) if reply.status == StatusCode::BAD_REQUEST => {
                    return Err(network_error("iam-role", "IMDS rejected the token request (HTTP 400)".into()))
                }
                // Server errors, timeouts and connection failures are retried, then fall back.
                Ok(_) | Err(_) => continue,
            }
        }
        Ok(None)
    }

    /// A metadata GET with retries on errors, non-200 answers and empty bodies (botocore's
    /// `_needs_retry_for_role_name` / `_needs_retry_for_credentials`). The error is a reason.
    ///
    /// A 401 answer to a GET sent with a token means the token expired: a new token is fetched
    /// (once per GET) and the GET is sent again with it; later GETs use the new token too.
    async fn imds_get(
        &self,
        url: &str,
        token: &mut Option<String>,
        base: &str,
        r: &ImdsRequest,
        pool: Pool,
    ) -> Result<String, String> {
        let mut last = String::new();
        let mut refreshed = false;
        for _ in 0..r.attempts.max(1) {
            let mut result = self.imds_get_once(url, token.as_deref(), r.timeout, pool).await?;
            if !refreshed && token.is_some() && matches!(&result, Ok(reply) if reply.status == StatusCode::UNAUTHORIZED)
            {
                refreshed = true;
                if let Ok(Some(new_token)) = self.imds_token(base, r, pool).await {
                    *token = Some(new_token);
                    result = self.imds_get_once(url, token.as_deref(), r.timeout, pool).await?;
                }
            }
            match result {
                Ok(reply) if reply.status == StatusCode::OK && !reply.body.is_empty() => {
                    return Ok(String::from_utf8_lossy(&reply.body).into_owned())
                }
                Ok(reply) => last = format!("HTTP {} from {}", reply.status.as_u16(), redacted_path(url)),
                Err(e) => last = format!("IMDS did not answer: {e}"),
            }
        }
        Err(last)
    }

    /// One metadata GET. The outer error is a request that cannot be built (a reason).
    async fn imds_get_once(
        &self,
        url: &str,
        token: Option<&str>,
        timeout: Duration,
        pool: Pool,
    ) -> Result<Result<Reply, HttpError>, String> {
        let mut builder = Request::get(url);
        if let Some(token) = token {
            builder = builder.header("x-aws-ec2-metadata-token", token);
        }
        let request = builder.body(SdkBody::empty()).map_err(|e| format!("invalid IMDS URL: {e}"))?;
        Ok(self.call(request, pool, Some(timeout)).await)
    }

    // ----- container -----

    async fn container(&self, r: &ContainerRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        let shown = redacted_url_text(&r.url);
        let mut last = String::new();
        for attempt in 0..self.container.attempts {
            if attempt > 0 {
                tokio::time::sleep(self.container.delay).await;
            }
            let mut builder = Request::get(&r.url).header("accept", "application/json");
            if let Some(token) = &r.authorization {
                builder = builder.header("authorization", token.expose());
            }
            let request = builder
                .body(SdkBody::empty())
                .map_err(|e| network_error("container-role", format!("invalid container URL {shown}: {e}")))?;
            match self.call(request, pool, Some(self.container.timeout)).await {
                Ok(reply) if reply.status == StatusCode::OK => match Document::from_json_slice(&reply.body) {
                    Ok(doc) => {
                        return json_credentials(
                            &doc,
                            ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"],
                            "container-role",
                            &shown,
                        )
                    }
                    Err(_) => last = "the response is not JSON".into(),
                },
                Ok(reply) => {
                    let message = Document::from_json_slice(&reply.body).ok().and_then(|d| {
                        d.get("message").or_else(|| d.get("Message")).and_then(|m| m.as_str().map(str::to_owned))
                    });
                    last = match message {
                        Some(m) => format!("HTTP {}: {m}", reply.status.as_u16()),
                        None => format!("HTTP {}", reply.status.as_u16()),
                    };
                }
                Err(e) => last = e.to_string(),
            }
        }
        Err(network_error(
            "container-role",
            format!("error retrieving metadata from {shown} after {} attempts: {last}", self.container.attempts),
        ))
    }

    // ----- STS -----

    async fn assume_role(&self, r: &AssumeRoleRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        let mut form = vec![
            ("Action", "AssumeRole".to_owned()),
            ("Version", STS_VERSION.to_owned()),
            ("RoleArn", r.role_arn.clone()),
            ("RoleSessionName", r.role_session_name.clone()),
        ];
        if let Some(external_id) = &r.external_id {
            form.push(("ExternalId", external_id.clone()));
        }
        if let Some(seconds) = r.duration_seconds {
            form.push(("DurationSeconds", seconds.to_string()));
        }
        if let (Some(serial), Some(code)) = (&r.serial_number, &r.token_code) {
            form.push(("SerialNumber", serial.clone()));
            form.push(("TokenCode", code.expose().to_owned()));
        }
        let provider = "assume-role";
        let body = encode_form(&form);
        self.sts_call(provider, "AssumeRole", &r.role_arn, body, Some(&r.source_credentials), pool).await
    }

    async fn web_identity(&self, r: &WebIdentityRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        let form = [
            ("Action", "AssumeRoleWithWebIdentity".to_owned()),
            ("Version", STS_VERSION.to_owned()),
            ("RoleArn", r.role_arn.clone()),
            ("RoleSessionName", r.role_session_name.clone()),
            ("WebIdentityToken", r.web_identity_token.expose().to_owned()),
        ];
        let provider = "assume-role-with-web-identity";
        self.sts_call(provider, "AssumeRoleWithWebIdentity", &r.role_arn, encode_form(&form), None, pool).await
    }

    /// POSTs a query-protocol form to STS, signed when `signer` is given, and reads the
    /// `Credentials` element of the result.
    async fn sts_call(
        &self,
        provider: &'static str,
        action: &str,
        role_arn: &str,
        body: String,
        signer: Option<&Credentials>,
        pool: Pool,
    ) -> Result<Credentials, CredentialsError> {
        let fail =
            |message: String| network_error(provider, format!("sts:{action} for role {role_arn} failed: {message}"));
        let (endpoint, signing_region) = self.settings.sts_endpoint();
        let uri: http::Uri =
            endpoint.parse().map_err(|e| fail(format!("the STS endpoint `{endpoint}` is not a URL: {e}")))?;
        let host = match (uri.host(), uri.port_u16()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(fail(format!("the STS endpoint `{endpoint}` has no host"))),
        };
        let path = match uri.path() {
            "" => "/",
            path => path,
        };
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        // Built and signed afresh for each attempt, at the skew-corrected time.
        let make_request = |_attempt: u32, time: SystemTime| -> Result<Request<SdkBody>, String> {
            let mut builder = Request::post(uri.clone()).header("host", &host).header("content-type", content_type);
            if let Some(credentials) = signer {
                let signable = SignableRequest {
                    method: "POST",
                    uri: path,
                    headers: &[("host", &host), ("content-type", content_type)],
                    body: SignableBody::Bytes(body.as_bytes()),
                };
                let params = SigningParams {
                    credentials,
                    region: &signing_region,
                    service: "sts",
                    time: DateTime::from(time),
                    settings: SigningSettings::default(),
                };
                let output = sigv4::sign(&signable, &params).map_err(|e| format!("could not sign the request: {e}"))?;
                for (name, value) in &output.headers_to_add {
                    builder = builder.header(name.as_str(), value.as_str());
                }
            }
            builder.body(SdkBody::from(body.clone())).map_err(|e| format!("invalid request: {e}"))
        };
        let reply = self.retried_call(action, pool, &make_request).await.map_err(fail)?;
        let text = String::from_utf8_lossy(&reply.body);
        if !reply.status.is_success() {
            return Err(fail(describe_xml_error(reply.status, &text)));
        }
        let Some(section) = xml_element(&text, "Credentials") else {
            return Err(fail(format!("the response (HTTP {}) has no Credentials element", reply.status.as_u16())));
        };
        let field = |name: &str| xml_element(section, name).map(|v| xml_unescape(v.trim()));
        let (Some(id), Some(secret)) = (field("AccessKeyId"), field("SecretAccessKey")) else {
            return Err(fail("the response lacks AccessKeyId or SecretAccessKey".into()));
        };
        let expiration = match field("Expiration") {
            None => None,
            Some(text) => {
                Some(parse_timestamp(&text).ok_or_else(|| fail(format!("Expiration `{text}` is not a timestamp")))?)
            }
        };
        Ok(Credentials::from_parts(id, secret, field("SessionToken"), expiration, provider))
    }

    // ----- SSO -----

    async fn sso(&self, r: &SsoRequest, pool: Pool) -> Result<Credentials, CredentialsError> {
        let provider = "sso";
        let cache_path = || match &r.refresh {
            Some(refresh) => refresh.cache_file.display().to_string(),
            None => "the SSO token cache (~/.aws/sso/cache)".to_owned(),
        };
        let expired = || CredentialsError::SsoTokenExpired {
            profile: r.profile.clone(),
            name: format!("account {} role {}", r.account_id, r.role_name),
            expired_at: r.token_expires_at.map_or_else(|| "an unknown time".to_owned(), format_timestamp),
            path: cache_path(),
        };
        let mut access_token = r.access_token.clone();
        match &r.refresh {
            Some(refresh) => match self.sso_refresh(r, refresh, pool).await {
                Ok(token) => access_token = token,
                Err(why) if r.refresh_required => {
                    return Err(network_error(
                        provider,
                        format!(
                            "the SSO token of profile `{}` has expired and could not be refreshed ({why}); run \
                             `aws sso login --profile {}`",
                            r.profile, r.profile
                        ),
                    ))
                }
                // In the advisory window the current token is still good, so a failed refresh
                // is not the caller's problem (botocore logs it and carries on).
                Err(_) => {}
            },
            // Loading reports an expired token without a refresh token itself; this guards
            // against a request built by hand.
            None if r.refresh_required => return Err(expired()),
            None => {}
        }
        let base = self.settings.sso_endpoint(&r.sso_region);
        let url = format!(
            "{}/federation/credentials?role_name={}&account_id={}",
            base.trim_end_matches('/'),
            percent_encode(&r.role_name),
            percent_encode(&r.account_id)
        );
        let fail = |message: String| {
            network_error(
                provider,
                format!("sso:GetRoleCredentials for account {} role {} failed: {message}", r.account_id, r.role_name),
            )
        };
        let make_request = |_attempt: u32, _time: SystemTime| {
            Request::get(&url)
                .header("x-amz-sso_bearer_token", access_token.expose())
                .body(SdkBody::empty())
                .map_err(|e| format!("invalid request: {e}"))
        };
        let reply = self.retried_call("GetRoleCredentials", pool, &make_request).await.map_err(fail)?;
        if reply.status == StatusCode::UNAUTHORIZED {
            return Err(expired());
        }
        let doc = Document::from_json_slice(&reply.body).ok();
        if !reply.status.is_success() {
            let message = doc.as_ref().and_then(|d| {
                d.get("message").or_else(|| d.get("Message")).and_then(Document::as_str).map(str::to_owned)
            });
            return Err(fail(match message {
                Some(m) => format!("HTTP {}: {m}", reply.status.as_u16()),
                None => format!("HTTP {}", reply.status.as_u16()),
            }));
        }
        let Some(role) = doc.as_ref().and_then(|d| d.get("roleCredentials")) else {
            return Err(fail("the response has no roleCredentials".into()));
        };
        let text = |key: &str| role.get(key).and_then(Document::as_str).map(str::to_owned);
        let (Some(id), Some(secret)) = (text("accessKeyId"), text("secretAccessKey")) else {
            return Err(fail("the response lacks accessKeyId or secretAccessKey".into()));
        };
        let expiration = role
            .get("expiration")
            .and_then(Document::as_u64)
            .map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
            .ok_or_else(|| fail("roleCredentials.expiration is missing or not epoch milliseconds".into()))?;
        Ok(Credentials::from_parts(id, secret, text("sessionToken"), Some(expiration), provider))
    }
}

impl HttpCredentialsFetcher {
    /// SSO OIDC `CreateToken` with the refresh token; writes the new token to the cache file and
    /// returns it. The error is a reason for messages (the service's `error` code, never a token).
    async fn sso_refresh(&self, r: &SsoRequest, refresh: &SsoTokenRefresh, pool: Pool) -> Result<Secret, String> {
        let body: Document = [
            ("grantType", "refresh_token"),
            ("clientId", refresh.client_id.as_str()),
            ("clientSecret", refresh.client_secret.expose()),
            ("refreshToken", refresh.refresh_token.expose()),
        ]
        .into_iter()
        .collect();
        let url = format!("{}/token", self.settings.sso_oidc_endpoint(&r.sso_region).trim_end_matches('/'));
        let json = body.to_json_string();
        let make_request = |_attempt: u32, _time: SystemTime| {
            Request::post(&url)
                .header("content-type", "application/json")
                .body(SdkBody::from(json.clone()))
                .map_err(|e| format!("invalid SSO OIDC request: {e}"))
        };
        let reply = self.retried_call("CreateToken", pool, &make_request).await.map_err(|e| {
            if e.starts_with("invalid SSO OIDC request") {
                e
            } else {
                format!("sso-oidc:CreateToken failed: {e}")
            }
        })?;
        let doc = Document::from_json_slice(&reply.body).ok();
        let text = |key: &str| doc.as_ref().and_then(|d| d.get(key)).and_then(Document::as_str).map(str::to_owned);
        if !reply.status.is_success() {
            let code = text("error").unwrap_or_else(|| "no error code".into());
            return Err(format!("sso-oidc:CreateToken answered HTTP {}: {code}", reply.status.as_u16()));
        }
        let access_token = text("accessToken").ok_or("the CreateToken response has no accessToken")?;
        let expires_in = doc
            .as_ref()
            .and_then(|d| d.get("expiresIn"))
            .and_then(Document::as_u64)
            .ok_or("the CreateToken response has no expiresIn")?;
        let mut cached = refresh.cached.0.clone();
        if let Some(object) = cached.as_object_mut() {
            let expires_at = SystemTime::now() + Duration::from_secs(expires_in);
            object.insert("accessToken".into(), access_token.as_str().into());
            object.insert("expiresAt".into(), format_timestamp(expires_at).into());
            if let Some(new_refresh) = text("refreshToken") {
                object.insert("refreshToken".into(), new_refresh.into());
            }
        }
        // A failed write leaves the old token in the cache; the new one still serves this
        // load, so the failure is not reported (the next refresh will try again).
        let _ = write_token_cache(&refresh.cache_file, &cached.to_json_string());
        Ok(Secret::new(access_token))
    }
}

/// Writes the SSO token cache file readable by its owner only (as the AWS CLI does), through a
/// temporary file and a rename so a concurrent reader never sees half a file.
fn write_token_cache(path: &std::path::Path, json: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut file| file.write_all(json.as_bytes()));
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

impl NetworkFetcher for HttpCredentialsFetcher {
    /// Runs the async core on the HTTP module's shared blocking runtime. On a thread inside a
    /// Tokio runtime (a `spawn_blocking` thread, or async code that calls the blocking cache),
    /// [`block_on`] refuses to run, so the call is made from a short-lived helper thread instead:
    /// credentials are fetched rarely, and this keeps the blocking API usable everywhere.
    fn fetch(&self, request: &NetworkRequest) -> Result<Credentials, CredentialsError> {
        let this = self.clone();
        let request = request.clone();
        let provider = request.provider();
        let run = move || block_on(async move { this.fetch_on(&request, Pool::Blocking).await });
        let outcome = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|scope| scope.spawn(run).join())
                .unwrap_or_else(|_| Err(HttpError::new(HttpErrorKind::Other, "the credential fetch panicked")))
        } else {
            run()
        };
        outcome.map_err(|e| network_error(provider, e.to_string()))?
    }
}

fn network_error(provider: &'static str, message: String) -> CredentialsError {
    CredentialsError::Network { provider, message }
}

/// Credentials from a JSON object with the given key names (id, secret, token, expiration).
fn json_credentials(
    doc: &Document,
    [id_key, secret_key, token_key, expiration_key]: [&str; 4],
    provider: &'static str,
    what: &str,
) -> Result<Credentials, CredentialsError> {
    let text = |key: &str| doc.get(key).and_then(Document::as_str).map(str::to_owned);
    let (Some(id), Some(secret)) = (text(id_key), text(secret_key)) else {
        return Err(network_error(provider, format!("the response of {what} lacks {id_key} or {secret_key}")));
    };
    let expiration = match text(expiration_key) {
        None => None,
        Some(t) => Some(parse_timestamp(&t).ok_or_else(|| {
            network_error(provider, format!("{expiration_key} `{t}` from {what} is not a timestamp"))
        })?),
    };
    Ok(Credentials::from_parts(id, secret, text(token_key), expiration, provider))
}

/// The path of an IMDS URL, for messages (IMDS URLs carry no secrets, but keep it short).
fn redacted_path(url: &str) -> String {
    url.parse::<http::Uri>().map(|u| u.path().to_owned()).unwrap_or_else(|_| "the metadata URL".into())
}

/// A URL for messages without its query or user info.
fn redacted_url_text(url: &str) -> String {
    url.parse::<http::Uri>().map(|u| redacted_url(&u)).unwrap_or_else(|_| "the configured URL".into())
}

/// `application/x-www-form-urlencoded` as the query protocol sends it.
fn encode_form(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(key));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    crate::percent::encode(text.as_bytes())
}

/// `HTTP 403: AccessDenied: message` from an STS `ErrorResponse`, or the status alone.
fn describe_xml_error(status: StatusCode, text: &str) -> String {
    let error = xml_element(text, "Error").unwrap_or(text);
    let code = xml_element(error, "Code").map(|c| xml_unescape(c.trim()));
    let message = xml_element(error, "Message").map(|m| xml_unescape(m.trim()));
    match (code, message) {
        (Some(code), Some(message)) => format!("HTTP {}: {code}: {message}", status.as_u16()),
        (Some(code), None) => format!("HTTP {}: {code}", status.as_u16()),
        _ => format!("HTTP {} without an error code", status.as_u16()),
    }
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
