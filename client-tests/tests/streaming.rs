//! Streaming uploads and downloads through the default hyper client and a loopback server,
//! with a crate generated from the streaming fixture (codegen/tests/fixtures/streaming.json):
//! `UploadObject` (a `@streaming @requiresLength` payload) and `GetObject` (a `@streaming`
//! output payload).

use client_tests::{verify_sigv4, Canned, Server};
use fixture_streaming::config::Credentials;
use fixture_streaming::error::SdkError;
use fixture_streaming::primitives::ByteStream;
use std::sync::Arc;

fn client(url: &str) -> fixture_streaming::Client {
    let config = fixture_streaming::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .build();
    fixture_streaming::Client::from_conf(config)
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn uploads_a_file_in_chunks_with_content_length_and_a_valid_signature() {
    let bytes = data(300_000);
    let path = std::env::temp_dir().join(format!("smithy-lite-upload-{}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let server = Server::start(vec![Canned::new(200, r#"{"size":300000}"#).header("ETag", "\"e1\"").header("content-type", "application/json")]).await;
    let body = ByteStream::read_from().path(&path).buffer_size(16 * 1024).build().await.unwrap();
    let out = client(&server.url).upload_object().key("big.bin").body(body).send().await.expect("upload");
    assert_eq!((out.size(), out.e_tag()), (Some(300_000), Some("\"e1\"")));
    let req = &server.requests()[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("PUT", "/objects/big.bin"));
    assert_eq!(req.header("content-length"), Some("300000"));
    assert_eq!(req.header("content-type"), Some("application/octet-stream"));
    assert!(req.body == bytes, "the file arrived whole");
    // The signature covers the SHA-256 of the streamed bytes (checked independently here).
    let signed = verify_sigv4(req, "AKID", "SECRET", "us-east-1", "objects");
    assert!(signed.contains(&"content-length".to_string()), "{signed:?}");
    let _ = std::fs::remove_file(path);
}

/// A body of unknown length.
struct Unsized(Option<bytes::Bytes>);
impl http_body::Body for Unsized {
    type Data = bytes::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(self.get_mut().0.take().map(|b| Ok(http_body::Frame::data(b))))
    }
}

#[tokio::test]
async fn requires_length_refuses_a_stream_of_unknown_length_before_sending() {
    let server = Server::start(vec![Canned::new(200, "{}")]).await;
    let body = ByteStream::from_body_1_x(Unsized(Some(bytes::Bytes::from_static(b"data"))));
    let err = client(&server.url).upload_object().key("k").body(body).send().await.expect_err("refused");
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(format!("{}", fixture_streaming::error::DisplayErrorContext(&err)).contains("@requiresLength"));
    assert!(server.requests().is_empty(), "nothing was sent");
    // A one-shot stream with an exact size hint is accepted (and read into memory to sign it).
    let body = ByteStream::from_body_1_x(http_body_full(b"hello"));
    client(&server.url).upload_object().key("k").body(body).send().await.expect("sent");
    assert_eq!(server.requests()[0].body, b"hello");
    assert_eq!(server.requests()[0].header("content-length"), Some("5"));
}

/// A one-chunk body with an exact size hint.
fn http_body_full(bytes: &'static [u8]) -> impl http_body::Body<Data = bytes::Bytes, Error = std::io::Error> + Send + Sync + 'static {
    struct Full(Option<bytes::Bytes>);
    impl http_body::Body for Full {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
            std::task::Poll::Ready(self.get_mut().0.take().map(|b| Ok(http_body::Frame::data(b))))
        }
        fn size_hint(&self) -> http_body::SizeHint {
            http_body::SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
        }
    }
    Full(Some(bytes::Bytes::from_static(bytes)))
}

#[tokio::test]
async fn downloads_are_read_as_they_arrive() {
    let bytes = data(100_000);
    let gate = Arc::new(tokio::sync::Notify::new());
    let canned = Canned::bytes(200, bytes.clone()).header("content-type", "application/x-test").gated(1_000, gate.clone());
    let server = Server::start(vec![canned]).await;
    // `send` returns as soon as the headers are in: the server still holds most of the body.
    let mut out = client(&server.url).get_object().key("k").send().await.expect("download");
    assert_eq!((out.content_type(), out.content_length()), (Some("application/x-test"), Some(100_000)));
    let first = out.body.try_next().await.unwrap().expect("a first chunk");
    assert!(!first.is_empty() && first.len() <= 1_000, "only what was sent so far: {}", first.len());
    assert_eq!(&first[..], &bytes[..first.len()]);
    gate.notify_one();
    let rest = out.body.collect().await.unwrap().into_bytes();
    assert_eq!(first.len() + rest.len(), bytes.len());
    assert!(rest[..] == bytes[first.len()..]);
}

#[tokio::test]
async fn download_errors_are_read_whole_and_classified() {
    let server = Server::start(vec![Canned::new(404, r#"{"message":"no such key"}"#).header("x-amzn-errortype", "NoSuchKey").header("content-type", "application/json")]).await;
    let err = client(&server.url).get_object().key("missing").send().await.expect_err("404");
    let err = err.into_service_error();
    assert!(err.is_no_such_key(), "{err:?}");
    assert_eq!(fixture_streaming::error::ProvideErrorMetadata::message(&err), Some("no such key"));
}
