//! The parsed form of an endpoint rule set and the loader that builds it from JSON.
//!
//! The loader does all the string work up front (function names, template strings, `getAttr`
//! paths, reference names) so that evaluation only walks enums and slot numbers.

use super::{pointer_push, EndpointError, Value};
use crate::types::Number;
use crate::Document;

/// How deep a rule set's JSON may nest; see `At::check_depth`.
const MAX_DEPTH: u32 = 200;

/// A variable's position in the evaluator's slot vector. Parameters take the first slots in
/// declaration order; every distinct `assign` name gets one more.
pub(crate) type Slot = u32;

/// A parsed endpoint rule set (`endpoint-rule-set-1.json`).
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub(crate) version: Box<str>,
    pub(crate) parameters: Box<[Parameter]>,
    pub(crate) rules: Box<[Rule]>,
    /// The name of every slot, parameters first, for error messages.
    pub(crate) slot_names: Box<[Box<str>]>,
}

/// One declared parameter of a rule set.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name rules refer to it by, such as `Region`.
    pub name: String,
    /// Its type.
    pub ty: ParameterType,
    /// Whether resolution fails when it has neither a value nor a default.
    pub required: bool,
    /// The value used when the caller gives none.
    pub default: Option<Value>,
    /// The SDK built-in that supplies it, such as `AWS::Region` or `SDK::Endpoint`.
    pub built_in: Option<String>,
    /// The rule set's description of it.
    pub documentation: Option<String>,
    /// Set when the parameter is deprecated.
    pub deprecated: Option<Deprecated>,
}

/// Why and since when a parameter is deprecated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecated {
    /// What to use instead.
    pub message: Option<String>,
    /// The version or date it was deprecated in.
    pub since: Option<String>,
}

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `stringArray`
    StringArray,
}

impl ParameterType {
    /// Whether `value` has this type.
    pub fn admits(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (ParameterType::String, Value::String(_))
                | (ParameterType::Boolean, Value::Bool(_))
                | (ParameterType::StringArray, Value::StringArray(_))
        )
    }

    /// The rules-language spelling of the type.
    pub fn name(self) -> &'static str {
        match self {
            ParameterType::String => "string",
            ParameterType::Boolean => "boolean",
            ParameterType::StringArray => "stringArray",
        }
    }
}

impl RuleSet {
    /// Parses a rule set from its JSON text.
    pub fn from_json(text: &str) -> Result<RuleSet, EndpointError> {
        let doc = Document::from_json(text)
            .map_err(|e| EndpointError::Invalid { pointer: String::new(), message: e.to_string() })?;
        RuleSet::from_document(&doc)
    }

    /// Parses a rule set from an already parsed JSON document.
    pub fn from_document(doc: &Document) -> Result<RuleSet, EndpointError> {
        Loader::default().rule_set(doc)
    }

    /// The rule set's `version` field, such as `1.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The declared parameters, in declaration order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The declared parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// One rule: conditions that must all hold, then what the rule does.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub conditions: Box<[Condition]>,
    pub kind: RuleKind,
}

#[derive(Clone, Debug)]
pub(crate) enum RuleKind {
    Endpoint(Box<EndpointTemplate>),
    /// The message expression of an error rule.
    Error(Expr),
    /// Nested rules; the first that matches decides, and if none does the resolution fails.
    Tree(Box<[Rule]>),
}

/// A condition: a function call whose result, unless empty or `false`, may be bound to a name.
#[derive(Clone, Debug)]
pub(crate) struct Condition {
    pub call: Call,
    pub assign: Option<Slot>,
}

#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub func: Func,
    pub args: Box<[Expr]>,
}

