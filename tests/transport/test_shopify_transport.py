"""Shopify transport against the Shopify simulator over real HTTP."""
from datetime import UTC, datetime, timedelta

import pytest
from marketplace_simulator import shopify as sim
from transport_testing import TransportHarness, build_transport, serve_simulator

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    OrderStatus,
    RateLimitedError,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    TransportConfig,
    UserInputError,
)
from marketplace_transport import shopify as shopify_transport
from marketplace_transport.shopify import STATUS_MAP, ShopifyTransport

TOKEN = "shpat_0123456789abcdef"
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


class Harness(TransportHarness):
    simulator = sim

    def transport(self, token=TOKEN, **options):
        options.setdefault("api", "rest")  # these tests read the REST requests; GraphQL: test_shopify_graphql.py
        return build_transport(ShopifyTransport, self.server.url,
                               {"login": "", "secret": token, "webhook_secret": "whsec_x"},
                               options, self.exchanges, self.sleeps)


@pytest.fixture
def shop():
    with serve_simulator(sim, orders=sim.generate_orders(7, seed=3, start=START), token=TOKEN,
                         leak_rate=1000.0) as (app, server):
        yield Harness(app, server)


def _all(transport, since=START - timedelta(days=1)):
    return [page for page in transport.iter_order_pages(since)]


def _by_ids(order):
    return {line["id"]: line for line in order["line_items"]}


# -- import -------------------------------------------------------------------------------------


