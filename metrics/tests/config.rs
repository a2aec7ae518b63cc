//! The configuration contract: every scheme and parameter parses, every bad
//! value is an error naming the field and what is accepted, secrets never
//! show.

use std::time::Duration;

use kit_metrics::config::{Backend, HistogramAs, Precision, StatsdLabels};
use kit_metrics::MetricsConfig;

fn one(url: &str) -> kit_metrics::config::BackendConfig {
    let mut c: MetricsConfig = url.parse().unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(c.backends.len(), 1);
    c.backends.remove(0)
}

fn err(url: &str) -> String {
    url.parse::<MetricsConfig>().unwrap_err().to_string()
}

#[test]
fn every_scheme_parses_with_its_defaults() {
    assert_eq!(
        one("prometheus://127.0.0.1:9100").backend,
        Backend::Prometheus {
            addr: "127.0.0.1:9100".into()
        }
    );
    match one("pushgateway://127.0.0.1:9091?job=addsvc").backend {
        Backend::Pushgateway { addr, job, push } => {
            assert_eq!((addr.as_str(), job.as_str()), ("127.0.0.1:9091", "addsvc"));
            assert_eq!(
                (push.flush, push.timeout, push.prefix),
                (Duration::from_secs(10), Duration::from_secs(5), None)
            );
        }
        other => panic!("{other:?}"),
    }
    match one("statsd://127.0.0.1:8125").backend {
        Backend::Statsd { statsd, .. } => {
            assert_eq!(
                (statsd.labels, statsd.histogram, statsd.max_packet),
                (StatsdLabels::Fold, HistogramAs::Ms, 1432)
            );
            assert_eq!((statsd.sample_rate, statsd.max_samples), (1.0, 1024));
        }
        other => panic!("{other:?}"),
    }
    match one("dogstatsd://127.0.0.1:8125").backend {
        Backend::Dogstatsd { statsd, .. } => assert_eq!(
            (statsd.labels, statsd.histogram),
            (StatsdLabels::Tags, HistogramAs::Distribution)
        ),
        other => panic!("{other:?}"),
    }
    match one("influxdb://127.0.0.1:8086/mydb").backend {
        Backend::Influxdb { db, precision, .. } => {
            assert_eq!((db.as_str(), precision), ("mydb", Precision::Ns))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        one("influxdb+udp://127.0.0.1:8089").backend,
        Backend::InfluxdbUdp { .. }
    ));
    match one("influxdb2://127.0.0.1:8086?org=o&bucket=b").backend {
        Backend::Influxdb2 { org, bucket, .. } => {
            assert_eq!((org.as_str(), bucket.as_str()), ("o", "b"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        one("graphite://127.0.0.1:2003").backend,
        Backend::Graphite {
            udp: false,
            tags: true,
            ..
        }
    ));
    assert!(matches!(
        one("graphite+udp://127.0.0.1:2003?tags=false&max_packet=512").backend,
        Backend::Graphite {
            udp: true,
            tags: false,
            max_packet: 512,
            ..
        }
    ));
    assert!(matches!(
        one("influxdb+udp://127.0.0.1:8089?max_packet=8192").backend,
        Backend::InfluxdbUdp {
            max_packet: 8192,
            ..
        }
    ));
    // TCP has no datagrams.
    assert!("graphite://127.0.0.1:2003?max_packet=512"
        .parse::<MetricsConfig>()
        .is_err());
    assert!(matches!(
        one("otlp://127.0.0.1:4317").backend,
        Backend::Otlp { http: false, .. }
    ));
    assert!(matches!(
        one("otlp+http://127.0.0.1:4318").backend,
        Backend::Otlp {
            http: true,
            temporality: kit_metrics::config::Temporality::Cumulative,
            ..
        }
    ));
    assert!(matches!(
        one("otlp://127.0.0.1:4317?temporality=delta").backend,
        Backend::Otlp {
            temporality: kit_metrics::config::Temporality::Delta,
            ..
        }
    ));
    match one("circonus+http://127.0.0.1:8080/module/httptrap/1234-abcd/s3cr3t").backend {
        Backend::Circonus { url, .. } => assert_eq!(
            url,
            "http://127.0.0.1:8080/module/httptrap/1234-abcd/s3cr3t"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(one("memory://").backend, Backend::Memory);
    assert_eq!(one("discard://").backend, Backend::Discard);
    assert_eq!(one("none").backend, Backend::Discard);
}

#[test]
fn every_parameter_is_read() {
    let c = one("statsd://127.0.0.1:8125?prefix=svc.&flush=500ms&timeout=2s&labels=tags&max_packet=512&histogram=h&sample_rate=0.25&max_samples=10&max_series=50&idle_expiry=10m");
    assert_eq!(
        (c.max_series, c.idle_expiry),
        (Some(50), Some(Duration::from_secs(600)))
    );
    match c.backend {
        Backend::Statsd { push, statsd, .. } => {
            assert_eq!(push.prefix.as_deref(), Some("svc."));
            assert_eq!(
                (push.flush, push.timeout),
                (Duration::from_millis(500), Duration::from_secs(2))
            );
            assert_eq!(
                (statsd.labels, statsd.max_packet, statsd.histogram),
                (StatsdLabels::Tags, 512, HistogramAs::Histogram)
            );
            assert_eq!((statsd.sample_rate, statsd.max_samples), (0.25, 10));
        }
        other => panic!("{other:?}"),
    }
    match one("influxdb://127.0.0.1:8086/db?precision=ms").backend {
        Backend::Influxdb { precision, .. } => assert_eq!(precision, Precision::Ms),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_comma_separated_list_is_multi_and_round_trips() {
    let text = "prometheus://127.0.0.1:9100, statsd://127.0.0.1:8125?prefix=a.,none";
    let c: MetricsConfig = text.parse().unwrap();
    assert_eq!(c.backends.len(), 3);
    assert_eq!(
        c.to_string(),
        "prometheus://127.0.0.1:9100,statsd://127.0.0.1:8125?prefix=a.,none"
    );
    assert_eq!(c.to_string().parse::<MetricsConfig>().unwrap(), c);
}

#[test]
fn bad_values_name_the_field_and_what_is_accepted() {
    let cases = [
        ("ftp://127.0.0.1:21", "scheme=\"ftp\": accepted: prometheus, pushgateway"),
        ("statsd://127.0.0.1:8125?colour=red", "colour=\"red\": unknown parameter for statsd (accepted: prefix, flush, timeout, max_series, idle_expiry, labels"),
        ("statsd://127.0.0.1:8125?labels=maybe", "labels=\"maybe\": accepted: fold, drop, tags"),
        ("statsd://127.0.0.1:8125?histogram=x", "histogram=\"x\": accepted: ms, d, h"),
        ("statsd://127.0.0.1:8125?sample_rate=2", "sample_rate=\"2\": accepted: a number above 0, at most 1"),
        ("statsd://127.0.0.1:8125?max_packet=10", "max_packet=\"10\": accepted: a size in bytes, 64 or more"),
        ("statsd://127.0.0.1:8125?flush=soon", "flush=\"soon\": accepted: a duration"),
        ("graphite://127.0.0.1:2003?tags=yes", "tags=\"yes\": accepted: true, false"),
        ("influxdb://127.0.0.1:8086?precision=ns", "database=\"\": influxdb needs one database"),
        ("influxdb://127.0.0.1:8086/db?precision=m", "precision=\"m\": accepted: ns, us, ms, s"),
        ("influxdb2://127.0.0.1:8086?org=o", "bucket=\"\": required"),
        ("pushgateway://127.0.0.1:9091", "job=\"\": required"),
        ("prometheus://127.0.0.1", "address="),
        ("prometheus://127.0.0.1:9100?flush=1s", "flush=\"1s\": unknown parameter for prometheus (accepted: max_series, idle_expiry)"),
        ("memory://?max_series=lots", "max_series=\"lots\": accepted: a count of series"),
        ("", "no backend given"),
    ];
    for (url, want) in cases {
        let got = err(url);
        assert!(got.contains(want), "{url}: {got}");
    }
}

#[test]
fn the_circonus_secret_never_shows_in_debug_or_errors() {
    let c: MetricsConfig = "circonus+https://trap.example/module/httptrap/1234/s3cr3t"
        .parse()
        .unwrap();
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("s3cr3t") && debug.contains("/***"),
        "{debug}"
    );
    let bad = err("circonus+https://trap.example/module/httptrap/1234/s3cr3t?colour=red");
    assert!(!bad.contains("s3cr3t"), "{bad}");
    let bad = err("circonus+https://trap.example/wrong/s3cr3t");
    assert!(!bad.contains("s3cr3t"), "{bad}");
    let env = MetricsConfig::from_lookup(|v| {
        (v == "KIT_METRICS").then(|| "circonus+https://h/module/httptrap/u/s3cr3t,ftp://x:1".into())
    })
    .unwrap_err()
    .to_string();
    assert!(
        env.starts_with("KIT_METRICS=") && !env.contains("s3cr3t"),
        "{env}"
    );
}

#[test]
fn the_environment_picks_the_backends_and_otel_sdk_disabled_turns_them_all_off() {
    let c = MetricsConfig::from_lookup(|_| None).unwrap();
    assert_eq!(c.backends[0].backend, Backend::Discard);
    let c = MetricsConfig::from_lookup(|v| {
        (v == "KIT_METRICS").then(|| "prometheus://127.0.0.1:9100,memory://".into())
    })
    .unwrap();
    assert_eq!(c.backends.len(), 2);
    let c = MetricsConfig::from_lookup(|v| match v {
        "KIT_METRICS" => Some("prometheus://127.0.0.1:9100,memory://".into()),
        "OTEL_SDK_DISABLED" => Some("TRUE".into()),
        _ => None,
    })
    .unwrap();
    assert!(c.backends.iter().all(|b| b.backend == Backend::Discard));
}

#[test]
fn serde_reads_a_url_string_or_a_list_of_urls() {
    #[derive(serde::Deserialize)]
    struct File {
        metrics: MetricsConfig,
    }
    let one: File =
        toml::from_str("metrics = \"prometheus://127.0.0.1:9100,statsd://127.0.0.1:8125\"")
            .unwrap();
    let list: File =
        toml::from_str("metrics = [\"prometheus://127.0.0.1:9100\", \"statsd://127.0.0.1:8125\"]")
            .unwrap();
    assert_eq!(one.metrics, list.metrics);
    let bad = toml::from_str::<File>("metrics = \"statsd://127.0.0.1:8125?labels=maybe\"")
        .err()
        .unwrap()
        .to_string();
    assert!(
        bad.contains("labels=\"maybe\": accepted: fold, drop, tags"),
        "{bad}"
    );
}

#[test]
fn starting_a_configuration_binds_its_listeners_and_names_backends_not_built_yet() {
    use std::io::{Read, Write};
    let config: MetricsConfig = "prometheus://127.0.0.1:0,memory://?max_series=5&idle_expiry=1h"
        .parse()
        .unwrap();
    let provider = kit_metrics::Provider::new();
    config.start(&provider).unwrap();
    provider.counter("started_total").build().inc();
    let addr = provider.prometheus_addrs()[0];
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    conn.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
    let mut body = String::new();
    conn.read_to_string(&mut body).unwrap();
    assert!(body.contains("\nstarted_total 1\n"), "{body}");
    assert!(provider.shutdown(std::time::Duration::from_secs(5)));
    assert!(provider.prometheus_addrs().is_empty());

    let config: MetricsConfig = "circonus+https://127.0.0.1:1/module/httptrap/u/s"
        .parse()
        .unwrap();
    let err = config
        .start(&kit_metrics::Provider::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("the circonus+https backend is not available yet (available: "),
        "{err}"
    );
    let available = err
        .split_once("(available: ")
        .unwrap()
        .1
        .trim_end_matches(')');
    let available: Vec<&str> = available.split(", ").collect();
    for scheme in [
        "prometheus",
        "pushgateway",
        "statsd",
        "dogstatsd",
        "graphite",
        "graphite+udp",
        "influxdb",
        "influxdb+udp",
        "influxdb2",
        "otlp",
        "otlp+http",
        "circonus+http",
    ] {
        assert!(available.contains(&scheme), "{scheme} missing from {err}");
    }

    // statsd sends single observations: a provider without a sample buffer
    // is a clear error, not timers that never arrive.
    let config: MetricsConfig = "statsd://127.0.0.1:8125".parse().unwrap();
    let err = config
        .start(&kit_metrics::Provider::new())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "the statsd backend sends single histogram observations, and this provider keeps none: build it with MetricsConfig::build or ProviderBuilder::keep_samples"
    );
    let provider = config.build().unwrap();
    assert!(provider.shutdown(std::time::Duration::from_secs(5)));

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config: MetricsConfig = format!("prometheus://{}", taken.local_addr().unwrap())
        .parse()
        .unwrap();
    let err = config.start(&kit_metrics::Provider::new()).unwrap_err();
    assert!(
        err.to_string().starts_with("cannot listen on 127.0.0.1:"),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
