//! AWS credentials, the async [`ProvideCredentials`] trait every source implements, and the
//! shared `~/.aws` config and credentials files.
//!
//! Where credentials come from, unless given in code:
//! [`super::credentials_chain::DefaultCredentialsChain`] tries, in the AWS SDKs' order, the
//! environment, the selected profile of the shared files (static keys, role chains,
//! `credential_process`, SSO), web identity, the ECS container endpoint and EC2 instance
//! metadata; [`super::credentials_cache::CredentialsCache`] keeps what it found and refreshes it
//! before it expires. Credentials given in code ([`Credentials::new`]) or a provider of your own
//! (anything implementing [`ProvideCredentials`]) replace the chain.
//!
//! The profile-file parser ([`ProfileSet::parse`]) also serves non-credential settings:
//! [`SharedConfig::region`], [`SharedConfig::max_attempts`] and [`SharedConfig::retry_mode`].
//! Functions here take the environment and the file system as closures
//! (`env: &dyn Fn(&str) -> Option<String>`, `fs: &dyn Fn(&Path) -> Option<String>`), or an
//! [`Env`], so tests inject both without touching the process environment.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

/// An environment lookup: returns the variable's value, or `None` when it is unset.
pub type EnvFn<'a> = &'a dyn Fn(&str) -> Option<String>;
/// A file-system lookup: returns the file's text, or `None` when it cannot be read.
pub type FsFn<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// The real process environment, for the `env` parameters of this module.
pub fn real_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The real file system, for the `fs` parameters of this module.
pub fn real_fs(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// An environment the credential providers read: the process's own ([`Env::real`]) or a fixed
/// set of variables for tests ([`Env::from_slice`]). Empty (or all-blank) values read as unset.
#[derive(Clone)]
pub struct Env(Arc<Lookup>);

/// How an [`Env`] looks a variable up.
type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl Env {
    /// The process environment.
    pub fn real() -> Env {
        Env(Arc::new(real_env))
    }
    /// Exactly these variables.
    pub fn from_slice(pairs: &[(&str, &str)]) -> Env {
        let map: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Env(Arc::new(move |name: &str| map.get(name).cloned()))
    }
    /// Variables looked up by a function.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Env {
        Env(Arc::new(lookup))
    }
    /// A variable's value; `None` when it is unset, empty or blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }
    /// `true`/`false` (any case) from a variable; `Err` names the variable and its value.
    pub fn get_bool(&self, name: &str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => parse_bool(&v).map(Some).ok_or_else(|| format!("{name} must be `true` or `false`, not `{}`", v.trim())),
        }
    }
    /// The lookup as an [`EnvFn`], for the functions of this module that take one.
    pub fn as_fn(&self) -> impl Fn(&str) -> Option<String> + '_ {
        move |name| (self.0)(name)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Env")
    }
}

/// `true`/`false` in any case.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Looks a variable up, treating an empty (or all-blank) value as unset: that is what
/// `export AWS_PROFILE=` means to a user, and what the AWS SDKs do.
fn env_value(env: EnvFn<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

/// An access key pair, an optional session token, and when the set stops working.
///
/// `Debug` prints the access key id (which is not a secret and is what a user needs to tell
/// keys apart) but redacts the secret key and the session token, so logging a config is safe.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiry: Option<SystemTime>,
    provider_name: &'static str,
}

impl Credentials {
    /// Credentials from their parts, with aws-credential-types' signature: the key pair, an
    /// optional session token, an optional expiry, and the name of the provider that produced
    /// them (shown in `Debug`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_after: Option<SystemTime>,
        provider_name: &'static str,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiry: expires_after,
            provider_name,
        }
    }

    /// Credentials written in code: a key pair and an optional session token, no expiry
    /// (provider name `Static`), as aws-credential-types' `from_keys`.
    pub fn from_keys(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials::new(access_key_id, secret_access_key, session_token, None, "Static")
    }

    /// Temporary credentials: an access key id, its secret and the session token issued with them.
    pub fn new_session(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        Credentials::from_keys(access_key_id, secret_access_key, Some(session_token.into()))
    }

    /// Sets the session token.
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(session_token.into());
        self
    }

    /// Sets the time after which the credentials no longer work.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// The access key id (`AKIA...` or `ASIA...`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token, for temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When the credentials stop working, if known.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// The name of the provider that produced these credentials (`Static` for
    /// [`from_keys`](Self::from_keys), `Environment` or `ProfileFile` for the default chain).
    pub fn provider_name(&self) -> &'static str {
        self.provider_name
    }

    /// True when an expiry is known and `now` is at or past it.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expiry.is_some_and(|expiry| now >= expiry)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REDACTED: &str = "** redacted **";
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .field("expiry", &self.expiry)
            .field("provider_name", &self.provider_name)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Providers
// ---------------------------------------------------------------------------------------------

/// The futures credential providers return, under aws-credential-types' names.
pub mod future {
    use super::*;

    /// The future of [`ProvideCredentials::provide_credentials`](super::ProvideCredentials::provide_credentials):
    /// a boxed future, or a value that is ready.
    pub struct ProvideCredentials<'a>(Inner<'a>);

    enum Inner<'a> {
        Ready(Option<Result<Credentials, CredentialsError>>),
        Pending(Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>),
    }

    impl<'a> ProvideCredentials<'a> {
        /// Wraps a future.
        pub fn new(future: impl Future<Output = Result<Credentials, CredentialsError>> + Send + 'a) -> Self {
            ProvideCredentials(Inner::Pending(Box::pin(future)))
        }
        /// A result that is already known.
        pub fn ready(result: Result<Credentials, CredentialsError>) -> Self {
            ProvideCredentials(Inner::Ready(Some(result)))
        }
    }

    impl Future for ProvideCredentials<'_> {
        type Output = Result<Credentials, CredentialsError>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            match &mut self.0 {
                Inner::Ready(result) => Poll::Ready(
                    result
                        .take()
                        .unwrap_or_else(|| Err(CredentialsError::provider_error("credentials future polled after it completed"))),
                ),
                Inner::Pending(future) => future.as_mut().poll(cx),
            }
        }
    }

    impl fmt::Debug for ProvideCredentials<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("ProvideCredentials")
        }
    }
}

