//! A scriptable HTTP/1.1 server on loopback for injecting faults: for every connection and
//! request a script decides what happens (answer, answer slowly, stall mid-body, reset the
//! connection before or after reading the request, write raw bytes...). It counts accepted
//! connections and requests, and can record requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One step of a reply.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Wait.
    Sleep(Duration),
    /// Close the connection gracefully (FIN).
    Close,
    /// Reset the connection (RST: `SO_LINGER` 0, then close).
    Reset,
    /// Keep the connection open and send nothing more, until the server stops.
    Hang,
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Read the request before the steps (false: act as soon as the connection is accepted).
    pub read_request: bool,
    pub steps: Vec<Step>,
}

impl Plan {
    /// Reads the request (what a script answers when asked before reading; see [`Script`]).
    pub fn read() -> Plan {
        Plan { read_request: true, steps: Vec::new() }
    }
    /// A complete response with `Content-Length`, keeping the connection open.
    pub fn respond(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Plan {
        Plan { read_request: true, steps: vec![Step::Write(response_bytes(status, headers, body))] }
    }
    /// A JSON response (`x-amzn-requestid: rid-<status>`).
    pub fn json(status: u16, body: &str) -> Plan {
        Plan::respond(status, &[("content-type", "application/x-amz-json-1.1"), ("x-amzn-requestid", "rid-json")], body.as_bytes())
    }
    /// An awsJson error `{"__type": code, "message": ..}`.
    pub fn json_error(status: u16, code: &str) -> Plan {
        Plan::json(status, &format!("{{\"__type\":\"{code}\",\"message\":\"injected {code}\"}}"))
    }
    /// Resets the connection as soon as it is accepted, before reading anything.
    pub fn reset_before_read() -> Plan {
        Plan { read_request: false, steps: vec![Step::Reset] }
    }
    /// Reads the whole request, then resets the connection.
    pub fn reset_after_read() -> Plan {
        Plan { read_request: true, steps: vec![Step::Reset] }
    }
    /// Writes the head and the first `sent` bytes of `body` (declaring its full length), then
    /// ends with `end` (reset, close, or hang: a stalled body).
    pub fn partial(status: u16, headers: &[(&str, &str)], body: &[u8], sent: usize, end: Step) -> Plan {
        let full = response_bytes(status, headers, body);
        let head_len = full.len() - body.len();
        Plan { read_request: true, steps: vec![Step::Write(full[..head_len + sent.min(body.len())].to_vec()), end] }
    }
    /// Raw bytes, then `end`.
    pub fn raw(bytes: &[u8], end: Step) -> Plan {
        Plan { read_request: true, steps: vec![Step::Write(bytes.to_vec()), end] }
    }
    /// Waits before the steps.
    pub fn delayed(mut self, delay: Duration) -> Plan {
        self.steps.insert(0, Step::Sleep(delay));
        self
    }
}

/// A response's bytes with `Content-Length`.
pub fn response_bytes(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Decides the plan of request number `n` (0-based, across connections). Before reading each
/// request the script is asked with `None` (and the number of requests so far): a plan that
/// does not read the request (a reset on accept) is carried out then; otherwise the request is
/// read and the script asked again with it.
pub type Script = dyn Fn(usize, Option<&Request>) -> Plan + Send + Sync;

/// Counters of a server.
#[derive(Debug, Default)]
pub struct Counters {
    /// TCP connections accepted.
    pub accepted: AtomicUsize,
    /// Requests whose head arrived (or connections acted on without reading).
    pub requests: AtomicUsize,
}

/// A running server.
pub struct Server {
    pub url: String,
    pub addr: std::net::SocketAddr,
    counters: Arc<Counters>,
    recorded: Arc<Mutex<Vec<Request>>>,
    stop: Stop,
}

/// How a server is stopped: its accept task aborted, or its own thread told to end.
enum Stop {
    Task(tokio::task::JoinHandle<()>),
    Thread(Option<tokio::sync::oneshot::Sender<()>>),
}

impl Drop for Server {
    fn drop(&mut self) {
        match &mut self.stop {
            Stop::Task(task) => task.abort(),
            Stop::Thread(tx) => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
            }
        }
    }
}

impl Server {
    /// Starts a server on 127.0.0.1 (a free port) whose plans come from `script`; `record`
    /// keeps every request read (leave it off under load).
    pub async fn start(script: impl Fn(usize, Option<&Request>) -> Plan + Send + Sync + 'static, record: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        Server::on(listener, Arc::new(script), record)
    }

