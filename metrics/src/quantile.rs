//! Quantiles estimated from histogram buckets, for the backends that take
//! a histogram as a few numbers (InfluxDB, Graphite): linear interpolation
//! inside the bucket the rank falls in, as Prometheus' `histogram_quantile`
//! does.

/// The quantiles those backends receive, with their field/path names.
pub(crate) const QUANTILES: [(f64, &str); 4] =
    [(0.5, "p50"), (0.9, "p90"), (0.95, "p95"), (0.99, "p99")];

/// The `q` quantile of a histogram with upper `bounds` and per-bucket
/// (not cumulative) `buckets` (one more than `bounds`: `+Inf` last).
/// `None` without observations. A rank in the `+Inf` bucket gives the
/// highest finite bound (nothing better is known); the first bucket's
/// lower edge is 0 when its bound is positive.
///
/// The estimate is exact when observations sit evenly inside buckets and
/// off by at most one bucket's width otherwise.
pub(crate) fn estimate(q: f64, bounds: &[f64], buckets: &[u64]) -> Option<f64> {
    let count: u64 = buckets.iter().sum();
    if count == 0 {
        return None;
    }
    let rank = q * count as f64;
    let mut below = 0u64;
    for (i, &n) in buckets.iter().enumerate() {
        if n > 0 && (below + n) as f64 >= rank {
            let Some(&upper) = bounds.get(i) else {
                return bounds.last().copied().or(Some(0.0));
            };
            let lower = match i {
                0 if upper > 0.0 => 0.0,
                0 => return Some(upper),
                _ => bounds[i - 1],
            };
            let into = (rank - below as f64) / n as f64;
            return Some(lower + (upper - lower) * into);
        }
        below += n;
    }
    bounds.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_inside_the_bucket() {
        // 10 observations in (0, 1], 10 in (1, 2].
        let (bounds, buckets) = ([1.0, 2.0], [10, 10, 0]);
        assert_eq!(estimate(0.5, &bounds, &buckets), Some(1.0));
        assert_eq!(estimate(0.25, &bounds, &buckets), Some(0.5));
        assert_eq!(estimate(0.9, &bounds, &buckets), Some(1.8));
        assert_eq!(estimate(0.5, &bounds, &[0, 0, 0]), None);
    }

    #[test]
    fn the_inf_bucket_gives_the_highest_bound() {
        assert_eq!(estimate(0.99, &[1.0, 2.0], &[1, 0, 9]), Some(2.0));
        assert_eq!(estimate(0.5, &[], &[3]), Some(0.0));
    }

    #[test]
    fn a_first_bound_at_or_below_zero_is_its_own_estimate() {
        assert_eq!(estimate(0.5, &[-1.0, 0.0], &[4, 0, 0]), Some(-1.0));
    }
}
