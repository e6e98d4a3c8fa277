"""Shopify Admin REST API simulator (orders, fulfillment orders, fulfillments, refunds, shop).

Follows storefront-apis.md §1: date-versioned paths ``/admin/api/<version>/...``,
``X-Shopify-Access-Token`` auth, ``status=any|open|closed|cancelled``, ``updated_at_min``,
``limit`` <= 250, cursor pagination through the ``Link`` header (``page_info``; no other filter
allowed with it), the leaky-bucket call limit (``X-Shopify-Shop-Api-Call-Limit``, 429 +
``Retry-After``), errors as ``{"errors": ...}``. Orders use the REST/webhook shape of the
documented example orders (shopify-api-js fixtures).
"""
import base64
import functools
import json
import math
import random
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

from .server import Response

NAME = "shopify"
API_VERSION = "2026-01"
MAX_LIMIT = 250
DEFAULT_LIMIT = 50
SHOP_TZ = timezone(timedelta(hours=1))  # a Paris shop: Shopify writes dates with the shop's offset
PREFIX = r"/admin/api/(?P<version>\d{4}-\d{2})"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."

CATALOG = [
    # (sku, title, unit price, requires_shipping)
    ("SHOP-TEE-BLK-M", "Organic T-shirt - Black / M", 25.00, True),
    ("SHOP-MUG-001", "Ceramic mug", 12.50, True),
    ("SHOP-CAP-RED", "Baseball cap - Red", 19.90, True),
    ("SHOP-BAG-TOTE", "Tote bag", 9.00, True),
    ("SHOP-EBOOK-01", "Care guide (e-book)", 4.99, False),
]
CUSTOMERS = [
    ("Bob", "Norman", "bob.norman@mail.example.com", "Chestnut Street 92", "Louisville", "40202", "KY", "US", ""),
    ("Amélie", "Durand", "amelie.durand@example.fr", "12 rue de la Paix", "Paris", "75002", "", "FR", ""),
    ("Jan", "Jansen", "jan@bedrijf.example.nl", "Keizersgracht 1", "Amsterdam", "1015 CJ", "", "NL",
     "Bedrijf BV"),
    ("Klaus", "Meyer", "k.meyer@firma.example.de", "Hauptstraße 5", "Berlin", "10115", "", "DE", "Firma GmbH"),
]
B2B_VAT = {"NL": "NL123456789B01", "DE": "DE123456789"}


def _fmt(dt):
    """Shopify date format: ISO-8601 with the shop's UTC offset, second precision."""
    return dt.astimezone(SHOP_TZ).replace(microsecond=0).isoformat()


def _parse(value):
    text = str(value).strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _money(amount):
    return f"{amount:.2f}"


def _price_set(amount, currency, presentment_currency=None, rate=1.0):
    return {"shop_money": {"amount": _money(amount), "currency_code": currency},
            "presentment_money": {"amount": _money(amount * rate), "currency_code": presentment_currency or currency}}


def _address(first, last, street, city, zip_code, province, country, company, phone):
    return {"first_name": first, "last_name": last, "name": f"{first} {last}", "company": company or None,
            "address1": street, "address2": "", "city": city, "province": province or None,
            "province_code": province or None, "zip": zip_code, "country": country, "country_code": country,
            "phone": phone, "latitude": None, "longitude": None}


