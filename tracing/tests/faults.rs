//! The span exporter with its endpoint down (nothing listens on its port)
//! and with an endpoint that accepts connections and never answers: the
//! application never waits on it — the p99 of a traced call stays within
//! 2x of the same calls exported by kit's exporter thread to an exporter
//! that accepts everything at once (same sampler, `always_on`) —
//! memory stays bounded (the process grows by less than 50 MB over
//! 1,000,000 spans) and every span is accounted for: exported + dropped
//! equals the spans made, and shutdown keeps its deadline.
//!
//! The tests of this file run one at a time, so nothing else in this
//! process moves its memory or competes for the two cores.

use std::time::{Duration, Instant};

use kit_tracing::config::Sampler;
use kit_tracing::{Tracing, TracingConfig};
use opentelemetry::trace::{Span, Tracer};
use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracer, SpanData, SpanExporter};

#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
use peer::free_port;
#[path = "../../metrics/tests/common/grpc_status.rs"]
mod grpc_status;
use grpc_status::grpc_answering;
#[path = "../../metrics/tests/common/measure.rs"]
mod measure;
use measure::{percentile, rss, serial};

/// An endpoint that takes every span at once: the baseline.
#[derive(Debug)]
struct Discard;

impl SpanExporter for Discard {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        drop(batch);
        Ok(())
    }
}

/// What the application does per call: a span with two attributes.
fn call(tracer: &SdkTracer, i: u64) {
    let mut span = tracer.start("sum");
    span.set_attribute(KeyValue::new("addsvc.a", i as i64));
    span.set_attribute(KeyValue::new("addsvc.outcome", "ok"));
    span.end();
}

/// Nanoseconds per call of each batch of 1,000 calls.
fn batch(tracer: &SdkTracer, round: u64) -> f64 {
    let started = Instant::now();
    for i in 0..1000 {
        call(tracer, round * 1000 + i);
    }
    started.elapsed().as_nanos() as f64 / 1000.0
}

fn start(url: &str) -> Tracing {
    Tracing::start(&url.parse::<TracingConfig>().unwrap()).unwrap()
}

