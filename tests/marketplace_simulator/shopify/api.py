"""Shopify simulator plumbing: the leaky bucket, state access, errors, the authenticated route decorator."""
import math
import threading
import time
from datetime import UTC, datetime, timedelta

from ..server import Response
from .constants import NAME, PREFIX, THROTTLED
from .generator import _fmt, _parse


class Bucket:
    """Shopify's leaky bucket: ``size`` calls, leaking ``leak_rate`` calls per second."""

    def __init__(self, size=40, leak_rate=2.0):
        self.size, self.leak_rate = size, leak_rate
        self.level, self.at = 0.0, time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        """(accepted, used) for one call."""
        with self.lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - (now - self.at) * self.leak_rate)
            self.at = now
            if self.level + 1 > self.size:
                return False, self.size
            self.level += 1
            return True, math.ceil(self.level)


def _state(app):
    return app.state[NAME]


def _error(status, errors, headers=None):
    return Response(status, {"errors": errors}, headers=headers or {})


def _body(request):
    try:
        return request.json() or {}
    except ValueError:
        return None


def _touch(order):
    """Shopify moves ``updated_at`` on every change; keep it strictly increasing per order."""
    now = datetime.now(UTC).replace(microsecond=0)
    previous = _parse(order["updated_at"])
    order["updated_at"] = _fmt(max(now, previous + timedelta(seconds=1)))



def _new_id(app):
    state = _state(app)
    state["next_id"] += 1
    return 1072000000 + state["next_id"]


def token_accepted(state, token):
    """The static Admin API token, or a client-credentials token that has not expired."""
    return bool(token) and (token == state["token"] or state["tokens"].get(token, 0.0) > time.time())


def _api(app, method, pattern):
    """Route decorator adding auth and the call-limit header."""

    def decorator(handler):
        def wrapped(request):
            state = _state(app)
            if not token_accepted(state, request.headers.get("x-shopify-access-token")):
                return _error(401, "[API] Invalid API key or access token (unrecognized login or wrong password)")
            accepted, used = state["bucket"].take()
            limit_header = {"X-Shopify-Shop-Api-Call-Limit": f"{used}/{state['bucket'].size}"}
            if not accepted:
                return _error(429, THROTTLED, dict(limit_header, **{"Retry-After": "2.0"}))
            with app.lock:
                response = handler(request)
            response.headers.update(limit_header)
            return response

        return app.route(method, PREFIX + pattern)(wrapped)

    return decorator



def _get(app, order_id):
    return _state(app)["orders"].get(int(order_id))
