//! What the sections share: the release binaries, the canned server, the boto3 venv, running a
//! client and reading its `BENCH` line, and the report header.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use super::Ctx;
use crate::moto;

pub const SERVICES: [&str; 4] = ["s3", "dynamodb", "sqs", "ec2"];

pub fn section(name: &str) {
    println!("\n== {name} ==");
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The report's opening: when, where, under what load, how long.
pub fn header(ctx: &Ctx, load_before: &str, elapsed: f64) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model =
        cpuinfo.lines().find_map(|l| l.strip_prefix("model name")).map(|m| m.trim_start_matches([' ', '\t', ':']));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    let date = Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]).output().ok();
    let date = date.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    let rustc = Command::new("rustc").arg("--version").output().ok();
    let rustc = rustc.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    format!(
        "# tucuxi benchmarks\n\n`cargo xtask bench{}` finished {date} after {:.1} min.\n\n\
         - machine: {cores} cores ({}), {:.1} GiB RAM; {rustc}\n\
         - load average (1/5/15 min) at the start: {load_before}; at the end: {}\n\
         - peers: aws-sdk-rust crates as pinned in `bench/Cargo.lock`; boto3 as pinned in `bench/requirements.txt`\n",
        if ctx.quick { " --quick" } else { "" },
        elapsed / 60.0,
        model.unwrap_or("unknown CPU"),
        mem_kib / 1024.0 / 1024.0,
        loadavg(),
    )
}

/// The binaries the run-time sections use.
pub struct Binaries {
    pub server: PathBuf,
    pub tools: PathBuf,
    /// `app-tucuxi-<svc>` per service.
    pub tucuxi: Vec<(&'static str, PathBuf)>,
    /// `app-aws-<svc>` per service, when a release build of it exists.
    pub aws: Vec<(&'static str, Option<PathBuf>)>,
    pub python: Option<PathBuf>,
    pub script: PathBuf,
    pub notes: Vec<String>,
}

impl Binaries {
    /// Builds the server, the tools and the tucuxi apps in release (incrementally, in a target
    /// directory kept between runs), takes the peer apps the build section made, and readies the
    /// boto3 venv.
    pub fn prepare(ctx: &Ctx) -> Result<Binaries, String> {
        let dir = ctx.out.join("run");
        let mut cmd = cargo();
        cmd.current_dir(&ctx.bench).args(["build", "--release", "--quiet", "--target-dir"]).arg(&dir);
        cmd.args(["-p", "bench-server", "-p", "bench-tools"]);
        for svc in SERVICES {
            cmd.args(["-p", &format!("app-tucuxi-{svc}")]);
        }
        println!("building the server, the tools and the tucuxi apps (release)");
        let started = Instant::now();
        let status = cmd.env("CARGO_PROFILE_RELEASE_STRIP", "true").status().map_err(|e| format!("cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building the bench binaries failed ({status})"));
        }
        println!("built in {:.1}s", started.elapsed().as_secs_f64());
        let bin = |name: &str| dir.join("release").join(name);
        let mut notes = Vec::new();
        if !ctx.peer_binaries.is_empty() {
            build_missing_peers(ctx)?;
        }
        let aws = SERVICES
            .iter()
            .map(|&svc| {
                let path = peer_binary(ctx, svc);
                let found = path.is_file().then_some(path);
                if found.is_none() {
                    notes.push(format!(
                        "aws-sdk-rust {svc}: no release build in target/bench/bin (the full run's build section makes \
                         it), so its run-time figures are not measured"
                    ));
                }
                (svc, found)
            })
            .collect();
        let python = match ensure_venv(ctx) {
            Ok(python) => Some(python),
            Err(e) => {
                notes.push(format!("boto3 figures not measured: {e}"));
                None
            }
        };
        Ok(Binaries {
            server: bin("bench-server"),
            tools: bin("bench-tools"),
            tucuxi: SERVICES.iter().map(|&svc| (svc, bin(&format!("app-tucuxi-{svc}")))).collect(),
            aws,
            python,
            script: ctx.bench.join("boto3_bench.py"),
            notes,
        })
    }

    pub fn tucuxi(&self, svc: &str) -> &Path {
        &self.tucuxi.iter().find(|(s, _)| *s == svc).expect("every service has an app").1
    }

    pub fn aws(&self, svc: &str) -> Option<&Path> {
        self.aws.iter().find(|(s, _)| *s == svc).and_then(|(_, p)| p.as_deref())
    }
}

/// Builds only `bench-tools` in release, where [`Binaries::prepare`] puts it, for the transfer
/// section, which needs no app; returns its path.
pub fn build_tools(ctx: &Ctx) -> Result<PathBuf, String> {
    let dir = ctx.out.join("run");
    let mut cmd = cargo();
    cmd.current_dir(&ctx.bench).args(["build", "--release", "--quiet", "-p", "bench-tools", "--target-dir"]).arg(&dir);
    println!("building the bench tools (release)");
    let started = Instant::now();
    let status = cmd.env("CARGO_PROFILE_RELEASE_STRIP", "true").status().map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the bench tools failed ({status})"));
    }
    println!("built in {:.1}s", started.elapsed().as_secs_f64());
    Ok(dir.join("release").join("bench-tools"))
}

