//! `cargo xtask bench-idl`: how long reading the AWS protocol-test models takes in Smithy IDL
//! (the 140 `.smithy` files of `../shared/smithy-idl/protocol-tests-idl` plus the trait
//! definitions, read together by `codegen::idl`) against `serde_json` parsing the same models'
//! JSON AST (`../shared/protocol-tests/smithy-aws-protocol-tests.json`), and against the whole
//! JSON AST reader (`codegen::ast::parse`). Files are read into memory first; use a release
//! build (`cargo run --release -p xtask -- bench-idl`).

use crate::codegen_cmd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "smithy") {
            out.push(p);
        }
    }
}

fn median_ms<F: FnMut() -> Result<(), String>>(runs: usize, mut f: F) -> Result<(f64, f64, f64), String> {
    let mut samples: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    Ok((ms(&samples[samples.len() / 2]), ms(&samples[0]), ms(&samples[samples.len() - 1])))
}

pub fn cmd(args: &[String]) -> Result<(), String> {
    let shared = crate::flag(args, "--shared")?.map(PathBuf::from).unwrap_or_else(|| codegen_cmd::root().join("../shared"));
    let runs: usize = crate::flag(args, "--runs")?.map(|r| r.parse().map_err(|_| "--runs: not a number")).transpose()?.unwrap_or(21);
    let mut paths = Vec::new();
    collect(&shared.join("smithy-idl/protocol-tests-idl"), &mut paths);
    let idl_files = paths.len();
    collect(&shared.join("smithy-idl/traits"), &mut paths);
    if idl_files == 0 {
        return Err(format!("no .smithy files under {}", shared.join("smithy-idl/protocol-tests-idl").display()));
    }
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).map(|t| (p.display().to_string(), t)).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    let idl_bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let json_path = shared.join("protocol-tests/smithy-aws-protocol-tests.json");
    let json = std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let profile = if cfg!(debug_assertions) { "debug build: use --release for real numbers" } else { "release build" };
    println!("IDL reader benchmark ({profile}), {runs} runs each, median [min..max]");
    let (m, lo, hi) = median_ms(runs, || codegen::idl::parse_files(&files).map(|_| ()).map_err(|e| e.to_string()))?;
    println!(
        "  {:<58} {m:>8.2} ms  [{lo:.2}..{hi:.2}]",
        format!("IDL: {idl_files} files + {} trait files ({:.1} MB) -> ModelFile", files.len() - idl_files, idl_bytes as f64 / 1e6)
    );
    let (m2, lo, hi) = median_ms(runs, || codegen::idl::to_json(&files).map(|_| ()).map_err(|e| e.to_string()))?;
    println!("  {:<58} {m2:>8.2} ms  [{lo:.2}..{hi:.2}]", "IDL: same files -> JSON AST values only");
    let (j, lo, hi) = median_ms(runs, || serde_json::from_str::<serde_json::Value>(&json).map(|_| ()).map_err(|e| e.to_string()))?;
    println!("  {:<58} {j:>8.2} ms  [{lo:.2}..{hi:.2}]", format!("serde_json::Value from the JSON AST ({:.1} MB)", json.len() as f64 / 1e6));
    let (a, lo, hi) = median_ms(runs, || codegen::ast::parse("tests.json", &json).map(|_| ()).map_err(|e| e.to_string()))?;
    println!("  {:<58} {a:>8.2} ms  [{lo:.2}..{hi:.2}]", "codegen::ast::parse of the JSON AST -> ModelFile");
    println!("  IDL -> ModelFile / JSON AST -> ModelFile: {:.2}x", m / a);
    Ok(())
}
