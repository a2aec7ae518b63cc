//! Spans of the `tracing` crate and kit's spans in one trace (feature
//! `tracing`): an `#[instrument]` function called inside a kit endpoint is
//! a child of the endpoint span; a kit endpoint called inside a `tracing`
//! span is its child; a kit-log line inside an `#[instrument]` function
//! carries the ids of that function's span.

use std::convert::Infallible;
use std::time::Duration;

use kit_log::{sink::Buffer, Logfmt, LoggerExt};
use kit_tracing::config::Sampler;
use kit_tracing::layer::EndpointLayer;
use kit_tracing::Tracing;
use opentelemetry::trace::SpanId;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData};
use tower::{service_fn, Layer, ServiceExt};
use tracing_subscriber::layer::SubscriberExt;

#[path = "common/collect.rs"]
mod collect;

fn start() -> (Tracing, InMemorySpanExporter) {
    collect::collecting(Sampler::AlwaysOn)
}

#[tracing::instrument]
fn checked_add(a: i64, b: i64) -> Option<i64> {
    a.checked_add(b)
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name}: {spans:#?}"))
}

#[test]
fn instrumented_functions_and_kit_endpoints_nest_both_ways() {
    let (tracing, spans) = start();
    let subscriber = tracing_subscriber::registry().with(tracing.tracing_layer());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let sum = EndpointLayer::new(tracing.tracer("addsvc"), "sum").layer(service_fn(
            |(a, b): (i64, i64)| async move { Ok::<_, Infallible>(checked_add(a, b)) },
        ));
        let request = tracing::info_span!("request");
        let _entered = request.enter();
        assert_eq!(runtime.block_on(sum.oneshot((1, 2))).unwrap(), Some(3));
    });
    assert!(tracing.flush(Duration::from_secs(5)));
    let got = spans.get_finished_spans().unwrap();
    assert_eq!(got.len(), 3, "{got:#?}");
    let (request, sum, add) = (
        named(&got, "request"),
        named(&got, "sum"),
        named(&got, "checked_add"),
    );
    assert_eq!(request.parent_span_id, SpanId::INVALID);
    assert_eq!(sum.parent_span_id, request.span_context.span_id());
    assert_eq!(add.parent_span_id, sum.span_context.span_id());
    assert!(got
        .iter()
        .all(|s| s.span_context.trace_id() == request.span_context.trace_id()));
}

#[test]
fn a_log_line_inside_an_instrumented_function_carries_its_ids() {
    let (tracing, spans) = start();
    let out = Buffer::new();
    let logger = Logfmt::new(out.clone())
        .with("trace_id", kit_tracing::logs::trace_id())
        .with("span_id", kit_tracing::logs::span_id());
    #[tracing::instrument(skip(logger))]
    fn handle(logger: &dyn kit_log::Logger) {
        kit_log::log!(logger, msg = "inside");
    }
    let subscriber = tracing_subscriber::registry().with(tracing.tracing_layer());
    tracing::subscriber::with_default(subscriber, || handle(&logger));
    assert!(tracing.flush(Duration::from_secs(5)));
    let got = spans.get_finished_spans().unwrap();
    let span = named(&got, "handle");
    assert_eq!(
        out.contents_string(),
        format!(
            "trace_id={} span_id={} msg=inside\n",
            span.span_context.trace_id(),
            span.span_context.span_id()
        )
    );
}
