//! Slicing (`generate --operations`): the golden `resources` model (CreateBook, DescribeBook,
//! ListBooks, DeleteBooks; a ListBooks paginator; a BookShelved waiter on DescribeBook; a
//! resource model using all four) cut to some of its operations.

use std::path::Path;

use tucuxi_codegen::{generate, ModelFiles, Options};

fn sliced(operations: &[&str]) -> Result<String, String> {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/resources/model");
    let read = |f: &str| std::fs::read_to_string(model.join(f)).ok();
    let files = ModelFiles {
        service: "resources".into(),
        dir: "tests/golden/resources/model".into(),
        service_json: read("service-2.json").unwrap(),
        paginators_json: read("paginators-1.json"),
        waiters_json: read("waiters-2.json"),
        resources_json: read("resources-1.json"),
        endpoint_rules_json: read("endpoint-rule-set-1.json"),
        ..ModelFiles::default()
    };
    let options = Options { operations: Some(operations.iter().map(|s| s.to_string()).collect()), ..Options::default() };
    let files = generate(&files, &options).map_err(|e| e.to_string())?;
    // One text of every file, each headed by its path, to search.
    Ok(files.iter().map(|f| format!("=== {}\n{}\n", f.path, f.contents)).collect())
}

#[test]
fn only_the_named_operations_and_the_shapes_they_reach_remain() {
    let out = sliced(&["DescribeBook"]).unwrap();
    assert!(out.contains("pub fn describe_book("));
    for gone in ["pub fn list_books(", "pub fn create_book(", "pub fn delete_books(", "pub struct ListBooksRequest"] {
        assert!(!out.contains(gone), "{gone} should be sliced away");
    }
    // DescribeBook's waiter stays; ListBooks's paginator goes with ListBooks.
    assert!(out.contains("pub fn wait_until_book_shelved("));
    assert!(!out.contains("into_paginator"));
    // The resource model uses the removed operations, so it goes as a whole.
    assert!(!out.contains("=== src/resources/"));
}

#[test]
fn paginators_stay_with_their_operation_and_waiters_go_with_theirs() {
    let out = sliced(&["ListBooks"]).unwrap();
    assert!(out.contains("pub fn list_books(") && out.contains("into_paginator"));
    assert!(!out.contains("wait_until_book_shelved"));
}

#[test]
fn every_operation_kept_keeps_the_resources() {
    let out = sliced(&["CreateBook", "DescribeBook", "ListBooks", "DeleteBooks"]).unwrap();
    assert!(out.contains("=== src/resources/"));
}

#[test]
fn an_unknown_operation_is_an_error_naming_it() {
    let err = sliced(&["DescribeBook", "GetBook"]).unwrap_err();
    assert!(err.contains("\"GetBook\"") && err.contains("not an operation of resources"), "{err}");
}

/// The generated crate of the committed `service` model, sliced to `operations` when given.
fn service_files(service: &str, operations: Option<&[&str]>) -> Vec<tucuxi_codegen::GeneratedFile> {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models").join(service);
    let read = |f: &str| std::fs::read_to_string(model.join(f)).ok();
    let files = ModelFiles {
        service: service.into(),
        dir: format!("models/{service}"),
        service_json: read("service-2.json").unwrap(),
        paginators_json: read("paginators-1.json"),
        waiters_json: read("waiters-2.json"),
        resources_json: read("resources-1.json"),
        endpoint_rules_json: read("endpoint-rule-set-1.json"),
        ..ModelFiles::default()
    };
    let options = Options { operations: operations.map(|o| o.iter().map(|s| s.to_string()).collect()), ..Options::default() };
    generate(&files, &options).unwrap()
}

#[test]
fn a_crate_sliced_below_its_extensions_operations_has_no_extension() {
    let five = ["GetObject", "PutObject", "ListObjectsV2", "HeadObject", "DeleteObject"];
    let paths: Vec<String> = service_files("s3", Some(&five)).into_iter().map(|f| f.path).collect();
    assert!(paths.iter().any(|p| p == "src/client/mod.rs"), "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("src/transfer")), "{paths:?}");
    let lib = service_files("s3", Some(&five)).into_iter().find(|f| f.path == "src/lib.rs").unwrap().contents;
    assert!(!lib.contains("pub mod transfer"), "the extension's root items go with it");
}

/// Every operation an extension's code calls is in its `needs`, so slicing never keeps an
/// extension whose calls would not compile.
#[test]
fn extensions_name_every_operation_they_call() {
    for extension in tucuxi_codegen::extensions::EXTENSIONS {
        let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models").join(extension.service).join("service-2.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
        let source: String = extension.files.iter().map(|f| f.source).collect();
        for op in json["operations"].as_object().unwrap().keys() {
            let call = format!(".{}()", tucuxi_codegen::naming::operation_method(op));
            if source.contains(&call) {
                assert!(extension.needs.contains(&op.as_str()), "{}: calls {call} but does not need {op}", extension.service);
            }
        }
    }
}
