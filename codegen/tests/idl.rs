//! The IDL reader against the reference implementation's own material in
//! `../shared/smithy-idl` (read at run time, never copied here): its valid loader tests with
//! the JSON AST it produces, its invalid loader tests, the prelude and AWS trait definitions,
//! and the AWS protocol-test models in IDL form against the same models' JSON AST.
//! Each test prints its counts (`cargo test -p codegen --test idl -- --nocapture`) and skips,
//! saying why, when the shared directory is absent.

use codegen::idl;
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.join("smithy-idl").is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} is absent", dir.join("smithy-idl").display());
        None
    }
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, ext, out);
        } else if p.to_string_lossy().ends_with(ext) {
            out.push(p);
        }
    }
}

fn read(p: &Path) -> (String, String) {
    (p.display().to_string(), std::fs::read_to_string(p).expect("readable"))
}

/// Equivalent JSON AST forms made equal: empty `traits`/`members`/`mixins`/`metadata` dropped,
/// `"2"` versions spelled `"2.0"`.
fn normalise(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(root) = v.as_object_mut() {
        if let Some(Value::String(s)) = root.get_mut("smithy") {
            if s == "2" {
                *s = "2.0".into();
            }
            if s == "1" {
                *s = "1.0".into();
            }
        }
        if root.get("metadata").and_then(Value::as_object).is_some_and(Map::is_empty) {
            root.remove("metadata");
        }
        if let Some(Value::Object(shapes)) = root.get_mut("shapes") {
            for s in shapes.values_mut() {
                drop_empty(s);
            }
        }
        if root.get("shapes").and_then(Value::as_object).is_some_and(Map::is_empty) {
            root.remove("shapes");
        }
    }
    v
}

fn drop_empty(v: &mut Value) {
    if let Some(o) = v.as_object_mut() {
        // The reference writes the default `Unit` input and output, and sorts the operation
        // and resource sets of services and resources.
        for k in ["input", "output"] {
            if o.get(k).and_then(|r| r.get("target")) == Some(&Value::String("smithy.api#Unit".into())) {
                o.remove(k);
            }
        }
        let sorted = matches!(o.get("type").and_then(Value::as_str), Some("service" | "resource"));
        for k in ["operations", "resources", "errors", "collectionOperations"] {
            if let Some(Value::Array(a)) = o.get_mut(k) {
                if sorted || k == "errors" {
                    a.sort_by_key(|r| r.to_string());
                    a.dedup();
                }
            }
        }
        for k in ["traits", "members", "mixins", "operations", "resources", "errors", "identifiers", "properties", "rename", "collectionOperations"] {
            let empty = match o.get(k) {
                Some(Value::Object(m)) => m.is_empty(),
                Some(Value::Array(a)) => a.is_empty(),
                _ => false,
            };
            if empty {
                o.remove(k);
            }
        }
        for k in ["members", "member", "key", "value"] {
            match o.get_mut(k) {
                Some(Value::Object(ms)) if k == "members" => ms.values_mut().for_each(drop_empty),
                Some(m) if k != "members" => drop_empty(m),
                _ => {}
            }
        }
    }
}

/// The first difference between two JSON values, as a path.
fn diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    None => return Some(format!("{path}.{k}: only in ours")),
                    Some(vb) => {
                        if let Some(d) = diff(va, vb, &format!("{path}.{k}")) {
                            return Some(d);
                        }
                    }
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| format!("{path}.{k}: only in the reference"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (va, vb))| diff(va, vb, &format!("{path}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: ours {a} vs reference {b}")),
    }
}

#[test]
fn valid_loader_tests_give_the_reference_ast() {
    let Some(shared) = shared() else { return };
    let mut inputs = Vec::new();
    files_under(&shared.join("smithy-idl/loader-tests/valid"), ".smithy", &mut inputs);
    let (mut pairs, mut matching, mut read_ok) = (0, 0, 0);
    let mut failures = Vec::new();
    for p in &inputs {
        let result = idl::to_json(&[read(p)]);
        if result.is_ok() {
            read_ok += 1;
        }
        let expected = p.with_extension("json");
        if p.to_string_lossy().ends_with(".flattened.smithy") || !expected.exists() {
            if let Err(e) = result {
                failures.push(format!("{}: {e}", p.display()));
            }
            continue;
        }
        pairs += 1;
        let want: Value = serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        match result {
            Err(e) => failures.push(format!("{}: {e}", p.display())),
            Ok(mut got) => {
                let got = normalise(&got.remove(0));
                match diff(&got, &normalise(&want), "") {
                    None => matching += 1,
                    Some(d) => failures.push(format!("{}: {d}", p.display())),
                }
            }
        }
    }
    println!("valid loader tests: {read_ok}/{} read; {matching}/{pairs} with a reference .json give the same AST", inputs.len());
    for f in &failures {
        println!("  {f}");
    }
    assert!(failures.is_empty(), "{} valid loader tests differ", failures.len());
}

