//! A real Prometheus server (Debian's `prometheus` package) scraping one
//! target every second, and its query API. Included by test files that
//! also include `peer.rs` as `peer`.

use std::process::Command;
use std::time::Duration;

use crate::peer::{get, Peer};

/// Prometheus on a free port, scraping `target` every second.
pub(crate) fn start_prometheus(target: std::net::SocketAddr) -> Peer {
    Peer::start(
        "prometheus",
        "/-/ready",
        Duration::from_secs(60),
        |port, dir| {
            std::fs::create_dir_all(dir.join("data")).unwrap();
            let config = dir.join("prometheus.yml");
            std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: kit\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .unwrap();
            let mut command = Command::new("prometheus");
            command
                .arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.join("data").display()
                ))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"));
            command
        },
    )
}

fn encode(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The instant vector for `query`, as (labels, value) pairs.
pub(crate) fn query(server: &Peer, promql: &str) -> Vec<(serde_json::Value, String)> {
    let (status, body) = get(
        server.port,
        &format!("/api/v1/query?query={}", encode(promql)),
    )
    .expect("query");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["metric"].clone(),
                r["value"][1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
