//! statsdproxy (Sentry's DogStatsD-aware proxy, `cargo install --locked
//! statsdproxy`): it parses DogStatsD lines, drops the tag `secret` and
//! aggregates counters before forwarding them. Included by test files
//! that also include `peer.rs` as `peer`.

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use crate::peer::Peer;

/// statsdproxy listening on UDP `listen`, forwarding to `upstream`.
pub(crate) fn start_proxy(listen: u16, upstream: u16) -> Peer {
    Peer::spawn(
        "statsdproxy",
        Duration::from_secs(20),
        // UDP has no handshake: ready once the port is taken (by the proxy).
        |_| UdpSocket::bind(("127.0.0.1", listen)).is_err(),
        |_, dir| {
            let config = dir.join("config.yaml");
            std::fs::write(
                &config,
                "middlewares:\n  - type: deny-tag\n    tags: [secret]\n  - type: aggregate-metrics\n",
            )
            .unwrap();
            let mut command = Command::new("statsdproxy");
            command
                .arg("--listen")
                .arg(format!("127.0.0.1:{listen}"))
                .arg("--upstream")
                .arg(format!("127.0.0.1:{upstream}"))
                .arg("--config-path")
                .arg(&config);
            command
        },
    )
}
