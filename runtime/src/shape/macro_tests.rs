//! The generated form of `structure!` and `union!`: one member list declares the schema and
//! the member access, so index `i` must reach the field whose schema is `i`-th in the list.

use super::{Shape, ValueMut, ValueRef};
use crate::schema::flags::REQUIRED;
use crate::schema::shape_flags::SENSITIVE;
use crate::schema::{prim, Member};

#[derive(Clone, Default, PartialEq)]
struct Thing {
    name: String,
    r#type: Option<String>,
    count: Option<i32>,
}
crate::structure!(
    Thing,
    THING,
    [
        name[0] = Member::new("Name", &prim::STRING).flags(REQUIRED),
        r#type[1] = Member::new("Type", &prim::STRING).named("type"),
        count[2] = Member::new("Count", &prim::INTEGER),
    ]
);

#[derive(Clone, Default, PartialEq)]
struct Renamed {}
crate::structure!(Renamed, RENAMED = "Wire.Name", [].flags(SENSITIVE));

#[derive(Clone, PartialEq)]
enum Choice {
    Text(String),
    Number(i32),
    Unknown(String),
}
crate::union!(
    Choice,
    CHOICE,
    [Text[0] = Member::new("Text", &prim::STRING), Number[1] = Member::new("Number", &prim::INTEGER),]
);

fn text(value: Option<ValueRef<'_>>) -> Option<&str> {
    match value {
        Some(ValueRef::Str(s)) => Some(s),
        _ => None,
    }
}

#[test]
fn structure_indices_follow_the_member_list() {
    let thing = Thing { name: "a".into(), r#type: Some("t".into()), count: Some(7) };
    assert_eq!(THING.name, "Thing");
    let names: Vec<_> = THING.members.iter().map(|m| m.name).collect();
    assert_eq!(names, ["Name", "Type", "Count"]);
    assert!(THING.members[0].has(REQUIRED));
    assert_eq!(THING.members[1].location_name, Some("type"));
    assert_eq!(text(thing.field(0).and_then(|v| v.get())), Some("a"));
    assert_eq!(text(thing.field(1).and_then(|v| v.get())), Some("t"));
    assert!(matches!(thing.field(2).and_then(|v| v.get()), Some(ValueRef::Int(7))));
    assert!(thing.field(3).is_none());
    assert!(std::ptr::eq(thing.schema(), &THING));
}

#[test]
fn structure_fields_are_written_by_index() {
    let mut thing = Thing::default();
    match thing.field_mut(1).map(|v| v.get_mut()) {
        Some(ValueMut::Str(s)) => s.push_str("xy"),
        _ => panic!("member 1 is the optional string `type`"),
    }
    assert_eq!(thing.r#type.as_deref(), Some("xy"));
    assert!(thing.field_mut(3).is_none());
}

#[test]
fn wire_name_and_modifiers_override_the_defaults() {
    assert_eq!(RENAMED.name, "Wire.Name");
    assert!(RENAMED.has(SENSITIVE));
    assert!(RENAMED.members.is_empty());
    assert!(Renamed {}.field(0).is_none());
}

#[test]
fn union_indices_follow_the_member_list() {
    assert_eq!(CHOICE.name, "Choice");
    let mut choice = Choice::Text("hi".into());
    assert_eq!(text(choice.field(0).and_then(|v| v.get())), Some("hi"));
    assert!(choice.field(1).is_none());
    match choice.field_mut(1).map(|v| v.get_mut()) {
        Some(ValueMut::Int(n)) => *n = 5,
        _ => panic!("member 1 is the integer variant"),
    }
    assert!(choice == Choice::Number(5));
    assert!(choice.field_mut(2).is_none());
    assert!(matches!(Choice::default(), Choice::Unknown(ref n) if n.is_empty()));
}
