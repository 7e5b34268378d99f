//! The support code of the protocol conformance harness (`xtask/conformance/protocols/support`),
//! tested here on the kitchen-sink golden types because the harness crate itself only exists
//! under `target/` once `cargo xtask conformance protocols` has laid it out.

#[path = "../../xtask/conformance/protocols/support/cbor.rs"]
mod cbor;
#[path = "../../xtask/conformance/protocols/support/compare.rs"]
mod compare;
// The harness's runner, which this crate does not include, reads some fields (`json_texts`).
#[allow(dead_code)]
#[path = "../../xtask/conformance/protocols/support/value.rs"]
mod value;
#[path = "../../xtask/conformance/protocols/support/xml.rs"]
mod xml;

use serde_json::json;
use tucuxi::{Blob, DateTime, Document};
use tucuxi_kitchensink::types::{Color, ShapeUnion, Thing};

use value::{fill_shape, shape_to_json};

/// Params as the cases write them, in botocore's spelling: member names, epoch seconds, blobs
/// as text, documents as JSON, enums as strings, and the special floats as strings.
fn params() -> serde_json::Value {
    json!({
        "Name": "n",
        "Count": 3,
        "Big": 9007199254740993i64,
        "Small": -2,
        "Tiny": 7,
        "Ratio": "NaN",
        "Precise": 1.5,
        "Flag": true,
        "Created": 1398796238.5,
        "Modified": 0,
        "Data": "bytes",
        "Doc": {"a": [1, "x", null]},
        "Tags": [{"Key": "k", "Value": "v"}, {"Key": "only"}],
        "Sparse": ["a", null],
        "Attributes": {"x": "1"},
        "SparseAttributes": {"one": 1, "none": null},
        "Color": "ultraviolet",
        "Shape": {"Self": {"Circle": 4}},
        "Children": [{"Name": "c", "Count": 0, "Tags": []}],
    })
}

#[test]
fn params_fill_generated_types_through_reflection() {
    let mut thing = Thing::default();
    fill_shape(&mut thing, &params()).unwrap();
    assert_eq!(thing.name, "n");
    assert_eq!(thing.big, Some(9_007_199_254_740_993));
    assert!(thing.ratio.is_some_and(f32::is_nan));
    assert_eq!(thing.created, Some(DateTime::from_millis(1_398_796_238_500)));
    assert_eq!(thing.data, Some(Blob::from("bytes")));
    assert_eq!(thing.doc, Some(Document::from_json(r#"{"a":[1,"x",null]}"#).unwrap()));
    assert_eq!(thing.tags[1].key, "only");
    assert_eq!(thing.sparse, Some(vec![Some("a".into()), None]));
    assert_eq!(thing.sparse_attributes.as_ref().map(|m| m["none"]), Some(None));
    assert_eq!(thing.color, Some(Color::from("ultraviolet")));
    assert_eq!(thing.shape, Some(ShapeUnion::SelfShape(Box::new(ShapeUnion::Circle(4)))));
    assert_eq!(thing.children.as_ref().map(Vec::len), Some(1));
}

#[test]
fn values_read_back_as_the_params_that_made_them() {
    let mut thing = Thing::default();
    fill_shape(&mut thing, &params()).unwrap();
    let converted = shape_to_json(&thing);
    // The child's required members hold their defaults: they may be dropped, not required.
    let expected = {
        let mut p = params();
        p["Children"][0] = json!({"Name": "c"});
        p
    };
    compare::json_eq(&converted.json, &expected, &converted.defaulted).unwrap();
    assert!(converted.defaulted.contains("/Children/0/Count"));
    assert!(compare::json_eq(&converted.json, &json!({"Name": "n"}), &converted.defaulted).is_err());
}

#[test]
fn bad_params_name_their_path() {
    let mut thing = Thing::default();
    let err = fill_shape(&mut thing, &json!({"Tags": [{"Nope": 1}]})).unwrap_err();
    assert_eq!(err, "/Tags/0/Nope: Tag has no such member");
    let err = fill_shape(&mut thing, &json!({"Count": "three"})).unwrap_err();
    assert!(err.starts_with("/Count: expected an integer"), "{err}");
}

#[test]
fn an_unknown_union_member_reads_as_botocore_names_it() {
    let thing = Thing { shape: Some(ShapeUnion::Unknown("Hexagon".into())), ..Thing::default() };
    assert_eq!(shape_to_json(&thing).json["Shape"], json!({"SDK_UNKNOWN_MEMBER": {"name": "Hexagon"}}));
}
