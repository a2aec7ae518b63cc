"""An OTLP/HTTP traces receiver for kit's tests, built on the official
protobuf classes (PyPI opentelemetry-proto), independent of the Rust encoder.

Usage: otlp_trace_receiver.py PORT OUT.jsonl

Each POST /v1/traces body (gzip inflated) is decoded as an
ExportTraceServiceRequest; every span is appended to OUT.jsonl as one JSON
object: name, kind, trace_id, span_id, parent_span_id (hex), status
(code name, message), attributes (key -> value as text), events (names),
resource (key -> value as text), scope. GET answers 200 (readiness).
"""

import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

PORT, OUT = int(sys.argv[1]), sys.argv[2]


def text(any_value):
    kind = any_value.WhichOneof("value")
    return str(getattr(any_value, kind)) if kind else None


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        with open(OUT, "a", encoding="utf-8") as out:
            for rs in request.resource_spans:
                resource = {kv.key: text(kv.value) for kv in rs.resource.attributes}
                for ss in rs.scope_spans:
                    for span in ss.spans:
                        out.write(json.dumps({
                            "name": span.name,
                            "kind": Span.SpanKind.Name(span.kind),
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent_span_id": span.parent_span_id.hex(),
                            "status": Status.StatusCode.Name(span.status.code),
                            "status_message": span.status.message,
                            "attributes": {kv.key: text(kv.value) for kv in span.attributes},
                            "events": [e.name for e in span.events],
                            "resource": resource,
                            "scope": ss.scope.name,
                        }) + "\n")
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
