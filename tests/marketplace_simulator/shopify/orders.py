"""Shopify simulator: the shop, order count and list (cursor paging), one order."""
import base64
import functools
import json
from urllib.parse import urlencode

from ..server import Response
from .api import _api, _error, _get, _state
from .constants import DEFAULT_LIMIT, MAX_LIMIT
from .fulfillments import _fulfillment_orders
from .generator import _parse


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
