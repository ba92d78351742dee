//! Client configuration: region, endpoint, transport and timeouts, from code or the environment.

use super::credentials::{ProvideCredentials, SharedConfig, SharedCredentialsProvider};
use super::credentials_cache::CredentialsCache;
use super::credentials_chain::{DefaultCredentialsChain, ProviderConfig};
use super::http::HttpClient;
use super::retry::RetryConfig;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Reads an environment variable, treating empty values as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Parses `true`/`false` (any case) from an environment variable.
pub(crate) fn env_bool(name: &str) -> Option<bool> {
    match env_var(name)?.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// An AWS region name such as `us-east-1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    /// Wraps a region name.
    pub fn new(name: impl Into<String>) -> Self {
        Region(name.into())
    }
    /// The region name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Region {
    fn from(s: &str) -> Self {
        Region(s.to_string())
    }
}

impl From<String> for Region {
    fn from(s: String) -> Self {
        Region(s)
    }
}

/// Makes the tokens of `@idempotencyToken` members the caller left unset: random UUIDs by
/// default, or a fixed token (for tests), as aws-sdk-rust's `IdempotencyTokenProvider`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdempotencyTokenProvider {
    fixed: Option<String>,
}

impl IdempotencyTokenProvider {
    /// Random version 4 UUIDs (the default).
    pub fn random() -> Self {
        IdempotencyTokenProvider { fixed: None }
    }
    /// Always the same token.
    pub fn fixed(token: impl Into<String>) -> Self {
        IdempotencyTokenProvider { fixed: Some(token.into()) }
    }
    /// A token.
    pub fn make_idempotency_token(&self) -> String {
        match &self.fixed {
            Some(t) => t.clone(),
            None => super::orchestrator::new_uuid(),
        }
    }
}

impl From<&'static str> for IdempotencyTokenProvider {
    fn from(token: &'static str) -> Self {
        IdempotencyTokenProvider::fixed(token)
    }
}

/// The connect timeout when none is set, as in the AWS SDKs.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// aws-sdk-rust's behavior version, accepted so that code written for aws-sdk-rust compiles
/// unchanged (`Config::builder().behavior_version(BehaviorVersion::latest())`).
///
/// **It changes nothing here.** This client has one set of defaults (standard retries with 3
/// attempts, a 3.1 s connect timeout, no operation timeout), whichever version is given, and
/// it does not require one: leaving it unset does not panic as it does in aws-sdk-rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BehaviorVersion {
    /// The version's date as `yyyymmdd`.
    date: u32,
}

impl BehaviorVersion {
    /// The newest version this crate knows ([`BehaviorVersion::v2026_01_12`]).
    pub fn latest() -> Self {
        Self::v2026_01_12()
    }
    /// The behavior version of January 12th, 2026.
    pub fn v2026_01_12() -> Self {
        BehaviorVersion { date: 2026_01_12 }
    }
    /// The behavior version of August 7th, 2025.
    pub fn v2025_08_07() -> Self {
        BehaviorVersion { date: 2025_08_07 }
    }
    /// The behavior version of January 17th, 2025.
    pub fn v2025_01_17() -> Self {
        BehaviorVersion { date: 2025_01_17 }
    }
    /// The behavior version of March 28th, 2024.
    pub fn v2024_03_28() -> Self {
        BehaviorVersion { date: 2024_03_28 }
    }
    /// The behavior version of November 9th, 2023.
    pub fn v2023_11_09() -> Self {
        BehaviorVersion { date: 2023_11_09 }
    }
    /// True when this version is `other` or newer.
    pub fn is_at_least(&self, other: BehaviorVersion) -> bool {
        self.date >= other.date
    }
}

/// Timeouts, under aws-sdk-rust's name (`config::timeout::TimeoutConfig`): a connect timeout
/// and a whole-operation timeout. aws-sdk-rust's `read_timeout` and
/// `operation_attempt_timeout` are not supported (so code setting them does not compile,
/// rather than being silently ignored).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
}

