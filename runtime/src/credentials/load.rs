//! Loading: turning a [`Source`] into [`Credentials`], with network calls handed to the caller.
//!
//! [`Execution`] is a state machine. Each [`Execution::step`] does the local work that is due
//! (running `credential_process`, reading a token file or the SSO cache, asking for an MFA code)
//! and returns either the credentials or the next [`NetworkRequest`]; the caller performs that
//! request and passes the resulting credentials to the next `step`. For a role chain the
//! innermost source is loaded first, then one `AssumeRole` request per hop, outwards.
//!
//! A blocking caller uses [`load_blocking`] with a [`NetworkFetcher`]. The async HTTP layer will
//! drive the same machine without any change here:
//!
//! ```text
//! let mut execution = Execution::new(&source, &ctx);
//! let mut response = None;
//! let credentials = loop {
//!     match execution.step(response.take())? {
//!         Step::Done(credentials) => break credentials,
//!         Step::Request(request) => response = Some(http.fetch(request).await?),
//!     }
//! };
//! ```
//!
//! (The first step of a `credential_process` source runs the program and waits for it, so an
//! async driver should make that step on a blocking thread; every other step only reads a file.)

use core::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::cache::{Clock, SystemClock};
use super::env::{env_credentials, ACCESS_KEY};
use super::metadata::read_container_token;
use super::request::{AssumeRoleRequest, ContainerRequest, ImdsRequest, NetworkRequest, WebIdentityRequest};
use super::source::{AssumeRoleSource, ContainerAuth, Source, StaticOrigin};
use super::{process, sso, web_identity, Credentials, CredentialsError};
use crate::config::{Env, Fs, SessionConfig};

/// Anything that produces credentials on demand, blocking the calling thread.
///
/// The [`CredentialsCache`](super::CredentialsCache) calls it at most once at a time.
pub trait ProvideCredentials: Send + Sync {
    fn provide_credentials(&self) -> Result<Credentials, CredentialsError>;
}

impl<F> ProvideCredentials for F
where
    F: Fn() -> Result<Credentials, CredentialsError> + Send + Sync,
{
    fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self()
    }
}

/// Performs a [`NetworkRequest`] and returns the credentials from the response (blocking).
///
/// The session layer implements this on top of its HTTP client; see each request type for what
/// the call needs.
pub trait NetworkFetcher: Send + Sync {
    fn fetch(&self, request: &NetworkRequest) -> Result<Credentials, CredentialsError>;
}

/// Supplies MFA codes for assume-role profiles with `mfa_serial`.
///
/// botocore prompts on the terminal (`getpass`) once and then refuses to refresh; here the
/// provider is asked at every load, so a long-running program can refresh if it can ask again.
/// An error is reported as [`CredentialsError::MfaCode`] with the text given.
pub trait MfaTokenProvider: Send + Sync {
    fn token_code(&self, profile: &str, mfa_serial: &str) -> Result<String, String>;
}

impl<F> MfaTokenProvider for F
where
    F: Fn(&str, &str) -> Result<String, String> + Send + Sync,
{
    fn token_code(&self, profile: &str, mfa_serial: &str) -> Result<String, String> {
        self(profile, mfa_serial)
    }
}

/// What loading reads besides the [`Source`]: environment, files, the time and MFA codes.
#[derive(Clone)]
pub struct LoadContext {
    env: Env,
    fs: Fs,
    clock: Arc<dyn Clock>,
    mfa: Option<Arc<dyn MfaTokenProvider>>,
}

impl LoadContext {
    pub fn new(env: Env, fs: Fs) -> LoadContext {
        LoadContext { env, fs, clock: Arc::new(SystemClock), mfa: None }
    }
    /// The session's environment and the real filesystem.
    pub fn from_config(config: &SessionConfig) -> LoadContext {
        LoadContext::new(config.env().clone(), Fs::real())
    }
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> LoadContext {
        self.clock = clock;
        self
    }
    pub fn with_mfa(mut self, mfa: Arc<dyn MfaTokenProvider>) -> LoadContext {
        self.mfa = Some(mfa);
        self
    }
    pub fn env(&self) -> &Env {
        &self.env
    }
    pub fn fs(&self) -> &Fs {
        &self.fs
    }
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }
}

