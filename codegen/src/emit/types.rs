//! Types and their schemas: one struct, union or enum per shape, a static `Schema` per list and
//! map, and per structure and union one runtime macro call that declares its schema static from
//! the member list (`field[index] = schema`) and exposes the members by index.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{deprecated, docs, ident};
use crate::ir::*;

/// The Rust type of a value of shape `id` (without the member's `Option`).
pub fn value_type(svc: &Service, id: ShapeId) -> TokenStream {
    value_type_in(svc, id, &quote!())
}

/// [`value_type`] for code outside the `types` module: generated types are named through
/// `path` (such as `t::`).
pub fn value_type_in(svc: &Service, id: ShapeId, path: &TokenStream) -> TokenStream {
    let shape = &svc.shapes[id];
    match &shape.kind {
        Kind::Structure(_) | Kind::Union { .. } | Kind::Enum(_) => {
            let name = ident(&shape.rust_name);
            quote!(#path #name)
        }
        Kind::List { member, sparse, .. } => {
            let item = value_type_in(svc, member.target, path);
            if *sparse {
                quote!(Vec<Option<#item>>)
            } else {
                quote!(Vec<#item>)
            }
        }
        Kind::Map { key, value, sparse, .. } => {
            let k = value_type_in(svc, key.target, path);
            let v = value_type_in(svc, value.target, path);
            if *sparse {
                quote!(rt::Map<#k, Option<#v>>)
            } else {
                quote!(rt::Map<#k, #v>)
            }
        }
        Kind::Prim(p) => match p {
            Prim::String | Prim::BigInteger | Prim::BigDecimal => quote!(String),
            Prim::Boolean => quote!(bool),
            Prim::Byte => quote!(i8),
            Prim::Short => quote!(i16),
            Prim::Integer => quote!(i32),
            Prim::Long => quote!(i64),
            Prim::Float => quote!(f32),
            Prim::Double => quote!(f64),
            Prim::Timestamp => quote!(rt::DateTime),
            Prim::Blob => quote!(rt::Blob),
            Prim::StreamingBlob => quote!(rt::ByteStream),
            Prim::Document => quote!(rt::Document),
        },
    }
}

/// The Rust type of a member's value: its target's type, except that a member targeting an
/// event-stream shape holds the runtime's stream of that shape's events.
pub fn member_value_type(svc: &Service, m: &Member, path: &TokenStream) -> TokenStream {
    let t = value_type_in(svc, m.target, path);
    if m.flags.event_stream {
        quote!(rt::EventStream<#t>)
    } else {
        t
    }
}

/// The field type of a structure member: required members are plain, the rest `Option`, and
/// boxed (recursive) members are always optional so that `Default` terminates.
fn field_type(svc: &Service, m: &Member) -> TokenStream {
    let t = member_value_type(svc, m, &quote!());
    if m.boxed {
        quote!(Option<Box<#t>>)
    } else if m.flags.required {
        t
    } else {
        quote!(Option<#t>)
    }
}

/// The schema a member points at: a generated static, or a shared primitive of the runtime.
fn target_schema(svc: &Service, id: ShapeId) -> TokenStream {
    let shape = &svc.shapes[id];
    let prim = |name: &str| {
        let name = ident(name);
        let amp = joint('&');
        quote!(#amp rt::#name)
    };
    match &shape.kind {
        Kind::Structure(_) | Kind::Union { .. } | Kind::List { .. } | Kind::Map { .. } => {
            let name = ident(&shape.static_name);
            let amp = joint('&');
            quote!(#amp #name)
        }
        Kind::Enum(_) => prim("ENUM"),
        Kind::Prim(p) => prim(match p {
            Prim::String => "STRING",
            Prim::Boolean => "BOOLEAN",
            Prim::Byte => "BYTE",
            Prim::Short => "SHORT",
            Prim::Integer => "INTEGER",
            Prim::Long => "LONG",
            Prim::Float => "FLOAT",
            Prim::Double => "DOUBLE",
            Prim::BigInteger => "BIG_INTEGER",
            Prim::BigDecimal => "BIG_DECIMAL",
            Prim::Timestamp => "TIMESTAMP",
            Prim::Blob => "BLOB",
            Prim::StreamingBlob => "STREAMING_BLOB",
            Prim::Document => "DOCUMENT",
        }),
    }
}

pub fn namespace(ns: &XmlNamespace) -> TokenStream {
    let uri = &ns.uri;
    let prefix = match &ns.prefix {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    let amp = joint('&');
    quote!(#amp rt::XmlNamespace { uri: #uri, prefix: #prefix })
}

/// A prefix operator (`&`, `-`) joined to the token after it. Member schemas are arguments of
/// `rt::structure!`, and prettyplease prints macro arguments token by token, spacing an
/// operator that is not joined from what follows (`& rt::STRING`).
fn joint(op: char) -> proc_macro2::Punct {
    proc_macro2::Punct::new(op, proc_macro2::Spacing::Joint)
}

/// `a | b | c` of flag constants, or nothing.
fn flag_expr(names: &[&str]) -> Option<TokenStream> {
    let idents = names.iter().map(|n| ident(n));
    (!names.is_empty()).then(|| quote!(#(rt::#idents)|*))
}

/// The schema expression of one member: `rt::m("Name", &TARGET)` plus only the traits it has.
fn member_schema(svc: &Service, m: &Member) -> TokenStream {
    let name = &m.wire_name;
    let target = target_schema(svc, m.target);
    let mut e = quote!(rt::m(#name, #target));
    let location_name = m.location_name.as_deref();
    let location = match m.location {
        Location::Body => None,
        Location::Uri => Some("URI"),
        Location::Query => Some("QUERY"),
        Location::Header => Some("HEADER"),
        Location::Headers => Some("HEADERS"),
        Location::StatusCode => Some("STATUS_CODE"),
    };
    match (location, location_name) {
        (Some(loc), name) => {
            let loc = ident(loc);
            let name = name.unwrap_or(&m.wire_name);
            e = quote!(#e.at(rt::#loc, #name));
        }
        (None, Some(name)) => e = quote!(#e.named(#name)),
        (None, None) => {}
    }
    if let Some(q) = &m.query_name {
        e = quote!(#e.query_name(#q));
    }
    let f = &m.flags;
    let mut flags = Vec::new();
    for (on, name) in [
        (f.required, "REQUIRED"),
        (f.flattened, "FLATTENED"),
        (f.xml_attribute, "XML_ATTRIBUTE"),
        (f.json_value, "JSON_VALUE"),
        (f.host_label, "HOST_LABEL"),
        (f.idempotency_token, "IDEMPOTENCY_TOKEN"),
        (f.payload, "PAYLOAD"),
        (f.event_stream, "EVENT_STREAM"),
        (f.event_payload, "EVENT_PAYLOAD"),
        (f.event_header, "EVENT_HEADER"),
        (f.sensitive, "SENSITIVE"),
        (m.deprecated.is_some(), "DEPRECATED"),
        (f.requires_length, "REQUIRES_LENGTH"),
        (f.sparse, "SPARSE"),
        (f.percent_encoded, "PERCENT_ENCODED"),
        (f.copy_source, "COPY_SOURCE"),
        (f.strip_id_prefix, "STRIP_ID_PREFIX"),
        (f.endpoint_discovery_id, "ENDPOINT_DISCOVERY_ID"),
    ] {
        if on {
            flags.push(name);
        }
    }
    if let Some(flags) = flag_expr(&flags) {
        e = quote!(#e.flags(#flags));
    }
    if let Some(ts) = m.timestamp_format {
        let ts = ident(match ts {
            TimestampFormat::Iso8601 => "DateTime",
            TimestampFormat::Rfc822 => "HttpDate",
            TimestampFormat::UnixTimestamp => "EpochSeconds",
        });
        e = quote!(#e.ts(rt::TimestampFormat::#ts));
    }
    if let Some(ns) = &m.xml_namespace {
        let ns = namespace(ns);
        e = quote!(#e.ns(#ns));
    }
    if let Some(ctx) = &m.context_param {
        e = quote!(#e.ctx(#ctx));
    }
    if let Some(min) = m.min {
        // A negative literal is a minus token and a positive literal.
        let abs = proc_macro2::Literal::f64_unsuffixed(min.abs());
        let minus = joint('-');
        e = if min < 0.0 { quote!(#e.min(#minus #abs)) } else { quote!(#e.min(#abs)) };
    }
    e
}

/// The shape flags of a list or map.
fn container_flags(sparse: bool, flattened: bool) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if sparse {
        flags.push("SHAPE_SPARSE");
    }
    if flattened {
        flags.push("SHAPE_FLATTENED");
    }
    flags
}

/// Shape-level schema modifiers common to every kind.
fn shape_modifiers(shape: &Shape, extra: &[&str]) -> TokenStream {
    let mut flags: Vec<&str> = extra.to_vec();
    if shape.sensitive {
        flags.push("SHAPE_SENSITIVE");
    }
    if shape.recursive {
        flags.push("RECURSIVE");
    }
    if shape.deprecated.is_some() {
        flags.push("SHAPE_DEPRECATED");
    }
    let mut e = quote!();
    if let Some(flags) = flag_expr(&flags) {
        e = quote!(#e.flags(#flags));
    }
    if let Some(ns) = &shape.xml_namespace {
        let ns = namespace(ns);
        e = quote!(#e.ns(#ns));
    }
    if let Some(name) = &shape.location_name {
        e = quote!(#e.named(#name));
    }
    e
}

/// A shape's docs, with the model's deprecation as a note. Deprecated *shapes* get no
/// `#[deprecated]`: every member and operation that uses them would warn, in generated code
/// and in users' code alike, while the members themselves are not deprecated.
fn shape_docs(shape: &Shape) -> String {
    let Some(d) = &shape.deprecated else { return shape.docs.clone() };
    let mut note = String::from("**Deprecated**");
    if let Some(m) = &d.message {
        note.push_str(": ");
        note.push_str(&crate::docs::html_to_markdown(m));
    }
    if let Some(since) = &d.since {
        note.push_str(&format!(" (since {})", crate::docs::html_to_markdown(since)));
    }
    if shape.docs.is_empty() {
        note
    } else {
        format!("{}\n\n{note}", shape.docs)
    }
}

/// Everything one shape contributes to its `types` module (nothing for primitives).
pub fn shape_items(svc: &Service, shape: &Shape) -> TokenStream {
    let doc = docs(&shape_docs(shape));
    let wire = &shape.wire_name;
    let name = ident(&shape.rust_name);
    let schema = ident(&shape.static_name);
    // A structure's or union's schema is named after its type unless the model's name differs.
    let wire_override = (shape.wire_name != shape.rust_name).then(|| quote!(= #wire));
    match &shape.kind {
        Kind::Structure(s) => {
            let fields = s.members.iter().map(|m| {
                let doc = docs(&m.docs);
                let dep = deprecated(&m.deprecated);
                let field = ident(&m.rust_name);
                let ty = field_type(svc, m);
                quote! { #doc #dep pub #field: #ty, }
            });
            let members = s.members.iter().enumerate().map(|(i, m)| {
                let field = ident(&m.rust_name);
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                let schema = member_schema(svc, m);
                quote!(#field[#i] = #schema)
            });
            let mut extra = Vec::new();
            if s.event {
                extra.push("EVENT");
            }
            if s.wrapper {
                extra.push("WRAPPER");
            }
            let mut modifiers = shape_modifiers(shape, &extra);
            if let Some(e) = &s.error {
                let status = e.http_status;
                let fault = e.server_fault;
                let mut traits = quote!(rt::ErrorTraits::new(#status, #fault));
                if let Some(code) = &e.code {
                    traits = quote!(#traits.code(#code));
                }
                if let Some(throttling) = e.retryable {
                    traits = quote!(#traits.retryable(#throttling));
                }
                let amp = joint('&');
                modifiers = quote!(#modifiers.error(#amp #traits));
            }
            // Streams cannot be cloned or compared; everything else can.
            let derives =
                if s.streaming { quote!(#[derive(Default)]) } else { quote!(#[derive(Clone, Default, PartialEq)]) };
            quote! {
                #doc
                #derives
                pub struct #name { #(#fields)* }
                rt::structure!(#name, #schema #wire_override, [#(#members),*] #modifiers);
            }
        }
        Kind::Union { members, event_stream } => {
            let variants = members.iter().map(|m| {
                let doc = docs(&m.docs);
                let dep = deprecated(&m.deprecated);
                let variant = ident(&m.rust_name);
                let t = value_type(svc, m.target);
                // Structures are boxed in unions: one large variant would make every value of
                // the union as large (and recursion needs the box anyway).
                let structured = matches!(svc.shapes[m.target].kind, Kind::Structure(_) | Kind::Union { .. });
                let t = if m.boxed || structured { quote!(Box<#t>) } else { t };
                quote! { #doc #dep #variant(#t), }
            });
            let schemas = members.iter().enumerate().map(|(i, m)| {
                let variant = ident(&m.rust_name);
                let i = proc_macro2::Literal::usize_unsuffixed(i);
                let schema = member_schema(svc, m);
                quote!(#variant[#i] = #schema)
            });
            let extra: &[&str] = if *event_stream { &["SHAPE_EVENT_STREAM"] } else { &[] };
            let modifiers = shape_modifiers(shape, extra);
            // `Default` comes from `rt::union!` (an unknown variant with no name).
            let derives = if *event_stream { quote!() } else { quote!(#[derive(Clone, PartialEq)]) };
            quote! {
                #doc
                #derives
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A variant this version of the model does not know, with the name it came under
                    /// (boto3's `SDK_UNKNOWN_MEMBER`).
                    Unknown(String),
                }
                rt::union!(#name, #schema #wire_override, [#(#schemas),*] #modifiers);
            }
        }
        Kind::List { member, sparse, flattened } => {
            let m = member_schema(svc, member);
            let modifiers = shape_modifiers(shape, &container_flags(*sparse, *flattened));
            quote! {
                pub static #schema: rt::Schema = rt::Schema::list(#wire, &[#m])#modifiers;
            }
        }
        Kind::Map { key, value, sparse, flattened } => {
            let k = member_schema(svc, key);
            let v = member_schema(svc, value);
            let modifiers = shape_modifiers(shape, &container_flags(*sparse, *flattened));
            quote! {
                pub static #schema: rt::Schema = rt::Schema::map(#wire, &[#k, #v])#modifiers;
            }
        }
        Kind::Enum(values) => {
            let variants = values.iter().map(|(value, variant)| {
                let variant = ident(variant);
                quote!(#variant = #value)
            });
            quote! {
                rt::string_enum! {
                    #doc
                    pub enum #name { #(#variants),* }
                }
            }
        }
        Kind::Prim(_) => quote!(),
    }
}
