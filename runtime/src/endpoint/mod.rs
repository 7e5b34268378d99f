//! The endpoint rules engine: turns a service's `endpoint-rule-set-1.json` plus a set of
//! parameters (region, FIPS, dual-stack, bucket, ...) into the URL, headers and auth-scheme
//! properties of the endpoint to call, following the Smithy rules-engine specification and the
//! AWS extensions to it (`aws.partition`, `aws.parseArn`, `aws.isVirtualHostableS3Bucket`).
//!
//! # Shape
//!
//! * [`RuleSet::from_json`] parses a rule set once into a compact tree. Everything that can be
//!   decided at load time is: function names become an enum, references become slot numbers
//!   (checked against the lexical scope, so a rule set that reads an unbound name is rejected
//!   when it is loaded rather than when some rare branch runs), `{Template}` strings and
//!   `getAttr` paths are pre-split, and argument counts are checked. Evaluation therefore never
//!   parses a string.
//! * [`resolve`] walks that tree for one [`Params`] and returns an [`Endpoint`] or an
//!   [`EndpointError`]; an error rule yields [`EndpointError::Rule`] with the rule set's message.
//! * [`Partitions`] is the partition table behind `aws.partition`. The table botocore ships
//!   (`models/partitions.json`) is compiled into the crate and parsed on first use;
//!   [`resolve_with`] takes another table, for tests or for a newer table than the one built in.
//!
//! Nothing here panics on malformed input: a broken rule set, partition table or parameter map
//! gives an error value.
//!
//! # Measurements (input to "interpret at runtime or compile to Rust at generate time")
//!
//! Measured on the development container (2 shared, busy cores; `--release`; best of ten
//! batches) with a scratch benchmark that loops over [`resolve`] under a counting global
//! allocator. "Tree" is the live heap the parsed [`RuleSet`] holds (bytes requested, without
//! allocator overhead); parse time includes parsing the JSON text into a `Document`.
//!
//! | case | rule-set JSON | parse | tree | one `resolve` | allocations |
//! |---|---|---|---|---|---|
//! | s3, virtual-hosted bucket (`bucket-name`, `us-west-2`) | 899 KB | 2-3 ms | 216 KB | ~1.9 µs | 18 |
//! | s3, access-point ARN | (same) | | | ~3.2 µs | 37 |
//! | dynamodb, regional (`us-east-1`) | 128 KB | ~0.4 ms | 33 KB | ~0.45 µs | 5 |
//! | all 439 rule sets | 8 MB | 50-90 ms in total | 2.7 MB in total | | |
//!
//! The s3 case evaluates 87 conditions; most of the allocations build the returned
//! `Endpoint` (URL, property maps and strings). A resolution costs less than signing a request
//! and far less than a round trip, the result can be cached per parameter set, and a client
//! parses only the rule sets of the services it uses, once. So interpreting at runtime is
//! cheap enough; compiling rules to Rust would mainly save the one-off parse (a few
//! milliseconds for s3) at the price of a large amount of generated code to compile.
//!
//! # Limitations
//!
//! * Only the `params` form of a resolution is handled here: mapping an operation's input
//!   members (`contextParam`, `operationContextParams`, `staticContextParams`) and client
//!   configuration (built-ins) onto parameters is the caller's job.
//! * The partition regexes are run by a small backtracking matcher (see `regex.rs`) that
//!   supports the syntax partition tables use, with ASCII `\d`, `\w` and `\s`.
//! * The built-in partition table is `include_str!`'d from `../models/partitions.json`, which
//!   works in this workspace; publishing the crate on its own would need a copy inside it.
//!
//! # Semantics where the references differ
//!
//! * A tree rule whose conditions hold is terminal, as the specification says: if none of its
//!   rules matches, resolution fails (botocore would go on to the tree's siblings). The
//!   conformance cases do not tell the two apart: botocore's resolver passes exactly the
//!   cases this one does.
//! * `aws.partition` looks a region up among the listed regions of every partition before
//!   trying the `regionRegex` patterns in order, and falls back to `aws`, as the Smithy
//!   reference implementations do.
//! * `isValidHostLabel` rejects a label ending in `-` (botocore and the JavaScript SDK do;
//!   smithy-rs does not). `parseURL` keeps `path` as written (empty when absent, as botocore
//!   does) and only adds the leading and trailing `/` for `normalizedPath`, without removing
//!   dot segments.
//! * Applying a function to an unset value (for example `stringEquals` on an unset parameter
//!   with no `isSet` guard) is an [`EndpointError::Eval`], as in botocore and the Smithy
//!   reference interpreter; validated rule sets never do it.

