//! The credential chain's service calls (see [`super::credential_calls`]), made with clients
//! that `cargo xtask codegen` generated from the STS, SSO and SSO OIDC models in smithy-lite's
//! `codegen/credential-clients/`: `sts` behind the `credentials-sts` feature, `sso` and
//! `sso_oidc` behind `credentials-sso`.
use std::sync::Arc;
#[cfg(any(feature = "credentials-sts", feature = "credentials-sso"))]
use std::time::{Duration, SystemTime};

use super::config::Config;
use super::credential_calls::{
    AssumeRole, AssumeRoleWithWebIdentity, BoxFuture, CredentialCalls, SsoCreateToken, SsoGetRoleCredentials, SsoToken,
};
use super::credentials::Credentials;

#[cfg(feature = "credentials-sso")]
pub mod sso;
#[cfg(feature = "credentials-sso")]
pub mod sso_oidc;
#[cfg(feature = "credentials-sts")]
pub mod sts;

/// The service calls available to the credential chain: those of the enabled features.
pub fn calls() -> Option<Arc<dyn CredentialCalls>> {
    if cfg!(any(feature = "credentials-sts", feature = "credentials-sso")) {
        Some(Arc::new(GeneratedCalls))
    } else {
        None
    }
}

#[derive(Debug)]
struct GeneratedCalls;

/// The configuration of a chain call: the caller's transport, FIPS and dual-stack settings,
/// timeouts and retries, with the call's region and, for signed calls, the source credentials.
#[cfg(any(feature = "credentials-sts", feature = "credentials-sso"))]
fn call_config(config: &Config, region: Option<&str>, source: Option<Credentials>) -> Config {
    let mut builder = config.to_builder();
    // The calling client's endpoint URL names its own service, not STS or SSO; those take theirs
    // from their rules, `AWS_ENDPOINT_URL_STS` (`_SSO`, `_SSO_OIDC`) or `AWS_ENDPOINT_URL`.
    builder.set_endpoint_url(None);
    let region = region.map(str::to_string).or_else(|| config.region().map(|r| r.as_str().to_string()));
    builder = builder.region(region.unwrap_or_else(|| "us-east-1".to_string()));
    if let Some(source) = source {
        builder = builder.credentials_provider(source);
    }
    builder.build()
}

#[cfg(feature = "credentials-sts")]
fn sts_credentials(
    operation: &str,
    credentials: Option<&sts::types::Credentials>,
    provider: &'static str,
) -> Result<Credentials, String> {
    let c = credentials.ok_or_else(|| format!("STS {operation}: the response has no credentials"))?;
    let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(c.expiration().secs()).unwrap_or(0));
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        Some(expiry),
        provider,
    ))
}

#[cfg(any(feature = "credentials-sts", feature = "credentials-sso"))]
fn call_error<E: std::error::Error + 'static>(service: &str, operation: &str, error: super::error::SdkError<E>) -> String {
    format!("{service} {operation} failed: {}", super::error::DisplayErrorContext(&error))
}

#[cfg(not(all(feature = "credentials-sts", feature = "credentials-sso")))]
fn disabled(feature: &str) -> String {
    format!("this crate was built without its `{feature}` feature")
}

impl CredentialCalls for GeneratedCalls {
    fn assume_role<'a>(&'a self, config: &'a Config, request: AssumeRole) -> BoxFuture<'a, Result<Credentials, String>> {
        Box::pin(async move {
            #[cfg(feature = "credentials-sts")]
            {
                let conf = call_config(config, request.region.as_deref(), Some(request.source));
                let output = sts::Client::from_conf(conf)
                    .assume_role()
                    .role_arn(request.role_arn)
                    .role_session_name(request.role_session_name)
                    .set_external_id(request.external_id)
                    .set_duration_seconds(request.duration_seconds)
                    .send()
                    .await
                    .map_err(|e| call_error("STS", "AssumeRole", e))?;
                sts_credentials("AssumeRole", output.credentials(), "AssumeRoleProvider")
            }
            #[cfg(not(feature = "credentials-sts"))]
            {
                let _ = (config, request);
                Err(disabled("credentials-sts"))
            }
        })
    }

    fn assume_role_with_web_identity<'a>(
        &'a self,
        config: &'a Config,
        request: AssumeRoleWithWebIdentity,
    ) -> BoxFuture<'a, Result<Credentials, String>> {
        Box::pin(async move {
            #[cfg(feature = "credentials-sts")]
            {
                let conf = call_config(config, request.region.as_deref(), None);
                let output = sts::Client::from_conf(conf)
                    .assume_role_with_web_identity()
                    .role_arn(request.role_arn)
                    .role_session_name(request.role_session_name)
                    .web_identity_token(request.web_identity_token)
                    .set_duration_seconds(request.duration_seconds)
                    .send()
                    .await
                    .map_err(|e| call_error("STS", "AssumeRoleWithWebIdentity", e))?;
                sts_credentials("AssumeRoleWithWebIdentity", output.credentials(), "WebIdentityTokenProvider")
            }
            #[cfg(not(feature = "credentials-sts"))]
            {
                let _ = (config, request);
                Err(disabled("credentials-sts"))
            }
        })
    }

    fn sso_get_role_credentials<'a>(
        &'a self,
        config: &'a Config,
        request: SsoGetRoleCredentials,
    ) -> BoxFuture<'a, Result<Credentials, String>> {
        Box::pin(async move {
            #[cfg(feature = "credentials-sso")]
            {
                let conf = call_config(config, Some(&request.region), None);
                let output = sso::Client::from_conf(conf)
                    .get_role_credentials()
                    .role_name(request.role_name)
                    .account_id(request.account_id)
                    .access_token(request.access_token)
                    .send()
                    .await
                    .map_err(|e| call_error("SSO", "GetRoleCredentials", e))?;
                let c = output.role_credentials().ok_or("SSO GetRoleCredentials: the response has no roleCredentials")?;
                let (Some(id), Some(secret)) = (c.access_key_id(), c.secret_access_key()) else {
                    return Err("SSO GetRoleCredentials: the response lacks the access key id or secret".to_string());
                };
                let expiry = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(c.expiration()).unwrap_or(0));
                Ok(Credentials::new(id, secret, c.session_token().map(str::to_string), Some(expiry), "SsoProvider"))
            }
            #[cfg(not(feature = "credentials-sso"))]
            {
                let _ = (config, request);
                Err(disabled("credentials-sso"))
            }
        })
    }

    fn sso_create_token<'a>(&'a self, config: &'a Config, request: SsoCreateToken) -> BoxFuture<'a, Result<SsoToken, String>> {
        Box::pin(async move {
            #[cfg(feature = "credentials-sso")]
            {
                let conf = call_config(config, Some(&request.region), None);
                let output = sso_oidc::Client::from_conf(conf)
                    .create_token()
                    .client_id(request.client_id)
                    .client_secret(request.client_secret)
                    .grant_type("refresh_token")
                    .refresh_token(request.refresh_token)
                    .send()
                    .await
                    .map_err(|e| call_error("SSO OIDC", "CreateToken", e))?;
                let access_token = output.access_token().ok_or("SSO OIDC CreateToken: the response has no accessToken")?;
                Ok(SsoToken {
                    access_token: access_token.to_string(),
                    expires_in: output.expires_in(),
                    refresh_token: output.refresh_token().map(str::to_string),
                })
            }
            #[cfg(not(feature = "credentials-sso"))]
            {
                let _ = (config, request);
                Err(disabled("credentials-sso"))
            }
        })
    }
}
