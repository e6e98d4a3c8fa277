"""WooCommerce REST API v3 simulator (orders, notes, refunds, system status, Shipment Tracking).

Follows storefront-apis.md §2: ``/wp-json/wc/v3/orders`` with ``modified_after``/``modified_before``
(site-local dates unless ``dates_are_gmt=true``), ``page``/``per_page`` <= 100, ``X-WP-Total``,
``X-WP-TotalPages`` and ``Link`` headers; consumer key/secret by HTTP Basic or query parameters;
WordPress error bodies ``{"code", "message", "data": {"status"}}``; the Shipment Tracking extension
under ``/wp-json/wc-shipment-tracking/v3``. Orders use the documented example order's shape:
line ``subtotal``/``total`` are always tax excluded, ``prices_include_tax`` says how prices were entered.
"""
import base64
import functools
import random
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode

from .server import Response

NAME = "woocommerce"
PREFIX = "/wp-json/wc/v3"
TRACKING_PREFIX = "/wp-json/wc-shipment-tracking/v3"
MAX_PER_PAGE = 100
SITE_TZ = timezone(timedelta(hours=1))  # site timezone: local dates differ from the GMT ones
VAT_RATE_ID = 75

CATALOG = [
    ("WOO-HOODIE-L", "Hoodie - L", 45.00),
    ("WOO-BEANIE", "Beanie", 18.00),
    ("WOO-POSTER-A2", "Poster A2", 12.00),
    ("WOO-SOCKS-3P", "Socks (3 pairs)", 9.90),
]
CUSTOMERS = [
    ("John", "Doe", "john.doe@example.com", "969 Market", "San Francisco", "94103", "CA", "US", "", ""),
    ("Camille", "Martin", "camille.martin@example.fr", "3 place Bellecour", "Lyon", "69002", "", "FR", "", ""),
    ("Lucia", "Rossi", "lucia@azienda.example.it", "Via Roma 10", "Milano", "20121", "MI", "IT", "Azienda Srl",
     "IT12345678901"),
    ("Pieter", "Peeters", "pieter@bedrijf.example.be", "Grote Markt 1", "Brussel", "1000", "", "BE", "Bedrijf NV",
     "BE0123456789"),
]
PROVIDERS = {"France": {"Colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code=%1$s",
                        "Chronopost": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=%1$s"},
             "United States": {"USPS": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=%1$s",
                               "UPS": "https://www.ups.com/track?tracknum=%1$s"},
             "Global": {"DHL": "https://www.dhl.com/track?AWB=%1$s"}}


def _local(dt):
    return dt.astimezone(SITE_TZ).replace(microsecond=0, tzinfo=None).isoformat()


def _gmt(dt):
    return dt.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()


def _parse_naive(value, tz):
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=tz)


def _money(amount):
    return f"{amount:.2f}"


def _split(gross_or_net, rate, included):
    """(net, tax) of an amount entered with or without tax."""
    if included:
        tax = round(gross_or_net - gross_or_net / (1 + rate / 100), 2)
        return round(gross_or_net - tax, 2), tax
    return round(gross_or_net, 2), round(gross_or_net * rate / 100, 2)


def _set_dates(order, field, dt):
    order[f"date_{field}"] = _local(dt) if dt else None
    order[f"date_{field}_gmt"] = _gmt(dt) if dt else None


