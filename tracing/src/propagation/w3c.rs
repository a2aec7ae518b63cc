//! W3C Trace Context: `traceparent` and `tracestate`
//! (<https://www.w3.org/TR/trace-context/>), parsed strictly.
//!
//! `traceparent` is `version-traceid-parentid-flags`, all lower-case hex:
//! version `ff` is invalid; version `00` has exactly these four fields; a
//! higher version may carry more fields after a `-`, which are ignored
//! (forward compatibility). The trace id (32 digits) and parent id (16)
//! must not be all zeros. Any flags byte is accepted; bit 0 is "sampled".
//!
//! `tracestate` is read only beside a valid `traceparent`: up to 32
//! `key=value` members, keys `[a-z][a-z0-9_-*/]{0,255}` or
//! `tenant@system`, values of printable ASCII without `,` and `=` (at most
//! 256, not ending in a space), no key twice. An invalid `tracestate` is
//! dropped; the trace continues.

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::propagation::{text_map_propagator::FieldIter, Extractor, Injector};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;

use super::hex;

/// The `traceparent` header.
pub const TRACEPARENT: &str = "traceparent";
/// The `tracestate` header.
pub const TRACESTATE: &str = "tracestate";

/// Longer headers are not read (a higher version's extra fields included).
const MAX_TRACEPARENT: usize = 512;
/// Longer `tracestate` headers are dropped (32 members of 512 bytes).
const MAX_TRACESTATE: usize = 32 * 512;

/// What a valid `traceparent` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace.
    pub trace_id: u128,
    /// The caller's span.
    pub parent_id: u64,
    /// The flags byte as sent (bit 0: sampled).
    pub flags: u8,
}

/// Parses a `traceparent` value; `None` when it is invalid in any way.
///
/// ```
/// use kit_tracing::propagation::w3c::parse_traceparent;
///
/// let p = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03").unwrap();
/// assert_eq!((p.parent_id, p.flags), (0x00f067aa0ba902b7, 3));
/// assert!(parse_traceparent("00-1-2-01").is_none());
/// assert!(parse_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_none());
/// ```
pub fn parse_traceparent(value: &str) -> Option<TraceParent> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.len() < 55 || value.len() > MAX_TRACEPARENT {
        return None;
    }
    let version = hex::parse(value.get(0..2)?, 2)? as u8;
    if version == 0xff || value.as_bytes()[2] != b'-' {
        return None;
    }
    let trace_id = hex::parse(value.get(3..35)?, 32)?;
    if value.as_bytes()[35] != b'-' {
        return None;
    }
    let parent_id = hex::parse(value.get(36..52)?, 16)? as u64;
    if value.as_bytes()[52] != b'-' {
        return None;
    }
    let flags = hex::parse(value.get(53..55)?, 2)? as u8;
    let rest = &value[55..];
    let rest_ok = match version {
        0 => rest.is_empty(),
        _ => rest.is_empty() || rest.starts_with('-'),
    };
    if !rest_ok || trace_id == 0 || parent_id == 0 {
        return None;
    }
    Some(TraceParent {
        trace_id,
        parent_id,
        flags,
    })
}

fn valid_key(key: &str) -> bool {
    let simple = |k: &str, first_digit: bool, max: usize| {
        let mut chars = k.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || (first_digit && c.is_ascii_digit()))
            && k.len() <= max
            && chars.all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '*' | '/')
            })
    };
    match key.split_once('@') {
        None => simple(key, false, 256),
        Some((tenant, system)) => simple(tenant, true, 241) && simple(system, false, 14),
    }
}

fn valid_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 256
        && !value.ends_with(' ')
        && value
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b) && b != b',' && b != b'=')
}

/// Parses a `tracestate` value into its members, in order; `None` when it
/// is invalid (then it is dropped, not the trace).
///
/// ```
/// use kit_tracing::propagation::w3c::parse_tracestate;
///
/// assert_eq!(
///     parse_tracestate("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE").unwrap(),
///     [("rojo".to_string(), "00f067aa0ba902b7".to_string()), ("congo".to_string(), "t61rcWkgMzE".to_string())]
/// );
/// assert!(parse_tracestate("Rojo=1").is_none());
/// assert!(parse_tracestate("a=1,a=2").is_none());
/// ```
pub fn parse_tracestate(value: &str) -> Option<Vec<(String, String)>> {
    if value.len() > MAX_TRACESTATE {
        return None;
    }
    let mut members: Vec<(String, String)> = Vec::new();
    for member in value.split(',') {
        let member = member.trim_matches(|c| c == ' ' || c == '\t');
        if member.is_empty() {
            continue;
        }
        let (key, value) = member.split_once('=')?;
        if !valid_key(key) || !valid_value(value) || members.iter().any(|(k, _)| k == key) {
            return None;
        }
        members.push((key.to_owned(), value.to_owned()));
    }
    (members.len() <= 32).then_some(members)
}

/// The span context a request carries in `traceparent` (and
/// `tracestate`), if valid.
pub(crate) fn extract(extractor: &dyn Extractor) -> Option<SpanContext> {
    let parent = parse_traceparent(extractor.get(TRACEPARENT)?)?;
    let state = extractor
        .get(TRACESTATE)
        .and_then(parse_tracestate)
        .and_then(|members| TraceState::from_key_value(members).ok())
        .unwrap_or_default();
    Some(SpanContext::new(
        TraceId::from_bytes(parent.trace_id.to_be_bytes()),
        SpanId::from_bytes(parent.parent_id.to_be_bytes()),
        TraceFlags::new(parent.flags),
        true,
        state,
    ))
}

