//! Tracing whose spans are kept in memory, for tests that look at them.

use kit_tracing::config::Sampler;
use kit_tracing::{Tracing, TracingConfig};
use opentelemetry_sdk::trace::InMemorySpanExporter;

/// Tracing with `sampler`, exporting on kit's exporter thread into the
/// returned in-memory exporter (read it after `Tracing::flush`).
pub(crate) fn collecting(sampler: Sampler) -> (Tracing, InMemorySpanExporter) {
    let spans = InMemorySpanExporter::default();
    let config = TracingConfig {
        sampler,
        ..TracingConfig::default()
    };
    (
        Tracing::start_with_exporter(&config, spans.clone()).unwrap(),
        spans,
    )
}
