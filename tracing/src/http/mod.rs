//! Tracing for HTTP transports, server and client, as tower layers on
//! [`http::Request`] services — so they wrap axum, hyper and tonic
//! services and clients alike.
//!
//! - [`ServerLayer`]: extracts the caller's context from the request
//!   headers with the configured [`Propagators`](crate::propagation::Propagators),
//!   opens a SERVER span following the OpenTelemetry HTTP semantic
//!   conventions, runs the service inside it; a 5xx marks it as an error.
//! - [`ClientLayer`]: a CLIENT span per request, its context injected into
//!   the outgoing headers; a 4xx, 5xx or transport error marks it as an
//!   error.
//! - gRPC (a request with `content-type: application/grpc…`): `rpc.system`,
//!   `rpc.service`, `rpc.method`, and `rpc.grpc.status_code` read from the
//!   response headers (trailers-only responses) or from the trailers at the
//!   end of the body; a non-OK status marks the span as an error.
//!
//! The span ends when the response headers arrive, or — for a gRPC
//! response whose status comes in trailers — when the body ends (or is
//! dropped).

mod attributes;
mod body;
mod client;
mod future;
mod server;

pub use body::TracedBody;
pub use client::{ClientLayer, ClientService};
pub use future::ResponseFuture;
pub use server::{ServerLayer, ServerService};
