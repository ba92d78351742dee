//! Load: one client, many concurrent tasks, a loopback server that fails a fixed share of the
//! requests in assorted ways. Every call must end in success or a typed error (the counts add
//! up, and the server's count of first attempts equals the number of calls), memory must stay
//! flat, connections must be reused. Then the client's latency is compared with a raw hyper
//! client's over the same server with its failures turned off, at the same concurrency.
//!
//! The server fails request `n` by a hash of `n` modulo 100 (a fixed, evenly spread tenth):
//! 0-2 a 500 `InternalErrorException` (retried),
//! 3-5 a 503 `ThrottlingException` (retried), 6-7 a reset after reading the request (I/O
//! error; the operation is not idempotent, so not retried), 8-9 a 200 whose body is not JSON
//! (a response error). The rest succeed.

use crate::memory;
use crate::server::{Plan, Request, Server};
use cognito_identity_provider as cognito;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub calls: usize,
    pub tasks: usize,
    /// Calls made before the memory baseline is taken.
    pub warm_up: usize,
    /// Measure the raw hyper client too.
    pub compare_raw: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { calls: 100_000, tasks: 256, warm_up: 10_000, compare_raw: true }
    }
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ended {
    Ok,
    /// A modelled error with this code.
    Modeled(&'static str),
    Unhandled,
    ResponseError,
    DispatchFailure,
    TimeoutError,
    ConstructionFailure,
}

/// The figures of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub calls: usize,
    pub tasks: usize,
    pub ended: BTreeMap<Ended, usize>,
    /// Requests the server received, and of those the first attempts (`amz-sdk-request:
    /// attempt=1`) and retries.
    pub server_requests: usize,
    pub first_attempts: usize,
    pub retries: usize,
    /// Connections the server accepted (client phase).
    pub connections: usize,
    /// Connections the server closed or reset on purpose (failure plans).
    pub connections_cut: usize,
    pub rss_after_warm_up_kib: u64,
    pub rss_end_kib: u64,
    pub max_rss_kib: u64,
    pub elapsed: Duration,
    /// Latency percentiles (p50, p90, p99, max) of the client's calls against the server with
    /// its failures off.
    pub client_latency: Option<[Duration; 4]>,
    /// The same, for the raw hyper client's 200 responses (same server, same concurrency).
    pub raw_latency: Option<[Duration; 4]>,
    /// Both again with one task (one call at a time): the client's own cost per call.
    pub client_latency_sequential: Option<[Duration; 4]>,
    pub raw_latency_sequential: Option<[Duration; 4]>,
    pub raw_elapsed: Duration,
}

impl Report {
    /// Calls accounted for by an end (must equal `calls`).
    pub fn accounted(&self) -> usize {
        self.ended.values().sum()
    }
    /// RSS growth from the end of the warm-up to the end, in percent.
    pub fn rss_growth_percent(&self) -> f64 {
        if self.rss_after_warm_up_kib == 0 {
            return 0.0;
        }
        (self.rss_end_kib as f64 - self.rss_after_warm_up_kib as f64) * 100.0 / self.rss_after_warm_up_kib as f64
    }

    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let ends: Vec<String> = self.ended.iter().map(|(k, v)| format!("{k:?} {v}")).collect();
        let _ = writeln!(
            s,
            "calls {} ({} tasks, one client) in {:.1} s ({:.0} calls/s): {} = {} accounted",
            self.calls,
            self.tasks,
            self.elapsed.as_secs_f64(),
            self.calls as f64 / self.elapsed.as_secs_f64().max(1e-9),
            ends.join(", "),
            self.accounted()
        );
        let _ = writeln!(
            s,
            "server: {} requests = {} first attempts + {} retries; {} connections accepted ({} cut on purpose by the failure plans)",
            self.server_requests, self.first_attempts, self.retries, self.connections, self.connections_cut
        );
        let _ = writeln!(
            s,
            "memory: RSS after warm-up {:.1} MiB, at the end {:.1} MiB ({:+.1}%), peak {:.1} MiB",
            self.rss_after_warm_up_kib as f64 / 1024.0,
            self.rss_end_kib as f64 / 1024.0,
            self.rss_growth_percent(),
            self.max_rss_kib as f64 / 1024.0
        );
        let fmt = |l: &Option<[Duration; 4]>| match l {
            Some([p50, p90, p99, max]) => format!("p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.1} ms", ms(*p50), ms(*p90), ms(*p99), ms(*max)),
            None => "not measured".into(),
        };
        let _ = writeln!(s, "latency, client (server failures off, same concurrency): {}", fmt(&self.client_latency));
        let _ = writeln!(s, "latency, raw hyper client (200 responses): {} ({:.1} s)", fmt(&self.raw_latency), self.raw_elapsed.as_secs_f64());
        if let (Some(c), Some(r)) = (self.client_latency, self.raw_latency) {
            let _ = writeln!(s, "overhead of the client at {} tasks: p99 {:+.2} ms, p50 {:+.2} ms", self.tasks, ms(c[2]) - ms(r[2]), ms(c[0]) - ms(r[0]));
        }
        let _ = writeln!(s, "latency, client, one call at a time: {}", fmt(&self.client_latency_sequential));
        let _ = writeln!(s, "latency, raw hyper client, one call at a time: {}", fmt(&self.raw_latency_sequential));
        if let (Some(c), Some(r)) = (self.client_latency_sequential, self.raw_latency_sequential) {
            let _ = writeln!(s, "overhead of the client, one call at a time: p99 {:+.3} ms, p50 {:+.3} ms", ms(c[2]) - ms(r[2]), ms(c[0]) - ms(r[0]));
        }
        s
    }
}

