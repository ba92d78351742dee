//! The response fuzzer: drives every operation of the generated crates through their public
//! API with hostile responses ([`crate::hostile`]) from the scripted transport and checks that
//! each call ends in `Ok` or a typed `SdkError` that keeps the status, request id and raw body
//! it was given. Panics are caught per call and counted; the calls run on a thread with a
//! 2 MiB stack (tokio's worker default), so a recursion the depth limits miss overflows here
//! first (a stack overflow aborts the process: the run then fails loudly).
//!
//! Inputs are deterministic: input `i` of seed `s` is the same on every run, so a finding is
//! reproduced with `--seed s --from i --inputs 1`.

use crate::harness::{Codec, DynSuite, OutcomeKind, Outcome, Script};
use crate::hostile::{self, Mutation};
use crate::memory::{self, CountingAlloc};
use crate::rng::Rng;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// Stop after this many random inputs (the samples and deep cases come first).
    pub inputs: Option<u64>,
    /// Stop the random inputs after this long.
    pub duration: Option<Duration>,
    /// The first random input's index (to replay one input).
    pub from: u64,
    /// Only the crate with this name.
    pub crate_filter: Option<String>,
    /// Run the samples unmutated and the deep-nesting cases first.
    pub fixed_cases: bool,
    /// Stack size of the thread the calls run on.
    pub stack_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: 1, inputs: None, duration: None, from: 0, crate_filter: None, fixed_cases: true, stack_size: 2 << 20 }
    }
}

/// Counts of one group of inputs.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub inputs: u64,
    pub panics: u64,
    /// Calls that ended but not as they must (a lost status, request id or body; a dispatch
    /// failure without a transport failure; an unmutated sample not read back).
    pub violations: u64,
    pub outcomes: BTreeMap<OutcomeKind, u64>,
}

impl Tally {
    fn add(&mut self, outcome: Option<OutcomeKind>, violation: bool) {
        self.inputs += 1;
        match outcome {
            Some(k) => *self.outcomes.entry(k).or_default() += 1,
            None => self.panics += 1,
        }
        if violation {
            self.violations += 1;
        }
    }
}

/// A panic or a violated expectation, with what reproduces it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub crate_name: &'static str,
    pub op: &'static str,
    pub mutation: Mutation,
    /// `Some(i)`: random input `i` of the seed; `None`: a fixed case.
    pub index: Option<u64>,
    pub message: String,
}

/// The figures of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub seed: u64,
    pub total: Tally,
    /// By what was hostile: the body in each codec, headers, status, transport, streaming payloads.
    pub by_area: BTreeMap<&'static str, Tally>,
    pub by_mutation: BTreeMap<Mutation, Tally>,
    pub by_crate: BTreeMap<&'static str, Tally>,
    /// Distinct panics (by message), first occurrence.
    pub panics: Vec<Finding>,
    /// Distinct violations (by crate, operation and message), first occurrence.
    pub violations: Vec<Finding>,
    pub operations: usize,
    pub crates: usize,
    /// Peak resident set of the process (VmHWM), KiB.
    pub max_rss_kib: u64,
    /// The largest heap peak of one call (with the counting allocator installed), and the size
    /// of the response that caused it.
    pub max_call_heap: Option<(usize, usize)>,
    /// The largest heap peak of one call relative to its response size (responses of at least
    /// 64 KiB), with the response size.
    pub max_heap_ratio: Option<(f64, usize)>,
    pub slowest_call: Option<(Duration, String)>,
    pub elapsed: Duration,
}

impl Report {
    /// True when nothing panicked and every call ended as it must.
    pub fn clean(&self) -> bool {
        self.total.panics == 0 && self.total.violations == 0
    }

