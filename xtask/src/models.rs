//! Finding and reading model directories.

use std::path::{Path, PathBuf};

use tucuxi_codegen::load::{
    ENDPOINT_RULES_FILE, PAGINATORS_EXTRAS_FILE, PAGINATORS_FILE, RESOURCES_FILE, SERVICE_EXTRAS_FILE, SERVICE_FILE,
    WAITERS_FILE,
};
use tucuxi_codegen::ModelFiles;

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// `../shared` beside the repository, where the conformance data lives.
pub fn shared_dir() -> PathBuf {
    repo_root().join("../shared")
}

/// The services of a models directory: every subdirectory with a `service-2.json`, sorted.
pub fn services(models: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(models).map_err(|e| format!("{}: {e}", models.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", models.display()))?;
        if entry.path().join(SERVICE_FILE).is_file() {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads one service's model files; `display_dir` is how messages name the directory.
pub fn read(models: &Path, service: &str, display_dir: &str) -> Result<ModelFiles, String> {
    let dir = models.join(service);
    let required = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let optional = |name: &str| -> Result<Option<String>, String> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    };
    Ok(ModelFiles {
        service: service.to_owned(),
        dir: format!("{display_dir}/{service}"),
        service_json: required(SERVICE_FILE)?,
        service_extras_json: optional(SERVICE_EXTRAS_FILE)?,
        paginators_json: optional(PAGINATORS_FILE)?,
        paginators_extras_json: optional(PAGINATORS_EXTRAS_FILE)?,
        waiters_json: optional(WAITERS_FILE)?,
        endpoint_rules_json: optional(ENDPOINT_RULES_FILE)?,
        resources_json: optional(RESOURCES_FILE)?,
    })
}
