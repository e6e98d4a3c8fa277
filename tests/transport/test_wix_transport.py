"""Wix eCommerce transport against the simulator (real HTTP on 127.0.0.1)."""
import random
from datetime import UTC, datetime, timedelta

import pytest
import requests
from marketplace_simulator import wix as wix_sim
from transport_testing import build_transport, fresh_state, serve_simulator

from marketplace_transport import (
    AuthenticationError,
    OrderStatus,
    RateLimitedError,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    UserInputError,
)
from marketplace_transport.wix import STATUS_MAP, RequestPacer, WixTransport

KEY, SITE = wix_sim.DEFAULT_API_KEY, wix_sim.DEFAULT_SITE_ID
START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server():
    with serve_simulator(wix_sim) as (app, srv):
        yield app, srv


@pytest.fixture
def sim(server):
    """A fresh Wix site on the shared server."""
    app, srv = server
    return app, fresh_state(app, wix_sim), srv


def make_transport(server, key=KEY, site=SITE, exchanges=None, sleeps=None, **options):
    options.setdefault("page_size", 3)
    options.setdefault("account", site)
    return build_transport(WixTransport, server.url, {"secret": key}, options, exchanges, sleeps)


def pages_since(transport, since=START - timedelta(hours=1)):
    return list(transport.iter_order_pages(since))


def test_import_pages_with_cursor_and_normalize(sim):
    app, state, server = sim
    generated = wix_sim.generate_orders(8, seed=4, start=START, state=state)  # index 6 is INITIALIZED
    exchanges = []
    transport = make_transport(server, exchanges=exchanges)
    pages = pages_since(transport)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert app.count_requests(r"^/ecom/v1/orders/search$") == 3
    ids = [p["id"] for page in pages for p in page]
    assert set(ids) == {o["id"] for o in generated if o["status"] != "INITIALIZED"}
    dates = [p["updatedDate"] for page in pages for p in page]
    assert dates == sorted(dates)
    orders = [transport.normalize_order(p) for page in pages for p in page]
    for order in orders:
        raw = state["orders"][order.external_id]
        assert order.reference == raw["number"] and order.currency == "EUR"
        assert order.status == OrderStatus.TO_SHIP and order.paid and order.prices_include_tax
        assert order.total_amount == pytest.approx(float(raw["priceSummary"]["total"]["amount"]))
        assert order.computed_total == pytest.approx(order.total_amount, abs=0.01)
        assert order.lines[0].tax_rate == pytest.approx(20.0) and order.shipping_tax_rate == pytest.approx(20.0)
        assert order.billing.email.endswith("@example.com") and order.customer_external_id
        assert order.shipping.state_code and "-" not in order.shipping.state_code
    b2b = [o for o in orders if o.is_business]
    assert b2b and all(o.billing.vat == "FR40303265045" and o.billing.company_name for o in b2b)
    assert all(KEY not in repr(e) for e in exchanges)
    assert KEY not in repr(pages)


def test_cursor_requests_carry_no_filter(sim):
    app, state, server = sim
    wix_sim.generate_orders(5, seed=1, start=START, state=state)
    pages_since(make_transport(server))
    # the simulator refuses filter + cursor (400): getting every page proves the transport sent the cursor alone
    response = requests.post(f"{server.url}/ecom/v1/orders/search", timeout=5,
                             headers={"Authorization": KEY, "wix-site-id": SITE},
                             json={"search": {"filter": {"status": "APPROVED"},
                                              "cursorPaging": {"limit": 2, "cursor": "e30="}}})
    assert response.status_code == 400 and "cursor" in response.json()["message"]
    too_big = requests.post(f"{server.url}/ecom/v1/orders/search", timeout=5,
                            headers={"Authorization": KEY, "wix-site-id": SITE},
                            json={"search": {"cursorPaging": {"limit": 101}}})
    assert too_big.status_code == 400


