//! Golden tests: tiny hand-written models in `tests/golden/<case>/model`, their generated crate
//! committed in `tests/golden/<case>/crate` (a workspace member, so it is compiled and linted by
//! `cargo xtask test`). Run with `TUCUXI_BLESS=1` to rewrite the crates after reviewing a change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tucuxi_codegen::{generate, ModelFiles, Options, RuntimeDep};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden")
}

fn files_under(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn golden_crates_match_the_generator() {
    let bless = std::env::var_os("TUCUXI_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(golden_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 2);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let model = case.join("model");
        let read = |f: &str| std::fs::read_to_string(model.join(f)).ok();
        let files = ModelFiles {
            service: name.clone(),
            dir: format!("tests/golden/{name}/model"),
            service_json: read("service-2.json").unwrap(),
            paginators_json: read("paginators-1.json"),
            waiters_json: read("waiters-2.json"),
            resources_json: read("resources-1.json"),
            endpoint_rules_json: read("endpoint-rule-set-1.json"),
            ..ModelFiles::default()
        };
        let options = Options { runtime: RuntimeDep::Path("../../../../runtime".into()), ..Options::default() };
        let generated: BTreeMap<String, String> = generate(&files, &options)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect();
        let crate_dir = case.join("crate");
        if bless {
            let _ = std::fs::remove_dir_all(&crate_dir);
            for (path, contents) in &generated {
                let path = crate_dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, contents).unwrap();
            }
            continue;
        }
        let committed = files_under(&crate_dir);
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            generated.keys().collect::<Vec<_>>(),
            "{name}: the set of generated files changed (TUCUXI_BLESS=1 to accept)"
        );
        for (path, contents) in &generated {
            assert!(
                committed[path] == *contents,
                "{name}/{path} differs from the generator's output (TUCUXI_BLESS=1 to accept)"
            );
        }
    }
}
