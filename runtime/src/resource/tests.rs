use super::bind::{build_param_structure, resources_from, Scope};
use super::{ResourceRef, Source};
use crate::jmespath::Val;
use crate::types::Document;

fn doc(json: &str) -> Document {
    Document::from_json(json).unwrap()
}

#[test]
fn param_structure_follows_boto3() {
    let mut params = doc("{}");
    build_param_structure(&mut params, "Bucket", Document::String("b".into()), None).unwrap();
    for (i, key) in ["k1", "k2"].iter().enumerate() {
        build_param_structure(&mut params, "Delete.Objects[].Key", Document::String((*key).into()), Some(i)).unwrap();
    }
    build_param_structure(&mut params, "Filters[0].Name", Document::String("vpc-id".into()), None).unwrap();
    build_param_structure(&mut params, "Filters[0].Values[0]", Document::String("v".into()), None).unwrap();
    build_param_structure(&mut params, "InstanceIds[]", Document::String("i-1".into()), None).unwrap();
    build_param_structure(&mut params, "InstanceIds[]", Document::String("i-2".into()), None).unwrap();
    assert_eq!(
        params,
        doc(r#"{"Bucket":"b","Delete":{"Objects":[{"Key":"k1"},{"Key":"k2"}]},
              "Filters":[{"Name":"vpc-id","Values":["v"]}],"InstanceIds":["i-1","i-2"]}"#)
    );
}

#[test]
fn plural_identifiers_make_one_resource_each() {
    static REF: ResourceRef = ResourceRef {
        identifiers: &[Source::Identifier(0), Source::Response("Contents[].Key")],
        path: Some("Contents[]"),
    };
    let response = doc(r#"{"Contents":[{"Key":"a","Size":1},{"Key":"b","Size":2}]}"#);
    let ids = vec!["bucket".to_owned()];
    let scope = Scope { ids: &ids, response: Some(Val::from_doc(&response)), ..Scope::default() };
    let made = resources_from(&REF, &scope).unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(made[1].0, vec!["bucket".to_owned(), "b".to_owned()]);
    assert_eq!(made[1].1, Some(doc(r#"{"Key":"b","Size":2}"#)));
}

#[test]
fn missing_identifiers_make_no_resource() {
    static REF: ResourceRef = ResourceRef { identifiers: &[Source::Response("QueueUrl")], path: None };
    let response = doc("{}");
    let scope = Scope { response: Some(Val::from_doc(&response)), ..Scope::default() };
    assert!(resources_from(&REF, &scope).unwrap().is_empty());
    let response = doc(r#"{"QueueUrl":"http://q"}"#);
    let scope = Scope { response: Some(Val::from_doc(&response)), ..Scope::default() };
    assert_eq!(resources_from(&REF, &scope).unwrap()[0].0, vec!["http://q".to_owned()]);
}
