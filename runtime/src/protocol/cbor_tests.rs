//! The CBOR codec against the `smithy-rpc-v2-cbor` conformance cases, recreated by hand: the
//! schemas and values below are the cases' shapes and params, and the bodies are the cases'
//! base64 bodies verbatim, compared by meaning (CBOR allows several encodings of one value).

use super::*;
use crate::schema::prim;
use crate::types::{base64_decode, Blob, TimestampFormat};

pub(super) fn b64(text: &str) -> Vec<u8> {
    base64_decode(text).expect("the test body is valid base64")
}

pub(super) fn encode(shape: &dyn Shape) -> Vec<u8> {
    let mut out = Vec::new();
    to_cbor(shape, shape.schema(), &mut out).unwrap_or_else(|e| panic!("cannot encode: {e}"));
    out
}

pub(super) fn try_decode<T: Shape + Default>(body: &[u8]) -> Result<T, CodecError> {
    let mut value = T::default();
    let schema = value.schema();
    from_cbor(body, &mut value, schema).map(|()| value)
}

pub(super) fn decode<T: Shape + Default>(body: &[u8]) -> T {
    try_decode(body).unwrap_or_else(|e| panic!("cannot decode: {e}"))
}

/// The body as a document with NaN spelled out, so that bodies compare by meaning.
fn meaning(body: &[u8]) -> Document {
    fn nan_free(document: Document) -> Document {
        match document {
            Document::Number(Number::Float(f)) if f.is_nan() => Document::String("NaN".into()),
            Document::Array(items) => Document::Array(items.into_iter().map(nan_free).collect()),
            Document::Object(map) => Document::Object(map.into_iter().map(|(k, v)| (k, nan_free(v))).collect()),
            other => other,
        }
    }
    nan_free(cbor_to_document(body).unwrap_or_else(|e| panic!("not CBOR: {e}")))
}

/// Asserts that `shape` encodes to a body meaning the same as the case's base64 body.
fn assert_encodes(shape: &dyn Shape, expected: &str) {
    assert_eq!(meaning(&encode(shape)), meaning(&b64(expected)));
}

// ---- Shapes of the conformance cases ----

static EMPTY: Schema = Schema::structure("EmptyStructure", &[]);
#[derive(Clone, Default, PartialEq)]
struct Empty {}
crate::structure!(Empty, EMPTY);

static SIMPLE: Schema = Schema::structure("SimpleStructure", &[Member::new("value", &prim::STRING)]);
#[derive(Clone, Default, PartialEq)]
struct Simple {
    value: Option<String>,
}
crate::structure!(Simple, SIMPLE, 0 => value);

pub(super) static SCALARS: Schema = Schema::structure(
    "SimpleScalarStructure",
    &[
        Member::new("trueBooleanValue", &prim::BOOLEAN),
        Member::new("falseBooleanValue", &prim::BOOLEAN),
        Member::new("byteValue", &prim::BYTE),
        Member::new("doubleValue", &prim::DOUBLE),
        Member::new("floatValue", &prim::FLOAT),
        Member::new("integerValue", &prim::INTEGER),
        Member::new("longValue", &prim::LONG),
        Member::new("shortValue", &prim::SHORT),
        Member::new("stringValue", &prim::STRING).flags(flags::SENSITIVE),
        Member::new("blobValue", &prim::BLOB),
    ],
);
#[derive(Clone, Default, PartialEq)]
pub(super) struct Scalars {
    pub(super) true_boolean: Option<bool>,
    pub(super) false_boolean: Option<bool>,
    pub(super) byte: Option<i8>,
    pub(super) double: Option<f64>,
    pub(super) float: Option<f32>,
    pub(super) integer: Option<i32>,
    pub(super) long: Option<i64>,
    pub(super) short: Option<i16>,
    pub(super) string: Option<String>,
    pub(super) blob: Option<Blob>,
}
crate::structure!(
    Scalars, SCALARS, 0 => true_boolean, 1 => false_boolean, 2 => byte, 3 => double, 4 => float,
    5 => integer, 6 => long, 7 => short, 8 => string, 9 => blob
);

fn simple_scalars() -> Scalars {
    Scalars {
        true_boolean: Some(true),
        false_boolean: Some(false),
        byte: Some(5),
        double: Some(1.889),
        float: Some(7.625),
        integer: Some(256),
        long: Some(9873),
        short: Some(9898),
        string: Some("simple".into()),
        blob: Some(Blob::from("foo")),
    }
}

static STRING_LIST: Schema = Schema::list("StringList", &[Member::new("member", &prim::STRING)]);
static INTEGER_LIST: Schema = Schema::list("IntegerList", &[Member::new("member", &prim::INTEGER)]);
static BOOLEAN_LIST: Schema = Schema::list("BooleanList", &[Member::new("member", &prim::BOOLEAN)]);
static TIMESTAMP_LIST: Schema = Schema::list("TimestampList", &[Member::new("member", &prim::TIMESTAMP)]);
static ENUM_LIST: Schema = Schema::list("FooEnumList", &[Member::new("member", &prim::ENUM)]);
static INT_ENUM_LIST: Schema = Schema::list("IntegerEnumList", &[Member::new("member", &prim::INT_ENUM)]);
static NESTED_STRING_LIST: Schema = Schema::list("NestedStringList", &[Member::new("member", &STRING_LIST)]);
static STRUCTURE_LIST: Schema = Schema::list("StructureList", &[Member::new("member", &STRUCTURE_LIST_MEMBER)]);
static BLOB_LIST: Schema = Schema::list("BlobList", &[Member::new("member", &prim::BLOB)]);
static STRUCTURE_LIST_MEMBER: Schema =
    Schema::structure("StructureListMember", &[Member::new("a", &prim::STRING), Member::new("b", &prim::STRING)]);

/// In a module of its own so that the enum's unused generated API does not warn.
#[allow(dead_code)]
mod foo_enum {
    crate::string_enum! {
        pub(super) enum FooEnum { Foo = "Foo", Baz = "Baz", Bar = "Bar", One = "1", Zero = "0" }
    }
}
use foo_enum::FooEnum;

#[derive(Clone, Default, PartialEq)]
struct StructureListMember {
    a: Option<String>,
    b: Option<String>,
}
crate::structure!(StructureListMember, STRUCTURE_LIST_MEMBER, 0 => a, 1 => b);

