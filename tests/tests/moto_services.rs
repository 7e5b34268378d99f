//! End-to-end calls of generated clients against a local moto server, never real AWS.
//!
//! `cargo xtask test` starts moto and sets `TUCUXI_MOTO_ENDPOINT` (for example
//! `http://127.0.0.1:5000`). Without it every case prints why and passes, so a plain `cargo test`
//! needs no moto; with it each case prints `moto-services: ran N checks (case)`, and the xtask
//! step fails unless those lines are there. Sessions use fake static keys and fixture
//! configuration, with every endpoint at moto. The signature-checking case in `auth.rs` runs
//! against a second moto, `TUCUXI_MOTO_AUTH_ENDPOINT`, and is skipped the same way without it.
//!
//! Cases live in one module per protocol family; each is its own `#[test]`.

#[path = "moto_services/auth.rs"]
mod auth;
#[path = "moto_services/checksums.rs"]
mod checksums;
#[path = "moto_services/common.rs"]
mod common;
#[path = "moto_services/dynamodb_plain.rs"]
mod dynamodb_plain;
#[path = "moto_services/fault_proxy.rs"]
mod fault_proxy;
#[path = "moto_services/json.rs"]
mod json;
#[path = "moto_services/paginate.rs"]
mod paginate;
#[path = "moto_services/query.rs"]
mod query;
#[path = "moto_services/rest_json.rs"]
mod rest_json;
#[path = "moto_services/s3.rs"]
mod s3;
#[path = "moto_services/transfer.rs"]
mod transfer;
#[path = "moto_services/waiters.rs"]
mod waiters;
#[path = "moto_services/wire.rs"]
mod wire;
