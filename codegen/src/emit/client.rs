//! The client: one method per operation, named as boto3 names it, returning a builder with one
//! setter per input member; and one error enum per operation that has modeled errors.
//!
//! Builders wrap the runtime's generic `Call`, whose `send`, `send_blocking` and `presign` are
//! the same code for every operation; every generated method is `#[inline]` and tiny, so an app
//! only compiles the ones it calls.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{deprecated, docs, ident};
use super::types::{member_value_type, value_type_in};
use crate::ir::*;
use crate::naming;

/// Builder methods a setter must not shadow; a member with one of these names (or a waiter's
/// `wait_until_` prefix) gets `set_` (`naming::builder_setters`).
const BUILDER_METHODS: &[&str] =
    &["send", "send_blocking", "presign", "presign_blocking", "into_call", "call", "into_paginator"];

/// The builder (and error enum) type name of an operation.
pub fn builder_name(op: &Operation) -> String {
    naming::type_name(&op.wire_name)
}

/// The first paragraph of a Markdown text, for short docs.
fn first_paragraph(markdown: &str) -> String {
    markdown.split("\n\n").next().unwrap_or_default().to_owned()
}

/// The error enum type of an operation: generated when it has modeled errors.
fn errors_type(op: &Operation) -> TokenStream {
    errors_type_in(op, &quote!(e::))
}

/// [`errors_type`] with the errors module at `path`.
pub fn errors_type_in(op: &Operation, path: &TokenStream) -> TokenStream {
    if op.errors.is_empty() {
        quote!(rt::NoErrors)
    } else {
        let name = ident(&format!("{}Error", builder_name(op)));
        quote!(#path #name)
    }
}

fn io_type(svc: &Service, id: Option<ShapeId>) -> TokenStream {
    io_type_in(svc, id, &quote!(t::))
}

/// The input or output type of an operation, with the types module at `path`.
pub fn io_type_in(svc: &Service, id: Option<ShapeId>, path: &TokenStream) -> TokenStream {
    match id {
        Some(id) => value_type_in(svc, id, path),
        None => quote!(rt::Unit),
    }
}

/// How many operations share one `impl Client` block. rustc checks every pair of inherent impl
/// blocks of a type for overlap, so one block per operation (600 for ec2) costs seconds;
/// a block per batch keeps the pairs few while files still split at the line limit.
pub const OPERATIONS_PER_BLOCK: usize = 16;

/// The items of a batch of operations in the `client` module: their `Client` methods in one
/// `impl` block, and their builders.
pub fn client_items(svc: &Service, ops: &[&Operation]) -> TokenStream {
    let methods = ops.iter().map(|op| client_method(op));
    let builders = ops.iter().map(|op| builder(svc, op));
    quote! {
        impl super::Client {
            #(#methods)*
        }
        #(#builders)*
    }
}

fn client_method(op: &Operation) -> TokenStream {
    let builder = ident(&builder_name(op));
    let method = ident(&op.method_name);
    // A deprecated operation's method is itself deprecated.
    let dep = deprecated(&op.deprecated);
    // The summary, for the method list of `Client`'s page, and a link to the builder, whose page
    // has the whole text. The link ends a one-line summary rather than adding a paragraph; a
    // longer one (a list, a code block) keeps it apart, where it cannot end up inside them.
    let summary = first_paragraph(&op.docs);
    let link = format!("Returns [`{}`]: set the input, then `send().await` (or `send_blocking()`).", builder_name(op));
    let method_docs = docs(&match summary.as_str() {
        "" => link,
        s if s.contains('\n') => format!("{summary}\n\n{link}"),
        _ => format!("{summary} {link}"),
    });
    quote! {
        #method_docs
        #dep
        #[inline]
        pub fn #method(&self) -> #builder {
            rt::builder(&self.handle)
        }
    }
}

