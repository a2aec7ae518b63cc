//! Each push backend's encoding of names, labels and values, without a
//! socket: the entry point of the `sanitizers` fuzz target (`fuzz/`) and
//! of the tests that replay its corpus against the real peers. Not a
//! stable API — configure a backend with a URL instead.

#[cfg(feature = "statsd")]
use crate::config::{HistogramAs, StatsdLabels};
#[cfg(any(feature = "influxdb", feature = "graphite", feature = "circonus"))]
use crate::Snapshot;

/// The statsd / DogStatsD lines of series `name` with `labels`: a counter
/// increment of 1, a gauge of `value` and one histogram observation of
/// `value`, `\n`-separated (a line that cannot carry `value` is left out).
///
/// ```
/// use kit_metrics::config::{HistogramAs, StatsdLabels};
///
/// let labels = [("k#".to_string(), "v\n".to_string())];
/// let lines = kit_metrics::wire::statsd("app.", StatsdLabels::Tags, HistogramAs::Ms, "a|b", &labels, 1.5);
/// assert_eq!(lines, "app.a_b:1|c|#k_:v_\napp.a_b:1.5|g|#k_:v_\napp.a_b:1500|ms|#k_:v_");
/// ```
#[cfg(feature = "statsd")]
pub fn statsd(
    prefix: &str,
    labels_as: StatsdLabels,
    histogram: HistogramAs,
    name: &str,
    labels: &[(String, String)],
    value: f64,
) -> String {
    use crate::statsd::line::Number;
    let format = crate::statsd::LineFormat {
        prefix: prefix.to_owned(),
        labels: labels_as,
        histogram,
    };
    let series = format.series(name, labels);
    let mut out = String::new();
    format.counter(&mut out, &series, Number::Int(1));
    let mut gauge = String::new();
    if format.gauge(&mut gauge, &series, value) {
        out.push('\n');
        out.push_str(&gauge);
    }
    let mut observation = String::new();
    if format.observation(&mut observation, &series, value, 1.0) {
        out.push('\n');
        out.push_str(&observation);
    }
    out
}

/// The InfluxDB line-protocol points of `snapshot` at `nanos` (nanosecond
/// precision), and how many values could not be written.
///
/// ```
/// let provider = kit_metrics::Provider::new();
/// provider.counter("hits total").build().add(1);
/// let (lines, unsendable) = kit_metrics::wire::influxdb("", &provider.snapshot(), 0);
/// assert_eq!((lines.concat(), unsendable), ("hits\\ total value=1i 0\n".to_string(), 0));
/// ```
#[cfg(feature = "influxdb")]
pub fn influxdb(prefix: &str, snapshot: &Snapshot, nanos: u128) -> (Vec<String>, u64) {
    crate::influxdb::line::LineProtocol {
        prefix: prefix.to_owned(),
        precision: crate::config::Precision::Ns,
    }
    .lines(snapshot, nanos)
}

/// The Graphite plaintext lines of `snapshot` at `timestamp` (Unix
/// seconds), label values folded into the path or written as tags, and
/// how many values could not be written.
///
/// ```
/// let provider = kit_metrics::Provider::new();
/// provider.counter("hits total").labels(&["code"]).build().with(&["5.0.0"]).add(1);
/// let (lines, _) = kit_metrics::wire::graphite("app.", false, &provider.snapshot(), 7);
/// assert_eq!(lines.concat(), "app.hits_total.5_0_0 1 7\n");
/// ```
#[cfg(feature = "graphite")]
pub fn graphite(
    prefix: &str,
    tags: bool,
    snapshot: &Snapshot,
    timestamp: u64,
) -> (Vec<String>, u64) {
    crate::graphite::lines::PathFormat {
        prefix: prefix.to_owned(),
        tags,
    }
    .lines(snapshot, timestamp)
}

/// The Circonus HTTPTrap JSON body of `snapshot` (a member per series),
/// and how many values could not be written.
///
/// ```
/// let provider = kit_metrics::Provider::new();
/// provider.counter("hits").labels(&["code"]).build().with(&["a:b"]).add(1);
/// let (body, _) = kit_metrics::wire::circonus(&provider.snapshot());
/// assert_eq!(body.to_string(), r#"{"hits|ST[code:a_b]":{"_type":"L","_value":1}}"#);
/// ```
#[cfg(feature = "circonus")]
pub fn circonus(snapshot: &Snapshot) -> (serde_json::Value, u64) {
    crate::circonus::body(snapshot)
}
