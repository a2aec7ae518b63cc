//! InfluxDB line protocol: `measurement,tag=v field=1i,field2=2.5 timestamp`.
//!
//! One point per series: the measurement is the metric's name, the tags
//! its labels (sorted by key; an empty value is left out, as InfluxDB has
//! no empty tags), the fields: `value` (an integer for counters, a float
//! for gauges), or for a histogram `count`, `sum` and `p50`, `p90`,
//! `p95`, `p99` estimated from its buckets.
//!
//! Escaping: a space, comma or `=` is escaped with a backslash; a control
//! character (a newline above all) cannot be escaped and becomes `_`, as
//! does a backslash that would otherwise escape what follows it or end
//! the token (InfluxDB 1.x and 2.x read those differently; anywhere else
//! a backslash is kept). An empty measurement or tag key is written `_`,
//! a measurement starting with `#` (a comment line) gets a `_` before it,
//! and a tag key that repeats another once escaped is numbered (`a2`).
//! Values that are not finite are left out, and counted.

use std::fmt::Write;

use crate::config::Precision;
use crate::quantile::{estimate, QUANTILES};
use crate::{SeriesValue, Snapshot};

/// How one backend writes points.
#[derive(Clone, Debug)]
pub(crate) struct LineProtocol {
    pub(crate) prefix: String,
    pub(crate) precision: Precision,
}

/// Appends `text` with `special` characters backslash-escaped.
fn escape(out: &mut String, text: &str, special: &[char]) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_control() {
            out.push('_');
        } else if c == '\\' {
            let next = chars.peek();
            let ambiguous = next.is_none_or(|n| *n == '\\' || special.contains(n));
            out.push(if ambiguous { '_' } else { '\\' });
        } else {
            if special.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

const MEASUREMENT: &[char] = &[',', ' '];
const TAG: &[char] = &[',', '=', ' '];

/// The escaped tags of `labels`, sorted by key: an empty value left out,
/// an empty key written `_`, and a key that repeats one before it once
/// escaped (`a\n` and `a_`, or a name given twice) numbered `a_2`, `a_3`…
/// — InfluxDB refuses a point with a duplicate tag.
fn tags(labels: &[(String, String)]) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = Vec::with_capacity(labels.len());
    for (key, value) in labels.iter().filter(|(_, v)| !v.is_empty()) {
        let mut base = String::with_capacity(key.len());
        escape(&mut base, key, TAG);
        if base.is_empty() {
            base.push('_');
        }
        let mut key = base.clone();
        let mut n = 2;
        while tags.iter().any(|(taken, _)| *taken == key) {
            key = format!("{base}{n}");
            n += 1;
        }
        let mut escaped = String::with_capacity(value.len());
        escape(&mut escaped, value, TAG);
        tags.push((key, escaped));
    }
    tags.sort();
    tags
}

/// The timestamp of `nanos` since the epoch in `precision`.
pub(crate) fn timestamp(nanos: u128, precision: Precision) -> u128 {
    match precision {
        Precision::Ns => nanos,
        Precision::Us => nanos / 1_000,
        Precision::Ms => nanos / 1_000_000,
        Precision::S => nanos / 1_000_000_000,
    }
}

fn float(out: &mut String, name: &str, v: f64, unsendable: &mut u64) {
    if v.is_finite() {
        if !out.ends_with(' ') {
            out.push(',');
        }
        let _ = write!(out, "{name}={v}");
    } else {
        *unsendable += 1;
    }
}

fn integer(out: &mut String, name: &str, n: u64) {
    if !out.ends_with(' ') {
        out.push(',');
    }
    // InfluxDB 1.x has signed integers only.
    let _ = write!(out, "{name}={}i", n.min(i64::MAX as u64));
}

