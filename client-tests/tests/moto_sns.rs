//! End-to-end: the generated SNS client (awsQuery) against moto, delivering to a queue made
//! with the generated SQS client.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`).

mod moto_support;

use moto_support::{endpoint, percent_encode, recorder, unique, Steps};
use sns::config::Credentials;
use sns::error::ProvideErrorMetadata;

recorder!(sns);

/// moto's ListTopics page size.
const TOPICS_PER_PAGE: usize = 100;

fn sqs_client(endpoint: &str) -> sqs::Client {
    let config = sqs::Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials_provider(sqs::config::Credentials::from_keys("testing", "testing", None))
        .ignore_environment()
        .build();
    sqs::Client::from_conf(config)
}

#[tokio::test]
async fn moto_sns() {
    let Some(endpoint) = endpoint("moto_sns") else {
        return;
    };
    let steps = Steps::new();
    let http = Recorder::new();
    let sns = client(&endpoint, Credentials::from_keys("testing", "testing", None), &http);
    let sqs = sqs_client(&endpoint);
    let unique = unique();
    let name = format!("smithy-lite-e2e-{unique}");

    // -- 1. CreateTopic (awsQuery: form in, XML out).
    steps.step("CreateTopic");
    let topic = ok(
        sns.create_topic().name(&name).attributes("DisplayName", "smithy-lite e2e").tags(
            sns::types::Tag::builder().key("created-by").value("smithy-lite").build().expect("tag"),
        )
        .send()
        .await,
        "CreateTopic",
    );
    let topic_arn = topic.topic_arn().expect("TopicArn").to_owned();
    assert_eq!(topic_arn, format!("arn:aws:sns:us-east-1:123456789012:{name}"));
    let ex = http.one("POST", "/", 200);
    let body = ex.body_text();
    assert!(body.starts_with(&format!("Action=CreateTopic&Version=2010-03-31&Name={name}")), "{body}");
    assert!(body.contains("Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=smithy-lite%20e2e"), "{body}");
    assert!(body.contains("Tags.member.1.Key=created-by&Tags.member.1.Value=smithy-lite"), "{body}");
    let attrs = ok(sns.get_topic_attributes().topic_arn(&topic_arn).send().await, "GetTopicAttributes");
    let attrs = attrs.attributes().expect("Attributes");
    assert_eq!(attrs.get("DisplayName").map(String::as_str), Some("smithy-lite e2e"));
    assert_eq!(attrs.get("TopicArn"), Some(&topic_arn));
    http.take();

    // -- 2. Subscribe a queue made with the SQS client.
    steps.step("CreateQueue (sqs crate), Subscribe");
    let queue_url = sqs
        .create_queue()
        .queue_name(&name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue: {}", sqs::error::DisplayErrorContext(&e)))
        .queue_url()
        .expect("QueueUrl")
        .to_owned();
    let queue_arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
    let sub = ok(
        sns.subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(&queue_arn)
            .return_subscription_arn(true)
            .send()
            .await,
        "Subscribe",
    );
    let sub_arn = sub.subscription_arn().expect("SubscriptionArn").to_owned();
    assert!(sub_arn.starts_with(&format!("{topic_arn}:")), "{sub_arn}");
    let ex = http.one("POST", "/", 200);
    assert!(ex.body_text().contains(&format!("Endpoint={}", percent_encode(&queue_arn))), "{}", ex.body_text());
    let subs = ok(
        sns.list_subscriptions_by_topic().topic_arn(&topic_arn).into_paginator().items().try_collect().await,
        "ListSubscriptionsByTopic",
    );
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(
        (subs[0].subscription_arn(), subs[0].protocol(), subs[0].endpoint()),
        (Some(sub_arn.as_str()), Some("sqs"), Some(queue_arn.as_str()))
    );
    http.take();

    // -- 3. Publish; the message arrives in the queue wrapped in SNS's JSON envelope.
    steps.step("Publish, receive it from the queue");
    let published = ok(
        sns.publish().topic_arn(&topic_arn).subject("greeting").message("hello & welcome <queue>").send().await,
        "Publish",
    );
    let message_id = published.message_id().expect("MessageId").to_owned();
    let received = sqs
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(2)
        .send()
        .await
        .unwrap_or_else(|e| panic!("ReceiveMessage: {}", sqs::error::DisplayErrorContext(&e)));
    let [message] = received.messages() else { panic!("one delivered message: {received:?}") };
    let envelope = message.body().expect("Body");
    assert!(envelope.contains(&format!(r#""MessageId": "{message_id}""#)), "{envelope}");
    assert!(envelope.contains(r#""Message": "hello & welcome <queue>""#), "{envelope}");
    assert!(envelope.contains(r#""Subject": "greeting""#), "{envelope}");
    assert!(envelope.contains(&format!(r#""TopicArn": "{topic_arn}""#)), "{envelope}");
    http.take();

    // -- 4. ListTopics through the paginator, over more topics than one page holds.
    steps.step("ListTopics paginator (more than one page)");
    let before = ok(sns.list_topics().into_paginator().items().try_collect().await, "ListTopics").len();
    let extra: Vec<String> = (0..(TOPICS_PER_PAGE + 1).saturating_sub(before)).map(|i| format!("{name}-{i}")).collect();
    let mut extra_arns = Vec::new();
    for t in &extra {
        extra_arns.push(ok(sns.create_topic().name(t).send().await, "CreateTopic (extra)").topic_arn().unwrap().to_owned());
    }
    http.take();
    let pages = ok(sns.list_topics().into_paginator().send().try_collect().await, "ListTopics pages");
    assert!(pages.len() >= 2, "{} topics fit in {} page(s)", before + extra.len(), pages.len());
    assert!(pages[0].next_token().is_some());
    let sent = http.take();
    assert!(sent[1].body_text().contains("NextToken="), "{:?}", sent[1].body_text());
    let arns: Vec<&str> = pages.iter().flat_map(|p| p.topics()).filter_map(|t| t.topic_arn()).collect();
    assert!(arns.contains(&topic_arn.as_str()), "{arns:?}");
    assert!(extra_arns.iter().all(|a| arns.contains(&a.as_str())));
    let items = ok(sns.list_topics().into_paginator().items().try_collect().await, "ListTopics items");
    assert_eq!(items.len(), arns.len());

    // -- 5. Errors and clean-up.
    steps.step("NotFound, Unsubscribe, DeleteTopic");
    let err = sns
        .get_topic_attributes()
        .topic_arn(format!("{topic_arn}-missing"))
        .send()
        .await
        .expect_err("missing topic");
    assert_eq!(err.code(), Some("NotFound"), "{}", sns::error::DisplayErrorContext(&err));
    assert!(err.into_service_error().is_not_found_exception());
    ok(sns.unsubscribe().subscription_arn(&sub_arn).send().await, "Unsubscribe");
    for arn in extra_arns.iter().chain([&topic_arn]) {
        ok(sns.delete_topic().topic_arn(arn).send().await, "DeleteTopic");
    }
    let _ = sqs.delete_queue().queue_url(&queue_url).send().await;
    steps.step("done");
}