    /// The report as text: a summary line (`inputs, panics, max RSS`), then tables.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "inputs {}, panics {}, violations {}, max RSS {:.1} MiB ({} operations of {} crates, seed {}, {:.1} s)",
            self.total.inputs,
            self.total.panics,
            self.total.violations,
            self.max_rss_kib as f64 / 1024.0,
            self.operations,
            self.crates,
            self.seed,
            self.elapsed.as_secs_f64()
        );
        if let Some((heap, size)) = self.max_call_heap {
            let _ = writeln!(s, "largest heap peak of one call: {:.1} MiB (response of {:.1} KiB)", heap as f64 / 1048576.0, size as f64 / 1024.0);
        }
        if let Some((ratio, size)) = self.max_heap_ratio {
            let _ = writeln!(s, "largest heap peak / response size (responses >= 64 KiB): {ratio:.1}x (response of {:.1} KiB)", size as f64 / 1024.0);
        }
        if let Some((d, what)) = &self.slowest_call {
            let _ = writeln!(s, "slowest call: {:.1} ms ({what})", d.as_secs_f64() * 1e3);
        }
        let table = |s: &mut String, title: &str, rows: Vec<(String, &Tally)>| {
            let _ = writeln!(s, "\n| {title} | inputs | panics | violations | Ok | modelled error | unhandled error | response error | dispatch failure | timeout |");
            let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|");
            for (name, t) in rows {
                let o = |k| t.outcomes.get(&k).copied().unwrap_or(0);
                let _ = writeln!(
                    s,
                    "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    t.inputs,
                    t.panics,
                    t.violations,
                    o(OutcomeKind::Ok),
                    o(OutcomeKind::ModeledError),
                    o(OutcomeKind::UnhandledError),
                    o(OutcomeKind::ResponseError),
                    o(OutcomeKind::DispatchFailure),
                    o(OutcomeKind::TimeoutError)
                );
            }
        };
        table(&mut s, "hostile part", self.by_area.iter().map(|(k, t)| (k.to_string(), t)).collect());
        table(&mut s, "mutation", self.by_mutation.iter().map(|(k, t)| (k.name().to_string(), t)).collect());
        table(&mut s, "crate", self.by_crate.iter().map(|(k, t)| (k.to_string(), t)).collect());
        for (title, list) in [("panics", &self.panics), ("violations", &self.violations)] {
            if !list.is_empty() {
                let _ = writeln!(s, "\n{title} ({} distinct):", list.len());
                for f in list.iter().take(50) {
                    let at = match f.index {
                        Some(i) => format!("--seed {} --from {i} --inputs 1", self.seed),
                        None => "fixed case".into(),
                    };
                    let _ = writeln!(s, "- {} {} [{}] ({at}): {}", f.crate_name, f.op, f.mutation.name(), f.message);
                }
            }
        }
        s
    }
}

/// What was hostile in an input, for the per-area counts.
fn area(mutation: Mutation, codec: Codec, streaming: bool) -> &'static str {
    use Mutation::*;
    match mutation {
        HugeContentLength | HostileHeader | BoundHeader | RequestIdHeader | ErrorCodeHeader | ManyHeaders => "headers",
        Status => "status codes",
        Transport => "transport failures",
        _ if streaming => "streaming payloads (GetObject)",
        _ => match codec {
            Codec::AwsJson => "JSON body (awsJson)",
            Codec::RestJson => "JSON body (restJson1)",
            Codec::RestXml => "XML body (restXml)",
            Codec::AwsQuery => "query XML body (awsQuery)",
        },
    }
}

