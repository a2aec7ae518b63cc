//! The Etsy statsd daemon (npm `statsd@0.9.0`, installed by `scripts/test`
//! under `target/peers`), started here on 127.0.0.1, receives kit's
//! statsd lines; it flushes every 200 ms to its Graphite backend, which
//! writes to a plaintext sink this test listens with, so every total
//! statsd computed is read back. Fails, never skips, when statsd is missing.

use std::time::{Duration, Instant};

use kit_metrics::{MetricsConfig, Provider};

#[path = "common/peer.rs"]
mod peer;
use peer::Peer;
#[path = "common/statsd.rs"]
mod statsd;
use statsd::{start_statsd, statsd_and_sink, Sink, BAD_LINES};

fn statsd(query: &str) -> (Provider, Peer, Sink, u16) {
    let (peer, sink, udp) = statsd_and_sink();
    let config: MetricsConfig = format!("statsd://127.0.0.1:{udp}?flush=1h&{query}")
        .parse()
        .unwrap();
    (config.build().unwrap(), peer, sink, udp)
}

#[test]
fn real_peer_statsd_counts_exactly_and_keeps_gauges_and_sampled_timers() {
    let (metrics, _statsd, sink, _) = statsd("prefix=kit.&max_samples=50");
    let jobs = metrics.counter("jobs_total").labels(&["queue"]).build();
    let temp = metrics.gauge("temp").build();
    let level = metrics.gauge("level").build();
    let seconds = metrics.histogram("job_seconds").build();

    jobs.with(&["mail"]).add(3);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| (0..1000).for_each(|_| jobs.with(&["sms"]).inc()));
        }
    });
    temp.set(-12.5);
    level.set(3.0);
    // 200 observations, 0..199 ms; the buffer keeps 50 of them (rate 0.25).
    for i in 0..200 {
        seconds.observe(f64::from(i) / 1000.0);
    }
    assert!(metrics.flush(Duration::from_secs(5)));
    // A second flush sends only what changed since the first.
    jobs.with(&["mail"]).add(2);
    assert!(metrics.flush(Duration::from_secs(5)));

    sink.wait_for("the counters and timers", |s| {
        s.sum("stats.counters.kit.jobs_total.mail.count") >= 5.0
            && s.sum("stats.timers.kit.job_seconds.count") >= 199.0
    });
    assert_eq!(sink.sum("stats.counters.kit.jobs_total.mail.count"), 5.0);
    assert_eq!(sink.sum("stats.counters.kit.jobs_total.sms.count"), 4000.0);
    assert_eq!(sink.last("stats.gauges.kit.temp"), Some(-12.5));
    assert_eq!(sink.last("stats.gauges.kit.level"), Some(3.0));
    // statsd counts a timer line at rate r as 1/r observations: the
    // announced rate makes the count exact.
    let count = sink.sum("stats.timers.kit.job_seconds.count");
    assert!((count - 200.0).abs() < 1e-6, "timer count {count}");
    // The sum of the kept values over the rate estimates the real sum
    // (19,900 ms); a 25% sample stays within 25% of it (about 3.5 standard
    // deviations; the buffer's RNG is seeded, so the run is repeatable).
    let estimated = sink.sum("stats.timers.kit.job_seconds.sum") / 0.25;
    assert!(
        (estimated - 19_900.0).abs() < 0.25 * 19_900.0,
        "estimated sum {estimated} ms"
    );
    assert!(sink.last("stats.timers.kit.job_seconds.upper").unwrap() <= 199.0);
    assert_eq!(sink.sum(BAD_LINES), 0.0);
    assert_eq!(metrics.export_stats().dropped, 0);
}

/// What Etsy statsd's key sanitizer leaves of a key.
fn statsd_key(key: &str) -> String {
    key.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .replace('/', "-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_-.;=".contains(*c))
        .collect()
}

