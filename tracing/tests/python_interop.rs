//! Interop with the OpenTelemetry Python SDK's own propagators (PyPI
//! `opentelemetry-api`, `opentelemetry-propagator-b3`; installed by
//! `scripts/test`): headers its `propagate.inject` writes (W3C, B3 single,
//! B3 multi, baggage) are extracted by kit to the same trace, parent and
//! decision; headers kit injects are extracted by Python to the same ids.
//! Fails, never skips, when Python or the packages are missing.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use kit_tracing::propagation::Propagators;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;
use serde_json::Value;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/otel_propagate.py");

fn python(args: &[&str], stdin: &str) -> Value {
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required (scripts/test installs the OpenTelemetry packages)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "otel_propagate.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Python's JSON headers as the map kit extracts from (names lower-case).
fn header_map(json: &Value) -> HashMap<String, String> {
    json.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap().to_owned()))
        .collect()
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

#[test]
fn real_peer_python_injects_and_kit_continues_the_trace() {
    for format in ["tracecontext", "b3", "b3multi"] {
        for sampled in ["1", "0"] {
            let headers = python(&["inject", format, TRACE, SPAN, sampled], "");
            let headers = header_map(&headers);
            let propagators: Propagators = format.parse().unwrap();
            let cx = propagators.extract(&headers);
            let span = cx.span().span_context().clone();
            assert!(span.is_valid() && span.is_remote(), "{format}: {headers:?}");
            assert_eq!(span.trace_id().to_string(), TRACE, "{format}");
            assert_eq!(span.span_id().to_string(), SPAN, "{format}: the parent");
            assert_eq!(span.is_sampled(), sampled == "1", "{format}: {headers:?}");
        }
    }
}

#[test]
fn real_peer_python_extracts_what_kit_injects() {
    for format in ["tracecontext", "b3", "b3multi"] {
        for sampled in [true, false] {
            let propagators: Propagators = format.parse().unwrap();
            let flags = if sampled {
                TraceFlags::SAMPLED
            } else {
                TraceFlags::NOT_SAMPLED
            };
            let cx = Context::new().with_remote_span_context(SpanContext::new(
                TraceId::from_hex(TRACE).unwrap(),
                SpanId::from_hex(SPAN).unwrap(),
                flags,
                true,
                TraceState::default(),
            ));
            let mut headers = HashMap::new();
            propagators.inject_context(&cx, &mut headers);
            let got = python(
                &["extract", format],
                &serde_json::to_string(&headers).unwrap(),
            );
            assert_eq!(got["valid"], true, "{format}: {headers:?}");
            assert_eq!(got["trace_id"], TRACE, "{format}");
            assert_eq!(got["span_id"], SPAN, "{format}");
            assert_eq!(got["sampled"], sampled, "{format}");
        }
    }
}

#[test]
fn real_peer_python_baggage_both_ways() {
    // Python writes a space as `+`; kit reads `+` as a literal plus (W3C).
    let headers = python(&["inject", "baggage", TRACE, SPAN, "1"], "");
    let headers = header_map(&headers);
    let propagators: Propagators = "baggage".parse().unwrap();
    let cx = propagators.extract(&headers);
    // Python wrote `user=alice+smith%2Bx`: its space arrives as a plus.
    assert_eq!(headers["baggage"], "user=alice+smith%2Bx,pct=100%25");
    assert_eq!(cx.baggage().get("user").unwrap().as_str(), "alice+smith+x");
    assert_eq!(cx.baggage().get("pct").unwrap().as_str(), "100%");

    // kit writes a space as %20 and a plus as %2B: Python reads it exactly.
    let mut out = HashMap::new();
    propagators.inject_context(
        &cx.with_baggage([opentelemetry::KeyValue::new("user", "alice smith+x")]),
        &mut out,
    );
    let got = python(
        &["extract", "baggage"],
        &serde_json::to_string(&out).unwrap(),
    );
    assert_eq!(got["user"], "alice smith+x", "{out:?}");
}
