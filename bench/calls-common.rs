//! Shared by both per-call benchmark programs of `cargo xtask bench-calls` and copied verbatim
//! next to each `main.rs` (as `common.rs`): a counting global allocator, two loopback HTTP/1.1
//! servers (a restJson1 Lambda answer served on the client's own runtime, as the Cognito
//! benchmark does; an S3 object served from its own thread out of a fixed 1 MiB buffer), the
//! command line and the measurement. Only the client calls differ between the programs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Counts allocator calls (alloc, alloc_zeroed, realloc) and bytes, split into those made by the
/// loopback servers (their tasks and threads) and all the others (the client's).
pub struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static SERVER_ALLOCS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // Const-initialised: reading it never allocates, so the allocator may use it.
    static IN_SERVER: Cell<bool> = const { Cell::new(false) };
}

#[inline]
fn count(size: usize) {
    if IN_SERVER.try_with(Cell::get).unwrap_or(false) {
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
        IN_SERVER.with(|s| s.set(true));
        let out = self.0.as_mut().poll(cx);
        IN_SERVER.with(|s| s.set(false));
        out
    }
}

pub const FUNCTION_NAME: &str = "bench-function";

/// A GetFunctionConfiguration answer of the size Lambda sends for a small function.
pub const LAMBDA_BODY: &str = r#"{"FunctionName":"bench-function","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:bench-function","Runtime":"python3.12","Role":"arn:aws:iam::123456789012:role/service-role/bench-function-role","Handler":"lambda_function.lambda_handler","CodeSize":299,"Description":"","Timeout":3,"MemorySize":128,"LastModified":"2026-11-20T10:15:30.000+0000","CodeSha256":"7/4OajLs/CIl9Md9jfqN9qzEx8KeiN5PAqOKyRoBJNo=","Version":"$LATEST","TracingConfig":{"Mode":"PassThrough"},"RevisionId":"0c5b2f1e-6b1b-4a43-9c53-2f0d5a4e8e11","State":"Active","LastUpdateStatus":"Successful","PackageType":"Zip","Architectures":["x86_64"],"EphemeralStorage":{"Size":512},"SnapStart":{"ApplyOn":"None","OptimizationStatus":"Off"},"RuntimeVersionConfig":{"RuntimeVersionArn":"arn:aws:lambda:us-east-1::runtime:0b5b2d3c6f1d"},"LoggingConfig":{"LogFormat":"Text","LogGroup":"/aws/lambda/bench-function"}}"#;
pub const LAMBDA_ERROR_BODY: &str = r#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:bench-function"}"#;

/// The benchmark to run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Sequential GetFunctionConfiguration calls answered 200.
    RestSuccess,
    /// Sequential GetFunctionConfiguration calls answered 404 `ResourceNotFoundException`.
    RestError,
    /// GetObject of an object of `size` bytes, read as a stream.
    Get { size: u64, chunked: bool },
}

/// Command line: `rest-success|rest-error ITERATIONS` or `get SIZE_MIB length|chunked REPEATS`.
pub struct Args {
    pub mode: Mode,
    /// Measured calls (rest) or measured GetObject calls (get).
    pub iterations: u64,
}

impl Args {
    pub fn parse() -> Args {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let number = |i: usize, default: u64| match args.get(i) {
            Some(n) => n.parse::<u64>().unwrap_or_else(|_| usage()),
            None => default,
        };
        match args.first().map(String::as_str) {
            Some("rest-success") => Args {
                mode: Mode::RestSuccess,
                iterations: number(1, 10_000),
            },
            Some("rest-error") => Args {
                mode: Mode::RestError,
                iterations: number(1, 10_000),
            },
            Some("get") => {
                let size = number(1, 64) << 20;
                let chunked = match args.get(2).map(String::as_str) {
                    Some("length") | None => false,
                    Some("chunked") => true,
                    Some(_) => usage(),
                };
                Args {
                    mode: Mode::Get { size, chunked },
                    iterations: number(3, 4).max(1),
                }
            }
            _ => usage(),
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: bench rest-success|rest-error [ITERATIONS] | get [SIZE_MIB] [length|chunked] [REPEATS]");
    std::process::exit(2)
}

/// The runtime both programs use: tokio current_thread, IO and time enabled.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

// ---- the restJson1 server: on the client's runtime, like the Cognito benchmark's ----

/// Starts the Lambda server on the current runtime; returns its `http://127.0.0.1:PORT` URL.
pub async fn start_rest_server(success: bool) -> String {
    let (status, body, extra) = if success {
        ("200 OK", LAMBDA_BODY, "")
    } else {
        (
            "404 Not Found",
            LAMBDA_ERROR_BODY,
            "x-amzn-errortype: ResourceNotFoundException\r\n",
        )
    };
    let response: std::sync::Arc<[u8]> = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-amzn-requestid: 2b5e4e5a-0000-4000-8000-000000000000\r\n{extra}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    tokio::spawn(ServerTask(Box::pin(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            tokio::spawn(ServerTask(Box::pin(serve_rest(socket, response.clone()))));
        }
    })));
    url
}

