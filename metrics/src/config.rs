//! Which backends receive the numbers: a configuration choice, never code.
//!
//! The URL form (also what `KIT_METRICS` holds); a comma-separated list
//! means every backend in it (multi):
//!
//! | URL | Backend |
//! |---|---|
//! | `prometheus://127.0.0.1:9100` | kit's listener, scraped by Prometheus |
//! | `pushgateway://127.0.0.1:9091?job=name` | pushed to a Prometheus push gateway |
//! | `statsd://127.0.0.1:8125`, `dogstatsd://127.0.0.1:8125` | statsd / DogStatsD over UDP |
//! | `influxdb://127.0.0.1:8086/mydb`, `influxdb+udp://127.0.0.1:8089` | InfluxDB 1.x, HTTP or UDP |
//! | `influxdb2://127.0.0.1:8086?org=o&bucket=b` | InfluxDB 2 (token from `KIT_INFLUXDB_TOKEN`, never in the config) |
//! | `graphite://127.0.0.1:2003`, `graphite+udp://127.0.0.1:2003` | Graphite plaintext, TCP or UDP |
//! | `otlp://127.0.0.1:4317`, `otlp+http://127.0.0.1:4318` | OTLP, gRPC or HTTP/protobuf |
//! | `circonus+https://host/module/httptrap/UUID/SECRET` (`circonus+http://` for tests) | Circonus HTTPTrap (the secret never shows in `Debug` or errors) |
//! | `memory://` | kept in memory, for tests |
//! | `discard://`, `none` | nothing |
//!
//! Query parameters (an unknown one is an error naming it):
//!
//! | Parameter | Schemes | Values | Default |
//! |---|---|---|---|
//! | `prefix` | push schemes | text | none |
//! | `flush` | push schemes | a duration: `10s`, `500ms` | `10s` |
//! | `timeout` | push schemes | a duration | `5s` |
//! | `labels` | statsd, dogstatsd | `fold`, `drop`, `tags` | statsd `fold`, dogstatsd `tags` |
//! | `max_packet` | statsd, dogstatsd, graphite+udp, influxdb+udp | bytes (64 or more) | `1432` |
//! | `histogram` | statsd, dogstatsd | `ms`, `d`, `h` | statsd `ms`, dogstatsd `d` |
//! | `sample_rate` | statsd, dogstatsd | 0 < rate ≤ 1 | `1` |
//! | `max_samples` | statsd, dogstatsd | observations kept per flush | `1024` |
//! | `tags` | graphite | `true`, `false` | `true` |
//! | `temporality` | otlp schemes | `cumulative`, `delta` | `cumulative` |
//! | `precision` | influxdb schemes | `ns`, `us`, `ms`, `s` | `ns` |
//! | `job` | pushgateway | text (required) | — |
//! | `org`, `bucket` | influxdb2 | text (required) | — |
//! | `max_series` | every scheme | series per metric | `10000` |
//! | `idle_expiry` | every scheme | a duration | never |
//!
//! `MetricsConfig` is also serde: a string in this form, or a list of
//! URLs, from TOML, JSON or YAML.
//!
//! Every scheme but `circonus+https` (kit's HTTP client has no TLS) starts
//! its backend; that one parses and is validated, and starting it is
//! [`StartError::NotBuilt`](crate::StartError::NotBuilt). Each backend is a
//! cargo feature, all default but `otlp` (which brings tonic and tokio);
//! a compiled-out scheme is [`StartError::FeatureDisabled`](crate::StartError::FeatureDisabled).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use url::Url;

/// A setting kit cannot use, named, with what is accepted.
///
/// ```
/// let err = "statsd://127.0.0.1:8125?labels=maybe".parse::<kit_metrics::MetricsConfig>().unwrap_err();
/// assert_eq!(err.to_string(), r#"labels="maybe": accepted: fold, drop, tags"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    field: String,
    value: String,
    reason: String,
}

