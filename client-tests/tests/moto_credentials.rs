//! End-to-end: the default credential chain against moto's STS. The chain's STS calls are made
//! by the STS client generated into every crate's runtime; the credentials they return sign a
//! GetCallerIdentity, which moto answers with the identity it sees, with its request
//! authentication on (so the signatures and session tokens are verified).
//!
//! Links covered: static keys in a profile, a `role_arn` profile with `source_profile`
//! (AssumeRole), web identity from the environment (AssumeRoleWithWebIdentity, token read from
//! its file; moto checks no signatures for this one, see below), `credential_process`, and a role
//! whose source profile is a `credential_process`.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1`. Environment variables are process-global: one test, case by case.

mod moto_support;

use moto_support::{endpoint, unique, xml_text, AuthOn, Moto, Steps};
use std::path::PathBuf;

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

struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        let dir = std::env::temp_dir().join(format!("moto-credentials-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Dir(dir)
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A clean environment pointing every client at moto, with `config` as the shared config file.
fn env(endpoint: &str, dir: &Dir, config: &str, profile: Option<&str>) {
    for v in VARS {
        std::env::remove_var(v);
    }
    std::env::set_var("AWS_CONFIG_FILE", dir.write("config", config));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", dir.0.join("no-credentials-file"));
    if let Some(p) = profile {
        std::env::set_var("AWS_PROFILE", p);
    }
    std::env::set_var("AWS_ENDPOINT_URL", endpoint);
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
}

async fn whoami() -> String {
    let client = sts::Client::from_conf(sts::Config::builder().build());
    match client.get_caller_identity().send().await {
        Ok(me) => me.arn().unwrap_or_default().to_string(),
        Err(e) => panic!("GetCallerIdentity: {}", sts::error::DisplayErrorContext(&e)),
    }
}

#[tokio::test]
async fn moto_credentials() {
    let Some(endpoint) = endpoint("moto_credentials") else {
        return;
    };
    let steps = Steps::new();
    let moto = Moto::new(&endpoint);
    let unique = unique();
    let dir = Dir::new();

    steps.step("set-up: IAM user with an access key, a role (raw HTTP)");
    let user = format!("chain-{unique}");
    moto.iam(&[("Action", "CreateUser"), ("UserName", &user)]);
    let key_xml = moto.iam(&[("Action", "CreateAccessKey"), ("UserName", &user)]);
    let key_id = xml_text(&key_xml, "AccessKeyId").expect("AccessKeyId");
    let secret = xml_text(&key_xml, "SecretAccessKey").expect("SecretAccessKey");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
    moto.iam(&[("Action", "PutUserPolicy"), ("UserName", &user), ("PolicyName", "sts"), ("PolicyDocument", policy)]);
    let role = format!("chain-role-{unique}");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}"#;
    let role_xml = moto.iam(&[("Action", "CreateRole"), ("RoleName", &role), ("AssumeRolePolicyDocument", trust)]);
    let role_arn = xml_text(&role_xml, "Arn").expect("role Arn");
    let user_arn = format!("arn:aws:iam::123456789012:user/{user}");
    let assumed = |session: &str| format!("arn:aws:sts::123456789012:assumed-role/{role}/{session}");

    moto.set_auth_after("0");
    let _auth_off_again = AuthOn(&moto);

    steps.step("static keys in a profile");
    env(&endpoint, &dir, &format!("[profile base]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"), Some("base"));
    assert_eq!(whoami().await, user_arn);

    steps.step("role_arn + source_profile: AssumeRole with the base profile's keys");
    env(
        &endpoint,
        &dir,
        &format!(
            "[profile base]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n\n\
             [profile assume]\nrole_arn = {role_arn}\nsource_profile = base\nrole_session_name = chain-session\nduration_seconds = 900\n"
        ),
        Some("assume"),
    );
    assert_eq!(whoami().await, assumed("chain-session"));

    steps.step("web identity from the environment: AssumeRoleWithWebIdentity (moto's authentication off: it demands a signature even on this unsigned call; tests/credentials_wire.rs checks it goes unsigned)");
    moto.set_auth_after("inf");
    env(&endpoint, &dir, "", None);
    let token_file = dir.write("web-identity-token", "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl");
    std::env::set_var("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file);
    std::env::set_var("AWS_ROLE_ARN", &role_arn);
    std::env::set_var("AWS_ROLE_SESSION_NAME", "web-session");
    assert_eq!(whoami().await, assumed("web-session"));
    moto.set_auth_after("0");

    steps.step("credential_process");
    let json = format!(r#"{{"Version": 1, "AccessKeyId": "{key_id}", "SecretAccessKey": "{secret}"}}"#);
    let script = dir.write("process.sh", &format!("#!/bin/sh\ncat <<'EOF'\n{json}\nEOF\n"));
    env(&endpoint, &dir, &format!("[profile process]\ncredential_process = sh {}\n", script.display()), Some("process"));
    assert_eq!(whoami().await, user_arn);

    steps.step("role_arn whose source is a credential_process profile");
    env(
        &endpoint,
        &dir,
        &format!(
            "[profile process]\ncredential_process = sh {}\n\n[profile chained]\nrole_arn = {role_arn}\nsource_profile = process\nrole_session_name = via-process\n",
            script.display()
        ),
        Some("chained"),
    );
    assert_eq!(whoami().await, assumed("via-process"));
    steps.step("done");
}
