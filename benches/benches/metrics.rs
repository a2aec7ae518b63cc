//! Metrics benchmarks: kit beside a bare atomic, the `metrics` crate (with
//! metrics-exporter-prometheus' recorder) and the `prometheus` crate, in one
//! run, with the ids and setups of `BENCHMARKS.md`.
//!
//! ```text
//! cargo bench -p kit-benches --bench metrics
//! scripts/bench-table M
//! ```

#![allow(missing_docs)]

#[allow(dead_code)] // the logging helpers (sink, fields) are not used here
mod support;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{criterion_group, criterion_main, Criterion};
use support::Group;

#[global_allocator]
static ALLOCATOR: support::CountingAllocator = support::CountingAllocator;

/// Installs metrics-exporter-prometheus' recorder as the `metrics` crate's
/// global recorder, once (the crate allows one per process).
fn metrics_recorder() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        metrics::set_global_recorder(recorder).expect("no other recorder");
    });
}

fn m1_counter(c: &mut Criterion) {
    let mut g = Group::new(c, "M1_counter");

    let atomic = AtomicU64::new(0);
    g.case("atomic", None, || {
        black_box(&atomic).fetch_add(1, Ordering::Relaxed);
    });

    let provider = kit_metrics::Provider::new();
    let kit = provider.counter("requests_total").build();
    g.case("kit", None, || black_box(&kit).inc());

    metrics_recorder();
    let metrics = metrics::counter!("m1_requests_total");
    g.case("metrics", None, || black_box(&metrics).increment(1));

    let prometheus = prometheus::IntCounter::new("requests_total", "requests").unwrap();
    g.case("prometheus", None, || black_box(&prometheus).inc());

    assert!(atomic.load(Ordering::Relaxed) > 0 && kit.get() > 0 && prometheus.get() > 0);
    g.finish();
}

fn m2_counter_labels(c: &mut Criterion) {
    let mut g = Group::new(c, "M2_counter_labels");
    let (method, status) = black_box(("GET", "200"));

    let provider = kit_metrics::Provider::new();
    let kit = provider
        .counter("requests_total")
        .labels(&["method", "status"])
        .build();
    g.case("kit", None, || black_box(&kit).inc_with(&[method, status]));

    metrics_recorder();
    g.case("metrics", None, || {
        metrics::counter!("m2_requests_total", "method" => method, "status" => status).increment(1);
    });

    let opts = prometheus::Opts::new("requests_total", "requests");
    let prometheus = prometheus::IntCounterVec::new(opts, &["method", "status"]).unwrap();
    g.case("prometheus", None, || {
        black_box(&prometheus)
            .with_label_values(&[method, status])
            .inc()
    });

    assert!(kit.with(&[method, status]).get() > 0);
    assert!(prometheus.with_label_values(&[method, status]).get() > 0);
    g.finish();
}

fn m3_histogram(c: &mut Criterion) {
    let mut g = Group::new(c, "M3_histogram");
    let v = black_box(0.0125);

    let provider = kit_metrics::Provider::new();
    let kit = provider.histogram("latency_seconds").build(); // Prometheus' default buckets
    g.case("kit", None, || black_box(&kit).observe(v));

    metrics_recorder();
    let metrics = metrics::histogram!("m3_latency_seconds");
    g.case("metrics", None, || black_box(&metrics).record(v));

    let prometheus = prometheus::Histogram::with_opts(prometheus::HistogramOpts::new(
        "latency_seconds",
        "latency",
    ))
    .unwrap();
    g.case("prometheus", None, || black_box(&prometheus).observe(v));

    assert!(kit.count() > 0 && prometheus.get_sample_count() > 0);
    g.finish();
}

/// A UDP port that receives and discards (the kernel drops what overflows
/// its buffer): where the statsd clients of M4 send.
fn udp_sink() -> (std::net::UdpSocket, String) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    (socket, addr)
}

fn m4_statsd_counter(c: &mut Criterion) {
    let mut g = Group::new(c, "M4_statsd_counter");
    let (_sink, addr) = udp_sink();

    // kit: the statsd backend running (it sends deltas from its exporter
    // thread every second); the caller's cost is the increment.
    let config: kit_metrics::MetricsConfig = format!("statsd://{addr}?flush=1s").parse().unwrap();
    let provider = config.build().unwrap();
    let kit = provider.counter("requests_total").build();
    g.case("kit", None, || black_box(&kit).inc());

    // cadence: one line formatted and buffered per call, a datagram sent
    // when the buffer is full.
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let sink = cadence::BufferedUdpMetricSink::from(addr.as_str(), socket).unwrap();
    let cadence = cadence::StatsdClient::from_sink("", sink);
    g.case("cadence", None, || {
        use cadence::Counted;
        let _ = black_box(&cadence).count("requests_total", 1);
    });

    // metrics-exporter-dogstatsd: a handle from its recorder (local, as the
    // process-wide recorder is the Prometheus one), its own thread flushing.
    let recorder = metrics_exporter_dogstatsd::DogStatsDBuilder::default()
        .with_remote_address(addr.as_str())
        .unwrap()
        .with_synchronous_backend()
        .build()
        .unwrap();
    let dogstatsd =
        metrics::with_local_recorder(&recorder, || metrics::counter!("m4_requests_total"));
    g.case("metrics_dogstatsd", None, || {
        black_box(&dogstatsd).increment(1)
    });

    assert!(kit.get() > 0);
    g.finish();
    provider.shutdown(std::time::Duration::from_secs(1));
}

fn m5_parallel_counter(c: &mut Criterion) {
    let mut g = Group::new(c, "M5_parallel_counter");

    let atomic = AtomicU64::new(0);
    g.parallel_case("atomic", None, || {
        black_box(&atomic).fetch_add(1, Ordering::Relaxed);
    });

    let provider = kit_metrics::Provider::new();
    let kit = provider.counter("requests_total").build();
    g.parallel_case("kit", None, || black_box(&kit).inc());

    metrics_recorder();
    let metrics = metrics::counter!("m5_requests_total");
    g.parallel_case("metrics", None, || black_box(&metrics).increment(1));

    let prometheus = prometheus::IntCounter::new("requests_total", "requests").unwrap();
    g.parallel_case("prometheus", None, || black_box(&prometheus).inc());

    assert!(kit.get() > 0 && prometheus.get() > 0);
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group! {
    name = metrics_benches;
    config = config();
    targets = m1_counter, m2_counter_labels, m3_histogram, m4_statsd_counter, m5_parallel_counter
}
criterion_main!(metrics_benches);
