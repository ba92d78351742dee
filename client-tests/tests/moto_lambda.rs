//! End-to-end: the generated Lambda client (restJson1) against moto.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`). moto creates, reads, lists, tags and deletes
//! functions without Docker; invoking would need Docker, so nothing is invoked.
//!
//! The execution role is created with a raw IAM call (moto checks that the role exists).

mod moto_support;

use lambda::config::Credentials;
use lambda::error::ProvideErrorMetadata;
use lambda::primitives::Blob;
use lambda::types::{FunctionCode, FunctionVersion, Runtime};
use moto_support::{endpoint, percent_encode, recorder, unique, xml_text, Moto, Steps};
use std::collections::BTreeMap;

recorder!(lambda);

const HANDLER: &[u8] = b"def handler(event, context):\n    return {'ok': True}\n";

#[tokio::test]
async fn moto_lambda() {
    let Some(endpoint) = endpoint("moto_lambda") else {
        return;
    };
    let steps = Steps::new();
    let moto = Moto::new(&endpoint);
    let unique = unique();

    steps.step("set-up: IAM CreateRole (raw HTTP)");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role_xml = moto.iam(&[
        ("Action", "CreateRole"),
        ("RoleName", &format!("e2e-lambda-{unique}")),
        ("AssumeRolePolicyDocument", trust),
    ]);
    let role = xml_text(&role_xml, "Arn").unwrap_or_else(|| panic!("no role Arn in {role_xml}"));

    let http = Recorder::new();
    let lambda = client(&endpoint, Credentials::from_keys("testing", "testing", None), &http);
    let name = format!("smithy-lite-e2e-{unique}");
    let other = format!("{name}-b");
    let zip = moto_support::zip_one_file("index.py", HANDLER);

    // -- 1. CreateFunction: the zip travels as a base64 blob in the JSON body.
    steps.step("CreateFunction (zip as a blob)");
    let created = ok(
        lambda
            .create_function()
            .function_name(&name)
            .runtime(Runtime::Python312)
            .role(&role)
            .handler("index.handler")
            .code(FunctionCode::builder().zip_file(Blob::new(zip.clone())).build())
            .description("smithy-lite end to end")
            .timeout(7)
            .memory_size(256)
            .tags("created-by", "smithy-lite")
            .send()
            .await,
        "CreateFunction",
    );
    assert_eq!(created.function_name(), Some(name.as_str()));
    let arn = created.function_arn().expect("FunctionArn").to_owned();
    assert!(arn.starts_with("arn:aws:lambda:us-east-1:") && arn.ends_with(&format!(":function:{name}")), "{arn}");
    assert_eq!(created.runtime(), Some(&Runtime::Python312));
    assert_eq!(created.role(), Some(role.as_str()));
    assert_eq!(created.handler(), Some("index.handler"));
    assert_eq!((created.timeout(), created.memory_size()), (Some(7), Some(256)));
    assert_eq!(created.code_size(), zip.len() as i64, "CodeSize is the zip's size");
    let ex = http.one("POST", "/2015-03-31/functions", 201);
    assert_eq!(ex.header("content-type"), Some("application/json"));
    let body = ex.body_text();
    let encoded = lambda_base64(&zip);
    assert!(body.contains(&format!(r#""ZipFile":"{encoded}""#)), "zip as base64 in the body: {body}");
    assert!(body.contains(r#""Runtime":"python3.12""#) && body.contains(r#""Timeout":7"#), "{body}");

    let second = ok(
        lambda
            .create_function()
            .function_name(&other)
            .runtime(Runtime::Python312)
            .role(&role)
            .handler("index.handler")
            .code(FunctionCode::builder().zip_file(zip.clone()).build())
            .send()
            .await,
        "CreateFunction second",
    );
    let other_arn = second.function_arn().expect("FunctionArn").to_owned();
    http.one("POST", "/2015-03-31/functions", 201);

    steps.step("CreateFunction again: ResourceConflictException");
    let err = service_error(
        lambda
            .create_function()
            .function_name(&name)
            .runtime(Runtime::Python312)
            .role(&role)
            .handler("index.handler")
            .code(FunctionCode::builder().zip_file(zip.clone()).build())
            .send()
            .await,
        "CreateFunction duplicate",
    );
    assert!(err.is_resource_conflict_exception(), "{err:?}");
    http.one("POST", "/2015-03-31/functions", 409);

    // -- 2. GetFunction and GetFunctionConfiguration (label FunctionName).
    steps.step("GetFunction, GetFunctionConfiguration");
    let got = ok(lambda.get_function().function_name(&name).send().await, "GetFunction");
    let config = got.configuration().expect("Configuration");
    assert_eq!(config.function_arn(), Some(arn.as_str()));
    assert_eq!(config.description(), Some("smithy-lite end to end"));
    assert_eq!(config.code_size(), zip.len() as i64);
    assert!(config.code_sha256().is_some_and(|s| !s.is_empty()), "CodeSha256");
    assert!(got.code().and_then(|c| c.location()).is_some(), "Code.Location");
    assert_eq!(got.tags().and_then(|t| t.get("created-by")).map(String::as_str), Some("smithy-lite"));
    http.one("GET", &format!("/2015-03-31/functions/{name}"), 200);

    let by_arn = ok(lambda.get_function_configuration().function_name(&arn).send().await, "GetFunctionConfiguration");
    assert_eq!(by_arn.function_name(), Some(name.as_str()));
    assert_eq!(by_arn.handler(), Some("index.handler"));
    let ex = http.one("GET", &format!("/2015-03-31/functions/{}/configuration", percent_encode(&arn)), 200);
    assert!(ex.uri.contains("arn%3Aaws%3Alambda%3A"), "':' in a label is percent-encoded: {}", ex.uri);

    // -- 3. ListFunctions through the paginator.
    steps.step("ListFunctions paginator");
    let functions = ok(lambda.list_functions().into_paginator().items().try_collect().await, "ListFunctions");
    let names: Vec<&str> = functions.iter().filter_map(|f| f.function_name()).collect();
    assert!(names.contains(&name.as_str()) && names.contains(&other.as_str()), "{names:?}");
    http.take();

    let pages =
        ok(lambda.list_functions().into_paginator().page_size(1).send().try_collect().await, "ListFunctions pages");
    let paged: Vec<&str> = pages.iter().flat_map(|p| p.functions()).filter_map(|f| f.function_name()).collect();
    assert!(paged.contains(&name.as_str()) && paged.contains(&other.as_str()), "{paged:?}");
    eprintln!("  {} page(s) at MaxItems=1", pages.len());
    let exchanges = http.take();
    assert_eq!(exchanges.len(), pages.len(), "one request a page");
    for (i, ex) in exchanges.iter().enumerate() {
        assert_eq!((ex.method.as_str(), ex.status), ("GET", Some(200)), "{ex:#?}");
        assert!(ex.uri.starts_with("/2015-03-31/functions?") && ex.uri.contains("MaxItems=1"), "{}", ex.uri);
        if i > 0 {
            let marker = pages[i - 1].next_marker().expect("a marker before another page");
            assert!(ex.uri.contains(&format!("Marker={}", percent_encode(marker))), "marker sent back: {}", ex.uri);
        }
    }

    // An enum in the query: FunctionVersion=ALL lists $LATEST of each function (nothing was
    // published, so no numbered versions).
    let all = ok(
        lambda.list_functions().function_version(FunctionVersion::All).send().await,
        "ListFunctions FunctionVersion=ALL",
    );
    let mine: Vec<(&str, &str)> = all
        .functions()
        .iter()
        .filter(|f| f.function_name() == Some(name.as_str()))
        .map(|f| (f.function_name().unwrap_or_default(), f.version().unwrap_or_default()))
        .collect();
    assert_eq!(mine, [(name.as_str(), "$LATEST")], "{all:?}");
    let ex = http.one("GET", "/2015-03-31/functions", 200);
    assert_eq!(ex.uri, "/2015-03-31/functions?FunctionVersion=ALL");
    assert_eq!(ex.header("content-type"), None, "no Content-Type without a body: {ex:#?}");

    // -- 4. TagResource, ListTags, UntagResource: the ARN is a label in the path.
    steps.step("TagResource / ListTags / UntagResource by ARN");
    let tags_path = format!("/2017-03-31/tags/{}", percent_encode(&arn));
    ok(lambda.tag_resource().resource(&arn).tags("stage", "e2e").tags("owner", "a b/c:d").send().await, "TagResource");
    // AWS answers 204 No Content; moto 5.2.5 answers 200.
    let ex = http.one("POST", &tags_path, 200);
    assert!(!ex.uri.contains(':'), "the ARN's ':' are encoded on the wire: {}", ex.uri);
    let listed = ok(lambda.list_tags().resource(&arn).send().await, "ListTags");
    let tags: BTreeMap<&str, &str> =
        listed.tags().into_iter().flatten().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(tags, BTreeMap::from([("created-by", "smithy-lite"), ("owner", "a b/c:d"), ("stage", "e2e")]));
    http.one("GET", &tags_path, 200);

    ok(lambda.untag_resource().resource(&arn).tag_keys("stage").tag_keys("created-by").send().await, "UntagResource");
    let ex = http.one("DELETE", &tags_path, 204);
    let query = ex.uri.split_once('?').map(|(_, q)| q).unwrap_or_default();
    assert_eq!(query, "tagKeys=stage&tagKeys=created-by", "a list in the query repeats the key");
    let listed = ok(lambda.list_tags().resource(&arn).send().await, "ListTags after untag");
    let tags: Vec<(&String, &String)> = listed.tags().into_iter().flatten().collect();
    assert_eq!(tags, [(&"owner".to_owned(), &"a b/c:d".to_owned())]);
    http.one("GET", &tags_path, 200);

    // A label with '/' too: sent as %2F; moto decodes the path and its tags route takes the
    // rest of it as the ARN, so this is a modelled "not found" for exactly that ARN.
    steps.step("ListTags of an ARN with '/' in it");
    let slashed = format!("{arn}/x y");
    let err = service_error(lambda.list_tags().resource(&slashed).send().await, "ListTags slashed ARN");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let ex = http.take().pop().expect("one request");
    assert_eq!(ex.uri, format!("/2017-03-31/tags/{}", percent_encode(&slashed)), "{ex:#?}");
    assert!(ex.uri.ends_with("%2Fx%20y"), "{}", ex.uri);

    // -- 5. A signature over an encoded label, checked by moto: with IAM authentication on, moto
    // recomputes SigV4 with botocore from the path as received, so the canonical URI of the
    // percent-encoded ARN (encoded once more in the canonical request) must agree. Only POST:
    // moto 5.2.5 rejects the signatures of bodiless REST requests (GET/DELETE) even from boto3.
    steps.step("moto IAM auth on: TagResource by ARN, signature verified by moto");
    let user = format!("e2e-lambda-{unique}");
    moto.iam(&[("Action", "CreateUser"), ("UserName", &user)]);
    let key_xml = moto.iam(&[("Action", "CreateAccessKey"), ("UserName", &user)]);
    let key_id = xml_text(&key_xml, "AccessKeyId").unwrap_or_else(|| panic!("no AccessKeyId in {key_xml}"));
    let secret = xml_text(&key_xml, "SecretAccessKey").unwrap_or_else(|| panic!("no SecretAccessKey in {key_xml}"));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}"#;
    moto.iam(&[("Action", "PutUserPolicy"), ("UserName", &user), ("PolicyName", "lambda"), ("PolicyDocument", policy)]);
    let verified = client(&endpoint, Credentials::from_keys(&key_id, &secret, None), &http);
    let forged = client(&endpoint, Credentials::from_keys(&key_id, "not-the-secret", None), &http);
    {
        moto.set_auth_after("0");
        let _auth_off_again = moto_support::AuthOn(&moto);
        ok(verified.tag_resource().resource(&arn).tags("verified", "yes").send().await, "verified TagResource");
        let ex = http.one("POST", &tags_path, 200);
        assert!(ex.header("authorization").is_some_and(|a| a.contains(&format!("Credential={key_id}/"))), "{ex:#?}");

        let err =
            forged.tag_resource().resource(&arn).tags("forged", "yes").send().await.expect_err("forged signature");
        assert_eq!(err.meta().status(), Some(403), "{err:?}");
        let raw = err.raw_response().expect("a response");
        assert!(String::from_utf8_lossy(raw.body()).contains("SignatureDoesNotMatch"), "{err:?}");
        http.one("POST", &tags_path, 403);
    }
    let listed = ok(lambda.list_tags().resource(&arn).send().await, "ListTags after verified tagging");
    let keys: Vec<&str> = listed.tags().into_iter().flatten().map(|(k, _)| k.as_str()).collect();
    assert!(keys.contains(&"verified") && !keys.contains(&"forged"), "{keys:?}");
    http.one("GET", &tags_path, 200);

    // -- 6. DeleteFunction (204), then ResourceNotFoundException.
    steps.step("DeleteFunction; GetFunction, ListTags, DeleteFunction afterwards");
    ok(lambda.delete_function().function_name(&name).send().await, "DeleteFunction");
    http.one("DELETE", &format!("/2015-03-31/functions/{name}"), 204);
    ok(lambda.delete_function().function_name(&other_arn).send().await, "DeleteFunction by ARN");
    http.one("DELETE", &format!("/2015-03-31/functions/{}", percent_encode(&other_arn)), 204);

    let err = lambda.get_function().function_name(&name).send().await.expect_err("deleted").into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert!(err.message().is_some_and(|m| m.contains(&name)), "{err:?}");
    assert_eq!(err.meta().status(), Some(404));
    http.one("GET", &format!("/2015-03-31/functions/{name}"), 404);

    let err = service_error(lambda.delete_function().function_name(&name).send().await, "DeleteFunction again");
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    http.one("DELETE", &format!("/2015-03-31/functions/{name}"), 404);

    let names: Vec<String> = ok(lambda.list_functions().into_paginator().items().try_collect().await, "ListFunctions")
        .iter()
        .filter_map(|f| f.function_name().map(str::to_owned))
        .collect();
    assert!(!names.contains(&name) && !names.contains(&other), "{names:?}");
    http.take();

    eprintln!("moto_lambda passed against {endpoint} in {:.2}s", steps.elapsed());
}

/// Standard base64 with padding, written here so the test does not trust the crate's encoder.
fn lambda_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
