//! Property tests: whatever bytes or broken models `codegen::generate` gets, it returns `Ok` or
//! `Err` and never panics; and whatever it generates formats (the token streams parse).
//!
//! `cargo test` runs proptest's default 256 cases per property; run more with e.g.
//! `PROPTEST_CASES=20000 cargo test --release -p codegen --test fuzz_models`.

mod common;

use codegen::{CrateSpec, Error};
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The fixture models, parsed once: `(fixture index, file index, name, value)`.
fn fixture_values() -> &'static Vec<(usize, String, Value)> {
    static CELL: OnceLock<Vec<(usize, String, Value)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut out = Vec::new();
        for (i, f) in FIXTURES.iter().enumerate() {
            for (name, text) in fixture_files(f) {
                out.push((i, name, serde_json::from_str(&text).expect("fixtures are JSON")));
            }
        }
        out
    })
}

/// Shape IDs a mutated target may point at: real ones, prelude ones, and ones that do not exist.
const TARGETS: &[&str] = &[
    "smithy.api#String",
    "smithy.api#Integer",
    "smithy.api#PrimitiveLong",
    "smithy.api#Unit",
    "smithy.api#Document",
    "smithy.api#Timestamp",
    "smithy.api#Blob",
    "smithy.api#NoSuchShape",
    "example.nowhere#Missing",
    "no-namespace",
    "",
    "#",
    "a#b$c",
];

const SHAPE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
    "enum",
    "intEnum",
    "list",
    "set",
    "map",
    "structure",
    "union",
    "service",
    "operation",
    "resource",
    "apply",
    "widget",
];

const TRAITS: &[&str] = &[
    "smithy.api#required",
    "smithy.api#default",
    "smithy.api#enumValue",
    "smithy.api#enum",
    "smithy.api#error",
    "smithy.api#mixin",
    "smithy.api#sparse",
    "smithy.api#box",
    "smithy.api#streaming",
    "smithy.api#timestampFormat",
    "smithy.api#retryable",
    "smithy.api#deprecated",
    "smithy.api#documentation",
    "smithy.api#clientOptional",
    "smithy.api#addedDefault",
    "smithy.api#idempotencyToken",
    "smithy.api#sensitive",
    "smithy.api#auth",
    "smithy.api#unitType",
    "aws.protocols#awsJson1_0",
    "aws.protocols#restJson1",
    "aws.api#service",
    "aws.auth#sigv4",
];

/// A value of some JSON type, chosen by `n`, with shapes that look like Smithy values.
fn some_value(n: u64) -> Value {
    match n % 24 {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(false),
        3 => json!(0),
        4 => json!(-1),
        5 => json!(1.5),
        6 => json!(u64::MAX),
        7 => json!(i64::MIN),
        8 => json!(""),
        9 => json!("client"),
        10 => json!("date-time"),
        11 => json!("us-east-1"),
        12 => json!([]),
        13 => json!({}),
        14 => json!([{ "value": "A" }, { "value": "A" }]),
        15 => json!([{ "value": 5, "name": [] }]),
        16 => json!({ "target": TARGETS[(n / 24) as usize % TARGETS.len()] }),
        17 => json!([{ "target": TARGETS[(n / 24) as usize % TARGETS.len()] }]),
        18 => json!({ "message": "m", "since": 3, "throttling": "yes" }),
        19 => json!("\u{0}\u{feff}\"\\ <b>x</b> `r#type`"),
        20 => json!(1e300),
        21 => json!({ "member": { "target": "smithy.api#String" } }),
        22 => json!("type"),
        _ => json!(SHAPE_TYPES[(n / 24) as usize % SHAPE_TYPES.len()]),
    }
}

