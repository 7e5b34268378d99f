//! The conformance crate: every case's generated service as a module, the hand-written support
//! code from `xtask/conformance/protocols/`, and a generated table that ties each case to its
//! types. Files are written only when they change, so cargo rebuilds only what it must.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use tucuxi_codegen::emit::rust::{file, format};
use tucuxi_codegen::GeneratedFile;

use super::suite::{Case, Direction};

/// The package name of the conformance crate (and of its binary).
pub const PACKAGE: &str = "tucuxi-protocol-conformance";

/// What the table needs to know of one case's generated module.
#[derive(Debug)]
pub struct CaseModule {
    /// Index of the case in the list the driver read.
    pub case: usize,
    pub module: String,
    /// The generated files, relative to the module's directory (`mod.rs`, `types/a.rs`).
    pub files: Vec<GeneratedFile>,
    /// Rust names found in the generated code: the operation's static, its input and output
    /// types (`None` for the runtime's unit shape), its error enum if the generator made one, and
    /// the service-wide `Exception` enum if the model has exceptions.
    pub operation_static: String,
    pub input_type: Option<String>,
    pub output_type: Option<String>,
    pub errors_type: Option<String>,
    pub exceptions_type: Option<String>,
}

/// Turns one case's generated crate into a module: `src/lib.rs` becomes `mod.rs` and the other
/// `src/` files keep their relative paths; the manifest and README are not needed.
pub fn case_module(case_index: usize, case: &Case, files: Vec<GeneratedFile>) -> Result<CaseModule, String> {
    let mut out = Vec::new();
    for f in files {
        let Some(rel) = f.path.strip_prefix("src/") else { continue };
        let path = if rel == "lib.rs" { "mod.rs".to_owned() } else { rel.to_owned() };
        out.push(GeneratedFile { path, contents: f.contents });
    }
    let (operation_static, input, output) = operation_statics(&out, &case.operation)?;
    let types = schema_types(&out)?;
    let type_of = |schema: Option<String>| -> Result<Option<String>, String> {
        match schema {
            None => Ok(None),
            Some(s) => types
                .get(&s)
                .cloned()
                .map(Some)
                .ok_or_else(|| format!("no generated type implements the schema `{s}` of `{}`", case.operation)),
        }
    };
    let errors_name = format!("{}Error", tucuxi_codegen::naming::type_name(&case.operation));
    let errors_type = out
        .iter()
        .filter(|f| f.path.starts_with("errors/") || f.path == "errors.rs")
        .any(|f| f.contents.contains(&format!("enum {errors_name} ")))
        .then_some(errors_name);
    let exceptions_type = out
        .iter()
        .filter(|f| f.path.starts_with("errors/"))
        .any(|f| f.contents.contains("enum Exception "))
        .then(|| "Exception".to_owned());
    Ok(CaseModule {
        case: case_index,
        module: case.module(),
        input_type: type_of(input)?,
        output_type: type_of(output)?,
        files: out,
        operation_static,
        errors_type,
        exceptions_type,
    })
}

/// Finds the operation's static and the schema statics of its input and output (`None` for
/// `rt::UNIT`) by reading `rt::Operation::new("Name", method, uri, &input, &output)`.
fn operation_statics(
    files: &[GeneratedFile],
    operation: &str,
) -> Result<(String, Option<String>, Option<String>), String> {
    for f in files.iter().filter(|f| f.path.starts_with("operations/")) {
        let parsed = syn::parse_file(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
        for item in parsed.items {
            let syn::Item::Static(item) = item else { continue };
            let mut expr = &*item.expr;
            // Walk down the builder chain (`.errors(..).status(..)`) to the constructor call.
            while let syn::Expr::MethodCall(call) = expr {
                expr = &call.receiver;
            }
            let syn::Expr::Call(call) = expr else { continue };
            let args: Vec<&syn::Expr> = call.args.iter().collect();
            let name_matches = matches!(args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == operation);
            if !name_matches || args.len() < 5 {
                continue;
            }
            return Ok((item.ident.to_string(), schema_ref(args[3]), schema_ref(args[4])));
        }
    }
    Err(format!("no static of operation `{operation}` in the generated operations"))
}

/// `&t::FOO` → `Some("FOO")`; `&rt::UNIT` → `None`.
fn schema_ref(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Reference(r) = expr else { return None };
    let syn::Expr::Path(p) = &*r.expr else { return None };
    let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [m, name] if m == "t" => Some(name.clone()),
        _ => None,
    }
}

/// Maps each schema static to the Rust type that implements `Shape` for it, read from the
/// `rt::structure!(Type, SCHEMA, ...)` and `rt::union!(Type, SCHEMA, ...)` calls.
fn schema_types(files: &[GeneratedFile]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for f in files.iter().filter(|f| f.path.starts_with("types/")) {
        let parsed = syn::parse_file(&f.contents).map_err(|e| format!("{}: {e}", f.path))?;
        for item in parsed.items {
            let syn::Item::Macro(m) = item else { continue };
            let last = m.mac.path.segments.last().map(|s| s.ident.to_string());
            if !matches!(last.as_deref(), Some("structure" | "union")) {
                continue;
            }
            let mut idents = Vec::new();
            let mut commas = 0;
            for token in m.mac.tokens.clone() {
                match token {
                    proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => {
                        commas += 1;
                        if commas == 2 {
                            break;
                        }
                    }
                    proc_macro2::TokenTree::Ident(i) => idents.push((commas, i.to_string())),
                    _ => {}
                }
            }
            let ty = idents.iter().find(|(c, _)| *c == 0).map(|(_, i)| i.clone());
            let schema = idents.iter().rev().find(|(c, _)| *c == 1).map(|(_, i)| i.clone());
            if let (Some(ty), Some(schema)) = (ty, schema) {
                out.insert(schema, ty);
            }
        }
    }
    Ok(out)
}

