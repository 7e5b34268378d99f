//! The DynamoDB extension (`codegen/extensions/dynamodb/`) as boto3's `boto3.dynamodb`: numbers
//! as boto3's `Decimal` under `DYNAMODB_CONTEXT`, `TypeSerializer` / `TypeDeserializer`, the
//! condition builder, the plain `Table` view and the batch writer.
//!
//! Expected values come from boto3's own unit tests (`tests/unit/dynamodb/test_types.py`,
//! `test_conditions.py`) and from Python's `decimal` module (`str(Decimal(...))`), never from
//! tucuxi's output. The table and batch-writer cases run against an in-process server on
//! loopback that records each request and answers as DynamoDB would (the batch writer's first
//! answer leaves items unprocessed).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};
use tucuxi::config::{Env, Fs};
use tucuxi::{Blob, Map, Session};
use tucuxi_dynamodb::conditions::ExpressionBuilder;
use tucuxi_dynamodb::types::AttributeValue;
use tucuxi_dynamodb::values::{deserialize_item, serialize_item};
use tucuxi_dynamodb::{item, Attr, Condition, Key, Number, Value};

// ---------------------------------------------------------------------------------------------
// Numbers: Python's `str(DYNAMODB_CONTEXT.create_decimal(text))`.

#[test]
fn numbers_print_as_python_decimal_str() {
    for (text, python) in [
        ("1.25", "1.25"),
        ("1.50", "1.50"),
        ("007", "7"),
        ("-0", "-0"),
        ("0.000", "0.000"),
        ("1e5", "1E+5"),
        ("1.2e3", "1.2E+3"),
        ("12e-2", "0.12"),
        ("0.000001", "0.000001"),
        ("0.0000001", "1E-7"),
        ("+.5", "0.5"),
        ("100", "100"),
        ("0e3", "0E+3"),
        ("-12345678901234567890.5", "-12345678901234567890.5"),
    ] {
        assert_eq!(Number::parse(text).unwrap().to_string(), python, "str(Decimal({text:?}))");
    }
}

#[test]
fn numbers_beyond_dynamodb_context_are_refused_as_boto3_refuses_them() {
    // 39 significant digits: `Rounded` (and `Inexact` when a digit would be lost).
    let err = Number::parse("123456789012345678901234567890123456789").unwrap_err();
    assert!(err.to_string().contains("Rounded"), "{err}");
    // Trailing zeros are digits too: boto3 refuses the int 10**38 (39 digits).
    assert!(Number::try_from(10u128.pow(38)).is_err());
    assert_eq!(Number::try_from(10u128.pow(37)).unwrap().to_string(), "1".to_owned() + &"0".repeat(37));
    // As a Decimal with an exponent, the same magnitude is fine.
    assert_eq!(Number::parse("1E+38").unwrap().to_string(), "1E+38");
    assert!(Number::parse("1E+127").unwrap_err().to_string().contains("Overflow"));
    // Emax 126 bounds the adjusted exponent: 9.9E+126 is inside boto3's context.
    assert_eq!(Number::parse("9.9E+126").unwrap().to_string(), "9.9E+126");
    assert!(Number::parse("99E+126").unwrap_err().to_string().contains("Overflow"));
    // Below Emin -128 a number is subnormal, allowed down to Etiny (-165) without rounding.
    assert_eq!(Number::parse("1E-165").unwrap().to_string(), "1E-165");
    assert!(Number::parse("1E-166").unwrap_err().to_string().contains("Underflow"));
    assert!(Number::parse("0E-166").unwrap_err().to_string().contains("Clamped"));
    for bad in ["NaN", "Infinity", "-inf", "sNaN"] {
        assert_eq!(Number::parse(bad).unwrap_err().to_string(), "Infinity and NaN not supported", "{bad}");
    }
    for bad in ["", ".", "1.2.3", "1e", "e5", "1e+-5", "0x10", " 1", "1,5", "--1"] {
        assert!(Number::parse(bad).is_err(), "{bad:?} is not a number");
    }
}

