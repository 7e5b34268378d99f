//! `cargo xtask import-models`: copies the AWS models that botocore and boto3 ship into `models/`.
//!
//! Files are copied byte for byte (gzipped ones after decompression), so a diff of `models/`
//! between two imports shows exactly what upstream changed.
//!
//! About `*.sdk-extras.json`: botocore's `Loader.load_service_model` (botocore/loaders.py) loads
//! `<type>.json`, then looks for `<type>.sdk-extras.json` in the same api-version directory and
//! applies its `"merge"` object with `botocore.utils.deep_merge`: for each key of the extra, if
//! both sides hold an object it recurses, otherwise the extra's value replaces the base's (or is
//! appended). This applies to every type loaded that way (service-2, paginators-1, waiters-2,
//! endpoint-rule-set-1), so the model botocore really uses is the merged one; s3's `Expires`
//! shape, for example, is a `string` in service-2.json and becomes a `timestamp` via the extras.
//! Merging here would mean re-serialising the JSON and losing the byte-for-byte property, so the
//! extras files are copied verbatim next to their base file, mirroring botocore's layout. Whoever
//! loads `models/<svc>/<type>.json` must apply `<type>.sdk-extras.json` the way botocore does;
//! SOURCE.toml lists which services have such files.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BOTOCORE_VERSION: &str = "1.44.5";
pub const BOTO3_VERSION: &str = "1.44.5";
#[rustfmt::skip]
pub const DEFAULT_SERVICES: &[&str] = &[
    "s3", "ec2", "dynamodb", "sqs", "sns", "iam", "sts", "cloudformation", "cloudwatch", "glacier",
    "lambda", "kinesis", "logs", "secretsmanager", "route53", "sso", "sso-oidc",
];

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Directory that contains botocore's `data/` tree and boto3's `data/` tree; None = install the
    /// pinned botocore/boto3 with pip into a venv of our own (see [`venv_dir_for`]). Accepted
    /// layouts: a site-packages directory (or any directory holding `botocore/data` and
    /// `boto3/data`), side-by-side source checkouts (`botocore/botocore/data`), or a venv root.
    pub from: Option<PathBuf>,
    /// Output directory; the repository's `models/` by default.
    pub to: PathBuf,
    /// Services to import; empty means [`DEFAULT_SERVICES`].
    pub services: Vec<String>,
    /// Import every service botocore has a service-2 model for.
    pub all: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub services: usize,
    pub files_written: usize,
    pub files_unchanged: usize,
}

/// The botocore model types copied per service, and whether every service must have one.
const BOTOCORE_TYPES: &[(&str, bool)] =
    &[("service-2", true), ("endpoint-rule-set-1", true), ("paginators-1", false), ("waiters-2", false)];

/// What services outside the selection contribute: the files tested over every service.
const SIDE_FILES: &[&str] = &["endpoint-rule-set-1", "paginators-1", "waiters-2"];

/// The pip-managed venv is `<repo>/target/import-venv`. The repo is the parent of `to` when `to`
/// is named `models`, and otherwise the workspace holding this crate, because the current
/// directory would make the venv's location depend on where cargo happened to be run.
pub fn venv_dir_for(to: &Path) -> PathBuf {
    let repo = match (to.file_name(), to.parent()) {
        (Some(name), Some(parent)) if name == "models" => parent,
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")),
    };
    repo.join("target").join("import-venv")
}

