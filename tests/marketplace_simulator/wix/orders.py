"""Wix simulator: order search (filters, sort, cursor paging) and order details."""
import base64
import json
from datetime import datetime

from ..server import Response
from .api import guard, wix_error
from .generator import MAX_LIMIT

# -- search --------------------------------------------------------------------------------
_OPS = {"$eq": lambda a, b: a == b, "$ne": lambda a, b: a != b, "$gt": lambda a, b: a > b,
        "$gte": lambda a, b: a >= b, "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}
_FILTERABLE = {"updatedDate", "createdDate", "number", "status", "paymentStatus", "fulfillmentStatus", "archived"}


def _value(order, name):
    value = order.get(name)
    if name in ("updatedDate", "createdDate"):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    if name == "number":
        return int(value)
    return value


def _coerce(name, value):
    if name in ("updatedDate", "createdDate"):
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if name == "number":
        return int(value)
    return value


def _matches(order, flt):
    for name, cond in (flt or {}).items():
        if name not in _FILTERABLE:
            raise ValueError(f"filter on {name} is not supported")
        conditions = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
        for op, operand in conditions:
            if op not in _OPS:
                raise ValueError(f"unsupported operator {op}")
            if not _OPS[op](_value(order, name), _coerce(name, operand)):
                return False
    return True


def _encode_cursor(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def _decode_cursor(cursor):
    return json.loads(base64.urlsafe_b64decode(cursor.encode()))



def _register_orders(app, state):
    """Order search (cursor paging) and order details."""

    @app.route("POST", r"/ecom/v1/orders/search")
    def search(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        try:
            search_ = (request.json() or {}).get("search") or {}
        except ValueError:
            return wix_error(400, "Malformed JSON body", field="search")
        paging = search_.get("cursorPaging") or {}
        limit = int(paging.get("limit") or MAX_LIMIT)
        if limit > MAX_LIMIT or limit < 1:
            return wix_error(400, f"cursorPaging.limit must be between 1 and {MAX_LIMIT}", field="cursorPaging.limit")
        if paging.get("cursor"):
            if search_.get("filter") or search_.get("sort"):
                return wix_error(400, "filter and sort cannot be sent with a cursor", field="search.filter")
            try:
                query = _decode_cursor(paging["cursor"])
            except ValueError:
                return wix_error(400, "Invalid cursor", field="cursorPaging.cursor")
        else:
            query = {"filter": search_.get("filter") or {},
                     "sort": search_.get("sort") or [{"fieldName": "createdDate", "order": "DESC"}], "after": None}
        sort = query["sort"][0]
        field, descending = sort.get("fieldName"), sort.get("order", "ASC") == "DESC"
        if field not in ("updatedDate", "createdDate", "number"):
            return wix_error(400, f"sorting on {field} is not supported", field="search.sort")
        try:
            with app.lock:
                rows = [o for o in state["orders"].values()
                        if o["status"] != "INITIALIZED" and _matches(o, query["filter"])]
        except ValueError as exc:
            return wix_error(400, str(exc), field="search.filter")

        def key(order):
            return (_value(order, field), order["id"])

        rows.sort(key=key, reverse=descending)
        if query.get("after"):
            after = (_coerce(field, query["after"][0]), query["after"][1])
            rows = [r for r in rows if (key(r) < after if descending else key(r) > after)]
        page, has_next = rows[:limit], len(rows) > limit
        next_cursor = None
        if has_next:
            last = page[-1]
            next_cursor = _encode_cursor({"filter": query["filter"], "sort": query["sort"],
                                          "after": [str(last[field]), last["id"]]})
        return Response(200, {"orders": [json.loads(json.dumps(o)) for o in page],
                              "pagingMetadata": {"count": len(page), "cursors": {"next": next_cursor},
                                                 "hasNext": has_next}})

    @app.route("GET", r"/ecom/v1/orders/(?P<oid>[\w-]+)")
    def get_order(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        order = state["orders"].get(request.params["oid"])
        if order is None:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"order": order})
