//! `cargo xtask bench-calls`: per-call figures of the newer protocols against aws-sdk-rust — a
//! restJson1 call (Lambda GetFunctionConfiguration) and an S3 GetObject of a large object read
//! as a stream.
//!
//! Two equivalent programs (`bench/calls-ours/main.rs` on the vendored generated `lambda` and
//! `s3` crates, `bench/calls-theirs/main.rs` on `aws-sdk-lambda` and `aws-sdk-s3`, sharing
//! `bench/calls-common.rs`) are written into `target/bench-calls/{ours,theirs}`, each its own
//! workspace and target directory, built in release mode (incrementally: the builds are not
//! what is measured here; `cargo xtask bench` times builds) and run alternately: sequential
//! calls per second and allocations per call against a loopback server on the client's runtime;
//! GetObject throughput and the program's peak RSS for several object sizes against a server on
//! its own thread. The results go to stdout and to `BENCHMARKS.md` between this command's own
//! markers. `cargo xtask bench` runs it at its end.

use crate::codegen_cmd;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub const USAGE: &str =
    "  bench-calls [--runs N] [--iterations N] [--sizes MIB,MIB,..] [--get-mib N] [--skip-build]
      Compare the generated lambda (restJson1) and s3 (restXml) crates with aws-sdk-lambda and
      aws-sdk-s3: sequential GetFunctionConfiguration calls/s and allocations per call, and
      GetObject throughput (body read as a stream) and peak RSS per object size. Builds both
      programs in release mode under target/bench-calls/ (the SDK's first build takes many
      minutes), then writes BENCHMARKS.md between its markers. --runs: runs of each program
      and case (default 7); --iterations: calls per restJson1 run (default 20000); --sizes:
      object sizes in MiB (default 4,64,256; 64 is also read chunked); --get-mib: MiB read per
      GetObject run, the object fetched as often as that takes (default 1024, at least once,
      after one unmeasured warm-up call); --skip-build: run the programs as last built.";

const BEGIN: &str =
    "<!-- bench-calls:begin (written by `cargo xtask bench-calls`; edit outside these markers) -->";
const END: &str = "<!-- bench-calls:end -->";
/// Where a missing section is put: before this heading of BENCHMARKS.md (else at the end).
const INSERT_BEFORE: &str = "\n## RELIABILITY";
/// The object size read both `Content-Length`-framed and chunked, and the goal's size.
const HEADLINE_MIB: u64 = 64;
/// Peak RSS counts as independent of the object size when it grows by at most this much from
/// the smallest to the largest object.
const RSS_TOLERANCE_KIB: f64 = 2048.0;

struct Options {
    runs: usize,
    iterations: u64,
    sizes: Vec<u64>,
    get_mib: u64,
    skip_build: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match crate::flag(args, name)? {
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{name}: expected a positive number, got {v}")),
                None => Ok(default),
            }
        };
        let mut sizes = match crate::flag(args, "--sizes")? {
            Some(v) => v
                .split(',')
                .map(|s| {
                    s.trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("--sizes: not a positive number of MiB: {s}"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![4, HEADLINE_MIB, 256],
        };
        sizes.sort_unstable();
        sizes.dedup();
        Ok(Options {
            runs: number("--runs", 7)? as usize,
            iterations: number("--iterations", 20_000)?,
            sizes,
            get_mib: number("--get-mib", 1024)?,
            skip_build: args.iter().any(|a| a == "--skip-build"),
        })
    }
}

/// `cargo xtask bench-calls [options]`.
pub fn cmd(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: cargo xtask bench-calls [options]\n\n{USAGE}");
        return Ok(());
    }
    let opts = Options::parse(args)?;
    let command = format!(
        "cargo xtask bench-calls{}",
        args.iter().map(|a| format!(" {a}")).collect::<String>()
    );
    run(&opts, &command, Instant::now())
}

/// The part of `cargo xtask bench`: the same measurement with `runs` runs, default otherwise.
pub fn run_in_bench(runs: usize, start: Instant) -> Result<(), String> {
    let opts = Options::parse(&["--runs".to_string(), runs.to_string()])?;
    run(&opts, "cargo xtask bench (its bench-calls part)", start)
}

fn progress(start: Instant, message: &str) {
    eprintln!(
        "[bench-calls {:>6.1}s] {message}",
        start.elapsed().as_secs_f64()
    );
}

