//! The hand-written runtime that every generated client crate carries.
//!
//! `cargo xtask codegen` copies each module file below, unchanged, into
//! `generated/<crate>/src/runtime/`. That is why modules refer to each other only through
//! `super::` paths: the same source compiles here (where the modules sit at the crate root)
//! and inside a generated crate (where they sit under `crate::runtime`).
//!
//! Dependencies allowed here are exactly the generated crate's: `http`, `serde_json`,
//! `base64`, `bytes`, `http-body`, `sha2`, and behind the `hyper-client` feature `hyper`,
//! `hyper-util`, `http-body-util` and `tokio`, with `tls-rustls` (`rustls`, `hyper-rustls`,
//! `rustls-webpki`, `ring`, and `webpki-roots` or `rustls-native-certs` for the trust roots) or
//! `native-tls` (`hyper-tls`, `native-tls`, `tokio-native-tls`), and behind
//! `request-compression` `flate2`.
#![forbid(unsafe_code)]
pub mod config;
pub mod error;
pub mod http;
pub mod json;
pub mod orchestrator;
pub mod primitives;
pub mod credentials;
pub mod credentials_cache;
pub mod credentials_chain;
pub mod credentials_http;
pub mod credentials_sso;
pub mod credential_calls;
pub mod auth;
pub mod endpoint;
pub mod partitions;
pub mod sigv4;
pub mod retry;
pub mod mock;
pub mod aws_json;
pub mod customize;
pub mod rest;
pub mod query;
#[cfg(feature = "xml")]
pub mod xml;
pub mod compression;
pub mod jmespath;
pub mod waiters;
pub mod blocking;
pub mod checksum;
pub mod clock_skew;
pub mod presigning;
pub mod stalled_stream;
pub mod task;