def make_order(order_id, *, created_at, lines, customer=0, prices_include_tax=True, rate=20.0, shipping=5.0,
               coupon=0.0, status="processing", currency="EUR", with_vat_meta=True):
    """One order in the documented v3 shape. ``lines``: [(catalog index, quantity)];
    ``coupon``: discount entered on the same basis as prices, spread over the lines."""
    first, last, email, street, city, postcode, state, country, company, vat = CUSTOMERS[customer]
    gross = sum(CATALOG[i][2] * q for i, q in lines) or 1.0
    items, subtotal_tax_sum, total_tax_sum, net_sum, net_discount, tax_discount = [], 0.0, 0.0, 0.0, 0.0, 0.0
    for position, (index, quantity) in enumerate(lines):
        sku, name, price = CATALOG[index]
        sub_net, sub_tax = _split(price * quantity, rate, prices_include_tax)
        allocated = round(coupon * price * quantity / gross, 2)
        tot_net, tot_tax = _split(price * quantity - allocated, rate, prices_include_tax)
        net_sum += tot_net
        subtotal_tax_sum += sub_tax
        total_tax_sum += tot_tax
        net_discount += sub_net - tot_net
        tax_discount += sub_tax - tot_tax
        item_id = order_id * 100 + position + 1
        items.append({"id": item_id, "name": name, "product_id": 90 + index, "variation_id": 0, "quantity": quantity,
                      "tax_class": "", "subtotal": _money(sub_net), "subtotal_tax": _money(sub_tax),
                      "total": _money(tot_net), "total_tax": _money(tot_tax),
                      "taxes": [{"id": VAT_RATE_ID, "total": _money(tot_tax), "subtotal": _money(sub_tax)}],
                      "meta_data": [], "sku": sku, "price": round(tot_net / quantity, 6),
                      "image": {"id": "", "src": ""}, "parent_name": None})
    ship_net, ship_tax = _split(shipping, rate, prices_include_tax)
    total_tax = total_tax_sum + ship_tax
    total = net_sum + ship_net + total_tax
    address = {"first_name": first, "last_name": last, "company": company, "address_1": street, "address_2": "",
               "city": city, "state": state, "postcode": postcode, "country": country}
    paid = status in ("processing", "completed", "refunded")
    order = {
        "id": order_id, "parent_id": 0, "number": str(order_id), "order_key": f"wc_order_{order_id:013x}",
        "created_via": "checkout", "version": "9.4.0", "status": status, "currency": currency,
        "discount_total": _money(net_discount), "discount_tax": _money(tax_discount),
        "shipping_total": _money(ship_net), "shipping_tax": _money(ship_tax), "cart_tax": _money(total_tax_sum),
        "total": _money(total), "total_tax": _money(total_tax), "prices_include_tax": prices_include_tax,
        "customer_id": 0 if customer == 0 else 20 + customer, "customer_ip_address": "", "customer_user_agent": "",
        "customer_note": "", "billing": dict(address, email=email, phone="(555) 555-5555"),
        "shipping": dict(address, phone=""), "payment_method": "bacs",
        "payment_method_title": "Direct Bank Transfer", "transaction_id": "", "cart_hash": "",
        "meta_data": [{"id": order_id * 10 + 1, "key": "_billing_vat", "value": vat}] if vat and with_vat_meta else [],
        "line_items": items,
        "tax_lines": [{"id": order_id * 100 + 98, "rate_code": f"{country}-VAT-1", "rate_id": VAT_RATE_ID,
                       "label": "VAT", "compound": False, "tax_total": _money(total_tax_sum),
                       "shipping_tax_total": _money(ship_tax), "rate_percent": rate, "meta_data": []}],
        "shipping_lines": [{"id": order_id * 100 + 99, "method_title": "Flat Rate", "method_id": "flat_rate",
                            "instance_id": "1", "total": _money(ship_net), "total_tax": _money(ship_tax),
                            "taxes": [{"id": VAT_RATE_ID, "total": _money(ship_tax), "subtotal": ""}],
                            "meta_data": []}] if shipping else [],
        "fee_lines": [],
        "coupon_lines": [{"id": order_id * 100 + 97, "code": "promo", "discount": _money(net_discount),
                          "discount_tax": _money(tax_discount), "meta_data": []}] if coupon else [],
        "refunds": [], "set_paid": False, "_links": {
            "self": [{"href": f"https://example.com/wp-json/wc/v3/orders/{order_id}"}],
            "collection": [{"href": "https://example.com/wp-json/wc/v3/orders"}]},
    }
    _set_dates(order, "created", created_at)
    _set_dates(order, "modified", created_at)
    _set_dates(order, "paid", created_at if paid else None)
    _set_dates(order, "completed", created_at if status == "completed" else None)
    return order


