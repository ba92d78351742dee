//! A short deterministic run of the response fuzzer in `cargo test`: every operation of every
//! generated crate, its samples unmutated, the 10,000-level nesting cases, and a few thousand
//! random hostile responses. Longer runs: `cargo xtask fuzz-responses --seconds N`.

use reliability::fuzz::{self, Options};
use reliability::memory::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

#[test]
fn every_hostile_response_ends_in_ok_or_a_typed_error() {
    let options = Options { seed: 14, inputs: Some(4000), ..Options::default() };
    let report = fuzz::run(options, reliability::ops::suites, Some(&ALLOC));
    println!("{}", report.render());
    assert!(report.total.inputs >= 4000, "{} inputs", report.total.inputs);
    assert_eq!(report.crates, reliability::ops::suites().len(), "every generated crate is driven");
    assert!(report.clean(), "{}", report.render());
}