def test_reimport_only_changed_and_status_follows(sim):
    app, state, server = sim
    orders = wix_sim.generate_orders(4, seed=2, start=START, state=state)
    transport = make_transport(server)
    first = [transport.normalize_order(p) for page in pages_since(transport) for p in page]
    cursor = max(o.updated_at for o in first)
    assert pages_since(transport, cursor + timedelta(milliseconds=1)) == []
    target = orders[1]
    target["status"] = "CANCELED"
    wix_sim.touch(target, cursor + timedelta(minutes=3))
    again = [transport.normalize_order(p) for page in pages_since(transport, cursor) for p in page]
    changed = [o for o in again if o.external_id == target["id"]]
    assert changed and changed[0].status == OrderStatus.CANCELLED
    assert changed[0].marketplace_status == "CANCELED/PAID/NOT_FULFILLED"


@pytest.mark.parametrize("status,payment,fulfillment,expected", [
    ("APPROVED", "PAID", "NOT_FULFILLED", OrderStatus.TO_SHIP),
    ("APPROVED", "NOT_PAID", "NOT_FULFILLED", OrderStatus.ACCEPTED),
    ("APPROVED", "PENDING", "NOT_FULFILLED", OrderStatus.PENDING),
    ("APPROVED", "PARTIALLY_PAID", "NOT_FULFILLED", OrderStatus.ACCEPTED),
    ("APPROVED", "PAID", "PARTIALLY_FULFILLED", OrderStatus.TO_SHIP),
    ("APPROVED", "PAID", "FULFILLED", OrderStatus.SHIPPED),
    ("APPROVED", "PARTIALLY_REFUNDED", "FULFILLED", OrderStatus.SHIPPED),
    ("APPROVED", "FULLY_REFUNDED", "FULFILLED", OrderStatus.REFUNDED),
    ("CANCELED", "FULLY_REFUNDED", "NOT_FULFILLED", OrderStatus.CANCELLED),
    ("PENDING", "NOT_PAID", "NOT_FULFILLED", OrderStatus.PENDING),
    ("APPROVED", "SOMETHING_NEW", "NOT_FULFILLED", OrderStatus.PENDING),
])
def test_status_table(sim, status, payment, fulfillment, expected):
    app, state, server = sim
    order = wix_sim.add_order(state, random.Random(1), START, status=status, payment_status=payment)
    order["fulfillmentStatus"] = fulfillment
    transport = make_transport(server)
    normalized = transport.normalize_order(pages_since(transport)[0][0])
    assert normalized.status == expected
    assert normalized.paid == (payment in ("PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"))
    assert list(STATUS_MAP)[0] == ("status", "CANCELED")  # the order status is looked at first


def test_normalize_edge_cases(sim):
    app, state, server = sim
    rng = random.Random(9)
    order = wix_sim.add_order(state, rng, START, lines=[("A-1", "A", 30.0), ("B-2", "B", 10.0)], order_discount=8.0,
                              tax_included=False)
    for item in order["lineItems"]:
        item["quantity"] = 1
    order["priceSummary"]["total"]["amount"] = "36.90"  # 40 - 8 + 4.90
    order["lineItems"][1]["itemType"] = {"preset": "DIGITAL"}
    del order["shippingInfo"]["logistics"]["shippingDestination"]  # pickup: no destination
    order["billingInfo"]["contactDetails"]["vatId"] = "de 123.456.789"  # plain string form
    order["billingInfo"]["address"] = {"streetAddress": {"number": "12", "name": "Hauptstraße"},
                                       "city": "Berlin", "postalCode": "10117", "country": "DE"}
    transport = make_transport(server)
    normalized = transport.normalize_order(transport.get_order(order["id"]))
    assert not normalized.prices_include_tax
    assert [line.discount_amount for line in normalized.lines] == [6.0, 2.0]
    assert normalized.computed_total == pytest.approx(36.9)
    assert [line.shippable for line in normalized.lines] == [True, False]
    assert normalized.shipping.street == "12 Hauptstraße" and normalized.shipping.country_code == "DE"
    assert normalized.billing.vat == "DE123456789" and normalized.is_business
    with pytest.raises(RemoteError):
        transport.get_order("00000000-0000-0000-0000-000000000000")


