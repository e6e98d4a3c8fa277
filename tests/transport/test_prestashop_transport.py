"""PrestaShop Webservice transport against the simulator (real HTTP on 127.0.0.1)."""
import random
from datetime import UTC, datetime, timedelta

import pytest
import requests
from marketplace_simulator import prestashop as ps_sim
from transport_testing import build_transport, fresh_state, serve_simulator

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    OrderStatus,
    RateLimitedError,
    RefundLine,
    RefundRequest,
    RemoteError,
    ShipmentRequest,
    UserInputError,
)
from marketplace_transport.prestashop import (
    REFUND_LIMITS,
    STATUS_MAP,
    PrestashopTransport,
    parse_state_map,
)

KEY = ps_sim.DEFAULT_KEY
START = datetime(2025, 1, 15, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server():
    with serve_simulator(ps_sim) as (app, srv):
        yield app, srv


@pytest.fixture
def sim(server):
    """A fresh shop on the shared server."""
    app, srv = server
    return app, fresh_state(app, ps_sim), srv


def make_transport(server, key=KEY, exchanges=None, sleeps=None, **options):
    options.setdefault("page_size", 3)
    return build_transport(PrestashopTransport, server.url, {"secret": key}, options, exchanges, sleeps)


def all_orders(transport, since=START - timedelta(days=1)):
    return [payload for page in transport.iter_order_pages(since) for payload in page]


def test_import_pages_and_normalize(sim):
    app, state, server = sim
    ps_sim.generate_orders(7, seed=3, start=START, state=state)
    exchanges = []
    transport = make_transport(server, exchanges=exchanges)
    pages = list(transport.iter_order_pages(START - timedelta(hours=1)))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert app.count_requests(r"^/api/orders$") == 3
    # one call per resource and page for addresses and customers, not one per order
    assert app.count_requests(r"^/api/addresses$") == 3
    assert app.count_requests(r"^/api/customers$") == 3
    orders = [transport.normalize_order(p) for page in pages for p in page]
    assert sorted(o.external_id for o in orders) == sorted(state["orders"])
    for order in orders:
        raw = state["orders"][order.external_id]
        assert order.reference == raw["reference"]
        assert order.currency == "EUR"
        assert order.status == OrderStatus.TO_SHIP and order.paid
        assert order.total_amount == pytest.approx(float(raw["total_paid_tax_incl"]))
        assert order.computed_total == pytest.approx(order.total_amount, abs=0.01)
        assert order.lines[0].tax_rate == pytest.approx(20.0)
        assert order.shipping_tax_rate == pytest.approx(20.0)
        assert order.billing.email.endswith("@example.fr")
        assert order.shipping.country_code in {"FR", "DE", "BE"}
    b2b = [o for o in orders if o.is_business]
    assert b2b and all(o.billing.vat == "FR40303265045" and o.billing.company_name for o in b2b)
    assert all(not o.billing.vat for o in orders if not o.is_business)


def test_secrets_never_in_payloads_or_exchanges(sim):
    app, state, server = sim
    ps_sim.generate_orders(2, seed=1, start=START, state=state)
    exchanges = []
    transport = make_transport(server, exchanges=exchanges)
    payloads = all_orders(transport)
    text = repr(payloads)
    assert "secure_key" not in text and "passwd" not in text and "f1e2d3c4b5a69788" not in text
    assert exchanges and all(KEY not in repr(e) for e in exchanges)
    bad = make_transport(server, key="Z" * 32, exchanges=exchanges)
    with pytest.raises(AuthenticationError) as err:
        all_orders(bad)
    assert "Authentication key does not exist" in str(err.value)  # parsed from the XML error body
    assert "Z" * 32 not in str(err.value) and all("Z" * 32 not in repr(e) for e in exchanges)


def test_dates_are_shop_local_and_filter_needs_date_param(sim):
    app, state, server = sim
    rng = random.Random(1)
    order = ps_sim.add_order(state, rng, datetime(2025, 1, 15, 9, 0, tzinfo=UTC))
    assert order["date_upd"] == "2025-01-15 10:00:00"  # Paris, winter time
    transport = make_transport(server)
    payloads = all_orders(transport, since=datetime(2025, 1, 15, 8, 30, tzinfo=UTC))
    assert [p["id"] for p in payloads] == [order["id"]]
    assert transport.normalize_order(payloads[0]).updated_at == datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
    assert transport.order_key(payloads[0]) == (order["id"], "2025-01-15T09:00:00+00:00")
    sent = [q for m, p, q in app.requests if p == "/api/orders"][0]
    assert sent["filter[date_upd]"].startswith("[2025-01-15 09:30:00,") and sent["date"] == "1"
    # after the window: nothing, and PrestaShop's bare [] is understood
    assert all_orders(transport, since=datetime(2025, 1, 15, 9, 1, tzinfo=UTC)) == []
    # the simulator refuses a date filter without date=1, like the webservice
    response = requests.get(f"{server.url}/api/orders", auth=(KEY, ""), timeout=5,
                            params={"filter[date_upd]": "[2025-01-01 00:00:00,2025-02-01 00:00:00]"})
    assert response.status_code == 400 and "<error>" in response.text and "date=1" in response.text


def test_reimport_returns_only_changed_orders(sim):
    app, state, server = sim
    ps_sim.generate_orders(5, seed=5, start=START, state=state)
    transport = make_transport(server)
    first = [transport.normalize_order(p) for p in all_orders(transport)]
    cursor = max(o.updated_at for o in first)
    assert [p["id"] for p in all_orders(transport, since=cursor + timedelta(seconds=1))] == []
    ps_sim.set_order_state(state, "2", "6", when=cursor + timedelta(minutes=5))
    again = [transport.normalize_order(p) for p in all_orders(transport, since=cursor + timedelta(seconds=1))]
    assert [(o.external_id, o.status) for o in again] == [("2", OrderStatus.CANCELLED)]
    assert again[0].marketplace_status == "6 Canceled"


def test_order_updated_while_paging_is_not_lost(sim):
    app, state, server = sim
    ps_sim.generate_orders(7, seed=8, start=START, state=state)
    transport = make_transport(server)
    seen = []
    for index, page in enumerate(transport.iter_order_pages(START - timedelta(hours=1))):
        seen.extend((p["id"], p["current_state"]) for p in page)
        if index == 0:  # the first order moves to the end of the list while we page
            ps_sim.set_order_state(state, page[0]["id"], "4", when=START + timedelta(days=1))
    assert {i for i, _s in seen} == set(state["orders"])  # plain offsets would skip one order
    first_id = seen[0][0]
    assert [s for i, s in seen if i == first_id] == ["2", "4"]  # its new version comes too


@pytest.mark.parametrize("state_id,expected", sorted(STATUS_MAP.items(), key=lambda kv: int(kv[0])))
def test_default_status_table(sim, state_id, expected):
    app, state, server = sim
    ps_sim.add_order(state, random.Random(2), START, current_state=state_id)
    transport = make_transport(server)
    order = transport.normalize_order(all_orders(transport)[0])
    assert order.status == expected
    assert order.paid == (state["order_states"][state_id]["paid"] == "1")


def test_configured_and_flag_based_status(sim):
    app, state, server = sim
    state["order_states"]["14"] = {"id": "14", "name": "Chez le transporteur", "paid": "1", "shipped": "1",
                                   "delivery": "1", "logable": "1", "invoice": "1", "send_email": "0",
                                   "template": ""}
    state["order_states"]["15"] = {"id": "15", "name": "Préparation", "paid": "1", "shipped": "0",
                                   "delivery": "0", "logable": "1", "invoice": "1", "send_email": "0",
                                   "template": ""}
    rng = random.Random(4)
    for state_id in ("14", "15", "3"):
        ps_sim.add_order(state, rng, START, current_state=state_id)
    flags = {p["current_state"]: make_transport(server).normalize_order(p).status
             for p in all_orders(make_transport(server))}
    assert flags == {"14": OrderStatus.SHIPPED, "15": OrderStatus.TO_SHIP, "3": OrderStatus.TO_SHIP}
    mapped = make_transport(server, state_map="15=accepted\n3 = pending  # on hold here")
    statuses = {p["current_state"]: mapped.normalize_order(p).status for p in all_orders(mapped)}
    assert statuses == {"14": OrderStatus.SHIPPED, "15": OrderStatus.ACCEPTED, "3": OrderStatus.PENDING}
    with pytest.raises(UserInputError):
        parse_state_map("3=paid")


def test_discount_tax_basis_and_edge_cases(sim):
    app, state, server = sim
    rng = random.Random(6)
    order = ps_sim.add_order(state, rng, START, lines=[("SKU-A", "A", 30.0), ("SKU-B", "B", 10.0)],
                             discount_incl=8.0)
    order["associations"]["order_rows"][0]["product_quantity"] = "1"
    order["associations"]["order_rows"][1]["product_quantity"] = "1"
    order["total_paid_tax_incl"] = "38.000000"  # 40 - 8 + 6
    order["total_paid_tax_excl"] = f"{38 / 1.2:.6f}"
    transport = make_transport(server)
    normalized = transport.normalize_order(all_orders(transport)[0])
    assert [line.discount_amount for line in normalized.lines] == [6.0, 2.0]
    assert normalized.computed_total == pytest.approx(38.0)
    assert normalized.prices_include_tax
    excl = make_transport(server, prices_include_tax=False).normalize_order(all_orders(transport)[0])
    assert not excl.prices_include_tax
    assert excl.lines[0].unit_price == pytest.approx(25.0) and excl.shipping_amount == pytest.approx(5.0)
    assert excl.computed_total == pytest.approx(excl.total_amount, abs=0.01)
    # a deleted address or an unknown country is an order error, not a crash
    payload = all_orders(transport)[0]
    payload["_related"]["delivery"] = {}
    with pytest.raises(InvalidOrderError, match="shipping address missing"):
        transport.normalize_order(payload)
    payload = all_orders(transport)[0]
    payload["_related"]["invoice"]["country_iso"] = ""
    with pytest.raises(InvalidOrderError, match="country code"):
        transport.normalize_order(payload)


def test_ship_sets_tracking_then_shipped_state_once(sim):
    app, state, server = sim
    ps_sim.generate_orders(2, seed=2, start=START, state=state)
    transport = make_transport(server)
    request = ShipmentRequest(order_external_id="1", carrier="Colissimo", tracking_number="6A123456789")
    result = transport.ship_order(request)
    assert result["state"] == "4" and result["tracking_updated"]
    carrier = next(c for c in state["order_carriers"].values() if c["id_order"] == "1")
    assert carrier["tracking_number"] == "6A123456789"
    assert state["orders"]["1"]["current_state"] == "4"
    assert [h["id_order_state"] for h in state["order_histories"].values()] == ["4"]
    assert state["orders"]["2"]["current_state"] == "2"  # the other order is untouched
    again = transport.ship_order(request)
    assert again["state"] == "already 4" and "tracking_updated" not in again
    assert len(state["order_histories"]) == 1
    assert app.count_requests(r"^/api/order_carriers/\d+$", "PUT") == 1
    shipped = transport.normalize_order(transport.get_order("1"))
    assert shipped.status == OrderStatus.SHIPPED
    with pytest.raises(UserInputError):
        transport.ship_order(ShipmentRequest(order_external_id="2", carrier="Colissimo", tracking_number=""))
    assert state["orders"]["2"]["current_state"] == "2"


def test_ship_errors_come_from_the_xml_body(sim):
    app, state, server = sim
    ps_sim.generate_orders(1, seed=2, start=START, state=state)
    transport = make_transport(server, shipped_state_id="99")
    with pytest.raises(RemoteError) as err:
        transport.ship_order(ShipmentRequest(order_external_id="1", carrier="UPS", tracking_number="1Z999"))
    assert "Order state '99' does not exist" in str(err.value) and err.value.status == 400
    with pytest.raises(RemoteError, match="does not exist"):
        make_transport(server).ship_order(ShipmentRequest(order_external_id="42", carrier="UPS",
                                                          tracking_number="1Z999"))


def test_refund_full_sets_refunded_state_and_partial_is_refused(sim):
    app, state, server = sim
    ps_sim.generate_orders(1, seed=2, start=START, state=state)
    transport = make_transport(server)
    assert transport.refund_modes == ("full",) and "cannot refund money" in transport.refund_limits
    with pytest.raises(UserInputError) as err:
        transport.refund_order(RefundRequest(order_external_id="1", reason="damaged",
                                             lines=[RefundLine("100", 1, 19.9)]))
    assert REFUND_LIMITS in str(err.value)
    assert not state["order_histories"]  # nothing sent
    result = transport.refund_order(RefundRequest(order_external_id="1", reason="damaged"))
    assert result["state"] == "7" and result["money_refunded"] is False
    assert state["orders"]["1"]["current_state"] == "7"
    assert transport.refund_order(RefundRequest(order_external_id="1", reason="x"))["state"] == "already 7"
    assert len(state["order_histories"]) == 1
    assert transport.normalize_order(transport.get_order("1")).status == OrderStatus.REFUNDED


def test_rate_limit_stops_the_run_after_the_pages_read(sim):
    app, state, server = sim
    ps_sim.generate_orders(7, seed=9, start=START, state=state)
    app.add_fault(r"GET /api/orders$", status=429, headers={"Retry-After": "120"}, count=-1, after=1)
    sleeps = []
    transport = make_transport(server, sleeps=sleeps)
    pages = []
    with pytest.raises(RateLimitedError) as err:
        for page in transport.iter_order_pages(START - timedelta(hours=1)):
            pages.append(page)
    assert [len(p) for p in pages] == [3]  # the first page was delivered before the stop
    assert err.value.retry_after == 120
    assert 120 not in sleeps  # never waits longer than max_wait inside a run
    app.clear_faults()
    app.add_fault(r"GET /api/orders$", status=503, count=2)
    assert len(all_orders(make_transport(server, sleeps=sleeps))) == 7  # 5xx are retried
    assert sleeps  # with back-off


def test_check_connection_reports_rights_and_states(sim):
    app, state, server = sim
    checks = make_transport(server).check_connection()
    assert any("Webservice key accepted" in c for c in checks)
    assert any("'Shipped' state: 4 Shipped" == c for c in checks)
    assert any("'Refunded' state: 7 Refunded" == c for c in checks)
    state["permissions"]["order_carriers"].discard("PUT")
    with pytest.raises(AuthenticationError, match="PUT order_carriers"):
        make_transport(server).check_connection()
    state["permissions"]["order_carriers"].add("PUT")
    with pytest.raises(UserInputError, match="state 30"):
        make_transport(server, refunded_state_id="30").check_connection()
    with pytest.raises(AuthenticationError):
        make_transport(server, key="short").check_connection()
