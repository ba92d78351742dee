//! The credential links that ask a local HTTP endpoint: the ECS (and EKS Pod Identity)
//! container credentials endpoint, and the EC2 instance metadata service (IMDS).
//!
//! Both use the client's HTTP client when one is configured (so tests can point them at a
//! loopback server or the mock transport), else the default client with a short connect
//! timeout, and bound each request with a read timeout: a laptop that is neither in a
//! container nor on EC2 gets a "nothing here" answer within about a second.

use super::credentials::{credentials_from_json, future, Credentials, CredentialsError, ProvideCredentials};
use super::credentials_chain::ProviderConfig;
use super::error::{ConnectorErrorKind, HttpResponse};
use super::http::{HttpClient, HttpRequest};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Emits a `tracing` event when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! trace_event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        { tracing::$level!($($arg)*); }
    };
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NoAnswer {
    message: String,
    /// The connection could not be made (nothing listens there).
    connect: bool,
}

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How a provider sends its requests: the HTTP client, the read timeout and the attempts.
#[derive(Clone)]
struct Sender {
    http: Arc<dyn HttpClient>,
    read_timeout: Duration,
    max_attempts: u32,
    /// Whether a failed connection is tried again (yes for ECS, whose agent may be starting; no
    /// for IMDS, where it means "not on EC2").
    retry_connect: bool,
}

impl Sender {
    /// Sends the request `make` builds, again on a 5xx answer, an IO error or a timeout.
    async fn send(&self, make: &(dyn Fn() -> Result<HttpRequest, String> + Sync)) -> Result<HttpResponse, NoAnswer> {
        let mut attempt = 1;
        loop {
            let request = make().map_err(|message| NoAnswer { message, connect: false })?;
            let outcome = match super::task::timeout(self.read_timeout, self.http.call(request)).await {
                Ok(Ok(response)) if response.status().is_server_error() && attempt < self.max_attempts => None,
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(e)) => {
                    let connect = e.kind() == ConnectorErrorKind::Connect;
                    Some(NoAnswer { message: e.to_string(), connect })
                }
                Err(elapsed) => Some(NoAnswer { message: elapsed.to_string(), connect: false }),
            };
            if let Some(failure) = outcome {
                if attempt >= self.max_attempts || (failure.connect && !self.retry_connect) {
                    return Err(failure);
                }
            }
            trace_event!(debug, attempt, "credentials endpoint: trying again");
            pause(Duration::from_millis(100 * u64::from(attempt))).await;
            attempt += 1;
        }
    }
}

/// Waits a little between attempts (without a timer there is nothing to wait with).
async fn pause(duration: Duration) {
    let _ = super::task::timeout(duration, std::future::pending::<()>()).await;
}

/// The client's HTTP client, else a default one with this connect timeout.
fn http_client(config: &ProviderConfig, connect_timeout: Duration) -> Result<Arc<dyn HttpClient>, String> {
    if let Some(http) = &config.client_config().http_client {
        return Ok(http.clone());
    }
    default_http_client(connect_timeout)
}

#[cfg(feature = "default-https-client")]
fn default_http_client(connect_timeout: Duration) -> Result<Arc<dyn HttpClient>, String> {
    super::http::DefaultHttpClient::new(Some(connect_timeout)).map(|c| Arc::new(c) as Arc<dyn HttpClient>).map_err(|e| e.to_string())
}

#[cfg(not(feature = "default-https-client"))]
fn default_http_client(_connect_timeout: Duration) -> Result<Arc<dyn HttpClient>, String> {
    Err("no HTTP client: enable the `default-https-client` feature or call Config::builder().http_client(..)".into())
}

fn request(method: http::Method, url: &str, headers: &[(&str, &str)]) -> Result<HttpRequest, String> {
    let mut builder = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Vec::new()).map_err(|e| format!("invalid request to {url}: {e}"))
}

