//! `cargo xtask bench`, the build comparisons beside ours/theirs: the floor (the generated
//! crate's own dependencies under a trivial main, `bench/floor`), the TLS variants of ours and of
//! the floor, and a multi-service program (Cognito, DynamoDB, S3) on generated crates with one
//! shared runtime crate against the same program on aws-sdk-rust (`bench/multi-{ours,theirs}`).
//!
//! The floor's dependencies are not written by hand: they are read from the generated crate's
//! `Cargo.toml` for the features a program enables, so the floor follows the runtime.

use crate::bench::{copy, copy_dir, fmt_ratio_plain, fmt_samples, progress, BuildSamples, Options, Program, Samples, Unit};
use crate::codegen_cmd;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The generated crate every single-service program vendors.
const CRATE: &str = "cognito-identity-provider";
/// The dependency line of `bench/ours/Cargo.toml` that a variant replaces.
const OURS_DEPENDENCY: &str = "cognito-identity-provider = { path = \"vendor/cognito-identity-provider\" }";
/// The features the benchmark programs give tokio themselves (their loopback server).
const PROGRAM_TOKIO: &[&str] = &["rt", "net", "io-util", "time"];
/// The generated crate's features that choose the TLS stack; the floor program has the same.
const TLS_FEATURES: &[&str] = &["tls-webpki-roots", "tls-native-roots", "tls-full-provider", "native-tls"];

/// A TLS configuration of the generated crate, measured apart from the default.
pub struct TlsVariant {
    /// Directory suffix: `target/bench/ours-{key}`, `target/bench/floor-{key}`.
    pub key: &'static str,
    pub label: &'static str,
    /// Features added to the crate's default ones.
    pub add: &'static [&'static str],
    /// Whether `default-https-client` is taken out of the default features.
    pub replaces_default_client: bool,
}

pub const VARIANTS: &[TlsVariant] = &[
    TlsVariant {
        key: "full-provider",
        label: "rustls + ring, ring's whole default provider (all suites and key exchanges), Mozilla roots compiled in",
        add: &["tls-full-provider"],
        replaces_default_client: false,
    },
    TlsVariant {
        key: "native-roots",
        label: "rustls + ring, AWS provider, the platform's certificate store (rustls-native-certs) instead of webpki-roots",
        add: &["tls-native-roots"],
        replaces_default_client: true,
    },
    TlsVariant {
        key: "native-tls",
        label: "the system's TLS library (native-tls: OpenSSL via hyper-tls) instead of rustls",
        add: &["native-tls"],
        replaces_default_client: true,
    },
];

/// The `[features]` and `[dependencies]` of a generated crate's Cargo.toml.
pub struct Manifest {
    features: BTreeMap<String, Vec<String>>,
    /// `(name, line)` in file order.
    dependencies: Vec<(String, String)>,
}

