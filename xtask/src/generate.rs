//! `cargo xtask generate`: models in, crates out, written only where they changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use tucuxi_codegen::emit::rust::MARKER;
use tucuxi_codegen::{GeneratedFile, Options, RuntimeDep};

use crate::models;

#[derive(clap::Args, Clone, Debug, Default)]
pub struct Args {
    /// Change nothing; fail if any generated file differs from what the models give.
    #[arg(long)]
    pub check: bool,
    /// Only these services (comma-separated); default: every service in the models directory.
    #[arg(long, value_delimiter = ',')]
    pub services: Vec<String>,
    /// The models directory (default: models/).
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Write the crates here instead of generated/ (vendoring).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// How crates depend on the runtime: `path` (default; `path=DIR` to choose the directory),
    /// `version` (`version=0.1`), or `git=URL` (`git=URL#rev=abc`, `#tag=`, `#branch=`).
    #[arg(long)]
    pub runtime: Option<String>,
    /// Worker threads (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Slice the one service of `--services` to these operations (model names, comma-separated:
    /// `GetObject,PutObject`) and the shapes they reach; needs `--out`.
    #[arg(long, value_delimiter = ',')]
    pub operations: Vec<String>,
    /// Slice several services: a JSON file mapping service to operations,
    /// `{"s3": ["GetObject", "PutObject"], "sqs": ["SendMessage"]}`; needs `--out`.
    #[arg(long)]
    pub slices: Option<PathBuf>,
}

/// The operations to keep per service, from `--operations` or `--slices`.
fn slices(args: &Args) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut slices = BTreeMap::new();
    if !args.operations.is_empty() {
        let [service] = args.services.as_slice() else {
            return Err("--operations slices one service: name it with --services (or use --slices FILE)".into());
        };
        slices.insert(service.clone(), args.operations.clone());
    }
    if let Some(path) = &args.slices {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let parsed: BTreeMap<String, Vec<String>> = serde_json::from_str(&text).map_err(|e| {
            format!("{}: {e} (expected {{\"service\": [\"Operation\", ...]}})", path.display())
        })?;
        slices.extend(parsed);
    }
    // A sliced crate in generated/ would replace the committed full one.
    if !slices.is_empty() && args.out.is_none() {
        return Err("a sliced crate is written with --out DIR, never over generated/".into());
    }
    Ok(slices)
}

/// What a run changed (or, with `--check`, would change).
#[derive(Debug, Default)]
pub struct Changes {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

pub fn run(args: &Args) -> Result<(), String> {
    let start = std::time::Instant::now();
    let root = models::repo_root();
    let changes = generate(args)?;
    let rel = |p: &PathBuf| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    if args.check {
        if changes.written.is_empty() && changes.removed.is_empty() {
            if !args.quiet {
                println!("generated code is up to date ({} files)", changes.unchanged);
            }
            return Ok(());
        }
        for path in &changes.written {
            eprintln!("differs: {}", rel(path));
        }
        for path in &changes.removed {
            eprintln!("stale:   {}", rel(path));
        }
        return Err(format!(
            "{} generated files are out of date; run `cargo xtask generate` and commit the result",
            changes.written.len() + changes.removed.len()
        ));
    }
    if !args.quiet {
        println!(
            "generated in {:.1}s: {} files written, {} removed, {} unchanged",
            start.elapsed().as_secs_f64(),
            changes.written.len(),
            changes.removed.len(),
            changes.unchanged
        );
    }
    Ok(())
}

/// Parses `--runtime`.
fn runtime_dep(spec: Option<&str>, out: Option<&Path>) -> Result<RuntimeDep, String> {
    let root = models::repo_root();
    Ok(match spec.map(|s| s.split_once('=').unwrap_or((s, ""))) {
        None | Some(("path", "")) => match out {
            // In-repo crates point two levels up; vendored ones need the absolute path.
            None => RuntimeDep::Path("../../runtime".into()),
            Some(_) => RuntimeDep::Path(root.join("runtime").display().to_string()),
        },
        Some(("path", dir)) => RuntimeDep::Path(dir.into()),
        Some(("version", "")) => RuntimeDep::Version(env!("CARGO_PKG_VERSION").into()),
        Some(("version", v)) => RuntimeDep::Version(v.into()),
        Some(("git", url)) if !url.is_empty() => match url.split_once('#') {
            Some((url, reference)) => match reference.split_once('=') {
                Some(("rev" | "tag" | "branch", value)) if !value.is_empty() => {
                    RuntimeDep::Git { url: url.into(), reference: Some(reference.into()) }
                }
                _ => return Err(format!("--runtime git=URL#{reference}: expected #rev=..., #tag=... or #branch=...")),
            },
            None => RuntimeDep::Git { url: url.into(), reference: None },
        },
        Some((other, _)) => {
            return Err(format!("--runtime {other:?}: expected path[=DIR], version[=REQ] or git=URL[#rev=..]"))
        }
    })
}

/// Generates and writes (or checks) the selected services.
pub fn generate(args: &Args) -> Result<Changes, String> {
    let root = models::repo_root();
    let models_dir = args.models.clone().unwrap_or_else(|| root.join("models"));
    let out = args.out.clone().unwrap_or_else(|| root.join("generated"));
    let available = models::services(&models_dir)?;
    let slices = slices(args)?;
    let selected: Vec<String> = if args.services.is_empty() && !slices.is_empty() {
        // `--slices` alone generates the services it names.
        slices.keys().cloned().collect()
    } else if args.services.is_empty() {
        available.clone()
    } else {
        for s in &args.services {
            if !available.contains(s) {
                return Err(format!("no model for service {s:?} in {}", models_dir.display()));
            }
        }
        args.services.clone()
    };
    if let Some(s) = slices.keys().find(|s| !available.contains(*s)) {
        return Err(format!("no model for service {s:?} in {}", models_dir.display()));
    }
    let options = Options { runtime: runtime_dep(args.runtime.as_deref(), args.out.as_deref())?, ..Options::default() };
    let display_dir = models_dir.strip_prefix(&root).unwrap_or(&models_dir).display().to_string();
    let outputs = generate_all(&models_dir, &display_dir, &selected, &options, &slices, args.jobs)?;
    // A full run owns every service directory under `out`; a partial one only its own.
    let owned: BTreeSet<String> = if args.services.is_empty() && args.out.is_none() {
        let mut dirs: BTreeSet<String> = selected.iter().cloned().collect();
        if let Ok(entries) = std::fs::read_dir(&out) {
            dirs.extend(
                entries.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()),
            );
        }
        dirs
    } else {
        selected.iter().cloned().collect()
    };
    sync(&out, &owned, &outputs, args.check)
}

