//! The IR: one shape space keyed by shape ID, normalised so emitters see only Smithy 2.0 forms
//! (mixins flattened, `apply` merged, `set` -> list, `@enum` strings -> enums, 1.0 primitives
//! given their zero defaults, prelude shapes present).

use crate::ast::{self, SmithyVersion};
pub use crate::bindings::Location;
use crate::bindings::{OperationInfo, ServiceInfo};
use crate::Error;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// An absolute shape ID `namespace#Name`.
pub type ShapeId = String;

/// The shape name of an ID (`ns#Name` -> `Name`).
pub fn shape_name(id: &str) -> &str {
    id.rsplit_once('#').map(|(_, n)| n).unwrap_or(id)
}

/// Traits of a shape or member, with typed accessors for the ones codegen reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Traits(pub BTreeMap<String, Value>);

impl Traits {
    pub fn has(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }
    pub fn documentation(&self) -> Option<&str> {
        self.get("smithy.api#documentation").and_then(Value::as_str)
    }
    pub fn required(&self) -> bool {
        self.has("smithy.api#required")
    }
    pub fn sensitive(&self) -> bool {
        self.has("smithy.api#sensitive")
    }
    /// The `@default` value, unless it is `null` (which means "no default").
    pub fn default_value(&self) -> Option<&Value> {
        self.get("smithy.api#default").filter(|v| !v.is_null())
    }
    pub fn client_optional(&self) -> bool {
        self.has("smithy.api#clientOptional")
    }
    pub fn added_default(&self) -> bool {
        self.has("smithy.api#addedDefault")
    }
    pub fn deprecated(&self) -> Option<&Value> {
        self.get("smithy.api#deprecated")
    }
    pub fn sparse(&self) -> bool {
        self.has("smithy.api#sparse")
    }
    pub fn streaming(&self) -> bool {
        self.has("smithy.api#streaming")
    }
    pub fn idempotency_token(&self) -> bool {
        self.has("smithy.api#idempotencyToken")
    }
    pub fn timestamp_format(&self) -> Option<&str> {
        self.get("smithy.api#timestampFormat").and_then(Value::as_str)
    }
    /// `client` or `server` for error structures.
    pub fn error(&self) -> Option<&str> {
        self.get("smithy.api#error").and_then(Value::as_str)
    }
    fn merge_from(&mut self, other: &Traits) {
        for (k, v) in &other.0 {
            self.0.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// A member of a structure, union, enum, list or map.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
    /// Where the member travels in an HTTP message (from its binding traits; protocols that
    /// put everything in the body ignore it).
    pub location: Location,
}

/// A value of an enum or intEnum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The member name (or, for a 1.0 `@enum` without names, a name derived from the value).
    pub name: String,
    pub value: EnumLiteral,
    pub traits: Traits,
}

/// The wire value of an enum member.
#[derive(Debug, Clone, PartialEq)]
pub enum EnumLiteral {
    String(String),
    Int(i64),
}

/// What a shape is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum(Vec<EnumValue>),
    IntEnum(Vec<EnumValue>),
    List(Member),
    Map(Member, Member),
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Service(Service),
    Operation(Operation),
    Resource(ast::Resource),
}

/// A service shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub version: Option<String>,
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
    pub rename: BTreeMap<ShapeId, String>,
    /// Typed facts from the service's traits.
    pub info: ServiceInfo,
}

/// An operation shape. Its input and output always exist after normalisation: missing ones
/// (or `smithy.api#Unit`) are synthesised as empty structures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Operation {
    pub input: ShapeId,
    pub output: ShapeId,
    pub errors: Vec<ShapeId>,
    /// Typed facts from the operation's traits (HTTP binding, auth, idempotency, pagination).
    pub info: OperationInfo,
}

/// The ID given to a synthesised input (`suffix` = `Input`) or output of an operation.
pub fn synthetic_id(op: &str, suffix: &str) -> ShapeId {
    let (ns, name) = op.rsplit_once('#').unwrap_or(("", op));
    format!("smithy.synthetic.{ns}#{name}{suffix}")
}

/// A shape with its traits.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: Kind,
    pub traits: Traits,
    /// The file the shape came from (for error messages).
    pub file: String,
}

/// The whole normalised model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub shapes: BTreeMap<ShapeId, Shape>,
    /// Where shapes and members are written, for errors: `file:line:column` (IDL files only;
    /// see [`ast::ModelFile::positions`]).
    pub places: BTreeMap<ShapeId, String>,
}

/// Where a shape or member is written, for errors: `file:line:column` when the source told
/// (the member's, else its shape's), else `file`.
fn place(places: &BTreeMap<ShapeId, String>, id: &str, file: &str) -> String {
    let root = id.split('$').next().unwrap_or(id);
    places.get(id).or_else(|| places.get(root)).cloned().unwrap_or_else(|| file.to_string())
}

