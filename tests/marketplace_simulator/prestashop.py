"""PrestaShop Webservice simulator (``/api/...``), after storefront-apis.md section 3.

What it follows:

- auth: HTTP Basic, the webservice key as user and an empty password; errors are the
  webservice's ``<prestashop><errors><error><code/><message/></error></errors></prestashop>``
  bodies (JSON ``{"errors": [{"code", "message"}]}`` when ``output_format=JSON``);
- lists: ``display=full|[f1,f2]``, ``filter[field]=[a,b]`` (interval), ``[a|b]`` (or),
  ``[x]`` (literal); date fields need ``date=1`` to be filtered or sorted; ``sort=[f_ASC,g_DESC]``;
  ``limit=N`` or ``limit=offset,N``; XML by default, ``output_format=JSON`` for JSON. An empty
  JSON list is rendered ``[]`` as PrestaShop does;
- writes take XML bodies (``PUT /api/order_carriers/{id}`` full object,
  ``POST /api/order_histories``) and answer XML;
- resources: orders, addresses, customers, order_carriers, order_histories, order_states,
  countries, currencies, and the root ``/api/`` listing the key's rights.

All values are strings, dates ``YYYY-MM-DD HH:MM:SS`` in the shop time zone (Europe/Paris).
"""
import base64
import random
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .server import Response

NAME = "prestashop"
SHOP_TZ = ZoneInfo("Europe/Paris")
DATE_FIELDS = {"date_add", "date_upd", "invoice_date", "delivery_date"}
DEFAULT_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"  # 32 characters, like a real key

# Default order states of a fresh install (install-dev/data/xml/order_state.xml order).
ORDER_STATES = [
    # id, name, paid, shipped, delivery, logable
    ("1", "Awaiting check payment", "0", "0", "0", "0"),
    ("2", "Payment accepted", "1", "0", "0", "1"),
    ("3", "Processing in progress", "1", "0", "0", "1"),
    ("4", "Shipped", "1", "1", "1", "1"),
    ("5", "Delivered", "1", "1", "1", "1"),
    ("6", "Canceled", "0", "0", "0", "0"),
    ("7", "Refunded", "1", "0", "0", "0"),
    ("8", "Payment error", "0", "0", "0", "0"),
    ("9", "On backorder (paid)", "1", "0", "0", "1"),
    ("10", "Awaiting bank wire payment", "0", "0", "0", "0"),
    ("11", "Remote payment accepted", "1", "0", "0", "1"),
    ("12", "On backorder (not paid)", "0", "0", "0", "0"),
    ("13", "Awaiting Cash On Delivery validation", "0", "0", "0", "0"),
]
COUNTRIES = {"8": "FR", "1": "DE", "3": "BE", "6": "ES", "10": "IT", "17": "GB"}
CURRENCIES = {"1": "EUR", "2": "USD"}
RESOURCES = ["addresses", "countries", "currencies", "customers", "order_carriers", "order_histories",
             "order_states", "orders"]
SINGULAR = {"addresses": "address", "countries": "country", "currencies": "currency", "customers": "customer",
            "order_carriers": "order_carrier", "order_histories": "order_history",
            "order_states": "order_state", "orders": "order"}

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Jules", "Manon", "Nathan"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
CITIES = [("75011", "Paris", "8"), ("69003", "Lyon", "8"), ("13001", "Marseille", "8"),
          ("10115", "Berlin", "1"), ("1000", "Bruxelles", "3")]
PRODUCTS = [("PS-TSHIRT-01", "T-shirt bio", 19.9), ("PS-MUG-02", "Mug céramique", 9.5),
            ("PS-CAP-03", "Casquette", 14.0), ("PS-BAG-04", "Sac en toile", 24.0)]


def ps_date(dt):
    """Aware datetime -> PrestaShop string in the shop time zone."""
    return dt.astimezone(SHOP_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _money(value):
    return f"{value:.6f}"


# -- error and payload rendering --------------------------------------------------------
def _wants_json(request):
    return (request.query.get("output_format") or "").upper() == "JSON"


def error(request, status, code, message, headers=None):
    """The webservice error body, in the requested output format."""
    if _wants_json(request):
        return Response(status, {"errors": [{"code": code, "message": message}]}, headers=headers or {})
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f"<errors>\n<error>\n<code><![CDATA[{code}]]></code>\n<message><![CDATA[{message}]]></message>\n"
            "</error>\n</errors>\n</prestashop>\n")
    return Response(status, body, headers=headers or {}, content_type="text/xml;charset=utf-8")


def _xml_node(tag, value):
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            node.append(_xml_node(key, sub))
    elif isinstance(value, list):
        child = SINGULAR.get(tag) or (tag[:-1] if tag.endswith("s") else tag)
        node.set("nodeType", child)
        for item in value:
            node.append(_xml_node(child, item))
    else:
        node.text = "" if value is None else str(value)
    return node


