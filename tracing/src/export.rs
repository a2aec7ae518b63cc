//! The exporter thread kit owns: finished spans go into a bounded queue
//! (never blocking the application; what does not fit is counted as
//! dropped), and one thread — with its own single-threaded tokio runtime,
//! so it works the same inside and outside the application's runtime —
//! exports them in batches. Shutdown flushes what is queued and returns by
//! its deadline even when the endpoint is dead.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use opentelemetry::Context;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};
use opentelemetry_sdk::Resource;

/// Spans kept waiting for export at most.
pub const QUEUE_CAPACITY: usize = 2048;
/// Spans per export at most.
const MAX_BATCH: usize = 512;
/// How long a span may wait before its batch goes, and how long the
/// thread waits after a failed export before it tries again (a dead
/// endpoint is not retried in a busy loop; meanwhile spans that do not fit
/// the queue are dropped and counted).
const INTERVAL: Duration = Duration::from_millis(500);

/// Counts of the exporter thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// Spans exported.
    pub exported: u64,
    /// Spans lost: the queue was full, or their export failed.
    pub dropped: u64,
    /// Exports that failed.
    pub failed: u64,
}

#[derive(Default)]
struct State {
    spans: VecDeque<SpanData>,
    /// Flush requests made, and served.
    requested: u64,
    served: u64,
    stop: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    done: Condvar,
    exported: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks for a flush (and a stop) and waits for it until `deadline`.
    /// A stop that misses its deadline counts the spans still queued as
    /// dropped (the batch being exported is counted by the thread when its
    /// export ends, within the export timeout), so every span ends up
    /// either exported or dropped.
    fn flush(&self, stop: bool, deadline: Instant) -> bool {
        let mut state = self.lock();
        state.requested += 1;
        state.stop |= stop;
        let target = state.requested;
        self.wake.notify_all();
        while state.served < target {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                if stop {
                    let left_behind = state.spans.len() as u64;
                    state.spans.clear();
                    self.dropped.fetch_add(left_behind, Ordering::Relaxed);
                }
                return false;
            };
            state = self
                .done
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn stats(&self) -> ExportStats {
        ExportStats {
            exported: self.exported.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}

/// kit's span processor: queue on the caller's thread, export on kit's.
pub(crate) struct KitProcessor {
    shared: Arc<Shared>,
}

impl fmt::Debug for KitProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KitProcessor")
            .field("stats", &self.shared.stats())
            .finish()
    }
}

/// Reads the exporter thread's counts after the provider is gone.
#[derive(Clone)]
pub(crate) struct StatsHandle(Arc<Shared>);

impl StatsHandle {
    pub(crate) fn get(&self) -> ExportStats {
        self.0.stats()
    }

    /// Exports what is queued, waiting for it until `deadline`.
    pub(crate) fn flush(&self, deadline: Instant) -> bool {
        self.0.flush(false, deadline)
    }
}

impl KitProcessor {
    /// Starts the exporter thread: it makes its exporter with `make` inside
    /// its own runtime (clients that need a reactor get one), gives it
    /// `resource`, and exports each batch within `timeout`.
    pub(crate) fn start<E, F>(
        make: F,
        resource: Resource,
        timeout: Duration,
    ) -> Result<(KitProcessor, StatsHandle), String>
    where
        E: SpanExporter + 'static,
        F: FnOnce() -> Result<E, String> + Send + 'static,
    {
        let shared = Arc::new(Shared::default());
        let worker = shared.clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        thread::Builder::new()
            .name("kit-tracing-exporter".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let made = {
                    let _inside = runtime.enter();
                    make()
                };
                let mut exporter = match made {
                    Ok(e) => e,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                exporter.set_resource(&resource);
                let _ = ready_tx.send(Ok(()));
                let mut next = Instant::now() + INTERVAL;
                let mut backing_off = false;
                loop {
                    let mut state = worker.lock();
                    while !state.stop
                        && state.requested == state.served
                        && (backing_off || state.spans.len() < MAX_BATCH)
                        && Instant::now() < next
                    {
                        let left = next.saturating_duration_since(Instant::now());
                        state = worker
                            .wake
                            .wait_timeout(state, left)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    let (stop, target) = (state.stop, state.requested);
                    let flushing = target != state.served || stop;
                    drop(state);
                    // Export batch after batch; when flushing, until empty.
                    backing_off = false;
                    loop {
                        let batch: Vec<SpanData> = {
                            let mut state = worker.lock();
                            let n = state.spans.len().min(MAX_BATCH);
                            state.spans.drain(..n).collect()
                        };
                        if batch.is_empty() {
                            break;
                        }
                        let n = batch.len() as u64;
                        let result = runtime.block_on(async {
                            tokio::time::timeout(timeout, exporter.export(batch)).await
                        });
                        match result {
                            Ok(Ok(())) => {
                                worker.exported.fetch_add(n, Ordering::Relaxed);
                            }
                            _ => {
                                worker.failed.fetch_add(1, Ordering::Relaxed);
                                worker.dropped.fetch_add(n, Ordering::Relaxed);
                                backing_off = true;
                            }
                        }
                        if !flushing {
                            break;
                        }
                    }
                    {
                        let mut state = worker.lock();
                        state.served = state.served.max(target);
                    }
                    worker.done.notify_all();
                    if stop {
                        let _ = exporter.shutdown_with_timeout(timeout);
                        return;
                    }
                    next = Instant::now() + INTERVAL;
                }
            })
            .map_err(|e| e.to_string())?;
        ready_rx
            .recv()
            .map_err(|_| "the exporter thread ended".to_string())??;
        Ok((
            KitProcessor {
                shared: shared.clone(),
            },
            StatsHandle(shared),
        ))
    }
}

impl SpanProcessor for KitProcessor {
    fn on_start(&self, _: &mut Span, _: &Context) {}

    fn on_end(&self, span: SpanData) {
        let mut state = self.shared.lock();
        if state.stop || state.spans.len() >= QUEUE_CAPACITY {
            drop(state);
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        state.spans.push_back(span);
        let full = state.spans.len() >= MAX_BATCH;
        drop(state);
        if full {
            self.shared.wake.notify_all();
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        if self
            .shared
            .flush(false, Instant::now() + Duration::from_secs(5))
        {
            Ok(())
        } else {
            Err(OTelSdkError::Timeout(Duration::from_secs(5)))
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        if self.shared.flush(true, Instant::now() + timeout) {
            Ok(())
        } else {
            Err(OTelSdkError::Timeout(timeout))
        }
    }

    fn set_resource(&mut self, _: &Resource) {}
}
