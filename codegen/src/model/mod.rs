//! Serde types that mirror the model files byte for byte in meaning.
//!
//! Field order follows the files (`IndexMap`), so generated code follows model order. The types
//! deny unknown fields: a trait this compiler does not know is a validation error that names it,
//! never something silently dropped.

mod paginators;
mod resources;
mod service;
mod waiters;

pub use paginators::*;
pub use resources::*;
pub use service::*;
pub use waiters::*;

use serde::Deserialize;

/// A JSON value kept as it is (rule sets and resource models are lowered by later issues).
pub type Json = serde_json::Value;

/// Either one string or a list of strings (paginator tokens and keys are written both ways).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, in order.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}
