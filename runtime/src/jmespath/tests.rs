use super::*;

fn search(expr: &str, json: &str) -> Document {
    let data = Document::from_json(json).unwrap();
    let e = Expression::parse(expr).unwrap_or_else(|err| panic!("{expr}: {err}"));
    e.search(Val::from_doc(&data)).unwrap_or_else(|err| panic!("{expr}: {err}")).to_document()
}

fn check(expr: &str, json: &str, expected: &str) {
    assert_eq!(search(expr, json), Document::from_json(expected).unwrap(), "{expr}");
}

#[test]
fn fields_indexes_and_slices() {
    let data = r#"{"a": {"b": {"c": 1}}, "l": [0, 1, 2, 3, 4], "Contents": [{"Key": "x"}, {"Key": "y"}]}"#;
    check("a.b.c", data, "1");
    check("a.missing.c", data, "null");
    check("\"a\".b", data, r#"{"c": 1}"#);
    check("l[0]", data, "0");
    check("l[-1]", data, "4");
    check("l[9]", data, "null");
    check("l[1:3]", data, "[1, 2]");
    check("l[::-2]", data, "[4, 2, 0]");
    check("l[-2:]", data, "[3, 4]");
    check("Contents[-1].Key", data, r#""y""#);
    check("NextMarker || Contents[-1].Key", data, r#""y""#);
    check("a.b.c || l", data, "1");
}

#[test]
fn projections_flatten_and_filters() {
    let data = r#"{"R": [{"I": [{"id": 1, "s": {"n": "on"}}, {"id": 2}]}, {"I": [{"id": 3, "s": {"n": "off"}}]}],
                   "m": {"x": {"v": 1}, "y": {"v": 2}, "z": {}}}"#;
    check("R[].I[].id", data, "[1, 2, 3]");
    check("R[*].I[*].id", data, "[[1, 2], [3]]");
    check("R[].I[].s.n", data, r#"["on", "off"]"#);
    check("m.*.v", data, "[1, 2]");
    check("R[].I[?s.n == 'on'].id", data, "[[1], []]");
    check("R[].I[] | [?id > `1`].id", data, "[2, 3]");
    check("length(R[].I[])", data, "3");
    check("R[0].I[0].[id, s.n]", data, r#"[1, "on"]"#);
    check("R[0].I[0].{a: id, b: s.n}", data, r#"{"a": 1, "b": "on"}"#);
    check("[R[0].I[0].id, m.x.v] | []", data, "[1, 1]");
    check("@.m.x", data, r#"{"v": 1}"#);
}

#[test]
fn comparators_and_logic() {
    let data = r#"{"status": "RUNNING", "n": 3, "items": [], "services": [{"deployments": [1], "runningCount": 2, "desiredCount": 2}]}"#;
    check("status != 'CANCELLING' && status != 'CANCELLED'", data, "true");
    check("status == 'RUNNING'", data, "true");
    check("!(n > `2`)", data, "false");
    check("n >= `3` && n <= `3`", data, "true");
    check("length(items) == `0`", data, "true");
    check("length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`", data, "true");
    check("status < 'Z'", data, "null");
    check("items || `\"default\"`", data, r#""default""#);
}

#[test]
fn functions() {
    let data = r#"{"p": [{"n": "b", "a": 30}, {"n": "a", "a": 50}, {"n": "c", "a": 40}], "s": "hello"}"#;
    check("max_by(p, &a).n", data, r#""a""#);
    check("min_by(p, &a).n", data, r#""b""#);
    check("sort_by(p, &n)[].n", data, r#"["a", "b", "c"]"#);
    check("contains(p[].n, 'c')", data, "true");
    check("contains(s, 'ell')", data, "true");
    check("length(s)", data, "5");
    check("sum(p[].a)", data, "120");
    check("avg(p[].a)", data, "40.0");
    check("join(',', sort(p[].n))", data, r#""a,b,c""#);
    check("keys(p[0])", data, r#"["n", "a"]"#);
    check("starts_with(s, 'he')", data, "true");
    check("not_null(x, s)", data, r#""hello""#);
    check("to_number('12')", data, "12");
    check("type(p)", data, r#""array""#);
    check("map(&a, p)", data, "[30, 50, 40]");
    check("reverse(s)", data, r#""olleh""#);
}

#[test]
fn errors_are_values() {
    for bad in ["", "a.", "a[", "[?a", "a ||", "foo(", "a[0:1:0]", "`\"x`", "'unterminated", "\"x\"(a)", "a b", "#"] {
        assert!(Expression::parse(bad).is_err(), "{bad:?} should not parse");
    }
    let deep = "(".repeat(1000) + "a" + &")".repeat(1000);
    assert!(Expression::parse(&deep).is_err());
    let data = Document::from_json(r#"{"a": 1}"#).unwrap();
    // Unknown functions and wrong argument counts are refused by the parser, so the generator
    // refuses them in models.
    for bad in ["nope(a)", "length(a, a)", "merge()", "contains(a)"] {
        let e = Expression::parse(bad).unwrap_err();
        assert!(e.message.contains("unknown function") || e.message.contains("takes"), "{bad}: {e}");
    }
    for bad in ["length(a)", "sort_by(a, a)", "max_by([`1`], &a)", "&a"] {
        let e = Expression::parse(bad).unwrap();
        assert!(e.search(Val::from_doc(&data)).is_err(), "{bad} should fail");
    }
}

#[test]
fn typed_values() {
    use crate::schema::{prim, Member, Schema};
    use crate::shape::{Shape, Value};

    static MEMBERS: [Member; 2] = [Member::new("Name", &prim::STRING), Member::new("Size", &prim::LONG)];
    static SCHEMA: Schema = Schema::structure("Obj", &MEMBERS);
    struct Obj(Option<String>, Option<i64>);
    impl Shape for Obj {
        fn schema(&self) -> &'static Schema {
            &SCHEMA
        }
        fn field(&self, i: usize) -> Option<&dyn Value> {
            match i {
                0 => Some(&self.0),
                1 => Some(&self.1),
                _ => None,
            }
        }
        fn field_mut(&mut self, _: usize) -> Option<&mut dyn Value> {
            None
        }
    }
    let obj = Obj(Some("k".into()), None);
    let e = Expression::parse("Name").unwrap();
    assert_eq!(e.search(Val::of(&obj)).unwrap().as_str(), Some("k"));
    let e = Expression::parse("Size || `7`").unwrap();
    assert_eq!(e.search(Val::of(&obj)).unwrap().as_f64(), Some(7.0));
    let e = Expression::parse("keys(@)").unwrap();
    assert_eq!(e.search(Val::of(&obj)).unwrap().to_document(), Document::from_json(r#"["Name"]"#).unwrap());
}

/// Every JMESPath expression in one service's paginator, waiter and resource models.
fn model_expressions(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).ok().map(|text| {
            (
                path.display().to_string(),
                Document::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            )
        })
    };
    let strings = |d: Option<&Document>| -> Vec<String> {
        match d {
            Some(Document::String(s)) => vec![s.clone()],
            Some(Document::Array(items)) => items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        }
    };
    if let Some((file, doc)) = read("paginators-1.json") {
        for (_, p) in doc.get("pagination").and_then(Document::as_object).into_iter().flatten() {
            for key in ["output_token", "result_key", "non_aggregate_keys", "more_results"] {
                out.extend(strings(p.get(key)).into_iter().map(|e| (file.clone(), e)));
            }
        }
    }
    if let Some((file, doc)) = read("waiters-2.json") {
        for (_, w) in doc.get("waiters").and_then(Document::as_object).into_iter().flatten() {
            for a in w.get("acceptors").and_then(Document::as_array).unwrap_or_default() {
                if matches!(a.get("matcher").and_then(Document::as_str), Some("path" | "pathAll" | "pathAny")) {
                    out.extend(strings(a.get("argument")).into_iter().map(|e| (file.clone(), e)));
                }
            }
        }
    }
    if let Some((file, doc)) = read("resources-1.json") {
        fn walk(d: &Document, file: &str, out: &mut Vec<(String, String)>) {
            match d {
                Document::Object(o) => {
                    for (k, v) in o {
                        match (k.as_str(), v) {
                            ("path", Document::String(s)) => out.push((file.to_owned(), s.clone())),
                            _ => walk(v, file, out),
                        }
                    }
                }
                Document::Array(items) => items.iter().for_each(|i| walk(i, file, out)),
                _ => {}
            }
        }
        walk(&doc, &file, &mut out);
    }
    out
}

fn parse_all(root: &std::path::Path) -> usize {
    let mut dirs: Vec<_> = std::fs::read_dir(root).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for (file, expr) in model_expressions(dir) {
            count += 1;
            if let Err(e) = Expression::parse(&expr) {
                failures.push(format!("{file}: {expr:?}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    count
}

/// `models/` holds the paginators and waiters of every botocore service (and the nine resource
/// models), so this covers every expression AWS ships: 8,624 with botocore 1.44.5.
#[test]
fn every_expression_in_the_repository_models_parses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let count = parse_all(&root);
    assert!(count > 8_000, "only {count} expressions: models/ lost the other services' paginators and waiters");
}

/// All 439 botocore services: `TUCUXI_ALL_MODELS=/tmp/allmodels cargo test -p tucuxi -- --ignored`.
#[test]
#[ignore]
fn every_expression_in_all_models_parses() {
    let root = std::env::var("TUCUXI_ALL_MODELS").expect("set TUCUXI_ALL_MODELS to a directory of service models");
    let count = parse_all(std::path::Path::new(&root));
    eprintln!("{count} expressions parsed");
}
