//! The fuzz corpora, replayed on the stable toolchain as plain tests: every
//! input `cargo fuzz` kept for the `propagation`, `config` and `encoders`
//! targets (and
//! any regression input saved beside them) goes through the same checks the
//! targets run (`fuzz/checks/`). See `fuzz/README.md` for running the
//! fuzzers themselves.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/checks/config.rs"]
mod config;
#[path = "../../fuzz/checks/encoders.rs"]
mod encoders;
#[path = "../../log/tests/common/logfmt_spec.rs"]
mod logfmt_spec;
#[path = "../../log/tests/common/ordered_json.rs"]
mod ordered_json;
#[path = "../../fuzz/checks/propagation.rs"]
mod propagation;
#[path = "../../log/tests/common/roundtrip_check.rs"]
mod roundtrip_check;

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