/// The builder of one operation. Its methods return the runtime's futures directly (no `async fn`
/// here), so no operation adds a state machine of its own for the compiler to check.
fn builder(svc: &Service, op: &Operation) -> TokenStream {
    let builder = ident(&builder_name(op));
    let input = io_type(svc, op.input);
    let output = io_type(svc, op.output);
    let errors = errors_type(op);
    let builder_docs = docs(&if op.docs.is_empty() {
        format!("The `{}` operation.", op.wire_name)
    } else {
        format!("The `{}` operation.\n\n{}", op.wire_name, op.docs)
    });
    let setters = op.input.map(|id| setters(svc, op, id)).unwrap_or_default();
    let paginator = op.paginator.as_ref().map(|p| {
        let item = match p.item {
            Some((id, false)) => value_type_in(svc, id, &quote!(t::)),
            Some((id, true)) => {
                let item = value_type_in(svc, id, &quote!(t::));
                quote!(Option<#item>)
            }
            None => quote!(rt::Unit),
        };
        let spec = ident(&super::operations::paginator_static_name(op));
        quote! {
            /// Pages through the results as boto3's paginator does: `pages()`, `items()` or
            /// `build_full_result()`, with `max_items`, `page_size` and `starting_token`.
            #[inline]
            pub fn into_paginator(self) -> rt::Paginator<#input, #output, #errors, #item> {
                rt::Paginator::new(self.0, &op::#spec)
            }
        }
    });
    let waiters = op.waiters.iter().map(|w| {
        let method = ident(&w.method_name);
        let spec = ident(&w.static_name);
        let summary = first_paragraph(&w.docs);
        let doc = docs(&format!(
            "{summary}{}Calls `{}` until the `{}` waiter's acceptors decide (boto3's `get_waiter(\"{}\")`): every \
             {} s, at most {} times, both changeable on the returned waiter. Then `wait().await` or `wait_blocking()`. \
             The acceptors are listed on [`{static_name}`](crate::operations::{static_name}).",
            if summary.is_empty() { "" } else { "\n\n" },
            op.wire_name,
            w.name,
            naming::waiter_name(&w.name),
            w.delay,
            w.max_attempts,
            static_name = w.static_name,
        ));
        quote! {
            #doc
            #[inline]
            pub fn #method(self) -> rt::Waiter<#input, #output, #errors> {
                rt::Waiter::new(self.0, &op::#spec)
            }
        }
    });
    let op_static = ident(&op.static_name);
    // The operation as a type (`Stubber::add_response::<GetObject>`) and the methods every
    // builder shares (`send`, `presign`, ...): one macro line per operation, which also names the
    // types of the call the builder wraps (`rt::CallOf<Self>`). A deprecated
    // operation's static may be named here too.
    let allow = if op.deprecated.is_some() { quote!(#[allow(deprecated)]) } else { quote!() };
    // Setters, paginator and waiters; an operation with none of them gets no `impl` block.
    let mut methods = quote!(#setters #paginator #(#waiters)*);
    if !methods.is_empty() {
        methods = quote!(impl #builder { #methods });
    }
    quote! {
        #builder_docs
        pub struct #builder(pub(crate) rt::CallOf<Self>);

        rt::operation_type!(#allow #builder, #input, #output, #errors, op::#op_static);

        #methods
    }
}

/// One setter per member of the input structure, and for list and map members a single-entry
/// setter (`push_tags(tag)`, `insert_item(key, value)`); names from `naming::builder_setters`.
/// Each is one `rt::setter!` line, which writes the function and its docs.
fn setters(svc: &Service, op: &Operation, input: ShapeId) -> TokenStream {
    let Kind::Structure(s) = &svc.shapes[input].kind else { return quote!() };
    let kinds: Vec<(&str, naming::SetterKind)> = s
        .members
        .iter()
        .map(|m| {
            let kind = match (collection_param(svc, m), &svc.shapes[m.target].kind) {
                (true, Kind::List { .. }) => naming::SetterKind::List,
                (true, Kind::Map { .. }) => naming::SetterKind::Map,
                _ => naming::SetterKind::Plain,
            };
            (m.rust_name.as_str(), kind)
        })
        .collect();
    let mut reserved: Vec<&str> = BUILDER_METHODS.to_vec();
    reserved.extend(op.waiters.iter().map(|w| w.method_name.as_str()));
    let names = naming::builder_setters(&kinds, &reserved);
    let input = ident(&svc.shapes[input].rust_name);
    let entries = s.members.iter().zip(names).map(|(m, names)| {
        let name = ident(&names.set);
        // The field is named only where the setter's name differs from it (`set_send`).
        let field = (names.set != m.rust_name).then(|| {
            let field = ident(&m.rust_name);
            quote!(as #field)
        });
        let target = &svc.shapes[m.target];
        // Deprecated members can still be set; the attribute warns the caller, not this code.
        let attrs = match &m.deprecated {
            Some(_) => {
                let dep = deprecated(&m.deprecated);
                quote!(#dep #[allow(deprecated)])
            }
            None => quote!(),
        };
        let single = names.single.as_deref().map(ident);
        // List and map members take any iterable and add to what the builder holds (the
        // runtime's `Items` / `Entries`), so a `HashMap`, an array or one `[entry]` all fit.
        let (kind, types) = match &target.kind {
            Kind::List { member, sparse, .. } if collection_param(svc, m) => {
                let item = element_type(svc, member, *sparse);
                (quote!(items), quote!(#item))
            }
            Kind::Map { key, value, sparse, .. } if collection_param(svc, m) => {
                let k = element_type(svc, key, false);
                let v = element_type(svc, value, *sparse);
                (quote!(entries), quote!(#k, #v))
            }
            Kind::Prim(Prim::String | Prim::BigInteger | Prim::BigDecimal) => (into(m), quote!(String)),
            Kind::Prim(Prim::Blob) => (into(m), quote!(rt::Blob)),
            Kind::Prim(Prim::StreamingBlob) => (into(m), quote!(rt::ByteStream)),
            Kind::Enum(_) => (into(m), member_value_type(svc, m, &quote!(t::))),
            _ => {
                let t = member_value_type(svc, m, &quote!(t::));
                let kind = if m.boxed {
                    quote!(val_box)
                } else if m.flags.required {
                    quote!(val_req)
                } else {
                    quote!(val_opt)
                };
                (kind, t)
            }
        };
        quote!(rt::setter!(#attrs #kind #input #name #field (#types) #single);)
    });
    quote!(#(#entries)*)
}

/// The `setter!` kind of a member whose setter takes `impl Into<T>`.
fn into(m: &Member) -> TokenStream {
    // A boxed member is recursive, so an aggregate: never a string, blob or enum.
    if m.flags.required {
        quote!(into_req)
    } else {
        quote!(into_opt)
    }
}

/// Whether a list or map member's setter takes `impl rt::Items<T>` / `impl rt::Entries<K, V>`:
/// not for boxed (recursive) ones, which keep their plain setter, nor event streams.
fn collection_param(svc: &Service, m: &Member) -> bool {
    !m.boxed && !m.flags.event_stream && matches!(&svc.shapes[m.target].kind, Kind::List { .. } | Kind::Map { .. })
}

/// A list's or map's element type (`Option<T>` when the collection is sparse).
fn element_type(svc: &Service, e: &Member, sparse: bool) -> TokenStream {
    let t = value_type_in(svc, e.target, &quote!(t::));
    if sparse {
        quote!(Option<#t>)
    } else {
        t
    }
}

/// The error enum of one operation with modeled errors.
pub fn error_items(svc: &Service, op: &Operation) -> TokenStream {
    let name = format!("{}Error", builder_name(op));
    let doc = format!(
        "The modeled errors of [`{0}`](crate::client::{0}): match on `error.modeled::<{1}>()`.",
        builder_name(op),
        name
    );
    error_enum(svc, &name, &doc, &op.errors, Some(quote!(super::Exception)))
}

/// The shapes of every exception the service models, in model order.
pub fn exceptions(svc: &Service) -> Vec<ShapeId> {
    svc.shapes
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(&s.kind, Kind::Structure(st) if st.error.is_some()))
        .map(|(i, _)| i)
        .collect()
}

/// The service-wide `Exception` enum (boto3's `client.exceptions`) and the `EXCEPTIONS` table
/// the runtime reads an error with when the answering operation does not list its code.
pub fn exception_items(svc: &Service) -> TokenStream {
    let ids = exceptions(svc);
    let doc = "Every exception the service models (boto3's `client.exceptions`), whichever operation \
               answered it: match on `error.modeled::<Exception>()`. The operation's own enum \
               (`*Error`) holds the same error when the operation lists it.";
    let items = error_enum(svc, "Exception", doc, &ids, None);
    let schemas = ids.iter().map(|&id| ident(&svc.shapes[id].static_name));
    quote! {
        #items
        /// The runtime's view of [`Exception`]: its schemas and decoder.
        pub static EXCEPTIONS: rt::Exceptions = rt::Exceptions {
            schemas: &[#(&t::#schemas),*],
            decode: rt::decode_exception::<Exception>,
        };
        /// The error of an operation without modeled errors may still be any of the service's.
        impl rt::ModeledAs<Exception> for rt::NoErrors {}
    }
}

/// An error enum over `ids` (duplicates dropped; variant `i` decodes list position `i`), readable
/// also as the service-wide enum at `service` when given.
fn error_enum(svc: &Service, name: &str, doc: &str, ids: &[ShapeId], service: Option<TokenStream>) -> TokenStream {
    let name = ident(name);
    let mut seen = Vec::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let shape = &svc.shapes[id];
        let variant = ident(&shape.rust_name);
        let doc = docs(&first_paragraph(&shape.docs));
        variants.push(quote!(#doc #variant(t::#variant)));
        arms.push(quote!(#i => #variant(t::#variant)));
    }
    let doc = docs(doc);
    let service_part = service.map(|path| quote!(in #path));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
        }
        rt::operation_errors!(#name #service_part, #(#arms),*);
    }
}

/// The `Client` type and its constructors, for `src/client/mod.rs`.
pub fn client_mod(svc: &Service) -> TokenStream {
    let docs = docs(&format!(
        "A client for **{}**: one method per operation, named as boto3 names it.\n\n\
         Cheap to clone and safe to share between threads; clones share the session's connections \
         and credentials.",
        svc.full_name
    ));
    quote! {
        use tucuxi::codegen as rt;

        #docs
        #[derive(Clone, Debug)]
        pub struct Client {
            handle: rt::ClientHandle,
        }

        impl Client {
            /// A client configured by `session` (region, credentials, endpoint, retries).
            pub fn new(session: &rt::Session) -> Self {
                Client { handle: rt::ClientHandle::new(session, &super::SERVICE, &super::endpoint_rules::RULES) }
            }
            /// A client with settings of its own that override the session's.
            pub fn with_config(session: &rt::Session, config: rt::ClientConfig) -> Self {
                Client { handle: rt::ClientHandle::with_config(session, &super::SERVICE, &super::endpoint_rules::RULES, config) }
            }
            /// The runtime handle behind the client (session, service, settings).
            pub fn handle(&self) -> &rt::ClientHandle {
                &self.handle
            }
            /// A client around a runtime handle of this service (what resources hold).
            pub fn from_handle(handle: rt::ClientHandle) -> Self {
                Client { handle }
            }
        }
    }
}

/// `src/endpoint_rules.rs`: the service's endpoint rule set, embedded as compact JSON.
pub fn endpoint_rules(svc: &Service) -> TokenStream {
    let json = svc.endpoint_rules.clone().unwrap_or_default();
    quote! {
        //! The service's endpoint rule set (`endpoint-rule-set-1.json`), parsed once on first use.
        use tucuxi::codegen as rt;

        /// The rule set, for tools that resolve endpoints without a client.
        pub static RULES: rt::Rules = rt::Rules::new(#json);
    }
}
