//! The JMESPath subset Smithy waiters use, over `serde_json::Value`: field access (`a.b`),
//! `[n]` indexes, `[]` flattening, `[*]` list and `.*` object projections, `[?expr]` filter
//! projections, multi-select lists (`[a, b]`), `length()` and `contains()`, comparisons
//! (`== != < <= > >=`), `&&`, `||`, `!`, parentheses, `@`, and literals in backticks
//! (JSON) or single quotes (raw strings). Anything else is a parse error, which the code
//! generator reports at generation time (it parses every waiter path with this module).
//!
//! Depends on `serde_json` only, so the generator compiles this same file.

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `@`: the current value.
    Current,
    /// A field of an object.
    Field(String),
    /// `lhs.rhs` (or `lhs[n]`, `lhs[..]` chained): `rhs` evaluated on `lhs`'s result.
    Sub(Box<Expr>, Box<Expr>),
    /// `[n]` (negative from the end).
    Index(i64),
    /// A literal value.
    Literal(Value),
    /// `lhs[]`: one level of nested lists flattened.
    Flatten(Box<Expr>),
    /// `lhs[*]` (list) or `lhs.*` (object values), then `rhs` on each element; nulls dropped.
    Project { lhs: Box<Expr>, rhs: Box<Expr>, values: bool },
    /// `lhs[?cond]` then `rhs` on each element matching `cond`.
    Filter { lhs: Box<Expr>, cond: Box<Expr>, rhs: Box<Expr> },
    /// `[a, b]`: a list of each expression's result.
    MultiList(Vec<Expr>),
    Compare(Cmp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `length(x)` or `contains(subject, search)`.
    Call(Func, Vec<Expr>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A supported function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Length,
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Literal(Value),
    Num(i64),
    Dot,
    Star,
    At,
    LBracket,
    /// `[]`
    Flatten,
    /// `[?`
    Filter,
    RBracket,
    LParen,
    RParen,
    Comma,
    Cmp(Cmp),
    And,
    Or,
    Not,
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '.' => (out.push(Tok::Dot), i += 1).1,
            '*' => (out.push(Tok::Star), i += 1).1,
            '@' => (out.push(Tok::At), i += 1).1,
            ']' => (out.push(Tok::RBracket), i += 1).1,
            '(' => (out.push(Tok::LParen), i += 1).1,
            ')' => (out.push(Tok::RParen), i += 1).1,
            ',' => (out.push(Tok::Comma), i += 1).1,
            '[' if next == Some(']') => (out.push(Tok::Flatten), i += 2).1,
            '[' if next == Some('?') => (out.push(Tok::Filter), i += 2).1,
            '[' => (out.push(Tok::LBracket), i += 1).1,
            '=' if next == Some('=') => (out.push(Tok::Cmp(Cmp::Eq)), i += 2).1,
            '!' if next == Some('=') => (out.push(Tok::Cmp(Cmp::Ne)), i += 2).1,
            '!' => (out.push(Tok::Not), i += 1).1,
            '<' if next == Some('=') => (out.push(Tok::Cmp(Cmp::Le)), i += 2).1,
            '<' => (out.push(Tok::Cmp(Cmp::Lt)), i += 1).1,
            '>' if next == Some('=') => (out.push(Tok::Cmp(Cmp::Ge)), i += 2).1,
            '>' => (out.push(Tok::Cmp(Cmp::Gt)), i += 1).1,
            '&' if next == Some('&') => (out.push(Tok::And), i += 2).1,
            '|' if next == Some('|') => (out.push(Tok::Or), i += 2).1,
            '`' | '\'' => {
                let mut j = i + 1;
                let mut s = String::new();
                while j < chars.len() && chars[j] != c {
                    if chars[j] == '\\' && chars.get(j + 1) == Some(&c) {
                        j += 1;
                    }
                    s.push(chars[j]);
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(format!("unclosed {c} literal"));
                }
                let v = if c == '\'' {
                    Value::String(s)
                } else {
                    serde_json::from_str(s.trim()).map_err(|e| format!("bad JSON literal `{s}`: {e}"))?
                };
                out.push(Tok::Literal(v));
                i = j + 1;
            }
            '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != '"' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                if j >= chars.len() {
                    return Err("unclosed quoted identifier".into());
                }
                let raw: String = chars[i..=j].iter().collect();
                let name: String = serde_json::from_str(&raw).map_err(|e| format!("bad quoted identifier {raw}: {e}"))?;
                out.push(Tok::Ident(name));
                i = j + 1;
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                out.push(Tok::Num(s.parse().map_err(|_| format!("bad number `{s}`"))?));
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                out.push(Tok::Ident(chars[i..j].iter().collect()));
                i = j;
            }
            other => return Err(format!("unsupported character `{other}`")),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn bump(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, t: Tok) -> Result<(), String> {
        match self.bump() {
            Some(x) if x == t => Ok(()),
            other => Err(format!("expected {t:?}, found {other:?}")),
        }
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.bump();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.peek() == Some(&Tok::And) {
            self.bump();
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Tok::Not) {
            self.bump();
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        let left = self.postfix_chain()?;
        if let Some(Tok::Cmp(c)) = self.peek().cloned() {
            self.bump();
            let right = self.postfix_chain()?;
            return Ok(Expr::Compare(c, Box::new(left), Box::new(right)));
        }
        Ok(left)
    }
    /// A primary expression and its `.x`, `[n]`, `[*]`, `[]`, `[?]`, `.*` suffixes.
    fn postfix_chain(&mut self) -> Result<Expr, String> {
        let primary = self.primary()?;
        self.suffixes(primary, false)
    }
    fn primary(&mut self) -> Result<Expr, String> {
        match self.bump() {
            Some(Tok::Ident(name)) => {
                if self.peek() == Some(&Tok::LParen) {
                    self.bump();
                    let func = match name.as_str() {
                        "length" => Func::Length,
                        "contains" => Func::Contains,
                        other => return Err(format!("unsupported function `{other}()`")),
                    };
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.peek() == Some(&Tok::Comma) {
                                self.bump();
                            } else {
                                break;
                            }
                        }
                    }
                    self.expect(Tok::RParen)?;
                    let want = if func == Func::Length { 1 } else { 2 };
                    if args.len() != want {
                        return Err(format!("`{name}()` takes {want} argument(s), got {}", args.len()));
                    }
                    Ok(Expr::Call(func, args))
                } else {
                    Ok(Expr::Field(name))
                }
            }
            Some(Tok::At) => Ok(Expr::Current),
            Some(Tok::Literal(v)) => Ok(Expr::Literal(v)),
            Some(Tok::LParen) => {
                let e = self.or()?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            // Bracket forms at the start apply to the current value.
            Some(t @ (Tok::LBracket | Tok::Flatten | Tok::Filter)) => {
                self.pos -= 1;
                let _ = t;
                Ok(Expr::Current)
            }
            Some(Tok::Star) => {
                let rhs = self.projection_rhs()?;
                Ok(Expr::Project { lhs: Box::new(Expr::Current), rhs: Box::new(rhs), values: true })
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
    /// The expression a projection applies to each element: suffixes of `@` up to a `[]`,
    /// a comparison, `&&`, `||`, `,`, `)` or `]`.
    fn projection_rhs(&mut self) -> Result<Expr, String> {
        self.suffixes(Expr::Current, true)
    }
    fn suffixes(&mut self, mut left: Expr, in_projection: bool) -> Result<Expr, String> {
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.bump();
                    match self.bump() {
                        Some(Tok::Ident(name)) => left = sub(left, Expr::Field(name)),
                        Some(Tok::Star) => {
                            let rhs = self.projection_rhs()?;
                            left = Expr::Project { lhs: Box::new(left), rhs: Box::new(rhs), values: true };
                        }
                        Some(Tok::LBracket) => {
                            self.pos -= 1;
                            let list = self.multi_list()?;
                            left = sub(left, list);
                        }
                        other => return Err(format!("expected a name after `.`, found {other:?}")),
                    }
                }
                Some(Tok::Flatten) => {
                    if in_projection {
                        return Ok(left);
                    }
                    self.bump();
                    let rhs = self.projection_rhs()?;
                    left = Expr::Project { lhs: Box::new(Expr::Flatten(Box::new(left))), rhs: Box::new(rhs), values: false };
                }
                Some(Tok::Filter) => {
                    self.bump();
                    let cond = self.or()?;
                    self.expect(Tok::RBracket)?;
                    let rhs = self.projection_rhs()?;
                    left = Expr::Filter { lhs: Box::new(left), cond: Box::new(cond), rhs: Box::new(rhs) };
                }
                Some(Tok::LBracket) => match self.toks.get(self.pos + 1) {
                    Some(Tok::Star) => {
                        self.pos += 2;
                        self.expect(Tok::RBracket)?;
                        let rhs = self.projection_rhs()?;
                        left = Expr::Project { lhs: Box::new(left), rhs: Box::new(rhs), values: false };
                    }
                    Some(Tok::Num(n)) => {
                        let n = *n;
                        self.pos += 2;
                        self.expect(Tok::RBracket)?;
                        left = sub(left, Expr::Index(n));
                    }
                    _ if left == Expr::Current && !in_projection => {
                        // A multi-select list at the start of an expression.
                        left = self.multi_list()?;
                    }
                    _ => return Err("only `[n]`, `[*]`, `[]` and `[?..]` may follow an expression".into()),
                },
                _ => return Ok(left),
            }
        }
    }
    fn multi_list(&mut self) -> Result<Expr, String> {
        self.expect(Tok::LBracket)?;
        let mut items = vec![self.or()?];
        while self.peek() == Some(&Tok::Comma) {
            self.bump();
            items.push(self.or()?);
        }
        self.expect(Tok::RBracket)?;
        Ok(Expr::MultiList(items))
    }
}

