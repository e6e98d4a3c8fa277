"""Wix eCommerce simulator (``/ecom/v1/...``), after storefront-apis.md section 4.

- auth: ``Authorization: <API key>`` plus ``wix-site-id`` (never together with ``wix-account-id``);
- ``POST /ecom/v1/orders/search``: ``search { filter, sort, cursorPaging { limit, cursor } }``,
  default limit 100 (max 100), default sort ``createdDate DESC``, ``INITIALIZED`` orders never
  returned, filters ``$eq $ne $gt $gte $lt $lte`` on dates/status/number; a cursor carries its
  query, so filter/sort must not be sent with it; answer ``{orders, pagingMetadata {count,
  cursors {next}, hasNext}}``;
- ``GET /ecom/v1/orders/{id}``;
- ``POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`` and
  ``GET /ecom/v1/fulfillments/orders/{orderId}``;
- ``GET /ecom/v1/payments/orders/{orderId}`` (order transactions),
  ``POST /ecom/v1/order-billing/get-order-refundability`` and ``.../refund-payments`` (documented top-level
  fields only; offline payments refunded with ``externalRefund`` only, authorized and gift-card ones never);
- rate limit: ``rate_limit`` requests per minute per site (200) -> HTTP 429 (no documented
  ``Retry-After``, so none is sent).

Amounts are strings in ``{"amount": "12.50"}`` objects; dates ISO-8601 UTC with milliseconds.

The package splits the simulator by resource: :mod:`.generator` (state, orders), :mod:`.api`
(errors, guard), :mod:`.orders`, :mod:`.fulfillments`, :mod:`.payments` and :mod:`.state`
(``register``). Every public name is importable from here.
"""
from .generator import (
    DEFAULT_API_KEY,
    DEFAULT_SITE_ID,
    FIRST_NAMES,
    LAST_NAMES,
    MAX_LIMIT,
    NAME,
    PLACES,
    PRODUCTS,
    SHIPPING,
    add_order,
    generate_orders,
    iso,
    new_state,
    touch,
)
from .api import guard, wix_error
from .fulfillments import fulfilled_quantities
from .payments import refundability, refunded_by_payment
from .inventory import add_product, inventory, reset_inventory
from .state import register, seed_demo
