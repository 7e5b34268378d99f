//! Compile cost: a minimal app per service (`bench/apps/`), built with tucuxi and with
//! aws-sdk-rust, each clean in its own target directory, the two alternating.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use super::report::Figure;
use super::tools::{self, SERVICES};
use super::Ctx;

const SECTION: &str = "Compile cost";
const GNU_TIME: &str = "/usr/bin/time";

/// What one clean build cost.
#[derive(Default, Clone, Copy)]
struct Cost {
    wall: f64,
    peak_mib: Option<f64>,
    crates: usize,
    incremental: Option<f64>,
    size_mib: Option<f64>,
}

pub fn run(ctx: &Ctx) -> Result<Vec<Figure>, String> {
    if !Path::new(GNU_TIME).is_file() {
        println!("{GNU_TIME} is missing (Debian package `time`): peak memory will not be measured");
    }
    let mut figures = Vec::new();
    let mut aws_s3_debug = None;
    for (i, svc) in SERVICES.into_iter().enumerate() {
        let debug_skipped = !ctx.build_services.iter().any(|s| s == svc);
        let release_skipped = debug_skipped || !ctx.release_services.iter().any(|s| s == svc);
        let peer = format!("aws-sdk-{svc}");
        let mut costs = [[None, None], [None, None]];
        for (p, release) in [false, true].into_iter().enumerate() {
            if debug_skipped || (release && release_skipped) {
                continue;
            }
            // Alternate which SDK goes first, so neither always builds on a cooler machine.
            let order = if i % 2 == 0 { ["tucuxi", "aws"] } else { ["aws", "tucuxi"] };
            for sdk in order {
                let cost = build(ctx, sdk, svc, release)?;
                costs[p][usize::from(sdk == "aws")] = Some(cost);
            }
        }
        if svc == "s3" {
            aws_s3_debug = costs[0][1];
        }
        let skip = |release: bool| -> &'static str {
            match (ctx.quick, debug_skipped || (release && release_skipped)) {
                (_, false) => "",
                (true, true) => "skipped in --quick",
                (false, true) => "not run (--services / --release-services)",
            }
        };
        let pick = |p: usize, f: fn(&Cost) -> Option<f64>| {
            (costs[p][0].as_ref().and_then(f), costs[p][1].as_ref().and_then(f))
        };
        let figure = |name: &str, unit: &'static str, p: usize, f: fn(&Cost) -> Option<f64>| {
            let (t, a) = pick(p, f);
            Figure::new(SECTION, format!("{svc} app: {name}"), unit, peer.clone()).values(t, a).note(skip(p == 1))
        };
        let debug_target = match svc {
            "s3" => Some(0.2),
            "ec2" => Some(0.1),
            _ => None,
        };
        let mut clean_debug = figure("clean debug build", "s", 0, |c| Some(c.wall));
        if let Some(t) = debug_target {
            clean_debug = clean_debug.target(t);
        }
        figures.push(clean_debug);
        figures.push(figure("peak rustc memory, debug build", "MiB", 0, |c| c.peak_mib));
        figures.push(figure("crates compiled, debug build", "crates", 0, |c| Some(c.crates as f64)));
        figures.push(figure("incremental rebuild after touching the app", "s", 0, |c| c.incremental));
        figures.push(figure("clean release build", "s", 1, |c| Some(c.wall)));
        figures.push(figure("peak rustc memory, release build", "MiB", 1, |c| c.peak_mib));
        figures.push(figure("stripped release binary", "MiB", 1, |c| c.size_mib).target(1.0 / 3.0));
    }
    if ctx.build_services.iter().any(|s| s == "s3") {
        let (cost, lines) = sliced_s3(ctx)?;
        let name = format!("s3 app on a crate sliced to {} operations: clean debug build", SLICE.len());
        figures.push(
            Figure::new(SECTION, name, "s", "aws-sdk-s3")
                .values(Some(cost.wall), aws_s3_debug.map(|c| c.wall))
                .note("the official SDK cannot be sliced: its figure is the whole crate's"),
        );
        figures.push(
            Figure::new(SECTION, "sliced s3 crate: generated lines", "lines", "aws-sdk-s3")
                .values(Some(lines as f64), None)
                .note(format!("operations {}", SLICE.join(", "))),
        );
    }
    Ok(figures)
}

