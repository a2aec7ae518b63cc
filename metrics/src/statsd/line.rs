//! The statsd and DogStatsD line format:
//! `name:value|type[|@rate][|#key:value,…]`, one line per update.
//!
//! Escaping: statsd reserves `:`, `|`, `@`, `#` and `,`, and a newline
//! ends a line, so in names, folded label values and tag keys each of
//! those, whitespace and every control character becomes `_`; a folded
//! label value also has its `.` replaced (it would add a path level). Tag
//! values keep `:` (DogStatsD splits a tag at its first colon) and lose the
//! rest. Nothing kit writes can end a line early or forge another.

use crate::config::{HistogramAs, StatsdLabels};

/// How one backend writes lines.
#[derive(Clone, Debug)]
pub(crate) struct LineFormat {
    pub(crate) prefix: String,
    pub(crate) labels: StatsdLabels,
    pub(crate) histogram: HistogramAs,
}

/// The parts of a series' lines around the value: `name:` and the tags.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SeriesLine {
    /// `prefix` + name (+ folded label values), then `:`.
    head: String,
    /// `|#k:v,…`, or empty.
    tags: String,
}

fn reserved(c: char) -> bool {
    matches!(c, ':' | '|' | '@' | '#' | ',') || c.is_whitespace() || c.is_control()
}

fn push_clean(out: &mut String, text: &str, bad: impl Fn(char) -> bool) {
    if text.is_empty() {
        out.push('_');
        return;
    }
    out.extend(text.chars().map(|c| if bad(c) { '_' } else { c }));
}

impl LineFormat {
    /// The fixed parts of the lines of series `name` with `labels`.
    pub(crate) fn series(&self, name: &str, labels: &[(String, String)]) -> SeriesLine {
        let mut head = String::with_capacity(self.prefix.len() + name.len() + 16);
        push_clean(&mut head, &format!("{}{name}", self.prefix), reserved);
        let mut tags = String::new();
        match self.labels {
            StatsdLabels::Fold => {
                for (_, value) in labels {
                    head.push('.');
                    push_clean(&mut head, value, |c| c == '.' || reserved(c));
                }
            }
            StatsdLabels::Drop => {}
            StatsdLabels::Tags => {
                for (i, (key, value)) in labels.iter().enumerate() {
                    tags.push_str(if i == 0 { "|#" } else { "," });
                    push_clean(&mut tags, key, reserved);
                    tags.push(':');
                    push_clean(&mut tags, value, |c| c != ':' && reserved(c));
                }
            }
        }
        head.push(':');
        SeriesLine { head, tags }
    }

    /// The type and unit a histogram observation travels with, and the
    /// factor from kit's unit (seconds, for timers) to the wire's.
    fn observation_type(&self) -> (&'static str, f64) {
        match self.histogram {
            HistogramAs::Ms => ("|ms", 1000.0),
            HistogramAs::Distribution => ("|d", 1.0),
            HistogramAs::Histogram => ("|h", 1.0),
        }
    }

    /// A counter increment: `name:3|c`.
    pub(crate) fn counter(&self, out: &mut String, series: &SeriesLine, delta: Number) {
        line(out, series, delta, "|c", None);
    }

    /// A gauge: `name:2.5|g`. A negative value is sent after a `0` in the
    /// same datagram, since statsd reads a leading `-` as a decrement.
    /// A value that is not finite is not sent (statsd cannot carry it):
    /// `false`.
    pub(crate) fn gauge(&self, out: &mut String, series: &SeriesLine, v: f64) -> bool {
        if !v.is_finite() {
            return false;
        }
        if v < 0.0 {
            line(out, series, Number::Int(0), "|g", None);
            out.push('\n');
        }
        line(out, series, Number::Float(v), "|g", None);
        true
    }

