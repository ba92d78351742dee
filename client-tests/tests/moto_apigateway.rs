//! End-to-end: the generated API Gateway client (restJson1) against moto.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`). Every request goes through a recording transport so
//! the test also checks what went over the wire (method, path with its labels, query, body).

mod moto_support;

use api_gateway::config::Credentials;
use api_gateway::error::{ProvideErrorMetadata, SdkError};
use api_gateway::operation::RequestId;
use moto_support::{endpoint, recorder, unique, Steps};
use std::collections::BTreeMap;

recorder!(api_gateway);

#[tokio::test]
async fn moto_api_gateway() {
    let Some(endpoint) = endpoint("moto_api_gateway") else {
        return;
    };
    let steps = Steps::new();
    let http = Recorder::new();
    let apigw = client(&endpoint, Credentials::from_keys("testing", "testing", None), &http);
    let name = format!("smithy-lite-e2e-{}", unique());

    // -- 1. CreateRestApi: POST /restapis, JSON body, 201.
    steps.step("CreateRestApi");
    let created = ok(
        apigw
            .create_rest_api()
            .name(&name)
            .description("end to end \u{2014} smithy-lite")
            .binary_media_types("image/png")
            .tags("team", "e2e")
            .send()
            .await,
        "CreateRestApi",
    );
    let api_id = created.id().expect("id").to_owned();
    assert_eq!(created.name(), Some(name.as_str()));
    assert_eq!(created.description(), Some("end to end \u{2014} smithy-lite"));
    // moto 5.2.5 ignores binaryMediaTypes (answers `[]`); the body sent is checked below.
    assert_eq!(created.tags().and_then(|t| t.get("team")).map(String::as_str), Some("e2e"));
    let created_at = created.created_date().expect("createdDate (epoch seconds)").secs();
    let now = api_gateway::primitives::DateTime::from_system_time(std::time::SystemTime::now()).secs();
    assert!((now - created_at).abs() < 600, "createdDate {created_at} is now ({now})");
    assert!(created.request_id().is_some_and(|id| !id.is_empty()), "request id from x-amzn-requestid");
    let root_from_create = created.root_resource_id().map(str::to_owned);
    // AWS answers 201 Created; moto 5.2.5 answers 200 (any 2xx is success).
    let ex = http.one("POST", "/restapis", 200);
    assert_eq!(ex.header("content-type"), Some("application/json"), "{ex:#?}");
    assert_eq!(ex.header("accept"), Some("application/json"), "API Gateway customisation: Accept");
    assert!(ex.header("authorization").is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 ")), "signed: {ex:#?}");
    let body = ex.body_text();
    assert!(
        body.contains(&format!(r#""name":"{name}""#)) && body.contains(r#""binaryMediaTypes":["image/png"]"#),
        "{body}"
    );

    // A second API so the paginator has more than one page at limit(1).
    let other = ok(apigw.create_rest_api().name(format!("{name}-other")).send().await, "CreateRestApi other");
    let other_id = other.id().expect("id").to_owned();
    http.one("POST", "/restapis", 200);

    // -- 2. GetRestApis through the paginator.
    steps.step("GetRestApis paginator: items().try_collect()");
    let apis = ok(apigw.get_rest_apis().into_paginator().items().try_collect().await, "GetRestApis items");
    let ids: Vec<&str> = apis.iter().filter_map(|a| a.id()).collect();
    assert!(ids.contains(&api_id.as_str()) && ids.contains(&other_id.as_str()), "{ids:?}");
    let mine = apis.iter().find(|a| a.id() == Some(api_id.as_str())).unwrap();
    assert_eq!(mine.name(), Some(name.as_str()));
    let exchanges = http.take();
    assert!(!exchanges.is_empty());
    for ex in &exchanges {
        assert_eq!((ex.method.as_str(), ex.status), ("GET", Some(200)), "{ex:#?}");
        assert!(ex.uri.starts_with("/restapis"), "{ex:#?}");
        assert!(ex.body.is_empty(), "a GET has no body: {ex:#?}");
    }

    // limit(1) is sent as the `limit` query parameter; moto may or may not page on it, so the
    // test checks the query and that every page's position is sent back on the next request.
    steps.step("GetRestApis paginator: page_size(1) pages");
    let pages = ok(apigw.get_rest_apis().into_paginator().page_size(1).send().try_collect().await, "GetRestApis pages");
    let paged: Vec<&str> = pages.iter().flat_map(|p| p.items()).filter_map(|a| a.id()).collect();
    assert!(paged.contains(&api_id.as_str()) && paged.contains(&other_id.as_str()), "{paged:?}");
    let exchanges = http.take();
    assert_eq!(exchanges.len(), pages.len(), "one request a page");
    for (i, ex) in exchanges.iter().enumerate() {
        assert!(ex.uri.contains("limit=1"), "page size in the query: {}", ex.uri);
        if i > 0 {
            let position = pages[i - 1].position().expect("a position before another page");
            assert!(
                ex.uri.contains(&format!("position={}", moto_support::percent_encode(position))),
                "position of page {i} sent back: {}",
                ex.uri
            );
        }
    }
    assert_eq!(pages.last().and_then(|p| p.position()), None, "no position after the last page");
    eprintln!("  {} page(s) at limit=1", pages.len());

    // -- 3. GetResources (label restApiId) finds the root "/".
    steps.step("GetResources: the root resource");
    let resources =
        ok(apigw.get_resources().rest_api_id(&api_id).into_paginator().items().try_collect().await, "GetResources");
    assert_eq!(resources.len(), 1, "a new API has only its root: {resources:?}");
    assert_eq!(resources[0].path(), Some("/"));
    let root_id = resources[0].id().expect("root id").to_owned();
    if let Some(r) = &root_from_create {
        assert_eq!(r, &root_id, "rootResourceId of CreateRestApi");
    }
    let ex = http.one("GET", &format!("/restapis/{api_id}/resources"), 200);
    assert!(ex.body.is_empty());
    assert_eq!(ex.header("content-type"), None, "no Content-Type without a body: {ex:#?}");

    // -- 4. CreateResource under the root (labels restApiId and parentId).
    steps.step("CreateResource /pets under the root");
    let pets = ok(
        apigw.create_resource().rest_api_id(&api_id).parent_id(&root_id).path_part("pets").send().await,
        "CreateResource",
    );
    let pets_id = pets.id().expect("id").to_owned();
    assert_eq!(pets.parent_id(), Some(root_id.as_str()));
    assert_eq!(pets.path_part(), Some("pets"));
    assert_eq!(pets.path(), Some("/pets"));
    let ex = http.one("POST", &format!("/restapis/{api_id}/resources/{root_id}"), 201);
    assert_eq!(ex.body_text(), r#"{"pathPart":"pets"}"#, "labels are not in the body");

    let got = ok(apigw.get_resource().rest_api_id(&api_id).resource_id(&pets_id).send().await, "GetResource");
    assert_eq!(got.path(), Some("/pets"));
    http.one("GET", &format!("/restapis/{api_id}/resources/{pets_id}"), 200);

    // -- 5. PutMethod, then GetMethod (four labels, httpMethod among them).
    steps.step("PutMethod GET /pets, GetMethod");
    let put = ok(
        apigw
            .put_method()
            .rest_api_id(&api_id)
            .resource_id(&pets_id)
            .http_method("GET")
            .authorization_type("NONE")
            .api_key_required(true)
            .operation_name("ListPets")
            .request_parameters("method.request.querystring.page", false)
            .send()
            .await,
        "PutMethod",
    );
    assert_eq!(put.http_method(), Some("GET"));
    let ex = http.one("PUT", &format!("/restapis/{api_id}/resources/{pets_id}/methods/GET"), 201);
    let body = ex.body_text();
    assert!(body.contains(r#""authorizationType":"NONE""#) && body.contains(r#""apiKeyRequired":true"#), "{body}");
    assert!(!body.contains("httpMethod") && !body.contains("restApiId"), "labels are not in the body: {body}");

    let method =
        ok(apigw.get_method().rest_api_id(&api_id).resource_id(&pets_id).http_method("GET").send().await, "GetMethod");
    assert_eq!(method.http_method(), Some("GET"));
    assert_eq!(method.authorization_type(), Some("NONE"));
    assert_eq!(method.api_key_required(), Some(true));
    assert_eq!(method.operation_name(), Some("ListPets"));
    let params: BTreeMap<_, _> = method.request_parameters().into_iter().flatten().collect();
    assert_eq!(params, BTreeMap::from([(&"method.request.querystring.page".to_owned(), &false)]));
    http.one("GET", &format!("/restapis/{api_id}/resources/{pets_id}/methods/GET"), 200);

    steps.step("GetMethod POST (not put): NotFoundException");
    let err = service_error(
        apigw.get_method().rest_api_id(&api_id).resource_id(&pets_id).http_method("POST").send().await,
        "GetMethod POST",
    );
    assert!(err.is_not_found_exception(), "{err:?}");
    http.one("GET", &format!("/restapis/{api_id}/resources/{pets_id}/methods/POST"), 404);

    // -- 6. DeleteRestApi (AWS: 202, moto: 200), then the id is gone.
    steps.step("DeleteRestApi, GetRestApi of the deleted id");
    ok(apigw.delete_rest_api().rest_api_id(&api_id).send().await, "DeleteRestApi");
    let ex = http.one("DELETE", &format!("/restapis/{api_id}"), 200);
    assert!(ex.body.is_empty());
    ok(apigw.delete_rest_api().rest_api_id(&other_id).send().await, "DeleteRestApi other");
    http.one("DELETE", &format!("/restapis/{other_id}"), 200);

    let result = apigw.get_rest_api().rest_api_id(&api_id).send().await;
    let Err(SdkError::ServiceError(ctx)) = &result else { panic!("GetRestApi of a deleted API: {result:?}") };
    assert_eq!(ctx.raw().status().as_u16(), 404);
    let err = result.unwrap_err().into_service_error();
    assert!(err.is_not_found_exception(), "{err:?}");
    assert_eq!(err.code(), Some("NotFoundException"));
    assert!(err.message().is_some_and(|m| !m.is_empty()), "{err:?}");
    assert!(err.request_id().is_some(), "request id on errors");
    http.one("GET", &format!("/restapis/{api_id}"), 404);

    let ids: Vec<String> = ok(apigw.get_rest_apis().into_paginator().items().try_collect().await, "GetRestApis after")
        .iter()
        .filter_map(|a| a.id().map(str::to_owned))
        .collect();
    assert!(!ids.contains(&api_id) && !ids.contains(&other_id), "{ids:?}");
    http.take();

    // Labels that need encoding go out percent-encoded. moto decodes the path before routing:
    // ' ' and ':' reach the GetRestApi route (a modelled NotFoundException), while an encoded '/'
    // becomes a path separator there and moto's router answers its own 404 page, which no
    // client can classify (an unhandled error with the status).
    steps.step("GetRestApi with labels holding ' ', ':' and '/'");
    let err = service_error(apigw.get_rest_api().rest_api_id("no such:api").send().await, "GetRestApi odd id");
    assert!(err.is_not_found_exception(), "{err:?}");
    assert_eq!(http.one("GET", "/restapis/no%20such%3Aapi", 404).uri, "/restapis/no%20such%3Aapi");
    let err = apigw.get_rest_api().rest_api_id("a/b").send().await.expect_err("no such API").into_service_error();
    assert_eq!((err.code(), err.meta().status()), (None, Some(404)), "{err:?}");
    http.one("GET", "/restapis/a%2Fb", 404);

    eprintln!("moto_api_gateway passed against {endpoint} in {:.2}s", steps.elapsed());
}
