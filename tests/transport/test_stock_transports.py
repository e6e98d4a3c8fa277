"""The four shop transports' stock methods against their simulators over real HTTP (no Odoo): catalogue
pages, quantities read, batches written at the documented sizes, a refused item alone, Shopify's
compare-and-set and throttling, Wix's relative adjustment."""
import json
import time
from pathlib import Path

import pytest
from marketplace_simulator import shopify
from transport_testing import build_transport, serve_simulator

from marketplace_transport import RateLimitedError, StockUpdate, get_transport_class, prestashop, wix, woocommerce  # noqa: F401 (register the transports)
from marketplace_transport.exceptions import RemoteError
from marketplace_transport.shopify.stock import SET_MUTATION, ShopifyStock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _shops():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from stock_shops import shops

    return shops()


def _transport(shop, url, sleeps=None, **options):
    vals = shop.channel_vals(url)
    credentials = {"login": vals.get("api_login"), "secret": vals.get("api_secret")}
    return build_transport(get_transport_class(vals["channel_type"]), url, credentials,
                           {"account": vals.get("api_account"), "requests_per_minute": 100000, **options},
                           sleeps=sleeps)


def _updates(variants, quantity):
    return [StockUpdate(key=v.variant_ref, sku=v.sku, product_ref=v.product_ref, variant_ref=v.variant_ref,
                        inventory_ref=v.inventory_ref, quantities={loc: quantity for loc in v.quantities})
            for v in variants]


@pytest.mark.parametrize("shop", _shops(), ids=lambda s: s.name)
def test_catalogue_read_write_and_refusal(shop):
    with serve_simulator(shop.module, **shop.options) as (app, server):
        shop.app = app
        for number in range(1, 251):
            shop.add_variant(app, number, f"SKU-{number:03d}", 5)
        shop.inventory().refuse["SKU-007"] = "refused by the shop"
        transport = _transport(shop, server.url)
        variants = [v for page in transport.iter_catalog_pages() for v in page]
        assert sorted(v.sku for v in variants) == [f"SKU-{n:03d}" for n in range(1, 251)]
        updates = _updates(variants, 12)
        current = transport.read_stock(updates)
        assert {sum(q.values()) for q in current.values()} == {5}
        for update in updates:
            update.expected = current[update.key]
        results = {r.key: r for r in transport.push_stock(updates)}
        refused = [r for r in results.values() if r.state != "done"]
        assert len(refused) == 1 and "refused by the shop" in refused[0].message
        assert shop.quantity("SKU-008") == 12 and shop.quantity("SKU-007") == 5
        assert len(shop.inventory().updates) == 249


def test_shopify_compare_and_set_marks_a_raced_item_stale():
    shop = _shops()[0]
    with serve_simulator(shopify, **shop.options) as (app, server):
        shop.app = app
        for number in (1, 2):
            shopify.add_variant(app, number, f"SKU-{number}", 5)
        transport = _transport(shop, server.url)
        updates = _updates([v for page in transport.iter_catalog_pages() for v in page], 9)
        for update in updates:
            update.expected = {shopify.LOCATION: 5}
        shop.inventory().before_write.append(lambda: shop.inventory().sell("SKU-2", 1))
        states = {r.key.rsplit("/", 1)[1]: r.state for r in transport.push_stock(updates)}
        assert states == {"1": "done", "2": "stale"}
        assert (shop.quantity("SKU-1"), shop.quantity("SKU-2")) == (9, 4)


def test_shopify_throttle_waits_then_raises_with_the_documented_shape():
    throttled = json.loads((FIXTURES / "shopify" / "throttled.response.json").read_text())
    offline = _transport(_shops()[0], "http://127.0.0.1:9")
    offline._note_cost("list variants", throttled["extensions"])
    assert offline._refill(offline._costs["list variants"]) == pytest.approx((10 - 4) / 100.0)
    shop, sleeps = _shops()[0], []
    with serve_simulator(shopify, **shop.options) as (app, server):
        app.state[shopify.NAME]["cost_bucket"] = shopify.CostBucket(maximum=5, restore_rate=0.01)
        transport = _transport(shop, server.url, sleeps=sleeps)
        with pytest.raises(RateLimitedError):
            list(transport.iter_catalog_pages())
        assert sleeps == [], "a wait longer than max_wait is not slept: the run pauses"


def test_shopify_stale_fixture_names_the_refused_row():
    payload = json.loads((FIXTURES / "shopify" / "inventorySetQuantities.stale.response.json").read_text())
    errors = payload["data"]["inventorySetQuantities"]["userErrors"]
    rows = [(StockUpdate(key=str(i), sku=str(i)), "loc", 1) for i in range(3)]
    refused = ShopifyStock._refused_rows(rows, errors)
    assert {key: r.state for key, r in refused.items()} == {"1": "stale"}


def test_wix_adjustment_is_relative_to_the_quantity_read():
    shop = _shops()[3]
    with serve_simulator(shop.module, **shop.options) as (app, server):
        shop.app = app
        shop.add_variant(app, 1, "SKU-1", 5)
        transport = _transport(shop, server.url)
        updates = _updates([v for page in transport.iter_catalog_pages() for v in page], 9)
        updates[0].expected = transport.read_stock(updates)[updates[0].key]
        shop.inventory().before_write.append(lambda: shop.inventory().sell("SKU-1", 2))
        assert [r.state for r in transport.push_stock(updates)] == ["done"]
        assert shop.quantity("SKU-1") == 7, "5 read, 9 wanted: +4 on the 3 left after the sale"
        assert app.count_requests(r"/inventoryItems/increment$") == 1


