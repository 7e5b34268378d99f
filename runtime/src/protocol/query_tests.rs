//! The `query` and `ec2` serialiser against the bodies of the AWS protocol test suites
//! (`input/query.json`, `input/ec2.json` and their legacy counterparts), with the suites' shapes
//! rebuilt by hand, plus the edge cases the suites do not reach.

use super::*;
use crate::schema::{prim, Member, Schema};
use crate::types::Document;
use crate::{Blob, Map};

const VERSION: &str = "2020-01-08";

fn query(action: &str, shape: &dyn Shape) -> String {
    let mut out = String::new();
    match write_query(false, action, VERSION, shape, shape.schema(), &mut out) {
        Ok(()) => out,
        Err(e) => panic!("{action}: {e}"),
    }
}

fn ec2(action: &str, shape: &dyn Shape) -> String {
    let mut out = String::new();
    match write_query(true, action, VERSION, shape, shape.schema(), &mut out) {
        Ok(()) => out,
        Err(e) => panic!("{action}: {e}"),
    }
}

fn error_of(ec2: bool, shape: &dyn Shape) -> CodecError {
    let mut out = String::new();
    match write_query(ec2, "Op", VERSION, shape, shape.schema(), &mut out) {
        Ok(()) => panic!("expected an error, wrote {out}"),
        Err(e) => e,
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn string_map(entries: &[(&str, &str)]) -> Map<String, String> {
    entries.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

crate::string_enum! {
    pub enum FooEnum { Foo = "Foo", Baz = "Baz", Bar = "Bar", One = "1", Zero = "0" }
}

// SimpleInputParams (query and ec2 suites). The ec2 suite's extra members carry the Smithy
// `ec2QueryName` and `xmlName` traits as `queryName` and `locationName`.
static SIMPLE: Schema = Schema::structure(
    "SimpleInputParamsInput",
    &[
        Member::new("Foo", &prim::STRING),
        Member::new("Bar", &prim::STRING),
        Member::new("Baz", &prim::BOOLEAN),
        Member::new("Bam", &prim::INTEGER),
        Member::new("FloatValue", &prim::FLOAT),
        Member::new("Boo", &prim::DOUBLE),
        Member::new("Qux", &prim::BLOB),
        Member::new("FooEnum", &prim::ENUM),
        Member::new("IntegerEnum", &prim::INT_ENUM),
        Member::new("HasQueryName", &prim::STRING).query_name("HasQueryName"),
        Member::new("HasQueryAndXmlName", &prim::STRING).named("hasQueryAndXmlName").query_name("HasQueryAndXmlName"),
        Member::new("UsesXmlName", &prim::STRING).named("usesXmlName"),
    ],
);

#[derive(Default)]
struct Simple {
    foo: Option<String>,
    bar: Option<String>,
    baz: Option<bool>,
    bam: Option<i32>,
    float_value: Option<f32>,
    boo: Option<f64>,
    qux: Option<Blob>,
    foo_enum: Option<FooEnum>,
    integer_enum: Option<i32>,
    has_query_name: Option<String>,
    has_query_and_xml_name: Option<String>,
    uses_xml_name: Option<String>,
}
crate::structure!(
    Simple, SIMPLE, 0 => foo, 1 => bar, 2 => baz, 3 => bam, 4 => float_value, 5 => boo, 6 => qux,
    7 => foo_enum, 8 => integer_enum, 9 => has_query_name, 10 => has_query_and_xml_name, 11 => uses_xml_name
);

// NestedStructures.
static STRUCT_ARG: Schema = Schema::structure(
    "StructArg",
    &[
        Member::new("StringArg", &prim::STRING),
        Member::new("OtherArg", &prim::BOOLEAN),
        Member::new("RecursiveArg", &STRUCT_ARG),
    ],
)
.flags(shape_flags::RECURSIVE);
static NESTED_STRUCTURES: Schema = Schema::structure("NestedStructuresInput", &[Member::new("Nested", &STRUCT_ARG)]);

#[derive(Default)]
struct StructArg {
    string_arg: Option<String>,
    other_arg: Option<bool>,
    recursive_arg: Option<Box<StructArg>>,
}
crate::structure!(StructArg, STRUCT_ARG, 0 => string_arg, 1 => other_arg, 2 => recursive_arg);

#[derive(Default)]
struct NestedStructures {
    nested: Option<StructArg>,
}
crate::structure!(NestedStructures, NESTED_STRUCTURES, 0 => nested);

// QueryLists. The ec2 suite's model is the same apart from its flattened members, which `ec2`
// ignores, so both suites run over this one.
static STRING_LIST: Schema = Schema::list("StringList", &[Member::new("member", &prim::STRING)]);
static GREETING: Schema = Schema::structure("GreetingStruct", &[Member::new("hi", &prim::STRING)]);
static GREETING_LIST: Schema = Schema::list("GreetingList", &[Member::new("member", &GREETING)]);
static LIST_WITH_XML_NAME: Schema =
    Schema::list("ListWithXmlName", &[Member::new("member", &prim::STRING).named("item")]);
static NESTED_WITH_LIST: Schema = Schema::structure("NestedStructWithList", &[Member::new("ListArg", &STRING_LIST)]);
static QUERY_LISTS: Schema = Schema::structure(
    "QueryListsInput",
    &[
        Member::new("ListArg", &STRING_LIST),
        Member::new("ComplexListArg", &GREETING_LIST),
        Member::new("FlattenedListArg", &STRING_LIST).flags(flags::FLATTENED),
        Member::new("ListArgWithXmlNameMember", &LIST_WITH_XML_NAME),
        Member::new("FlattenedListArgWithXmlName", &LIST_WITH_XML_NAME).named("Hi").flags(flags::FLATTENED),
        Member::new("NestedWithList", &NESTED_WITH_LIST),
    ],
);

#[derive(Default)]
struct Greeting {
    hi: Option<String>,
}
crate::structure!(Greeting, GREETING, 0 => hi);

#[derive(Default)]
struct NestedWithList {
    list_arg: Option<Vec<String>>,
}
crate::structure!(NestedWithList, NESTED_WITH_LIST, 0 => list_arg);

#[derive(Default)]
struct QueryLists {
    list_arg: Option<Vec<String>>,
    complex_list_arg: Option<Vec<Greeting>>,
    flattened_list_arg: Option<Vec<String>>,
    list_arg_with_xml_name_member: Option<Vec<String>>,
    flattened_list_arg_with_xml_name: Option<Vec<String>>,
    nested_with_list: Option<NestedWithList>,
}
crate::structure!(
    QueryLists, QUERY_LISTS, 0 => list_arg, 1 => complex_list_arg, 2 => flattened_list_arg,
    3 => list_arg_with_xml_name_member, 4 => flattened_list_arg_with_xml_name, 5 => nested_with_list
);

// QueryMaps.
static STRING_MAP: Schema =
    Schema::map("StringMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)]);
static COMPLEX_MAP: Schema =
    Schema::map("ComplexMap", &[Member::new("key", &prim::STRING), Member::new("value", &GREETING)]);
static MAP_WITH_XML_NAME: Schema = Schema::map(
    "MapWithXmlName",
    &[Member::new("key", &prim::STRING).named("K"), Member::new("value", &prim::STRING).named("V")],
);
static MAP_OF_LISTS: Schema =
    Schema::map("MapOfLists", &[Member::new("key", &prim::STRING), Member::new("value", &STRING_LIST)]);
static NESTED_WITH_MAP: Schema = Schema::structure("NestedStructWithMap", &[Member::new("MapArg", &STRING_MAP)]);
static QUERY_MAPS: Schema = Schema::structure(
    "QueryMapsInput",
    &[
        Member::new("MapArg", &STRING_MAP),
        Member::new("RenamedMapArg", &STRING_MAP).named("Foo"),
        Member::new("ComplexMapArg", &COMPLEX_MAP),
        Member::new("MapWithXmlMemberName", &MAP_WITH_XML_NAME),
        Member::new("FlattenedMap", &STRING_MAP).flags(flags::FLATTENED),
        Member::new("FlattenedMapWithXmlName", &MAP_WITH_XML_NAME).named("Hi").flags(flags::FLATTENED),
        Member::new("MapOfLists", &MAP_OF_LISTS),
        Member::new("NestedStructWithMap", &NESTED_WITH_MAP),
    ],
);

#[derive(Default)]
struct NestedWithMap {
    map_arg: Option<Map<String, String>>,
}
crate::structure!(NestedWithMap, NESTED_WITH_MAP, 0 => map_arg);

#[derive(Default)]
struct QueryMaps {
    map_arg: Option<Map<String, String>>,
    renamed_map_arg: Option<Map<String, String>>,
    complex_map_arg: Option<Map<String, Greeting>>,
    map_with_xml_member_name: Option<Map<String, String>>,
    flattened_map: Option<Map<String, String>>,
    flattened_map_with_xml_name: Option<Map<String, String>>,
    map_of_lists: Option<Map<String, Vec<String>>>,
    nested_struct_with_map: Option<NestedWithMap>,
}
crate::structure!(
    QueryMaps, QUERY_MAPS, 0 => map_arg, 1 => renamed_map_arg, 2 => complex_map_arg,
    3 => map_with_xml_member_name, 4 => flattened_map, 5 => flattened_map_with_xml_name,
    6 => map_of_lists, 7 => nested_struct_with_map
);

// QueryTimestamps: a member's own format and its target's both arrive as `Member::ts`. The last
// member is not in the suites; it covers the third format.
static TIMESTAMPS: Schema = Schema::structure(
    "QueryTimestampsInput",
    &[
        Member::new("normalFormat", &prim::TIMESTAMP),
        Member::new("epochMember", &prim::TIMESTAMP).ts(TimestampFormat::EpochSeconds),
        Member::new("epochTarget", &prim::TIMESTAMP).ts(TimestampFormat::EpochSeconds),
        Member::new("httpDate", &prim::TIMESTAMP).ts(TimestampFormat::HttpDate),
    ],
);

#[derive(Default)]
struct Timestamps {
    normal_format: Option<DateTime>,
    epoch_member: Option<DateTime>,
    epoch_target: Option<DateTime>,
    http_date: Option<DateTime>,
}
crate::structure!(Timestamps, TIMESTAMPS, 0 => normal_format, 1 => epoch_member, 2 => epoch_target, 3 => http_date);

// The host-label case: the label is also an ordinary body parameter.
static HOST_LABEL: Schema = Schema::structure(
    "HostLabelInput",
    &[Member::new("label", &prim::STRING).flags(flags::HOST_LABEL | flags::REQUIRED)],
);

#[derive(Default)]
struct HostLabel {
    label: String,
}
crate::structure!(HostLabel, HOST_LABEL, 0 => label);

#[test]
fn query_simple_input_params() {
    let cases: [(Simple, &str); 11] = [
        (Simple { foo: Some("val1".into()), bar: Some("val2".into()), ..Simple::default() }, "&Foo=val1&Bar=val2"),
        (Simple { foo: Some("val1".into()), baz: Some(true), ..Simple::default() }, "&Foo=val1&Baz=true"),
        (Simple { baz: Some(false), ..Simple::default() }, "&Baz=false"),
        (Simple { bam: Some(10), ..Simple::default() }, "&Bam=10"),
        (Simple { boo: Some(10.8), ..Simple::default() }, "&Boo=10.8"),
        (Simple { qux: Some(Blob::from("value")), ..Simple::default() }, "&Qux=dmFsdWU%3D"),
        (Simple { foo_enum: Some(FooEnum::Foo), ..Simple::default() }, "&FooEnum=Foo"),
        (Simple { integer_enum: Some(1), ..Simple::default() }, "&IntegerEnum=1"),
        (Simple { float_value: Some(f32::NAN), boo: Some(f64::NAN), ..Simple::default() }, "&FloatValue=NaN&Boo=NaN"),
        (
            Simple { float_value: Some(f32::INFINITY), boo: Some(f64::INFINITY), ..Simple::default() },
            "&FloatValue=Infinity&Boo=Infinity",
        ),
        (
            Simple { float_value: Some(f32::NEG_INFINITY), boo: Some(f64::NEG_INFINITY), ..Simple::default() },
            "&FloatValue=-Infinity&Boo=-Infinity",
        ),
    ];
    for (input, params) in &cases {
        assert_eq!(query("SimpleInputParams", input), format!("Action=SimpleInputParams&Version=2020-01-08{params}"));
    }
    // Every enum value goes out as the model spells it.
    for value in FooEnum::VALUES {
        let input = Simple { foo_enum: Some(FooEnum::from(*value)), ..Simple::default() };
        assert_eq!(query("E", &input), format!("Action=E&Version=2020-01-08&FooEnum={value}"));
    }
}

#[test]
fn ec2_simple_input_params() {
    let cases: [(Simple, &str); 8] = [
        (Simple { foo: Some("val1".into()), bar: Some("val2".into()), ..Simple::default() }, "&Foo=val1&Bar=val2"),
        (Simple { foo: Some("val1".into()), baz: Some(true), ..Simple::default() }, "&Foo=val1&Baz=true"),
        (Simple { boo: Some(10.8), ..Simple::default() }, "&Boo=10.8"),
        (Simple { qux: Some(Blob::from("value")), ..Simple::default() }, "&Qux=dmFsdWU%3D"),
        // Ec2Query, Ec2QueryIsPreferred and Ec2XmlNameIsUppercased.
        (Simple { has_query_name: Some("Hi".into()), ..Simple::default() }, "&HasQueryName=Hi"),
        (Simple { has_query_and_xml_name: Some("Hi".into()), ..Simple::default() }, "&HasQueryAndXmlName=Hi"),
        (Simple { uses_xml_name: Some("Hi".into()), ..Simple::default() }, "&UsesXmlName=Hi"),
        (
            Simple { float_value: Some(f32::NEG_INFINITY), boo: Some(f64::NAN), ..Simple::default() },
            "&FloatValue=-Infinity&Boo=NaN",
        ),
    ];
    for (input, params) in &cases {
        assert_eq!(ec2("SimpleInputParams", input), format!("Action=SimpleInputParams&Version=2020-01-08{params}"));
    }
}

#[test]
fn nested_structures() {
    let input = NestedStructures {
        nested: Some(StructArg {
            string_arg: Some("foo".into()),
            other_arg: Some(true),
            recursive_arg: Some(Box::new(StructArg { string_arg: Some("baz".into()), ..StructArg::default() })),
        }),
    };
    let expected = "Action=NestedStructures&Version=2020-01-08\
                    &Nested.StringArg=foo&Nested.OtherArg=true&Nested.RecursiveArg.StringArg=baz";
    assert_eq!(query("NestedStructures", &input), expected);
    assert_eq!(ec2("NestedStructures", &input), expected);
    // An empty input and an empty nested structure add nothing.
    assert_eq!(query("NoInput", &NestedStructures::default()), "Action=NoInput&Version=2020-01-08");
    let empty = NestedStructures { nested: Some(StructArg::default()) };
    assert_eq!(ec2("NoInput", &empty), "Action=NoInput&Version=2020-01-08");
}

#[test]
fn query_lists() {
    let prefix = "Action=QueryLists&Version=2020-01-08";
    let all = QueryLists {
        list_arg: Some(strings(&["foo", "bar", "baz"])),
        complex_list_arg: Some(vec![Greeting { hi: Some("hello".into()) }, Greeting { hi: Some("hola".into()) }]),
        ..QueryLists::default()
    };
    assert_eq!(
        query("QueryLists", &all),
        format!(
            "{prefix}&ListArg.member.1=foo&ListArg.member.2=bar&ListArg.member.3=baz\
             &ComplexListArg.member.1.hi=hello&ComplexListArg.member.2.hi=hola"
        )
    );
    let empty = QueryLists { list_arg: Some(Vec::new()), ..QueryLists::default() };
    assert_eq!(query("QueryLists", &empty), format!("{prefix}&ListArg="));
    let flattened = QueryLists { flattened_list_arg: Some(strings(&["A", "B"])), ..QueryLists::default() };
    assert_eq!(query("QueryLists", &flattened), format!("{prefix}&FlattenedListArg.1=A&FlattenedListArg.2=B"));
    let named = QueryLists { list_arg_with_xml_name_member: Some(strings(&["A", "B"])), ..QueryLists::default() };
    assert_eq!(
        query("QueryLists", &named),
        format!("{prefix}&ListArgWithXmlNameMember.item.1=A&ListArgWithXmlNameMember.item.2=B")
    );
    // QueryFlattenedListArgWithXmlName, which botocore fails (it writes `item.1`): the member's
    // own `locationName` wins over the element's.
    let flat_named =
        QueryLists { flattened_list_arg_with_xml_name: Some(strings(&["A", "B"])), ..QueryLists::default() };
    assert_eq!(query("QueryLists", &flat_named), format!("{prefix}&Hi.1=A&Hi.2=B"));
    let nested = QueryLists {
        nested_with_list: Some(NestedWithList { list_arg: Some(strings(&["A", "B"])) }),
        ..QueryLists::default()
    };
    assert_eq!(
        query("QueryLists", &nested),
        format!("{prefix}&NestedWithList.ListArg.member.1=A&NestedWithList.ListArg.member.2=B")
    );
}

#[test]
fn ec2_lists() {
    let prefix = "Action=QueryLists&Version=2020-01-08";
    // Ec2Lists, which botocore fails (it keeps `hi` lower-case).
    let all = QueryLists {
        list_arg: Some(strings(&["foo", "bar", "baz"])),
        complex_list_arg: Some(vec![Greeting { hi: Some("hello".into()) }, Greeting { hi: Some("hola".into()) }]),
        ..QueryLists::default()
    };
    assert_eq!(
        ec2("QueryLists", &all),
        format!(
            "{prefix}&ListArg.1=foo&ListArg.2=bar&ListArg.3=baz&ComplexListArg.1.Hi=hello&ComplexListArg.2.Hi=hola"
        )
    );
    let empty = QueryLists { list_arg: Some(Vec::new()), ..QueryLists::default() };
    assert_eq!(ec2("QueryLists", &empty), prefix);
    let named = QueryLists { list_arg_with_xml_name_member: Some(strings(&["A", "B"])), ..QueryLists::default() };
    assert_eq!(
        ec2("QueryLists", &named),
        format!("{prefix}&ListArgWithXmlNameMember.1=A&ListArgWithXmlNameMember.2=B")
    );
    let renamed = QueryLists { flattened_list_arg_with_xml_name: Some(strings(&["A", "B"])), ..QueryLists::default() };
    assert_eq!(ec2("QueryLists", &renamed), format!("{prefix}&Hi.1=A&Hi.2=B"));
    let nested = QueryLists {
        nested_with_list: Some(NestedWithList { list_arg: Some(strings(&["A", "B"])) }),
        ..QueryLists::default()
    };
    assert_eq!(ec2("QueryLists", &nested), format!("{prefix}&NestedWithList.ListArg.1=A&NestedWithList.ListArg.2=B"));
}

#[test]
fn query_maps() {
    let prefix = "Action=QueryMaps&Version=2020-01-08";
    let bar_foo = || Some(string_map(&[("bar", "Bar"), ("foo", "Foo")]));
    let cases: Vec<(QueryMaps, String)> = vec![
        (
            QueryMaps { map_arg: bar_foo(), ..QueryMaps::default() },
            "&MapArg.entry.1.key=bar&MapArg.entry.1.value=Bar&MapArg.entry.2.key=foo&MapArg.entry.2.value=Foo".into(),
        ),
        (
            QueryMaps { renamed_map_arg: Some(string_map(&[("foo", "Foo")])), ..QueryMaps::default() },
            "&Foo.entry.1.key=foo&Foo.entry.1.value=Foo".into(),
        ),
        (
            QueryMaps {
                complex_map_arg: Some(
                    [("bar", "Bar"), ("foo", "Foo")]
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), Greeting { hi: Some(v.to_owned()) }))
                        .collect(),
                ),
                ..QueryMaps::default()
            },
            "&ComplexMapArg.entry.1.key=bar&ComplexMapArg.entry.1.value.hi=Bar\
             &ComplexMapArg.entry.2.key=foo&ComplexMapArg.entry.2.value.hi=Foo"
                .into(),
        ),
        (QueryMaps { map_arg: Some(Map::new()), ..QueryMaps::default() }, String::new()),
        (
            QueryMaps { map_with_xml_member_name: bar_foo(), ..QueryMaps::default() },
            "&MapWithXmlMemberName.entry.1.K=bar&MapWithXmlMemberName.entry.1.V=Bar\
             &MapWithXmlMemberName.entry.2.K=foo&MapWithXmlMemberName.entry.2.V=Foo"
                .into(),
        ),
        (
            QueryMaps { flattened_map: bar_foo(), ..QueryMaps::default() },
            "&FlattenedMap.1.key=bar&FlattenedMap.1.value=Bar&FlattenedMap.2.key=foo&FlattenedMap.2.value=Foo".into(),
        ),
        (
            QueryMaps { flattened_map_with_xml_name: bar_foo(), ..QueryMaps::default() },
            "&Hi.1.K=bar&Hi.1.V=Bar&Hi.2.K=foo&Hi.2.V=Foo".into(),
        ),
        (
            QueryMaps {
                map_of_lists: Some(
                    [("bar", ["C", "D"]), ("foo", ["A", "B"])]
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), strings(&v)))
                        .collect(),
                ),
                ..QueryMaps::default()
            },
            "&MapOfLists.entry.1.key=bar&MapOfLists.entry.1.value.member.1=C&MapOfLists.entry.1.value.member.2=D\
             &MapOfLists.entry.2.key=foo&MapOfLists.entry.2.value.member.1=A&MapOfLists.entry.2.value.member.2=B"
                .into(),
        ),
        (
            QueryMaps { nested_struct_with_map: Some(NestedWithMap { map_arg: bar_foo() }), ..QueryMaps::default() },
            "&NestedStructWithMap.MapArg.entry.1.key=bar&NestedStructWithMap.MapArg.entry.1.value=Bar\
             &NestedStructWithMap.MapArg.entry.2.key=foo&NestedStructWithMap.MapArg.entry.2.value=Foo"
                .into(),
        ),
    ];
    for (input, params) in &cases {
        assert_eq!(query("QueryMaps", input), format!("{prefix}{params}"));
    }
}

