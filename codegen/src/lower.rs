//! Stage 3: lower a validated model to the IR: names decided once, references resolved,
//! recursion found, traits made explicit.

use std::collections::HashMap;

use crate::docs::html_to_markdown;
use crate::graph;
use crate::ir::*;
use crate::load::Loaded;
use crate::model::{self, ShapeDef, ShapeRef};
use crate::naming;
use crate::validate;

/// Lowers a model that [`crate::validate::validate`] accepted.
pub fn lower(loaded: &Loaded) -> Service {
    let model = &loaded.model;
    let ids: HashMap<&str, ShapeId> = model.shapes.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let defs: Vec<(&String, &ShapeDef)> = model.shapes.iter().collect();
    let id = |r: &ShapeRef| ids[r.shape.as_str()];

    // A resource's shape is emitted even when no operation names it: its attributes read it.
    let resource_shapes: Vec<&str> = loaded
        .resources
        .iter()
        .flat_map(|r| std::iter::once(&r.service).chain(r.resources.values()))
        .filter_map(|d| d.shape.as_deref())
        .collect();
    let used = used_shapes(model, &defs, &ids, &resource_shapes);
    let type_names = naming::dedup(&defs.iter().map(|(name, _)| naming::type_name(name)).collect::<Vec<_>>(), &[]);
    let static_names = naming::dedup(&defs.iter().map(|(name, _)| naming::static_name(name)).collect::<Vec<_>>(), &[]);

    // Edges that hold a value inline (structure and union members) decide boxing; edges through
    // lists and maps only decide the `recursive` mark, since a Vec or map already allocates.
    let mut inline_edges = vec![Vec::new(); defs.len()];
    let mut all_edges = vec![Vec::new(); defs.len()];
    for (i, (_, def)) in defs.iter().enumerate() {
        for r in def.members.iter().flat_map(|m| m.values()) {
            inline_edges[i].push(id(r));
        }
        all_edges[i].extend(references(def).map(id));
    }
    // A `payload` on an operation's input or output reference is the structure's own
    // (validation checked that the two never disagree).
    let mut payloads: HashMap<ShapeId, &str> = HashMap::new();
    for op in model.operations.values() {
        for r in op.input.iter().chain(op.output.iter()) {
            if let Some(payload) = &r.payload {
                payloads.insert(id(r), payload);
            }
        }
    }
    let inline_components = graph::components(&inline_edges);
    let recursive = graph::on_cycle(&all_edges, &graph::components(&all_edges));

    let mut shapes: Vec<Shape> = defs
        .iter()
        .enumerate()
        .map(|(i, (name, def))| Shape {
            wire_name: (*name).clone(),
            rust_name: type_names[i].clone(),
            static_name: static_names[i].clone(),
            kind: Kind::Prim(Prim::String),
            docs: def.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
            deprecated: deprecation(def.deprecated, &def.deprecated_message, &def.deprecated_since),
            sensitive: def.sensitive,
            recursive: recursive[i],
            used: used[i],
            xml_namespace: def.xml_namespace.as_ref().map(namespace),
            location_name: def.location_name.clone(),
            module: module_of(&type_names[i]),
        })
        .collect();

    // botocore merges a member's own `"streaming": true` into its target, so S3's `Body` (a plain
    // blob shape) is a stream where `PutObject` and `GetObject` use it. The same shape is a plain
    // blob elsewhere (`RecordsEvent.Payload`), so streaming members get a streaming copy of it.
    let mut streaming_copies: HashMap<ShapeId, ShapeId> = HashMap::new();
    for (_, def) in &defs {
        for r in def.members.iter().flat_map(|m| m.values()) {
            let target = id(r);
            let target_def = defs[target].1;
            if r.streaming && target_def.type_ == "blob" && !target_def.streaming {
                streaming_copies.entry(target).or_insert_with(|| {
                    let base = &shapes[target];
                    shapes.push(Shape {
                        wire_name: base.wire_name.clone(),
                        rust_name: base.rust_name.clone(),
                        static_name: base.static_name.clone(),
                        kind: Kind::Prim(Prim::StreamingBlob),
                        docs: base.docs.clone(),
                        deprecated: base.deprecated.clone(),
                        sensitive: base.sensitive,
                        recursive: false,
                        used: base.used,
                        xml_namespace: base.xml_namespace.clone(),
                        location_name: base.location_name.clone(),
                        module: base.module.clone(),
                    });
                    shapes.len() - 1
                });
            }
        }
    }

    for (i, (shape_name, def)) in defs.iter().enumerate() {
        let payload = def.payload.as_deref().or_else(|| payloads.get(&i).copied());
        let lower_member = |wire: &str, r: &ShapeRef, rust_name: String| {
            let target = id(r);
            let target_def = defs[target].1;
            let boxed = inline_components[target] == inline_components[i]
                && matches!(target_def.type_.as_str(), "structure")
                && !target_def.document;
            let target = match streaming_copies.get(&target) {
                Some(&copy) if r.streaming => copy,
                _ => target,
            };
            // botocore merges the reference's serialisation keys over the target's, so a shape
            // may say where its members go and how its timestamps are written. A body member's
            // name stays the reference's own: the codecs apply the target's `locationName` where
            // it counts.
            let place = location(validate::member_location(loaded, r));
            let location_name = match place {
                Location::Body => r.location_name.clone(),
                _ => validate::located_name(loaded, r).map(str::to_owned),
            };
            Member {
                wire_name: wire.to_owned(),
                rust_name,
                target,
                boxed,
                location: place,
                location_name,
                query_name: r.query_name.clone(),
                xml_namespace: r.xml_namespace.as_ref().map(namespace),
                timestamp_format: r
                    .timestamp_format
                    .as_deref()
                    .or(target_def.timestamp_format.as_deref())
                    .map(timestamp_format),
                context_param: r.context_param.as_ref().map(|c| c.name.clone()),
                min: validated_min(target_def),
                flags: MemberFlags {
                    // Each message of an event stream sets one member of the stream's shape, so
                    // none of its members can be required (Kinesis marks its event required).
                    required: !def.eventstream && def.required.iter().any(|n| n == wire),
                    flattened: r.flattened,
                    xml_attribute: r.xml_attribute,
                    json_value: r.json_value,
                    host_label: r.host_label,
                    idempotency_token: r.idempotency_token,
                    payload: payload == Some(wire),
                    event_stream: target_def.eventstream,
                    event_payload: r.event_payload,
                    event_header: r.event_header,
                    sensitive: target_def.sensitive,
                    requires_length: target_def.requires_length,
                    sparse: target_def.sparse,
                    // botocore's `json_decode_policies` runs after every IAM call on the
                    // strings of this shape, which IAM sends as `urlencode(json)`.
                    percent_encoded: loaded.service == "iam" && r.shape == "policyDocumentType",
                    // botocore's `handle_copy_source_param` runs before CopyObject and
                    // UploadPartCopy and URL-encodes their `CopySource`.
                    copy_source: loaded.service == "s3"
                        && wire == "CopySource"
                        && matches!(shape_name.as_str(), "CopyObjectRequest" | "UploadPartCopyRequest"),
                    // botocore's `fix_route53_ids` keeps the part after the last `/` of every
                    // input member whose shape is one of these, so ids Route 53 returns
                    // (`/hostedzone/Z1`) can be passed back as they are.
                    strip_id_prefix: loaded.service == "route53"
                        && matches!(r.shape.as_str(), "ResourceId" | "DelegationSetId" | "ChangeId"),
                    endpoint_discovery_id: r.endpoint_discovery_id,
                },
                docs: r.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
                deprecated: deprecation(r.deprecated, &r.deprecated_message, &r.deprecated_since),
            }
        };
        let kind = match def.type_.as_str() {
            "structure" if def.document => Kind::Prim(Prim::Document),
            "structure" => {
                let members = def.members.as_ref().map(|m| m.iter().collect::<Vec<_>>()).unwrap_or_default();
                if def.union {
                    let names = naming::dedup(
                        &members.iter().map(|(n, _)| naming::type_name(n)).collect::<Vec<_>>(),
                        &["Unknown"],
                    );
                    let members =
                        members.iter().zip(names).map(|((wire, r), rust)| lower_member(wire, r, rust)).collect();
                    Kind::Union { members, event_stream: def.eventstream }
                } else {
                    let names =
                        naming::dedup(&members.iter().map(|(n, _)| naming::field_name(n)).collect::<Vec<_>>(), &[]);
                    let streaming = members.iter().any(|(_, r)| {
                        let t = defs[id(r)].1;
                        (t.type_ == "blob" && (t.streaming || r.streaming)) || t.eventstream
                    });
                    let members: Vec<Member> =
                        members.iter().zip(names).map(|((wire, r), rust)| lower_member(wire, r, rust)).collect();
                    let error = (def.exception || def.error.is_some()).then(|| ErrorInfo {
                        code: def.error.as_ref().and_then(|e| e.code.clone()),
                        http_status: def.error.as_ref().and_then(|e| e.http_status_code).unwrap_or(0),
                        server_fault: def.fault || def.error.as_ref().and_then(|e| e.sender_fault) == Some(false),
                        retryable: def.retryable.as_ref().map(|r| r.throttling),
                    });
                    Kind::Structure(Structure { members, error, event: def.event, wrapper: def.wrapper, streaming })
                }
            }
            "list" => {
                let r = def.member.as_ref().expect("validated: lists have a member");
                Kind::List {
                    member: Box::new(lower_member("member", r, String::new())),
                    sparse: def.sparse,
                    flattened: def.flattened,
                }
            }
            "map" => {
                let key = def.key.as_ref().expect("validated: maps have a key");
                let value = def.value.as_ref().expect("validated: maps have a value");
                Kind::Map {
                    key: Box::new(lower_member("key", key, String::new())),
                    value: Box::new(lower_member("value", value, String::new())),
                    sparse: def.sparse,
                    flattened: def.flattened,
                }
            }
            "string" | "character" => match &def.enum_ {
                Some(values) => {
                    let variants = naming::dedup(
                        &values.iter().map(|v| naming::variant_name(v)).collect::<Vec<_>>(),
                        &["Unknown"],
                    );
                    // The same value listed twice would make two identical match arms.
                    let mut seen = std::collections::HashSet::new();
                    Kind::Enum(values.iter().cloned().zip(variants).filter(|(v, _)| seen.insert(v.clone())).collect())
                }
                None => Kind::Prim(Prim::String),
            },
            "boolean" => Kind::Prim(Prim::Boolean),
            "byte" => Kind::Prim(Prim::Byte),
            "short" => Kind::Prim(Prim::Short),
            "integer" => Kind::Prim(Prim::Integer),
            "long" => Kind::Prim(Prim::Long),
            "float" => Kind::Prim(Prim::Float),
            "double" => Kind::Prim(Prim::Double),
            "bigInteger" => Kind::Prim(Prim::BigInteger),
            "bigDecimal" => Kind::Prim(Prim::BigDecimal),
            "timestamp" => Kind::Prim(Prim::Timestamp),
            "blob" if def.streaming => Kind::Prim(Prim::StreamingBlob),
            "blob" => Kind::Prim(Prim::Blob),
            other => unreachable!("validated: unknown shape type {other}"),
        };
        shapes[i].kind = kind;
    }

    let op_statics =
        naming::dedup(&model.operations.keys().map(|k| naming::static_name(k)).collect::<Vec<_>>(), &["SERVICE"]);
    let operations = model
        .operations
        .iter()
        .zip(op_statics)
        .map(|((key, op), static_name)| {
            let mut lowered = lower_operation(key, op, static_name, &ids, &defs, loaded.service == "s3");
            lowered.paginator = loaded.paginators.pagination.get(key).map(|p| lower_paginator(p, &lowered, &shapes));
            lowered.waiters = loaded
                .waiters
                .waiters
                .iter()
                .filter(|(_, w)| &w.operation == key)
                .map(|(name, w)| lower_waiter(name, w))
                .collect();
            lowered
        })
        .collect();

    let meta = &model.metadata;
    let protocol = |name: &str| Protocol::from_model(name).expect("validated: known protocol");
    let mut service = Service {
        name: loaded.service.clone(),
        crate_name: naming::crate_name(&loaded.service),
        lib_name: naming::lib_name(&loaded.service),
        service_id: meta.service_id.clone(),
        full_name: meta.service_full_name.clone(),
        api_version: meta.api_version.clone(),
        endpoint_prefix: meta.endpoint_prefix.clone(),
        signing_name: meta.signing_name.clone().unwrap_or_else(|| meta.endpoint_prefix.clone()),
        protocol: protocol(resolved_protocol(meta)),
        protocols: meta.protocols.iter().map(|p| protocol(p)).collect(),
        json_version: meta.json_version.clone(),
        target_prefix: meta.target_prefix.clone(),
        xml_namespace: meta.xml_namespace.clone(),
        global_endpoint: meta.global_endpoint.clone(),
        signature_version: meta.signature_version.clone(),
        auth: meta.auth.clone(),
        aws_query_compatible: meta.aws_query_compatible.is_some(),
        docs: model.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
        endpoint_rules: loaded.endpoint_rules.as_ref().map(|rules| rules.to_string()),
        shapes,
        operations,
        resources: None,
    };
    service.resources = crate::resources::lower(loaded, &service);
    service
}