#[test]
fn numbers_compare_by_value_and_convert_checked() {
    assert_eq!(Number::parse("1.0").unwrap(), Number::from(1));
    assert_eq!(Number::parse("-0").unwrap(), Number::parse("0.00").unwrap());
    assert!(Number::parse("-2").unwrap() < Number::parse("-1.5").unwrap());
    assert!(Number::parse("1.5").unwrap() < Number::parse("15e-1").unwrap().clone().max(Number::from(2)));
    assert!(Number::parse("0.09").unwrap() < Number::parse("0.1").unwrap());
    assert!(Number::parse("1E+3").unwrap() > Number::parse("999.99").unwrap());
    let set: BTreeSet<Number> = ["10", "1E+1", "2", "-3"].iter().map(|t| Number::parse(t).unwrap()).collect();
    assert_eq!(set.len(), 3, "10 and 1E+1 are one number");

    assert_eq!(i64::try_from(&Number::parse("1E+3").unwrap()), Ok(1000));
    assert_eq!(i64::try_from(&Number::parse("42.000").unwrap()), Ok(42));
    assert!(i64::try_from(&Number::parse("1.5").unwrap()).is_err());
    assert!(u8::try_from(&Number::from(256)).is_err());
    assert!(u64::try_from(&Number::from(-1)).is_err());
    assert_eq!(u64::try_from(&Number::from(u64::MAX)), Ok(u64::MAX));
    assert_eq!(Number::from(i64::MIN).to_string(), "-9223372036854775808");

    // A float converts through its shortest text, never its binary expansion.
    assert_eq!(Number::try_from(0.1f64).unwrap().to_string(), "0.1");
    assert!(Number::try_from(1e300f64).unwrap_err().to_string().contains("Overflow"));
    assert_eq!(Number::try_from(1.5e20f64).unwrap().to_string(), "1.5E+20");
    assert!(Number::try_from(f64::NAN).is_err());
    assert_eq!(f64::try_from(&Number::parse("0.1").unwrap()), Ok(0.1));
    assert!(f64::try_from(&Number::parse("0.10000000000000000001").unwrap()).is_err(), "not exactly an f64");
    assert_eq!(Number::parse("1E+5").unwrap().to_f64_lossy(), 100000.0);
}

// ---------------------------------------------------------------------------------------------
// TypeSerializer / TypeDeserializer (boto3's test_types.py).

fn ser(value: impl Into<Value>) -> AttributeValue {
    value.into().into_attribute_value().unwrap()
}

#[test]
fn serializer_matches_boto3() {
    assert_eq!(ser(Value::Null), AttributeValue::null());
    assert_eq!(ser(false), AttributeValue::bool(false));
    assert_eq!(ser(1), AttributeValue::n("1"));
    assert_eq!(ser(Number::parse("1.25").unwrap()), AttributeValue::n("1.25"));
    assert_eq!(ser("foo"), AttributeValue::s("foo"));
    assert_eq!(ser(Value::binary([1u8])), AttributeValue::b(vec![1u8]));
    assert_eq!(ser(&b"\x01"[..]), AttributeValue::b(vec![1u8]));
    assert_eq!(ser(HashSet::from([1, 2, 3])), AttributeValue::ns(["1", "2", "3"]));
    assert_eq!(ser(HashSet::from(["foo", "bar"])), AttributeValue::ss(["bar", "foo"]));
    assert_eq!(ser(HashSet::from([Blob::new([1u8]), Blob::new([2u8])])), AttributeValue::bs([vec![1u8], vec![2u8]]));
    assert_eq!(
        ser(vec![Value::from("foo"), Value::from(1), Value::from(vec![1])]),
        AttributeValue::l([AttributeValue::s("foo"), AttributeValue::n("1"), AttributeValue::l([AttributeValue::n("1")])])
    );
    let map = Value::from(item! { "foo" => "bar", "baz" => item! { "biz" => 1 } });
    assert_eq!(
        ser(map),
        AttributeValue::m([
            ("foo", AttributeValue::s("bar")),
            ("baz", AttributeValue::m([("biz", AttributeValue::n("1"))])),
        ])
    );
    assert_eq!(ser(None::<i32>), AttributeValue::null());
    assert_eq!(ser(HashMap::from([("k", 2u8)])), AttributeValue::m([("k", AttributeValue::n("2"))]));
    assert_eq!(Value::try_from(1.25).unwrap(), Value::Number(Number::parse("1.25").unwrap()));
}