impl Model {
    pub fn get(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }
    /// Where a shape or member is written, for errors: `file:line:column` for IDL sources, else
    /// the shape's file.
    pub fn place(&self, id: &str) -> String {
        let root = id.split('$').next().unwrap_or(id);
        place(&self.places, id, self.shapes.get(root).map_or("<model>", |s| s.file.as_str()))
    }
    /// The shape, or an error naming who referenced the missing target.
    pub fn expect(&self, id: &str, referrer: &str) -> Result<&Shape, Error> {
        self.shapes.get(id).ok_or_else(|| {
            let file = self.shapes.get(referrer.split('$').next().unwrap_or(referrer)).map(|s| s.file.clone());
            Error::model(file.as_deref().unwrap_or("<model>"), Some(referrer), format!("target `{id}` does not exist"))
        })
    }
}

/// Builds the normalised model from parsed files (`(file name, file)`).
pub fn normalize(files: &[(String, ast::ModelFile)]) -> Result<Model, Error> {
    let mut raw: BTreeMap<ShapeId, (String, SmithyVersion, ast::Shape)> = BTreeMap::new();
    let mut applies: Vec<(String, ShapeId, ast::Traits)> = Vec::new();
    for (file, parsed) in files {
        for (id, shape) in &parsed.shapes {
            if let ast::Shape::Apply(apply) = shape {
                applies.push((file.clone(), id.clone(), apply.traits.clone()));
                continue;
            }
            if let Some((other, _, existing)) = raw.get(id) {
                if existing != shape {
                    return Err(Error::model(file, Some(id), format!("the shape is defined differently in {other}")));
                }
            }
            raw.insert(id.clone(), (file.clone(), parsed.version, shape.clone()));
        }
    }
    let mut model = Model::default();
    for (file, parsed) in files {
        for (id, (line, col)) in &parsed.positions {
            model.places.insert(id.clone(), format!("{file}:{line}:{col}"));
        }
    }
    for (id, shape) in prelude() {
        model.shapes.insert(id.clone(), shape);
    }
    // Mixins first: a shape's own members and traits come after (and win over) its mixins'.
    let mut done: BTreeMap<ShapeId, Shape> = BTreeMap::new();
    let ids: Vec<ShapeId> = raw.keys().cloned().collect();
    for id in &ids {
        resolve_shape(id, &raw, &model.places, &mut done, &mut Vec::new())?;
    }
    for (file, id, traits) in applies {
        let (shape_id, member) = match id.split_once('$') {
            Some((s, m)) => (s.to_string(), Some(m.to_string())),
            None => (id.clone(), None),
        };
        let at = place(&model.places, &id, &file);
        let shape = done.get_mut(&shape_id).ok_or_else(|| Error::model(&at, Some(&id), "`apply` targets a shape that does not exist"))?;
        let target_traits = match member {
            None => &mut shape.traits,
            Some(m) => member_traits_mut(shape, &m).ok_or_else(|| Error::model(&at, Some(&id), "`apply` targets a member that does not exist"))?,
        };
        // Applying a list trait again appends to it (as the reference does); others replace.
        for (k, v) in traits {
            match (target_traits.0.get_mut(&k), v) {
                (Some(serde_json::Value::Array(old)), serde_json::Value::Array(new)) => old.extend(new),
                (_, v) => {
                    target_traits.0.insert(k, v);
                }
            }
        }
    }
    // Mixin shapes are not part of the output.
    done.retain(|_, s| !s.traits.has("smithy.api#mixin"));
    if let Some(shape) = done.values().find(|s| model.shapes.contains_key(&s.id)) {
        return Err(Error::model(&shape.file, Some(&shape.id), "the prelude defines this shape; a model cannot redefine it"));
    }
    model.shapes.extend(done);
    let version_of: BTreeMap<ShapeId, SmithyVersion> = raw.iter().map(|(k, (_, v, _))| (k.clone(), *v)).collect();
    lower_v1(&mut model, &version_of);
    synthesize_io(&mut model);
    check_targets(&model)?;
    check_collection_cycles(&model)?;
    annotate(&mut model)?;
    Ok(model)
}

/// Gives every operation an input and an output structure: a missing one (or `Unit`) becomes an
/// empty structure of its own, so emitters never special-case it.
fn synthesize_io(model: &mut Model) {
    let mut new = Vec::new();
    for shape in model.shapes.values_mut() {
        let Kind::Operation(op) = &mut shape.kind else { continue };
        for (slot, suffix, marker) in [(&mut op.input, "Input", "smithy.api#input"), (&mut op.output, "Output", "smithy.api#output")] {
            if slot.is_empty() {
                let id = synthetic_id(&shape.id, suffix);
                let traits = Traits([(marker.to_string(), Value::Object(Default::default()))].into_iter().collect());
                new.push(Shape { id: id.clone(), kind: Kind::Structure(Vec::new()), traits, file: shape.file.clone() });
                *slot = id;
            }
        }
    }
    for s in new {
        model.shapes.insert(s.id.clone(), s);
    }
}