/// A source of credentials, asked again whenever the cached ones are about to expire
/// (aws-credential-types' trait of the same name).
///
/// Implement it to plug in your own source and give it to
/// `Config::builder().credentials_provider(..)`; the client caches what it returns (see
/// [`super::credentials_cache::CredentialsCache`]), so it is called once per expiry, not per
/// request. Return [`CredentialsError::not_loaded`] when the source simply has nothing (a chain
/// then tries the next source), another error when it failed.
///
/// ```ignore
/// use my_crate::config::credentials::{future, Credentials, ProvideCredentials};
/// #[derive(Debug)]
/// struct FromVault;
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
///     where
///         Self: 'a,
///     {
///         future::ProvideCredentials::new(async { Ok(Credentials::from_keys("AKID", "SECRET", None)) })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Loads credentials.
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Ok(self.clone()))
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        T::provide_credentials(self)
    }
}

/// A provider shared between clones of a configuration and the clients built from it.
#[derive(Clone)]
pub struct SharedCredentialsProvider {
    provider: Arc<dyn ProvideCredentials>,
    /// The provider is a `CredentialsCache` (a configuration does not put a second in front).
    cached: bool,
}

impl fmt::Debug for SharedCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.provider.fmt(f)
    }
}

impl SharedCredentialsProvider {
    /// Shares `provider`.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        SharedCredentialsProvider { provider: Arc::new(provider), cached: false }
    }
    pub(crate) fn cached(cache: super::credentials_cache::CredentialsCache) -> Self {
        SharedCredentialsProvider { provider: Arc::new(cache), cached: true }
    }
    pub(crate) fn is_cached(&self) -> bool {
        self.cached
    }
    /// True when both share the same provider.
    pub fn ptr_eq(&self, other: &SharedCredentialsProvider) -> bool {
        Arc::ptr_eq(&self.provider, &other.provider)
    }
}

impl ProvideCredentials for SharedCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.provider.provide_credentials()
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why no credentials (or no shared configuration) could be produced.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A shared config or credentials file could not be parsed.
    Parse(ProfileParseError),
    /// A source had part of a key pair: `source` names it (an environment variable set, or a
    /// profile and its file), `key` the missing or empty setting.
    MissingKey {
        /// Where the incomplete credentials were found.
        source: String,
        /// The missing (or empty) setting.
        key: &'static str,
    },
    /// `AWS_PROFILE` names a profile that neither shared file defines.
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// The files that were read.
        searched: Vec<String>,
    },
    /// The profile gets its credentials in a way this client does not implement.
    Unsupported {
        /// The profile.
        profile: String,
        /// The setting that asks for the unsupported mechanism.
        setting: String,
    },
    /// The source has no credentials to give (not configured, not on EC2...): a chain goes on
    /// to its next source. The text says why; a chain none of whose sources had credentials
    /// says `no AWS credentials found: ` and what each source said.
    NotLoaded(String),
    /// The source is configured, but wrongly.
    InvalidConfiguration(String),
    /// The source is configured and failed (a service error, a process that exited with an
    /// error, an unreadable answer).
    ProviderError(String),
    /// The source did not answer in time.
    ProviderTimedOut(Duration),
    /// The source needs a service call (STS, SSO) that this crate was built without.
    MissingFeature {
        /// What needs the call (`profile `dev` assumes role ...`).
        needed_for: String,
        /// The crate feature that brings it (`credentials-sts`, `credentials-sso`).
        feature: &'static str,
    },
    /// A source of a chain failed: which one, and why.
    Provider {
        /// The source (`environment`, `profile`, `web identity`, `ECS`, `IMDS`).
        name: &'static str,
        /// What it said.
        error: Box<CredentialsError>,
    },
}

impl CredentialsError {
    /// The source has nothing to give; a chain tries the next one (aws-credential-types' name).
    pub fn not_loaded(reason: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        CredentialsError::NotLoaded(error_text(reason.into().as_ref()))
    }
    /// The source is configured wrongly.
    pub fn invalid_configuration(reason: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        CredentialsError::InvalidConfiguration(error_text(reason.into().as_ref()))
    }
    /// The source failed.
    pub fn provider_error(reason: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        CredentialsError::ProviderError(error_text(reason.into().as_ref()))
    }
    /// An unexpected failure (kept as a provider error).
    pub fn unhandled(reason: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::provider_error(reason)
    }
    /// The source did not answer within `timeout`.
    pub fn provider_timed_out(timeout: Duration) -> Self {
        CredentialsError::ProviderTimedOut(timeout)
    }
    /// True for [`CredentialsError::NotLoaded`]: the source had nothing, rather than failing.
    pub fn is_not_loaded(&self) -> bool {
        matches!(self, CredentialsError::NotLoaded(_))
    }
}

/// An error and its sources, joined by `: ` (an error's text is all a `CredentialsError` keeps,
/// so it stays `Clone` and `Eq`).
fn error_text(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Parse(e) => write!(f, "invalid AWS shared config: {e}"),
            CredentialsError::MissingKey { source, key } => {
                write!(
                    f,
                    "incomplete AWS credentials in {source}: `{key}` is missing or empty"
                )
            }
            CredentialsError::ProfileNotFound { profile, searched } => write!(
                f,
                "AWS profile `{profile}` (from AWS_PROFILE) is not defined in {}",
                if searched.is_empty() {
                    "any shared file".to_string()
                } else {
                    searched.join(" or ")
                }
            ),
            CredentialsError::Unsupported { profile, setting } => write!(
                f,
                "AWS profile `{profile}` uses `{setting}`, which this client does not support; \
                 provide static credentials or environment variables instead"
            ),
            CredentialsError::NotLoaded(reason) => f.write_str(reason),
            CredentialsError::InvalidConfiguration(reason) => write!(f, "invalid configuration: {reason}"),
            CredentialsError::ProviderError(reason) => f.write_str(reason),
            CredentialsError::ProviderTimedOut(timeout) => write!(f, "no answer within {timeout:?}"),
            CredentialsError::MissingFeature { needed_for, feature } => write!(
                f,
                "{needed_for}, but this crate was built without the `{feature}` feature: enable it, or provide credentials another way"
            ),
            CredentialsError::Provider { name, error } => write!(f, "{name}: {error}"),
        }
    }
}

