//! `cargo xtask test`: every test, in the order that fails fastest.

use std::process::Command;

use crate::{generate, models};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Skip compiling and linting the generated crates (the slowest step).
    #[arg(long)]
    pub skip_generated: bool,
}

pub fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_env(args, &[])
}

fn cargo_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(models::repo_root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

pub fn run(args: &Args) -> Result<(), String> {
    println!("$ cargo xtask generate --check");
    generate::run(&generate::Args { check: true, ..generate::Args::default() })?;
    // Unit, golden, bad-model, determinism and vendoring tests of the hand-written crates.
    // The hand-written crates must be as clean as the generated ones.
    cargo(&["clippy", "--quiet", "--all-targets", "--features", "tucuxi/sigv4a", "--", "-D", "warnings"])?;
    // `cargo test` covers the workspace's default members: everything but the generated crates.
    cargo(&["test", "--quiet"])?;
    if !args.skip_generated {
        let mut services = models::services(&models::repo_root().join("models"))?;
        // The golden crates are generated crates too, and must be as clean.
        let golden = models::repo_root().join("tests/golden");
        let entries = std::fs::read_dir(&golden).map_err(|e| format!("{}: {e}", golden.display()))?;
        services.extend(entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()));
        let mut clippy: Vec<String> = vec!["clippy".into(), "--quiet".into()];
        for s in &services {
            clippy.push("-p".into());
            clippy.push(tucuxi_codegen::naming::crate_name(s));
        }
        let packages: Vec<String> = clippy[2..].to_vec();
        clippy.extend(["--".into(), "-D".into(), "warnings".into()]);
        cargo(&clippy.iter().map(String::as_str).collect::<Vec<_>>())?;
        // The converted model docs must be valid rustdoc: no broken links, no doctests.
        let mut doc: Vec<String> = vec!["doc".into(), "--quiet".into(), "--no-deps".into()];
        doc.extend(packages);
        doc.extend(["-p".into(), "tucuxi".into()]);
        cargo_env(&doc.iter().map(String::as_str).collect::<Vec<_>>(), &[("RUSTDOCFLAGS", "-D warnings")])?;
    }
    for (name, suite) in [
        ("signing", crate::Suite::Signing),
        ("endpoints", crate::Suite::Endpoints),
        ("names", crate::Suite::Names),
        ("protocols", crate::Suite::Protocols(crate::protocols::Args::default())),
        ("resources", crate::Suite::Resources),
    ] {
        println!("$ cargo xtask conformance {name}");
        crate::conformance(suite)?;
    }
    // End to end: the credential chain against a local moto STS, never real AWS.
    crate::moto::run()?;
    // The transfer cases once more against a second real store, s3s-fs.
    crate::s3fs::run()?;
    Ok(())
}
