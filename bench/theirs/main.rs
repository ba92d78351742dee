//! Benchmark program on aws-sdk-cognitoidentityprovider: sequential
//! GetUserAttributeVerificationCode calls against an in-process loopback server.
//! Usage: `bench-theirs success|error ITERATIONS`. Written into target/bench/theirs by `cargo xtask bench`.

mod common;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider as cognito;
use common::{Args, Bench, Mode};

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn client(url: &str) -> cognito::Client {
    let config = cognito::Config::builder()
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(cognito::config::Credentials::new(
            "AKIDBENCHMARK",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .build();
    cognito::Client::from_conf(config)
}

fn main() {
    let args = Args::parse();
    common::runtime().block_on(async {
        let url = common::start_server(args.mode).await;
        let client = client(&url);
        let mut bench = Bench::new(&args);
        for i in 0..bench.warmup() + args.iterations {
            if i == bench.warmup() {
                bench.start();
            }
            let result = client
                .get_user_attribute_verification_code()
                .access_token("secret-token-123")
                .attribute_name("email")
                .client_metadata("source", "web")
                .send()
                .await;
            let ok = match (&result, args.mode) {
                (Ok(out), Mode::Success) => {
                    out.code_delivery_details().and_then(|d| d.destination())
                        == Some("a***@e***.com")
                }
                (Err(e), Mode::Error) => e
                    .as_service_error()
                    .is_some_and(|e| e.is_user_not_found_exception()),
                _ => false,
            };
            bench.check(ok, &result);
        }
        bench.finish();
    });
}
