//! A second real S3 store for `cargo xtask test` and `cargo xtask bench`: s3s-fs, a file-system
//! backed S3 server from crates.io, so the transfer manager is not tuned to moto alone.
//!
//! It is installed with `cargo install --locked` at a pinned version into `target/tools` (reused
//! while `s3s-fs --version` names the pin), started on a free loopback port over a fresh data
//! directory with fixed fake keys (it checks SigV4 signatures with them), and stopped and its data
//! directory removed by a drop guard. The test step runs the transfer cases of
//! `tests/tests/moto_services/transfer.rs` against it with `TUCUXI_S3FS_ENDPOINT` set, requiring
//! an `s3s-fs: ran N checks` marker from every case.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::models;

/// The pinned s3s-fs. Releases after 0.14.1 need Rust 1.96, newer than this toolchain.
const S3S_FS_VERSION: &str = "0.14.1";
/// The keys the moto tests' sessions sign with (`ACCESS_KEY` and `SECRET_KEY` in
/// tests/tests/moto_services/common.rs, which must agree); fake, as everywhere in the tests.
const ACCESS_KEY: &str = "AKIDFAKEMOTOSERVICES";
const SECRET_KEY: &str = "fake-secret-for-moto";
/// The line each transfer case prints when it ran against s3s-fs.
const MARKER: &str = "s3s-fs: ran ";
/// How long s3s-fs may take to listen after it is started.
const STARTUP: Duration = Duration::from_secs(20);

/// Installs s3s-fs if needed, starts it, runs the transfer cases against it, and stops it.
pub fn run() -> Result<(), String> {
    let root = models::repo_root();
    let binary = ensure_installed(&root)?;
    let data = std::env::temp_dir().join(format!("tucuxi-s3fs-test-{}", std::process::id()));
    let server = S3sFs::start(&binary, &data, &root.join("target/s3s-fs.log"), (ACCESS_KEY, SECRET_KEY))?;
    println!("s3s-fs listening on {} (data: {})", server.endpoint, data.display());
    let result = run_transfer_cases(&root, &server);
    drop(server);
    result
}

/// The path of the pinned s3s-fs binary, installing it first unless it is already there.
pub fn ensure_installed(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join("target/tools");
    let binary = tools.join("bin").join(if cfg!(windows) { "s3s-fs.exe" } else { "s3s-fs" });
    let version = Command::new(&binary).arg("--version").output().ok();
    let version = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(S3S_FS_VERSION) {
        println!("reusing {} ({S3S_FS_VERSION})", binary.display());
        return Ok(binary);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let args =
        ["install", "s3s-fs", "--version", &format!("={S3S_FS_VERSION}"), "--locked", "--features", "binary", "--root"];
    println!("$ cargo {} {}", args.join(" "), tools.display());
    let started = Instant::now();
    let status =
        Command::new(cargo).args(args).arg(&tools).status().map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() {
        return Err(format!("installing s3s-fs {S3S_FS_VERSION} failed ({status})"));
    }
    println!("s3s-fs installed in {:.0}s", started.elapsed().as_secs_f64());
    Ok(binary)
}

/// A running s3s-fs; dropping it kills and reaps the process and removes its data directory.
pub struct S3sFs {
    child: Child,
    pub endpoint: String,
    pub data: PathBuf,
    log: PathBuf,
}

impl S3sFs {
    /// Starts s3s-fs over a new, empty `data` directory, checking signatures made with `keys`
    /// (access key, secret key), and waits until it accepts connections.
    pub fn start(binary: &Path, data: &Path, log: &Path, keys: (&str, &str)) -> Result<S3sFs, String> {
        let _ = std::fs::remove_dir_all(data);
        std::fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
        let port = crate::moto::free_port()?;
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let log_err = log_file.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let port_text = port.to_string();
        let args = ["--host", "127.0.0.1", "--port", &port_text, "--access-key", keys.0, "--secret-key", keys.1];
        // The keys are fake, but the command line is shown without the secret all the same.
        println!("$ {} {} --secret-key … {}", binary.display(), args[..6].join(" "), data.display());
        let child = Command::new(binary)
            .args(args)
            .arg(data)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut server =
            S3sFs { child, endpoint: format!("http://127.0.0.1:{port}"), data: data.to_owned(), log: log.to_owned() };
        server.wait_listening(port)?;
        Ok(server)
    }

    fn wait_listening(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
                return Ok(());
            }
            // One that exited (say, the port was taken meanwhile) will never listen: stop now.
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("s3s-fs exited before listening ({status}); see {}", self.log.display()));
            }
            if Instant::now() >= deadline {
                return Err(format!("s3s-fs did not listen within {}s; see {}", STARTUP.as_secs(), self.log.display()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
        println!("s3s-fs at {} stopped", self.endpoint);
    }
}

/// Runs the transfer cases with only `TUCUXI_S3FS_ENDPOINT` set (so their moto halves skip) and
/// checks that each printed its s3s-fs marker.
fn run_transfer_cases(root: &Path, server: &S3sFs) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // One case at a time: on s3s-fs, open uploads are counted from the shared data directory.
    let args = [
        "test",
        "--quiet",
        "-p",
        "tucuxi-tests",
        "--test",
        "moto_services",
        "transfer::",
        "--",
        "--nocapture",
        "--test-threads=1",
    ];
    println!(
        "$ TUCUXI_S3FS_ENDPOINT={} TUCUXI_S3FS_ROOT={} cargo {}",
        server.endpoint,
        server.data.display(),
        args.join(" ")
    );
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .env("TUCUXI_S3FS_ENDPOINT", &server.endpoint)
        .env("TUCUXI_S3FS_ROOT", &server.data)
        .env_remove("TUCUXI_MOTO_ENDPOINT")
        .env_remove("TUCUXI_MOTO_AUTH_ENDPOINT")
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    println!("(transfer cases on s3s-fs took {:.1}s, build included)", started.elapsed().as_secs_f64());
    if !output.status.success() {
        return Err(format!("the transfer cases failed against s3s-fs ({})", output.status));
    }
    let checks: Vec<usize> = stdout
        .lines()
        .filter_map(|l| Some(&l[l.find(MARKER)? + MARKER.len()..]))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect();
    let passed = stdout
        .lines()
        .find_map(|l| Some(&l[l.find("test result: ")?..]))
        .and_then(|l| l.split(". ").nth(1)?.split_whitespace().next()?.parse::<usize>().ok())
        .ok_or("the transfer cases printed no `test result` line")?;
    if checks.is_empty() || checks.len() != passed {
        return Err(format!("{} of the {passed} transfer cases printed `{MARKER}N checks` on s3s-fs", checks.len()));
    }
    let skipped = stdout.lines().filter(|l| l.contains("s3s-fs: skipped a check")).count();
    println!(
        "e2e transfers against s3s-fs: {} checks in {} cases ({skipped} moto-only checks skipped, each with its reason above)",
        checks.iter().sum::<usize>(),
        checks.len()
    );
    Ok(())
}
