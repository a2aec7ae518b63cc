//! The soak: addsvc under load from addcli for a configurable time while
//! its backends restart, reporting addsvc's memory over time and the
//! totals sent against what the backends received. Not part of the test
//! suite (`#[ignore]`); run it with `scripts/soak` (10 minutes by default,
//! `SOAK_SECS` and `SOAK_RESTART_SECS` change that).
//!
//! The backends: metrics to a real InfluxDB (`influxdb://`, flushed every
//! second), spans to the OTLP/HTTP trace receiver built on the official
//! protobuf definitions. Every `SOAK_RESTART_SECS` one of them is killed,
//! left down for 5 s and started again on the same port, in turn.
//!
//! What must hold at the end:
//! - every request addcli sent is in InfluxDB's `addsvc_requests_total`
//!   (counters are cumulative: a push lost while InfluxDB is down is
//!   carried by the next one — nothing is dropped);
//! - every span addsvc made is exported or counted as dropped, and the
//!   receivers got every exported span (a span can be in a request the
//!   receiver read just before it was killed: counted dropped by addsvc,
//!   received anyway — so received lies between exported and made);
//! - addsvc's RSS after the first minute stays within 50 MB of itself.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
use peer::{free_port, free_udp_port, json_lines, python_receiver, Peer};
#[allow(dead_code)] // the soak reads its own query
#[path = "../../metrics/tests/common/influxdb.rs"]
mod influxdb;

fn env_secs(var: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

/// A command for one of the example binaries, without the caller's own
/// `KIT_*` / `OTEL_*` variables.
fn command(bin: &str) -> Command {
    let mut command = Command::new(bin);
    for (var, _) in std::env::vars() {
        if var.starts_with("KIT_") || var.starts_with("OTEL_") {
            command.env_remove(var);
        }
    }
    command
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn start_influxdb(port: u16) -> Peer {
    let influx = influxdb::start_influxdb_on(port, free_udp_port());
    influxdb::influxql(port, "", "CREATE DATABASE soak");
    influx
}

fn start_receiver(port: u16) -> (Peer, PathBuf) {
    python_receiver(
        port,
        "soak-trace-receiver",
        "tracing/tests/peers/otlp_trace_receiver.py",
        "spans.jsonl",
    )
}

/// Kills the receiver and counts the spans it wrote.
fn stop_receiver(mut receiver: Peer, out: &Path) -> u64 {
    let _ = receiver.child.kill();
    let _ = receiver.child.wait();
    json_lines(out).len() as u64
}

/// The sum of the last value of every `addsvc_requests_total` series.
fn requests_in_influxdb(port: u16) -> f64 {
    let answer = influxdb::influxql(
        port,
        "soak",
        "SELECT last(\"value\") FROM \"addsvc_requests_total\" GROUP BY *",
    );
    answer["results"][0]["series"]
        .as_array()
        .map_or(0.0, |series| {
            series
                .iter()
                .map(|s| s["values"][0][1].as_f64().unwrap_or(0.0))
                .sum()
        })
}

/// addsvc's stdout, read as it comes: lines counted, the `msg=stopped`
/// line and any `level=error` line kept.
struct Output {
    lines: AtomicU64,
    kept: Mutex<Vec<String>>,
}

fn read_output(child: &mut Child) -> (Arc<Output>, std::thread::JoinHandle<()>) {
    let output = Arc::new(Output {
        lines: AtomicU64::new(0),
        kept: Mutex::new(Vec::new()),
    });
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let o = output.clone();
    let reader = std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            o.lines.fetch_add(1, Ordering::Relaxed);
            if line.contains("msg=stopped") || line.contains("level=error") {
                o.kept.lock().unwrap().push(line);
            }
        }
    });
    (output, reader)
}