/// Builds, untimed and in one shared target directory, the peer apps that have no release binary
/// in target/bench/bin yet, and puts them there.
fn build_missing_peers(ctx: &Ctx) -> Result<(), String> {
    let missing: Vec<&str> = SERVICES
        .iter()
        .copied()
        .filter(|svc| ctx.peer_binaries.iter().any(|s| s == svc) && !peer_binary(ctx, svc).is_file())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let dir = ctx.out.join("peers");
    let mut cmd = cargo();
    cmd.current_dir(&ctx.bench).args(["build", "--release", "--quiet", "--locked", "--target-dir"]).arg(&dir);
    for svc in &missing {
        cmd.args(["-p", &format!("app-aws-{svc}")]);
    }
    println!("building the peer apps {} (release, untimed)", missing.join(", "));
    let started = Instant::now();
    let status = cmd.env("CARGO_PROFILE_RELEASE_STRIP", "true").status().map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the peer apps failed ({status})"));
    }
    println!("built in {:.1}s", started.elapsed().as_secs_f64());
    for svc in missing {
        let keep = peer_binary(ctx, svc);
        std::fs::create_dir_all(keep.parent().expect("a file in a directory")).map_err(|e| e.to_string())?;
        let built = dir.join("release").join(format!("app-aws-{svc}"));
        std::fs::copy(&built, &keep).map_err(|e| format!("{}: {e}", built.display()))?;
    }
    // The peers' release target directory runs to gigabytes; the binaries are what is needed.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Where the build section leaves the stripped release binary of a peer app.
pub fn peer_binary(ctx: &Ctx, svc: &str) -> PathBuf {
    ctx.out.join("bin").join(format!("app-aws-{svc}"))
}

/// The venv with the pinned boto3, reused while its stamp matches `bench/requirements.txt`.
pub fn ensure_venv(ctx: &Ctx) -> Result<PathBuf, String> {
    let venv = ctx.out.join("venv");
    let requirements = ctx.bench.join("requirements.txt");
    let want = std::fs::read_to_string(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = venv.join("tucuxi-bench-stamp");
    let python = moto::venv_python(&venv);
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == want) && python.exists() {
        return Ok(python);
    }
    println!("creating {} with {}", venv.display(), requirements.display());
    moto::run_quiet(Command::new("python3").args(["-m", "venv"]).arg(&venv), "create the boto3 venv")?;
    moto::run_quiet(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        "install boto3",
    )?;
    // Only a finished install is stamped, so an interrupted one is retried next time.
    std::fs::write(&stamp, want).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(python)
}

/// The canned-response server; dropping it kills and reaps the process.
pub struct Server {
    child: Child,
    pub endpoint: String,
}

impl Server {
    pub fn start(binary: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        BufReader::new(stdout).read_line(&mut line).map_err(|e| format!("bench server: {e}"))?;
        let port = line.trim().strip_prefix("listening on ").and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the bench server said {line:?} instead of `listening on PORT`"));
        };
        println!("canned server on 127.0.0.1:{port}");
        Ok(Server { child, endpoint: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every client runs with the same environment: fixed fake keys are passed explicitly, and no
/// configuration file, profile or instance metadata of this machine can take part.
pub fn client_command(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/bench-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/bench-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null());
    cmd
}

/// The `BENCH ...` line of a run.
#[derive(Clone, Copy, Debug)]
pub struct Bench {
    pub n: f64,
    pub wall_s: f64,
    pub cpu_s: f64,
    pub peak_rss_kib: f64,
}

impl Bench {
    pub fn cpu_ms_per_1k(&self) -> f64 {
        self.cpu_s * 1000.0 / self.n * 1000.0
    }

    pub fn per_second(&self) -> f64 {
        self.n / self.wall_s
    }
}

/// Runs a client to completion and reads its `BENCH` line.
pub fn run_bench(mut cmd: Command) -> Result<Bench, String> {
    let shown = format!("{cmd:?}");
    let output = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        return Err(format!(
            "{shown} failed ({}): {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH "))
        .ok_or_else(|| format!("{shown} printed no BENCH line"))?;
    let field = |name: &str| -> Result<f64, String> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{shown}: no {name} in {line:?}"))
    };
    Ok(Bench { n: field("n")?, wall_s: field("wall_s")?, cpu_s: field("cpu_s")?, peak_rss_kib: field("peak_rss_kib")? })
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 })
}