impl ConfigError {
    fn new(field: impl Into<String>, value: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    /// The setting at fault (a query parameter, `scheme`, `KIT_METRICS`…).
    pub fn field(&self) -> &str {
        &self.field
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}: {}", self.field, self.value, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// How statsd receives label values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsdLabels {
    /// Folded into the name: `requests.sum.ok`.
    Fold,
    /// Dropped.
    Drop,
    /// DogStatsD-style tags: `|#method:sum`.
    Tags,
}

/// How statsd receives histogram observations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistogramAs {
    /// Timers in milliseconds (`|ms`).
    Ms,
    /// DogStatsD distributions (`|d`).
    Distribution,
    /// DogStatsD histograms (`|h`).
    Histogram,
}

/// InfluxDB timestamp precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Nanoseconds.
    Ns,
    /// Microseconds.
    Us,
    /// Milliseconds.
    Ms,
    /// Seconds.
    S,
}

/// How OTLP counters and histograms travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporality {
    /// Totals since the start (what kit keeps; the default).
    Cumulative,
    /// What changed since the last delivered push.
    Delta,
}

/// What every pushing backend takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Push {
    /// Prepended to every name this backend sends.
    pub prefix: Option<String>,
    /// How often it sends.
    pub flush: Duration,
    /// How long one send may take.
    pub timeout: Duration,
}

impl Default for Push {
    fn default() -> Self {
        Push {
            prefix: None,
            flush: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
        }
    }
}

/// What statsd and DogStatsD take.
#[derive(Clone, Debug, PartialEq)]
pub struct Statsd {
    /// How label values travel.
    pub labels: StatsdLabels,
    /// The largest datagram, in bytes.
    pub max_packet: usize,
    /// How histograms travel.
    pub histogram: HistogramAs,
    /// The sample rate announced for histogram observations.
    pub sample_rate: f64,
    /// Observations kept per histogram series per flush.
    pub max_samples: usize,
}

/// A backend and its settings.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Backend {
    /// kit's listener for Prometheus to scrape.
    Prometheus {
        /// Where to listen.
        addr: String,
    },
    /// A Prometheus push gateway.
    Pushgateway {
        /// Its address.
        addr: String,
        /// The `job` grouping label.
        job: String,
        /// Push settings.
        push: Push,
    },
    /// Etsy statsd over UDP.
    Statsd {
        /// Its address.
        addr: String,
        /// Push settings.
        push: Push,
        /// statsd settings.
        statsd: Statsd,
    },
    /// DogStatsD over UDP.
    Dogstatsd {
        /// Its address.
        addr: String,
        /// Push settings.
        push: Push,
        /// statsd settings.
        statsd: Statsd,
    },
    /// InfluxDB 1.x over HTTP.
    Influxdb {
        /// Its address.
        addr: String,
        /// The database.
        db: String,
        /// Push settings.
        push: Push,
        /// Timestamp precision.
        precision: Precision,
    },
    /// InfluxDB 1.x over UDP.
    InfluxdbUdp {
        /// Its address.
        addr: String,
        /// The largest datagram, in bytes.
        max_packet: usize,
        /// Push settings.
        push: Push,
        /// Timestamp precision.
        precision: Precision,
    },
    /// InfluxDB 2 over HTTP (token from `KIT_INFLUXDB_TOKEN`).
    Influxdb2 {
        /// Its address.
        addr: String,
        /// The organization.
        org: String,
        /// The bucket.
        bucket: String,
        /// Push settings.
        push: Push,
        /// Timestamp precision.
        precision: Precision,
    },
    /// Graphite plaintext over TCP (`udp`: over UDP).
    Graphite {
        /// Its address.
        addr: String,
        /// UDP instead of TCP.
        udp: bool,
        /// Graphite 1.1 tags (`name;k=v`) instead of label values folded into the path.
        tags: bool,
        /// The largest datagram over UDP, in bytes.
        max_packet: usize,
        /// Push settings.
        push: Push,
    },
    /// OTLP over gRPC (`http`: over HTTP/protobuf).
    Otlp {
        /// Its address.
        addr: String,
        /// HTTP/protobuf instead of gRPC.
        http: bool,
        /// Cumulative (default) or delta counters and histograms.
        temporality: Temporality,
        /// Push settings.
        push: Push,
    },
    /// Circonus HTTPTrap.
    Circonus {
        /// The trap URL (`https://…`, or `http://` for tests), secret included.
        url: String,
        /// Push settings.
        push: Push,
    },
    /// Kept in memory, for tests.
    Memory,
    /// Nothing.
    Discard,
}