pub(super) static LISTS: Schema = Schema::structure(
    "RpcV2CborListInputOutput",
    &[
        Member::new("stringList", &STRING_LIST),
        Member::new("stringSet", &STRING_LIST),
        Member::new("integerList", &INTEGER_LIST),
        Member::new("booleanList", &BOOLEAN_LIST),
        Member::new("timestampList", &TIMESTAMP_LIST),
        Member::new("enumList", &ENUM_LIST),
        Member::new("intEnumList", &INT_ENUM_LIST),
        Member::new("nestedStringList", &NESTED_STRING_LIST),
        Member::new("structureList", &STRUCTURE_LIST),
        Member::new("blobList", &BLOB_LIST),
    ],
);
#[derive(Clone, Default, PartialEq)]
pub(super) struct Lists {
    string_list: Option<Vec<String>>,
    string_set: Option<Vec<String>>,
    pub(super) integer_list: Option<Vec<i32>>,
    boolean_list: Option<Vec<bool>>,
    timestamp_list: Option<Vec<DateTime>>,
    enum_list: Option<Vec<FooEnum>>,
    int_enum_list: Option<Vec<i32>>,
    nested_string_list: Option<Vec<Vec<String>>>,
    structure_list: Option<Vec<StructureListMember>>,
    blob_list: Option<Vec<Blob>>,
}
crate::structure!(
    Lists, LISTS, 0 => string_list, 1 => string_set, 2 => integer_list, 3 => boolean_list,
    4 => timestamp_list, 5 => enum_list, 6 => int_enum_list, 7 => nested_string_list,
    8 => structure_list, 9 => blob_list
);

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn full_lists() -> Lists {
    let member = |a: &str, b: &str| StructureListMember { a: Some(a.into()), b: Some(b.into()) };
    Lists {
        string_list: Some(strings(&["foo", "bar"])),
        string_set: Some(strings(&["foo", "bar"])),
        integer_list: Some(vec![1, 2]),
        boolean_list: Some(vec![true, false]),
        timestamp_list: Some(vec![DateTime::from_secs(1_398_796_238); 2]),
        enum_list: Some(vec![FooEnum::Foo, FooEnum::Zero]),
        int_enum_list: Some(vec![1, 2]),
        nested_string_list: Some(vec![strings(&["foo", "bar"]), strings(&["baz", "qux"])]),
        structure_list: Some(vec![member("1", "2"), member("3", "4")]),
        blob_list: Some(vec![Blob::from("foo"), Blob::from("bar")]),
    }
}

static GREETING_STRUCT: Schema = Schema::structure("GreetingStruct", &[Member::new("hi", &prim::STRING)]);
#[derive(Clone, Default, PartialEq)]
struct GreetingStruct {
    hi: Option<String>,
}
crate::structure!(GreetingStruct, GREETING_STRUCT, 0 => hi);

static DENSE_STRUCT_MAP: Schema =
    Schema::map("DenseStructMap", &[Member::new("key", &prim::STRING), Member::new("value", &GREETING_STRUCT)]);
