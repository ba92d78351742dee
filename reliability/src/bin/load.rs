//! `cargo xtask load [--calls N] [--tasks N]`: one client, 256 concurrent tasks, 100,000 calls
//! against a loopback server failing 10% of them in assorted ways; prints the counts (which
//! must add up), memory after warm-up and at the end, connections accepted, and latency against
//! a raw hyper client. Exits non-zero when a count is lost or memory grew by more than 10%.

use reliability::load::{self, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |name: &str, default: usize| -> Result<usize, String> {
        match args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)) {
            Some(v) => v.parse().map_err(|_| format!("{name}: not a number: {v}")),
            None => Ok(default),
        }
    };
    let options = match (number("--calls", 100_000), number("--tasks", 256)) {
        (Ok(calls), Ok(tasks)) => Options { calls, tasks, warm_up: calls / 10, compare_raw: !args.iter().any(|a| a == "--no-raw") },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}\nusage: load [--calls N] [--tasks N] [--no-raw]");
            return ExitCode::FAILURE;
        }
    };
    let report = load::run(options);
    print!("{}", report.render());
    let mut failed = false;
    if report.accounted() != report.calls || report.first_attempts != report.calls {
        eprintln!("FAILED: calls lost ({} ended, {} first attempts at the server, {} calls)", report.accounted(), report.first_attempts, report.calls);
        failed = true;
    }
    if report.rss_growth_percent() > 10.0 {
        eprintln!("FAILED: RSS grew {:.1}% after warm-up", report.rss_growth_percent());
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
