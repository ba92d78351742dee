//! Project tasks: `cargo xtask <command> [options]`.

// Code generation allocates many small tokens; mimalloc makes it about 20% faster than glibc's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_builds;
mod bench_calls;
mod bench_codegen;
mod bench_idl;
mod codegen_cmd;
mod corpus;
mod endpoints;
mod harness;
mod protocol_tests;
mod reliability;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check] [--config FILE]
  codegen --model PATH... --service ID [--operation NAME...] --out DIR [--name CRATE] [--check]
      Generate the crates listed in codegen.json (or one crate from the given model);
      --check fails if the files on disk differ from what would be generated.
      Without --name the package name comes from DIR's name (`legacy-1.0` -> `legacy-1-0`).
  ast FILE...
      Read model files (Smithy IDL `.smithy` or JSON AST `.json`) together and print their
      merged JSON AST (without the prelude).
  bench [--runs N] [--build-runs N] [--skip-theirs-build] [--skip-tls-variants] [--skip-multi] [--timings]
      Build and run the same small program on this crate and on aws-sdk-cognitoidentityprovider,
      build the floor (the crate's dependencies alone), its TLS variants and a three-service
      program on both, then run bench-calls; writes BENCHMARKS.md and bench/ratios.svg (takes
      many minutes; see `bench --help`).
  bench-calls [--runs N] [--iterations N] [--sizes MIB,..] [--get-mib N] [--skip-build]
      restJson1 (Lambda) calls/s and allocations per call, S3 GetObject throughput and peak
      memory per object size, against aws-sdk-lambda and aws-sdk-s3; writes BENCHMARKS.md
      (its own section; also run by `bench`; see `bench-calls --help`).
  bench-codegen [--models DIR] [--runs N]
      Time code generation (emit + format, no writing) for codegen.json's crates, the
      whole Cognito model and every awsJson service; use a release build.
  bench-idl [--shared DIR] [--runs N]
      Time reading the AWS protocol-test models as Smithy IDL (140 files + trait definitions)
      against parsing their JSON AST with serde_json; use a release build.
  corpus [--models DIR] [--only NAME] [--protocol NAME]
      Generate every service of a supported protocol in DIR (default ../shared/models/aws)
      with all operations and cargo-check them with warnings denied; prints one line per
      protocol and `N passed, M failed`.
  endpoints [--models DIR] [--bench-model FILE] [--bench-rounds N]
      Evaluate every smithy.rules#endpointTests case of every model in DIR
      (default ../shared/models/aws) and print the mean resolve time over the
      cases of FILE (default DIR/cognito-identity-provider.json), each
      resolved N times (default 2000).
  protocol-tests [--tests DIR] [--protocol NAME] [--filter SUBSTR] [--keep]
      Run the Smithy AWS protocol compliance tests in DIR (default ../shared/protocol-tests)
      against generated awsJson1_0/awsJson1_1 crates in target/protocol-tests/; prints
      `N passed, M failed, K skipped` per protocol, each skip and failure, and a total.
      --protocol (e.g. awsJson1_0) and --filter (case id substring) narrow the run;
      --keep keeps the generated crates and their tests.
  fuzz-responses [--seconds N | --inputs N] [--crate NAME] [--seed S] [--from I] [--release]
      Hostile responses (truncated, wrong types, huge numbers, 10k-deep nesting, invalid
      UTF-8 and escapes, billion laughs and external entities, hostile headers and statuses)
      for every operation of every crate of codegen.json, through the public API; prints
      `inputs, panics, violations, max RSS` and per-codec tables (default: 60 seconds, debug build).
  load [--calls N] [--tasks N] [--no-raw]
      One client, 256 concurrent tasks, 100,000 calls against a loopback server failing 10%
      (500s, 503 throttling, resets, non-JSON bodies): counts by outcome (they must add up),
      server requests and connections, RSS after warm-up and at the end, latency percentiles
      against a raw hyper client (release build).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen_cmd::cmd(&args[1..]),
        Some("ast") => cmd_ast(&args[1..]),
        Some("endpoints") => cmd_endpoints(&args[1..]),
        Some("corpus") => corpus::cmd(&args[1..]),
        Some("bench") => bench::cmd(&args[1..]),
        Some("bench-calls") => bench_calls::cmd(&args[1..]),
        Some("bench-codegen") => bench_codegen::cmd(&args[1..]),
        Some("bench-idl") => bench_idl::cmd(&args[1..]),
        Some("protocol-tests") => protocol_tests::cmd(&args[1..]),
        Some("fuzz-responses") => reliability::fuzz_responses(&args[1..]),
        Some("load") => reliability::load(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask ast FILE...`: the merged JSON AST of the files, pretty-printed.
fn cmd_ast(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err("usage: cargo xtask ast FILE... (Smithy IDL `.smithy` or JSON AST files)".into());
    }
    let mut files = Vec::new();
    for path in args {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        files.push((path.clone(), text));
    }
    let ast = codegen::merged_json_ast(&files).map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string_pretty(&ast).map_err(|e| e.to_string())?);
    Ok(())
}

/// Returns the value following `--name`, if present.
fn flag(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
        None => Ok(None),
    }
}

fn cmd_endpoints(args: &[String]) -> Result<(), String> {
    let models = PathBuf::from(
        flag(args, "--models")?.unwrap_or_else(|| "../shared/models/aws".to_owned()),
    );
    let (passed, failed) = endpoints::run(&models)?;
    let bench_model = flag(args, "--bench-model")?
        .map(PathBuf::from)
        .unwrap_or_else(|| models.join("cognito-identity-provider.json"));
    if bench_model.exists() {
        let rounds = match flag(args, "--bench-rounds")? {
            Some(n) => n.parse().map_err(|_| format!("--bench-rounds: not a number: {n}"))?,
            None => 2000,
        };
        let (cases, ns) = endpoints::bench(&bench_model, rounds)?;
        println!(
            "resolve: mean {:.0} ns/call over {cases} cases of {} ({} build)",
            ns,
            bench_model.display(),
            if cfg!(debug_assertions) { "debug" } else { "release" }
        );
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        return Err(format!("{failed} endpoint test cases failed"));
    }
    Ok(())
}
