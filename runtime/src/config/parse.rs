//! The INI dialect of `~/.aws/config` and `~/.aws/credentials`.
//!
//! botocore reads both files with Python's `configparser.RawConfigParser()` and its defaults, then
//! turns indented blocks under an empty value into one level of nesting (`raw_config_parse`). This
//! module re-implements exactly that dialect, because a file the AWS CLI accepts must mean the same
//! thing here and a file it rejects should be rejected here too (with a better message):
//!
//! - `key = value` and `key: value`: the first `=` or `:` splits, both sides are trimmed, and
//!   keys are lowercased (`optionxform`). Section names keep their case.
//! - Comments are whole lines whose first non-blank character is `#` or `;`. There are **no
//!   inline comments**: `region = us-east-1 # home` has the value `us-east-1 # home`, because
//!   `inline_comment_prefixes` defaults to `None`.
//! - A line indented deeper than the key line above it continues that key's value (joined with
//!   `\n`); blank lines inside a value are kept, trailing ones dropped. If the first line of the
//!   value is empty, the continuation lines are `sub = value` pairs forming a nested map (only
//!   `=` splits there, and sub-keys keep their case).
//! - A key or a section repeated within one file is an error (`strict=True`).
//! - `[DEFAULT]` is configparser's defaults section: its keys appear in every other section that
//!   does not set them, and it is not a section itself.
//! - A section header is `[` ... the last `]` on the line; anything after it is ignored.
//!
//! One deliberate difference: a UTF-8 byte-order mark at the start of the file is skipped, where
//! botocore would fail with "missing section header".

use core::fmt;
use std::sync::Arc;

use super::{ConfigError, Redacted};
use crate::Map;

/// The sections of one file, in file order, each a map of its keys in file order.
pub type Sections = Map<String, Map<String, Property>>;

/// Where a property was written: file (as the user named it), section header and line.
#[derive(Clone, PartialEq, Eq)]
pub struct Origin {
    path: Arc<str>,
    section: Arc<str>,
    line: usize,
}

impl Origin {
    /// The file, as configured (`~/.aws/config`, or the value of `AWS_CONFIG_FILE`).
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The section name as written between the brackets (`profile dev`, `default`, `DEFAULT`).
    pub fn section(&self) -> &str {
        &self.section
    }
    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] ({} line {})", self.section, self.path, self.line)
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} [{}]", self.path, self.line, self.section)
    }
}

/// One key's value and where it was written.
#[derive(Clone, PartialEq, Eq)]
pub struct Property {
    value: PropertyValue,
    origin: Origin,
    /// Decided from the key name when parsed, so a `Property` handed out on its own still knows
    /// to hide itself from `Debug`.
    secret: bool,
}

/// A plain value, or the nested map of an `s3 =` style block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyValue {
    Text(String),
    Nested(Map<String, Property>),
}

impl Property {
    pub fn value(&self) -> &PropertyValue {
        &self.value
    }
    /// The value, if it is plain text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            PropertyValue::Text(text) => Some(text),
            PropertyValue::Nested(_) => None,
        }
    }
    /// The sub-properties, if the value is a nested block.
    pub fn nested(&self) -> Option<&Map<String, Property>> {
        match &self.value {
            PropertyValue::Nested(map) => Some(map),
            PropertyValue::Text(_) => None,
        }
    }
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
    /// Whether `Debug` hides this value (its key, or its parent key, names a secret or token).
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            _ if self.secret => Redacted.fmt(f),
            PropertyValue::Text(text) => text.fmt(f),
            PropertyValue::Nested(map) => f.debug_map().entries(map.iter()).finish(),
        }
    }
}

/// Parses one file. `path` is only used in messages and origins.
pub fn parse(path: &str, text: &str) -> Result<Sections, ConfigError> {
    let raw = read_raw(path, text)?;
    let path: Arc<str> = path.into();
    let default_name: Arc<str> = "DEFAULT".into();
    let mut sections = Sections::with_capacity(raw.sections.len());
    for (name, section) in raw.sections {
        let section_name: Arc<str> = name.as_str().into();
        let mut properties = Map::with_capacity(section.len() + raw.defaults.len());
        // configparser's `options()` lists the section's own keys, then the defaults it does
        // not override; botocore builds its dicts in that order, and so do we.
        for (key, value) in &section {
            let origin = Origin { path: path.clone(), section: section_name.clone(), line: value.line };
            properties.insert(key.clone(), build(key, value, origin)?);
        }
        for (key, value) in &raw.defaults {
            if !section.contains_key(key) {
                let origin = Origin { path: path.clone(), section: default_name.clone(), line: value.line };
                properties.insert(key.clone(), build(key, value, origin)?);
            }
        }
        sections.insert(name, properties);
    }
    Ok(sections)
}

