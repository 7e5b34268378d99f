//! boto3's `resources-1.json`: validation (stage 2) and lowering to [`ir::Resources`] (stage 3),
//! with boto3's naming rules (`boto3/resources/model.py`: the rename map that suffixes a name
//! already taken by an earlier member kind with `_<kind>`).

use std::collections::{HashMap, HashSet};

use crate::error::{Errors, ModelError};
use crate::ir::{self, ResName, ResParam, ResSource, ResTarget, ResourceClass, Service};
use crate::jmespath;
use crate::load::{Loaded, RESOURCES_FILE};
use crate::model::{ActionDef, ParamDef, ResourceDef, ResourceTarget, ResourcesFile, ShapeRef};
use crate::naming;

/// Loads boto3 adds by hand (`boto3/s3/inject.py`'s `bucket_load`): service, class, operation,
/// and the list and member to find the resource in by its first identifier. A resource found
/// nowhere gets empty data, as boto3's does.
const CUSTOM_LOADS: &[(&str, &str, &str, &str, &str)] = &[("s3", "Bucket", "ListBuckets", "Buckets", "Name")];

/// The name of the service resource class, as boto3 names it.
pub const SERVICE_RESOURCE: &str = "ServiceResource";

/// Methods every generated resource has besides the model's members; a model member whose Rust
/// name is one of these is suffixed so that both stay reachable.
pub const RESERVED_METHODS: &[&str] =
    &["client", "load", "reload", "data", "loaded", "data_blocking", "reload_blocking", "new", "from_client"];

const PARAM_SOURCES: &[&str] = &["identifier", "data", "string", "integer", "boolean"];
const ID_SOURCES: &[&str] =
    &["identifier", "data", "string", "integer", "boolean", "input", "requestParameter", "response"];

/// Stage 2 for `resources-1.json`: every reference (operations, shapes, classes, identifiers,
/// waiters) and every JMESPath path.
pub fn check(loaded: &Loaded) -> Vec<ModelError> {
    let Some(file) = &loaded.resources else { return Vec::new() };
    let path = loaded.file(RESOURCES_FILE);
    let mut errors = Errors::new(&path);
    let classes: Vec<(Vec<String>, &ResourceDef)> = std::iter::once((vec!["service".to_owned()], &file.service))
        .chain(file.resources.iter().map(|(name, def)| (vec!["resources".to_owned(), name.clone()], def)))
        .collect();
    for (at, def) in &classes {
        let own_ids: Vec<&str> = def.identifiers.iter().map(|i| i.name.as_str()).collect();
        if let Some(shape) = &def.shape {
            let ok = loaded.model.shapes.get(shape).is_some_and(|s| s.type_ == "structure");
            if !ok {
                errors.add(&join(at, &["shape"]), format!("{shape:?} is not a structure of the service model"));
            }
        }
        if let Some(load) = &def.load {
            let at = join(at, &["load"]);
            check_request(loaded, &load.request.operation, &load.request.params, &own_ids, &at, &mut errors);
            check_path(&load.path, &join(&at, &["path"]), &mut errors);
        }
        for (kind, entries) in
            [("actions", &def.actions), ("batchActions", &def.batch_actions), ("hasMany", &def.has_many)]
        {
            for (name, action) in entries {
                let at = join(at, &[kind, name]);
                let params = &action.request.params;
                check_request(
                    loaded,
                    &action.request.operation,
                    params,
                    &own_ids,
                    &join(&at, &["request"]),
                    &mut errors,
                );
                if kind == "hasMany" && action.resource.is_none() {
                    errors.add(&at, "a collection needs a resource");
                }
                if let Some(target) = &action.resource {
                    check_target(file, target, &own_ids, &join(&at, &["resource"]), &mut errors);
                }
            }
        }
        for (name, has) in &def.has {
            check_target(file, &has.resource, &own_ids, &join(at, &["has", name, "resource"]), &mut errors);
        }
        for (name, waiter) in &def.waiters {
            let at = join(at, &["waiters", name]);
            match loaded.waiters.waiters.get(&waiter.waiter_name) {
                Some(w) => {
                    let at = join(&at, &["params"]);
                    check_params(loaded, &w.operation, &waiter.params, &own_ids, &at, &mut errors);
                    check_waiter_targets(loaded, &w.operation, &waiter.params, &at, &mut errors);
                }
                None => errors.add(&join(&at, &["waiterName"]), format!("unknown waiter {:?}", waiter.waiter_name)),
            }
        }
    }
    errors.list
}

