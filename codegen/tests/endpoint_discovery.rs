//! A model whose operations name `endpointdiscoveryid` members, as botocore's own discovery test
//! models do (no model botocore ships uses the trait today): it loads, and the members carry the
//! runtime's `ENDPOINT_DISCOVERY_ID` flag, top level and nested.

use tucuxi_codegen::{generate, ModelFiles, Options};

const MODEL: &str = r#"{
  "version": "2.0",
  "metadata": {
    "apiVersion": "2018-08-31", "endpointPrefix": "fooservice", "jsonVersion": "1.1",
    "protocol": "json", "serviceFullName": "Foo Service", "serviceId": "FooService",
    "signatureVersion": "v4", "targetPrefix": "FooService", "uid": "fooservice-2018-08-31"
  },
  "operations": {
    "DescribeEndpoints": {
      "name": "DescribeEndpoints", "http": {"method": "POST", "requestUri": "/"},
      "input": {"shape": "DescribeEndpointsRequest"}, "output": {"shape": "DescribeEndpointsResponse"},
      "endpointoperation": true
    },
    "GetThing": {
      "name": "GetThing", "http": {"method": "POST", "requestUri": "/"},
      "input": {"shape": "GetThingRequest"}, "output": {"shape": "Empty"},
      "endpointdiscovery": {"required": true}
    }
  },
  "shapes": {
    "DescribeEndpointsRequest": {"type": "structure", "members": {
      "Operation": {"shape": "String"}, "Identifiers": {"shape": "Identifiers"}}},
    "Identifiers": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
    "DescribeEndpointsResponse": {"type": "structure", "required": ["Endpoints"], "members": {
      "Endpoints": {"shape": "Endpoints"}}},
    "Endpoints": {"type": "list", "member": {"shape": "Endpoint"}},
    "Endpoint": {"type": "structure", "required": ["Address", "CachePeriodInMinutes"], "members": {
      "Address": {"shape": "String"}, "CachePeriodInMinutes": {"shape": "Long"}}},
    "GetThingRequest": {"type": "structure", "required": ["Sub"], "members": {
      "Sub": {"shape": "Sub", "endpointdiscoveryid": true},
      "Nested": {"shape": "Nested"}}},
    "Nested": {"type": "structure", "members": {"Region": {"shape": "String", "endpointdiscoveryid": true}}},
    "Sub": {"type": "string"},
    "String": {"type": "string"},
    "Long": {"type": "long"},
    "Empty": {"type": "structure", "members": {}}
  }
}"#;

#[test]
fn endpointdiscoveryid_members_are_flagged() {
    let files = ModelFiles {
        service: "fooservice".into(),
        dir: "inline".into(),
        service_json: MODEL.into(),
        ..ModelFiles::default()
    };
    let out: String = generate(&files, &Options::default())
        .expect("a model with endpointdiscoveryid members generates")
        .iter()
        .map(|f| format!("=== {}\n{}\n", f.path, f.contents))
        .collect();
    // Member schemas are arguments of `rt::structure!`, which the formatter wraps anywhere: the
    // member expressions are compared without whitespace, each up to the next field name.
    let flat: String = out.chars().filter(|c| !c.is_whitespace()).collect();
    let member = |name: &str| {
        let start = flat.find(&format!("rt::m(\"{name}\"")).unwrap_or_else(|| panic!("no member {name}"));
        let rest = &flat[start..];
        let end = rest[1..].find([']', '=']).map_or(rest.len(), |i| i + 1);
        rest[..end].to_owned()
    };
    assert_eq!(flat.matches("ENDPOINT_DISCOVERY_ID").count(), 2, "{out}");
    assert!(member("Sub").contains(".flags(rt::REQUIRED|rt::ENDPOINT_DISCOVERY_ID)"), "{}", member("Sub"));
    assert!(member("Region").contains(".flags(rt::ENDPOINT_DISCOVERY_ID)"), "{}", member("Region"));
    assert!(!member("Nested").contains("ENDPOINT_DISCOVERY_ID"), "{}", member("Nested"));
    assert!(out.contains("rt::discover_endpoints::<"), "the discovery call is instantiated");
}
