//! Which exporter, sampler and propagators tracing uses: configuration,
//! never code. kit validates every value itself, before the OpenTelemetry
//! SDK sees it: a bad value is an error naming its variable or parameter.
//!
//! The URL form (`KIT_TRACING`, or a [`TracingConfig`] parsed from text):
//!
//! | URL | Exporter |
//! |---|---|
//! | `otlp://127.0.0.1:4317` | OTLP over gRPC |
//! | `otlp+http://127.0.0.1:4318` | OTLP over HTTP/protobuf (`/v1/traces`) |
//! | `zipkin://127.0.0.1:9411` | Zipkin v2 JSON (`/api/v2/spans`) |
//! | `stdout://` | human-readable spans on standard output, for development |
//! | `none` | nothing (spans are still made for propagation and logs) |
//!
//! Query parameters: `service` (the service name), `sampler` and
//! `sampler_arg` (as `OTEL_TRACES_SAMPLER`), `propagators` (as
//! `OTEL_PROPAGATORS`, comma-separated), `timeout` (`10s`, `500ms`).
//!
//! The standard variables, read by [`TracingConfig::from_env`]:
//!
//! | Variable | Values | Default |
//! |---|---|---|
//! | `OTEL_SDK_DISABLED` | `true`, `false` | `false`; `true` turns tracing off whatever else is set |
//! | `OTEL_SERVICE_NAME` | text | `service.name` of `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service` |
//! | `OTEL_RESOURCE_ATTRIBUTES` | `k=v,k2=v2` (values percent-decoded) | none |
//! | `OTEL_TRACES_EXPORTER` | `otlp`, `zipkin`, `console` (or `stdout`), `none` | `none` unless an OTLP endpoint variable is set (kit sends nowhere unasked) |
//! | `OTEL_EXPORTER_OTLP_ENDPOINT` | base URL, `http://host:port` | `http://localhost:4317` (gRPC), `http://localhost:4318` (HTTP) |
//! | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | URL (for HTTP, the full path) | from the above |
//! | `OTEL_EXPORTER_OTLP_PROTOCOL`, `…_TRACES_PROTOCOL` | `grpc`, `http/protobuf` | `grpc` |
//! | `OTEL_EXPORTER_OTLP_HEADERS`, `…_TRACES_HEADERS` | `k=v,k2=v2` (percent-decoded; never shown in `Debug` or errors) | none |
//! | `OTEL_EXPORTER_OTLP_TIMEOUT`, `…_TRACES_TIMEOUT` | milliseconds | `10000` |
//! | `OTEL_TRACES_SAMPLER` | `always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio` | `parentbased_always_on` |
//! | `OTEL_TRACES_SAMPLER_ARG` | a ratio, 0 to 1 (for the ratio samplers) | `1` |
//! | `OTEL_PROPAGATORS` | `tracecontext`, `baggage`, `b3`, `b3multi`, `none`, comma-separated | `tracecontext,baggage` |
//! | `OTEL_EXPORTER_ZIPKIN_ENDPOINT` | URL | `http://localhost:9411/api/v2/spans` |
//! | `OTEL_EXPORTER_ZIPKIN_TIMEOUT` | milliseconds | `10000` |
//!
//! **Precedence**: `OTEL_SDK_DISABLED=true` turns everything off. Otherwise,
//! when `KIT_TRACING` is set it chooses the exporter and its endpoint, and
//! its query parameters win over the variables; the `OTEL_*` variables fill
//! in what it does not say (service name, resource, sampler, propagators,
//! OTLP headers and timeout). Without `KIT_TRACING`, the `OTEL_*` variables
//! decide alone.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::propagation::{Format, Propagators};

/// A setting kit cannot use: which variable or parameter, the value (a
/// secret shown as `***`), and what is accepted.
///
/// ```
/// let err = kit_tracing::TracingConfig::from_lookup(|v| {
///     (v == "OTEL_TRACES_SAMPLER").then(|| "sometimes".to_string())
/// })
/// .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "OTEL_TRACES_SAMPLER=\"sometimes\": accepted: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    setting: String,
    value: String,
    reason: String,
}