    /// One histogram observation, announced with `rate` when below 1.
    /// Not finite, or a negative timer (statsd rejects those): not sent,
    /// `false`.
    pub(crate) fn observation(
        &self,
        out: &mut String,
        series: &SeriesLine,
        v: f64,
        rate: f64,
    ) -> bool {
        let (kind, factor) = self.observation_type();
        let v = v * factor;
        if !v.is_finite() || (v < 0.0 && self.histogram == HistogramAs::Ms) {
            return false;
        }
        line(
            out,
            series,
            Number::Float(v),
            kind,
            (rate < 1.0).then_some(rate),
        );
        true
    }
}

/// A value on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    Int(u64),
    Float(f64),
}

fn line(out: &mut String, series: &SeriesLine, v: Number, kind: &str, rate: Option<f64>) {
    out.push_str(&series.head);
    push_number(out, v);
    out.push_str(kind);
    if let Some(rate) = rate {
        out.push_str("|@");
        push_number(out, Number::Float(rate));
    }
    out.push_str(&series.tags);
}

/// Whole numbers without a fraction, others in the shortest decimal form
/// that reads back to the same `f64`, never in exponent form (Etsy
/// statsd's sample-rate parser takes digits and a dot only).
fn push_number(out: &mut String, v: Number) {
    use std::fmt::Write;
    match v {
        Number::Int(n) => out.push_str(itoa::Buffer::new().format(n)),
        Number::Float(f) => {
            let _ = write!(out, "{f}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::labels as l;

    fn format(labels: StatsdLabels, histogram: HistogramAs) -> LineFormat {
        LineFormat {
            prefix: "app.".into(),
            labels,
            histogram,
        }
    }

    #[test]
    fn labels_fold_drop_or_tag() {
        let labels = l(&[("method", "sum"), ("outcome", "ok")]);
        let mut out = String::new();
        let fold = format(StatsdLabels::Fold, HistogramAs::Ms);
        fold.counter(&mut out, &fold.series("requests", &labels), Number::Int(3));
        assert_eq!(out, "app.requests.sum.ok:3|c");
        out.clear();
        let drop = format(StatsdLabels::Drop, HistogramAs::Ms);
        drop.counter(&mut out, &drop.series("requests", &labels), Number::Int(3));
        assert_eq!(out, "app.requests:3|c");
        out.clear();
        let tags = format(StatsdLabels::Tags, HistogramAs::Distribution);
        tags.counter(&mut out, &tags.series("requests", &labels), Number::Int(3));
        assert_eq!(out, "app.requests:3|c|#method:sum,outcome:ok");
    }

    #[test]
    fn gauges_negative_and_not_finite() {
        let f = format(StatsdLabels::Fold, HistogramAs::Ms);
        let s = f.series("temp", &[]);
        let mut out = String::new();
        assert!(f.gauge(&mut out, &s, -2.5));
        assert_eq!(out, "app.temp:0|g\napp.temp:-2.5|g");
        out.clear();
        assert!(f.gauge(&mut out, &s, 7.0));
        assert_eq!(out, "app.temp:7|g");
        out.clear();
        assert!(!f.gauge(&mut out, &s, f64::NAN));
        assert!(!f.gauge(&mut out, &s, f64::INFINITY));
        assert!(out.is_empty());
    }

    #[test]
    fn observations_in_ms_or_as_distributions_with_an_honest_rate() {
        let ms = format(StatsdLabels::Fold, HistogramAs::Ms);
        let mut out = String::new();
        assert!(ms.observation(&mut out, &ms.series("lat", &[]), 0.0125, 1.0));
        assert_eq!(out, "app.lat:12.5|ms");
        out.clear();
        assert!(ms.observation(&mut out, &ms.series("lat", &[]), 2.0, 0.25));
        assert_eq!(out, "app.lat:2000|ms|@0.25");
        let d = format(StatsdLabels::Tags, HistogramAs::Distribution);
        out.clear();
        assert!(d.observation(&mut out, &d.series("lat", &l(&[("a", "b")])), 0.5, 0.5));
        assert_eq!(out, "app.lat:0.5|d|@0.5|#a:b");
        let h = format(StatsdLabels::Tags, HistogramAs::Histogram);
        out.clear();
        assert!(h.observation(&mut out, &h.series("lat", &[]), 3.0, 1.0));
        assert_eq!(out, "app.lat:3|h");
        assert!(!h.observation(&mut out, &h.series("lat", &[]), f64::NAN, 1.0));
        assert!(h.observation(&mut out, &h.series("lat", &[]), -1.0, 1.0));
        assert!(!ms.observation(&mut out, &ms.series("lat", &[]), -1.0, 1.0));
    }

    #[test]
    fn reserved_characters_are_replaced() {
        let fold = format(StatsdLabels::Fold, HistogramAs::Ms);
        let s = fold.series("a:b|c@d#e,f g\nh", &l(&[("k", "v.w:x\r\n"), ("e", "")]));
        assert_eq!(s.head, "app.a_b_c_d_e_f_g_h.v_w_x__._:");
        let tags = format(StatsdLabels::Tags, HistogramAs::Ms);
        let s = tags.series("n", &l(&[("k:|", "url:http://x|y,z#@\n")]));
        assert_eq!(s.tags, "|#k__:url:http://x_y_z___");
    }

    #[test]
    fn numbers() {
        let mut out = String::new();
        push_number(&mut out, Number::Float(1e20));
        out.push(' ');
        push_number(&mut out, Number::Float(-0.001));
        out.push(' ');
        push_number(&mut out, Number::Int(u64::MAX));
        out.push(' ');
        push_number(&mut out, Number::Float(0.00001));
        out.push(' ');
        push_number(&mut out, Number::Float(3.0));
        assert_eq!(
            out,
            "100000000000000000000 -0.001 18446744073709551615 0.00001 3"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever a name and labels hold, a counter line is one line with
        /// exactly its own separators: `name:value|c[|#k:v,…]`.
        #[test]
        fn any_name_and_labels_make_one_well_formed_line(
            name in proptest::prelude::any::<String>(),
            labels in proptest::collection::vec(
                (proptest::prelude::any::<String>(), proptest::prelude::any::<String>()),
                0..4,
            ),
            mode in 0..3u8,
        ) {
            let labels: Vec<(String, String)> = labels;
            let mode = [StatsdLabels::Fold, StatsdLabels::Drop, StatsdLabels::Tags][mode as usize];
            let f = LineFormat { prefix: String::new(), labels: mode, histogram: HistogramAs::Ms };
            let mut out = String::new();
            f.counter(&mut out, &f.series(&name, &labels), Number::Int(1));
            proptest::prop_assert!(!out.contains('\n') && !out.contains('\r'), "{out:?}");
            let (head, rest) = out.split_once(':').unwrap();
            proptest::prop_assert!(!head.chars().any(reserved), "{out:?}");
            let parts: Vec<&str> = rest.split('|').collect();
            proptest::prop_assert_eq!(parts[0], "1");
            proptest::prop_assert_eq!(parts[1], "c");
            match mode {
                StatsdLabels::Tags if !labels.is_empty() => {
                    proptest::prop_assert_eq!(parts.len(), 3);
                    let tags: Vec<&str> = parts[2].strip_prefix('#').unwrap().split(',').collect();
                    proptest::prop_assert_eq!(tags.len(), labels.len());
                    for tag in tags {
                        let (k, _) = tag.split_once(':').unwrap();
                        proptest::prop_assert!(!k.is_empty() && !k.chars().any(reserved));
                    }
                }
                StatsdLabels::Fold => {
                    proptest::prop_assert_eq!(parts.len(), 2);
                    // One level per label value, whatever the value holds.
                    let levels = head.split('.').count();
                    let own = f.series(&name, &[]).head.trim_end_matches(':').split('.').count();
                    proptest::prop_assert_eq!(levels, own + labels.len());
                }
                _ => proptest::prop_assert_eq!(parts.len(), 2),
            }
        }
    }
}
