//! The streaming JSON reader against what reading a whole tree and walking it answers.

use super::json::{from_json, DeserializeError};
use crate::schema::{flags, prim, Member, Schema};
use crate::types::{DateTime, Document};
use crate::Map;

#[derive(Clone, Default, PartialEq)]
struct Inner {
    name: Option<String>,
    count: Option<i32>,
}
crate::structure!(Inner, INNER, 0 => name, 1 => count);
static INNER: Schema =
    Schema::structure("Inner", &[Member::new("Name", &prim::STRING), Member::new("Count", &prim::INTEGER)]);

#[derive(Clone, PartialEq)]
enum Attr {
    S(String),
    N(String),
    L(Vec<Attr>),
    M(Map<String, Attr>),
    Unknown(String),
}
crate::union!(Attr, ATTR, 0 => S, 1 => N, 2 => L, 3 => M);
static ATTR: Schema = Schema::union(
    "Attr",
    &[
        Member::new("S", &prim::STRING),
        Member::new("N", &prim::STRING),
        Member::new("L", &ATTR_LIST),
        Member::new("M", &ATTR_MAP),
    ],
);
static ATTR_LIST: Schema = Schema::list("AttrList", &[Member::new("member", &ATTR)]);
static ATTR_MAP: Schema = Schema::map("AttrMap", &[Member::new("key", &prim::STRING), Member::new("value", &ATTR)]);

#[derive(Clone, Default, PartialEq)]
struct Outer {
    text: Option<String>,
    when: Option<DateTime>,
    inner: Option<Inner>,
    names: Option<Vec<String>>,
    holes: Option<Vec<Option<String>>>,
    item: Option<Map<String, Attr>>,
    sparse: Option<Map<String, Option<String>>>,
    doc: Option<Document>,
    required: Vec<Inner>,
    flag: Option<bool>,
}
crate::structure!(
    Outer, OUTER, 0 => text, 1 => when, 2 => inner, 3 => names, 4 => holes, 5 => item, 6 => sparse, 7 => doc,
    8 => required, 9 => flag
);
static STRING_LIST: Schema = Schema::list("Names", &[Member::new("member", &prim::STRING)]);
static SPARSE_LIST: Schema =
    Schema::list("Holes", &[Member::new("member", &prim::STRING)]).flags(crate::schema::shape_flags::SPARSE);
static INNER_LIST: Schema = Schema::list("Inners", &[Member::new("member", &INNER)]);
static SPARSE_MAP: Schema =
    Schema::map("Sparse", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)])
        .flags(crate::schema::shape_flags::SPARSE);
static OUTER: Schema = Schema::structure(
    "Outer",
    &[
        Member::new("Text", &prim::STRING).named("text"),
        Member::new("When", &prim::TIMESTAMP),
        Member::new("Inner", &INNER),
        Member::new("Names", &STRING_LIST),
        Member::new("Holes", &SPARSE_LIST),
        Member::new("Item", &ATTR_MAP),
        Member::new("Sparse", &SPARSE_MAP),
        Member::new("Doc", &prim::DOCUMENT),
        Member::new("Required", &INNER_LIST).flags(flags::REQUIRED),
        Member::new("Flag", &prim::BOOLEAN),
    ],
);

fn read(text: &str) -> Result<Outer, DeserializeError> {
    let mut out = Outer::default();
    from_json(text.as_bytes(), &mut out, &OUTER).map(|()| out)
}

fn s(v: &str) -> Attr {
    Attr::S(v.to_owned())
}

