//! A kit-traced HTTP server on 127.0.0.1 (hyper): the server layer,
//! an endpoint span inside it, `/fail` answering 500, anything else
//! echoing the request body.

use std::convert::Infallible;

use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use kit_tracing::layer::EndpointLayer;
use kit_tracing::Tracing;
use tower::{service_fn, Layer};

/// Serves the traced `/sum` endpoint (an endpoint span inside the server
/// span) and `/fail` (500) on a free port; its address.
pub(crate) async fn serve(tracing: &Tracing) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let endpoint = EndpointLayer::new(tracing.tracer("addsvc"), "sum");
    let app = tracing
        .http_server_layer()
        .route_from(|parts: &http::request::Parts| Some(parts.uri.path().to_owned()))
        .layer(endpoint.layer(service_fn(
            |req: Request<hyper::body::Incoming>| async move {
                let status = if req.uri().path() == "/fail" {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                };
                let body = req.into_body().collect().await.unwrap().to_bytes();
                let mut response = Response::new(Full::new(body));
                *response.status_mut() = status;
                Ok::<_, Infallible>(response)
            },
        )));
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}
