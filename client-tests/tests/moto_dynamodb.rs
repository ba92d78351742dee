//! End-to-end: the generated DynamoDB client (awsJson1_0) against moto, async and blocking.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`). Each flow creates a table, waits for it with the
//! model's `TableExists` waiter, puts and reads items (a conditional put failing with the
//! modelled `ConditionalCheckFailedException`), queries them through the paginator two a page,
//! lists tables through the paginator, lets `TableExists` time out on a table that never appears
//! (the typed `ExceededMaxWait` keeping the last poll's error), deletes the table and waits with
//! `TableNotExists`. The blocking flow does the same with `blocking::Client` (iterators for the
//! paginators, `wait()` returning directly) outside any runtime. moto 5.2.5 creates tables
//! `ACTIVE` and deletes them at once, so each waiter ends on its first poll.

mod moto_support;

use dynamodb::config::Credentials;
use dynamodb::types::{AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus};
use dynamodb::waiters::WaiterError;
use moto_support::{endpoint, recorder, unique, Steps};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

recorder!(dynamodb);

/// Both flows list every table: one at a time, so neither sees the other's tables come and go
/// between two pages.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Generous for moto, which answers at once.
const MAX_WAIT: Duration = Duration::from_secs(60);

fn key_schema() -> Vec<KeySchemaElement> {
    vec![
        KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().expect("key"),
        KeySchemaElement::builder().attribute_name("sk").key_type(KeyType::Range).build().expect("key"),
    ]
}

fn attribute_definitions() -> Vec<AttributeDefinition> {
    vec![
        AttributeDefinition::builder().attribute_name("pk").attribute_type(ScalarAttributeType::S).build().expect("attribute"),
        AttributeDefinition::builder().attribute_name("sk").attribute_type(ScalarAttributeType::N).build().expect("attribute"),
    ]
}

fn key(sk: u32) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".to_owned(), AttributeValue::S("user#1".into())), ("sk".to_owned(), AttributeValue::N(sk.to_string()))])
}

/// An item with one attribute of most kinds (no sets: their order is not kept).
fn item(sk: u32) -> HashMap<String, AttributeValue> {
    let mut item = key(sk);
    let payload = HashMap::from([
        ("text".to_owned(), AttributeValue::S("héllo <&> \"quoted\"".into())),
        ("list".to_owned(), AttributeValue::L(vec![AttributeValue::N("1.5".into()), AttributeValue::Bool(true), AttributeValue::Null(true)])),
        ("blob".to_owned(), AttributeValue::B(dynamodb::primitives::Blob::new(vec![0u8, 1, 2, 255]))),
    ]);
    item.insert("payload".to_owned(), AttributeValue::M(payload));
    item
}

fn sort_keys(items: &[HashMap<String, AttributeValue>]) -> Vec<&str> {
    items.iter().map(|i| i["sk"].as_n().expect("a number sort key").as_str()).collect()
}

/// The exchanges' `x-amz-target` operation names.
fn targets(exchanges: &[Exchange]) -> Vec<String> {
    exchanges.iter().map(|e| e.header("x-amz-target").unwrap_or_default().trim_start_matches("DynamoDB_20120810.").to_owned()).collect()
}

/// A `TableExists` wait for a table that never appears: the error acceptor retries until the
/// maximum wait, and the timeout keeps the last poll (the not-found error).
fn assert_timed_out_on_missing_table(err: &dynamodb::waiters::table_exists::WaitUntilTableExistsError, min_polls: u32) {
    match err {
        WaiterError::ExceededMaxWait(x) => {
            assert!(x.poll_count() >= min_polls, "{x:?}");
            assert!(x.elapsed() <= x.max_wait(), "{x:?}");
            let last = x.last_poll().expect("polled").as_result().expect_err("the table does not exist");
            assert!(last.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()), "{last:?}");
        }
        other => panic!("expected ExceededMaxWait, got {other:?}"),
    }
    assert!(err.to_string().starts_with("waiter exceeded its maximum wait"), "{err}");
}

