//! The OTLP path of the real-peer tests: behind the rotel collector
//! (`metrics/tests/common/rotel.rs`), a receiver decoding with the official Python protobuf classes
//! (PyPI `opentelemetry-proto`) that writes every span as a JSON line.
//! Included by test files that also include `peer.rs` as `peer`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::peer::{get, Peer};

/// The receiver; the file its spans go to.
pub(crate) fn start_receiver() -> (Peer, PathBuf) {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/otlp_trace_receiver.py");
    let mut out = PathBuf::new();
    let peer = Peer::spawn(
        "otlp-trace-receiver",
        Duration::from_secs(20),
        |port| get(port, "/").map(|r| r.0) == Some(200),
        |port, dir| {
            out = dir.join("spans.jsonl");
            let mut command = Command::new("python3");
            command.arg(&script).arg(port.to_string()).arg(&out);
            command
        },
    );
    (peer, out)
}

/// The spans in `out` once there are at least `want` (up to 20 s).
pub(crate) fn spans(out: &PathBuf, want: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got: Vec<Value> = std::fs::read_to_string(out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        if got.len() >= want {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {want} spans arrived: {got:#?}",
            got.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