/// The `code: message` of a JSON error body, if it has one (never the body itself).
fn error_detail(body: &[u8]) -> String {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_slice::<serde_json::Value>(body) else { return String::new() };
    let field = |names: &[&str]| names.iter().find_map(|n| o.get(*n).and_then(serde_json::Value::as_str)).map(str::to_string);
    match (field(&["code", "Code"]), field(&["message", "Message"])) {
        (Some(c), Some(m)) => format!(": {c}: {m}"),
        (Some(c), None) => format!(": {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// ECS container credentials
// ---------------------------------------------------------------------------------------------

/// The ECS task (and EKS Pod Identity) credentials endpoint.
///
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on `http://169.254.170.2`; otherwise
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` is the whole URL, which must be `https`, or `http` to a
/// loopback address, 169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS Pod Identity) —
/// a host name must resolve to such addresses only. The `Authorization` header comes from the
/// file named by `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every refresh), else from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The answer is JSON with `AccessKeyId`,
/// `SecretAccessKey`, `Token` and `Expiration`.
#[derive(Debug)]
pub struct EcsCredentialsProvider {
    config: ProviderConfig,
    connect_timeout: Duration,
    read_timeout: Duration,
    http: OnceLock<Result<Arc<dyn HttpClient>, String>>,
}

/// Builder for [`EcsCredentialsProvider`].
#[derive(Debug, Default)]
pub struct EcsCredentialsProviderBuilder {
    config: Option<ProviderConfig>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
}

impl EcsCredentialsProviderBuilder {
    /// Environment, HTTP client and clock.
    pub fn configure(mut self, config: &ProviderConfig) -> Self {
        self.config = Some(config.clone());
        self
    }
    /// Connect timeout of the default HTTP client (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// How long an answer may take (default 5 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }
    /// The provider.
    pub fn build(self) -> EcsCredentialsProvider {
        EcsCredentialsProvider {
            config: self.config.unwrap_or_else(|| ProviderConfig::from_config(&super::config::Config::builder().build())),
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(2)),
            read_timeout: self.read_timeout.unwrap_or(Duration::from_secs(5)),
            http: OnceLock::new(),
        }
    }
}

const ECS_HOST: &str = "http://169.254.170.2";

/// Whether a plain-HTTP full URI may point at this address.
fn container_ip_allowed(ip: IpAddr) -> bool {
    const ECS: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2));
    const EKS: IpAddr = IpAddr::V4(Ipv4Addr::new(169, 254, 170, 23));
    const EKS_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x23));
    ip.is_loopback() || ip == ECS || ip == EKS || ip == EKS_V6
}

impl EcsCredentialsProvider {
    /// A builder.
    pub fn builder() -> EcsCredentialsProviderBuilder {
        EcsCredentialsProviderBuilder::default()
    }