impl StdError for CredentialsError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            CredentialsError::Parse(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ProfileParseError> for CredentialsError {
    fn from(e: ProfileParseError) -> Self {
        CredentialsError::Parse(e)
    }
}

/// What is wrong with a line of a profile file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileParseErrorKind {
    /// A `[...` profile line without its `]`.
    MissingClosingBracket,
    /// `[]`, `[profile]` or `[profile   ]`.
    EmptyProfileName,
    /// Text other than a comment after the `]` of a profile line.
    TextAfterProfile(String),
    /// A `key = value` line before any `[profile]` line.
    PropertyOutsideProfile,
    /// A line that is neither a profile, a property, a comment nor a continuation.
    ExpectedKeyValue,
    /// `= value`: the key is empty.
    EmptyKey,
}

/// A profile file could not be parsed: which file, which line (1-based), and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileParseError {
    path: Option<PathBuf>,
    file_kind: ProfileFileKind,
    line: usize,
    kind: ProfileParseErrorKind,
}

impl ProfileParseError {
    /// The file, when the text came from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    /// The line number, counting from 1.
    pub fn line(&self) -> usize {
        self.line
    }
    /// What is wrong.
    pub fn kind(&self) -> &ProfileParseErrorKind {
        &self.kind
    }
    /// Attaches the path of the file the text was read from.
    pub fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }
}

impl fmt::Display for ProfileParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}:{}: ", path.display(), self.line)?,
            None => write!(f, "{} file, line {}: ", self.file_kind.name(), self.line)?,
        }
        match &self.kind {
            ProfileParseErrorKind::MissingClosingBracket => {
                f.write_str("profile line is missing its closing `]`")
            }
            ProfileParseErrorKind::EmptyProfileName => f.write_str("profile name is empty"),
            ProfileParseErrorKind::TextAfterProfile(text) => {
                write!(
                    f,
                    "unexpected `{text}` after the closing `]` of the profile line"
                )
            }
            ProfileParseErrorKind::PropertyOutsideProfile => {
                f.write_str("setting appears before any `[profile]` line")
            }
            ProfileParseErrorKind::ExpectedKeyValue => f.write_str("expected `key = value`"),
            ProfileParseErrorKind::EmptyKey => f.write_str("setting has an empty name before `=`"),
        }
    }
}

impl StdError for ProfileParseError {}

// ---------------------------------------------------------------------------------------------
// Profile files
// ---------------------------------------------------------------------------------------------

/// Which of the two shared files a text comes from: they name profiles differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileFileKind {
    /// `~/.aws/config`: profiles are `[profile name]`, except `[default]`.
    Config,
    /// `~/.aws/credentials`: profiles are `[name]`.
    Credentials,
}

impl ProfileFileKind {
    fn name(self) -> &'static str {
        match self {
            ProfileFileKind::Config => "config",
            ProfileFileKind::Credentials => "credentials",
        }
    }
}

/// One profile: its settings, with keys lowercased (they are case-insensitive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: BTreeMap<String, String>,
    sub_properties: BTreeMap<String, BTreeMap<String, String>>,
}

impl Profile {
    /// The profile name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A setting's value; `key` is case-insensitive.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .get(&key.trim().to_ascii_lowercase())
            .map(String::as_str)
    }

    /// A nested setting, such as `max_concurrent_requests` under `s3 =`.
    pub fn get_sub(&self, key: &str, sub_key: &str) -> Option<&str> {
        self.sub_properties
            .get(&key.trim().to_ascii_lowercase())?
            .get(&sub_key.trim().to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Every setting, keys lowercased, in key order.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The profiles of one or more parsed profile files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    /// `[sso-session name]` sections of the config file.
    sso_sessions: BTreeMap<String, Profile>,
}

/// Where a property line's settings go while parsing: the profile or `[sso-session]` being
/// filled, or nowhere (a section this client does not use, such as `[services x]`).
enum Section {
    None,
    Ignored,
    Profile(String),
    SsoSession(String),
}

impl ProfileSet {
    /// Parses the text of a config or credentials file.
    ///
    /// Format: `[profile]` lines, then `key = value` lines; `#` and `;` start comment lines
    /// (and, after whitespace, trailing comments); keys are case-insensitive and trimmed; a
    /// line starting with whitespace continues the previous setting: when that setting's
    /// value is empty, the continuation lines are `key = value` sub-settings, otherwise they
    /// are appended to the value on new lines. A profile or key that appears twice merges,
    /// the later value winning. Errors name the line; attach the file with
    /// [`ProfileParseError::in_file`].
    pub fn parse(text: &str, kind: ProfileFileKind) -> Result<ProfileSet, ProfileParseError> {
        let mut set = ProfileSet::default();
        let mut section = Section::None;
        // The setting that continuation lines extend, and whether they have started adding
        // sub-settings to it (a setting is either multi-line or a parent, never both).
        let mut current: Option<(String, bool)> = None;
        let mut ignored_props = Profile::default();

        // A byte-order mark (as some Windows editors write) is not part of the first line.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, raw_line) in text.lines().enumerate() {
            let line_no = index + 1;
            let make_err = |k: ProfileParseErrorKind| ProfileParseError {
                path: None,
                file_kind: kind,
                line: line_no,
                kind: k,
            };
            let trimmed = raw_line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indented = raw_line.starts_with([' ', '\t']);

            if indented && current.is_some() {
                let profile = match &section {
                    Section::Profile(name) => set.profiles.get_mut(name),
                    Section::SsoSession(name) => set.sso_sessions.get_mut(name),
                    _ => Some(&mut ignored_props),
                };
                if let (Some(profile), Some((key, in_sub))) = (profile, current.as_mut()) {
                    let value_is_empty = profile
                        .properties
                        .get(key.as_str())
                        .filter(|v| !v.is_empty())
                        .is_none();
                    if *in_sub || value_is_empty {
                        let (sub_key, sub_value) = split_key_value(trimmed).map_err(make_err)?;
                        *in_sub = true;
                        profile
                            .sub_properties
                            .entry(key.clone())
                            .or_default()
                            .insert(sub_key, sub_value);
                    } else if let Some(value) = profile.properties.get_mut(key.as_str()) {
                        value.push('\n');
                        value.push_str(strip_comment(trimmed));
                    }
                }
                continue;
            }

            if let Some(rest) = trimmed.strip_prefix('[') {
                current = None;
                let Some(close) = rest.find(']') else {
                    return Err(make_err(ProfileParseErrorKind::MissingClosingBracket));
                };
                let inside = rest.get(..close).unwrap_or("").trim();
                let after = rest.get(close + 1..).unwrap_or("").trim();
                if !after.is_empty() && !after.starts_with('#') && !after.starts_with(';') {
                    return Err(make_err(ProfileParseErrorKind::TextAfterProfile(
                        after.to_string(),
                    )));
                }
                section = match profile_name(inside, kind) {
                    // The SDKs skip (with a warning) profiles whose names contain
                    // whitespace, such as `[profile x]` in the credentials file; so do we,
                    // so files the AWS CLI accepts still load. Selecting one of them then
                    // fails with a clear "profile not found".
                    SectionName::Profile(name) if name.contains(char::is_whitespace) => {
                        Section::Ignored
                    }
                    SectionName::Profile(name) => {
                        if name.is_empty() {
                            return Err(make_err(ProfileParseErrorKind::EmptyProfileName));
                        }
                        let name = name.to_string();
                        set.profiles.entry(name.clone()).or_insert_with(|| Profile {
                            name: name.clone(),
                            ..Profile::default()
                        });
                        Section::Profile(name)
                    }
                    SectionName::Empty => {
                        return Err(make_err(ProfileParseErrorKind::EmptyProfileName))
                    }
                    SectionName::SsoSession(name) => {
                        let name = name.to_string();
                        set.sso_sessions.entry(name.clone()).or_insert_with(|| Profile { name: name.clone(), ..Profile::default() });
                        Section::SsoSession(name)
                    }
                    SectionName::Other => Section::Ignored,
                };
                continue;
            }

            let (key, value) = split_key_value(trimmed).map_err(make_err)?;
            let profile = match &section {
                Section::None => {
                    return Err(make_err(ProfileParseErrorKind::PropertyOutsideProfile))
                }
                Section::Ignored => &mut ignored_props,
                Section::Profile(name) => match set.profiles.get_mut(name) {
                    Some(profile) => profile,
                    None => &mut ignored_props,
                },
                Section::SsoSession(name) => match set.sso_sessions.get_mut(name) {
                    Some(session) => session,
                    None => &mut ignored_props,
                },
            };
            // A repeated key replaces the earlier one, sub-settings included.
            profile.sub_properties.remove(&key);
            profile.properties.insert(key.clone(), value);
            current = Some((key, false));
        }
        Ok(set)
    }

    /// A profile by name.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// An `[sso-session name]` section of the config file.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions.get(name)
    }

    /// The profile names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// True when no profile is defined.
    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    /// Merges `other` into `self`, setting by setting; `other` wins where both set a key.
    pub fn merge(&mut self, other: ProfileSet) {
        merge_sections(&mut self.profiles, other.profiles);
        merge_sections(&mut self.sso_sessions, other.sso_sessions);
    }
}

