//! What the `sanitizers` fuzz target checks, also replayed over the
//! committed corpus by `examples/tests/fuzz_corpus.rs`: a metric of any
//! name, label names and label values, written by each backend, is
//! accepted by that backend's grammar — checked here by small parsers
//! written from each protocol's documentation, not by kit's own code —
//! and reads back to one line per point with every label in place.
//!
//! Grammars: Prometheus text exposition 0.0.4 and OpenMetrics 1.0 (metric
//! and label names, label-value escapes, `le`, no duplicate label name);
//! statsd / DogStatsD (`name:value|type[|@rate][|#k:v,…]`, `:|@#,` and
//! whitespace reserved); InfluxDB line protocol (escaped measurement, tags
//! and fields, integer `i` suffix, timestamp, no comment line); Graphite
//! plaintext (`path value timestamp`, Graphite 1.1 tags); Circonus HTTPTrap
//! JSON (`name|ST[category:value,…]` members, `L` / `n` / `H` values).

use kit_metrics::config::{HistogramAs, StatsdLabels};
use kit_metrics::{prometheus, wire, Provider, Snapshot};

/// Takes `n` bytes (fewer at the end of the input).
fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = data.split_at(n.min(data.len()));
    *data = tail;
    head
}

fn text(data: &mut &[u8]) -> String {
    let n = usize::from(take(data, 1).first().copied().unwrap_or(0));
    String::from_utf8_lossy(take(data, n)).into_owned()
}

/// One fuzzed metric.
#[derive(Debug)]
pub(crate) struct Metric {
    /// 0 counter, 1 gauge, 2 histogram.
    kind: u8,
    prefix: &'static str,
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

const PREFIXES: [&str; 3] = ["", "app.", "a.b."];

/// The input as a metric: a flags byte (kind, prefix), 8 bytes of value,
/// the name, then up to four label name / value pairs, each text a length
/// byte and that many bytes.
pub(crate) fn metric(mut data: &[u8]) -> Metric {
    let data = &mut data;
    let flags = take(data, 1).first().copied().unwrap_or(0);
    let mut bits = [0u8; 8];
    let got = take(data, 8);
    bits[..got.len()].copy_from_slice(got);
    let name = text(data);
    let mut labels = Vec::new();
    while !data.is_empty() && labels.len() < 4 {
        let key = text(data);
        labels.push((key, text(data)));
    }
    Metric {
        kind: flags % 3,
        prefix: PREFIXES[usize::from(flags / 3 % 3)],
        name,
        labels,
        value: f64::from_le_bytes(bits),
    }
}

/// The input's metric recorded on `provider` (the real-peer replays put a
/// whole corpus on one provider).
#[allow(dead_code)] // not by the fuzz target
pub(crate) fn record(data: &[u8], provider: &Provider) {
    let metric = metric(data);
    metric.record(provider, &metric.name);
}

/// The input's InfluxDB lines, and its metric's kind (0 counter, 1 gauge,
/// 2 histogram: a field keeps one type per measurement, so each kind goes
/// to a database of its own).
#[allow(dead_code)] // not by the fuzz target
pub(crate) fn influxdb_lines(data: &[u8]) -> (u8, Vec<String>) {
    let metric = metric(data);
    let snapshot = metric.snapshot(&metric.name);
    (
        metric.kind,
        wire::influxdb(metric.prefix, &snapshot, 1_700_000_000_000_000_000).0,
    )
}

impl Metric {
    fn snapshot(&self, name: &str) -> Snapshot {
        let provider = Provider::new();
        self.record(&provider, name);
        provider.snapshot()
    }