/// Checks an outcome against the script that produced it; `expect` is the unmutated sample's
/// expected reading (`Some(None)`: the output; `Some(Some(code))`: that modelled error).
fn check(script: &Script, outcome: &Outcome, expect: Option<Option<&str>>, streaming: bool) -> Result<(), String> {
    use crate::harness::Failure;
    if let Some(failure) = script.failure {
        let want = if failure == Failure::Timeout { OutcomeKind::TimeoutError } else { OutcomeKind::DispatchFailure };
        return if outcome.kind == want { Ok(()) } else { Err(format!("transport failure {failure:?} ended as {:?}", outcome.kind)) };
    }
    let rid = script.request_id();
    match outcome.kind {
        OutcomeKind::Ok => {
            if !(200..300).contains(&script.status) {
                return Err(format!("status {} read as success", script.status));
            }
            if outcome.status != Some(script.status) {
                return Err(format!("output reports status {:?}, response had {}", outcome.status, script.status));
            }
            if outcome.request_id != rid {
                return Err(format!("output reports request id {:?}, response had {rid:?}", outcome.request_id));
            }
            if let Some(streamed) = &outcome.streamed {
                if streamed != &Ok(script.body.len()) {
                    return Err(format!("streaming body read as {streamed:?}, response had {} bytes", script.body.len()));
                }
            }
        }
        OutcomeKind::ModeledError | OutcomeKind::UnhandledError | OutcomeKind::ResponseError => {
            if outcome.status != Some(script.status) {
                return Err(format!("{:?} keeps status {:?}, response had {}", outcome.kind, outcome.status, script.status));
            }
            // An unreadable streaming success keeps the first MiB of its body (the runtime's
            // MAX_UNREADABLE_STREAM_BODY); everything else keeps all of it.
            let kept = if streaming && outcome.kind == OutcomeKind::ResponseError { &script.body[..script.body.len().min(1 << 20)] } else { &script.body[..] };
            if outcome.raw_body.as_deref() != Some(kept) {
                return Err(format!("{:?} does not keep the raw body", outcome.kind));
            }
            if outcome.request_id != rid {
                return Err(format!("{:?} keeps request id {:?}, response had {rid:?}", outcome.kind, outcome.request_id));
            }
        }
        other => return Err(format!("a response ended as {other:?}: {}", first_line(&outcome.text))),
    }
    match expect {
        Some(None) if outcome.kind != OutcomeKind::Ok => Err(format!("the output sample was read as {:?}: {}", outcome.kind, first_line(&outcome.text))),
        Some(Some(code)) if outcome.kind != OutcomeKind::ModeledError || outcome.code.as_deref() != Some(code) => Err(format!(
            "the {code} sample was read as {:?} with code {:?}: {}",
            outcome.kind,
            outcome.code,
            first_line(&outcome.text)
        )),
        _ => Ok(()),
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().nth(1).unwrap_or(text);
    line.chars().take(300).collect()
}

/// The message of the last panic on this process (set by the hook installed during a run).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs the fuzzer on a thread of its own (with `options.stack_size`) and returns its report.
pub fn run(options: Options, suites: fn() -> Vec<Box<dyn DynSuite>>, alloc: Option<&'static CountingAlloc>) -> Report {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let message = match (info.payload().downcast_ref::<&str>(), info.payload().downcast_ref::<String>()) {
            (Some(s), _) => s.to_string(),
            (_, Some(s)) => s.clone(),
            _ => "non-text panic".into(),
        };
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{at}"));
        }
    }));
    let stack = options.stack_size;
    let report = Arc::new(Mutex::new(None));
    let out = report.clone();
    let handle = std::thread::Builder::new()
        .name("fuzz-responses".into())
        .stack_size(stack)
        .spawn(move || {
            let r = run_here(&options, suites, alloc);
            if let Ok(mut slot) = out.lock() {
                *slot = Some(r);
            }
        })
        .expect("spawn the fuzzing thread");
    let joined = handle.join();
    std::panic::set_hook(previous);
    if joined.is_err() {
        panic!("the fuzzing thread itself panicked");
    }
    let taken = report.lock().ok().and_then(|mut r| r.take());
    taken.unwrap_or_default()
}

struct Runner<'a> {
    options: &'a Options,
    suites: Vec<Box<dyn DynSuite>>,
    make: fn() -> Vec<Box<dyn DynSuite>>,
    rt: tokio::runtime::Runtime,
    alloc: Option<&'static CountingAlloc>,
    report: Report,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

