//! boto3's `resources-1.json`.

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourcesFile {
    pub service: ResourceDef,
    #[serde(default)]
    pub resources: IndexMap<String, ResourceDef>,
}

/// The service resource or one resource class.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceDef {
    #[serde(default)]
    pub identifiers: Vec<IdentifierDef>,
    pub shape: Option<String>,
    pub load: Option<LoadDef>,
    #[serde(default)]
    pub actions: IndexMap<String, ActionDef>,
    #[serde(default)]
    pub batch_actions: IndexMap<String, ActionDef>,
    #[serde(default)]
    pub has: IndexMap<String, HasDef>,
    #[serde(default)]
    pub has_many: IndexMap<String, ActionDef>,
    #[serde(default)]
    pub waiters: IndexMap<String, WaiterRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentifierDef {
    pub name: String,
    pub member_name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadDef {
    pub request: RequestDef,
    pub path: String,
}

/// An action, batch action or collection: a request and, optionally, the resources it yields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    pub request: RequestDef,
    pub resource: Option<ResourceTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    pub operation: String,
    #[serde(default)]
    pub params: Vec<ParamDef>,
}

/// A request parameter or a new resource's identifier: `target` and where the value comes from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub target: String,
    pub source: String,
    pub name: Option<String>,
    pub path: Option<String>,
    pub value: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HasDef {
    pub resource: ResourceTarget,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceTarget {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub identifiers: Vec<ParamDef>,
    pub path: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaiterRef {
    pub waiter_name: String,
    #[serde(default)]
    pub params: Vec<ParamDef>,
    pub path: Option<String>,
}