/// A backend with the settings every scheme takes.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendConfig {
    /// The backend.
    pub backend: Backend,
    /// Series per metric (`None`: the provider's default).
    pub max_series: Option<usize>,
    /// How long a series with no live handle and no update lives (`None`: forever).
    pub idle_expiry: Option<Duration>,
}

/// Which backends receive the numbers; see the [module docs](self).
///
/// ```
/// use kit_metrics::{config::Backend, MetricsConfig};
///
/// let config: MetricsConfig = "prometheus://127.0.0.1:9100,statsd://127.0.0.1:8125?prefix=addsvc.".parse().unwrap();
/// assert_eq!(config.backends.len(), 2);
/// assert!(matches!(config.backends[0].backend, Backend::Prometheus { .. }));
/// assert_eq!(config.to_string(), "prometheus://127.0.0.1:9100,statsd://127.0.0.1:8125?prefix=addsvc.");
/// ```
#[derive(Clone, PartialEq)]
pub struct MetricsConfig {
    /// Every backend, in order.
    pub backends: Vec<BackendConfig>,
    /// The URL text each came from, to write the configuration back.
    sources: Vec<String>,
}

impl fmt::Debug for MetricsConfig {
    /// The backends only: the URL text may hold a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("backends", &self.backends)
            .finish()
    }
}

/// The variable the InfluxDB 2 token is read from when `influxdb2://`
/// starts (never from the URL, so it stays out of configuration files,
/// `Debug` output and errors).
pub const INFLUXDB_TOKEN_VAR: &str = "KIT_INFLUXDB_TOKEN";

/// The variable `MetricsConfig::from_env` reads.
pub const METRICS_VAR: &str = "KIT_METRICS";

impl MetricsConfig {
    /// `KIT_METRICS` (unset or empty: `discard`), every backend turned into
    /// `discard` when `OTEL_SDK_DISABLED=true` — the one `OTEL_*` variable
    /// metrics honour.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// As [`from_env`](Self::from_env), reading the variables through `lookup`.
    ///
    /// ```
    /// use kit_metrics::{config::Backend, MetricsConfig};
    ///
    /// let config = MetricsConfig::from_lookup(|var| match var {
    ///     "KIT_METRICS" => Some("prometheus://127.0.0.1:9100".into()),
    ///     "OTEL_SDK_DISABLED" => Some("true".into()),
    ///     _ => None,
    /// })
    /// .unwrap();
    /// assert_eq!(config.backends[0].backend, Backend::Discard);
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = lookup(METRICS_VAR)
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "discard://".into());
        let mut config: MetricsConfig = text.parse().map_err(|e: ConfigError| {
            ConfigError::new(
                METRICS_VAR,
                redact(&text),
                format!("{}: {}", e.field, e.reason),
            )
        })?;
        let disabled =
            lookup("OTEL_SDK_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if disabled {
            for b in &mut config.backends {
                b.backend = Backend::Discard;
            }
        }
        Ok(config)
    }
}

impl FromStr for MetricsConfig {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut backends = Vec::new();
        let mut sources = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            backends.push(parse_one(part)?);
            sources.push(part.to_owned());
        }
        if backends.is_empty() {
            return Err(ConfigError::new(
                "metrics",
                s,
                "no backend given (use discard:// or none for none)",
            ));
        }
        Ok(MetricsConfig { backends, sources })
    }
}

impl fmt::Display for MetricsConfig {
    /// The URL form, secrets included (it is the configuration); `Debug`
    /// hides them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sources.join(","))
    }
}

