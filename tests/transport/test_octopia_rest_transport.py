"""Octopia Seller API v2 transport against the simulator over real HTTP on 127.0.0.1: token, order listing
and normalizing, the simulator's generator and state helpers (shipping and refunds: test_octopia_rest_shipping.py;
offers and errors: test_octopia_rest_offers.py)."""
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from marketplace_simulator import octopia as sim
from octopia_rest_testing import (  # noqa: F401 - the *_fixture names are fixtures
    START,
    app_fixture,
    make_transport,
    one_order,
    server_fixture,
    shared_fixture,
    state_fixture,
)

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    OrderStatus,
    QuotaExhaustedError,
    TransportConfig,
    UserInputError,
    get_transport_class,
)
from marketplace_transport.base import TokenStore
from marketplace_transport.octopia.rest import PRODUCTION_TOKEN_URL, OctopiaRestTransport


# -- token ------------------------------------------------------------------------------
def test_registry_and_token_url(server):
    assert get_transport_class("octopia") is OctopiaRestTransport
    transport = make_transport(server)
    assert transport.token_url == server.url + sim.TOKEN_PATH
    production = OctopiaRestTransport(TransportConfig(base_url="https://api.octopia-io.net/seller/v2"))
    assert production.token_url == PRODUCTION_TOKEN_URL
    custom = make_transport(server, token_url="https://auth.octopia.com/x/token")
    assert custom.token_url == "https://auth.octopia.com/x/token"


def test_token_obtained_once_and_reused_across_runs(server, state):
    store = TokenStore()
    first = make_transport(server, store=store)
    first.list_carriers()
    one_order(state)
    first.get_order(next(iter(state.orders)))
    assert state.token_requests == 1
    assert store.token and store.expires_at > time.time() + 7000
    second = make_transport(server, store=store)  # next cron run: same store, no new token
    second.list_refund_reasons()
    assert state.token_requests == 1
    assert all(h["sellerid"] == sim.DEFAULT_SELLER_ID and h["saleschannelid"] == "CDISFR"
               for h in state.seen_headers)
    assert len(state.seen_headers) == 3


def test_token_renewed_five_minutes_before_expiry(server, state):
    store = TokenStore()
    make_transport(server, store=store).list_carriers()
    token = store.token
    # 1 h later: still valid for 1 h -> reused
    make_transport(server, store=store, clock=lambda: time.time() + 3600).list_refund_reasons()
    assert state.token_requests == 1 and store.token == token
    # 4 min before expiry -> renewed before the call, no 401 on the way
    late = make_transport(server, store=store, clock=lambda: time.time() + 7200 - 240)
    late.list_carriers()
    assert state.token_requests == 2 and store.token != token
    assert not [e for e in late.exchanges if e.status == 401]


def test_token_expired_mid_run_is_renewed_once(server, state, app):
    transport = make_transport(server)
    transport.list_carriers()
    sim.expire_tokens(app)
    assert transport.list_refund_reasons()  # 401 -> one renewal -> success
    assert state.token_requests == 2
    assert [e.status for e in transport.exchanges if e.operation == "list cancellation reasons"] == [401, 200]
    sim.expire_tokens(app)
    transport._reasons = None
    with pytest.raises(AuthenticationError):  # only one renewal per run
        transport.list_refund_reasons()
    assert state.token_requests == 2


def test_bad_credentials(server, state):
    transport = make_transport(server, credentials={"login": "who", "secret": "wrong-secret-value"})
    with pytest.raises(AuthenticationError) as error:
        transport.list_carriers()
    assert "Invalid client" in str(error.value)
    assert "wrong-secret-value" not in str(error.value)
    assert state.api_calls == 0
    missing = make_transport(server, credentials={"login": "", "secret": ""})
    with pytest.raises(AuthenticationError):
        missing.list_carriers()


def test_seller_header_required_and_checked(server, state):
    with pytest.raises(UserInputError):
        make_transport(server, account="").list_carriers()
    with pytest.raises(AuthenticationError) as error:
        make_transport(server, account="12345").list_carriers()
    assert error.value.status == 403 and "12345" in str(error.value)
    assert not isinstance(error.value, QuotaExhaustedError)


