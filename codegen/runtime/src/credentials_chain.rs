//! The default credentials chain of the AWS SDKs, and its links that need no HTTP endpoint of
//! their own: the environment, the shared config and credentials files (static keys, role
//! chains through STS AssumeRole, `credential_source`, `credential_process`, SSO) and web
//! identity (STS AssumeRoleWithWebIdentity). The ECS and EC2 metadata links are in
//! [`super::credentials_http`], SSO in [`super::credentials_sso`].
//!
//! Order, as the AWS SDKs document it: environment, profile, web identity, ECS container, EC2
//! instance metadata. The first link that has credentials wins. A link with nothing to give says
//! why and the next one is tried; a link that is configured but fails stops the chain with an
//! error naming it (`profile: ...`); when no link had credentials the error lists what each
//! said.
//!
//! STS and SSO calls go through [`CredentialCalls`]: by default the generated crate's own
//! (`super::auth::calls()`, present when the crate has its `credentials-sts` /
//! `credentials-sso` features), or a fake given in tests.

use super::config::Config;
use super::credential_calls::{AssumeRole, AssumeRoleWithWebIdentity, CredentialCalls};
use super::credentials::{
    credentials_from_json, from_env, future, real_fs, static_credentials, Credentials, CredentialsError, Env, Profile,
    ProvideCredentials, SharedConfig,
};
use super::credentials_cache::SharedTimeSource;
use super::credentials_http::{EcsCredentialsProvider, ImdsCredentialsProvider};
use super::credentials_sso::{SsoCredentialsProvider, SsoSettings};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

/// Emits a `tracing` event when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! trace_event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        { tracing::$level!($($arg)*); }
    };
}

/// The STS region when neither the profile nor the client names one.
const DEFAULT_STS_REGION: &str = "us-east-1";

// ---------------------------------------------------------------------------------------------
// What every provider shares
// ---------------------------------------------------------------------------------------------

/// What the providers of a chain read and use (aws-config's `ProviderConfig`): the environment,
/// the shared files, the client's configuration (its HTTP client and region serve the ECS and
/// EC2 metadata links and the STS/SSO calls), the service calls, and the clock.
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    client: Config,
    calls: Option<Arc<dyn CredentialCalls>>,
    time: SharedTimeSource,
    shared: Option<Arc<SharedConfig>>,
    profile_name: Option<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("region", &self.client.region)
            .field("calls", &self.calls.is_some())
            .field("profile_name", &self.profile_name)
            .finish()
    }
}

impl ProviderConfig {
    /// For clients built from `config`: the process environment (none when the configuration
    /// ignores it), the shared files it loaded, and this crate's service calls.
    pub fn from_config(config: &Config) -> Self {
        let mut client = config.clone();
        client.credentials_provider = None;
        ProviderConfig {
            env: if config.from_env { Env::real() } else { Env::from_slice(&[]) },
            shared: config.shared_config.clone(),
            client,
            calls: super::auth::calls(),
            time: SharedTimeSource::default(),
            profile_name: None,
        }
    }

