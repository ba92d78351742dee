//! The blocking client's paginators (`blocking` feature) over the mock transport, on the
//! DynamoDB crate: iterators of pages and of items (string and map tokens, an error, a repeated
//! token), outside any runtime and inside a tokio runtime (current-thread and multi-thread),
//! where blocking on another runtime would otherwise panic; and DynamoDB's table waiters on the
//! blocking client (every outcome of blocking waiters, on the waiters fixture: tests/waiters.rs).

use dynamodb::config::mock::{MockHttpClient, MockResponse};
use dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);
const LONG: Duration = Duration::from_secs(30);

fn dynamodb(mock: &MockHttpClient) -> dynamodb::blocking::Client {
    dynamodb::blocking::Client::from_conf(mock.config())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// ListTables answering `a b | c d | e`: the token is a string (`LastEvaluatedTableName`).
fn list_tables_mock() -> MockHttpClient {
    MockHttpClient::new()
        .with_response(MockResponse::new(200, r#"{"TableNames":["a","b"],"LastEvaluatedTableName":"b"}"#))
        .with_response(MockResponse::new(200, r#"{"TableNames":["c","d"],"LastEvaluatedTableName":"d"}"#))
        .with_response(MockResponse::new(200, r#"{"TableNames":["e"]}"#))
}

fn assert_list_tables_requests(mock: &MockHttpClient) {
    let bodies: Vec<serde_json::Value> = mock.requests().iter().map(|r| json(r.body_str())).collect();
    assert_eq!(
        bodies,
        vec![
            json(r#"{"Limit":2}"#),
            json(r#"{"ExclusiveStartTableName":"b","Limit":2}"#),
            json(r#"{"ExclusiveStartTableName":"d","Limit":2}"#),
        ]
    );
}

fn list_tables_pages_and_items() {
    let mock = list_tables_mock();
    let pages: Vec<_> = dynamodb(&mock).list_tables().into_paginator().page_size(2).send().collect();
    let names: Vec<Vec<String>> = pages.into_iter().map(|p| p.expect("a page").table_names().to_vec()).collect();
    assert_eq!(names, vec![vec!["a", "b"], vec!["c", "d"], vec!["e"]]);
    assert_list_tables_requests(&mock);

    let mock = list_tables_mock();
    let items: Vec<String> =
        dynamodb(&mock).list_tables().into_paginator().page_size(2).items().send().map(|t| t.expect("an item")).collect();
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    assert_list_tables_requests(&mock);
}

#[test]
fn paginator_pages_and_items_without_a_runtime() {
    list_tables_pages_and_items();
}

#[tokio::test]
async fn paginator_inside_a_current_thread_runtime() {
    list_tables_pages_and_items();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginator_inside_a_multi_thread_runtime() {
    list_tables_pages_and_items();
}

#[test]
fn paginator_with_a_map_token_collects_items() {
    // Query's token is `LastEvaluatedKey`, a map of attribute values, passed back as
    // `ExclusiveStartKey`; its items are maps too.
    let item = |n: &str| format!(r#"{{"pk":{{"S":"p"}},"sk":{{"N":"{n}"}}}}"#);
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, format!(r#"{{"Items":[{},{}],"Count":2,"LastEvaluatedKey":{}}}"#, item("1"), item("2"), item("2"))))
        .with_response(MockResponse::new(200, format!(r#"{{"Items":[{}],"Count":1}}"#, item("3"))));
    let items = dynamodb(&mock)
        .query()
        .table_name("t")
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", AttributeValue::S("p".into()))
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .expect("all items");
    let sks: Vec<&str> = items.iter().map(|i| i["sk"].as_n().expect("a number").as_str()).collect();
    assert_eq!(sks, ["1", "2", "3"]);
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    let second = json(requests[1].body_str());
    assert_eq!(second["ExclusiveStartKey"], json(&item("2")), "{second}");
    assert_eq!(second["Limit"], 2);
    assert_eq!(second["KeyConditionExpression"], "pk = :p");
    assert!(json(requests[0].body_str()).get("ExclusiveStartKey").is_none());
    let _: &HashMap<String, AttributeValue> = &items[0];
}

#[test]
fn paginator_ends_after_an_error_and_on_a_repeated_token() {
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, r#"{"TableNames":["a"],"LastEvaluatedTableName":"a"}"#))
        .with_response(MockResponse::error(400, "com.amazonaws.dynamodb#ValidationException", "bad start"));
    let mut pages = dynamodb(&mock).list_tables().into_paginator().send();
    assert!(pages.next().expect("a first page").is_ok());
    let err = pages.next().expect("the error").unwrap_err();
    assert_eq!(dynamodb::error::ProvideErrorMetadata::code(&err), Some("ValidationException"));
    assert!(pages.next().is_none(), "nothing after an error");
    assert_eq!(mock.requests().len(), 2);
    // try_collect stops at the first error.
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, r#"{"TableNames":["a"],"LastEvaluatedTableName":"a"}"#))
        .with_response(MockResponse::error(400, "com.amazonaws.dynamodb#ValidationException", "bad start"));
    assert!(dynamodb(&mock).list_tables().into_paginator().try_collect().is_err());

    // The same token twice: the second page is the last.
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, r#"{"TableNames":["a"],"LastEvaluatedTableName":"a"}"#));
    let pages = dynamodb(&mock).list_tables().into_paginator().try_collect().expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(mock.requests().len(), 2);
}

// DynamoDB's waiters on the blocking client (every outcome of blocking waiters: tests/waiters.rs).

#[test]
fn dynamodb_table_waiters() {
    let mock = MockHttpClient::new()
        .with_response(MockResponse::error(400, "com.amazonaws.dynamodb#ResourceNotFoundException", "not yet"))
        .with_response(MockResponse::new(200, r#"{"Table":{"TableName":"t","TableStatus":"CREATING"}}"#))
        .with_response(MockResponse::new(200, r#"{"Table":{"TableName":"t","TableStatus":"ACTIVE"}}"#));
    let client = dynamodb(&mock);
    let poll = client.wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).expect("active");
    assert_eq!(poll.as_result().expect("output").table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("ACTIVE"));
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.header("x-amz-target") == Some("DynamoDB_20120810.DescribeTable")));

    // TableNotExists: the model's 20 s minimum delay is longer than the maximum wait, so one
    // poll is all there is time for.
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, r#"{"Table":{"TableName":"t","TableStatus":"DELETING"}}"#));
    let started = std::time::Instant::now();
    let err = dynamodb(&mock).wait_until_table_not_exists().table_name("t").wait(Duration::from_secs(5)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match err {
        dynamodb::waiters::WaiterError::ExceededMaxWait(x) => assert_eq!(x.poll_count(), 1),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn async_items_send_mirrors_aws_sdk_rust() {
    // `into_paginator().items().send()`, as aws-sdk-rust spells it, on the async client too.
    let mock = list_tables_mock();
    let client = dynamodb::Client::from_conf(mock.config());
    let mut items = client.list_tables().into_paginator().page_size(2).items().send();
    let mut names = Vec::new();
    while let Some(name) = items.next().await {
        names.push(name.expect("an item"));
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
}

#[test]
fn readme_example() -> Result<(), Box<dyn std::error::Error>> {
    // The README's blocking example, over the mock transport.
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, r#"{"Table":{"TableName":"t","TableStatus":"ACTIVE"}}"#))
        .with_response(MockResponse::new(200, "{}"))
        .with_response(MockResponse::new(200, r#"{"TableNames":["t"]}"#));
    let config = mock.config();
    let client = dynamodb::blocking::Client::from_conf(config);
    client.wait_until_table_exists().table_name("t").wait(Duration::from_secs(60))?; // no `Waiters` import
    client.put_item().table_name("t").item("pk", AttributeValue::S("a".into())).send()?;
    for page in client.list_tables().into_paginator().page_size(10).send() {
        println!("{:?}", page?.table_names()); // Iterator<Item = Result<ListTablesOutput, SdkError<ListTablesError>>>
    }
    let names: Vec<String> = client.list_tables().into_paginator().items().send().try_collect()?;
    assert_eq!(names, ["t"]);
    let targets: Vec<_> = mock.requests().iter().map(|r| r.header("x-amz-target").unwrap_or_default().to_owned()).collect();
    assert_eq!(
        targets,
        ["DynamoDB_20120810.DescribeTable", "DynamoDB_20120810.PutItem", "DynamoDB_20120810.ListTables", "DynamoDB_20120810.ListTables"]
    );
    Ok(())
}
