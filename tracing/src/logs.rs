//! Logs that point at traces: kit-log [`Valuer`]s for the current span's
//! ids, and helpers that carry the current context across `tokio::spawn`
//! and thread hand-offs (where it would otherwise be lost).
//!
//! ```
//! use kit_log::{sink::Buffer, LoggerExt, Logfmt};
//! use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
//! use opentelemetry::Context;
//!
//! let out = Buffer::new();
//! let logger = Logfmt::new(out.clone())
//!     .with("trace_id", kit_tracing::logs::trace_id())
//!     .with("span_id", kit_tracing::logs::span_id());
//! kit_log::log!(logger, msg = "outside any span");
//! let span = SpanContext::new(
//!     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
//!     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
//!     TraceFlags::SAMPLED,
//!     true,
//!     TraceState::default(),
//! );
//! let _in_span = Context::current().with_remote_span_context(span).attach();
//! kit_log::log!(logger, msg = "inside");
//! let text = out.contents_string();
//! assert!(text.starts_with("trace_id=null span_id=null msg=\"outside any span\"\n"));
//! assert!(text.ends_with(
//!     "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 msg=inside\n"
//! ));
//! ```

use std::future::Future;

use kit_log::valuer::Valuer;
use kit_log::{Record, Value};
use opentelemetry::context::{FutureExt, WithContext};
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;

/// Writes `bytes` as lower-case hex into `buf`, returning the text.
fn hex<'b>(bytes: &[u8], buf: &'b mut [u8; 32]) -> &'b str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        buf[2 * i] = DIGITS[usize::from(b >> 4)];
        buf[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
    std::str::from_utf8(&buf[..2 * bytes.len()]).expect("hex digits are ASCII")
}

/// The current trace's id (32 hex digits), `null` outside a trace; see
/// [`trace_id`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceIdValuer;

/// The current span's id (16 hex digits), `null` outside a trace; see
/// [`span_id`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SpanIdValuer;

/// The valuer of the current trace id, for `logger.with("trace_id", trace_id())`.
pub fn trace_id() -> TraceIdValuer {
    TraceIdValuer
}

/// The valuer of the current span id, for `logger.with("span_id", span_id())`.
pub fn span_id() -> SpanIdValuer {
    SpanIdValuer
}

impl Valuer for TraceIdValuer {
    fn value(&self, _: &Record<'_>, f: &mut dyn FnMut(Value<'_>)) {
        let cx = Context::current();
        let span = cx.span();
        let span = span.span_context();
        if span.is_valid() {
            let mut buf = [0u8; 32];
            f(Value::Str(hex(&span.trace_id().to_bytes(), &mut buf)))
        } else {
            f(Value::Null)
        }
    }
}

impl Valuer for SpanIdValuer {
    fn value(&self, _: &Record<'_>, f: &mut dyn FnMut(Value<'_>)) {
        let cx = Context::current();
        let span = cx.span();
        let span = span.span_context();
        if span.is_valid() {
            let mut buf = [0u8; 32];
            f(Value::Str(hex(&span.span_id().to_bytes(), &mut buf)))
        } else {
            f(Value::Null)
        }
    }
}

/// `future` running in the caller's current context wherever it is
/// polled — for `tokio::spawn(kit_tracing::logs::in_current_context(fut))`.
pub fn in_current_context<F: Future>(future: F) -> WithContext<F> {
    future.with_current_context()
}

/// `f` running in the caller's current context on whatever thread calls
/// it — for `std::thread::spawn(kit_tracing::logs::bind(move || …))`.
///
/// ```
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
/// use opentelemetry::Context;
///
/// let span = SpanContext::new(TraceId::from(7u128), SpanId::from(9u64), TraceFlags::SAMPLED, true, TraceState::default());
/// let _guard = Context::current().with_remote_span_context(span).attach();
/// let seen = std::thread::spawn(kit_tracing::logs::bind(|| {
///     Context::current().span().span_context().trace_id()
/// }))
/// .join()
/// .unwrap();
/// assert_eq!(seen, TraceId::from(7u128));
/// ```
pub fn bind<F: FnOnce() -> R, R>(f: F) -> impl FnOnce() -> R {
    let cx = Context::current();
    move || {
        let _guard = cx.attach();
        f()
    }
}
