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
