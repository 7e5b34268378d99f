//! Checks before sending: botocore's `ParamValidator` over the schemas, plus the S3 bucket-name
//! check botocore runs before it (`validate_bucket_name`).
//!
//! One pass over the input, as the codecs walk it: every violation is collected, each with its
//! member path (`Delete.Objects[1].Key`), into one [`ParamValidationError`] whose text is
//! botocore's (`Parameter validation failed:` and one line per violation). The path is kept as
//! borrowed steps on the stack and rendered only for a violation, so a valid input costs no
//! allocation.
//!
//! What is checked is exactly what botocore checks, so that nothing a service accepts is refused:
//!
//! - a required member that is absent. A required member is a plain field in tucuxi, so only the
//!   optional ones (boxed recursive members) can be absent; an empty string is present, as it is
//!   for botocore, and its `min` catches it;
//! - `min` of a string's length (in characters, as Python counts), of a list's length, and of a
//!   number's value; a member bound to the host (`hostLabel`) has an implicit `min` of 1. botocore
//!   never checks `max`, `pattern`, enum values, a blob's or a map's length, and neither does this;
//! - a union with no member set (its `Unknown` default) or set to a member the model does not
//!   know;
//! - types: tucuxi's types make botocore's remaining type checks (strings, numbers, timestamps,
//!   blobs, documents of JSON values, JSON-serialisable `jsonvalue` headers) impossible to fail.
//!
//! Top-level idempotency tokens that are unset are not checked: botocore fills them before it
//! validates, and the runtime fills them when it serialises.

mod bucket;
mod endpoint_url;
#[cfg(test)]
mod tests;

use core::fmt;

use crate::schema::{flags, shape_flags, Member, Operation, Schema, Service, ShapeKind};
use crate::shape::{Shape, Value, ValueRef};

pub use endpoint_url::{check_endpoint_url, InvalidEndpointUrl};

/// The deepest nesting checked; the codecs refuse deeper values anyway.
const MAX_DEPTH: usize = 128;

/// Every way the input breaks what botocore checks before sending, as botocore words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamValidationError {
    violations: Vec<String>,
}

impl ParamValidationError {
    /// One line per violation, in the order botocore reports them.
    pub fn violations(&self) -> &[String] {
        &self.violations
    }
}

