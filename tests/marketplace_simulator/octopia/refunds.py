"""Octopia simulator: partial cancellation requests (whole lines) and commercial gestures.

Shapes: gitfcankaya/cdiscount-sdk (MIT) for the paths and bodies, one other public client for the
line items and the ``allowableAmount`` key (tests/fixtures/octopia/SOURCE.md). Answers and error
messages are this simulator's (no recorded answer is published).
"""
from ..server import Response, problem
from .api import _json_body, _validation, guarded_api, order_or_404
from .constants import GESTURE_STATUSES, REFUNDABLE_STATUSES
from .generator import iso


def gesture_allowable(state, order):
    """What is left to refund as a gesture: the order total less the gestures already made."""
    given = sum(g["amount"] for g in state.gesture_requests if g["orderId"] == order["orderId"])
    return round(max(0.0, float(order["totalPrice"]["sellingPrice"]) - given), 2)


def _partial_errors(state, body):
    errors = {}
    if not body.get("orderSellerId"):
        errors["orderSellerId"] = ["'Order Seller Id' must not be empty."]
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines:
        errors["lines"] = ["'Lines' must not be empty."]
        return errors
    reasons = {r["code"] for r in state.cancellation_reasons}
    for index, line in enumerate(lines):
        line = line if isinstance(line, dict) else {}
        for key in ("lineId", "offerId"):
            if not line.get(key):
                errors[f"lines[{index}].{key}"] = [f"'{key}' must not be empty."]
        if line.get("reason") not in reasons:
            errors[f"lines[{index}].reason"] = [f"'{line.get('reason')}' is not a valid cancellation reason."]
    return errors


def _cancel_lines(state, order, body):
    """Record one request for the lines; lines not shipped yet are cancelled at once."""
    by_id = {line["orderLineId"]: line for line in order["lines"]}
    for item in body["lines"]:
        line = by_id.get(item["lineId"])
        if line is None or line["offer"]["id"] != item["offerId"]:
            return None, problem(400, "Bad Request", f"Line {item['lineId']} (offer {item['offerId']}) is not "
                                                     f"in order {order['orderId']}.")
        if line["status"] == "Cancelled" or any(r.get("lineId") == line["orderLineId"] or r.get("lineId") is None
                                                for r in state.cancellation_requests
                                                if r["orderId"] == order["orderId"]):
            return None, problem(400, "Bad Request", f"A cancellation request already exists for line "
                                                     f"{line['orderLineId']}.")
    request_id = f"CR{len(state.cancellation_requests) + 1:08d}"
    for item in body["lines"]:
        state.cancellation_requests.append({
            "cancellationRequestId": request_id, "orderId": order["orderId"], "lineId": item["lineId"],
            "offerId": item["offerId"], "reason": item["reason"], "status": "Accepted",
            "shippingCostRefund": bool(item.get("shippingCostRefund", body.get("shippingCostRefund"))),
            "createdAt": iso(state.now())})
        if order["status"] in ("Accepted", "InPreparation"):
            by_id[item["lineId"]]["status"] = "Cancelled"
    if all(line["status"] == "Cancelled" for line in order["lines"]):
        order["status"] = "Cancelled"
    state.touch(order)
    return request_id, None


def _gesture_errors(body):
    errors = {}
    if not body.get("orderId"):
        errors["orderId"] = ["'Order Id' must not be empty."]
    if not body.get("reason"):
        errors["reason"] = ["'Reason' must not be empty."]
    elif body["reason"] == "Other" and not str(body.get("reasonDetails") or "").strip():
        errors["reasonDetails"] = ["'Reason Details' must not be empty when the reason is Other."]
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        errors["amount"] = ["'Amount' must be greater than '0'."]
    return errors


def register_refunds(app, state):  # noqa: C901 - one closure per documented endpoint
    """``/order-partial-cancellation-requests`` and the commercial gesture endpoints."""
    api = guarded_api(app, state)

    @api("POST", "/order-partial-cancellation-requests")
    def partial_cancellation(request):
        body, error = _json_body(request)
        if error:
            return error
        state.refund_bodies.append((request.path, body))
        body = body if isinstance(body, dict) else {}
        errors = _partial_errors(state, body)
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = order_or_404(state, body["orderSellerId"])
            if error:
                return error
            if order["status"] not in REFUNDABLE_STATUSES:
                return problem(400, "Bad Request", f"Order {order['orderId']} is {order['status']}: lines can only "
                                                   "be cancelled on Accepted, InPreparation, Shipped or Delivered "
                                                   "orders.")
            request_id, error = _cancel_lines(state, order, body)
        return error or Response(201, {"cancellationRequestId": request_id})

    @api("GET", r"/orders/(?P<order_id>[^/]+)/commercial-gestures-available-amounts")
    def gesture_amounts(request):
        with state.lock:
            order, error = order_or_404(state, request.params["order_id"])
            if error:
                return error
            return Response(200, {"orderId": order["orderId"], "allowableAmount": gesture_allowable(state, order),
                                  "currency": "EUR"})

    @api("GET", "/order-commercial-gesture-requests")
    def list_gestures(request):
        order_id = request.query.get("orderId")
        with state.lock:
            items = [dict(g) for g in state.gesture_requests if not order_id or g["orderId"] == order_id]
        return Response(200, {"items": items[:int(request.query.get("limit") or 100)]})

    @api("POST", "/order-commercial-gesture-requests")
    def create_gesture(request):
        body, error = _json_body(request)
        if error:
            return error
        state.refund_bodies.append((request.path, body))
        body = body if isinstance(body, dict) else {}
        errors = _gesture_errors(body)
        if errors:
            return _validation("One or more validation errors occurred.", errors)
        with state.lock:
            order, error = order_or_404(state, body["orderId"])
            if error:
                return error
            if order["status"] not in GESTURE_STATUSES:
                return problem(400, "Bad Request", f"Order {order['orderId']} is {order['status']}: commercial "
                                                   "gestures need a Shipped or Delivered order.")
            if body["amount"] > gesture_allowable(state, order):
                return problem(400, "Bad Request", f"The amount exceeds the allowable amount "
                                                   f"({gesture_allowable(state, order):.2f}).")
            request_id = f"CG{len(state.gesture_requests) + 1:08d}"
            state.gesture_requests.append({
                "requestId": request_id, "orderId": order["orderId"], "reason": body["reason"],
                "reasonDetails": body.get("reasonDetails") or "", "amount": round(float(body["amount"]), 2),
                "status": "Accepted", "createdAt": iso(state.now())})
        return Response(201, {"requestId": request_id})
