"""Legacy Cdiscount marketplace SOAP channel (MarketplaceAPIService), through zeep.

Reference: /work/shared/reference/octopia-api.md section 5 and the service's own WSDL (shipped in
``wsdl/``). Orders are read with GetOrderList (always with a ``States`` filter and paired
modification dates in Paris time, in bounded time windows), actions go through ValidateOrderList
(every line listed) and CreateRefundVoucher (per line), carriers through GetGlobalConfiguration.
The session (WSDL, token, calls) is :mod:`.soap_client`, the normalizer :mod:`.soap_normalize`,
the request shapes :mod:`.soap_requests`.

Orders placed before the migration to the Octopia REST API keep being served by this channel
(seed 004): ship and refund them here even when the REST channel sees them too.
"""
import re
from datetime import UTC, datetime, timedelta

from marketplace_transport import RemoteError, UserInputError, register_transport
from marketplace_transport.http import redact_url

from . import soap_requests as req
from .soap_client import CdiscountSoapSession
from .soap_normalize import LEGACY_STATUS_MAP, REFUNDED_LINE_STATES, normalize_order
from .soap_requests import DEFAULT_STATES, GESTURE_MOTIVES, REFUND_MODES, REFUND_MOTIVES
from .soap_wsdl import BINDING, TNS

__all__ = ["BINDING", "DEFAULT_STATES", "LEGACY_STATUS_MAP", "REFUND_MODES", "REFUND_MOTIVES",
           "REFUNDED_LINE_STATES", "TNS", "CdiscountSoapTransport"]


