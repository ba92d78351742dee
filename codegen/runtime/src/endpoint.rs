//! Smithy endpoint rules engine, interpreted at run time.
//!
//! A service's `smithy.rules#endpointRuleSet` document is parsed once by
//! [`RuleSet::from_json`] into a typed tree (functions resolved, templates split into
//! parts, references turned into slot indices). [`RuleSet::resolve`] then walks that tree
//! for a set of parameter values and returns the selected [`Endpoint`] or the rule set's
//! own error message ([`ResolveError`]).
//!
//! Supported: parameters of type `string`, `boolean` and `stringArray` with `required`,
//! `default` and `builtIn`; `endpoint`, `error` and `tree` rules; conditions with
//! `assign`; `{"ref": ..}` references; `{"fn": .., "argv": [..]}` functions; template
//! strings (`{Var}`, `{Var#attr.path[0]}`, `{{` / `}}` escapes) in arguments, URLs, error
//! messages, header values and endpoint properties.
//!
//! Functions: `isSet`, `not`, `booleanEquals`, `stringEquals`, `getAttr`, `substring`,
//! `uriEncode`, `parseURL`, `isValidHostLabel`, `coalesce`, `ite`, `split`, and the AWS
//! library's `aws.partition`, `aws.parseArn`, `aws.isVirtualHostableS3Bucket`.
//!
//! Evaluation never panics: a function given values of the wrong type yields "no value",
//! which makes its condition not match.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value as Json};

use super::partitions::{self, PartitionOutputs};

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

/// A parameter value supplied to [`RuleSet::resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A `string` parameter.
    String(String),
    /// A `boolean` parameter.
    Bool(bool),
    /// A `stringArray` parameter.
    StringArray(Vec<String>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<Vec<String>> for Value {
    fn from(v: Vec<String>) -> Self {
        Value::StringArray(v)
    }
}

/// Parameter values by parameter name (as spelled in the rule set, e.g. `Region`).
/// Parameters that are absent take their `default`, if any.
pub type Params = BTreeMap<String, Value>;

/// The declared type of a rule-set parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `stringArray`
    StringArray,
}

/// A parameter declared by the rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The parameter name, e.g. `Region`.
    pub name: String,
    /// The declared type.
    pub param_type: ParamType,
    /// The built-in this parameter is bound to, e.g. `AWS::Region`, `SDK::Endpoint`.
    pub built_in: Option<String>,
    /// Whether a value must be present (possibly via `default`) for resolution.
    pub required: bool,
    /// The value used when the caller supplies none.
    pub default: Option<Value>,
    /// The parameter's documentation, if any.
    pub documentation: Option<String>,
    /// Whether the parameter is marked deprecated.
    pub deprecated: bool,
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The endpoint URL, e.g. `https://cognito-idp.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers to add to the request.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Endpoint properties (e.g. `authSchemes`), as JSON.
    pub properties: Map<String, Json>,
}

/// Endpoint resolution failed. For `error` rules, `message` is the rule's (templated)
/// message exactly; `Display` prints just the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    /// The error message.
    pub message: String,
}

impl ResolveError {
    fn new(message: impl Into<String>) -> Self {
        ResolveError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ResolveError {}

/// A parsed endpoint rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    version: String,
    params: Vec<Parameter>,
    rules: Vec<Rule>,
    /// Parameters occupy slots `0..params.len()`; assigned variables follow.
    slot_count: usize,
}

impl RuleSet {
    /// Parses the rule-set document (the value of the `smithy.rules#endpointRuleSet`
    /// trait) from JSON text.
    pub fn from_json(text: &str) -> Result<RuleSet, String> {
        let value: Json =
            serde_json::from_str(text).map_err(|e| format!("invalid rule set JSON: {e}"))?;
        RuleSet::from_value(&value)
    }

    /// Parses an already-decoded rule-set document.
    pub fn from_value(doc: &Json) -> Result<RuleSet, String> {
        Parser::default().rule_set(doc)
    }

    /// The rule set's `version`, e.g. `1.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The declared parameters, in the order the JSON object yields them (document order
    /// when `serde_json` has its `preserve_order` feature, otherwise sorted by name).
    pub fn parameters(&self) -> &[Parameter] {
        &self.params
    }

    /// Evaluates the rules for `params`.
    ///
    /// Returns the first matching endpoint, or the message of the first matching error
    /// rule. Also fails if a required parameter has no value, or no rule matched.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, ResolveError> {
        // Slots live on the stack for the common small rule sets.
        const INLINE: usize = 8;
        if self.slot_count <= INLINE {
            let mut buf: [Val<'_>; INLINE] = std::array::from_fn(|_| Val::None);
            self.resolve_in(params, buf.get_mut(..self.slot_count).unwrap_or_default())
        } else {
            let mut buf = vec![Val::None; self.slot_count];
            self.resolve_in(params, &mut buf)
        }
    }

    fn resolve_in<'a>(
        &'a self,
        params: &'a Params,
        slots: &mut [Val<'a>],
    ) -> Result<Endpoint, ResolveError> {
        // Supplied values first (unknown names are ignored), then defaults.
        for (name, value) in params {
            if let Some(i) = self.params.iter().position(|p| p.name == *name) {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Val::from_value(value);
                }
            }
        }
        for (p, slot) in self.params.iter().zip(slots.iter_mut()) {
            if slot.is_none() {
                match &p.default {
                    Some(d) => *slot = Val::from_value(d),
                    None if p.required => {
                        return Err(ResolveError::new(format!(
                            "Missing required endpoint parameter `{}`",
                            p.name
                        )))
                    }
                    None => {}
                }
            }
        }
        eval_rules(&self.rules, slots)
    }
}

// ---------------------------------------------------------------------------------------
// Typed rule tree
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Rule {
    conditions: Vec<Condition>,
    /// Slots assigned by `conditions`, cleared again when the rule does not match.
    assigned: Vec<usize>,
    kind: RuleKind,
}

#[derive(Debug, Clone)]
enum RuleKind {
    Endpoint(Box<EndpointTemplate>),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Debug, Clone)]
struct Condition {
    func: Func,
    assign: Option<usize>,
}

#[derive(Debug, Clone)]
struct EndpointTemplate {
    url: Expr,
    headers: Vec<(String, Vec<Expr>)>,
    properties: Vec<(String, Prop)>,
}

/// An endpoint property value: JSON whose strings are templates.
#[derive(Debug, Clone)]
enum Prop {
    Null,
    Bool(bool),
    Number(Number),
    Str(Template),
    Array(Vec<Prop>),
    Object(Vec<(String, Prop)>),
}

#[derive(Debug, Clone)]
enum Expr {
    /// A string without template placeholders.
    Str(String),
    Template(Template),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Ref(usize),
    Fn(Box<Func>),
}

#[derive(Debug, Clone)]
struct Template {
    parts: Vec<Part>,
    /// Total length of the literal parts (capacity hint).
    literal_len: usize,
}