fn join(at: &[String], more: &[&str]) -> Vec<String> {
    at.iter().cloned().chain(more.iter().map(|s| (*s).to_owned())).collect()
}

fn check_path(path: &str, at: &[String], errors: &mut Errors<'_>) {
    if path != "$" {
        if let Err(e) = jmespath::check(path) {
            errors.add(at, format!("{path:?}: {e}"));
        }
    }
}

fn check_request(loaded: &Loaded, op: &str, params: &[ParamDef], ids: &[&str], at: &[String], errors: &mut Errors<'_>) {
    if !loaded.model.operations.contains_key(op) {
        errors.add(&join(at, &["operation"]), format!("unknown operation {op:?}"));
        return;
    }
    check_params(loaded, op, params, ids, &join(at, &["params"]), errors);
}

/// Request parameters: a known source with its key, and a target whose first step is a member
/// of the operation's input.
fn check_params(loaded: &Loaded, op: &str, params: &[ParamDef], ids: &[&str], at: &[String], errors: &mut Errors<'_>) {
    let input = loaded.model.operations.get(op).and_then(|o| o.input.as_ref()).map(|r: &ShapeRef| r.shape.as_str());
    let members = input.and_then(|i| loaded.model.shapes.get(i)).and_then(|s| s.members.as_ref());
    for (i, p) in params.iter().enumerate() {
        let at = join(at, &[&i.to_string()]);
        if !PARAM_SOURCES.contains(&p.source.as_str()) {
            errors.add(
                &join(&at, &["source"]),
                format!("unknown source {:?}, expected one of {}", p.source, PARAM_SOURCES.join(", ")),
            );
        }
        check_source(p, ids, &at, errors);
        let first = target_member(&p.target);
        if !members.is_some_and(|m| m.contains_key(first)) {
            errors.add(&join(&at, &["target"]), format!("{first:?} is not a member of the input of {op}"));
        }
    }
}

/// A resource waiter binds identifiers into its operation's input without a way to report a
/// failure (it returns the service waiter), so its parameters must be identifiers or strings
/// going into string members or lists of strings, where binding cannot fail.
fn check_waiter_targets(loaded: &Loaded, op: &str, params: &[ParamDef], at: &[String], errors: &mut Errors<'_>) {
    let shapes = &loaded.model.shapes;
    let input = loaded.model.operations.get(op).and_then(|o| o.input.as_ref()).and_then(|r| shapes.get(&r.shape));
    let members = input.and_then(|s| s.members.as_ref());
    for (i, p) in params.iter().enumerate() {
        let target = members.and_then(|m| m.get(target_member(&p.target))).and_then(|r| shapes.get(&r.shape));
        let stringy = match target {
            Some(t) if t.type_ == "string" => !p.target.contains('.') && !p.target.contains('['),
            Some(t) if t.type_ == "list" => {
                let item = t.member.as_ref().and_then(|m| shapes.get(&m.shape));
                item.is_some_and(|m| m.type_ == "string") && p.target.ends_with("[]") && !p.target.contains('.')
            }
            _ => false,
        };
        let source_ok = matches!(p.source.as_str(), "identifier" | "string");
        if !(stringy && source_ok) {
            errors.add(
                &join(at, &[&i.to_string(), "target"]),
                "a waiter parameter must bind an identifier or a string into a string member (or a list of strings)",
            );
        }
    }
}

/// The input member a parameter target starts with (`Delete.Objects[].Key` -> `Delete`).
fn target_member(target: &str) -> &str {
    let first = target.split('.').next().unwrap_or_default();
    first.split('[').next().unwrap_or_default()
}

fn check_source(p: &ParamDef, ids: &[&str], at: &[String], errors: &mut Errors<'_>) {
    match p.source.as_str() {
        "identifier" => match &p.name {
            Some(name) if ids.contains(&name.as_str()) => {}
            Some(name) => errors.add(&join(at, &["name"]), format!("{name:?} is not an identifier of this resource")),
            None => errors.add(at, "an identifier source needs a name"),
        },
        "data" | "requestParameter" | "response" => match &p.path {
            Some(path) => check_path(path, &join(at, &["path"]), errors),
            None => errors.add(at, format!("a {} source needs a path", p.source)),
        },
        "string" if !p.value.as_ref().is_some_and(|v| v.is_string()) => {
            errors.add(at, "a string source needs a string value")
        }
        "integer" if !p.value.as_ref().is_some_and(|v| v.is_i64()) => {
            errors.add(at, "an integer source needs an integer value")
        }
        "boolean" if !p.value.as_ref().is_some_and(|v| v.is_boolean()) => {
            errors.add(at, "a boolean source needs a boolean value")
        }
        _ => {}
    }
}

