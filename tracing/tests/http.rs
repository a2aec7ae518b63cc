//! The HTTP layers over real connections on 127.0.0.1 (hyper server and
//! client): a kit-traced client calls a kit-traced server and one trace
//! comes out — CLIENT span, parent of the SERVER span, parent of the
//! endpoint span — with the semantic-convention attributes; statuses,
//! transport errors and malformed trace headers; gRPC statuses in
//! headers (trailers-only), in trailers, and missing.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use kit_tracing::config::Sampler;
use kit_tracing::Tracing;
use opentelemetry::trace::{SpanId, SpanKind, Status};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData};
use tower::{service_fn, Layer, ServiceExt};

#[path = "common/collect.rs"]
mod collect;
#[path = "common/server.rs"]
mod server;
use server::serve;

fn start() -> (Tracing, InMemorySpanExporter) {
    collect::collecting(Sampler::ParentBasedAlwaysOn)
}

fn finished(tracing: &Tracing, spans: &InMemorySpanExporter, want: usize) -> Vec<SpanData> {
    assert!(tracing.flush(Duration::from_secs(5)));
    let got = spans.get_finished_spans().unwrap();
    assert_eq!(got.len(), want, "{got:#?}");
    got
}

fn by_kind(spans: &[SpanData], kind: SpanKind) -> &SpanData {
    spans
        .iter()
        .find(|s| s.span_kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} span: {spans:#?}"))
}

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> String {
    attr(span, key)
        .unwrap_or_else(|| panic!("no {key} on {span:#?}"))
        .to_string()
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_client_calling_a_kit_server_makes_one_trace_of_three_spans() {
    let (tracing, spans) = start();
    let addr = serve(&tracing).await;
    let traced = tracing.http_client_layer().layer(client());
    let request = Request::post(format!("http://{addr}/sum?secret=1"))
        .header("user-agent", "addcli/1")
        .body(Full::new(Bytes::from_static(b"{\"a\":1,\"b\":2}")))
        .unwrap();
    let response = traced.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"{\"a\":1,\"b\":2}");

    let got = finished(&tracing, &spans, 3);
    let client = by_kind(&got, SpanKind::Client);
    let server = by_kind(&got, SpanKind::Server);
    let endpoint = by_kind(&got, SpanKind::Internal);
    let trace = client.span_context.trace_id();
    assert!(got.iter().all(|s| s.span_context.trace_id() == trace));
    assert_eq!(client.parent_span_id, SpanId::INVALID);
    assert_eq!(server.parent_span_id, client.span_context.span_id());
    assert!(server.parent_span_is_remote);
    assert_eq!(endpoint.parent_span_id, server.span_context.span_id());

    let port = addr.rsplit(':').next().unwrap();
    assert_eq!(client.name, "POST");
    assert_eq!(text(client, "http.request.method"), "POST");
    assert_eq!(text(client, "server.address"), "127.0.0.1");
    assert_eq!(text(client, "server.port"), port);
    assert_eq!(text(client, "url.full"), format!("http://{addr}/sum"));
    assert_eq!(text(client, "http.response.status_code"), "200");
    assert_eq!(client.status, Status::Unset);

    assert_eq!(server.name, "POST /sum");
    assert_eq!(text(server, "http.route"), "/sum");
    assert_eq!(text(server, "url.path"), "/sum");
    assert_eq!(text(server, "url.scheme"), "http");
    assert_eq!(text(server, "server.address"), "127.0.0.1");
    assert_eq!(text(server, "server.port"), port);
    assert_eq!(text(server, "user_agent.original"), "addcli/1");
    assert_eq!(text(server, "network.protocol.version"), "1.1");
    assert_eq!(text(server, "http.response.status_code"), "200");
    assert_eq!(server.status, Status::Unset);
    assert_eq!(endpoint.name, "sum");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_is_an_error_on_both_sides_and_a_4xx_only_on_the_client() {
    let (tracing, spans) = start();
    let addr = serve(&tracing).await;
    let fail = Request::get(format!("http://{addr}/fail"))
        .body(Full::default())
        .unwrap();
    let traced = tracing.http_client_layer().layer(client());
    assert_eq!(traced.clone().oneshot(fail).await.unwrap().status(), 500);
    let got = finished(&tracing, &spans, 3);
    for kind in [SpanKind::Client, SpanKind::Server] {
        let span = by_kind(&got, kind.clone());
        assert!(matches!(span.status, Status::Error { .. }), "{span:#?}");
        assert_eq!(text(span, "error.type"), "500");
    }

    let (tracing, spans) = start();
    let not_found = service_fn(|_: Request<()>| async {
        let mut r = Response::new(Full::<Bytes>::default());
        *r.status_mut() = StatusCode::NOT_FOUND;
        Ok::<_, Infallible>(r)
    });
    let server = tracing.http_server_layer().layer(not_found);
    let client = tracing.http_client_layer().layer(server);
    let request = Request::get("http://example.com/nowhere").body(()).unwrap();
    assert_eq!(client.oneshot(request).await.unwrap().status(), 404);
    let got = finished(&tracing, &spans, 2);
    let (client, server) = (
        by_kind(&got, SpanKind::Client),
        by_kind(&got, SpanKind::Server),
    );
    assert!(matches!(client.status, Status::Error { .. }));
    assert_eq!(text(client, "error.type"), "404");
    assert_eq!(text(client, "server.port"), "80");
    assert_eq!(server.status, Status::Unset);
    assert!(attr(server, "error.type").is_none());
    assert_eq!(server.name, "GET", "no route known: the method alone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transport_error_is_recorded_on_the_client_span() {
    let (tracing, spans) = start();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let traced = tracing.http_client_layer().layer(client());
    let request = Request::get(format!("http://127.0.0.1:{port}/"))
        .body(Full::default())
        .unwrap();
    assert!(traced.oneshot(request).await.is_err());
    let got = finished(&tracing, &spans, 1);
    let span = &got[0];
    assert!(matches!(span.status, Status::Error { .. }), "{span:#?}");
    assert_eq!(text(span, "error.type"), "_OTHER");
    assert_eq!(span.events.len(), 1);
    assert_eq!(span.events[0].name, "exception");
}

#[tokio::test]
async fn malformed_trace_headers_give_a_new_root_never_a_panic() {
    let (tracing, spans) = start();
    let ok = service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(Response::new(Full::<Bytes>::default()))
    });
    let server = tracing.http_server_layer().layer(ok);
    let bad = [
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-1-2-01",
        "garbage",
    ];
    for value in bad {
        let request = Request::get("/")
            .header("traceparent", value)
            .body(())
            .unwrap();
        server.clone().oneshot(request).await.unwrap();
    }
    let huge = "x".repeat(1 << 20);
    let request = Request::get("/")
        .header("traceparent", huge)
        .body(())
        .unwrap();
    server.clone().oneshot(request).await.unwrap();
    for span in finished(&tracing, &spans, bad.len() + 1) {
        assert_eq!(span.parent_span_id, SpanId::INVALID, "{span:#?}");
    }
}

/// A frame of a test response body.
#[derive(Clone, Copy, Debug)]
enum F {
    Data(&'static [u8]),
    Trailers(&'static str, &'static str),
}

/// A response body of given frames.
struct Frames(VecDeque<F>);

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|f| {
            Ok(match f {
                F::Data(data) => Frame::data(Bytes::from_static(data)),
                F::Trailers(code, message) => {
                    let mut map = http::HeaderMap::new();
                    map.insert("grpc-status", code.parse().unwrap());
                    if !message.is_empty() {
                        map.insert("grpc-message", message.parse().unwrap());
                    }
                    Frame::trailers(map)
                }
            })
        }))
    }
}