impl ConfigError {
    fn new(setting: &str, value: &str, reason: impl Into<String>) -> Self {
        ConfigError {
            setting: setting.to_owned(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }

    /// The variable or parameter at fault.
    pub fn setting(&self) -> &str {
        &self.setting
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}: {}", self.setting, self.value, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// OTLP's transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// gRPC.
    Grpc,
    /// HTTP with protobuf bodies.
    HttpProtobuf,
}

/// Where spans go.
#[derive(Clone, PartialEq)]
pub enum Exporter {
    /// OTLP.
    Otlp {
        /// gRPC: `http://host:port`; HTTP: the full URL of `/v1/traces`.
        endpoint: String,
        /// The transport.
        protocol: Protocol,
        /// Extra request headers (often a credential: never shown).
        headers: Vec<(String, String)>,
        /// How long one export may take.
        timeout: Duration,
    },
    /// Zipkin v2 JSON.
    Zipkin {
        /// The full URL of `/api/v2/spans`.
        endpoint: String,
        /// How long one export may take.
        timeout: Duration,
    },
    /// Human-readable spans on standard output.
    Stdout,
    /// Nothing.
    None,
}

impl fmt::Debug for Exporter {
    /// Header values are never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exporter::Otlp {
                endpoint,
                protocol,
                headers,
                timeout,
            } => f
                .debug_struct("Otlp")
                .field("endpoint", endpoint)
                .field("protocol", protocol)
                .field(
                    "headers",
                    &headers
                        .iter()
                        .map(|(k, _)| (k.as_str(), "***"))
                        .collect::<Vec<_>>(),
                )
                .field("timeout", timeout)
                .finish(),
            Exporter::Zipkin { endpoint, timeout } => f
                .debug_struct("Zipkin")
                .field("endpoint", endpoint)
                .field("timeout", timeout)
                .finish(),
            Exporter::Stdout => f.write_str("Stdout"),
            Exporter::None => f.write_str("None"),
        }
    }
}

/// Which spans are recorded and exported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampler {
    /// Every span.
    AlwaysOn,
    /// None.
    AlwaysOff,
    /// This fraction of traces, by trace id.
    TraceIdRatio(f64),
    /// As the parent decided; roots always.
    ParentBasedAlwaysOn,
    /// As the parent decided; roots never.
    ParentBasedAlwaysOff,
    /// As the parent decided; roots by trace-id ratio.
    ParentBasedTraceIdRatio(f64),
}

const SAMPLERS: &str = "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio";

fn sampler(setting: &str, name: &str, arg: Option<(&str, &str)>) -> Result<Sampler, ConfigError> {
    let ratio = || -> Result<f64, ConfigError> {
        match arg {
            None => Ok(1.0),
            Some((arg_setting, text)) => match text.trim().parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                _ => Err(ConfigError::new(
                    arg_setting,
                    text,
                    "accepted: a ratio from 0 to 1",
                )),
            },
        }
    };
    Ok(match name.trim() {
        "always_on" => Sampler::AlwaysOn,
        "always_off" => Sampler::AlwaysOff,
        "traceidratio" => Sampler::TraceIdRatio(ratio()?),
        "parentbased_always_on" => Sampler::ParentBasedAlwaysOn,
        "parentbased_always_off" => Sampler::ParentBasedAlwaysOff,
        "parentbased_traceidratio" => Sampler::ParentBasedTraceIdRatio(ratio()?),
        _ => {
            return Err(ConfigError::new(
                setting,
                name,
                format!("accepted: {SAMPLERS}"),
            ))
        }
    })
}

/// The whole tracing configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct TracingConfig {
    /// Where spans go.
    pub exporter: Exporter,
    /// Which spans are kept.
    pub sampler: Sampler,
    /// Formats read from and written to requests, in order.
    pub propagators: Vec<Format>,
    /// The resource's `service.name`.
    pub service_name: String,
    /// Other resource attributes.
    pub resource: Vec<(String, String)>,
}

