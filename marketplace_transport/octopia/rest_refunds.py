"""Refunds of the Octopia REST transport (mixed into :class:`.rest.OctopiaRestTransport`): a
cancellation request for the whole order, a partial cancellation of whole lines, and a commercial
gesture (an amount alone). Each call is sent once: after a timeout the order's requests are read
again before sending anew (:meth:`.rest_actions.OctopiaOrderActions._send_once`)."""
from urllib.parse import quote

from marketplace_transport import UserInputError

from .rest_common import (
    CANCELLATION_REQUESTS_PATH,
    FINAL_CANCELLED_STATUSES,
    GESTURE_ALLOWABLE_KEY,
    GESTURE_AMOUNTS_PATH,
    GESTURE_OTHER_REASON,
    GESTURE_REASONS,
    GESTURE_REQUESTS_PATH,
    GESTURE_STATUSES,
    PARTIAL_CANCELLATION_PATH,
    REQUEST_ID_KEYS,
    _items,
    partial_cancellation_body,
)


def _request_id(response):
    """The id Octopia gives the request ("" when the answer has none)."""
    try:
        answer = response.json() if response is not None and response.content else {}
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    return str(next((answer[key] for key in REQUEST_ID_KEYS if answer.get(key)), ""))


def _amount_of(gesture):
    try:
        return round(float(gesture.get("amount")), 2)
    except (TypeError, ValueError):
        return None


