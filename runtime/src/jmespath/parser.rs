//! A Pratt parser for the JMESPath grammar, with the binding powers of the specification's
//! reference implementation (jmespath.py), so that precedence matches what botocore evaluates.

use super::lexer::{tokenize, Tok};
use super::{Cmp, Node, ParseError, FUNCTIONS};

/// Deeper nesting than this is rejected, so hostile text cannot overflow the stack while parsing,
/// evaluating or dropping the tree.
const MAX_DEPTH: usize = 64;

fn binding_power(tok: &Tok) -> u8 {
    match tok {
        Tok::Pipe => 1,
        Tok::Or => 2,
        Tok::And => 3,
        Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => 5,
        Tok::Flatten => 9,
        Tok::Star => 20,
        Tok::Filter => 21,
        Tok::Dot => 40,
        Tok::Not => 45,
        Tok::LBrace => 50,
        Tok::LBracket => 55,
        Tok::LParen => 60,
        _ => 0,
    }
}

/// Below this binding power a token ends a projection's right-hand side.
const PROJECTION_STOP: u8 = 10;

pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    let tokens = tokenize(text)?;
    let mut p = Parser { tokens, pos: 0, depth: 0 };
    let node = p.expression(0)?;
    match p.peek() {
        Tok::Eof => Ok(node),
        _ => Err(p.error("unexpected token after the end of the expression")),
    }
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].0
    }

    fn peek_at(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.tokens.len() - 1);
        &self.tokens[i].0
    }

    fn next(&mut self) -> Tok {
        let tok = self.tokens[self.pos].0.clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        tok
    }

    fn error(&self, message: &str) -> ParseError {
        ParseError { offset: self.tokens[self.pos].1, message: message.to_owned() }
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), ParseError> {
        if *self.peek() == tok {
            self.next();
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        let tok = self.next();
        let mut left = self.nud(tok)?;
        while rbp < binding_power(self.peek()) {
            let tok = self.next();
            left = self.led(tok, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, tok: Tok) -> Result<Node, ParseError> {
        Ok(match tok {
            Tok::Literal(value) => Node::Literal(value),
            Tok::Ident(name) => Node::Field(name),
            Tok::Quoted(name) => {
                if *self.peek() == Tok::LParen {
                    return Err(self.error("a quoted identifier cannot name a function"));
                }
                Node::Field(name)
            }
            Tok::Star => {
                let rhs = self.projection_rhs(binding_power(&Tok::Star))?;
                Node::ValueProjection(Box::new(Node::Current), Box::new(rhs))
            }
            Tok::Filter => self.filter(Node::Current)?,
            Tok::LBrace => self.multi_select_hash()?,
            Tok::Flatten => {
                let rhs = self.projection_rhs(binding_power(&Tok::Flatten))?;
                Node::Projection(Box::new(Node::Flatten(Box::new(Node::Current))), Box::new(rhs))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => {
                    let index = self.index_expression()?;
                    self.project_if_slice(Node::Current, index)?
                }
                Tok::Star if *self.peek_at(1) == Tok::RBracket => {
                    self.next();
                    self.next();
                    let rhs = self.projection_rhs(binding_power(&Tok::Star))?;
                    Node::Projection(Box::new(Node::Current), Box::new(rhs))
                }
                _ => self.multi_select_list()?,
            },
            Tok::At => Node::Current,
            Tok::Amp => Node::ExpRef(Box::new(self.expression(0)?)),
            Tok::Not => Node::Not(Box::new(self.expression(binding_power(&Tok::Not))?)),
            Tok::LParen => {
                let inner = self.expression(0)?;
                self.expect(Tok::RParen, "`)`")?;
                inner
            }
            Tok::Eof => return Err(self.error("unexpected end of expression")),
            _ => return Err(self.error("unexpected token")),
        })
    }

    fn led(&mut self, tok: Tok, left: Node) -> Result<Node, ParseError> {
        let bp = binding_power(&tok);
        Ok(match tok {
            Tok::Dot => {
                if *self.peek() == Tok::Star {
                    self.next();
                    let rhs = self.projection_rhs(bp)?;
                    Node::ValueProjection(Box::new(left), Box::new(rhs))
                } else {
                    let rhs = self.dot_rhs(bp)?;
                    Node::Sub(Box::new(left), Box::new(rhs))
                }
            }
            Tok::Pipe => Node::Pipe(Box::new(left), Box::new(self.expression(bp)?)),
            Tok::Or => Node::Or(Box::new(left), Box::new(self.expression(bp)?)),
            Tok::And => Node::And(Box::new(left), Box::new(self.expression(bp)?)),
            Tok::LParen => {
                let Node::Field(name) = left else {
                    return Err(self.error("only a name can be called as a function"));
                };
                let mut args = Vec::new();
                while *self.peek() != Tok::RParen {
                    args.push(self.expression(0)?);
                    if *self.peek() == Tok::Comma {
                        self.next();
                    } else if *self.peek() != Tok::RParen {
                        return Err(self.error("expected `,` or `)` in function arguments"));
                    }
                }
                let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(f, _, _)| *f == name) else {
                    return Err(self.error(&format!("unknown function {name}()")));
                };
                if args.len() < min || args.len() > max {
                    let expected = match (min, max) {
                        (min, max) if min == max => min.to_string(),
                        (min, usize::MAX) => format!("at least {min}"),
                        (min, max) => format!("{min} to {max}"),
                    };
                    return Err(self.error(&format!("{name}() takes {expected} arguments, not {}", args.len())));
                }
                self.next();
                Node::Function(name, args)
            }
            Tok::Filter => self.filter(left)?,
            Tok::Flatten => {
                let rhs = self.projection_rhs(bp)?;
                Node::Projection(Box::new(Node::Flatten(Box::new(left))), Box::new(rhs))
            }
            Tok::Eq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => {
                let op = match tok {
                    Tok::Eq => Cmp::Eq,
                    Tok::Ne => Cmp::Ne,
                    Tok::Lt => Cmp::Lt,
                    Tok::Le => Cmp::Le,
                    Tok::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                Node::Compare(op, Box::new(left), Box::new(self.expression(bp)?))
            }
            Tok::LBracket => match self.peek() {
                Tok::Number(_) | Tok::Colon => {
                    let index = self.index_expression()?;
                    self.project_if_slice(left, index)?
                }
                _ => {
                    self.expect(Tok::Star, "a number, `:` or `*` after `[`")?;
                    self.expect(Tok::RBracket, "`]`")?;
                    let rhs = self.projection_rhs(binding_power(&Tok::Star))?;
                    Node::Projection(Box::new(left), Box::new(rhs))
                }
            },
            _ => return Err(self.error("unexpected token")),
        })
    }

    /// `[?cond]` after `left`: the filter has been consumed.
    fn filter(&mut self, left: Node) -> Result<Node, ParseError> {
        let cond = self.expression(0)?;
        self.expect(Tok::RBracket, "`]` closing the filter")?;
        let rhs = if *self.peek() == Tok::Flatten {
            Node::Current
        } else {
            self.projection_rhs(binding_power(&Tok::Filter))?
        };
        Ok(Node::FilterProjection(Box::new(left), Box::new(cond), Box::new(rhs)))
    }

    /// An index or slice; the `[` has been consumed and the `]` is consumed here.
    fn index_expression(&mut self) -> Result<Node, ParseError> {
        if *self.peek_at(1) != Tok::Colon && *self.peek() != Tok::Colon {
            let Tok::Number(n) = self.next() else { return Err(self.error("expected an index")) };
            self.expect(Tok::RBracket, "`]`")?;
            return Ok(Node::Index(n));
        }
        let mut parts = [None; 3];
        let mut part = 0;
        loop {
            match self.next() {
                Tok::RBracket => break,
                Tok::Colon if part < 2 => part += 1,
                Tok::Number(n) if parts[part].is_none() => parts[part] = Some(n),
                _ => return Err(self.error("invalid slice")),
            }
        }
        if parts[2] == Some(0) {
            return Err(self.error("a slice step cannot be 0"));
        }
        Ok(Node::Slice(parts[0], parts[1], parts[2]))
    }

    fn project_if_slice(&mut self, left: Node, index: Node) -> Result<Node, ParseError> {
        let is_slice = matches!(index, Node::Slice(..));
        let indexed = Node::Sub(Box::new(left), Box::new(index));
        if is_slice {
            let rhs = self.projection_rhs(binding_power(&Tok::Star))?;
            Ok(Node::Projection(Box::new(indexed), Box::new(rhs)))
        } else {
            Ok(indexed)
        }
    }

    fn projection_rhs(&mut self, bp: u8) -> Result<Node, ParseError> {
        match self.peek() {
            t if binding_power(t) < PROJECTION_STOP => Ok(Node::Current),
            Tok::LBracket | Tok::Filter => self.expression(bp),
            Tok::Dot => {
                self.next();
                self.dot_rhs(bp)
            }
            _ => Err(self.error("unexpected token after a projection")),
        }
    }

    fn dot_rhs(&mut self, bp: u8) -> Result<Node, ParseError> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Star => self.expression(bp),
            Tok::LBracket => {
                self.next();
                self.multi_select_list()
            }
            Tok::LBrace => {
                self.next();
                self.multi_select_hash()
            }
            _ => Err(self.error("expected a name, `*`, `[` or `{` after `.`")),
        }
    }

    /// `[a, b]`; the `[` has been consumed.
    fn multi_select_list(&mut self) -> Result<Node, ParseError> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            match self.next() {
                Tok::Comma => continue,
                Tok::RBracket => break,
                _ => return Err(self.error("expected `,` or `]` in a multi-select list")),
            }
        }
        Ok(Node::MultiList(items))
    }

    /// `{k: a, l: b}`; the `{` has been consumed.
    fn multi_select_hash(&mut self) -> Result<Node, ParseError> {
        let mut items = Vec::new();
        loop {
            let key = match self.next() {
                Tok::Ident(k) | Tok::Quoted(k) => k,
                _ => return Err(self.error("expected a key in a multi-select hash")),
            };
            self.expect(Tok::Colon, "`:`")?;
            items.push((key, self.expression(0)?));
            match self.next() {
                Tok::Comma => continue,
                Tok::RBrace => break,
                _ => return Err(self.error("expected `,` or `}` in a multi-select hash")),
            }
        }
        Ok(Node::MultiHash(items))
    }
}
