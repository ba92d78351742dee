//! Waiters of the waiters fixture (codegen/tests/fixtures/waiters.json) driven through the
//! mock transport: one test per matcher kind and per outcome. Delays are overridden to a
//! millisecond so the tests run fast; the delay arithmetic itself is unit-tested on a fake clock
//! in the runtime (`codegen/runtime/src/waiters.rs`).

use fixture_waiters::client::Waiters;
use fixture_waiters::config::mock::{MockHttpClient, MockResponse};
use fixture_waiters::waiters::table_exists::{WaitUntilTableExistsError, WaitUntilTableExistsFinalPoll};
use fixture_waiters::waiters::WaiterError;
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);
const LONG: Duration = Duration::from_secs(30);

fn table(status: &str) -> MockResponse {
    MockResponse::new(200, format!(r#"{{"Table":{{"Name":"t","TableStatus":"{status}"}}}}"#))
}

fn not_found() -> MockResponse {
    MockResponse::error(400, "example.waiters#ResourceNotFoundException", "no such table")
}

fn client(mock: &MockHttpClient) -> fixture_waiters::Client {
    fixture_waiters::Client::from_conf(mock.config())
}

#[tokio::test]
async fn output_matcher_success_after_retries() {
    // An error acceptor (retry), an output that matches nothing (retry), then success.
    let mock = MockHttpClient::new().with_response(not_found()).with_response(table("CREATING")).with_response(table("ACTIVE"));
    let poll: WaitUntilTableExistsFinalPoll =
        client(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.expect("active");
    let out = poll.as_result().expect("a successful poll");
    assert_eq!(out.table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("ACTIVE"));
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.body_str() == r#"{"TableName":"t"}"#), "{requests:#?}");
    assert!(requests.iter().all(|r| r.header("x-amz-target") == Some("TableService.DescribeTable")));
}

#[tokio::test]
async fn output_matcher_failure_state() {
    let mock = MockHttpClient::new().with_response(table("CREATING")).with_response(table("FAILED"));
    let err: WaitUntilTableExistsError =
        client(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.unwrap_err();
    match &err {
        WaiterError::FailureState(f) => {
            let out = f.final_poll().as_result().expect("the failing poll succeeded as a call");
            assert_eq!(out.table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("FAILED"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.to_string(), "waiter reached a failure state");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn unmatched_error_fails_the_waiter() {
    let mock = MockHttpClient::new().with_response(MockResponse::error(400, "AccessDeniedException", "nope"));
    let err = client(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.unwrap_err();
    match err {
        WaiterError::OperationFailed(e) => {
            assert_eq!(fixture_waiters::error::ProvideErrorMetadata::code(e.error()), Some("AccessDeniedException"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_type_matcher_success() {
    let mock = MockHttpClient::new().with_response(table("ACTIVE")).with_response(not_found());
    let poll = client(&mock).wait_until_table_not_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.expect("gone");
    let err = poll.into_result().expect_err("the final poll is the error");
    assert!(err.into_service_error().is_resource_not_found_exception());
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn timeout_keeps_the_last_poll() {
    let mut mock = MockHttpClient::new();
    for _ in 0..2000 {
        mock = mock.with_response(table("CREATING"));
    }
    let max_wait = Duration::from_millis(40);
    let err = client(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(Duration::from_millis(4)).wait(max_wait).await.unwrap_err();
    assert_exceeded_max_wait(&err, &mock, max_wait);
}

/// A timeout after polls that all saw a CREATING table.
fn assert_exceeded_max_wait(err: &WaitUntilTableExistsError, mock: &MockHttpClient, max_wait: Duration) {
    match err {
        WaiterError::ExceededMaxWait(x) => {
            assert_eq!(x.max_wait(), max_wait);
            assert!(x.poll_count() >= 2, "{x:?}");
            assert_eq!(x.poll_count() as usize, mock.requests().len());
            let last = x.last_poll().expect("polled").as_result().expect("a response");
            assert_eq!(last.table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("CREATING"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("waiter exceeded its maximum wait"), "{err}");
}

#[tokio::test]
async fn list_comparators_all_and_any() {
    let replicas = |a: &str, b: &str| {
        MockResponse::new(200, format!(r#"{{"Table":{{"Replicas":[{{"Region":"a","Status":"{a}"}},{{"Region":"b","Status":"{b}"}}]}}}}"#))
    };
    // allStringEquals: not all READY, then all READY.
    let mock = MockHttpClient::new().with_response(replicas("READY", "CREATING")).with_response(replicas("READY", "READY"));
    client(&mock).wait_until_replicas_ready().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.expect("ready");
    assert_eq!(mock.requests().len(), 2);
    // anyStringEquals: one BROKEN replica is a failure.
    let mock = MockHttpClient::new().with_response(replicas("READY", "BROKEN"));
    let err = client(&mock).wait_until_replicas_ready().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.unwrap_err();
    assert!(matches!(err, WaiterError::FailureState(_)), "{err:?}");
    // booleanEquals over a filter projection and length().
    let mock = MockHttpClient::new().with_response(replicas("GONE", "GONE"));
    let err = client(&mock).wait_until_replicas_ready().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.unwrap_err();
    assert!(matches!(err, WaiterError::FailureState(_)), "{err:?}");
}

#[tokio::test]
#[allow(deprecated)]
async fn input_output_matcher() {
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, r#"{"Table":{"Name":"other"}}"#))
        .with_response(MockResponse::new(200, r#"{"Table":{"Name":"t"}}"#));
    client(&mock).wait_until_name_matches().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).await.expect("names match");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn success_matcher() {
    let mock = MockHttpClient::new().with_response(table("CREATING"));
    client(&mock).wait_until_reachable().table_name("t").wait(LONG).await.expect("any success");
    assert_eq!(mock.requests().len(), 1);
}

// The blocking client (`blocking` feature): `send()` and waiters' `wait()` return directly,
// outside and inside a tokio runtime (its paginators: tests/blocking.rs).

#[test]
fn blocking_client_sends_without_a_runtime() {
    let mock = MockHttpClient::new().with_response(table("ACTIVE")).with_response(not_found());
    let client = fixture_waiters::blocking::Client::from_conf(mock.config());
    let out = client.describe_table().table_name("t").send().expect("a table");
    assert_eq!(out.table().and_then(|t| t.name()), Some("t"));
    let err = client.describe_table().table_name("t").send().unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn blocking_client_inside_a_tokio_runtime() {
    let mock = MockHttpClient::new().with_response(table("ACTIVE"));
    let client = fixture_waiters::blocking::Client::from_conf(mock.config());
    let out = client.describe_table().table_name("t").send().expect("no panic inside a runtime");
    assert_eq!(out.table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("ACTIVE"));
}

fn blocking(mock: &MockHttpClient) -> fixture_waiters::blocking::Client {
    fixture_waiters::blocking::Client::from_conf(mock.config())
}

/// Every outcome of a blocking waiter.
fn blocking_waiter_outcomes() {
    // Success after an error acceptor's retry and an output matching nothing.
    let mock = MockHttpClient::new().with_response(not_found()).with_response(table("CREATING")).with_response(table("ACTIVE"));
    let poll: fixture_waiters::blocking::waiters::table_exists::WaitUntilTableExistsFinalPoll =
        blocking(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).expect("active");
    let out = poll.as_result().expect("a successful poll");
    assert_eq!(out.table().and_then(|t| t.table_status()).map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(mock.requests().len(), 3);
    assert!(mock.requests().iter().all(|r| r.body_str() == r#"{"TableName":"t"}"#));

    let mock = MockHttpClient::new().with_response(table("CREATING")).with_response(table("FAILED"));
    let err = blocking(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).unwrap_err();
    assert!(matches!(err, WaiterError::FailureState(_)), "{err:?}");

    let mock = MockHttpClient::new().with_response(MockResponse::error(400, "AccessDeniedException", "nope"));
    let err = blocking(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).unwrap_err();
    assert!(matches!(&err, WaiterError::OperationFailed(e) if fixture_waiters::error::ProvideErrorMetadata::code(e.error()) == Some("AccessDeniedException")), "{err:?}");

    // The mock repeats its last response: CREATING until the maximum wait.
    let mock = MockHttpClient::new().with_response(table("CREATING"));
    let max_wait = Duration::from_millis(40);
    let err: fixture_waiters::blocking::waiters::table_exists::WaitUntilTableExistsError =
        blocking(&mock).wait_until_table_exists().table_name("t").min_delay(MS).max_delay(Duration::from_millis(4)).wait(max_wait).unwrap_err();
    assert_exceeded_max_wait(&err, &mock, max_wait);

    let mock = MockHttpClient::new().with_response(table("ACTIVE")).with_response(not_found());
    let poll = blocking(&mock).wait_until_table_not_exists().table_name("t").min_delay(MS).max_delay(MS).wait(LONG).expect("gone");
    assert!(poll.into_result().expect_err("the error").into_service_error().is_resource_not_found_exception());

    // The setters are the async builder's.
    let builder = blocking(&MockHttpClient::new()).wait_until_table_exists().table_name("t");
    assert_eq!(builder.get_table_name().as_deref(), Some("t"));
    assert_eq!(builder.as_input().get_table_name().as_deref(), Some("t"));
}

#[test]
fn blocking_waiters_without_a_runtime() {
    blocking_waiter_outcomes();
}

#[tokio::test]
async fn blocking_waiters_inside_a_current_thread_runtime() {
    blocking_waiter_outcomes();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_waiters_inside_a_multi_thread_runtime() {
    blocking_waiter_outcomes();
}
