//! Reliability harnesses of the generated clients (issue 14): hostile responses fed to every
//! operation of every generated crate ([`fuzz`]), faults injected by a scriptable loopback
//! server, load, and the memory figures they report ([`memory`]).
//! Figures and the commands that reproduce them: BENCHMARKS.md, section RELIABILITY.

pub mod harness;
pub mod hostile;
pub mod memory;
pub mod rng;
pub mod server;
pub mod load;
#[cfg(feature = "fuzz")]
pub mod fuzz;
#[cfg(feature = "fuzz")]
pub mod ops;