#[test]
fn serializer_refuses_empty_sets_and_names_where() {
    let item = item! { "ok" => 1, "nested" => vec![Value::from(1), Value::StringSet(BTreeSet::new())] };
    let err = serialize_item(item).unwrap_err();
    assert_eq!(err.path(), "[\"nested\"][1]");
    assert!(err.to_string().contains("empty string set"), "{err}");
}

#[test]
fn deserializer_matches_boto3() {
    let de = |v: AttributeValue| Value::from_attribute_value(v).unwrap();
    assert_eq!(de(AttributeValue::null()), Value::Null);
    assert_eq!(de(AttributeValue::bool(false)), Value::Bool(false));
    assert_eq!(de(AttributeValue::n("1")), Value::from(1));
    assert_eq!(de(AttributeValue::n("1.25")), Value::Number(Number::parse("1.25").unwrap()));
    assert_eq!(de(AttributeValue::s("foo")), Value::from("foo"));
    assert_eq!(de(AttributeValue::b(vec![0u8])), Value::binary([0u8]));
    assert_eq!(
        de(AttributeValue::ns(["1", "1.25"])),
        Value::NumberSet([Number::from(1), Number::parse("1.25").unwrap()].into())
    );
    assert_eq!(de(AttributeValue::ss(["foo", "bar"])), Value::from(HashSet::from(["foo", "bar"])));
    assert_eq!(de(AttributeValue::bs([vec![0u8], vec![1u8]])), Value::from(HashSet::from([vec![0u8], vec![1u8]])));
    assert_eq!(
        de(AttributeValue::l([
            AttributeValue::n("1"),
            AttributeValue::s("foo"),
            AttributeValue::l([AttributeValue::n("1.25")])
        ])),
        Value::List(vec![Value::from(1), "foo".into(), Value::List(vec![Value::Number("1.25".parse().unwrap())])])
    );
    let map = AttributeValue::m([
        ("foo", AttributeValue::s("mystring")),
        ("bar", AttributeValue::m([("baz", AttributeValue::n("1"))])),
    ]);
    assert_eq!(de(map), Value::from(item! { "foo" => "mystring", "bar" => item! { "baz" => 1 } }));
}

#[test]
fn deserializer_refuses_what_boto3_refuses_and_names_where() {
    let err = Value::from_attribute_value(AttributeValue::default()).unwrap_err();
    assert!(err.to_string().contains("no type set"), "{err}");
    let two = AttributeValue { s: Some("a".into()), n: Some("1".into()), ..Default::default() };
    assert!(Value::from_attribute_value(two).unwrap_err().to_string().contains("2 types set"));
    let mut item = Map::new();
    item.insert("list".to_owned(), AttributeValue::l([AttributeValue::n("1"), AttributeValue::n("1e999")]));
    let err = deserialize_item(item).unwrap_err();
    assert_eq!(err.path(), "[\"list\"][1]");
    assert!(err.to_string().contains("Overflow"), "{err}");
}

