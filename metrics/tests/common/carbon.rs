//! A real Graphite carbon-cache (Debian's `graphite-carbon`) on 127.0.0.1
//! with 1-second whisper retention, its plaintext receivers on TCP and UDP;
//! what it stored is read back from the whisper files with carbon's and
//! whisper's own Python modules. Included by test files that also include
//! `peer.rs` as `peer`.

use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::peer::{free_ports, Peer};

/// carbon-cache with its plaintext TCP receiver on the peer's port and its
/// UDP receiver on `udp`.
pub(crate) fn start_carbon(port: u16, udp: u16) -> Peer {
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

/// The last value carbon stored for each of `names` (`None`: none).
pub(crate) fn stored(carbon: &Peer, names: &[&str]) -> Vec<Option<f64>> {
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
pub(crate) fn wait_stored(carbon: &Peer, expected: &[(&str, f64)]) {
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
