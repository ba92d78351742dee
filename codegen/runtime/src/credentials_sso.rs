//! SSO (IAM Identity Center) credentials of a profile: the token `aws sso login` cached in
//! `~/.aws/sso/cache/<sha1 of the session name or start URL>.json`, refreshed through SSO OIDC
//! `CreateToken` when it is about to expire and can be, then SSO `GetRoleCredentials`.
//!
//! Profiles use an `[sso-session name]` section (`sso_session = name`; the token file is named
//! after the session and can be refreshed) or the legacy settings (`sso_start_url`,
//! `sso_region` in the profile; the file is named after the start URL).

use super::credential_calls::{CredentialCalls, SsoCreateToken, SsoGetRoleCredentials};
use super::credentials::{format_rfc3339, future, home_dir, parse_rfc3339, Credentials, CredentialsError, Profile, ProvideCredentials, SharedConfig};
use super::credentials_chain::ProviderConfig;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Emits a `tracing` event when the `tracing` feature is on; compiles to nothing otherwise.
macro_rules! trace_event {
    ($level:ident, $($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        { tracing::$level!($($arg)*); }
    };
}

/// A cached token this close to its expiry is refreshed (when it can be).
const REFRESH_BUFFER: Duration = Duration::from_secs(5 * 60);

/// The SSO settings of a profile (with its `[sso-session]` section's, when it names one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSettings {
    /// The profile, for messages.
    pub profile: String,
    /// The `sso_session` name (`None` for a legacy profile).
    pub session_name: Option<String>,
    /// The portal's start URL.
    pub start_url: String,
    /// The region of the SSO and SSO OIDC calls.
    pub region: String,
    /// The account whose role credentials are asked for.
    pub account_id: String,
    /// The role.
    pub role_name: String,
}

impl SsoSettings {
    /// The profile's SSO settings: `Ok(None)` when it has none, an error naming what is
    /// missing or contradictory.
    pub(crate) fn from_profile(shared: &SharedConfig, profile: &Profile) -> Result<Option<SsoSettings>, CredentialsError> {
        let get = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
        let keys = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];
        if keys.iter().all(|k| get(k).is_none()) {
            return Ok(None);
        }
        let invalid = |message: String| CredentialsError::invalid_configuration(format!("profile `{}`: {message}", profile.name()));
        let (mut start_url, mut region) = (get("sso_start_url").map(str::to_string), get("sso_region").map(str::to_string));
        let session_name = get("sso_session").map(str::to_string);
        if let Some(name) = &session_name {
            let session = shared
                .profiles()
                .sso_session(name)
                .ok_or_else(|| invalid(format!("sso_session `{name}` has no [sso-session {name}] section in the config file")))?;
            for (key, ours) in [("sso_start_url", &mut start_url), ("sso_region", &mut region)] {
                let theirs = session.get(key).map(str::trim).filter(|v| !v.is_empty());
                match (ours.as_deref(), theirs) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(invalid(format!("{key} `{a}` differs from the one of [sso-session {name}] (`{b}`)")))
                    }
                    (_, Some(b)) => *ours = Some(b.to_string()),
                    _ => {}
                }
            }
        }
        let start_url = start_url.ok_or_else(|| invalid("SSO settings without sso_start_url".to_string()))?;
        let region = region.ok_or_else(|| invalid("SSO settings without sso_region".to_string()))?;
        let (account_id, role_name) = match (get("sso_account_id"), get("sso_role_name")) {
            (Some(a), Some(r)) => (a.to_string(), r.to_string()),
            _ => {
                return Err(invalid(
                    "SSO settings need both sso_account_id and sso_role_name to give credentials (a profile with only sso_session gives a token for other tools)"
                        .to_string(),
                ))
            }
        };
        Ok(Some(SsoSettings { profile: profile.name().to_string(), session_name, start_url, region, account_id, role_name }))
    }

    /// What names the cached token file: the session name, else the start URL.
    fn cache_key(&self) -> &str {
        self.session_name.as_deref().unwrap_or(&self.start_url)
    }

    fn login_hint(&self) -> String {
        format!("run `aws sso login --profile {}`", self.profile)
    }
}

/// Credentials of an SSO profile (see the module documentation).
#[derive(Debug, Clone)]
pub struct SsoCredentialsProvider {
    config: ProviderConfig,
    settings: SsoSettings,
}

/// The cached token file, kept whole so a refresh writes back every field it had.
struct CachedToken {
    path: PathBuf,
    json: serde_json::Map<String, serde_json::Value>,
    access_token: String,
    expires_at: SystemTime,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken").field("path", &self.path).field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

impl CachedToken {
    fn text(&self, key: &str) -> Option<&str> {
        self.json.get(key).and_then(serde_json::Value::as_str).filter(|v| !v.is_empty())
    }

    /// The refresh request, when the file has what one needs and its client registration
    /// has not expired.
    fn refresh_request(&self, region: &str, now: SystemTime) -> Option<SsoCreateToken> {
        let registration_expired = self.text("registrationExpiresAt").and_then(parse_rfc3339).is_some_and(|t| t <= now);
        if registration_expired {
            return None;
        }
        Some(SsoCreateToken {
            client_id: self.text("clientId")?.to_string(),
            client_secret: self.text("clientSecret")?.to_string(),
            refresh_token: self.text("refreshToken")?.to_string(),
            region: region.to_string(),
        })
    }
}

impl SsoCredentialsProvider {
    /// Credentials for `settings`.
    pub fn new(config: ProviderConfig, settings: SsoSettings) -> Self {
        SsoCredentialsProvider { config, settings }
    }

