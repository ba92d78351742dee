//! Every fixture's generated crate compiles without warnings: each is written to
//! `target/fixture-crates/<name>` as its own workspace root and checked with
//! `RUSTFLAGS=-Dwarnings cargo check`, with its default features and with the `blocking`
//! client, all sharing `target/fixture-check` so dependencies are built once.

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

fn cargo_check(dir: &Path, offline: bool, features: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("check").arg("--quiet").current_dir(dir);
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
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
        for features in [&[][..], &["blocking"][..]] {
            let started = Instant::now();
            let mut out = cargo_check(&dir, true, features);
            if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("offline") {
                out = cargo_check(&dir, false, features);
            }
            eprintln!(
                "fixture {} (features {features:?}): cargo check {:?} in {:.1?}",
                f.name,
                out.status.code(),
                started.elapsed()
            );
            if !out.status.success() {
                failures.push(format!(
                    "fixture `{}` ({}, features {features:?}) does not compile warning-free:\n{}",
                    f.name,
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
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

/// `RuntimeMode::Shared`: two service crates and a program using both build against one
/// generated runtime crate, which is compiled once; both clients take the same `Config`.
#[test]
fn shared_runtime_two_crates_compile_the_runtime_once() {
    let root = workspace_root().join("target/shared-runtime-example");
    let runtime = codegen::generate_runtime("smithy-lite-runtime", "0.1.0").unwrap_or_else(|e| panic!("{e}"));
    write_crate(&root.join("runtime"), &runtime);
    let mut names = Vec::new();
    for name in ["errors", "unions", "endpoint_params"] {
        let f = FIXTURES.iter().find(|f| f.name == name).expect("fixture exists");
        let mut spec = fixture_spec(f);
        spec.runtime = codegen::RuntimeMode::Shared { crate_name: "smithy-lite-runtime".into(), path: "../runtime".into() };
        let generated = codegen::generate(&fixture_files(f), &spec).unwrap_or_else(|e| panic!("{e}"));
        let files = codegen::format_files(generated).unwrap_or_else(|e| panic!("{e}"));
        assert!(!files.keys().any(|p| is_copied_runtime(p)), "a shared-runtime crate carries no runtime copy");
        write_crate(&root.join(name.replace('_', "-")), &files);
        names.push(spec.crate_name);
    }
    let app = std::collections::BTreeMap::from([
        (
            "Cargo.toml".to_string(),
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{}\nsmithy-lite-runtime = {{ path = \"../runtime\", default-features = false }}\n",
                names.iter().map(|n| format!("{n} = {{ path = \"../{}\", default-features = false }}", n.trim_start_matches("fixture-"))).collect::<Vec<_>>().join("\n")
            ),
        ),
        (
            "src/main.rs".to_string(),
            "fn main() {\n    // One configuration, built once, taken by both clients.\n    let config = smithy_lite_runtime::config::Config::builder().region(\"us-east-1\").build();\n    let errors = fixture_errors::Client::new(&config);\n    let unions = fixture_unions::Client::new(&config);\n    let _: &smithy_lite_runtime::config::Config = errors.config();\n    let _: &fixture_errors::Config = unions.config();\n    // Client context parameters: typed setters from the service crate's extension trait.\n    use fixture_endpoint_params::config::ClientContextParams;\n    let config = config.to_builder().force_path_style(true).tier(\"gold\").build();\n    let _ = fixture_endpoint_params::Client::new(&config);\n}\n".to_string(),
        ),
    ]);
    write_crate(&root.join("app"), &app);
    // The members' own `[workspace]` tables are replaced by one workspace around them.
    for member in ["runtime", "errors", "unions", "endpoint-params", "app"] {
        let path = root.join(member).join("Cargo.toml");
        let text = std::fs::read_to_string(&path).unwrap().replace("\n[workspace]\n", "\n");
        std::fs::write(&path, text).unwrap();
        let _ = std::fs::remove_file(root.join(member).join("Cargo.lock"));
    }
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"runtime\", \"errors\", \"unions\", \"endpoint-params\", \"app\"]\n").unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |offline: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["check", "-p", "app", "--message-format=json"]).current_dir(&root);
        if offline {
            cmd.arg("--offline");
        }
        cmd.env("CARGO_TARGET_DIR", workspace_root().join("target/fixture-check"))
            .env("RUSTFLAGS", "-Dwarnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PKG_NAME")
            .output()
            .expect("cargo runs")
    };
    let mut out = run(true);
    if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("offline") {
        out = run(false);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "shared-runtime example does not compile:\n{}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    let runtime_units = stdout
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\"") && l.contains("\"name\":\"smithy_lite_runtime\"") && l.contains("\"lib\""))
        .count();
    assert_eq!(runtime_units, 1, "the runtime crate is one compilation unit shared by both clients");
}