pub fn import_models(opts: &ImportOptions) -> Result<ImportReport, String> {
    if opts.all && !opts.services.is_empty() {
        return Err("pass either --all or a list of services, not both".to_string());
    }
    let src = match &opts.from {
        Some(dir) => Sources::from_dir(dir)?,
        None => Sources::from_venv(&venv_dir_for(&opts.to))?,
    };
    let data = src.botocore.join("data");
    let names: BTreeSet<String> = if opts.all {
        let mut all = BTreeSet::new();
        for dir in read_dir_sorted(&data)? {
            if dir.is_dir() && latest_version(&dir, "service-2")?.is_some() {
                all.insert(file_name(&dir));
            }
        }
        all
    } else if opts.services.is_empty() {
        DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect()
    } else {
        opts.services.iter().cloned().collect()
    };

    // Plan every copy before writing anything, so that a missing required file aborts the import
    // without leaving `to` half updated.
    let plans = names.iter().map(|n| plan_service(&src, n)).collect::<Result<Vec<_>, _>>()?;
    let partitions =
        find_json(&data, "partitions").ok_or_else(|| format!("missing {}", data.join("partitions.json").display()))?;
    let mut jobs = vec![(partitions, opts.to.join("partitions.json"))];
    for plan in &plans {
        for (file, name) in &plan.files {
            jobs.push((file.clone(), opts.to.join(&plan.name).join(name)));
        }
    }
    // Endpoint resolution and the JMESPath of paginators and waiters are tested over every
    // service (those files are small), so the other services contribute them alone.
    let mut rule_sets_only = 0;
    for dir in read_dir_sorted(&data)? {
        let name = file_name(&dir);
        if !dir.is_dir() || names.contains(&name) {
            continue;
        }
        let Some(version) = latest_version(&dir, "service-2")? else { continue };
        let version_dir = dir.join(version);
        for stem in SIDE_FILES {
            for stem in [stem.to_string(), format!("{stem}.sdk-extras")] {
                if let Some(found) = find_json(&version_dir, &stem) {
                    jobs.push((found, opts.to.join(&name).join(format!("{stem}.json"))));
                }
            }
        }
        rule_sets_only += 1;
    }

    let mut report = ImportReport { services: plans.len(), ..Default::default() };
    let (gzipped, plain): (Vec<_>, Vec<_>) = jobs.into_iter().partition(|(file, _)| file.gzipped);
    for (file, dst) in &plain {
        write_if_changed(dst, &read(&file.path)?, &mut report)?;
    }
    let blob = gunzip_all(&src.python, gzipped.iter().map(|(file, _)| file.path.as_path()))?;
    let mut rest = blob.as_slice();
    for (file, dst) in &gzipped {
        let frame = next_frame(&mut rest)
            .ok_or_else(|| format!("the gunzip script's output ends before {}", file.path.display()))?;
        write_if_changed(dst, frame, &mut report)?;
    }

    // Remove files of the managed kinds that upstream no longer ships for a selected service;
    // everything else under `to` (other services, hand-written files) is left alone.
    for plan in &plans {
        for managed in managed_file_names() {
            let path = opts.to.join(&plan.name).join(&managed);
            if path.is_file() && !plan.files.iter().any(|(_, name)| *name == managed) {
                fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                eprintln!("import-models: removed {} (no longer shipped upstream)", path.display());
            }
        }
    }

    let mut toml = source_toml(&src, &plans);
    if rule_sets_only > 0 {
        toml.push_str(&format!(
            "\n# Every other botocore service ({rule_sets_only}) contributes its endpoint-rule-set-1.json, \
             paginators-1.json and waiters-2.json only.\n"
        ));
    }
    write_if_changed(&opts.to.join("SOURCE.toml"), toml.as_bytes(), &mut report)?;
    let licenses = ["LICENSE.txt", "LICENSE"];
    let license = find_dist_file(&src.botocore, &src.botocore_version, &licenses)
        .or_else(|| find_dist_file(&src.boto3, &src.boto3_version, &licenses));
    if let Some(path) = &license {
        write_if_changed(&opts.to.join("LICENSE-APACHE-2.0"), &read(path)?, &mut report)?;
    }
    let notice = notice(&src, license.is_some())?;
    write_if_changed(&opts.to.join("NOTICE"), notice.as_bytes(), &mut report)?;
    Ok(report)
}

/// Where the two packages are, their versions, and which python decompresses `.json.gz` files.
struct Sources {
    botocore: PathBuf,
    boto3: PathBuf,
    botocore_version: String,
    boto3_version: String,
    python: PathBuf,
}

impl Sources {
    fn new(botocore: PathBuf, boto3: PathBuf, python: PathBuf) -> Result<Sources, String> {
        let (botocore_version, boto3_version) = (package_version(&botocore)?, package_version(&boto3)?);
        Ok(Sources { botocore, boto3, botocore_version, boto3_version, python })
    }

