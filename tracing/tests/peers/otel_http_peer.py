"""An OpenTelemetry Python SDK HTTP peer for kit's interop tests: it proves that
kit continues traces started by the Python SDK's own propagators, and that the
Python SDK continues traces started by kit. Spans go out through the SDK's own
OTLP/HTTP (protobuf) exporter.

  otel_http_peer.py client URL FORMAT OTLP_TRACES_URL
      In a CLIENT span "GET" (service.name python-client), builds the headers
      with opentelemetry.propagate.inject, GETs URL with them, ends the span,
      exports it, and prints one JSON line:
        {"trace_id", "span_id", "status" (HTTP status), "headers" (injected)}
      Exits non-zero if the request could not be made or the export failed.

  otel_http_peer.py server PORT FORMAT OTLP_TRACES_URL
      Serves 127.0.0.1:PORT (service.name python-server) until SIGTERM/SIGINT.
      GET /health answers 200 "ok" with no span. Any other GET extracts the
      context from the request headers, makes a SERVER span "GET /python" as
      its child, ends and exports it, then answers 200 with JSON:
        {"trace_id", "span_id", "parent_span_id" (hex or ""), "remote_parent",
         "sampled"}
      (500 with a text body if the span's export failed).

FORMAT: tracecontext, b3 (B3 single header), b3multi (X-B3-* headers).
OTLP_TRACES_URL: the full endpoint, e.g. http://127.0.0.1:4318/v1/traces.
Needs PyPI opentelemetry-api, -sdk, -propagator-b3, -exporter-otlp-proto-http.
"""

import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.propagators.b3 import B3MultiFormat, B3SingleFormat
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATORS = {
    "tracecontext": TraceContextTextMapPropagator,
    "b3": B3SingleFormat,
    "b3multi": B3MultiFormat,
}


class RecordingExporter(OTLPSpanExporter):
    """The SDK's OTLP/HTTP exporter, remembering each export's result in the
    calling thread: SimpleSpanProcessor exports synchronously inside span.end()
    but drops the result, and its force_flush always answers True."""

    local = threading.local()

    def export(self, spans):
        result = super().export(spans)
        self.local.result = result
        return result


def setup(service, fmt, otlp_url):
    """The global tracer provider and the one global propagator; a tracer."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(RecordingExporter(endpoint=otlp_url, timeout=5)))
    trace.set_tracer_provider(provider)
    propagate.set_global_textmap(PROPAGATORS[fmt]())  # exactly this format, nothing else
    return provider, trace.get_tracer("kit-interop-python")


def end_and_export(span, provider):
    """Ends span and returns whether it was exported (or, unsampled, not meant to be)."""
    RecordingExporter.local.result = None
    span.end()  # SimpleSpanProcessor exports here, in this thread
    if not provider.force_flush(5000):
        return False
    if not span.get_span_context().trace_flags.sampled:
        return True  # an unsampled span is not exported at all
    return RecordingExporter.local.result is SpanExportResult.SUCCESS


def client(url, fmt, otlp_url):
    provider, tracer = setup("python-client", fmt, otlp_url)
    with tracer.start_as_current_span("GET", kind=SpanKind.CLIENT, end_on_exit=False) as span:
        span.set_attribute("http.request.method", "GET")
        span.set_attribute("url.full", url)
        headers = {}
        propagate.inject(headers)  # the SDK's own inject, from the current span
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        span.set_attribute("http.response.status_code", status)
    ctx = span.get_span_context()
    if not end_and_export(span, provider):
        sys.exit("otel_http_peer client: the span's OTLP export failed")
    print(json.dumps({
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "status": status,
        "headers": headers,
    }), flush=True)
    provider.shutdown()


def server(port, fmt, otlp_url):
    provider, tracer = setup("python-server", fmt, otlp_url)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/health":
                return self.answer(200, "text/plain", b"ok")
            # lower-cased names, every value of each (the SDK's getter takes lists)
            carrier = {name.lower(): self.headers.get_all(name) for name in self.headers.keys()}
            extracted = propagate.extract(carrier)
            parent = trace.get_current_span(extracted).get_span_context()
            span = tracer.start_span("GET /python", context=extracted, kind=SpanKind.SERVER)
            span.set_attribute("http.request.method", "GET")
            span.set_attribute("url.path", self.path)
            span.set_attribute("http.response.status_code", 200)
            ctx = span.get_span_context()
            body = json.dumps({
                "trace_id": format(ctx.trace_id, "032x"),
                "span_id": format(ctx.span_id, "016x"),
                "parent_span_id": format(parent.span_id, "016x") if parent.is_valid else "",
                "remote_parent": parent.is_valid and parent.is_remote,
                "sampled": ctx.trace_flags.sampled,
            }).encode()
            if end_and_export(span, provider):  # exported before the answer goes out
                self.answer(200, "application/json", body)
            else:
                self.answer(500, "text/plain", b"the server span's OTLP export failed")

        def answer(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    for signum in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: `cmd &` starts with it ignored
        signal.signal(signum, lambda *_: sys.exit(0))
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()
        provider.shutdown()


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("client", "server") or sys.argv[3] not in PROPAGATORS:
        sys.exit(__doc__)
    mode, target, fmt, otlp_url = sys.argv[1:]
    if mode == "client":
        client(target, fmt, otlp_url)
    else:
        server(int(target), fmt, otlp_url)
