//! The rotel collector (PyPI `rotel`, whose wheel carries `rotel-agent`):
//! started on given ports, forwarding what it receives over OTLP/HTTP.
//! Included by test files that also include `peer.rs` as `peer`.

use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use crate::peer::Peer;

/// rotel, its gRPC receiver on `grpc` and its HTTP receiver on `http`,
/// exporting over OTLP/HTTP to `forward_to`.
pub(crate) fn start_rotel(grpc: u16, http: u16, forward_to: u16) -> Peer {
    let rotel = Command::new("python3")
        .args([
            "-c",
            "import rotel, os; print(os.path.join(os.path.dirname(rotel.__file__), 'rotel-agent'))",
        ])
        .output()
        .expect("python3 with PyPI rotel");
    let agent = String::from_utf8_lossy(&rotel.stdout).trim().to_owned();
    assert!(
        !agent.is_empty(),
        "PyPI rotel is required (scripts/test installs it)"
    );
    Peer::spawn_on(
        grpc,
        "rotel",
        Duration::from_secs(30),
        |port| {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
                && TcpStream::connect(("127.0.0.1", http)).is_ok()
        },
        |port, _| {
            let mut command = Command::new(&agent);
            command.args([
                "start",
                "--otlp-grpc-endpoint",
                &format!("127.0.0.1:{port}"),
                "--otlp-http-endpoint",
                &format!("127.0.0.1:{http}"),
                "--exporter",
                "otlp",
                "--otlp-exporter-endpoint",
                &format!("http://127.0.0.1:{forward_to}"),
                "--otlp-exporter-protocol",
                "http",
                "--batch-timeout",
                "100ms",
            ]);
            command
        },
    )
}