impl Default for TracingConfig {
    /// Off: no exporter, parent-based sampling, W3C propagation.
    fn default() -> Self {
        TracingConfig {
            exporter: Exporter::None,
            sampler: Sampler::ParentBasedAlwaysOn,
            propagators: vec![Format::TraceContext, Format::Baggage],
            service_name: "unknown_service".into(),
            resource: Vec::new(),
        }
    }
}

/// The variable [`TracingConfig::from_env`] reads besides the `OTEL_*` ones.
pub const TRACING_VAR: &str = "KIT_TRACING";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

fn millis(setting: &str, text: &str) -> Result<Duration, ConfigError> {
    text.trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| ConfigError::new(setting, text, "accepted: a number of milliseconds"))
}

fn boolean(setting: &str, text: &str) -> Result<bool, ConfigError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err(ConfigError::new(setting, text, "accepted: true, false")),
    }
}

/// `k=v,k2=v2` with percent-decoded values (W3C-baggage-like, as the
/// OpenTelemetry spec has it). `secret`: the value is not repeated in errors.
fn pairs(setting: &str, text: &str, secret: bool) -> Result<Vec<(String, String)>, ConfigError> {
    let shown = if secret { "***" } else { text };
    let mut out = Vec::new();
    for member in text.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let Some((k, v)) = member.split_once('=') else {
            return Err(ConfigError::new(
                setting,
                shown,
                "accepted: key=value pairs, comma-separated",
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        let v = crate::propagation::baggage::percent_decode(v).ok_or_else(|| {
            ConfigError::new(setting, shown, "a value is not valid percent-encoding")
        })?;
        if k.is_empty() {
            return Err(ConfigError::new(setting, shown, "a key is empty"));
        }
        out.push((k.to_owned(), v));
    }
    Ok(out)
}

/// An `http://` endpoint's `host:port` part is checked; the URL is kept.
fn http_url(setting: &str, text: &str) -> Result<String, ConfigError> {
    let text = text.trim();
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .ok_or_else(|| ConfigError::new(setting, text, "accepted: an http:// or https:// URL"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains(char::is_whitespace) {
        return Err(ConfigError::new(setting, text, "the URL has no host"));
    }
    Ok(text.to_owned())
}

fn propagators(setting: &str, text: &str) -> Result<Vec<Format>, ConfigError> {
    text.parse::<Propagators>()
        .map(|p| p.formats().to_vec())
        .map_err(|e| {
            ConfigError::new(
                setting,
                text,
                format!("accepted: tracecontext, baggage, b3, b3multi, none ({e})"),
            )
        })
}

impl TracingConfig {
    /// Reads `KIT_TRACING` and the `OTEL_*` variables (table and precedence
    /// in the [module docs](self)).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// As [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// ```
    /// use kit_tracing::config::{Exporter, Protocol, Sampler, TracingConfig};
    ///
    /// let config = TracingConfig::from_lookup(|var| match var {
    ///     "KIT_TRACING" => Some("otlp+http://127.0.0.1:4318?service=addsvc".into()),
    ///     "OTEL_TRACES_SAMPLER" => Some("traceidratio".into()),
    ///     "OTEL_TRACES_SAMPLER_ARG" => Some("0.25".into()),
    ///     _ => None,
    /// })
    /// .unwrap();
    /// assert_eq!(config.service_name, "addsvc");
    /// assert_eq!(config.sampler, Sampler::TraceIdRatio(0.25));
    /// assert!(matches!(
    ///     config.exporter,
    ///     Exporter::Otlp { protocol: Protocol::HttpProtobuf, ref endpoint, .. } if endpoint == "http://127.0.0.1:4318/v1/traces"
    /// ));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &str| lookup(var).filter(|v| !v.trim().is_empty());
        let mut config = TracingConfig::default();
        if let Some(v) = get("OTEL_SDK_DISABLED") {
            if boolean("OTEL_SDK_DISABLED", &v)? {
                return Ok(config);
            }
        }
        // Resource and service name.
        if let Some(v) = get("OTEL_RESOURCE_ATTRIBUTES") {
            config.resource = pairs("OTEL_RESOURCE_ATTRIBUTES", &v, false)?;
            if let Some((_, name)) = config.resource.iter().find(|(k, _)| k == "service.name") {
                config.service_name = name.clone();
            }
            config.resource.retain(|(k, _)| k != "service.name");
        }
        if let Some(v) = get("OTEL_SERVICE_NAME") {
            config.service_name = v.trim().to_owned();
        }
        if let Some(name) = get("OTEL_TRACES_SAMPLER") {
            let arg = get("OTEL_TRACES_SAMPLER_ARG");
            config.sampler = sampler(
                "OTEL_TRACES_SAMPLER",
                &name,
                arg.as_deref().map(|a| ("OTEL_TRACES_SAMPLER_ARG", a)),
            )?;
        }
        if let Some(v) = get("OTEL_PROPAGATORS") {
            config.propagators = propagators("OTEL_PROPAGATORS", &v)?;
        }
        // OTLP settings, traces-specific variables first.
        let either = |specific: &'static str, general: &'static str| {
            get(specific)
                .map(|v| (specific, v))
                .or_else(|| get(general).map(|v| (general, v)))
        };
        let protocol = match either(
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ) {
            None => Protocol::Grpc,
            Some((var, v)) => match v.trim() {
                "grpc" => Protocol::Grpc,
                "http/protobuf" => Protocol::HttpProtobuf,
                "http/json" => {
                    return Err(ConfigError::new(
                        var,
                        &v,
                        "http/json is not supported: accepted: grpc, http/protobuf",
                    ))
                }
                _ => return Err(ConfigError::new(var, &v, "accepted: grpc, http/protobuf")),
            },
        };
        let headers = match either(
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS",
        ) {
            None => Vec::new(),
            Some((var, v)) => pairs(var, &v, true)?,
        };
        let otlp_timeout = match either(
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
        ) {
            None => DEFAULT_TIMEOUT,
            Some((var, v)) => millis(var, &v)?,
        };
        let otlp_endpoint = match get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            Some(v) => Some(http_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &v)?),
            None => match get("OTEL_EXPORTER_OTLP_ENDPOINT") {
                Some(v) => {
                    let base = http_url("OTEL_EXPORTER_OTLP_ENDPOINT", &v)?;
                    Some(match protocol {
                        Protocol::Grpc => base,
                        Protocol::HttpProtobuf => {
                            format!("{}/v1/traces", base.trim_end_matches('/'))
                        }
                    })
                }
                None => None,
            },
        };
        let zipkin_timeout = match get("OTEL_EXPORTER_ZIPKIN_TIMEOUT") {
            None => DEFAULT_TIMEOUT,
            Some(v) => millis("OTEL_EXPORTER_ZIPKIN_TIMEOUT", &v)?,
        };
        let zipkin_endpoint = match get("OTEL_EXPORTER_ZIPKIN_ENDPOINT") {
            None => "http://localhost:9411/api/v2/spans".to_owned(),
            Some(v) => http_url("OTEL_EXPORTER_ZIPKIN_ENDPOINT", &v)?,
        };
        let otlp = |endpoint: Option<String>| Exporter::Otlp {
            endpoint: endpoint.unwrap_or_else(|| match protocol {
                Protocol::Grpc => "http://localhost:4317".into(),
                Protocol::HttpProtobuf => "http://localhost:4318/v1/traces".into(),
            }),
            protocol,
            headers: headers.clone(),
            timeout: otlp_timeout,
        };
        config.exporter = match get("OTEL_TRACES_EXPORTER") {
            None if otlp_endpoint.is_some() => otlp(otlp_endpoint.clone()),
            None => Exporter::None,
            Some(v) => match v.trim() {
                "otlp" => otlp(otlp_endpoint.clone()),
                "zipkin" => Exporter::Zipkin {
                    endpoint: zipkin_endpoint,
                    timeout: zipkin_timeout,
                },
                "console" | "stdout" | "logging" => Exporter::Stdout,
                "none" => Exporter::None,
                _ => {
                    return Err(ConfigError::new(
                        "OTEL_TRACES_EXPORTER",
                        &v,
                        "accepted: otlp, zipkin, console, none",
                    ))
                }
            },
        };
        if let Some(url) = get(TRACING_VAR) {
            config.apply_url(&url, &headers, otlp_timeout)?;
        }
        Ok(config)
    }

    /// Applies a `KIT_TRACING` URL over what the variables said.
    fn apply_url(
        &mut self,
        text: &str,
        headers: &[(String, String)],
        otlp_timeout: Duration,
    ) -> Result<(), ConfigError> {
        let text = text.trim();
        if text == "none" {
            self.exporter = Exporter::None;
            return Ok(());
        }
        let (scheme, rest) = text.split_once("://").ok_or_else(|| {
            ConfigError::new(TRACING_VAR, text, "accepted: otlp://host:port, otlp+http://host:port, zipkin://host:port, stdout://, none")
        })?;
        let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
        let authority = authority.trim_end_matches('/');
        let mut timeout = None;
        for param in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = param.split_once('=').unwrap_or((param, ""));
            let v = crate::propagation::baggage::percent_decode(v)
                .ok_or_else(|| ConfigError::new(k, v, "not valid percent-encoding"))?;
            match k {
                "service" => self.service_name = v,
                "sampler" => {
                    let arg = query
                        .split('&')
                        .find_map(|p| p.strip_prefix("sampler_arg="))
                        .map(|a| ("sampler_arg", a));
                    self.sampler = sampler("sampler", &v, arg)?;
                }
                "sampler_arg" => {}
                "propagators" => self.propagators = propagators("propagators", &v)?,
                "timeout" => {
                    timeout = Some(humantime_like(&v).ok_or_else(|| {
                        ConfigError::new("timeout", &v, "accepted: a duration such as 10s or 500ms")
                    })?)
                }
                other => {
                    return Err(ConfigError::new(
                        other,
                        &v,
                        "unknown parameter: accepted: service, sampler, sampler_arg, propagators, timeout",
                    ))
                }
            }
        }
        let needs_host = |what: &str| -> Result<(), ConfigError> {
            if authority.is_empty() || authority.contains(['/', ' ']) {
                return Err(ConfigError::new(
                    TRACING_VAR,
                    text,
                    format!("{what} needs host:port"),
                ));
            }
            Ok(())
        };
        self.exporter = match scheme {
            "otlp" | "otlp+http" => {
                needs_host(scheme)?;
                let http = scheme == "otlp+http";
                Exporter::Otlp {
                    endpoint: if http {
                        format!("http://{authority}/v1/traces")
                    } else {
                        format!("http://{authority}")
                    },
                    protocol: if http {
                        Protocol::HttpProtobuf
                    } else {
                        Protocol::Grpc
                    },
                    headers: headers.to_vec(),
                    timeout: timeout.unwrap_or(otlp_timeout),
                }
            }
            "zipkin" => {
                needs_host(scheme)?;
                Exporter::Zipkin {
                    endpoint: format!("http://{authority}/api/v2/spans"),
                    timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
                }
            }
            "stdout" => Exporter::Stdout,
            other => {
                return Err(ConfigError::new(
                    "scheme",
                    other,
                    "accepted: otlp, otlp+http, zipkin, stdout, none",
                ))
            }
        };
        Ok(())
    }
}

