//! Oversized input is bounded: 100,000 distinct label values on one metric
//! make at most `max_series` series (10,000 by default) plus the one whose
//! labels read `overflow`, which takes every update past the cap — nothing
//! is lost, and memory stays bounded.

use kit_metrics::Provider;
use kit_metrics::{SeriesSnapshot, SeriesValue};

#[path = "common/measure.rs"]
mod measure;
use measure::{rss, serial};

#[test]
fn a_hundred_thousand_label_values_stay_within_the_series_cap_and_lose_no_update() {
    let _serial = serial();
    let provider = Provider::builder().build();
    let requests = provider.counter("requests_total").labels(&["user"]).build();
    let before = rss();
    for i in 0..100_000u32 {
        requests.inc_with(&[&format!("user-{i}")]);
    }
    let grown = rss().saturating_sub(before);
    let snapshot = provider.snapshot();
    let metric = snapshot
        .metrics
        .iter()
        .find(|m| m.desc.name == "requests_total")
        .unwrap();
    assert_eq!(
        metric.series.len(),
        10_001,
        "the cap and one overflow series"
    );
    let count = |s: &SeriesSnapshot| match s.value {
        SeriesValue::Counter(n) => n,
        ref other => panic!("{other:?}"),
    };
    let overflow = metric
        .series
        .iter()
        .find(|s| s.labels == [("user".to_string(), "overflow".to_string())])
        .expect("an overflow series");
    assert_eq!(count(overflow), 90_000);
    assert_eq!(metric.series.iter().map(count).sum::<u64>(), 100_000);
    assert!(
        grown < 50 * 1024 * 1024,
        "grew {} MB for 100,000 label values",
        grown / (1024 * 1024)
    );
}