/// S3's URIs start with `/{Bucket}`, but the bucket's place (host or path) is the endpoint
/// rules' decision, so it is taken out of the template as botocore does at load time
/// (`remove_bucket_from_url_paths_from_model`): `/{Bucket}/{Key+}` becomes `/{Key+}`,
/// `/{Bucket}?acl` becomes `/?acl`.
fn strip_bucket(uri: &str) -> String {
    match uri.strip_prefix("/{Bucket}") {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        Some(rest) => format!("/{rest}"),
        None => uri.to_owned(),
    }
}

fn lower_operation(
    key: &str,
    op: &model::OperationDef,
    static_name: String,
    ids: &HashMap<&str, ShapeId>,
    defs: &[(&String, &ShapeDef)],
    s3: bool,
) -> Operation {
    let id = |r: &ShapeRef| ids[r.shape.as_str()];
    Operation {
        wire_name: key.to_owned(),
        method_name: naming::operation_method(key),
        module: module_of(&static_name),
        static_name,
        http_method: op.http.method.clone(),
        uri: if s3 { strip_bucket(&op.http.request_uri) } else { op.http.request_uri.clone() },
        response_code: op.http.response_code,
        input: op.input.as_ref().map(id),
        output: op.output.as_ref().map(id),
        errors: op.errors.iter().map(id).collect(),
        host_prefix: op.endpoint.as_ref().map(|e| e.host_prefix.clone()),
        auth: op.auth.clone(),
        auth_type: op.auth_type.clone(),
        unsigned_payload: op.unsigned_payload || op.auth_type.as_deref() == Some("v4-unsigned-body"),
        checksum_required: op.http_checksum_required,
        idempotent: op.idempotent,
        readonly: op.readonly,
        endpoint_discovery: op.endpoint_discovery.as_ref().map(|d| d.required),
        endpoint_operation: op.endpoint_operation,
        checksum: op.http_checksum.as_ref().map(|c| Checksum {
            request_algorithm_member: c.request_algorithm_member.clone(),
            request_checksum_required: c.request_checksum_required,
            request_validation_mode_member: c.request_validation_mode_member.clone(),
            response_algorithms: c.response_algorithms.clone(),
        }),
        compression: op.request_compression.as_ref().map(|c| c.encodings.clone()).unwrap_or_default(),
        static_context_params: op
            .static_context_params
            .iter()
            .map(|(name, p)| {
                let value = match &p.value {
                    serde_json::Value::Bool(b) => ParamValue::Bool(*b),
                    other => ParamValue::Str(other.as_str().unwrap_or_default().to_owned()),
                };
                (name.clone(), value)
            })
            .collect(),
        operation_context_params: op
            .operation_context_params
            .iter()
            .map(|(k, v)| (k.clone(), v.path.clone()))
            .collect(),
        input_location_name: op.input.as_ref().and_then(|r| r.location_name.clone()),
        input_xml_namespace: op.input.as_ref().and_then(|r| r.xml_namespace.as_ref()).map(namespace),
        // The output reference's wrapper, else the output shape's.
        result_wrapper: op
            .output
            .as_ref()
            .and_then(|r| r.result_wrapper.clone().or_else(|| defs[id(r)].1.result_wrapper.clone())),
        docs: op.documentation.as_deref().map(html_to_markdown).unwrap_or_default(),
        deprecated: deprecation(op.deprecated, &op.deprecated_message, &op.deprecated_since),
        paginator: None,
        waiters: Vec::new(),
    }
}

