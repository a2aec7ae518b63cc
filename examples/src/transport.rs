//! The HTTP JSON transport: `POST /sum` `{"a":1,"b":2}` → `{"v":3}`,
//! `POST /concat` `{"a":"x","b":"y"}` → `{"v":"xy"}`, `GET /health`. A
//! business error is `422` with `{"err": "..."}`; a body that is not the
//! request's JSON is `400` with a message saying why.
//!
//! The endpoints are tower services — so `main` can wrap each in
//! kit-tracing's endpoint layer, like Go kit's `TraceEndpoint` — and the
//! [`Router`] is a tower service of `http::Request`s, so `main` can wrap it
//! in kit-tracing's HTTP server layer.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use kit_log::Logger;
use serde::{Deserialize, Serialize};
use tower::util::BoxCloneSyncService;
use tower::{service_fn, Service, ServiceExt};

use crate::service::{AddError, AddService};

/// The largest request body read, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// `POST /sum`'s body.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SumRequest {
    /// The first number.
    pub a: i64,
    /// The second number.
    pub b: i64,
}

/// `POST /concat`'s body.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConcatRequest {
    /// The first string.
    pub a: String,
    /// The second string.
    pub b: String,
}

/// An endpoint: a request in, the service's answer out.
pub type Endpoint<Req, V> = BoxCloneSyncService<Req, Result<V, AddError>, Infallible>;

/// The `sum` endpoint of `svc`.
///
/// ```
/// use std::sync::Arc;
/// use tower::ServiceExt;
/// use kit_examples::{service::BasicService, transport::{sum_endpoint, SumRequest}};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let v = sum_endpoint(Arc::new(BasicService)).oneshot(SumRequest { a: 1, b: 2 }).await;
/// assert_eq!(v, Ok(Ok(3)));
/// # });
/// ```
pub fn sum_endpoint(
    svc: Arc<dyn AddService>,
) -> impl Service<SumRequest, Response = Result<i64, AddError>, Error = Infallible, Future: Send>
       + Clone
       + Send
       + Sync
       + 'static {
    service_fn(move |r: SumRequest| {
        let svc = svc.clone();
        async move { Ok(svc.sum(r.a, r.b)) }
    })
}

/// The `concat` endpoint of `svc`.
pub fn concat_endpoint(
    svc: Arc<dyn AddService>,
) -> impl Service<ConcatRequest, Response = Result<String, AddError>, Error = Infallible, Future: Send>
       + Clone
       + Send
       + Sync
       + 'static {
    service_fn(move |r: ConcatRequest| {
        let svc = svc.clone();
        async move { Ok(svc.concat(&r.a, &r.b)) }
    })
}

/// The routes: `/sum`, `/concat`, `/health`.
#[derive(Clone)]
pub struct Router {
    sum: Endpoint<SumRequest, i64>,
    concat: Endpoint<ConcatRequest, String>,
    logger: Arc<dyn Logger>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Router")
    }
}

impl Router {
    /// The routes to `sum` and `concat`; transport errors (bad JSON) are
    /// logged to `logger`.
    pub fn new(
        sum: Endpoint<SumRequest, i64>,
        concat: Endpoint<ConcatRequest, String>,
        logger: Arc<dyn Logger>,
    ) -> Self {
        Router {
            sum,
            concat,
            logger,
        }
    }

    /// The route a request path belongs to (`http.route`), if any.
    pub fn route(path: &str) -> Option<&'static str> {
        match path {
            "/sum" => Some("/sum"),
            "/concat" => Some("/concat"),
            "/health" => Some("/health"),
            _ => None,
        }
    }
}

fn json(status: StatusCode, body: &impl Serialize) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: StatusCode, message: impl Into<String>) -> Response<Full<Bytes>> {
    json(status, &serde_json::json!({ "err": message.into() }))
}

fn answer<V: Serialize>(result: Result<V, AddError>) -> Response<Full<Bytes>> {
    match result {
        Ok(v) => json(StatusCode::OK, &serde_json::json!({ "v": v })),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

/// Reads and decodes a JSON body, or says why not (a 400 to send).
async fn decode<T, B>(body: B, logger: &Arc<dyn Logger>) -> Result<T, Response<Full<Bytes>>>
where
    T: for<'de> Deserialize<'de>,
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let bytes = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            kit_log::log!(logger, transport = "http", err = %e);
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("cannot read the body (at most {MAX_BODY} bytes): {e}"),
            ));
        }
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        kit_log::log!(logger, transport = "http", err = %e);
        error(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}"))
    })
}

impl<B> Service<Request<B>> for Router
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = match (parts.method.clone(), parts.uri.path()) {
                (Method::GET, "/health") => {
                    json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
                }
                (Method::POST, "/sum") => match decode::<SumRequest, _>(body, &this.logger).await {
                    Ok(r) => answer(this.sum.oneshot(r).await.unwrap_or_else(|e| match e {})),
                    Err(bad) => bad,
                },
                (Method::POST, "/concat") => {
                    match decode::<ConcatRequest, _>(body, &this.logger).await {
                        Ok(r) => {
                            answer(this.concat.oneshot(r).await.unwrap_or_else(|e| match e {}))
                        }
                        Err(bad) => bad,
                    }
                }
                (_, path) if Router::route(path).is_some() => error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    format!("{} is not allowed here", parts.method),
                ),
                (_, path) => error(StatusCode::NOT_FOUND, format!("no route {path}")),
            };
            Ok(response)
        })
    }
}
