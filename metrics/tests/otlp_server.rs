//! OTLP: kit's metrics arrive at a real collector (rotel, PyPI `rotel`,
//! over gRPC and HTTP/protobuf) which forwards them to a receiver decoding
//! with the official Python protobuf classes (PyPI `opentelemetry-proto`,
//! independent of the Rust encoder); kit's own HTTP bodies go to that
//! receiver directly too and must re-serialize to the same bytes. Names,
//! temporality, values, bucket counts and attributes are checked. Fails,
//! never skips, when a peer is missing.

use std::path::Path;
use std::time::{Duration, Instant};

use kit_metrics::MetricsConfig;
use serde_json::Value;

#[path = "common/peer.rs"]
mod peer;
use peer::{free_port, free_ports};
#[path = "common/otlp_receiver.rs"]
mod otlp_receiver;
use otlp_receiver::{attributes, received, start_receiver, start_receiver_on};
#[path = "common/cutting_proxy.rs"]
mod cutting_proxy;
use cutting_proxy::CuttingProxy;
#[path = "common/grpc_status.rs"]
mod grpc_status;
#[path = "common/rotel.rs"]
mod rotel;
use grpc_status::grpc_answering;
use rotel::start_rotel;

fn wait_received(out: &Path) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = received(out);
        if !got.is_empty() {
            return got;
        }
        assert!(Instant::now() < deadline, "nothing arrived at the receiver");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The metric `name` in a decoded request.
