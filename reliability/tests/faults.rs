//! Injected faults, through the default HTTPS client (hyper + rustls) against a scriptable
//! loopback server (`reliability::server`): every outcome and every server-side count is
//! asserted. awsJson (Cognito: non-idempotent operations; Weather: `@readonly` ones) and the
//! restJson1 streaming fixture (a streaming download and an `@idempotent` streaming upload).

use cognito_identity_provider as cognito;
use cognito::config::StalledStreamProtectionConfig;
use cognito::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use reliability::server::{response_bytes, Plan, Server, Step};
use std::time::{Duration, Instant, SystemTime};

fn retry() -> cognito::config::RetryConfig {
    cognito::config::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(5))
}

fn cognito_builder(url: &str) -> cognito::config::Builder {
    cognito::Config::builder()
        .ignore_environment()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(cognito::config::Credentials::new("AKIDFAULTS", "faults-secret", None, None, "faults"))
        .retry_config(retry())
}

fn cognito_client(url: &str) -> cognito::Client {
    cognito::Client::from_conf(cognito_builder(url).build())
}

fn weather_client(url: &str) -> weather::Client {
    let config = weather::Config::builder()
        .ignore_environment()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(weather::config::Credentials::new("AKIDFAULTS", "faults-secret", None, None, "faults"))
        .retry_config(weather::config::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(5)))
        .stalled_stream_protection(weather::config::StalledStreamProtectionConfig::enabled().grace_period(Duration::from_millis(300)).build())
        .build();
    weather::Client::from_conf(config)
}

fn streaming_client(url: &str, grace: Duration) -> fixture_streaming::Client {
    let config = fixture_streaming::Config::builder()
        .ignore_environment()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(fixture_streaming::config::Credentials::new("AKIDFAULTS", "faults-secret", None, None, "faults"))
        .retry_config(fixture_streaming::config::RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)).with_max_backoff(Duration::from_millis(5)))
        .stalled_stream_protection(fixture_streaming::config::StalledStreamProtectionConfig::enabled().grace_period(grace).build())
        .build();
    fixture_streaming::Client::from_conf(config)
}

const USER: &str = r#"{"Username":"u","UserAttributes":[]}"#;
const CITY: &str = r#"{"name":"Paris","coordinates":{"latitude":48.8,"longitude":2.3}}"#;

async fn get_user(client: &cognito::Client) -> Result<cognito::operation::get_user::GetUserOutput, SdkError<cognito::operation::get_user::GetUserError>> {
    client.get_user().access_token("token").send().await
}

fn dispatch_kind<E>(err: &SdkError<E>) -> Option<cognito::error::ConnectorErrorKind> {
    match err {
        SdkError::DispatchFailure(d) => Some(d.as_connector_error().kind()),
        _ => None,
    }
}

