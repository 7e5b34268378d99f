//! Hand-written extensions: the boto3 conveniences that are typed Rust rather than model data
//! (S3 transfers and presigned POST, DynamoDB's plain values and conditions, ...).
//!
//! Each service's extension is a set of Rust files under `codegen/extensions/<service>/`,
//! embedded here with `include_str!` so that the compiler stays free of I/O and every way of
//! running it (regeneration, `generate --out` vendoring, the conformance crates) carries the
//! same files. The emitter parses each file with `syn` (so a broken extension fails generation,
//! naming its file), prints it with `prettyplease` under the `@generated` marker, and writes it
//! to `src/<path>` of the service's crate. The items of an extension's `lib.rs` are appended to
//! the generated crate root, which is how an extension declares its modules and re-exports.
//!
//! Rules for extension code: it depends on the runtime (`tucuxi`) and the generated crate
//! (`crate::...`) only, machinery that is not specific to the service belongs in the runtime,
//! and it is held to the same lints and rustdoc checks as the generated code around it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::rust::MARKER;
use crate::emit::GeneratedFile;

/// One hand-written file of a service's extension.
#[derive(Clone, Copy, Debug)]
pub struct ExtensionFile {
    /// The path under the generated crate's `src/` (`lib.rs` is merged into the crate root).
    pub path: &'static str,
    /// The Rust source, as written under `codegen/extensions/<service>/`.
    pub source: &'static str,
}

/// The extension of one service, by botocore's service name.
#[derive(Clone, Copy, Debug)]
pub struct Extension {
    pub service: &'static str,
    pub files: &'static [ExtensionFile],
    /// The operations (model names) the extension's code and doc examples call, and whether it builds on the
    /// resource layer: a crate sliced to fewer operations (`generate --operations`) gets no
    /// extension, as a sliced crate gets no resources unless all their operations are kept.
    pub needs: &'static [&'static str],
    pub needs_resources: bool,
}

impl Extension {
    /// Whether a crate with `operations` (model names) and, or not, resources can carry it.
    pub fn fits(&self, operations: &[&str], resources: bool) -> bool {
        (resources || !self.needs_resources) && self.needs.iter().all(|op| operations.contains(op))
    }
}

macro_rules! files {
    ($service:literal needs [$($op:literal),*] resources $res:literal: $($path:literal),* $(,)?) => {
        Extension {
            service: $service,
            needs: &[$($op),*],
            needs_resources: $res,
            files: &[$(ExtensionFile {
                path: $path,
                source: include_str!(concat!("../extensions/", $service, "/", $path)),
            }),*],
        }
    };
}

/// Every extension the generator carries, in service-name order.
pub static EXTENSIONS: &[Extension] = &[
    files!(
        "dynamodb"
        needs ["BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "Query", "Scan", "UpdateItem"]
        resources true:
        "lib.rs",
        "attribute_value.rs",
        "batch_writer.rs",
        "conditions.rs",
        "number.rs",
        "serde_items.rs",
        "table.rs",
        "values.rs",
    ),
    files!(
        "s3"
        needs [
            "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject", "CreateBucket", "CreateMultipartUpload", "GetObject",
            "HeadObject", "ListObjectsV2", "PutObject", "UploadPart", "UploadPartCopy"
        ]
        resources true:
        "lib.rs",
        "presigned_post.rs",
        "transfer.rs",
        "transfer_directory.rs",
        "transfer_resources.rs",
        "transfer_store.rs",
    ),
];

/// The extension of `service`, if it has one.
pub fn for_service(service: &str) -> Option<&'static Extension> {
    EXTENSIONS.iter().find(|e| e.service == service)
}

/// What an extension adds to a generated crate: its files, and the items its `lib.rs` appends
/// to the crate root.
#[derive(Debug, Default)]
pub struct Emitted {
    pub files: Vec<GeneratedFile>,
    pub root_items: TokenStream,
}

/// Parses and formats the files of `extension`. `taken` are the paths the generator itself
/// writes: an extension may not replace a generated file.
pub fn emit(extension: &Extension, taken: &[&str]) -> Result<Emitted, String> {
    let mut out = Emitted::default();
    for file in extension.files {
        let origin = format!("codegen/extensions/{}/{}", extension.service, file.path);
        // Positions need proc-macro2's `span-locations`, a cost every build would pay; the
        // message and the file are enough to find a syntax error.
        let parsed =
            syn::parse_file(file.source).map_err(|e| format!("{origin}: the extension does not parse: {e}"))?;
        if file.path == "lib.rs" {
            if !parsed.attrs.is_empty() {
                return Err(format!("{origin}: crate attributes and docs belong to the generated lib.rs"));
            }
            let items = &parsed.items;
            out.root_items = quote!(#(#items)*);
            continue;
        }
        let path = format!("src/{}", file.path);
        if !file.path.ends_with(".rs") || file.path.contains("..") || taken.contains(&path.as_str()) {
            return Err(format!("{origin}: the extension would write {path}, which the generator owns or is not a module"));
        }
        let contents = format!("// {MARKER}\n// Hand-written: {origin}.\n{}", prettyplease::unparse(&parsed));
        out.files.push(GeneratedFile { path, contents });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_formatted_under_the_marker_and_lib_items_returned() {
        let ext = Extension {
            service: "demo",
            needs: &[],
            needs_resources: false,
            files: &[
                ExtensionFile { path: "lib.rs", source: "pub mod extra;\npub use extra::Thing;" },
                ExtensionFile { path: "extra.rs", source: "/// A thing.\npub struct Thing{pub a:u8}" },
            ],
        };
        let out = emit(&ext, &["src/lib.rs"]).unwrap();
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].path, "src/extra.rs");
        assert_eq!(
            out.files[0].contents,
            format!("// {MARKER}\n// Hand-written: codegen/extensions/demo/extra.rs.\n/// A thing.\npub struct Thing {{\n    pub a: u8,\n}}\n")
        );
        let root = out.root_items.to_string();
        assert!(root.contains("pub mod extra"), "{root}");
    }

    #[test]
    fn a_broken_extension_names_its_file() {
        let ext = Extension {
            service: "demo",
            needs: &[],
            needs_resources: false,
            files: &[ExtensionFile { path: "x.rs", source: "fn f( {" }],
        };
        let err = emit(&ext, &[]).unwrap_err();
        assert!(err.starts_with("codegen/extensions/demo/x.rs: "), "{err}");
        assert!(err.contains("does not parse"), "{err}");
    }

    #[test]
    fn an_extension_cannot_replace_a_generated_file() {
        let ext = Extension { service: "demo", needs: &[], needs_resources: false, files: &[ExtensionFile { path: "client/mod.rs", source: "" }] };
        let err = emit(&ext, &["src/client/mod.rs"]).unwrap_err();
        assert!(err.contains("src/client/mod.rs"), "{err}");
        let ext = Extension { service: "demo", needs: &[], needs_resources: false, files: &[ExtensionFile { path: "lib.rs", source: "#![allow(x)]" }] };
        assert!(emit(&ext, &[]).unwrap_err().contains("crate attributes"));
    }

    #[test]
    fn every_builtin_extension_parses() {
        for ext in EXTENSIONS {
            emit(ext, &[]).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut names: Vec<_> = EXTENSIONS.iter().map(|e| e.service).collect();
        names.dedup();
        assert_eq!(names.len(), EXTENSIONS.len(), "one entry per service");
    }
}
