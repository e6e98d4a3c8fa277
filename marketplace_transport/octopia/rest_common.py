"""Constants and helpers shared by the Octopia REST transport's modules (rest.py and its mixins).

What the reference notes mark as inferred is isolated in the constants below.
"""
import re
from datetime import UTC

from marketplace_transport import OrderStatus, TemporaryError

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
# [INFERRED] one place each; evidence for and against in marketplace_octopia/readme/OCTOPIA_INFERRED.md
APPROVAL_STATUS_KEY = "approval_status"  # body key of POST /orders/{id}/approval-status (snake_case)
CANCELLATION_REQUESTS_PATH = "/order-cancellation-requests"  # also for Cdiscount orders
CANCELLATION_REASON_KEYS = ("code", "label")  # items of GET /cancellation-reasons
INVOICE_FILE_PART = "file"  # multipart part name of POST /orders/{id}/invoice-documents
SHIPPING_COST_PER_LINE = True  # sellingPrice.shippingCost is the line's shipping, not per unit
INVOICE_IMPORT_ERROR_KEYS = ("errorMessage", "message", "integrationStatus")  # message of a failed file
# Orders not yet InPreparation may come without any address (shipping address from InPreparation,
# reference §2.3): they import with a placeholder buyer in the sales channel's country, e.g. CDISFR -> FR.
ADDRESS_MASKED_STATUSES = ("Processing", "WaitingAcceptance", "Accepted")
PLACEHOLDER_COUNTRY = "FR"  # when the sales channel id does not end with a country code
# Invoice imports (official "Orders Invoices" page): Running, Success, PartialSuccess, Failure.
INVOICE_IMPORT_PATH = "/order-invoice-imports/{import_id}"
INVOICE_IMPORT_DONE = ("Success",)
INVOICE_IMPORT_FAILED = ("Failure", "PartialSuccess")
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