# -- orders --------------------------------------------------------------------------------
def test_paging_250_orders_three_pages(server, state, app):
    state.add_orders(sim.generate_orders(250, seed=7, start=START))
    transport = make_transport(server, page_size=500)  # clamped to the documented maximum
    pages = list(transport.iter_order_pages(START - timedelta(hours=1), START + timedelta(days=1)))
    assert [len(p) for p in pages] == [100, 100, 50]
    ids = [transport.order_key(o)[0] for page in pages for o in page]
    assert len(set(ids)) == 250
    updated = [o["updatedAt"] for page in pages for o in page]
    assert updated == sorted(updated)
    calls = [q for m, p, q in app.requests if p == "/seller/v2/orders"]
    assert [q["pageIndex"] for q in calls] == ["1", "2", "3"]
    assert {q["pageSize"] for q in calls} == {"100"}
    assert transport.count_orders(START - timedelta(hours=1)) == 250


def test_paging_stops_on_empty_page_and_window(server, state, app):
    state.add_orders(sim.generate_orders(200, seed=8, start=START, step_seconds=60))
    transport = make_transport(server)
    pages = list(transport.iter_order_pages(START, START + timedelta(minutes=199)))
    assert [len(p) for p in pages] == [100, 100]
    assert app.count_requests(r"^/seller/v2/orders$") == 3  # the third, empty page ends the loop
    window = list(transport.iter_order_pages(START + timedelta(minutes=10), START + timedelta(minutes=19)))
    assert [len(p) for p in window] == [10]


def test_page_size_above_100_is_a_problem_json_400(server):
    transport = make_transport(server)
    response = requests.get(f"{server.url}/seller/v2/orders", params={"pageSize": 101}, timeout=5,
                            headers=transport._headers(transport._access_token()))
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "pageSize" in response.json()["errors"]


def test_overlapping_windows_redeliver_changed_order(server, state):
    orders = sim.generate_orders(30, seed=9, start=START, step_seconds=60)
    state.add_orders(orders)
    transport = make_transport(server)
    first = [o for p in transport.iter_order_pages(START, START + timedelta(minutes=20)) for o in p]
    overlap_from = START + timedelta(minutes=15)  # next run re-reads the last 5 minutes
    second = [o for p in transport.iter_order_pages(overlap_from, START + timedelta(minutes=40)) for o in p]
    both = {transport.order_key(o) for o in first} & {transport.order_key(o) for o in second}
    assert len(both) == 6  # minutes 15..20 delivered twice with the same (id, updatedAt)
    target = orders[3]["orderId"]
    state.set_status(target, "Cancelled", when=START + timedelta(minutes=35))
    third = [o for p in transport.iter_order_pages(overlap_from, START + timedelta(minutes=40)) for o in p]
    again = [o for o in third if o["orderId"] == target]
    assert len(again) == 1 and transport.normalize_order(again[0]).status == OrderStatus.CANCELLED


EXPECTED_STATUS = {
    "Processing": OrderStatus.PENDING,
    "WaitingAcceptance": OrderStatus.WAITING_ACCEPTANCE,
    "Accepted": OrderStatus.ACCEPTED,
    "Refused": OrderStatus.REFUSED,
    "InPreparation": OrderStatus.TO_SHIP,
    "Shipped": OrderStatus.SHIPPED,
    "Delivered": OrderStatus.DELIVERED,
    "Cancelled": OrderStatus.CANCELLED,
    "Rejected": OrderStatus.CANCELLED,
}


@pytest.mark.parametrize("raw_status", sorted(EXPECTED_STATUS))
def test_status_mapping(server, state, raw_status):
    order = one_order(state, status=raw_status)
    transport = make_transport(server)
    normalized = transport.normalize_order(transport.get_order(order["orderId"]))
    assert normalized.status == EXPECTED_STATUS[raw_status]
    assert normalized.marketplace_status == raw_status
    assert normalized.paid == (raw_status in ("InPreparation", "Shipped", "Delivered"))


def test_unknown_status_and_cancel_request_line(server):
    transport = make_transport(server)
    order = sim.generate_orders(1, seed=2, start=START, statuses=["InPreparation"])[0]
    order["lines"][0]["status"] = "CancelRequest"
    normalized = transport.normalize_order(order)
    assert normalized.lines[0].cancel_requested and normalized.lines[0].status == "CancelRequest"
    assert not any(line.cancel_requested for line in normalized.lines[1:])
    order["status"] = "OnHold"
    with pytest.raises(InvalidOrderError, match=r"unknown Octopia status 'OnHold'"):
        transport.normalize_order(order)


