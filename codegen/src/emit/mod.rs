//! Stage 4: emit the files of one service crate from the IR.
//!
//! Rust goes `quote!` → `syn::File` → `prettyplease`; `Cargo.toml` and `README.md` come from the
//! handlebars templates in `templates/`. Nothing here touches the file system.

mod client;
mod crate_files;
mod operations;
mod resources;
pub mod rust;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Kind, Service};
use rust::{file, format, inner_docs};

/// Generated files are split so that none grows past this many lines (the limit is 3,000).
pub const MAX_FILE_LINES: usize = 2_500;

/// One file of a generated crate, its path relative to the crate's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// How generated crates depend on the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A path, relative to the generated crate's directory.
    Path(String),
    /// A crates.io version requirement.
    Version(String),
    /// A git repository, with an optional branch, tag or rev (`rev=abc`, `tag=v1`, `branch=main`).
    Git { url: String, reference: Option<String> },
}

/// Emitter options.
#[derive(Clone, Debug)]
pub struct Options {
    pub runtime: RuntimeDep,
    /// The version of generated crates (and of the runtime they were generated against).
    pub version: String,
    /// Emit the client, the builders and the error enums. The protocol conformance crate, which
    /// only needs the types and schemas, turns this off.
    pub clients: bool,
    /// Only these operations (model names) and what they reach: a sliced crate
    /// ([`crate::slice`]). `None` keeps every operation.
    pub operations: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: RuntimeDep::Path("../../runtime".into()),
            version: env!("CARGO_PKG_VERSION").into(),
            clients: true,
            operations: None,
        }
    }
}