#[tokio::test]
async fn moto_dynamodb() {
    let Some(endpoint) = endpoint("moto_dynamodb") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let steps = Steps::new();
    let http = Recorder::new();
    let ddb = client(&endpoint, Credentials::from_keys("testing", "testing", None), &http);
    let table = format!("smithy-lite-e2e-{}", unique());

    // -- 1. CreateTable, then the TableExists waiter.
    steps.step("CreateTable, wait_until_table_exists");
    let created = ok(
        ddb.create_table()
            .table_name(&table)
            .set_key_schema(Some(key_schema()))
            .set_attribute_definitions(Some(attribute_definitions()))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await,
        "CreateTable",
    );
    assert_eq!(created.table_description().and_then(|t| t.table_name()), Some(table.as_str()));
    let ex = http.one("POST", "/", 200);
    assert_eq!(ex.header("x-amz-target"), Some("DynamoDB_20120810.CreateTable"));
    assert_eq!(ex.header("content-type"), Some("application/x-amz-json-1.0"));

    use dynamodb::client::Waiters;
    let poll = ddb.wait_until_table_exists().table_name(&table).wait(MAX_WAIT).await.expect("the table becomes ACTIVE");
    let described = poll.as_result().expect("the final poll is DescribeTable's output");
    let status = described.table().and_then(|t| t.table_status());
    assert_eq!(status, Some(&TableStatus::Active));
    let polls = http.take();
    assert!(!polls.is_empty() && targets(&polls).iter().all(|t| t == "DescribeTable"), "{polls:#?}");
    assert_eq!(polls[0].body_text(), format!(r#"{{"TableName":"{table}"}}"#));

    // -- 2. PutItem, a conditional put that fails, GetItem.
    steps.step("PutItem x3, conditional PutItem, GetItem");
    for sk in 1..=3 {
        ok(ddb.put_item().table_name(&table).set_item(Some(item(sk))).send().await, "PutItem");
    }
    let err = ddb
        .put_item()
        .table_name(&table)
        .set_item(Some(item(1)))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await
        .expect_err("the item exists");
    assert!(err.into_service_error().is_conditional_check_failed_exception());
    let got = ok(ddb.get_item().table_name(&table).set_key(Some(key(2))).consistent_read(true).send().await, "GetItem");
    assert_eq!(got.item(), Some(&item(2)));
    http.take();

    // -- 3. Query through the paginator, two items a page.
    steps.step("Query paginator (page size 2)");
    let items = ok(
        ddb.query()
            .table_name(&table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S("user#1".into()))
            .into_paginator()
            .page_size(2)
            .items()
            .send()
            .try_collect()
            .await,
        "Query",
    );
    assert_eq!(sort_keys(&items), ["1", "2", "3"]);
    assert_eq!(items[2], item(3));
    let queries = http.take();
    assert!(queries.len() >= 2, "two items a page: {queries:#?}");
    assert!(queries[1].body_text().contains(r#""ExclusiveStartKey":{"#), "{:?}", queries[1].body_text());

    // -- 4. ListTables through the paginator.
    steps.step("ListTables paginator");
    let names = ok(ddb.list_tables().into_paginator().page_size(1).items().try_collect().await, "ListTables");
    assert!(names.contains(&table), "{table} in {names:?}");
    http.take();

    // -- 5. TableExists times out on a table that never appears.
    steps.step("wait_until_table_exists times out");
    let missing = format!("{table}-never");
    let err = ddb
        .wait_until_table_exists()
        .table_name(&missing)
        .min_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(200))
        .wait(Duration::from_millis(1500))
        .await
        .expect_err("never exists");
    assert_timed_out_on_missing_table(&err, 2);
    // With the model's 20 s minimum delay a 3 s maximum leaves time for one poll only.
    let err = ddb.wait_until_table_exists().table_name(&missing).wait(Duration::from_secs(3)).await.expect_err("never exists");
    assert_timed_out_on_missing_table(&err, 1);
    http.take();

    // -- 6. DeleteTable, then the TableNotExists waiter.
    steps.step("DeleteTable, wait_until_table_not_exists");
    ok(ddb.delete_table().table_name(&table).send().await, "DeleteTable");
    let poll = ddb.wait_until_table_not_exists().table_name(&table).wait(MAX_WAIT).await.expect("the table goes away");
    let gone = poll.into_result().expect_err("the final poll is the not-found error");
    assert!(gone.into_service_error().is_resource_not_found_exception());
    steps.step("done");
}

#[test]
fn moto_dynamodb_blocking() {
    let Some(endpoint) = endpoint("moto_dynamodb_blocking") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let steps = Steps::new();
    let http = Recorder::new();
    let ddb = dynamodb::blocking::Client::from_conf(config(&endpoint, Credentials::from_keys("testing", "testing", None), &http));
    let table = format!("smithy-lite-e2e-blocking-{}", unique());
    let other = format!("{table}-2");

    // -- 1. CreateTable (two), then the TableExists waiter for each.
    steps.step("blocking: CreateTable x2, wait_until_table_exists");
    for name in [&table, &other] {
        let created = ok(
            ddb.create_table()
                .table_name(name)
                .set_key_schema(Some(key_schema()))
                .set_attribute_definitions(Some(attribute_definitions()))
                .billing_mode(BillingMode::PayPerRequest)
                .send(),
            "CreateTable",
        );
        assert_eq!(created.table_description().and_then(|t| t.table_name()), Some(name.as_str()));
        let poll = ddb.wait_until_table_exists().table_name(name).wait(MAX_WAIT).expect("the table becomes ACTIVE");
        let status = poll.as_result().expect("an output").table().and_then(|t| t.table_status());
        assert_eq!(status, Some(&TableStatus::Active));
    }
    assert_eq!(targets(&http.take())[..2], ["CreateTable", "DescribeTable"]);

    // -- 2. PutItem, a conditional put that fails, GetItem.
    steps.step("blocking: PutItem x3, conditional PutItem, GetItem");
    for sk in 1..=3 {
        ok(ddb.put_item().table_name(&table).set_item(Some(item(sk))).send(), "PutItem");
    }
    let err = ddb
        .put_item()
        .table_name(&table)
        .set_item(Some(item(1)))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .expect_err("the item exists");
    assert!(err.into_service_error().is_conditional_check_failed_exception());
    let got = ok(ddb.get_item().table_name(&table).set_key(Some(key(2))).consistent_read(true).send(), "GetItem");
    assert_eq!(got.item(), Some(&item(2)));
    http.take();

    // -- 3. Query through the paginator: pages, then items.
    steps.step("blocking: Query paginator (page size 2)");
    let query = ddb
        .query()
        .table_name(&table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S("user#1".into()));
    let pages: Vec<_> = query.clone().into_paginator().page_size(2).send().map(|p| ok(p, "Query page")).collect();
    assert!(pages.len() >= 2, "{pages:?}");
    assert_eq!(sort_keys(pages[0].items()), ["1", "2"]);
    let items = ok(query.into_paginator().page_size(2).items().send().try_collect(), "Query items");
    assert_eq!(sort_keys(&items), ["1", "2", "3"]);
    assert_eq!(items[0], item(1));
    http.take();

    // -- 4. ListTables through the paginator, one table a page.
    steps.step("blocking: ListTables paginator (page size 1)");
    let mut names = Vec::new();
    let mut pages = 0;
    for page in ddb.list_tables().into_paginator().page_size(1).send() {
        let page = ok(page, "ListTables");
        assert!(page.table_names().len() <= 1, "{page:?}");
        names.extend(page.table_names().iter().cloned());
        pages += 1;
    }
    assert!(pages >= 2, "{pages} pages");
    assert!(names.contains(&table) && names.contains(&other), "{names:?}");
    let listed = http.take();
    assert!(listed.iter().skip(1).all(|e| e.body_text().contains("ExclusiveStartTableName")), "{listed:#?}");

    // -- 5. TableExists times out on a table that never appears.
    steps.step("blocking: wait_until_table_exists times out");
    let err = ddb
        .wait_until_table_exists()
        .table_name(format!("{table}-never"))
        .min_delay(Duration::from_millis(100))
        .max_delay(Duration::from_millis(200))
        .wait(Duration::from_millis(1500))
        .expect_err("never exists");
    assert_timed_out_on_missing_table(&err, 2);
    http.take();

    // -- 6. DeleteTable, then the TableNotExists waiter.
    steps.step("blocking: DeleteTable x2, wait_until_table_not_exists");
    for name in [&table, &other] {
        ok(ddb.delete_table().table_name(name).send(), "DeleteTable");
        let poll = ddb.wait_until_table_not_exists().table_name(name).wait(MAX_WAIT).expect("the table goes away");
        let gone = poll.into_result().expect_err("the final poll is the not-found error");
        assert!(gone.into_service_error().is_resource_not_found_exception());
    }
    steps.step("done");
}
