//! `Debug` for generated shapes, driven by their schemas so that sensitive members are redacted
//! in one place.

use core::fmt;

use super::{Shape, Value, ValueRef};
use crate::schema::{flags, shape_flags, Member, ShapeKind};

/// What `Debug` prints instead of a sensitive value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Formats a structure or union, printing set members only and redacting sensitive ones.
pub fn debug_shape(shape: &dyn Shape, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let schema = shape.schema();
    if schema.has(shape_flags::SENSITIVE) {
        return f.write_str(REDACTED);
    }
    if schema.kind == ShapeKind::Union {
        for (i, member) in schema.members.iter().enumerate() {
            if let Some(value) = shape.field(i) {
                return f.debug_tuple(member.name).field(&Show(value, member)).finish();
            }
        }
        return f.debug_tuple("Unknown").field(&shape.unknown_name().unwrap_or_default()).finish();
    }
    let mut out = f.debug_struct(schema.name);
    for (i, member) in schema.members.iter().enumerate() {
        if let Some(value) = shape.field(i) {
            if value.get().is_some() {
                out.field(member.name, &Show(value, member));
            }
        }
    }
    out.finish_non_exhaustive()
}

/// A value together with the member that holds it, so nested sensitivity is honoured.
struct Show<'a>(&'a dyn Value, &'a Member);

fn is_sensitive(member: &Member) -> bool {
    member.has(flags::SENSITIVE) || member.target.has(shape_flags::SENSITIVE)
}

impl fmt::Debug for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Show(value, member) = *self;
        if is_sensitive(member) {
            return f.write_str(REDACTED);
        }
        match value.get() {
            None => f.write_str("None"),
            Some(ValueRef::Bool(v)) => fmt::Debug::fmt(&v, f),
            Some(ValueRef::Int(v)) => fmt::Debug::fmt(&v, f),
            Some(ValueRef::Float(v)) => fmt::Debug::fmt(&v, f),
            Some(ValueRef::Str(v)) => fmt::Debug::fmt(v, f),
            // Blobs can be large; their length says enough in a debug dump.
            Some(ValueRef::Blob(v)) => write!(f, "Blob({} bytes)", v.len()),
            Some(ValueRef::Timestamp(v)) => fmt::Display::fmt(&v, f),
            Some(ValueRef::Document(v)) => fmt::Debug::fmt(v, f),
            Some(ValueRef::Stream(v)) => fmt::Debug::fmt(v, f),
            Some(ValueRef::EventStream(v)) => fmt::Debug::fmt(v, f),
            Some(ValueRef::Shape(v)) => debug_shape(v, f),
            Some(ValueRef::List(list)) => {
                let element = member.target.list_member();
                let mut out = f.debug_list();
                for i in 0..list.len() {
                    match (list.item(i), element) {
                        (Some(item), Some(element)) => out.entry(&Show(item, element)),
                        _ => out.entry(&"?"),
                    };
                }
                out.finish()
            }
            Some(ValueRef::Map(map)) => {
                let mut out = f.debug_map();
                let entry = member.target.map_entry();
                for i in 0..map.len() {
                    if let (Some((key, item)), Some((key_member, value_member))) = (map.entry(i), entry) {
                        // Keys can be secrets too (a sensitive key shape), not just values.
                        let key: &dyn fmt::Debug = if is_sensitive(key_member) { &REDACTED } else { &key };
                        out.entry(key, &Show(item, value_member));
                    }
                }
                out.finish()
            }
        }
    }
}