fn sub(left: Expr, right: Expr) -> Expr {
    if left == Expr::Current {
        right
    } else {
        Expr::Sub(Box::new(left), Box::new(right))
    }
}

/// Parses an expression of the supported subset.
pub fn parse(text: &str) -> Result<Expr, String> {
    let toks = tokenize(text).map_err(|e| format!("JMESPath `{text}`: {e}"))?;
    if toks.is_empty() {
        return Err("JMESPath expression is empty".into());
    }
    let mut p = Parser { toks, pos: 0 };
    let e = p.or().map_err(|e| format!("JMESPath `{text}`: {e}"))?;
    if p.pos < p.toks.len() {
        return Err(format!("JMESPath `{text}`: unexpected {:?}", p.toks[p.pos]));
    }
    Ok(e)
}

/// JMESPath truthiness: false, null, empty strings, lists and objects are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn project(items: Vec<Value>, rhs: &Expr) -> Value {
    Value::Array(items.iter().map(|x| eval(rhs, x)).filter(|v| !v.is_null()).collect())
}

/// Evaluates an expression; type mismatches give `null`, as in JMESPath.
pub fn eval(e: &Expr, v: &Value) -> Value {
    match e {
        Expr::Current => v.clone(),
        Expr::Field(name) => v.get(name).cloned().unwrap_or(Value::Null),
        Expr::Sub(l, r) => {
            let l = eval(l, v);
            if l.is_null() {
                Value::Null
            } else {
                eval(r, &l)
            }
        }
        Expr::Index(i) => match v.as_array() {
            Some(a) => {
                let i = if *i < 0 { a.len() as i64 + i } else { *i };
                usize::try_from(i).ok().and_then(|i| a.get(i)).cloned().unwrap_or(Value::Null)
            }
            None => Value::Null,
        },
        Expr::Literal(x) => x.clone(),
        Expr::Flatten(inner) => match eval(inner, v) {
            Value::Array(a) => Value::Array(
                a.into_iter()
                    .flat_map(|x| match x {
                        Value::Array(inner) => inner,
                        other => vec![other],
                    })
                    .collect(),
            ),
            _ => Value::Null,
        },
        Expr::Project { lhs, rhs, values } => match (eval(lhs, v), values) {
            (Value::Array(a), false) => project(a, rhs),
            (Value::Object(o), true) => project(o.into_iter().map(|(_, x)| x).collect(), rhs),
            _ => Value::Null,
        },
        Expr::Filter { lhs, cond, rhs } => match eval(lhs, v) {
            Value::Array(a) => project(a.into_iter().filter(|x| truthy(&eval(cond, x))).collect(), rhs),
            _ => Value::Null,
        },
        Expr::MultiList(items) => {
            if v.is_null() {
                Value::Null
            } else {
                Value::Array(items.iter().map(|x| eval(x, v)).collect())
            }
        }
        Expr::Compare(c, l, r) => compare(*c, &eval(l, v), &eval(r, v)),
        Expr::And(l, r) => {
            let l = eval(l, v);
            if truthy(&l) {
                eval(r, v)
            } else {
                l
            }
        }
        Expr::Or(l, r) => {
            let l = eval(l, v);
            if truthy(&l) {
                l
            } else {
                eval(r, v)
            }
        }
        Expr::Not(x) => Value::Bool(!truthy(&eval(x, v))),
        Expr::Call(Func::Length, args) => match eval(&args[0], v) {
            Value::String(s) => Value::from(s.chars().count()),
            Value::Array(a) => Value::from(a.len()),
            Value::Object(o) => Value::from(o.len()),
            _ => Value::Null,
        },
        Expr::Call(Func::Contains, args) => {
            let search = eval(&args[1], v);
            match eval(&args[0], v) {
                Value::Array(a) => Value::Bool(a.contains(&search)),
                Value::String(s) => Value::Bool(search.as_str().is_some_and(|x| s.contains(x))),
                _ => Value::Null,
            }
        }
    }
}

