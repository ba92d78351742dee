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

#[cfg(feature = "hyper-client")]
pub use default_client::DefaultHttpClient;

#[cfg(feature = "hyper-client")]
mod default_client {
    use super::super::stalled_stream::{StallGuard, StalledStreamProtectionConfig};
    use super::*;
    use http_body_util::BodyExt;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    use std::time::Duration;

    #[cfg(feature = "native-tls")]
    type Connector = hyper_tls::HttpsConnector<HttpConnector>;
    #[cfg(all(feature = "tls-rustls", not(feature = "native-tls")))]
    type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
    #[cfg(not(any(feature = "tls-rustls", feature = "native-tls")))]
    type Connector = HttpConnector;

    /// The default client: hyper 1 (HTTP/1.1, pooled keep-alive) over the TLS the crate's
    /// features select. By default (`default-https-client`) that is rustls with *ring*, limited
    /// to what AWS endpoints negotiate (TLS 1.2 and 1.3, AES-GCM, X25519 or P-256 key exchange,
    /// ECDSA and RSA certificates; `tls-full-provider` restores all of ring's suites), trusting
    /// the Mozilla roots compiled in (`tls-webpki-roots`) and/or the platform's certificate store
    /// (`tls-native-roots`); no C toolchain beyond `cc`, no cmake, no system libraries.
    /// `native-tls` uses the system's TLS library instead (OpenSSL on Linux). Plain `http://`
    /// is allowed for local endpoints.
    ///
    /// Response bodies are watched by stalled-stream protection (on by default, see
    /// [`with_stalled_stream_protection`](Self::with_stalled_stream_protection)). A server
    /// certificate that does not verify is a transport error that is never retried (the same
    /// certificate would fail again), with the TLS library's reason in its message.
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
            let client = Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .build(tls::connector(http)?);
            Ok(DefaultHttpClient { client, stalled_stream: StalledStreamProtectionConfig::default() })
        }

        /// Watches response bodies with this stalled-stream protection (the client built from a
        /// `Config` takes the config's).
        pub fn with_stalled_stream_protection(mut self, config: StalledStreamProtectionConfig) -> Self {
            self.stalled_stream = config;
            self
        }
    }

    /// The system's TLS library through hyper-tls: TLS 1.2 or later, the system's trust store.
    #[cfg(feature = "native-tls")]
    mod tls {
        use super::*;

        pub(super) fn connector(http: HttpConnector) -> Result<Connector, ConnectorError> {
            let tls = native_tls::TlsConnector::builder()
                .min_protocol_version(Some(native_tls::Protocol::Tlsv12))
                .build()
                .map_err(ConnectorError::other)?;
            Ok(hyper_tls::HttpsConnector::from((http, tokio_native_tls::TlsConnector::from(tls))))
        }

        /// The TLS library's error among the causes of a connection failure, if any.
        pub(super) fn handshake_error(error: &(dyn std::error::Error + 'static)) -> Option<String> {
            find_cause::<native_tls::Error>(error).map(|e| e.to_string())
        }
    }

    /// rustls with ring.
    #[cfg(all(feature = "tls-rustls", not(feature = "native-tls")))]
    mod tls {
        use super::*;
        use rustls::crypto::CryptoProvider;
        use std::sync::Arc;

        pub(super) fn connector(http: HttpConnector) -> Result<Connector, ConnectorError> {
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider()))
                .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
                .map_err(ConnectorError::other)?
                .with_root_certificates(roots()?)
                .with_no_client_auth();
            Ok(hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config).https_or_http().enable_http1().wrap_connector(http))
        }

        /// The trust roots the features select (both stores when both are enabled).
        fn roots() -> Result<rustls::RootCertStore, ConnectorError> {
            #[allow(unused_mut)]
            let mut roots = rustls::RootCertStore::empty();
            #[cfg(feature = "tls-webpki-roots")]
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            #[cfg(feature = "tls-native-roots")]
            {
                // Unreadable files are skipped, as aws-sdk-rust does; no certificate at all is an error.
                let found = rustls_native_certs::load_native_certs();
                let (added, _ignored) = roots.add_parsable_certificates(found.certs);
                if added == 0 && roots.is_empty() {
                    let why: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
                    return Err(ConnectorError::other(format!("no trusted root certificate found in the platform's store ({})", why.join("; "))));
                }
            }
            Ok(roots)
        }

        /// All of ring's suites and key exchanges.
        #[cfg(feature = "tls-full-provider")]
        fn provider() -> CryptoProvider {
            rustls::crypto::ring::default_provider()
        }

        /// What AWS endpoints negotiate: TLS 1.3 and 1.2 AES-GCM suites, X25519 and P-256 key
        /// exchange, ECDSA (P-256, P-384) and RSA (PKCS#1, PSS) certificate signatures. Built
        /// without `ring::default_provider()` so the linker can drop the rest (ChaCha20-Poly1305,
        /// P-384 key exchange, Ed25519, ring's private-key loading).
        #[cfg(not(feature = "tls-full-provider"))]
        fn provider() -> CryptoProvider {
            use rustls::crypto::ring::{cipher_suite as cs, kx_group};
            CryptoProvider {
                cipher_suites: vec![
                    cs::TLS13_AES_128_GCM_SHA256,
                    cs::TLS13_AES_256_GCM_SHA384,
                    cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                    cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                ],
                kx_groups: vec![kx_group::X25519, kx_group::SECP256R1],
                signature_verification_algorithms: AWS_SIGNATURE_ALGORITHMS,
                secure_random: &SystemRandom,
                key_provider: &NoClientKeys,
            }
        }

        /// Certificate signatures AWS endpoints use (ring's list less Ed25519).
        #[cfg(not(feature = "tls-full-provider"))]
        static AWS_SIGNATURE_ALGORITHMS: rustls::crypto::WebPkiSupportedAlgorithms = rustls::crypto::WebPkiSupportedAlgorithms {
            all: &[
                webpki::ring::ECDSA_P256_SHA256,
                webpki::ring::ECDSA_P256_SHA384,
                webpki::ring::ECDSA_P384_SHA256,
                webpki::ring::ECDSA_P384_SHA384,
                webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
                webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
                webpki::ring::RSA_PKCS1_2048_8192_SHA256,
                webpki::ring::RSA_PKCS1_2048_8192_SHA384,
                webpki::ring::RSA_PKCS1_2048_8192_SHA512,
            ],
            mapping: &[
                (rustls::SignatureScheme::ECDSA_NISTP384_SHA384, &[webpki::ring::ECDSA_P384_SHA384, webpki::ring::ECDSA_P256_SHA384]),
                (rustls::SignatureScheme::ECDSA_NISTP256_SHA256, &[webpki::ring::ECDSA_P256_SHA256, webpki::ring::ECDSA_P384_SHA256]),
                (rustls::SignatureScheme::RSA_PSS_SHA512, &[webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
                (rustls::SignatureScheme::RSA_PSS_SHA384, &[webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
                (rustls::SignatureScheme::RSA_PSS_SHA256, &[webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
                (rustls::SignatureScheme::RSA_PKCS1_SHA512, &[webpki::ring::RSA_PKCS1_2048_8192_SHA512]),
                (rustls::SignatureScheme::RSA_PKCS1_SHA384, &[webpki::ring::RSA_PKCS1_2048_8192_SHA384]),
                (rustls::SignatureScheme::RSA_PKCS1_SHA256, &[webpki::ring::RSA_PKCS1_2048_8192_SHA256]),
            ],
        };

        /// ring's system random generator (rustls's own wrapper of it is private).
        #[cfg(not(feature = "tls-full-provider"))]
        #[derive(Debug)]
        struct SystemRandom;

        #[cfg(not(feature = "tls-full-provider"))]
        impl rustls::crypto::SecureRandom for SystemRandom {
            fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
                use ring::rand::SecureRandom as _;
                ring::rand::SystemRandom::new().fill(buf).map_err(|_| rustls::crypto::GetRandomFailed)
            }
        }

        /// The client presents no certificate, so it never loads a private key.
        #[cfg(not(feature = "tls-full-provider"))]
        #[derive(Debug)]
        struct NoClientKeys;

        #[cfg(not(feature = "tls-full-provider"))]
        impl rustls::crypto::KeyProvider for NoClientKeys {
            fn load_private_key(
                &self,
                _key: rustls::pki_types::PrivateKeyDer<'static>,
            ) -> Result<Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
                Err(rustls::Error::General("this client presents no certificate".into()))
            }
        }

        /// The rustls error (a certificate that does not verify, a handshake refused) among the
        /// causes of a connection failure, if any.
        pub(super) fn handshake_error(error: &(dyn std::error::Error + 'static)) -> Option<String> {
            find_cause::<rustls::Error>(error).map(|e| e.to_string())
        }
    }

    /// Plain HTTP only (`hyper-client` without a TLS feature): `https://` fails to connect.
    #[cfg(not(any(feature = "tls-rustls", feature = "native-tls")))]
    mod tls {
        use super::*;

        pub(super) fn connector(http: HttpConnector) -> Result<Connector, ConnectorError> {
            Ok(http)
        }

        pub(super) fn handshake_error(_error: &(dyn std::error::Error + 'static)) -> Option<String> {
            None
        }
    }

    /// The first `E` among the causes of `error`.
    #[cfg_attr(not(any(feature = "tls-rustls", feature = "native-tls")), allow(dead_code))]
    fn find_cause<'a, E: std::error::Error + 'static>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a E> {
        let mut next = Some(error);
        while let Some(e) = next {
            if let Some(found) = e.downcast_ref::<E>() {
                return Some(found);
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
    pub struct TlsError(String);

    impl fmt::Display for TlsError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "TLS handshake failed: {}", self.0)
        }
    }

    impl std::error::Error for TlsError {}

    impl DefaultHttpClient {
        async fn send(&self, request: StreamingRequest) -> Result<http::Response<hyper::body::Incoming>, ConnectorError> {
            self.client.request(request).await.map_err(|e| {
                if let Some(reason) = tls::handshake_error(&e) {
                    // Deterministic: retrying the handshake would fail the same way.
                    ConnectorError::other(TlsError(reason))
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
