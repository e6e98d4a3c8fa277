"""Octopia Seller API v2 simulator (Keycloak token + ``/seller/v2`` REST endpoints).

Follows /work/shared/reference/octopia-api.md: problem+json errors, ``{"itemsPerPage", "items"}``
envelopes, ``pageIndex`` from 1 and ``pageSize`` at most 100, snake_case approval body, shipments
as a JSON array answered 201, carriers as a bare list with non-unique codes, the JSON
offer-package flow with ``Content-Location`` and ``Link`` cursor paging, the XML offer packages
(``/offer-integration-packages``: the ZIP is downloaded from the posted URL over real HTTP) and
the APIM quota 403.

Usage::

    app = SimulatorApp()
    state = octopia.register(app, orders=octopia.generate_orders(50, seed=1))
    with SimulatorServer(app) as server:
        base_url = server.url + octopia.API_PREFIX
        token_url = server.url + octopia.TOKEN_PATH

The package splits the simulator by resource: :mod:`.constants`, :mod:`.generator` (orders),
:mod:`.state` (account state, ``register``), :mod:`.api` (guarded routes, token), :mod:`.orders`,
:mod:`.order_services` (carriers, cancellations, invoices), :mod:`.refunds` (partial
cancellations, commercial gestures), :mod:`.offers` (JSON packages) and
:mod:`.xml_offers` (XML packages). Every public name is importable from here.
"""
from .constants import (
    API_PREFIX,
    CANCELLATION_REASONS,
    CARRIERS,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SELLER_ID,
    DISCOUNT_TYPES,
    GESTURE_STATUSES,
    HIDDEN_ADDRESS_STATUSES,
    MAX_OFFERS_PER_CALL,
    MAX_OFFERS_PER_PACKAGE,
    MAX_OFFERS_PER_XML_PACKAGE,
    MAX_PAGE_SIZE,
    MAX_XML_PACKAGE_BYTES,
    NAME,
    NEXT_STATUS,
    OFFER_CONDITIONS,
    OFFER_XML_NAMESPACE,
    ORDER_STATUSES,
    PACKAGING_UNITS,
    PRICE_ALIGNMENT_ACTIONS,
    PRODUCT_CONDITION_NAMES,
    QUOTA_MESSAGE,
    RECORDED_HEADERS,
    REFUNDABLE_STATUSES,
    SHIPPABLE_LINE_STATUSES,
    TOKEN_PATH,
    XML_LOG_PAGE_MAX,
    XML_PACKAGE_ENTRIES,
    XML_PACKAGE_URL_FIELDS,
)
from .generator import CATALOG, ean13, generate_orders, gtin_is_valid, iso, parse_iso, vat_number
from .refunds import gesture_allowable
from .state import OctopiaState, add_orders, expire_tokens, get_state, progress_orders, register, seed_demo, set_status
