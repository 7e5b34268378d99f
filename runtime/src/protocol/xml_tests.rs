use super::*;
use crate::schema::{prim, ErrorTraits};
use crate::types::{Blob, Document};
use crate::Map;

crate::string_enum! {
    pub enum Color { Red = "red", Blue = "blue" }
}

static NS_FOO: XmlNamespace = XmlNamespace { uri: "http://foo.com", prefix: None };
static NS_BAZ: XmlNamespace = XmlNamespace { uri: "http://baz.com", prefix: Some("baz") };
static NS_QUX: XmlNamespace = XmlNamespace { uri: "http://qux.com", prefix: None };
static NS_BUX: XmlNamespace = XmlNamespace { uri: "http://bux.com", prefix: None };
static NS_XSI: XmlNamespace = XmlNamespace { uri: "http://www.w3.org/2001/XMLSchema-instance", prefix: Some("xsi") };

#[derive(Clone, Default, PartialEq)]
struct Scalars {
    string: Option<String>,
    boolean: Option<bool>,
    byte: Option<i8>,
    short: Option<i16>,
    integer: Option<i32>,
    long: Option<i64>,
    float: Option<f32>,
    double: Option<f64>,
    blob: Option<Blob>,
    time: Option<DateTime>,
    epoch: Option<DateTime>,
    http: Option<DateTime>,
    color: Option<Color>,
    big: Option<String>,
    header: Option<String>,
    attr: Option<String>,
}
crate::structure!(
    Scalars, SCALARS, 0 => string, 1 => boolean, 2 => byte, 3 => short, 4 => integer, 5 => long, 6 => float,
    7 => double, 8 => blob, 9 => time, 10 => epoch, 11 => http, 12 => color, 13 => big, 14 => header, 15 => attr
);
static SCALARS: Schema = Schema::structure(
    "Scalars",
    &[
        Member::new("String", &prim::STRING),
        Member::new("Boolean", &prim::BOOLEAN),
        Member::new("Byte", &prim::BYTE),
        Member::new("Short", &prim::SHORT),
        Member::new("Integer", &prim::INTEGER),
        Member::new("Long", &prim::LONG),
        Member::new("Float", &prim::FLOAT),
        Member::new("Double", &prim::DOUBLE).named("DoubleDribble"),
        Member::new("Blob", &prim::BLOB),
        Member::new("Time", &prim::TIMESTAMP),
        Member::new("Epoch", &prim::TIMESTAMP).ts(TimestampFormat::EpochSeconds),
        Member::new("Http", &prim::TIMESTAMP).ts(TimestampFormat::HttpDate),
        Member::new("Color", &prim::ENUM),
        Member::new("Big", &prim::BIG_INTEGER),
        Member::new("Header", &prim::STRING).at(Location::Header, "X-Header"),
        Member::new("Attr", &prim::STRING).named("test").flags(flags::XML_ATTRIBUTE),
    ],
);

#[derive(Clone, Default, PartialEq)]
struct Item {
    value: Option<String>,
    count: Option<i32>,
}
crate::structure!(Item, ITEM, 0 => value, 1 => count);
static ITEM: Schema = Schema::structure(
    "Item",
    &[Member::new("Value", &prim::STRING).named("value"), Member::new("Count", &prim::INTEGER)],
)
.named("ItemElement");

static STRING_LIST: Schema = Schema::list("StringList", &[Member::new("member", &prim::STRING)]);
static RENAMED_LIST: Schema = Schema::list("RenamedList", &[Member::new("member", &prim::STRING).named("item")]);
static QUEUE_URL_LIST: Schema = Schema::list("QueueUrlList", &[Member::new("member", &prim::STRING).named("QueueUrl")])
    .flags(shape_flags::FLATTENED);
static NESTED_LIST: Schema = Schema::list("NestedList", &[Member::new("member", &STRING_LIST)]);
static ITEM_LIST: Schema = Schema::list("ItemList", &[Member::new("member", &ITEM).named("entryItem")]);
static SPARSE_LIST: Schema =
    Schema::list("SparseList", &[Member::new("member", &prim::STRING)]).flags(shape_flags::SPARSE);
// A list's items take the timestamp format of the list member, not of the structure member.
static TIME_LIST: Schema =
    Schema::list("TimeList", &[Member::new("member", &prim::TIMESTAMP).ts(TimestampFormat::EpochSeconds)]);

#[derive(Clone, Default, PartialEq)]
struct Lists {
    wrapped: Option<Vec<String>>,
    renamed: Option<Vec<String>>,
    flat: Option<Vec<String>>,
    custom: Option<Vec<String>>,
    queue_urls: Option<Vec<String>>,
    nested: Option<Vec<Vec<String>>>,
    items: Option<Vec<Item>>,
    flat_items: Option<Vec<Item>>,
    sparse: Option<Vec<Option<String>>>,
    times: Option<Vec<DateTime>>,
}
crate::structure!(
    Lists, LISTS, 0 => wrapped, 1 => renamed, 2 => flat, 3 => custom, 4 => queue_urls, 5 => nested, 6 => items,
    7 => flat_items, 8 => sparse, 9 => times
);
static LISTS: Schema = Schema::structure(
    "Lists",
    &[
        Member::new("wrapped", &STRING_LIST),
        Member::new("renamed", &RENAMED_LIST),
        Member::new("flat", &RENAMED_LIST).flags(flags::FLATTENED),
        Member::new("flat2", &RENAMED_LIST).named("customName").flags(flags::FLATTENED),
        Member::new("QueueUrls", &QUEUE_URL_LIST),
        Member::new("nested", &NESTED_LIST),
        Member::new("items", &ITEM_LIST).named("myItems"),
        Member::new("flatItems", &ITEM_LIST).flags(flags::FLATTENED),
        Member::new("sparse", &SPARSE_LIST),
        Member::new("times", &TIME_LIST).ts(TimestampFormat::HttpDate),
    ],
);

