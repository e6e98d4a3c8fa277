"""PrestaShop Webservice transport (``https://<shop>/api/``), see storefront-apis.md section 3.

- auth: HTTP Basic, the 32-character webservice key as user, empty password;
- reads in JSON (``output_format=JSON``), writes in XML (what the webservice accepts);
- incremental listing on ``filter[date_upd]=[from,to]&date=1``, sorted by ``date_upd`` then
  ``id``, paged with ``limit=offset,count``; dates are in the shop time zone;
- each page is completed with its customers, addresses, countries and currency (one call per
  resource and page, ``filter[id]=[1|2|3]``) so the payload kept for audit is self-contained;
- ship: ``PUT /api/order_carriers/{id}`` (tracking number) + ``POST /api/order_histories``
  (the Shipped state); refund: the Refunded state only (see :data:`REFUND_LIMITS`).

The transport (:mod:`.client`) registers itself as ``prestashop`` on import; the order state
mapping and the normalizer of order payloads live in :mod:`.normalize`.
"""
from .client import (
    CUSTOMER_FIELDS,
    DEFAULT_REFUNDED_STATE,
    DEFAULT_SHIPPED_STATE,
    DEFAULT_TIMEZONE,
    EMPTY_DATE,
    MAX_PAGE_SIZE,
    PS_DATE,
    REFUND_LIMITS,
    REQUIRED_RIGHTS,
    SECRET_FIELDS,
    PrestashopTransport,
    ps_xml,
    ws_error_message,
)
from .normalize import STATUS_MAP, PrestashopNormalizer, StateMapError, parse_state_map, ps_text
