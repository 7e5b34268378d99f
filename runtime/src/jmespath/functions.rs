//! JMESPath's built-in functions. The models only call `length`, but callers of
//! [`Expression`](super::Expression) (waiter and resource code, users' own searches) may use any
//! of the specification's functions, so all of them are here.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::eval::eval;
use super::value::{Type, Val};
use super::{EvalError, Node};

fn arity(name: &str, args: &[Node], min: usize, max: usize) -> Result<(), EvalError> {
    if args.len() < min || args.len() > max {
        return Err(EvalError::new(format!("{name}() takes {min} to {max} arguments, got {}", args.len())));
    }
    Ok(())
}

fn type_error(name: &str, expected: &str, got: &Val<'_>) -> EvalError {
    EvalError::new(format!("{name}() expected {expected}, got {}", got.type_of().name()))
}

fn expref<'a>(name: &str, node: &'a Node) -> Result<&'a Node, EvalError> {
    match node {
        Node::ExpRef(inner) => Ok(inner),
        _ => Err(EvalError::new(format!("{name}() expects an `&expression` argument"))),
    }
}

fn array<'a>(name: &str, v: &Val<'a>) -> Result<Vec<Val<'a>>, EvalError> {
    v.elements().ok_or_else(|| type_error(name, "an array", v))
}

fn number(name: &str, v: &Val<'_>) -> Result<f64, EvalError> {
    v.as_f64().ok_or_else(|| type_error(name, "a number", v))
}

fn string<'v>(name: &str, v: &'v Val<'_>) -> Result<&'v str, EvalError> {
    v.as_str().ok_or_else(|| type_error(name, "a string", v))
}

/// A float result as an integer when it is one, as Python's JMESPath returns ints where it can.
fn num(f: f64) -> Val<'static> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Val::Int(f as i64)
    } else {
        Val::Float(f)
    }
}

/// Sorts values that must all be numbers or all be strings.
fn sort_values(name: &str, keyed: &mut [(Val<'_>, Val<'_>)]) -> Result<(), EvalError> {
    if let Some((first, _)) = keyed.first() {
        let t = first.type_of();
        if !matches!(t, Type::Number | Type::String) || keyed.iter().any(|(k, _)| k.type_of() != t) {
            return Err(EvalError::new(format!("{name}() needs all numbers or all strings")));
        }
    }
    keyed.sort_by(|(a, _), (b, _)| a.compare(b).unwrap_or(Ordering::Equal));
    Ok(())
}