class _RealSleeps(list):
    """The sleeps asked for, each slept for at most 50 ms (the simulator's bucket refills meanwhile)."""

    def append(self, seconds):
        super().append(seconds)
        time.sleep(min(seconds, 0.05))


def _set_call(transport, rows, key=None, **fields):
    """One raw ``inventorySetQuantities`` (``key`` None: no ``@idempotent`` directive)."""
    document = SET_MUTATION % key if key else SET_MUTATION.replace(' @idempotent(key: "%s")', "")
    quantities = [dict({"inventoryItemId": f"gid://shopify/InventoryItem/{n}", "locationId": shopify.LOCATION,
                        "quantity": qty}, **fields) for n, qty in rows]
    variables = {"input": {"name": "available", "reason": "correction", "quantities": quantities}}
    return transport._graphql(document, variables, operation="set stock")["inventorySetQuantities"]["userErrors"]


def test_shopify_simulator_follows_the_api_version_of_the_url():
    shop = _shops()[0]
    with serve_simulator(shopify, **shop.options) as (app, server):
        shop.app = app
        shopify.add_variant(app, 1, "SKU-1", 5)
        new, old = _transport(shop, server.url), _transport(shop, server.url, api_version="2026-01")
        with pytest.raises(RemoteError, match="@idempotent"):
            _set_call(new, [(1, 9)], changeFromQuantity=5)
        with pytest.raises(RemoteError, match="changeFromQuantity is required"):
            _set_call(new, [(1, 9)], key="k-1")
        with pytest.raises(RemoteError, match="compareQuantity: Field is not defined"):
            _set_call(new, [(1, 9)], key="k-1", changeFromQuantity=5, compareQuantity=5)
        assert [e["code"] for e in _set_call(old, [(1, 9)], compareQuantity=4)] == ["COMPARE_QUANTITY_STALE"]
        assert [e["code"] for e in _set_call(old, [(1, 9)], changeFromQuantity=4, compareQuantity=5)] == [
            "CHANGE_FROM_QUANTITY_STALE"], "changeFromQuantity overrides compareQuantity from 2026-01"
        assert [e["code"] for e in _set_call(new, [(1, 9)], key="k-2", changeFromQuantity=4)] == [
            "CHANGE_FROM_QUANTITY_STALE"]
        assert shop.inventory().updates == [], "nothing written so far"
        assert _set_call(new, [(1, 9)], key="k-3", changeFromQuantity=None) == [], "null opts out of the check"
        assert _set_call(new, [(1, 9)], key="k-3", changeFromQuantity=None) == [], "the same answer again"
        assert len(shop.inventory().updates) == 1, "a request sent again with its key is not applied twice"
        assert [e["code"] for e in _set_call(new, [(1, 8)], key="k-3", changeFromQuantity=None)] == [
            "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]


@pytest.mark.parametrize("version", ["2026-01", "2026-04", "2026-10"])
def test_shopify_stale_change_from_quantity_on_every_supported_version(version):
    shop = _shops()[0]
    with serve_simulator(shopify, **shop.options) as (app, server):
        shop.app = app
        for number in (1, 2):
            shopify.add_variant(app, number, f"SKU-{number}", 5)
        transport = _transport(shop, server.url, api_version=version)
        updates = _updates([v for page in transport.iter_catalog_pages() for v in page], 9)
        updates[0].expected, updates[1].expected = transport.read_stock(updates).values()
        shop.inventory().before_write.append(lambda: shop.inventory().sell("SKU-2", 1))
        results = {r.key.rsplit("/", 1)[1]: r for r in transport.push_stock(updates)}
        assert {k: r.state for k, r in results.items()} == {"1": "done", "2": "stale"}
        assert results["2"].message.startswith("CHANGE_FROM_QUANTITY_STALE")
        keys = app.state[shopify.NAME]["idempotency_sent"]
        assert len(keys) == 2 and len(set(keys)) == 2 and None not in keys, "a new key for the second attempt"


def test_shopify_idempotency_key_is_kept_by_a_throttled_retry():
    shop, sleeps = _shops()[0], _RealSleeps()
    with serve_simulator(shopify, **shop.options) as (app, server):
        shop.app = app
        shopify.add_variant(app, 1, "SKU-1", 5)
        transport = _transport(shop, server.url, sleeps=sleeps)
        updates = _updates([v for page in transport.iter_catalog_pages() for v in page], 9)
        updates[0].expected = {shopify.LOCATION: 5}
        bucket = app.state[shopify.NAME]["cost_bucket"] = shopify.CostBucket(maximum=10, restore_rate=1000)
        bucket.available = 0
        assert [r.state for r in transport.push_stock(updates)] == ["done"]
        keys = app.state[shopify.NAME]["idempotency_sent"]
        assert len(sleeps) >= 1 and len(keys) == len(sleeps) + 1 and len(set(keys)) == 1
        assert shop.quantity("SKU-1") == 9
