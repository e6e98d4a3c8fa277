"""WooCommerce transport against the WooCommerce simulator over real HTTP."""
from datetime import UTC, datetime, timedelta

import pytest
from marketplace_simulator import woocommerce as sim
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
    TemporaryError,
    TransportConfig,
    UserInputError,
)
from marketplace_transport import woocommerce as woo_transport
from marketplace_transport.woocommerce import WooCommerceTransport

KEY, SECRET = "ck_4f1e2d3c4b5a69788796a5b4c3d2e1f0", "cs_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
OFFLINE = TransportConfig(base_url="http://127.0.0.1:9")


class Harness(TransportHarness):
    simulator = sim

    def transport(self, key=KEY, secret=SECRET, base_url=None, **options):
        return build_transport(WooCommerceTransport, base_url or self.server.url,
                               {"login": key, "secret": secret, "webhook_secret": "wh_secret"},
                               options, self.exchanges, self.sleeps)

    def list_requests(self):
        return [q for m, p, q in self.app.requests if p == "/wp-json/wc/v3/orders"]


def _serve(orders, **kwargs):
    return serve_simulator(sim, orders=orders, consumer_key=KEY, consumer_secret=SECRET, **kwargs)


@pytest.fixture
def woo():
    with _serve(sim.generate_orders(12, seed=5, start=START)) as (app, server):
        yield Harness(app, server)


def _orders(transport, since=START - timedelta(days=1)):
    return [o for page in transport.iter_order_pages(since) for o in page]


def _modified(order):
    return datetime.fromisoformat(order["date_modified_gmt"])


# -- import -------------------------------------------------------------------------------------


def test_import_reads_every_page_then_yields_oldest_modification_first(woo):
    first_id = min(woo.state["orders"])
    sim.update_order(woo.app, first_id, status="on-hold")  # lowest id, newest modification
    pages = list(woo.transport(page_size=5).iter_order_pages(START - timedelta(days=1)))
    assert [len(p) for p in pages] == [5, 5, 2]
    orders = [o for p in pages for o in p]
    assert sorted(o["id"] for o in orders) == sorted(woo.state["orders"])
    assert [_modified(o) for o in orders] == sorted(_modified(o) for o in orders)
    assert orders[-1]["id"] == first_id
    requests = woo.list_requests()
    assert [q["page"] for q in requests] == ["1", "2", "3"]
    first = requests[0]
    assert (first["dates_are_gmt"], first["orderby"], first["order"], first["per_page"]) == ("true", "id", "asc", "5")
    assert first["modified_after"] == "2026-10-31T08:00:00"  # GMT, no offset
    assert "consumer_key" not in first and set(woo.state["auth_modes"]) == {"basic"}


def test_reimport_and_incremental_window(woo):
    transport = woo.transport()
    everything = _orders(transport)
    assert [o["id"] for o in _orders(transport)] == [o["id"] for o in everything]
    newest = max(_modified(o) for o in everything).replace(tzinfo=UTC)
    assert _orders(transport, since=newest) == []  # modified_after is exclusive
    changed = sim.update_order(woo.app, everything[3]["id"], status="completed")
    again = _orders(transport, since=newest)
    assert [o["id"] for o in again] == [changed["id"]]
    assert transport.normalize_order(again[0]).status == OrderStatus.SHIPPED


def test_large_window_is_split_and_each_order_comes_once(woo):
    transport = woo.transport(page_size=3, max_window_orders=4)
    orders = _orders(transport, since=START - timedelta(minutes=30))
    assert sorted(o["id"] for o in orders) == sorted(woo.state["orders"])
    assert [_modified(o) for o in orders] == sorted(_modified(o) for o in orders)
    assert len(woo.list_requests()) > 4  # the window was halved several times


def test_page_size_is_capped_at_100(woo):
    _orders(woo.transport(page_size=500))
    assert woo.list_requests()[0]["per_page"] == "100"


