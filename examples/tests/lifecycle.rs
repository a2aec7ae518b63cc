//! addsvc as a process: its HTTP answers (values, business errors, bad
//! JSON, unknown routes), settings that stop it before it starts, a
//! `--config` file, `OTEL_SDK_DISABLED`, and a SIGTERM with every backend
//! dead — it still exits within 5 s, saying so in its last line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (nothing listens there afterwards).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// addsvc, killed when dropped.
struct Addsvc {
    child: Child,
    port: u16,
}

impl Drop for Addsvc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn addsvc(env: &[(&str, String)], args: &[&str]) -> Addsvc {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_addsvc"));
    command
        .args(args)
        .env_clear()
        .env("ADDSVC_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "KIT_METRICS",
            format!("prometheus://127.0.0.1:{}", free_port()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.spawn().unwrap();
    let svc = Addsvc { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while request(port, "GET", "/health", "").is_none() {
        assert!(Instant::now() < deadline, "addsvc did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    svc
}

/// `method path` with `body` over HTTP/1.0; the status and the body.
fn request(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        conn,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    conn.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response.split_once("\r\n\r\n")?.1.to_owned()))
}

/// Sends SIGTERM; how long addsvc took to exit, its exit code and its
/// stdout.
fn terminate(svc: &mut Addsvc) -> (Duration, Option<i32>, String) {
    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &svc.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = started + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = svc.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "addsvc did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let mut out = String::new();
    svc.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (took, status.code(), out)
}

#[test]
fn answers_values_business_errors_bad_json_and_unknown_routes() {
    let svc = addsvc(&[], &[]);
    let p = svc.port;
    let cases = [
        ("POST", "/sum", r#"{"a":1,"b":2}"#, 200, r#"{"v":3}"#),
        (
            "POST",
            "/sum",
            r#"{"a":0,"b":0}"#,
            422,
            r#"{"err":"can't sum two zeroes"}"#,
        ),
        (
            "POST",
            "/sum",
            r#"{"a":9223372036854775807,"b":1}"#,
            422,
            r#"{"err":"integer overflow"}"#,
        ),
        (
            "POST",
            "/concat",
            r#"{"a":"x","b":"y"}"#,
            200,
            r#"{"v":"xy"}"#,
        ),
        (
            "POST",
            "/concat",
            r#"{"a":"123456","b":"78901"}"#,
            422,
            r#"{"err":"result exceeds maximum size"}"#,
        ),
        ("GET", "/health", "", 200, r#"{"status":"ok"}"#),
    ];
    for (method, path, body, status, answer) in cases {
        assert_eq!(
            request(p, method, path, body),
            Some((status, answer.to_owned())),
            "{method} {path} {body}"
        );
    }
    for (method, path, body, status, says) in [
        ("POST", "/sum", r#"{"a":1,"#, 400, "malformed JSON"),
        (
            "POST",
            "/sum",
            r#"{"a":"one","b":2}"#,
            400,
            "malformed JSON",
        ),
        (
            "POST",
            "/sum",
            r#"{"a":1,"b":2,"c":3}"#,
            400,
            "unknown field",
        ),
        ("GET", "/sum", "", 405, "not allowed"),
        ("POST", "/nowhere", "{}", 404, "no route"),
    ] {
        let (got, body_text) = request(p, method, path, body).unwrap();
        assert_eq!(got, status, "{method} {path} {body}: {body_text}");
        assert!(
            body_text.contains(says),
            "{method} {path} {body}: {body_text}"
        );
    }
    let big = format!(r#"{{"a":"{}","b":""}}"#, "x".repeat(100_000));
    let (got, body_text) = request(p, "POST", "/concat", &big).unwrap();
    assert_eq!(got, 400, "{body_text}");
}

#[test]
fn with_every_backend_dead_sigterm_still_exits_within_5_s_and_says_so() {
    let mut svc = addsvc(
        &[
            (
                "KIT_METRICS",
                format!(
                    "influxdb://127.0.0.1:{}/addsvc?flush=100ms&timeout=10s,graphite://127.0.0.1:{}?timeout=10s",
                    free_port(),
                    free_port()
                ),
            ),
            (
                "KIT_TRACING",
                format!("otlp://127.0.0.1:{}?timeout=10s", free_port()),
            ),
        ],
        &[],
    );
    for i in 0..50 {
        let body = format!(r#"{{"a":{i},"b":1}}"#);
        assert_eq!(request(svc.port, "POST", "/sum", &body).unwrap().0, 200);
    }
    let (took, code, out) = terminate(&mut svc);
    assert!(took < Duration::from_millis(5500), "took {took:?}");
    assert_eq!(code, Some(0));
    let last = out.lines().last().unwrap_or_default();
    assert!(last.contains("msg=stopped"), "{last}");
    assert!(out.contains("signal=SIGTERM"), "{out}");
}

#[test]
fn a_bad_setting_stops_addsvc_before_it_starts_naming_the_variable() {
    for (var, value) in [
        ("KIT_METRICS", "carrier-pigeon://127.0.0.1:1"),
        ("KIT_LOG_FORMAT", "xml"),
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        ("ADDSVC_HTTP_ADDR", "not an address"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_addsvc"))
            .env_clear()
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(var), "{var}: {stderr}");
    }
}

#[test]
fn a_config_file_switches_the_same_settings_and_the_environment_wins() {
    let dir = std::env::temp_dir().join(format!("kit-addsvc-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("addsvc.toml");
    std::fs::write(
        &file,
        "KIT_LOG_FORMAT = \"json\"\nKIT_LOG_LEVEL = \"info\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap().to_owned();
    let mut svc = addsvc(&[], &["--config", &path]);
    request(svc.port, "POST", "/sum", r#"{"a":1,"b":2}"#).unwrap();
    let (_, code, out) = terminate(&mut svc);
    assert_eq!(code, Some(0));
    assert!(!out.is_empty());
    for line in out.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v.is_object());
    }

    let mut svc = addsvc(&[("KIT_LOG_FORMAT", "logfmt".into())], &["--config", &path]);
    let (_, _, out) = terminate(&mut svc);
    assert!(out.lines().all(|l| !l.starts_with('{')), "{out}");

    std::fs::write(&file, "KIT_LOG_FROMAT = \"json\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_addsvc"))
        .args(["--config", &path])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KIT_LOG_FROMAT"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn otel_sdk_disabled_turns_the_metrics_listener_off() {
    let metrics = free_port();
    for disabled in [true, false] {
        let svc = addsvc(
            &[
                ("KIT_METRICS", format!("prometheus://127.0.0.1:{metrics}")),
                ("OTEL_SDK_DISABLED", disabled.to_string()),
            ],
            &[],
        );
        let sum = request(svc.port, "POST", "/sum", r#"{"a":1,"b":2}"#);
        assert_eq!(sum.unwrap().0, 200);
        let conn = TcpStream::connect(("127.0.0.1", metrics));
        if disabled {
            assert!(
                conn.is_err(),
                "OTEL_SDK_DISABLED=true still serves /metrics"
            );
            continue;
        }
        let mut conn = BufReader::new(conn.unwrap());
        write!(conn.get_mut(), "GET /metrics HTTP/1.0\r\n\r\n").unwrap();
        let text: Vec<String> = conn.lines().map_while(Result::ok).collect();
        assert!(
            text.iter()
                .any(|l| l == r#"addsvc_requests_total{method="sum",outcome="ok"} 1"#),
            "{text:#?}"
        );
    }
}

#[test]
fn an_address_in_use_is_an_error_exit_after_a_clean_shutdown() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_addsvc"))
        .env_clear()
        .env("ADDSVC_HTTP_ADDR", &addr)
        .env("KIT_METRICS", "discard://")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("msg=\"cannot serve\""), "{stdout}");
    assert!(stdout
        .lines()
        .last()
        .unwrap_or_default()
        .contains("msg=stopped"));
}

#[test]
fn a_request_in_flight_at_sigterm_still_gets_its_answer() {
    let mut svc = addsvc(&[], &[]);
    let mut conn = TcpStream::connect(("127.0.0.1", svc.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let body = r#"{"a":40,"b":2}"#;
    // The headers and half the body now; the rest after the signal.
    write!(
        conn,
        "POST /sum HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..6]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &svc.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    conn.write_all(&body.as_bytes()[6..]).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"v":42}"#), "{response}");
    let (_, code, out) = terminate(&mut svc);
    assert_eq!(code, Some(0));
    assert!(out.contains("method=sum a=40 b=2 v=42"), "{out}");
}