fn quoted_list(value: &str) -> Vec<String> {
    value
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|i| i.trim().trim_matches('"').to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        let mut section = String::new();
        let mut features = BTreeMap::new();
        let mut dependencies = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_string();
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else { continue };
            let name = name.trim().to_string();
            match section.as_str() {
                "[features]" => {
                    features.insert(name, quoted_list(value));
                }
                "[dependencies]" => dependencies.push((name, line.to_string())),
                _ => {}
            }
        }
        Manifest { features, dependencies }
    }

    pub fn read(root: &Path) -> Result<Manifest, String> {
        let path = root.join("generated").join(CRATE).join("Cargo.toml");
        Ok(Manifest::parse(&std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?))
    }

    pub fn default_features(&self) -> Vec<String> {
        self.features.get("default").cloned().unwrap_or_default()
    }

    /// The features a variant enables (with `default-features = false`).
    pub fn variant_features(&self, variant: Option<&TlsVariant>) -> Vec<String> {
        let mut out = self.default_features();
        if let Some(v) = variant {
            if v.replaces_default_client {
                out.retain(|f| f != "default-https-client");
            }
            out.extend(v.add.iter().map(|f| f.to_string()));
        }
        out
    }

    /// The features and optional dependencies `enabled` turns on, transitively.
    fn expand(&self, enabled: &[String]) -> (BTreeSet<String>, BTreeSet<String>) {
        let (mut features, mut deps) = (BTreeSet::new(), BTreeSet::new());
        let mut todo: Vec<String> = enabled.to_vec();
        while let Some(f) = todo.pop() {
            if let Some(dep) = f.strip_prefix("dep:") {
                deps.insert(dep.to_string());
            } else if let Some((dep, _feature)) = f.split_once('/') {
                // `dep/feature` turns the dependency on; `dep?/feature` does not.
                if !dep.ends_with('?') {
                    deps.insert(dep.to_string());
                }
            } else if features.insert(f.clone()) {
                todo.extend(self.features.get(&f).cloned().unwrap_or_default());
            }
        }
        (features, deps)
    }

    /// The `[dependencies]` lines of a program that needs what `enabled` compiles: every plain
    /// dependency and every optional one turned on, `optional` removed; tokio also gets the
    /// benchmark programs' own features.
    pub fn floor_dependencies(&self, enabled: &[String]) -> String {
        let (_, deps) = self.expand(enabled);
        let mut out = String::new();
        for (name, line) in &self.dependencies {
            let optional = line.contains("optional = true");
            if optional && !deps.contains(name) {
                continue;
            }
            let mut line = line.replace(", optional = true", "").replace("optional = true, ", "");
            if name == "tokio" {
                line = merge_features(&line, PROGRAM_TOKIO);
            }
            let _ = writeln!(out, "{line}");
        }
        out
    }

    /// The TLS-choosing features `enabled` turns on (the floor program's own features).
    pub fn tls_features(&self, enabled: &[String]) -> Vec<String> {
        let (features, _) = self.expand(enabled);
        TLS_FEATURES.iter().filter(|f| features.contains(**f)).map(|f| f.to_string()).collect()
    }
}

/// `line` (a dependency with `features = [..]`) with `extra` features added.
fn merge_features(line: &str, extra: &[&str]) -> String {
    let Some(start) = line.find("features = [") else {
        return line.replacen('}', &format!(", features = [{}] }}", quote(extra.iter().copied())), 1);
    };
    let open = start + "features = ".len();
    let Some(close) = line[open..].find(']').map(|i| open + i) else { return line.to_string() };
    let mut all = quoted_list(&line[open..=close]);
    for e in extra {
        if !all.iter().any(|a| a == e) {
            all.push(e.to_string());
        }
    }
    format!("{}[{}]{}", &line[..open], quote(all.iter().map(String::as_str)), &line[close + 1..])
}

fn quote<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ")
}

/// Writes the floor program for `features` of the generated crate.
pub fn write_floor(root: &Path, program: &Program, manifest: &Manifest, features: &[String]) -> Result<(), String> {
    let template_path = root.join("bench/floor/Cargo.toml");
    let template = std::fs::read_to_string(&template_path).map_err(|e| format!("{}: {e}", template_path.display()))?;
    let toml = template
        .replace(
            "# features: written by `cargo xtask bench`",
            &format!("default = [{}]", quote(manifest.tls_features(features).iter().map(String::as_str))),
        )
        .replace("# dependencies: written by `cargo xtask bench`\n", &manifest.floor_dependencies(features))
        .replace("bench-floor", &format!("bench-{}", program.name));
    write_program(program, &toml, &[(root.join("bench/floor/main.rs"), "main.rs")])
}

