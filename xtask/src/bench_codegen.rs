//! `cargo xtask bench-codegen`: how long generation takes (emit + format, in process, no
//! writing) for the project's configured crates, the whole Cognito model and every awsJson
//! service of the corpus. Prints medians and spreads; run it with `--release` numbers in mind
//! (`cargo run --release -p xtask -- bench-codegen`).

use crate::{codegen_cmd, corpus};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn stats(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let median = ms(&samples[samples.len() / 2]);
    (median, ms(&samples[0]), ms(&samples[samples.len() - 1]))
}

fn time<F: FnMut() -> Result<(), String>>(runs: usize, mut f: F) -> Result<(f64, f64, f64), String> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(stats(samples))
}

pub fn cmd(args: &[String]) -> Result<(), String> {
    let models = crate::flag(args, "--models")?.map(PathBuf::from).unwrap_or_else(|| codegen_cmd::root().join("../shared/models/aws"));
    let runs: usize = crate::flag(args, "--runs")?.map(|r| r.parse().map_err(|_| "--runs: not a number")).transpose()?.unwrap_or(5);
    let profile = if cfg!(debug_assertions) { "debug build: use --release for real numbers" } else { "release build" };
    println!("codegen benchmark ({profile}), {runs} runs each, median [min..max]");

    let jobs = codegen_cmd::read_config(&codegen_cmd::root().join("codegen.json"))?;
    for job in &jobs {
        let (med, lo, hi) = time(runs, || codegen_cmd::render(job).map(|_| ()))?;
        println!("  {:<40} {med:>9.1} ms  [{lo:.1}..{hi:.1}]", format!("model/ ({})", job.spec.crate_name));
    }

    let services = corpus::find_services(&models)?;
    if let Some(cognito) = services.iter().find(|s| s.stem == "cognito-identity-provider") {
        let (med, lo, hi) = time(runs, || corpus::generate(cognito, "bench").map(|_| ()))?;
        println!("  {:<40} {med:>9.1} ms  [{lo:.1}..{hi:.1}]", "Cognito, all operations (corpus model)");
    }
    // The slowest services, to see what dominates.
    let mut each: Vec<(f64, &str)> = Vec::new();
    for s in &services {
        let start = Instant::now();
        corpus::generate(s, "bench")?;
        each.push((start.elapsed().as_secs_f64() * 1e3, s.stem.as_str()));
    }
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top: Vec<String> = each.iter().take(5).map(|(ms, name)| format!("{name} {ms:.0} ms")).collect();
    println!("  slowest: {}", top.join(", "));
    let all_runs = runs.clamp(1, 3);
    let (med, lo, hi) = time(all_runs, || {
        for s in &services {
            corpus::generate(s, "bench")?;
        }
        Ok(())
    })?;
    println!("  {:<40} {med:>9.1} ms  [{lo:.1}..{hi:.1}]", format!("all {} awsJson services ({all_runs} runs)", services.len()));
    Ok(())
}
