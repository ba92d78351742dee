//! `cargo xtask bench`: the generated Cognito crate against aws-sdk-cognitoidentityprovider.
//!
//! Two equivalent programs (`bench/ours/main.rs`, `bench/theirs/main.rs`, sharing
//! `bench/common.rs`) are written into `target/bench/{ours,theirs}`, each its own workspace with
//! its own target directory, and measured: clean release build (wall, CPU, crates compiled, peak
//! RSS), incremental rebuild after touching `main.rs`, stripped binary size, sequential calls per
//! second and allocations per call against an in-process loopback server, peak RSS of the client;
//! plus the generator's own time for `model/` and for the whole Cognito model. The results go to
//! stdout, to `BENCHMARKS.md` (between markers; the hand-written findings around them are kept)
//! and to `bench/ratios.svg`.
//!
//! In the same run (`bench_builds.rs`): the floor (the generated crate's dependencies under a
//! trivial main), the TLS variants of ours and of the floor, and a multi-service program on
//! generated crates with a shared runtime against the same program on aws-sdk-rust.

use crate::bench_builds::{self, BuildComparison, Manifest};
use crate::codegen_cmd;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

pub const USAGE: &str = "  bench [--runs N] [--build-runs N] [--iterations N] [--codegen-runs N]
        [--skip-theirs-build] [--skip-tls-variants] [--skip-multi] [--timings]
      Compare the generated Cognito crate with aws-sdk-cognitoidentityprovider: clean and
      incremental release builds, binary size, calls/s and allocations per call against a
      loopback server, peak memory, codegen time; the floor (the generated crate's own
      dependencies under a trivial main); the TLS variants (all ring suites, platform roots,
      native-tls) of ours and the floor; a Cognito + DynamoDB + S3 program on generated crates
      with a shared runtime against aws-sdk-rust's. Takes many minutes (the SDK's clean builds
      dominate). Writes BENCHMARKS.md and bench/ratios.svg. --runs: runtime and incremental
      runs (default 3); --build-runs: clean builds per program (default 1); --iterations:
      calls per runtime run (default 20000); --skip-theirs-build: reuse the SDK programs' last
      builds and their recorded build numbers; --skip-tls-variants, --skip-multi: leave those
      parts out; --timings: pass --timings to the clean builds.";

const TIME: &str = "/usr/bin/time";
const SERVICE: &str = "com.amazonaws.cognitoidentityprovider#AWSCognitoIdentityProviderService";
const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside these markers) -->";
const END: &str = "<!-- bench:end -->";

pub(crate) struct Options {
    runs: usize,
    build_runs: usize,
    iterations: u64,
    codegen_runs: usize,
    skip_theirs_build: bool,
    skip_tls_variants: bool,
    skip_multi: bool,
    timings: bool,
}

fn number(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    match crate::flag(args, name)? {
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name}: expected a positive number, got {v}")),
        None => Ok(default),
    }
}

/// Progress on stderr, with the time since the start.
pub(crate) fn progress(start: Instant, message: &str) {
    eprintln!("[bench {:>6.1}s] {message}", start.elapsed().as_secs_f64());
}

