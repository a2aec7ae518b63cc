//! The end-to-end matrix: the real addsvc binary, driven by the real
//! addcli, configured (by environment, as in production) for one real
//! peer per cell — Prometheus, Etsy statsd, statsdproxy in front of
//! statsd, InfluxDB, Graphite carbon, an OTLP collector for metrics; an
//! OTLP collector over gRPC and over HTTP, a strict Zipkin receiver for
//! traces. Each cell sends the same requests (`addsvc::REQUESTS`), stops
//! addsvc with SIGTERM (exit 0 within 5 s, every flush done, one log line
//! per call) and reads back, at the peer, exactly what was sent: the
//! request counter per method and outcome and the durations recorded per
//! method; or, per request, the trace addcli started, continued by
//! addsvc. The peers come from the kit-metrics and kit-tracing test
//! suites; a missing one fails the cell, saying `scripts/test` installs it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
use peer::{free_port, free_ports, free_udp_port, json_lines};
#[path = "../../metrics/tests/common/carbon.rs"]
mod carbon;
#[path = "../../metrics/tests/common/influxdb.rs"]
mod influxdb;
#[path = "../../metrics/tests/common/otlp_receiver.rs"]
mod otlp_metrics;
#[path = "../../tracing/tests/common/otlp.rs"]
mod otlp_traces;
#[path = "../../metrics/tests/common/prometheus.rs"]
mod prometheus;
#[path = "../../metrics/tests/common/rotel.rs"]
mod rotel;
#[path = "../../metrics/tests/common/statsd.rs"]
mod statsd;
#[path = "../../metrics/tests/common/statsdproxy.rs"]
mod statsdproxy;
#[path = "../../tracing/tests/common/zipkin.rs"]
mod zipkin;

#[path = "e2e/addsvc.rs"]
mod addsvc;
#[path = "e2e/trees.rs"]
mod trees;

use addsvc::{calls, drive, requests, total, Addsvc, REQUESTS};
use statsd::{statsd_and_sink, BAD_LINES};
use trees::{check_trees, Span, OTLP, ZIPKIN};

/// Polls `read` until its numbers add up to at least `want` (up to
/// 20 s); the last numbers read.
fn wait_total<K>(want: f64, read: impl Fn() -> BTreeMap<K, f64>) -> BTreeMap<K, f64> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = read();
        if got.values().sum::<f64>() >= want || Instant::now() >= deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn real_peer_e2e_prometheus() {
    let listen = free_port();
    let svc = Addsvc::start(
        "prometheus",
        &[("KIT_METRICS", format!("prometheus://127.0.0.1:{listen}"))],
    );
    let server = prometheus::start_prometheus(([127, 0, 0, 1], listen).into());
    drive(&svc.addr(), &[]);
    // Read while addsvc is up: once it is gone its series turn stale.
    let by = |promql: &str, labels: &[&str]| {
        prometheus::query(&server, promql)
            .into_iter()
            .map(|(m, v)| {
                let key: Vec<String> = labels
                    .iter()
                    .map(|l| m[l].as_str().unwrap().into())
                    .collect();
                (key, v.parse::<f64>().unwrap())
            })
            .collect::<BTreeMap<_, _>>()
    };
    // The scrape after the last request.
    let got = wait_total(total(), || {
        by("addsvc_requests_total", &["method", "outcome"])
    });
    let durations = by("addsvc_request_duration_seconds_count", &["method"]);
    svc.stop();
    assert_eq!(got, requests());
    assert_eq!(durations, calls());
}

/// addsvc with `KIT_METRICS=metrics`, sent the workload, stopped.
fn run(cell: &str, metrics: String) {
    let svc = Addsvc::start(cell, &[("KIT_METRICS", metrics)]);
    drive(&svc.addr(), &[]);
    svc.stop();
}