static DENSE_NUMBER_MAP: Schema =
    Schema::map("DenseNumberMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::INTEGER)]);
static DENSE_BOOLEAN_MAP: Schema =
    Schema::map("DenseBooleanMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::BOOLEAN)]);
static DENSE_STRING_MAP: Schema =
    Schema::map("DenseStringMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::STRING)]);
static DENSE_SET_MAP: Schema =
    Schema::map("DenseSetMap", &[Member::new("key", &prim::STRING), Member::new("value", &STRING_LIST)]);

pub(super) static MAPS: Schema = Schema::structure(
    "RpcV2CborDenseMapsInputOutput",
    &[
        Member::new("denseStructMap", &DENSE_STRUCT_MAP),
        Member::new("denseNumberMap", &DENSE_NUMBER_MAP),
        Member::new("denseBooleanMap", &DENSE_BOOLEAN_MAP),
        Member::new("denseStringMap", &DENSE_STRING_MAP),
        Member::new("denseSetMap", &DENSE_SET_MAP),
    ],
);
#[derive(Clone, Default, PartialEq)]
pub(super) struct Maps {
    dense_struct_map: Option<Map<String, GreetingStruct>>,
    dense_number_map: Option<Map<String, i32>>,
    dense_boolean_map: Option<Map<String, bool>>,
    dense_string_map: Option<Map<String, String>>,
    dense_set_map: Option<Map<String, Vec<String>>>,
}
crate::structure!(
    Maps, MAPS, 0 => dense_struct_map, 1 => dense_number_map, 2 => dense_boolean_map,
    3 => dense_string_map, 4 => dense_set_map
);

fn map_of<V>(entries: Vec<(&str, V)>) -> Map<String, V> {
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub(super) static RECURSIVE: Schema =
    Schema::structure("RecursiveShapesInputOutput", &[Member::new("nested", &NESTED1)]);
static NESTED1: Schema = Schema::structure(
    "RecursiveShapesInputOutputNested1",
    &[Member::new("foo", &prim::STRING), Member::new("nested", &NESTED2)],
)
.flags(shape_flags::RECURSIVE);
static NESTED2: Schema = Schema::structure(
    "RecursiveShapesInputOutputNested2",
    &[Member::new("bar", &prim::STRING), Member::new("recursiveMember", &NESTED1)],
)
.flags(shape_flags::RECURSIVE);

#[derive(Clone, Default, PartialEq)]
pub(super) struct Recursive {
    pub(super) nested: Option<Nested1>,
}
crate::structure!(Recursive, RECURSIVE, 0 => nested);
#[derive(Clone, Default, PartialEq)]
pub(super) struct Nested1 {
    pub(super) foo: Option<String>,
    pub(super) nested: Option<Box<Nested2>>,
}
crate::structure!(Nested1, NESTED1, 0 => foo, 1 => nested);
#[derive(Clone, Default, PartialEq)]
pub(super) struct Nested2 {
    pub(super) bar: Option<String>,
    pub(super) recursive_member: Option<Box<Nested1>>,
}
crate::structure!(Nested2, NESTED2, 0 => bar, 1 => recursive_member);

fn recursive_value() -> Recursive {
    Recursive {
        nested: Some(Nested1 {
            foo: Some("Foo1".into()),
            nested: Some(Box::new(Nested2 {
                bar: Some("Bar1".into()),
                recursive_member: Some(Box::new(Nested1 {
                    foo: Some("Foo2".into()),
                    nested: Some(Box::new(Nested2 { bar: Some("Bar2".into()), recursive_member: None })),
                })),
            })),
        }),
    }
}

static FLOAT16: Schema = Schema::structure("Float16Output", &[Member::new("value", &prim::DOUBLE)]);
#[derive(Clone, Default, PartialEq)]
struct Float16 {
    value: Option<f64>,
}
crate::structure!(Float16, FLOAT16, 0 => value);

static FRACTIONAL: Schema = Schema::structure(
    "FractionalSecondsOutput",
    // The model says iso8601; the protocol ignores timestampFormat.
    &[Member::new("datetime", &prim::TIMESTAMP).ts(TimestampFormat::DateTime)],
);
#[derive(Clone, Default, PartialEq)]
struct Fractional {
    datetime: Option<DateTime>,
}
crate::structure!(Fractional, FRACTIONAL, 0 => datetime);

static INVALID_GREETING: Schema =
    Schema::structure("InvalidGreeting", &[Member::new("Message", &prim::STRING)]).flags(shape_flags::ERROR);
#[derive(Clone, Default, PartialEq)]
struct InvalidGreeting {
    message: Option<String>,
}
crate::structure!(InvalidGreeting, INVALID_GREETING, 0 => message);

static COMPLEX_ERROR: Schema = Schema::structure(
    "ComplexError",
    &[Member::new("TopLevel", &prim::STRING), Member::new("Nested", &COMPLEX_NESTED)],
)
.flags(shape_flags::ERROR);
static COMPLEX_NESTED: Schema = Schema::structure("ComplexNestedErrorData", &[Member::new("Foo", &prim::STRING)]);
#[derive(Clone, Default, PartialEq)]
struct ComplexError {
    top_level: Option<String>,
    nested: Option<ComplexNested>,
}
crate::structure!(ComplexError, COMPLEX_ERROR, 0 => top_level, 1 => nested);
#[derive(Clone, Default, PartialEq)]
struct ComplexNested {
    foo: Option<String>,
}
crate::structure!(ComplexNested, COMPLEX_NESTED, 0 => foo);

pub(super) static PAYLOAD_WITH_UNION: Schema =
    Schema::structure("HttpPayloadWithUnionInputOutput", &[Member::new("nested", &UNION_PAYLOAD)]);
pub(super) static UNION_PAYLOAD: Schema =
    Schema::union("UnionPayload", &[Member::new("greeting", &prim::STRING), Member::new("count", &prim::INTEGER)]);
#[derive(Clone, Default, PartialEq)]
pub(super) struct PayloadWithUnion {
    pub(super) nested: Option<UnionPayload>,
}
crate::structure!(PayloadWithUnion, PAYLOAD_WITH_UNION, 0 => nested);
#[derive(Clone, PartialEq)]
pub(super) enum UnionPayload {
    Greeting(String),
    Count(i32),
    Unknown(String),
}
crate::union!(UnionPayload, UNION_PAYLOAD, 0 => Greeting, 1 => Count);

// ---- Input cases: params encode to the case's body ----

#[test]
fn input_empty_input_and_optional_input() {
    assert_encodes(&Empty {}, "v/8=");
    assert_encodes(&Simple::default(), "v/8=");
    // Exactly `{}`: a definite map of no entries.
    assert_eq!(encode(&Empty {}), [0xA0]);
}

#[test]
fn input_recursive_shapes() {
    assert_encodes(
        &recursive_value(),
        "v2ZuZXN0ZWS/Y2Zvb2RGb28xZm5lc3RlZL9jYmFyZEJhcjFvcmVjdXJzaXZlTWVtYmVyv2Nmb29kRm9vMmZuZXN0ZWS/Y2JhcmRCYXIy//////8=",
    );
}

#[test]
fn input_dense_maps() {
    let maps = Maps {
        dense_struct_map: Some(map_of(vec![
            ("foo", GreetingStruct { hi: Some("there".into()) }),
            ("baz", GreetingStruct { hi: Some("bye".into()) }),
        ])),
        ..Maps::default()
    };
    assert_encodes(&maps, "oW5kZW5zZVN0cnVjdE1hcKJjZm9voWJoaWV0aGVyZWNiYXqhYmhpY2J5ZQ==");
    let zeros = Maps {
        dense_number_map: Some(map_of(vec![("x", 0)])),
        dense_boolean_map: Some(map_of(vec![("x", false)])),
        ..Maps::default()
    };
    assert_encodes(&zeros, "om5kZW5zZU51bWJlck1hcKFheABvZGVuc2VCb29sZWFuTWFwoWF49A==");
    let sets =
        Maps { dense_set_map: Some(map_of(vec![("x", vec![]), ("y", strings(&["a", "b"]))])), ..Maps::default() };
    assert_encodes(&sets, "oWtkZW5zZVNldE1hcKJheIBheYJhYWFi");
}

#[test]
fn input_lists() {
    assert_encodes(
        &full_lists(),
        "v2pzdHJpbmdMaXN0gmNmb29jYmFyaXN0cmluZ1NldIJjZm9vY2JhcmtpbnRlZ2VyTGlzdIIBAmtib29sZWFuTGlzdIL19G10aW1lc3Rh\
         bXBMaXN0gsH7QdTX+/OAAADB+0HU1/vzgAAAaGVudW1MaXN0gmNGb29hMGtpbnRFbnVtTGlzdIIBAnBuZXN0ZWRTdHJpbmdMaXN0goJj\
         Zm9vY2JhcoJjYmF6Y3F1eG1zdHJ1Y3R1cmVMaXN0gqJhYWExYWJhMqJhYWEzYWJhNGhibG9iTGlzdIJDZm9vQ2Jhcv8=",
    );
    let empty = Lists { string_list: Some(vec![]), ..Lists::default() };
    assert_encodes(&empty, "v2pzdHJpbmdMaXN0n///");
    assert_encodes(&empty, "oWpzdHJpbmdMaXN0gA==");
}

#[test]
fn input_simple_scalar_properties() {
    assert_encodes(
        &simple_scalars(),
        "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZh\
         bHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFs\
         dWVDZm9v/w==",
    );
    // Null members are not written at all.
    assert_encodes(&Scalars::default(), "v/8=");
}

#[test]
fn input_non_finite_floats() {
    let cases = [
        (f64::NAN, "v2tkb3VibGVWYWx1Zft/+AAAAAAAAGpmbG9hdFZhbHVl+n/AAAD/"),
        (f64::INFINITY, "v2tkb3VibGVWYWx1Zft/8AAAAAAAAGpmbG9hdFZhbHVl+n+AAAD/"),
        (f64::NEG_INFINITY, "v2tkb3VibGVWYWx1Zfv/8AAAAAAAAGpmbG9hdFZhbHVl+v+AAAD/"),
    ];
    for (f, body) in cases {
        let value = Scalars { double: Some(f), float: Some(f as f32), ..Scalars::default() };
        assert_encodes(&value, body);
        let mut expected = b64(body);
        // The case's body is indefinite-length; the writer's definite map has the same entries.
        expected.splice(0..1, [0xA2]);
        expected.pop();
        assert_eq!(encode(&value), expected, "{f}");
    }
}

// ---- Output cases: the case's body decodes to the expected value ----

#[test]
fn output_empty_bodies() {
    for body in ["v/8=", ""] {
        assert_eq!(decode::<Empty>(&b64(body)), Empty {});
        assert!(decode::<Simple>(&b64(body)) == Simple::default());
    }
}

#[test]
fn output_float16() {
    let value = |body: &str| decode::<Float16>(&b64(body)).value.expect("value is set");
    assert_eq!(value("oWV2YWx1Zfl8AA=="), f64::INFINITY);
    assert_eq!(value("oWV2YWx1Zfn8AA=="), f64::NEG_INFINITY);
    assert!(value("oWV2YWx1Zfl8AQ==").is_nan());
    assert!(value("oWV2YWx1Zfl+AA==").is_nan());
    assert_eq!(value("oWV2YWx1ZfkAUA=="), 4.76837158203125e-06);
}

#[test]
fn output_fractional_seconds() {
    let decoded: Fractional = decode(&b64("v2hkYXRldGltZcH7Qcw32zgPvnf/"));
    assert_eq!(decoded.datetime, Some(DateTime::from_millis(946_845_296_123)));
}

#[test]
fn output_errors() {
    let body = b64("v2ZfX3R5cGV4LnNtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNJbnZhbGlkR3JlZXRpbmdnTWVzc2FnZWJIaf8=");
    let code = "smithy.protocoltests.rpcv2Cbor#InvalidGreeting";
    assert_eq!(cbor_error_info(&body), Some((Some(code.into()), Some("Hi".into()))));
    assert!(decode::<InvalidGreeting>(&body) == InvalidGreeting { message: Some("Hi".into()) });

    let body =
        b64("v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3JoVG9wTGV2ZWxpVG9wIGxldmVsZk5lc3Rl\
         ZL9jRm9vY2Jhcv//");
    let code = "smithy.protocoltests.rpcv2Cbor#ComplexError";
    assert_eq!(cbor_error_info(&body), Some((Some(code.into()), None)));
    let expected =
        ComplexError { top_level: Some("Top level".into()), nested: Some(ComplexNested { foo: Some("bar".into()) }) };
    assert!(decode::<ComplexError>(&body) == expected);

    let body = b64("v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3L/");
    assert_eq!(cbor_error_info(&body), Some((Some(code.into()), None)));
    assert!(decode::<ComplexError>(&body) == ComplexError::default());
}

#[test]
fn output_query_compatible_errors() {
    let body = b64("uQACZl9fdHlwZXgtYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI05vQ3VzdG9tQ29kZUVycm9yZ21lc3NhZ2ViSGk=");
    let code = "aws.protocoltests.rpcv2cbor#NoCustomCodeError";
    assert_eq!(cbor_error_info(&body), Some((Some(code.into()), Some("Hi".into()))));
    let body = b64("uQACZl9fdHlwZXgrYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI0N1c3RvbUNvZGVFcnJvcmdtZXNzYWdlYkhp");
    let code = "aws.protocoltests.rpcv2cbor#CustomCodeError";
    assert_eq!(cbor_error_info(&body), Some((Some(code.into()), Some("Hi".into()))));
}

#[test]
fn output_recursive_shapes() {
    let indefinite =
        "v2ZuZXN0ZWS/Y2Zvb2RGb28xZm5lc3RlZL9jYmFyZEJhcjFvcmVjdXJzaXZlTWVtYmVyv2Nmb29kRm9vMmZuZXN0ZWS/Y2JhcmRCYXIy//////8=";
    let definite =
        "oWZuZXN0ZWSiY2Zvb2RGb28xZm5lc3RlZKJjYmFyZEJhcjFvcmVjdXJzaXZlTWVtYmVyomNmb29kRm9vMmZuZXN0ZWShY2JhcmRCYXIy";
    for body in [indefinite, definite] {
        assert!(decode::<Recursive>(&b64(body)) == recursive_value());
    }
}

#[test]
fn output_dense_maps() {
    let decoded: Maps = decode(&b64("oW5kZW5zZVN0cnVjdE1hcKJjZm9voWJoaWV0aGVyZWNiYXqhYmhpY2J5ZQ=="));
    let expected = map_of(vec![
        ("foo", GreetingStruct { hi: Some("there".into()) }),
        ("baz", GreetingStruct { hi: Some("bye".into()) }),
    ]);
    assert!(decoded.dense_struct_map == Some(expected));

    let decoded: Maps = decode(&b64("om5kZW5zZU51bWJlck1hcKFheABvZGVuc2VCb29sZWFuTWFwoWF49A=="));
    assert_eq!(decoded.dense_number_map, Some(map_of(vec![("x", 0)])));
    assert_eq!(decoded.dense_boolean_map, Some(map_of(vec![("x", false)])));

    let expected = Some(map_of(vec![("x", vec![]), ("y", strings(&["a", "b"]))]));
    let decoded: Maps = decode(&b64("oWtkZW5zZVNldE1hcKJheIBheYJhYWFi"));
    assert_eq!(decoded.dense_set_map, expected);
    // A null value in a dense map is dropped.
    let decoded: Maps = decode(&b64("oWtkZW5zZVNldE1hcKNheIBheYJhYWFiYXr2"));
    assert_eq!(decoded.dense_set_map, expected);
}

#[test]
fn output_lists() {
    let body = "v2pzdHJpbmdMaXN0n2Nmb29jYmFy/2lzdHJpbmdTZXSfY2Zvb2NiYXL/a2ludGVnZXJMaXN0nwEC/2tib29sZWFuTGlzdJ/19P9tdGlt\
                ZXN0YW1wTGlzdJ/B+0HU1/vzgAAAwftB1Nf784AAAP9oZW51bUxpc3SfY0Zvb2Ew/2tpbnRFbnVtTGlzdJ8BAv9wbmVzdGVkU3RyaW5n\
                TGlzdJ+fY2Zvb2NiYXL/n2NiYXpjcXV4//9tc3RydWN0dXJlTGlzdJ+/YWFhMWFiYTL/v2FhYTNhYmE0//9oYmxvYkxpc3SfQ2Zvb0Ni\
                YXL//w==";
    assert!(decode::<Lists>(&b64(body)) == full_lists());
    let empty: Lists = decode(&b64("v2pzdHJpbmdMaXN0n///"));
    assert!(empty == Lists { string_list: Some(vec![]), ..Lists::default() });
}

#[test]
fn output_chunked_strings_inside_lists() {
    let expected = strings(&[
        "An example indefinite string, which will be chunked, on each comma",
        "Another example indefinite string with only one chunk",
        "This is a plain string",
    ]);
    let inside_indefinite = "v2pzdHJpbmdMaXN0n394HUFuIGV4YW1wbGUgaW5kZWZpbml0ZSBzdHJpbmcsdyB3aGljaCB3aWxsIGJlIGNodW5rZWQsbiBv\
                             biBlYWNoIGNvbW1h/394NUFub3RoZXIgZXhhbXBsZSBpbmRlZmluaXRlIHN0cmluZyB3aXRoIG9ubHkgb25lIGNodW5r/3ZU\
                             aGlzIGlzIGEgcGxhaW4gc3RyaW5n//8=";
    let inside_definite = "oWpzdHJpbmdMaXN0g394HUFuIGV4YW1wbGUgaW5kZWZpbml0ZSBzdHJpbmcsdyB3aGljaCB3aWxsIGJlIGNodW5rZWQsbiBvbiBl\
                           YWNoIGNvbW1h/394NUFub3RoZXIgZXhhbXBsZSBpbmRlZmluaXRlIHN0cmluZyB3aXRoIG9ubHkgb25lIGNodW5r/3ZUaGlz\
                           IGlzIGEgcGxhaW4gc3RyaW5n";
    for body in [inside_indefinite, inside_definite] {
        let decoded: Lists = decode(&b64(body));
        assert_eq!(decoded.string_list.as_ref(), Some(&expected));
    }
}

#[test]
fn output_simple_scalar_properties() {
    let indefinite = "v3B0cnVlQm9vbGVhblZhbHVl9XFmYWxzZUJvb2xlYW5WYWx1ZfRpYnl0ZVZhbHVlBWtkb3VibGVWYWx1Zfs//jlYEGJN02pmbG9h\
                      dFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAanNob3J0VmFsdWUZJqprc3RyaW5nVmFsdWVmc2ltcGxlaWJsb2JWYWx1ZUNmb2//";
    let definite =
        "qXB0cnVlQm9vbGVhblZhbHVl9XFmYWxzZUJvb2xlYW5WYWx1ZfRpYnl0ZVZhbHVlBWtkb3VibGVWYWx1Zfs//jlYEGJN02pmbG9hdFZh\
                    bHVl+kD0AABsaW50ZWdlclZhbHVlGQEAanNob3J0VmFsdWUZJqprc3RyaW5nVmFsdWVmc2ltcGxlaWJsb2JWYWx1ZUNmb28=";
    let expected = Scalars { long: None, ..simple_scalars() };
    for body in [indefinite, definite] {
        assert!(decode::<Scalars>(&b64(body)) == expected);
    }
    // A null member is left unset.
    assert!(decode::<Scalars>(&b64("v2tzdHJpbmdWYWx1Zfb/")) == Scalars::default());
}

#[test]
fn output_non_finite_floats() {
    let nan: Scalars = decode(&b64("v2tkb3VibGVWYWx1Zft/+AAAAAAAAGpmbG9hdFZhbHVl+n/AAAD/"));
    assert!(nan.double.is_some_and(f64::is_nan) && nan.float.is_some_and(f32::is_nan));
    let inf: Scalars = decode(&b64("v2tkb3VibGVWYWx1Zft/8AAAAAAAAGpmbG9hdFZhbHVl+n+AAAD/"));
    assert_eq!((inf.double, inf.float), (Some(f64::INFINITY), Some(f32::INFINITY)));
    let neg: Scalars = decode(&b64("v2tkb3VibGVWYWx1Zfv/8AAAAAAAAGpmbG9hdFZhbHVl+v+AAAD/"));
    assert_eq!((neg.double, neg.float), (Some(f64::NEG_INFINITY), Some(f32::NEG_INFINITY)));
}

#[test]
fn output_upcasting() {
    let decoded: Scalars = decode(&b64(
        "v2tkb3VibGVWYWx1Zfk+AGpmbG9hdFZhbHVl+UegbGludGVnZXJWYWx1ZRg4aWxvbmdWYWx1ZRkBAGpzaG9ydFZhbHVlCv8=",
    ));
    let expected = Scalars {
        double: Some(1.5),
        float: Some(7.625),
        integer: Some(56),
        long: Some(256),
        short: Some(10),
        ..Scalars::default()
    };
    assert!(decoded == expected);
}

#[test]
fn output_extra_fields_are_skipped() {
    let body = "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABrZXh0cmFPYmpl\
                Y3S/c2luZGVmaW5pdGVMZW5ndGhNYXC/a3dpdGhBbkFycmF5nwECA///cWRlZmluaXRlTGVuZ3RoTWFwo3J3aXRoQURlZmluaXRlQXJy\
                YXmDAQIDeB1hbmRTb21lSW5kZWZpbml0ZUxlbmd0aFN0cmluZ3gfdGhhdCBoYXMsIGJlZW4gY2h1bmtlZCBvbiBjb21tYWxub3JtYWxT\
                dHJpbmdjZm9vanNob3J0VmFsdWUZJw9uc29tZU90aGVyRmllbGR2dGhpcyBzaG91bGQgYmUgc2tpcHBlZP9saW50ZWdlclZhbHVlGQEA\
                aWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v\
                /w==";
    assert!(decode::<Scalars>(&b64(body)) == simple_scalars());
}

#[test]
fn output_payload_with_union() {
    let decoded: PayloadWithUnion = decode(&b64("oWZuZXN0ZWShaGdyZWV0aW5nZWhlbGxv"));
    assert!(decoded.nested == Some(UnionPayload::Greeting("hello".into())));
    // The unset-union case's body holds only keys this shape does not have.
    let decoded: PayloadWithUnion = decode(&b64("v2tkb3VibGVWYWx1Zfv/8AAAAAAAAGpmbG9hdFZhbHVl+v+AAAD/"));
    assert!(decoded.nested.is_none());
}

// ---- Round trips and encoding details ----

#[test]
fn round_trips_the_conformance_values() {
    assert!(decode::<Scalars>(&encode(&simple_scalars())) == simple_scalars());
    assert!(decode::<Lists>(&encode(&full_lists())) == full_lists());
    assert!(decode::<Recursive>(&encode(&recursive_value())) == recursive_value());
    let maps = Maps {
        dense_struct_map: Some(map_of(vec![("k", GreetingStruct { hi: Some("v".into()) })])),
        dense_number_map: Some(map_of(vec![("min", i32::MIN), ("max", i32::MAX)])),
        dense_boolean_map: Some(map_of(vec![("t", true)])),
        dense_string_map: Some(map_of(vec![("", String::new()), ("caf\u{e9}", "\u{1F600}".into())])),
        dense_set_map: Some(map_of(vec![("e", vec![])])),
    };
    assert!(decode::<Maps>(&encode(&maps)) == maps);
    let union = PayloadWithUnion { nested: Some(UnionPayload::Count(-7)) };
    assert!(decode::<PayloadWithUnion>(&encode(&union)) == union);
}

#[test]
fn integers_take_the_shortest_encoding() {
    let cases: [(i64, &[u8]); 14] = [
        (0, &[0x00]),
        (23, &[0x17]),
        (24, &[0x18, 24]),
        (255, &[0x18, 0xFF]),
        (256, &[0x19, 0x01, 0x00]),
        (65_535, &[0x19, 0xFF, 0xFF]),
        (65_536, &[0x1A, 0, 1, 0, 0]),
        (4_294_967_295, &[0x1A, 0xFF, 0xFF, 0xFF, 0xFF]),
        (4_294_967_296, &[0x1B, 0, 0, 0, 1, 0, 0, 0, 0]),
        (-1, &[0x20]),
        (-24, &[0x37]),
        (-25, &[0x38, 24]),
        (-257, &[0x39, 0x01, 0x00]),
        (i64::MIN, &[0x3B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
    ];
    for (n, expected) in cases {
        let body = encode(&Scalars { long: Some(n), ..Scalars::default() });
        // `{ "longValue": n }`: a one-entry map, the key, then the integer.
        assert_eq!(&body[..11], b"\xA1\x69longValue");
        assert_eq!(&body[11..], expected, "{n}");
        assert_eq!(decode::<Scalars>(&body).long, Some(n));
    }
}

#[test]
fn float_members_are_single_and_double_members_double() {
    let body = encode(&Scalars { float: Some(7.625), ..Scalars::default() });
    assert_eq!(body, b"\xA1\x6AfloatValue\xFA\x40\xF4\x00\x00");
    let body = encode(&Scalars { double: Some(1.5), ..Scalars::default() });
    assert_eq!(body, b"\xA1\x6BdoubleValue\xFB\x3F\xF8\x00\x00\x00\x00\x00\x00");
}

#[test]
fn timestamps_are_tag_1_doubles() {
    let value = Fractional { datetime: Some(DateTime::from_millis(946_845_296_123)) };
    let body = encode(&value);
    assert_eq!(&body[..10], b"\xA1\x68datetime");
    assert_eq!(body[10..12], [0xC1, 0xFB]);
    assert_eq!(f64::from_be_bytes(body[12..].try_into().unwrap()), 946_845_296.123);
    assert!(decode::<Fractional>(&body) == value);
    // Whole seconds are still doubles, as the conformance lists show.
    let body = encode(&Fractional { datetime: Some(DateTime::from_secs(1_398_796_238)) });
    assert_eq!(body[10..], [0xC1, 0xFB, 0x41, 0xD4, 0xD7, 0xFB, 0xF3, 0x80, 0x00, 0x00]);
    // Integers, negative integers and untagged numbers are read too.
    let read = |tail: &[u8]| decode::<Fractional>(&[b"\xA1\x68datetime", tail].concat()).datetime;
    assert_eq!(read(&[0xC1, 0x1A, 0x51, 0x4B, 0x67, 0xB0]), Some(DateTime::from_secs(1_363_896_240)));
    assert_eq!(read(&[0x1A, 0x51, 0x4B, 0x67, 0xB0]), Some(DateTime::from_secs(1_363_896_240)));
    assert_eq!(read(&[0xC1, 0x38, 0x63]), Some(DateTime::from_secs(-100)));
    assert_eq!(read(&[0xC1, 0xF9, 0x3E, 0x00]), Some(DateTime::from_millis(1500)));
    let err = try_decode::<Fractional>(&[b"\xA1\x68datetime", &[0xC1, 0x61, 0x78][..]].concat()).unwrap_err();
    assert_eq!((err.path.as_str(), err.reason.as_str()), ("$.datetime", "expected a timestamp, found text"));
    let err = try_decode::<Fractional>(&[b"\xA1\x68datetime", &[0xFB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0][..]].concat());
    assert_eq!(err.unwrap_err().reason, "expected a timestamp, found a number out of its range");
}

#[test]
fn unknown_tags_around_values_are_ignored() {
    // `{ "integerValue": 55799(32(5)) }`: the self-describe tag and an unrelated one.
    let mut body = b"\xA1\x6CintegerValue\xD9\xD9\xF7\xD8\x20\x05".to_vec();
    assert_eq!(decode::<Scalars>(&body).integer, Some(5));
    // A tag on the body itself is ignored as well.
    body.splice(0..0, [0xD9, 0xD9, 0xF7]);
    assert_eq!(decode::<Scalars>(&body).integer, Some(5));
}

#[test]
fn keys_are_member_names_and_only_body_members_count() {
    static RENAMED: Schema = Schema::structure(
        "Renamed",
        &[
            Member::new("Name", &prim::STRING).named("wireName"),
            Member::new("Header", &prim::STRING).at(Location::Header, "x-header"),
        ],
    );
    #[derive(Default)]
    struct Renamed {
        name: Option<String>,
        header: Option<String>,
    }
    crate::structure!(Renamed, RENAMED, 0 => name, 1 => header);
    let body = encode(&Renamed { name: Some("n".into()), header: Some("h".into()) });
    assert_eq!(body, b"\xA1\x64Name\x61n");
    let decoded: Renamed = decode(b"\xA2\x64Name\x61n\x66Header\x61h");
    assert_eq!((decoded.name.as_deref(), decoded.header), (Some("n"), None));
}

static SPARSE_LIST: Schema =
    Schema::list("SparseList", &[Member::new("member", &prim::STRING)]).flags(shape_flags::SPARSE);
static SPARSE_MAP: Schema =
    Schema::map("SparseMap", &[Member::new("key", &prim::STRING), Member::new("value", &prim::INTEGER)])
        .flags(shape_flags::SPARSE);
static SPARSE: Schema = Schema::structure(
    "Sparse",
    &[
        Member::new("list", &SPARSE_LIST),
        Member::new("map", &SPARSE_MAP),
        Member::new("dense", &INTEGER_LIST),
        Member::new("flagged", &STRING_LIST).flags(flags::SPARSE),
    ],
);
#[derive(Clone, Default, PartialEq)]
struct Sparse {
    list: Option<Vec<Option<String>>>,
    map: Option<Map<String, Option<i32>>>,
    dense: Option<Vec<i32>>,
    flagged: Option<Vec<Option<String>>>,
}
crate::structure!(Sparse, SPARSE, 0 => list, 1 => map, 2 => dense, 3 => flagged);

#[test]
fn sparse_nulls_are_entries_and_dense_nulls_are_dropped() {
    let value = Sparse {
        list: Some(vec![Some("a".into()), None]),
        map: Some(map_of(vec![("hole", None), ("one", Some(1))])),
        dense: None,
        flagged: Some(vec![None]),
    };
    let body = encode(&value);
    let expected: &[u8] = b"\xA3\x64list\x82\x61a\xF6\x63map\xA2\x64hole\xF6\x63one\x01\x67flagged\x81\xF6";
    assert_eq!(body, expected);
    assert_eq!(decode::<Sparse>(&body), value);
    // Undefined counts as null, and dense lists drop both.
    let decoded: Sparse = decode(b"\xA2\x64list\x9F\xF7\x61b\xFF\x65dense\x83\x01\xF6\x02");
    assert_eq!(decoded.list, Some(vec![None, Some("b".into())]));
    assert_eq!(decoded.dense, Some(vec![1, 2]));
}

static BIG: Schema =
    Schema::structure("Big", &[Member::new("int", &prim::BIG_INTEGER), Member::new("dec", &prim::BIG_DECIMAL)]);
#[derive(Clone, Default, PartialEq)]
struct Big {
    int: Option<String>,
    dec: Option<String>,
}
crate::structure!(Big, BIG, 0 => int, 1 => dec);

#[test]
fn big_numbers_use_bignums_and_decimal_fractions() {
    let int = |text: &str| encode(&Big { int: Some(text.into()), dec: None })[5..].to_vec();
    assert_eq!(int("0"), [0x00]);
    assert_eq!(int("-0"), [0x00]);
    assert_eq!(int("18446744073709551615"), [0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    assert_eq!(int("18446744073709551616"), [0xC2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(int("-18446744073709551616"), [0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    assert_eq!(int("-18446744073709551617"), [0xC3, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // 273.15 is 27315 × 10^-2 (RFC 8949 section 3.4.4).
    let dec = encode(&Big { int: None, dec: Some("273.15".into()) });
    assert_eq!(dec[5..], [0xC4, 0x82, 0x21, 0x19, 0x6A, 0xB3]);
    for (text, back) in [
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("-98765432109876543210987654321", "-98765432109876543210987654321"),
        ("+7", "7"),
    ] {
        assert_eq!(decode::<Big>(&encode(&Big { int: Some(text.into()), dec: None })).int.as_deref(), Some(back));
    }
    for (text, back) in [("273.15", "273.15"), ("-0.001", "-0.001"), ("1.5e10", "15e9"), ("12e-3", "0.012")] {
        assert_eq!(decode::<Big>(&encode(&Big { int: None, dec: Some(text.into()) })).dec.as_deref(), Some(back));
    }
    for bad in ["", "1.5", "0x10", " 1", "1e", "--1"] {
        let mut out = Vec::new();
        let err = to_cbor(&Big { int: Some(bad.into()), dec: None }, &BIG, &mut out).unwrap_err();
        assert_eq!(err.path, "$.int", "{bad:?}");
    }
    // An indefinite-length decimal fraction is the same number; a third entry is refused.
    assert_eq!(decode::<Big>(b"\xA1\x63dec\xC4\x9F\x21\x19\x6A\xB3\xFF").dec.as_deref(), Some("273.15"));
    assert!(try_decode::<Big>(b"\xA1\x63dec\xC4\x9F\x21\x19\x6A\xB3\x00\xFF").is_err());
    assert_eq!(cbor_to_document(b"\xC4\x82\x20\x19\x6A\xB3"), Ok(Document::String("2731.5".into())));
    // Extreme exponents stay in exponent notation rather than expanding into zeros.
    let extreme = b"\xA1\x63dec\xC4\x82\x3B\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01";
    assert_eq!(decode::<Big>(extreme).dec.as_deref(), Some("1e-9223372036854775808"));
    // Plain integers, floats and text are accepted as big numbers too.
    let decoded: Big = decode(b"\xA2\x63int\x38\x63\x63dec\xF9\x3E\x00");
    assert_eq!((decoded.int.as_deref(), decoded.dec.as_deref()), (Some("-100"), Some("1.5")));
}

static WITH_DOCUMENT: Schema = Schema::structure("WithDocument", &[Member::new("doc", &prim::DOCUMENT)]);
#[derive(Default)]
struct WithDocument {
    doc: Option<Document>,
}
crate::structure!(WithDocument, WITH_DOCUMENT, 0 => doc);

#[test]
fn documents_are_refused_when_writing_and_read_generically() {
    let mut out = Vec::new();
    let err = to_cbor(&WithDocument { doc: Some(Document::Null) }, &WITH_DOCUMENT, &mut out).unwrap_err();
    assert_eq!(err.path, "$.doc");
    assert!(err.reason.contains("does not support documents"), "{err}");
    let decoded: WithDocument = decode(b"\xA1\x63doc\xA1\x61a\x82\x01\x42\x00\x01");
    assert_eq!(decoded.doc, Some(Document::from_json(r#"{"a":[1,"AAE="]}"#).unwrap()));
}

#[test]
fn unions_are_one_entry_maps() {
    let body = encode(&PayloadWithUnion { nested: Some(UnionPayload::Greeting("hi".into())) });
    assert_eq!(body, b"\xA1\x66nested\xA1\x68greeting\x62hi");
    let mut out = Vec::new();
    let err = to_cbor(
        &PayloadWithUnion { nested: Some(UnionPayload::Unknown(String::new())) },
        &PAYLOAD_WITH_UNION,
        &mut out,
    );
    assert_eq!(err.unwrap_err().reason, "a union must have a known variant set");
    // An unknown variant is kept as `Unknown`; `__type` and null variants are not variants.
    let decoded: PayloadWithUnion = decode(b"\xA1\x66nested\xA1\x63new\x01");
    assert!(decoded.nested == Some(UnionPayload::Unknown("new".into())));
    let decoded: PayloadWithUnion = decode(b"\xA1\x66nested\xA3\x66__type\x61x\x65count\xF6\x68greeting\x61g");
    assert!(decoded.nested == Some(UnionPayload::Greeting("g".into())));
    let err = try_decode::<PayloadWithUnion>(b"\xA1\x66nested\xA2\x65count\x01\x68greeting\x61g").unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.reason.as_str()),
        ("$.nested.greeting", "a union must have exactly one variant set")
    );
}

#[test]
fn error_messages_name_the_path_and_kinds_but_no_value() {
    // `{ "structureList": [{}, {"a": 7}] }`
    let body = b"\xA1\x6DstructureList\x82\xA0\xA1\x61a\x07";
    let err = try_decode::<Lists>(body).unwrap_err();
    assert_eq!(err.to_string(), "$.structureList[1].a (byte 20): expected text, found an integer");
    // A sensitive member's text is never echoed.
    let err = try_decode::<Scalars>(b"\xA1\x6BstringValue\x46secret").unwrap_err();
    assert_eq!(err.to_string(), "$.stringValue (byte 13): expected text, found a byte string");
    let err = try_decode::<Maps>(b"\xA1\x6EdenseNumberMap\xA1\x67odd key\xF5").unwrap_err();
    assert_eq!(err.path, "$.denseNumberMap[\"odd key\"]");
    assert_eq!(err.reason, "expected an integer, found a boolean");
    // A syntax error deep inside a value carries the path too.
    let err = try_decode::<Lists>(b"\xA1\x6AstringList\x81\x62\xC3\x28").unwrap_err();
    assert_eq!(err.path, "$.stringList[0]");
    assert_eq!(err.offset, Some(14));
}

#[test]
fn integers_are_range_checked_not_wrapped() {
    let cases: [(&[u8], &str); 6] = [
        (b"\xA1\x69byteValue\x18\x80", "$.byteValue: expected a byte, found an integer out of its range"),
        (b"\xA1\x69byteValue\x38\x80", "$.byteValue: expected a byte, found an integer out of its range"),
        (
            b"\xA1\x6AshortValue\x1A\x00\x01\x00\x00",
            "$.shortValue: expected a short, found an integer out of its range",
        ),
        (
            b"\xA1\x6CintegerValue\x1A\x80\x00\x00\x00",
            "$.integerValue: expected an integer, found an integer out of its range",
        ),
        (
            b"\xA1\x69longValue\x1B\x80\x00\x00\x00\x00\x00\x00\x00",
            "$.longValue: expected a long, found an integer out of its range",
        ),
        (
            b"\xA1\x69longValue\x3B\x80\x00\x00\x00\x00\x00\x00\x00",
            "$.longValue: expected a long, found an integer out of its range",
        ),
    ];
    for (body, expected) in cases {
        let err = try_decode::<Scalars>(body).unwrap_err();
        assert_eq!(format!("{}: {}", err.path, err.reason), expected);
    }
    let edges: Scalars =
        decode(b"\xA3\x69byteValue\x38\x7F\x6AshortValue\x19\x7F\xFF\x69longValue\x3B\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF");
    assert_eq!((edges.byte, edges.short, edges.long), (Some(i8::MIN), Some(i16::MAX), Some(i64::MIN)));
    let err = try_decode::<Lists>(b"\xA1\x6BintegerList\x82\x01\x1B\x00\x00\x00\x01\x00\x00\x00\x00").unwrap_err();
    assert_eq!(err.path, "$.integerList[1]");
}

#[test]
fn floats_and_integers_cross_only_where_lossless() {
    // An integer is read into a float member, as some encoders shorten whole values.
    let decoded: Scalars = decode(b"\xA2\x6AfloatValue\x03\x6BdoubleValue\x38\x63");
    assert_eq!((decoded.float, decoded.double), (Some(3.0), Some(-100.0)));
    // A float is never read into an integer member, even a whole one.
    let err = try_decode::<Scalars>(b"\xA1\x6CintegerValue\xF9\x3C\x00").unwrap_err();
    assert_eq!(err.reason, "expected an integer, found a float");
}

#[test]
fn repeated_members_are_refused() {
    let err = try_decode::<Lists>(b"\xA2\x6BintegerList\x81\x01\x6BintegerList\x81\x02").unwrap_err();
    assert_eq!((err.path.as_str(), err.reason.as_str()), ("$.integerList", "the member appears more than once"));
}

#[test]
fn error_info_of_odd_bodies() {
    assert_eq!(cbor_error_info(b""), None);
    assert_eq!(cbor_error_info(b"\x80"), None);
    assert_eq!(cbor_error_info(b"\xA0"), Some((None, None)));
    // Keys of other kinds and non-text values are passed over; the first of each key wins.
    let body = b"\xA4\x01\x02\x66__type\x05\x67message\x61m\x67Message\x61M";
    assert_eq!(cbor_error_info(body), Some((None, Some("m".into()))));
    assert_eq!(cbor_error_info(b"\xBF\x66__type\x7F\x61a\x61b\xFF\xFF"), Some((Some("ab".into()), None)));
    assert_eq!(cbor_error_info(b"\xA1\x66__type\x61a\x00"), None);
}

#[test]
fn writing_too_deep_a_value_fails() {
    let mut value = Nested1::default();
    for _ in 0..100 {
        value = Nested1 {
            foo: None,
            nested: Some(Box::new(Nested2 { bar: None, recursive_member: Some(Box::new(value)) })),
        };
    }
    let mut out = Vec::new();
    let err = to_cbor(&Recursive { nested: Some(value) }, &RECURSIVE, &mut out).unwrap_err();
    assert!(err.reason.contains("nesting is deeper than 128 levels"), "{err}");
    assert!(err.path.starts_with("$.nested.nested.recursiveMember"), "{err}");
}
