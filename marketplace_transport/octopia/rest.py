"""Octopia Seller API v2 (REST) transport.

Reference: /work/shared/reference/octopia-api.md (sections 1-3 and 7). Every call carries
``Authorization: Bearer``, ``SellerId`` and ``SalesChannelId``. The token comes from the
Keycloak realm ``maas`` (client credentials, 2 h) and is kept in ``config.token_store``.
What the notes mark as inferred is isolated in the constants below.
"""
import logging
import re
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import quote, urljoin, urlsplit

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceError,
    MarketplaceTransport,
    NormalizedAddress,
    NormalizedFee,
    NormalizedLine,
    NormalizedOrder,
    OfferResult,
    OrderStatus,
    QuotaExhaustedError,
    RateLimitedError,
    RemoteError,
    TemporaryError,
    UserInputError,
    register_transport,
)

from .offer_xml import OfferXmlPackageReport
from .offers import chunked, offer_request

_logger = logging.getLogger(__name__)

PRODUCTION_BASE_URL = "https://api.octopia-io.net/seller/v2"
PRODUCTION_TOKEN_URL = "https://auth.octopia-io.net/auth/realms/maas/protocol/openid-connect/token"
TOKEN_PATH = "/auth/realms/maas/protocol/openid-connect/token"
DEFAULT_SALES_CHANNEL = "CDISFR"
TOKEN_RENEW_MARGIN = 300  # seconds: renew 5 minutes before expiry (in-flight calls would get a 401)
MAX_PAGE_SIZE = 100
MAX_OFFERS_PER_CALL = 100
MAX_OFFERS_PER_PACKAGE = 50000
# [INFERRED] ``sort`` syntax: the official example is ``sort=createdAt``, one client sends
# ``asc:updatedAt``. Override with options["order_sort"]; empty disables the parameter.
ORDER_SORT = "updatedAt"
# XML offer packages (reference §3.3): POST the public URL of the ZIP, then read status and logs.
XML_PACKAGES_PATH = "/offer-integration-packages"
# [INFERRED] the V2 reference names no body field for the ZIP URL: a REST V1 integrator posts the
# URL as a bare JSON string. options["offer_xml_url_field"] (e.g. "url") wraps it in an object.
XML_PACKAGE_URL_FIELD = ""
# [INFERRED] logs come in $page (from 1) of $limit entries, in the V1 ``OfferIntegrationPackageLog``
# shape (camelCase): integrationState, numberOfErrors, totalLogsCount, offerLogPagedList
# [{sellerProductId, offerIntegrationStatus, propertyList[{propertyCode, propertyError, logMessage}]}].
XML_PACKAGE_PAGE_SIZE = 100
XML_PACKAGE_FINAL_STATES = ("Integrated", "Rejected")
DEFAULT_QUOTA_WAIT = 900.0  # when the quota message carries no delay
QUOTA_DELAY_RE = re.compile(r"replenished in (?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})", re.I)

#: Octopia order status -> normalized status (one table, reproduced in the README)
ORDER_STATUS_MAP = {
    "Processing": OrderStatus.PENDING,
    "WaitingAcceptance": OrderStatus.WAITING_ACCEPTANCE,
    "Accepted": OrderStatus.ACCEPTED,
    "Refused": OrderStatus.REFUSED,
    "InPreparation": OrderStatus.TO_SHIP,
    "Shipped": OrderStatus.SHIPPED,
    "Delivered": OrderStatus.DELIVERED,
    "Cancelled": OrderStatus.CANCELLED,
    "Rejected": OrderStatus.CANCELLED,  # failed Octopia controls: never to be shipped
}
LINE_CANCEL_REQUEST = "CancelRequest"
SELLER_SUPPLY_MODE = "Seller"  # Fulfillment / Xdock lines are shipped by Octopia or the channel
SHIPPABLE_LINE_STATUSES = ("InPreparation", LINE_CANCEL_REQUEST)  # CancelRequest lines may ship (changelog)
SHIPPED_STATUSES = ("Shipped", "Delivered")
FINAL_CANCELLED_STATUSES = ("Cancelled", "Refused", "Rejected")
PAID_STATUSES = (OrderStatus.TO_SHIP, OrderStatus.SHIPPED, OrderStatus.DELIVERED)