/// Every path into `v` (object keys and array indexes), in pre-order.
fn paths(v: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(PathStep::Key(k.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(PathStep::Index(i));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn get_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in path {
        cur = match (step, cur) {
            (PathStep::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (PathStep::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// One edit of a model: `kind` picks what, `at` picks where (modulo the number of places),
/// `n` picks the new value.
#[derive(Clone, Debug)]
struct Mutation {
    kind: u8,
    at: u64,
    n: u64,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..8, any::<u64>(), any::<u64>()).prop_map(|(kind, at, n)| Mutation { kind, at, n })
}

fn apply(model: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    paths(model, &mut Vec::new(), &mut all);
    let path = all[(m.at % all.len() as u64) as usize].clone();
    match m.kind {
        // Delete a key or array element.
        0 => {
            if let Some((last, parent)) = path.split_last() {
                match (last, get_mut(model, parent)) {
                    (PathStep::Key(k), Some(Value::Object(o))) => {
                        o.remove(k);
                    }
                    (PathStep::Index(i), Some(Value::Array(a))) => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        // Replace a value with one of another type.
        1 => {
            if let Some(v) = get_mut(model, &path) {
                *v = some_value(m.n);
            }
        }
        // Point a `target` somewhere else: at another shape of the model or a missing one.
        2 => {
            let ids: Vec<String> = model["shapes"]
                .as_object()
                .map(|s| s.keys().cloned().collect())
                .unwrap_or_default();
            let target_paths: Vec<&Vec<PathStep>> = all
                .iter()
                .filter(|p| matches!(p.last(), Some(PathStep::Key(k)) if k == "target"))
                .collect();
            if target_paths.is_empty() {
                return;
            }
            let p = target_paths[(m.at % target_paths.len() as u64) as usize].clone();
            let choice = (m.n % (ids.len() + TARGETS.len()) as u64) as usize;
            let new = if choice < ids.len() {
                ids[choice].clone()
            } else {
                TARGETS[choice - ids.len()].to_string()
            };
            if let Some(v) = get_mut(model, &p) {
                *v = Value::String(new);
            }
        }
        // Change a shape's type.
        3 => {
            if let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) {
                if shapes.is_empty() {
                    return;
                }
                let key = shapes
                    .keys()
                    .nth((m.at % shapes.len() as u64) as usize)
                    .cloned()
                    .unwrap();
                if let Some(Value::Object(s)) = shapes.get_mut(&key) {
                    s.insert(
                        "type".into(),
                        json!(SHAPE_TYPES[(m.n % SHAPE_TYPES.len() as u64) as usize]),
                    );
                }
            }
        }
        // Add a trait with some value to a shape or member.
        4 => {
            if let Some(Value::Object(o)) = get_mut(model, &path) {
                let name = TRAITS[(m.n % TRAITS.len() as u64) as usize];
                let value = some_value(m.n / TRAITS.len() as u64);
                let traits = o.entry("traits").or_insert_with(|| json!({}));
                if let Value::Object(t) = traits {
                    t.insert(name.into(), value);
                }
            }
        }
        // Insert an unexpected key, or a new member.
        5 => {
            if let Some(Value::Object(o)) = get_mut(model, &path) {
                let names = [
                    "members", "member", "key", "value", "mixins", "errors", "input", "output", "type", "x", "Unknown",
                    "type$", "r#type",
                ];
                o.insert(names[(m.n % names.len() as u64) as usize].into(), some_value(m.n / 16));
            }
        }
        // Copy a shape under a new (possibly colliding or malformed) ID.
        6 => {
            if let Some(shapes) = model.get_mut("shapes").and_then(Value::as_object_mut) {
                if shapes.is_empty() {
                    return;
                }
                let key = shapes
                    .keys()
                    .nth((m.at % shapes.len() as u64) as usize)
                    .cloned()
                    .unwrap();
                let copy = shapes[&key].clone();
                let new_ids = [
                    format!("{key}_"),
                    key.to_lowercase(),
                    key.to_uppercase(),
                    format!("{key}Input"),
                    format!("{key}Error"),
                    format!("{key}$member"),
                    "smithy.api#String".to_string(),
                    key.replace('#', "#r#"),
                ];
                shapes.insert(new_ids[(m.n % new_ids.len() as u64) as usize].clone(), copy);
            }
        }
        // Rename a member (the key of a members object).
        _ => {
            if let Some((PathStep::Key(k), parent)) = path.split_last() {
                if let Some(Value::Object(o)) = get_mut(model, parent) {
                    let names = [
                        "type", "Type", "self", "Self", "", "1", "message", "meta", "Unknown", "a b", "é", "foo_bar",
                        "fooBar", "_",
                    ];
                    if let Some(v) = o.remove(k) {
                        o.insert(names[(m.n % names.len() as u64) as usize].into(), v);
                    }
                }
            }
        }
    }
}

/// Runs the whole pipeline; panics only if the generator panics or emits tokens that do not
/// parse (a generator bug either way).
fn check(files: &[(String, String)], spec: &CrateSpec) {
    let result = codegen::generate(files, spec);
    let ok = result.is_ok();
    if let Ok(generated) = result {
        match codegen::format_files(generated) {
            Ok(_) => {}
            Err(e @ Error::Emit { .. }) => panic!("generated code does not parse: {e}"),
            Err(_) => {}
        }
    }
    stats(ok);
}

/// With `FUZZ_STATS` set, prints how many inputs generated a crate and how many were rejected.
fn stats(ok: bool) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static OK: AtomicUsize = AtomicUsize::new(0);
    static ERR: AtomicUsize = AtomicUsize::new(0);
    if std::env::var_os("FUZZ_STATS").is_none() {
        return;
    }
    let (o, e) = if ok {
        (OK.fetch_add(1, Ordering::Relaxed) + 1, ERR.load(Ordering::Relaxed))
    } else {
        (OK.load(Ordering::Relaxed), ERR.fetch_add(1, Ordering::Relaxed) + 1)
    };
    if (o + e) % 5000 == 0 {
        eprintln!(
            "fuzz stats: {} inputs, {o} generated a crate, {e} rejected with an error",
            o + e
        );
    }
}

fn spec_for(fixture: usize, ops: Option<Vec<String>>) -> CrateSpec {
    let mut spec = fixture_spec(&FIXTURES[fixture]);
    spec.operations = ops;
    spec
}

proptest! {
    // Cases from `PROPTEST_CASES` (default 256); failures are saved next to this file.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            "tests/fuzz_models.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), fixture in 0..FIXTURES.len()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        check(&[("fuzz.json".to_string(), text)], &spec_for(fixture, None));
    }

    #[test]
    fn json_like_text_never_panics(text in r#"[{}\[\]",:0-9a-z#$. \-]{0,200}"#, fixture in 0..FIXTURES.len()) {
        let text = format!(r#"{{"smithy":"2.0","shapes":{{{text}"#);
        check(&[("fuzz.json".to_string(), text.clone())], &spec_for(fixture, None));
        check(&[("fuzz.json".to_string(), format!("{text}}}}}"))], &spec_for(fixture, None));
    }

    #[test]
    fn truncated_fixtures_never_panic(file in 0..20usize, cut in any::<u64>()) {
        let all = fixture_values();
        let (fixture, name, value) = &all[file % all.len()];
        let text = serde_json::to_string_pretty(value).unwrap();
        let mut at = (cut % (text.len() as u64 + 1)) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut files = fixture_files(&FIXTURES[*fixture]);
        for f in files.iter_mut() {
            if &f.0 == name {
                f.1 = text[..at].to_string();
            }
        }
        check(&files, &spec_for(*fixture, None));
    }

    #[test]
    fn mutated_fixtures_never_panic(
        file in 0..20usize,
        mutations in prop::collection::vec(mutation(), 1..6),
        ops in prop::option::weighted(0.2, prop::collection::vec(prop::sample::select(vec!["Send", "Config", "type", "Evaluate", "GetWidget", "Ping", "DoThing", "Nope", "r#type", ""]), 0..3)),
    ) {
        let all = fixture_values();
        let (fixture, name, value) = &all[file % all.len()];
        let mut value = value.clone();
        for m in &mutations {
            apply(&mut value, m);
        }
        let mut files = fixture_files(&FIXTURES[*fixture]);
        for f in files.iter_mut() {
            if &f.0 == name {
                f.1 = serde_json::to_string(&value).unwrap();
            }
        }
        let ops = ops.map(|o| o.into_iter().map(str::to_string).collect());
        check(&files, &spec_for(*fixture, ops));
    }
}

/// Mutated fixtures that the generator accepts should give crates that compile. Slow (one
/// `cargo check` per crate), so run by hand:
/// `FUZZ_COMPILE_CASES=40 FUZZ_SEED=1 cargo test --release -p codegen --test fuzz_models -- --ignored --nocapture`.
#[test]
#[ignore]
fn accepted_mutations_compile() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let wanted: usize = std::env::var("FUZZ_COMPILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // `FUZZ_SEED` picks another deterministic sequence of cases.
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = proptest::test_runner::TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(proptest::test_runner::Config::default(), rng);
    let strategy = (0..20usize, prop::collection::vec(mutation(), 1..4));
    let dir = workspace_root().join("target/fixture-crates/fuzz");
    let mut failures = Vec::new();
    let (mut tried, mut checked) = (0, 0);
    while checked < wanted && tried < wanted * 50 {
        tried += 1;
        let (file, mutations) = strategy.new_tree(&mut runner).unwrap().current();
        let all = fixture_values();
        let (fixture, name, value) = &all[file % all.len()];
        let mut value = value.clone();
        for m in &mutations {
            apply(&mut value, m);
        }
        let mut files = fixture_files(&FIXTURES[*fixture]);
        for f in files.iter_mut() {
            if &f.0 == name {
                f.1 = serde_json::to_string_pretty(&value).unwrap();
            }
        }
        let spec = spec_for(*fixture, None);
        let Ok(generated) = codegen::generate(&files, &spec) else {
            continue;
        };
        let Ok(out) = codegen::format_files(generated) else {
            continue;
        };
        checked += 1;
        let crate_dir = dir.join(format!("case-{checked}"));
        let _ = std::fs::remove_dir_all(&crate_dir);
        for (rel, text) in &out {
            let path = crate_dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = if rel == "Cargo.toml" {
                format!("{text}\n[workspace]\n")
            } else {
                text.clone()
            };
            std::fs::write(path, text).unwrap();
        }
        for (n, t) in &files {
            std::fs::write(crate_dir.join(n.replace('/', "_")), t).unwrap();
        }
        std::fs::copy(workspace_root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
        let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--quiet", "--offline"])
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", workspace_root().join("target/fixture-check"))
            .env("RUSTFLAGS", "-Dwarnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .unwrap();
        eprintln!(
            "case {checked} ({} {mutations:?}): {}",
            FIXTURES[*fixture].name, output.status
        );
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).take(3).collect();
            failures.push(format!("{}: {}", crate_dir.display(), first.join(" | ")));
        }
    }
    eprintln!("{checked} accepted mutations checked out of {tried} tried");
    assert!(
        failures.is_empty(),
        "{} of {checked} crates do not compile:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