fn check_target(file: &ResourcesFile, target: &ResourceTarget, ids: &[&str], at: &[String], errors: &mut Errors<'_>) {
    let Some(class) = file.resources.get(&target.kind) else {
        errors.add(&join(at, &["type"]), format!("unknown resource type {:?}", target.kind));
        return;
    };
    for (i, p) in target.identifiers.iter().enumerate() {
        let at = join(at, &["identifiers", &i.to_string()]);
        if !ID_SOURCES.contains(&p.source.as_str()) {
            errors.add(
                &join(&at, &["source"]),
                format!("unknown source {:?}, expected one of {}", p.source, ID_SOURCES.join(", ")),
            );
        }
        check_source(p, ids, &at, errors);
        // Caller-supplied values go by position (boto3 ignores their target names, and the IAM
        // model misspells some); every other value must name an identifier.
        if p.source != "input" && !class.identifiers.iter().any(|id| id.name == p.target) {
            errors.add(&join(&at, &["target"]), format!("{:?} is not an identifier of {}", p.target, target.kind));
        }
    }
    if let Some(path) = &target.path {
        check_path(path, &join(at, &["path"]), errors);
    }
}

/// boto3's rename map: names in the order boto3 claims them; a taken name gets `_<kind>`.
struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn claim(&mut self, name: String, kind: &str) -> String {
        let name = if self.taken.contains(&name) { format!("{name}_{kind}") } else { name };
        self.taken.insert(name.clone());
        name
    }
}

