//! Go kit's `TraceEndpoint` for any tower [`Service`]: a span per call,
//! named statically or from the request, with your attributes; the
//! service runs inside it (so spans it makes, and log lines with
//! [`trace_id`](crate::logs::trace_id), belong to it). An `Err` marks the
//! span as an error and records the error; an outcome closure can mark a
//! response as a business error (attribute `kit.outcome =
//! "business_error"` and an event) without marking a transport failure.
//!
//! ```
//! use std::convert::Infallible;
//! use opentelemetry::KeyValue;
//! use tower::{service_fn, Layer, ServiceExt};
//! use kit_tracing::layer::EndpointLayer;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
//! let sum = service_fn(|(a, b): (i64, i64)| async move {
//!     Ok::<_, Infallible>(a.checked_add(b))
//! });
//! let traced = EndpointLayer::new(tracing.tracer("addsvc"), "sum")
//!     .attributes([KeyValue::new("addsvc.method", "sum")])
//!     .business_error(|v: &Option<i64>| v.is_none().then(|| "integer overflow".to_string()))
//!     .layer(sum);
//! assert_eq!(traced.oneshot((1, 2)).await.unwrap(), Some(3));
//! # });
//! ```

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::trace::{Status, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

/// How a call's span is named.
pub trait SpanName<Req>: Send + Sync {
    /// The name for `request`.
    fn name(&self, request: &Req) -> Cow<'static, str>;
}

/// One name for every call.
#[derive(Clone, Debug)]
pub struct StaticName(Cow<'static, str>);

impl<Req> SpanName<Req> for StaticName {
    fn name(&self, _: &Req) -> Cow<'static, str> {
        self.0.clone()
    }
}

/// A name computed from the request.
#[derive(Clone)]
pub struct NameFrom<F>(F);

impl<F> fmt::Debug for NameFrom<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NameFrom(..)")
    }
}

impl<Req, F: Fn(&Req) -> String + Send + Sync> SpanName<Req> for NameFrom<F> {
    fn name(&self, request: &Req) -> Cow<'static, str> {
        Cow::Owned((self.0)(request))
    }
}

/// Whether a response is a business error (`Some(reason)`).
pub trait Outcome<Resp>: Send + Sync {
    /// `Some(reason)` when `response` is a business error.
    fn business_error(&self, response: &Resp) -> Option<String>;
}

/// Every response is a success.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoBusinessErrors;

impl<Resp> Outcome<Resp> for NoBusinessErrors {
    fn business_error(&self, _: &Resp) -> Option<String> {
        None
    }
}

/// A closure deciding business errors.
#[derive(Clone)]
pub struct BusinessErrorFn<F>(F);

impl<F> fmt::Debug for BusinessErrorFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BusinessErrorFn(..)")
    }
}

impl<Resp, F: Fn(&Resp) -> Option<String> + Send + Sync> Outcome<Resp> for BusinessErrorFn<F> {
    fn business_error(&self, response: &Resp) -> Option<String> {
        (self.0)(response)
    }
}

/// When the layer may skip making a span because the sampler's answer is
/// known in advance (set by [`Tracing::endpoint_layer`](crate::Tracing::endpoint_layer),
/// which knows the sampler).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Shortcut {
    /// Always ask the SDK.
    #[default]
    Never,
    /// The sampler follows the parent: under a parent that is not sampled
    /// the call runs in the parent's context, with no span of its own.
    UnsampledParent,
    /// Nothing is ever sampled: no span, the call runs in the caller's
    /// context.
    Always,
}

/// The layer; see the [module docs](self).
pub struct EndpointLayer<T, N = StaticName, O = NoBusinessErrors> {
    tracer: T,
    shortcut: Shortcut,
    name: Arc<N>,
    attributes: Arc<[KeyValue]>,
    outcome: Arc<O>,
}

impl<T: Clone, N, O> Clone for EndpointLayer<T, N, O> {
    fn clone(&self) -> Self {
        EndpointLayer {
            tracer: self.tracer.clone(),
            shortcut: self.shortcut,
            name: self.name.clone(),
            attributes: self.attributes.clone(),
            outcome: self.outcome.clone(),
        }
    }
}

impl<T, N, O> fmt::Debug for EndpointLayer<T, N, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointLayer")
            .field("attributes", &self.attributes)
            .finish()
    }
}

impl<T> EndpointLayer<T> {
    /// Spans named `name`, made with `tracer`.
    pub fn new(tracer: T, name: impl Into<Cow<'static, str>>) -> Self {
        EndpointLayer {
            tracer,
            shortcut: Shortcut::Never,
            name: Arc::new(StaticName(name.into())),
            attributes: Arc::new([]),
            outcome: Arc::new(NoBusinessErrors),
        }
    }
}

impl<T, N, O> EndpointLayer<T, N, O> {
    pub(crate) fn shortcut(self, shortcut: Shortcut) -> Self {
        EndpointLayer { shortcut, ..self }
    }

