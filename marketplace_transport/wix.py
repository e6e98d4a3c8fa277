"""Wix eCommerce transport (``https://www.wixapis.com/ecom/v1``), see storefront-apis.md section 4.

- auth: ``Authorization: <API key>`` + ``wix-site-id`` (the channel's account field);
- incremental listing: ``POST /ecom/v1/orders/search`` filtered on ``updatedDate $gte``, sorted
  ``updatedDate ASC``, then ``cursorPaging.cursor`` alone until no next cursor (100 per page);
- ship: ``POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`` with tracking info;
- refund: ``POST /ecom/v1/order-billing/refund-payments`` (full or partial) after
  ``get-order-refundability``, on the payments listed by ``GET /ecom/v1/payments/orders/{orderId}``
  (:mod:`marketplace_transport.wix_refund`);
- 200 requests per minute per app instance: paced on our side, 429 retried then reported as
  :class:`RateLimitedError` so the run stops with its cursor intact.
- stock sync: :mod:`.wix_stock`.
"""
import time
from collections import deque
from datetime import UTC

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceTransport,
    NormalizedAddress,
    NormalizedLine,
    NormalizedOrder,
    OrderStatus,
    RateLimitedError,
    RemoteError,
    register_transport,
)
from marketplace_transport.wix_normalize import (
    additional_fees,
    money,
    order_total,
    spread_discount,
    tax_amount,
    tax_rate,
)
from marketplace_transport.wix_refund import WixRefunds
from marketplace_transport.wix_stock import WixStock

#: (order field, value) -> OrderStatus; the FIRST entry matching the order wins, so the order
#: status comes before the payment status, which comes before the fulfillment status.
STATUS_MAP = {
    ("status", "CANCELED"): OrderStatus.CANCELLED,
    ("status", "REJECTED"): OrderStatus.REFUSED,
    ("status", "INITIALIZED"): OrderStatus.PENDING,  # checkout not finished (never listed by search)
    ("status", "PENDING"): OrderStatus.PENDING,
    ("paymentStatus", "FULLY_REFUNDED"): OrderStatus.REFUNDED,
    ("fulfillmentStatus", "FULFILLED"): OrderStatus.SHIPPED,
    ("paymentStatus", "PAID"): OrderStatus.TO_SHIP,
    ("paymentStatus", "PARTIALLY_REFUNDED"): OrderStatus.TO_SHIP,
    ("paymentStatus", "PARTIALLY_PAID"): OrderStatus.ACCEPTED,
    ("paymentStatus", "AUTHORIZED"): OrderStatus.ACCEPTED,  # authorized, captured later (delayed capture)
    ("paymentStatus", "NOT_PAID"): OrderStatus.ACCEPTED,  # approved, paid offline (transfer, cash)
    ("paymentStatus", "PENDING"): OrderStatus.PENDING,
}
DEFAULT_STATUS = OrderStatus.PENDING
PAID_STATUSES = ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED")
MAX_PAGE_SIZE = 100
DEFAULT_REQUESTS_PER_MINUTE = 190  # Wix allows 200 per minute per app instance; keep a margin
RATE_WINDOW = 60.0


#: carriers Wix knows (``trackingInfo.shippingProvider`` codes that get their tracking link filled in);
#: any other carrier goes by name with our tracking link (Order Fulfillments, Create Fulfillment)
WIX_PROVIDERS = {"fedex": "fedex", "ups": "ups", "usps": "usps", "dhl": "dhl", "canadapost": "canadaPost"}


def tracking_info(shipment):
    """``trackingInfo`` of a fulfillment: a known carrier by its Wix code, others by name and link."""
    key = "".join(ch for ch in (shipment.carrier or "").lower() if ch.isalnum())
    code = next((value for name, value in WIX_PROVIDERS.items() if key.startswith(name)), None)
    tracking = {"trackingNumber": shipment.tracking_number, "shippingProvider": code or shipment.carrier}
    if shipment.tracking_url:
        tracking["trackingLink"] = shipment.tracking_url
    return tracking


