//! The HTTP transport seam: a small trait over `http` types, and the default HTTPS client.
//!
//! Users who bring their own HTTP stack build the crate with `default-features = false` and
//! implement [`HttpClient`]; nothing else in the client depends on a particular HTTP library.
//!
//! Streaming: operations with a `@streaming` blob payload send and receive
//! [`ByteStream`] bodies through [`HttpClient::call_streaming`]. Its default implementation
//! buffers (collects the request body, calls [`HttpClient::call`], wraps the response body), so
//! a transport that implements only `call` still works for every operation; the default client
//! streams both ways. Operations without streaming members always use `call`.

use super::error::{ConnectorError, HttpResponse};
use super::primitives::ByteStream;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A boxed future that can be sent between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An outgoing request: method, URI, headers and a fully buffered body.
pub type HttpRequest = http::Request<Vec<u8>>;

/// An outgoing request whose body is a [`ByteStream`] (bytes, a file read in chunks, or a
/// stream).
pub type StreamingRequest = http::Request<ByteStream>;

/// A response whose body is read incrementally.
pub type StreamingResponse = http::Response<ByteStream>;

/// A serialised operation request before an endpoint is chosen: what a protocol codec
/// produces from an input. The orchestrator joins `uri` to the endpoint (or to `endpoint_url`
/// when the operation sets one), prepends `host_prefix` to its host, and adds the headers every
/// request carries.
#[derive(Clone, Debug)]
pub struct RequestParts {
    /// The HTTP method.
    pub method: http::Method,
    /// Path and query, starting with `/`, percent-encoded.
    pub uri: String,
    /// Protocol headers (content type, bound members).
    pub headers: http::HeaderMap,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
    /// A streaming body (a `@streaming` payload from a file or a stream), sent instead of
    /// `body`. In-memory streaming payloads are put in `body` instead.
    pub stream: Option<ByteStream>,
    /// An `@endpoint` host prefix such as `data.` or `foo.bar.`.
    pub host_prefix: Option<String>,
    /// A URL (scheme, host, optional base path) the request goes to instead of the resolved
    /// endpoint's URL, for operations whose input names their endpoint (Machine Learning's
    /// `Predict`). Endpoint headers and the signing scope still come from the resolved endpoint.
    pub endpoint_url: Option<String>,
    /// Endpoint rule-set parameters read from the input (`@contextParam`,
    /// `@operationContextParams`); the operation's static ones are in its `OperationSpec`.
    pub endpoint_params: super::endpoint::Params,
    /// The request checksum algorithm the caller chose (`aws.protocols#httpChecksum`'s
    /// `requestAlgorithmMember`), such as `CRC32`.
    pub checksum_algorithm: Option<String>,
    /// Whether the caller asked for the response checksum to be validated
    /// (`requestValidationModeMember` set to `ENABLED`).
    pub validate_response_checksum: bool,
}

impl RequestParts {
    /// A request with no headers and no body.
    pub fn new(method: http::Method, uri: impl Into<String>) -> Self {
        RequestParts {
            method,
            uri: uri.into(),
            headers: http::HeaderMap::new(),
            body: Vec::new(),
            stream: None,
            host_prefix: None,
            endpoint_url: None,
            endpoint_params: Default::default(),
            checksum_algorithm: None,
            validate_response_checksum: false,
        }
    }
    /// Adds a header; a value that is not a valid header value is an error naming the header.
    pub fn header(&mut self, name: &'static str, value: &str) -> Result<(), String> {
        let v = http::HeaderValue::try_from(value).map_err(|_| format!("invalid value for header `{name}`"))?;
        self.headers.append(http::HeaderName::from_static(name), v);
        Ok(())
    }
}

