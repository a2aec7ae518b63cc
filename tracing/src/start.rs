//! Starting what a [`TracingConfig`] describes: a tracer provider with
//! kit's sampler, resource and exporter thread, and the propagators.

use std::fmt;
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig, WithTonicConfig};
use opentelemetry_sdk::trace::{Sampler as SdkSampler, SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::Resource;

use crate::config::{ConfigError, Exporter, Protocol, Sampler, TracingConfig};
use crate::export::{ExportStats, KitProcessor, StatsHandle};
use crate::layer::{EndpointLayer, Shortcut};
use crate::propagation::Propagators;
use crate::stdout::StdoutExporter;

/// Why tracing could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration is wrong.
    Config(ConfigError),
    /// The exporter could not be made.
    Exporter(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(e) => write!(f, "{e}"),
            StartError::Exporter(e) => write!(f, "cannot start the span exporter: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        StartError::Config(e)
    }
}

fn sdk_sampler(sampler: Sampler) -> SdkSampler {
    match sampler {
        Sampler::AlwaysOn => SdkSampler::AlwaysOn,
        Sampler::AlwaysOff => SdkSampler::AlwaysOff,
        Sampler::TraceIdRatio(r) => SdkSampler::TraceIdRatioBased(r),
        Sampler::ParentBasedAlwaysOn => SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOn)),
        Sampler::ParentBasedAlwaysOff => SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOff)),
        Sampler::ParentBasedTraceIdRatio(r) => {
            SdkSampler::ParentBased(Box::new(SdkSampler::TraceIdRatioBased(r)))
        }
    }
}

/// The resource `config` describes: its service name and attributes.
fn resource(config: &TracingConfig) -> Resource {
    Resource::builder_empty()
        .with_service_name(config.service_name.clone())
        .with_attributes(
            config
                .resource
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
        )
        .build()
}

/// Running tracing: make tracers from it, propagate with its
/// propagators, shut it down at the end of `main`.
///
/// ```
/// use opentelemetry::trace::{Tracer, TraceContextExt};
///
/// let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
/// let tracer = tracing.tracer("addsvc");
/// tracer.in_span("sum", |cx| assert!(cx.span().span_context().is_valid()));
/// assert!(tracing.shutdown(std::time::Duration::from_secs(1)));
/// ```
pub struct Tracing {
    provider: SdkTracerProvider,
    sampler: Sampler,
    propagators: Propagators,
    stats: Option<StatsHandle>,
}

impl fmt::Debug for Tracing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracing")
            .field("propagators", &self.propagators.formats())
            .field("stats", &self.stats())
            .finish()
    }
}

impl Tracing {
    /// Starts what `config` says. Works the same inside and outside a
    /// tokio runtime: the exporter runs on kit's own thread and runtime.
    pub fn start(config: &TracingConfig) -> Result<Tracing, StartError> {
        let resource = resource(config);
        let started = match &config.exporter {
            Exporter::None => None,
            Exporter::Stdout => Some(KitProcessor::start(
                || Ok(StdoutExporter),
                resource.clone(),
                Duration::from_secs(5),
            )),
            Exporter::Otlp {
                endpoint,
                protocol,
                headers,
                timeout,
            } => {
                let (endpoint, protocol, headers, timeout) =
                    (endpoint.clone(), *protocol, headers.clone(), *timeout);
                Some(KitProcessor::start(
                    move || {
                        let built = match protocol {
                            Protocol::Grpc => {
                                let mut metadata = tonic::metadata::MetadataMap::new();
                                for (k, v) in &headers {
                                    let key =
                                        tonic::metadata::MetadataKey::from_bytes(k.as_bytes())
                                            .map_err(|_| format!("bad header name {k:?}"))?;
                                    let value = v
                                        .parse()
                                        .map_err(|_| format!("bad value for header {k:?}"))?;
                                    metadata.insert(key, value);
                                }
                                opentelemetry_otlp::SpanExporter::builder()
                                    .with_tonic()
                                    .with_endpoint(endpoint)
                                    .with_timeout(timeout)
                                    .with_metadata(metadata)
                                    .build()
                            }
                            Protocol::HttpProtobuf => opentelemetry_otlp::SpanExporter::builder()
                                .with_http()
                                .with_endpoint(endpoint)
                                .with_timeout(timeout)
                                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                                .with_headers(headers.into_iter().collect())
                                .build(),
                        };
                        built.map_err(|e| e.to_string())
                    },
                    resource.clone(),
                    timeout,
                ))
            }
            Exporter::Zipkin { endpoint, timeout } => {
                let (endpoint, timeout) = (endpoint.clone(), *timeout);
                Some(KitProcessor::start(
                    move || crate::zipkin::ZipkinExporter::new(&endpoint, timeout),
                    resource.clone(),
                    timeout,
                ))
            }
        };
        Tracing::assemble(config, resource, started)
    }

