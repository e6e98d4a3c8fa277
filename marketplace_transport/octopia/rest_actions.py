"""Order actions of the Octopia REST transport: approval, shipments, cancellation requests,
carriers and reasons, invoice upload (mixed into :class:`.rest.OctopiaRestTransport`)."""
import logging
import re
from urllib.parse import quote

from marketplace_transport import MarketplaceError, RateLimitedError, TemporaryError, UserInputError

from .rest_common import (
    APPROVAL_STATUS_KEY,
    CANCELLATION_REASON_KEYS,
    CANCELLATION_REQUESTS_PATH,
    DEFAULT_SALES_CHANNEL,
    FINAL_CANCELLED_STATUSES,
    INVOICE_FILE_PART,
    INVOICE_IMPORT_DONE,
    INVOICE_IMPORT_ERROR_KEYS,
    INVOICE_IMPORT_FAILED,
    INVOICE_IMPORT_PATH,
    REFUND_LIMITS,
    SELLER_SUPPLY_MODE,
    SHIPPABLE_LINE_STATUSES,
    SHIPPED_STATUSES,
)

_logger = logging.getLogger(__name__)


class OctopiaOrderActions:
    """Accept, refuse, ship and refund orders; carriers, refund reasons, invoices."""

    def _send_once(self, send, already_done, operation):
        """Send a non-idempotent call; after a timeout/5xx re-read the order and stop if the
        first attempt went through, else send again (bounded by ``max_retries``)."""
        attempts = max(1, int(self.config.max_retries) + 1)
        for attempt in range(1, attempts + 1):
            try:
                return send()
            except RateLimitedError:
                raise
            except TemporaryError:
                if attempt == attempts:
                    raise
                self.sleep(min(self.config.backoff * 2 ** (attempt - 1), self.config.max_wait))
                if already_done():
                    _logger.info("%s: already applied by the previous attempt", operation)
                    return None
        raise MarketplaceError(f"{operation}: no attempt made")  # pragma: no cover

    def _set_approval(self, external_id, value):
        path = f"/orders/{quote(str(external_id), safe='')}/approval-status"
        operation = f"{'accept' if value == 'Accepted' else 'refuse'} order {external_id}"
        target = ("Accepted", "InPreparation", "Shipped", "Delivered") if value == "Accepted" else ("Refused",)

        def already_done():
            return (self.get_order(external_id) or {}).get("status") in target

        self._send_once(lambda: self._request("POST", path, operation=operation,
                                              json={APPROVAL_STATUS_KEY: value}, retry=False),
                        already_done, operation)
        return {"order": external_id, "approval_status": value}

    def accept_order(self, external_id):
        """Accept a ``WaitingAcceptance`` order (``approval_status: Accepted``)."""
        return self._set_approval(external_id, "Accepted")

    def refuse_order(self, external_id):
        """Refuse a ``WaitingAcceptance`` order (``approval_status: Refused``)."""
        return self._set_approval(external_id, "Refused")

    def resolve_carrier(self, carrier):
        """The ``/carriers`` label to send for a label or a code (codes are not unique)."""
        value = (carrier or "").strip()
        carriers = self.list_carriers()
        if not carriers:
            return value
        labels = [label for _code, label in carriers]
        if value in labels:
            return value
        for label in labels:
            if label.lower() == value.lower():
                return label
        by_code = [label for code, label in carriers if code.lower() == value.lower()]
        if len(by_code) == 1:
            return by_code[0]
        if by_code:
            raise UserInputError(f"Octopia carrier code {value!r} is shared by {', '.join(by_code)}: "
                                 "map the delivery carrier to one of these labels.")
        raise UserInputError(f"Carrier {value!r} is not in the Octopia carrier list; map the delivery carrier "
                             f"to one of: {', '.join(labels[:20])}{'...' if len(labels) > 20 else ''}")

    def ship_order(self, shipment):
        """One parcel holding every ``InPreparation`` Seller line (Cdiscount ships whole orders)."""
        shipment.check()
        order_id = shipment.order_external_id
        carrier = self.resolve_carrier(shipment.carrier)
        tracking = re.sub(r"\s+", "", shipment.tracking_number)
        order = self.get_order(order_id) or {}
        status = order.get("status")
        if status in SHIPPED_STATUSES:
            return {"order": order_id, "already_shipped": True, "status": status}
        if status != "InPreparation":
            raise UserInputError(f"Cannot ship Octopia order {order_id}: it is {status}; only InPreparation "
                                 "orders can be shipped.")
        # Cdiscount ships whole orders: the parcel holds every Seller line awaiting shipment on
        # Octopia; the lines Odoo delivered are only checked against that list.
        line_ids = [
            str(line.get("orderLineId")) for line in order.get("lines") or ()
            if ((line.get("offer") or {}).get("supplyMode") or SELLER_SUPPLY_MODE) == SELLER_SUPPLY_MODE
            and line.get("status") in SHIPPABLE_LINE_STATUSES]
        if not line_ids:
            raise UserInputError(f"Octopia order {order_id} has no line to ship by the seller "
                                 "(lines fulfilled by Octopia or already shipped).")
        requested = {str(i) for i in shipment.line_external_ids}
        if requested and not requested & set(line_ids):
            raise UserInputError(f"Octopia order {order_id}: lines {', '.join(sorted(requested))} are not awaiting "
                                 f"shipment on Octopia (awaiting: {', '.join(line_ids)}).")
        parcel = {"parcelNumber": tracking, "carrierName": carrier, "orderLineIds": line_ids}
        if shipment.tracking_url:
            parcel["trackingUrl"] = shipment.tracking_url
        operation = f"ship order {order_id}"

        def already_done():
            current = self.get_order(order_id) or {}
            if current.get("status") in SHIPPED_STATUSES:
                return True
            return any(p.get("parcelNumber") == tracking for line in current.get("lines") or ()
                       for p in line.get("parcels") or ())

        self._send_once(lambda: self._request("POST", f"/orders/{quote(order_id, safe='')}/shipments",
                                              operation=operation, json=[parcel], retry=False),
                        already_done, operation)
        return {"order": order_id, "parcel": parcel}

    def refund_order(self, refund):
        """Full cancellation request (reason + shipping refund flag); refuses orders still
        waiting for acceptance. Partial refunds raise :class:`UserInputError`."""
        order_id = refund.order_external_id
        if not refund.is_full:
            raise UserInputError(f"Cannot refund Octopia order {order_id} partially. {REFUND_LIMITS}")
        order = self.get_order(order_id) or {}
        status = order.get("status")
        if status == "WaitingAcceptance":
            self.refuse_order(order_id)
            return {"order": order_id, "refused": True}
        if status in FINAL_CANCELLED_STATUSES:
            raise UserInputError(f"Octopia order {order_id} is already {status}: nothing to refund.",
                                 code="nothing_to_refund", params={"order": order_id})
        if status == "Processing":
            raise UserInputError(f"Octopia order {order_id} is still under Octopia controls (Processing); "
                                 "retry once it is accepted.")
        if order.get("cancellationDetails"):
            return {"order": order_id, "already_requested": True}
        reason = self._resolve_reason(refund.reason)
        body = {"orderId": order_id, "reason": reason, "shippingCostRefund": bool(refund.refund_shipping)}
        operation = f"refund order {order_id}"

        def already_done():
            return bool((self.get_order(order_id) or {}).get("cancellationDetails"))

        response = self._send_once(
            lambda: self._request("POST", CANCELLATION_REQUESTS_PATH, operation=operation, json=body,
                                  retry=False), already_done, operation)
        answer = {}
        if response is not None and response.content:
            try:
                answer = response.json() or {}
            except ValueError:
                answer = {}
        return {"order": order_id, "reason": reason, "shipping_refunded": body["shippingCostRefund"],
                "cancellation_request_id": answer.get("cancellationRequestId", "") if isinstance(answer, dict) else ""}

    def _resolve_reason(self, reason):
        value = (reason or "").strip()
        if not value:
            raise UserInputError("Octopia needs a cancellation reason from its list (GET /cancellation-reasons).")
        reasons = self.list_refund_reasons()
        if not reasons:
            return value
        for code, label in reasons:
            if value in (code, label) or value.lower() == label.lower():
                return code
        raise UserInputError(f"Cancellation reason {value!r} is not accepted by Octopia; use one of: "
                             + ", ".join(f"{code} ({label})" for code, label in reasons))

    def _code_label_list(self, path, operation, params=None, keys=("code", "label")):
        body = self._json("GET", path, operation=operation, params=params)
        items = body if isinstance(body, list) else (body or {}).get("items") or []
        code, label = keys
        return [(str(i.get(code) or ""), str(i.get(label) or i.get(code) or ""))
                for i in items if isinstance(i, dict) and (i.get(code) or i.get(label))]

    def list_carriers(self):
        """[(code, label)] from ``GET /carriers``; the label is what shipments send."""
        if self._carriers is None:
            self._carriers = self._code_label_list("/carriers", "list carriers")
        return self._carriers

    def list_refund_reasons(self):
        """[(code, label)] from ``GET /cancellation-reasons`` for the sales channel."""
        if self._reasons is None:
            self._reasons = self._code_label_list(
                "/cancellation-reasons", "list cancellation reasons",
                params={"salesChannel": self.option("sales_channel", DEFAULT_SALES_CHANNEL)},
                keys=CANCELLATION_REASON_KEYS)
        return self._reasons

    def upload_invoice(self, order_external_id, pdf_bytes, filename="invoice.pdf"):
        """Upload the customer invoice PDF (``POST /orders/{orderId}/invoice-documents``)."""
        files = {INVOICE_FILE_PART: (filename, pdf_bytes, "application/pdf")}
        body = self._json("POST", f"/orders/{quote(str(order_external_id), safe='')}/invoice-documents",
                          operation=f"upload invoice {order_external_id}", files=files) or {}
        if isinstance(body, dict) and body.get("importId"):
            body = dict(body, import_id=str(body["importId"]))  # processed asynchronously
        return body

    def invoice_upload_status(self, import_id):
        """("pending" | "done" | "failed", message) of an invoice import (``GET /order-invoice-imports/{id}``)."""
        body = self._json("GET", INVOICE_IMPORT_PATH.format(import_id=quote(str(import_id), safe="")),
                          operation=f"invoice import {import_id}") or {}
        status = body.get("status") if isinstance(body, dict) else None
        if status in INVOICE_IMPORT_DONE:
            return "done", ""
        if status not in INVOICE_IMPORT_FAILED:
            return "pending", ""
        errors = [str(next((f[k] for k in INVOICE_IMPORT_ERROR_KEYS if f.get(k)), f.get("fileName") or ""))
                  for f in body.get("files") or () if isinstance(f, dict) and f.get("status") != "Success"]
        return "failed", f"Octopia import {import_id}: {status}" + (f" ({'; '.join(errors)})" if errors else "")