def test_ship_creates_fulfillment_with_tracking_once(sim):
    app, state, server = sim
    order = wix_sim.generate_orders(1, seed=6, start=START, state=state)[0]
    order["lineItems"][0]["quantity"] = 2
    transport = make_transport(server)
    request = ShipmentRequest(order_external_id=order["id"], carrier="dhl", tracking_number="JD0146000001",
                              tracking_url="https://www.dhl.com/track?id=JD0146000001")
    result = transport.ship_order(request)
    assert result["fulfillment_id"]
    fulfillment = state["fulfillments"][order["id"]][0]
    assert fulfillment["trackingInfo"] == {"trackingNumber": "JD0146000001", "shippingProvider": "dhl",
                                           "trackingLink": "https://www.dhl.com/track?id=JD0146000001"}
    assert {i["id"]: i["quantity"] for i in fulfillment["lineItems"]} == {
        i["id"]: i["quantity"] for i in order["lineItems"]}
    assert order["fulfillmentStatus"] == "FULFILLED"
    assert transport.ship_order(request)["already"]
    assert len(state["fulfillments"][order["id"]]) == 1
    assert transport.normalize_order(transport.get_order(order["id"])).status == OrderStatus.SHIPPED
    with pytest.raises(UserInputError):
        transport.ship_order(ShipmentRequest(order_external_id=order["id"], carrier="", tracking_number="X1"))


def test_partial_shipment_then_rest(sim):
    app, state, server = sim
    order = wix_sim.add_order(state, random.Random(3), START, lines=[("A-1", "A", 30.0), ("B-2", "B", 10.0)])
    first_line, second_line = order["lineItems"]
    transport = make_transport(server)
    transport.ship_order(ShipmentRequest(order_external_id=order["id"], carrier="ups", tracking_number="1Z1",
                                         line_external_ids=[first_line["id"]]))
    assert order["fulfillmentStatus"] == "PARTIALLY_FULFILLED"
    assert transport.normalize_order(transport.get_order(order["id"])).status == OrderStatus.TO_SHIP
    result = transport.ship_order(ShipmentRequest(order_external_id=order["id"], carrier="ups",
                                                  tracking_number="1Z2"))
    assert result["line_items"] == [{"id": second_line["id"], "quantity": second_line["quantity"]}]
    assert order["fulfillmentStatus"] == "FULFILLED"


def test_partial_then_full_refund(sim):
    app, state, server = sim
    order = wix_sim.add_order(state, random.Random(5), START, lines=[("A-1", "A", 30.0), ("B-2", "B", 10.0)])
    order["lineItems"][0]["quantity"] = 2
    order["lineItems"][1]["quantity"] = 1
    total = 2 * 30 + 10 + wix_sim.SHIPPING
    state["transactions"][order["id"]]["payments"][0]["amount"] = {"amount": f"{total:.2f}"}
    transport = make_transport(server)
    assert transport.refund_modes == ("full", "partial")
    partial = transport.refund_order(RefundRequest(
        order_external_id=order["id"], reason="damaged", lines=[RefundLine(order["lineItems"][0]["id"], 1)]))
    assert partial["amount"] == pytest.approx(30.0) and not partial["full"]
    refunds = state["transactions"][order["id"]]["refunds"]
    assert refunds[0]["details"]["items"] == [{"lineItemId": order["lineItems"][0]["id"], "quantity": 1}]
    assert order["paymentStatus"] == "PARTIALLY_REFUNDED"
    with pytest.raises(UserInputError, match="can still be refunded"):  # 30 + 10 + shipping > 44.90 left
        transport.refund_order(RefundRequest(order_external_id=order["id"], reason="x", refund_shipping=True,
                                             lines=[RefundLine(order["lineItems"][0]["id"], 2),
                                                    RefundLine(order["lineItems"][1]["id"], 1)]))
    full = transport.refund_order(RefundRequest(order_external_id=order["id"], reason="cancel"))
    assert full["amount"] == pytest.approx(total - 30.0) and full["full"]
    assert refunds[1]["details"]["items"] == [  # what is left of each line, not the ordered quantities
        {"lineItemId": order["lineItems"][0]["id"], "quantity": 1},
        {"lineItemId": order["lineItems"][1]["id"], "quantity": 1}]
    assert refunds[1]["details"]["shippingIncluded"] is True
    assert order["paymentStatus"] == "FULLY_REFUNDED"
    assert transport.normalize_order(transport.get_order(order["id"])).status == OrderStatus.REFUNDED
    assert transport.refund_order(RefundRequest(order_external_id=order["id"], reason="again"))["already"]
    assert len(refunds) == 2