@register_transport("cdiscount_soap")
class CdiscountSoapTransport(CdiscountSoapSession):
    """Legacy Cdiscount marketplace SOAP API.

    Options (besides the session's): ``states`` (OrderState list or comma-separated string asked by
    GetOrderList), ``window_hours`` (width of a GetOrderList modification-date window, default 24),
    ``refund_mode`` (Claim/Retraction).
    """

    refund_modes = ("full", "partial", "amount")
    refund_limits = ("Cdiscount legacy refunds whole order lines (all units of a line) with a "
                     "shipping-refund flag per line, or an amount alone as a commercial gesture with a "
                     "gesture motive (131-139); partial quantities of a line are not accepted.")

    # -- connection -------------------------------------------------------------------
    def check_connection(self):
        """Token, WSDL and one authenticated call (GetGlobalConfiguration)."""
        self.get_token(force=True)
        carriers = self.list_carriers()
        source = redact_url(self.option("wsdl_url")) if self.option("wsdl_url") else "the copy shipped with the client"
        return [
            "Token issued by the Cdiscount token service.",
            f"WSDL read from {source}.",
            f"GetGlobalConfiguration answered ({len(carriers)} carriers).",
        ]

    # -- orders -----------------------------------------------------------------------
    def states(self):
        value = self.option("states") or DEFAULT_STATES
        if isinstance(value, str):
            value = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in value if s not in LEGACY_STATUS_MAP]
        if unknown:
            raise UserInputError(f"Cdiscount legacy: unknown order state(s) {', '.join(unknown)}.")
        return list(value)

    def order_filter(self, begin, end):
        """GetOrderList filter: States always set, modification dates always paired (Paris time)."""
        return req.order_filter(self.states(), begin, end)

    def iter_windows(self, updated_from, updated_to=None):
        """(begin, end) windows of ``window_hours`` covering the period, oldest first."""
        step = timedelta(hours=float(self.option("window_hours", 24)))
        end_all = updated_to or datetime.now(UTC)
        begin = updated_from
        while begin < end_all:
            end = min(begin + step, end_all)
            yield begin, end
            begin = end

    def iter_order_pages(self, updated_from, updated_to=None):
        """One GetOrderList per modification window; yields the non-empty lists of orders."""
        seen = set()
        for begin, end in self.iter_windows(updated_from, updated_to):
            result = self.call("GetOrderList", retry=True, orderFilter=self.order_filter(begin, end))
            page = []
            for order in (result or {}).get("OrderList") or []:
                key = self.order_key(order)
                if key not in seen:
                    seen.add(key)
                    page.append(order)
            if page:
                yield page

    def get_order(self, external_id):
        """Raw payload of one order (GetOrderList by OrderReferenceList, nothing else allowed)."""
        result = self.call("GetOrderList", retry=True, orderFilter=req.reference_filter(external_id))
        for order in (result or {}).get("OrderList") or []:
            if order.get("OrderNumber") == external_id:
                return order
        raise RemoteError(f"GetOrderList: Cdiscount order {external_id} not found.", status=404)

    def order_key(self, payload):
        return payload.get("OrderNumber") or "", payload.get("LastUpdatedDate") or payload.get("ModifiedDate") or ""

    def normalize_order(self, payload):
        """Raw GetOrderList order -> :class:`NormalizedOrder` (prices include VAT, dates Paris -> UTC)."""
        return normalize_order(payload)

    # -- actions ----------------------------------------------------------------------
    def _validate(self, order_number, order_state, line_state, **extra):
        """ValidateOrderList for one order, listing every line of it (documented rule)."""
        order = self.get_order(order_number)
        if not [line for line in order.get("OrderLineList") or [] if line]:
            raise RemoteError(f"ValidateOrderList: Cdiscount returned order {order_number} without lines.")
        validate_order = req.validate_order(order, order_state, line_state, **extra)
        result = self.call("ValidateOrderList",
                           validateOrderListMessage={"OrderList": {"ValidateOrder": [validate_order]}})
        errors = req.validation_errors(result)
        if errors:
            raise RemoteError(f"ValidateOrderList: order {order_number}: {req.error_text(errors, 'not validated')}",
                              details={"errors": errors})
        return result

    def accept_order(self, external_id):
        """Accept every line (AcceptedBySeller)."""
        self._validate(external_id, "AcceptedBySeller", "AcceptedBySeller")
        return {"order": external_id, "state": "AcceptedBySeller"}

    def refuse_order(self, external_id):
        """Refuse the order (only while WaitingForSellerAcceptation)."""
        self._validate(external_id, "RefusedBySeller", "RefusedBySeller")
        return {"order": external_id, "state": "RefusedBySeller"}

    def ship_order(self, shipment):
        """Ship the whole order: CarrierName and TrackingNumber are mandatory, every line sent."""
        shipment.check()
        tracking = shipment.tracking_number.strip()
        self._check_tracking(shipment, tracking)
        extra = {"CarrierName": shipment.carrier, "TrackingNumber": tracking}
        if shipment.tracking_url:
            extra["TrackingUrl"] = shipment.tracking_url[:255]
        self._validate(shipment.order_external_id, "Shipped", "ShippedBySeller", **extra)
        return {"order": shipment.order_external_id, "state": "Shipped", "carrier": shipment.carrier,
                "tracking_number": tracking}

    @staticmethod
    def _check_tracking(shipment, tracking):
        if len(tracking) > 50 or re.search(r"[\s&*$]", tracking):
            raise UserInputError(
                f"Cannot ship order {shipment.order_external_id}: the tracking number must have at most "
                "50 characters, without space, &, * or $.")
        if shipment.tracking_url and not shipment.tracking_url.startswith(("http://", "https://")):
            raise UserInputError(
                f"Cannot ship order {shipment.order_external_id}: the tracking URL must start with http(s)://.")

    def refund_order(self, refund):
        """CreateRefundVoucher: one SellerRefundRequest per refunded line (all lines when full).

        A line Cdiscount refuses (``SellerRefundResult.OperationSuccess`` false) raises RemoteError
        naming it with Cdiscount's ``ErrorMessage``, and the lines refunded with it.
        """
        if refund.amount_only:
            return self._commercial_gesture(refund)
        mode = self._refund_mode(refund)
        order = self.get_order(refund.order_external_id)
        lines = {line.get("SellerProductId"): line for line in order.get("OrderLineList") or [] if line}
        wanted = self._refund_lines(refund, lines)
        result = self.call("CreateRefundVoucher", check=False, request=req.refund_request(
            refund.order_external_id, [lines[sku] for sku in wanted], mode, refund.reason, refund.refund_shipping))
        refunded, refused = req.refund_outcome(result, wanted)
        if refused:
            raise RemoteError(self._refused_text(refund.order_external_id, refunded, refused),
                              details={"refunded": refunded, "refused": refused})
        return {"order": refund.order_external_id, "lines": wanted, "motive": refund.reason, "mode": mode}

    def _commercial_gesture(self, refund):
        """CreateRefundVoucher with one CommercialGestureList item (Amount, MotiveId)."""
        order_number = refund.order_external_id
        motives = dict(GESTURE_MOTIVES)
        if str(refund.reason) not in motives:
            raise UserInputError(f"Cannot refund an amount on order {order_number}: choose a commercial-gesture "
                                 f"motive ({', '.join(f'{k} {v}' for k, v in GESTURE_MOTIVES)}).")
        amount = round(float(refund.amount or 0), 2)
        if amount <= 0:
            raise UserInputError(f"Cannot refund an amount on order {order_number}: the amount must be positive.")
        result = self.call("CreateRefundVoucher", check=False,
                           request=req.gesture_request(order_number, amount, refund.reason))
        message = req.gesture_refusal(result)
        if message:
            raise RemoteError(f"CreateRefundVoucher: order {order_number}: commercial gesture refused: {message}")
        return {"order": order_number, "amount": amount, "motive": refund.reason}

    def _refund_mode(self, refund):
        motives = dict(REFUND_MOTIVES)
        if refund.reason not in motives:
            raise UserInputError(
                f"Cannot refund order {refund.order_external_id}: choose a Cdiscount refund motive "
                f"({', '.join(motives)}).")
        mode = self.option("refund_mode", "Claim")
        if mode not in REFUND_MODES:
            raise UserInputError(f"Cdiscount legacy: refund mode must be one of {', '.join(REFUND_MODES)}.")
        return mode

    def _refund_lines(self, refund, lines):
        """SellerProductIds to refund: every line not refunded yet, or the requested whole lines."""
        if refund.is_full:
            wanted = [sku for sku, line in lines.items() if line.get("AcceptationState") not in REFUNDED_LINE_STATES]
        else:
            wanted = [self._refund_line(refund, refund_line, lines) for refund_line in refund.lines]
        if not wanted:
            raise UserInputError(f"Order {refund.order_external_id}: nothing left to refund.",
                                 code="nothing_to_refund", params={"order": refund.order_external_id})
        return wanted

    @staticmethod
    def _refund_line(refund, refund_line, lines):
        line = lines.get(refund_line.line_external_id)
        if line is None:
            raise UserInputError(
                f"Cannot refund order {refund.order_external_id}: line "
                f"{refund_line.line_external_id} is not in the Cdiscount order.")
        if refund_line.quantity and float(refund_line.quantity) != float(line.get("Quantity") or 0):
            raise UserInputError(
                f"Cannot refund order {refund.order_external_id}: Cdiscount legacy refunds whole "
                f"lines; line {refund_line.line_external_id} has {line.get('Quantity')} unit(s).")
        return refund_line.line_external_id

    def _refused_text(self, order_number, refunded, refused):
        text = "; ".join(f"line {sku} refused: {message}" for sku, message in refused)
        if refunded:
            text += f"; refunded: {', '.join(refunded)}"
        return f"CreateRefundVoucher: order {order_number}: {text}"

    def list_carriers(self):
        """Carriers of GetGlobalConfiguration; ValidateOrderList takes their name."""
        result = self.call("GetGlobalConfiguration", retry=True)
        return [(c.get("Name"), c.get("Name")) for c in result.get("CarrierList") or [] if c and c.get("Name")]

    def list_refund_reasons(self):
        """Line refund motives, then the commercial-gesture motives (for amounts)."""
        return list(REFUND_MOTIVES) + list(GESTURE_MOTIVES)
