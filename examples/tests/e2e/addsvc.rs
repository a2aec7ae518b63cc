//! addsvc as a real process (a [`Peer`]: killed when dropped, whatever
//! happens), the workload addcli sends it, what that workload adds up to,
//! and the log lines addsvc writes for it.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::peer::Peer;

/// The requests of [`drive`], by method and outcome.
pub(crate) const REQUESTS: [(&str, &str, u64); 4] = [
    ("concat", "max_size_exceeded", 1),
    ("concat", "ok", 2),
    ("sum", "ok", 18),
    ("sum", "two_zeroes", 2),
];

/// [`REQUESTS`]: `[method, outcome]` → how many.
pub(crate) fn requests() -> BTreeMap<Vec<String>, f64> {
    REQUESTS
        .iter()
        .map(|(m, o, n)| (vec![m.to_string(), o.to_string()], *n as f64))
        .collect()
}

/// The calls of [`drive`], the durations recorded: `[method]` → how many.
pub(crate) fn calls() -> BTreeMap<Vec<String>, f64> {
    let mut calls = BTreeMap::new();
    for (method, _, n) in REQUESTS {
        *calls.entry(vec![method.to_string()]).or_default() += n as f64;
    }
    calls
}

/// The total of [`REQUESTS`].
pub(crate) fn total() -> f64 {
    REQUESTS.iter().map(|r| r.2 as f64).sum()
}

/// `bin` with `env`, and none of the test's own `KIT_*` / `OTEL_*`
/// variables (they would change what the cell sets up).
fn command(bin: &str, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(bin);
    for (var, _) in std::env::vars() {
        if var.starts_with("KIT_") || var.starts_with("OTEL_") {
            command.env_remove(var);
        }
    }
    command.envs(env.iter().map(|(k, v)| (k, v)));
    command
}

/// A running addsvc.
pub(crate) struct Addsvc {
    peer: Peer,
}

impl Addsvc {
    /// addsvc on a free port with `env` (`KIT_METRICS`, `KIT_TRACING`…),
    /// once `/health` answers.
    pub(crate) fn start(cell: &str, env: &[(&str, String)]) -> Addsvc {
        let peer = Peer::start(
            &format!("addsvc-{cell}"),
            "/health",
            Duration::from_secs(20),
            |port, _| {
                let mut command = command(env!("CARGO_BIN_EXE_addsvc"), env);
                command.env("ADDSVC_HTTP_ADDR", format!("127.0.0.1:{port}"));
                command
            },
        );
        Addsvc { peer }
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.peer.port)
    }

    /// SIGTERM: addsvc must drain, flush its metrics and spans, say
    /// `msg=stopped` and exit 0 within 5 s. Its call lines, which must be
    /// one per request.
    pub(crate) fn stop(mut self) -> Vec<Call> {
        let pid = self.peer.child.id().to_string();
        let sent = Instant::now();
        let kill = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(kill.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let status = loop {
            if let Some(status) = self.peer.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(5),
                "addsvc still runs 5 s after SIGTERM; {}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "addsvc: {status}; {}", self.output());
        let log = std::fs::read_to_string(self.peer.dir.join("stdout.log")).unwrap();
        let stopped = log.lines().find(|l| l.contains("msg=stopped"));
        assert!(
            stopped.is_some_and(
                |l| l.contains("metrics_flushed=true") && l.contains("spans_flushed=true")
            ),
            "{}",
            self.output()
        );
        let calls: Vec<Call> = log.lines().filter_map(Call::parse).collect();
        let mut by_method = BTreeMap::new();
        for call in &calls {
            *by_method.entry(vec![call.method.clone()]).or_insert(0.0) += 1.0;
        }
        assert_eq!(by_method, self::calls(), "{}", self.output());
        calls
    }

    /// Its stdout and stderr, for a failure's message.
    fn output(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.peer.dir.join(f)).unwrap_or_default();
        format!(
            "stdout:\n{}\nstderr:\n{}",
            read("stdout.log"),
            read("stderr.log")
        )
    }
}

/// addcli with `env` and `args`, against `addr`; its output.
fn addcli(addr: &str, env: &[(&str, String)], args: &[&str]) -> std::process::Output {
    command(env!("CARGO_BIN_EXE_addcli"), env)
        .arg("--addr")
        .arg(addr)
        .args(args)
        .output()
        .expect("addcli")
}

/// The workload ([`REQUESTS`]), through addcli with `env`: `--load 20`
/// (18 sums, 2 of them `sum 0 0`), then three concats, the last one too
/// long.
pub(crate) fn drive(addr: &str, env: &[(&str, String)]) {
    let load = addcli(addr, env, &["--load", "20", "--concurrency", "4"]);
    let summary = String::from_utf8_lossy(&load.stdout);
    assert!(
        load.status.success() && summary.contains("18 ok, 2 business errors, 0 failed"),
        "addcli --load: {summary}{}",
        String::from_utf8_lossy(&load.stderr)
    );
    for (a, b, v) in [
        ("ab", "cd", Some("\"abcd\"")),
        ("go", "kit", Some("\"gokit\"")),
        ("hello,", "world!", None),
    ] {
        let out = addcli(addr, env, &["concat", a, b]);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        match v {
            Some(v) => assert!(
                out.status.success() && stdout.trim() == v,
                "{stdout}{stderr}"
            ),
            // A business error: exit 1, and addsvc's reason.
            None => assert!(
                out.status.code() == Some(1) && stderr.contains("result exceeds maximum size"),
                "{stdout}{stderr}"
            ),
        }
    }
}

/// One of addsvc's call lines: `… trace_id=… span_id=… component=service
/// method=sum …`.
#[derive(Debug)]
pub(crate) struct Call {
    /// `sum` or `concat`.
    pub(crate) method: String,
    /// The trace of the request (`null` when untraced).
    pub(crate) trace_id: String,
    /// The span the line was written in.
    pub(crate) span_id: String,
}

impl Call {
    fn parse(line: &str) -> Option<Call> {
        let field = |key: &str| {
            line.split(' ')
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_owned)
        };
        if field("component")? != "service" {
            return None;
        }
        Some(Call {
            method: field("method")?,
            trace_id: field("trace_id")?,
            span_id: field("span_id")?,
        })
    }
}
