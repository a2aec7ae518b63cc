//! What the `config` fuzz target checks, also replayed over the committed
//! corpus by `examples/tests/fuzz_corpus.rs`: any text given to kit's
//! configuration parsers — `KIT_METRICS` URLs, `KIT_TRACING` URLs, the
//! `OTEL_*` variables, `OTEL_PROPAGATORS`, `KIT_LOG_LEVEL` directives —
//! is a value or an error, never a panic, and an error names what it
//! refused.

/// The check; panics when a property does not hold.
pub(crate) fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    if let Err(e) = text.parse::<kit_metrics::MetricsConfig>() {
        assert!(!e.to_string().is_empty());
    }
    if let Err(e) = text.parse::<kit_tracing::TracingConfig>() {
        assert!(!e.to_string().is_empty());
    }
    let _ = text.parse::<kit_tracing::propagation::Propagators>();
    let _ = kit_log::Directives::parse(text);
    // Every OTEL_* variable kit reads, set to the text at once.
    let lookup = |var: &str| var.starts_with("OTEL_").then(|| text.to_owned());
    if let Err(e) = kit_tracing::TracingConfig::from_lookup(lookup) {
        assert!(e.to_string().contains("OTEL_"), "{e}");
    }
    let lookup = |var: &str| (var == "KIT_METRICS").then(|| text.to_owned());
    if let Err(e) = kit_metrics::MetricsConfig::from_lookup(lookup) {
        assert!(e.to_string().contains("KIT_METRICS"), "{e}");
    }
}