pub fn cmd(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: cargo xtask bench [options]\n\n{USAGE}");
        return Ok(());
    }
    let root = codegen_cmd::root();
    if cfg!(debug_assertions) {
        // Codegen timings must come from an optimised generator: re-run as a release build.
        eprintln!("[bench] re-running xtask as a release build");
        let status = Command::new(cargo())
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "xtask",
                "--bin",
                "xtask",
                "--",
                "bench",
            ])
            .args(args)
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cargo run --release: {e}"))?;
        return if status.success() {
            Ok(())
        } else {
            Err("release xtask bench failed".into())
        };
    }
    let opts = Options {
        runs: number(args, "--runs", 3)?,
        build_runs: number(args, "--build-runs", 1)?,
        iterations: number(args, "--iterations", 20_000)? as u64,
        codegen_runs: number(args, "--codegen-runs", 9)?,
        skip_theirs_build: args.iter().any(|a| a == "--skip-theirs-build"),
        skip_tls_variants: args.iter().any(|a| a == "--skip-tls-variants"),
        skip_multi: args.iter().any(|a| a == "--skip-multi"),
        timings: args.iter().any(|a| a == "--timings"),
    };
    if !Path::new(TIME).exists() {
        return Err(format!(
            "{TIME} not found: install it with `apt-get install -y time`"
        ));
    }
    let start = Instant::now();
    let env = Environment::read(&root, args);
    progress(
        start,
        &format!(
            "{} cores, load average {}, {}",
            env.cores, env.load, env.rustc
        ),
    );

    let bench_dir = root.join("target/bench");
    let ours = Program::new(&bench_dir, "ours");
    let theirs = Program::new(&bench_dir, "theirs");
    let floor = Program::new(&bench_dir, "floor");
    let multi_ours = Program::new(&bench_dir, "multi-ours");
    let multi_theirs = Program::new(&bench_dir, "multi-theirs");
    let manifest = Manifest::read(&root)?;
    ours.write_sources(&root, true)?;
    bench_builds::write_floor(&root, &floor, &manifest, &manifest.default_features())?;
    let mut sdk_programs = vec![&theirs];
    if !opts.skip_multi {
        bench_builds::write_multi_ours(&root, &multi_ours)?;
        sdk_programs.push(&multi_theirs);
    }
    for program in sdk_programs {
        if opts.skip_theirs_build {
            if !program.binary().exists() {
                return Err(format!(
                    "--skip-theirs-build: {} does not exist; run once without it",
                    program.binary().display()
                ));
            }
        } else if program.name == "theirs" {
            program.write_sources(&root, false)?;
        } else {
            bench_builds::write_multi_theirs(&root, program)?;
        }
    }

    // Builds.
    let ours_build = ours.measure_builds(&opts, start, true)?;
    let mut comparison = BuildComparison {
        default_features: manifest.default_features(),
        floor: Some(floor.measure_builds(&opts, start, false)?),
        ..Default::default()
    };
    let theirs_build = if opts.skip_theirs_build {
        progress(
            start,
            "theirs: reusing the recorded build numbers (--skip-theirs-build)",
        );
        theirs.load_builds()?
    } else {
        theirs.measure_builds(&opts, start, true)?
    };
    if opts.skip_tls_variants {
        comparison.skipped.push("TLS variants (--skip-tls-variants)");
    } else {
        comparison.variants = bench_builds::measure_variants(&root, &bench_dir, &manifest, &opts, start)?;
    }
    if opts.skip_multi {
        comparison.skipped.push("several services (--skip-multi)");
    } else {
        let o = multi_ours.measure_builds(&opts, start, false)?;
        let t = if opts.skip_theirs_build {
            progress(start, "multi-theirs: reusing the recorded build numbers (--skip-theirs-build)");
            multi_theirs.load_builds()?
        } else {
            multi_theirs.measure_builds(&opts, start, false)?
        };
        let (os, ts) = (bench_builds::selftest(&multi_ours, start)?, bench_builds::selftest(&multi_theirs, start)?);
        comparison.multi = Some((o, t, os, ts));
    }

    // Calls against the loopback server, ours and theirs alternating.
    let mut runtime: Vec<(&str, RunSamples, RunSamples)> = Vec::new();
    for mode in ["success", "error"] {
        let (mut o, mut t) = (RunSamples::default(), RunSamples::default());
        for run in 1..=opts.runs {
            for (program, samples) in [(&ours, &mut o), (&theirs, &mut t)] {
                progress(
                    start,
                    &format!(
                        "{}: {mode} x {} calls, run {run}/{}",
                        program.name, opts.iterations, opts.runs
                    ),
                );
                let r = program.run(mode, opts.iterations)?;
                progress(
                    start,
                    &format!(
                        "  {:.0} calls/s, {:.1} allocations/call, max RSS {:.1} MiB",
                        r.calls_per_sec,
                        r.allocs,
                        r.rss_kib / 1024.0
                    ),
                );
                samples.push(r);
            }
        }
        runtime.push((mode, o, t));
    }

    // Codegen, in process.
    let (cg_model, cg_corpus) = measure_codegen(&root, opts.codegen_runs, start)?;

    let report = Report {
        env,
        opts: &opts,
        comparison,
        ours: ours_build,
        theirs: theirs_build,
        runtime,
        cg_model,
        cg_corpus,
        versions: versions(&theirs, &ours),
    };
    let rows = report.rows();
    let table = markdown_table(&rows);
    println!("\n{table}");
    let extra = report.comparison.markdown(&report.ours, &report.theirs);
    println!("{extra}");
    let md_path = root.join("BENCHMARKS.md");
    let section = report.markdown(&table);
    let previous = std::fs::read_to_string(&md_path).ok();
    std::fs::write(&md_path, splice(previous.as_deref(), &section))
        .map_err(|e| format!("{}: {e}", md_path.display()))?;
    let svg_path = root.join("bench/ratios.svg");
    let mut chart = rows;
    chart.extend(report.chart_rows());
    std::fs::write(&svg_path, svg(&chart, &report.env))
        .map_err(|e| format!("{}: {e}", svg_path.display()))?;
    progress(
        start,
        &format!("wrote {} and {}", md_path.display(), svg_path.display()),
    );
    // restJson1 and S3 GetObject per call: its own programs and section of BENCHMARKS.md.
    crate::bench_calls::run_in_bench(opts.runs, start)
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

struct Environment {
    cores: String,
    cpu: String,
    date: String,
    rustc: String,
    cargo: String,
    load: String,
    command: String,
}