#[tokio::test]
async fn grpc_statuses_in_headers_in_trailers_or_missing() {
    // (grpc-status header, body frames, expected code, error?)
    type Case = (
        Option<&'static str>,
        &'static [F],
        Option<&'static str>,
        bool,
    );
    let cases: &[Case] = &[
        (
            None,
            &[F::Data(b"\0\0\0\0\0"), F::Trailers("0", "")],
            Some("0"),
            false,
        ),
        (None, &[F::Trailers("13", "boom")], Some("13"), true),
        (Some("5"), &[], Some("5"), true),
        (Some("0"), &[], Some("0"), false),
        (None, &[F::Data(b"x")], None, true),
    ];
    for side in ["server", "client"] {
        for &(header, frames, code, error) in cases {
            let (tracing, spans) = start();
            let svc = service_fn(move |_: Request<()>| async move {
                let mut r = Response::new(Frames(frames.iter().copied().collect()));
                r.headers_mut()
                    .insert("content-type", "application/grpc".parse().unwrap());
                if let Some(h) = header {
                    r.headers_mut().insert("grpc-status", h.parse().unwrap());
                }
                Ok::<_, Infallible>(r)
            });
            let request = Request::post("http://127.0.0.1:50051/addsvc.Add/Sum")
                .header("content-type", "application/grpc")
                .body(())
                .unwrap();
            let response = if side == "server" {
                tracing
                    .http_server_layer()
                    .layer(svc)
                    .oneshot(request)
                    .await
            } else {
                tracing
                    .http_client_layer()
                    .layer(svc)
                    .oneshot(request)
                    .await
            };
            response.unwrap().into_body().collect().await.unwrap();
            let got = finished(&tracing, &spans, 1);
            let span = &got[0];
            let what = format!("{side} {header:?} {code:?}: {span:#?}");
            assert_eq!(span.name, "addsvc.Add/Sum", "{what}");
            assert_eq!(text(span, "rpc.system"), "grpc", "{what}");
            assert_eq!(text(span, "rpc.service"), "addsvc.Add", "{what}");
            assert_eq!(text(span, "rpc.method"), "Sum", "{what}");
            assert_eq!(
                attr(span, "rpc.grpc.status_code")
                    .map(|v| v.to_string())
                    .as_deref(),
                code,
                "{what}"
            );
            assert_eq!(matches!(span.status, Status::Error { .. }), error, "{what}");
        }
    }
}
