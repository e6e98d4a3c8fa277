"""Octopia Seller API v2 transport against the simulator over real HTTP on 127.0.0.1."""
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import octopia as sim

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    OfferUpdate,
    OrderStatus,
    QuotaExhaustedError,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    TemporaryError,
    TransportConfig,
    UserInputError,
    get_transport_class,
)
from marketplace_transport.base import TokenStore
from marketplace_transport.octopia.offers import xml_offer_attributes
from marketplace_transport.octopia.rest import (
    PRODUCTION_TOKEN_URL,
    OctopiaRestTransport,
    parse_quota_delay,
)

UTC = UTC
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def shared():
    app = SimulatorApp()
    sim.register(app)
    with SimulatorServer(app) as server:
        yield app, server


@pytest.fixture
def app(shared):
    app, _server = shared
    sim.get_state(app).reset()
    return app


@pytest.fixture
def state(app):
    return sim.get_state(app)


@pytest.fixture
def server(shared, app):
    return shared[1]


def make_transport(server, store=None, clock=time.time, credentials=None, timeout=2.0, **options):
    exchanges, sleeps = [], []
    config = TransportConfig(
        base_url=server.url + sim.API_PREFIX,
        credentials=credentials or {"login": sim.DEFAULT_CLIENT_ID, "secret": sim.DEFAULT_CLIENT_SECRET},
        options={"account": sim.DEFAULT_SELLER_ID, "offer_poll_interval": 0.01, **options},
        timeout=timeout, max_retries=2, backoff=0.01, max_wait=0.05, token_store=store or TokenStore())
    transport = OctopiaRestTransport(config, recorder=exchanges.append, sleep=sleeps.append, clock=clock)
    transport.exchanges = exchanges
    transport.sleeps = sleeps
    return transport


def one_order(state, status="InPreparation", seed=1, **changes):
    order = sim.generate_orders(1, seed=seed, start=START, statuses=[status])[0]
    order.update(changes)
    state.add_orders([order])
    return order


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


# -- ship -----------------------------------------------------------------------------------
def _shippable_order(state):
    order = one_order(state, status="InPreparation", seed=31)
    order["lines"].append(dict(order["lines"][0], orderLineId="FF-9",
                               offer=dict(order["lines"][0]["offer"], supplyMode="Fulfillment")))
    order["lines"][0]["status"] = "CancelRequest"  # still shippable (changelog)
    return order


def test_ship_success_one_parcel_with_seller_lines(server, state, app):
    order = _shippable_order(state)
    transport = make_transport(server)
    result = transport.ship_order(ShipmentRequest(order["orderId"], "colissimo", "6A 1234 5678",
                                                  tracking_url="https://www.laposte.fr/outils/suivre-vos-envois"))
    assert result["parcel"]["carrierName"] == "Colissimo"
    (order_id, parcel), = state.shipments
    assert order_id == order["orderId"]
    assert parcel["parcelNumber"] == "6A12345678"
    seller_ids = [line["orderLineId"] for line in order["lines"] if line["offer"]["supplyMode"] == "Seller"]
    assert sorted(parcel["orderLineIds"]) == sorted(seller_ids) and "FF-9" not in parcel["orderLineIds"]
    assert state.orders[order["orderId"]]["status"] == "Shipped"
    assert app.count_requests(r"/shipments$", "POST") == 1


def test_ship_missing_tracking_makes_no_http_call(server, state, app):
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="tracking number missing"):
        transport.ship_order(ShipmentRequest("SCID1", "Colissimo", ""))
    with pytest.raises(UserInputError, match="carrier and tracking number missing"):
        transport.ship_order(ShipmentRequest("SCID1", "", ""))
    assert app.requests == [] and state.token_requests == 0


def test_ship_lines_come_from_octopia(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="not awaiting shipment"):
        transport.ship_order(ShipmentRequest(order["orderId"], "UPS", "1Z999", line_external_ids=["FF-9"]))
    first = order["lines"][0]["orderLineId"]
    transport.ship_order(ShipmentRequest(order["orderId"], "UPS", "1Z999", line_external_ids=[first]))
    (_order_id, parcel), = state.shipments
    assert len(parcel["orderLineIds"]) == len(order["lines"]) - 1  # the whole order, Fulfillment line aside


