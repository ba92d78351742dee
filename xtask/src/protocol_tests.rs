//! `cargo xtask protocol-tests`: runs the official Smithy AWS protocol compliance tests
//! (`smithy.test#httpRequestTests` / `httpResponseTests`) against generated crates.
//!
//! Every awsJson service of the test model is generated with all operations into one scratch
//! workspace under `target/protocol-tests/`; every client-side case becomes a `#[tokio::test]`
//! in `tests/protocol_tests.rs` of that crate, written against the crate's public API with the
//! names the codegen symbol table gives. One `cargo test` runs them all; the libtest output is
//! mapped back to case ids.

use crate::codegen_cmd;
use codegen::model::{shape_name, Kind, Member, Model};
use codegen::select::Selection;
use codegen::symbols::{default_literal, Symbols};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

/// A JSON AST file of `apply` statements giving the test model's S3 shapes the endpoint traits
/// (`smithy.rules#*`) their namesakes have in the real S3 model.
fn s3_rules_overlay(test_model: &str, s3_model: &str) -> Result<String, String> {
    let test: Value = serde_json::from_str(test_model).map_err(|e| e.to_string())?;
    let real: Value = serde_json::from_str(s3_model).map_err(|e| format!("S3 model: {e}"))?;
    let (Some(test), Some(real)) = (test.get("shapes").and_then(Value::as_object), real.get("shapes").and_then(Value::as_object)) else {
        return Err("models without shapes".into());
    };
    let rules = |traits: Option<&Value>| -> serde_json::Map<String, Value> {
        traits
            .and_then(Value::as_object)
            .map(|t| t.iter().filter(|(k, _)| k.starts_with("smithy.rules#")).map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let mut applies = serde_json::Map::new();
    for (id, shape) in test {
        if !id.starts_with("com.amazonaws.s3#") {
            continue;
        }
        let Some(original) = real.get(id) else { continue };
        let traits = rules(original.get("traits"));
        if !traits.is_empty() {
            applies.insert(id.clone(), serde_json::json!({"type": "apply", "traits": traits}));
        }
        if let (Some(members), Some(real_members)) = (shape.get("members").and_then(Value::as_object), original.get("members").and_then(Value::as_object)) {
            for name in members.keys() {
                let traits = rules(real_members.get(name).and_then(|m| m.get("traits")));
                if !traits.is_empty() {
                    applies.insert(format!("{id}${name}"), serde_json::json!({"type": "apply", "traits": traits}));
                }
            }
        }
    }
    Ok(serde_json::json!({"smithy": "2.0", "shapes": applies}).to_string())
}

/// The protocols the generator implements (the codegen library decides).
fn supported() -> Vec<&'static str> {
    codegen::protocols::supported()
}
const MODEL_FILES: &[&str] = &["smithy-aws-protocol-tests.json", "shared-types.json", "smithy-validation-model.json"];

/// One test case and where its outcome goes.
#[derive(Debug, Clone)]
struct CaseRef {
    protocol: String,
    id: String,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
}

fn short_protocol(p: &str) -> &str {
    p.rsplit_once('#').map(|(_, n)| n).unwrap_or(p)
}

pub fn cmd(args: &[String]) -> Result<(), String> {
    let dir = crate::flag(args, "--tests")?.map(PathBuf::from).unwrap_or_else(|| codegen_cmd::root().join("../shared/protocol-tests"));
    let only_protocol = crate::flag(args, "--protocol")?;
    let filter = crate::flag(args, "--filter")?;
    let keep = args.iter().any(|a| a == "--keep");
    let mut files = Vec::new();
    for name in MODEL_FILES {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    // The test model's S3 service is a slice of S3 without its endpoint rules; its addressing
    // cases (virtual-hosted, path-style, accelerate, dual-stack) are decided by those rules, so
    // they are applied from the real S3 model beside the tests when it is there.
    let s3_model = dir.join("../models/aws/s3.json");
    if let Ok(text) = std::fs::read_to_string(&s3_model) {
        let overlay = s3_rules_overlay(&files[0].1, &text)?;
        files.push((format!("{} (S3 endpoint rules applied)", s3_model.display()), overlay));
    }
    let protocol_wanted = |p: &str| only_protocol.as_deref().is_none_or(|w| w == p || w == short_protocol(p));
    let case_wanted = |id: &str| filter.as_deref().is_none_or(|f| id.contains(f));

    // Services of the test model, by their protocol trait.
    let raw: Value = serde_json::from_str(&files[0].1).map_err(|e| format!("{}: {e}", files[0].0))?;
    let shapes = raw.get("shapes").and_then(Value::as_object).ok_or("test model has no shapes")?;
    let mut services: Vec<(String, String)> = Vec::new();
    for (id, s) in shapes {
        if s.get("type").and_then(Value::as_str) != Some("service") {
            continue;
        }
        let traits = s.get("traits").and_then(Value::as_object);
        if let Some(p) = supported().iter().find(|p| traits.is_some_and(|t| t.contains_key(**p))) {
            if protocol_wanted(p) {
                services.push((id.clone(), p.to_string()));
            }
        }
    }
    // Client-side cases of protocols that are not supported: counted per protocol.
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    for s in shapes.values() {
        for key in ["smithy.test#httpRequestTests", "smithy.test#httpResponseTests"] {
            for c in s.get("traits").and_then(|t| t.get(key)).and_then(Value::as_array).into_iter().flatten() {
                let p = c.get("protocol").and_then(Value::as_str).unwrap_or("");
                if c.get("appliesTo").and_then(Value::as_str) == Some("server") || supported().contains(&p) {
                    continue;
                }
                *unsupported.entry(p.to_string()).or_default() += 1;
            }
        }
    }

    let scratch = codegen_cmd::root().join("target/protocol-tests");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for p in supported().iter().filter(|p| protocol_wanted(p)) {
        tallies.insert(p.to_string(), Tally::default());
    }
    let mut tests: BTreeMap<String, CaseRef> = BTreeMap::new();
    let mut members = Vec::new();
    for (service, protocol) in &services {
        let crate_dir = format!("pt-{}", codegen::sanitize::snake(shape_name(service)).replace('_', "-"));
        let crate_name = crate_dir.clone();
        let spec = codegen::CrateSpec { crate_name: crate_name.clone(), version: "0.1.0".into(), service: service.clone(), operations: None, runtime: Default::default() };
        let (model, sel) = codegen::load(&files, &spec).map_err(|e| format!("loading {service}: {e}"))?;
        let sym = Symbols::build(&model, &sel).map_err(|e| format!("naming {service}: {e}"))?;
        let generated = codegen::generate(&files, &spec).map_err(|e| format!("generating {service}: {e}"))?;
        let mut out = codegen::format_files(generated).map_err(|e| e.to_string())?;
        let tally = tallies.get_mut(protocol).ok_or("protocol tally")?;
        let writer = TestWriter { model: &model, sel: &sel, sym: &sym, krate: crate_name.replace('-', "_"), tag: codegen::sanitize::snake(shape_name(service)) };
        let mut body = String::new();
        let cases = collect_cases(&model, &sel, service, protocol)?;
        let mut used_names = BTreeSet::new();
        for case in cases {
            let id = case.case.get("id").and_then(Value::as_str).unwrap_or("<no id>").to_string();
            if !case_wanted(&id) {
                continue;
            }
            let cref = CaseRef { protocol: protocol.clone(), id: id.clone() };
            let op = match &case.op {
                Ok(op) => op.clone(),
                Err(reason) => {
                    tally.skipped.push((id, reason.clone()));
                    continue;
                }
            };
            let mut name = format!("{}__{}_{}", writer.tag, if case.request { "req" } else { "res" }, codegen::sanitize::snake(&id));
            while !used_names.insert(name.clone()) {
                name.push('_');
            }
            let code = if case.request {
                writer.request_test(&name, &op, &case.case)
            } else {
                writer.response_test(&name, &op, case.error.as_deref(), &case.case)
            };
            match code {
                Ok(code) => {
                    body.push_str(&code);
                    tests.insert(name, cref);
                }
                Err(reason) => tally.failed.push((id, format!("test not generated: {reason}"))),
            }
        }
        let mut eq_types = vec![format!("{0}::primitives::Blob, {0}::primitives::ByteStream, {0}::primitives::DateTime, {0}::primitives::Document, {0}::primitives::BigInteger, {0}::primitives::BigDecimal", writer.krate)];
        for id in &sel.shapes {
            let shape = &model.shapes[id];
            if matches!(shape.kind, Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_)) && shape.traits.error().is_none() {
                eq_types.push(writer.type_path(id));
            }
        }
        let eq_impls = format!("by_partial_eq!({});\n", eq_types.join(",\n    "));
        out.insert("tests/protocol_tests.rs".into(), format!("{HELPERS}{eq_impls}{body}"));
        let manifest = out.get_mut("Cargo.toml").ok_or("no Cargo.toml generated")?;
        // The default HTTPS client is not needed: the tests use the mock transport.
        // (Other default features, such as `request-compression`, stay.)
        *manifest = manifest.replace("default = [\"default-https-client\", \"tracing\"", "default = [\"rt-tokio\"");
        manifest.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", default-features = false, features = [\"rt\", \"macros\"] }\nserde_json = \"1\"\nhttp = \"1\"\nxmlparser = \"0.13\"\n");
        codegen_cmd::sync(&scratch.join(&crate_dir), &out, false)?;
        members.push(crate_dir);
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\n",
        members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let lock = codegen_cmd::root().join("Cargo.lock");
    if lock.exists() && !scratch.join("Cargo.lock").exists() {
        let _ = std::fs::copy(&lock, scratch.join("Cargo.lock"));
    }

    let mut results: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    if !tests.is_empty() {
        eprintln!("running {} protocol tests in {}", tests.len(), scratch.display());
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", scratch.join("target"))
            .args(["test", "--workspace", "--no-fail-fast", "--test", "protocol_tests", "--", "--test-threads=4"])
            .output()
            .map_err(|e| format!("running cargo: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        results = parse_libtest(&stdout);
        if results.is_empty() {
            return Err(format!("cargo test ran no protocol tests:\n{stderr}"));
        }
    }
    for (name, cref) in &tests {
        let tally = tallies.get_mut(&cref.protocol).ok_or("protocol tally")?;
        match results.get(name) {
            Some(Ok(())) => tally.passed += 1,
            Some(Err(reason)) => tally.failed.push((cref.id.clone(), reason.clone())),
            None => tally.failed.push((cref.id.clone(), "did not run (its crate's tests did not compile?)".into())),
        }
    }

    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (p, t) in &tallies {
        println!("{}: {} passed, {} failed, {} skipped", short_protocol(p), t.passed, t.failed.len(), t.skipped.len());
        passed += t.passed;
        failed += t.failed.len();
        skipped += t.skipped.len();
    }
    for (p, n) in &unsupported {
        if protocol_wanted(p) {
            println!("{}: not supported yet ({n} client cases not run)", short_protocol(p));
        }
    }
    for (p, t) in &tallies {
        for (id, reason) in &t.skipped {
            println!("SKIP {} {id}: {reason}", short_protocol(p));
        }
    }
    for (p, t) in &tallies {
        for (id, reason) in &t.failed {
            println!("FAIL {} {id}: {reason}", short_protocol(p));
        }
    }
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    if keep {
        println!("generated crates kept in {}", scratch.display());
    } else {
        for m in &members {
            let _ = std::fs::remove_dir_all(scratch.join(m));
        }
    }
    if failed > 0 {
        return Err(format!("{failed} protocol test cases failed"));
    }
    Ok(())
}

/// `test name ... ok|FAILED` lines plus the failure messages of libtest's `---- name stdout ----` sections.
fn parse_libtest(stdout: &str) -> BTreeMap<String, Result<(), String>> {
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        if let Some((name, outcome)) = rest.split_once(" ... ") {
            match outcome.trim() {
                "ok" => {
                    results.insert(name.to_string(), Ok(()));
                }
                "FAILED" => {
                    results.insert(name.to_string(), Err("failed".to_string()));
                }
                _ => {}
            }
        }
    }
    // Failure details.
    let mut current: Option<String> = None;
    let mut text = String::new();
    let flush = |current: &Option<String>, text: &str, results: &mut BTreeMap<String, Result<(), String>>| {
        if let Some(name) = current {
            // The panic message and, for `assert_eq!`, its `left:`/`right:` lines.
            let reason = text
                .lines()
                .skip_while(|l| !l.contains("panicked at"))
                .skip(1)
                .take_while(|l| !l.starts_with("note:") && !l.starts_with("stack backtrace"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let reason = if reason.is_empty() { "failed".to_string() } else { reason };
            let reason: String = if reason.chars().count() > 400 { reason.chars().take(400).collect::<String>() + "..." } else { reason };
            results.insert(name.clone(), Err(reason));
        }
    };
    for line in stdout.lines() {
        if let Some(name) = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----")) {
            flush(&current, &text, &mut results);
            current = Some(name.to_string());
            text.clear();
        } else if line == "failures:" || line.starts_with("test result:") {
            flush(&current, &text, &mut results);
            current = None;
            text.clear();
        } else if current.is_some() {
            text.push_str(line);
            text.push('\n');
        }
    }
    flush(&current, &text, &mut results);
    results
}

struct Case {
    request: bool,
    /// The operation to call, or why the case cannot run.
    op: Result<String, String>,
    /// For response tests on error shapes: the error shape.
    error: Option<String>,
    case: Value,
}

/// The client-side cases of `protocol` on the service's operations and error shapes.
fn collect_cases(model: &Model, sel: &Selection, service: &str, protocol: &str) -> Result<Vec<Case>, String> {
    let all_ops = codegen::select::service_operations(model, service).map_err(|e| e.to_string())?;
    let wanted = |c: &Value| {
        c.get("protocol").and_then(Value::as_str) == Some(protocol) && c.get("appliesTo").and_then(Value::as_str) != Some("server")
    };
    let mut out = Vec::new();
    for op in &all_ops {
        let shape = &model.shapes[op];
        let op_ref = if sel.operations.contains(op) {
            Ok(op.clone())
        } else {
            Err(format!("operation {} is not generated (it uses @streaming members, not supported yet)", shape_name(op)))
        };
        for (key, request) in [("smithy.test#httpRequestTests", true), ("smithy.test#httpResponseTests", false)] {
            for c in shape.traits.get(key).and_then(Value::as_array).into_iter().flatten().filter(|c| wanted(c)) {
                out.push(Case { request, op: op_ref.clone(), error: None, case: c.clone() });
            }
        }
    }
    // Response tests on error shapes: deserialised through the first operation that can return
    // the error (operation errors include the service's errors).
    for id in &sel.shapes {
        let shape = &model.shapes[id];
        if shape.traits.error().is_none() {
            continue;
        }
        let op = sel.operations.iter().find(|o| sel.op_errors.get(*o).is_some_and(|es| es.contains(id))).cloned();
        let op_ref = op.ok_or_else(|| format!("no generated operation of the service returns {}", shape_name(id)));
        for c in shape.traits.get("smithy.test#httpResponseTests").and_then(Value::as_array).into_iter().flatten().filter(|c| wanted(c)) {
            out.push(Case { request: false, op: op_ref.clone(), error: Some(id.clone()), case: c.clone() });
        }
    }
    Ok(out)
}

/// Writes Rust expressions of a generated crate's public API: input values from JSON
/// parameters (also used by the reliability harness, `harness.rs`).
pub(crate) struct TestWriter<'a> {
    pub(crate) model: &'a Model,
    pub(crate) sel: &'a Selection,
    pub(crate) sym: &'a Symbols,
    pub(crate) krate: String,
    pub(crate) tag: String,
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

impl TestWriter<'_> {
    /// A path from the symbol table, rooted at the generated crate instead of `crate`.
    fn path(&self, tokens: impl std::fmt::Display) -> String {
        let s = tokens.to_string().replace(' ', "");
        match s.strip_prefix("crate::") {
            Some(rest) => format!("{}::{rest}", self.krate),
            None => s,
        }
    }

    pub(crate) fn type_path(&self, id: &str) -> String {
        self.path(self.sym.type_path(id))
    }

    fn op_path(&self, op: &str, item: &str) -> String {
        let names = self.sym.op(op);
        format!("{}::operation::{}::{}{item}", self.krate, names.module, names.camel)
    }

    /// Whether `build()` of a (non-input) structure's builder returns a `Result`.
    fn fallible_build(&self, id: &str) -> bool {
        let Some(Kind::Structure(ms)) = self.model.get(id).map(|s| &s.kind) else { return false };
        ms.iter().any(|m| {
            !self.sym.is_optional(self.model, id, m)
                && m.traits.default_value().and_then(|v| default_literal(self.model, &self.model.shapes[&m.target], v)).is_none()
        })
    }

    fn members<'m>(&'m self, id: &str) -> &'m [Member] {
        match self.model.get(id).map(|s| &s.kind) {
            Some(Kind::Structure(ms)) | Some(Kind::Union(ms)) => ms,
            _ => &[],
        }
    }

    /// `.set_x(Some(..))` calls for the members in `params` (nulls are "not set").
    pub(crate) fn setters(&self, id: &str, params: &Value, path: &str) -> Result<String, String> {
        let mut out = String::new();
        let Some(obj) = params.as_object() else {
            if params.is_null() {
                return Ok(out);
            }
            return Err(format!("{path}: params must be an object"));
        };
        for (k, v) in obj {
            let m = self.members(id).iter().find(|m| &m.name == k).ok_or_else(|| format!("{path}: no member `{k}` in {id}"))?;
            if v.is_null() {
                continue;
            }
            let value = self.value(Some(m), &m.target, v, &format!("{path}.{k}"))?;
            let value = if self.sym.is_boxed(id, &m.name) { format!("::std::boxed::Box::new({value})") } else { value };
            let setter = format!("set_{}", codegen::sanitize::bare(self.sym.member(id, &m.name)));
            let _ = write!(out, "\n        .{setter}(::std::option::Option::Some({value}))");
        }
        Ok(out)
    }

    /// A Rust expression for `v` as a value of shape `target`.
    fn value(&self, member: Option<&Member>, target: &str, v: &Value, path: &str) -> Result<String, String> {
        let _ = member;
        let shape = self.model.get(target).ok_or_else(|| format!("{path}: unknown shape {target}"))?;
        let bad = |what: &str| format!("{path}: expected {what}, got {v}");
        let num = |suffix: &str| -> Result<String, String> {
            let n = v.as_i64().ok_or_else(|| bad("an integer"))?;
            Ok(format!("{n}{suffix}"))
        };
        let float = |suffix: &str| -> Result<String, String> {
            match v {
                Value::Number(n) => {
                    let f = n.as_f64().ok_or_else(|| bad("a number"))?;
                    Ok(format!("{f:?}_{suffix}"))
                }
                Value::String(s) if s == "NaN" => Ok(format!("{suffix}::NAN")),
                Value::String(s) if s == "Infinity" => Ok(format!("{suffix}::INFINITY")),
                Value::String(s) if s == "-Infinity" => Ok(format!("{suffix}::NEG_INFINITY")),
                _ => Err(bad("a number")),
            }
        };
        let k = &self.krate;
        Ok(match &shape.kind {
            Kind::String => format!("::std::string::String::from({})", lit(v.as_str().ok_or_else(|| bad("a string"))?)),
            Kind::Enum(_) => format!("{}::from({})", self.type_path(target), lit(v.as_str().ok_or_else(|| bad("a string"))?)),
            Kind::IntEnum(_) => format!("{}::from({}i32)", self.type_path(target), v.as_i64().ok_or_else(|| bad("an integer"))?),
            Kind::Boolean => v.as_bool().ok_or_else(|| bad("a boolean"))?.to_string(),
            Kind::Byte => num("i8")?,
            Kind::Short => num("i16")?,
            Kind::Integer => num("i32")?,
            Kind::Long => num("i64")?,
            Kind::Float => float("f32")?,
            Kind::Double => float("f64")?,
            Kind::BigInteger | Kind::BigDecimal => {
                let text = match v {
                    Value::Number(n) => n.to_string(),
                    Value::String(s) => s.clone(),
                    _ => return Err(bad("a number")),
                };
                let ty = if matches!(shape.kind, Kind::BigInteger) { "BigInteger" } else { "BigDecimal" };
                format!("{k}::primitives::{ty}::new({}).expect(\"valid number\")", lit(&text))
            }
            Kind::Blob if shape.traits.streaming() => {
                format!("{k}::primitives::ByteStream::new({}.as_bytes().to_vec())", lit(v.as_str().ok_or_else(|| bad("a string"))?))
            }
            Kind::Blob => format!("{k}::primitives::Blob::new({}.as_bytes().to_vec())", lit(v.as_str().ok_or_else(|| bad("a string"))?)),
            Kind::Timestamp => {
                let n = match v {
                    Value::Number(n) => n.to_string(),
                    _ => return Err(bad("epoch seconds")),
                };
                let (secs, nanos) = epoch_parts(&n).ok_or_else(|| bad("epoch seconds"))?;
                format!("{k}::primitives::DateTime::from_secs_and_nanos({secs}i64, {nanos}u32)")
            }
            Kind::Document => format!(
                "{k}::primitives::Document::from_json(&::serde_json::from_str::<::serde_json::Value>({}).expect(\"json\"))",
                lit(&v.to_string())
            ),
            Kind::List(m) => {
                let items = v.as_array().ok_or_else(|| bad("a list"))?;
                let sparse = shape.traits.sparse();
                let mut parts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    parts.push(match (sparse, item.is_null()) {
                        (true, true) => "::std::option::Option::None".to_string(),
                        (true, false) => format!("::std::option::Option::Some({})", self.value(Some(m), &m.target, item, &p)?),
                        (false, _) => self.value(Some(m), &m.target, item, &p)?,
                    });
                }
                format!("::std::vec![{}]", parts.join(", "))
            }
            Kind::Map(key, val) => {
                let entries = v.as_object().ok_or_else(|| bad("a map"))?;
                let sparse = shape.traits.sparse();
                let mut s = String::from("{ #[allow(unused_mut)] let mut map = ::std::collections::HashMap::new(); ");
                for (mk, mv) in entries {
                    let p = format!("{path}.{mk}");
                    let kexpr = self.value(Some(key), &key.target, &Value::String(mk.clone()), &p)?;
                    let vexpr = match (sparse, mv.is_null()) {
                        (true, true) => "::std::option::Option::None".to_string(),
                        (true, false) => format!("::std::option::Option::Some({})", self.value(Some(val), &val.target, mv, &p)?),
                        (false, true) => continue,
                        (false, false) => self.value(Some(val), &val.target, mv, &p)?,
                    };
                    let _ = write!(s, "map.insert({kexpr}, {vexpr}); ");
                }
                s.push_str("map }");
                s
            }
            Kind::Structure(_) => {
                let setters = self.setters(target, v, path)?;
                let unwrap = if self.fallible_build(target) { ".expect(\"build\")" } else { "" };
                format!("{}::builder(){setters}\n        .build(){unwrap}", self.type_path(target))
            }
            Kind::Union(ms) => {
                let obj = v.as_object().ok_or_else(|| bad("a union object"))?;
                let (mk, mv) = obj.iter().find(|(_, v)| !v.is_null()).ok_or_else(|| bad("a union with one member set"))?;
                let m = ms.iter().find(|m| &m.name == mk).ok_or_else(|| format!("{path}: no union member `{mk}`"))?;
                let variant = format!("{}::{}", self.type_path(target), self.sym.member(target, &m.name));
                if m.target == "smithy.api#Unit" {
                    variant
                } else {
                    let inner = self.value(Some(m), &m.target, mv, &format!("{path}.{mk}"))?;
                    let inner = if self.sym.is_boxed(target, &m.name) { format!("::std::boxed::Box::new({inner})") } else { inner };
                    format!("{variant}({inner})")
                }
            }
            Kind::Service(_) | Kind::Operation(_) | Kind::Resource(_) => return Err(format!("{path}: not a value shape")),
        })
    }

    fn client(&self, case: &Value) -> String {
        let host = case.get("host").and_then(Value::as_str).unwrap_or("example.com");
        // `vendorParams` of the `AwsConfig` shape: region and S3 settings instead of a fixed
        // endpoint, so the endpoint rules decide the host.
        let client = case.get("vendorParams").and_then(|v| v.get("scopedConfig")).and_then(|v| v.get("client"));
        let settings = match client {
            Some(c) => {
                let mut out = String::new();
                if let Some(r) = c.get("region").and_then(Value::as_str) {
                    let _ = write!(out, ".region({})", lit(r));
                }
                let s3 = c.get("s3");
                let flag = |k: &str| s3.and_then(|s| s.get(k)).and_then(Value::as_bool);
                if s3.and_then(|s| s.get("addressing_style")).and_then(Value::as_str) == Some("path") {
                    out.push_str(".force_path_style(true)");
                }
                if flag("use_accelerate_endpoint") == Some(true) {
                    out.push_str(".accelerate(true)");
                }
                if flag("use_dualstack_endpoint") == Some(true) {
                    out.push_str(".use_dual_stack(true)");
                }
                if out.contains(".region(") {
                    out
                } else {
                    format!(".endpoint_url({}){out}", lit(&format!("https://{host}")))
                }
            }
            None => format!(".endpoint_url({})", lit(&format!("https://{host}"))),
        };
        format!(
            "    let mock = {k}::config::mock::MockHttpClient::new(){responses};\n    let config = {{ let mut b = mock.config_builder(); b.set_endpoint_url(None); b }}{settings}.idempotency_token_provider({k}::config::IdempotencyTokenProvider::fixed(\"00000000-0000-4000-8000-000000000000\")).build();\n    let client = {k}::Client::from_conf(config);\n",
            k = self.krate,
            responses = "{responses}"
        )
    }

    fn request_test(&self, name: &str, op: &str, case: &Value) -> Result<String, String> {
        let names = self.sym.op(op);
        let input = match &self.model.shapes[op].kind {
            Kind::Operation(o) => Some(o.input.clone()),
            _ => None,
        };
        let params = case.get("params").cloned().unwrap_or(Value::Null);
        let setters = match &input {
            Some(i) => self.setters(i, &params, "params")?,
            None => String::new(),
        };
        let mut s = String::new();
        let _ = writeln!(s, "\n#[tokio::test]\nasync fn {name}() {{");
        s.push_str(&self.client(case).replace("{responses}", ""));
        // Operation-scoped settings of `vendorParams` become a per-call configuration override.
        let op_scope = case.get("vendorParams").and_then(|v| v.get("scopedConfig")).and_then(|v| v.get("operation")).and_then(|v| v.get("s3"));
        let customize = match op_scope.and_then(|s| s.get("addressing_style")).and_then(Value::as_str) {
            Some(style) => format!(
                "\n        .customize().config_override({}::config::Config::builder().force_path_style({}))",
                self.krate,
                style == "path"
            ),
            None => String::new(),
        };
        let _ = writeln!(s, "    let _result = client.{}(){setters}{customize}\n        .send()\n        .await;", names.method);
        s.push_str("    let requests = mock.requests();\n    let req = requests.first().unwrap_or_else(|| panic!(\"no request was sent: {:?}\", _result));\n");
        if let Some(m) = case.get("method").and_then(Value::as_str) {
            let _ = writeln!(s, "    assert_eq!(req.method, {}, \"method\");", lit(m));
        }
        s.push_str("    let uri: ::http::Uri = req.uri.parse().expect(\"request uri\");\n");
        if let Some(u) = case.get("uri").and_then(Value::as_str) {
            let _ = writeln!(s, "    assert_eq!(uri.path(), {}, \"uri path\");", lit(u));
        }
        let strings = |key: &str| -> Vec<String> {
            case.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
        };
        for q in strings("queryParams") {
            let _ = writeln!(s, "    assert!(query_pairs(&uri).contains(&split_pair({})), \"query param {} missing in {{:?}}\", uri.query());", lit(&q), q.replace('"', "'").replace('{', "{{").replace('}', "}}"));
        }
        for q in strings("forbidQueryParams") {
            let _ = writeln!(s, "    assert!(!query_pairs(&uri).iter().any(|(k, _)| k == {}), \"forbidden query param present\");", lit(&q));
        }
        for q in strings("requireQueryParams") {
            let _ = writeln!(s, "    assert!(query_pairs(&uri).iter().any(|(k, _)| k == {}), \"required query param missing\");", lit(&q));
        }
        if let Some(h) = case.get("headers").and_then(Value::as_object) {
            for (k, v) in h {
                let _ = writeln!(s, "    assert_eq!(req.header({}), ::std::option::Option::Some({}), \"header {}\");", lit(k), lit(v.as_str().unwrap_or("")), k);
            }
        }
        for h in strings("forbidHeaders") {
            let _ = writeln!(s, "    assert!(req.header({}).is_none(), \"forbidden header {h} present\");", lit(&h));
        }
        for h in strings("requireHeaders") {
            let _ = writeln!(s, "    assert!(req.headers.contains_key({}), \"required header {h} missing\");", lit(&h.to_ascii_lowercase()));
        }
        if let Some(h) = case.get("resolvedHost").and_then(Value::as_str) {
            let _ = writeln!(s, "    assert_eq!(uri.host(), ::std::option::Option::Some({}), \"resolved host\");", lit(h));
        }
        if let Some(body) = case.get("body").and_then(Value::as_str) {
            let media = case.get("bodyMediaType").and_then(Value::as_str).unwrap_or("");
            if media == "application/json" || media.ends_with("+json") {
                let _ = writeln!(s, "    assert_json_body(&req.body, {});", lit(body));
            } else if media == "application/xml" || media.ends_with("+xml") {
                let _ = writeln!(s, "    assert_xml_body(&req.body, {});", lit(body));
            } else if media == "application/x-www-form-urlencoded" {
                let _ = writeln!(s, "    assert_form_body(&req.body, {});", lit(body));
            } else {
                let _ = writeln!(s, "    assert_eq!(req.body_str(), {}, \"body bytes\");", lit(body));
            }
        }
        s.push_str("}\n");
        Ok(s)
    }

    fn response_test(&self, name: &str, op: &str, error: Option<&str>, case: &Value) -> Result<String, String> {
        let names = self.sym.op(op);
        let code = case.get("code").and_then(Value::as_u64).ok_or("no `code`")?;
        let body = case.get("body").and_then(Value::as_str).unwrap_or("");
        let mut responses = format!("\n        .with_response({}::config::mock::MockResponse::new({code}, {})", self.krate, lit(body));
        if let Some(h) = case.get("headers").and_then(Value::as_object) {
            for (k, v) in h {
                let _ = write!(responses, ".header({}, {})", lit(k), lit(v.as_str().unwrap_or("")));
            }
        }
        responses.push(')');
        let params = case.get("params").cloned().unwrap_or(Value::Object(Default::default()));
        let mut s = String::new();
        let _ = writeln!(s, "\n#[tokio::test]\nasync fn {name}() {{");
        s.push_str(&self.client(case).replace("{responses}", &responses));
        let _ = writeln!(s, "    let result = client.{}().send().await;", names.method);
        let (target, value_expr) = match error {
            None => {
                let Kind::Operation(o) = &self.model.shapes[op].kind else { return Err("not an operation".into()) };
                let output = &o.output;
                s.push_str("    let actual = match result { ::std::result::Result::Ok(o) => o, ::std::result::Result::Err(e) => panic!(\"expected success, got {:?}\", e) };\n");
                (output.clone(), self.op_path(op, "Output"))
            }
            Some(e) => {
                let variant = format!("{}::{}", self.op_path(op, "Error"), self.sym.type_name(e));
                let _ = writeln!(
                    s,
                    "    let err = match result {{ ::std::result::Result::Ok(o) => panic!(\"expected an error, got {{:?}}\", o), ::std::result::Result::Err(e) => e }};\n    let description = format!(\"{{:?}}\", err);\n    let actual = match err.into_service_error() {{ {variant}(e) => e, other => panic!(\"expected {}, got {{:?}} from {{}}\", other, description) }};",
                    self.sym.type_name(e)
                );
                // `aws.protocoltests.config#ErrorCodeParams` vendor params name the error code
                // (and fault type) the client must report (awsQueryCompatible services).
                if case.get("vendorParamsShape").and_then(Value::as_str) == Some("aws.protocoltests.config#ErrorCodeParams") {
                    if let Some(code) = case.get("vendorParams").and_then(|v| v.get("code")).and_then(Value::as_str) {
                        let _ = writeln!(
                            s,
                            "    assert_eq!({}::error::ProvideErrorMetadata::code(&actual), ::std::option::Option::Some({}), \"error code (vendorParams)\");",
                            self.krate,
                            lit(code)
                        );
                    }
                }
                (e.to_string(), self.type_path(e))
            }
        };
        let setters = self.setters(&target, &params, "params")?;
        let unwrap = if self.fallible_build(&target) && error.is_none() && !self.sym.is_input(&target) && self.fallible_build(&target) { ".expect(\"build\")" } else { "" };
        let unwrap = if error.is_some() && self.fallible_build(&target) { ".expect(\"build\")" } else { unwrap };
        let _ = writeln!(s, "    let expected = {value_expr}::builder(){setters}\n        .build(){unwrap};");
        for m in self.members(&target) {
            let field = self.sym.member(&target, &m.name);
            let _ = writeln!(
                s,
                "    assert!(PtEq::pt_eq(&actual.{field}, &expected.{field}), \"member {}: got {{:?}}, expected {{:?}}\", actual.{field}, expected.{field});",
                m.name
            );
        }
        s.push_str("}\n");
        // Types of the crate compare with their own `PartialEq`.
        let _ = &self.sel;
        Ok(s)
    }
}

