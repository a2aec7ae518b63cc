//! Circonus HTTPTrap: no Circonus server runs here, so a local HTTP
//! endpoint stands in for the trap and the test checks what kit `PUT`s to
//! it against the documented JSON shape; the trap's secret never shows in
//! errors or `Debug` output.

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kit_metrics::MetricsConfig;
use serde_json::{json, Value};

#[path = "common/peer.rs"]
mod peer;
use peer::read_request;

/// Each request's head (request line and headers) and JSON body.
type Requests = Arc<Mutex<Vec<(String, Value)>>>;

/// A trap that answers 200 `{"stats":N}` and keeps each request.
fn trap() -> (u16, Requests) {
    let trap = Trap::on(0);
    let out = (trap.port, trap.seen.clone());
    std::mem::forget(trap); // up for the rest of the test process
    out
}

/// A trap on `port` (0: any free one) that stops listening when dropped —
/// the trap "killed" — so that another can start on the same port.
struct Trap {
    port: u16,
    seen: Requests,
    stop: Arc<AtomicBool>,
}

impl Trap {
    fn on(port: u16) -> Trap {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (keep, stopped) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        conn.set_nonblocking(false).unwrap();
                        answer(conn, &keep);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Trap { port, seen, stop }
    }
}

impl Drop for Trap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accept loop notices within 5 ms and drops the listener.
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads one request from `conn`, keeps it in `seen`, answers 200.
fn answer(mut conn: std::net::TcpStream, seen: &Requests) {
    let (head, body) = read_request(&mut conn);
    let body: Value = serde_json::from_str(&body).unwrap();
    let stats = body.as_object().unwrap().len();
    seen.lock().unwrap().push((head, body));
    let answer = format!("{{\"stats\":{stats}}}");
    let _ = write!(
        conn,
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{answer}",
        answer.len()
    );
}

#[test]
fn circonus_trap_receives_the_documented_json() {
    let (port, seen) = trap();
    let config: MetricsConfig =
        format!("circonus+http://127.0.0.1:{port}/module/httptrap/0a1b-uuid/SECRET?flush=1h")
            .parse()
            .unwrap();
    let metrics = config.build().unwrap();
    kit_metrics::conformance::Workload::new("conf_").apply(&metrics);
    assert!(metrics.flush(Duration::from_secs(5)));
    let seen = seen.lock().unwrap();
    let (head, body) = &seen[0];
    assert!(
        head.starts_with("PUT /module/httptrap/0a1b-uuid/SECRET HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("Content-Type: application/json"));
    let member = |name: &str| body.get(name).cloned().unwrap_or(Value::Null);
    assert_eq!(
        member("conf_requests_total|ST[method:sum,outcome:success]"),
        json!({"_type": "L", "_value": 7})
    );
    assert_eq!(
        member("conf_requests_total|ST[method:concat,outcome:business_error]"),
        json!({"_type": "L", "_value": 2})
    );
    assert_eq!(
        member("conf_requests_total|ST[method:a _quoted_ \\ method,outcome:failure]"),
        json!({"_type": "L", "_value": 1})
    );
    assert_eq!(
        member("conf_in_flight"),
        json!({"_type": "n", "_value": 7.5})
    );
    // 0.05, 0.1 | 0.5 | 2, 3 (above the last bound, counted at it).
    assert_eq!(
        member("conf_latency_seconds"),
        json!({"_type": "H", "_value": ["H[0.1]=2", "H[1]=3"]})
    );
}

#[test]
fn the_trap_secret_never_shows_in_errors_or_debug_output() {
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let config: MetricsConfig =
        format!("circonus+http://127.0.0.1:{port}/module/httptrap/uuid/SECRET?flush=1h")
            .parse()
            .unwrap();
    assert!(!format!("{config:?}").contains("SECRET"), "{config:?}");
    let metrics = config.build().unwrap();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let keep = reports.clone();
    metrics.set_diagnostics(move |d| keep.lock().unwrap().push(d.to_string()));
    metrics.counter("c_total").build().inc();
    assert!(metrics.flush(Duration::from_secs(5)));
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1);
    assert!(
        reports[0].starts_with("kit-metrics: circonus: "),
        "{reports:?}"
    );
    assert!(!reports[0].contains("SECRET"), "{reports:?}");
    assert_eq!(metrics.export_stats().failed, 1);
}

#[test]
fn a_trap_killed_and_restarted_gets_the_whole_total() {
    let trap = Trap::on(0);
    let port = trap.port;
    let config: MetricsConfig =
        format!("circonus+http://127.0.0.1:{port}/module/httptrap/u/SECRET?flush=1h&timeout=1s")
            .parse()
            .unwrap();
    let metrics = config.build().unwrap();
    let jobs = metrics.counter("jobs_total").build();
    let last = |seen: &Requests| {
        seen.lock()
            .unwrap()
            .last()
            .map(|(_, body)| body["jobs_total"]["_value"].clone())
    };
    jobs.add(1);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(last(&trap.seen), Some(json!(1)));

    // Killed: the push fails at once, counted.
    drop(trap);
    jobs.add(2);
    let started = std::time::Instant::now();
    metrics.flush(Duration::from_secs(5));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(metrics.export_stats().failed, 1);

    // Back on the same port: the next push carries the cumulative total.
    let trap = Trap::on(port);
    jobs.add(4);
    assert!(metrics.flush(Duration::from_secs(5)));
    assert_eq!(last(&trap.seen), Some(json!(7)));
    let stats = metrics.export_stats();
    assert_eq!((stats.failed, stats.dropped), (1, 0), "{stats:?}");
    assert!(metrics.shutdown(Duration::from_secs(2)));
}
