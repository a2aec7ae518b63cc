//! B3 (<https://github.com/openzipkin/b3-propagation>), single header and
//! multiple headers, parsed strictly.
//!
//! Single: `b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]`, or
//! `b3: {sampling}` alone. Multi: `X-B3-TraceId`, `X-B3-SpanId`,
//! `X-B3-ParentSpanId`, `X-B3-Sampled`, `X-B3-Flags`. Trace ids are 16 or
//! 32 lower-case hex digits (a 64-bit id is left-padded to 128 bits), span
//! ids 16, none all zeros. Sampling is `1`, `0` or `d` (debug, which
//! implies sampled); in the multi form `X-B3-Sampled` also accepts `true`
//! and `false`, and `X-B3-Flags: 1` means debug. A lone "not sampled"
//! (`b3: 0`) carries no ids: it is kept as a decision
//! ([`RemoteSampling::NotSampled`]) for the sampler; the trace is new.

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::propagation::{text_map_propagator::FieldIter, Extractor, Injector};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;

use super::hex;

/// The single header.
pub const B3: &str = "b3";
/// The multiple headers.
pub const TRACE_ID: &str = "x-b3-traceid";
/// The span id header.
pub const SPAN_ID: &str = "x-b3-spanid";
/// The parent span id header.
pub const PARENT_SPAN_ID: &str = "x-b3-parentspanid";
/// The sampling decision header.
pub const SAMPLED: &str = "x-b3-sampled";
/// The debug flag header.
pub const FLAGS: &str = "x-b3-flags";

/// A sampling decision that came without a trace (`b3: 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteSampling {
    /// The caller decided not to sample.
    NotSampled,
}

/// What valid B3 headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum B3Context {
    /// A trace to continue.
    Span {
        /// The trace (64-bit ids left-padded).
        trace_id: u128,
        /// The caller's span.
        span_id: u64,
        /// Sampled (`1`, or debug), not sampled (`0`), or deferred (absent).
        sampled: Option<bool>,
        /// Debug (`d`, or `X-B3-Flags: 1`).
        debug: bool,
    },
    /// Only a decision not to sample.
    NotSampled,
}

fn trace_id(text: &str) -> Option<u128> {
    let id = match text.len() {
        16 | 32 => hex::parse(text, text.len())?,
        _ => return None,
    };
    (id != 0).then_some(id)
}

fn span_id(text: &str) -> Option<u64> {
    let id = hex::parse(text, 16)? as u64;
    (id != 0).then_some(id)
}

/// Parses a `b3` single-header value; `None` when invalid.
///
/// ```
/// use kit_tracing::propagation::b3::{parse_single, B3Context};
///
/// assert_eq!(parse_single("0"), Some(B3Context::NotSampled));
/// let Some(B3Context::Span { trace_id, sampled, debug, .. }) =
///     parse_single("a3ce929d0e0e4736-00f067aa0ba902b7-d")
/// else { panic!() };
/// assert_eq!((trace_id, sampled, debug), (0xa3ce929d0e0e4736, Some(true), true));
/// assert_eq!(parse_single("A3CE929D0E0E4736-00f067aa0ba902b7"), None);
/// ```
pub fn parse_single(value: &str) -> Option<B3Context> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.len() > 128 {
        return None;
    }
    let parts: Vec<&str> = value.split('-').collect();
    match parts.as_slice() {
        ["0"] => Some(B3Context::NotSampled),
        // A lone "sampled" or "debug" has nothing to continue.
        ["1"] | ["d"] => None,
        [t, s, rest @ ..] if rest.len() <= 2 => {
            let (trace_id, span_id) = (trace_id(t)?, span_id(s)?);
            let (sampled, debug) = match rest.first() {
                None => (None, false),
                Some(&"1") => (Some(true), false),
                Some(&"0") => (Some(false), false),
                Some(&"d") => (Some(true), true),
                Some(_) => return None,
            };
            if let Some(parent) = rest.get(1) {
                self::span_id(parent)?;
            }
            Some(B3Context::Span {
                trace_id,
                span_id,
                sampled,
                debug,
            })
        }
        _ => None,
    }
}

/// Reads the `X-B3-*` headers; `None` when absent or invalid.
pub fn parse_multi(extractor: &dyn Extractor) -> Option<B3Context> {
    let get = |name: &str| {
        extractor
            .get(name)
            .map(|v| v.trim_matches(|c| c == ' ' || c == '\t'))
    };
    let debug = match get(FLAGS) {
        None => false,
        Some("1") => true,
        Some("0") => false,
        Some(_) => return None,
    };
    let sampled = match get(SAMPLED) {
        None => None,
        Some("1") | Some("true") => Some(true),
        Some("0") | Some("false") => Some(false),
        Some(_) => return None,
    };
    match (get(TRACE_ID), get(SPAN_ID)) {
        (Some(t), Some(s)) => {
            if let Some(parent) = get(PARENT_SPAN_ID) {
                span_id(parent)?;
            }
            Some(B3Context::Span {
                trace_id: trace_id(t)?,
                span_id: span_id(s)?,
                sampled: if debug { Some(true) } else { sampled },
                debug,
            })
        }
        (None, None) if sampled == Some(false) && !debug => Some(B3Context::NotSampled),
        _ => None,
    }
}

/// The context `b3` carries.
fn into_context(cx: &Context, b3: Option<B3Context>) -> Context {
    match b3 {
        Some(B3Context::Span {
            trace_id,
            span_id,
            sampled,
            ..
        }) => {
            // A deferred decision continues as sampled, as the OpenTelemetry
            // B3 propagator does; the sampler may still decide otherwise.
            let flags = match sampled {
                Some(false) => TraceFlags::NOT_SAMPLED,
                _ => TraceFlags::SAMPLED,
            };
            cx.with_remote_span_context(SpanContext::new(
                TraceId::from_bytes(trace_id.to_be_bytes()),
                SpanId::from_bytes(span_id.to_be_bytes()),
                flags,
                true,
                TraceState::default(),
            ))
        }
        Some(B3Context::NotSampled) => cx.with_value(RemoteSampling::NotSampled),
        None => cx.clone(),
    }
}