impl Environment {
    fn read(_root: &Path, args: &[String]) -> Environment {
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
            cargo: output("cargo", &["-V"]),
            load: load_average(),
            command: format!(
                "cargo xtask bench{}",
                args.iter().map(|a| format!(" {a}")).collect::<String>()
            ),
        }
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Median, min, max of samples.
#[derive(Clone, Debug, Default)]
pub(crate) struct Samples(pub(crate) Vec<f64>);

impl Samples {
    fn push(&mut self, v: f64) {
        self.0.push(v);
    }
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(|a, b| a.total_cmp(b));
        v
    }
    pub(crate) fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }
    fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }
    fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }
    fn to_json(&self) -> Value {
        json!(self.0)
    }
    fn from_json(v: Option<&Value>) -> Samples {
        Samples(
            v.and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default(),
        )
    }
}

/// The build numbers of one program.
#[derive(Default)]
pub(crate) struct BuildSamples {
    pub(crate) wall: Samples,
    pub(crate) cpu: Samples,
    pub(crate) rss_kib: Samples,
    pub(crate) crates: Samples,
    pub(crate) incremental: Samples,
    pub(crate) binary: f64,
    pub(crate) load: Vec<String>,
    /// When the builds were made (shown for recorded builds reused by --skip-theirs-build).
    pub(crate) date: String,
}

#[derive(Default)]
struct RunSamples {
    calls_per_sec: Samples,
    allocs: Samples,
    bytes: Samples,
    server_allocs: Samples,
    rss_kib: Samples,
}

struct RunResult {
    calls_per_sec: f64,
    allocs: f64,
    bytes: f64,
    server_allocs: f64,
    rss_kib: f64,
}

impl RunSamples {
    fn push(&mut self, r: RunResult) {
        self.calls_per_sec.push(r.calls_per_sec);
        self.allocs.push(r.allocs);
        self.bytes.push(r.bytes);
        self.server_allocs.push(r.server_allocs);
        self.rss_kib.push(r.rss_kib);
    }
}

/// `/usr/bin/time -f "%e %U %S %M"`: wall s, user s, sys s, max RSS KiB.
struct Timed {
    wall: f64,
    cpu: f64,
    rss_kib: f64,
}

fn read_time(path: &Path) -> Result<Timed, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = text.lines().last().unwrap_or("");
    let f: Vec<f64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    if f.len() != 4 {
        return Err(format!(
            "{}: unexpected /usr/bin/time output: {text}",
            path.display()
        ));
    }
    Ok(Timed {
        wall: f[0],
        cpu: f[1] + f[2],
        rss_kib: f[3],
    })
}

pub(crate) struct Program {
    pub(crate) name: String,
    pub(crate) dir: PathBuf,
}

impl Program {
    pub(crate) fn new(bench_dir: &Path, name: &str) -> Program {
        Program {
            name: name.to_string(),
            dir: bench_dir.join(name),
        }
    }

    pub(crate) fn binary(&self) -> PathBuf {
        self.dir.join(format!("target/release/bench-{}", self.name))
    }

