//! Propagation against hostile input: any header value, of any length and
//! content, in any combination, extracts without panicking — and whatever
//! kit injects, kit extracts back to the same ids.

use std::collections::HashMap;

use kit_tracing::propagation::Propagators;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;
use proptest::prelude::*;

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

fn all() -> Propagators {
    "tracecontext,baggage,b3,b3multi".parse().unwrap()
}

/// Values near the valid ones: hex runs, dashes, the sampling words.
fn near_valid() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "([0-9a-fA-F]{0,33}|-|0|1|d|ff|00|true|,|=|;|%[0-9A-Z]{0,2}| ){0,8}",
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_headers_extract_without_panic(
        values in proptest::collection::vec(prop_oneof![any::<String>(), near_valid()], 9),
        present in proptest::collection::vec(any::<bool>(), 9),
    ) {
        let headers: HashMap<String, String> = HEADERS
            .iter()
            .zip(values)
            .zip(present)
            .filter(|(_, p)| *p)
            .map(|((h, v), _)| (h.to_string(), v))
            .collect();
        let cx = all().extract(&headers);
        // Whatever was extracted injects again without panic.
        let mut out = HashMap::new();
        all().inject_context(&cx, &mut out);
    }

    #[test]
    fn what_kit_injects_kit_extracts(
        trace in 1u128..,
        span in 1u64..,
        sampled in any::<bool>(),
        format in prop_oneof![Just("tracecontext"), Just("b3"), Just("b3multi")],
    ) {
        let propagators: Propagators = format.parse().unwrap();
        let flags = if sampled { TraceFlags::SAMPLED } else { TraceFlags::NOT_SAMPLED };
        let cx = Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from_bytes(trace.to_be_bytes()),
            SpanId::from_bytes(span.to_be_bytes()),
            flags,
            true,
            TraceState::default(),
        ));
        let mut headers = HashMap::new();
        propagators.inject_context(&cx, &mut headers);
        let back = propagators.extract(&headers);
        let got = back.span().span_context().clone();
        prop_assert_eq!(got.trace_id(), TraceId::from_bytes(trace.to_be_bytes()));
        prop_assert_eq!(got.span_id(), SpanId::from_bytes(span.to_be_bytes()));
        prop_assert_eq!(got.is_sampled(), sampled);
    }
}

#[test]
fn huge_headers_are_a_new_root() {
    let huge = "a".repeat(1 << 20);
    for header in HEADERS {
        let mut headers = HashMap::new();
        headers.insert(header.to_string(), huge.clone());
        let cx = all().extract(&headers);
        assert!(!cx.span().span_context().is_valid(), "{header}");
    }
}
