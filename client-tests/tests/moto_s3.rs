//! End-to-end: the generated S3 client (restXml) against moto.
//!
//! Same convention as `moto_e2e.rs`: needs `MOTO_ENDPOINT`, skips without it, fails instead
//! under `MOTO_REQUIRED=1` (`.ci/moto.sh`).
//!
//! Addressing: moto on `127.0.0.1` cannot serve virtual-hosted buckets (`bucket.127.0.0.1`
//! does not resolve). The client is configured with `force_path_style(true)`, as it must be for
//! a host name such as `localhost`; S3's endpoint rules choose path style for an IP endpoint
//! anyway, which step 1 checks with a second client without it.

mod moto_support;

use moto_support::{endpoint, recorder, unique, Steps};
use s3::config::Credentials;
use s3::error::ProvideErrorMetadata;
use s3::primitives::byte_stream::Length;
use s3::primitives::ByteStream;
use s3::types::{
    BucketLocationConstraint, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration, Delete,
    ObjectIdentifier,
};

recorder!(s3);

/// moto's minimum size of every part but the last (`S3_UPLOAD_PART_MIN_SIZE`), as in S3.
const PART: usize = 5 * 1024 * 1024;
const REGION: &str = "eu-west-1";

fn s3_client(endpoint: &str, http: &Recorder) -> s3::Client {
    let config = s3::Config::builder()
        .region(REGION)
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::from_keys("testing", "testing", None))
        .http_client(http.clone())
        .operation_timeout(std::time::Duration::from_secs(60))
        .ignore_environment()
        .build();
    s3::Client::from_conf(config)
}

/// Deterministic, non-repeating-looking content of `len` bytes.
fn content(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed).collect()
}

