//! Multi-service program on aws-sdk-rust: aws-sdk-cognitoidentityprovider, aws-sdk-dynamodb and
//! aws-sdk-s3 configured by aws-config. Usage: `bench-multi-theirs selftest`.

mod multi_calls;

use aws_sdk_cognitoidentityprovider as cognito;
use aws_sdk_dynamodb as dynamodb;
use aws_sdk_s3 as s3;

fn main() {
    if !multi_calls::selftest() {
        return;
    }
    multi_calls::runtime().block_on(async {
        let (url, requests) = multi_calls::start_server().await;
        // One configuration, taken by the three clients.
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(multi_calls::REGION))
            .endpoint_url(&url)
            .credentials_provider(s3::config::Credentials::new(
                multi_calls::ACCESS_KEY,
                multi_calls::SECRET_KEY,
                None,
                None,
                "bench",
            ))
            .load()
            .await;
        let cognito = cognito::Client::new(&config);
        let dynamodb = dynamodb::Client::new(&config);
        let s3 = s3::Client::from_conf(s3::config::Builder::from(&config).force_path_style(true).build());
        let ok = multi_calls::calls(&cognito, &dynamodb, &s3).await;
        multi_calls::finish(ok, &requests);
    });
}
