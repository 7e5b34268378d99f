//! The AWS shared configuration: `~/.aws/config`, `~/.aws/credentials` and the `AWS_*`
//! environment variables, resolved the way botocore (and so boto3 and the AWS CLI) does.
//!
//! - [`env`](mod@env): the [`Env`] and [`Fs`] shims everything reads through, so tests use fixtures.
//! - [`parse`]: the INI dialect of botocore's `raw_config_parse` (Python's `configparser`).
//! - [`profile`]: the [`ProfileSet`] built from both files and the profile selection rules.
//! - [`resolve`]: [`SessionConfig`], each setting resolved explicit > environment > profile.
//!
//! Where this layer deliberately differs from botocore, the item's documentation says so.

use core::fmt;
use std::io;

pub mod env;
pub mod parse;
pub mod profile;
pub mod resolve;

pub use env::{Env, Fs};
pub use parse::{Origin, Property, PropertyValue};
pub use profile::{Profile, ProfileSelection, ProfileSet, Section, SectionKind};
pub(crate) use resolve::{valid_region, REGION_EXPECTED};
pub use resolve::{
    AccountIdEndpointMode, AddressingStyle, ChecksumWhen, EndpointDiscoveryMode, RegionalEndpoints, RetryMode,
    S3Config, SessionConfig, SessionOverrides,
};

/// A resolved setting and where its value came from, so messages can point at the right place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Set in code; the name is the builder method (`"region"`, `"max_attempts"`, ...).
    Explicit(&'static str),
    /// An environment variable, by name.
    Env(String),
    /// A key in a configuration file. Nested keys are written `s3.addressing_style`.
    File { key: String, origin: Origin },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit(method) => write!(f, "`Session::builder().{method}(..)`"),
            Source::Env(name) => write!(f, "environment variable `{name}`"),
            Source::File { key, origin } => write!(f, "`{key}` in {origin}"),
        }
    }
}

/// Everything that can go wrong reading the shared configuration.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// A configuration file is not in the INI dialect botocore accepts.
    Parse { path: String, line: usize, message: String },
    /// A configuration file exists but could not be read (permissions, not UTF-8, ...).
    Read { path: String, error: io::Error },
    /// The selected profile is in neither file.
    ProfileNotFound {
        profile: String,
        selected_by: ProfileSelection,
        available: Vec<String>,
        config_path: String,
        credentials_path: String,
    },
    /// A region is needed and none is configured anywhere.
    NoRegion { profile: String, selected_by: ProfileSelection, config_path: String },
    /// A setting's value is not one its consumer accepts.
    InvalidValue { source: Source, value: String, expected: String },
    /// The profile's `services = name` points at a `[services name]` section that is missing.
    MissingServicesSection { name: String, source: Source, config_path: String },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Parse { path, line, message } => write!(f, "{path} line {line}: {message}"),
            ConfigError::Read { path, error } => write!(f, "could not read {path}: {error}"),
            ConfigError::ProfileNotFound { profile, selected_by, available, config_path, credentials_path } => {
                write!(
                    f,
                    "the config profile `{profile}` ({selected_by}) could not be found in {config_path} or \
                     {credentials_path}; "
                )?;
                if available.is_empty() {
                    f.write_str("no profiles are defined")?;
                } else {
                    f.write_str("available profiles: ")?;
                    for (i, name) in available.iter().enumerate() {
                        write!(f, "{}`{name}`", if i == 0 { "" } else { ", " })?;
                    }
                }
                write!(
                    f,
                    ". Add a `{}` section to {config_path} or a `[{profile}]` section to {credentials_path}",
                    profile::section_header(SectionKind::Profile, profile),
                )
            }
            ConfigError::NoRegion { profile, selected_by, config_path } => {
                let header = profile::section_header(SectionKind::Profile, profile);
                write!(
                    f,
                    "no AWS region is configured; set one in any of these ways:\n  \
                     - in code: `Session::builder().region(\"us-east-1\")`\n  \
                     - in the environment: `AWS_REGION=us-east-1` (or `AWS_DEFAULT_REGION`)\n  \
                     - in {config_path}, under `{header}` (the profile in use, {selected_by}): `region = us-east-1`"
                )
            }
            ConfigError::InvalidValue { source, value, expected } => {
                write!(f, "{source} is `{value}`, but expected {expected}")
            }
            ConfigError::MissingServicesSection { name, source, config_path } => write!(
                f,
                "{source} names a `{}` section, but {config_path} has no such section",
                profile::section_header(SectionKind::Services, name)
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Whether a key or variable name holds a secret that `Debug` must not show.
///
/// The rule is by name, not by a list, so new secret-bearing keys (`aws_session_token`,
/// `sso_..._token`, `AWS_SECRET_ACCESS_KEY`) are covered without anyone remembering to add them.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("secret") || lower.contains("token")
}

/// What `Debug` prints instead of a secret; the same text as `Credentials` uses.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}
