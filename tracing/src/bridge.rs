//! Spans of the `tracing` crate in kit's traces (feature `tracing`):
//! [`Tracing::tracing_layer`] is a `tracing-subscriber` layer
//! (tracing-opentelemetry's, on this tracing's tracer) that turns every
//! `tracing` span — users' `#[instrument]`, axum's and tonic's
//! instrumentation — into an OpenTelemetry span of the same traces.
//! Entering a `tracing` span makes its context current, so kit's layers
//! make their spans inside it, and the [`trace_id`](crate::logs::trace_id)
//! and [`span_id`](crate::logs::span_id) valuers see it.
//!
//! ```
//! use opentelemetry::trace::TraceContextExt;
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
//! let subscriber = tracing_subscriber::registry().with(tracing.tracing_layer());
//! tracing::subscriber::with_default(subscriber, || {
//!     let _request = tracing::info_span!("request").entered();
//!     // kit's spans and log lines here belong to "request"'s trace.
//!     assert!(opentelemetry::Context::current().span().span_context().is_valid());
//! });
//! ```

use opentelemetry_sdk::trace::SdkTracer;
use tracing_core::Subscriber;
use tracing_opentelemetry::OpenTelemetryLayer;
use tracing_subscriber::registry::LookupSpan;

use crate::Tracing;

impl Tracing {
    /// The `tracing-subscriber` layer; see the [module docs](self).
    pub fn tracing_layer<S>(&self) -> OpenTelemetryLayer<S, SdkTracer>
    where
        S: Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.tracer("tracing"))
    }
}
