"""Shopify simulator: the GraphQL Admin API endpoint (``POST /admin/api/<version>/graphql.json``).

Serves the operations the transport sends (recognised by their root field): ``orders`` (search
``updated_at:>=``/``<=``, ``sortKey: UPDATED_AT``, cursor paging), ``order`` (with
``fulfillmentOrders`` or ``suggestedRefund``), ``shop``, ``fulfillmentCreate`` and ``refundCreate``,
over the same state as the REST routes. Cost-based throttling: each answer carries
``extensions.cost`` (requested/actual cost, ``throttleStatus``); a query costing more than the
points available is refused with a ``THROTTLED`` error (HTTP 200, as Shopify does).
"""
import base64
import json
import re

from ..server import Response
from .api import _error, _state, token_accepted
from .constants import PREFIX
from .fulfillments import _fulfillment_orders, fulfil
from .generator import _parse
from .gql_shape import fulfillment as fulfillment_node
from .gql_shape import gid, graphql_order, money_bag
from .gql_shape import refund as refund_node
from .inventory import stock_graphql, stock_root
from .refunds import _calculate, make_refund

COSTS = {"orders": 200, "order": 20, "shop": 2, "fulfillmentOrders": 10, "suggestedRefund": 10,
         "fulfillmentCreate": 10, "refundCreate": 10}
ROOTS = [("fulfillmentCreate", r"\bfulfillmentCreate\s*\("), ("refundCreate", r"\brefundCreate\s*\("),
         ("suggestedRefund", r"\bsuggestedRefund\s*\("), ("fulfillmentOrders", r"\bfulfillmentOrders\s*\("),
         ("shop", r"\bshop\s*\{"), ("orders", r"\borders\s*\("), ("order", r"\border\s*\(")]