    /// Writes Cargo.toml and src/ from `bench/`; for ours also copies the generated crate to
    /// `vendor/`. The target directory is left alone (the clean build removes it).
    fn write_sources(&self, root: &Path, vendor: bool) -> Result<(), String> {
        let templates = root.join("bench");
        let src = self.dir.join("src");
        std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        copy(
            &templates.join(&self.name).join("Cargo.toml"),
            &self.dir.join("Cargo.toml"),
        )?;
        copy(
            &templates.join(&self.name).join("main.rs"),
            &src.join("main.rs"),
        )?;
        copy(&templates.join("common.rs"), &src.join("common.rs"))?;
        if vendor {
            let to = self.dir.join("vendor/cognito-identity-provider");
            if to.exists() {
                std::fs::remove_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
            }
            copy_dir(&root.join("generated/cognito-identity-provider"), &to)?;
        }
        Ok(())
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let mut c = Command::new(cargo());
        c.args(args)
            .current_dir(&self.dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        c
    }

    /// `cargo build --release` under /usr/bin/time, streaming progress; returns the timing and
    /// the number of crates compiled.
    fn timed_build(
        &self,
        label: &str,
        extra: &[&str],
        start: Instant,
    ) -> Result<(Timed, usize), String> {
        let time_file = self.dir.join("time.txt");
        let log_path = self.dir.join(format!("{label}.log"));
        let mut child = Command::new(TIME)
            .args(["-f", "%e %U %S %M", "-o"])
            .arg(&time_file)
            .arg(cargo())
            .args(["build", "--release"])
            .args(extra)
            .current_dir(&self.dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{TIME} cargo build: {e}"))?;
        let mut log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut compiled = 0;
        let mut last_report = Instant::now();
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
                if line.trim_start().starts_with("Compiling ") {
                    compiled += 1;
                    if last_report.elapsed().as_secs() >= 20 {
                        last_report = Instant::now();
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
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!(
                "{}: cargo build --release failed; see {}",
                self.name,
                log_path.display()
            ));
        }
        Ok((read_time(&time_file)?, compiled))
    }

    /// Clean builds (and, with `incremental`, rebuilds after touching main.rs) and the binary size.
    pub(crate) fn measure_builds(
        &self,
        opts: &Options,
        start: Instant,
        incremental: bool,
    ) -> Result<BuildSamples, String> {
        progress(start, &format!("{}: cargo fetch (not timed)", self.name));
        let status = self
            .cargo(&["fetch", "--quiet"])
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("{}: cargo fetch failed", self.name));
        }
        let mut b = BuildSamples {
            date: output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            ..Default::default()
        };
        let target = self.dir.join("target");
        for run in 1..=opts.build_runs {
            if target.exists() {
                std::fs::remove_dir_all(&target)
                    .map_err(|e| format!("{}: {e}", target.display()))?;
            }
            let load = load_average();
            progress(
                start,
                &format!(
                    "{}: clean cargo build --release, run {run}/{} (load average {load})",
                    self.name, opts.build_runs
                ),
            );
            let extra: &[&str] = if opts.timings { &["--timings"] } else { &[] };
            let (t, crates) = self.timed_build(&format!("build-clean-{run}"), extra, start)?;
            progress(
                start,
                &format!(
                    "  {}: {:.1} s wall, {:.1} s CPU, {crates} crates, max RSS {:.0} MiB",
                    self.name,
                    t.wall,
                    t.cpu,
                    t.rss_kib / 1024.0
                ),
            );
            b.wall.push(t.wall);
            b.cpu.push(t.cpu);
            b.rss_kib.push(t.rss_kib);
            b.crates.push(crates as f64);
            b.load.push(load);
        }
        for run in (1..=opts.runs).filter(|_| incremental) {
            let main = self.dir.join("src/main.rs");
            std::fs::File::options()
                .write(true)
                .open(&main)
                .and_then(|f| f.set_modified(SystemTime::now()))
                .map_err(|e| format!("touch {}: {e}", main.display()))?;
            progress(
                start,
                &format!(
                    "{}: incremental rebuild after touching src/main.rs, run {run}/{}",
                    self.name, opts.runs
                ),
            );
            let (t, _) = self.timed_build(&format!("build-incremental-{run}"), &[], start)?;
            progress(start, &format!("  {}: {:.2} s", self.name, t.wall));
            b.incremental.push(t.wall);
        }
        b.binary = std::fs::metadata(self.binary())
            .map_err(|e| format!("{}: {e}", self.binary().display()))?
            .len() as f64;
        self.save_builds(&b)?;
        Ok(b)
    }

    fn results_path(&self) -> PathBuf {
        self.dir.join("build-results.json")
    }

    fn save_builds(&self, b: &BuildSamples) -> Result<(), String> {
        let v = json!({
            "wall": b.wall.to_json(), "cpu": b.cpu.to_json(), "rss_kib": b.rss_kib.to_json(),
            "crates": b.crates.to_json(), "incremental": b.incremental.to_json(), "binary": b.binary, "load": b.load, "date": b.date,
        });
        std::fs::write(
            self.results_path(),
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )
        .map_err(|e| format!("{}: {e}", self.results_path().display()))
    }

