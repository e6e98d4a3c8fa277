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

    @app.route("POST", r"/ecom/v1/order-billing/get-order-refundability")
    def get_refundability(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        transactions = state["transactions"].get((request.json() or {}).get("orderId"))
        if transactions is None:
            return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
        return Response(200, {"payments": [{"payment": {"paymentId": p["id"]}, refundability(p): True}
                                           for p in transactions["payments"]]})

    @app.route("POST", r"/ecom/v1/order-billing/refund-payments")
    def refund_payments(request):
        denied = guard(app, state, request)
        if denied:
            return denied
        body = request.json() or {}
        with app.lock:
            return _refund(state, body)


def refundability(payment):
    """refundable (through the provider), manuallyRefundable (offline payment) or nonRefundable."""
    details = payment.get("regularPaymentDetails")
    if not details or details.get("status") != "APPROVED":
        return "nonRefundable"  # gift cards, memberships, authorized or declined payments
    return "manuallyRefundable" if details.get("offlinePayment") else "refundable"


def _refund(state, body):
    """What Refund Payments does: checks, the refund recorded in the order's transactions."""
    order = state["orders"].get(body.get("orderId"))
    if order is None:
        return wix_error(404, "Order not found", "ORDER_NOT_FOUND")
    unknown = sorted(set(body) - {"orderId", "paymentRefunds", "refundItems", "sideEffects", "customerReason"})
    if unknown:
        return wix_error(400, f"Unknown field(s) {', '.join(unknown)}", "INVALID_ARGUMENT", field=unknown[0])
    if len(body.get("customerReason") or "") > 200:
        return wix_error(400, "customerReason is longer than 200", "INVALID_ARGUMENT", field="customerReason")
    transactions = state["transactions"][order["id"]]
    items = (body.get("refundItems") or {}).get("lineItems") or []
    error = _check_items(order, transactions, items) or _check_payments(transactions, body.get("paymentRefunds"))
    if error:
        return error
    shipping = (body.get("refundItems") or {}).get("shipping")
    lines = [{"paymentId": item["paymentId"], "amount": _amount(_num(item["amount"])), "refundStatus": "SUCCEEDED",
              "externalRefund": bool(item.get("externalRefund"))} for item in body["paymentRefunds"]]
    transactions["refunds"].append({"id": str(uuid.uuid4()), "createdDate": iso(datetime.now(UTC)),
                                    "transactions": lines, "details": {
                                        "items": items, "shippingIncluded": bool(shipping),
                                        "reason": body.get("customerReason") or ""}})
    paid = sum(_num(p["amount"]) for p in transactions["payments"])
    total_refunded = sum(refunded_by_payment(transactions).values())
    order["paymentStatus"] = "FULLY_REFUNDED" if total_refunded >= paid - 0.001 else "PARTIALLY_REFUNDED"
    touch(order)
    return Response(200, {"orderTransactions": transactions})


def _check_items(order, transactions, items):
    ordered = {item["id"]: item["quantity"] for item in order["lineItems"]}
    done = {}
    for past in transactions["refunds"]:
        for item in (past.get("details") or {}).get("items") or []:
            done[item["lineItemId"]] = done.get(item["lineItemId"], 0) + item["quantity"]
    for item in items:
        line_id, quantity = item.get("lineItemId"), int(item.get("quantity") or 0)
        if line_id not in ordered:
            return wix_error(400, f"Line item {line_id} is not in the order", "LINE_ITEM_NOT_FOUND")
        if quantity < 1 or done.get(line_id, 0) + quantity > ordered[line_id]:
            return wix_error(400, f"Line item {line_id}: {quantity} more refunded than ordered",
                             "INVALID_REFUND_QUANTITY")
    return None


def _check_payments(transactions, refunds):
    if not refunds:
        return wix_error(400, "paymentRefunds is required", field="paymentRefunds")
    payments = {p["id"]: p for p in transactions["payments"]}
    refunded = refunded_by_payment(transactions)
    for item in refunds:
        payment = payments.get(item.get("paymentId"))
        if payment is None:
            return wix_error(400, f"Payment {item.get('paymentId')} is not a payment of the order",
                             "PAYMENT_NOT_FOUND")
        state = refundability(payment)
        if state == "nonRefundable" or (state == "manuallyRefundable" and not item.get("externalRefund")):
            return wix_error(428, f"Payment {payment['id']} is {state}", "PAYMENT_NOT_REFUNDABLE")
        amount = _num(item.get("amount"))
        left = round(_num(payment["amount"]) - refunded.get(payment["id"], 0.0), 2)
        if amount <= 0 or amount > left + 0.001:
            return wix_error(400, f"Refund amount {amount:.2f} is not available on payment "
                                  f"{payment['id']} ({left:.2f} left)", "INVALID_REFUND_AMOUNT")
        refunded[payment["id"]] = refunded.get(payment["id"], 0.0) + amount
    return None


def refunded_by_payment(transactions):
    """{payment id: amount refunded} of successful refunds."""
    done = {}
    for refund in transactions["refunds"]:
        for line in refund["transactions"]:
            if line.get("refundStatus") != "FAILED":
                done[line["paymentId"]] = done.get(line["paymentId"], 0.0) + _num(line["amount"])
    return done