/// Sends one HTTP request and returns the whole response.
///
/// Implementations classify failures with [`ConnectorError::connect`] (the request never left,
/// always safe to retry), [`ConnectorError::io`] (it may have reached the server) and
/// [`ConnectorError::timeout`].
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request`.
    fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>>;

    /// Sends a request with a streaming body and returns the response without reading its
    /// body. Used only by operations with `@streaming` members. The default implementation
    /// buffers: it reads the request body into memory (a failure to read it is an `other`
    /// error), calls [`call`](Self::call) and returns the buffered response body as a stream.
    fn call_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.map_err(ConnectorError::other)?.to_vec();
            let response = self.call(http::Request::from_parts(parts, body)).await?;
            Ok(streaming_response(response))
        })
    }
}

/// A buffered response as a [`StreamingResponse`].
pub fn streaming_response(response: HttpResponse) -> StreamingResponse {
    let (status, headers, body) = response.into_parts();
    let mut out = http::Response::new(ByteStream::new(body));
    *out.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    *out.headers_mut() = headers;
    out
}

#[cfg(feature = "default-https-client")]
pub use default_client::DefaultHttpClient;

#[cfg(feature = "default-https-client")]
mod default_client {
    use super::super::stalled_stream::{StallGuard, StalledStreamProtectionConfig};
    use super::*;
    use http_body_util::BodyExt;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    use std::time::Duration;

    type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

    /// The default client: hyper 1 (HTTP/1.1, pooled keep-alive) over rustls with the `ring`
    /// provider and the Mozilla root store compiled in (no C toolchain beyond `cc`, no cmake,
    /// no system certificates needed). Plain `http://` is allowed for local endpoints.
    ///
    /// Response bodies are watched by stalled-stream protection (on by default, see
    /// [`with_stalled_stream_protection`](Self::with_stalled_stream_protection)). A server
    /// certificate that does not verify is a transport error that is never retried (the same
    /// certificate would fail again), with rustls's reason in its message.
    #[derive(Clone)]
    pub struct DefaultHttpClient {
        client: Client<Connector, ByteStream>,
        stalled_stream: StalledStreamProtectionConfig,
    }

    impl fmt::Debug for DefaultHttpClient {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("DefaultHttpClient")
        }
    }

    impl DefaultHttpClient {
        /// Builds a client; `connect_timeout` bounds TCP connection set-up.
        pub fn new(connect_timeout: Option<Duration>) -> Result<Self, ConnectorError> {
            let mut http = HttpConnector::new();
            http.enforce_http(false);
            http.set_nodelay(true);
            http.set_connect_timeout(connect_timeout);
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                .map_err(ConnectorError::other)?
                .https_or_http()
                .enable_http1()
                .wrap_connector(http);
            let client = Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .build(https);
            Ok(DefaultHttpClient { client, stalled_stream: StalledStreamProtectionConfig::default() })
        }

        /// Watches response bodies with this stalled-stream protection (the client built from a
        /// `Config` takes the config's).
        pub fn with_stalled_stream_protection(mut self, config: StalledStreamProtectionConfig) -> Self {
            self.stalled_stream = config;
            self
        }
    }

    /// The rustls error (a certificate that does not verify, a handshake refused) among the
    /// causes of a connection failure, if any.
    fn tls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
        let mut next = Some(error);
        while let Some(e) = next {
            if let Some(tls) = e.downcast_ref::<rustls::Error>() {
                return Some(tls);
            }
            // An I/O error's `source()` skips the error it wraps: look inside it instead
            // (hyper-rustls nests rustls's error in two of them).
            next = match e.downcast_ref::<std::io::Error>() {
                Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
                None => e.source(),
            };
        }
        None
    }

    /// A TLS handshake failure: the server's certificate (or its handshake) was refused.
    #[derive(Debug)]
    pub struct TlsError(rustls::Error);

    impl fmt::Display for TlsError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "TLS handshake failed: {}", self.0)
        }
    }

    impl std::error::Error for TlsError {}

    impl DefaultHttpClient {
        async fn send(&self, request: StreamingRequest) -> Result<http::Response<hyper::body::Incoming>, ConnectorError> {
            self.client.request(request).await.map_err(|e| {
                if let Some(tls) = tls_error(&e) {
                    // Deterministic: retrying the handshake would fail the same way.
                    ConnectorError::other(TlsError(tls.clone()))
                } else if e.is_connect() {
                    ConnectorError::connect(e)
                } else {
                    ConnectorError::io(e)
                }
            })
        }
    }

    impl HttpClient for DefaultHttpClient {
        fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
            Box::pin(async move {
                let (parts, body) = request.into_parts();
                let response = self.send(http::Request::from_parts(parts, ByteStream::new(body))).await?;
                let (parts, body) = response.into_parts();
                let body = StallGuard::new(body, self.stalled_stream).collect().await.map_err(|e| {
                    if super::super::stalled_stream::is_stalled(e.as_ref()) {
                        ConnectorError::timeout(e)
                    } else {
                        ConnectorError::io(e)
                    }
                })?;
                let body = body.to_bytes();
                Ok(HttpResponse::new(parts.status.as_u16(), parts.headers, body.into()))
            })
        }

        /// Streams both ways: the request body is polled as hyper sends it (a file is read in
        /// chunks), and the response body is hyper's `Incoming`, polled as the caller reads.
        fn call_streaming(&self, request: StreamingRequest) -> BoxFuture<'_, Result<StreamingResponse, ConnectorError>> {
            Box::pin(async move {
                let response = self.send(request).await?;
                let stalled_stream = self.stalled_stream;
                Ok(response.map(|body| ByteStream::from_body_1_x(StallGuard::new(body, stalled_stream))))
            })
        }
    }
}
