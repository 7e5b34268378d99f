//! [`Session`]: the resolved configuration, one HTTP client and one credentials cache, shared by
//! every client made from it (boto3's `Session`).
//!
//! ```no_run
//! let session = tucuxi::session::Session::builder().profile("dev").region("eu-west-1").build()?;
//! let credentials = session.credentials()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Building resolves the shared configuration, so its errors (a parse error, a missing named
//! profile, an invalid setting) surface at `build`. Two kinds of error surface later, where they
//! are needed, as in botocore: [`ConfigError::NoRegion`] when something asks for the region, and
//! every credential error (including a misconfigured role chain) at the first
//! [`Session::credentials`], so a session used only for unsigned calls never fails on them.
//!
//! Clones share everything behind an `Arc`: the connection pools and the cached credentials.

use core::fmt;
use std::sync::Arc;

use crate::config::{ChecksumWhen, ConfigError, Env, Fs, SessionConfig, SessionOverrides};
use crate::credentials::Clock;
use crate::credentials::{
    resolve_chain, Credentials, CredentialsCache, CredentialsError, HttpCredentialsFetcher, LoadContext,
    MfaTokenProvider, NetworkFetcher, NetworkSettings, Source, SourceProvider,
};
use crate::http::{HttpClient, HttpConfig, HttpError, HttpTransport, Proxies, TrustRoots};
use crate::interceptor::{Interceptor, Interceptors};

/// Why a [`Session`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// The shared configuration is invalid.
    Config(ConfigError),
    /// The HTTP client could not be made (the CA bundle could not be loaded).
    Http(HttpError),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Config(error) => error.fmt(f),
            SessionError::Http(error) => write!(f, "could not create the HTTP client: {error}"),
        }
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SessionError::Config(error) => Some(error),
            SessionError::Http(error) => Some(error),
        }
    }
}

impl From<ConfigError> for SessionError {
    fn from(error: ConfigError) -> Self {
        SessionError::Config(error)
    }
}

/// Builds a [`Session`]; see [`Session::builder`].
#[derive(Default)]
pub struct SessionBuilder {
    overrides: SessionOverrides,
    credentials: Option<Credentials>,
    http: Option<HttpConfig>,
    proxies: Option<Proxies>,
    trust_roots: Option<TrustRoots>,
    /// The environment and filesystem to read instead of the process's, for tests and embedders.
    sources: Option<(Env, Fs)>,
    mfa: Option<Arc<dyn MfaTokenProvider>>,
    /// Test and extension points: the transport, the clock, the interceptors.
    hooks: Hooks,
}

/// What replaces the defaults: the transport, the clock, the interceptors.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub transport: Option<Arc<dyn HttpTransport>>,
    pub clock: Option<Arc<dyn Clock>>,
    pub interceptors: Interceptors,
}