#[test]
fn real_peer_statsd_passes_the_conformance_workload_with_escaping() {
    let (metrics, _statsd, sink, _) = statsd("");
    let workload = kit_metrics::conformance::Workload::new("conf_");
    workload.apply(&metrics);
    // Reserved characters and newlines in names and label values.
    let hostile = metrics.counter("odd:name|x").labels(&["v"]).build();
    hostile.with(&["a:b|c@d#e,f\ng.h"]).add(4);
    assert!(metrics.flush(Duration::from_secs(5)));

    sink.wait_for("the workload", |s| {
        s.sum("stats.timers.conf_latency_seconds.count") >= 5.0
            && s.last("stats.gauges.conf_in_flight").is_some()
    });
    // Every counter of the workload, its label values folded into the name.
    for sample in workload.expected() {
        let name = &sample.name;
        if name.ends_with("_total") {
            let folded: Vec<String> = sample
                .labels
                .values()
                .map(|v| v.replace(['.', ' ', ':', '|', '@', '#', ','], "_"))
                .collect();
            let path = statsd_key(&format!("stats.counters.{name}.{}.count", folded.join(".")));
            assert_eq!(sink.sum(&path), sample.value, "{path}");
        } else if name.ends_with("in_flight") {
            assert_eq!(
                sink.last(&format!("stats.gauges.{name}")),
                Some(sample.value)
            );
        } else if name.ends_with("_count") {
            let timer = name.trim_end_matches("_count");
            assert_eq!(
                sink.sum(&format!("stats.timers.{timer}.count")),
                sample.value
            );
        } else if name.ends_with("_sum") {
            let timer = name.trim_end_matches("_sum");
            let ms = sink.sum(&format!("stats.timers.{timer}.sum"));
            assert!((ms - sample.value * 1000.0).abs() < 1e-6, "{ms}");
        }
    }
    assert_eq!(
        sink.sum("stats.counters.odd_name_x.a_b_c_d_e_f_g_h.count"),
        4.0,
        "paths: {:?}",
        sink.paths()
    );
    assert_eq!(sink.sum(BAD_LINES), 0.0);
}

#[test]
fn real_peer_statsd_dogstatsd_tags_arrive_as_graphite_tags() {
    let (_statsd, sink, udp) = statsd_and_sink();
    let config: MetricsConfig = format!("dogstatsd://127.0.0.1:{udp}?flush=1h&histogram=ms")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let requests = metrics
        .counter("requests_total")
        .labels(&["method"])
        .build();
    requests.with(&["sum"]).add(6);
    assert!(metrics.flush(Duration::from_secs(5)));
    sink.wait_for("the tagged counter", |s| {
        s.sum("stats.counters.requests_total.count;method=sum") >= 6.0
    });
    assert_eq!(
        sink.sum("stats.counters.requests_total.count;method=sum"),
        6.0
    );
    assert_eq!(sink.sum(BAD_LINES), 0.0);
}

#[test]
fn real_peer_statsd_restart_loses_no_counter_and_counts_lost_observations() {
    restart_loses_no_counter_and_counts_lost_observations("statsd://", "");
}

#[test]
fn real_peer_dogstatsd_restart_loses_no_counter_and_counts_lost_observations() {
    // Etsy statsd reads DogStatsD lines without tags; timers as `ms`.
    restart_loses_no_counter_and_counts_lost_observations("dogstatsd://", "histogram=ms");
}

/// Etsy statsd goes away while `scheme` sends to it, then comes back on
/// the same port.
fn restart_loses_no_counter_and_counts_lost_observations(scheme: &str, query: &str) {
    let (statsd, sink, udp) = statsd_and_sink();
    let config: MetricsConfig = format!("{scheme}127.0.0.1:{udp}?flush=1h&{query}")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    let seconds = metrics.histogram("job_seconds").build();
    jobs.add(10);
    assert!(metrics.flush(Duration::from_secs(5)));
    sink.wait_for("the first total", |s| {
        s.sum("stats.counters.jobs_total.count") >= 10.0
    });

    // statsd goes away: counters stay pending, observations are lost and
    // counted, and the application is never blocked.
    drop(statsd);
    let (sink_port_sink, sink_port) = Sink::start();
    jobs.add(5);
    for _ in 0..7 {
        seconds.observe(0.01);
    }
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(1));
    let stats = metrics.export_stats();
    assert_eq!(stats.dropped, 7, "{stats:?}");
    assert!(stats.failed >= 1);
    let dropped = metrics.snapshot();
    let dropped = dropped.metric(kit_metrics::DROPPED_METRIC).unwrap();
    assert_eq!(
        dropped.series[0].value,
        kit_metrics::SeriesValue::Counter(7)
    );

    // statsd is back on the same port: the pending delta arrives, with
    // what was recorded after the restart.
    let _statsd = start_statsd(udp, sink_port);
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    sink_port_sink.wait_for("the totals after the restart", |s| {
        s.sum("stats.counters.jobs_total.count") >= 6.0
    });
    assert_eq!(sink_port_sink.sum("stats.counters.jobs_total.count"), 6.0);
    assert_eq!(sink.sum("stats.counters.jobs_total.count"), 10.0);
}

#[test]
fn real_peer_statsd_shutdown_delivers_everything_pending() {
    let (metrics, _statsd, sink, _) = statsd("");
    let jobs = metrics.counter("jobs_total").build();
    jobs.add(42);
    assert!(metrics.shutdown(Duration::from_secs(5)));
    sink.wait_for("the total", |s| {
        s.sum("stats.counters.jobs_total.count") >= 42.0
    });
    assert_eq!(sink.sum("stats.counters.jobs_total.count"), 42.0);
}
