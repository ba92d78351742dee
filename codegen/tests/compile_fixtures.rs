//! Every fixture's generated crate compiles without warnings: each is written to
//! `target/fixture-crates/<name>` as its own workspace root and checked with
//! `RUSTFLAGS=-Dwarnings cargo check`, all sharing `target/fixture-check` so dependencies are
//! built once.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn write_crate(dir: &Path, files: &std::collections::BTreeMap<String, String>) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if rel == "Cargo.toml" {
            format!("{text}\n[workspace]\n")
        } else {
            text.clone()
        };
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    // Pin dependency versions to the ones the workspace is tested with.
    let lock = workspace_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).unwrap();
    }
}

fn cargo_check(dir: &Path, offline: bool) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("check").arg("--quiet").current_dir(dir);
    if offline {
        cmd.arg("--offline");
    }
    cmd.env("CARGO_TARGET_DIR", workspace_root().join("target/fixture-check"))
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_PKG_NAME");
    cmd.output().expect("cargo runs")
}

#[test]
fn fixtures_compile_without_warnings() {
    let crates_dir = workspace_root().join("target/fixture-crates");
    let mut failures = Vec::new();
    for f in FIXTURES {
        let dir = crates_dir.join(f.name);
        write_crate(&dir, &generate_fixture(f));
        let started = Instant::now();
        let mut out = cargo_check(&dir, true);
        if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("offline") {
            out = cargo_check(&dir, false);
        }
        eprintln!(
            "fixture {}: cargo check {:?} in {:.1?}",
            f.name,
            out.status.code(),
            started.elapsed()
        );
        if !out.status.success() {
            failures.push(format!(
                "fixture `{}` ({}) does not compile warning-free:\n{}",
                f.name,
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The doc examples of every fixture crate compile and run (`cargo test --doc`). Needs a full
/// (not check) build of the dependencies, over 3 minutes cold on 2 cores, so run by hand:
/// `cargo test -p codegen --test compile_fixtures -- --ignored`.
#[test]
#[ignore]
fn fixture_doc_tests_pass() {
    let crates_dir = workspace_root().join("target/fixture-crates");
    let mut failures = Vec::new();
    for f in FIXTURES {
        let dir = crates_dir.join(f.name);
        write_crate(&dir, &generate_fixture(f));
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let started = Instant::now();
        let out = Command::new(cargo)
            .args(["test", "--doc", "--quiet", "--offline"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", workspace_root().join("target/fixture-doc"))
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PKG_NAME")
            .output()
            .expect("cargo runs");
        eprintln!(
            "fixture {}: cargo test --doc {:?} in {:.1?}",
            f.name,
            out.status.code(),
            started.elapsed()
        );
        if !out.status.success() {
            failures.push(format!(
                "fixture `{}` doc tests fail:\n{}{}",
                f.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
