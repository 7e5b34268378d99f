//! What generated types promise, checked on the kitchen-sink golden crate.

use tucuxi::shape::{Shape, Value, ValueMut, ValueRef};
use tucuxi_kitchensink::types::{Color, OptionShape, ShapeUnion, Tag, Thing, THING};

#[test]
fn required_members_are_plain_and_optional_ones_option() {
    // Compiles only if `name` is a String and `big` an Option<i64>.
    let thing = Thing { name: "n".into(), count: 1, big: Some(2), ..Thing::default() };
    assert_eq!(thing.name, "n");
    assert_eq!(thing.big, Some(2));
}

#[test]
fn string_enums_keep_unknown_values() {
    assert_eq!(Color::from("red"), Color::Red);
    assert_eq!(Color::from("light-blue").as_str(), "light-blue");
    let unknown = Color::from("ultraviolet");
    assert_eq!(unknown, Color::Unknown("ultraviolet".into()));
    assert_eq!(unknown.to_string(), "ultraviolet");
    // The model's own value "Unknown" does not clash with the catch-all variant.
    assert_eq!(Color::from("Unknown").as_str(), "Unknown");
    assert!(!matches!(Color::from("Unknown"), Color::Unknown(_)));
    assert_eq!(Color::VALUES, &["red", "GREEN", "light-blue", "Unknown", "2x", ""]);
}

#[test]
fn debug_redacts_sensitive_members_and_skips_unset_ones() {
    let thing = Thing { name: "visible".into(), secret: Some("hunter2".into()), ..Thing::default() };
    let debug = format!("{thing:?}");
    assert!(debug.contains("visible"), "{debug}");
    assert!(!debug.contains("hunter2"), "secrets must never reach Debug: {debug}");
    assert!(debug.contains("*** Sensitive Data Redacted ***"), "{debug}");
    assert!(!debug.contains("Ratio"), "unset members are not printed: {debug}");
}

#[test]
fn members_are_reachable_by_schema_index() {
    let mut thing = Thing::default();
    assert_eq!(thing.schema(), &THING);
    let (i, _) = THING.member("Name").unwrap();
    match thing.field_mut(i).unwrap().get_mut() {
        ValueMut::Str(s) => s.push_str("written"),
        _ => panic!("Name is a string"),
    }
    assert_eq!(thing.name, "written");
    let (big, _) = THING.member("Big").unwrap();
    assert!(thing.field(big).unwrap().get().is_none(), "unset optional members read as absent");
    match thing.field_mut(big).unwrap().get_mut() {
        ValueMut::Long(v) => *v = 7,
        _ => panic!("Big is a long"),
    }
    assert_eq!(thing.big, Some(7));
    assert!(matches!(thing.field(big).unwrap().get(), Some(ValueRef::Int(7))));
    assert!(thing.field(THING.members.len()).is_none());
}

#[test]
fn recursive_members_are_boxed_and_default_terminates() {
    let child = Thing { name: "child".into(), ..Thing::default() };
    let parent = Thing { parent: Some(Box::new(child)), ..Thing::default() };
    assert_eq!(parent.parent.as_ref().unwrap().name, "child");
    assert_eq!(tucuxi_kitchensink::types::Nested::default().back, None);
}

#[test]
fn unions_switch_variants_through_the_runtime() {
    let mut shape = ShapeUnion::default();
    assert_eq!(shape, ShapeUnion::Unknown(String::new()));
    let schema = shape.schema();
    let (square, _) = schema.member("Square").unwrap();
    match shape.field_mut(square).unwrap().get_mut() {
        ValueMut::Shape(tag) => {
            let (key, _) = tag.schema().member("Key").unwrap();
            if let ValueMut::Str(s) = tag.field_mut(key).unwrap().get_mut() {
                s.push('k');
            }
        }
        _ => panic!("Square is a structure"),
    }
    assert_eq!(shape, ShapeUnion::Square(Box::new(Tag { key: "k".into(), value: None })));
    let (circle, _) = schema.member("Circle").unwrap();
    assert!(shape.field(circle).is_none(), "only the active variant is readable");
    shape.set_unknown("Hexagon");
    assert_eq!(shape, ShapeUnion::Unknown("Hexagon".into()));
    assert_eq!(shape.unknown_name(), Some("Hexagon"));
}

#[test]
fn shapes_named_like_prelude_items_get_a_suffix() {
    let o = OptionShape { some: Some("x".into()) };
    assert_eq!(o.some.as_deref(), Some("x"));
    let _ = tucuxi_kitchensink::types::ResultShape::default();
}

#[test]
fn error_shapes_carry_their_traits() {
    let e = tucuxi_kitchensink::types::RESULT.error.unwrap();
    assert_eq!((e.code, e.http_status, e.server_fault, e.retryable), (Some("ResultFault"), 503, true, Some(true)));
    let op = &tucuxi_kitchensink::operations::PUT_THING;
    assert_eq!(op.errors.len(), 2);
    assert_eq!(op.host_prefix, Some("{AccountId}."));
    assert!(op.checksum.unwrap().request_checksum_required);
}

#[test]
fn value_of_generated_enum_is_its_wire_string() {
    let c = Color::LightBlue;
    assert!(matches!(c.get(), Some(ValueRef::Str("light-blue"))));
}

/// A rest-json event stream through the golden crate's types: a header member, a structure
/// payload decoded as JSON, an empty event and a modeled exception.
#[test]
fn golden_event_streams_decode_headers_payloads_and_exceptions() {
    use tucuxi::event_stream::{HeaderValue, Message};
    use tucuxi_kitchensink::types::ThingEventStream;

    let message = |kind: &str, extra: Vec<(&str, HeaderValue)>, payload: &[u8]| {
        let mut headers = vec![(":message-type".to_owned(), HeaderValue::String(kind.into()))];
        headers.extend(extra.into_iter().map(|(n, v)| (n.to_owned(), v)));
        Message { headers, payload: payload.to_vec().into() }.encode()
    };
    let event_type = |t: &str| (":event-type", HeaderValue::String(t.into()));
    let body = [
        message(
            "event",
            vec![event_type("Changed"), ("Sequence", HeaderValue::Long(9))],
            br#"{"Name": "a", "Count": 2}"#,
        ),
        message("event", vec![event_type("Done")], b""),
        message(
            "exception",
            vec![(":exception-type", HeaderValue::String("Failure".into()))],
            br#"{"Message": "gone"}"#,
        ),
    ]
    .concat();
    let mut stream = tucuxi::EventStream::<ThingEventStream>::from_body(
        tucuxi::schema::Protocol::RestJson,
        "WatchThings",
        tucuxi::ByteStream::from(body),
    );
    let changed = stream.recv_blocking().unwrap().unwrap().changed.unwrap();
    assert_eq!(changed.sequence, Some(9));
    let thing = changed.thing.unwrap();
    assert_eq!((thing.name.as_str(), thing.count), ("a", 2));
    assert!(stream.recv_blocking().unwrap().unwrap().done.is_some());
    let e = stream.recv_blocking().unwrap_err();
    assert_eq!((e.code(), e.message()), (Some("Failure"), Some("gone")));
    let failure = e.modeled::<ThingEventStream>().and_then(|s| s.failure.as_ref()).unwrap();
    assert_eq!(failure.message.as_deref(), Some("gone"));
    assert!(stream.recv_blocking().unwrap().is_none());
}