/// `"946845296.123"` -> `(946845296, 123000000)`, exactly (no float rounding).
fn epoch_parts(text: &str) -> Option<(i64, u32)> {
    if text.contains(['e', 'E']) {
        let f: f64 = text.parse().ok()?;
        let whole = f.floor();
        return Some((whole as i64, ((f - whole) * 1e9).round() as u32));
    }
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let secs: i64 = int.parse().ok()?;
    let mut frac = frac.to_string();
    frac.truncate(9);
    while frac.len() < 9 {
        frac.push('0');
    }
    let nanos: u32 = frac.parse().ok()?;
    if !neg {
        Some((secs, nanos))
    } else if nanos == 0 {
        Some((-secs, 0))
    } else {
        Some((-secs - 1, 1_000_000_000 - nanos))
    }
}

/// Shared helpers at the top of every generated test file.
const HELPERS: &str = r##"//! Smithy protocol compliance tests, generated by `cargo xtask protocol-tests`.
#![allow(unused_imports, unused_variables, non_snake_case, dead_code, clippy::all)]

/// Equality as the protocol tests define it: NaN equals NaN.
trait PtEq {
    fn pt_eq(&self, other: &Self) -> bool;
}
impl PtEq for f32 {
    fn pt_eq(&self, other: &Self) -> bool {
        self == other || (self.is_nan() && other.is_nan())
    }
}
impl PtEq for f64 {
    fn pt_eq(&self, other: &Self) -> bool {
        self == other || (self.is_nan() && other.is_nan())
    }
}
impl<T: PtEq> PtEq for Option<T> {
    fn pt_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.pt_eq(b),
            (None, None) => true,
            _ => false,
        }
    }
}
impl<T: PtEq> PtEq for Vec<T> {
    fn pt_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.pt_eq(b))
    }
}
impl<T: PtEq> PtEq for Box<T> {
    fn pt_eq(&self, other: &Self) -> bool {
        (**self).pt_eq(&**other)
    }
}
impl<K: Eq + std::hash::Hash, V: PtEq> PtEq for std::collections::HashMap<K, V> {
    fn pt_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k).is_some_and(|o| v.pt_eq(o)))
    }
}
/// Everything else compares with `PartialEq`.
macro_rules! by_partial_eq {
    ($($t:ty),* $(,)?) => {
        $(impl PtEq for $t {
            fn pt_eq(&self, other: &Self) -> bool {
                self == other
            }
        })*
    };
}
by_partial_eq!(String, bool, i8, i16, i32, i64);

