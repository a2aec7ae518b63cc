//! A real Graphite carbon-cache (Debian's `graphite-carbon`), started here
//! on 127.0.0.1 with 1-second whisper retention, receives kit's plaintext
//! lines over TCP and UDP; what it stored is read back from the whisper
//! files with carbon's and whisper's own Python modules. Fails, never
//! skips, when carbon is missing.

use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use kit_metrics::MetricsConfig;

#[path = "common/peer.rs"]
mod peer;
use peer::{free_port, free_ports, free_udp_port, Peer};

/// carbon-cache with its plaintext TCP receiver on the peer's port and its
/// UDP receiver on `udp`.
fn start_carbon(port: u16, udp: u16) -> Peer {
    Peer::spawn_on(
        port,
        "carbon",
        Duration::from_secs(30),
        |port| TcpStream::connect(("127.0.0.1", port)).is_ok(),
        |port, dir| {
            let [pickle, query] = loop {
                let ports = free_ports::<2>();
                if !ports.contains(&port) {
                    break ports;
                }
            };
            let d = dir.display();
            std::fs::write(
                dir.join("carbon.conf"),
                format!(
                    "[cache]\nSTORAGE_DIR = {d}/storage\nLOCAL_DATA_DIR = {d}/storage/whisper\n\
                     WHITELISTS_DIR = {d}/storage/lists\nCONF_DIR = {d}\nLOG_DIR = {d}/log\n\
                     PID_DIR = {d}\nUSER =\nMAX_CACHE_SIZE = inf\nMAX_UPDATES_PER_SECOND = 100000\n\
                     MAX_CREATES_PER_MINUTE = inf\nLINE_RECEIVER_INTERFACE = 127.0.0.1\n\
                     LINE_RECEIVER_PORT = {port}\nENABLE_UDP_LISTENER = True\n\
                     UDP_RECEIVER_INTERFACE = 127.0.0.1\nUDP_RECEIVER_PORT = {udp}\n\
                     PICKLE_RECEIVER_INTERFACE = 127.0.0.1\nPICKLE_RECEIVER_PORT = {pickle}\n\
                     CACHE_QUERY_INTERFACE = 127.0.0.1\nCACHE_QUERY_PORT = {query}\n\
                     ENABLE_TAGS = False\n"
                ),
            )
            .unwrap();
            std::fs::write(
                dir.join("storage-schemas.conf"),
                "[all]\npattern = .*\nretentions = 1s:1h\n",
            )
            .unwrap();
            let mut command = Command::new("carbon-cache");
            command
                .arg(format!("--config={d}/carbon.conf"))
                .args(["--nodaemon", "start"]);
            command
        },
    )
}

/// Reads the last stored value of each series from carbon's whisper files,
/// locating tagged series with carbon's own `TaggedSeries` (Debian's
/// Python, where graphite-carbon and python3-whisper live).
const READ_WHISPER: &str = r#"
import os, sys, time, whisper
from carbon.util import TaggedSeries
root = sys.argv[1]
for name in sys.argv[2:]:
    if ';' in name:
        rel = TaggedSeries.encode(TaggedSeries.parse(name).path, os.sep, hash_only=True)
    else:
        rel = name.replace('.', os.sep)
    try:
        _, values = whisper.fetch(os.path.join(root, rel + '.wsp'), time.time() - 3600)
        values = [v for v in values if v is not None]
        print(repr(values[-1]) if values else 'none')
    except Exception:
        print('missing')
"#;

fn stored(carbon: &Peer, names: &[&str]) -> Vec<Option<f64>> {
    let root = carbon.dir.join("storage/whisper");
    let out = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(READ_WHISPER)
        .arg(&root)
        .args(names)
        .output()
        .expect("Debian's python3 (with graphite-carbon and python3-whisper)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.parse().ok())
        .collect()
}

/// Waits up to 20 s for carbon to store `expected`; panics with what it has.
fn wait_stored(carbon: &Peer, expected: &[(&str, f64)]) {
    let names: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = stored(carbon, &names);
        let matches = |(g, (_, want)): (&Option<f64>, &(&str, f64))| {
            g.is_some_and(|g| (g - want).abs() < 1e-9)
        };
        if got.iter().zip(expected).all(matches) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "carbon stored {:?}; expected {expected:?}; log: {}",
            names.iter().zip(&got).collect::<Vec<_>>(),
            std::fs::read_to_string(carbon.dir.join("stderr.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

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
