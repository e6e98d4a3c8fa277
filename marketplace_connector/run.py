"""The state of an order import run, as plain objects passed from method to method (no ORM).

- :class:`ImportRun`: what one run knows -- its cursor window, how its listing looked, the lookups
  it memoized (only records that existed before they were looked up) and its counters.
- :class:`Page`: one listing page -- a :class:`PageItem` per raw payload, the new orders it creates
  together and the sale orders it confirms together.
- :class:`PageItem`: one raw payload, read once (key, 'updated at', normalized order) and what
  became of it (``outcome``, ``sale``).

The scheduled run walks its pages (``marketplace.channel._import_orders``); Retry, webhooks and
the recovery of one order build a run of one item whose page creates and confirms at once.
"""
from marketplace_transport.normalized import parse_datetime

IMPORTED, SKIPPED, FAILED, QUEUED = "imported", "skipped", "failed", "queued"


def parse_updated(value):
    """An 'updated at' as listed -> aware UTC datetime, or None when it cannot be read.

    >>> parse_updated("2024-05-01T10:00:00Z").isoformat()
    '2024-05-01T10:00:00+00:00'
    >>> parse_updated("yesterday") is None
    True
    """
    try:
        return parse_datetime(value)
    except Exception:  # noqa: BLE001 - any unreadable value
        return None


class Listing:
    """How a run's listing looked so far (see ``marketplace.channel._track_listing``)."""

    def __init__(self, start_cursor=None):
        self.start_cursor = start_cursor  # the channel's cursor when the run started
        self.newest = None  # newest 'updated at' listed
        self.sorted = True  # False once an order older than one already listed came
        self.ceiling = None  # first version of an order listed twice in two versions
        self.seen = {}  # external id -> its first 'updated at'

    def track(self, external_id, updated_at):
        """Take one listed order into account.

        :return: True when this order shows the listing is not sorted by 'updated at' (first time only)
        """
        first = self.seen.setdefault(external_id, updated_at)
        if first != updated_at:
            self.ceiling = min(self.ceiling or first, first)
        unsorted = bool(self.sorted and self.newest and updated_at < self.newest)
        if unsorted:
            self.sorted = False
        self.newest = max(self.newest or updated_at, updated_at)
        return unsorted


class ImportRun:
    """One import run: window, listing, memoized lookups, counters and the page being imported."""

    def __init__(self, start=None, now=None, start_cursor=None, stats=None):
        self.start = start  # 'updated since' of the window (naive UTC)
        self.now = now  # the run's clock (naive UTC): the cursor never goes past it
        self.listing = Listing(start_cursor)
        self.stats = stats if stats is not None else {IMPORTED: 0, FAILED: 0, SKIPPED: 0}
        self.interrupted = False  # a page met a concurrent update: the next run redoes it
        self.page = None  # the Page being imported
        # lookups memoized for the run: only records that existed before them
        self.absent_orders = set()  # (channel id, external id) without a sale order
        self.failure_refs = None  # external ids with an open failure; None: not loaded, ask
        self.bindings = {}  # (channel id, customer id) -> partner id
        self.absent_bindings = set()  # (channel id, customer id) without a binding
        self.page_buyers = {}  # (channel id, external id) -> partner id found for the page
        self.products = {}  # (channel id, sku, ean, other refs) -> product id
        self.countries = {}  # ISO code -> country id
        self.currencies = {}  # ISO code -> currency id
        self.teams = {}  # channel id -> default sales team id
        self.analytic_models = {}  # company id -> whether analytic distribution models exist
        self.included_taxes = {}  # tax id -> its price-included twin's id
        self._memos = {}

    @classmethod
    def of(cls, run):
        """``run`` itself, or a run of its own collecting into ``run`` when it is a counters dict."""
        return run if isinstance(run, cls) else cls(stats=run)

    def memo(self, name):
        """A dict memoized for the run under ``name``, for the lookups of other addons."""
        return self._memos.setdefault(name, {})

    def count(self, outcome, number=1):
        self.stats[outcome] = self.stats.get(outcome, 0) + number


