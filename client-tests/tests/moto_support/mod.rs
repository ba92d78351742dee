//! Shared by the moto end-to-end suites (`moto_e2e.rs`, `moto_apigateway.rs`, `moto_lambda.rs`,
//! `moto_s3.rs`, `moto_sts.rs`, `moto_sns.rs`, `moto_sqs.rs`, `moto_dynamodb.rs`):
//! the skip/require convention, raw HTTP to moto for set-up the generated crates cannot do, a
//! recording transport for any generated crate ([`recorder!`]) and small text helpers.
#![allow(dead_code, unused_macros)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime};

/// `MOTO_ENDPOINT`, or `None` after printing a "skipped" line. With `MOTO_REQUIRED` set (as
/// `.ci/moto.sh` does) a missing endpoint is a failure instead.
pub fn endpoint(test: &str) -> Option<String> {
    if let Some(endpoint) = std::env::var("MOTO_ENDPOINT").ok().filter(|v| !v.is_empty()) {
        return Some(endpoint);
    }
    if std::env::var("MOTO_REQUIRED").is_ok_and(|v| !v.is_empty() && v != "0") {
        panic!("MOTO_REQUIRED is set but MOTO_ENDPOINT is not: run .ci/moto.sh, or start moto_server and set MOTO_ENDPOINT=http://127.0.0.1:PORT");
    }
    // Straight to stderr, not eprintln!: the test harness would capture that and hide it.
    let _ = writeln!(std::io::stderr(), "{test} skipped: set MOTO_ENDPOINT (see README, \"End-to-end against moto\")");
    None
}

/// A suffix that differs between runs against the same long-lived moto.
pub fn unique() -> String {
    format!("{}-{}", std::process::id(), SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis())
}

/// Prints `[  1.23s] name` to stderr (visible with `--nocapture`).
pub struct Steps(Instant);

impl Steps {
    pub fn new() -> Self {
        Steps(Instant::now())
    }
    pub fn step(&self, name: &str) {
        eprintln!("[{:>6.2}s] {name}", self.0.elapsed().as_secs_f64());
    }
    pub fn elapsed(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// Raw HTTP to moto for what the generated crates cannot do (set-up, moto's own API).
pub struct Moto {
    pub endpoint: String,
    host_port: String,
}

impl Moto {
    pub fn new(endpoint: &str) -> Self {
        let host_port = endpoint
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("MOTO_ENDPOINT must look like http://127.0.0.1:5000, got {endpoint:?}"))
            .trim_end_matches('/')
            .to_owned();
        Moto { endpoint: endpoint.to_owned(), host_port }
    }

    /// One HTTP/1.1 POST on a fresh connection; returns the status and the body.
    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host_port)
            .unwrap_or_else(|e| panic!("cannot connect to moto at {}: {e}", self.endpoint));
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.host_port,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8(raw).expect("moto answered with UTF-8");
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or_else(|| panic!("not an HTTP response: {raw:?}"));
        let status =
            head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad status line: {head:?}"));
        let chunked = head.lines().any(|l| {
            let l = l.to_ascii_lowercase();
            l.starts_with("transfer-encoding:") && l.contains("chunked")
        });
        (status, if chunked { dechunk(body) } else { body.to_owned() })
    }

    /// An IAM Query call (`Action=...&Version=2010-05-08`); returns the XML.
    pub fn iam(&self, params: &[(&str, &str)]) -> String {
        let mut form = String::from("Version=2010-05-08");
        for (k, v) in params {
            form.push_str(&format!("&{k}={}", percent_encode(v)));
        }
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00"),
        ];
        let (status, body) = self.post("/", &headers, &form);
        assert_eq!(status, 200, "IAM set-up call {params:?} failed: {body}");
        body
    }

    /// `/moto-api/reset-auth`: moto authenticates every request after the first `count`
    /// (`"inf"`: never, moto's default).
    pub fn set_auth_after(&self, count: &str) {
        let (status, body) = self.post("/moto-api/reset-auth", &[("Content-Type", "text/plain")], count);
        assert_eq!(status, 200, "reset-auth {count}: {body}");
    }
}

/// Turns moto's IAM authentication back off when dropped, even when a check failed.
pub struct AuthOn<'a>(pub &'a Moto);

impl Drop for AuthOn<'_> {
    fn drop(&mut self) {
        self.0.set_auth_after("inf");
    }
}

pub fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").expect("chunk size line");
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).expect("chunk size");
        if size == 0 {
            return out;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
}

/// RFC 3986: everything but the unreserved characters as `%XX`.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The string value of the first `"key": "..."` in a JSON text (the ids moto returns need no
/// unescaping).
pub fn json_string(json: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{key}\"");
    let rest = &json[json.find(&pattern)? + pattern.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// The text of the first `<tag>...</tag>`.
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].to_owned())
}

/// A zip archive with one stored (uncompressed) file, as `zip -0` writes it.
pub fn zip_one_file(name: &str, contents: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let crc = crc32(contents);
    let (name_len, size) = (name.len() as u16, contents.len() as u32);
    let mut zip = Vec::new();
    // Local file header: version 10, no flags, stored, DOS time/date 1980-01-01 00:00.
    zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [10u16, 0, 0, 0, 0x21] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&name_len.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name.as_bytes());
    zip.extend_from_slice(contents);
    // Central directory entry.
    let central = zip.len() as u32;
    zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [0x031Eu16, 10, 0, 0, 0, 0x21] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [name_len, 0, 0, 0, 0] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // external attributes: -rw-r--r--
    zip.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    zip.extend_from_slice(name.as_bytes());
    let central_len = zip.len() as u32 - central;
    // End of central directory.
    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    for v in [central_len, central] {
        zip.extend_from_slice(&v.to_le_bytes());
    }
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