def make_order(order_id, number, *, created_at, lines, customer=0, taxes_included=True, tax_rate=0.20,
               shipping=4.90, discount=0.0, financial_status="paid", fulfillment_status=None, b2b=False,
               currency="EUR", cancelled=False):
    """One order in the documented REST shape.

    ``lines``: [(catalog index, quantity)]; ``discount``: order-level amount spread over the lines
    through ``discount_allocations`` (as Shopify does).
    """
    first, last, email, street, city, zip_code, province, country, company = CUSTOMERS[customer]
    address = _address(first, last, street, city, zip_code, province, country, company if b2b else "",
                       "+33 1 23 45 67 89")
    line_items, subtotal, total_tax = [], 0.0, 0.0
    gross = sum(CATALOG[i][2] * q for i, q in lines) or 1.0
    for position, (index, quantity) in enumerate(lines):
        sku, title, price, requires_shipping = CATALOG[index]
        allocated = round(discount * price * quantity / gross, 2)
        net = price * quantity - allocated
        tax = round(net - net / (1 + tax_rate), 2) if taxes_included else round(net * tax_rate, 2)
        subtotal += net
        total_tax += tax
        line_id = order_id * 100 + position + 1
        line_items.append({
            "id": line_id, "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
            "variant_id": 40000 + index, "product_id": 30000 + index, "sku": sku, "name": title,
            "title": title.split(" - ")[0], "variant_title": title.split(" - ")[1] if " - " in title else None,
            "vendor": "Sim Shop", "quantity": quantity, "current_quantity": quantity,
            "fulfillable_quantity": 0 if fulfillment_status == "fulfilled" else quantity,
            "fulfillment_status": fulfillment_status, "requires_shipping": requires_shipping, "taxable": True,
            "gift_card": False, "grams": 200, "price": _money(price), "price_set": _price_set(price, currency),
            "total_discount": "0.00", "total_discount_set": _price_set(0, currency),
            "discount_allocations": [{"amount": _money(allocated), "amount_set": _price_set(allocated, currency),
                                      "discount_application_index": 0}] if allocated else [],
            "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(tax),
                           "price_set": _price_set(tax, currency), "channel_liable": False}],
            "properties": [], "duties": [],
        })
    shipping_tax = round(shipping - shipping / (1 + tax_rate), 2) if taxes_included else round(shipping * tax_rate, 2)
    total_tax += shipping_tax
    total = subtotal + shipping + (0 if taxes_included else total_tax)
    created = _fmt(created_at)
    order = {
        "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{number}", "order_number": number, "number": number - 1000,
        "confirmation_number": f"C{order_id:08d}"[-9:],
        "email": email, "contact_email": email, "phone": None,
        "created_at": created, "updated_at": created, "processed_at": created,
        "cancelled_at": created if cancelled else None, "cancel_reason": "customer" if cancelled else None,
        "closed_at": None, "test": False,
        "currency": currency, "presentment_currency": currency,
        "financial_status": financial_status, "fulfillment_status": fulfillment_status,
        "taxes_included": taxes_included, "estimated_taxes": False,
        "subtotal_price": _money(subtotal), "subtotal_price_set": _price_set(subtotal, currency),
        "total_discounts": _money(discount), "total_discounts_set": _price_set(discount, currency),
        "total_line_items_price": _money(sum(CATALOG[i][2] * q for i, q in lines)),
        "total_tax": _money(total_tax), "total_tax_set": _price_set(total_tax, currency),
        "total_price": _money(total), "total_price_set": _price_set(total, currency),
        "current_total_price": _money(total),
        "total_shipping_price_set": _price_set(shipping, currency),
        "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(total_tax),
                       "price_set": _price_set(total_tax, currency), "channel_liable": False}],
        "discount_codes": [{"code": "WELCOME", "amount": _money(discount), "type": "fixed_amount"}] if discount else [],
        "discount_applications": [{"type": "discount_code", "value": _money(discount), "value_type": "fixed_amount",
                                   "allocation_method": "across", "target_selection": "all",
                                   "target_type": "line_item", "code": "WELCOME"}] if discount else [],
        "note": None, "note_attributes": [], "tags": "", "source_name": "web",
        "payment_gateway_names": ["shopify_payments"],
        "customer": {"id": 7000 + customer, "email": email, "first_name": first, "last_name": last,
                     "phone": None, "tax_exempt": bool(b2b), "currency": currency,
                     "default_address": dict(address, id=8000 + customer, customer_id=7000 + customer,
                                             default=True)},
        "billing_address": address, "shipping_address": dict(address),
        "line_items": line_items,
        "shipping_lines": [{
            "id": order_id * 100 + 99, "code": "Standard", "title": "Standard", "source": "shopify",
            "carrier_identifier": None, "price": _money(shipping), "price_set": _price_set(shipping, currency),
            "discounted_price": _money(shipping), "discounted_price_set": _price_set(shipping, currency),
            "discount_allocations": [],
            "tax_lines": [{"title": "VAT", "rate": tax_rate, "price": _money(shipping_tax),
                           "price_set": _price_set(shipping_tax, currency), "channel_liable": False}],
        }] if shipping else [],
        "fulfillments": [], "refunds": [],
    }
    if b2b:
        order["company"] = {"id": 9000 + customer, "location_id": 9100 + customer}
        order["note_attributes"] = [{"name": "vat_number", "value": B2B_VAT.get(country, "")}]
    return order