    fn from_dir(dir: &Path) -> Result<Sources, String> {
        let find = |name: &str| {
            let mut candidates = vec![dir.join(name), dir.join(name).join(name)];
            if let Ok(pythons) = read_dir_sorted(&dir.join("lib")) {
                candidates.extend(pythons.iter().map(|p| p.join("site-packages").join(name)));
            }
            let layouts = format!("{name}/data, {name}/{name}/data or lib/*/site-packages/{name}/data");
            let missing = || format!("{} has none of {layouts}", dir.display());
            candidates.into_iter().find(|c| c.join("data").is_dir()).ok_or_else(missing)
        };
        Sources::new(find("botocore")?, find("boto3")?, PathBuf::from(SYSTEM_PYTHON))
    }

    fn from_venv(venv: &Path) -> Result<Sources, String> {
        let python = ensure_venv(venv)?;
        let script = "import botocore, boto3, os\n\
                      print(os.path.dirname(botocore.__file__))\n\
                      print(os.path.dirname(boto3.__file__))\n";
        let out = run(Command::new(&python).args(["-c", script]), b"")?;
        let out = String::from_utf8_lossy(&out);
        let mut lines = out.lines().map(|l| PathBuf::from(l.trim()));
        let (Some(botocore), Some(boto3)) = (lines.next(), lines.next()) else {
            return Err(format!("{} printed no package directories: {out:?}", python.display()));
        };
        let src = Sources::new(botocore, boto3, python)?;
        // The stamp could lie if someone pip-installed into the venv by hand; check the packages.
        if (src.botocore_version.as_str(), src.boto3_version.as_str()) != (BOTOCORE_VERSION, BOTO3_VERSION) {
            let (venv, has) = (venv.display(), (&src.botocore_version, &src.boto3_version));
            let want = (BOTOCORE_VERSION, BOTO3_VERSION);
            return Err(format!("{venv} has botocore/boto3 {has:?}, not {want:?}; delete it and retry"));
        }
        Ok(src)
    }
}

/// The interpreter that creates the venv, and that decompresses files when `--from` is used.
const SYSTEM_PYTHON: &str = if cfg!(windows) { "python" } else { "python3" };

/// Creates the venv and installs the pinned packages, unless a stamp says that was already done.
fn ensure_venv(venv: &Path) -> Result<PathBuf, String> {
    let python = match cfg!(windows) {
        true => venv.join("Scripts").join("python.exe"),
        false => venv.join("bin").join("python"),
    };
    let stamp = venv.join("tucuxi-import.stamp");
    let pins = [format!("botocore=={BOTOCORE_VERSION}"), format!("boto3=={BOTO3_VERSION}")];
    let want = format!("{}\n{}\n", pins[0], pins[1]);
    if python.is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(python);
    }
    if !python.is_file() {
        run(Command::new(SYSTEM_PYTHON).args(["-m", "venv"]).arg(venv), b"")?;
    }
    let pip = "-m pip install --quiet --disable-pip-version-check".split(' ');
    run(Command::new(&python).args(pip).args(&pins), b"")?;
    fs::write(&stamp, want).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

/// Runs a command with `input` on stdin and returns its stdout, or an error naming the command,
/// its exit status and the tail of its stderr. Writing all of stdin before reading any output
/// is safe only because every script we run reads its whole input before it writes anything.
fn run(cmd: &mut Command, input: &[u8]) -> Result<Vec<u8>, String> {
    let desc = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .map(|a| if a.contains('\n') { "<script>".into() } else { a })
        .collect::<Vec<_>>()
        .join(" ");
    let piped = Stdio::piped;
    let child = cmd.stdin(piped()).stdout(piped()).stderr(piped()).spawn();
    let mut child = child.map_err(|e| format!("cannot run `{desc}`: {e}"))?;
    // A failed write means the child died early; its exit status and stderr below say why.
    let _ = child.stdin.take().map(|mut stdin| stdin.write_all(input));
    let out = child.wait_with_output().map_err(|e| format!("cannot wait for `{desc}`: {e}"))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = text.trim_end().lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n");
        return Err(format!("`{desc}` failed ({}): {tail}", out.status));
    }
    Ok(out.stdout)
}

