//! The credential chain's service calls on the wire, made by the clients generated into every
//! crate: the SSO link (SSO OIDC `CreateToken`, SSO `GetRoleCredentials`) and web identity (STS
//! `AssumeRoleWithWebIdentity`), each on to a signed call. A loopback server stands in for SSO
//! OIDC, the SSO portal and STS (`AWS_ENDPOINT_URL` points all of them at it) and records what
//! each call put on the wire.
//!
//! Environment variables are process-global: this binary holds one test, run case by case.

use client_tests::{Canned, Server};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

const VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_EC2_METADATA_DISABLED",
];

/// SHA-1 (hex) of the session name `my-sso`: the cache file name of an `sso_session` profile.
const SESSION_CACHE: &str = "0ad374308c5a4e22f723adf10145eafad7c4031c";
/// SHA-1 (hex) of the start URL: the cache file name of a legacy SSO profile.
const LEGACY_CACHE: &str = "e8be5486177c5b5392bd9aa76563515b29358e6e";
const START_URL: &str = "https://example.awsapps.com/start";

struct Home(PathBuf);

impl Home {
    fn new() -> Home {
        let dir = std::env::temp_dir().join(format!("client-tests-sso-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).expect("temp home");
        Home(dir)
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::write(&path, text).expect("write");
        path
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).expect("read")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn caller_identity(arn: &str) -> Canned {
    Canned::new(
        200,
        &format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AROAEXAMPLE:s</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ),
    )
    .header("content-type", "text/xml")
}

fn role_credentials(key: &str) -> Canned {
    let expiration = (SystemTime::now() + std::time::Duration::from_secs(3600)).duration_since(UNIX_EPOCH).unwrap().as_millis();
    Canned::new(
        200,
        &format!(r#"{{"roleCredentials":{{"accessKeyId":"{key}","secretAccessKey":"sso-secret","sessionToken":"sso-session-token","expiration":{expiration}}}}}"#),
    )
    .header("content-type", "application/json")
}

fn env_for(home: &Home, server: &Server, profile: &str) {
    for v in VARS {
        std::env::remove_var(v);
    }
    std::env::set_var("HOME", &home.0);
    std::env::set_var("AWS_CONFIG_FILE", home.0.join(".aws/config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.0.join(".aws/credentials"));
    std::env::set_var("AWS_PROFILE", profile);
    std::env::set_var("AWS_ENDPOINT_URL", &server.url);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
}

fn query_param<'a>(path: &'a str, name: &str) -> Option<&'a str> {
    path.split_once('?')?.1.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn expect_signed_by(req: &client_tests::Recorded, key: &str, region: &str) {
    expect_signed_with(req, key, region, "sso-session-token");
}

fn expect_signed_with(req: &client_tests::Recorded, key: &str, region: &str, session_token: &str) {
    let auth = req.header("authorization").unwrap_or_else(|| panic!("unsigned: {req:?}"));
    assert!(auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={key}/")), "{auth}");
    assert!(auth.contains(&format!("/{region}/sts/aws4_request")), "{auth}");
    assert_eq!(req.header("x-amz-security-token"), Some(session_token));
}

#[tokio::test]
async fn credential_calls_on_the_wire() {
    let home = Home::new();
    home.write(
        ".aws/config",
        &format!(
            "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-west-2\n\n\
             [sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n\n\
             [profile legacy]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_account_id = 444455556666\nsso_role_name = Admin\nregion = eu-west-1\n"
        ),
    );

    // -- 1. sso_session: the cached token has expired, so it is refreshed through SSO OIDC
    //    (and written back), then exchanged for role credentials that sign the call.
    home.write(
        &format!(".aws/sso/cache/{SESSION_CACHE}.json"),
        &format!(
            r#"{{"accessToken":"old-token","expiresAt":"2020-01-01T00:00:00Z","refreshToken":"refresh-1","clientId":"client-1","clientSecret":"client-secret-1","registrationExpiresAt":"2099-01-01T00:00:00Z","region":"us-east-1","startUrl":"{START_URL}"}}"#
        ),
    );
    let server = Server::start(vec![
        Canned::new(200, r#"{"accessToken":"new-token","expiresIn":28800,"refreshToken":"refresh-2","tokenType":"Bearer"}"#)
            .header("content-type", "application/json"),
        role_credentials("ASIASSOSESSION"),
        caller_identity("arn:aws:sts::111122223333:assumed-role/ReadOnly/dev"),
    ])
    .await;
    env_for(&home, &server, "dev");
    let client = sts::Client::from_conf(sts::Config::builder().build());
    let me = client.get_caller_identity().send().await.unwrap_or_else(|e| panic!("{}", sts::error::DisplayErrorContext(&e)));
    assert_eq!(me.arn(), Some("arn:aws:sts::111122223333:assumed-role/ReadOnly/dev"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3, "{reqs:#?}");
    let token = &reqs[0];
    assert_eq!((token.method.as_str(), token.path.as_str()), ("POST", "/token"));
    assert!(token.header("authorization").is_none(), "CreateToken is unsigned");
    let body: serde_json::Value = serde_json::from_slice(&token.body).expect("JSON body");
    assert_eq!(body["grantType"], "refresh_token");
    assert_eq!(body["refreshToken"], "refresh-1");
    assert_eq!(body["clientId"], "client-1");
    assert_eq!(body["clientSecret"], "client-secret-1");
    let role = &reqs[1];
    assert_eq!(role.method, "GET");
    assert!(role.path.starts_with("/federation/credentials?"), "{}", role.path);
    assert_eq!(query_param(&role.path, "role_name"), Some("ReadOnly"));
    assert_eq!(query_param(&role.path, "account_id"), Some("111122223333"));
    assert_eq!(role.header("x-amz-sso_bearer_token"), Some("new-token"));
    assert!(role.header("authorization").is_none(), "GetRoleCredentials is unsigned");
    expect_signed_by(&reqs[2], "ASIASSOSESSION", "us-west-2");
    let cached: serde_json::Value = serde_json::from_str(&home.read(&format!(".aws/sso/cache/{SESSION_CACHE}.json"))).expect("cache JSON");
    assert_eq!(cached["accessToken"], "new-token");
    assert_eq!(cached["refreshToken"], "refresh-2");
    assert_eq!(cached["clientId"], "client-1", "the rest of the cache entry is kept");
    let expires = cached["expiresAt"].as_str().expect("expiresAt");
    assert!(expires > "2026-" && expires.ends_with('Z'), "{expires}");

    // -- 2. A second client from a second config: the refreshed token is read from the cache, no
    //    CreateToken call.
    let server = Server::start(vec![role_credentials("ASIASSOAGAIN"), caller_identity("arn:aws:sts::111122223333:assumed-role/ReadOnly/dev")]).await;
    env_for(&home, &server, "dev");
    let client = sts::Client::from_conf(sts::Config::builder().build());
    client.get_caller_identity().send().await.unwrap_or_else(|e| panic!("{}", sts::error::DisplayErrorContext(&e)));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(reqs[0].header("x-amz-sso_bearer_token"), Some("new-token"));
    expect_signed_by(&reqs[1], "ASIASSOAGAIN", "us-west-2");

    // -- 3. A legacy SSO profile (start URL and region in the profile): its token file is named
    //    after the start URL; it has no refresh, so a valid token is used as it is.
    home.write(
        &format!(".aws/sso/cache/{LEGACY_CACHE}.json"),
        &format!(r#"{{"accessToken":"legacy-token","expiresAt":"2099-01-01T00:00:00Z","region":"eu-west-1","startUrl":"{START_URL}"}}"#),
    );
    let server = Server::start(vec![role_credentials("ASIASSOLEGACY"), caller_identity("arn:aws:sts::444455556666:assumed-role/Admin/legacy")]).await;
    env_for(&home, &server, "legacy");
    let client = sts::Client::from_conf(sts::Config::builder().build());
    client.get_caller_identity().send().await.unwrap_or_else(|e| panic!("{}", sts::error::DisplayErrorContext(&e)));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(query_param(&reqs[0].path, "account_id"), Some("444455556666"));
    assert_eq!(reqs[0].header("x-amz-sso_bearer_token"), Some("legacy-token"));
    expect_signed_by(&reqs[1], "ASIASSOLEGACY", "eu-west-1");

    // -- 4. An expired legacy token cannot be refreshed: a clear error naming the link and what
    //    to do, no call made.
    home.write(
        &format!(".aws/sso/cache/{LEGACY_CACHE}.json"),
        &format!(r#"{{"accessToken":"legacy-token","expiresAt":"2020-01-01T00:00:00Z","region":"eu-west-1","startUrl":"{START_URL}"}}"#),
    );
    let server = Server::start(vec![caller_identity("unused")]).await;
    env_for(&home, &server, "legacy");
    let client = sts::Client::from_conf(sts::Config::builder().build());
    let err = client.get_caller_identity().send().await.expect_err("expired SSO token");
    let text = format!("{}", sts::error::DisplayErrorContext(&err));
    assert!(text.contains("SSO") && text.to_lowercase().contains("expired"), "{text}");
    assert!(!text.contains("legacy-token"), "the token never appears in errors: {text}");
    assert!(server.requests().is_empty(), "{:?}", server.requests());

    // -- 5. Web identity from the environment: STS AssumeRoleWithWebIdentity goes out unsigned
    //    with the token read from its file, and its credentials sign the call.
    let token_file = home.write("web-token", "header.payload.signature");
    let server = Server::start(vec![
        Canned::new(
            200,
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEBIDENTITY</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:web</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/WebRole/web</Arn></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>req-web</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
        )
        .header("content-type", "text/xml"),
        caller_identity("arn:aws:sts::111122223333:assumed-role/WebRole/web"),
    ])
    .await;
    env_for(&home, &server, "no-such-profile-is-needed");
    std::env::remove_var("AWS_PROFILE");
    std::env::set_var("AWS_CONFIG_FILE", home.0.join("no-config"));
    std::env::set_var("AWS_REGION", "eu-central-1");
    std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
    std::env::set_var("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/WebRole");
    std::env::set_var("AWS_ROLE_SESSION_NAME", "web");
    let client = sts::Client::from_conf(sts::Config::builder().build());
    let me = client.get_caller_identity().send().await.unwrap_or_else(|e| panic!("{}", sts::error::DisplayErrorContext(&e)));
    assert_eq!(me.arn(), Some("arn:aws:sts::111122223333:assumed-role/WebRole/web"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let assume = &reqs[0];
    assert!(assume.header("authorization").is_none(), "AssumeRoleWithWebIdentity is unsigned: {assume:?}");
    let body = String::from_utf8_lossy(&assume.body);
    assert!(body.starts_with("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"), "{body}");
    assert!(body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FWebRole"), "{body}");
    assert!(body.contains("RoleSessionName=web") && body.contains("WebIdentityToken=header.payload.signature"), "{body}");
    expect_signed_with(&reqs[1], "ASIAWEBIDENTITY", "eu-central-1", "web-session-token");
}
