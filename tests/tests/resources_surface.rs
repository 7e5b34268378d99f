//! `cargo xtask conformance resources`: the resource surface the generated crates hold (their
//! `resources::SURFACE` tables, written by the same emitter pass as the methods) against boto3's,
//! from `../shared/conformance/boto3-surface/resources.json`: one case per resource class and
//! member kind, ending with the plain line `N passed, M failed`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use tucuxi::codegen::Surface;

const KINDS: &[&str] =
    &["identifiers", "attributes", "actions", "batch_actions", "references", "subresources", "collections", "waiters"];

fn members<'a>(row: &'a Surface, kind: &str) -> &'a [&'static str] {
    match kind {
        "identifiers" => row.identifiers,
        "attributes" => row.attributes,
        "actions" => row.actions,
        "batch_actions" => row.batch_actions,
        "references" => row.references,
        "subresources" => row.subresources,
        "collections" => row.collections,
        _ => row.waiters,
    }
}

#[test]
fn resource_surface_matches_boto3() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/boto3-surface/resources.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // The fixture lives beside the repository; without it there is nothing to compare.
        eprintln!("resources conformance skipped: {} is missing", path.display());
        return;
    };
    let fixture: serde_json::Value = serde_json::from_str(&text).expect("the fixture is JSON");
    let crates: BTreeMap<&str, &[Surface]> = BTreeMap::from([
        ("cloudformation", tucuxi_cloudformation::resources::SURFACE),
        ("cloudwatch", tucuxi_cloudwatch::resources::SURFACE),
        ("dynamodb", tucuxi_dynamodb::resources::SURFACE),
        ("ec2", tucuxi_ec2::resources::SURFACE),
        ("glacier", tucuxi_glacier::resources::SURFACE),
        ("iam", tucuxi_iam::resources::SURFACE),
        ("s3", tucuxi_s3::resources::SURFACE),
        ("sns", tucuxi_sns::resources::SURFACE),
        ("sqs", tucuxi_sqs::resources::SURFACE),
    ]);
    let services = fixture["services"].as_object().expect("services");
    let (mut passed, mut failed) = (0, 0);
    let mut failures = Vec::new();
    println!("{:<16} {:>8} {:>8} {:>8}", "service", "classes", "passed", "failed");
    for (service, classes) in services {
        let classes = classes.as_object().expect("classes");
        let surface = crates.get(service.as_str()).copied().unwrap_or_default();
        let (mut p, mut f) = (0, 0);
        for (class, expected) in classes {
            let row = surface.iter().find(|r| r.class == class);
            for kind in KINDS {
                let mut want: Vec<&str> =
                    expected[*kind].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
                want.sort_unstable();
                let got: Vec<&str> = row.map(|r| members(r, kind).to_vec()).unwrap_or_default();
                if row.is_some() && got == want {
                    p += 1;
                } else {
                    f += 1;
                    failures.push(format!("{service}.{class} {kind}: boto3 {want:?}, tucuxi {got:?}"));
                }
            }
        }
        for row in surface.iter().filter(|r| !classes.contains_key(r.class)) {
            f += 1;
            failures.push(format!("{service}.{}: a class boto3 does not have", row.class));
        }
        println!("{service:<16} {:>8} {p:>8} {f:>8}", classes.len());
        passed += p;
        failed += f;
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!("{passed} passed, {failed} failed");
    assert!(failures.is_empty(), "{failed} resource surface cases differ from boto3");
}