def test_import_follows_link_cursor_oldest_update_first(shop):
    pages = _all(shop.transport(page_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    ids = [o["id"] for p in pages for o in p]
    assert sorted(ids) == sorted(shop.state["orders"])
    stamps = [datetime.fromisoformat(o["updated_at"]) for p in pages for o in p]
    assert stamps == sorted(stamps)
    requests = [q for m, p, q in shop.app.requests if p.endswith("/orders.json")]
    first, follow = requests[0], requests[1:]
    assert first["status"] == "any" and first["order"] == "updated_at asc" and first["limit"] == "3"
    assert datetime.fromisoformat(first["updated_at_min"]) == START - timedelta(days=1)
    # with page_info nothing but limit may be sent (documented)
    assert all(set(q) == {"limit", "page_info"} for q in follow) and len(follow) == 2
    assert all(p.startswith(f"/admin/api/{shopify_transport.API_VERSION}/") for _m, p, _q in shop.app.requests)


def test_reimport_and_updated_order_comes_last(shop):
    transport = shop.transport(page_size=250)
    first = [o for p in _all(transport) for o in p]
    again = [o for p in _all(transport) for o in p]
    assert [o["id"] for o in again] == [o["id"] for o in first]
    oldest = first[0]["id"]
    sim.update_order(shop.app, oldest, financial_status="refunded")
    newest_stamp = datetime.fromisoformat(shop.state["orders"][oldest]["updated_at"])
    later = [o for p in _all(transport, since=newest_stamp) for o in p]
    assert [o["id"] for o in later] == [oldest]  # updated_at_min is inclusive
    assert transport.normalize_order(later[0]).status == OrderStatus.REFUNDED
    assert len(shop.app.requests) == 3


def test_normalize_generated_orders_are_consistent(shop):
    transport = shop.transport()
    for payload in shop.state["orders"].values():
        order = transport.normalize_order(payload)
        assert order.external_id == str(payload["id"]) and order.reference == payload["name"]
        assert order.prices_include_tax is payload["taxes_included"]
        assert order.total_amount == pytest.approx(order.computed_total, abs=0.011), payload["id"]
        assert order.updated_at.tzinfo is not None and order.updated_at.utcoffset() == timedelta(0)


def test_normalize_b2b_tax_excluded_discount_and_shipping():
    payload = sim.make_order(1, 1001, created_at=START, lines=[(0, 2), (1, 1)], customer=2, taxes_included=False,
                             shipping=9.90, discount=5.0, b2b=True, currency="EUR")
    order = ShopifyTransport(TransportConfig(base_url="http://127.0.0.1:9")).normalize_order(payload)
    assert not order.prices_include_tax
    assert order.billing.vat == "NL123456789B01" and order.is_business
    assert order.billing.company_name == "Bedrijf BV" and order.shipping.country_code == "NL"
    assert order.billing.email == "jan@bedrijf.example.nl" and order.customer_external_id == "7002"
    assert sum(line.discount_amount for line in order.lines) == pytest.approx(5.0)
    assert order.lines[0].tax_rate == pytest.approx(20.0) and order.shipping_tax_rate == pytest.approx(20.0)
    assert order.shipping_amount == pytest.approx(9.90)
    # tax-excluded prices: the total compared is the untaxed one
    assert order.total_amount == pytest.approx(2 * 25 + 12.5 - 5 + 9.90)
    assert order.paid and order.status == OrderStatus.TO_SHIP
    # the VAT the shop states, line by line and for the shipping, and what the buyer paid (issue 19 item 7)
    assert all(line.tax_amount is not None for line in order.lines) and order.shipping_tax_amount is not None
    assert order.stated_tax == pytest.approx(float(payload["total_tax"]), abs=0.011)
    assert order.paid_amount == pytest.approx(float(payload["total_price"]))
    assert order.paid_with_tax(False) == pytest.approx(float(payload["total_price"]))


def test_normalize_presentment_currency_and_fallbacks():
    payload = sim.make_order(2, 1002, created_at=START, lines=[(4, 1)], customer=1, shipping=0.0)
    payload["presentment_currency"] = "USD"
    line = payload["line_items"][0]
    line["price_set"]["presentment_money"] = {"amount": "5.50", "currency_code": "USD"}
    payload["total_price_set"]["presentment_money"] = {"amount": "5.50", "currency_code": "USD"}
    payload["shipping_address"] = None  # digital product: no shipping address
    payload["id"] = 2
    transport = ShopifyTransport(TransportConfig(base_url="http://127.0.0.1:9"))
    order = transport.normalize_order(payload)
    assert order.currency == "USD" and order.lines[0].unit_price == pytest.approx(5.50)
    assert order.total_amount == pytest.approx(5.50)
    assert order.shipping.street == order.billing.street == "12 rue de la Paix"
    assert order.lines[0].shippable is False
    assert not order.is_business and order.billing.vat == ""
    payload["line_items"][0]["sku"] = ""  # custom item: kept for the channel's fallback product
    custom = transport.normalize_order(payload).lines[0]
    assert custom.sku == "" and custom.name == line["name"] and custom.unit_price == pytest.approx(5.50)
    payload["line_items"][0]["sku"] = "X"
    payload["financial_status"] = "brand_new_status"
    with pytest.raises(InvalidOrderError, match="unknown Shopify financial status"):
        transport.normalize_order(payload)


@pytest.mark.parametrize("financial, fulfillment, cancelled, expected, paid", [
    ("pending", None, False, OrderStatus.PENDING, False),
    ("authorized", None, False, OrderStatus.ACCEPTED, False),
    ("partially_paid", None, False, OrderStatus.ACCEPTED, False),
    ("paid", None, False, OrderStatus.TO_SHIP, True),
    ("paid", "partial", False, OrderStatus.TO_SHIP, True),
    ("paid", "fulfilled", False, OrderStatus.SHIPPED, True),
    ("partially_refunded", None, False, OrderStatus.TO_SHIP, True),
    ("partially_refunded", "fulfilled", False, OrderStatus.SHIPPED, True),
    ("refunded", "fulfilled", False, OrderStatus.REFUNDED, True),
    ("voided", None, False, OrderStatus.CANCELLED, False),
    ("paid", "restocked", False, OrderStatus.CANCELLED, True),
    ("refunded", None, True, OrderStatus.CANCELLED, True),
])
def test_status_mapping(financial, fulfillment, cancelled, expected, paid):
    payload = sim.make_order(3, 1003, created_at=START, lines=[(0, 1)], financial_status=financial,
                             fulfillment_status=fulfillment, cancelled=cancelled)
    order = ShopifyTransport(TransportConfig(base_url="http://127.0.0.1:9")).normalize_order(payload)
    assert order.status == expected and order.paid is paid
    assert order.marketplace_status == ("cancelled" if cancelled else f"{financial} / {fulfillment or 'unfulfilled'}")
    assert set(STATUS_MAP.values()) >= {OrderStatus.PENDING, OrderStatus.TO_SHIP, OrderStatus.REFUNDED}


# -- ship ---------------------------------------------------------------------------------------


def test_ship_partial_then_rest_then_retry_is_idempotent(shop):
    transport = shop.transport()
    order_id = next(o["id"] for o in shop.state["orders"].values() if len(o["line_items"]) >= 2)
    first_line = shop.state["orders"][order_id]["line_items"][0]["id"]
    result = transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A123", "https://t.example/6A123",
                                                  line_external_ids=[str(first_line)]))
    assert result["status"] == "success"
    order = shop.state["orders"][order_id]
    assert order["fulfillment_status"] == "partial"
    assert _by_ids(order)[first_line]["fulfillable_quantity"] == 0
    posted = shop.state["fulfillments"][-1]
    assert (posted["tracking_company"], posted["tracking_number"], posted["tracking_url"]) == (
        "Colissimo", "6A123", "https://t.example/6A123")
    transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A124"))
    assert order["fulfillment_status"] == "fulfilled"
    assert transport.normalize_order(order).status == OrderStatus.SHIPPED
    posts = shop.app.count_requests(r"/fulfillments\.json$", "POST")
    retry = transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "6A124"))
    assert retry["status"] == "already_fulfilled"
    assert shop.app.count_requests(r"/fulfillments\.json$", "POST") == posts  # nothing posted twice
    with pytest.raises(UserInputError, match="nothing left to fulfil"):
        transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", "OTHER-NUMBER"))
    with pytest.raises(UserInputError, match="tracking number missing"):
        transport.ship_order(ShipmentRequest(str(order_id), "Colissimo", ""))
    methods = [(m, p.rsplit("/", 1)[-1]) for m, p, _q in shop.app.requests][:2]
    assert methods == [("GET", "fulfillment_orders.json"), ("POST", "fulfillments.json")]


