//! Reading botocore's protocol test suites and turning each case into a service model.
//!
//! A suite file is a JSON array of suites; a suite is a small service model (`metadata`,
//! `shapes`) plus cases whose `given` is the one operation they exercise. Cases of one suite
//! reuse an operation name with different definitions, so every case gets a model of its own.

use std::path::Path;

use serde_json::{json, Map, Value};

/// The directories of suite files under `protocols`, in the order they are reported.
pub const DIRS: &[&str] = &["input", "output", "legacy/input", "legacy/output"];

/// Whether a case checks a request or a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

/// One test case, with the service model it runs against.
#[derive(Debug)]
pub struct Case {
    /// The suite file, relative to the `protocols` directory (`input/json.json`).
    pub file: String,
    /// Position of the suite in its file and of the case in its suite: how the harness finds the
    /// case's data again at run time.
    pub suite: usize,
    pub index: usize,
    /// The case's `id`; legacy cases have none and are named `suite:case` as botocore does.
    pub id: String,
    pub direction: Direction,
    /// The operation's name in the model (`given.name`).
    pub operation: String,
    /// The `service-2.json` of this case alone.
    pub model: Value,
    /// What the case checks: its own description, else its suite's.
    pub description: String,
    /// botocore skips this case (its `protocol-tests-ignore-list.json` names it or its suite).
    pub botocore_skips: bool,
}

impl Case {
    /// `file#id`: how reports and the known-failures list name the case.
    pub fn key(&self) -> String {
        format!("{}#{}", self.file, self.id)
    }

    /// A Rust module name unique over all cases (`legacy_input_rest_json_s3_c1`).
    pub fn module(&self) -> String {
        let slug: String = self
            .file
            .trim_end_matches(".json")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        format!("{slug}_s{}_c{}", self.suite, self.index)
    }
}

/// Reads every suite file under `dir` (the `protocols` directory) into cases.
pub fn read_all(dir: &Path) -> Result<Vec<Case>, String> {
    let ignore_path = dir.join("protocol-tests-ignore-list.json");
    let ignore = read_json(&ignore_path)?;
    let mut cases = Vec::new();
    for sub in DIRS {
        let entries = std::fs::read_dir(dir.join(sub)).map_err(|e| format!("{}: {e}", dir.join(sub).display()))?;
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let file = format!("{sub}/{name}");
            let suites = read_json(&dir.join(&file))?;
            cases.extend(cases_of(&file, &suites, &ignore)?);
        }
    }
    Ok(cases)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: invalid JSON: {e}", path.display()))
}

/// The cases of one suite file. Errors name the file, the suite and the case.
pub fn cases_of(file: &str, suites: &Value, ignore: &Value) -> Result<Vec<Case>, String> {
    let direction = if file.contains("input/") { Direction::Input } else { Direction::Output };
    let suites = suites.as_array().ok_or_else(|| format!("{file}: expected an array of suites"))?;
    // botocore's ignore list is keyed by the file's name without `.json`, legacy files included.
    let protocol_key = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".json");
    let mut out = Vec::new();
    for (s, suite) in suites.iter().enumerate() {
        let at = |what: &str| format!("{file}: suite {s}: {what}");
        let suite = suite.as_object().ok_or_else(|| at("expected an object"))?;
        let description = suite.get("description").and_then(Value::as_str).unwrap_or("");
        let metadata = suite.get("metadata").and_then(Value::as_object).ok_or_else(|| at("no `metadata` object"))?;
        let shapes = suite.get("shapes").and_then(Value::as_object).ok_or_else(|| at("no `shapes` object"))?;
        let cases = suite.get("cases").and_then(Value::as_array).ok_or_else(|| at("no `cases` array"))?;
        let protocol = metadata
            .get("protocol")
            .and_then(Value::as_str)
            .ok_or_else(|| at("`metadata.protocol` is not a string"))?
            .to_owned();
        for (c, case) in cases.iter().enumerate() {
            let id = match case.get("id") {
                Some(Value::String(id)) => id.clone(),
                None => format!("{s}:{c}"),
                Some(_) => return Err(format!("{file}: suite {s} case {c}: `id` is not a string")),
            };
            let at = |what: &str| format!("{file}#{id}: {what}");
            let given = case.get("given").and_then(Value::as_object).ok_or_else(|| at("no `given` object"))?;
            let operation =
                given.get("name").and_then(Value::as_str).ok_or_else(|| at("`given.name` is not a string"))?.to_owned();
            match direction {
                Direction::Input if !case.get("serialized").is_some_and(Value::is_object) => {
                    return Err(at("an input case needs a `serialized` object"))
                }
                Direction::Output if !case.get("response").is_some_and(Value::is_object) => {
                    return Err(at("an output case needs a `response` object"))
                }
                _ => {}
            }
            let model = service_model(metadata, shapes, given, &protocol, direction);
            let botocore_skips = ignored(ignore, protocol_key, direction, description, &id);
            let case_description = case.get("description").and_then(Value::as_str).unwrap_or(description).to_owned();
            out.push(Case {
                file: file.to_owned(),
                suite: s,
                index: c,
                id,
                direction,
                operation,
                model,
                description: case_description,
                botocore_skips,
            });
        }
    }
    Ok(out)
}