    fn load_builds(&self) -> Result<BuildSamples, String> {
        let path = self.results_path();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e} (run once without --skip-theirs-build)",
                path.display()
            )
        })?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(BuildSamples {
            wall: Samples::from_json(v.get("wall")),
            cpu: Samples::from_json(v.get("cpu")),
            rss_kib: Samples::from_json(v.get("rss_kib")),
            crates: Samples::from_json(v.get("crates")),
            incremental: Samples::from_json(v.get("incremental")),
            binary: v.get("binary").and_then(Value::as_f64).unwrap_or(f64::NAN),
            date: v.get("date").and_then(Value::as_str).unwrap_or("").to_string(),
            load: v
                .get("load")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// Runs the program once under /usr/bin/time and parses its result line.
    fn run(&self, mode: &str, iterations: u64) -> Result<RunResult, String> {
        let time_file = self.dir.join("time-run.txt");
        let out = Command::new(TIME)
            .args(["-f", "%e %U %S %M", "-o"])
            .arg(&time_file)
            .arg(self.binary())
            .args([mode, &iterations.to_string()])
            .output()
            .map_err(|e| format!("{}: {e}", self.binary().display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "{} {mode} failed: {stdout}{}",
                self.name,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let field = |name: &str| -> Result<f64, String> {
            stdout
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{}: no {name} in output: {stdout}", self.name))
        };
        let t = read_time(&time_file)?;
        Ok(RunResult {
            calls_per_sec: field("calls_per_sec")?,
            allocs: field("allocs_per_call")?,
            bytes: field("bytes_per_call")?,
            server_allocs: field("server_allocs_per_call")?,
            rss_kib: t.rss_kib,
        })
    }
}

/// A ratio for tables: three decimals.
pub(crate) fn fmt_ratio_plain(r: f64) -> String {
    if r.is_finite() {
        format!("{r:.3}")
    } else {
        "—".into()
    }
}

pub(crate) fn copy(from: &Path, to: &Path) -> Result<(), String> {
    // Only rewrite when different, so that an unchanged source does not look modified to cargo.
    let text = std::fs::read(from).map_err(|e| format!("{}: {e}", from.display()))?;
    if std::fs::read(to).ok().as_deref() == Some(text.as_slice()) {
        return Ok(());
    }
    std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from)
        .map_err(|e| format!("{}: {e}", from.display()))?
        .flatten()
    {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Median codegen times (generate + format_files) in ms: the configured crate, then all of the
/// Cognito model's operations (None when the corpus model is not there).
fn measure_codegen(
    root: &Path,
    runs: usize,
    start: Instant,
) -> Result<(Samples, Option<(Samples, usize)>), String> {
    let jobs = codegen_cmd::read_config(&root.join("codegen.json"))?;
    let job = jobs
        .iter()
        .find(|j| j.spec.crate_name == "cognito-identity-provider")
        .ok_or("codegen.json: no cognito-identity-provider crate")?;
    let mut files = Vec::new();
    for m in &job.models {
        files.push((
            m.display().to_string(),
            std::fs::read_to_string(m).map_err(|e| format!("{}: {e}", m.display()))?,
        ));
    }
    let time = |files: &[(String, String)],
                spec: &codegen::CrateSpec|
     -> Result<(Samples, usize), String> {
        let mut s = Samples::default();
        let mut n = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let generated = codegen::generate(files, spec).map_err(|e| e.to_string())?;
            let out = codegen::format_files(generated).map_err(|e| e.to_string())?;
            s.push(t.elapsed().as_secs_f64() * 1e3);
            n = out.len();
        }
        Ok((s, n))
    };
    progress(
        start,
        &format!(
            "codegen: model/ ({} operations), {runs} runs",
            job.spec.operations.as_ref().map_or(0, Vec::len)
        ),
    );
    let (model, _) = time(&files, &job.spec)?;
    progress(start, &format!("  median {:.1} ms", model.median()));
    let corpus_path = root.join("../shared/models/aws/cognito-identity-provider.json");
    let corpus = match std::fs::read_to_string(&corpus_path) {
        Ok(text) => {
            let spec = codegen::CrateSpec {
                crate_name: "cognito-identity-provider".into(),
                version: "0.1.0".into(),
                service: SERVICE.into(),
                operations: None,
                runtime: Default::default(),
            };
            let files = vec![(corpus_path.display().to_string(), text)];
            let (model, sel) = codegen::load(&files, &spec).map_err(|e| e.to_string())?;
            let ops = sel.operations.len();
            drop(model);
            progress(
                start,
                &format!("codegen: whole Cognito model ({ops} operations), {runs} runs"),
            );
            let (s, _) = time(&files, &spec)?;
            progress(start, &format!("  median {:.1} ms", s.median()));
            Some((s, ops))
        }
        Err(_) => {
            progress(
                start,
                &format!("codegen: {} not found, skipped", corpus_path.display()),
            );
            None
        }
    };
    Ok((model, corpus))
}

/// Resolved versions of the main dependencies, from the programs' lock files.
fn versions(theirs: &Program, ours: &Program) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let wanted: [(&Program, &[&str]); 2] = [
        (
            theirs,
            &[
                "aws-sdk-cognitoidentityprovider",
                "aws-config",
                "aws-smithy-runtime",
                "aws-smithy-http-client",
                "hyper",
                "rustls",
                "aws-lc-rs",
                "tokio",
            ],
        ),
        (ours, &["hyper", "rustls", "ring", "tokio"]),
    ];
    for (program, names) in wanted {
        let lock = std::fs::read_to_string(program.dir.join("Cargo.lock")).unwrap_or_default();
        let mut found = Vec::new();
        for name in names {
            let mut lines = lock.lines();
            while let Some(line) = lines.next() {
                if line == format!("name = \"{name}\"") {
                    if let Some(v) = lines
                        .next()
                        .and_then(|l| l.strip_prefix("version = \""))
                        .map(|v| v.trim_end_matches('"'))
                    {
                        found.push(format!("{name} {v}"));
                    }
                }
            }
        }
        out.push((program.name.to_string(), found.join(", ")));
    }
    out
}

/// Which way is better for a metric.
#[derive(Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

/// One row of the table.
struct Row {
    metric: String,
    ours: Samples,
    theirs: Option<Samples>,
    unit: Unit,
    better: Better,
    /// Goal on the ratio ours/theirs, with its text.
    goal: Option<(f64, &'static str)>,
    /// Shown in the SVG chart.
    chart: bool,
}

#[derive(Clone, Copy)]
pub(crate) enum Unit {
    Seconds,
    Ms,
    Count,
    Bytes,
    KiB,
    PerSec,
    PerCall,
}

fn fmt_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Seconds => format!("{v:.2} s"),
        Unit::Ms => format!("{v:.1} ms"),
        Unit::Count => format!("{v:.0}"),
        Unit::Bytes => {
            if v >= 1024.0 * 1024.0 {
                format!("{:.2} MiB", v / 1024.0 / 1024.0)
            } else {
                format!("{:.0} KiB", v / 1024.0)
            }
        }
        Unit::KiB => format!("{:.1} MiB", v / 1024.0),
        Unit::PerSec => format!("{v:.0}"),
        Unit::PerCall => format!("{v:.1}"),
    }
}

pub(crate) fn fmt_samples(s: &Samples, unit: Unit) -> String {
    let n = s.0.len();
    if n == 0 || s.median().is_nan() {
        return "—".into();
    }
    if n <= 1 || (s.max() - s.min()).abs() < 1e-9 {
        let tail = if n > 1 {
            format!(" (all {n} equal)")
        } else {
            " (n=1)".into()
        };
        return format!("{}{tail}", fmt_value(s.median(), unit));
    }
    format!(
        "{} ({}–{}, n={n})",
        fmt_value(s.median(), unit),
        fmt_value(s.min(), unit),
        fmt_value(s.max(), unit)
    )
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        self.theirs
            .as_ref()
            .map(|t| self.ours.median() / t.median())
    }
    fn met(&self) -> Option<bool> {
        let (goal, _) = self.goal?;
        let r = self.ratio()?;
        Some(match self.better {
            Better::Lower => r <= goal,
            Better::Higher => r >= goal,
        })
    }
}

