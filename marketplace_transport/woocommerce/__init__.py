"""WooCommerce REST API v3 transport (storefront-apis.md §2).

WooCommerce cannot sort orders by modification date (``orderby`` has no ``modified``), so a
window ``modified_after``/``modified_before`` is read completely (``orderby=id``, stable while
orders change), then yielded oldest modification first: the channel cursor, moved after each
yielded page, can never skip an order of an unread page. Large windows are split in halves
until each holds at most ``max_window_orders`` orders.

The transport (:mod:`.client`) registers itself as ``woocommerce`` on import; the normalizer of
order payloads lives in :mod:`.normalize`.
"""
from .client import (
    API_PREFIX,
    LOOPBACK_HOSTS,
    MAX_PAGE_SIZE,
    REFUND_KEY_META,
    TRACKING_META_KEY,
    TRACKING_PREFIX,
    WooCommerceTransport,
    sign_webhook,
    verify_webhook,
    webhook_order_id,
)
from .normalize import DEFAULT_VAT_META_KEYS, PAID_STATUSES, STATUS_MAP, WooCommerceNormalizer
