"""Shopify Admin REST API simulator (orders, fulfillment orders, fulfillments, refunds, shop).

Follows storefront-apis.md §1: date-versioned paths ``/admin/api/<version>/...``,
``X-Shopify-Access-Token`` auth, ``status=any|open|closed|cancelled``, ``updated_at_min``,
``limit`` <= 250, cursor pagination through the ``Link`` header (``page_info``; no other filter
allowed with it), the leaky-bucket call limit (``X-Shopify-Shop-Api-Call-Limit``, 429 +
``Retry-After``), errors as ``{"errors": ...}``. Orders use the REST/webhook shape of the
documented example orders (shopify-api-js fixtures).

The package splits the simulator by resource: :mod:`.constants`, :mod:`.generator` (orders),
:mod:`.api` (bucket, auth), :mod:`.state` (``register``, ``reset``), :mod:`.orders`, :mod:`.fulfillments`
:mod:`.refunds`, the GraphQL Admin API (:mod:`.gql`, :mod:`.gql_shape`) and the client-credentials
grant (:mod:`.oauth`); the stock sync's GraphQL in :mod:`.inventory` and :mod:`.idempotency`.
Every public name is importable from here.
"""
from .constants import CLIENT_ID, CLIENT_SECRET, API_VERSION, DEFAULT_LIMIT, MAX_LIMIT, NAME, PREFIX, SHOP_TZ, THROTTLED
from .generator import B2B_VAT, CATALOG, CUSTOMERS, generate_orders, make_order
from .api import Bucket
from .inventory import LOCATION, add_variant, inventory, reset_inventory
from .idempotency import fail_idempotency
from .state import add_order, register, reset, seed_demo, update_order
from .cost import CostBucket
from .gql_shape import graphql_order
from .oauth import expire_tokens