impl fmt::Debug for LoadContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadContext")
            .field("env", &self.env)
            .field("fs", &self.fs)
            .field("mfa", &self.mfa.as_ref().map(|_| "configured"))
            .finish_non_exhaustive()
    }
}

/// What an [`Execution`] step produced.
// A step is made once per network call and moved straight to the caller, so boxing the larger
// variant would buy nothing but an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Loading finished.
    Done(Credentials),
    /// Perform this call and pass its credentials to the next [`Execution::step`].
    Request(NetworkRequest),
}

/// The loading state machine for one [`Source`]; see the module documentation.
#[derive(Debug)]
pub struct Execution<'a> {
    ctx: &'a LoadContext,
    /// The innermost source: everything but an assume-role hop.
    base: &'a Source,
    /// Role hops, innermost first.
    hops: Vec<&'a AssumeRoleSource>,
    next_hop: usize,
    started: bool,
}

impl<'a> Execution<'a> {
    pub fn new(source: &'a Source, ctx: &'a LoadContext) -> Execution<'a> {
        let mut hops = Vec::new();
        let mut base = source;
        while let Source::AssumeRole(hop) = base {
            hops.push(&**hop);
            base = &hop.source;
        }
        hops.reverse();
        Execution { ctx, base, hops, next_hop: 0, started: false }
    }

    /// Advances loading. Pass `None` on the first call and the credentials the last
    /// [`Step::Request`] produced on every later one.
    ///
    /// # Panics
    ///
    /// When called again after a request without its credentials, or after [`Step::Done`]: both
    /// are bugs in the driver, not conditions a user can cause.
    pub fn step(&mut self, response: Option<Credentials>) -> Result<Step, CredentialsError> {
        let credentials = if self.started {
            assert!(self.next_hop <= self.hops.len(), "Execution::step called after it returned Step::Done");
            response.expect("Execution::step needs the credentials of the request it returned")
        } else {
            self.started = true;
            match self.load_base()? {
                Step::Done(credentials) => credentials,
                request => return Ok(request),
            }
        };
        let Some(hop) = self.hops.get(self.next_hop).copied() else {
            self.next_hop += 1;
            return Ok(Step::Done(credentials));
        };
        self.next_hop += 1;
        Ok(Step::Request(NetworkRequest::AssumeRole(self.assume_role_request(hop, credentials)?)))
    }

    fn load_base(&self) -> Result<Step, CredentialsError> {
        let ctx = self.ctx;
        let request = match self.base {
            Source::Static(s) if s.origin == StaticOrigin::Environment => {
                // Read again, so a refresh sees what the environment holds now (botocore's
                // environment refresher does the same).
                return match env_credentials(&ctx.env)? {
                    Some(credentials) => Ok(Step::Done(credentials)),
                    None => Err(CredentialsError::PartialCredentials {
                        provider: "env",
                        location: "environment variables".into(),
                        missing: ACCESS_KEY,
                    }),
                };
            }
            Source::Static(s) => return Ok(Step::Done(s.credentials.clone())),
            Source::Process(p) => return process::run_credential_process(&p.profile, &p.command).map(Step::Done),
            Source::WebIdentity(w) => NetworkRequest::WebIdentity(WebIdentityRequest {
                role_arn: w.role_arn.clone(),
                role_session_name: self.session_name(w.role_session_name.as_deref()),
                web_identity_token: super::Secret::new(web_identity::read_token(&ctx.fs, &w.token_file)?),
            }),
            Source::Sso(s) => NetworkRequest::Sso(sso::load_request(s, &ctx.fs, ctx.now())?),
            Source::Container(c) => NetworkRequest::Container(ContainerRequest {
                url: c.url.clone(),
                authorization: match &c.auth {
                    None => None,
                    Some(ContainerAuth::Token(token)) => Some(token.clone()),
                    Some(ContainerAuth::TokenFile(path)) => Some(read_container_token(&ctx.fs, path)?),
                },
            }),
            Source::Imds(i) => NetworkRequest::Imds(ImdsRequest {
                endpoint: i.endpoint.clone(),
                timeout: i.timeout,
                attempts: i.attempts,
                v1_disabled: i.v1_disabled,
                tried: i.tried.clone(),
            }),
            Source::AssumeRole(_) => unreachable!("Execution::new unwraps every role hop"),
        };
        Ok(Step::Request(request))
    }

    fn assume_role_request(
        &self,
        hop: &AssumeRoleSource,
        source_credentials: Credentials,
    ) -> Result<AssumeRoleRequest, CredentialsError> {
        let token_code = match &hop.mfa_serial {
            None => None,
            Some(serial) => {
                let mfa_error = |reason: String| CredentialsError::MfaCode {
                    profile: hop.profile.clone(),
                    serial: serial.clone(),
                    reason,
                };
                let Some(mfa) = &self.ctx.mfa else {
                    return Err(mfa_error("no MFA token provider is configured (`LoadContext::with_mfa`)".into()));
                };
                Some(super::Secret::new(mfa.token_code(&hop.profile, serial).map_err(mfa_error)?))
            }
        };
        Ok(AssumeRoleRequest {
            profile: hop.profile.clone(),
            source_credentials,
            role_arn: hop.role_arn.clone(),
            role_session_name: self.session_name(hop.role_session_name.as_deref()),
            external_id: hop.external_id.clone(),
            serial_number: hop.mfa_serial.clone(),
            token_code,
            duration_seconds: hop.duration_seconds,
        })
    }

    /// The configured session name, or one made from the time like botocore's.
    fn session_name(&self, configured: Option<&str>) -> String {
        match configured {
            Some(name) => name.to_owned(),
            None => {
                let secs = self.ctx.now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                format!("tucuxi-session-{secs}")
            }
        }
    }
}

