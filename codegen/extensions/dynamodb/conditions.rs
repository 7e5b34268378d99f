//! Conditions as `boto3.dynamodb.conditions`: `Key("pk").eq("a") & Key("sk").begins_with("x")`,
//! `Attr("n").gt(5) | !Attr("x").exists()`, and the [`ExpressionBuilder`] that turns one into the
//! expression text with `#n0`… name and `:v0`… value placeholders, exactly as boto3's
//! `ConditionExpressionBuilder` numbers and parenthesises them.
//!
//! As in boto3, every use of a name gets its own placeholder (`Attr("a").eq(1) &
//! Attr("a").eq(2)` is `(#n0 = :v0 AND #n1 = :v1)`), a document path is split at `.` and `[i]`
//! (`Attr("m.list[2].x")` is `#n0.#n1[2].#n2`), `&` and `|` wrap their operands in parentheses
//! and `!` is `(NOT …)`.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};

use crate::values::Value;
use tucuxi::Map;

/// A key attribute, for key conditions (`Key("pk").eq("user#1")`); only these may appear in a
/// query's key condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key<'a>(pub &'a str);

/// An item attribute or document path, for condition and filter expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a>(pub &'a str);

/// One side of a comparison: an attribute (`Attr("a").eq(Attr("b"))` compares two attributes),
/// the size of one, or a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// An attribute path; `key` is true for a [`Key`].
    Name { path: String, key: bool },
    /// `size(path)`.
    Size { path: String, key: bool },
    /// A value, given a `:v` placeholder.
    Value(Value),
}

impl<T: Into<Value>> From<T> for Operand {
    fn from(value: T) -> Operand {
        Operand::Value(value.into())
    }
}

impl From<Attr<'_>> for Operand {
    fn from(attr: Attr<'_>) -> Operand {
        Operand::Name { path: attr.0.to_owned(), key: false }
    }
}

impl From<Key<'_>> for Operand {
    fn from(key: Key<'_>) -> Operand {
        Operand::Name { path: key.0.to_owned(), key: true }
    }
}

impl From<Size> for Operand {
    fn from(size: Size) -> Operand {
        Operand::Size { path: size.path, key: size.key }
    }
}

/// A condition, combined with `&` (AND), `|` (OR) and `!` (NOT) as boto3's `&`, `|` and `~`.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `a = b`, `a <> b`, `a < b`, `a <= b`, `a > b`, `a >= b`.
    Compare { left: Operand, op: &'static str, right: Operand },
    /// `a BETWEEN low AND high`.
    Between { operand: Operand, low: Operand, high: Operand },
    /// `a IN (v1, v2, ...)`.
    In { operand: Operand, values: Vec<Operand> },
    /// `begins_with(a, v)`, `contains(a, v)`, `attribute_type(a, v)`.
    Function { name: &'static str, operand: Operand, value: Operand },
    /// `attribute_exists(a)`, `attribute_not_exists(a)`, `size(a)`.
    Unary { name: &'static str, operand: Operand },
    /// `(a AND b)`.
    And(Box<Condition>, Box<Condition>),
    /// `(a OR b)`.
    Or(Box<Condition>, Box<Condition>),
    /// `(NOT a)`.
    Not(Box<Condition>),
}

/// `Attr("a").size()`: compared like an attribute (`size().gt(3)`), or a condition by itself as
/// in boto3.
#[derive(Clone, Debug, PartialEq)]
pub struct Size {
    path: String,
    key: bool,
}

macro_rules! comparisons {
    ($subject:ident) => {
        /// `self = value` (boto3's `eq`).
        pub fn eq(self, value: impl Into<Operand>) -> Condition {
            Condition::Compare { left: $subject(self), op: "=", right: value.into() }
        }

        /// `self < value`.
        pub fn lt(self, value: impl Into<Operand>) -> Condition {
            Condition::Compare { left: $subject(self), op: "<", right: value.into() }
        }

        /// `self <= value`.
        pub fn lte(self, value: impl Into<Operand>) -> Condition {
            Condition::Compare { left: $subject(self), op: "<=", right: value.into() }
        }

        /// `self > value`.
        pub fn gt(self, value: impl Into<Operand>) -> Condition {
            Condition::Compare { left: $subject(self), op: ">", right: value.into() }
        }

        /// `self >= value`.
        pub fn gte(self, value: impl Into<Operand>) -> Condition {
            Condition::Compare { left: $subject(self), op: ">=", right: value.into() }
        }

        /// `begins_with(self, value)`.
        pub fn begins_with(self, value: impl Into<Operand>) -> Condition {
            Condition::Function { name: "begins_with", operand: $subject(self), value: value.into() }
        }

        /// `self BETWEEN low AND high`.
        pub fn between(self, low: impl Into<Operand>, high: impl Into<Operand>) -> Condition {
            Condition::Between { operand: $subject(self), low: low.into(), high: high.into() }
        }
    };
}

fn key_operand(key: Key<'_>) -> Operand {
    Operand::from(key)
}

fn attr_operand(attr: Attr<'_>) -> Operand {
    Operand::from(attr)
}

fn size_operand(size: Size) -> Operand {
    Operand::from(size)
}

impl Key<'_> {
    comparisons!(key_operand);
}

impl Attr<'_> {
    comparisons!(attr_operand);

    /// `self <> value` (boto3's `ne`).
    pub fn ne(self, value: impl Into<Operand>) -> Condition {
        Condition::Compare { left: attr_operand(self), op: "<>", right: value.into() }
    }

    /// `self IN (v0, v1, ...)`: one placeholder per value (boto3's `is_in`).
    pub fn is_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Condition {
        let values = values.into_iter().map(|v| Operand::Value(v.into())).collect();
        Condition::In { operand: attr_operand(self), values }
    }

    /// `attribute_exists(self)`.
    pub fn exists(self) -> Condition {
        Condition::Unary { name: "attribute_exists", operand: attr_operand(self) }
    }

    /// `attribute_not_exists(self)`.
    pub fn not_exists(self) -> Condition {
        Condition::Unary { name: "attribute_not_exists", operand: attr_operand(self) }
    }

    /// `contains(self, value)`.
    pub fn contains(self, value: impl Into<Operand>) -> Condition {
        Condition::Function { name: "contains", operand: attr_operand(self), value: value.into() }
    }

    /// `size(self)`, to compare (`Attr("tags").size().gt(2)`) or use as a condition.
    pub fn size(self) -> Size {
        Size { path: self.0.to_owned(), key: false }
    }

    /// `attribute_type(self, type)`, the type as DynamoDB names it (`"S"`, `"N"`, `"SS"`, ...).
    pub fn attribute_type(self, value: impl Into<Operand>) -> Condition {
        Condition::Function { name: "attribute_type", operand: attr_operand(self), value: value.into() }
    }
}

