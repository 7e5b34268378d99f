//! Acceptors: what a waiter looks for in each answer, and the state that a match means.

use std::borrow::Cow;
use std::fmt;

use crate::jmespath::{Expression, Val};
use crate::shape::Shape;
use crate::Error;

/// The state a matching acceptor puts the waiter in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// Stop waiting: the resource is as wanted.
    Success,
    /// Stop waiting: the resource can no longer become as wanted.
    Failure,
    /// Call again after the delay.
    Retry,
}

/// The value a path matcher compares with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Str(&'static str),
    Bool(bool),
}

/// What an acceptor looks for, as botocore's matchers do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matcher {
    /// The expression's value over the output equals the expected value.
    Path(&'static str, Expected),
    /// The expression gives a non-empty list whose every element equals the expected value.
    PathAll(&'static str, Expected),
    /// The expression gives a list with at least one element equal to the expected value.
    PathAny(&'static str, Expected),
    /// The answer has this HTTP status (an output or an error).
    Status(u16),
    /// The service answered with this error code.
    Error(&'static str),
    /// The service answered with any error (`"expected": true`).
    AnyError,
    /// The service answered without an error (`"expected": false`).
    NoError,
}

/// One acceptor of a waiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

impl Acceptor {
    pub const fn new(state: AcceptorState, matcher: Matcher) -> Self {
        Acceptor { state, matcher }
    }
}

impl Matcher {
    /// The JMESPath expression of a path matcher.
    pub fn argument(&self) -> Option<&'static str> {
        match self {
            Matcher::Path(e, _) | Matcher::PathAll(e, _) | Matcher::PathAny(e, _) => Some(e),
            _ => None,
        }
    }

    /// Whether this matcher accepts one answer: an output with its HTTP status, or an error.
    /// `expr` is the parsed [`argument`](Self::argument).
    pub(crate) fn matches<O: Shape>(&self, expr: Option<&Expression>, answer: &Result<(O, u16), Error>) -> bool {
        match (self, answer) {
            (Matcher::Status(status), Ok((_, got))) => got == status,
            (Matcher::Status(status), Err(e)) => e.status() == Some(*status),
            (Matcher::Error(code), Err(e)) => e.code() == Some(*code),
            (Matcher::AnyError, Err(e)) => e.code().is_some(),
            (Matcher::NoError, answer) => answer.is_ok(),
            // Path matchers look at outputs only, as botocore's do.
            (Matcher::Path(_, expected), Ok((output, _))) => {
                search(expr, output).is_some_and(|v| equals(&v, *expected))
            }
            (Matcher::PathAll(_, expected), Ok((output, _))) => search(expr, output)
                .and_then(|v| v.elements())
                .is_some_and(|items| !items.is_empty() && items.iter().all(|v| equals(v, *expected))),
            (Matcher::PathAny(_, expected), Ok((output, _))) => search(expr, output)
                .and_then(|v| v.elements())
                .is_some_and(|items| items.iter().any(|v| equals(v, *expected))),
            _ => false,
        }
    }
}

/// The expression's value over the output; an evaluation error (a function given the wrong type)
/// matches nothing.
fn search<'a>(expr: Option<&'a Expression>, output: &'a dyn Shape) -> Option<Val<'a>> {
    expr?.search(Val::of(output)).ok()
}

/// Python's `==`, which botocore applies: JMESPath equality, except that `True == 1` and
/// `False == 0` hold.
fn equals(value: &Val<'_>, expected: Expected) -> bool {
    match expected {
        Expected::Str(s) => value.equals(&Val::Str(Cow::Borrowed(s))),
        Expected::Bool(b) => value.equals(&Val::Bool(b)) || value.as_f64() == Some(if b { 1.0 } else { 0.0 }),
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Str(s) => write!(f, "{s:?}"),
            Expected::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// What the acceptor matched, in words, for error messages.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Matcher::Path(e, x) => write!(f, "{e} is {x}"),
            Matcher::PathAll(e, x) => write!(f, "every element of {e} is {x}"),
            Matcher::PathAny(e, x) => write!(f, "an element of {e} is {x}"),
            Matcher::Status(s) => write!(f, "HTTP status {s}"),
            Matcher::Error(code) => write!(f, "error code {code}"),
            Matcher::AnyError => f.write_str("an error answer"),
            Matcher::NoError => f.write_str("an answer without error"),
        }
    }
}
