//! The serde form of the tracing configuration: a URL string, or fields,
//! validated like the variables.

use kit_tracing::config::{Exporter, Sampler};
use kit_tracing::propagation::Format;
use kit_tracing::TracingConfig;

#[derive(serde::Deserialize)]
struct Settings {
    tracing: TracingConfig,
}

fn parse(text: &str) -> Result<TracingConfig, String> {
    toml::from_str::<Settings>(text)
        .map(|s| s.tracing)
        .map_err(|e| e.to_string())
}

#[test]
fn a_url_string_or_fields() {
    let c = parse("tracing = \"zipkin://127.0.0.1:9411?service=a\"").unwrap();
    assert!(matches!(c.exporter, Exporter::Zipkin { .. }));
    assert_eq!(c.service_name, "a");
    let c = parse(
        "[tracing]\nexporter = \"stdout://\"\npropagators = \"b3multi\"\nsampler = \"always_off\"",
    )
    .unwrap();
    assert_eq!(c.exporter, Exporter::Stdout);
    assert_eq!(c.propagators, [Format::B3Multi]);
    assert_eq!(c.sampler, Sampler::AlwaysOff);
    assert_eq!(parse("[tracing]").unwrap(), TracingConfig::default());
}

#[test]
fn bad_fields_are_errors_naming_them() {
    for (text, names) in [
        (
            "[tracing]\nsampler = \"sometimes\"",
            "sampler=\"sometimes\"",
        ),
        (
            "[tracing]\nsampler = \"traceidratio\"\nsampler_arg = 2.0",
            "sampler_arg=\"2\"",
        ),
        (
            "[tracing]\npropagators = [\"jaeger\"]",
            "propagators=\"jaeger\"",
        ),
        ("tracing = \"jaeger://x:1\"", "scheme=\"jaeger\""),
        ("[tracing]\ncolour = \"blue\"", "colour"),
    ] {
        let err = parse(text).unwrap_err();
        assert!(err.contains(names), "{text}: {err}");
    }
}
