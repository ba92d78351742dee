//! Per-call benchmark program on the generated lambda and s3 crates (vendored by path):
//! sequential restJson1 GetFunctionConfiguration calls, or GetObject of a large object read as a
//! stream, against in-process loopback servers. Usage: see `common::Args`. Written into
//! target/bench-calls/ours by `cargo xtask bench-calls`.

mod common;

use common::{Args, Bench, Mode};

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn lambda_client(url: &str) -> lambda::Client {
    let config = lambda::Config::builder()
        .region(lambda::config::Region::new("us-east-1"))
        .endpoint_url(url)
        .behavior_version(lambda::config::BehaviorVersion::latest())
        .credentials_provider(lambda::config::Credentials::new("AKIDBENCHMARK", "bench-secret", None, None, "bench"))
        .ignore_environment()
        .build();
    lambda::Client::from_conf(config)
}

fn s3_client(url: &str) -> s3::Client {
    let config = s3::Config::builder()
        .region(s3::config::Region::new("us-east-1"))
        .endpoint_url(url)
        .force_path_style(true)
        .behavior_version(s3::config::BehaviorVersion::latest())
        .credentials_provider(s3::config::Credentials::new("AKIDBENCHMARK", "bench-secret", None, None, "bench"))
        .ignore_environment()
        .build();
    s3::Client::from_conf(config)
}

fn main() {
    let args = Args::parse();
    common::runtime().block_on(async {
        let mut bench = Bench::new(&args);
        match args.mode {
            Mode::RestSuccess | Mode::RestError => {
                let success = args.mode == Mode::RestSuccess;
                let client = lambda_client(&common::start_rest_server(success).await);
                for i in 0..bench.warmup() + args.iterations {
                    if i == bench.warmup() {
                        bench.start();
                    }
                    let result = client.get_function_configuration().function_name(common::FUNCTION_NAME).send().await;
                    let ok = match (&result, success) {
                        (Ok(out), true) => out.function_name() == Some(common::FUNCTION_NAME) && out.code_size() == 299,
                        (Err(e), false) => e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()),
                        _ => false,
                    };
                    bench.check(ok, &result);
                }
            }
            Mode::Get { size, chunked } => {
                let client = s3_client(&common::start_object_server(size, chunked));
                for i in 0..bench.warmup() + args.iterations {
                    if i == bench.warmup() {
                        bench.start();
                    }
                    let result = client.get_object().bucket("bench-bucket").key("object").send().await;
                    let mut out = match result {
                        Ok(out) => out,
                        Err(e) => {
                            bench.check(false, &e);
                            return;
                        }
                    };
                    let mut at = 0u64;
                    loop {
                        match out.body.try_next().await {
                            Ok(Some(chunk)) => {
                                bench.check(common::check_chunk(at, &chunk), &"object bytes differ from the server's");
                                at += chunk.len() as u64;
                                bench.read(&chunk);
                            }
                            Ok(None) => break,
                            Err(e) => {
                                bench.check(false, &e);
                                return;
                            }
                        }
                    }
                    bench.check(at == size, &format!("read {at} of {size} bytes"));
                }
            }
        }
        bench.finish();
    });
}
