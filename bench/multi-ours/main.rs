//! Multi-service program on the generated crates with one shared runtime crate (all generated
//! by `cargo xtask bench` into target/bench/multi-ours/vendor). Usage: `bench-multi-ours selftest`.

mod multi_calls;

// The names the shared calls (`multi_calls.rs`) use for the three crates.
use ::{dynamodb, s3};
use cognito_identity_provider as cognito;

fn main() {
    if !multi_calls::selftest() {
        return;
    }
    multi_calls::runtime().block_on(async {
        let (url, requests) = multi_calls::start_server().await;
        // One configuration, taken by the three clients.
        let config = smithy_lite_runtime::config::Config::builder()
            .region(multi_calls::REGION)
            .endpoint_url(&url)
            .credentials_provider(smithy_lite_runtime::credentials::Credentials::new(
                multi_calls::ACCESS_KEY,
                multi_calls::SECRET_KEY,
                None,
                None,
                "bench",
            ))
            .build();
        let cognito = cognito::Client::new(&config);
        let dynamodb = dynamodb::Client::new(&config);
        use s3::config::ClientContextParams;
        let s3 = s3::Client::new(&config.to_builder().force_path_style(true).build());
        let ok = multi_calls::calls(&cognito, &dynamodb, &s3).await;
        multi_calls::finish(ok, &requests);
    });
}
