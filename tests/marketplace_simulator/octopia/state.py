"""Octopia simulator state (orders, tokens, packages...), its registration on an app, test helpers."""
import collections
import random
from datetime import UTC, datetime, timedelta

from .api import register_token
from .constants import (
    CANCELLATION_REASONS,
    CARRIERS,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SELLER_ID,
    HIDDEN_ADDRESS_STATUSES,
    NAME,
    NEXT_STATUS,
    ORDER_STATUSES,
)
from .generator import _line_status, generate_orders, iso, parse_iso
from .offers import register_offer_packages
from .order_services import register_order_services
from .orders import register_orders
from .xml_offers import register_xml_packages


class OctopiaState:
    """In-memory seller account. All mutations go through the app lock."""

    def __init__(self, app, *, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET,
                 seller_id=DEFAULT_SELLER_ID, expires_in=7200, quota=None, quota_delay="00:11:35",
                 package_steps=2, accept_status="Accepted", now=None, mask_billing=False):
        self.app = app
        self.lock = app.lock
        self.client_id = client_id
        self.client_secret = client_secret
        self.seller_id = seller_id
        self.expires_in = expires_in
        self.quota = quota  # None: unlimited; N: the (N+1)th API call answers the quota 403
        self.quota_delay = quota_delay
        self.package_steps = package_steps  # GETs of a Ready package before it is Integrated
        self.accept_status = accept_status
        self.mask_billing = mask_billing  # also hide the billing address until InPreparation (legacy rule)
        self.now = now or (lambda: datetime.now(UTC))
        self.tokens = {}  # token -> expiry (time.time())
        self.token_requests = 0
        self.api_calls = 0
        self.orders = {}
        self._sorted = None
        self.carriers = [dict(c) for c in CARRIERS]
        self.cancellation_reasons = [dict(r) for r in CANCELLATION_REASONS]
        self.cancellation_requests = []
        self.shipments = []  # (orderId, parcel) accepted
        self.approvals = []  # (orderId, approval_status)
        self.packages = {}
        self.offers = {}  # sellerExternalReference -> last integrated offer request (+ "xml" attributes)
        self.xml_packages = {}  # packageId (int) -> XML offer package
        self.xml_downloads = []  # URLs the XML packages were downloaded from
        self.invoices = []  # (orderId, filename, bytes)
        self.invoice_imports = {}  # importId -> {orderId, fileName, reads}
        self.invoice_import_steps = 0  # reads answering Running before the final status
        self.invoice_import_error = ""  # non-empty: the import ends in Failure with this message
        self.seen_headers = collections.deque(maxlen=1000)  # seller/channel headers of recent API calls
        # Fault hooks of GET /orders (reliability tests): ``before_list(page_index)`` runs before the
        # listing is computed (e.g. mutate an order between two pages); ``list_view(page_index,
        # page_size, orders) -> orders`` may return another full listing (out of order, duplicates).
        self.before_list_hooks = []
        self.list_view_hooks = []

    # -- helpers for tests, benchmark and demo ---------------------------------
    def reset(self, **settings):
        """Forget every order, token, package... (tests sharing one server); keeps the routes."""
        with self.lock:
            self.__init__(self.app, **settings)
            self.app.requests.clear()
            self.app.clear_faults()

    def add_orders(self, orders):
        """Add or replace orders (``orderId`` key); returns their ids."""
        with self.lock:
            for order in orders:
                self.orders[order["orderId"]] = order
            self._sorted = None
        return [o["orderId"] for o in orders]

    def touch(self, order, when=None):
        order["updatedAt"] = iso(when or self.now())
        self._sorted = None

    def set_status(self, order_id, status, line_status=None, *, lines=None, when=None):
        """Move an order (and its lines, or the given line ids) to ``status``; bumps updatedAt."""
        if status not in ORDER_STATUSES:
            raise ValueError(f"unknown Octopia status {status}")
        with self.lock:
            order = self.orders[order_id]
            order["status"] = status
            for line in order["lines"]:
                if lines is None or line["orderLineId"] in lines:
                    line["status"] = line_status or _line_status(status)
            self.touch(order, when)
            return order

    def progress_orders(self, count, seed=0):
        """Move ``count`` random open orders one step along the lifecycle (demo, benchmark):
        Processing -> WaitingAcceptance -> Accepted -> InPreparation -> Shipped -> Delivered.
        Returns the ids moved."""
        rng = random.Random(seed)
        with self.lock:
            candidates = sorted(oid for oid, o in self.orders.items() if o["status"] in NEXT_STATUS)
            moved = rng.sample(candidates, min(count, len(candidates)))
            for order_id in moved:
                order = self.orders[order_id]
                self.set_status(order_id, NEXT_STATUS[order["status"]])
                if order["status"] == "Shipped":
                    for line in order["lines"]:
                        if line["offer"].get("supplyMode", "Seller") == "Seller" and not line["parcels"]:
                            line["parcels"] = [{"parcelNumber": f"6A{rng.randrange(10**11):011d}",
                                                "carrierName": "Colissimo", "trackingUrl": ""}]
        return moved

    def expire_tokens(self):
        """Make every issued token expired (the next API call answers 401)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = 0.0

    def sorted_orders(self):
        """[(updatedAt datetime, orderId, order)] sorted, cached until the next change."""
        with self.lock:
            if self._sorted is None:
                self._sorted = sorted((parse_iso(o["updatedAt"]), o["orderId"], o) for o in self.orders.values())
            return self._sorted

    def public_order(self, order):
        """The order as the API shows it (no shipping address before InPreparation)."""
        if order["status"] not in HIDDEN_ADDRESS_STATUSES:
            return order
        shown = dict(order)
        if self.mask_billing:
            shown.pop("billingAddress", None)
        shown["lines"] = [{k: v for k, v in line.items() if k != "shippingAddress"} for line in order["lines"]]
        return shown


def register(app, orders=None, **settings):
    """Register the Octopia routes on ``app``; returns the :class:`OctopiaState`."""
    state = OctopiaState(app, **settings)
    app.state[NAME] = state
    if orders:
        state.add_orders(orders)
    _register_routes(app, state)
    return state


def get_state(app):
    return app.state[NAME]


def add_orders(app, orders):
    return get_state(app).add_orders(orders)


def set_status(app, order_id, status, line_status=None, **kwargs):
    return get_state(app).set_status(order_id, status, line_status, **kwargs)


def progress_orders(app, count, seed=0):
    return get_state(app).progress_orders(count, seed)


def expire_tokens(app):
    get_state(app).expire_tokens()


def _register_routes(app, state):
    register_token(app, state)
    register_orders(app, state)
    register_order_services(app, state)
    register_offer_packages(app, state)
    register_xml_packages(app, state)


def seed_demo(app, count, seed=1):
    """Demo feed (``python -m marketplace_simulator``): ``count`` recent orders with the usual mix."""
    start = datetime.now(UTC) - timedelta(seconds=30 * (count + 1))
    add_orders(app, generate_orders(count, seed=seed, start=start, step_seconds=30, id_prefix=f"DEMO{seed % 1000:03d}"))
