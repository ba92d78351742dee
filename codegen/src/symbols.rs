//! The symbol table: the one place that decides every Rust name, path and type of the generated
//! crate. Emitters ask it and never convert case themselves.

use crate::model::{shape_name, Kind, Member, Model, Shape, ShapeId};
use crate::sanitize;
use crate::select::Selection;
use crate::Error;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Names of one operation.
#[derive(Debug, Clone)]
pub struct OpNames {
    /// `GetUserAttributeVerificationCode`
    pub camel: String,
    /// `get_user_attribute_verification_code` (module name)
    pub module: String,
    /// The client method name (the module name unless it collides with a `Client` method).
    pub method: String,
    /// Type names inside the operation module: the operation struct, `{Op}Input`,
    /// `{Op}Output`, `{Op}Error`, their builders, the fluent builder and the paginators.
    pub op_struct: String,
    pub input: String,
    pub output: String,
    pub error: String,
    pub input_builder: String,
    pub output_builder: String,
    pub fluent: String,
    pub paginator: String,
    pub paginator_items: String,
}

impl OpNames {
    fn new(camel: String, module: String, method: String) -> OpNames {
        OpNames {
            op_struct: camel.clone(),
            input: format!("{camel}Input"),
            output: format!("{camel}Output"),
            error: format!("{camel}Error"),
            input_builder: format!("{camel}InputBuilder"),
            output_builder: format!("{camel}OutputBuilder"),
            fluent: format!("{camel}FluentBuilder"),
            paginator: format!("{camel}Paginator"),
            paginator_items: format!("{camel}PaginatorItems"),
            camel,
            module,
            method,
        }
    }
    /// The module name without `r#`, for paths in docs and file names.
    pub fn module_bare(&self) -> &str {
        sanitize::bare(&self.module)
    }
}

/// Names of one waiter, as in aws-sdk-rust.
#[derive(Debug, Clone)]
pub struct WaiterNames {
    /// `TableExists`
    pub camel: String,
    /// `table_exists`: the module under `crate::waiters`.
    pub module: String,
    /// `wait_until_table_exists`: the `Waiters` trait method.
    pub method: String,
    /// `TableExistsFluentBuilder`
    pub fluent: String,
    /// `WaitUntilTableExistsFinalPoll`
    pub final_poll: String,
    /// `WaitUntilTableExistsError`
    pub error: String,
}

/// Where a generated type lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    Types,
    Errors,
}

/// Every Rust name of the generated crate.
#[derive(Debug)]
pub struct Symbols {
    types: BTreeMap<ShapeId, (String, Home)>,
    /// Base names of the per-shape codec functions in the flat `protocol` module
    /// (`ser_<base>`, `de_<base>`), unique across types and errors.
    codecs: BTreeMap<ShapeId, String>,
    /// `is_<x>` classifier names of error variants.
    classifiers: BTreeMap<ShapeId, String>,
    /// The `<x>` of a union variant's `as_<x>`/`is_<x>` helpers, unique per union.
    union_helpers: BTreeMap<(ShapeId, String), String>,
    ops: BTreeMap<ShapeId, OpNames>,
    members: BTreeMap<(ShapeId, String), String>,
    boxed: BTreeSet<(ShapeId, String)>,
    inputs: BTreeSet<ShapeId>,
    /// Waiters of the selected operations, by (operation, waiter name).
    waiters: BTreeMap<(ShapeId, String), WaiterNames>,
}

/// Methods `Client` defines itself; an operation with one of these names gets a suffix.
const CLIENT_METHODS: &[&str] = &["from_conf", "config", "new", "clone", "handle"];