impl Source {
    /// Runs the local part of loading: the credentials if no network is needed, else the first
    /// network request (after reading whatever token files it needs).
    pub fn load_local(&self, ctx: &LoadContext) -> Result<Step, CredentialsError> {
        Execution::new(self, ctx).step(None)
    }
}

/// Loads `source` to the end, making network calls through `network`. Without one, a source
/// that needs the network fails with [`CredentialsError::NetworkRequired`].
pub fn load_blocking(
    source: &Source,
    ctx: &LoadContext,
    network: Option<&dyn NetworkFetcher>,
) -> Result<Credentials, CredentialsError> {
    let mut execution = Execution::new(source, ctx);
    let mut response = None;
    loop {
        match execution.step(response.take())? {
            Step::Done(credentials) => return Ok(credentials),
            Step::Request(request) => match network {
                Some(network) => response = Some(network.fetch(&request)?),
                None => return Err(CredentialsError::NetworkRequired { request: Box::new(request) }),
            },
        }
    }
}

/// A resolved source with what it needs to load, as a [`ProvideCredentials`] for the cache.
pub struct SourceProvider {
    source: Source,
    ctx: LoadContext,
    network: Option<Arc<dyn NetworkFetcher>>,
}

impl SourceProvider {
    pub fn new(source: Source, ctx: LoadContext, network: Option<Arc<dyn NetworkFetcher>>) -> SourceProvider {
        SourceProvider { source, ctx, network }
    }
    pub fn source(&self) -> &Source {
        &self.source
    }
}

impl ProvideCredentials for SourceProvider {
    fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        load_blocking(&self.source, &self.ctx, self.network.as_deref())
    }
}