fn split_pair(p: &str) -> (String, String) {
    let (k, v) = p.split_once('=').unwrap_or((p, ""));
    (percent_decode(k), percent_decode(v))
}

fn query_pairs(uri: &::http::Uri) -> Vec<(String, String)> {
    uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()).map(split_pair).collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
    use ::serde_json::Value as V;
    match (a, b) {
        (V::Number(x), V::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (V::Array(x), V::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (V::Object(x), V::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w))),
        _ => a == b,
    }
}

fn assert_json_body(actual: &[u8], expected: &str) {
    if expected.trim().is_empty() {
        assert!(actual.is_empty(), "expected an empty body, got {:?}", String::from_utf8_lossy(actual));
        return;
    }
    let want: ::serde_json::Value = ::serde_json::from_str(expected).expect("expected body is JSON");
    let got: ::serde_json::Value = ::serde_json::from_slice(actual)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", String::from_utf8_lossy(actual)));
    assert!(json_eq(&got, &want), "body: got {got}, expected {want}");
}

/// An XML element for comparisons: name (with prefix), sorted attributes (namespace
/// declarations included), children, and text with whitespace-only text dropped.
#[derive(Debug, PartialEq)]
struct XmlNode {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<XmlNode>,
    text: String,
}

fn xml_tree(doc: &str) -> XmlNode {
    let mut stack: Vec<XmlNode> = vec![XmlNode { name: String::new(), attrs: vec![], children: vec![], text: String::new() }];
    for token in xmlparser::Tokenizer::from(doc) {
        match token.unwrap_or_else(|e| panic!("invalid XML ({e}): {doc:?}")) {
            xmlparser::Token::ElementStart { prefix, local, .. } => {
                let name = if prefix.is_empty() { local.to_string() } else { format!("{prefix}:{local}") };
                stack.push(XmlNode { name, attrs: vec![], children: vec![], text: String::new() });
            }
            xmlparser::Token::Attribute { prefix, local, value, .. } => {
                let name = if prefix.is_empty() { local.to_string() } else { format!("{prefix}:{local}") };
                stack.last_mut().unwrap().attrs.push((name, xml_unescape(value.as_str())));
            }
            xmlparser::Token::ElementEnd { end: xmlparser::ElementEnd::Open, .. } => {}
            xmlparser::Token::ElementEnd { .. } => {
                let mut node = stack.pop().unwrap();
                node.attrs.sort();
                if node.text.trim().is_empty() && !node.children.is_empty() {
                    node.text.clear();
                }
                stack.last_mut().unwrap().children.push(node);
            }
            xmlparser::Token::Text { text } => stack.last_mut().unwrap().text.push_str(&xml_unescape(text.as_str())),
            xmlparser::Token::Cdata { text, .. } => stack.last_mut().unwrap().text.push_str(text.as_str()),
            _ => {}
        }
    }
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element: {doc:?}");
    let mut root = root.children.pop().unwrap();
    unorder_maps(&mut root);
    root
}

