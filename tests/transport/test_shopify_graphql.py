"""Shopify GraphQL Admin API and client-credentials tokens, against the simulator over real HTTP."""
import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from marketplace_simulator import shopify as sim
from transport_testing import QUICK_RETRIES, TransportHarness, serve_simulator

from marketplace_transport import (
    AuthenticationError,
    RateLimitedError,
    RefundLine,
    RefundRequest,
    ShipmentRequest,
    TransportConfig,
    UserInputError,
)
from marketplace_transport.base import TokenStore
from marketplace_transport.shopify import API_VERSION, ShopifyTransport, newest_stable, rest_order, version_warning

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
CC = {"login": sim.CLIENT_ID, "secret": sim.CLIENT_SECRET, "webhook_secret": "whsec_x"}


class Harness(TransportHarness):
    simulator = sim

    def transport(self, credentials=None, store=None, clock=None, sleep=None, **options):
        """A GraphQL transport; client credentials unless ``credentials`` says otherwise."""
        options.setdefault("auth_mode", "client_credentials" if credentials is None else "static")
        config = TransportConfig(base_url=self.server.url, credentials=dict(credentials or CC), options=options,
                                 token_store=store or TokenStore(), **QUICK_RETRIES)
        return ShopifyTransport(config, recorder=self.exchanges.append, sleep=sleep or self.sleeps.append,
                                **({"clock": clock} if clock else {}))

    def sleep(self, seconds):
        """Recorded, and waited for: the simulator's bucket refills in real time."""
        self.sleeps.append(seconds)
        time.sleep(seconds)

    def token_requests(self):
        return self.app.count_requests(r"/admin/oauth/access_token$", "POST")


@pytest.fixture
def shop():
    with serve_simulator(sim, orders=sim.generate_orders(7, seed=3, start=START), token="shpat_static") as (
            app, server):
        yield Harness(app, server)


def _normalized(payload):
    order = ShopifyTransport(TransportConfig(base_url="http://127.0.0.1:9")).normalize_order(payload)
    order.raw = None
    return order


def _fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# -- one order, two shapes ----------------------------------------------------------------------


def test_rest_and_graphql_shapes_of_the_same_order_normalize_alike():
    rest, node = _fixture("order.json")["order"], _fixture("order_graphql.json")["data"]["order"]
    assert _normalized(rest) == _normalized(node)
    assert _normalized(node).total_amount == pytest.approx(409.94 - 11.94)
    for seed in range(3):  # generated orders: discounts, B2B VAT attributes, several currencies, refunds
        for order in sim.generate_orders(6, seed=seed, start=START):
            assert _normalized(order) == _normalized(sim.graphql_order(order)), order["id"]
    assert rest_order(node)["id"] == rest["id"] and rest_order(node)["line_items"][0]["id"] == 466157049


def test_order_edits_use_current_quantity_and_keep_refunded_units():
    order = sim.make_order(9, 1009, created_at=START, lines=[(0, 3), (1, 2)], discount=6.0)
    order["line_items"][0]["current_quantity"] = 1  # edited: 2 of 3 removed
    order["line_items"][1]["current_quantity"] = 0  # edited: removed
    order["refunds"] = [{"id": 1, "refund_line_items": [{"line_item_id": order["line_items"][0]["id"],
                                                        "quantity": 1}], "transactions": []}]
    order["line_items"][0]["current_quantity"] = 0  # then the remaining unit refunded
    for shape in (order, sim.graphql_order(order)):
        lines = _normalized(shape).lines
        assert [line.quantity for line in lines] == [1, 0]
        assert lines[1].cancelled and lines[1].discount_amount == 0
        full = order["line_items"][0]["discount_allocations"][0]["amount"]
        assert lines[0].discount_amount == pytest.approx(round(float(full) / 3, 2))


# -- polling ------------------------------------------------------------------------------------