/// `line L, column C` of a loader test's first-line comment (the reference's error position).
fn expected_position(first_line: &str) -> Option<(usize, usize)> {
    let rest = &first_line[first_line.find("line ")? + 5..];
    let (line, rest) = rest.split_once(", column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

/// Every invalid loader test is rejected, without a panic, by an error that names the file and a
/// line and column: the ones the reference gives, where its first-line comment gives them.
#[test]
fn invalid_loader_tests_are_rejected_without_panicking() {
    let Some(shared) = shared() else { return };
    let mut inputs = Vec::new();
    files_under(&shared.join("smithy-idl/loader-tests/invalid"), ".smithy", &mut inputs);
    let (mut by_reader, mut by_loader, mut positioned, mut with_position) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for p in &inputs {
        let file = read(p);
        let first_line = file.1.lines().next().unwrap_or("").trim_start_matches("// ").to_string();
        let reader = std::panic::catch_unwind(|| idl::parse_files(std::slice::from_ref(&file)));
        let reader = reader.unwrap_or_else(|_| panic!("{}: the reader panicked", p.display()));
        let error = match reader {
            Err(e) => {
                by_reader += 1;
                e
            }
            Ok(parsed) => {
                let named: Vec<_> = parsed.into_iter().map(|m| (file.0.clone(), m)).collect();
                let normalised = std::panic::catch_unwind(|| codegen::model::normalize(&named));
                match normalised.unwrap_or_else(|_| panic!("{}: normalisation panicked", p.display())) {
                    Err(e) => {
                        by_loader += 1;
                        e
                    }
                    Ok(_) => {
                        failures.push(format!("{}: accepted (the reference: {first_line})", p.display()));
                        continue;
                    }
                }
            }
        };
        let message = error.to_string();
        // Every error names the file and a position in it.
        let located = message
            .strip_prefix(&format!("{}:", file.0))
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(line, rest)| line.parse::<usize>().is_ok() && rest.split_once(':').is_some_and(|(col, _)| col.parse::<usize>().is_ok()));
        if !located {
            failures.push(format!("{}: the error gives no file:line:column: {message}", p.display()));
        } else if let Some((line, col)) = expected_position(&first_line) {
            with_position += 1;
            if message.starts_with(&format!("{}:{line}:{col}:", file.0)) {
                positioned += 1;
            } else {
                failures.push(format!("{}: expected the position {line}:{col} ({first_line}), got: {message}", p.display()));
            }
        }
    }
    println!(
        "invalid loader tests: {} of {} rejected ({by_reader} by the IDL reader, {by_loader} by model normalisation); {positioned} of the {with_position} whose reference error gives a position at that position",
        by_reader + by_loader,
        inputs.len(),
    );
    for f in &failures {
        println!("  {f}");
    }
    assert!(failures.is_empty(), "{} invalid loader tests not rejected as the reference rejects them", failures.len());
}

/// Shape name -> (type, has `@trait`, has `@private`) for the prelude and trait files.
fn definitions(shared: &Path) -> Vec<(String, String, bool, bool)> {
    let mut files = vec![shared.join("smithy-idl/prelude/prelude.smithy")];
    files_under(&shared.join("smithy-idl/traits"), ".smithy", &mut files);
    let mut out = Vec::new();
    for p in files {
        let v = idl::to_json(&[read(&p)]).unwrap_or_else(|e| panic!("{e}")).remove(0);
        for (id, s) in v["shapes"].as_object().unwrap() {
            let has = |t: &str| s.get("traits").and_then(|ts| ts.get(t)).is_some();
            out.push((id.clone(), s["type"].as_str().unwrap_or("").to_string(), has("smithy.api#trait"), has("smithy.api#private")));
        }
    }
    out
}

#[test]
fn prelude_and_trait_tables_match_the_definitions() {
    let Some(shared) = shared() else { return };
    let defs = definitions(&shared);
    let prelude: BTreeSet<String> = defs
        .iter()
        .filter(|(id, _, _, private)| id.starts_with("smithy.api#") && !private)
        .map(|(id, ..)| id["smithy.api#".len()..].to_string())
        .collect();
    let ours: BTreeSet<String> = idl::PRELUDE_SHAPES.iter().map(|s| s.to_string()).collect();
    assert_eq!(ours, prelude, "PRELUDE_SHAPES must list every public prelude shape");
    let lists: BTreeSet<String> =
        defs.iter().filter(|(_, ty, is_trait, _)| *is_trait && (ty == "list" || ty == "set")).map(|(id, ..)| id.clone()).collect();
    let ours: BTreeSet<String> = idl::LIST_TRAITS.iter().map(|s| s.to_string()).collect();
    assert_eq!(ours, lists, "LIST_TRAITS must list every list-typed trait");
    println!("prelude: {} public shapes; list-typed traits: {}", prelude.len(), lists.len());
}

/// The protocol-test models in IDL, read together with the AWS trait definitions, against
/// the JSON AST made from the same commit.
#[test]
fn protocol_test_idl_matches_the_json_ast() {
    let Some(shared) = shared() else { return };
    let mut paths = Vec::new();
    files_under(&shared.join("smithy-idl/protocol-tests-idl"), ".smithy", &mut paths);
    let idl_count = paths.len();
    files_under(&shared.join("smithy-idl/traits"), ".smithy", &mut paths);
    let files: Vec<_> = paths.iter().map(|p| read(p)).collect();
    let values = idl::to_json(&files).unwrap_or_else(|e| panic!("{e}"));
    let mut ours = Map::new();
    let mut applies = Vec::new();
    for v in &values {
        for (id, s) in v["shapes"].as_object().unwrap() {
            if s["type"] == "apply" {
                applies.push((id.clone(), s["traits"].as_object().cloned().unwrap_or_default()));
            } else {
                ours.insert(id.clone(), s.clone());
            }
        }
    }
    // `apply` across files, as the loader does it.
    for (id, traits) in applies {
        let (shape, member) = match id.split_once('$') {
            Some((s, m)) => (s.to_string(), Some(m.to_string())),
            None => (id.clone(), None),
        };
        let Some(s) = ours.get_mut(&shape) else { panic!("apply to a missing shape {id}") };
        let target = match member {
            None => s,
            Some(m) => s.get_mut("members").and_then(|ms| ms.get_mut(&m)).unwrap_or_else(|| panic!("apply to a missing member {id}")),
        };
        let t = target.as_object_mut().unwrap().entry("traits").or_insert_with(|| Value::Object(Map::new()));
        for (k, v) in traits {
            idl::merge_trait(t.as_object_mut().unwrap(), k, v);
        }
    }
    let want: Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("protocol-tests/smithy-aws-protocol-tests.json")).unwrap()).unwrap();
    let want = normalise(&want);
    let want = want["shapes"].as_object().unwrap();
    let ours = normalise(&serde_json::json!({"smithy": "2.0", "shapes": ours}));
    let ours = ours["shapes"].as_object().unwrap();
    let (mut same, mut differ, mut missing) = (0, Vec::new(), Vec::new());
    for (id, w) in want {
        match ours.get(id) {
            None => missing.push(id.clone()),
            Some(o) => match diff(o, w, id) {
                None => same += 1,
                Some(d) => differ.push(d),
            },
        }
    }
    let extra = ours.keys().filter(|k| !want.contains_key(*k)).count();
    println!(
        "protocol tests: {idl_count} IDL files + traits; {same} of {} JSON AST shapes identical, {} differ, {} missing; {extra} shapes only in the IDL (trait definitions)",
        want.len(),
        differ.len(),
        missing.len()
    );
    for d in differ.iter().take(40) {
        println!("  differs: {d}");
    }
    for m in missing.iter().take(20) {
        println!("  missing: {m}");
    }
    assert!(differ.is_empty() && missing.is_empty());
}