/// One service's generated files, or why it failed.
type ServiceOutput = (String, Result<Vec<GeneratedFile>, String>);

/// Runs the compiler over `services` on worker threads; output order is the input order.
pub fn generate_all(
    models_dir: &Path,
    display_dir: &str,
    services: &[String],
    options: &Options,
    slices: &BTreeMap<String, Vec<String>>,
    jobs: Option<usize>,
) -> Result<BTreeMap<String, Vec<GeneratedFile>>, String> {
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())).max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<ServiceOutput>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(services.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(service) = services.get(i) else { break };
                let result = models::read(models_dir, service, display_dir).and_then(|files| {
                    let sliced;
                    let options = match slices.get(service) {
                        Some(operations) => {
                            sliced = Options { operations: Some(operations.clone()), ..options.clone() };
                            &sliced
                        }
                        None => options,
                    };
                    tucuxi_codegen::generate(&files, options).map_err(|e| match e {
                        // Model errors name their file already; emit errors need the service.
                        tucuxi_codegen::GenerateError::Model(_) => e.to_string(),
                        tucuxi_codegen::GenerateError::Emit(message) => format!("{service}: {message}"),
                    })
                });
                results.lock().unwrap_or_else(|p| p.into_inner()).push((service.clone(), result));
            });
        }
    });
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for (service, result) in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match result {
            Ok(files) => {
                out.insert(service, files);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort();
        Err(format!("{} services failed to generate:\n{}", errors.len(), errors.join("\n")))
    }
}

/// True when the file starts with the generator's marker (so it is ours to replace or remove).
fn is_generated(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 256];
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let n = file.read(&mut head).unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]);
    head.lines().next().is_some_and(|line| line.contains(MARKER))
}

/// Makes `out/<service>/` hold exactly the generated files: writes what changed, removes marked
/// files nobody generates any more, never touches unmarked files. With `check`, only reports.
pub fn sync(
    out: &Path,
    owned: &BTreeSet<String>,
    outputs: &BTreeMap<String, Vec<GeneratedFile>>,
    check: bool,
) -> Result<Changes, String> {
    let mut changes = Changes::default();
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    for service in owned {
        let dir = out.join(service);
        let wanted: BTreeMap<PathBuf, &str> = outputs
            .get(service)
            .map(|files| files.iter().map(|f| (dir.join(&f.path), f.contents.as_str())).collect())
            .unwrap_or_default();
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
                let path = entry.path();
                if entry.file_type().is_file() && !wanted.contains_key(path) && is_generated(path) {
                    if !check {
                        std::fs::remove_file(path).map_err(|e| io(path, e))?;
                    }
                    changes.removed.push(path.to_path_buf());
                }
            }
        }
        for (path, contents) in &wanted {
            match std::fs::read(path) {
                Ok(existing) if existing == contents.as_bytes() => changes.unchanged += 1,
                _ => {
                    if !check {
                        if let Some(parent) = path.parent() {
                            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                        }
                        std::fs::write(path, contents).map_err(|e| io(path, e))?;
                    }
                    changes.written.push(path.clone());
                }
            }
        }
        if !check && dir.is_dir() {
            remove_empty_dirs(&dir);
        }
    }
    Ok(changes)
}