#[test]
fn values_round_trip_through_the_wire_form() {
    let item = item! {
        "pk" => "user#1",
        "n" => Number::parse("-0.5").unwrap(),
        "big" => u64::MAX,
        "flag" => true,
        "nothing" => (),
        "bytes" => Blob::new([0u8, 255]),
        "tags" => BTreeSet::from(["a", "b"]),
        "scores" => BTreeSet::from([1i64, 2]),
        "list" => vec![Value::from(1), Value::from("x")],
    };
    assert_eq!(deserialize_item(serialize_item(item.clone()).unwrap()).unwrap(), item);
    assert_eq!(item["big"].as_number().map(u64::try_from), Some(Ok(u64::MAX)));
    assert_eq!(item["pk"].as_str(), Some("user#1"));
}

// ---------------------------------------------------------------------------------------------
// Conditions (boto3's test_conditions.py, TestConditionExpressionBuilder).

/// An expression, its name placeholders and its value placeholders, in the order made.
type Built = (String, Vec<(String, String)>, Vec<(String, Value)>);

fn build(condition: impl Into<Condition>, key: bool) -> Built {
    let built = ExpressionBuilder::new().build(&condition.into(), key).unwrap();
    (built.expression, built.names.into_iter().collect(), built.values.into_iter().collect())
}