def test_ship_carrier_resolution(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="pcc.*La Poste, Colissimo, Chronopost"):
        transport.ship_order(ShipmentRequest(order["orderId"], "pcc", "6A1"))
    with pytest.raises(UserInputError, match="not in the Octopia carrier list"):
        transport.ship_order(ShipmentRequest(order["orderId"], "Pigeon Voyageur", "6A1"))
    assert transport.resolve_carrier("ups") == "UPS"  # unique code -> its label
    assert not state.shipments


def test_ship_marketplace_error_text_is_surfaced(server, state):
    order = _shippable_order(state)
    transport = make_transport(server)
    with pytest.raises(RemoteError) as error:
        transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A&123"))
    message = str(error.value)
    assert "One or more validation errors occurred." in message
    assert "parcelNumber" in message and "without spaces, &" in message
    assert error.value.status == 400
    other = one_order(state, status="Accepted", seed=32)
    with pytest.raises(UserInputError, match="it is Accepted"):
        transport.ship_order(ShipmentRequest(other["orderId"], "Colissimo", "6A123"))


def test_ship_retry_after_timeout_is_idempotent(server, state, app):
    order = _shippable_order(state)
    app.add_fault(r"POST /seller/v2/orders/.*/shipments", kind="timeout", delay=0.6)

    def wait_for_server(_seconds):  # the server applies the shipment after the client gave up
        deadline = time.time() + 5
        while not state.shipments and time.time() < deadline:
            time.sleep(0.02)

    transport = make_transport(server, timeout=0.3)
    transport.sleep = wait_for_server
    result = transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A999"))
    assert result["order"] == order["orderId"]
    assert len(state.shipments) == 1
    assert app.count_requests(r"/shipments$", "POST") == 1  # not re-sent: the re-read saw it shipped
    assert any(e.status is None and "timeout" in e.error for e in transport.exchanges)


def test_ship_resent_when_first_attempt_was_lost(server, state, app):
    order = _shippable_order(state)
    app.add_fault(r"POST /seller/v2/orders/.*/shipments", kind="reset")
    transport = make_transport(server)
    transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A998"))
    assert len(state.shipments) == 1
    assert app.count_requests(r"/shipments$", "POST") == 2
    assert len(transport.sleeps) == 1
    again = transport.ship_order(ShipmentRequest(order["orderId"], "Colissimo", "6A998"))
    assert again["already_shipped"] and len(state.shipments) == 1


# -- refund / approval -------------------------------------------------------------------------
def test_refund_full_is_a_cancellation_request(server, state):
    order = one_order(state, status="InPreparation", seed=41)
    transport = make_transport(server)
    assert transport.refund_modes == ("full",) and "partial" in transport.refund_limits.lower()
    result = transport.refund_order(RefundRequest(order["orderId"], "Produit en rupture de stock",
                                                  refund_shipping=True))
    (request,) = state.cancellation_requests
    assert request["reason"] == "ProductStockUnavailable" and request["shippingCostRefund"] is True
    assert result["cancellation_request_id"] == request["cancellationRequestId"]
    assert state.orders[order["orderId"]]["status"] == "Cancelled"
    shipped = one_order(state, status="Shipped", seed=42)
    transport.refund_order(RefundRequest(shipped["orderId"], "ClientRetraction"))
    assert state.cancellation_requests[-1]["shippingCostRefund"] is False
    assert state.orders[shipped["orderId"]]["status"] == "Shipped"


def test_refund_before_acceptance_refuses(server, state):
    order = one_order(state, status="WaitingAcceptance", seed=43)
    transport = make_transport(server)
    assert transport.refund_order(RefundRequest(order["orderId"], "VendorRejection"))["refused"]
    assert state.approvals == [(order["orderId"], "Refused")]
    assert not state.cancellation_requests
    with pytest.raises(UserInputError, match="already Refused"):
        transport.refund_order(RefundRequest(order["orderId"], "VendorRejection"))