def generate_orders(count, seed=0, start=None, id_start=450789469):
    """``count`` seeded orders, created one minute apart from ``start`` (UTC)."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(hours=2)
    orders = []
    for n in range(count):
        customer = rng.randrange(len(CUSTOMERS))
        lines = [(i, rng.randint(1, 3)) for i in rng.sample(range(4), rng.randint(1, 3))]
        orders.append(make_order(
            id_start + n, 1001 + n, created_at=start + timedelta(minutes=n), lines=lines, customer=customer,
            taxes_included=rng.random() < 0.7, discount=rng.choice([0.0, 0.0, 5.0]),
            shipping=rng.choice([0.0, 4.90, 9.90]), b2b=CUSTOMERS[customer][8] != "" and rng.random() < 0.8,
            financial_status=rng.choice(["paid", "paid", "paid", "pending", "authorized"])))
    return orders


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    state = app.state[NAME]
    start = datetime.now(UTC) - timedelta(minutes=count + 1)
    id_start = max(state["orders"], default=450789468) + 1
    for order in generate_orders(count, seed=seed, start=start, id_start=id_start):
        order["name"] = f"#{1000 + order['id'] - 450789468}"
        order["order_number"] = 1000 + order["id"] - 450789468
        add_order(app, order)


# -- state ----------------------------------------------------------------------------------


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


def add_order(app, order):
    with app.lock:
        _state(app)["orders"][order["id"]] = order


def update_order(app, order_id, **changes):
    """Change an order as the merchant would (e.g. ``financial_status="refunded"``), moving updated_at."""
    with app.lock:
        order = _state(app)["orders"][order_id]
        order.update(changes)
        _touch(order)
        return order


def register(app, orders=None, token="shpat_simulator_token", bucket_size=40, leak_rate=2.0,
             shop_domain="sim-shop.myshopify.com"):
    """Register the Shopify routes on ``app``; state in ``app.state["shopify"]``."""
    app.state[NAME] = _initial_state(orders, token, bucket_size, leak_rate, shop_domain)
    _register_routes(app)
    return app


def reset(app):
    """Forget every order and action (the token and bucket settings stay), the request log and faults."""
    old = app.state[NAME]
    bucket = old["bucket"]
    app.state[NAME] = _initial_state(None, old["token"], bucket.size, bucket.leak_rate, old["shop"]["myshopify_domain"])
    with app.lock:
        app.requests.clear()
    app.clear_faults()


def _initial_state(orders, token, bucket_size, leak_rate, shop_domain):
    return {
        "orders": {o["id"]: o for o in (orders or [])},
        "token": token,
        "bucket": Bucket(bucket_size, leak_rate),
        "fulfillment_orders": {},  # order id -> [fulfillment order]
        "fulfillments": [],
        "calculations": [],  # bodies received by refunds/calculate, for assertions
        "refund_bodies": [],
        "refunded_shipping": {},  # order id -> shipping amount refunded
        "cursors": {},
        "next_id": 1,
        "shop": {"id": 548380009, "name": "Sim Shop", "email": "shop@example.com", "domain": shop_domain,
                 "myshopify_domain": shop_domain, "currency": "EUR", "iana_timezone": "Europe/Paris",
                 "taxes_included": True, "plan_name": "basic", "country_code": "FR"},
    }


def _register_routes(app):
    """Routes of the Admin REST API; handlers read ``app.state["shopify"]`` at call time."""
    _register_shop(app)
    _register_order_list(app)
    _register_order(app)
    _register_fulfillments(app)
    _register_refunds(app)
    return app


def _new_id(app):
    state = _state(app)
    state["next_id"] += 1
    return 1072000000 + state["next_id"]


def _api(app, method, pattern):
    """Route decorator adding auth and the call-limit header."""

    def decorator(handler):
        def wrapped(request):
            state = _state(app)
            if request.headers.get("x-shopify-access-token") != state["token"]:
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


def _select(app, query):
    status = query.get("status", "open")
    result = []
    for order in _state(app)["orders"].values():
        if status == "open" and (order["cancelled_at"] or order["closed_at"]):
            continue
        if status == "closed" and not order["closed_at"]:
            continue
        if status == "cancelled" and not order["cancelled_at"]:
            continue
        if query.get("updated_at_min") and _parse(order["updated_at"]) < _parse(query["updated_at_min"]):
            continue
        if query.get("updated_at_max") and _parse(order["updated_at"]) > _parse(query["updated_at_max"]):
            continue
        if query.get("ids") and str(order["id"]) not in query["ids"].split(","):
            continue
        result.append(order)
    return result


def _sort_key(sort):
    field, _sep, direction = (sort or "id desc").partition(" ")
    if field not in ("id", "updated_at", "created_at", "processed_at"):
        field = "id"

    def key(order):
        value = order[field] if field == "id" else _parse(order[field]).timestamp()
        return (value, order["id"])

    return key, direction.strip().lower() != "asc"


def _get(app, order_id):
    return _state(app)["orders"].get(int(order_id))


def _fulfillment_orders(app, order):
    fos = _state(app)["fulfillment_orders"].get(order["id"])
    if fos is None:
        fo_id = order["id"] * 10 + 1
        items = [{"id": line["id"] * 10 + 1, "shop_id": 548380009, "fulfillment_order_id": fo_id,
                  "line_item_id": line["id"], "inventory_item_id": 50000 + line["variant_id"],
                  "quantity": line["quantity"], "fulfillable_quantity": line["fulfillable_quantity"],
                  "variant_id": line["variant_id"]}
                 for line in order["line_items"] if line["requires_shipping"]]
        closed = bool(order["cancelled_at"]) or all(i["fulfillable_quantity"] == 0 for i in items)
        fos = [{"id": fo_id, "shop_id": 548380009, "order_id": order["id"], "assigned_location_id": 24826418,
                "request_status": "unsubmitted", "status": "closed" if closed else "open",
                "supported_actions": [] if closed else ["create_fulfillment", "hold", "move"],
                "destination": order.get("shipping_address"), "line_items": items,
                "fulfill_at": None, "international_duties": None, "fulfillment_holds": [],
                "delivery_method": {"method_type": "shipping"}}]
        _state(app)["fulfillment_orders"][order["id"]] = fos
    return fos


def _refunded_quantities(order):
    done = {}
    for refund in order["refunds"]:
        for item in refund["refund_line_items"]:
            done[item["line_item_id"]] = done.get(item["line_item_id"], 0) + item["quantity"]
    return done


def _refunded_amounts(app, order):
    money = sum(float(t["amount"]) for r in order["refunds"] for t in r["transactions"])
    return money, _state(app)["refunded_shipping"].get(order["id"], 0.0)


def _calculate(app, order, refund):
    """Suggested refund in Shopify's shape, or an error Response."""
    lines = {line["id"]: line for line in order["line_items"]}
    refunded = _refunded_quantities(order)
    rate_of = lambda tax_lines: sum(float(t["rate"]) for t in tax_lines)  # noqa: E731
    items, subtotal, total_tax = [], 0.0, 0.0
    for want in refund.get("refund_line_items") or []:
        line = lines.get(want.get("line_item_id"))
        quantity = int(want.get("quantity") or 0)
        if not line:
            return _error(422, {"refund_line_items": [f"line item {want.get('line_item_id')} does not exist"]})
        if not 0 < quantity <= line["quantity"] - refunded.get(line["id"], 0):
            return _error(422, {"refund_line_items": [
                f"quantity {quantity} cannot be refunded for line item {line['id']}"]})
        allocated = sum(float(a["amount"]) for a in line["discount_allocations"])
        unit = float(line["price"]) - allocated / line["quantity"]
        amount = round(unit * quantity, 2)
        rate = rate_of(line["tax_lines"])
        tax = round(amount - amount / (1 + rate), 2) if order["taxes_included"] else round(amount * rate, 2)
        subtotal += amount
        total_tax += tax
        items.append({"line_item_id": line["id"], "quantity": quantity,
                      "restock_type": want.get("restock_type", "no_restock"), "location_id": None,
                      "price": line["price"], "subtotal": _money(amount), "total_tax": _money(tax),
                      "discounted_price": _money(unit), "discounted_total_price": _money(amount),
                      "total_cart_discount_amount": "0.00"})
    paid = float(order["total_price"])
    refunded_money, refunded_shipping = _refunded_amounts(app, order)
    shipping_total = sum(float(s["discounted_price"]) for s in order["shipping_lines"])
    shipping_rate = rate_of(order["shipping_lines"][0]["tax_lines"]) if order["shipping_lines"] else 0.0
    shipping_left = round(shipping_total - refunded_shipping, 2)
    wanted_shipping = refund.get("shipping") or {}
    if wanted_shipping.get("full_refund"):
        shipping_amount = shipping_left
    else:
        shipping_amount = float(wanted_shipping.get("amount") or 0)
    if shipping_amount > shipping_left + 0.001:
        return _error(422, {"shipping": [
            f"amount {shipping_amount:.2f} exceeds the refundable {shipping_left:.2f}"]})
    shipping_tax = (round(shipping_amount - shipping_amount / (1 + shipping_rate), 2) if order["taxes_included"]
                    else round(shipping_amount * shipping_rate, 2))
    amount = subtotal + shipping_amount + (0 if order["taxes_included"] else total_tax + shipping_tax)
    maximum = round(paid - refunded_money, 2)
    amount = round(min(amount, maximum), 2)
    return {
        "currency": order["currency"], "duties": [], "additional_fees": [],
        "shipping": {"amount": _money(shipping_amount), "tax": _money(shipping_tax),
                     "maximum_refundable": _money(shipping_left)},
        "refund_line_items": items,
        "transactions": [{"order_id": order["id"], "kind": "suggested_refund", "gateway": "shopify_payments",
                          "parent_id": order["id"] * 10 + 7, "amount": _money(amount),
                          "currency": order["currency"], "maximum_refundable": _money(maximum)}],
    }