fn names(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

fn values(pairs: Vec<(&str, Value)>) -> Vec<(String, Value)> {
    pairs.into_iter().map(|(a, b)| (a.to_string(), b)).collect()
}

#[test]
fn comparisons_build_as_boto3() {
    let a = Attr("myattr");
    let one = |e: &str| (e.to_owned(), names(&[("#n0", "myattr")]), values(vec![(":v0", "foo".into())]));
    assert_eq!(build(a.eq("foo"), false), one("#n0 = :v0"));
    assert_eq!(build(a.lt("foo"), false), one("#n0 < :v0"));
    assert_eq!(build(a.lte("foo"), false), one("#n0 <= :v0"));
    assert_eq!(build(a.gt("foo"), false), one("#n0 > :v0"));
    assert_eq!(build(a.gte("foo"), false), one("#n0 >= :v0"));
    assert_eq!(build(a.ne("foo"), false), one("#n0 <> :v0"));
    assert_eq!(build(a.begins_with("foo"), false), one("begins_with(#n0, :v0)"));
    assert_eq!(build(a.contains("foo"), false), one("contains(#n0, :v0)"));
    assert_eq!(build(a.attribute_type("foo"), false), one("attribute_type(#n0, :v0)"));
    assert_eq!(
        build(a.between("foo", "foo2"), false),
        ("#n0 BETWEEN :v0 AND :v1".into(), names(&[("#n0", "myattr")]), values(vec![(":v0", "foo".into()), (":v1", "foo2".into())]))
    );
    assert_eq!(
        build(a.is_in([1, 2, 3]), false),
        (
            "#n0 IN (:v0, :v1, :v2)".into(),
            names(&[("#n0", "myattr")]),
            values(vec![(":v0", 1.into()), (":v1", 2.into()), (":v2", 3.into())])
        )
    );
    assert_eq!(build(a.exists(), false), ("attribute_exists(#n0)".into(), names(&[("#n0", "myattr")]), vec![]));
    assert_eq!(build(a.not_exists(), false), ("attribute_not_exists(#n0)".into(), names(&[("#n0", "myattr")]), vec![]));
    assert_eq!(build(a.size(), false), ("size(#n0)".into(), names(&[("#n0", "myattr")]), vec![]));
    assert_eq!(
        build(a.size().eq(5), false),
        ("size(#n0) = :v0".into(), names(&[("#n0", "myattr")]), values(vec![(":v0", 5.into())]))
    );
    assert_eq!(
        build(a.eq(Attr("myreference")), false),
        ("#n0 = #n1".into(), names(&[("#n0", "myattr"), ("#n1", "myreference")]), vec![])
    );
}

#[test]
fn and_or_not_parenthesise_as_boto3() {
    let (a, a2) = (Attr("myattr"), Attr("myattr2"));
    let both = names(&[("#n0", "myattr"), ("#n1", "myattr2")]);
    let foo_bar = values(vec![(":v0", "foo".into()), (":v1", "bar".into())]);
    assert_eq!(build(a.eq("foo") & a2.eq("bar"), false), ("(#n0 = :v0 AND #n1 = :v1)".into(), both.clone(), foo_bar.clone()));
    assert_eq!(build(a.eq("foo") | a2.eq("bar"), false), ("(#n0 = :v0 OR #n1 = :v1)".into(), both, foo_bar));
    assert_eq!(
        build(!a.eq("foo"), false),
        ("(NOT #n0 = :v0)".into(), names(&[("#n0", "myattr")]), values(vec![(":v0", "foo".into())]))
    );
    assert_eq!(
        build((a.eq("foo") & a2.eq("foo2")) | (a.eq("bar") & a2.eq("bar2")), false),
        (
            "((#n0 = :v0 AND #n1 = :v1) OR (#n2 = :v2 AND #n3 = :v3))".into(),
            names(&[("#n0", "myattr"), ("#n1", "myattr2"), ("#n2", "myattr"), ("#n3", "myattr2")]),
            values(vec![(":v0", "foo".into()), (":v1", "foo2".into()), (":v2", "bar".into()), (":v3", "bar2".into())])
        )
    );
    // boto3's test_size_can_use_and: a bare size ANDed with a condition.
    let (expression, _, _) = build(a.size() & a.exists(), false);
    assert_eq!(expression, "(size(#n0) AND attribute_exists(#n1))");
}

#[test]
fn document_paths_get_one_placeholder_per_name() {
    let foo = || values(vec![(":v0", "foo".into())]);
    assert_eq!(build(Attr("MyMap.MyKey").eq("foo"), false), ("#n0.#n1 = :v0".into(), names(&[("#n0", "MyMap"), ("#n1", "MyKey")]), foo()));
    assert_eq!(build(Attr("MyList[0]").eq("foo"), false), ("#n0[0] = :v0".into(), names(&[("#n0", "MyList")]), foo()));
    assert_eq!(
        build(Attr("MyMap.MyList[2].MyElement").eq("foo"), false),
        ("#n0.#n1[2].#n2 = :v0".into(), names(&[("#n0", "MyMap"), ("#n1", "MyList"), ("#n2", "MyElement")]), foo())
    );
}

#[test]
fn key_conditions_take_keys_only_and_the_builder_numbers_on_until_reset() {
    assert_eq!(
        build(Key("myattr").eq("foo"), true),
        ("#n0 = :v0".into(), names(&[("#n0", "myattr")]), values(vec![(":v0", "foo".into())]))
    );
    let err = ExpressionBuilder::new().build(&Attr("myattr").eq("foo"), true).unwrap_err();
    assert!(err.to_string().contains("myattr"), "{err}");
    // boto3's test_reset: numbering continues across builds until reset.
    let mut builder = ExpressionBuilder::new();
    assert_eq!(builder.build(&Attr("myattr").eq("foo"), false).unwrap().expression, "#n0 = :v0");
    assert_eq!(builder.build(&Attr("myattr").eq("foo"), false).unwrap().expression, "#n1 = :v1");
    builder.reset(Vec::new(), Vec::new());
    assert_eq!(builder.build(&Attr("myattr").eq("foo"), false).unwrap().expression, "#n0 = :v0");
    // Placeholders the caller uses already are skipped (newer boto3's reserved names).
    builder.reset(vec!["#n0".to_owned()], vec![":v0".to_owned(), ":v1".to_owned()]);
    assert_eq!(builder.build(&Attr("myattr").eq("foo"), false).unwrap().expression, "#n1 = :v2");
}

// ---------------------------------------------------------------------------------------------
// The plain Table view and the batch writer, against a recording server.

type Log = Arc<Mutex<Vec<(String, Json, Instant)>>>;
type Answer = Box<dyn Fn(&str, &Json, usize) -> Json + Send + Sync>;

/// Answers each request by its `X-Amz-Target` operation with `answer(op, body, n)` (`n` counts
/// the calls of that operation); records every request with its arrival time.
fn serve(answer: Answer) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let log: Log = Arc::default();
    let seen = log.clone();
    let answer = Arc::new(answer);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (seen, answer) = (seen.clone(), answer.clone());
            thread::spawn(move || connection(stream, &answer, &seen));
        }
    });
    (url, log)
}

