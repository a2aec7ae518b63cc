//! OTLP delta temporality: counters and histograms as what changed since
//! the last delivered push, computed on the exporter thread from kit's
//! cumulative storage. What a failed push did not deliver is carried by
//! the next one (the interval then starts at the last delivered push).

use std::collections::HashMap;

use crate::delta::Deltas;
use crate::{SeriesValue, Snapshot};

/// The values delivered by the last successful push, per live series.
#[derive(Debug, Default)]
pub(crate) struct DeltaState {
    delivered: HashMap<String, SeriesValue>,
    /// When that push was taken.
    since: Option<u64>,
}

fn minus(now: &SeriesValue, last: Option<&SeriesValue>) -> SeriesValue {
    match (now, last) {
        (SeriesValue::Counter(n), Some(SeriesValue::Counter(l))) if n >= l => {
            SeriesValue::Counter(n - l)
        }
        (SeriesValue::FloatCounter(v), Some(SeriesValue::FloatCounter(l))) if v >= l => {
            SeriesValue::FloatCounter(v - l)
        }
        (
            SeriesValue::Histogram {
                bounds,
                buckets,
                count,
                sum,
            },
            Some(SeriesValue::Histogram {
                bounds: last_bounds,
                buckets: last_buckets,
                count: last_count,
                sum: last_sum,
            }),
        ) if count >= last_count && bounds == last_bounds => SeriesValue::Histogram {
            bounds: bounds.clone(),
            buckets: buckets
                .iter()
                .zip(last_buckets)
                .map(|(n, l)| n.saturating_sub(*l))
                .collect(),
            count: count - last_count,
            sum: sum - last_sum,
        },
        // A gauge, a first push, or a series made again: as it is.
        (now, _) => now.clone(),
    }
}

impl DeltaState {
    /// `snapshot` with its counters and histograms as what changed since
    /// the last delivered push.
    pub(crate) fn deltas(&self, snapshot: &Snapshot) -> Snapshot {
        let mut out = snapshot.clone();
        for metric in &mut out.metrics {
            for series in &mut metric.series {
                let key = Deltas::key(&metric.desc.name, &series.labels);
                series.value = minus(&series.value, self.delivered.get(&key));
            }
        }
        out
    }

    /// When the interval of the next push starts: the last delivered push,
    /// or `start` before any.
    pub(crate) fn since(&self, start: u64) -> u64 {
        self.since.unwrap_or(start)
    }

    /// Records `snapshot`, taken at `now`, as delivered; series not in it
    /// are forgotten.
    pub(crate) fn delivered(&mut self, snapshot: &Snapshot, now: u64) {
        self.delivered.clear();
        for metric in &snapshot.metrics {
            for series in &metric.series {
                if !matches!(series.value, SeriesValue::Gauge(_)) {
                    let key = Deltas::key(&metric.desc.name, &series.labels);
                    self.delivered.insert(key, series.value.clone());
                }
            }
        }
        self.since = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_as_changes_gauges_as_they_are() {
        let provider = crate::Provider::new();
        let c = provider.counter("c_total").build();
        let g = provider.gauge("g").build();
        let h = provider.histogram("h").buckets(&[1.0]).build();
        c.add(3);
        g.set(5.0);
        h.observe(0.5);
        let mut state = DeltaState::default();
        assert_eq!(state.since(7), 7);
        let first = provider.snapshot();
        assert_eq!(state.deltas(&first), first);
        state.delivered(&first, 10);
        c.add(4);
        h.observe(2.0);
        let second = state.deltas(&provider.snapshot());
        let value = |name: &str| second.metric(name).unwrap().series[0].value.clone();
        assert_eq!(value("c_total"), SeriesValue::Counter(4));
        assert_eq!(value("g"), SeriesValue::Gauge(5.0));
        assert_eq!(
            value("h"),
            SeriesValue::Histogram {
                bounds: vec![1.0],
                buckets: vec![0, 1],
                count: 1,
                sum: 2.0
            }
        );
        assert_eq!(state.since(7), 10);
        // Not delivered: the next push still counts from the first.
        c.add(1);
        let third = state.deltas(&provider.snapshot());
        assert_eq!(
            third.metric("c_total").unwrap().series[0].value,
            SeriesValue::Counter(5)
        );
    }
}