#[tokio::test]
async fn moto_s3() {
    let Some(endpoint) = endpoint("moto_s3") else {
        return;
    };
    let steps = Steps::new();
    let http = Recorder::new();
    let s3 = s3_client(&endpoint, &http);
    let bucket = format!("smithy-lite-e2e-{}", unique());
    let dir = std::env::temp_dir().join(format!("smithy-lite-moto-s3-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();

    // -- 1. CreateBucket with a location constraint, path style.
    steps.step("CreateBucket (eu-west-1, path style)");
    let created = ok(
        s3.create_bucket()
            .bucket(&bucket)
            .create_bucket_configuration(
                CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::EuWest1).build(),
            )
            .send()
            .await,
        "CreateBucket",
    );
    assert_eq!(created.location(), Some(format!("/{bucket}").as_str()));
    let ex = http.one("PUT", &format!("/{bucket}"), 200);
    assert!(ex.body_text().contains("<LocationConstraint>eu-west-1</LocationConstraint>"), "{}", ex.body_text());
    let auth = ex.header("authorization").expect("signed");
    assert!(auth.contains(&format!("/{REGION}/s3/aws4_request")), "{auth}");
    ok(s3.head_bucket().bucket(&bucket).send().await, "HeadBucket");
    http.one("HEAD", &format!("/{bucket}"), 200);
    // Without force_path_style an IP endpoint still gets path style from the endpoint rules
    // (`bucket.127.0.0.1` would not resolve); a host name would get `bucket.host` instead.
    let rules_only = s3::Client::from_conf(
        s3::Config::builder()
            .region(REGION)
            .endpoint_url(&endpoint)
            .credentials_provider(Credentials::from_keys("testing", "testing", None))
            .http_client(http.clone())
            .ignore_environment()
            .build(),
    );
    ok(rules_only.head_bucket().bucket(&bucket).send().await, "HeadBucket (no force_path_style)");
    http.one("HEAD", &format!("/{bucket}"), 200);
    let err = service_error(s3.head_bucket().bucket(format!("{bucket}-missing")).send().await, "HeadBucket missing");
    assert!(err.is_not_found(), "a bodiless 404 is NotFound: {err:?}");
    http.take();

    // -- 2. PutObject from a file, streamed.
    steps.step("PutObject from a file (ByteStream::from_path)");
    let small = content(1000, 7);
    let small_path = dir.join("small.bin");
    std::fs::write(&small_path, &small).unwrap();
    let put = ok(
        s3.put_object()
            .bucket(&bucket)
            .key("dir/small.bin")
            .content_type("application/octet-stream")
            .metadata("origin", "smithy-lite")
            .body(ByteStream::from_path(&small_path).await.expect("file stream"))
            .send()
            .await,
        "PutObject",
    );
    assert!(put.e_tag().is_some_and(|t| t.starts_with('"')), "{put:?}");
    let ex = http.one("PUT", &format!("/{bucket}/dir/small.bin"), 200);
    assert_eq!(ex.header("content-length"), Some("1000"));

    // -- 3. GetObject whole and by range, HeadObject.
    steps.step("GetObject whole, by range; HeadObject");
    let got = ok(s3.get_object().bucket(&bucket).key("dir/small.bin").send().await, "GetObject");
    assert_eq!(got.content_length(), Some(1000));
    assert_eq!(got.content_type(), Some("application/octet-stream"));
    assert_eq!(got.metadata().and_then(|m| m.get("origin")).map(String::as_str), Some("smithy-lite"));
    assert_eq!(got.e_tag(), put.e_tag());
    let body = got.body.collect().await.expect("body").into_bytes();
    assert_eq!(&body[..], &small[..]);

    let ranged = ok(s3.get_object().bucket(&bucket).key("dir/small.bin").range("bytes=0-3").send().await, "ranged GetObject");
    assert_eq!(ranged.content_length(), Some(4));
    assert_eq!(ranged.content_range(), Some("bytes 0-3/1000"));
    assert_eq!(&ranged.body.collect().await.expect("body").into_bytes()[..], &small[..4]);

    let head = ok(s3.head_object().bucket(&bucket).key("dir/small.bin").send().await, "HeadObject");
    assert_eq!(head.content_length(), Some(1000));
    assert_eq!(head.e_tag(), put.e_tag());
    assert!(head.last_modified().is_some());
    http.take();

    // -- 4. ListObjectsV2 through the paginator, two keys a page.
    steps.step("ListObjectsV2 paginator (max_keys 2)");
    for i in 0..5 {
        ok(
            s3.put_object().bucket(&bucket).key(format!("list/{i}")).body(ByteStream::from(vec![b'0' + i])).send().await,
            "PutObject list/i",
        );
    }
    http.take();
    let pages = ok(
        s3.list_objects_v2().bucket(&bucket).prefix("list/").max_keys(2).into_paginator().send().try_collect().await,
        "ListObjectsV2 pages",
    );
    assert_eq!(pages.len(), 3, "5 keys, 2 a page: {pages:#?}");
    let keys: Vec<&str> = pages.iter().flat_map(|p| p.contents()).filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["list/0", "list/1", "list/2", "list/3", "list/4"]);
    assert_eq!(pages[0].key_count(), Some(2));
    assert_eq!(pages[0].is_truncated(), Some(true));
    assert_eq!(pages[2].is_truncated(), Some(false));
    let sent = http.take();
    assert_eq!(sent.len(), 3);
    assert!(sent[1].uri.contains("continuation-token="), "{:?}", sent[1].uri);
    assert!(sent.iter().all(|e| e.uri.contains("list-type=2") && e.uri.contains("max-keys=2")), "{sent:#?}");

    // -- 5. Multipart upload of a file bigger than one part.
    steps.step("multipart upload (5 MiB + 1 KiB file, two parts)");
    let big = content(PART + 1024, 42);
    let big_path = dir.join("big.bin");
    std::fs::write(&big_path, &big).unwrap();
    let mpu = ok(
        s3.create_multipart_upload().bucket(&bucket).key("big.bin").content_type("application/x-test").send().await,
        "CreateMultipartUpload",
    );
    let upload_id = mpu.upload_id().expect("UploadId").to_owned();
    assert_eq!(mpu.bucket(), Some(bucket.as_str()));
    assert_eq!(mpu.key(), Some("big.bin"));
    let mut parts = Vec::new();
    for (number, offset, len) in [(1, 0u64, PART as u64), (2, PART as u64, 1024)] {
        let body = ByteStream::read_from()
            .path(&big_path)
            .offset(offset)
            .length(Length::Exact(len))
            .build()
            .await
            .expect("part stream");
        let part = ok(
            s3.upload_part()
                .bucket(&bucket)
                .key("big.bin")
                .upload_id(&upload_id)
                .part_number(number)
                .body(body)
                .send()
                .await,
            "UploadPart",
        );
        parts.push(CompletedPart::builder().part_number(number).e_tag(part.e_tag().expect("part ETag")).build());
    }
    let listed = ok(s3.list_parts().bucket(&bucket).key("big.bin").upload_id(&upload_id).send().await, "ListParts");
    let sizes: Vec<Option<i64>> = listed.parts().iter().map(|p| p.size()).collect();
    assert_eq!(sizes, [Some(PART as i64), Some(1024)]);
    let done = ok(
        s3.complete_multipart_upload()
            .bucket(&bucket)
            .key("big.bin")
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await,
        "CompleteMultipartUpload",
    );
    assert!(done.e_tag().is_some_and(|t| t.ends_with("-2\"")), "a multipart ETag ends in -<parts>: {done:?}");
    assert_eq!(done.key(), Some("big.bin"));
    let whole = ok(s3.get_object().bucket(&bucket).key("big.bin").send().await, "GetObject big");
    assert_eq!(whole.content_length(), Some(big.len() as i64));
    assert_eq!(whole.content_type(), Some("application/x-test"));
    let mut stream = whole.body;
    let mut read = Vec::with_capacity(big.len());
    while let Some(chunk) = stream.try_next().await.expect("chunk") {
        read.extend_from_slice(&chunk);
    }
    assert!(read == big, "multipart object read back differs ({} bytes read)", read.len());

    // An upload whose first part is below moto's minimum is refused at completion.
    let small_mpu = ok(s3.create_multipart_upload().bucket(&bucket).key("tiny.bin").send().await, "CreateMultipartUpload tiny");
    let tiny_id = small_mpu.upload_id().unwrap().to_owned();
    let mut tiny_parts = Vec::new();
    for number in 1..=2 {
        let part = ok(
            s3.upload_part()
                .bucket(&bucket)
                .key("tiny.bin")
                .upload_id(&tiny_id)
                .part_number(number)
                .body(ByteStream::from_static(b"too small"))
                .send()
                .await,
            "UploadPart tiny",
        );
        tiny_parts.push(CompletedPart::builder().part_number(number).e_tag(part.e_tag().unwrap()).build());
    }
    let err = s3
        .complete_multipart_upload()
        .bucket(&bucket)
        .key("tiny.bin")
        .upload_id(&tiny_id)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(tiny_parts)).build())
        .send()
        .await
        .expect_err("parts below 5 MiB");
    assert_eq!(err.code(), Some("EntityTooSmall"), "{}", s3::error::DisplayErrorContext(&err));
    ok(s3.abort_multipart_upload().bucket(&bucket).key("tiny.bin").upload_id(&tiny_id).send().await, "AbortMultipartUpload");
    let err = s3.abort_multipart_upload().bucket(&bucket).key("tiny.bin").upload_id(&tiny_id).send().await;
    let err = service_error(err, "AbortMultipartUpload again");
    assert!(err.is_no_such_upload(), "{err:?}");
    http.take();

    // -- 6. CopyObject.
    steps.step("CopyObject");
    let copied = ok(
        s3.copy_object().bucket(&bucket).key("copy/small.bin").copy_source(format!("{bucket}/dir/small.bin")).send().await,
        "CopyObject",
    );
    assert_eq!(copied.copy_object_result().and_then(|r| r.e_tag()), put.e_tag());
    let ex = http.one("PUT", &format!("/{bucket}/copy/small.bin"), 200);
    assert_eq!(ex.header("x-amz-copy-source"), Some(format!("{bucket}/dir/small.bin").as_str()));
    let copy = ok(s3.get_object().bucket(&bucket).key("copy/small.bin").send().await, "GetObject copy");
    assert_eq!(&copy.body.collect().await.unwrap().into_bytes()[..], &small[..]);

    // -- 7. Errors: NoSuchKey, NotFound (HEAD, no body), NoSuchBucket.
    steps.step("errors: NoSuchKey, NotFound, NoSuchBucket");
    let err = s3.get_object().bucket(&bucket).key("missing").send().await.expect_err("missing key");
    assert_eq!(err.code(), Some("NoSuchKey"), "{}", s3::error::DisplayErrorContext(&err));
    assert!(err.message().is_some_and(|m| m.contains("does not exist")), "{:?}", err.message());
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(404));
    assert!(err.into_service_error().is_no_such_key());
    let err = service_error(s3.head_object().bucket(&bucket).key("missing").send().await, "HeadObject missing");
    assert!(err.is_not_found(), "{err:?}");
    let missing_bucket = format!("{bucket}-missing");
    let err = s3.list_objects_v2().bucket(&missing_bucket).send().await.expect_err("missing bucket");
    assert_eq!(err.code(), Some("NoSuchBucket"), "{}", s3::error::DisplayErrorContext(&err));
    assert!(err.into_service_error().is_no_such_bucket());
    let err = s3.get_object().bucket(&missing_bucket).key("k").send().await.expect_err("missing bucket");
    assert_eq!(err.code(), Some("NoSuchBucket"));
    http.take();

    // -- 7b. A presigned GET, fetched by a plain HTTP request (no SDK, no credentials).
    steps.step("presigned GET fetched with a plain HTTP request");
    let config = s3::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(300)).expect("presigning config");
    let presigned = s3.get_object().bucket(&bucket).key("dir/small.bin").presigned(config).await.expect("presigned GetObject");
    assert_eq!(presigned.method(), "GET");
    assert!(presigned.uri().contains("X-Amz-Signature="), "{}", presigned.uri());
    assert!(presigned.uri().contains("X-Amz-Expires=300"), "{}", presigned.uri());
    let (status, body) = plain_get(presigned.uri(), presigned.headers().collect());
    assert_eq!(status, 200, "presigned GET: {}", String::from_utf8_lossy(&body));
    assert_eq!(&body[..], &small[..], "presigned GET returns the object");

    // -- 8. DeleteObjects, then the bucket.
    steps.step("DeleteObjects, DeleteBucket");
    let mut keys: Vec<String> = (0..5).map(|i| format!("list/{i}")).collect();
    keys.extend(["dir/small.bin", "big.bin", "copy/small.bin"].map(String::from));
    let delete = Delete::builder()
        .set_objects(Some(
            keys.iter().map(|k| ObjectIdentifier::builder().key(k).build().expect("key")).collect(),
        ))
        .build()
        .expect("objects");
    let deleted = ok(s3.delete_objects().bucket(&bucket).delete(delete).send().await, "DeleteObjects");
    let mut gone: Vec<&str> = deleted.deleted().iter().filter_map(|d| d.key()).collect();
    gone.sort();
    let mut expected: Vec<&str> = keys.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(gone, expected, "errors: {:?}", deleted.errors());
    let ex = http.one("POST", &format!("/{bucket}"), 200);
    assert!(ex.uri.ends_with("?delete") || ex.uri.contains("delete"), "{}", ex.uri);
    let left = ok(s3.list_objects_v2().bucket(&bucket).send().await, "ListObjectsV2 after delete");
    assert_eq!(left.key_count(), Some(0));
    assert!(left.contents().is_empty());
    ok(s3.delete_bucket().bucket(&bucket).send().await, "DeleteBucket");
    let buckets = ok(s3.list_buckets().send().await, "ListBuckets");
    assert!(buckets.buckets().iter().all(|b| b.name() != Some(bucket.as_str())));

    let _ = std::fs::remove_dir_all(&dir);
    steps.step("done");
}

/// A GET with nothing but `std`: what a browser or `curl` does with a presigned URL.
fn plain_get(url: &str, headers: Vec<(&str, &str)>) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("moto serves plain HTTP");
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".to_string()));
    let mut stream = std::net::TcpStream::connect(host).expect("connect to moto");
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("host") {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("response head");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut body = response[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = moto_support::dechunk(&String::from_utf8_lossy(&body)).into_bytes();
    }
    (status, body)
}
