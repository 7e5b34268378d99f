//! A small backtracking regular-expression matcher for the partition table's `regionRegex`
//! patterns, such as `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`.
//!
//! The runtime takes no dependencies, and the `regex` crate would be a large one for a handful
//! of short, trusted patterns matched against region names. This supports literals, `.`,
//! classes (`[a-z]`, `[^...]`), the escapes `\d \w \s` (ASCII meanings) and their negations,
//! groups (`(...)`, `(?:...)`) with alternation, the quantifiers `* + ? {n} {n,} {n,m}` (lazy
//! forms are accepted; for a yes/no match they mean the same), and the anchors `^` and `$`.
//! Anything else is rejected when the table is loaded rather than misread.
//!
//! Matching is "search" semantics, like the `regex` crate's `is_match`: the pattern may match
//! anywhere unless anchored. A step budget and a recursion limit keep a pathological pattern or
//! a very long input from hanging or overflowing the stack; hitting either counts as no match.

use std::cell::Cell;

/// Nested groups deeper than this are rejected when parsing.
const MAX_GROUP_DEPTH: u32 = 32;
/// Recursion deeper than this during one match attempt counts as no match.
const MAX_MATCH_DEPTH: u32 = 512;
/// Matching steps per `is_match` call before giving up.
const STEP_BUDGET: u32 = 100_000;

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Regex {
    root: Vec<Node>,
}

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class { negated: bool, items: Vec<ClassItem> },
    Start,
    End,
    Group(Vec<Vec<Node>>),
    Repeat { node: Box<Node>, min: u32, max: u32 },
}

#[derive(Clone, Copy, Debug)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            ClassItem::Range(lo, hi) => lo <= c && c <= hi,
            ClassItem::Digit(negated) => c.is_ascii_digit() != negated,
            ClassItem::Word(negated) => (c.is_ascii_alphanumeric() || c == '_') != negated,
            ClassItem::Space(negated) => c.is_ascii_whitespace() != negated,
        }
    }
}

impl Node {
    /// Whether this node matches `c`, or `None` if it is not a single-character node.
    fn single(&self, c: char) -> Option<bool> {
        match self {
            Node::Char(expected) => Some(*expected == c),
            Node::Any => Some(c != '\n'),
            Node::Class { negated, items } => Some(items.iter().any(|i| i.matches(c)) != *negated),
            _ => None,
        }
    }
}

impl Regex {
    /// Compiles `pattern`, or says why it is not supported.
    pub(crate) fn new(pattern: &str) -> Result<Regex, String> {
        let mut parser = Parser { chars: pattern.chars().collect(), pos: 0 };
        let alts = parser.alternation(0)?;
        if parser.pos < parser.chars.len() {
            return Err(format!("unmatched `)` in `{pattern}`"));
        }
        Ok(Regex { root: vec![Node::Group(alts)] })
    }

    /// Whether the pattern matches somewhere in `s`.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        let budget = Cell::new(STEP_BUDGET);
        let starts = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len()));
        for start in starts {
            if seq(&self.root, s, start, 0, &budget, &mut |_| true) {
                return true;
            }
            if budget.get() == 0 {
                return false;
            }
        }
        false
    }
}