def _b2b_relay_order():
    order = sim.generate_orders(1, seed=11, start=START, statuses=["InPreparation"])[0]
    order["businessOrder"] = True
    order["billingAddress"].update(companyName="Brûlerie du Centre SARL", companyVatNumber="FR 12 345678901",
                                   firstName="Anne", lastName="Roux", postalCode="97410", city="Saint-Pierre",
                                   countryCode="FR")
    first = order["lines"][0]
    first["shippingAddress"].update(pickupId="MR-004512", pickupName="Relais Tabac Presse 4512",
                                    addressLine1="12 rue des Lilas")
    fulfilled = dict(first, orderLineId="F-1", offer=dict(first["offer"], supplyMode="Fulfillment"),
                     shippingAddress=dict(first["shippingAddress"], firstName="Warehouse", pickupId=""))
    order["lines"].insert(0, fulfilled)  # the fulfilled line comes first: its address must not win
    return order


def test_normalize_b2b_relay_fulfillment(server):
    transport = make_transport(server)
    order = _b2b_relay_order()
    normalized = transport.normalize_order(order)
    assert normalized.is_business
    assert normalized.billing.company_name == "Brûlerie du Centre SARL"
    assert normalized.billing.vat == "FR12345678901" and normalized.buyer_vat == "FR12345678901"
    assert normalized.billing.zip == "97410" and normalized.billing.country_code == "FR"
    assert normalized.shipping.pickup_id == "MR-004512"
    assert normalized.shipping.pickup_name == "Relais Tabac Presse 4512"
    assert normalized.shipping.name != "Warehouse" + " " + order["lines"][1]["shippingAddress"]["lastName"]
    assert normalized.billing.email == order["lines"][1]["shippingAddress"]["email"]
    shippable = {line.external_id: line.shippable for line in normalized.lines}
    assert shippable["F-1"] is False and all(v for k, v in shippable.items() if k != "F-1")


def test_normalize_amounts(server):
    transport = make_transport(server)
    order = sim.generate_orders(1, seed=21, start=START, statuses=["InPreparation"])[0]
    normalized = transport.normalize_order(order)
    assert normalized.prices_include_tax
    raw_lines = order["lines"]
    expected_prices = [raw["sellingPrice"]["unitSalesPrice"] for raw in raw_lines]
    assert [line.unit_price for line in normalized.lines] == expected_prices
    assert normalized.lines[0].tax_rate == raw_lines[0]["sellingPrice"]["taxes"][0]["rate"]
    assert normalized.shipping_amount == round(sum(raw["sellingPrice"]["shippingCost"] for raw in raw_lines), 2)
    assert normalized.total_amount == order["totalPrice"]["sellingPrice"]
    assert normalized.computed_total == pytest.approx(normalized.total_amount, abs=0.011)
    assert normalized.fees[0].amount == order["serviceFees"][0]["amount"]
    assert normalized.customer_external_id == order["customer"]["reference"]
    assert normalized.lines[0].sku == raw_lines[0]["offer"]["sellerProductId"]
    assert normalized.lines[0].ean == raw_lines[0]["offer"]["productGtin"]
    del order["serviceFees"]
    commission = sum(raw["offerPrice"]["commission"]["amountWithVat"] for raw in raw_lines)
    assert transport.normalize_order(order).fees[0].amount == pytest.approx(commission)


def test_address_hidden_before_preparation_falls_back_to_billing(server, state):
    order = one_order(state, status="WaitingAcceptance")
    transport = make_transport(server)
    payload = transport.get_order(order["orderId"])
    assert "shippingAddress" not in payload["lines"][0]
    normalized = transport.normalize_order(payload)
    assert normalized.shipping.street == order["billingAddress"]["addressLine1"]
    assert transport.addresses_pending(payload)


