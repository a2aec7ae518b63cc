//! The endpoint layer: one span per call, named statically or from the
//! request, a child of the caller's span, with the user's attributes; an
//! `Err` is an error status and an event; a business error is an
//! attribute and an event, not an error status. Spans are checked as the
//! SDK finished them (its in-memory exporter).

use std::convert::Infallible;

use kit_tracing::layer::EndpointLayer;
use opentelemetry::context::FutureExt;
use opentelemetry::trace::{Status, TraceContextExt, Tracer, TracerProvider};
use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tower::{service_fn, Layer, ServiceExt};

fn provider() -> (SdkTracerProvider, InMemorySpanExporter) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    (provider, exporter)
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.as_str().into_owned())
}

#[tokio::test]
async fn a_call_is_a_child_span_with_attributes_and_outcomes() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("addsvc");
    let sum = service_fn(|(a, b): (i64, i64)| async move {
        if a < 0 {
            return Err("negative input".to_string());
        }
        Ok::<_, String>(a.checked_add(b))
    });
    let traced = EndpointLayer::new(tracer.clone(), "sum")
        .attributes([KeyValue::new("addsvc.method", "sum")])
        .business_error(|v: &Option<i64>| v.is_none().then(|| "integer overflow".to_string()))
        .layer(sum);

    let parent = tracer.start("POST /sum");
    let parent_cx = opentelemetry::Context::current_with_span(parent);
    let parent_id = parent_cx.span().span_context().span_id();
    // The call runs in the caller's context (here carried by the future).
    let ok = traced
        .clone()
        .oneshot((1, 2))
        .with_context(parent_cx.clone());
    assert_eq!(ok.await, Ok(Some(3)));
    assert_eq!(traced.clone().oneshot((i64::MAX, 1)).await, Ok(None));
    assert_eq!(
        traced.clone().oneshot((-1, 1)).await,
        Err("negative input".to_string())
    );

    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 3);
    let (ok, business, failed) = (&spans[0], &spans[1], &spans[2]);
    assert!(spans.iter().all(|s| s.name == "sum"));
    assert!(spans
        .iter()
        .all(|s| attribute(s, "addsvc.method").as_deref() == Some("sum")));
    assert_eq!(ok.parent_span_id, parent_id, "a child of the caller's span");
    assert_eq!(
        ok.span_context.trace_id(),
        parent_cx.span().span_context().trace_id()
    );
    assert_eq!(ok.status, Status::Unset);
    assert_eq!(
        attribute(business, "kit.outcome").as_deref(),
        Some("business_error")
    );
    assert_eq!(business.status, Status::Unset, "not a transport failure");
    assert_eq!(
        business.events.iter().next().unwrap().name,
        "business_error"
    );
    assert_eq!(failed.status, Status::error("negative input"));
    assert_eq!(failed.events.iter().next().unwrap().name, "exception");
}

#[tokio::test]
async fn names_from_the_request_and_spans_made_inside_are_children() {
    let (provider, exporter) = provider();
    let tracer = provider.tracer("addsvc");
    let inner_tracer = tracer.clone();
    let service = service_fn(move |method: String| {
        // A span the service makes belongs to the endpoint's span.
        inner_tracer.in_span("inside", |_| {});
        async move { Ok::<_, Infallible>(method.len()) }
    });
    let traced = EndpointLayer::new(tracer, "unused")
        .name_from(|method: &String| format!("call {method}"))
        .layer(service);
    assert_eq!(traced.oneshot("concat".to_string()).await, Ok(6));
    let spans = exporter.get_finished_spans().unwrap();
    let endpoint = spans.iter().find(|s| s.name == "call concat").unwrap();
    let inside = spans.iter().find(|s| s.name == "inside").unwrap();
    assert_eq!(inside.parent_span_id, endpoint.span_context.span_id());
}

/// The span context the service sees, under a remote parent sampled or not.
async fn seen_under(
    tracing: &kit_tracing::Tracing,
    sampled: bool,
) -> (opentelemetry::trace::SpanId, bool) {
    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};
    let parent = SpanContext::new(
        TraceId::from(7u128),
        SpanId::from(9u64),
        if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::NOT_SAMPLED
        },
        true,
        TraceState::default(),
    );
    let service = service_fn(|_: ()| async {
        let cx = opentelemetry::Context::current();
        let span = cx.span().span_context().clone();
        Ok::<_, Infallible>((span.span_id(), span.is_sampled()))
    });
    let traced = tracing.endpoint_layer("call").layer(service);
    let cx = opentelemetry::Context::new().with_remote_span_context(parent);
    traced.oneshot(()).with_context(cx).await.unwrap()
}

#[tokio::test]
async fn the_layer_from_tracing_skips_spans_the_sampler_would_not_record() {
    use kit_tracing::config::Sampler;
    use kit_tracing::{Tracing, TracingConfig};
    let parent = opentelemetry::trace::SpanId::from(9u64);
    let parent_based = Tracing::start(&TracingConfig::default()).unwrap();
    // Sampled parent: a span of its own; unsampled parent: the parent's context.
    let (id, sampled) = seen_under(&parent_based, true).await;
    assert!(id != parent && sampled);
    assert_eq!(seen_under(&parent_based, false).await, (parent, false));
    let off = Tracing::start(&TracingConfig {
        sampler: Sampler::AlwaysOff,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(seen_under(&off, true).await, (parent, true));
    // Always on: the SDK is asked every time.
    let on = Tracing::start(&TracingConfig {
        sampler: Sampler::AlwaysOn,
        ..Default::default()
    })
    .unwrap();
    let (id, sampled) = seen_under(&on, false).await;
    assert!(id != parent && sampled);
}
