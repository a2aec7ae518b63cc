//! Tracing benchmarks: kit's endpoint layer beside the same call wrapped
//! by hand in an OpenTelemetry SDK span, in one run, with the ids and
//! setups of `BENCHMARKS.md`. Both use one SDK provider whose processor
//! discards finished spans, so the groups measure span making, not export;
//! unsampled, kit's layer comes from its `Tracing`, which knows the sampler.
//!
//! `T3_http_server`: one `http::Request` (with a `traceparent` to continue)
//! through kit's HTTP server layer; tower-http's `TraceLayer` (its default
//! `tracing` span, exported to the same SDK provider through
//! tracing-opentelemetry — it extracts no context and writes no semantic
//! conventions); and `otel_raw`, the same work as kit's written by hand on
//! the SDK (W3C extraction, a SERVER span with the HTTP attributes).
//!
//! ```text
//! cargo bench -p kit-benches --bench tracing
//! scripts/bench-table T
//! ```

#![allow(missing_docs)]

#[allow(dead_code)] // the logging helpers (sink, fields) are not used here
mod support;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, RawWaker, RawWakerVTable, Waker};

use criterion::{criterion_group, criterion_main, Criterion};
use kit_tracing::layer::EndpointLayer;
use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider};
use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    Sampler, SdkTracer, SdkTracerProvider, Span, SpanData, SpanProcessor,
};
use support::Group;
use tower::{service_fn, Layer, Service};

#[global_allocator]
static ALLOCATOR: support::CountingAllocator = support::CountingAllocator;

/// A processor that drops every finished span.
#[derive(Debug)]
struct Discard;

impl SpanProcessor for Discard {
    fn on_start(&self, _: &mut Span, _: &Context) {}
    fn on_end(&self, span: SpanData) {
        black_box(span);
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _: std::time::Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn tracer(sampled: bool) -> (SdkTracerProvider, SdkTracer) {
    let provider = SdkTracerProvider::builder()
        .with_sampler(if sampled {
            Sampler::AlwaysOn
        } else {
            Sampler::AlwaysOff
        })
        .with_span_processor(Discard)
        .build();
    let tracer = provider.tracer("bench");
    (provider, tracer)
}

/// Polls a future that is ready at once (the trivial service's).
fn ready<F: Future>(future: F) -> F::Output {
    fn noop(_: *const ()) {}
    fn clone(p: *const ()) -> RawWaker {
        RawWaker::new(p, &VTABLE)
    }
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    #[allow(unsafe_code)]
    // SAFETY: the vtable's functions do nothing with the (null) data.
    let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };
    let mut task = TaskContext::from_waker(&waker);
    match pin!(future).poll(&mut task) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("the trivial service is always ready"),
    }
}

fn endpoint_group(c: &mut Criterion, group: &str, sampled: bool) {
    let mut g = Group::new(c, group);
    let (_provider, tracer) = tracer(sampled);

    let trivial = service_fn(|x: u64| async move { Ok::<_, std::convert::Infallible>(x + 1) });
    // Sampled: the layer on the SDK tracer (the same provider as otel_raw).
    // Unsampled: the layer from kit's Tracing, which knows the sampler and
    // takes the decision before calling the SDK.
    let unsampled = kit_tracing::Tracing::start(&kit_tracing::TracingConfig {
        sampler: kit_tracing::config::Sampler::AlwaysOff,
        ..Default::default()
    })
    .unwrap();
    let layer = if sampled {
        EndpointLayer::new(tracer.clone(), "sum")
    } else {
        unsampled.endpoint_layer("sum")
    };
    let mut kit = layer.layer(trivial);
    g.case("kit", None, || {
        black_box(ready(kit.call(black_box(1))).unwrap());
    });

    let mut raw = trivial;
    g.case("otel_raw", None, || {
        let span = tracer.start("sum");
        let cx = Context::current_with_span(span);
        let result = {
            let _inside = cx.clone().attach();
            ready(raw.call(black_box(1)))
        };
        cx.span().end();
        black_box(result.unwrap());
    });
    g.finish();
}

fn t1_endpoint_span(c: &mut Criterion) {
    endpoint_group(c, "T1_endpoint_span", true);
}

fn t2_unsampled(c: &mut Criterion) {
    endpoint_group(c, "T2_unsampled", false);
}

/// The request every T3 case handles: built per call, the same for all.
type Empty = http_body_util::Empty<bytes::Bytes>;

fn request() -> http::Request<Empty> {
    http::Request::get("/api/v1/users/42")
        .header("host", "127.0.0.1:8080")
        .header("user-agent", "curl/8.4.0")
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .body(Empty::new())
        .unwrap()
}

fn ok(
    _: http::Request<Empty>,
) -> std::future::Ready<Result<http::Response<Empty>, std::convert::Infallible>> {
    std::future::ready(Ok(http::Response::new(Empty::new())))
}

fn t3_http_server(c: &mut Criterion) {
    use opentelemetry::propagation::TextMapPropagator;
    use opentelemetry::KeyValue;
    use tracing_subscriber::layer::SubscriberExt;

    let mut g = Group::new(c, "T3_http_server");
    let (_provider, tracer) = tracer(true);

    let propagators: kit_tracing::propagation::Propagators = "tracecontext".parse().unwrap();
    let mut kit =
        kit_tracing::http::ServerLayer::new(tracer.clone(), propagators).layer(service_fn(ok));
    g.case("kit", None, || {
        black_box(ready(kit.call(request())).unwrap());
    });

    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer.clone()));
    let mut tower_http = tower_http::trace::TraceLayer::new_for_http().layer(service_fn(ok));
    tracing::subscriber::with_default(subscriber, || {
        g.case("tower_http", None, || {
            black_box(ready(tower_http.call(request())).unwrap());
        });
    });

    let w3c = opentelemetry_sdk::propagation::TraceContextPropagator::new();
    let mut raw = service_fn(ok);
    g.case("otel_raw", None, || {
        let request = request();
        let parent = w3c.extract(&opentelemetry_http::HeaderExtractor(request.headers()));
        let span = tracer
            .span_builder("GET")
            .with_kind(opentelemetry::trace::SpanKind::Server)
            .with_attributes([
                KeyValue::new("http.request.method", "GET"),
                KeyValue::new("url.path", request.uri().path().to_owned()),
                KeyValue::new("url.scheme", "http"),
                KeyValue::new("server.address", "127.0.0.1"),
                KeyValue::new("server.port", 8080),
                KeyValue::new(
                    "user_agent.original",
                    request.headers()["user-agent"].to_str().unwrap().to_owned(),
                ),
                KeyValue::new("network.protocol.version", "1.1"),
            ])
            .start_with_context(&tracer, &parent);
        let cx = parent.with_span(span);
        let response = {
            let _inside = cx.clone().attach();
            ready(raw.call(request))
        };
        let response = response.unwrap();
        cx.span().set_attribute(KeyValue::new(
            "http.response.status_code",
            i64::from(response.status().as_u16()),
        ));
        cx.span().end();
        black_box(response);
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group! {
    name = tracing_benches;
    config = config();
    targets = t1_endpoint_span, t2_unsampled, t3_http_server
}
criterion_main!(tracing_benches);
