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
