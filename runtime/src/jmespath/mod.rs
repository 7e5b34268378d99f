//! JMESPath, as botocore uses it in paginators, waiters and boto3 resource models.
//!
//! Expressions are evaluated over a borrowed view of typed values ([`Val`]): a generated output is
//! walked through [`Shape`](crate::shape::Shape) by member name, so no page is converted to JSON to be searched. Only
//! values an expression builds (multi-selects, slices, projections) are new, and those hold
//! references into the searched value wherever they can.
//!
//! Errors are values: a malformed expression is a [`ParseError`], a type error at run time (a
//! function given the wrong kind of argument) an [`EvalError`]. Nesting is limited at parse time,
//! which bounds the recursion of evaluation too.

mod ast;
mod eval;
mod functions;
mod lexer;
mod parser;
mod value;

#[cfg(test)]
mod tests;

use core::fmt;

use crate::types::Document;

pub use ast::ParseError;
pub(crate) use ast::{Cmp, Node, FUNCTIONS};
pub use value::Val;

/// The value of a literal in the syntax tree.
pub(crate) type Literal = Document;

/// A backtick literal's JSON.
fn json_literal(text: &str) -> Option<Literal> {
    Document::from_json(text).ok()
}

/// A quoted identifier's JSON string.
fn json_string(text: &str) -> Option<String> {
    match Document::from_json(text) {
        Ok(Document::String(s)) => Some(s),
        _ => None,
    }
}

/// A raw string literal.
fn string_literal(text: String) -> Literal {
    Document::String(text)
}

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