/// `text` with any Circonus secret replaced, for errors.
fn redact(text: &str) -> String {
    text.split(',')
        .map(|part| match part.trim().starts_with("circonus+") {
            true => match part.trim().rsplit_once('/') {
                Some((head, _)) => format!("{head}/***"),
                None => part.to_owned(),
            },
            false => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Circonus { url, push } => f
                .debug_struct("Circonus")
                .field("url", &redact(&format!("circonus+{url}")))
                .field("push", push)
                .finish(),
            Backend::Prometheus { addr } => {
                f.debug_struct("Prometheus").field("addr", addr).finish()
            }
            Backend::Pushgateway { addr, job, push } => f
                .debug_struct("Pushgateway")
                .field("addr", addr)
                .field("job", job)
                .field("push", push)
                .finish(),
            Backend::Statsd { addr, push, statsd } | Backend::Dogstatsd { addr, push, statsd } => f
                .debug_struct(if matches!(self, Backend::Statsd { .. }) {
                    "Statsd"
                } else {
                    "Dogstatsd"
                })
                .field("addr", addr)
                .field("push", push)
                .field("statsd", statsd)
                .finish(),
            Backend::Influxdb {
                addr,
                db,
                push,
                precision,
            } => f
                .debug_struct("Influxdb")
                .field("addr", addr)
                .field("db", db)
                .field("push", push)
                .field("precision", precision)
                .finish(),
            Backend::InfluxdbUdp {
                addr,
                max_packet,
                push,
                precision,
            } => f
                .debug_struct("InfluxdbUdp")
                .field("addr", addr)
                .field("max_packet", max_packet)
                .field("push", push)
                .field("precision", precision)
                .finish(),
            Backend::Influxdb2 {
                addr,
                org,
                bucket,
                push,
                precision,
            } => f
                .debug_struct("Influxdb2")
                .field("addr", addr)
                .field("org", org)
                .field("bucket", bucket)
                .field("push", push)
                .field("precision", precision)
                .finish(),
            Backend::Graphite {
                addr,
                udp,
                tags,
                max_packet,
                push,
            } => f
                .debug_struct("Graphite")
                .field("addr", addr)
                .field("udp", udp)
                .field("tags", tags)
                .field("max_packet", max_packet)
                .field("push", push)
                .finish(),
            Backend::Otlp {
                addr,
                http,
                temporality,
                push,
            } => f
                .debug_struct("Otlp")
                .field("addr", addr)
                .field("http", http)
                .field("temporality", temporality)
                .field("push", push)
                .finish(),
            Backend::Memory => f.write_str("Memory"),
            Backend::Discard => f.write_str("Discard"),
        }
    }
}

const SCHEMES: &str = "prometheus, pushgateway, statsd, dogstatsd, influxdb, influxdb+udp, influxdb2, graphite, graphite+udp, otlp, otlp+http, circonus+https, circonus+http, memory, discard (or none)";

