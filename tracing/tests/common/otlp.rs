//! The OTLP path of the real-peer tests: behind the rotel collector
//! (`metrics/tests/common/rotel.rs`), a receiver decoding with the official Python protobuf classes
//! (PyPI `opentelemetry-proto`) that writes every span as a JSON line.
//! Included by test files that also include `peer.rs` as `peer`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::peer::{free_port, json_lines, python_receiver, Peer};

/// The receiver; the file its spans go to.
pub(crate) fn start_receiver() -> (Peer, PathBuf) {
    python_receiver(
        free_port(),
        "otlp-trace-receiver",
        "tracing/tests/peers/otlp_trace_receiver.py",
        "spans.jsonl",
    )
}

/// The spans in `out` once there are at least `want` (up to 20 s).
#[allow(dead_code)] // the end-to-end tests wait for whole trees instead
pub(crate) fn spans(out: &Path, want: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = json_lines(out);
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
