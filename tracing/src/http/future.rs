//! The future of a traced HTTP call: polls the service inside the span,
//! then records the response (or the error) and ends the span — or hands
//! it to the body when a gRPC status is still to come in the trailers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry::{Context, KeyValue};
use pin_project_lite::pin_project;

use super::attributes::{grpc_status, record_grpc_status};
use super::body::TracedBody;
use crate::layer::poll_in;

/// Which side of the call the span is on: it decides which HTTP statuses
/// are errors (server: 5xx; client: 4xx and 5xx).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Server,
    Client,
}

pin_project! {
    /// The future of a traced HTTP service call.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        cx: Option<Context>,
        side: Side,
        grpc: bool,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(inner: F, cx: Context, side: Side, grpc: bool) -> Self {
        ResponseFuture {
            inner,
            cx: Some(cx),
            side,
            grpc,
        }
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("side", &self.side)
            .field("grpc", &self.grpc)
            .finish()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: fmt::Display,
{
    type Output = Result<http::Response<TracedBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(poll_in(this.cx.as_ref(), this.inner, task));
        let Some(cx) = this.cx.take() else {
            // Polled again after it finished: a bug of the caller's; the
            // span is already ended.
            return Poll::Ready(result.map(|r| r.map(|b| TracedBody::new(b, None))));
        };
        let span = cx.span();
        match result {
            Ok(response) => {
                let status = response.status();
                span.set_attribute(KeyValue::new(
                    "http.response.status_code",
                    i64::from(status.as_u16()),
                ));
                let failed = match this.side {
                    Side::Server => status.is_server_error(),
                    Side::Client => status.is_client_error() || status.is_server_error(),
                };
                if failed {
                    span.set_attribute(KeyValue::new("error.type", status.as_str().to_owned()));
                    span.set_status(Status::error(String::new()));
                }
                let mut waiting = None;
                if *this.grpc && !failed {
                    match grpc_status(response.headers()) {
                        Some(code) => record_grpc_status(&span, code, response.headers()),
                        // The status comes in the trailers: the body ends
                        // the span.
                        None => waiting = Some(cx.clone()),
                    }
                }
                if waiting.is_none() {
                    span.end();
                }
                Poll::Ready(Ok(response.map(|b| TracedBody::new(b, waiting))))
            }
            Err(error) => {
                let message = error.to_string();
                span.set_attribute(KeyValue::new("error.type", "_OTHER"));
                span.add_event(
                    "exception",
                    vec![KeyValue::new("exception.message", message.clone())],
                );
                span.set_status(Status::error(message));
                span.end();
                Poll::Ready(Err(error))
            }
        }
    }
}
