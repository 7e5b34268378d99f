//! The JSON body codec (`tucuxi::protocol::json`) on the kitchen-sink golden types.

use tucuxi::protocol::json::{from_json, to_json, DeserializeError};
use tucuxi::schema::Schema;
use tucuxi::shape::Shape;
use tucuxi::{Blob, DateTime, Document, Map};
use tucuxi_kitchensink::types::{
    Color, Nested, OptionShape, PutThingOutput, PutThingRequest, ShapeUnion, Tag, Thing, PUT_THING_OUTPUT,
    PUT_THING_REQUEST, THING,
};

fn json_of(shape: &dyn Shape, schema: &'static Schema) -> String {
    let mut out = String::new();
    to_json(shape, schema, &mut out).expect("serializes");
    out
}

fn thing_from(json: &str) -> Result<Thing, DeserializeError> {
    let mut thing = Thing::default();
    from_json(json.as_bytes(), &mut thing, &THING).map(|()| thing)
}

fn round_trip(thing: &Thing) -> Thing {
    let json = json_of(thing, &THING);
    thing_from(&json).unwrap_or_else(|e| panic!("{e} in {json}"))
}

/// A thing with every member set, recursing once through each recursive member.
fn full_thing() -> Thing {
    let mut attributes = Map::new();
    attributes.insert("k\"1".to_owned(), "v\n1".to_owned());
    attributes.insert("k2".to_owned(), String::new());
    let mut sparse_attributes = Map::new();
    sparse_attributes.insert("one".to_owned(), Some(1));
    sparse_attributes.insert("hole".to_owned(), None);
    let child = Thing { name: "child".into(), count: -1, color: Some(Color::Red), ..Thing::default() };
    Thing {
        name: "caf\u{e9} \u{1F600} \"quoted\" \\ \u{1}".into(),
        count: i32::MIN,
        big: Some(i64::MAX),
        small: Some(i16::MIN),
        tiny: Some(-7),
        ratio: Some(0.1),
        precise: Some(-1.5e300),
        flag: Some(false),
        created: Some(DateTime::from_millis(1_398_796_238_123)),
        modified: Some(DateTime::from_secs(-86_400)),
        data: Some(Blob::new(vec![0, 1, 2, 250, 255])),
        doc: Some(Document::from_json(r#"{"a":[1,-2,3.5,null,true,"x"],"b":{}}"#).unwrap()),
        tags: vec![Tag { key: "k".into(), value: Some("v".into()) }, Tag { key: "only-key".into(), value: None }],
        sparse: Some(vec![Some("a".into()), None, Some(String::new())]),
        attributes: Some(attributes),
        sparse_attributes: Some(sparse_attributes),
        color: Some(Color::from("ultraviolet")),
        shape: Some(ShapeUnion::SelfShape(Box::new(ShapeUnion::Square(Box::new(Tag {
            key: "sq".into(),
            value: None,
        }))))),
        parent: Some(Box::new(child.clone())),
        children: Some(vec![child.clone(), Thing { shape: Some(ShapeUnion::Circle(3)), ..child.clone() }]),
        option: Some(OptionShape { some: Some("some".into()) }),
        secret: Some("hunter2".into()),
        nested: Some(Box::new(Nested { back: Some(Box::new(child)) })),
    }
}

#[test]
fn round_trips_every_member_kind() {
    let thing = full_thing();
    assert_eq!(round_trip(&thing), thing);
    // Serialising the result again gives the same bytes, so nothing was reordered or reformatted.
    assert_eq!(json_of(&round_trip(&thing), &THING), json_of(&thing, &THING));
}

#[test]
fn round_trips_a_default_thing() {
    let thing = Thing::default();
    assert_eq!(json_of(&thing, &THING), r#"{"Name":"","Count":0,"Tags":[]}"#);
    assert_eq!(round_trip(&thing), thing);
}

#[test]
fn serializes_a_small_thing_exactly() {
    let thing = Thing {
        name: "a\"b\\c\n\u{1f}".into(),
        count: 3,
        ratio: Some(0.1),
        precise: Some(2.0),
        flag: Some(true),
        created: Some(DateTime::from_millis(1_500)),
        modified: Some(DateTime::from_secs(10)),
        data: Some(Blob::from("hi")),
        tags: vec![Tag { key: "k".into(), value: None }],
        sparse: Some(vec![None, Some("x".into())]),
        color: Some(Color::LightBlue),
        shape: Some(ShapeUnion::Circle(5)),
        option: Some(OptionShape::default()),
        ..Thing::default()
    };
    assert_eq!(
        json_of(&thing, &THING),
        concat!(
            r#"{"Name":"a\"b\\c\n\u001f","Count":3,"Ratio":0.1,"Precise":2.0,"Flag":true,"#,
            r#""Created":1.5,"Modified":10,"Data":"aGk=","Tags":[{"Key":"k"}],"Sparse":[null,"x"],"#,
            r#""Color":"light-blue","Shape":{"Circle":5},"Option":{}}"#
        )
    );
}

#[test]
fn non_finite_floats_travel_as_strings() {
    let thing = Thing { ratio: Some(f32::NAN), precise: Some(f64::NEG_INFINITY), ..Thing::default() };
    let json = json_of(&thing, &THING);
    assert!(json.contains(r#""Ratio":"NaN","Precise":"-Infinity""#), "{json}");
    let back = thing_from(&json).unwrap();
    assert!(back.ratio.unwrap().is_nan());
    assert_eq!(back.precise, Some(f64::NEG_INFINITY));
    assert_eq!(thing_from(r#"{"Precise":"Infinity"}"#).unwrap().precise, Some(f64::INFINITY));
    let error = thing_from(r#"{"Precise":"inf"}"#).unwrap_err();
    assert_eq!(error.path(), "$.Precise");
}

#[test]
fn timestamps_accept_numbers_and_every_string_format() {
    let expected = Some(DateTime::from_secs(1_398_796_238));
    for json in [
        r#"{"Modified":1398796238}"#,
        r#"{"Modified":1398796238.0}"#,
        r#"{"Modified":"2014-04-29T18:30:38Z"}"#,
        r#"{"Modified":"Tue, 29 Apr 2014 18:30:38 GMT"}"#,
        r#"{"Modified":"1398796238"}"#,
    ] {
        assert_eq!(thing_from(json).unwrap().modified, expected, "{json}");
    }
    assert_eq!(
        thing_from(r#"{"Created":1398796238.123}"#).unwrap().created,
        Some(DateTime::from_millis(1_398_796_238_123))
    );
    assert_eq!(thing_from(r#"{"Modified":-0.5}"#).unwrap().modified, Some(DateTime::from_millis(-500)));
    let error = thing_from(r#"{"Modified":"yesterday"}"#).unwrap_err();
    assert_eq!(error.path(), "$.Modified");
    assert!(thing_from(r#"{"Modified":1e300}"#).is_err());
}

/// A structure whose timestamps carry explicit formats, since `Thing` only uses epoch seconds.
#[derive(Default)]
struct Stamps {
    iso: Option<DateTime>,
    http: Option<DateTime>,
    header: Option<String>,
}
tucuxi::structure!(Stamps, STAMPS, 0 => iso, 1 => http, 2 => header);
static STAMPS: Schema = Schema::structure(
    "Stamps",
    &[
        tucuxi::schema::Member::new("Iso", &tucuxi::schema::prim::TIMESTAMP)
            .ts(tucuxi::types::TimestampFormat::DateTime)
            .named("iso8601"),
        tucuxi::schema::Member::new("Http", &tucuxi::schema::prim::TIMESTAMP)
            .ts(tucuxi::types::TimestampFormat::HttpDate),
        tucuxi::schema::Member::new("Header", &tucuxi::schema::prim::STRING)
            .at(tucuxi::schema::Location::Header, "x-header"),
    ],
);

#[test]
fn timestamp_formats_and_location_names_are_honoured() {
    let stamps = Stamps {
        iso: Some(DateTime::from_millis(1_398_796_238_120)),
        http: Some(DateTime::from_secs(1_398_796_238)),
        header: Some("not in the body".into()),
    };
    let json = json_of(&stamps, &STAMPS);
    assert_eq!(json, r#"{"iso8601":"2014-04-29T18:30:38.12Z","Http":"Tue, 29 Apr 2014 18:30:38 GMT"}"#);
    let mut back = Stamps::default();
    let input =
        r#"{"iso8601":"2014-04-29T18:30:38.12Z","Http":"Tue, 29 Apr 2014 18:30:38 GMT","x-header":"no","Header":"no"}"#;
    from_json(input.as_bytes(), &mut back, &STAMPS).unwrap();
    assert_eq!((back.iso, back.http, back.header), (stamps.iso, stamps.http, None));
    // The member name is not the key when a location name is set.
    let mut back = Stamps::default();
    from_json(br#"{"Iso":"2014-04-29T18:30:38Z"}"#, &mut back, &STAMPS).unwrap();
    assert_eq!(back.iso, None);
}

#[test]
fn members_outside_the_body_are_skipped() {
    let request = PutThingRequest {
        bucket: "b".into(),
        key: "k".into(),
        account_id: "a".into(),
        body: Some(Blob::from("x")),
        token: Some("t".into()),
        ..PutThingRequest::default()
    };
    assert_eq!(json_of(&request, &PUT_THING_REQUEST), r#"{"Body":"eA=="}"#);
    let mut output = PutThingOutput::default();
    from_json(br#"{"ETag":"e","Status":200,"Thing":{"Name":"n","Count":1}}"#, &mut output, &PUT_THING_OUTPUT).unwrap();
    assert_eq!((output.e_tag, output.status), (None, None));
    assert_eq!(output.thing.unwrap().name, "n");
}

#[test]
fn enums_and_unions_keep_what_the_model_does_not_know() {
    let thing = thing_from(r#"{"Color":"GREEN","Shape":{"Hexagon":{"Sides":6}}}"#).unwrap();
    assert_eq!(thing.color, Some(Color::Green));
    assert_eq!(thing.shape, Some(ShapeUnion::Unknown("Hexagon".into())));
    let thing = thing_from(r#"{"Color":"mauve","Shape":{"__type":"x","Hexagon":1,"Circle":2}}"#).unwrap();
    assert_eq!(thing.color, Some(Color::Unknown("mauve".into())));
    assert!(matches!(thing.shape, Some(ShapeUnion::Circle(2))));
    assert!(matches!(thing_from(r#"{"Shape":{"Circle":null}}"#).unwrap().shape, Some(ShapeUnion::Unknown(_))));
    let error = thing_from(r#"{"Shape":{"Circle":1,"Square":{"Key":"k"}}}"#).unwrap_err();
    assert_eq!(error.to_string(), "$.Shape: a union must have exactly one variant set");
    // An unknown variant cannot be sent back.
    let mut out = String::new();
    let error =
        to_json(&Thing { shape: Some(ShapeUnion::Unknown(String::new())), ..Thing::default() }, &THING, &mut out)
            .unwrap_err();
    assert_eq!(error.path(), "$.Shape");
}

#[test]
fn unknown_keys_and_nulls_are_ignored() {
    let json = r#"{"Unknown":{"deep":[1,2,{"x":null}]},"Name":"n","Big":null,"Tags":[null,{"Key":"k","Extra":1}],
        "Sparse":[null],"Attributes":{"a":null,"b":"c"},"SparseAttributes":{"a":null},"Parent":null,"Doc":null}"#;
    let thing = thing_from(json).unwrap();
    assert_eq!(thing.name, "n");
    assert_eq!(thing.big, None);
    assert_eq!(thing.tags, vec![Tag { key: "k".into(), value: None }]);
    assert_eq!(thing.sparse, Some(vec![None]));
    assert_eq!(thing.attributes.unwrap().into_iter().collect::<Vec<_>>(), vec![("b".to_owned(), "c".to_owned())]);
    assert_eq!(thing.sparse_attributes.unwrap().into_iter().collect::<Vec<_>>(), vec![("a".to_owned(), None)]);
    assert_eq!((thing.parent, thing.doc), (None, None));
    // Bodies without content are an empty object.
    assert_eq!(thing_from("").unwrap(), Thing::default());
    assert_eq!(thing_from(" \n").unwrap(), Thing::default());
}

#[test]
fn type_mismatches_name_the_path_and_the_types() {
    let cases = [
        (r#"{"Name":1}"#, "$.Name: expected a string, found a number"),
        (r#"{"Count":"1"}"#, "$.Count: expected an integer, found a string"),
        (r#"{"Count":1.5}"#, "$.Count: expected an integer, found a number with a fraction or exponent"),
        (r#"{"Count":2147483648}"#, "$.Count: expected an integer, found a number out of its range"),
        (r#"{"Tiny":128}"#, "$.Tiny: expected a byte, found a number out of its range"),
        (r#"{"Flag":"true"}"#, "$.Flag: expected a boolean, found a string"),
        (r#"{"Data":"!!"}"#, "$.Data: expected base64-encoded bytes"),
        (r#"{"Tags":{}}"#, "$.Tags: expected an array, found an object"),
        (r#"{"Tags":[{"Key":"k"},{"Key":true}]}"#, "$.Tags[1].Key: expected a string, found a boolean"),
        (r#"{"Attributes":{"odd key":1}}"#, r#"$.Attributes["odd key"]: expected a string, found a number"#),
        (
            r#"{"Parent":{"Nested":{"Back":{"Color":[]}}}}"#,
            "$.Parent.Nested.Back.Color: expected a string, found an array",
        ),
        (r#"{"Shape":{"Self":{"Circle":"c"}}}"#, "$.Shape.Self.Circle: expected an integer, found a string"),
        (r#"{"Option":"x"}"#, "$.Option: expected an object, found a string"),
        (r#"[]"#, "$: expected an object, found an array"),
        (r#"{"Modified":true}"#, "$.Modified: expected a timestamp, found a boolean"),
    ];
    for (json, message) in cases {
        assert_eq!(thing_from(json).unwrap_err().to_string(), message, "{json}");
    }
    let error = thing_from(r#"{"Name":}"#).unwrap_err();
    assert_eq!(error.offset(), Some(8));
    assert!(error.to_string().starts_with("invalid JSON at byte 8"), "{error}");
}

#[test]
fn error_messages_never_carry_values() {
    for json in [r#"{"Secret":12345}"#, r#"{"Count":"hunter2"}"#, r#"{"Modified":"hunter2"}"#, r#"{"Data":"hunter2!"}"#]
    {
        let error = thing_from(json).unwrap_err().to_string();
        assert!(!error.contains("hunter2") && !error.contains("12345"), "{error}");
    }
}

#[test]
fn deep_nesting_is_refused_both_ways() {
    // 200 levels of `Parent` are refused by the parser's depth limit, without overflowing the stack.
    let json = format!("{}{}", r#"{"Parent":"#.repeat(200), "}".repeat(200));
    let error = thing_from(&json).unwrap_err();
    assert!(error.offset().is_some() && error.reason().contains("deeper"), "{error}");
    // A structure built that deep by hand is refused when writing.
    let mut thing = Thing::default();
    for _ in 0..200 {
        thing = Thing { parent: Some(Box::new(thing)), ..Thing::default() };
    }
    let mut out = String::new();
    assert!(to_json(&thing, &THING, &mut out).unwrap_err().reason().contains("deeper"));
    // Depths within the limit round-trip.
    let mut thing = Thing::default();
    for _ in 0..100 {
        thing = Thing { parent: Some(Box::new(thing)), ..Thing::default() };
    }
    assert_eq!(round_trip(&thing), thing);
}

/// A small xorshift generator, so the garbage loop is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let valid = json_of(&full_thing(), &THING).into_bytes();
    let tokens: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"null",
        b"true",
        b"1",
        b"-1.5e3",
        b"\"Name\"",
        b"\"Tags\"",
        b"\"Shape\"",
        b"\"Circle\"",
        b"\"Parent\"",
        b"\"SparseAttributes\"",
        b"\"NaN\"",
        b"\"\\u00e9\"",
        b"\"\\ud800\"",
        b"\xff",
        b"\"Doc\"",
        b"\"Modified\"",
        b"\"2014-04-29T18:30:38Z\"",
        b"99999999999999999999",
    ];
    for round in 0..20_000 {
        let input: Vec<u8> = if round % 2 == 0 {
            // Mutate a valid body so the walk gets deep before hitting the damage.
            let mut bytes = valid.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] = rng.next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.splice(at..at, tokens[rng.below(tokens.len())].iter().copied()).for_each(drop),
                }
            }
            bytes
        } else {
            (0..rng.below(40)).flat_map(|_| tokens[rng.below(tokens.len())].iter().copied()).collect()
        };
        let mut thing = Thing::default();
        if from_json(&input, &mut thing, &THING).is_ok() {
            // Whatever was accepted can be written again, unless it holds an unknown union.
            let mut out = String::new();
            let _ = to_json(&thing, &THING, &mut out);
        }
    }
}