impl Symbols {
    /// Names everything in the selection.
    pub fn build(model: &Model, sel: &Selection) -> Result<Symbols, Error> {
        let rename = &sel.rename;
        let name_of = |id: &str| -> String { rename.get(id).cloned().unwrap_or_else(|| shape_name(id).to_string()) };
        let mut types = BTreeMap::new();
        let mut taken: BTreeMap<(Home, String), ShapeId> = BTreeMap::new();
        for id in &sel.shapes {
            let shape = &model.shapes[id];
            let home = match &shape.kind {
                Kind::Structure(_) if shape.traits.error().is_some() => Home::Errors,
                Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_) => Home::Types,
                _ => continue,
            };
            let name = sanitize::camel(&name_of(id));
            if let Some(other) = taken.insert((home, name.clone()), id.clone()) {
                return Err(Error::model(
                    &shape.file,
                    Some(id),
                    format!("shapes `{other}` and `{id}` both become the Rust type `{name}`; add a service `rename` for one of them"),
                ));
            }
            types.insert(id.clone(), (name, home));
        }
        let mut ops = BTreeMap::new();
        let mut methods: Vec<(ShapeId, String)> = Vec::new();
        for id in &sel.operations {
            let camel = sanitize::camel(&name_of(id));
            let module = sanitize::snake(&name_of(id));
            let bare = sanitize::bare(&module).to_string();
            let method = if CLIENT_METHODS.contains(&bare.as_str()) { format!("{bare}_operation") } else { module.clone() };
            methods.push((id.clone(), method.clone()));
            ops.insert(id.clone(), OpNames::new(camel, module, method));
        }
        let mut seen: BTreeMap<String, ShapeId> = BTreeMap::new();
        for (id, method) in &methods {
            if let Some(other) = seen.insert(sanitize::bare(method).to_string(), id.clone()) {
                return Err(Error::model(
                    &model.shapes[id].file,
                    Some(id),
                    format!("operations `{other}` and `{id}` both become the method `{method}`; add a service `rename`"),
                ));
            }
        }
        let mut members = BTreeMap::new();
        let mut union_helpers = BTreeMap::new();
        let mut inputs = BTreeSet::new();
        for id in sel.shapes.iter().chain(sel.op_io.iter()) {
            let shape = &model.shapes[id];
            match &shape.kind {
                Kind::Structure(ms) => {
                    let mut names: Vec<String> = ms.iter().map(|m| sanitize::field(&m.name)).collect();
                    // `meta` and `_request_id` are fields of errors and outputs; the getters
                    // `set_x`/`get_x` must not collide with another member's plain name.
                    for n in names.iter_mut() {
                        let b = sanitize::bare(n);
                        if b.starts_with("set_") || b.starts_with("get_") {
                            *n = format!("{b}_value");
                        }
                    }
                    // An error's `message()` returns its message text: a `message` member that is
                    // not a string keeps its wire name but gets another field name.
                    if shape.traits.error().is_some() {
                        for (n, m) in names.iter_mut().zip(ms) {
                            if n == "message" && !matches!(model.get(&m.target).map(|t| &t.kind), Some(Kind::String)) {
                                *n = "message_value".into();
                            }
                        }
                    }
                    sanitize::dedupe(&mut names, "_value");
                    for (m, n) in ms.iter().zip(names) {
                        members.insert((id.clone(), m.name.clone()), n);
                    }
                }
                Kind::Union(ms) => {
                    let mut names: Vec<String> = ms
                        .iter()
                        .map(|m| {
                            let n = sanitize::camel(&m.name);
                            if n == "Unknown" { "UnknownValue".to_string() } else { n }
                        })
                        .collect();
                    sanitize::dedupe(&mut names, "Value");
                    let mut helpers: Vec<String> = names.iter().map(|n| sanitize::bare(&sanitize::snake(n)).to_string()).collect();
                    sanitize::dedupe(&mut helpers, "_value");
                    for (m, h) in ms.iter().zip(helpers) {
                        union_helpers.insert((id.clone(), m.name.clone()), h);
                    }
                    for (m, n) in ms.iter().zip(names) {
                        members.insert((id.clone(), m.name.clone()), n);
                    }
                }
                Kind::Enum(vs) | Kind::IntEnum(vs) => {
                    let mut names: Vec<String> = vs
                        .iter()
                        .map(|v| {
                            let n = sanitize::camel(&v.name);
                            if n == "Unknown" { "UnknownValue".to_string() } else { n }
                        })
                        .collect();
                    sanitize::dedupe(&mut names, "Value");
                    for (v, n) in vs.iter().zip(names) {
                        members.insert((id.clone(), v.name.clone()), n);
                    }
                }
                _ => {}
            }
        }
        for op in sel.operations.iter() {
            if let Kind::Operation(o) = &model.shapes[op].kind {
                inputs.insert(o.input.clone());
            }
        }
        let codecs = flat_names(model, &types, |name| sanitize::bare(&sanitize::snake(name)).to_string(), "codec function")?;
        let errors: BTreeMap<ShapeId, (String, Home)> =
            types.iter().filter(|(_, (_, h))| *h == Home::Errors).map(|(k, v)| (k.clone(), v.clone())).collect();
        let classifiers = flat_names(model, &errors, |name| format!("is_{}", sanitize::bare(&sanitize::snake(name))), "classifier")?;
        let mut waiters = BTreeMap::new();
        let mut waiter_modules: BTreeMap<String, ShapeId> = BTreeMap::new();
        for op in sel.operations.iter() {
            let Kind::Operation(o) = &model.shapes[op].kind else { continue };
            for w in &o.info.waiters {
                let camel = sanitize::camel(&w.name);
                let module = sanitize::snake(&w.name);
                let bare = sanitize::bare(&module).to_string();
                if let Some(other) = waiter_modules.insert(bare.clone(), op.clone()) {
                    return Err(Error::model(
                        &model.shapes[op].file,
                        Some(op),
                        format!("waiter `{}` of `{op}` and a waiter of `{other}` both become `wait_until_{bare}`", w.name),
                    ));
                }
                // The blocking client has the waiter methods next to the operations' methods,
                // and a `waiters` module next to the operations' modules.
                let method = format!("wait_until_{bare}");
                if let Some(other) = seen.get(&method) {
                    return Err(Error::model(
                        &model.shapes[op].file,
                        Some(op),
                        format!("waiter `{}` of `{op}` and operation `{other}` both become the method `{method}`; add a service `rename`", w.name),
                    ));
                }
                if let Some(other) = ops.iter().find(|(_, n): &(&ShapeId, &OpNames)| n.module_bare() == "waiters").map(|(id, _)| id) {
                    return Err(Error::model(
                        &model.shapes[op].file,
                        Some(op),
                        format!("operation `{other}` becomes the module `waiters`, which holds the waiters of the blocking client; add a service `rename`"),
                    ));
                }
                let names = WaiterNames {
                    method,
                    fluent: format!("{camel}FluentBuilder"),
                    final_poll: format!("WaitUntil{camel}FinalPoll"),
                    error: format!("WaitUntil{camel}Error"),
                    camel,
                    module,
                };
                waiters.insert((op.clone(), w.name.clone()), names);
            }
        }
        Ok(Symbols { types, codecs, classifiers, union_helpers, ops, members, boxed: sel.boxed.clone(), inputs, waiters })
    }

    /// The base name of a structure's or union's codec functions (`ser_<base>`/`de_<base>`).
    pub fn codec_base(&self, id: &str) -> &str {
        self.codecs.get(id).map(String::as_str).unwrap_or_else(|| panic!("no codec name for `{id}`: not a selected type"))
    }
    /// `ser_<base>` for a structure or union.
    pub fn ser_fn(&self, id: &str) -> Ident {
        format_ident!("ser_{}", self.codec_base(id))
    }
    /// `de_<base>` for a structure or union.
    pub fn de_fn(&self, id: &str) -> Ident {
        format_ident!("de_{}", self.codec_base(id))
    }
    /// `is_<error>` on error enums.
    pub fn classifier(&self, id: &str) -> Ident {
        ident(self.classifiers.get(id).map(String::as_str).unwrap_or_else(|| panic!("no classifier for `{id}`: not a selected error")))
    }

    /// The Rust type name of a structure, union, enum or error shape of the selection.
    pub fn type_name(&self, id: &str) -> &str {
        self.types.get(id).map(|(n, _)| n.as_str()).unwrap_or_else(|| panic!("no type name for `{id}`: not a selected type"))
    }

    /// The type name as an identifier.
    pub fn type_ident(&self, id: &str) -> Ident {
        ident(self.type_name(id))
    }

    /// Which module a type lives in.
    pub fn home(&self, id: &str) -> Home {
        self.types.get(id).map(|(_, h)| *h).unwrap_or(Home::Types)
    }

    /// `crate::types::Name` or `crate::types::error::Name`.
    pub fn type_path(&self, id: &str) -> TokenStream {
        let name = self.type_ident(id);
        match self.home(id) {
            Home::Types => quote!(crate::types::#name),
            Home::Errors => quote!(crate::types::error::#name),
        }
    }

    /// Names of a waiter of a selected operation.
    pub fn waiter(&self, op: &str, name: &str) -> &WaiterNames {
        &self.waiters[&(op.to_string(), name.to_string())]
    }

    /// Names of an operation.
    pub fn op(&self, id: &str) -> &OpNames {
        &self.ops[id]
    }

    /// The field, variant or enum-variant name of a member.
    pub fn member(&self, container: &str, member: &str) -> &str {
        self.members
            .get(&(container.to_string(), member.to_string()))
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no name for member `{container}${member}`: not in the selection"))
    }

    /// `set_<field>` of a builder or fluent builder (field names never start with `set_`/`get_`,
    /// so these cannot collide with another member's setter).
    pub fn setter(&self, container: &str, member: &str) -> Ident {
        format_ident!("set_{}", sanitize::bare(self.member(container, member)))
    }

    /// `get_<field>` of a builder or fluent builder.
    pub fn getter(&self, container: &str, member: &str) -> Ident {
        format_ident!("get_{}", sanitize::bare(self.member(container, member)))
    }

    /// `(as_<variant>, is_<variant>)` of a union member.
    pub fn union_accessors(&self, union: &str, member: &str) -> (Ident, Ident) {
        let base = self
            .union_helpers
            .get(&(union.to_string(), member.to_string()))
            .unwrap_or_else(|| panic!("no accessor name for union member `{union}${member}`"));
        (format_ident!("as_{}", base), format_ident!("is_{}", base))
    }

    /// The member name as an identifier (raw identifiers kept).
    pub fn member_ident(&self, container: &str, member: &str) -> Ident {
        ident(self.member(container, member))
    }

    /// Whether the member is boxed to break a recursive cycle.
    pub fn is_boxed(&self, container: &str, member: &str) -> bool {
        self.boxed.contains(&(container.to_string(), member.to_string()))
    }

    /// Whether the structure is some operation's input (all its members are optional).
    pub fn is_input(&self, id: &str) -> bool {
        self.inputs.contains(id)
    }

    /// The Rust type of a value of shape `target` (no `Option`, no `Box`).
    pub fn value_type(&self, model: &Model, target: &str) -> TokenStream {
        let Some(shape) = model.get(target) else { return quote!(()) };
        match &shape.kind {
            Kind::Blob if shape.traits.streaming() => quote!(crate::primitives::ByteStream),
            Kind::Blob => quote!(crate::primitives::Blob),
            Kind::Boolean => quote!(bool),
            Kind::String => quote!(::std::string::String),
            Kind::Byte => quote!(i8),
            Kind::Short => quote!(i16),
            Kind::Integer => quote!(i32),
            Kind::Long => quote!(i64),
            Kind::Float => quote!(f32),
            Kind::Double => quote!(f64),
            Kind::BigInteger => quote!(crate::primitives::BigInteger),
            Kind::BigDecimal => quote!(crate::primitives::BigDecimal),
            Kind::Timestamp => quote!(crate::primitives::DateTime),
            Kind::Document => quote!(crate::primitives::Document),
            Kind::Enum(_) | Kind::IntEnum(_) | Kind::Structure(_) | Kind::Union(_) => self.type_path(target),
            Kind::List(m) => {
                let inner = self.value_type(model, &m.target);
                if shape.traits.sparse() {
                    quote!(::std::vec::Vec<::std::option::Option<#inner>>)
                } else {
                    quote!(::std::vec::Vec<#inner>)
                }
            }
            Kind::Map(k, v) => {
                let key = self.value_type(model, &k.target);
                let value = self.value_type(model, &v.target);
                if shape.traits.sparse() {
                    quote!(::std::collections::HashMap<#key, ::std::option::Option<#value>>)
                } else {
                    quote!(::std::collections::HashMap<#key, #value>)
                }
            }
            Kind::Service(_) | Kind::Operation(_) | Kind::Resource(_) => quote!(()),
        }
    }

    /// The field type of a member, with `Box` for recursion (no `Option`).
    pub fn member_value_type(&self, model: &Model, container: &str, m: &Member) -> TokenStream {
        let t = self.value_type(model, &m.target);
        if self.is_boxed(container, &m.name) {
            quote!(::std::boxed::Box<#t>)
        } else {
            t
        }
    }

    /// Whether a member of `container` is an `Option` field.
    pub fn is_optional(&self, model: &Model, container: &str, m: &Member) -> bool {
        if self.is_input(container) || m.traits.client_optional() || self.is_boxed(container, &m.name) {
            return true;
        }
        let Some(target) = model.get(&m.target) else { return true };
        if !zero_value_kind(target) {
            return true;
        }
        if m.traits.required() {
            return false;
        }
        match m.traits.default_value() {
            Some(_) if m.traits.added_default() => true,
            Some(v) => default_literal(model, target, v).is_none(),
            None => true,
        }
    }
}

/// Derives one name per shape for a flat namespace (e.g. the `protocol` module, where types and
/// errors meet): distinct shapes whose derived names collide get deterministic numeric
/// suffixes, in shape ID order, so the generated code always compiles.
fn flat_names(
    model: &Model,
    types: &BTreeMap<ShapeId, (String, Home)>,
    derive: impl Fn(&str) -> String,
    what: &str,
) -> Result<BTreeMap<ShapeId, String>, Error> {
    let bases: Vec<(&ShapeId, &String, String)> = types.iter().map(|(id, (name, _))| (id, name, derive(name))).collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, b) in &bases {
        *count.entry(b.as_str()).or_default() += 1;
    }
    // Unique names keep their base; the rest take the first free `_N`, in shape ID order.
    let mut taken: BTreeSet<String> = bases.iter().map(|(_, _, b)| b.clone()).collect();
    let mut out = BTreeMap::new();
    let mut first_seen: BTreeSet<&str> = BTreeSet::new();
    for (id, name, base) in &bases {
        if count[base.as_str()] == 1 || first_seen.insert(base.as_str()) {
            out.insert((*id).clone(), base.clone());
            continue;
        }
        let mut n = 2;
        let candidate = loop {
            let c = format!("{base}_{n}");
            if !taken.contains(&c) {
                break c;
            }
            n += 1;
            if n > 10_000 {
                let shape = &model.shapes[*id];
                return Err(Error::model(&shape.file, Some(id), format!("cannot find a free {what} name for `{name}`")));
            }
        };
        taken.insert(candidate.clone());
        out.insert((*id).clone(), candidate);
    }
    Ok(out)
}

/// Shapes whose values have an obvious zero value (so they can be non-optional fields).
fn zero_value_kind(shape: &Shape) -> bool {
    !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_) | Kind::Document | Kind::Service(_) | Kind::Operation(_) | Kind::Resource(_))
}

/// A Rust expression for a `@default` value, or `None` if it cannot be expressed.
pub fn default_literal(model: &Model, target: &Shape, value: &serde_json::Value) -> Option<TokenStream> {
    use serde_json::Value as V;
    let _ = model;
    Some(match (&target.kind, value) {
        (Kind::Boolean, V::Bool(b)) => quote!(#b),
        (Kind::String, V::String(s)) => quote!(::std::string::String::from(#s)),
        (Kind::Enum(_), V::String(s)) => quote!(::std::convert::From::from(#s)),
        (Kind::IntEnum(_), V::Number(n)) => {
            let n = i32::try_from(n.as_i64()?).ok()?;
            quote!(::std::convert::From::from(#n))
        }
        (Kind::Byte, V::Number(n)) => {
            let n = i8::try_from(n.as_i64()?).ok()?;
            quote!(#n)
        }
        (Kind::Short, V::Number(n)) => {
            let n = i16::try_from(n.as_i64()?).ok()?;
            quote!(#n)
        }
        (Kind::Integer, V::Number(n)) => {
            let n = i32::try_from(n.as_i64()?).ok()?;
            quote!(#n)
        }
        (Kind::Long, V::Number(n)) => {
            let n = n.as_i64()?;
            quote!(#n)
        }
        (Kind::Float, V::Number(n)) => {
            let n = n.as_f64()? as f32;
            quote!(#n)
        }
        (Kind::Double, V::Number(n)) => {
            let n = n.as_f64()?;
            quote!(#n)
        }
        (Kind::List(_), V::Array(a)) if a.is_empty() => quote!(::std::vec::Vec::new()),
        (Kind::Map(..), V::Object(o)) if o.is_empty() => quote!(::std::collections::HashMap::new()),
        (Kind::Blob, V::String(s)) if s.is_empty() && target.traits.streaming() => quote!(crate::primitives::ByteStream::default()),
        (Kind::Blob, V::String(s)) if s.is_empty() => quote!(crate::primitives::Blob::default()),
        (Kind::Timestamp, V::Number(n)) => {
            let n = n.as_i64()?;
            quote!(crate::primitives::DateTime::from_secs(#n))
        }
        _ => return None,
    })
}

/// The zero value used when a required member is missing from a response ("error correction").
pub fn zero_literal(target: &Shape) -> TokenStream {
    match &target.kind {
        Kind::Boolean => quote!(false),
        Kind::String => quote!(::std::string::String::new()),
        Kind::Enum(_) => quote!(::std::convert::From::from("")),
        Kind::IntEnum(_) => quote!(::std::convert::From::from(0i32)),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => quote!(0),
        Kind::Float | Kind::Double => quote!(0.0),
        Kind::List(_) => quote!(::std::vec::Vec::new()),
        Kind::Map(..) => quote!(::std::collections::HashMap::new()),
        Kind::Blob if target.traits.streaming() => quote!(crate::primitives::ByteStream::default()),
        Kind::Blob => quote!(crate::primitives::Blob::default()),
        Kind::Timestamp => quote!(crate::primitives::DateTime::from_secs(0)),
        Kind::BigInteger => quote!(crate::primitives::BigInteger::zero()),
        Kind::BigDecimal => quote!(crate::primitives::BigDecimal::zero()),
        _ => quote!(::std::default::Default::default()),
    }
}

/// An identifier from a sanitised name (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}
