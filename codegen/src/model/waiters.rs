//! `waiters-2.json`.

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitersFile {
    pub version: u32,
    pub waiters: IndexMap<String, WaiterDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaiterDef {
    pub delay: u32,
    pub operation: String,
    pub max_attempts: u32,
    pub description: Option<String>,
    pub acceptors: Vec<Acceptor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    pub matcher: String,
    pub state: String,
    pub expected: serde_json::Value,
    pub argument: Option<String>,
}
