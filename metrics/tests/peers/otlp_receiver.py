"""An OTLP/HTTP metrics receiver for kit's tests, built on the official
protobuf classes (PyPI opentelemetry-proto), independent of the Rust encoder.

Usage: otlp_receiver.py PORT OUT.jsonl

Every POST body is decoded as an ExportMetricsServiceRequest (gzip bodies
are inflated first); "strict" records whether it serializes back to the very
same bytes (no unknown fields, canonical encoding). Each request is appended
to OUT.jsonl as one JSON object: path, content_type, strict and the request
as a dict with the proto field names. GET answers 200 (readiness).
"""

import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)

PORT, OUT = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        message = ExportMetricsServiceRequest()
        try:
            message.ParseFromString(body)
        except Exception as error:  # a body that does not decode
            self.send_response(400)
            self.end_headers()
            self.wfile.write(str(error).encode())
            return
        record = {
            "path": self.path,
            "content_type": self.headers.get("Content-Type"),
            "strict": message.SerializeToString(deterministic=True) == body,
            "request": MessageToDict(message, preserving_proto_field_name=True),
        }
        with open(OUT, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        answer = ExportMetricsServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
