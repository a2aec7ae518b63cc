//! Starting what a [`MetricsConfig`] describes.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[cfg(feature = "circonus")]
use crate::circonus::CirconusPusher;
use crate::config::{Backend, ConfigError, MetricsConfig};
use crate::exporter::{ExportStats, Exporter, Pusher};
#[cfg(feature = "graphite")]
use crate::graphite::GraphitePusher;
#[cfg(feature = "influxdb")]
use crate::influxdb::InfluxPusher;
#[cfg(feature = "otlp")]
use crate::otlp::OtlpPusher;
#[cfg(feature = "prometheus")]
use crate::prometheus::Listener;
#[cfg(feature = "prometheus")]
use crate::pushgateway::Pushgateway;
#[cfg(feature = "statsd")]
use crate::statsd::StatsdPusher;
use crate::Provider;

/// Why the backends could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration itself is wrong.
    Config(ConfigError),
    /// A listener could not bind its address.
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The scheme's backend was compiled out: build with the cargo feature.
    FeatureDisabled {
        /// The scheme, e.g. `prometheus`.
        scheme: &'static str,
        /// The cargo feature that brings it, e.g. `prometheus`.
        feature: &'static str,
    },
    /// The backend sends single histogram observations (statsd,
    /// DogStatsD), but the provider was built without a sample buffer:
    /// build it with [`MetricsConfig::build`] or
    /// [`ProviderBuilder::keep_samples`](crate::ProviderBuilder::keep_samples).
    SamplesNotKept {
        /// The scheme, e.g. `statsd`.
        scheme: &'static str,
    },
    /// The scheme parses, but its backend is not built yet.
    NotBuilt {
        /// The scheme, e.g. `statsd`.
        scheme: &'static str,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(e) => write!(f, "{e}"),
            StartError::Bind { addr, .. } => write!(f, "cannot listen on {addr}"),
            StartError::FeatureDisabled { scheme, feature } => write!(
                f,
                "the {scheme} backend was compiled out: enable kit-metrics' cargo feature \"{feature}\""
            ),
            StartError::SamplesNotKept { scheme } => write!(
                f,
                "the {scheme} backend sends single histogram observations, and this provider keeps none: build it with MetricsConfig::build or ProviderBuilder::keep_samples"
            ),
            StartError::NotBuilt { scheme } => {
                write!(f, "the {scheme} backend is not available yet (available: prometheus, pushgateway, statsd, dogstatsd, graphite, graphite+udp, influxdb, influxdb+udp, influxdb2, otlp, otlp+http, circonus+http, memory, discard)")
            }
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Config(e) => Some(e),
            StartError::Bind { source, .. } => Some(source),
            StartError::FeatureDisabled { .. }
            | StartError::SamplesNotKept { .. }
            | StartError::NotBuilt { .. } => None,
        }
    }
}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        StartError::Config(e)
    }
}

/// The running backends of a provider (kept inside it).
#[derive(Debug)]
pub(crate) struct Backends {
    #[cfg(feature = "prometheus")]
    listeners: Vec<Listener>,
    exporters: Vec<Exporter>,
}

impl Backends {
    pub(crate) fn merge(&mut self, more: Backends) {
        #[cfg(feature = "prometheus")]
        self.listeners.extend(more.listeners);
        self.exporters.extend(more.exporters);
    }

    fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        {
            // Every exporter flushes, whatever the others did.
            let mut ok = true;
            for exporter in &self.exporters {
                ok &= exporter.flush(deadline);
            }
            ok
        }
    }

    fn shutdown(self, deadline: Instant) -> bool {
        #[cfg(feature = "prometheus")]
        for listener in self.listeners {
            listener.stop();
        }
        {
            let mut ok = true;
            for exporter in self.exporters {
                ok &= exporter.shutdown(deadline);
            }
            ok
        }
    }
}

impl Provider {
    /// Where each Prometheus listener started for this provider listens.
    pub fn prometheus_addrs(&self) -> Vec<SocketAddr> {
        #[cfg(feature = "prometheus")]
        return self
            .with_backends(|b| b.listeners.iter().map(Listener::local_addr).collect())
            .unwrap_or_default();
        #[cfg(not(feature = "prometheus"))]
        Vec::new()
    }

    /// Pushes to every pushing backend now and waits for it, up to
    /// `timeout`; `true` when every push finished in time (or there is
    /// nothing to push).
    ///
    /// ```
    /// use std::time::Duration;
    /// let provider = kit_metrics::Provider::new();
    /// assert!(provider.flush(Duration::from_secs(1)));
    /// ```
    pub fn flush(&self, timeout: Duration) -> bool {
        self.with_backends(|b| b.flush(timeout)).unwrap_or(true)
    }

    /// What the exporter thread has sent and failed to send so far.
    pub fn export_stats(&self) -> ExportStats {
        self.with_backends(|b| {
            b.exporters
                .iter()
                .map(Exporter::stats)
                .fold(ExportStats::default(), |a, s| ExportStats {
                    pushed: a.pushed + s.pushed,
                    failed: a.failed + s.failed,
                    dropped: a.dropped + s.dropped,
                })
        })
        .unwrap_or_default()
    }

