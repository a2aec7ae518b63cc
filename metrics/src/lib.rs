//! Metrics for Rust services, after Go kit's package `metrics`: service
//! code names a [`Counter`], a [`Gauge`] or a [`Histogram`] and never a
//! vendor; which monitoring system receives the numbers is decided where
//! the [`Provider`] is set up.
//!
//! ```
//! use kit_metrics::{prometheus, Provider};
//!
//! let provider = Provider::builder().prefix("addsvc_").build();
//! let requests = provider
//!     .counter("requests_total")
//!     .help("Requests by method and outcome.")
//!     .labels(&["method", "outcome"])
//!     .build();
//! let latency = provider.histogram("request_duration_seconds").buckets(&[0.01, 0.1, 1.0]).build();
//!
//! // On the hot path: bind label values once, keep the handle.
//! let sum_ok = requests.with(&["sum", "success"]);
//! sum_ok.inc();
//! latency.observe(0.042);
//!
//! let text = prometheus::render(&provider.snapshot());
//! assert!(text.contains("addsvc_requests_total{method=\"sum\",outcome=\"success\"} 1\n"));
//! assert!(text.contains("addsvc_request_duration_seconds_bucket{le=\"0.1\"} 1\n"));
//! ```
//!
//! Storage is kit's own: one cell of atomics per series (histograms as
//! bucket counts, a count and a sum), shared by every backend, so an
//! update costs one atomic operation whatever is configured.
//!
//! With the `metrics` feature (default), [`MetricsRecorder`] puts kit's
//! storage behind the `metrics` crate's facade, so `metrics::counter!` in
//! any library reaches the same backends.
//!
//! Status: the facade, the storage, the provider, snapshots, the
//! Prometheus text format and listener, and the `metrics` recorder are
//! here; push backends and configuration are still to come.
#![deny(missing_docs)]

mod cell;
#[cfg(feature = "circonus")]
mod circonus;
pub mod config;
pub mod conformance;
mod counter;
#[cfg(any(feature = "statsd", feature = "graphite", feature = "influxdb"))]
mod datagram;
#[cfg(any(feature = "statsd", feature = "otlp"))]
mod delta;
mod desc;
mod diagnostics;
mod exporter;
mod family;
mod gauge;
#[cfg(feature = "graphite")]
mod graphite;
mod handle;
mod histogram;
#[cfg(any(
    feature = "prometheus",
    feature = "influxdb",
    feature = "circonus",
    feature = "otlp"
))]
mod http;
#[cfg(feature = "influxdb")]
mod influxdb;
#[cfg(feature = "tower")]
pub mod layer;
#[cfg(feature = "otlp")]
mod otlp;
#[cfg(feature = "prometheus")]
pub mod prometheus;
mod provider;
#[cfg(feature = "prometheus")]
mod pushgateway;
#[cfg(any(feature = "graphite", feature = "influxdb"))]
mod quantile;
#[cfg(feature = "metrics")]
mod recorder;
mod shim;
mod snapshot;
mod start;
#[cfg(feature = "statsd")]
mod statsd;
#[cfg(any(
    feature = "statsd",
    feature = "graphite",
    feature = "influxdb",
    feature = "circonus"
))]
#[doc(hidden)]
pub mod wire;

pub use cell::SampleBatch;
pub use config::MetricsConfig;
pub use counter::Counter;
pub use desc::{Desc, Kind};
pub use diagnostics::{Diagnostic, DIAGNOSTICS_EVERY};
pub use exporter::{ExportStats, DROPPED_METRIC};
pub use family::{INVALID as INVALID_LABEL_COUNT, OVERFLOW};
pub use gauge::Gauge;
pub use histogram::{Histogram, Timer};
pub use provider::{
    MetricBuilder, Provider, ProviderBuilder, SeriesSamples, DEFAULT_BUCKETS, DEFAULT_MAX_SERIES,
};
#[cfg(feature = "metrics")]
pub use recorder::MetricsRecorder;
pub use snapshot::{MetricSnapshot, SeriesSnapshot, SeriesValue, Snapshot};
pub use start::StartError;

#[cfg(test)]
mod test_support {
    #[allow(dead_code)] // used by the backends' tests, each a cargo feature
    /// Label pairs from string slices.
    pub(crate) fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}
