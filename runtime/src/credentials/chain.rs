//! Resolution: which credential source applies, in botocore's order, with botocore's errors.
//!
//! This mirrors `create_credential_resolver` and the providers it builds, minus their I/O:
//!
//! 1. explicit credentials;
//! 2. the environment, unless the profile was named in code (`disable_env_vars`);
//! 3. assume-role, when the profile has `role_arn` (and no `web_identity_token_file`);
//! 4. the profile providers (`ChainResolver::profile_chain`): web identity, SSO, the shared
//!    credentials file, `credential_process`, the config file's keys;
//! 5. the container endpoint;
//! 6. IMDS, unless `AWS_EC2_METADATA_DISABLED=true`.
//!
//! The first provider that applies wins, and a provider that applies but is misconfigured fails
//! the whole chain instead of letting a later one answer, as in botocore. Only IMDS is decided
//! without knowing the answer (whether an instance role exists), so it is chosen whenever it is
//! enabled and the HTTP layer reports "no credentials" if it does not answer.

use super::env::{env_credentials, key_location};
use super::metadata::{imds_disabled, resolve_container, resolve_imds};
use super::profile::{file_credentials, has_assume_role_vars, has_static_keys, role_config, KeyFile, RoleSourceRef};
use super::source::{AssumeRoleSource, CredentialSourceName, RoleSourceKind, Source, StaticOrigin, StaticSource};
use super::{sso, web_identity, Credentials, CredentialsError};
use crate::config::{Env, ProfileSelection, ProfileSet, SessionConfig};

/// What resolution reads, for callers that have no [`SessionConfig`].
#[derive(Clone, Copy, Debug)]
pub struct ChainInputs<'a> {
    pub profiles: &'a ProfileSet,
    /// The profile in use (it may be absent from the files only when it is the implicit `default`).
    pub profile_name: &'a str,
    /// Whether the profile was named in code, which turns the environment providers off.
    pub profile_is_explicit: bool,
    pub env: &'a Env,
}

impl<'a> From<&'a SessionConfig> for ChainInputs<'a> {
    fn from(config: &'a SessionConfig) -> Self {
        ChainInputs {
            profiles: config.profiles(),
            profile_name: config.profile_name(),
            profile_is_explicit: config.profile_selection() == ProfileSelection::Explicit,
            env: config.env(),
        }
    }
}

/// Chooses the credential source for a session: `explicit` credentials if given, else the first
/// provider of botocore's chain that applies.
pub fn resolve_chain(config: &SessionConfig, explicit: Option<Credentials>) -> Result<Source, CredentialsError> {
    resolve_chain_with(ChainInputs::from(config), explicit)
}

/// [`resolve_chain`] from its parts.
pub fn resolve_chain_with(inputs: ChainInputs<'_>, explicit: Option<Credentials>) -> Result<Source, CredentialsError> {
    if let Some(credentials) = explicit {
        return Ok(Source::Static(StaticSource { credentials, origin: StaticOrigin::Explicit }));
    }
    ChainResolver { inputs, tried: Vec::new() }.resolve()
}

struct ChainResolver<'a> {
    inputs: ChainInputs<'a>,
    /// Providers consulted so far, for the "no credentials" message.
    tried: Vec<String>,
}

