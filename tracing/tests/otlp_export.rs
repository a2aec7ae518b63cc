//! Spans exported over OTLP gRPC and HTTP/protobuf into a real collector
//! (rotel, PyPI), which forwards them to a receiver decoding with the
//! official Python protobuf classes (PyPI `opentelemetry-proto`): names,
//! kinds, parent ids, attributes, status and the resource's
//! `service.name` arrive as made, inside and outside a tokio runtime, and
//! spans made once a collector that was down is up arrive without a
//! restart of the application (faults.rs has the endpoint down or never
//! answering). Fails, never skips, when a peer is missing.

use std::time::{Duration, Instant};

use kit_tracing::{Tracing, TracingConfig};
use opentelemetry::trace::{Span, SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::KeyValue;
use serde_json::Value;

#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
use peer::free_ports;
#[path = "../../metrics/tests/common/rotel.rs"]
mod rotel;
use rotel::start_rotel;
#[path = "../../metrics/tests/common/cutting_proxy.rs"]
mod cutting_proxy;
use cutting_proxy::CuttingProxy;
#[path = "common/otlp.rs"]
mod otlp;
use otlp::{spans, start_receiver};

/// A server span with an endpoint span inside that fails.
fn make_spans(tracing: &Tracing) {
    let tracer = tracing.tracer("kit-test");
    let mut server = tracer
        .span_builder("POST /sum")
        .with_kind(SpanKind::Server)
        .with_attributes([KeyValue::new("http.request.method", "POST")])
        .start(&tracer);
    server.set_attribute(KeyValue::new("http.response.status_code", 500));
    let cx = opentelemetry::Context::current_with_span(server);
    let mut endpoint = tracer.start_with_context("sum", &cx);
    endpoint.set_attribute(KeyValue::new("addsvc.a", 1));
    endpoint.add_event("overflow", vec![]);
    endpoint.set_status(Status::error("integer overflow"));
    endpoint.end();
    cx.span().end();
}

fn check(spans: &[Value], service: &str) {
    let by_name = |n: &str| {
        spans
            .iter()
            .find(|s| s["name"] == n)
            .unwrap_or_else(|| panic!("no {n}: {spans:#?}"))
    };
    let (server, endpoint) = (by_name("POST /sum"), by_name("sum"));
    assert_eq!(server["kind"], "SPAN_KIND_SERVER");
    assert_eq!(endpoint["kind"], "SPAN_KIND_INTERNAL");
    assert_eq!(server["parent_span_id"], "");
    assert_eq!(endpoint["parent_span_id"], server["span_id"]);
    assert_eq!(endpoint["trace_id"], server["trace_id"]);
    assert_eq!(server["attributes"]["http.request.method"], "POST");
    assert_eq!(server["attributes"]["http.response.status_code"], "500");
    assert_eq!(endpoint["attributes"]["addsvc.a"], "1");
    assert_eq!(endpoint["events"], serde_json::json!(["overflow"]));
    assert_eq!(endpoint["status"], "STATUS_CODE_ERROR");
    assert_eq!(endpoint["status_message"], "integer overflow");
    assert_eq!(endpoint["resource"]["service.name"], service);
    assert_eq!(endpoint["scope"], "kit-test");
}

#[test]
fn real_peer_otlp_grpc_and_http_spans_arrive_through_rotel() {
    for scheme in ["otlp", "otlp+http"] {
        let (receiver, out) = start_receiver();
        let [grpc, http] = free_ports();
        let _rotel = start_rotel(grpc, http, receiver.port);
        let port = if scheme == "otlp" { grpc } else { http };
        let config: TracingConfig =
            format!("{scheme}://127.0.0.1:{port}?service=addsvc-{scheme}&sampler=always_on")
                .parse()
                .unwrap();
        let tracing = Tracing::start(&config).unwrap();
        make_spans(&tracing);
        assert!(
            tracing.shutdown(Duration::from_secs(10)),
            "{scheme}: {:?}",
            tracing.stats()
        );
        check(&spans(&out, 2), &format!("addsvc-{scheme}"));
    }
}

#[tokio::test]
async fn real_peer_otlp_inside_a_tokio_runtime_works_the_same() {
    let (receiver, out) = start_receiver();
    let [grpc, http] = free_ports();
    let _rotel = start_rotel(grpc, http, receiver.port);
    let config: TracingConfig = format!("otlp://127.0.0.1:{grpc}?service=in-tokio")
        .parse()
        .unwrap();
    let tracing = Tracing::start(&config).unwrap();
    make_spans(&tracing);
    assert!(tracing.shutdown(Duration::from_secs(10)));
    check(&spans(&out, 2), "in-tokio");
    drop(tracing);
}

#[test]
fn real_peer_otlp_spans_made_once_the_collector_is_up_arrive_without_a_restart_of_the_application()
{
    for scheme in ["otlp", "otlp+http"] {
        let [grpc, http] = free_ports();
        let port = if scheme == "otlp" { grpc } else { http };
        let config: TracingConfig = format!(
            "{scheme}://127.0.0.1:{port}?service=late-{scheme}&sampler=always_on&timeout=1s"
        )
        .parse()
        .unwrap();
        let tracing = Tracing::start(&config).unwrap();
        let tracer = tracing.tracer("kit-test");
        // The collector is not there yet: these are lost, and counted.
        for _ in 0..100 {
            tracer.in_span("early", |_| {});
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while tracing.stats().dropped < 100 {
            assert!(Instant::now() < deadline, "{scheme}: {:?}", tracing.stats());
            std::thread::sleep(Duration::from_millis(50));
        }
        let (receiver, out) = start_receiver();
        let rotel = start_rotel(grpc, http, receiver.port);
        make_spans(&tracing);
        assert!(tracing.flush(Duration::from_secs(10)), "{scheme}");
        check(&spans(&out, 2), &format!("late-{scheme}"));

        // The collector is killed: what is made meanwhile is lost, and
        // counted; restarted on the same ports, it gets the next spans —
        // the application did nothing.
        drop(rotel);
        for _ in 0..100 {
            tracer.in_span("while-down", |_| {});
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while tracing.stats().dropped < 200 {
            assert!(Instant::now() < deadline, "{scheme}: {:?}", tracing.stats());
            std::thread::sleep(Duration::from_millis(50));
        }
        let _rotel = start_rotel(grpc, http, receiver.port);
        std::thread::sleep(Duration::from_millis(600)); // past the back-off
        make_spans(&tracing);
        assert!(
            tracing.shutdown(Duration::from_secs(10)),
            "{scheme}: {:?}",
            tracing.stats()
        );
        let received = spans(&out, 4);
        assert_eq!(received.len(), 4, "{scheme}");
        check(&received[2..], &format!("late-{scheme}"));
        let stats = tracing.stats();
        assert_eq!(
            (stats.exported, stats.dropped),
            (4, 200),
            "{scheme}: {stats:?}"
        );
    }
}

#[test]
fn real_peer_otlp_export_cut_mid_stream_is_counted_and_the_next_one_arrives() {
    for scheme in ["otlp", "otlp+http"] {
        let (receiver, out) = start_receiver();
        let [grpc, http] = free_ports();
        let _rotel = start_rotel(grpc, http, receiver.port);
        let proxy = CuttingProxy::start(if scheme == "otlp" { grpc } else { http });
        let config: TracingConfig = format!(
            "{scheme}://127.0.0.1:{}?service=cut-{scheme}&sampler=always_on&timeout=2s",
            proxy.port
        )
        .parse()
        .unwrap();
        let tracing = Tracing::start(&config).unwrap();
        let tracer = tracing.tracer("kit-test");
        // An export of a few kB: 100 spans with an attribute each.
        for i in 0..100 {
            let mut span = tracer.start("cut");
            span.set_attribute(KeyValue::new("addsvc.a", i));
            span.end();
        }
        tracing.flush(Duration::from_secs(5));
        assert!(proxy.was_cut(), "{scheme}: the export was not cut");
        // Lost and counted — or, when the HTTP client sends the request
        // again on a new connection by itself, delivered: never both,
        // never neither.
        let cut = tracing.stats();
        assert_eq!(cut.exported + cut.dropped, 100, "{scheme}: {cut:?}");

        // The next export (a new connection) arrives whole.
        std::thread::sleep(Duration::from_millis(600)); // past the back-off
        make_spans(&tracing);
        assert!(tracing.shutdown(Duration::from_secs(10)), "{scheme}");
        let received = spans(&out, cut.exported as usize + 2);
        assert_eq!(received.len(), cut.exported as usize + 2, "{scheme}");
        check(&received, &format!("cut-{scheme}"));
        let stats = tracing.stats();
        assert_eq!(
            (stats.exported, stats.dropped),
            (cut.exported + 2, cut.dropped),
            "{scheme}: {stats:?}"
        );
        eprintln!("{scheme}: the cut export was {cut:?}");
    }
}