/// The query parameters, taken one by one; what is left is unknown.
struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    fn take(&mut self, name: &str) -> Option<String> {
        let i = self.pairs.iter().position(|(k, _)| k == name)?;
        Some(self.pairs.remove(i).1)
    }

    fn required(&mut self, name: &str) -> Result<String, ConfigError> {
        self.take(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConfigError::new(name, "", "required"))
    }

    fn duration(&mut self, name: &str, default: Duration) -> Result<Duration, ConfigError> {
        match self.take(name) {
            None => Ok(default),
            Some(v) => humantime::parse_duration(&v).map_err(|_| {
                ConfigError::new(name, v, "accepted: a duration such as 10s, 500ms, 1m")
            }),
        }
    }

    fn number<T: FromStr>(&mut self, name: &str, what: &str) -> Result<Option<T>, ConfigError> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ConfigError::new(name, v, format!("accepted: {what}"))),
        }
    }

    fn choice<T: Copy>(
        &mut self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> Result<T, ConfigError> {
        match self.take(name) {
            None => Ok(default),
            Some(v) => choices
                .iter()
                .find(|(n, _)| *n == v)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let accepted: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                    ConfigError::new(name, v, format!("accepted: {}", accepted.join(", ")))
                }),
        }
    }

    fn push(&mut self) -> Result<Push, ConfigError> {
        let default = Push::default();
        Ok(Push {
            prefix: self.take("prefix"),
            flush: self.duration("flush", default.flush)?,
            timeout: self.duration("timeout", default.timeout)?,
        })
    }

    /// `max_packet`: the largest datagram, 1432 bytes unless set.
    fn max_packet(&mut self) -> Result<usize, ConfigError> {
        let max_packet = self
            .number("max_packet", "a size in bytes, 64 or more")?
            .unwrap_or(1432);
        if max_packet < 64 {
            return Err(ConfigError::new(
                "max_packet",
                max_packet.to_string(),
                "accepted: a size in bytes, 64 or more",
            ));
        }
        Ok(max_packet)
    }

    fn statsd(&mut self, dogstatsd: bool) -> Result<Statsd, ConfigError> {
        let labels = self.choice(
            "labels",
            &[
                ("fold", StatsdLabels::Fold),
                ("drop", StatsdLabels::Drop),
                ("tags", StatsdLabels::Tags),
            ],
            if dogstatsd {
                StatsdLabels::Tags
            } else {
                StatsdLabels::Fold
            },
        )?;
        let histogram = self.choice(
            "histogram",
            &[
                ("ms", HistogramAs::Ms),
                ("d", HistogramAs::Distribution),
                ("h", HistogramAs::Histogram),
            ],
            if dogstatsd {
                HistogramAs::Distribution
            } else {
                HistogramAs::Ms
            },
        )?;
        let max_packet = self.max_packet()?;
        let sample_rate: f64 = self
            .number("sample_rate", "a number above 0, at most 1")?
            .unwrap_or(1.0);
        if !(sample_rate > 0.0 && sample_rate <= 1.0) {
            return Err(ConfigError::new(
                "sample_rate",
                sample_rate.to_string(),
                "accepted: a number above 0, at most 1",
            ));
        }
        let max_samples = self
            .number("max_samples", "a count of observations")?
            .unwrap_or(1024);
        Ok(Statsd {
            labels,
            max_packet,
            histogram,
            sample_rate,
            max_samples,
        })
    }

    fn precision(&mut self) -> Result<Precision, ConfigError> {
        self.choice(
            "precision",
            &[
                ("ns", Precision::Ns),
                ("us", Precision::Us),
                ("ms", Precision::Ms),
                ("s", Precision::S),
            ],
            Precision::Ns,
        )
    }

    /// Fails on the first parameter nobody took.
    fn done(self, scheme: &str, accepted: &str) -> Result<(), ConfigError> {
        match self.pairs.into_iter().next() {
            None => Ok(()),
            Some((name, value)) => Err(ConfigError::new(
                name,
                value,
                format!("unknown parameter for {scheme} (accepted: {accepted})"),
            )),
        }
    }
}

fn addr(url: &Url, scheme: &str) -> Result<String, ConfigError> {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) if !host.is_empty() => Ok(format!("{host}:{port}")),
        _ => Err(ConfigError::new(
            "address",
            url.as_str(),
            format!("{scheme} needs host:port, e.g. {scheme}://127.0.0.1:8125"),
        )),
    }
}

