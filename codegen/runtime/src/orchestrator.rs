//! Sends one operation, whatever its protocol: resolves the endpoint, completes the request parts
//! the protocol built (endpoint URL, host prefix, common headers), signs and sends it, retries
//! what is safe to retry, and sorts the response into success, modelled service error or
//! unreadable response. Generated operation code supplies the request parts and the functions
//! that read its output and errors; the service's protocol supplies how error responses are
//! identified.

use super::config::{env_var, Config};
use super::credentials::{Credentials, CredentialsError, ProvideCredentials};
use super::endpoint::{Endpoint, Params, RuleSet, Value as ParamValue};
use super::error::{ConnectorError, ErrorMetadata, HttpResponse, MessageError, RequestId, SdkError};
use super::error::DeserializeError;
use super::http::{HttpClient, HttpRequest, RequestParts};
use super::primitives::ByteStream;
use super::retry::StopReason;
use super::retry::{AttemptOutcome, RetryStrategy, RetryVerdict, TransportErrorKind};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// Emits a `tracing` event when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! trace_event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        { tracing::$level!($($arg)*); }
    };
}

/// Facts about a service that every request needs.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The service's sdkId, for logs.
    pub name: &'static str,
    /// Reads the code, message and request id of an error response, as the protocol defines.
    pub error_metadata: fn(&HttpResponse) -> ErrorMetadata,
    /// The endpoint prefix (`cognito-idp`), used when the model has no endpoint rules.
    pub endpoint_prefix: &'static str,
    /// The service id as environment variables spell it (`COGNITO_IDENTITY_PROVIDER`).
    pub env_name: &'static str,
    /// The SigV4 signing name.
    pub signing_name: &'static str,
    /// `name/version` of the generated crate, for the user agent.
    pub user_agent: &'static str,
    /// The model's `smithy.rules#endpointRuleSet` as JSON text (empty if it has none).
    pub endpoint_rules: &'static str,
    /// Headers every request carries (service customisations such as API Gateway's `Accept`).
    pub default_headers: &'static [(&'static str, &'static str)],
    /// Error codes modelled `@retryable`, with whether each is throttling.
    pub retryable_errors: &'static [(&'static str, bool)],
    /// The service's SigV4 settings, before the endpoint's auth scheme adjusts them (see
    /// [`signing_settings`]).
    pub signing: super::sigv4::SigningSettings,
}

/// Facts about one operation.
#[derive(Debug)]
pub struct OperationSpec {
    /// The operation shape name.
    pub name: &'static str,
    /// Whether the request must be signed (false for `@auth([])` and `@optionalAuth`).
    pub signed: bool,
    /// Whether repeating the operation is harmless (`@idempotent`, `@readonly`, idempotency token).
    pub idempotent: bool,
    /// `@requestCompression` encodings the service accepts, in order of preference (empty:
    /// never compress).
    pub request_compression: &'static [&'static str],
    /// `@httpChecksumRequired`: send a `Content-MD5` of the (final) body.
    pub content_md5: bool,
    /// A 200 response whose body is an `<Error>` document is an error (S3's CopyObject,
    /// UploadPartCopy, CompleteMultipartUpload; a service customisation).
    pub error_in_ok_response: bool,
    /// `aws.protocols#httpChecksum` request checksums and response validation.
    pub checksum: Option<&'static super::checksum::ChecksumSpec>,
    /// `@staticContextParams`: endpoint rule-set parameters with a fixed value for this
    /// operation. Parameters read from the input travel in `RequestParts::endpoint_params`.
    pub endpoint_params: &'static [(&'static str, StaticParam)],
}

/// The value of a `@staticContextParams` entry, as a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaticParam {
    Bool(bool),
    String(&'static str),
    StringList(&'static [&'static str]),
}

impl StaticParam {
    /// The rules engine's value.
    pub fn value(&self) -> ParamValue {
        match *self {
            StaticParam::Bool(b) => ParamValue::Bool(b),
            StaticParam::String(s) => ParamValue::String(s.to_string()),
            StaticParam::StringList(l) => ParamValue::StringArray(l.iter().map(|s| s.to_string()).collect()),
        }
    }
}

/// How many endpoints a client keeps per distinct set of operation parameters.
const ENDPOINT_CACHE_SIZE: usize = 64;

/// Endpoints resolved for operation-specific parameters, keyed by the operation (which fixes
/// its static parameters) and the parameters read from its input; oldest evicted first.
#[derive(Default)]
struct EndpointCache {
    entries: std::collections::VecDeque<((&'static str, Params), Result<Arc<Endpoint>, String>)>,
}

impl EndpointCache {
    fn get(&self, op: &str, params: &Params) -> Option<Result<Arc<Endpoint>, String>> {
        self.entries.iter().find(|((o, p), _)| *o == op && p == params).map(|(_, r)| r.clone())
    }
    fn insert(&mut self, op: &'static str, params: Params, result: Result<Arc<Endpoint>, String>) {
        if self.entries.len() >= ENDPOINT_CACHE_SIZE {
            self.entries.pop_front();
        }
        self.entries.push_back(((op, params), result));
    }
}

/// Status, request id and attempt count of a response: kept on every output and error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseMetadata {
    status: Option<u16>,
    request_id: Option<String>,
    attempts: u32,
}

impl ResponseMetadata {
    /// Builds response metadata.
    pub fn new(status: Option<u16>, request_id: Option<String>, attempts: u32) -> Self {
        ResponseMetadata { status, request_id, attempts }
    }
    /// The HTTP status of the last response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
    /// The request id of the last response.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// How many attempts the call took (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// What binds an operation's input builder to a client, making it the operation's fluent
/// builder (`XFluentBuilder<M>` is `XInputBuilder<Sender<M>>`): the client's handle, and how
/// the request is sent (`M`: `()` by the async client, `BlockingRuntime` by the blocking one).
#[derive(Clone)]
pub struct Sender<M = ()> {
    /// The client's shared state.
    pub handle: Arc<Handle>,
    /// How the request is sent.
    pub mode: M,
}

impl<M> Sender<M> {
    /// A sender for `handle` in `mode`.
    pub fn new(handle: Arc<Handle>, mode: M) -> Self {
        Sender { handle, mode }
    }
}

/// What a client shares between its clones: resolved configuration, the transport, the endpoint
/// (resolved once), and the retry token bucket. Credentials come from the configuration's
/// provider, which caches them, on every attempt of a signed operation.
pub struct Handle {
    config: Config,
    service: &'static ServiceSpec,
    endpoint_override: Option<String>,
    http: Result<Arc<dyn HttpClient>, String>,
    user_agent: String,
    endpoint: OnceLock<Result<Arc<Endpoint>, String>>,
    rules: OnceLock<Result<RuleSet, String>>,
    endpoint_cache: Mutex<EndpointCache>,
    retry: RetryStrategy,
    mutators: Vec<super::customize::RequestMutator>,
    /// The offset of the services's clock from ours, learnt from clock-skew errors.
    clock: super::clock_skew::ClockOffset,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("config", &self.config)
            .field("service", &self.service.name)
            .finish()
    }
}

impl Handle {
    /// Resolves the parts of `config` that depend on the service, once per client.
    pub fn new(config: Config, service: &'static ServiceSpec) -> Self {
        Self::with_transport(config, service, None)
    }

    fn with_transport(config: Config, service: &'static ServiceSpec, inherited: Option<Result<Arc<dyn HttpClient>, String>>) -> Self {
        let endpoint_override = config.endpoint_url.clone().or_else(|| {
            if config.from_env {
                env_var(&format!("AWS_ENDPOINT_URL_{}", service.env_name)).or_else(|| env_var("AWS_ENDPOINT_URL"))
            } else {
                None
            }
        });
        let http = match (&config.http_client, inherited) {
            (Some(client), _) => Ok(client.clone()),
            (None, Some(http)) => http,
            (None, None) => default_http_client(&config),
        };
        let mut user_agent = format!("{} lang/rust os/{}", service.user_agent, std::env::consts::OS);
        if let Some(app) = &config.app_name {
            user_agent.push_str(" app/");
            user_agent.push_str(app);
        }
        let mut retry_config = config.retry_config.clone().unwrap_or_default();
        if !can_sleep() {
            // Without a timer there is no backoff: never retry rather than hammer the service.
            retry_config = retry_config.with_max_attempts(1);
        }
        Handle {
            retry: RetryStrategy::new(retry_config),
            config,
            service,
            endpoint_override,
            http,
            user_agent,
            endpoint: OnceLock::new(),
            rules: OnceLock::new(),
            endpoint_cache: Mutex::new(EndpointCache::default()),
            mutators: Vec::new(),
            clock: Default::default(),
        }
    }