impl LineProtocol {
    /// Every point of `snapshot` at `nanos` since the epoch, one line each
    /// (`\n`-terminated), and how many values could not be written.
    pub(crate) fn lines(&self, snapshot: &Snapshot, nanos: u128) -> (Vec<String>, u64) {
        let time = timestamp(nanos, self.precision);
        let mut lines = Vec::new();
        let mut unsendable = 0;
        for metric in &snapshot.metrics {
            for series in &metric.series {
                let mut line = String::with_capacity(96);
                escape(&mut line, &self.prefix, MEASUREMENT);
                escape(&mut line, &metric.desc.name, MEASUREMENT);
                // An empty measurement cannot be written; one starting
                // with `#` would make the line a comment.
                if line.is_empty() || line.starts_with('#') {
                    line.insert(0, '_');
                }
                for (key, value) in tags(&series.labels) {
                    line.push(',');
                    line.push_str(&key);
                    line.push('=');
                    line.push_str(&value);
                }
                line.push(' ');
                match &series.value {
                    SeriesValue::Counter(n) => integer(&mut line, "value", *n),
                    SeriesValue::FloatCounter(v) | SeriesValue::Gauge(v) => {
                        float(&mut line, "value", *v, &mut unsendable)
                    }
                    SeriesValue::Histogram {
                        bounds,
                        buckets,
                        count,
                        sum,
                    } => {
                        integer(&mut line, "count", *count);
                        float(&mut line, "sum", *sum, &mut unsendable);
                        for (q, name) in QUANTILES {
                            if let Some(v) = estimate(q, bounds, buckets) {
                                float(&mut line, name, v, &mut unsendable);
                            }
                        }
                    }
                }
                if line.ends_with(' ') {
                    continue; // no field to write
                }
                let _ = writeln!(line, " {time}");
                lines.push(line);
            }
        }
        (lines, unsendable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, special: &[char]) -> String {
        let mut out = String::new();
        escape(&mut out, text, special);
        out
    }

    #[test]
    fn escaping() {
        assert_eq!(escaped("a b,c=d", TAG), "a\\ b\\,c\\=d");
        assert_eq!(escaped("a b,c=d", MEASUREMENT), "a\\ b\\,c=d");
        assert_eq!(escaped("x\ny\r\tz", TAG), "x_y__z");
        // A backslash stays unless it would escape a separator or end the token.
        assert_eq!(escaped("C:\\dir", TAG), "C:\\dir");
        assert_eq!(escaped("a \\ b\\", TAG), "a\\ _\\ b_");
        assert_eq!(escaped("a\\\\b", TAG), "a_\\b");
    }

    #[test]
    fn points_of_every_kind() {
        let provider = crate::Provider::new();
        provider
            .counter("req_total")
            .labels(&["z", "a", "e"])
            .build()
            .with(&["1", "2 3", ""])
            .add(7);
        provider.gauge("g").build().set(f64::INFINITY);
        provider.gauge("t").build().set(-2.5);
        let h = provider.histogram("h").buckets(&[1.0, 2.0]).build();
        h.observe(0.5);
        h.observe(1.5);
        let format = LineProtocol {
            prefix: "kit_".into(),
            precision: Precision::Ms,
        };
        let (lines, unsendable) = format.lines(&provider.snapshot(), 5_000_000_000);
        assert_eq!(
            lines.concat(),
            "kit_h count=2i,sum=2,p50=1,p90=1.8,p95=1.9,p99=1.98 5000\n\
             kit_req_total,a=2\\ 3,z=1 value=7i 5000\n\
             kit_t value=-2.5 5000\n"
        );
        assert_eq!(unsendable, 1);
    }

    #[test]
    fn no_empty_measurement_comment_line_empty_or_duplicate_tag_key() {
        let provider = crate::Provider::new();
        let labels = ["a", "a\n", "a_", "", "a"];
        let c = provider.counter("").labels(&labels).build();
        c.with(&["1", "2", "3", "4", "5"]).add(1);
        provider.counter("#x").build().add(1);
        let format = LineProtocol {
            prefix: String::new(),
            precision: Precision::S,
        };
        let (lines, _) = format.lines(&provider.snapshot(), 0);
        assert_eq!(
            lines.concat(),
            "_,_=4,a=1,a2=5,a_=2,a_2=3 value=1i 0\n_#x value=1i 0\n"
        );
    }

    /// Splits a token the way line protocol reads it: at `seps` not
    /// preceded by a backslash, un-escaping `\\` + a special character.
    fn split_escaped(text: &str, seps: &[char], special: &[char]) -> Vec<String> {
        let mut parts = vec![String::new()];
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| special.contains(n)) {
                parts.last_mut().unwrap().push(chars.next().unwrap());
            } else if seps.contains(&c) {
                parts.push(String::new());
            } else {
                parts.last_mut().unwrap().push(c);
            }
        }
        parts
    }

    /// What kit promises a tag value reads back as.
    fn promised(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let ambiguous = c == '\\' && chars.peek().is_none_or(|n| *n == '\\' || TAG.contains(n));
            out.push(if c.is_control() || ambiguous { '_' } else { c });
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever the name and labels hold, a point is one line that a
        /// line-protocol reader splits back into the same measurement,
        /// tags (control characters and ambiguous backslashes as `_`) and
        /// one field.
        #[test]
        fn any_name_and_labels_read_back(
            name in "[^\\\\]{1,12}",
            labels in proptest::collection::btree_map(
                "[a-z]{1,6}",
                proptest::prelude::any::<String>(),
                0..4,
            ),
        ) {
            let provider = crate::Provider::new();
            let names: Vec<&str> = labels.keys().map(String::as_str).collect();
            let values: Vec<&str> = labels.values().map(String::as_str).collect();
            provider.counter(&name).labels(&names).build().with(&values).add(3);
            let format = LineProtocol { prefix: String::new(), precision: Precision::S };
            let (lines, _) = format.lines(&provider.snapshot(), 1_000_000_000);
            let line = lines.iter().find(|l| !l.starts_with("kit_metrics_")).unwrap();
            let body = line.strip_suffix('\n').unwrap();
            proptest::prop_assert!(!body.contains('\n') && !body.contains('\r'), "{line:?}");
            // measurement,tags field=value time
            let sections = split_escaped(body, &[' '], TAG);
            proptest::prop_assert_eq!(sections.len(), 3, "{:?}", line);
            proptest::prop_assert_eq!(&sections[1], "value=3i");
            proptest::prop_assert_eq!(&sections[2], "1");
            let expected: Vec<(String, String)> = labels
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), promised(v)))
                .collect();
            let mut got = Vec::new();
            let mut measurement_and_tags = split_tokens(body);
            let measurement = measurement_and_tags.remove(0);
            proptest::prop_assert_eq!(measurement, promised_measurement(&name));
            for tag in measurement_and_tags {
                let kv = split_escaped(&tag, &['='], TAG);
                proptest::prop_assert_eq!(kv.len(), 2, "{:?}", line);
                got.push((kv[0].clone(), kv[1].clone()));
            }
            proptest::prop_assert_eq!(got, expected);
        }
    }

    /// The measurement and raw tag tokens of a line (before the first
    /// unescaped space, split at unescaped commas), still escaped inside.
    fn split_tokens(body: &str) -> Vec<String> {
        let mut tokens = vec![String::new()];
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek().is_some_and(|n| TAG.contains(n)) => {
                    let n = chars.next().unwrap();
                    let last = tokens.last_mut().unwrap();
                    // Keep `=` escaped for the tag split; spaces and commas are plain now.
                    if n == '=' {
                        last.push('\\');
                    }
                    last.push(n);
                }
                ' ' => break,
                ',' => tokens.push(String::new()),
                _ => tokens.last_mut().unwrap().push(c),
            }
        }
        tokens
    }

    fn promised_measurement(name: &str) -> String {
        let name: String = name
            .chars()
            .map(|c| if c.is_control() { '_' } else { c })
            .collect();
        // `#` would start a comment line.
        match name.starts_with('#') {
            true => format!("_{name}"),
            false => name,
        }
    }
}