def test_orders_query_filters_updated_at_sorted_with_cursor_paging(shop):
    transport = shop.transport(page_size=3)
    pages = list(transport.iter_order_pages(START - timedelta(days=1)))
    assert [len(page) for page in pages] == [3, 3, 1]
    stamps = [node["updatedAt"] for page in pages for node in page]
    assert stamps == sorted(stamps) and all(s.endswith("Z") for s in stamps)
    assert shop.app.count_requests(rf"/admin/api/{sim.API_VERSION}/graphql\.json$", "POST") == 3
    calls = shop.state["graphql"]
    assert "sortKey: UPDATED_AT" in calls[0]["query"] and calls[0]["variables"]["after"] is None
    assert calls[0]["variables"]["query"] == "updated_at:>='2026-10-31T08:00:00+00:00'"
    assert calls[1]["variables"]["after"] and calls[1]["variables"]["first"] == 3
    assert transport.order_key(pages[0][0]) == (str(min(shop.state["orders"])), pages[0][0]["updatedAt"])
    later = START + timedelta(minutes=5)
    assert [len(p) for p in transport.iter_order_pages(later)] == [2]


def test_cost_throttling_waits_for_points_and_retries_throttled(shop):
    shop.state["cost_bucket"] = sim.CostBucket(maximum=300.0, restore_rate=1000.0)
    transport = shop.transport(page_size=2, sleep=shop.sleep)
    pages = list(transport.iter_order_pages(START - timedelta(days=1)))
    assert sum(len(p) for p in pages) == 7
    assert shop.sleeps and all(0 < s <= 0.2 for s in shop.sleeps), "waited for restoreRate to refill the points"
    assert not any("THROTTLED" in (e.error or "") for e in shop.exchanges)
    bucket = sim.CostBucket(maximum=300.0, restore_rate=0.001)
    shop.state["cost_bucket"] = bucket
    bucket.available = 150.0  # fewer points than a page costs: THROTTLED, 50 points missing at 0.001/s
    throttled = shop.transport(page_size=2)
    shop.sleeps.clear()
    with pytest.raises(RateLimitedError, match="rate limited: Shopify's cost bucket needs 50000s") as caught:
        list(throttled.iter_order_pages(START))
    assert shop.sleeps == [], "a wait longer than max_wait is not slept: the run pauses"
    assert caught.value.retry_after == 600 and throttled.last_call_limit[1] == 300.0


def test_persistent_throttling_pauses_for_the_refill_and_is_logged(shop):
    shop.app.add_fault(r"POST .*/graphql\.json$", status=200, count=-1, body=_fixture("graphql_throttled.json"))
    with pytest.raises(RateLimitedError, match="rate limited") as caught:
        list(shop.transport(page_size=2).iter_order_pages(START))
    assert caught.value.retry_after == pytest.approx((1000 - 66) / 50), "until the whole bucket is refilled"
    calls = [e for e in shop.exchanges if e.operation == "list orders"]
    assert len(calls) == 6 and not any(e.ok for e in calls) and "Throttled" in calls[0].error


def test_throttled_answer_fixture_is_recognised():
    from marketplace_transport.shopify.graphql import _throttled
    body = _fixture("graphql_throttled.json")
    assert _throttled(body["errors"][0]) and _throttled({"message": "Throttled"})
    transport = ShopifyTransport(TransportConfig(base_url="http://127.0.0.1:9"), sleep=lambda s: None)
    transport._note_cost("list orders", body["extensions"])
    assert transport._refill(70) == pytest.approx((70 - 66) / 50)


# -- tokens -------------------------------------------------------------------------------------


def test_client_credentials_token_once_per_run_renewed_before_expiry(shop):
    store, now = TokenStore(), [1_000_000.0]
    first = shop.transport(store=store, clock=lambda: now[0])
    list(first.iter_order_pages(START))
    first.get_order(min(shop.state["orders"]))
    assert shop.token_requests() == 1 and store.token.startswith("shpat_cc_")
    assert store.expires_at == pytest.approx(now[0] + 86399)
    now[0] += 3600 * 20  # next run, 20 h later: the token is still good
    shop.transport(store=store, clock=lambda: now[0]).get_order(min(shop.state["orders"]))
    assert shop.token_requests() == 1
    now[0] += 3600 * 3.5  # 23.5 h: renewed before it expires
    shop.transport(store=store, clock=lambda: now[0]).get_order(min(shop.state["orders"]))
    assert shop.token_requests() == 2
    token_calls = [e for e in shop.exchanges if e.operation == "get access token"]
    assert all(sim.CLIENT_SECRET not in (e.url + e.error) for e in token_calls)