fn valid_inputs() -> &'static Vec<String> {
    static CELL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let Some(shared) = shared() else { return vec!["namespace a\nstructure S { a: String }\n".into()] };
        let mut paths = Vec::new();
        files_under(&shared.join("smithy-idl/loader-tests/valid"), ".smithy", &mut paths);
        paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        let _ = idl::to_json(&[("x.smithy".into(), text)]);
    }

    #[test]
    fn mutated_valid_files_never_panic(i in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>(), len in 0usize..20, insert in "[\\[\\]{}()@$:=,#\"a-z0-9\\n ]{0,6}") {
        let inputs = valid_inputs();
        let text = &inputs[i.index(inputs.len())];
        let chars: Vec<char> = text.chars().collect();
        let at = cut.index(chars.len() + 1);
        let end = (at + len).min(chars.len());
        let mutated: String = chars[..at].iter().chain(insert.chars().collect::<Vec<_>>().iter()).chain(chars[end..].iter()).collect();
        if let Ok(files) = idl::parse_files(&[("m.smithy".into(), mutated)]) {
            let named: Vec<_> = files.into_iter().map(|f| ("m.smithy".to_string(), f)).collect();
            let _ = codegen::model::normalize(&named);
        }
    }
}

fn weather() -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/weather.smithy");
    ("model/weather.smithy".into(), std::fs::read_to_string(path).expect("model/weather.smithy"))
}

