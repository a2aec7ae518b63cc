//! The fuzz corpora, replayed on the stable toolchain as plain tests: every
//! input `cargo fuzz` kept for the `propagation`, `config`, `encoders` and
//! `sanitizers` targets (and any regression input saved beside them) goes
//! through the same checks the targets run (`fuzz/checks/`). The
//! `sanitizers` corpus is also given to the backends' own parsers:
//! Prometheus' (`promtool check metrics`) and a real InfluxDB's. See
//! `fuzz/README.md` for running the fuzzers themselves.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/checks/config.rs"]
mod config;
#[path = "../../fuzz/checks/encoders.rs"]
mod encoders;
#[allow(dead_code)] // this file reads no points back
#[path = "../../metrics/tests/common/influxdb.rs"]
mod influxdb;
#[path = "../../log/tests/common/logfmt_spec.rs"]
mod logfmt_spec;
#[path = "../../log/tests/common/ordered_json.rs"]
mod ordered_json;
#[path = "../../metrics/tests/common/peer.rs"]
mod peer;
#[path = "../../metrics/tests/common/promtool.rs"]
mod promtool;
#[path = "../../fuzz/checks/propagation.rs"]
mod propagation;
#[path = "../../log/tests/common/roundtrip_check.rs"]
mod roundtrip_check;
#[path = "../../fuzz/checks/sanitizers.rs"]
mod sanitizers;

/// Every input of `target`'s corpus and regressions.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut inputs = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            inputs.push((path, data));
        }
    }
    inputs
}

fn replay(target: &str, check: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(
        inputs.len() > 100,
        "the {target} corpus is missing ({} inputs)",
        inputs.len()
    );
    for (path, data) in inputs {
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("{} fails the {target} check", path.display());
        }
    }
}

#[test]
fn the_propagation_corpus_passes_its_checks() {
    replay("propagation", propagation::check);
}

#[test]
fn the_config_corpus_passes_its_checks() {
    replay("config", config::check);
}

#[test]
fn the_encoders_corpus_passes_its_checks() {
    replay("encoders", encoders::check);
}

#[test]
fn the_sanitizers_corpus_passes_its_checks() {
    replay("sanitizers", sanitizers::check);
}

/// Prometheus' own parser (`promtool check metrics`, the text format
/// Prometheus scrapes) reads the whole corpus, as one exposition, without
/// an error: every name valid, no label name twice, no broken line.
#[test]
fn real_peer_promtool_accepts_the_sanitizers_corpus() {
    let provider = kit_metrics::Provider::new();
    let inputs = inputs("sanitizers");
    for (_, data) in &inputs {
        sanitizers::record(data, &provider);
    }
    let text = kit_metrics::prometheus::render(&provider.snapshot());
    let families = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
    assert!(
        families > 50,
        "{families} families from {} inputs",
        inputs.len()
    );
    let (code, said) = promtool::promtool(&text);
    // Exit 0: clean; 3: lint remarks only (help text, unit suffixes); 1: a
    // parse error (`error while linting: text format parsing error …`).
    assert!(
        matches!(code, 0 | 3) && !said.contains("error while linting"),
        "promtool exit {code}:\n{said}"
    );
}

/// A real InfluxDB 1.x takes every line the corpus makes: `204`, no
/// partial write, and each distinct series key one series.
#[test]
fn real_peer_influxdb_accepts_the_sanitizers_corpus() {
    let mut by_kind: [Vec<String>; 3] = Default::default();
    for (_, data) in inputs("sanitizers") {
        let (kind, lines) = sanitizers::influxdb_lines(&data);
        by_kind[usize::from(kind)].extend(lines);
    }
    let influx = influxdb::start_influxdb(peer::free_udp_port());
    for (kind, lines) in ["counters", "gauges", "histograms"].iter().zip(&by_kind) {
        assert!(lines.len() > 30, "{} {kind}", lines.len());
        influxdb::influxql(influx.port, "", &format!("CREATE DATABASE {kind}"));
        let response = influxdb::write(influx.port, kind, &lines.concat());
        assert!(response.starts_with("HTTP/1.0 204"), "{kind}: {response}");
        // Each distinct series key written (measurement and tags, up to
        // the first unescaped space) is one series in InfluxDB: none was
        // misread into another, none dropped.
        let mut keys: Vec<&str> = lines.iter().map(|l| series_key(l)).collect();
        keys.sort_unstable();
        keys.dedup();
        let answer = influxdb::influxql(influx.port, kind, "SHOW SERIES");
        let stored = answer["results"][0]["series"][0]["values"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(stored, keys.len(), "{kind}: {answer}");
    }
}

/// A line-protocol line up to its first unescaped space.
fn series_key(line: &str) -> &str {
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            ' ' if !escaped => return &line[..i],
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    line
}