def test_rate_limit_before_a_window_is_complete_yields_nothing(woo):
    woo.app.add_fault(r"GET /wp-json/wc/v3/orders$", status=429, headers={"Retry-After": "120"},
                      body={"code": "too_many_requests", "message": "Too Many Requests", "data": {"status": 429}},
                      count=-1, after=1)
    seen = []
    with pytest.raises(RateLimitedError) as error:
        for page in woo.transport(page_size=5).iter_order_pages(START - timedelta(days=1)):
            seen.extend(page)
    # nothing was yielded, so the channel cursor cannot have moved past an unread order
    assert error.value.retry_after == 120 and seen == []
    woo.app.clear_faults()
    assert len(_orders(woo.transport(page_size=5))) == 12


def test_429_retry_after_and_5xx_are_retried(woo):
    woo.app.add_fault(r"GET /wp-json/wc/v3/orders$", status=429, headers={"Retry-After": "2"}, count=1, after=1)
    woo.app.add_fault(r"GET /wp-json/wc/v3/orders$", status=503, count=1, after=2)
    assert len(_orders(woo.transport(page_size=5))) == 12
    assert 2.0 in woo.sleeps and [e.status for e in woo.exchanges].count(503) == 1


def test_query_string_auth_and_https_rule(woo):
    transport = woo.transport(auth_in_query=True)
    _orders(transport)
    assert woo.state["auth_modes"][-1] == "query"
    for exchange in woo.exchanges:
        assert SECRET not in exchange.url and KEY not in exchange.url
        assert SECRET not in exchange.error
    with pytest.raises(UserInputError, match="https"):
        _orders(woo.transport(base_url="http://shop.example.com"))


def test_errors_are_typed_and_secrets_never_recorded(woo):
    with pytest.raises(AuthenticationError, match="signature does not match") as error:
        _orders(woo.transport(secret="cs_wrong_secret_999"))
    assert "cs_wrong_secret_999" not in str(error.value)
    transport = woo.transport()
    with pytest.raises(RemoteError, match="Invalid ID"):
        transport.get_order("99999")
    with pytest.raises(UserInputError):
        transport.get_order("1 OR 1=1")
    with pytest.raises(AuthenticationError, match="consumer key"):
        _orders(woo.transport(key=""))
    transport.check_connection()
    for exchange in woo.exchanges:
        assert SECRET not in repr(exchange) and "cs_wrong_secret_999" not in repr(exchange)


def test_check_connection_reports_what_was_verified(woo):
    checks = woo.transport().check_connection()
    assert "WooCommerce 9.4.0" in checks[0] and "currency EUR" in checks[0]
    assert checks[1] == "Orders can be read (12 in the store)"
    assert "Shipment Tracking extension active" in checks


# -- normalize ----------------------------------------------------------------------------------


@pytest.mark.parametrize("included", [True, False])
def test_normalize_prices_on_the_orders_tax_basis(included):
    payload = sim.make_order(900, created_at=START, lines=[(0, 2), (1, 1)], customer=2, prices_include_tax=included,
                             shipping=7.5, coupon=6.0)
    order = WooCommerceTransport(OFFLINE).normalize_order(payload)
    assert order.prices_include_tax is included
    hoodie = order.lines[0]
    if included:  # as entered in the shop: 45.00 tax included
        assert hoodie.unit_price == pytest.approx(45.00) and order.shipping_amount == pytest.approx(7.5)
        assert order.total_amount == pytest.approx(float(payload["total"]))
    else:
        assert hoodie.unit_price == pytest.approx(45.00) and order.shipping_amount == pytest.approx(7.5)
        assert order.total_amount == pytest.approx(float(payload["total"]) - float(payload["total_tax"]))
    assert sum(line.discount_amount for line in order.lines) == pytest.approx(6.0, abs=0.02)
    assert order.total_amount == pytest.approx(order.computed_total, abs=0.02)
    assert hoodie.tax_rate == pytest.approx(20.0) and order.shipping_tax_rate == pytest.approx(20.0)
    assert order.billing.vat == "IT12345678901" and order.is_business
    assert order.stated_tax == pytest.approx(float(payload["total_tax"]), abs=0.011)  # lines + shipping
    assert order.paid_amount == pytest.approx(float(payload["total"]))
    assert order.billing.company_name == "Azienda Srl" and order.customer_external_id == "22"
    assert order.updated_at == START and order.paid and order.status == OrderStatus.TO_SHIP