def _register_shop(app):
    """The shop and the order count."""
    api = functools.partial(_api, app)

    @api("GET", r"/shop\.json")
    def shop(request):
        return Response(200, {"shop": _state(app)["shop"]})

    @api("GET", r"/orders/count\.json")
    def count(request):
        return Response(200, {"count": len(_select(app, request.query))})


def _register_order_list(app):
    """Order list: filters, sort and cursor paging (Link header)."""
    api = functools.partial(_api, app)

    @api("GET", r"/orders\.json")
    def list_orders(request):
        query = dict(request.query)
        try:
            limit = int(query.pop("limit", DEFAULT_LIMIT))
        except ValueError:
            return _error(400, {"limit": ["is not a number"]})
        if not 1 <= limit <= MAX_LIMIT:
            return _error(400, {"limit": [f"must be between 1 and {MAX_LIMIT}"]})
        fields = query.pop("fields", None)
        if "page_info" in query:
            cursor = _state(app)["cursors"].get(query.pop("page_info"))
            if query:
                name = sorted(query)[0]
                return _error(400, {"page_info": [f"{name} cannot be passed when page_info is present"]})
            if cursor is None:
                return _error(400, {"page_info": ["Invalid value."]})
            filters, after = cursor
        else:
            filters, after = query, None
        try:
            orders = _select(app, filters)
        except ValueError:
            return _error(400, {"updated_at_min": ["is not a valid date"]})
        key, reverse = _sort_key(filters.get("order"))
        orders.sort(key=key, reverse=reverse)
        if after is not None:
            after = tuple(after)
            orders = [o for o in orders if (key(o) < after if reverse else key(o) > after)]
        page = orders[:limit]
        headers = {}
        if len(orders) > limit:
            token = base64.urlsafe_b64encode(json.dumps([len(_state(app)["cursors"]), key(page[-1])]).encode())
            token = token.decode().rstrip("=")
            _state(app)["cursors"][token] = (filters, list(key(page[-1])))
            host = request.headers.get("host", "127.0.0.1")
            link_query = urlencode({"limit": limit, "page_info": token, **({"fields": fields} if fields else {})})
            headers["Link"] = f'<http://{host}{request.path}?{link_query}>; rel="next"'
        if fields:
            wanted = fields.split(",")
            page = [{k: v for k, v in o.items() if k in wanted} for o in page]
        return Response(200, {"orders": page}, headers=headers)


