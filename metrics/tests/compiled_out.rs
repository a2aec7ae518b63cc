//! Built without the `prometheus`, `statsd`, `graphite`, `influxdb`, `circonus` and `otlp` features (`scripts/test`
//! runs this with `--no-default-features`): the configuration type is the
//! same, and their URLs are a run-time error naming the feature.
#![cfg(not(any(
    feature = "prometheus",
    feature = "statsd",
    feature = "graphite",
    feature = "influxdb",
    feature = "circonus",
    feature = "otlp"
)))]

use kit_metrics::{MetricsConfig, Provider};

#[test]
fn a_compiled_out_backend_is_an_error_naming_its_cargo_feature() {
    for url in [
        "prometheus://127.0.0.1:0",
        "pushgateway://127.0.0.1:9091?job=j",
    ] {
        let config: MetricsConfig = url.parse().unwrap();
        let err = config.start(&Provider::new()).unwrap_err().to_string();
        assert_eq!(err, "the prometheus backend was compiled out: enable kit-metrics' cargo feature \"prometheus\"");
    }
    for (url, scheme) in [
        ("statsd://127.0.0.1:8125", "statsd"),
        ("dogstatsd://127.0.0.1:8125", "dogstatsd"),
    ] {
        let config: MetricsConfig = url.parse().unwrap();
        let err = config.start(&Provider::new()).unwrap_err().to_string();
        assert_eq!(err, format!("the {scheme} backend was compiled out: enable kit-metrics' cargo feature \"statsd\""));
    }
    for url in ["graphite://127.0.0.1:2003", "graphite+udp://127.0.0.1:2003"] {
        let config: MetricsConfig = url.parse().unwrap();
        let err = config.start(&Provider::new()).unwrap_err().to_string();
        assert_eq!(
            err,
            "the graphite backend was compiled out: enable kit-metrics' cargo feature \"graphite\""
        );
    }
    for url in [
        "influxdb://127.0.0.1:8086/db",
        "influxdb+udp://127.0.0.1:8089",
        "influxdb2://127.0.0.1:8086?org=o&bucket=b",
    ] {
        let config: MetricsConfig = url.parse().unwrap();
        let err = config.start(&Provider::new()).unwrap_err().to_string();
        assert_eq!(
            err,
            "the influxdb backend was compiled out: enable kit-metrics' cargo feature \"influxdb\""
        );
    }
    let config: MetricsConfig = "circonus+http://127.0.0.1:1/module/httptrap/u/s"
        .parse()
        .unwrap();
    let err = config.start(&Provider::new()).unwrap_err().to_string();
    assert_eq!(
        err,
        "the circonus backend was compiled out: enable kit-metrics' cargo feature \"circonus\""
    );
    for url in ["otlp://127.0.0.1:4317", "otlp+http://127.0.0.1:4318"] {
        let config: MetricsConfig = url.parse().unwrap();
        let err = config.start(&Provider::new()).unwrap_err().to_string();
        assert_eq!(
            err,
            "the otlp backend was compiled out: enable kit-metrics' cargo feature \"otlp\""
        );
    }
    let config: MetricsConfig = "memory://,discard://".parse().unwrap();
    config.start(&Provider::new()).unwrap();
}