/// The functions of the standard library and the AWS extensions.
#[derive(Clone, Debug)]
pub(crate) enum Func {
    IsSet,
    Not,
    /// `getAttr` with its (literal) path already parsed; `args` holds only the target.
    GetAttr(Box<[PathSeg]>),
    StringEquals,
    BooleanEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    Split,
    Coalesce,
    Ite,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Func {
    /// Maps a function name to the function and its accepted argument counts.
    fn lookup(name: &str) -> Option<(Func, usize, usize)> {
        Some(match name {
            "isSet" => (Func::IsSet, 1, 1),
            "not" => (Func::Not, 1, 1),
            "getAttr" => (Func::GetAttr(Box::new([])), 2, 2),
            "stringEquals" => (Func::StringEquals, 2, 2),
            "booleanEquals" => (Func::BooleanEquals, 2, 2),
            "substring" => (Func::Substring, 4, 4),
            "uriEncode" => (Func::UriEncode, 1, 1),
            "parseURL" => (Func::ParseUrl, 1, 1),
            "isValidHostLabel" => (Func::IsValidHostLabel, 2, 2),
            "split" => (Func::Split, 3, 3),
            // The specification asks for two or more arguments; one is harmless and means
            // "that argument", so it is accepted rather than rejected.
            "coalesce" => (Func::Coalesce, 1, usize::MAX),
            "ite" => (Func::Ite, 3, 3),
            "aws.partition" => (Func::AwsPartition, 1, 1),
            "aws.parseArn" => (Func::AwsParseArn, 1, 1),
            "aws.isVirtualHostableS3Bucket" => (Func::AwsIsVirtualHostableS3Bucket, 2, 2),
            _ => return None,
        })
    }
}

/// An expression: a literal, a reference or a function call.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    Str(Template),
    Bool(bool),
    Int(i64),
    Array(Box<[Expr]>),
    /// An object literal (rare in argument position, but allowed by the language).
    Object(Box<[(Box<str>, Expr)]>),
    Ref(Slot),
    Call(Box<Call>),
}

/// A string literal, split into literal text and `{name}` / `{name#path}` substitutions.
#[derive(Clone, Debug)]
pub(crate) enum Template {
    /// No substitutions, so evaluation can borrow the text.
    Static(Box<str>),
    Parts(Box<[TemplatePart]>),
}

#[derive(Clone, Debug)]
pub(crate) enum TemplatePart {
    Lit(Box<str>),
    Ref(Slot),
    Attr(Slot, Box<[PathSeg]>),
}

/// One step of a `getAttr` path: `key` or `[index]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(Box<str>),
    Index(usize),
}

/// A header name with the expressions of its values.
pub(crate) type HeaderTemplate = (Box<str>, Box<[Expr]>);

/// What an endpoint rule produces, still to be evaluated.
#[derive(Clone, Debug)]
pub(crate) struct EndpointTemplate {
    pub url: Expr,
    pub headers: Box<[HeaderTemplate]>,
    pub properties: Box<[(Box<str>, Prop)]>,
}

/// A property value: JSON whose strings are templates.
#[derive(Clone, Debug)]
pub(crate) enum Prop {
    Null,
    Bool(bool),
    Number(Number),
    Str(Template),
    Array(Box<[Prop]>),
    Object(Box<[(Box<str>, Prop)]>),
}

/// A position in the JSON document, kept as a chain of borrowed tokens so that the loader pays
/// for building a JSON Pointer string only when it reports an error.
#[derive(Clone, Copy)]
struct At<'p> {
    parent: Option<&'p At<'p>>,
    token: Token<'p>,
    /// How many tokens deep this is, to bound the loader's recursion.
    depth: u32,
}

#[derive(Clone, Copy)]
enum Token<'p> {
    Root,
    Key(&'p str),
    Index(usize),
}

impl<'p> At<'p> {
    const ROOT: At<'static> = At { parent: None, token: Token::Root, depth: 0 };

    fn key<'q>(&'q self, key: &'q str) -> At<'q> {
        At { parent: Some(self), token: Token::Key(key), depth: self.depth + 1 }
    }

