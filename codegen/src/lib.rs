//! tucuxi-codegen: the SDK compiler. AWS JSON models in, the files of one Rust crate per
//! service out.
//!
//! This crate does no I/O: the driver (`xtask`) reads the model files into [`ModelFiles`] and
//! writes the [`GeneratedFile`]s it gets back. [`generate`] shows the stages in order.

pub mod docs;
pub mod emit;
pub mod error;
pub mod extensions;
mod graph;
pub mod ir;
mod jmespath;
pub mod load;
mod lower;
pub mod model;
pub mod naming;
pub mod resources;
pub mod slice;
pub mod validate;

pub use emit::{GeneratedFile, Options, RuntimeDep};
pub use error::ModelError;
pub use load::ModelFiles;

/// Why a service could not be generated.
#[derive(Debug)]
pub enum GenerateError {
    /// The model is broken; every problem found, each naming its file and JSON pointer.
    Model(Vec<ModelError>),
    /// The generator produced something it cannot format: a bug of tucuxi, not of the model.
    Emit(String),
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Model(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            GenerateError::Emit(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for GenerateError {}

/// The pipeline for one service: load → validate → lower → emit. (The driver writes.)
pub fn generate(files: &ModelFiles, options: &Options) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut loaded = load::load(files).map_err(GenerateError::Model)?;
    validate::validate(&loaded).map_err(GenerateError::Model)?;
    if let Some(operations) = &options.operations {
        slice::slice(&mut loaded, files.resources_json.as_deref(), operations).map_err(GenerateError::Model)?;
    }
    let service = lower::lower(&loaded);
    emit::emit(&service, options).map_err(GenerateError::Emit)
}