#[derive(Debug, Clone)]
enum Part {
    Lit(String),
    Var {
        slot: usize,
        path: Vec<PathSeg>,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum PathSeg {
    Key(Attr),
    Index(i64),
}

/// An attribute name in a `getAttr` path, resolved at parse time.
#[derive(Debug, Clone, PartialEq)]
enum Attr {
    // Partition
    Name,
    DnsSuffix,
    DualStackDnsSuffix,
    SupportsFips,
    SupportsDualStack,
    ImplicitGlobalRegion,
    // URL
    Scheme,
    Authority,
    Path,
    NormalizedPath,
    IsIp,
    // ARN
    Partition,
    Service,
    Region,
    AccountId,
    ResourceId,
    /// No built-in structure has it: always yields no value.
    Other,
}

impl Attr {
    fn parse(key: &str) -> Attr {
        match key {
            "name" => Attr::Name,
            "dnsSuffix" => Attr::DnsSuffix,
            "dualStackDnsSuffix" => Attr::DualStackDnsSuffix,
            "supportsFIPS" => Attr::SupportsFips,
            "supportsDualStack" => Attr::SupportsDualStack,
            "implicitGlobalRegion" => Attr::ImplicitGlobalRegion,
            "scheme" => Attr::Scheme,
            "authority" => Attr::Authority,
            "path" => Attr::Path,
            "normalizedPath" => Attr::NormalizedPath,
            "isIp" => Attr::IsIp,
            "partition" => Attr::Partition,
            "service" => Attr::Service,
            "region" => Attr::Region,
            "accountId" => Attr::AccountId,
            "resourceId" => Attr::ResourceId,
            _ => Attr::Other,
        }
    }
}

#[derive(Debug, Clone)]
enum Func {
    IsSet(Expr),
    Not(Expr),
    BooleanEquals(Expr, Expr),
    StringEquals(Expr, Expr),
    GetAttr(Expr, Vec<PathSeg>),
    Substring(Expr, Expr, Expr, Expr),
    UriEncode(Expr),
    ParseUrl(Expr),
    IsValidHostLabel(Expr, Expr),
    Coalesce(Vec<Expr>),
    Ite(Expr, Expr, Expr),
    Split(Expr, Expr, Expr),
    AwsPartition(Expr),
    AwsParseArn(Expr),
    AwsIsVirtualHostableS3Bucket(Expr, Expr),
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Parser {
    /// Name -> slot for parameters and assigned variables.
    names: BTreeMap<String, usize>,
    slot_count: usize,
    /// Number of parameter slots (the lowest slots).
    param_slots: usize,
    /// Current nesting of rules / expressions / property values.
    depth: usize,
}

/// Deeper rule sets are rejected, which bounds the recursion of parsing and evaluation.
const MAX_DEPTH: usize = 128;

impl Parser {
    fn rule_set(mut self, doc: &Json) -> Result<RuleSet, String> {
        let obj = doc.as_object().ok_or("rule set must be a JSON object")?;
        let version = match obj.get("version") {
            Some(Json::String(v)) => v.clone(),
            Some(_) => return Err("rule set `version` must be a string".into()),
            None => String::new(),
        };
        let mut params = Vec::new();
        if let Some(ps) = obj.get("parameters") {
            let ps = ps.as_object().ok_or("`parameters` must be an object")?;
            for (name, def) in ps {
                params.push(parameter(name, def)?);
                self.names.insert(name.clone(), self.slot_count);
                self.slot_count += 1;
            }
        }
        self.param_slots = self.slot_count;
        let rules = self.rules(obj.get("rules").ok_or("rule set has no `rules`")?)?;
        Ok(RuleSet {
            version,
            params,
            rules,
            slot_count: self.slot_count,
        })
    }

    fn rules(&mut self, v: &Json) -> Result<Vec<Rule>, String> {
        let list = v.as_array().ok_or("`rules` must be an array")?;
        list.iter().map(|r| self.rule(r)).collect()
    }

    fn rule(&mut self, v: &Json) -> Result<Rule, String> {
        self.nested(|p| p.rule_inner(v))
    }

    fn rule_inner(&mut self, v: &Json) -> Result<Rule, String> {
        let obj = v.as_object().ok_or("a rule must be an object")?;
        let mut conditions = Vec::new();
        let mut assigned = Vec::new();
        if let Some(cs) = obj.get("conditions") {
            for c in cs.as_array().ok_or("`conditions` must be an array")? {
                let cobj = c.as_object().ok_or("a condition must be an object")?;
                let func = self.func(cobj)?;
                let assign = match cobj.get("assign") {
                    None => None,
                    Some(Json::String(name)) => {
                        if self
                            .names
                            .get(name)
                            .is_some_and(|&s| s < self.param_count())
                        {
                            return Err(format!("`assign` shadows parameter `{name}`"));
                        }
                        let slot = self.slot_for_assign(name);
                        assigned.push(slot);
                        Some(slot)
                    }
                    Some(_) => return Err("`assign` must be a string".into()),
                };
                conditions.push(Condition { func, assign });
            }
        }
        let ty = obj
            .get("type")
            .and_then(Json::as_str)
            .ok_or("rule has no `type`")?;
        let kind = match ty {
            "endpoint" => {
                let e = obj
                    .get("endpoint")
                    .ok_or("endpoint rule has no `endpoint`")?;
                RuleKind::Endpoint(Box::new(self.endpoint(e)?))
            }
            "error" => {
                RuleKind::Error(self.expr(obj.get("error").ok_or("error rule has no `error`")?)?)
            }
            "tree" => {
                RuleKind::Tree(self.rules(obj.get("rules").ok_or("tree rule has no `rules`")?)?)
            }
            other => return Err(format!("unknown rule type `{other}`")),
        };
        Ok(Rule {
            conditions,
            assigned,
            kind,
        })
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, String>) -> Result<T, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!(
                "rule set is nested more than {MAX_DEPTH} levels deep"
            ));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn param_count(&self) -> usize {
        self.param_slots
    }

    fn slot_for_assign(&mut self, name: &str) -> usize {
        if let Some(&s) = self.names.get(name) {
            return s;
        }
        let s = self.slot_count;
        self.names.insert(name.to_owned(), s);
        self.slot_count += 1;
        s
    }

    fn endpoint(&mut self, v: &Json) -> Result<EndpointTemplate, String> {
        let obj = v.as_object().ok_or("`endpoint` must be an object")?;
        let url = self.expr(obj.get("url").ok_or("endpoint has no `url`")?)?;
        let mut headers = Vec::new();
        if let Some(h) = obj.get("headers") {
            for (name, values) in h.as_object().ok_or("`headers` must be an object")? {
                let values = values
                    .as_array()
                    .ok_or("header values must be an array")?
                    .iter()
                    .map(|v| self.expr(v))
                    .collect::<Result<Vec<_>, _>>()?;
                headers.push((name.clone(), values));
            }
        }
        let mut properties = Vec::new();
        if let Some(p) = obj.get("properties") {
            for (name, value) in p.as_object().ok_or("`properties` must be an object")? {
                properties.push((name.clone(), self.prop(value)?));
            }
        }
        Ok(EndpointTemplate {
            url,
            headers,
            properties,
        })
    }

    fn prop(&mut self, v: &Json) -> Result<Prop, String> {
        self.nested(|p| p.prop_inner(v))
    }

    fn prop_inner(&mut self, v: &Json) -> Result<Prop, String> {
        Ok(match v {
            Json::Null => Prop::Null,
            Json::Bool(b) => Prop::Bool(*b),
            Json::Number(n) => Prop::Number(n.clone()),
            Json::String(s) => Prop::Str(self.template(s)?),
            Json::Array(a) => {
                Prop::Array(a.iter().map(|x| self.prop(x)).collect::<Result<_, _>>()?)
            }
            Json::Object(o) => Prop::Object(
                o.iter()
                    .map(|(k, x)| Ok((k.clone(), self.prop(x)?)))
                    .collect::<Result<_, String>>()?,
            ),
        })
    }

    fn expr(&mut self, v: &Json) -> Result<Expr, String> {
        self.nested(|p| p.expr_inner(v))
    }

    fn expr_inner(&mut self, v: &Json) -> Result<Expr, String> {
        Ok(match v {
            Json::String(s) => {
                let t = self.template(s)?;
                match t.parts.as_slice() {
                    [] => Expr::Str(String::new()),
                    [Part::Lit(l)] => Expr::Str(l.clone()),
                    _ => Expr::Template(t),
                }
            }
            Json::Bool(b) => Expr::Bool(*b),
            Json::Number(n) => Expr::Int(
                n.as_i64()
                    .ok_or_else(|| format!("`{n}` is not an integer"))?,
            ),
            Json::Array(a) => {
                Expr::Array(a.iter().map(|x| self.expr(x)).collect::<Result<_, _>>()?)
            }
            Json::Object(o) => {
                if let Some(r) = o.get("ref") {
                    let name = r.as_str().ok_or("`ref` must be a string")?;
                    Expr::Ref(self.lookup(name)?)
                } else if o.contains_key("fn") {
                    Expr::Fn(Box::new(self.func(o)?))
                } else {
                    return Err("an object argument must be a `ref` or `fn` object".into());
                }
            }
            Json::Null => return Err("null is not a valid expression".into()),
        })
    }

    fn lookup(&self, name: &str) -> Result<usize, String> {
        self.names
            .get(name)
            .copied()
            .ok_or_else(|| format!("reference to undefined name `{name}`"))
    }

    fn func(&mut self, o: &Map<String, Json>) -> Result<Func, String> {
        let name = o
            .get("fn")
            .and_then(Json::as_str)
            .ok_or("`fn` must be a string")?;
        let argv = o
            .get("argv")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("`{name}` has no `argv` array"))?;
        if name == "getAttr" {
            let [target, path] = argv.as_slice() else {
                return Err(format!("`getAttr` expects 2 arguments, got {}", argv.len()));
            };
            let path = path
                .as_str()
                .ok_or("`getAttr` path must be a string literal")?;
            return Ok(Func::GetAttr(self.expr(target)?, parse_path(path)?));
        }
        let args = argv
            .iter()
            .map(|a| self.expr(a))
            .collect::<Result<Vec<_>, _>>()?;
        let n = args.len();
        if name == "coalesce" {
            if n < 2 {
                return Err(format!("`coalesce` expects at least 2 arguments, got {n}"));
            }
            return Ok(Func::Coalesce(args));
        }
        let arity = |want: usize| -> Result<(), String> {
            if n == want {
                Ok(())
            } else {
                Err(format!("`{name}` expects {want} arguments, got {n}"))
            }
        };
        // Arity is checked before any `next()` call, so the fallback is never used.
        let mut it = args.into_iter();
        let mut next = || it.next().unwrap_or(Expr::Bool(false));
        Ok(match name {
            "isSet" => {
                arity(1)?;
                Func::IsSet(next())
            }
            "not" => {
                arity(1)?;
                Func::Not(next())
            }
            "booleanEquals" => {
                arity(2)?;
                Func::BooleanEquals(next(), next())
            }
            "stringEquals" => {
                arity(2)?;
                Func::StringEquals(next(), next())
            }
            "substring" => {
                arity(4)?;
                Func::Substring(next(), next(), next(), next())
            }
            "uriEncode" => {
                arity(1)?;
                Func::UriEncode(next())
            }
            "parseURL" => {
                arity(1)?;
                Func::ParseUrl(next())
            }
            "isValidHostLabel" => {
                arity(2)?;
                Func::IsValidHostLabel(next(), next())
            }
            "ite" => {
                arity(3)?;
                Func::Ite(next(), next(), next())
            }
            "split" => {
                arity(3)?;
                Func::Split(next(), next(), next())
            }
            "aws.partition" => {
                arity(1)?;
                Func::AwsPartition(next())
            }
            "aws.parseArn" => {
                arity(1)?;
                Func::AwsParseArn(next())
            }
            "aws.isVirtualHostableS3Bucket" => {
                arity(2)?;
                Func::AwsIsVirtualHostableS3Bucket(next(), next())
            }
            other => return Err(format!("unsupported endpoint rules function `{other}`")),
        })
    }

    /// Parses a template string: `{Name}` / `{Name#path}` placeholders, `{{` and `}}`
    /// escapes for literal braces.
    fn template(&mut self, s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut literal_len = 0;
        let mut rest = s;
        while let Some(i) = rest.find(['{', '}']) {
            lit.push_str(&rest[..i]);
            let brace = rest.as_bytes().get(i).copied();
            let after = &rest[i + 1..];
            if brace == Some(b'}') {
                // `}}` is an escaped brace; a lone `}` is kept literally.
                lit.push('}');
                rest = after.strip_prefix('}').unwrap_or(after);
                continue;
            }
            if let Some(after) = after.strip_prefix('{') {
                lit.push('{');
                rest = after;
                continue;
            }
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in template `{s}`"))?;
            let inner = &after[..end];
            rest = &after[end + 1..];
            let (name, path) = match inner.split_once('#') {
                Some((n, p)) => (n, parse_path(p)?),
                None => (inner, Vec::new()),
            };
            if name.is_empty() {
                return Err(format!("empty placeholder in template `{s}`"));
            }
            let slot = self.lookup(name)?;
            if !lit.is_empty() {
                literal_len += lit.len();
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(Part::Var {
                slot,
                path,
                name: inner.to_owned(),
            });
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            literal_len += lit.len();
            parts.push(Part::Lit(lit));
        }
        Ok(Template { parts, literal_len })
    }
}

fn parameter(name: &str, def: &Json) -> Result<Parameter, String> {
    let obj = def
        .as_object()
        .ok_or_else(|| format!("parameter `{name}` must be an object"))?;
    let ty = obj
        .get("type")
        .and_then(Json::as_str)
        .ok_or_else(|| format!("parameter `{name}` has no `type`"))?;
    let param_type = if ty.eq_ignore_ascii_case("string") {
        ParamType::String
    } else if ty.eq_ignore_ascii_case("boolean") {
        ParamType::Boolean
    } else if ty.eq_ignore_ascii_case("stringArray") {
        ParamType::StringArray
    } else {
        return Err(format!("parameter `{name}` has unsupported type `{ty}`"));
    };
    let default = match obj.get("default") {
        None | Some(Json::Null) => None,
        Some(d) => Some(match (param_type, d) {
            (ParamType::String, Json::String(s)) => Value::String(s.clone()),
            (ParamType::Boolean, Json::Bool(b)) => Value::Bool(*b),
            (ParamType::StringArray, Json::Array(a)) => Value::StringArray(
                a.iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("default of `{name}` must be an array of strings"))?,
            ),
            _ => {
                return Err(format!(
                    "default of parameter `{name}` does not match its type"
                ))
            }
        }),
    };
    Ok(Parameter {
        name: name.to_owned(),
        param_type,
        built_in: obj.get("builtIn").and_then(Json::as_str).map(str::to_owned),
        required: obj.get("required").and_then(Json::as_bool).unwrap_or(false),
        default,
        documentation: obj
            .get("documentation")
            .and_then(Json::as_str)
            .map(str::to_owned),
        deprecated: obj.get("deprecated").is_some(),
    })
}

/// Parses a `getAttr` path such as `a.b[2]`, `[0]` or `resourceId[-1]`.
fn parse_path(path: &str) -> Result<Vec<PathSeg>, String> {
    let bad = || format!("invalid attribute path `{path}`");
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut idx) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segs.push(PathSeg::Key(Attr::parse(key)));
        } else if idx.is_empty() {
            return Err(bad());
        }
        while !idx.is_empty() {
            let inner = idx.strip_prefix('[').ok_or_else(bad)?;
            let close = inner.find(']').ok_or_else(bad)?;
            let n: i64 = inner[..close].parse().map_err(|_| bad())?;
            segs.push(PathSeg::Index(n));
            idx = &inner[close + 1..];
        }
    }
    Ok(segs)
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/// A run-time value. Strings borrow from the parameters or the rule set when they can.
#[derive(Debug, Clone, PartialEq)]
enum Val<'a> {
    None,
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    StrList(&'a [String]),
    List(Vec<Val<'a>>),
    Partition(&'static PartitionOutputs),
    Url(Box<Url>),
    Arn(Box<Arn>),
}

impl<'a> Val<'a> {
    fn from_value(v: &'a Value) -> Val<'a> {
        match v {
            Value::String(s) => Val::Str(Cow::Borrowed(s.as_str())),
            Value::Bool(b) => Val::Bool(*b),
            Value::StringArray(a) => Val::StrList(a.as_slice()),
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_none(&self) -> bool {
        matches!(self, Val::None)
    }

    /// Whether a condition producing this value matches.
    fn truthy(&self) -> bool {
        !matches!(self, Val::None | Val::Bool(false))
    }
}

fn slot<'s, 'a>(slots: &'s [Val<'a>], i: usize) -> &'s Val<'a> {
    const NONE: &Val<'static> = &Val::None;
    slots.get(i).unwrap_or(NONE)
}

fn eval_rules<'a>(rules: &'a [Rule], slots: &mut [Val<'a>]) -> Result<Endpoint, ResolveError> {
    'rules: for rule in rules {
        for c in &rule.conditions {
            let matched = match c.assign {
                None => test(&c.func, slots),
                Some(s) => {
                    let v = eval_func(&c.func, slots);
                    let truthy = v.truthy();
                    if truthy {
                        if let Some(x) = slots.get_mut(s) {
                            *x = v;
                        }
                    }
                    truthy
                }
            };
            if !matched {
                for &s in &rule.assigned {
                    if let Some(x) = slots.get_mut(s) {
                        *x = Val::None;
                    }
                }
                continue 'rules;
            }
        }
        return match &rule.kind {
            RuleKind::Endpoint(e) => build_endpoint(e, slots),
            RuleKind::Error(msg) => Err(ResolveError::new(eval_string(msg, slots)?)),
            // Tree rules are terminal: once their conditions match, exhausting their
            // children is an error rather than a fall-through.
            RuleKind::Tree(children) => eval_rules(children, slots),
        };
    }
    Err(ResolveError::new(
        "No endpoint rule matched the given parameters",
    ))
}

fn build_endpoint<'a>(
    e: &'a EndpointTemplate,
    slots: &[Val<'a>],
) -> Result<Endpoint, ResolveError> {
    let url = eval_string(&e.url, slots)?;
    let mut headers = BTreeMap::new();
    for (name, values) in &e.headers {
        let values = values
            .iter()
            .map(|v| eval_string(v, slots))
            .collect::<Result<Vec<_>, _>>()?;
        headers.insert(name.clone(), values);
    }
    let mut properties = Map::new();
    for (name, p) in &e.properties {
        properties.insert(name.clone(), build_prop(p, slots)?);
    }
    Ok(Endpoint {
        url,
        headers,
        properties,
    })
}

fn build_prop(p: &Prop, slots: &[Val<'_>]) -> Result<Json, ResolveError> {
    Ok(match p {
        Prop::Null => Json::Null,
        Prop::Bool(b) => Json::Bool(*b),
        Prop::Number(n) => Json::Number(n.clone()),
        Prop::Str(t) => Json::String(render(t, slots)?),
        Prop::Array(a) => Json::Array(
            a.iter()
                .map(|x| build_prop(x, slots))
                .collect::<Result<_, _>>()?,
        ),
        Prop::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o {
                m.insert(k.clone(), build_prop(v, slots)?);
            }
            Json::Object(m)
        }
    })
}

/// Evaluates an expression that must produce a string (URL, error message, header value).
fn eval_string<'a>(e: &'a Expr, slots: &[Val<'a>]) -> Result<String, ResolveError> {
    match e {
        Expr::Str(s) => Ok(s.clone()),
        Expr::Template(t) => render(t, slots),
        _ => match eval(e, slots) {
            Val::Str(s) => Ok(s.into_owned()),
            other => Err(ResolveError::new(format!(
                "endpoint rules expression produced {} where a string was expected",
                describe(&other)
            ))),
        },
    }
}

fn describe(v: &Val<'_>) -> &'static str {
    match v {
        Val::None => "no value",
        Val::Bool(_) => "a boolean",
        Val::Int(_) => "an integer",
        Val::Str(_) => "a string",
        Val::StrList(_) | Val::List(_) => "an array",
        Val::Partition(_) | Val::Url(_) | Val::Arn(_) => "an object",
    }
}

/// Renders a template into a new string.
fn render(t: &Template, slots: &[Val<'_>]) -> Result<String, ResolveError> {
    let mut out = String::with_capacity(t.literal_len + 32);
    for part in &t.parts {
        match part {
            Part::Lit(l) => out.push_str(l),
            Part::Var {
                slot: s,
                path,
                name,
            } => {
                let root = slot(slots, *s);
                if path.is_empty() {
                    push_scalar(&mut out, root, name)?;
                } else {
                    push_scalar(&mut out, &get_attr(root, path), name)?;
                }
            }
        }
    }
    Ok(out)
}

fn push_scalar(out: &mut String, v: &Val<'_>, name: &str) -> Result<(), ResolveError> {
    match v {
        Val::Str(s) => out.push_str(s),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Int(i) => out.push_str(&i.to_string()),
        other => {
            return Err(ResolveError::new(format!(
                "endpoint template placeholder `{{{name}}}` is {}, not a string",
                describe(other)
            )))
        }
    }
    Ok(())
}

fn eval<'a>(e: &'a Expr, slots: &[Val<'a>]) -> Val<'a> {
    match e {
        Expr::Str(s) => Val::Str(Cow::Borrowed(s.as_str())),
        Expr::Template(t) => {
            // A template that is one placeholder can hand out the value without copying.
            if let [Part::Var { slot: s, path, .. }] = t.parts.as_slice() {
                if path.is_empty() {
                    if let Val::Str(v) = slot(slots, *s) {
                        return Val::Str(v.clone());
                    }
                } else if let v @ Val::Str(_) = get_attr(slot(slots, *s), path) {
                    return v;
                }
            }
            match render(t, slots) {
                Ok(s) => Val::Str(Cow::Owned(s)),
                // An unset or non-scalar placeholder: no value, so the condition fails.
                Err(_) => Val::None,
            }
        }
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Int(i) => Val::Int(*i),
        Expr::Array(items) => Val::List(items.iter().map(|x| eval(x, slots)).collect()),
        Expr::Ref(s) => slot(slots, *s).clone(),
        Expr::Fn(f) => eval_func(f, slots),
    }
}

fn eval_func<'a>(f: &'a Func, slots: &[Val<'a>]) -> Val<'a> {
    match f {
        Func::IsSet(Expr::Ref(s)) => Val::Bool(!slot(slots, *s).is_none()),
        Func::IsSet(e) => Val::Bool(!eval(e, slots).is_none()),
        Func::Not(e) => match eval(e, slots).as_bool() {
            Some(b) => Val::Bool(!b),
            None => Val::None,
        },
        Func::BooleanEquals(a, b) => {
            let (a, b) = (eval_bool(a, slots), eval_bool(b, slots));
            Val::Bool(matches!((a, b), (Some(x), Some(y)) if x == y))
        }
        Func::StringEquals(a, b) => with_str(a, slots, |a| {
            with_str(b, slots, |b| {
                Val::Bool(matches!((a, b), (Some(x), Some(y)) if x == y))
            })
        }),
        Func::GetAttr(Expr::Ref(s), path) => get_attr(slot(slots, *s), path),
        Func::GetAttr(e, path) => get_attr(&eval(e, slots), path),
        Func::Substring(input, start, stop, reverse) => {
            let input = eval(input, slots);
            let (start, stop, reverse) =
                (eval(start, slots), eval(stop, slots), eval(reverse, slots));
            match (input, start, stop, reverse.as_bool()) {
                (Val::Str(s), Val::Int(a), Val::Int(b), Some(r)) => match substring(&s, a, b, r) {
                    Some((from, to)) => Val::Str(match s {
                        Cow::Borrowed(s) => Cow::Borrowed(s.get(from..to).unwrap_or_default()),
                        Cow::Owned(s) => Cow::Owned(s.get(from..to).unwrap_or_default().to_owned()),
                    }),
                    None => Val::None,
                },
                _ => Val::None,
            }
        }
        Func::UriEncode(e) => match eval(e, slots) {
            Val::Str(s) => {
                let encoded = match uri_encode(&s) {
                    Cow::Borrowed(_) => None,
                    Cow::Owned(enc) => Some(enc),
                };
                Val::Str(encoded.map_or(s, Cow::Owned))
            }
            _ => Val::None,
        },
        Func::ParseUrl(e) => match eval(e, slots).as_str().and_then(parse_url) {
            Some(u) => Val::Url(Box::new(u)),
            None => Val::None,
        },
        Func::IsValidHostLabel(v, sub) => {
            let (v, sub) = (eval(v, slots), eval(sub, slots));
            match (v.as_str(), sub.as_bool()) {
                (Some(v), Some(sub)) => Val::Bool(is_valid_host_label(v, sub)),
                _ => Val::None,
            }
        }
        Func::Coalesce(args) => {
            for a in args {
                let v = eval(a, slots);
                if !v.is_none() {
                    return v;
                }
            }
            Val::None
        }
        Func::Ite(c, a, b) => {
            if eval(c, slots).as_bool().unwrap_or(false) {
                eval(a, slots)
            } else {
                eval(b, slots)
            }
        }
        Func::Split(input, delim, limit) => {
            let (input, delim, limit) =
                (eval(input, slots), eval(delim, slots), eval(limit, slots));
            match (input.as_str(), delim.as_str(), limit) {
                (Some(s), Some(d), Val::Int(n)) => match split(s, d, n) {
                    Some(parts) => Val::List(
                        parts
                            .into_iter()
                            .map(|p| Val::Str(Cow::Owned(p.to_owned())))
                            .collect(),
                    ),
                    None => Val::None,
                },
                _ => Val::None,
            }
        }
        Func::AwsPartition(e) => match eval(e, slots).as_str() {
            Some(region) => Val::Partition(&partitions::partition_for_region(region).outputs),
            None => Val::None,
        },
        Func::AwsParseArn(e) => match eval(e, slots).as_str().and_then(parse_arn) {
            Some(a) => Val::Arn(Box::new(a)),
            None => Val::None,
        },
        Func::AwsIsVirtualHostableS3Bucket(v, sub) => {
            let (v, sub) = (eval(v, slots), eval(sub, slots));
            match (v.as_str(), sub.as_bool()) {
                (Some(v), Some(sub)) => Val::Bool(is_virtual_hostable_s3_bucket(v, sub)),
                _ => Val::None,
            }
        }
    }
}

/// Whether a condition without `assign` matches; avoids building values for the common
/// boolean functions.
fn test<'a>(f: &'a Func, slots: &[Val<'a>]) -> bool {
    match f {
        Func::IsSet(Expr::Ref(s)) => !slot(slots, *s).is_none(),
        Func::Not(e) => eval_bool(e, slots) == Some(false),
        Func::BooleanEquals(a, b) => {
            matches!((eval_bool(a, slots), eval_bool(b, slots)), (Some(x), Some(y)) if x == y)
        }
        Func::StringEquals(a, b) => with_str(a, slots, |a| {
            with_str(b, slots, |b| matches!((a, b), (Some(x), Some(y)) if x == y))
        }),
        _ => eval_func(f, slots).truthy(),
    }
}

/// Evaluates a boolean argument without copying referenced values.
fn eval_bool<'a>(e: &'a Expr, slots: &[Val<'a>]) -> Option<bool> {
    match e {
        Expr::Bool(b) => Some(*b),
        Expr::Ref(s) => slot(slots, *s).as_bool(),
        Expr::Fn(f) => match &**f {
            Func::IsSet(_) | Func::Not(_) | Func::BooleanEquals(..) | Func::StringEquals(..) => {
                Some(test(f, slots))
            }
            Func::GetAttr(Expr::Ref(s), path) => attr_bool(slot(slots, *s), path),
            _ => eval_func(f, slots).as_bool(),
        },
        _ => eval(e, slots).as_bool(),
    }
}

/// Calls `f` with a string argument's value, without copying referenced values.
fn with_str<'a, R>(e: &'a Expr, slots: &[Val<'a>], f: impl FnOnce(Option<&str>) -> R) -> R {
    match e {
        Expr::Str(s) => f(Some(s)),
        Expr::Ref(s) => f(slot(slots, *s).as_str()),
        _ => f(eval(e, slots).as_str()),
    }
}

/// `getAttr` of a boolean leaf, without building intermediate values for the common
/// one-step path on a structure.
fn attr_bool(root: &Val<'_>, path: &[PathSeg]) -> Option<bool> {
    match (root, path) {
        (Val::Partition(p), [PathSeg::Key(Attr::SupportsFips)]) => Some(p.supports_fips),
        (Val::Partition(p), [PathSeg::Key(Attr::SupportsDualStack)]) => Some(p.supports_dual_stack),
        (Val::Url(u), [PathSeg::Key(Attr::IsIp)]) => Some(u.is_ip),
        _ => get_attr(root, path).as_bool(),
    }
}

/// `getAttr`: follows `path` through objects (by key) and arrays (by index; negative
/// indexes count from the end). Anything missing yields no value.
fn get_attr<'a>(root: &Val<'a>, path: &[PathSeg]) -> Val<'a> {
    let Some((first, rest)) = path.split_first() else {
        return root.clone();
    };
    let next = match (root, first) {
        (Val::Partition(p), PathSeg::Key(k)) => match k {
            Attr::Name => Val::Str(Cow::Borrowed(p.name)),
            Attr::DnsSuffix => Val::Str(Cow::Borrowed(p.dns_suffix)),
            Attr::DualStackDnsSuffix => Val::Str(Cow::Borrowed(p.dual_stack_dns_suffix)),
            Attr::SupportsFips => Val::Bool(p.supports_fips),
            Attr::SupportsDualStack => Val::Bool(p.supports_dual_stack),
            Attr::ImplicitGlobalRegion => Val::Str(Cow::Borrowed(p.implicit_global_region)),
            _ => Val::None,
        },
        (Val::Url(u), PathSeg::Key(k)) => match k {
            Attr::Scheme => Val::Str(Cow::Owned(u.scheme.clone())),
            Attr::Authority => Val::Str(Cow::Owned(u.authority.clone())),
            Attr::Path => Val::Str(Cow::Owned(u.path.clone())),
            Attr::NormalizedPath => Val::Str(Cow::Owned(u.normalized_path.clone())),
            Attr::IsIp => Val::Bool(u.is_ip),
            _ => Val::None,
        },
        (Val::Arn(a), PathSeg::Key(k)) => match k {
            Attr::Partition => Val::Str(Cow::Owned(a.partition.clone())),
            Attr::Service => Val::Str(Cow::Owned(a.service.clone())),
            Attr::Region => Val::Str(Cow::Owned(a.region.clone())),
            Attr::AccountId => Val::Str(Cow::Owned(a.account_id.clone())),
            Attr::ResourceId => Val::List(
                a.resource_id
                    .iter()
                    .map(|s| Val::Str(Cow::Owned(s.clone())))
                    .collect(),
            ),
            _ => Val::None,
        },
        (Val::StrList(items), PathSeg::Index(i)) => match index(items.len(), *i) {
            Some(i) => match items.get(i) {
                Some(s) => Val::Str(Cow::Borrowed(s.as_str())),
                None => Val::None,
            },
            None => Val::None,
        },
        (Val::List(items), PathSeg::Index(i)) => {
            match index(items.len(), *i).and_then(|i| items.get(i)) {
                Some(v) => v.clone(),
                None => Val::None,
            }
        }
        _ => Val::None,
    };
    if rest.is_empty() {
        next
    } else {
        get_attr(&next, rest)
    }
}

fn index(len: usize, i: i64) -> Option<usize> {
    if i >= 0 {
        usize::try_from(i).ok().filter(|&i| i < len)
    } else {
        let back = usize::try_from(i.checked_neg()?).ok()?;
        len.checked_sub(back)
    }
}

// ---------------------------------------------------------------------------------------
// Library functions
// ---------------------------------------------------------------------------------------

/// `substring(input, start, stop, reverse)`: the byte range of the result in `input`, or
/// `None` when the input is not ASCII, the range is empty or inverted, or the input is too
/// short. With `reverse`, indexes count from the end of the string.
pub fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<(usize, usize)> {
    if !input.is_ascii() {
        return None;
    }
    let start = usize::try_from(start).ok()?;
    let stop = usize::try_from(stop).ok()?;
    let len = input.len();
    if start >= stop || stop > len {
        return None;
    }
    if reverse {
        Some((len - stop, len - start))
    } else {
        Some((start, stop))
    }
}

/// `uriEncode`: RFC 3986 percent-encoding of every byte except the unreserved characters
/// `A-Z a-z 0-9 - _ . ~`, with upper-case hex digits. Borrows when nothing needs encoding.
pub fn uri_encode(input: &str) -> Cow<'_, str> {
    fn unreserved(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
    }
    if input.bytes().all(unreserved) {
        return Cow::Borrowed(input);
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for b in input.bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    Cow::Owned(out)
}

/// The result of `parseURL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`.
    pub scheme: String,
    /// Host and optional port, exactly as written (without any user info).
    pub authority: String,
    /// The path as written (may be empty).
    pub path: String,
    /// The path, starting and ending with `/`.
    pub normalized_path: String,
    /// Whether the host is an IPv4 address or a bracketed IPv6 address.
    pub is_ip: bool,
}

/// `parseURL`: splits an `http`/`https` URL. Returns `None` for other schemes, URLs with a
/// query or fragment, an empty host, a non-numeric port, or characters that are never valid
/// in a URL (whitespace, controls).
pub fn parse_url(input: &str) -> Option<Url> {
    let (scheme, rest) = input.split_once("://")?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else {
        return None;
    };
    if rest
        .bytes()
        .any(|b| b <= b' ' || b == 0x7f || b == b'?' || b == b'#')
    {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // Drop any `user:password@`.
    let authority = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let close = inner.find(']')?;
        let addr = &inner[..close];
        if addr.is_empty()
            || !addr
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        (&authority[..close + 2], &inner[close + 1..])
    } else {
        match authority.find(':') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        }
    };
    if host.is_empty() {
        return None;
    }
    if !port.is_empty() {
        let digits = port.strip_prefix(':')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let is_ip = host.starts_with('[') || is_ipv4(host, true);
    let normalized_path = if path.is_empty() {
        "/".to_owned()
    } else {
        let mut p = String::with_capacity(path.len() + 2);
        if !path.starts_with('/') {
            p.push('/');
        }
        p.push_str(path);
        if !path.ends_with('/') {
            p.push('/');
        }
        p
    };
    Some(Url {
        scheme: scheme.to_owned(),
        authority: authority.to_owned(),
        path: path.to_owned(),
        normalized_path,
        is_ip,
    })
}

/// Four dot-separated decimal parts; with `strict` each must be at most 255 (and at most
/// three digits).
fn is_ipv4(host: &str, strict: bool) -> bool {
    let mut count = 0;
    for part in host.split('.') {
        count += 1;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if strict && (part.len() > 3 || part.parse::<u16>().map_or(true, |n| n > 255)) {
            return false;
        }
    }
    count == 4
}

/// `isValidHostLabel`: an RFC 1123 label (`[A-Za-z0-9][A-Za-z0-9-]{0,62}`); with
/// `allow_sub_domains`, one or more such labels joined by `.`.
pub fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    fn label(l: &str) -> bool {
        let b = l.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    }
    if allow_sub_domains {
        value.split('.').all(label)
    } else {
        label(value)
    }
}

/// `aws.isVirtualHostableS3Bucket`: 3 to 63 characters of lower-case letters, digits and
/// `-` starting and ending with a letter or digit; with `allow_sub_domains` also `.`, but
/// not next to another `.` or a `-`, and not shaped like an IPv4 address.
pub fn is_virtual_hostable_s3_bucket(value: &str, allow_sub_domains: bool) -> bool {
    fn alnum(c: u8) -> bool {
        c.is_ascii_lowercase() || c.is_ascii_digit()
    }
    let b = value.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if b.len() < 3 || b.len() > 63 || !alnum(first) || !alnum(last) {
        return false;
    }
    if !allow_sub_domains {
        return b.iter().all(|&c| alnum(c) || c == b'-');
    }
    let mut prev = first;
    for &c in &b[1..] {
        let ok = match c {
            b'.' => prev != b'.' && prev != b'-',
            b'-' => prev != b'.',
            c => alnum(c),
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    !is_ipv4(value, false)
}

/// The result of `aws.parseArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    /// e.g. `aws`
    pub partition: String,
    /// e.g. `s3`
    pub service: String,
    /// May be empty.
    pub region: String,
    /// May be empty.
    pub account_id: String,
    /// The resource part split on `:` and `/`.
    pub resource_id: Vec<String>,
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource`, where partition,
/// service and resource must be non-empty.
pub fn parse_arn(input: &str) -> Option<Arn> {
    let mut it = input.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    );
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account.to_owned(),
        resource_id: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

/// `split(input, delimiter, limit)`: `limit` 0 splits everywhere, `n > 0` yields at most
/// `n` parts (the last holding the remainder). An empty delimiter or negative limit is no
/// value.
pub fn split<'s>(input: &'s str, delimiter: &str, limit: i64) -> Option<Vec<&'s str>> {
    if delimiter.is_empty() || limit < 0 {
        return None;
    }
    Some(if limit == 0 {
        input.split(delimiter).collect()
    } else {
        input
            .splitn(usize::try_from(limit).ok()?, delimiter)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule_set(doc: Json) -> RuleSet {
        match RuleSet::from_value(&doc) {
            Ok(rs) => rs,
            Err(e) => panic!("rule set did not parse: {e}"),
        }
    }

    fn params(pairs: &[(&str, Value)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn s(v: &str) -> Value {
        Value::String(v.to_owned())
    }

    /// A rule set with one string parameter `Input` whose single rule evaluates `func` with
    /// `assign: out` and returns the error `{template}`; otherwise the error `no match`.
    fn probe(func: Json, template: &str) -> RuleSet {
        let mut cond = func;
        cond["assign"] = json!("out");
        rule_set(json!({
            "version": "1.0",
            "parameters": {"Input": {"type": "String", "required": false}},
            "rules": [
                {"type": "error", "conditions": [cond], "error": template},
                {"type": "error", "conditions": [], "error": "no match"}
            ]
        }))
    }

    fn probe_run(rs: &RuleSet, input: Option<&str>) -> String {
        let p = match input {
            Some(i) => params(&[("Input", s(i))]),
            None => Params::new(),
        };
        match rs.resolve(&p) {
            Ok(e) => format!("endpoint {}", e.url),
            Err(e) => e.message,
        }
    }

    // -- parsing -------------------------------------------------------------------------

    #[test]
    fn parameters_are_reported() {
        let rs = rule_set(json!({
            "version": "1.0",
            "parameters": {
                "Region": {"type": "String", "builtIn": "AWS::Region", "documentation": "r"},
                "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": true, "default": false},
                "Arns": {"type": "stringArray", "required": true, "default": ["a", "b"]}
            },
            "rules": [{"type": "error", "conditions": [], "error": "x"}]
        }));
        assert_eq!(rs.version(), "1.0");
        let ps = rs.parameters();
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert!(names.contains(&"Region") && names.contains(&"UseFIPS") && names.contains(&"Arns"));
        let fips = ps.iter().find(|p| p.name == "UseFIPS").cloned();
        let fips = fips.unwrap_or_else(|| panic!("no UseFIPS"));
        assert_eq!(fips.param_type, ParamType::Boolean);
        assert_eq!(fips.built_in.as_deref(), Some("AWS::UseFIPS"));
        assert!(fips.required);
        assert_eq!(fips.default, Some(Value::Bool(false)));
        let arns = ps
            .iter()
            .find(|p| p.name == "Arns")
            .map(|p| p.default.clone());
        assert_eq!(
            arns,
            Some(Some(Value::StringArray(vec!["a".into(), "b".into()])))
        );
    }

    #[test]
    fn invalid_rule_sets_are_rejected() {
        let bad = [
            json!([]),
            json!({"parameters": {}, "rules": [{"type": "nope", "conditions": []}]}),
            json!({"parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "noSuchFn", "argv": []}], "error": "x"}]}),
            json!({"parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": []}], "error": "x"}]}),
            json!({"parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Nope"}]}], "error": "x"}]}),
            json!({"parameters": {}, "rules": [{"type": "error", "conditions": [], "error": "{Nope}"}]}),
            json!({"parameters": {"A": {"type": "String"}}, "rules": [{"type": "error", "conditions": [], "error": "{A"}]}),
            json!({"parameters": {"A": {"type": "Integer"}}, "rules": []}),
            json!({"parameters": {"A": {"type": "Boolean", "default": "x"}}, "rules": []}),
            json!({"parameters": {"A": {"type": "String"}}, "rules": [{"type": "error", "conditions": [{"fn": "getAttr", "argv": [{"ref": "A"}, "a[x]"]}], "error": "x"}]}),
            json!({"parameters": {"A": {"type": "String"}}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "A"}], "assign": "A"}], "error": "x"}]}),
            json!({"parameters": {}, "rules": [{"type": "endpoint", "conditions": []}]}),
        ];
        for doc in bad {
            assert!(RuleSet::from_value(&doc).is_err(), "accepted {doc}");
        }
        assert!(RuleSet::from_json("{not json").is_err());
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let mut e = json!({"ref": "A"});
        for _ in 0..200 {
            e = json!({"fn": "not", "argv": [e]});
        }
        let doc = json!({"parameters": {"A": {"type": "Boolean"}}, "rules": [{"type": "error", "conditions": [e], "error": "x"}]});
        assert!(RuleSet::from_value(&doc).is_err());
    }

    #[test]
    fn from_json_text() {
        let rs = RuleSet::from_json(
            r#"{"version":"1.0","parameters":{},"rules":[{"type":"endpoint","conditions":[],"endpoint":{"url":"https://x.example.com"}}]}"#,
        );
        let url = rs
            .and_then(|rs| rs.resolve(&Params::new()).map_err(|e| e.message))
            .map(|e| e.url);
        assert_eq!(url.as_deref(), Ok("https://x.example.com"));
    }

    #[test]
    fn paths() {
        use PathSeg::{Index, Key};
        assert_eq!(parse_path("name"), Ok(vec![Key(Attr::Name)]));
        assert_eq!(
            parse_path("resourceId[2]"),
            Ok(vec![Key(Attr::ResourceId), Index(2)])
        );
        assert_eq!(parse_path("[0]"), Ok(vec![Index(0)]));
        assert_eq!(parse_path("[-1]"), Ok(vec![Index(-1)]));
        assert_eq!(
            parse_path("a.b[1][2]"),
            Ok(vec![Key(Attr::Other), Key(Attr::Other), Index(1), Index(2)])
        );
        for bad in ["", "a.", ".a", "a[", "a[]", "a[1", "a[x]", "a[1]b", "a..b"] {
            assert!(parse_path(bad).is_err(), "accepted {bad:?}");
        }
    }

    // -- templates -----------------------------------------------------------------------

    #[test]
    fn templates() {
        let rs = probe(
            json!({"fn": "isSet", "argv": [{"ref": "Input"}]}),
            "a{{b}}c}{Input}{{Input}}-{out}",
        );
        assert_eq!(probe_run(&rs, Some("X")), "a{b}c}X{Input}-true");
        // A template argument with an unset placeholder has no value: the condition fails.
        let rs = probe(
            json!({"fn": "stringEquals", "argv": ["{Input}", "{Input}"]}),
            "eq",
        );
        assert_eq!(probe_run(&rs, Some("X")), "eq");
        assert_eq!(probe_run(&rs, None), "no match");
    }

    #[test]
    fn template_in_url_with_unset_value_is_an_error() {
        let rs = rule_set(json!({
            "parameters": {"A": {"type": "String"}},
            "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{A}.example.com"}}]
        }));
        let e = rs.resolve(&Params::new());
        assert!(e.is_err());
    }

    // -- rules ---------------------------------------------------------------------------

    fn aws_like() -> RuleSet {
        rule_set(json!({
            "version": "1.0",
            "parameters": {
                "Region": {"builtIn": "AWS::Region", "required": false, "type": "String"},
                "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": true, "default": false, "type": "Boolean"},
                "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "type": "String"},
                "Bucket": {"required": false, "type": "String"}
            },
            "rules": [
                {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}], "type": "tree", "rules": [
                    {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                     "error": "Invalid Configuration: FIPS and custom endpoint are not supported", "type": "error"},
                    {"conditions": [{"fn": "parseURL", "argv": [{"ref": "Endpoint"}], "assign": "url"}],
                     "endpoint": {"url": "{url#scheme}://{url#authority}{url#normalizedPath}x", "headers": {}}, "type": "endpoint"}
                ]},
                {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}], "type": "tree", "rules": [
                    {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "PartitionResult"}], "type": "tree", "rules": [
                        {"conditions": [
                            {"fn": "isSet", "argv": [{"ref": "Bucket"}]},
                            {"fn": "substring", "argv": [{"ref": "Bucket"}, 0, 3, false], "assign": "prefix"},
                            {"fn": "stringEquals", "argv": [{"ref": "prefix"}, "abc"]}
                         ],
                         "endpoint": {
                            "url": "https://{Bucket}.svc.{Region}.{PartitionResult#dnsSuffix}",
                            "headers": {"x-prefix": ["{prefix}", "static"]},
                            "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}", "disableDoubleEncoding": true, "n": 1}],
                                           "meta": {"partition": "{PartitionResult#name}", "nested": [["{Region}"]], "none": null}}
                         }, "type": "endpoint"},
                        {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}], "type": "tree", "rules": [
                            {"conditions": [{"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "PartitionResult"}, "supportsFIPS"]}]}],
                             "endpoint": {"url": "https://svc-fips.{Region}.{PartitionResult#dnsSuffix}"}, "type": "endpoint"}
                        ]},
                        {"conditions": [], "endpoint": {"url": "https://svc.{Region}.{PartitionResult#dnsSuffix}"}, "type": "endpoint"}
                    ]}
                ]},
                {"conditions": [], "error": "Invalid Configuration: Missing Region", "type": "error"}
            ]
        }))
    }

    #[test]
    fn endpoint_error_and_tree_rules() {
        let rs = aws_like();
        let url = |p: &Params| rs.resolve(p).map(|e| e.url).map_err(|e| e.to_string());
        assert_eq!(
            url(&params(&[("Region", s("us-east-1"))])).as_deref(),
            Ok("https://svc.us-east-1.amazonaws.com")
        );
        assert_eq!(
            url(&params(&[("Region", s("cn-north-1"))])).as_deref(),
            Ok("https://svc.cn-north-1.amazonaws.com.cn")
        );
        assert_eq!(
            url(&params(&[
                ("Region", s("us-gov-west-1")),
                ("UseFIPS", Value::Bool(true))
            ]))
            .as_deref(),
            Ok("https://svc-fips.us-gov-west-1.amazonaws.com")
        );
        assert_eq!(
            url(&Params::new()),
            Err("Invalid Configuration: Missing Region".to_owned())
        );
        assert_eq!(
            url(&params(&[
                ("Endpoint", s("https://h:8443/p")),
                ("UseFIPS", Value::Bool(true))
            ])),
            Err("Invalid Configuration: FIPS and custom endpoint are not supported".to_owned())
        );
        assert_eq!(
            url(&params(&[("Endpoint", s("https://h:8443/p"))])).as_deref(),
            Ok("https://h:8443/p/x")
        );
        // Tree rules are terminal: an unparsable Endpoint does not fall through to Region.
        let e = url(&params(&[
            ("Endpoint", s("not a url")),
            ("Region", s("us-east-1")),
        ]));
        assert!(e.is_err());
        // Unknown parameter names are ignored.
        assert_eq!(
            url(&params(&[
                ("Region", s("eu-west-1")),
                ("Other", Value::Bool(true))
            ]))
            .as_deref(),
            Ok("https://svc.eu-west-1.amazonaws.com")
        );
    }

    #[test]
    fn headers_properties_and_assign() {
        let rs = aws_like();
        let ep = rs.resolve(&params(&[
            ("Region", s("us-west-2")),
            ("Bucket", s("abcdef")),
        ]));
        let ep = ep.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ep.url, "https://abcdef.svc.us-west-2.amazonaws.com");
        assert_eq!(
            ep.headers.get("x-prefix"),
            Some(&vec!["abc".to_owned(), "static".to_owned()])
        );
        assert_eq!(
            Json::Object(ep.properties),
            json!({"authSchemes": [{"name": "sigv4", "signingRegion": "us-west-2", "disableDoubleEncoding": true, "n": 1}],
                   "meta": {"partition": "aws", "nested": [["us-west-2"]], "none": null}})
        );
        // `prefix` is assigned, then the third condition fails: the next rule matches.
        let ep = rs.resolve(&params(&[
            ("Region", s("us-west-2")),
            ("Bucket", s("xyzdef")),
        ]));
        assert_eq!(
            ep.map(|e| e.url).ok().as_deref(),
            Some("https://svc.us-west-2.amazonaws.com")
        );
        // substring gives no value for a too-short input: the rule does not match.
        let ep = rs.resolve(&params(&[("Region", s("us-west-2")), ("Bucket", s("ab"))]));
        assert_eq!(
            ep.map(|e| e.url).ok().as_deref(),
            Some("https://svc.us-west-2.amazonaws.com")
        );
    }

    #[test]
    fn required_and_defaults() {
        let rs = rule_set(json!({
            "parameters": {
                "Need": {"type": "String", "required": true},
                "Flag": {"type": "Boolean", "required": true, "default": true}
            },
            "rules": [
                {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}], "type": "error", "error": "flag {Need}"},
                {"conditions": [], "type": "error", "error": "no flag {Need}"}
            ]
        }));
        assert!(rs.resolve(&Params::new()).is_err());
        let msg = |p: &Params| rs.resolve(p).err().map(|e| e.message);
        assert_eq!(msg(&params(&[("Need", s("n"))])).as_deref(), Some("flag n"));
        assert_eq!(
            msg(&params(&[("Need", s("n")), ("Flag", Value::Bool(false))])).as_deref(),
            Some("no flag n")
        );
    }

    #[test]
    fn exhausted_rules_are_an_error() {
        let rs = rule_set(json!({
            "parameters": {"A": {"type": "String"}},
            "rules": [{"conditions": [{"fn": "isSet", "argv": [{"ref": "A"}]}], "type": "error", "error": "a"}]
        }));
        assert!(rs.resolve(&Params::new()).is_err());
    }

    #[test]
    fn string_array_parameters() {
        let rs = rule_set(json!({
            "parameters": {"Arns": {"type": "stringArray", "required": true, "default": ["d0", "d1"]}},
            "rules": [
                {"conditions": [{"fn": "getAttr", "argv": [{"ref": "Arns"}, "[1]"], "assign": "second"}],
                 "type": "error", "error": "second={second} last={Arns#[-1]}"},
                {"conditions": [], "type": "error", "error": "short"}
            ]
        }));
        let msg = |p: &Params| rs.resolve(p).err().map(|e| e.message);
        assert_eq!(msg(&Params::new()).as_deref(), Some("second=d1 last=d1"));
        let three = Value::StringArray(vec!["a".into(), "b".into(), "c".into()]);
        assert_eq!(
            msg(&params(&[("Arns", three)])).as_deref(),
            Some("second=b last=c")
        );
        let one = Value::StringArray(vec!["a".into()]);
        assert_eq!(msg(&params(&[("Arns", one)])).as_deref(), Some("short"));
    }

    // -- standard library ------------------------------------------------------------------

    #[test]
    fn is_set_and_not() {
        let rs = probe(
            json!({"fn": "not", "argv": [{"fn": "isSet", "argv": [{"ref": "Input"}]}]}),
            "unset",
        );
        assert_eq!(probe_run(&rs, None), "unset");
        assert_eq!(probe_run(&rs, Some("")), "no match");
    }

    #[test]
    fn equality_functions() {
        let rs = probe(
            json!({"fn": "stringEquals", "argv": [{"ref": "Input"}, "abc"]}),
            "eq",
        );
        assert_eq!(probe_run(&rs, Some("abc")), "eq");
        assert_eq!(probe_run(&rs, Some("abd")), "no match");
        assert_eq!(probe_run(&rs, None), "no match");
        let rs = probe(
            json!({"fn": "booleanEquals", "argv": [{"fn": "isSet", "argv": [{"ref": "Input"}]}, false]}),
            "eq",
        );
        assert_eq!(probe_run(&rs, None), "eq");
        assert_eq!(probe_run(&rs, Some("x")), "no match");
        // Wrong types never match (and never panic).
        let rs = probe(
            json!({"fn": "booleanEquals", "argv": [{"ref": "Input"}, true]}),
            "eq",
        );
        assert_eq!(probe_run(&rs, Some("true")), "no match");
    }

    #[test]
    fn substring_cases() {
        let f = |i: &str, a, b, r| substring(i, a, b, r).map(|(x, y)| i[x..y].to_owned());
        assert_eq!(f("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(f("abcd", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(f("abc", 0, 4, false), None);
        assert_eq!(f("", 0, 4, false), None);
        assert_eq!(f("\u{fdfd}", 0, 4, false), None);
        assert_eq!(f("abcdef\u{1F431}", 0, 4, false), None);
        assert_eq!(f("abcdef\u{80}", 0, 4, false), None);
        assert_eq!(f("\u{7f}abcdef", 0, 4, false).as_deref(), Some("\u{7f}abc"));
        assert_eq!(f("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(f("defg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(f("abc", 0, 4, true), None);
        assert_eq!(f("defg", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(f("def", 1, 3, false).as_deref(), Some("ef"));
        assert_eq!(f("ab", 1, 3, false), None);
        assert_eq!(f("abcdef", 1, 3, true).as_deref(), Some("de"));
        assert_eq!(f("abc", 2, 2, false), None);
        assert_eq!(f("abc", 2, 1, false), None);
        assert_eq!(f("abc", -1, 2, false), None);
        assert_eq!(f("abc", 0, i64::MAX, false), None);
        // Through the engine, including an owned (templated) input.
        let rs = probe(
            json!({"fn": "substring", "argv": ["{Input}!", 0, 4, true]}),
            "[{out}]",
        );
        assert_eq!(probe_run(&rs, Some("abcdefg")), "[efg!]");
        assert_eq!(probe_run(&rs, Some("ab")), "no match");
    }

    #[test]
    fn uri_encode_cases() {
        assert!(matches!(uri_encode("abcdefg"), Cow::Borrowed("abcdefg")));
        assert_eq!(uri_encode("abc:defg"), "abc%3Adefg");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(
            uri_encode("0123456789.underscore_dash-Tilda~"),
            "0123456789.underscore_dash-Tilda~"
        );
        assert_eq!(uri_encode("\u{1F639}"), "%F0%9F%98%B9");
        assert_eq!(uri_encode(""), "");
        let rs = probe(
            json!({"fn": "uriEncode", "argv": [{"ref": "Input"}]}),
            "{out}",
        );
        assert_eq!(probe_run(&rs, Some("a b")), "a%20b");
        assert_eq!(probe_run(&rs, Some("ab")), "ab");
    }

    fn url(input: &str) -> Option<(String, String, String, String, bool)> {
        parse_url(input).map(|u| (u.scheme, u.authority, u.path, u.normalized_path, u.is_ip))
    }

    fn parts(
        s: &str,
        a: &str,
        p: &str,
        n: &str,
        ip: bool,
    ) -> Option<(String, String, String, String, bool)> {
        Some((s.into(), a.into(), p.into(), n.into(), ip))
    }

    #[test]
    fn parse_url_cases() {
        assert_eq!(
            url("https://example.com"),
            parts("https", "example.com", "", "/", false)
        );
        assert_eq!(url("https://example.com:8443?foo=bar&faz=baz"), None);
        assert_eq!(
            url("http://example.com:80/foo/bar"),
            parts("http", "example.com:80", "/foo/bar", "/foo/bar/", false)
        );
        assert_eq!(
            url("https://127.0.0.1"),
            parts("https", "127.0.0.1", "", "/", true)
        );
        assert_eq!(
            url("https://[fe80::1]"),
            parts("https", "[fe80::1]", "", "/", true)
        );
        assert_eq!(
            url("https://authority.com/"),
            parts("https", "authority.com", "/", "/", false)
        );
        assert_eq!(
            url("http://192.168.1.1:1234/foo/"),
            parts("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
        );
        assert_eq!(
            url("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
            parts(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true
            )
        );
        assert_eq!(
            url("https://999.999.abc.blah"),
            parts("https", "999.999.abc.blah", "", "/", false)
        );
        assert_eq!(
            url("https://256.1.1.1"),
            parts("https", "256.1.1.1", "", "/", false)
        );
        assert_eq!(
            url("http://99_ab-.com"),
            parts("http", "99_ab-.com", "", "/", false)
        );
        assert_eq!(
            url("HTTPS://Example.com/A"),
            parts("https", "Example.com", "/A", "/A/", false)
        );
        assert_eq!(
            url("https://user:pw@host.com/x"),
            parts("https", "host.com", "/x", "/x/", false)
        );
        for bad in [
            "acbd://example.com",
            "http://abc.com:a/foo",
            "https://example.com/path?query1=foo",
            "https://example.com#frag",
            "https://",
            "https://:80",
            "https://a b.com",
            "https://[zz::1]",
            "https://[::1",
            "https://host:",
            "example.com",
            "",
        ] {
            assert_eq!(url(bad), None, "{bad}");
        }
        let rs = probe(
            json!({"fn": "parseURL", "argv": [{"ref": "Input"}]}),
            "{out#scheme}|{out#authority}|{out#path}|{out#normalizedPath}|{out#isIp}",
        );
        assert_eq!(
            probe_run(&rs, Some("https://h.com:1/a")),
            "https|h.com:1|/a|/a/|false"
        );
        assert_eq!(probe_run(&rs, Some("ftp://h.com")), "no match");
    }

    #[test]
    fn host_labels() {
        for (v, sub, want) in [
            ("us-east-1", false, true),
            ("3aws4", false, true),
            ("part1.part2", false, false),
            ("part1.part2", true, true),
            ("part1 part2", true, false),
            ("", false, false),
            ("", true, false),
            ("part1.", true, false),
            ("part1..part2", true, false),
            ("part1.-part2", true, false),
            ("-abc", false, false),
            ("abc-", false, true),
            ("a_b", false, false),
            ("ünïcode", false, false),
            (&"a".repeat(63), false, true),
            (&"a".repeat(64), false, false),
        ] {
            assert_eq!(is_valid_host_label(v, sub), want, "{v:?} {sub}");
        }
    }

    #[test]
    fn virtual_hostable_buckets() {
        for (v, sub, want) in [
            ("ab", false, false),
            ("abc", false, true),
            (&"a".repeat(63), false, true),
            (&"a".repeat(64), false, false),
            ("-abc", false, false),
            (".abc", true, false),
            ("abc-", false, false),
            ("abc.", true, false),
            ("a-b-c", false, true),
            ("a.b-c", false, false),
            ("abc", true, true),
            ("a-b-c", true, true),
            ("a.b-c", true, true),
            ("a..b", true, false),
            ("a-.b", true, false),
            ("a.-b", true, false),
            ("192.168.1.1", true, false),
            ("999.999.999.999", true, false),
            ("192.168.1.word", true, true),
            ("a-b.c-d", true, true),
            ("a0b1c2", true, true),
            ("123", true, true),
            ("abc123", true, true),
            ("123abc", true, true),
            ("a0.b1.c2", true, true),
            ("abc_def", true, false),
            ("abcDef", true, false),
            ("abc#def", true, false),
            ("", true, false),
        ] {
            assert_eq!(is_virtual_hostable_s3_bucket(v, sub), want, "{v:?} {sub}");
        }
    }

    #[test]
    fn arns() {
        let a = parse_arn("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name");
        assert_eq!(
            a,
            Some(Arn {
                partition: "aws".into(),
                service: "sns".into(),
                region: "us-west-2".into(),
                account_id: "012345678910".into(),
                resource_id: vec!["example-sns-topic-name".into()],
            })
        );
        assert_eq!(parse_arn("11111111-2222-3333-4444-555555555555"), None);
        let ids = |s: &str| parse_arn(s).map(|a| a.resource_id);
        assert_eq!(
            ids("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE"),
            Some(vec!["vpc".into(), "vpc-0e9801d129EXAMPLE".into()])
        );
        let iam = parse_arn("arn:aws:iam::012345678910:user/johndoe");
        assert_eq!(iam.as_ref().map(|a| a.region.as_str()), Some(""));
        assert_eq!(
            iam.map(|a| a.resource_id),
            Some(vec!["user".into(), "johndoe".into()])
        );
        let s3 = parse_arn("arn:aws:s3:::bucket_name");
        assert_eq!(
            s3.as_ref()
                .map(|a| (a.region.as_str(), a.account_id.as_str())),
            Some(("", ""))
        );
        assert_eq!(
            ids("arn:aws:s3:::bucket_name"),
            Some(vec!["bucket_name".into()])
        );
        assert_eq!(
            ids("arn:aws:s3:us-west-2:123:accesspoint:my:ap/x"),
            Some(vec![
                "accesspoint".into(),
                "my".into(),
                "ap".into(),
                "x".into()
            ])
        );
        for bad in [
            "arn:aws:s3:::",
            "arn::s3:::b",
            "arn:aws::::b",
            "arn:aws:s3:us-east-1:1",
            "aws:arn:s3:::b",
            "ARN:aws:s3:::b",
            "",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
        let rs = probe(
            json!({"fn": "aws.parseArn", "argv": [{"ref": "Input"}]}),
            "{out#partition}|{out#service}|{out#region}|{out#accountId}|{out#resourceId[0]}|{out#resourceId[-1]}",
        );
        assert_eq!(
            probe_run(&rs, Some("arn:aws:s3:us-west-2:123:accesspoint/ap")),
            "aws|s3|us-west-2|123|accesspoint|ap"
        );
        assert_eq!(probe_run(&rs, Some("not-an-arn")), "no match");
        // An index past the end has no value, so a template using it cannot render.
        let rs = probe(
            json!({"fn": "getAttr", "argv": [{"fn": "aws.parseArn", "argv": [{"ref": "Input"}]}, "resourceId[2]"]}),
            "{out}",
        );
        assert_eq!(probe_run(&rs, Some("arn:aws:s3:::a/b/c")), "c");
        assert_eq!(probe_run(&rs, Some("arn:aws:s3:::a/b")), "no match");
    }

    #[test]
    fn partition_function() {
        let rs = probe(
            json!({"fn": "aws.partition", "argv": [{"ref": "Input"}]}),
            "{out#name}|{out#dnsSuffix}|{out#dualStackDnsSuffix}|{out#supportsFIPS}|{out#supportsDualStack}|{out#implicitGlobalRegion}",
        );
        assert_eq!(
            probe_run(&rs, Some("us-east-2")),
            "aws|amazonaws.com|api.aws|true|true|us-east-1"
        );
        assert_eq!(
            probe_run(&rs, Some("mars-global")),
            "aws|amazonaws.com|api.aws|true|true|us-east-1"
        );
        assert_eq!(
            probe_run(&rs, Some("us-east-10")),
            "aws|amazonaws.com|api.aws|true|true|us-east-1"
        );
        assert_eq!(
            probe_run(&rs, Some("cn-north-5")),
            "aws-cn|amazonaws.com.cn|api.amazonwebservices.com.cn|true|true|cn-northwest-1"
        );
        assert_eq!(
            probe_run(&rs, Some("aws-cn-global")),
            "aws-cn|amazonaws.com.cn|api.amazonwebservices.com.cn|true|true|cn-northwest-1"
        );
        assert_eq!(
            probe_run(&rs, Some("us-gov-east-1")),
            "aws-us-gov|amazonaws.com|api.aws|true|true|us-gov-west-1"
        );
        assert_eq!(
            probe_run(&rs, Some("us-iso-east-1")),
            "aws-iso|c2s.ic.gov|c2s.ic.gov|true|false|us-iso-east-1"
        );
        assert_eq!(
            probe_run(&rs, Some("us-isob-east-1")),
            "aws-iso-b|sc2s.sgov.gov|sc2s.sgov.gov|true|false|us-isob-east-1"
        );
        assert_eq!(
            probe_run(&rs, Some("eu-isoe-west-1")),
            "aws-iso-e|cloud.adc-e.uk|cloud.adc-e.uk|true|false|eu-isoe-west-1"
        );
        assert_eq!(
            probe_run(&rs, Some("us-isof-south-1")),
            "aws-iso-f|csp.hci.ic.gov|csp.hci.ic.gov|true|false|us-isof-south-1"
        );
        assert_eq!(
            probe_run(&rs, Some("eusc-de-east-1")),
            "aws-eusc|amazonaws.eu|amazonaws.eu|true|false|eusc-de-east-1"
        );
        // getAttr of an unknown attribute has no value.
        let rs = probe(
            json!({"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": [{"ref": "Input"}]}, "nope"]}),
            "x",
        );
        assert_eq!(probe_run(&rs, Some("us-east-1")), "no match");
    }

    #[test]
    fn coalesce_ite_split() {
        let rs = probe(
            json!({"fn": "coalesce", "argv": [{"ref": "Input"}, "dflt"]}),
            "{out}",
        );
        assert_eq!(probe_run(&rs, Some("given")), "given");
        assert_eq!(probe_run(&rs, None), "dflt");
        let rs = probe(
            json!({"fn": "ite", "argv": [{"fn": "isSet", "argv": [{"ref": "Input"}]}, "-set", "-unset"]}),
            "{out}",
        );
        assert_eq!(probe_run(&rs, Some("x")), "-set");
        assert_eq!(probe_run(&rs, None), "-unset");
        let rs = probe(
            json!({"fn": "split", "argv": [{"ref": "Input"}, "--", 0]}),
            "{out#[0]}/{out#[-1]}",
        );
        assert_eq!(
            probe_run(&rs, Some("my--s3--bucket--abcd-ab1--x-s3")),
            "my/x-s3"
        );
        assert_eq!(split("a--b--c", "--", 0), Some(vec!["a", "b", "c"]));
        assert_eq!(split("", "--", 0), Some(vec![""]));
        assert_eq!(split("--leading", "--", 0), Some(vec!["", "leading"]));
        assert_eq!(split("trailing--", "--", 0), Some(vec!["trailing", ""]));
        assert_eq!(split("a--b--c", "--", 1), Some(vec!["a--b--c"]));
        assert_eq!(split("a--b--c", "--", 2), Some(vec!["a", "b--c"]));
        assert_eq!(split("a", "", 0), None);
        assert_eq!(split("a", "-", -1), None);
    }

    /// Odd inputs never panic (a cheap deterministic fuzz over the string functions).
    #[test]
    fn no_panics_on_odd_inputs() {
        let alphabet: Vec<char> = "aZ09-_.:/[]@?#% \u{e9}\u{1F431}".chars().collect();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..4000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 12) as usize;
            let s: String = (0..len)
                .map(|i| alphabet[((seed >> (i * 5)) as usize) % alphabet.len()])
                .collect();
            let _ = parse_url(&s);
            let _ = parse_url(&format!("https://{s}"));
            let _ = parse_arn(&s);
            let _ = parse_arn(&format!("arn:{s}"));
            let _ = is_valid_host_label(&s, seed & 1 == 0);
            let _ = is_virtual_hostable_s3_bucket(&s, seed & 1 == 0);
            let _ = substring(&s, (seed % 5) as i64 - 1, (seed % 7) as i64, (seed % 3) < 1);
            let _ = uri_encode(&s);
            let _ = split(&s, ".", (seed % 4) as i64);
            let _ = partitions::partition_for_region(&s);
            let _ = parse_path(&s);
        }
    }
}
