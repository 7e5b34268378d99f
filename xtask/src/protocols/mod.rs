//! `cargo xtask conformance protocols`: botocore's protocol test suites, run through the
//! generator and the runtime codecs.
//!
//! Every case becomes a service model of its own (the suite's metadata and shapes, the case's
//! operation), which the generator turns into a module of one conformance crate under
//! `target/conformance/protocols/`. That crate's hand-written support code (in
//! `xtask/conformance/protocols/`) fills the input from the case's `params`, calls the
//! runtime's codecs and compares what they give with the case's expectations; this driver lays
//! the crate out, builds and runs it, and reports per suite file.

mod harness;
mod suite;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use tucuxi_codegen::{ModelFiles, Options, RuntimeDep};

use crate::models;
use harness::CaseModule;
use suite::Case;

/// The committed list of cases known to fail, one `file#id  reason` per line.
const KNOWN_FAILURES: &str = "xtask/conformance/protocols-known-failures.txt";
/// The hand-written sources of the conformance crate, copied into its `src/`.
const SUPPORT_DIR: &str = "xtask/conformance/protocols";
/// How many times a build is retried after dropping case modules that do not compile.
const BUILD_ATTEMPTS: usize = 3;

#[derive(clap::Args, Clone, Debug, Default)]
pub struct Args {
    /// Only the cases whose `file#id` contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Print every case, passing ones included, and the details of each failure.
    #[arg(long, short)]
    pub verbose: bool,
    /// Build the conformance crate optimised. Slower end to end: the cases run in well under a
    /// second either way, while an optimised build of the crate takes minutes.
    #[arg(long)]
    pub release: bool,
}

/// The outcome of one case.
struct Outcome {
    passed: bool,
    reason: String,
}

pub fn run(args: &Args) -> Result<(), String> {
    let start = Instant::now();
    let root = models::repo_root();
    let data = models::shared_dir().join("conformance/protocols");
    let cases = suite::read_all(&data)?;
    let selected = |c: &Case| args.filter.as_ref().is_none_or(|f| c.key().contains(f.as_str()));

    // Generation failures are case failures: they are what this suite finds in the generator.
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut modules = Vec::new();
    for (i, result) in generate_all(&cases).into_iter().enumerate() {
        match result.and_then(|files| harness::case_module(i, &cases[i], files)) {
            Ok(m) => modules.push(m),
            Err(e) => {
                let reason = format!("generator: {}", e.lines().collect::<Vec<_>>().join(" / "));
                outcomes.insert(cases[i].key(), Outcome { passed: false, reason });
            }
        }
    }
    let generated_in = start.elapsed();

    let target = target_dir(&root);
    let dir = target.join("conformance/protocols");
    let binary = build(&root, &target, &dir, &cases, &mut modules, &mut outcomes, args.release)?;
    let built_in = start.elapsed();

    let mut cmd = Command::new(&binary);
    cmd.arg(&data);
    if let Some(filter) = &args.filter {
        cmd.args(["--filter", filter]);
    }
    let output = cmd.output().map_err(|e| format!("{}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        if let Some(key) = line.strip_prefix("PASS ") {
            outcomes.insert(key.to_owned(), Outcome { passed: true, reason: String::new() });
        } else if let Some(rest) = line.strip_prefix("FAIL ") {
            let (key, reason) = rest.split_once('\t').unwrap_or((rest, ""));
            outcomes.insert(key.to_owned(), Outcome { passed: false, reason: reason.to_owned() });
        } else {
            println!("{line}");
        }
    }
    if !output.status.success() {
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!("the conformance binary failed ({})", output.status));
    }
    let missing: Vec<String> =
        cases.iter().filter(|c| selected(c) && !outcomes.contains_key(&c.key())).map(Case::key).collect();
    if !missing.is_empty() {
        return Err(format!(
            "the conformance binary reported nothing for {} cases, first {}",
            missing.len(),
            missing[0]
        ));
    }
    outcomes.retain(|key, _| cases.iter().any(|c| c.key() == *key && selected(c)));
    report(&root, &cases, &outcomes, args, [generated_in, built_in, start.elapsed()])
}

