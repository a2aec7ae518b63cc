//! Context propagation: kit's strict parsers as OpenTelemetry
//! [`TextMapPropagator`]s, composed in a configured order.
//!
//! | Format | Name (`OTEL_PROPAGATORS`, `propagators=`) | Headers |
//! |---|---|---|
//! | W3C Trace Context | `tracecontext` | `traceparent`, `tracestate` ([`w3c`]) |
//! | W3C Baggage | `baggage` | `baggage` ([`baggage`]) |
//! | B3 single | `b3` | `b3` ([`b3`]) |
//! | B3 multi | `b3multi` | `X-B3-TraceId`, `X-B3-SpanId`, `X-B3-ParentSpanId`, `X-B3-Sampled`, `X-B3-Flags` |
//!
//! **Which wins**: when a request carries several trace formats, the
//! first one *in the configured order* that holds a valid context is the
//! parent; the others are ignored, even when they disagree. Baggage is
//! read whatever the trace format. Every configured format is written on
//! the way out. Invalid input of any kind is as if the header were absent:
//! the span starts a new trace.

pub mod b3;
pub mod baggage;
mod hex;
pub mod w3c;

use std::fmt;
use std::str::FromStr;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::propagation::{text_map_propagator::FieldIter, Extractor, Injector};
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;

use b3::{B3Form, B3Propagator, RemoteSampling};
use baggage::W3cBaggage;
use w3c::TraceContext;

/// One propagation format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// W3C `traceparent` / `tracestate`.
    TraceContext,
    /// W3C `baggage`.
    Baggage,
    /// B3, one `b3` header.
    B3,
    /// B3, the `X-B3-*` headers.
    B3Multi,
}

impl Format {
    /// The name in `OTEL_PROPAGATORS`.
    pub fn name(self) -> &'static str {
        match self {
            Format::TraceContext => "tracecontext",
            Format::Baggage => "baggage",
            Format::B3 => "b3",
            Format::B3Multi => "b3multi",
        }
    }
}

/// A propagator list kit cannot read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPropagator(pub String);

impl fmt::Display for UnknownPropagator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown propagator {:?}: accepted: tracecontext, baggage, b3, b3multi, none",
            self.0
        )
    }
}

impl std::error::Error for UnknownPropagator {}

impl FromStr for Format {
    type Err = UnknownPropagator;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "tracecontext" => Ok(Format::TraceContext),
            "baggage" => Ok(Format::Baggage),
            "b3" => Ok(Format::B3),
            "b3multi" => Ok(Format::B3Multi),
            other => Err(UnknownPropagator(other.to_owned())),
        }
    }
}

/// The configured formats, in order; see the [module docs](self).
#[derive(Clone, Debug)]
pub struct Propagators {
    formats: Vec<Format>,
    fields: Vec<String>,
    trace_context: TraceContext,
    baggage: W3cBaggage,
    b3: B3Propagator,
    b3_multi: B3Propagator,
}

impl Default for Propagators {
    /// `tracecontext,baggage`, OpenTelemetry's default.
    fn default() -> Self {
        Propagators::new(&[Format::TraceContext, Format::Baggage])
    }
}

impl Propagators {
    /// The formats, in order (a repeated one counts once).
    ///
    /// ```
    /// use kit_tracing::propagation::{Format, Propagators};
    /// let p = Propagators::new(&[Format::B3, Format::TraceContext, Format::B3]);
    /// assert_eq!(p.formats(), [Format::B3, Format::TraceContext]);
    /// ```
    pub fn new(formats: &[Format]) -> Self {
        let mut unique: Vec<Format> = Vec::new();
        for f in formats {
            if !unique.contains(f) {
                unique.push(*f);
            }
        }
        let mut p = Propagators {
            formats: unique,
            fields: Vec::new(),
            trace_context: TraceContext::default(),
            baggage: W3cBaggage::default(),
            b3: B3Propagator::new(B3Form::Single),
            b3_multi: B3Propagator::new(B3Form::Multi),
        };
        p.fields = p
            .formats
            .iter()
            .flat_map(|f| {
                p.propagator(*f)
                    .fields()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        p
    }

    /// The configured formats.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    fn propagator(&self, format: Format) -> &dyn TextMapPropagator {
        match format {
            Format::TraceContext => &self.trace_context,
            Format::Baggage => &self.baggage,
            Format::B3 => &self.b3,
            Format::B3Multi => &self.b3_multi,
        }
    }
}

impl FromStr for Propagators {
    type Err = UnknownPropagator;

