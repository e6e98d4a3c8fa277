"""Shopify Admin API transport: GraphQL Admin API by default, REST (legacy) on request.

GraphQL (:mod:`.graphql`): ``orders(query: "updated_at:>=...", sortKey: UPDATED_AT)`` with cursor
paging and cost-based throttling, ``fulfillmentCreate`` on fulfillment orders, ``suggestedRefund``
then ``refundCreate``; both order shapes normalize alike (:mod:`.graphql_shape`).
Tokens: a static Admin API token or the client-credentials grant (:mod:`.auth`).

REST: orders are listed with ``status=any&updated_at_min=...&order=updated_at asc`` and followed page
by page through the ``Link`` header's ``page_info`` cursor, so each page's newest ``updated_at``
is a safe resume point for the channel cursor. Shipping goes through fulfillment orders, refunds
through ``refunds/calculate`` then ``refunds``.

The transport (:mod:`.client`) registers itself as ``shopify`` on import; the normalizer of
order payloads lives in :mod:`.normalize`.
"""
from .auth import CLIENT_CREDENTIALS, STATIC, TOKEN_PATH
from .client import (
    API_VERSION,
    CALL_LIMIT_HEADER,
    GRAPHQL,
    REST,
    MAX_PAGE_SIZE,
    ShopifyTransport,
    sign_webhook,
    verify_webhook,
    webhook_order_id,
)
from .normalize import DEFAULT_VAT_ATTRIBUTES, PAID_STATUSES, STATUS_MAP, ShopifyNormalizer, status_key
from .graphql_shape import gid_id, is_graphql_order, rest_order
from .versions import newest_stable, support_end, version_status, version_warning