def _register_order(app):
    """One order and its fulfillment orders."""
    api = functools.partial(_api, app)

    @api("GET", r"/orders/(?P<id>\d+)\.json")
    def get_order(request):
        order = _get(app, request.params["id"])
        if not order:
            return _error(404, "Not Found")
        return Response(200, {"order": order})

    @api("GET", r"/orders/(?P<id>\d+)/fulfillment_orders\.json")
    def list_fulfillment_orders(request):
        order = _get(app, request.params["id"])
        if not order:
            return _error(404, "Not Found")
        return Response(200, {"fulfillment_orders": _fulfillment_orders(app, order)})


def _register_fulfillments(app):
    api = functools.partial(_api, app)

    @api("POST", r"/fulfillments\.json")
    def create_fulfillment(request):
        body = _body(request)
        fulfillment = (body or {}).get("fulfillment") if isinstance(body, dict) else None
        if not isinstance(fulfillment, dict) or not fulfillment.get("line_items_by_fulfillment_order"):
            return _error(400, {"fulfillment": ["Required parameter missing or invalid"]})
        all_fos = {fo["id"]: (order_id, fo) for order_id, fos in _state(app)["fulfillment_orders"].items()
                   for fo in fos}
        moves, order_id = [], None
        for group in fulfillment["line_items_by_fulfillment_order"]:
            found = all_fos.get(group.get("fulfillment_order_id"))
            if not found:
                return _error(404, "Not Found")
            order_id, fo = found
            if fo["status"] not in ("open", "in_progress"):
                return _error(422, [f"Fulfillment order {fo['id']} has an unfulfillable status= {fo['status']}."])
            wanted = group.get("fulfillment_order_line_items") or [
                {"id": i["id"], "quantity": i["fulfillable_quantity"]} for i in fo["line_items"]]
            items = {i["id"]: i for i in fo["line_items"]}
            for want in wanted:
                item = items.get(want.get("id"))
                if not item or not 0 < int(want.get("quantity") or 0) <= item["fulfillable_quantity"]:
                    return _error(422, [
                        f"Invalid fulfillment order line item quantity requested for {want.get('id')}."])
                moves.append((fo, item, int(want["quantity"])))
        order = _state(app)["orders"][order_id]
        lines = {line["id"]: line for line in order["line_items"]}
        for fo, item, quantity in moves:
            item["fulfillable_quantity"] -= quantity
            lines[item["line_item_id"]]["fulfillable_quantity"] -= quantity
            if all(i["fulfillable_quantity"] == 0 for i in fo["line_items"]):
                fo["status"], fo["supported_actions"] = "closed", []
            else:
                fo["status"] = "in_progress"
        tracking = fulfillment.get("tracking_info") or {}
        record = {
            "id": _new_id(app), "order_id": order_id, "status": "success", "created_at": _fmt(datetime.now(UTC)),
            "service": "manual", "location_id": 24826418, "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
            "tracking_company": tracking.get("company"), "tracking_number": tracking.get("number"),
            "tracking_numbers": [tracking["number"]] if tracking.get("number") else [],
            "tracking_url": tracking.get("url"), "tracking_urls": [tracking["url"]] if tracking.get("url") else [],
            "notify_customer": bool(fulfillment.get("notify_customer")),
            "line_items": [dict(lines[item["line_item_id"]], quantity=q) for _fo, item, q in moves],
        }
        _state(app)["fulfillments"].append(record)
        order["fulfillments"].append(record)
        shippable = [line for line in order["line_items"] if line["requires_shipping"]]
        done = all(line["fulfillable_quantity"] == 0 for line in shippable)
        order["fulfillment_status"] = "fulfilled" if done else "partial"
        _touch(order)
        return Response(201, {"fulfillment": record})


