//! The Provider: where metrics are made, and what every backend reads.

use std::fmt;
use std::sync::Mutex;

use crate::cell::{AtomicF64, CounterCell, HistogramCell};
use crate::desc::{Desc, Kind};
use crate::family::Family;
use crate::handle::Handle;
use crate::shim::{Arc, Ordering};
use crate::snapshot::{MetricSnapshot, SeriesSnapshot, SeriesValue, Snapshot};
use crate::{Counter, Gauge, Histogram};

/// One histogram series' kept observations; see [`Provider::take_samples`].
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSamples {
    /// The metric's name.
    pub name: String,
    /// The series' labels, constant labels first (as in a [`Snapshot`]).
    pub labels: Vec<(String, String)>,
    /// Its observations since the last take.
    pub batch: crate::SampleBatch,
}

/// Prometheus' default buckets, in seconds.
pub const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The default cap on series per metric.
pub const DEFAULT_MAX_SERIES: usize = 10_000;

#[derive(Clone)]
enum Registered {
    Counter(Arc<Family<CounterCell>>),
    Gauge(Arc<Family<AtomicF64>>),
    Histogram(Arc<Family<HistogramCell>>),
}

impl Registered {
    fn desc(&self) -> &Desc {
        match self {
            Registered::Counter(f) => &f.desc,
            Registered::Gauge(f) => &f.desc,
            Registered::Histogram(f) => &f.desc,
        }
    }
}

struct Registry {
    /// The backends started for this provider, until it shuts down.
    backends: Mutex<Option<crate::start::Backends>>,
    prefix: String,
    const_labels: Vec<(String, String)>,
    max_series: usize,
    idle_expiry: Option<std::time::Duration>,
    keep_samples: Option<usize>,
    diagnostics: Mutex<Option<crate::diagnostics::Hook>>,
    metrics: Mutex<Vec<Registered>>,
    conflicts: Mutex<Vec<String>>,
}

/// Makes metrics and holds their storage; backends read it. No global
/// state: make one in `main` and pass it (or the metrics) around. Clones
/// share everything.
///
/// ```
/// use kit_metrics::{Provider, SeriesValue};
///
/// let provider = Provider::builder().prefix("addsvc_").const_label("zone", "a").build();
/// let sums = provider.counter("sums_total").help("Sums computed.").build();
/// sums.inc();
/// let snapshot = provider.snapshot();
/// let metric = &snapshot.metrics[0];
/// assert_eq!(metric.desc.name, "addsvc_sums_total");
/// assert_eq!(metric.series[0].labels, [("zone".to_string(), "a".to_string())]);
/// assert_eq!(metric.series[0].value, SeriesValue::Counter(1));
/// ```
#[derive(Clone)]
pub struct Provider {
    registry: std::sync::Arc<Registry>,
}

impl Default for Provider {
    fn default() -> Self {
        Provider::new()
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("prefix", &self.registry.prefix)
            .field("const_labels", &self.registry.const_labels)
            .field(
                "metrics",
                &self.registry.metrics.lock().map(|m| m.len()).unwrap_or(0),
            )
            .finish()
    }
}

/// Configures a [`Provider`].
#[derive(Debug, Default)]
pub struct ProviderBuilder {
    prefix: String,
    const_labels: Vec<(String, String)>,
    max_series: Option<usize>,
    idle_expiry: Option<std::time::Duration>,
    keep_samples: Option<usize>,
}

impl ProviderBuilder {
    /// Prepended to every metric name.
    pub fn prefix(self, prefix: impl Into<String>) -> Self {
        ProviderBuilder {
            prefix: prefix.into(),
            ..self
        }
    }

    /// A label every series carries (`service`, `zone`).
    pub fn const_label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.const_labels.push((name.into(), value.into()));
        self
    }

    /// The most series one metric may have (default [`DEFAULT_MAX_SERIES`]);
    /// updates to new series past it go to one series whose labels all read
    /// [`OVERFLOW`](crate::OVERFLOW), and are counted.
    pub fn max_series(self, max: usize) -> Self {
        ProviderBuilder {
            max_series: Some(max),
            ..self
        }
    }

    /// Series that nobody holds a handle to and that saw no update for
    /// `idle` are dropped at the next snapshot (default: never). A kept
    /// handle keeps its series, so it never loses an update; a series
    /// updated again after it expired starts from zero.
    pub fn idle_expiry(self, idle: std::time::Duration) -> Self {
        ProviderBuilder {
            idle_expiry: Some(idle),
            ..self
        }
    }

    /// Histograms also keep up to `max` raw observations per flush, for
    /// backends that send single observations (statsd timers, DogStatsD
    /// distributions); past `max`, a reservoir keeps a fair sample and the
    /// rest is counted ([`Provider::take_samples`]). Off by default: bucket
    /// counts need no samples.
    pub fn keep_samples(self, max: usize) -> Self {
        ProviderBuilder {
            keep_samples: Some(max),
            ..self
        }
    }

    /// The provider.
    pub fn build(self) -> Provider {
        Provider {
            registry: std::sync::Arc::new(Registry {
                backends: Mutex::new(None),
                prefix: self.prefix,
                const_labels: self.const_labels,
                max_series: self.max_series.unwrap_or(DEFAULT_MAX_SERIES),
                idle_expiry: self.idle_expiry,
                keep_samples: self.keep_samples,
                diagnostics: Mutex::new(None),
                metrics: Mutex::new(Vec::new()),
                conflicts: Mutex::new(Vec::new()),
            }),
        }
    }
}