#[tokio::test]
async fn a_reset_before_the_request_is_read_is_retried_only_when_safe() {
    // Non-idempotent: the request may have reached the server; it is not sent again.
    let server = Server::plans(vec![Plan::reset_before_read(), Plan::json(200, USER)]).await;
    let err = get_user(&cognito_client(&server.url)).await.expect_err("the connection was reset");
    assert_eq!(dispatch_kind(&err), Some(cognito::error::ConnectorErrorKind::Io), "{}", DisplayErrorContext(&err));
    assert_eq!((server.accepted(), server.requests()), (1, 1), "not re-sent");
    // @readonly: retried, and the third attempt succeeds.
    let server = Server::plans(vec![Plan::reset_before_read(), Plan::reset_before_read(), Plan::json(200, CITY)]).await;
    let out = weather_client(&server.url).get_city().city_id("paris").send().await.expect("the third attempt is answered");
    assert_eq!(out.response_metadata().attempts(), 3);
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_reset_after_the_request_is_read_is_retried_only_when_safe() {
    let server = Server::plans(vec![Plan::reset_after_read(), Plan::json(200, USER)]).await;
    let err = get_user(&cognito_client(&server.url)).await.expect_err("the connection was reset");
    assert_eq!(dispatch_kind(&err), Some(cognito::error::ConnectorErrorKind::Io), "{}", DisplayErrorContext(&err));
    assert_eq!(server.recorded().len(), 1, "the server read the request once: it is not sent again");
    let server = Server::plans(vec![Plan::reset_after_read(), Plan::reset_after_read(), Plan::json(200, CITY)]).await;
    let out = weather_client(&server.url).get_city().city_id("paris").send().await.expect("retried");
    assert_eq!((out.response_metadata().attempts(), server.recorded().len()), (3, 3));
    // Three resets: the error after the last attempt.
    let server = Server::plans(vec![Plan::reset_after_read()]).await;
    let err = weather_client(&server.url).get_city().city_id("paris").send().await.expect_err("every attempt reset");
    assert!(matches!(err, weather::error::SdkError::DispatchFailure(_)), "{}", weather::error::DisplayErrorContext(&err));
    assert_eq!(server.recorded().len(), 3, "max_attempts");
}

#[tokio::test]
async fn a_reset_in_the_middle_of_a_response_body() {
    let body = format!("{{\"Username\":\"{}\",\"UserAttributes\":[]}}", "u".repeat(500));
    let headers = [("content-type", "application/x-amz-json-1.1")];
    let server = Server::plans(vec![Plan::partial(200, &headers, body.as_bytes(), 100, Step::Reset)]).await;
    let err = get_user(&cognito_client(&server.url)).await.expect_err("the body was cut");
    assert_eq!(dispatch_kind(&err), Some(cognito::error::ConnectorErrorKind::Io), "{}", DisplayErrorContext(&err));
    assert_eq!(server.recorded().len(), 1, "not re-sent");
    let server = Server::plans(vec![Plan::partial(200, &headers, CITY.as_bytes(), 10, Step::Reset), Plan::json(200, CITY)]).await;
    let out = weather_client(&server.url).get_city().city_id("paris").send().await.expect("retried");
    assert_eq!((out.response_metadata().attempts(), server.recorded().len()), (2, 2));
}

#[tokio::test]
async fn a_reset_in_the_middle_of_a_streaming_body() {
    let body = vec![7u8; 256 * 1024];
    let server = Server::plans(vec![Plan::partial(200, &[("content-type", "application/octet-stream")], &body, 64 * 1024, Step::Reset)]).await;
    let client = streaming_client(&server.url, Duration::from_secs(5));
    let mut out = client.get_object().key("k").send().await.expect("the head arrived");
    assert_eq!(out.body.content_length(), Some(256 * 1024), "the declared length");
    let mut read = 0;
    let err = loop {
        match out.body.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(e)) => break e,
            None => panic!("the body ended after {read} bytes without an error"),
        }
    };
    assert!(read > 0 && read <= 64 * 1024, "{read} bytes before the reset");
    assert!(!err.to_string().is_empty());
    assert_eq!(server.recorded().len(), 1, "a streaming body that failed after send() returned is not re-requested");
}

#[tokio::test]
async fn a_slow_server_trips_the_operation_timeout() {
    let server = Server::plans(vec![Plan::json(200, USER).delayed(Duration::from_secs(3))]).await;
    let client = cognito::Client::from_conf(cognito_builder(&server.url).operation_timeout(Duration::from_millis(300)).build());
    let start = Instant::now();
    let err = get_user(&client).await.expect_err("too slow");
    assert!(matches!(err, SdkError::TimeoutError(_)), "{}", DisplayErrorContext(&err));
    assert!(start.elapsed() < Duration::from_millis(1500), "{:?}", start.elapsed());
    assert_eq!(server.recorded().len(), 1);
}