struct Report<'a> {
    env: Environment,
    opts: &'a Options,
    comparison: BuildComparison,
    ours: BuildSamples,
    theirs: BuildSamples,
    runtime: Vec<(&'a str, RunSamples, RunSamples)>,
    cg_model: Samples,
    cg_corpus: Option<(Samples, usize)>,
    versions: Vec<(String, String)>,
}

impl Report<'_> {
    fn rows(&self) -> Vec<Row> {
        let row = |metric: &str, ours: &Samples, theirs: &Samples, unit, better, goal, chart| Row {
            metric: metric.into(),
            ours: ours.clone(),
            theirs: Some(theirs.clone()),
            unit,
            better,
            goal,
            chart,
        };
        let (o, t) = (&self.ours, &self.theirs);
        let mut rows = vec![
            row(
                "clean release build, wall",
                &o.wall,
                &t.wall,
                Unit::Seconds,
                Better::Lower,
                Some((0.1, "≤ 1/10")),
                true,
            ),
            row(
                "clean release build, CPU (user+sys)",
                &o.cpu,
                &t.cpu,
                Unit::Seconds,
                Better::Lower,
                None,
                true,
            ),
            row(
                "crates compiled",
                &o.crates,
                &t.crates,
                Unit::Count,
                Better::Lower,
                None,
                true,
            ),
            row(
                "build peak RSS (largest process)",
                &o.rss_kib,
                &t.rss_kib,
                Unit::KiB,
                Better::Lower,
                None,
                false,
            ),
            row(
                "incremental rebuild (touch main.rs), wall",
                &o.incremental,
                &t.incremental,
                Unit::Seconds,
                Better::Lower,
                None,
                true,
            ),
            row(
                "stripped release binary",
                &Samples(vec![o.binary]),
                &Samples(vec![t.binary]),
                Unit::Bytes,
                Better::Lower,
                Some((0.125, "≤ 1/8")),
                true,
            ),
        ];
        for (mode, ours, theirs) in &self.runtime {
            rows.push(row(
                &format!("calls/s, {mode}"),
                &ours.calls_per_sec,
                &theirs.calls_per_sec,
                Unit::PerSec,
                Better::Higher,
                Some((2.0, "≥ 2×")),
                true,
            ));
            rows.push(row(
                &format!("allocations/call, {mode}"),
                &ours.allocs,
                &theirs.allocs,
                Unit::PerCall,
                Better::Lower,
                Some((1.0 / 3.0, "≤ 1/3")),
                true,
            ));
            rows.push(row(
                &format!("bytes allocated/call, {mode}"),
                &ours.bytes,
                &theirs.bytes,
                Unit::Count,
                Better::Lower,
                None,
                false,
            ));
            rows.push(row(
                &format!("client peak RSS, {mode}"),
                &ours.rss_kib,
                &theirs.rss_kib,
                Unit::KiB,
                Better::Lower,
                None,
                mode == &"success",
            ));
        }
        rows.push(Row {
            metric: "codegen, model/ (configured operations)".into(),
            ours: self.cg_model.clone(),
            theirs: None,
            unit: Unit::Ms,
            better: Better::Lower,
            goal: None,
            chart: false,
        });
        if let Some((s, ops)) = &self.cg_corpus {
            rows.push(Row {
                metric: format!("codegen, whole Cognito model ({ops} operations)"),
                ours: s.clone(),
                theirs: None,
                unit: Unit::Ms,
                better: Better::Lower,
                goal: None,
                chart: false,
            });
        }
        rows
    }

    fn markdown(&self, table: &str) -> String {
        let e = &self.env;
        let mut s = String::new();
        let _ = writeln!(s, "{BEGIN}");
        let _ = writeln!(s, "## Results\n");
        let _ = writeln!(s, "Ours = the generated `generated/cognito-identity-provider` (vendored by path, default features); theirs = `aws-sdk-cognitoidentityprovider` + `aws-config` (default features). Both programs: `bench/{{ours,theirs}}/main.rs` + `bench/common.rs`, tokio current_thread runtime, `strip = true`, each built in its own clean target directory under `target/bench/`. Values are median (min–max, n runs); ratio = ours / theirs of the medians.\n");
        let _ = writeln!(s, "![ratios ours/theirs](bench/ratios.svg)\n");
        let _ = writeln!(s, "{table}");
        let _ = writeln!(s, "Server allocations are excluded from allocations/call (the loopback server allocates {} per call in both programs).\n", self.server_note());
        let _ = write!(s, "{}", self.comparison.markdown(&self.ours, &self.theirs));
        let _ = writeln!(s, "### Machine and commands\n");
        let _ = writeln!(s, "- date: {}", e.date);
        let _ = writeln!(s, "- cores (`nproc`): {}; CPU: {}", e.cores, e.cpu);
        let _ = writeln!(s, "- {}; {}", e.rustc, e.cargo);
        let recorded = if self.opts.skip_theirs_build {
            format!(
                "; recorded build of {} reused by --skip-theirs-build",
                self.theirs.date
            )
        } else {
            String::new()
        };
        let _ = writeln!(s, "- load average at start: {} (the machine is shared; clean builds started at load {} (ours) and {} (theirs{recorded}))", e.load, self.ours.load.join(", "), self.theirs.load.join(", "));
        for (name, v) in &self.versions {
            let _ = writeln!(s, "- {name}: {v}");
        }
        let _ = writeln!(
            s,
            "- command: `{}` (runs {}, build runs {}, {} calls per runtime run, codegen runs {})",
            e.command,
            self.opts.runs,
            self.opts.build_runs,
            self.opts.iterations,
            self.opts.codegen_runs
        );
        let _ = writeln!(s, "- each clean build: `rm -rf target && /usr/bin/time -f '%e %U %S %M' cargo build --release` in `target/bench/{{ours,theirs}}` after an untimed `cargo fetch`; crates = `Compiling` lines; CPU = user+sys of the cargo process tree; peak RSS = largest single process (`%M`).");
        let _ = writeln!(
            s,
            "- incremental: touch `src/main.rs`, then the same timed `cargo build --release`."
        );
        let _ = writeln!(s, "- runtime: `/usr/bin/time -f '%e %U %S %M' target/release/bench-{{ours,theirs}} success|error {}`, ours and theirs alternating; each program makes {} warm-up calls, then times {} sequential calls and counts allocator calls (alloc/alloc_zeroed/realloc) outside the server's tasks.", self.opts.iterations, (self.opts.iterations / 10).max(100), self.opts.iterations);
        let _ = writeln!(s, "- codegen: `codegen::generate` + `codegen::format_files` in process (release xtask), models read beforehand.");
        let _ = writeln!(s, "\n{END}");
        s
    }

    /// The chart's rows beyond the main table: ours against the floor, and the several-services
    /// program against the SDK's.
    fn chart_rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let row = |metric: &str, ours: Samples, theirs: Samples, unit, goal| Row {
            metric: metric.into(),
            ours,
            theirs: Some(theirs),
            unit,
            better: Better::Lower,
            goal,
            chart: true,
        };
        if let Some(floor) = &self.comparison.floor {
            rows.push(row(
                "ours / floor: clean build wall",
                self.ours.wall.clone(),
                floor.wall.clone(),
                Unit::Seconds,
                Some((1.15, "≤ 1.15")),
            ));
            rows.push(row(
                "ours / floor: clean build CPU",
                self.ours.cpu.clone(),
                floor.cpu.clone(),
                Unit::Seconds,
                Some((1.15, "≤ 1.15")),
            ));
        }
        if let Some((o, t, _, _)) = &self.comparison.multi {
            rows.push(row(
                "3 services: clean build wall",
                o.wall.clone(),
                t.wall.clone(),
                Unit::Seconds,
                Some((0.08, "≤ 0.08")),
            ));
            rows.push(row(
                "3 services: stripped binary",
                Samples(vec![o.binary]),
                Samples(vec![t.binary]),
                Unit::Bytes,
                Some((0.2, "≤ 0.2")),
            ));
        }
        rows
    }

    fn server_note(&self) -> String {
        let mut all = Samples::default();
        for (_, o, t) in &self.runtime {
            all.0.extend(&o.server_allocs.0);
            all.0.extend(&t.server_allocs.0);
        }
        format!("{:.3}–{:.3}", all.min(), all.max())
    }
}

