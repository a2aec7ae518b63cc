//! Circonus HTTPTrap: each flush `PUT`s one JSON object to the trap URL,
//! a member per series:
//!
//! ```json
//! { "requests_total|ST[method:sum,outcome:ok]": { "_type": "L", "_value": 7 },
//!   "in_flight": { "_type": "n", "_value": 7.5 },
//!   "latency_seconds": { "_type": "H", "_value": ["H[0.1]=2", "H[1]=1"] } }
//! ```
//!
//! Counters are `L` (unsigned 64-bit) totals, gauges and fractional
//! counters `n` (double), histograms `H` (cumulative: kit's counts are
//! totals since the start), each bucket's count at its upper bound and the
//! `+Inf` bucket's at the highest finite bound. Labels are Circonus stream
//! tags, `|ST[name:value,…]`; in tag names and values `,` `:` `[` `]` `|`
//! `"` and control characters become `_`, in metric names `|` and control
//! characters do; an empty name, tag name or tag value is written `_`. The trap URL's secret never appears in an error.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::exporter::{Flush, PushFailure, Pusher, Sent};
use crate::http::{expect_success, request};
use crate::{SeriesValue, Snapshot};

/// The Circonus pusher.
pub(crate) struct CirconusPusher {
    /// `host:port`.
    addr: String,
    /// The trap path, secret included.
    path: String,
}

impl CirconusPusher {
    /// From the trap URL (`http://host[:port]/module/httptrap/UUID/SECRET`;
    /// `https` is not supported by kit's HTTP client and is refused at start).
    pub(crate) fn new(url: &url::Url) -> Option<Self> {
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        Some(CirconusPusher {
            addr: format!("{host}:{port}"),
            path: url.path().to_owned(),
        })
    }
}

/// `text` with control characters and `bad` as `_`; `_` when empty.
fn clean(text: &str, bad: &[char]) -> String {
    if text.is_empty() {
        return "_".to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() || bad.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The member name of a series: the metric name and its stream tags.
fn member(name: &str, labels: &[(String, String)]) -> String {
    const TAG: &[char] = &[',', ':', '[', ']', '|', '"'];
    let mut out = clean(name, &['|']);
    if !labels.is_empty() {
        let tags: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{}:{}", clean(k, TAG), clean(v, TAG)))
            .collect();
        out.push_str(&format!("|ST[{}]", tags.join(",")));
    }
    out
}

/// The JSON body for `snapshot`, and how many values could not be written.
pub(crate) fn body(snapshot: &Snapshot) -> (Value, u64) {
    let mut members = Map::new();
    let mut unsendable = 0;
    for metric in &snapshot.metrics {
        for series in &metric.series {
            let value = match &series.value {
                SeriesValue::Counter(n) => json!({ "_type": "L", "_value": n }),
                SeriesValue::FloatCounter(v) | SeriesValue::Gauge(v) if v.is_finite() => {
                    json!({ "_type": "n", "_value": v })
                }
                SeriesValue::FloatCounter(_) | SeriesValue::Gauge(_) => {
                    unsendable += 1;
                    continue;
                }
                SeriesValue::Histogram {
                    bounds, buckets, ..
                } => {
                    let mut bins: Vec<(f64, u64)> = Vec::new();
                    for (i, &n) in buckets.iter().enumerate() {
                        let at = bounds.get(i).or(bounds.last()).copied().unwrap_or(0.0);
                        match bins.last_mut() {
                            Some((b, c)) if *b == at => *c += n,
                            _ if n > 0 => bins.push((at, n)),
                            _ => {}
                        }
                    }
                    let bins: Vec<String> =
                        bins.iter().map(|(b, n)| format!("H[{b}]={n}")).collect();
                    json!({ "_type": "H", "_value": bins })
                }
            };
            members.insert(member(&metric.desc.name, &series.labels), value);
        }
    }
    (Value::Object(members), unsendable)
}

impl Pusher for CirconusPusher {
    fn name(&self) -> &'static str {
        "circonus"
    }

    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure> {
        let (body, unsendable) = body(flush.snapshot);
        let fail = |error| PushFailure {
            error,
            lost: unsendable,
        };
        let body = serde_json::to_vec(&body).map_err(|e| fail(std::io::Error::other(e)))?;
        let headers = [("Content-Type", "application/json")];
        let response =
            request("PUT", &self.addr, &self.path, &headers, &body, timeout).map_err(fail)?;
        expect_success("circonus", response).map_err(fail)?;
        Ok(Sent { unsendable })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::labels;

    #[test]
    fn stream_tags_and_escaping() {
        assert_eq!(
            member("req|x", &labels(&[("a", "b"), ("c:[", "d,e]|\"\n")])),
            "req_x|ST[a:b,c__:d_e____]"
        );
        assert_eq!(member("up", &[]), "up");
        assert_eq!(member("", &labels(&[("", "")])), "_|ST[_:_]");
    }

    #[test]
    fn every_kind() {
        let provider = crate::Provider::new();
        provider.counter("c_total").build().add(3);
        provider.gauge("g").build().set(f64::NAN);
        provider.gauge("t").build().set(2.5);
        let h = provider.histogram("h").buckets(&[0.1, 1.0]).build();
        for v in [0.05, 0.5, 2.0, 3.0] {
            h.observe(v);
        }
        let (body, unsendable) = body(&provider.snapshot());
        assert_eq!(
            body,
            json!({
                "c_total": { "_type": "L", "_value": 3 },
                "t": { "_type": "n", "_value": 2.5 },
                "h": { "_type": "H", "_value": ["H[0.1]=1", "H[1]=3"] },
            })
        );
        assert_eq!(unsendable, 1);
    }
}