/// Decompresses `files` in one python process, because no compression crate is allowed and one
/// process per file would be slow for `--all`. The paths go to stdin NUL-separated; the output is
/// `<length>\n<bytes>` per file, in order (about 110 MB for `--all`, fine for a dev tool).
fn gunzip_all<'a>(python: &Path, files: impl Iterator<Item = &'a Path>) -> Result<Vec<u8>, String> {
    const SCRIPT: &str = "import gzip, sys\n\
        out = sys.stdout.buffer\n\
        for p in sys.stdin.buffer.read().decode('utf-8').split('\\0'):\n\
        \x20   if p:\n\
        \x20       try:\n\
        \x20           with gzip.open(p, 'rb') as f:\n\
        \x20               data = f.read()\n\
        \x20       except Exception as e:\n\
        \x20           sys.exit(f'cannot gunzip {p}: {e!r}')\n\
        \x20       out.write(b'%d\\n' % len(data))\n\
        \x20       out.write(data)\n";
    let mut input = String::new();
    for file in files {
        input += file.to_str().ok_or_else(|| format!("path is not UTF-8: {}", file.display()))?;
        input.push('\0');
    }
    if input.is_empty() {
        return Ok(Vec::new());
    }
    run(Command::new(python).args(["-c", SCRIPT]), input.as_bytes())
}

/// Splits the next `<length>\n<bytes>` frame of the gunzip script's output off `rest`.
fn next_frame<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let newline = rest.iter().position(|b| *b == b'\n')?;
    let len: usize = std::str::from_utf8(&rest[..newline]).ok()?.parse().ok()?;
    let frame = rest.get(newline + 1..newline + 1 + len)?;
    *rest = &rest[newline + 1 + len..];
    Some(frame)
}

/// Reads `__version__ = '...'` from the package's `__init__.py`, which every accepted layout has
/// (a dist-info directory only exists for installed packages).
fn package_version(pkg: &Path) -> Result<String, String> {
    let init = pkg.join("__init__.py");
    let text = fs::read_to_string(&init).map_err(|e| format!("cannot read {}: {e}", init.display()))?;
    let version = text.lines().find_map(|line| {
        let rest = line.strip_prefix("__version__")?.trim_start().strip_prefix('=')?.trim();
        let quote = rest.chars().next().filter(|q| *q == '\'' || *q == '"')?;
        rest[1..].split(quote).next().map(str::to_string)
    });
    version.ok_or_else(|| format!("no __version__ in {}", init.display()))
}

/// Finds a license-type file in the package's dist-info (at its top or, with newer metadata,
/// under `licenses/`), in the package itself, or at the root of a source checkout.
fn find_dist_file(pkg: &Path, version: &str, files: &[&str]) -> Option<PathBuf> {
    let (name, parent) = (file_name(pkg), pkg.parent()?);
    let mut dirs = vec![parent.join(format!("{name}-{version}.dist-info")), pkg.to_path_buf()];
    if file_name(parent) == name {
        dirs.push(parent.to_path_buf());
    }
    let dirs = dirs.into_iter().flat_map(|d| [d.join("licenses"), d]);
    dirs.flat_map(|d| files.iter().map(move |f| d.join(f))).find(|p| p.is_file())
}

/// A model file as botocore ships it, plain or gzipped.
#[derive(Debug, Clone)]
struct Src {
    path: PathBuf,
    gzipped: bool,
}

/// Mirrors botocore's JSONFileLoader, which tries `<stem>.json` before `<stem>.json.gz`.
fn find_json(dir: &Path, stem: &str) -> Option<Src> {
    [(".json", false), (".json.gz", true)]
        .into_iter()
        .map(|(ext, gzipped)| Src { path: dir.join(format!("{stem}{ext}")), gzipped })
        .find(|src| src.path.is_file())
}

/// The newest api-version directory holding a `<stem>` model. Like botocore's
/// `determine_latest_version`, this is the lexicographic maximum over the directories that
/// contain the file rather than over all of them; the two agree for a well-formed tree.
fn latest_version(svc_dir: &Path, stem: &str) -> Result<Option<String>, String> {
    let dirs = read_dir_sorted(svc_dir)?.into_iter();
    Ok(dirs.filter(|d| find_json(d, stem).is_some()).map(|d| file_name(&d)).max())
}