mod arn;
mod eval;
mod functions;
mod partition;
mod regex;
mod ruleset;
mod url;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::Document;

pub use partition::Partitions;
pub use ruleset::{Deprecated, Parameter, ParameterType, RuleSet};

/// A parameter value: the three types the rules language allows for parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A `string` parameter.
    String(String),
    /// A `boolean` parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    StringArray(Vec<String>),
}

impl Value {
    /// The text of a `String` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a `Bool` value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The name the rules language gives this value's type, for error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::StringArray(_) => "stringArray",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::StringArray(items)
    }
}

impl From<Vec<&str>> for Value {
    fn from(items: Vec<&str>) -> Self {
        Value::StringArray(items.into_iter().map(str::to_owned).collect())
    }
}

/// The parameters of one resolution, by the rule set's parameter names (`Region`, `UseFIPS`,
/// `Bucket`, ...).
///
/// A name the rule set does not declare is ignored, so a client can pass the same built-ins
/// (`UseDualStack`, say) to every service whether or not that service's rule set uses them.
/// A parameter that is absent takes the rule set's default, if it has one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    // A few entries at most, so a vector beats a hash map for both building and lookup.
    entries: Vec<(String, Value)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Sets `name` to `value`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        let name = name.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name, value)),
        }
        self
    }

    /// Builder form of [`set`](Self::set).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Unsets `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(n, _)| n == name)?;
        Some(self.entries.remove(index).1)
    }

    /// These parameters with `over`'s set on top, replacing any of the same name.
    pub(crate) fn overridden_by(&self, over: &Params) -> Params {
        let mut out = self.clone();
        for (name, value) in &over.entries {
            out.set(name.as_str(), value.clone());
        }
        out
    }

    /// The parameters in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }
}

/// A resolved endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The URL to send requests to, such as `https://bucket.s3.us-west-2.amazonaws.com`.
    pub url: String,
    /// Headers to add to every request sent to this endpoint, in rule-set order.
    pub headers: Vec<(String, Vec<String>)>,
    /// Everything else the rule set says about the endpoint, chiefly `authSchemes` (the
    /// signing name, region or region set, and signer options). Always an object.
    pub properties: Document,
}

/// Why a rule set could not be loaded or a resolution did not produce an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointError {
    /// The rule set or partition table is malformed. `pointer` is the JSON Pointer
    /// (RFC 6901) of the offending value, such as `/rules/0/conditions/1/fn`.
    Invalid {
        /// Where in the JSON document the problem is.
        pointer: String,
        /// What is wrong there.
        message: String,
    },
    /// A parameter was given a value of the wrong type.
    InvalidParam {
        /// The parameter's name.
        name: String,
        /// What was expected and found.
        message: String,
    },
    /// A required parameter has no value and no default.
    MissingParam(String),
    /// An error rule matched; this is the rule set's own message, with templates expanded.
    Rule(String),
    /// Evaluation failed: the rule set applied a function to a value of the wrong type or to an
    /// unset value, or no rule matched. Valid rule sets do not do this.
    Eval(String),
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Invalid { pointer, message } => {
                write!(f, "invalid endpoint rule set at `{pointer}`: {message}")
            }
            EndpointError::InvalidParam { name, message } => {
                write!(f, "invalid endpoint parameter `{name}`: {message}")
            }
            EndpointError::MissingParam(name) => {
                write!(f, "missing required endpoint parameter `{name}`")
            }
            EndpointError::Rule(message) => f.write_str(message),
            EndpointError::Eval(message) => write!(f, "endpoint resolution failed: {message}"),
        }
    }
}

impl std::error::Error for EndpointError {}

/// Resolves `params` against `rules` using the built-in partition table.
pub fn resolve(rules: &RuleSet, params: &Params) -> Result<Endpoint, EndpointError> {
    eval::resolve(rules, params, Partitions::builtin()?)
}

/// Resolves `params` against `rules` using the given partition table.
pub fn resolve_with(rules: &RuleSet, params: &Params, partitions: &Partitions) -> Result<Endpoint, EndpointError> {
    eval::resolve(rules, params, partitions)
}

impl RuleSet {
    /// Method form of [`resolve`].
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        resolve(self, params)
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/` as RFC 6901 requires.
pub(crate) fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