fn weather_spec() -> codegen::CrateSpec {
    codegen::CrateSpec {
        crate_name: "weather".into(),
        version: "0.1.0".into(),
        service: "example.weather#Weather".into(),
        operations: None,
        runtime: Default::default(),
    }
}

/// The same model as IDL, as its JSON AST (what `cargo xtask ast` prints), and split into an
/// IDL file plus a JSON file generates the same crate.
#[test]
fn idl_and_its_json_ast_generate_the_same_crate() {
    let idl = weather();
    let from_idl = codegen::format_files(codegen::generate(std::slice::from_ref(&idl), &weather_spec()).unwrap()).unwrap();
    let ast = codegen::merged_json_ast(std::slice::from_ref(&idl)).unwrap();
    let json = ("weather.json".to_string(), serde_json::to_string_pretty(&ast).unwrap());
    let from_json = codegen::format_files(codegen::generate(&[json], &weather_spec()).unwrap()).unwrap();
    assert_eq!(from_idl, from_json);

    // Mixed: the error shapes moved into a JSON file, the rest stays IDL.
    let mut rest = ast.clone();
    let shapes = rest["shapes"].as_object_mut().unwrap();
    let mut moved = Map::new();
    for id in ["example.weather#NoSuchCity", "example.weather#ThrottledException"] {
        moved.insert(id.to_string(), shapes.remove(id).unwrap());
    }
    let errors = serde_json::json!({"smithy": "2.0", "shapes": moved});
    let mut idl_text = idl.1.clone();
    for name in ["NoSuchCity", "ThrottledException"] {
        let start = idl_text.find(&format!("structure {name} {{")).unwrap();
        let start = idl_text[..start].rfind("\n\n").unwrap() + 2;
        let end = start + idl_text[start..].find("\n}\n").unwrap() + 3;
        idl_text.replace_range(start..end, "");
    }
    let mixed = [("weather.smithy".to_string(), idl_text), ("errors.json".to_string(), errors.to_string())];
    let from_mixed = codegen::format_files(codegen::generate(&mixed, &weather_spec()).unwrap()).unwrap();
    assert_eq!(from_idl, from_mixed);
}

#[test]
fn merged_ast_folds_applies_across_files() {
    let a = ("a.smithy".to_string(), "$version: \"2\"\nnamespace x\nstructure S {\n a: String\n}\n".to_string());
    let b = ("b.smithy".to_string(), "$version: \"2\"\nnamespace x\napply S$a @required\napply S @tags([\"t\"])\napply S @tags([\"u\"])\n".to_string());
    let ast = codegen::merged_json_ast(&[a, b]).unwrap();
    assert_eq!(ast["shapes"]["x#S"]["members"]["a"]["traits"]["smithy.api#required"], serde_json::json!({}));
    assert_eq!(ast["shapes"]["x#S"]["traits"]["smithy.api#tags"], serde_json::json!(["t", "u"]));
    assert_eq!(ast["shapes"].as_object().unwrap().len(), 1, "no apply entries left: {ast}");
}