def test_refund_with_shipping_and_external_flag(sim):
    app, state, server = sim
    order = wix_sim.add_order(state, random.Random(7), START, lines=[("A-1", "A", 20.0)])
    order["lineItems"][0]["quantity"] = 1
    state["transactions"][order["id"]]["payments"][0]["amount"] = {"amount": f"{20 + wix_sim.SHIPPING:.2f}"}
    transport = make_transport(server, external_refund=True)
    result = transport.refund_order(RefundRequest(order_external_id=order["id"], reason="late", refund_shipping=True,
                                                  lines=[RefundLine(order["lineItems"][0]["id"], 1)]))
    assert result["amount"] == pytest.approx(20 + wix_sim.SHIPPING)
    line = state["transactions"][order["id"]]["refunds"][0]["transactions"][0]
    assert line["externalRefund"] is True
    assert order["paymentStatus"] == "FULLY_REFUNDED"
    with pytest.raises(UserInputError, match="out of range"):
        transport.refund_order(RefundRequest(order_external_id=order["id"], reason="x",
                                             lines=[RefundLine(order["lineItems"][0]["id"], 3)]))


def test_client_side_pacing_waits_then_stops_before_a_429(sim):
    app, state, server = sim
    state["rate_limit"] = 4
    wix_sim.generate_orders(15, seed=3, start=START, state=state)  # 13 listed: 5 pages of 3
    sleeps = []
    transport = make_transport(server, sleeps=sleeps, requests_per_minute=4)
    pages = []
    with pytest.raises(RateLimitedError) as err:
        for page in transport.iter_order_pages(START - timedelta(hours=1)):
            pages.append(page)
    assert len(pages) == 4  # four calls, then the pacer's wait (~60 s) exceeds max_wait (5 s)
    assert 55 < err.value.retry_after <= 60
    assert err.value.details["cursor"]  # the run can resume from the fifth page
    assert app.count_requests(r"^/ecom/v1/orders/search$") == 4  # the fifth call was never sent
    # with a short window the pacer sleeps instead of stopping
    clock = [0.0]
    pacer = RequestPacer(2, window=3, max_wait=5, sleep=lambda s: clock.__setitem__(0, clock[0] + s),
                         clock=lambda: clock[0])
    for _ in range(5):
        pacer.acquire()
    assert clock[0] == pytest.approx(6.0)


def test_server_429_stops_the_run_with_its_cursor(sim):
    app, state, server = sim
    wix_sim.generate_orders(9, seed=8, start=START, state=state)
    app.add_fault(r"POST /ecom/v1/orders/search", status=429, body={"message": "Too Many Requests"}, count=-1,
                  after=1)
    sleeps = []
    transport = make_transport(server, sleeps=sleeps, requests_per_minute=0)
    pages = []
    with pytest.raises(RateLimitedError) as err:
        for page in transport.iter_order_pages(START - timedelta(hours=1)):
            pages.append(page)
    assert len(pages) == 1 and app.count_requests(r"^/ecom/v1/orders/search$") == 4  # 1 + 3 attempts
    assert err.value.details["cursor"]  # where the next run may resume
    assert err.value.retry_after >= 30
    assert sleeps == [0.01, 0.01]  # HttpClient's bounded back-off between the retries
    app.clear_faults()
    app.add_fault(r"POST /ecom/v1/orders/search", status=503, count=1)
    assert sum(len(p) for p in pages_since(make_transport(server, requests_per_minute=0))) == 8


def test_check_connection_and_auth_errors(sim):
    app, state, server = sim
    checks = make_transport(server).check_connection()
    assert checks[0] == f"API key accepted for site {SITE}"
    exchanges = []
    with pytest.raises(AuthenticationError) as err:
        make_transport(server, key="IST.wrong-key-value", exchanges=exchanges).check_connection()
    assert "invalid API key" in str(err.value) and "IST.wrong-key-value" not in repr(exchanges)
    with pytest.raises(AuthenticationError, match="no access to this site"):
        make_transport(server, site="another-site").check_connection()
    with pytest.raises(AuthenticationError):
        make_transport(server, site="")