/// Serves keep-alive requests on one connection: reads the head and `content-length` bytes of
/// body, answers the fixed response. No allocation per request.
async fn serve_rest(mut socket: tokio::net::TcpStream, response: std::sync::Arc<[u8]>) {
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

// ---- the S3 server: its own thread, blocking writes of one preallocated buffer ----

/// The size of the buffer the object is written from (and of each chunk when chunked).
pub const SERVE_BUFFER: usize = 1 << 20;

/// Starts the S3 server on its own thread (so that it runs beside the client on the second core
/// and never waits for the client's runtime); returns its URL. Every request is answered with
/// an object of `size` bytes, `Content-Length`-framed or chunked in 1 MiB chunks, written from
/// one 1 MiB buffer allocated once, so the server's memory does not depend on `size`. No
/// checksum or ETag headers: neither client has anything to validate.
pub fn start_object_server(size: u64, chunked: bool) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    std::thread::spawn(move || {
        IN_SERVER.with(|s| s.set(true));
        // The object's bytes: a repeating pattern, so that a reader cannot mistake zeros for data.
        let mut chunk = Vec::with_capacity(SERVE_BUFFER + 16);
        if chunked {
            chunk.extend_from_slice(format!("{SERVE_BUFFER:x}\r\n").as_bytes());
        }
        let data_start = chunk.len();
        chunk.extend((0..SERVE_BUFFER).map(|i| (i % 251) as u8));
        if chunked {
            chunk.extend_from_slice(b"\r\n");
        }
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { continue };
            let _ = socket.set_nodelay(true);
            let chunk = &chunk;
            // One connection at a time: the client makes its calls in sequence on one connection.
            let _ = serve_object(&mut socket, size, chunked, chunk, data_start);
        }
    });
    url
}

fn serve_object(
    socket: &mut std::net::TcpStream,
    size: u64,
    chunked: bool,
    chunk: &[u8],
    data_start: usize,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        let end = loop {
            if let Some(end) = find(&buf[..filled], b"\r\n\r\n") {
                break end + 4;
            }
            if filled == buf.len() {
                return Ok(());
            }
            match socket.read(&mut buf[filled..])? {
                0 => return Ok(()),
                n => filled += n,
            }
        };
        // GET requests: no body to skip.
        buf.copy_within(end..filled, 0);
        filled -= end;
        let framing = if chunked {
            "transfer-encoding: chunked".to_string()
        } else {
            format!("content-length: {size}")
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nlast-modified: Fri, 20 Nov 2026 10:15:30 GMT\r\naccept-ranges: bytes\r\nx-amz-request-id: 4442587FB7D0A2F9\r\nx-amz-id-2: vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=\r\n{framing}\r\n\r\n"
        );
        socket.write_all(head.as_bytes())?;
        let mut left = size;
        let whole = SERVE_BUFFER as u64;
        while left >= whole {
            socket.write_all(if chunked {
                chunk
            } else {
                &chunk[data_start..data_start + SERVE_BUFFER]
            })?;
            left -= whole;
        }
        if left > 0 {
            let tail = &chunk[data_start..data_start + left as usize];
            if chunked {
                socket.write_all(format!("{left:x}\r\n").as_bytes())?;
                socket.write_all(tail)?;
                socket.write_all(b"\r\n")?;
            } else {
                socket.write_all(tail)?;
            }
        }
        if chunked {
            socket.write_all(b"0\r\n\r\n")?;
        }
    }
}