/// Waits (up to `within`) until every one of `made` spans is counted as
/// exported or dropped, and asserts it is — never more, never fewer.
fn all_accounted_for(tracing: &Tracing, made: u64, within: Duration, what: &str) {
    let deadline = Instant::now() + within;
    loop {
        let stats = tracing.stats();
        let counted = stats.exported + stats.dropped;
        assert!(counted <= made, "{what}: {stats:?} for {made} spans");
        if counted == made {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {stats:?} for {made} spans"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_endpoint_that_is_down_never_slows_the_caller_and_memory_stays_bounded() {
    let _serial = serial();
    let config = TracingConfig {
        sampler: Sampler::AlwaysOn,
        ..TracingConfig::default()
    };
    let baseline = Tracing::start_with_exporter(&config, Discard).unwrap();
    let up = baseline.tracer("kit-test");
    let schemes = ["otlp", "otlp+http", "zipkin"];
    for scheme in schemes {
        let url = format!(
            "{scheme}://127.0.0.1:{}?timeout=200ms&sampler=always_on",
            free_port()
        );
        let tracing = start(&url);
        let down = tracing.tracer("kit-test");

        // Interleaved, so both see the same machine.
        let (mut slow, mut fast) = (Vec::new(), Vec::new());
        for round in 0..300 {
            slow.push(batch(&down, round));
            fast.push(batch(&up, round));
        }
        let (slow_median, fast_median) = (percentile(&mut slow, 0.5), percentile(&mut fast, 0.5));
        let (slow, fast) = (percentile(&mut slow, 0.99), percentile(&mut fast, 0.99));
        assert!(
            slow <= 2.0 * fast,
            "{url}: p99 {slow:.1} ns per call with the endpoint down, {fast:.1} ns with one that takes everything"
        );

        let before = rss();
        for round in 0..1000 {
            batch(&down, round);
        }
        let grown = rss().saturating_sub(before);
        assert!(
            grown < 50 * 1024 * 1024,
            "{url}: grew {} MB over 1,000,000 spans",
            grown / (1024 * 1024)
        );

        let started = Instant::now();
        tracing.shutdown(Duration::from_secs(1));
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{url}: shutdown took {:?}",
            started.elapsed()
        );
        let made = 1_300_000;
        all_accounted_for(&tracing, made, Duration::from_secs(1), &url);
        let stats = tracing.stats();
        assert_eq!(stats.exported, 0, "{url}: {stats:?}");
        assert!(stats.failed > 0, "{url}: {stats:?}");
        eprintln!(
            "{url}: p99 {slow:.1} ns/call, median {slow_median:.1} (endpoint up: {fast:.1}, {fast_median:.1}), RSS +{} kB, {stats:?}",
            grown / 1024
        );
    }
    assert!(baseline.shutdown(Duration::from_secs(1)));
    all_accounted_for(
        &baseline,
        300_000 * schemes.len() as u64,
        Duration::ZERO,
        "discard",
    );
}

#[test]
fn an_endpoint_that_never_answers_holds_neither_the_caller_nor_shutdown_and_loses_count_of_nothing()
{
    let _serial = serial();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().collect();
        drop(held);
    });
    let config = TracingConfig {
        sampler: Sampler::AlwaysOn,
        ..TracingConfig::default()
    };
    let baseline = Tracing::start_with_exporter(&config, Discard).unwrap();
    let up = baseline.tracer("kit-test");
    for scheme in ["otlp", "otlp+http", "zipkin"] {
        let url = format!("{scheme}://127.0.0.1:{port}?timeout=300ms&sampler=always_on");
        let tracing = start(&url);
        let tracer = tracing.tracer("kit-test");
        let mut worst = Duration::ZERO;
        let mut made = 20_000u64;
        for i in 0..made {
            let started = Instant::now();
            call(&tracer, i);
            worst = worst.max(started.elapsed());
            if i % 2_000 == 0 {
                // Spread the calls over several export attempts.
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // No call waits on an export: the slowest one is far below the
        // export timeout.
        assert!(
            worst < Duration::from_millis(50),
            "{url}: slowest call {worst:?}"
        );
        // And the p99 stays within 2x of calls exported to an endpoint
        // that takes everything (interleaved: the same machine for both).
        let (mut stuck, mut fast) = (Vec::new(), Vec::new());
        for round in 0..300 {
            stuck.push(batch(&tracer, round));
            fast.push(batch(&up, round));
        }
        made += 300_000;
        let (stuck, fast) = (percentile(&mut stuck, 0.99), percentile(&mut fast, 0.99));
        assert!(
            stuck <= 2.0 * fast,
            "{url}: p99 {stuck:.1} ns per call with the endpoint stuck, {fast:.1} ns with one that takes everything"
        );
        let started = Instant::now();
        let finished = tracing.shutdown(Duration::from_millis(500));
        assert!(
            started.elapsed() < Duration::from_millis(1000),
            "{url}: shutdown took {:?}",
            started.elapsed()
        );
        // The batch in flight at the deadline is counted when its export
        // times out.
        all_accounted_for(&tracing, made, Duration::from_secs(2), &url);
        let stats = tracing.stats();
        assert_eq!(stats.exported, 0, "{url}: {stats:?}");
        assert!(stats.failed >= 1, "{url}: {stats:?}");
        eprintln!(
            "{url}: slowest call {worst:?}, shutdown finished in time: {finished}, {stats:?}"
        );
    }
    assert!(baseline.shutdown(Duration::from_secs(1)));
}

/// An HTTP endpoint answering every request with the status in `status`
/// (and an empty body, which both the OTLP/HTTP and the Zipkin exporter
/// take as a success on 2xx); its port.
fn answering(status: std::sync::Arc<std::sync::atomic::AtomicU16>) -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let status = status.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut conn = conn;
                loop {
                    // One request: headers, then Content-Length bytes.
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let code = status.load(std::sync::atomic::Ordering::SeqCst);
                    let answer = format!(
                        "HTTP/1.1 {code} Status\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"
                    );
                    if conn.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// 100 calls against `url`'s failing endpoint: every span counted dropped;
/// then `heal` makes the endpoint answer success and, past the exporter's
/// back-off, the next 100 are exported — nothing restarted.
fn fails_then_heals(url: &str, what: &str, heal: impl FnOnce()) {
    let tracing = start(url);
    let tracer = tracing.tracer("kit-test");
    for i in 0..100 {
        call(&tracer, i);
    }
    tracing.flush(Duration::from_secs(3));
    all_accounted_for(&tracing, 100, Duration::from_secs(3), url);
    let stats = tracing.stats();
    assert_eq!(
        (stats.exported, stats.dropped),
        (0, 100),
        "{what}: {stats:?}"
    );
    assert!(stats.failed >= 1, "{what}: {stats:?}");

    heal();
    std::thread::sleep(Duration::from_millis(600)); // past the back-off
    for i in 0..100 {
        call(&tracer, i);
    }
    tracing.flush(Duration::from_secs(3));
    all_accounted_for(&tracing, 200, Duration::from_secs(3), url);
    let stats = tracing.stats();
    assert_eq!(
        (stats.exported, stats.dropped),
        (100, 100),
        "{what}: {stats:?}"
    );
    assert!(tracing.shutdown(Duration::from_secs(1)), "{what}");
}

#[test]
fn an_endpoint_answering_400_or_500_is_counted_exactly_and_recovery_needs_nothing() {
    use std::sync::atomic::{AtomicU16, Ordering};
    let _serial = serial();
    for scheme in ["otlp+http", "zipkin"] {
        for error in [400, 500] {
            let status = std::sync::Arc::new(AtomicU16::new(error));
            let port = answering(status.clone());
            let url = format!("{scheme}://127.0.0.1:{port}?timeout=1s&sampler=always_on");
            let ok = if scheme == "zipkin" { 202 } else { 200 };
            fails_then_heals(&url, &format!("{url} {error}"), || {
                status.store(ok, Ordering::SeqCst)
            });
        }
    }
}

#[test]
fn an_otlp_grpc_error_status_is_counted_exactly_and_recovery_needs_nothing() {
    let _serial = serial();
    // INVALID_ARGUMENT, INTERNAL.
    for code in [3u8, 13] {
        let (port, answer) = grpc_answering(code);
        let url = format!("otlp://127.0.0.1:{port}?timeout=1s&sampler=always_on");
        fails_then_heals(&url, &format!("{url} {code}"), || answer.set(0));
    }
}
