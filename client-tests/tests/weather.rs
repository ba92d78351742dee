//! The crate generated from a model written in Smithy IDL (`model/weather.smithy`, awsJson1_0)
//! against a loopback server: the request on the wire, the response and a modelled error.

use client_tests::{Canned, Server};
use weather::config::Credentials;
use weather::types::{Conditions, Severity, Units};

fn client(url: &str) -> weather::Client {
    let config = weather::Config::builder()
        .region("us-east-1")
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .build();
    weather::Client::from_conf(config)
}

#[tokio::test]
async fn get_forecast_sends_awsjson_1_0_and_reads_the_forecast() {
    let body = r#"{"cityId":"oslo","days":[{"day":1767225600,"high":3.5,"low":-2.0,"conditions":"SNOW","warning":2}],"notes":{"north":"windy"}}"#;
    let server = Server::start(vec![Canned::new(200, body).header("content-type", "application/x-amz-json-1.0")]).await;
    let out = client(&server.url).get_forecast().city_id("oslo").days(2).units(Units::Imperial).send().await.expect("forecast");
    assert_eq!(out.city_id(), "oslo");
    let day = &out.days()[0];
    assert_eq!((day.high(), day.low()), (3.5, -2.0));
    assert_eq!(day.day().secs(), 1_767_225_600);
    assert_eq!(day.conditions(), Some(&Conditions::Snow));
    assert_eq!(day.warning(), Some(&Severity::Medium));
    assert_eq!(out.notes().and_then(|n| n.get("north")).map(String::as_str), Some("windy"));
    let req = &server.requests()[0];
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/"));
    assert_eq!(req.header("x-amz-target"), Some("Weather.GetForecast"));
    assert_eq!(req.header("content-type"), Some("application/x-amz-json-1.0"));
    let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(sent, serde_json::json!({"cityId": "oslo", "days": 2, "units": "imperial"}));
}

#[tokio::test]
async fn a_missing_city_is_the_modelled_error() {
    let body = r#"{"__type":"example.weather#NoSuchCity","message":"no such city: atlantis","cityId":"atlantis"}"#;
    let server = Server::start(vec![Canned::new(404, body).header("content-type", "application/x-amz-json-1.0")]).await;
    let err = client(&server.url).get_city().city_id("atlantis").send().await.expect_err("404");
    let err = err.into_service_error();
    assert!(err.is_no_such_city(), "{err:?}");
    assert!(err.to_string().contains("atlantis"), "{err}");
}