# -- refunds ------------------------------------------------------------------------------------


def test_partial_then_full_refund_use_calculate_first(shop):
    transport = shop.transport()
    order = next(o for o in shop.state["orders"].values()
                 if o["financial_status"] == "paid" and o["line_items"][0]["quantity"] >= 2 and o["shipping_lines"])
    line = order["line_items"][0]
    result = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[
        RefundLine(str(line["id"]), 1)], idempotency_key="odoo-refund-1"))
    calc = shop.state["calculations"][-1]["refund"]
    assert calc["refund_line_items"] == [{"line_item_id": line["id"], "quantity": 1, "restock_type": "no_restock"}]
    assert "shipping" not in calc
    log = [(m, p.split("/orders/")[-1]) for m, p, _q in shop.app.requests if m == "POST"]
    assert log == [("POST", f"{order['id']}/refunds/calculate.json"), ("POST", f"{order['id']}/refunds.json")]
    unit = float(line["price"]) - sum(float(a["amount"]) for a in line["discount_allocations"]) / line["quantity"]
    expected = unit if order["taxes_included"] else unit * 1.2
    assert result["amount"] == pytest.approx(expected, abs=0.01)
    body = shop.state["refund_bodies"][-1]["refund"]
    assert body["transactions"][0]["kind"] == "refund" and body["transactions"][0]["parent_id"] == order["id"] * 10 + 7
    assert "[odoo-refund-1]" in body["note"]
    assert order["financial_status"] == "partially_refunded"
    # the same request again (e.g. after a timeout) is not refunded twice
    replay = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[RefundLine(str(line["id"]), 1)],
                                                  idempotency_key="odoo-refund-1"))
    assert replay["replayed"] and len(order["refunds"]) == 1
    full = transport.refund_order(RefundRequest(str(order["id"]), "cancelled by buyer"))
    calc = shop.state["calculations"][-1]["refund"]
    assert calc["shipping"] == {"full_refund": True}
    quantities = {i["line_item_id"]: i["quantity"] for i in calc["refund_line_items"]}
    assert quantities[line["id"]] == line["quantity"] - 1
    assert order["financial_status"] == "refunded"
    assert result["amount"] + full["amount"] == pytest.approx(float(order["total_price"]), abs=0.01)
    assert transport.normalize_order(order).status == OrderStatus.REFUNDED
    with pytest.raises(UserInputError, match="nothing left to refund"):
        transport.refund_order(RefundRequest(str(order["id"]), "again"))


def test_refund_shipping_only_and_bad_quantity(shop):
    transport = shop.transport()
    order = next(o for o in shop.state["orders"].values() if o["shipping_lines"] and o["financial_status"] == "paid")
    result = transport.refund_order(RefundRequest(str(order["id"]), "late delivery", refund_shipping=True,
                                                  lines=[]))
    # an empty line list means the whole order: the refund is full
    assert order["financial_status"] == "refunded" and result["amount"] == pytest.approx(float(order["total_price"]))
    other = next(o for o in shop.state["orders"].values() if o["financial_status"] == "paid")
    line = other["line_items"][0]
    with pytest.raises(UserInputError, match="can still be refunded"):
        transport.refund_order(RefundRequest(str(other["id"]), "x", lines=[RefundLine(str(line["id"]), 99)]))
    with pytest.raises(UserInputError, match="is not in Shopify order"):
        transport.refund_order(RefundRequest(str(other["id"]), "x", lines=[RefundLine("123", 1)]))


# -- rate limits and errors ---------------------------------------------------------------------


def test_429_retry_after_is_honoured(shop):
    shop.app.add_fault(r"GET .*/orders\.json", status=429, body={"errors": sim.THROTTLED},
                       headers={"Retry-After": "1.0"}, count=1, after=1)
    pages = _all(shop.transport(page_size=3))
    assert sum(len(p) for p in pages) == 7
    assert 1.0 in shop.sleeps
    assert [e.status for e in shop.exchanges].count(429) == 1