impl TimeoutConfig {
    /// A builder with nothing set.
    pub fn builder() -> TimeoutConfigBuilder {
        TimeoutConfigBuilder::default()
    }
    /// The connect timeout, if set.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }
    /// The whole-operation timeout (retries included), if set.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }
    /// True when any timeout is set.
    pub fn has_timeouts(&self) -> bool {
        self.connect_timeout.is_some() || self.operation_timeout.is_some()
    }
}

/// Builder for [`TimeoutConfig`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeoutConfigBuilder {
    inner: TimeoutConfig,
}

impl TimeoutConfigBuilder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Bounds TCP connection set-up.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.inner.connect_timeout = Some(timeout);
        self
    }
    /// Sets or clears the connect timeout.
    pub fn set_connect_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.inner.connect_timeout = timeout;
        self
    }
    /// Bounds a whole operation, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.inner.operation_timeout = Some(timeout);
        self
    }
    /// Sets or clears the operation timeout.
    pub fn set_operation_timeout(&mut self, timeout: Option<Duration>) -> &mut Self {
        self.inner.operation_timeout = timeout;
        self
    }
    /// Builds the timeouts.
    pub fn build(self) -> TimeoutConfig {
        self.inner
    }
}

/// Configuration of a service client. Build one with [`Config::builder`].
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<Region>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: Option<bool>,
    pub(crate) use_dual_stack: Option<bool>,
    pub(crate) http_client: Option<Arc<dyn HttpClient>>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) app_name: Option<String>,
    pub(crate) from_env: bool,
    /// The credentials provider behind its cache: set in code, or the default chain.
    pub(crate) credentials_provider: Option<SharedCredentialsProvider>,
    /// True when `credentials_provider` is the default chain `build()` made.
    pub(crate) default_credentials_chain: bool,
    pub(crate) retry_config: Option<RetryConfig>,
    pub(crate) idempotency_token_provider: Option<IdempotencyTokenProvider>,
    /// A problem found while reading the environment or shared config, reported at call time.
    pub(crate) config_error: Option<String>,
    pub(crate) shared_config: Option<Arc<SharedConfig>>,
    pub(crate) behavior_version: Option<BehaviorVersion>,
    pub(crate) disable_request_compression: Option<bool>,
    pub(crate) request_min_compression_size_bytes: Option<u32>,
    pub(crate) stalled_stream_protection: Option<super::stalled_stream::StalledStreamProtectionConfig>,
    /// Values of the service's `@clientContextParams` (endpoint rule-set parameters set in
    /// configuration, such as S3's `ForcePathStyle`), by parameter name.
    pub(crate) client_context_params: std::collections::BTreeMap<String, super::endpoint::Value>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("http_client", &self.http_client)
            .field("connect_timeout", &self.connect_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("credentials_provider", &self.credentials_provider)
            .field("retry_config", &self.retry_config)
            .field("disable_request_compression", &self.disable_request_compression)
            .field("request_min_compression_size_bytes", &self.request_min_compression_size_bytes)
            .field("stalled_stream_protection", &self.stalled_stream_protection)
            .field("client_context_params", &self.client_context_params)
            .finish()
    }
}

