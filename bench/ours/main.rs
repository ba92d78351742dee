//! Benchmark program on the generated crate (vendored by path): sequential
//! GetUserAttributeVerificationCode calls against an in-process loopback server.
//! Usage: `bench-ours success|error ITERATIONS`. Written into target/bench/ours by `cargo xtask bench`.

mod common;

use cognito_identity_provider as cognito;
use common::{Args, Bench, Mode};

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn client(url: &str) -> cognito::Client {
    let config = cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(cognito::config::Credentials::new(
            "AKIDBENCHMARK",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .ignore_environment()
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
