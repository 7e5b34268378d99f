//! Evaluation of a syntax tree over a [`Val`], following the JMESPath specification.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::value::{Type, Val};
use super::{functions, Cmp, EvalError, Node};

pub(super) fn eval<'a>(node: &'a Node, v: Val<'a>) -> Result<Val<'a>, EvalError> {
    Ok(match node {
        Node::Current => v,
        Node::Field(name) => v.field(name),
        Node::Sub(a, b) => {
            let left = eval(a, v)?;
            eval(b, left)?
        }
        Node::Index(i) => match v.list_len() {
            Some(len) => {
                let len = len as i64;
                let i = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&i) {
                    v.element(i as usize)
                } else {
                    Val::Null
                }
            }
            None => Val::Null,
        },
        Node::Slice(start, stop, step) => match v.elements() {
            Some(items) => Val::Array(slice(items, *start, *stop, step.unwrap_or(1))),
            None => Val::Null,
        },
        Node::Projection(a, b) => match eval(a, v)?.elements() {
            Some(items) => Val::Array(project(items, b)?),
            None => Val::Null,
        },
        Node::ValueProjection(a, b) => match eval(a, v)?.entries() {
            Some(entries) => Val::Array(project(entries.into_iter().map(|(_, v)| v).collect(), b)?),
            None => Val::Null,
        },
        Node::FilterProjection(a, cond, b) => match eval(a, v)?.elements() {
            Some(items) => {
                let mut kept = Vec::new();
                for item in items {
                    if eval(cond, item.clone())?.truthy() {
                        kept.push(item);
                    }
                }
                Val::Array(project(kept, b)?)
            }
            None => Val::Null,
        },
        Node::Flatten(a) => match eval(a, v)?.elements() {
            Some(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item.elements() {
                        Some(inner) => out.extend(inner),
                        None => out.push(item),
                    }
                }
                Val::Array(out)
            }
            None => Val::Null,
        },
        Node::Compare(op, a, b) => {
            let (l, r) = (eval(a, v.clone())?, eval(b, v)?);
            match op {
                Cmp::Eq => Val::Bool(l.equals(&r)),
                Cmp::Ne => Val::Bool(!l.equals(&r)),
                // Ordering is defined for numbers only; anything else compares to null.
                _ if l.type_of() != Type::Number || r.type_of() != Type::Number => Val::Null,
                _ => match l.compare(&r) {
                    Some(ord) => Val::Bool(match op {
                        Cmp::Lt => ord == Ordering::Less,
                        Cmp::Le => ord != Ordering::Greater,
                        Cmp::Gt => ord == Ordering::Greater,
                        _ => ord != Ordering::Less,
                    }),
                    None => Val::Null,
                },
            }
        }
        Node::Or(a, b) => {
            let l = eval(a, v.clone())?;
            if l.truthy() {
                l
            } else {
                eval(b, v)?
            }
        }
        Node::And(a, b) => {
            let l = eval(a, v.clone())?;
            if l.truthy() {
                eval(b, v)?
            } else {
                l
            }
        }
        Node::Not(a) => Val::Bool(!eval(a, v)?.truthy()),
        Node::Literal(d) => Val::from_doc(d),
        Node::MultiList(items) => {
            if v.is_null() {
                return Ok(Val::Null);
            }
            Val::Array(items.iter().map(|n| eval(n, v.clone())).collect::<Result<_, _>>()?)
        }
        Node::MultiHash(items) => {
            if v.is_null() {
                return Ok(Val::Null);
            }
            let mut out = Vec::with_capacity(items.len());
            for (k, n) in items {
                out.push((Cow::Borrowed(k.as_str()), eval(n, v.clone())?));
            }
            Val::Object(out)
        }
        Node::Pipe(a, b) => {
            let left = eval(a, v)?;
            eval(b, left)?
        }
        Node::Function(name, args) => functions::call(name, args, v)?,
        Node::ExpRef(_) => return Err(EvalError::new("`&expression` is only valid as a function argument")),
    })
}

/// `rhs` over each item, dropping null results as projections do.
fn project<'a>(items: Vec<Val<'a>>, rhs: &'a Node) -> Result<Vec<Val<'a>>, EvalError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let r = eval(rhs, item)?;
        if !r.is_null() {
            out.push(r);
        }
    }
    Ok(out)
}

/// Python's slice semantics, which JMESPath adopts.
fn slice(items: Vec<Val<'_>>, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<Val<'_>> {
    let len = items.len() as i64;
    let clamp = |i: i64, neg_floor: i64| -> i64 {
        if i < 0 {
            (i + len).max(neg_floor)
        } else if i >= len {
            if step < 0 {
                len - 1
            } else {
                len
            }
        } else {
            i
        }
    };
    let (default_start, default_stop) = if step < 0 { (len - 1, -1) } else { (0, len) };
    let floor = if step < 0 { -1 } else { 0 };
    let start = start.map_or(default_start, |s| clamp(s, floor));
    let stop = stop.map_or(default_stop, |s| clamp(s, floor));
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if let Some(v) = items.get(i as usize) {
            out.push(v.clone());
        }
        i += step;
    }
    out
}
