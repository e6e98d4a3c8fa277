"""Stock sync shapes shared by the storefront transports (no Odoo).

A transport that takes stock implements three methods:

- ``iter_catalog_pages()`` yields lists of :class:`CatalogVariant` (the shop's variants);
- ``read_stock(updates)`` returns ``{update.key: {location: quantity}}`` as the shop holds them now;
- ``push_stock(updates)`` sends :class:`StockUpdate` batches and yields one :class:`StockResult` each.

Quantities are per location (``{location id: quantity}``); a shop without locations uses the key
:data:`NO_LOCATION`.
"""
from dataclasses import dataclass, field

#: location key of shops that hold one quantity per variant
NO_LOCATION = ""


@dataclass
class CatalogVariant:
    """One sellable variant of the shop's catalogue."""

    sku: str
    barcode: str = ""
    product_ref: str = ""
    variant_ref: str = ""
    inventory_ref: str = ""
    title: str = ""
    quantities: dict = field(default_factory=dict)  # location -> quantity
    price: float | None = None


@dataclass
class StockUpdate:
    """What to set on one variant. ``expected`` holds the quantities read just before (compare-and-set
    or relative adjustment where the API offers it); ``price`` (the channel's pricelist) is None when prices
    are not sent, or not changed since last sent; ``price_tax_excluded`` is that price without the product's
    taxes, set for the shops whose transport says ``stock_price_tax_excluded``."""

    key: str
    sku: str
    product_ref: str = ""
    variant_ref: str = ""
    inventory_ref: str = ""
    quantities: dict = field(default_factory=dict)
    expected: dict | None = None
    price: float | None = None
    price_tax_excluded: float | None = None

    def net_price(self):
        """The tax-excluded price when the core computed it, else the price."""
        return self.price if self.price_tax_excluded is None else self.price_tax_excluded


@dataclass
class StockResult:
    """Outcome of one update: ``done``, ``error`` (refused, ``message`` says why) or ``stale`` (the shop's
    quantity moved since it was read: read again and retry). ``retry``: an ``error`` of the call, not of the
    item (Shopify's idempotency answers), that the next run sends again."""

    key: str
    state: str
    message: str = ""
    quantities: dict = field(default_factory=dict)
    retry: bool = False


def chunked(items, size):
    """Lists of at most ``size`` items of an iterable (bounded memory)."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stale_or_error(update, message, stale):
    return StockResult(update.key, "stale" if stale else "error", message)