def test_refund_partial_or_bad_reason_rejected(server, state, app):
    order = one_order(state, status="Delivered", seed=44)
    transport = make_transport(server)
    with pytest.raises(UserInputError, match="partially"):
        transport.refund_order(RefundRequest(order["orderId"], "ClientClaim",
                                             lines=[RefundLine(order["lines"][0]["orderLineId"], 1)]))
    assert app.requests == []
    with pytest.raises(UserInputError, match="ClientClaim"):
        transport.refund_order(RefundRequest(order["orderId"], "Because"))
    assert not state.cancellation_requests


def test_accept_and_refuse(server, state):
    waiting = one_order(state, status="WaitingAcceptance", seed=45)
    transport = make_transport(server)
    transport.accept_order(waiting["orderId"])
    assert state.orders[waiting["orderId"]]["status"] == "Accepted"
    preparing = one_order(state, status="InPreparation", seed=46)
    with pytest.raises(RemoteError, match="only WaitingAcceptance orders"):
        transport.refuse_order(preparing["orderId"])
    with pytest.raises(RemoteError, match="HTTP 404"):
        transport.get_order("SCID-NOPE")


# -- errors ------------------------------------------------------------------------------------
def test_quota_403_is_not_an_auth_failure(server, state, app):
    state.quota = 2
    transport = make_transport(server)
    transport.list_carriers()
    transport.list_refund_reasons()
    with pytest.raises(QuotaExhaustedError) as error:
        list(transport.iter_order_pages(START))
    assert not isinstance(error.value, AuthenticationError)
    assert error.value.retry_after == pytest.approx(695)
    assert "Out of call volume quota" in str(error.value)
    assert app.count_requests(r"^/seller/v2/orders$") == 1  # no retry, no token renewal
    assert state.token_requests == 1
    assert parse_quota_delay("Quota will be replenished in 1.02:00:05.") == 93605


def test_server_error_then_success(server, state, app):
    state.add_orders(sim.generate_orders(3, seed=51, start=START))
    app.add_fault(r"GET /seller/v2/orders$", status=500, count=1)
    transport = make_transport(server)
    pages = list(transport.iter_order_pages(START - timedelta(hours=1)))
    assert [len(p) for p in pages] == [3]
    assert [e.status for e in transport.exchanges if e.operation == "list orders"] == [500, 200]
    assert transport.sleeps == [0.01]
    app.add_fault(r"GET /seller/v2/orders$", status=503, count=-1)
    with pytest.raises(TemporaryError, match="HTTP 503"):
        list(transport.iter_order_pages(START - timedelta(hours=1)))


def test_secrets_absent_from_exchanges(server, state, app):
    store = TokenStore()
    transport = make_transport(server, store=store)
    transport.list_carriers()
    sim.expire_tokens(app)
    transport.list_refund_reasons()
    bad = make_transport(server, credentials={"login": sim.DEFAULT_CLIENT_ID, "secret": "another-bad-secret"})
    with pytest.raises(AuthenticationError) as error:
        bad.list_carriers()
    secrets_ = [sim.DEFAULT_CLIENT_SECRET, "another-bad-secret", store.token]
    recorded = " ".join(f"{e.url} {e.error}" for e in transport.exchanges + bad.exchanges)
    assert transport.exchanges and bad.exchanges
    assert not any(secret in recorded for secret in secrets_)
    assert "another-bad-secret" not in str(error.value)


