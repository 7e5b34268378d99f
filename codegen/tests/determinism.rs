//! The same models give the same bytes, every time (no hash-map order, no time, no paths).

use std::path::Path;

use tucuxi_codegen::{generate, ModelFiles, Options};

fn read(service: &str) -> ModelFiles {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models").join(service);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
    ModelFiles {
        service: service.into(),
        dir: format!("models/{service}"),
        service_json: read("service-2.json").unwrap(),
        service_extras_json: read("service-2.sdk-extras.json"),
        paginators_json: read("paginators-1.json"),
        paginators_extras_json: read("paginators-1.sdk-extras.json"),
        waiters_json: read("waiters-2.json"),
        endpoint_rules_json: read("endpoint-rule-set-1.json"),
        resources_json: read("resources-1.json"),
    }
}

#[test]
fn generating_twice_gives_identical_output() {
    for service in ["s3", "dynamodb", "sqs"] {
        let files = read(service);
        let first = generate(&files, &Options::default()).unwrap();
        let second = generate(&files, &Options::default()).unwrap();
        assert_eq!(first, second, "{service}: output differs between two runs");
        for f in &first {
            assert!(f.contents.lines().next().unwrap().contains("@generated"), "{service}/{}: no marker", f.path);
            assert!(f.contents.lines().count() <= 3_000, "{service}/{}: over 3,000 lines", f.path);
        }
    }
}
