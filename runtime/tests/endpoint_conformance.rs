//! Runs the AWS endpoint conformance suite (botocore's `tests/functional/endpoint-rules`)
//! against the rules engine: for every service with a test file, load its rule set from
//! `models/`, resolve every case's `params`, and compare the URL, headers and properties, or
//! the error message.
//!
//! Cases that also carry `operationInputs` are resolved through their `params` like the rest
//! and counted separately; those of the committed services (s3, dynamodb, sts, kinesis) also run
//! through the generated clients, input in and request out, in
//! `tests/tests/endpoint_operations.rs`.
//!
//! The fixtures were taken at a different botocore commit than the models (botocore 1.44.5),
//! and a few services' rule sets differ between the two. Those cases are listed in
//! [`KNOWN_DRIFT`] and
//! reported as a count rather than as failures; botocore's own resolver, run over the same
//! rule sets and partition table, fails exactly the same cases. A listed case that starts
//! passing, or whose documentation no longer matches, is a failure, so the list cannot go
//! stale silently. Likewise the services whose tests exist but whose rule set is not among
//! the models are listed in [`NO_RULE_SET`] and reported.

use std::fs;
use std::path::Path;

use tucuxi::endpoint::{resolve, EndpointError, Params, RuleSet, Value};
use tucuxi::Document;

const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../models");
const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/endpoint-rules");

/// Services with conformance cases but no rule set in `models/` (botocore 1.44.5 has none).
const NO_RULE_SET: &[&str] = &["finspace", "finspace-data", "tnb"];

