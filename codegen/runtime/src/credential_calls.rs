//! The calls the credential chain makes to AWS services: STS `AssumeRole` and
//! `AssumeRoleWithWebIdentity`, SSO `GetRoleCredentials` and SSO OIDC `CreateToken`.
//!
//! The runtime sees them only through [`CredentialCalls`]. In a generated crate they are
//! implemented by code generated from those services' models (the crate's `runtime::auth`
//! module, written by `cargo xtask codegen`); here, in the runtime's own crate, `auth::calls()`
//! returns `None` and tests plug in fakes.
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use super::config::Config;
use super::credentials::Credentials;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// STS `AssumeRole`, signed with `source` credentials.
#[derive(Clone)]
pub struct AssumeRole {
    pub role_arn: String,
    pub role_session_name: String,
    pub external_id: Option<String>,
    pub duration_seconds: Option<i32>,
    /// The STS region (the profile's `region`, else the client's, else `us-east-1`).
    pub region: Option<String>,
    /// The credentials that sign the call.
    pub source: Credentials,
}

impl fmt::Debug for AssumeRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRole")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("external_id", &self.external_id.as_ref().map(|_| "** redacted **"))
            .field("duration_seconds", &self.duration_seconds)
            .field("region", &self.region)
            .field("source", &self.source)
            .finish()
    }
}

/// STS `AssumeRoleWithWebIdentity` (an unsigned call).
#[derive(Clone)]
pub struct AssumeRoleWithWebIdentity {
    pub role_arn: String,
    pub role_session_name: String,
    /// The token, read again from its file on every refresh.
    pub web_identity_token: String,
    pub duration_seconds: Option<i32>,
    pub region: Option<String>,
}

impl fmt::Debug for AssumeRoleWithWebIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentity")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &"** redacted **")
            .field("duration_seconds", &self.duration_seconds)
            .field("region", &self.region)
            .finish()
    }
}

/// SSO `GetRoleCredentials` (an unsigned call carrying the SSO access token).
#[derive(Clone)]
pub struct SsoGetRoleCredentials {
    pub account_id: String,
    pub role_name: String,
    pub access_token: String,
    /// The profile's or session's `sso_region`.
    pub region: String,
}

impl fmt::Debug for SsoGetRoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoGetRoleCredentials")
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .field("access_token", &"** redacted **")
            .field("region", &self.region)
            .finish()
    }
}

/// SSO OIDC `CreateToken` with `grant_type = refresh_token` (an unsigned call).
#[derive(Clone)]
pub struct SsoCreateToken {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub region: String,
}

impl fmt::Debug for SsoCreateToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoCreateToken")
            .field("client_id", &self.client_id)
            .field("client_secret", &"** redacted **")
            .field("refresh_token", &"** redacted **")
            .field("region", &self.region)
            .finish()
    }
}

/// What SSO OIDC `CreateToken` returns.
#[derive(Clone)]
pub struct SsoToken {
    pub access_token: String,
    /// Seconds from now.
    pub expires_in: i32,
    /// A new refresh token, when the service rotated it.
    pub refresh_token: Option<String>,
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("access_token", &"** redacted **")
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// The service calls of the credential chain. `config` is the configuration of the client
/// that needs credentials: its HTTP client, endpoint overrides, timeouts and retry settings
/// are used for the call (its credentials provider is not). Errors are one-line messages
/// naming the service, the operation and what it answered; they never contain a secret.
pub trait CredentialCalls: Send + Sync + fmt::Debug {
    fn assume_role<'a>(&'a self, config: &'a Config, request: AssumeRole) -> BoxFuture<'a, Result<Credentials, String>>;
    fn assume_role_with_web_identity<'a>(
        &'a self,
        config: &'a Config,
        request: AssumeRoleWithWebIdentity,
    ) -> BoxFuture<'a, Result<Credentials, String>>;
    fn sso_get_role_credentials<'a>(&'a self, config: &'a Config, request: SsoGetRoleCredentials) -> BoxFuture<'a, Result<Credentials, String>>;
    fn sso_create_token<'a>(&'a self, config: &'a Config, request: SsoCreateToken) -> BoxFuture<'a, Result<SsoToken, String>>;
}