/// A value as configparser holds it before joining: one stripped piece per line, with its line.
struct RawValue {
    line: usize,
    pieces: Vec<(String, usize)>,
}

type RawSection = Map<String, RawValue>;

struct RawFile {
    sections: Map<String, RawSection>,
    defaults: RawSection,
}

/// Which section lines currently go to.
#[derive(Clone, Copy)]
enum Current {
    Nothing,
    Defaults,
    Section(usize),
}

/// configparser's `_read`, line for line, stopping at the first error.
fn read_raw(path: &str, text: &str) -> Result<RawFile, ConfigError> {
    let error = |line: usize, message: String| ConfigError::Parse { path: path.to_owned(), line, message };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut file = RawFile { sections: Map::new(), defaults: Map::new() };
    let mut header_lines: Map<String, usize> = Map::new();
    let mut current = Current::Nothing;
    let mut key: Option<String> = None;
    let mut header = String::new();
    let mut indent_level = 0;
    for (index, line) in lines(text).enumerate() {
        let number = index + 1;
        let stripped = py_strip(line);
        if stripped.starts_with('#') || stripped.starts_with(';') {
            // A comment line neither ends a value nor adds a blank line to it.
            continue;
        }
        let section = match current {
            Current::Nothing => None,
            Current::Defaults => Some(&mut file.defaults),
            Current::Section(i) => file.sections.get_index_mut(i).map(|(_, s)| s),
        };
        let open_value = match (section, &key) {
            (Some(section), Some(key)) => section.get_mut(key),
            _ => None,
        };
        if stripped.is_empty() {
            // Blank lines belong to the value being read, so a later, deeper-indented line
            // still continues it (`empty_lines_in_values=True`).
            if let Some(value) = open_value {
                value.pieces.push((String::new(), number));
            }
            continue;
        }
        let indent = line.chars().position(|c| !is_py_space(c)).unwrap_or(0);
        if let Some(value) = open_value {
            if indent > indent_level {
                value.pieces.push((stripped.to_owned(), number));
                continue;
            }
        }
        indent_level = indent;
        if let Some(name) = section_header(stripped) {
            key = None;
            header = name.to_owned();
            if name == "DEFAULT" {
                current = Current::Defaults;
            } else if let Some(first) = header_lines.get(name) {
                return Err(error(
                    number,
                    format!(
                        "section `[{name}]` appears a second time (first on line {first}); botocore rejects \
                         repeated sections, so merge the two"
                    ),
                ));
            } else {
                header_lines.insert(name.to_owned(), number);
                let (i, _) = file.sections.insert_full(name.to_owned(), Map::new());
                current = Current::Section(i);
            }
            continue;
        }
        let section = match current {
            Current::Nothing => {
                return Err(error(
                    number,
                    "expected a `[section]` header (such as `[default]`) before the first setting".to_owned(),
                ))
            }
            Current::Defaults => &mut file.defaults,
            Current::Section(i) => &mut file.sections[i],
        };
        let Some((name, delimiter, value)) = split_option(stripped) else {
            return Err(error(number, "expected `key = value` or a `[section]` header".to_owned()));
        };
        if name.is_empty() {
            return Err(error(number, format!("expected a key name before `{delimiter}`")));
        }
        let name = name.to_lowercase();
        if let Some(existing) = section.get(&name) {
            return Err(error(
                number,
                format!(
                    "`{name}` is set a second time in `[{header}]` (first on line {}); botocore rejects \
                     repeated keys, so keep one",
                    existing.line
                ),
            ));
        }
        section.insert(name.clone(), RawValue { line: number, pieces: vec![(value.to_owned(), number)] });
        key = Some(name);
    }
    Ok(file)
}

