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

#[cfg(test)]
mod tests {
    use super::super::credential_calls::{BoxFuture, SsoCreateToken, SsoGetRoleCredentials, SsoToken};
    use super::super::credentials::{FsFn, SharedCredentialsProvider};
    use super::super::credentials_sso::SsoCredentialsProvider;
    use super::*;
    use std::path::Path;
    use std::sync::Mutex;
    use std::time::{Duration, SystemTime};

    /// Records every call as a line and answers with credentials named after the request.
    #[derive(Debug, Default)]
    struct FakeCalls {
        log: Mutex<Vec<String>>,
        /// Makes every call fail with this message.
        fail: Mutex<Option<String>>,
        /// What CreateToken answers (default: a failure).
        token: Mutex<Option<SsoToken>>,
    }

    impl FakeCalls {
        fn log(&self) -> Vec<String> {
            self.log.lock().unwrap().clone()
        }
        fn answer(&self, line: String, key: String) -> BoxFuture<'_, Result<Credentials, String>> {
            self.log.lock().unwrap().push(line);
            let fail = self.fail.lock().unwrap().clone();
            let expiry = SystemTime::now() + Duration::from_secs(3600);
            Box::pin(async move {
                match fail {
                    Some(message) => Err(message),
                    None => Ok(Credentials::new(key, "secret-from-the-service", Some("token-from-the-service".into()), Some(expiry), "Fake")),
                }
            })
        }
    }

    impl CredentialCalls for FakeCalls {
        fn assume_role<'a>(&'a self, _config: &'a Config, r: AssumeRole) -> BoxFuture<'a, Result<Credentials, String>> {
            let line = format!(
                "AssumeRole {} session={} external_id={:?} duration={:?} region={:?} source={}",
                r.role_arn,
                r.role_session_name,
                r.external_id,
                r.duration_seconds,
                r.region,
                r.source.access_key_id()
            );
            let key = format!("ASIA-{}", r.role_arn.rsplit('/').next().unwrap_or_default());
            self.answer(line, key)
        }
        fn assume_role_with_web_identity<'a>(&'a self, _config: &'a Config, r: AssumeRoleWithWebIdentity) -> BoxFuture<'a, Result<Credentials, String>> {
            let line = format!("AssumeRoleWithWebIdentity {} session={} token={} region={:?}", r.role_arn, r.role_session_name, r.web_identity_token, r.region);
            self.answer(line, "ASIA-WEB".into())
        }
        fn sso_get_role_credentials<'a>(&'a self, _config: &'a Config, r: SsoGetRoleCredentials) -> BoxFuture<'a, Result<Credentials, String>> {
            let line = format!("GetRoleCredentials {} {} token={} region={}", r.account_id, r.role_name, r.access_token, r.region);
            self.answer(line, "ASIA-SSO".into())
        }
        fn sso_create_token<'a>(&'a self, _config: &'a Config, r: SsoCreateToken) -> BoxFuture<'a, Result<SsoToken, String>> {
            self.log.lock().unwrap().push(format!("CreateToken client={} secret={} refresh={} region={}", r.client_id, r.client_secret, r.refresh_token, r.region));
            let answer = self.token.lock().unwrap().clone().ok_or_else(|| "InvalidGrantException: refresh token revoked".to_string());
            Box::pin(async move { answer })
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    /// A directory of its own under the temp dir, removed on drop: a fake HOME.
    struct TempHome(PathBuf);

    impl TempHome {
        fn new(name: &str) -> TempHome {
            let dir = std::env::temp_dir().join(format!("runtime-credentials-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempHome(dir)
        }
        fn write(&self, relative: &str, text: &str) -> PathBuf {
            let path = self.0.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        }
        fn path(&self) -> &str {
            self.0.to_str().unwrap()
        }
    }

    impl Drop for TempHome {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn no_files(_: &Path) -> Option<String> {
        None
    }

    /// A provider configuration over this config file text (profile `profile`), environment
    /// and calls; the client region is `us-west-1`.
    fn setup(config_file: &str, profile: &str, env: &[(&str, &str)], calls: Option<Arc<FakeCalls>>) -> ProviderConfig {
        let mut pairs = vec![("HOME", "/home/u"), ("AWS_PROFILE", profile)];
        pairs.extend_from_slice(env);
        let env = Env::from_slice(&pairs);
        let text = config_file.to_string();
        let fs = move |p: &Path| (p == Path::new("/home/u/.aws/config")).then(|| text.clone());
        let fs: FsFn<'_> = &fs;
        let shared = SharedConfig::load(&env.as_fn(), fs).unwrap();
        let client = Config::builder().ignore_environment().region("us-west-1").build();
        let mut config = ProviderConfig::from_config(&client).with_env(env).with_shared_config(shared);
        if let Some(calls) = calls {
            config = config.with_credential_calls(calls);
        }
        config
    }

    fn profile_credentials(config: ProviderConfig) -> Result<Credentials, CredentialsError> {
        block_on(ProfileFileCredentialsProvider::new(config).provide_credentials())
    }

    #[test]
    fn environment_link() {
        let env = Env::from_slice(&[("AWS_ACCESS_KEY_ID", "AKENV"), ("AWS_SECRET_ACCESS_KEY", "SKENV"), ("AWS_SESSION_TOKEN", "TOK")]);
        let c = block_on(EnvironmentVariableCredentialsProvider::new(env).provide_credentials()).unwrap();
        assert_eq!((c.access_key_id(), c.session_token(), c.provider_name()), ("AKENV", Some("TOK"), "Environment"));
        let e = block_on(EnvironmentVariableCredentialsProvider::new(Env::from_slice(&[])).provide_credentials()).unwrap_err();
        assert!(e.is_not_loaded(), "{e}");
        let e = block_on(EnvironmentVariableCredentialsProvider::new(Env::from_slice(&[("AWS_ACCESS_KEY_ID", "A")])).provide_credentials()).unwrap_err();
        assert!(matches!(e, CredentialsError::MissingKey { key: "AWS_SECRET_ACCESS_KEY", .. }), "{e}");
    }

    const ROLES: &str = "\
[profile top]
role_arn = arn:aws:iam::111111111111:role/top
source_profile = middle
role_session_name = my-session
external_id = ext-123
duration_seconds = 1800
region = eu-west-2
[profile middle]
role_arn = arn:aws:iam::222222222222:role/middle
source_profile = base
[profile base]
aws_access_key_id = AKBASE
aws_secret_access_key = SKBASE
[profile keys-and-role]
role_arn = arn:aws:iam::333333333333:role/unused
source_profile = base
aws_access_key_id = AKOWN
aws_secret_access_key = SKOWN
[profile via-keys-and-role]
role_arn = arn:aws:iam::444444444444:role/outer
source_profile = keys-and-role
[profile self]
role_arn = arn:aws:iam::555555555555:role/self
source_profile = self
aws_access_key_id = AKSELF
aws_secret_access_key = SKSELF
";

    #[test]
    fn role_chains_assume_each_role_with_the_previous_credentials() {
        let calls = Arc::new(FakeCalls::default());
        let c = profile_credentials(setup(ROLES, "top", &[], Some(calls.clone()))).unwrap();
        assert_eq!(c.access_key_id(), "ASIA-top");
        let log = calls.log();
        assert_eq!(log.len(), 2, "{log:?}");
        assert!(log[0].starts_with("AssumeRole arn:aws:iam::222222222222:role/middle session=assume-role-provider-"), "{log:?}");
        assert!(log[0].ends_with(" external_id=None duration=None region=Some(\"us-west-1\") source=AKBASE"), "the client's region: {log:?}");
        assert_eq!(
            log[1],
            "AssumeRole arn:aws:iam::111111111111:role/top session=my-session external_id=Some(\"ext-123\") duration=Some(1800) region=Some(\"eu-west-2\") source=ASIA-middle"
        );
        // A source profile's own keys end the chain, even with a role_arn of its own...
        let calls = Arc::new(FakeCalls::default());
        assert_eq!(profile_credentials(setup(ROLES, "via-keys-and-role", &[], Some(calls.clone()))).unwrap().access_key_id(), "ASIA-outer");
        assert_eq!(calls.log().len(), 1);
        assert!(calls.log()[0].ends_with("source=AKOWN"), "{:?}", calls.log());
        // ...while the selected profile's role_arn wins over its keys.
        let calls = Arc::new(FakeCalls::default());
        assert_eq!(profile_credentials(setup(ROLES, "keys-and-role", &[], Some(calls.clone()))).unwrap().access_key_id(), "ASIA-unused");
        assert!(calls.log()[0].ends_with("source=AKBASE"), "{:?}", calls.log());
        // source_profile naming itself: its own keys, then its role.
        let calls = Arc::new(FakeCalls::default());
        assert_eq!(profile_credentials(setup(ROLES, "self", &[], Some(calls.clone()))).unwrap().access_key_id(), "ASIA-self");
        assert!(calls.log()[0].ends_with("source=AKSELF"), "{:?}", calls.log());
    }

    #[test]
    fn credential_sources() {
        let config = "\
[profile from-env]
role_arn = arn:aws:iam::1:role/env
credential_source = Environment
[profile from-imds]
role_arn = arn:aws:iam::1:role/imds
credential_source = Ec2InstanceMetadata
[profile from-ecs]
role_arn = arn:aws:iam::1:role/ecs
credential_source = EcsContainer
[profile bogus]
role_arn = arn:aws:iam::1:role/bogus
credential_source = Laptop
";
        let env = [("AWS_ACCESS_KEY_ID", "AKENV"), ("AWS_SECRET_ACCESS_KEY", "SKENV"), ("AWS_EC2_METADATA_DISABLED", "true")];
        let calls = Arc::new(FakeCalls::default());
        assert_eq!(profile_credentials(setup(config, "from-env", &env, Some(calls.clone()))).unwrap().access_key_id(), "ASIA-env");
        assert!(calls.log()[0].ends_with("source=AKENV"));
        // The named source has nothing: an error naming the profile and the source.
        let e = profile_credentials(setup(config, "from-imds", &env, Some(calls.clone()))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid configuration: profile `from-imds`: credential_source = Ec2InstanceMetadata has no credentials: turned off by AWS_EC2_METADATA_DISABLED"
        );
        let e = profile_credentials(setup(config, "from-ecs", &env, Some(calls.clone()))).unwrap_err();
        assert!(e.to_string().contains("credential_source = EcsContainer has no credentials: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), "{e}");
        let e = profile_credentials(setup(config, "bogus", &env, Some(calls.clone()))).unwrap_err();
        assert!(e.to_string().contains("credential_source `Laptop` is not one of Environment, Ec2InstanceMetadata, EcsContainer"), "{e}");
        assert_eq!(calls.log().len(), 1, "no STS call for a profile whose source failed");
    }

    #[test]
    fn broken_role_chains_are_reported() {
        let config = "\
[profile a]
role_arn = arn:aws:iam::1:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::1:role/b
source_profile = c
[profile c]
role_arn = arn:aws:iam::1:role/c
source_profile = a
[profile both]
role_arn = arn:aws:iam::1:role/x
source_profile = a
credential_source = Environment
[profile neither]
role_arn = arn:aws:iam::1:role/x
[profile dangling]
role_arn = arn:aws:iam::1:role/x
source_profile = ghost
[profile mfa]
role_arn = arn:aws:iam::1:role/x
source_profile = keys
mfa_serial = arn:aws:iam::1:mfa/me
[profile empty-source]
role_arn = arn:aws:iam::1:role/x
source_profile = nothing
[profile nothing]
region = eu-west-1
[profile keys]
aws_access_key_id = A
aws_secret_access_key = S
[profile bad-duration]
role_arn = arn:aws:iam::1:role/x
source_profile = keys
duration_seconds = an hour
";
        let calls = Arc::new(FakeCalls::default());
        let error = |profile| profile_credentials(setup(config, profile, &[], Some(calls.clone()))).unwrap_err().to_string();
        assert_eq!(error("a"), "invalid configuration: source_profile settings form a cycle: a -> b -> c -> a");
        assert_eq!(error("both"), "invalid configuration: profile `both`: sets both source_profile and credential_source; keep one");
        assert_eq!(error("neither"), "invalid configuration: profile `neither`: has a role_arn but neither source_profile nor credential_source");
        assert_eq!(
            error("dangling"),
            "invalid configuration: profile `dangling` names source_profile `ghost`, which is not defined in /home/u/.aws/config or /home/u/.aws/credentials"
        );
        assert!(error("mfa").contains("needs an MFA code (`mfa_serial`), which this client cannot ask for"));
        assert_eq!(
            error("empty-source"),
            "invalid configuration: source profile `nothing` has no credentials: profile `nothing` of /home/u/.aws/config + /home/u/.aws/credentials has no credentials"
        );
        assert_eq!(error("bad-duration"), "invalid configuration: profile `bad-duration`: duration_seconds must be a number of seconds, not `an hour`");
        assert!(calls.log().is_empty(), "nothing was called: {:?}", calls.log());
        // A profile with nothing at all is "not here" (the chain goes on), as is a missing
        // default profile; a missing AWS_PROFILE profile is an error.
        assert!(profile_credentials(setup(config, "nothing", &[], None)).unwrap_err().is_not_loaded());
        let missing = setup("", "default", &[], None).with_shared_config(SharedConfig::load(&|_: &str| None, &no_files).unwrap());
        assert!(profile_credentials(missing).unwrap_err().is_not_loaded());
        let e = profile_credentials(setup(config, "ghost", &[], None)).unwrap_err();
        assert!(matches!(e, CredentialsError::ProfileNotFound { .. }), "{e}");
    }

    #[test]
    fn service_calls_missing_or_failing() {
        let e = profile_credentials(setup(ROLES, "top", &[], None)).unwrap_err();
        assert!(matches!(&e, CredentialsError::MissingFeature { feature: "credentials-sts", .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "profile `middle` assumes role arn:aws:iam::222222222222:role/middle (`role_arn`), which needs STS AssumeRole, \
             but this crate was built without the `credentials-sts` feature: enable it, or provide credentials another way"
        );
        let calls = Arc::new(FakeCalls::default());
        *calls.fail.lock().unwrap() = Some("STS AssumeRole: AccessDenied: not allowed".into());
        let e = profile_credentials(setup(ROLES, "top", &[], Some(calls))).unwrap_err();
        assert_eq!(e.to_string(), "profile `middle`: assuming role arn:aws:iam::222222222222:role/middle: STS AssumeRole: AccessDenied: not allowed");
    }

    #[test]
    fn profile_web_identity_and_environment_web_identity_read_the_token_on_every_call() {
        let home = TempHome::new("web-identity");
        let token_file = home.write("token", "first-token\n");
        let token_path = token_file.to_str().unwrap();
        let calls = Arc::new(FakeCalls::default());
        let config = setup("", "default", &[("AWS_WEB_IDENTITY_TOKEN_FILE", token_path), ("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod"), ("AWS_ROLE_SESSION_NAME", "pod-1")], Some(calls.clone()));
        let provider = WebIdentityTokenCredentialsProvider::from_env(config);
        assert_eq!(block_on(provider.provide_credentials()).unwrap().access_key_id(), "ASIA-WEB");
        std::fs::write(&token_file, "rotated-token").unwrap();
        block_on(provider.provide_credentials()).unwrap();
        assert_eq!(
            calls.log(),
            [
                "AssumeRoleWithWebIdentity arn:aws:iam::1:role/pod session=pod-1 token=first-token region=Some(\"us-west-1\")",
                "AssumeRoleWithWebIdentity arn:aws:iam::1:role/pod session=pod-1 token=rotated-token region=Some(\"us-west-1\")"
            ]
        );
        // From a profile: role_arn + web_identity_token_file (+ its region), default session name.
        let profile = format!("[default]\nrole_arn = arn:aws:iam::1:role/prof\nweb_identity_token_file = {token_path}\nregion = ap-south-1\n");
        let calls = Arc::new(FakeCalls::default());
        profile_credentials(setup(&profile, "default", &[], Some(calls.clone()))).unwrap();
        assert!(calls.log()[0].starts_with("AssumeRoleWithWebIdentity arn:aws:iam::1:role/prof session=web-identity-token-"), "{:?}", calls.log());
        assert!(calls.log()[0].ends_with("token=rotated-token region=Some(\"ap-south-1\")"), "{:?}", calls.log());
        // Not configured, half configured, unreadable, no STS.
        let unset = WebIdentityTokenCredentialsProvider::from_env(setup("", "default", &[], None));
        assert_eq!(block_on(unset.provide_credentials()).unwrap_err(), CredentialsError::NotLoaded("AWS_WEB_IDENTITY_TOKEN_FILE is not set".into()));
        let half = WebIdentityTokenCredentialsProvider::from_env(setup("", "default", &[("AWS_WEB_IDENTITY_TOKEN_FILE", token_path)], None));
        assert!(block_on(half.provide_credentials()).unwrap_err().to_string().contains("AWS_ROLE_ARN is not"));
        let missing = [("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"), ("AWS_ROLE_ARN", "arn:aws:iam::1:role/pod")];
        let e = block_on(WebIdentityTokenCredentialsProvider::from_env(setup("", "default", &missing, Some(calls))).provide_credentials()).unwrap_err();
        assert!(e.to_string().starts_with("could not read the web identity token file /nonexistent/token"), "{e}");
        let e = block_on(WebIdentityTokenCredentialsProvider::from_env(setup("", "default", &missing, None)).provide_credentials()).unwrap_err();
        assert!(matches!(e, CredentialsError::MissingFeature { feature: "credentials-sts", .. }), "{e}");
        let e = profile_credentials(setup("[default]\nweb_identity_token_file = /t\n", "default", &[], None)).unwrap_err();
        assert!(e.to_string().contains("has web_identity_token_file but no role_arn"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn credential_process_runs_through_the_shell() {
        let home = TempHome::new("process");
        let script = home.write(
            "creds.sh",
            "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\", \"Expiration\": \"2030-01-02T03:04:05Z\"}'\n",
        );
        let config = format!("[default]\ncredential_process = sh {} --password hunter2\n", script.display());
        let c = profile_credentials(setup(&config, "default", &[], None)).unwrap();
        assert_eq!((c.access_key_id(), c.secret_access_key(), c.session_token()), ("AKPROC", "process-secret", Some("process-token")));
        assert_eq!(c.expiry(), Some(UNIX_EPOCH + Duration::from_secs(1_893_553_445)));
        assert_eq!(c.provider_name(), "CredentialProcess");
        // Shell syntax works; no Expiration and no token are fine.
        let c = block_on(CredentialProcessProvider::new(r#"printf '%s' '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}' | cat"#).provide_credentials()).unwrap();
        assert_eq!((c.access_key_id(), c.session_token(), c.expiry()), ("A", None, None));
        let fail = |command: &str| block_on(CredentialProcessProvider::new(command).provide_credentials()).unwrap_err().to_string();
        assert_eq!(fail("echo 'not logged in' >&2; exit 3"), "credential_process `echo`: exited with exit status: 3: not logged in");
        assert_eq!(fail("echo '{not json'"), "credential_process `echo`: its output is not JSON");
        assert_eq!(fail(r#"echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'"#), "credential_process `echo`: its output has Version 2; only Version 1 is supported");
        assert_eq!(fail(r#"echo '{"Version": 1, "AccessKeyId": "A"}'"#), "credential_process `echo`: its output is not usable: `SecretAccessKey` is missing");
        assert_eq!(
            fail(r#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "soon"}'"#),
            "credential_process `echo`: its output is not usable: `Expiration` is not an RFC 3339 timestamp: \"soon\""
        );
        // Only the program name is shown: the arguments may hold secrets.
        let shown = format!("{:?}", CredentialProcessProvider::new("vault-creds --token s3cr3t"));
        assert_eq!(shown, "CredentialProcessProvider { program: \"vault-creds\" }");
    }

    /// Writes an SSO token cache file under `home` for `key` (session name or start URL).
    fn sso_cache(home: &TempHome, key: &str, json: &str) -> PathBuf {
        let path = SsoCredentialsProvider::cache_path(Path::new(home.path()), key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, json).unwrap();
        path
    }

    const SSO_CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
[sso-session corp]
sso_region = eu-central-1
sso_start_url = https://corp.awsapps.com/start
[profile legacy]
sso_start_url = https://d-92671207e4.awsapps.com/start
sso_region = us-east-2
sso_account_id = 210987654321
sso_role_name = ReadOnly
";

    fn sso_setup(home: &TempHome, profile: &str, calls: &Arc<FakeCalls>) -> ProviderConfig {
        let env = Env::from_slice(&[("HOME", home.path()), ("AWS_PROFILE", profile)]);
        let text = SSO_CONFIG.to_string();
        let fs = move |p: &Path| p.ends_with(".aws/config").then(|| text.clone());
        let shared = SharedConfig::load(&env.as_fn(), &fs).unwrap();
        ProviderConfig::from_config(&Config::builder().ignore_environment().build())
            .with_env(env)
            .with_shared_config(shared)
            .with_credential_calls(calls.clone())
    }

    fn rfc3339_in(secs: i64) -> String {
        let now = SystemTime::now();
        let t = if secs >= 0 { now + Duration::from_secs(secs as u64) } else { now - Duration::from_secs((-secs) as u64) };
        super::super::credentials::format_rfc3339(t)
    }

    #[test]
    fn sso_session_and_legacy_profiles_read_the_cached_token() {
        let home = TempHome::new("sso-read");
        let calls = Arc::new(FakeCalls::default());
        let path = sso_cache(&home, "corp", &format!(r#"{{"accessToken": "sso-access-token", "expiresAt": "{}"}}"#, rfc3339_in(3600)));
        assert_eq!(path, Path::new(home.path()).join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"), "named after the session");
        let c = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap();
        assert_eq!(c.access_key_id(), "ASIA-SSO");
        assert_eq!(calls.log(), ["GetRoleCredentials 123456789012 Developer token=sso-access-token region=eu-central-1"]);
        // Legacy: the file is named after the start URL, as the AWS CLI names it.
        let legacy = sso_cache(&home, "https://d-92671207e4.awsapps.com/start", &format!(r#"{{"accessToken": "legacy-token", "expiresAt": "{}"}}"#, rfc3339_in(3600)));
        assert!(legacy.ends_with("13f9d35043871d073ab260e020f0ffde092cb14b.json"), "{}", legacy.display());
        profile_credentials(sso_setup(&home, "legacy", &calls)).unwrap();
        assert_eq!(calls.log()[1], "GetRoleCredentials 210987654321 ReadOnly token=legacy-token region=us-east-2");
        // Expired and not refreshable; missing file; garbage.
        sso_cache(&home, "corp", &format!(r#"{{"accessToken": "old", "expiresAt": "{}"}}"#, rfc3339_in(-60)));
        let e = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap_err().to_string();
        assert!(e.starts_with("profile `dev`: the cached SSO token expired at ") && e.ends_with(": run `aws sso login --profile dev`"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let e = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap_err().to_string();
        assert!(e.contains("no cached SSO token at ") && e.ends_with("run `aws sso login --profile dev`"), "{e}");
        sso_cache(&home, "corp", "{\"accessToken\": ");
        let e = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap_err().to_string();
        assert!(e.contains("is not a JSON object"), "{e}");
        assert_eq!(calls.log().len(), 2);
    }

    #[test]
    fn sso_token_near_expiry_is_refreshed_and_written_back() {
        let home = TempHome::new("sso-refresh");
        let calls = Arc::new(FakeCalls::default());
        let refreshable = |expires_in: i64, registration_expires_in: i64| {
            format!(
                r#"{{"accessToken": "old-access", "expiresAt": "{}", "refreshToken": "old-refresh", "clientId": "client-1", "clientSecret": "client-secret", "registrationExpiresAt": "{}", "region": "eu-central-1", "startUrl": "https://corp.awsapps.com/start", "extra": 7}}"#,
                rfc3339_in(expires_in),
                rfc3339_in(registration_expires_in)
            )
        };
        let cached = refreshable(120, 86_400);
        let path = sso_cache(&home, "corp", &cached);
        *calls.token.lock().unwrap() = Some(SsoToken { access_token: "new-access".into(), expires_in: 28_800, refresh_token: Some("new-refresh".into()) });
        profile_credentials(sso_setup(&home, "dev", &calls)).unwrap();
        assert_eq!(
            calls.log(),
            [
                "CreateToken client=client-1 secret=client-secret refresh=old-refresh region=eu-central-1",
                "GetRoleCredentials 123456789012 Developer token=new-access region=eu-central-1"
            ]
        );
        let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(written["accessToken"], "new-access");
        assert_eq!(written["refreshToken"], "new-refresh");
        assert_eq!(written["clientSecret"], "client-secret");
        assert_eq!(written["extra"], 7, "fields the client does not know are kept");
        let expires = super::super::credentials::parse_rfc3339(written["expiresAt"].as_str().unwrap()).unwrap();
        let left = expires.duration_since(SystemTime::now()).unwrap();
        assert!(left > Duration::from_secs(28_700) && left <= Duration::from_secs(28_800), "{left:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        // The refresh fails: a token that still works is used; an expired one is an error.
        *calls.token.lock().unwrap() = None;
        let calls = Arc::new(FakeCalls::default());
        sso_cache(&home, "corp", &cached);
        profile_credentials(sso_setup(&home, "dev", &calls)).unwrap();
        assert_eq!(calls.log()[1], "GetRoleCredentials 123456789012 Developer token=old-access region=eu-central-1");
        sso_cache(&home, "corp", &refreshable(-600, 86_400));
        let e = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap_err().to_string();
        assert!(e.contains("and refreshing it failed (InvalidGrantException: refresh token revoked)"), "{e}");
        // An expired client registration: no refresh is tried.
        let calls = Arc::new(FakeCalls::default());
        sso_cache(&home, "corp", &refreshable(120, -600));
        profile_credentials(sso_setup(&home, "dev", &calls)).unwrap();
        assert_eq!(calls.log().len(), 1, "{:?}", calls.log());
    }

    #[test]
    fn sso_settings_are_checked() {
        let calls = Arc::new(FakeCalls::default());
        let error = |config: &str| profile_credentials(setup(config, "p", &[], Some(calls.clone()))).unwrap_err().to_string();
        assert!(error("[profile p]\nsso_session = s\nsso_account_id = 1\n[sso-session s]\nsso_region = r\nsso_start_url = u\n").contains("need both sso_account_id and sso_role_name"));
        assert!(error("[profile p]\nsso_start_url = u\nsso_account_id = 1\nsso_role_name = r\n").contains("SSO settings without sso_region"));
        assert!(error("[profile p]\nsso_session = s\nsso_region = a\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_region = b\nsso_start_url = u\n")
            .contains("sso_region `a` differs from the one of [sso-session s] (`b`)"));
        let e = profile_credentials(setup("[profile p]\nsso_start_url = u\nsso_region = r\nsso_account_id = 1\nsso_role_name = r\n", "p", &[], None)).unwrap_err();
        assert!(matches!(&e, CredentialsError::MissingFeature { feature: "credentials-sso", .. }), "{e}");
        assert!(calls.log().is_empty());
    }

    #[test]
    fn the_chain_lists_what_each_link_said_and_names_a_failing_link() {
        let env = Env::from_slice(&[("HOME", "/nonexistent-home"), ("AWS_EC2_METADATA_DISABLED", "true")]);
        let config = ProviderConfig::from_config(&Config::builder().ignore_environment().build()).with_env(env);
        let e = block_on(DefaultCredentialsChain::new(config).provide_credentials()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no AWS credentials found: environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; \
             profile: profile `default` is not defined in /nonexistent-home/.aws/config or /nonexistent-home/.aws/credentials; \
             web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set; \
             ECS: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set; \
             IMDS: turned off by AWS_EC2_METADATA_DISABLED"
        );
        // A link that is configured but fails stops the chain, named.
        let env = Env::from_slice(&[("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"), ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r")]);
        let config = ProviderConfig::from_config(&Config::builder().ignore_environment().build()).with_env(env).with_credential_calls(Arc::new(FakeCalls::default()));
        let e = block_on(DefaultCredentialsChain::new(config).provide_credentials()).unwrap_err();
        assert!(matches!(&e, CredentialsError::Provider { name: "web identity", .. }), "{e:?}");
        assert!(e.to_string().starts_with("web identity: could not read the web identity token file /nonexistent/token"), "{e}");
        // The first link with credentials wins; the others are not asked.
        let env = Env::from_slice(&[("AWS_ACCESS_KEY_ID", "AKENV"), ("AWS_SECRET_ACCESS_KEY", "S"), ("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token")]);
        let config = ProviderConfig::from_config(&Config::builder().ignore_environment().build()).with_env(env);
        assert_eq!(block_on(DefaultCredentialsChain::new(config).provide_credentials()).unwrap().access_key_id(), "AKENV");
    }

    /// The default chain lives in the configuration: built once, shared by its clones and the
    /// clients made from them, behind one cache.
    #[test]
    fn a_configuration_builds_one_cached_chain() {
        let config = Config::builder().region("us-east-1").build();
        let provider = config.credentials_provider().expect("the default chain");
        assert!(config.default_credentials_chain);
        assert!(config.clone().credentials_provider().unwrap().ptr_eq(&provider));
        assert!(config.to_builder().build().credentials_provider().unwrap().ptr_eq(&provider), "rebuilding keeps it");
        assert!(config.to_builder().ignore_environment().build().credentials_provider().is_none(), "not without the environment");
        assert!(Config::builder().ignore_environment().build().credentials_provider().is_none());
        let mine = Config::builder().credentials_provider(Credentials::from_keys("A", "S", None)).build();
        assert!(!mine.default_credentials_chain);
        let shared = mine.credentials_provider().unwrap();
        let mut builder = Config::builder();
        builder.set_credentials_provider(Some(shared.clone()));
        assert!(builder.build().credentials_provider().unwrap().ptr_eq(&shared), "a provider from another configuration keeps its cache");
        let _ = SharedCredentialsProvider::new(Credentials::from_keys("A", "S", None));
    }
    /// Records the `tracing` events of the threads that ask for it (a global subscriber: a
    /// thread-local one would miss callsites whose interest another thread cached first).
    #[cfg(feature = "tracing")]
    mod capture {
        use std::cell::Cell;
        use std::fmt::Write;
        use std::sync::{Mutex, Once};
        use tracing::field::{Field, Visit};
        use tracing::span::{Attributes, Id, Record};
        use tracing::subscriber::Interest;
        use tracing::{Event, Metadata, Subscriber};

        thread_local!(static RECORDING: Cell<bool> = const { Cell::new(false) });
        static TEXT: Mutex<String> = Mutex::new(String::new());
        static INSTALL: Once = Once::new();

        struct Global;
        struct Fields(String);

        impl Visit for Fields {
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                let _ = write!(self.0, "{}={:?} ", field.name(), value);
            }
        }

        impl Subscriber for Global {
            fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
                Interest::always()
            }
            fn enabled(&self, _: &Metadata<'_>) -> bool {
                true
            }
            fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
                Some(tracing::level_filters::LevelFilter::TRACE)
            }
            fn new_span(&self, _: &Attributes<'_>) -> Id {
                Id::from_u64(1)
            }
            fn record(&self, _: &Id, _: &Record<'_>) {}
            fn record_follows_from(&self, _: &Id, _: &Id) {}
            fn event(&self, event: &Event<'_>) {
                if RECORDING.with(Cell::get) {
                    let mut fields = Fields(String::new());
                    event.record(&mut fields);
                    TEXT.lock().unwrap().push_str(&(fields.0 + "\n"));
                }
            }
            fn enter(&self, _: &Id) {}
            fn exit(&self, _: &Id) {}
        }

        /// Runs `f` and returns the events it emitted on this thread.
        pub(super) fn events(f: impl FnOnce()) -> String {
            INSTALL.call_once(|| tracing::subscriber::set_global_default(Global).expect("no other global subscriber"));
            RECORDING.with(|r| r.set(true));
            f();
            RECORDING.with(|r| r.set(false));
            std::mem::take(&mut *TEXT.lock().unwrap())
        }
    }

    /// No secret key, session token, web identity token, SSO access or refresh token, client
    /// secret or credential_process argument shows in Debug, Display or tracing output.
    #[test]
    fn secrets_never_show_in_debug_display_or_tracing() {
        const MARK: &str = "-xyzzy";
        let home = TempHome::new("secrets");
        let token_file = home.write("web-token", "WEB-IDENTITY-TOKEN-xyzzy");
        let mut shown: Vec<String> = Vec::new();
        let mut run = || {
            // The environment link behind a configuration's cache.
            let env = Env::from_slice(&[("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "ENV-SECRET-xyzzy"), ("AWS_SESSION_TOKEN", "ENV-TOKEN-xyzzy")]);
            let chain = DefaultCredentialsChain::new(ProviderConfig::from_config(&Config::builder().ignore_environment().build()).with_env(env));
            let config = Config::builder().ignore_environment().credentials_provider(chain).build();
            let c = block_on(config.credentials_provider().unwrap().provide_credentials()).unwrap();
            shown.push(format!("{c:?} {config:?} {:?}", config.credentials_provider()));
            // A role chain from static keys, with the STS answer's secrets.
            let calls = Arc::new(FakeCalls::default());
            let profile = "[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = k\nexternal_id = EXTERNAL-ID-xyzzy\n[profile k]\naws_access_key_id = AKIDK\naws_secret_access_key = PROFILE-SECRET-xyzzy\n";
            let provider_config = setup(profile, "r", &[], Some(calls.clone()));
            let c = profile_credentials(provider_config.clone()).unwrap();
            shown.push(format!("{c:?} {provider_config:?} {:?}", ProfileFileCredentialsProvider::new(provider_config.clone())));
            *calls.fail.lock().unwrap() = Some("AccessDenied".into());
            shown.push(profile_credentials(setup(profile, "r", &[], Some(calls.clone()))).unwrap_err().to_string());
            // Web identity.
            let web = format!("[default]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = {}\n", token_file.display());
            shown.push(profile_credentials(setup(&web, "default", &[], Some(calls.clone()))).unwrap_err().to_string());
            let settings = WebIdentitySettings { role_arn: "r".into(), token_file: token_file.clone(), session_name: None, duration_seconds: None, region: None };
            shown.push(format!("{:?}", WebIdentityTokenCredentialsProvider::from_settings(setup("", "default", &[], None), settings)));
            // SSO: a refresh, then a failing one.
            let calls = Arc::new(FakeCalls::default());
            *calls.token.lock().unwrap() = Some(SsoToken { access_token: "NEW-SSO-ACCESS-xyzzy".into(), expires_in: 3600, refresh_token: Some("NEW-SSO-REFRESH-xyzzy".into()) });
            let cached = format!(
                r#"{{"accessToken": "SSO-ACCESS-xyzzy", "expiresAt": "{}", "refreshToken": "SSO-REFRESH-xyzzy", "clientId": "c", "clientSecret": "CLIENT-SECRET-xyzzy"}}"#,
                rfc3339_in(-10)
            );
            sso_cache(&home, "corp", &cached);
            let c = profile_credentials(sso_setup(&home, "dev", &calls)).unwrap();
            shown.push(format!("{c:?}"));
            sso_cache(&home, "corp", &cached);
            *calls.token.lock().unwrap() = None;
            shown.push(profile_credentials(sso_setup(&home, "dev", &calls)).unwrap_err().to_string());
            // The requests of the seam, as the chain builds them.
            shown.push(format!(
                "{:?} {:?} {:?} {:?}",
                AssumeRole { role_arn: "r".into(), role_session_name: "s".into(), external_id: Some("EXTERNAL-ID-xyzzy".into()), duration_seconds: None, region: None, source: c.clone() },
                AssumeRoleWithWebIdentity { role_arn: "r".into(), role_session_name: "s".into(), web_identity_token: "WEB-IDENTITY-TOKEN-xyzzy".into(), duration_seconds: None, region: None },
                SsoGetRoleCredentials { account_id: "1".into(), role_name: "r".into(), access_token: "SSO-ACCESS-xyzzy".into(), region: "r".into() },
                SsoCreateToken { client_id: "c".into(), client_secret: "CLIENT-SECRET-xyzzy".into(), refresh_token: "SSO-REFRESH-xyzzy".into(), region: "r".into() },
            ));
            // credential_process: its arguments and its output.
            #[cfg(unix)]
            {
                let command = r#"printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "PROCESS-SECRET-xyzzy"' --password=ARGUMENT-xyzzy; exit 1"#;
                let provider = CredentialProcessProvider::new(command);
                shown.push(format!("{provider:?} {}", block_on(provider.provide_credentials()).unwrap_err()));
                let provider = CredentialProcessProvider::new(r#"echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "PROCESS-SECRET-xyzzy"}'"#);
                shown.push(format!("{:?}", block_on(provider.provide_credentials()).unwrap()));
            }
        };
        #[cfg(feature = "tracing")]
        let events = capture::events(&mut run);
        #[cfg(not(feature = "tracing"))]
        let events = {
            run();
            String::new()
        };
        for text in shown.iter().chain([&events]) {
            assert!(!text.contains(MARK), "a secret leaked: {text}");
        }
        assert!(shown.iter().any(|s| s.contains("AKIDENV")), "access key ids are shown: {shown:?}");
        #[cfg(feature = "tracing")]
        assert!(events.contains("loaded credentials") && events.contains("AKIDENV"), "events were recorded: {events}");
    }

}