fn connection(mut stream: TcpStream, answer: &Answer, log: &Log) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&pending[..end]).into_owned();
        let header = |name: &str| {
            head.lines().find_map(|l| {
                l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned())
            })
        };
        let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while pending.len() < end + 4 + length {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
        let body: Json = serde_json::from_slice(&pending[end + 4..end + 4 + length]).unwrap_or(Json::Null);
        pending.drain(..end + 4 + length);
        let op = header("x-amz-target").unwrap_or_default().trim_start_matches("DynamoDB_20120810.").to_owned();
        let reply = {
            let mut log = log.lock().unwrap();
            let n = log.iter().filter(|(o, _, _)| *o == op).count();
            log.push((op.clone(), body.clone(), Instant::now()));
            answer(&op, &body, n).to_string()
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A session that can only reach `endpoint`, with fake keys from a fixture environment.
fn session(endpoint: &str) -> Session {
    let env = Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
        ("AWS_SECRET_ACCESS_KEY", "secret-never-printed"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    Session::builder()
        .env_and_fs(env, Fs::from_files(Vec::<(String, String)>::new()))
        .region("us-east-1")
        .endpoint_url(endpoint)
        .build()
        .expect("a fixture session")
}

fn table(endpoint: &str) -> tucuxi_dynamodb::resources::Table {
    tucuxi_dynamodb::resources::Table::new(&tucuxi_dynamodb::Client::new(&session(endpoint)), "people")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

#[test]
fn the_plain_table_sends_boto3s_request_and_reads_plain_values() {
    let (url, log) = serve(Box::new(|op, _, _| match op {
        "GetItem" => json!({"Item": {"pk": {"S": "a"}, "age": {"N": "30"}, "tags": {"SS": ["x"]}}}),
        "Query" => json!({"Items": [{"pk": {"S": "a"}, "sk": {"N": "2"}}], "Count": 1, "ScannedCount": 3,
                          "LastEvaluatedKey": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
        _ => json!({}),
    }));
    let people = table(&url).plain();
    runtime().block_on(async {
        people
            .put_item(item! { "pk" => "a", "age" => 30 })
            .condition(Attr("pk").not_exists())
            .send()
            .await
            .unwrap();
        let got = people.get_item(item! { "pk" => "a" }).send().await.unwrap().unwrap();
        assert_eq!(got, item! { "pk" => "a", "age" => 30, "tags" => HashSet::from(["x"]) });
        let page = people
            .query(Key("pk").eq("a") & Key("sk").between(1, 5))
            .filter(Attr("age").gt(18))
            .send()
            .await
            .unwrap();
        assert_eq!(page.items, vec![item! { "pk" => "a", "sk" => 2 }]);
        assert_eq!((page.count, page.scanned_count), (1, 3));
        assert_eq!(page.last_evaluated_key, Some(item! { "pk" => "a", "sk" => 2 }));
        people
            .update_item(item! { "pk" => "a" }, "SET #a = #a + :inc")
            .name("#a", "age")
            .value(":inc", 1)
            .condition(Attr("age").lt(100))
            .send()
            .await
            .unwrap();
    });
    let log = log.lock().unwrap();
    let bodies: Vec<&Json> = log.iter().map(|(_, body, _)| body).collect();
    assert_eq!(
        *bodies[0],
        json!({"TableName": "people", "Item": {"pk": {"S": "a"}, "age": {"N": "30"}},
               "ConditionExpression": "attribute_not_exists(#n0)", "ExpressionAttributeNames": {"#n0": "pk"}})
    );
    assert_eq!(*bodies[1], json!({"TableName": "people", "Key": {"pk": {"S": "a"}}}));
    // boto3 builds the ConditionExpression-shaped members (the filter) before the key condition.
    assert_eq!(
        *bodies[2],
        json!({"TableName": "people",
               "FilterExpression": "#n0 > :v0",
               "KeyConditionExpression": "(#n1 = :v1 AND #n2 BETWEEN :v2 AND :v3)",
               "ExpressionAttributeNames": {"#n0": "age", "#n1": "pk", "#n2": "sk"},
               "ExpressionAttributeValues": {":v0": {"N": "18"}, ":v1": {"S": "a"}, ":v2": {"N": "1"}, ":v3": {"N": "5"}}})
    );
    // The caller's own placeholders stay and generated ones do not reuse them.
    assert_eq!(
        *bodies[3],
        json!({"TableName": "people", "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET #a = #a + :inc",
               "ConditionExpression": "#n0 < :v0",
               "ExpressionAttributeNames": {"#a": "age", "#n0": "age"},
               "ExpressionAttributeValues": {":inc": {"N": "1"}, ":v0": {"N": "100"}}})
    );
}

#[test]
fn a_key_condition_with_an_attr_fails_before_sending() {
    let (url, log) = serve(Box::new(|_, _, _| json!({})));
    let err = runtime().block_on(table(&url).plain().query(Attr("pk").eq("a")).send()).unwrap_err();
    assert_eq!(err.kind(), tucuxi::ErrorKind::InvalidInput);
    assert!(log.lock().unwrap().is_empty(), "nothing was sent");
}

#[test]
fn bad_input_fails_before_sending_and_a_bad_answer_names_where() {
    let (url, log) = serve(Box::new(|_, _, _| json!({"Item": {"pk": {"S": "a"}, "n": {"N": "not a number"}}})));
    let people = table(&url).plain();
    runtime().block_on(async {
        let empty = people.put_item(item! { "pk" => "a", "tags" => Value::StringSet(BTreeSet::new()) }).send().await.unwrap_err();
        assert_eq!(empty.kind(), tucuxi::ErrorKind::InvalidInput);
        assert!(empty.to_string().contains("[\"tags\"]"), "{empty}");
        let in_condition = people
            .delete_item(item! { "pk" => "a" })
            .condition(Attr("tags").eq(Value::NumberSet(BTreeSet::new())))
            .send()
            .await
            .unwrap_err();
        assert_eq!(in_condition.kind(), tucuxi::ErrorKind::InvalidInput);
        assert!(log.lock().unwrap().is_empty(), "nothing was sent");
        let unreadable = people.get_item(item! { "pk" => "a" }).send().await.unwrap_err();
        assert_eq!(unreadable.kind(), tucuxi::ErrorKind::Response);
        assert_eq!(unreadable.operation(), Some("GetItem"));
        assert!(unreadable.to_string().contains("[\"n\"]"), "{unreadable}");
    });
}

/// The write requests of one `BatchWriteItem` body, for the table `people`.
fn batch(body: &Json) -> Vec<Json> {
    body["RequestItems"]["people"].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_batch_writer_sends_25_at_a_time_and_resends_unprocessed_items_after_a_pause() {
    // The first answer leaves the batch's last five requests unprocessed, as DynamoDB does when
    // throttled; every later answer processes everything.
    let (url, log) = serve(Box::new(|_, body, n| {
        let requests = batch(body);
        if n == 0 {
            json!({"UnprocessedItems": {"people": requests[requests.len() - 5..].to_vec()}})
        } else {
            json!({"UnprocessedItems": {}})
        }
    }));
    runtime().block_on(async {
        let mut writer = table(&url).batch_writer();
        for i in 0..60 {
            writer.put_item(item! { "pk" => format!("user#{i}"), "n" => i }).await.unwrap();
        }
        writer.delete_item(item! { "pk" => "gone" }).await.unwrap();
        writer.close().await.unwrap();
    });
    let log = log.lock().unwrap();
    let sizes: Vec<usize> = log.iter().map(|(_, body, _)| batch(body).len()).collect();
    // The 25th put sends 25 and 5 come back; 20 puts later the buffer holds 25 again (the 5
    // first, as boto3 appends them) and goes; the last 15 puts and the delete go at close.
    assert_eq!(sizes, vec![25, 25, 16]);
    let mut written: Vec<String> = Vec::new();
    for (i, (op, body, _)) in log.iter().enumerate() {
        assert_eq!(op, "BatchWriteItem");
        let requests = batch(body);
        let kept = if i == 0 { requests.len() - 5 } else { requests.len() };
        for request in &requests[..kept] {
            let pk = request["PutRequest"]["Item"]["pk"]["S"].as_str().or(request["DeleteRequest"]["Key"]["pk"]["S"].as_str());
            written.push(pk.unwrap().to_owned());
        }
    }
    let mut expected: Vec<String> = (0..60).map(|i| format!("user#{i}")).chain(["gone".to_owned()]).collect();
    written.sort();
    expected.sort();
    assert_eq!(written, expected, "every request landed exactly once");
    let first_again = &batch(&log[1].1);
    assert!(first_again.contains(&batch(&log[0].1)[20]), "the unprocessed requests are sent again");
    assert!(log[1].2 - log[0].2 >= Duration::from_millis(50), "the batch after unprocessed items waits");
    assert_eq!(batch(&log[0].1)[0], json!({"PutRequest": {"Item": {"pk": {"S": "user#0"}, "n": {"N": "0"}}}}));
}

#[test]
fn the_batch_writer_deduplicates_by_key_when_asked() {
    let (url, log) = serve(Box::new(|_, _, _| json!({})));
    runtime().block_on(async {
        let mut writer = table(&url).batch_writer().overwrite_by_pkeys(["pk", "sk"]);
        writer.put_item(item! { "pk" => "a", "sk" => 1, "v" => 1 }).await.unwrap();
        writer.put_item(item! { "pk" => "a", "sk" => 2, "v" => 2 }).await.unwrap();
        writer.put_item(item! { "pk" => "a", "sk" => Number::parse("1.0").unwrap(), "v" => 3 }).await.unwrap();
        writer.delete_item(item! { "pk" => "a", "sk" => 2 }).await.unwrap();
        assert_eq!(writer.pending(), 2);
        let err = writer.put_item(item! { "pk" => "b" }).await.unwrap_err();
        assert!(err.to_string().contains("\"sk\""), "{err}");
        writer.close().await.unwrap();
    });
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        batch(&log[0].1),
        vec![
            json!({"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": "1.0"}, "v": {"N": "3"}}}}),
            json!({"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}}}),
        ]
    );
}

#[test]
fn the_blocking_batch_writer_and_table_work_without_a_runtime() {
    let (url, log) = serve(Box::new(|op, _, _| match op {
        "GetItem" => json!({}),
        _ => json!({"UnprocessedItems": {}}),
    }));
    let people = table(&url);
    let mut writer = people.batch_writer();
    for i in 0..30 {
        writer.put_item_blocking(item! { "pk" => i.to_string() }).unwrap();
    }
    assert_eq!(writer.pending(), 5);
    writer.close_blocking().unwrap();
    assert_eq!(people.plain().get_item(item! { "pk" => "0" }).send_blocking().unwrap(), None);
    let sizes: Vec<usize> = log.lock().unwrap().iter().map(|(_, body, _)| batch(body).len()).collect();
    assert_eq!(sizes, vec![25, 5, 0]);
}