    /// A handle for one customised call: the configuration override applied on top of this
    /// client's, the same transport unless the override brings its own, and the request
    /// mutators. The endpoint is resolved again for it; credentials come from the override's
    /// provider, else from the client's (and its cache).
    pub fn customized(&self, customizations: super::customize::Customizations) -> Handle {
        let config = match customizations.config_override {
            Some(o) => o.override_config(&self.config),
            None => self.config.clone(),
        };
        let mut handle = Handle::with_transport(config, self.service, Some(self.http.clone()));
        handle.mutators = customizations.mutators;
        handle.clock = super::clock_skew::ClockOffset::new(self.clock.millis());
        handle
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A token for an `@idempotencyToken` member the caller left unset.
    pub fn idempotency_token(&self) -> String {
        match &self.config.idempotency_token_provider {
            Some(p) => p.make_idempotency_token(),
            None => new_uuid(),
        }
    }

    /// The endpoint resolved from the client's parameters alone (built-ins and client context
    /// parameters: evaluated once per client). An error is the rule set's own message.
    pub fn endpoint(&self) -> Result<&Endpoint, String> {
        self.endpoint.get_or_init(|| self.resolve_endpoint(&Params::new()).map(Arc::new)).as_deref().map_err(Clone::clone)
    }

    /// The endpoint for one call of `op`: the client's parameters, then the operation's static
    /// parameters, then those read from its input (`input_params`). Operations without any
    /// share the client's endpoint; the others are cached per distinct parameter set.
    pub fn endpoint_for(&self, op: &OperationSpec, input_params: &Params) -> Result<Arc<Endpoint>, String> {
        if (op.endpoint_params.is_empty() && input_params.is_empty()) || self.service.endpoint_rules.is_empty() {
            self.endpoint()?;
            return self.endpoint.get().cloned().unwrap_or_else(|| Err("endpoint not resolved".into()));
        }
        if let Some(hit) = self.endpoint_cache.lock().ok().and_then(|c| c.get(op.name, input_params)) {
            return hit;
        }
        let mut params: Params = op.endpoint_params.iter().map(|(name, v)| (name.to_string(), v.value())).collect();
        params.extend(input_params.iter().map(|(k, v)| (k.clone(), v.clone())));
        let result = self.resolve_endpoint(&params).map(Arc::new);
        if let Ok(mut cache) = self.endpoint_cache.lock() {
            cache.insert(op.name, input_params.clone(), result.clone());
        }
        result
    }

    /// The parameters that come from the client: built-ins, then client context parameters.
    fn client_params(&self, rules: &RuleSet) -> Params {
        let mut params = Params::new();
        for p in rules.parameters() {
            let value = match p.built_in.as_deref() {
                Some("AWS::Region") => self.config.region.as_ref().map(|r| ParamValue::String(r.as_str().to_string())),
                Some("AWS::UseFIPS") => self.config.use_fips.map(ParamValue::Bool),
                Some("AWS::UseDualStack") => self.config.use_dual_stack.map(ParamValue::Bool),
                Some("SDK::Endpoint") => self.endpoint_override.clone().map(ParamValue::String),
                _ => None,
            };
            if let Some(v) = value.or_else(|| self.config.client_context_params.get(&p.name).cloned()) {
                params.insert(p.name.clone(), v);
            }
        }
        params
    }

    /// Resolves the rules with the client's parameters overridden by `op_params`.
    fn resolve_endpoint(&self, op_params: &Params) -> Result<Endpoint, String> {
        if self.service.endpoint_rules.is_empty() {
            let url = match (&self.endpoint_override, &self.config.region) {
                (Some(url), _) => url.clone(),
                (None, Some(region)) => format!("https://{}.{}.amazonaws.com", self.service.endpoint_prefix, region),
                (None, None) => return Err("no region is set: call Config::builder().region(..) or set AWS_REGION".into()),
            };
            return Ok(Endpoint { url, headers: Default::default(), properties: Default::default() });
        }
        let rules = self
            .rules
            .get_or_init(|| RuleSet::from_json(self.service.endpoint_rules).map_err(|e| format!("endpoint rules: {e}")))
            .as_ref()
            .map_err(Clone::clone)?;
        let mut params = self.client_params(rules);
        params.extend(op_params.iter().map(|(k, v)| (k.clone(), v.clone())));
        rules.resolve(&params).map_err(|e| e.message)
    }

    /// Credentials for one attempt of a signed operation, from the configuration's provider
    /// (cached there). An error is the construction failure's message.
    async fn credentials(&self) -> Result<Credentials, String> {
        let Some(provider) = &self.config.credentials_provider else {
            return Err("no credentials: call Config::builder().credentials_provider(..)".into());
        };
        provider.provide_credentials().await.map_err(|e| match e {
            CredentialsError::NotLoaded(reason) => reason,
            other => format!("could not load AWS credentials: {other}"),
        })
    }

    fn build_request(
        &self,
        op: &OperationSpec,
        endpoint: &Endpoint,
        parts: &RequestParts,
        stream: Option<&PreparedStream>,
        invocation_id: &str,
        attempt: u32,
        credentials: Option<&Credentials>,
    ) -> Result<HttpRequest, String> {
        let uri = request_url(endpoint, parts)?;
        let mut builder = http::Request::builder().method(parts.method.clone()).uri(uri.as_str());
        if let Some(headers) = builder.headers_mut() {
            headers.extend(parts.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        match stream {
            // A stream of unknown length goes out chunked (`@requiresLength` bodies were
            // refused before).
            Some(s) => {
                if let Some(n) = s.body.content_length() {
                    builder = builder.header(http::header::CONTENT_LENGTH, n);
                }
            }
            None => {
                if !parts.body.is_empty() || parts.method == http::Method::POST || parts.method == http::Method::PUT {
                    builder = builder.header(http::header::CONTENT_LENGTH, parts.body.len());
                }
            }
        }
        for (name, value) in self.service.default_headers {
            if !parts.headers.contains_key(*name) {
                builder = builder.header(*name, *value);
            }
        }
        builder = builder
            .header(http::header::USER_AGENT, self.user_agent.as_str())
            .header("x-amz-user-agent", self.user_agent.as_str())
            .header("amz-sdk-invocation-id", invocation_id)
            .header("amz-sdk-request", format!("attempt={attempt}; max={}", self.retry.config().max_attempts));
        for (name, values) in &endpoint.headers {
            for v in values {
                builder = builder.header(name.as_str(), v.as_str());
            }
        }
        let mut request = builder.body(parts.body.clone()).map_err(|e| format!("invalid request for endpoint {uri:?}: {e}"))?;
        for mutate in &self.mutators {
            mutate(&mut request);
        }
        if op.signed {
            let creds = credentials.ok_or("no credentials for a signed operation")?;
            let (region, name) = signing_scope(endpoint, self.config.region.as_ref().map(|r| r.as_str()), self.service.signing_name);
            let region = region.ok_or("no region to sign the request with: set Config::builder().region(..)")?;
            let settings = signing_settings(self.service.signing, endpoint);
            let signed = match stream.and_then(|s| s.sha256.as_deref()) {
                Some(hash) => super::sigv4::sign_with_payload_hash(&mut request, hash, creds, &region, &name, self.clock.now(), &settings),
                None => super::sigv4::sign_with(&mut request, creds, &region, &name, self.clock.now(), &settings).map(|_| ()),
            };
            signed.map_err(|e| format!("signing failed: {e}"))?;
        }
        Ok(request)
    }
}

/// Presigns a request (see [`super::presigning`]): resolves the endpoint as [`invoke`] does,
/// then signs the request in its query string with `UNSIGNED-PAYLOAD`, valid for the config's
/// `expires_in` from its start time. The headers the operation sets (and the endpoint's) are
/// signed and returned; the body is not part of the presigned request.
pub async fn presign<E>(
    handle: &Handle,
    op: &'static OperationSpec,
    parts: RequestParts,
    config: &super::presigning::PresigningConfig,
) -> Result<super::presigning::PresignedRequest, SdkError<E>> {
    let fail = |e: String| SdkError::construction_failure(MessageError(format!("presigning {}: {e}", op.name)));
    if let Some(e) = &handle.config.config_error {
        return Err(fail(e.clone()));
    }
    let endpoint = handle.endpoint_for(op, &parts.endpoint_params).map_err(|e| fail(format!("endpoint resolution failed: {e}")))?;
    let url = request_url(&endpoint, &parts).map_err(fail)?;
    let uri: http::Uri = url.parse().map_err(|e| fail(format!("invalid URI {url:?}: {e}")))?;
    let mut headers = parts.headers.clone();
    for (name, values) in &endpoint.headers {
        for v in values {
            let name = http::HeaderName::try_from(name.as_str()).map_err(|e| fail(e.to_string()))?;
            headers.append(name, http::HeaderValue::try_from(v.as_str()).map_err(|e| fail(e.to_string()))?);
        }
    }
    let creds = handle.credentials().await.map_err(fail)?;
    let creds = &creds;
    let (region, name) = signing_scope(&endpoint, handle.config.region.as_ref().map(|r| r.as_str()), handle.service.signing_name);
    let region = region.ok_or_else(|| fail("no region to sign the request with: set Config::builder().region(..)".into()))?;
    let settings = signing_settings(handle.service.signing, &endpoint);
    let signed = super::sigv4::presign_uri(
        &parts.method,
        &uri,
        &headers,
        creds,
        &region,
        &name,
        config.start_time(),
        config.expires().as_secs(),
        &settings,
    )
    .map_err(|e| fail(e.to_string()))?;
    Ok(super::presigning::PresignedRequest::new(parts.method, signed.to_string(), headers))
}

/// The URL of a request: its parts joined to the resolved endpoint's URL, or to the URL the
/// operation's input gave (`parts.endpoint_url`), which replaces it.
pub fn request_url(endpoint: &Endpoint, parts: &RequestParts) -> Result<String, String> {
    let base = parts.endpoint_url.as_deref().unwrap_or(&endpoint.url);
    request_uri(base, parts.host_prefix.as_deref(), &parts.uri)
}

/// Joins an endpoint URL, an optional host prefix and a request's path and query:
/// `https://svc.example.com/base` + `data.` + `/a?b=c` -> `https://data.svc.example.com/base/a?b=c`.
pub fn request_uri(endpoint: &str, host_prefix: Option<&str>, path_and_query: &str) -> Result<String, String> {
    let (scheme, rest) = endpoint.split_once("://").ok_or_else(|| format!("endpoint {endpoint:?} has no scheme"))?;
    let (authority, base_path) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let base_path = base_path.split('?').next().unwrap_or("").trim_end_matches('/');
    let mut out = String::with_capacity(endpoint.len() + path_and_query.len() + 16);
    out.push_str(scheme);
    out.push_str("://");
    if let Some(prefix) = host_prefix {
        out.push_str(prefix);
    }
    out.push_str(authority);
    out.push_str(base_path);
    // An empty request path (S3's path-style `/{Bucket}` with the bucket in the endpoint) is
    // the endpoint's own path; otherwise the request path follows it.
    let needs_slash = if base_path.is_empty() {
        !path_and_query.starts_with('/')
    } else {
        !path_and_query.is_empty() && !path_and_query.starts_with('/') && !path_and_query.starts_with('?')
    };
    if needs_slash {
        out.push('/');
    }
    out.push_str(path_and_query);
    Ok(out)
}

/// Checks the value of an `@hostLabel` member before it goes into a host name: set, not empty,
/// and only letters, digits, `-` and `.` (each dot-separated part a valid host label).
pub fn host_label<'a>(value: Option<&'a str>, field: &'static str) -> Result<&'a str, super::error::BuildError> {
    let value = value.ok_or_else(|| super::error::BuildError::missing_field(field, "it is part of the host name and must be set"))?;
    let valid = !value.is_empty()
        && value.split('.').all(|part| {
            !part.is_empty()
                && part.len() <= 63
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !part.starts_with('-')
        });
    if valid {
        Ok(value)
    } else {
        Err(super::error::BuildError::missing_field(field, format!("{value:?} is not a valid host label")))
    }
}

/// The endpoint's `sigv4` auth scheme (from its `authSchemes` property), if the rules give one.
fn sigv4_scheme(endpoint: &Endpoint) -> Option<&serde_json::Value> {
    endpoint
        .properties
        .get("authSchemes")
        .and_then(|v| v.as_array())
        .and_then(|a| a.iter().find(|s| s.get("name").and_then(|n| n.as_str()) == Some("sigv4")))
}

/// The SigV4 settings of a request: the service's, adjusted by the endpoint's `sigv4` auth
/// scheme (`disableDoubleEncoding`, `disableNormalizePath`).
pub fn signing_settings(service: super::sigv4::SigningSettings, endpoint: &Endpoint) -> super::sigv4::SigningSettings {
    match sigv4_scheme(endpoint) {
        Some(scheme) => service.with_auth_scheme(scheme),
        None => service,
    }
}

/// The SigV4 region and name: from the endpoint's `authSchemes` when the rules give them.
pub(crate) fn signing_scope(endpoint: &Endpoint, region: Option<&str>, name: &str) -> (Option<String>, String) {
    let scheme = sigv4_scheme(endpoint);
    let region = scheme
        .and_then(|s| s.get("signingRegion"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .or_else(|| region.map(str::to_string));
    let name = scheme.and_then(|s| s.get("signingName")).and_then(|v| v.as_str()).unwrap_or(name).to_string();
    (region, name)
}

#[cfg(feature = "default-https-client")]
fn default_http_client(config: &Config) -> Result<Arc<dyn HttpClient>, String> {
    super::http::DefaultHttpClient::new(config.connect_timeout)
        .map(|c| Arc::new(c.with_stalled_stream_protection(config.stalled_stream_protection())) as Arc<dyn HttpClient>)
        .map_err(|e| e.to_string())
}

#[cfg(not(feature = "default-https-client"))]
fn default_http_client(_config: &Config) -> Result<Arc<dyn HttpClient>, String> {
    Err("no HTTP client: enable the `default-https-client` feature or call Config::builder().http_client(..)".into())
}

fn can_sleep() -> bool {
    cfg!(feature = "rt-tokio")
}

async fn sleep(duration: Duration) {
    #[cfg(feature = "rt-tokio")]
    tokio::time::sleep(duration).await;
    #[cfg(not(feature = "rt-tokio"))]
    let _ = duration;
}

/// Reads a modelled error from an error response and its metadata.
pub type ErrorReader<E> = fn(&HttpResponse, ErrorMetadata) -> E;

/// A successful response and how many attempts it took.
pub struct Success {
    /// The 2xx response.
    pub response: HttpResponse,
    /// Attempts made, retries included.
    pub attempts: u32,
}

/// A successful response whose body is not read yet: the result of an operation with a
/// `@streaming` output.
pub struct StreamingSuccess {
    /// The 2xx response's status and headers (its body is `body`).
    pub response: HttpResponse,
    /// The response body, read as the caller reads it.
    pub body: ByteStream,
    /// Attempts made, retries included.
    pub attempts: u32,
}

/// Sends an operation, retrying what is safe to retry, and returns the successful (2xx)
/// response; error responses become `SdkError::ServiceError` through `read_error`.
///
/// A request with a streaming body (`request.stream`) is sent through
/// [`HttpClient::call_streaming`]; the response body is still read whole.
pub async fn invoke<E>(
    handle: &Handle,
    op: &'static OperationSpec,
    request: RequestParts,
    read_error: ErrorReader<E>,
) -> Result<Success, SdkError<E>> {
    // `run` is not generic: its code (the retry loop) exists once, not once per operation.
    match run(handle, op, request, false).await {
        Ok((response, _, attempts)) => Ok(Success { response, attempts }),
        Err(e) => Err(e.read_service_error(read_error)),
    }
}

/// [`invoke`] for operations with a `@streaming` output: the body of a 2xx response is left
/// unread (error responses are read whole, to be parsed). The operation timeout covers the
/// request until the response headers arrive, not the reading of the body.
pub async fn invoke_streaming<E>(
    handle: &Handle,
    op: &'static OperationSpec,
    request: RequestParts,
    read_error: ErrorReader<E>,
) -> Result<StreamingSuccess, SdkError<E>> {
    match run(handle, op, request, true).await {
        Ok((response, body, attempts)) => Ok(StreamingSuccess { response, body: body.unwrap_or_default(), attempts }),
        Err(e) => Err(e.read_service_error(read_error)),
    }
}

/// The outcome of a call before its error response (if any) is read into the operation's
/// error type: a service error is still its metadata and raw response.
type RunResult = Result<(HttpResponse, Option<ByteStream>, u32), SdkError<ErrorMetadata>>;

async fn run(handle: &Handle, op: &'static OperationSpec, mut request: RequestParts, stream_output: bool) -> RunResult {
    let stream = request.stream.take();
    let mut request = if stream.is_none() {
        compress(handle, op, request).map_err(|e| SdkError::construction_failure(MessageError(e)))?
    } else {
        // Streaming bodies are sent as they are (no request compression).
        request
    };
    if op.content_md5 && !request.headers.contains_key("content-md5") {
        if stream.is_some() {
            return Err(SdkError::construction_failure(MessageError(format!(
                "{}: a Content-MD5 of a streaming body from a file or stream is not supported; give the body as bytes",
                op.name
            ))));
        }
        add_content_md5(&mut request).map_err(|e| SdkError::construction_failure(MessageError(e)))?;
    }
    if let Some(spec) = op.checksum {
        if stream.is_none() {
            super::checksum::add_request_checksum(spec, &mut request)
                .map_err(|e| SdkError::construction_failure(MessageError(format!("{}: {e}", op.name))))?;
        }
    }
    let validate = op.checksum.filter(|_| request.validate_response_checksum);
    let work = async {
        let prepared = match stream {
            Some(body) => Some(prepare_stream(op, body).await.map_err(|e| SdkError::construction_failure(MessageError(e)))?),
            None => None,
        };
        let (response, body, attempts) = attempts(handle, op, &request, prepared.as_ref(), stream_output).await?;
        // A buffered body is checked against the response's checksum when the caller asked;
        // a streaming body is left to the caller.
        if let (Some(spec), None) = (validate, &body) {
            if let Err(mismatch) = super::checksum::validate_response(spec, response.headers(), response.body()) {
                let meta = response_metadata(&response, attempts);
                return Err(SdkError::response_error(mismatch, response, meta));
            }
        }
        Ok((response, body, attempts))
    };
    #[cfg(feature = "rt-tokio")]
    {
        if let Some(limit) = handle.config.operation_timeout {
            return match tokio::time::timeout(limit, work).await {
                Ok(result) => result,
                Err(_) => {
                    trace_event!(warn, operation = op.name, ?limit, "operation timed out");
                    Err(SdkError::timeout_error(MessageError(format!("{} did not complete within {limit:?}", op.name))))
                }
            };
        }
    }
    work.await
}

/// A streaming request body ready to send: its SHA-256 when the request is signed.
pub(crate) struct PreparedStream {
    body: ByteStream,
    sha256: Option<String>,
}

/// Hashes a streaming body for SigV4 by reading it in chunks (a file is read, never held
/// whole). A one-shot stream cannot be read twice, so a signed request reads it into memory
/// first.
async fn prepare_stream(op: &OperationSpec, body: ByteStream) -> Result<PreparedStream, String> {
    let read_err = |e: super::primitives::ByteStreamError| format!("reading the request body: {e}");
    if !op.signed {
        return Ok(PreparedStream { body, sha256: None });
    }
    let body = if body.is_one_shot() { ByteStream::new(body.collect().await.map_err(read_err)?.into_bytes()) } else { body };
    let sha256 = body.sha256_hex().await.map_err(read_err)?;
    Ok(PreparedStream { body, sha256: Some(sha256) })
}

/// Sets `Content-MD5` (base64 of the body's MD5) for `@httpChecksumRequired` operations.
#[cfg(feature = "content-md5")]
fn add_content_md5(request: &mut RequestParts) -> Result<(), String> {
    use base64::Engine;
    use md5::Digest;
    let digest = md5::Md5::digest(&request.body);
    let value = base64::engine::general_purpose::STANDARD.encode(digest);
    request.headers.insert("content-md5", http::HeaderValue::from_str(&value).map_err(|e| e.to_string())?);
    Ok(())
}

#[cfg(not(feature = "content-md5"))]
fn add_content_md5(_request: &mut RequestParts) -> Result<(), String> {
    Err("this operation needs a Content-MD5 header: build the crate with the `content-md5` feature".into())
}

/// Compresses the request body once, before the first attempt, when the operation accepts a
/// compressed body and the configuration allows it.
fn compress(handle: &Handle, op: &OperationSpec, mut request: RequestParts) -> Result<RequestParts, String> {
    if op.request_compression.is_empty() {
        return Ok(request);
    }
    let disabled = handle.config.disable_request_compression.unwrap_or(false);
    let min_size = handle
        .config
        .request_min_compression_size_bytes
        .unwrap_or(super::compression::DEFAULT_MIN_COMPRESSION_SIZE_BYTES);
    let _encoding = super::compression::compress_request(&mut request, op.request_compression, disabled, min_size)?;
    trace_event!(debug, operation = op.name, encoding = ?_encoding, "request compression");
    Ok(request)
}

enum Attempt {
    Dispatch(ConnectorError),
    /// A response; the body of a streaming 2xx response is the second field, unread.
    Response(HttpResponse, Option<ByteStream>),
}

/// Sends one attempt through the streaming transport method; the response body is read whole
/// unless it is a 2xx response the caller wants unread.
async fn call_streaming(http: &dyn HttpClient, request: HttpRequest, stream: Option<&PreparedStream>, stream_output: bool) -> Attempt {
    let request = match stream {
        Some(s) => request.map(|_| s.body.clone()),
        None => request.map(ByteStream::new),
    };
    let response = match http.call_streaming(request).await {
        Ok(r) => r,
        Err(e) => return Attempt::Dispatch(e),
    };
    let (parts, body) = response.into_parts();
    if stream_output && parts.status.is_success() {
        return Attempt::Response(HttpResponse::new(parts.status.as_u16(), parts.headers, Vec::new()), Some(body));
    }
    match body.collect().await {
        Ok(bytes) => Attempt::Response(HttpResponse::new(parts.status.as_u16(), parts.headers, bytes.to_vec()), None),
        Err(e) => Attempt::Dispatch(ConnectorError::io(e)),
    }
}

async fn attempts(
    handle: &Handle,
    op: &'static OperationSpec,
    parts: &RequestParts,
    stream: Option<&PreparedStream>,
    stream_output: bool,
) -> RunResult {
    if let Some(e) = &handle.config.config_error {
        return Err(SdkError::construction_failure(MessageError(e.clone())));
    }
    let http = handle.http.as_ref().map_err(|e| SdkError::construction_failure(MessageError(e.clone())))?;
    let endpoint = handle.endpoint_for(op, &parts.endpoint_params).map_err(|e| {
        let hint = if handle.config.region.is_none() && handle.endpoint_override.is_none() {
            " (no region is set: call Config::builder().region(..) or set AWS_REGION)"
        } else {
            ""
        };
        SdkError::construction_failure(MessageError(format!("endpoint resolution failed: {e}{hint}")))
    })?;
    let invocation_id = new_uuid();
    let mut attempt: u32 = 1;
    let mut last_retry_cost = None;
    loop {
        trace_event!(debug, operation = op.name, attempt, invocation_id = %invocation_id, "sending request");
        let credentials = match op.signed {
            true => Some(handle.credentials().await.map_err(|e| SdkError::construction_failure(MessageError(e)))?),
            false => None,
        };
        let request = handle
            .build_request(op, &endpoint, parts, stream, &invocation_id, attempt, credentials.as_ref())
            .map_err(|e| SdkError::construction_failure(MessageError(e)))?;
        let outcome = if stream.is_none() && !stream_output {
            match http.call(request).await {
                Ok(response) => Attempt::Response(response, None),
                Err(e) => Attempt::Dispatch(e),
            }
        } else {
            call_streaming(http.as_ref(), request, stream, stream_output).await
        };
        // A one-shot body the transport has started reading cannot be sent again.
        let replayable = stream.map_or(true, |s| s.body.is_replayable());
        // Classify: success ends the loop; failures ask the retry strategy.
        let verdict = match &outcome {
            Attempt::Response(r, _) if r.status().is_success() && !(op.error_in_ok_response && is_error_document(r.body())) => {
                trace_event!(debug, operation = op.name, attempt, status = r.status().as_u16(), request_id = ?r.request_id(), "success");
                handle.retry.on_success(last_retry_cost);
                let Attempt::Response(response, body) = outcome else { unreachable!("matched above") };
                return Ok((response, body, attempt));
            }
            _ if !replayable => {
                trace_event!(debug, operation = op.name, attempt, "not retrying: the one-shot request body was consumed");
                RetryVerdict::Stop(StopReason::NotRetryable)
            }
            Attempt::Response(r, _) => {
                let meta = (handle.service.error_metadata)(r);
                let code = meta.code();
                let modeled = code.and_then(|c| handle.service.retryable_errors.iter().find(|(name, _)| *name == c));
                // An error in a 200 response is a failure on the server side, retried as a 500.
                let status = if r.status().is_success() { 500 } else { r.status().as_u16() };
                let mut outcome = AttemptOutcome::response(status, code).with_safe_to_retry(op.idempotent);
                if let Some((_, throttling)) = modeled {
                    outcome = outcome.with_modeled_retryable(*throttling);
                }
                if op.signed && handle.clock.correct(r, code, SystemTime::now()) {
                    trace_event!(info, operation = op.name, attempt, code = ?code, offset_ms = handle.clock.millis(), "clock skew: signing with the service's clock from now on");
                    outcome = outcome.with_clock_skew_corrected(true);
                }
                trace_event!(debug, operation = op.name, attempt, status = r.status().as_u16(), code = ?code, request_id = ?r.request_id(), "error response");
                handle.retry.should_retry(attempt, &outcome)
            }
            Attempt::Dispatch(e) => {
                let kind = match e.kind() {
                    super::error::ConnectorErrorKind::Connect => TransportErrorKind::Connect,
                    super::error::ConnectorErrorKind::Io => TransportErrorKind::Io,
                    super::error::ConnectorErrorKind::Timeout => TransportErrorKind::Timeout,
                    _ => TransportErrorKind::Other,
                };
                trace_event!(debug, operation = op.name, attempt, error = %e, "transport error");
                handle.retry.should_retry(attempt, &AttemptOutcome::transport(kind, op.idempotent))
            }
        };
        match verdict {
            RetryVerdict::Retry { delay, cost, .. } => {
                trace_event!(info, operation = op.name, attempt, ?delay, "retrying");
                last_retry_cost = Some(cost);
                sleep(delay).await;
                attempt += 1;
            }
            RetryVerdict::Stop(_) => return Err(finish_error(handle, outcome, attempt)),
        }
    }
}

fn finish_error(handle: &Handle, outcome: Attempt, attempts: u32) -> SdkError<ErrorMetadata> {
    match outcome {
        Attempt::Dispatch(e) if e.is_timeout() => SdkError::timeout_error(e),
        Attempt::Dispatch(e) => SdkError::dispatch_failure(e),
        Attempt::Response(response, _) => {
            let meta = (handle.service.error_metadata)(&response).with_attempts(attempts);
            SdkError::service_error(meta, response)
        }
    }
}

/// Whether a response body is an XML document whose root element is `<Error>` (after an
/// optional XML declaration and whitespace), as S3 sends in a 200 response when a copy or a
/// multipart completion fails after it started answering.
pub fn is_error_document(body: &[u8]) -> bool {
    let mut rest = body.trim_ascii_start();
    if rest.starts_with(b"<?xml") {
        match rest.windows(2).position(|w| w == b"?>") {
            Some(end) => rest = rest[end + 2..].trim_ascii_start(),
            None => return false,
        }
    }
    rest.strip_prefix(b"<Error").is_some_and(|after| matches!(after.first(), Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/')))
}

/// A modelled error structure: receives the response's metadata once its body is read.
pub trait ModeledError: Sized {
    /// Attaches metadata (and fills the message from it when the body had none).
    fn with_meta(self, meta: ErrorMetadata) -> Self;
}

/// A modelled error this crate's protocol reads from an error response (`src/protocol.rs`
/// implements it for every error shape an operation can return).
pub trait ReadError: ModeledError {
    /// Reads the error structure from the response (its body, and headers where bound).
    fn read(response: &HttpResponse) -> Result<Self, DeserializeError>;
}

/// One arm of an operation's error reader: the modelled error `T` read from `response`, given
/// `meta` and wrapped in the operation's error by `wrap` (its variant); when the body cannot be
/// read, the operation error's unhandled variant with the reason and `meta`.
pub fn read_modeled<T: ReadError, E: super::error::CreateUnhandledError>(response: &HttpResponse, meta: ErrorMetadata, wrap: fn(T) -> E) -> E {
    // Instantiated once per (error, operation) pair: keep it to the wrapping.
    match read_with_meta::<T>(response, meta) {
        Ok(err) => wrap(err),
        Err((source, meta)) => E::create_unhandled_error(source, Some(meta)),
    }
}

/// Instantiated once per error shape.
fn read_with_meta<T: ReadError>(response: &HttpResponse, meta: ErrorMetadata) -> Result<T, (super::error::BoxError, ErrorMetadata)> {
    match T::read(response) {
        Ok(err) => Ok(err.with_meta(meta)),
        Err(e) => Err((Box::new(e), meta)),
    }
}

/// The last arm of an operation's error reader: an error response that matched no modelled
/// error becomes the unhandled variant, described by its code or status.
pub fn unhandled<E: super::error::CreateUnhandledError>(response: &HttpResponse, meta: ErrorMetadata) -> E {
    E::create_unhandled_error(Box::new(unhandled_description(response, &meta)), Some(meta))
}

/// How much of a streaming response body the error of an unreadable response keeps.
pub const MAX_UNREADABLE_STREAM_BODY: usize = 1 << 20;

/// A 2xx streaming response whose headers could not be read into the output: the start of its
/// body (up to [`MAX_UNREADABLE_STREAM_BODY`] bytes; less if reading it fails) joins the raw
/// response the error keeps, as a buffered response keeps its whole body.
pub async fn with_stream_body(response: HttpResponse, mut body: ByteStream) -> HttpResponse {
    let (status, headers, _) = response.into_parts();
    let mut bytes = Vec::new();
    while bytes.len() < MAX_UNREADABLE_STREAM_BODY {
        match body.next().await {
            Some(Ok(chunk)) => {
                let take = chunk.len().min(MAX_UNREADABLE_STREAM_BODY - bytes.len());
                bytes.extend_from_slice(&chunk[..take]);
            }
            _ => break,
        }
    }
    HttpResponse::new(status, headers, bytes)
}

/// Metadata of a successful response whose body could not be read.
pub fn response_metadata(response: &HttpResponse, attempts: u32) -> ErrorMetadata {
    let mut meta = ErrorMetadata::builder().status(response.status().as_u16());
    if let Some(id) = response.request_id() {
        meta = meta.request_id(id);
    }
    meta.build().with_attempts(attempts)
}

/// A description of an error response that matched no modelled error, for its unhandled variant.
pub fn unhandled_description(response: &HttpResponse, meta: &ErrorMetadata) -> MessageError {
    let status = response.status();
    MessageError(match meta.code() {
        Some(code) => format!("unhandled error ({code}) with HTTP status {status}"),
        None if response.body().is_empty() => format!("HTTP status {status} with an empty body"),
        None => format!("HTTP status {status} with no error code in its {} body bytes", response.body().len()),
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
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[(b >> 4) as usize]));
        out.push(char::from(HEX[(b & 0xf) as usize]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 64 random bits from the standard library's randomly seeded hasher (no extra dependency).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(d) = SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(d.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::primitives::DateTime;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let a = new_uuid();
        let b = new_uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn endpoint_url_from_the_input_replaces_the_resolved_one() {
        let endpoint = Endpoint { url: "https://example.com/base".into(), headers: Default::default(), properties: Default::default() };
        let mut parts = RequestParts::new(http::Method::POST, "/");
        assert_eq!(request_url(&endpoint, &parts).unwrap(), "https://example.com/base/");
        parts.endpoint_url = Some("https://custom.example.com/".into());
        assert_eq!(request_url(&endpoint, &parts).unwrap(), "https://custom.example.com/");
        parts.endpoint_url = Some("http://127.0.0.1:8080/ml/".into());
        parts.uri = "/?a=b".into();
        assert_eq!(request_url(&endpoint, &parts).unwrap(), "http://127.0.0.1:8080/ml/?a=b");
        parts.endpoint_url = Some("custom.example.com".into());
        assert!(request_url(&endpoint, &parts).is_err(), "a URL without a scheme is refused");
        // The signing scope still comes from the resolved endpoint and the configured region.
        assert_eq!(signing_scope(&endpoint, Some("us-east-1"), "machinelearning"), (Some("us-east-1".into()), "machinelearning".into()));
    }

    static TEST_SERVICE: ServiceSpec = ServiceSpec {
        name: "Test",
        error_metadata: super::super::aws_json::error_metadata,
        endpoint_prefix: "test",
        env_name: "TEST",
        signing_name: "test",
        user_agent: "test/0.1.0",
        endpoint_rules: "",
        default_headers: &[("accept", "application/json")],
        retryable_errors: &[],
        signing: super::super::sigv4::SigningSettings::STANDARD,
    };
    static COMPRESSED_OP: OperationSpec = OperationSpec {
        name: "Put",
        signed: true,
        idempotent: false,
        request_compression: &["gzip"],
        content_md5: false,
        error_in_ok_response: false,
        checksum: None,
        endpoint_params: &[],
    };

    fn read_error(_: &HttpResponse, _: ErrorMetadata) -> MessageError {
        MessageError("error".into())
    }

    /// Sends `body` through `invoke` with the mock transport; returns what went on the wire.
    fn send(config: impl FnOnce(super::super::config::Builder) -> super::super::config::Builder, body: &[u8], endpoint_url: Option<&str>) -> super::super::mock::RecordedRequest {
        let mock = super::super::mock::MockHttpClient::new();
        let handle = Handle::new(config(mock.config_builder()).build(), &TEST_SERVICE);
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.body = body.to_vec();
        parts.endpoint_url = endpoint_url.map(str::to_string);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let result = runtime.block_on(invoke(&handle, &COMPRESSED_OP, parts, read_error));
        assert!(result.is_ok(), "{:?}", result.err());
        mock.requests().pop().expect("a request was sent")
    }

    #[test]
    fn invoke_sends_to_the_endpoint_url_from_the_input_and_signs_for_the_region() {
        let req = send(|b| b, b"{}", Some("https://custom.example.com/"));
        assert_eq!(req.uri, "https://custom.example.com/");
        assert!(req.header("authorization").unwrap().contains("/us-east-1/test/aws4_request"));
        let req = send(|b| b, b"{}", None);
        assert_eq!(req.uri, "http://mock.invalid/");
    }

    #[test]
    fn invoke_adds_the_service_default_headers() {
        let req = send(|b| b, b"{}", None);
        assert_eq!(req.header("accept"), Some("application/json"));
    }

    static S3_STYLE_SERVICE: ServiceSpec = ServiceSpec {
        signing: super::super::sigv4::SigningSettings { normalize_uri_path: false, content_sha256_header: true, ..super::super::sigv4::SigningSettings::STANDARD },
        ..TEST_SERVICE
    };
    static ERROR_IN_200_OP: OperationSpec = OperationSpec {
        name: "CopyObject",
        signed: true,
        idempotent: true,
        request_compression: &[],
        content_md5: false,
        error_in_ok_response: true,
        checksum: None,
        endpoint_params: &[],
    };
    static CHECKSUM_SPEC: super::super::checksum::ChecksumSpec =
        super::super::checksum::ChecksumSpec { request_checksum: true, response_algorithms: &["CRC32C", "CRC32", "SHA256"] };
    static CHECKSUM_OP: OperationSpec = OperationSpec { name: "PutObject", checksum: Some(&CHECKSUM_SPEC), error_in_ok_response: false, ..ERROR_IN_200_OP };

    /// Invokes `op` of `service` with `parts` against one canned response.
    fn invoke_once(service: &'static ServiceSpec, op: &'static OperationSpec, parts: RequestParts, response: super::super::mock::MockResponse) -> (Result<Success, SdkError<MessageError>>, Vec<super::super::mock::RecordedRequest>) {
        let mock = super::super::mock::MockHttpClient::new().with_response(response);
        let config = mock.config_builder().retry_config(super::super::retry::RetryConfig::standard().with_max_attempts(1)).build();
        let handle = Handle::new(config, service);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let result = runtime.block_on(invoke(&handle, op, parts, read_error));
        (result, mock.requests())
    }

    #[test]
    fn error_documents_in_200_responses_are_errors_for_the_operations_that_send_them() {
        assert!(is_error_document(b"<Error><Code>InternalError</Code></Error>"));
        assert!(is_error_document(b"\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error>\n<Code>SlowDown</Code></Error>"));
        assert!(!is_error_document(b"<?xml version=\"1.0\"?><CopyObjectResult><ETag>x</ETag></CopyObjectResult>"));
        assert!(!is_error_document(b"<Errors/>") && !is_error_document(b""));
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>";
        let (result, _) = invoke_once(&TEST_SERVICE, &ERROR_IN_200_OP, RequestParts::new(http::Method::PUT, "/k"), super::super::mock::MockResponse::new(200, body));
        match result {
            Err(SdkError::ServiceError(e)) => assert_eq!(e.raw().status().as_u16(), 200),
            other => panic!("expected a service error, got {:?}", other.map(|s| s.response.status())),
        }
        // Operations without the customisation take the 200 as it is.
        let (result, _) = invoke_once(&TEST_SERVICE, &PLAIN_OP, RequestParts::new(http::Method::PUT, "/k"), super::super::mock::MockResponse::new(200, body));
        assert!(result.is_ok());
        // A successful copy passes.
        let ok = "<?xml version=\"1.0\"?><CopyObjectResult><ETag>x</ETag></CopyObjectResult>";
        let (result, _) = invoke_once(&TEST_SERVICE, &ERROR_IN_200_OP, RequestParts::new(http::Method::PUT, "/k"), super::super::mock::MockResponse::new(200, ok));
        assert!(result.is_ok());
    }

    #[test]
    fn s3_style_services_send_the_payload_hash() {
        let mut parts = RequestParts::new(http::Method::PUT, "/a//b");
        parts.body = b"Hello world".to_vec();
        let (result, requests) = invoke_once(&S3_STYLE_SERVICE, &PLAIN_OP, parts.clone(), super::super::mock::MockResponse::new(200, ""));
        assert!(result.is_ok());
        assert_eq!(requests[0].header("x-amz-content-sha256"), Some(super::super::sigv4::sha256_hex(b"Hello world").as_str()));
        assert!(requests[0].header("authorization").unwrap().contains("x-amz-content-sha256"));
        let (_, requests) = invoke_once(&TEST_SERVICE, &PLAIN_OP, parts, super::super::mock::MockResponse::new(200, ""));
        assert_eq!(requests[0].header("x-amz-content-sha256"), None);
    }

    #[test]
    fn flexible_checksums_are_sent_and_validated() {
        let mut parts = RequestParts::new(http::Method::PUT, "/k");
        parts.body = b"Hello world".to_vec();
        parts.checksum_algorithm = Some("CRC32C".into());
        let (result, requests) = invoke_once(&S3_STYLE_SERVICE, &CHECKSUM_OP, parts.clone(), super::super::mock::MockResponse::new(200, ""));
        assert!(result.is_ok());
        assert_eq!(requests[0].header("x-amz-checksum-crc32c"), Some("crUfeA=="));
        assert_eq!(requests[0].header("x-amz-sdk-checksum-algorithm"), Some("CRC32C"));
        // The checksum header is signed.
        assert!(requests[0].header("authorization").unwrap().contains("x-amz-checksum-crc32c"));
        // Validation: only when asked, and a mismatch is a response error.
        let bad = || super::super::mock::MockResponse::new(200, "Hello world!").header("x-amz-checksum-crc32c", "crUfeA==");
        let (result, _) = invoke_once(&S3_STYLE_SERVICE, &CHECKSUM_OP, parts.clone(), bad());
        assert!(result.is_ok(), "not validated unless asked");
        parts.validate_response_checksum = true;
        let (result, _) = invoke_once(&S3_STYLE_SERVICE, &CHECKSUM_OP, parts.clone(), bad());
        let err = result.err().expect("a checksum mismatch fails the call");
        assert!(matches!(err, SdkError::ResponseError(_)));
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(source.downcast_ref::<super::super::checksum::ChecksumMismatch>().expect("a checksum mismatch").algorithm, "CRC32C");
        let good = super::super::mock::MockResponse::new(200, "Hello world").header("x-amz-checksum-crc32c", "crUfeA==");
        assert!(invoke_once(&S3_STYLE_SERVICE, &CHECKSUM_OP, parts, good).0.is_ok());
    }

    static S3_DOC_SERVICE: ServiceSpec = ServiceSpec { signing_name: "s3", default_headers: &[], ..S3_STYLE_SERVICE };

    #[test]
    fn presign_matches_the_s3_documentation_example_and_sends_nothing() {
        use super::super::presigning::PresigningConfig;
        let mock = super::super::mock::MockHttpClient::new();
        let config = mock
            .config_builder()
            .endpoint_url("https://examplebucket.s3.amazonaws.com")
            .credentials_provider(Credentials::from_keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None))
            .build();
        let handle = Handle::new(config, &S3_DOC_SERVICE);
        let start = std::time::UNIX_EPOCH + Duration::from_secs(1_369_353_600);
        let presigning = PresigningConfig::builder().expires_in(Duration::from_secs(86_400)).start_time(start).build().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let parts = RequestParts::new(http::Method::GET, "/test.txt");
        let presigned = runtime.block_on(presign::<MessageError>(&handle, &PLAIN_OP, parts, &presigning)).unwrap();
        assert_eq!(presigned.method(), "GET");
        assert_eq!(
            presigned.uri(),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert_eq!(presigned.headers().count(), 0);
        assert!(mock.requests().is_empty(), "presigning sends nothing");
        // The operation's headers are signed and returned; a query the operation has is kept.
        let mut parts = RequestParts::new(http::Method::PUT, "/k?x-id=PutObject");
        parts.header("content-type", "text/plain").unwrap();
        let presigned = runtime.block_on(presign::<MessageError>(&handle, &PLAIN_OP, parts, &presigning)).unwrap();
        assert!(presigned.uri().starts_with("https://examplebucket.s3.amazonaws.com/k?x-id=PutObject&X-Amz-Algorithm="), "{}", presigned.uri());
        assert!(presigned.uri().contains("X-Amz-SignedHeaders=content-type%3Bhost&"), "{}", presigned.uri());
        assert_eq!(presigned.headers().collect::<Vec<_>>(), vec![("content-type", "text/plain")]);
    }

    #[cfg(feature = "content-md5")]
    #[test]
    fn content_md5_is_base64_of_the_body_md5() {
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.body = br#"{"foo":"base64 encoded md5 checksum"}"#.to_vec();
        add_content_md5(&mut parts).unwrap();
        assert_eq!(parts.headers["content-md5"], "iB0/3YSo7maijL0IGOgA9g==");
    }

    #[test]
    fn glacier_tree_hash_of_small_and_multi_chunk_bodies() {
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.body = b"hello world".to_vec();
        super::super::sigv4::add_tree_hash_headers(&mut parts);
        let h = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
        assert_eq!((parts.headers["x-amz-content-sha256"].to_str().unwrap(), parts.headers["x-amz-sha256-tree-hash"].to_str().unwrap()), (h, h));
        // Three 1 MiB chunks: hash(hash(h0 + h1) + h2).
        use sha2::{Digest, Sha256};
        let body: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
        let c: Vec<[u8; 32]> = body.chunks(1024 * 1024).map(|c| Sha256::digest(c).into()).collect();
        let mut h01 = Sha256::new();
        h01.update(c[0]);
        h01.update(c[1]);
        let h01: [u8; 32] = h01.finalize().into();
        let mut root = Sha256::new();
        root.update(h01);
        root.update(c[2]);
        let want: String = root.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.body = body;
        super::super::sigv4::add_tree_hash_headers(&mut parts);
        assert_eq!(parts.headers["x-amz-sha256-tree-hash"].to_str().unwrap(), want);
    }

    #[test]
    fn invoke_compresses_only_above_the_threshold_and_when_enabled() {
        let big = vec![b'a'; 10_240];
        let req = send(|b| b, &big[..10_239], None);
        assert_eq!((req.header("content-encoding"), req.body.len()), (None, 10_239), "below the default minimum");
        let req = send(|b| b.disable_request_compression(true), &big, None);
        assert_eq!((req.header("content-encoding"), req.body.len()), (None, 10_240), "disabled");
        let req = send(|b| b.request_min_compression_size_bytes(0), b"{}", None);
        if cfg!(feature = "request-compression") {
            assert_eq!(req.header("content-encoding"), Some("gzip"));
            assert_eq!(req.header("content-length"), Some(req.body.len().to_string().as_str()));
            let req = send(|b| b, &big, None);
            assert_eq!(req.header("content-encoding"), Some("gzip"), "at the default minimum");
            assert!(req.body.len() < 10_240);
        } else {
            assert_eq!((req.header("content-encoding"), req.body.as_slice()), (None, &b"{}"[..]), "no encoder in this build");
        }
    }

    /// Counts its calls; hands out credentials valid for an hour, or fails.
    #[derive(Debug, Default)]
    struct CountingProvider {
        calls: std::sync::atomic::AtomicUsize,
        fail: bool,
    }

    impl ProvideCredentials for CountingProvider {
        fn provide_credentials<'a>(&'a self) -> super::super::credentials::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            super::super::credentials::future::ProvideCredentials::ready(match self.fail {
                true => Err(CredentialsError::provider_error("the vault is sealed")),
                false => Ok(Credentials::new(format!("AKIDCOUNT{n}"), "s", None, Some(SystemTime::now() + Duration::from_secs(3600)), "Counting")),
            })
        }
    }

    /// Signed operations ask the configuration's provider (through its cache) on every
    /// attempt; unsigned ones never do; a failing provider is a construction failure and
    /// nothing is sent.
    #[test]
    fn credentials_come_from_the_cached_provider_for_signed_operations_only() {
        static UNSIGNED_OP: OperationSpec = OperationSpec { name: "Public", signed: false, request_compression: &[], ..COMPRESSED_OP };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let mock = super::super::mock::MockHttpClient::new();
        let provider = Arc::new(CountingProvider::default());
        let handle = Handle::new(mock.config_builder().credentials_provider(provider.clone()).build(), &TEST_SERVICE);
        for op in [&COMPRESSED_OP, &COMPRESSED_OP, &UNSIGNED_OP] {
            let result = runtime.block_on(invoke(&handle, op, RequestParts::new(http::Method::POST, "/"), read_error));
            assert!(result.is_ok(), "{:?}", result.err());
        }
        assert_eq!(provider.calls.load(std::sync::atomic::Ordering::SeqCst), 1, "cached");
        let requests = mock.requests();
        assert!(requests[1].header("authorization").unwrap().contains("Credential=AKIDCOUNT1/"));
        assert_eq!(requests[2].header("authorization"), None);

        let failing = Arc::new(CountingProvider { fail: true, ..CountingProvider::default() });
        let handle = Handle::new(mock.config_builder().credentials_provider(failing.clone()).build(), &TEST_SERVICE);
        let Err(err) = runtime.block_on(invoke(&handle, &COMPRESSED_OP, RequestParts::new(http::Method::POST, "/"), read_error)) else {
            panic!("a failing provider must fail the call")
        };
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert!(format!("{}", super::super::error::DisplayErrorContext(&err)).contains("could not load AWS credentials: the vault is sealed"), "{err:?}");
        assert_eq!(mock.requests().len(), 3, "nothing more was sent");
        // The same failure for a presigned request.
        let presigning = super::super::presigning::PresigningConfig::expires_in(Duration::from_secs(60)).unwrap();
        let err = runtime.block_on(presign::<MessageError>(&handle, &COMPRESSED_OP, RequestParts::new(http::Method::GET, "/"), &presigning)).unwrap_err();
        assert!(format!("{}", super::super::error::DisplayErrorContext(&err)).contains("the vault is sealed"), "{err:?}");
    }

    const RULES: &str = r#"{"version":"1.0","parameters":{
        "Region":{"type":"String","builtIn":"AWS::Region","required":false},
        "ForcePathStyle":{"type":"Boolean","builtIn":"AWS::S3::ForcePathStyle","required":false},
        "Bucket":{"type":"String","required":false},
        "Control":{"type":"Boolean","required":false}},
      "rules":[
        {"type":"endpoint","conditions":[{"fn":"isSet","argv":[{"ref":"Control"}]},{"fn":"booleanEquals","argv":[{"ref":"Control"},true]}],
         "endpoint":{"url":"https://control.{Region}.example.com"}},
        {"type":"endpoint","conditions":[{"fn":"isSet","argv":[{"ref":"Bucket"}]},{"fn":"isSet","argv":[{"ref":"ForcePathStyle"}]},{"fn":"booleanEquals","argv":[{"ref":"ForcePathStyle"},true]}],
         "endpoint":{"url":"https://{Region}.example.com/{Bucket}"}},
        {"type":"endpoint","conditions":[{"fn":"isSet","argv":[{"ref":"Bucket"}]}],"endpoint":{"url":"https://{Bucket}.{Region}.example.com"}},
        {"type":"endpoint","conditions":[],"endpoint":{"url":"https://{Region}.example.com"}}]}"#;
    static RULES_SERVICE: ServiceSpec = ServiceSpec { endpoint_rules: RULES, ..TEST_SERVICE };
    static PLAIN_OP: OperationSpec = OperationSpec { name: "Plain", signed: true, idempotent: false, request_compression: &[], content_md5: false, error_in_ok_response: false, checksum: None, endpoint_params: &[] };
    static CONTROL_OP: OperationSpec =
        OperationSpec { name: "Control", signed: true, idempotent: false, request_compression: &[], content_md5: false, error_in_ok_response: false, checksum: None, endpoint_params: &[("Control", StaticParam::Bool(true))] };
    static BUCKET_OP: OperationSpec = OperationSpec { name: "Bucket", signed: true, idempotent: false, request_compression: &[], content_md5: false, error_in_ok_response: false, checksum: None, endpoint_params: &[] };

    fn rules_handle(f: impl FnOnce(super::super::config::Builder) -> super::super::config::Builder) -> Handle {
        Handle::new(f(Config::builder().ignore_environment().region("us-west-2")).build(), &RULES_SERVICE)
    }

    fn bucket(name: &str) -> Params {
        [("Bucket".to_string(), ParamValue::String(name.into()))].into_iter().collect()
    }

    #[test]
    fn endpoint_params_merge_builtins_client_context_static_and_input() {
        let handle = rules_handle(|b| b);
        let url = |op: &OperationSpec, p: &Params| handle.endpoint_for(op, p).unwrap().url.clone();
        assert_eq!(url(&PLAIN_OP, &Params::new()), "https://us-west-2.example.com");
        assert_eq!(url(&CONTROL_OP, &Params::new()), "https://control.us-west-2.example.com", "static parameter");
        assert_eq!(url(&BUCKET_OP, &bucket("b1")), "https://b1.us-west-2.example.com", "parameter from the input");
        let path_style = rules_handle(|b| b.client_context_param("ForcePathStyle", true));
        assert_eq!(path_style.endpoint_for(&BUCKET_OP, &bucket("b1")).unwrap().url, "https://us-west-2.example.com/b1", "client context parameter");
        // The input wins over the client's values for the same name.
        let region: Params = [("Region".to_string(), ParamValue::String("eu-west-1".into()))].into_iter().collect();
        assert_eq!(url(&BUCKET_OP, &region), "https://eu-west-1.example.com");
        // Unknown static types never reach the engine with the wrong shape.
        assert_eq!(StaticParam::StringList(&["a"]).value(), ParamValue::StringArray(vec!["a".into()]));
    }

    #[test]
    fn invoke_resolves_the_endpoint_with_the_operation_and_input_params() {
        let mock = super::super::mock::MockHttpClient::new();
        // The rule set has no `SDK::Endpoint` parameter: the mock's endpoint URL is not used.
        let handle = Handle::new(mock.config_builder().client_context_param("ForcePathStyle", true).build(), &RULES_SERVICE);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let mut parts = RequestParts::new(http::Method::POST, "/");
        parts.endpoint_params = bucket("b1");
        runtime.block_on(invoke(&handle, &BUCKET_OP, parts, read_error)).expect("sent");
        runtime.block_on(invoke(&handle, &CONTROL_OP, RequestParts::new(http::Method::POST, "/"), read_error)).expect("sent");
        let uris: Vec<String> = mock.requests().into_iter().map(|r| r.uri).collect();
        assert_eq!(uris, ["https://us-east-1.example.com/b1/", "https://control.us-east-1.example.com/"]);
    }

    #[test]
    fn endpoints_are_cached_per_operation_parameter_set_and_bounded() {
        let handle = rules_handle(|b| b);
        let cached = |h: &Handle| h.endpoint_cache.lock().unwrap().entries.len();
        handle.endpoint_for(&PLAIN_OP, &Params::new()).unwrap();
        assert_eq!(cached(&handle), 0, "operations without parameters use the client's endpoint");
        let a = handle.endpoint_for(&BUCKET_OP, &bucket("a")).unwrap();
        let again = handle.endpoint_for(&BUCKET_OP, &bucket("a")).unwrap();
        assert!(Arc::ptr_eq(&a, &again), "the second call is served from the cache");
        handle.endpoint_for(&CONTROL_OP, &Params::new()).unwrap();
        assert_eq!(cached(&handle), 2);
        for i in 0..100 {
            handle.endpoint_for(&BUCKET_OP, &bucket(&format!("b{i}"))).unwrap();
        }
        assert_eq!(cached(&handle), ENDPOINT_CACHE_SIZE);
        assert_eq!(handle.endpoint_for(&BUCKET_OP, &bucket("b99")).unwrap().url, "https://b99.us-west-2.example.com");
        // Errors are cached too, and reported as the rule set's message.
        let no_region = Handle::new(Config::builder().ignore_environment().build(), &RULES_SERVICE);
        assert!(no_region.endpoint_for(&BUCKET_OP, &bucket("a")).is_err());
    }

    #[test]
    fn signing_scope_prefers_auth_schemes() {
        let mut endpoint = Endpoint { url: "https://x".into(), headers: Default::default(), properties: Default::default() };
        assert_eq!(signing_scope(&endpoint, Some("us-east-1"), "svc"), (Some("us-east-1".into()), "svc".into()));
        endpoint.properties.insert(
            "authSchemes".into(),
            serde_json::json!([{"name": "sigv4", "signingRegion": "us-gov-west-1", "signingName": "other"}]),
        );
        assert_eq!(signing_scope(&endpoint, Some("us-east-1"), "svc"), (Some("us-gov-west-1".into()), "other".into()));
    }

    #[test]
    fn signing_settings_follow_the_auth_scheme() {
        use super::super::sigv4::{SigningSettings, UriEncoding};
        let s3_service = SigningSettings { normalize_uri_path: false, content_sha256_header: true, ..SigningSettings::STANDARD };
        let mut endpoint = Endpoint { url: "https://b.s3.amazonaws.com".into(), headers: Default::default(), properties: Default::default() };
        assert_eq!(signing_settings(s3_service, &endpoint), s3_service);
        // S3's rules: `sigv4a` first, then `sigv4` with `disableDoubleEncoding`.
        endpoint.properties.insert(
            "authSchemes".into(),
            serde_json::json!([{"name": "sigv4a", "disableDoubleEncoding": false}, {"name": "sigv4", "signingName": "s3", "signingRegion": "us-east-1", "disableDoubleEncoding": true}]),
        );
        assert_eq!(signing_settings(s3_service, &endpoint), SigningSettings::s3());
        let standard = signing_settings(SigningSettings::STANDARD, &endpoint);
        assert_eq!((standard.uri_encoding, standard.normalize_uri_path, standard.content_sha256_header), (UriEncoding::Single, true, false));
    }

    // ---- streaming bodies ----

    static STREAM_OP: OperationSpec =
        OperationSpec { name: "Stream", signed: true, idempotent: true, request_compression: &[], content_md5: false, error_in_ok_response: false, checksum: None, endpoint_params: &[] };
    static UNSIGNED_STREAM_OP: OperationSpec =
        OperationSpec { name: "UnsignedStream", signed: false, idempotent: true, request_compression: &[], content_md5: false, error_in_ok_response: false, checksum: None, endpoint_params: &[] };

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(f)
    }

    fn stream_parts(body: ByteStream) -> RequestParts {
        let mut parts = RequestParts::new(http::Method::PUT, "/object");
        super::super::rest::set_streaming_payload(&mut parts, &body, false, "Body").unwrap();
        parts
    }

    fn temp_file(name: &str, data: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("smithy-lite-{}-{name}", std::process::id()));
        std::fs::write(&path, data).unwrap();
        path
    }

    /// A body of unknown length (no exact size hint).
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

    #[test]
    fn streaming_output_is_read_chunk_by_chunk() {
        use super::super::mock::{MockHttpClient, MockResponse};
        let mock = MockHttpClient::new().with_response(MockResponse::chunked(200, ["ab", "cd", "ef"]).header("x-amzn-requestid", "r1"));
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        block_on(async {
            let out = invoke_streaming(&handle, &STREAM_OP, RequestParts::new(http::Method::GET, "/o"), read_error).await.unwrap();
            assert_eq!((out.response.status().as_u16(), out.response.request_id(), out.attempts), (200, Some("r1"), 1));
            let mut body = out.body;
            assert_eq!(body.content_length(), Some(6));
            assert_eq!(&body.next().await.unwrap().unwrap()[..], b"ab");
            assert_eq!(&body.try_next().await.unwrap().unwrap()[..], b"cd");
            assert_eq!(&body.collect().await.unwrap().into_bytes()[..], b"ef", "collect reads the rest");
        });
        // A buffered call of the same mock gets the chunks joined; collect() of a fresh stream
        // gets them all.
        let mock = MockHttpClient::new().with_response(MockResponse::chunked(200, ["ab", "cd", "ef"]));
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        block_on(async {
            let out = invoke_streaming(&handle, &STREAM_OP, RequestParts::new(http::Method::GET, "/o"), read_error).await.unwrap();
            assert_eq!(out.body.collect().await.unwrap().to_vec(), b"abcdef");
            let out = invoke(&handle, &STREAM_OP, RequestParts::new(http::Method::GET, "/o"), read_error).await.unwrap();
            assert_eq!(out.response.body(), b"abcdef");
        });
    }

    #[test]
    fn error_responses_of_streaming_operations_are_buffered() {
        use super::super::mock::{MockHttpClient, MockResponse};
        let mock = MockHttpClient::new().with_response(MockResponse::chunked(404, [&br#"{"__type":"NoSuch"#[..], br#"Key","message":"gone"}"#]));
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        let err = block_on(invoke_streaming(&handle, &STREAM_OP, RequestParts::new(http::Method::GET, "/o"), read_error)).err().expect("an error");
        let raw = err.raw_response().expect("a response");
        assert_eq!((raw.status().as_u16(), raw.body()), (404, &br#"{"__type":"NoSuchKey","message":"gone"}"#[..]));
    }

    #[test]
    fn file_upload_is_streamed_and_signed_as_the_same_bytes_in_memory() {
        use super::super::mock::MockHttpClient;
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = temp_file("upload", &data);
        let mock = MockHttpClient::new();
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        block_on(async {
            let body = ByteStream::read_from().path(&path).buffer_size(7_000).build().await.unwrap();
            assert_eq!(body.bytes(), None, "a file is not read into memory");
            let parts = stream_parts(body);
            assert!(parts.stream.is_some() && parts.body.is_empty());
            invoke(&handle, &STREAM_OP, parts, read_error).await.unwrap();
        });
        let sent = mock.requests().pop().unwrap();
        assert_eq!(sent.body, data);
        assert_eq!(sent.header("content-length"), Some("200000"));
        // The signature is the one the buffered path computes for the same request and bytes.
        let date = sent.header("x-amz-date").unwrap().to_string();
        let rfc3339 = format!("{}-{}-{}T{}:{}:{}Z", &date[0..4], &date[4..6], &date[6..8], &date[9..11], &date[11..13], &date[13..15]);
        let secs = DateTime::from_str(&rfc3339, super::super::primitives::DateTimeFormat::DateTime).unwrap().secs();
        let time = std::time::UNIX_EPOCH + Duration::from_secs(secs as u64);
        let mut buffered = http::Request::builder().method(sent.method.as_str()).uri(sent.uri.as_str()).body(data.clone()).unwrap();
        for (k, v) in &sent.headers {
            if k != "authorization" {
                buffered.headers_mut().append(k.clone(), v.clone());
            }
        }
        let creds = super::super::credentials::Credentials::new("AKIDMOCK", "mock-secret", None, None, "test");
        super::super::sigv4::sign(&mut buffered, &creds, "us-east-1", "test", time).unwrap();
        assert_eq!(buffered.headers()["authorization"], sent.headers["authorization"]);
        // A body given as bytes takes the buffered path.
        let parts = stream_parts(ByteStream::new(data.clone()));
        assert!(parts.stream.is_none() && parts.body == data);
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn replayable_bodies_are_resent_and_consumed_one_shot_bodies_are_not() {
        use super::super::mock::{MockHttpClient, MockResponse};
        if !can_sleep() {
            return; // no retries without a timer
        }
        let data = b"file contents".to_vec();
        let path = temp_file("replay", &data);
        let retry_then_ok = || MockHttpClient::new().with_response(MockResponse::new(500, "{}")).with_response(MockResponse::new(200, "{}"));
        // A file is reopened for the retry.
        let mock = retry_then_ok();
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        let out = block_on(async {
            let body = ByteStream::from_path(&path).await.unwrap();
            invoke(&handle, &STREAM_OP, stream_parts(body), read_error).await.unwrap()
        });
        assert_eq!(out.attempts, 2);
        assert!(mock.requests().iter().all(|r| r.body == data));
        // A one-shot stream sent unsigned is consumed by the first attempt: no retry.
        let mock = retry_then_ok();
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        let body = ByteStream::from_chunks([bytes::Bytes::from_static(b"one "), bytes::Bytes::from_static(b"shot")]);
        let err = block_on(invoke(&handle, &UNSIGNED_STREAM_OP, stream_parts(body), read_error)).err().expect("not retried");
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
        assert_eq!(mock.requests().len(), 1);
        assert_eq!(mock.requests()[0].body, b"one shot");
        // Signing reads a one-shot stream into memory (to hash it), which makes it replayable.
        let mock = retry_then_ok();
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        let body = ByteStream::from_chunks([bytes::Bytes::from_static(b"one "), bytes::Bytes::from_static(b"shot")]);
        let out = block_on(invoke(&handle, &STREAM_OP, stream_parts(body), read_error)).unwrap();
        assert_eq!((out.attempts, mock.requests().len()), (2, 2));
        assert!(mock.requests().iter().all(|r| r.body == b"one shot"));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn requires_length_refuses_a_body_of_unknown_length_before_sending() {
        use super::super::rest::set_streaming_payload;
        let mut parts = RequestParts::new(http::Method::PUT, "/o");
        let unknown = ByteStream::from_body_1_x(Unsized(Some(bytes::Bytes::from_static(b"data"))));
        assert_eq!(unknown.content_length(), None);
        let err = set_streaming_payload(&mut parts, &unknown, true, "Body").unwrap_err();
        assert!(err.to_string().contains("@requiresLength"), "{err}");
        assert!(parts.stream.is_none());
        // Known lengths pass and are sent as Content-Length; unknown ones without the trait go
        // out without it (chunked).
        let known = ByteStream::from_chunks([bytes::Bytes::from_static(b"da"), bytes::Bytes::from_static(b"ta")]);
        set_streaming_payload(&mut parts, &known, true, "Body").unwrap();
        let mock = super::super::mock::MockHttpClient::new();
        let handle = Handle::new(mock.config(), &TEST_SERVICE);
        block_on(invoke(&handle, &UNSIGNED_STREAM_OP, parts, read_error)).unwrap();
        let sent = mock.requests().pop().unwrap();
        assert_eq!((sent.header("content-length"), sent.body.as_slice()), (Some("4"), &b"data"[..]));
        let mut parts = RequestParts::new(http::Method::PUT, "/o");
        set_streaming_payload(&mut parts, &unknown, false, "Body").unwrap();
        block_on(invoke(&handle, &UNSIGNED_STREAM_OP, parts, read_error)).unwrap();
        let sent = mock.requests().pop().unwrap();
        assert_eq!((sent.header("content-length"), sent.body.as_slice()), (None, &b"data"[..]));
    }

    #[test]
    fn file_ranges_and_missing_files() {
        let path = temp_file("range", b"0123456789");
        block_on(async {
            use super::super::primitives::Length;
            let s = ByteStream::read_from().path(&path).offset(2).length(Length::Exact(5)).buffer_size(2).build().await.unwrap();
            assert_eq!(s.content_length(), Some(5));
            let mut chunks = Vec::new();
            let mut c = s.clone();
            while let Some(chunk) = c.try_next().await.unwrap() {
                chunks.push(chunk.to_vec());
            }
            assert_eq!(chunks, [b"23".to_vec(), b"45".to_vec(), b"6".to_vec()]);
            assert_eq!(s.collect().await.unwrap().to_vec(), b"23456", "a clone reads from the start");
            let s = ByteStream::read_from().path(&path).offset(8).length(Length::UpTo(100)).build().await.unwrap();
            assert_eq!(s.collect().await.unwrap().to_vec(), b"89");
            assert!(ByteStream::read_from().path(&path).offset(8).length(Length::Exact(3)).build().await.is_err());
            assert!(ByteStream::from_path(path.with_extension("missing")).await.is_err());
        });
        let _ = std::fs::remove_file(path);
    }
}
