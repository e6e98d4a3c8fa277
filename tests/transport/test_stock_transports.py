"""The four shop transports' stock methods against their simulators over real HTTP (no Odoo): catalogue
pages, quantities read, batches written at the documented sizes, a refused item alone, Shopify's
compare-and-set and throttling, Wix's relative adjustment."""
import json
from pathlib import Path

import pytest
from marketplace_simulator import shopify
from transport_testing import build_transport, serve_simulator

from marketplace_transport import RateLimitedError, StockUpdate, get_transport_class, prestashop, wix, woocommerce  # noqa: F401 (register the transports)
from marketplace_transport.shopify.stock import ShopifyStock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _shops():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from stock_shops import shops

    return shops()


def _transport(shop, url, sleeps=None):
    vals = shop.channel_vals(url)
    credentials = {"login": vals.get("api_login"), "secret": vals.get("api_secret")}
    return build_transport(get_transport_class(vals["channel_type"]), url, credentials,
                           {"account": vals.get("api_account"), "requests_per_minute": 100000}, sleeps=sleeps)


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
    assert ShopifyStock._throttle_wait(throttled) == pytest.approx(1.0)
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