/// Writes `traceparent` (version 00; only the sampled bit of the flags
/// travels) and `tracestate` for a valid span context.
pub(crate) fn inject(span: &SpanContext, injector: &mut dyn Injector) {
    if !span.is_valid() {
        return;
    }
    let flags = span.trace_flags().to_u8() & 1;
    injector.set(
        TRACEPARENT,
        format!("00-{}-{}-{flags:02x}", span.trace_id(), span.span_id()),
    );
    let state = span.trace_state().header();
    if !state.is_empty() {
        injector.set(TRACESTATE, state);
    }
}

/// The W3C Trace Context propagator, with kit's strict parser.
#[derive(Clone, Debug)]
pub struct TraceContext {
    fields: [String; 2],
}

impl Default for TraceContext {
    fn default() -> Self {
        TraceContext {
            fields: [TRACEPARENT.to_owned(), TRACESTATE.to_owned()],
        }
    }
}

impl TextMapPropagator for TraceContext {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        inject(cx.span().span_context(), injector);
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        match extract(extractor) {
            Some(span) => cx.with_remote_span_context(span),
            None => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const SPAN: &str = "00f067aa0ba902b7";

    #[test]
    fn traceparent_table() {
        let ok = |v: &str| parse_traceparent(v).is_some();
        // Valid.
        assert!(ok(&format!("00-{TRACE}-{SPAN}-01")));
        assert!(ok(&format!("00-{TRACE}-{SPAN}-00")));
        assert!(ok(&format!("00-{TRACE}-{SPAN}-03")), "any flags byte");
        assert!(ok(&format!("00-{TRACE}-{SPAN}-ff")));
        assert!(
            ok(&format!(" 00-{TRACE}-{SPAN}-01\t")),
            "surrounding blanks"
        );
        assert!(ok(&format!("01-{TRACE}-{SPAN}-01")), "a higher version");
        assert!(ok(&format!("cc-{TRACE}-{SPAN}-01-what-the-future-holds")));
        // Invalid.
        assert!(!ok(&format!("ff-{TRACE}-{SPAN}-01")), "version ff");
        assert!(
            !ok(&format!("00-{TRACE}-{SPAN}-01-extra")),
            "extra fields in 00"
        );
        assert!(
            !ok(&format!("01-{TRACE}-{SPAN}-01extra")),
            "no dash before extra"
        );
        assert!(
            !ok(&format!("00-{}-{SPAN}-01", TRACE.to_uppercase())),
            "upper case"
        );
        assert!(!ok(&format!("00-{TRACE}-{}-01", SPAN.to_uppercase())));
        assert!(!ok(&format!("0A-{TRACE}-{SPAN}-01")));
        assert!(
            !ok(&format!("00-{}-{SPAN}-01", "0".repeat(32))),
            "zero trace id"
        );
        assert!(
            !ok(&format!("00-{TRACE}-{}-01", "0".repeat(16))),
            "zero parent id"
        );
        assert!(
            !ok(&format!("00-{}-{SPAN}-01", &TRACE[1..])),
            "short trace id"
        );
        assert!(!ok(&format!("00-{TRACE}0-{SPAN}-01")), "long trace id");
        assert!(!ok(&format!("00-{TRACE}-{SPAN}-1")), "short flags");
        assert!(!ok(&format!("00_{TRACE}_{SPAN}_01")), "wrong separators");
        assert!(!ok("00-1-2-01"));
        assert!(!ok(""));
        assert!(
            !ok(&format!("00-{TRACE}-{SPAN}-01,00-{TRACE}-{SPAN}-01")),
            "two values"
        );
        assert!(!ok(&format!("00-{TRACE}-{SPAN}-0g")));
        assert!(
            !ok(&format!("01-{TRACE}-{SPAN}-01-{}", "x".repeat(600))),
            "huge"
        );
        assert!(
            !ok("00-4bf92f3577b34da6a3ce929d0e0e47é-00f067aa0ba902b7-01"),
            "non-ASCII"
        );
    }

    #[test]
    fn tracestate_table() {
        assert_eq!(parse_tracestate("").unwrap().len(), 0);
        assert_eq!(parse_tracestate("a=1,,b=2").unwrap().len(), 2);
        assert!(parse_tracestate("tenant1@sys=x").is_some());
        assert!(parse_tracestate("1tenant@sys=x").is_some());
        assert!(
            parse_tracestate("1a=x").is_none(),
            "simple key starts with a letter"
        );
        assert!(parse_tracestate("a=").is_none(), "empty value");
        assert!(parse_tracestate("a=b\tc").is_none(), "a tab inside a value");
        assert_eq!(
            parse_tracestate(" a=b c ,b=1 ").unwrap()[0].1,
            "b c",
            "blanks around members"
        );
        assert!(parse_tracestate("a=b=c").is_none());
        assert!(parse_tracestate("a").is_none());
        assert!(parse_tracestate(&format!("a={}", "v".repeat(257))).is_none());
        let many: Vec<String> = (0..33).map(|i| format!("k{i}=v")).collect();
        assert!(parse_tracestate(&many.join(",")).is_none(), "33 members");
        assert!(parse_tracestate(&many[..32].join(",")).is_some());
    }

    #[test]
    fn an_invalid_tracestate_keeps_the_trace() {
        let headers: std::collections::HashMap<String, String> = [
            (TRACEPARENT.to_string(), format!("00-{TRACE}-{SPAN}-01")),
            (TRACESTATE.to_string(), "BAD=1".to_string()),
        ]
        .into();
        let span = extract(&headers).unwrap();
        assert!(span.is_valid() && span.is_sampled());
        assert_eq!(span.trace_state().header(), "");
    }
}
