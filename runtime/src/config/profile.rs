//! Profiles, `[sso-session]` and `[services]` sections, built from both files as botocore does.
//!
//! botocore's `build_profile_map` sorts the config file's sections by prefix: a section whose name
//! *starts with* `profile` and splits (shell-style, so `profile "my dev"` works) into exactly two
//! words is a profile; likewise `sso-session` and `services`; `default` is the default profile;
//! everything else is ignored. The rules are kept to the letter, including the odd corners:
//! `[profile my dev]` (three words) and `[profiles dev]`-style prefixes behave as in the CLI, and
//! when both `[default]` and `[profile default]` exist the one **later in the file** wins whole.
//!
//! The credentials file is read raw: every section is a profile named exactly as written, and its
//! keys replace the config file's keys of the same profile one by one (`dict.update`).

use core::fmt;
use std::io;

use super::env::{Env, Fs};
use super::parse::{self, shlex_split, Property, Sections};
use super::ConfigError;
use crate::Map;

/// Which kind of section a [`Section`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Profile,
    SsoSession,
    Services,
}

/// A named section of properties: a profile, an `[sso-session]` or a `[services]` section.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    kind: SectionKind,
    name: String,
    properties: Map<String, Property>,
}

/// Profiles are sections; the alias keeps call sites saying what they mean.
pub type Profile = Section;

impl Section {
    pub fn kind(&self) -> SectionKind {
        self.kind
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// A plain value. Keys are lowercase (the parser lowercases them, as configparser does).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties.get(key)?.as_str()
    }
    /// A key's value with its origin, plain or nested.
    pub fn property(&self, key: &str) -> Option<&Property> {
        self.properties.get(key)
    }
    /// A value inside a nested block, such as `get_nested("s3", "addressing_style")`.
    ///
    /// Sub-keys keep the case they were written in (botocore does not lowercase them either).
    pub fn get_nested(&self, section: &str, key: &str) -> Option<&str> {
        self.nested_property(section, key)?.as_str()
    }
    pub fn nested_property(&self, section: &str, key: &str) -> Option<&Property> {
        self.properties.get(section)?.nested()?.get(key)
    }
    /// All properties, in file order (credentials-file keys new to the profile come last).
    pub fn properties(&self) -> &Map<String, Property> {
        &self.properties
    }
    /// How this section's header is written in the config file, such as `[profile dev]`.
    pub fn header(&self) -> String {
        section_header(self.kind, &self.name)
    }
}

impl fmt::Debug for Section {
    /// `Property`'s `Debug` redacts secrets, so this can show everything else.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SectionKind::Profile => "Profile",
            SectionKind::SsoSession => "SsoSession",
            SectionKind::Services => "Services",
        };
        f.debug_struct(kind).field("name", &self.name).field("properties", &self.properties).finish()
    }
}

/// The config-file header for a section: `[default]`, `[profile dev]`, `[services local]`.
pub(crate) fn section_header(kind: SectionKind, name: &str) -> String {
    let name_q = quote_section_name(name);
    match kind {
        SectionKind::Profile if name == "default" => "[default]".to_owned(),
        SectionKind::Profile => format!("[profile {name_q}]"),
        SectionKind::SsoSession => format!("[sso-session {name_q}]"),
        SectionKind::Services => format!("[services {name_q}]"),
    }
}

/// Quotes a name so botocore's `shlex.split` reads it back as one word.
pub(crate) fn quote_section_name(name: &str) -> String {
    let plain =
        !name.is_empty() && !name.chars().any(|c| matches!(c, ' ' | '\t' | '\r' | '\n' | '"' | '\'' | '\\' | ']'));
    if plain {
        return name.to_owned();
    }
    let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// How the profile in use was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileSelection {
    /// Named in code (`Session::builder().profile(..)`).
    Explicit,
    /// Named by an environment variable (`AWS_PROFILE` or `AWS_DEFAULT_PROFILE`).
    Env(&'static str),
    /// Nothing named one, so `default` is used, and it may be absent.
    Default,
}

impl ProfileSelection {
    /// The profile name to use: explicit > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` > `default`.
    ///
    /// botocore reads `AWS_DEFAULT_PROFILE` before `AWS_PROFILE`; the AWS CLI v2 and every other
    /// AWS SDK read `AWS_PROFILE` first, and a user who sets both means the newer one. Empty
    /// variables count as unset.
    pub fn resolve(explicit: Option<&str>, env: &Env) -> (String, ProfileSelection) {
        if let Some(name) = explicit {
            return (name.to_owned(), ProfileSelection::Explicit);
        }
        for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            if let Some(name) = env.get_non_empty(var) {
                return (name, ProfileSelection::Env(var));
            }
        }
        ("default".to_owned(), ProfileSelection::Default)
    }
}

impl fmt::Display for ProfileSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileSelection::Explicit => f.write_str("selected with `Session::builder().profile(..)`"),
            ProfileSelection::Env(var) => write!(f, "selected by `{var}`"),
            ProfileSelection::Default => f.write_str("used because no profile was selected"),
        }
    }
}

/// Every profile, sso-session and services section of the config and credentials files.
#[derive(Clone, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: Map<String, Profile>,
    sso_sessions: Map<String, Section>,
    services: Map<String, Section>,
    config_path: String,
    credentials_path: String,
}

