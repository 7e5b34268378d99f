//! One static `Operation` per operation: the HTTP binding and every trait the runtime needs.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{deprecated, docs, ident};
use super::types::namespace;
use crate::ir::*;

fn schema_ref(svc: &Service, id: Option<ShapeId>) -> TokenStream {
    match id {
        Some(id) => {
            let name = ident(&svc.shapes[id].static_name);
            quote!(&t::#name)
        }
        None => quote!(&rt::UNIT),
    }
}

/// The items of one operation.
pub fn operation_items(svc: &Service, op: &Operation) -> TokenStream {
    // The operation's text is on its builder; the static links there instead of repeating it
    // (a relative path, so a service emitted as a module of a larger crate resolves it too).
    let doc = docs(&format!(
        "The runtime's description of [`{0}`](super::super::client::{0}): HTTP binding, errors, auth.",
        super::client::builder_name(op)
    ));
    let dep = deprecated(&op.deprecated);
    let name = ident(&op.static_name);
    let wire = &op.wire_name;
    let method = &op.http_method;
    let uri = &op.uri;
    let input = schema_ref(svc, op.input);
    let output = schema_ref(svc, op.output);
    let mut e = quote!(rt::Operation::new(#wire, #method, #uri, #input, #output));
    if !op.errors.is_empty() {
        let errors = op.errors.iter().map(|&id| schema_ref(svc, Some(id)));
        e = quote!(#e.errors(&[#(#errors),*]));
    }
    if let Some(code) = op.response_code {
        e = quote!(#e.status(#code));
    }
    if let Some(prefix) = &op.host_prefix {
        e = quote!(#e.host_prefix(#prefix));
    }
    if !op.auth.is_empty() {
        let auth = &op.auth;
        e = quote!(#e.auth(&[#(#auth),*]));
    }
    if let Some(auth_type) = &op.auth_type {
        e = quote!(#e.auth_type(#auth_type));
    }
    let mut flags = Vec::new();
    for (on, flag) in [
        (op.unsigned_payload, "UNSIGNED_PAYLOAD"),
        (op.checksum_required, "CHECKSUM_REQUIRED"),
        (op.idempotent, "IDEMPOTENT"),
        (op.readonly, "READONLY"),
        (op.deprecated.is_some(), "OP_DEPRECATED"),
        (op.endpoint_discovery == Some(true), "ENDPOINT_DISCOVERY_REQUIRED"),
        (op.endpoint_discovery.is_some(), "ENDPOINT_DISCOVERY"),
        (op.endpoint_operation, "ENDPOINT_OPERATION"),
    ] {
        if on {
            flags.push(ident(flag));
        }
    }
    if !flags.is_empty() {
        e = quote!(#e.flags(#(rt::#flags)|*));
    }
    if let Some(c) = &op.checksum {
        let opt = |v: &Option<String>| match v {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        };
        let algorithm = opt(&c.request_algorithm_member);
        let required = c.request_checksum_required;
        let validation = opt(&c.request_validation_mode_member);
        let algorithms = &c.response_algorithms;
        e = quote!(#e.checksum(&rt::HttpChecksum {
            request_algorithm_member: #algorithm,
            request_checksum_required: #required,
            request_validation_mode_member: #validation,
            response_algorithms: &[#(#algorithms),*],
        }));
    }
    if !op.compression.is_empty() {
        let encodings = &op.compression;
        e = quote!(#e.compression(&[#(#encodings),*]));
    }
    if !op.static_context_params.is_empty() {
        let params = op.static_context_params.iter().map(|(name, value)| match value {
            ParamValue::Bool(b) => quote!((#name, rt::ParamValue::Bool(#b))),
            ParamValue::Str(s) => quote!((#name, rt::ParamValue::Str(#s))),
        });
        e = quote!(#e.static_params(&[#(#params),*]));
    }
    if !op.operation_context_params.is_empty() {
        let params = op.operation_context_params.iter().map(|(name, path)| quote!((#name, #path)));
        e = quote!(#e.op_params(&[#(#params),*]));
    }
    if let Some(name) = &op.input_location_name {
        let ns = match &op.input_xml_namespace {
            Some(ns) => {
                let ns = namespace(ns);
                quote!(Some(#ns))
            }
            None => quote!(None),
        };
        e = quote!(#e.input_xml(#name, #ns));
    }
    if let Some(wrapper) = &op.result_wrapper {
        e = quote!(#e.result_wrapper(#wrapper));
    }
    let paginator = op.paginator.as_ref().map(|p| paginator_static(op, p));
    let waiters = op.waiters.iter().map(waiter_static);
    quote! {
        #doc
        #dep
        pub static #name: rt::Operation = #e;
        #paginator
        #(#waiters)*
    }
}

/// A waiter of `waiters-2.json`, as data for the runtime's wait loop.
fn waiter_static(w: &Waiter) -> TokenStream {
    let static_name = ident(&w.static_name);
    let (name, delay, max_attempts) = (&w.name, w.delay, w.max_attempts);
    let expected = |e: &Expected| match e {
        Expected::Str(s) => quote!(rt::Expected::Str(#s)),
        Expected::Bool(b) => quote!(rt::Expected::Bool(#b)),
    };
    let acceptors = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote!(rt::AcceptorState::Success),
            AcceptorState::Failure => quote!(rt::AcceptorState::Failure),
            AcceptorState::Retry => quote!(rt::AcceptorState::Retry),
        };
        let matcher = match &a.matcher {
            Matcher::Path(p, e) => {
                let e = expected(e);
                quote!(rt::Matcher::Path(#p, #e))
            }
            Matcher::PathAll(p, e) => {
                let e = expected(e);
                quote!(rt::Matcher::PathAll(#p, #e))
            }
            Matcher::PathAny(p, e) => {
                let e = expected(e);
                quote!(rt::Matcher::PathAny(#p, #e))
            }
            Matcher::Status(s) => quote!(rt::Matcher::Status(#s)),
            Matcher::Error(code) => quote!(rt::Matcher::Error(#code)),
            Matcher::AnyError => quote!(rt::Matcher::AnyError),
            Matcher::NoError => quote!(rt::Matcher::NoError),
        };
        quote!(rt::Acceptor::new(#state, #matcher))
    });
    let states = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => "success",
            AcceptorState::Failure => "failure",
            AcceptorState::Retry => "retry",
        };
        let expected = |e: &Expected| match e {
            Expected::Str(s) => format!("`{s:?}`"),
            Expected::Bool(b) => format!("`{b}`"),
        };
        let when = match &a.matcher {
            Matcher::Path(p, e) => format!("`{p}` is {}", expected(e)),
            Matcher::PathAll(p, e) => format!("every element of `{p}` is {}", expected(e)),
            Matcher::PathAny(p, e) => format!("an element of `{p}` is {}", expected(e)),
            Matcher::Status(s) => format!("the HTTP status is {s}"),
            Matcher::Error(code) => format!("the error code is `{code}`"),
            Matcher::AnyError => "the call fails".to_owned(),
            Matcher::NoError => "the call succeeds".to_owned(),
        };
        format!("- {state} when {when}")
    });
    let doc = docs(&format!(
        "The `{name}` waiter (from `waiters-2.json`): every {delay} s, at most {max_attempts} times. The first \
         acceptor that matches an answer decides:\n\n{}",
        states.collect::<Vec<_>>().join("\n")
    ));
    quote! {
        #doc
        pub static #static_name: rt::WaiterSpec = rt::WaiterSpec::new(#name, #delay, #max_attempts, &[#(#acceptors),*]);
    }
}

/// The name of an operation's paginator static.
pub fn paginator_static_name(op: &Operation) -> String {
    format!("{}_PAGINATOR", op.static_name)
}

/// The paginator of an operation, as data for the runtime's page iterator.
fn paginator_static(op: &Operation, p: &Paginator) -> TokenStream {
    let name = ident(&paginator_static_name(op));
    let (input, output) = (&p.input_token, &p.output_token);
    let mut e = quote!(rt::PaginatorSpec::new(&[#(#input),*], &[#(#output),*]));
    if let Some(limit) = &p.limit_key {
        e = quote!(#e.limit_key(#limit));
    }
    if let Some(more) = &p.more_results {
        e = quote!(#e.more_results(#more));
    }
    if !p.result_key.is_empty() {
        let keys = &p.result_key;
        e = quote!(#e.result_key(&[#(#keys),*]));
    }
    if !p.non_aggregate_keys.is_empty() {
        let keys = &p.non_aggregate_keys;
        e = quote!(#e.non_aggregate_keys(&[#(#keys),*]));
    }
    let doc = docs(&format!("The paginator of `{}` (from `paginators-1.json`).", op.wire_name));
    quote! {
        #doc
        pub static #name: rt::PaginatorSpec = #e;
    }
}
