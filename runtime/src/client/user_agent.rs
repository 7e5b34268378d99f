//! The User-Agent every request carries, in the AWS SDKs' format as botocore's `useragent.py`
//! builds it, with tucuxi in botocore's place:
//!
//! `tucuxi/0.1.0 ua/2.1 os/linux#6.1.0 md/arch#x86_64 lang/rust#1.87.0 cfg/retry-mode#standard
//! app/my-app my-extra`
//!
//! `exec-env/...` (from `AWS_EXECUTION_ENV`) follows the language when set; `app/<id>` is the
//! session's `user_agent_appid`; the session's `user_agent_extra` is appended as it is. It is
//! built once per client, and never signed (botocore does not sign it either).

use http::header::HeaderValue;

use crate::config::SessionConfig;
use crate::retry::RetryMode;

/// The OS names the format knows; others are sent as `os/other md/<name>`.
const KNOWN_OS: &[&str] = &["windows", "linux", "macos", "android", "ios", "watchos", "tvos", "other"];

/// What goes into a User-Agent, gathered so that building it is a pure function.
struct Parts<'a> {
    os: &'a str,
    os_version: Option<&'a str>,
    arch: &'a str,
    rustc: &'a str,
    exec_env: Option<&'a str>,
    retry_mode: &'a str,
    app_id: Option<&'a str>,
    extra: Option<&'a str>,
}

/// The User-Agent of a client made from `config` with this retry mode.
pub(crate) fn user_agent(config: &SessionConfig, retry_mode: RetryMode) -> HeaderValue {
    let os_version = os_version();
    let exec_env = config.env().get("AWS_EXECUTION_ENV").filter(|v| !v.is_empty());
    let parts = Parts {
        os: std::env::consts::OS,
        os_version: os_version.as_deref(),
        arch: std::env::consts::ARCH,
        rustc: env!("TUCUXI_RUSTC_VERSION"),
        exec_env: exec_env.as_deref(),
        retry_mode: retry_mode.as_str(),
        app_id: config.user_agent_appid(),
        extra: config.user_agent_extra(),
    };
    let text = build(&parts);
    // The extra text is the caller's and sent raw; one a header cannot carry is left out.
    HeaderValue::from_str(&text)
        .or_else(|_| HeaderValue::from_str(&build(&Parts { extra: None, ..parts })))
        .unwrap_or_else(|_| HeaderValue::from_static(concat!("tucuxi/", env!("CARGO_PKG_VERSION"))))
}

fn build(p: &Parts<'_>) -> String {
    let mut out = Vec::new();
    out.push(component("tucuxi", env!("CARGO_PKG_VERSION"), None));
    out.push("ua/2.1".to_owned());
    let os = p.os.to_ascii_lowercase();
    if KNOWN_OS.contains(&os.as_str()) {
        out.push(component("os", &os, p.os_version));
    } else {
        out.push(component("os", "other", None));
        out.push(component("md", &os, p.os_version));
    }
    out.push(component("md", "arch", Some(&p.arch.to_ascii_lowercase())));
    out.push(component("lang", "rust", Some(p.rustc)));
    if let Some(env) = p.exec_env {
        out.push(component("exec-env", env, None));
    }
    out.push(component("cfg", "retry-mode", Some(p.retry_mode)));
    if let Some(app) = p.app_id.filter(|a| !a.is_empty()) {
        out.push(component("app", app, None));
    }
    if let Some(extra) = p.extra.filter(|e| !e.is_empty()) {
        out.push(extra.to_owned());
    }
    out.join(" ")
}

/// `prefix/name#value`, each part with the characters the format does not allow replaced by `-`
/// (botocore's `sanitize_user_agent_string_component`; `#` is allowed in the prefix and value).
fn component(prefix: &str, name: &str, value: Option<&str>) -> String {
    let clean = |text: &str, hash: bool| -> String {
        text.chars()
            .map(|c| {
                let allowed = c.is_ascii_alphanumeric() || "!$%&'*+-.^_`|~".contains(c) || (hash && c == '#');
                if allowed {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    match value.filter(|v| !v.is_empty()) {
        Some(value) => format!("{}/{}#{}", clean(prefix, true), clean(name, false), clean(value, true)),
        None => format!("{}/{}", clean(prefix, true), clean(name, false)),
    }
}

/// The kernel release, as Python's `platform.release()` gives it; known on Linux only.
fn os_version() -> Option<String> {
    static RELEASE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    RELEASE
        .get_or_init(|| {
            if cfg!(target_os = "linux") {
                std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_owned())
            } else {
                None
            }
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Parts<'static> {
        Parts {
            os: "linux",
            os_version: Some("6.1.0-18-amd64"),
            arch: "x86_64",
            rustc: "1.87.0",
            exec_env: None,
            retry_mode: "standard",
            app_id: None,
            extra: None,
        }
    }

    #[test]
    fn the_format_follows_botocore() {
        let v = env!("CARGO_PKG_VERSION");
        assert_eq!(
            build(&parts()),
            format!(
                "tucuxi/{v} ua/2.1 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/rust#1.87.0 cfg/retry-mode#standard"
            )
        );
        let all = Parts {
            exec_env: Some("AWS_Lambda_rust"),
            app_id: Some("my app"),
            extra: Some("tool/1.2 (x)"),
            retry_mode: "adaptive",
            ..parts()
        };
        assert_eq!(
            build(&all),
            format!(
                "tucuxi/{v} ua/2.1 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/rust#1.87.0 \
                 exec-env/AWS_Lambda_rust cfg/retry-mode#adaptive app/my-app tool/1.2 (x)"
            )
        );
    }

    #[test]
    fn unknown_systems_are_other_with_their_name() {
        // botocore's `_build_os_metadata`: `os/other md/<name>#<version>`.
        let freebsd = Parts { os: "freebsd", os_version: None, arch: "aarch64", ..parts() };
        let text = build(&freebsd);
        assert!(text.contains(" os/other md/freebsd md/arch#aarch64 "), "{text}");
    }

    #[test]
    fn components_are_sanitized_like_botocore() {
        // botocore's test_useragent.py: `#` kept in values, dropped from names.
        assert_eq!(component("md", "a#b c", Some("1#2 3")), "md/a-b-c#1#2-3");
        assert_eq!(component("app", "x/y", None), "app/x-y");
    }
}
