//! `cargo xtask bench`: what tucuxi costs its users against aws-sdk-rust and boto3, measured on
//! this machine in one run, so that ratios hold while absolute times drift.
//!
//! The apps and tools it runs live in `bench/`, a workspace of its own whose `Cargo.lock` pins
//! the peer crates (and `bench/requirements.txt` pins boto3). Each section is one module:
//!
//! - [`codegen`]: generating the committed services and all 439; generated lines against the
//!   official crates' lines.
//! - [`build`]: clean and incremental builds of a minimal app per service, each SDK in its own
//!   target directory, runs alternated: wall time, peak rustc memory, crates, stripped size.
//! - [`requests`]: CPU and requests per second against a canned loopback server (`bench/server`),
//!   tucuxi async and blocking, aws-sdk-rust, boto3 and a bare-hyper floor; SigV4 signing.
//! - [`memory`]: peak RSS paging many keys and streaming a large object both ways.
//! - [`startup`]: process start to first response, against boto3's import + client + call.
//! - [`transfer`]: a 1 GiB file up and down through s3s-fs on loopback with `upload_file` /
//!   `download_file`, against boto3's and a floor of plain concurrent requests.
//!
//! Results go to `target/bench/report.json` and `target/bench/report.md`.

mod build;
mod codegen;
mod memory;
mod report;
mod requests;
mod startup;
mod tools;
mod transfer;

use std::path::PathBuf;
use std::time::Instant;

use crate::models;
use report::Figure;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A short run (under 5 minutes): s3 debug builds only, fewer requests, 64 MiB streams, no
    /// all-439 generation. The report has the same shape; skipped figures say so.
    #[arg(long)]
    pub quick: bool,
    /// Only these sections (comma-separated): codegen, build, requests, memory, startup, transfer.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// The services whose apps the build section builds clean (default: s3, dynamodb, sqs, ec2;
    /// with --quick: s3).
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
    /// Of those, the ones also built clean in release (default: all of them; with --quick: none).
    #[arg(long, value_delimiter = ',')]
    pub release_services: Option<Vec<String>>,
    /// Build these services' peer apps (`all` for every one) if the build section did not leave
    /// them in target/bench/bin: in release, in one shared target directory, untimed, so that the
    /// run-time sections can compare with them.
    #[arg(long, value_delimiter = ',')]
    pub peer_binaries: Vec<String>,
    /// Keep the figures of the previous target/bench/report.json that this run does not measure,
    /// marked as coming from that run (to complete a run in parts).
    #[arg(long)]
    pub merge: bool,
}

/// What every section needs: where things are and how big the run is.
pub struct Ctx {
    pub quick: bool,
    pub build_services: Vec<String>,
    pub release_services: Vec<String>,
    pub peer_binaries: Vec<String>,
    pub root: PathBuf,
    pub bench: PathBuf,
    pub out: PathBuf,
}

const SECTIONS: [&str; 6] = ["codegen", "build", "requests", "memory", "startup", "transfer"];