#[test]
fn timestamps() {
    let t = Some(DateTime::from_secs(1_422_172_800));
    let input = Timestamps { normal_format: t, epoch_member: t, epoch_target: t, http_date: None };
    assert_eq!(
        query("QueryTimestamps", &input),
        "Action=QueryTimestamps&Version=2020-01-08\
         &normalFormat=2015-01-25T08%3A00%3A00Z&epochMember=1422172800&epochTarget=1422172800"
    );
    assert_eq!(
        ec2("QueryTimestamps", &input),
        "Action=QueryTimestamps&Version=2020-01-08\
         &NormalFormat=2015-01-25T08%3A00%3A00Z&EpochMember=1422172800&EpochTarget=1422172800"
    );
    // botocore writes microseconds (six digits) when there are any and drops the fraction of
    // epoch seconds and HTTP dates.
    let t = Some(DateTime::from_secs_and_nanos(1_422_172_800, 123_456_789));
    let input = Timestamps { normal_format: t, epoch_member: t, epoch_target: None, http_date: t };
    assert_eq!(
        query("T", &input),
        "Action=T&Version=2020-01-08&normalFormat=2015-01-25T08%3A00%3A00.123456Z&epochMember=1422172800\
         &httpDate=Sun%2C%2025%20Jan%202015%2008%3A00%3A00%20GMT"
    );
    let millis = Timestamps { normal_format: Some(DateTime::from_millis(1_422_172_800_120)), ..Timestamps::default() };
    assert_eq!(query("T", &millis), "Action=T&Version=2020-01-08&normalFormat=2015-01-25T08%3A00%3A00.120000Z");
    let before_epoch = Timestamps {
        normal_format: Some(DateTime::from_secs_and_nanos(-1, 500_000_000)),
        epoch_member: Some(DateTime::from_secs_and_nanos(-1, 500_000_000)),
        ..Timestamps::default()
    };
    assert_eq!(
        query("T", &before_epoch),
        "Action=T&Version=2020-01-08&normalFormat=1969-12-31T23%3A59%3A59.500000Z&epochMember=-1"
    );
    // Nanoseconds below a microsecond are dropped rather than rounded, as Python's datetime has
    // no room for them.
    let nanos = Timestamps { normal_format: Some(DateTime::from_secs_and_nanos(0, 999)), ..Timestamps::default() };
    assert_eq!(query("T", &nanos), "Action=T&Version=2020-01-08&normalFormat=1970-01-01T00%3A00%3A00Z");
}