impl ProfileSet {
    /// Where the config file is when `AWS_CONFIG_FILE` is unset.
    pub const DEFAULT_CONFIG_PATH: &'static str = "~/.aws/config";
    /// Where the credentials file is when `AWS_SHARED_CREDENTIALS_FILE` is unset.
    pub const DEFAULT_CREDENTIALS_PATH: &'static str = "~/.aws/credentials";

    /// Reads `AWS_CONFIG_FILE` (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE`
    /// (default `~/.aws/credentials`).
    ///
    /// A missing file (or a directory, as botocore checks `os.path.isfile`) reads as empty. A file
    /// that exists but cannot be read is an error, where botocore silently skips it (configparser
    /// swallows `OSError`): credentials that vanish because of a permission change are better
    /// reported than replaced by whatever the next provider finds.
    pub fn load(env: &Env, fs: &Fs) -> Result<ProfileSet, ConfigError> {
        let config_path = env.get_non_empty("AWS_CONFIG_FILE").unwrap_or_else(|| Self::DEFAULT_CONFIG_PATH.into());
        let credentials_path =
            env.get_non_empty("AWS_SHARED_CREDENTIALS_FILE").unwrap_or_else(|| Self::DEFAULT_CREDENTIALS_PATH.into());
        let config = read_file(env, fs, &config_path)?;
        let credentials = read_file(env, fs, &credentials_path)?;
        Ok(Self::build(config_path, config.unwrap_or_default(), credentials_path, credentials.unwrap_or_default()))
    }

    /// Builds a set from file contents directly; the paths are used in messages only.
    pub fn from_texts(
        config_path: &str,
        config: &str,
        credentials_path: &str,
        credentials: &str,
    ) -> Result<ProfileSet, ConfigError> {
        let config_sections = parse::parse(config_path, config)?;
        let credentials_sections = parse::parse(credentials_path, credentials)?;
        Ok(Self::build(config_path.into(), config_sections, credentials_path.into(), credentials_sections))
    }

    fn build(config_path: String, config: Sections, credentials_path: String, credentials: Sections) -> ProfileSet {
        let mut set = ProfileSet {
            profiles: Map::new(),
            sso_sessions: Map::new(),
            services: Map::new(),
            config_path,
            credentials_path,
        };
        for (name, properties) in config {
            let (kind, prefix) = if name.starts_with("profile") {
                (SectionKind::Profile, true)
            } else if name.starts_with("sso-session") {
                (SectionKind::SsoSession, true)
            } else if name.starts_with("services") {
                (SectionKind::Services, true)
            } else if name == "default" {
                (SectionKind::Profile, false)
            } else {
                // `[plugins]`, `[preview]` and the like are CLI settings, not ours.
                continue;
            };
            let name = if prefix {
                // botocore keeps a prefixed section only when it splits into exactly two words.
                match shlex_split(&name).as_deref() {
                    Some([_, name]) => name.clone(),
                    _ => continue,
                }
            } else {
                name
            };
            let target = match kind {
                SectionKind::Profile => &mut set.profiles,
                SectionKind::SsoSession => &mut set.sso_sessions,
                SectionKind::Services => &mut set.services,
            };
            // A later section with the same resulting name replaces the earlier one entirely
            // (botocore's `dict.update`), keeping its position in the listing.
            target.insert(name.clone(), Section { kind, name, properties });
        }
        for (name, properties) in credentials {
            match set.profiles.get_mut(&name) {
                Some(profile) => profile.properties.extend(properties),
                None => {
                    let profile = Section { kind: SectionKind::Profile, name: name.clone(), properties };
                    set.profiles.insert(name, profile);
                }
            }
        }
        set
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }
    /// Profile names in file order (config file first, then profiles only in credentials).
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }
    /// The config file as configured (for messages), such as `~/.aws/config`.
    pub fn config_path(&self) -> &str {
        &self.config_path
    }
    pub fn credentials_path(&self) -> &str {
        &self.credentials_path
    }

    /// Chooses the profile in use (see [`ProfileSelection::resolve`]).
    ///
    /// A profile named explicitly or by the environment must exist, even when it is `default`,
    /// as in botocore (`ProfileNotFound`). When nothing named one, `default` is used and may be
    /// absent: then every profile lookup simply finds nothing.
    pub fn select(&self, explicit: Option<&str>, env: &Env) -> Result<(String, ProfileSelection), ConfigError> {
        let (name, selected_by) = ProfileSelection::resolve(explicit, env);
        if selected_by != ProfileSelection::Default && !self.profiles.contains_key(&name) {
            return Err(ConfigError::ProfileNotFound {
                profile: name,
                selected_by,
                available: self.profiles.keys().cloned().collect(),
                config_path: self.config_path.clone(),
                credentials_path: self.credentials_path.clone(),
            });
        }
        Ok((name, selected_by))
    }
}

impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileSet")
            .field("config_path", &self.config_path)
            .field("credentials_path", &self.credentials_path)
            .field("profiles", &self.profiles)
            .field("sso_sessions", &self.sso_sessions)
            .field("services", &self.services)
            .finish()
    }
}

/// Reads and parses one file; `None` when botocore would consider it absent.
fn read_file(env: &Env, fs: &Fs, configured: &str) -> Result<Option<Sections>, ConfigError> {
    let path = env.expand_path(configured);
    match fs.read_to_string(&path) {
        Ok(text) => parse::parse(configured, &text).map(Some),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::IsADirectory) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => Ok(None),
        Err(error) => Err(ConfigError::Read { path: configured.to_owned(), error }),
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