/// Merges sections by name, setting by setting; `theirs` wins where both set a key.
fn merge_sections(ours_by_name: &mut BTreeMap<String, Profile>, theirs_by_name: BTreeMap<String, Profile>) {
    for (name, theirs) in theirs_by_name {
        let ours = ours_by_name.entry(name.clone()).or_insert_with(|| Profile { name, ..Profile::default() });
        for (key, value) in theirs.properties {
            ours.sub_properties.remove(&key);
            ours.properties.insert(key, value);
        }
        for (key, subs) in theirs.sub_properties {
            ours.sub_properties.insert(key, subs);
        }
    }
}

/// Splits `key = value`: key trimmed and lowercased, value trimmed with any trailing comment
/// removed.
fn split_key_value(line: &str) -> Result<(String, String), ProfileParseErrorKind> {
    let Some((key, value)) = line.split_once('=') else {
        return Err(ProfileParseErrorKind::ExpectedKeyValue);
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(ProfileParseErrorKind::EmptyKey);
    }
    Ok((
        key.to_ascii_lowercase(),
        strip_comment(value.trim()).to_string(),
    ))
}

/// Removes a trailing `# comment` or `; comment`. Only a `#`/`;` preceded by whitespace starts
/// one, because secrets and URLs may legitimately contain those characters.
fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';') && i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t')) {
            return value.get(..i).unwrap_or(value).trim_end();
        }
    }
    value
}