    /// Reads this environment instead (and the shared files it points to).
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self.shared = None;
        self
    }
    /// Uses these parsed shared files.
    pub fn with_shared_config(mut self, shared: SharedConfig) -> Self {
        self.shared = Some(Arc::new(shared));
        self
    }
    /// Selects this profile instead of `AWS_PROFILE`'s.
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }
    /// Makes the STS and SSO calls through `calls` (a fake, in tests).
    pub fn with_credential_calls(mut self, calls: Arc<dyn CredentialCalls>) -> Self {
        self.calls = Some(calls);
        self
    }
    /// Reads time from this clock.
    pub fn with_time_source(mut self, time: SharedTimeSource) -> Self {
        self.time = time;
        self
    }
    /// Reaches the ECS and EC2 metadata endpoints through this HTTP client.
    pub fn with_http_client(mut self, http: impl super::http::HttpClient + 'static) -> Self {
        self.client.http_client = Some(Arc::new(http));
        self
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }
    /// The clock.
    pub fn time_source(&self) -> &SharedTimeSource {
        &self.time
    }
    /// The client configuration the service calls are made with.
    pub fn client_config(&self) -> &Config {
        &self.client
    }
    /// The client's region.
    pub(crate) fn region(&self) -> Option<String> {
        self.client.region.as_ref().map(|r| r.as_str().to_string())
    }

    /// The shared files with the selected profile (loaded now when they were not given).
    pub(crate) fn shared_config(&self) -> Result<Arc<SharedConfig>, CredentialsError> {
        let shared = match &self.shared {
            Some(shared) => shared.clone(),
            None => Arc::new(SharedConfig::load(&self.env.as_fn(), &real_fs)?),
        };
        Ok(match &self.profile_name {
            Some(name) if name != shared.profile_name() => Arc::new((*shared).clone().with_profile_name(name.clone())),
            _ => shared,
        })
    }

    /// The service calls, or the error saying which feature would bring them.
    pub(crate) fn calls(&self, feature: &'static str, needed_for: impl FnOnce() -> String) -> Result<&dyn CredentialCalls, CredentialsError> {
        self.calls.as_deref().ok_or_else(|| CredentialsError::MissingFeature { needed_for: needed_for(), feature })
    }

    /// `base-<milliseconds since the epoch>`, aws-config's default session names.
    pub(crate) fn session_name(&self, base: &str) -> String {
        let millis = self.time.now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        format!("{base}-{millis}")
    }
}

// ---------------------------------------------------------------------------------------------
// Chains
// ---------------------------------------------------------------------------------------------

/// Providers tried in order (aws-config's `CredentialsProviderChain`): the first with
/// credentials wins; one that has nothing ([`CredentialsError::NotLoaded`]) passes to the next;
/// one that fails stops the chain with [`CredentialsError::Provider`] naming it.
#[derive(Default)]
pub struct CredentialsProviderChain {
    providers: Vec<(&'static str, Box<dyn ProvideCredentials>)>,
}

impl fmt::Debug for CredentialsProviderChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.providers.iter().map(|(name, _)| name)).finish()
    }
}

impl CredentialsProviderChain {
    /// A chain starting with `provider`, called `name` in errors.
    pub fn first_try(name: &'static str, provider: impl ProvideCredentials + 'static) -> Self {
        CredentialsProviderChain { providers: vec![(name, Box::new(provider))] }
    }
    /// Adds a provider to try after the others.
    pub fn or_else(mut self, name: &'static str, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push((name, Box::new(provider)));
        self
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut said = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(credentials) => {
                    trace_event!(debug, provider = *name, access_key_id = credentials.access_key_id(), "credentials chain: found credentials");
                    return Ok(credentials);
                }
                Err(CredentialsError::NotLoaded(reason)) => {
                    trace_event!(debug, provider = *name, reason = %reason, "credentials chain: nothing here");
                    said.push(format!("{name}: {reason}"));
                }
                Err(error) => {
                    trace_event!(debug, provider = *name, error = %error, "credentials chain: provider failed");
                    return Err(CredentialsError::Provider { name, error: Box::new(error) });
                }
            }
        }
        Err(CredentialsError::NotLoaded(format!("no AWS credentials found: {}", said.join("; "))))
    }
}

impl ProvideCredentials for CredentialsProviderChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// The AWS SDKs' default chain: [`EnvironmentVariableCredentialsProvider`],
/// [`ProfileFileCredentialsProvider`], [`WebIdentityTokenCredentialsProvider`],
/// [`EcsCredentialsProvider`], [`ImdsCredentialsProvider`]. It does not cache: a client's
/// configuration puts a [`super::credentials_cache::CredentialsCache`] in front of it.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    chain: CredentialsProviderChain,
}

impl DefaultCredentialsChain {
    /// The chain, reading what `config` gives.
    pub fn new(config: ProviderConfig) -> Self {
        let chain = CredentialsProviderChain::first_try("environment", EnvironmentVariableCredentialsProvider::new(config.env.clone()))
            .or_else("profile", ProfileFileCredentialsProvider::new(config.clone()))
            .or_else("web identity", WebIdentityTokenCredentialsProvider::from_env(config.clone()))
            .or_else("ECS", EcsCredentialsProvider::builder().configure(&config).build())
            .or_else("IMDS", ImdsCredentialsProvider::builder().configure(&config).build());
        DefaultCredentialsChain { chain }
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.chain.provide_credentials()
    }
}

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. Half a key pair is an
/// error (rather than a silent fall-through to another identity).
#[derive(Debug, Clone)]
pub struct EnvironmentVariableCredentialsProvider {
    env: Env,
}