impl SessionBuilder {
    /// Sends every request of the session (credential calls included) through `transport`
    /// instead of the pooled hyper client: a test double, a recording proxy, another stack.
    pub fn http(mut self, transport: impl HttpTransport) -> Self {
        self.hooks.transport = Some(Arc::new(transport));
        self
    }
    /// Reads the time from `clock` for signing, presigning and credential expiry, so signatures
    /// can be reproduced byte for byte ([`ManualClock`](crate::ManualClock) in tests). Backoff
    /// sleeps and timeouts still run on real time.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.hooks.clock = Some(Arc::new(clock));
        self
    }
    /// Adds an interceptor that sees every call of every client made from the session.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.hooks.interceptors.push(Arc::new(interceptor));
        self
    }
    /// Adds a shared interceptor (one the caller keeps a handle to).
    pub fn interceptor_arc(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.hooks.interceptors.push(interceptor);
        self
    }
    /// The profile to use (`AWS_PROFILE` otherwise). Naming it here turns off the environment
    /// credentials, as in botocore.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.overrides.profile = Some(profile.into());
        self
    }
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.overrides.region = Some(region.into());
        self
    }
    /// Credentials to use instead of the provider chain.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// An endpoint URL for every service, STS and SSO included (so credential calls can be
    /// pointed at a local emulator too).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.overrides.endpoint_url = Some(url.into());
        self
    }
    /// The application's id, sent in the User-Agent as `app/<id>` (botocore's `user_agent_appid`;
    /// otherwise `AWS_SDK_UA_APP_ID` or the profile's `sdk_ua_app_id`).
    pub fn user_agent_appid(mut self, id: impl Into<String>) -> Self {
        self.overrides.user_agent_appid = Some(id.into());
        self
    }
    /// Text appended to the User-Agent as it is (botocore's `user_agent_extra`).
    pub fn user_agent_extra(mut self, extra: impl Into<String>) -> Self {
        self.overrides.user_agent_extra = Some(extra.into());
        self
    }
    /// When request checksums are computed (`AWS_REQUEST_CHECKSUM_CALCULATION`,
    /// `request_checksum_calculation` otherwise; `when_supported` by default, as boto3).
    pub fn request_checksum_calculation(mut self, when: ChecksumWhen) -> Self {
        self.overrides.request_checksum_calculation = Some(when);
        self
    }
    /// When response checksums are validated (`AWS_RESPONSE_CHECKSUM_VALIDATION`,
    /// `response_checksum_validation` otherwise; `when_supported` by default, as boto3).
    pub fn response_checksum_validation(mut self, when: ChecksumWhen) -> Self {
        self.overrides.response_checksum_validation = Some(when);
        self
    }
    /// Every other explicit setting at once; fields set by the methods above are kept unless
    /// this sets them too.
    pub fn overrides(mut self, overrides: SessionOverrides) -> Self {
        let mut merged = overrides;
        let old = std::mem::take(&mut self.overrides);
        merged.profile = merged.profile.or(old.profile);
        merged.region = merged.region.or(old.region);
        merged.endpoint_url = merged.endpoint_url.or(old.endpoint_url);
        merged.user_agent_appid = merged.user_agent_appid.or(old.user_agent_appid);
        merged.user_agent_extra = merged.user_agent_extra.or(old.user_agent_extra);
        merged.request_checksum_calculation = merged.request_checksum_calculation.or(old.request_checksum_calculation);
        merged.response_checksum_validation = merged.response_checksum_validation.or(old.response_checksum_validation);
        merged.endpoint_discovery_enabled = merged.endpoint_discovery_enabled.or(old.endpoint_discovery_enabled);
        self.overrides = merged;
        self
    }
    /// The HTTP client's timeouts and pool; `ca_bundle` from the configuration is applied on top.
    pub fn http_config(mut self, config: HttpConfig) -> Self {
        self.http = Some(config);
        self
    }
    /// The proxies every request of the session goes through (botocore's
    /// `Config(proxies={...})`); without them, `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` are
    /// read as botocore reads them. `Proxies::new()` turns the variables off.
    pub fn proxies(mut self, proxies: Proxies) -> Self {
        self.proxies = Some(proxies);
        self
    }
    /// Which certificate authorities to trust: Mozilla's (the default), the operating system's
    /// store (the `native-roots` feature), or both; `AWS_CA_BUNDLE` / `ca_bundle` adds to them.
    pub fn trust_roots(mut self, roots: TrustRoots) -> Self {
        self.trust_roots = Some(roots);
        self
    }
    /// Supplies MFA codes for assume-role profiles with `mfa_serial`.
    pub fn mfa_token_provider(mut self, mfa: Arc<dyn MfaTokenProvider>) -> Self {
        self.mfa = Some(mfa);
        self
    }
    /// Reads this environment and filesystem instead of the process's (fixtures in tests).
    pub fn env_and_fs(mut self, env: Env, fs: Fs) -> Self {
        self.sources = Some((env, fs));
        self
    }

    pub fn build(self) -> Result<Session, SessionError> {
        let (env, fs) = self.sources.unwrap_or_else(|| (Env::real(), Fs::real()));
        let config = SessionConfig::resolve(&self.overrides, &env, &fs)?;
        let mut http_config = self.http.unwrap_or_default();
        if let Some(bundle) = config.ca_bundle() {
            http_config.ca_bundle = Some(bundle.into());
        }
        if let Some(roots) = self.trust_roots {
            http_config.trust_roots = roots;
        }
        if let Some(proxies) = self.proxies {
            http_config.proxies = Some(proxies);
        } else if http_config.proxies.is_none() {
            http_config.proxies = Proxies::from_env(&env);
        }
        let http = match &self.hooks.transport {
            Some(transport) => HttpClient::with_transport(http_config, transport.clone()),
            None => HttpClient::new(http_config),
        }
        .map_err(SessionError::Http)?;
        let fetcher = HttpCredentialsFetcher::new(http.clone(), NetworkSettings::from_config(&config)?);
        let mut ctx = LoadContext::new(env, fs);
        if let Some(mfa) = self.mfa {
            ctx = ctx.with_mfa(mfa);
        }
        let clock = self.hooks.clock.clone();
        let credentials = resolve_chain(&config, self.credentials).map(|source| {
            let network: Arc<dyn NetworkFetcher> = Arc::new(fetcher.clone());
            let provider = SourceProvider::new(source.clone(), ctx, Some(network));
            let mut cache = CredentialsCache::new(Arc::new(provider));
            if let Some(clock) = clock {
                cache = cache.with_clock(clock);
            }
            (source, cache)
        });
        let hooks = self.hooks;
        Ok(Session { inner: Arc::new(Inner { config, http, fetcher, credentials, hooks }) })
    }
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("overrides", &self.overrides)
            .field("credentials", &self.credentials)
            .field("http", &self.http)
            .field("proxies", &self.proxies)
            .field("trust_roots", &self.trust_roots)
            .field("fixtures", &self.sources.is_some())
            .field("mfa", &self.mfa.as_ref().map(|_| "configured"))
            .field("clock", &self.hooks.clock.as_ref().map(|_| "configured"))
            .field("interceptors", &self.hooks.interceptors)
            .finish()
    }
}