impl Config {
    /// A builder with nothing set.
    pub fn builder() -> Builder {
        Builder::default()
    }
    /// The region, if set (in code or from `AWS_REGION`).
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }
    /// The endpoint override, if set in code or from `AWS_ENDPOINT_URL`.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }
    /// Whether FIPS endpoints are requested.
    pub fn use_fips(&self) -> Option<bool> {
        self.use_fips
    }
    /// Whether dual-stack endpoints are requested.
    pub fn use_dual_stack(&self) -> Option<bool> {
        self.use_dual_stack
    }
    /// The connect timeout.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }
    /// The whole-operation timeout.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }
    /// The credentials provider (behind its cache): the one set in code, else the default
    /// chain when the configuration reads the environment. Clients built from this
    /// configuration (and its clones) share it and its cache.
    pub fn credentials_provider(&self) -> Option<SharedCredentialsProvider> {
        self.credentials_provider.clone()
    }
    /// The retry configuration (standard mode, 3 attempts, unless set otherwise).
    pub fn retry_config(&self) -> Option<&RetryConfig> {
        self.retry_config.as_ref()
    }
    /// The behavior version, if one was set (it changes nothing here; see [`BehaviorVersion`]).
    pub fn behavior_version(&self) -> Option<BehaviorVersion> {
        self.behavior_version
    }
    /// Whether request compression is turned off (set in code or from
    /// `AWS_DISABLE_REQUEST_COMPRESSION`; unset means enabled).
    pub fn disable_request_compression(&self) -> Option<bool> {
        self.disable_request_compression
    }
    /// The smallest request body, in bytes, that is compressed (set in code or from
    /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`; unset means 10240).
    pub fn request_min_compression_size_bytes(&self) -> Option<u32> {
        self.request_min_compression_size_bytes
    }
    /// Stalled-stream protection of response bodies (on, with a 20 s grace period, unless set
    /// otherwise; see [`StalledStreamProtectionConfig`](super::stalled_stream::StalledStreamProtectionConfig)).
    pub fn stalled_stream_protection(&self) -> super::stalled_stream::StalledStreamProtectionConfig {
        self.stalled_stream_protection.unwrap_or_default()
    }
    /// The value of a client context parameter (an endpoint rule-set parameter set in
    /// configuration, such as S3's `ForcePathStyle`), if set. The generated crate has a typed
    /// setter for each of its service's parameters (see its `config` module).
    pub fn client_context_param(&self, name: &str) -> Option<&super::endpoint::Value> {
        self.client_context_params.get(name)
    }
    /// A builder holding this configuration, to change a few settings.
    pub fn to_builder(&self) -> Builder {
        Builder { inner: self.clone(), from_env: self.from_env }
    }
}

/// Builder for [`Config`].
#[derive(Clone)]
pub struct Builder {
    inner: Config,
    from_env: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            inner: Config {
                region: None,
                endpoint_url: None,
                use_fips: None,
                use_dual_stack: None,
                http_client: None,
                connect_timeout: None,
                operation_timeout: None,
                app_name: None,
                from_env: true,
                credentials_provider: None,
                default_credentials_chain: false,
                retry_config: None,
                idempotency_token_provider: None,
                config_error: None,
                shared_config: None,
                behavior_version: None,
                disable_request_compression: None,
                request_min_compression_size_bytes: None,
                stalled_stream_protection: None,
                client_context_params: Default::default(),
            },
            from_env: true,
        }
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder").field("inner", &self.inner).finish()
    }
}

impl Builder {
    /// Sets the region (otherwise `AWS_REGION`, then `AWS_DEFAULT_REGION`).
    pub fn region(mut self, region: impl Into<Region>) -> Self {
        self.inner.region = Some(region.into());
        self
    }
    /// Sets or clears the region.
    pub fn set_region(&mut self, region: Option<Region>) -> &mut Self {
        self.inner.region = region;
        self
    }
    /// Overrides the endpoint, e.g. `http://127.0.0.1:4566` (otherwise `AWS_ENDPOINT_URL_<SERVICE>`,
    /// then `AWS_ENDPOINT_URL`, then the service's endpoint rules).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.inner.endpoint_url = Some(url.into());
        self
    }
    /// Sets or clears the endpoint override.
    pub fn set_endpoint_url(&mut self, url: Option<String>) -> &mut Self {
        self.inner.endpoint_url = url;
        self
    }
    /// Requests FIPS endpoints (otherwise `AWS_USE_FIPS_ENDPOINT`).
    pub fn use_fips(mut self, value: bool) -> Self {
        self.inner.use_fips = Some(value);
        self
    }
    /// Requests dual-stack endpoints (otherwise `AWS_USE_DUALSTACK_ENDPOINT`).
    pub fn use_dual_stack(mut self, value: bool) -> Self {
        self.inner.use_dual_stack = Some(value);
        self
    }
    /// Uses this HTTP client instead of the default one.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.inner.http_client = Some(Arc::new(client));
        self
    }
    /// Bounds TCP connection set-up (default 3.1 s, as the AWS SDKs).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.inner.connect_timeout = Some(timeout);
        self
    }
    /// Bounds a whole operation, retries included (default: none).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.inner.operation_timeout = Some(timeout);
        self
    }
    /// The credentials of signed operations: fixed ones (`Credentials::new(..)`) or any
    /// [`ProvideCredentials`] of your own. What it gives is cached and asked again shortly
    /// before it expires. Otherwise the default chain is used (environment, shared files, web
    /// identity, ECS, EC2 instance metadata; see `credentials_chain`).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(provider)));
        self
    }
    /// Sets or clears the credentials provider (a provider taken from another configuration
    /// keeps its cache).
    pub fn set_credentials_provider(&mut self, provider: Option<SharedCredentialsProvider>) -> &mut Self {
        self.inner.credentials_provider = provider.map(|p| if p.is_cached() { p } else { SharedCredentialsProvider::cached(CredentialsCache::new(p)) });
        self.inner.default_credentials_chain = false;
        self
    }
    /// Retry behaviour (otherwise `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, the shared config file,
    /// then standard mode with 3 attempts).
    pub fn retry_config(mut self, retry_config: RetryConfig) -> Self {
        self.inner.retry_config = Some(retry_config);
        self
    }
    /// Sets or clears the retry configuration.
    pub fn set_retry_config(&mut self, retry_config: Option<RetryConfig>) -> &mut Self {
        self.inner.retry_config = retry_config;
        self
    }
    /// Sets the timeouts given in `timeout_config`; those it leaves unset keep their current
    /// value (the connect timeout defaults to 3.1 s).
    pub fn timeout_config(mut self, timeout_config: TimeoutConfig) -> Self {
        self.set_timeout_config(Some(timeout_config));
        self
    }
    /// [`timeout_config`](Self::timeout_config) in place; `None` changes nothing.
    pub fn set_timeout_config(&mut self, timeout_config: Option<TimeoutConfig>) -> &mut Self {
        if let Some(t) = timeout_config {
            if let Some(d) = t.connect_timeout {
                self.inner.connect_timeout = Some(d);
            }
            if let Some(d) = t.operation_timeout {
                self.inner.operation_timeout = Some(d);
            }
        }
        self
    }
    /// Accepted for aws-sdk-rust compatibility; changes nothing (see [`BehaviorVersion`]).
    pub fn behavior_version(mut self, behavior_version: BehaviorVersion) -> Self {
        self.set_behavior_version(Some(behavior_version));
        self
    }
    /// Accepted for aws-sdk-rust compatibility; changes nothing (see [`BehaviorVersion`]).
    pub fn set_behavior_version(&mut self, behavior_version: Option<BehaviorVersion>) -> &mut Self {
        self.inner.behavior_version = behavior_version;
        self
    }
    /// Turns request compression off (or back on) for operations that support it (otherwise
    /// `AWS_DISABLE_REQUEST_COMPRESSION`; default: enabled).
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.set_disable_request_compression(Some(disable));
        self
    }
    /// Sets or clears [`disable_request_compression`](Self::disable_request_compression).
    pub fn set_disable_request_compression(&mut self, disable: Option<bool>) -> &mut Self {
        self.inner.disable_request_compression = disable;
        self
    }
    /// The smallest request body, in bytes, that is compressed, 0 to 10485760 (otherwise
    /// `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`; default 10240). A larger value is reported
    /// as a configuration error when an operation is called.
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.set_request_min_compression_size_bytes(Some(bytes));
        self
    }
    /// Sets or clears [`request_min_compression_size_bytes`](Self::request_min_compression_size_bytes).
    pub fn set_request_min_compression_size_bytes(&mut self, bytes: Option<u32>) -> &mut Self {
        self.inner.request_min_compression_size_bytes = bytes;
        self
    }
    /// Cuts off response bodies that deliver no data for a grace period (default: on, 20 s,
    /// as aws-sdk-rust). Applied by the default HTTPS client.
    pub fn stalled_stream_protection(mut self, config: super::stalled_stream::StalledStreamProtectionConfig) -> Self {
        self.set_stalled_stream_protection(Some(config));
        self
    }
    /// Sets or clears [`stalled_stream_protection`](Self::stalled_stream_protection).
    pub fn set_stalled_stream_protection(&mut self, config: Option<super::stalled_stream::StalledStreamProtectionConfig>) -> &mut Self {
        self.inner.stalled_stream_protection = config;
        self
    }
    /// An application name added to the user agent.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.inner.app_name = Some(name.into());
        self
    }
    /// Ignores the environment: only what is set in code counts (useful in tests).
    pub fn ignore_environment(mut self) -> Self {
        self.from_env = false;
        self
    }
    /// Sets how unset `@idempotencyToken` members are filled (random UUIDs by default).
    pub fn idempotency_token_provider(mut self, provider: impl Into<IdempotencyTokenProvider>) -> Self {
        self.inner.idempotency_token_provider = Some(provider.into());
        self
    }

    /// `base` with every value set on this builder in its place, for a per-call override
    /// (`customize().config_override(..)`); no environment lookups.
    /// Sets or clears a client context parameter by its rule-set name (`ForcePathStyle`). The
    /// generated crate's typed setters (`force_path_style(true)`) call this; the rules engine
    /// ignores names its rule set does not declare.
    pub fn set_client_context_param(&mut self, name: &str, value: Option<super::endpoint::Value>) -> &mut Self {
        match value {
            Some(v) => self.inner.client_context_params.insert(name.to_string(), v),
            None => self.inner.client_context_params.remove(name),
        };
        self
    }
    /// Sets a client context parameter by its rule-set name (see
    /// [`Builder::set_client_context_param`]).
    pub fn client_context_param(mut self, name: &str, value: impl Into<super::endpoint::Value>) -> Self {
        self.set_client_context_param(name, Some(value.into()));
        self
    }

    pub(crate) fn override_config(self, base: &Config) -> Config {
        let o = self.inner;
        let mut c = base.clone();
        c.client_context_params.extend(o.client_context_params.clone());
        macro_rules! take {
            ($($field:ident),*) => { $( if o.$field.is_some() { c.$field = o.$field; } )* };
        }
        take!(region, endpoint_url, use_fips, use_dual_stack, http_client, connect_timeout, operation_timeout, app_name, credentials_provider, retry_config, idempotency_token_provider, disable_request_compression, request_min_compression_size_bytes, stalled_stream_protection);
        c
    }

    /// Builds the configuration, filling unset values from the environment.
    pub fn build(self) -> Config {
        let mut config = self.inner;
        config.from_env = self.from_env;
        if config.connect_timeout.is_none() {
            config.connect_timeout = Some(DEFAULT_CONNECT_TIMEOUT);
        }
        if self.from_env {
            let shared = if config.region.is_none() || config.retry_config.is_none() || config.credentials_provider.is_none() {
                match SharedConfig::load_default() {
                    Ok(shared) => Some(Arc::new(shared)),
                    Err(e) => {
                        config.config_error = Some(format!("shared config: {e}"));
                        None
                    }
                }
            } else {
                None
            };
            if config.region.is_none() {
                config.region = env_var("AWS_REGION")
                    .or_else(|| env_var("AWS_DEFAULT_REGION"))
                    .or_else(|| shared.as_ref().and_then(|s| s.region().map(str::to_string)))
                    .map(Region);
            }
            if config.retry_config.is_none() {
                match RetryConfig::resolve(&|name| env_var(name), shared.as_deref()) {
                    Ok(retry) => config.retry_config = Some(retry),
                    Err(e) => config.config_error = Some(e.to_string()),
                }
            }
            config.shared_config = shared;
            if config.use_fips.is_none() {
                config.use_fips = env_bool("AWS_USE_FIPS_ENDPOINT");
            }
            if config.use_dual_stack.is_none() {
                config.use_dual_stack = env_bool("AWS_USE_DUALSTACK_ENDPOINT");
            }
            if config.disable_request_compression.is_none() {
                config.disable_request_compression = env_bool("AWS_DISABLE_REQUEST_COMPRESSION");
            }
            if config.request_min_compression_size_bytes.is_none() {
                if let Some(v) = env_var("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES") {
                    match super::compression::parse_min_size(&v, "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES") {
                        Ok(n) => config.request_min_compression_size_bytes = Some(n),
                        Err(e) => config.config_error = Some(e),
                    }
                }
            }
        }
        if !self.from_env && config.default_credentials_chain {
            // Rebuilt without the environment: the chain made from it goes too.
            config.credentials_provider = None;
            config.default_credentials_chain = false;
        }
        if self.from_env && config.credentials_provider.is_none() {
            // Built once per configuration: every client made from it (and from its clones)
            // shares the chain and its cache.
            let chain = DefaultCredentialsChain::new(ProviderConfig::from_config(&config));
            config.credentials_provider = Some(SharedCredentialsProvider::cached(CredentialsCache::new(chain)));
            config.default_credentials_chain = true;
        }
        if let Some(n) = config.request_min_compression_size_bytes {
            if n > super::compression::MAX_MIN_COMPRESSION_SIZE_BYTES {
                config.config_error = Some(format!(
                    "request_min_compression_size_bytes: {n} is larger than {}",
                    super::compression::MAX_MIN_COMPRESSION_SIZE_BYTES
                ));
            }
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behavior_version_is_accepted_and_changes_nothing() {
        let plain = Config::builder().ignore_environment().region("us-east-1").build();
        let mut builder = Config::builder().ignore_environment().region("us-east-1").behavior_version(BehaviorVersion::latest());
        let with = builder.clone().build();
        assert_eq!(with.behavior_version(), Some(BehaviorVersion::latest()));
        assert_eq!(format!("{plain:?}"), format!("{with:?}"));
        builder.set_behavior_version(None);
        assert_eq!(builder.build().behavior_version(), None);
        assert!(BehaviorVersion::latest().is_at_least(BehaviorVersion::v2024_03_28()));
        assert!(!BehaviorVersion::v2023_11_09().is_at_least(BehaviorVersion::v2025_01_17()));
    }

    #[test]
    fn request_compression_settings() {
        let config = Config::builder().ignore_environment().build();
        assert_eq!((config.disable_request_compression(), config.request_min_compression_size_bytes()), (None, None));
        let config = Config::builder().ignore_environment().disable_request_compression(true).request_min_compression_size_bytes(0).build();
        assert_eq!((config.disable_request_compression(), config.request_min_compression_size_bytes()), (Some(true), Some(0)));
        assert!(config.config_error.is_none());
        let mut builder = config.to_builder();
        builder.set_disable_request_compression(None);
        assert_eq!(builder.build().disable_request_compression(), None);
        let overridden = Config::builder().request_min_compression_size_bytes(5).override_config(&config);
        assert_eq!((overridden.disable_request_compression(), overridden.request_min_compression_size_bytes()), (Some(true), Some(5)));
        let bad = Config::builder().ignore_environment().request_min_compression_size_bytes(10_485_761).build();
        assert!(bad.config_error.as_deref().unwrap_or("").contains("10485760"));
    }

    #[test]
    fn client_context_params_are_stored_by_name_and_overridden_one_by_one() {
        use super::super::endpoint::Value;
        let mut b = Config::builder().ignore_environment().client_context_param("ForcePathStyle", true).client_context_param("Mode", "x");
        b.set_client_context_param("Mode", None);
        let config = b.build();
        assert_eq!(config.client_context_param("ForcePathStyle"), Some(&Value::Bool(true)));
        assert_eq!(config.client_context_param("Mode"), None);
        let o = Config::builder().client_context_param("Accelerate", true).override_config(&config);
        assert_eq!(o.client_context_param("ForcePathStyle"), Some(&Value::Bool(true)), "kept from the client");
        assert_eq!(o.client_context_param("Accelerate"), Some(&Value::Bool(true)), "added for the call");
    }

    #[test]
    fn timeout_config_sets_only_what_it_has() {
        let t = TimeoutConfig::builder().operation_timeout(Duration::from_secs(5)).build();
        assert!(t.has_timeouts());
        let config = Config::builder().ignore_environment().timeout_config(t).build();
        assert_eq!(config.operation_timeout(), Some(Duration::from_secs(5)));
        assert_eq!(config.connect_timeout(), Some(Duration::from_millis(3100)));
        let t = TimeoutConfig::builder().connect_timeout(Duration::from_secs(1)).build();
        let config = config.to_builder().timeout_config(t).build();
        assert_eq!(config.connect_timeout(), Some(Duration::from_secs(1)));
        assert_eq!(config.operation_timeout(), Some(Duration::from_secs(5)));
    }
}
