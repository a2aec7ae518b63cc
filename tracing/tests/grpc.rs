//! The HTTP layers on a real tonic gRPC server and client over HTTP/2 on
//! 127.0.0.1: a unary call that succeeds (status OK in the trailers), one
//! that fails before any message (a trailers-only response: the status in
//! the headers), and a server stream that sends a message and then fails
//! (the error status in the trailers). Both sides read the status, mark
//! non-OK as errors, and the client span is the server span's parent.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::uri::PathAndQuery;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use kit_tracing::config::Sampler;
use kit_tracing::Tracing;
use opentelemetry::trace::{SpanKind, Status as SpanStatus};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SpanData};
use tonic::server::{Grpc, ServerStreamingService, UnaryService};
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};
use tonic_prost::ProstCodec;
use tower::{Layer, Service};

/// `kit.test.Echo`: `Ok` answers, `Fail` fails with INTERNAL, `Stream`
/// sends one message and then fails with UNAVAILABLE.
#[derive(Clone)]
struct Echo;

struct Unary(Result<(), Code>);

impl UnaryService<()> for Unary {
    type Response = ();
    type Future = Ready<Result<Response<()>, Status>>;

    fn call(&mut self, _: Request<()>) -> Self::Future {
        ready(match self.0 {
            Ok(()) => Ok(Response::new(())),
            Err(code) => Err(Status::new(code, "boom")),
        })
    }
}

struct Streaming;

type Messages = tokio_stream::Iter<std::vec::IntoIter<Result<(), Status>>>;

impl ServerStreamingService<()> for Streaming {
    type Response = ();
    type ResponseStream = Messages;
    type Future = Ready<Result<Response<Messages>, Status>>;

    fn call(&mut self, _: Request<()>) -> Self::Future {
        let messages = vec![Ok(()), Err(Status::unavailable("gone"))];
        ready(Ok(Response::new(tokio_stream::iter(messages))))
    }
}

impl Service<http::Request<hyper::body::Incoming>> for Echo {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<hyper::body::Incoming>) -> Self::Future {
        let mut grpc = Grpc::new(ProstCodec::<(), ()>::default());
        Box::pin(async move {
            Ok(match req.uri().path() {
                "/kit.test.Echo/Ok" => grpc.unary(Unary(Ok(())), req).await,
                "/kit.test.Echo/Fail" => grpc.unary(Unary(Err(Code::Internal)), req).await,
                _ => grpc.server_streaming(Streaming, req).await,
            })
        })
    }
}

#[path = "common/collect.rs"]
mod collect;

fn start() -> (Tracing, InMemorySpanExporter) {
    collect::collecting(Sampler::AlwaysOn)
}

async fn serve(tracing: &Tracing) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let app = tracing.http_server_layer().layer(Echo);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn attr(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_statuses_from_a_real_tonic_server_ok_trailers_only_and_in_trailers() {
    let (tracing, spans) = start();
    let addr = serve(&tracing).await;
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = tonic::client::Grpc::new(tracing.http_client_layer().layer(channel));
    let codec = || ProstCodec::<(), ()>::default();

    // (method, status the client sees, where the status travels)
    let cases = [
        ("Ok", Code::Ok),
        ("Fail", Code::Internal),
        ("Stream", Code::Unavailable),
    ];
    for (method, want) in cases {
        client.ready().await.unwrap();
        let path = PathAndQuery::try_from(format!("/kit.test.Echo/{method}")).unwrap();
        let code = if method == "Stream" {
            let mut stream = client
                .server_streaming(Request::new(()), path, codec())
                .await
                .unwrap()
                .into_inner();
            assert_eq!(stream.message().await.unwrap(), Some(()));
            stream.message().await.unwrap_err().code()
        } else {
            match client.unary(Request::new(()), path, codec()).await {
                Ok(_) => Code::Ok,
                Err(status) => status.code(),
            }
        };
        assert_eq!(code, want, "{method}");
    }

    assert!(tracing.flush(Duration::from_secs(5)));
    let got = spans.get_finished_spans().unwrap();
    assert_eq!(got.len(), 6, "{got:#?}");
    for (method, want) in cases {
        let name = format!("kit.test.Echo/{method}");
        let server = got
            .iter()
            .find(|s| s.name == name && s.span_kind == SpanKind::Server)
            .unwrap_or_else(|| panic!("no server span {name}: {got:#?}"));
        let client = got
            .iter()
            .find(|s| s.name == name && s.span_kind == SpanKind::Client)
            .unwrap_or_else(|| panic!("no client span {name}: {got:#?}"));
        assert_eq!(server.parent_span_id, client.span_context.span_id());
        assert_eq!(
            server.span_context.trace_id(),
            client.span_context.trace_id()
        );
        for span in [server, client] {
            let what = format!("{method}: {span:#?}");
            assert_eq!(attr(span, "rpc.system").as_deref(), Some("grpc"), "{what}");
            assert_eq!(
                attr(span, "rpc.service").as_deref(),
                Some("kit.test.Echo"),
                "{what}"
            );
            assert_eq!(attr(span, "rpc.method").as_deref(), Some(method), "{what}");
            assert_eq!(
                attr(span, "rpc.grpc.status_code"),
                Some((want as i32).to_string()),
                "{what}"
            );
            assert_eq!(
                attr(span, "network.protocol.version").as_deref(),
                Some("2"),
                "{what}"
            );
            assert_eq!(
                matches!(span.status, SpanStatus::Error { .. }),
                want != Code::Ok,
                "{what}"
            );
        }
    }
}