class OctopiaRefunds:
    """Whole order, whole lines, or an amount (``RefundRequest.mode``)."""

    def refund_order(self, refund):
        """Cancellation request (whole order or lines) or commercial gesture (amount only)."""
        order_id = refund.order_external_id
        order = self.get_order(order_id) or {}
        status = order.get("status")
        if status in FINAL_CANCELLED_STATUSES:
            raise UserInputError(f"Octopia order {order_id} is already {status}: nothing to refund.",
                                 code="nothing_to_refund", params={"order": order_id})
        if refund.amount_only:
            return self._commercial_gesture(refund, order)
        if status == "WaitingAcceptance":
            return self._refuse_instead(refund, order_id)
        if status == "Processing":
            raise UserInputError(f"Octopia order {order_id} is still under Octopia controls (Processing); "
                                 "retry once it is accepted.")
        if not refund.is_full:
            return self._partial_cancellation(refund, order)
        return self._full_cancellation(refund, order)

    def _refuse_instead(self, refund, order_id):
        if not refund.is_full:
            raise UserInputError(f"Octopia order {order_id} waits for acceptance: refuse the whole order, or "
                                 "accept it before cancelling some lines.")
        self.refuse_order(order_id)
        return {"order": order_id, "refused": True}

    def _post_once(self, path, body, operation, already_done):
        return self._send_once(lambda: self._request("POST", path, operation=operation, json=body, retry=False),
                               already_done, operation)

    # -- whole order ---------------------------------------------------------------------------
    def _full_cancellation(self, refund, order):
        order_id = refund.order_external_id
        if order.get("cancellationDetails"):
            return {"order": order_id, "already_requested": True}
        reason = self._resolve_reason(refund.reason)
        body = {"orderId": order_id, "reason": reason, "shippingCostRefund": bool(refund.refund_shipping)}

        def already_done():
            return bool((self.get_order(order_id) or {}).get("cancellationDetails"))

        response = self._post_once(CANCELLATION_REQUESTS_PATH, body, f"refund order {order_id}", already_done)
        return {"order": order_id, "reason": reason, "shipping_refunded": body["shippingCostRefund"],
                "cancellation_request_id": _request_id(response)}

    # -- whole lines ---------------------------------------------------------------------------
    def _partial_cancellation(self, refund, order):
        order_id = refund.order_external_id
        lines = {str(line.get("orderLineId")): line for line in order.get("lines") or () if isinstance(line, dict)}
        wanted = [self._whole_line(order_id, refund_line, lines) for refund_line in refund.lines]
        todo = [line_id for line_id in wanted if not self._line_requested(order_id, line_id)]
        if not todo:
            return {"order": order_id, "lines": wanted, "already_requested": True}
        reason = self._resolve_reason(refund.reason)
        pairs = [(line_id, str((lines[line_id].get("offer") or {}).get("id") or "")) for line_id in todo]
        body = partial_cancellation_body(order_id, pairs, reason, refund.refund_shipping)

        def already_done():
            return all(self._line_requested(order_id, line_id) for line_id in todo)

        response = self._post_once(PARTIAL_CANCELLATION_PATH, body, f"cancel lines of order {order_id}", already_done)
        return {"order": order_id, "lines": todo, "reason": reason, "cancellation_request_id": _request_id(response)}

    @staticmethod
    def _whole_line(order_id, refund_line, lines):
        line_id = str(refund_line.line_external_id)
        line = lines.get(line_id)
        if line is None:
            raise UserInputError(f"Cannot cancel line {line_id}: it is not in Octopia order {order_id}.")
        ordered = float(line.get("quantity") or 0)
        if refund_line.quantity and float(refund_line.quantity) != ordered:
            raise UserInputError(
                f"Octopia cancels whole lines only: line {line_id} of order {order_id} has {ordered:g} unit(s), "
                f"{float(refund_line.quantity):g} asked. Refund part of a line as an amount (commercial gesture).")
        return line_id

    def _line_requested(self, order_id, line_id):
        """A cancellation request exists for the line (``GET /order-cancellation-requests`` filters)."""
        body = self._json("GET", CANCELLATION_REQUESTS_PATH, operation=f"cancellation requests of {order_id}",
                          params={"orderSellerId": order_id, "lineId": line_id})
        return bool(_items(body, "cancellation requests"))

    # -- an amount -----------------------------------------------------------------------------
    def _commercial_gesture(self, refund, order):
        order_id = refund.order_external_id
        amount = round(float(refund.amount or 0), 2)
        if amount <= 0:
            raise UserInputError(f"Octopia order {order_id}: the gesture amount must be positive.")
        if order.get("status") not in GESTURE_STATUSES:
            raise UserInputError(
                f"Octopia order {order_id} is {order.get('status')}: a commercial gesture is only possible once "
                "the order is shipped or delivered; before that, cancel the whole order or whole lines.")
        allowable = self.gesture_allowable_amount(order_id)
        if allowable is not None and amount > allowable:
            raise UserInputError(f"Octopia order {order_id}: at most {allowable:.2f} can be refunded as a "
                                 f"commercial gesture ({amount:.2f} asked).")
        body = self._gesture_body(order_id, refund, amount)
        before = len(self.list_gestures(order_id))

        def already_done():
            gestures = self.list_gestures(order_id)
            return len(gestures) > before and any(_amount_of(g) == amount for g in gestures)

        response = self._post_once(GESTURE_REQUESTS_PATH, body, f"commercial gesture on order {order_id}",
                                   already_done)
        return {"order": order_id, "amount": amount, "reason": body["reason"], "gesture_id": _request_id(response)}

    def _gesture_body(self, order_id, refund, amount):
        reason = (refund.reason or "").strip()
        if not reason:
            raise UserInputError("Octopia needs a reason for a commercial gesture.")
        if reason in GESTURE_REASONS and reason != GESTURE_OTHER_REASON:
            body = {"orderId": order_id, "reason": reason, "amount": amount}
            if refund.note:
                body["reasonDetails"] = refund.note
            return body
        label = dict(self.list_refund_reasons()).get(reason, reason)
        note = (refund.note or "").strip()
        details = f"{label}: {note}" if note and note not in (reason, label) else label
        return {"orderId": order_id, "reason": GESTURE_OTHER_REASON, "amount": amount, "reasonDetails": details}

    def gesture_allowable_amount(self, order_id):
        """Amount Octopia still allows as a gesture on the order (None when it does not say)."""
        body = self._json("GET", GESTURE_AMOUNTS_PATH.format(order_id=quote(str(order_id), safe="")),
                          operation=f"gesture amounts of {order_id}")
        value = body.get(GESTURE_ALLOWABLE_KEY) if isinstance(body, dict) else None
        try:
            return None if value is None else round(float(value), 2)
        except (TypeError, ValueError):
            return None

    def list_gestures(self, order_id):
        """Commercial gesture requests of an order (``GET /order-commercial-gesture-requests``)."""
        body = self._json("GET", GESTURE_REQUESTS_PATH, operation=f"gestures of {order_id}",
                          params={"orderId": order_id, "limit": 100})
        return [g for g in _items(body, "commercial gestures") if isinstance(g, dict)]