/// Defines `Exchange` and `Recorder` for one generated crate: a transport wrapping the crate's
/// `DefaultHttpClient` that records method, path and query as sent (percent-encoding included),
/// headers, body and the status each request got.
macro_rules! recorder {
    ($krate:ident) => {
        /// One request the client sent and the status it got back.
        #[derive(Clone, Debug)]
        #[allow(dead_code)]
        struct Exchange {
            method: String,
            /// Path and query exactly as on the wire.
            uri: String,
            headers: Vec<(String, String)>,
            /// The body as text (JSON, XML or a form; `<stream>` for a streaming body).
            body: String,
            /// `None` when the transport failed.
            status: Option<u16>,
        }

        #[allow(dead_code)]
        impl Exchange {
            fn header(&self, name: &str) -> Option<&str> {
                self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
            }
            fn body_text(&self) -> String {
                self.body.clone()
            }
        }

        #[derive(Clone, Debug)]
        struct Recorder {
            inner: $krate::config::DefaultHttpClient,
            log: std::sync::Arc<std::sync::Mutex<Vec<Exchange>>>,
        }

        impl Recorder {
            fn new() -> Self {
                let inner = $krate::config::DefaultHttpClient::new(Some(std::time::Duration::from_secs(5)))
                    .expect("default HTTP client");
                Recorder { inner, log: Default::default() }
            }

            /// Everything recorded since the last call.
            fn take(&self) -> Vec<Exchange> {
                std::mem::take(&mut *self.log.lock().unwrap())
            }

            /// The single exchange since the last call: `method` with a path (before any `?`)
            /// equal to `path`, answered with `status`.
            fn one(&self, method: &str, path: &str, status: u16) -> Exchange {
                let all = self.take();
                assert_eq!(
                    all.len(),
                    1,
                    "{method} {path}: expected exactly one HTTP request (no retries), got {all:#?}"
                );
                let ex = all.into_iter().next().unwrap();
                let sent_path = ex.uri.split('?').next().unwrap_or_default();
                assert_eq!((ex.method.as_str(), sent_path), (method, path), "{ex:#?}");
                assert_eq!(ex.status, Some(status), "{method} {path}: {ex:#?}");
                ex
            }
        }

        impl $krate::config::HttpClient for Recorder {
            fn call(
                &self,
                request: $krate::config::HttpRequest,
            ) -> $krate::config::BoxFuture<'_, Result<$krate::config::HttpResponse, $krate::error::ConnectorError>>
            {
                let mut exchange = Exchange {
                    method: request.method().to_string(),
                    uri: request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                        .collect(),
                    body: String::from_utf8_lossy(request.body()).into_owned(),
                    status: None,
                };
                Box::pin(async move {
                    let result = self.inner.call(request).await;
                    exchange.status = result.as_ref().ok().map(|r| r.status().as_u16());
                    self.log.lock().unwrap().push(exchange);
                    result
                })
            }

            /// Streams through the inner client (a file body is read in chunks, not buffered
            /// here); the body is recorded as `<stream>`.
            fn call_streaming(
                &self,
                request: http::Request<$krate::primitives::ByteStream>,
            ) -> $krate::config::BoxFuture<
                '_,
                Result<http::Response<$krate::primitives::ByteStream>, $krate::error::ConnectorError>,
            > {
                let mut exchange = Exchange {
                    method: request.method().to_string(),
                    uri: request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                        .collect(),
                    body: "<stream>".to_owned(),
                    status: None,
                };
                Box::pin(async move {
                    let result = self.inner.call_streaming(request).await;
                    exchange.status = result.as_ref().ok().map(|r| r.status().as_u16());
                    self.log.lock().unwrap().push(exchange);
                    result
                })
            }
        }

        #[allow(dead_code)]
        fn service_error<E: std::error::Error + 'static>(
            result: Result<impl std::fmt::Debug, $krate::error::SdkError<E>>,
            what: &str,
        ) -> E {
            match result {
                Err($krate::error::SdkError::ServiceError(e)) => e.into_err(),
                Err(other) => {
                    panic!("{what}: expected a service error, got {}", $krate::error::DisplayErrorContext(&other))
                }
                Ok(out) => panic!("{what}: expected a service error, got {out:?}"),
            }
        }

        fn ok<T, E: std::error::Error + 'static>(result: Result<T, $krate::error::SdkError<E>>, what: &str) -> T {
            result.unwrap_or_else(|e| panic!("{what} failed: {}", $krate::error::DisplayErrorContext(&e)))
        }

        /// The configuration of the suites: moto's endpoint, `us-east-1`, the recorder.
        #[allow(dead_code)]
        fn config(endpoint: &str, credentials: $krate::config::Credentials, http: &Recorder) -> $krate::Config {
            $krate::Config::builder()
                .region("us-east-1")
                .endpoint_url(endpoint)
                .credentials_provider(credentials)
                .http_client(http.clone())
                .operation_timeout(std::time::Duration::from_secs(30))
                .ignore_environment()
                .build()
        }

        #[allow(dead_code)]
        fn client(endpoint: &str, credentials: $krate::config::Credentials, http: &Recorder) -> $krate::Client {
            $krate::Client::from_conf(config(endpoint, credentials, http))
        }
    };
}
#[allow(unused_imports)]
pub(crate) use recorder;