enum SectionName<'a> {
    Profile(&'a str),
    /// `[sso-session name]` (config file only).
    SsoSession(&'a str),
    Empty,
    /// A section that is not a profile (`[sso-session x]`, `[services x]`, or in the config
    /// file a bare `[name]`, which the AWS CLI also ignores).
    Other,
}

fn profile_name(inside: &str, kind: ProfileFileKind) -> SectionName<'_> {
    if inside.is_empty() {
        return SectionName::Empty;
    }
    match kind {
        ProfileFileKind::Credentials => SectionName::Profile(inside),
        ProfileFileKind::Config => {
            if inside == "default" {
                return SectionName::Profile(inside);
            }
            if inside == "profile" {
                return SectionName::Empty;
            }
            if let Some(rest) = inside.strip_prefix("sso-session").filter(|r| r.starts_with([' ', '\t'])) {
                let name = rest.trim();
                return if name.is_empty() || name.contains(char::is_whitespace) { SectionName::Other } else { SectionName::SsoSession(name) };
            }
            match inside.strip_prefix("profile") {
                Some(rest) if rest.starts_with([' ', '\t']) => SectionName::Profile(rest.trim()),
                _ => SectionName::Other,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared configuration (both files, one selected profile)
// ---------------------------------------------------------------------------------------------

/// The profile name used when `AWS_PROFILE` is unset.
pub const DEFAULT_PROFILE: &str = "default";

/// The shared config and credentials files, merged, with the profile `AWS_PROFILE` selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedConfig {
    profile_name: String,
    /// True when the profile came from `AWS_PROFILE` rather than the default: then a missing
    /// profile is an error instead of "no shared config".
    explicit_profile: bool,
    profiles: ProfileSet,
    /// The files that were read (or looked for), for error messages.
    files: Vec<PathBuf>,
}

impl SharedConfig {
    /// Reads both shared files through `fs`, with locations and profile from `env`.
    /// A file that does not exist is simply empty; a file that does not parse is an error.
    pub fn load(env: EnvFn<'_>, fs: FsFn<'_>) -> Result<SharedConfig, CredentialsError> {
        let (profile_name, explicit_profile) = match env_value(env, "AWS_PROFILE") {
            Some(name) => (name.trim().to_string(), true),
            None => (DEFAULT_PROFILE.to_string(), false),
        };
        let mut profiles = ProfileSet::default();
        let mut files = Vec::new();
        // Config first, then credentials merged over it: the credentials file wins.
        for (kind, var, default) in [
            (ProfileFileKind::Config, "AWS_CONFIG_FILE", "config"),
            (
                ProfileFileKind::Credentials,
                "AWS_SHARED_CREDENTIALS_FILE",
                "credentials",
            ),
        ] {
            let path = match env_value(env, var) {
                Some(path) => Some(expand_home(path.trim(), env)),
                None => home_dir(env).map(|home| home.join(".aws").join(default)),
            };
            let Some(path) = path else { continue };
            if let Some(text) = fs(&path) {
                let parsed = ProfileSet::parse(&text, kind).map_err(|e| e.in_file(&path))?;
                profiles.merge(parsed);
            }
            files.push(path);
        }
        Ok(SharedConfig {
            profile_name,
            explicit_profile,
            profiles,
            files,
        })
    }

    /// [`SharedConfig::load`] with the real environment and file system.
    pub fn load_default() -> Result<SharedConfig, CredentialsError> {
        SharedConfig::load(&real_env, &real_fs)
    }

    /// Builds one from already-parsed profiles (for callers that read files themselves).
    pub fn from_profiles(profile_name: impl Into<String>, profiles: ProfileSet) -> SharedConfig {
        SharedConfig {
            profile_name: profile_name.into(),
            explicit_profile: true,
            profiles,
            files: Vec::new(),
        }
    }

    /// The selected profile's name.
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The selected profile, if either file defines it.
    pub fn profile(&self) -> Option<&Profile> {
        self.profiles.get(&self.profile_name)
    }

    /// Every parsed profile.
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }

    /// The files read or looked for, config file first.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The selected profile's `region`.
    pub fn region(&self) -> Option<&str> {
        self.setting("region")
    }

    /// The selected profile's `max_attempts`, unparsed (the retry module validates it).
    pub fn max_attempts(&self) -> Option<&str> {
        self.setting("max_attempts")
    }

    /// The selected profile's `retry_mode`, unparsed (the retry module validates it).
    pub fn retry_mode(&self) -> Option<&str> {
        self.setting("retry_mode")
    }

    /// Any setting of the selected profile; empty values count as unset.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.profile()?.get(key).filter(|v| !v.is_empty())
    }

    fn searched(&self) -> Vec<String> {
        self.files.iter().map(|p| p.display().to_string()).collect()
    }

    /// `profile `name` of <files>`, for messages.
    pub(crate) fn describe(&self, profile: &str) -> String {
        format!("profile `{profile}` of {}", self.searched().join(" + "))
    }

    /// The profile error for a selected profile no file defines: an error when it was asked
    /// for, "nothing here" for the default profile.
    pub(crate) fn missing_profile(&self) -> CredentialsError {
        if self.explicit_profile {
            CredentialsError::ProfileNotFound { profile: self.profile_name.clone(), searched: self.searched() }
        } else {
            CredentialsError::not_loaded(format!(
                "profile `{}` is not defined{}",
                self.profile_name,
                if self.files.is_empty() { String::new() } else { format!(" in {}", self.searched().join(" or ")) }
            ))
        }
    }

    /// The same files with another profile selected (as the chain's `profile_name` override).
    pub fn with_profile_name(mut self, profile_name: impl Into<String>) -> SharedConfig {
        self.profile_name = profile_name.into();
        self.explicit_profile = true;
        self
    }
}

/// The static keys of a profile: `Ok(None)` when it has none of `aws_access_key_id`,
/// `aws_secret_access_key` and `aws_session_token`; an error naming `source` when it has only
/// part of a key pair.
pub(crate) fn static_credentials(profile: &Profile, source: &str) -> Result<Option<Credentials>, CredentialsError> {
    let value = |key| profile.get(key).filter(|v| !v.is_empty());
    let (access_key, secret_key, token) = (value("aws_access_key_id"), value("aws_secret_access_key"), value("aws_session_token"));
    if access_key.is_none() && secret_key.is_none() && token.is_none() {
        // A key present but empty counts as a half-set pair, not as "no keys".
        if profile.get("aws_access_key_id").is_none() && profile.get("aws_secret_access_key").is_none() {
            return Ok(None);
        }
    }
    let missing = |key| CredentialsError::MissingKey { source: source.to_string(), key };
    let access_key = access_key.ok_or_else(|| missing("aws_access_key_id"))?;
    let secret_key = secret_key.ok_or_else(|| missing("aws_secret_access_key"))?;
    Ok(Some(Credentials::new(access_key, secret_key, token.map(str::to_string), None, "ProfileFile")))
}

/// Credentials from a JSON object of the form credential processes, the ECS endpoint and IMDS
/// answer: `AccessKeyId`, `SecretAccessKey`, the session token under `token_field`
/// (`SessionToken` or `Token`) and an optional RFC 3339 `Expiration`. Errors name the field,
/// never a value (the object holds secrets).
pub(crate) fn credentials_from_json(
    json: &serde_json::Value,
    token_field: &str,
    provider_name: &'static str,
) -> Result<Credentials, String> {
    let object = json.as_object().ok_or("the answer is not a JSON object")?;
    let text = |field: &str| -> Result<Option<&str>, String> {
        match object.get(field) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("`{field}` is not a string")),
        }
    };
    let access_key = text("AccessKeyId")?.ok_or("`AccessKeyId` is missing")?;
    let secret_key = text("SecretAccessKey")?.ok_or("`SecretAccessKey` is missing")?;
    let token = text(token_field)?.map(str::to_string);
    let expiry = match text("Expiration")? {
        Some(e) => Some(parse_rfc3339(e).ok_or_else(|| format!("`Expiration` is not an RFC 3339 timestamp: {e:?}"))?),
        None => None,
    };
    Ok(Credentials::new(access_key, secret_key, token, expiry, provider_name))
}

/// An RFC 3339 timestamp (`2024-05-01T12:00:00Z`, offsets and fractions allowed).
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let t = super::primitives::DateTime::from_str(text, super::primitives::DateTimeFormat::DateTime).ok()?;
    let secs = u64::try_from(t.secs()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, t.subsec_nanos()))
}

/// A time as RFC 3339 in UTC (`2024-05-01T12:00:00Z`).
pub(crate) fn format_rfc3339(time: SystemTime) -> String {
    super::primitives::DateTime::from_system_time(time).fmt(super::primitives::DateTimeFormat::DateTime)
}