/// Stage 3 for `resources-1.json` (validated).
pub fn lower(loaded: &Loaded, svc: &Service) -> Option<ir::Resources> {
    let file = loaded.resources.as_ref()?;
    let ops: HashMap<&str, usize> = svc.operations.iter().enumerate().map(|(i, o)| (o.wire_name.as_str(), i)).collect();
    let shape_ids: HashMap<&str, usize> =
        svc.shapes.iter().enumerate().rev().map(|(i, s)| (s.wire_name.as_str(), i)).collect();
    let class_names: Vec<&str> =
        std::iter::once(SERVICE_RESOURCE).chain(file.resources.keys().map(String::as_str)).collect();
    let defs: Vec<&ResourceDef> = std::iter::once(&file.service).chain(file.resources.values()).collect();
    let type_names =
        naming::dedup(&class_names.iter().map(|n| naming::type_name(n)).collect::<Vec<_>>(), &["Collection"]);
    let index = |name: &str| class_names.iter().position(|c| *c == name).unwrap_or(0);
    let id_index = |def: &ResourceDef, name: &str| def.identifiers.iter().position(|i| i.name == name).unwrap_or(0);

    let param =
        |def: &ResourceDef, p: &ParamDef| ResParam { target: p.target.clone(), source: source(def, p, &id_index) };
    // boto3 makes a sub-resource positionally (the values it can build, in model order, then
    // the caller's arguments) and every other resource by identifier name; a name the model
    // leaves without a value can only come from a caller, so a response that cannot supply it
    // makes no resource, as boto3 fails to make one.
    let target = |def: &ResourceDef, t: &ResourceTarget, positional: bool| {
        let target_def = defs[index(&t.kind)];
        let arg = |i: usize, j: usize| {
            let name = target_def.identifiers.get(j).map(|id| id.name.as_str()).unwrap_or("id");
            ResSource::Input(i, naming::field_name(&naming::operation_method(name)))
        };
        let identifiers: Vec<ResSource> = if positional {
            let built: Vec<ResSource> =
                t.identifiers.iter().filter(|p| p.source != "input").map(|p| source(def, p, &id_index)).collect();
            (0..target_def.identifiers.len())
                .map(|j| built.get(j).cloned().unwrap_or_else(|| arg(j - built.len(), j)))
                .collect()
        } else {
            let mut inputs = 0;
            target_def
                .identifiers
                .iter()
                .enumerate()
                .map(|(j, id)| match t.identifiers.iter().find(|p| p.target == id.name && p.source != "input") {
                    Some(p) => source(def, p, &id_index),
                    None => {
                        inputs += 1;
                        arg(inputs - 1, j)
                    }
                })
                .collect()
        };
        let plural = t.path.as_deref().is_some_and(|p| p.contains("[]"))
            || t.identifiers.iter().any(|p| p.path.as_deref().is_some_and(|p| p.contains("[]")));
        ResTarget { class: index(&t.kind), identifiers, path: t.path.clone(), plural }
    };
    let action = |def: &ResourceDef, name: String, a: &ActionDef| ir::ResAction {
        name: res_name(name),
        op: ops[a.request.operation.as_str()],
        params: a.request.params.iter().map(|p| param(def, p)).collect(),
        resource: a.resource.as_ref().map(|t| target(def, t, false)),
    };

    let mut classes = Vec::new();
    for (ci, def) in defs.iter().enumerate() {
        let mut names = Names { taken: HashSet::from(["meta".to_owned()]) };
        if def.load.is_some() {
            names.taken.insert("load".to_owned());
        }
        let identifiers: Vec<ResName> = def
            .identifiers
            .iter()
            .map(|i| res_name(names.claim(naming::operation_method(&i.name), "identifier")))
            .collect();
        let actions: Vec<ir::ResAction> = def
            .actions
            .iter()
            .map(|(n, a)| action(def, names.claim(naming::operation_method(n), "action"), a))
            .collect();
        let mut subresources = Vec::new();
        let mut references = Vec::new();
        for (n, has) in &has_entries(file, ci == 0, def) {
            let reads_data = has.identifiers.iter().any(|p| p.source == "data");
            if reads_data {
                let name = res_name(names.claim(naming::operation_method(n), "reference"));
                references.push(ir::ResHas { name, target: target(def, has, false) });
            } else {
                let name = names.claim(n.clone(), "subresource");
                let method = naming::field_name(&naming::operation_method(&name));
                subresources.push(ir::ResHas { name: ResName { boto3: name, method }, target: target(def, has, true) });
            }
        }
        let collections: Vec<ir::ResAction> = def
            .has_many
            .iter()
            .map(|(n, a)| action(def, names.claim(naming::operation_method(n), "collection"), a))
            .collect();
        let waiters: Vec<ir::ResWaiter> = def
            .waiters
            .iter()
            .map(|(n, w)| {
                let name = names.claim(naming::operation_method(&format!("WaitUntil{n}")), "waiter");
                let op = &loaded.waiters.waiters[&w.waiter_name].operation;
                ir::ResWaiter {
                    name: res_name(name),
                    waiter: w.waiter_name.clone(),
                    op: ops[op.as_str()],
                    params: w.params.iter().map(|p| param(def, p)).collect(),
                }
            })
            .collect();
        // Batch actions live on collections, not on the resource: boto3 names them apart.
        let batch_actions: Vec<ir::ResAction> =
            def.batch_actions.iter().map(|(n, a)| action(def, naming::operation_method(n), a)).collect();
        let shape = def.shape.as_deref().map(|s| shape_ids[s]);
        let mut attributes = Vec::new();
        if let Some(ir::Kind::Structure(st)) = shape.map(|s| &svc.shapes[s].kind) {
            let id_names: Vec<String> = def.identifiers.iter().map(|i| naming::operation_method(&i.name)).collect();
            for (mi, m) in st.members.iter().enumerate() {
                let snake = naming::operation_method(&m.wire_name);
                // boto3 claims every member's name (renaming on a clash) but leaves out the ones
                // spelled as an identifier.
                let claimed = names.claim(snake.clone(), "attribute");
                if id_names.contains(&snake) {
                    continue;
                }
                let identifier = def.identifiers.iter().position(|i| i.member_name.as_deref() == Some(&m.wire_name));
                attributes.push(ir::ResAttribute { name: res_name(claimed), member: mi, identifier });
            }
        }
        let custom = CUSTOM_LOADS
            .iter()
            .find(|c| c.0 == loaded.service && c.1 == class_names[ci] && def.load.is_none() && ops.contains_key(c.2));
        let load = match (def.load.as_ref(), custom) {
            (Some(l), _) => Some(ir::ResLoad {
                op: ops[l.request.operation.as_str()],
                params: l.request.params.iter().map(|p| param(def, p)).collect(),
                path: l.path.clone(),
                select: None,
            }),
            (None, Some(&(_, _, op, list, member))) => Some(ir::ResLoad {
                op: ops[op],
                params: Vec::new(),
                path: "@".to_owned(),
                select: Some((list.to_owned(), member.to_owned())),
            }),
            (None, None) => None,
        };
        let mut class = ResourceClass {
            name: class_names[ci].to_owned(),
            type_name: type_names[ci].clone(),
            static_name: naming::static_name(class_names[ci]),
            identifiers,
            identifier_models: def.identifiers.iter().map(|i| i.name.clone()).collect(),
            shape,
            load,
            attributes,
            actions,
            batch_actions,
            subresources,
            references,
            collections,
            waiters,
        };
        unique_methods(&mut class);
        classes.push(class);
    }
    Some(ir::Resources { classes })
}