    /// Names each span from its request instead.
    pub fn name_from<F>(self, f: F) -> EndpointLayer<T, NameFrom<F>, O> {
        EndpointLayer {
            tracer: self.tracer,
            shortcut: self.shortcut,
            name: Arc::new(NameFrom(f)),
            attributes: self.attributes,
            outcome: self.outcome,
        }
    }

    /// Attributes every span gets.
    pub fn attributes(self, attributes: impl IntoIterator<Item = KeyValue>) -> Self {
        EndpointLayer {
            attributes: attributes.into_iter().collect(),
            ..self
        }
    }

    /// Marks responses for which `f` returns `Some(reason)` as business
    /// errors.
    pub fn business_error<F>(self, f: F) -> EndpointLayer<T, N, BusinessErrorFn<F>> {
        EndpointLayer {
            tracer: self.tracer,
            shortcut: self.shortcut,
            name: self.name,
            attributes: self.attributes,
            outcome: Arc::new(BusinessErrorFn(f)),
        }
    }
}

impl<S, T: Clone, N, O> Layer<S> for EndpointLayer<T, N, O> {
    type Service = EndpointService<S, T, N, O>;

    fn layer(&self, inner: S) -> Self::Service {
        EndpointService {
            inner,
            layer: self.clone(),
        }
    }
}

/// A service traced by [`EndpointLayer`].
pub struct EndpointService<S, T, N, O> {
    inner: S,
    layer: EndpointLayer<T, N, O>,
}

impl<S: Clone, T: Clone, N, O> Clone for EndpointService<S, T, N, O> {
    fn clone(&self) -> Self {
        EndpointService {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S: fmt::Debug, T, N, O> fmt::Debug for EndpointService<S, T, N, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointService")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<S, T, N, O, Req> Service<Req> for EndpointService<S, T, N, O>
where
    S: Service<Req>,
    S::Error: fmt::Display,
    T: Tracer,
    T::Span: Send + Sync + 'static,
    N: SpanName<Req>,
    O: Outcome<S::Response> + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = EndpointFuture<S::Future, O>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        let skip = match self.layer.shortcut {
            Shortcut::Never => false,
            Shortcut::Always => true,
            Shortcut::UnsampledParent => {
                let parent = Context::current();
                let parent = parent.span();
                let parent = parent.span_context();
                parent.is_valid() && !parent.is_sampled()
            }
        };
        if skip {
            // The sampler's answer is known: no span; the call runs in the
            // caller's context, which the caller keeps current.
            return EndpointFuture {
                inner: self.inner.call(request),
                cx: None,
                outcome: self.layer.outcome.clone(),
            };
        }
        // Read the caller's context in place (no clone of it) and make the
        // span a child of it; an INTERNAL span is the builder's default.
        let layer = &self.layer;
        let cx = Context::map_current(|parent| {
            let mut builder = layer.tracer.span_builder(layer.name.name(&request));
            if !layer.attributes.is_empty() {
                builder = builder.with_attributes(layer.attributes.iter().cloned());
            }
            parent.with_span(builder.start_with_context(&layer.tracer, parent))
        });
        let future = {
            let _inside = cx.clone().attach();
            self.inner.call(request)
        };
        EndpointFuture {
            inner: future,
            cx: Some(cx),
            outcome: self.layer.outcome.clone(),
        }
    }
}

/// Polls `future` with `cx`, when there is one, as the current context
/// (attached for this poll only: the task may move between threads).
pub(crate) fn poll_in<F: Future>(
    cx: Option<&Context>,
    future: Pin<&mut F>,
    task: &mut TaskContext<'_>,
) -> Poll<F::Output> {
    let _inside = cx.map(|cx| cx.clone().attach());
    future.poll(task)
}

pin_project! {
    /// The future of an [`EndpointService`] call: polls the service inside
    /// the span and ends the span with the result.
    pub struct EndpointFuture<F, O> {
        #[pin]
        inner: F,
        cx: Option<Context>,
        outcome: Arc<O>,
    }
}

impl<F, O> fmt::Debug for EndpointFuture<F, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EndpointFuture")
    }
}

impl<F, O, R, E> Future for EndpointFuture<F, O>
where
    F: Future<Output = Result<R, E>>,
    E: fmt::Display,
    O: Outcome<R>,
{
    type Output = Result<R, E>;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(poll_in(this.cx.as_ref(), this.inner, task));
        if let Some(cx) = this.cx.take() {
            let span = cx.span();
            match &result {
                Ok(response) => {
                    if let Some(reason) = this.outcome.business_error(response) {
                        span.set_attribute(KeyValue::new("kit.outcome", "business_error"));
                        span.add_event("business_error", vec![KeyValue::new("reason", reason)]);
                    }
                }
                Err(error) => {
                    let message = error.to_string();
                    span.add_event(
                        "exception",
                        vec![KeyValue::new("exception.message", message.clone())],
                    );
                    span.set_status(Status::error(message));
                }
            }
            span.end();
        }
        Poll::Ready(result)
    }
}
