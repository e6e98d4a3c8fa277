"""WooCommerce REST API v3 simulator (orders, notes, refunds, system status, Shipment Tracking).

Follows storefront-apis.md §2: ``/wp-json/wc/v3/orders`` with ``modified_after``/``modified_before``
(site-local dates unless ``dates_are_gmt=true``), ``page``/``per_page`` <= 100, ``X-WP-Total``,
``X-WP-TotalPages`` and ``Link`` headers; consumer key/secret by HTTP Basic or query parameters;
WordPress error bodies ``{"code", "message", "data": {"status"}}``; the Shipment Tracking extension
under ``/wp-json/wc-shipment-tracking/v3``. Orders use the documented example order's shape:
line ``subtotal``/``total`` are always tax excluded, ``prices_include_tax`` says how prices were entered.

The package splits the simulator by resource: :mod:`.constants`, :mod:`.generator` (orders),
:mod:`.api` (authentication), :mod:`.state` (``register``, ``reset``), :mod:`.orders`, :mod:`.refunds`
and :mod:`.tracking`. Every public name is importable from here.
"""
from .constants import MAX_PER_PAGE, NAME, PREFIX, PROVIDERS, SITE_TZ, TRACKING_PREFIX, VAT_RATE_ID
from .generator import CATALOG, CUSTOMERS, generate_orders, make_order
from .api import touch, wp_error
from .inventory import add_product, inventory, reset_inventory
from .state import register, reset, seed_demo, update_order
