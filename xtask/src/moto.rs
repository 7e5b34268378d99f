//! The end-to-end step of `cargo xtask test`: the runtime's credential code and the generated
//! clients against a local moto server, never real AWS.
//!
//! It keeps a virtualenv with a pinned moto at `target/moto-venv` (reused while its stamp file
//! names the same pin), starts `moto_server` on a free loopback port, and runs with
//! `TUCUXI_MOTO_ENDPOINT` set: `runtime/tests/moto_sts.rs`, requiring its `moto-sts: ran N
//! checks` marker, then `tests/tests/moto_services.rs`, requiring one `moto-services: ran N
//! checks (case)` marker per case, so a silent skip fails the step. A second moto, started with
//! `INITIAL_NO_AUTH_ACTION_COUNT` so it checks signatures after its first few calls, is given to
//! the same tests as `TUCUXI_MOTO_AUTH_ENDPOINT`. Both servers are stopped by drop guards, so
//! they go away on errors and panics too.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::models;

/// The pinned moto; bump it deliberately, since its STS responses are what the tests check.
const MOTO_PIN: &str = "moto[server]==5.2.5";
/// Written into the venv after a successful install; a different content means reinstall.
const STAMP: &str = "tucuxi-moto-stamp";
/// The line `runtime/tests/moto_sts.rs` prints when its checks really ran.
const STS_MARKER: &str = "moto-sts: ran ";
/// The line each case of `tests/tests/moto_services.rs` prints when its checks really ran.
const SERVICES_MARKER: &str = "moto-services: ran ";
/// How long moto may take to answer after it is started (a cold Python import is slow on CI).
const STARTUP: Duration = Duration::from_secs(30);
/// The calls the signature-checking moto lets through unsigned: the auth case spends them on
/// creating an IAM user, its access key and its policy (`NO_AUTH_CALLS` in
/// tests/tests/moto_services/auth.rs, which must agree).
const NO_AUTH_ACTION_COUNT: &str = "3";

pub fn run() -> Result<(), String> {
    let root = models::repo_root();
    let venv = root.join("target/moto-venv");
    let started = Instant::now();
    ensure_venv(&venv)?;
    println!("moto venv ready in {:.1}s", started.elapsed().as_secs_f64());

    let port = free_port()?;
    let log = root.join("target/moto-server.log");
    let mut server = MotoServer::start(&venv, port, &log, None)?;
    // The first server already holds its port, so the OS cannot hand the same one out again.
    let auth_port = free_port()?;
    let auth_log = root.join("target/moto-auth-server.log");
    let mut auth_server = MotoServer::start(&venv, auth_port, &auth_log, Some(NO_AUTH_ACTION_COUNT))?;
    server.wait_ready(STARTUP)?;
    auth_server.wait_ready(STARTUP)?;
    let endpoint = format!("http://127.0.0.1:{port}");
    let auth_endpoint = format!("http://127.0.0.1:{auth_port}");
    println!("moto listening on {endpoint} (log: {})", log.display());
    println!(
        "signature-checking moto listening on {auth_endpoint} after {NO_AUTH_ACTION_COUNT} unchecked calls (log: {})",
        auth_log.display()
    );

    let result = run_tests(&root, &Endpoints { plain: &endpoint, auth: &auth_endpoint });
    // The guards stop moto on every path; dropping them here just makes the order explicit.
    drop(auth_server);
    drop(server);
    result
}

/// The two moto servers the tests are pointed at.
struct Endpoints<'a> {
    /// Accepts any signature: `TUCUXI_MOTO_ENDPOINT`.
    plain: &'a str,
    /// Checks signatures after its first few calls: `TUCUXI_MOTO_AUTH_ENDPOINT`.
    auth: &'a str,
}

