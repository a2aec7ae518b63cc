//! A real Graphite carbon-cache (Debian's `graphite-carbon`), started here
//! on 127.0.0.1 with 1-second whisper retention, receives kit's plaintext
//! lines over TCP and UDP; what it stored is read back from the whisper
//! files with carbon's and whisper's own Python modules. Fails, never
//! skips, when carbon is missing.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use kit_metrics::MetricsConfig;

#[path = "common/peer.rs"]
mod peer;
use peer::{free_port, free_udp_port};
#[path = "common/carbon.rs"]
mod carbon;
use carbon::{start_carbon, stored, wait_stored};

fn workload_series(tags: bool) -> Vec<(&'static str, f64)> {
    if tags {
        vec![
            ("conf_requests_total;method=sum;outcome=success", 7.0),
            (
                "conf_requests_total;method=concat;outcome=business_error",
                2.0,
            ),
            // `a "quoted" \ method`: every character but letters, digits,
            // `_ - . :` becomes `_`.
            (
                "conf_requests_total;method=a__quoted____method;outcome=failure",
                1.0,
            ),
            ("conf_in_flight", 7.5),
            ("conf_latency_seconds.count", 5.0),
            ("conf_latency_seconds.sum", 5.65),
            // Buckets 0.1 and 1: 2, 1, and 2 above; p50 falls halfway
            // into (0.1, 1], p90 in +Inf gives the highest bound.
            ("conf_latency_seconds.p50", 0.55),
            ("conf_latency_seconds.p90", 1.0),
        ]
    } else {
        vec![
            ("conf_requests_total.sum.success", 7.0),
            ("conf_requests_total.concat.business_error", 2.0),
            ("conf_requests_total.a__quoted____method.failure", 1.0),
            ("conf_in_flight", 7.5),
            ("conf_latency_seconds.count", 5.0),
            ("conf_latency_seconds.p99", 1.0),
        ]
    }
}

#[test]
fn real_peer_graphite_tcp_stores_tagged_series_of_the_conformance_workload() {
    let carbon = start_carbon(free_port(), free_udp_port());
    let config: MetricsConfig = format!("graphite://127.0.0.1:{}?flush=1h", carbon.port)
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    kit_metrics::conformance::Workload::new("conf_").apply(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    wait_stored(&carbon, &workload_series(true));
    assert_eq!(metrics.export_stats().failed, 0);
}

#[test]
fn real_peer_graphite_udp_stores_folded_series() {
    let udp = free_udp_port();
    let carbon = start_carbon(free_port(), udp);
    let config: MetricsConfig =
        format!("graphite+udp://127.0.0.1:{udp}?flush=1h&tags=false&max_packet=128")
            .parse()
            .unwrap();
    let metrics = config.build().unwrap();
    kit_metrics::conformance::Workload::new("conf_").apply(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    wait_stored(&carbon, &workload_series(false));
}

#[test]
fn real_peer_graphite_absent_killed_and_restarted_loses_no_total() {
    let (port, udp) = (free_port(), free_udp_port());
    let config: MetricsConfig = format!("graphite://127.0.0.1:{port}?flush=1h&timeout=1s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();

    // Absent at start: the push fails at once, the application goes on.
    jobs.add(1);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 1);

    // Up: the total so far arrives (after the reconnect backoff).
    let carbon = start_carbon(port, udp);
    jobs.add(2);
    let deadline = Instant::now() + Duration::from_secs(10);
    while metrics.export_stats().pushed == 0 {
        assert!(Instant::now() < deadline, "{:?}", metrics.export_stats());
        metrics.flush(Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(200));
    }
    wait_stored(&carbon, &[("jobs_total", 3.0)]);

    // Killed, then restarted: what was recorded meanwhile and after
    // arrives, as the cumulative total.
    drop(carbon);
    jobs.add(4);
    metrics.flush(Duration::from_secs(5));
    let carbon = start_carbon(port, udp);
    jobs.add(8);
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        metrics.flush(Duration::from_secs(5));
        if stored(&carbon, &["jobs_total"])[0] == Some(15.0) {
            break;
        }
        assert!(Instant::now() < deadline, "{:?}", metrics.export_stats());
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(metrics.shutdown(Duration::from_secs(5)));
}

#[test]
fn real_peer_graphite_a_peer_that_never_reads_cannot_hold_shutdown_past_its_deadline() {
    // Accepts connections and never reads: the socket buffers fill up.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(10));
        drop(conns);
    });
    let config: MetricsConfig = format!("graphite://127.0.0.1:{port}?flush=1h&timeout=30s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    // About 20 MB of lines: more than the loopback buffers hold.
    for m in 0..20 {
        let c = metrics
            .counter(&format!("load_{m}_total"))
            .labels(&["id"])
            .build();
        for i in 0..10_000 {
            c.with(&[&format!(
                "series-number-{i}-with-some-padding-to-make-it-long"
            )])
            .inc();
        }
    }
    let started = Instant::now();
    assert!(!metrics.shutdown(Duration::from_secs(2)));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    // Recording goes on, unblocked.
    metrics.counter("after_total").build().inc();
    let _ = held;
}

#[test]
fn real_peer_graphite_udp_killed_and_restarted_loses_no_total() {
    let (port, udp) = (free_port(), free_udp_port());
    let carbon = start_carbon(port, udp);
    let config: MetricsConfig = format!("graphite+udp://127.0.0.1:{udp}?flush=1h")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    // Pushes until carbon stored `want` (a datagram sent while carbon
    // starts can be lost: the next push carries the same cumulative total).
    let push_until = |carbon: &peer::Peer, want: f64| {
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            let started = Instant::now();
            metrics.flush(Duration::from_secs(5));
            assert!(started.elapsed() < Duration::from_secs(1));
            if stored(carbon, &["jobs_total"])[0] == Some(want) {
                return;
            }
            assert!(Instant::now() < deadline, "{:?}", metrics.export_stats());
            std::thread::sleep(Duration::from_millis(500));
        }
    };
    jobs.add(1);
    push_until(&carbon, 1.0);

    // Killed: sending never blocks the application.
    drop(carbon);
    jobs.add(2);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(1));

    // Restarted (a new storage directory): the cumulative total arrives.
    let carbon = start_carbon(port, udp);
    jobs.add(4);
    push_until(&carbon, 7.0);
    assert_eq!(metrics.export_stats().dropped, 0);
    assert!(metrics.shutdown(Duration::from_secs(5)));
}