/// Map entries have no order (the client holds maps in a `HashMap`): runs of `entry` elements,
/// and runs of same-named siblings that each hold one key/value pair (flattened maps), are
/// compared as sets. List items keep their order.
fn unorder_maps(n: &mut XmlNode) {
    for c in &mut n.children {
        unorder_maps(c);
    }
    // Structure members have no order either; a stable sort by name keeps list items (runs
    // of one name) in order.
    n.children.sort_by(|a, b| a.name.cmp(&b.name));
    let mut i = 0;
    while i < n.children.len() {
        let mut j = i;
        while j < n.children.len() && n.children[j].name == n.children[i].name {
            j += 1;
        }
        let run = &mut n.children[i..j];
        let pair = |c: &XmlNode| c.children.len() == 2;
        let mapish = run.len() > 1
            && (run[0].name == "entry"
                || run.iter().all(|c| pair(c) && c.children[0].name == run[0].children[0].name && c.children[1].name == run[0].children[1].name));
        if mapish {
            run.sort_by_key(|c| format!("{c:?}"));
        }
        i = j;
    }
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').map(|e| i + e).unwrap_or(rest.len() - 1);
        let ent = &rest[i + 1..end];
        match ent {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "quot" => out.push('"'),
            "apos" => out.push('\''),
            e if e.starts_with("#x") => out.push(char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap()),
            e if e.starts_with('#') => out.push(char::from_u32(e[1..].parse().unwrap()).unwrap()),
            e => panic!("unknown entity {e}"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn assert_xml_body(actual: &[u8], expected: &str) {
    if expected.trim().is_empty() {
        assert!(actual.is_empty(), "expected an empty body, got {:?}", String::from_utf8_lossy(actual));
        return;
    }
    let got = std::str::from_utf8(actual).expect("UTF-8 body");
    assert_eq!(xml_tree(got), xml_tree(expected), "XML body: got {got:?}, expected {expected:?}");
}

fn assert_form_body(actual: &[u8], expected: &str) {
    let split = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = s.split('&').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
        v.sort();
        v
    };
    let got = std::str::from_utf8(actual).expect("UTF-8 body");
    assert_eq!(split(got), split(expected), "form body: got {got:?}, expected {expected:?}");
}
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_parts_are_exact() {
        assert_eq!(epoch_parts("946845296.123"), Some((946845296, 123_000_000)));
        assert_eq!(epoch_parts("1576540098"), Some((1576540098, 0)));
        assert_eq!(epoch_parts("-1.5"), Some((-2, 500_000_000)));
        assert_eq!(epoch_parts("1e3"), Some((1000, 0)));
    }

    #[test]
    fn libtest_outcomes_and_reasons() {
        let out = "running 2 tests\ntest a__x ... ok\ntest a__y ... FAILED\n\nfailures:\n\n---- a__y stdout ----\n\nthread 'a__y' panicked at tests/protocol_tests.rs:9:5:\nassertion `left == right` failed: method\n  left: \"GET\"\n right: \"POST\"\nnote: run with `RUST_BACKTRACE=1`\n\nfailures:\n    a__y\n\ntest result: FAILED. 1 passed; 1 failed\n";
        let r = parse_libtest(out);
        assert_eq!(r["a__x"], Ok(()));
        assert_eq!(r["a__y"], Err("assertion `left == right` failed: method left: \"GET\" right: \"POST\"".to_string()));
    }
}
