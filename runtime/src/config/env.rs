//! The environment and the filesystem, behind shims so the whole configuration layer can be tested
//! with in-memory fixtures.
//!
//! Both shims are cheap to clone: the real variants hold nothing and the fixture variants share
//! their data behind an `Arc`.

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Map;

use super::is_secret_name;

/// Where environment variables come from: the process environment or a fixed set of pairs.
#[derive(Clone)]
pub struct Env {
    /// `None` reads the process environment at each lookup, so a `SessionConfig` sees variables
    /// set after it was created, as botocore does (it reads `os.environ` lazily too).
    vars: Option<Arc<Map<String, String>>>,
}

impl Env {
    /// The process environment.
    pub fn real() -> Env {
        Env { vars: None }
    }

    /// A fixed environment, for tests. Later pairs replace earlier ones with the same name.
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env { vars: Some(Arc::new(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())) }
    }

    /// The value of a variable. A variable set to the empty string is returned as `Some("")`; the
    /// settings resolver is the one that decides empty means unset.
    pub fn get(&self, name: &str) -> Option<String> {
        match &self.vars {
            // A variable that is not valid Unicode cannot name a region or a path we could use,
            // so it is treated as unset rather than failing the whole session.
            None => std::env::var(name).ok(),
            Some(vars) => vars.get(name).cloned(),
        }
    }

    /// The value of a variable, treating the empty string as unset.
    ///
    /// Shells make `export AWS_PROFILE=` the usual way to "clear" a variable, so every setting
    /// the resolver reads goes through this (botocore would use the empty string as the value).
    pub(crate) fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The user's home directory, as Python's `os.path.expanduser("~")` finds it.
    ///
    /// On Unix that is `HOME`; on Windows `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`. Each
    /// platform then falls back to the other's variable, so a fixture environment works the same
    /// on every platform, and only the real environment asks the OS (the password database) last.
    pub fn home_dir(&self) -> Option<PathBuf> {
        let home = self.get_non_empty("HOME");
        let profile = self.get_non_empty("USERPROFILE");
        let drive_path = match (self.get_non_empty("HOMEDRIVE"), self.get_non_empty("HOMEPATH")) {
            (Some(drive), Some(path)) => Some(format!("{drive}{path}")),
            _ => None,
        };
        let found = if cfg!(windows) { profile.or(drive_path).or(home) } else { home.or(profile).or(drive_path) };
        match found {
            Some(dir) => Some(PathBuf::from(dir)),
            // `std::env::home_dir` was deprecated for its Windows behaviour until Rust 1.86; on
            // Unix it reads the password database, which is what Python does without `HOME`.
            #[allow(deprecated)]
            None if self.vars.is_none() => std::env::home_dir(),
            None => None,
        }
    }

    /// Expands `$NAME` / `${NAME}` and a leading `~`, as botocore does for `AWS_CONFIG_FILE` and
    /// `AWS_SHARED_CREDENTIALS_FILE` (`os.path.expandvars` then `os.path.expanduser`).
    ///
    /// Unknown variables and `~user` are left as written, like Python, so the resulting path
    /// simply does not exist and the file counts as missing.
    pub fn expand_path(&self, path: &str) -> PathBuf {
        let expanded = self.expand_vars(path);
        PathBuf::from(self.expand_user(&expanded))
    }

    /// Python's `posixpath.expandvars`: `$` followed by word characters, or `${...}`.
    fn expand_vars(&self, path: &str) -> String {
        if !path.contains('$') {
            return path.to_owned();
        }
        let mut out = String::with_capacity(path.len());
        let mut rest = path;
        while let Some(dollar) = rest.find('$') {
            out.push_str(&rest[..dollar]);
            let after = &rest[dollar + 1..];
            let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(close) => (&braced[..close], close + 2),
                    None => ("", 0),
                }
            } else {
                let len: usize =
                    after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
                (&after[..len], len)
            };
            match (consumed, self.get(name)) {
                (1.., Some(value)) if !name.is_empty() => {
                    out.push_str(&value);
                    rest = &after[consumed..];
                }
                // Not a reference to a set variable: keep the `$` and carry on after it.
                _ => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Python's `os.path.expanduser` for the current user only.
    fn expand_user(&self, path: &str) -> String {
        let Some(after) = path.strip_prefix('~') else { return path.to_owned() };
        let is_sep = |c: char| c == '/' || (cfg!(windows) && c == '\\');
        if !after.is_empty() && !after.starts_with(is_sep) {
            return path.to_owned();
        }
        match self.home_dir() {
            Some(home) => {
                let home = home.to_string_lossy().into_owned();
                // Python strips the trailing separator of the home directory before joining, so
                // `HOME=/` gives `/.aws/config` rather than `//.aws/config`.
                let trimmed = home.trim_end_matches(is_sep);
                let joined = format!("{trimmed}{after}");
                if joined.is_empty() {
                    "/".to_owned()
                } else {
                    joined
                }
            }
            None => path.to_owned(),
        }
    }
}

impl fmt::Debug for Env {
    /// A fixture environment may hold `AWS_SECRET_ACCESS_KEY` or `AWS_SESSION_TOKEN`, so their
    /// values are redacted like profile secrets are, and proxy URLs (`HTTPS_PROXY`, ...) lose
    /// their user info, which may hold the proxy's password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.vars {
            None => f.write_str("Env::real()"),
            Some(vars) => {
                let mut map = f.debug_map();
                for (name, value) in vars.iter() {
                    if is_secret_name(name) {
                        map.entry(name, &super::Redacted);
                    } else if name.to_ascii_lowercase().ends_with("_proxy") {
                        map.entry(name, &crate::http::without_userinfo(value));
                    } else {
                        map.entry(name, value);
                    }
                }
                map.finish()
            }
        }
    }
}