fn markdown_table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| metric | ours | theirs (SDK) | ours/theirs | goal | |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let theirs = r
            .theirs
            .as_ref()
            .map(|t| fmt_samples(t, r.unit))
            .unwrap_or_else(|| "—".into());
        let ratio = r
            .ratio()
            .filter(|x| x.is_finite())
            .map(|x| format!("{x:.3}"))
            .unwrap_or_else(|| "—".into());
        let goal = r.goal.map(|(_, g)| g).unwrap_or("");
        let met = match r.met() {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {theirs} | {ratio} | {goal} | {met} |",
            r.metric,
            fmt_samples(&r.ours, r.unit)
        );
    }
    s
}

/// Replaces the marked section of BENCHMARKS.md (or creates the file around it).
fn splice(previous: Option<&str>, section: &str) -> String {
    if let Some(p) = previous {
        if let (Some(b), Some(e)) = (p.find(BEGIN), p.find(END)) {
            if b < e {
                return format!("{}{}{}", &p[..b], section.trim_end(), &p[e + END.len()..]);
            }
        }
    }
    format!("# Benchmarks: the generated client vs aws-sdk-rust\n\nRun with `cargo xtask bench` (not part of the tests; takes many minutes).\n\n{section}\n## Findings\n\n(none yet)\n")
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar chart of the ratios on a log scale, bars growing from 1.
fn svg(rows: &[Row], env: &Environment) -> String {
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| r.chart && r.ratio().is_some_and(f64::is_finite))
        .collect();
    let (lo, hi) = (0.01f64, 10.0f64);
    let (label_w, plot_w, value_w, row_h, top) = (300.0, 460.0, 70.0, 30.0, 56.0);
    let width = label_w + plot_w + value_w + 20.0;
    let height = top + row_h * rows.len() as f64 + 64.0;
    let x = |r: f64| {
        label_w + (r.clamp(lo, hi).log10() - lo.log10()) / (hi.log10() - lo.log10()) * plot_w
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="10" y="22" font-size="16" font-weight="bold">Generated client / aws-sdk-rust (ratio, log scale)</text>"#
    );
    let _ = writeln!(
        s,
        r##"<text x="10" y="42" fill="#555555">green: goal met (or better, no goal); amber: better, goal missed; red: worse, goal missed. {} cores, {}</text>"##,
        xml(&env.cores),
        xml(&env.date)
    );
    let axis_y = top + row_h * rows.len() as f64;
    for tick in [0.01, 0.1, 1.0, 10.0] {
        let tx = x(tick);
        let label = if tick < 1.0 {
            format!("{tick}")
        } else {
            format!("{tick:.0}")
        };
        let _ = writeln!(
            s,
            r##"<line x1="{tx:.1}" y1="{top}" x2="{tx:.1}" y2="{axis_y}" stroke="{}" stroke-width="1"/>"##,
            if tick == 1.0 { "#333333" } else { "#dddddd" }
        );
        let _ = writeln!(
            s,
            r##"<text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#555555">{label}×</text>"##,
            axis_y + 16.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let ratio = r.ratio().unwrap_or(1.0);
        let better = match r.better {
            Better::Lower => ratio <= 1.0,
            Better::Higher => ratio >= 1.0,
        };
        let color = match (better, r.met()) {
            (_, Some(true)) | (true, None) => "#3a9a4a",
            (true, Some(false)) => "#e0a030",
            (false, _) => "#c8453a",
        };
        let (x0, x1) = (x(1.0), x(ratio));
        let (bx, bw) = if x1 < x0 {
            (x1, x0 - x1)
        } else {
            (x0, x1 - x0)
        };
        let name = format!(
            "{}{}",
            r.metric,
            if r.better == Better::Higher {
                " (higher is better)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + 19.0,
            xml(&name)
        );
        let _ = writeln!(
            s,
            r#"<rect x="{bx:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"/>"#,
            y + 6.0,
            bw.max(1.0),
            row_h - 12.0
        );
        if let Some((goal, _)) = r.goal {
            let gx = x(goal);
            let _ = writeln!(
                s,
                r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#000000" stroke-width="2"/>"##,
                y + 3.0,
                y + row_h - 3.0
            );
        }
        let met = match r.met() {
            Some(true) => " ✓",
            Some(false) => " ✗",
            None => "",
        };
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{}{}</text>"#,
            label_w + plot_w + 8.0,
            y + 19.0,
            fmt_ratio(ratio),
            met
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="10" y="{:.1}" fill="#555555">Ratio = ours / SDK of the medians (ours / floor where named); bars start at 1×; black tick: goal. Lower is better except calls/s.</text>"##,
        axis_y + 40.0
    );
    s.push_str("</svg>\n");
    s
}

fn fmt_ratio(r: f64) -> String {
    if r >= 0.1 {
        format!("{r:.2}×")
    } else {
        format!("{r:.3}×")
    }
}