fn parse_one(text: &str) -> Result<BackendConfig, ConfigError> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(BackendConfig {
            backend: Backend::Discard,
            max_series: None,
            idle_expiry: None,
        });
    }
    let url = Url::parse(text).map_err(|e| ConfigError::new("url", redact(text), e.to_string()))?;
    let scheme = url.scheme().to_owned();
    let mut q = Query {
        pairs: url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    };
    let max_series = q.number("max_series", "a count of series")?;
    let idle_expiry =
        match q.take("idle_expiry") {
            None => None,
            Some(v) => Some(humantime::parse_duration(&v).map_err(|_| {
                ConfigError::new("idle_expiry", v, "accepted: a duration such as 10m")
            })?),
        };
    const PUSH: &str = "prefix, flush, timeout, max_series, idle_expiry";
    let statsd_params = format!("{PUSH}, labels, max_packet, histogram, sample_rate, max_samples");
    let backend = match scheme.as_str() {
        "prometheus" => {
            let b = Backend::Prometheus {
                addr: addr(&url, &scheme)?,
            };
            q.done(&scheme, "max_series, idle_expiry")?;
            b
        }
        "pushgateway" => {
            let b = Backend::Pushgateway {
                addr: addr(&url, &scheme)?,
                job: q.required("job")?,
                push: q.push()?,
            };
            q.done(&scheme, &format!("job, {PUSH}"))?;
            b
        }
        "statsd" | "dogstatsd" => {
            let dog = scheme == "dogstatsd";
            let (addr, push, statsd) = (addr(&url, &scheme)?, q.push()?, q.statsd(dog)?);
            q.done(&scheme, &statsd_params)?;
            if dog {
                Backend::Dogstatsd { addr, push, statsd }
            } else {
                Backend::Statsd { addr, push, statsd }
            }
        }
        "influxdb" => {
            let db = url.path().trim_matches('/').to_owned();
            if db.is_empty() || db.contains('/') {
                return Err(ConfigError::new(
                    "database",
                    db,
                    "influxdb needs one database in the path: influxdb://host:8086/mydb",
                ));
            }
            let b = Backend::Influxdb {
                addr: addr(&url, &scheme)?,
                db,
                push: q.push()?,
                precision: q.precision()?,
            };
            q.done(&scheme, &format!("{PUSH}, precision"))?;
            b
        }
        "influxdb+udp" => {
            let b = Backend::InfluxdbUdp {
                addr: addr(&url, &scheme)?,
                max_packet: q.max_packet()?,
                push: q.push()?,
                precision: q.precision()?,
            };
            q.done(&scheme, &format!("{PUSH}, precision, max_packet"))?;
            b
        }
        "influxdb2" => {
            let b = Backend::Influxdb2 {
                addr: addr(&url, &scheme)?,
                org: q.required("org")?,
                bucket: q.required("bucket")?,
                push: q.push()?,
                precision: q.precision()?,
            };
            q.done(&scheme, &format!("org, bucket, {PUSH}, precision"))?;
            b
        }
        "graphite" | "graphite+udp" => {
            let udp = scheme == "graphite+udp";
            let b = Backend::Graphite {
                addr: addr(&url, &scheme)?,
                udp,
                tags: q.choice("tags", &[("true", true), ("false", false)], true)?,
                max_packet: if udp { q.max_packet()? } else { 1432 },
                push: q.push()?,
            };
            if udp {
                q.done(&scheme, &format!("{PUSH}, tags, max_packet"))?;
            } else {
                q.done(&scheme, &format!("{PUSH}, tags"))?;
            }
            b
        }
        "otlp" | "otlp+http" => {
            let b = Backend::Otlp {
                addr: addr(&url, &scheme)?,
                http: scheme == "otlp+http",
                temporality: q.choice(
                    "temporality",
                    &[
                        ("cumulative", Temporality::Cumulative),
                        ("delta", Temporality::Delta),
                    ],
                    Temporality::Cumulative,
                )?,
                push: q.push()?,
            };
            q.done(&scheme, &format!("{PUSH}, temporality"))?;
            b
        }
        "circonus+https" | "circonus+http" => {
            let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
            let ok = url.host_str().is_some_and(|h| !h.is_empty())
                && segments.len() >= 4
                && segments[segments.len() - 4..segments.len() - 2] == ["module", "httptrap"]
                && segments[segments.len() - 2..].iter().all(|s| !s.is_empty());
            if !ok {
                return Err(ConfigError::new(
                    "url",
                    redact(text),
                    "circonus needs circonus+https://host/module/httptrap/UUID/SECRET",
                ));
            }
            let push = q.push()?;
            q.done(&scheme, PUSH)?;
            let mut plain = url.clone();
            plain.set_query(None);
            Backend::Circonus {
                url: plain.as_str().trim_start_matches("circonus+").to_owned(),
                push,
            }
        }
        "memory" | "discard" => {
            q.done(&scheme, "max_series, idle_expiry")?;
            if scheme == "memory" {
                Backend::Memory
            } else {
                Backend::Discard
            }
        }
        _ => {
            return Err(ConfigError::new(
                "scheme",
                scheme,
                format!("accepted: {SCHEMES}"),
            ))
        }
    };
    Ok(BackendConfig {
        backend,
        max_series,
        idle_expiry,
    })
}

impl serde::Serialize for MetricsConfig {
    /// The URL form, as one string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for MetricsConfig {
    /// A string in the URL form, or a list of URLs.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MetricsConfig;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a metrics URL (\"prometheus://127.0.0.1:9100\"), a comma-separated list, or a list of URLs")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MetricsConfig, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<MetricsConfig, A::Error> {
                let mut urls: Vec<String> = Vec::new();
                while let Some(url) = seq.next_element::<String>()? {
                    urls.push(url);
                }
                urls.join(",").parse().map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