def test_token_expired_mid_run_is_renewed_once_then_refused(shop):
    store = TokenStore()
    transport = shop.transport(store=store)
    transport.get_order(min(shop.state["orders"]))
    sim.expire_tokens(shop.app)
    transport.get_order(min(shop.state["orders"]))  # 401, new token, same call again
    assert shop.token_requests() == 2
    sim.expire_tokens(shop.app)
    with pytest.raises(AuthenticationError):
        transport.get_order(min(shop.state["orders"]))
    assert shop.token_requests() == 2, "renewed once per run"


def test_wrong_client_secret_and_static_token_mode(shop):
    with pytest.raises(AuthenticationError, match="refused the client credentials"):
        shop.transport(credentials=dict(CC, secret="wrong"), auth_mode="client_credentials").check_connection()
    static = shop.transport(credentials={"secret": "shpat_static"})
    assert any("Sim Shop" in check for check in static.check_connection())
    assert shop.token_requests() == 1  # only the refused one


def test_rest_calls_use_the_client_credentials_token_too(shop):
    transport = shop.transport(api="rest")
    assert sum(len(page) for page in transport.iter_order_pages(START - timedelta(days=1))) == 7
    assert shop.token_requests() == 1 and shop.app.count_requests(r"/orders\.json$", "GET") == 1
    assert not shop.state["graphql"]


def test_api_version_warning_three_months_before_support_end():
    today = date(2026, 12, 5)
    assert API_VERSION == sim.API_VERSION == newest_stable(today) == "2026-10", "default: the newest stable one"
    assert "until 2027-01-01" in version_warning("2026-01", today)
    assert version_warning("2026-04", today) == "" and version_warning("2026-10", today) == ""
    assert "no longer supported" in version_warning("2025-10", today)
    assert "not a stable" in version_warning("2026-05", today)


# -- fulfillment and refunds --------------------------------------------------------------------


def test_fulfillment_create_on_fulfillment_orders_with_tracking_then_retry(shop):
    transport = shop.transport()
    order_id = next(o["id"] for o in shop.state["orders"].values() if len(o["line_items"]) >= 2)
    first_line = shop.state["orders"][order_id]["line_items"][0]["id"]
    result = transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A1", "https://t.example/6A1",
                                                  line_external_ids=[str(first_line)]))
    assert result["status"] == "success" and result["tracking_number"] == "6A1"
    posted = shop.state["fulfillments"][-1]
    assert (posted["tracking_company"], posted["tracking_url"]) == ("Colissimo", "https://t.example/6A1")
    assert shop.state["orders"][order_id]["fulfillment_status"] == "partial"
    transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A2"))
    assert shop.state["orders"][order_id]["fulfillment_status"] == "fulfilled"
    assert transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A2"))["status"] == "already_fulfilled"
    with pytest.raises(UserInputError, match="nothing left to fulfil"):
        transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "OTHER"))
    assert len(shop.state["fulfillments"]) == 2


def test_suggested_refund_then_refund_create_with_shipping(shop):
    transport = shop.transport()
    order = next(o for o in shop.state["orders"].values()
                 if o["financial_status"] == "paid" and o["line_items"][0]["quantity"] >= 2 and o["shipping_lines"])
    line = order["line_items"][0]
    partial = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[RefundLine(str(line["id"]), 1)],
                                                   idempotency_key="odoo-refund-7"))
    assert shop.state["calculations"][-1]["refund"]["refund_line_items"][0]["quantity"] == 1
    assert "shipping" not in shop.state["calculations"][-1]["refund"]
    assert "[odoo-refund-7]" in shop.state["refund_bodies"][-1]["refund"]["note"]
    assert line["current_quantity"] == line["quantity"] - 1
    replay = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[RefundLine(str(line["id"]), 1)],
                                                  idempotency_key="odoo-refund-7"))
    assert replay["replayed"] and len(order["refunds"]) == 1
    full = transport.refund_order(RefundRequest(str(order["id"]), "cancelled"))
    assert shop.state["calculations"][-1]["refund"]["shipping"] == {"full_refund": True}
    shipping = float(order["shipping_lines"][0]["price"])
    assert shop.state["refund_bodies"][-1]["refund"]["shipping"] == {"amount": f"{shipping:.2f}"}
    assert order["financial_status"] == "refunded"
    assert partial["amount"] + full["amount"] == pytest.approx(float(order["total_price"]), abs=0.01)
    with pytest.raises(UserInputError, match="nothing left to refund"):
        transport.refund_order(RefundRequest(str(order["id"]), "again"))
