//! Sends one awsJson operation: builds the HTTP request, sends it, and sorts the response into
//! success, modelled service error or unreadable response. Generated operation code supplies the
//! serialised body and the functions that read its output and errors.

use super::config::{env_var, Config};
use super::error::{ConnectorError, ErrorMetadata, HttpResponse, MessageError, RequestId, SdkError};
use super::http::{HttpClient, HttpRequest};
use super::json;
use std::fmt;
use std::sync::Arc;

/// Facts about a service that every request needs.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The service shape name, the prefix of `X-Amz-Target`.
    pub target_prefix: &'static str,
    /// `application/x-amz-json-1.0` or `application/x-amz-json-1.1`.
    pub content_type: &'static str,
    /// The endpoint prefix (`cognito-idp`), used for the default endpoint.
    pub endpoint_prefix: &'static str,
    /// The service id as environment variables spell it (`COGNITO_IDENTITY_PROVIDER`).
    pub env_name: &'static str,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// `name/version` of the generated crate, for the user agent.
    pub user_agent: &'static str,
}

/// Facts about one operation.
#[derive(Debug)]
pub struct OperationSpec {
    /// The operation shape name.
    pub name: &'static str,
    /// The whole `X-Amz-Target` value.
    pub target: &'static str,
    /// Whether the request must be signed (false for `@auth([])` and `@optionalAuth`).
    pub signed: bool,
    /// Whether repeating the operation is harmless (`@idempotent`, `@readonly`, idempotency token).
    pub idempotent: bool,
}

/// What a client shares between its clones: resolved configuration and the transport.
pub struct Handle {
    config: Config,
    service: &'static ServiceSpec,
    endpoint_override: Option<String>,
    http: Result<Arc<dyn HttpClient>, String>,
    user_agent: String,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("config", &self.config)
            .field("service", &self.service.target_prefix)
            .finish()
    }
}

