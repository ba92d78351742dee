//! Invalid models and impossible requests give an `Error` whose message names the file, the
//! shape where there is one, and what is wrong; never a panic.

use codegen::{generate, CrateSpec, Error};

const FILE: &str = "models/bad.json";
const SERVICE: &str = "example.bad#BadService";

fn spec(operations: Option<&[&str]>) -> CrateSpec {
    CrateSpec {
        crate_name: "bad".into(),
        version: "0.1.0".into(),
        service: SERVICE.into(),
        operations: operations.map(|o| o.iter().map(|s| s.to_string()).collect()),
        runtime: Default::default(),
    }
}

/// A small valid model; tests break one part of it.
fn good_model() -> serde_json::Value {
    serde_json::json!({
        "smithy": "2.0",
        "shapes": {
            "example.bad#BadService": {
                "type": "service",
                "version": "2024-01-01",
                "operations": [{ "target": "example.bad#GetThing" }],
                "traits": { "aws.protocols#awsJson1_1": {}, "aws.api#service": { "sdkId": "Bad" } }
            },
            "example.bad#GetThing": {
                "type": "operation",
                "input": { "target": "example.bad#GetThingInput" },
                "output": { "target": "example.bad#GetThingOutput" }
            },
            "example.bad#GetThingInput": {
                "type": "structure",
                "members": { "id": { "target": "smithy.api#String" } }
            },
            "example.bad#GetThingOutput": {
                "type": "structure",
                "members": { "thing": { "target": "example.bad#Thing" } }
            },
            "example.bad#Thing": {
                "type": "structure",
                "members": { "name": { "target": "smithy.api#String" } }
            }
        }
    })
}

fn run_text(text: &str, spec: &CrateSpec) -> Result<(), Error> {
    generate(&[(FILE.to_string(), text.to_string())], spec).map(|_| ())
}

fn run(model: &serde_json::Value, spec: &CrateSpec) -> Result<(), Error> {
    run_text(&serde_json::to_string_pretty(model).unwrap(), spec)
}

/// The error's message, checked to contain every one of `needles`.
#[track_caller]
fn expect_error(result: Result<(), Error>, needles: &[&str]) -> String {
    let err = match result {
        Ok(()) => panic!("expected an error mentioning {needles:?}, but generation succeeded"),
        Err(e) => e,
    };
    let text = err.to_string();
    eprintln!("{text}");
    for n in needles {
        assert!(text.contains(n), "error {text:?} does not mention {n:?}");
    }
    text
}

#[test]
fn the_good_model_generates() {
    run(&good_model(), &spec(None)).expect("the base model of these tests is valid");
}

#[test]
fn invalid_json() {
    let msg = expect_error(
        run_text("{ \"smithy\": \"2.0\", \"shapes\": { nope } }", &spec(None)),
        &[FILE, "invalid JSON"],
    );
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn truncated_file() {
    let text = serde_json::to_string_pretty(&good_model()).unwrap();
    let cut = &text[..text.len() / 2];
    expect_error(run_text(cut, &spec(None)), &[FILE, "invalid JSON", "EOF"]);
}

#[test]
fn empty_file() {
    expect_error(run_text("", &spec(None)), &[FILE, "empty"]);
    expect_error(run_text("  \n\t ", &spec(None)), &[FILE, "empty"]);
}

#[test]
fn top_level_not_an_object() {
    expect_error(run_text("[1, 2, 3]", &spec(None)), &[FILE, "top level", "object"]);
}

#[test]
fn unknown_smithy_version() {
    let mut m = good_model();
    m["smithy"] = "3.0".into();
    expect_error(run(&m, &spec(None)), &[FILE, "unsupported Smithy version", "3.0"]);
    m["smithy"] = 2.into();
    expect_error(run(&m, &spec(None)), &[FILE, "smithy", "string"]);
    m.as_object_mut().unwrap().remove("smithy");
    expect_error(run(&m, &spec(None)), &[FILE, "missing", "smithy"]);
}

#[test]
fn unknown_shape_type() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["type"] = "widget".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing", "unknown shape type", "widget"],
    );
}

#[test]
fn missing_shape_type() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"].as_object_mut().unwrap().remove("type");
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing", "type"]);
}

#[test]
fn member_target_does_not_exist() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["name"]["target"] = "example.bad#Missing".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing$name", "example.bad#Missing", "does not exist"],
    );
}

