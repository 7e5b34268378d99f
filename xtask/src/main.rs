//! The tucuxi driver: `cargo xtask <command>`. It reads and writes files and runs tools; the
//! compiler itself (`tucuxi-codegen`) does no I/O.

mod bench;
mod check_all;
mod generate;
mod import;
mod models;
mod moto;
mod protocols;
mod s3fs;
mod stats;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "tucuxi's build driver")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the service crates from the models (the main job).
    Generate(generate::Args),
    /// Run every test: unit, golden, conformance, generated crates, end to end.
    Test(test::Args),
    /// Only the S3 transfer cases against s3s-fs, the second real store (the last step of `test`).
    TestS3fs,
    /// Copy the models of the chosen services from botocore and boto3 into models/.
    ImportModels {
        /// Read botocore/boto3 from this directory (site-packages) instead of a pinned pip install.
        #[arg(long)]
        from: Option<PathBuf>,
        /// Write here instead of models/.
        #[arg(long)]
        to: Option<PathBuf>,
        /// Every service botocore has.
        #[arg(long)]
        all: bool,
        /// Comma-separated services (default: the committed set).
        #[arg(long, value_delimiter = ',')]
        services: Vec<String>,
    },
    /// Run an official conformance suite from ../shared/conformance.
    Conformance {
        #[command(subcommand)]
        suite: Suite,
    },
    /// Generate every service in a models directory and `cargo check` them all in batches.
    CheckAll(check_all::Args),
    /// Size figures of the generated crates: lines of Rust per service, largest file.
    Stats(stats::Args),
    /// Measure build, request, memory and start-up costs against aws-sdk-rust and boto3.
    Bench(bench::Args),
}

#[derive(Clone, Subcommand)]
pub enum Suite {
    /// boto3's operation and waiter names over all 439 services.
    Names,
    /// The SigV4 and SigV4a signing suites.
    Signing,
    /// The endpoint rule-set cases of every service.
    Endpoints,
    /// botocore's protocol test suites, through the generator and the runtime codecs.
    Protocols(protocols::Args),
    /// boto3's resource classes and members against the generated resource layer.
    Resources,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Test(args) => test::run(&args),
        Command::TestS3fs => s3fs::run(),
        Command::ImportModels { from, to, all, services } => {
            let to = to.unwrap_or_else(|| models::repo_root().join("models"));
            import::import_models(&import::ImportOptions { from, to, services, all }).map(|report| {
                println!(
                    "imported {} services: {} files written, {} unchanged",
                    report.services, report.files_written, report.files_unchanged
                );
            })
        }
        Command::Conformance { suite } => conformance(suite),
        Command::CheckAll(args) => check_all::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one conformance suite; each ends with the plain line `N passed, M failed`.
pub fn conformance(suite: Suite) -> Result<(), String> {
    match suite {
        Suite::Names => conformance_names(),
        // These suites are integration tests of the runtime, so that they also run under plain
        // `cargo test`; here they run alone, with their report printed.
        Suite::Signing => test::cargo(&[
            "test",
            "--quiet",
            "-p",
            "tucuxi",
            "--features",
            "sigv4a",
            "--test",
            "signing_conformance",
            "--",
            "--nocapture",
        ]),
        Suite::Endpoints => {
            // The `params` cases through the engine alone, then the `operationInputs` cases of the
            // committed services through their generated clients.
            test::cargo(&["test", "--quiet", "-p", "tucuxi", "--test", "endpoint_conformance", "--", "--nocapture"])?;
            test::cargo(&[
                "test",
                "--quiet",
                "-p",
                "tucuxi-tests",
                "--test",
                "endpoint_operations",
                "--",
                "--nocapture",
            ])
        }
        Suite::Protocols(args) => protocols::run(&args),
        // The surface tables the generated crates hold, read by a test that links all nine.
        Suite::Resources => {
            test::cargo(&["test", "--quiet", "-p", "tucuxi-tests", "--test", "resources_surface", "--", "--nocapture"])
        }
    }
}

fn conformance_names() -> Result<(), String> {
    let path = models::shared_dir().join("conformance/boto3-surface/operation-and-waiter-names.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (passed, failures) = tucuxi_codegen::naming::check_boto3_names(&text)?;
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!("{passed} passed, {} failed", failures.len());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} names differ from boto3's", failures.len()))
    }
}
