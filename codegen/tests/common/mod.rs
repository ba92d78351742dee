//! Shared by the integration tests: the fixture models and how to generate them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One fixture: a crate generated from one or more model files with all operations.
pub struct Fixture {
    /// Short name, used for snapshot names and the crate name (`fixture-<name>`).
    pub name: &'static str,
    /// Model files under `codegen/tests/fixtures/`.
    pub files: &'static [&'static str],
    /// The service shape ID.
    pub service: &'static str,
}

pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "endpoint_params",
        files: &["endpoint_params.json"],
        service: "example.endpoints#EndpointService",
    },
    Fixture {
        name: "keywords",
        files: &["keywords.json"],
        service: "example.keywords#KeywordService",
    },
    Fixture {
        name: "recursion",
        files: &["recursion.json"],
        service: "example.recursion#RecursionService",
    },
    Fixture {
        name: "enums",
        files: &["enums.json", "enums.v1.json"],
        service: "example.enums#EnumService",
    },
    Fixture {
        name: "unions",
        files: &["unions.json"],
        service: "example.unions#UnionService",
    },
    Fixture {
        name: "errors",
        files: &["errors.json"],
        service: "example.errors#ErrorService",
    },
    Fixture {
        name: "simple_types",
        files: &["simple_types.json"],
        service: "example.simple#SimpleService",
    },
    Fixture {
        name: "v1",
        files: &["v1.json"],
        service: "example.v1#LegacyService",
    },
    Fixture {
        name: "streaming",
        files: &["streaming.json"],
        service: "example.streaming#ObjectService",
    },
    Fixture {
        name: "waiters",
        files: &["waiters.json"],
        service: "example.waiters#TableService",
    },
    Fixture {
        name: "mixins_resources",
        files: &["mixins_resources.json"],
        service: "example.res#WidgetService",
    },
];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ has a parent")
        .to_path_buf()
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `(file name, text)` of a fixture's model files; the names are relative so errors and
/// snapshots do not depend on where the workspace is checked out.
pub fn fixture_files(f: &Fixture) -> Vec<(String, String)> {
    f.files
        .iter()
        .map(|name| {
            let path = fixtures_dir().join(name);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (format!("fixtures/{name}"), text)
        })
        .collect()
}

pub fn fixture_spec(f: &Fixture) -> codegen::CrateSpec {
    codegen::CrateSpec {
        crate_name: format!("fixture-{}", f.name.replace('_', "-")),
        version: "0.1.0".into(),
        service: f.service.into(),
        operations: None,
        runtime: Default::default(),
    }
}

/// Generates and formats a fixture's crate.
pub fn generate_fixture(f: &Fixture) -> BTreeMap<String, String> {
    let generated =
        codegen::generate(&fixture_files(f), &fixture_spec(f)).unwrap_or_else(|e| panic!("fixture {}: {e}", f.name));
    codegen::format_files(generated).unwrap_or_else(|e| panic!("fixture {}: {e}", f.name))
}

/// Whether a generated file is a verbatim copy of a runtime source (not snapshotted).
pub fn is_copied_runtime(path: &str) -> bool {
    path.starts_with("src/runtime/") && path != "src/runtime/mod.rs"
}
