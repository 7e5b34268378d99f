//! The interpreter: walks a parsed [`RuleSet`] for one set of parameters.
//!
//! Values borrow wherever they can. Parameters borrow the caller's strings, string literals
//! borrow the rule set, and `aws.partition` returns a reference into the partition table, so a
//! typical resolution allocates little beyond the strings it builds for its result.

use std::borrow::Cow;
use std::sync::Arc;

use super::ruleset::{
    Call, EndpointTemplate, Expr, Func, PathSeg, Prop, Rule, RuleKind, RuleSet, Slot, Template, TemplatePart,
};
use super::{arn, functions, url, Endpoint, EndpointError, Params, Partitions, Value};
use crate::{Document, Map};

/// A value during evaluation.
///
/// `'a` is the lifetime of the inputs (rule set, parameters, partition table). The type is
/// covariant in `'a`, which lets `Val<'static>` data such as partition outputs be lent out as
/// `Val<'a>` without copying.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    Int(i64),
    Array(Vec<Val<'a>>),
    /// An object literal from the rule set.
    Object(Vec<(&'a str, Val<'a>)>),
    /// The outputs of one partition (`name`, `dnsSuffix`, ...), borrowed from the table.
    Record(&'a [(Box<str>, Val<'static>)]),
    /// A structure built during evaluation (a parsed ARN or URL). Shared, because binding it
    /// to a name and reading it back should not copy its strings.
    Struct(Arc<[(&'static str, Val<'static>)]>),
}

impl<'a> Val<'a> {
    pub(crate) fn str(s: impl Into<Cow<'a, str>>) -> Val<'a> {
        Val::Str(s.into())
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "string",
            Val::Bool(_) => "boolean",
            Val::Int(_) => "integer",
            Val::Array(_) => "array",
            Val::Object(_) | Val::Record(_) | Val::Struct(_) => "object",
        }
    }

    /// The member `key` of an object-like value.
    fn field(&self, key: &str) -> Option<&Val<'a>> {
        match self {
            Val::Object(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            Val::Record(fields) => fields.iter().find(|(k, _)| **k == *key).map(|(_, v)| v),
            Val::Struct(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a `getAttr` path; a missing key or an index past the end gives `None`.
    fn get_path(&self, path: &[PathSeg]) -> Option<&Val<'a>> {
        let mut value = self;
        for seg in path {
            value = match (seg, value) {
                (PathSeg::Key(key), v) => v.field(key)?,
                (PathSeg::Index(i), Val::Array(items)) => items.get(*i)?,
                (PathSeg::Index(_), _) => return None,
            };
        }
        Some(value)
    }
}

/// Resolves `params` against `rules`.
pub(crate) fn resolve(rules: &RuleSet, params: &Params, partitions: &Partitions) -> Result<Endpoint, EndpointError> {
    let mut slots: Vec<Option<Val<'_>>> = Vec::with_capacity(rules.slot_names.len());
    for param in rules.parameters.iter() {
        let value = match params.get(&param.name) {
            Some(value) if !param.ty.admits(value) => {
                return Err(EndpointError::InvalidParam {
                    name: param.name.clone(),
                    message: format!("expected a {}, got a {}", param.ty.name(), value.type_name()),
                });
            }
            Some(value) => Some(value),
            None => param.default.as_ref(),
        };
        if value.is_none() && param.required {
            return Err(EndpointError::MissingParam(param.name.clone()));
        }
        slots.push(value.map(|v| match v {
            Value::String(s) => Val::str(s.as_str()),
            Value::Bool(b) => Val::Bool(*b),
            Value::StringArray(items) => Val::Array(items.iter().map(|s| Val::str(s.as_str())).collect()),
        }));
    }
    slots.resize(rules.slot_names.len(), None);
    let mut eval = Eval { rules, partitions, slots };
    match eval.rules(&rules.rules) {
        Ok(Some(endpoint)) => Ok(endpoint),
        Ok(None) => Err(EndpointError::Eval("no rule matched the parameters".into())),
        Err(err) => Err(*err),
    }
}

struct Eval<'a> {
    rules: &'a RuleSet,
    partitions: &'a Partitions,
    /// The value of every parameter and variable; `None` when unset.
    slots: Vec<Option<Val<'a>>>,
}

/// Evaluation results carry a boxed error. Results pass through every level of the
/// interpreter, and keeping them two words wide instead of eight (together with the typed fast
/// paths in `Eval`) took a `booleanEquals` condition from about 80 ns to about 10-15 ns.
type Res<T> = Result<T, Box<EndpointError>>;

fn fail<T>(message: String) -> Res<T> {
    Err(Box::new(EndpointError::Eval(message)))
}

/// Argument `i` of a call. The loader checked argument counts, but indexing through `get`
/// keeps a hand-built or future tree from panicking.
fn nth(args: &[Expr], i: usize) -> Res<&Expr> {
    match args.get(i) {
        Some(expr) => Ok(expr),
        None => fail(format!("missing argument {i}")),
    }
}

impl<'a> Eval<'a> {
    /// Evaluates rules in order; the first whose conditions hold decides.
    fn rules(&mut self, rules: &'a [Rule]) -> Res<Option<Endpoint>> {
        for rule in rules {
            if !self.conditions(rule)? {
                continue;
            }
            return match &rule.kind {
                RuleKind::Endpoint(template) => self.endpoint(template).map(Some),
                RuleKind::Error(message) => {
                    let message = self.string(message, "error message")?.into_owned();
                    Err(Box::new(EndpointError::Rule(message)))
                }
                // The specification makes a tree terminal: once its conditions hold, falling
                // off its end is an error rather than a return to the tree's siblings.
                RuleKind::Tree(children) => match self.rules(children)? {
                    Some(endpoint) => Ok(Some(endpoint)),
                    None => fail("no rule matched inside a tree rule whose conditions held".into()),
                },
            };
        }
        Ok(None)
    }

