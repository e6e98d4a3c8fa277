"""WooCommerce simulator: system status, order list (modification windows, paging), one order, notes."""
import functools
from datetime import UTC, datetime
from urllib.parse import urlencode

from ..server import Response
from .api import _api, _body_of, _get, _invalid_id, _new_id, _state, touch, wp_error
from .constants import MAX_PER_PAGE, SITE_TZ
from .generator import _gmt, _local, _parse_naive, _set_dates


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