@pytest.mark.parametrize("status", ["Processing", "WaitingAcceptance", "Accepted"])
def test_order_without_any_address_before_preparation_gets_a_placeholder_buyer(server, state, status):
    state.mask_billing = True
    order = one_order(state, status=status)
    transport = make_transport(server)
    payload = transport.get_order(order["orderId"])
    assert "billingAddress" not in payload
    normalized = transport.normalize_order(payload)
    assert normalized.billing.name == f"Octopia customer {order['customer']['reference']}"
    assert (normalized.billing.country_code, normalized.shipping.country_code) == ("FR", "FR")
    assert normalized.billing.street == ""
    payload["status"] = "InPreparation"
    with pytest.raises(InvalidOrderError, match="neither a billing address nor a shipping address"):
        transport.normalize_order(payload)


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o.pop("orderId"), r"\(no orderId\): no orderId"),
    (lambda o: o.update(lines=[]), r"no order lines"),
    (lambda o: o.update(lines="abc"), r"no order lines"),
    (lambda o: o["lines"][0]["sellingPrice"].pop("unitSalesPrice"), r"line 1 .*unitSalesPrice"),
    (lambda o: o["lines"][0].update(quantity="two"), r"quantity: not a number"),
    (lambda o: o["lines"][0]["offer"].update(sellerProductId="", productGtin=""), r"no SKU and no EAN"),
    (lambda o: o["billingAddress"].update(countryCode="France"), r"billing address: invalid country code"),
    (lambda o: o.update(updatedAt="yesterday"), r"invalid date"),
    (lambda o: o["lines"].append(42), r"line \d is not a JSON object"),
    (lambda o: o.update(billingAddress=["x"]), r"an address is not a JSON object"),
])
def test_bad_payloads_raise_invalid_order(server, mutate, message):
    transport = make_transport(server)
    order = sim.generate_orders(1, seed=5, start=START, statuses=["InPreparation"])[0]
    mutate(order)
    with pytest.raises(InvalidOrderError, match=message) as error:
        transport.normalize_order(order)
    if order.get("orderId"):
        assert order["orderId"] in str(error.value)
    with pytest.raises(InvalidOrderError, match="not a JSON object"):
        transport.normalize_order(["not", "an", "order"])


# -- invoices and simulator ------------------------------------------------------------------


def test_generator_is_seeded_and_realistic():
    orders = sim.generate_orders(400, seed=3, start=START)
    assert orders == sim.generate_orders(400, seed=3, start=START)
    assert orders != sim.generate_orders(400, seed=4, start=START)
    customers = [o["customer"]["reference"] for o in orders]
    returning = len(customers) - len(set(customers))
    assert 0.2 * 400 < returning < 0.4 * 400
    b2b = [o for o in orders if o["businessOrder"]]
    assert 0.04 * 400 < len(b2b) < 0.2 * 400 and all(o["billingAddress"]["companyVatNumber"] for o in b2b)
    countries = {o["billingAddress"]["countryCode"] for o in orders}
    assert {"FR", "DE", "IT", "ES", "BE", "CH"} <= countries
    assert any(o["billingAddress"]["postalCode"].startswith("974") for o in orders)
    lines = [line for o in orders for line in o["lines"]]
    assert any(line["shippingAddress"]["pickupId"] for line in lines)
    assert any(line["offer"]["supplyMode"] == "Fulfillment" for line in lines)
    assert {len(o["lines"]) for o in orders} == {1, 2, 3, 4}
    assert all(sim.gtin_is_valid(line["offer"]["productGtin"]) for line in lines)
    started = time.perf_counter()
    sim.generate_orders(2000, seed=1)
    assert time.perf_counter() - started < 2.0


def test_state_helpers_concurrent_reads(server, state):
    state.add_orders(sim.generate_orders(120, seed=71, start=START))
    transport = make_transport(server)
    target = next(iter(state.orders))
    errors = []

    def reader():
        try:
            list(make_transport(server, store=transport.config.token_store).iter_order_pages(START))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    transport.list_carriers()
    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    state.set_status(target, "Delivered")
    for thread in threads:
        thread.join(10)
    assert not errors
    assert transport.normalize_order(transport.get_order(target)).status == OrderStatus.DELIVERED


def test_progress_orders_moves_statuses(server, state):
    orders = sim.generate_orders(20, seed=81, start=START, statuses=["WaitingAcceptance", "InPreparation"])
    state.add_orders(orders)
    before = {o["orderId"]: o["status"] for o in orders}
    moved = sim.progress_orders(state.app, 6, seed=2)
    assert len(moved) == 6
    for order_id in moved:
        assert state.orders[order_id]["status"] == sim.NEXT_STATUS[before[order_id]]
    transport = make_transport(server)
    recent = [o for p in transport.iter_order_pages(datetime.now(UTC) - timedelta(minutes=1)) for o in p]
    assert sorted(o["orderId"] for o in recent) == sorted(moved)
