//! Unit tests of loading and resolving small rule sets; the conformance suite over every
//! service lives in `tests/endpoint_conformance.rs`.

use super::*;

/// A minimal rule set in the shape most services use.
const REGIONAL: &str = r#"{
  "version": "1.0",
  "parameters": {
    "Region": {"type": "String", "builtIn": "AWS::Region", "documentation": "The region."},
    "UseFIPS": {"type": "Boolean", "required": true, "default": false, "builtIn": "AWS::UseFIPS"},
    "Endpoint": {"type": "String", "builtIn": "SDK::Endpoint",
                 "deprecated": {"message": "use something else", "since": "2024"}}
  },
  "rules": [
    {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]},
                    {"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "url"}],
     "endpoint": {"url": "{url#scheme}://{url#authority}{url#normalizedPath}x"}, "type": "endpoint"},
    {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}],
     "rules": [
       {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"},
                       {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
        "error": "FIPS is not available in {Region} ({p#name})", "type": "error"},
       {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}],
        "endpoint": {"url": "https://svc.{Region}.{p#dnsSuffix}",
                     "headers": {"x-partition": ["{p#name}", "static"]},
                     "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}",
                                                     "disableDoubleEncoding": true}],
                                    "escaped": "{{literal}}"}},
        "type": "endpoint"}
     ], "type": "tree"},
    {"conditions": [], "error": "Invalid Configuration: Missing Region", "type": "error"}
  ]
}"#;

fn regional() -> RuleSet {
    RuleSet::from_json(REGIONAL).expect("the test rule set loads")
}

#[test]
fn resolves_a_regional_endpoint() {
    let rules = regional();
    let endpoint = resolve(&rules, &Params::new().with("Region", "cn-north-1")).unwrap();
    assert_eq!(endpoint.url, "https://svc.cn-north-1.amazonaws.com.cn");
    assert_eq!(endpoint.headers, vec![("x-partition".into(), vec!["aws-cn".into(), "static".into()])]);
    assert_eq!(
        endpoint.properties.to_json_string(),
        r#"{"authSchemes":[{"name":"sigv4","signingRegion":"cn-north-1","disableDoubleEncoding":true}],"escaped":"{literal}"}"#
    );
}

#[test]
fn error_rules_expand_their_message() {
    let rules = regional();
    let params = Params::new().with("Region", "us-gov-west-1").with("UseFIPS", true);
    assert_eq!(
        resolve(&rules, &params),
        Err(EndpointError::Rule("FIPS is not available in us-gov-west-1 (aws-us-gov)".into()))
    );
    assert_eq!(
        resolve(&rules, &Params::new()),
        Err(EndpointError::Rule("Invalid Configuration: Missing Region".into()))
    );
}

#[test]
fn unknown_regions_fall_back_to_aws() {
    let endpoint = resolve(&regional(), &Params::new().with("Region", "mars-1")).unwrap();
    assert_eq!(endpoint.url, "https://svc.mars-1.amazonaws.com");
    let table = Partitions::builtin().unwrap();
    assert_eq!(table.partition_of("us-isob-east-1"), Some("aws-iso-b"));
    assert_eq!(table.partition_of("eu-isoe-west-9"), Some("aws-iso-e"));
    assert_eq!(table.partition_of("aws-global"), Some("aws"));
}

#[test]
fn custom_endpoints_go_through_parse_url() {
    let params = Params::new().with("Endpoint", "https://example.com:8443/a");
    let endpoint = resolve(&regional(), &params).unwrap();
    assert_eq!(endpoint.url, "https://example.com:8443/a/x");
    assert_eq!(endpoint.properties, Document::Object(Default::default()));
}

#[test]
fn parameters_are_described_and_checked() {
    let rules = regional();
    let fips = rules.parameter("UseFIPS").unwrap();
    assert_eq!(fips.ty, ParameterType::Boolean);
    assert!(fips.required);
    assert_eq!(fips.default, Some(Value::Bool(false)));
    assert_eq!(fips.built_in.as_deref(), Some("AWS::UseFIPS"));
    let endpoint = rules.parameter("Endpoint").unwrap();
    assert_eq!(endpoint.deprecated.as_ref().unwrap().since.as_deref(), Some("2024"));
    assert_eq!(rules.version(), "1.0");

    let wrong = Params::new().with("Region", true);
    assert!(matches!(resolve(&rules, &wrong), Err(EndpointError::InvalidParam { .. })));
    // Names the rule set does not declare are ignored.
    let extra = Params::new().with("Region", "us-east-1").with("Unknown", "x");
    assert!(resolve(&rules, &extra).is_ok());
}

