"""Shopify's idempotency answers to ``inventorySetQuantities`` (served by the simulator's fault injection,
bodies from tests/fixtures/shopify/inventorySetQuantities.idempotency.response.json) over real HTTP: the
same key while the first request may still run, a new key after a failed attempt, a bounded number of
times, then only that batch fails; never a quantity applied twice."""
import json
from pathlib import Path

import pytest
from marketplace_simulator import shopify
from transport_testing import build_transport, serve_simulator

from marketplace_transport import StockUpdate, get_transport_class
from marketplace_transport.shopify import stock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
FIXTURE = FIXTURES / "inventorySetQuantities.idempotency.response.json"
ATTEMPTS = stock.IDEMPOTENCY_RETRIES + 1


class Shop:
    """A served simulator with ``count`` variants (quantity 5), its transport and what it slept."""

    def __init__(self, app, server):
        self.app, self.sleeps = app, []
        self.transport = build_transport(get_transport_class("shopify"), server.url,
                                         {"secret": "shpat_static"}, {"auth_mode": "static"}, sleeps=self.sleeps)

    def updates(self, quantity=9):
        variants = [v for page in self.transport.iter_catalog_pages() for v in page]
        return [StockUpdate(key=v.sku, sku=v.sku, product_ref=v.product_ref, variant_ref=v.variant_ref,
                            inventory_ref=v.inventory_ref, quantities={shopify.LOCATION: quantity},
                            expected=dict(v.quantities)) for v in variants]

    def push(self, updates):
        return {r.key: r for r in self.transport.push_stock(updates)}

    def keys(self):
        return self.app.state[shopify.NAME].get("idempotency_sent", [])

    def writes(self):
        return shopify.inventory(self.app).updates


@pytest.fixture
def shop():
    with serve_simulator(shopify, token="shpat_static") as (app, server):
        for number in (1, 2):
            shopify.add_variant(app, number, f"SKU-{number}", 5)
        yield Shop(app, server)


def test_fixture_holds_the_three_documented_codes_the_transport_handles():
    answers = json.loads(FIXTURE.read_text())
    assert set(answers) == {stock.CONCURRENT, stock.PREVIOUS_FAILED, stock.KEY_MISMATCH}
    for code, answer in answers.items():
        payload = answer["data"]["inventorySetQuantities"]
        assert payload["inventoryAdjustmentGroup"] is None and [e["code"] for e in payload["userErrors"]] == [code]
    assert "new idempotency key" in answers[stock.PREVIOUS_FAILED]["data"]["inventorySetQuantities"][
        "userErrors"][0]["message"]


def test_concurrent_request_is_sent_again_with_the_same_key_and_applied_once(shop):
    updates = shop.updates()
    shopify.fail_idempotency(shop.app, stock.CONCURRENT, times=2)
    assert {k: r.state for k, r in shop.push(updates).items()} == {"SKU-1": "done", "SKU-2": "done"}
    keys = shop.keys()
    assert len(keys) == 3 and len(set(keys)) == 1, "the same key while the first request may still run"
    assert shop.sleeps == [stock.IDEMPOTENCY_DELAY] * 2
    assert len(shop.writes()) == 2, "each quantity written once (by the first request), never again"
    assert shopify.inventory(shop.app).quantity("SKU-1") == 9


def test_previous_attempt_failed_is_sent_again_with_a_new_key(shop):
    updates = shop.updates()
    shopify.fail_idempotency(shop.app, stock.PREVIOUS_FAILED, times=2)
    assert {r.state for r in shop.push(updates).values()} == {"done"}
    keys = shop.keys()
    assert len(keys) == 3 and len(set(keys)) == 3, "a new key after each failed attempt"
    assert shop.sleeps == [] and len(shop.writes()) == 2


@pytest.mark.parametrize(("code", "attempts"), [(stock.PREVIOUS_FAILED, ATTEMPTS), (stock.CONCURRENT, ATTEMPTS),
                                                (stock.KEY_MISMATCH, 1)])
def test_batch_still_refused_fails_alone_with_a_clear_error(code, attempts):
    with serve_simulator(shopify, token="shpat_static") as (app, server):
        for number in range(1, stock.STOCK_BATCH + 2):  # two batches: 250 items, then 1
            shopify.add_variant(app, number, f"SKU-{number:03d}", 5)
        shop = Shop(app, server)
        updates = shop.updates()
        shopify.fail_idempotency(app, code, times=attempts)
        results = shop.push(updates)
        failed = [r for r in results.values() if r.state == "error"]
        assert len(failed) == stock.STOCK_BATCH and all(r.retry for r in failed), "the first batch only"
        assert results[f"SKU-{stock.STOCK_BATCH + 1}"].state == "done", "the next batch is sent"
        assert code in failed[0].message and f"after {attempts} attempt(s)" in failed[0].message
        assert "a later run reads the shop and sends it again" in failed[0].message
        assert len(shop.keys()) == attempts + 1
        expected = stock.STOCK_BATCH + 1 if code == stock.CONCURRENT else 1  # the in-progress request lands
        assert len(shop.writes()) == expected, "a concurrent batch written once (its first request), a failed one never"
        assert len({(variant, loc) for variant, loc, _qty in shop.writes()}) == expected, "never twice"
