//! Test support for the generated client crates: a scripted HTTP/1.1 server on loopback that
//! records every request and answers with canned responses. No network, no extra installs.

use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

/// A canned response.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Close the connection without answering (simulates a dropped connection).
    pub hang_up: bool,
    /// Send only this many body bytes, then wait for the notification before the rest (to
    /// check a client reads a response body as it arrives).
    pub gate: Option<(usize, Arc<tokio::sync::Notify>)>,
}

impl Canned {
    pub fn new(status: u16, body: &str) -> Self {
        Canned { status, headers: Vec::new(), body: body.as_bytes().to_vec(), hang_up: false, gate: None }
    }
    pub fn bytes(status: u16, body: Vec<u8>) -> Self {
        Canned { status, headers: Vec::new(), body, hang_up: false, gate: None }
    }
    /// Holds the body back after `first` bytes until `gate` is notified.
    pub fn gated(mut self, first: usize, gate: Arc<tokio::sync::Notify>) -> Self {
        self.gate = Some((first, gate));
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
    pub fn hang_up() -> Self {
        Canned { status: 0, headers: Vec::new(), body: Vec::new(), hang_up: true, gate: None }
    }
}

/// A server answering each request with the next scripted response (the last one repeats).
pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 with a random port.
    pub async fn start(script: Vec<Canned>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let script = Arc::new(script);
        tokio::spawn(async move {
            let mut served = 0usize;
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                // One connection may carry several requests (keep-alive).
                loop {
                    let Some(req) = read_request(&mut socket).await else { break };
                    log.lock().unwrap().push(req);
                    let canned = script.get(served).or(script.last()).cloned().unwrap_or_else(|| Canned::new(200, "{}"));
                    served += 1;
                    if canned.hang_up {
                        break;
                    }
                    let mut head = format!("HTTP/1.1 {} Canned\r\ncontent-length: {}\r\n", canned.status, canned.body.len());
                    for (k, v) in &canned.headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let first = canned.gate.as_ref().map_or(canned.body.len(), |(n, _)| (*n).min(canned.body.len()));
                    if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(&canned.body[..first]).await.is_err() {
                        break;
                    }
                    if let Some((_, gate)) = &canned.gate {
                        let _ = socket.flush().await;
                        gate.notified().await;
                    }
                    if socket.write_all(&canned.body[first..]).await.is_err() {
                        break;
                    }
                }
            }
        });
        Server { url, requests }
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Recorded { method, path, headers, body })
}

// SigV4, checked independently of the client's signer.

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().to_vec()
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Checks the request's SigV4 signature from what arrived on the wire, independently of the
/// client's signer: a mismatch between signed and sent headers (host, port, anything a
/// transport rewrites) fails here. Returns the signed header names.
pub fn verify_sigv4(req: &Recorded, access_key: &str, secret: &str, region: &str, service: &str) -> Vec<String> {
    let auth = req.header("authorization").expect("authorization header");
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 Credential=").unwrap_or_else(|| panic!("{auth}"));
    let (credential, rest) = rest.split_once(", SignedHeaders=").unwrap_or_else(|| panic!("{auth}"));
    let (signed_headers, signature) = rest.split_once(", Signature=").unwrap_or_else(|| panic!("{auth}"));
    let parts: Vec<&str> = credential.split('/').collect();
    assert_eq!(parts.len(), 5, "{credential}");
    assert_eq!(parts[0], access_key);
    let date = parts[1];
    assert_eq!(&parts[2..], &[region, service, "aws4_request"]);
    assert!(signature.len() == 64 && signature.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{signature}");

    let amz_date = req.header("x-amz-date").expect("x-amz-date");
    assert!(amz_date.len() == 16 && &amz_date[8..9] == "T" && amz_date.ends_with('Z'), "{amz_date}");
    assert_eq!(&amz_date[..8], date, "credential scope date is the x-amz-date day");
    let num = |r: std::ops::Range<usize>| amz_date[r].parse::<i64>().expect("digits");
    let signed_at = days_from_civil(num(0..4), num(4..6), num(6..8)) * 86400 + num(9..11) * 3600 + num(11..13) * 60 + num(13..15);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - signed_at).abs() < 300, "x-amz-date {amz_date} is not now");

    let names: Vec<String> = signed_headers.split(';').map(str::to_string).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "signed headers are sorted");
    let mut canonical = format!("{}\n{}\n\n", req.method, req.path);
    for name in &names {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert!(!values.is_empty(), "signed header {name} was not sent");
        canonical.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    canonical.push_str(&format!("\n{signed_headers}\n{}", hex(&Sha256::digest(&req.body))));
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    assert_eq!(hex(&hmac(&key, string_to_sign.as_bytes())), signature, "signature mismatch; canonical request:\n{canonical}");
    names
}