    fn index<'q>(&'q self, index: usize) -> At<'q> {
        At { parent: Some(self), token: Token::Index(index), depth: self.depth + 1 }
    }

    /// Fails when the document nests deeper than the loader (and later the evaluator) will
    /// recurse. Text parsed by `Document::from_json` never gets here, since that parser stops
    /// at 128 levels, but a hand-built `Document` could.
    fn check_depth(&self) -> Result<(), EndpointError> {
        if self.depth > MAX_DEPTH {
            return self.fail(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    fn pointer(&self) -> String {
        let parent = self.parent.map(At::pointer).unwrap_or_default();
        match self.token {
            Token::Root => parent,
            Token::Key(key) => pointer_push(&parent, key),
            Token::Index(index) => pointer_push(&parent, &index.to_string()),
        }
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, EndpointError> {
        Err(EndpointError::Invalid { pointer: self.pointer(), message: message.into() })
    }
}

/// Builds a [`RuleSet`], tracking which names are in scope at each point of the tree.
#[derive(Default)]
struct Loader {
    /// The name of every slot allocated so far.
    slot_names: Vec<Box<str>>,
    /// The slots visible at the current point, innermost last.
    scope: Vec<Slot>,
}

fn object<'d>(doc: &'d Document, at: &At<'_>) -> Result<&'d crate::Map<String, Document>, EndpointError> {
    match doc.as_object() {
        Some(map) => Ok(map),
        None => at.fail("expected an object"),
    }
}

fn array<'d>(doc: &'d Document, at: &At<'_>) -> Result<&'d [Document], EndpointError> {
    match doc.as_array() {
        Some(items) => Ok(items),
        None => at.fail("expected an array"),
    }
}

fn string<'d>(doc: &'d Document, at: &At<'_>) -> Result<&'d str, EndpointError> {
    match doc.as_str() {
        Some(s) => Ok(s),
        None => at.fail("expected a string"),
    }
}

fn boolean(doc: &Document, at: &At<'_>) -> Result<bool, EndpointError> {
    match doc.as_bool() {
        Some(b) => Ok(b),
        None => at.fail("expected a boolean"),
    }
}

/// The optional string member `key` of `map`.
fn opt_string(map: &crate::Map<String, Document>, key: &str, at: &At<'_>) -> Result<Option<String>, EndpointError> {
    match map.get(key) {
        None | Some(Document::Null) => Ok(None),
        Some(doc) => string(doc, &at.key(key)).map(|s| Some(s.to_owned())),
    }
}

/// The required member `key` of `map`.
fn member<'d>(map: &'d crate::Map<String, Document>, key: &str, at: &At<'_>) -> Result<&'d Document, EndpointError> {
    match map.get(key) {
        Some(doc) => Ok(doc),
        None => at.fail(format!("missing `{key}`")),
    }
}

impl Loader {
    fn rule_set(mut self, doc: &Document) -> Result<RuleSet, EndpointError> {
        let at = At::ROOT;
        let map = object(doc, &at)?;
        let version = match map.get("version") {
            Some(v) => string(v, &at.key("version"))?.into(),
            None => "".into(),
        };
        let params_at = at.key("parameters");
        let params_map = object(member(map, "parameters", &at)?, &params_at)?;
        let mut parameters = Vec::with_capacity(params_map.len());
        for (name, param) in params_map {
            parameters.push(self.parameter(name, param, &params_at.key(name))?);
        }
        let rules_at = at.key("rules");
        let rules = self.rules(member(map, "rules", &at)?, &rules_at)?;
        Ok(RuleSet {
            version,
            parameters: parameters.into(),
            rules,
            slot_names: std::mem::take(&mut self.slot_names).into(),
        })
    }

    fn parameter(&mut self, name: &str, doc: &Document, at: &At<'_>) -> Result<Parameter, EndpointError> {
        let map = object(doc, at)?;
        let ty_at = at.key("type");
        // Some older rule sets spell the types `String` and `Boolean`.
        let ty = match string(member(map, "type", at)?, &ty_at)? {
            t if t.eq_ignore_ascii_case("string") => ParameterType::String,
            t if t.eq_ignore_ascii_case("boolean") => ParameterType::Boolean,
            t if t.eq_ignore_ascii_case("stringArray") => ParameterType::StringArray,
            t => return ty_at.fail(format!("unknown parameter type `{t}`")),
        };
        let required = match map.get("required") {
            Some(v) => boolean(v, &at.key("required"))?,
            None => false,
        };
        let default = match map.get("default") {
            None | Some(Document::Null) => None,
            Some(v) => Some(default_value(ty, v, &at.key("default"))?),
        };
        let deprecated = match map.get("deprecated") {
            None | Some(Document::Null) => None,
            Some(v) => {
                let dep_at = at.key("deprecated");
                let dep = object(v, &dep_at)?;
                Some(Deprecated {
                    message: opt_string(dep, "message", &dep_at)?,
                    since: opt_string(dep, "since", &dep_at)?,
                })
            }
        };
        if self.slot_names.iter().any(|n| **n == *name) {
            return at.fail(format!("parameter `{name}` is declared twice"));
        }
        let slot = self.new_slot(name, at)?;
        self.scope.push(slot);
        Ok(Parameter {
            name: name.to_owned(),
            ty,
            required,
            default,
            built_in: opt_string(map, "builtIn", at)?,
            documentation: opt_string(map, "documentation", at)?,
            deprecated,
        })
    }

    fn new_slot(&mut self, name: &str, at: &At<'_>) -> Result<Slot, EndpointError> {
        match Slot::try_from(self.slot_names.len()) {
            Ok(slot) => {
                self.slot_names.push(name.into());
                Ok(slot)
            }
            Err(_) => at.fail("too many variables"),
        }
    }

    /// The slot `name` refers to at this point.
    fn lookup(&self, name: &str, at: &At<'_>) -> Result<Slot, EndpointError> {
        for &slot in self.scope.iter().rev() {
            if *self.slot_names[slot as usize] == *name {
                return Ok(slot);
            }
        }
        at.fail(format!("`{name}` is not a parameter or a variable assigned before this point"))
    }

    fn rules(&mut self, doc: &Document, at: &At<'_>) -> Result<Box<[Rule]>, EndpointError> {
        let items = array(doc, at)?;
        let mut rules = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            // Variables assigned by one rule's conditions are visible only inside that rule.
            let depth = self.scope.len();
            let rule = self.rule(item, &at.index(i));
            self.scope.truncate(depth);
            rules.push(rule?);
        }
        Ok(rules.into())
    }

    fn rule(&mut self, doc: &Document, at: &At<'_>) -> Result<Rule, EndpointError> {
        at.check_depth()?;
        let map = object(doc, at)?;
        let mut conditions = Vec::new();
        if let Some(conds) = map.get("conditions") {
            let conds_at = at.key("conditions");
            for (i, cond) in array(conds, &conds_at)?.iter().enumerate() {
                conditions.push(self.condition(cond, &conds_at.index(i))?);
            }
        }
        let ty_at = at.key("type");
        let kind = match string(member(map, "type", at)?, &ty_at)? {
            "endpoint" => {
                let ep_at = at.key("endpoint");
                RuleKind::Endpoint(Box::new(self.endpoint(member(map, "endpoint", at)?, &ep_at)?))
            }
            "error" => RuleKind::Error(self.expr(member(map, "error", at)?, &at.key("error"))?),
            "tree" => RuleKind::Tree(self.rules(member(map, "rules", at)?, &at.key("rules"))?),
            other => return ty_at.fail(format!("unknown rule type `{other}`")),
        };
        Ok(Rule { conditions: conditions.into(), kind })
    }

    fn condition(&mut self, doc: &Document, at: &At<'_>) -> Result<Condition, EndpointError> {
        let map = object(doc, at)?;
        if !map.contains_key("fn") {
            return at.fail("a condition must be a function call (`fn`)");
        }
        let call = self.call(map, at)?;
        let assign = match map.get("assign") {
            None | Some(Document::Null) => None,
            Some(name) => {
                let assign_at = at.key("assign");
                let name = string(name, &assign_at)?;
                if self.scope.iter().any(|&s| *self.slot_names[s as usize] == *name) {
                    return assign_at.fail(format!("`{name}` is already bound here"));
                }
                // Sibling branches may bind the same name; they can share a slot because a
                // reference is only accepted where its binding is on the path to it.
                let slot = match self.slot_names.iter().position(|n| **n == *name) {
                    Some(slot) => slot as Slot,
                    None => self.new_slot(name, &assign_at)?,
                };
                self.scope.push(slot);
                Some(slot)
            }
        };
        Ok(Condition { call, assign })
    }

    fn call(&mut self, map: &crate::Map<String, Document>, at: &At<'_>) -> Result<Call, EndpointError> {
        let fn_at = at.key("fn");
        let name = string(member(map, "fn", at)?, &fn_at)?;
        let Some((mut func, min, max)) = Func::lookup(name) else {
            return fn_at.fail(format!("unknown function `{name}`"));
        };
        let argv_at = at.key("argv");
        let argv = array(member(map, "argv", at)?, &argv_at)?;
        if argv.len() < min || argv.len() > max {
            return argv_at.fail(format!("`{name}` takes {min} argument(s), got {}", argv.len()));
        }
        if let Func::GetAttr(_) = func {
            // The path must be a literal so it can be parsed now rather than on every call.
            let path_at = argv_at.index(1);
            func = Func::GetAttr(parse_path(string(&argv[1], &path_at)?, &path_at)?);
            let target = self.expr(&argv[0], &argv_at.index(0))?;
            return Ok(Call { func, args: Box::new([target]) });
        }
        let mut args = Vec::with_capacity(argv.len());
        for (i, arg) in argv.iter().enumerate() {
            args.push(self.expr(arg, &argv_at.index(i))?);
        }
        Ok(Call { func, args: args.into() })
    }

    fn expr(&mut self, doc: &Document, at: &At<'_>) -> Result<Expr, EndpointError> {
        at.check_depth()?;
        Ok(match doc {
            Document::String(s) => Expr::Str(self.template(s, at)?),
            Document::Bool(b) => Expr::Bool(*b),
            Document::Number(n) => match n.as_i64() {
                Some(i) => Expr::Int(i),
                None => return at.fail("numbers in rules must be integers"),
            },
            Document::Array(items) => {
                let mut exprs = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    exprs.push(self.expr(item, &at.index(i))?);
                }
                Expr::Array(exprs.into())
            }
            Document::Object(map) => {
                if let Some(name) = map.get("ref") {
                    let name = string(name, &at.key("ref"))?;
                    Expr::Ref(self.lookup(name, &at.key("ref"))?)
                } else if map.contains_key("fn") {
                    if map.contains_key("assign") {
                        return at.key("assign").fail("only a condition may assign");
                    }
                    Expr::Call(Box::new(self.call(map, at)?))
                } else {
                    let mut fields = Vec::with_capacity(map.len());
                    for (key, value) in map {
                        fields.push((key.as_str().into(), self.expr(value, &at.key(key))?));
                    }
                    Expr::Object(fields.into())
                }
            }
            Document::Null => return at.fail("null is not an expression"),
        })
    }

    fn endpoint(&mut self, doc: &Document, at: &At<'_>) -> Result<EndpointTemplate, EndpointError> {
        let map = object(doc, at)?;
        let url = self.expr(member(map, "url", at)?, &at.key("url"))?;
        let mut headers = Vec::new();
        if let Some(h) = map.get("headers") {
            let h_at = at.key("headers");
            for (name, values) in object(h, &h_at)? {
                let v_at = h_at.key(name);
                let mut exprs = Vec::new();
                for (i, value) in array(values, &v_at)?.iter().enumerate() {
                    exprs.push(self.expr(value, &v_at.index(i))?);
                }
                headers.push((name.as_str().into(), exprs.into()));
            }
        }
        let mut properties = Vec::new();
        if let Some(p) = map.get("properties") {
            let p_at = at.key("properties");
            for (name, value) in object(p, &p_at)? {
                properties.push((name.as_str().into(), self.prop(value, &p_at.key(name))?));
            }
        }
        Ok(EndpointTemplate { url, headers: headers.into(), properties: properties.into() })
    }

    fn prop(&mut self, doc: &Document, at: &At<'_>) -> Result<Prop, EndpointError> {
        at.check_depth()?;
        Ok(match doc {
            Document::Null => Prop::Null,
            Document::Bool(b) => Prop::Bool(*b),
            Document::Number(n) => Prop::Number(*n),
            Document::String(s) => Prop::Str(self.template(s, at)?),
            Document::Array(items) => {
                let mut props = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    props.push(self.prop(item, &at.index(i))?);
                }
                Prop::Array(props.into())
            }
            Document::Object(map) => {
                let mut fields = Vec::with_capacity(map.len());
                for (key, value) in map {
                    fields.push((key.as_str().into(), self.prop(value, &at.key(key))?));
                }
                Prop::Object(fields.into())
            }
        })
    }

    /// Splits a template string into literal text and substitutions. `{{` and `}}` stand for
    /// literal braces; `{name}` substitutes a string variable and `{name#path}` a string found
    /// by `getAttr` on it.
    fn template(&self, text: &str, at: &At<'_>) -> Result<Template, EndpointError> {
        if !text.contains(['{', '}']) {
            return Ok(Template::Static(text.into()));
        }
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            lit.push_str(&rest[..i]);
            let brace = rest.as_bytes()[i];
            let after = &rest[i + 1..];
            if after.as_bytes().first() == Some(&brace) {
                lit.push(brace as char);
                rest = &after[1..];
                continue;
            }
            if brace == b'}' {
                return at.fail(format!("unmatched `}}` in template `{text}`"));
            }
            let Some(end) = after.find('}') else {
                return at.fail(format!("unclosed `{{` in template `{text}`"));
            };
            let inner = &after[..end];
            rest = &after[end + 1..];
            if !lit.is_empty() {
                parts.push(TemplatePart::Lit(std::mem::take(&mut lit).into()));
            }
            parts.push(match inner.split_once('#') {
                Some((name, path)) => TemplatePart::Attr(self.lookup(name, at)?, parse_path(path, at)?),
                None => TemplatePart::Ref(self.lookup(inner, at)?),
            });
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(TemplatePart::Lit(lit.into()));
        }
        Ok(match parts.as_slice() {
            // Only escaped braces: the text is static after all.
            [TemplatePart::Lit(s)] => Template::Static(s.clone()),
            [] => Template::Static("".into()),
            _ => Template::Parts(parts.into()),
        })
    }
}