def render(request, status, root_name, value):
    """``{root_name: value}`` as JSON, or wrapped in ``<prestashop>`` as XML."""
    if _wants_json(request):
        if isinstance(value, list) and not value:
            return Response(status, [])  # PrestaShop answers a bare [] for an empty list
        return Response(status, {root_name: value})
    root = ET.Element("prestashop")
    root.append(_xml_node(root_name, value))
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    return Response(status, body, content_type="text/xml;charset=utf-8")


def parse_xml_object(body, singular):
    """``<prestashop><singular>...</singular></prestashop>`` -> flat dict of texts."""
    root = ET.fromstring(body)
    node = root.find(singular)
    if node is None:
        raise ValueError(f"<{singular}> element expected")
    return {child.tag: (child.text or "").strip() for child in node if len(child) == 0}


# -- list parameters ---------------------------------------------------------------------
_FILTER_RE = re.compile(r"^filter\[(\w+)\]$")


def _apply_filters(request, rows):
    for name, raw in request.query.items():
        match = _FILTER_RE.match(name)
        if not match:
            continue
        fieldname = match.group(1)
        if fieldname in DATE_FIELDS and request.query.get("date") != "1":
            raise _WsError(400, 31, f'Unable to filter by the field "{fieldname}": use the parameter date=1')
        inner = raw.strip()
        if not (inner.startswith("[") and inner.endswith("]")):
            raise _WsError(400, 32, f"Invalid filter value for {fieldname}: {raw}")
        inner = inner[1:-1]
        if "," in inner:
            low, high = inner.split(",", 1)
            rows = [r for r in rows if _cmp_key(fieldname, low) <= _cmp_key(fieldname, r.get(fieldname, ""))
                    <= _cmp_key(fieldname, high)]
        else:
            wanted = set(inner.split("|"))
            rows = [r for r in rows if str(r.get(fieldname, "")) in wanted]
    return rows


def _cmp_key(fieldname, value):
    if fieldname in DATE_FIELDS:
        return str(value)
    try:
        return float(value)
    except ValueError:
        return str(value)


def _apply_sort(request, rows):
    raw = request.query.get("sort")
    if not raw:
        return sorted(rows, key=lambda r: int(r["id"]))
    specs = raw.strip("[]").split(",")
    for spec in reversed(specs):
        fieldname, _sep, direction = spec.rpartition("_")
        if fieldname in DATE_FIELDS and request.query.get("date") != "1":
            raise _WsError(400, 31, f'Unable to sort by the field "{fieldname}": use the parameter date=1')
        rows = sorted(rows, key=lambda r: _cmp_key(fieldname, r.get(fieldname, "")), reverse=direction == "DESC")
    return rows


def _apply_limit(request, rows):
    raw = request.query.get("limit")
    if not raw:
        return rows
    try:
        if "," in raw:
            offset, count = (int(p) for p in raw.split(","))
        else:
            offset, count = 0, int(raw)
    except ValueError:
        raise _WsError(400, 33, f"Invalid limit: {raw}") from None
    return rows[offset:offset + count]


def _apply_display(request, rows):
    display = request.query.get("display")
    if display == "full":
        return rows
    if display:
        names = [n.strip() for n in display.strip("[]").split(",")]
        return [{n: r.get(n) for n in names if n in r} for r in rows]
    return [{"id": r["id"]} for r in rows]


class _WsError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# -- order generator -------------------------------------------------------------------
def generate_orders(count, seed=0, start=None, state=None):
    """Seeded orders with their customers, addresses and carriers, added to ``state``."""
    rng = random.Random(seed)
    state = state if state is not None else new_state()
    start = start or datetime.now(UTC) - timedelta(hours=count + 1)
    orders = []
    for index in range(count):
        when = start + timedelta(minutes=37 * index + rng.randint(0, 20))
        orders.append(add_order(state, rng, when, b2b=index % 4 == 3))
    return orders


