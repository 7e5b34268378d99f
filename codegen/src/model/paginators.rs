//! `paginators-1.json`.

use indexmap::IndexMap;
use serde::Deserialize;

use super::OneOrMany;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginatorsFile {
    pub version: Option<serde_json::Value>,
    pub pagination: IndexMap<String, PaginatorDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginatorDef {
    pub input_token: OneOrMany,
    pub output_token: OneOrMany,
    pub result_key: Option<OneOrMany>,
    pub limit_key: Option<String>,
    pub more_results: Option<String>,
    pub non_aggregate_keys: Option<Vec<String>>,
}