impl Runner<'_> {
    fn wanted(&self, s: &dyn DynSuite) -> bool {
        self.options.crate_filter.as_deref().is_none_or(|f| f == s.crate_name())
    }

    /// One call of operation `op` of suite `si` answered by `script`.
    fn one(&mut self, si: usize, op: usize, script: Script, mutation: Mutation, index: Option<u64>, expect: Option<Option<&str>>) {
        let suite = &self.suites[si];
        let (crate_name, codec, op_name, streaming) = (suite.crate_name(), suite.codec(), suite.op_name(op), suite.op_streaming(op));
        let size = script.body.len() + script.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        suite.transport().set(script.clone());
        if let Some(a) = self.alloc {
            memory::register(a);
            let _ = memory::take_mark();
            a.reset_peak();
        }
        let base = self.alloc.map(|a| a.live()).unwrap_or(0);
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| self.rt.block_on(suite.call(op))));
        let took = start.elapsed();
        if let Some(a) = self.alloc.filter(|a| a.installed()) {
            // The peak until `send()` returned (the harness then formats the outcome).
            let heap = memory::take_mark().unwrap_or_else(|| a.peak()).saturating_sub(base);
            if self.report.max_call_heap.is_none_or(|(h, _)| heap > h) {
                self.report.max_call_heap = Some((heap, size));
            }
            if size >= 64 << 10 {
                let ratio = heap as f64 / size as f64;
                if self.report.max_heap_ratio.is_none_or(|(r, _)| ratio > r) {
                    self.report.max_heap_ratio = Some((ratio, size));
                }
            }
        }
        if self.report.slowest_call.as_ref().is_none_or(|(d, _)| took > *d) {
            let at = index.map(|i| format!("input {i}")).unwrap_or_else(|| "fixed case".into());
            self.report.slowest_call = Some((took, format!("{crate_name} {op_name}, {}, {size} bytes, {at}", mutation.name())));
        }
        let (kind, violation) = match &result {
            Ok(outcome) => {
                let verdict = check(&script, outcome, expect, streaming);
                if let Err(message) = &verdict {
                    let seen = self.report.violations.iter().any(|f| f.crate_name == crate_name && f.op == op_name && f.message == *message);
                    if !seen {
                        self.report.violations.push(Finding { crate_name, op: op_name, mutation, index, message: message.clone() });
                    }
                }
                (Some(outcome.kind), verdict.is_err())
            }
            Err(_) => {
                let message = LAST_PANIC.lock().ok().and_then(|mut m| m.take()).unwrap_or_else(|| "panic".into());
                if !self.report.panics.iter().any(|f| f.message == message) {
                    self.report.panics.push(Finding { crate_name, op: op_name, mutation, index, message });
                }
                // The client may hold state a panic left half-updated: start afresh.
                self.suites = (self.make)();
                self.rt = runtime();
                (None, false)
            }
        };
        let r = &mut self.report;
        r.total.add(kind, violation);
        r.by_area.entry(area(mutation, codec, streaming)).or_default().add(kind, violation);
        r.by_mutation.entry(mutation).or_default().add(kind, violation);
        r.by_crate.entry(crate_name).or_default().add(kind, violation);
    }
}

