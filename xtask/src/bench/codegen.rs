//! Code generation: how long generating takes, and how much Rust it writes against the official
//! crates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::report::Figure;
use super::tools::{self, SERVICES};
use super::Ctx;
use crate::{generate, import, models};

const SECTION: &str = "Code generation";

pub fn run(ctx: &Ctx) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    let committed = models::services(&ctx.root.join("models"))?;
    let seconds = time_generate(&ctx.root.join("models"), &ctx.out.join("gen-committed"))?;
    println!("generated the {} committed services in {seconds:.2}s", committed.len());
    figures.push(
        Figure::new(SECTION, format!("generate the {} committed services", committed.len()), "s", "")
            .values(Some(seconds), None)
            .note("the official SDK's generator (smithy-rs, Gradle) is not run here: no peer figure"),
    );
    let all = Figure::new(SECTION, "generate all botocore services", "s", "");
    figures.push(if ctx.quick {
        all.note("skipped in --quick")
    } else {
        match generate_all(ctx) {
            Ok((count, seconds)) => {
                println!("generated all {count} services in {seconds:.2}s");
                Figure { name: format!("generate all {count} botocore services"), ..all }.values(Some(seconds), None)
            }
            Err(e) => all.note(format!("not measured: {e}")),
        }
    });
    for svc in SERVICES {
        let ours = rust_lines(&ctx.root.join("generated").join(svc))?;
        let (peer, peer_name, note) = match official_src(ctx, svc) {
            Ok((dir, version)) => (Some(rust_lines(&dir)? as f64), format!("aws-sdk-{svc} {version}"), String::new()),
            Err(e) => (None, format!("aws-sdk-{svc}"), format!("not measured: {e}")),
        };
        println!("{svc}: {ours} generated lines against {}", peer.map_or("?".into(), |p| p.to_string()));
        let mut lines = Figure::new(SECTION, format!("generated lines of Rust, {svc}"), "lines", peer_name)
            .values(Some(ours as f64), peer)
            .note(note);
        // Issue 18 sets a tenth of the official crate for the two largest apps it names.
        if matches!(svc, "s3" | "ec2") {
            lines = lines.target(0.1);
        }
        figures.push(lines);
    }
    Ok(figures)
}

/// Generates every service of `models` into a fresh `out` and returns the seconds it took.
fn time_generate(models: &Path, out: &Path) -> Result<f64, String> {
    let _ = std::fs::remove_dir_all(out);
    let args = generate::Args {
        models: Some(models.to_owned()),
        out: Some(out.to_owned()),
        quiet: true,
        ..generate::Args::default()
    };
    let started = Instant::now();
    generate::generate(&args)?;
    let seconds = started.elapsed().as_secs_f64();
    // The output is only timed; keep the disk free for the builds.
    let _ = std::fs::remove_dir_all(out);
    Ok(seconds)
}

/// Imports every botocore model (pinned, through pip) and times generating them all.
fn generate_all(ctx: &Ctx) -> Result<(usize, f64), String> {
    let models_dir = ctx.out.join("models-all");
    if models::services(&models_dir).map_or(true, |s| s.len() < 400) {
        println!("importing every botocore model into {}", models_dir.display());
        import::import_models(&import::ImportOptions {
            from: None,
            to: models_dir.clone(),
            services: Vec::new(),
            all: true,
        })?;
    }
    let count = models::services(&models_dir)?.len();
    Ok((count, time_generate(&models_dir, &ctx.out.join("gen-all"))?))
}

/// Lines of every `.rs` file under `dir`.
fn rust_lines(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let bytes = std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
            lines += bytes.iter().filter(|&&b| b == b'\n').count();
        }
    }
    Ok(lines)
}

/// The version of a package in `bench/Cargo.lock`.
pub fn locked_version(ctx: &Ctx, package: &str) -> Option<String> {
    let lock = std::fs::read_to_string(ctx.bench.join("Cargo.lock")).ok()?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let at = lock.find(&needle)? + needle.len();
    Some(lock[at..].split('"').next()?.to_owned())
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

/// The `src/` of the pinned official crate: cargo's unpacked copy if a build made one, else the
/// downloaded `.crate` unpacked under target/bench/crates (fetched first if need be).
fn official_src(ctx: &Ctx, svc: &str) -> Result<(PathBuf, String), String> {
    let package = format!("aws-sdk-{svc}");
    let version = locked_version(ctx, &package).ok_or_else(|| format!("{package} is not in bench/Cargo.lock"))?;
    let name = format!("{package}-{version}");
    let registry = cargo_home().join("registry");
    let find = |sub: &str, file: &str| -> Option<PathBuf> {
        std::fs::read_dir(registry.join(sub)).ok()?.flatten().map(|e| e.path().join(file)).find(|p| p.exists())
    };
    if let Some(dir) = find("src", &name) {
        return Ok((dir.join("src"), version));
    }
    let unpacked = ctx.out.join("crates").join(&name);
    if unpacked.join("src").is_dir() {
        return Ok((unpacked.join("src"), version));
    }
    if find("cache", &format!("{name}.crate")).is_none() {
        let status = tools::cargo().current_dir(&ctx.bench).args(["fetch", "--quiet"]).status();
        status.map_err(|e| format!("cargo fetch: {e}"))?;
    }
    let archive = find("cache", &format!("{name}.crate")).ok_or_else(|| format!("{name}.crate was not downloaded"))?;
    std::fs::create_dir_all(ctx.out.join("crates")).map_err(|e| e.to_string())?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(ctx.out.join("crates"))
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !status.success() {
        return Err(format!("could not unpack {}", archive.display()));
    }
    Ok((unpacked.join("src"), version))
}