/// Removes directories left empty by stale-file removal, deepest first.
fn remove_empty_dirs(dir: &Path) {
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().to_path_buf())
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        // Fails (and is meant to) on directories that still hold files.
        let _ = std::fs::remove_dir(&d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed generated/ tree matches what the committed models give (rust-analyzer's
    /// "generated code is fresh" test).
    #[test]
    fn generated_code_is_fresh() {
        let args = Args { check: true, quiet: true, ..Args::default() };
        if let Err(e) = run(&args) {
            panic!("{e}");
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tucuxi-sync-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sync_writes_on_change_removes_stale_and_keeps_unmarked() {
        let out = temp_dir("sync");
        let svc = out.join("svc");
        std::fs::create_dir_all(svc.join("src")).unwrap();
        let marked = |body: &str| format!("// {MARKER}\n{body}\n");
        std::fs::write(svc.join("src/stale.rs"), marked("old")).unwrap();
        std::fs::write(svc.join("src/mine.rs"), "// written by hand\n").unwrap();
        std::fs::write(svc.join("src/lib.rs"), marked("same")).unwrap();
        let files = vec![
            GeneratedFile { path: "src/lib.rs".into(), contents: marked("same") },
            GeneratedFile { path: "src/new.rs".into(), contents: marked("new") },
        ];
        let outputs: BTreeMap<String, Vec<GeneratedFile>> = [("svc".to_string(), files)].into();
        let owned: BTreeSet<String> = ["svc".to_string()].into();

        let checked = sync(&out, &owned, &outputs, true).unwrap();
        assert_eq!(checked.written, vec![svc.join("src/new.rs")]);
        assert_eq!(checked.removed, vec![svc.join("src/stale.rs")]);
        assert!(svc.join("src/stale.rs").exists(), "--check must not change anything");

        let changes = sync(&out, &owned, &outputs, false).unwrap();
        assert_eq!(changes.unchanged, 1);
        assert!(!svc.join("src/stale.rs").exists());
        assert!(svc.join("src/mine.rs").exists(), "unmarked files are never touched");
        assert_eq!(std::fs::read_to_string(svc.join("src/new.rs")).unwrap(), marked("new"));

        let again = sync(&out, &owned, &outputs, false).unwrap();
        assert!(again.written.is_empty() && again.removed.is_empty());
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[cfg(test)]
mod vendoring {
    use super::*;

    /// The monorepo case: two services vendored into a workspace outside the repository, with
    /// the runtime as a path dependency, must build there.
    #[test]
    fn vendored_crates_build_in_another_workspace() {
        let root = models::repo_root();
        let work = std::env::temp_dir().join(format!("tucuxi-vendor-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        let args = Args {
            services: vec!["sqs".into(), "sts".into()],
            out: Some(work.join("vendor")),
            runtime: Some(format!("path={}", root.join("runtime").display())),
            quiet: true,
            ..Args::default()
        };
        let changes = generate(&args).unwrap();
        assert!(changes.written.iter().any(|p| p.ends_with("vendor/sqs/Cargo.toml")));
        std::fs::create_dir_all(work.join("app/src")).unwrap();
        std::fs::write(
            work.join("Cargo.toml"),
            "[workspace]\nresolver = \"2\"\nmembers = [\"app\", \"vendor/sqs\", \"vendor/sts\"]\n",
        )
        .unwrap();
        std::fs::write(
            work.join("app/Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
             tucuxi-sqs = { path = \"../vendor/sqs\" }\ntucuxi-sts = { path = \"../vendor/sts\" }\n",
        )
        .unwrap();
        std::fs::write(
            work.join("app/src/main.rs"),
            "fn main() {\n    let q = tucuxi_sqs::types::ListQueuesRequest::default();\n    \
             println!(\"{} {} {q:?}\", tucuxi_sqs::SERVICE.name, tucuxi_sts::operations::GET_CALLER_IDENTITY.name);\n}\n",
        )
        .unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = std::process::Command::new(cargo)
            .args(["run", "--quiet"])
            .current_dir(&work)
            .env("CARGO_TARGET_DIR", work.join("target"))
            .output()
            .unwrap();
        assert!(output.status.success(), "vendored build failed:\n{}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.starts_with("sqs GetCallerIdentity ListQueuesRequest"), "{stdout}");
        std::fs::remove_dir_all(&work).unwrap();
    }
}