/// Writes the single-operation program on the generated crate with these features.
pub fn write_ours_variant(root: &Path, program: &Program, features: &[String]) -> Result<(), String> {
    let template_path = root.join("bench/ours/Cargo.toml");
    let template = std::fs::read_to_string(&template_path).map_err(|e| format!("{}: {e}", template_path.display()))?;
    if !template.contains(OURS_DEPENDENCY) {
        return Err(format!("{}: no line `{OURS_DEPENDENCY}`", template_path.display()));
    }
    let toml = template
        .replace(
            OURS_DEPENDENCY,
            &format!(
                "cognito-identity-provider = {{ path = \"vendor/cognito-identity-provider\", default-features = false, features = [{}] }}",
                quote(features.iter().map(String::as_str))
            ),
        )
        .replace("bench-ours", &format!("bench-{}", program.name));
    write_program(program, &toml, &[(root.join("bench/ours/main.rs"), "main.rs"), (root.join("bench/common.rs"), "common.rs")])?;
    let to = program.dir.join("vendor").join(CRATE);
    if to.exists() {
        std::fs::remove_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    copy_dir(&root.join("generated").join(CRATE), &to)
}

/// The multi-service program's generated crates: `(crate, service, operations, model file)`.
const MULTI_CRATES: &[(&str, &str, &[&str], &str)] = &[
    (
        "cognito-identity-provider",
        "com.amazonaws.cognitoidentityprovider#AWSCognitoIdentityProviderService",
        &["GetUser", "InitiateAuth"],
        "cognito-identity-provider.json",
    ),
    ("dynamodb", "com.amazonaws.dynamodb#DynamoDB_20120810", &["GetItem", "PutItem"], "dynamodb.json"),
    ("s3", "com.amazonaws.s3#AmazonS3", &["GetObject", "PutObject"], "s3.json"),
];

/// The operations of the multi-service program, for the report.
pub fn multi_operations() -> String {
    MULTI_CRATES.iter().map(|(c, _, ops, _)| format!("{c} {}", ops.join(", "))).collect::<Vec<_>>().join("; ")
}

/// Writes the multi-service program on generated crates: a `codegen.json` with one shared
/// runtime crate and the three service crates (models from `../shared/models/aws`), generated
/// into its `vendor/` by the same code as `cargo xtask codegen --config`.
pub fn write_multi_ours(root: &Path, program: &Program) -> Result<(), String> {
    let models = root.join("../shared/models/aws");
    let crates: Vec<serde_json::Value> = MULTI_CRATES
        .iter()
        .map(|(name, service, ops, model)| {
            serde_json::json!({
                "name": name, "runtime": "shared", "service": service, "operations": ops,
                "models": [models.join(model).display().to_string()], "out": format!("vendor/{name}"),
            })
        })
        .collect();
    let config = serde_json::json!({ "runtime": { "name": "smithy-lite-runtime", "out": "vendor/runtime" }, "crates": crates });
    std::fs::create_dir_all(&program.dir).map_err(|e| format!("{}: {e}", program.dir.display()))?;
    let config_path = program.dir.join("codegen.json");
    std::fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap_or_default())
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let jobs = codegen_cmd::read_config(&config_path)?;
    codegen_cmd::run_jobs(&jobs, false, true)?;
    let toml = read(&root.join("bench/multi-ours/Cargo.toml"))?;
    write_program(program, &toml, &[(root.join("bench/multi-ours/main.rs"), "main.rs"), (root.join("bench/multi_calls.rs"), "multi_calls.rs")])
}

