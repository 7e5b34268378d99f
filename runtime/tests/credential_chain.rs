//! Runs the credential-chain fixtures in `tests/credentials/<case>/` against
//! `tucuxi::credentials`.
//!
//! A case is a folder holding:
//!
//! - `env.json`: the environment, an object of strings. `HOME` defaults to the case's `home/`.
//! - `home/.aws/config`, `home/.aws/credentials`, `home/.aws/sso/cache/*.json`, and any other
//!   file the case needs (token files, `credential_process` scripts). Every file of the folder is
//!   served through a fixture `Fs`, so nothing outside the folder is read, except that
//!   `credential_process` scripts really run (they only `echo`; no network).
//! - `session.json` (optional): `profile` (named in code), `credentials` (explicit keys:
//!   `access_key_id`, `secret_access_key`, `session_token`), `now` (an RFC 3339 time for the
//!   clock) and `mfa_code` (what the MFA callback answers).
//! - `expected.json`, one of:
//!   - `{"error": "text"}` (or a list of texts): each must occur in the error's message;
//!   - `{"source": "<provider>", "access_key_id": ..., "secret_access_key": ...,
//!     "session_token": ..., "expiration": ...}`: credentials loaded without the network (only
//!     the keys given are compared);
//!   - `{"plan": {...}, "request": {...}}`: the chosen source's summary and the first network
//!     request loading it produced, compared as subsets (every key given must match).
//!
//! `{{case}}` in `env.json` and in any file is replaced by the case folder's absolute path.
//!
//! Every fake secret in the fixtures contains `s3cr3t`, and the harness fails a case whose
//! error message, `Debug` output or summaries contain that marker: nothing may echo a secret.
//!
//! Prints one line per failing case, then `N passed, M failed`. Cases with `#!/bin/sh` scripts
//! are skipped on platforms without `sh`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tucuxi::config::{Env, Fs, SessionConfig, SessionOverrides};
use tucuxi::credentials::{resolve_chain, Credentials, LoadContext, ManualClock, Source, Step};
use tucuxi::types::TimestampFormat;
use tucuxi::{DateTime, Document};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/credentials");
const SECRET_MARKER: &str = "s3cr3t";

