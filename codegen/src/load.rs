//! Stage 1: parse the model files into [`crate::model`] types.

use serde::de::DeserializeOwned;

use crate::error::ModelError;
use crate::model::{PaginatorsFile, ResourcesFile, ServiceModel, WaitersFile};

/// The text of one service's model files, as the driver read them.
///
/// `dir` is the directory as the user should see it in messages (`models/s3`).
#[derive(Clone, Debug, Default)]
pub struct ModelFiles {
    /// botocore's service name (the directory name: `s3`, `sso-oidc`).
    pub service: String,
    pub dir: String,
    pub service_json: String,
    /// `service-2.sdk-extras.json`: botocore deep-merges its `merge` object into the model.
    pub service_extras_json: Option<String>,
    pub paginators_json: Option<String>,
    /// `paginators-1.sdk-extras.json`, merged the same way.
    pub paginators_extras_json: Option<String>,
    pub waiters_json: Option<String>,
    pub endpoint_rules_json: Option<String>,
    pub resources_json: Option<String>,
}

/// The parsed model files of one service.
#[derive(Debug)]
pub struct Loaded {
    pub service: String,
    pub dir: String,
    pub model: ServiceModel,
    pub paginators: PaginatorsFile,
    pub waiters: WaitersFile,
    pub endpoint_rules: Option<serde_json::Value>,
    pub resources: Option<ResourcesFile>,
}

impl Loaded {
    /// The display path of one of the service's files.
    pub fn file(&self, name: &str) -> String {
        format!("{}/{}", self.dir, name)
    }
}

pub const SERVICE_FILE: &str = "service-2.json";
pub const PAGINATORS_FILE: &str = "paginators-1.json";
pub const WAITERS_FILE: &str = "waiters-2.json";
pub const ENDPOINT_RULES_FILE: &str = "endpoint-rule-set-1.json";
pub const RESOURCES_FILE: &str = "resources-1.json";
pub const SERVICE_EXTRAS_FILE: &str = "service-2.sdk-extras.json";
pub const PAGINATORS_EXTRAS_FILE: &str = "paginators-1.sdk-extras.json";

/// Parses a file that botocore may extend with an `sdk-extras` file, applying the extension
/// exactly as botocore's loader does (see [`deep_merge`]).
fn parse_merged<T: DeserializeOwned>(
    file: &str,
    text: &str,
    extras: Option<(String, &str)>,
    errors: &mut Vec<ModelError>,
) -> Option<T> {
    let Some((extras_file, extras_text)) = extras else {
        return parse::<T>(file, text, errors);
    };
    let mut base = parse::<serde_json::Value>(file, text, errors)?;
    let extras = parse::<serde_json::Value>(&extras_file, extras_text, errors)?;
    match extras.get("merge") {
        Some(merge) => deep_merge(&mut base, merge),
        None => {
            errors.push(ModelError {
                file: extras_file,
                pointer: String::new(),
                message: "expected an object with a \"merge\" key".into(),
            });
            return None;
        }
    }
    // The merged value has no text positions; pointers still locate every problem.
    let result = serde_path_to_error::deserialize::<_, T>(base);
    match result {
        Ok(value) => Some(value),
        Err(err) => {
            errors.push(path_error(file, &err, err.inner().to_string()));
            None
        }
    }
}

/// botocore's `deep_merge`: objects merge key by key, recursively; anything else replaces.
pub fn deep_merge(base: &mut serde_json::Value, extra: &serde_json::Value) {
    match (base, extra) {
        (serde_json::Value::Object(base), serde_json::Value::Object(extra)) => {
            for (key, value) in extra {
                match base.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => deep_merge(existing, value),
                    _ => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, extra) => *base = extra.clone(),
    }
}

/// A [`ModelError`] at the path serde_path_to_error tracked.
fn path_error<E>(file: &str, err: &serde_path_to_error::Error<E>, message: String) -> ModelError {
    let segments: Vec<String> = err
        .path()
        .iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect();
    ModelError { file: file.to_owned(), pointer: crate::error::pointer(&segments), message }
}

/// Parses every file; errors name the file and the JSON pointer of the bad value.
pub fn load(files: &ModelFiles) -> Result<Loaded, Vec<ModelError>> {
    let mut errors = Vec::new();
    let path = |name: &str| format!("{}/{}", files.dir, name);
    let model = parse_merged::<ServiceModel>(
        &path(SERVICE_FILE),
        &files.service_json,
        files.service_extras_json.as_deref().map(|t| (path(SERVICE_EXTRAS_FILE), t)),
        &mut errors,
    );
    let paginators = match &files.paginators_json {
        Some(text) => parse_merged::<PaginatorsFile>(
            &path(PAGINATORS_FILE),
            text,
            files.paginators_extras_json.as_deref().map(|t| (path(PAGINATORS_EXTRAS_FILE), t)),
            &mut errors,
        ),
        None => Some(PaginatorsFile::default()),
    };
    let waiters = match &files.waiters_json {
        Some(text) => parse::<WaitersFile>(&path(WAITERS_FILE), text, &mut errors),
        None => Some(WaitersFile::default()),
    };
    let endpoint_rules = match &files.endpoint_rules_json {
        Some(text) => parse::<serde_json::Value>(&path(ENDPOINT_RULES_FILE), text, &mut errors),
        None => None,
    };
    let resources = match &files.resources_json {
        Some(text) => parse::<ResourcesFile>(&path(RESOURCES_FILE), text, &mut errors),
        None => None,
    };
    match (model, paginators, waiters) {
        (Some(model), Some(paginators), Some(waiters)) if errors.is_empty() => Ok(Loaded {
            service: files.service.clone(),
            dir: files.dir.clone(),
            model,
            paginators,
            waiters,
            endpoint_rules,
            resources,
        }),
        _ => Err(errors),
    }
}

/// Parses one file, turning serde's error into a [`ModelError`] with a JSON pointer.
fn parse<T: DeserializeOwned>(file: &str, text: &str, errors: &mut Vec<ModelError>) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = serde_path_to_error::deserialize::<_, T>(&mut de);
    match result {
        Ok(value) => match de.end() {
            Ok(()) => Some(value),
            // Trailing garbage after the top-level value is a broken file too.
            Err(e) => {
                errors.push(ModelError {
                    file: file.to_owned(),
                    pointer: String::new(),
                    message: format!("invalid JSON: {e}"),
                });
                None
            }
        },
        Err(err) => {
            let inner = err.inner();
            let message = if inner.is_syntax() || inner.is_eof() {
                format!("invalid JSON: {inner}")
            } else {
                // serde's message ends with its own "at line L column C"; keep it, it helps.
                inner.to_string()
            };
            errors.push(path_error(file, &err, message));
            None
        }
    }
}