def test_rate_limit_stops_the_run_without_losing_the_cursor(shop):
    shop.app.add_fault(r"GET .*/orders\.json", status=429, body={"errors": sim.THROTTLED},
                       headers={"Retry-After": "120"}, count=-1, after=1)
    transport = shop.transport(page_size=3)
    seen = []
    with pytest.raises(RateLimitedError) as error:
        for page in transport.iter_order_pages(START - timedelta(days=1)):
            seen.extend(page)
    assert error.value.retry_after == 120 and len(seen) == 3
    # the channel cursor can only reach the newest update of the pages it received ...
    cursor = max(datetime.fromisoformat(o["updated_at"]) for o in seen)
    shop.app.clear_faults()
    resumed = [o for p in transport.iter_order_pages(cursor) for o in p]
    # ... and resuming from it reaches every order that was not received
    assert {o["id"] for o in seen} | {o["id"] for o in resumed} == set(shop.state["orders"])


def test_call_limit_header_slows_down_before_429():
    orders = sim.generate_orders(6, seed=1, start=START)
    with serve_simulator(sim, orders=orders, token=TOKEN, bucket_size=8, leak_rate=0.0) as (app, server):
        harness = Harness(app, server)
        transport = harness.transport(page_size=1, call_limit_headroom=4, leak_rate=2.0)
        pages = _all(transport)
        assert len(pages) == 6
        # 8-call bucket, 4 kept free: calls 5 and 6 wait (used - 4) / 2 calls per second
        assert harness.sleeps == [0.5, 1.0]
        assert transport.last_call_limit == (6, 8)
        # a full bucket answers 429 + Retry-After: 2.0 (> max_wait here): the run stops
        app.state["shopify"]["bucket"].level = 8
        with pytest.raises(RateLimitedError, match="rate limited"):
            transport.get_order(next(iter(app.state["shopify"]["orders"])))


def test_errors_are_typed_and_secrets_never_recorded(shop):
    with pytest.raises(AuthenticationError) as error:
        _all(shop.transport(token="shpat_wrong_token_123"))
    assert "Invalid API key or access token" in str(error.value)
    assert "shpat_wrong_token_123" not in str(error.value)
    transport = shop.transport()
    with pytest.raises(RemoteError, match="Not Found"):
        transport.get_order("999")
    with pytest.raises(UserInputError):
        transport.get_order("../shop")
    _all(transport)
    transport.check_connection()
    for exchange in shop.exchanges:
        assert TOKEN not in repr(exchange) and "shpat_wrong_token_123" not in repr(exchange)
    with pytest.raises(AuthenticationError, match="access token"):
        _all(shop.transport(token=""))


def test_check_connection_reports_what_was_verified(shop):
    checks = shop.transport().check_connection()
    assert "Sim Shop" in checks[0] and "sim-shop.myshopify.com" in checks[0]
    assert any("read_orders" in c for c in checks)
    assert any(c.startswith("API call bucket") for c in checks)
    assert shop.app.count_requests(r"/shop\.json$") == 1


def test_webhook_signature_helpers():
    body = b'{"id": 450789469, "updated_at": "2026-11-01T09:00:00+01:00"}'
    signature = shopify_transport.sign_webhook("whsec_x", body)
    assert shopify_transport.verify_webhook("whsec_x", body, signature)
    assert not shopify_transport.verify_webhook("whsec_x", body + b" ", signature)
    assert not shopify_transport.verify_webhook("other", body, signature)
    assert not shopify_transport.verify_webhook("whsec_x", body, "")
    assert not shopify_transport.verify_webhook("", body, signature)
    assert shopify_transport.webhook_order_id("orders/updated", {"id": 5}) == "5"
    assert shopify_transport.webhook_order_id("refunds/create", {"id": 9, "order_id": 5}) == "5"


def test_next_link_never_sends_the_token_to_another_host(shop):
    page = [dict(o) for o in list(shop.state["orders"].values())[:2]]
    shop.app.add_fault(r"GET .*/orders\.json", status=200, body={"orders": page}, count=1, headers={
        "Link": f'<https://evil.example/admin/api/{shopify_transport.API_VERSION}/orders.json?limit=2&'
                'page_info=stolen>; rel="next"'})
    transport = shop.transport(page_size=2)
    with pytest.raises(RemoteError, match="page_info"):
        _all(transport)
    # the cursor of the link was sent to our own shop (which refuses it), never to the link's host
    follow = [q for _m, p, q in shop.app.requests if p.endswith("/orders.json")][1]
    assert follow == {"limit": "2", "page_info": "stolen"}