#[test]
fn operation_input_does_not_exist() {
    let mut m = good_model();
    m["shapes"]["example.bad#GetThing"]["input"]["target"] = "example.bad#Nope".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#GetThing", "example.bad#Nope", "does not exist"],
    );
}

#[test]
fn members_of_the_wrong_json_type() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"] = serde_json::json!([]);
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing", "invalid shape", "members"],
    );
}

#[test]
fn target_of_the_wrong_json_type() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["name"]["target"] = 5.into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing", "invalid shape", "target", "5"],
    );
}

#[test]
fn unknown_member_property() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["name"]["tragets"] = "x".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing", "invalid shape", "tragets"],
    );
}

#[test]
fn operation_not_in_the_service() {
    let err = expect_error(
        run(&good_model(), &spec(Some(&["GetThing", "DeleteThing"]))),
        &["DeleteThing", SERVICE, "GetThing", FILE],
    );
    assert!(err.contains("not an operation"), "{err}");
}

#[test]
fn service_does_not_exist() {
    let mut s = spec(None);
    s.service = "example.bad#NoSuchService".into();
    expect_error(
        run(&good_model(), &s),
        &["example.bad#NoSuchService", "not in the model", FILE],
    );
}

#[test]
fn service_is_not_a_service() {
    let mut s = spec(None);
    s.service = "example.bad#Thing".into();
    expect_error(run(&good_model(), &s), &[FILE, "example.bad#Thing", "not a service"]);
}

#[test]
fn non_aws_json_protocol() {
    let mut m = good_model();
    let traits = m["shapes"][SERVICE]["traits"].as_object_mut().unwrap();
    traits.remove("aws.protocols#awsJson1_1");
    traits.insert("smithy.protocols#rpcv2Cbor".into(), serde_json::json!({}));
    expect_error(
        run(&m, &spec(None)),
        &[FILE, SERVICE, "unsupported protocol", "rpcv2Cbor", "awsJson1_0", "restJson1", "restXml", "awsQuery", "ec2Query"],
    );
    m["shapes"][SERVICE]["traits"]
        .as_object_mut()
        .unwrap()
        .remove("smithy.protocols#rpcv2Cbor");
    expect_error(run(&m, &spec(None)), &[FILE, SERVICE, "no protocol trait", "awsJson1_1"]);
}

#[test]
fn shape_id_without_namespace() {
    let mut m = good_model();
    let thing = m["shapes"]
        .as_object_mut()
        .unwrap()
        .remove("example.bad#Thing")
        .unwrap();
    m["shapes"]["Thing"] = thing;
    expect_error(run(&m, &spec(None)), &[FILE, "Thing", "absolute"]);
}

#[test]
fn error_that_is_not_an_error_structure() {
    let mut m = good_model();
    m["shapes"]["example.bad#GetThing"]["errors"] = serde_json::json!([{ "target": "example.bad#Thing" }]);
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing", "@error"]);
}

#[test]
fn mixin_cycle() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["mixins"] = serde_json::json!([{ "target": "example.bad#Thing" }]);
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing", "mixin cycle"]);
}

/// The reference loader's mixin rules hold for JSON AST models as for IDL ones.
#[test]
fn mixin_of_another_shape_type() {
    let mut m = good_model();
    m["shapes"]["example.bad#Named"] = serde_json::json!({ "type": "union", "members": { "a": { "target": "smithy.api#String" } }, "traits": { "smithy.api#mixin": {} } });
    m["shapes"]["example.bad#Thing"]["mixins"] = serde_json::json!([{ "target": "example.bad#Named" }]);
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing", "`example.bad#Named` is a union", "(structure)"]);
}

#[test]
fn member_that_changes_the_target_of_a_mixin_member() {
    let mut m = good_model();
    m["shapes"]["example.bad#Named"] = serde_json::json!({ "type": "structure", "members": { "name": { "target": "smithy.api#Integer" } }, "traits": { "smithy.api#mixin": {} } });
    m["shapes"]["example.bad#Thing"]["mixins"] = serde_json::json!([{ "target": "example.bad#Named" }]);
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing$name", "targets `smithy.api#String`", "`example.bad#Named$name` targets `smithy.api#Integer`"],
    );
}

