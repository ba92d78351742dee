//! A program written for aws-sdk-cognitoidentityprovider, compiled and run against the generated
//! crate with no edits (Cargo.toml renames the dependency to the official crate's name).
//!
//! Everything in `mod user_program` is meant to compile unchanged against the real
//! aws-sdk-cognitoidentityprovider (checked by name and signature against its API docs): keep it
//! that way. Only the tests below it (the loopback server that answers) belong to this project.

mod user_program {
    use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
    use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
    use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
    use aws_sdk_cognitoidentityprovider::operation::get_user_attribute_verification_code::GetUserAttributeVerificationCodeError;
    use aws_sdk_cognitoidentityprovider::operation::RequestId;
    use aws_sdk_cognitoidentityprovider::types::DeliveryMediumType;
    use aws_sdk_cognitoidentityprovider::{Client, Config};
    use std::time::Duration;

    pub fn make_client(endpoint: &str) -> Client {
        let config = Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "example-secret", None, None, "example"))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build();
        Client::from_conf(config)
    }

    /// What the program reports about one call.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Outcome {
        Sent { destination: String, medium: String, attribute: String, request_id: Option<String> },
        UserNotFound { status: u16, message: Option<String>, request_id: Option<String> },
        ServerFault { status: u16, code: Option<String> },
        Other { code: Option<String>, message: Option<String>, status: Option<u16> },
    }

    pub async fn send_code(client: &Client, token: &str) -> Outcome {
        let result = client
            .get_user_attribute_verification_code()
            .access_token(token)
            .attribute_name("email")
            .client_metadata("source", "web")
            .send()
            .await;
        match result {
            Ok(out) => {
                let details = out.code_delivery_details().expect("delivery details");
                let medium = match details.delivery_medium() {
                    Some(DeliveryMediumType::Email) => "email".to_string(),
                    Some(DeliveryMediumType::Sms) => "sms".to_string(),
                    Some(other) => other.as_str().to_string(),
                    None => "none".to_string(),
                };
                Outcome::Sent {
                    destination: details.destination().unwrap_or_default().to_string(),
                    medium,
                    attribute: details.attribute_name().unwrap_or_default().to_string(),
                    request_id: out.request_id().map(str::to_string),
                }
            }
            Err(SdkError::ServiceError(ctx)) if ctx.err().is_user_not_found_exception() => {
                assert!(ctx.raw().status().is_client_error());
                assert!(!ctx.raw().status().is_success());
                Outcome::UserNotFound {
                    status: ctx.raw().status().as_u16(),
                    message: ctx.err().message().map(str::to_string),
                    request_id: ctx.err().request_id().map(str::to_string),
                }
            }
            Err(SdkError::ServiceError(ctx)) if ctx.raw().status().is_server_error() => Outcome::ServerFault {
                status: ctx.raw().status().as_u16(),
                code: ctx.err().code().map(str::to_string),
            },
            Err(err) => {
                eprintln!("call failed: {}", DisplayErrorContext(&err));
                let status = err.raw_response().map(|r| r.status().as_u16());
                match err.into_service_error() {
                    GetUserAttributeVerificationCodeError::NotAuthorizedException(e) => Outcome::Other {
                        code: Some("NotAuthorizedException".to_string()),
                        message: e.message().map(str::to_string),
                        status,
                    },
                    e => Outcome::Other {
                        code: e.code().map(str::to_string),
                        message: e.message().map(str::to_string),
                        status,
                    },
                }
            }
        }
    }

    /// The enum helpers users call.
    pub fn medium_names() -> (String, String, Vec<String>) {
        let unknown = DeliveryMediumType::from("CARRIER_PIGEON");
        (
            DeliveryMediumType::Email.as_str().to_string(),
            unknown.as_str().to_string(),
            DeliveryMediumType::values().iter().map(|v| v.to_string()).collect(),
        )
    }
}

use client_tests::{Canned, Server};
use user_program::{make_client, medium_names, send_code, Outcome};

const RID: &str = "5f3a-compat";

#[tokio::test]
async fn success_reads_the_output() {
    let body = r#"{"CodeDeliveryDetails":{"Destination":"a***@e***.com","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#;
    let server = Server::start(vec![Canned::new(200, body).header("x-amzn-RequestId", RID)]).await;
    let outcome = send_code(&make_client(&server.url), "token-1").await;
    assert_eq!(
        outcome,
        Outcome::Sent {
            destination: "a***@e***.com".into(),
            medium: "email".into(),
            attribute: "email".into(),
            request_id: Some(RID.into()),
        }
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("amz-sdk-request"), Some("attempt=1; max=2"));
}

#[tokio::test]
async fn unknown_enum_value_is_kept() {
    let body = r#"{"CodeDeliveryDetails":{"Destination":"+1***","DeliveryMedium":"CARRIER_PIGEON","AttributeName":"phone_number"}}"#;
    let server = Server::start(vec![Canned::new(200, body)]).await;
    match send_code(&make_client(&server.url), "token-1").await {
        Outcome::Sent { medium, request_id, .. } => {
            assert_eq!(medium, "CARRIER_PIGEON");
            assert_eq!(request_id, None);
        }
        other => panic!("{other:?}"),
    }
    let (email, unknown, mut values) = medium_names();
    assert_eq!((email.as_str(), unknown.as_str()), ("EMAIL", "CARRIER_PIGEON"));
    values.sort();
    assert_eq!(values, ["EMAIL", "SMS"]);
}

#[tokio::test]
async fn modelled_client_error_through_the_service_error_context() {
    let body = r#"{"__type":"UserNotFoundException","message":"User does not exist."}"#;
    let server = Server::start(vec![Canned::new(400, body).header("x-amzn-RequestId", RID)]).await;
    let outcome = send_code(&make_client(&server.url), "token-1").await;
    assert_eq!(
        outcome,
        Outcome::UserNotFound { status: 400, message: Some("User does not exist.".into()), request_id: Some(RID.into()) }
    );
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn server_error_is_retried_up_to_max_attempts() {
    let body = r#"{"__type":"InternalErrorException","message":"boom"}"#;
    let server = Server::start(vec![Canned::new(500, body)]).await;
    let outcome = send_code(&make_client(&server.url), "token-1").await;
    assert_eq!(outcome, Outcome::ServerFault { status: 500, code: Some("InternalErrorException".into()) });
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "with_max_attempts(2)");
    assert_eq!(requests[1].header("amz-sdk-request"), Some("attempt=2; max=2"));
}

#[tokio::test]
async fn into_service_error_and_unmodelled_codes() {
    let body = r#"{"__type":"NotAuthorizedException","message":"Access Token has expired"}"#;
    let server = Server::start(vec![Canned::new(400, body)]).await;
    let outcome = send_code(&make_client(&server.url), "expired").await;
    assert_eq!(
        outcome,
        Outcome::Other {
            code: Some("NotAuthorizedException".into()),
            message: Some("Access Token has expired".into()),
            status: Some(400),
        }
    );
    let body = r#"{"__type":"SomethingNewException","message":"not in the model"}"#;
    let server = Server::start(vec![Canned::new(400, body)]).await;
    let outcome = send_code(&make_client(&server.url), "t").await;
    assert_eq!(
        outcome,
        Outcome::Other {
            code: Some("SomethingNewException".into()),
            message: Some("not in the model".into()),
            status: Some(400),
        }
    );
}
