//! A mock transport for users' own tests: answers with canned responses and records every
//! request. `MockHttpClient::config()` gives a configuration that needs no region, credentials
//! or network. Streaming request bodies are read whole and recorded; a response can be served in
//! several chunks ([`MockResponse::chunked`]) to test incremental reads of streaming outputs.

use super::config::{Builder, Config};
use super::credentials::Credentials;
use super::error::{ConnectorError, HttpResponse, MessageError};
use super::http::{BoxFuture, HttpClient, HttpRequest, StreamingRequest, StreamingResponse};
use super::primitives::ByteStream;
use super::retry::RetryConfig;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A canned response (or transport failure).
#[derive(Clone, Debug)]
pub struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    chunks: Option<Vec<Vec<u8>>>,
    fail: Option<String>,
}

impl MockResponse {
    /// A response with a JSON (or any) body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        MockResponse { status, headers: Vec::new(), body: body.into(), chunks: None, fail: None }
    }
    /// A response whose body arrives in these chunks: a streaming output reads them one by one
    /// (a buffered call gets them joined).
    pub fn chunked<C: Into<Vec<u8>>>(status: u16, chunks: impl IntoIterator<Item = C>) -> Self {
        let chunks: Vec<Vec<u8>> = chunks.into_iter().map(Into::into).collect();
        MockResponse { status, headers: Vec::new(), body: chunks.concat(), chunks: Some(chunks), fail: None }
    }
    /// A modelled error: `{"__type": code, "message": message}` with the given status.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        let mut body = String::new();
        let mut o = super::json::ObjectWriter::new(&mut body);
        o.key("__type").string(code);
        o.key("message").string(message);
        o.finish();
        MockResponse::new(status, body)
    }
    /// A connection that fails before any response (an IO error).
    pub fn io_error(message: &str) -> Self {
        MockResponse { status: 0, headers: Vec::new(), body: Vec::new(), chunks: None, fail: Some(message.to_string()) }
    }
    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A request the mock received.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `POST` for every awsJson call.
    pub method: String,
    /// The full URI.
    pub uri: String,
    /// All headers.
    pub headers: http::HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// A header value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The body as text.
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("<binary>")
    }
}

#[derive(Debug, Default)]
struct State {
    responses: VecDeque<MockResponse>,
    last: Option<MockResponse>,
    requests: Vec<RecordedRequest>,
}

/// Answers requests with queued responses, in order; the last one repeats.
#[derive(Clone, Debug, Default)]
pub struct MockHttpClient {
    state: Arc<Mutex<State>>,
}

impl MockHttpClient {
    /// A mock with no responses yet (it answers `{}` with status 200).
    pub fn new() -> Self {
        Self::default()
    }
    /// Queues a response.
    pub fn with_response(self, response: MockResponse) -> Self {
        if let Ok(mut state) = self.state.lock() {
            state.responses.push_back(response);
        }
        self
    }
    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().map(|s| s.requests.clone()).unwrap_or_default()
    }
    /// A configuration builder using this mock, with a fixed region, test credentials, no
    /// environment lookups and retries without delay.
    pub fn config_builder(&self) -> Builder {
        Config::builder()
            .ignore_environment()
            .region("us-east-1")
            .endpoint_url("http://mock.invalid")
            .credentials_provider(Credentials::new("AKIDMOCK", "mock-secret", None, None, "MockHttpClient"))
            .retry_config(RetryConfig::standard().with_initial_backoff(Duration::ZERO).with_max_backoff(Duration::ZERO))
            .http_client(self.clone())
    }
    /// [`config_builder`](Self::config_builder), built.
    pub fn config(&self) -> Config {
        self.config_builder().build()
    }
}

impl MockHttpClient {
    /// Records a request and picks its response.
    fn answer(&self, recorded: RecordedRequest) -> Result<MockResponse, ConnectorError> {
        let next = match self.state.lock() {
            Ok(mut state) => {
                state.requests.push(recorded);
                let next = state.responses.pop_front().or_else(|| state.last.clone());
                if let Some(n) = &next {
                    state.last = Some(n.clone());
                }
                next
            }
            Err(_) => None,
        };
        let response = next.unwrap_or_else(|| MockResponse::new(200, "{}"));
        if let Some(message) = response.fail {
            return Err(ConnectorError::io(MessageError(message)));
        }
        Ok(response)
    }
}

fn headers_of(response: &MockResponse) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (k, v) in &response.headers {
        if let (Ok(name), Ok(value)) = (http::HeaderName::try_from(k.as_str()), http::HeaderValue::try_from(v.as_str())) {
            headers.append(name, value);
        }
    }
    headers
}

impl HttpClient for MockHttpClient {
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
        let (parts, body) = request.into_parts();
        let recorded = RecordedRequest { method: parts.method.to_string(), uri: parts.uri.to_string(), headers: parts.headers, body };
        let answer = self.answer(recorded);
        Box::pin(async move {
            let response = answer?;
            Ok(HttpResponse::new(response.status, headers_of(&response), response.body))
        })
    }

    fn call_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.map_err(ConnectorError::io)?.to_vec();
            let recorded = RecordedRequest { method: parts.method.to_string(), uri: parts.uri.to_string(), headers: parts.headers, body };
            let response = self.answer(recorded)?;
            let body = match &response.chunks {
                Some(chunks) => ByteStream::from_chunks(chunks.iter().map(|c| bytes::Bytes::from(c.clone()))),
                None => ByteStream::new(response.body.clone()),
            };
            let mut out = http::Response::new(body);
            *out.status_mut() = http::StatusCode::from_u16(response.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            *out.headers_mut() = headers_of(&response);
            Ok(out)
        })
    }
}
