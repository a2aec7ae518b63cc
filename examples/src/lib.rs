//! Go kit's `addsvc` in Rust, and its client: the service
//! ([`service`]), its middlewares ([`logging`], [`instrumenting`]), its
//! HTTP JSON transport ([`transport`]) and where the settings come from
//! ([`config`]). The binaries `addsvc` and `addcli` compose them — with
//! kit-log, kit-metrics and kit-tracing — explicitly in `main`, nothing
//! global.
//!
//! ```text
//! cargo run -p kit-examples --bin addsvc
//! curl -s -d '{"a":1,"b":2}' 127.0.0.1:8080/sum      # {"v":3}
//! curl -s 127.0.0.1:9100/metrics
//! cargo run -p kit-examples --bin addcli -- sum 1 2
//! ```

#![deny(missing_docs)]

pub mod config;
pub mod instrumenting;
pub mod logging;
pub mod service;
pub mod transport;
