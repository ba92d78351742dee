//! A short load run in `cargo test`: 5,000 calls from 256 tasks on one client against a
//! loopback server failing 10% of them (500s, 503 throttling, resets, non-JSON bodies).
//! The full run: `cargo xtask load` (100,000 calls, release build, with the raw hyper
//! comparison).

use reliability::load::{self, Ended, Options};

#[test]
fn every_call_under_load_ends_in_success_or_a_typed_error() {
    let report = load::run(Options { calls: 5_000, tasks: 256, warm_up: 1_000, compare_raw: false });
    println!("{}", report.render());
    assert_eq!(report.accounted(), 5_000, "every call ended once: {:?}", report.ended);
    assert_eq!(report.first_attempts, 5_000, "every call reached the server (attempt=1 requests)");
    // Every failure mode shows up as its typed error: resets are not retried (the operation is
    // not idempotent), non-JSON 200s are response errors.
    for kind in [Ended::Ok, Ended::ResponseError, Ended::DispatchFailure] {
        assert!(report.ended.get(&kind).copied().unwrap_or(0) > 0, "{kind:?}: {:?}", report.ended);
    }
    assert_eq!(report.ended.get(&Ended::Unhandled), None, "{:?}", report.ended);
    assert_eq!(report.ended.get(&Ended::ConstructionFailure), None);
    assert_eq!(report.ended.get(&Ended::TimeoutError), None);
    // 500s and throttling were retried; resets and non-JSON bodies were not.
    assert!(report.retries > 0 && report.retries < 600, "{} retries", report.retries);
    // Connections are pooled: beyond those the server cut, at most two per task (a task's next
    // request may start before its last connection is back in the pool), and several requests
    // per connection.
    let opened = report.connections - report.connections_cut.min(report.connections);
    assert!(opened <= 2 * 256, "{} connections for {} cut", report.connections, report.connections_cut);
    assert!(report.connections * 5 < report.server_requests, "{} connections for {} requests", report.connections, report.server_requests);
}