    /// Stops every backend started for this provider, pushing a last time;
    /// returns within `deadline` even when a backend does not answer, with
    /// `true` when everything was delivered in time. The metrics keep
    /// working (and recording) afterwards; they are just not sent.
    pub fn shutdown(&self, deadline: Duration) -> bool {
        let deadline = Instant::now() + deadline;
        match self.take_backends() {
            Some(backends) => backends.shutdown(deadline),
            None => true,
        }
    }
}

/// The pushing backends of a configuration; they share one exporter
/// thread, which flushes at the shortest interval any of them asks for and
/// gives each send the longest timeout any asks for.
#[derive(Default)]
struct Pushers {
    list: Vec<Box<dyn Pusher>>,
    interval: Option<Duration>,
    timeout: Option<Duration>,
}

impl Pushers {
    #[allow(dead_code)] // every pushing backend is a cargo feature
    fn add(&mut self, pusher: Box<dyn Pusher>, push: &crate::config::Push) {
        self.list.push(pusher);
        self.interval = Some(self.interval.map_or(push.flush, |i| i.min(push.flush)));
        self.timeout = Some(self.timeout.map_or(push.timeout, |t| t.max(push.timeout)));
    }
}

impl MetricsConfig {
    /// Starts the configured backends on `provider`'s storage; they run
    /// until [`Provider::shutdown`]. Settings that belong to the storage
    /// (`max_series`, `idle_expiry`) are read when the provider is built;
    /// see [`Provider::from_env`].
    ///
    /// ```
    /// use kit_metrics::{MetricsConfig, Provider};
    ///
    /// let provider = Provider::new();
    /// let config: MetricsConfig = "prometheus://127.0.0.1:0,memory://".parse().unwrap();
    /// config.start(&provider).unwrap();
    /// provider.counter("started_total").build().inc();
    /// assert_eq!(provider.prometheus_addrs().len(), 1);
    /// assert!(provider.shutdown(std::time::Duration::from_secs(5)));
    /// ```
    pub fn start(&self, provider: &Provider) -> Result<(), StartError> {
        #[cfg(feature = "prometheus")]
        let mut listeners = Vec::new();
        // Without the pushing features no pusher exists.
        #[cfg_attr(
            not(any(
                feature = "prometheus",
                feature = "statsd",
                feature = "graphite",
                feature = "influxdb",
                feature = "circonus",
                feature = "otlp"
            )),
            allow(unused_mut)
        )]
        let mut pushers = Pushers::default();
        for backend in &self.backends {
            match &backend.backend {
                #[cfg(feature = "prometheus")]
                Backend::Prometheus { addr } => {
                    let listener =
                        Listener::bind(provider.clone(), addr.as_str()).map_err(|source| {
                            StartError::Bind {
                                addr: addr.clone(),
                                source,
                            }
                        })?;
                    listeners.push(listener);
                }
                #[cfg(not(feature = "prometheus"))]
                Backend::Prometheus { .. } | Backend::Pushgateway { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: "prometheus",
                        feature: "prometheus",
                    })
                }
                // The provider's storage is the memory backend: snapshots read it.
                Backend::Memory | Backend::Discard => {}
                #[cfg(feature = "prometheus")]
                Backend::Pushgateway { addr, job, push } => {
                    pushers.add(
                        Box::new(Pushgateway::new(addr.clone(), job, push.prefix.clone())),
                        push,
                    );
                }
                #[cfg(feature = "statsd")]
                Backend::Statsd { addr, push, statsd }
                | Backend::Dogstatsd { addr, push, statsd } => {
                    let name = if matches!(backend.backend, Backend::Statsd { .. }) {
                        "statsd"
                    } else {
                        "dogstatsd"
                    };
                    if !provider.keeps_samples() {
                        return Err(StartError::SamplesNotKept { scheme: name });
                    }
                    pushers.add(
                        Box::new(StatsdPusher::new(
                            name,
                            addr.clone(),
                            push.prefix.clone(),
                            statsd,
                        )),
                        push,
                    );
                }
                #[cfg(not(feature = "statsd"))]
                Backend::Statsd { .. } | Backend::Dogstatsd { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: if matches!(backend.backend, Backend::Statsd { .. }) {
                            "statsd"
                        } else {
                            "dogstatsd"
                        },
                        feature: "statsd",
                    })
                }
                #[cfg(feature = "influxdb")]
                Backend::Influxdb {
                    addr,
                    db,
                    push,
                    precision,
                } => {
                    let pusher =
                        InfluxPusher::v1(addr.clone(), db, *precision, push.prefix.clone());
                    pushers.add(Box::new(pusher), push);
                }
                #[cfg(feature = "influxdb")]
                Backend::InfluxdbUdp {
                    addr,
                    max_packet,
                    push,
                    precision,
                } => {
                    let pusher = InfluxPusher::udp(
                        addr.clone(),
                        *max_packet,
                        *precision,
                        push.prefix.clone(),
                    );
                    pushers.add(Box::new(pusher), push);
                }
                #[cfg(feature = "influxdb")]
                Backend::Influxdb2 {
                    addr,
                    org,
                    bucket,
                    push,
                    precision,
                } => {
                    let token = std::env::var(crate::config::INFLUXDB_TOKEN_VAR).ok();
                    let pusher = InfluxPusher::v2(
                        addr.clone(),
                        org,
                        bucket,
                        token,
                        *precision,
                        push.prefix.clone(),
                    );
                    pushers.add(Box::new(pusher), push);
                }
                #[cfg(not(feature = "influxdb"))]
                Backend::Influxdb { .. }
                | Backend::InfluxdbUdp { .. }
                | Backend::Influxdb2 { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: "influxdb",
                        feature: "influxdb",
                    })
                }
                #[cfg(feature = "graphite")]
                Backend::Graphite {
                    addr,
                    udp,
                    tags,
                    max_packet,
                    push,
                } => {
                    pushers.add(
                        Box::new(GraphitePusher::new(
                            addr.clone(),
                            udp.then_some(*max_packet),
                            *tags,
                            push.prefix.clone(),
                        )),
                        push,
                    );
                }
                #[cfg(not(feature = "graphite"))]
                Backend::Graphite { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: "graphite",
                        feature: "graphite",
                    })
                }
                #[cfg(feature = "otlp")]
                Backend::Otlp {
                    addr,
                    http,
                    temporality,
                    push,
                } => {
                    let pusher =
                        OtlpPusher::new(addr.clone(), *http, *temporality, push.prefix.clone());
                    pushers.add(Box::new(pusher), push);
                }
                #[cfg(not(feature = "otlp"))]
                Backend::Otlp { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: "otlp",
                        feature: "otlp",
                    })
                }
                #[cfg(feature = "circonus")]
                Backend::Circonus { url, push } => {
                    let parsed = url::Url::parse(url).ok().filter(|u| u.scheme() == "http");
                    let Some(pusher) = parsed.as_ref().and_then(CirconusPusher::new) else {
                        // kit's HTTP client has no TLS.
                        return Err(StartError::NotBuilt {
                            scheme: "circonus+https",
                        });
                    };
                    pushers.add(Box::new(pusher), push);
                }
                #[cfg(not(feature = "circonus"))]
                Backend::Circonus { .. } => {
                    return Err(StartError::FeatureDisabled {
                        scheme: "circonus",
                        feature: "circonus",
                    })
                }
            }
        }
        let mut exporters = Vec::new();
        if !pushers.list.is_empty() {
            let exporter = Exporter::start(
                provider.clone(),
                pushers.list,
                pushers.interval.unwrap_or(Duration::from_secs(10)),
                pushers.timeout.unwrap_or(Duration::from_secs(5)),
            )
            .map_err(|source| StartError::Bind {
                addr: "kit-metrics-exporter thread".into(),
                source,
            })?;
            exporters.push(exporter);
        }
        provider.attach(Backends {
            #[cfg(feature = "prometheus")]
            listeners,
            exporters,
        });
        Ok(())
    }

    /// The storage settings of the configuration: the smallest `max_series`
    /// and the shortest `idle_expiry` any backend asks for (kit keeps one
    /// storage for all of them).
    fn storage(&self) -> crate::ProviderBuilder {
        let mut builder = Provider::builder();
        if let Some(max) = self.backends.iter().filter_map(|b| b.max_series).min() {
            builder = builder.max_series(max);
        }
        if let Some(idle) = self.backends.iter().filter_map(|b| b.idle_expiry).min() {
            builder = builder.idle_expiry(idle);
        }
        // Single observations only when a backend sends them.
        let samples = self.backends.iter().filter_map(|b| match &b.backend {
            Backend::Statsd { statsd, .. } | Backend::Dogstatsd { statsd, .. } => {
                Some(statsd.max_samples)
            }
            _ => None,
        });
        if let Some(max) = samples.max() {
            builder = builder.keep_samples(max);
        }
        builder
    }
}

impl MetricsConfig {
    /// A provider with the storage this configuration asks for (series
    /// bound, idle expiry, a sample buffer for statsd), its backends
    /// started.
    ///
    /// ```
    /// let config: kit_metrics::MetricsConfig = "statsd://127.0.0.1:8125?flush=1h".parse().unwrap();
    /// let provider = config.build().unwrap();
    /// provider.histogram("job_seconds").build().observe(0.25);
    /// assert!(provider.shutdown(std::time::Duration::from_secs(5)));
    /// ```
    pub fn build(&self) -> Result<Provider, StartError> {
        let provider = self.storage().build();
        self.start(&provider)?;
        Ok(provider)
    }
}

impl Provider {
    /// Reads `KIT_METRICS` (and `OTEL_SDK_DISABLED`), builds a provider
    /// with its storage settings and starts its backends: the one call a
    /// service's `main` needs.
    ///
    /// ```
    /// let provider = kit_metrics::Provider::from_env().expect("KIT_METRICS is valid");
    /// provider.counter("requests_total").build().inc();
    /// provider.shutdown(std::time::Duration::from_secs(5));
    /// ```
    pub fn from_env() -> Result<Provider, StartError> {
        MetricsConfig::from_env()?.build()
    }
}
