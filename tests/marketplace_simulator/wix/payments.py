"""Wix simulator: order transactions and payment refunds."""
import uuid
from datetime import UTC, datetime

from ..server import Response
from .api import guard, wix_error
from .generator import _amount, _num, iso, touch


def _register_payments(app, state):
    """Payments of an order and their refunds."""

    @app.route("GET", r"/ecom/v1/payments/orders/(?P<oid>[\w-]+)")
    def list_transactions(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        transactions = state["transactions"].get(request.params["oid"])
        if transactions is None:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"orderTransactions": transactions})

    @app.route("POST", r"/ecom/v1/order-billing/refund-payments")
    def refund_payments(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        body = request.json() or {}
        order_id = body.get("orderId")
        with app.lock:
            order = state["orders"].get(order_id)
            if order is None:
                return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
            transactions = state["transactions"][order_id]
            payments = {p["id"]: p for p in transactions["payments"]}
            refunds = body.get("paymentRefunds") or []
            if not refunds:
                return wix_error(400, "paymentRefunds is required", field="paymentRefunds")
            refunded = refunded_by_payment(transactions)
            ordered = {item["id"]: item["quantity"] for item in order["lineItems"]}
            done_items = {}
            for past in transactions["refunds"]:
                for item in (past.get("details") or {}).get("items") or []:
                    done_items[item["lineItemId"]] = done_items.get(item["lineItemId"], 0) + item["quantity"]
            for item in (body.get("details") or {}).get("items") or []:
                line_id, quantity = item.get("lineItemId"), int(item.get("quantity") or 0)
                if line_id not in ordered:
                    return wix_error(400, f"Line item {line_id} is not in the order", "LINE_ITEM_NOT_FOUND")
                if quantity < 1 or done_items.get(line_id, 0) + quantity > ordered[line_id]:
                    return wix_error(400, f"Line item {line_id}: {quantity} more refunded than ordered",
                                     "INVALID_REFUND_QUANTITY")
            lines = []
            for item in refunds:
                payment = payments.get(item.get("paymentId"))
                if payment is None:
                    return wix_error(400, f"Payment {item.get('paymentId')} is not a payment of the order",
                                     "PAYMENT_NOT_FOUND")
                amount = _num(item.get("amount"))
                left = round(_num(payment["amount"]) - refunded.get(payment["id"], 0.0), 2)
                if amount <= 0 or amount > left + 0.001:
                    return wix_error(400, f"Refund amount {amount:.2f} is not available on payment "
                                          f"{payment['id']} ({left:.2f} left)", "INVALID_REFUND_AMOUNT")
                refunded[payment["id"]] = refunded.get(payment["id"], 0.0) + amount
                lines.append({"paymentId": payment["id"], "amount": _amount(amount),
                              "refundStatus": "SUCCEEDED", "externalRefund": bool(item.get("externalRefund"))})
            transactions["refunds"].append({"id": str(uuid.uuid4()), "createdDate": iso(datetime.now(UTC)),
                                            "transactions": lines, "details": body.get("details") or {}})
            paid = sum(_num(p["amount"]) for p in transactions["payments"])
            total_refunded = sum(refunded.values())
            order["paymentStatus"] = "FULLY_REFUNDED" if total_refunded >= paid - 0.001 else "PARTIALLY_REFUNDED"
            touch(order)
        return Response(200, {"orderTransactions": transactions})


def refunded_by_payment(transactions):
    """{payment id: amount refunded} of successful refunds."""
    done = {}
    for refund in transactions["refunds"]:
        for line in refund["transactions"]:
            if line.get("refundStatus") != "FAILED":
                done[line["paymentId"]] = done.get(line["paymentId"], 0.0) + _num(line["amount"])
    return done