/// Checks one chunk of the object read from offset `at` against the server's pattern (a
/// sample of bytes, so that checking does not dominate what is measured).
pub fn check_chunk(at: u64, chunk: &[u8]) -> bool {
    let step = 4093;
    let mut i = 0;
    while i < chunk.len() {
        let offset = (at + i as u64) % SERVE_BUFFER as u64;
        if chunk[i] != (offset % 251) as u8 {
            return false;
        }
        i += step;
    }
    true
}

// ---- measurement ----

/// The measurement: warm-up calls, then `iterations` measured ones.
pub struct Bench {
    mode: Mode,
    iterations: u64,
    started: Option<(Instant, u64, u64, u64, u64)>,
    bytes_read: u64,
    chunks: u64,
}

impl Bench {
    pub fn new(args: &Args) -> Bench {
        Bench {
            mode: args.mode,
            iterations: args.iterations,
            started: None,
            bytes_read: 0,
            chunks: 0,
        }
    }
    /// Warm-up calls (connection set-up, endpoint caches, lazy statics) before measuring: a
    /// tenth of the calls (at least 100) for rest; one whole GetObject for get.
    pub fn warmup(&self) -> u64 {
        match self.mode {
            Mode::Get { .. } => 1,
            _ => (self.iterations / 10).max(100),
        }
    }
    /// Starts the clock and the counters.
    pub fn start(&mut self) {
        self.bytes_read = 0;
        self.chunks = 0;
        self.started = Some((
            Instant::now(),
            thread_cpu_ns(),
            ALLOCS.load(Relaxed),
            BYTES.load(Relaxed),
            SERVER_ALLOCS.load(Relaxed),
        ));
    }
    /// Counts a chunk of a GetObject body.
    pub fn read(&mut self, chunk: &[u8]) {
        self.bytes_read += chunk.len() as u64;
        self.chunks += 1;
    }
    /// Checks that a call came out as the mode expects.
    pub fn check(&self, ok: bool, what: &dyn std::fmt::Debug) {
        if !ok {
            eprintln!("unexpected result in {:?} mode: {what:?}", self.mode);
            std::process::exit(1);
        }
    }
    /// Prints one line of `key=value` results for the measured calls.
    pub fn finish(self) {
        let (start, cpu, allocs, bytes, server) = self.started.expect("start() was called");
        let secs = start.elapsed().as_secs_f64();
        // The counters before anything here allocates (reading /proc does).
        let (allocs_now, bytes_now, server_now) = (
            ALLOCS.load(Relaxed),
            BYTES.load(Relaxed),
            SERVER_ALLOCS.load(Relaxed),
        );
        // CPU time of this thread: the client's runtime (and, in rest modes, the server task on it).
        let cpu_secs = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e9;
        let n = self.iterations as f64;
        let allocs = (allocs_now - allocs) as f64 / n;
        let bytes = (bytes_now - bytes) as f64 / n;
        let server = (server_now - server) as f64 / n;
        let hwm = vm_hwm_kib();
        match self.mode {
            Mode::Get { size, chunked } => {
                if self.bytes_read != size * self.iterations {
                    eprintln!("read {} bytes, expected {}", self.bytes_read, size * self.iterations);
                    std::process::exit(1);
                }
                println!(
                    "mode=get size={size} framing={} calls={} seconds={secs:.4} mib_per_sec={:.1} mib_per_cpu_sec={:.1} chunks_per_call={:.1} allocs_per_call={allocs:.1} bytes_per_call={bytes:.0} server_allocs_per_call={server:.1} vm_hwm_kib={hwm}",
                    if chunked { "chunked" } else { "length" },
                    self.iterations,
                    self.bytes_read as f64 / (1 << 20) as f64 / secs,
                    self.bytes_read as f64 / (1 << 20) as f64 / cpu_secs,
                    self.chunks as f64 / n,
                );
            }
            _ => println!(
                "mode={} iterations={} seconds={secs:.4} calls_per_sec={:.1} cpu_us_per_call={:.2} allocs_per_call={allocs:.2} bytes_per_call={bytes:.0} server_allocs_per_call={server:.3} vm_hwm_kib={hwm}",
                if self.mode == Mode::RestSuccess { "rest-success" } else { "rest-error" },
                self.iterations,
                n / secs,
                cpu_secs * 1e6 / n,
            ),
        }
    }
}

/// CPU time this thread has run, in ns (the first field of /proc/thread-self/schedstat; 0 if
/// it cannot be read).
pub fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The process's peak resident set size so far (`VmHWM` of /proc/self/status), in KiB.
pub fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