impl EnvironmentVariableCredentialsProvider {
    /// Reads `env`.
    pub fn new(env: Env) -> Self {
        EnvironmentVariableCredentialsProvider { env }
    }
    fn credentials(&self) -> Result<Credentials, CredentialsError> {
        from_env(&self.env.as_fn())?.ok_or_else(|| CredentialsError::not_loaded("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))
    }
}

impl ProvideCredentials for EnvironmentVariableCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(self.credentials())
    }
}

// ---------------------------------------------------------------------------------------------
// Shared config and credentials files
// ---------------------------------------------------------------------------------------------

/// The selected profile of the shared files, as the AWS SDKs read it.
///
/// A profile with `role_arn` is assumed (STS AssumeRole, with `role_session_name`,
/// `external_id`, `duration_seconds`, the profile's `region`) using the credentials of its
/// `source_profile` (itself possibly a role, followed until a profile with credentials; a
/// source profile's static keys win over its own `role_arn`; cycles are reported) or of its
/// `credential_source` (`Environment`, `Ec2InstanceMetadata`, `EcsContainer`). Other profiles
/// give credentials, in this order of precedence, from `credential_source`,
/// `web_identity_token_file` with `role_arn`, SSO (`sso_session` or the legacy `sso_start_url`
/// settings), `credential_process`, or static keys. `mfa_serial` is refused: it needs a code
/// typed by a person.
#[derive(Debug, Clone)]
pub struct ProfileFileCredentialsProvider {
    config: ProviderConfig,
}

/// Where the credentials at the bottom of a profile chain come from.
#[derive(Debug)]
enum Base {
    Static(Credentials),
    Named { profile: String, source: NamedSource },
    WebIdentity(WebIdentitySettings),
    Sso(SsoSettings),
    Process(CredentialProcessProvider),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamedSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

/// A role to assume, from one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Role {
    profile: String,
    role_arn: String,
    session_name: Option<String>,
    external_id: Option<String>,
    duration_seconds: Option<i32>,
    region: Option<String>,
}

impl ProfileFileCredentialsProvider {
    /// Reads the files and profile `config` gives.
    pub fn new(config: ProviderConfig) -> Self {
        ProfileFileCredentialsProvider { config }
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let shared = self.config.shared_config()?;
        let (base, roles) = resolve_chain(&shared)?;
        let mut credentials = self.base_credentials(base).await?;
        for role in roles {
            credentials = self.assume_role(role, credentials).await?;
        }
        Ok(credentials)
    }

    async fn base_credentials(&self, base: Base) -> Result<Credentials, CredentialsError> {
        match base {
            Base::Static(credentials) => Ok(credentials),
            Base::WebIdentity(settings) => WebIdentityTokenCredentialsProvider::from_settings(self.config.clone(), settings).credentials().await,
            Base::Sso(settings) => SsoCredentialsProvider::new(self.config.clone(), settings).provide_credentials().await,
            Base::Process(process) => process.credentials().await,
            Base::Named { profile, source } => {
                let result = match source {
                    NamedSource::Environment => EnvironmentVariableCredentialsProvider::new(self.config.env.clone()).credentials(),
                    NamedSource::EcsContainer => EcsCredentialsProvider::builder().configure(&self.config).build().provide_credentials().await,
                    NamedSource::Ec2InstanceMetadata => ImdsCredentialsProvider::builder().configure(&self.config).build().provide_credentials().await,
                };
                // The profile asked for this source: that it has nothing is an error here.
                result.map_err(|e| match e {
                    CredentialsError::NotLoaded(reason) => {
                        CredentialsError::invalid_configuration(format!("profile `{profile}`: credential_source = {source:?} has no credentials: {reason}"))
                    }
                    other => other,
                })
            }
        }
    }

