//! Spans on standard output, one human-readable line each, for
//! development: `span <name> trace=<id> span=<id> parent=<id|-> kind=<kind>
//! <duration> status=<status> key=value…`.

use std::io::Write;
use std::time::Duration;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// The stdout exporter.
#[derive(Debug, Default)]
pub(crate) struct StdoutExporter;

/// One span as a line.
pub(crate) fn line(span: &SpanData) -> String {
    let parent = if span.parent_span_id == opentelemetry::trace::SpanId::INVALID {
        "-".to_string()
    } else {
        span.parent_span_id.to_string()
    };
    let kind = match span.span_kind {
        SpanKind::Client => "client",
        SpanKind::Server => "server",
        SpanKind::Producer => "producer",
        SpanKind::Consumer => "consumer",
        SpanKind::Internal => "internal",
    };
    let took = span
        .end_time
        .duration_since(span.start_time)
        .unwrap_or(Duration::ZERO);
    let status = match &span.status {
        Status::Unset => "unset".to_string(),
        Status::Ok => "ok".to_string(),
        Status::Error { description } => format!("error({description:?})"),
    };
    let mut out = format!(
        "span {:?} trace={} span={} parent={parent} kind={kind} {:.3}ms status={status}",
        span.name,
        span.span_context.trace_id(),
        span.span_context.span_id(),
        took.as_secs_f64() * 1000.0,
    );
    for kv in &span.attributes {
        out.push_str(&format!(" {}={:?}", kv.key, kv.value.as_str()));
    }
    out
}

impl SpanExporter for StdoutExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut text = String::new();
        for span in &batch {
            text.push_str(&line(span));
            text.push('\n');
        }
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{Span as _, SpanKind, Status, Tracer, TracerProvider};
    use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

    #[test]
    fn one_readable_line_per_span() {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("t");
        let mut span = tracer
            .span_builder("sum")
            .with_kind(SpanKind::Server)
            .start(&tracer);
        span.set_attribute(opentelemetry::KeyValue::new("a", 1));
        span.set_status(Status::error("overflow"));
        span.end();
        let spans = exporter.get_finished_spans().unwrap();
        let line = super::line(&spans[0]);
        assert!(line.starts_with("span \"sum\" trace="), "{line}");
        assert!(line.contains(" parent=- kind=server "), "{line}");
        assert!(
            line.ends_with(" status=error(\"overflow\") a=\"1\""),
            "{line}"
        );
    }
}
