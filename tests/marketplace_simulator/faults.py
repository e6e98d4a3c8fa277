"""Fault layer shared by every simulator's HTTP server (REST, webservice and SOAP alike).

:class:`FaultLayer` is mixed into :class:`~.server.SimulatorApp`: the server hands each request to
:meth:`FaultLayer.answer`, which runs the request hooks, takes a matching :class:`Fault`, then
dispatches to the marketplace's routes and runs the response hooks. The same calls inject a fault
into any simulator::

    app.add_fault(r"GET /wp-json/wc/v3/orders$", kind="timeout", delay=1.3, count=1)
    app.fault_from(r"POST /ecom/v1/orders/search$", 2, kind="reset")  # from the 2nd search on
    app.before_request(r"GET /admin/api/.*/orders\\.json$", 2, lambda: change_an_order())
    app.response_hooks.append(lambda request, response: response)     # rewrite answers
"""
import re
import threading
from dataclasses import dataclass, field

RESET = object()  # answer of :meth:`FaultLayer.answer`: close the connection without a response


@dataclass
class Fault:
    """Injected failure for requests whose ``METHOD path`` matches ``pattern``.

    kind: ``status`` (answer ``status`` with ``body``/``headers``, ``Content-Type`` among them),
    ``timeout`` (sleep ``delay`` seconds before answering), ``reset`` (close the connection),
    ``malformed`` (the real answer cut in half -- truncated JSON or XML -- or ``body`` when given).
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


def truncated(response):
    """``response`` with its body cut in half (same status and content type)."""
    payload = response.encoded()
    response.body = payload[:max(1, len(payload) // 2)]
    return response


class FaultLayer:
    """Faults and hooks of a simulator app (``self.lock`` and ``self.dispatch`` come from the app)."""

    def init_faults(self):
        self.faults = []
        self.request_hooks = []  # fn(request), before the faults are taken
        self.response_hooks = []  # fn(request, response) -> response, after the routes answered
        self.lock = getattr(self, "lock", None) or threading.RLock()

    def add_fault(self, pattern, **kwargs):
        fault = Fault(pattern, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self):
        """Forget the faults and the hooks."""
        with self.lock:
            self.faults.clear()
            self.request_hooks.clear()
            self.response_hooks.clear()

    def before_request(self, pattern, nth, action):
        """Run ``action()`` once, when the ``nth`` request matching ``pattern`` arrives."""
        seen = []

        def hook(request):
            if re.search(pattern, f"{request.method} {request.path}"):
                seen.append(request.path)
                if len(seen) == nth:
                    action()

        with self.lock:
            self.request_hooks.append(hook)
        return hook

    def fault_from(self, pattern, nth, **kwargs):
        """Arm a :class:`Fault` when the ``nth`` request matching ``pattern`` arrives (it fails too)."""
        return self.before_request(pattern, nth, lambda: self.add_fault(pattern, **kwargs))

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

    def answer(self, request, sleep):
        """The response to ``request`` with the faults applied, or :data:`RESET`."""
        from .server import Response, problem

        with self.lock:
            hooks = list(self.request_hooks)
        for hook in hooks:
            hook(request)
        fault = self._take_fault(request.method, request.path)
        if fault and fault.kind == "reset":
            return RESET
        if fault and fault.kind == "timeout":
            sleep(fault.delay)
        if fault and fault.kind == "status":
            headers = dict(fault.headers)
            response = Response(fault.status, fault.body, headers)
            if "Content-Type" in headers:
                response.content_type = headers.pop("Content-Type")
            elif isinstance(fault.body, dict) and "title" in fault.body:
                response.content_type = "application/problem+json"
            return response
        try:
            response = self.dispatch(request)
            for hook in list(self.response_hooks):
                response = hook(request, response)
        except Exception as exc:  # a simulator bug must show as a 500, not hang the client
            response = problem(500, "Simulator error", repr(exc))
        if fault and fault.kind == "malformed":
            if fault.body is not None:
                return Response(200, fault.body, content_type=response.content_type)
            return truncated(response)
        return response