    fn record(&self, provider: &Provider, name: &str) {
        let names: Vec<&str> = self.labels.iter().map(|(n, _)| n.as_str()).collect();
        let values: Vec<&str> = self.labels.iter().map(|(_, v)| v.as_str()).collect();
        match self.kind {
            0 => provider
                .counter(name)
                .help(&self.name)
                .labels(&names)
                .build()
                .with(&values)
                .add(7),
            1 => provider
                .gauge(name)
                .help(&self.name)
                .labels(&names)
                .build()
                .with(&values)
                .set(self.value),
            _ => provider
                .histogram(name)
                .help(&self.name)
                .labels(&names)
                .buckets(&[1.0])
                .build()
                .with(&values)
                .observe(self.value),
        }
    }
}

/// The check; panics when a property does not hold.
pub(crate) fn check(data: &[u8]) {
    let metric = metric(data);
    check_prometheus(&metric);
    check_statsd(&metric);
    check_influxdb(&metric);
    check_graphite(&metric);
    check_circonus(&metric);
}

// --- Prometheus ------------------------------------------------------------

fn prometheus_name(s: &str, colon: bool) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || (colon && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// One sample line: name, labels (decoded), value text.
fn prometheus_sample(line: &str) -> (String, Vec<(String, String)>, String) {
    let end = line
        .find(['{', ' '])
        .unwrap_or_else(|| panic!("no value: {line:?}"));
    let name = &line[..end];
    assert!(
        prometheus_name(name, true),
        "metric name {name:?} in {line:?}"
    );
    let mut rest = &line[end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner;
        loop {
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let eq = rest
                .find('=')
                .unwrap_or_else(|| panic!("label without = in {line:?}"));
            let key = &rest[..eq];
            assert!(
                prometheus_name(key, false) && !key.starts_with("__"),
                "label {key:?} in {line:?}"
            );
            assert!(
                labels.iter().all(|(k, _)| k != key),
                "label {key:?} twice in {line:?}"
            );
            rest = rest[eq + 1..]
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("unquoted in {line:?}"));
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let close = loop {
                match chars.next() {
                    Some((i, '"')) => break i,
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => value.push('\n'),
                        Some((_, '\\')) => value.push('\\'),
                        Some((_, '"')) => value.push('"'),
                        other => panic!("escape {other:?} in {line:?}"),
                    },
                    Some((_, c)) => value.push(c),
                    None => panic!("unterminated value in {line:?}"),
                }
            };
            labels.push((key.to_owned(), value));
            rest = &rest[close + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
    }
    let value = rest
        .strip_prefix(' ')
        .unwrap_or_else(|| panic!("no value in {line:?}"));
    assert!(
        matches!(value, "NaN" | "+Inf" | "-Inf") || value.parse::<f64>().is_ok(),
        "value {value:?} in {line:?}"
    );
    (name.to_owned(), labels, value.to_owned())
}

fn check_prometheus(metric: &Metric) {
    let snapshot = metric.snapshot(&metric.name);
    let want: Vec<&String> = {
        let mut v: Vec<&String> = metric.labels.iter().map(|(_, v)| v).collect();
        v.sort();
        v
    };
    for (text, openmetrics) in [
        (prometheus::render(&snapshot), false),
        (prometheus::render_openmetrics(&snapshot), true),
    ] {
        let mut family = None;
        let mut samples = 0;
        for line in text.lines() {
            if line == "# EOF" {
                assert!(openmetrics);
                continue;
            }
            if let Some(help) = line.strip_prefix("# HELP ") {
                let name = help.split(' ').next().unwrap();
                assert!(prometheus_name(name, true), "{line:?}");
                family = Some(name.to_owned());
                continue;
            }
            if let Some(kind) = line.strip_prefix("# TYPE ") {
                let (name, kind) = kind.split_once(' ').unwrap();
                assert_eq!(Some(name), family.as_deref(), "{text}");
                assert!(
                    ["counter", "gauge", "histogram"].contains(&kind),
                    "{line:?}"
                );
                continue;
            }
            assert!(!line.starts_with('#'), "{line:?}");
            let (name, labels, _) = prometheus_sample(line);
            let family = family.as_deref().expect("a sample before its HELP");
            assert!(
                name.starts_with(family),
                "{name} outside family {family}: {text}"
            );
            // A histogram's own `le` (a user's `le` is renamed on one).
            let own = |k: &str| metric.kind == 2 && k == "le";
            let mut got: Vec<&String> = labels
                .iter()
                .filter(|(k, _)| !own(k))
                .map(|(_, v)| v)
                .collect();
            got.sort();
            assert_eq!(got, want, "{text}");
            samples += 1;
        }
        // Counter: one sample; gauge: one; histogram: two buckets, sum, count.
        assert_eq!(samples, [1, 1, 4][usize::from(metric.kind)], "{text}");
    }
}

// --- statsd / DogStatsD ------------------------------------------------------

fn statsd_reserved(c: char) -> bool {
    matches!(c, ':' | '|' | '@' | '#' | ',') || c.is_whitespace() || c.is_control()
}

fn check_statsd(metric: &Metric) {
    let v = metric.value;
    for labels_as in [StatsdLabels::Fold, StatsdLabels::Drop, StatsdLabels::Tags] {
        for histogram in [HistogramAs::Ms, HistogramAs::Distribution] {
            let out = wire::statsd(
                metric.prefix,
                labels_as,
                histogram,
                &metric.name,
                &metric.labels,
                v,
            );
            let factor = if histogram == HistogramAs::Ms {
                1000.0
            } else {
                1.0
            };
            let observed = v * factor;
            let mut want = vec![(1.0, "c")];
            if v.is_finite() {
                if v < 0.0 {
                    want.push((0.0, "g"));
                }
                want.push((v, "g"));
            }
            if observed.is_finite() && !(observed < 0.0 && histogram == HistogramAs::Ms) {
                want.push((
                    observed,
                    if histogram == HistogramAs::Ms {
                        "ms"
                    } else {
                        "d"
                    },
                ));
            }
            let lines: Vec<&str> = out.split('\n').collect();
            assert_eq!(lines.len(), want.len(), "{out:?}");
            for (line, (value, kind)) in lines.iter().zip(want) {
                let (head, rest) = line.split_once(':').unwrap_or_else(|| panic!("{line:?}"));
                assert!(
                    !head.is_empty() && !head.chars().any(statsd_reserved),
                    "name {head:?}"
                );
                let mut parts = rest.split('|');
                let got: f64 = parts
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap_or_else(|_| panic!("{line:?}"));
                assert_eq!(got, value, "{line:?}");
                assert_eq!(parts.next(), Some(kind), "{line:?}");
                let tags = parts.next();
                assert_eq!(parts.next(), None, "{line:?}");
                match labels_as {
                    StatsdLabels::Tags if !metric.labels.is_empty() => {
                        let tags = tags
                            .and_then(|t| t.strip_prefix('#'))
                            .unwrap_or_else(|| panic!("{line:?}"));
                        let tags: Vec<&str> = tags.split(',').collect();
                        assert_eq!(tags.len(), metric.labels.len(), "{line:?}");
                        for tag in tags {
                            let (k, v) = tag.split_once(':').unwrap_or_else(|| panic!("{tag:?}"));
                            assert!(
                                !k.is_empty() && !k.chars().any(statsd_reserved),
                                "tag key {k:?}"
                            );
                            assert!(
                                !v.is_empty() && !v.chars().any(|c| c != ':' && statsd_reserved(c)),
                                "tag value {v:?}"
                            );
                        }
                    }
                    _ => assert_eq!(tags, None, "{line:?}"),
                }
                let plain = |s: &str| !s.contains('.');
                if labels_as == StatsdLabels::Fold && plain(metric.prefix) && plain(&metric.name) {
                    assert_eq!(head.split('.').count(), 1 + metric.labels.len(), "{line:?}");
                }
            }
        }
    }
}

// --- InfluxDB line protocol --------------------------------------------------

/// Reads an escaped token up to an unescaped character of `ends`: the token
/// as InfluxDB reads it and the rest.
fn influx_token<'a>(s: &'a str, ends: &[char], escapable: &[char]) -> (String, &'a str) {
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            if let Some(&(_, n)) = chars.peek() {
                if escapable.contains(&n) {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
            out.push('\\');
        } else if ends.contains(&c) {
            return (out, &s[i..]);
        } else {
            out.push(c);
        }
    }
    (out, "")
}

fn check_influxdb(metric: &Metric) {
    let snapshot = metric.snapshot(&metric.name);
    let (lines, unsendable) = wire::influxdb(metric.prefix, &snapshot, 1_700_000_000_000_000_000);
    let finite = metric.value.is_finite();
    assert_eq!(
        lines.len(),
        usize::from(metric.kind == 0 || finite || metric.kind == 2)
    );
    if metric.kind == 1 {
        // A gauge that is not finite is left out, and counted.
        assert_eq!(unsendable == 0, finite, "{lines:?}");
    }
    for line in &lines {
        let body = line
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("{line:?}"));
        assert!(!body.contains(['\n', '\r']), "{line:?}");
        assert!(!body.starts_with('#'), "a comment line: {line:?}");
        let (measurement, mut rest) = influx_token(body, &[',', ' '], &[',', ' ']);
        assert!(!measurement.is_empty(), "{line:?}");
        let mut tags = 0;
        let mut keys = Vec::new();
        while let Some(after) = rest.strip_prefix(',') {
            let (key, after) = influx_token(after, &['=', ',', ' '], &[',', '=', ' ']);
            let after = after
                .strip_prefix('=')
                .unwrap_or_else(|| panic!("tag without = in {line:?}"));
            let (value, after) = influx_token(after, &[',', ' ', '='], &[',', '=', ' ']);
            assert!(!key.is_empty() && !value.is_empty(), "{line:?}");
            assert!(!key.ends_with('\\') && !value.ends_with('\\'), "{line:?}");
            assert!(!keys.contains(&key), "tag {key:?} twice in {line:?}");
            keys.push(key);
            tags += 1;
            rest = after;
        }
        let want = metric.labels.iter().filter(|(_, v)| !v.is_empty()).count();
        assert_eq!(tags, want, "{line:?}");
        let rest = rest
            .strip_prefix(' ')
            .unwrap_or_else(|| panic!("no fields in {line:?}"));
        let (fields, time) = rest.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        assert!(time.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
        for field in fields.split(',') {
            let (key, value) = field.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
            assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()), "{line:?}");
            match value.strip_suffix('i') {
                Some(int) => assert!(int.parse::<u64>().is_ok(), "{line:?}"),
                None => assert!(value.parse::<f64>().is_ok_and(f64::is_finite), "{line:?}"),
            }
        }
    }
}

