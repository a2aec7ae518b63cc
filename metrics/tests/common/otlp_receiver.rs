//! The OTLP/HTTP metrics receiver (`peers/otlp_receiver.py`): it decodes
//! every request with the official Python protobuf classes (PyPI
//! `opentelemetry-proto`) and appends it, as JSON, to a file. Included by
//! test files that also include `peer.rs` as `peer`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::peer::{free_port, json_lines, python_receiver, Peer};

/// The Python receiver; returns it and the file it appends requests to.
pub(crate) fn start_receiver() -> (Peer, PathBuf) {
    start_receiver_on(free_port())
}

/// The Python receiver on `port` (to restart it where kit expects it).
pub(crate) fn start_receiver_on(port: u16) -> (Peer, PathBuf) {
    python_receiver(
        port,
        "otlp-receiver",
        "metrics/tests/peers/otlp_receiver.py",
        "received.jsonl",
    )
}

/// Every request the receiver decoded so far.
pub(crate) fn received(out: &Path) -> Vec<Value> {
    json_lines(out)
}

/// The attributes of a data point, as sorted (key, string value) pairs.
pub(crate) fn attributes(point: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = point["attributes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|kv| {
                    (
                        kv["key"].as_str().unwrap().to_owned(),
                        kv["value"]["string_value"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
