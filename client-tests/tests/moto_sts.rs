//! End-to-end: the generated STS client (awsQuery) against moto.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`). An IAM user and a role are set up with raw IAM
//! calls; GetCallerIdentity runs with moto's request authentication switched on, so the
//! signature is verified, and AssumeRole's temporary credentials (session token included) sign
//! a second GetCallerIdentity.

mod moto_support;

use moto_support::{endpoint, recorder, unique, xml_text, AuthOn, Moto, Steps};
use sts::config::Credentials;
use sts::error::ProvideErrorMetadata;

recorder!(sts);

#[tokio::test]
async fn moto_sts() {
    let Some(endpoint) = endpoint("moto_sts") else {
        return;
    };
    let steps = Steps::new();
    let moto = Moto::new(&endpoint);
    let unique = unique();

    steps.step("set-up: IAM user with an access key, a role (raw HTTP)");
    let user = format!("e2e-sts-{unique}");
    moto.iam(&[("Action", "CreateUser"), ("UserName", &user)]);
    let key_xml = moto.iam(&[("Action", "CreateAccessKey"), ("UserName", &user)]);
    let key_id = xml_text(&key_xml, "AccessKeyId").unwrap_or_else(|| panic!("no AccessKeyId in {key_xml}"));
    let secret = xml_text(&key_xml, "SecretAccessKey").unwrap_or_else(|| panic!("no SecretAccessKey in {key_xml}"));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
    moto.iam(&[("Action", "PutUserPolicy"), ("UserName", &user), ("PolicyName", "sts"), ("PolicyDocument", policy)]);
    let role_name = format!("e2e-sts-role-{unique}");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    let role_xml =
        moto.iam(&[("Action", "CreateRole"), ("RoleName", &role_name), ("AssumeRolePolicyDocument", trust)]);
    let role_arn = xml_text(&role_xml, "Arn").unwrap_or_else(|| panic!("no role Arn in {role_xml}"));

    let http = Recorder::new();
    let sts = client(&endpoint, Credentials::from_keys(&key_id, &secret, None), &http);
    let forged = client(&endpoint, Credentials::from_keys(&key_id, "not-the-secret", None), &http);
    {
        // -- 1. GetCallerIdentity, signed, with moto checking signatures.
        steps.step("GetCallerIdentity with moto's authentication on");
        moto.set_auth_after("0");
        let _auth_off_again = AuthOn(&moto);
        let me = ok(sts.get_caller_identity().send().await, "GetCallerIdentity");
        assert_eq!(me.account(), Some("123456789012"));
        assert_eq!(me.arn(), Some(format!("arn:aws:iam::123456789012:user/{user}").as_str()));
        assert!(me.user_id().is_some_and(|id| !id.is_empty()), "{me:?}");
        let ex = http.one("POST", "/", 200);
        assert_eq!(ex.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(ex.body_text(), "Action=GetCallerIdentity&Version=2011-06-15");
        let auth = ex.header("authorization").expect("signed");
        assert!(
            auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={key_id}/"))
                && auth.contains("/us-east-1/sts/aws4_request"),
            "{auth}"
        );

        let err = forged.get_caller_identity().send().await.expect_err("a wrong secret is refused");
        let raw = err.raw_response().map(|r| String::from_utf8_lossy(r.body()).into_owned()).unwrap_or_default();
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{}: {raw}", sts::error::DisplayErrorContext(&err));
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
        http.take();
    }

    // -- 2. AssumeRole, then the temporary credentials sign a call.
    steps.step("AssumeRole");
    let assumed = ok(
        sts.assume_role().role_arn(&role_arn).role_session_name("e2e-session").duration_seconds(900).send().await,
        "AssumeRole",
    );
    let creds = assumed.credentials().expect("Credentials");
    assert!(creds.access_key_id().starts_with("ASIA"), "{creds:?}");
    assert!(!creds.secret_access_key().is_empty() && !creds.session_token().is_empty());
    let user_arn = assumed.assumed_role_user().expect("AssumedRoleUser").arn();
    assert_eq!(user_arn, format!("arn:aws:sts::123456789012:assumed-role/{role_name}/e2e-session"));
    let ex = http.one("POST", "/", 200);
    let body = ex.body_text();
    assert!(body.starts_with("Action=AssumeRole&Version=2011-06-15&"), "{body}");
    assert!(body.contains("RoleSessionName=e2e-session") && body.contains("DurationSeconds=900"), "{body}");
    assert!(body.contains(&format!("RoleArn={}", moto_support::percent_encode(&role_arn))), "{body}");

    steps.step("GetCallerIdentity with the assumed role's session credentials");
    let temporary = client(
        &endpoint,
        Credentials::new(
            creds.access_key_id(),
            creds.secret_access_key(),
            Some(creds.session_token().to_owned()),
            None,
            "assume-role",
        ),
        &http,
    );
    let me = ok(temporary.get_caller_identity().send().await, "GetCallerIdentity (assumed role)");
    assert_eq!(me.arn(), Some(user_arn));
    let ex = http.one("POST", "/", 200);
    assert_eq!(ex.header("x-amz-security-token"), Some(creds.session_token()));
    steps.step("done");
}