/// Computes the typed views of traits: member locations, operation and service facts.
fn annotate(model: &mut Model) -> Result<(), Error> {
    // Structures only ever read from a response (outputs and errors, never an input): members
    // bound to the request (labels, query) are document members there.
    let inputs: BTreeSet<ShapeId> = model
        .shapes
        .values()
        .filter_map(|s| match &s.kind {
            Kind::Operation(op) => Some(op.input.clone()),
            _ => None,
        })
        .collect();
    let outputs: BTreeSet<ShapeId> = model
        .shapes
        .values()
        .filter_map(|s| match &s.kind {
            Kind::Operation(op) => Some(op.output.clone()),
            _ => None,
        })
        .collect();
    for shape in model.shapes.values_mut() {
        let response_only =
            !inputs.contains(&shape.id) && (outputs.contains(&shape.id) || shape.traits.has("smithy.api#error"));
        if let Kind::Structure(ms) | Kind::Union(ms) = &mut shape.kind {
            for m in ms {
                m.location = if response_only { Location::of_response_member(&m.traits) } else { Location::of(&m.traits) };
            }
        }
    }
    let mut infos = Vec::new();
    for shape in model.shapes.values() {
        match &shape.kind {
            Kind::Operation(op) => {
                let input = &model.shapes[&op.input];
                let mut info = crate::bindings::operation_info(shape, input)?;
                info.endpoint_params = crate::bindings::endpoint_params(model, shape, input)?;
                infos.push((shape.id.clone(), Some(info), None));
            }
            Kind::Service(_) => infos.push((shape.id.clone(), None, Some(crate::bindings::service_info(model, shape)?))),
            _ => {}
        }
    }
    for (id, op_info, svc_info) in infos {
        match &mut model.shapes.get_mut(&id).map(|s| &mut s.kind) {
            Some(Kind::Operation(op)) => op.info = op_info.unwrap_or_default(),
            Some(Kind::Service(svc)) => svc.info = svc_info.unwrap_or_default(),
            _ => {}
        }
    }
    apply_customizations(model)
}

/// Records the per-service customisations of [`crate::customizations`] on the operations of
/// each service they name.
fn apply_customizations(model: &mut Model) -> Result<(), Error> {
    let services: Vec<ShapeId> =
        model.shapes.values().filter(|s| matches!(s.kind, Kind::Service(_))).map(|s| s.id.clone()).collect();
    let mut found = Vec::new();
    let mut per_op = Vec::new();
    for service in &services {
        let defaults = crate::customizations::label_defaults(service);
        for op in crate::select::service_operations(model, service)? {
            if crate::customizations::error_in_ok_response(service, shape_name(&op)) {
                if let Some(Kind::Operation(o)) = model.shapes.get_mut(&op).map(|s| &mut s.kind) {
                    o.info.error_in_ok_response = true;
                }
            }
            let tree_hash = crate::customizations::tree_hash_checksums(service, shape_name(&op));
            if tree_hash || !defaults.is_empty() {
                per_op.push((op.clone(), defaults.clone(), tree_hash));
            }
            let Some(member) = crate::customizations::endpoint_url_member(service, shape_name(&op)) else { continue };
            let shape = &model.shapes[&op];
            let Kind::Operation(o) = &shape.kind else { continue };
            let has_member = matches!(&model.shapes[&o.input].kind, Kind::Structure(ms) if ms.iter().any(|m| m.name == member
                && matches!(model.get(&m.target).map(|t| &t.kind), Some(Kind::String))));
            if !has_member {
                return Err(Error::model(
                    &shape.file,
                    Some(&op),
                    format!("customisation: the endpoint URL should come from input member `{member}`, which is not a string member of `{}`", o.input),
                ));
            }
            found.push((op, member));
        }
    }
    for (op, member) in found {
        if let Some(Kind::Operation(o)) = model.shapes.get_mut(&op).map(|s| &mut s.kind) {
            o.info.endpoint_url_member = Some(member.to_string());
        }
    }
    for service in &services {
        if !crate::customizations::bucket_in_endpoint(service) {
            continue;
        }
        for op in crate::select::service_operations(model, service)? {
            if let Some(Kind::Operation(o)) = model.shapes.get_mut(&op).map(|s| &mut s.kind) {
                let segments = &mut o.info.http.uri.segments;
                if matches!(segments.first(), Some(crate::bindings::Segment::Label { name, greedy: false }) if name == "Bucket") {
                    segments.remove(0);
                    if segments.is_empty() && !o.info.http.uri.trailing_slash {
                        o.info.http.uri.empty_path = true;
                    }
                }
            }
        }
    }
    for (op, defaults, tree_hash) in per_op {
        if let Some(Kind::Operation(o)) = model.shapes.get_mut(&op).map(|s| &mut s.kind) {
            o.info.label_defaults = defaults;
            o.info.tree_hash_checksums = tree_hash;
        }
    }
    // Timestamp headers read leniently also keep their text, in a string member named after
    // the timestamp one (S3's `Expires` and `ExpiresString`, as in aws-sdk-rust).
    let mut raw_members = Vec::new();
    for service in &services {
        let lenient = crate::customizations::lenient_response_headers(service);
        if lenient.is_empty() {
            continue;
        }
        for op in crate::select::service_operations(model, service)? {
            let Some(Kind::Operation(o)) = model.shapes.get(&op).map(|s| &s.kind) else { continue };
            let Some(Kind::Structure(ms)) = model.shapes.get(&o.output).map(|s| &s.kind) else { continue };
            for m in ms {
                let crate::bindings::Location::Header(header) = &m.location else { continue };
                let timestamp = matches!(model.get(&m.target).map(|t| &t.kind), Some(Kind::Timestamp));
                let name = format!("{}String", m.name);
                if timestamp && lenient.iter().any(|h| h.eq_ignore_ascii_case(header)) && !ms.iter().any(|o| o.name == name) {
                    raw_members.push((o.output.clone(), name, header.clone()));
                }
            }
        }
    }
    for (output, name, header) in raw_members {
        if let Some(Kind::Structure(ms)) = model.shapes.get_mut(&output).map(|s| &mut s.kind) {
            if ms.iter().any(|m| m.name == name) {
                continue;
            }
            let mut traits = Traits::default();
            traits.0.insert("smithy.api#httpHeader".into(), Value::String(header.clone()));
            traits.0.insert("smithy.api#documentation".into(), Value::String(format!("The text of the `{header}` header as received (the timestamp member is unset when it is not a valid date).")));
            ms.push(Member { name, target: "smithy.api#String".into(), traits, location: crate::bindings::Location::Header(header) });
        }
    }
    Ok(())
}

