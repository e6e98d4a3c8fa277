"""Connector descriptors: what the core knows of a marketplace, registered by its connector addon.

Each connector addon registers one :class:`ConnectorDescriptor` per channel type it adds, in its
``connector.py`` (imported by the addon's ``__init__``), beside its transport. The core reads the
type defaults, the set-up help, the webhook rules and the capabilities from it and names no
marketplace. Capabilities come from the transport class (:meth:`Capabilities.of_transport`),
their one source of truth; the descriptor only adds what a transport cannot say.

The registry lives in the process, like the transports' one: look a descriptor up by the type of
a channel (whose selection offers only the types installed in the database).
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from odoo.tools.translate import LazyGettext, LazyTranslate

from marketplace_transport import MarketplaceError, MarketplaceTransport, get_transport_class

_lt = LazyTranslate(__name__)

#: every webhook is served at ``<WEBHOOK_PREFIX>/<channel type>/<channel id>``
WEBHOOK_PREFIX = "/marketplace/webhook"


@dataclass(frozen=True)
class WebhookSpec:
    """How a marketplace signs its order webhooks and names the order (pure functions, no Odoo).

    :param signature_header: request header holding the base64 HMAC-SHA256 of the raw body
    :param order_id: ``(headers, payload) -> str``, the external order id ("" to ignore the delivery)
    :param unsigned_answer: ``(body, headers) -> (status, text) | None``, the answer to a harmless
        unsigned delivery (a test ping), None for any other
    """

    signature_header: str
    order_id: Callable
    unsigned_answer: Callable | None = None


def _overrides(transport_class, name):
    return getattr(transport_class, name, None) is not getattr(MarketplaceTransport, name, None)


@dataclass(frozen=True)
class Capabilities:
    """What a channel type can do, as its transport class tells."""

    accept_refuse: bool = False
    offer_push: bool = False
    stock_push: bool = False
    invoice_upload: bool = False
    refund_modes: tuple = ("full",)
    refund_limits: str = ""
    #: the shop takes tax-excluded prices: the stock sync sends ``StockUpdate.price_tax_excluded``
    stock_price_tax_excluded: bool = False

    @property
    def partial_refund(self):
        return "partial" in self.refund_modes

    @property
    def amount_refund(self):
        return "amount" in self.refund_modes

    @classmethod
    def of_transport(cls, transport_class):
        """Capabilities of a :class:`MarketplaceTransport` subclass (offers carry the stock)."""
        offer_push = transport_class.supports_offer_push()
        return cls(
            accept_refuse=_overrides(transport_class, "accept_order") and _overrides(transport_class, "refuse_order"),
            offer_push=offer_push,
            stock_push=offer_push or callable(getattr(transport_class, "push_stock", None)),
            invoice_upload=callable(getattr(transport_class, "upload_invoice", None)),
            refund_modes=tuple(transport_class.refund_modes),
            refund_limits=transport_class.refund_limits or "",
            stock_price_tax_excluded=bool(getattr(transport_class, "stock_price_tax_excluded", False)),
        )


@dataclass(frozen=True, eq=False)
class ConnectorDescriptor:
    """One channel type, as its connector addon describes it to the core.

    :param channel_type: the value the addon adds to ``marketplace.channel.channel_type``
    :param label: the selection label, for documentation and checks
    :param transport: the transport class, or its registry name (default: ``channel_type``)
    :param defaults: channel field values suggested when the type is picked
    :param setup_help: onboarding HTML, lazily translated (``LazyTranslate(__name__)``)
    :param webhook: a :class:`WebhookSpec` when the marketplace posts order webhooks
    :param transport_options: ``(channel) -> dict`` merged into ``TransportConfig.options``
    :param stock_push: overrides the transport's answer (None: the transport's one)
    :param missing_address_hint: what to grant when the marketplace withholds buyers' addresses
        (lazily translated), appended to the failure of an order to ship without address
    """

    channel_type: str
    label: str = ""
    transport: type | str | None = None
    defaults: Mapping = field(default_factory=dict)
    setup_help: LazyGettext | str | None = None
    webhook: WebhookSpec | None = None
    transport_options: Callable | None = None
    stock_push: bool | None = None
    missing_address_hint: LazyGettext | str | None = None

    def __post_init__(self):
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    @property
    def transport_class(self):
        """The transport class; raises :class:`MarketplaceError` (``no_transport``) when none is installed."""
        if isinstance(self.transport, type):
            return self.transport
        return get_transport_class(self.transport or self.channel_type)

    @property
    def capabilities(self):
        """:class:`Capabilities` of the transport (none when no transport is installed)."""
        try:
            capabilities = Capabilities.of_transport(self.transport_class)
        except MarketplaceError:
            return Capabilities()
        if self.stock_push is not None:
            capabilities = replace(capabilities, stock_push=self.stock_push)
        return capabilities

    @property
    def webhook_route(self):
        """URL path of the webhook route (the channel id follows), or None."""
        return f"{WEBHOOK_PREFIX}/{self.channel_type}" if self.webhook else None


#: a type without a descriptor: generic help, its transport (if any) found by the type's name
DEFAULT_CONNECTOR = ConnectorDescriptor(
    channel_type="",
    setup_help=_lt("<p>Pick the marketplace type, fill in the credentials it gives you, then press "
                   "<b>Test connection</b>: the checks that passed are listed here.</p>"),
)

_CONNECTORS = {}


def register(descriptor):
    """Register (or replace) the descriptor of ``descriptor.channel_type``; returns it."""
    _CONNECTORS[descriptor.channel_type] = descriptor
    return descriptor


def unregister(channel_type):
    """Forget a channel type's descriptor (tests); returns it, or None."""
    return _CONNECTORS.pop(channel_type, None)


def get_connector(channel_type):
    """The registered descriptor of ``channel_type``, else the default one for that type."""
    return _CONNECTORS.get(channel_type) or replace(DEFAULT_CONNECTOR, channel_type=channel_type or "")


def all_connectors():
    """Every registered descriptor, by channel type."""
    return tuple(_CONNECTORS[key] for key in sorted(_CONNECTORS))


def translated(env, text):
    """``text`` in the language of ``env`` (lazy translations); plain strings as they are."""
    return env._(text) if isinstance(text, LazyGettext) else (text or "")
