//! Traces across services, proved by the span tree that arrives at a real
//! collector (rotel, then a receiver decoding with the official Python
//! protobuf classes): a kit-instrumented client calling a kit-instrumented
//! server; an OpenTelemetry Python SDK client (its own `propagate.inject`)
//! calling a kit server; a kit client calling an OpenTelemetry Python SDK
//! server (its own `propagate.extract`) — each in W3C Trace Context, B3
//! single and B3 multi (`peers/otel_http_peer.py`).

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use kit_tracing::{Tracing, TracingConfig};
use serde_json::Value;
use tower::{Layer, ServiceExt};

#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
use peer::{free_port, free_ports, get, Peer};
#[path = "../../metrics/tests/common/rotel.rs"]
mod rotel;
use rotel::start_rotel;
#[path = "common/otlp.rs"]
mod otlp;
use otlp::{spans, start_receiver};
#[path = "common/server.rs"]
mod server;

const FORMATS: [&str; 3] = ["tracecontext", "b3", "b3multi"];

/// A collector and its receiver; kit's spans go to its gRPC port, the
/// Python peer's to its HTTP port.
struct Collector {
    _receiver: Peer,
    _rotel: Peer,
    out: PathBuf,
    grpc: u16,
    http: u16,
}

fn collector() -> Collector {
    let (receiver, out) = start_receiver();
    let [grpc, http] = free_ports();
    let rotel = start_rotel(grpc, http, receiver.port);
    Collector {
        _receiver: receiver,
        _rotel: rotel,
        out,
        grpc,
        http,
    }
}

fn kit(collector: &Collector, service: &str, format: &str) -> Tracing {
    let config: TracingConfig = format!(
        "otlp://127.0.0.1:{}?service={service}&propagators={format}&sampler=always_on",
        collector.grpc
    )
    .parse()
    .unwrap();
    Tracing::start(&config).unwrap()
}

fn python_peer() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/otel_http_peer.py")
}

fn otlp_http(collector: &Collector) -> String {
    format!("http://127.0.0.1:{}/v1/traces", collector.http)
}

/// The span of `service` named `name`.
fn find<'a>(spans: &'a [Value], service: &str, name: &str) -> &'a Value {
    spans
        .iter()
        .find(|s| s["resource"]["service.name"] == service && s["name"] == name)
        .unwrap_or_else(|| panic!("no {service} span {name:?}: {spans:#?}"))
}

async fn get_through_kit(tracing: &Tracing, url: &str) -> Value {
    let client = tracing
        .http_client_layer()
        .layer(Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>());
    let response = client
        .oneshot(Request::get(url).body(Full::default()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{url}");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_peer_a_kit_client_calling_a_kit_server_is_one_trace_at_the_collector() {
    let collector = collector();
    let server = kit(&collector, "addsvc", "tracecontext");
    let client = kit(&collector, "addcli", "tracecontext");
    let addr = server::serve(&server).await;
    get_through_kit(&client, &format!("http://{addr}/sum")).await;
    assert!(client.shutdown(Duration::from_secs(10)));
    assert!(server.shutdown(Duration::from_secs(10)));
    let got = spans(&collector.out, 3);
    let client = find(&got, "addcli", "GET");
    let server = find(&got, "addsvc", "GET /sum");
    let endpoint = find(&got, "addsvc", "sum");
    assert_eq!(client["kind"], "SPAN_KIND_CLIENT");
    assert_eq!(server["kind"], "SPAN_KIND_SERVER");
    assert_eq!(server["parent_span_id"], client["span_id"]);
    assert_eq!(endpoint["parent_span_id"], server["span_id"]);
    for span in [server, endpoint] {
        assert_eq!(span["trace_id"], client["trace_id"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_peer_python_clients_continue_into_a_kit_server_in_every_format() {
    let collector = collector();
    for format in FORMATS {
        let server = kit(&collector, &format!("addsvc-{format}"), format);
        let addr = server::serve(&server).await;
        let out = tokio::task::spawn_blocking({
            let url = format!("http://{addr}/sum");
            let otlp = otlp_http(&collector);
            move || {
                Command::new("python3")
                    .arg(python_peer())
                    .args(["client", &url, format, &otlp])
                    .output()
                    .expect("python3 with the OpenTelemetry SDK (scripts/test installs it)")
            }
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let python: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(server.shutdown(Duration::from_secs(10)));
        let want = 3 * (FORMATS.iter().position(|f| *f == format).unwrap() + 1);
        let got = spans(&collector.out, want);
        let service = format!("addsvc-{format}");
        let server = find(&got, &service, "GET /sum");
        let endpoint = find(&got, &service, "sum");
        let client = got
            .iter()
            .find(|s| s["span_id"] == python["span_id"])
            .unwrap_or_else(|| panic!("{format}: the Python client span did not arrive"));
        assert_eq!(client["resource"]["service.name"], "python-client");
        assert_eq!(client["kind"], "SPAN_KIND_CLIENT");
        assert_eq!(server["trace_id"], python["trace_id"], "{format}");
        assert_eq!(server["parent_span_id"], python["span_id"], "{format}");
        assert_eq!(endpoint["parent_span_id"], server["span_id"], "{format}");
    }
}

/// The Python server, stopped when dropped.
struct PythonServer(Child);

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_peer_python_servers_continue_a_kit_clients_trace_in_every_format() {
    let collector = collector();
    for (i, format) in FORMATS.into_iter().enumerate() {
        let port = free_port();
        let _python = PythonServer(
            Command::new("python3")
                .arg(python_peer())
                .args(["server", &port.to_string(), format, &otlp_http(&collector)])
                .spawn()
                .expect("python3 with the OpenTelemetry SDK (scripts/test installs it)"),
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while get(port, "/health").map(|r| r.0) != Some(200) {
            assert!(
                std::time::Instant::now() < deadline,
                "{format}: the Python server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let client = kit(&collector, &format!("addcli-{format}"), format);
        let python = get_through_kit(&client, &format!("http://127.0.0.1:{port}/python")).await;
        assert!(client.shutdown(Duration::from_secs(10)));
        let got = spans(&collector.out, 2 * (i + 1));
        let kit_client = find(&got, &format!("addcli-{format}"), "GET");
        let python_server = got
            .iter()
            .find(|s| s["span_id"] == python["span_id"])
            .unwrap_or_else(|| panic!("{format}: the Python server span did not arrive"));
        assert_eq!(python_server["resource"]["service.name"], "python-server");
        assert_eq!(python_server["kind"], "SPAN_KIND_SERVER");
        assert_eq!(python["remote_parent"], true, "{format}");
        assert_eq!(
            python_server["trace_id"], kit_client["trace_id"],
            "{format}"
        );
        assert_eq!(
            python_server["parent_span_id"], kit_client["span_id"],
            "{format}"
        );
    }
}
