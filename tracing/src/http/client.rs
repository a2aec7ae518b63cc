//! The client side of [`crate::http`]; see [`ClientLayer`].

use std::fmt;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use http::Request;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::HeaderInjector;
use tower_layer::Layer;
use tower_service::Service;

use super::attributes;
use super::future::{ResponseFuture, Side};
use crate::propagation::Propagators;

/// The client side: a CLIENT span per request, child of the current
/// context, whose context goes out in the request headers with the
/// configured propagators.
///
/// ```
/// use http::{Request, Response};
/// use tower::{service_fn, Layer, ServiceExt};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
/// // Stands in for a real HTTP client (hyper, reqwest's tower stack, tonic's channel).
/// let send = service_fn(|req: Request<String>| async move {
///     let traceparent = req.headers()["traceparent"].to_str().unwrap().to_owned();
///     Ok::<_, std::convert::Infallible>(Response::new(traceparent))
/// });
/// let client = tracing.http_client_layer().layer(send);
/// let request = Request::get("http://127.0.0.1:8080/health").body(String::new()).unwrap();
/// let response = client.oneshot(request).await.unwrap();
/// assert!(response.into_body().into_inner().starts_with("00-"));
/// # });
/// ```
#[derive(Clone)]
pub struct ClientLayer<T> {
    tracer: T,
    propagators: Arc<Propagators>,
}

impl<T> fmt::Debug for ClientLayer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientLayer")
            .field("propagators", &self.propagators.formats())
            .finish()
    }
}

impl<T> ClientLayer<T> {
    /// Spans made with `tracer`, their context injected with
    /// `propagators`. [`Tracing::http_client_layer`](crate::Tracing::http_client_layer)
    /// makes one from the running configuration.
    pub fn new(tracer: T, propagators: Propagators) -> Self {
        ClientLayer {
            tracer,
            propagators: Arc::new(propagators),
        }
    }
}

impl<S, T: Clone> Layer<S> for ClientLayer<T> {
    type Service = ClientService<S, T>;

    fn layer(&self, inner: S) -> Self::Service {
        ClientService {
            inner,
            layer: self.clone(),
        }
    }
}

/// A client traced by [`ClientLayer`].
#[derive(Clone)]
pub struct ClientService<S, T> {
    inner: S,
    layer: ClientLayer<T>,
}

impl<S: fmt::Debug, T> fmt::Debug for ClientService<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientService")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<S, T, B, ResB> Service<Request<B>> for ClientService<S, T>
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

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let mut attrs = Vec::with_capacity(8);
        let method = attributes::method(request.method(), &mut attrs);
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("http");
        if let Some(authority) = uri.authority() {
            attributes::server(
                authority.as_str(),
                attributes::default_port(scheme),
                &mut attrs,
            );
            // No user info and no query: either may carry credentials.
            attrs.push(KeyValue::new(
                "url.full",
                format!(
                    "{scheme}://{}{}",
                    authority.as_str().rsplit('@').next().unwrap_or(""),
                    uri.path()
                ),
            ));
        }
        if let Some(version) = attributes::protocol_version(request.version()) {
            attrs.push(KeyValue::new("network.protocol.version", version));
        }
        let grpc = attributes::is_grpc(request.headers());
        let name = if grpc {
            attributes::grpc(request.uri(), &mut attrs).unwrap_or_else(|| method.to_owned())
        } else {
            method.to_owned()
        };
        let tracer = &self.layer.tracer;
        let cx = Context::map_current(|parent| {
            let span = tracer
                .span_builder(name)
                .with_kind(SpanKind::Client)
                .with_attributes(attrs)
                .start_with_context(tracer, parent);
            parent.with_span(span)
        });
        self.layer
            .propagators
            .inject_context(&cx, &mut HeaderInjector(request.headers_mut()));
        let future = {
            let _inside = cx.clone().attach();
            self.inner.call(request)
        };
        ResponseFuture::new(future, cx, Side::Client, grpc)
    }
}