def test_normalize_guest_virtual_order_and_rate_fallback():
    payload = sim.make_order(901, created_at=START, lines=[(2, 1)], customer=0, shipping=0.0, status="pending")
    payload["shipping"] = {k: "" for k in payload["shipping"]}
    payload["tax_lines"][0].pop("rate_percent")  # older WooCommerce: no rate_percent
    payload["date_paid_gmt"] = payload["date_paid"] = None
    order = WooCommerceTransport(OFFLINE).normalize_order(payload)
    assert order.shipping.street == order.billing.street == "969 Market"
    assert order.shipping.email == "john.doe@example.com"
    assert order.customer_external_id == "" and not order.is_business and order.billing.vat == ""
    assert order.lines[0].tax_rate == pytest.approx(20.0, abs=0.1)
    assert order.status == OrderStatus.PENDING and not order.paid and order.shipping_amount == 0
    payload["status"] = "shipped-by-plugin"
    with pytest.raises(InvalidOrderError, match="unknown WooCommerce order status"):
        WooCommerceTransport(OFFLINE).normalize_order(payload)
    payload["status"] = "processing"
    payload["line_items"][0]["sku"] = ""  # product without SKU: kept for the channel's fallback product
    line = WooCommerceTransport(OFFLINE).normalize_order(payload).lines[0]
    assert line.sku == "" and line.name == payload["line_items"][0]["name"]


def test_vat_meta_keys_are_configurable():
    payload = sim.make_order(902, created_at=START, lines=[(0, 1)], customer=3, with_vat_meta=False)
    payload["meta_data"] = [{"id": 1, "key": "_custom_vat", "value": "BE0123456789"}]
    assert WooCommerceTransport(OFFLINE).normalize_order(payload).billing.vat == ""
    config = TransportConfig(base_url="http://127.0.0.1:9", options={"vat_meta_keys": "_custom_vat"})
    assert WooCommerceTransport(config).normalize_order(payload).billing.vat == "BE0123456789"


@pytest.mark.parametrize("status, expected", [
    ("pending", OrderStatus.PENDING), ("failed", OrderStatus.PENDING), ("on-hold", OrderStatus.ACCEPTED),
    ("processing", OrderStatus.TO_SHIP), ("completed", OrderStatus.SHIPPED),
    ("cancelled", OrderStatus.CANCELLED), ("refunded", OrderStatus.REFUNDED), ("trash", OrderStatus.CANCELLED),
])
def test_status_mapping(status, expected):
    payload = sim.make_order(903, created_at=START, lines=[(0, 1)], status=status)
    order = WooCommerceTransport(OFFLINE).normalize_order(payload)
    assert order.status == expected and order.marketplace_status == status
    payload["refunds"] = [{"id": 1, "reason": "", "total": "-5.00"}]
    partly = WooCommerceTransport(OFFLINE).normalize_order(payload)
    assert partly.status == expected
    assert partly.marketplace_status == (status if status == "refunded" else f"{status} (partially refunded)")


# -- ship ---------------------------------------------------------------------------------------


