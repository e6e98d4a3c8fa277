"""Threaded HTTP server with regex routing, in-memory state and on-demand fault injection."""
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .faults import RESET, Fault, FaultLayer  # noqa: F401 (Fault: API of this module)


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


class SimulatorApp(FaultLayer):
    """Routes and state of the simulated marketplaces, with the shared fault layer (:mod:`.faults`)."""

    def __init__(self):
        self.routes = []  # (method, compiled regex, handler)
        self.requests = []  # (method, path, query) log, for assertions
        self.lock = threading.RLock()
        self.init_faults()
        self.state = {}  # per-marketplace state, keyed by module name

    def route(self, method, pattern):
        def decorator(handler):
            self.routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler
        return decorator

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
        response = app.answer(request, time.sleep)
        if response is RESET:
            self.close_connection = True
            self.connection.close()
            return
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