/// `key=value` of a logfmt line, as a number.
fn field(line: &str, key: &str) -> u64 {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

/// One `addcli --load` round: (ok, business errors, failed).
fn load_round(addr: &str) -> (u64, u64, u64) {
    let out = command(env!("CARGO_BIN_EXE_addcli"))
        .env("OTEL_TRACES_EXPORTER", "none")
        .args(["--addr", addr, "--load", "2000", "--concurrency", "4"])
        .output()
        .expect("addcli");
    let summary = String::from_utf8_lossy(&out.stdout);
    let line = summary
        .lines()
        .find(|l| l.contains(" failed"))
        .unwrap_or_else(|| panic!("addcli: {summary}{}", String::from_utf8_lossy(&out.stderr)));
    let tail = line.rsplit("; ").next().unwrap();
    let numbers: Vec<u64> = tail
        .split(", ")
        .map(|p| p.split(' ').next().unwrap().parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

#[test]
#[ignore = "the soak runs for minutes: scripts/soak"]
fn soak() {
    let duration = env_secs("SOAK_SECS", 600);
    let restart_every = env_secs("SOAK_RESTART_SECS", 60);
    let (influx_port, receiver_port, addsvc_port) = (free_port(), free_port(), free_port());
    let mut influx = Some(start_influxdb(influx_port));
    let (receiver, mut receiver_out) = start_receiver(receiver_port);
    let mut receiver = Some(receiver);
    let mut received: u64 = 0;

    let mut addsvc = command(env!("CARGO_BIN_EXE_addsvc"))
        .env("ADDSVC_HTTP_ADDR", format!("127.0.0.1:{addsvc_port}"))
        .env(
            "KIT_METRICS",
            format!("influxdb://127.0.0.1:{influx_port}/soak?flush=1s"),
        )
        .env("OTEL_TRACES_EXPORTER", "otlp")
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{receiver_port}"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("addsvc");
    let (output, reader) = read_output(&mut addsvc);
    let addr = format!("127.0.0.1:{addsvc_port}");
    let up = Instant::now();
    while peer::get(addsvc_port, "/health").is_none() {
        assert!(
            up.elapsed() < Duration::from_secs(20),
            "addsvc did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Load until the time is up.
    let done = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(Mutex::new((0u64, 0u64, 0u64)));
    let load = {
        let (done, sent, addr) = (done.clone(), sent.clone(), addr.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let (ok, business, failed) = load_round(&addr);
                let mut s = sent.lock().unwrap();
                *s = (s.0 + ok, s.1 + business, s.2 + failed);
            }
        })
    };

    println!("soak: {duration:?}, a backend restarted every {restart_every:?} (down 5 s)");
    println!(
        "{:>6} {:>9} {:>10} {:>9}",
        "t (s)", "RSS (MB)", "requests", "restarts"
    );
    let start = Instant::now();
    let mut rss = Vec::new();
    let mut restarts = 0u32;
    let mut next_restart = restart_every;
    let mut next_sample = Duration::ZERO;
    while start.elapsed() < duration {
        let now = start.elapsed();
        if now >= next_sample {
            let mb = rss_mb(addsvc.id());
            rss.push((now.as_secs(), mb));
            let s = *sent.lock().unwrap();
            println!(
                "{:>6} {:>9.1} {:>10} {:>9}",
                now.as_secs(),
                mb,
                s.0 + s.1 + s.2,
                restarts
            );
            next_sample = Duration::from_secs((now.as_secs() / 10 + 1) * 10);
        }
        if now >= next_restart && now + Duration::from_secs(10) < duration {
            if restarts % 2 == 0 {
                drop(influx.take());
                std::thread::sleep(Duration::from_secs(5));
                influx = Some(start_influxdb(influx_port));
            } else {
                received += stop_receiver(receiver.take().unwrap(), &receiver_out);
                std::thread::sleep(Duration::from_secs(5));
                let (r, out) = start_receiver(receiver_port);
                receiver = Some(r);
                receiver_out = out;
            }
            restarts += 1;
            next_restart += restart_every;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    done.store(true, Ordering::Relaxed);
    load.join().unwrap();

    // SIGTERM: addsvc flushes its last metrics and spans.
    let pid = addsvc.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = addsvc.wait().unwrap();
    reader.join().unwrap();
    assert!(status.success(), "addsvc: {status}");
    let kept = output.kept.lock().unwrap().clone();
    let stopped = kept
        .iter()
        .find(|l| l.contains("msg=stopped"))
        .unwrap_or_else(|| panic!("no msg=stopped line: {kept:?}"));
    let exported = field(stopped, "spans_exported");
    let dropped = field(stopped, "spans_dropped");
    // The trace receiver writes what it got as it gets it.
    std::thread::sleep(Duration::from_secs(1));
    received += stop_receiver(receiver.take().unwrap(), &receiver_out);
    let in_influx = requests_in_influxdb(influx_port);

    let (ok, business, failed) = *sent.lock().unwrap();
    let requests = ok + business + failed;
    let settled: Vec<f64> = rss
        .iter()
        .filter(|(t, _)| *t >= 60)
        .map(|(_, m)| *m)
        .collect();
    let (low, high) = settled
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), m| (lo.min(*m), hi.max(*m)));
    println!();
    println!("requests sent by addcli     {requests} ({ok} ok, {business} business errors, {failed} failed)");
    println!("requests counted in InfluxDB {in_influx}");
    println!("spans made by addsvc        {}", exported + dropped);
    println!("spans exported / dropped    {exported} / {dropped}");
    println!("spans received              {received}");
    println!(
        "log lines written by addsvc {}",
        output.lines.load(Ordering::Relaxed)
    );
    println!("backend restarts            {restarts}");
    if !settled.is_empty() {
        println!("RSS after the first minute  {low:.1}–{high:.1} MB");
    }
    println!("stopped line: {stopped}");

    assert_eq!(failed, 0, "addcli saw failed requests");
    assert_eq!(
        in_influx, requests as f64,
        "requests lost on the way to InfluxDB"
    );
    // Two spans per request (SERVER, endpoint) and one for the readiness
    // probe's `GET /health`: each exported or dropped.
    assert_eq!(
        exported + dropped,
        2 * requests + 1,
        "spans unaccounted for"
    );
    assert!(
        received >= exported && received <= exported + dropped,
        "received {received}, exported {exported}, dropped {dropped}"
    );
    assert!(
        settled.is_empty() || high - low < 50.0,
        "RSS grew from {low:.1} to {high:.1} MB"
    );
    assert!(kept.iter().all(|l| !l.contains("level=error")), "{kept:?}");
}