/// A class's `has` entries. The service resource has, as in boto3's `_get_has_definition`, one
/// per resource class: its own entries naming the class, or else one whose identifiers all come
/// from the caller.
fn has_entries(file: &ResourcesFile, service: bool, def: &ResourceDef) -> Vec<(String, ResourceTarget)> {
    if !service {
        return def.has.iter().map(|(n, h)| (n.clone(), h.resource.clone())).collect();
    }
    // A dict in boto3: a later entry of the same name replaces an earlier one in its place.
    let mut out: indexmap::IndexMap<String, ResourceTarget> = indexmap::IndexMap::new();
    for (name, class) in &file.resources {
        let own: Vec<_> = def.has.iter().filter(|(_, h)| h.resource.kind == *name).collect();
        if own.is_empty() {
            let identifiers = class
                .identifiers
                .iter()
                .map(|i| ParamDef {
                    target: i.name.clone(),
                    source: "input".into(),
                    name: None,
                    path: None,
                    value: None,
                })
                .collect();
            out.insert(name.clone(), ResourceTarget { kind: name.clone(), identifiers, path: None });
        } else {
            out.extend(own.into_iter().map(|(n, h)| (n.clone(), h.resource.clone())));
        }
    }
    out.into_iter().collect()
}

fn res_name(boto3: String) -> ResName {
    let method = naming::field_name(&boto3);
    ResName { boto3, method }
}

fn source(def: &ResourceDef, p: &ParamDef, id_index: &dyn Fn(&ResourceDef, &str) -> usize) -> ResSource {
    let path = || p.path.clone().unwrap_or_default();
    match p.source.as_str() {
        "identifier" => ResSource::Identifier(id_index(def, p.name.as_deref().unwrap_or_default())),
        "data" => ResSource::Data(path()),
        "requestParameter" => ResSource::RequestParameter(path()),
        "response" => ResSource::Response(path()),
        "integer" => ResSource::Int(p.value.as_ref().and_then(|v| v.as_i64()).unwrap_or_default()),
        "boolean" => ResSource::Bool(p.value.as_ref().and_then(|v| v.as_bool()).unwrap_or_default()),
        _ => ResSource::Str(p.value.as_ref().and_then(|v| v.as_str()).unwrap_or_default().to_owned()),
    }
}

/// Rust methods of one resource struct are unique: boto3's names are (its rename map saw to
/// that), but snake-cased sub-resources and the runtime's own methods can still meet them.
fn unique_methods(class: &mut ResourceClass) {
    let mut all: Vec<&mut ResName> = Vec::new();
    all.extend(class.identifiers.iter_mut());
    all.extend(class.actions.iter_mut().map(|a| &mut a.name));
    all.extend(class.references.iter_mut().map(|a| &mut a.name));
    all.extend(class.subresources.iter_mut().map(|a| &mut a.name));
    all.extend(class.collections.iter_mut().map(|a| &mut a.name));
    all.extend(class.waiters.iter_mut().map(|a| &mut a.name));
    all.extend(class.attributes.iter_mut().map(|a| &mut a.name));
    let methods: Vec<String> = all.iter().map(|n| n.method.clone()).collect();
    for (name, method) in all.into_iter().zip(naming::dedup(&methods, RESERVED_METHODS)) {
        name.method = method;
    }
}
