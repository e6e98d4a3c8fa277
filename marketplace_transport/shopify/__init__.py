"""Shopify Admin REST API transport (storefront-apis.md §1).

Orders are listed with ``status=any&updated_at_min=...&order=updated_at asc`` and followed page
by page through the ``Link`` header's ``page_info`` cursor, so each page's newest ``updated_at``
is a safe resume point for the channel cursor. Shipping goes through fulfillment orders, refunds
through ``refunds/calculate`` then ``refunds``.

The transport (:mod:`.client`) registers itself as ``shopify`` on import; the normalizer of
order payloads lives in :mod:`.normalize`.
"""
from .client import (
    API_VERSION,
    CALL_LIMIT_HEADER,
    MAX_PAGE_SIZE,
    ShopifyTransport,
    sign_webhook,
    verify_webhook,
    webhook_order_id,
)
from .normalize import DEFAULT_VAT_ATTRIBUTES, PAID_STATUSES, STATUS_MAP, ShopifyNormalizer, status_key