#[test]
fn a_nested_document_reads_into_every_kind_of_member() {
    let out = read(
        r#" {"text": "a\"b", "When": 1700000000, "Inner": {"Count": 3, "Name": "n", "Other": [1, {"x": null}]},
            "Names": ["x", null, "y"], "Holes": ["x", null], "Unknown": {"deep": [[{}]]},
            "Item": {"k": {"S": "v"}, "l": {"L": [{"N": "1"}, {"M": {"z": {"S": "w"}}}]}},
            "Sparse": {"a": null, "b": "c"}, "Doc": {"d": [1, "e"]}, "Required": [{"Name": "r"}], "Flag": true} "#,
    )
    .unwrap();
    assert_eq!(out.text.as_deref(), Some("a\"b"));
    assert_eq!(out.when, Some(DateTime::from_secs(1_700_000_000)));
    assert_eq!(out.inner, Some(Inner { name: Some("n".into()), count: Some(3) }));
    // A dense list drops nulls; a sparse one keeps them as holes.
    assert_eq!(out.names, Some(vec!["x".into(), "y".into()]));
    assert_eq!(out.holes, Some(vec![Some("x".into()), None]));
    let item = out.item.unwrap();
    assert_eq!(item["k"], s("v"));
    let mut m = Map::new();
    m.insert("z".to_owned(), s("w"));
    assert_eq!(item["l"], Attr::L(vec![Attr::N("1".into()), Attr::M(m)]));
    let sparse = out.sparse.unwrap();
    assert_eq!(sparse.get("a"), Some(&None));
    assert_eq!(sparse.get("b"), Some(&Some("c".into())));
    assert_eq!(out.doc, Some(Document::from_json(r#"{"d": [1, "e"]}"#).unwrap()));
    assert_eq!(out.required, vec![Inner { name: Some("r".into()), count: None }]);
    assert_eq!(out.flag, Some(true));
}

#[test]
fn null_leaves_a_member_as_it_was_and_empty_bodies_are_empty_objects() {
    let mut out = Outer { text: Some("kept".into()), ..Outer::default() };
    from_json(br#"{"text": null}"#, &mut out, &OUTER).unwrap();
    assert_eq!(out.text.as_deref(), Some("kept"));
    from_json(b" \n", &mut out, &OUTER).unwrap();
    assert_eq!(out.text.as_deref(), Some("kept"));
    assert_eq!(read("{}").unwrap(), Outer::default());
}

#[test]
fn a_repeated_key_counts_once_with_its_last_value() {
    // Members: the last value replaces (not merges into) the first.
    let out = read(r#"{"Inner": {"Name": "a"}, "Names": ["x"], "Inner": {"Count": 1}, "Names": ["y"], "Required": [{}], "Required": []}"#)
        .unwrap();
    assert_eq!(out.inner, Some(Inner { name: None, count: Some(1) }));
    assert_eq!(out.names, Some(vec!["y".into()]));
    assert!(out.required.is_empty());
    // A final null makes a repeated member absent, as if only the null had come.
    assert_eq!(read(r#"{"text": "a", "text": null}"#).unwrap().text, None);
    // Map entries: first position, last value.
    let item = read(r#"{"Item": {"a": {"S": "1"}, "b": {"S": "2"}, "a": {"N": "3"}}}"#).unwrap().item.unwrap();
    assert_eq!(item.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(item["a"], Attr::N("3".into()));
    let sparse = read(r#"{"Sparse": {"a": "x", "a": null}}"#).unwrap().sparse.unwrap();
    assert_eq!(sparse.get("a"), Some(&None));
    // The same union variant twice is one variant.
    let item = read(r#"{"Item": {"a": {"S": "1", "S": "2"}}}"#).unwrap().item.unwrap();
    assert_eq!(item["a"], s("2"));
}

#[test]
fn unions_take_one_variant_and_keep_unknown_names() {
    let item = read(r#"{"Item": {"a": {"__type": "x", "S": "v", "N": null}, "b": {"NEW": 1}, "c": {}}}"#)
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item["a"], s("v"));
    assert_eq!(item["b"], Attr::Unknown("NEW".into()));
    assert_eq!(item["c"], Attr::Unknown(String::new()));
    // A known variant wins over an unknown one.
    assert_eq!(read(r#"{"Item": {"a": {"NEW": 1, "S": "v"}}}"#).unwrap().item.unwrap()["a"], s("v"));
    let err = read(r#"{"Item": {"a": {"S": "v", "N": "1"}}}"#).unwrap_err();
    assert_eq!((err.path(), err.reason()), ("$.Item.a", "a union must have exactly one variant set"));
}

#[test]
fn misfits_name_their_path_and_kinds() {
    let cases = [
        (r#"{"Names": ["x", 1]}"#, "$.Names[1]", "expected a string, found a number"),
        (r#"{"Inner": []}"#, "$.Inner", "expected an object, found an array"),
        (r#"{"Item": {"odd key": {"L": {}}}}"#, "$.Item[\"odd key\"].L", "expected an array, found an object"),
        (
            r#"{"Inner": {"Count": 1.5}}"#,
            "$.Inner.Count",
            "expected an integer, found a number with a fraction or exponent",
        ),
        (
            r#"{"Inner": {"Count": 4294967296}}"#,
            "$.Inner.Count",
            "expected an integer, found a number out of its range",
        ),
        (r#"{"When": "yesterday"}"#, "$.When", "expected a timestamp, found a string in no timestamp format"),
        (r#"{"Flag": "true"}"#, "$.Flag", "expected a boolean, found a string"),
        (r#"[]"#, "$", "expected an object, found an array"),
    ];
    for (text, path, reason) in cases {
        let err = read(text).unwrap_err();
        assert_eq!((err.path(), err.reason(), err.offset()), (path, reason, None), "{text}");
    }
}

#[test]
fn syntax_errors_have_the_parsers_offsets() {
    let cases: [(&[u8], usize, &str); 7] = [
        (b"{\"text\": \"a\" \"b\"}", 13, "expected ',' or '}' in an object"),
        (b"{\"text\" 1}", 8, "expected ':' after an object key"),
        (b"{1: 2}", 1, "expected a string key"),
        (b"{\"Names\": [\"x\" \"y\"]}", 15, "expected ',' or ']' in an array"),
        (b"{} x", 3, "unexpected characters after the JSON value"),
        (b"{\"Unknown\": [tru]}", 13, "expected a JSON value"),
        (b"{\"text\": \"\xff\"}", 10, "invalid UTF-8"),
    ];
    for (text, offset, reason) in cases {
        let err = read_bytes(text).unwrap_err();
        assert_eq!(
            (err.path(), err.reason(), err.offset()),
            ("", reason, Some(offset)),
            "{}",
            String::from_utf8_lossy(text)
        );
        // The document parser agrees on the offset and the reason.
        if let Ok(text) = std::str::from_utf8(text) {
            let doc = Document::from_json(text).unwrap_err();
            assert_eq!((doc.offset(), doc.to_string().ends_with(reason)), (offset, true), "{text}");
        }
    }
}

fn read_bytes(bytes: &[u8]) -> Result<Outer, DeserializeError> {
    let mut out = Outer::default();
    from_json(bytes, &mut out, &OUTER).map(|()| out)
}

#[test]
fn nesting_is_limited_as_for_documents_and_deep_input_never_overflows() {
    // Maps of lists of maps nest through the schema; unknown keys nest through the skipper.
    let deep =
        |n: usize| format!("{{\"Item\": {{\"a\": {}{{\"S\": \"x\"}}{}}}}}", "{\"L\": [".repeat(n), "]}".repeat(n));
    assert!(read(&deep(10)).is_ok());
    let err = read(&deep(100_000)).unwrap_err();
    assert_eq!(err.reason(), "nesting is deeper than 128 levels");
    let skipped = format!("{{\"Unknown\": {}{}}}", "[".repeat(200), "]".repeat(200));
    assert_eq!(read(&skipped).unwrap_err().reason(), "nesting is deeper than 128 levels");
    let text = format!("{{\"Doc\": {}{}}}", "[".repeat(127), "]".repeat(127));
    assert!(read(&text).is_ok());
    let text = format!("{{\"Doc\": {}{}}}", "[".repeat(128), "]".repeat(128));
    assert_eq!(read(&text).unwrap_err().offset(), Some(8 + 127));
}

/// Mutated bodies never panic, and a syntax error is the parser's own: when the text is not JSON,
/// reading fails either where `Document::from_json` does or earlier, at a value that does not fit
/// the schema (reading stops there); when it is JSON, there is no syntax error at all.
#[test]
fn mutated_bodies_fail_where_the_parser_does_or_earlier() {
    let valid = br#"{"text": "a\u00e9", "When": "2024-01-02T03:04:05Z", "Inner": {"Name": "n", "Count": 3},
        "Names": ["x", null], "Holes": [null, "y"], "Item": {"k": {"L": [{"S": "v"}, {"M": {"z": {"N": "1"}}}]}},
        "Sparse": {"a": null}, "Doc": {"d": [1.5e3, true]}, "Required": [{}], "Flag": false, "Extra": [[{"q": 1}]]}"#;
    let alphabet = b"{}[]:,\"\\ntf0-.e9 uSLMN";
    let mut rng = crate::test_rng::Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let mut body = valid.to_vec();
        for _ in 0..1 + rng.below(3) {
            if body.is_empty() {
                break;
            }
            let at = rng.below(body.len());
            match rng.below(3) {
                0 => body[at] = alphabet[rng.below(alphabet.len())],
                1 => {
                    body.remove(at);
                }
                _ => body.truncate(at),
            }
        }
        let ours = read_bytes(&body);
        // An empty (or all-whitespace) body counts as `{}`: operations without output answer so.
        if body.iter().all(u8::is_ascii_whitespace) {
            assert!(ours.is_ok());
            continue;
        }
        let parser = std::str::from_utf8(&body)
            .map_err(|e| e.valid_up_to())
            .and_then(|text| Document::from_json(text).map(drop).map_err(|e| e.offset()));
        let text = String::from_utf8_lossy(&body);
        match (&ours, parser) {
            (Ok(_), Ok(())) => {}
            (Err(e), Ok(())) => assert_eq!(e.offset(), None, "{text}: {e:?}"),
            (Err(e), Err(at)) => match e.offset() {
                Some(offset) => assert_eq!(offset, at, "{text}: {e:?}"),
                None => assert!(!e.path().is_empty(), "{text}: {e:?}"),
            },
            (Ok(_), Err(at)) => panic!("{text}: read although the parser fails at {at}"),
        }
    }
}
