//! Chooses what to generate: the service's operations (directly bound or through resources), the
//! ones the user selected, the closure of shapes they reach, and which members to box.

use crate::model::{shape_name, Kind, Model, ShapeId};
use crate::Error;
use std::collections::{BTreeMap, BTreeSet};

/// What a generated crate contains.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The service shape.
    pub service: ShapeId,
    /// The selected operations, by shape ID.
    pub operations: BTreeSet<ShapeId>,
    /// Errors of each operation, the service's errors appended, in model order.
    pub op_errors: BTreeMap<ShapeId, Vec<ShapeId>>,
    /// Structures, unions, enums and errors to emit as types (inputs and outputs only if a
    /// member refers to them).
    pub shapes: BTreeSet<ShapeId>,
    /// Operation input and output structures.
    pub op_io: BTreeSet<ShapeId>,
    /// Every shape reached (including lists, maps and simple shapes).
    pub reached: BTreeSet<ShapeId>,
    /// `(container, member)` pairs boxed to break recursion.
    pub boxed: BTreeSet<(ShapeId, String)>,
    /// The service's `rename` map.
    pub rename: BTreeMap<ShapeId, String>,
}

/// All operations of a service: bound directly or through (nested) resources.
pub fn service_operations(model: &Model, service: &str) -> Result<Vec<ShapeId>, Error> {
    let shape = model
        .get(service)
        .ok_or_else(|| missing_service(model, service))?;
    let Kind::Service(svc) = &shape.kind else {
        return Err(Error::model(&shape.file, Some(service), "this shape is not a service"));
    };
    let mut ops: Vec<ShapeId> = svc.operations.clone();
    let mut stack: Vec<ShapeId> = svc.resources.clone();
    let mut seen = BTreeSet::new();
    while let Some(r) = stack.pop() {
        if !seen.insert(r.clone()) {
            continue;
        }
        let res = model.expect(&r, service)?;
        let Kind::Resource(res) = &res.kind else {
            return Err(Error::model(&shape.file, Some(&r), "listed as a resource but is not one"));
        };
        ops.extend(res.all_operations().map(|o| o.target.clone()));
        stack.extend(res.resources.iter().map(|x| x.target.clone()));
    }
    let mut unique = BTreeSet::new();
    ops.retain(|o| unique.insert(o.clone()));
    for o in &ops {
        let s = model.expect(o, service)?;
        if !matches!(s.kind, Kind::Operation(_)) {
            return Err(Error::model(&s.file, Some(o), "bound as an operation but is not one"));
        }
    }
    Ok(ops)
}

/// The Smithy name of a shape's type, for messages.
fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Blob => "blob",
        Kind::Boolean => "boolean",
        Kind::String => "string",
        Kind::Byte => "byte",
        Kind::Short => "short",
        Kind::Integer => "integer",
        Kind::Long => "long",
        Kind::Float => "float",
        Kind::Double => "double",
        Kind::BigInteger => "bigInteger",
        Kind::BigDecimal => "bigDecimal",
        Kind::Timestamp => "timestamp",
        Kind::Document => "document",
        Kind::Enum(_) => "enum",
        Kind::IntEnum(_) => "intEnum",
        Kind::List(_) => "list",
        Kind::Map(..) => "map",
        Kind::Structure(_) => "structure",
        Kind::Union(_) => "union",
        Kind::Service(_) => "service",
        Kind::Operation(_) => "operation",
        Kind::Resource(_) => "resource",
    }
}

/// The error for a service ID that is not in the model: names the model files and the services
/// they do have.
fn missing_service(model: &Model, service: &str) -> Error {
    let files: BTreeSet<&str> = model.shapes.values().map(|s| s.file.as_str()).filter(|f| *f != "<prelude>").collect();
    let mut files: Vec<&str> = files.into_iter().collect();
    if files.len() > 4 {
        let more = format!("and {} more files", files.len() - 3);
        files.truncate(3);
        return Error::config(format!("service `{service}` is not in the model ({}, {more})", files.join(", ")));
    }
    let services: Vec<String> =
        model.shapes.values().filter(|s| matches!(s.kind, Kind::Service(_))).map(|s| format!("`{}`", s.id)).collect();
    let files = if files.is_empty() { "no shapes".to_string() } else { files.join(", ") };
    if services.is_empty() {
        Error::config(format!("service `{service}` is not in the model ({files}), which has no service shapes"))
    } else {
        Error::config(format!("service `{service}` is not in the model ({files}); its services: {}", services.join(", ")))
    }
}

