//! What every moto case shares: the endpoint, a session that can only reach moto, a runtime,
//! unique names, a check counter, and a tiny HTTP/1.1 client for presigned URLs.

use std::future::Future;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tucuxi::config::{Env, Fs};
use tucuxi::credentials::Credentials;
use tucuxi::session::Session;

const ENDPOINT_VAR: &str = "TUCUXI_MOTO_ENDPOINT";
/// A second moto started with `INITIAL_NO_AUTH_ACTION_COUNT`, which checks signatures after its
/// first few calls; only the cases in `auth.rs` use it.
const AUTH_ENDPOINT_VAR: &str = "TUCUXI_MOTO_AUTH_ENDPOINT";
/// A second real store, s3s-fs, which `cargo xtask test` starts for the transfer cases only.
const S3FS_ENDPOINT_VAR: &str = "TUCUXI_S3FS_ENDPOINT";
/// s3s-fs's data directory, so a case can see that no multipart upload's parts are left on disk
/// (s3s-fs has no `ListMultipartUploads`).
const S3FS_ROOT_VAR: &str = "TUCUXI_S3FS_ROOT";
/// The marker of a transfer case that ran against s3s-fs; `cargo xtask test` counts these.
const S3FS_MARKER: &str = "s3s-fs: ran";
/// moto's default account and region; the keys are fake (the first moto does not check signatures;
/// s3s-fs does, and xtask/src/s3fs.rs starts it with these same two keys).
pub const REGION: &str = "us-east-1";
const ACCESS_KEY: &str = "AKIDFAKEMOTOSERVICES";
const SECRET_KEY: &str = "fake-secret-for-moto";

/// The CloudFormation cases take turns: moto's `DescribeStacks` pages by position in its list of
/// every stack, so a stack another case creates or deletes between two pages would shift a resumed
/// page.
pub static CLOUDFORMATION: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The result every case returns: any error ends it with its message.
pub type Outcome = Result<(), Box<dyn std::error::Error>>;

/// Runs one case against moto, or says why it was skipped.
///
/// Each case prints its own `moto-services: ran N checks (name)` line; `cargo xtask test` sums
/// them and fails when there is none, so a run that silently skipped every case cannot pass.
pub fn run_case<F, Fut>(name: &str, case: F)
where
    F: FnOnce(String, Checks) -> Fut,
    Fut: Future<Output = (Checks, Outcome)>,
{
    run_case_at(ENDPOINT_VAR, name, case);
}

/// [`run_case`] against the signature-checking moto of `TUCUXI_MOTO_AUTH_ENDPOINT`.
pub fn run_auth_case<F, Fut>(name: &str, case: F)
where
    F: FnOnce(String, Checks) -> Fut,
    Fut: Future<Output = (Checks, Outcome)>,
{
    run_case_at(AUTH_ENDPOINT_VAR, name, case);
}

fn run_case_at<F, Fut>(var: &str, name: &str, case: F)
where
    F: FnOnce(String, Checks) -> Fut,
    Fut: Future<Output = (Checks, Outcome)>,
{
    let Some(endpoint) = endpoint(var) else {
        eprintln!("moto-services: {name} skipped because {var} is unset (`cargo xtask test` starts moto)");
        return;
    };
    // A current-thread runtime per case, as `#[tokio::test]` would make, without tokio's macros.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let (checks, outcome) = runtime.block_on(case(endpoint, Checks::new(name)));
    finish(name, checks, outcome);
}

/// [`run_case`] for a case that uses the blocking API, so it must not run inside a runtime.
pub fn run_blocking_case(name: &str, case: impl FnOnce(String, &mut Checks) -> Outcome) {
    let Some(endpoint) = endpoint(ENDPOINT_VAR) else {
        eprintln!("moto-services: {name} skipped because {ENDPOINT_VAR} is unset (`cargo xtask test` starts moto)");
        return;
    };
    let mut checks = Checks::new(name);
    let outcome = case(endpoint, &mut checks);
    finish(name, checks, outcome);
}

/// The S3 implementation a store-independent case runs against.
#[derive(Clone, Debug)]
pub enum Store {
    Moto,
    /// s3s-fs, with its data directory when `TUCUXI_S3FS_ROOT` names it.
    S3sFs {
        root: Option<std::path::PathBuf>,
    },
}

impl Store {
    pub fn is_s3fs(&self) -> bool {
        matches!(self, Store::S3sFs { .. })
    }

    /// Prints why a check is not made on this store (only s3s-fs skips any), and returns whether
    /// the check should be made. The line is in every test log, so a skip is never silent.
    pub fn supports(&self, case: &str, reason: &str) -> bool {
        if self.is_s3fs() {
            println!("s3s-fs: skipped a check ({case}): {reason}");
            false
        } else {
            true
        }
    }
}

/// [`run_case`] for a case that holds for any S3 implementation: against moto as usual, then, when
/// `TUCUXI_S3FS_ENDPOINT` is set, once more against s3s-fs, printing `s3s-fs: ran N checks (case)`.
pub fn run_store_case<F, Fut>(name: &str, case: F)
where
    F: Fn(String, Store, Checks) -> Fut,
    Fut: Future<Output = (Checks, Outcome)>,
{
    run_case_at(ENDPOINT_VAR, name, |endpoint, checks| case(endpoint, Store::Moto, checks));
    let Some((url, store)) = s3fs() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let (checks, outcome) = runtime.block_on(case(url, store, Checks::new(name)));
    if let Err(error) = outcome {
        panic!("s3s-fs: {name} FAILED after {} checks: {error}", checks.count);
    }
    // `cargo xtask test` looks for this prefix; keep it in sync with xtask/src/s3fs.rs.
    println!("{S3FS_MARKER} {} checks ({name})", checks.count);
}