    /// The URL to ask, from the environment.
    async fn url(&self) -> Result<String, CredentialsError> {
        let env = self.config.env();
        if let Some(relative) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let relative = relative.trim();
            let sep = if relative.starts_with('/') { "" } else { "/" };
            return Ok(format!("{ECS_HOST}{sep}{relative}"));
        }
        let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            return Err(CredentialsError::not_loaded("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"));
        };
        let full = full.trim().to_string();
        let invalid = |why: &str| CredentialsError::invalid_configuration(format!("AWS_CONTAINER_CREDENTIALS_FULL_URI `{full}`: {why}"));
        let uri: http::Uri = full.parse().map_err(|_| invalid("not a valid URI"))?;
        match uri.scheme_str() {
            Some("https") => return Ok(full),
            Some("http") => {}
            _ => return Err(invalid("the scheme must be http or https")),
        }
        let host = uri.host().ok_or_else(|| invalid("no host"))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let allowed = match bare.parse::<IpAddr>() {
            Ok(ip) => container_ip_allowed(ip),
            Err(_) => {
                let target = (bare.to_string(), uri.port_u16().unwrap_or(80));
                let resolved = super::task::run_blocking(move || std::net::ToSocketAddrs::to_socket_addrs(&target).map(|a| a.collect::<Vec<_>>())).await;
                match resolved {
                    Ok(Ok(addrs)) => !addrs.is_empty() && addrs.iter().all(|a| container_ip_allowed(a.ip())),
                    Ok(Err(e)) => return Err(invalid(&format!("its host could not be resolved ({e})"))),
                    Err(e) => return Err(invalid(&e)),
                }
            }
        };
        if !allowed {
            return Err(invalid("over plain http the host must be a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"));
        }
        Ok(full)
    }

    /// The `Authorization` header value, if any.
    fn authorization(&self) -> Result<Option<String>, CredentialsError> {
        let env = self.config.env();
        let token = if let Some(file) = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            let file = file.trim().to_string();
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CredentialsError::provider_error(format!("could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file}: {e}")))?;
            Some(text.trim().to_string())
        } else {
            env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN").map(|t| t.trim().to_string())
        };
        match token {
            Some(t) if http::HeaderValue::from_str(&t).is_err() => {
                Err(CredentialsError::invalid_configuration("the container authorization token is not a valid header value"))
            }
            other => Ok(other),
        }
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let url = self.url().await?;
        let authorization = self.authorization()?;
        let http = self.http.get_or_init(|| http_client(&self.config, self.connect_timeout)).clone().map_err(CredentialsError::provider_error)?;
        let sender = Sender { http, read_timeout: self.read_timeout, max_attempts: 3, retry_connect: true };
        let mut headers = vec![("accept", "application/json")];
        if let Some(a) = &authorization {
            headers.push(("authorization", a.as_str()));
        }
        let response = sender
            .send(&|| request(http::Method::GET, &url, &headers))
            .await
            .map_err(|e| CredentialsError::provider_error(format!("no answer from {url}: {e}")))?;
        if !response.status().is_success() {
            return Err(CredentialsError::provider_error(format!(
                "{url} answered HTTP {}{}",
                response.status().as_u16(),
                error_detail(response.body())
            )));
        }
        let json: serde_json::Value = serde_json::from_slice(response.body())
            .map_err(|_| CredentialsError::provider_error(format!("{url} answered something that is not JSON")))?;
        credentials_from_json(&json, "Token", "EcsContainer").map_err(|e| CredentialsError::provider_error(format!("{url}: {e}")))
    }
}

impl ProvideCredentials for EcsCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

// ---------------------------------------------------------------------------------------------
// EC2 instance metadata
// ---------------------------------------------------------------------------------------------

/// Credentials of the IAM role attached to an EC2 instance, from its instance metadata service.
///
/// IMDSv2 first: `PUT /latest/api/token` (`x-aws-ec2-metadata-token-ttl-seconds: 21600`), then
/// `GET /latest/meta-data/iam/security-credentials/` (the role name) and `.../<role>` (the
/// credentials) with `x-aws-ec2-metadata-token`. When the token request is refused (HTTP 403,
/// 404 or 405) the same GETs are made without a token (IMDSv1), unless
/// `AWS_EC2_METADATA_V1_DISABLED` or the profile's `ec2_metadata_v1_disabled` is `true`.
/// `AWS_EC2_METADATA_DISABLED=true` turns the link off. The endpoint is
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the profile's `ec2_metadata_service_endpoint`), else
/// `http://169.254.169.254`, or `http://[fd00:ec2::254]` when the endpoint mode
/// (`AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE`, profile `ec2_metadata_service_endpoint_mode`) is
/// `IPv6`. Requests time out after 1 s (connect and read) and are tried twice, except a
/// connection that cannot be made: that means "not on EC2".
#[derive(Debug)]
pub struct ImdsCredentialsProvider {
    config: ProviderConfig,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_attempts: u32,
    http: OnceLock<Result<Arc<dyn HttpClient>, String>>,
}

