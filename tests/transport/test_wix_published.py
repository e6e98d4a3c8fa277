"""Wix's published eCommerce order and fulfillment examples (tests/fixtures/wix/, see SOURCE.md) through
our normalizer and our shipping code, and the simulator checked to serve the same shape."""
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from marketplace_simulator import wix as wix_sim
from transport_testing import build_transport, fresh_state, serve_simulator

from marketplace_transport import OrderStatus, ShipmentRequest, TransportConfig
from marketplace_transport.wix import WixTransport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wix"
OFFLINE = TransportConfig(base_url="http://127.0.0.1:9", credentials={"secret": "key"}, options={"account": "site"})
KEY, SITE = wix_sim.DEFAULT_API_KEY, wix_sim.DEFAULT_SITE_ID


def _load(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def get_order_example():
    return _load("order_get.response.json")["order"]


def approved_event_order():
    return _load("order_approved.event.json")["actionEvent"]["body"]["order"]


@pytest.fixture(scope="module")
def server():
    with serve_simulator(wix_sim) as (app, srv):
        yield app, srv


@pytest.fixture
def site(server):
    """A fresh simulated site holding the two published orders and the published fulfillments."""
    app, srv = server
    state = fresh_state(app, wix_sim)
    for order in (get_order_example(), approved_event_order()):
        state["orders"][order["id"]] = order
        state["fulfillments"][order["id"]] = []
    listed = _load("fulfillments_list.response.json")["orderWithFulfillments"]
    state["fulfillments"][listed["orderId"]] = listed["fulfillments"]
    transport = build_transport(WixTransport, srv.url, {"secret": KEY}, {"account": SITE})
    return state, srv, transport


def test_get_order_example_lines_and_totals():
    order = WixTransport(OFFLINE).normalize_order(get_order_example())
    assert (order.external_id, order.reference, order.currency) == (
        "265c7d98-a7c3-48c4-89cd-bbdc00921eab", "10108", "USD")
    assert order.status == OrderStatus.SHIPPED and order.paid
    assert order.marketplace_status == "APPROVED/PAID/FULFILLED"
    assert not order.prices_include_tax
    assert [(li.external_id[-1], li.sku, li.quantity, li.unit_price, li.discount_amount, li.tax_amount)
            for li in order.lines] == [("1", "", 2, 35.0, 3.5, 2.66), ("2", "", 3, 48.75, 7.31, 5.56)]
    assert [li.name for li in order.lines] == ["Indonesian Blend", "Brazilian Arabica"]
    assert order.lines[0].product_refs == ["00000000-0000-0020-0005-ad9cdc10d3b8",
                                           "5376f9ec-b92e-efa9-e4a1-f4f480aa0d3a"]  # no SKU: variant, item
    assert (order.shipping_amount, order.shipping_tax_rate, order.shipping_tax_amount) == (2.0, 0.0, 0.0)


def test_get_order_example_tax_rate_comes_from_the_tax_amount():
    """``"taxRate": "0"`` beside a 2.66 tax on 66.50 (the order's manual 4 % rate): 4 %, not 0 %."""
    order = WixTransport(OFFLINE).normalize_order(get_order_example())
    assert [li.tax_rate for li in order.lines] == [4.0, 4.0]


def test_get_order_example_total_from_the_deprecated_total_price():
    """Only ``priceSummary.totalPrice`` (215.66, tax included) is stated; the prices exclude tax, so the
    total compared with ours is 215.66 less the 8.22 tax."""
    order = WixTransport(OFFLINE).normalize_order(get_order_example())
    assert order.total_amount == pytest.approx(207.44) == order.computed_total
    assert order.paid_amount == 215.66 and order.paid_with_tax(False) == 215.66
    assert order.stated_tax == 8.22


def test_get_order_example_addresses_and_buyer():
    order = WixTransport(OFFLINE).normalize_order(get_order_example())
    billing, shipping = order.billing, order.shipping
    assert (billing.name, billing.street, billing.street2, billing.zip, billing.city, billing.state_code,
            billing.country_code, billing.phone, billing.email) == (
        "Jane Doe", "235 West 23rd Street", "3rd floor", "10011", "New York", "NY", "US", "+1234567890",
        "janedoe@gmail.com")
    assert shipping.fingerprint() == billing.fingerprint() and shipping.email == "janedoe@gmail.com"
    assert order.customer_external_id == "f61f30cd-7474-47b7-95a2-339c0fcacbd3" and not order.is_business


def test_order_approved_event_order():
    order = WixTransport(OFFLINE).normalize_order(approved_event_order())
    assert (order.reference, order.status, order.paid) == ("10002", OrderStatus.ACCEPTED, False)
    (line,) = order.lines
    assert (line.sku, line.name, line.quantity, line.unit_price, line.discount_amount, line.tax_rate) == (
        "364115376135191", "Shirt", 1, 10.0, 10.0, 0.0)
    assert (order.shipping_amount, order.shipping_tax_rate) == (10.0, 0.0)
    assert order.total_amount == 10.0 == order.computed_total
    assert (order.shipping.street, order.shipping.zip, order.shipping.phone) == ("525 5th Avenue", "10173",
                                                                                 "0555555555")


def test_published_fulfillments_make_a_shipment_already_done(site):
    state, srv, transport = site
    listed = requests.get(f"{srv.url}/ecom/v1/fulfillments/orders/265c7d98-a7c3-48c4-89cd-bbdc00921eab",
                          headers={"Authorization": KEY, "wix-site-id": SITE}, timeout=5).json()
    assert listed == _load("fulfillments_list.response.json")
    done = transport.ship_order(ShipmentRequest("265c7d98-a7c3-48c4-89cd-bbdc00921eab", "UPS", "12345"))
    assert done == {"fulfillment_id": "80f939c8-cdc4-44fe-a058-b54d506af170", "already": True}


def test_create_fulfillment_as_published(site):
    """Our request is the published request; the simulator answers in the published shape."""
    state, srv, transport = site
    order_id = "880fa895-dfd5-4d50-a2d4-971b03fd4b86"
    result = transport.ship_order(ShipmentRequest(order_id, "FedEx", "12345"))
    published = _load("create_fulfillment.response.json")
    (record,) = state["fulfillments"][order_id]
    sent = _load("create_fulfillment.request.json")["fulfillment"]
    assert {"lineItems": record["lineItems"], "trackingInfo": {k: record["trackingInfo"][k] for k in (
        "trackingNumber", "shippingProvider")}} == sent
    expected = published["orderWithFulfillments"]["fulfillments"][0]
    assert record["trackingInfo"] == expected["trackingInfo"] and record.keys() == expected.keys()
    assert result["fulfillment_id"] == record["id"]


def _paths(value, prefix=""):
    """Dotted key paths of a JSON value (list items merged)."""
    if isinstance(value, list):
        return set().union(*(_paths(item, prefix) for item in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    return set().union(*({prefix + key} | _paths(item, f"{prefix}{key}.") for key, item in value.items()))


#: fields of the Orders reference without an example value (tests/fixtures/wix/SOURCE.md), with what they hold
SCHEMA_ONLY = ("priceSummary.total", "billingInfo.contactDetails.company", "billingInfo.contactDetails.vatId",
               "shippingInfo.logistics.shippingDestination.contactDetails.company",
               "shippingInfo.logistics.shippingDestination.contactDetails.vatId",
               "shippingInfo.cost.taxDetails.taxableAmount")


def test_simulator_orders_have_the_published_shape():
    state = wix_sim.new_state()
    served = [wix_sim.add_order(state, random.Random(seed), datetime(2025, 3, 3, tzinfo=UTC), b2b=True,
                                order_discount=5.0, tax_included=seed % 2 == 0) for seed in range(4)]
    published = _paths(get_order_example()) | _paths(approved_event_order())
    invented = set().union(*(_paths(order) for order in served)) - published
    assert {path for path in invented if not path.startswith(SCHEMA_ONLY)} == set()
    for order in served:
        normalized = WixTransport(OFFLINE).normalize_order(order)
        assert normalized.total_amount == pytest.approx(normalized.computed_total, abs=0.02)
        assert normalized.billing.street.endswith("avenue Foch")
