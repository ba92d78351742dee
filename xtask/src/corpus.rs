//! `cargo xtask corpus --models DIR`: generates every service in DIR whose protocol the generator
//! supports, with all operations, into one scratch workspace and type-checks them all with
//! warnings denied. Prints one line per protocol and a total.

use crate::codegen_cmd;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A service with a supported protocol, found in a model file.
pub struct Found {
    pub file: PathBuf,
    pub text: String,
    pub service: String,
    pub stem: String,
    /// Its protocol (short name, e.g. `restJson1`).
    pub protocol: String,
}

/// Finds the services of every `*.json` model in `dir` whose protocol the generator supports.
pub fn find_services(dir: &Path) -> Result<Vec<Found>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let Ok(json) = serde_json::from_str::<Value>(&text) else { continue };
        let Some(shapes) = json.get("shapes").and_then(Value::as_object) else { continue };
        for (id, shape) in shapes {
            let is_service = shape.get("type").and_then(Value::as_str) == Some("service");
            let traits = shape.get("traits").and_then(Value::as_object);
            let protocol = codegen::protocols::supported().into_iter().find(|p| traits.is_some_and(|t| t.contains_key(*p)));
            if let (true, Some(protocol)) = (is_service, protocol) {
                let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
                let protocol = protocol.rsplit_once('#').map(|(_, n)| n).unwrap_or(protocol).to_string();
                out.push(Found { file: path.clone(), text: text.clone(), service: id.clone(), stem, protocol });
            }
        }
    }
    Ok(out)
}

/// Generates one service's crate; returns `(files, generation seconds)`.
pub fn generate(found: &Found, crate_name: &str) -> Result<(BTreeMap<String, String>, f64), String> {
    let spec = codegen::CrateSpec {
        crate_name: crate_name.to_string(),
        version: "0.1.0".into(),
        service: found.service.clone(),
        operations: None,
        runtime: Default::default(),
    };
    let start = Instant::now();
    let generated = codegen::generate(&[(found.file.display().to_string(), found.text.clone())], &spec).map_err(|e| e.to_string())?;
    let files = codegen::format_files(generated).map_err(|e| e.to_string())?;
    Ok((files, start.elapsed().as_secs_f64()))
}

pub fn cmd(args: &[String]) -> Result<(), String> {
    let models = crate::flag(args, "--models")?.map(PathBuf::from).unwrap_or_else(|| codegen_cmd::root().join("../shared/models/aws"));
    let only = crate::flag(args, "--only")?;
    let only_protocol = crate::flag(args, "--protocol")?;
    let scratch = codegen_cmd::root().join("target/corpus");
    let services = find_services(&models)?;
    let services: Vec<Found> = services
        .into_iter()
        .filter(|f| only.as_deref().is_none_or(|o| f.stem == o))
        .filter(|f| only_protocol.as_deref().is_none_or(|p| f.protocol == p))
        .collect();
    println!("{} services with supported protocols in {}", services.len(), models.display());
    let protocol_of: BTreeMap<String, String> = services.iter().map(|f| (format!("corpus-{}", f.stem), f.protocol.clone())).collect();
    let mut results: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    let mut members = Vec::new();
    let mut gen_total = 0.0;
    let wall = Instant::now();
    for found in &services {
        let crate_name = format!("corpus-{}", found.stem);
        match generate(found, &crate_name) {
            Ok((files, secs)) => {
                gen_total += secs;
                let out = scratch.join(&found.stem);
                codegen_cmd::sync(&out, &files, false)?;
                members.push(found.stem.clone());
                results.insert(crate_name, Ok(()));
            }
            Err(e) => {
                results.insert(crate_name, Err(format!("generation failed: {e}")));
            }
        }
    }
    println!("generated {} crates in {:.2} s of codegen", members.len(), gen_total);
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\n",
        members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let lock = codegen_cmd::root().join("Cargo.lock");
    if lock.exists() && !scratch.join("Cargo.lock").exists() {
        let _ = std::fs::copy(&lock, scratch.join("Cargo.lock"));
    }
    if !members.is_empty() {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&scratch)
            .env("RUSTFLAGS", "-D warnings")
            .env("CARGO_TARGET_DIR", codegen_cmd::root().join("target/corpus-target"))
            .args(["check", "--workspace", "--keep-going", "--message-format=short", "--quiet"])
            .output()
            .map_err(|e| format!("running cargo: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Attribute diagnostics to crates by their path prefix.
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in stderr.lines() {
            if let Some(stem) = members.iter().find(|m| line.starts_with(&format!("{m}/"))) {
                errors.entry(format!("corpus-{stem}")).or_default().push(line.to_string());
            } else if let Some(rest) = line.strip_prefix("error: could not compile `") {
                let name = rest.split('`').next().unwrap_or("").to_string();
                errors.entry(name).or_default();
            }
        }
        if !output.status.success() && errors.is_empty() {
            return Err(format!("cargo check failed:\n{stderr}"));
        }
        for (name, lines) in errors {
            let first: Vec<String> = lines.into_iter().take(5).collect();
            results.insert(name, Err(if first.is_empty() { "did not compile".into() } else { first.join("\n    ") }));
        }
    }
    let (mut passed, mut failed) = (0, 0);
    let mut per_protocol: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (name, result) in &results {
        let protocol = protocol_of.get(name).map(String::as_str).unwrap_or("?");
        let counts = per_protocol.entry(protocol).or_default();
        match result {
            Ok(()) => {
                passed += 1;
                counts.0 += 1;
                println!("ok   {name}");
            }
            Err(e) => {
                failed += 1;
                counts.1 += 1;
                println!("FAIL {name}\n    {e}");
            }
        }
    }
    println!("corpus wall time {:.0} s", wall.elapsed().as_secs_f64());
    for (protocol, (p, f)) in &per_protocol {
        println!("{protocol}: {p} passed, {f} failed");
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        return Err(format!("{failed} services failed"));
    }
    Ok(())
}