/// Parses a `getAttr` path such as `resourceId[1]` or `a.b`: dot-separated keys, each
/// optionally followed by `[index]`.
fn parse_path(path: &str, at: &At<'_>) -> Result<Box<[PathSeg]>, EndpointError> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segs.push(PathSeg::Key(key.into()));
        } else if rest.is_empty() {
            return at.fail(format!("empty key in path `{path}`"));
        }
        while !rest.is_empty() {
            let index = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .and_then(|(digits, tail)| Some((digits.parse::<usize>().ok()?, tail)));
            let Some((index, tail)) = index else {
                return at.fail(format!("malformed index in path `{path}`"));
            };
            segs.push(PathSeg::Index(index));
            rest = tail;
        }
    }
    Ok(segs.into())
}

fn default_value(ty: ParameterType, doc: &Document, at: &At<'_>) -> Result<Value, EndpointError> {
    let value = match doc {
        Document::String(s) => Value::String(s.clone()),
        Document::Bool(b) => Value::Bool(*b),
        Document::Array(items) => {
            let mut strings = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                strings.push(string(item, &at.index(i))?.to_owned());
            }
            Value::StringArray(strings)
        }
        _ => return at.fail("a default must be a string, boolean or array of strings"),
    };
    if !ty.admits(&value) {
        return at.fail(format!("a {} default for a {} parameter", value.type_name(), ty.name()));
    }
    Ok(value)
}
