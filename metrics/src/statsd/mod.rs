//! statsd and DogStatsD over UDP: counters as deltas since the last flush,
//! gauges absolute, histograms as the observations kept in the per-flush
//! sample buffer; lines packed into datagrams of at most `max_packet`
//! bytes.

mod line;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use crate::config::Statsd;
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
    addr: String,
    socket: Option<(SocketAddr, UdpSocket)>,
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
            addr,
            socket: None,
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

    fn socket(&mut self) -> io::Result<&UdpSocket> {
        let addr = self
            .addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?;
        if self.socket.as_ref().is_none_or(|(a, _)| *a != addr) {
            let local: SocketAddr = if addr.is_ipv4() {
                "0.0.0.0:0".parse().expect("an address")
            } else {
                "[::]:0".parse().expect("an address")
            };
            let socket = UdpSocket::bind(local)?;
            // Connected: the kernel then reports a peer that is not there
            // (ICMP port unreachable) as an error on a later send.
            socket.connect(addr)?;
            self.socket = Some((addr, socket));
        }
        Ok(&self.socket.as_ref().expect("just set").1)
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

/// Groups entries into datagrams of at most `max` bytes (an entry longer
/// than that travels alone), as index ranges.
fn pack(entries: &[Entry], max: usize) -> Vec<std::ops::Range<usize>> {
    let mut packets = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, entry) in entries.iter().enumerate() {
        let add = entry.text.len() + usize::from(i > start);
        if i > start && size + add > max {
            packets.push(start..i);
            (start, size) = (i, entry.text.len());
        } else {
            size += add;
        }
    }
    if start < entries.len() {
        packets.push(start..entries.len());
    }
    packets
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
        let socket = match self.socket() {
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
        let _ = socket.set_write_timeout(Some(timeout.max(Duration::from_millis(1))));
        let mut failure: Option<PushFailure> = None;
        let mut delivered = Vec::new();
        let mut datagram = String::with_capacity(max_packet);
        for packet in pack(&entries, max_packet) {
            datagram.clear();
            for entry in &entries[packet.clone()] {
                if !datagram.is_empty() {
                    datagram.push('\n');
                }
                datagram.push_str(&entry.text);
            }
            // A peer that is not there answers with an ICMP "port
            // unreachable", which the kernel keeps as the socket's error:
            // on loopback (and often beyond) it is back before the next
            // line of code, so the datagram counts as not delivered.
            let sent = socket
                .send(datagram.as_bytes())
                .and_then(|_| socket.take_error()?.map_or(Ok(()), Err));
            match sent {
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

    fn entry(len: usize) -> Entry {
        Entry {
            text: "x".repeat(len),
            delivers: None,
            observations: 0,
        }
    }

    #[test]
    fn packs_up_to_the_limit_counting_newlines() {
        let entries: Vec<Entry> = [4, 5, 3, 20, 1].into_iter().map(entry).collect();
        // 4 + 1 + 5 = 10 fits; + 1 + 3 would be 14.
        assert_eq!(pack(&entries, 10), vec![0..2, 2..3, 3..4, 4..5]);
        assert_eq!(pack(&entries, 100), vec![0..5]);
        assert!(pack(&[], 10).is_empty());
    }

    #[test]
    fn thinning_keeps_the_rate_spread_evenly() {
        let values: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(thin(&values, 1.0).len(), 10);
        assert_eq!(thin(&values, 0.5), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(thin(&values, 0.01), vec![0.0]);
        assert!(thin(&[], 0.5).is_empty());
    }
}