#[test]
fn host_labels_are_body_parameters() {
    let input = HostLabel { label: "bar".into() };
    assert_eq!(
        query("EndpointWithHostLabelOperation", &input),
        "Action=EndpointWithHostLabelOperation&Version=2020-01-08&label=bar"
    );
    // Ec2QueryEndpointTraitWithHostLabel, which botocore fails (it keeps `label`).
    assert_eq!(
        ec2("EndpointWithHostLabelOperation", &input),
        "Action=EndpointWithHostLabelOperation&Version=2020-01-08&Label=bar"
    );
}

// The legacy suites' shapes that the Smithy suites do not have.
static FLAT_LIST: Schema =
    Schema::list("ListType", &[Member::new("member", &prim::STRING)]).flags(shape_flags::FLATTENED);
static NAMED_FLAT_LIST: Schema =
    Schema::list("NamedListType", &[Member::new("member", &prim::STRING).named("Foo")]).flags(shape_flags::FLATTENED);
static FLAT_MAP: Schema =
    Schema::map("StringMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)])
        .flags(shape_flags::FLATTENED);
static LEGACY_FLAT: Schema = Schema::structure(
    "InputShape",
    &[
        Member::new("ScalarArg", &prim::STRING),
        Member::new("ListArg", &FLAT_LIST),
        Member::new("NamedListArg", &NAMED_FLAT_LIST),
        Member::new("MapArg", &FLAT_MAP),
    ],
);

#[derive(Default)]
struct LegacyFlat {
    scalar_arg: Option<String>,
    list_arg: Option<Vec<String>>,
    named_list_arg: Option<Vec<String>>,
    map_arg: Option<Map<String, String>>,
}
crate::structure!(LegacyFlat, LEGACY_FLAT, 0 => scalar_arg, 1 => list_arg, 2 => named_list_arg, 3 => map_arg);

#[test]
fn legacy_flattened_shapes() {
    let prefix = "Action=OperationName&Version=2014-01-01";
    let write = |input: &LegacyFlat| {
        let mut out = String::new();
        write_query(false, "OperationName", "2014-01-01", input, &LEGACY_FLAT, &mut out).map(|()| out)
    };
    let list = LegacyFlat {
        scalar_arg: Some("foo".into()),
        list_arg: Some(strings(&["a", "b", "c"])),
        ..LegacyFlat::default()
    };
    assert_eq!(write(&list), Ok(format!("{prefix}&ScalarArg=foo&ListArg.1=a&ListArg.2=b&ListArg.3=c")));
    // A flattened list whose element has a name takes that name (botocore's rule).
    let named = LegacyFlat { named_list_arg: Some(strings(&["a"])), ..LegacyFlat::default() };
    assert_eq!(write(&named), Ok(format!("{prefix}&Foo.1=a")));
    let map = LegacyFlat { map_arg: Some(string_map(&[("key1", "val1"), ("key2", "val2")])), ..LegacyFlat::default() };
    assert_eq!(
        write(&map),
        Ok(format!("{prefix}&MapArg.1.key=key1&MapArg.1.value=val1&MapArg.2.key=key2&MapArg.2.value=val2"))
    );
}

static RECURSIVE: Schema = Schema::structure(
    "RecursiveStructType",
    &[
        Member::new("NoRecurse", &prim::STRING),
        Member::new("RecursiveStruct", &RECURSIVE),
        Member::new("RecursiveList", &RECURSIVE_LIST),
        Member::new("RecursiveMap", &RECURSIVE_MAP),
    ],
)
.flags(shape_flags::RECURSIVE);
static RECURSIVE_LIST: Schema = Schema::list("RecursiveListType", &[Member::new("member", &RECURSIVE)]);
static RECURSIVE_MAP: Schema =
    Schema::map("RecursiveMapType", &[Member::new("key", &prim::STRING), Member::new("value", &RECURSIVE)]);

#[derive(Default)]
struct Recursive {
    no_recurse: Option<String>,
    recursive_struct: Option<Box<Recursive>>,
    recursive_list: Option<Vec<Recursive>>,
    recursive_map: Option<Map<String, Recursive>>,
}
crate::structure!(Recursive, RECURSIVE, 0 => no_recurse, 1 => recursive_struct, 2 => recursive_list, 3 => recursive_map);

fn leaf(s: &str) -> Recursive {
    Recursive { no_recurse: Some(s.into()), ..Recursive::default() }
}

#[test]
fn legacy_recursive_shapes() {
    let wrap = |inner: Recursive| Recursive { recursive_struct: Some(Box::new(inner)), ..Recursive::default() };
    let list = wrap(Recursive {
        recursive_list: Some(vec![
            leaf("foo"),
            Recursive { recursive_struct: Some(Box::new(leaf("bar"))), ..Recursive::default() },
        ]),
        ..Recursive::default()
    });
    assert_eq!(
        query("Op", &list),
        "Action=Op&Version=2020-01-08&RecursiveStruct.RecursiveList.member.1.NoRecurse=foo\
         &RecursiveStruct.RecursiveList.member.2.RecursiveStruct.NoRecurse=bar"
    );
    let map = wrap(Recursive {
        recursive_map: Some(
            [("foo", leaf("foo")), ("bar", leaf("bar"))].into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ),
        ..Recursive::default()
    });
    assert_eq!(
        query("Op", &map),
        "Action=Op&Version=2020-01-08&RecursiveStruct.RecursiveMap.entry.1.key=foo\
         &RecursiveStruct.RecursiveMap.entry.1.value.NoRecurse=foo&RecursiveStruct.RecursiveMap.entry.2.key=bar\
         &RecursiveStruct.RecursiveMap.entry.2.value.NoRecurse=bar"
    );
    assert_eq!(
        query("Op", &wrap(wrap(wrap(leaf("foo"))))),
        "Action=Op&Version=2020-01-08&RecursiveStruct.RecursiveStruct.RecursiveStruct.NoRecurse=foo"
    );
}

// The legacy ec2 suite's names: queryName beats locationName, which is capitalised.
static STRUCT_TYPE: Schema =
    Schema::structure("StructType", &[Member::new("ScalarArg", &prim::STRING).named("Scalar")]);
static EC2_NAMES: Schema = Schema::structure(
    "InputShape",
    &[
        Member::new("Foo", &prim::STRING),
        Member::new("Bar", &prim::STRING).named("barLocationName"),
        Member::new("Yuck", &prim::STRING).named("yuckLocationName").query_name("yuckQueryName"),
        Member::new("StructArg", &STRUCT_TYPE).named("Struct"),
        Member::new("ListArg", &LIST_WITH_XML_NAME).named("ListMemberName"),
        Member::new("QueriedList", &LIST_WITH_XML_NAME).named("ListMemberName").query_name("ListQueryName"),
        Member::new("\u{e9}t\u{e9}", &prim::STRING),
    ],
);

#[derive(Default)]
struct StructType {
    scalar_arg: Option<String>,
}
crate::structure!(StructType, STRUCT_TYPE, 0 => scalar_arg);

#[derive(Default)]
struct Ec2Names {
    foo: Option<String>,
    bar: Option<String>,
    yuck: Option<String>,
    struct_arg: Option<StructType>,
    list_arg: Option<Vec<String>>,
    queried_list: Option<Vec<String>>,
    ete: Option<String>,
}
crate::structure!(Ec2Names, EC2_NAMES, 0 => foo, 1 => bar, 2 => yuck, 3 => struct_arg, 4 => list_arg, 5 => queried_list, 6 => ete);

#[test]
fn ec2_names() {
    let prefix = "Action=OperationName&Version=2020-01-08";
    let names = Ec2Names {
        foo: Some("val1".into()),
        bar: Some("val2".into()),
        yuck: Some("val3".into()),
        ..Ec2Names::default()
    };
    assert_eq!(ec2("OperationName", &names), format!("{prefix}&Foo=val1&BarLocationName=val2&yuckQueryName=val3"));
    let nested = Ec2Names { struct_arg: Some(StructType { scalar_arg: Some("foo".into()) }), ..Ec2Names::default() };
    assert_eq!(ec2("OperationName", &nested), format!("{prefix}&Struct.Scalar=foo"));
    let list = Ec2Names { list_arg: Some(strings(&["a", "b", "c"])), ..Ec2Names::default() };
    assert_eq!(
        ec2("OperationName", &list),
        format!("{prefix}&ListMemberName.1=a&ListMemberName.2=b&ListMemberName.3=c")
    );
    let queried = Ec2Names { queried_list: Some(strings(&["a", "b", "c"])), ..Ec2Names::default() };
    assert_eq!(
        ec2("OperationName", &queried),
        format!("{prefix}&ListQueryName.1=a&ListQueryName.2=b&ListQueryName.3=c")
    );
    // Upper-casing is Unicode-aware and the result is percent-encoded like any key.
    let unicode = Ec2Names { ete: Some("x".into()), ..Ec2Names::default() };
    assert_eq!(ec2("OperationName", &unicode), format!("{prefix}&%C3%89t%C3%A9=x"));
    // The same model through `query` keeps the names as they are.
    assert_eq!(query("OperationName", &names), format!("{prefix}&Foo=val1&barLocationName=val2&yuckLocationName=val3"));
}

#[test]
fn percent_encoding() {
    let input = Simple {
        foo: Some("a b&c=d/\u{e9}~-_.+%*".into()),
        qux: Some(Blob::new(vec![0xFB, 0xFF, 0xBF])),
        ..Simple::default()
    };
    assert_eq!(
        query("Do It", &input),
        "Action=Do%20It&Version=2020-01-08&Foo=a%20b%26c%3Dd%2F%C3%A9~-_.%2B%25%2A&Qux=%2B%2F%2B%2F"
    );
    // Empty strings are sent: they are values, not absences.
    let empty = Simple { foo: Some(String::new()), ..Simple::default() };
    assert_eq!(query("Op", &empty), "Action=Op&Version=2020-01-08&Foo=");
}

#[test]
fn floats_print_as_python_does() {
    let cases: &[(f64, &str)] = &[
        (10.8, "10.8"),
        (1.0, "1.0"),
        (100.0, "100.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1e15, "1000000000000000.0"),
        (1e16, "1e+16"),
        (1.5e16, "1.5e+16"),
        (0.0001, "0.0001"),
        (1e-5, "1e-05"),
        (-2.5e-7, "-2.5e-07"),
        (123_456_789_012_345_680.0, "1.2345678901234568e+17"),
        (f64::MAX, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
    ];
    for (value, expected) in cases {
        let mut out = String::new();
        write_float(&mut out, *value, false);
        assert_eq!(out, *expected, "{value:?}");
    }
    // A float member prints the digits of its `f32`, not of the widened `f64`.
    let mut out = String::new();
    write_float(&mut out, f64::from(0.1f32), true);
    assert_eq!(out, "0.1");
    let float = Simple { float_value: Some(0.1), ..Simple::default() };
    assert_eq!(query("Op", &float), "Action=Op&Version=2020-01-08&FloatValue=0.1");
}

// Members and shapes the suites do not reach: sparse lists, lists of lists, other locations,
// documents, big numbers and unions.
static SPARSE_LIST: Schema =
    Schema::list("SparseList", &[Member::new("member", &prim::STRING)]).flags(shape_flags::SPARSE);
static LIST_OF_LISTS: Schema = Schema::list("ListOfLists", &[Member::new("member", &STRING_LIST)]);
static TAG: Schema =
    Schema::structure("Tag", &[Member::new("Key", &prim::STRING), Member::new("Value", &prim::DOCUMENT)]);
static TAG_LIST: Schema = Schema::list("TagList", &[Member::new("member", &TAG)]);
static CHOICE: Schema =
    Schema::union("Choice", &[Member::new("Text", &prim::STRING), Member::new("Number", &prim::INTEGER)]);
static ODDS: Schema = Schema::structure(
    "Odds",
    &[
        Member::new("Sparse", &SPARSE_LIST).flags(flags::SPARSE),
        Member::new("Lists", &LIST_OF_LISTS),
        Member::new("Header", &prim::STRING).at(Location::Header, "x-amz-header"),
        Member::new("Tags", &TAG_LIST),
        Member::new("Big", &prim::BIG_DECIMAL),
        Member::new("Choice", &CHOICE),
        Member::new("Mismatch", &prim::STRING),
    ],
);

#[derive(Default)]
struct Tag {
    key: Option<String>,
    value: Option<Document>,
}
crate::structure!(Tag, TAG, 0 => key, 1 => value);

enum Choice {
    Text(String),
    Number(i32),
    Unknown(String),
}
crate::union!(Choice, CHOICE, 0 => Text, 1 => Number);

#[derive(Default)]
struct Odds {
    sparse: Option<Vec<Option<String>>>,
    lists: Option<Vec<Vec<String>>>,
    header: Option<String>,
    tags: Option<Vec<Tag>>,
    big: Option<String>,
    choice: Option<Choice>,
    /// A list where the schema says string: only a hand-built value can be this wrong.
    mismatch: Option<Vec<String>>,
}
crate::structure!(Odds, ODDS, 0 => sparse, 1 => lists, 2 => header, 3 => tags, 4 => big, 5 => choice, 6 => mismatch);

#[test]
fn members_beyond_the_suites() {
    let input = Odds {
        sparse: Some(vec![Some("a".into()), None, Some("c".into())]),
        lists: Some(vec![strings(&["x"]), Vec::new()]),
        header: Some("not in the body".into()),
        big: Some("1.50".into()),
        choice: Some(Choice::Number(7)),
        ..Odds::default()
    };
    assert_eq!(
        query("Op", &input),
        "Action=Op&Version=2020-01-08&Sparse.member.1=a&Sparse.member.3=c\
         &Lists.member.1.member.1=x&Lists.member.2=&Big=1.50&Choice.Number=7"
    );
    assert_eq!(
        ec2("Op", &input),
        "Action=Op&Version=2020-01-08&Sparse.1=a&Sparse.3=c&Lists.1.1=x&Big=1.50&Choice.Number=7"
    );
    let text = Odds { choice: Some(Choice::Text("t".into())), ..Odds::default() };
    assert_eq!(query("Op", &text), "Action=Op&Version=2020-01-08&Choice.Text=t");
}

#[test]
fn errors_name_the_key_and_never_the_value() {
    let secret = "hunter2";
    let input = Odds {
        tags: Some(vec![
            Tag { key: Some("k".into()), value: None },
            Tag { key: Some(secret.into()), value: Some(Document::String(secret.into())) },
        ]),
        ..Odds::default()
    };
    let error = error_of(false, &input);
    assert_eq!(error.path, "Tags.member.2.Value");
    assert_eq!(error.reason, "a document cannot be sent in a query string");
    assert!(!error.to_string().contains(secret));
    assert_eq!(error_of(true, &input).path, "Tags.2.Value");

    let unknown = Odds { choice: Some(Choice::Unknown(String::new())), ..Odds::default() };
    let error = error_of(false, &unknown);
    assert_eq!((error.path.as_str(), error.reason.as_str()), ("Choice", "a union must have a known variant set"));

    let mismatch = Odds { mismatch: Some(strings(&[secret])), ..Odds::default() };
    let error = error_of(false, &mismatch);
    assert_eq!(
        (error.path.as_str(), error.reason.as_str()),
        ("Mismatch", "the schema says String, the value is a list")
    );
}

#[test]
fn nesting_is_limited() {
    fn chain(levels: usize) -> NestedStructures {
        let mut arg = StructArg { string_arg: Some("deep".into()), ..StructArg::default() };
        for _ in 1..levels {
            arg = StructArg { recursive_arg: Some(Box::new(arg)), ..StructArg::default() };
        }
        NestedStructures { nested: Some(arg) }
    }
    // The input is level 0, so 127 nested structures are the most that fit.
    let deepest = query("Op", &chain(MAX_DEPTH - 1));
    assert!(deepest.ends_with(".RecursiveArg.StringArg=deep"), "{deepest}");
    let error = error_of(false, &chain(MAX_DEPTH));
    assert_eq!(error.reason, "nesting is deeper than 128 levels");
    assert!(error.path.starts_with("Nested.RecursiveArg.") && error.path.ends_with(".RecursiveArg"));
    // Far deeper values fail the same way instead of exhausting the stack.
    let error = error_of(true, &chain(5_000));
    assert_eq!(error.reason, "nesting is deeper than 128 levels");
}

#[test]
fn output_is_appended() {
    let mut out = String::from("prefix:");
    let input = Simple { bam: Some(-3), ..Simple::default() };
    assert_eq!(write_query(false, "A", "1", &input, &SIMPLE, &mut out), Ok(()));
    assert_eq!(out, "prefix:Action=A&Version=1&Bam=-3");
}
