//! Snapshots of every generated file for each fixture model.
//!
//! The project's own crate is pinned once, by `generated/` itself: `cargo xtask codegen --check`
//! and the `generated_code_is_fresh` test in xtask (run by `cargo test --workspace`) fail when
//! it is stale, so it has no snapshots here.
//! Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always cargo test -p codegen --test snapshots` and read the diff.

mod common;

use common::*;
use std::collections::BTreeMap;

fn snapshot_crate(name: &str, files: &BTreeMap<String, String>) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (path, text) in files {
            if is_copied_runtime(path) {
                continue;
            }
            let snap = format!("{name}@{}", path.replace('/', "__"));
            insta::assert_snapshot!(snap, text);
        }
    });
}

fn fixture(name: &str) {
    let f = FIXTURES.iter().find(|f| f.name == name).expect("fixture exists");
    snapshot_crate(name, &generate_fixture(f));
}

#[test]
fn keywords() {
    fixture("keywords");
}

#[test]
fn recursion() {
    fixture("recursion");
}

#[test]
fn enums() {
    fixture("enums");
}

#[test]
fn unions() {
    fixture("unions");
}

#[test]
fn errors() {
    fixture("errors");
}

#[test]
fn simple_types() {
    fixture("simple_types");
}

#[test]
fn v1() {
    fixture("v1");
}

#[test]
fn mixins_resources() {
    fixture("mixins_resources");
}

#[test]
fn endpoint_params() {
    fixture("endpoint_params");
}

#[test]
fn streaming() {
    fixture("streaming");
}

#[test]
fn waiters() {
    fixture("waiters");
}

#[test]
fn every_fixture_has_a_test() {
    let tested = [
        "keywords",
        "recursion",
        "enums",
        "unions",
        "errors",
        "simple_types",
        "v1",
        "mixins_resources",
        "endpoint_params",
        "streaming",
        "waiters",
    ];
    for f in FIXTURES {
        assert!(tested.contains(&f.name), "add a snapshot test for fixture {}", f.name);
    }
}