impl fmt::Debug for SourceProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceProvider")
            .field("source", &self.source)
            .field("network", &self.network.as_ref().map(|_| "configured"))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::config::ProfileSet;
    use crate::credentials::{resolve_chain_with, ChainInputs};

    /// Answers every request with credentials named after the call, and records what it saw.
    #[derive(Default)]
    struct FakeNetwork {
        seen: Mutex<Vec<String>>,
    }

    impl NetworkFetcher for FakeNetwork {
        fn fetch(&self, request: &NetworkRequest) -> Result<Credentials, CredentialsError> {
            let NetworkRequest::AssumeRole(r) = request else { panic!("only roles here: {request:?}") };
            let line = format!("{} signed by {}", r.role_arn, r.source_credentials.access_key_id());
            self.seen.lock().unwrap().push(line);
            let id = format!("AKID-{}", r.role_arn.rsplit('/').next().unwrap());
            Ok(Credentials::from_parts(id, "s3cr3t", Some("s3cr3t-t".into()), None, "assume-role"))
        }
    }

    fn two_hops() -> Source {
        let profiles = ProfileSet::from_texts(
            "~/.aws/config",
            "[profile top]\nrole_arn = arn:aws:iam::2:role/Top\nsource_profile = mid\n\
             [profile mid]\nrole_arn = arn:aws:iam::1:role/Mid\nsource_profile = base\n",
            "~/.aws/credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s3cr3t\n",
        )
        .unwrap();
        let env = Env::from_pairs([("HOME", "/home/ana")]);
        let inputs = ChainInputs { profiles: &profiles, profile_name: "top", profile_is_explicit: true, env: &env };
        resolve_chain_with(inputs, None).unwrap()
    }

    #[test]
    fn role_hops_run_innermost_first_each_signed_by_the_previous() {
        let source = two_hops();
        let ctx =
            LoadContext::new(Env::from_pairs([("HOME", "/home/ana")]), Fs::from_files::<[(&str, &str); 0], _, _>([]));
        let network = FakeNetwork::default();
        let credentials = load_blocking(&source, &ctx, Some(&network)).unwrap();
        assert_eq!(credentials.access_key_id(), "AKID-Top");
        assert_eq!(
            *network.seen.lock().unwrap(),
            ["arn:aws:iam::1:role/Mid signed by AKIDBASE", "arn:aws:iam::2:role/Top signed by AKID-Mid"]
        );
    }

    #[test]
    fn without_a_network_the_error_names_the_next_call() {
        let source = two_hops();
        let ctx = LoadContext::new(Env::from_pairs([("HOME", "/h")]), Fs::from_files::<[(&str, &str); 0], _, _>([]));
        let error = load_blocking(&source, &ctx, None).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("assume-role need a network call (sts:AssumeRole)"), "{message}");
        assert!(!format!("{message}{error:?}").contains("s3cr3t"));
        let CredentialsError::NetworkRequired { request } = error else { panic!() };
        let NetworkRequest::AssumeRole(request) = *request else { panic!() };
        assert_eq!(request.role_session_name.split('-').take(2).collect::<Vec<_>>(), ["tucuxi", "session"]);
    }

    #[test]
    #[should_panic(expected = "needs the credentials")]
    fn resuming_without_the_response_is_a_driver_bug() {
        let source = two_hops();
        let ctx = LoadContext::new(Env::from_pairs([("HOME", "/h")]), Fs::from_files::<[(&str, &str); 0], _, _>([]));
        let mut execution = Execution::new(&source, &ctx);
        assert!(matches!(execution.step(None), Ok(Step::Request(_))));
        let _ = execution.step(None);
    }

    #[test]
    fn shared_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Source>();
        check::<LoadContext>();
        check::<Execution<'static>>();
        check::<CredentialsError>();
        check::<SourceProvider>();
        check::<crate::credentials::CredentialsCache>();
    }
}
