//! Counter deltas for the backends that send "how much since last time"
//! (statsd, DogStatsD): the last total each series delivered, kept by the
//! exporter thread.
//!
//! kit's counters are cumulative and never reset, so a delta is the
//! difference of two reads of one atomic: an increment racing with a
//! flush lands in this delta or the next, never in neither (the loom test
//! `statsd_deltas_lose_no_increment` checks exactly that). A delta is
//! committed only once its datagram was handed to the network; one that
//! could not be sent is carried by the next flush.

use std::collections::HashMap;

/// A counter's total.
#[cfg_attr(not(feature = "statsd"), allow(dead_code))] // statsd's
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Total {
    /// A whole counter.
    Int(u64),
    /// A counter with fractions.
    Float(f64),
}

#[cfg_attr(not(feature = "statsd"), allow(dead_code))]
impl Total {
    /// What has to be sent when `last` was delivered and the total is now
    /// `self`; `None` when nothing changed. A total below the last one
    /// (the series expired and was made again) is sent whole.
    pub(crate) fn since(self, last: Option<Total>) -> Option<Total> {
        match (self, last) {
            (Total::Int(now), Some(Total::Int(last))) if now >= last => {
                (now > last).then(|| Total::Int(now - last))
            }
            (Total::Float(now), Some(Total::Float(last))) if now >= last => {
                (now > last).then_some(Total::Float(now - last))
            }
            (Total::Int(0), None) => None,
            (Total::Float(now), None) if now <= 0.0 || now.is_nan() => None,
            (Total::Float(now), _) if now.is_nan() => None,
            (now, _) => Some(now),
        }
    }
}

/// The last total delivered per series, for the series alive at the
/// last flush only (so it is bounded by the storage's own bound).
#[cfg_attr(not(feature = "statsd"), allow(dead_code))] // statsd's; OTLP uses `key`
#[derive(Debug, Default)]
pub(crate) struct Deltas {
    delivered: HashMap<String, (Total, u64)>,
    flush: u64,
}

#[cfg_attr(not(feature = "statsd"), allow(dead_code))] // OTLP uses `key` only
impl Deltas {
    /// The key of a series: its name and labels, each length-prefixed so
    /// no two series share one whatever their text holds.
    pub(crate) fn key(name: &str, labels: &[(String, String)]) -> String {
        let mut key = String::with_capacity(name.len() + 16 * labels.len());
        let mut part = |text: &str| {
            key.push_str(itoa::Buffer::new().format(text.len()));
            key.push(':');
            key.push_str(text);
        };
        part(name);
        for (k, v) in labels {
            part(k);
            part(v);
        }
        key
    }

    /// Starts a flush.
    pub(crate) fn begin(&mut self) {
        self.flush += 1;
    }

    /// What series `key` has to send now that its total is `now`; marks
    /// the series as alive in this flush.
    pub(crate) fn pending(&mut self, key: &str, now: Total) -> Option<Total> {
        match self.delivered.get_mut(key) {
            Some((last, flush)) => {
                *flush = self.flush;
                now.since(Some(*last))
            }
            None => now.since(None),
        }
    }

    /// Records that series `key` delivered its total `now`.
    pub(crate) fn commit(&mut self, key: String, now: Total) {
        self.delivered.insert(key, (now, self.flush));
    }

    /// Ends a flush: forgets the series that were not seen in it.
    pub(crate) fn end(&mut self) {
        let flush = self.flush;
        self.delivered.retain(|_, (_, seen)| *seen == flush);
    }

    /// Series remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.delivered.len()
    }
}

/// Model-checked with loom through the `cfg(loom)` shim (`scripts/test`
/// runs the crate's `loom_` unit tests in its loom build).
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::{Provider, SeriesValue};

    fn counter_total(provider: &Provider) -> u64 {
        match provider.snapshot().metric("jobs_total").unwrap().series[0].value {
            SeriesValue::Counter(n) => n,
            ref other => panic!("{other:?}"),
        }
    }

    /// One flush's delta, committed as if its datagram left.
    fn flush(deltas: &mut Deltas, provider: &Provider) -> u64 {
        deltas.begin();
        let total = Total::Int(counter_total(provider));
        let sent = match deltas.pending("jobs", total) {
            Some(Total::Int(n)) => {
                deltas.commit("jobs".into(), total);
                n
            }
            Some(other) => panic!("{other:?}"),
            None => 0,
        };
        deltas.end();
        sent
    }

    #[test]
    fn loom_statsd_deltas_lose_no_increment() {
        kit_sync::model(|| {
            let provider = Provider::new();
            let jobs = provider.counter("jobs_total").build();
            jobs.inc();
            let other = jobs.clone();
            let t = loom::thread::spawn(move || {
                other.inc();
                other.add(2);
            });
            let mut deltas = Deltas::default();
            let first = flush(&mut deltas, &provider);
            t.join().unwrap();
            let second = flush(&mut deltas, &provider);
            // Whatever the interleaving, the deltas add up to every increment.
            assert_eq!(first + second, 4);
            assert!(first >= 1);
            assert_eq!(flush(&mut deltas, &provider), 0);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_is_what_changed_since_the_last_delivery() {
        let mut d = Deltas::default();
        d.begin();
        assert_eq!(d.pending("a", Total::Int(0)), None);
        assert_eq!(d.pending("a", Total::Int(5)), Some(Total::Int(5)));
        d.commit("a".into(), Total::Int(5));
        d.end();
        d.begin();
        assert_eq!(d.pending("a", Total::Int(5)), None);
        assert_eq!(d.pending("a", Total::Int(7)), Some(Total::Int(2)));
        // Not committed (the datagram failed): the next flush carries it.
        d.end();
        d.begin();
        assert_eq!(d.pending("a", Total::Int(9)), Some(Total::Int(4)));
        // A series made again after expiry starts from its new total.
        assert_eq!(d.pending("a", Total::Int(3)), Some(Total::Int(3)));
    }

    #[test]
    fn float_totals_and_nan() {
        assert_eq!(Total::Float(1.5).since(None), Some(Total::Float(1.5)));
        assert_eq!(
            Total::Float(2.0).since(Some(Total::Float(1.5))),
            Some(Total::Float(0.5))
        );
        assert_eq!(Total::Float(f64::NAN).since(None), None);
        assert_eq!(Total::Float(f64::NAN).since(Some(Total::Float(1.0))), None);
    }

    #[test]
    fn series_gone_from_a_flush_are_forgotten() {
        let mut d = Deltas::default();
        d.begin();
        d.pending("a", Total::Int(1));
        d.commit("a".into(), Total::Int(1));
        d.pending("b", Total::Int(1));
        d.commit("b".into(), Total::Int(1));
        d.end();
        d.begin();
        d.pending("a", Total::Int(1));
        d.end();
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn keys_do_not_collide() {
        let a = Deltas::key("m", &[("a".into(), "b\0c\0d".into())]);
        let b = Deltas::key("m", &[("a".into(), "b".into()), ("c".into(), "d".into())]);
        assert_ne!(a, b);
    }
}