/// Creates the venv and installs the pin unless the stamp says it is already there.
fn ensure_venv(venv: &Path) -> Result<(), String> {
    let stamp = venv.join(STAMP);
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == MOTO_PIN) && venv_python(venv).exists() {
        println!("reusing {} ({MOTO_PIN})", venv.display());
        return Ok(());
    }
    let python = if cfg!(windows) { "python" } else { "python3" };
    println!("$ {python} -m venv {}", venv.display());
    run_quiet(Command::new(python).args(["-m", "venv"]).arg(venv), "create the moto venv")?;
    println!("$ {} -m pip install --quiet \"{MOTO_PIN}\"", venv_python(venv).display());
    run_quiet(
        Command::new(venv_python(venv)).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MOTO_PIN,
        ]),
        "install moto",
    )?;
    // Only a finished install is stamped, so an interrupted one is retried next time.
    std::fs::write(&stamp, format!("{MOTO_PIN}\n")).map_err(|e| format!("{}: {e}", stamp.display()))
}

fn venv_bin(venv: &Path) -> PathBuf {
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

pub fn venv_python(venv: &Path) -> PathBuf {
    venv_bin(venv).join(if cfg!(windows) { "python.exe" } else { "python" })
}

pub fn run_quiet(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("could not {what} ({status})"))
    }
}

/// A port nothing listens on now: the OS picks one for a throwaway listener, which is then closed.
/// Another process could take it before moto binds it; moto then fails to start and we say so.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a loopback port: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("cannot read the bound port: {e}"))?.port();
    drop(listener);
    Ok(port)
}

/// The running moto server; dropping it kills and reaps the process.
struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl MotoServer {
    /// Starts moto; `no_auth_count` makes it check signatures after that many calls.
    fn start(venv: &Path, port: u16, log: &Path, no_auth_count: Option<&str>) -> Result<MotoServer, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let log_err = log_file.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
        let port_text = port.to_string();
        let env = no_auth_count.map(|n| format!("INITIAL_NO_AUTH_ACTION_COUNT={n} ")).unwrap_or_default();
        println!("$ {env}{} -m moto.server -H 127.0.0.1 -p {port}", venv_python(venv).display());
        // `python -m moto.server` is the same entry point as `moto_server` and needs no PATH.
        let mut command = Command::new(venv_python(venv));
        command.args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port_text]);
        // With this set moto checks signatures after N calls: only the auth server gets it, since
        // every other case uses fake keys.
        match no_auth_count {
            Some(n) => command.env("INITIAL_NO_AUTH_ACTION_COUNT", n),
            None => command.env_remove("INITIAL_NO_AUTH_ACTION_COUNT"),
        };
        let child = command
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start moto: {e}"))?;
        Ok(MotoServer { child, port, log: log.to_owned() })
    }

    /// Polls `GET /moto-api/` until it answers 200, moto exits, or `limit` passes.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            if http_ok(self.port) {
                return Ok(());
            }
            // A server that died (say, the port was taken meanwhile) will never answer: stop now.
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("moto exited before answering ({status}); {}", self.log_tail()));
            }
            if Instant::now() >= deadline {
                return Err(format!("moto did not answer within {}s; {}", limit.as_secs(), self.log_tail()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!("last lines of {}:\n{}", self.log.display(), lines[lines.len().saturating_sub(20)..].join("\n"))
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        // Killing an already-exited child fails harmlessly; `wait` reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
        println!("moto on port {} stopped", self.port);
    }
}

/// One plain HTTP/1.0 GET of `/moto-api/`, with std only; true on a 200 status line.
fn http_ok(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 32];
    let mut read = 0;
    // The status line fits in the first bytes; stop once they are in or the server closes.
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let head = String::from_utf8_lossy(&head[..read]);
    head.starts_with("HTTP/1.") && head.split(' ').nth(1) == Some("200")
}