static STRING_MAP: Schema =
    Schema::map("StringMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)]);
static NAMED_MAP: Schema = Schema::map(
    "NamedMap",
    &[Member::new("key", &prim::STRING).named("K").ns(&NS_BAZ), Member::new("value", &ITEM).named("V")],
);
static ATTRIBUTE_MAP: Schema = Schema::map(
    "AttributeMap",
    &[Member::new("key", &prim::ENUM).named("Name"), Member::new("value", &prim::STRING).named("Value")],
)
.flags(shape_flags::FLATTENED);
static SPARSE_MAP: Schema =
    Schema::map("SparseMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)])
        .flags(shape_flags::SPARSE);
static NESTED_MAP: Schema =
    Schema::map("NestedMap", &[Member::new("key", &prim::STRING), Member::new("value", &STRING_MAP)]);

#[derive(Clone, Default, PartialEq)]
struct Maps {
    wrapped: Option<Map<String, String>>,
    named: Option<Map<String, Item>>,
    flat: Option<Map<String, String>>,
    attributes: Option<Map<Color, String>>,
    sparse: Option<Map<String, Option<String>>>,
    nested: Option<Map<String, Map<String, String>>>,
}
crate::structure!(Maps, MAPS, 0 => wrapped, 1 => named, 2 => flat, 3 => attributes, 4 => sparse, 5 => nested);
static MAPS: Schema = Schema::structure(
    "Maps",
    &[
        Member::new("wrapped", &STRING_MAP),
        Member::new("named", &NAMED_MAP).named("KVP"),
        Member::new("flat", &STRING_MAP).flags(flags::FLATTENED),
        Member::new("Attributes", &ATTRIBUTE_MAP).named("Attribute"),
        Member::new("sparse", &SPARSE_MAP),
        Member::new("nested", &NESTED_MAP),
    ],
);

#[derive(Clone, PartialEq)]
enum Choice {
    Text(String),
    Number(i32),
    Nested(Box<Choice>),
    Items(Vec<String>),
    Unknown(String),
}
crate::union!(Choice, CHOICE, 0 => Text, 1 => Number, 2 => Nested, 3 => Items);
static CHOICE: Schema = Schema::union(
    "Choice",
    &[
        Member::new("text", &prim::STRING),
        Member::new("number", &prim::INTEGER),
        Member::new("nested", &CHOICE),
        Member::new("items", &STRING_LIST),
    ],
);

#[derive(Clone, Default, PartialEq)]
struct Node {
    name: Option<String>,
    child: Option<Box<Node>>,
    choice: Option<Choice>,
}
crate::structure!(Node, NODE, 0 => name, 1 => child, 2 => choice);
static NODE: Schema = Schema::structure(
    "Node",
    &[Member::new("name", &prim::STRING), Member::new("child", &NODE), Member::new("choice", &CHOICE)],
);

#[derive(Clone, Default, PartialEq)]
struct NsOuter {
    nested: Option<NsNested>,
}
crate::structure!(NsOuter, NS_OUTER, 0 => nested);
static NS_OUTER: Schema = Schema::structure("NsOuter", &[Member::new("nested", &NS_NESTED)]).ns(&NS_FOO);

#[derive(Clone, Default, PartialEq)]
struct NsNested {
    foo: Option<String>,
    values: Option<Vec<String>>,
}
crate::structure!(NsNested, NS_NESTED, 0 => foo, 1 => values);
static NS_LIST: Schema = Schema::list("NsList", &[Member::new("member", &prim::STRING).ns(&NS_BUX)]);
static NS_NESTED: Schema = Schema::structure(
    "NsNested",
    &[Member::new("foo", &prim::STRING).ns(&NS_BAZ), Member::new("values", &NS_LIST).ns(&NS_QUX)],
)
.ns(&NS_FOO);

#[derive(Clone, Default, PartialEq)]
struct Grantee {
    email: Option<String>,
    kind: Option<String>,
}
crate::structure!(Grantee, GRANTEE, 0 => email, 1 => kind);
static GRANTEE: Schema = Schema::structure(
    "Grantee",
    &[
        Member::new("EmailAddress", &prim::STRING),
        Member::new("Type", &prim::STRING).named("xsi:type").flags(flags::XML_ATTRIBUTE),
    ],
)
.ns(&NS_XSI);

#[derive(Clone, Default, PartialEq)]
struct ComplexError {
    header: Option<String>,
    top_level: Option<String>,
    nested: Option<Item>,
    message: Option<String>,
}
crate::structure!(ComplexError, COMPLEX_ERROR, 0 => header, 1 => top_level, 2 => nested, 3 => message);
static ERROR_TRAITS: ErrorTraits = ErrorTraits::new(400, false);
static COMPLEX_ERROR: Schema = Schema::structure(
    "ComplexError",
    &[
        Member::new("Header", &prim::STRING).at(Location::Header, "X-Header"),
        Member::new("TopLevel", &prim::STRING),
        Member::new("Nested", &ITEM),
        Member::new("Message", &prim::STRING),
    ],
)
.error(&ERROR_TRAITS);

#[derive(Clone, Default, PartialEq)]
struct DocHolder {
    doc: Option<Document>,
}
crate::structure!(DocHolder, DOC_HOLDER, 0 => doc);
static DOC_HOLDER: Schema = Schema::structure("DocHolder", &[Member::new("doc", &prim::DOCUMENT)]);

fn write(shape: &dyn Shape, root: &str) -> Result<String, CodecError> {
    let mut out = String::new();
    write_xml_root(shape, shape.schema(), root, None, &mut out).map(|()| out)
}

fn xml_of(shape: &dyn Shape, root: &str) -> String {
    write(shape, root).unwrap_or_else(|e| panic!("{e}"))
}

fn read<T: Shape + Default>(xml: &str) -> Result<T, CodecError> {
    let mut value = T::default();
    let schema = value.schema();
    read_xml(xml.as_bytes(), &mut value, schema, &[]).map(|()| value)
}

fn parsed<T: Shape + Default>(xml: &str) -> T {
    read(xml).unwrap_or_else(|e| panic!("{e} in {xml}"))
}

/// Removes the indentation between tags so that expected documents can be written readably.
fn compact(xml: &str) -> String {
    xml.lines().map(str::trim).collect()
}

fn full_scalars() -> Scalars {
    Scalars {
        string: Some("a & b <c> \"d\" 'e'\r\n\tf \u{e9}\u{1F600}".into()),
        boolean: Some(true),
        byte: Some(-128),
        short: Some(32_767),
        integer: Some(i32::MIN),
        long: Some(i64::MAX),
        float: Some(0.1),
        double: Some(-1.5e300),
        blob: Some(Blob::new(vec![0, 1, 2, 250, 255])),
        time: Some(DateTime::from_millis(1_398_796_238_123)),
        epoch: Some(DateTime::from_millis(1_398_796_238_500)),
        http: Some(DateTime::from_secs(1_398_796_238)),
        color: Some(Color::from("ultraviolet")),
        big: Some("123456789012345678901234567890".into()),
        header: None,
        attr: Some("<test&mock>\n".into()),
    }
}

#[test]
fn writes_every_scalar_kind() {
    let expected = compact(
        r#"<Scalars test="&lt;test&amp;mock&gt;&#xA;">
            <String>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;&#xD;&#xA;	f é😀</String>
            <Boolean>true</Boolean>
            <Byte>-128</Byte>
            <Short>32767</Short>
            <Integer>-2147483648</Integer>
            <Long>9223372036854775807</Long>
            <Float>0.1</Float>
            <DoubleDribble>-1.5e300</DoubleDribble>
            <Blob>AAEC+v8=</Blob>
            <Time>2014-04-29T18:30:38.123Z</Time>
            <Epoch>1398796238.5</Epoch>
            <Http>Tue, 29 Apr 2014 18:30:38 GMT</Http>
            <Color>ultraviolet</Color>
            <Big>123456789012345678901234567890</Big>
        </Scalars>"#,
    );
    assert_eq!(xml_of(&full_scalars(), "Scalars"), expected);
}

#[test]
fn round_trips_every_scalar_kind() {
    let scalars = full_scalars();
    let xml = xml_of(&scalars, "Whatever");
    assert!(parsed::<Scalars>(&xml) == scalars, "{xml}");
    assert_eq!(xml_of(&Scalars::default(), "Scalars"), "<Scalars></Scalars>");
    assert!(parsed::<Scalars>("<Scalars></Scalars>") == Scalars::default());
}

#[test]
fn skips_members_bound_outside_the_body() {
    let scalars = Scalars { header: Some("h".into()), ..Scalars::default() };
    assert_eq!(xml_of(&scalars, "R"), "<R></R>");
    assert!(parsed::<Scalars>("<R><Header>h</Header><X-Header>h</X-Header></R>") == Scalars::default());
}

#[test]
fn writes_the_root_namespace() {
    let mut out = String::new();
    let ns = XmlNamespace { uri: "https://foo/", prefix: None };
    let scalars = Scalars { string: Some("foo".into()), ..Scalars::default() };
    write_xml_root(&scalars, &SCALARS, "OperationRequest", Some(&ns), &mut out).unwrap();
    assert_eq!(out, r#"<OperationRequest xmlns="https://foo/"><String>foo</String></OperationRequest>"#);
}

#[test]
fn reads_escapes_whitespace_cdata_and_comments_as_the_cases_do() {
    let s: Scalars = parsed("<R>\n    <String>escaped data: &amp;lt;&#xD;&#10;</String>\n</R>\n");
    assert_eq!(s.string.as_deref(), Some("escaped data: &lt;\r\n"));
    let s: Scalars = parsed("<R><String> string with white    space </String></R>");
    assert_eq!(s.string.as_deref(), Some(" string with white    space "));
    let s: Scalars = parsed("<R><String>  </String></R>");
    assert_eq!(s.string.as_deref(), Some("  "));
    let preamble =
        "<?xml version = \"1.0\" encoding = \"UTF-8\"?>\n<R>\n    <![CDATA[characters representing CDATA]]>\n    \
                    <String>string</String>\n    <!--xml comment-->\n</R>\n";
    assert_eq!(parsed::<Scalars>(preamble).string.as_deref(), Some("string"));
    let s: Scalars = parsed("<R><String>a<!-- c -->b<![CDATA[<&>]]></String><Integer>\n  42\n</Integer></R>");
    assert_eq!(s.string.as_deref(), Some("ab<&>"));
    assert_eq!(s.integer, Some(42));
}

#[test]
fn floats_use_nan_and_infinity_both_ways() {
    for (value, text) in [(f64::NAN, "NaN"), (f64::INFINITY, "Infinity"), (f64::NEG_INFINITY, "-Infinity")] {
        let scalars = Scalars { float: Some(value as f32), double: Some(value), ..Scalars::default() };
        let xml = xml_of(&scalars, "R");
        assert_eq!(xml, format!("<R><Float>{text}</Float><DoubleDribble>{text}</DoubleDribble></R>"));
        let back: Scalars = parsed(&xml);
        assert_eq!(back.double.map(f64::to_bits), Some(value.to_bits()));
        assert_eq!(back.float.map(f32::to_bits), Some((value as f32).to_bits()));
    }
    let s: Scalars = parsed("<R><Float>1.2</Float><DoubleDribble>1e-3</DoubleDribble></R>");
    assert_eq!((s.float, s.double), (Some(1.2), Some(0.001)));
}

#[test]
fn reads_timestamps_in_any_format_and_offset() {
    let t = |xml: &str| parsed::<Scalars>(xml).time;
    assert_eq!(t("<R><Time>2019-12-16T22:48:18-01:00</Time></R>"), Some(DateTime::from_secs(1_576_540_098)));
    assert_eq!(t("<R><Time>2019-12-16T23:48:18+00:00</Time></R>"), Some(DateTime::from_secs(1_576_540_098)));
    assert_eq!(t("<R><Time>2000-01-02T20:34:56.123Z</Time></R>"), Some(DateTime::from_millis(946_845_296_123)));
    // Services do not always send the model's format, so the others are accepted too.
    assert_eq!(t("<R><Time>1398796238</Time></R>"), Some(DateTime::from_secs(1_398_796_238)));
    assert_eq!(t("<R><Time>Tue, 29 Apr 2014 18:30:38 GMT</Time></R>"), Some(DateTime::from_secs(1_398_796_238)));
    let s: Scalars = parsed("<R><Epoch>2014-04-29T18:30:38Z</Epoch><Http>1398796238</Http></R>");
    assert_eq!(s.epoch, Some(DateTime::from_secs(1_398_796_238)));
    assert_eq!(s.http, Some(DateTime::from_secs(1_398_796_238)));
    let err = read::<Scalars>("<R><Time>yesterday</Time></R>").unwrap_err();
    assert_eq!(err.path, "/R/Time");
    // Timestamps without a fraction are written without one, as botocore does.
    let whole = Scalars { time: Some(DateTime::from_secs(1_422_172_800)), ..Scalars::default() };
    assert_eq!(xml_of(&whole, "R"), "<R><Time>2015-01-25T08:00:00Z</Time></R>");
}

#[test]
fn bad_scalars_name_the_path_and_kind_but_never_the_value() {
    let cases = [
        ("<R><Byte>300</Byte></R>", "/R/Byte", "expected a byte, found a number out of its range"),
        ("<R><Short>-40000</Short></R>", "/R/Short", "expected a short, found a number out of its range"),
        ("<R><Integer>2147483648</Integer></R>", "/R/Integer", "expected an integer, found a number out of its range"),
        ("<R><Long>99999999999999999999</Long></R>", "/R/Long", "expected a long, found a number out of its range"),
        ("<R><Integer>1.5</Integer></R>", "/R/Integer", "expected an integer, found text that is not an integer"),
        ("<R><Boolean>yes</Boolean></R>", "/R/Boolean", "expected a boolean, found other text"),
        ("<R><DoubleDribble>one</DoubleDribble></R>", "/R/DoubleDribble", "expected a number, found other text"),
        ("<R><Blob>!!!!</Blob></R>", "/R/Blob", "expected base64-encoded bytes"),
        (
            "<R test=\"x\"><Epoch>soon</Epoch></R>",
            "/R/Epoch",
            "expected a timestamp, found text in no timestamp format",
        ),
    ];
    for (xml, path, reason) in cases {
        let err = read::<Scalars>(xml).unwrap_err();
        assert_eq!((err.path.as_str(), err.reason.as_str()), (path, reason), "{xml}");
        for secret in ["300", "40000", "2147483648", "9999", "1.5", "yes", "one", "!!!!", "soon"] {
            assert!(!err.to_string().contains(secret), "{err}");
        }
    }
    let deep = "<Lists><myItems><entryItem/><entryItem><Count>x</Count></entryItem></myItems></Lists>";
    assert_eq!(read::<Lists>(deep).unwrap_err().path, "/Lists/myItems/entryItem[1]/Count");
    let flat = "<Lists><flatItems/><flatItems/><flatItems/><flatItems><Count>1e99</Count></flatItems></Lists>";
    assert_eq!(read::<Lists>(flat).unwrap_err().path, "/Lists/flatItems[3]/Count");
}

#[test]
fn refuses_text_xml_cannot_carry() {
    let scalars = Scalars { string: Some("bell \u{7}".into()), ..Scalars::default() };
    let err = write(&scalars, "R").unwrap_err();
    assert_eq!(err.path, "/R/String");
    assert!(!err.reason.contains("bell"));
}

#[test]
fn empty_elements_are_empty_values() {
    let s: Scalars = parsed("<R><String/><Blob></Blob><Integer/><Boolean> </Boolean><Time/><Color></Color></R>");
    assert_eq!(s.string.as_deref(), Some(""));
    assert_eq!(s.blob, Some(Blob::default()));
    assert_eq!(s.color, Some(Color::from("")));
    assert_eq!(Color::VALUES, ["red", "blue"]);
    // An empty number, boolean or timestamp is no value at all rather than a made-up zero.
    assert_eq!((s.integer, s.boolean, s.time), (None, None, None));
    let l: Lists = parsed("<Lists><wrapped/><renamed></renamed></Lists>");
    assert_eq!((l.wrapped, l.renamed, l.flat), (Some(vec![]), Some(vec![]), None));
    let m: Maps = parsed("<Maps><wrapped/><KVP></KVP></Maps>");
    assert_eq!((m.wrapped.map(|m| m.len()), m.named.map(|m| m.len())), (Some(0), Some(0)));
    let n: Node = parsed("<Node><child/></Node>");
    assert!(n.child == Some(Box::default()));
}

fn full_lists() -> Lists {
    let item = |v: &str, c| Item { value: Some(v.into()), count: Some(c) };
    Lists {
        wrapped: Some(vec!["foo".into(), "bar".into()]),
        renamed: Some(vec!["foo".into()]),
        flat: Some(vec!["hi".into(), "bye".into()]),
        custom: Some(vec!["yep".into(), "nope".into()]),
        queue_urls: Some(vec!["u1".into(), "u2".into()]),
        nested: Some(vec![vec!["a".into(), "b".into()], vec![], vec!["c".into()]]),
        items: Some(vec![item("1", 2), item("3", 4)]),
        flat_items: Some(vec![item("5", 6), Item::default()]),
        sparse: Some(vec![Some("x".into()), None, Some("y".into())]),
        times: Some(vec![DateTime::from_secs(1_398_796_238)]),
    }
}

#[test]
fn writes_wrapped_renamed_nested_and_flattened_lists() {
    let expected = compact(
        r#"<Lists>
            <wrapped><member>foo</member><member>bar</member></wrapped>
            <renamed><item>foo</item></renamed>
            <flat>hi</flat><flat>bye</flat>
            <customName>yep</customName><customName>nope</customName>
            <QueueUrls>u1</QueueUrls><QueueUrls>u2</QueueUrls>
            <nested><member><member>a</member><member>b</member></member><member></member><member><member>c</member></member></nested>
            <myItems><entryItem><value>1</value><Count>2</Count></entryItem><entryItem><value>3</value><Count>4</Count></entryItem></myItems>
            <flatItems><value>5</value><Count>6</Count></flatItems><flatItems></flatItems>
            <sparse><member>x</member><member/><member>y</member></sparse>
            <times><member>1398796238</member></times>
        </Lists>"#,
    );
    assert_eq!(xml_of(&full_lists(), "Lists"), expected);
}

#[test]
fn round_trips_lists() {
    let lists = full_lists();
    let xml = xml_of(&lists, "Lists");
    assert!(parsed::<Lists>(&xml) == lists, "{xml}");
}

#[test]
fn reads_flattened_lists_by_the_list_members_name_too() {
    // SQS answers `<QueueUrl>` items for the `QueueUrls` member, as botocore expects.
    let l: Lists = parsed("<Lists><QueueUrl>a</QueueUrl><other/><QueueUrl>b</QueueUrl></Lists>");
    assert_eq!(l.queue_urls, Some(vec!["a".into(), "b".into()]));
    let l: Lists = parsed("<Lists><flat>one</flat></Lists>");
    assert_eq!(l.flat, Some(vec!["one".into()]));
}

#[test]
fn sparse_lists_keep_nil_and_empty_items_as_absent() {
    let xml = r#"<Lists xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sparse>
        <member>a</member><member/><member xsi:nil="true"></member><member> </member></sparse></Lists>"#;
    let l: Lists = parsed(xml);
    assert_eq!(l.sparse, Some(vec![Some("a".into()), None, None, Some(" ".into())]));
    // A dense list keeps an empty string item as the empty string.
    let l: Lists = parsed("<Lists><wrapped><member/></wrapped></Lists>");
    assert_eq!(l.wrapped, Some(vec![String::new()]));
}

fn full_maps() -> Maps {
    let mut wrapped = Map::new();
    wrapped.insert("foo".to_owned(), "Foo".to_owned());
    wrapped.insert("<baz>".to_owned(), "Baz".to_owned());
    let mut named = Map::new();
    named.insert("a".to_owned(), Item { value: Some("A".into()), count: None });
    let mut attributes = Map::new();
    attributes.insert(Color::Red, "r".to_owned());
    attributes.insert(Color::from("Other"), "o".to_owned());
    let mut sparse = Map::new();
    sparse.insert("some".to_owned(), Some("v".to_owned()));
    sparse.insert("none".to_owned(), None);
    let mut nested = Map::new();
    nested.insert("outer".to_owned(), wrapped.clone());
    Maps {
        wrapped: Some(wrapped.clone()),
        named: Some(named),
        flat: Some(wrapped),
        attributes: Some(attributes),
        sparse: Some(sparse),
        nested: Some(nested),
    }
}

#[test]
fn writes_wrapped_named_nested_and_flattened_maps() {
    let expected = compact(
        r#"<Maps>
            <wrapped><entry><key>foo</key><value>Foo</value></entry><entry><key>&lt;baz&gt;</key><value>Baz</value></entry></wrapped>
            <KVP><entry><K xmlns:baz="http://baz.com">a</K><V><value>A</value></V></entry></KVP>
            <flat><key>foo</key><value>Foo</value></flat><flat><key>&lt;baz&gt;</key><value>Baz</value></flat>
            <Attribute><Name>red</Name><Value>r</Value></Attribute><Attribute><Name>Other</Name><Value>o</Value></Attribute>
            <sparse><entry><key>some</key><value>v</value></entry><entry><key>none</key><value/></entry></sparse>
            <nested><entry><key>outer</key><value><entry><key>foo</key><value>Foo</value></entry><entry><key>&lt;baz&gt;</key><value>Baz</value></entry></value></entry></nested>
        </Maps>"#,
    );
    assert_eq!(xml_of(&full_maps(), "Maps"), expected);
}

#[test]
fn round_trips_maps() {
    let maps = full_maps();
    let xml = xml_of(&maps, "Maps");
    assert!(parsed::<Maps>(&xml) == maps, "{xml}");
}

#[test]
fn reads_map_entries_leniently() {
    let xml = "<Maps><wrapped><entry><value>no key</value></entry><entry><key>k</key></entry>\
               <entry><key>ok</key><value>v</value></entry><other/></wrapped>\
               <sparse><entry><key>gone</key></entry></sparse></Maps>";
    let m: Maps = parsed(xml);
    let wrapped = m.wrapped.unwrap();
    assert_eq!(wrapped.len(), 1);
    assert_eq!(wrapped.get("ok").map(String::as_str), Some("v"));
    assert_eq!(m.sparse.unwrap().get("gone"), Some(&None));
}

#[test]
fn writes_namespaces_on_members_and_target_shapes() {
    let value =
        NsOuter { nested: Some(NsNested { foo: Some("Foo".into()), values: Some(vec!["Bar".into(), "Baz".into()]) }) };
    let mut out = String::new();
    write_xml_root(&value, &NS_OUTER, "XmlNamespacesRequest", NS_OUTER.xml_namespace, &mut out).unwrap();
    let expected = compact(
        r#"<XmlNamespacesRequest xmlns="http://foo.com">
            <nested xmlns="http://foo.com">
                <foo xmlns:baz="http://baz.com">Foo</foo>
                <values xmlns="http://qux.com">
                    <member xmlns="http://bux.com">Bar</member>
                    <member xmlns="http://bux.com">Baz</member>
                </values>
            </nested>
        </XmlNamespacesRequest>"#,
    );
    assert_eq!(out, expected);
    assert!(parsed::<NsOuter>(&out) == value);
    // Prefixed element names match by their local name.
    let prefixed = r#"<a:R xmlns:a="urn:a"><a:nested><a:foo>F</a:foo><a:values><b:member xmlns:b="urn:b">V</b:member></a:values></a:nested></a:R>"#;
    let back: NsOuter = parsed(prefixed);
    assert!(back.nested == Some(NsNested { foo: Some("F".into()), values: Some(vec!["V".into()]) }));
}

#[test]
fn xml_attributes_go_both_ways_with_prefixes() {
    let grantee = Grantee { email: Some("foo@example.com".into()), kind: Some("CanonicalUser".into()) };
    let expected = r#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><EmailAddress>foo@example.com</EmailAddress></Grantee>"#;
    let mut out = String::new();
    write_xml_root(&grantee, &GRANTEE, "Grantee", GRANTEE.xml_namespace, &mut out).unwrap();
    assert_eq!(out, expected);
    assert!(parsed::<Grantee>(expected) == grantee);
    let s: Scalars = parsed(r#"<R test="a &amp; b&#xA;"><test>not me</test></R>"#);
    assert_eq!(s.attr.as_deref(), Some("a & b\n"));
}

#[test]
fn unions_write_their_variant_and_read_the_first_known_element() {
    let node = Node { choice: Some(Choice::Nested(Box::new(Choice::Items(vec!["a".into()])))), ..Node::default() };
    let xml = xml_of(&node, "Node");
    assert_eq!(xml, "<Node><choice><nested><items><member>a</member></items></nested></choice></Node>");
    assert!(parsed::<Node>(&xml) == node);
    let n: Node = parsed("<Node><choice><new>x</new><number>7</number><text>t</text></choice></Node>");
    assert!(n.choice == Some(Choice::Number(7)));
    let n: Node = parsed("<Node><choice><SomeUnknownMember>foo</SomeUnknownMember></choice></Node>");
    assert!(n.choice == Some(Choice::Unknown("SomeUnknownMember".into())));
    let unset = Node { choice: Some(Choice::Unknown(String::new())), ..Node::default() };
    let err = write(&unset, "Node").unwrap_err();
    assert_eq!((err.path.as_str(), err.reason.as_str()), ("/Node/choice", "a union must have a known variant set"));
}

#[test]
fn unknown_elements_are_skipped_and_repeats_keep_the_first() {
    let s: Scalars = parsed("<R><Nope><Deep>1</Deep></Nope><String>one</String><String>two</String></R>");
    assert_eq!(s.string.as_deref(), Some("one"));
}

#[test]
fn descends_through_wrappers_leniently() {
    let read_with = |xml: &str, wrappers: &[&str]| {
        let mut s = Scalars::default();
        read_xml(xml.as_bytes(), &mut s, &SCALARS, wrappers).unwrap();
        s.string
    };
    let query = r#"<OpResponse xmlns="https://example.com/"><OpResult><String>q</String></OpResult>
                   <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></OpResponse>"#;
    assert_eq!(read_with(query, &["OpResponse", "OpResult"]).as_deref(), Some("q"));
    let ec2 = "<OpResponse><String>e</String><requestId>r</requestId></OpResponse>";
    assert_eq!(read_with(ec2, &["OpResponse"]).as_deref(), Some("e"));
    // A missing wrapper is skipped: what is there is read.
    assert_eq!(read_with(ec2, &["OpResponse", "OpResult"]).as_deref(), Some("e"));
    assert_eq!(read_with("<Other><String>x</String></Other>", &["OpResponse", "OpResult"]).as_deref(), Some("x"));
    assert_eq!(read_with("  \n", &["OpResponse"]), None);
    let err = {
        let mut s = Scalars::default();
        read_xml(
            b"<OpResponse><OpResult><Integer>x</Integer></OpResult></OpResponse>",
            &mut s,
            &SCALARS,
            &["OpResponse", "OpResult"],
        )
        .unwrap_err()
    };
    assert_eq!(err.path, "/OpResponse/OpResult/Integer");
}

#[test]
fn payload_members_are_named_by_member_then_target() {
    let item = Item { value: Some("v".into()), count: None };
    let write_member = |member: &Member| {
        let mut out = String::new();
        write_xml_member(member, &item, &mut out).unwrap();
        out
    };
    assert_eq!(write_member(&Member::new("nested", &ITEM).named("Hola")), "<Hola><value>v</value></Hola>");
    assert_eq!(write_member(&Member::new("nested", &ITEM)), "<ItemElement><value>v</value></ItemElement>");
    let mut out = String::new();
    write_xml_member(&Member::new("nested", &NS_NESTED), &NsNested::default(), &mut out).unwrap();
    assert_eq!(out, "<NsNested xmlns=\"http://foo.com\"></NsNested>");
    // A `locationName` that only repeats the member's name is the JSON model's default, not an
    // XML name of the member's own (the protocol suite's `HttpPayloadWithXmlNamespace`)...
    out.clear();
    write_xml_member(&Member::new("nested", &NS_NESTED).named("nested"), &NsNested::default(), &mut out).unwrap();
    assert_eq!(out, "<NsNested xmlns=\"http://foo.com\"></NsNested>");
    // ...unless the member carries XML traits of its own, as S3's `LifecycleConfiguration` does
    // for its `BucketLifecycleConfiguration` payload.
    static S3_NS: XmlNamespace = XmlNamespace { uri: "http://s3.amazonaws.com/doc/2006-03-01/", prefix: None };
    out.clear();
    let lifecycle = Member::new("LifecycleConfiguration", &NS_NESTED).named("LifecycleConfiguration").ns(&S3_NS);
    write_xml_member(&lifecycle, &NsNested::default(), &mut out).unwrap();
    assert_eq!(
        out,
        "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LifecycleConfiguration>"
    );
    static GRANT_MEMBER: Member = Member::new("Grant", &GRANTEE);
    out.clear();
    let absent: Option<Grantee> = None;
    write_xml_member(&GRANT_MEMBER, &absent, &mut out).unwrap();
    assert_eq!(out, "");
    let list = vec!["a".to_owned()];
    write_xml_member(&Member::new("Tags", &RENAMED_LIST), &list, &mut out).unwrap();
    assert_eq!(out, "<Tags><item>a</item></Tags>");

    let mut back = Item::default();
    read_xml_member(b"<Anything><value>v</value></Anything>", &Member::new("nested", &ITEM), &mut back).unwrap();
    assert!(back == item);
    let mut tags: Vec<String> = Vec::new();
    read_xml_member(b"<Tags><item>a</item><item>b</item></Tags>", &Member::new("Tags", &RENAMED_LIST), &mut tags)
        .unwrap();
    assert_eq!(tags, ["a", "b"]);
    let mut untouched: Option<Item> = None;
    read_xml_member(b"", &Member::new("nested", &ITEM), &mut untouched).unwrap();
    assert!(untouched.is_none());
}

const QUERY_ERROR: &str = "<ErrorResponse>\n   <Error>\n      <Type>Sender</Type>\n      <Code>ComplexError</Code>\n      \
                           <Message>Hi</Message>\n      <TopLevel>Top level</TopLevel>\n      <Nested>\n          \
                           <value>bar</value>\n      </Nested>\n   </Error>\n   <RequestId>foo-id</RequestId>\n</ErrorResponse>\n";
const EC2_ERROR: &str =
    "<Response><Errors><Error><Code>ComplexError</Code><Message>Hi</Message><TopLevel>Top level</TopLevel>\
                         <Nested><value>bar</value></Nested></Error></Errors><RequestID>foo-id</RequestID></Response>";
const S3_ERROR: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The key does not exist</Message>\
                        <Key>k</Key><RequestId>foo-id</RequestId><HostId>h</HostId></Error>";

#[test]
fn recognises_the_three_error_layouts() {
    let info = |code: &str, message: &str| XmlErrorInfo {
        code: Some(code.into()),
        message: Some(message.into()),
        request_id: Some("foo-id".into()),
    };
    assert_eq!(xml_error_info(QUERY_ERROR.as_bytes()), Some(info("ComplexError", "Hi")));
    assert_eq!(xml_error_info(EC2_ERROR.as_bytes()), Some(info("ComplexError", "Hi")));
    assert_eq!(xml_error_info(S3_ERROR.as_bytes()), Some(info("NoSuchKey", "The key does not exist")));
    let bare = xml_error_info(b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>");
    assert_eq!(bare, Some(XmlErrorInfo { code: Some("Throttling".into()), ..XmlErrorInfo::default() }));
    assert_eq!(xml_error_info(b"<OpResponse><OpResult/></OpResponse>"), None);
    assert_eq!(xml_error_info(b""), None);
    assert_eq!(xml_error_info(b"<html><body><h1>502 Bad Gateway</h1><hr></body></html>"), None);
    assert_eq!(xml_error_info(b"upstream connect error"), None);
}

#[test]
fn reads_exception_members_from_the_error_element() {
    for body in [QUERY_ERROR, EC2_ERROR] {
        let mut error = ComplexError::default();
        read_xml_error(body.as_bytes(), &mut error, &COMPLEX_ERROR).unwrap();
        let expected = ComplexError {
            header: None,
            top_level: Some("Top level".into()),
            nested: Some(Item { value: Some("bar".into()), count: None }),
            message: Some("Hi".into()),
        };
        assert!(error == expected, "{error:?}");
    }
    let mut error = ComplexError::default();
    read_xml_error(S3_ERROR.as_bytes(), &mut error, &COMPLEX_ERROR).unwrap();
    assert_eq!(error.message.as_deref(), Some("The key does not exist"));
    let err = read_xml_error(
        EC2_ERROR
            .replace("Hi", "")
            .replace("<TopLevel>Top level", "<Nested><Count>x</Count></Nested><TopLevel>")
            .as_bytes(),
        &mut ComplexError::default(),
        &COMPLEX_ERROR,
    )
    .unwrap_err();
    assert_eq!(err.path, "/Response/Errors/Error/Nested/Count");
}

#[test]
fn documents_are_not_part_of_xml_protocols() {
    let holder = DocHolder { doc: Some(Document::Bool(true)) };
    assert_eq!(write(&holder, "R").unwrap_err().path, "/R/doc");
    assert_eq!(read::<DocHolder>("<R><doc>true</doc></R>").unwrap_err().path, "/R/doc");
}

#[test]
fn limits_depth_both_ways() {
    let mut node = Node::default();
    for _ in 0..MAX_DEPTH + 2 {
        node = Node { child: Some(Box::new(node)), ..Node::default() };
    }
    let err = write(&node, "Node").unwrap_err();
    assert!(err.reason.contains("deeper than 128"), "{err}");
    let mut shallow = Node::default();
    for _ in 0..MAX_DEPTH - 2 {
        shallow = Node { child: Some(Box::new(shallow)), ..Node::default() };
    }
    let xml = xml_of(&shallow, "Node");
    assert!(parsed::<Node>(&xml) == shallow);
    let deep = "<child>".repeat(MAX_DEPTH + 1) + &"</child>".repeat(MAX_DEPTH + 1);
    let err = read::<Node>(&format!("<Node>{deep}</Node>")).unwrap_err();
    assert!(err.offset.is_some() && err.reason.contains("deeper than 128"), "{err}");
}

#[test]
fn hostile_bodies_fail_without_panicking() {
    // Every truncation of a valid body is either still a document or an error.
    let lists = xml_of(&full_lists(), "Lists");
    for end in 0..lists.len() {
        let _ = read::<Lists>(&lists[..end]);
    }
    let scalars = xml_of(&full_scalars(), "Scalars");
    for end in 0..scalars.len() {
        let mut s = Scalars::default();
        let _ = read_xml(&scalars.as_bytes()[..end], &mut s, &SCALARS, &[]);
    }
    let html = "<!DOCTYPE html><html><head><title>Proxy Error</title></head><body>Bad&nbsp;gateway<br></body></html>";
    assert!(read::<Scalars>(html).is_err());
    assert!(read::<Scalars>("Service Unavailable").is_err());
    assert!(read::<Scalars>("{\"message\":\"json\"}").is_err());
    let mut s = Scalars::default();
    assert!(read_xml(b"\xff\xfe<a/>", &mut s, &SCALARS, &[]).is_err());
}

#[test]
fn mutated_bodies_never_panic_the_schema_walk() {
    // A deterministic generator: the same inputs on every run.
    let mut rng = crate::test_rng::Rng(0x9E37_79B9_7F4A_7C15);
    let node = Node { name: Some("n".into()), child: Some(Box::default()), choice: Some(Choice::Text("t".into())) };
    let bodies = [xml_of(&full_lists(), "Lists"), xml_of(&full_maps(), "Maps"), xml_of(&node, "Node")];
    let alphabet = b"<>/=&;#'\"!- aZ9:";
    for i in 0..6_000 {
        let mut bytes = bodies[i % bodies.len()].as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            rng.mutate(&mut bytes, alphabet);
        }
        let _ = read_xml(&bytes, &mut Lists::default(), &LISTS, &[]);
        let _ = read_xml(&bytes, &mut Maps::default(), &MAPS, &[]);
        let _ = read_xml(&bytes, &mut Node::default(), &NODE, &["Wrapper"]);
        let _ = read_xml_error(&bytes, &mut ComplexError::default(), &COMPLEX_ERROR);
        let _ = xml_error_info(&bytes);
    }
}

/// The tree walk over a whole document, which the streaming read replaced for response bodies:
/// the reference the streaming read must agree with.
fn read_by_tree(
    body: &[u8],
    shape: &mut dyn Shape,
    schema: &'static Schema,
    wrappers: &[&str],
) -> Result<(), CodecError> {
    let Some(root) = parse_document(body)? else { return Ok(()) };
    let mut base = format!("/{}", root.local());
    let mut element = &root;
    for wrapper in wrappers {
        if element.local() == *wrapper {
            continue;
        }
        if let Some(inner) = element.child(wrapper) {
            element = inner;
            base.push('/');
            base.push_str(wrapper);
        }
    }
    Reader::new(base).shape(element, shape, schema)
}

/// Both reads of `body` into a fresh `T`: equal values when both succeed, the same error path
/// when both fail on the same well-formed document, and never one failing alone.
fn assert_reads_agree<T: Shape + Default + PartialEq>(body: &[u8], schema: &'static Schema, wrappers: &[&str]) {
    let (mut streamed, mut walked) = (T::default(), T::default());
    let stream = read_xml(body, &mut streamed, schema, wrappers);
    let tree = read_by_tree(body, &mut walked, schema, wrappers);
    let shown = String::from_utf8_lossy(body);
    match (stream, tree) {
        (Ok(()), Ok(())) => assert!(streamed == walked, "the reads differ on {shown}"),
        (Err(s), Err(t)) => {
            // A schema error may come before a syntax error further on in the streaming read,
            // which cannot see that far; on a well-formed document both name the same place.
            if parse_document(body).is_ok() {
                assert_eq!((s.path, s.reason), (t.path, t.reason), "on {shown}");
            }
        }
        (s, t) => panic!("streaming {s:?}, tree {t:?} on {shown}"),
    }
}

/// [`assert_reads_agree`] for a payload member read by [`read_xml_member`].
fn assert_member_reads_agree<T: Value + Default + PartialEq + core::fmt::Debug>(body: &[u8], member: &Member) {
    let (mut streamed, mut walked) = (T::default(), T::default());
    let stream = read_xml_member(body, member, &mut streamed);
    let tree = match parse_document(body) {
        Ok(Some(root)) => Reader::new(format!("/{}", root.local())).value(member, &root, &mut walked),
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    let shown = String::from_utf8_lossy(body);
    match (stream, tree) {
        (Ok(()), Ok(())) => assert_eq!(streamed, walked, "on {shown}"),
        (Err(_), Err(_)) => {}
        (s, t) => panic!("streaming {s:?}, tree {t:?} on {shown}"),
    }
}

#[test]
fn the_streaming_read_agrees_with_the_tree_walk() {
    let node = Node { name: Some("n".into()), child: Some(Box::default()), choice: Some(Choice::Text("t".into())) };
    let lists = xml_of(&full_lists(), "Lists");
    let maps = xml_of(&full_maps(), "Maps");
    let scalars = xml_of(&full_scalars(), "Scalars");
    let node = xml_of(&node, "Node");
    // Wrappers found first, found after other elements, and missing.
    let wrapped = [
        format!("<R><Wrapper>{node}</Wrapper><Meta>m</Meta></R>"),
        format!("<R><Other><Wrapper/></Other>{node}<Wrapper><name>w</name></Wrapper></R>"),
        "<R><name>a</name><name>b</name><child><child/></child><junk>&amp;</junk></R>".to_owned(),
    ];
    let tags = "<Tags><item>a</item><x><item>no</item></x><item>b&amp;c</item><item/></Tags>".to_owned();
    let mut bodies: Vec<String> = vec![lists, maps, scalars, node, tags];
    bodies.extend(wrapped);
    for body in &bodies {
        assert_reads_agree::<Lists>(body.as_bytes(), &LISTS, &[]);
        assert_reads_agree::<Maps>(body.as_bytes(), &MAPS, &[]);
        assert_reads_agree::<Scalars>(body.as_bytes(), &SCALARS, &["Scalars"]);
        assert_reads_agree::<Node>(body.as_bytes(), &NODE, &["R", "Wrapper"]);
        assert_member_reads_agree::<Vec<String>>(body.as_bytes(), &Member::new("Tags", &RENAMED_LIST));
        assert_member_reads_agree::<Option<String>>(body.as_bytes(), &Member::new("name", &prim::STRING));
    }
    // The same mutations as the panic test above, each read both ways.
    let mut rng = crate::test_rng::Rng(0x2545_F491_4F6C_DD1D);
    let alphabet = b"<>/=&;#'\"!- aZ9:";
    for i in 0..4_000 {
        let mut bytes = bodies[i % bodies.len()].as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            rng.mutate(&mut bytes, alphabet);
        }
        assert_reads_agree::<Lists>(&bytes, &LISTS, &[]);
        assert_reads_agree::<Maps>(&bytes, &MAPS, &[]);
        assert_reads_agree::<Scalars>(&bytes, &SCALARS, &[]);
        assert_reads_agree::<Node>(&bytes, &NODE, &["R", "Wrapper"]);
        assert_member_reads_agree::<Vec<String>>(&bytes, &Member::new("renamed", &RENAMED_LIST));
    }
}