/// A configured session; clones share the HTTP client and the credentials cache.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    config: SessionConfig,
    http: HttpClient,
    fetcher: HttpCredentialsFetcher,
    /// The credential source with the cache in front of it, or why resolution failed (reported
    /// by `credentials`).
    credentials: Result<(Source, CredentialsCache), CredentialsError>,
    hooks: Hooks,
}

impl Session {
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// Credentials fit for signing now, from the shared cache (loading or refreshing them if
    /// needed). Blocking; safe to call from any thread, including inside a Tokio runtime, though
    /// async code should prefer [`Session::credentials_async`] so the runtime thread is not held.
    pub fn credentials(&self) -> Result<Credentials, CredentialsError> {
        match &self.inner.credentials {
            Ok((_, cache)) => cache.credentials(),
            Err(error) => Err(error.clone()),
        }
    }

    /// [`Session::credentials`] for async code: the cache runs on Tokio's blocking pool, so a
    /// refresh (which may run `credential_process` or make network calls) never stalls the
    /// runtime. Outside a Tokio runtime it simply calls the blocking method. Credentials already
    /// cached and not due for refresh are returned at once: handing every request to the blocking
    /// pool cost two thread switches per call.
    pub async fn credentials_async(&self) -> Result<Credentials, CredentialsError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return self.credentials();
        }
        if let Ok((_, cache)) = &self.inner.credentials {
            if let Some(fresh) = cache.cached() {
                return Ok(fresh);
            }
        }
        let session = self.clone();
        match tokio::task::spawn_blocking(move || session.credentials()).await {
            Ok(result) => result,
            Err(_) => Err(CredentialsError::Network {
                provider: "session",
                message: "the credentials task panicked or was cancelled".into(),
            }),
        }
    }

    /// Forgets the cached credentials (after a service answered `ExpiredToken`, say).
    pub fn invalidate_credentials(&self) {
        if let Ok((_, cache)) = &self.inner.credentials {
            cache.invalidate();
        }
    }

    /// The credential source the chain chose, or why none could be chosen.
    pub fn credential_source(&self) -> Result<&Source, &CredentialsError> {
        self.inner.credentials.as_ref().map(|(source, _)| source)
    }

    /// The region, or [`ConfigError::NoRegion`] explaining how to set one.
    pub fn region(&self) -> Result<&str, ConfigError> {
        self.inner.config.region()
    }

    pub fn config(&self) -> &SessionConfig {
        &self.inner.config
    }

    /// The HTTP client every client of this session shares.
    pub fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// The time for signing: the session's clock, or the system's.
    pub fn now(&self) -> std::time::SystemTime {
        match &self.inner.hooks.clock {
            Some(clock) => clock.now(),
            None => std::time::SystemTime::now(),
        }
    }

    /// The clock given to the builder, if any.
    pub(crate) fn clock(&self) -> Option<&Arc<dyn Clock>> {
        self.inner.hooks.clock.as_ref()
    }

    /// The interceptors every client of the session runs.
    pub fn interceptors(&self) -> &Interceptors {
        &self.inner.hooks.interceptors
    }

    /// The fetcher credential loading uses, for async drivers ([`HttpCredentialsFetcher::load_async`]).
    pub fn credentials_fetcher(&self) -> &HttpCredentialsFetcher {
        &self.inner.fetcher
    }
}

impl fmt::Debug for Session {
    /// The configuration (which redacts its secrets) and the source (whose `Debug` does too);
    /// never the cached credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.inner.config)
            .field("http", &self.inner.http)
            .field("source", &self.credential_source())
            .field("interceptors", &self.inner.hooks.interceptors)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_is_send_sync_and_cheap_to_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Session>();
    }
}
