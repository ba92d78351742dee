//! Shared by both multi-service programs (`bench/multi-{ours,theirs}`) and copied next to each
//! `main.rs` by `cargo xtask bench`: six calls over three services (Cognito GetUser and
//! InitiateAuth, DynamoDB GetItem and PutItem, S3 PutObject and GetObject) and a loopback
//! HTTP/1.1 server for them. The calls are the same source on both sides: `main.rs` names the
//! crates `cognito`, `dynamodb` and `s3` and builds the clients.
//!
//! The point of the programs is their build: `selftest` runs the calls once against the loopback
//! server (which answers every request with a 404), so every call is a code path the compiler has
//! to keep, and prints how many requests reached the server.

use crate::s3::error::ProvideErrorMetadata as _;
use crate::{cognito, dynamodb, s3};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCESS_KEY: &str = "AKIDBENCHMARK";
pub const SECRET_KEY: &str = "bench-secret";
pub const REGION: &str = "us-east-1";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Starts the loopback server; returns its URL and the number of requests it has read.
pub async fn start_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, counter.clone()));
        }
    });
    (url, requests)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads requests (a `content-length` body, or a chunked one up to its last chunk and trailers)
/// and answers each with a 404 whose body is empty.
async fn serve(mut stream: TcpStream, requests: Arc<AtomicUsize>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let chunked = head.lines().any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
        let end = loop {
            let body = &buf[head_end..];
            let done = if chunked {
                // The last chunk, then optional trailers, then an empty line.
                find(body, b"0\r\n").and_then(|i| find(&body[i..], b"\r\n\r\n").map(|j| head_end + i + j + 4))
            } else {
                let n = length.unwrap_or(0);
                (body.len() >= n).then_some(head_end + n)
            };
            if let Some(end) = done {
                break end;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        buf.drain(..end);
        requests.fetch_add(1, Relaxed);
        let response = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nx-amzn-requestid: bench\r\nx-amz-request-id: bench\r\n\r\n";
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Makes the six calls; returns how many succeeded (none against the loopback server) and
/// prints each outcome.
pub async fn calls(cognito: &cognito::Client, dynamodb: &dynamodb::Client, s3: &s3::Client) -> usize {
    let mut ok = 0;
    let mut report = |name: &str, result: Result<String, String>| {
        match &result {
            Ok(v) => {
                ok += 1;
                println!("{name}: ok {v}");
            }
            Err(e) => println!("{name}: error {e}"),
        }
    };
    let r = cognito
        .initiate_auth()
        .auth_flow(cognito::types::AuthFlowType::UserPasswordAuth)
        .client_id("bench-client")
        .auth_parameters("USERNAME", "bench-user")
        .auth_parameters("PASSWORD", "bench-password")
        .send()
        .await;
    report(
        "cognito InitiateAuth",
        r.map(|o| format!("{:?}", o.authentication_result().map(|a| a.expires_in())))
            .map_err(|e| format!("{:?}", e.code())),
    );
    let r = cognito.get_user().access_token("bench-token").send().await;
    report(
        "cognito GetUser",
        r.map(|o| format!("{} {}", o.username(), o.user_attributes().len()))
            .map_err(|e| format!("{:?}", e.code())),
    );
    let r = dynamodb
        .put_item()
        .table_name("bench")
        .item("pk", dynamodb::types::AttributeValue::S("k1".into()))
        .item("n", dynamodb::types::AttributeValue::N("42".into()))
        .send()
        .await;
    report(
        "dynamodb PutItem",
        r.map(|o| format!("{:?}", o.attributes().map(|a| a.len())))
            .map_err(|e| format!("{:?}", e.code())),
    );
    let r = dynamodb
        .get_item()
        .table_name("bench")
        .key("pk", dynamodb::types::AttributeValue::S("k1".into()))
        .consistent_read(true)
        .send()
        .await;
    report(
        "dynamodb GetItem",
        r.map(|o| format!("{:?}", o.item().and_then(|i| i.get("n")).and_then(|v| v.as_n().ok())))
            .map_err(|e| format!("{:?}", e.code())),
    );
    let r = s3
        .put_object()
        .bucket("bench-bucket")
        .key("bench/object.txt")
        .content_type("text/plain")
        .body(s3::primitives::ByteStream::from_static(b"hello from the benchmark"))
        .send()
        .await;
    report(
        "s3 PutObject",
        r.map(|o| format!("{:?}", o.e_tag())).map_err(|e| format!("{:?}", e.code())),
    );
    let r = s3.get_object().bucket("bench-bucket").key("bench/object.txt").send().await;
    let r = match r {
        Ok(o) => o
            .body
            .collect()
            .await
            .map(|b| format!("{} bytes", b.into_bytes().len()))
            .map_err(|e| e.to_string()),
        Err(e) => Err(format!("{:?}", e.code())),
    };
    report("s3 GetObject", r);
    ok
}

/// Whether the program was asked to run the calls (`selftest`); without it the program does
/// nothing (it is there to be built).
pub fn selftest() -> bool {
    if std::env::args().nth(1).as_deref() == Some("selftest") {
        return true;
    }
    println!("usage: {} selftest", std::env::args().next().unwrap_or_default());
    false
}

/// The line `cargo xtask bench` reads after a self test.
pub fn finish(ok: usize, requests: &AtomicUsize) {
    println!("calls=6 ok={ok} requests={}", requests.load(Relaxed));
}
