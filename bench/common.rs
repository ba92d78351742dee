//! Shared by both benchmark programs and copied verbatim next to each `main.rs` by
//! `cargo xtask bench`: a counting global allocator, an in-process loopback HTTP/1.1 server with
//! a fixed answer, the command line and the measurement loop. Only the client differs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Counts allocator calls (alloc, alloc_zeroed, realloc) and bytes, split into those made while
/// the loopback server's tasks are polled and all the others (the client's).
pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static SERVER_ALLOCS: AtomicU64 = AtomicU64::new(0);
static IN_SERVER: AtomicBool = AtomicBool::new(false);

#[inline]
fn count(size: usize) {
    if IN_SERVER.load(Relaxed) {
        SERVER_ALLOCS.fetch_add(1, Relaxed);
    } else {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size as u64, Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

/// Marks allocations made while polling the wrapped future as the server's.
struct ServerTask<F>(Pin<Box<F>>);

impl<F: Future> Future for ServerTask<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        IN_SERVER.store(true, Relaxed);
        let out = self.0.as_mut().poll(cx);
        IN_SERVER.store(false, Relaxed);
        out
    }
}

/// What the loopback server answers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// 200 with a GetUserAttributeVerificationCode output.
    Success,
    /// 400 `UserNotFoundException`.
    Error,
}

pub const SUCCESS_BODY: &str = r#"{"CodeDeliveryDetails":{"Destination":"a***@e***.com","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#;
pub const ERROR_BODY: &str = r#"{"__type":"UserNotFoundException","message":"x"}"#;

/// Command line: `MODE ITERATIONS` with MODE `success` or `error`.
pub struct Args {
    pub mode: Mode,
    pub iterations: u64,
}

impl Args {
    pub fn parse() -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mode = match args.first().map(String::as_str) {
            Some("success") => Mode::Success,
            Some("error") => Mode::Error,
            _ => usage(),
        };
        let iterations = match args.get(1) {
            Some(n) => n.parse().unwrap_or_else(|_| usage()),
            None => 10_000,
        };
        Args { mode, iterations }
    }
}

fn usage() -> ! {
    eprintln!("usage: bench success|error [ITERATIONS]");
    std::process::exit(2)
}

/// The runtime both programs use: tokio current_thread, IO and time enabled.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Starts the loopback server on the current runtime; returns its `http://127.0.0.1:PORT` URL.
pub async fn start_server(mode: Mode) -> String {
    let (status, body) = match mode {
        Mode::Success => ("200 OK", SUCCESS_BODY),
        Mode::Error => ("400 Bad Request", ERROR_BODY),
    };
    let response: Arc<[u8]> = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: 2b5e4e5a-0000-4000-8000-000000000000\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    tokio::spawn(ServerTask(Box::pin(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            tokio::spawn(ServerTask(Box::pin(serve(socket, response.clone()))));
        }
    })));
    url
}

/// Serves keep-alive requests on one connection: reads the head and `content-length` bytes of
/// body, answers the fixed response. No allocation per request.
async fn serve(mut socket: TcpStream, response: Arc<[u8]>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        let end = loop {
            if let Some(end) = find(&buf[..filled], b"\r\n\r\n") {
                break end + 4;
            }
            if filled == buf.len() {
                return;
            }
            match socket.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let total = end + content_length(&buf[..end]);
        if total > buf.len() {
            return;
        }
        while filled < total {
            match socket.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        }
        buf.copy_within(total..filled, 0);
        filled -= total;
        if socket.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    for line in head.split(|&b| b == b'\n') {
        let name = b"content-length:";
        if line.len() > name.len() && line[..name.len()].eq_ignore_ascii_case(name) {
            let value = std::str::from_utf8(&line[name.len()..])
                .unwrap_or("")
                .trim();
            return value.parse().unwrap_or(0);
        }
    }
    0
}

/// The measurement: `warmup` unmeasured calls, then `iterations` measured ones.
pub struct Bench {
    mode: Mode,
    iterations: u64,
    started: Option<(Instant, u64, u64, u64)>,
}

impl Bench {
    pub fn new(args: &Args) -> Bench {
        Bench {
            mode: args.mode,
            iterations: args.iterations,
            started: None,
        }
    }
    /// Warm-up calls (connection set-up, endpoint caches, lazy statics) before measuring.
    pub fn warmup(&self) -> u64 {
        (self.iterations / 10).max(100)
    }
    /// Starts the clock and the counters.
    pub fn start(&mut self) {
        self.started = Some((
            Instant::now(),
            ALLOCS.load(Relaxed),
            BYTES.load(Relaxed),
            SERVER_ALLOCS.load(Relaxed),
        ));
    }
    /// Checks that a call came out as the mode expects.
    pub fn check(&self, ok: bool, what: &dyn std::fmt::Debug) {
        if !ok {
            eprintln!("unexpected result in {:?} mode: {what:?}", self.mode);
            std::process::exit(1);
        }
    }
    /// Prints `calls_per_sec=.. allocs_per_call=..` for the measured calls.
    pub fn finish(self) {
        let (start, allocs, bytes, server) = self.started.expect("start() was called");
        let secs = start.elapsed().as_secs_f64();
        let n = self.iterations as f64;
        println!(
            "mode={} iterations={} seconds={:.4} calls_per_sec={:.1} allocs_per_call={:.2} bytes_per_call={:.0} server_allocs_per_call={:.3}",
            match self.mode {
                Mode::Success => "success",
                Mode::Error => "error",
            },
            self.iterations,
            secs,
            n / secs,
            (ALLOCS.load(Relaxed) - allocs) as f64 / n,
            (BYTES.load(Relaxed) - bytes) as f64 / n,
            (SERVER_ALLOCS.load(Relaxed) - server) as f64 / n,
        );
    }
}
