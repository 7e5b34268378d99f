//! Slicing: a crate with only some of a service's operations and the shapes they reach, for
//! users who want the smallest build (`cargo xtask generate --operations GetObject,PutObject`).
//!
//! It runs on the loaded, validated model, before lowering, so everything after it sees an
//! ordinary (smaller) model: the kept operations in model order; every shape reachable from
//! their inputs, outputs and errors; the paginators and waiters of kept operations. The
//! resource model is kept only when every operation it names is kept, since its classes,
//! actions, collections and references lean on each other (boto3's resources are all or
//! nothing too).

use std::collections::BTreeSet;

use crate::error::ModelError;
use crate::load::Loaded;
use crate::model::ShapeRef;

/// Keeps `operations` (model names, as `GetObject`) of `loaded` and what they need. Every name
/// must be an operation of the service.
pub fn slice(loaded: &mut Loaded, resources_json: Option<&str>, operations: &[String]) -> Result<(), Vec<ModelError>> {
    let unknown: Vec<ModelError> = operations
        .iter()
        .filter(|op| !loaded.model.operations.contains_key(op.as_str()))
        .map(|op| {
            ModelError {
                file: loaded.file("service-2.json"),
                pointer: "/operations".to_owned(),
                message: format!("--operations names {op:?}, which is not an operation of {}", loaded.service),
            }
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let keep: BTreeSet<&str> = operations.iter().map(String::as_str).collect();
    loaded.model.operations.retain(|name, _| keep.contains(name.as_str()));

    // Every shape the kept operations reach, following members, list members, map keys and values.
    let mut reached = BTreeSet::new();
    let mut todo: Vec<String> = Vec::new();
    for op in loaded.model.operations.values() {
        let refs = op.input.iter().chain(&op.output).chain(&op.errors);
        todo.extend(refs.map(|r: &ShapeRef| r.shape.clone()));
    }
    while let Some(name) = todo.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        let Some(shape) = loaded.model.shapes.get(&name) else { continue };
        let members = shape.members.iter().flat_map(|m| m.values());
        let inner = shape.member.iter().chain(&shape.key).chain(&shape.value);
        todo.extend(members.chain(inner).map(|r| r.shape.clone()).filter(|s| !reached.contains(s)));
    }
    loaded.model.shapes.retain(|name, _| reached.contains(name));

    loaded.paginators.pagination.retain(|op, _| keep.contains(op.as_str()));
    loaded.waiters.waiters.retain(|_, w| keep.contains(w.operation.as_str()));
    if let Some(json) = resources_json {
        let mut used = BTreeSet::new();
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(json) {
            operations_named(&doc, &mut used);
        }
        if used.iter().any(|op| !keep.contains(op.as_str())) {
            loaded.resources = None;
        }
    }
    Ok(())
}

/// Every `"operation"` value of a resource model (requests of actions, loads, collections and
/// batch actions).
fn operations_named(doc: &serde_json::Value, out: &mut BTreeSet<String>) {
    match doc {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("operation", serde_json::Value::String(op)) => {
                        out.insert(op.clone());
                    }
                    _ => operations_named(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| operations_named(v, out)),
        _ => {}
    }
}