    /// The provider with `config`'s sampler and `resource`, and the
    /// exporter thread `started` (none: spans are made and not exported).
    fn assemble(
        config: &TracingConfig,
        resource: Resource,
        started: Option<Result<(KitProcessor, StatsHandle), String>>,
    ) -> Result<Tracing, StartError> {
        let mut builder = SdkTracerProvider::builder()
            .with_sampler(sdk_sampler(config.sampler))
            .with_resource(resource);
        let mut stats = None;
        if let Some(started) = started {
            let (processor, handle) = started.map_err(StartError::Exporter)?;
            builder = builder.with_span_processor(processor);
            stats = Some(handle);
        }
        Ok(Tracing {
            provider: builder.build(),
            sampler: config.sampler,
            propagators: Propagators::new(&config.propagators),
            stats,
        })
    }

    /// Starts what `config` says, exporting with `exporter` — any
    /// OpenTelemetry [`SpanExporter`](opentelemetry_sdk::trace::SpanExporter),
    /// run on kit's exporter thread with its bounded queue, drop counts and
    /// shutdown deadline — instead of the exporter `config` names.
    ///
    /// ```
    /// use opentelemetry::trace::Tracer;
    /// use opentelemetry_sdk::trace::InMemorySpanExporter;
    ///
    /// use kit_tracing::{config::Sampler, TracingConfig};
    ///
    /// let spans = InMemorySpanExporter::default();
    /// let config = TracingConfig { sampler: Sampler::AlwaysOn, ..Default::default() };
    /// let tracing = kit_tracing::Tracing::start_with_exporter(&config, spans.clone()).unwrap();
    /// tracing.tracer("addsvc").in_span("sum", |_| {});
    /// assert!(tracing.flush(std::time::Duration::from_secs(1)));
    /// assert_eq!(spans.get_finished_spans().unwrap()[0].name, "sum");
    /// assert_eq!(tracing.stats().exported, 1);
    /// ```
    pub fn start_with_exporter<E>(
        config: &TracingConfig,
        exporter: E,
    ) -> Result<Tracing, StartError>
    where
        E: opentelemetry_sdk::trace::SpanExporter + 'static,
    {
        let resource = resource(config);
        let started = KitProcessor::start(
            move || Ok(exporter),
            resource.clone(),
            Duration::from_secs(5),
        );
        Tracing::assemble(config, resource, Some(started))
    }

    /// [`TracingConfig::from_env`], started.
    pub fn from_env() -> Result<Tracing, StartError> {
        Tracing::start(&TracingConfig::from_env()?)
    }

    /// A tracer for `scope` (the library or component making spans).
    pub fn tracer(&self, scope: &'static str) -> SdkTracer {
        self.provider.tracer(scope)
    }