pub fn write_multi_theirs(root: &Path, program: &Program) -> Result<(), String> {
    let toml = read(&root.join("bench/multi-theirs/Cargo.toml"))?;
    write_program(program, &toml, &[(root.join("bench/multi-theirs/main.rs"), "main.rs"), (root.join("bench/multi_calls.rs"), "multi_calls.rs")])
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `Cargo.toml` (only when it changed, so cargo sees no edit) and copies `files` to `src/`.
fn write_program(program: &Program, toml: &str, files: &[(std::path::PathBuf, &str)]) -> Result<(), String> {
    let src = program.dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let manifest = program.dir.join("Cargo.toml");
    if std::fs::read_to_string(&manifest).ok().as_deref() != Some(toml) {
        std::fs::write(&manifest, toml).map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    for (from, name) in files {
        copy(from, &src.join(name))?;
    }
    Ok(())
}

/// Runs a multi-service program's `selftest` (its six calls against its loopback server) and
/// returns its summary line, failing unless every call reached the server.
pub fn selftest(program: &Program, start: Instant) -> Result<String, String> {
    let out = Command::new(program.binary()).arg("selftest").output().map_err(|e| format!("{}: {e}", program.binary().display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let summary = stdout.lines().find(|l| l.starts_with("calls=")).unwrap_or("").to_string();
    let requests = summary
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("requests="))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if !out.status.success() || requests < 6 {
        return Err(format!(
            "{} selftest: expected the 6 calls to reach the loopback server: {stdout}{}",
            program.name,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    progress(start, &format!("  {} selftest: {summary}", program.name));
    Ok(summary)
}

/// Everything measured beside ours/theirs.
#[derive(Default)]
pub struct BuildComparison {
    pub floor: Option<BuildSamples>,
    pub default_features: Vec<String>,
    /// `(variant, its features, ours, floor)`.
    pub variants: Vec<(&'static TlsVariant, Vec<String>, BuildSamples, BuildSamples)>,
    /// ours, theirs, and each one's selftest line.
    pub multi: Option<(BuildSamples, BuildSamples, String, String)>,
    pub skipped: Vec<&'static str>,
}

/// Measures the TLS variants (ours and floor of each).
pub fn measure_variants(root: &Path, bench_dir: &Path, manifest: &Manifest, opts: &Options, start: Instant) -> Result<Vec<(&'static TlsVariant, Vec<String>, BuildSamples, BuildSamples)>, String> {
    let mut out = Vec::new();
    for v in VARIANTS {
        let features = manifest.variant_features(Some(v));
        let ours = Program::new(bench_dir, &format!("ours-{}", v.key));
        write_ours_variant(root, &ours, &features)?;
        let ours_build = ours.measure_builds(opts, start, false)?;
        let floor = Program::new(bench_dir, &format!("floor-{}", v.key));
        write_floor(root, &floor, manifest, &features)?;
        let floor_build = floor.measure_builds(opts, start, false)?;
        out.push((v, features, ours_build, floor_build));
    }
    Ok(out)
}

fn ratio(a: &Samples, b: &Samples) -> f64 {
    a.median() / b.median()
}

fn verdict(r: f64, goal: f64) -> &'static str {
    if r <= goal { "met" } else { "**missed**" }
}

fn binary(b: &BuildSamples) -> Samples {
    Samples(vec![b.binary])
}

fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / 1024.0 / 1024.0)
}

fn delta(v: f64, base: f64, unit: &str) -> String {
    let d = v - base;
    format!("{}{:.2} {unit} ({:+.0}%)", if d >= 0.0 { "+" } else { "−" }, d.abs(), (v / base - 1.0) * 100.0)
}

fn load_note(b: &BuildSamples) -> String {
    let mut s = b.load.join(", ");
    if !b.date.is_empty() {
        s = format!("{s}; built {}", b.date);
    }
    s
}

impl BuildComparison {
    /// The markdown of the floor, TLS and multi-service sections (ours/theirs given for the
    /// three-way table).
    pub fn markdown(&self, ours: &BuildSamples, theirs: &BuildSamples) -> String {
        let mut s = String::new();
        if let Some(floor) = &self.floor {
            let _ = writeln!(s, "### Builds three ways: floor, ours, SDK\n");
            let _ = writeln!(s, "Floor = `bench/floor/main.rs`: the generated crate's own dependencies with the features its defaults enable ({}), read from its Cargo.toml, under a main that builds the same HTTPS client as the runtime and uses each dependency only when `BENCH_FLOOR_URL` is set; no generated code. Ours and SDK are the programs above.\n", self.default_features.join(", "));
            let _ = writeln!(s, "| metric | floor | ours | SDK | ours/floor | ours/SDK | goal | |\n|---|---|---|---|---|---|---|---|");
            let rows: [(&str, Samples, Samples, Samples, Unit, Option<(&str, f64, bool)>); 4] = [
                ("clean release build, wall", floor.wall.clone(), ours.wall.clone(), theirs.wall.clone(), Unit::Seconds, Some(("ours/floor ≤ 1.15", 1.15, true))),
                ("clean release build, CPU (user+sys)", floor.cpu.clone(), ours.cpu.clone(), theirs.cpu.clone(), Unit::Seconds, Some(("ours/floor ≤ 1.15", 1.15, true))),
                ("crates compiled", floor.crates.clone(), ours.crates.clone(), theirs.crates.clone(), Unit::Count, None),
                ("stripped release binary", binary(floor), binary(ours), binary(theirs), Unit::Bytes, Some(("ours/SDK ≤ 0.25", 0.25, false))),
            ];
            for (metric, f, o, t, unit, goal) in rows {
                let (rf, rt) = (ratio(&o, &f), ratio(&o, &t));
                let (goal_text, met) = match goal {
                    Some((text, g, vs_floor)) => (text, verdict(if vs_floor { rf } else { rt }, g)),
                    None => ("", ""),
                };
                let _ = writeln!(
                    s,
                    "| {metric} | {} | {} | {} | {} | {} | {goal_text} | {met} |",
                    fmt_samples(&f, unit),
                    fmt_samples(&o, unit),
                    fmt_samples(&t, unit),
                    fmt_ratio_plain(rf),
                    fmt_ratio_plain(rt)
                );
            }
            let _ = writeln!(s, "\nFloor/SDK: build wall {}, CPU {}, binary {} (no generated code can take ours below these on this stack). Clean builds started at load {} (floor).\n", fmt_ratio_plain(ratio(&floor.wall, &theirs.wall)), fmt_ratio_plain(ratio(&floor.cpu, &theirs.cpu)), fmt_ratio_plain(floor.binary / theirs.binary), load_note(floor));
        }
        if !self.variants.is_empty() {
            let _ = writeln!(s, "### TLS variants\n");
            let _ = writeln!(s, "The same one-operation program and its floor, with the generated crate's TLS features changed (`default-features = false` and the features listed). Δ = against the default (first row); n=1 each unless shown.\n");
            let _ = writeln!(s, "| TLS | generated crate's features | ours: build wall / CPU | ours: binary | floor: build wall / CPU | floor: binary | ours/floor wall | Δ ours binary | Δ ours build CPU |\n|---|---|---|---|---|---|---|---|---|");
            if let Some(floor) = &self.floor {
                let _ = writeln!(
                    s,
                    "| default: rustls + ring, AWS provider (AES-GCM, X25519/P-256), Mozilla roots compiled in | default | {} / {} | {} | {} / {} | {} | {} | — | — |",
                    fmt_samples(&ours.wall, Unit::Seconds),
                    fmt_samples(&ours.cpu, Unit::Seconds),
                    mib(ours.binary),
                    fmt_samples(&floor.wall, Unit::Seconds),
                    fmt_samples(&floor.cpu, Unit::Seconds),
                    mib(floor.binary),
                    fmt_ratio_plain(ratio(&ours.wall, &floor.wall))
                );
            }
            for (v, features, o, f) in &self.variants {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} / {} | {} | {} / {} | {} | {} | {} | {} |",
                    v.label,
                    features.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
                    fmt_samples(&o.wall, Unit::Seconds),
                    fmt_samples(&o.cpu, Unit::Seconds),
                    mib(o.binary),
                    fmt_samples(&f.wall, Unit::Seconds),
                    fmt_samples(&f.cpu, Unit::Seconds),
                    mib(f.binary),
                    fmt_ratio_plain(ratio(&o.wall, &f.wall)),
                    delta(o.binary / 1024.0, ours.binary / 1024.0, "KiB"),
                    delta(o.cpu.median(), ours.cpu.median(), "s"),
                );
            }
            let loads: Vec<String> = self.variants.iter().map(|(v, _, o, f)| format!("{} {} / {}", v.key, o.load.join(", "), f.load.join(", "))).collect();
            let _ = writeln!(s, "\nLoad average at the start of each variant's builds (ours / floor): {}.\n", loads.join("; "));
        }
        if let Some((o, t, os, ts)) = &self.multi {
            let _ = writeln!(s, "### Several services: Cognito, DynamoDB and S3\n");
            let _ = writeln!(s, "`bench/multi-{{ours,theirs}}/main.rs` + `bench/multi_calls.rs`: six calls ({}) written once for both sides. Ours: the three crates generated with one shared runtime crate (`\"runtime\": \"shared\"`, default features) into `target/bench/multi-ours/vendor`; theirs: `aws-sdk-cognitoidentityprovider`, `aws-sdk-dynamodb`, `aws-sdk-s3` and `aws-config` (default features). `selftest` runs the six calls against a loopback server (ours: `{os}`; theirs: `{ts}`).\n", multi_operations());
            let _ = writeln!(s, "| metric | ours (shared runtime) | SDK | ours/SDK | goal | |\n|---|---|---|---|---|---|");
            for (metric, a, b, unit, goal) in [
                ("clean release build, wall", o.wall.clone(), t.wall.clone(), Unit::Seconds, Some(0.08)),
                ("clean release build, CPU (user+sys)", o.cpu.clone(), t.cpu.clone(), Unit::Seconds, None),
                ("crates compiled", o.crates.clone(), t.crates.clone(), Unit::Count, None),
                ("build peak RSS (largest process)", o.rss_kib.clone(), t.rss_kib.clone(), Unit::KiB, None),
                ("stripped release binary", binary(o), binary(t), Unit::Bytes, Some(0.2)),
            ] {
                let r = ratio(&a, &b);
                let (g, met) = match goal {
                    Some(g) => (format!("≤ {g}"), verdict(r, g)),
                    None => (String::new(), ""),
                };
                let _ = writeln!(s, "| {metric} | {} | {} | {} | {g} | {met} |", fmt_samples(&a, unit), fmt_samples(&b, unit), fmt_ratio_plain(r));
            }
            let _ = writeln!(s, "\nClean builds started at load {} (ours) and {} (SDK).\n", load_note(o), load_note(t));
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(s, "Not measured in this run: {}.\n", self.skipped.join(", "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[features]
default = ["default-https-client", "tracing", "credentials-sts"]
default-https-client = ["tls-rustls", "tls-webpki-roots"]
hyper-client = ["rt-tokio", "dep:hyper"]
tls-rustls = ["hyper-client", "dep:rustls"]
tls-webpki-roots = ["tls-rustls", "dep:webpki-roots"]
native-tls = ["hyper-client", "dep:hyper-tls"]
rt-tokio = ["dep:tokio"]
tracing = ["dep:tracing"]
credentials-sts = ["dep:xmlparser"]
content-md5 = ["dep:md-5"]

[dependencies]
http = "1"
md-5 = { version = "0.10", optional = true, default-features = false }
xmlparser = { version = "0.13", optional = true }
hyper = { version = "1", optional = true, default-features = false, features = ["client"] }
rustls = { version = "0.23", optional = true, default-features = false }
webpki-roots = { version = "1", optional = true }
hyper-tls = { version = "0.6", optional = true, default-features = false }
tokio = { version = "1", optional = true, default-features = false, features = ["rt", "time", "fs"] }
tracing = { version = "0.1", optional = true, default-features = false, features = ["std"] }
"#;

    #[test]
    fn floor_has_the_dependencies_the_features_enable() {
        let m = Manifest::parse(MANIFEST);
        let deps = m.floor_dependencies(&m.default_features());
        assert!(deps.contains("http = \"1\"\n"), "{deps}");
        assert!(deps.contains("rustls = { version = \"0.23\", default-features = false }"), "{deps}");
        assert!(deps.contains("xmlparser = { version = \"0.13\" }"), "{deps}");
        assert!(!deps.contains("md-5") && !deps.contains("hyper-tls") && !deps.contains("optional"), "{deps}");
        assert!(deps.contains(r#"tokio = { version = "1", default-features = false, features = ["rt", "time", "fs", "net", "io-util"] }"#), "{deps}");
        assert_eq!(m.tls_features(&m.default_features()), vec!["tls-webpki-roots"]);
    }

    #[test]
    fn a_variant_replacing_the_default_client_leaves_rustls_out() {
        let m = Manifest::parse(MANIFEST);
        let features = m.variant_features(Some(&VARIANTS[2]));
        assert_eq!(features, vec!["tracing", "credentials-sts", "native-tls"]);
        let deps = m.floor_dependencies(&features);
        assert!(deps.contains("hyper-tls") && deps.contains("hyper =") && !deps.contains("rustls") && !deps.contains("webpki"), "{deps}");
        assert_eq!(m.tls_features(&features), vec!["native-tls"]);
    }
}
