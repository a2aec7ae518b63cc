//! Log lines carry the ids of their trace, across `tokio::spawn` and
//! thread hand-offs when the context is carried with kit's helpers.

use kit_log::{sink::Buffer, Logfmt, LoggerExt};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;

fn in_a_trace() -> opentelemetry::ContextGuard {
    let span = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    Context::current().with_remote_span_context(span).attach()
}

const IDS: &str = "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7";

#[tokio::test]
async fn a_spawned_task_logs_the_ids_of_the_trace_that_spawned_it() {
    let out = Buffer::new();
    let logger = Logfmt::new(out.clone())
        .with("trace_id", kit_tracing::logs::trace_id())
        .with("span_id", kit_tracing::logs::span_id());
    let task = {
        let _trace = in_a_trace();
        let (carried, lost) = (logger.clone(), logger.clone());
        let carried = tokio::spawn(kit_tracing::logs::in_current_context(async move {
            kit_log::log!(carried, msg = "carried");
        }));
        let lost = tokio::spawn(async move {
            kit_log::log!(lost, msg = "not carried");
        });
        (carried, lost)
    };
    task.0.await.unwrap();
    task.1.await.unwrap();
    let text = out.contents_string();
    assert!(text.contains(&format!("{IDS} msg=carried\n")), "{text}");
    assert!(
        text.contains("trace_id=null span_id=null msg=\"not carried\"\n"),
        "{text}"
    );
}

#[test]
fn a_thread_logs_the_ids_of_the_trace_that_started_it() {
    let out = Buffer::new();
    let logger = Logfmt::new(out.clone())
        .with("trace_id", kit_tracing::logs::trace_id())
        .with("span_id", kit_tracing::logs::span_id());
    let _trace = in_a_trace();
    let carried = logger.clone();
    std::thread::spawn(kit_tracing::logs::bind(move || {
        kit_log::log!(carried, msg = "on a thread")
    }))
    .join()
    .unwrap();
    assert_eq!(
        out.contents_string(),
        format!("{IDS} msg=\"on a thread\"\n")
    );
}
