"""A strict Zipkin v2 collector stand-in for kit's tests (no real Zipkin
server can be installed here). Needs PyPI pyyaml and jsonschema.

Usage: zipkin_receiver.py PORT OUT_DIR SPEC_YAML

Listens on 127.0.0.1:PORT. GET / answers 200 (readiness). POST /api/v2/spans
(Content-Type application/json, optionally gzip) must carry a JSON array of
spans; every span is checked against definitions/Span of SPEC_YAML (the
official zipkin2-api.yaml, as JSON Schema draft 4) and against kit's stricter
contract (see check_contract). All valid: each span is appended as one line
to OUT_DIR/spans.jsonl, answer 202. Otherwise one line {"errors", "body"} goes
to OUT_DIR/errors.jsonl and the answer is 400 with the errors (a JSON array).
If OUT_DIR/status holds a number, POSTs are answered with that status and an
empty body and nothing is recorded (the file is read on every request).
"""

import gzip
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import yaml

PORT, OUT_DIR, SPEC = int(sys.argv[1]), sys.argv[2], sys.argv[3]

with open(SPEC, encoding="utf-8") as f:
    DEFINITIONS = yaml.safe_load(f)["definitions"]
# Span as the root, so that "$ref: '#/definitions/...'" resolves in the spec's own definitions.
SCHEMA = dict(DEFINITIONS["Span"], definitions=DEFINITIONS)
SPAN_KEYS = set(DEFINITIONS["Span"]["properties"])

# Swagger's "format: int64" mapped to a range check; ipv4/ipv6 checked as in JSON Schema.
FORMATS = jsonschema.Draft4Validator.FORMAT_CHECKER


@FORMATS.checks("int64")
def is_int64(value):
    return not isinstance(value, int) or -(2**63) <= value < 2**63


VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=FORMATS)

HEX16 = re.compile(r"[0-9a-f]{16}")
TRACE_ID = re.compile(r"[0-9a-f]{16}|[0-9a-f]{32}")
MIN_US, MAX_US = 1577836800 * 10**6, 4102444800 * 10**6  # 2020-01-01 .. 2100-01-01 UTC
LOCK = threading.Lock()


def is_int(value):
    return type(value) is int  # JSON integers only: not 1.0, not true


def check_contract(span):
    """kit's contract, on top of the spec's schema: yields (field, problem)."""
    for key in sorted(set(span) - SPAN_KEYS):
        yield key, "unknown span key"
    for key, pattern in (("traceId", TRACE_ID), ("id", HEX16), ("parentId", HEX16)):
        if key == "parentId" and key not in span:
            continue  # absent on a root span
        value = span.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            what = "16 or 32" if key == "traceId" else "exactly 16"
            yield key, f"must be {what} lower-case hex characters, got {value!r}"
        elif set(value) == {"0"}:
            yield key, "must not be all zeros"
    timestamp = span.get("timestamp")
    if not is_int(timestamp) or not MIN_US <= timestamp < MAX_US:
        yield "timestamp", f"must be an integer of epoch microseconds (2020..2100), got {timestamp!r}"
    duration = span.get("duration")
    if not is_int(duration) or duration < 1:
        yield "duration", f"must be an integer of microseconds >= 1, got {duration!r}"
    for i, annotation in enumerate(span.get("annotations") or []):
        ts = annotation.get("timestamp") if isinstance(annotation, dict) else None
        if not is_int(ts) or not MIN_US <= ts < MAX_US:
            yield f"annotations[{i}].timestamp", f"must be epoch microseconds (2020..2100), got {ts!r}"
    endpoint = span.get("localEndpoint")
    name = endpoint.get("serviceName") if isinstance(endpoint, dict) else None
    if not isinstance(name, str) or not name:
        yield "localEndpoint.serviceName", f"must be present and a non-empty string, got {endpoint!r}"


def validate(body):
    if not isinstance(body, list):
        return [f"body must be a JSON array of spans, got {type(body).__name__}"]
    errors = []
    for i, span in enumerate(body):
        for error in sorted(VALIDATOR.iter_errors(span), key=lambda e: [str(p) for p in e.absolute_path]):
            field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            errors.append(f"span[{i}]{field}: {error.message} (schema)")
        if isinstance(span, dict):
            errors.extend(f"span[{i}].{field}: {problem}" for field, problem in check_contract(span))
    return errors


def append(name, lines):
    with LOCK, open(os.path.join(OUT_DIR, name), "a", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
            f.flush()


def fault_status():
    try:
        with open(os.path.join(OUT_DIR, "status"), encoding="utf-8") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reject(self, status, errors, body):
        append("errors.jsonl", [{"errors": errors, "body": body}])
        self.answer(status, json.dumps(errors).encode())

    def do_GET(self):
        self.answer(200 if self.path == "/" else 404)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/api/v2/spans":
            return self.answer(404)
        status = fault_status()
        if status is not None:
            return self.answer(status)
        if self.headers.get("Content-Encoding", "identity") == "gzip":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as e:
                return self.reject(400, [f"bad gzip body: {e}"], None)
        text = raw.decode("utf-8", errors="replace")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return self.reject(415, [f"Content-Type must be application/json, got {content_type!r}"], text)
        try:
            body = json.loads(text)
        except ValueError as e:
            return self.reject(400, [f"malformed JSON: {e}"], text)
        errors = validate(body)
        if errors:
            return self.reject(400, errors, body)
        append("spans.jsonl", body)
        self.answer(202)

    def do_PUT(self):  # and every other method: 404
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(404)

    do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = do_PUT

    def log_message(self, format, *args):
        pass  # quiet: no per-request logging


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
