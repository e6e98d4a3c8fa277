"""The run objects of an import (plain Python): each payload read and normalized once, the listing
watched, the page's queued creations and the counters of a run."""
import doctest
from datetime import UTC, datetime

from odoo.addons.marketplace_connector import run as run_module
from odoo.addons.marketplace_connector import tools
from odoo.addons.marketplace_connector.run import FAILED, IMPORTED, QUEUED, ImportRun, Listing, Page
from odoo.addons.marketplace_connector.tools import dates, text


class CountingTransport:
    """order_key / normalize_order of dict payloads, counting the calls."""

    def __init__(self):
        self.keys = self.normalized = 0

    def order_key(self, payload):
        self.keys += 1
        return payload["id"], payload["updated"]

    def normalize_order(self, payload):
        self.normalized += 1
        if payload.get("bad"):
            raise ValueError("bad order")
        return Order(payload["id"], payload["updated"])


class Order:
    def __init__(self, external_id, updated):
        self.external_id = external_id
        self.updated_at = datetime.fromisoformat(updated.replace("Z", "+00:00"))
        self.raw = {"id": external_id}


def test_doctests():
    for module in (run_module, dates, text):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_payload_key_and_normalization_computed_once():
    transport = CountingTransport()
    page = Page.from_payloads(transport, [{"id": "A", "updated": "2024-05-01T10:00:00Z"},
                                 {"id": "B", "updated": "2024-05-01T11:00:00Z", "bad": True}, ["garbage"]])
    good, bad, garbage = page.items
    for _round in range(3):
        good.normalize(transport)
        bad.normalize(transport)
        garbage.normalize(transport)
    assert transport.keys == 3 and transport.normalized == 2
    assert good.order.external_id == "A" and good.updated_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert isinstance(bad.normalize_error, ValueError) and bad.order is None
    assert garbage.key_error is not None and (garbage.external_id, garbage.updated_raw) == ("", "")
    try:
        bad.normalized(transport)
    except ValueError as exc:
        assert str(exc) == "bad order"
    else:
        raise AssertionError("the stored error is raised")
    assert page.newest_listed() == datetime(2024, 5, 1, 11, tzinfo=UTC)


def test_queued_creation_is_an_explicit_outcome():
    transport = CountingTransport()
    page = Page.from_payloads(transport, [{"id": "A", "updated": "2024-05-01T10:00:00Z"}])
    item = page.items[0]
    item.normalize(transport)
    page.queue_creation(item, {"name": "x"})
    assert item.outcome == QUEUED and item.vals == {"name": "x"}
    assert page.is_queued("A") and not page.is_queued("B")
    assert page.take_creations() == [item] and not page.to_create
    item.done("sale", IMPORTED)
    assert (item.sale, item.outcome) == ("sale", IMPORTED)


def test_listing_tracks_sort_and_changed_orders():
    listing = Listing(start_cursor="cursor")
    t1, t2, t3 = (datetime(2024, 5, 1, hour, tzinfo=UTC) for hour in (10, 11, 12))
    assert not listing.track("A", t2)
    assert not listing.track("B", t3)
    assert listing.track("C", t1), "older than one already listed: unsorted"
    assert not listing.track("D", t1), "reported once"
    assert not listing.sorted and listing.newest == t3
    listing.track("A", t3)
    assert listing.ceiling == t2, "listed twice in two versions: the first caps the cursor"


def test_run_counts_into_a_given_dict():
    stats = {}
    run = ImportRun.of(stats)
    run.count(IMPORTED)
    run.count(FAILED, 2)
    assert stats == {IMPORTED: 1, FAILED: 2}
    assert ImportRun.of(run) is run
    assert run.memo("regime_positions") is run.memo("regime_positions")
    assert run.failure_refs is None, "not loaded: the failures are searched"


def test_concurrent_update_recognized_through_causes():
    try:
        try:
            raise tools.ConcurrentUpdate("deadlock")
        except tools.ConcurrentUpdate as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as exc:
        assert tools.is_concurrent_update(exc)
    assert not tools.is_concurrent_update(ValueError("bad order"))
