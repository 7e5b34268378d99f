//! The runtime's JMESPath lexer and parser, compiled into the generator too, so that every
//! expression a model holds is parsed at generate time by the very code that will run it: an
//! expression the runtime could not handle is a model error naming the file and the expression.

#![allow(dead_code)]

#[path = "../../runtime/src/jmespath/ast.rs"]
mod ast;
#[path = "../../runtime/src/jmespath/lexer.rs"]
mod lexer;
#[path = "../../runtime/src/jmespath/parser.rs"]
mod parser;

use ast::{Cmp, Node, ParseError, FUNCTIONS};

/// Literals are JSON values here; the runtime uses its own `Document`.
type Literal = serde_json::Value;

fn json_literal(text: &str) -> Option<Literal> {
    serde_json::from_str(text).ok()
}

fn json_string(text: &str) -> Option<String> {
    serde_json::from_str(text).ok()
}

fn string_literal(text: String) -> Literal {
    Literal::String(text)
}

/// Parses `expr`, or says why the runtime could not.
pub fn check(expr: &str) -> Result<(), String> {
    parser::parse(expr).map(drop).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_runtime_parser_runs_here() {
        assert!(super::check("NextMarker || Contents[-1].Key").is_ok());
        assert!(super::check("length(services[?!(length(deployments) == `1`)]) == `0`").is_ok());
        let err = super::check("Contents[").unwrap_err();
        assert!(err.contains("invalid JMESPath"), "{err}");
    }
}
