//! `cargo xtask check-all`: generate every service of a models directory into a scratch
//! workspace and `cargo check` them in batches with one shared target directory.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::generate;
use crate::models;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The models directory (e.g. one written by `import-models --all --to DIR`).
    #[arg(long)]
    pub models: PathBuf,
    /// Crates per `cargo check` invocation.
    #[arg(long, default_value_t = 40)]
    pub batch: usize,
    /// Scratch directory for the workspace and its target dir (default: target/check-all).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Only these services (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
}

pub fn run(args: &Args) -> Result<(), String> {
    let start = Instant::now();
    let root = models::repo_root();
    let work = args.work_dir.clone().unwrap_or_else(|| root.join("target/check-all"));
    let crates_dir = work.join("crates");
    let mut services = models::services(&args.models)?;
    if !args.services.is_empty() {
        services.retain(|s| args.services.contains(s));
    }
    if services.is_empty() {
        return Err(format!("no service models in {}", args.models.display()));
    }
    println!("generating {} services from {}", services.len(), args.models.display());
    let gen_args = generate::Args {
        services: services.clone(),
        models: Some(args.models.clone()),
        out: Some(crates_dir.clone()),
        quiet: true,
        ..generate::Args::default()
    };
    let changes = generate::generate(&gen_args)?;
    println!(
        "generated in {:.1}s ({} files written, {} unchanged)",
        start.elapsed().as_secs_f64(),
        changes.written.len(),
        changes.unchanged
    );
    write_workspace(&work, &services)?;

    let batch = args.batch.max(1);
    let total_batches = services.len().div_ceil(batch);
    let mut failures: Vec<(String, String)> = Vec::new();
    for (i, chunk) in services.chunks(batch).enumerate() {
        let batch_start = Instant::now();
        let failed = check_batch(&work, chunk)?;
        let done = (i * batch + chunk.len()).min(services.len());
        let bar_len = 30 * done / services.len();
        println!(
            "[{}{}] {done}/{} batch {}/{total_batches}: {} ok, {} failed ({:.1}s)",
            "#".repeat(bar_len),
            ".".repeat(30 - bar_len),
            services.len(),
            i + 1,
            chunk.len() - failed.len(),
            failed.len(),
            batch_start.elapsed().as_secs_f64()
        );
        failures.extend(failed);
    }
    println!(
        "check-all: {} services, {} failed, {:.1}s",
        services.len(),
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        return Ok(());
    }
    for (service, log) in &failures {
        println!("--- {service} ---\n{log}");
    }
    Err(format!(
        "{} services failed: {}",
        failures.len(),
        failures.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

/// A workspace of the generated crates, with the repository's runtime as a path dependency.
fn write_workspace(work: &Path, services: &[String]) -> Result<(), String> {
    let members: Vec<String> = services.iter().map(|s| format!("    \"crates/{s}\",")).collect();
    let manifest = format!(
        "# Scratch workspace written by `cargo xtask check-all`.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\n",
        members.join("\n")
    );
    let path = work.join("Cargo.toml");
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    std::fs::write(&path, manifest).map_err(|e| format!("{}: {e}", path.display()))
}

/// Checks one batch; returns the services that failed with their compiler output.
fn check_batch(work: &Path, services: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(work).args(["check", "--quiet", "--keep-going", "--message-format=short"]);
    for s in services {
        cmd.args(["-p", &tucuxi_codegen::naming::crate_name(s)]);
    }
    // Generated crates must be warning-free.
    cmd.env("RUSTFLAGS", "-D warnings").stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cargo check: {e}"))?;
    let stderr = child.stderr.take().expect("piped");
    let mut log = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        log.push_str(&line);
        log.push('\n');
    }
    let status = child.wait().map_err(|e| format!("cargo check: {e}"))?;
    if status.success() {
        return Ok(Vec::new());
    }
    // Attribute errors to crates by the path of the file each diagnostic names.
    let mut failed = Vec::new();
    for s in services {
        let needle = format!("crates/{s}/");
        let lines: Vec<&str> = log.lines().filter(|l| l.contains(&needle)).take(20).collect();
        let gave_up = log.contains(&format!("could not compile `{}`", tucuxi_codegen::naming::crate_name(s)));
        if gave_up || !lines.is_empty() {
            failed.push((s.clone(), lines.join("\n")));
        }
    }
    if failed.is_empty() {
        let _ = std::io::stdout().flush();
        return Err(format!("cargo check failed outside the generated crates:\n{log}"));
    }
    Ok(failed)
}