pub(super) fn call<'a>(name: &str, args: &'a [Node], v: Val<'a>) -> Result<Val<'a>, EvalError> {
    let arg = |i: usize| eval(&args[i], v.clone());
    Ok(match name {
        "length" => {
            arity(name, args, 1, 1)?;
            let a = arg(0)?;
            match a.type_of() {
                Type::String => Val::Int(a.as_str().map_or(0, |s| s.chars().count()) as i64),
                Type::Array => Val::Int(a.list_len().unwrap_or(0) as i64),
                Type::Object => Val::Int(a.entries().map_or(0, |e| e.len()) as i64),
                _ => return Err(type_error(name, "a string, array or object", &a)),
            }
        }
        "contains" => {
            arity(name, args, 2, 2)?;
            let (hay, needle) = (arg(0)?, arg(1)?);
            match hay.type_of() {
                Type::Array => Val::Bool(array(name, &hay)?.iter().any(|x| x.equals(&needle))),
                Type::String => {
                    Val::Bool(needle.as_str().is_some_and(|n| string(name, &hay).is_ok_and(|h| h.contains(n))))
                }
                _ => return Err(type_error(name, "an array or string", &hay)),
            }
        }
        "abs" | "ceil" | "floor" => {
            arity(name, args, 1, 1)?;
            let n = number(name, &arg(0)?)?;
            num(match name {
                "abs" => n.abs(),
                "ceil" => n.ceil(),
                _ => n.floor(),
            })
        }
        "avg" | "sum" => {
            arity(name, args, 1, 1)?;
            let items = array(name, &arg(0)?)?;
            let mut total = 0.0;
            for x in &items {
                total += number(name, x)?;
            }
            match name {
                "sum" => num(total),
                _ if items.is_empty() => Val::Null,
                _ => Val::Float(total / items.len() as f64),
            }
        }
        "starts_with" | "ends_with" => {
            arity(name, args, 2, 2)?;
            let (s, p) = (arg(0)?, arg(1)?);
            let (s, p) = (string(name, &s)?, string(name, &p)?);
            Val::Bool(if name == "starts_with" { s.starts_with(p) } else { s.ends_with(p) })
        }
        "join" => {
            arity(name, args, 2, 2)?;
            let sep = arg(0)?;
            let sep = string(name, &sep)?;
            let items = array(name, &arg(1)?)?;
            let parts = items.iter().map(|x| string(name, x)).collect::<Result<Vec<_>, _>>()?;
            Val::Str(Cow::Owned(parts.join(sep)))
        }
        "keys" | "values" => {
            arity(name, args, 1, 1)?;
            let o = arg(0)?;
            let entries = o.entries().ok_or_else(|| type_error(name, "an object", &o))?;
            Val::Array(if name == "keys" {
                entries.into_iter().map(|(k, _)| Val::Str(k)).collect()
            } else {
                entries.into_iter().map(|(_, v)| v).collect()
            })
        }
        "merge" => {
            arity(name, args, 1, usize::MAX)?;
            let mut out: Vec<(Cow<'a, str>, Val<'a>)> = Vec::new();
            for i in 0..args.len() {
                let o = arg(i)?;
                for (k, v) in o.entries().ok_or_else(|| type_error(name, "objects", &o))? {
                    match out.iter_mut().find(|(k2, _)| *k2 == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
            }
            Val::Object(out)
        }
        "max" | "min" | "sort" => {
            arity(name, args, 1, 1)?;
            let items = array(name, &arg(0)?)?;
            let mut keyed: Vec<_> = items.into_iter().map(|x| (x.clone(), x)).collect();
            sort_values(name, &mut keyed)?;
            match name {
                "sort" => Val::Array(keyed.into_iter().map(|(_, x)| x).collect()),
                "max" => keyed.pop().map_or(Val::Null, |(_, x)| x),
                _ => keyed.into_iter().next().map_or(Val::Null, |(_, x)| x),
            }
        }
        "max_by" | "min_by" | "sort_by" => {
            arity(name, args, 2, 2)?;
            let items = array(name, &arg(0)?)?;
            let key = expref(name, &args[1])?;
            let mut keyed = Vec::with_capacity(items.len());
            for x in items {
                keyed.push((eval(key, x.clone())?, x));
            }
            sort_values(name, &mut keyed)?;
            match name {
                "sort_by" => Val::Array(keyed.into_iter().map(|(_, x)| x).collect()),
                "max_by" => keyed.pop().map_or(Val::Null, |(_, x)| x),
                _ => keyed.into_iter().next().map_or(Val::Null, |(_, x)| x),
            }
        }
        "map" => {
            arity(name, args, 2, 2)?;
            let key = expref(name, &args[0])?;
            let items = array(name, &arg(1)?)?;
            Val::Array(items.into_iter().map(|x| eval(key, x)).collect::<Result<_, _>>()?)
        }
        "not_null" => {
            arity(name, args, 1, usize::MAX)?;
            for i in 0..args.len() {
                let x = arg(i)?;
                if !x.is_null() {
                    return Ok(x);
                }
            }
            Val::Null
        }
        "reverse" => {
            arity(name, args, 1, 1)?;
            let a = arg(0)?;
            match a.type_of() {
                Type::String => Val::Str(Cow::Owned(string(name, &a)?.chars().rev().collect())),
                _ => Val::Array(array(name, &a)?.into_iter().rev().collect()),
            }
        }
        "to_array" => {
            arity(name, args, 1, 1)?;
            let a = arg(0)?;
            if a.type_of() == Type::Array {
                a
            } else {
                Val::Array(vec![a])
            }
        }
        "to_string" => {
            arity(name, args, 1, 1)?;
            let a = arg(0)?;
            match a {
                Val::Str(_) => a,
                other => Val::Str(Cow::Owned(other.to_document().to_json_string())),
            }
        }
        "to_number" => {
            arity(name, args, 1, 1)?;
            let a = arg(0)?;
            match a.type_of() {
                Type::Number => a,
                Type::String => match a.as_str().map(str::trim) {
                    Some(s) => match s.parse::<i64>() {
                        Ok(i) => Val::Int(i),
                        Err(_) => s.parse::<f64>().map(Val::Float).unwrap_or(Val::Null),
                    },
                    None => Val::Null,
                },
                _ => Val::Null,
            }
        }
        "type" => {
            arity(name, args, 1, 1)?;
            Val::Str(Cow::Borrowed(arg(0)?.type_of().name()))
        }
        _ => return Err(EvalError::new(format!("unknown function {name}()"))),
    })
}