#[test]
fn required_parameters_without_defaults_must_be_given() {
    let rules = RuleSet::from_json(
        r#"{"version":"1.0","parameters":{"Bucket":{"type":"string","required":true}},
            "rules":[{"conditions":[],"endpoint":{"url":"https://{Bucket}.example.com"},"type":"endpoint"}]}"#,
    )
    .unwrap();
    assert_eq!(resolve(&rules, &Params::new()), Err(EndpointError::MissingParam("Bucket".into())));
    assert_eq!(resolve(&rules, &Params::new().with("Bucket", "b")).unwrap().url, "https://b.example.com");
}

#[test]
fn newer_functions_work() {
    let rules = RuleSet::from_json(
        r#"{"version":"1.1","parameters":{
              "Bucket":{"type":"string"},
              "Flag":{"type":"boolean"},
              "Names":{"type":"stringArray","default":["a","b"]}},
            "rules":[
              {"conditions":[
                 {"fn":"split","argv":[{"fn":"coalesce","argv":[{"ref":"Bucket"},"x--y--z"]},"--",0],"assign":"parts"},
                 {"fn":"getAttr","argv":[{"ref":"parts"},"[1]"],"assign":"second"},
                 {"fn":"getAttr","argv":[{"ref":"Names"},"[1]"],"assign":"name"},
                 {"fn":"ite","argv":[{"fn":"coalesce","argv":[{"ref":"Flag"},false]},"on","off"],"assign":"mode"},
                 {"fn":"uriEncode","argv":["a/b c"],"assign":"enc"},
                 {"fn":"substring","argv":[{"ref":"second"},0,1,false],"assign":"first"}],
               "endpoint":{"url":"https://{second}.{name}.{mode}.{enc}.{first}.{parts#[2]}"},"type":"endpoint"}]}"#,
    )
    .unwrap();
    let url = |params: Params| resolve(&rules, &params).unwrap().url;
    assert_eq!(url(Params::new()), "https://y.b.off.a%2Fb%20c.y.z");
    assert_eq!(
        url(Params::new().with("Bucket", "p--qr--s").with("Flag", true).with("Names", vec!["c", "d"])),
        "https://qr.d.on.a%2Fb%20c.q.s"
    );
    // An index past the end is an empty value, which a template cannot substitute.
    let short = Params::new().with("Bucket", "p--qr");
    assert!(matches!(resolve(&rules, &short), Err(EndpointError::Eval(_))));
}

