"""Per-variant inventory and prices held by the storefront simulators, and every update received.

Each storefront's ``inventory`` module keeps one :class:`InventoryStore` in ``app.state[<name>_inventory]``
and speaks its API's shape over it; tests read :attr:`updates` for the exact quantities received and
use :meth:`sell` / :meth:`edit` to play the shop's own sales and the merchant's hand edits.
"""
import threading
from dataclasses import dataclass, field


@dataclass
class SimVariant:
    sku: str
    barcode: str
    product_id: str
    variant_id: str
    inventory_id: str
    title: str = ""
    price: float = 10.0
    levels: dict = field(default_factory=dict)  # location -> quantity
    revision: int = 1
    extra: dict = field(default_factory=dict)


class InventoryStore:
    """Variants by id, the update log and the hooks run before a write is applied."""

    def __init__(self, default_location=""):
        self.default_location = default_location
        self.variants = {}  # variant id -> SimVariant
        self.by_sku = {}
        self.by_inventory = {}
        self.updates = []  # (variant id, location, quantity) of every write applied
        self.price_updates = []  # (variant id, price) as received
        self.products = {}  # product id -> product-level values of the simulator (e.g. a base price)
        self.before_write = []  # callables run (once each) before the next write is applied
        self.before_read = []  # callables run (once each) before the next read of quantities
        self.refuse = {}  # sku -> message: writes to it are refused
        self.refuse_price = {}  # sku -> message: price writes to it are refused
        self.lock = threading.RLock()

    def add(self, variant):
        with self.lock:
            self.variants[variant.variant_id] = variant
            self.by_sku[variant.sku] = variant
            self.by_inventory[variant.inventory_id] = variant
        return variant

    def quantity(self, sku, location=None):
        variant = self.by_sku[sku]
        return variant.levels.get(self.default_location if location is None else location, 0)

    def sell(self, sku, quantity=1, location=None):
        """The shop's own sale: the shop's quantity goes down at once."""
        self.adjust(sku, -quantity, location)

    def edit(self, sku, quantity, location=None):
        """The merchant edits the quantity by hand in the shop's back office."""
        with self.lock:
            variant = self.by_sku[sku]
            variant.levels[self.default_location if location is None else location] = quantity
            variant.revision += 1

    def adjust(self, sku, delta, location=None):
        with self.lock:
            variant = self.by_sku[sku]
            key = self.default_location if location is None else location
            variant.levels[key] = variant.levels.get(key, 0) + delta
            variant.revision += 1

    def run_hooks(self, queue=None):
        """Run (and forget) the hooks queued for the next write (or read): a sale racing our push."""
        queue = self.before_write if queue is None else queue
        hooks, queue[:] = list(queue), []
        for hook in hooks:
            hook()

    def write(self, variant, quantity, location=None):
        key = self.default_location if location is None else location
        variant.levels[key] = quantity
        variant.revision += 1
        self.updates.append((variant.variant_id, key, quantity))

    def updates_of(self, sku):
        """Quantities written to ``sku``, in order."""
        variant_id = self.by_sku[sku].variant_id
        return [quantity for vid, _loc, quantity in self.updates if vid == variant_id]


def store(app, name, default_location=""):
    """The store of simulator ``name`` on ``app`` (created on first use)."""
    key = f"{name}_inventory"
    if key not in app.state:
        app.state[key] = InventoryStore(default_location)
    return app.state[key]


def reset_store(app, name):
    app.state.pop(f"{name}_inventory", None)
