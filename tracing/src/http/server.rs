//! The server side of [`crate::http`]; see [`ServerLayer`].

use std::fmt;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use http::request::Parts;
use http::Request;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use opentelemetry::KeyValue;
use opentelemetry_http::HeaderExtractor;
use tower_layer::Layer;
use tower_service::Service;

use super::attributes;
use super::future::{ResponseFuture, Side};
use crate::propagation::Propagators;

type RouteFn = dyn Fn(&Parts) -> Option<String> + Send + Sync;

/// The server side: a SERVER span per request, child of the caller's
/// context as the configured propagators extract it.
///
/// ```
/// use http::{Request, Response};
/// use tower::{service_fn, Layer, ServiceExt};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
/// let app = service_fn(|_req: Request<String>| async {
///     Ok::<_, std::convert::Infallible>(Response::new("3".to_string()))
/// });
/// let traced = tracing
///     .http_server_layer()
///     .route_from(|parts: &http::request::Parts| {
///         (parts.uri.path() == "/sum").then(|| "/sum".to_string())
///     })
///     .layer(app);
/// let request = Request::post("/sum")
///     .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
///     .body(r#"{"a":1,"b":2}"#.to_string())
///     .unwrap();
/// let response = traced.oneshot(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// # });
/// ```
#[derive(Clone)]
pub struct ServerLayer<T> {
    tracer: T,
    propagators: Arc<Propagators>,
    route: Option<Arc<RouteFn>>,
    scheme: &'static str,
}

impl<T> fmt::Debug for ServerLayer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerLayer")
            .field("propagators", &self.propagators.formats())
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl<T> ServerLayer<T> {
    /// Spans made with `tracer`, the caller's context extracted with
    /// `propagators`. [`Tracing::http_server_layer`](crate::Tracing::http_server_layer)
    /// makes one from the running configuration.
    pub fn new(tracer: T, propagators: Propagators) -> Self {
        ServerLayer {
            tracer,
            propagators: Arc::new(propagators),
            route: None,
            scheme: "http",
        }
    }

    /// The matched route (`http.route`, and the span name
    /// `{method} {route}`) of a request, when `f` knows it — e.g. axum's
    /// `MatchedPath` from `parts.extensions`. Without one the span is
    /// named by the method alone: a raw path would give every URL its own
    /// span name.
    pub fn route_from(self, f: impl Fn(&Parts) -> Option<String> + Send + Sync + 'static) -> Self {
        ServerLayer {
            route: Some(Arc::new(f)),
            ..self
        }
    }

    /// `url.scheme` of requests whose URI carries none (behind a TLS
    /// terminator: `"https"`); `"http"` unless set.
    pub fn scheme(self, scheme: &'static str) -> Self {
        ServerLayer { scheme, ..self }
    }
}

impl<S, T: Clone> Layer<S> for ServerLayer<T> {
    type Service = ServerService<S, T>;

    fn layer(&self, inner: S) -> Self::Service {
        ServerService {
            inner,
            layer: self.clone(),
        }
    }
}

/// A service traced by [`ServerLayer`].
#[derive(Clone)]
pub struct ServerService<S, T> {
    inner: S,
    layer: ServerLayer<T>,
}

impl<S: fmt::Debug, T> fmt::Debug for ServerService<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerService")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<S, T, B, ResB> Service<Request<B>> for ServerService<S, T>
where
    S: Service<Request<B>, Response = http::Response<ResB>>,
    S::Error: fmt::Display,
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    type Response = http::Response<super::TracedBody<ResB>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let (parts, body) = request.into_parts();
        let parent = self
            .layer
            .propagators
            .extract(&HeaderExtractor(&parts.headers));
        let mut attrs = Vec::with_capacity(10);
        let method = attributes::method(&parts.method, &mut attrs);
        attrs.push(KeyValue::new("url.path", parts.uri.path().to_owned()));
        let scheme = parts.uri.scheme_str().unwrap_or(self.layer.scheme);
        attrs.push(KeyValue::new("url.scheme", scheme.to_owned()));
        let authority = parts.uri.authority().map(|a| a.as_str()).or_else(|| {
            parts
                .headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
        });
        if let Some(authority) = authority {
            attributes::server(authority, attributes::default_port(scheme), &mut attrs);
        }
        if let Some(agent) = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|h| h.to_str().ok())
        {
            attrs.push(KeyValue::new("user_agent.original", agent.to_owned()));
        }
        if let Some(version) = attributes::protocol_version(parts.version) {
            attrs.push(KeyValue::new("network.protocol.version", version));
        }
        let grpc = attributes::is_grpc(&parts.headers);
        let name = if grpc {
            attributes::grpc(&parts.uri, &mut attrs).unwrap_or_else(|| method.to_owned())
        } else {
            match self.layer.route.as_ref().and_then(|f| f(&parts)) {
                Some(route) => {
                    let name = format!("{method} {route}");
                    attrs.push(KeyValue::new("http.route", route));
                    name
                }
                None => method.to_owned(),
            }
        };
        let tracer = &self.layer.tracer;
        let span = tracer
            .span_builder(name)
            .with_kind(SpanKind::Server)
            .with_attributes(attrs)
            .start_with_context(tracer, &parent);
        let cx = parent.with_span(span);
        let request = Request::from_parts(parts, body);
        let future = {
            let _inside = cx.clone().attach();
            self.inner.call(request)
        };
        ResponseFuture::new(future, cx, Side::Server, grpc)
    }
}