impl Size {
    comparisons!(size_operand);

    /// `size(self) <> value`.
    pub fn ne(self, value: impl Into<Operand>) -> Condition {
        Condition::Compare { left: size_operand(self), op: "<>", right: value.into() }
    }
}

impl From<Size> for Condition {
    /// A bare `size(a)`, as boto3 allows (DynamoDB reads it only inside a comparison).
    fn from(size: Size) -> Condition {
        Condition::Unary { name: "size", operand: Operand::Name { path: size.path, key: size.key } }
    }
}

impl<R: Into<Condition>> BitAnd<R> for Condition {
    type Output = Condition;

    fn bitand(self, other: R) -> Condition {
        Condition::And(Box::new(self), Box::new(other.into()))
    }
}

impl<R: Into<Condition>> BitOr<R> for Condition {
    type Output = Condition;

    fn bitor(self, other: R) -> Condition {
        Condition::Or(Box::new(self), Box::new(other.into()))
    }
}

impl Not for Condition {
    type Output = Condition;

    fn not(self) -> Condition {
        Condition::Not(Box::new(self))
    }
}

impl<R: Into<Condition>> BitAnd<R> for Size {
    type Output = Condition;

    fn bitand(self, other: R) -> Condition {
        Condition::from(self) & other
    }
}

impl<R: Into<Condition>> BitOr<R> for Size {
    type Output = Condition;

    fn bitor(self, other: R) -> Condition {
        Condition::from(self) | other
    }
}

/// A condition that cannot be built: an `Attr` in a key condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionError {
    message: String,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConditionError {}

/// What [`ExpressionBuilder::build`] returns (boto3's `BuiltConditionExpression`).
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltExpression {
    /// The expression text with placeholders.
    pub expression: String,
    /// `#n0` → attribute name, in the order the placeholders were made.
    pub names: Map<String, String>,
    /// `:v0` → value, in the order the placeholders were made.
    pub values: Map<String, Value>,
}

/// boto3's `ConditionExpressionBuilder`: numbers placeholders across every expression it builds
/// until [`reset`](Self::reset), so a request's condition and key condition never share one.
#[derive(Clone, Debug, Default)]
pub struct ExpressionBuilder {
    name_count: usize,
    value_count: usize,
    reserved_names: Vec<String>,
    reserved_values: Vec<String>,
}

impl ExpressionBuilder {
    /// A builder starting at `#n0` and `:v0`.
    pub fn new() -> Self {
        ExpressionBuilder::default()
    }

