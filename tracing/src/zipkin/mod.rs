//! Zipkin v2 JSON export: kit's own OpenTelemetry span exporter, POSTing
//! batches to `/api/v2/spans` from kit's exporter thread
//! (`zipkin://host:port`, `OTEL_TRACES_EXPORTER=zipkin`).
//!
//! The mapping (the [Zipkin API spec](https://zipkin.io/zipkin-api/)'s
//! `Span`, and the OpenTelemetry → Zipkin conventions):
//!
//! | Zipkin | From |
//! |---|---|
//! | `traceId`, `id`, `parentId` | the span's ids, lower-case hex (32, 16, 16); no `parentId` on a root |
//! | `name` | the span name |
//! | `kind` | `SERVER`, `CLIENT`, `PRODUCER`, `CONSUMER`; absent for internal spans |
//! | `timestamp`, `duration` | start and length in microseconds (rounded to the nearest); `duration` at least 1 |
//! | `localEndpoint` | `serviceName` = the resource's `service.name` |
//! | `remoteEndpoint` | client and producer spans: `server.address`/`server.port` (`peer.service` as its name); server and consumer spans: `client.address`/`client.port`; an IP literal goes in `ipv4`/`ipv6`, a host name in `serviceName` |
//! | `tags` | every attribute as a string (arrays as a JSON array of strings), the resource's attributes but `service.name`, `otel.scope.name` / `otel.scope.version` (when there is one); error status: `otel.status_code = "ERROR"` and `error` = its description; ok status: `otel.status_code = "OK"` |
//! | `annotations` | events: the event name, or `{"name":{attributes}}` as JSON when it has attributes; exact duplicates dropped (the spec wants them unique) |
//!
//! ```
//! use kit_tracing::{Tracing, TracingConfig};
//!
//! // Nothing listens there: spans are counted as dropped, nothing blocks.
//! let config: TracingConfig = "zipkin://127.0.0.1:9?timeout=100ms".parse().unwrap();
//! let tracing = Tracing::start(&config).unwrap();
//! opentelemetry::trace::Tracer::in_span(&tracing.tracer("addsvc"), "sum", |_| {});
//! tracing.shutdown(std::time::Duration::from_secs(1));
//! assert_eq!(tracing.stats().dropped, 1);
//! ```

mod encode;
mod exporter;

pub use encode::encode;
pub(crate) use exporter::ZipkinExporter;