    /// A comma-separated list (`OTEL_PROPAGATORS`' form); `none` or empty:
    /// no propagation.
    ///
    /// ```
    /// use kit_tracing::propagation::Propagators;
    /// assert_eq!("b3multi, tracecontext".parse::<Propagators>().unwrap().formats().len(), 2);
    /// assert_eq!("none".parse::<Propagators>().unwrap().formats().len(), 0);
    /// assert_eq!(
    ///     "jaeger".parse::<Propagators>().unwrap_err().to_string(),
    ///     "unknown propagator \"jaeger\": accepted: tracecontext, baggage, b3, b3multi, none"
    /// );
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut formats = Vec::new();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name == "none" {
                continue;
            }
            formats.push(name.parse()?);
        }
        Ok(Propagators::new(&formats))
    }
}

impl TextMapPropagator for Propagators {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        for format in &self.formats {
            self.propagator(*format).inject_context(cx, injector);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let mut out = cx.clone();
        let mut decision = None;
        for format in self.formats.iter().filter(|f| **f != Format::Baggage) {
            let extracted = self.propagator(*format).extract_with_context(cx, extractor);
            if extracted.span().span_context().is_valid() {
                out = extracted;
                decision = None;
                break;
            }
            if decision.is_none() {
                decision = extracted.get::<RemoteSampling>().copied();
            }
        }
        if let Some(decision) = decision {
            out = out.with_value(decision);
        }
        if self.formats.contains(&Format::Baggage) {
            out = self.baggage.extract_with_context(&out, extractor);
        }
        out
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::baggage::BaggageExt;
    use std::collections::HashMap;

    const TC: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const B3_TRACE: &str = "a3ce929d0e0e4736a3ce929d0e0e4736";

    fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn trace_of(p: &Propagators, h: &HashMap<String, String>) -> String {
        p.extract(h).span().span_context().trace_id().to_string()
    }

    #[test]
    fn the_first_valid_format_in_the_configured_order_wins() {
        let h = headers(&[
            ("traceparent", TC),
            ("b3", &format!("{B3_TRACE}-00f067aa0ba902b7-1")),
        ]);
        let w3c_first: Propagators = "tracecontext,b3".parse().unwrap();
        let b3_first: Propagators = "b3,tracecontext".parse().unwrap();
        assert_eq!(trace_of(&w3c_first, &h), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace_of(&b3_first, &h), B3_TRACE);
        // An invalid first format falls through to the next.
        let h = headers(&[
            ("traceparent", "00-1-2-01"),
            ("b3", &format!("{B3_TRACE}-00f067aa0ba902b7-1")),
        ]);
        assert_eq!(trace_of(&w3c_first, &h), B3_TRACE);
    }

    #[test]
    fn invalid_everything_is_a_new_root_and_baggage_still_arrives() {
        let p: Propagators = "tracecontext,baggage,b3,b3multi".parse().unwrap();
        let h = headers(&[
            ("traceparent", "garbage"),
            ("b3", "garbage"),
            ("x-b3-traceid", "garbage"),
            ("baggage", "k=v"),
        ]);
        let cx = p.extract(&h);
        assert!(!cx.span().span_context().is_valid());
        assert_eq!(
            cx.baggage()
                .get("k")
                .map(|v| v.as_str().to_owned())
                .as_deref(),
            Some("v")
        );
    }

    #[test]
    fn injects_every_configured_format() {
        let p: Propagators = "tracecontext,b3,b3multi".parse().unwrap();
        let cx = p.extract(&headers(&[("traceparent", TC)]));
        let mut out = HashMap::new();
        p.inject_context(&cx, &mut out);
        assert_eq!(out["traceparent"], TC);
        assert_eq!(
            out["b3"],
            "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"
        );
        assert_eq!(out["x-b3-traceid"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(out["x-b3-sampled"], "1");
        assert_eq!(p.fields().count(), 8);
    }

    #[test]
    fn a_lone_b3_not_sampled_is_kept_as_a_decision() {
        let p: Propagators = "tracecontext,b3".parse().unwrap();
        let cx = p.extract(&headers(&[("b3", "0")]));
        assert!(!cx.span().span_context().is_valid());
        assert_eq!(
            cx.get::<RemoteSampling>(),
            Some(&RemoteSampling::NotSampled)
        );
        let mut out = HashMap::new();
        p.inject_context(&cx, &mut out);
        assert_eq!(out.get("b3").map(String::as_str), Some("0"));
    }
}
