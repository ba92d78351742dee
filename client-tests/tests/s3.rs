//! S3's particulars against the generated `s3` crate (GetObject, PutObject, CopyObject,
//! CompleteMultipartUpload) and its `MockHttpClient`: presigned requests (checked by an
//! independent SigV4 computation), flexible checksums and the payload hash header, errors in
//! 200 responses, and the lenient `Expires` header.

use s3::config::mock::{MockHttpClient, MockResponse};
use s3::presigning::{PresigningConfig, PresigningConfigError};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let inner = Sha256::new().chain_update(block.map(|b| b ^ 0x36)).chain_update(data).finalize();
    Sha256::new().chain_update(block.map(|b| b ^ 0x5c)).chain_update(inner).finalize().to_vec()
}

fn client(mock: &MockHttpClient) -> s3::Client {
    let config = mock
        .config_builder()
        .endpoint_url("https://s3.amazonaws.com")
        .credentials_provider(s3::config::Credentials::new(KEY, SECRET, None, None, "test"))
        .build();
    s3::Client::from_conf(config)
}

#[tokio::test]
async fn presigned_get_object_is_signed_in_the_query_and_sends_nothing() {
    let mock = MockHttpClient::new();
    let start = UNIX_EPOCH + Duration::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
    let config = PresigningConfig::builder().expires_in(Duration::from_secs(86_400)).start_time(start).build().unwrap();
    let presigned = client(&mock).get_object().bucket("examplebucket").key("test.txt").presigned(config).await.expect("presigned");
    assert!(mock.requests().is_empty(), "presigning sends nothing");
    assert_eq!(presigned.method(), "GET");
    let uri = presigned.uri();
    let prefix = "https://examplebucket.s3.amazonaws.com/test.txt?";
    assert!(uri.starts_with(prefix), "{uri}");
    let (query, signature) = uri[prefix.len()..].rsplit_once("&X-Amz-Signature=").expect("signature last");
    assert_eq!(
        query,
        "x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    );
    // The signature, computed independently: sorted query, `host` only, UNSIGNED-PAYLOAD.
    let mut params: Vec<&str> = query.split('&').collect();
    params.sort();
    let canonical = format!("GET\n/test.txt\n{}\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD", params.join("&"));
    let to_sign = format!("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), b"20130524");
    for part in ["us-east-1", "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    assert_eq!(signature, hex(&hmac(&key, to_sign.as_bytes())));
    let request = presigned.into_http_1x_request(());
    assert_eq!(request.uri().host(), Some("examplebucket.s3.amazonaws.com"));
    // At most 7 days.
    assert_eq!(PresigningConfig::expires_in(Duration::from_secs(7 * 86_400 + 1)).unwrap_err(), PresigningConfigError::ExpiresInDurationTooLong);
    let now = PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();
    assert!(now.start_time() <= SystemTime::now());
}

#[tokio::test]
async fn presigned_put_object_signs_the_headers_it_needs() {
    let mock = MockHttpClient::new();
    let config = PresigningConfig::expires_in(Duration::from_secs(900)).unwrap();
    let presigned = client(&mock)
        .put_object()
        .bucket("examplebucket")
        .key("a b/c.txt")
        .content_type("text/plain")
        .presigned(config)
        .await
        .expect("presigned");
    assert_eq!(presigned.method(), "PUT");
    assert!(presigned.uri().starts_with("https://examplebucket.s3.amazonaws.com/a%20b/c.txt?x-id=PutObject&"), "{}", presigned.uri());
    assert!(presigned.uri().contains("X-Amz-SignedHeaders=content-type%3Bhost&"), "{}", presigned.uri());
    assert_eq!(presigned.headers().collect::<Vec<_>>(), vec![("content-type", "text/plain")]);
}

#[tokio::test]
async fn put_object_sends_a_crc32_by_default_the_chosen_checksum_and_the_payload_hash() {
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, "")).with_response(MockResponse::new(200, ""));
    let client = client(&mock);
    client.put_object().bucket("b").key("k").body(s3::primitives::ByteStream::from(b"Hello world".to_vec())).send().await.expect("put");
    client
        .put_object()
        .bucket("b")
        .key("k")
        .checksum_algorithm(s3::types::ChecksumAlgorithm::Sha256)
        .body(s3::primitives::ByteStream::from(b"Hello world".to_vec()))
        .send()
        .await
        .expect("put");
    let requests = mock.requests();
    assert_eq!(requests[0].header("x-amz-checksum-crc32"), Some("i9aeUg=="));
    assert_eq!(requests[0].header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(requests[0].header("x-amz-content-sha256"), Some(hex(&Sha256::digest(b"Hello world")).as_str()));
    let auth = requests[0].header("authorization").unwrap();
    assert!(auth.contains("x-amz-checksum-crc32;x-amz-content-sha256;x-amz-date"), "{auth}");
    assert_eq!(requests[1].header("x-amz-checksum-sha256"), Some("ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="));
    assert_eq!(requests[1].header("x-amz-sdk-checksum-algorithm"), Some("SHA256"));
    assert_eq!(requests[1].header("x-amz-checksum-crc32"), None);
}

const ERROR_200: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>R1</RequestId></Error>";

#[tokio::test]
async fn copy_object_error_in_a_200_response_is_retried_then_an_error() {
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, ERROR_200)).with_response(MockResponse::new(200, ERROR_200));
    let config = mock
        .config_builder()
        .endpoint_url("https://s3.amazonaws.com")
        .retry_config(s3::config::retry::RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::ZERO).with_max_backoff(Duration::ZERO))
        .build();
    let err = s3::Client::from_conf(config).copy_object().bucket("b").key("k").copy_source("src/k").send().await.expect_err("an error");
    use s3::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("SlowDown"));
    assert_eq!(err.message(), Some("Please reduce your request rate."));
    assert_eq!(mock.requests().len(), 2, "retried as a server error");
    // An error, then the real result.
    let ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>";
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, ERROR_200)).with_response(MockResponse::new(200, ok));
    let out = client(&mock).copy_object().bucket("b").key("k").copy_source("src/k").send().await.expect("retried");
    assert_eq!(out.copy_object_result().and_then(|r| r.e_tag()), Some("\"e\""));
}

#[tokio::test]
async fn complete_multipart_upload_error_in_a_200_response() {
    let body = "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>";
    let mock = MockHttpClient::new().with_response(MockResponse::new(200, body)).with_response(MockResponse::new(200, body)).with_response(MockResponse::new(200, body));
    let err = client(&mock).complete_multipart_upload().bucket("b").key("k").upload_id("u").send().await.expect_err("an error");
    use s3::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("InternalError"));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(200));
}

#[tokio::test]
async fn get_object_reads_an_unparseable_expires_as_unset() {
    let mock = MockHttpClient::new()
        .with_response(MockResponse::new(200, "data").header("expires", "not a date").header("content-length", "4"))
        .with_response(MockResponse::new(200, "data").header("expires", "Wed, 21 Oct 2015 07:28:00 GMT"));
    let client = client(&mock);
    let out = client.get_object().bucket("b").key("k").send().await.expect("an unparseable Expires is not an error");
    assert_eq!(out.expires(), None);
    assert_eq!(out.expires_string(), Some("not a date"), "the text is kept, as aws-sdk-rust's ExpiresString");
    assert_eq!(out.body.collect().await.unwrap().into_bytes().as_ref(), b"data");
    let out = client.get_object().bucket("b").key("k").send().await.expect("get");
    assert_eq!(out.expires().map(|t| t.secs()), Some(1_445_412_480));
    assert_eq!(out.expires_string(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
}