# -- offers ------------------------------------------------------------------------------------
def test_push_250_offers_streamed_with_rejections(server, state, app):
    catalog = sim.CATALOG
    package_requests = []

    def offers():
        for index in range(250):
            if index == 150:  # lazy: the first 100 were uploaded before the 151st is produced
                package, = state.packages.values()
                package_requests.append(len(package["requests"]))
            product = catalog[index % len(catalog)]
            ean = product["ean"] if index % 50 != 7 else "3760012345000"  # bad check digit
            sku = f"SKU-{index:04d}" if index != 200 else "SKU-0199"  # duplicate reference
            extra = {"delivery_mode": "STD", "shipping_charges": 4.99, "striked_price": 29.9,
                     "price_must_be_aligned": "Align", "product_packaging_unit": "Kilogram"}
            if index == 240:
                extra = {}  # no delivery mode and no channel default
            yield OfferUpdate(sku, price=product["price"], quantity=index % 7, ean=ean, extra=extra)

    transport = make_transport(server)
    results = list(transport.push_offers(offers()))
    assert package_requests == [100]
    assert len(results) == 250
    errors = {r.seller_sku: r.message for r in results if r.state == "error"}
    bad_gtin = {f"SKU-{i:04d}" for i in range(250) if i % 50 == 7}
    assert bad_gtin <= set(errors) and all("InvalidGtin" in errors[s] for s in bad_gtin)
    assert "DuplicatedSellerExternalReference" in errors["SKU-0199"]
    assert [r.state for r in results if r.seller_sku == "SKU-0199"] == ["error", "error"]
    assert "MissingDeliveryMode" in errors["SKU-0240"]
    assert len(errors) == len(bad_gtin) + 1 + 1
    assert sum(r.state == "done" for r in results) == 250 - len(bad_gtin) - 2 - 1
    package, = state.packages.values()
    assert package["state"] == "Integrated" and package["packageType"] == "Upsert"
    sent = package["requests"][0]
    assert sent["deliveryModes"] == [{"code": "STD", "cost": 4.99}]
    assert sent["product"]["gtin"] == catalog[0]["ean"] and "StrikedPrice" not in str(sent)
    assert [len(b) for b in _upload_sizes(app)] == [1, 1, 1]
    assert app.count_requests(r"/offer-requests$", "POST") == 3
    assert app.count_requests(r"/offer-requests-results$", "GET") == 3  # Link-header cursor pages
    assert transport.sleeps  # polled until Integrated with the injected sleep
    assert state.offers["SKU-0001"]["quantity"] == 1
    assert xml_offer_attributes(OfferUpdate("X", 1, 1, extra={"striked_price": 29.9, "delivery_mode": "STD"})) == {
        "StrikedPrice": 29.9, "ShippingInformationDeliveryMode": "STD"}


def _upload_sizes(app):
    return [[p] for m, p, _q in app.requests if m == "POST" and p.endswith("/offer-requests")]


def test_push_offers_split_in_packages_and_channel_default_modes(server, state):
    offers = (OfferUpdate(f"P-{i}", price=10 + i, quantity=i, ean=sim.CATALOG[i % 12]["ean"]) for i in range(7))
    transport = make_transport(server, offer_chunk_size=3, offer_package_max=5,
                               delivery_modes=[{"code": "TRK", "cost": 3.5}])
    results = list(transport.push_offers(offers))
    assert [r.state for r in results] == ["done"] * 7
    sizes = sorted(len(p["requests"]) for p in state.packages.values())
    assert sizes == [3, 4]  # chunks of 3, at most 5 offers per package -> 3 + (3 + 1)
    assert all(r["deliveryModes"] == [{"code": "TRK", "cost": 3.5}]
               for p in state.packages.values() for r in p["requests"])


def test_offer_upload_chunk_refused(server, state, app):
    app.add_fault(r"POST /seller/v2/offer-packages/\w+/offer-requests", status=400, count=1,
                  body={"title": "Validation Failed", "status": 400, "detail": "Invalid offer requests.",
                        "errors": {"offerRequests[0].price": ["must be positive"]}})
    offers = [OfferUpdate(f"Q-{i}", price=5, quantity=1, ean=sim.CATALOG[0]["ean"],
                          extra={"delivery_mode": "STD"}) for i in range(5)]
    results = list(make_transport(server, offer_chunk_size=2).push_offers(offers))
    assert [r.state for r in results[:2]] == ["error", "error"]
    assert "offerRequests[0].price: must be positive" in results[0].message
    assert sorted(r.seller_sku for r in results if r.state == "done") == ["Q-2", "Q-3", "Q-4"]


# -- invoices and simulator ------------------------------------------------------------------
def test_upload_invoice(server, state):
    order = one_order(state, status="Shipped", seed=61)
    transport = make_transport(server)
    answer = transport.upload_invoice(order["orderId"], b"%PDF-1.7\n...", "FA2026-0001.pdf")
    assert answer["id"]
    assert state.invoices == [(order["orderId"], "FA2026-0001.pdf", b"%PDF-1.7\n...")]
    with pytest.raises(RemoteError, match="PDF or a UBL"):
        transport.upload_invoice(order["orderId"], b"hello", "x.txt")


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

