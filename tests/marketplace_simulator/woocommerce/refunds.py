"""WooCommerce simulator: order refunds."""
import functools
from datetime import UTC, datetime

from ..server import Response
from .api import _api, _body_of, _get, _invalid_id, _new_id, _state, touch, wp_error
from .generator import _gmt, _local, _money


def _refunded_lines(app, order):
    done = {}
    for refund in _state(app)["refunds"].get(order["id"], []):
        for item in refund["line_items"]:
            qty, amount = done.get(item["id"], (0, 0.0))
            done[item["id"]] = (qty - item["quantity"], amount - float(item["total"]))
    return done



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