    /// The cached token file's path under `home`.
    pub fn cache_path(home: &Path, key: &str) -> PathBuf {
        home.join(".aws").join("sso").join("cache").join(format!("{}.json", sha1_hex(key.as_bytes())))
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let s = &self.settings;
        let calls = self.config.calls("credentials-sso", || {
            format!("profile `{}` uses SSO ({}), which needs SSO GetRoleCredentials", s.profile, if s.session_name.is_some() { "sso_session" } else { "sso_start_url" })
        })?;
        let access_token = self.access_token(calls).await?;
        let request = SsoGetRoleCredentials {
            account_id: s.account_id.clone(),
            role_name: s.role_name.clone(),
            access_token,
            region: s.region.clone(),
        };
        calls.sso_get_role_credentials(self.config.client_config(), request).await.map_err(|e| {
            CredentialsError::provider_error(format!("profile `{}`: SSO role {} of account {}: {e}", s.profile, s.role_name, s.account_id))
        })
    }

    fn read_token(&self) -> Result<CachedToken, CredentialsError> {
        let s = &self.settings;
        let failed = |what: String| CredentialsError::provider_error(format!("profile `{}`: {what}", s.profile));
        let home = home_dir(&self.config.env().as_fn()).ok_or_else(|| failed("no home directory (HOME) to find ~/.aws/sso/cache in".to_string()))?;
        let path = Self::cache_path(&home, s.cache_key());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(failed(format!("no cached SSO token at {}: {}", path.display(), s.login_hint())))
            }
            Err(e) => return Err(failed(format!("could not read the cached SSO token {}: {e}", path.display()))),
        };
        let bad = |what: &str| failed(format!("the cached SSO token {} {what}: {}", path.display(), s.login_hint()));
        let json = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(bad("is not a JSON object")),
        };
        let access_token = json.get("accessToken").and_then(serde_json::Value::as_str).filter(|t| !t.is_empty());
        let access_token = access_token.ok_or_else(|| bad("has no accessToken"))?.to_string();
        let expires_at = json.get("expiresAt").and_then(serde_json::Value::as_str).and_then(parse_rfc3339);
        let expires_at = expires_at.ok_or_else(|| bad("has no valid expiresAt"))?;
        Ok(CachedToken { path, json, access_token, expires_at })
    }

    /// The cached access token, refreshed first when it is about to expire and can be.
    async fn access_token(&self, calls: &dyn CredentialCalls) -> Result<String, CredentialsError> {
        let s = &self.settings;
        let mut token = self.read_token()?;
        let now = self.config.time_source().now();
        let expired = now >= token.expires_at;
        if now + REFRESH_BUFFER < token.expires_at {
            return Ok(token.access_token);
        }
        let expired_error = |why: String| {
            CredentialsError::provider_error(format!(
                "profile `{}`: the cached SSO token expired at {}{why}: {}",
                s.profile,
                format_rfc3339(token.expires_at),
                s.login_hint()
            ))
        };
        let Some(request) = token.refresh_request(&s.region, now) else {
            return if expired { Err(expired_error(String::new())) } else { Ok(token.access_token) };
        };
        trace_event!(debug, profile = %s.profile, "refreshing the cached SSO token");
        match calls.sso_create_token(self.config.client_config(), request).await {
            Ok(fresh) => {
                let expires_at = now + Duration::from_secs(u64::try_from(fresh.expires_in).unwrap_or(0));
                token.json.insert("accessToken".into(), fresh.access_token.clone().into());
                token.json.insert("expiresAt".into(), format_rfc3339(expires_at).into());
                if let Some(refresh_token) = fresh.refresh_token {
                    token.json.insert("refreshToken".into(), refresh_token.into());
                }
                if let Err(_e) = write_private(&token.path, &serde_json::Value::Object(token.json).to_string()) {
                    trace_event!(warn, path = %token.path.display(), error = %_e, "could not write the refreshed SSO token back to its cache file");
                }
                Ok(fresh.access_token)
            }
            Err(e) if expired => Err(expired_error(format!(" and refreshing it failed ({e})"))),
            Err(_e) => {
                trace_event!(debug, error = %_e, "refreshing the SSO token failed; using the cached one until it expires");
                Ok(token.access_token)
            }
        }
    }
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// Replaces `path` with `text` (written beside it, then renamed), readable by the owner only:
/// the file holds tokens.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&tmp).and_then(|mut f| f.write_all(text.as_bytes())).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// SHA-1, as lowercase hex: only to name the token cache file as the AWS CLI does (not for
/// security), so the runtime needs no hash crate for it.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&(data.len() as u64).wrapping_mul(8).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*word);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_the_standard_vectors_and_the_aws_cli_file_names() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        assert_eq!(sha1_hex(&[b'a'; 1000]), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
        assert_eq!(
            SsoCredentialsProvider::cache_path(Path::new("/home/me"), "https://d-92671207e4.awsapps.com/start"),
            Path::new("/home/me/.aws/sso/cache/13f9d35043871d073ab260e020f0ffde092cb14b.json")
        );
        assert_eq!(sha1_hex(b"my-sso-session"), "b755b5ec73400c04400e978208d8559ad1f39053");
    }

    #[test]
    fn token_debug_shows_no_token() {
        let token = CachedToken {
            path: PathBuf::from("/x.json"),
            json: serde_json::from_str(r#"{"accessToken": "secret-access", "refreshToken": "secret-refresh", "clientSecret": "secret-client"}"#).unwrap(),
            access_token: "secret-access".into(),
            expires_at: SystemTime::UNIX_EPOCH,
        };
        let shown = format!("{token:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