/// The protocol botocore speaks to the service (`ServiceModel.resolved_protocol`): of the
/// `protocols` the service lists, the first in botocore's order of preference, so a service that
/// lists `smithy-rpc-v2-cbor` before `json` (CloudWatch, CodeBuild and 39 others) is spoken to in
/// JSON, as boto3 does; the legacy `protocol` when there is no list.
fn resolved_protocol(meta: &model::Metadata) -> &str {
    const PREFERENCE: [&str; 6] = ["json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor", "query", "ec2"];
    PREFERENCE.into_iter().find(|p| meta.protocols.iter().any(|q| q == p)).unwrap_or(&meta.protocol)
}

fn lower_waiter(name: &str, w: &model::WaiterDef) -> Waiter {
    let acceptors = w
        .acceptors
        .iter()
        .map(|a| {
            let state = match a.state.as_str() {
                "success" => AcceptorState::Success,
                "failure" => AcceptorState::Failure,
                "retry" => AcceptorState::Retry,
                other => unreachable!("validated: unknown acceptor state {other}"),
            };
            let expected = || match &a.expected {
                serde_json::Value::Bool(b) => Expected::Bool(*b),
                serde_json::Value::String(s) => Expected::Str(s.clone()),
                other => unreachable!("validated: path matchers expect a string or a boolean, not {other}"),
            };
            let argument = || a.argument.clone().expect("validated: path matchers have an argument");
            let matcher = match (a.matcher.as_str(), &a.expected) {
                ("path", _) => Matcher::Path(argument(), expected()),
                ("pathAll", _) => Matcher::PathAll(argument(), expected()),
                ("pathAny", _) => Matcher::PathAny(argument(), expected()),
                ("status", status) => {
                    Matcher::Status(status.as_u64().and_then(|s| s.try_into().ok()).expect("validated: an HTTP status"))
                }
                ("error", serde_json::Value::Bool(true)) => Matcher::AnyError,
                ("error", serde_json::Value::Bool(false)) => Matcher::NoError,
                ("error", code) => Matcher::Error(code.as_str().expect("validated: an error code").to_owned()),
                (other, _) => unreachable!("validated: unknown matcher {other}"),
            };
            Acceptor { state, matcher }
        })
        .collect();
    Waiter {
        name: name.to_owned(),
        method_name: naming::waiter_method(name),
        static_name: format!("{}_WAITER", naming::static_name(name)),
        delay: w.delay,
        max_attempts: w.max_attempts,
        docs: w.description.as_deref().map(html_to_markdown).unwrap_or_default(),
        acceptors,
    }
}

