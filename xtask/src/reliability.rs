//! `cargo xtask fuzz-responses` and `cargo xtask load`: the reliability harnesses of the
//! `reliability` package, built and run by cargo (xtask itself does not depend on the
//! generated crates, so it stays cheap to build).

use std::process::Command;

/// Runs binary `bin` of the `reliability` package with `args`; `--release` (taken out of
/// `args`) builds it optimised. `features`: `None` for the package's defaults.
fn run_bin(bin: &str, args: &[String], release_by_default: bool, features: Option<&str>) -> Result<(), String> {
    let mut release = release_by_default;
    let mut rest = Vec::new();
    for a in args {
        match a.as_str() {
            "--release" => release = true,
            "--debug" => release = false,
            _ => rest.push(a.clone()),
        }
    }
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(crate::codegen_cmd::root()).args(["run", "--quiet", "-p", "reliability", "--bin", bin]);
    if release {
        cmd.arg("--release");
    }
    if let Some(f) = features {
        cmd.arg("--no-default-features");
        if !f.is_empty() {
            cmd.args(["--features", f]);
        }
    }
    let status = cmd.arg("--").args(&rest).status().map_err(|e| format!("running cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{bin} failed ({status})"))
    }
}

/// `cargo xtask load [--calls N] [--tasks N] [--no-raw] [--debug]`: a release build (latency
/// figures of a debug build say little), without the fuzzer's crates (only Cognito's).
pub fn load(args: &[String]) -> Result<(), String> {
    run_bin("load", args, true, Some(""))
}

/// `cargo xtask fuzz-responses --seconds N [--crate NAME] [--seed S] [--inputs N] [--release]`.
/// A debug build by default: integer overflow checks and debug assertions are on, and its
/// larger stack frames make a missed depth limit overflow sooner.
pub fn fuzz_responses(args: &[String]) -> Result<(), String> {
    run_bin("fuzz-responses", args, false, None)
}
