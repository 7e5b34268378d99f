//! JMESPath, as botocore uses it in paginators, waiters and boto3 resource models.
//!
//! Expressions are evaluated over a borrowed view of typed values ([`Val`]): a generated output is
//! walked through [`Shape`] by member name, so no page is converted to JSON to be searched. Only
//! values an expression builds (multi-selects, slices, projections) are new, and those hold
//! references into the searched value wherever they can.
//!
//! Errors are values: a malformed expression is a [`ParseError`], a type error at run time (a
//! function given the wrong kind of argument) an [`EvalError`]. Nesting is limited at parse time,
//! which bounds the recursion of evaluation too.

mod eval;
mod functions;
mod lexer;
mod parser;
mod value;

#[cfg(test)]
mod tests;

use core::fmt;

use crate::types::Document;

pub use value::Val;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    text: String,
    node: Node,
}

impl Expression {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Expression, ParseError> {
        Ok(Expression { text: text.to_owned(), node: parser::parse(text)? })
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The result of the expression over `value`.
    pub fn search<'a>(&'a self, value: Val<'a>) -> Result<Val<'a>, EvalError> {
        eval::eval(&self.node, value)
    }

    /// A dotted path of plain names (`A.B.C`), when the expression is one: botocore sets such
    /// paths in its parsed responses, which is how result keys are truncated and merged.
    pub fn field_path(&self) -> Option<Vec<&str>> {
        fn walk<'n>(node: &'n Node, out: &mut Vec<&'n str>) -> bool {
            match node {
                Node::Field(name) => {
                    out.push(name);
                    true
                }
                Node::Sub(a, b) => walk(a, out) && walk(b, out),
                _ => false,
            }
        }
        let mut out = Vec::new();
        walk(&self.node, &mut out).then_some(out)
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The comparators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
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
    Literal(Document),
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

/// Why an expression could not be evaluated (JMESPath's `invalid-type`, `unknown-function` and
/// `invalid-arity` errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EvalError { message: message.into() }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JMESPath evaluation failed: {}", self.message)
    }
}

impl std::error::Error for EvalError {}