/// Runs the moto test targets with the endpoints set and checks their markers.
fn run_tests(root: &Path, endpoint: &Endpoints<'_>) -> Result<(), String> {
    let sts = run_test(root, endpoint, &["-p", "tucuxi", "--test", "moto_sts", "--", "--nocapture"])?;
    let sts_checks = markers(&sts, STS_MARKER);
    if sts_checks.is_empty() {
        return Err(format!("the moto STS tests did not print `{STS_MARKER}N checks`: they were skipped"));
    }
    println!("e2e against moto: {STS_MARKER}{} checks", sts_checks.iter().sum::<usize>());

    // Two threads: the cases are independent (unique names) and mostly wait on moto, which
    // serves one request at a time per connection anyway.
    let services = run_test(
        root,
        endpoint,
        &["-p", "tucuxi-tests", "--test", "moto_services", "--", "--nocapture", "--test-threads=2"],
    )?;
    let cases = markers(&services, SERVICES_MARKER);
    // Every case that passed must have printed its marker; one that skipped prints none. That
    // includes the signature-checking case, which skips without `TUCUXI_MOTO_AUTH_ENDPOINT`.
    let passed = passed_count(&services).ok_or("the moto service tests printed no `test result` line")?;
    if cases.is_empty() || cases.len() != passed {
        return Err(format!(
            "{} of the {passed} moto service cases printed `{SERVICES_MARKER}N checks`: the rest were skipped",
            cases.len()
        ));
    }
    println!("e2e against moto: {SERVICES_MARKER}{} checks in {} cases", cases.iter().sum::<usize>(), cases.len());

    // The resource layer, through the same marker convention.
    let resources = run_test(
        root,
        endpoint,
        &["-p", "tucuxi-tests", "--test", "moto_resources", "--", "--nocapture", "--test-threads=2"],
    )?;
    let cases = markers(&resources, SERVICES_MARKER);
    let passed = passed_count(&resources).ok_or("the moto resource tests printed no `test result` line")?;
    if cases.is_empty() || cases.len() != passed {
        return Err(format!(
            "{} of the {passed} moto resource cases printed `{SERVICES_MARKER}N checks`: the rest were skipped",
            cases.len()
        ));
    }
    println!("e2e resources against moto: {} checks in {} cases", cases.iter().sum::<usize>(), cases.len());
    Ok(())
}

/// Runs one `cargo test` with the endpoints set, echoes its output, and returns its stdout.
fn run_test(root: &Path, endpoint: &Endpoints<'_>, target: &[&str]) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["test", "--quiet"];
    args.extend_from_slice(target);
    println!(
        "$ TUCUXI_MOTO_ENDPOINT={} TUCUXI_MOTO_AUTH_ENDPOINT={} cargo {}",
        endpoint.plain,
        endpoint.auth,
        args.join(" ")
    );
    let started = Instant::now();
    let output = Command::new(&cargo)
        .args(&args)
        .env("TUCUXI_MOTO_ENDPOINT", endpoint.plain)
        .env("TUCUXI_MOTO_AUTH_ENDPOINT", endpoint.auth)
        // moto depends on boto3, so the venv's Python can check tokens against boto3's paginators.
        .env("TUCUXI_MOTO_PYTHON", venv_python(&root.join("target/moto-venv")))
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    println!("({} took {:.1}s, build included)", target.join(" "), started.elapsed().as_secs_f64());
    if !output.status.success() {
        return Err(format!("the moto e2e tests failed ({})", output.status));
    }
    Ok(stdout)
}

/// The N of every `<marker>N checks` line. With `--quiet` libtest's progress dots can share a
/// line with a marker, so the marker is looked for anywhere in the line.
fn markers(stdout: &str, marker: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|l| Some(&l[l.find(marker)? + marker.len()..]))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The N of libtest's `test result: ok. N passed; ...` line.
fn passed_count(stdout: &str) -> Option<usize> {
    let line = stdout.lines().find_map(|l| Some(&l[l.find("test result: ")?..]))?;
    line.split(". ").nth(1)?.split_whitespace().next()?.parse().ok()
}