struct ServicePlan {
    name: String,
    api_version: String,
    resources_version: Option<String>,
    /// The files to produce in `<to>/<name>/`, with their output names.
    files: Vec<(Src, String)>,
}

/// The output file names the importer owns inside a service directory.
fn managed_file_names() -> Vec<String> {
    let mut names = vec!["resources-1.json".to_string()];
    for (stem, _) in BOTOCORE_TYPES {
        names.extend([format!("{stem}.json"), format!("{stem}.sdk-extras.json")]);
    }
    names
}

fn plan_service(src: &Sources, name: &str) -> Result<ServicePlan, String> {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(format!("invalid service name {name:?}"));
    }
    let svc_dir = src.botocore.join("data").join(name);
    if !svc_dir.is_dir() {
        return Err(format!("unknown service {name:?}: {} does not exist", svc_dir.display()));
    }
    let api_version = latest_version(&svc_dir, "service-2")?
        .ok_or_else(|| format!("no api-version directory in {} has a service-2.json(.gz)", svc_dir.display()))?;
    let dir = svc_dir.join(&api_version);
    let mut files = Vec::new();
    for (stem, required) in BOTOCORE_TYPES {
        match find_json(&dir, stem) {
            Some(found) => files.push((found, format!("{stem}.json"))),
            None if *required => return Err(format!("missing {}/{stem}.json(.gz)", dir.display())),
            None => continue,
        }
        // botocore deep-merges `<type>.sdk-extras.json` into the model at load time (module docs).
        if let Some(extras) = find_json(&dir, &format!("{stem}.sdk-extras")) {
            files.push((extras, format!("{stem}.sdk-extras.json")));
        }
    }
    // boto3's Session.resource picks the newest resources-1 version on its own rather than
    // botocore's, so do the same and record that version in SOURCE.toml too.
    let res_dir = src.boto3.join("data").join(name);
    let resources_version = match res_dir.is_dir() {
        true => latest_version(&res_dir, "resources-1")?,
        false => None,
    };
    if let Some(found) = resources_version.as_ref().and_then(|v| find_json(&res_dir.join(v), "resources-1")) {
        files.push((found, "resources-1.json".to_string()));
    }
    Ok(ServicePlan { name: name.to_string(), api_version, resources_version, files })
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Writes `bytes` to `path` unless it already holds exactly them, so that mtimes (and with them
/// cargo's rebuild checks) only move when content does. The rename makes each write atomic.
fn write_if_changed(path: &Path, bytes: &[u8], report: &mut ImportReport) -> Result<(), String> {
    let same_len = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if same_len && read(path)? == bytes {
        report.files_unchanged += 1;
        return Ok(());
    }
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = parent.join(format!(".{}.import-tmp", file_name(path)));
    fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    fs::rename(&tmp, path).map_err(|e| format!("cannot rename {} to {}: {e}", tmp.display(), path.display()))?;
    report.files_written += 1;
    Ok(())
}

/// SOURCE.toml depends only on the package versions and the selection, not on whether the
/// packages came from pip or `--from`, so both routes produce identical trees. It describes this
/// run's services only: importing a subset rewrites it to that subset.
fn source_toml(src: &Sources, plans: &[ServicePlan]) -> String {
    let (botocore, boto3) = (&src.botocore_version, &src.boto3_version);
    let mut s = format!(
        "# Written by `cargo xtask import-models`; do not edit by hand.\n\
         # The model files here are byte-for-byte copies (gzipped ones decompressed) of the data\n\
         # shipped in the botocore and boto3 wheels, as installed by\n\
         #   pip install botocore=={botocore} boto3=={boto3}\n\
         # from pip's default index (https://pypi.org/simple) unless PIP_INDEX_URL says otherwise.\n\n\
         [botocore]\nversion = \"{botocore}\"\n\n[boto3]\nversion = \"{boto3}\"\n\n\
         # api-version: botocore's api-version directory; resources: boto3's resources-1 version;\n\
         # sdk-extras: types with a <type>.sdk-extras.json that botocore deep-merges at load time.\n\
         [services]\n"
    );
    for plan in plans {
        // Service names are directory names like `sso-oidc`; quote any that TOML cannot take bare.
        let bare = plan.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let key = if bare { plan.name.clone() } else { format!("{:?}", plan.name) };
        s += &format!("{key} = {{ api-version = \"{}\"", plan.api_version);
        if let Some(version) = &plan.resources_version {
            s += &format!(", resources = \"{version}\"");
        }
        let extras = plan.files.iter().filter_map(|(_, n)| n.strip_suffix(".sdk-extras.json"));
        let extras: Vec<String> = extras.map(|t| format!("\"{t}\"")).collect();
        if !extras.is_empty() {
            s += &format!(", sdk-extras = [{}]", extras.join(", "));
        }
        s += " }\n";
    }
    s
}

/// The NOTICE that Apache-2.0 section 4(d) asks redistributors to keep: both packages' NOTICE
/// files verbatim, or, for a layout that lacks one, a statement of origin and license.
fn notice(src: &Sources, have_license: bool) -> Result<String, String> {
    let license = match have_license {
        true => "the Apache License, Version 2.0 (see LICENSE-APACHE-2.0)",
        false => "the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0)",
    };
    let mut s = format!(
        "This directory holds AWS service models copied unmodified from botocore {} and boto3 {},\n\
         which are distributed under {license}. Their NOTICE files follow.\n",
        src.botocore_version, src.boto3_version
    );
    for (pkg, version) in [(&src.botocore, &src.botocore_version), (&src.boto3, &src.boto3_version)] {
        let name = file_name(pkg);
        s += &format!("\n---- NOTICE of {name} {version} ----\n\n");
        let text = match find_dist_file(pkg, version, &["NOTICE", "NOTICE.txt"]) {
            Some(path) => String::from_utf8(read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?,
            None => format!(
                "{name}\nCopyright Amazon.com, Inc. or its affiliates. All Rights Reserved.\n\
                 Licensed under the Apache License, Version 2.0.\n\
                 (No NOTICE file was found for {name} {version}; the importer wrote this text.)\n"
            ),
        };
        s += &text;
        if !text.ends_with('\n') {
            s.push('\n');
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed again when dropped.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Ordering::SeqCst);
            let name = format!("tucuxi-import-{tag}-{}-{n}", std::process::id());
            let dir = std::env::temp_dir().join(name);
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Writes a file; a `.gz` path gets `text` gzipped by python's gzip module, which is how
    /// botocore's wheels are built.
    fn put(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if file_name(path).ends_with(".gz") {
            let script = "import gzip, sys\n\
                          open(sys.argv[1], 'wb').write(gzip.compress(sys.stdin.buffer.read()))\n";
            let mut cmd = Command::new(SYSTEM_PYTHON);
            run(cmd.args(["-c", script]).arg(path), text.as_bytes()).unwrap();
        } else {
            fs::write(path, text).unwrap();
        }
    }

    /// A site-packages with botocore 1.2.3 (services alpha and beta, whose plain service-2 must win
    /// over its gzipped one) and boto3 4.5.6.
    const TREE: &[(&str, &str)] = &[
        ("botocore/__init__.py", "import os\n__version__ = '1.2.3'\n"),
        ("boto3/__init__.py", "__version__ = \"4.5.6\"\n"),
        ("botocore-1.2.3.dist-info/NOTICE", "Botocore\nCopyright Amazon\n"),
        ("botocore-1.2.3.dist-info/LICENSE.txt", "Apache License text\n"),
        ("boto3-4.5.6.dist-info/licenses/NOTICE", "boto3\nCopyright Amazon"),
        ("botocore/data/partitions.json", "{\"partitions\" : []}\n"),
        ("botocore/data/alpha/2010-01-01/service-2.json", "old alpha"),
        ("botocore/data/alpha/2010-01-01/endpoint-rule-set-1.json", "old rules"),
        ("botocore/data/alpha/2020-05-05/service-2.json.gz", "{ \"alpha\":  2 }"),
        ("botocore/data/alpha/2020-05-05/endpoint-rule-set-1.json.gz", "{\"rules\":[]}"),
        ("botocore/data/alpha/2020-05-05/paginators-1.json", "{\"pagination\":{}}\n"),
        ("botocore/data/alpha/2020-05-05/paginators-1.sdk-extras.json", "{\"merge\":{}}"),
        ("botocore/data/alpha/2020-05-05/examples-1.json", "{}"),
        ("botocore/data/beta/2015-01-01/service-2.json", "{\"beta\":\"plain\"}"),
        ("botocore/data/beta/2015-01-01/service-2.json.gz", "{\"beta\":\"gz\"}"),
        ("botocore/data/beta/2015-01-01/endpoint-rule-set-1.json", "{\"beta-rules\":1}"),
        ("botocore/data/beta/2015-01-01/waiters-2.json.gz", "{\"waiters\":{}}"),
        ("botocore/data/not-a-service/2000-01-01/README", "no model here"),
        ("boto3/data/alpha/2019-01-01/resources-1.json", "old resources"),
        ("boto3/data/alpha/2020-05-05/resources-1.json", "{\"resources\":1}"),
    ];

    fn fake_site_packages(root: &Path) {
        for (path, text) in TREE {
            put(&root.join(path), text);
        }
    }

    fn opts(from: &Path, to: &Path, services: &[&str]) -> ImportOptions {
        let services = services.iter().map(|s| s.to_string()).collect();
        let (from, to) = (Some(from.to_path_buf()), to.to_path_buf());
        ImportOptions { from, to, services, all: false }
    }

    fn text(path: PathBuf) -> String {
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn imports_latest_versions_byte_for_byte() {
        let tmp = TempDir::new("latest");
        fake_site_packages(&tmp.0.join("sp"));
        let to = tmp.0.join("models");
        let report = import_models(&opts(&tmp.0.join("sp"), &to, &["beta", "alpha"])).unwrap();
        // alpha: 3 models, extras, resources; beta: 3 models; partitions, SOURCE, LICENSE, NOTICE.
        assert_eq!((report.services, report.files_written, report.files_unchanged), (2, 12, 0));
        for (path, expected) in [
            ("alpha/service-2.json", "{ \"alpha\":  2 }"),
            ("alpha/endpoint-rule-set-1.json", "{\"rules\":[]}"),
            ("alpha/paginators-1.json", "{\"pagination\":{}}\n"),
            ("alpha/paginators-1.sdk-extras.json", "{\"merge\":{}}"),
            ("alpha/resources-1.json", "{\"resources\":1}"),
            ("beta/service-2.json", "{\"beta\":\"plain\"}"),
            ("beta/waiters-2.json", "{\"waiters\":{}}"),
            ("partitions.json", "{\"partitions\" : []}\n"),
            ("LICENSE-APACHE-2.0", "Apache License text\n"),
        ] {
            assert_eq!(text(to.join(path)), expected, "{path}");
        }
        assert!(!to.join("alpha/examples-1.json").exists());
        assert!(!to.join("alpha/waiters-2.json").exists());
        let notice = text(to.join("NOTICE"));
        assert!(notice.contains("botocore 1.2.3 and boto3 4.5.6"), "{notice}");
        assert!(notice.contains("\nBotocore\nCopyright Amazon\n"), "{notice}");
        assert!(notice.ends_with("\nboto3\nCopyright Amazon\n"), "{notice}");
        let source = text(to.join("SOURCE.toml"));
        assert!(source.contains("#   pip install botocore==1.2.3 boto3==4.5.6\n"));
        assert!(source.contains("[botocore]\nversion = \"1.2.3\"\n\n[boto3]\nversion = \"4.5.6\"\n"));
        let services = "[services]\n\
            alpha = { api-version = \"2020-05-05\", resources = \"2020-05-05\", \
            sdk-extras = [\"paginators-1\"] }\n\
            beta = { api-version = \"2015-01-01\" }\n";
        assert!(source.ends_with(services), "{source}");
    }

    #[test]
    fn reruns_write_only_changes_and_remove_only_stale_managed_files() {
        let tmp = TempDir::new("rerun");
        let (sp, to) = (tmp.0.join("sp"), tmp.0.join("out"));
        fake_site_packages(&sp);
        let first = import_models(&opts(&sp, &to, &["alpha", "beta"])).unwrap();
        let second = import_models(&opts(&sp, &to, &["alpha", "beta"])).unwrap();
        assert_eq!((second.files_written, second.files_unchanged), (0, first.files_written));

        put(&sp.join("botocore/data/alpha/2020-05-05/service-2.json.gz"), "{\"alpha\":3}");
        put(&to.join("alpha/waiters-2.json"), "vanished upstream");
        put(&to.join("alpha/README.md"), "hand written");
        put(&to.join("gamma/service-2.json"), "not selected");
        let third = import_models(&opts(&sp, &to, &["alpha"])).unwrap();
        assert_eq!(text(to.join("alpha/service-2.json")), "{\"alpha\":3}");
        // service-2 and SOURCE.toml (which now lists alpha only) change; nothing else does. The
        // unselected beta still contributes its endpoint rule set and waiters (unchanged).
        assert_eq!((third.files_written, third.files_unchanged), (2, 9));
        assert_eq!(text(to.join("beta/endpoint-rule-set-1.json")), "{\"beta-rules\":1}");
        assert_eq!(text(to.join("beta/waiters-2.json")), "{\"waiters\":{}}");
        assert!(!to.join("alpha/waiters-2.json").exists());
        assert_eq!(text(to.join("alpha/README.md")), "hand written");
        assert_eq!(text(to.join("gamma/service-2.json")), "not selected");
        assert_eq!(text(to.join("beta/service-2.json")), "{\"beta\":\"plain\"}");
    }

    #[test]
    fn missing_required_file_is_an_error_naming_it() {
        let tmp = TempDir::new("missing");
        let (sp, to) = (tmp.0.join("sp"), tmp.0.join("models"));
        fake_site_packages(&sp);
        let beta = sp.join("botocore/data/beta/2015-01-01");
        fs::remove_file(beta.join("endpoint-rule-set-1.json")).unwrap();
        let err = import_models(&opts(&sp, &to, &["alpha", "beta"])).unwrap_err();
        let expected = format!("{}/endpoint-rule-set-1.json(.gz)", beta.display());
        assert!(err.contains(&expected), "{err}");
        assert!(!to.exists(), "nothing may be written when planning fails");
    }

    #[test]
    fn bad_inputs_are_errors_that_say_where() {
        let tmp = TempDir::new("bad");
        let (sp, to) = (tmp.0.join("sp"), tmp.0.join("m"));
        fake_site_packages(&sp);
        let err = import_models(&opts(&sp, &to, &["nope"])).unwrap_err();
        assert!(err.contains("unknown service \"nope\"") && err.contains("data/nope"), "{err}");
        let err = import_models(&opts(&tmp.0.join("empty"), &to, &[])).unwrap_err();
        assert!(err.contains("botocore/data"), "{err}");
        fs::write(sp.join("botocore/data/beta/2015-01-01/waiters-2.json.gz"), "not gzip").unwrap();
        let err = import_models(&opts(&sp, &to, &["beta"])).unwrap_err();
        assert!(err.contains("-c <script>` failed (exit status"), "{err}");
        assert!(err.contains("cannot gunzip") && err.contains("2015-01-01/waiters-2.json.gz"));
    }

    #[test]
    fn all_selects_every_service_with_a_model_and_accepts_a_venv_root() {
        let tmp = TempDir::new("all");
        fake_site_packages(&tmp.0.join("venv/lib/python3.11/site-packages"));
        let to = tmp.0.join("everything");
        let all = ImportOptions { all: true, ..opts(&tmp.0.join("venv"), &to, &[]) };
        assert_eq!(import_models(&all).unwrap().services, 2);
        assert!(to.join("alpha/service-2.json").is_file() && to.join("beta/service-2.json").is_file());
        assert!(!to.join("not-a-service").exists());
        let venv = venv_dir_for(Path::new("/repo/models"));
        assert_eq!(venv, Path::new("/repo/target/import-venv"));
    }
}
