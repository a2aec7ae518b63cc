//! The strict Zipkin v2 receiver (`peers/zipkin_receiver.py`): every body
//! POSTed to `/api/v2/spans` is checked against the official spec's `Span`
//! schema (`fixtures/zipkin2-api.yaml`) and kit's stricter contract; the
//! spans go to `spans.jsonl` in its directory, refused bodies to
//! `errors.jsonl`. Included by test files that also include `peer.rs` as
//! `peer`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::peer::Peer;

/// The strict receiver; its directory (spans.jsonl, errors.jsonl, status).
pub(crate) fn start_receiver() -> (Peer, PathBuf) {
    start_receiver_on(crate::peer::free_port())
}

/// The receiver on `port` (to restart it where the exporter sends).
#[allow(dead_code)] // only the restart test picks its port
pub(crate) fn start_receiver_on(port: u16) -> (Peer, PathBuf) {
    // From the workspace root: the including crate may be another one.
    let tracing_tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tracing/tests");
    let mut out = PathBuf::new();
    let peer = Peer::spawn_on(
        port,
        "zipkin-receiver",
        Duration::from_secs(20),
        |port| crate::peer::get(port, "/").map(|r| r.0) == Some(200),
        |port, dir| {
            out = dir.to_path_buf();
            let mut command = Command::new("python3");
            command
                .arg(tracing_tests.join("peers/zipkin_receiver.py"))
                .arg(port.to_string())
                .arg(dir)
                .arg(tracing_tests.join("fixtures/zipkin2-api.yaml"));
            command
        },
    );
    (peer, out)
}
