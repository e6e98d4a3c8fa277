"""Wix refunds through the Order Billing API, mixed into the Wix transport.

Documented flow (dev.wix.com, eCommerce > Order Billing): ``POST /ecom/v1/order-billing/get-order-refundability``
says which payments can be refunded automatically (``refundable``), only marked as refunded outside Wix
(``manuallyRefundable``) or not at all (``nonRefundable``); ``POST /ecom/v1/order-billing/refund-payments``
takes ``orderId``, ``paymentRefunds``, ``refundItems`` (line items, shipping), ``sideEffects`` and
``customerReason`` (200 characters). Amounts left per payment come from the order's transactions
(``GET /ecom/v1/payments/orders/{orderId}``).
"""
from marketplace_transport import UserInputError
from marketplace_transport.wix_normalize import money

REASON_MAX = 200


def refundability_states(answer):
    """{payment id: "refundable" | "manuallyRefundable" | "nonRefundable"} of a refundability answer.

    Inferred: the documentation names the three states but publishes no example; the payment id is read
    from ``paymentId`` or ``payment.paymentId`` and the state from the first of the three keys that is
    set (true or an object), as public clients read it.
    """
    states = {}
    for entry in answer.get("payments") or []:
        if not isinstance(entry, dict):
            continue
        payment_id = entry.get("paymentId") or (entry.get("payment") or {}).get("paymentId")
        state = next((key for key in ("nonRefundable", "manuallyRefundable", "refundable") if entry.get(key)),
                     "nonRefundable")
        if payment_id:
            states[payment_id] = state
    return states


def refund_body(order_id, payment_refunds, items, shipping, reason, notify):
    """The ``refund-payments`` body. Inferred (documented names, no published example): ``refundItems``
    as ``{"lineItems": [{"lineItemId", "quantity"}], "shipping": {"amount": {"amount"}}}`` and
    ``sideEffects`` as ``{"restockInfo": {"type": "NO_ITEMS"}, "notifications": {"sendCustomerEmail"}}``."""
    refund_items = {"lineItems": items}
    if shipping > 0:
        refund_items["shipping"] = {"amount": {"amount": f"{shipping:.2f}"}}
    body = {"orderId": order_id, "paymentRefunds": payment_refunds, "refundItems": refund_items,
            "sideEffects": {"restockInfo": {"type": "NO_ITEMS"}, "notifications": {"sendCustomerEmail": notify}}}
    if reason:
        body["customerReason"] = reason[:REASON_MAX]
    return body


