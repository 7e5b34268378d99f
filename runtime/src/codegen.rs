//! The facade generated code imports (`use tucuxi::codegen as rt;`).
//!
//! Everything a generated crate names lives here, so a generated crate depends on one path and
//! the runtime can move its internals freely.

pub use crate::client::{
    discover_endpoints, insert, push, BoxFuture, Call, CallError, CallFuture, CallOf, CallResult, ClientConfig,
    ClientHandle, Entries, Items, ModeledAs, PresignedRequest, Rules,
};
pub use crate::paginate::{Paginator, PaginatorSpec};
pub use crate::protocol::{decode_exception, NoErrors};
pub use crate::resource;
pub use crate::resource::{
    new_shape, Action, ActionSpec, BatchAction, BatchSpec, Builder, CollectionSpec, IsResource, LoadSpec, Many, One,
    Output, Param, Resource, ResourceRef, ResourceSpec, Source, Surface,
};
pub use crate::schema::flags::*;
pub use crate::schema::op_flags::{
    CHECKSUM_REQUIRED, DEPRECATED as OP_DEPRECATED, ENDPOINT_DISCOVERY, ENDPOINT_DISCOVERY_REQUIRED,
    ENDPOINT_OPERATION, IDEMPOTENT, READONLY, UNSIGNED_PAYLOAD,
};
pub use crate::schema::prim::*;
pub use crate::schema::shape_flags::{
    DEPRECATED as SHAPE_DEPRECATED, EVENT, EVENT_STREAM as SHAPE_EVENT_STREAM, FLATTENED as SHAPE_FLATTENED, RECURSIVE,
    SENSITIVE as SHAPE_SENSITIVE, SPARSE as SHAPE_SPARSE, WRAPPER,
};
pub use crate::schema::{
    EndpointDiscovery, ErrorTraits, Exceptions, HttpChecksum, Location, Member, Operation, ParamValue, Protocol,
    Schema, Service, XmlNamespace,
};
pub use crate::client::Handlers;
pub use crate::protocol::Codec;
pub use crate::session::Session;
pub use crate::shape::Unit;
pub use crate::types::TimestampFormat;
pub use crate::waiter::{Acceptor, AcceptorState, Expected, Matcher, Waiter, WaiterSpec};
pub use crate::{operation_errors, operation_type, resource_class, setter, string_enum, structure, union, Error};
pub use crate::{Blob, ByteStream, DateTime, Document, EventStream, Map};
pub use core::future::Future;

/// Waits on the runtime's timer, so that extensions that back off (DynamoDB's batch writer) need
/// no dependency on tokio of their own.
pub async fn sleep(duration: std::time::Duration) {
    tokio::time::sleep(duration).await;
}

/// A new builder of operation `B` on `client`: the body of every generated client method (one
/// short line each, the operation's static named once, by its `operation_type!`).
#[inline]
pub fn builder<B: crate::client::OperationType>(client: &ClientHandle) -> B {
    B::from_call(Call::new(client, B::operation()))
}

/// A resource parameter (`Param { target, source }` in one short line, as resource specs list many).
pub const fn param(target: &'static str, source: Source) -> Param {
    Param { target, source }
}

/// A body member with no traits (short, because generated schemas call it once per member).
pub const fn m(name: &'static str, target: &'static Schema) -> Member {
    Member::new(name, target)
}

/// Member locations, short for the same reason.
pub const URI: Location = Location::Uri;
pub const QUERY: Location = Location::Query;
pub const HEADER: Location = Location::Header;
pub const HEADERS: Location = Location::Headers;
pub const STATUS_CODE: Location = Location::StatusCode;
