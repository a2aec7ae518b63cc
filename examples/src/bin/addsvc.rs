//! addsvc: Go kit's example service, every part composed here in `main`.
//!
//! Defaults, no configuration needed: logfmt on stdout, Prometheus
//! `/metrics` on 127.0.0.1:9100, tracing off, HTTP on 127.0.0.1:8080.
//! `KIT_LOG_FORMAT`, `KIT_LOG_LEVEL`, `KIT_METRICS`, `KIT_TRACING`, the
//! `OTEL_*` variables, `ADDSVC_HTTP_ADDR` — or the same in a TOML file
//! given with `--config FILE` — switch everything.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use kit_examples::config::Settings;
use kit_examples::instrumenting::InstrumentingMiddleware;
use kit_examples::logging::LoggingMiddleware;
use kit_examples::service::{AddError, AddService, BasicService};
use kit_examples::transport::{concat_endpoint, sum_endpoint, Router};
use kit_log::{Logger, LoggerExt};
use kit_tracing::logs::{span_id, trace_id};
use tower::util::BoxCloneSyncService;
use tower::Layer;

/// Everything gets this long to stop after a signal: in-flight requests,
/// then metrics and spans, flushed together in what is left.
const SHUTDOWN_BUDGET: Duration = Duration::from_secs(5);
/// The part of the budget in-flight requests may take.
const DRAIN: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: addsvc [--config FILE]\n\n{}",
            include_str!("addsvc.help")
        );
        return ExitCode::SUCCESS;
    }
    // Settings: a bad one stops the service before it starts, saying which.
    let settings = match Settings::load(&args) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let (log, metrics, tracing) = match (
        settings.log(),
        settings.metrics(),
        settings.tracing("addsvc"),
    ) {
        (Ok(l), Ok(m), Ok(t)) => (l, m, t),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return fail(&e),
    };
    let addr: SocketAddr = match settings.get("ADDSVC_HTTP_ADDR").unwrap_or_default().parse() {
        Ok(a) => a,
        Err(e) => return fail(&format!("ADDSVC_HTTP_ADDR: {e}")),
    };

    // Logging: every line carries the trace and span ids of its request
    // (null when tracing is off or the line is outside a request), and the
    // values of keys such as `password`, `token` or `authorization` never
    // reach the output, whoever logs them.
    let logger: Arc<dyn Logger> = Arc::new(
        log.build()
            .redact()
            .with("trace_id", trace_id())
            .with("span_id", span_id()),
    );
    // Metrics and tracing, each on its own exporter thread.
    let provider = match metrics.build() {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let tracing = match kit_tracing::Tracing::start(&tracing) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };

    // The service, wrapped by its middlewares: logging outside, then
    // instrumenting, then the business logic.
    let svc: Arc<dyn AddService> = Arc::new(LoggingMiddleware::new(
        Arc::new(logger.clone().with("component", "service")),
        InstrumentingMiddleware::new(&provider, BasicService),
    ));
    // The endpoints, each traced (Go kit's TraceEndpoint); a business
    // error is marked on the span without marking it failed.
    let sum = BoxCloneSyncService::new(
        tracing
            .endpoint_layer("sum")
            .business_error(business_error::<i64>)
            .layer(sum_endpoint(svc.clone())),
    );
    let concat = BoxCloneSyncService::new(
        tracing
            .endpoint_layer("concat")
            .business_error(business_error::<String>)
            .layer(concat_endpoint(svc.clone())),
    );
    // The transport: routes, inside the HTTP server layer (SERVER spans
    // continuing the caller's trace).
    let router = Router::new(
        sum,
        concat,
        Arc::new(logger.clone().with("component", "http")),
    );
    let app = tracing
        .http_server_layer()
        .route_from(|parts: &http::request::Parts| {
            Router::route(parts.uri.path()).map(str::to_owned)
        })
        .layer(router);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let (deadline, code) = match runtime.block_on(serve(addr, app, logger.clone())) {
        Ok(signalled) => (signalled + SHUTDOWN_BUDGET, ExitCode::SUCCESS),
        Err(e) => {
            kit_log::error!(logger, msg = "cannot serve", addr = %addr, err = %e);
            (Instant::now() + SHUTDOWN_BUDGET, ExitCode::from(1))
        }
    };

    // Metrics and spans flushed at once, within what is left of the budget.
    let started = Instant::now();
    let left = deadline.saturating_duration_since(started);
    let (metrics_done, spans_done) = std::thread::scope(|s| {
        let metrics = s.spawn(|| provider.shutdown(left));
        let spans = s.spawn(|| tracing.shutdown(left));
        (
            metrics.join().unwrap_or(false),
            spans.join().unwrap_or(false),
        )
    });
    // What could not be delivered, counted: the last word on the spans.
    let spans = tracing.stats();
    kit_log::info!(
        logger,
        msg = "stopped",
        metrics_flushed = metrics_done,
        spans_flushed = spans_done,
        spans_exported = spans.exported,
        spans_dropped = spans.dropped,
        took = started.elapsed()
    );
    drop(runtime);
    code
}

/// The reason a response is a business error, for the endpoint's span.
fn business_error<V>(response: &Result<V, AddError>) -> Option<String> {
    response.as_ref().err().map(ToString::to_string)
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("addsvc: {e}");
    ExitCode::from(2)
}

/// Serves `app` on `addr` until SIGINT or SIGTERM, then lets in-flight
/// requests finish (for [`DRAIN`] at most); when the signal came.
async fn serve<S>(addr: SocketAddr, app: S, logger: Arc<dyn Logger>) -> std::io::Result<Instant>
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<
                kit_tracing::http::TracedBody<http_body_util::Full<bytes::Bytes>>,
            >,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr).await?;
    kit_log::info!(logger, msg = "listening", transport = "http", addr = %listener.local_addr()?);
    let graceful = GracefulShutdown::new();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let signal = loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
                    let connection = graceful.watch(connection);
                    tokio::spawn(connection);
                }
                Err(e) => kit_log::warn!(logger, msg = "accept failed", err = %e),
            },
            _ = tokio::signal::ctrl_c() => break "SIGINT",
            _ = terminate.recv() => break "SIGTERM",
        }
    };
    let signalled = Instant::now();
    drop(listener);
    kit_log::info!(logger, msg = "shutting down", signal);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        kit_log::warn!(
            logger,
            msg = "requests still in flight at the deadline were cut"
        );
    }
    Ok(signalled)
}
