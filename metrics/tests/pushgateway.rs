//! A real Prometheus push gateway (Debian's `prometheus-pushgateway`),
//! started here on 127.0.0.1, receives kit's pushes; shutdown returns by
//! its deadline even when the gateway is gone. Fails, never skips, when the
//! gateway is missing.

use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use kit_metrics::{MetricsConfig, Provider};

#[path = "common/peer.rs"]
mod peer;
use peer::{free_port, get, Peer};

fn start_gateway() -> Peer {
    start_gateway_on(free_port())
}

/// The gateway on `port` (to restart it where kit pushes).
fn start_gateway_on(port: u16) -> Peer {
    Peer::spawn_on(
        port,
        "pushgateway",
        Duration::from_secs(30),
        |port| get(port, "/-/ready").map(|r| r.0) == Some(200),
        |port, dir| {
            let mut command = Command::new("prometheus-pushgateway");
            command
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg(format!(
                    "--persistence.file={}",
                    dir.join("persistence").display()
                ));
            command
        },
    )
}

#[test]
fn real_peer_pushgateway_receives_every_flush_and_shutdown_respects_its_deadline() {
    let mut gateway = start_gateway();
    let config: MetricsConfig = format!(
        "pushgateway://127.0.0.1:{}?job=kit_test&flush=1h&prefix=svc_",
        gateway.port
    )
    .parse()
    .unwrap();
    let metrics = Provider::new();
    config.start(&metrics).unwrap();
    let jobs = metrics
        .counter("jobs_total")
        .help("Jobs.")
        .labels(&["queue"])
        .build();
    jobs.with(&["mail"]).add(3);
    metrics
        .histogram("job_seconds")
        .buckets(&[1.0])
        .build()
        .observe(0.5);

    let workload = kit_metrics::conformance::Workload::new("conf_");
    workload.apply(&metrics);
    assert!(
        metrics.flush(Duration::from_secs(10)),
        "flush did not finish"
    );
    let (status, body) = get(gateway.port, "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains("svc_jobs_total{instance=\"\",job=\"kit_test\",queue=\"mail\"} 3"),
        "{body}"
    );
    assert!(
        body.contains("svc_job_seconds_count{instance=\"\",job=\"kit_test\"} 1"),
        "{body}"
    );
    // The conformance kit, against what the gateway stored (names carry the prefix).
    let stored = kit_metrics::conformance::parse_text(&body);
    kit_metrics::conformance::Workload::new("svc_conf_")
        .check(&stored, &["job", "instance"])
        .unwrap();

    jobs.with(&["mail"]).add(2);
    assert!(metrics.flush(Duration::from_secs(10)));
    let (_, body) = get(gateway.port, "/metrics").unwrap();
    assert!(
        body.contains("svc_jobs_total{instance=\"\",job=\"kit_test\",queue=\"mail\"} 5"),
        "{body}"
    );
    assert_eq!(metrics.export_stats().failed, 0);

    // The gateway goes away: shutdown still returns by its deadline, and
    // the failed last push is counted, not hidden.
    let _ = gateway.child.kill();
    let _ = gateway.child.wait();
    let started = Instant::now();
    let delivered = metrics.shutdown(Duration::from_secs(2));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );
    assert!(
        delivered,
        "the thread finished (a refused connection fails fast)"
    );
}

#[test]
fn a_push_to_a_peer_that_never_answers_gives_up_at_the_deadline() {
    // Accepts connections and never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let config: MetricsConfig = format!("pushgateway://{addr}?job=j&flush=1h&timeout=10s")
        .parse()
        .unwrap();
    let metrics = Provider::new();
    config.start(&metrics).unwrap();
    metrics.counter("x_total").build().inc();
    let started = Instant::now();
    assert!(
        !metrics.flush(Duration::from_millis(500)),
        "a silent peer cannot have answered"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    let started = Instant::now();
    assert!(!metrics.shutdown(Duration::from_secs(1)));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
    drop(silent);
}

#[test]
fn real_peer_pushgateway_killed_and_restarted_gets_the_whole_total() {
    let port = free_port();
    let gateway = start_gateway_on(port);
    let config: MetricsConfig =
        format!("pushgateway://127.0.0.1:{port}?job=kit_test&flush=1h&timeout=1s")
            .parse()
            .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    let stored = |port: u16| {
        get(port, "/metrics")
            .map(|(_, body)| body)
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("jobs_total{"))
            .map(str::to_owned)
    };
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert!(
        stored(port).is_some_and(|l| l.ends_with(" 1")),
        "{:?}",
        stored(port)
    );

    // Killed: the push fails at once, counted.
    drop(gateway);
    jobs.add(2);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 1);

    // Restarted, empty: the next push carries the cumulative total.
    let _gateway = start_gateway_on(port);
    jobs.add(4);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert!(
        stored(port).is_some_and(|l| l.ends_with(" 7")),
        "{:?}",
        stored(port)
    );
    let stats = metrics.export_stats();
    assert_eq!((stats.failed, stats.dropped), (1, 0), "{stats:?}");
    assert!(metrics.shutdown(Duration::from_secs(5)));
}
