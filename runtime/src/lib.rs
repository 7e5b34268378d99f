//! The tucuxi runtime: what every generated AWS service crate links against.
//!
//! Generated crates hold data (types and their static schemas); this crate holds the machinery
//! that walks that data. See `ARCHITECTURE.md` at the repository root.

pub mod auth;
pub mod client;
pub mod codegen;
pub mod config;
pub mod credentials;
pub mod dispatch;
pub mod endpoint;
pub mod error;
pub mod event_stream;
pub mod http;
pub mod interceptor;
pub mod jmespath;
pub mod paginate;
mod percent;
pub mod protocol;
pub mod resource;
pub mod retry;
pub mod schema;
#[cfg(feature = "serde")]
pub mod serde_support;
pub mod session;
pub mod shape;
pub mod stream;
pub mod stub;
#[cfg(test)]
mod test_rng;
#[cfg(feature = "tracing")]
mod trace;
pub mod transfer;
mod text;
pub mod types;
pub mod validate;
pub mod waiter;

pub use credentials::{Clock, ManualClock, SystemClock};
pub use client::{CallError, CallResult};
pub use error::{Error, ErrorKind, ServiceError};
pub use event_stream::EventStream;
pub use interceptor::{Context as InterceptorContext, Interceptor, Interceptors};
pub use session::Session;
pub use stream::ByteStream;
pub use stub::Stubber;
pub use types::{Blob, DateTime, Document};
pub use waiter::{Waiter, WaiterError};

/// The map type of modeled maps: insertion-ordered like a Python dict, so requests serialise in
/// the order the caller built them (as boto3 does).
pub type Map<K, V> = indexmap::IndexMap<K, V>;