class PageItem:
    """One raw order payload of a page and what became of it."""

    def __init__(self, payload, order=None):
        self.payload = payload
        self.external_id = ""
        self.updated_raw = ""  # 'updated at' as listed
        self.key_error = None  # why the payload has no key (it cannot be imported)
        self.updated_at = None  # 'updated at' as listed, parsed (None: unreadable)
        self.order = order  # the normalized order
        self.normalize_error = None  # why the payload cannot be normalized
        self.vals = None  # values of its new sale order, when it is created with its page
        self.sale = None  # its sale order, once created or found
        self.outcome = None  # IMPORTED, SKIPPED, FAILED or QUEUED
        self.cursor_at = None  # the 'updated at' the cursor may pass once the item is processed

    @classmethod
    def from_payload(cls, transport, payload):
        """An item with its key and listed 'updated at', read once."""
        item = cls(payload)
        try:
            item.external_id, item.updated_raw = transport.order_key(payload)
        except Exception as exc:  # noqa: BLE001 - recorded as a failure by the import
            item.key_error = exc
            return item
        item.updated_at = parse_updated(item.updated_raw)
        return item

    @classmethod
    def of_order(cls, order):
        """An item for an already normalized order (imported on its own)."""
        item = cls(order.raw, order=order)
        item.external_id = order.external_id
        item.updated_at = order.updated_at
        return item

    def normalize(self, transport):
        """The normalized order, computed once; None when the payload cannot be normalized."""
        if self.order is None and self.normalize_error is None and self.key_error is None:
            try:
                self.order = transport.normalize_order(self.payload)
            except Exception as exc:  # noqa: BLE001 - the order fails alone in its import
                self.normalize_error = exc
        return self.order

    def normalized(self, transport):
        """The normalized order; raises what prevented normalizing it."""
        if self.normalize(transport) is None:
            raise self.normalize_error
        return self.order

    def done(self, sale, outcome):
        self.sale = sale
        self.outcome = outcome


class Page:
    """One page of a run: its items, the new orders it creates together and the orders it confirms
    together. A page with ``together=False`` creates and confirms each order at once."""

    def __init__(self, items, together=True):
        self.items = list(items)
        self.together = together
        self.to_create = []  # items whose new sale order waits for the page's batch create
        self.to_confirm = []  # ids of the sale orders to confirm at the end of the page

    @classmethod
    def from_payloads(cls, transport, payloads, together=True):
        return cls([PageItem.from_payload(transport, payload) for payload in payloads], together=together)


    @classmethod
    def of(cls, transport, page):
        """``page`` itself, or a page read from ``page`` when it is a list of raw payloads."""
        return page if isinstance(page, cls) else cls.from_payloads(transport, page)

    @property
    def payloads(self):
        return [item.payload for item in self.items]

    def queue_creation(self, item, vals):
        """Leave the creation of ``item``'s sale order (``vals``) to the page's batch."""
        item.vals = vals
        item.outcome = QUEUED
        self.to_create.append(item)

    def is_queued(self, external_id):
        """True when an order with this id waits for the page's batch create."""
        return any(item.order.external_id == external_id for item in self.to_create)

    def take_creations(self):
        """The items waiting for the batch create, which no longer wait."""
        items, self.to_create = self.to_create, []
        return items

    def confirm(self, sale_id):
        self.to_confirm.append(sale_id)

    def newest(self):
        """Newest 'updated at' the cursor may pass once the page is processed (None: none)."""
        return max((item.cursor_at for item in self.items if item.cursor_at), default=None)

    def newest_listed(self):
        """Newest listed 'updated at' of the page (None: none readable)."""
        return max((item.updated_at for item in self.items if item.updated_at), default=None)