fn normalise_idl(text: &str) -> Result<codegen::model::Model, codegen::Error> {
    let files = idl::parse_files(&[("m.smithy".into(), text.into())])?;
    codegen::model::normalize(&files.into_iter().map(|f| ("m.smithy".to_string(), f)).collect::<Vec<_>>())
}

/// A member several mixins share (with one target) is one member, with the traits of all of
/// them; a changed target is an error at the member's position.
#[test]
fn mixin_members_merge_by_name() {
    let text = "$version: \"2\"\nnamespace x\n@mixin\nstructure A {\n    @documentation(\"a\")\n    m: String\n}\n@mixin\nstructure B {\n    @sensitive\n    m: String\n}\nstructure S with [A, B] {\n    @required\n    m: String\n}\n";
    let model = normalise_idl(text).unwrap();
    let codegen::model::Kind::Structure(ms) = &model.shapes["x#S"].kind else { panic!("a structure") };
    assert_eq!(ms.len(), 1, "{ms:?}");
    for t in ["smithy.api#documentation", "smithy.api#sensitive", "smithy.api#required"] {
        assert!(ms[0].traits.has(t), "{t}: {ms:?}");
    }
    // B's member now targets Integer: reported where S writes the member.
    let e = normalise_idl(&text.replacen("    @sensitive\n    m: String", "    @sensitive\n    m: Integer", 1)).unwrap_err();
    assert!(e.to_string().starts_with("m.smithy:15:5: shape `x#S$m`: the inherited mixin members `x#A$m` (targets `smithy.api#String`) and `x#B$m`"), "{e}");
}

/// In a model of IDL and JSON AST files, an unquoted shape ID in an IDL trait value may name a
/// shape of a JSON file (and must name a shape of some file).
#[test]
fn trait_values_may_name_shapes_of_json_files() {
    let json = ("s.json".to_string(), r#"{"smithy": "2.0", "shapes": {"x#InJson": {"type": "string"}}}"#.to_string());
    let idl = ("m.smithy".to_string(), "$version: \"2\"\nnamespace x\n@tags([InJson])\nstring S\n".to_string());
    let ast = codegen::merged_json_ast(&[idl.clone(), json.clone()]).unwrap();
    assert_eq!(ast["shapes"]["x#S"]["traits"]["smithy.api#tags"], serde_json::json!(["x#InJson"]));
    let parsed = codegen::parse_files(&[json, idl.clone()]).unwrap();
    assert_eq!(parsed[1].1.shapes[0].0, "x#S");
    let e = codegen::merged_json_ast(&[idl]).unwrap_err();
    assert!(e.to_string().starts_with("m.smithy:3:8: the shape ID `InJson` (read as `x#InJson`) names no shape"), "{e}");
}

/// Lists and maps may take their members from mixins (the JSON AST then has none).
#[test]
fn list_and_map_members_from_mixins() {
    let text = "$version: \"2\"\nnamespace x\n@mixin\nlist M {\n    @length(min: 1)\n    member: String\n}\nlist L with [M] {}\n@mixin\nmap N {\n    key: String\n    value: Integer\n}\nmap P with [N] {\n    @range(min: 0)\n    value: Integer\n}\n";
    let model = normalise_idl(text).unwrap();
    let codegen::model::Kind::List(m) = &model.shapes["x#L"].kind else { panic!("a list") };
    assert_eq!(m.target, "smithy.api#String");
    assert!(m.traits.has("smithy.api#length"));
    let codegen::model::Kind::Map(k, v) = &model.shapes["x#P"].kind else { panic!("a map") };
    assert_eq!((k.target.as_str(), v.target.as_str()), ("smithy.api#String", "smithy.api#Integer"));
    assert!(v.traits.has("smithy.api#range"));
    let e = normalise_idl(&text.replace("    @range(min: 0)\n    value: Integer", "    value: Long")).unwrap_err();
    assert!(e.to_string().starts_with("m.smithy:15:5: shape `x#P$value`: the member targets `smithy.api#Long` but the inherited mixin member `x#N$value` targets `smithy.api#Integer`"), "{e}");
}
