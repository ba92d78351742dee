//! Production behaviour of the generated Cognito client, end to end against loopback servers
//! (or an in-process transport): retries and their headers, timeouts, SigV4 signing, secrets
//! kept out of `tracing` output, the mock transport users get, and endpoint configuration.
//! Nothing here touches the network or the process environment (see `profile_env.rs` for the
//! one test that must set environment variables).

use client_tests::{verify_sigv4, Canned, Recorded, Server};
use cognito::config::mock::{MockHttpClient, MockResponse};
use cognito::config::{BoxFuture, Credentials, HttpClient, HttpRequest, HttpResponse, RetryConfig};
use cognito::error::{ConnectorError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
use cognito::operation::get_user_attribute_verification_code::{
    GetUserAttributeVerificationCodeError, GetUserAttributeVerificationCodeOutput,
};
use cognito::operation::RequestId;
use aws_sdk_cognitoidentityprovider as cognito;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Region, loopback endpoint, no environment, retries without backoff.
fn builder(url: &str) -> cognito::config::Builder {
    cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .ignore_environment()
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::ZERO))
}

fn client(url: &str) -> cognito::Client {
    cognito::Client::from_conf(builder(url).build())
}

type GuavcResult = Result<GetUserAttributeVerificationCodeOutput, SdkError<GetUserAttributeVerificationCodeError>>;

/// GetUserAttributeVerificationCode: unsigned (`@auth([])`) and not idempotent.
async fn guavc(client: &cognito::Client, token: &str) -> GuavcResult {
    client.get_user_attribute_verification_code().access_token(token).attribute_name("email").send().await
}

fn is_uuid_v4(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        })
        && &s[14..15] == "4"
        && matches!(&s[19..20], "8" | "9" | "a" | "b")
}

/// Checks the retry headers of the attempts of one call and returns its invocation id.
fn check_attempt_headers(requests: &[Recorded], max: u32) -> String {
    let id = requests[0].header("amz-sdk-invocation-id").expect("amz-sdk-invocation-id").to_string();
    assert!(is_uuid_v4(&id), "not a v4 UUID: {id}");
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.header("amz-sdk-invocation-id"), Some(id.as_str()), "attempt {} has another invocation id", i + 1);
        let expected = format!("attempt={}; max={max}", i + 1);
        assert_eq!(req.header("amz-sdk-request"), Some(expected.as_str()));
        assert_eq!(req.body, requests[0].body, "every attempt sends the same body");
    }
    id
}

/// An in-process transport: answers each request through a closure, records every request.
#[derive(Clone)]
struct FnClient {
    requests: Arc<Mutex<Vec<HttpRequest>>>,
    answer: Arc<dyn Fn(usize) -> Result<HttpResponse, ConnectorError> + Send + Sync>,
}

impl std::fmt::Debug for FnClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnClient")
    }
}

impl FnClient {
    fn new(answer: impl Fn(usize) -> Result<HttpResponse, ConnectorError> + Send + Sync + 'static) -> Self {
        FnClient { requests: Arc::default(), answer: Arc::new(answer) }
    }
    /// Always `200 {}`.
    fn ok() -> Self {
        FnClient::new(|_| Ok(response(200, "{}")))
    }
    fn uris(&self) -> Vec<String> {
        self.requests.lock().unwrap().iter().map(|r| r.uri().to_string()).collect()
    }
    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

impl HttpClient for FnClient {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let n = {
            let mut requests = self.requests.lock().unwrap();
            requests.push(request);
            requests.len() - 1
        };
        let result = (self.answer)(n);
        Box::pin(async move { result })
    }
}

fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, Default::default(), body.as_bytes().to_vec())
}

#[derive(Debug)]
struct Msg(&'static str);
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}
impl std::error::Error for Msg {}

