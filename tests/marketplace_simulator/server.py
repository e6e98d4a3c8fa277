"""Threaded HTTP server with regex routing, in-memory state and on-demand fault injection."""
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict  # name -> last value
    headers: dict  # lower-case names
    body: bytes
    params: dict = field(default_factory=dict)  # named groups of the route regex

    def json(self):
        return json.loads(self.body or b"null")

    def form(self):
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict | list | None = None
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"

    def encoded(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def problem(status, title, detail="", errors=None):
    """An RFC 7807 ``application/problem+json`` response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": "", "traceId": f"sim-{time.monotonic_ns()}"}
    if errors:
        body["errors"] = errors
    return Response(status, body, content_type="application/problem+json")


@dataclass
class Fault:
    """Injected failure for requests whose ``METHOD path`` matches ``pattern``.

    kind: ``status`` (answer ``status`` with ``body``/``headers``), ``timeout`` (sleep ``delay``
    seconds before answering), ``reset`` (close the connection), ``malformed`` (broken body).
    ``count`` is how many matching requests fail (-1: all). ``after`` lets that many pass first.
    """

    pattern: str
    kind: str = "status"
    status: int = 500
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    count: int = 1
    after: int = 0
    hits: int = 0

    def matches(self, method, path):
        return re.search(self.pattern, f"{method} {path}") is not None


class SimulatorApp:
    def __init__(self):
        self.routes = []  # (method, compiled regex, handler)
        self.faults = []
        self.requests = []  # (method, path, query) log, for assertions
        self.lock = threading.RLock()
        self.state = {}  # per-marketplace state, keyed by module name

    def route(self, method, pattern):
        def decorator(handler):
            self.routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler
        return decorator

    def add_fault(self, pattern, **kwargs):
        fault = Fault(pattern, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def _take_fault(self, method, path):
        with self.lock:
            for fault in self.faults:
                if not fault.matches(method, path):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    continue
                if fault.count == 0:
                    continue
                fault.hits += 1
                if fault.count > 0:
                    fault.count -= 1
                return fault
        return None

    def count_requests(self, pattern, method=None):
        regex = re.compile(pattern)
        return sum(1 for m, p, _q in self.requests if regex.search(p) and (method is None or m == method))

    def dispatch(self, request):
        for method, regex, handler in self.routes:
            match = regex.match(request.path)
            if match and method == request.method:
                request.params = match.groupdict()
                return handler(request)
        return problem(404, "Not Found", f"No route for {request.method} {request.path}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small keep-alive answers would otherwise wait ~40 ms each
    app: SimulatorApp = None

    def log_message(self, fmt, *args):  # quiet
        pass

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        app = self.app
        with app.lock:
            app.requests.append((self.command, parts.path, query))
        fault = app._take_fault(self.command, parts.path)
        if fault and fault.kind == "reset":
            self.close_connection = True
            self.connection.close()
            return
        if fault and fault.kind == "timeout":
            time.sleep(fault.delay)
        if fault and fault.kind == "status":
            response = Response(fault.status, fault.body, dict(fault.headers))
            if isinstance(fault.body, dict) and "title" in fault.body:
                response.content_type = "application/problem+json"
        else:
            try:
                response = app.dispatch(request)
            except Exception as exc:  # a simulator bug must show as a 500, not hang the client
                response = problem(500, "Simulator error", repr(exc))
            if fault and fault.kind == "malformed":
                response = Response(200, b'{"items": [ {"orderId": "trunc', content_type=response.content_type)
        payload = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class SimulatorServer:
    """``with SimulatorServer(app) as server: server.url`` -> ``http://127.0.0.1:PORT``."""

    def __init__(self, app, host="127.0.0.1", port=0):
        handler = type("Handler", (_Handler,), {"app": app})
        self.app = app
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