/// Emits every file of the service's crate.
pub fn emit(svc: &Service, options: &Options) -> Result<Vec<GeneratedFile>, String> {
    let mut files = Vec::new();

    let mut shape_chunks = Vec::new();
    for shape in svc.shapes.iter().filter(|s| s.used && !matches!(s.kind, Kind::Prim(_))) {
        shape_chunks.push((shape.module.clone(), format(types::shape_items(svc, shape))?));
    }
    // A module of enums alone refers to no sibling, hence the narrow allow.
    let header = quote! {
        #[allow(unused_imports)]
        use super::*;
        use tucuxi::codegen as rt;
    };
    let docs = "Every structure, union and enum of the service, with the schemas the runtime codecs walk.";
    files.extend(modules("src/types", docs, header, shape_chunks, quote!())?);

    let mut op_chunks = Vec::new();
    for op in &svc.operations {
        op_chunks.push((op.module.clone(), format(operations::operation_items(svc, op))?));
    }
    // Relative, so that a service can also be emitted as a module of a larger crate (the
    // protocol conformance crate holds one module per test case).
    let header = quote! {
        use super::super::types as t;
        use tucuxi::codegen as rt;
    };
    let docs = "The static description of every operation: HTTP binding, input, output, errors and traits.";
    let statics = svc.operations.iter().map(|op| rust::ident(&op.static_name));
    let mut waiters: Vec<_> = svc.operations.iter().flat_map(|op| &op.waiters).collect();
    waiters.sort_by(|a, b| a.name.cmp(&b.name));
    let waiters = waiters.iter().map(|w| rust::ident(&w.static_name));
    let all = quote! {
        use tucuxi::codegen as rt;
        /// Every operation of the service, in model order (boto3's `meta.service_model.operation_names`).
        #[allow(deprecated)]
        pub static ALL: &[&rt::Operation] = &[#(&#statics),*];
        /// Every waiter of the service, by name (boto3's `client.waiter_names`). Each is run from the
        /// builder of its operation: `wait_until_*`.
        pub static WAITERS: &[&rt::WaiterSpec] = &[#(&#waiters),*];
    };
    files.extend(modules("src/operations", docs, header, op_chunks, all)?);

    let with_exceptions = options.clients && !client::exceptions(svc).is_empty();
    let with_errors = with_exceptions || (options.clients && svc.operations.iter().any(|op| !op.errors.is_empty()));
    if with_errors {
        let mut chunks = Vec::new();
        for op in svc.operations.iter().filter(|op| !op.errors.is_empty()) {
            chunks.push((op.module.clone(), format(client::error_items(svc, op))?));
        }
        let header = quote! {
            use super::super::types as t;
            use tucuxi::codegen as rt;
        };
        let docs = "One enum per operation with modeled errors, and one of every exception of the service, to \
                    `match` on `error.modeled::<...>()`.";
        // A module of its own: the one-letter modules of the operation enums (`t`) would
        // shadow the `t` alias in `mod.rs`.
        if with_exceptions {
            chunks.push(("exception".to_owned(), format(client::exception_items(svc))?));
        }
        files.extend(modules("src/errors", docs, header, chunks, quote!())?);
    }
    if options.clients {
        let mut chunks = Vec::new();
        let mut batch: Vec<&crate::ir::Operation> = Vec::new();
        for (i, op) in svc.operations.iter().enumerate() {
            batch.push(op);
            let next_module = svc.operations.get(i + 1).map(|next| &next.module);
            if batch.len() == client::OPERATIONS_PER_BLOCK || next_module != Some(&op.module) {
                chunks.push((op.module.clone(), format(client::client_items(svc, &batch))?));
                batch.clear();
            }
        }
        let errors = if with_errors {
            quote!(
                #[allow(unused_imports)]
                use super::super::errors as e;
            )
        } else {
            quote!()
        };
        let header = quote! {
            #errors
            use super::super::operations as op;
            #[allow(unused_imports)]
            use super::super::types as t;
            use tucuxi::codegen as rt;
        };
        let docs = "The service client and one builder per operation.";
        files.extend(modules("src/client", docs, header, chunks, client::client_mod(svc))?);
        files.push(GeneratedFile {
            path: "src/endpoint_rules.rs".into(),
            contents: file(&format(client::endpoint_rules(svc))?),
        });
    }

    let with_resources = options.clients && svc.resources.is_some();
    if let (true, Some(res)) = (with_resources, &svc.resources) {
        let mut chunks = Vec::new();
        for class in &res.classes {
            let module = crate::naming::field_name(&class.name);
            chunks.push((module, format(resources::class_items(svc, res, class))?));
        }
        // Every class names its siblings, the collection type and the four module aliases;
        // a class without actions or attributes leaves some unused.
        let errors = if with_errors {
            quote!(
                #[allow(unused_imports)]
                use super::super::errors as e;
            )
        } else {
            quote!()
        };
        let header = quote! {
            #[allow(unused_imports)]
            use super::*;
            #errors
            #[allow(unused_imports)]
            use super::super::client as c;
            #[allow(unused_imports)]
            use super::super::operations as op;
            #[allow(unused_imports)]
            use super::super::types as t;
            use tucuxi::codegen as rt;
        };
        let docs = "boto3's resources: the service resource, one struct per resource class, and collections.";
        files.extend(modules("src/resources", docs, header, chunks, resources::resources_mod(res))?);
    }

    let mut lib = crate_files::lib_rs(svc, options.clients, with_errors, with_exceptions, with_resources);
    // The hand-written extension (S3 transfers, DynamoDB values, ...) builds on the client and on
    // the operations it calls, so a crate without clients, or sliced below them, has none.
    let operations: Vec<&str> = svc.operations.iter().map(|o| o.wire_name.as_str()).collect();
    let extension = crate::extensions::for_service(&svc.name).filter(|e| e.fits(&operations, with_resources));
    if let (true, Some(extension)) = (options.clients, extension) {
        let mut taken: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        taken.extend(["src/lib.rs", "Cargo.toml", "README.md"]);
        let emitted = crate::extensions::emit(extension, &taken)?;
        files.extend(emitted.files);
        lib.extend(emitted.root_items);
    }
    files.push(GeneratedFile { path: "src/lib.rs".into(), contents: file(&format(lib)?) });
    files.push(crate_files::cargo_toml(svc, options)?);
    files.push(crate_files::readme(svc, options)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // A single type larger than the split size would still make one file too long: say so
    // rather than write it.
    if let Some(big) = files.iter().find(|f| f.contents.lines().count() > 3_000) {
        return Err(format!("{} would have {} lines (the limit is 3,000)", big.path, big.contents.lines().count()));
    }
    Ok(files)
}

/// Packs formatted chunks into submodules of `dir` by module name, splitting a module into
/// numbered parts (`d`, `d2`, ...) when it would pass [`MAX_FILE_LINES`], and writes the
/// `mod.rs` that re-exports them all.
fn modules(
    dir: &str,
    docs: &str,
    header: TokenStream,
    chunks: Vec<(String, String)>,
    extra: TokenStream,
) -> Result<Vec<GeneratedFile>, String> {
    let header = format(header)?;
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (module, chunk) in chunks {
        match groups.iter_mut().find(|(m, _)| *m == module) {
            Some((_, list)) => list.push(chunk),
            None => groups.push((module, vec![chunk])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut files = Vec::new();
    let mut names = Vec::new();
    for (module, chunks) in groups {
        let mut part = 1;
        let mut body = String::new();
        let mut lines = 0;
        let mut flush = |body: &mut String, part: &mut usize, files: &mut Vec<GeneratedFile>| {
            let name = if *part == 1 { module.clone() } else { format!("{module}{part}") };
            files
                .push(GeneratedFile { path: format!("{dir}/{name}.rs"), contents: file(&format!("{header}\n{body}")) });
            names.push(name);
            body.clear();
            *part += 1;
        };
        for chunk in chunks {
            let n = chunk.lines().count();
            if lines > 0 && lines + n > MAX_FILE_LINES {
                flush(&mut body, &mut part, &mut files);
                lines = 0;
            }
            body.push_str(&chunk);
            lines += n;
        }
        if !body.is_empty() {
            flush(&mut body, &mut part, &mut files);
        }
    }
    let mods = names.iter().map(|n| rust::ident(n));
    let mods2 = mods.clone();
    let docs = inner_docs(docs);
    let mod_rs = quote! {
        #docs
        #(mod #mods;)*
        #(pub use #mods2::*;)*
        #extra
    };
    files.push(GeneratedFile { path: format!("{dir}/mod.rs"), contents: file(&format(mod_rs)?) });
    Ok(files)
}