def generate_orders(count, seed=0, start=None, id_start=727):
    """``count`` seeded orders created one minute apart from ``start`` (UTC)."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(hours=2)
    orders = []
    for n in range(count):
        lines = [(i, rng.randint(1, 3)) for i in rng.sample(range(len(CATALOG)), rng.randint(1, 3))]
        orders.append(make_order(
            id_start + n, created_at=start + timedelta(minutes=n), lines=lines, customer=rng.randrange(len(CUSTOMERS)),
            prices_include_tax=rng.random() < 0.5, shipping=rng.choice([0.0, 5.0, 7.5]),
            coupon=rng.choice([0.0, 0.0, 6.0]), status=rng.choice(["processing", "processing", "on-hold", "pending"])))
    return orders


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    state = app.state[NAME]
    start = datetime.now(UTC) - timedelta(minutes=count + 1)
    id_start = max(state["orders"], default=726) + 1
    with app.lock:
        for order in generate_orders(count, seed=seed, start=start, id_start=id_start):
            state["orders"][order["id"]] = order


# -- server ---------------------------------------------------------------------------------


def wp_error(status, code, message, **data):
    return Response(status, {"code": code, "message": message, "data": dict(data, status=status)})


def _state(app):
    return app.state[NAME]


def touch(order):
    previous = _parse_naive(order["date_modified_gmt"], UTC)
    now = datetime.now(UTC).replace(microsecond=0)
    _set_dates(order, "modified", max(now, previous + timedelta(seconds=1)))


def update_order(app, order_id, **changes):
    """Change an order as the shop manager would, moving its modification date."""
    with app.lock:
        order = _state(app)["orders"][order_id]
        order.update(changes)
        touch(order)
        return order


def register(app, orders=None, consumer_key="ck_simulator", consumer_secret="cs_simulator", tracking_extension=True):
    """Register the WooCommerce routes on ``app``; state in ``app.state["woocommerce"]``."""
    app.state[NAME] = _initial_state(orders, consumer_key, consumer_secret)
    _register_routes(app, tracking_extension)
    return app


def reset(app):
    """Forget every order and action (the keys stay), the request log and faults."""
    old = app.state[NAME]
    app.state[NAME] = _initial_state(None, old["key"], old["secret"])
    with app.lock:
        app.requests.clear()
    app.clear_faults()


def _initial_state(orders, consumer_key, consumer_secret):
    return {"orders": {o["id"]: o for o in (orders or [])}, "key": consumer_key, "secret": consumer_secret,
            "notes": {}, "refunds": {}, "trackings": {}, "next_id": 5000, "auth_modes": []}


def _register_routes(app, tracking_extension):
    """Routes of the REST API v3 (and of the tracking extension); handlers read the state at call time."""
    _register_status(app, tracking_extension)
    _register_order_list(app)
    _register_order(app)
    _register_refunds(app)
    if tracking_extension:
        _register_tracking(app)
    _register_fallback(app)
    return app


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


def _refunded_lines(app, order):
    done = {}
    for refund in _state(app)["refunds"].get(order["id"], []):
        for item in refund["line_items"]:
            qty, amount = done.get(item["id"], (0, 0.0))
            done[item["id"]] = (qty - item["quantity"], amount - float(item["total"]))
    return done


def _register_status(app, tracking_extension):
    api = functools.partial(_api, app)

    @api("GET", r"/system_status")
    def system_status(request):
        site = "https://shop.example.com"
        plugin = {"plugin": "woocommerce-shipment-tracking/woocommerce-shipment-tracking.php",
                  "name": "WooCommerce Shipment Tracking"}
        return Response(200, {"environment": {"home_url": site, "site_url": site, "version": "9.4.0",
                                              "wp_version": "6.7", "https": True},
                              "settings": {"currency": "EUR", "currency_symbol": "€", "api_enabled": True,
                                           "taxonomies": {}},
                              "active_plugins": [plugin] if tracking_extension else []})


def _register_order_list(app):
    """Order list: filters, sort and paging."""
    api = functools.partial(_api, app)

    @api("GET", r"/orders")
    def list_orders(request):
        query = request.query
        params = {}
        for name, default, low, high in (("page", 1, 1, 10 ** 6), ("per_page", 10, 1, MAX_PER_PAGE)):
            try:
                value = int(query.get(name, default))
            except ValueError:
                value = None
            if value is None or not low <= value <= high:
                return wp_error(400, "rest_invalid_param", f"Invalid parameter(s): {name}",
                                params={name: f"{name} must be between {low} (inclusive) and {high} (inclusive)"},
                                details={})
            params[name] = value
        orderby, direction = query.get("orderby", "date"), query.get("order", "desc")
        if orderby not in ("date", "id", "include", "title", "slug") or direction not in ("asc", "desc"):
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): orderby",
                            params={"orderby": "orderby is not one of date, id, include, title, and slug."})
        gmt = query.get("dates_are_gmt") in ("true", "1")
        suffix, tz = ("_gmt", UTC) if gmt else ("", SITE_TZ)
        try:
            after = _parse_naive(query["modified_after"], tz) if query.get("modified_after") else None
            before = _parse_naive(query["modified_before"], tz) if query.get("modified_before") else None
        except ValueError:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): modified_after",
                            params={"modified_after": "Invalid date."})
        statuses = [s for s in query.get("status", "any").split(",") if s]
        selected = []
        for order in _state(app)["orders"].values():
            modified = _parse_naive(order["date_modified" + suffix], tz)
            if after and not modified > after:
                continue
            if before and not modified < before:
                continue
            if "any" not in statuses and order["status"] not in statuses:
                continue
            selected.append(order)
        key = (lambda o: o["id"]) if orderby in ("id", "include") else (lambda o: (o["date_created_gmt"], o["id"]))
        selected.sort(key=key, reverse=direction == "desc")
        total, per_page, page = len(selected), params["per_page"], params["page"]
        pages = max(1, -(-total // per_page))
        chunk = selected[(page - 1) * per_page: page * per_page]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        host = request.headers.get("host", "127.0.0.1")
        links = []
        base_query = {k: v for k, v in query.items() if k not in ("consumer_key", "consumer_secret")}
        if page < pages:
            links.append(f'<http://{host}{request.path}?{urlencode(dict(base_query, page=page + 1))}>; rel="next"')
        links.append(f'<http://{host}{request.path}?{urlencode(dict(base_query, page=pages))}>; rel="last"')
        headers["Link"] = ", ".join(links)
        return Response(200, chunk, headers=headers)


def _register_order(app):
    """One order: read, update, notes."""
    api = functools.partial(_api, app)

    @api("GET", r"/orders/(?P<id>\d+)")
    def get_order(request):
        order = _get(app, request.params["id"])
        return Response(200, order) if order else _invalid_id()

    @api("PUT", r"/orders/(?P<id>\d+)")
    def update(request):
        order = _get(app, request.params["id"])
        if not order:
            return _invalid_id()
        body = _body_of(request)
        if body is None:
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        status = body.get("status")
        if status is not None:
            if status not in ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed"):
                return wp_error(400, "rest_invalid_param", "Invalid parameter(s): status",
                                params={"status": "status is not one of pending, processing, on-hold, completed, "
                                                  "cancelled, refunded, failed, and checkout-draft."})
            order["status"] = status
            if status == "completed":
                _set_dates(order, "completed", datetime.now(UTC))
        for meta in body.get("meta_data") or []:
            existing = next((m for m in order["meta_data"] if m["key"] == meta.get("key")), None)
            if existing:
                existing["value"] = meta.get("value")
            else:
                order["meta_data"].append({"id": _new_id(app), "key": meta.get("key"), "value": meta.get("value")})
        touch(order)
        return Response(200, order)

    @api("POST", r"/orders/(?P<id>\d+)/notes")
    def add_note(request):
        order = _get(app, request.params["id"])
        if not order:
            return _invalid_id()
        body = _body_of(request)
        if not body or not body.get("note"):
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): note", params=["note"])
        note = {"id": _new_id(app), "author": "WooCommerce", "date_created": _local(datetime.now(UTC)),
                "date_created_gmt": _gmt(datetime.now(UTC)), "note": body["note"],
                "customer_note": bool(body.get("customer_note"))}
        _state(app)["notes"].setdefault(order["id"], []).append(note)
        return Response(201, note)


def _register_refunds(app):
    api = functools.partial(_api, app)

    @api("GET", r"/orders/(?P<id>\d+)/refunds")
    def list_refunds(request):
        order = _get(app, request.params["id"])
        return Response(200, _state(app)["refunds"].get(order["id"], [])) if order else _invalid_id()

    @api("POST", r"/orders/(?P<id>\d+)/refunds")
    def create_refund(request):
        order = _get(app, request.params["id"])
        if not order:
            return _invalid_id()
        body = _body_of(request)
        if body is None:
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        refunded = sum(-float(r["total"]) for r in order["refunds"])
        remaining = round(float(order["total"]) - refunded, 2)
        try:
            amount = round(float(body.get("amount") or 0), 2)
        except ValueError:
            amount = -1
        if amount <= 0 or amount > remaining + 0.001:
            # WooCommerce answers refund failures with HTTP 500 and this code
            return wp_error(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
        items = {i["id"]: ("line", i) for i in order["line_items"]}
        items.update({s["id"]: ("shipping", s) for s in order["shipping_lines"]})
        done = _refunded_lines(app, order)
        refund_items = []
        for want in body.get("line_items") or []:
            kind, item = items.get(int(want.get("id") or 0), (None, None))
            if not item:
                return wp_error(500, "woocommerce_rest_cannot_create_order_refund", "Invalid line item.")
            quantity = int(want.get("quantity") or 0)
            if kind == "line" and quantity > item["quantity"] - done.get(item["id"], (0, 0))[0]:
                return wp_error(500, "woocommerce_rest_cannot_create_order_refund",
                                "Invalid refund quantity for an order item.")
            total = float(want.get("refund_total") or 0)
            taxes = [{"id": t.get("id"), "total": _money(-float(t.get("refund_total") or 0)), "subtotal": ""}
                     for t in want.get("refund_tax") or []]
            refund_items.append({"id": item["id"], "kind": kind, "name": item.get("name") or item.get("method_title"),
                                 "sku": item.get("sku", ""), "quantity": -quantity, "total": _money(-total),
                                 "subtotal": _money(-total), "total_tax": _money(sum(float(t["total"]) for t in taxes)),
                                 "taxes": taxes, "refund_total": total})
        refund = {"id": _new_id(app), "date_created": _local(datetime.now(UTC)),
                  "date_created_gmt": _gmt(datetime.now(UTC)), "amount": _money(amount),
                  "reason": body.get("reason", ""), "refunded_by": 1,
                  "refunded_payment": bool(body.get("api_refund", True)),
                  "meta_data": [dict(m, id=_new_id(app)) for m in body.get("meta_data") or []],
                  "line_items": refund_items, "shipping_lines": [], "tax_lines": [], "fee_lines": [],
                  "api_restock": body.get("api_restock", True)}
        _state(app)["refunds"].setdefault(order["id"], []).append(refund)
        order["refunds"].append({"id": refund["id"], "reason": refund["reason"], "total": _money(-amount)})
        if amount >= remaining - 0.001:
            order["status"] = "refunded"
        touch(order)
        return Response(201, refund)


def _register_tracking(app):
    """The Shipment Tracking extension's routes."""
    api = functools.partial(_api, app)

    @api("GET", r"/shipment-trackings/providers", prefix=TRACKING_PREFIX)
    def providers(request):
        return Response(200, PROVIDERS)

    @api("POST", r"/orders/(?P<id>\d+)/shipment-trackings", prefix=TRACKING_PREFIX)
    def add_tracking(request):
        order = _get(app, request.params["id"])
        if not order:
            return _invalid_id()
        body = _body_of(request) or {}
        if not body.get("tracking_number"):
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): tracking_number",
                            params=["tracking_number"])
        known = {name for country in PROVIDERS.values() for name in country}
        provider = body.get("tracking_provider")
        if provider and provider not in known:
            return wp_error(400, "woocommerce_shipment_tracking_invalid_provider", "Invalid tracking provider.")
        if not provider and not body.get("custom_tracking_provider"):
            return wp_error(400, "rest_missing_callback_param", "Missing parameter(s): tracking_provider")
        link = body.get("custom_tracking_link") or ""
        if provider:
            link = next(c[provider] for c in PROVIDERS.values() if provider in c).replace(
                "%1$s", body["tracking_number"])
        item = {"tracking_id": f"{_new_id(app):x}", "tracking_provider": provider or "",
                "custom_tracking_provider": body.get("custom_tracking_provider", ""),
                "custom_tracking_link": body.get("custom_tracking_link", ""), "tracking_link": link,
                "tracking_number": body["tracking_number"],
                "date_shipped": body.get("date_shipped") or datetime.now(UTC).date().isoformat()}
        _state(app)["trackings"].setdefault(order["id"], []).append(item)
        meta = next((m for m in order["meta_data"] if m["key"] == "_wc_shipment_tracking_items"), None)
        if not meta:
            meta = {"id": _new_id(app), "key": "_wc_shipment_tracking_items", "value": []}
            order["meta_data"].append(meta)
        meta["value"].append(dict(item, date_shipped=int(datetime.now(UTC).timestamp())))
        touch(order)
        return Response(201, item)


def _register_fallback(app):
    """WordPress's answer to any other REST path."""
    for method in ("GET", "POST", "PUT", "DELETE"):
        @app.route(method, r"/wp-json/.*")
        def no_route(request):
            return wp_error(404, "rest_no_route", "No route was found matching the URL and request method.")
