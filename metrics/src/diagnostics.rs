//! What kit tells the application when a backend is in trouble: one
//! report per backend per [`DIAGNOSTICS_EVERY`] at most, with what happened
//! in between summed up, so a dead backend cannot flood the application's
//! logs.

use std::fmt;
use std::time::{Duration, Instant};

use crate::exporter::PushFailure;
use crate::Provider;

/// The shortest time between two reports about one backend.
pub const DIAGNOSTICS_EVERY: Duration = Duration::from_secs(10);

/// A backend's trouble, as the diagnostics hook receives it; see
/// [`Provider::set_diagnostics`].
///
/// ```
/// let d = kit_metrics::Diagnostic {
///     backend: "statsd",
///     error: "Connection refused (os error 111)".into(),
///     lost: 12,
///     suppressed: 3,
/// };
/// assert_eq!(
///     d.to_string(),
///     "kit-metrics: statsd: Connection refused (os error 111) (12 updates lost, 3 more failures since the last report)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The backend (`statsd`, `pushgateway`, …).
    pub backend: &'static str,
    /// The last error.
    pub error: String,
    /// Updates lost for good since the last report.
    pub lost: u64,
    /// Failures since the last report that were not reported one by one.
    pub suppressed: u64,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kit-metrics: {}: {} ({} updates lost, {} more failures since the last report)",
            self.backend, self.error, self.lost, self.suppressed
        )
    }
}

/// The hook the exporter calls.
pub(crate) type Hook = std::sync::Arc<dyn Fn(&Diagnostic) + Send + Sync>;

/// Where reports go when the application set no hook: standard error.
pub(crate) fn to_stderr(d: &Diagnostic) {
    eprintln!("{d}");
}

/// One backend's rate limiter, kept by the exporter thread.
pub(crate) struct Reporter {
    backend: &'static str,
    last: Option<Instant>,
    suppressed: u64,
    lost: u64,
}

impl Reporter {
    pub(crate) fn new(backend: &'static str) -> Self {
        Reporter {
            backend,
            last: None,
            suppressed: 0,
            lost: 0,
        }
    }

    /// Reports `failure` through `provider`'s hook unless one was reported
    /// less than [`DIAGNOSTICS_EVERY`] ago; then it is summed into the next.
    pub(crate) fn report(&mut self, provider: &Provider, failure: PushFailure, now: Instant) {
        self.lost += failure.lost;
        if let Some(last) = self.last {
            if now.duration_since(last) < DIAGNOSTICS_EVERY {
                self.suppressed += 1;
                return;
            }
        }
        provider.diagnose(&Diagnostic {
            backend: self.backend,
            error: failure.error.to_string(),
            lost: self.lost,
            suppressed: self.suppressed,
        });
        self.last = Some(now);
        self.suppressed = 0;
        self.lost = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;
    use std::sync::{Arc, Mutex};

    fn failure(lost: u64) -> PushFailure {
        PushFailure {
            error: io::Error::other("down"),
            lost,
        }
    }

    #[test]
    fn reports_once_per_interval_and_sums_the_rest() {
        let provider = Provider::new();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        provider.set_diagnostics(move |d| sink.lock().unwrap().push(d.clone()));
        let mut reporter = Reporter::new("statsd");
        let t0 = Instant::now();
        reporter.report(&provider, failure(1), t0);
        for i in 1..=5 {
            reporter.report(&provider, failure(2), t0 + Duration::from_secs(i));
        }
        reporter.report(&provider, failure(3), t0 + DIAGNOSTICS_EVERY);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!((seen[0].lost, seen[0].suppressed), (1, 0));
        assert_eq!((seen[1].lost, seen[1].suppressed), (13, 5));
        assert_eq!(seen[1].error, "down");
    }
}