/// The operations of the sliced s3 crate: what a typical object-store app calls (issue 17's
/// smallest build).
const SLICE: [&str; 5] = ["GetObject", "PutObject", "ListObjectsV2", "HeadObject", "DeleteObject"];

/// Builds the tucuxi s3 app clean, in debug, against an s3 crate sliced to [`SLICE`]
/// (`generate --operations`), in a workspace of its own next to the other build directories;
/// returns the cost and the sliced crate's line count.
fn sliced_s3(ctx: &Ctx) -> Result<(Cost, usize), String> {
    let root = ctx.out.join("build").join("sliced-s3");
    let _ = std::fs::remove_dir_all(&root);
    let crates = root.join("crates");
    let app = root.join("app");
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::create_dir_all(app.join("src")).map_err(|e| io(&app, e))?;
    crate::generate::run(&crate::generate::Args {
        services: vec!["s3".into()],
        operations: SLICE.iter().map(|s| (*s).to_owned()).collect(),
        out: Some(crates.clone()),
        quiet: true,
        ..crate::generate::Args::default()
    })?;
    let lines = walkdir::WalkDir::new(crates.join("s3/src"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| std::fs::read_to_string(e.path()).map(|t| t.lines().count()).unwrap_or(0))
        .sum();
    // The same app as bench/apps/tucuxi-s3, its shared measuring module found by absolute path.
    let source = ctx.bench.join("apps/tucuxi-s3/src/main.rs");
    let main = std::fs::read_to_string(&source).map_err(|e| io(&source, e))?;
    let measure = ctx.bench.join("common/measure.rs");
    let main = main.replace("#[path = \"../../../common/measure.rs\"]", &format!("#[path = {:?}]", measure.display().to_string()));
    std::fs::write(app.join("src/main.rs"), main).map_err(|e| io(&app, e))?;
    let manifest = format!(
        "[package]\nname = \"app-tucuxi-s3\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ntucuxi = {{ path = {:?} }}\ntucuxi-s3 = {{ path = {:?} }}\n\
         tokio = {{ version = \"1\", default-features = false, features = [\"rt\"] }}\n\n[workspace]\n",
        ctx.root.join("runtime").display().to_string(),
        crates.join("s3").display().to_string(),
    );
    std::fs::write(app.join("Cargo.toml"), manifest).map_err(|e| io(&app, e))?;
    // The bench's lock pins the same dependency versions the other builds use.
    let lock = ctx.bench.join("Cargo.lock");
    std::fs::copy(&lock, app.join("Cargo.lock")).map_err(|e| io(&lock, e))?;
    let cost = run_cargo_in(ctx, "app-tucuxi-s3", Some(&app.join("Cargo.toml")), &root.join("target"), false)?;
    println!("app-tucuxi-s3 on the sliced crate ({lines} lines): {:.1}s, {} crates", cost.wall, cost.crates);
    let _ = std::fs::remove_dir_all(root.join("target"));
    Ok((cost, lines))
}

/// One clean build of `app-<sdk>-<svc>` in its own, freshly deleted target directory; in debug,
/// then an incremental rebuild after touching the app; in release, the stripped binary's size.
fn build(ctx: &Ctx, sdk: &str, svc: &str, release: bool) -> Result<Cost, String> {
    let app = format!("app-{sdk}-{svc}");
    let profile = if release { "release" } else { "debug" };
    let dir = ctx.out.join("build").join(format!("{sdk}-{svc}-{profile}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cost = run_cargo(ctx, &app, &dir, release)?;
    println!(
        "{app} {profile}: {:.1}s, {} crates, peak {} MiB",
        cost.wall,
        cost.crates,
        cost.peak_mib.map_or("?".into(), |m| format!("{m:.0}"))
    );
    if release {
        let binary = dir.join("release").join(&app);
        let size = std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))?.len();
        cost.size_mib = Some(size as f64 / 1024.0 / 1024.0);
        if sdk == "aws" {
            // The per-request section runs this binary; the target directory goes.
            let keep = tools::peer_binary(ctx, svc);
            std::fs::create_dir_all(keep.parent().expect("a file in a directory")).map_err(|e| e.to_string())?;
            std::fs::copy(&binary, &keep).map_err(|e| format!("{}: {e}", keep.display()))?;
        }
    } else {
        let main = ctx.bench.join("apps").join(format!("{sdk}-{svc}")).join("src/main.rs");
        let file = std::fs::File::options().append(true).open(&main).map_err(|e| format!("{}: {e}", main.display()))?;
        file.set_modified(SystemTime::now()).map_err(|e| format!("{}: {e}", main.display()))?;
        let again = run_cargo(ctx, &app, &dir, false)?;
        println!("{app} incremental: {:.1}s", again.wall);
        cost.incremental = Some(again.wall);
    }
    // Debug target directories of the official SDK run to gigabytes; the disk is small.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(cost)
}

fn run_cargo(ctx: &Ctx, app: &str, dir: &Path, release: bool) -> Result<Cost, String> {
    run_cargo_in(ctx, app, None, dir, release)
}

/// Builds `app` of the bench workspace (pinned by its lock), or of the package at `manifest`.
fn run_cargo_in(ctx: &Ctx, app: &str, manifest: Option<&Path>, dir: &Path, release: bool) -> Result<Cost, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let timed = Path::new(GNU_TIME).is_file();
    let mut cmd = if timed {
        let mut c = Command::new(GNU_TIME);
        c.arg("-v").arg(&cargo);
        c
    } else {
        Command::new(&cargo)
    };
    match manifest {
        // A lock copied from the bench workspace: kept where it fits, extended where it must be.
        Some(manifest) => cmd.current_dir(&ctx.bench).args(["build", "--manifest-path"]).arg(manifest),
        None => cmd.current_dir(&ctx.bench).args(["build", "--locked", "-p", app]),
    };
    cmd.arg("--target-dir").arg(dir);
    if release {
        cmd.arg("--release");
    }
    cmd.env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cargo build {app}: {e}"))?;
    let stderr = child.stderr.take().expect("piped");
    let (mut crates, mut peak_kib, mut tail) = (0, None, Vec::new());
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        let trimmed = line.trim_start();
        if trimmed.starts_with("Compiling ") {
            crates += 1;
        }
        if let Some(v) = trimmed.strip_prefix("Maximum resident set size (kbytes):") {
            peak_kib = v.trim().parse::<f64>().ok();
        }
        tail.push(line);
        if tail.len() > 30 {
            tail.remove(0);
        }
    }
    let status = child.wait().map_err(|e| format!("cargo build {app}: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("cargo build {app} failed ({status}):\n{}", tail.join("\n")));
    }
    Ok(Cost { wall, peak_mib: peak_kib.map(|k| k / 1024.0), crates, ..Cost::default() })
}

/// For services built without the clean release pair (`--release-services`), the stripped size of
/// the release binaries the run-time sections use: the same apps, profile and pinned lock, built
/// incrementally rather than clean, which does not change what is linked.
pub fn sizes_from_run_binaries(ctx: &Ctx, bins: &tools::Binaries, figures: &mut [Figure]) {
    let mib = |path: &Path| std::fs::metadata(path).ok().map(|m| m.len() as f64 / 1024.0 / 1024.0);
    for svc in SERVICES {
        if ctx.release_services.iter().any(|s| s == svc) {
            continue;
        }
        let name = format!("{svc} app: stripped release binary");
        let Some(figure) = figures.iter_mut().find(|f| f.name == name && f.tucuxi.is_none()) else { continue };
        let (ours, peer) = (mib(bins.tucuxi(svc)), bins.aws(svc).and_then(mib));
        if ours.is_some() && peer.is_some() {
            figure.tucuxi = ours;
            figure.peer = peer;
            figure.note = "the run-time sections' release binaries (built incrementally, not clean)".into();
        }
    }
}