/// `10s`, `500ms`, `2m`.
fn humantime_like(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        "m" => Some(Duration::from_secs(n * 60)),
        _ => None,
    }
}

impl FromStr for TracingConfig {
    type Err = ConfigError;

    /// The URL form alone (no variables read).
    ///
    /// ```
    /// let config: kit_tracing::TracingConfig = "zipkin://127.0.0.1:9411?propagators=b3".parse().unwrap();
    /// assert!(matches!(config.exporter, kit_tracing::config::Exporter::Zipkin { .. }));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut config = TracingConfig::default();
        config.apply_url(s, &[], DEFAULT_TIMEOUT)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<TracingConfig, ConfigError> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TracingConfig::from_lookup(|v| map.get(v).cloned())
    }

    #[test]
    fn nothing_set_is_off_with_w3c_propagation() {
        let c = env(&[]).unwrap();
        assert_eq!(c.exporter, Exporter::None);
        assert_eq!(c.propagators, [Format::TraceContext, Format::Baggage]);
        assert_eq!(c.sampler, Sampler::ParentBasedAlwaysOn);
        assert_eq!(c.service_name, "unknown_service");
    }

    #[test]
    fn otel_variables() {
        let c = env(&[
            ("OTEL_SERVICE_NAME", "addsvc"),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.name=other,deployment.environment=prod%20eu",
            ),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer%20s3cr3t",
            ),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"),
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
            ("OTEL_PROPAGATORS", "b3multi,tracecontext"),
        ])
        .unwrap();
        assert_eq!(
            c.service_name, "addsvc",
            "OTEL_SERVICE_NAME wins over the resource"
        );
        assert_eq!(
            c.resource,
            [("deployment.environment".to_string(), "prod eu".to_string())]
        );
        assert_eq!(c.sampler, Sampler::ParentBasedTraceIdRatio(0.1));
        assert_eq!(c.propagators, [Format::B3Multi, Format::TraceContext]);
        match &c.exporter {
            Exporter::Otlp {
                endpoint,
                protocol,
                headers,
                timeout,
            } => {
                assert_eq!(endpoint, "http://collector:4318/v1/traces");
                assert_eq!(*protocol, Protocol::HttpProtobuf);
                assert_eq!(headers[0].1, "Bearer s3cr3t");
                assert_eq!(*timeout, Duration::from_millis(2500));
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{c:?}").contains("s3cr3t"), "{c:?}");
    }

    #[test]
    fn every_bad_value_names_its_variable() {
        for (var, value) in [
            ("OTEL_SDK_DISABLED", "yes"),
            ("OTEL_TRACES_EXPORTER", "jaeger"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "10s"),
            ("OTEL_TRACES_SAMPLER", "sometimes"),
            ("OTEL_PROPAGATORS", "jaeger"),
            ("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "zipkin:9411"),
            ("OTEL_EXPORTER_ZIPKIN_TIMEOUT", "-1"),
            ("OTEL_RESOURCE_ATTRIBUTES", "novalue"),
            ("KIT_TRACING", "jaeger://x:1"),
        ] {
            let err = env(&[(var, value)]).unwrap_err();
            assert!(
                err.setting() == var || (var == "KIT_TRACING" && err.setting() == "scheme"),
                "{var}: {err}"
            );
        }
        let err = env(&[
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "2"),
        ])
        .unwrap_err();
        assert_eq!(err.setting(), "OTEL_TRACES_SAMPLER_ARG");
        let err = env(&[("OTEL_EXPORTER_OTLP_HEADERS", "k=%zz-s3cr3t")]).unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }

    #[test]
    fn kit_tracing_chooses_the_exporter_and_its_parameters_win() {
        let c = env(&[
            (
                "KIT_TRACING",
                "otlp://127.0.0.1:4317?sampler=always_off&propagators=b3&timeout=3s",
            ),
            ("OTEL_TRACES_EXPORTER", "zipkin"),
            ("OTEL_TRACES_SAMPLER", "always_on"),
            ("OTEL_SERVICE_NAME", "from-env"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "k=v"),
        ])
        .unwrap();
        assert_eq!(c.sampler, Sampler::AlwaysOff);
        assert_eq!(c.propagators, [Format::B3]);
        assert_eq!(c.service_name, "from-env", "filled in by the variables");
        match c.exporter {
            Exporter::Otlp {
                endpoint,
                protocol,
                headers,
                timeout,
            } => {
                assert_eq!(
                    (endpoint.as_str(), protocol),
                    ("http://127.0.0.1:4317", Protocol::Grpc)
                );
                assert_eq!(headers.len(), 1);
                assert_eq!(timeout, Duration::from_secs(3));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            env(&[("KIT_TRACING", "stdout://")]).unwrap().exporter,
            Exporter::Stdout
        );
        assert_eq!(
            env(&[("KIT_TRACING", "none"), ("OTEL_TRACES_EXPORTER", "otlp")])
                .unwrap()
                .exporter,
            Exporter::None
        );
        assert!(env(&[("KIT_TRACING", "otlp://?x=1")]).is_err());
        assert!(env(&[("KIT_TRACING", "zipkin://h:9411?colour=blue")])
            .unwrap_err()
            .to_string()
            .contains("unknown parameter"));
    }

    #[test]
    fn otel_sdk_disabled_wins() {
        let c = env(&[
            ("OTEL_SDK_DISABLED", "true"),
            ("KIT_TRACING", "otlp://h:4317"),
            ("OTEL_TRACES_SAMPLER", "bad"),
        ])
        .unwrap();
        assert_eq!(c.exporter, Exporter::None);
    }
}

/// The serde form's fields (a table in TOML, an object in JSON).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    exporter: Option<String>,
    service: Option<String>,
    sampler: Option<String>,
    sampler_arg: Option<f64>,
    propagators: Option<Propagation>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Propagation {
    Text(String),
    List(Vec<String>),
}

impl<'de> serde::Deserialize<'de> for TracingConfig {
    /// The URL form as a string, or fields: `exporter` (a URL), `service`,
    /// `sampler`, `sampler_arg`, `propagators` (a list or a
    /// comma-separated string); each validated as the variables are.
    ///
    /// ```
    /// use kit_tracing::config::{Sampler, TracingConfig};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Settings { tracing: TracingConfig }
    ///
    /// let s: Settings = toml::from_str(r#"
    ///     [tracing]
    ///     exporter = "otlp://127.0.0.1:4317"
    ///     service = "addsvc"
    ///     sampler = "parentbased_traceidratio"
    ///     sampler_arg = 0.5
    ///     propagators = ["tracecontext", "b3"]
    /// "#).unwrap();
    /// assert_eq!(s.tracing.sampler, Sampler::ParentBasedTraceIdRatio(0.5));
    /// assert_eq!(s.tracing.service_name, "addsvc");
    /// ```
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Result<TracingConfig, Fields>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a tracing URL (\"otlp://127.0.0.1:4317\") or a table of tracing settings",
                )
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map(Ok).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                use serde::Deserialize;
                Fields::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Err)
            }
        }
        let fields = match deserializer.deserialize_any(Visitor)? {
            Ok(config) => return Ok(config),
            Err(fields) => fields,
        };
        let mut config: TracingConfig = match &fields.exporter {
            Some(url) => url.parse().map_err(D::Error::custom)?,
            None => TracingConfig::default(),
        };
        if let Some(service) = fields.service {
            config.service_name = service;
        }
        if let Some(name) = &fields.sampler {
            let arg = fields.sampler_arg.map(|a| a.to_string());
            config.sampler = sampler("sampler", name, arg.as_deref().map(|a| ("sampler_arg", a)))
                .map_err(D::Error::custom)?;
        }
        if let Some(p) = fields.propagators {
            let text = match p {
                Propagation::Text(t) => t,
                Propagation::List(l) => l.join(","),
            };
            config.propagators = propagators("propagators", &text).map_err(D::Error::custom)?;
        }
        Ok(config)
    }
}
