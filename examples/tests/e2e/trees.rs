//! The span tree of each request, as a trace receiver got it: addcli's
//! CLIENT span, addsvc's SERVER span inside it, the endpoint span inside
//! that — read from OTLP (the Python receiver's JSON) or Zipkin v2 alike.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::addsvc::Call;

/// A span, whatever format it came in.
#[derive(Debug)]
pub(crate) struct Span {
    trace_id: String,
    span_id: String,
    /// Empty for a root span.
    parent_id: String,
    name: String,
    /// `SERVER`, `CLIENT`, `INTERNAL`…
    kind: String,
    service: String,
}

/// Where [`Span`]'s fields are (JSON pointers) in the OTLP receiver's
/// spans; kinds are `SPAN_KIND_SERVER`…
pub(crate) const OTLP: [&str; 6] = [
    "/trace_id",
    "/span_id",
    "/parent_span_id",
    "/name",
    "/kind",
    "/resource/service.name",
];

/// Where [`Span`]'s fields are in Zipkin v2 spans: no `kind` is an
/// internal span (Zipkin has no such kind), no `parentId` a root.
pub(crate) const ZIPKIN: [&str; 6] = [
    "/traceId",
    "/id",
    "/parentId",
    "/name",
    "/kind",
    "/localEndpoint/serviceName",
];

impl Span {
    /// The span `s`, its fields where `at` says ([`OTLP`], [`ZIPKIN`]).
    pub(crate) fn read(s: &Value, at: &[&str; 6]) -> Span {
        let [trace_id, span_id, parent_id, name, kind, service] = at.map(|p| {
            s.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        });
        let kind = match kind.trim_start_matches("SPAN_KIND_") {
            "" => "INTERNAL".to_owned(),
            kind => kind.to_owned(),
        };
        Span {
            trace_id,
            span_id,
            parent_id,
            name,
            kind,
            service,
        }
    }
}

/// Waits up to 20 s for every call's trace to have its three spans in
/// what `read` returns, then checks each tree: one trace per request —
/// addcli's root CLIENT span, the parent of addsvc's SERVER span
/// `POST /sum` (or `/concat`), the parent of the endpoint span `sum`, the
/// span the call's log line was written in — and nothing else in it.
pub(crate) fn check_trees(calls: &[Call], read: impl Fn() -> Vec<Span>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let spans = loop {
        let spans = read();
        let arrived = |c: &Call| spans.iter().filter(|s| s.trace_id == c.trace_id).count() >= 3;
        if calls.iter().all(arrived) || Instant::now() >= deadline {
            break spans;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut traces: Vec<&str> = calls.iter().map(|c| c.trace_id.as_str()).collect();
    traces.sort();
    traces.dedup();
    assert_eq!(
        traces.len(),
        calls.len(),
        "one trace per request: {calls:#?}"
    );
    for call in calls {
        let tree: Vec<&Span> = spans
            .iter()
            .filter(|s| s.trace_id == call.trace_id)
            .collect();
        let one = |what: &str, find: &dyn Fn(&Span) -> bool| {
            let found: Vec<&&Span> = tree.iter().filter(|s| find(s)).collect();
            assert_eq!(found.len(), 1, "{what} of {call:?} in {tree:#?}");
            *found[0]
        };
        let endpoint = one("the endpoint span", &|s| {
            s.name == call.method && s.kind == "INTERNAL" && s.service == "addsvc"
        });
        let server = one("the SERVER span", &|s| {
            s.name == format!("POST /{}", call.method)
                && s.kind == "SERVER"
                && s.service == "addsvc"
        });
        let client = one("addcli's CLIENT span", &|s| {
            s.kind == "CLIENT" && s.service == "addcli"
        });
        assert_eq!(endpoint.parent_id, server.span_id, "{tree:#?}");
        assert_eq!(server.parent_id, client.span_id, "{tree:#?}");
        assert_eq!(client.parent_id, "", "{tree:#?}");
        assert_eq!(call.span_id, endpoint.span_id, "the log line's span");
        assert_eq!(tree.len(), 3, "{tree:#?}");
    }
}