    /// An [`EndpointLayer`] on this tracing's tracer that knows the
    /// sampler: with `always_off` it makes no span at all, and with a
    /// parent-based sampler under a parent that is not sampled it runs the
    /// call in the parent's context — the SDK would only make a span that
    /// records nothing (`T2_unsampled`).
    ///
    /// ```
    /// use tower::{service_fn, Layer, ServiceExt};
    ///
    /// use kit_tracing::{config::Sampler, Tracing, TracingConfig};
    ///
    /// let config = TracingConfig { sampler: Sampler::AlwaysOff, ..Default::default() };
    /// let tracing = Tracing::start(&config).unwrap();
    /// let svc = tracing.endpoint_layer("sum").layer(service_fn(|x: u8| async move { Ok::<_, String>(x) }));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// assert_eq!(svc.oneshot(1).await, Ok(1));
    /// # });
    /// ```
    pub fn endpoint_layer(
        &self,
        name: impl Into<std::borrow::Cow<'static, str>>,
    ) -> EndpointLayer<SdkTracer> {
        let shortcut = match self.sampler {
            Sampler::AlwaysOff => Shortcut::Always,
            Sampler::ParentBasedAlwaysOn
            | Sampler::ParentBasedAlwaysOff
            | Sampler::ParentBasedTraceIdRatio(_) => Shortcut::UnsampledParent,
            Sampler::AlwaysOn | Sampler::TraceIdRatio(_) => Shortcut::Never,
        };
        EndpointLayer::new(self.tracer("kit-tracing"), name).shortcut(shortcut)
    }

    /// The HTTP [`ServerLayer`](crate::http::ServerLayer) on this tracing's
    /// tracer and propagators.
    ///
    /// ```
    /// use tower::{service_fn, Layer};
    ///
    /// let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
    /// let app = service_fn(|_: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let _traced = tracing.http_server_layer().layer(app);
    /// ```
    pub fn http_server_layer(&self) -> crate::http::ServerLayer<SdkTracer> {
        crate::http::ServerLayer::new(self.tracer("kit-tracing"), self.propagators.clone())
    }

    /// The HTTP [`ClientLayer`](crate::http::ClientLayer) on this tracing's
    /// tracer and propagators.
    ///
    /// ```
    /// use tower::{service_fn, Layer};
    ///
    /// let tracing = kit_tracing::Tracing::start(&"none".parse().unwrap()).unwrap();
    /// let send = service_fn(|_: http::Request<()>| async {
    ///     Ok::<_, std::convert::Infallible>(http::Response::new(()))
    /// });
    /// let _traced = tracing.http_client_layer().layer(send);
    /// ```
    pub fn http_client_layer(&self) -> crate::http::ClientLayer<SdkTracer> {
        crate::http::ClientLayer::new(self.tracer("kit-tracing"), self.propagators.clone())
    }

    /// The configured propagators, in order.
    pub fn propagators(&self) -> &Propagators {
        &self.propagators
    }

    /// Spans exported, dropped (queue full, or their export failed) and
    /// failed exports so far.
    pub fn stats(&self) -> ExportStats {
        self.stats
            .as_ref()
            .map(StatsHandle::get)
            .unwrap_or_default()
    }

    /// Exports what is queued now, waiting for it at most `deadline`;
    /// `true` when it was all handled (exported, or counted as dropped) in
    /// time. Tracing goes on.
    ///
    /// ```
    /// let tracing = kit_tracing::Tracing::start(&"stdout://".parse().unwrap()).unwrap();
    /// assert!(tracing.flush(std::time::Duration::from_secs(1)));
    /// ```
    pub fn flush(&self, deadline: Duration) -> bool {
        self.stats
            .as_ref()
            .is_none_or(|s| s.flush(std::time::Instant::now() + deadline))
    }

    /// Exports what is queued and stops, returning by `deadline` even when
    /// the endpoint does not answer; `true` when everything was handled in
    /// time.
    pub fn shutdown(&self, deadline: Duration) -> bool {
        self.provider.shutdown_with_timeout(deadline).is_ok()
    }
}