/// A statsd cell: Etsy statsd flushing to a sink, and addsvc sending to
/// what `front(statsd's UDP port)` started (its guard, if any) and says
/// (`KIT_METRICS`). Then what statsd flushed must be exact (summed: statsd
/// flushes per interval): the counter of each method and outcome at
/// `counter(method, outcome)`, the timer of each method at `timer(method)`.
fn statsd_cell(
    cell: &str,
    front: impl FnOnce(u16) -> (Option<peer::Peer>, String),
    counter: impl Fn(&str, &str) -> String,
    timer: impl Fn(&str) -> String,
) {
    let (_statsd, sink, udp) = statsd_and_sink();
    let (_front, metrics) = front(udp);
    run(cell, metrics);
    let counters: Vec<String> = REQUESTS.iter().map(|(m, o, _)| counter(m, o)).collect();
    let timers: Vec<String> = calls().keys().map(|m| timer(&m[0])).collect();
    sink.wait_for("every request", |s| {
        counters.iter().map(|p| s.sum(p)).sum::<f64>() >= total()
            && timers.iter().map(|p| s.sum(p)).sum::<f64>() >= total()
    });
    for (path, (_, _, n)) in counters.iter().zip(REQUESTS) {
        assert_eq!(
            sink.sum(path),
            n as f64,
            "{path}; paths: {:?}",
            sink.paths()
        );
    }
    for (path, n) in timers.iter().zip(calls().values()) {
        assert_eq!(sink.sum(path), *n, "{path}; paths: {:?}", sink.paths());
    }
    // No other outcome (statsd writes a `.count` and a `.rate` of each).
    let requests = sink
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("stats.counters.addsvc_requests_total") && !p.contains(".rate"))
        .count();
    assert_eq!(requests, REQUESTS.len(), "{:?}", sink.paths());
    assert_eq!(sink.sum(BAD_LINES), 0.0);
}

#[test]
fn real_peer_e2e_statsd() {
    statsd_cell(
        "statsd",
        |udp| (None, format!("statsd://127.0.0.1:{udp}?flush=200ms")),
        |m, o| format!("stats.counters.addsvc_requests_total.{m}.{o}.count"),
        |m| format!("stats.timers.addsvc_request_duration_seconds.{m}.count"),
    );
}

#[test]
fn real_peer_e2e_dogstatsd() {
    // addsvc → statsdproxy (DogStatsD-aware, aggregating) → Etsy statsd,
    // which turns DogStatsD tags into Graphite tags. Timers, not
    // distributions (`|d`), which Etsy statsd does not know.
    statsd_cell(
        "dogstatsd",
        |statsd| {
            let listen = free_udp_port();
            let proxy = statsdproxy::start_proxy(listen, statsd);
            let url = format!("dogstatsd://127.0.0.1:{listen}?flush=200ms&histogram=ms");
            (Some(proxy), url)
        },
        |m, o| format!("stats.counters.addsvc_requests_total.count;method={m};outcome={o}"),
        |m| format!("stats.timers.addsvc_request_duration_seconds.count;method={m}"),
    );
}

#[test]
fn real_peer_e2e_influxdb() {
    let influx = influxdb::start_influxdb(free_udp_port());
    influxdb::influxql(influx.port, "", "CREATE DATABASE addsvc");
    run(
        "influxdb",
        format!("influxdb://127.0.0.1:{}/addsvc?flush=200ms", influx.port),
    );
    // The last point of each series: cumulative totals.
    let field = |measurement: &str, field: &str, tags: &[&str]| {
        influxdb::points(influx.port, "addsvc", measurement)
            .into_iter()
            .filter(|((m, _), _)| m == measurement)
            .map(|((_, t), f)| {
                let key: Vec<String> = tags
                    .iter()
                    .map(|k| t.iter().find(|(tk, _)| tk == k).unwrap().1.clone())
                    .collect();
                (key, f[field])
            })
            .collect::<BTreeMap<_, _>>()
    };
    let got = wait_total(total(), || {
        field("addsvc_requests_total", "value", &["method", "outcome"])
    });
    assert_eq!(got, requests());
    let durations = field("addsvc_request_duration_seconds", "count", &["method"]);
    assert_eq!(durations, calls());
}

#[test]
fn real_peer_e2e_graphite() {
    let carbon = carbon::start_carbon(free_port(), free_udp_port());
    run(
        "graphite",
        format!("graphite://127.0.0.1:{}?flush=200ms", carbon.port),
    );
    let mut series: Vec<(String, f64)> = requests()
        .into_iter()
        .map(|(k, n)| {
            (
                format!("addsvc_requests_total;method={};outcome={}", k[0], k[1]),
                n,
            )
        })
        .collect();
    series.extend(calls().into_iter().map(|(k, n)| {
        (
            format!("addsvc_request_duration_seconds.count;method={}", k[0]),
            n,
        )
    }));
    let expected: Vec<(&str, f64)> = series.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    carbon::wait_stored(&carbon, &expected);
}