def _register_refunds(app):
    """Refund calculation and refunds."""
    api = functools.partial(_api, app)

    @api("POST", r"/orders/(?P<id>\d+)/refunds/calculate\.json")
    def calculate_refund(request):
        order = _get(app, request.params["id"])
        if not order:
            return _error(404, "Not Found")
        body = _body(request)
        if not isinstance(body, dict) or not isinstance(body.get("refund"), dict):
            return _error(400, {"refund": ["Required parameter missing or invalid"]})
        _state(app)["calculations"].append(body)
        result = _calculate(app, order, body["refund"])
        return result if isinstance(result, Response) else Response(200, {"refund": result})

    @api("POST", r"/orders/(?P<id>\d+)/refunds\.json")
    def create_refund(request):
        order = _get(app, request.params["id"])
        if not order:
            return _error(404, "Not Found")
        body = _body(request)
        if not isinstance(body, dict) or not isinstance(body.get("refund"), dict):
            return _error(400, {"refund": ["Required parameter missing or invalid"]})
        refund = body["refund"]
        _state(app)["refund_bodies"].append(body)
        suggestion = _calculate(app, order, refund)
        if isinstance(suggestion, Response):
            return suggestion
        maximum = float(suggestion["transactions"][0]["maximum_refundable"])
        transactions = []
        for transaction in refund.get("transactions") or []:
            if transaction.get("kind") != "refund" or transaction.get("parent_id") != order["id"] * 10 + 7:
                return _error(422, {"transactions": ["must refund the order's sale transaction (parent_id)"]})
            amount = float(transaction.get("amount") or 0)
            if amount <= 0 or amount > maximum + 0.001:
                return _error(422, {"base": [f"Refund amount {amount:.2f} exceeds the refundable {maximum:.2f}"]})
            maximum -= amount
            transactions.append({"id": _new_id(app), "order_id": order["id"], "kind": "refund", "status": "success",
                                 "gateway": transaction.get("gateway", "shopify_payments"),
                                 "parent_id": transaction["parent_id"], "amount": _money(amount),
                                 "currency": order["currency"]})
        record = {"id": _new_id(app), "order_id": order["id"], "created_at": _fmt(datetime.now(UTC)),
                  "processed_at": _fmt(datetime.now(UTC)), "note": refund.get("note"),
                  "restock": False, "refund_line_items": [
                      dict(item, id=_new_id(app), line_item=next(
                          line for line in order["line_items"] if line["id"] == item["line_item_id"]))
                      for item in suggestion["refund_line_items"]],
                  "transactions": transactions, "order_adjustments": [], "duties": []}
        order["refunds"].append(record)
        refunded_shipping = _state(app)["refunded_shipping"]
        refunded_shipping[order["id"]] = (refunded_shipping.get(order["id"], 0.0)
                                          + float(suggestion["shipping"]["amount"]))
        money, _shipping = _refunded_amounts(app, order)
        order["financial_status"] = "refunded" if money >= float(order["total_price"]) - 0.001 else "partially_refunded"
        order["current_total_price"] = _money(float(order["total_price"]) - money)
        _touch(order)
        return Response(201, {"refund": record})