#[tokio::test]
async fn a_stalled_response_body_fails_after_the_grace_period() {
    let body = format!("{{\"Username\":\"{}\",\"UserAttributes\":[]}}", "u".repeat(500));
    let headers = [("content-type", "application/x-amz-json-1.1")];
    let stall = || Plan::partial(200, &headers, body.as_bytes(), 50, Step::Hang);
    // Non-idempotent: a typed timeout naming the stall, not re-sent.
    let server = Server::plans(vec![stall()]).await;
    let protection = StalledStreamProtectionConfig::enabled().grace_period(Duration::from_millis(300)).build();
    let client = cognito::Client::from_conf(cognito_builder(&server.url).stalled_stream_protection(protection).build());
    let start = Instant::now();
    let err = get_user(&client).await.expect_err("the body stalled");
    assert!(matches!(err, SdkError::TimeoutError(_)), "{}", DisplayErrorContext(&err));
    assert!(DisplayErrorContext(&err).to_string().contains("stalled"), "{}", DisplayErrorContext(&err));
    assert!(start.elapsed() >= Duration::from_millis(300) && start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
    assert_eq!(server.recorded().len(), 1);
    // @readonly: retried after the stall.
    let server = Server::plans(vec![Plan::partial(200, &headers, CITY.as_bytes(), 5, Step::Hang), Plan::json(200, CITY)]).await;
    let out = weather_client(&server.url).get_city().city_id("paris").send().await.expect("retried after the stall");
    assert_eq!(out.response_metadata().attempts(), 2);
    // Protection off: the call is still waiting after a second.
    let server = Server::plans(vec![stall()]).await;
    let client = cognito::Client::from_conf(cognito_builder(&server.url).stalled_stream_protection(StalledStreamProtectionConfig::disabled()).build());
    assert!(tokio::time::timeout(Duration::from_secs(1), get_user(&client)).await.is_err(), "without protection a stalled body hangs");
}

#[tokio::test]
async fn a_stalled_streaming_body_fails_after_the_grace_period() {
    let body = vec![1u8; 100_000];
    let server = Server::plans(vec![Plan::partial(200, &[("content-type", "application/octet-stream")], &body, 1000, Step::Hang)]).await;
    let client = streaming_client(&server.url, Duration::from_millis(300));
    let mut out = client.get_object().key("k").send().await.expect("the head arrived");
    let mut read = 0;
    let start = Instant::now();
    let err = loop {
        match out.body.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(e)) => break e,
            None => panic!("ended"),
        }
    };
    assert_eq!(read, 1000);
    assert!(err.to_string().contains("stalled"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn stalled_stream_protection_defaults_to_aws_sdk_rusts() {
    let config = cognito::Config::builder().ignore_environment().build();
    let protection = config.stalled_stream_protection();
    assert!(protection.is_enabled());
    assert_eq!(protection.grace_period(), Duration::from_secs(20));
    assert!(!StalledStreamProtectionConfig::disabled().is_enabled());
}

#[tokio::test]
async fn bodies_shorter_or_longer_than_their_content_length() {
    // Shorter, then the connection closes: an I/O error, not a truncated document.
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: 100\r\n\r\n{\"Username\":\"u\"";
    let server = Server::plans(vec![Plan::raw(head, Step::Close)]).await;
    let err = get_user(&cognito_client(&server.url)).await.expect_err("short body");
    assert_eq!(dispatch_kind(&err), Some(cognito::error::ConnectorErrorKind::Io), "{}", DisplayErrorContext(&err));
    assert_eq!(server.recorded().len(), 1);
    // Longer: only Content-Length bytes are the body; the rest does not leak into the next
    // response on the same connection.
    let mut long = response_bytes(200, &[("content-type", "application/x-amz-json-1.1")], USER.as_bytes());
    long.extend_from_slice(b"HTTP/1.1 500 Injected\r\ncontent-length: 0\r\n\r\n");
    let server = Server::plans(vec![Plan::raw(&long, Step::Sleep(Duration::ZERO)), Plan::json(200, USER)]).await;
    let client = cognito_client(&server.url);
    let first = get_user(&client).await.expect("the first Content-Length bytes are a whole document");
    assert_eq!(first.username(), "u");
    let second = get_user(&client).await;
    assert!(second.is_ok(), "the extra bytes were taken as the second response: {:?}", second.err().map(|e| DisplayErrorContext(e).to_string()));
    assert_eq!(server.recorded().len(), 2);
}

#[tokio::test]
async fn enormous_declared_lengths_and_hostile_heads() {
    let rss_before = reliability::memory::rss_kib().unwrap_or(0);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("Content-Length beyond u64", b"HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999999\r\n\r\n{}".to_vec()),
        ("a terabyte declared, 2 bytes sent", b"HTTP/1.1 200 OK\r\ncontent-length: 1000000000000\r\n\r\n{}".to_vec()),
        ("negative Content-Length", b"HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n{}".to_vec()),
        ("two different Content-Lengths", b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}abc".to_vec()),
        ("a control character in a header value", b"HTTP/1.1 200 OK\r\nx-amzn-requestid: a\x01b\r\ncontent-length: 2\r\n\r\n{}".to_vec()),
        ("a bare CR in a header value", b"HTTP/1.1 200 OK\r\nx-amzn-requestid: a\rb\r\ncontent-length: 2\r\n\r\n{}".to_vec()),
        ("not HTTP at all", b"garbage garbage\r\n\r\n".to_vec()),
        ("a status line without a code", b"HTTP/1.1 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec()),
        ("a 1 MiB header", [&b"HTTP/1.1 200 OK\r\nx-big: "[..], &vec![b'a'; 1 << 20], b"\r\ncontent-length: 2\r\n\r\n{}"].concat()),
    ];
    for (what, bytes) in cases {
        let server = Server::plans(vec![Plan::raw(&bytes, Step::Close)]).await;
        let result = get_user(&cognito_client(&server.url)).await;
        let err = result.expect_err(what);
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{what}: {}", DisplayErrorContext(&err));
        assert_eq!(server.recorded().len(), 1, "{what}: not re-sent");
    }
    // A large header within hyper's limits (100 KiB) is accepted.
    let big = [&b"HTTP/1.1 200 OK\r\nx-big: "[..], &vec![b'a'; 100 * 1024], b"\r\ncontent-length: 2\r\n\r\n{}"].concat();
    let server = Server::plans(vec![Plan::raw(&big, Step::Close)]).await;
    get_user(&cognito_client(&server.url)).await.expect("a 100 KiB header is a header");
    let grown = reliability::memory::rss_kib().unwrap_or(0).saturating_sub(rss_before);
    assert!(grown < 64 * 1024, "declared lengths allocated memory: RSS grew {grown} KiB");
}

#[tokio::test]
async fn an_unresolvable_host_is_a_connect_failure() {
    let client = cognito_client("http://smithy-lite-reliability.invalid");
    let start = Instant::now();
    let err = get_user(&client).await.expect_err("no such host");
    assert_eq!(dispatch_kind(&err), Some(cognito::error::ConnectorErrorKind::Connect), "{}", DisplayErrorContext(&err));
    // Three attempts (a failure to connect is always retried), each as slow as the resolver.
    assert!(start.elapsed() < Duration::from_secs(60), "{:?}", start.elapsed());
}

/// A self-signed certificate for `localhost`, made with the `openssl` command line tool.
fn self_signed(dir: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then_some((cert, key))
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_clear_error_and_not_retried() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let dir = std::env::temp_dir().join(format!("smithy-lite-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let Some((cert, key)) = self_signed(&dir) else {
        eprintln!("skipped: the `openssl` command is not available to make a certificate");
        return;
    };
    let certs = vec![CertificateDer::from_pem_file(&cert).expect("cert")];
    let key = PrivateKeyDer::from_pem_file(&key).expect("key");
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let count = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                if let Ok(mut tls) = acceptor.accept(socket).await {
                    let _ = tls.write_all(&response_bytes(200, &[], USER.as_bytes())).await;
                }
            });
        }
    });
    let client = cognito_client(&format!("https://localhost:{port}"));
    let err = get_user(&client).await.expect_err("the certificate is not trusted");
    let text = DisplayErrorContext(&err).to_string();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{text}");
    assert!(text.contains("certificate"), "the error says why: {text}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "a certificate the client does not trust is not retried: {text}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A server whose clock is `skew` away from ours: requests signed more than 5 minutes away
/// from its time get `code` (403) with its `Date`.
async fn skewed_server(skew: Duration, ahead: bool, code: &'static str) -> Server {
    Server::start(
        move |_, request| {
            let server_now = if ahead { SystemTime::now() + skew } else { SystemTime::now() - skew };
            let date = cognito::primitives::DateTime::from_system_time(server_now).fmt(cognito::primitives::DateTimeFormat::HttpDate);
            let signed = request.and_then(|r| r.header("x-amz-date")).map(str::to_string).unwrap_or_default();
            let signed_at = cognito::primitives::DateTime::from_str(
                &format!("{}-{}-{}T{}:{}:{}Z", &signed.get(0..4).unwrap_or("0"), &signed.get(4..6).unwrap_or("0"), &signed.get(6..8).unwrap_or("0"), &signed.get(9..11).unwrap_or("0"), &signed.get(11..13).unwrap_or("0"), &signed.get(13..15).unwrap_or("0")),
                cognito::primitives::DateTimeFormat::DateTime,
            );
            let within = signed_at.ok().is_some_and(|t| (t.secs() - cognito::primitives::DateTime::from_system_time(server_now).secs()).abs() < 300);
            let date_header = [("date", date.as_str()), ("content-type", "application/x-amz-json-1.1")];
            if within {
                Plan::respond(200, &date_header, br#"{"Username":"u","UserAttributes":[]}"#)
            } else {
                let body = format!("{{\"__type\":\"{code}\",\"message\":\"Signature expired: the request time is too far from the server time\"}}");
                Plan::respond(403, &date_header, body.as_bytes())
            }
        },
        true,
    )
    .await
}

#[tokio::test]
async fn a_clock_skew_answer_corrects_the_clock_and_is_retried() {
    for (skew, ahead, code) in [(7200, true, "RequestTimeTooSkewed"), (86_400, false, "SignatureDoesNotMatch"), (900, true, "InvalidSignatureException")] {
        let server = skewed_server(Duration::from_secs(skew), ahead, code).await;
        let client = cognito_client(&server.url);
        let out = client.admin_get_user().user_pool_id("p").username("u").send().await.unwrap_or_else(|e| panic!("{code}: {}", DisplayErrorContext(&e)));
        assert_eq!(out.response_metadata().attempts(), 2, "{code}");
        // The offset is kept: the next call is signed with the server's time at once.
        let out = client.admin_get_user().user_pool_id("p").username("u").send().await.expect("second call");
        assert_eq!(out.response_metadata().attempts(), 1, "{code}");
        assert_eq!(server.recorded().len(), 3, "{code}");
    }
}

#[tokio::test]
async fn a_signature_error_from_a_server_with_the_right_time_is_not_retried() {
    let server = Server::plans(vec![Plan::json_error(403, "SignatureDoesNotMatch")]).await;
    let err = cognito_client(&server.url).admin_get_user().user_pool_id("p").username("u").send().await.expect_err("a bad signature");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(server.recorded().len(), 1, "no Date header far off: not a clock problem, not retried");
}

#[tokio::test]
async fn a_throttling_storm_empties_the_retry_bucket_and_calls_fail_fast() {
    let server = Server::plans(vec![Plan::json_error(400, "ThrottlingException")]).await;
    let client = cognito_client(&server.url);
    let mut attempts = Vec::new();
    let mut late = Duration::ZERO;
    for i in 0..200 {
        let start = Instant::now();
        let err = client.admin_get_user().user_pool_id("p").username("u").send().await.expect_err("throttled");
        assert_eq!(err.code(), Some("ThrottlingException"));
        attempts.push(err.meta().attempts().unwrap_or(0));
        if i >= 50 {
            late += start.elapsed();
        }
    }
    // 500 tokens, 5 per retry: the first 50 calls take 2 retries each, then the bucket is empty.
    assert!(attempts[..50].iter().all(|&a| a == 3), "{attempts:?}");
    assert!(attempts[50..].iter().all(|&a| a == 1), "{attempts:?}");
    assert_eq!(server.recorded().len(), 50 * 3 + 150, "server hits");
    assert!(late < Duration::from_secs(5), "calls after the bucket ran dry do not back off: {late:?} for 150 calls");
}

#[tokio::test]
async fn streaming_uploads_are_resent_only_when_replayable() {
    use fixture_streaming::primitives::ByteStream;
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let path = std::env::temp_dir().join(format!("smithy-lite-upload-{}", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    // A file body is replayable: the @idempotent upload is retried and the server gets it twice.
    let server = Server::plans(vec![Plan::reset_after_read(), Plan::respond(200, &[], b"{}")]).await;
    let client = streaming_client(&server.url, Duration::from_secs(5));
    let body = ByteStream::from_path(&path).await.unwrap();
    let out = client.upload_object().key("k").body(body).send().await.expect("retried with the file read again");
    assert_eq!(out.response_metadata().attempts(), 2);
    let recorded = server.recorded();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|r| r.body == data));
    // A one-shot stream of a signed operation is read into memory to be hashed, which makes it
    // replayable (the unsigned one-shot case, sent once and never again, is the runtime's unit
    // test `replayable_bodies_are_resent_and_consumed_one_shot_bodies_are_not`).
    let server = Server::plans(vec![Plan::reset_after_read(), Plan::respond(200, &[], b"{}")]).await;
    let client = streaming_client(&server.url, Duration::from_secs(5));
    let stream = Chunks::new(&data, Some(data.len() as u64));
    let out = client.upload_object().key("k").body(ByteStream::from_body_1_x(stream)).send().await.expect("retried from memory");
    assert_eq!(out.response_metadata().attempts(), 2);
    assert!(server.recorded().iter().all(|r| r.body == data) && server.recorded().len() == 2);
    // A stream of unknown length: the @requiresLength member refuses it before sending.
    let server = Server::plans(vec![Plan::respond(200, &[], b"{}")]).await;
    let client = streaming_client(&server.url, Duration::from_secs(5));
    let err = client.upload_object().key("k").body(ByteStream::from_body_1_x(Chunks::new(&data, None))).send().await.expect_err("unknown length");
    assert!(matches!(err, fixture_streaming::error::SdkError::ConstructionFailure(_)), "{}", fixture_streaming::error::DisplayErrorContext(&err));
    assert_eq!(server.recorded().len(), 0, "refused before anything was sent");
    let _ = std::fs::remove_file(path);
}

/// A one-shot body of chunks, with or without an exact size hint.
struct Chunks {
    chunks: std::collections::VecDeque<bytes::Bytes>,
    exact: Option<u64>,
}

impl Chunks {
    fn new(data: &[u8], exact: Option<u64>) -> Self {
        Chunks { chunks: data.chunks(10_000).map(bytes::Bytes::copy_from_slice).collect(), exact }
    }
}

impl http_body::Body for Chunks {
    type Data = bytes::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(self.get_mut().chunks.pop_front().map(|c| Ok(http_body::Frame::data(c))))
    }
    fn size_hint(&self) -> http_body::SizeHint {
        match self.exact {
            Some(n) => http_body::SizeHint::with_exact(n),
            None => http_body::SizeHint::default(),
        }
    }
}