fn lower_paginator(p: &model::PaginatorDef, op: &Operation, shapes: &[Shape]) -> Paginator {
    let result_key = p.result_key.as_ref().map(|k| k.to_vec()).unwrap_or_default();
    // The primary result key's element type, following member names from the output.
    let item = result_key.first().zip(op.output).and_then(|(key, output)| {
        let mut at = output;
        for name in key.split('.') {
            let Kind::Structure(s) = &shapes[at].kind else { return None };
            at = s.members.iter().find(|m| m.wire_name == name)?.target;
        }
        match &shapes[at].kind {
            Kind::List { member, sparse, .. } => Some((member.target, *sparse)),
            // A map or a scalar is yielded whole, once per page.
            _ => Some((at, false)),
        }
    });
    Paginator {
        input_token: p.input_token.to_vec(),
        output_token: p.output_token.to_vec(),
        limit_key: p.limit_key.clone(),
        more_results: p.more_results.clone(),
        result_key,
        non_aggregate_keys: p.non_aggregate_keys.clone().unwrap_or_default(),
        item,
    }
}

/// Marks the shapes reachable from operations, plus every exception (services answer with
/// exceptions that no operation lists).
fn used_shapes(
    model: &model::ServiceModel,
    defs: &[(&String, &ShapeDef)],
    ids: &HashMap<&str, ShapeId>,
    roots: &[&str],
) -> Vec<bool> {
    let mut used = vec![false; defs.len()];
    let mut queue: Vec<ShapeId> = roots.iter().map(|r| ids[r]).collect();
    for op in model.operations.values() {
        for r in op.input.iter().chain(op.output.iter()).chain(op.errors.iter()) {
            queue.push(ids[r.shape.as_str()]);
        }
    }
    queue.extend(defs.iter().enumerate().filter(|(_, (_, d))| d.exception || d.error.is_some()).map(|(i, _)| i));
    while let Some(i) = queue.pop() {
        if std::mem::replace(&mut used[i], true) {
            continue;
        }
        queue.extend(references(defs[i].1).map(|r| ids[r.shape.as_str()]));
    }
    used
}

