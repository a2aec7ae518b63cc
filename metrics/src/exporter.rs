//! The exporter thread every pushing backend runs on: one thread kit owns,
//! so pushing works the same inside and outside the application's async
//! runtime, and the application's threads never wait on the network.

use std::fmt;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use kit_sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::diagnostics::Reporter;
use crate::{Counter, Provider, SeriesSamples, Snapshot};

/// What one flush hands every pusher.
#[allow(dead_code)] // read by the pushers, each a cargo feature
pub(crate) struct Flush<'a> {
    /// Every series, as it is now.
    pub(crate) snapshot: &'a Snapshot,
    /// The histogram observations kept since the last flush (empty unless
    /// a pusher [wants them](Pusher::wants_samples)).
    pub(crate) samples: &'a [SeriesSamples],
}

/// A push that was handed to the network.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// Updates the backend cannot represent (a NaN gauge, a negative
    /// timer), left out and counted as lost.
    pub(crate) unsendable: u64,
}

/// A push that did not (entirely) arrive.
#[derive(Debug)]
pub(crate) struct PushFailure {
    /// Why.
    pub(crate) error: io::Error,
    /// Updates lost for good (what a later push cannot carry again, and
    /// what the backend cannot represent).
    pub(crate) lost: u64,
}

impl From<io::Error> for PushFailure {
    fn from(error: io::Error) -> Self {
        PushFailure { error, lost: 0 }
    }
}

/// A backend that sends snapshots somewhere (a push gateway, statsd, …).
pub(crate) trait Pusher: Send {
    /// The backend's name, as the drop counter's `backend` label shows it.
    fn name(&self) -> &'static str;

    /// Whether the pusher sends single observations (statsd does): the
    /// exporter then takes the per-flush samples for it.
    fn wants_samples(&self) -> bool {
        false
    }

    /// Sends one flush, giving up after `timeout`.
    fn push(&mut self, flush: &Flush<'_>, timeout: Duration) -> Result<Sent, PushFailure>;
}

/// Counts kept by the exporter thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// Pushes that arrived, over all backends.
    pub pushed: u64,
    /// Pushes that failed. What is cumulative (Prometheus, InfluxDB,
    /// Graphite counters) or still pending (statsd counter deltas) is
    /// carried by the next push; what is not is counted in `dropped`.
    pub failed: u64,
    /// Updates lost for good (statsd observations in a datagram that could
    /// not be sent, values a backend cannot represent), also counted in the
    /// metric `kit_metrics_dropped_total`.
    pub dropped: u64,
}

/// The metric counting updates a backend lost, labelled by `backend`.
pub const DROPPED_METRIC: &str = "kit_metrics_dropped_total";

#[derive(Default)]
struct State {
    /// Flush requests made (a sequence number).
    requested: u64,
    /// Flush requests served.
    served: u64,
    stop: bool,
    stats: ExportStats,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    done: Condvar,
}

fn count_lost(dropped_total: &Counter, backend: &str, lost: u64) {
    if lost > 0 {
        dropped_total.with(&[backend]).add(lost);
    }
}

/// The running exporter thread.
pub(crate) struct Exporter {
    shared: Arc<Shared>,
    thread: Option<thread::JoinHandle<()>>,
}

impl fmt::Debug for Exporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exporter")
            .field("stats", &self.stats())
            .finish()
    }
}

impl Exporter {
    /// Starts the thread: every `interval` (and on [`flush`](Self::flush)),
    /// each pusher sends a snapshot of `provider`, within `timeout`.
    pub(crate) fn start(
        provider: Provider,
        mut pushers: Vec<Box<dyn Pusher>>,
        interval: Duration,
        timeout: Duration,
    ) -> io::Result<Exporter> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            done: Condvar::new(),
        });
        let worker = shared.clone();
        let thread = thread::Builder::new()
            .name("kit-metrics-exporter".into())
            .spawn(move || {
                let mut next = Instant::now() + interval;
                let wants_samples = pushers.iter().any(|p| p.wants_samples());
                let dropped_total = provider
                    .counter(DROPPED_METRIC)
                    .help("Metric updates a backend could not deliver and lost.")
                    .labels(&["backend"])
                    .build();
                let mut reporters: Vec<Reporter> =
                    pushers.iter().map(|p| Reporter::new(p.name())).collect();
                loop {
                    let mut state = worker.state.lock();
                    while !state.stop && state.requested == state.served && Instant::now() < next {
                        state = worker.wake.wait_until(state, next);
                    }
                    let (stop, target) = (state.stop, state.requested);
                    drop(state);
                    let samples = if wants_samples {
                        provider.take_samples()
                    } else {
                        Vec::new()
                    };
                    let snapshot = provider.snapshot();
                    let flush = Flush {
                        snapshot: &snapshot,
                        samples: &samples,
                    };
                    let mut stats = ExportStats::default();
                    for (pusher, reporter) in pushers.iter_mut().zip(&mut reporters) {
                        match pusher.push(&flush, timeout) {
                            Ok(sent) => {
                                stats.pushed += 1;
                                stats.dropped += sent.unsendable;
                                count_lost(&dropped_total, pusher.name(), sent.unsendable);
                            }
                            Err(failure) => {
                                stats.failed += 1;
                                stats.dropped += failure.lost;
                                count_lost(&dropped_total, pusher.name(), failure.lost);
                                reporter.report(&provider, failure, Instant::now());
                            }
                        }
                    }
                    let mut state = worker.state.lock();
                    state.stats.pushed += stats.pushed;
                    state.stats.failed += stats.failed;
                    state.stats.dropped += stats.dropped;
                    state.served = target;
                    drop(state);
                    worker.done.notify_all();
                    if stop {
                        return;
                    }
                    next = Instant::now() + interval;
                }
            })?;
        Ok(Exporter {
            shared,
            thread: Some(thread),
        })
    }

    /// Pushes now and waits for it, up to `deadline`; `true` when done in time.
    pub(crate) fn flush(&self, deadline: Instant) -> bool {
        let mut state = self.shared.state.lock();
        state.requested += 1;
        let target = state.requested;
        self.shared.wake.notify_all();
        self.wait_served(state, target, deadline)
    }

    /// Pushes a last time and stops the thread, returning by `deadline`
    /// even when a backend does not answer (the thread then finishes its
    /// push on its own and exits).
    pub(crate) fn shutdown(mut self, deadline: Instant) -> bool {
        {
            let mut state = self.shared.state.lock();
            state.stop = true;
            state.requested += 1;
        }
        self.shared.wake.notify_all();
        let done = self.flush_started(deadline);
        if done {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
        done
    }

    /// Waits, up to `deadline`, for the last requested push.
    fn flush_started(&self, deadline: Instant) -> bool {
        let state = self.shared.state.lock();
        let target = state.requested;
        self.wait_served(state, target, deadline)
    }

    /// Waits, holding `state` between wake-ups, until the thread has served
    /// request `target` or `deadline` passes.
    fn wait_served(
        &self,
        mut state: MutexGuard<'_, State>,
        target: u64,
        deadline: Instant,
    ) -> bool {
        while state.served < target {
            if Instant::now() >= deadline {
                return false;
            }
            state = self.shared.done.wait_until(state, deadline);
        }
        true
    }

    pub(crate) fn stats(&self) -> ExportStats {
        self.shared.state.lock().stats
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.shared.state.lock().stop = true;
            self.shared.wake.notify_all();
            // Not joined: a dropped exporter must not block on the network.
        }
    }
}
