//! The Etsy statsd daemon (npm `statsd@0.9.0`, installed by `scripts/test`
//! under `target/peers`), flushing every 200 ms to its Graphite backend,
//! which writes to a plaintext sink the test listens with, so every total
//! statsd computed is read back. Included by test files that also include
//! `peer.rs` as `peer`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::peer::{free_udp_port, npm_peers, Peer};

/// The counter of the lines statsd could not parse.
pub(crate) const BAD_LINES: &str = "stats.counters.statsd.bad_lines_seen.count";

/// What statsd's Graphite backend wrote: every `(path, value)` in order.
#[derive(Clone, Default)]
pub(crate) struct Sink(Arc<Mutex<Vec<(String, f64)>>>);

impl Sink {
    /// Listens on a free port; returns the sink and the port.
    pub(crate) fn start() -> (Sink, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Sink::default();
        let lines = sink.0.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let lines = lines.clone();
                std::thread::spawn(move || {
                    for line in BufReader::new(conn).lines().map_while(Result::ok) {
                        let mut parts = line.split(' ');
                        if let (Some(path), Some(value)) = (parts.next(), parts.next()) {
                            if let Ok(value) = value.parse() {
                                lines.lock().unwrap().push((path.to_owned(), value));
                            }
                        }
                    }
                });
            }
        });
        (sink, port)
    }

    /// The sum of every value flushed for `path` (statsd counters and timer
    /// counts are per flush interval).
    pub(crate) fn sum(&self, path: &str) -> f64 {
        let lines = self.0.lock().unwrap();
        lines
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, v)| v)
            .sum()
    }

    /// The last value flushed for `path`.
    #[allow(dead_code)] // not every test reads gauges
    pub(crate) fn last(&self, path: &str) -> Option<f64> {
        let lines = self.0.lock().unwrap();
        lines.iter().rev().find(|(p, _)| p == path).map(|(_, v)| *v)
    }

    /// Waits up to 10 s for `done`, then one more flush interval.
    pub(crate) fn wait_for(&self, what: &str, done: impl Fn(&Sink) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "statsd never flushed {what}; paths seen: {:?}",
                self.paths()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(400));
    }

    /// Every path flushed so far, sorted.
    pub(crate) fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

/// statsd on UDP `udp` (its management port is the peer's port), flushing
/// to the sink on `sink_port` every 200 ms.
pub(crate) fn start_statsd(udp: u16, sink_port: u16) -> Peer {
    let stats_js = npm_peers().join("statsd/stats.js");
    Peer::spawn(
        "statsd",
        Duration::from_secs(20),
        |port| {
            let Ok(mut conn) = TcpStream::connect(("127.0.0.1", port)) else {
                return false;
            };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = conn.write_all(b"health\n");
            let mut answer = [0u8; 64];
            let n = conn.read(&mut answer).unwrap_or(0);
            String::from_utf8_lossy(&answer[..n]).contains("health: up")
        },
        |mgmt, dir| {
            let config = dir.join("config.js");
            std::fs::write(
                &config,
                format!(
                    "{{ port: {udp}, address: \"127.0.0.1\", mgmt_port: {mgmt}, mgmt_address: \"127.0.0.1\",
                       flushInterval: 200, backends: [\"./backends/graphite\"],
                       graphiteHost: \"127.0.0.1\", graphitePort: {sink_port},
                       graphite: {{ legacyNamespace: false }} }}"
                ),
            )
            .unwrap();
            let mut command = Command::new("node");
            command.arg(&stats_js).arg(&config);
            command
        },
    )
}

/// statsd on a free UDP port, flushing to a new sink: statsd, the sink,
/// statsd's UDP port.
pub(crate) fn statsd_and_sink() -> (Peer, Sink, u16) {
    let (sink, sink_port) = Sink::start();
    let udp = free_udp_port();
    (start_statsd(udp, sink_port), sink, udp)
}
