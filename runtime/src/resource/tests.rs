use super::bind::{build_param_structure, resources_from, spread, Scope};
use super::{ResourceRef, Source};
use crate::jmespath::Val;
use crate::schema::{prim, Member, Schema};
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

#[derive(Clone, Default, PartialEq)]
struct Datum {
    metric_name: String,
    value: Option<f64>,
}
static DATUM: Schema =
    Schema::structure("MetricDatum", &[Member::new("MetricName", &prim::STRING), Member::new("Value", &prim::DOUBLE)]);
crate::structure!(Datum, DATUM, 0 => metric_name, 1 => value);
static DATA: Schema = Schema::list("MetricData", &[Member::new("member", &DATUM)]);

#[derive(Clone, Default, PartialEq)]
struct PutData {
    metric_data: Vec<Datum>,
}
static PUT_DATA: Schema = Schema::structure("PutMetricDataInput", &[Member::new("MetricData", &DATA)]);
crate::structure!(PutData, PUT_DATA, 0 => metric_data);

fn datum(name: &str, value: f64) -> Datum {
    Datum { metric_name: name.into(), value: Some(value) }
}

#[test]
fn a_spread_parameter_fills_every_element_the_caller_gave() {
    let name = Document::String("Latency".into());
    // The caller gave two data, one naming its own metric: the identifier fills only the other.
    let mut input = PutData { metric_data: vec![datum("", 1.0), datum("Other", 2.0)] };
    spread(&mut input, "MetricData[].MetricName", &name).unwrap();
    assert_eq!(input.metric_data, vec![datum("Latency", 1.0), datum("Other", 2.0)]);
    // No element from the caller: one element holds the identifier, as boto3 builds it.
    let mut empty = PutData::default();
    spread(&mut empty, "MetricData[*].MetricName", &name).unwrap();
    assert_eq!(empty.metric_data, vec![Datum { metric_name: "Latency".into(), value: None }]);
    // A target the spread cannot follow is an error naming it, not a guess.
    let error = spread(&mut empty, "MetricData[].Dimensions[].Name", &name).unwrap_err();
    assert!(error.to_string().contains("MetricData[].Dimensions[].Name"), "{error}");
    let error = spread(&mut empty, "Missing[].Name", &name).unwrap_err();
    assert!(error.to_string().contains("\"Missing\" is not a member of PutMetricDataInput"), "{error}");
}