def test_ship_with_shipment_tracking_extension(woo):
    transport = woo.transport()
    order = next(o for o in woo.state["orders"].values() if o["status"] == "processing")
    result = transport.ship_order(ShipmentRequest(str(order["id"]), "colissimo", "6A0001"))
    assert result == {"status": "completed", "tracking": "extension"}
    tracking = woo.state["trackings"][order["id"]][-1]
    assert tracking["tracking_provider"] == "Colissimo" and tracking["tracking_number"] == "6A0001"
    assert order["status"] == "completed"
    assert transport.normalize_order(order).status == OrderStatus.SHIPPED
    puts = woo.app.count_requests(rf"/orders/{order['id']}$", "PUT")
    again = transport.ship_order(ShipmentRequest(str(order["id"]), "colissimo", "6A0001"))
    assert again["tracking"] == "already_sent" and len(woo.state["trackings"][order["id"]]) == 1
    assert woo.app.count_requests(rf"/orders/{order['id']}$", "PUT") == puts  # nothing sent twice
    custom = transport.ship_order(ShipmentRequest(str(order["id"]), "Mondial Relay", "MR42", "https://mr.example/MR42"))
    assert custom["tracking"] == "extension"
    item = woo.state["trackings"][order["id"]][-1]
    assert item["custom_tracking_provider"] == "Mondial Relay"
    assert item["custom_tracking_link"] == "https://mr.example/MR42"


def test_ship_without_extension_uses_a_customer_note_and_partial_keeps_status():
    orders = [sim.make_order(950, created_at=START, lines=[(0, 1), (1, 1)], status="processing")]
    with _serve(orders, tracking_extension=False) as (app, server):
        harness = Harness(app, server)
        transport = harness.transport()
        order = app.state["woocommerce"]["orders"][950]
        first_line = str(order["line_items"][0]["id"])
        partial = transport.ship_order(ShipmentRequest("950", "DHL", "JD0001", line_external_ids=[first_line]))
        assert partial == {"status": "processing", "tracking": "note"}
        note = app.state["woocommerce"]["notes"][950][-1]
        assert note["customer_note"] and "JD0001" in note["note"] and "DHL" in note["note"]
        meta = {m["key"]: m["value"] for m in order["meta_data"]}
        assert meta["_tracking_number"] == "JD0001" and meta["_tracking_provider"] == "DHL"
        done = transport.ship_order(ShipmentRequest("950", "DHL", "JD0001"))
        assert done == {"status": "completed", "tracking": "already_sent"}
        assert len(app.state["woocommerce"]["notes"][950]) == 1
        assert transport.list_carriers() == []
        order["status"] = "cancelled"
        with pytest.raises(UserInputError, match="cancelled"):
            transport.ship_order(ShipmentRequest("950", "DHL", "JD0002"))


# -- refunds ------------------------------------------------------------------------------------


def test_partial_then_full_refund(woo):
    transport = woo.transport()
    order = next(o for o in woo.state["orders"].values()
                 if o["status"] == "processing" and o["line_items"][0]["quantity"] >= 2 and o["shipping_lines"])
    line = order["line_items"][0]
    result = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[RefundLine(str(line["id"]), 1)],
                                                  idempotency_key="odoo-r-1"))
    refund = woo.state["refunds"][order["id"]][-1]
    sent = refund["line_items"]
    assert [(i["id"], i["quantity"]) for i in sent] == [(line["id"], -1)]
    unit_net = float(line["total"]) / line["quantity"]
    unit_tax = float(line["total_tax"]) / line["quantity"]
    assert sent[0]["refund_total"] == pytest.approx(unit_net, abs=0.01)
    assert result["amount"] == pytest.approx(unit_net + unit_tax, abs=0.02)
    assert refund["api_restock"] is False and refund["refunded_payment"] is True
    assert order["status"] == "processing"
    normalized = transport.normalize_order(order)
    assert normalized.status == OrderStatus.TO_SHIP and "partially refunded" in normalized.marketplace_status
    replay = transport.refund_order(RefundRequest(str(order["id"]), "damaged", lines=[RefundLine(str(line["id"]), 1)],
                                                  idempotency_key="odoo-r-1"))
    assert replay["replayed"] and len(woo.state["refunds"][order["id"]]) == 1
    full = transport.refund_order(RefundRequest(str(order["id"]), "order cancelled"))
    last = woo.state["refunds"][order["id"]][-1]["line_items"]
    quantities = {i["id"]: -i["quantity"] for i in last if i["kind"] == "line"}
    assert quantities[line["id"]] == line["quantity"] - 1
    assert any(i["kind"] == "shipping" for i in last)
    assert result["amount"] + full["amount"] == pytest.approx(float(order["total"]), abs=0.01)
    assert order["status"] == "refunded" and transport.normalize_order(order).status == OrderStatus.REFUNDED
    with pytest.raises(UserInputError, match="nothing left to refund"):
        transport.refund_order(RefundRequest(str(order["id"]), "again"))


