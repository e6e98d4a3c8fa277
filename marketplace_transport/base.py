"""Base class of the per-marketplace transports, and their registry by channel type."""
import time
from dataclasses import dataclass, field
from datetime import datetime

from .exceptions import MarketplaceError
from .http import HttpClient

_REGISTRY = {}


def register_transport(channel_type):
    """Class decorator: ``@register_transport("octopia")``."""

    def decorator(cls):
        cls.channel_type = channel_type
        _REGISTRY[channel_type] = cls
        return cls

    return decorator


def get_transport_class(channel_type):
    try:
        return _REGISTRY[channel_type]
    except KeyError:
        raise MarketplaceError(f"No transport is installed for channel type {channel_type!r}",
                               code="no_transport", params={"channel_type": channel_type}) from None


class TokenStore:
    """Where a transport keeps its access token between runs (in memory by default).

    The Odoo channel passes a store backed by its own (manager-only) fields.
    """

    def __init__(self, token=None, expires_at=0.0):
        self.token = token
        self.expires_at = expires_at

    def get(self):
        return self.token, self.expires_at

    def set(self, token, expires_at):
        self.token, self.expires_at = token, expires_at


@dataclass
class TransportConfig:
    base_url: str
    credentials: dict = field(default_factory=dict)  # secrets: never logged
    options: dict = field(default_factory=dict)  # non-secret settings (seller id, page size...)
    timeout: float = 30.0
    max_retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    token_store: TokenStore = field(default_factory=TokenStore)

    def secret_values(self):
        return [str(v) for v in self.credentials.values() if v]


class MarketplaceTransport:
    """One marketplace API. Subclasses implement the methods they support.

    Orders come back as raw payloads page by page (:meth:`iter_order_pages`), so one bad
    payload never stops the others; :meth:`normalize_order` then turns each into a
    :class:`~.normalized.NormalizedOrder` or raises :class:`~.exceptions.InvalidOrderError`.
    """

    channel_type = None
    #: refunds this marketplace accepts: "full", "partial" (lines, quantities, shipping) and
    #: "amount" (an amount alone, without lines: a goodwill gesture); see ``RefundRequest.mode``
    refund_modes = ("full",)
    #: human explanation shown by the refund wizard of what the marketplace cannot refund
    refund_limits = ""
    #: largest page the API serves; :attr:`page_size` caps the ``page_size`` option with it
    max_page_size = 100

    def __init__(self, config, recorder=None, sleep=time.sleep):
        self.config = config
        self.recorder = recorder
        self.sleep = sleep
        self.http = self._make_http_client()

    def _make_http_client(self):
        return HttpClient(
            self.config.base_url, timeout=self.config.timeout, max_retries=self.config.max_retries,
            backoff=self.config.backoff, max_wait=self.config.max_wait, recorder=self.recorder,
            secrets=self.config.secret_values(), sleep=self.sleep)

    def option(self, name, default=None):
        value = self.config.options.get(name)
        return default if value in (None, "") else value

    @property
    def page_size(self):
        """The ``page_size`` option, between 1 and :attr:`max_page_size` (the maximum when unset)."""
        return max(1, min(int(self.option("page_size", self.max_page_size)), self.max_page_size))

    # -- connection ---------------------------------------------------------------
    def check_connection(self):
        """Return a list of what was verified (human sentences); raise on failure."""
        raise NotImplementedError

    # -- orders -------------------------------------------------------------------
    def iter_order_pages(self, updated_from: datetime, updated_to: datetime | None = None):
        """Yield lists of raw order payloads updated in the window, page by page."""
        raise NotImplementedError

    def order_key(self, payload):
        """(external id, updated_at string) of a raw payload, without full validation."""
        raise NotImplementedError

    def normalize_order(self, payload):
        """Raw payload -> cleaned :class:`NormalizedOrder`."""
        raise NotImplementedError

    def get_order(self, external_id):
        """Raw payload of one order (for retry and webhooks)."""
        raise NotImplementedError

    # -- actions ------------------------------------------------------------------
    def accept_order(self, external_id):
        raise self._not_supported("accept", "accepting orders")

    def refuse_order(self, external_id):
        raise self._not_supported("refuse", "refusing orders")

    def _not_supported(self, operation, what):
        return MarketplaceError(f"{self.channel_type}: {what} is not supported", code="not_supported",
                                params={"channel_type": self.channel_type, "operation": operation})

    def ship_order(self, shipment):
        """Send carrier and tracking; returns a dict of what the marketplace answered."""
        raise NotImplementedError

    def refund_order(self, refund):
        raise NotImplementedError

    def list_carriers(self):
        """[(code, label)] of the carriers the marketplace accepts (empty: free text)."""
        return []

    def list_refund_reasons(self):
        """[(code, label)] of the refund reasons the marketplace accepts (empty: free text)."""
        return []

    # -- offers -------------------------------------------------------------------
    @classmethod
    def supports_offer_push(cls):
        """True when the subclass implements :meth:`push_offers`."""
        return cls.push_offers is not MarketplaceTransport.push_offers

    def push_offers(self, offers):
        """Send an iterable of :class:`OfferUpdate`; yield :class:`OfferResult`."""
        raise self._not_supported("push_offers", "pushing offers")