class RequestPacer:
    """Client-side pacing: at most ``limit`` requests in any ``window`` seconds.

    Waits (through the transport's ``sleep``) when the window is full, or raises
    :class:`RateLimitedError` when the wait would exceed ``max_wait``.
    """

    def __init__(self, limit, window=RATE_WINDOW, max_wait=60.0, sleep=time.sleep, clock=time.monotonic):
        self.limit, self.window, self.max_wait = limit, window, max_wait
        self.sleep, self.clock = sleep, clock
        self.calls = deque()

    def wait_time(self):
        now = self.clock()
        while self.calls and self.calls[0] <= now - self.window:
            self.calls.popleft()
        if self.limit <= 0 or len(self.calls) < self.limit:
            return 0.0
        return self.calls[0] + self.window - now

    def acquire(self):
        wait = self.wait_time()
        if wait > self.max_wait:
            raise RateLimitedError(
                f"Wix: {self.limit} requests in the last minute, pausing for {wait:.0f}s", retry_after=wait)
        if wait > 0:
            self.sleep(wait)
            self.calls.popleft()
        self.calls.append(self.clock())


@register_transport("wix")
class WixTransport(WixStock, WixRefunds, MarketplaceTransport):
    """One Wix site through the eCommerce REST API with an API key.

    Options: ``account`` (site id), ``page_size`` (max 100), ``requests_per_minute`` (pacing),
    ``external_refund`` (mark refunds as done outside Wix instead of refunding through the payment
    provider), ``notify_customer``. Credentials: ``secret`` = the API key.
    """

    refund_modes = ("full", "partial")
    refund_limits = ("Wix refunds payments through the site's payment provider (or records a refund made "
                     "outside Wix). Gift-card and membership payments cannot be refunded through the API.")
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, config, recorder=None, **kwargs):
        super().__init__(config, recorder=recorder, **kwargs)
        key, site = config.credentials.get("secret"), self.option("account")
        if not key or not site:
            raise AuthenticationError("Wix: set the API key and the site id on the channel.",
                                      code="credentials_missing", params={"marketplace": "Wix"})
        self.http.session.headers.update({"Authorization": key, "wix-site-id": site})
        self.pacer = RequestPacer(int(self.option("requests_per_minute", DEFAULT_REQUESTS_PER_MINUTE)),
                                  max_wait=config.max_wait, sleep=self.sleep)

    def _call(self, method, path, operation, body=None, resume=None):
        """Paced JSON call; a 429 that outlasts the retries stops the run with ``resume`` details."""
        try:
            self.pacer.acquire()
            return self.http.json(method, path, json=body, operation=operation) or {}
        except RateLimitedError as exc:
            wait = max(exc.retry_after or 0.0, self.pacer.wait_time(), RATE_WINDOW / 2)
            raise RateLimitedError(f"{exc.message}; resuming in {wait:.0f}s", retry_after=wait,
                                   status=exc.status, details=dict(resume or {})) from exc

    # -- connection -------------------------------------------------------------------
    def check_connection(self):
        """Verify the API key, the site id and the order read permission."""
        body = self._call("POST", "ecom/v1/orders/search", "check connection",
                          {"search": {"cursorPaging": {"limit": 1}}})
        found = len(body.get("orders") or [])
        return [f"API key accepted for site {self.option('account')}",
                f"Orders readable ({'at least one order' if found else 'no order yet'})",
                "Shipping and refunds need the 'Manage Orders' permission on the key (checked on first use)"]

    # -- orders -------------------------------------------------------------------------
    def iter_order_pages(self, updated_from, updated_to=None):
        """Pages of orders with ``updatedDate`` in the window, oldest first (cursor paging)."""
        condition = {"$gte": self._iso(updated_from)}
        if updated_to:
            condition["$lte"] = self._iso(updated_to)
        body = {"search": {"filter": {"updatedDate": condition},
                           "sort": [{"fieldName": "updatedDate", "order": "ASC"}],
                           "cursorPaging": {"limit": self.page_size}}}
        cursor = None
        while True:
            if cursor:  # the cursor carries filter and sort; Wix refuses them alongside it
                body = {"search": {"cursorPaging": {"limit": self.page_size, "cursor": cursor}}}
            answer = self._call("POST", "ecom/v1/orders/search", "list orders", body,
                                resume={"cursor": cursor, "updated_from": condition["$gte"]})
            orders = answer.get("orders") or []
            if orders:
                yield orders
            paging = answer.get("pagingMetadata") or answer.get("metadata") or {}
            cursor = (paging.get("cursors") or {}).get("next")
            if not cursor or paging.get("hasNext") is False:
                return

    @staticmethod
    def _iso(dt):
        """Aware (or naive UTC) datetime -> Wix ISO-8601 with milliseconds."""
        if dt.tzinfo is not None:
            dt = dt.astimezone(UTC)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"

    def get_order(self, external_id):
        body = self._call("GET", f"ecom/v1/orders/{external_id}", "get order")
        if not isinstance(body.get("order"), dict):
            raise RemoteError(f"Wix: unexpected answer for order {external_id}")
        return body["order"]

    def order_key(self, payload):
        return str(payload["id"]), payload.get("updatedDate") or ""

    # -- normalize ----------------------------------------------------------------------
    @staticmethod
    def map_status(payload):
        """First (field, value) of :data:`STATUS_MAP` the order matches."""
        for (fieldname, value), status in STATUS_MAP.items():
            if payload.get(fieldname) == value:
                return status
        return DEFAULT_STATUS

    @staticmethod
    def _address(info, role, email=""):
        info = info or {}
        address = info.get("address") or {}
        contact = info.get("contactDetails") or {}
        # eCommerce orders: ``addressLine`` (published shape); ``addressLine1``: the Stores API's name
        street = address.get("addressLine") or address.get("addressLine1") or ""
        if not street and address.get("streetAddress"):
            parts = address["streetAddress"]
            street = " ".join(filter(None, [parts.get("number"), parts.get("name")]))
        vat = contact.get("vatId") or ""
        if isinstance(vat, dict):
            vat = vat.get("id") or ""
        subdivision = address.get("subdivision") or ""
        return NormalizedAddress(
            name=" ".join(filter(None, [contact.get("firstName"), contact.get("lastName")])),
            company_name=contact.get("company") or "", street=street, street2=address.get("addressLine2") or "",
            zip=address.get("postalCode") or "", city=address.get("city") or "",
            state_code=subdivision.split("-", 1)[-1] if subdivision else "",
            country_code=address.get("country") or "", email=email, phone=contact.get("phone") or "", vat=vat)

    @staticmethod
    def _line(item):
        physical, catalog = item.get("physicalProperties") or {}, item.get("catalogReference") or {}
        preset = (item.get("itemType") or {}).get("preset") or "PHYSICAL"
        details = item.get("taxDetails")
        return NormalizedLine(
            external_id=str(item.get("id") or ""), quantity=item.get("quantity"),
            unit_price=money(item.get("price"), "line price"), sku=physical.get("sku") or "",
            name=(item.get("productName") or {}).get("original") or "",
            discount_amount=money(item.get("totalDiscount"), "line discount"),
            tax_rate=tax_rate(details, money(item.get("totalPriceBeforeTax"), "line total before tax")),
            tax_amount=tax_amount(details), product_refs=[  # no SKU: the catalog's ids
                (catalog.get("options") or {}).get("variantId"), catalog.get("catalogItemId")],
            shippable=preset == "PHYSICAL" and physical.get("shippable", True) is not False)

    def _addresses(self, payload):
        """(billing, shipping); no shipping destination (pickup, digital goods): the billing address."""
        email = (payload.get("buyerInfo") or {}).get("email") or ""
        destination = ((payload.get("shippingInfo") or {}).get("logistics") or {}).get("shippingDestination")
        billing = self._address(payload.get("billingInfo"), "billing", email)
        return billing, self._address(destination or payload.get("billingInfo"), "shipping", email)

    @staticmethod
    def _totals(payload, summary):
        """``total_amount`` on the prices' tax basis (Wix totals include tax) and ``paid_amount``."""
        total = order_total(summary)
        if total is None:
            return {"total_amount": None}
        tax = 0.0 if payload.get("taxIncludedInPrices") else money(summary.get("tax"), "order tax")
        return {"total_amount": round(total - tax, 2), "paid_amount": total}

    @staticmethod
    def _shipping(cost, summary):
        details = cost.get("taxDetails")
        amount = money(cost.get("price"), "shipping") if cost.get("price") else money(
            summary.get("shipping"), "shipping")
        return {"shipping_amount": amount, "shipping_tax_rate": tax_rate(details, money(
                    cost.get("totalPriceBeforeTax"), "shipping before tax") or amount),
                "shipping_tax_amount": tax_amount(details)}

    def normalize_order(self, payload):
        """Wix order -> NormalizedOrder; prices on the basis ``taxIncludedInPrices`` says."""
        lines = [self._line(item) for item in payload.get("lineItems") or []]
        summary = payload.get("priceSummary") or {}
        spread_discount(lines, money(summary.get("discount"), "order discount"))
        billing, shipping = self._addresses(payload)
        order = NormalizedOrder(
            external_id=str(payload.get("id") or ""), reference=str(payload.get("number") or ""),
            updated_at=payload.get("updatedDate"), created_at=payload.get("createdDate"),
            status=self.map_status(payload),
            marketplace_status="/".join(str(payload.get(k) or "-")
                                        for k in ("status", "paymentStatus", "fulfillmentStatus")),
            lines=lines, billing=billing, shipping=shipping, currency=payload.get("currency") or "",
            customer_external_id=str((payload.get("buyerInfo") or {}).get("contactId") or ""),
            prices_include_tax=bool(payload.get("taxIncludedInPrices")),
            **self._shipping((payload.get("shippingInfo") or {}).get("cost") or {}, summary),
            **self._totals(payload, summary), is_business=bool(billing.company_name or billing.vat),
            paid=payload.get("paymentStatus") in PAID_STATUSES, raw=payload, custom_lines=True,
            charges=additional_fees(payload), addresses_optional=True)
        if not order.currency:
            raise InvalidOrderError("order without currency")
        return order.clean()

    # -- ship -------------------------------------------------------------------------------
    def ship_order(self, shipment):
        """Create a fulfillment with the tracking info for the lines still to fulfill (once per number)."""
        shipment.check()
        order_id = shipment.order_external_id
        order = self.get_order(order_id)
        existing = (self._call("GET", f"ecom/v1/fulfillments/orders/{order_id}", "ship: read fulfillments")
                    .get("orderWithFulfillments") or {}).get("fulfillments") or []
        done = {}
        for fulfillment in existing:
            if (fulfillment.get("trackingInfo") or {}).get("trackingNumber") == shipment.tracking_number:
                return {"fulfillment_id": fulfillment.get("id"), "already": True}
            for item in fulfillment.get("lineItems") or []:
                done[item.get("id")] = done.get(item.get("id"), 0) + int(item.get("quantity") or 0)
        wanted = set(shipment.line_external_ids or [])
        items = []
        for line in order.get("lineItems") or []:
            if wanted and line.get("id") not in wanted:
                continue
            left = int(line.get("quantity") or 0) - done.get(line.get("id"), 0)
            if left > 0 and (line.get("itemType") or {}).get("preset", "PHYSICAL") == "PHYSICAL":
                items.append({"id": line["id"], "quantity": left})
        if not items:
            return {"already": True, "fulfillment_id": ""}
        tracking = tracking_info(shipment)
        answer = self._call("POST", f"ecom/v1/fulfillments/orders/{order_id}/create-fulfillment",
                            "ship: create fulfillment", {"fulfillment": {"lineItems": items, "trackingInfo": tracking}})
        created = ((answer.get("orderWithFulfillments") or {}).get("fulfillments") or [{}])[-1]
        return {"fulfillment_id": answer.get("fulfillmentId") or created.get("id", ""), "line_items": items}