/// Describes one metric before it is made; see [`Provider::counter`].
#[derive(Debug)]
#[must_use = "call .build() to make the metric"]
pub struct MetricBuilder<'p, M> {
    provider: &'p Provider,
    desc: Desc,
    _kind: std::marker::PhantomData<M>,
}

impl<M> MetricBuilder<'_, M> {
    /// One line of help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.desc.help = help.into();
        self
    }

    /// The unit (`seconds`, `bytes`).
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.desc.unit = Some(unit.into());
        self
    }

    /// The label names; [`with`](Counter::with) takes their values in this order.
    pub fn labels(mut self, names: &[&str]) -> Self {
        self.desc.label_names = names.iter().map(|n| n.to_string()).collect();
        self
    }
}

impl MetricBuilder<'_, Histogram> {
    /// Bucket upper bounds (default [`DEFAULT_BUCKETS`]); sorted, and NaN,
    /// infinite and duplicate bounds dropped (`+Inf` is always there).
    pub fn buckets(mut self, bounds: &[f64]) -> Self {
        let mut b: Vec<f64> = bounds.iter().copied().filter(|b| b.is_finite()).collect();
        b.sort_by(f64::total_cmp);
        b.dedup();
        self.desc.buckets = b;
        self
    }

    /// Makes (or finds) the histogram.
    pub fn build(self) -> Histogram {
        let bounds: std::sync::Arc<[f64]> = self.desc.buckets.clone().into();
        let max = self.provider.registry.max_series;
        let keep = self.provider.registry.keep_samples;
        let family = self.provider.register(self.desc, |desc| {
            Registered::Histogram(Arc::new(Family::new(desc, max, move || {
                HistogramCell::new(bounds.clone(), keep)
            })))
        });
        match family {
            Registered::Histogram(f) => Histogram(Handle::new(f)),
            _ => unreachable!("register returns the kind it was asked for"),
        }
    }
}

impl MetricBuilder<'_, Counter> {
    /// Makes (or finds) the counter.
    pub fn build(self) -> Counter {
        let max = self.provider.registry.max_series;
        let family = self.provider.register(self.desc, |desc| {
            Registered::Counter(Arc::new(Family::new(desc, max, CounterCell::default)))
        });
        match family {
            Registered::Counter(f) => Counter(Handle::new(f)),
            _ => unreachable!("register returns the kind it was asked for"),
        }
    }
}

impl MetricBuilder<'_, Gauge> {
    /// Makes (or finds) the gauge.
    pub fn build(self) -> Gauge {
        let max = self.provider.registry.max_series;
        let family = self.provider.register(self.desc, |desc| {
            Registered::Gauge(Arc::new(Family::new(desc, max, AtomicF64::default)))
        });
        match family {
            Registered::Gauge(f) => Gauge(Handle::new(f)),
            _ => unreachable!("register returns the kind it was asked for"),
        }
    }
}

impl Provider {
    /// A provider with no prefix and no constant labels.
    pub fn new() -> Self {
        ProviderBuilder::default().build()
    }

    /// Configures a provider.
    pub fn builder() -> ProviderBuilder {
        ProviderBuilder::default()
    }

