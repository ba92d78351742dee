//! `@requestCompression` and the endpoint-from-input customisation, from model to generated
//! crate: the typed view set by normalisation, the operation spec and request code emitted, and
//! the `request-compression` feature turned on only where it is needed.

use codegen::{format_files, generate, load, model::Kind, CrateSpec};
use std::collections::BTreeMap;

fn model(service: &str, op: &str, op_traits: serde_json::Value) -> String {
    let ns = service.split('#').next().unwrap();
    serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            service: {
                "type": "service",
                "version": "2024-01-01",
                "operations": [{ "target": format!("{ns}#{op}") }],
                "traits": { "aws.protocols#awsJson1_1": {}, "aws.api#service": { "sdkId": "Example" } }
            },
            format!("{ns}#{op}"): {
                "type": "operation",
                "input": { "target": format!("{ns}#{op}Input") },
                "output": { "target": "smithy.api#Unit" },
                "traits": op_traits
            },
            format!("{ns}#{op}Input"): {
                "type": "structure",
                "members": {
                    "PredictEndpoint": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
                    "data": { "target": "smithy.api#String" }
                }
            }
        }
    })
    .to_string()
}

fn spec(service: &str) -> CrateSpec {
    CrateSpec { crate_name: "example".into(), version: "0.1.0".into(), service: service.into(), operations: None, runtime: Default::default() }
}

fn files(service: &str, op: &str, op_traits: serde_json::Value) -> BTreeMap<String, String> {
    let files = [("example.json".to_string(), model(service, op, op_traits))];
    format_files(generate(&files, &spec(service)).expect("generates")).expect("formats")
}

fn info(service: &str, op: &str, op_traits: serde_json::Value) -> codegen::bindings::OperationInfo {
    let files = [("example.json".to_string(), model(service, op, op_traits))];
    let (model, _) = load(&files, &spec(service)).expect("loads");
    let ns = service.split('#').next().unwrap();
    match &model.shapes[&format!("{ns}#{op}")].kind {
        Kind::Operation(o) => o.info.clone(),
        _ => unreachable!(),
    }
}

fn default_features(files: &BTreeMap<String, String>) -> String {
    files["Cargo.toml"].lines().find(|l| l.starts_with("default = [")).unwrap().to_string()
}

#[test]
fn request_compression_turns_the_feature_on() {
    let traits = serde_json::json!({ "smithy.api#requestCompression": { "encodings": ["gzip"] } });
    assert_eq!(info("example#Svc", "Put", traits.clone()).request_compression, vec!["gzip".to_string()]);
    let out = files("example#Svc", "Put", traits);
    assert!(default_features(&out).contains("\"request-compression\""), "{}", default_features(&out));
    assert!(out["src/operation/put.rs"].contains("request_compression: &[\"gzip\"]"));
}

#[test]
fn without_the_trait_the_feature_stays_off() {
    assert!(info("example#Svc", "Put", serde_json::json!({})).request_compression.is_empty());
    let out = files("example#Svc", "Put", serde_json::json!({}));
    assert!(!default_features(&out).contains("request-compression"));
    assert!(out["src/operation/put.rs"].contains("request_compression: &[]"));
}

#[test]
fn a_bad_request_compression_trait_is_an_error_naming_the_operation() {
    let files = [("example.json".to_string(), model("example#Svc", "Put", serde_json::json!({ "smithy.api#requestCompression": { "encodings": [] } })))];
    let err = generate(&files, &spec("example#Svc")).err().expect("an error").to_string();
    assert!(err.contains("example#Put") && err.contains("requestCompression"), "{err}");
}

#[test]
fn machine_learning_predict_takes_its_endpoint_from_the_input() {
    const ML: &str = "com.amazonaws.machinelearning#AmazonML_20141212";
    assert_eq!(info(ML, "Predict", serde_json::json!({})).endpoint_url_member.as_deref(), Some("PredictEndpoint"));
    let out = files(ML, "Predict", serde_json::json!({}));
    let predict = &out["src/operation/predict.rs"];
    assert!(predict.contains("parts.endpoint_url = input.predict_endpoint.clone();"), "{predict}");
    // The same shapes in another service are not customised.
    assert_eq!(info("example#Svc", "Predict", serde_json::json!({})).endpoint_url_member, None);
    let out = files("example#Svc", "Predict", serde_json::json!({}));
    assert!(!out["src/operation/predict.rs"].contains("endpoint_url"));
}

/// S3's ListObjectsV2 pages with `ContinuationToken` (shape `Token`) in and
/// `NextContinuationToken` (shape `NextToken`) out: distinct shapes, both strings. The paginator
/// must still be generated (it was silently left out when the shape ids differed).
#[test]
fn a_paginator_whose_tokens_are_distinct_string_shapes() {
    let model = serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            "example#Svc": {
                "type": "service", "version": "2024-01-01",
                "operations": [{ "target": "example#List" }],
                "traits": { "aws.protocols#awsJson1_1": {}, "aws.api#service": { "sdkId": "Example" } }
            },
            "example#List": {
                "type": "operation",
                "input": { "target": "example#ListInput" },
                "output": { "target": "example#ListOutput" },
                "traits": { "smithy.api#paginated": { "inputToken": "ContinuationToken", "outputToken": "NextContinuationToken", "pageSize": "MaxKeys" } }
            },
            "example#Token": { "type": "string" },
            "example#NextToken": { "type": "string" },
            "example#Other": { "type": "integer" },
            "example#ListInput": { "type": "structure", "members": {
                "ContinuationToken": { "target": "example#Token" },
                "MaxKeys": { "target": "smithy.api#Integer" }
            } },
            "example#ListOutput": { "type": "structure", "members": {
                "NextContinuationToken": { "target": "example#NextToken" },
                "Marker": { "target": "example#Other" }
            } }
        }
    });
    let files = [("example.json".to_string(), model.to_string())];
    let out = format_files(generate(&files, &spec("example#Svc")).expect("generates")).expect("formats");
    let list = &out["src/operation/list.rs"];
    assert!(list.contains("pub fn into_paginator(self) -> paginator::ListPaginator"), "{list}");
    assert!(list.contains(".next_continuation_token"), "{list}");
    assert!(list.contains("pub fn page_size(mut self, limit: i32)"), "{list}");

    // Tokens of different Rust types still give no paginator.
    let mut model = model;
    model["shapes"]["example#List"]["traits"]["smithy.api#paginated"]["outputToken"] = "Marker".into();
    let files = [("example.json".to_string(), model.to_string())];
    let out = format_files(generate(&files, &spec("example#Svc")).expect("generates")).expect("formats");
    assert!(!out["src/operation/list.rs"].contains("into_paginator"));
}
