//! `cargo xtask fuzz-responses --seconds N [--crate NAME] [--seed S] [--inputs N] [--from I]`:
//! hostile responses for every operation of every generated crate; prints
//! `inputs, panics, violations, max RSS` and the tables of BENCHMARKS.md's RELIABILITY section.
//! Exits non-zero when a call panicked or ended other than in `Ok` or a typed error keeping
//! status, request id and body.

use reliability::fuzz::{self, Options};
use reliability::memory::CountingAlloc;
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let number = |name: &str| -> Result<Option<u64>, String> {
        value(name).map(|v| v.parse::<u64>().map_err(|_| format!("{name}: not a number: {v}"))).transpose()
    };
    let parsed = (|| -> Result<Options, String> {
        let mut o = Options { seed: number("--seed")?.unwrap_or(1), crate_filter: value("--crate"), ..Options::default() };
        o.duration = number("--seconds")?.map(Duration::from_secs);
        o.inputs = number("--inputs")?;
        o.from = number("--from")?.unwrap_or(0);
        if let Some(kib) = number("--stack-kib")? {
            o.stack_size = kib as usize * 1024;
        }
        if o.duration.is_none() && o.inputs.is_none() {
            o.duration = Some(Duration::from_secs(60));
        }
        if o.inputs.is_some() && value("--from").is_some() {
            o.fixed_cases = false;
        }
        Ok(o)
    })();
    let options = match parsed {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\nusage: fuzz-responses [--seconds N | --inputs N] [--crate NAME] [--seed S] [--from I] [--stack-kib K]");
            return ExitCode::FAILURE;
        }
    };
    if let Some(name) = &options.crate_filter {
        let names: Vec<&str> = reliability::ops::suites().iter().map(|s| s.crate_name()).collect();
        if !names.contains(&name.as_str()) {
            eprintln!("error: no crate {name:?}; crates: {}", names.join(", "));
            return ExitCode::FAILURE;
        }
    }
    let report = fuzz::run(options, reliability::ops::suites, Some(&ALLOC));
    print!("{}", report.render());
    if report.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
