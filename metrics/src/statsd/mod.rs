//! statsd and DogStatsD over UDP: counters as deltas since the last flush,
//! gauges absolute, histograms as the observations kept in the per-flush
//! sample buffer; lines packed into datagrams of at most `max_packet`
//! bytes.

pub(crate) mod line;

use std::time::Duration;

use crate::config::Statsd;
use crate::datagram::{pack, send, UdpSender};
use crate::delta::{Deltas, Total};
use crate::exporter::{Flush, PushFailure, Pusher, Sent};
use crate::SeriesValue;
pub(crate) use line::LineFormat;
use line::Number;

/// One unit of a datagram: the lines of one update (a negative gauge is
/// two lines that must travel together).
struct Entry {
    text: String,
    /// The counter total to record as delivered once sent.
    delivers: Option<(String, Total)>,
    /// Observations it carries (lost for good if it cannot be sent).
    observations: u64,
}

/// The statsd or DogStatsD pusher.
pub(crate) struct StatsdPusher {
    name: &'static str,
    udp: UdpSender,
    format: LineFormat,
    max_packet: usize,
    sample_rate: f64,
    deltas: Deltas,
}

impl StatsdPusher {
    pub(crate) fn new(
        name: &'static str,
        addr: String,
        prefix: Option<String>,
        settings: &Statsd,
    ) -> Self {
        StatsdPusher {
            name,
            udp: UdpSender::new(addr),
            format: LineFormat {
                prefix: prefix.unwrap_or_default(),
                labels: settings.labels,
                histogram: settings.histogram,
            },
            max_packet: settings.max_packet,
            sample_rate: settings.sample_rate,
            deltas: Deltas::default(),
        }
    }

    /// Every update of this flush, one entry each, and how many updates
    /// could not be written (not finite, a negative timer).
    fn entries(&mut self, flush: &Flush<'_>) -> (Vec<Entry>, u64) {
        let mut entries = Vec::new();
        let mut unsendable = 0;
        for metric in &flush.snapshot.metrics {
            for series in &metric.series {
                let total = match series.value {
                    SeriesValue::Counter(n) => Total::Int(n),
                    SeriesValue::FloatCounter(f) => Total::Float(f),
                    SeriesValue::Gauge(v) => {
                        let line = self.format.series(&metric.desc.name, &series.labels);
                        let mut text = String::new();
                        if self.format.gauge(&mut text, &line, v) {
                            entries.push(Entry {
                                text,
                                delivers: None,
                                observations: 0,
                            });
                        } else {
                            unsendable += 1;
                        }
                        continue;
                    }
                    // Sent from the samples below.
                    SeriesValue::Histogram { .. } => continue,
                };
                let key = Deltas::key(&metric.desc.name, &series.labels);
                let Some(delta) = self.deltas.pending(&key, total) else {
                    continue;
                };
                let line = self.format.series(&metric.desc.name, &series.labels);
                let mut text = String::new();
                let delta = match delta {
                    Total::Int(n) => Number::Int(n),
                    Total::Float(f) => Number::Float(f),
                };
                self.format.counter(&mut text, &line, delta);
                entries.push(Entry {
                    text,
                    delivers: Some((key, total)),
                    observations: 0,
                });
            }
        }
        for samples in flush.samples {
            let batch = &samples.batch;
            let chosen = thin(&batch.values, self.sample_rate);
            if chosen.is_empty() {
                continue;
            }
            // The honest rate: what is sent over what was observed.
            let rate = chosen.len() as f64 / batch.seen as f64;
            let line = self.format.series(&samples.name, &samples.labels);
            for v in chosen {
                let mut text = String::new();
                if self.format.observation(&mut text, &line, v, rate) {
                    entries.push(Entry {
                        text,
                        delivers: None,
                        observations: 1,
                    });
                } else {
                    unsendable += 1;
                }
            }
        }
        (entries, unsendable)
    }
}

/// About `rate` of `values`, spread evenly (the sample buffer is already a
/// fair sample, so any even spread of it is too).
fn thin(values: &[f64], rate: f64) -> Vec<f64> {
    if rate >= 1.0 {
        return values.to_vec();
    }
    // At least one, so the rate carries the count even of a few values.
    let keep = ((values.len() as f64 * rate).round() as usize).clamp(1, values.len().max(1));
    if values.is_empty() {
        return Vec::new();
    }
    (0..keep).map(|i| values[i * values.len() / keep]).collect()
}

impl Pusher for StatsdPusher {
    fn name(&self) -> &'static str {
        self.name
    }

    fn wants_samples(&self) -> bool {
        true
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        self.deltas.begin();
        let (entries, unsendable) = self.entries(flush);
        let max_packet = self.max_packet;
        let socket = match self.udp.socket(timeout) {
            Ok(socket) => socket,
            Err(error) => {
                self.deltas.end();
                let lost: u64 = entries.iter().map(|e| e.observations).sum();
                return Err(PushFailure {
                    error,
                    lost: lost + unsendable,
                });
            }
        };
        let mut failure: Option<PushFailure> = None;
        let mut delivered = Vec::new();
        let mut datagram = String::with_capacity(max_packet);
        let lens: Vec<usize> = entries.iter().map(|e| e.text.len()).collect();
        for packet in pack(&lens, 1, max_packet) {
            datagram.clear();
            for entry in &entries[packet.clone()] {
                if !datagram.is_empty() {
                    datagram.push('\n');
                }
                datagram.push_str(&entry.text);
            }
            match send(socket, datagram.as_bytes()) {
                Ok(()) => delivered.push(packet),
                Err(error) => {
                    let lost: u64 = entries[packet].iter().map(|e| e.observations).sum();
                    let failure = failure.get_or_insert(PushFailure {
                        error,
                        lost: unsendable,
                    });
                    failure.lost += lost;
                }
            }
        }
        let mut entries = entries;
        for packet in delivered {
            for entry in &mut entries[packet] {
                if let Some((key, total)) = entry.delivers.take() {
                    self.deltas.commit(key, total);
                }
            }
        }
        self.deltas.end();
        match failure {
            None => Ok(Sent { unsendable }),
            Some(failure) => Err(failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_rate_spread_evenly() {
        let values: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(thin(&values, 1.0).len(), 10);
        assert_eq!(thin(&values, 0.5), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(thin(&values, 0.01), vec![0.0]);
        assert!(thin(&[], 0.5).is_empty());
    }
}
