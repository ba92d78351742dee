//! `cargo xtask endpoints --models DIR`: runs every `smithy.rules#endpointTests` case of
//! every Smithy JSON AST model in DIR through the runtime's endpoint rules engine.

use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen_runtime::endpoint::{Endpoint, Params, ResolveError, RuleSet, Value};
use serde_json::{Map, Value as Json};

const RULE_SET_TRAIT: &str = "smithy.rules#endpointRuleSet";
const TESTS_TRAIT: &str = "smithy.rules#endpointTests";
/// How many failing cases to show per service.
const SHOW_FAILURES: usize = 3;

/// One service's rule set and test cases.
struct Service {
    name: String,
    rule_set: RuleSet,
    cases: Vec<Json>,
}

/// Evaluates every endpoint test case of every `*.json` model in `models_dir`, printing one
/// line per service (and the first few failures). Returns `(passed, failed)` case counts;
/// a rule set that does not parse counts all its cases as failed.
pub fn run(models_dir: &Path) -> Result<(usize, usize), String> {
    let (mut passed, mut failed) = (0, 0);
    for path in model_files(models_dir)? {
        let name = stem(&path);
        let services = match load(&path) {
            Ok(s) => s,
            Err(e) => {
                println!("FAIL {name}: {e}");
                failed += 1;
                continue;
            }
        };
        for svc in services {
            let mut failures = Vec::new();
            for case in &svc.cases {
                if let Err(msg) = check_case(&svc.rule_set, case) {
                    failures.push(msg);
                }
            }
            let n = svc.cases.len();
            passed += n - failures.len();
            failed += failures.len();
            if failures.is_empty() {
                println!("ok   {} {n} cases", svc.name);
            } else {
                println!("FAIL {} {}/{n}", svc.name, failures.len());
                for f in failures.iter().take(SHOW_FAILURES) {
                    println!("     {f}");
                }
            }
        }
    }
    Ok((passed, failed))
}

/// Mean time of one `resolve` call over the test cases of the model at `model` (every case
/// repeated `rounds` times), in nanoseconds. Not an assertion: a number to print.
pub fn bench(model: &Path, rounds: usize) -> Result<(usize, f64), String> {
    let services = load(model)?;
    let mut inputs: Vec<(&RuleSet, Params)> = Vec::new();
    for svc in &services {
        for case in &svc.cases {
            inputs.push((&svc.rule_set, case_params(case)?));
        }
    }
    if inputs.is_empty() {
        return Err(format!("{} has no endpoint test cases", model.display()));
    }
    let start = Instant::now();
    let mut sink = 0usize;
    for _ in 0..rounds {
        for (rs, params) in &inputs {
            sink += match rs.resolve(params) {
                Ok(e) => e.url.len(),
                Err(e) => e.message.len(),
            };
        }
    }
    let elapsed = start.elapsed();
    std::hint::black_box(sink);
    let calls = rounds * inputs.len();
    Ok((inputs.len(), elapsed.as_nanos() as f64 / calls as f64))
}

fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The services of one model that carry an endpoint rule set.
fn load(path: &Path) -> Result<Vec<Service>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let model: Json =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let shapes = model
        .get("shapes")
        .and_then(Json::as_object)
        .ok_or("model has no `shapes`")?;
    let file = stem(path);
    let mut out = Vec::new();
    for (id, shape) in shapes {
        if shape.get("type").and_then(Json::as_str) != Some("service") {
            continue;
        }
        let Some(traits) = shape.get("traits") else {
            continue;
        };
        let Some(doc) = traits.get(RULE_SET_TRAIT) else {
            continue;
        };
        let rule_set = RuleSet::from_value(doc).map_err(|e| format!("{id}: rule set: {e}"))?;
        let cases = traits
            .get(TESTS_TRAIT)
            .and_then(|t| t.get("testCases"))
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        out.push(Service {
            name: file.clone(),
            rule_set,
            cases,
        });
    }
    Ok(out)
}

fn case_params(case: &Json) -> Result<Params, String> {
    let mut params = Params::new();
    if let Some(p) = case.get("params").and_then(Json::as_object) {
        for (k, v) in p {
            let value = match v {
                Json::String(s) => Value::String(s.clone()),
                Json::Bool(b) => Value::Bool(*b),
                Json::Array(a) => Value::StringArray(
                    a.iter()
                        .map(|x| x.as_str().map(str::to_owned))
                        .collect::<Option<_>>()
                        .ok_or_else(|| format!("param `{k}`: not an array of strings"))?,
                ),
                other => return Err(format!("param `{k}`: unsupported value {other}")),
            };
            params.insert(k.clone(), value);
        }
    }
    Ok(params)
}

/// `Ok` when the case passes; otherwise a one-line description of the mismatch.
fn check_case(rs: &RuleSet, case: &Json) -> Result<(), String> {
    let doc = case
        .get("documentation")
        .and_then(Json::as_str)
        .unwrap_or("(undocumented case)");
    let params = case_params(case).map_err(|e| format!("{doc}: {e}"))?;
    let actual = rs.resolve(&params);
    let expect = case
        .get("expect")
        .ok_or_else(|| format!("{doc}: no `expect`"))?;
    if let Some(err) = expect.get("error") {
        let want = err.as_str().unwrap_or_default();
        return match &actual {
            Err(e) if e.message == want => Ok(()),
            _ => Err(format!(
                "{doc}: expected error {want:?}, got {}",
                show(&actual)
            )),
        };
    }
    let Some(want) = expect.get("endpoint") else {
        return Err(format!(
            "{doc}: `expect` has neither `endpoint` nor `error`"
        ));
    };
    let got = match &actual {
        Ok(e) => e,
        Err(_) => {
            return Err(format!(
                "{doc}: expected endpoint {want}, got {}",
                show(&actual)
            ))
        }
    };
    let empty = Json::Object(Map::new());
    let want_url = want.get("url").and_then(Json::as_str).unwrap_or_default();
    let want_headers = want.get("headers").unwrap_or(&empty);
    let want_props = want.get("properties").unwrap_or(&empty);
    if got.url != want_url
        || &headers_json(got) != want_headers
        || &Json::Object(got.properties.clone()) != want_props
    {
        return Err(format!(
            "{doc}: expected endpoint {want}, got {}",
            show(&actual)
        ));
    }
    Ok(())
}

fn headers_json(e: &Endpoint) -> Json {
    Json::Object(
        e.headers
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Json::Array(v.iter().cloned().map(Json::String).collect()),
                )
            })
            .collect(),
    )
}

fn show(r: &Result<Endpoint, ResolveError>) -> String {
    match r {
        Ok(e) => {
            let mut o = Map::new();
            o.insert("url".into(), Json::String(e.url.clone()));
            if !e.headers.is_empty() {
                o.insert("headers".into(), headers_json(e));
            }
            if !e.properties.is_empty() {
                o.insert("properties".into(), Json::Object(e.properties.clone()));
            }
            format!("endpoint {}", Json::Object(o))
        }
        Err(e) => format!("error {:?}", e.message),
    }
}
