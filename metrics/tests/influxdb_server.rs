//! A real InfluxDB 1.6 (Debian's `influxdb`), started here on 127.0.0.1,
//! receives kit's line protocol over HTTP and UDP and answers InfluxQL;
//! VictoriaMetrics (Debian's `victoria-metrics`) receives the InfluxDB 2
//! API (`/api/v2/write`), which InfluxDB 1.6 does not have. Fails, never
//! skips, when either is missing.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use kit_metrics::MetricsConfig;

#[path = "common/peer.rs"]
mod peer;
use peer::{free_port, free_udp_port, get, read_request, Peer};
#[path = "common/influxdb.rs"]
mod influxdb;
use influxdb::{influxql, points, start_influxdb, start_influxdb_on, Points};

fn t(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A point expected: measurement, tags, field, value.
type Expected = (&'static str, Vec<(String, String)>, &'static str, f64);

/// What the conformance workload must read back as.
fn workload_points() -> Vec<Expected> {
    vec![
        (
            "conf_requests_total",
            t(&[("method", "sum"), ("outcome", "success")]),
            "value",
            7.0,
        ),
        (
            "conf_requests_total",
            t(&[("method", "concat"), ("outcome", "business_error")]),
            "value",
            2.0,
        ),
        // The backslash before a space cannot travel: it becomes `_`.
        (
            "conf_requests_total",
            t(&[("method", "a \"quoted\" _ method"), ("outcome", "failure")]),
            "value",
            1.0,
        ),
        ("conf_in_flight", vec![], "value", 7.5),
        ("conf_latency_seconds", vec![], "count", 5.0),
        ("conf_latency_seconds", vec![], "sum", 5.65),
        ("conf_latency_seconds", vec![], "p50", 0.55),
        ("conf_latency_seconds", vec![], "p90", 1.0),
        ("odd name,x", t(&[("k", "a,b=c d_e")]), "value", 4.0),
    ]
}

fn wait_points(port: u16, db: &str) -> Points {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let got = points(port, db, "conf_|odd");
        let all = workload_points().iter().all(|(m, tags, field, want)| {
            got.get(&(m.to_string(), tags.clone()))
                .and_then(|f| f.get(*field))
                .is_some_and(|v| (v - want).abs() < 1e-9)
        });
        if all {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "InfluxDB holds {got:#?}; expected {:#?}",
            workload_points()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn apply_workload(metrics: &kit_metrics::Provider) {
    kit_metrics::conformance::Workload::new("conf_").apply(metrics);
    metrics
        .counter("odd name,x")
        .labels(&["k"])
        .build()
        .with(&["a,b=c d\ne"])
        .add(4);
}

#[test]
fn real_peer_influxdb_http_reads_back_the_workload_exactly_with_escaping() {
    let influx = start_influxdb(free_udp_port());
    influxql(influx.port, "", "CREATE DATABASE kit");
    let config: MetricsConfig = format!("influxdb://127.0.0.1:{}/kit?flush=1h", influx.port)
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    apply_workload(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(
        metrics.export_stats().failed,
        0,
        "{:?}",
        metrics.export_stats()
    );
    wait_points(influx.port, "kit");
}

#[test]
fn real_peer_influxdb_udp_reads_back_the_workload() {
    let udp = free_udp_port();
    let influx = start_influxdb(udp);
    let config: MetricsConfig = format!("influxdb+udp://127.0.0.1:{udp}?flush=1h&max_packet=200")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    apply_workload(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    wait_points(influx.port, "udp");
}

#[test]
fn real_peer_influxdb_down_erroring_and_back_loses_no_total() {
    // A server answering 500 to everything.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let errors = std::thread::spawn(move || {
        for mut conn in listener.incoming().take(1).flatten() {
            // The whole request, then the answer.
            read_request(&mut conn);
            let _ = conn.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 18\r\n\r\n{\"error\":\"broken\"}",
            );
        }
    });
    let config: MetricsConfig = format!("influxdb://127.0.0.1:{port}/kit?flush=1h&timeout=2s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    metrics.set_diagnostics(move |d| sink.lock().unwrap().push(d.to_string()));
    let jobs = metrics.counter("jobs_total").build();
    jobs.add(3);
    assert!(metrics.flush(Duration::from_secs(5)));
    errors.join().unwrap();
    assert_eq!(metrics.export_stats().failed, 1);
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        ["kit-metrics: influxdb: influxdb answered 500: {\"error\":\"broken\"} (0 updates lost, 0 more failures since the last report)"]
    );

    // Nothing listens now: the push fails at once.
    jobs.add(4);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 2);
    assert_eq!(seen.lock().unwrap().len(), 1, "rate-limited");

    // A real InfluxDB on that port: the cumulative total arrives whole.
    drop(metrics);
    let influx = start_influxdb(free_udp_port());
    influxql(influx.port, "", "CREATE DATABASE kit");
    let config: MetricsConfig = format!("influxdb://127.0.0.1:{}/kit?flush=1h", influx.port)
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    jobs.add(7);
    assert!(metrics.shutdown(Duration::from_secs(5)));
    let got = points(influx.port, "kit", "jobs_total");
    assert_eq!(got[&("jobs_total".to_string(), vec![])]["value"], 7.0);
}

fn start_victoria_metrics() -> Peer {
    start_victoria_metrics_on(free_port())
}

/// VictoriaMetrics on `port` (to restart it where kit pushes).
fn start_victoria_metrics_on(port: u16) -> Peer {
    Peer::spawn_on(
        port,
        "victoria-metrics",
        Duration::from_secs(30),
        |port| get(port, "/health").map(|r| r.0) == Some(200),
        |port, dir| {
            let mut command = Command::new("victoria-metrics");
            command
                .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
                .arg(format!("-storageDataPath={}", dir.join("data").display()))
                .arg("-retentionPeriod=1d");
            command
        },
    )
}

#[test]
fn real_peer_influxdb2_api_is_accepted_by_victoria_metrics() {
    let vm = start_victoria_metrics();
    let config: MetricsConfig = format!(
        "influxdb2://127.0.0.1:{}?org=kit&bucket=metrics&flush=1h",
        vm.port
    )
    .parse()
    .unwrap();
    let metrics = config.build().unwrap();
    apply_workload(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(
        metrics.export_stats().failed,
        0,
        "{:?}",
        metrics.export_stats()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let export = loop {
        get(vm.port, "/internal/force_flush");
        let (_, body) = get(
            vm.port,
            "/api/v1/export?match%5B%5D=%7B__name__%3D~%22conf_.%2A%22%7D",
        )
        .unwrap();
        if body.lines().count() >= 8 {
            break body;
        }
        assert!(Instant::now() < deadline, "VictoriaMetrics holds {body}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut found = BTreeMap::new();
    for line in export.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let metric = v["metric"].as_object().unwrap();
        let mut key: Vec<String> = metric
            .iter()
            .filter(|(k, _)| *k != "db")
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
            .collect();
        key.sort();
        found.insert(
            key.join(","),
            v["values"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .as_f64()
                .unwrap(),
        );
    }
    let expect = [
        (
            "__name__=conf_requests_total_value,method=sum,outcome=success",
            7.0,
        ),
        ("__name__=conf_in_flight_value", 7.5),
        ("__name__=conf_latency_seconds_count", 5.0),
        ("__name__=conf_latency_seconds_p50", 0.55),
    ];
    for (key, value) in expect {
        assert_eq!(found.get(key), Some(&value), "{key} in {found:#?}");
    }
}

#[test]
fn real_peer_influxdb_killed_and_restarted_gets_the_whole_total() {
    let (port, udp) = (free_port(), free_udp_port());
    let influx = start_influxdb_on(port, udp);
    influxql(port, "", "CREATE DATABASE kit");
    let config: MetricsConfig = format!("influxdb://127.0.0.1:{port}/kit?flush=1h&timeout=1s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(metrics.export_stats().failed, 0);

    drop(influx);
    jobs.add(2);
    metrics.flush(Duration::from_secs(5));
    assert_eq!(metrics.export_stats().failed, 1);

    // Back, empty (a new data directory): the next push carries everything.
    let _influx = start_influxdb_on(port, udp);
    influxql(port, "", "CREATE DATABASE kit");
    jobs.add(4);
    assert!(metrics.shutdown(Duration::from_secs(5)));
    let got = points(port, "kit", "jobs_total");
    assert_eq!(got[&("jobs_total".to_string(), vec![])]["value"], 7.0);
}

#[test]
fn real_peer_influxdb_udp_killed_and_restarted_gets_the_whole_total() {
    let (port, udp) = (free_port(), free_udp_port());
    let influx = start_influxdb_on(port, udp);
    let config: MetricsConfig = format!("influxdb+udp://127.0.0.1:{udp}?flush=1h")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    let total = |port: u16| {
        points(port, "udp", "jobs_total")
            .get(&("jobs_total".to_string(), vec![]))
            .map(|f| f["value"])
    };
    // Pushes until InfluxDB holds `want` (a datagram can be lost while
    // InfluxDB starts: the next push carries the same cumulative total).
    let push_until = |want: f64| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let started = Instant::now();
            metrics.flush(Duration::from_secs(5));
            assert!(started.elapsed() < Duration::from_secs(1));
            if total(port) == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "InfluxDB holds {:?}",
                total(port)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    jobs.add(1);
    push_until(1.0);

    // Gone: sending never blocks the application; what it records
    // meanwhile is in the next total.
    drop(influx);
    jobs.add(2);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(1));

    // Back, empty (a new data directory): the next push carries everything.
    let _influx = start_influxdb_on(port, udp);
    jobs.add(4);
    push_until(7.0);
    assert_eq!(metrics.export_stats().dropped, 0);
    assert!(metrics.shutdown(Duration::from_secs(5)));
}

#[test]
fn real_peer_influxdb2_killed_and_restarted_gets_the_whole_total() {
    let port = free_port();
    let vm = start_victoria_metrics_on(port);
    let config: MetricsConfig =
        format!("influxdb2://127.0.0.1:{port}?org=kit&bucket=metrics&flush=1h&timeout=1s")
            .parse()
            .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    // The last value VictoriaMetrics holds for jobs_total, once it has `want`.
    let holds = |want: f64| {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            get(port, "/internal/force_flush");
            let (_, body) = get(
                port,
                "/api/v1/export?match%5B%5D=%7B__name__%3D~%22jobs_total.%2A%22%7D",
            )
            .unwrap_or_default();
            let last = body.lines().find_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).ok()?;
                v["values"].as_array()?.last()?.as_f64()
            });
            if last == Some(want) {
                return;
            }
            assert!(Instant::now() < deadline, "VictoriaMetrics holds {body}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    holds(1.0);

    // Killed: the push fails at once, counted.
    drop(vm);
    jobs.add(2);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 1);

    // Restarted, empty: the next push carries the cumulative total.
    let _vm = start_victoria_metrics_on(port);
    jobs.add(4);
    assert!(metrics.flush(Duration::from_secs(5)));
    holds(7.0);
    let stats = metrics.export_stats();
    assert_eq!((stats.failed, stats.dropped), (1, 0), "{stats:?}");
    assert!(metrics.shutdown(Duration::from_secs(5)));
}