fn run(opts: &Options, command: &str, start: Instant) -> Result<(), String> {
    let root = codegen_cmd::root();
    let env = Environment::read(command);
    progress(
        start,
        &format!(
            "{} cores, load average {}, {}",
            env.cores, env.load, env.rustc
        ),
    );
    let dir = root.join("target/bench-calls");
    let ours = Program {
        name: "ours",
        dir: dir.join("ours"),
    };
    let theirs = Program {
        name: "theirs",
        dir: dir.join("theirs"),
    };
    for (program, vendor) in [(&ours, true), (&theirs, false)] {
        if opts.skip_build {
            if !program.binary().exists() {
                return Err(format!(
                    "--skip-build: {} does not exist",
                    program.binary().display()
                ));
            }
            continue;
        }
        program.write_sources(&root, vendor)?;
        program.build(start)?;
    }

    // restJson1: ours and theirs alternating, each run a fresh process.
    let mut rest = Vec::new();
    for mode in ["rest-success", "rest-error"] {
        let mut pair = [Cases::default(), Cases::default()];
        for run in 1..=opts.runs {
            for (i, program) in [&ours, &theirs].into_iter().enumerate() {
                let load = load_average();
                let r = program.run(&[mode, &opts.iterations.to_string()])?;
                progress(
                    start,
                    &format!(
                        "{mode} {}: run {run}/{}: {:.0} calls/s, {:.1} allocations/call (load {load})",
                        program.name, opts.runs, r.get("calls_per_sec")?, r.get("allocs_per_call")?
                    ),
                );
                pair[i].push(
                    &r,
                    &[
                        "calls_per_sec",
                        "cpu_us_per_call",
                        "allocs_per_call",
                        "bytes_per_call",
                        "server_allocs_per_call",
                        "vm_hwm_kib",
                    ],
                )?;
                pair[i].loads.push(load);
            }
        }
        rest.push((mode, pair));
    }

    // GetObject: each size (and the headline size chunked), ours and theirs alternating.
    let mut gets = Vec::new();
    let mut cases: Vec<(u64, &str)> = opts.sizes.iter().map(|&s| (s, "length")).collect();
    if opts.sizes.contains(&HEADLINE_MIB) {
        cases.push((HEADLINE_MIB, "chunked"));
    }
    for (size, framing) in cases {
        let repeats = (opts.get_mib / size).max(1);
        let mut pair = [Cases::default(), Cases::default()];
        for run in 1..=opts.runs {
            for (i, program) in [&ours, &theirs].into_iter().enumerate() {
                let load = load_average();
                let r = program.run(&["get", &size.to_string(), framing, &repeats.to_string()])?;
                progress(
                    start,
                    &format!(
                        "get {size} MiB {framing} x{repeats} {}: run {run}/{}: {:.0} MiB/s, peak RSS {:.1} MiB, {:.0} chunks/call (load {load})",
                        program.name,
                        opts.runs,
                        r.get("mib_per_sec")?,
                        r.get("vm_hwm_kib")? / 1024.0,
                        r.get("chunks_per_call")?
                    ),
                );
                pair[i].push(
                    &r,
                    &[
                        "mib_per_sec",
                        "mib_per_cpu_sec",
                        "vm_hwm_kib",
                        "chunks_per_call",
                        "allocs_per_call",
                        "bytes_per_call",
                        "server_allocs_per_call",
                    ],
                )?;
                pair[i].loads.push(load);
            }
        }
        gets.push(((size, framing, repeats), pair));
    }

    let report = Report {
        env,
        opts,
        rest,
        gets,
        versions: versions(&theirs, &ours),
    };
    let table = report.table();
    println!("\n{table}");
    let md_path = root.join("BENCHMARKS.md");
    let previous =
        std::fs::read_to_string(&md_path).map_err(|e| format!("{}: {e}", md_path.display()))?;
    std::fs::write(&md_path, splice(&previous, &report.markdown(&table)))
        .map_err(|e| format!("{}: {e}", md_path.display()))?;
    progress(start, &format!("wrote {}", md_path.display()));
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "?".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

struct Environment {
    cores: String,
    cpu: String,
    date: String,
    rustc: String,
    load: String,
    command: String,
}

impl Environment {
    fn read(command: &str) -> Environment {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "?".into());
        Environment {
            cores: output("nproc", &[]),
            cpu,
            date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            rustc: output("rustc", &["-V"]),
            load: load_average(),
            command: command.to_string(),
        }
    }
}

/// One program's `key=value` result line.
struct RunOutput(Vec<(String, String)>);

