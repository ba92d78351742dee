//! The generated Cognito client against a scripted loopback server: the exact request it sends,
//! and how it reads every kind of response. Also a compile-time check of the public API shape
//! users of aws-sdk-cognitoidentityprovider know.

use client_tests::{Canned, Server};
use aws_sdk_cognitoidentityprovider as cognito;
use cognito::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use cognito::operation::get_user_attribute_verification_code::{
    GetUserAttributeVerificationCodeError, GetUserAttributeVerificationCodeInput,
};
use cognito::operation::RequestId;
use cognito::types::DeliveryMediumType;

fn client(url: &str) -> cognito::Client {
    let config = cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .ignore_environment()
        .retry_config(cognito::config::RetryConfig::standard().with_initial_backoff(std::time::Duration::ZERO))
        .build();
    cognito::Client::from_conf(config)
}

type Result<T> = std::result::Result<
    T,
    SdkError<GetUserAttributeVerificationCodeError>,
>;

async fn call(server: &Server) -> Result<cognito::operation::get_user_attribute_verification_code::GetUserAttributeVerificationCodeOutput> {
    client(&server.url)
        .get_user_attribute_verification_code()
        .access_token("secret-token-123")
        .attribute_name("email")
        .client_metadata("source", "web")
        .send()
        .await
}

