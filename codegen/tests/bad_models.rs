//! The broken-model corpus: every case must fail validation with exactly the messages in its
//! `expected.txt` (file, JSON pointer, what was expected), and nothing may panic.
//! Run with `TUCUXI_BLESS=1` to rewrite the expectations after reviewing a change.

use std::path::{Path, PathBuf};

use tucuxi_codegen::{generate, GenerateError, ModelFiles, Options};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-models")
}

fn read_case(dir: &Path) -> ModelFiles {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    ModelFiles {
        service: "tiny".into(),
        dir: "models/tiny".into(),
        service_json: read("service-2.json").expect("every case has a service-2.json"),
        paginators_json: read("paginators-1.json"),
        waiters_json: read("waiters-2.json"),
        resources_json: read("resources-1.json"),
        ..ModelFiles::default()
    }
}

#[test]
fn every_broken_model_is_reported_with_file_pointer_and_expectation() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus()).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 15, "the corpus lost cases");
    let bless = std::env::var_os("TUCUXI_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let files = read_case(case);
        let actual = match generate(&files, &Options::default()) {
            Err(GenerateError::Model(errors)) => errors.iter().map(|e| format!("{e}\n")).collect::<String>(),
            Err(other) => format!("not a model error: {other}\n"),
            Ok(_) => "generated without error\n".into(),
        };
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        if actual != expected {
            failures.push(format!("{}:\n  expected: {expected}  actual:   {actual}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every prefix of a valid model is invalid JSON; none of them may panic the generator.
#[test]
fn truncated_models_never_panic() {
    let files = read_case(&corpus().join("unknown-shape-ref"));
    let text = files.service_json.clone();
    for cut in (0..text.len()).step_by(7) {
        let mut broken = files.clone();
        broken.service_json = text[..cut].to_owned();
        let result = std::panic::catch_unwind(|| generate(&broken, &Options::default()));
        match result {
            Ok(Err(GenerateError::Model(errors))) => {
                assert!(errors[0].to_string().starts_with("models/tiny/service-2.json#"))
            }
            Ok(other) => panic!("cut at {cut}: expected a model error, got {other:?}"),
            Err(_) => panic!("the generator panicked on a model cut at byte {cut}"),
        }
    }
}