    fn describe<M>(&self, name: &str, kind: Kind) -> MetricBuilder<'_, M> {
        MetricBuilder {
            provider: self,
            desc: Desc {
                name: format!("{}{name}", self.registry.prefix),
                help: String::new(),
                unit: None,
                label_names: Vec::new(),
                kind,
                buckets: if kind == Kind::Histogram {
                    DEFAULT_BUCKETS.to_vec()
                } else {
                    Vec::new()
                },
            },
            _kind: std::marker::PhantomData,
        }
    }

    /// Describes a counter named `name` (after the prefix).
    pub fn counter(&self, name: &str) -> MetricBuilder<'_, Counter> {
        self.describe(name, Kind::Counter)
    }

    /// Describes a gauge named `name` (after the prefix).
    pub fn gauge(&self, name: &str) -> MetricBuilder<'_, Gauge> {
        self.describe(name, Kind::Gauge)
    }

    /// Describes a histogram named `name` (after the prefix).
    pub fn histogram(&self, name: &str) -> MetricBuilder<'_, Histogram> {
        self.describe(name, Kind::Histogram)
    }

    /// Registers `desc`, or finds the metric already registered under its
    /// name with the same description. A different description under the
    /// same name is a conflict: the caller gets a metric of its own that
    /// no backend exports, and the conflict is listed in
    /// [`conflicts`](Self::conflicts) — never a panic.
    fn register(&self, desc: Desc, make: impl FnOnce(Desc) -> Registered) -> Registered {
        let mut metrics = self
            .registry
            .metrics
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = metrics.iter().find(|m| m.desc().name == desc.name) {
            let same = existing.desc().kind == desc.kind
                && existing.desc().label_names == desc.label_names
                && existing.desc().buckets == desc.buckets;
            if same {
                return existing.clone();
            }
            let conflict = format!(
                "{}: registered again with a different kind, labels or buckets",
                desc.name
            );
            self.registry
                .conflicts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conflict);
            return make(desc);
        }
        let made = make(desc);
        metrics.push(made.clone());
        made
    }

    /// Adds running backends (stopping none already there: they add up).
    pub(crate) fn attach(&self, backends: crate::start::Backends) {
        let mut slot = self
            .registry
            .backends
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match slot.as_mut() {
            None => *slot = Some(backends),
            Some(running) => running.merge(backends),
        }
    }

    pub(crate) fn with_backends<R>(
        &self,
        f: impl FnOnce(&crate::start::Backends) -> R,
    ) -> Option<R> {
        self.registry
            .backends
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(f)
    }

    /// Where reports about backends in trouble go (at most one per backend
    /// per [`DIAGNOSTICS_EVERY`](crate::DIAGNOSTICS_EVERY), summing up the
    /// failures and lost updates in between); standard error until this is
    /// called. Route them to the application's logger:
    ///
    /// ```
    /// let provider = kit_metrics::Provider::new();
    /// provider.set_diagnostics(|d| {
    ///     // e.g. logger.log(&[("level", "warn"), ("msg", &d.to_string())])
    ///     let _ = (d.backend, d.lost);
    /// });
    /// ```
    pub fn set_diagnostics(&self, hook: impl Fn(&crate::Diagnostic) + Send + Sync + 'static) {
        *self
            .registry
            .diagnostics
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(std::sync::Arc::new(hook));
    }

    pub(crate) fn diagnose(&self, d: &crate::Diagnostic) {
        let hook = self
            .registry
            .diagnostics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match hook {
            Some(hook) => hook(d),
            None => crate::diagnostics::to_stderr(d),
        }
    }

    /// Whether histograms keep single observations for statsd.
    #[allow(dead_code)] // read by the statsd backend, a cargo feature
    pub(crate) fn keeps_samples(&self) -> bool {
        self.registry.keep_samples.is_some()
    }

    pub(crate) fn take_backends(&self) -> Option<crate::start::Backends> {
        self.registry
            .backends
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// kit's own counts, visible beside the metrics they are about:
    /// `kit_metrics_invalid_label_values_total{metric}` and
    /// `kit_metrics_series_overflow_total{metric}`, for metrics that had any.
    fn self_metrics(&self, metrics: &[Registered]) -> Vec<MetricSnapshot> {
        let mut invalid = Vec::new();
        let mut overflow = Vec::new();
        for m in metrics {
            let (name, bad, over) = match m {
                Registered::Counter(f) => (
                    &f.desc.name,
                    f.invalid.load(Ordering::Relaxed),
                    f.overflowed.load(Ordering::Relaxed),
                ),
                Registered::Gauge(f) => (
                    &f.desc.name,
                    f.invalid.load(Ordering::Relaxed),
                    f.overflowed.load(Ordering::Relaxed),
                ),
                Registered::Histogram(f) => (
                    &f.desc.name,
                    f.invalid.load(Ordering::Relaxed),
                    f.overflowed.load(Ordering::Relaxed),
                ),
            };
            let series = |n: u64| SeriesSnapshot {
                labels: vec![("metric".to_owned(), name.clone())],
                value: SeriesValue::Counter(n),
            };
            if bad > 0 {
                invalid.push(series(bad));
            }
            if over > 0 {
                overflow.push(series(over));
            }
        }
        let family = |name: &str, help: &str, series: Vec<SeriesSnapshot>| MetricSnapshot {
            desc: Desc {
                name: name.to_owned(),
                help: help.to_owned(),
                unit: None,
                label_names: vec!["metric".to_owned()],
                kind: Kind::Counter,
                buckets: Vec::new(),
            },
            series,
        };
        let mut out = Vec::new();
        if !invalid.is_empty() {
            out.push(family(
                "kit_metrics_invalid_label_values_total",
                "Updates with the wrong number of label values (recorded in the invalid_label_count series).",
                invalid,
            ));
        }
        if !overflow.is_empty() {
            out.push(family(
                "kit_metrics_series_overflow_total",
                "Updates to new series past the series cap (recorded in the overflow series).",
                overflow,
            ));
        }
        out
    }

    /// Every histogram series' observations since the last call, when the
    /// provider keeps samples ([`ProviderBuilder::keep_samples`]): what a
    /// statsd backend sends at each flush, with an honest rate.
    ///
    /// ```
    /// use kit_metrics::Provider;
    ///
    /// let provider = Provider::builder().keep_samples(4).build();
    /// let h = provider.histogram("latency_seconds").build();
    /// for i in 0..100 {
    ///     h.observe(f64::from(i));
    /// }
    /// let taken = provider.take_samples();
    /// assert_eq!((taken[0].name.as_str(), taken[0].labels.len()), ("latency_seconds", 0));
    /// let batch = &taken[0].batch;
    /// assert_eq!((batch.values.len(), batch.seen, batch.dropped()), (4, 100, 96));
    /// assert_eq!(batch.rate(), 0.04);
    /// assert_eq!(provider.take_samples()[0].batch.seen, 0); // a fresh interval
    /// ```
    pub fn take_samples(&self) -> Vec<SeriesSamples> {
        let metrics = self
            .registry
            .metrics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = Vec::new();
        for m in &metrics {
            if let Registered::Histogram(f) = m {
                for (values, cell) in f.series() {
                    if let Some(batch) = cell.take_samples() {
                        let mut labels = self.registry.const_labels.clone();
                        labels.extend(f.desc.label_names.iter().cloned().zip(values));
                        out.push(SeriesSamples {
                            name: f.desc.name.clone(),
                            labels,
                            batch,
                        });
                    }
                }
            }
        }
        out
    }

    /// Names registered twice with different descriptions.
    pub fn conflicts(&self) -> Vec<String> {
        self.registry
            .conflicts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every metric and series, as they are now: what backends export.
    /// Metrics sorted by name, series by label values.
    pub fn snapshot(&self) -> Snapshot {
        let metrics = self
            .registry
            .metrics
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(idle) = self.registry.idle_expiry {
            let now = std::time::Instant::now();
            for m in &metrics {
                match m {
                    Registered::Counter(f) => f.expire(idle, now),
                    Registered::Gauge(f) => f.expire(idle, now),
                    Registered::Histogram(f) => f.expire(idle, now),
                };
            }
        }
        let labels = |values: Vec<String>, desc: &Desc| -> Vec<(String, String)> {
            let mut all = self.registry.const_labels.clone();
            all.extend(desc.label_names.iter().cloned().zip(values));
            all
        };
        let mut out: Vec<MetricSnapshot> = metrics
            .iter()
            .map(|m| {
                let desc = m.desc().clone();
                let series = match m {
                    Registered::Counter(f) => f
                        .series()
                        .into_iter()
                        .map(|(v, c)| SeriesSnapshot {
                            labels: labels(v, &desc),
                            value: SeriesValue::Counter(c.get()),
                        })
                        .collect(),
                    Registered::Gauge(f) => f
                        .series()
                        .into_iter()
                        .map(|(v, c)| SeriesSnapshot {
                            labels: labels(v, &desc),
                            value: SeriesValue::Gauge(c.get()),
                        })
                        .collect(),
                    Registered::Histogram(f) => f
                        .series()
                        .into_iter()
                        .map(|(v, c)| SeriesSnapshot {
                            labels: labels(v, &desc),
                            value: SeriesValue::Histogram {
                                bounds: c.bounds().to_vec(),
                                buckets: c.buckets(),
                                count: c.count(),
                                sum: c.sum(),
                            },
                        })
                        .collect(),
                };
                MetricSnapshot { desc, series }
            })
            .collect();
        out.extend(self.self_metrics(&metrics));
        out.sort_by(|a, b| a.desc.name.cmp(&b.desc.name));
        Snapshot { metrics: out }
    }
}