/// The newest data point of each series of metric `name` in what the OTLP
/// receiver decoded (a collector may batch several pushes into one
/// request): attributes → point.
fn newest(requests: &[Value], name: &str) -> BTreeMap<Vec<(String, String)>, Value> {
    let mut newest: BTreeMap<Vec<(String, String)>, Value> = BTreeMap::new();
    let time = |p: &Value| {
        p["time_unix_nano"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let metrics = requests
        .iter()
        .flat_map(|r| {
            r["request"]["resource_metrics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .flat_map(|rm| rm["scope_metrics"].as_array().cloned().unwrap_or_default())
        .flat_map(|sm| sm["metrics"].as_array().cloned().unwrap_or_default())
        .filter(|m| m["name"] == name);
    for metric in metrics {
        let data = metric["sum"]
            .get("data_points")
            .or(metric["histogram"].get("data_points"));
        for point in data.and_then(Value::as_array).into_iter().flatten() {
            let attributes = otlp_metrics::attributes(point);
            if newest
                .get(&attributes)
                .is_none_or(|p| time(p) <= time(point))
            {
                newest.insert(attributes, point.clone());
            }
        }
    }
    newest
}

#[test]
fn real_peer_e2e_otlp() {
    let (receiver, out) = otlp_metrics::start_receiver();
    let [grpc, http] = free_ports();
    let _rotel = rotel::start_rotel(grpc, http, receiver.port);
    run("otlp", format!("otlp://127.0.0.1:{grpc}?flush=200ms"));
    // Cumulative: the newest point of each series is its total.
    let values = |name: &str, field: &str| {
        newest(&otlp_metrics::received(&out), name)
            .into_iter()
            .map(|(attributes, p)| {
                let key: Vec<String> = attributes.into_iter().map(|(_, v)| v).collect();
                (key, p[field].as_str().unwrap().parse::<f64>().unwrap())
            })
            .collect::<BTreeMap<_, _>>()
    };
    let got = wait_total(total(), || values("addsvc_requests_total", "as_int"));
    assert_eq!(got, requests());
    let durations = values("addsvc_request_duration_seconds", "count");
    assert_eq!(durations, calls());
}

/// A trace cell: addsvc (metrics discarded) and addcli both exporting to
/// `exporter`; the span trees `read` returns once addsvc stopped.
fn trace_cell(cell: &str, exporter: String, read: impl Fn() -> Vec<Span>) {
    let tracing = [("KIT_TRACING", exporter)];
    let svc = Addsvc::start(
        cell,
        &[("KIT_METRICS", "discard://".into()), tracing[0].clone()],
    );
    drive(&svc.addr(), &tracing);
    check_trees(&svc.stop(), read);
}

/// A trace cell through the collector (rotel, then the receiver): to its
/// gRPC port with `otlp://`, to its HTTP port with `otlp+http://`.
fn otlp_trace_cell(cell: &str, scheme: &str) {
    let (receiver, out) = otlp_traces::start_receiver();
    let [grpc, http] = free_ports();
    let _rotel = rotel::start_rotel(grpc, http, receiver.port);
    let port = if scheme == "otlp" { grpc } else { http };
    trace_cell(cell, format!("{scheme}://127.0.0.1:{port}"), || {
        json_lines(&out)
            .iter()
            .map(|s| Span::read(s, &OTLP))
            .collect()
    });
}

#[test]
fn real_peer_e2e_trace_otlp_grpc() {
    otlp_trace_cell("trace-otlp-grpc", "otlp");
}

#[test]
fn real_peer_e2e_trace_otlp_http() {
    otlp_trace_cell("trace-otlp-http", "otlp+http");
}

#[test]
fn real_peer_e2e_trace_zipkin() {
    let (receiver, dir) = zipkin::start_receiver();
    trace_cell(
        "trace-zipkin",
        format!("zipkin://127.0.0.1:{}", receiver.port),
        || {
            json_lines(&dir.join("spans.jsonl"))
                .iter()
                .map(|s| Span::read(s, &ZIPKIN))
                .collect()
        },
    );
    let refused = json_lines(&dir.join("errors.jsonl"));
    assert!(refused.is_empty(), "the receiver refused: {refused:#?}");
}