/// The user's home directory, from `HOME`, else (Windows) `USERPROFILE` or
/// `HOMEDRIVE` + `HOMEPATH`.
pub(crate) fn home_dir(env: EnvFn<'_>) -> Option<PathBuf> {
    if let Some(home) = env_value(env, "HOME").or_else(|| env_value(env, "USERPROFILE")) {
        return Some(PathBuf::from(home));
    }
    let drive = env_value(env, "HOMEDRIVE")?;
    let path = env_value(env, "HOMEPATH")?;
    Some(PathBuf::from(format!("{drive}{path}")))
}

/// Expands a leading `~` (as the AWS CLI does for the file-location variables).
pub(crate) fn expand_home(path: &str, env: EnvFn<'_>) -> PathBuf {
    let rest = if path == "~" {
        Some("")
    } else {
        path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"))
    };
    match (rest, home_dir(env)) {
        (Some(""), Some(home)) => home,
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

// ---------------------------------------------------------------------------------------------
// Sources and the default chain
// ---------------------------------------------------------------------------------------------

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
/// `Ok(None)` when neither key variable is set; an error when only one is, because a
/// half-configured environment is a mistake to report, not a reason to fall through to a
/// different identity from a file.
pub fn from_env(env: EnvFn<'_>) -> Result<Option<Credentials>, CredentialsError> {
    let access_key = env_value(env, "AWS_ACCESS_KEY_ID");
    let secret_key = env_value(env, "AWS_SECRET_ACCESS_KEY");
    let (access_key, secret_key) = match (access_key, secret_key) {
        (None, None) => return Ok(None),
        (Some(a), Some(s)) => (a, s),
        (Some(_), None) => {
            return Err(CredentialsError::MissingKey {
                source: "the environment (AWS_ACCESS_KEY_ID is set)".to_string(),
                key: "AWS_SECRET_ACCESS_KEY",
            })
        }
        (None, Some(_)) => {
            return Err(CredentialsError::MissingKey {
                source: "the environment (AWS_SECRET_ACCESS_KEY is set)".to_string(),
                key: "AWS_ACCESS_KEY_ID",
            })
        }
    };
    let token = env_value(env, "AWS_SESSION_TOKEN").map(|t| t.trim().to_string());
    Ok(Some(Credentials::new(access_key.trim(), secret_key.trim(), token, None, "Environment")))
}

/// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the selected profile's `region`.
/// `Ok(None)` when none is set; an error only when a shared file does not parse.
pub fn region(env: EnvFn<'_>, fs: FsFn<'_>) -> Result<Option<String>, CredentialsError> {
    if let Some(region) =
        env_value(env, "AWS_REGION").or_else(|| env_value(env, "AWS_DEFAULT_REGION"))
    {
        return Ok(Some(region.trim().to_string()));
    }
    Ok(SharedConfig::load(env, fs)?.region().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn fs_of(files: &[(&str, &str)]) -> impl Fn(&Path) -> Option<String> {
        let map: HashMap<PathBuf, String> = files
            .iter()
            .map(|(k, v)| (PathBuf::from(k), v.to_string()))
            .collect();
        move |path| map.get(path).cloned()
    }

    fn parse_err(text: &str, kind: ProfileFileKind) -> ProfileParseError {
        match ProfileSet::parse(text, kind) {
            Ok(set) => panic!("expected an error, parsed {set:?}"),
            Err(e) => e,
        }
    }

    /// The environment and profile links of the default chain, run to completion: what the
    /// shared-file tests below need (a link's error unwrapped from the chain's).
    fn default_chain(env: &dyn Fn(&str) -> Option<String>, fs: FsFn<'_>) -> Result<Credentials, CredentialsError> {
        use super::super::credentials_chain::{CredentialsProviderChain, EnvironmentVariableCredentialsProvider, ProfileFileCredentialsProvider, ProviderConfig};
        let pairs: Vec<(String, String)> = ["HOME", "USERPROFILE", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]
            .iter()
            .filter_map(|k| env(k).map(|v| (k.to_string(), v)))
            .collect();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let env = Env::from_slice(&pairs);
        let shared = SharedConfig::load(&env.as_fn(), fs)?;
        let config = ProviderConfig::from_config(&super::super::config::Config::builder().ignore_environment().build()).with_env(env.clone()).with_shared_config(shared);
        let chain = CredentialsProviderChain::first_try("environment", EnvironmentVariableCredentialsProvider::new(env))
            .or_else("profile", ProfileFileCredentialsProvider::new(config));
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(chain.provide_credentials()).map_err(|e| match e {
            CredentialsError::Provider { error, .. } => *error,
            other => other,
        })
    }

    const HOME: (&str, &str) = ("HOME", "/home/u");
    const CONFIG: &str = "/home/u/.aws/config";
    const CREDS: &str = "/home/u/.aws/credentials";

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new_session("AKIDEXAMPLE", "s3cr3t-key", "tok3n-value");
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("tok3n"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
        let plain = format!("{:?}", Credentials::from_keys("A", "s3cr3t", None));
        assert!(plain.contains("session_token: None"), "{plain}");
    }

    #[test]
    fn constructors_and_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let c = Credentials::from_keys("a", "b", None).with_expiry(now);
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("a", "b", None)
        );
        assert_eq!(c.expiry(), Some(now));
        assert!(c.is_expired_at(now));
        assert!(!c.is_expired_at(now - Duration::from_secs(1)));
        assert!(!Credentials::from_keys("a", "b", None).is_expired_at(now));
        assert_eq!(
            Credentials::new_session("a", "b", "t").session_token(),
            Some("t")
        );
        // aws-credential-types' five-argument constructor and from_keys.
        let full = Credentials::new("k", "s", Some("t".to_string()), Some(now), "mine");
        assert_eq!(
            (full.access_key_id(), full.secret_access_key(), full.session_token(), full.expiry()),
            ("k", "s", Some("t"), Some(now))
        );
        assert_eq!(full.provider_name(), "mine");
        assert!(format!("{full:?}").contains("provider_name: \"mine\""));
        let keys = Credentials::from_keys("k", "s", Some("t".to_string()));
        assert_eq!((keys.session_token(), keys.expiry(), keys.provider_name()), (Some("t"), None, "Static"));
    }

    #[test]
    fn parses_profiles_comments_and_case() {
        let text = "\
# a comment
; another
[default]
AWS_Access_Key_ID = AKID1   
aws_secret_access_key=SECRET1 # trailing comment
region = eu-west-1;not-a-comment

[profile dev]   ; comment after the header
region = us-west-2
[sso-session corp]
sso_region = us-east-1
[bare]
region = ignored
";
        let set = ProfileSet::parse(text, ProfileFileKind::Config).unwrap();
        assert_eq!(set.names().collect::<Vec<_>>(), ["default", "dev"]);
        let default = set.get("default").unwrap();
        assert_eq!(default.get("aws_access_key_id"), Some("AKID1"));
        assert_eq!(default.get("AWS_ACCESS_KEY_ID"), Some("AKID1"));
        assert_eq!(default.get("aws_secret_access_key"), Some("SECRET1"));
        // `;` without whitespace before it is part of the value.
        assert_eq!(default.get("region"), Some("eu-west-1;not-a-comment"));
        assert_eq!(set.get("dev").unwrap().get("region"), Some("us-west-2"));
        assert!(set.get("corp").is_none() && set.get("bare").is_none());
    }

    #[test]
    fn credentials_file_uses_bare_names() {
        let text = "[default]\naws_access_key_id=A\n[profile x]\nregion=r\n[work]\nregion=w\r\n";
        let set = ProfileSet::parse(text, ProfileFileKind::Credentials).unwrap();
        assert_eq!(set.get("work").unwrap().get("region"), Some("w"));
        // `[profile x]` is not a valid credentials-file profile: skipped, as the SDKs do.
        assert!(set.get("profile x").is_none() && set.get("x").is_none());
        assert_eq!(set.names().count(), 2);
        let set = ProfileSet::parse("[profile a b]\nk=v\n", ProfileFileKind::Config).unwrap();
        assert!(set.is_empty());
    }

    #[test]
    fn continuation_lines_and_sub_properties() {
        let text = "\
[profile p]
s3 =
  max_concurrent_requests = 20
\tAddressing_Style = path
description = first
  second line
region = us-east-1
";
        let set = ProfileSet::parse(text, ProfileFileKind::Config).unwrap();
        let p = set.get("p").unwrap();
        assert_eq!(p.get_sub("s3", "max_concurrent_requests"), Some("20"));
        assert_eq!(p.get_sub("S3", "addressing_style"), Some("path"));
        assert_eq!(p.get("description"), Some("first\nsecond line"));
        assert_eq!(p.get("region"), Some("us-east-1"));
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let set = ProfileSet::parse(
            "\u{feff}[default]\r\nregion = x\r\n",
            ProfileFileKind::Config,
        )
        .unwrap();
        assert_eq!(set.get("default").unwrap().get("region"), Some("x"));
    }

    #[test]
    fn duplicate_profiles_merge_and_later_keys_win() {
        let text = "[a]\nk = 1\nj = x\n[b]\nk = 2\n[a]\nk = 3\n";
        let set = ProfileSet::parse(text, ProfileFileKind::Credentials).unwrap();
        assert_eq!(set.get("a").unwrap().get("k"), Some("3"));
        assert_eq!(set.get("a").unwrap().get("j"), Some("x"));
    }

    #[test]
    fn error_missing_closing_bracket() {
        let e = parse_err(
            "[default]\nregion = x\n\n[profile dev\n",
            ProfileFileKind::Config,
        );
        assert_eq!(e.line(), 4);
        assert_eq!(e.kind(), &ProfileParseErrorKind::MissingClosingBracket);
        let e = e.in_file(Path::new("/tmp/cfg"));
        assert_eq!(
            e.to_string(),
            "/tmp/cfg:4: profile line is missing its closing `]`"
        );
    }

    #[test]
    fn error_key_outside_profile() {
        let e = parse_err(
            "# header\nregion = us-east-1\n[default]\n",
            ProfileFileKind::Config,
        );
        assert_eq!(
            (e.line(), e.kind()),
            (2, &ProfileParseErrorKind::PropertyOutsideProfile)
        );
        assert!(e.to_string().starts_with("config file, line 2: "), "{e}");
    }

    #[test]
    fn error_other_bad_lines() {
        let cases: [(&str, usize, ProfileParseErrorKind); 5] = [
            (
                "[default]\njust some words\n",
                2,
                ProfileParseErrorKind::ExpectedKeyValue,
            ),
            ("[default]\n = value\n", 2, ProfileParseErrorKind::EmptyKey),
            ("[]\n", 1, ProfileParseErrorKind::EmptyProfileName),
            ("[profile ]\n", 1, ProfileParseErrorKind::EmptyProfileName),
            (
                "[default] x\n",
                1,
                ProfileParseErrorKind::TextAfterProfile("x".into()),
            ),
        ];
        for (text, line, kind) in cases {
            let e = parse_err(text, ProfileFileKind::Config);
            assert_eq!((e.line(), e.kind()), (line, &kind), "{text:?}");
        }
        // A sub-property line that is not `key = value`.
        let e = parse_err("[default]\ns3 =\n  nonsense\n", ProfileFileKind::Config);
        assert_eq!(
            (e.line(), e.kind()),
            (3, &ProfileParseErrorKind::ExpectedKeyValue)
        );
    }

    #[test]
    fn parser_never_panics_on_odd_input() {
        for text in [
            "[",
            "]",
            "=",
            "[a]\n=",
            "[a]\n  =",
            "\u{feff}[a]",
            "[a]]",
            "[profile",
            "  x=1",
            "[a]\n\t\n  k=v",
            "[é]\nk=ü",
        ] {
            let _ = ProfileSet::parse(text, ProfileFileKind::Config);
            let _ = ProfileSet::parse(text, ProfileFileKind::Credentials);
        }
    }

    #[test]
    fn env_credentials_and_partial_env() {
        let env = env_of(&[
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "SKENV"),
            ("AWS_SESSION_TOKEN", "TOK"),
        ]);
        let c = from_env(&env).unwrap().unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKENV", "SKENV", Some("TOK"))
        );

        assert_eq!(from_env(&env_of(&[])).unwrap(), None);
        // Empty values are unset.
        assert_eq!(
            from_env(&env_of(&[
                ("AWS_ACCESS_KEY_ID", ""),
                ("AWS_SECRET_ACCESS_KEY", " ")
            ]))
            .unwrap(),
            None
        );

        let e = from_env(&env_of(&[("AWS_ACCESS_KEY_ID", "AKENV")])).unwrap_err();
        assert!(
            matches!(
                e,
                CredentialsError::MissingKey {
                    key: "AWS_SECRET_ACCESS_KEY",
                    ..
                }
            ),
            "{e}"
        );
        let e = from_env(&env_of(&[("AWS_SECRET_ACCESS_KEY", "S")])).unwrap_err();
        assert!(
            matches!(
                e,
                CredentialsError::MissingKey {
                    key: "AWS_ACCESS_KEY_ID",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn env_wins_over_files() {
        let env = env_of(&[
            HOME,
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "SKENV"),
        ]);
        let fs = fs_of(&[(
            CREDS,
            "[default]\naws_access_key_id=AKFILE\naws_secret_access_key=SKFILE\n",
        )]);
        assert_eq!(default_chain(&env, &fs).unwrap().access_key_id(), "AKENV");
        // Without the environment, the file is used.
        assert_eq!(
            default_chain(&env_of(&[HOME]), &fs)
                .unwrap()
                .access_key_id(),
            "AKFILE"
        );
    }

    #[test]
    fn profile_selection_and_credentials_file_precedence() {
        let config = "\
[default]
region = us-east-1
[profile dev]
region = eu-west-1
aws_access_key_id = AKCONFIG
aws_secret_access_key = SKCONFIG
max_attempts = 5
retry_mode = adaptive
";
        let creds = "[dev]\naws_access_key_id = AKCREDS\naws_secret_access_key = SKCREDS\naws_session_token = TOK\n";
        let fs = fs_of(&[(CONFIG, config), (CREDS, creds)]);
        let env = env_of(&[HOME, ("AWS_PROFILE", "dev")]);
        let c = default_chain(&env, &fs).unwrap();
        assert_eq!(
            (c.access_key_id(), c.secret_access_key(), c.session_token()),
            ("AKCREDS", "SKCREDS", Some("TOK"))
        );

        let shared = SharedConfig::load(&env, &fs).unwrap();
        assert_eq!(shared.profile_name(), "dev");
        assert_eq!(shared.region(), Some("eu-west-1"));
        assert_eq!(shared.max_attempts(), Some("5"));
        assert_eq!(shared.retry_mode(), Some("adaptive"));

        // The default profile has settings but no keys: nothing found, and the error says where we looked.
        let e = default_chain(&env_of(&[HOME]), &fs).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no AWS credentials found: environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; \
             profile: profile `default` of /home/u/.aws/config + /home/u/.aws/credentials has no credentials"
        );
        assert_eq!(
            region(&env_of(&[HOME]), &fs).unwrap().as_deref(),
            Some("us-east-1")
        );
    }

    #[test]
    fn file_locations_from_env_and_tilde() {
        let env = env_of(&[
            HOME,
            ("AWS_CONFIG_FILE", "~/elsewhere/cfg"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws-creds"),
            ("AWS_PROFILE", "ci"),
        ]);
        let fs = fs_of(&[
            (
                "/home/u/elsewhere/cfg",
                "[profile ci]\nregion = ap-south-1\n",
            ),
            (
                "/etc/aws-creds",
                "[ci]\naws_access_key_id=A\naws_secret_access_key=S\n",
            ),
            (
                CREDS,
                "[ci]\naws_access_key_id=WRONG\naws_secret_access_key=WRONG\n",
            ),
        ]);
        assert_eq!(default_chain(&env, &fs).unwrap().access_key_id(), "A");
        assert_eq!(region(&env, &fs).unwrap().as_deref(), Some("ap-south-1"));
        // Windows-style home.
        let env = env_of(&[("USERPROFILE", "C:/Users/u")]);
        let shared = SharedConfig::load(&env, &fs_of(&[])).unwrap();
        assert_eq!(
            shared.files()[0],
            PathBuf::from("C:/Users/u").join(".aws").join("config")
        );
    }

    #[test]
    fn missing_secret_in_profile() {
        let fs = fs_of(&[(CREDS, "[default]\naws_access_key_id = AKID\n")]);
        let e = default_chain(&env_of(&[HOME]), &fs).unwrap_err();
        assert!(
            matches!(
                e,
                CredentialsError::MissingKey {
                    key: "aws_secret_access_key",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("profile `default`"), "{e}");
        // An empty value is as good as missing.
        let fs = fs_of(&[(
            CREDS,
            "[default]\naws_access_key_id = AKID\naws_secret_access_key =\n",
        )]);
        let e = default_chain(&env_of(&[HOME]), &fs).unwrap_err();
        assert!(
            matches!(
                e,
                CredentialsError::MissingKey {
                    key: "aws_secret_access_key",
                    ..
                }
            ),
            "{e}"
        );
        let fs = fs_of(&[(CREDS, "[default]\naws_secret_access_key = S\n")]);
        let e = default_chain(&env_of(&[HOME]), &fs).unwrap_err();
        assert!(
            matches!(
                e,
                CredentialsError::MissingKey {
                    key: "aws_access_key_id",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_file_is_an_error_with_path_and_line() {
        let fs = fs_of(&[(CREDS, "[default\naws_access_key_id = A\n")]);
        let e = default_chain(&env_of(&[HOME]), &fs).unwrap_err();
        let CredentialsError::Parse(parse) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(parse.path(), Some(Path::new(CREDS)));
        assert_eq!(parse.line(), 1);
        assert!(e.to_string().contains("/home/u/.aws/credentials:1:"), "{e}");
    }

    #[test]
    fn explicit_profile_not_found_and_sso_without_its_session() {
        let fs = fs_of(&[(
            CONFIG,
            "[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n[default]\nregion=x\n",
        )]);
        let e = default_chain(&env_of(&[HOME, ("AWS_PROFILE", "nope")]), &fs).unwrap_err();
        assert!(
            matches!(&e, CredentialsError::ProfileNotFound { profile, .. } if profile == "nope"),
            "{e}"
        );
        let e = default_chain(&env_of(&[HOME, ("AWS_PROFILE", "sso")]), &fs).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid configuration: profile `sso`: sso_session `corp` has no [sso-session corp] section in the config file"
        );
    }

    #[test]
    fn no_home_and_no_files() {
        let e = default_chain(&env_of(&[]), &fs_of(&[])).unwrap_err();
        assert!(e.is_not_loaded() && e.to_string().contains("profile `default` is not defined"), "{e}");
        assert_eq!(region(&env_of(&[]), &fs_of(&[])).unwrap(), None);
        assert_eq!(
            region(
                &env_of(&[("AWS_DEFAULT_REGION", "b"), ("AWS_REGION", "a")]),
                &fs_of(&[])
            )
            .unwrap()
            .as_deref(),
            Some("a")
        );
    }
}