/// Which B3 form a propagator writes (both are read by their own
/// propagator only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum B3Form {
    /// One `b3` header.
    Single,
    /// The `X-B3-*` headers.
    Multi,
}

/// The B3 propagator, single or multi.
#[derive(Clone, Debug)]
pub struct B3Propagator {
    form: B3Form,
    fields: Vec<String>,
}

impl B3Propagator {
    /// A propagator of `form`.
    ///
    /// ```
    /// use opentelemetry::propagation::TextMapPropagator;
    /// use kit_tracing::propagation::b3::{B3Form, B3Propagator};
    ///
    /// let multi = B3Propagator::new(B3Form::Multi);
    /// assert_eq!(multi.fields().count(), 5);
    /// ```
    pub fn new(form: B3Form) -> Self {
        let fields = match form {
            B3Form::Single => vec![B3.to_owned()],
            B3Form::Multi => [TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS]
                .map(str::to_owned)
                .to_vec(),
        };
        B3Propagator { form, fields }
    }
}

impl TextMapPropagator for B3Propagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span().span_context().clone();
        if !span.is_valid() {
            if cx.get::<RemoteSampling>() == Some(&RemoteSampling::NotSampled) {
                match self.form {
                    B3Form::Single => injector.set(B3, "0".into()),
                    B3Form::Multi => injector.set(SAMPLED, "0".into()),
                }
            }
            return;
        }
        let sampled = if span.is_sampled() { "1" } else { "0" };
        match self.form {
            B3Form::Single => injector.set(
                B3,
                format!("{}-{}-{sampled}", span.trace_id(), span.span_id()),
            ),
            B3Form::Multi => {
                injector.set(TRACE_ID, span.trace_id().to_string());
                injector.set(SPAN_ID, span.span_id().to_string());
                injector.set(SAMPLED, sampled.into());
            }
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let b3 = match self.form {
            B3Form::Single => extractor.get(B3).and_then(parse_single),
            B3Form::Multi => parse_multi(extractor),
        };
        into_context(cx, b3)
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const T128: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const T64: &str = "a3ce929d0e0e4736";
    const S: &str = "00f067aa0ba902b7";

    #[test]
    fn single_table() {
        let span = |v: &str| match parse_single(v) {
            Some(B3Context::Span { sampled, debug, .. }) => Some((sampled, debug)),
            _ => None,
        };
        assert_eq!(span(&format!("{T128}-{S}")), Some((None, false)));
        assert_eq!(span(&format!("{T128}-{S}-1")), Some((Some(true), false)));
        assert_eq!(span(&format!("{T128}-{S}-0")), Some((Some(false), false)));
        assert_eq!(span(&format!("{T128}-{S}-d")), Some((Some(true), true)));
        assert_eq!(span(&format!("{T64}-{S}-1-{S}")), Some((Some(true), false)));
        assert_eq!(parse_single("0"), Some(B3Context::NotSampled));
        for bad in [
            "1".to_string(),
            "d".to_string(),
            "".to_string(),
            format!("{}-{S}-1", T128.to_uppercase()),
            format!("{T128}-{S}-2"),
            format!("{T128}-{S}-1-0000000000000000"),
            format!("{}-{S}", "0".repeat(32)),
            format!("{T128}-{}", "0".repeat(16)),
            format!("{}-{S}", &T128[..20]),
            format!("{T128}-{S}-1-{S}-x"),
            format!("{T128}{S}"),
            "x".repeat(10_000),
        ] {
            assert_eq!(parse_single(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn multi_table() {
        let headers = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let h = headers(&[(TRACE_ID, T64), (SPAN_ID, S), (SAMPLED, "1")]);
        assert!(
            matches!(parse_multi(&h), Some(B3Context::Span { trace_id, sampled: Some(true), .. }) if trace_id == 0xa3ce929d0e0e4736)
        );
        let h = headers(&[(TRACE_ID, T128), (SPAN_ID, S), (FLAGS, "1")]);
        assert!(matches!(
            parse_multi(&h),
            Some(B3Context::Span {
                debug: true,
                sampled: Some(true),
                ..
            })
        ));
        let h = headers(&[(SAMPLED, "0")]);
        assert_eq!(parse_multi(&h), Some(B3Context::NotSampled));
        let h = headers(&[(TRACE_ID, T128), (SPAN_ID, S), (SAMPLED, "yes")]);
        assert_eq!(parse_multi(&h), None);
        let h = headers(&[(TRACE_ID, T128)]);
        assert_eq!(parse_multi(&h), None);
        let h = headers(&[(TRACE_ID, T128), (SPAN_ID, S), (PARENT_SPAN_ID, "zz")]);
        assert_eq!(parse_multi(&h), None);
    }

    #[test]
    fn a_64_bit_trace_id_is_left_padded_and_round_trips() {
        let propagator = B3Propagator::new(B3Form::Single);
        let mut h = HashMap::new();
        h.insert(B3.to_string(), format!("{T64}-{S}-1"));
        let cx = propagator.extract(&h);
        let span = cx.span().span_context().clone();
        assert_eq!(
            span.trace_id().to_string(),
            format!("0000000000000000{T64}")
        );
        let mut out = HashMap::new();
        propagator.inject_context(&cx, &mut out);
        assert_eq!(out[B3], format!("0000000000000000{T64}-{S}-1"));
    }
}
