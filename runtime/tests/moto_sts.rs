//! End-to-end credential tests against a local moto server's STS.
//!
//! `cargo xtask test` starts moto and sets `TUCUXI_MOTO_ENDPOINT` (for example
//! `http://127.0.0.1:5000`). Without that variable the test prints why and returns, so a plain
//! `cargo test` on a machine without moto still passes; the xtask step greps for the
//! `moto-sts: ran N checks` marker line so a silent skip there is an error.
//!
//! Each case builds a [`Session`] over fixture `Env` and `Fs`, so nothing from the developer's own
//! `~/.aws` or environment leaks in, and only STS is pointed at moto (`AWS_ENDPOINT_URL_STS`).
//! The keys are fake: moto does not check signatures unless `INITIAL_NO_AUTH_ACTION_COUNT` is set.

use std::path::PathBuf;
use std::time::SystemTime;

use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::session::Session;

const ENDPOINT_VAR: &str = "TUCUXI_MOTO_ENDPOINT";
const SOURCE_KEY: &str = "AKIDFAKESOURCE000001";
const SOURCE_SECRET: &str = "fake-secret";
const CONFIG_PATH: &str = "/moto-fixture/.aws/config";
const CREDENTIALS_PATH: &str = "/moto-fixture/.aws/credentials";

/// Counts the assertions that ran, so the marker line proves the cases were not skipped.
struct Checks(usize);

impl Checks {
    fn check(&mut self, ok: bool, what: &str) -> Result<(), String> {
        self.0 += 1;
        if ok {
            Ok(())
        } else {
            Err(format!("check failed: {what}"))
        }
    }

    /// The checks every set of assumed-role credentials must pass.
    fn assumed(&mut self, creds: &Credentials, source_key: &str) -> Result<(), String> {
        self.check(!creds.access_key_id().is_empty(), "the access key id is not empty")?;
        self.check(creds.access_key_id() != source_key, "the assumed key differs from the source key")?;
        self.check(!creds.secret_access_key().is_empty(), "the secret is not empty")?;
        self.check(creds.session_token().is_some_and(|t| !t.is_empty()), "a session token is present")?;
        let expiration = creds.expiration();
        self.check(expiration.is_some_and(|e| e > SystemTime::now()), "the expiration is in the future")?;
        Ok(())
    }
}

/// One end-to-end case: given moto's endpoint, run and count checks.
type Case = fn(&str, &mut Checks) -> Result<(), String>;

#[test]
fn moto_sts() {
    let Some(endpoint) = std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty()) else {
        eprintln!("moto-sts: skipped because {ENDPOINT_VAR} is unset (`cargo xtask test` starts moto and sets it)");
        return;
    };
    let mut checks = Checks(0);
    let mut failures = Vec::new();
    let cases: [(&str, Case); 3] =
        [("assume-role", assume_role), ("web-identity", web_identity), ("role-chain", role_chain)];
    for (name, case) in cases {
        match case(&endpoint, &mut checks) {
            Ok(()) => println!("moto-sts: {name} ok"),
            Err(why) => {
                println!("moto-sts: {name} FAILED: {why}");
                failures.push(name);
            }
        }
    }
    assert!(failures.is_empty(), "moto STS cases failed: {failures:?}");
    // The xtask step looks for exactly this line; keep the wording in sync with xtask/src/moto.rs.
    println!("moto-sts: ran {} checks", checks.0);
}

/// A fixture environment pointing STS (and nothing else) at moto, with the config files in `Fs`.
fn env(endpoint: &str, extra: &[(&str, &str)]) -> Env {
    let mut pairs: Vec<(String, String)> = vec![
        ("HOME".into(), "/moto-fixture".into()),
        ("AWS_CONFIG_FILE".into(), CONFIG_PATH.into()),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), CREDENTIALS_PATH.into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
        ("AWS_ENDPOINT_URL_STS".into(), endpoint.into()),
        // IMDS must never be tried, even if a case falls through the chain by mistake.
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Env::from_pairs(pairs)
}

fn credentials_file() -> String {
    format!("[base]\naws_access_key_id = {SOURCE_KEY}\naws_secret_access_key = {SOURCE_SECRET}\n")
}

fn load(session: Result<Session, tucuxi::session::SessionError>) -> Result<Credentials, String> {
    let session = session.map_err(|e| format!("the session did not build: {e}"))?;
    session.credentials().map_err(|e| format!("no credentials: {e}"))
}

/// (a) `role_arn` + `source_profile` with static keys goes through moto's `AssumeRole`.
fn assume_role(endpoint: &str, checks: &mut Checks) -> Result<(), String> {
    let config = "[profile assumed]\n\
                  role_arn = arn:aws:iam::123456789012:role/test-role\n\
                  source_profile = base\n\
                  role_session_name = tucuxi-e2e\n";
    let fs = Fs::from_files([(CONFIG_PATH, config.to_owned()), (CREDENTIALS_PATH, credentials_file())]);
    let creds = load(Session::builder().profile("assumed").env_and_fs(env(endpoint, &[]), fs).build())?;
    checks.assumed(&creds, SOURCE_KEY)
}

/// (b) `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` goes through `AssumeRoleWithWebIdentity`.
fn web_identity(endpoint: &str, checks: &mut Checks) -> Result<(), String> {
    // A real file, because that is what users have; the fixture `Fs` then serves its contents at
    // the same path, since a session with fixtures reads every file through the shim.
    let token_path = TempFile::new("web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0dWN1eGkifQ.ZmFrZS1zaWc")?;
    let token_str = token_path.0.to_str().ok_or("the temp path is not UTF-8")?.to_owned();
    let token = std::fs::read_to_string(&token_path.0).map_err(|e| format!("cannot read the token back: {e}"))?;
    let fs = Fs::from_files([(token_str.clone(), token)]);
    let env = env(
        endpoint,
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_str.as_str()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web-identity-role"),
            ("AWS_ROLE_SESSION_NAME", "tucuxi-e2e-web"),
        ],
    );
    let creds = load(Session::builder().env_and_fs(env, fs).build())?;
    checks.assumed(&creds, "")?;
    checks.check(creds.access_key_id() != SOURCE_KEY, "the web identity key is not a static one")
}

/// (c) Two hops: `second` assumes a role with the credentials `first` got from its own role.
fn role_chain(endpoint: &str, checks: &mut Checks) -> Result<(), String> {
    let config = "[profile first]\n\
                  role_arn = arn:aws:iam::123456789012:role/first-role\n\
                  source_profile = base\n\
                  [profile second]\n\
                  role_arn = arn:aws:iam::123456789012:role/second-role\n\
                  source_profile = first\n";
    let fs = Fs::from_files([(CONFIG_PATH, config.to_owned()), (CREDENTIALS_PATH, credentials_file())]);
    let first = load(Session::builder().profile("first").env_and_fs(env(endpoint, &[]), fs.clone()).build())?;
    checks.assumed(&first, SOURCE_KEY)?;
    let second = load(Session::builder().profile("second").env_and_fs(env(endpoint, &[]), fs).build())?;
    checks.assumed(&second, SOURCE_KEY)?;
    // moto hands out a fresh key per AssumeRole, so the second hop's key is not the first's.
    checks.check(second.access_key_id() != first.access_key_id(), "each hop yields its own key")
}

/// A file in the temp directory, removed on drop (the runtime has no `tempfile` dev-dependency).
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Result<TempFile, String> {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("tucuxi-{name}-{}-{nanos}", std::process::id()));
        std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(TempFile(path))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
