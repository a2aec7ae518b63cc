"""Reference Zipkin v2 JSON for kit's tests, from the OpenTelemetry Python
SDK's own Zipkin encoder (PyPI opentelemetry-sdk and
opentelemetry-exporter-zipkin-json), independent of the Rust encoder.

Usage: zipkin_reference.py < spans.json > zipkin.json

stdin: {"service_name": "...", "spans": [{"trace_id", "span_id",
"parent_span_id" (or null), "name", "kind" (internal|server|client|producer|
consumer), "start_time_unix_nano", "end_time_unix_nano", "attributes",
"events": [{"name", "time_unix_nano", "attributes"}], "status": {"code"
(unset|ok|error), "description"}, "scope": {"name", "version"}}]}

stdout: exactly what JsonV2Encoder.serialize(spans, local_endpoint) returns
for those spans, built as SDK ReadableSpans, with the local endpoint the
exporter would use: a NodeEndpoint with no ip or port whose service name
is the resource's service.name (as ZipkinExporter.export sets it).
"""

import json
import sys

from opentelemetry.exporter.zipkin.json.v2 import JsonV2Encoder
from opentelemetry.exporter.zipkin.node_endpoint import NodeEndpoint
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

request = json.load(sys.stdin)
resource = Resource({SERVICE_NAME: request["service_name"]})


def context(trace_id, span_id):
    # Exported spans are sampled; the encoder turns "sampled" into "debug": true.
    return SpanContext(int(trace_id, 16), int(span_id, 16), is_remote=False,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))


def readable_span(s):
    parent = s.get("parent_span_id")
    status = s["status"]
    return ReadableSpan(
        name=s["name"],
        context=context(s["trace_id"], s["span_id"]),
        parent=context(s["trace_id"], parent) if parent else None,
        resource=resource,
        attributes=s["attributes"],
        events=[Event(e["name"], e["attributes"], e["time_unix_nano"]) for e in s["events"]],
        kind=SpanKind[s["kind"].upper()],
        status=Status(StatusCode[status["code"].upper()], status.get("description") or None),
        start_time=s["start_time_unix_nano"],
        end_time=s["end_time_unix_nano"],
        instrumentation_scope=InstrumentationScope(s["scope"]["name"], s["scope"].get("version")),
    )


local_endpoint = NodeEndpoint()  # takes the global provider's service name ...
local_endpoint.service_name = request["service_name"]  # ... replaced as the exporter does
# As ZipkinExporter builds it by default: max_tag_value_length None, so no tag
# truncation (JsonV2Encoder() on its own would cut tag values at 128 chars).
encoder = JsonV2Encoder(max_tag_value_length=None)
print(encoder.serialize([readable_span(s) for s in request["spans"]], local_endpoint))