class WixRefunds:
    """``refund_order`` of the Wix transport (full or partial)."""

    def refund_order(self, refund):
        """Refund the order's payments: everything left (full) or the lines/amount asked (partial)."""
        order = self.get_order(refund.order_external_id)
        transactions = self._call("GET", f"ecom/v1/payments/orders/{refund.order_external_id}",
                                  "refund: read transactions").get("orderTransactions") or {}
        states = refundability_states(self._call("POST", "ecom/v1/order-billing/get-order-refundability",
                                                 "refund: get refundability", {"orderId": refund.order_external_id}))
        available = {pid: left for pid, left in self._refundable(transactions).items()
                     if states.get(pid, "refundable") != "nonRefundable"}
        left_total = round(sum(available.values()), 2)
        if refund.is_full and left_total <= 0 and transactions.get("refunds"):
            return {"already": True, "amount": 0.0}
        amount, items, shipping = (self._full_amount(order, transactions, left_total) if refund.is_full
                                   else self._partial_amount(order, refund))
        self._check_amount(order, amount, left_total)
        payment_refunds = self._payment_refunds(available, states, amount)
        body = refund_body(refund.order_external_id, payment_refunds, items, shipping,
                           refund.note or refund.reason or "", bool(self.option("notify_customer", True)))
        self._call("POST", "ecom/v1/order-billing/refund-payments", "refund: refund payments", body)
        return {"amount": round(amount, 2), "payments": [p["paymentId"] for p in payment_refunds],
                "full": refund.is_full}

    @staticmethod
    def _check_amount(order, amount, left_total):
        if amount <= 0:
            raise UserInputError(f"Wix order {order.get('number')}: nothing to refund (amount {amount:.2f}).",
                                 code="nothing_to_refund", params={"order": order.get("number")})
        if amount > left_total + 0.005:
            raise UserInputError(f"Wix order {order.get('number')}: {amount:.2f} {order.get('currency')} asked but "
                                 f"only {left_total:.2f} can still be refunded.")

    def _payment_refunds(self, available, states, amount):
        """Spread ``amount`` over the payments; a manually refundable one is marked as refunded outside Wix."""
        payment_refunds, rest = [], round(amount, 2)
        for payment_id, left in available.items():
            part = round(min(left, rest), 2)
            if part > 0:
                external = bool(self.option("external_refund", False)) or states.get(payment_id) == "manuallyRefundable"
                payment_refunds.append({"paymentId": payment_id, "amount": {"amount": f"{part:.2f}"},
                                        "externalRefund": external})
                rest = round(rest - part, 2)
        return payment_refunds

    def _full_amount(self, order, transactions, left_total):
        """What is left: every payment, each line's units not refunded yet, shipping when not refunded."""
        refunded = self._refunded_quantities(transactions)
        items = [{"lineItemId": li["id"], "quantity": int(li.get("quantity") or 0) - refunded.get(li["id"], 0)}
                 for li in order.get("lineItems") or []]
        shipping_done = any((r.get("details") or {}).get("shippingIncluded") for r in transactions.get("refunds") or [])
        shipping = 0.0 if shipping_done else money((order.get("priceSummary") or {}).get("shipping"), "shipping")
        return left_total, [item for item in items if item["quantity"] > 0], shipping

    @staticmethod
    def _refunded_quantities(transactions):
        """{line item id: quantity already refunded}, from the refunds' ``details.items``."""
        done = {}
        for refund in transactions.get("refunds") or []:
            for item in (refund.get("details") or {}).get("items") or []:
                done[item.get("lineItemId")] = done.get(item.get("lineItemId"), 0) + int(item.get("quantity") or 0)
        return done

    @staticmethod
    def _refundable(transactions):
        """{payment id: amount still refundable} of approved, refundable payments."""
        refunded = {}
        for refund in transactions.get("refunds") or []:
            for line in refund.get("transactions") or []:
                if line.get("refundStatus") != "FAILED":
                    refunded[line.get("paymentId")] = refunded.get(line.get("paymentId"), 0.0) + money(
                        line.get("amount"), "refunded amount")
        result = {}
        for payment in transactions.get("payments") or []:
            details = payment.get("regularPaymentDetails") or {}
            if payment.get("refundDisabled") or details.get("status") not in (None, "APPROVED"):
                continue
            left = round(money(payment.get("amount"), "payment") - refunded.get(payment.get("id"), 0.0), 2)
            if left > 0:
                result[payment["id"]] = left
        return result

    def _partial_amount(self, order, refund):
        """Amount, Wix line items and shipping of a partial refund.

        Amounts are recomputed from what the buyer paid on Wix for those units (after discounts,
        tax included), whatever tax basis Odoo uses; shipping is added when asked.
        """
        lines = {line["id"]: line for line in order.get("lineItems") or []}
        amount, items = 0.0, []
        for refund_line in refund.lines:
            line = lines.get(refund_line.line_external_id)
            if line is None:
                raise UserInputError(f"Wix: line {refund_line.line_external_id} is not in order {order.get('number')}.")
            ordered = int(line.get("quantity") or 0)
            quantity = int(refund_line.quantity or 0)
            if quantity < 1 or quantity > ordered:
                raise UserInputError(f"Wix: refund quantity {refund_line.quantity} out of range for line "
                                     f"{line['id']} (ordered {ordered}).")
            paid = money(line.get("price"), "price") * ordered - money(line.get("totalDiscount"), "discount")
            if not order.get("taxIncludedInPrices"):
                paid += money((line.get("taxDetails") or {}).get("totalTax"), "line tax")
            amount += round(paid * quantity / ordered, 2)
            items.append({"lineItemId": line["id"], "quantity": quantity})
        shipping = money((order.get("priceSummary") or {}).get("shipping"), "shipping") if refund.refund_shipping else 0
        return round(amount + shipping, 2), items, shipping