pub fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let root = models::repo_root();
    let build_services: Vec<String> = match (&args.services[..], args.quick) {
        ([], true) => vec!["s3".into()],
        ([], false) => tools::SERVICES.iter().map(|s| s.to_string()).collect(),
        (list, _) => list.to_vec(),
    };
    let release_services = match (&args.release_services, args.quick) {
        (Some(list), _) => list.iter().filter(|s| !s.is_empty() && *s != "none").cloned().collect(),
        (None, true) => Vec::new(),
        (None, false) => build_services.clone(),
    };
    for svc in build_services.iter().chain(&release_services).chain(args.peer_binaries.iter().filter(|s| *s != "all")) {
        if !tools::SERVICES.contains(&svc.as_str()) {
            return Err(format!("no bench app for {svc:?}; the services are {}", tools::SERVICES.join(", ")));
        }
    }
    let ctx = Ctx {
        quick: args.quick,
        build_services,
        release_services,
        peer_binaries: if args.peer_binaries.iter().any(|s| s == "all") {
            tools::SERVICES.iter().map(|s| s.to_string()).collect()
        } else {
            args.peer_binaries.clone()
        },
        bench: root.join("bench"),
        out: root.join("target/bench"),
        root,
    };
    let previous = if args.merge { report::read_json(&ctx.out.join("report.json")) } else { Vec::new() };
    std::fs::create_dir_all(&ctx.out).map_err(|e| format!("{}: {e}", ctx.out.display()))?;
    for only in &args.only {
        if !SECTIONS.contains(&only.as_str()) {
            return Err(format!("unknown section {only:?}; the sections are {}", SECTIONS.join(", ")));
        }
    }
    let wanted = |s: &str| args.only.is_empty() || args.only.iter().any(|o| o == s);
    let load_before = tools::loadavg();
    let mut figures = Vec::new();
    let mut notes = Vec::new();
    // The reports are rewritten after every section, so a run cut short still leaves its figures.
    let save = |figures: &[Figure], notes: &[String]| {
        let mut all: Vec<Figure> = figures.iter().map(Figure::clone).collect();
        report::merge(&mut all, &previous);
        write_reports(&ctx, &all, notes, &load_before, started)
    };
    if wanted("codegen") {
        tools::section("code generation");
        figures.extend(codegen::run(&ctx)?);
        save(&figures, &notes)?;
    }
    if wanted("build") {
        tools::section("compile cost");
        figures.extend(build::run(&ctx)?);
        save(&figures, &notes)?;
    }
    // The run-time sections share the release binaries and the canned server.
    if wanted("requests") || wanted("memory") || wanted("startup") {
        let bins = tools::Binaries::prepare(&ctx)?;
        notes.extend(bins.notes.iter().cloned());
        if wanted("build") {
            build::sizes_from_run_binaries(&ctx, &bins, &mut figures);
        }
        let server = tools::Server::start(&bins.server)?;
        if wanted("requests") {
            tools::section("per-request cost");
            figures.extend(requests::run(&ctx, &bins, &server)?);
            save(&figures, &notes)?;
        }
        if wanted("memory") {
            tools::section("memory");
            figures.extend(memory::run(&ctx, &bins, &server)?);
            save(&figures, &notes)?;
        }
        if wanted("startup") {
            tools::section("start-up");
            figures.extend(startup::run(&ctx, &bins, &server)?);
        }
    }
    if wanted("transfer") {
        tools::section("transfers");
        let binary = tools::build_tools(&ctx)?;
        let python = match tools::ensure_venv(&ctx) {
            Ok(python) => Some(python),
            Err(e) => {
                notes.push(format!("boto3 transfer figures not measured: {e}"));
                None
            }
        };
        figures.extend(transfer::run(&ctx, &binary, python.as_deref())?);
        save(&figures, &notes)?;
    }
    let (json, md) = save(&figures, &notes)?;
    report::merge(&mut figures, &previous);
    println!("\n{}", report::summary_table(&figures));
    println!(
        "bench finished in {:.1} min: {} and {}",
        started.elapsed().as_secs_f64() / 60.0,
        json.display(),
        md.display()
    );
    Ok(())
}

/// Writes `report.json` and `report.md` with the figures so far; returns their paths.
fn write_reports(
    ctx: &Ctx,
    figures: &[Figure],
    notes: &[String],
    load_before: &str,
    started: Instant,
) -> Result<(PathBuf, PathBuf), String> {
    let header = tools::header(ctx, load_before, started.elapsed().as_secs_f64());
    let mut closing = String::from(CLOSING);
    for note in notes {
        closing.push_str(&format!("- {note}\n"));
    }
    let json = ctx.out.join("report.json");
    let md = ctx.out.join("report.md");
    std::fs::write(&json, report::to_json(figures)).map_err(|e| format!("{}: {e}", json.display()))?;
    std::fs::write(&md, report::to_markdown(figures, &header, &closing))
        .map_err(|e| format!("{}: {e}", md.display()))?;
    Ok((json, md))
}

/// How to read the figures; run-specific notes are appended.
const CLOSING: &str = "\
- Ratios are tucuxi / peer. For costs (time, memory, bytes, CPU) lower is better; for rates \
(requests or signatures per second) higher is better.
- Builds: each app is a Cargo project of `bench/` built alone with `cargo build -p APP \
--target-dir target/bench/build/...`, after deleting that target directory; tucuxi and the peer \
alternate, one run each. \"Peak rustc memory\" is GNU time's maximum resident set of the build, \
which is that of its largest single process (rustc or a build script). Crates compiled counts \
cargo's `Compiling` lines. Release builds are stripped (`CARGO_PROFILE_RELEASE_STRIP=true`).
- Requests: one client process, sequential requests on one kept-alive connection (concurrency 1), \
against `bench/server` on loopback, after one warm-up request. CPU is the client process's user + \
system time (`getrusage` in the Rust clients, `time.process_time` in Python). Rounds \
alternate the clients; the median round is reported. The floor is a bare pooled hyper client \
replaying the exact bytes of tucuxi's request, captured by the server.
- Memory: peak RSS (VmHWM) of one tucuxi process per size.
- Start-up: wall time from spawning the process to its exit after the first response (median of \
several runs), so it includes process start and, for boto3, the Python interpreter and imports.
- Transfers: one process per client and direction, run once each, against s3s-fs (the version \
pinned in xtask/src/s3fs.rs) on loopback, with its data, the source file and the downloads on \
tmpfs (/dev/shm) where there is one; 8 MiB parts, 10 at a time, boto3's defaults otherwise. \
Throughput is the file's size over the wall time of the `upload_file` / `download_file` call \
alone (process start and imports excluded). Peak RSS is the process's VmHWM (`ru_maxrss` for \
boto3, the interpreter included). The floor sends the same parts with a bare pooled hyper client \
to presigned URLs: no checksums, retries or progress. Every download reads the object tucuxi \
uploaded and is compared with the source byte for byte.
";