REFUND_LIMITS = (
    "Octopia only accepts a cancellation request for the whole order, with a reason from its list "
    "and an optional refund of the shipping costs. Partial amounts and line refunds are not "
    "possible through the API: make them from the Octopia seller back office. Before acceptance, "
    "cancelling means refusing the order.")


def _iso(dt):
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_quota_delay(message):
    """Seconds in "Quota will be replenished in 00:11:35." (``d.hh:mm:ss`` allowed), else None."""
    match = QUOTA_DELAY_RE.search(message or "")
    if not match:
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)


def _scrub_surrogates(value):
    """Copy of a decoded JSON value with lone surrogates replaced (they are not valid UTF-8)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_surrogates(v) for v in value]
    return value


def _items(body, operation):
    """Items of a ``{"itemsPerPage", "items"}`` envelope (a bare list is accepted too)."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("items", []), list):
        return body.get("items") or []
    raise TemporaryError(f"{operation}: unexpected response from Octopia (no 'items' list)")


@register_transport("octopia")
class OctopiaRestTransport(MarketplaceTransport):
    """Octopia Seller API v2: orders, approval, shipments, cancellation requests, carriers,
    JSON offer packages and invoice upload.

    Options: ``account`` (SellerId, required), ``sales_channel`` (default ``CDISFR``),
    ``token_url``, ``page_size`` (max 100), ``order_sort``, ``offer_package_type``
    (``Upsert``/``Update``), ``delivery_modes`` (default offer delivery modes),
    ``offer_poll_interval``, ``offer_poll_max``.
    """

    refund_modes = ("full",)
    refund_limits = REFUND_LIMITS

    def __init__(self, config, recorder=None, sleep=time.sleep, clock=time.time):
        super().__init__(config, recorder=recorder, sleep=sleep)
        self.clock = clock
        self._token_requested = False
        self._renewed_after_401 = False
        self._carriers = None
        self._reasons = None

    # -- token and calls ------------------------------------------------------------
    @property
    def token_url(self):
        """options["token_url"], else the production Keycloak URL for the production API,
        else the same path on the API host (simulator, proxies)."""
        explicit = self.option("token_url")
        if explicit:
            return explicit
        parts = urlsplit(self.config.base_url)
        if parts.netloc.endswith("octopia-io.net"):
            return PRODUCTION_TOKEN_URL
        return f"{parts.scheme}://{parts.netloc}{TOKEN_PATH}"

    @property
    def seller_id(self):
        seller = str(self.option("account", "")).strip()
        if not seller:
            raise UserInputError("Octopia: the seller id (SellerId) is not set on the channel.",
                                 code="credentials_missing", params={"marketplace": "Octopia"})
        return seller

    def _access_token(self, force=False):
        token, expires_at = self.config.token_store.get()
        if token and not force:
            remaining = (expires_at or 0) - self.clock()
            # a token from an earlier run is renewed 5 minutes early; ours is used until it expires
            if remaining > TOKEN_RENEW_MARGIN or (self._token_requested and remaining > 0):
                return token
        return self._request_token()

    def _request_token(self):
        login = self.config.credentials.get("login")
        secret = self.config.credentials.get("secret")
        if not login or not secret:
            raise AuthenticationError("Octopia: the client id and client secret are not set on the channel.",
                                      code="credentials_missing", params={"marketplace": "Octopia"})
        self._token_requested = True
        data = {"grant_type": "client_credentials", "client_id": login, "client_secret": secret}
        try:
            response = self.http.request("POST", self.token_url, operation="get token", data=data,
                                         expected=(200,))
        except RemoteError as exc:  # Keycloak answers 400 for unknown clients/grants
            raise AuthenticationError(f"Octopia refused the client credentials: {exc.message}",
                                      status=exc.status) from exc
        try:
            body = response.json()
            token = body["access_token"]
            expires_in = float(body.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError) as exc:
            raise TemporaryError("get token: malformed token response from Octopia") from exc
        self.config.token_store.set(token, self.clock() + expires_in)
        return token

    def _headers(self, token):
        return {"Authorization": f"Bearer {token}", "SellerId": self.seller_id,
                "SalesChannelId": self.option("sales_channel", DEFAULT_SALES_CHANNEL),
                "Accept": "application/json"}

    def _quota_hook(self, operation):
        def hook(response, message):
            if response.status_code == 403 and "quota" in (message or "").lower():
                retry_after = parse_quota_delay(message)
                raise QuotaExhaustedError(
                    f"{operation}: Octopia call quota exhausted ({message}). Synchronization paused.",
                    retry_after=retry_after if retry_after is not None else DEFAULT_QUOTA_WAIT, status=403)
        return hook

    def _request(self, method, path, *, operation, headers=None, **kwargs):
        """One authenticated call; a 401 renews the token once per run, then raises."""
        while True:
            token = self._access_token()
            all_headers = dict(self._headers(token), **(headers or {}))
            try:
                return self.http.request(method, path, operation=operation, headers=all_headers,
                                         error_hook=self._quota_hook(operation), **kwargs)
            except AuthenticationError as exc:
                if exc.status != 401 or self._renewed_after_401:
                    raise
                self._renewed_after_401 = True
                _logger.info("Octopia answered 401 to %s: renewing the access token once", operation)
                self._access_token(force=True)

    def _json(self, method, path, *, operation, **kwargs):
        response = self._request(method, path, operation=operation, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TemporaryError(f"{operation}: malformed JSON from Octopia (HTTP {response.status_code}, "
                                 f"{len(response.content)} bytes)") from exc

    def _absolute(self, link):
        return urljoin(self.http.base_url + "/", link)

    def check_connection(self):
        """Obtain a token and read the carrier list; returns what was verified."""
        self._access_token()
        carriers = self.list_carriers()
        return [f"Access token obtained from {self.token_url}",
                f"Seller {self.seller_id} reachable on {self.option('sales_channel', DEFAULT_SALES_CHANNEL)} "
                f"({len(carriers)} carriers)"]

    # -- orders ---------------------------------------------------------------------
    def _page_size(self):
        try:
            size = int(self.option("page_size", MAX_PAGE_SIZE))
        except (TypeError, ValueError):
            size = MAX_PAGE_SIZE
        return max(1, min(size, MAX_PAGE_SIZE))

    def _order_filters(self, updated_from, updated_to):
        params = {"updatedAtMin": _iso(updated_from)}
        if updated_to:
            params["updatedAtMax"] = _iso(updated_to)
        sort = self.option("order_sort", ORDER_SORT)
        if sort and sort != "none":
            params["sort"] = sort
        return params

    def iter_order_pages(self, updated_from: datetime, updated_to: datetime | None = None):
        """Yield raw order lists from ``GET /orders`` (pageIndex from 1) until a short page."""
        size = self._page_size()
        params = dict(self._order_filters(updated_from, updated_to), pageSize=size)
        max_pages = int(self.option("max_pages", 2000))
        for index in range(1, max_pages + 1):
            params["pageIndex"] = index
            items = _items(self._json("GET", "/orders", operation="list orders", params=params), "list orders")
            if items:
                yield items
            if len(items) < size:
                return
        raise TemporaryError(f"list orders: more than {max_pages} pages of {size} orders in one window; "
                             "the rest will be read by the next run")

    def count_orders(self, updated_from, updated_to=None):
        """``GET /orders/count`` (a bare integer) for the same window."""
        body = self._json("GET", "/orders/count", operation="count orders",
                          params=self._order_filters(updated_from, updated_to))
        return int(body or 0)

    def order_key(self, payload):
        if not isinstance(payload, dict):
            return "", ""
        return _scrub_surrogates(str(payload.get("orderId") or "")), str(payload.get("updatedAt") or "")

    def get_order(self, external_id):
        """Raw payload of one order (``GET /orders/{orderId}``)."""
        return self._json("GET", f"/orders/{quote(str(external_id), safe='')}",
                          operation=f"get order {external_id}")

    def normalize_order(self, payload):
        """Octopia order -> :class:`NormalizedOrder` (prices VAT included, shipping from lines)."""
        if not isinstance(payload, dict):
            raise InvalidOrderError("Octopia order payload is not a JSON object")
        payload = _scrub_surrogates(payload)  # "\udcff" JSON escapes cannot be stored by PostgreSQL
        order_id = str(payload.get("orderId") or "").strip()
        try:
            return self._normalize(payload, order_id).clean()
        except InvalidOrderError as exc:
            raise InvalidOrderError(f"Octopia order {order_id or '(no orderId)'}: {exc.message}") from exc
        except (AttributeError, TypeError, KeyError, ValueError, ArithmeticError) as exc:
            raise InvalidOrderError(
                f"Octopia order {order_id or '(no orderId)'}: malformed payload ({type(exc).__name__}: {exc})"
            ) from exc

    def _normalize(self, payload, order_id):
        if not order_id:
            raise InvalidOrderError("no orderId")
        raw_status = payload.get("status")
        status = ORDER_STATUS_MAP.get(raw_status)
        if status is None:
            raise InvalidOrderError(f"unknown Octopia status {raw_status!r}")
        raw_lines = payload.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise InvalidOrderError("no order lines")
        lines = [self._normalize_line(raw, index) for index, raw in enumerate(raw_lines)]
        shipping_source = self._shipping_address_source(raw_lines)
        billing_source = payload.get("billingAddress") or shipping_source
        if not billing_source:
            raise InvalidOrderError("neither a billing address nor a shipping address")
        billing = self._address(billing_source)
        shipping = self._address(shipping_source) if shipping_source else self._address(billing_source)
        billing.email = billing.email or shipping.email
        billing.phone = billing.phone or shipping.phone
        shipping_amount = 0.0
        shipping_rate = None
        for raw in raw_lines:
            selling = raw.get("sellingPrice") or {}
            shipping_amount += float(selling.get("shippingCost") or 0.0)
            if shipping_rate is None:
                shipping_rate = self._tax_rate(selling.get("taxes"), shipping=True)
        total = (payload.get("totalPrice") or {}).get("sellingPrice")
        return NormalizedOrder(
            external_id=order_id,
            reference=payload.get("reference") or order_id,
            updated_at=payload.get("updatedAt"),
            created_at=payload.get("createdAt") or payload.get("purchasedAt"),
            status=status,
            marketplace_status=raw_status,
            lines=lines,
            billing=billing,
            shipping=shipping,
            currency=payload.get("currencyCode") or "EUR",
            customer_external_id=(payload.get("customer") or {}).get("reference") or "",
            prices_include_tax=True,
            shipping_amount=round(shipping_amount, 2),
            shipping_tax_rate=shipping_rate,
            fees=self._fees(payload, raw_lines),
            total_amount=total,
            is_business=bool(payload.get("businessOrder")),
            paid=status in PAID_STATUSES,
            raw=payload,
        )

    def _normalize_line(self, raw, index):
        if not isinstance(raw, dict):
            raise InvalidOrderError(f"line {index + 1} is not a JSON object")
        offer = raw.get("offer") or {}
        selling = raw.get("sellingPrice") or {}
        if selling.get("unitSalesPrice") is None:
            raise InvalidOrderError(f"line {index + 1} ({offer.get('sellerProductId') or '?'}): "
                                    "no sellingPrice.unitSalesPrice")
        line_status = raw.get("status") or ""
        return NormalizedLine(
            external_id=str(raw.get("orderLineId") or ""),
            quantity=raw.get("quantity"),
            unit_price=selling.get("unitSalesPrice"),
            sku=offer.get("sellerProductId") or "",
            ean=offer.get("productGtin") or "",
            name=offer.get("productTitle") or "",
            tax_rate=self._tax_rate(selling.get("taxes"), shipping=False),
            shippable=(offer.get("supplyMode") or SELLER_SUPPLY_MODE) == SELLER_SUPPLY_MODE,
            status=line_status,
            cancel_requested=line_status == LINE_CANCEL_REQUEST,
        )

    @staticmethod
    def _tax_rate(taxes, shipping):
        """VAT rate (percent) of the product or shipping part of ``sellingPrice.taxes``."""
        for tax in taxes or ():
            if not isinstance(tax, dict) or str(tax.get("code") or "VAT").upper() != "VAT":
                continue
            is_shipping = "shipping" in str(tax.get("target") or "").lower()
            if is_shipping != shipping or tax.get("rate") in (None, ""):
                continue
            rate = float(tax["rate"])
            # [INFERRED] a rate given as a fraction (0.2) rather than a percent (20.0)
            return rate * 100 if 0 < rate < 1 else rate
        return None

    @staticmethod
    def _shipping_address_source(raw_lines):
        """Shipping address of the first Seller line (it sits on lines, not on the order)."""
        with_address = [r for r in raw_lines if isinstance(r, dict) and r.get("shippingAddress")]
        for raw in with_address:
            if ((raw.get("offer") or {}).get("supplyMode") or SELLER_SUPPLY_MODE) == SELLER_SUPPLY_MODE:
                return raw["shippingAddress"]
        return with_address[0]["shippingAddress"] if with_address else None

    @staticmethod
    def _address(data):
        if not isinstance(data, dict):
            raise InvalidOrderError("an address is not a JSON object")
        name = " ".join(str(data.get(k) or "").strip() for k in ("firstName", "lastName")).strip()
        street2 = ", ".join(str(data.get(k)).strip() for k in ("addressLine2", "addressLine3") if data.get(k))
        return NormalizedAddress(
            name=name, company_name=data.get("companyName") or "", street=data.get("addressLine1") or "",
            street2=street2, zip=data.get("postalCode") or "", city=data.get("city") or "",
            country_code=data.get("countryCode") or "", email=data.get("email") or "",
            phone=data.get("phone") or data.get("mobilePhone") or "", vat=data.get("companyVatNumber") or "",
            pickup_id=data.get("pickupId") or "", pickup_name=data.get("pickupName") or "")

    @staticmethod
    def _fees(payload, raw_lines):
        fees = [NormalizedFee(fee.get("label") or "Octopia fee", fee.get("amount"))
                for fee in payload.get("serviceFees") or () if isinstance(fee, dict)]
        if fees:
            return fees
        commission = 0.0
        for raw in raw_lines:
            data = ((raw.get("offerPrice") or {}).get("commission") or {})
            commission += float(data.get("amountWithVat") or data.get("amountWithTax") or 0.0)
        return [NormalizedFee("Octopia commission", round(commission, 2))] if commission else []

    # -- actions --------------------------------------------------------------------
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
                                              json={"approval_status": value}, retry=False),
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
            lambda: self._request("POST", "/order-cancellation-requests", operation=operation, json=body,
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

    def _code_label_list(self, path, operation, params=None):
        body = self._json("GET", path, operation=operation, params=params)
        items = body if isinstance(body, list) else (body or {}).get("items") or []
        return [(str(i.get("code") or ""), str(i.get("label") or i.get("code") or ""))
                for i in items if isinstance(i, dict) and (i.get("code") or i.get("label"))]

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
                params={"salesChannel": self.option("sales_channel", DEFAULT_SALES_CHANNEL)})
        return self._reasons

    def upload_invoice(self, order_external_id, pdf_bytes, filename="invoice.pdf"):
        """Upload the customer invoice PDF (``POST /orders/{orderId}/invoice-documents``)."""
        files = {"file": (filename, pdf_bytes, "application/pdf")}
        return self._json("POST", f"/orders/{quote(str(order_external_id), safe='')}/invoice-documents",
                          operation=f"upload invoice {order_external_id}", files=files) or {}

    # -- offers ---------------------------------------------------------------------
    def push_offers(self, offers):
        """Stream offers into JSON offer packages (chunks of 100, at most 50,000 per package),
        submit, poll and yield one :class:`OfferResult` per offer."""
        package_type = self.option("offer_package_type", "Upsert")
        default_modes = self.option("delivery_modes") or ()
        chunk_size = max(1, min(int(self.option("offer_chunk_size", MAX_OFFERS_PER_CALL)), MAX_OFFERS_PER_CALL))
        package_max = max(chunk_size, min(int(self.option("offer_package_max", MAX_OFFERS_PER_PACKAGE)),
                                          MAX_OFFERS_PER_PACKAGE))
        chunks = chunked(offers, chunk_size)
        chunk = next(chunks, None)
        while chunk is not None:
            package_id = self._create_offer_package(package_type)
            skus = []
            while chunk is not None and len(skus) + len(chunk) <= package_max:
                body = [offer_request(o, package_type=package_type, default_delivery_modes=default_modes)
                        for o in chunk]
                try:
                    self._request("POST", f"/offer-packages/{package_id}/offer-requests",
                                  operation="upload offers", json=body)
                    skus.extend(o.seller_sku for o in chunk)
                except RemoteError as exc:
                    for offer in chunk:
                        yield OfferResult(offer.seller_sku, "error", f"Octopia refused the upload: {exc.message}")
                chunk = next(chunks, None)
            if skus:
                yield from self._finish_offer_package(package_id, skus)

    def _create_offer_package(self, package_type):
        response = self._request("POST", "/offer-packages", operation="create offer package",
                                 json={"packageType": package_type},
                                 headers={"salesChannelId": self.option("sales_channel", DEFAULT_SALES_CHANNEL)})
        return self._package_id(response, "create offer package")

    @staticmethod
    def _package_id(response, operation):
        """Package id from the ``Content-Location`` (or ``Location``) header, else from the body
        (``id``/``packageId``, or a bare id)."""
        location = response.headers.get("Content-Location") or response.headers.get("Location") or ""
        package_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not package_id and response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                body = body.get("id") or body.get("packageId")
            package_id = str(body) if isinstance(body, (str, int)) and not isinstance(body, bool) else ""
        if not package_id:
            raise TemporaryError(f"{operation}: Octopia returned no package id (Content-Location)")
        return package_id

    def _finish_offer_package(self, package_id, skus):
        self._request("PATCH", f"/offer-packages/{package_id}", operation="submit offer package",
                      json={"state": "Ready"})
        interval = float(self.option("offer_poll_interval", 10))
        max_polls = int(self.option("offer_poll_max", 60))
        state = ""
        for poll in range(max_polls):
            package = self._json("GET", f"/offer-packages/{package_id}", operation="get offer package") or {}
            state = package.get("state") or package.get("packageState") or ""
            if state == "Integrated":
                break
            if state == "Rejected":
                result = package.get("result") or {}
                message = f"Octopia rejected offer package {package_id}: " + (
                    f"{result.get('resultCode', '')} {result.get('message', '')}".strip() or "no reason given")
                for sku in skus:
                    yield OfferResult(sku, "error", message)
                return
            if poll < max_polls - 1:
                self.sleep(interval)
        else:
            message = (f"Offer package {package_id} is still {state or 'pending'} after {max_polls} checks; "
                       "Octopia keeps its results for 3 days, the next push will resend the offers.")
            for sku in skus:
                yield OfferResult(sku, "error", message)
            return
        expected = Counter(skus)
        link = f"/offer-packages/{package_id}/offer-requests-results?limit={MAX_PAGE_SIZE}"
        for _page in range(len(skus) // 10 + 10):
            response = self._request("GET", link, operation="read offer results")
            try:
                items = _items(response.json(), "read offer results")
            except ValueError as exc:
                raise TemporaryError("read offer results: malformed JSON from Octopia") from exc
            for item in items:
                sku = item.get("sellerExternalReference") or ""
                if expected[sku] > 0:
                    expected[sku] -= 1
                yield self._offer_result(sku, item)
            next_link = (response.links.get("next") or {}).get("url")
            if not next_link or not items:
                break
            link = self._absolute(next_link)
        for sku, count in expected.items():
            for _i in range(count):
                yield OfferResult(sku, "error", f"Octopia returned no result for this offer in package {package_id}")

    @classmethod
    def _offer_result(cls, sku, item):
        return cls._offer_outcome(sku, item.get("integrationStatus") or "", [
            (r.get("resultCode", ""), r.get("message", "")) for r in item.get("results") or () if isinstance(r, dict)])

    @staticmethod
    def _offer_outcome(sku, status, messages):
        """:class:`OfferResult` of an integration status and its (code, message) pairs."""
        text = "; ".join(f"{code}: {message}".strip(": ") for code, message in messages)
        if status == "Integrated":
            return OfferResult(sku, "done", text)
        return OfferResult(sku, "error", f"{status or 'Rejected'}: {text}" if text else status or "Rejected")

    # -- XML offer packages ---------------------------------------------------------------
    def submit_offer_xml_package(self, url):
        """Ask Octopia to download and integrate the ZIP offer package at public ``url``
        (``POST /offer-integration-packages``); returns the package id. Not retried: a second
        call would integrate a second package."""
        field_name = self.option("offer_xml_url_field", XML_PACKAGE_URL_FIELD)
        response = self._request("POST", XML_PACKAGES_PATH, operation="submit XML offer package",
                                 json={field_name: url} if field_name else url, retry=False)
        return self._package_id(response, "submit XML offer package")

    def read_offer_xml_package(self, package_id):
        """Status and per-offer logs of an XML package (``GET /offer-integration-packages/{id}``,
        every ``$page``) as an :class:`OfferXmlPackageReport`."""
        path = f"{XML_PACKAGES_PATH}/{quote(str(package_id), safe='')}"
        limit = XML_PACKAGE_PAGE_SIZE
        results, state, errors = [], "", 0
        for page in range(1, int(self.option("max_pages", 2000)) + 1):
            body = self._json("GET", path, operation="read XML offer package",
                              params={"$limit": limit, "$page": page})
            if not isinstance(body, dict):
                raise TemporaryError("read XML offer package: unexpected response from Octopia (no JSON object)")
            state = body.get("integrationState") or body.get("packageIntegrationStatus") or ""
            if isinstance(state, dict):
                state = state.get("state") or state.get("status") or ""
            errors = int(body.get("numberOfErrors") or 0)
            logs = body.get("offerLogPagedList") or body.get("offerLogList") or []
            results.extend(self._offer_log_result(log) for log in logs if isinstance(log, dict))
            total = body.get("totalLogsCount")
            if len(logs) < limit or (total is not None and len(results) >= int(total)):
                break
        return OfferXmlPackageReport(package_id=str(package_id), state=str(state),
                                     finished=state in XML_PACKAGE_FINAL_STATES, results=results,
                                     error_count=errors)

    @classmethod
    def _offer_log_result(cls, log):
        properties = [p for p in log.get("propertyList") or () if isinstance(p, dict)]
        return cls._offer_outcome(
            str(log.get("sellerProductId") or ""), log.get("offerIntegrationStatus") or "",
            [(p.get("propertyCode") or p.get("name") or "", p.get("logMessage") or p.get("propertyError") or "")
             for p in properties])