#[tokio::test]
async fn sends_the_exact_request() {
    let server = Server::start(vec![Canned::new(200, "{}")]).await;
    call(&server).await.expect("success");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/");
    assert_eq!(req.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(req.header("x-amz-target"), Some("AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode"));
    assert_eq!(req.header("authorization"), None, "the operation is @auth([]): never signed");
    let body = br#"{"AccessToken":"secret-token-123","AttributeName":"email","ClientMetadata":{"source":"web"}}"#;
    assert_eq!(String::from_utf8_lossy(&req.body), String::from_utf8_lossy(body));
    assert_eq!(req.header("content-length"), Some(body.len().to_string().as_str()));
    assert!(req.header("user-agent").is_some_and(|ua| ua.starts_with("cognito-identity-provider/")));
}

#[tokio::test]
async fn unset_members_are_omitted() {
    let server = Server::start(vec![Canned::new(200, "")]).await;
    let out = client(&server.url).get_user_attribute_verification_code().send().await.expect("empty body is {}");
    assert!(out.code_delivery_details().is_none());
    assert_eq!(server.requests()[0].body, b"{}");
}

#[tokio::test]
async fn reads_success_and_request_id() {
    let body = r#"{"CodeDeliveryDetails":{"Destination":"a***@e***.com","DeliveryMedium":"EMAIL","AttributeName":"email","Extra":[1,2]},"Unknown":true}"#;
    let server = Server::start(vec![Canned::new(200, body).header("x-amzn-RequestId", "req-42")]).await;
    let out = call(&server).await.expect("success");
    let d = out.code_delivery_details().expect("details");
    assert_eq!(d.destination(), Some("a***@e***.com"));
    assert_eq!(d.delivery_medium(), Some(&DeliveryMediumType::Email));
    assert_eq!(d.attribute_name(), Some("email"));
    assert_eq!(out.request_id(), Some("req-42"));
}

#[tokio::test]
async fn keeps_unknown_enum_values() {
    let body = r#"{"CodeDeliveryDetails":{"DeliveryMedium":"CARRIER_PIGEON"}}"#;
    let server = Server::start(vec![Canned::new(200, body)]).await;
    let out = call(&server).await.expect("unknown enum values are not errors");
    let medium = out.code_delivery_details().and_then(|d| d.delivery_medium()).expect("medium");
    assert_eq!(medium.as_str(), "CARRIER_PIGEON");
    assert!(DeliveryMediumType::try_parse("CARRIER_PIGEON").is_err());
    assert_eq!(DeliveryMediumType::try_parse("SMS"), Ok(DeliveryMediumType::Sms));
    assert_eq!(DeliveryMediumType::values(), &["SMS", "EMAIL"]);
    assert_eq!("EMAIL".parse::<DeliveryMediumType>().unwrap().to_string(), "EMAIL");
}

async fn service_error(canned: Canned) -> GetUserAttributeVerificationCodeError {
    let server = Server::start(vec![canned]).await;
    match call(&server).await {
        Err(SdkError::ServiceError(e)) => e.into_err(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_type_from_header() {
    let err = service_error(
        Canned::new(400, r#"{"message":"User does not exist."}"#)
            .header("X-Amzn-Errortype", "UserNotFoundException:http://internal.amazon.com/coral/com.amazonaws.cognitoidp/")
            .header("x-amzn-RequestId", "rid-1"),
    )
    .await;
    assert!(err.is_user_not_found_exception());
    assert_eq!(err.code(), Some("UserNotFoundException"));
    assert_eq!(err.message(), Some("User does not exist."));
    assert_eq!(err.request_id(), Some("rid-1"));
    assert_eq!(err.meta().status(), Some(400));
    assert_eq!(err.to_string(), "UserNotFoundException: User does not exist. (request id: rid-1)");
    match &err {
        GetUserAttributeVerificationCodeError::UserNotFoundException(inner) => {
            assert_eq!(inner.message(), Some("User does not exist."));
            assert_eq!(inner.request_id(), Some("rid-1"));
        }
        other => panic!("wrong variant {other:?}"),
    }
}

#[tokio::test]
async fn error_type_from_body_code_then_type() {
    let err = service_error(Canned::new(400, r#"{"code":"NotAuthorizedException","__type":"Other","Message":"Access Token has expired"}"#)).await;
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Access Token has expired"));

    let err = service_error(Canned::new(
        429,
        r#"{"__type":"com.amazonaws.cognitoidentityprovider#TooManyRequestsException:http://x","errorMessage":"slow down"}"#,
    ))
    .await;
    assert!(err.is_too_many_requests_exception());
    assert_eq!(err.message(), Some("slow down"));

    // The 18th error, not in the public corpus model.
    let err = service_error(Canned::new(400, r#"{"__type":"OperationNotEnabledException"}"#)).await;
    assert!(err.is_operation_not_enabled_exception());
    assert_eq!(err.message(), None);
}

#[tokio::test]
async fn unknown_error_code_is_unhandled_with_metadata() {
    let server = Server::start(vec![Canned::new(400, r#"{"__type":"BrandNewException","message":"new"}"#).header("x-amzn-RequestId", "rid-9")]).await;
    let err = call(&server).await.expect_err("error");
    assert_eq!(err.code(), Some("BrandNewException"));
    assert_eq!(err.message(), Some("new"));
    assert_eq!(err.request_id(), Some("rid-9"));
    let raw = err.raw_response().expect("raw response kept");
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(raw.body(), br#"{"__type":"BrandNewException","message":"new"}"#);
    let service = err.into_service_error();
    assert!(matches!(service, e if e.code() == Some("BrandNewException")));
}

#[tokio::test]
async fn empty_500_and_malformed_bodies_never_panic() {
    for (status, body) in [(500, ""), (503, "<html>busy</html>"), (400, "{\"__type\":"), (400, "[1,2]"), (400, "null")] {
        let server = Server::start(vec![Canned::new(status, body).header("x-amzn-RequestId", "rid")]).await;
        let err = call(&server).await.expect_err("error status");
        let raw = err.raw_response().expect("raw kept");
        assert_eq!(raw.status().as_u16(), status);
        assert_eq!(raw.body(), body.as_bytes());
        assert_eq!(err.meta().status(), Some(status));
        assert_eq!(err.request_id(), Some("rid"));
        assert_eq!(err.code(), None, "{status} {body}");
        let text = DisplayErrorContext(&err).to_string();
        assert!(text.contains(&status.to_string()), "{text}");
    }
}

#[tokio::test]
async fn malformed_success_body_is_a_response_error() {
    for body in ["{\"CodeDeliveryDetails\":", "{\"CodeDeliveryDetails\":{\"DeliveryMedium\":5}}", "\"text\""] {
        let server = Server::start(vec![Canned::new(200, body).header("x-amzn-RequestId", "rid-2")]).await;
        let err = call(&server).await.expect_err("unreadable success body");
        assert!(matches!(err, SdkError::ResponseError(_)), "{err:?}");
        assert_eq!(err.request_id(), Some("rid-2"));
        assert_eq!(err.raw_response().map(|r| r.body()), Some(body.as_bytes()));
    }
}

#[tokio::test]
async fn transport_failures_are_typed() {
    // Nothing listens on this port once the listener is dropped.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = client(&url).get_user_attribute_verification_code().access_token("t").send().await.expect_err("refused");
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert!(err.raw_response().is_none());

    let server = Server::start(vec![Canned::hang_up()]).await;
    let err = call(&server).await.expect_err("hang up");
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
}

#[tokio::test]
async fn missing_region_is_a_construction_failure() {
    let config = cognito::Config::builder().ignore_environment().build();
    let err = cognito::Client::from_conf(config)
        .get_user_attribute_verification_code()
        .send()
        .await
        .expect_err("no region");
    assert!(matches!(err, SdkError::ConstructionFailure(_)));
    assert!(DisplayErrorContext(&err).to_string().contains("region"), "{}", DisplayErrorContext(&err));
}

#[test]
fn access_token_is_redacted_in_debug() {
    let input = GetUserAttributeVerificationCodeInput::builder()
        .access_token("super-secret-token")
        .attribute_name("email");
    let shown = format!("{input:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
    assert!(shown.contains("*** Sensitive Data Redacted ***"));
    assert!(shown.contains("email"));
    let built = input.build().expect("input");
    let shown = format!("{built:?}");
    assert!(!shown.contains("super-secret-token"), "{shown}");
    assert_eq!(built.access_token(), Some("super-secret-token"));

    let fluent = client("http://127.0.0.1:1").get_user_attribute_verification_code().access_token("super-secret-token");
    assert!(!format!("{fluent:?}").contains("super-secret-token"));
    assert_eq!(fluent.get_access_token().as_deref(), Some("super-secret-token"));
    assert_eq!(fluent.as_input().get_attribute_name(), &None);
}

#[tokio::test]
async fn service_error_converts_into_the_crate_error() {
    let server = Server::start(vec![Canned::new(400, r#"{"__type":"LimitExceededException"}"#)]).await;
    let err: cognito::Error = call(&server).await.expect_err("error").into();
    assert!(matches!(err, cognito::Error::LimitExceededException(_)));
    let _: &dyn std::error::Error = &err;
}
