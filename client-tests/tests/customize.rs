//! `customize()` on fluent builders: request mutators run on every attempt before signing, and a
//! configuration override applies to one call only.

use cognito::config::mock::{MockHttpClient, MockResponse};
use cognito::config::{Config, RetryConfig};
use cognito::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider as cognito;

fn admin_get_user(client: &cognito::Client) -> cognito::operation::admin_get_user::builders::AdminGetUserFluentBuilder {
    client.admin_get_user().user_pool_id("us-east-1_pool").username("alice")
}

#[tokio::test]
async fn mutate_request_changes_every_attempt_before_signing() {
    let mock = MockHttpClient::new().with_response(MockResponse::new(503, "")).with_response(MockResponse::new(200, r#"{"Username":"alice"}"#));
    let client = cognito::Client::from_conf(mock.config());
    let out = admin_get_user(&client)
        .customize()
        .mutate_request(|req| {
            req.headers_mut().insert("x-custom", http::HeaderValue::from_static("yes"));
        })
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(out.username(), "alice");
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    for req in &requests {
        assert_eq!(req.header("x-custom"), Some("yes"));
        let auth = req.header("authorization").expect("signed");
        assert!(auth.contains("x-custom"), "the mutated header is signed: {auth}");
    }
    // The client itself is unchanged.
    admin_get_user(&client).send().await.expect("plain call");
    assert_eq!(mock.requests()[2].header("x-custom"), None);
}

#[tokio::test]
async fn config_override_applies_to_one_call() {
    let mock = MockHttpClient::new().with_response(MockResponse::new(500, ""));
    let client = cognito::Client::from_conf(mock.config());
    let err = admin_get_user(&client)
        .customize()
        .config_override(Config::builder().retry_config(RetryConfig::standard().with_max_attempts(1)).endpoint_url("http://override.invalid"))
        .send()
        .await
        .expect_err("500 without retries");
    assert_eq!(err.meta().attempts(), Some(1));
    assert_eq!(mock.requests().len(), 1, "one attempt under the override");
    assert!(mock.requests()[0].uri.starts_with("http://override.invalid/"), "{}", mock.requests()[0].uri);

    // Without the override the client's own settings (3 attempts, mock endpoint) apply again.
    let err = admin_get_user(&client).send().await.expect_err("500 after retries");
    assert_eq!(err.meta().attempts(), Some(3));
    assert_eq!(mock.requests().len(), 4);
    assert!(mock.requests()[1].uri.starts_with("http://mock.invalid/"), "{}", mock.requests()[1].uri);
}
