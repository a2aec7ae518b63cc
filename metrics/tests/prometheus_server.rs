//! A real Prometheus server (Debian's `prometheus` package), started here on
//! 127.0.0.1, scrapes kit's listener; its query API must return the exact
//! values kit recorded. Fails — never skips — when the server is missing.

use std::time::{Duration, Instant};

use kit_metrics::{prometheus::Listener, Provider};

#[path = "common/peer.rs"]
mod peer;
use peer::get;
#[path = "common/prometheus.rs"]
mod prometheus;
use prometheus::{query, start_prometheus};

#[test]
fn real_peer_prometheus_scrapes_exact_counter_gauge_and_histogram_values() {
    let provider = Provider::builder().const_label("svc", "addsvc").build();
    let requests = provider
        .counter("kit_requests_total")
        .help("Requests.")
        .labels(&["method", "outcome"])
        .build();
    requests.with(&["sum", "success"]).add(7);
    requests.with(&["concat", "business_error"]).add(2);
    provider
        .gauge("kit_in_flight")
        .help("In flight.")
        .build()
        .set(2.5);
    let latency = provider
        .histogram("kit_latency_seconds")
        .help("Latency.")
        .buckets(&[0.1, 1.0])
        .build();
    for v in [0.05, 0.5, 2.0] {
        latency.observe(v);
    }
    let workload = kit_metrics::conformance::Workload::new("conf_");
    workload.apply(&provider);
    let listener = Listener::bind(provider.clone(), "127.0.0.1:0").unwrap();
    let server = start_prometheus(listener.local_addr());

    // The first scraped sample shows up some seconds after start.
    let deadline = Instant::now() + Duration::from_secs(60);
    while query(&server, "kit_latency_seconds_count").is_empty() {
        assert!(Instant::now() < deadline, "no sample scraped in 60 s");
        std::thread::sleep(Duration::from_millis(500));
    }

    let mut counters = query(&server, "kit_requests_total");
    counters.sort_by_key(|(m, _)| m["method"].as_str().unwrap().to_owned());
    assert_eq!(counters.len(), 2);
    assert_eq!(counters[0].0["method"], "concat");
    assert_eq!(counters[0].0["outcome"], "business_error");
    assert_eq!(counters[0].0["svc"], "addsvc");
    assert_eq!(counters[0].1, "2");
    assert_eq!(counters[1].0["method"], "sum");
    assert_eq!(counters[1].1, "7");

    assert_eq!(query(&server, "kit_in_flight")[0].1, "2.5");

    let mut buckets = query(&server, "kit_latency_seconds_bucket");
    buckets.sort_by_key(|(m, _)| m["le"].as_str().unwrap().replace("+Inf", "~"));
    let got: Vec<(String, String)> = buckets
        .iter()
        .map(|(m, v)| (m["le"].as_str().unwrap().to_owned(), v.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("0.1".into(), "1".into()),
            ("1.0".into(), "2".into()),
            ("+Inf".into(), "3".into())
        ]
    );
    assert_eq!(query(&server, "kit_latency_seconds_count")[0].1, "3");
    assert_eq!(query(&server, "kit_latency_seconds_sum")[0].1, "2.55");

    // The conformance kit, against what the server stored.
    let stored: Vec<kit_metrics::conformance::Sample> = query(&server, "{__name__=~\"conf_.*\"}")
        .into_iter()
        .map(|(metric, value)| {
            let mut labels: std::collections::BTreeMap<String, String> = metric
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let name = labels.remove("__name__").unwrap();
            kit_metrics::conformance::Sample {
                name,
                labels,
                value: value.parse().unwrap(),
            }
        })
        .collect();
    workload
        .check(&stored, &["job", "instance", "svc"])
        .unwrap();

    // The scrape itself was healthy.
    let (_, targets) = get(server.port, "/api/v1/targets").unwrap();
    let targets: serde_json::Value = serde_json::from_str(&targets).unwrap();
    let target = &targets["data"]["activeTargets"][0];
    assert_eq!(target["health"], "up", "{target}");
    assert_eq!(target["lastError"], "", "{target}");
    drop(listener);
}
