"""PrestaShop simulator routes: registration, key authentication, reads, writes, demo feed."""
import base64
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from ..server import Response
from .constants import NAME, RESOURCES, SINGULAR
from .generator import add_order, new_state, set_order_state
from .inventory import _register_inventory
from .webservice import (
    _apply_display,
    _apply_filters,
    _apply_limit,
    _apply_sort,
    _WsError,
    error,
    parse_xml_object,
    render,
)


# -- routes ----------------------------------------------------------------------------
def register(app, state=None):
    """Mount the webservice on ``app``; state in ``app.state["prestashop"]``."""
    state = app.state.setdefault(NAME, state or new_state())
    _register_inventory(app, state, authenticate)
    _register_reads(app, state)
    _register_writes(app, state)
    return state


def authenticate(state, request, resource=None):
    """None when the request's key may use ``resource``, else the webservice's error response."""
    header = request.headers.get("authorization", "")
    challenge = {"WWW-Authenticate": 'Basic realm="Welcome to PrestaShop Webservice, please enter the '
                                      'authentication key as the login. No password required."'}
    if not header.startswith("Basic "):
        return error(request, 401, 17, "Authentication key is empty", challenge)
    try:
        key = base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except ValueError:
        return error(request, 401, 18, "Invalid authentication key format", challenge)
    if len(key) != 32:
        return error(request, 401, 18, "Invalid authentication key format", challenge)
    if key != state["key"]:
        return error(request, 401, 19, "Authentication key does not exist", challenge)
    if resource and request.method not in state["permissions"].get(resource, ()):
        return error(request, 401, 21, f"No permission for this authentication key ({request.method} "
                                       f"on {resource})")
    return None


def _register_reads(app, state):
    """GET routes: the API root, resource lists and single resources."""

    @app.route("GET", r"/api/?")
    def root(request):
        denied = authenticate(state, request)
        if denied:
            return denied
        api = ET.Element("api", shopName="Simulated shop")
        for name in RESOURCES:
            rights = state["permissions"].get(name, set())
            if rights:
                ET.SubElement(api, name, {m.lower(): "true" if m in rights else "false"
                                          for m in ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")})
        root_el = ET.Element("prestashop")
        root_el.append(api)
        return Response(200, ET.tostring(root_el, encoding="unicode"), content_type="text/xml;charset=utf-8")

    @app.route("GET", r"/api/(?P<resource>\w+)")
    def list_resource(request):
        resource = request.params["resource"]
        if resource not in RESOURCES:
            return error(request, 400, 22, f'Resource of type "{resource}" does not exists')
        denied = authenticate(state, request, resource)
        if denied:
            return denied
        try:
            with app.lock:
                rows = [dict(r) for r in state[resource].values()]
            rows = _apply_limit(request, _apply_sort(request, _apply_filters(request, rows)))
        except _WsError as exc:
            return error(request, exc.status, exc.code, exc.message)
        return render(request, 200, resource, _apply_display(request, rows))

    @app.route("GET", r"/api/(?P<resource>\w+)/(?P<rid>\d+)")
    def get_one(request):
        resource = request.params["resource"]
        if resource not in RESOURCES:
            return error(request, 400, 22, f'Resource of type "{resource}" does not exists')
        denied = authenticate(state, request, resource)
        if denied:
            return denied
        row = state[resource].get(request.params["rid"])
        if row is None:
            return error(request, 404, 87, f"Id {request.params['rid']} does not exist for {resource}")
        return render(request, 200, SINGULAR[resource], dict(row))


def _register_writes(app, state):
    """The writes a connector makes: tracking number (order carrier) and order state (history)."""

    @app.route("PUT", r"/api/order_carriers/(?P<rid>\d+)")
    def put_order_carrier(request):
        denied = authenticate(state, request, "order_carriers")
        if denied:
            return denied
        try:
            values = parse_xml_object(request.body, "order_carrier")
        except (ET.ParseError, ValueError) as exc:
            return error(request, 400, 127, f"XML error: {exc}")
        rid = request.params["rid"]
        with app.lock:
            current = state["order_carriers"].get(rid)
            if current is None:
                return error(request, 404, 87, f"Id {rid} does not exist for order_carriers")
            if values.get("id") != rid:
                return error(request, 400, 90, "id is required when modifying a resource")
            for required in ("id_order", "id_carrier"):
                if not values.get(required):
                    return error(request, 400, 41, f"parameter {required} required")
            if values["id_order"] not in state["orders"]:
                return error(request, 400, 41, f"Order {values['id_order']} does not exist")
            current.update({k: v for k, v in values.items() if k in current})
            state["orders"][current["id_order"]]["shipping_number"] = current["tracking_number"]
        return render(request, 200, "order_carrier", dict(current))

    @app.route("POST", r"/api/order_histories")
    def post_order_history(request):
        denied = authenticate(state, request, "order_histories")
        if denied:
            return denied
        try:
            values = parse_xml_object(request.body, "order_history")
        except (ET.ParseError, ValueError) as exc:
            return error(request, 400, 127, f"XML error: {exc}")
        with app.lock:
            if values.get("id_order") not in state["orders"]:
                return error(request, 400, 41, f"Order {values.get('id_order')!r} does not exist")
            if values.get("id_order_state") not in state["order_states"]:
                return error(request, 400, 41, f"Order state {values.get('id_order_state')!r} does not exist")
            history = set_order_state(state, values["id_order"], values["id_order_state"])
        return render(request, 201, "order_history", dict(history))


def seed_demo(app, count, seed=1):
    """Add ``count`` recent orders to the registered shop (demo and benchmark)."""
    state = app.state[NAME]
    with app.lock:
        rng = random.Random(seed)
        now = datetime.now(UTC)
        return [add_order(state, rng, now - timedelta(minutes=37 * (count - index)), b2b=index % 4 == 3)
                for index in range(count)]