/// [`run_store_case`] for a case that uses the blocking API.
pub fn run_blocking_store_case(name: &str, case: impl Fn(String, Store, &mut Checks) -> Outcome) {
    run_blocking_case(name, |endpoint, checks| case(endpoint, Store::Moto, checks));
    let Some((url, store)) = s3fs() else { return };
    let mut checks = Checks::new(name);
    if let Err(error) = case(url, store, &mut checks) {
        panic!("s3s-fs: {name} FAILED after {} checks: {error}", checks.count);
    }
    println!("{S3FS_MARKER} {} checks ({name})", checks.count);
}

/// s3s-fs's endpoint and store, when `TUCUXI_S3FS_ENDPOINT` is set.
fn s3fs() -> Option<(String, Store)> {
    let url = endpoint(S3FS_ENDPOINT_VAR)?;
    Some((url, Store::S3sFs { root: endpoint(S3FS_ROOT_VAR).map(Into::into) }))
}

fn endpoint(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

fn finish(name: &str, checks: Checks, outcome: Outcome) {
    if let Err(error) = outcome {
        panic!("moto-services: {name} FAILED after {} checks: {error}", checks.count);
    }
    // `cargo xtask test` looks for this prefix; keep it in sync with xtask/src/moto.rs.
    println!("moto-services: ran {} checks ({name})", checks.count);
}

/// Counts the assertions that ran, so the marker line proves the case was not skipped.
pub struct Checks {
    name: String,
    count: usize,
}

impl Checks {
    fn new(name: &str) -> Self {
        Checks { name: name.to_owned(), count: 0 }
    }

    /// Fails the case unless `ok`.
    pub fn ok(&mut self, ok: bool, what: &str) -> Outcome {
        self.count += 1;
        if ok {
            Ok(())
        } else {
            Err(format!("{}: check failed: {what}", self.name).into())
        }
    }

    /// Fails the case unless `actual == expected`, showing both.
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, actual: T, expected: T, what: &str) -> Outcome {
        self.count += 1;
        if actual == expected {
            Ok(())
        } else {
            Err(format!("{}: check failed: {what}: got {actual:?}, expected {expected:?}", self.name).into())
        }
    }
}

/// A session that reaches only moto: fake static keys, every endpoint at moto, and a fixture
/// environment and filesystem so nothing from the developer's `~/.aws` or `AWS_*` leaks in.
pub fn session(endpoint: &str) -> Session {
    session_with(endpoint, Credentials::new(ACCESS_KEY, SECRET_KEY).with_provider("moto-fixture"))
}

/// [`session`] with other static credentials, such as an IAM user's keys.
pub fn session_with(endpoint: &str, credentials: Credentials) -> Session {
    let env = Env::from_pairs([("AWS_EC2_METADATA_DISABLED", "true")]);
    let fs = Fs::from_files(Vec::<(String, String)>::new());
    Session::builder()
        .env_and_fs(env, fs)
        .region(REGION)
        .endpoint_url(endpoint)
        .credentials(credentials)
        .build()
        .expect("a session over fixtures always builds")
}

/// A name no earlier run against the same moto has used: moto keeps its state while it runs.
/// Creates the on-demand DynamoDB table `table`, keyed by the string attribute `pk`: the table
/// every DynamoDB case starts from.
pub async fn create_pk_table(ddb: &tucuxi_dynamodb::Client, table: &str) -> Outcome {
    use tucuxi_dynamodb::types::{AttributeDefinition, KeySchemaElement, KeyType, ScalarAttributeType};
    ddb.create_table()
        .table_name(table)
        .attribute_definitions(vec![AttributeDefinition {
            attribute_name: "pk".into(),
            attribute_type: ScalarAttributeType::S,
        }])
        .key_schema(vec![KeySchemaElement { attribute_name: "pk".into(), key_type: KeyType::Hash }])
        .billing_mode("PAY_PER_REQUEST")
        .send()
        .await?;
    Ok(())
}

pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}-{}-{nanos}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A response read by [`http_request`].
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request over a plain loopback TCP connection, the way a user without any AWS
/// SDK would use a presigned URL. Only `http://host:port/...` URLs are supported: moto is local.
pub fn http_request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<RawResponse> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what.to_owned());
    let rest = url.strip_prefix("http://").ok_or_else(|| invalid("only http:// URLs"))?;
    let (authority, target) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "PUT" || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "a malformed response"))
}

fn parse_response(raw: &[u8]) -> Option<RawResponse> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let rest = &raw[end + 4..];
    let chunked =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(rest)? } else { rest.to_vec() };
    Some(RawResponse { status, headers, body })
}

/// Decodes a `Transfer-Encoding: chunked` body (extensions and trailers ignored).
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// The process's resident set size in KiB (Linux), or `None` where /proc is not there.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// FNV-1a over a byte stream, fed chunk by chunk: a checksum that needs no dependency and no
/// buffer, which is the point of the streaming case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fnv(pub u64);

impl Fnv {
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
