//! The HTTP transport seam: a small trait over `http` types, and the default HTTPS client.
//!
//! Users who bring their own HTTP stack build the crate with `default-features = false` and
//! implement [`HttpClient`]; nothing else in the client depends on a particular HTTP library.

use super::error::{ConnectorError, HttpResponse};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A boxed future that can be sent between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An outgoing request: method, URI, headers and a fully buffered body.
pub type HttpRequest = http::Request<Vec<u8>>;

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
    /// An `@endpoint` host prefix such as `data.` or `foo.bar.`.
    pub host_prefix: Option<String>,
    /// A URL (scheme, host, optional base path) the request goes to instead of the resolved
    /// endpoint's URL, for operations whose input names their endpoint (Machine Learning's
    /// `Predict`). Endpoint headers and the signing scope still come from the resolved endpoint.
    pub endpoint_url: Option<String>,
    /// Endpoint rule-set parameters read from the input (`@contextParam`,
    /// `@operationContextParams`); the operation's static ones are in its `OperationSpec`.
    pub endpoint_params: super::endpoint::Params,
}

impl RequestParts {
    /// A request with no headers and no body.
    pub fn new(method: http::Method, uri: impl Into<String>) -> Self {
        RequestParts { method, uri: uri.into(), headers: http::HeaderMap::new(), body: Vec::new(), host_prefix: None, endpoint_url: None, endpoint_params: Default::default() }
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
}

#[cfg(feature = "default-https-client")]
pub use default_client::DefaultHttpClient;

#[cfg(feature = "default-https-client")]
mod default_client {
    use super::*;
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    use std::time::Duration;

    type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

    /// The default client: hyper 1 (HTTP/1.1, pooled keep-alive) over rustls with the `ring`
    /// provider and the Mozilla root store compiled in (no C toolchain beyond `cc`, no cmake,
    /// no system certificates needed). Plain `http://` is allowed for local endpoints.
    #[derive(Clone)]
    pub struct DefaultHttpClient {
        client: Client<Connector, Full<bytes::Bytes>>,
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
            Ok(DefaultHttpClient { client })
        }
    }

    impl HttpClient for DefaultHttpClient {
        fn call(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, ConnectorError>> {
            Box::pin(async move {
                let (parts, body) = request.into_parts();
                let request = http::Request::from_parts(parts, Full::new(bytes::Bytes::from(body)));
                let response = self.client.request(request).await.map_err(|e| {
                    if e.is_connect() {
                        ConnectorError::connect(e)
                    } else {
                        ConnectorError::io(e)
                    }
                })?;
                let (parts, body) = response.into_parts();
                let body = body.collect().await.map_err(ConnectorError::io)?.to_bytes();
                Ok(HttpResponse::new(parts.status.as_u16(), parts.headers, body.into()))
            })
        }
    }
}
