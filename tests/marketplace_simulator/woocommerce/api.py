"""WooCommerce simulator plumbing: WordPress errors, state access, key authentication, route decorator."""
import base64
from datetime import UTC, datetime, timedelta

from ..server import Response
from .constants import NAME, PREFIX
from .generator import _parse_naive, _set_dates


def wp_error(status, code, message, **data):
    return Response(status, {"code": code, "message": message, "data": dict(data, status=status)})


def _state(app):
    return app.state[NAME]


def touch(order):
    previous = _parse_naive(order["date_modified_gmt"], UTC)
    now = datetime.now(UTC).replace(microsecond=0)
    _set_dates(order, "modified", max(now, previous + timedelta(seconds=1)))



def _new_id(app):
    _state(app)["next_id"] += 1
    return _state(app)["next_id"]


def _authenticated(app, request):
    state = _state(app)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            key, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            key = secret = ""
        mode = "basic"
    else:
        key, secret, mode = request.query.get("consumer_key"), request.query.get("consumer_secret"), "query"
    if not key:
        return wp_error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    if key != state["key"]:
        return wp_error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
    if secret != state["secret"]:
        return wp_error(401, "woocommerce_rest_authentication_error",
                        "Invalid signature - provided signature does not match.")
    state["auth_modes"].append(mode)
    return None


def _api(app, method, pattern, prefix=PREFIX):
    """Route decorator: authentication, then the handler under the app's lock."""
    def decorator(handler):
        def wrapped(request):
            denied = _authenticated(app, request)
            if denied:
                return denied
            with app.lock:
                return handler(request)
        return app.route(method, prefix + pattern)(wrapped)
    return decorator


def _body_of(request):
    try:
        body = request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _get(app, order_id):
    return _state(app)["orders"].get(int(order_id))


def _invalid_id():
    return wp_error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
