//! Where addsvc and addcli read their settings: the environment, then a
//! TOML file given with `--config FILE` holding the same variables, then
//! the embedded defaults. The environment wins, so one variable can
//! override a file for one run.
//!
//! ```toml
//! # addsvc.toml
//! ADDSVC_HTTP_ADDR = "127.0.0.1:8080"
//! KIT_LOG_FORMAT = "json"
//! KIT_METRICS = "statsd://127.0.0.1:8125"
//! KIT_TRACING = "otlp://127.0.0.1:4317"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Where the service listens, unless `ADDSVC_HTTP_ADDR` says otherwise.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";
/// The metrics backend, unless `KIT_METRICS` says otherwise: Prometheus
/// `/metrics` on loopback.
pub const DEFAULT_METRICS: &str = "prometheus://127.0.0.1:9100";

/// The variables a file may set (and every `OTEL_*` one).
const KNOWN: [&str; 6] = [
    "ADDSVC_HTTP_ADDR",
    "KIT_LOG_FORMAT",
    "KIT_LOG_LEVEL",
    "KIT_METRICS",
    "KIT_TRACING",
    "KIT_INFLUXDB_TOKEN",
];

/// A setting that could not be read.
#[derive(Debug)]
pub struct SettingsError(String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SettingsError {}

/// Reads a variable of the process environment (or a stand-in for tests).
type Lookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The variables, from the environment, a file, and the defaults.
///
/// ```
/// use kit_examples::config::Settings;
///
/// let settings = Settings::from_toml("KIT_LOG_FORMAT = \"json\"", |_| None).unwrap();
/// assert_eq!(settings.get("KIT_LOG_FORMAT").as_deref(), Some("json"));
/// assert_eq!(settings.get("KIT_METRICS").as_deref(), Some("prometheus://127.0.0.1:9100"));
/// assert!(Settings::from_toml("KIT_LOG_FROMAT = \"json\"", |_| None).is_err());
/// ```
pub struct Settings {
    env: Lookup,
    file: BTreeMap<String, String>,
}

impl fmt::Debug for Settings {
    /// The names of the file's variables only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("file", &self.file.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Settings {
    /// The process environment, and `--config FILE` when `args` has it.
    pub fn load(args: &[String]) -> Result<Settings, SettingsError> {
        let env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        match config_file(args)? {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| SettingsError(format!("cannot read {}: {e}", path.display())))?;
                Settings::from_toml(&text, env)
                    .map_err(|e| SettingsError(format!("{}: {e}", path.display())))
            }
            None => Ok(Settings {
                env: Box::new(env),
                file: BTreeMap::new(),
            }),
        }
    }

    /// `text` (TOML: variable = value) under the variables `env` gives.
    pub fn from_toml(
        text: &str,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Settings, SettingsError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| SettingsError(format!("not TOML: {}", e.message())))?;
        let mut file = BTreeMap::new();
        for (key, value) in table {
            if !KNOWN.contains(&key.as_str()) && !key.starts_with("OTEL_") {
                return Err(SettingsError(format!(
                    "unknown setting {key:?} (known: {}, and OTEL_* variables)",
                    KNOWN.join(", ")
                )));
            }
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => return Err(SettingsError(format!("{key}: a string, number or boolean"))),
            };
            file.insert(key, value);
        }
        Ok(Settings {
            env: Box::new(env),
            file,
        })
    }

    /// The value of `var`: the environment's, the file's, or the default.
    pub fn get(&self, var: &str) -> Option<String> {
        (self.env)(var)
            .or_else(|| self.file.get(var).cloned())
            .or_else(|| match var {
                "ADDSVC_HTTP_ADDR" => Some(DEFAULT_HTTP_ADDR.into()),
                "KIT_METRICS" => Some(DEFAULT_METRICS.into()),
                _ => None,
            })
    }

    /// The logger: `KIT_LOG_FORMAT`, `KIT_LOG_LEVEL`.
    pub fn log(&self) -> Result<kit_log::EnvConfig, SettingsError> {
        kit_log::EnvConfig::from_lookup(|v| self.get(v)).map_err(|e| SettingsError(e.to_string()))
    }

    /// The metrics: `KIT_METRICS`, `OTEL_SDK_DISABLED`.
    pub fn metrics(&self) -> Result<kit_metrics::MetricsConfig, SettingsError> {
        kit_metrics::MetricsConfig::from_lookup(|v| self.get(v))
            .map_err(|e| SettingsError(e.to_string()))
    }

    /// The tracing: `KIT_TRACING` and the `OTEL_*` variables; the service
    /// is named `service` unless they name it.
    pub fn tracing(&self, service: &str) -> Result<kit_tracing::TracingConfig, SettingsError> {
        let mut config = kit_tracing::TracingConfig::from_lookup(|v| self.get(v))
            .map_err(|e| SettingsError(e.to_string()))?;
        if config.service_name == "unknown_service" {
            config.service_name = service.to_owned();
        }
        Ok(config)
    }
}

/// The path after `--config` (or in `--config=PATH`), if any.
fn config_file(args: &[String]) -> Result<Option<std::path::PathBuf>, SettingsError> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--config" {
            return match args.next() {
                Some(path) => Ok(Some(Path::new(path).to_path_buf())),
                None => Err(SettingsError("--config needs a file".into())),
            };
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Ok(Some(Path::new(path).to_path_buf()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_over_the_file_which_wins_over_the_defaults() {
        let s = Settings::from_toml(
            "KIT_METRICS = \"statsd://127.0.0.1:8125\"\nKIT_LOG_FORMAT = \"json\"\nOTEL_TRACES_SAMPLER_ARG = 0.5",
            |v| (v == "KIT_LOG_FORMAT").then(|| "term".to_string()),
        )
        .unwrap();
        assert_eq!(s.get("KIT_LOG_FORMAT").as_deref(), Some("term"));
        assert_eq!(
            s.get("KIT_METRICS").as_deref(),
            Some("statsd://127.0.0.1:8125")
        );
        assert_eq!(s.get("OTEL_TRACES_SAMPLER_ARG").as_deref(), Some("0.5"));
        assert_eq!(
            s.get("ADDSVC_HTTP_ADDR").as_deref(),
            Some(DEFAULT_HTTP_ADDR)
        );
        assert_eq!(s.tracing("addsvc").unwrap().service_name, "addsvc");
    }

    #[test]
    fn bad_files_and_values_are_errors_that_say_what() {
        assert!(Settings::from_toml("[KIT_METRICS]\nx = 1", |_| None).is_err());
        assert!(Settings::from_toml("not toml at all =", |_| None).is_err());
        let s = Settings::from_toml("KIT_LOG_FORMAT = \"xml\"", |_| None).unwrap();
        assert!(s.log().unwrap_err().to_string().contains("KIT_LOG_FORMAT"));
        let s = Settings::from_toml("KIT_METRICS = \"carrier-pigeon://x\"", |_| None).unwrap();
        assert!(s.metrics().unwrap_err().to_string().contains("KIT_METRICS"));
        assert_eq!(
            config_file(&["--config".into()]).unwrap_err().to_string(),
            "--config needs a file"
        );
    }
}