/// Joins a raw value as configparser does, then applies botocore's nesting rule.
fn build(key: &str, raw: &RawValue, origin: Origin) -> Result<Property, ConfigError> {
    let secret = super::is_secret_name(key);
    // configparser joins the pieces with `\n` and strips trailing whitespace; the pieces are
    // already stripped, so that only drops trailing blank lines.
    let kept = raw.pieces.iter().rposition(|(text, _)| !text.is_empty()).map_or(0, |last| last + 1);
    let pieces = &raw.pieces[..kept];
    // botocore nests a value that starts with a newline: an empty first line followed by at
    // least one non-blank continuation line.
    if pieces.len() < 2 || !pieces[0].0.is_empty() {
        let text = pieces.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join("\n");
        return Ok(Property { value: PropertyValue::Text(text), origin, secret });
    }
    let mut nested = Map::new();
    for (piece, line) in &pieces[1..] {
        // botocore splits the joined value with `str.splitlines()`, which also breaks at
        // characters such as form feed and U+2028 inside a piece.
        for sub in py_splitlines(piece) {
            let sub = py_strip(sub);
            if sub.is_empty() {
                continue;
            }
            let Some((name, value)) = sub.split_once('=') else {
                return Err(ConfigError::Parse {
                    path: origin.path().to_owned(),
                    line: *line,
                    message: format!(
                        "expected `name = value`: the indented lines under `{key} =` (line {}) are its \
                         sub-settings",
                        raw.line
                    ),
                });
            };
            let origin = Origin { line: *line, ..origin.clone() };
            let value = PropertyValue::Text(py_strip(value).to_owned());
            let name = py_strip(name);
            let secret = secret || super::is_secret_name(name);
            nested.insert(name.to_owned(), Property { value, origin, secret });
        }
    }
    Ok(Property { value: PropertyValue::Nested(nested), origin, secret })
}

/// configparser's `SECTCRE` (`\[(?P<header>.+)\]`, matched at the start): the text between the
/// first `[` and the last `]`, which must not be empty.
fn section_header(stripped: &str) -> Option<&str> {
    let inner = stripped.strip_prefix('[')?;
    let close = inner.rfind(']')?;
    (close > 0).then(|| &inner[..close])
}

/// configparser's `OPTCRE`: the key up to the first `=` or `:`, then the value, both trimmed.
fn split_option(stripped: &str) -> Option<(&str, char, &str)> {
    let at = stripped.find(['=', ':'])?;
    let delimiter = stripped[at..].chars().next()?;
    let name = stripped[..at].trim_end_matches(is_py_space);
    Some((name, delimiter, py_strip(&stripped[at + 1..])))
}

/// Lines as Python's universal-newline mode reads them: `\n`, `\r\n` and `\r` all end a line.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(end) => {
                let skip = if current[end..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[end + skip..]).filter(|r| !r.is_empty());
                Some(&current[..end])
            }
            None => {
                rest = None;
                (!current.is_empty()).then_some(current)
            }
        }
    })
}

/// Python's `str.splitlines()` boundaries, without the line ends.
fn py_splitlines(text: &str) -> impl Iterator<Item = &str> {
    const BREAKS: [char; 10] =
        ['\n', '\r', '\u{0b}', '\u{0c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}', '\u{2029}'];
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(BREAKS) {
            Some(end) => {
                let skip = if current[end..].starts_with("\r\n") {
                    2
                } else {
                    current[end..].chars().next().map_or(1, char::len_utf8)
                };
                rest = Some(&current[end + skip..]).filter(|r| !r.is_empty());
                Some(&current[..end])
            }
            None => {
                rest = None;
                (!current.is_empty()).then_some(current)
            }
        }
    })
}

/// Python's `str.isspace()`: Rust's `char::is_whitespace` plus the four ASCII separators.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no arguments.
pub(crate) fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

/// Python's `shlex.split` (POSIX mode, no comments), which botocore uses on section names such as
/// `profile "my profile"`. `None` is shlex's `ValueError` (an unclosed quote or a trailing
/// backslash), which botocore answers by ignoring the section.
pub(crate) fn shlex_split(text: &str) -> Option<Vec<String>> {
    #[derive(PartialEq)]
    enum State {
        Word,
        Single,
        Double,
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut state = State::Word;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match state {
            State::Word => match c {
                ' ' | '\t' | '\r' | '\n' => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                '\\' => {
                    word.push(chars.next()?);
                    in_word = true;
                }
                '\'' => (state, in_word) = (State::Single, true),
                '"' => (state, in_word) = (State::Double, true),
                _ => {
                    word.push(c);
                    in_word = true;
                }
            },
            State::Single if c == '\'' => state = State::Word,
            State::Double if c == '"' => state = State::Word,
            State::Double if c == '\\' => {
                // Inside double quotes a backslash only escapes `"` and `\`; before anything
                // else it stays, as in POSIX shells.
                let next = chars.next()?;
                if next != '"' && next != '\\' {
                    word.push('\\');
                }
                word.push(next);
            }
            State::Single | State::Double => word.push(c),
        }
    }
    if state != State::Word {
        return None;
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