impl Handle {
    /// Resolves the parts of `config` that depend on the service, once per client.
    pub fn new(config: Config, service: &'static ServiceSpec) -> Self {
        let endpoint_override = config.endpoint_url.clone().or_else(|| {
            if config.from_env {
                env_var(&format!("AWS_ENDPOINT_URL_{}", service.env_name)).or_else(|| env_var("AWS_ENDPOINT_URL"))
            } else {
                None
            }
        });
        let http = match &config.http_client {
            Some(client) => Ok(client.clone()),
            None => default_http_client(&config),
        };
        let mut user_agent = format!("{} lang/rust os/{}", service.user_agent, std::env::consts::OS);
        if let Some(app) = &config.app_name {
            user_agent.push_str(" app/");
            user_agent.push_str(app);
        }
        Handle { config, service, endpoint_override, http, user_agent }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn endpoint(&self) -> Result<String, String> {
        if let Some(url) = &self.endpoint_override {
            return Ok(url.clone());
        }
        let region = self.config.region.as_ref().ok_or_else(|| {
            "no region is set: call Config::builder().region(..) or set AWS_REGION".to_string()
        })?;
        Ok(format!("https://{}.{}.amazonaws.com", self.service.endpoint_prefix, region))
    }

    fn build_request(&self, op: &OperationSpec, endpoint: &str, body: String) -> Result<HttpRequest, String> {
        let uri = if endpoint.ends_with('/') { endpoint.to_string() } else { format!("{endpoint}/") };
        let length = body.len();
        http::Request::builder()
            .method(http::Method::POST)
            .uri(uri.as_str())
            .header(http::header::CONTENT_TYPE, self.service.content_type)
            .header("x-amz-target", op.target)
            .header(http::header::CONTENT_LENGTH, length)
            .header(http::header::USER_AGENT, self.user_agent.as_str())
            .header("x-amz-user-agent", self.user_agent.as_str())
            .body(body.into_bytes())
            .map_err(|e| format!("invalid endpoint {uri:?}: {e}"))
    }
}

#[cfg(feature = "default-https-client")]
fn default_http_client(config: &Config) -> Result<Arc<dyn HttpClient>, String> {
    super::http::DefaultHttpClient::new(config.connect_timeout)
        .map(|c| Arc::new(c) as Arc<dyn HttpClient>)
        .map_err(|e| e.to_string())
}

#[cfg(not(feature = "default-https-client"))]
fn default_http_client(_config: &Config) -> Result<Arc<dyn HttpClient>, String> {
    Err("no HTTP client: enable the `default-https-client` feature or call Config::builder().http_client(..)".into())
}

/// Reads a modelled error from an error response: `(response, metadata, parsed body)`.
pub type ErrorReader<E> = fn(&HttpResponse, ErrorMetadata, Option<&serde_json::Value>) -> E;

/// Sends an operation and returns the successful (2xx) response; error responses become
/// `SdkError::ServiceError` through `read_error`.
pub async fn invoke<E>(
    handle: &Handle,
    op: &'static OperationSpec,
    body: String,
    read_error: ErrorReader<E>,
) -> Result<HttpResponse, SdkError<E>> {
    let attempt = send_once(handle, op, body);
    #[cfg(feature = "rt-tokio")]
    {
        if let Some(limit) = handle.config.operation_timeout {
            return match tokio::time::timeout(limit, attempt).await {
                Ok(result) => finish(result, read_error),
                Err(_) => Err(SdkError::timeout_error(MessageError(format!(
                    "{} did not complete within {limit:?}",
                    op.name
                )))),
            };
        }
    }
    finish(attempt.await, read_error)
}

enum Attempt {
    Construction(String),
    Dispatch(ConnectorError),
    Response(HttpResponse),
}

async fn send_once(handle: &Handle, op: &'static OperationSpec, body: String) -> Attempt {
    let http = match &handle.http {
        Ok(http) => http,
        Err(e) => return Attempt::Construction(e.clone()),
    };
    let request = match handle.endpoint().and_then(|endpoint| handle.build_request(op, &endpoint, body)) {
        Ok(request) => request,
        Err(e) => return Attempt::Construction(e),
    };
    match http.call(request).await {
        Ok(response) => Attempt::Response(response),
        Err(e) => Attempt::Dispatch(e),
    }
}

fn finish<E>(attempt: Attempt, read_error: ErrorReader<E>) -> Result<HttpResponse, SdkError<E>> {
    match attempt {
        Attempt::Construction(message) => Err(SdkError::construction_failure(MessageError(message))),
        Attempt::Dispatch(e) if e.is_timeout() => Err(SdkError::timeout_error(e)),
        Attempt::Dispatch(e) => Err(SdkError::dispatch_failure(e)),
        Attempt::Response(response) if (200..300).contains(&response.status()) => Ok(response),
        Attempt::Response(response) => {
            let (meta, body) = error_metadata(&response);
            let error = read_error(&response, meta, body.as_ref());
            Err(SdkError::service_error(error, response))
        }
    }
}

/// Metadata of an error response (status, code, message, request id) and its parsed body, if any.
pub fn error_metadata(response: &HttpResponse) -> (ErrorMetadata, Option<serde_json::Value>) {
    let body = json::parse_body(response.body()).ok();
    let parts = json::error_parts(response.header("x-amzn-errortype"), body.as_ref());
    let mut meta = ErrorMetadata::builder().status(response.status());
    if let Some(code) = parts.code {
        meta = meta.code(code);
    }
    if let Some(message) = parts.message {
        meta = meta.message(message);
    }
    if let Some(id) = response.request_id() {
        meta = meta.request_id(id);
    }
    (meta.build(), body)
}

/// Metadata of a successful response whose body could not be read.
pub fn response_metadata(response: &HttpResponse) -> ErrorMetadata {
    let mut meta = ErrorMetadata::builder().status(response.status());
    if let Some(id) = response.request_id() {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// A description of an error response that matched no modelled error, for its unhandled variant.
pub fn unhandled_description(response: &HttpResponse, meta: &ErrorMetadata) -> MessageError {
    let status = response.status();
    MessageError(match meta.code() {
        Some(code) => format!("unhandled error ({code}) with HTTP status {status}"),
        None if response.body().is_empty() => format!("HTTP status {status} with an empty body"),
        None => match json::parse_body(response.body()) {
            Ok(_) => format!("HTTP status {status} with no error code"),
            Err(e) => format!("HTTP status {status}: {e}"),
        },
    })
}

/// A random (version 4) UUID, for idempotency tokens and invocation ids.
pub fn new_uuid() -> String {
    let hi = random_u64();
    let lo = random_u64();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// 64 random bits from the standard library's randomly seeded hasher (no extra dependency).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(d.as_nanos());
    }
    hasher.finish()
}
