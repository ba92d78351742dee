//! The client reading the real process environment and shared config files: profile
//! selection, region, retry settings and credentials from files, and clear errors (never a
//! panic) for broken or incomplete files; the default credentials chain end to end
//! (`credential_process`, the ECS endpoint) with one cache per configuration.
//!
//! Environment variables are process-global, so this test binary holds exactly one test, which
//! runs its cases one after another; no other test can observe (or race with) the variables.

use client_tests::{Canned, Server};
use cognito::error::{DisplayErrorContext, SdkError};
use aws_sdk_cognitoidentityprovider as cognito;
use std::path::{Path, PathBuf};

/// Every variable the client reads.
const VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_ENDPOINT_URL_STS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
];

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new() -> Files {
        let dir = std::env::temp_dir().join(format!("client-tests-profile-env-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Files { dir }
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write temp file");
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn set(name: &str, value: &Path) {
    std::env::set_var(name, value);
}

/// Config from the environment, pointed at the loopback server, retries without delay.
fn client(url: &str) -> cognito::Client {
    let mut config = cognito::Config::builder().endpoint_url(url).build();
    let retry = config.retry_config().copied().unwrap_or_default().with_initial_backoff(std::time::Duration::ZERO);
    config = config.to_builder().retry_config(retry).build();
    cognito::Client::from_conf(config)
}

async fn admin_get_user(client: &cognito::Client) -> Result<(), String> {
    match client.admin_get_user().user_pool_id("pool").username("alice").send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            assert!(matches!(e, SdkError::ConstructionFailure(_) | SdkError::ServiceError(_)), "{e:?}");
            Err(DisplayErrorContext(&e).to_string())
        }
    }
}

async fn unsigned_call(client: &cognito::Client) -> Result<(), String> {
    match client.get_user_attribute_verification_code().access_token("t").attribute_name("email").send().await {
        Ok(_) => Ok(()),
        Err(e) => Err(DisplayErrorContext(&e).to_string()),
    }
}

#[test]
fn shared_config_and_credentials_files_from_the_environment() {
    for var in VARS {
        std::env::remove_var(var);
    }
    let files = Files::new();
    // A home without ~/.aws, so the user's own files are never read; and never the instance
    // metadata of the machine the tests run on.
    set("HOME", &files.dir);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let config = files.write(
            "config",
            "[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-west-1\nmax_attempts = 2\n\n[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = dev\n",
        );
        let credentials = files.write(
            "credentials",
            "[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\naws_session_token = TOKENFILE\n",
        );
        set("AWS_CONFIG_FILE", &config);
        set("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        std::env::set_var("AWS_PROFILE", "dev");

        // Region, retry settings and credentials all come from profile `dev`.
        let server = Server::start(vec![Canned::new(500, "")]).await;
        let c = client(&server.url);
        assert_eq!(c.config().region().map(|r| r.as_str()), Some("eu-west-1"));
        assert_eq!(c.config().retry_config().map(|r| r.max_attempts), Some(2));
        let err = admin_get_user(&c).await.expect_err("500 every time");
        assert!(err.contains("500"), "{err}");
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "max_attempts = 2 from the profile");
        assert_eq!(requests[1].header("amz-sdk-request"), Some("attempt=2; max=2"));
        for req in &requests {
            let auth = req.header("authorization").expect("signed");
            assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFILE/"), "{auth}");
            assert!(auth.contains("/eu-west-1/cognito-idp/aws4_request, SignedHeaders="), "{auth}");
            assert_eq!(req.header("x-amz-security-token"), Some("TOKENFILE"));
        }

        // Environment credentials win over the files.
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDENV");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "SECRETENV");
        let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice"}"#)]).await;
        admin_get_user(&client(&server.url)).await.expect("signed with environment credentials");
        let auth = server.requests()[0].header("authorization").unwrap_or_default().to_string();
        assert!(auth.contains("Credential=AKIDENV/"), "{auth}");
        assert_eq!(server.requests()[0].header("x-amz-security-token"), None);
        // Half a key pair in the environment is an error, not a silent fall-back to the files.
        std::env::remove_var("AWS_SECRET_ACCESS_KEY");
        let err = admin_get_user(&client(&server.url)).await.expect_err("half a key pair");
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
        std::env::remove_var("AWS_ACCESS_KEY_ID");

        // The default profile when AWS_PROFILE is unset: its region, and no credentials.
        std::env::remove_var("AWS_PROFILE");
        let server = Server::start(vec![Canned::new(200, "{}")]).await;
        let c = client(&server.url);
        assert_eq!(c.config().region().map(|r| r.as_str()), Some("us-west-2"));
        let err = admin_get_user(&c).await.expect_err("profile `default` has no keys");
        assert!(err.contains("no AWS credentials found") && err.contains("credentials"), "{err}");
        unsigned_call(&c).await.expect("an unsigned operation needs no credentials");

        // The chain's final error lists what each link said.
        assert!(err.contains("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set; ECS: ") && err.contains("IMDS: turned off"), "{err}");

        // A role profile calls STS AssumeRole with its source profile's keys (here STS refuses;
        // the client's own endpoint URL is not used for STS, AWS_ENDPOINT_URL_STS is).
        std::env::set_var("AWS_PROFILE", "role");
        files.write("credentials", "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n");
        let sts = Server::start(vec![Canned::new(
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to assume x</Message></Error><RequestId>sts-1</RequestId></ErrorResponse>",
        )])
        .await;
        std::env::set_var("AWS_ENDPOINT_URL_STS", &sts.url);
        let err = admin_get_user(&client(&server.url)).await.expect_err("role_arn");
        std::env::remove_var("AWS_ENDPOINT_URL_STS");
        assert!(err.contains("profile `role`") && err.contains("arn:aws:iam::123456789012:role/x"), "{err}");
        assert!(err.contains("STS AssumeRole failed") && err.contains("AccessDenied") && err.contains("not allowed to assume x"), "{err}");
        assert!(!err.contains("dev-secret"), "{err}");
        let assume = &sts.requests()[0];
        assert!(String::from_utf8_lossy(&assume.body).starts_with("Action=AssumeRole&"), "{assume:?}");
        assert!(assume.header("authorization").is_some_and(|a| a.contains("Credential=AKIDDEV/")), "{assume:?}");
        files.write("credentials", "");

        // AWS_PROFILE naming a profile no file defines.
        std::env::set_var("AWS_PROFILE", "nosuch");
        let err = admin_get_user(&client(&server.url)).await.expect_err("no such profile");
        assert!(err.contains("nosuch") && err.contains("not defined"), "{err}");

        // An incomplete key pair in the credentials file names the missing key.
        std::env::set_var("AWS_PROFILE", "dev");
        files.write("credentials", "[dev]\naws_access_key_id = AKIDONLY\n");
        let err = admin_get_user(&client(&server.url)).await.expect_err("incomplete");
        assert!(err.contains("aws_secret_access_key") && err.contains("dev"), "{err}");

        // A credentials file that does not parse: a construction failure naming file and line.
        files.write("credentials", "[dev]\naws_access_key_id = AKID\n[broken\naws_secret_access_key = x\n");
        let err = admin_get_user(&client(&server.url)).await.expect_err("broken file");
        assert!(err.contains(&credentials.display().to_string()) && err.contains(":3:"), "{err}");
        assert!(err.contains("closing `]`"), "{err}");
        files.write("credentials", "just some text\n");
        let err = admin_get_user(&client(&server.url)).await.expect_err("not a profile file");
        assert!(err.contains(&credentials.display().to_string()), "{err}");

        // Invalid retry settings in the environment are reported, naming the variable.
        files.write("credentials", "[dev]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRETFILE\n");
        std::env::set_var("AWS_MAX_ATTEMPTS", "zero");
        let c = cognito::Client::from_conf(cognito::Config::builder().endpoint_url(&server.url).build());
        let err = admin_get_user(&c).await.expect_err("bad AWS_MAX_ATTEMPTS");
        assert!(err.contains("AWS_MAX_ATTEMPTS") && err.contains("zero"), "{err}");
        std::env::remove_var("AWS_MAX_ATTEMPTS");

        // credential_process: run once for two clients of one configuration (one cache).
        #[cfg(unix)]
        {
            let runs = files.dir.join("runs");
            let script = files.write(
                "creds.sh",
                &format!(
                    "#!/bin/sh\necho run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"SECRETPROC\", \"SessionToken\": \"TOKENPROC\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n",
                    runs.display()
                ),
            );
            files.write("credentials", "");
            files.write("config", &format!("[profile proc]\nregion = eu-west-1\ncredential_process = sh {}\n", script.display()));
            std::env::set_var("AWS_PROFILE", "proc");
            let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice"}"#)]).await;
            // One transport for both clients: the test server serves one connection at a time.
            let http = cognito::config::DefaultHttpClient::new(None).expect("default client");
            let config = cognito::Config::builder().endpoint_url(&server.url).http_client(http).build();
            let (first, second) = (cognito::Client::from_conf(config.clone()), cognito::Client::from_conf(config));
            for c in [&first, &second, &first] {
                admin_get_user(c).await.expect("signed with the process's credentials");
            }
            for req in server.requests() {
                assert!(req.header("authorization").unwrap_or_default().contains("Credential=AKIDPROC/"), "{req:?}");
                assert_eq!(req.header("x-amz-security-token"), Some("TOKENPROC"));
            }
            assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 1, "the process ran once: one cache per configuration");
            std::env::remove_var("AWS_PROFILE");
        }

        // The ECS container endpoint (here on loopback, as EKS Pod Identity's full URI may be).
        let ecs = Server::start(vec![Canned::new(
            200,
            r#"{"AccessKeyId": "AKIDECS", "SecretAccessKey": "SECRETECS", "Token": "TOKENECS", "Expiration": "2999-01-01T00:00:00Z"}"#,
        )])
        .await;
        files.write("config", "[default]\nregion = us-west-2\n");
        std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{}/v1/credentials", ecs.url));
        std::env::set_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer pod-token");
        let server = Server::start(vec![Canned::new(200, r#"{"Username":"alice"}"#)]).await;
        admin_get_user(&client(&server.url)).await.expect("signed with the container's credentials");
        assert!(server.requests()[0].header("authorization").unwrap_or_default().contains("Credential=AKIDECS/"));
        assert_eq!(ecs.requests()[0].path, "/v1/credentials");
        assert_eq!(ecs.requests()[0].header("authorization"), Some("Bearer pod-token"));
        std::env::remove_var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        std::env::remove_var("AWS_CONTAINER_AUTHORIZATION_TOKEN");

        // ignore_environment() reads none of it.
        let c = cognito::Client::from_conf(cognito::Config::builder().endpoint_url(&server.url).ignore_environment().build());
        assert_eq!(c.config().region(), None);
        let err = admin_get_user(&c).await.expect_err("no credentials in code");
        assert!(err.contains("credentials"), "{err}");
    });
    for var in VARS {
        std::env::remove_var(var);
    }
}