    async fn assume_role(&self, role: Role, source: Credentials) -> Result<Credentials, CredentialsError> {
        let calls = self.config.calls("credentials-sts", || {
            format!("profile `{}` assumes role {} (`role_arn`), which needs STS AssumeRole", role.profile, role.role_arn)
        })?;
        let request = AssumeRole {
            role_session_name: role.session_name.clone().unwrap_or_else(|| self.config.session_name("assume-role-provider")),
            role_arn: role.role_arn.clone(),
            external_id: role.external_id,
            duration_seconds: role.duration_seconds,
            region: Some(role.region.or_else(|| self.config.region()).unwrap_or_else(|| DEFAULT_STS_REGION.to_string())),
            source,
        };
        trace_event!(debug, profile = %role.profile, role_arn = %role.role_arn, "assuming role");
        calls
            .assume_role(&self.config.client, request)
            .await
            .map_err(|e| CredentialsError::provider_error(format!("profile `{}`: assuming role {}: {e}", role.profile, role.role_arn)))
    }
}

impl ProvideCredentials for ProfileFileCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// A setting of a profile, empty values counting as unset.
fn setting<'p>(profile: &'p Profile, key: &str) -> Option<&'p str> {
    profile.get(key).map(str::trim).filter(|v| !v.is_empty())
}

fn invalid(profile: &Profile, message: impl fmt::Display) -> CredentialsError {
    CredentialsError::invalid_configuration(format!("profile `{}`: {message}", profile.name()))
}

/// Follows the selected profile's `source_profile` links to the credentials at the bottom and
/// the roles to assume on top of them, innermost first.
fn resolve_chain(shared: &SharedConfig) -> Result<(Base, Vec<Role>), CredentialsError> {
    let profiles = shared.profiles();
    let mut name = shared.profile_name().to_string();
    if profiles.get(&name).is_none() {
        return Err(shared.missing_profile());
    }
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let base = loop {
        let Some(profile) = profiles.get(&name) else {
            let from = visited.last().map(String::as_str).unwrap_or_default();
            return Err(CredentialsError::invalid_configuration(format!(
                "profile `{from}` names source_profile `{name}`, which is not defined in {}",
                shared.files().iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or ")
            )));
        };
        if visited.contains(&name) {
            visited.push(name);
            return Err(CredentialsError::invalid_configuration(format!("source_profile settings form a cycle: {}", visited.join(" -> "))));
        }
        visited.push(name.clone());
        if visited.len() > 1 {
            // A source profile's own keys end the chain (even when it also has a role_arn).
            if let Ok(Some(credentials)) = static_credentials(profile, &shared.describe(profile.name())) {
                break Base::Static(credentials);
            }
        }
        let Some(role) = role_of(profile)? else {
            let first = visited.len() == 1;
            break base_of(shared, profile).map_err(|e| match e {
                CredentialsError::NotLoaded(reason) if !first => {
                    CredentialsError::invalid_configuration(format!("source profile `{}` has no credentials: {reason}", profile.name()))
                }
                other => other,
            })?;
        };
        roles.push(role);
        match (setting(profile, "source_profile"), setting(profile, "credential_source")) {
            (Some(_), Some(_)) => return Err(invalid(profile, "sets both source_profile and credential_source; keep one")),
            (None, None) => return Err(invalid(profile, "has a role_arn but neither source_profile nor credential_source")),
            (Some(source), None) if source == profile.name() => break base_of(shared, profile)?,
            (Some(source), None) => name = source.to_string(),
            (None, Some(_)) => break base_of(shared, profile)?,
        }
    };
    roles.reverse();
    Ok((base, roles))
}