impl RunOutput {
    fn get(&self, key: &str) -> Result<f64, String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| format!("no {key} in the program's output"))
    }
}

/// Samples per key over the runs of one program in one case, and the load average at each run.
#[derive(Default)]
struct Cases {
    values: Vec<(String, Vec<f64>)>,
    loads: Vec<String>,
}

impl Cases {
    fn push(&mut self, r: &RunOutput, keys: &[&str]) -> Result<(), String> {
        for key in keys {
            let v = r.get(key)?;
            match self.values.iter_mut().find(|(k, _)| k == key) {
                Some((_, s)) => s.push(v),
                None => self.values.push((key.to_string(), vec![v])),
            }
        }
        Ok(())
    }
    fn samples(&self, key: &str) -> &[f64] {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, s)| s.as_slice())
            .unwrap_or(&[])
    }
}

fn median(s: &[f64]) -> f64 {
    let mut v = s.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn min_max(s: &[f64]) -> (f64, f64) {
    s.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

struct Program {
    name: &'static str,
    dir: PathBuf,
}

impl Program {
    fn binary(&self) -> PathBuf {
        self.dir
            .join(format!("target/release/bench-calls-{}", self.name))
    }

    /// Writes Cargo.toml and src/ from `bench/`; for ours also the generated lambda and s3
    /// crates under `vendor/`. Files are only rewritten when they differ, so that an unchanged
    /// source does not make cargo rebuild.
    fn write_sources(&self, root: &Path, vendor: bool) -> Result<(), String> {
        let templates = root.join("bench");
        let from = templates.join(format!("calls-{}", self.name));
        sync_file(&from.join("Cargo.toml"), &self.dir.join("Cargo.toml"))?;
        sync_file(&from.join("main.rs"), &self.dir.join("src/main.rs"))?;
        sync_file(
            &templates.join("calls-common.rs"),
            &self.dir.join("src/common.rs"),
        )?;
        if vendor {
            for name in ["lambda", "s3"] {
                sync_dir(
                    &root.join("generated").join(name),
                    &self.dir.join("vendor").join(name),
                )?;
            }
        }
        Ok(())
    }

    /// `cargo build --release`, its output in `build.log`, progress every 30 s.
    fn build(&self, start: Instant) -> Result<(), String> {
        progress(
            start,
            &format!(
                "{}: cargo build --release (load average {})",
                self.name,
                load_average()
            ),
        );
        let log_path = self.dir.join("build.log");
        let mut build = Command::new(cargo());
        // `cargo run` gives xtask the variables cargo sets for a package (CARGO_PKG_NAME...);
        // build scripts that watch such variables (ring's, aws-lc-sys's) would see them change
        // between a build started here and one started from a shell, and rebuild for minutes.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_PACKAGE",
            ]
            .iter()
            .any(|p| key.starts_with(p))
            {
                build.env_remove(key.as_ref());
            }
        }
        let mut child = build
            .args(["build", "--release"])
            .current_dir(&self.dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cargo build: {e}"))?;
        let mut log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let (mut compiled, mut last) = (0, Instant::now());
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if line.trim_start().starts_with("Compiling ") {
                    compiled += 1;
                    if last.elapsed().as_secs() >= 30 {
                        last = Instant::now();
                        progress(
                            start,
                            &format!(
                                "  {}: {compiled} crates compiled so far ({})",
                                self.name,
                                line.trim()
                            ),
                        );
                    }
                }
            }
        }
        if !child.wait().map_err(|e| e.to_string())?.success() {
            return Err(format!(
                "{}: cargo build --release failed; see {}",
                self.name,
                log_path.display()
            ));
        }
        progress(
            start,
            &format!("  {}: built ({compiled} crates compiled)", self.name),
        );
        Ok(())
    }

    fn run(&self, args: &[&str]) -> Result<RunOutput, String> {
        let out = Command::new(self.binary())
            .args(args)
            .output()
            .map_err(|e| format!("{}: {e}", self.binary().display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "{} {} failed: {stdout}{}",
                self.name,
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(RunOutput(
            stdout
                .split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
    }
}

fn sync_file(from: &Path, to: &Path) -> Result<(), String> {
    let text = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    if std::fs::read(to).ok().as_deref() == Some(text.as_slice()) {
        return Ok(());
    }
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

/// Makes `to` a copy of `from`: changed files rewritten, missing ones added, extra ones removed.
fn sync_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(from)
        .map_err(|e| format!("{}: {e}", from.display()))?
        .flatten()
    {
        let (path, dest) = (entry.path(), to.join(entry.file_name()));
        names.push(entry.file_name());
        if path.is_dir() {
            sync_dir(&path, &dest)?;
        } else {
            sync_file(&path, &dest)?;
        }
    }
    for entry in std::fs::read_dir(to)
        .map_err(|e| format!("{}: {e}", to.display()))?
        .flatten()
    {
        if !names.contains(&entry.file_name()) {
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Resolved versions of the main dependencies, from the programs' lock files.
fn versions(theirs: &Program, ours: &Program) -> Vec<(&'static str, String)> {
    let wanted: [(&Program, &[&str]); 2] = [
        (
            theirs,
            &[
                "aws-sdk-lambda",
                "aws-sdk-s3",
                "aws-smithy-runtime",
                "aws-smithy-http-client",
                "hyper",
                "tokio",
            ],
        ),
        (ours, &["hyper", "hyper-util", "tokio"]),
    ];
    let mut out = Vec::new();
    for (program, names) in wanted {
        let lock = std::fs::read_to_string(program.dir.join("Cargo.lock")).unwrap_or_default();
        let mut found = Vec::new();
        for name in names {
            let mut lines = lock.lines();
            while let Some(line) = lines.next() {
                if line == format!("name = \"{name}\"") {
                    if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                        found.push(format!("{name} {}", v.trim_end_matches('"')));
                    }
                }
            }
        }
        out.push((program.name, found.join(", ")));
    }
    out
}

struct Report<'a> {
    env: Environment,
    opts: &'a Options,
    rest: Vec<(&'static str, [Cases; 2])>,
    gets: Vec<((u64, &'static str, u64), [Cases; 2])>,
    versions: Vec<(&'static str, String)>,
}

/// How a value is printed.
#[derive(Clone, Copy)]
enum Unit {
    PerSec,
    PerCall,
    Count,
    MiBPerSec,
    KiB,
}

fn fmt_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::PerSec | Unit::Count => format!("{v:.0}"),
        Unit::PerCall => format!("{v:.1}"),
        Unit::MiBPerSec => format!("{v:.0} MiB/s"),
        Unit::KiB => format!("{:.1} MiB", v / 1024.0),
    }
}

fn fmt_samples(s: &[f64], unit: Unit) -> String {
    if s.is_empty() {
        return "—".into();
    }
    let (lo, hi) = min_max(s);
    if (hi - lo).abs() < 1e-9 {
        return format!("{} (all {} equal)", fmt_value(lo, unit), s.len());
    }
    format!(
        "{} ({}–{}, n={})",
        fmt_value(median(s), unit),
        fmt_value(lo, unit),
        fmt_value(hi, unit),
        s.len()
    )
}

impl Report<'_> {
    fn table(&self) -> String {
        let mut s = String::from(
            "| metric | ours | theirs (SDK) | ours/theirs | goal | |\n|---|---|---|---|---|---|\n",
        );
        let mut row =
            |metric: &str, o: &[f64], t: &[f64], unit: Unit, goal: Option<(f64, &str)>| {
                let ratio = median(o) / median(t);
                let met = match goal {
                    Some((g, _)) if ratio.is_finite() => {
                        if ratio >= g {
                            "met"
                        } else {
                            "**missed**"
                        }
                    }
                    _ => "",
                };
                let _ = writeln!(
                    s,
                    "| {metric} | {} | {} | {} | {} | {met} |",
                    fmt_samples(o, unit),
                    fmt_samples(t, unit),
                    if ratio.is_finite() {
                        format!("{ratio:.3}")
                    } else {
                        "—".into()
                    },
                    goal.map(|(_, g)| g).unwrap_or("")
                );
            };
        for (mode, [o, t]) in &self.rest {
            let case = mode.trim_start_matches("rest-");
            row(
                &format!("restJson1 calls/s, {case}"),
                o.samples("calls_per_sec"),
                t.samples("calls_per_sec"),
                Unit::PerSec,
                Some((2.0, "≥ 2×")),
            );
            row(
                &format!("restJson1 CPU µs/call (runtime thread, server task included), {case}"),
                o.samples("cpu_us_per_call"),
                t.samples("cpu_us_per_call"),
                Unit::PerCall,
                None,
            );
            row(
                &format!("restJson1 allocations/call, {case}"),
                o.samples("allocs_per_call"),
                t.samples("allocs_per_call"),
                Unit::PerCall,
                None,
            );
            row(
                &format!("restJson1 bytes allocated/call, {case}"),
                o.samples("bytes_per_call"),
                t.samples("bytes_per_call"),
                Unit::Count,
                None,
            );
            row(
                &format!("restJson1 peak RSS, {case}"),
                o.samples("vm_hwm_kib"),
                t.samples("vm_hwm_kib"),
                Unit::KiB,
                None,
            );
        }
        for ((size, framing, _), [o, t]) in &self.gets {
            let goal = (*size == HEADLINE_MIB && *framing == "length").then_some((1.0, "≥ 1×"));
            let what = if *framing == "chunked" {
                ", chunked"
            } else {
                ""
            };
            row(
                &format!("GetObject {size} MiB{what}, throughput"),
                o.samples("mib_per_sec"),
                t.samples("mib_per_sec"),
                Unit::MiBPerSec,
                goal,
            );
            row(
                &format!("GetObject {size} MiB{what}, MiB per client-thread CPU second"),
                o.samples("mib_per_cpu_sec"),
                t.samples("mib_per_cpu_sec"),
                Unit::MiBPerSec,
                None,
            );
        }
        for ((size, framing, _), [o, t]) in &self.gets {
            let what = if *framing == "chunked" {
                ", chunked"
            } else {
                ""
            };
            row(
                &format!("GetObject {size} MiB{what}, program peak RSS"),
                o.samples("vm_hwm_kib"),
                t.samples("vm_hwm_kib"),
                Unit::KiB,
                None,
            );
        }
        for ((size, framing, _), [o, t]) in &self.gets {
            let what = if *framing == "chunked" {
                ", chunked"
            } else {
                ""
            };
            row(
                &format!("GetObject {size} MiB{what}, chunks read/call"),
                o.samples("chunks_per_call"),
                t.samples("chunks_per_call"),
                Unit::PerCall,
                None,
            );
            row(
                &format!("GetObject {size} MiB{what}, allocations/call"),
                o.samples("allocs_per_call"),
                t.samples("allocs_per_call"),
                Unit::PerCall,
                None,
            );
        }
        s
    }

    /// Peak RSS growth (median, KiB) from the smallest to the largest `Content-Length` object.
    fn rss_growth(&self, side: usize) -> Option<(u64, u64, f64)> {
        let length: Vec<_> = self
            .gets
            .iter()
            .filter(|((_, f, _), _)| *f == "length")
            .collect();
        let (first, last) = (length.first()?, length.last()?);
        if first.0 .0 == last.0 .0 {
            return None;
        }
        let growth = median(last.1[side].samples("vm_hwm_kib"))
            - median(first.1[side].samples("vm_hwm_kib"));
        Some((first.0 .0, last.0 .0, growth))
    }

    fn markdown(&self, table: &str) -> String {
        let e = &self.env;
        let mut s = String::new();
        let _ = writeln!(s, "{BEGIN}");
        let _ = writeln!(s, "### Results\n");
        let _ = writeln!(s, "Ours = the generated `generated/lambda` (restJson1) and `generated/s3` (restXml), vendored by path, default features; theirs = `aws-sdk-lambda` + `aws-sdk-s3` (default features; no aws-config). Both programs: `bench/calls-{{ours,theirs}}/main.rs` + `bench/calls-common.rs`, tokio current_thread runtime, region `us-east-1`, static credentials, `endpoint_url` on the loopback server, S3 path-style, release builds with `strip = true`. Values are median (min–max, n runs), each run a fresh process; ratio = ours / theirs of the medians.\n");
        let _ = writeln!(s, "{table}");
        for (side, name) in [(0, "ours"), (1, "theirs")] {
            if let Some((from, to, growth)) = self.rss_growth(side) {
                let verdict = if side == 0 {
                    if growth.abs() <= RSS_TOLERANCE_KIB {
                        format!(
                            " — independent of the object size (goal: within {:.0} MiB): met",
                            RSS_TOLERANCE_KIB / 1024.0
                        )
                    } else {
                        format!(
                            " — grows with the object size (goal: within {:.0} MiB): **missed**",
                            RSS_TOLERANCE_KIB / 1024.0
                        )
                    }
                } else {
                    String::new()
                };
                let _ = writeln!(s, "- program peak RSS from a {from} MiB to a {to} MiB object, {name}: {:+.1} MiB{verdict}", growth / 1024.0);
            }
        }
        let mut server = Vec::new();
        for (_, pair) in &self.rest {
            for c in pair {
                server.extend_from_slice(c.samples("server_allocs_per_call"));
            }
        }
        let (lo, hi) = min_max(&server);
        let _ = writeln!(s, "- allocations/call exclude the loopback servers' (restJson1 server: {lo:.3}–{hi:.3} per call in both programs; the S3 server allocates its 1 MiB buffer once and a few bytes per response head).\n");
        let _ = writeln!(s, "#### Machine and commands\n");
        let _ = writeln!(
            s,
            "- date: {}; cores (`nproc`): {}; CPU: {}; {}",
            e.date, e.cores, e.cpu, e.rustc
        );
        let mut loads: Vec<&str> = Vec::new();
        for (_, pair) in &self.rest {
            for c in pair {
                loads.extend(c.loads.iter().map(String::as_str));
            }
        }
        for (_, pair) in &self.gets {
            for c in pair {
                loads.extend(c.loads.iter().map(String::as_str));
            }
        }
        let one_minute: Vec<f64> = loads
            .iter()
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        let (llo, lhi) = min_max(&one_minute);
        let _ = writeln!(s, "- load average at start: {}; 1-minute load average before each run: {llo:.2}–{lhi:.2} (median {:.2}; the machine is shared)", e.load, median(&one_minute));
        for (name, v) in &self.versions {
            let _ = writeln!(s, "- {name}: {v}");
        }
        let _ = writeln!(s, "- command: `{}` (runs {}, {} calls per restJson1 run, object sizes {:?} MiB, about {} MiB read per GetObject run)", e.command, self.opts.runs, self.opts.iterations, self.opts.sizes, self.opts.get_mib);
        let _ = writeln!(s, "- restJson1: `bench-calls-{{ours,theirs}} rest-success|rest-error {}`: Lambda GetFunctionConfiguration (`GET /2015-03-31/functions/bench-function/configuration`, signed), answered by a server task on the client's runtime with a fixed {}-byte JSON body (or a 404 `ResourceNotFoundException` with `x-amzn-errortype`); {} warm-up calls, then {} timed sequential calls; allocator calls (alloc/alloc_zeroed/realloc) outside the server counted by a global allocator; CPU time = the runtime thread's (/proc/thread-self/schedstat), which also runs the server task, so it is less disturbed by other load than calls/s but not the client's alone.", self.opts.iterations, lambda_body_len(), (self.opts.iterations / 10).max(100), self.opts.iterations);
        let _ = writeln!(s, "- GetObject: `bench-calls-{{ours,theirs}} get SIZE_MIB length|chunked REPEATS`: a server thread answers every GET with the object (no checksum or ETag headers, so neither client validates a checksum), `Content-Length`-framed or chunked in 1 MiB chunks, written with blocking `write_all` from one 1 MiB buffer; one warm-up GetObject, then REPEATS timed ones on the same connection, each body read chunk by chunk (`body.try_next()`), every chunk's length counted and a sample of its bytes compared with the server's pattern, nothing kept. Throughput = bytes read / wall time from the first timed request to the last chunk; MiB per CPU second = the same bytes / CPU time of the client's runtime thread (/proc/thread-self/schedstat; the server thread not included), less sensitive to other load on the machine. Peak RSS = `VmHWM` of /proc/self/status at the end (client, server and their buffers; nothing is allocated in proportion to the object on the server side).");
        let _ = writeln!(s, "\n{END}");
        s
    }
}

/// The length of the restJson1 answer (`LAMBDA_BODY` of `bench/calls-common.rs`), for the notes.
fn lambda_body_len() -> usize {
    include_str!("../../bench/calls-common.rs")
        .split_once("pub const LAMBDA_BODY: &str = r#\"")
        .and_then(|(_, rest)| rest.split_once("\"#;"))
        .map_or(0, |(body, _)| body.len())
}

/// Replaces the marked section of BENCHMARKS.md, or adds it (with a heading) before the
/// reliability part, or at the end.
fn splice(previous: &str, section: &str) -> String {
    if let (Some(b), Some(e)) = (previous.find(BEGIN), previous.find(END)) {
        if b < e {
            return format!(
                "{}{}{}",
                &previous[..b],
                section.trim_end(),
                &previous[e + END.len()..]
            );
        }
    }
    let added = format!(
        "\n## Per call: restJson1 and S3 GetObject (`cargo xtask bench-calls`)\n\n{section}"
    );
    match previous.find(INSERT_BEFORE) {
        Some(at) => format!("{}{added}{}", &previous[..at], &previous[at..]),
        None => format!("{}{added}", previous.trim_end()),
    }
}
