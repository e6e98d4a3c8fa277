"""Shopify simulator: refund calculation and refunds."""
import functools
from datetime import UTC, datetime

from ..server import Response
from .api import _api, _body, _error, _get, _new_id, _state, _touch
from .generator import _fmt, _money


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
        _state(app)["refund_bodies"].append(body)
        return make_refund(app, order, body["refund"])


def make_refund(app, order, refund):
    """Create a refund (REST body shape); the 201 Response, or an error Response."""
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
    lines = {line["id"]: line for line in order["line_items"]}
    for item in suggestion["refund_line_items"]:  # current quantity excludes refunded units
        line = lines[item["line_item_id"]]
        line["current_quantity"] = line.get("current_quantity", line["quantity"]) - item["quantity"]
    refunded_shipping = _state(app)["refunded_shipping"]
    refunded_shipping[order["id"]] = (refunded_shipping.get(order["id"], 0.0)
                                      + float(suggestion["shipping"]["amount"]))
    money, _shipping = _refunded_amounts(app, order)
    order["financial_status"] = "refunded" if money >= float(order["total_price"]) - 0.001 else "partially_refunded"
    order["current_total_price"] = _money(float(order["total_price"]) - money)
    _touch(order)
    return Response(201, {"refund": record})