    /// [`start`](Self::start) on a thread and runtime of its own (one worker), so that under load
    /// the server does not share the client's workers and the client's latency is its own.
    pub fn start_on_own_thread(script: impl Fn(usize, Option<&Request>) -> Plan + Send + Sync + 'static, record: bool) -> Server {
        let (parts_tx, parts_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
                rt.block_on(async move {
                    let server = Server::start(script, record).await;
                    let _ = parts_tx.send((server.url.clone(), server.addr, server.counters.clone(), server.recorded.clone()));
                    let _ = stop_rx.await;
                    drop(server);
                });
            })
            .expect("spawn the server thread");
        let (url, addr, counters, recorded) = parts_rx.recv().expect("the server started");
        Server { url, addr, counters, recorded, stop: Stop::Thread(Some(stop_tx)) }
    }

    /// A server answering every request with the plans of `plans` in turn (the last repeats).
    pub async fn plans(plans: Vec<Plan>) -> Server {
        Server::start(move |n, _| plans[n.min(plans.len() - 1)].clone(), true).await
    }

    /// Serves `listener` with `script`.
    pub fn on(listener: TcpListener, script: Arc<Script>, record: bool) -> Server {
        let addr = listener.local_addr().expect("local address");
        let counters = Arc::new(Counters::default());
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let (c, r) = (counters.clone(), recorded.clone());
        let task = tokio::spawn(async move {
            // Dropping the set (when the server is dropped) ends every connection, hung ones too.
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                c.accepted.fetch_add(1, Ordering::SeqCst);
                let _ = socket.set_nodelay(true);
                let (c, r, script) = (c.clone(), r.clone(), script.clone());
                while connections.try_join_next().is_some() {}
                connections.spawn(serve(socket, c, r, script, record));
            }
        });
        Server { url: format!("http://{addr}"), addr, counters, recorded, stop: Stop::Task(task) }
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.counters.accepted.load(Ordering::SeqCst)
    }
    /// Requests received (or connections acted on before reading) so far.
    pub fn requests(&self) -> usize {
        self.counters.requests.load(Ordering::SeqCst)
    }
    /// The requests recorded so far.
    pub fn recorded(&self) -> Vec<Request> {
        self.recorded.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn serve(mut socket: TcpStream, counters: Arc<Counters>, recorded: Arc<Mutex<Vec<Request>>>, script: Arc<Script>, record: bool) {
    let mut buf = Vec::with_capacity(4096);
    loop {
        // Peek at the plan for a connection that is acted on before any request is read.
        let n = counters.requests.load(Ordering::SeqCst);
        let early = script(n, None);
        let (plan, _request) = if !early.read_request {
            counters.requests.fetch_add(1, Ordering::SeqCst);
            (early, None)
        } else {
            let Some(request) = read_request(&mut socket, &mut buf).await else { return };
            let n = counters.requests.fetch_add(1, Ordering::SeqCst);
            let plan = script(n, Some(&request));
            if record {
                if let Ok(mut r) = recorded.lock() {
                    r.push(request.clone());
                }
            }
            (plan, Some(request))
        };
        for step in plan.steps {
            match step {
                Step::Write(bytes) => {
                    if socket.write_all(&bytes).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                }
                Step::Sleep(d) => tokio::time::sleep(d).await,
                Step::Close => {
                    let _ = socket.shutdown().await;
                    return;
                }
                Step::Reset => {
                    // A zero linger makes the close send RST at once (it never blocks, which
                    // is what the deprecation warns about for non-zero values).
                    #[allow(deprecated)]
                    let _ = socket.set_linger(Some(Duration::ZERO));
                    drop(socket);
                    return;
                }
                Step::Hang => {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

/// Reads one request (head, then a `Content-Length` or chunked body); `None` when the
/// connection ends first.
async fn read_request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if !fill(socket, buf).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end);
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
        .collect();
    let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let body = if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = buf.windows(2).position(|w| w == b"\r\n") {
                    break i;
                }
                if !fill(socket, buf).await {
                    return None;
                }
            };
            let size = usize::from_str_radix(String::from_utf8_lossy(&buf[..line_end]).split(';').next()?.trim(), 16).ok()?;
            buf.drain(..line_end + 2);
            while buf.len() < size + 2 {
                if !fill(socket, buf).await {
                    return None;
                }
            }
            body.extend_from_slice(&buf[..size]);
            buf.drain(..size + 2);
            if size == 0 {
                break body;
            }
        }
    } else {
        let length: usize = get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while buf.len() < length {
            if !fill(socket, buf).await {
                return None;
            }
        }
        buf.drain(..length).collect()
    };
    Some(Request { method, path, headers, body })
}

async fn fill(socket: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match socket.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}
