//! Graphite's plaintext protocol: `path value timestamp\n`.
//!
//! Paths: the name, then, per the configuration, label values folded in as
//! path levels (`requests_total.sum.ok`) or Graphite 1.1 tags
//! (`requests_total;method=sum;outcome=ok`). Histograms become
//! `….count`, `….sum` and `….p50`, `p90`, `p95`, `p99` estimated from the
//! buckets. Escaping: in a name and a folded value every character but
//! ASCII letters, digits, `_` and `-` becomes `_` (a folded value's `.`
//! too, so it cannot add a level); tag names keep the same set, tag values
//! also keep `.` and `:`. A space, newline or `;` can therefore never split
//! a line or forge a tag. An empty tag value is left out (Graphite has no
//! empty tags; an empty label means no label). Values that are not finite
//! are not sent.

use crate::quantile::{estimate, QUANTILES};
use crate::{SeriesValue, Snapshot};

/// How one backend writes paths.
#[derive(Clone, Debug)]
pub(crate) struct PathFormat {
    /// Kept as given (it may hold `.` levels), cleaned of anything else.
    pub(crate) prefix: String,
    /// Graphite 1.1 tags, or label values folded into the path.
    pub(crate) tags: bool,
}

fn clean(out: &mut String, text: &str, keep: &str) {
    if text.is_empty() {
        out.push('_');
        return;
    }
    out.extend(text.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' || keep.contains(c) {
            c
        } else {
            '_'
        }
    }));
}

impl PathFormat {
    /// The path of series `name` with `labels`, `suffix` (`count`, `p99`…)
    /// appended as a level.
    pub(crate) fn path(&self, name: &str, labels: &[(String, String)], suffix: &str) -> String {
        let mut path = String::with_capacity(self.prefix.len() + name.len() + 32);
        if !self.prefix.is_empty() {
            clean(&mut path, &self.prefix, ".");
        }
        clean(&mut path, name, "");
        if !self.tags {
            for (_, value) in labels {
                path.push('.');
                clean(&mut path, value, "");
            }
        }
        if !suffix.is_empty() {
            path.push('.');
            path.push_str(suffix);
        }
        if self.tags {
            for (key, value) in labels.iter().filter(|(_, v)| !v.is_empty()) {
                path.push(';');
                clean(&mut path, key, "");
                path.push('=');
                clean(&mut path, value, ".:");
            }
        }
        path
    }

    /// Every line of `snapshot` at `timestamp` (Unix seconds), and how many
    /// values could not be written (not finite).
    pub(crate) fn lines(&self, snapshot: &Snapshot, timestamp: u64) -> (Vec<String>, u64) {
        let mut lines = Vec::new();
        let mut unsendable = 0;
        let mut line = |path: String, value: f64| {
            if value.is_finite() {
                lines.push(format!("{path} {value} {timestamp}\n"));
            } else {
                unsendable += 1;
            }
        };
        for metric in &snapshot.metrics {
            let name = &metric.desc.name;
            for series in &metric.series {
                let labels = &series.labels;
                match &series.value {
                    SeriesValue::Counter(n) => line(self.path(name, labels, ""), *n as f64),
                    SeriesValue::FloatCounter(v) | SeriesValue::Gauge(v) => {
                        line(self.path(name, labels, ""), *v)
                    }
                    SeriesValue::Histogram {
                        bounds,
                        buckets,
                        count,
                        sum,
                    } => {
                        line(self.path(name, labels, "count"), *count as f64);
                        line(self.path(name, labels, "sum"), *sum);
                        for (q, suffix) in QUANTILES {
                            if let Some(v) = estimate(q, bounds, buckets) {
                                line(self.path(name, labels, suffix), v);
                            }
                        }
                    }
                }
            }
        }
        (lines, unsendable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::labels as l;

    #[test]
    fn folded_or_tagged() {
        let labels = l(&[("method", "sum"), ("outcome", "ok")]);
        let fold = PathFormat {
            prefix: "app.".into(),
            tags: false,
        };
        assert_eq!(
            fold.path("requests_total", &labels, ""),
            "app.requests_total.sum.ok"
        );
        assert_eq!(fold.path("lat", &labels, "p99"), "app.lat.sum.ok.p99");
        let tags = PathFormat {
            prefix: String::new(),
            tags: true,
        };
        assert_eq!(
            tags.path("lat", &labels, "count"),
            "lat.count;method=sum;outcome=ok"
        );
    }

    #[test]
    fn nothing_splits_a_line_or_forges_a_tag() {
        let labels = l(&[("k;x=y", "a b\nc;d=e.f:g"), ("empty", "")]);
        let fold = PathFormat {
            prefix: "my app.".into(),
            tags: false,
        };
        assert_eq!(
            fold.path("a.b c", &labels, ""),
            "my_app.a_b_c.a_b_c_d_e_f_g._"
        );
        let tags = PathFormat {
            prefix: String::new(),
            tags: true,
        };
        assert_eq!(tags.path("n", &labels, ""), "n;k_x_y=a_b_c_d_e.f:g");
    }

    #[test]
    fn lines_of_every_kind() {
        let provider = crate::Provider::new();
        provider.counter("c_total").build().add(3);
        provider.gauge("g").build().set(f64::NAN);
        let h = provider.histogram("h").buckets(&[1.0, 2.0]).build();
        for v in [0.5, 1.5] {
            h.observe(v);
        }
        let format = PathFormat {
            prefix: String::new(),
            tags: true,
        };
        let (lines, unsendable) = format.lines(&provider.snapshot(), 7);
        assert_eq!(
            lines.concat(),
            "c_total 3 7\nh.count 2 7\nh.sum 2 7\nh.p50 1 7\nh.p90 1.8 7\nh.p95 1.9 7\nh.p99 1.98 7\n"
        );
        assert_eq!(unsendable, 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever a name and labels hold, a path has no blank or control
        /// character, one level per folded value, and well-formed tags.
        #[test]
        fn any_name_and_labels_make_one_well_formed_path(
            name in proptest::prelude::any::<String>(),
            labels in proptest::collection::vec(
                (proptest::prelude::any::<String>(), proptest::prelude::any::<String>()),
                0..4,
            ),
            tags in proptest::prelude::any::<bool>(),
        ) {
            let labels: Vec<(String, String)> = labels;
            let f = PathFormat { prefix: String::new(), tags };
            let path = f.path(&name, &labels, "count");
            proptest::prop_assert!(!path.chars().any(|c| c.is_whitespace() || c.is_control()), "{path:?}");
            let mut parts = path.split(';');
            let levels: Vec<&str> = parts.next().unwrap().split('.').collect();
            proptest::prop_assert!(levels.iter().all(|l| !l.is_empty() && !l.contains('=')), "{path:?}");
            if tags {
                proptest::prop_assert_eq!(levels.len(), 2);
                let kept = labels.iter().filter(|(_, v)| !v.is_empty()).count();
                let tags: Vec<&str> = parts.collect();
                proptest::prop_assert_eq!(tags.len(), kept);
                for tag in tags {
                    let (k, v) = tag.split_once('=').unwrap();
                    proptest::prop_assert!(!k.is_empty() && !v.is_empty() && !v.contains('=') && !v.starts_with('~'), "{path:?}");
                }
            } else {
                proptest::prop_assert_eq!(levels.len(), 2 + labels.len());
                proptest::prop_assert!(parts.next().is_none());
            }
        }
    }
}