/// Every malformed rule set below must give an `Invalid` error naming where it went wrong,
/// never a panic.
#[test]
fn broken_rule_sets_are_rejected_with_a_pointer() {
    let cases: &[(&str, &str)] = &[
        ("", ""),
        ("[]", ""),
        ("{", ""),
        (r#"{"parameters": {}}"#, ""),
        (r#"{"parameters": [], "rules": []}"#, "/parameters"),
        (r#"{"parameters": {"R": {"type": "int"}}, "rules": []}"#, "/parameters/R/type"),
        (r#"{"parameters": {"R": {}}, "rules": []}"#, "/parameters/R"),
        (r#"{"parameters": {"R": {"type": "string", "default": true}}, "rules": []}"#, "/parameters/R/default"),
        (r#"{"parameters": {}, "rules": {}}"#, "/rules"),
        (r#"{"parameters": {}, "rules": [1]}"#, "/rules/0"),
        (r#"{"parameters": {}, "rules": [{"type": "what"}]}"#, "/rules/0/type"),
        (r#"{"parameters": {}, "rules": [{"type": "endpoint"}]}"#, "/rules/0"),
        (r#"{"parameters": {}, "rules": [{"type": "tree", "rules": [{"type": "error"}]}]}"#, "/rules/0/rules/0"),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [{"fn": "nope", "argv": []}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/fn",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [{"fn": "isSet", "argv": []}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/argv",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "X"}]}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/argv/0/ref",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [{"ref": "X"}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0",
        ),
        (
            r#"{"parameters": {"R": {"type": "string"}}, "rules": [{"conditions": [{"fn": "getAttr", "argv": [{"ref": "R"}, {"ref": "R"}]}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/argv/1",
        ),
        (
            r#"{"parameters": {"R": {"type": "string"}}, "rules": [{"conditions": [{"fn": "getAttr", "argv": [{"ref": "R"}, "a[x]"]}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/argv/1",
        ),
        (r#"{"parameters": {}, "rules": [{"conditions": [], "type": "error", "error": "{Nope}"}]}"#, "/rules/0/error"),
        (r#"{"parameters": {}, "rules": [{"conditions": [], "type": "error", "error": "a {b"}]}"#, "/rules/0/error"),
        (r#"{"parameters": {}, "rules": [{"conditions": [], "type": "error", "error": "a } b"}]}"#, "/rules/0/error"),
        (
            r#"{"parameters": {"R": {"type": "string"}}, "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "R"}], "assign": "R"}], "type": "error", "error": "e"}]}"#,
            "/rules/0/conditions/0/assign",
        ),
        // A variable bound in one rule is not visible in the next.
        (
            r#"{"parameters": {"R": {"type": "string"}}, "rules": [
             {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "R"}], "assign": "p"}], "type": "error", "error": "e"},
             {"conditions": [], "type": "error", "error": "{p#name}"}]}"#,
            "/rules/1/error",
        ),
        (
            r#"{"parameters": {}, "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": "u", "headers": {"h": "v"}}}]}"#,
            "/rules/0/endpoint/headers/h",
        ),
        (
            r#"{"parameters": {"a/b~": {"type": "string"}}, "rules": [{"conditions": [], "type": "error", "error": 1.5}]}"#,
            "/rules/0/error",
        ),
    ];
    for (text, pointer) in cases {
        match RuleSet::from_json(text) {
            Err(EndpointError::Invalid { pointer: got, message }) => {
                assert_eq!(got, *pointer, "{text}: {message}");
                assert!(!message.is_empty());
            }
            other => panic!("{text}: expected an Invalid error, got {other:?}"),
        }
    }
}

#[test]
fn hand_built_documents_nested_too_deeply_are_rejected() {
    // `Document::from_json` stops at 128 levels, so build the nesting by hand.
    let mut expr = Document::from_json(r#"{"ref": "R"}"#).unwrap();
    for _ in 0..300 {
        let mut call = crate::Map::new();
        call.insert("fn".to_owned(), Document::from("not"));
        call.insert("argv".to_owned(), Document::Array(vec![expr]));
        expr = Document::Object(call);
    }
    let mut rule_set = Document::from_json(
        r#"{"parameters": {"R": {"type": "boolean"}},
            "rules": [{"conditions": [], "type": "error", "error": "e"}]}"#,
    )
    .unwrap();
    let rule = &mut rule_set.as_object_mut().unwrap()["rules"].as_array_mut().unwrap()[0];
    rule.as_object_mut().unwrap().insert("conditions".to_owned(), Document::Array(vec![expr]));
    match RuleSet::from_document(&rule_set) {
        Err(EndpointError::Invalid { message, .. }) => assert!(message.contains("nested deeper")),
        other => panic!("expected a depth error, got {other:?}"),
    }
}

#[test]
fn public_types_are_thread_safe() {
    fn check<T: Send + Sync>() {}
    check::<RuleSet>();
    check::<Partitions>();
    check::<Params>();
    check::<Endpoint>();
    check::<EndpointError>();
}

#[test]
fn json_pointers_escape_slashes_and_tildes() {
    let err = RuleSet::from_json(r#"{"parameters": {"a/b~c": {"type": 1}}, "rules": []}"#).unwrap_err();
    assert_eq!(
        err,
        EndpointError::Invalid { pointer: "/parameters/a~1b~0c/type".into(), message: "expected a string".into() }
    );
}

/// Type errors a validated rule set cannot contain surface as `Eval` errors at resolution.
#[test]
fn ill_typed_rule_sets_fail_at_resolution_without_panicking() {
    let cases = [
        r#"{"fn": "booleanEquals", "argv": [{"ref": "S"}, true]}"#,
        r#"{"fn": "stringEquals", "argv": [{"ref": "Unset"}, "x"]}"#,
        r#"{"fn": "not", "argv": ["x"]}"#,
        r#"{"fn": "substring", "argv": [{"ref": "S"}, "0", 1, false]}"#,
        r#"{"fn": "split", "argv": [{"ref": "S"}, "", 0]}"#,
        r#"{"fn": "aws.partition", "argv": [true]}"#,
    ];
    for cond in cases {
        let text = format!(
            r#"{{"parameters": {{"S": {{"type": "string", "default": "abc"}}, "Unset": {{"type": "string"}}}},
                "rules": [{{"conditions": [{cond}], "endpoint": {{"url": "https://x"}}, "type": "endpoint"}}]}}"#
        );
        let rules = RuleSet::from_json(&text).unwrap();
        assert!(matches!(resolve(&rules, &Params::new()), Err(EndpointError::Eval(_))), "{cond}");
    }
    // A template that substitutes a non-string, and a URL that is not a string.
    for endpoint in [r#"{"url": "https://{B}"}"#, r#"{"url": {"ref": "B"}}"#] {
        let text = format!(
            r#"{{"parameters": {{"B": {{"type": "boolean", "default": true}}}},
                "rules": [{{"conditions": [], "endpoint": {endpoint}, "type": "endpoint"}}]}}"#
        );
        let rules = RuleSet::from_json(&text).unwrap();
        assert!(matches!(resolve(&rules, &Params::new()), Err(EndpointError::Eval(_))), "{endpoint}");
    }
    // No rule matching, at the top and inside a tree.
    for rules in [r#"[]"#, r#"[{"conditions": [], "type": "tree", "rules": []}]"#] {
        let text = format!(r#"{{"parameters": {{}}, "rules": {rules}}}"#);
        let rules = RuleSet::from_json(&text).unwrap();
        assert!(matches!(resolve(&rules, &Params::new()), Err(EndpointError::Eval(_))));
    }
}

#[test]
fn broken_partition_tables_are_rejected() {
    for (text, pointer) in [
        ("{}", "/partitions"),
        (r#"{"partitions": [{"outputs": {}}]}"#, "/partitions/0/id"),
        (r#"{"partitions": [{"id": "p", "outputs": {"x": 1}}]}"#, "/partitions/0/outputs/x"),
        (r#"{"partitions": [{"id": "p", "outputs": {}, "regionRegex": "("}]}"#, "/partitions/0/regionRegex"),
    ] {
        match Partitions::from_json(text) {
            Err(EndpointError::Invalid { pointer: got, .. }) => assert_eq!(got, pointer, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    // An empty table loads, and `aws.partition` then has nothing to return.
    let empty = Partitions::from_json(r#"{"partitions": []}"#).unwrap();
    let rules = regional();
    let result = resolve_with(&rules, &Params::new().with("Region", "us-east-1"), &empty);
    assert!(matches!(result, Err(EndpointError::Eval(_))));
}

#[test]
fn region_entries_can_override_partition_outputs() {
    let table = Partitions::from_json(
        r#"{"partitions": [{"id": "p", "regionRegex": "^p-\\w+$",
              "outputs": {"name": "p", "dnsSuffix": "p.example", "supportsFIPS": true},
              "regions": {"p-special": {"description": "odd one", "dnsSuffix": "special.example"}}}]}"#,
    )
    .unwrap();
    let rules = regional();
    let url = |region: &str| resolve_with(&rules, &Params::new().with("Region", region), &table).unwrap().url;
    assert_eq!(url("p-normal"), "https://svc.p-normal.p.example");
    assert_eq!(url("p-special"), "https://svc.p-special.special.example");
}

/// Damages the test rule set in many small ways (truncating it at every character, and
/// replacing each JSON or template punctuation character with other text) and checks that
/// loading and resolving never panic.
#[test]
fn damaged_rule_sets_never_panic() {
    let params = [
        Params::new(),
        Params::new().with("Region", "us-east-1").with("UseFIPS", true),
        Params::new().with("Endpoint", "https://a.b").with("Region", "x"),
    ];
    let try_one = |text: &str| {
        if let Ok(rules) = RuleSet::from_json(text) {
            for p in &params {
                let _ = resolve(&rules, p);
            }
        }
    };
    for end in 0..REGIONAL.len() {
        if REGIONAL.is_char_boundary(end) {
            try_one(&REGIONAL[..end]);
        }
    }
    let replacements = ["{", "}", "#", "[0]", "\"", "x", "1", "true", "[]", "{}", ""];
    for (i, c) in REGIONAL.char_indices() {
        if !"{}#[]\":,".contains(c) {
            continue;
        }
        for r in replacements {
            let mut text = String::with_capacity(REGIONAL.len() + 4);
            text.push_str(&REGIONAL[..i]);
            text.push_str(r);
            text.push_str(&REGIONAL[i + c.len_utf8()..]);
            try_one(&text);
        }
    }
}

#[test]
fn a_calls_parameters_override_the_configurations_and_add_to_them() {
    let base = Params::new().with("Region", "us-east-1").with("ForcePathStyle", false).with("UseFIPS", false);
    let call = Params::new().with("ForcePathStyle", true).with("Bucket", "b");
    let merged = base.overridden_by(&call);
    let entries: Vec<(&str, &Value)> = merged.iter().collect();
    assert_eq!(
        entries,
        [
            ("Region", &Value::from("us-east-1")),
            ("ForcePathStyle", &Value::Bool(true)),
            ("UseFIPS", &Value::Bool(false)),
            ("Bucket", &Value::from("b")),
        ]
    );
    assert_eq!(base.overridden_by(&Params::new()), base);
}
