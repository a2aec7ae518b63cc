//! kit-tracing: Go kit's tracing, on OpenTelemetry.
//!
//! [`Tracing`] starts what a [`TracingConfig`] says — from `KIT_TRACING`
//! and the `OTEL_*` variables, validated by kit ([`config`]) — with the
//! exporter on kit's own thread (bounded queue, drops counted, a shutdown
//! that keeps its deadline) to OTLP, [`zipkin`] or stdout; [`layer`] is Go
//! kit's `TraceEndpoint` for any tower service; [`http`] has the HTTP (and
//! gRPC) server and client layers; `bridge` (feature `tracing`) brings the
//! `tracing` crate's spans into the same traces; [`logs`] has kit-log valuers for the current trace and
//! span ids, and helpers that carry the context across spawns;
//! [`propagation`] holds kit's own strict parsers for W3C Trace Context,
//! W3C Baggage and B3 (single and multi headers), each an OpenTelemetry
//! [`TextMapPropagator`](opentelemetry::propagation::TextMapPropagator),
//! composable in a configured order. Invalid input of any kind gives a new
//! root trace, never a panic.
//!
//! ```
//! use std::time::Duration;
//! use tower::{service_fn, Layer, ServiceExt};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let tracing = kit_tracing::Tracing::from_env()?; // KIT_TRACING / OTEL_*
//! let sum = tracing
//!     .endpoint_layer("sum")
//!     .layer(service_fn(|(a, b): (i64, i64)| async move { Ok::<_, String>(a + b) }));
//! assert_eq!(sum.oneshot((1, 2)).await?, 3); // one span, "sum"
//! tracing.shutdown(Duration::from_secs(5)); // flushes, returns by the deadline
//! # Ok(()) })
//! # }
//! ```
//!
//! Extracting a caller's context:
//!
//! ```
//! use std::collections::HashMap;
//! use opentelemetry::propagation::TextMapPropagator;
//! use opentelemetry::trace::TraceContextExt;
//! use kit_tracing::propagation::Propagators;
//!
//! let propagators: Propagators = "tracecontext,baggage,b3".parse().unwrap();
//! let mut headers = HashMap::new();
//! headers.insert(
//!     "traceparent".to_string(),
//!     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
//! );
//! let cx = propagators.extract(&headers);
//! let remote = cx.span().span_context().clone();
//! assert!(remote.is_remote() && remote.is_sampled());
//! assert_eq!(remote.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
//! ```

#![deny(missing_docs)]

#[cfg(feature = "tracing")]
pub mod bridge;
pub mod config;
mod export;
pub mod http;
pub mod layer;
pub mod logs;
pub mod propagation;
mod start;
mod stdout;
pub mod zipkin;

pub use config::TracingConfig;
pub use export::{ExportStats, QUEUE_CAPACITY};
pub use start::{StartError, Tracing};