const USER: &[u8] = br#"{"Username":"load-user","UserAttributes":[{"Name":"email","Value":"user@example.com"},{"Name":"email_verified","Value":"true"}]}"#;

/// The server's plan for request `n`.
fn plan(n: usize, cut: &AtomicUsize) -> Plan {
    let json = [("content-type", "application/x-amz-json-1.1"), ("x-amzn-requestid", "load")];
    match crate::rng::Rng::new(n as u64).next_u64() % 100 {
        0..=2 => Plan::respond(500, &json, br#"{"__type":"InternalErrorException","message":"injected"}"#),
        3..=5 => Plan::respond(503, &json, br#"{"__type":"ThrottlingException","message":"injected"}"#),
        6 | 7 => {
            cut.fetch_add(1, Ordering::Relaxed);
            Plan::reset_after_read()
        }
        8 | 9 => Plan::respond(200, &json, b"<html>not json</html>"),
        _ => Plan::respond(200, &json, USER),
    }
}

fn percentiles(mut v: Vec<u32>) -> Option<[Duration; 4]> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let at = |q: f64| Duration::from_micros(v[((v.len() - 1) as f64 * q).round() as usize] as u64);
    Some([at(0.5), at(0.9), at(0.99), at(1.0)])
}

/// Runs the load on a multi-threaded runtime of its own (two workers; the server has a
/// thread of its own).
pub fn run(options: Options) -> Report {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(run_async(options))
}

/// The operation every task calls.
async fn call(client: &cognito::Client) -> Result<cognito::operation::admin_get_user::AdminGetUserOutput, Ended> {
    client.admin_get_user().user_pool_id("us-east-1_load").username("load-user").send().await.map_err(|e| classify(&e))
}

async fn run_async(options: Options) -> Report {
    let cut = Arc::new(AtomicUsize::new(0));
    let first_attempts = Arc::new(AtomicUsize::new(0));
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let (c, f, failing_now) = (cut.clone(), first_attempts.clone(), failing.clone());
    let server = Server::start_on_own_thread(
        move |n, request: Option<&Request>| {
            let Some(request) = request else { return Plan::read() };
            if request.header("amz-sdk-request").is_some_and(|h| h.starts_with("attempt=1;")) {
                f.fetch_add(1, Ordering::Relaxed);
            }
            if failing_now.load(Ordering::Relaxed) {
                plan(n, &c)
            } else {
                Plan::respond(200, &[("content-type", "application/x-amz-json-1.1")], USER)
            }
        },
        false,
    );
    let config = cognito::Config::builder()
        .ignore_environment()
        .region("us-east-1")
        .endpoint_url(server.url.clone())
        .credentials_provider(cognito::config::Credentials::new("AKIDLOAD", "load-secret", None, None, "load"))
        .build();
    let client = cognito::Client::from_conf(config);

    // The load: every call's end, the memory after warm-up and at the end.
    let next = Arc::new(AtomicUsize::new(0));
    let ended: Arc<Mutex<BTreeMap<Ended, usize>>> = Arc::default();
    let rss_after_warm_up = Arc::new(Mutex::new(0u64));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..options.tasks {
        let (client, next, ended, rss, opts) = (client.clone(), next.clone(), ended.clone(), rss_after_warm_up.clone(), options.clone());
        tasks.spawn(async move {
            let mut local: BTreeMap<Ended, usize> = BTreeMap::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= opts.calls {
                    break;
                }
                if i == opts.warm_up {
                    let rss_now = memory::rss_kib().unwrap_or(0);
                    if let Ok(mut r) = rss.lock() {
                        *r = rss_now;
                    }
                }
                let end = match call(&client).await {
                    Ok(_) => Ended::Ok,
                    Err(e) => e,
                };
                *local.entry(end).or_default() += 1;
            }
            if let Ok(mut all) = ended.lock() {
                for (k, v) in local {
                    *all.entry(k).or_default() += v;
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = start.elapsed();
    let rss_end = memory::rss_kib().unwrap_or(0);
    let mut report = Report {
        calls: options.calls,
        tasks: options.tasks,
        ended: ended.lock().map(|e| e.clone()).unwrap_or_default(),
        server_requests: server.requests(),
        first_attempts: first_attempts.load(Ordering::Relaxed),
        connections: server.accepted(),
        connections_cut: cut.load(Ordering::Relaxed),
        rss_after_warm_up_kib: rss_after_warm_up.lock().map(|r| *r).unwrap_or(0),
        rss_end_kib: rss_end,
        elapsed,
        ..Report::default()
    };
    report.retries = report.server_requests.saturating_sub(report.first_attempts);
    if options.compare_raw {
        // Latency: the same server with its failures off (retry backoff would otherwise set
        // the client's concurrency), the client and a raw hyper client taking turns, 4 rounds
        // of a twentieth of the calls each, at the same concurrency.
        failing.store(false, Ordering::Relaxed);
        let round = (options.calls / 20).max(1);
        let (mut ours, mut raw) = (Vec::with_capacity(round * 4), Vec::with_capacity(round * 4));
        let mut raw_elapsed = Duration::ZERO;
        for _ in 0..4 {
            ours.extend(client_latencies(&client, round, options.tasks).await);
            let t = Instant::now();
            raw.extend(raw_latencies(&server.url, round, options.tasks).await);
            raw_elapsed += t.elapsed();
        }
        report.client_latency = percentiles(ours);
        report.raw_latency = percentiles(raw);
        report.raw_elapsed = raw_elapsed;
        let round = (options.calls / 100).max(1);
        let (mut ours, mut raw) = (Vec::with_capacity(round * 4), Vec::with_capacity(round * 4));
        for _ in 0..4 {
            ours.extend(client_latencies(&client, round, 1).await);
            raw.extend(raw_latencies(&server.url, round, 1).await);
        }
        report.client_latency_sequential = percentiles(ours);
        report.raw_latency_sequential = percentiles(raw);
    }
    report.max_rss_kib = memory::max_rss_kib().unwrap_or(0);
    report
}

/// Latencies (µs) of the successful ones of `calls` attempts shared by `tasks` tasks; `one`
/// makes an attempt and says whether it succeeded.
async fn timed<F, Fut>(calls: usize, tasks: usize, one: F) -> Vec<u32>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (one, next) = (one.clone(), next.clone());
        set.spawn(async move {
            let mut local = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let t = Instant::now();
                if one().await {
                    local.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                }
            }
            local
        });
    }
    let mut all = Vec::with_capacity(calls);
    while let Some(Ok(local)) = set.join_next().await {
        all.extend(local);
    }
    all
}

/// Latencies (µs) of `calls` successful calls of the client from `tasks` tasks.
async fn client_latencies(client: &cognito::Client, calls: usize, tasks: usize) -> Vec<u32> {
    let client = client.clone();
    timed(calls, tasks, move || {
        let client = client.clone();
        async move { call(&client).await.is_ok() }
    })
    .await
}

fn classify<E: cognito::error::ProvideErrorMetadata>(e: &cognito::error::SdkError<E>) -> Ended {
    use cognito::error::{ProvideErrorMetadata as _, SdkError};
    match e {
        SdkError::ServiceError(_) => match e.code() {
            Some("InternalErrorException") => Ended::Modeled("InternalErrorException"),
            Some("ThrottlingException") => Ended::Modeled("ThrottlingException"),
            _ => Ended::Unhandled,
        },
        SdkError::ResponseError(_) => Ended::ResponseError,
        SdkError::DispatchFailure(_) => Ended::DispatchFailure,
        SdkError::TimeoutError(_) => Ended::TimeoutError,
        _ => Ended::ConstructionFailure,
    }
}

/// Latencies (µs) of `calls` requests of the same operation through a bare hyper client (no
/// signing, no retries, no parsing) that got a 200 and read its body.
async fn raw_latencies(url: &str, calls: usize, tasks: usize) -> Vec<u32> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    let client: Client<_, Full<bytes::Bytes>> = Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let uri = format!("{url}/");
    timed(calls, tasks, move || {
        let request = http::Request::post(uri.as_str())
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.AdminGetUser")
            .body(Full::new(bytes::Bytes::from_static(br#"{"UserPoolId":"us-east-1_load","Username":"load-user"}"#)));
        let client = client.clone();
        async move {
            let Ok(request) = request else { return false };
            match client.request(request).await {
                Ok(response) => {
                    let ok = response.status() == 200;
                    response.into_body().collect().await.is_ok() && ok
                }
                Err(_) => false,
            }
        }
    })
    .await
}
