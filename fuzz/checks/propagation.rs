//! What the `propagation` fuzz target checks, also replayed over the
//! committed corpus by `examples/tests/fuzz_corpus.rs`: any header values
//! in any combination — W3C `traceparent` / `tracestate` / `baggage`, B3
//! single and multi — extract without a panic; whatever context comes out,
//! injected again and extracted again, is the same context.

use std::collections::HashMap;

use kit_tracing::propagation::Propagators;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;

const HEADERS: [&str; 9] = [
    "traceparent",
    "tracestate",
    "baggage",
    "b3",
    "x-b3-traceid",
    "x-b3-spanid",
    "x-b3-parentspanid",
    "x-b3-sampled",
    "x-b3-flags",
];

/// The input as headers: lines of `index:value`, the index (mod 9)
/// choosing the header.
pub(crate) fn headers(data: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(data);
    let mut headers = HashMap::new();
    for line in text.split('\n') {
        let (index, value) = line.split_once(':').unwrap_or(("0", line));
        let index = index.bytes().map(usize::from).sum::<usize>() % HEADERS.len();
        headers.insert(HEADERS[index].to_owned(), value.to_owned());
    }
    headers
}

/// The check; panics when a property does not hold.
pub(crate) fn check(data: &[u8]) {
    let propagators: Propagators = "tracecontext,baggage,b3,b3multi".parse().unwrap();
    let first = propagators.extract(&headers(data));
    let mut injected = HashMap::new();
    propagators.inject_context(&first, &mut injected);
    let second = propagators.extract(&injected);
    let (a, b) = (
        first.span().span_context().clone(),
        second.span().span_context().clone(),
    );
    assert_eq!(a.is_valid(), b.is_valid(), "{injected:?}");
    if a.is_valid() {
        assert_eq!(a.trace_id(), b.trace_id(), "{injected:?}");
        assert_eq!(a.span_id(), b.span_id(), "{injected:?}");
        assert_eq!(a.is_sampled(), b.is_sampled(), "{injected:?}");
    }
    let entries = |cx: &opentelemetry::Context| {
        let mut v: Vec<(String, String)> = cx
            .baggage()
            .iter()
            .map(|(k, (v, _))| (k.to_string(), v.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(entries(&first), entries(&second), "{injected:?}");
}