/// Selects `wanted` operations (by name, or all when `None`) of `service` and their closure.
pub fn select(model: &Model, service: &str, wanted: Option<&[String]>) -> Result<Selection, Error> {
    let all = service_operations(model, service)?;
    let Kind::Service(svc) = &model.shapes[service].kind else { unreachable!("checked above") };
    let rename = svc.rename.clone();
    let display = |id: &str| rename.get(id).cloned().unwrap_or_else(|| shape_name(id).to_string());
    let operations: BTreeSet<ShapeId> = match wanted {
        None => all.iter().cloned().collect(),
        Some(names) => {
            let mut out = BTreeSet::new();
            for name in names {
                let found = all.iter().find(|id| display(id) == *name || shape_name(id) == name || *id == name);
                match found {
                    Some(id) => {
                        out.insert(id.clone());
                    }
                    None => {
                        let mut known: Vec<String> = all.iter().map(|id| display(id)).collect();
                        known.sort();
                        let hint = if known.len() > 12 {
                            format!("{} ... ({} operations)", known[..12].join(", "), known.len())
                        } else {
                            known.join(", ")
                        };
                        return Err(Error::config(format!(
                            "operation `{name}` is not an operation of service `{service}` ({}); it has: {hint}",
                            model.shapes[service].file
                        )));
                    }
                }
            }
            out
        }
    };
    if operations.is_empty() {
        return Err(Error::model(
            &model.shapes[service].file,
            Some(service),
            if all.is_empty() {
                "the service has no operations".to_string()
            } else {
                format!("no operations are selected (the service has {})", all.len())
            },
        ));
    }
    let mut op_errors = BTreeMap::new();
    let mut roots: Vec<ShapeId> = Vec::new();
    let mut op_io = BTreeSet::new();
    for op in &operations {
        let Kind::Operation(o) = &model.shapes[op].kind else { continue };
        let mut errors = o.errors.clone();
        for e in &svc.errors {
            if !errors.contains(e) {
                errors.push(e.clone());
            }
        }
        for e in &errors {
            let shape = model.expect(e, op)?;
            if shape.traits.error().is_none() || !matches!(shape.kind, Kind::Structure(_)) {
                return Err(Error::model(&shape.file, Some(e), format!("used as an error of `{op}` but it is not an `@error` structure")));
            }
        }
        roots.extend(errors.iter().cloned());
        op_errors.insert(op.clone(), errors);
        for io in [&o.input, &o.output] {
            let shape = model.expect(io, op)?;
            if !matches!(shape.kind, Kind::Structure(_)) {
                let what = if &o.input == io { "input" } else { "output" };
                return Err(Error::model(
                    &model.shapes[op].file,
                    Some(op),
                    format!("its {what} `{io}` must be a structure, not a {}", kind_name(&shape.kind)),
                ));
            }
            op_io.insert(io.clone());
            // Inputs and outputs become operation types; only their members are roots.
            if let Kind::Structure(ms) = &shape.kind {
                roots.extend(ms.iter().map(|m| m.target.clone()));
            }
        }
    }
    let mut reached = BTreeSet::new();
    while let Some(id) = roots.pop() {
        if !reached.insert(id.clone()) {
            continue;
        }
        let shape = model.expect(&id, service)?;
        match &shape.kind {
            Kind::Structure(ms) | Kind::Union(ms) => roots.extend(ms.iter().map(|m| m.target.clone())),
            Kind::List(m) => roots.push(m.target.clone()),
            Kind::Map(k, v) => {
                roots.push(k.target.clone());
                roots.push(v.target.clone());
            }
            _ => {}
        }
    }
    let shapes: BTreeSet<ShapeId> = reached
        .iter()
        // `smithy.api#Unit` (unit union members) is not a type of its own.
        .filter(|id| *id != "smithy.api#Unit")
        .filter(|id| {
            matches!(model.shapes[*id].kind, Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_))
        })
        .cloned()
        .collect();
    let mut all_structs: BTreeSet<ShapeId> = shapes.clone();
    all_structs.extend(op_io.iter().cloned());
    let boxed = box_recursion(model, &all_structs);
    Ok(Selection {
        service: service.to_string(),
        operations,
        op_errors,
        shapes,
        op_io,
        reached,
        boxed,
        rename,
    })
}

/// Finds members that must be boxed so every type has a finite size: repeatedly finds a cycle of
/// direct (non-list, non-map, unboxed) structure/union references and boxes the member with the
/// smallest `(container, member)` on it. Deterministic for a given model.
fn box_recursion(model: &Model, structs: &BTreeSet<ShapeId>) -> BTreeSet<(ShapeId, String)> {
    let mut boxed: BTreeSet<(ShapeId, String)> = BTreeSet::new();
    loop {
        let edges = |from: &str, boxed: &BTreeSet<(ShapeId, String)>| -> Vec<(String, ShapeId)> {
            match &model.shapes[from].kind {
                Kind::Structure(ms) | Kind::Union(ms) => ms
                    .iter()
                    .filter(|m| !boxed.contains(&(from.to_string(), m.name.clone())))
                    .filter(|m| matches!(model.shapes.get(&m.target).map(|s| &s.kind), Some(Kind::Structure(_) | Kind::Union(_))))
                    .map(|m| (m.name.clone(), m.target.clone()))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let mut found: Option<Vec<(ShapeId, String)>> = None;
        // Depth-first search for a cycle, in sorted order.
        let mut state: BTreeMap<ShapeId, u8> = BTreeMap::new();
        for start in structs {
            if found.is_some() {
                break;
            }
            if state.get(start).copied().unwrap_or(0) != 0 {
                continue;
            }
            let mut path: Vec<(ShapeId, String)> = Vec::new();
            let mut stack: Vec<(ShapeId, Vec<(String, ShapeId)>, usize)> = vec![(start.clone(), edges(start, &boxed), 0)];
            state.insert(start.clone(), 1);
            while let Some((node, list, idx)) = stack.last_mut() {
                if *idx >= list.len() {
                    state.insert(node.clone(), 2);
                    stack.pop();
                    path.pop();
                    continue;
                }
                let (member, target) = list[*idx].clone();
                *idx += 1;
                let node = node.clone();
                match state.get(&target).copied().unwrap_or(0) {
                    0 => {
                        path.push((node, member));
                        state.insert(target.clone(), 1);
                        let e = edges(&target, &boxed);
                        stack.push((target, e, 0));
                    }
                    1 => {
                        // Cycle: from `target` along the path back to `node`, plus this edge.
                        path.push((node, member));
                        let begin = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
                        found = Some(path[begin..].to_vec());
                        break;
                    }
                    _ => {}
                }
            }
        }
        match found.and_then(|cycle| cycle.into_iter().min()) {
            Some(edge) => {
                boxed.insert(edge);
            }
            None => return boxed,
        }
    }
}