/// The role a profile assumes: `role_arn`, unless it goes with `web_identity_token_file`
/// (then the profile is a web identity source, not a link).
fn role_of(profile: &Profile) -> Result<Option<Role>, CredentialsError> {
    let Some(role_arn) = setting(profile, "role_arn") else { return Ok(None) };
    if setting(profile, "web_identity_token_file").is_some() {
        return Ok(None);
    }
    if setting(profile, "mfa_serial").is_some() {
        return Err(invalid(
            profile,
            format!("assuming role {role_arn} needs an MFA code (`mfa_serial`), which this client cannot ask for; use a credential_process or credentials that need no MFA"),
        ));
    }
    Ok(Some(Role {
        profile: profile.name().to_string(),
        role_arn: role_arn.to_string(),
        session_name: setting(profile, "role_session_name").map(str::to_string),
        external_id: setting(profile, "external_id").map(str::to_string),
        duration_seconds: duration_seconds(profile)?,
        region: setting(profile, "region").map(str::to_string),
    }))
}

fn duration_seconds(profile: &Profile) -> Result<Option<i32>, CredentialsError> {
    match setting(profile, "duration_seconds") {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| invalid(profile, format!("duration_seconds must be a number of seconds, not `{v}`"))),
    }
}

/// The credentials a profile gives by itself (no `role_arn` link).
fn base_of(shared: &SharedConfig, profile: &Profile) -> Result<Base, CredentialsError> {
    let name = profile.name().to_string();
    if let Some(source) = setting(profile, "credential_source") {
        let source = match source {
            "Environment" => NamedSource::Environment,
            "Ec2InstanceMetadata" => NamedSource::Ec2InstanceMetadata,
            "EcsContainer" => NamedSource::EcsContainer,
            other => {
                return Err(invalid(profile, format!("credential_source `{other}` is not one of Environment, Ec2InstanceMetadata, EcsContainer")))
            }
        };
        return Ok(Base::Named { profile: name, source });
    }
    if let Some(token_file) = setting(profile, "web_identity_token_file") {
        let role_arn = setting(profile, "role_arn").ok_or_else(|| invalid(profile, "has web_identity_token_file but no role_arn"))?;
        return Ok(Base::WebIdentity(WebIdentitySettings {
            role_arn: role_arn.to_string(),
            token_file: PathBuf::from(token_file),
            session_name: setting(profile, "role_session_name").map(str::to_string),
            duration_seconds: duration_seconds(profile)?,
            region: setting(profile, "region").map(str::to_string),
        }));
    }
    if let Some(sso) = SsoSettings::from_profile(shared, profile)? {
        return Ok(Base::Sso(sso));
    }
    if let Some(command) = setting(profile, "credential_process") {
        return Ok(Base::Process(CredentialProcessProvider::new(command)));
    }
    match static_credentials(profile, &shared.describe(&name))? {
        Some(credentials) => Ok(Base::Static(credentials)),
        None => Err(CredentialsError::not_loaded(format!("{} has no credentials", shared.describe(&name)))),
    }
}

// ---------------------------------------------------------------------------------------------
// Web identity
// ---------------------------------------------------------------------------------------------

/// A role assumed with a web identity token read from a file (EKS IAM roles for service
/// accounts): STS AssumeRoleWithWebIdentity, the file read again on every refresh (the
/// platform rotates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentitySettings {
    /// The role to assume.
    pub role_arn: String,
    /// The file holding the token.
    pub token_file: PathBuf,
    /// The session name (default `web-identity-token-<ms>`).
    pub session_name: Option<String>,
    /// The session's lifetime.
    pub duration_seconds: Option<i32>,
    /// The STS region.
    pub region: Option<String>,
}

/// Web identity credentials from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and
/// `AWS_ROLE_SESSION_NAME` (the default chain's link), or from a profile's
/// `web_identity_token_file` and `role_arn`.
#[derive(Debug, Clone)]
pub struct WebIdentityTokenCredentialsProvider {
    config: ProviderConfig,
    settings: Option<WebIdentitySettings>,
}

impl WebIdentityTokenCredentialsProvider {
    /// Settings from the environment of `config`, read at each call.
    pub fn from_env(config: ProviderConfig) -> Self {
        WebIdentityTokenCredentialsProvider { config, settings: None }
    }
    /// Fixed settings.
    pub fn from_settings(config: ProviderConfig, settings: WebIdentitySettings) -> Self {
        WebIdentityTokenCredentialsProvider { config, settings: Some(settings) }
    }

