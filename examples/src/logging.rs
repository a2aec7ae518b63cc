//! The logging middleware: one record per call — method, arguments,
//! result or business error, duration — through the logger `main` gives
//! it (which adds `trace_id` / `span_id` when the call is traced).

use std::sync::Arc;
use std::time::Instant;

use kit_log::Logger;

use crate::service::{AddError, AddService};

/// Logs every call of the service it wraps.
///
/// ```
/// use std::sync::Arc;
/// use kit_log::{sink::Buffer, Logfmt};
/// use kit_examples::{logging::LoggingMiddleware, service::{AddService, BasicService}};
///
/// let out = Buffer::new();
/// let svc = LoggingMiddleware::new(Arc::new(Logfmt::new(out.clone())), BasicService);
/// svc.sum(1, 2).unwrap();
/// assert!(out.contents_string().starts_with("method=sum a=1 b=2 v=3 err=null took="));
/// ```
pub struct LoggingMiddleware<S> {
    logger: Arc<dyn Logger>,
    next: S,
}

impl<S: std::fmt::Debug> std::fmt::Debug for LoggingMiddleware<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggingMiddleware")
            .field("next", &self.next)
            .finish()
    }
}

impl<S> LoggingMiddleware<S> {
    /// Logs the calls of `next` to `logger`.
    pub fn new(logger: Arc<dyn Logger>, next: S) -> Self {
        LoggingMiddleware { logger, next }
    }
}

impl<S: AddService> AddService for LoggingMiddleware<S> {
    fn sum(&self, a: i64, b: i64) -> Result<i64, AddError> {
        let started = Instant::now();
        let result = self.next.sum(a, b);
        kit_log::log!(
            self.logger,
            method = "sum",
            a,
            b,
            v = result.ok(),
            err = result.err().map(|e| e.to_string()),
            took = started.elapsed()
        );
        result
    }

    fn concat(&self, a: &str, b: &str) -> Result<String, AddError> {
        let started = Instant::now();
        let result = self.next.concat(a, b);
        kit_log::log!(
            self.logger,
            method = "concat",
            a,
            b,
            v = result.as_deref().ok(),
            err = result.as_ref().err().map(|e| e.to_string()),
            took = started.elapsed()
        );
        result
    }
}