def add_order(state, rng, when, b2b=False, current_state="2", lines=None, discount_incl=0.0):
    """Create one order (plus customer, addresses, order carrier) in ``state``; returns it."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    customer_id = str(len(state["customers"]) + 1)
    state["customers"][customer_id] = {
        "id": customer_id, "email": f"{first.lower()}.{last.lower()}{customer_id}@example.fr",
        "firstname": first, "lastname": last, "company": f"{last} SARL" if b2b else "",
        "siret": "73282932000074" if b2b else "", "passwd": "$2y$10$simulatedhash", "secure_key": "a1b2c3d4e5",
        "date_add": ps_date(when), "date_upd": ps_date(when)}
    zipcode, city, country = rng.choice(CITIES)

    def address(alias):
        address_id = str(len(state["addresses"]) + 1)
        state["addresses"][address_id] = {
            "id": address_id, "id_customer": customer_id, "id_country": country, "id_state": "0", "alias": alias,
            "company": f"{last} SARL" if b2b else "", "firstname": first, "lastname": last,
            "vat_number": "FR40303265045" if b2b else "", "address1": f"{rng.randint(1, 99)} rue de la Paix",
            "address2": "", "postcode": zipcode, "city": city, "phone": "0102030405", "phone_mobile": "",
            "dni": "", "other": "", "deleted": "0", "date_add": ps_date(when), "date_upd": ps_date(when)}
        return address_id

    delivery = address("Livraison")
    invoice = address("Facturation") if rng.random() < 0.5 else delivery
    order_id = str(len(state["orders"]) + 1)
    rows = []
    for row_index, (sku, name, price) in enumerate(lines or rng.sample(PRODUCTS, rng.randint(1, 3))):
        qty = rng.randint(1, 3)
        rows.append({"id": str(100 * int(order_id) + row_index), "product_id": str(row_index + 1),
                     "product_attribute_id": "0", "product_quantity": str(qty), "product_name": name,
                     "product_reference": sku, "product_ean13": "", "product_isbn": "", "product_upc": "",
                     "product_price": _money(price / 1.2), "id_customization": "0",
                     "unit_price_tax_incl": _money(price), "unit_price_tax_excl": _money(price / 1.2)})
    products_incl = sum(float(r["unit_price_tax_incl"]) * int(r["product_quantity"]) for r in rows)
    shipping_incl = 6.0
    total_incl = products_incl + shipping_incl - discount_incl
    paid_state = state["order_states"][current_state]["paid"] == "1"
    reference = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))
    state["orders"][order_id] = {
        "id": order_id, "reference": reference, "id_cart": order_id, "id_customer": customer_id,
        "id_address_delivery": delivery, "id_address_invoice": invoice, "id_currency": "1", "id_lang": "1",
        "id_carrier": "2", "id_shop": "1", "id_shop_group": "1", "current_state": current_state,
        "valid": "1" if paid_state else "0", "module": "ps_checkpayment", "payment": "Chèque",
        "secure_key": "f1e2d3c4b5a69788", "invoice_number": "0", "invoice_date": "0000-00-00 00:00:00",
        "delivery_number": "0", "delivery_date": "0000-00-00 00:00:00", "shipping_number": "",
        "date_add": ps_date(when), "date_upd": ps_date(when), "note": "", "gift": "0", "gift_message": "",
        "recyclable": "0", "total_paid": _money(total_incl), "total_paid_tax_incl": _money(total_incl),
        "total_paid_tax_excl": _money(total_incl / 1.2), "total_paid_real": _money(total_incl if paid_state else 0),
        "total_products": _money(products_incl / 1.2), "total_products_wt": _money(products_incl),
        "total_shipping": _money(shipping_incl), "total_shipping_tax_incl": _money(shipping_incl),
        "total_shipping_tax_excl": _money(shipping_incl / 1.2), "carrier_tax_rate": "20.000",
        "total_discounts": _money(discount_incl), "total_discounts_tax_incl": _money(discount_incl),
        "total_discounts_tax_excl": _money(discount_incl / 1.2), "total_wrapping": "0.000000",
        "total_wrapping_tax_incl": "0.000000", "total_wrapping_tax_excl": "0.000000", "round_mode": "2",
        "round_type": "2", "conversion_rate": "1.000000",
        "associations": {"order_rows": rows}}
    carrier_id = str(len(state["order_carriers"]) + 1)
    state["order_carriers"][carrier_id] = {
        "id": carrier_id, "id_order": order_id, "id_carrier": "2", "id_order_invoice": "0", "weight": "0.500000",
        "shipping_cost_tax_excl": _money(shipping_incl / 1.2), "shipping_cost_tax_incl": _money(shipping_incl),
        "tracking_number": "", "date_add": ps_date(when)}
    return state["orders"][order_id]


def new_state(key=DEFAULT_KEY):
    return {
        "key": key,
        "permissions": {name: {"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"} for name in RESOURCES},
        "orders": {}, "customers": {}, "addresses": {}, "order_carriers": {}, "order_histories": {},
        "order_states": {sid: {"id": sid, "name": name, "paid": paid, "shipped": shipped, "delivery": delivery,
                               "logable": logable, "invoice": paid, "send_email": "1", "template": ""}
                         for sid, name, paid, shipped, delivery, logable in ORDER_STATES},
        "countries": {cid: {"id": cid, "iso_code": iso, "active": "1"} for cid, iso in COUNTRIES.items()},
        "currencies": {cid: {"id": cid, "iso_code": iso, "conversion_rate": "1.000000"}
                       for cid, iso in CURRENCIES.items()},
    }


def set_order_state(state, order_id, state_id, when=None):
    """What ``POST /api/order_histories`` does: a history row, new current state, date_upd."""
    when = when or datetime.now(UTC)
    order = state["orders"][order_id]
    history_id = str(len(state["order_histories"]) + 1)
    state["order_histories"][history_id] = {
        "id": history_id, "id_employee": "0", "id_order_state": state_id, "id_order": order_id,
        "date_add": ps_date(when)}
    order["current_state"] = state_id
    if state["order_states"][state_id]["paid"] == "1":
        order["valid"] = "1"
    order["date_upd"] = ps_date(when)
    return state["order_histories"][history_id]


# -- routes ----------------------------------------------------------------------------
def register(app, state=None):
    """Mount the webservice on ``app``; state in ``app.state["prestashop"]``."""
    state = app.state.setdefault(NAME, state or new_state())
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
