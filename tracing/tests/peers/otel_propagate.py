"""The OpenTelemetry Python SDK's own propagators, for kit's interop tests.

  otel_propagate.py inject FORMAT TRACE_ID SPAN_ID SAMPLED
      prints, as JSON, the headers its propagate.inject writes for that span
      (FORMAT baggage: for the baggage user="alice smith+x", pct="100%")
  otel_propagate.py extract FORMAT < headers.json
      prints, as JSON, what it extracts: trace_id, span_id, sampled, valid
      (FORMAT baggage: the baggage)

FORMAT: tracecontext, baggage, b3 (single header), b3multi.
"""

import json
import sys

from opentelemetry import baggage
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.b3 import B3MultiFormat, B3SingleFormat
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    get_current_span,
    set_span_in_context,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATORS = {
    "tracecontext": TraceContextTextMapPropagator(),
    "baggage": W3CBaggagePropagator(),
    "b3": B3SingleFormat(),
    "b3multi": B3MultiFormat(),
}

mode, name = sys.argv[1], sys.argv[2]
propagator = PROPAGATORS[name]

if mode == "inject":
    trace_id, span_id = int(sys.argv[3], 16), int(sys.argv[4], 16)
    flags = TraceFlags(TraceFlags.SAMPLED if sys.argv[5] == "1" else TraceFlags.DEFAULT)
    context = set_span_in_context(NonRecordingSpan(SpanContext(trace_id, span_id, True, flags)))
    if name == "baggage":
        context = baggage.set_baggage("user", "alice smith+x", context)
        context = baggage.set_baggage("pct", "100%", context)
    carrier = {}
    propagator.inject(carrier, context=context)
    print(json.dumps(carrier))
else:
    carrier = {k.lower(): v for k, v in json.loads(sys.stdin.read()).items()}
    context = propagator.extract(carrier)
    if name == "baggage":
        print(json.dumps(dict(baggage.get_all(context))))
    else:
        span = get_current_span(context).get_span_context()
        print(json.dumps({
            "trace_id": format(span.trace_id, "032x"),
            "span_id": format(span.span_id, "016x"),
            "sampled": span.trace_flags.sampled,
            "valid": span.is_valid,
        }))