/// Builder for [`ImdsCredentialsProvider`].
#[derive(Debug, Default)]
pub struct ImdsCredentialsProviderBuilder {
    config: Option<ProviderConfig>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_attempts: Option<u32>,
}

impl ImdsCredentialsProviderBuilder {
    /// Environment, shared files, HTTP client and clock.
    pub fn configure(mut self, config: &ProviderConfig) -> Self {
        self.config = Some(config.clone());
        self
    }
    /// Connect timeout of the default HTTP client (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// How long each answer may take (default 1 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }
    /// Attempts per request (default 2).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }
    /// The provider.
    pub fn build(self) -> ImdsCredentialsProvider {
        ImdsCredentialsProvider {
            config: self.config.unwrap_or_else(|| ProviderConfig::from_config(&super::config::Config::builder().build())),
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(1)),
            read_timeout: self.read_timeout.unwrap_or(Duration::from_secs(1)),
            max_attempts: self.max_attempts.unwrap_or(2),
            http: OnceLock::new(),
        }
    }
}

/// The IMDS settings from the environment and the selected profile.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImdsSettings {
    disabled: bool,
    endpoint: String,
    v1_disabled: bool,
}

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const TOKEN_TTL_SECONDS: &str = "21600";

impl ImdsCredentialsProvider {
    /// A builder.
    pub fn builder() -> ImdsCredentialsProviderBuilder {
        ImdsCredentialsProviderBuilder::default()
    }

