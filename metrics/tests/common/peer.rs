//! The real servers the `real_peer_*` tests talk to: each started here on a
//! free 127.0.0.1 port with its own temporary directory, polled until ready,
//! and stopped when dropped. A missing server fails the test, never skips it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Where `scripts/test` installs the servers that come from npm.
#[allow(dead_code)] // only the npm peers' tests use it
pub(crate) fn npm_peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/peers/node_modules")
}

/// A running server process, killed (and its directory removed) on drop.
pub(crate) struct Peer {
    /// The process, for tests that kill it on purpose.
    pub(crate) child: Child,
    /// Its own directory.
    #[allow(dead_code)] // not every test reads it
    pub(crate) dir: PathBuf,
    /// The port it listens on.
    #[allow(dead_code)] // not every test reads it
    pub(crate) port: u16,
}

impl Peer {
    /// Runs the command `configure` builds from a free port and a fresh
    /// directory (its stdout and stderr go to `stdout.log` and `stderr.log`
    /// there), then waits up to `ready_within` for `GET ready_path` to
    /// answer 200.
    #[allow(dead_code)] // not every test binary has an HTTP peer
    pub(crate) fn start(
        name: &str,
        ready_path: &str,
        ready_within: Duration,
        configure: impl FnOnce(u16, &Path) -> Command,
    ) -> Peer {
        Peer::spawn(
            name,
            ready_within,
            |port| get(port, ready_path).map(|r| r.0) == Some(200),
            configure,
        )
    }

    /// As [`start`](Self::start), ready when `ready(port)` says so.
    #[allow(dead_code)] // not every test binary has such a peer
    pub(crate) fn spawn(
        name: &str,
        ready_within: Duration,
        ready: impl Fn(u16) -> bool,
        configure: impl FnOnce(u16, &Path) -> Command,
    ) -> Peer {
        Peer::spawn_on(free_port(), name, ready_within, ready, configure)
    }

    /// As [`spawn`](Self::spawn), on a given port (to restart a server
    /// where its clients expect it).
    pub(crate) fn spawn_on(
        port: u16,
        name: &str,
        ready_within: Duration,
        ready: impl Fn(u16) -> bool,
        configure: impl FnOnce(u16, &Path) -> Command,
    ) -> Peer {
        let dir = std::env::temp_dir().join(format!("kit-{name}-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = configure(port, &dir);
        let stdout = std::fs::File::create(dir.join("stdout.log")).unwrap();
        let stderr = std::fs::File::create(dir.join("stderr.log")).unwrap();
        let child = command
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{:?} is required for this test (scripts/test installs it): {e}",
                    command.get_program()
                )
            });
        let peer = Peer { child, port, dir };
        let deadline = Instant::now() + ready_within;
        while !ready(port) {
            if Instant::now() >= deadline {
                let log = std::fs::read_to_string(peer.dir.join("stderr.log")).unwrap_or_default();
                let tail: String = log.lines().rev().take(20).collect::<Vec<_>>().join("\n");
                panic!(
                    "{name} did not become ready; the end of its stderr (last line first):\n{tail}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        peer
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A TCP port free on 127.0.0.1 right now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `N` distinct TCP ports free on 127.0.0.1 right now (held together while
/// chosen, so no two are the same).
#[allow(dead_code)] // only the multi-port peers' tests use it
pub(crate) fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| held[i].local_addr().unwrap().port())
}

/// A UDP port free on 127.0.0.1 right now.
#[allow(dead_code)] // only the UDP peers' tests use it
pub(crate) fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[allow(dead_code)] // not every test binary has an HTTP peer
/// `GET path` on 127.0.0.1:port over HTTP/1.0 (so the body comes whole,
/// never chunked); the status code and body.
pub(crate) fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(conn, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = Vec::new();
    conn.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response.split_once("\r\n\r\n")?.1.to_owned()))
}

/// One whole HTTP/1.1 request read from `conn` (headers, then
/// `Content-Length` bytes of body): its head and its body. For the test
/// doubles that stand in for a server.
#[allow(dead_code)] // only the test doubles read requests
pub(crate) fn read_request(conn: &mut TcpStream) -> (String, String) {
    let mut request = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = conn.read(&mut buf).unwrap();
        request.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&request);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            if body.len() >= length {
                return (head.to_owned(), body.to_owned());
            }
        }
    }
}

/// The JSON lines a peer appended to `path` so far (none before the file
/// exists). Only whole lines: the peer may be writing the next one.
#[allow(dead_code)] // only the peers writing JSON lines have it read
pub(crate) fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let whole = text.rfind('\n').map_or("", |end| &text[..end]);
    whole
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// One of the Python receivers of kit's tests (`script PORT OUT`, `script`
/// from the workspace root, answering `GET /` once up) on `port`; the
/// peer and `OUT`, the file `out` in its directory.
#[allow(dead_code)] // only the OTLP tests have such a receiver
pub(crate) fn python_receiver(port: u16, name: &str, script: &str, out: &str) -> (Peer, PathBuf) {
    // The including crate may be any of the workspace's.
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(script);
    let mut file = PathBuf::new();
    let peer = Peer::spawn_on(
        port,
        name,
        Duration::from_secs(20),
        |port| get(port, "/").map(|r| r.0) == Some(200),
        |port, dir| {
            file = dir.join(out);
            let mut command = Command::new("python3");
            command.arg(&script).arg(port.to_string()).arg(&file);
            command
        },
    );
    (peer, file)
}