/// Matches `nodes` at `i`, then hands the end position to the continuation `k`, backtracking
/// into earlier choices when `k` refuses.
fn seq(nodes: &[Node], s: &str, i: usize, depth: u32, budget: &Cell<u32>, k: &mut dyn FnMut(usize) -> bool) -> bool {
    if depth > MAX_MATCH_DEPTH || budget.get() == 0 {
        return false;
    }
    budget.set(budget.get() - 1);
    let Some((node, rest)) = nodes.split_first() else {
        return k(i);
    };
    let tail = s.get(i..).unwrap_or("");
    if let Some(c) = tail.chars().next() {
        if let Some(hit) = node.single(c) {
            return hit && seq(rest, s, i + c.len_utf8(), depth + 1, budget, k);
        }
    } else if node.single('\0').is_some() {
        return false;
    }
    match node {
        Node::Start => i == 0 && seq(rest, s, i, depth + 1, budget, k),
        Node::End => i == s.len() && seq(rest, s, i, depth + 1, budget, k),
        Node::Group(alts) => {
            for alt in alts {
                if seq(alt, s, i, depth + 1, budget, &mut |j| seq(rest, s, j, depth + 2, budget, k)) {
                    return true;
                }
            }
            false
        }
        Node::Repeat { node, min, max } if node.single('\0').is_some() => {
            // One character at a time: take as many as possible, then give them back one by
            // one. A loop, not recursion, so a long input cannot exhaust the stack.
            let (mut end, mut count) = (i, 0u32);
            while count < *max {
                match s.get(end..).and_then(|t| t.chars().next()) {
                    Some(c) if node.single(c) == Some(true) => {
                        end += c.len_utf8();
                        count += 1;
                    }
                    _ => break,
                }
            }
            if count < *min {
                return false;
            }
            loop {
                if seq(rest, s, end, depth + 1, budget, k) {
                    return true;
                }
                if count == *min || budget.get() == 0 {
                    return false;
                }
                let back = s.get(..end).and_then(|t| t.chars().next_back()).map_or(1, char::len_utf8);
                end -= back;
                count -= 1;
            }
        }
        Node::Repeat { node, min, max } => repeat(node, *min, *max, 0, rest, s, i, depth + 1, budget, k),
        Node::Char(_) | Node::Any | Node::Class { .. } => false,
    }
}