    fn settings(&self) -> Result<ImdsSettings, CredentialsError> {
        let env = self.config.env();
        let shared = self.config.shared_config().ok();
        let profile = |key: &str| shared.as_ref().and_then(|s| s.setting(key).map(str::to_string));
        let invalid = CredentialsError::invalid_configuration;
        let flag = |var: &str, key: &str| -> Result<bool, CredentialsError> {
            match env.get_bool(var).map_err(invalid)? {
                Some(b) => Ok(b),
                None => match profile(key) {
                    Some(v) => super::credentials::parse_bool(&v).ok_or_else(|| invalid(format!("profile setting {key} must be `true` or `false`, not `{v}`"))),
                    None => Ok(false),
                },
            }
        };
        let disabled = env.get_bool("AWS_EC2_METADATA_DISABLED").map_err(invalid)?.unwrap_or(false);
        let v1_disabled = flag("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")?;
        let endpoint = match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT").or_else(|| profile("ec2_metadata_service_endpoint")) {
            Some(e) => {
                let e = e.trim().trim_end_matches('/').to_string();
                match e.parse::<http::Uri>() {
                    Ok(uri) if uri.scheme().is_some() && uri.host().is_some() => e,
                    _ => return Err(invalid(format!("the instance metadata endpoint `{e}` is not a URL"))),
                }
            }
            None => match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").or_else(|| profile("ec2_metadata_service_endpoint_mode")) {
                None => "http://169.254.169.254".to_string(),
                Some(m) if m.trim().eq_ignore_ascii_case("ipv4") => "http://169.254.169.254".to_string(),
                Some(m) if m.trim().eq_ignore_ascii_case("ipv6") => "http://[fd00:ec2::254]".to_string(),
                Some(m) => return Err(invalid(format!("the instance metadata endpoint mode `{}` is not IPv4 or IPv6", m.trim()))),
            },
        };
        Ok(ImdsSettings { disabled, endpoint, v1_disabled })
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let settings = self.settings()?;
        if settings.disabled {
            return Err(CredentialsError::not_loaded("turned off by AWS_EC2_METADATA_DISABLED"));
        }
        let endpoint = settings.endpoint.as_str();
        let http = self.http.get_or_init(|| http_client(&self.config, self.connect_timeout)).clone().map_err(CredentialsError::not_loaded)?;
        let sender = Sender { http, read_timeout: self.read_timeout, max_attempts: self.max_attempts, retry_connect: false };
        let failed = |what: String| CredentialsError::provider_error(format!("instance metadata service at {endpoint}: {what}"));

        let mut token = self.token(&sender, &settings).await?;
        let roles = self.get(&sender, &settings, &mut token, ROLE_PATH).await?;
        if roles.status().as_u16() == 404 {
            return Err(CredentialsError::not_loaded(format!("{endpoint} answered 404 for the instance's IAM role: no role is attached")));
        }
        let roles = text_of(roles).map_err(&failed)?;
        let role = roles.lines().map(str::trim).find(|l| !l.is_empty()).ok_or_else(|| failed("no IAM role name in its answer".to_string()))?.to_string();
        let answer = self.get(&sender, &settings, &mut token, &format!("{ROLE_PATH}{role}")).await?;
        let answer = text_of(answer).map_err(|e| failed(format!("credentials of role {role}: {e}")))?;
        let json: serde_json::Value =
            serde_json::from_str(&answer).map_err(|_| failed(format!("the credentials of role {role} are not JSON")))?;
        match json.get("Code").and_then(serde_json::Value::as_str) {
            None | Some("Success") => {}
            Some(code) => {
                let message = json.get("Message").and_then(serde_json::Value::as_str).unwrap_or_default();
                return Err(failed(format!("role {role}: {code} {message}").trim_end().to_string()));
            }
        }
        credentials_from_json(&json, "Token", "Ec2InstanceMetadata").map_err(|e| failed(format!("role {role}: {e}")))
    }

    /// An IMDSv2 session token, or `None` to go on with IMDSv1 (allowed, and the token refused).
    async fn token(&self, sender: &Sender, settings: &ImdsSettings) -> Result<Option<String>, CredentialsError> {
        let url = format!("{}{TOKEN_PATH}", settings.endpoint);
        let response = sender
            .send(&|| request(http::Method::PUT, &url, &[("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)]))
            .await
            .map_err(|e| CredentialsError::not_loaded(format!("no instance metadata service at {}: {e}", settings.endpoint)))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => {
                let token = text_of(response).map_err(CredentialsError::provider_error)?;
                Ok(Some(token.trim().to_string()))
            }
            403 | 404 | 405 if !settings.v1_disabled => {
                trace_event!(debug, status, "IMDSv2 token refused; falling back to IMDSv1");
                Ok(None)
            }
            403 | 404 | 405 => Err(CredentialsError::provider_error(format!(
                "{url} refused an IMDSv2 token (HTTP {status}) and the IMDSv1 fallback is turned off (AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled)"
            ))),
            _ => Err(CredentialsError::provider_error(format!("{url} answered HTTP {status} to the token request"))),
        }
    }

    /// GETs `path`, with the session token when there is one (a new token once when it was
    /// refused as expired). A 404 is returned to the caller; other failures are errors.
    async fn get(&self, sender: &Sender, settings: &ImdsSettings, token: &mut Option<String>, path: &str) -> Result<HttpResponse, CredentialsError> {
        let url = format!("{}{path}", settings.endpoint);
        let mut renewed = false;
        loop {
            let current = token.clone();
            let response = sender
                .send(&|| match &current {
                    Some(t) => request(http::Method::GET, &url, &[("x-aws-ec2-metadata-token", t)]),
                    None => request(http::Method::GET, &url, &[]),
                })
                .await
                .map_err(|e| CredentialsError::provider_error(format!("no answer from {url}: {e}")))?;
            match response.status().as_u16() {
                200..=299 | 404 => return Ok(response),
                401 if token.is_some() && !renewed => {
                    renewed = true;
                    *token = self.token(sender, settings).await?;
                }
                status => return Err(CredentialsError::provider_error(format!("{url} answered HTTP {status}"))),
            }
        }
    }
}

/// A response body as UTF-8 text.
fn text_of(response: HttpResponse) -> Result<String, String> {
    let (_, _, body) = response.into_parts();
    String::from_utf8(body).map_err(|_| "its answer is not UTF-8 text".to_string())
}

impl ProvideCredentials for ImdsCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}