def gid_int(value):
    tail = str(value or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _root(document):
    return next((name for name, pattern in ROOTS if re.search(pattern, document or "")), None)


def register_graphql(app):
    @app.route("POST", PREFIX + r"/graphql\.json")
    def graphql(request):
        state = _state(app)
        if not token_accepted(state, request.headers.get("x-shopify-access-token")):
            return _error(401, "[API] Invalid API key or access token (unrecognized login or wrong password)")
        try:
            body = request.json() or {}
        except ValueError:
            return _error(400, "Invalid JSON in request body")
        root = _root(body.get("query"))
        if root is None and stock_root(body.get("query")):
            with app.lock:
                return stock_graphql(app, body, request.params.get("version"))
        if root is None:
            return Response(200, {"errors": [{"message": "Field is not supported by the simulator"}]})
        state["graphql"].append({"root": root, "query": body.get("query"), "variables": body.get("variables")})
        cost, bucket = COSTS[root], state["cost_bucket"]
        if not bucket.take(cost):
            return Response(200, {"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": bucket.extensions(cost, None)})
        with app.lock:
            data = OPERATIONS[root](app, body.get("variables") or {})
        return Response(200, {"data": data, "extensions": bucket.extensions(cost, cost)})

    return app


def _orders(app, variables):
    search = variables.get("query") or ""
    low = re.search(r"updated_at:>='?([^' ]+)'?", search)
    high = re.search(r"updated_at:<='?([^' ]+)'?", search)
    key = lambda o: (_parse(o["updated_at"]).timestamp(), o["id"])  # noqa: E731
    orders = sorted((o for o in _state(app)["orders"].values()
                     if (not low or _parse(o["updated_at"]) >= _parse(low.group(1)))
                     and (not high or _parse(o["updated_at"]) <= _parse(high.group(1)))), key=key)
    if variables.get("after"):
        after = tuple(json.loads(base64.urlsafe_b64decode(variables["after"] + "==")))
        orders = [o for o in orders if key(o) > after]
    first = min(int(variables.get("first") or 50), 250)
    page = orders[:first]
    cursor = base64.urlsafe_b64encode(json.dumps(list(key(page[-1]))).encode()).decode().rstrip("=") if page else None
    return {"orders": {"pageInfo": {"hasNextPage": len(orders) > first, "endCursor": cursor},
                       "nodes": [graphql_order(o) for o in page]}}


def _order_of(app, variables):
    return _state(app)["orders"].get(gid_int(variables.get("id")))


def _order(app, variables):
    order = _order_of(app, variables)
    return {"order": graphql_order(order) if order else None}


def _shop(app, variables):
    shop = _state(app)["shop"]
    first = next(iter(_state(app)["orders"].values()), None)
    return {"shop": {"name": shop["name"], "myshopifyDomain": shop["myshopify_domain"],
                     "currencyCode": shop["currency"]},
            "orders": {"nodes": [{"id": gid("Order", first["id"])}] if first else []}}


def _fulfillment_order_nodes(app, variables):
    order = _order_of(app, variables)
    if not order:
        return {"order": None}
    nodes = [{"id": gid("FulfillmentOrder", fo["id"]), "status": fo["status"].upper(),
              "supportedActions": [{"action": a.upper()} for a in fo["supported_actions"]],
              "lineItems": {"nodes": [{"id": gid("FulfillmentOrderLineItem", i["id"]),
                                       "remainingQuantity": i["fulfillable_quantity"],
                                       "lineItem": {"id": gid("LineItem", i["line_item_id"])}}
                                      for i in fo["line_items"]]}}
             for fo in _fulfillment_orders(app, order)]
    return {"order": {"fulfillmentOrders": {"nodes": nodes}}}


def _user_errors(response):
    errors = response.body.get("errors") if isinstance(response.body, dict) else response.body
    return [{"field": None, "message": json.dumps(errors)}]


def _fulfillment_create(app, variables):
    given = variables.get("fulfillment") or {}
    rest = {"line_items_by_fulfillment_order": [
        {"fulfillment_order_id": gid_int(g.get("fulfillmentOrderId")),
         "fulfillment_order_line_items": [{"id": gid_int(i.get("id")), "quantity": i.get("quantity")}
                                          for i in g.get("fulfillmentOrderLineItems") or []]}
        for g in given.get("lineItemsByFulfillmentOrder") or []],
        "tracking_info": given.get("trackingInfo") or {}, "notify_customer": given.get("notifyCustomer")}
    response = fulfil(app, rest)
    if response.status != 201:
        return {"fulfillmentCreate": {"fulfillment": None, "userErrors": _user_errors(response)}}
    return {"fulfillmentCreate": {"fulfillment": fulfillment_node(response.body["fulfillment"]), "userErrors": []}}


def _rest_items(items):
    return [{"line_item_id": gid_int(i.get("lineItemId")), "quantity": i.get("quantity"),
             "restock_type": str(i.get("restockType") or "NO_RESTOCK").lower()} for i in items or []]


def _suggested_refund(app, variables):
    order = _order_of(app, variables)
    if not order:
        return {"order": None}
    rest = {"refund_line_items": _rest_items(variables.get("refundLineItems"))}
    if variables.get("refundShipping"):
        rest["shipping"] = {"full_refund": True}
    _state(app)["calculations"].append({"refund": rest})
    suggestion = _calculate(app, order, rest)
    if isinstance(suggestion, Response):
        return {"order": None}
    currency = order["currency"]
    transaction = suggestion["transactions"][0]
    return {"order": {"suggestedRefund": {
        "amountSet": money_bag(transaction, "amount", currency),
        "shipping": {"amountSet": money_bag(suggestion["shipping"], "amount", currency),
                     "maximumRefundableSet": money_bag(suggestion["shipping"], "maximum_refundable", currency)},
        "refundLineItems": [{"quantity": i["quantity"], "lineItem": {"id": gid("LineItem", i["line_item_id"])}}
                            for i in suggestion["refund_line_items"]],
        "suggestedTransactions": [{"gateway": transaction["gateway"], "kind": "SUGGESTED_REFUND",
                                   "parentTransaction": {"id": gid("OrderTransaction", transaction["parent_id"])},
                                   "amountSet": money_bag(transaction, "amount", currency)}]}}}


def _refund_create(app, variables):
    given = variables.get("input") or {}
    order = _state(app)["orders"].get(gid_int(given.get("orderId")))
    if not order:
        return {"refundCreate": {"refund": None, "userErrors": [{"field": ["orderId"], "message": "Order not found"}]}}
    shipping = given.get("shipping") or {}
    rest = {"note": given.get("note"), "refund_line_items": _rest_items(given.get("refundLineItems")),
            "shipping": {"full_refund": True} if shipping.get("fullRefund") else {"amount": shipping.get("amount")},
            "transactions": [{"parent_id": gid_int(t.get("parentId")), "amount": t.get("amount"),
                              "kind": str(t.get("kind") or "").lower(), "gateway": t.get("gateway")}
                             for t in given.get("transactions") or []]}
    _state(app)["refund_bodies"].append({"refund": rest})
    response = make_refund(app, order, rest)
    if response.status != 201:
        return {"refundCreate": {"refund": None, "userErrors": _user_errors(response)}}
    return {"refundCreate": {"refund": refund_node(response.body["refund"], order["currency"]), "userErrors": []}}


OPERATIONS = {"orders": _orders, "order": _order, "shop": _shop, "fulfillmentOrders": _fulfillment_order_nodes,
              "suggestedRefund": _suggested_refund, "fulfillmentCreate": _fulfillment_create,
              "refundCreate": _refund_create}