#[test]
fn mixins_whose_members_conflict() {
    let mut m = good_model();
    for (id, target) in [("example.bad#A", "smithy.api#String"), ("example.bad#B", "smithy.api#Long")] {
        m["shapes"][id] = serde_json::json!({ "type": "structure", "members": { "size": { "target": target } }, "traits": { "smithy.api#mixin": {} } });
    }
    m["shapes"]["example.bad#Thing"]["mixins"] = serde_json::json!([{ "target": "example.bad#A" }, { "target": "example.bad#B" }]);
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing$size", "`example.bad#A$size`", "`example.bad#B$size`", "conflict"]);
}

#[test]
fn mixin_operation_with_input_and_mixin_resource_with_identifiers() {
    let mut m = good_model();
    m["shapes"]["example.bad#OpMixin"] = serde_json::json!({ "type": "operation", "output": { "target": "example.bad#Thing" }, "traits": { "smithy.api#mixin": {} } });
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#OpMixin", "operation mixin cannot define its output"]);
    let mut m = good_model();
    m["shapes"]["example.bad#ResMixin"] = serde_json::json!({ "type": "resource", "identifiers": { "id": { "target": "smithy.api#String" } }, "traits": { "smithy.api#mixin": {} } });
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#ResMixin", "resource mixin cannot define identifiers"]);
}

#[test]
fn list_without_member() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["items"] = serde_json::json!({ "target": "example.bad#Items" });
    m["shapes"]["example.bad#Items"] = serde_json::json!({ "type": "list" });
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Items", "no `member`"]);
}

#[test]
fn int_enum_without_value() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"] = serde_json::json!({
        "type": "intEnum",
        "members": { "ONE": { "target": "smithy.api#Unit" } }
    });
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Thing$ONE", "@enumValue"]);
}

#[test]
fn input_that_is_not_a_structure() {
    let mut m = good_model();
    m["shapes"]["example.bad#GetThing"]["input"]["target"] = "smithy.api#String".into();
    expect_error(
        run(&m, &spec(None)),
        &[
            FILE,
            "example.bad#GetThing",
            "input `smithy.api#String`",
            "structure",
            "not a string",
        ],
    );
}

#[test]
fn list_that_contains_itself() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["items"] = serde_json::json!({ "target": "example.bad#Items" });
    m["shapes"]["example.bad#Items"] =
        serde_json::json!({ "type": "list", "member": { "target": "example.bad#ItemMap" } });
    m["shapes"]["example.bad#ItemMap"] = serde_json::json!({ "type": "map", "key": { "target": "smithy.api#String" }, "value": { "target": "example.bad#Items" } });
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Items", "contains itself", "example.bad#ItemMap"],
    );
}

#[test]
fn enum_values_that_repeat() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["color"] = serde_json::json!({ "target": "example.bad#Color" });
    m["shapes"]["example.bad#Color"] = serde_json::json!({
        "type": "enum",
        "members": {
            "RED": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } },
            "Red": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } }
        }
    });
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Color", "`RED` and `Red`", "same value"],
    );
    m["shapes"]["example.bad#Color"] = serde_json::json!({
        "type": "string",
        "traits": { "smithy.api#enum": [{ "value": "a" }, { "value": "b" }, { "value": "a" }] }
    });
    expect_error(run(&m, &spec(None)), &[FILE, "example.bad#Color", "same value"]);
}

#[test]
fn member_targets_an_operation() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["name"]["target"] = "example.bad#GetThing".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing$name", "example.bad#GetThing", "an operation"],
    );
}

#[test]
fn prelude_shape_redefined() {
    let mut m = good_model();
    m["shapes"]["smithy.api#String"] = serde_json::json!({ "type": "structure", "members": {} });
    expect_error(run(&m, &spec(None)), &[FILE, "smithy.api#String", "prelude"]);
}

#[test]
fn structure_member_targets_unit() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["name"]["target"] = "smithy.api#Unit".into();
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Thing$name", "smithy.api#Unit", "union"],
    );
}

#[test]
fn service_without_operations() {
    let mut m = good_model();
    m["shapes"][SERVICE]["operations"] = serde_json::json!([]);
    expect_error(run(&m, &spec(None)), &[FILE, SERVICE, "has no operations"]);
    expect_error(run(&good_model(), &spec(Some(&[]))), &[FILE, SERVICE, "no operations"]);
}

