//! `credential_process`: run a command and read credentials from its JSON output.
//!
//! As botocore's `ProcessProvider`: the command is split like a shell would (POSIX `shlex` rules,
//! or the Windows C runtime's on Windows) and run without a shell; stdin and the environment are
//! inherited, so the program can prompt on the terminal; stdout must be a JSON object with
//! `Version: 1`, `AccessKeyId`, `SecretAccessKey` and optionally `SessionToken` and `Expiration`.
//!
//! There is no timeout, as in botocore and the AWS CLI: these programs may legitimately wait for
//! a person (a browser login, a hardware key). A hung program therefore blocks the caller that
//! loads credentials; the [`CredentialsCache`](super::CredentialsCache) makes that a single
//! caller, while the others wait for it or keep using unexpired credentials.

use std::process::{Command, Stdio};

use super::error::ProcessFailure;
use super::{parse_timestamp, Credentials, CredentialsError};
use crate::types::Number;
use crate::Document;

/// How much of the program's stderr an error quotes.
const STDERR_TAIL_BYTES: usize = 1024;
const STDERR_TAIL_LINES: usize = 10;

/// Runs the `credential_process` of `profile` and parses its output.
pub fn run_credential_process(profile: &str, command: &str) -> Result<Credentials, CredentialsError> {
    let words = split_command(command);
    // Errors name the program only: arguments sometimes carry a password or a token.
    let program = words.as_ref().and_then(|w| w.first()).cloned().unwrap_or_default();
    let fail = |failure| CredentialsError::Process { profile: profile.to_owned(), program: program.clone(), failure };
    let words = match words {
        Some(words) if !words.is_empty() => words,
        Some(_) => return Err(fail(ProcessFailure::BadCommand("is empty"))),
        None => return Err(fail(ProcessFailure::BadCommand("has an unclosed quote or a trailing backslash"))),
    };
    let output = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| fail(ProcessFailure::Spawn { kind: e.kind(), reason: e.to_string() }))?;
    if !output.status.success() {
        let status = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => format!("was stopped ({})", output.status),
        };
        return Err(fail(ProcessFailure::Exit { status, stderr_tail: tail(&output.stderr) }));
    }
    parse_output(&output.stdout).map_err(fail)
}

/// botocore's `compat_shell_split`.
pub(crate) fn split_command(command: &str) -> Option<Vec<String>> {
    if cfg!(windows) {
        windows_split(command)
    } else {
        crate::config::parse::shlex_split(command)
    }
}

/// The end of stderr: at most the last few lines and bytes, lossily decoded.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let trimmed = text.trim_end();
    let mut start = trimmed.len().saturating_sub(STDERR_TAIL_BYTES);
    while !trimmed.is_char_boundary(start) {
        start += 1;
    }
    let tail = &trimmed[start..];
    let lines: Vec<&str> = tail.lines().collect();
    let kept = &lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..];
    kept.iter().map(|line| format!("  {line}")).collect::<Vec<_>>().join("\n")
}

/// Parses the program's JSON (botocore's `_retrieve_credentials_using`).
fn parse_output(stdout: &[u8]) -> Result<Credentials, ProcessFailure> {
    let doc = Document::from_json_slice(stdout).map_err(|e| ProcessFailure::NotJson { reason: e.to_string() })?;
    let Some(object) = doc.as_object() else {
        return Err(ProcessFailure::NotJson { reason: "the top-level value is not an object".into() });
    };
    // Python compares `parsed.get('Version') != 1`, so `1.0` passes and `"1"` does not.
    match object.get("Version") {
        Some(Document::Number(n)) if n.as_f64() == 1.0 => {}
        Some(other) => return Err(ProcessFailure::UnsupportedVersion { found: describe_version(other) }),
        None => return Err(ProcessFailure::UnsupportedVersion { found: "<Version key not provided>".into() }),
    }
    let required = |key: &'static str| match object.get(key) {
        Some(Document::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Document::String(_)) | None | Some(Document::Null) => Err(ProcessFailure::MissingKey(key)),
        Some(_) => Err(ProcessFailure::InvalidKey { key, reason: "is not a string".into() }),
    };
    let optional = |key: &'static str| match object.get(key) {
        None | Some(Document::Null) => Ok(None),
        Some(Document::String(s)) if s.is_empty() => Ok(None),
        Some(Document::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ProcessFailure::InvalidKey { key, reason: "is not a string".into() }),
    };
    let access_key = required("AccessKeyId")?;
    let secret_key = required("SecretAccessKey")?;
    let token = optional("SessionToken")?;
    let expiration = match optional("Expiration")? {
        None => None,
        Some(text) => Some(parse_timestamp(&text).ok_or_else(|| ProcessFailure::InvalidKey {
            key: "Expiration",
            reason: format!("is `{text}`, not an ISO 8601 time such as `2024-05-01T12:00:00Z`"),
        })?),
    };
    Ok(Credentials::from_parts(access_key, secret_key, token, expiration, "custom-process"))
}