impl fmt::Display for ParamValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Parameter validation failed:")?;
        for line in &self.violations {
            write!(f, "\n{line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParamValidationError {}

/// Checks `input` of `op` before anything is sent. `parameters` is botocore's
/// `parameter_validation`: when false only the S3 bucket-name check runs, which botocore makes in
/// a handler that its setting does not turn off.
pub fn validate_input(
    service: &'static Service,
    op: &'static Operation,
    input: &dyn Shape,
    parameters: bool,
) -> Result<(), ParamValidationError> {
    let mut report = Report::default();
    bucket::check(service, op.input, input, &mut report);
    // botocore raises the bucket-name error on its own, before validating: a report lists every
    // violation at once instead, the bucket first.
    if parameters {
        report.structure(input, None, 0);
    }
    report.finish()
}

/// Checks one value as botocore checks an operation's input (without the service's own checks,
/// such as S3's bucket names): paths start at its members.
pub fn validate_shape(value: &dyn Shape) -> Result<(), ParamValidationError> {
    let mut report = Report::default();
    report.structure(value, None, 0);
    report.finish()
}

/// One step of the path to a value, linked to its parent on the stack.
#[derive(Clone, Copy)]
struct Path<'a> {
    step: Step<'a>,
    parent: Option<&'a Path<'a>>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    /// `.Name`
    Member(&'a str),
    /// `[i]`
    Index(usize),
    /// `.key` (a map's value; redacted when the map is sensitive).
    Value(&'a str, bool),
    /// ` (key: key)` (a map's key).
    Key(&'a str, bool),
}

/// botocore's name for a path: `input` for the top, else the steps without the leading dot.
struct Name<'a>(Option<&'a Path<'a>>);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn redacted(key: &str, sensitive: bool) -> &str {
            if sensitive {
                "*** Sensitive Data Redacted ***"
            } else {
                key
            }
        }
        fn write(path: &Path<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let is_first = path.parent.is_none();
            if let Some(parent) = path.parent {
                write(parent, f)?;
            }
            match path.step {
                Step::Member(name) if is_first => f.write_str(name),
                Step::Member(name) => write!(f, ".{name}"),
                Step::Index(i) => write!(f, "[{i}]"),
                Step::Value(key, s) if is_first => f.write_str(redacted(key, s)),
                Step::Value(key, s) => write!(f, ".{}", redacted(key, s)),
                Step::Key(key, s) => write!(f, " (key: {})", redacted(key, s)),
            }
        }
        match self.0 {
            None => f.write_str("input"),
            Some(path) => write(path, f),
        }
    }
}

#[derive(Default)]
struct Report {
    violations: Vec<String>,
}

impl Report {
    fn finish(self) -> Result<(), ParamValidationError> {
        match self.violations.is_empty() {
            true => Ok(()),
            false => Err(ParamValidationError { violations: self.violations }),
        }
    }

    fn push(&mut self, line: String) {
        self.violations.push(line);
    }

    fn structure(&mut self, value: &dyn Shape, path: Option<&Path<'_>>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema: &'static Schema = value.schema();
        if schema.kind == ShapeKind::Union {
            self.union(value, schema, path);
        }
        // botocore fills an unset top-level token before validating.
        let token_unset = |member: &Member, field: Option<ValueRef<'_>>| {
            depth == 0 && member.has(flags::IDEMPOTENCY_TOKEN) && matches!(field, None | Some(ValueRef::Str("")))
        };
        // botocore reports a structure's missing members first, then checks the others.
        if schema.kind == ShapeKind::Structure {
            for (i, member) in schema.members.iter().enumerate() {
                let field = value.field(i).and_then(Value::get);
                if field.is_none() && member.has(flags::REQUIRED) && !token_unset(member, field) {
                    self.push(format!("Missing required parameter in {}: \"{}\"", Name(path), member.name));
                }
            }
        }
        for (i, member) in schema.members.iter().enumerate() {
            let Some(field) = value.field(i).and_then(Value::get) else { continue };
            if token_unset(member, Some(field)) {
                continue;
            }
            let here = Path { step: Step::Member(member.name), parent: path };
            self.value(member, field, &here, depth + 1);
        }
    }

    /// botocore's tagged-union checks: no member set, or one the model does not know.
    fn union(&mut self, value: &dyn Shape, schema: &'static Schema, path: Option<&Path<'_>>) {
        if schema.has(shape_flags::EVENT_STREAM) {
            return;
        }
        let members = MemberNames(schema.members);
        match value.unknown_name() {
            // botocore's text, its missing space included, so that messages match.
            Some("") => self.push(format!(
                "Must set one of the following keys for tagged unionstructure {}: {members}.",
                Name(path)
            )),
            Some(name) => {
                self.push(format!("Unknown parameter in {}: \"{name}\", must be one of: {members}", Name(path)))
            }
            None => {}
        }
    }

    fn value(&mut self, member: &'static Member, value: ValueRef<'_>, path: &Path<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let sensitive = member.has(flags::SENSITIVE) || member.target.has(shape_flags::SENSITIVE);
        match value {
            ValueRef::Str(s) => {
                // A member bound to the host has an implicit `min` of 1.
                let min = member.min.or(member.has(flags::HOST_LABEL).then_some(1.0));
                if let Some(min) = min {
                    // Python counts characters; counting stops once `min` is reached.
                    let needed = min.ceil().max(0.0) as usize;
                    let len = s.chars().take(needed).count();
                    if (len as f64) < min {
                        self.length(path, len, min);
                    }
                }
            }
            ValueRef::Int(n) => {
                if let Some(min) = member.min.filter(|&min| (n as f64) < min) {
                    let shown: &dyn fmt::Display = if sensitive { &Redacted } else { &n };
                    self.push(format!(
                        "Invalid value for parameter {}, value: {shown}, valid min value: {}",
                        Name(Some(path)),
                        Number(min)
                    ));
                }
            }
            ValueRef::Float(x) => {
                if let Some(min) = member.min.filter(|&min| x < min) {
                    let shown: &dyn fmt::Display = if sensitive { &Redacted } else { &x };
                    self.push(format!(
                        "Invalid value for parameter {}, value: {shown}, valid min value: {}",
                        Name(Some(path)),
                        Number(min)
                    ));
                }
            }
            ValueRef::List(list) => {
                if let Some(min) = member.min.filter(|&min| (list.len() as f64) < min) {
                    self.length(path, list.len(), min);
                }
                let Some(element) = member.target.list_member() else { return };
                for i in 0..list.len() {
                    // A null entry of a sparse list is the service's to judge.
                    let Some(item) = list.item(i).and_then(Value::get) else { continue };
                    let here = Path { step: Step::Index(i), parent: Some(path) };
                    self.value(element, item, &here, depth + 1);
                }
            }
            ValueRef::Map(map) => {
                let Some((key_member, value_member)) = member.target.map_entry() else { return };
                let hide_keys = sensitive || key_member.has(flags::SENSITIVE);
                for i in 0..map.len() {
                    let Some((key, entry)) = map.entry(i) else { continue };
                    let key_path = Path { step: Step::Key(key, hide_keys), parent: Some(path) };
                    self.value(key_member, ValueRef::Str(key), &key_path, depth + 1);
                    let Some(entry) = entry.get() else { continue };
                    let here = Path { step: Step::Value(key, hide_keys), parent: Some(path) };
                    self.value(value_member, entry, &here, depth + 1);
                }
            }
            ValueRef::Shape(shape) => self.structure(shape, Some(path), depth),
            ValueRef::Bool(_)
            | ValueRef::Blob(_)
            | ValueRef::Timestamp(_)
            | ValueRef::Document(_)
            | ValueRef::Stream(_)
            | ValueRef::EventStream(_) => {}
        }
    }

    fn length(&mut self, path: &Path<'_>, len: usize, min: f64) {
        self.push(format!(
            "Invalid length for parameter {}, value: {len}, valid min length: {}",
            Name(Some(path)),
            Number(min)
        ));
    }
}

/// A model number as botocore prints it: `1` for the model's integers, `0.001` otherwise.
struct Number(f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `f64`'s `Display` already prints an integral value without a fraction.
        write!(f, "{}", self.0)
    }
}

/// A sensitive value in a message.
struct Redacted;

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*** Sensitive Data Redacted ***")
    }
}

/// A union's member names in model order, as botocore joins them.
struct MemberNames(&'static [Member]);

impl fmt::Display for MemberNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(m.name)?;
        }
        Ok(())
    }
}