/// The references a shape's type owns: a structure's members, a list's member, a map's key and
/// value. Validation lets botocore's stray `key` and `value` on a string shape through; they
/// are not followed.
fn references(def: &ShapeDef) -> impl Iterator<Item = &ShapeRef> {
    let (members, member, entry) = match def.type_.as_str() {
        "structure" => (def.members.as_ref(), None, [None, None]),
        "list" => (None, def.member.as_ref(), [None, None]),
        "map" => (None, None, [def.key.as_ref(), def.value.as_ref()]),
        _ => (None, None, [None, None]),
    };
    members.into_iter().flat_map(|m| m.values()).chain(member).chain(entry.into_iter().flatten())
}

/// The `types` (or `operations`) submodule an item goes to: its initial, so related names sit together and no
/// file grows past what a reader (and the 3,000-line rule) can take. Emit splits further.
fn module_of(rust_name: &str) -> String {
    rust_name
        .chars()
        .next()
        .map(|c| c.to_ascii_lowercase())
        .filter(char::is_ascii_alphabetic)
        .map(String::from)
        .unwrap_or_else(|| "other".into())
}

/// The `min` botocore's `ParamValidator` enforces on a value of `def`: string and list
/// lengths, number values. botocore never checks a blob's or a map's `min`, nor any `max`, so
/// neither is kept: nothing a service accepts may be refused before sending.
fn validated_min(def: &ShapeDef) -> Option<f64> {
    match def.type_.as_str() {
        "string" | "list" | "integer" | "long" | "float" | "double" => def.min,
        _ => None,
    }
}

fn deprecation(deprecated: bool, message: &Option<String>, since: &Option<String>) -> Option<Deprecation> {
    (deprecated || message.is_some()).then(|| Deprecation { message: message.clone(), since: since.clone() })
}

fn namespace(ns: &model::XmlNamespace) -> XmlNamespace {
    XmlNamespace { uri: ns.uri.clone(), prefix: ns.prefix.clone() }
}

fn location(location: Option<&str>) -> Location {
    match location {
        Some("uri") => Location::Uri,
        Some("querystring") => Location::Query,
        Some("header") => Location::Header,
        Some("headers") => Location::Headers,
        Some("statusCode") => Location::StatusCode,
        _ => Location::Body,
    }
}

fn timestamp_format(format: &str) -> TimestampFormat {
    match format {
        "rfc822" => TimestampFormat::Rfc822,
        "unixTimestamp" => TimestampFormat::UnixTimestamp,
        _ => TimestampFormat::Iso8601,
    }
}