// --- Graphite plaintext ------------------------------------------------------

fn graphite_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

fn check_graphite(metric: &Metric) {
    let snapshot = metric.snapshot(&metric.name);
    for tags in [false, true] {
        let (lines, _) = wire::graphite(metric.prefix, tags, &snapshot, 1_700_000_000);
        for line in &lines {
            let body = line
                .strip_suffix('\n')
                .unwrap_or_else(|| panic!("{line:?}"));
            let fields: Vec<&str> = body.split(' ').collect();
            assert_eq!(fields.len(), 3, "{line:?}");
            assert!(
                fields[1].parse::<f64>().is_ok_and(f64::is_finite),
                "{line:?}"
            );
            assert!(fields[2].bytes().all(|b| b.is_ascii_digit()), "{line:?}");
            let mut parts = fields[0].split(';');
            let path = parts.next().unwrap();
            assert!(path.chars().all(graphite_path_char), "{line:?}");
            assert!(
                path.split('.').all(|level| !level.is_empty()),
                "empty level: {line:?}"
            );
            let tag_list: Vec<&str> = parts.collect();
            if tags {
                let want = metric.labels.iter().filter(|(_, v)| !v.is_empty()).count();
                assert_eq!(tag_list.len(), want, "{line:?}");
                for tag in tag_list {
                    let (k, v) = tag.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
                    assert!(
                        !k.is_empty() && !k.contains(['!', '^', '=', ';', '~']),
                        "{line:?}"
                    );
                    assert!(
                        !v.is_empty() && !v.starts_with('~') && !v.contains(';'),
                        "{line:?}"
                    );
                }
            } else {
                assert!(tag_list.is_empty(), "{line:?}");
                if !metric.prefix.contains('.') || metric.prefix.ends_with('.') {
                    let levels = metric.prefix.matches('.').count() + 1 + metric.labels.len();
                    let suffix = usize::from(metric.kind == 2);
                    assert_eq!(path.split('.').count(), levels + suffix, "{line:?}");
                }
            }
        }
    }
}