fn compare(c: Cmp, l: &Value, r: &Value) -> Value {
    match c {
        Cmp::Eq => Value::Bool(json_eq(l, r)),
        Cmp::Ne => Value::Bool(!json_eq(l, r)),
        _ => match (l.as_f64(), r.as_f64()) {
            (Some(a), Some(b)) => Value::Bool(match c {
                Cmp::Lt => a < b,
                Cmp::Le => a <= b,
                Cmp::Gt => a > b,
                _ => a >= b,
            }),
            _ => Value::Null,
        },
    }
}

/// Equality with numbers compared by value (`1 == 1.0`).
fn json_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => l == r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(path: &str, doc: &Value) -> Value {
        eval(&parse(path).unwrap_or_else(|e| panic!("{e}")), doc)
    }

    #[test]
    fn fields_projections_and_flattening() {
        let doc = json!({"Table": {"TableStatus": "ACTIVE"}, "a": [{"b": [1, 2]}, {"b": [3]}, {"c": 1}],
            "m": {"x": {"s": "ok"}, "y": {"s": "bad"}}});
        assert_eq!(q("Table.TableStatus", &doc), json!("ACTIVE"));
        assert_eq!(q("Table.Missing.Deeper", &doc), Value::Null);
        assert_eq!(q("a[*].b", &doc), json!([[1, 2], [3]]));
        assert_eq!(q("a[].b", &doc), json!([[1, 2], [3]]));
        assert_eq!(q("a[].b[]", &doc), json!([1, 2, 3]));
        assert_eq!(q("a[0].b[-1]", &doc), json!(2));
        assert_eq!(q("m.*.s", &doc), json!(["ok", "bad"]));
        assert_eq!(q("a[?c == `1`].c", &doc), json!([1]));
        assert_eq!(q("length(a)", &doc), json!(3));
        assert_eq!(q("length(a[?b]) > `1`", &doc), json!(true));
        assert_eq!(q("contains(a[].c, `1`)", &doc), json!(true));
        assert_eq!(q("@.Table.TableStatus == 'ACTIVE'", &doc), json!(true));
        assert_eq!(q("!(length(a) == `3` && Table.TableStatus != 'ACTIVE') || `false`", &doc), json!(true));
        assert_eq!(q("[length(a), Table.TableStatus]", &doc), json!([3, "ACTIVE"]));
    }

    #[test]
    fn corpus_expressions() {
        let doc = json!({"AutoScalingGroups": [
            {"MinSize": 2, "Instances": [{"LifecycleState": "InService"}, {"LifecycleState": "InService"}]},
            {"MinSize": 2, "Instances": [{"LifecycleState": "Pending"}, {"LifecycleState": "InService"}]}
        ], "services": [{"deployments": [1], "runningCount": 2, "desiredCount": 2}]});
        let asg = "contains(AutoScalingGroups[].[length(Instances[?LifecycleState=='InService']) >= MinSize][], `false`)";
        assert_eq!(q(asg, &doc), json!(true));
        assert_eq!(q("AutoScalingGroups[].[length(Instances[?LifecycleState=='InService']) >= MinSize][]", &doc), json!([true, false]));
        let ecs = "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`";
        assert_eq!(q(ecs, &doc), json!(true));
    }

    #[test]
    fn unsupported_syntax_is_an_error() {
        for bad in ["", "a |", "sort_by(a, &b)", "a[1:2]", "a.{b: c}", "`{", "a b", "length(a, b)", "a[0"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