def test_refund_shipping_line_and_refused_refund_is_not_retried(woo):
    transport = woo.transport()
    order = next(o for o in woo.state["orders"].values() if o["shipping_lines"] and o["status"] == "processing")
    line = order["line_items"][0]
    result = transport.refund_order(RefundRequest(str(order["id"]), "late", refund_shipping=True,
                                                  lines=[RefundLine(str(line["id"]), 1)]))
    ship = order["shipping_lines"][0]
    expected = (float(line["total"]) + float(line["total_tax"])) / line["quantity"] + float(ship["total"]) + float(
        ship["total_tax"])
    assert result["amount"] == pytest.approx(expected, abs=0.02)
    with pytest.raises(UserInputError, match="can still be refunded"):
        transport.refund_order(RefundRequest(str(order["id"]), "x", lines=[RefundLine(str(line["id"]), 99)]))
    # the shop refuses (HTTP 500 + woocommerce_rest_cannot_create_order_refund): a business error, sent once
    woo.app.add_fault(r"POST /wp-json/wc/v3/orders/\d+/refunds$", status=500, count=1,
                      body={"code": "woocommerce_rest_cannot_create_order_refund", "message": "Invalid refund amount.",
                            "data": {"status": 500}})
    posts = woo.app.count_requests(r"/refunds$", "POST")
    with pytest.raises(RemoteError, match="refused the refund") as error:
        transport.refund_order(RefundRequest(str(order["id"]), "x", lines=[RefundLine(str(line["id"]), 1)]))
    assert not isinstance(error.value, TemporaryError)
    assert woo.app.count_requests(r"/refunds$", "POST") == posts + 1


def test_webhook_signature_helpers():
    body = b'{"id": 727, "status": "processing"}'
    signature = woo_transport.sign_webhook("wh_secret", body)
    assert woo_transport.verify_webhook("wh_secret", body, signature)
    assert not woo_transport.verify_webhook("wh_secret", body.replace(b"727", b"728"), signature)
    assert not woo_transport.verify_webhook("wh_secret", body, None)
    assert woo_transport.webhook_order_id("order.updated", {"id": 727}) == "727"
    assert woo_transport.webhook_order_id("product.updated", {"id": 727}) == ""


def test_custom_statuses_map_through_the_channel_table():
    payload = sim.make_order(902, created_at=START, lines=[(0, 1)], status="partial-shipped")
    with pytest.raises(InvalidOrderError, match="map it on the channel") as error:
        WooCommerceTransport(OFFLINE).normalize_order(payload)
    assert (error.value.code, error.value.params) == (
        "unknown_status", {"status": "partial-shipped", "marketplace": "WooCommerce"})
    config = TransportConfig(base_url=OFFLINE.base_url, options={
        "status_map": "wc-partial-shipped=to_ship\nprocessing=accepted  # override"})
    assert WooCommerceTransport(config).normalize_order(payload).status == OrderStatus.TO_SHIP
    payload["status"] = "processing"
    assert WooCommerceTransport(config).normalize_order(payload).status == OrderStatus.ACCEPTED
