//! The syntax tree and the parse error.
//!
//! Shared with the generator like the lexer and parser: the parent module supplies `Literal`.

use core::fmt;

use super::Literal;

/// The comparators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `@`, and the implicit right-hand side of a projection.
    Current,
    Field(String),
    /// `a.b`: `b` evaluated over the result of `a`.
    Sub(Box<Node>, Box<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `a[*].b`, `a[].b`, `a[1:].b`: `b` over every element of the list `a`.
    Projection(Box<Node>, Box<Node>),
    /// `a.*.b`: `b` over every value of the object `a`.
    ValueProjection(Box<Node>, Box<Node>),
    /// `a[?cond].b`.
    FilterProjection(Box<Node>, Box<Node>, Box<Node>),
    /// `a[]` without what follows: one level of nested lists merged.
    Flatten(Box<Node>),
    Compare(Cmp, Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Literal(Literal),
    MultiList(Vec<Node>),
    MultiHash(Vec<(String, Node)>),
    Pipe(Box<Node>, Box<Node>),
    Function(String, Vec<Node>),
    /// `&expr`: an expression passed to a function (`sort_by`, `max_by`, `map`).
    ExpRef(Box<Node>),
}

/// Why an expression could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the expression.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JMESPath at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The built-in functions with their argument counts (fewest, most). The parser refuses any other
/// call, so an expression the evaluator could not run is refused when a model is generated (the
/// generator compiles this parser), not when a response arrives.
pub(crate) const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("abs", 1, 1),
    ("avg", 1, 1),
    ("ceil", 1, 1),
    ("contains", 2, 2),
    ("ends_with", 2, 2),
    ("floor", 1, 1),
    ("join", 2, 2),
    ("keys", 1, 1),
    ("length", 1, 1),
    ("map", 2, 2),
    ("max", 1, 1),
    ("max_by", 2, 2),
    ("merge", 1, usize::MAX),
    ("min", 1, 1),
    ("min_by", 2, 2),
    ("not_null", 1, usize::MAX),
    ("reverse", 1, 1),
    ("sort", 1, 1),
    ("sort_by", 2, 2),
    ("starts_with", 2, 2),
    ("sum", 1, 1),
    ("to_array", 1, 1),
    ("to_number", 1, 1),
    ("to_string", 1, 1),
    ("type", 1, 1),
    ("values", 1, 1),
];