#[test]
fn enum_without_members() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["color"] = serde_json::json!({ "target": "example.bad#Color" });
    m["shapes"]["example.bad#Color"] = serde_json::json!({ "type": "enum", "members": {} });
    expect_error(
        run(&m, &spec(None)),
        &[FILE, "example.bad#Color", "at least one member"],
    );
}

#[test]
fn map_key_that_is_not_a_string() {
    let mut m = good_model();
    m["shapes"]["example.bad#Thing"]["members"]["byThing"] = serde_json::json!({ "target": "example.bad#ThingMap" });
    m["shapes"]["example.bad#ThingMap"] = serde_json::json!({
        "type": "map",
        "key": { "target": "example.bad#GetThingInput" },
        "value": { "target": "smithy.api#String" }
    });
    expect_error(
        run(&m, &spec(None)),
        &[
            FILE,
            "example.bad#ThingMap$key",
            "string or enum",
            "example.bad#GetThingInput",
        ],
    );
}

#[test]
fn bad_endpoint_context_params() {
    let cases: &[(&str, serde_json::Value, &[&str])] = &[
        (
            "example.bad#GetThing",
            serde_json::json!({ "smithy.rules#staticContextParams": { "UseX": { "value": 3 } } }),
            &["example.bad#GetThing", "`@staticContextParams` `UseX`"],
        ),
        (
            "example.bad#GetThing",
            serde_json::json!({ "smithy.rules#operationContextParams": { "Names": { "path": "thing.name" } } }),
            &["example.bad#GetThing", "`@operationContextParams` `Names`", "has no member `thing`"],
        ),
        (
            "example.bad#GetThing",
            serde_json::json!({ "smithy.rules#operationContextParams": { "Names": { "path": "id[*]" } } }),
            &["example.bad#GetThing", "not a list"],
        ),
        (
            "example.bad#BadService",
            serde_json::json!({ "smithy.rules#clientContextParams": { "Mode": { "type": "integer" } } }),
            &["example.bad#BadService", "`@clientContextParams` `Mode`", "boolean` or `string"],
        ),
        (
            "example.bad#GetThing",
            serde_json::json!({
                "smithy.rules#staticContextParams": { "Id": { "value": "x" } },
                "smithy.rules#operationContextParams": { "Id": { "path": "id" } }
            }),
            &["example.bad#GetThing", "`Id` is bound more than once"],
        ),
    ];
    for (shape, traits, needles) in cases {
        let mut model = good_model();
        let t = model["shapes"][shape].as_object_mut().unwrap().entry("traits").or_insert_with(|| serde_json::json!({}));
        for (k, v) in traits.as_object().unwrap() {
            t[k] = v.clone();
        }
        let text = expect_error(run(&model, &spec(None)), needles);
        assert!(text.contains(FILE), "{text}");
    }
    // A @contextParam on a member that is not a string, boolean or list of strings.
    let mut model = good_model();
    model["shapes"]["example.bad#GetThingInput"]["members"]["other"] =
        serde_json::json!({ "target": "example.bad#Thing", "traits": { "smithy.rules#contextParam": { "name": "Other" } } });
    expect_error(run(&model, &spec(None)), &[FILE, "example.bad#GetThingInput", "`@contextParam` `Other`", "member `other`"]);
}

#[test]
fn waiter_names_colliding_with_the_blocking_client() {
    // The blocking client has `wait_until_<waiter>()` next to the operations' methods and a
    // `waiters` module next to their modules.
    let waitable = serde_json::json!({
        "ThingExists": { "acceptors": [{ "state": "success", "matcher": { "success": true } }] }
    });
    let with_op = |name: &str| {
        let mut m = good_model();
        m["shapes"]["example.bad#GetThing"]["traits"] = serde_json::json!({ "smithy.waiters#waitable": waitable.clone() });
        let id = format!("example.bad#{name}");
        m["shapes"][SERVICE]["operations"] = serde_json::json!([{ "target": "example.bad#GetThing" }, { "target": id }]);
        m["shapes"][id.as_str()] = serde_json::json!({ "type": "operation" });
        m
    };
    run(&with_op("ListThings"), &spec(None)).expect("no collision");
    expect_error(run(&with_op("WaitUntilThingExists"), &spec(None)), &[FILE, "ThingExists", "wait_until_thing_exists", "rename"]);
    expect_error(run(&with_op("Waiters"), &spec(None)), &[FILE, "example.bad#Waiters", "module `waiters`", "rename"]);
}
