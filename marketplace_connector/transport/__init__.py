"""Transport layer: plain Python (requests/zeep), no ORM.

A transport talks to one marketplace API and returns orders in the normalized
shape of :mod:`.normalized`. Odoo models only configure and orchestrate it.
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
from .normalized import (
    NormalizedAddress,
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
