//! End-to-end: the generated SQS client (awsJson1_0 with `@awsQueryCompatible`) against moto.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`). moto 5.2.5 answers SQS clients that send
//! `x-amz-target` in JSON; for errors it adds the `x-amzn-query-error: Code;Fault` header, whose
//! code `err.code()` reports (the awsQuery code, as aws-sdk-rust does) while the modelled variant
//! is found from the JSON `__type`.

mod moto_support;

use moto_support::{endpoint, recorder, unique, Steps};
use sqs::config::Credentials;
use sqs::error::ProvideErrorMetadata;
use sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};

recorder!(sqs);

#[tokio::test]
async fn moto_sqs() {
    let Some(endpoint) = endpoint("moto_sqs") else {
        return;
    };
    let steps = Steps::new();
    let http = Recorder::new();
    let sqs = client(&endpoint, Credentials::from_keys("testing", "testing", None), &http);
    let name = format!("smithy-lite-e2e-{}", unique());

    // -- 1. CreateQueue with attributes; GetQueueUrl; GetQueueAttributes.
    steps.step("CreateQueue, GetQueueUrl, GetQueueAttributes");
    let created = ok(
        sqs.create_queue()
            .queue_name(&name)
            .attributes(QueueAttributeName::VisibilityTimeout, "45")
            .tags("created-by", "smithy-lite")
            .send()
            .await,
        "CreateQueue",
    );
    let url = created.queue_url().expect("QueueUrl").to_owned();
    assert!(url.ends_with(&format!("/123456789012/{name}")), "{url}");
    let ex = http.one("POST", "/", 200);
    assert_eq!(ex.header("x-amz-target"), Some("AmazonSQS.CreateQueue"));
    assert_eq!(ex.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(ex.header("x-amzn-query-mode"), Some("true"));
    let body = ex.body_text();
    assert!(body.contains(r#""Attributes":{"VisibilityTimeout":"45"}"#), "{body}");

    let found = ok(sqs.get_queue_url().queue_name(&name).send().await, "GetQueueUrl");
    assert_eq!(found.queue_url(), Some(url.as_str()));
    let attrs = ok(
        sqs.get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await,
        "GetQueueAttributes",
    );
    let attrs = attrs.attributes().expect("Attributes");
    assert_eq!(attrs.get(&QueueAttributeName::VisibilityTimeout).map(String::as_str), Some("45"));
    assert_eq!(
        attrs.get(&QueueAttributeName::QueueArn).map(String::as_str),
        Some(format!("arn:aws:sqs:us-east-1:123456789012:{name}").as_str())
    );
    let queues = ok(sqs.list_queues().queue_name_prefix(&name).into_paginator().items().try_collect().await, "ListQueues");
    assert_eq!(queues, [url.clone()]);
    http.take();

    // -- 2. SendMessage, ReceiveMessage, DeleteMessage.
    steps.step("SendMessage, ReceiveMessage, DeleteMessage");
    let body = "hello from smithy-lite: <&> \"quoted\" ünïcödé";
    let sent = ok(
        sqs.send_message()
            .queue_url(&url)
            .message_body(body)
            .message_attributes(
                "color",
                MessageAttributeValue::builder().data_type("String").string_value("blue").build().expect("attribute"),
            )
            .send()
            .await,
        "SendMessage",
    );
    let message_id = sent.message_id().expect("MessageId").to_owned();
    assert_eq!(sent.md5_of_message_body(), Some(md5_hex(body.as_bytes()).as_str()));
    assert!(sent.md5_of_message_attributes().is_some());

    let received = ok(
        sqs.receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .message_attribute_names("All")
            .message_system_attribute_names(sqs::types::MessageSystemAttributeName::All)
            .send()
            .await,
        "ReceiveMessage",
    );
    let [message] = received.messages() else { panic!("one message: {received:?}") };
    assert_eq!(message.message_id(), Some(message_id.as_str()));
    assert_eq!(message.body(), Some(body));
    assert_eq!(message.md5_of_body(), sent.md5_of_message_body());
    let color = message.message_attributes().and_then(|m| m.get("color")).expect("color attribute");
    assert_eq!((color.data_type(), color.string_value()), ("String", Some("blue")));
    let count = message.attributes().and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount));
    assert_eq!(count.map(String::as_str), Some("1"));
    let receipt = message.receipt_handle().expect("ReceiptHandle");
    ok(sqs.delete_message().queue_url(&url).receipt_handle(receipt).send().await, "DeleteMessage");
    let again = ok(sqs.receive_message().queue_url(&url).wait_time_seconds(0).send().await, "ReceiveMessage (empty)");
    assert!(again.messages().is_empty(), "{again:?}");
    http.take();

    // -- 3. QueueDoesNotExist through the query-compatible header.
    steps.step("QueueDoesNotExist (x-amzn-query-error)");
    let err = sqs.get_queue_url().queue_name(format!("{name}-missing")).send().await.expect_err("missing queue");
    assert_eq!(err.code(), Some("AWS.SimpleQueueService.NonExistentQueue"), "{}", sqs::error::DisplayErrorContext(&err));
    assert!(err.message().is_some_and(|m| m.contains("does not exist")), "{:?}", err.message());
    let raw = err.raw_response().expect("raw response");
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(
        raw.headers().get("x-amzn-query-error").and_then(|v| v.to_str().ok()),
        Some("AWS.SimpleQueueService.NonExistentQueue;Sender")
    );
    let err = err.into_service_error();
    assert!(err.is_queue_does_not_exist(), "{err:?}");
    http.take();

    // -- 4. DeleteQueue; the URL is then unknown.
    steps.step("DeleteQueue");
    ok(sqs.delete_queue().queue_url(&url).send().await, "DeleteQueue");
    let err = sqs.send_message().queue_url(&url).message_body("x").send().await.expect_err("deleted queue");
    assert_eq!(err.code(), Some("AWS.SimpleQueueService.NonExistentQueue"), "{}", sqs::error::DisplayErrorContext(&err));
    assert!(err.into_service_error().is_queue_does_not_exist());
    steps.step("done");
}

/// MD5 as lowercase hex (RFC 1321), to check SQS's `MD5OfMessageBody`.
fn md5_hex(data: &[u8]) -> String {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6,
        10, 15, 21,
    ];
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32).collect();
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (0x6745_2301u32, 0xefcd_ab89u32, 0x98ba_dcfeu32, 0x1032_5476u32);
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk.chunks(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    [a0, b0, c0, d0].iter().flat_map(|v| v.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

#[test]
fn md5_of_known_strings() {
    assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(md5_hex(b"The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
}
