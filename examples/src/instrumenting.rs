//! The instrumenting middleware: requests by method and outcome, their
//! duration, the integers summed and the characters concatenated — on
//! whatever backend the provider `main` gives it was configured with.

use std::time::Instant;

use kit_metrics::{Counter, Histogram, Provider};

use crate::service::{AddError, AddService};

/// The metrics of every call of the service it wraps.
///
/// ```
/// use kit_examples::{instrumenting::InstrumentingMiddleware, service::{AddService, BasicService}};
///
/// let provider = kit_metrics::Provider::builder().build();
/// let svc = InstrumentingMiddleware::new(&provider, BasicService);
/// svc.sum(1, 2).unwrap();
/// svc.sum(0, 0).unwrap_err();
/// ```
#[derive(Debug)]
pub struct InstrumentingMiddleware<S> {
    requests: Counter,
    duration: Histogram,
    integers: Counter,
    characters: Counter,
    next: S,
}

impl<S> InstrumentingMiddleware<S> {
    /// Records the calls of `next` in `provider`:
    /// `addsvc_requests_total{method, outcome}` (`outcome` is `ok` or the
    /// business error's kind), `addsvc_request_duration_seconds{method}`,
    /// `addsvc_integers_summed_total`, `addsvc_characters_concatenated_total`.
    pub fn new(provider: &Provider, next: S) -> Self {
        InstrumentingMiddleware {
            requests: provider
                .counter("addsvc_requests_total")
                .help("Requests served, by method and outcome.")
                .labels(&["method", "outcome"])
                .build(),
            duration: provider
                .histogram("addsvc_request_duration_seconds")
                .help("Time to serve a request, in seconds.")
                .unit("seconds")
                .labels(&["method"])
                .build(),
            integers: provider
                .counter("addsvc_integers_summed_total")
                .help("Integers summed by successful sum requests.")
                .build(),
            characters: provider
                .counter("addsvc_characters_concatenated_total")
                .help("Characters in the results of successful concat requests.")
                .build(),
            next,
        }
    }

    fn record<T>(&self, method: &str, started: Instant, result: &Result<T, AddError>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(e) => e.kind(),
        };
        self.requests.inc_with(&[method, outcome]);
        self.duration
            .observe_with(&[method], started.elapsed().as_secs_f64());
    }
}

impl<S: AddService> AddService for InstrumentingMiddleware<S> {
    fn sum(&self, a: i64, b: i64) -> Result<i64, AddError> {
        let started = Instant::now();
        let result = self.next.sum(a, b);
        self.record("sum", started, &result);
        if result.is_ok() {
            self.integers.add(2);
        }
        result
    }

    fn concat(&self, a: &str, b: &str) -> Result<String, AddError> {
        let started = Instant::now();
        let result = self.next.concat(a, b);
        self.record("concat", started, &result);
        if let Ok(v) = &result {
            self.characters.add(v.chars().count() as u64);
        }
        result
    }
}