fn member_traits_mut<'a>(shape: &'a mut Shape, name: &str) -> Option<&'a mut Traits> {
    match &mut shape.kind {
        Kind::Structure(ms) | Kind::Union(ms) => ms.iter_mut().find(|m| m.name == name).map(|m| &mut m.traits),
        Kind::Enum(vs) | Kind::IntEnum(vs) => vs.iter_mut().find(|v| v.name == name).map(|v| &mut v.traits),
        Kind::List(m) if name == "member" => Some(&mut m.traits),
        Kind::Map(k, _) if name == "key" => Some(&mut k.traits),
        Kind::Map(_, v) if name == "value" => Some(&mut v.traits),
        _ => None,
    }
}

fn mixins_of(shape: &ast::Shape) -> &[ast::Reference] {
    use ast::Shape::*;
    match shape {
        Blob(s) | Boolean(s) | String(s) | Byte(s) | Short(s) | Integer(s) | Long(s) | Float(s) | Double(s)
        | BigInteger(s) | BigDecimal(s) | Timestamp(s) | Document(s) => &s.mixins,
        Enum(a) | IntEnum(a) | Structure(a) | Union(a) => &a.mixins,
        List(c) | Set(c) => &c.mixins,
        Map(m) => &m.mixins,
        Service(s) => &s.mixins,
        Operation(o) => &o.mixins,
        Resource(r) => &r.mixins,
        Apply(_) => &[],
    }
}

/// What an operation or resource marked `@mixin` may not define, as the reference loader rules:
/// an operation mixin has no input or output, a resource mixin defines no identifiers,
/// properties, lifecycle operations, operations or resources (only its traits are mixed in).
fn check_mixin_definition(id: &str, shape: &ast::Shape, at: &str) -> Result<(), Error> {
    let defined: Vec<&str> = match shape {
        ast::Shape::Operation(o) if o.traits.contains_key("smithy.api#mixin") => [("input", &o.input), ("output", &o.output)]
            .into_iter()
            .filter(|(_, r)| r.as_ref().is_some_and(|r| r.target != "smithy.api#Unit"))
            .map(|(name, _)| name)
            .collect(),
        ast::Shape::Resource(r) if r.traits.contains_key("smithy.api#mixin") => [
            ("identifiers", !r.identifiers.is_empty()),
            ("properties", !r.properties.is_empty()),
            ("create", r.create.is_some()),
            ("put", r.put.is_some()),
            ("read", r.read.is_some()),
            ("update", r.update.is_some()),
            ("delete", r.delete.is_some()),
            ("list", r.list.is_some()),
            ("operations", !r.operations.is_empty()),
            ("resources", !r.resources.is_empty()),
        ]
        .into_iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| name)
        .collect(),
        _ => return Ok(()),
    };
    if defined.is_empty() {
        return Ok(());
    }
    let message = match shape {
        ast::Shape::Operation(_) => format!(
            "an operation mixin cannot define its {}: leave it out (or target `smithy.api#Unit`) and define it in the operations that use the mixin",
            defined.join(" and ")
        ),
        _ => format!("a resource mixin cannot define {}: only its traits are mixed in", defined.join(", ")),
    };
    Err(Error::model(at, Some(id), message))
}

/// A member's traits with `newer` ones applied over them (the later mixin's, or the shape's own).
fn layer_traits(member: &mut Member, newer: &Traits) {
    let mut traits = newer.clone();
    traits.merge_from(&member.traits);
    member.traits = traits;
}

/// An error about member `name` of shape `id`, where it is written.
fn member_error(places: &BTreeMap<ShapeId, String>, file: &str, id: &str, name: &str, message: String) -> Error {
    let member = format!("{id}${name}");
    Error::model(&place(places, &member, file), Some(&member), message)
}

/// Adds the members of a mixin (`mixin`, already flattened) to those inherited so far (`all`,
/// each with the mixin member it came from): the same name must keep the same target, and the
/// later mixin's traits win.
fn inherit_members(id: &str, mixin: &str, members: &[Member], all: &mut Vec<(Member, String)>, places: &BTreeMap<ShapeId, String>, file: &str) -> Result<(), Error> {
    for m in members {
        let from = format!("{mixin}${}", m.name);
        match all.iter_mut().find(|(e, _)| e.name == m.name) {
            Some((existing, first)) if existing.target != m.target => {
                let message = format!(
                    "the inherited mixin members `{first}` (targets `{}`) and `{from}` (targets `{}`) conflict: a member mixed in from several mixins must have one target",
                    existing.target, m.target
                );
                return Err(member_error(places, file, id, &m.name, message));
            }
            Some((existing, _)) => layer_traits(existing, &m.traits),
            None => all.push((m.clone(), from)),
        }
    }
    Ok(())
}