/// The `Version` value for the message, short: it is never a secret, but it could be anything.
fn describe_version(value: &Document) -> String {
    match value {
        Document::Number(Number::PosInt(n)) => n.to_string(),
        Document::Number(Number::NegInt(n)) => n.to_string(),
        Document::Number(Number::Float(f)) => f.to_string(),
        Document::String(s) if s.chars().count() <= 20 => format!("'{s}'"),
        Document::String(_) => "a long string".into(),
        Document::Bool(b) => b.to_string(),
        Document::Null => "null".into(),
        Document::Array(_) => "an array".into(),
        Document::Object(_) => "an object".into(),
    }
}

/// botocore's `_windows_shell_split`: the C runtime's rules (only `"` quotes; backslashes are
/// literal unless they precede a quote). `None` for an unclosed quote.
fn windows_split(command: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut backslashes = 0usize;
    for c in command.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                word.push_str(&"\\".repeat(backslashes / 2));
                let escaped = backslashes % 2 == 1;
                backslashes = 0;
                in_word = true;
                if escaped {
                    word.push('"');
                } else {
                    quoted = !quoted;
                }
            }
            ' ' | '\t' if !quoted => {
                word.push_str(&"\\".repeat(std::mem::take(&mut backslashes)));
                if in_word || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                word.push_str(&"\\".repeat(std::mem::take(&mut backslashes)));
                word.push(c);
                in_word = true;
            }
        }
    }
    if quoted {
        return None;
    }
    word.push_str(&"\\".repeat(backslashes));
    if in_word || !word.is_empty() {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_1_output() {
        let creds = parse_output(
            br#"{"Version": 1, "AccessKeyId": "AKIDP", "SecretAccessKey": "s3cr3t", "SessionToken": "s3cr3t-t",
                "Expiration": "2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(creds.access_key_id(), "AKIDP");
        assert_eq!(creds.provider(), "custom-process");
        assert!(creds.expiration().is_some());
        let minimal = parse_output(br#"{"Version": 1.0, "AccessKeyId": "A", "SecretAccessKey": "s3cr3t"}"#).unwrap();
        assert_eq!((minimal.session_token(), minimal.expiration()), (None, None));
    }

    #[test]
    fn rejects_bad_output_without_quoting_it() {
        let cases: [(&[u8], &str); 6] = [
            (br#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s3cr3t"}"#, "unsupported version 2"),
            (br#"{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "s3cr3t"}"#, "unsupported version '1'"),
            (br#"{"AccessKeyId": "A", "SecretAccessKey": "s3cr3t"}"#, "<Version key not provided>"),
            (br#"{"Version": 1, "AccessKeyId": "A"}"#, "missing required key in response: SecretAccessKey"),
            (br#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s3cr3t""#, "not a JSON object"),
            (br#"["s3cr3t"]"#, "not a JSON object"),
        ];
        for (output, expected) in cases {
            let message = parse_output(output).unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
    }

    #[test]
    fn debug_and_summary_hide_command_arguments() {
        let source = super::super::ProcessSource {
            profile: "p".into(),
            command: "/bin/get-creds --password 's3cr3t pw'".into(),
        };
        let shown = format!("{source:?}{}", super::super::Source::Process(source.clone()).summary());
        assert!(shown.contains("/bin/get-creds (+2 arguments, not shown)") && !shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn stderr_tail_keeps_the_end() {
        let long: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let t = tail(long.as_bytes());
        assert!(t.starts_with("  line 40") && t.ends_with("  line 49"), "{t}");
        assert_eq!(tail("é".repeat(2000).as_bytes()).chars().filter(|c| *c == 'é').count(), 512);
    }

    #[test]
    fn windows_rules_match_botocore() {
        let split = |s: &str| windows_split(s).unwrap();
        assert_eq!(split(r#"a "b c" d"#), ["a", "b c", "d"]);
        assert_eq!(split(r#"C:\tools\creds.exe --x"#), [r"C:\tools\creds.exe", "--x"]);
        assert_eq!(split(r#"a\\"b c" d"#), [r"a\b c", "d"]);
        assert_eq!(split(r#"a\"b"#), [r#"a"b"#]);
        assert_eq!(split(r#""""#), [""]);
        assert!(windows_split(r#"a "b"#).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn runs_a_command_and_reports_failures() {
        let ok = r#"sh -c 'echo "{\"Version\": 1, \"AccessKeyId\": \"AKIDSH\", \"SecretAccessKey\": \"s3cr3t\"}"'"#;
        assert_eq!(run_credential_process("p", ok).unwrap().access_key_id(), "AKIDSH");
        let failing = "sh -c 'echo first >&2; echo denied by policy >&2; exit 3'";
        let message = run_credential_process("p", failing).unwrap_err().to_string();
        assert!(
            message.contains("exited with status 3") && message.ends_with("  first\n  denied by policy"),
            "{message}"
        );
        assert!(message.contains("credential_process `sh` of profile `p`"), "{message}");
        let missing = run_credential_process("p", "/nonexistent/creds --password hunter2").unwrap_err().to_string();
        assert!(missing.contains("could not start") && !missing.contains("hunter2"), "{missing}");
        assert!(run_credential_process("p", "'unclosed").unwrap_err().to_string().contains("unclosed quote"));
    }
}
