//! Structural equality of generated values through their reflection, for comparing a call's
//! input with the input a test expected (values of one type, seen as `&dyn Shape`).

use crate::shape::{Shape, Value, ValueRef};

/// True when `a` and `b` have the same schema and equal members, recursively. Streams compare
/// by their in-memory bytes (a stream that is not in memory equals nothing), floats by value.
pub fn shapes_equal(a: &dyn Shape, b: &dyn Shape) -> bool {
    if !core::ptr::eq(a.schema(), b.schema()) {
        return false;
    }
    if a.unknown_name() != b.unknown_name() {
        return false;
    }
    (0..a.schema().members.len()).all(|i| match (a.field(i), b.field(i)) {
        (Some(x), Some(y)) => values_equal(x, y),
        (None, None) => true,
        _ => false,
    })
}

fn values_equal(a: &dyn Value, b: &dyn Value) -> bool {
    match (a.get(), b.get()) {
        (None, None) => true,
        (Some(x), Some(y)) => refs_equal(x, y),
        _ => false,
    }
}

fn refs_equal(a: ValueRef<'_>, b: ValueRef<'_>) -> bool {
    match (a, b) {
        (ValueRef::Bool(x), ValueRef::Bool(y)) => x == y,
        (ValueRef::Int(x), ValueRef::Int(y)) => x == y,
        (ValueRef::Float(x), ValueRef::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (ValueRef::Str(x), ValueRef::Str(y)) => x == y,
        (ValueRef::Blob(x), ValueRef::Blob(y)) => x == y,
        (ValueRef::Timestamp(x), ValueRef::Timestamp(y)) => x == y,
        (ValueRef::Document(x), ValueRef::Document(y)) => x == y,
        (ValueRef::Shape(x), ValueRef::Shape(y)) => shapes_equal(x, y),
        (ValueRef::Stream(x), ValueRef::Stream(y)) => {
            matches!((x.as_bytes(), y.as_bytes()), (Some(p), Some(q)) if p == q)
        }
        (ValueRef::List(x), ValueRef::List(y)) => {
            x.len() == y.len()
                && (0..x.len()).all(|i| match (x.item(i), y.item(i)) {
                    (Some(p), Some(q)) => values_equal(p, q),
                    (None, None) => true,
                    _ => false,
                })
        }
        (ValueRef::Map(x), ValueRef::Map(y)) => {
            // Maps compare as sets of entries: insertion order carries no meaning.
            x.len() == y.len()
                && (0..x.len()).all(|i| {
                    let Some((key, value)) = x.entry(i) else { return false };
                    (0..y.len()).any(|j| matches!(y.entry(j), Some((k, v)) if k == key && values_equal(value, v)))
                })
        }
        _ => false,
    }
}