/// `src/cases/mod.rs`: the case modules and the table of cases, one runner function each.
pub fn table(cases: &[Case], modules: &[CaseModule]) -> Result<String, String> {
    let mods = modules.iter().map(|m| format_ident!("{}", m.module));
    let mut runners = Vec::new();
    let mut entries = Vec::new();
    for m in modules {
        let case = &cases[m.case];
        let module = format_ident!("{}", m.module);
        let runner = format_ident!("run_{}", m.module);
        let op = format_ident!("{}", m.operation_static);
        // A fresh value of the input or output type; the unit shape is a unit struct.
        let fresh = |name: &Option<String>| -> TokenStream {
            match name {
                Some(t) => {
                    let t = format_ident!("{t}");
                    quote!(#module::types::#t::default())
                }
                None => quote!(support::Unit),
            }
        };
        let body = match case.direction {
            Direction::Input => {
                let input = fresh(&m.input_type);
                quote! {
                    support::run_input(&#module::SERVICE, &#module::operations::#op, &mut #input, suite, case)
                }
            }
            Direction::Output => {
                let output = fresh(&m.output_type);
                let errors = match &m.errors_type {
                    Some(e) => {
                        let e = format_ident!("{e}");
                        quote!(#module::errors::#e)
                    }
                    None => quote!(tucuxi::protocol::NoErrors),
                };
                let exceptions = match &m.exceptions_type {
                    Some(x) => {
                        let x = format_ident!("{x}");
                        quote!(#module::errors::#x)
                    }
                    None => quote!(tucuxi::protocol::NoErrors),
                };
                quote! {
                    support::run_output::<#errors, #exceptions>(&#module::SERVICE, &#module::operations::#op, &mut #output, suite, case)
                }
            }
        };
        runners.push(quote! {
            fn #runner(suite: &Value, case: &Value) -> Result<(), String> {
                #body
            }
        });
        let file_name = &case.file;
        let suite = case.suite;
        let index = case.index;
        let id = &case.id;
        entries.push(quote! {
            Case { file: #file_name, suite: #suite, index: #index, id: #id, run: #runner }
        });
    }
    let tokens = quote! {
        //! One module per protocol test case, generated from the case's own service model, and
        //! the table the harness runs.
        #(pub mod #mods;)*

        use serde_json::Value;
        use crate::support::{self, Case};

        #(#runners)*

        /// Every case that generated, in the order the suites list them.
        pub static CASES: &[Case] = &[#(#entries),*];
    };
    Ok(file(&format(tokens)?))
}

/// `Cargo.toml` of the conformance crate: a workspace of its own, the runtime by path, and the
/// same dev profile as the repository so that the runtime's dependencies are shared.
pub fn manifest(runtime: &Path) -> String {
    format!(
        "# Written by `cargo xtask conformance protocols`; not part of the repository's workspace.\n\
         [package]\nname = \"{PACKAGE}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [features]\n# The runtime's type macros check it in the crate that calls them.\nserde = [\"tucuxi/serde\"]\n\n\
         [dependencies]\ntucuxi = {{ path = {runtime:?} }}\n\
         serde_json = {{ version = \"1\", features = [\"preserve_order\", \"float_roundtrip\"] }}\nhttp = \"1\"\n\n\
         [workspace]\n\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
        runtime = runtime.display().to_string(),
    )
}

/// What [`sync`] did.
#[derive(Debug, Default)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Makes `dir` hold exactly `files` (paths relative to `dir`) below `src/`, plus the manifest
/// and lock file: writes what changed and removes what is no longer produced.
pub fn sync(dir: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Written, String> {
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    let mut done = Written::default();
    for (rel, contents) in files {
        let path = dir.join(rel);
        match std::fs::read(&path) {
            Ok(existing) if existing == contents.as_bytes() => done.unchanged += 1,
            _ => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                }
                std::fs::write(&path, contents).map_err(|e| io(&path, e))?;
                done.written += 1;
            }
        }
    }
    let src = dir.join("src");
    let wanted: BTreeSet<PathBuf> = files.keys().map(|rel| dir.join(rel)).collect();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_dir() {
            dirs.push(path.to_path_buf());
        } else if !wanted.contains(path) {
            std::fs::remove_file(path).map_err(|e| io(path, e))?;
            done.removed += 1;
        }
    }
    // Deepest first; a directory that still holds files is meant to stay.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = std::fs::remove_dir(&d);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gf(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn names_come_from_the_generated_code() {
        let files = vec![
            gf("operations/o.rs", "pub static OPERATION_NAME: rt::Operation = rt::Operation::new(\"OperationName\", \"POST\", \"/\", &t::INPUT_SHAPE, &rt::UNIT).status(200u16);"),
            gf("types/i.rs", "pub struct InputShape2 {}\nrt::structure!(InputShape2, INPUT_SHAPE, 0 => a);\nrt::union!(U, U_SCHEMA);"),
            gf("types/r.rs", "rt::structure!(Renamed, RENAMED = \"Wire\", [a = rt::m(\"A\", &rt::STRING), b = rt::m(\"B\", &X)]);"),
        ];
        let (op, input, output) = operation_statics(&files, "OperationName").unwrap();
        assert_eq!((op.as_str(), input.as_deref(), output), ("OPERATION_NAME", Some("INPUT_SHAPE"), None));
        let types = schema_types(&files).unwrap();
        assert_eq!(types["INPUT_SHAPE"], "InputShape2");
        assert_eq!(types["U_SCHEMA"], "U");
        assert_eq!(types["RENAMED"], "Renamed");
        assert!(operation_statics(&files, "Other").is_err());
    }
}