/// botocore's `_should_ignore_test`: the suite (by description) or the case (by id) is listed
/// for every protocol or for this one.
fn ignored(ignore: &Value, protocol: &str, direction: Direction, suite: &str, id: &str) -> bool {
    let kind = match direction {
        Direction::Input => "input",
        Direction::Output => "output",
    };
    let listed = |section: &Value| {
        let names = |key: &str| section.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        names("suites").iter().any(|s| s.as_str() == Some(suite))
            || names("cases").iter().any(|c| c.as_str() == Some(id))
    };
    listed(&ignore["general"][kind]) || listed(&ignore["protocols"][protocol][kind])
}

/// The `service-2.json` of one case: the suite's metadata completed with neutral values where
/// our loader requires a field the suites leave out, the suite's shapes, and the case's
/// operation.
fn service_model(
    metadata: &Map<String, Value>,
    shapes: &Map<String, Value>,
    given: &Map<String, Value>,
    protocol: &str,
    direction: Direction,
) -> Value {
    let mut metadata = metadata.clone();
    for (key, value) in [
        ("apiVersion", "2020-01-01"),
        ("endpointPrefix", "conformance"),
        ("serviceFullName", "Protocol Conformance"),
        ("serviceId", "Protocol Conformance"),
        ("signatureVersion", "v4"),
    ] {
        metadata.entry(key).or_insert_with(|| json!(value));
    }
    let mut operation = given.clone();
    // botocore serialises an operation without `http` as `POST /`.
    let http = operation.entry("http").or_insert_with(|| json!({}));
    if let Some(http) = http.as_object_mut() {
        http.entry("method").or_insert_with(|| json!("POST"));
        http.entry("requestUri").or_insert_with(|| json!("/"));
    }
    // botocore's test runner reads query responses with the `<Operation>Result` wrapper when the
    // output has members, and the expected results assume it.
    if protocol == "query" && direction == Direction::Output {
        let name = operation.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        if let Some(output) = operation.get_mut("output").and_then(Value::as_object_mut) {
            let has_members = output
                .get("shape")
                .and_then(Value::as_str)
                .and_then(|shape| shapes.get(shape))
                .and_then(|shape| shape.get("members"))
                .and_then(Value::as_object)
                .is_some_and(|members| !members.is_empty());
            if has_members {
                output.entry("resultWrapper").or_insert_with(|| json!(format!("{name}Result")));
            }
        }
    }
    let name = operation.get("name").cloned().unwrap_or_default();
    let mut operations = Map::new();
    operations.insert(name.as_str().unwrap_or_default().to_owned(), Value::Object(operation));
    json!({
        "version": "2.0",
        "metadata": metadata,
        "operations": operations,
        "shapes": shapes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suites() -> Value {
        json!([{
            "description": "Skipped suite",
            "metadata": {"protocol": "query", "apiVersion": "2014-01-01"},
            "shapes": {"Out": {"type": "structure", "members": {"A": {"shape": "S"}}}, "S": {"type": "string"}},
            "cases": [
                {"given": {"name": "Op", "output": {"shape": "Out"}}, "response": {"status_code": 200}, "result": {}},
                {"id": "Named", "given": {"name": "Op"}, "response": {"status_code": 200}, "result": {}}
            ]
        }])
    }

    #[test]
    fn cases_get_ids_models_and_the_ignore_list() {
        let ignore = json!({"general": {"output": {"suites": ["Skipped suite"]}}});
        let cases = cases_of("legacy/output/query.json", &suites(), &ignore).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].key(), "legacy/output/query.json#0:0");
        assert_eq!(cases[1].key(), "legacy/output/query.json#Named");
        assert_eq!(cases[0].module(), "legacy_output_query_s0_c0");
        assert!(cases[0].botocore_skips);
        let model = &cases[0].model;
        assert_eq!(model["metadata"]["apiVersion"], "2014-01-01");
        assert_eq!(model["metadata"]["signatureVersion"], "v4");
        assert_eq!(model["operations"]["Op"]["http"], json!({"method": "POST", "requestUri": "/"}));
        assert_eq!(model["operations"]["Op"]["output"]["resultWrapper"], "OpResult");
    }

    #[test]
    fn malformed_cases_are_named() {
        let suites = json!([{"metadata": {"protocol": "json"}, "shapes": {}, "cases": [{"id": "X"}]}]);
        let err = cases_of("input/json.json", &suites, &json!({})).unwrap_err();
        assert_eq!(err, "input/json.json#X: no `given` object");
        let err = cases_of("input/json.json", &json!({}), &json!({})).unwrap_err();
        assert_eq!(err, "input/json.json: expected an array of suites");
    }
}
