//! DogStatsD through statsdproxy (Sentry's DogStatsD-aware proxy,
//! `cargo install --locked statsdproxy`, started here on 127.0.0.1): it
//! parses kit's lines, drops a denied tag and aggregates counters before
//! forwarding to a UDP socket this test reads — so what arrives proves the
//! proxy read kit's names, values, types and tags. Fails, never skips,
//! when statsdproxy is missing.

use std::collections::BTreeMap;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

use kit_metrics::MetricsConfig;

#[path = "common/peer.rs"]
mod peer;
use peer::free_udp_port;
#[path = "common/statsdproxy.rs"]
mod statsdproxy;
use statsdproxy::start_proxy;

#[test]
fn real_peer_dogstatsd_tags_and_distributions_through_statsdproxy() {
    let upstream = UdpSocket::bind("127.0.0.1:0").unwrap();
    upstream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let listen = free_udp_port();
    let mut proxy = start_proxy(listen, upstream.local_addr().unwrap().port());

    let config: MetricsConfig = format!("dogstatsd://127.0.0.1:{listen}?flush=1h")
        .parse()
        .unwrap();
    let metrics = config.build().unwrap();
    let requests = metrics
        .counter("requests_total")
        .labels(&["method", "secret"])
        .build();
    requests.with(&["sum", "s3cr3t"]).add(4);
    requests.with(&["sum", "s3cr3t"]).add(2);
    let latency = metrics
        .histogram("latency_seconds")
        .labels(&["method"])
        .build();
    for v in [0.25, 0.5, 0.75] {
        latency.observe_with(&["sum"], v);
    }
    metrics.gauge("in_flight").build().set(-3.0);
    assert!(metrics.flush(Duration::from_secs(5)));

    // Read what the proxy forwards until the counter and the three
    // distribution values are there.
    let mut counters: BTreeMap<String, f64> = BTreeMap::new();
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut buf = [0u8; 65536];
    while Instant::now() < deadline
        && !(counters.values().sum::<f64>() >= 6.0
            && lines.iter().filter(|l: &&String| l.contains("|d")).count() >= 3)
    {
        if let Ok(n) = upstream.recv(&mut buf) {
            for line in String::from_utf8_lossy(&buf[..n]).lines() {
                if let Some((head, rest)) = line.split_once(':') {
                    let fields: Vec<&str> = rest.split('|').collect();
                    if fields.get(1) == Some(&"c") {
                        let tags = fields.iter().find(|f| f.starts_with('#')).unwrap_or(&"");
                        *counters.entry(format!("{head}{tags}")).or_default() +=
                            fields[0].parse::<f64>().unwrap();
                    }
                }
                lines.push(line.to_owned());
            }
        }
    }
    let _ = proxy.child.kill();
    assert_eq!(
        counters,
        BTreeMap::from([("requests_total#method:sum".to_string(), 6.0)]),
        "forwarded: {lines:#?}"
    );
    let mut distributions: Vec<&String> = lines.iter().filter(|l| l.contains("|d")).collect();
    distributions.sort();
    assert_eq!(
        distributions,
        [
            "latency_seconds:0.25|d|#method:sum",
            "latency_seconds:0.5|d|#method:sum",
            "latency_seconds:0.75|d|#method:sum"
        ],
        "forwarded: {lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("in_flight:-3|g")),
        "forwarded: {lines:#?}"
    );
}