    /// Starts numbering at `#n0` and `:v0` again, skipping the placeholders the caller's own
    /// `ExpressionAttributeNames` / `ExpressionAttributeValues` already use (as newer boto3 does),
    /// so that generated ones never overwrite them.
    pub fn reset(&mut self, reserved_names: impl IntoIterator<Item = String>, reserved_values: impl IntoIterator<Item = String>) {
        self.name_count = 0;
        self.value_count = 0;
        self.reserved_names = reserved_names.into_iter().collect();
        self.reserved_values = reserved_values.into_iter().collect();
    }

    /// Builds `condition` into text and placeholders. With `is_key_condition`, every attribute
    /// must be a [`Key`] (boto3's `DynamoDBNeedsKeyConditionError` otherwise).
    pub fn build(&mut self, condition: &Condition, is_key_condition: bool) -> Result<BuiltExpression, ConditionError> {
        let mut out = BuiltExpression { expression: String::new(), names: Map::new(), values: Map::new() };
        out.expression = self.condition(condition, is_key_condition, &mut out.names, &mut out.values)?;
        Ok(out)
    }

    fn condition(
        &mut self,
        condition: &Condition,
        key: bool,
        names: &mut Map<String, String>,
        values: &mut Map<String, Value>,
    ) -> Result<String, ConditionError> {
        Ok(match condition {
            Condition::Compare { left, op, right } => {
                let left = self.operand(left, key, names, values)?;
                format!("{left} {op} {}", self.operand(right, key, names, values)?)
            }
            Condition::Between { operand, low, high } => {
                let operand = self.operand(operand, key, names, values)?;
                let low = self.operand(low, key, names, values)?;
                format!("{operand} BETWEEN {low} AND {}", self.operand(high, key, names, values)?)
            }
            Condition::In { operand, values: list } => {
                let operand = self.operand(operand, key, names, values)?;
                let mut placeholders = Vec::with_capacity(list.len());
                for value in list {
                    placeholders.push(self.operand(value, key, names, values)?);
                }
                format!("{operand} IN ({})", placeholders.join(", "))
            }
            Condition::Function { name, operand, value } => {
                let operand = self.operand(operand, key, names, values)?;
                format!("{name}({operand}, {})", self.operand(value, key, names, values)?)
            }
            Condition::Unary { name, operand } => format!("{name}({})", self.operand(operand, key, names, values)?),
            Condition::And(a, b) => {
                let a = self.condition(a, key, names, values)?;
                format!("({a} AND {})", self.condition(b, key, names, values)?)
            }
            Condition::Or(a, b) => {
                let a = self.condition(a, key, names, values)?;
                format!("({a} OR {})", self.condition(b, key, names, values)?)
            }
            Condition::Not(a) => format!("(NOT {})", self.condition(a, key, names, values)?),
        })
    }

    fn operand(
        &mut self,
        operand: &Operand,
        key_condition: bool,
        names: &mut Map<String, String>,
        values: &mut Map<String, Value>,
    ) -> Result<String, ConditionError> {
        match operand {
            Operand::Name { path, key } => self.path(path, *key, key_condition, names),
            Operand::Size { path, key } => Ok(format!("size({})", self.path(path, *key, key_condition, names)?)),
            Operand::Value(value) => {
                let placeholder = loop {
                    let candidate = format!(":v{}", self.value_count);
                    self.value_count += 1;
                    if !self.reserved_values.contains(&candidate) {
                        break candidate;
                    }
                };
                values.insert(placeholder.clone(), value.clone());
                Ok(placeholder)
            }
        }
    }

    /// One `#n` placeholder per path part outside brackets, as boto3's `ATTR_NAME_REGEX`:
    /// a run of characters other than `.`, `[` and `]` is a name unless the next bracket after
    /// it closes one (so `[2]` stays as written).
    fn path(&mut self, path: &str, key: bool, key_condition: bool, names: &mut Map<String, String>) -> Result<String, ConditionError> {
        if key_condition && !key {
            return Err(ConditionError {
                message: format!(
                    "attribute {path:?} is an Attr; a KeyConditionExpression only supports attributes made with Key"
                ),
            });
        }
        let is_delimiter = |c: char| matches!(c, '.' | '[' | ']');
        let mut out = String::with_capacity(path.len() + 4);
        let mut rest = path;
        while let Some(c) = rest.chars().next() {
            if is_delimiter(c) {
                out.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let end = rest.find(is_delimiter).unwrap_or(rest.len());
            let (part, after) = rest.split_at(end);
            let inside_brackets = after.find(['[', ']']).is_some_and(|at| after[at..].starts_with(']'));
            if inside_brackets {
                out.push_str(part);
            } else {
                let placeholder = loop {
                    let candidate = format!("#n{}", self.name_count);
                    self.name_count += 1;
                    if !self.reserved_names.contains(&candidate) {
                        break candidate;
                    }
                };
                out.push_str(&placeholder);
                names.insert(placeholder, part.to_owned());
            }
            rest = after;
        }
        Ok(out)
    }
}