/// Greedy repetition of a multi-character node: one more repetition if allowed, else the rest.
#[allow(clippy::too_many_arguments)]
fn repeat(
    node: &Node,
    min: u32,
    max: u32,
    count: u32,
    rest: &[Node],
    s: &str,
    i: usize,
    depth: u32,
    budget: &Cell<u32>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if count < max {
        let more = &mut |j: usize| {
            // An empty repetition past the minimum would loop forever without progress.
            (j != i || count < min) && repeat(node, min, max, count + 1, rest, s, j, depth + 2, budget, &mut *k)
        };
        if seq(std::slice::from_ref(node), s, i, depth + 1, budget, more) {
            return true;
        }
    }
    count >= min && seq(rest, s, i, depth + 1, budget, k)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn next(&mut self) -> Result<char, String> {
        let c = self.peek().ok_or("unexpected end of pattern")?;
        self.pos += 1;
        Ok(c)
    }

    fn alternation(&mut self, depth: u32) -> Result<Vec<Vec<Node>>, String> {
        let mut alts = vec![self.sequence(depth)?];
        while self.eat('|') {
            alts.push(self.sequence(depth)?);
        }
        Ok(alts)
    }

    fn sequence(&mut self, depth: u32) -> Result<Vec<Node>, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            nodes.push(self.quantified(atom)?);
        }
        Ok(nodes)
    }

    fn atom(&mut self, depth: u32) -> Result<Node, String> {
        Ok(match self.next()? {
            '(' => {
                if depth >= MAX_GROUP_DEPTH {
                    return Err("groups nested too deeply".into());
                }
                if self.eat('?') && !self.eat(':') {
                    return Err("only `(?:` group modifiers are supported".into());
                }
                let alts = self.alternation(depth + 1)?;
                if !self.eat(')') {
                    return Err("unclosed `(`".into());
                }
                Node::Group(alts)
            }
            '[' => self.class()?,
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => match self.escape()? {
                Ok(c) => Node::Char(c),
                Err(item) => Node::Class { negated: false, items: vec![item] },
            },
            c @ ('*' | '+' | '?') => return Err(format!("`{c}` with nothing to repeat")),
            c => Node::Char(c),
        })
    }

    /// Reads the character after a backslash: a literal, or a class shorthand.
    fn escape(&mut self) -> Result<Result<char, ClassItem>, String> {
        Ok(match self.next()? {
            'd' => Err(ClassItem::Digit(false)),
            'D' => Err(ClassItem::Digit(true)),
            'w' => Err(ClassItem::Word(false)),
            'W' => Err(ClassItem::Word(true)),
            's' => Err(ClassItem::Space(false)),
            'S' => Err(ClassItem::Space(true)),
            'n' => Ok('\n'),
            't' => Ok('\t'),
            'r' => Ok('\r'),
            'f' => Ok('\x0c'),
            'v' => Ok('\x0b'),
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape `\\{c}`")),
            c => Ok(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().map_err(|_| "unclosed `[`".to_string())?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = match c {
                '\\' => match self.escape()? {
                    Ok(c) => c,
                    Err(item) => {
                        items.push(item);
                        continue;
                    }
                },
                c => c,
            };
            let is_range = self.peek() == Some('-') && self.chars.get(self.pos + 1) != Some(&']');
            if is_range && self.chars.get(self.pos + 1).is_some() {
                self.pos += 1;
                let hi = match self.next()? {
                    '\\' => self.escape()?.map_err(|_| "a class shorthand cannot end a range")?,
                    c => c,
                };
                if hi < lo {
                    return Err(format!("range `{lo}-{hi}` is reversed"));
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(ClassItem::Range(lo, lo));
            }
        }
        Ok(Node::Class { negated, items })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let one = |p: &mut Self, bounds| {
            p.pos += 1;
            bounds
        };
        let (min, max) = match self.peek() {
            Some('*') => one(self, (0, u32::MAX)),
            Some('+') => one(self, (1, u32::MAX)),
            Some('?') => one(self, (0, 1)),
            Some('{') => match self.braces() {
                Some(bounds) => bounds,
                // Like Python, a `{` that does not start a valid quantifier is a literal.
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.eat('?');
        if matches!(atom, Node::Start | Node::End) {
            return Err("an anchor cannot be repeated".into());
        }
        Ok(Node::Repeat { node: Box::new(atom), min, max })
    }

    /// Parses `{n}`, `{n,}` or `{n,m}` at the current position, consuming it on success.
    fn braces(&mut self) -> Option<(u32, u32)> {
        let rest: String = self.chars[self.pos + 1..].iter().collect();
        let close = rest.find('}')?;
        let body = &rest[..close];
        let number = |s: &str| -> Option<u32> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let bounds = match body.split_once(',') {
            None => {
                let n = number(body)?;
                (n, n)
            }
            Some((lo, "")) => (number(lo)?, u32::MAX),
            Some((lo, hi)) => (number(lo)?, number(hi)?),
        };
        if bounds.0 > bounds.1 {
            return None;
        }
        self.pos += body.chars().count() + 2;
        Some(bounds)
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    fn m(pattern: &str, s: &str) -> bool {
        Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn partition_patterns() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        assert!(m(aws, "us-east-1"));
        assert!(m(aws, "ap-southeast-7"));
        assert!(!m(aws, "us-gov-west-1"));
        assert!(!m(aws, "cn-north-1"));
        assert!(!m(aws, "us-east-1a"));
        assert!(!m(aws, "xus-east-1"));
        assert!(m(r"^eusc\-(de)\-\w+\-\d+$", "eusc-de-east-1"));
        assert!(m(r"^us\-gov\-\w+\-\d+$", "us-gov-west-1"));
    }

    #[test]
    fn general_features() {
        assert!(m("a.c", "xxabcxx"));
        assert!(!m("^a.c$", "xxabcxx"));
        assert!(m("^[a-c]{2,3}$", "abc"));
        assert!(!m("^[a-c]{2,3}$", "abcd"));
        assert!(m("^[^0-9]+$", "abc"));
        assert!(m("^(?:ab|cd)*e$", "abcdabe"));
        assert!(m("^(a|ab)(c|bcd)(d*)$", "abcd"));
        assert!(m("^x{$", "x{"));
        assert!(m("^a\\.b$", "a.b"));
        assert!(!m("^a\\.b$", "axb"));
        assert!(m("^(a*)*b$", "aaab"));
        assert!(!m("^(a*)*b$", &"a".repeat(40)));
        assert!(m(r"^\w+$", &"a".repeat(100_000)));
    }

    #[test]
    fn unsupported_syntax_is_rejected() {
        for bad in ["(", "(?=a)", "[a", "*a", r"\b", "a)", "[z-a]"] {
            assert!(Regex::new(bad).is_err(), "{bad}");
        }
    }
}