impl ChainResolver<'_> {
    fn resolve(mut self) -> Result<Source, CredentialsError> {
        let ChainInputs { profiles, profile_name, profile_is_explicit, env } = self.inputs;
        if profile_is_explicit {
            // botocore drops the environment provider when the profile is named in code: asking
            // for a profile by name means its credentials, not whatever the shell exported.
            self.tried.push("env (skipped: the profile was named in code)".into());
        } else {
            if let Some(credentials) = env_credentials(env)? {
                return Ok(Source::Static(StaticSource { credentials, origin: StaticOrigin::Environment }));
            }
            self.tried.push("env".into());
        }
        if let Some(profile) = profiles.profile(profile_name) {
            if has_assume_role_vars(profile) {
                let mut visited = vec![profile_name.to_owned()];
                return self.assume_role(profile_name, &mut visited);
            }
        }
        if let Some(source) = self.profile_chain(profile_name, !profile_is_explicit)? {
            return Ok(source);
        }
        self.tried.push(match profiles.profile(profile_name) {
            Some(_) => format!(
                "profile `{profile_name}` (assume-role, assume-role-with-web-identity, sso, shared-credentials-file, \
                 custom-process, config-file)"
            ),
            None => format!("profile `{profile_name}` (not defined)"),
        });
        if let Some(container) = resolve_container(env)? {
            return Ok(Source::Container(container));
        }
        self.tried.push("container-role".into());
        let session_profile = profiles.profile(profile_name);
        match resolve_imds(env, session_profile, self.tried.clone())? {
            Some(imds) => Ok(Source::Imds(imds)),
            None => {
                self.tried.push("iam-role (disabled by AWS_EC2_METADATA_DISABLED)".into());
                Err(CredentialsError::NoCredentials { tried: self.tried })
            }
        }
    }

    /// botocore's `ProfileProviderBuilder.providers`: the providers that read one profile, used
    /// for the session's profile and for every `source_profile`. `use_env` is false for source
    /// profiles and when the profile was named in code (botocore's `disable_env_vars`), and only
    /// affects web identity's `AWS_WEB_IDENTITY_TOKEN_FILE` / `AWS_ROLE_ARN`.
    fn profile_chain(&self, name: &str, use_env: bool) -> Result<Option<Source>, CredentialsError> {
        let ChainInputs { profiles, env, .. } = self.inputs;
        let profile = profiles.profile(name);
        if let Some(found) = web_identity::resolve(env, profile, use_env)? {
            return Ok(Some(Source::WebIdentity(found)));
        }
        if let Some(found) = sso::resolve(env, profiles, name)? {
            return Ok(Some(Source::Sso(found)));
        }
        if let Some(found) = file_credentials(profiles, name, KeyFile::Credentials)? {
            return Ok(Some(Source::Static(found)));
        }
        if let Some(command) = profile.and_then(|p| p.get("credential_process")).filter(|c| !c.trim().is_empty()) {
            return Ok(Some(Source::Process(super::ProcessSource {
                profile: name.to_owned(),
                command: command.to_owned(),
            })));
        }
        if let Some(found) = file_credentials(profiles, name, KeyFile::Config)? {
            return Ok(Some(Source::Static(found)));
        }
        Ok(None)
    }

    /// botocore's `AssumeRoleProvider._load_creds_via_assume_role` for profile `name`, which has
    /// `role_arn`. `visited` holds the profiles of the chain so far, starting with the session's.
    fn assume_role(&self, name: &str, visited: &mut Vec<String>) -> Result<Source, CredentialsError> {
        let profiles = self.inputs.profiles;
        let profile = profiles.profile(name).expect("callers check that the profile exists");
        let config = role_config(profile)?;
        let (source_kind, source) = match config.source {
            RoleSourceRef::CredentialSource(which) => {
                (RoleSourceKind::CredentialSource(which), self.named_source(name, which)?)
            }
            RoleSourceRef::SourceProfile(source_name) => {
                let Some(source_profile) = profiles.profile(source_name) else {
                    return Err(CredentialsError::SourceProfileNotFound {
                        profile: name.to_owned(),
                        source_profile: source_name.to_owned(),
                        location: key_location(profile, "source_profile"),
                        available: profiles.profile_names().map(str::to_owned).collect(),
                    });
                };
                // A profile may name itself to take its role's source keys from its own static
                // keys; any other return to a visited profile is a loop.
                let self_with_keys = source_name == name && has_static_keys(source_profile);
                if visited.iter().any(|v| v == source_name) && !self_with_keys {
                    return Err(CredentialsError::SourceProfileLoop {
                        visited: visited.clone(),
                        repeated: source_name.to_owned(),
                    });
                }
                visited.push(source_name.to_owned());
                let source = if has_static_keys(source_profile) || !has_assume_role_vars(source_profile) {
                    // The source profile's own credentials, found by the profile providers with
                    // the environment off; its `role_arn`, if any, is ignored next to static keys.
                    match self.profile_chain(source_name, false)? {
                        Some(source) => source,
                        None => {
                            return Err(CredentialsError::SourceProfileWithoutCredentials {
                                profile: source_name.to_owned(),
                                referenced_by: name.to_owned(),
                            })
                        }
                    }
                } else {
                    self.assume_role(source_name, visited)?
                };
                (RoleSourceKind::SourceProfile(source_name.to_owned()), source)
            }
        };
        Ok(Source::AssumeRole(Box::new(AssumeRoleSource {
            profile: name.to_owned(),
            role_arn: config.role_arn.to_owned(),
            source_kind,
            source,
            external_id: config.external_id.map(str::to_owned),
            role_session_name: config.role_session_name.map(str::to_owned),
            duration_seconds: config.duration_seconds,
            mfa_serial: config.mfa_serial.map(str::to_owned),
        })))
    }

    /// botocore's `CanonicalNameCredentialSourcer`: the provider a `credential_source` names,
    /// which must find something. It reads the environment even when the profile was named in
    /// code, because the profile itself asks for it.
    fn named_source(&self, profile: &str, which: CredentialSourceName) -> Result<Source, CredentialsError> {
        let ChainInputs { profiles, profile_name, env, .. } = self.inputs;
        let empty = |reason: &str| CredentialsError::CredentialSourceEmpty {
            profile: profile.to_owned(),
            credential_source: which.as_str(),
            reason: reason.to_owned(),
        };
        match which {
            CredentialSourceName::Environment => match env_credentials(env)? {
                Some(credentials) => {
                    Ok(Source::Static(StaticSource { credentials, origin: StaticOrigin::Environment }))
                }
                None => Err(empty("AWS_ACCESS_KEY_ID is not set")),
            },
            CredentialSourceName::EcsContainer => match resolve_container(env)? {
                Some(container) => Ok(Source::Container(container)),
                None => Err(empty("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is set")),
            },
            CredentialSourceName::Ec2InstanceMetadata => {
                let tried = vec![format!("credential_source Ec2InstanceMetadata (profile `{profile}`)")];
                match resolve_imds(env, profiles.profile(profile_name), tried)? {
                    Some(imds) => Ok(Source::Imds(imds)),
                    None if imds_disabled(env) => Err(empty("AWS_EC2_METADATA_DISABLED is true")),
                    None => Err(empty("IMDS is disabled")),
                }
            }
        }
    }
}
