//! Paginators of the restJson1 crates over several pages. moto 5.2.5 ignores `limit`/`MaxItems`
//! and answers one page (see `moto_apigateway.rs`, `moto_lambda.rs`), so the multi-page path —
//! the token of each page sent back in the query, percent-encoded, and the end of the listing —
//! is checked here against the crates' `MockHttpClient`.

use api_gateway::config::mock::{MockHttpClient as ApiGatewayMock, MockResponse as ApiGatewayResponse};
use lambda::config::mock::{MockHttpClient as LambdaMock, MockResponse as LambdaResponse};

fn query(uri: &str) -> &str {
    uri.split_once('?').map(|(_, q)| q).unwrap_or_default()
}

#[tokio::test]
async fn lambda_list_functions_three_pages() {
    let mock = LambdaMock::new()
        .with_response(LambdaResponse::new(
            200,
            r#"{"Functions":[{"FunctionName":"a"},{"FunctionName":"b"}],"NextMarker":"page 2/of:3+"}"#,
        ))
        .with_response(LambdaResponse::new(
            200,
            r#"{"Functions":[{"FunctionName":"c"},{"FunctionName":"d"}],"NextMarker":"p3"}"#,
        ))
        .with_response(LambdaResponse::new(200, r#"{"Functions":[{"FunctionName":"e"}]}"#));
    let client = lambda::Client::from_conf(mock.config());
    let names: Vec<String> = client
        .list_functions()
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("three pages")
        .iter()
        .map(|f| f.function_name().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    let requests = mock.requests();
    let queries: Vec<&str> = requests.iter().map(|r| query(&r.uri)).collect();
    assert_eq!(queries, ["MaxItems=2", "Marker=page%202%2Fof%3A3%2B&MaxItems=2", "Marker=p3&MaxItems=2"]);
    assert!(requests.iter().all(|r| r.method == "GET" && r.uri.contains("/2015-03-31/functions?")), "{requests:#?}");
}

#[tokio::test]
async fn api_gateway_get_rest_apis_pages_stop_on_a_repeated_position() {
    let mock = ApiGatewayMock::new()
        .with_response(ApiGatewayResponse::new(200, r#"{"item":[{"id":"a1"}],"position":"p/1"}"#))
        // `items` is `@jsonName("item")` on the wire. The same position again: the paginator stops
        // instead of looping forever.
        .with_response(ApiGatewayResponse::new(200, r#"{"item":[{"id":"b2"}],"position":"p/1"}"#))
        .with_response(ApiGatewayResponse::new(200, r#"{"item":[{"id":"never"}]}"#));
    let client = api_gateway::Client::from_conf(mock.config());
    let pages = client.get_rest_apis().into_paginator().page_size(1).send().try_collect().await.expect("pages");
    let ids: Vec<&str> = pages.iter().flat_map(|p| p.items()).filter_map(|a| a.id()).collect();
    assert_eq!(ids, ["a1", "b2"]);
    let requests = mock.requests();
    let queries: Vec<&str> = requests.iter().map(|r| query(&r.uri)).collect();
    assert_eq!(queries, ["limit=1", "position=p%2F1&limit=1"]);
    assert!(requests.iter().all(|r| r.header("accept") == Some("application/json")), "{requests:#?}");
}