/// Cases whose expectation disagrees with the rule set in `models/`: (service, index in
/// `testCases`, start of its documentation). Found by running botocore's own
/// `EndpointProvider` over the models' rule sets; it fails exactly these.
const KNOWN_DRIFT: &[(&str, usize, &str)] = &[
    ("acm", 45, "ACM-ACME in us-gov-west-1 returns partition erro"),
    ("acm", 46, "ACM-ACME in cn-north-1 returns partition error"),
    ("dynamodb", 245, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 246, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 247, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 248, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 249, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 250, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 251, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 252, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 253, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("dynamodb", 256, "{UseFIPS=false, UseDualStack=true, ResourceArn=a"),
    ("dynamodb", 257, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 258, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 259, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 260, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 263, "{UseFIPS=false, UseDualStack=true, ResourceArnLi"),
    ("dynamodb", 264, "{UseFIPS=false, UseDualStack=false, ResourceArnL"),
    ("dynamodb", 265, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 266, "{UseFIPS=false, UseDualStack=false, AccountIdEnd"),
    ("dynamodb", 293, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 294, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 295, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 296, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 297, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 298, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 299, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 300, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 301, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("dynamodb", 341, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 342, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 343, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 344, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 345, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 346, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 347, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 348, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 349, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("dynamodb", 477, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 478, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 479, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("dynamodb", 482, "{UseFIPS=false, UseDualStack=true, ResourceArn=a"),
    ("dynamodb", 483, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 484, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 485, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 486, "{UseFIPS=false, UseDualStack=false, ResourceArn="),
    ("dynamodb", 487, "{UseFIPS=false, UseDualStack=false, AccountIdEnd"),
    ("dynamodb", 503, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 504, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 505, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("dynamodb", 529, "{UseFIPS=false, UseDualStack=true, AccountId=111"),
    ("dynamodb", 530, "{UseFIPS=false, UseDualStack=false, AccountId=11"),
    ("dynamodb", 531, "{UseFIPS=false, UseDualStack=false, AccountId=, "),
    ("geo-maps", 3, "For region us-east-1 with FIPS enabled and DualS"),
    ("geo-maps", 4, "For region us-east-1 with FIPS enabled and DualS"),
    ("geo-maps", 5, "For region us-east-1 with FIPS disabled and Dual"),
    ("geo-maps", 6, "For region us-east-1 with FIPS disabled and Dual"),
    ("geo-maps", 21, "For region us-gov-west-1 with FIPS enabled and D"),
    ("geo-maps", 22, "For region us-gov-west-1 with FIPS enabled and D"),
    ("geo-maps", 23, "For region us-gov-west-1 with FIPS disabled and "),
    ("geo-maps", 24, "For region us-gov-west-1 with FIPS disabled and "),
    ("kinesis", 111, "ResourceARN as StreamARN test: Invalid ARN: Kine"),
    ("kinesis", 136, "ResourceARN as ConsumerARN test: Invalid ARN: Ki"),
    ("organizations", 0, "For region aws-global with FIPS disabled and Dua"),
    ("organizations", 1, "For region aws-global with FIPS enabled and Dual"),
    ("organizations", 2, "For region us-east-1 with FIPS enabled and DualS"),
    ("organizations", 3, "For region us-east-1 with FIPS enabled and DualS"),
    ("organizations", 4, "For region us-east-1 with FIPS disabled and Dual"),
    ("organizations", 5, "For region us-east-1 with FIPS disabled and Dual"),
    ("organizations", 6, "For region aws-cn-global with FIPS disabled and "),
    ("organizations", 7, "For region cn-north-1 with FIPS enabled and Dual"),
    ("organizations", 8, "For region cn-north-1 with FIPS enabled and Dual"),
    ("organizations", 9, "For region cn-north-1 with FIPS disabled and Dua"),
    ("organizations", 10, "For region cn-north-1 with FIPS disabled and Dua"),
    ("organizations", 11, "For region aws-us-gov-global with FIPS disabled "),
    ("organizations", 12, "For region aws-us-gov-global with FIPS enabled a"),
    ("organizations", 13, "For region us-gov-east-1 with FIPS enabled and D"),
    ("organizations", 14, "For region us-gov-east-1 with FIPS enabled and D"),
    ("organizations", 15, "For region us-gov-east-1 with FIPS disabled and "),
    ("organizations", 16, "For region us-gov-east-1 with FIPS disabled and "),
    ("organizations", 17, "For region aws-iso-global with FIPS disabled and"),
    ("organizations", 18, "For region us-iso-east-1 with FIPS enabled and D"),
    ("organizations", 19, "For region us-iso-east-1 with FIPS disabled and "),
    ("organizations", 20, "For region aws-iso-b-global with FIPS disabled a"),
    ("organizations", 21, "For region us-isob-east-1 with FIPS enabled and "),
    ("organizations", 22, "For region us-isob-east-1 with FIPS disabled and"),
    ("organizations", 23, "For region us-isof-south-1 with FIPS disabled an"),
];

/// Compares JSON values, ignoring the order of object members (arrays stay ordered).
fn json_eq(a: &Document, b: &Document) -> bool {
    match (a, b) {
        (Document::Object(x), Document::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        (Document::Array(x), Document::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| json_eq(v, w)),
        (Document::Number(x), Document::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

fn params_of(case: &Document) -> Result<Params, String> {
    let mut params = Params::new();
    let Some(map) = case.get("params") else {
        return Ok(params);
    };
    let map = map.as_object().ok_or("`params` is not an object")?;
    for (name, value) in map {
        let value = match value {
            Document::String(s) => Value::String(s.clone()),
            Document::Bool(b) => Value::Bool(*b),
            Document::Array(items) => Value::StringArray(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned).ok_or("non-string in a string array"))
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("unsupported parameter value {other}")),
        };
        params.set(name.clone(), value);
    }
    Ok(params)
}

/// Checks one case; `Err` describes the mismatch as "expected ... got ...".
fn check(rules: &RuleSet, case: &Document) -> Result<(), String> {
    let params = params_of(case)?;
    let expect = case.get("expect").ok_or("the case has no `expect`")?;
    let result = resolve(rules, &params);
    if let Some(expected) = expect.get("error") {
        let expected = expected.as_str().ok_or("`expect.error` is not a string")?;
        return match result {
            Err(EndpointError::Rule(message)) if message == expected => Ok(()),
            Err(err) => Err(format!("expected error {expected:?}, got error {:?}", err.to_string())),
            Ok(endpoint) => Err(format!("expected error {expected:?}, got endpoint {}", endpoint.url)),
        };
    }
    let expected = expect.get("endpoint").ok_or("`expect` has neither endpoint nor error")?;
    let endpoint = match result {
        Ok(endpoint) => endpoint,
        Err(err) => return Err(format!("expected endpoint {expected}, got error {:?}", err.to_string())),
    };
    let want_url = expected.get("url").and_then(Document::as_str).unwrap_or_default();
    if endpoint.url != want_url {
        return Err(format!("expected url {want_url}, got {}", endpoint.url));
    }
    let got_headers: Document =
        endpoint.headers.iter().map(|(name, values)| (name.clone(), Document::from(values.clone()))).collect();
    let empty = Document::Object(Default::default());
    let want_headers = expected.get("headers").unwrap_or(&empty);
    if !json_eq(&got_headers, want_headers) {
        return Err(format!("expected headers {want_headers}, got {got_headers}"));
    }
    let want_properties = expected.get("properties").unwrap_or(&empty);
    if !json_eq(&endpoint.properties, want_properties) {
        return Err(format!("expected properties {want_properties}, got {}", endpoint.properties));
    }
    Ok(())
}

#[test]
fn endpoint_rules_conformance() {
    let mut services: Vec<_> = fs::read_dir(CASES)
        .expect("the conformance fixtures are at ../shared/conformance/endpoint-rules")
        .map(|entry| entry.expect("a readable directory entry").file_name().into_string().unwrap())
        .collect();
    services.sort();
    let (mut passed, mut failed) = (0usize, 0usize);
    let (mut with_inputs, mut with_inputs_passed) = (0usize, 0usize);
    let (mut drifted, mut not_run) = (0usize, 0usize);
    for service in &services {
        let tests = fs::read_to_string(Path::new(CASES).join(service).join("endpoint-tests-1.json"))
            .expect("a readable test file");
        let tests = Document::from_json(&tests).expect("the test file is JSON");
        let cases = tests.get("testCases").and_then(Document::as_array).unwrap_or_default();
        let rule_path = Path::new(MODELS).join(service).join("endpoint-rule-set-1.json");
        let Ok(text) = fs::read_to_string(&rule_path) else {
            if NO_RULE_SET.contains(&service.as_str()) {
                not_run += cases.len();
            } else {
                println!("FAIL {service}: no rule set at {}", rule_path.display());
                failed += cases.len();
            }
            continue;
        };
        let rules = match RuleSet::from_json(&text) {
            Ok(rules) => rules,
            Err(err) => {
                println!("FAIL {service}: rule set does not load: {err}");
                failed += cases.len();
                continue;
            }
        };
        for (index, case) in cases.iter().enumerate() {
            let doc = case.get("documentation").and_then(Document::as_str).unwrap_or("");
            let has_inputs = case.get("operationInputs").is_some();
            with_inputs += usize::from(has_inputs);
            let drift = KNOWN_DRIFT.iter().find(|(s, i, _)| s == service && *i == index);
            let outcome = check(&rules, case);
            match (drift, outcome) {
                (Some((_, _, prefix)), _) if !doc.starts_with(prefix) => {
                    failed += 1;
                    println!("FAIL {service}: KNOWN_DRIFT entry {index} no longer matches {doc:?}");
                }
                (Some(_), Ok(())) => {
                    failed += 1;
                    println!("FAIL {service}: {}: listed in KNOWN_DRIFT but passes", truncate(doc, 80));
                }
                (Some(_), Err(_)) => drifted += 1,
                (None, Ok(())) => {
                    passed += 1;
                    with_inputs_passed += usize::from(has_inputs);
                }
                (None, Err(why)) => {
                    failed += 1;
                    println!("FAIL {service}: {}: {}", truncate(doc, 80), truncate(&why, 400));
                }
            }
        }
    }
    println!(
        "{with_inputs} cases carry operationInputs; they were resolved through their params \
         ({with_inputs_passed} passed) here; the committed services' ones also run through their generated \
         clients (tests/tests/endpoint_operations.rs)"
    );
    println!("{drifted} cases not counted: their fixture disagrees with the rule set in models/ (KNOWN_DRIFT)");
    println!("{not_run} cases not run: no rule set in models/ for {}", NO_RULE_SET.join(", "));
    println!("{passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} endpoint conformance cases failed");
}
