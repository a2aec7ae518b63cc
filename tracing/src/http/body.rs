//! The response body of a traced call: passes every frame through, and —
//! for a gRPC response whose status comes in trailers — records that
//! status and ends the span when the trailers arrive, the body ends, or
//! the body is dropped.

use std::fmt;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use http_body::{Body, Frame, SizeHint};
use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry::Context;
use pin_project_lite::pin_project;

use super::attributes::{grpc_status, record_grpc_status};

pin_project! {
    /// The response body of a traced call: every frame passes through;
    /// for a gRPC response whose status comes in the trailers it records
    /// that status and ends the span (at the trailers, the end, or drop).
    pub struct TracedBody<B> {
        #[pin]
        inner: B,
        // The span, while it waits for the gRPC status in the trailers.
        cx: Option<Context>,
    }
}

impl<B> TracedBody<B> {
    pub(crate) fn new(inner: B, cx: Option<Context>) -> Self {
        TracedBody { inner, cx }
    }

    /// The body inside.
    pub fn into_inner(self) -> B {
        self.inner
    }
}

impl<B> fmt::Debug for TracedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracedBody")
            .field("waiting_for_trailers", &self.cx.is_some())
            .finish()
    }
}

impl<B: Body> Body for TracedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        task: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(task);
        if let Some(cx) = this.cx.as_ref() {
            let span = cx.span();
            match &polled {
                Poll::Ready(Some(Ok(frame))) => {
                    let Some(trailers) = frame.trailers_ref() else {
                        return polled;
                    };
                    match grpc_status(trailers) {
                        Some(code) => record_grpc_status(&span, code, trailers),
                        None => span.set_status(Status::error("no grpc-status in the trailers")),
                    }
                }
                Poll::Ready(Some(Err(_))) => {
                    span.set_attribute(opentelemetry::KeyValue::new("error.type", "body"));
                    span.set_status(Status::error("the response body failed"));
                }
                Poll::Ready(None) => {
                    span.set_status(Status::error("the response ended without a grpc-status"))
                }
                Poll::Pending => return polled,
            }
            span.end();
            *this.cx = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