/// A member written in a shape that also inherits it from a mixin only adds traits: it must keep
/// the mixin member's target. (A list or map member left out has an empty target.)
fn override_member(id: &str, local: &Member, inherited: &mut Member, from: &str, places: &BTreeMap<ShapeId, String>, file: &str) -> Result<(), Error> {
    if !local.target.is_empty() && local.target != inherited.target {
        let message = format!(
            "the member targets `{}` but the inherited mixin member `{from}` targets `{}`: a member cannot change the target of the mixin member it redefines",
            local.target, inherited.target
        );
        return Err(member_error(places, file, id, &local.name, message));
    }
    layer_traits(inherited, &local.traits);
    Ok(())
}

fn resolve_shape(
    id: &str,
    raw: &BTreeMap<ShapeId, (String, SmithyVersion, ast::Shape)>,
    places: &BTreeMap<ShapeId, String>,
    done: &mut BTreeMap<ShapeId, Shape>,
    stack: &mut Vec<ShapeId>,
) -> Result<(), Error> {
    if done.contains_key(id) {
        return Ok(());
    }
    let (file, _, shape) = &raw[id];
    let at = place(places, id, file);
    if stack.iter().any(|s| s == id) {
        return Err(Error::model(&at, Some(id), format!("mixin cycle: {} -> {id}", stack.join(" -> "))));
    }
    stack.push(id.to_string());
    let mut inherited: Vec<Shape> = Vec::new();
    for mixin in mixins_of(shape) {
        let Some((_, _, mixin_shape)) = raw.get(&mixin.target) else {
            return Err(Error::model(&at, Some(id), format!("mixin `{}` does not exist", mixin.target)));
        };
        if mixin_shape.type_name() != shape.type_name() {
            return Err(Error::model(
                &at,
                Some(id),
                format!(
                    "the mixin `{}` is a {} shape: mixins can only be mixed into shapes of their own type ({})",
                    mixin.target,
                    mixin_shape.type_name(),
                    shape.type_name()
                ),
            ));
        }
        resolve_shape(&mixin.target, raw, places, done, stack)?;
        inherited.push(done[&mixin.target].clone());
    }
    stack.pop();
    check_mixin_definition(id, shape, &at)?;
    let mut converted = convert(id, &at, shape)?;
    converted.file = file.clone();
    for mixin in &inherited {
        // Mixin traits apply unless the shape sets its own; `@mixin` itself is not inherited.
        let mut traits = mixin.traits.clone();
        traits.0.remove("smithy.api#mixin");
        converted.traits.merge_from(&traits);
    }
    if !inherited.is_empty() {
        match &mut converted.kind {
            Kind::Structure(ms) | Kind::Union(ms) => {
                let mut all: Vec<(Member, String)> = Vec::new();
                for mixin in &inherited {
                    if let Kind::Structure(mm) | Kind::Union(mm) = &mixin.kind {
                        inherit_members(id, &mixin.id, mm, &mut all, places, file)?;
                    }
                }
                for m in ms.drain(..) {
                    match all.iter_mut().find(|(e, _)| e.name == m.name) {
                        Some((existing, from)) => override_member(id, &m, existing, from, places, file)?,
                        None => all.push((m, String::new())),
                    }
                }
                *ms = all.into_iter().map(|(m, _)| m).collect();
            }
            Kind::List(member) => {
                for mixin in &inherited {
                    if let Kind::List(mm) = &mixin.kind {
                        let mut inherited_member = mm.clone();
                        override_member(id, member, &mut inherited_member, &format!("{}$member", mixin.id), places, file)?;
                        *member = inherited_member;
                    }
                }
            }
            Kind::Map(key, value) => {
                for mixin in &inherited {
                    if let Kind::Map(mk, mv) = &mixin.kind {
                        for (local, from) in [(&mut *key, mk), (&mut *value, mv)] {
                            let mut inherited_member = from.clone();
                            override_member(id, local, &mut inherited_member, &format!("{}${}", mixin.id, from.name), places, file)?;
                            *local = inherited_member;
                        }
                    }
                }
            }
            Kind::Enum(vs) | Kind::IntEnum(vs) => {
                let mut all: Vec<EnumValue> = Vec::new();
                for mixin in &inherited {
                    if let Kind::Enum(mv) | Kind::IntEnum(mv) = &mixin.kind {
                        all.extend(mv.iter().cloned());
                    }
                }
                for v in vs.drain(..) {
                    all.retain(|e| e.name != v.name);
                    all.push(v);
                }
                *vs = all;
            }
            Kind::Operation(op) => {
                for mixin in &inherited {
                    if let Kind::Operation(m) = &mixin.kind {
                        if op.input.is_empty() {
                            op.input = m.input.clone();
                        }
                        if op.output.is_empty() {
                            op.output = m.output.clone();
                        }
                        for e in &m.errors {
                            if !op.errors.contains(e) {
                                op.errors.push(e.clone());
                            }
                        }
                    }
                }
            }
            Kind::Service(svc) => {
                for mixin in &inherited {
                    if let Kind::Service(m) = &mixin.kind {
                        for o in &m.operations {
                            if !svc.operations.contains(o) {
                                svc.operations.push(o.clone());
                            }
                        }
                        for r in &m.resources {
                            if !svc.resources.contains(r) {
                                svc.resources.push(r.clone());
                            }
                        }
                        for e in &m.errors {
                            if !svc.errors.contains(e) {
                                svc.errors.push(e.clone());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    done.insert(id.to_string(), converted);
    Ok(())
}

fn member(m: &ast::Member, name: &str) -> Member {
    Member { name: name.to_string(), target: m.target.clone(), traits: Traits(m.traits.clone()), location: Location::Body }
}

/// The member of a list or the key or value of a map. Left out, it comes from the shape's mixins
/// (an empty target until they are merged in).
fn collection_member(id: &str, file: &str, m: &Option<ast::Member>, name: &str, mixins: &[ast::Reference]) -> Result<Member, Error> {
    match m {
        Some(m) => Ok(member(m, name)),
        None if !mixins.is_empty() => Ok(Member { name: name.to_string(), target: String::new(), traits: Traits::default(), location: Location::Body }),
        None => Err(Error::model(file, Some(id), format!("the shape has no `{name}` (and no mixin to take it from)"))),
    }
}

fn members(ms: &ast::Ordered<ast::Member>) -> Vec<Member> {
    ms.0.iter().map(|(n, m)| member(m, n)).collect()
}

fn targets(refs: &[ast::Reference]) -> Vec<ShapeId> {
    refs.iter().map(|r| r.target.clone()).collect()
}

fn convert(id: &str, file: &str, shape: &ast::Shape) -> Result<Shape, Error> {
    use ast::Shape as A;
    let simple = |kind: Kind, s: &ast::Simple| (kind, s.traits.clone());
    let (kind, traits) = match shape {
        A::Blob(s) => simple(Kind::Blob, s),
        A::Boolean(s) => simple(Kind::Boolean, s),
        A::String(s) => {
            if let Some(def) = s.traits.get("smithy.api#enum") {
                let values = v1_enum_values(id, file, def)?;
                let mut traits = s.traits.clone();
                traits.remove("smithy.api#enum");
                (Kind::Enum(values), traits)
            } else {
                simple(Kind::String, s)
            }
        }
        A::Byte(s) => simple(Kind::Byte, s),
        A::Short(s) => simple(Kind::Short, s),
        A::Integer(s) => simple(Kind::Integer, s),
        A::Long(s) => simple(Kind::Long, s),
        A::Float(s) => simple(Kind::Float, s),
        A::Double(s) => simple(Kind::Double, s),
        A::BigInteger(s) => simple(Kind::BigInteger, s),
        A::BigDecimal(s) => simple(Kind::BigDecimal, s),
        A::Timestamp(s) => simple(Kind::Timestamp, s),
        A::Document(s) => simple(Kind::Document, s),
        A::Enum(a) => {
            let mut values = Vec::new();
            for (name, m) in &a.members.0 {
                let value = match m.traits.get("smithy.api#enumValue") {
                    None => name.clone(),
                    Some(Value::String(v)) => v.clone(),
                    Some(_) => {
                        return Err(Error::model(file, Some(&format!("{id}${name}")), "`@enumValue` of an enum must be a string"))
                    }
                };
                values.push(EnumValue { name: name.clone(), value: EnumLiteral::String(value), traits: Traits(m.traits.clone()) });
            }
            (Kind::Enum(values), a.traits.clone())
        }
        A::IntEnum(a) => {
            let mut values = Vec::new();
            for (name, m) in &a.members.0 {
                let value = m.traits.get("smithy.api#enumValue").and_then(Value::as_i64).ok_or_else(|| {
                    Error::model(file, Some(&format!("{id}${name}")), "an intEnum member needs an integer `@enumValue`")
                })?;
                values.push(EnumValue { name: name.clone(), value: EnumLiteral::Int(value), traits: Traits(m.traits.clone()) });
            }
            (Kind::IntEnum(values), a.traits.clone())
        }
        A::List(c) => (Kind::List(collection_member(id, file, &c.member, "member", &c.mixins)?), c.traits.clone()),
        A::Set(c) => {
            let mut traits = c.traits.clone();
            traits.insert("smithy.api#uniqueItems".into(), Value::Object(Default::default()));
            (Kind::List(collection_member(id, file, &c.member, "member", &c.mixins)?), traits)
        }
        A::Map(m) => (
            Kind::Map(collection_member(id, file, &m.key, "key", &m.mixins)?, collection_member(id, file, &m.value, "value", &m.mixins)?),
            m.traits.clone(),
        ),
        A::Structure(a) => (Kind::Structure(members(&a.members)), a.traits.clone()),
        A::Union(a) => (Kind::Union(members(&a.members)), a.traits.clone()),
        A::Service(s) => (
            Kind::Service(Service {
                version: s.version.clone(),
                operations: targets(&s.operations),
                resources: targets(&s.resources),
                errors: targets(&s.errors),
                rename: s.rename.clone(),
                info: ServiceInfo::default(),
            }),
            s.traits.clone(),
        ),
        A::Operation(o) => (
            Kind::Operation(Operation {
                input: o.input.as_ref().map(|r| r.target.clone()).filter(|t| t != "smithy.api#Unit").unwrap_or_default(),
                output: o.output.as_ref().map(|r| r.target.clone()).filter(|t| t != "smithy.api#Unit").unwrap_or_default(),
                errors: targets(&o.errors),
                info: OperationInfo::default(),
            }),
            o.traits.clone(),
        ),
        A::Resource(r) => (Kind::Resource(r.clone()), r.traits.clone()),
        A::Apply(_) => unreachable!("apply statements are merged before conversion"),
    };
    if let Kind::Enum(values) | Kind::IntEnum(values) = &kind {
        if values.is_empty() {
            return Err(Error::model(file, Some(id), "an enum needs at least one member"));
        }
        // Smithy requires unique values; a duplicate would be an unreachable match arm.
        for (i, v) in values.iter().enumerate() {
            if let Some(first) = values[..i].iter().find(|w| w.value == v.value) {
                let value = match &v.value {
                    EnumLiteral::String(s) => format!("{s:?}"),
                    EnumLiteral::Int(n) => n.to_string(),
                };
                return Err(Error::model(
                    file,
                    Some(id),
                    format!("enum members `{}` and `{}` have the same value {value}", first.name, v.name),
                ));
            }
        }
    }
    Ok(Shape { id: id.to_string(), kind, traits: Traits(traits), file: file.to_string() })
}

/// Smithy 1.0 `@enum` definitions -> enum values.
fn v1_enum_values(id: &str, file: &str, def: &Value) -> Result<Vec<EnumValue>, Error> {
    let list = def
        .as_array()
        .ok_or_else(|| Error::model(file, Some(id), "`@enum` must be a list of enum definitions"))?;
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let value = entry.get("value").and_then(Value::as_str).ok_or_else(|| {
            Error::model(file, Some(id), format!("`@enum`[{i}].value must be a string"))
        })?;
        let name = entry.get("name").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| value.to_string());
        let mut traits = BTreeMap::new();
        if let Some(doc) = entry.get("documentation") {
            traits.insert("smithy.api#documentation".to_string(), doc.clone());
        }
        if entry.get("deprecated").and_then(Value::as_bool) == Some(true) {
            traits.insert("smithy.api#deprecated".to_string(), Value::Object(Default::default()));
        }
        out.push(EnumValue { name, value: EnumLiteral::String(value.to_string()), traits: Traits(traits) });
    }
    Ok(out)
}

/// Smithy 1.0: numbers and booleans are non-null unless `@box`ed; give such members their zero
/// default, which is what 2.0 says explicitly.
fn lower_v1(model: &mut Model, version_of: &BTreeMap<ShapeId, SmithyVersion>) {
    let boxed: BTreeSet<ShapeId> = model
        .shapes
        .values()
        .filter(|s| s.traits.has("smithy.api#box"))
        .map(|s| s.id.clone())
        .collect();
    let zero_of: BTreeMap<ShapeId, Value> = model
        .shapes
        .values()
        .filter(|s| !boxed.contains(&s.id) && (version_of.get(&s.id) == Some(&SmithyVersion::V1) || s.id.starts_with("smithy.api#Primitive")))
        .filter_map(|s| {
            let zero = match s.kind {
                Kind::Boolean => Value::Bool(false),
                Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => Value::from(0),
                Kind::Float | Kind::Double => Value::from(0.0),
                _ => return None,
            };
            Some((s.id.clone(), zero))
        })
        .collect();
    for shape in model.shapes.values_mut() {
        if version_of.get(&shape.id) != Some(&SmithyVersion::V1) {
            continue;
        }
        if let Kind::Structure(ms) = &mut shape.kind {
            for m in ms {
                if m.traits.has("smithy.api#box") || m.traits.has("smithy.api#default") {
                    continue;
                }
                if let Some(zero) = zero_of.get(&m.target) {
                    m.traits.0.insert("smithy.api#default".into(), zero.clone());
                }
            }
        }
    }
}

/// Rejects lists and maps that contain themselves with no structure or union in between: Smithy
/// forbids them and they would have no finite Rust type.
fn check_collection_cycles(model: &Model) -> Result<(), Error> {
    fn inner(model: &Model, id: &str) -> Vec<ShapeId> {
        match model.shapes.get(id).map(|s| &s.kind) {
            Some(Kind::List(m)) => vec![m.target.clone()],
            Some(Kind::Map(k, v)) => vec![k.target.clone(), v.target.clone()],
            _ => Vec::new(),
        }
    }
    // 1 = on the current path, 2 = done.
    let mut state: BTreeMap<ShapeId, u8> = BTreeMap::new();
    for start in model.shapes.keys() {
        if state.contains_key(start) || inner(model, start).is_empty() {
            continue;
        }
        let mut stack: Vec<(ShapeId, Vec<ShapeId>)> = vec![(start.clone(), inner(model, start))];
        state.insert(start.clone(), 1);
        while let Some((node, next)) = stack.last_mut() {
            let Some(target) = next.pop() else {
                state.insert(node.clone(), 2);
                stack.pop();
                continue;
            };
            match state.get(&target) {
                Some(1) => {
                    let begin = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[begin..].iter().map(|(n, _)| n.as_str()).collect();
                    cycle.push(&target);
                    return Err(Error::model(
                        &model.place(&target),
                        Some(&target),
                        format!("this list or map contains itself with no structure or union in between ({})", cycle.join(" -> ")),
                    ));
                }
                Some(_) => {}
                None => {
                    state.insert(target.clone(), 1);
                    let more = inner(model, &target);
                    stack.push((target, more));
                }
            }
        }
    }
    Ok(())
}

fn check_targets(model: &Model) -> Result<(), Error> {
    for shape in model.shapes.values() {
        let check = |target: &str, member: &str| -> Result<(), Error> {
            let member = format!("{}${member}", shape.id);
            let what = match model.shapes.get(target).map(|t| &t.kind) {
                Some(Kind::Service(_)) => "a service",
                Some(Kind::Operation(_)) => "an operation",
                Some(Kind::Resource(_)) => "a resource",
                Some(_) => return Ok(()),
                None => return Err(Error::model(&model.place(&member), Some(&member), format!("target `{target}` does not exist"))),
            };
            Err(Error::model(&model.place(&member), Some(&member), format!("target `{target}` is {what}; a member must target a data shape")))
        };
        match &shape.kind {
            Kind::Structure(ms) | Kind::Union(ms) => {
                for m in ms {
                    check(&m.target, &m.name)?;
                    if m.target == "smithy.api#Unit" && matches!(shape.kind, Kind::Structure(_)) {
                        let member = format!("{}${}", shape.id, m.name);
                        return Err(Error::model(&model.place(&member), Some(&member), "only union members can target `smithy.api#Unit`"));
                    }
                }
            }
            Kind::List(m) => check(&m.target, "member")?,
            Kind::Map(k, v) => {
                check(&k.target, "key")?;
                check(&v.target, "value")?;
                if !matches!(model.shapes[&k.target].kind, Kind::String | Kind::Enum(_)) {
                    let member = format!("{}$key", shape.id);
                    return Err(Error::model(
                        &model.place(&member),
                        Some(&member),
                        format!("a map key must target a string or enum shape, not `{}`", k.target),
                    ));
                }
            }
            Kind::Operation(op) => {
                for (t, what) in [(&op.input, "input"), (&op.output, "output")] {
                    if !model.shapes.contains_key(t) {
                        return Err(Error::model(&model.place(&shape.id), Some(&shape.id), format!("{what} `{t}` does not exist")));
                    }
                }
                for e in &op.errors {
                    if !model.shapes.contains_key(e) {
                        return Err(Error::model(&model.place(&shape.id), Some(&shape.id), format!("error `{e}` does not exist")));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The prelude shapes of `smithy.api`.
fn prelude() -> Vec<(ShapeId, Shape)> {
    let mut out = Vec::new();
    let mut add = |name: &str, kind: Kind, traits: &[(&str, Value)]| {
        let id = format!("smithy.api#{name}");
        let traits = Traits(traits.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
        out.push((id.clone(), Shape { id, kind, traits, file: "<prelude>".into() }));
    };
    let empty = || Value::Object(Default::default());
    add("String", Kind::String, &[]);
    add("Blob", Kind::Blob, &[]);
    add("BigInteger", Kind::BigInteger, &[]);
    add("BigDecimal", Kind::BigDecimal, &[]);
    add("Timestamp", Kind::Timestamp, &[]);
    add("Document", Kind::Document, &[]);
    add("Boolean", Kind::Boolean, &[("smithy.api#box", empty())]);
    add("Byte", Kind::Byte, &[("smithy.api#box", empty())]);
    add("Short", Kind::Short, &[("smithy.api#box", empty())]);
    add("Integer", Kind::Integer, &[("smithy.api#box", empty())]);
    add("Long", Kind::Long, &[("smithy.api#box", empty())]);
    add("Float", Kind::Float, &[("smithy.api#box", empty())]);
    add("Double", Kind::Double, &[("smithy.api#box", empty())]);
    add("PrimitiveBoolean", Kind::Boolean, &[("smithy.api#default", Value::Bool(false))]);
    add("PrimitiveByte", Kind::Byte, &[("smithy.api#default", Value::from(0))]);
    add("PrimitiveShort", Kind::Short, &[("smithy.api#default", Value::from(0))]);
    add("PrimitiveInteger", Kind::Integer, &[("smithy.api#default", Value::from(0))]);
    add("PrimitiveLong", Kind::Long, &[("smithy.api#default", Value::from(0))]);
    add("PrimitiveFloat", Kind::Float, &[("smithy.api#default", Value::from(0.0))]);
    add("PrimitiveDouble", Kind::Double, &[("smithy.api#default", Value::from(0.0))]);
    add("Unit", Kind::Structure(Vec::new()), &[("smithy.api#unitType", empty())]);
    out
}
