//! kit's storage as an OTLP `ExportMetricsServiceRequest`, built with the
//! official protobuf definitions (crate `opentelemetry-proto`): counters as
//! monotonic cumulative Sums (integer points, or double for fractional
//! counters), gauges as Gauges, histograms as cumulative explicit-bucket
//! Histograms; labels as string attributes; the resource carries
//! `service.name`.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    metric::Data, number_data_point, AggregationTemporality, Gauge, Histogram, HistogramDataPoint,
    Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum,
};
use opentelemetry_proto::tonic::resource::v1::Resource;

use crate::config::Temporality;
use crate::{SeriesValue, Snapshot};

fn string(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_owned())),
        }),
        ..Default::default()
    }
}

/// What every request carries besides the metrics.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    /// The resource's `service.name`.
    pub(crate) service_name: String,
    /// Prepended to every metric name.
    pub(crate) prefix: String,
    /// When kit started counting (cumulative points' `start_time_unix_nano`).
    pub(crate) start_nanos: u64,
}

/// The request for `snapshot` taken at `now_nanos`, its counters and
/// histograms counted from `start_nanos` with `temporality`.
pub(crate) fn request(
    snapshot: &Snapshot,
    source: &Source,
    start_nanos: u64,
    now_nanos: u64,
    temporality: Temporality,
) -> ExportMetricsServiceRequest {
    let temporality = match temporality {
        Temporality::Cumulative => AggregationTemporality::Cumulative as i32,
        Temporality::Delta => AggregationTemporality::Delta as i32,
    };
    let mut metrics = Vec::with_capacity(snapshot.metrics.len());
    for metric in &snapshot.metrics {
        let attributes = |labels: &[(String, String)]| -> Vec<KeyValue> {
            labels.iter().map(|(k, v)| string(k, v)).collect()
        };
        let number = |labels: &[(String, String)], value| NumberDataPoint {
            attributes: attributes(labels),
            start_time_unix_nano: start_nanos,
            time_unix_nano: now_nanos,
            value: Some(value),
            ..Default::default()
        };
        let series = &metric.series;
        let Some(first) = series.first() else {
            continue;
        };
        let data = match first.value {
            SeriesValue::Counter(_) | SeriesValue::FloatCounter(_) => Data::Sum(Sum {
                data_points: series
                    .iter()
                    .filter_map(|s| match s.value {
                        SeriesValue::Counter(n) => Some(number(
                            &s.labels,
                            number_data_point::Value::AsInt(n.min(i64::MAX as u64) as i64),
                        )),
                        SeriesValue::FloatCounter(v) => {
                            Some(number(&s.labels, number_data_point::Value::AsDouble(v)))
                        }
                        _ => None,
                    })
                    .collect(),
                aggregation_temporality: temporality,
                is_monotonic: true,
            }),
            SeriesValue::Gauge(_) => Data::Gauge(Gauge {
                data_points: series
                    .iter()
                    .filter_map(|s| match s.value {
                        SeriesValue::Gauge(v) => {
                            Some(number(&s.labels, number_data_point::Value::AsDouble(v)))
                        }
                        _ => None,
                    })
                    .collect(),
            }),
            SeriesValue::Histogram { .. } => Data::Histogram(Histogram {
                data_points: series
                    .iter()
                    .filter_map(|s| match &s.value {
                        SeriesValue::Histogram {
                            bounds,
                            buckets,
                            count,
                            sum,
                        } => Some(HistogramDataPoint {
                            attributes: attributes(&s.labels),
                            start_time_unix_nano: start_nanos,
                            time_unix_nano: now_nanos,
                            count: *count,
                            sum: Some(*sum),
                            bucket_counts: buckets.clone(),
                            explicit_bounds: bounds.clone(),
                            ..Default::default()
                        }),
                        _ => None,
                    })
                    .collect(),
                aggregation_temporality: temporality,
            }),
        };
        metrics.push(Metric {
            name: format!("{}{}", source.prefix, metric.desc.name),
            description: metric.desc.help.clone(),
            unit: metric.desc.unit.clone().unwrap_or_default(),
            data: Some(data),
            ..Default::default()
        });
    }
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(Resource {
                attributes: vec![string("service.name", &source.service_name)],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(InstrumentationScope {
                    name: "kit-metrics".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    ..Default::default()
                }),
                metrics,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_cumulative() {
        let provider = crate::Provider::new();
        provider
            .counter("c_total")
            .help("C.")
            .labels(&["k"])
            .build()
            .with(&["v"])
            .add(3);
        provider.gauge("g").build().set(2.5);
        let h = provider.histogram("h").buckets(&[1.0]).build();
        h.observe(0.5);
        h.observe(2.0);
        let source = Source {
            service_name: "svc".into(),
            prefix: "kit_".into(),
            start_nanos: 1,
        };
        let req = request(&provider.snapshot(), &source, 1, 2, Temporality::Cumulative);
        let rm = &req.resource_metrics[0];
        assert_eq!(
            rm.resource.as_ref().unwrap().attributes,
            vec![string("service.name", "svc")]
        );
        let metrics = &rm.scope_metrics[0].metrics;
        let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["kit_c_total", "kit_g", "kit_h"]);
        match metrics[0].data.as_ref().unwrap() {
            Data::Sum(s) => {
                assert!(s.is_monotonic);
                assert_eq!(s.aggregation_temporality, 2);
                assert_eq!(
                    s.data_points[0].value,
                    Some(number_data_point::Value::AsInt(3))
                );
                assert_eq!(s.data_points[0].attributes, vec![string("k", "v")]);
                assert_eq!(
                    (
                        s.data_points[0].start_time_unix_nano,
                        s.data_points[0].time_unix_nano
                    ),
                    (1, 2)
                );
            }
            other => panic!("{other:?}"),
        }
        match metrics[2].data.as_ref().unwrap() {
            Data::Histogram(h) => {
                let p = &h.data_points[0];
                assert_eq!(
                    (p.count, p.sum, &p.bucket_counts[..], &p.explicit_bounds[..]),
                    (2, Some(2.5), &[1, 1][..], &[1.0][..])
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