    /// Whether all of a rule's conditions hold, binding their `assign` names on the way.
    fn conditions(&mut self, rule: &'a Rule) -> Res<bool> {
        for cond in rule.conditions.iter() {
            if cond.assign.is_none() {
                if let Some(holds) = self.predicate(&cond.call)? {
                    if !holds {
                        return Ok(false);
                    }
                    continue;
                }
            }
            let value = self.call(&cond.call)?;
            if matches!(value, None | Some(Val::Bool(false))) {
                return Ok(false);
            }
            if let Some(slot) = cond.assign.and_then(|slot| self.slots.get_mut(slot as usize)) {
                *slot = value;
            }
        }
        Ok(true)
    }

    /// The name of a variable, for error messages.
    fn name(&self, slot: Slot) -> &str {
        self.rules.slot_names.get(slot as usize).map_or("?", |n| n)
    }

    /// Evaluates an expression; `None` is the empty value of an unset optional.
    fn eval<'s>(&'s self, expr: &'a Expr) -> Res<Option<Cow<'s, Val<'a>>>> {
        Ok(Some(match expr {
            Expr::Ref(slot) => match self.slots.get(*slot as usize) {
                Some(Some(value)) => Cow::Borrowed(value),
                _ => return Ok(None),
            },
            Expr::Str(template) => Cow::Owned(Val::Str(self.template(template)?)),
            Expr::Bool(b) => Cow::Owned(Val::Bool(*b)),
            Expr::Int(i) => Cow::Owned(Val::Int(*i)),
            Expr::Call(call) => match self.call(call)? {
                Some(value) => Cow::Owned(value),
                None => return Ok(None),
            },
            Expr::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items.iter() {
                    match self.eval(item)? {
                        Some(value) => values.push(value.into_owned()),
                        None => return fail("an array literal holds an unset value".into()),
                    }
                }
                Cow::Owned(Val::Array(values))
            }
            Expr::Object(fields) => {
                let mut values = Vec::with_capacity(fields.len());
                for (key, item) in fields.iter() {
                    match self.eval(item)? {
                        Some(value) => values.push((&**key, value.into_owned())),
                        None => return fail(format!("object literal member `{key}` is unset")),
                    }
                }
                Cow::Owned(Val::Object(values))
            }
        }))
    }

    /// The value of a reference, without going through [`eval`](Self::eval).
    fn slot(&self, slot: Slot) -> Option<&Val<'a>> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    // The typed accessors below handle literals, references and calls directly rather than
    // through `eval`, because nearly every condition is `booleanEquals`, `stringEquals` or
    // `isSet` on a reference and a literal, and that path should not build `Cow<Val>`s.

    fn string<'s>(&'s self, expr: &'a Expr, what: &str) -> Res<Cow<'s, str>> {
        let value = match expr {
            Expr::Str(template) => return self.template(template),
            Expr::Ref(slot) => match self.slot(*slot) {
                Some(Val::Str(s)) => return Ok(Cow::Borrowed(s)),
                other => other.map(Cow::Borrowed),
            },
            Expr::Call(call) => match self.call(call)? {
                Some(Val::Str(s)) => return Ok(s),
                other => other.map(Cow::Owned),
            },
            _ => self.eval(expr)?,
        };
        match value {
            None => fail(format!("{what} is unset")),
            Some(other) => fail(format!("{what} must be a string, got a {}", other.type_name())),
        }
    }

    fn boolean(&self, expr: &'a Expr, what: &str) -> Res<bool> {
        let value = match expr {
            Expr::Bool(b) => return Ok(*b),
            Expr::Ref(slot) => match self.slot(*slot) {
                Some(Val::Bool(b)) => return Ok(*b),
                other => other.cloned(),
            },
            Expr::Call(call) => match self.predicate(call)? {
                Some(b) => return Ok(b),
                None => self.call(call)?,
            },
            _ => self.eval(expr)?.map(Cow::into_owned),
        };
        match value {
            Some(Val::Bool(b)) => Ok(b),
            None => fail(format!("{what} is unset")),
            Some(other) => fail(format!("{what} must be a boolean, got a {}", other.type_name())),
        }
    }

    fn int(&self, expr: &'a Expr, what: &str) -> Res<i64> {
        if let Expr::Int(i) = expr {
            return Ok(*i);
        }
        match self.eval(expr)?.as_deref() {
            Some(Val::Int(i)) => Ok(*i),
            None => fail(format!("{what} is unset")),
            Some(other) => fail(format!("{what} must be an integer, got a {}", other.type_name())),
        }
    }

    /// Calls a library function that returns a boolean, without wrapping the result in a
    /// value; `None` for the other functions. Most conditions are such calls, so this is the
    /// interpreter's hottest path.
    fn predicate(&self, call: &'a Call) -> Res<Option<bool>> {
        let arg = |i: usize| nth(&call.args, i);
        Ok(Some(match &call.func {
            Func::IsSet => match arg(0)? {
                Expr::Ref(slot) => self.slot(*slot).is_some(),
                other => self.eval(other)?.is_some(),
            },
            Func::Not => !self.boolean(arg(0)?, "the argument of `not`")?,
            Func::BooleanEquals => {
                self.boolean(arg(0)?, "booleanEquals argument 1")?
                    == self.boolean(arg(1)?, "booleanEquals argument 2")?
            }
            Func::StringEquals => {
                self.string(arg(0)?, "stringEquals argument 1")? == self.string(arg(1)?, "stringEquals argument 2")?
            }
            Func::IsValidHostLabel => functions::is_valid_host_label(
                &self.string(arg(0)?, "isValidHostLabel input")?,
                self.boolean(arg(1)?, "isValidHostLabel allowSubDomains")?,
            ),
            Func::AwsIsVirtualHostableS3Bucket => functions::is_virtual_hostable_s3_bucket(
                &self.string(arg(0)?, "aws.isVirtualHostableS3Bucket input")?,
                self.boolean(arg(1)?, "aws.isVirtualHostableS3Bucket allowSubDomains")?,
            ),
            _ => return Ok(None),
        }))
    }

    /// Calls a library function; `None` is an empty result.
    fn call(&self, call: &'a Call) -> Res<Option<Val<'a>>> {
        if let Some(b) = self.predicate(call)? {
            return Ok(Some(Val::Bool(b)));
        }
        let args = &call.args;
        let arg = |i: usize| nth(args, i);
        Ok(Some(match &call.func {
            Func::GetAttr(path) => match self.eval(arg(0)?)? {
                Some(target) => match target.get_path(path) {
                    Some(value) => value.clone(),
                    None => return Ok(None),
                },
                None => return Ok(None),
            },
            Func::Substring => {
                let start = self.int(arg(1)?, "substring start")?;
                let stop = self.int(arg(2)?, "substring stop")?;
                let reverse = self.boolean(arg(3)?, "substring reverse")?;
                // S3 takes several suffixes of the bucket name on every resolution; borrowing
                // them from the caller's parameter saves an allocation each.
                if let Expr::Ref(slot) = arg(0)? {
                    if let Some(Val::Str(Cow::Borrowed(input))) = self.slot(*slot) {
                        return Ok(functions::substring(input, start, stop, reverse).map(Val::str));
                    }
                }
                let input = self.string(arg(0)?, "substring input")?;
                match functions::substring(&input, start, stop, reverse) {
                    Some(s) => Val::str(s.to_owned()),
                    None => return Ok(None),
                }
            }
            Func::UriEncode => Val::str(functions::uri_encode(&self.string(arg(0)?, "uriEncode input")?)),
            Func::ParseUrl => match url::parse_url(&self.string(arg(0)?, "parseURL input")?) {
                Some(parsed) => Val::Struct(parsed),
                None => return Ok(None),
            },
            Func::AwsParseArn => match arn::parse_arn(&self.string(arg(0)?, "aws.parseArn input")?) {
                Some(parsed) => Val::Struct(parsed),
                None => return Ok(None),
            },
            Func::AwsPartition => {
                let region = self.string(arg(0)?, "aws.partition region")?;
                match self.partitions.lookup(&region) {
                    Some(outputs) => Val::Record(outputs),
                    None => return Ok(None),
                }
            }
            Func::Split => {
                let input = self.string(arg(0)?, "split input")?;
                let delimiter = self.string(arg(1)?, "split delimiter")?;
                let limit = self.int(arg(2)?, "split limit")?;
                match functions::split(&input, &delimiter, limit) {
                    Ok(parts) => Val::Array(parts.into_iter().map(|p| Val::str(p.to_owned())).collect()),
                    Err(message) => return fail(message.into()),
                }
            }
            Func::Coalesce => {
                // The first set argument wins, even if it is `false` or empty.
                for expr in args.iter() {
                    if let Some(value) = self.eval(expr)? {
                        return Ok(Some(value.into_owned()));
                    }
                }
                return Ok(None);
            }
            Func::Ite => {
                let branch = if self.boolean(arg(0)?, "ite condition")? { arg(1)? } else { arg(2)? };
                return Ok(self.eval(branch)?.map(Cow::into_owned));
            }
            Func::IsSet
            | Func::Not
            | Func::BooleanEquals
            | Func::StringEquals
            | Func::IsValidHostLabel
            | Func::AwsIsVirtualHostableS3Bucket => return fail("a predicate was not evaluated as one".into()),
        }))
    }

    /// Evaluates an expression that must produce a string (a URL, header value or message).
    fn string_result(&self, expr: &'a Expr, what: &str) -> Res<String> {
        self.string(expr, what).map(Cow::into_owned)
    }

    /// Expands a template; static text is borrowed from the rule set.
    fn template(&self, template: &'a Template) -> Res<Cow<'a, str>> {
        let parts = match template {
            Template::Static(text) => return Ok(Cow::Borrowed(text)),
            Template::Parts(parts) => parts,
        };
        let mut out = String::new();
        for part in parts.iter() {
            let (slot, value) = match part {
                TemplatePart::Lit(text) => {
                    out.push_str(text);
                    continue;
                }
                TemplatePart::Ref(slot) => (*slot, self.slots.get(*slot as usize).and_then(Option::as_ref)),
                TemplatePart::Attr(slot, path) => {
                    (*slot, self.slots.get(*slot as usize).and_then(Option::as_ref).and_then(|v| v.get_path(path)))
                }
            };
            match value.map(|v| (v, v.as_str())) {
                Some((_, Some(s))) => out.push_str(s),
                Some((v, None)) => {
                    return fail(format!(
                        "template substitution from `{}` is a {}, not a string",
                        self.name(slot),
                        v.type_name()
                    ))
                }
                None => return fail(format!("template substitution from `{}` is unset", self.name(slot))),
            }
        }
        Ok(Cow::Owned(out))
    }

    fn endpoint(&self, template: &'a EndpointTemplate) -> Res<Endpoint> {
        let url = self.string_result(&template.url, "the endpoint URL")?;
        let mut headers = Vec::with_capacity(template.headers.len());
        for (name, exprs) in template.headers.iter() {
            let mut values = Vec::with_capacity(exprs.len());
            for expr in exprs.iter() {
                values.push(self.string_result(expr, "a header value")?);
            }
            headers.push((name.to_string(), values));
        }
        let mut properties = Map::with_capacity(template.properties.len());
        for (name, prop) in template.properties.iter() {
            properties.insert(name.to_string(), self.prop(prop)?);
        }
        Ok(Endpoint { url, headers, properties: Document::Object(properties) })
    }

    fn prop(&self, prop: &'a Prop) -> Res<Document> {
        Ok(match prop {
            Prop::Null => Document::Null,
            Prop::Bool(b) => Document::Bool(*b),
            Prop::Number(n) => Document::Number(*n),
            Prop::Str(template) => Document::String(self.template(template)?.into_owned()),
            Prop::Array(items) => {
                let mut docs = Vec::with_capacity(items.len());
                for item in items.iter() {
                    docs.push(self.prop(item)?);
                }
                Document::Array(docs)
            }
            Prop::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (key, item) in fields.iter() {
                    map.insert(key.to_string(), self.prop(item)?);
                }
                Document::Object(map)
            }
        })
    }
}

/// Converts a value to JSON, for tests.
#[cfg(test)]
pub(crate) fn to_document(value: &Val<'_>) -> Document {
    match value {
        Val::Str(s) => Document::String(s.to_string()),
        Val::Bool(b) => Document::Bool(*b),
        Val::Int(i) => Document::Number(crate::types::Number::from(*i)),
        Val::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Val::Object(fields) => Document::Object(fields.iter().map(|(k, v)| (k.to_string(), to_document(v))).collect()),
        Val::Record(fields) => Document::Object(fields.iter().map(|(k, v)| (k.to_string(), to_document(v))).collect()),
        Val::Struct(fields) => Document::Object(fields.iter().map(|(k, v)| (k.to_string(), to_document(v))).collect()),
    }
}