fn run_here(options: &Options, make: fn() -> Vec<Box<dyn DynSuite>>, alloc: Option<&'static CountingAlloc>) -> Report {
    let start = Instant::now();
    let mut runner = Runner { options, suites: make(), make, rt: runtime(), alloc, report: Report { seed: options.seed, ..Report::default() } };
    let chosen: Vec<usize> = (0..runner.suites.len()).filter(|&i| runner.wanted(runner.suites[i].as_ref())).collect();
    runner.report.crates = chosen.len();
    runner.report.operations = chosen.iter().map(|&i| runner.suites[i].len()).sum();
    // Every (suite, operation, sample), and every (suite, operation).
    let mut cases = Vec::new();
    let mut ops = Vec::new();
    for &si in &chosen {
        for op in 0..runner.suites[si].len() {
            ops.push((si, op));
            for sample in 0..runner.suites[si].samples(op).len() {
                cases.push((si, op, sample));
            }
        }
    }
    if options.fixed_cases {
        for &(si, op, s) in &cases {
            let suite = &runner.suites[si];
            let sample = suite.samples(op)[s];
            runner.one(si, op, sample.script(), Mutation::Unmutated, None, Some(sample.error));
        }
        for &(si, op, s) in &cases {
            let suite = &runner.suites[si];
            let sample = suite.samples(op)[s];
            for script in hostile::deep_cases(&sample, suite.codec()) {
                runner.one(si, op, script, Mutation::DeepNesting, None, None);
            }
        }
    }
    if !cases.is_empty() {
        let random_start = Instant::now();
        let mut i = options.from;
        loop {
            if options.inputs.is_some_and(|n| i - options.from >= n) || options.duration.is_some_and(|d| random_start.elapsed() >= d) {
                break;
            }
            if options.inputs.is_none() && options.duration.is_none() {
                break;
            }
            let mut rng = Rng::new(options.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            // An operation, then its output sample half of the time, else one of its errors.
            let (si, op) = *rng.pick(&ops);
            let suite = &runner.suites[si];
            let n = suite.samples(op).len();
            let s = if n == 1 || rng.chance(50) { 0 } else { 1 + rng.below(n - 1) };
            let sample = suite.samples(op)[s];
            let (script, mutation) = hostile::mutate(&sample, suite.codec(), &mut rng);
            runner.one(si, op, script, mutation, Some(i), None);
            i += 1;
        }
    }
    runner.report.max_rss_kib = memory::max_rss_kib().unwrap_or(0);
    runner.report.elapsed = start.elapsed();
    runner.report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{BoxFuture, Sample, Scripted};

    /// A suite whose one operation reads the script itself: it panics on the body `panic`,
    /// loses the status on `lose`, and is correct otherwise.
    struct Fake(Scripted);

    static SAMPLES: &[Sample] = &[
        Sample { error: None, status: 200, headers: &[("x-amzn-requestid", "r1")], body: b"ok" },
        Sample { error: None, status: 200, headers: &[], body: b"panic" },
        Sample { error: None, status: 500, headers: &[], body: b"lose" },
    ];

    impl DynSuite for Fake {
        fn crate_name(&self) -> &'static str {
            "fake"
        }
        fn codec(&self) -> Codec {
            Codec::AwsJson
        }
        fn transport(&self) -> &Scripted {
            &self.0
        }
        fn len(&self) -> usize {
            1
        }
        fn op_name(&self, _: usize) -> &'static str {
            "Op"
        }
        fn op_idempotent(&self, _: usize) -> bool {
            true
        }
        fn op_streaming(&self, _: usize) -> bool {
            false
        }
        fn samples(&self, _: usize) -> &'static [Sample] {
            SAMPLES
        }
        fn call(&self, _: usize) -> BoxFuture<'_, Outcome> {
            let script = self.0.next();
            Box::pin(async move {
                if script.body == b"panic" {
                    panic!("boom");
                }
                let lose = script.body == b"lose";
                Outcome {
                    kind: if script.status == 200 { OutcomeKind::Ok } else { OutcomeKind::UnhandledError },
                    status: if lose { None } else { Some(script.status) },
                    request_id: script.request_id(),
                    raw_body: Some(script.body.clone()),
                    code: None,
                    streamed: None,
                    text: String::new(),
                }
            })
        }
    }

    fn fakes() -> Vec<Box<dyn DynSuite>> {
        vec![Box::new(Fake(Scripted::default()))]
    }

    #[test]
    fn panics_and_lost_statuses_are_counted() {
        let options = Options { fixed_cases: true, inputs: None, duration: None, ..Options::default() };
        let report = run(options, fakes, None);
        // Three unmutated samples plus the deep cases of each.
        assert!(report.total.inputs > 3);
        assert_eq!((report.total.panics, report.total.violations), (1, 1), "{}", report.render());
        assert!(report.panics[0].message.starts_with("boom at "), "{:?}", report.panics);
        assert!(report.violations[0].message.contains("keeps status None"), "{:?}", report.violations);
        assert!(!report.clean());
    }
}