#[test]
fn credential_chain_fixtures() {
    let mut cases: Vec<PathBuf> = fs::read_dir(CASES)
        .expect("the fixture folder exists")
        .map(|entry| entry.expect("readable fixture folder").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    let (mut passed, mut failed) = (0, 0);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        // The `credential_process` fixtures are `#!/bin/sh` scripts.
        if cfg!(not(unix)) && fs::read_dir(case).unwrap().flatten().any(|e| e.path().extension() == Some("sh".as_ref()))
        {
            continue;
        }
        match run_case(case) {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                println!("FAIL {name}: {}", why.replace('\n', "\n    "));
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    assert!(passed >= 30, "expected at least 30 fixture cases, found {passed}");
    assert_eq!(failed, 0);
}

/// What a case produced.
enum Outcome {
    Error(String),
    Loaded(Credentials),
    Plan(Document, Document),
}

fn run_case(case: &Path) -> Result<(), String> {
    let case_path = case.to_str().ok_or("the case path is not UTF-8")?;
    let substitute = |text: &str| text.replace("{{case}}", case_path);
    let json = |file: &str| -> Result<Option<Document>, String> {
        match fs::read_to_string(case.join(file)) {
            Ok(text) => Document::from_json(&substitute(&text)).map(Some).map_err(|e| format!("{file}: {e}")),
            Err(_) => Ok(None),
        }
    };
    let expected = json("expected.json")?.ok_or("no expected.json")?;
    let session = json("session.json")?.unwrap_or_default();

    let mut vars = vec![("HOME".to_owned(), format!("{case_path}/home"))];
    if let Some(env) = json("env.json")? {
        for (name, value) in env.as_object().ok_or("env.json is not an object")? {
            vars.push((name.clone(), value.as_str().ok_or("env.json values must be strings")?.to_owned()));
        }
    }
    let env = Env::from_pairs(vars);
    let mut files = Vec::new();
    collect_files(case, &mut files);
    let fs = Fs::from_files(files.into_iter().filter_map(|path| {
        let text = fs::read_to_string(&path).ok()?;
        Some((path, substitute(&text)))
    }));

    let mut overrides = SessionOverrides::default();
    overrides.profile = session.get("profile").and_then(Document::as_str).map(str::to_owned);
    let explicit = session.get("credentials").map(|c| {
        let field = |k: &str| c.get(k).and_then(Document::as_str).map(str::to_owned);
        {
            let keys = Credentials::new(
                field("access_key_id").unwrap_or_default(),
                field("secret_access_key").unwrap_or_default(),
            );
            match field("session_token") {
                Some(token) => keys.with_session_token(token),
                None => keys,
            }
        }
    });
    let mut ctx = LoadContext::new(env.clone(), fs.clone());
    if let Some(now) = session.get("now").and_then(Document::as_str) {
        let now = DateTime::parse(now, TimestampFormat::DateTime).map_err(|e| e.to_string())?;
        ctx = ctx.with_clock(Arc::new(ManualClock::new(now.try_into().map_err(|_| "bad now")?)));
    }
    if let Some(code) = session.get("mfa_code").and_then(Document::as_str) {
        let code = code.to_owned();
        ctx = ctx.with_mfa(Arc::new(move |_: &str, _: &str| Ok::<_, String>(code.clone())));
    }

    let mut shown = String::new();
    let outcome = match SessionConfig::resolve(&overrides, &env, &fs) {
        Err(error) => Outcome::Error(error.to_string()),
        Ok(config) => match resolve_chain(&config, explicit) {
            Err(error) => {
                shown.push_str(&format!("{error:?}"));
                Outcome::Error(error.to_string())
            }
            Ok(source) => {
                shown.push_str(&format!("{source:?}{}", source.summary()));
                load(&source, &ctx, &mut shown)
            }
        },
    };
    match &outcome {
        Outcome::Error(message) => shown.push_str(message),
        Outcome::Loaded(credentials) => shown.push_str(&format!("{credentials:?}")),
        Outcome::Plan(plan, request) => shown.push_str(&format!("{plan}{request}")),
    }
    if shown.contains(SECRET_MARKER) {
        return Err(format!("a secret was shown: {shown}"));
    }
    check(&expected, &outcome)
}

fn load(source: &Source, ctx: &LoadContext, shown: &mut String) -> Outcome {
    match source.load_local(ctx) {
        Err(error) => {
            shown.push_str(&format!("{error:?}"));
            Outcome::Error(error.to_string())
        }
        Ok(Step::Done(credentials)) => Outcome::Loaded(credentials),
        Ok(Step::Request(request)) => {
            shown.push_str(&format!("{request:?}"));
            Outcome::Plan(source.summary(), request.summary())
        }
    }
}

fn check(expected: &Document, outcome: &Outcome) -> Result<(), String> {
    let describe = |outcome: &Outcome| match outcome {
        Outcome::Error(message) => format!("error: {message}"),
        Outcome::Loaded(c) => format!("credentials from {} ({})", c.provider(), c.access_key_id()),
        Outcome::Plan(plan, request) => format!("plan {plan}\nrequest {request}"),
    };
    match (expected.get("error"), outcome) {
        (Some(wanted), Outcome::Error(message)) => {
            let wanted: Vec<&str> = match wanted {
                Document::Array(items) => items.iter().filter_map(Document::as_str).collect(),
                other => other.as_str().into_iter().collect(),
            };
            match wanted.iter().find(|w| !message.contains(**w)) {
                None => Ok(()),
                Some(missing) => Err(format!("the error lacks `{missing}`: {message}")),
            }
        }
        (Some(_), other) => Err(format!("expected an error, got {}", describe(other))),
        (None, Outcome::Loaded(credentials)) if expected.get("source").is_some() => {
            let actual: Document = [
                ("source", Document::from(credentials.provider())),
                ("access_key_id", credentials.access_key_id().into()),
                ("secret_access_key", credentials.secret_access_key().into()),
                ("session_token", credentials.session_token().into()),
                (
                    "expiration",
                    credentials.expiration().map(|t| DateTime::from(t).fmt(TimestampFormat::DateTime)).into(),
                ),
            ]
            .into_iter()
            .collect();
            subset(expected, &actual, "")
        }
        (None, Outcome::Plan(plan, request)) if expected.get("plan").is_some() => {
            subset(expected.get("plan").unwrap(), plan, "plan")?;
            match expected.get("request") {
                Some(wanted) => subset(wanted, request, "request"),
                None => Ok(()),
            }
        }
        (None, other) => Err(format!("unexpected outcome: {}", describe(other))),
    }
}

/// Every key of `expected` must be in `actual` with an equal value (objects recursively).
fn subset(expected: &Document, actual: &Document, at: &str) -> Result<(), String> {
    match (expected, actual) {
        (Document::Object(wanted), Document::Object(got)) => {
            for (key, value) in wanted {
                let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                match got.get(key) {
                    Some(found) => subset(value, found, &path)?,
                    None => return Err(format!("`{path}` is missing in {actual}")),
                }
            }
            Ok(())
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("`{at}` is {actual}, expected {expected}")),
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