/// `CARGO_TARGET_DIR`, else the repository's `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Runs the generator over every case's model on worker threads; results in case order.
fn generate_all(cases: &[Case]) -> Vec<Result<Vec<tucuxi_codegen::GeneratedFile>, String>> {
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get()).max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<_, String>>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    // The runtime path is irrelevant: the case crates' manifests are not used.
    let options = Options { runtime: RuntimeDep::Path("runtime".into()), ..Options::default() };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let files = ModelFiles {
                    service: "conformance".into(),
                    dir: format!("protocols/{}#{}", case.file, case.id),
                    service_json: case.model.to_string(),
                    ..ModelFiles::default()
                };
                let result = tucuxi_codegen::generate(&files, &options).map_err(|e| e.to_string());
                results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not generated".into())))
        .collect()
}

/// Lays out and builds the conformance crate; returns the binary. Case modules that do not
/// compile are dropped (and their cases failed) so that the other cases still run.
fn build(
    root: &Path,
    target: &Path,
    dir: &Path,
    cases: &[Case],
    modules: &mut Vec<CaseModule>,
    outcomes: &mut BTreeMap<String, Outcome>,
    release: bool,
) -> Result<PathBuf, String> {
    let profile = if release { "release" } else { "debug" };
    copy_lock(root, dir)?;
    for _ in 0..BUILD_ATTEMPTS {
        let files = crate_files(root, cases, modules)?;
        harness::sync(dir, &files)?;
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "--message-format=short", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target);
        if release {
            cmd.arg("--release");
        }
        let output = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            return Ok(target.join(profile).join(harness::PACKAGE));
        }
        let log = String::from_utf8_lossy(&output.stderr);
        // Errors inside a case module are that case's failure; anything else is the harness's.
        let mut broken: BTreeMap<String, String> = BTreeMap::new();
        for line in log.lines().filter(|l| l.contains(": error")) {
            if let Some(rest) = line.split("src/cases/").nth(1) {
                if let Some((module, _)) = rest.split_once('/') {
                    broken.entry(module.to_owned()).or_insert_with(|| line.to_owned());
                }
            }
        }
        if broken.is_empty() {
            return Err(format!("the conformance crate does not build:\n{log}"));
        }
        modules.retain(|m| match broken.get(&m.module) {
            Some(line) => {
                let reason = format!("generated code does not compile: {line}");
                outcomes.insert(cases[m.case].key(), Outcome { passed: false, reason });
                false
            }
            None => true,
        });
    }
    Err(format!("the conformance crate still does not build after {BUILD_ATTEMPTS} attempts"))
}

/// Starts the crate's lock file from the repository's, so that it builds with the dependency
/// versions the runtime is tested with. Cargo prunes the copy to what the crate uses, so it is
/// copied again only when the repository's lock file changes (kept beside it to tell).
fn copy_lock(root: &Path, dir: &Path) -> Result<(), String> {
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    let source = root.join("Cargo.lock");
    let text = std::fs::read(&source).map_err(|e| io(&source, e))?;
    let seen = dir.join("repository-Cargo.lock");
    let lock = dir.join("Cargo.lock");
    if lock.is_file() && std::fs::read(&seen).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    std::fs::write(&lock, &text).map_err(|e| io(&lock, e))?;
    std::fs::write(&seen, &text).map_err(|e| io(&seen, e))
}

/// Every file of the conformance crate, relative to its directory.
fn crate_files(root: &Path, cases: &[Case], modules: &[CaseModule]) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut files = BTreeMap::new();
    files.insert(PathBuf::from("Cargo.toml"), harness::manifest(&root.join("runtime")));
    let support = root.join(SUPPORT_DIR);
    for entry in walkdir::WalkDir::new(&support).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(&support).map_err(|e| e.to_string())?;
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(Path::new("src").join(rel), text);
        }
    }
    files.insert(PathBuf::from("src/cases/mod.rs"), harness::table(cases, modules)?);
    for m in modules {
        for f in &m.files {
            files.insert(Path::new("src/cases").join(&m.module).join(&f.path), f.contents.clone());
        }
    }
    Ok(files)
}

