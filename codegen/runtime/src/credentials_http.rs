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

#[cfg(feature = "hyper-client")]
fn default_http_client(connect_timeout: Duration) -> Result<Arc<dyn HttpClient>, String> {
    super::http::DefaultHttpClient::new(Some(connect_timeout)).map(|c| Arc::new(c) as Arc<dyn HttpClient>).map_err(|e| e.to_string())
}

#[cfg(not(feature = "hyper-client"))]
fn default_http_client(_connect_timeout: Duration) -> Result<Arc<dyn HttpClient>, String> {
    Err("no HTTP client: enable the `default-https-client` (or `native-tls`) feature or call Config::builder().http_client(..)".into())
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
            403..=405 if !settings.v1_disabled => {
                trace_event!(debug, status, "IMDSv2 token refused; falling back to IMDSv1");
                Ok(None)
            }
            403..=405 => Err(CredentialsError::provider_error(format!(
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

#[cfg(test)]
mod tests {
    // The loopback tests need the default HTTP client.
    #![cfg_attr(not(feature = "hyper-client"), allow(dead_code, unused_imports))]
    use super::super::credentials::{Env, SharedConfig};
    use super::*;
    use std::sync::Mutex;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A request the loopback server received.
    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        path: String,
        headers: Vec<(String, String)>,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }
    }

    enum Reply {
        Status(u16, &'static str),
        /// Never answers.
        Hang,
    }

    /// A loopback HTTP/1.1 server answering each request with what `script` says (given the
    /// request and how many came before it); one request per connection.
    struct Server {
        url: String,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    impl Server {
        async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
            let script = Arc::new(script);
            let log = seen.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((mut socket, _)) = listener.accept().await else { return };
                    let (log, script) = (log.clone(), script.clone());
                    tokio::spawn(async move {
                        let mut data = Vec::new();
                        let mut buf = [0u8; 4096];
                        while !data.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => data.extend_from_slice(&buf[..n]),
                            }
                        }
                        let text = String::from_utf8_lossy(&data).to_string();
                        let mut lines = text.split("\r\n");
                        let mut first = lines.next().unwrap_or_default().split(' ');
                        let (method, path) = (first.next().unwrap_or_default().to_string(), first.next().unwrap_or_default().to_string());
                        let headers = lines.take_while(|l| !l.is_empty()).filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect();
                        let request = Seen { method, path, headers };
                        let n = {
                            let mut log = log.lock().unwrap();
                            log.push(request.clone());
                            log.len() - 1
                        };
                        match script(&request, n) {
                            Reply::Status(status, body) => {
                                let head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                                let _ = socket.write_all(head.as_bytes()).await;
                                let _ = socket.write_all(body.as_bytes()).await;
                                let _ = socket.shutdown().await;
                            }
                            Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                        }
                    });
                }
            });
            Server { url, seen }
        }
        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }
    }

    const CREDENTIALS_JSON: &str = r#"{"Code": "Success", "LastUpdated": "2024-01-01T00:00:00Z", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret", "Token": "imds-token", "Expiration": "2030-01-01T00:00:00Z"}"#;

    fn provider_config(env: &[(&str, &str)]) -> ProviderConfig {
        let mut pairs = vec![("HOME", "/nonexistent-home")];
        pairs.extend_from_slice(env);
        ProviderConfig::from_config(&super::super::config::Config::builder().ignore_environment().build()).with_env(Env::from_slice(&pairs))
    }

    fn imds(server: &Server, env: &[(&str, &str)]) -> ImdsCredentialsProvider {
        let mut pairs = vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str())];
        pairs.extend_from_slice(env);
        ImdsCredentialsProvider::builder().configure(&provider_config(&pairs)).read_timeout(Duration::from_millis(300)).build()
    }

    /// IMDS answering the role `web` with `credentials`; the token request gets `token_status`.
    fn imds_script(token_status: u16, credentials: &'static str) -> impl Fn(&Seen, usize) -> Reply + Send + Sync {
        move |r: &Seen, _| match (r.method.as_str(), r.path.as_str()) {
            ("PUT", TOKEN_PATH) if token_status == 200 => Reply::Status(200, "session-token"),
            ("PUT", TOKEN_PATH) => Reply::Status(token_status, ""),
            ("GET", ROLE_PATH) => Reply::Status(200, "web\n"),
            ("GET", "/latest/meta-data/iam/security-credentials/web") => Reply::Status(200, credentials),
            _ => Reply::Status(400, ""),
        }
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn imds_token_flow() {
        let server = Server::start(imds_script(200, CREDENTIALS_JSON)).await;
        let c = imds(&server, &[]).provide_credentials().await.unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("ASIAIMDS", "imds-secret", Some("imds-token")));
        assert_eq!(c.expiry(), super::super::credentials::parse_rfc3339("2030-01-01T00:00:00Z"));
        let seen = server.seen();
        assert_eq!(seen.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>(), [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/web"
        ]);
        assert_eq!(seen[0].header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
        assert_eq!(seen[1].header("x-aws-ec2-metadata-token"), Some("session-token"));
        assert_eq!(seen[2].header("x-aws-ec2-metadata-token"), Some("session-token"));
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn imds_v1_fallback_only_when_allowed() {
        for status in [403, 404, 405] {
            let server = Server::start(imds_script(status, CREDENTIALS_JSON)).await;
            let c = imds(&server, &[]).provide_credentials().await.unwrap();
            assert_eq!(c.access_key_id(), "ASIAIMDS");
            assert!(server.seen()[1..].iter().all(|r| r.header("x-aws-ec2-metadata-token").is_none()), "IMDSv1 GETs carry no token");
        }
        let server = Server::start(imds_script(403, CREDENTIALS_JSON)).await;
        let e = imds(&server, &[("AWS_EC2_METADATA_V1_DISABLED", "true")]).provide_credentials().await.unwrap_err();
        assert!(e.to_string().contains("refused an IMDSv2 token (HTTP 403) and the IMDSv1 fallback is turned off"), "{e}");
        assert_eq!(server.seen().len(), 1);
        // The profile setting does the same.
        let shared = SharedConfig::load(&|n: &str| (n == "HOME").then(|| "/h".to_string()), &|p: &std::path::Path| {
            (p == std::path::Path::new("/h/.aws/config")).then(|| "[default]\nec2_metadata_v1_disabled = true\n".to_string())
        })
        .unwrap();
        let config = provider_config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str())]).with_shared_config(shared);
        let e = ImdsCredentialsProvider::builder().configure(&config).build().provide_credentials().await.unwrap_err();
        assert!(e.to_string().contains("IMDSv1 fallback is turned off"), "{e}");
        // A 400 to the token request is an error, not a reason to fall back.
        let server = Server::start(imds_script(400, CREDENTIALS_JSON)).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err();
        assert!(e.to_string().contains("answered HTTP 400 to the token request"), "{e}");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn imds_server_errors_are_retried_once() {
        let flaky = |r: &Seen, n: usize| match n {
            0 => Reply::Status(500, ""),
            _ => imds_script(200, CREDENTIALS_JSON)(r, n),
        };
        let server = Server::start(flaky).await;
        assert_eq!(imds(&server, &[]).provide_credentials().await.unwrap().access_key_id(), "ASIAIMDS");
        assert_eq!(server.seen().len(), 4, "token twice, then the two GETs");
        let server = Server::start(|_: &Seen, _| Reply::Status(503, "")).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err();
        assert!(!e.is_not_loaded() && e.to_string().contains("answered HTTP 503 to the token request"), "{e}");
        assert_eq!(server.seen().len(), 2, "two attempts");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn imds_timeouts_and_refused_connections_mean_not_on_ec2() {
        let server = Server::start(|_: &Seen, _| Reply::Hang).await;
        let started = Instant::now();
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err();
        assert!(e.is_not_loaded(), "{e}");
        assert!(e.to_string().contains("no answer within 300ms"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(server.seen().len(), 2, "a timeout is tried again");
        // Nothing listening: one attempt, "not here".
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let config = provider_config(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str())]);
        let e = ImdsCredentialsProvider::builder().configure(&config).build().provide_credentials().await.unwrap_err();
        assert!(e.is_not_loaded() && e.to_string().starts_with(&format!("no instance metadata service at {url}: connection failed")), "{e}");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn imds_bad_answers() {
        let server = Server::start(imds_script(200, r#"{"AccessKeyId": "A", "SecretAccessKey": "leaked-secret""#)).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err().to_string();
        assert!(e.ends_with("the credentials of role web are not JSON"), "{e}");
        assert!(!e.contains("leaked-secret"), "{e}");
        let server = Server::start(imds_script(200, r#"{"Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role"}"#)).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err().to_string();
        assert!(e.ends_with("role web: AssumeRoleUnauthorizedAccess EC2 cannot assume the role"), "{e}");
        let server = Server::start(imds_script(200, r#"{"Code": "Success", "AccessKeyId": "A"}"#)).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err().to_string();
        assert!(e.ends_with("role web: `SecretAccessKey` is missing"), "{e}");
        // No role attached: "not here".
        let server = Server::start(|r: &Seen, _| if r.method == "PUT" { Reply::Status(200, "t") } else { Reply::Status(404, "") }).await;
        let e = imds(&server, &[]).provide_credentials().await.unwrap_err();
        assert!(e.is_not_loaded() && e.to_string().ends_with("no role is attached"), "{e}");
        // An expired token (401) is renewed once.
        let server = Server::start(|r: &Seen, n: usize| match (r.method.as_str(), n) {
            ("GET", 1) => Reply::Status(401, ""),
            _ => imds_script(200, CREDENTIALS_JSON)(r, n),
        })
        .await;
        assert_eq!(imds(&server, &[]).provide_credentials().await.unwrap().access_key_id(), "ASIAIMDS");
        let methods: Vec<_> = server.seen().iter().map(|r| r.method.clone()).collect();
        assert_eq!(methods, ["PUT", "GET", "PUT", "GET", "GET"]);
    }

    #[test]
    fn imds_settings() {
        let settings = |env: &[(&str, &str)]| ImdsCredentialsProvider::builder().configure(&provider_config(env)).build().settings();
        let default = settings(&[]).unwrap();
        assert_eq!(default, ImdsSettings { disabled: false, endpoint: "http://169.254.169.254".into(), v1_disabled: false });
        assert_eq!(settings(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]).unwrap().endpoint, "http://[fd00:ec2::254]");
        assert_eq!(settings(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv4")]).unwrap().endpoint, "http://169.254.169.254");
        assert_eq!(
            settings(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://10.0.0.1:1338/"), ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]).unwrap().endpoint,
            "http://10.0.0.1:1338",
            "an endpoint wins over the mode"
        );
        assert!(settings(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")]).unwrap_err().to_string().contains("`IPv5` is not IPv4 or IPv6"));
        assert!(settings(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "not a url")]).is_err());
        assert!(settings(&[("AWS_EC2_METADATA_DISABLED", "TRUE")]).unwrap().disabled);
        assert!(settings(&[("AWS_EC2_METADATA_DISABLED", "yes")]).unwrap_err().to_string().contains("AWS_EC2_METADATA_DISABLED must be `true` or `false`"));
        let shared = SharedConfig::from_profiles(
            "default",
            super::super::credentials::ProfileSet::parse(
                "[default]\nec2_metadata_service_endpoint_mode = IPv6\nec2_metadata_v1_disabled = true\n",
                super::super::credentials::ProfileFileKind::Config,
            )
            .unwrap(),
        );
        let config = provider_config(&[]).with_shared_config(shared);
        let s = ImdsCredentialsProvider::builder().configure(&config).build().settings().unwrap();
        assert_eq!((s.endpoint.as_str(), s.v1_disabled), ("http://[fd00:ec2::254]", true));
    }

    #[tokio::test]
    async fn imds_disabled_sends_nothing() {
        let e = ImdsCredentialsProvider::builder().configure(&provider_config(&[("AWS_EC2_METADATA_DISABLED", "true")])).build().provide_credentials().await.unwrap_err();
        assert_eq!(e, CredentialsError::NotLoaded("turned off by AWS_EC2_METADATA_DISABLED".into()));
    }

    fn ecs(env: &[(&str, &str)]) -> EcsCredentialsProvider {
        EcsCredentialsProvider::builder().configure(&provider_config(env)).read_timeout(Duration::from_millis(300)).build()
    }

    const ECS_JSON: &str = r#"{"AccessKeyId": "ASIAECS", "SecretAccessKey": "ecs-secret", "Token": "ecs-token", "Expiration": "2030-01-01T00:00:00Z", "RoleArn": "arn:aws:iam::1:role/task"}"#;

    #[tokio::test]
    async fn ecs_urls_and_allowed_hosts() {
        let url = |env: &[(&str, &str)]| {
            let provider = ecs(env);
            async move { provider.url().await }
        };
        assert_eq!(url(&[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]).await.unwrap(), "http://169.254.170.2/v2/credentials/abc");
        assert_eq!(
            url(&[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/x"), ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/")]).await.unwrap(),
            "http://169.254.170.2/v2/x",
            "the relative URI wins"
        );
        for ok in [
            "https://creds.example.com/get",
            "http://127.0.0.1:8080/creds",
            "http://127.0.0.2/creds",
            "http://[::1]:9/creds",
            "http://169.254.170.2/v1",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://localhost:1234/creds",
        ] {
            assert_eq!(url(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", ok)]).await.unwrap(), ok);
        }
        for bad in ["http://192.168.1.10/creds", "http://169.254.170.3/", "http://[fd00:ec2::2]/", "ftp://127.0.0.1/", "/relative"] {
            let e = url(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", bad)]).await.unwrap_err();
            assert!(matches!(e, CredentialsError::InvalidConfiguration(_)), "{bad}: {e}");
        }
        let e = url(&[]).await.unwrap_err();
        assert!(e.is_not_loaded(), "{e}");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn ecs_credentials_with_an_authorization_token() {
        let server = Server::start(|_: &Seen, _| Reply::Status(200, ECS_JSON)).await;
        let full = format!("{}/v1/credentials", server.url);
        let c = ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc")]).provide_credentials().await.unwrap();
        assert_eq!((c.access_key_id(), c.session_token(), c.provider_name()), ("ASIAECS", Some("ecs-token"), "EcsContainer"));
        assert_eq!(server.seen()[0].path, "/v1/credentials");
        assert_eq!(server.seen()[0].header("authorization"), Some("Basic abc"));
        // The token file wins over the variable and is read on every call (EKS rotates it).
        let dir = std::env::temp_dir().join(format!("runtime-ecs-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "eks-token-1\n").unwrap();
        let provider = ecs(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "unused"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.to_str().unwrap()),
        ]);
        provider.provide_credentials().await.unwrap();
        std::fs::write(&file, "eks-token-2").unwrap();
        provider.provide_credentials().await.unwrap();
        let seen = server.seen();
        assert_eq!((seen[1].header("authorization"), seen[2].header("authorization")), (Some("eks-token-1"), Some("eks-token-2")));
        std::fs::remove_file(&file).unwrap();
        let e = provider.provide_credentials().await.unwrap_err();
        assert!(e.to_string().starts_with("could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
        let e = ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "bad\ntoken")]).provide_credentials().await.unwrap_err();
        assert!(e.to_string().contains("not a valid header value") && !e.to_string().contains("bad"), "{e}");
    }

    #[cfg(feature = "hyper-client")]
    #[tokio::test]
    async fn ecs_errors_retries_and_timeouts() {
        let server = Server::start(|_: &Seen, n: usize| if n < 2 { Reply::Status(500, "") } else { Reply::Status(200, ECS_JSON) }).await;
        let full = format!("{}/creds", server.url);
        assert_eq!(ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)]).provide_credentials().await.unwrap().access_key_id(), "ASIAECS");
        assert_eq!(server.seen().len(), 3);
        let server = Server::start(|_: &Seen, _| Reply::Status(403, r#"{"code": "AccessDenied", "message": "not this task"}"#)).await;
        let full = format!("{}/creds", server.url);
        let e = ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)]).provide_credentials().await.unwrap_err();
        assert_eq!(e.to_string(), format!("{full} answered HTTP 403: AccessDenied: not this task"));
        assert_eq!(server.seen().len(), 1, "a 4xx is not retried");
        let server = Server::start(|_: &Seen, _| Reply::Status(200, "<html>SecretAccessKey</html>")).await;
        let full = format!("{}/creds", server.url);
        let e = ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)]).provide_credentials().await.unwrap_err();
        assert_eq!(e.to_string(), format!("{full} answered something that is not JSON"));
        let server = Server::start(|_: &Seen, _| Reply::Hang).await;
        let full = format!("{}/creds", server.url);
        let started = Instant::now();
        let e = ecs(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full)]).provide_credentials().await.unwrap_err();
        assert_eq!(e.to_string(), format!("no answer from {full}: no answer within 300ms"));
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(server.seen().len(), 3);
    }
}
