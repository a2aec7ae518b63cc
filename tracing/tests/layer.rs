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