/// Prints the failures, a table per suite file and the summary line, and checks the outcome
/// against the known failures.
fn report(
    root: &Path,
    cases: &[Case],
    outcomes: &BTreeMap<String, Outcome>,
    args: &Args,
    [generated, built, total]: [std::time::Duration; 3],
) -> Result<(), String> {
    let known = read_known_failures(&root.join(KNOWN_FAILURES))?;
    let mut files: Vec<&str> = Vec::new();
    let mut per_file: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for case in cases {
        let Some(outcome) = outcomes.get(&case.key()) else { continue };
        if !files.contains(&case.file.as_str()) {
            files.push(&case.file);
        }
        let row = per_file.entry(&case.file).or_default();
        if outcome.passed {
            row.0 += 1;
            if args.verbose {
                println!("PASS {}\n    {}", case.key(), case.description);
            }
        } else {
            row.1 += 1;
            if case.botocore_skips {
                row.2 += 1;
            }
            // Listed failures are expected and shown with the reason the list gives; only the
            // new ones are news.
            match known.get(&case.key()) {
                Some(why) => println!("KNOWN {}  {why}\n    observed: {}", case.key(), outcome.reason),
                None => println!("FAIL {}  {}", case.key(), outcome.reason),
            }
            if args.verbose {
                println!("    {}", case.description);
            }
        }
    }
    println!("\n{:<52} {:>6} {:>6}  botocore skips", "suite file", "passed", "failed");
    for file in &files {
        let (p, f, s) = per_file[file];
        let skipped = if s > 0 { format!("{s} of the failures") } else { String::new() };
        println!("{file:<52} {p:>6} {f:>6}  {skipped}");
    }
    println!(
        "\ngenerated in {:.1}s, built by {:.1}s, ran by {:.1}s",
        generated.as_secs_f64(),
        built.as_secs_f64(),
        total.as_secs_f64()
    );
    let passed = outcomes.values().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    let unexpected: Vec<&String> =
        outcomes.iter().filter(|(k, o)| !o.passed && !known.contains_key(*k)).map(|(k, _)| k).collect();
    for key in known.keys().filter(|k| outcomes.get(*k).is_some_and(|o| o.passed)) {
        println!("now passing, remove from the list: {key}");
    }
    println!("{passed} passed, {failed} failed");
    if unexpected.is_empty() {
        Ok(())
    } else {
        Err(format!("{} cases failed that {KNOWN_FAILURES} does not list", unexpected.len()))
    }
}

/// The known-failures file: the first word of each line is the case, the rest its reason; `#`
/// starts a comment.
fn read_known_failures(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    Ok(parse_known_failures(&text))
}

fn parse_known_failures(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((key, why)) => (key.to_owned(), why.trim().to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn known_failures_are_keys_with_reasons() {
        let known = parse_known_failures("# why\n\ninput/json.json#A  body differs\n  output/query.json#0:1 x\n");
        let expected = [("input/json.json#A", "body differs"), ("output/query.json#0:1", "x")];
        assert_eq!(known, expected.map(|(k, v)| (k.to_owned(), v.to_owned())).into_iter().collect());
    }

    /// Every case of the shared suites builds a model; the generator's verdict on them is what
    /// the conformance run reports.
    #[test]
    fn every_suite_file_reads() {
        let cases = suite::read_all(&models::shared_dir().join("conformance/protocols")).unwrap();
        assert_eq!(cases.len(), 1_004);
        let keys: BTreeSet<String> = cases.iter().map(Case::key).collect();
        assert_eq!(keys.len(), cases.len(), "case keys are unique");
    }
}