// --- Circonus HTTPTrap ---------------------------------------------------------

fn circonus_reserved(c: char) -> bool {
    matches!(c, ',' | ':' | '[' | ']' | '|' | '"') || c.is_control()
}

fn check_circonus(metric: &Metric) {
    let (body, unsendable) = wire::circonus(&metric.snapshot(&metric.name));
    let members = body.as_object().expect("a JSON object");
    let gauge_lost = metric.kind == 1 && !metric.value.is_finite();
    assert_eq!(members.len(), usize::from(!gauge_lost), "{body}");
    assert_eq!(unsendable, u64::from(gauge_lost), "{body}");
    for (key, value) in members {
        let (name, tags) = match key.split_once("|ST[") {
            Some((name, tags)) => (name, Some(tags)),
            None => (key.as_str(), None),
        };
        assert!(
            !name.is_empty() && !name.chars().any(|c| c == '|' || c.is_control()),
            "{key:?}"
        );
        match tags {
            None => assert!(metric.labels.is_empty(), "{key:?}"),
            Some(tags) => {
                let tags = tags.strip_suffix(']').unwrap_or_else(|| panic!("{key:?}"));
                let tags: Vec<&str> = tags.split(',').collect();
                assert_eq!(tags.len(), metric.labels.len(), "{key:?}");
                for tag in tags {
                    let parts: Vec<&str> = tag.split(':').collect();
                    assert_eq!(parts.len(), 2, "{key:?}");
                    for part in parts {
                        assert!(
                            !part.is_empty() && !part.chars().any(circonus_reserved),
                            "{key:?}"
                        );
                    }
                }
            }
        }
        match value["_type"].as_str() {
            Some("L") => assert!(value["_value"].is_u64(), "{value}"),
            Some("n") => assert!(
                value["_value"].as_f64().is_some_and(f64::is_finite),
                "{value}"
            ),
            Some("H") => {
                for bin in value["_value"].as_array().unwrap() {
                    let bin = bin.as_str().unwrap();
                    let (bound, count) = bin
                        .strip_prefix("H[")
                        .and_then(|b| b.split_once("]="))
                        .unwrap_or_else(|| panic!("{bin:?}"));
                    assert!(bound.parse::<f64>().is_ok_and(f64::is_finite), "{bin:?}");
                    assert!(count.parse::<u64>().is_ok(), "{bin:?}");
                }
            }
            other => panic!("_type {other:?}: {value}"),
        }
    }
}