// ---------------------------------------------------------------------------------------------
// 1. Retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_error_then_success_takes_two_attempts() {
    let server = Server::start(vec![
        Canned::new(500, r#"{"__type":"InternalErrorException","message":"boom"}"#),
        Canned::new(200, r#"{"CodeDeliveryDetails":{"Destination":"a***"}}"#).header("x-amzn-RequestId", "rid-ok"),
    ])
    .await;
    let out = guavc(&client(&server.url), "t").await.expect("the retry succeeds");
    assert_eq!(out.response_metadata().attempts(), 2);
    assert_eq!(out.response_metadata().status(), Some(200));
    assert_eq!(out.request_id(), Some("rid-ok"));
    assert_eq!(out.code_delivery_details().and_then(|d| d.destination()), Some("a***"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    check_attempt_headers(&requests, 3);
}

#[tokio::test]
async fn throttling_is_retried_until_max_attempts() {
    let body = r#"{"__type":"TooManyRequestsException","message":"slow down"}"#;
    let server = Server::start(vec![Canned::new(429, body).header("x-amzn-RequestId", "rid-429")]).await;
    let err = guavc(&client(&server.url), "t").await.expect_err("throttled every time");
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "default max attempts is 3");
    check_attempt_headers(&requests, 3);
    assert_eq!(err.meta().attempts(), Some(3));
    assert_eq!(err.code(), Some("TooManyRequestsException"));
    assert_eq!(err.request_id(), Some("rid-429"));
    let service = err.into_service_error();
    assert!(service.is_too_many_requests_exception(), "{service:?}");
    assert_eq!(service.message(), Some("slow down"));
    assert_eq!(service.meta().attempts(), Some(3));
}

#[tokio::test]
async fn limit_exceeded_is_a_throttling_code_and_is_retried() {
    let server = Server::start(vec![
        Canned::new(400, r#"{"__type":"LimitExceededException","message":"limit"}"#),
        Canned::new(200, "{}"),
    ])
    .await;
    let out = guavc(&client(&server.url), "t").await.expect("retried then succeeded");
    assert_eq!(out.response_metadata().attempts(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn client_errors_and_501_are_not_retried() {
    let server = Server::start(vec![Canned::new(400, r#"{"__type":"InvalidParameterException","message":"bad"}"#), Canned::new(200, "{}")]).await;
    let err = guavc(&client(&server.url), "t").await.expect_err("400 is final");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.meta().attempts(), Some(1));
    assert!(err.into_service_error().is_invalid_parameter_exception());

    let server = Server::start(vec![Canned::new(501, ""), Canned::new(200, "{}")]).await;
    let err = guavc(&client(&server.url), "t").await.expect_err("501 is final");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.meta().status(), Some(501));
    assert_eq!(err.meta().attempts(), Some(1));
    check_attempt_headers(&server.requests(), 3);

    // A bare 429 whose code does not say "throttling" is not retried either (the SDKs go by code).
    let server = Server::start(vec![Canned::new(429, r#"{"__type":"NotAuthorizedException"}"#), Canned::new(200, "{}")]).await;
    guavc(&client(&server.url), "t").await.expect_err("not retried");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invocation_ids_differ_between_calls() {
    let server = Server::start(vec![Canned::new(200, "{}")]).await;
    let client = client(&server.url);
    guavc(&client, "t").await.unwrap();
    guavc(&client, "t").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let a = check_attempt_headers(&requests[..1], 3);
    let b = check_attempt_headers(&requests[1..], 3);
    assert_ne!(a, b, "each call gets its own invocation id");
}

/// Deliberate difference from aws-sdk-rust: a connection dropped after the request was sent is
/// not retried for an operation that is not idempotent (GetUserAttributeVerificationCode sends
/// a message: repeating it could send two). The official SDKs retry it.
#[tokio::test]
async fn dropped_connection_is_not_retried_for_a_non_idempotent_operation() {
    let server = Server::start(vec![Canned::hang_up(), Canned::new(200, "{}")]).await;
    let err = guavc(&client(&server.url), "t").await.expect_err("the connection was dropped");
    assert_eq!(server.requests().len(), 1, "not retried");
    match &err {
        SdkError::DispatchFailure(f) => assert!(f.as_connector_error().is_io(), "{:?}", f.as_connector_error()),
        other => panic!("expected a dispatch failure, got {other:?}"),
    }
}

/// A failure to connect never reached the server, so it is retried whatever the operation.
#[tokio::test]
async fn connect_failures_are_retried_even_for_non_idempotent_operations() {
    let transport = FnClient::new(|n| match n {
        0 => Err(ConnectorError::connect(Msg("connection refused"))),
        _ => Ok(response(200, "{}")),
    });
    let config = builder("http://127.0.0.1:9").http_client(transport.clone()).build();
    let out = guavc(&cognito::Client::from_conf(config), "t").await.expect("retried");
    assert_eq!(out.response_metadata().attempts(), 2);
    assert_eq!(transport.count(), 2);

    // An I/O error (the request may have been sent) is final for this operation.
    let transport = FnClient::new(|n| match n {
        0 => Err(ConnectorError::io(Msg("connection reset"))),
        _ => Ok(response(200, "{}")),
    });
    let config = builder("http://127.0.0.1:9").http_client(transport.clone()).build();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("not retried");
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert_eq!(transport.count(), 1);
}

#[tokio::test]
async fn max_attempts_from_config_is_honoured() {
    let server = Server::start(vec![Canned::new(503, "")]).await;
    let config = builder(&server.url)
        .retry_config(RetryConfig::standard().with_max_attempts(5).with_initial_backoff(Duration::from_millis(1)))
        .build();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("503 every time");
    assert_eq!(server.requests().len(), 5);
    check_attempt_headers(&server.requests(), 5);
    assert_eq!(err.meta().attempts(), Some(5));

    let server = Server::start(vec![Canned::new(503, "")]).await;
    let config = builder(&server.url).retry_config(RetryConfig::disabled()).build();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("503");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].header("amz-sdk-request"), Some("attempt=1; max=1"));
    assert_eq!(err.meta().attempts(), Some(1));
}

// ---------------------------------------------------------------------------------------------
// 2. Timeouts
// ---------------------------------------------------------------------------------------------

/// A server that accepts connections and never answers; counts the connections.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn operation_timeout_against_a_server_that_never_answers() {
    let (url, accepted) = silent_server().await;
    let config = builder(&url).operation_timeout(Duration::from_millis(200)).build();
    let start = Instant::now();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("no answer");
    let elapsed = start.elapsed();
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert!(elapsed >= Duration::from_millis(200) && elapsed < Duration::from_secs(3), "{elapsed:?}");
    let text = DisplayErrorContext(&err).to_string();
    assert!(text.contains("GetUserAttributeVerificationCode") && text.contains("200ms"), "{text}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn operation_timeout_bounds_retries_and_their_backoff() {
    // Every answer is a retryable 500 and the backoff is long: the timeout cuts the call short.
    let server = Server::start(vec![Canned::new(500, "")]).await;
    let config = builder(&server.url)
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_secs(60)).with_max_backoff(Duration::from_secs(60)))
        .operation_timeout(Duration::from_millis(200))
        .build();
    let start = Instant::now();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("timed out");
    assert!(matches!(err, SdkError::TimeoutError(_)), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(!server.requests().is_empty());
}

/// A connect timeout made deterministic: a listener with a backlog of 0 whose accept queue is
/// filled by connections nobody accepts. Linux then drops further SYNs, so a connect hangs
/// until the client's connect timeout. Skipped (with a message) where the platform still
/// completes the handshake.
#[tokio::test]
async fn connect_timeout_against_a_full_accept_queue() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(300), tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => held.push(stream),
            Ok(Err(e)) => panic!("connect failed: {e}"),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    if !full {
        eprintln!("skipped: this platform completes handshakes beyond the listen backlog");
        return;
    }
    let config = builder(&format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .retry_config(RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::ZERO))
        .build();
    let start = Instant::now();
    let err = guavc(&cognito::Client::from_conf(config), "t").await.expect_err("cannot connect");
    let elapsed = start.elapsed();
    // A connect timeout never reached the server: retried (2 attempts of 200 ms), then reported
    // as a dispatch failure of kind `connect`.
    match &err {
        SdkError::DispatchFailure(f) => assert!(f.as_connector_error().is_connect(), "{:?}", f.as_connector_error()),
        other => panic!("expected a dispatch failure, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(400), "both attempts waited for the connect timeout: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "the connect timeout was not honoured: {elapsed:?}");
    let text = DisplayErrorContext(&err).to_string().to_ascii_lowercase();
    assert!(text.contains("tcp connect error"), "{text}");
    assert_eq!(text.matches("client error").count(), 1, "each cause once: {text}");
    drop(held);
    drop(listener);
}

// ---------------------------------------------------------------------------------------------
// 3. SigV4
// ---------------------------------------------------------------------------------------------

async fn admin_get_user(client: &cognito::Client) -> Result<cognito::operation::admin_get_user::AdminGetUserOutput, SdkError<cognito::operation::admin_get_user::AdminGetUserError>> {
    client.admin_get_user().user_pool_id("us-east-1_pool").username("alice").send().await
}

#[tokio::test]
async fn signed_operation_sends_a_valid_sigv4_signature() {
    let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED"}"#)]).await;
    let config = builder(&server.url).credentials_provider(Credentials::from_keys("AKID", "SECRET", None)).build();
    assert!(!format!("{config:?}").contains("SECRET"), "the secret key is redacted in Debug");
    let out = admin_get_user(&cognito::Client::from_conf(config)).await.expect("success");
    assert_eq!(out.username(), "alice");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    let signed = verify_sigv4(req, "AKID", "SECRET", "us-east-1", "cognito-idp");
    for must in ["host", "x-amz-date", "x-amz-target", "content-type"] {
        assert!(signed.iter().any(|h| h == must), "{must} is not signed: {signed:?}");
    }
    assert!(!signed.iter().any(|h| h == "user-agent"), "user-agent is never signed");
    assert_eq!(req.header("x-amz-security-token"), None);
    assert_eq!(req.header("x-amz-target"), Some("AWSCognitoIdentityProviderService.AdminGetUser"));
}

#[tokio::test]
async fn session_token_is_sent_and_signed() {
    let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice"}"#)]).await;
    let creds = Credentials::from_keys("ASIATEMP", "SECRET2", Some("SESSION-TOKEN".to_string()));
    let config = builder(&server.url).credentials_provider(creds).build();
    assert!(!format!("{config:?}").contains("SESSION-TOKEN"));
    admin_get_user(&cognito::Client::from_conf(config)).await.expect("success");
    let req = &server.requests()[0];
    assert_eq!(req.header("x-amz-security-token"), Some("SESSION-TOKEN"));
    let signed = verify_sigv4(req, "ASIATEMP", "SECRET2", "us-east-1", "cognito-idp");
    assert!(signed.iter().any(|h| h == "x-amz-security-token"), "{signed:?}");
}

#[tokio::test]
async fn every_retry_is_signed_afresh() {
    let server = Server::start(vec![Canned::new(500, ""), Canned::new(200, r#"{"Username":"alice"}"#)]).await;
    let config = builder(&server.url).credentials_provider(Credentials::from_keys("AKID", "SECRET", None)).build();
    let out = admin_get_user(&cognito::Client::from_conf(config)).await.expect("success");
    assert_eq!(out.response_metadata().attempts(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    check_attempt_headers(&requests, 3);
    for req in &requests {
        verify_sigv4(req, "AKID", "SECRET", "us-east-1", "cognito-idp");
        assert_eq!(req.headers.iter().filter(|(k, _)| k == "authorization").count(), 1);
    }
}

#[tokio::test]
async fn unsigned_operations_send_no_signature_even_with_credentials() {
    let server = Server::start(vec![Canned::new(200, "{}")]).await;
    let creds = Credentials::from_keys("AKID", "SECRET", Some("TOKEN".to_string()));
    let client = cognito::Client::from_conf(builder(&server.url).credentials_provider(creds).build());
    guavc(&client, "t").await.expect("GetUserAttributeVerificationCode");
    client.sign_up().client_id("client").username("bob").password("pw").send().await.expect("SignUp");
    client
        .initiate_auth()
        .auth_flow(cognito::types::AuthFlowType::UserPasswordAuth)
        .client_id("client")
        .auth_parameters("USERNAME", "bob")
        .send()
        .await
        .expect("InitiateAuth");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for req in &requests {
        let target = req.header("x-amz-target").unwrap_or_default();
        for header in ["authorization", "x-amz-date", "x-amz-security-token"] {
            assert_eq!(req.header(header), None, "{target} sent {header}");
        }
    }
}

#[tokio::test]
async fn signed_operation_without_credentials_is_a_construction_failure() {
    let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice"}"#)]).await;
    let err = admin_get_user(&client(&server.url)).await.expect_err("no credentials");
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    let text = DisplayErrorContext(&err).to_string();
    assert!(text.contains("credentials"), "{text}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------------
// 4. Tracing: events are emitted, secrets are not
// ---------------------------------------------------------------------------------------------

/// A process-wide `tracing` subscriber that records events on threads that asked for it.
///
/// Global rather than `tracing::subscriber::set_default`: with a single thread-local
/// subscriber, tracing-core caches a callsite's interest from whichever thread registers it
/// first, so an event first reached by another test's thread stays disabled for this one.
mod capture {
    use std::cell::RefCell;
    use std::fmt::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, Once};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::subscriber::Interest;
    use tracing::{Event, Metadata, Subscriber};

    thread_local! {
        static SINK: RefCell<Option<Arc<Mutex<String>>>> = const { RefCell::new(None) };
    }

    /// Records every event and span field on this thread, formatted with `{:?}`, one line
    /// each, until dropped.
    pub struct Capture {
        text: Arc<Mutex<String>>,
    }

    impl Capture {
        pub fn start() -> Capture {
            static INSTALL: Once = Once::new();
            INSTALL.call_once(|| tracing::subscriber::set_global_default(Global::default()).expect("no other global subscriber"));
            let text = Arc::new(Mutex::new(String::new()));
            SINK.with(|s| *s.borrow_mut() = Some(text.clone()));
            Capture { text }
        }
        pub fn text(&self) -> String {
            self.text.lock().unwrap().clone()
        }
    }

    impl Drop for Capture {
        fn drop(&mut self) {
            SINK.with(|s| *s.borrow_mut() = None);
        }
    }

    struct Fields<'a>(&'a mut String);
    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
    }

    fn line(head: String, record: impl FnOnce(&mut Fields<'_>)) {
        let Some(sink) = SINK.with(|s| s.borrow().clone()) else { return };
        let mut line = head;
        record(&mut Fields(&mut line));
        line.push('\n');
        sink.lock().unwrap().push_str(&line);
    }

    #[derive(Default)]
    struct Global {
        next_id: AtomicU64,
    }

    impl Subscriber for Global {
        fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
            Interest::sometimes()
        }
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            SINK.with(|s| s.borrow().is_some())
        }
        fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
            Some(tracing::level_filters::LevelFilter::TRACE)
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            line(format!("span {}", span.metadata().name()), |f| span.record(f));
            Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            line("record".into(), |f| values.record(f));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let meta = event.metadata();
            line(format!("{} {}", meta.level(), meta.target()), |f| event.record(f));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[test]
fn tracing_events_never_contain_the_access_token() {
    const TOKEN: &str = "super-secret-token-xyz";
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Everything the client does runs on this thread (a current-thread runtime).
    let capture = capture::Capture::start();
    runtime.block_on(async {
        let server = Server::start(vec![
            Canned::new(200, r#"{"CodeDeliveryDetails":{"Destination":"a***"}}"#),
            Canned::new(500, r#"{"__type":"InternalErrorException","message":"boom"}"#),
            Canned::new(200, "{}"),
            Canned::new(429, r#"{"__type":"TooManyRequestsException","message":"slow"}"#).header("x-amzn-RequestId", "rid-t"),
            Canned::new(429, r#"{"__type":"TooManyRequestsException","message":"slow"}"#),
            Canned::new(429, r#"{"__type":"TooManyRequestsException","message":"slow"}"#),
            Canned::new(400, r#"{"__type":"NotAuthorizedException","message":"Invalid Access Token"}"#),
            Canned::hang_up(),
        ])
        .await;
        let client = client(&server.url);
        guavc(&client, TOKEN).await.expect("success");
        guavc(&client, TOKEN).await.expect("500, retried, success");
        guavc(&client, TOKEN).await.expect_err("throttled three times");
        guavc(&client, TOKEN).await.expect_err("not authorized");
        guavc(&client, TOKEN).await.expect_err("dropped connection");
        let requests = server.requests();
        assert_eq!(requests.len(), 8);
        assert!(requests.iter().all(|r| String::from_utf8_lossy(&r.body).contains(TOKEN)), "the token was sent");
    });
    let text = capture.text();
    drop(capture);
    for expected in ["sending request", "success", "error response", "retrying", "transport error", "GetUserAttributeVerificationCode", "calling"] {
        assert!(text.contains(expected), "no {expected:?} event in:\n{text}");
    }
    assert!(!text.contains(TOKEN), "the access token leaked into tracing output:\n{text}");
    assert!(!text.contains("super-secret"), "part of the access token leaked:\n{text}");
}

// ---------------------------------------------------------------------------------------------
// 5. The mock transport users get
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn mock_http_client_answers_and_records() {
    let mock = MockHttpClient::new().with_response(
        MockResponse::new(200, r#"{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED"}"#).header("x-amzn-RequestId", "mock-rid"),
    );
    let client = cognito::Client::from_conf(mock.config());
    let out = admin_get_user(&client).await.expect("mock success");
    assert_eq!(out.username(), "alice");
    assert!(out.enabled());
    assert_eq!(out.user_status(), Some(&cognito::types::UserStatusType::Confirmed));
    assert_eq!(out.request_id(), Some("mock-rid"));
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.header("x-amz-target"), Some("AWSCognitoIdentityProviderService.AdminGetUser"));
    assert_eq!(req.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(req.body_str(), r#"{"UserPoolId":"us-east-1_pool","Username":"alice"}"#);
    assert!(req.header("authorization").is_some_and(|a| a.contains("Credential=AKIDMOCK/")), "signed with the mock's test credentials");
}

#[tokio::test]
async fn mock_http_client_modelled_errors_and_retries() {
    let mock = MockHttpClient::new().with_response(MockResponse::error(400, "UserNotFoundException", "nope"));
    let err = admin_get_user(&cognito::Client::from_conf(mock.config())).await.expect_err("modelled error");
    assert_eq!(err.code(), Some("UserNotFoundException"));
    let service = err.into_service_error();
    assert!(service.is_user_not_found_exception(), "{service:?}");
    assert_eq!(service.message(), Some("nope"));
    assert_eq!(mock.requests().len(), 1);

    // Queued responses are served in order; retries happen without delay.
    let mock = MockHttpClient::new().with_response(MockResponse::new(503, "")).with_response(MockResponse::new(200, "{}"));
    let out = guavc(&cognito::Client::from_conf(mock.config()), "t").await.expect("retried");
    assert_eq!(out.response_metadata().attempts(), 2);
    assert_eq!(mock.requests().len(), 2);

    // A transport failure after sending is not retried for a non-idempotent operation.
    let mock = MockHttpClient::new().with_response(MockResponse::io_error("reset")).with_response(MockResponse::new(200, "{}"));
    let err = guavc(&cognito::Client::from_conf(mock.config()), "t").await.expect_err("io error");
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert_eq!(mock.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 6. Endpoint configuration
// ---------------------------------------------------------------------------------------------

async fn endpoint_of(builder: cognito::config::Builder) -> Result<String, String> {
    let transport = FnClient::ok();
    let client = cognito::Client::from_conf(builder.ignore_environment().http_client(transport.clone()).build());
    match guavc(&client, "t").await {
        Ok(_) => Ok(transport.uris().pop().expect("one request")),
        Err(e) => {
            assert!(matches!(e, SdkError::ConstructionFailure(_)), "{e:?}");
            assert_eq!(transport.count(), 0, "nothing sent");
            Err(DisplayErrorContext(&e).to_string())
        }
    }
}

#[tokio::test]
async fn endpoints_resolve_from_region_fips_and_dual_stack() {
    let b = || cognito::Config::builder();
    assert_eq!(endpoint_of(b().region("us-east-1")).await.unwrap(), "https://cognito-idp.us-east-1.amazonaws.com/");
    assert_eq!(endpoint_of(b().region("us-east-1").use_fips(true)).await.unwrap(), "https://cognito-idp-fips.us-east-1.amazonaws.com/");
    assert_eq!(endpoint_of(b().region("eu-west-1").use_fips(true)).await.unwrap(), "https://cognito-idp-fips.eu-west-1.amazonaws.com/");
    assert_eq!(endpoint_of(b().region("cn-north-1")).await.unwrap(), "https://cognito-idp.cn-north-1.amazonaws.com.cn/");
    assert_eq!(endpoint_of(b().region("us-east-1").use_dual_stack(true)).await.unwrap(), "https://cognito-idp.us-east-1.amazonaws.com/");
    assert_eq!(endpoint_of(b().region("us-east-1").endpoint_url("http://localhost:4566")).await.unwrap(), "http://localhost:4566/");
    assert_eq!(endpoint_of(b().region("us-east-1").use_fips(false)).await.unwrap(), "https://cognito-idp.us-east-1.amazonaws.com/");
}

#[tokio::test]
async fn endpoint_configuration_errors_are_construction_failures() {
    let b = || cognito::Config::builder();
    let err = endpoint_of(b()).await.expect_err("no region");
    assert!(err.contains("region"), "{err}");
    let err = endpoint_of(b().use_fips(true)).await.expect_err("no region");
    assert!(err.contains("region"), "{err}");
    let err = endpoint_of(b().region("us-east-1").use_fips(true).endpoint_url("http://localhost:1")).await.expect_err("FIPS with a custom endpoint");
    assert!(err.contains("FIPS and custom endpoint are not supported"), "{err}");
}

#[tokio::test]
async fn fips_endpoint_is_signed_for_its_host_and_region() {
    let transport = FnClient::new(|_| Ok(response(200, r#"{"Username":"alice"}"#)));
    let config = cognito::Config::builder()
        .region("us-east-1")
        .use_fips(true)
        .ignore_environment()
        .credentials_provider(Credentials::from_keys("AKID", "SECRET", None))
        .http_client(transport.clone())
        .build();
    admin_get_user(&cognito::Client::from_conf(config)).await.expect("success");
    let requests = transport.requests.lock().unwrap();
    let req = &requests[0];
    assert_eq!(req.uri().to_string(), "https://cognito-idp-fips.us-east-1.amazonaws.com/");
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).expect("signed");
    assert!(auth.contains("/us-east-1/cognito-idp/aws4_request"), "{auth}");
}