/// Where configuration files are read from: the real filesystem or a fixed set of files.
#[derive(Clone)]
pub struct Fs {
    /// `None` is the real filesystem. A fixture file is either contents or the error reading it
    /// gives, so tests can cover unreadable files.
    files: Option<Arc<Map<PathBuf, Result<String, io::ErrorKind>>>>,
}

impl Fs {
    /// The real filesystem.
    pub fn real() -> Fs {
        Fs { files: None }
    }

    /// A fixed set of files, for tests. Any other path reads as not found.
    pub fn from_files<I, P, C>(files: I) -> Fs
    where
        I: IntoIterator<Item = (P, C)>,
        P: Into<PathBuf>,
        C: Into<String>,
    {
        Fs { files: Some(Arc::new(files.into_iter().map(|(p, c)| (p.into(), Ok(c.into()))).collect())) }
    }

    /// Adds a fixture file whose read fails with `kind` (for example `PermissionDenied`).
    ///
    /// On the real filesystem this has no effect: it exists for tests only.
    pub fn with_error(mut self, path: impl Into<PathBuf>, kind: io::ErrorKind) -> Fs {
        if let Some(files) = &mut self.files {
            Arc::make_mut(files).insert(path.into(), Err(kind));
        }
        self
    }

    /// The contents of a UTF-8 file.
    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match &self.files {
            None => std::fs::read_to_string(path),
            Some(files) => match files.get(path) {
                Some(Ok(contents)) => Ok(contents.clone()),
                Some(Err(kind)) => Err(io::Error::new(*kind, "fixture read error")),
                None => Err(io::Error::new(io::ErrorKind::NotFound, "no such fixture file")),
            },
        }
    }
}

impl fmt::Debug for Fs {
    /// Fixture contents may hold secrets, so only the paths are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.files {
            None => f.write_str("Fs::real()"),
            Some(files) => f.debug_set().entries(files.keys()).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_dir_comes_from_home_then_userprofile() {
        let env = Env::from_pairs([("HOME", "/home/ana"), ("USERPROFILE", r"C:\Users\ana")]);
        let expected = if cfg!(windows) { r"C:\Users\ana" } else { "/home/ana" };
        assert_eq!(env.home_dir(), Some(PathBuf::from(expected)));
        let env = Env::from_pairs([("USERPROFILE", r"C:\Users\ana")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from(r"C:\Users\ana")));
        let env = Env::from_pairs([("HOMEDRIVE", "D:"), ("HOMEPATH", r"\ana")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from(r"D:\ana")));
        // An empty HOME is as good as none: joining it would make the path relative.
        assert_eq!(Env::from_pairs([("HOME", "")]).home_dir(), None);
    }

    #[test]
    fn expand_path_handles_tilde_and_variables_like_python() {
        let env = Env::from_pairs([("HOME", "/home/ana/"), ("DIR", "/etc/aws"), ("EMPTY", "")]);
        assert_eq!(env.expand_path("~/.aws/config"), PathBuf::from("/home/ana/.aws/config"));
        assert_eq!(env.expand_path("~"), PathBuf::from("/home/ana"));
        // `~user` is another user's home, which Python looks up in the password database; we
        // leave it unexpanded, so the file is simply not found.
        assert_eq!(env.expand_path("~bob/config"), PathBuf::from("~bob/config"));
        assert_eq!(env.expand_path("a~/b"), PathBuf::from("a~/b"));
        assert_eq!(env.expand_path("$DIR/config"), PathBuf::from("/etc/aws/config"));
        assert_eq!(env.expand_path("${DIR}x/config"), PathBuf::from("/etc/awsx/config"));
        assert_eq!(env.expand_path("$EMPTY/config"), PathBuf::from("/config"));
        // Unset variables and lone dollars stay as written, as in `os.path.expandvars`.
        assert_eq!(env.expand_path("$NOPE/${NOPE}/$/${/a$"), PathBuf::from("$NOPE/${NOPE}/$/${/a$"));
        assert_eq!(Env::from_pairs([("HOME", "/")]).expand_path("~/.aws"), PathBuf::from("/.aws"));
        assert_eq!(Env::from_pairs::<[(&str, &str); 0], _, _>([]).expand_path("~/x"), PathBuf::from("~/x"));
    }

    #[test]
    fn fixture_fs_reads_files_and_reports_errors() {
        let fs = Fs::from_files([("/a", "x")]).with_error("/b", io::ErrorKind::PermissionDenied);
        assert_eq!(fs.read_to_string(Path::new("/a")).unwrap(), "x");
        assert_eq!(fs.read_to_string(Path::new("/b")).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(fs.read_to_string(Path::new("/c")).unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(format!("{fs:?}"), r#"{"/a", "/b"}"#);
    }

    #[test]
    fn env_debug_redacts_secret_variables() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
            ("AWS_SESSION_TOKEN", "FwoGZXIvYXdz"),
        ]);
        let debug = format!("{env:?}");
        assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
        assert!(!debug.contains("wJalrXUtnFEMI") && !debug.contains("FwoGZXIvYXdz"), "{debug}");
    }
}