fn metric<'a>(request: &'a Value, name: &str) -> &'a Value {
    request["resource_metrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|rm| rm["scope_metrics"].as_array().unwrap())
        .flat_map(|sm| sm["metrics"].as_array().unwrap())
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {request:#}"))
}

/// The conformance workload, as the Python classes decoded it.
fn check_workload(request: &Value) {
    let resource = &request["resource_metrics"][0]["resource"]["attributes"];
    assert!(
        resource
            .as_array()
            .unwrap()
            .iter()
            .any(|kv| kv["key"] == "service.name"),
        "{resource}"
    );
    let requests = metric(request, "conf_requests_total");
    let sum = &requests["sum"];
    assert_eq!(
        sum["aggregation_temporality"],
        "AGGREGATION_TEMPORALITY_CUMULATIVE"
    );
    assert_eq!(sum["is_monotonic"], true);
    let mut points: Vec<(Vec<(String, String)>, String)> = sum["data_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (attributes(p), p["as_int"].as_str().unwrap().to_owned()))
        .collect();
    points.sort();
    let pair = |m: &str, o: &str| {
        vec![
            ("method".to_string(), m.to_string()),
            ("outcome".to_string(), o.to_string()),
        ]
    };
    assert_eq!(
        points,
        vec![
            (pair("a \"quoted\" \\ method", "failure"), "1".to_string()),
            (pair("concat", "business_error"), "2".to_string()),
            (pair("sum", "success"), "7".to_string()),
        ]
    );
    let gauge = &metric(request, "conf_in_flight")["gauge"]["data_points"][0];
    assert_eq!(gauge["as_double"], 7.5);
    let histogram = &metric(request, "conf_latency_seconds")["histogram"];
    assert_eq!(
        histogram["aggregation_temporality"],
        "AGGREGATION_TEMPORALITY_CUMULATIVE"
    );
    let point = &histogram["data_points"][0];
    assert_eq!(point["count"], "5");
    assert!((point["sum"].as_f64().unwrap() - 5.65).abs() < 1e-9);
    assert_eq!(point["bucket_counts"], serde_json::json!(["2", "1", "2"]));
    assert_eq!(point["explicit_bounds"], serde_json::json!([0.1, 1.0]));
    assert!(
        point["start_time_unix_nano"].as_str().unwrap()
            <= point["time_unix_nano"].as_str().unwrap()
    );
}

fn push_workload(url: String) {
    let config: MetricsConfig = url.parse().unwrap();
    let metrics = config.build().unwrap();
    kit_metrics::conformance::Workload::new("conf_").apply(&metrics);
    assert!(metrics.flush(Duration::from_secs(10)));
    assert_eq!(
        metrics.export_stats().failed,
        0,
        "{:?}",
        metrics.export_stats()
    );
    assert!(metrics.shutdown(Duration::from_secs(5)));
}

#[test]
fn real_peer_otlp_http_bodies_decode_strictly_with_the_official_classes() {
    let (receiver, out) = start_receiver();
    push_workload(format!("otlp+http://127.0.0.1:{}?flush=1h", receiver.port));
    let got = wait_received(&out);
    assert_eq!(got[0]["path"], "/v1/metrics");
    assert_eq!(got[0]["content_type"], "application/x-protobuf");
    assert_eq!(got[0]["strict"], true, "kit's bytes are not canonical");
    check_workload(&got[0]["request"]);
}

#[test]
fn real_peer_otlp_grpc_into_rotel() {
    let (receiver, out) = start_receiver();
    let [grpc, http] = free_ports();
    let _rotel = start_rotel(grpc, http, receiver.port);
    push_workload(format!("otlp://127.0.0.1:{grpc}?flush=1h"));
    check_workload(&wait_received(&out)[0]["request"]);
}

#[test]
fn real_peer_otlp_http_into_rotel() {
    let (receiver, out) = start_receiver();
    let [grpc, http] = free_ports();
    let _rotel = start_rotel(grpc, http, receiver.port);
    push_workload(format!("otlp+http://127.0.0.1:{http}?flush=1h"));
    check_workload(&wait_received(&out)[0]["request"]);
}

#[test]
fn real_peer_otlp_receiver_absent_fails_fast_and_shutdown_keeps_its_deadline() {
    for scheme in ["otlp", "otlp+http"] {
        let port = free_port();
        let config: MetricsConfig = format!("{scheme}://127.0.0.1:{port}?flush=1h&timeout=1s")
            .parse()
            .unwrap();
        let metrics = config.build().unwrap();
        metrics.counter("c_total").build().inc();
        let started = Instant::now();
        metrics.flush(Duration::from_secs(5));
        assert!(started.elapsed() < Duration::from_secs(2), "{scheme}");
        assert_eq!(metrics.export_stats().failed, 1, "{scheme}");
        let started = Instant::now();
        metrics.shutdown(Duration::from_secs(3));
        assert!(started.elapsed() < Duration::from_secs(4), "{scheme}");
    }
}

/// The value of counter `name` in the last request that has it.
fn last_counter(got: &[Value], name: &str) -> Option<String> {
    got.iter().rev().find_map(|r| {
        let request = &r["request"];
        request["resource_metrics"]
            .as_array()?
            .iter()
            .find_map(|rm| {
                rm["scope_metrics"].as_array()?.iter().find_map(|sm| {
                    let m = sm["metrics"]
                        .as_array()?
                        .iter()
                        .find(|m| m["name"] == name)?;
                    Some(m["sum"]["data_points"][0]["as_int"].as_str()?.to_owned())
                })
            })
    })
}

#[test]
fn real_peer_otlp_receiver_killed_and_restarted_gets_the_whole_total() {
    let port = free_port();
    let (receiver, out) = start_receiver_on(port);
    let config: MetricsConfig = format!("otlp+http://127.0.0.1:{port}?flush=1h&timeout=1s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(
        last_counter(&received(&out), "jobs_total").as_deref(),
        Some("1")
    );

    drop(receiver);
    jobs.add(2);
    metrics.flush(Duration::from_secs(5));
    assert_eq!(metrics.export_stats().failed, 1);

    let (_receiver, out) = start_receiver_on(port);
    jobs.add(4);
    assert!(metrics.shutdown(Duration::from_secs(5)));
    assert_eq!(
        last_counter(&received(&out), "jobs_total").as_deref(),
        Some("7")
    );
}

#[test]
fn real_peer_otlp_delta_temporality_sends_what_changed_since_the_last_push() {
    let (receiver, out) = start_receiver();
    let config: MetricsConfig = format!(
        "otlp+http://127.0.0.1:{}?flush=1h&temporality=delta",
        receiver.port
    )
    .parse()
    .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    let seconds = metrics.histogram("job_seconds").buckets(&[1.0]).build();
    jobs.add(3);
    seconds.observe(0.5);
    assert!(metrics.flush(Duration::from_secs(5)));
    jobs.add(4);
    seconds.observe(2.0);
    assert!(metrics.flush(Duration::from_secs(5)));
    let got = received(&out);
    assert_eq!(got.len(), 2);
    let sums: Vec<&Value> = got
        .iter()
        .map(|r| &metric(&r["request"], "jobs_total")["sum"])
        .collect();
    assert_eq!(
        sums[0]["aggregation_temporality"],
        "AGGREGATION_TEMPORALITY_DELTA"
    );
    assert_eq!(sums[0]["data_points"][0]["as_int"], "3");
    assert_eq!(sums[1]["data_points"][0]["as_int"], "4");
    // The second interval starts where the first ended.
    assert_eq!(
        sums[1]["data_points"][0]["start_time_unix_nano"],
        sums[0]["data_points"][0]["time_unix_nano"]
    );
    let second = &metric(&got[1]["request"], "job_seconds")["histogram"];
    assert_eq!(
        second["aggregation_temporality"],
        "AGGREGATION_TEMPORALITY_DELTA"
    );
    assert_eq!(second["data_points"][0]["count"], "1");
    assert_eq!(
        second["data_points"][0]["bucket_counts"],
        serde_json::json!(["0", "1"])
    );
    assert!(got.iter().all(|r| r["strict"] == true));
}

#[test]
fn an_otlp_grpc_error_status_is_a_counted_failure_and_recovery_needs_nothing() {
    // INVALID_ARGUMENT (what a collector answers a request it refuses),
    // INTERNAL, UNAVAILABLE.
    for code in [3u8, 13, 14] {
        let (port, answer) = grpc_answering(code);
        let config: MetricsConfig = format!("otlp://127.0.0.1:{port}?flush=1h&timeout=2s")
            .parse()
            .unwrap();
        let metrics = config.build().unwrap();
        let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = reports.clone();
        metrics.set_diagnostics(move |d| keep.lock().unwrap().push(d.to_string()));
        let jobs = metrics.counter("jobs_total").build();
        jobs.add(3);
        assert!(metrics.flush(Duration::from_secs(5)), "{code}");
        let stats = metrics.export_stats();
        assert_eq!((stats.pushed, stats.failed), (0, 1), "{code}: {stats:?}");
        assert!(
            reports.lock().unwrap()[0].contains("broken"),
            "{code}: {:?}",
            reports.lock().unwrap()
        );

        // The collector takes requests again: the next push goes through.
        answer.set(0);
        jobs.add(4);
        assert!(metrics.flush(Duration::from_secs(5)), "{code}");
        let stats = metrics.export_stats();
        assert_eq!((stats.pushed, stats.failed), (1, 1), "{code}: {stats:?}");
        assert_eq!(answer.calls(), 2, "{code}");
        assert!(metrics.shutdown(Duration::from_secs(2)), "{code}");
    }
}

#[test]
fn real_peer_otlp_grpc_collector_killed_and_restarted_gets_the_whole_total() {
    let (receiver, out) = start_receiver();
    let [grpc, http] = free_ports();
    let rotel = start_rotel(grpc, http, receiver.port);
    let config: MetricsConfig = format!("otlp://127.0.0.1:{grpc}?flush=1h&timeout=1s")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    // The collector forwards on its own time: wait for `want` to arrive.
    let arrives = |want: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while last_counter(&received(&out), "jobs_total").as_deref() != Some(want) {
            assert!(Instant::now() < deadline, "{want} never arrived");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    arrives("1");

    // Killed: the push fails, counted; the application goes on.
    drop(rotel);
    jobs.add(2);
    let started = Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 1);

    // Restarted on the same ports: the gRPC channel reconnects by itself
    // and the cumulative total arrives.
    let _rotel = start_rotel(grpc, http, receiver.port);
    jobs.add(4);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(metrics.export_stats().dropped, 0);
    assert!(metrics.shutdown(Duration::from_secs(5)));
    arrives("7");
}

#[test]
fn real_peer_otlp_push_cut_mid_stream_is_counted_and_the_next_one_arrives() {
    for scheme in ["otlp", "otlp+http"] {
        let (receiver, out) = start_receiver();
        let [grpc, http] = free_ports();
        let _rotel = start_rotel(grpc, http, receiver.port);
        // gRPC through rotel; HTTP straight to the receiver.
        let upstream = if scheme == "otlp" {
            grpc
        } else {
            receiver.port
        };
        let proxy = CuttingProxy::start(upstream);
        let config: MetricsConfig =
            format!("{scheme}://127.0.0.1:{}?flush=1h&timeout=2s", proxy.port)
                .parse()
                .unwrap();
        let metrics = config.build().unwrap();
        let jobs = metrics.counter("jobs_total").build();
        // A push of a few kB: 100 more series.
        let padding = metrics.counter("padding_total").labels(&["n"]).build();
        for i in 0..100 {
            padding.with(&[i.to_string().as_str()]).inc();
        }
        jobs.add(1);
        let started = Instant::now();
        metrics.flush(Duration::from_secs(5));
        assert!(started.elapsed() < Duration::from_secs(3), "{scheme}");
        assert!(proxy.was_cut(), "{scheme}: the push was not cut");
        let stats = metrics.export_stats();
        assert_eq!((stats.pushed, stats.failed), (0, 1), "{scheme}: {stats:?}");

        // The next push (a new connection) goes through whole.
        jobs.add(2);
        assert!(metrics.flush(Duration::from_secs(5)), "{scheme}");
        let stats = metrics.export_stats();
        assert_eq!(
            (stats.pushed, stats.failed, stats.dropped),
            (1, 1, 0),
            "{scheme}: {stats:?}"
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while last_counter(&received(&out), "jobs_total").as_deref() != Some("3") {
            assert!(
                Instant::now() < deadline,
                "{scheme}: the total never arrived"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(metrics.shutdown(Duration::from_secs(5)), "{scheme}");
    }
}
