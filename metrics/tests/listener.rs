//! The listener's endpoints: text format, OpenMetrics by `Accept`,
//! `/debug/vars`, process metrics, and what it refuses.

use std::io::{Read, Write};
use std::net::TcpStream;

use kit_metrics::{prometheus::Listener, Provider};

fn request(listener: &Listener, head: &str) -> (String, String) {
    let mut conn = TcpStream::connect(listener.local_addr()).unwrap();
    conn.write_all(head.as_bytes()).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.to_owned(), body.to_owned())
}

fn provider() -> Provider {
    let provider = Provider::new();
    provider
        .counter("jobs_total")
        .help("Jobs \"done\".")
        .labels(&["queue"])
        .build()
        .with(&["mail"])
        .add(4);
    provider
        .histogram("job_seconds")
        .buckets(&[1.0])
        .build()
        .observe(0.5);
    provider
}

#[test]
fn scrapes_get_the_text_format_unless_they_ask_for_openmetrics() {
    let listener = Listener::bind(provider(), "127.0.0.1:0").unwrap();
    let (head, body) = request(&listener, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
    assert!(
        body.contains("# TYPE jobs_total counter\njobs_total{queue=\"mail\"} 4\n"),
        "{body}"
    );
    assert!(!body.contains("# EOF"));

    let accept =
        "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    let (head, body) = request(
        &listener,
        &format!("GET /metrics HTTP/1.1\r\nHost: x\r\n{accept}\r\n\r\n"),
    );
    assert!(
        head.contains("Content-Type: application/openmetrics-text; version=1.0.0"),
        "{head}"
    );
    assert!(
        body.contains(
            "# HELP jobs Jobs \\\"done\\\".\n# TYPE jobs counter\njobs_total{queue=\"mail\"} 4\n"
        ),
        "{body}"
    );
    assert!(
        body.contains("job_seconds_bucket{le=\"1.0\"} 1\n"),
        "{body}"
    );
    assert!(body.ends_with("# EOF\n"), "{body}");
}

#[test]
fn process_metrics_come_with_every_scrape() {
    let listener = Listener::bind(Provider::new(), "127.0.0.1:0").unwrap();
    let (_, body) = request(&listener, "GET /metrics HTTP/1.1\r\n\r\n");
    let value = |name: &str| -> f64 {
        let line = body
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name}: {body}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(value("process_resident_memory_bytes") > 1_000_000.0);
    assert!(value("process_open_fds") >= 3.0);
    assert!(value("process_cpu_seconds_total") >= 0.0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let start = value("process_start_time_seconds");
    assert!(
        start <= now + 1.0 && start > now - 86_400.0,
        "{start} vs {now}"
    );
    assert!(body.contains("# TYPE process_cpu_seconds_total counter\n"));
}

#[test]
fn debug_vars_is_one_json_document_of_every_value() {
    let listener = Listener::bind(provider(), "127.0.0.1:0").unwrap();
    let (head, body) = request(&listener, "GET /debug/vars HTTP/1.1\r\n\r\n");
    assert!(head.contains("application/json"), "{head}");
    let vars: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(vars["jobs_total"]["type"], "counter");
    assert_eq!(vars["jobs_total"]["series"][0]["value"], 4);
    let h = &vars["job_seconds"]["series"][0]["value"];
    assert_eq!(
        (h["count"].as_u64(), h["sum"].as_f64()),
        (Some(1), Some(0.5))
    );
    assert_eq!(h["buckets"][1]["le"], "+Inf");
}

#[test]
fn other_paths_and_methods_are_refused_and_garbage_does_not_stop_the_listener() {
    let listener = Listener::bind(provider(), "127.0.0.1:0").unwrap();
    assert!(request(&listener, "GET /nope HTTP/1.1\r\n\r\n")
        .0
        .starts_with("HTTP/1.1 404"));
    assert!(request(&listener, "POST /metrics HTTP/1.1\r\n\r\n")
        .0
        .starts_with("HTTP/1.1 405"));
    // A client that sends junk and hangs up costs its own connection only.
    {
        let mut conn = TcpStream::connect(listener.local_addr()).unwrap();
        conn.write_all(&[0xff, 0x00, b'\n', b'\r']).unwrap();
    }
    let (head, _) = request(&listener, "GET /metrics HTTP/1.1\r\n\r\n");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    listener.stop();
}

#[test]
fn the_listener_binds_only_the_address_its_url_names() {
    // 127.0.0.2 is loopback too, but another address: a listener bound to
    // every interface would answer there; one bound to 127.0.0.1 does not.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config: kit_metrics::MetricsConfig =
        format!("prometheus://127.0.0.1:{port}").parse().unwrap();
    let provider = config.build().unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    assert!(
        TcpStream::connect(("127.0.0.2", port)).is_err(),
        "the listener answers on an address its URL does not name"
    );
    provider.shutdown(std::time::Duration::from_secs(1));
}