    fn settings(&self) -> Result<WebIdentitySettings, CredentialsError> {
        if let Some(s) = &self.settings {
            return Ok(s.clone());
        }
        let env = &self.config.env;
        let Some(token_file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Err(CredentialsError::not_loaded("AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
        };
        let role_arn = env
            .get("AWS_ROLE_ARN")
            .ok_or_else(|| CredentialsError::invalid_configuration("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"))?;
        Ok(WebIdentitySettings {
            role_arn: role_arn.trim().to_string(),
            token_file: PathBuf::from(token_file.trim()),
            session_name: env.get("AWS_ROLE_SESSION_NAME").map(|s| s.trim().to_string()),
            duration_seconds: None,
            region: None,
        })
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let settings = self.settings()?;
        let calls = self.config.calls("credentials-sts", || {
            format!("web identity role {} needs STS AssumeRoleWithWebIdentity", settings.role_arn)
        })?;
        let token = std::fs::read_to_string(&settings.token_file).map_err(|e| {
            CredentialsError::provider_error(format!("could not read the web identity token file {}: {e}", settings.token_file.display()))
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialsError::provider_error(format!("the web identity token file {} is empty", settings.token_file.display())));
        }
        let request = AssumeRoleWithWebIdentity {
            role_arn: settings.role_arn.clone(),
            role_session_name: settings.session_name.clone().unwrap_or_else(|| self.config.session_name("web-identity-token")),
            web_identity_token: token.to_string(),
            duration_seconds: settings.duration_seconds,
            region: Some(settings.region.clone().or_else(|| self.config.region()).unwrap_or_else(|| DEFAULT_STS_REGION.to_string())),
        };
        calls
            .assume_role_with_web_identity(&self.config.client, request)
            .await
            .map_err(|e| CredentialsError::provider_error(format!("assuming role {} with a web identity: {e}", settings.role_arn)))
    }
}

impl ProvideCredentials for WebIdentityTokenCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

// ---------------------------------------------------------------------------------------------
// credential_process
// ---------------------------------------------------------------------------------------------

/// Runs a profile's `credential_process` command through the platform shell (`sh -c` on Unix,
/// `cmd.exe /C` on Windows) and reads the JSON it prints: `Version` 1, `AccessKeyId`,
/// `SecretAccessKey`, optional `SessionToken` and RFC 3339 `Expiration`. Only the program name
/// is ever shown (its arguments may hold secrets), and never its output.
#[derive(Clone)]
pub struct CredentialProcessProvider {
    command: String,
}

impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider").field("program", &self.program()).finish()
    }
}

impl CredentialProcessProvider {
    /// Runs `command`.
    pub fn new(command: impl Into<String>) -> Self {
        CredentialProcessProvider { command: command.into() }
    }

    /// The command's first word.
    fn program(&self) -> &str {
        self.command.split_whitespace().next().unwrap_or_default()
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let command = self.command.clone();
        let program = self.program().to_string();
        let failed = |what: String| CredentialsError::provider_error(format!("credential_process `{program}`: {what}"));
        let output = super::task::run_blocking(move || {
            let mut shell = if cfg!(windows) {
                let mut c = std::process::Command::new("cmd.exe");
                c.arg("/C");
                c
            } else {
                let mut c = std::process::Command::new("sh");
                c.arg("-c");
                c
            };
            shell.arg(&command).stdin(std::process::Stdio::null()).output()
        })
        .await
        .map_err(&failed)?
        .map_err(|e| failed(format!("could not run it: {e}")))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stderr: String = stderr.trim().chars().take(300).collect();
            let stderr = if stderr.is_empty() { String::new() } else { format!(": {stderr}") };
            return Err(failed(format!("exited with {}{stderr}", output.status)));
        }
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|_| failed("its output is not JSON".to_string()))?;
        match json.get("Version").and_then(serde_json::Value::as_i64) {
            Some(1) => {}
            Some(v) => return Err(failed(format!("its output has Version {v}; only Version 1 is supported"))),
            None => return Err(failed("its output has no `Version` (expected 1)".to_string())),
        }
        credentials_from_json(&json, "SessionToken", "CredentialProcess").map_err(|e| failed(format!("its output is not usable: {e}")))
    }
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}
