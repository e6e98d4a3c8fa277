"""Transport layer of the marketplace suite: plain Python (requests/zeep), no Odoo, no database.

A transport talks to one marketplace API and returns orders in the normalized shape of
:mod:`.normalized`; it raises the typed errors of :mod:`.exceptions`, each with a stable ``code``.
Odoo addons configure and orchestrate it. The core (this module, ``base``, ``http``,
``normalized``, ``webhook``) knows no marketplace; each connector is a module of its own
(``octopia``, ``shopify``, ``woocommerce``, ``prestashop``, ``wix``) that registers its transport
with ``@register_transport`` when imported, and ``vies`` / ``vies_rest`` are the EU VAT number check
clients (SOAP and REST).
"""
from .base import MarketplaceTransport, TransportConfig, get_transport_class, register_transport
from .exceptions import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceError,
    QuotaExhaustedError,
    RateLimitedError,
    RemoteError,
    TemporaryError,
    UserInputError,
)
from .http import Exchange, HttpClient
from .stock import NO_LOCATION, CatalogVariant, StockResult, StockUpdate
from .normalized import (
    NormalizedAddress,
    NormalizedCharge,
    NormalizedFee,
    NormalizedLine,
    NormalizedOrder,
    OfferUpdate,
    OfferResult,
    OrderStatus,
    RefundLine,
    RefundRequest,
    ShipmentRequest,
)
