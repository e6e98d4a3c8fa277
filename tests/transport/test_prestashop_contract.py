"""PrestaShop's published demo order and order states (tests/fixtures/prestashop) served by the simulator,
read by the transport over HTTP and normalized: languages, cart rules, multistore."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from marketplace_simulator import prestashop as ps_sim
from transport_testing import build_transport, fresh_state, serve_simulator

from marketplace_transport import OrderStatus
from marketplace_transport.prestashop import PrestashopTransport, ps_text

START = datetime(2026, 11, 30, 17, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def server():
    with serve_simulator(ps_sim) as (app, srv):
        yield app, srv


@pytest.fixture
def shop(server):
    app, srv = server
    return fresh_state(app, ps_sim), srv


def transport(srv, **options):
    return build_transport(PrestashopTransport, srv.url, {"secret": ps_sim.DEFAULT_KEY}, options)


def listed(client):
    return [payload for page in client.iter_order_pages(START - timedelta(hours=1)) for payload in page]


def test_demo_order_in_the_channel_language(shop):
    state, srv = shop
    ps_sim.load_contract(state, START)
    french = transport(srv, language_id=2)
    order = french.normalize_order(french.get_order("1"))
    assert (order.external_id, order.reference, order.currency) == ("1", "XKBKNABJK", "EUR")
    assert order.status == OrderStatus.CANCELLED and order.marketplace_status == "6 Annulé"
    assert [(li.sku, li.quantity, li.unit_price, li.tax_rate) for li in order.lines] == [
        ("demo_2", 1, 23.9, 0.0), ("demo_3", 1, 35.9, 0.0)]
    assert order.lines[0].name == "Hummingbird printed t-shirt - Color : White, Size : S"
    assert order.shipping_amount == 2.0 and order.total_amount == order.computed_total == 61.8
    assert not order.charges and not order.paid
    address = order.shipping
    assert (address.name, address.company_name, address.street, address.street2, address.zip, address.city,
            address.country_code, address.email) == ("John DOE", "My Company", "16, Main street", "2nd floor",
                                                     "33133", "Miami", "US", "pub@prestashop.com")
    assert address.fingerprint() == order.billing.fingerprint() and order.customer_external_id == "2"
    english = transport(srv, language_id=1)
    assert english.normalize_order(listed(english)[0]).marketplace_status == "6 Canceled"
    assert any("'Shipped' state: 4 Expédié" in line for line in french.check_connection())


def test_multilingual_values_never_show_as_a_list():
    names = [{"id": "1", "value": "Payment accepted"}, {"id": "2", "value": "Paiement accepté"}]
    assert ps_text(names, "2") == "Paiement accepté" and ps_text(names, "") == "Payment accepted"
    assert ps_text(names, "9") == "Payment accepted", "a language the field lacks: the first one"
    assert ps_text("Paiement accepté", "1") == "Paiement accepté" and ps_text(None) == ""
    assert ps_text({"language": {"id": "2", "value": "Livré"}}, "2") == "Livré"


def test_cart_rules_become_discount_lines(shop):
    state, srv = shop
    ps_sim.load_contract(state, START, cart_rule=True)
    client = transport(srv)
    order = client.normalize_order(listed(client)[0])
    assert [(c.label, c.amount, c.tax_rate, c.kind) for c in order.charges] == [
        ("Code promo -10%", -5.98, 0.0, "discount")]
    assert all(line.discount_amount == 0 for line in order.lines)
    assert order.total_amount == order.computed_total == pytest.approx(55.82)
    state["permissions"]["order_cart_rules"] = set()  # a key without the right: the total is spread
    order = client.normalize_order(listed(client)[0])
    assert not order.charges and sum(line.discount_amount for line in order.lines) == pytest.approx(5.98)
    assert order.computed_total == pytest.approx(55.82)
    assert any("grant GET order_cart_rules" in line for line in client.check_connection())


def test_taxed_cart_rules_and_multistore(shop):
    state, srv = shop
    rng = random.Random(8)
    lines = [("PS-MUG-02", "Mug céramique", 9.5)]
    mine = ps_sim.add_order(state, rng, START, lines=lines, cart_rules=[("BIENVENUE", 2.4)], shop_id="2")
    ps_sim.add_order(state, rng, START, lines=lines, shop_id="1")
    client = transport(srv, shop_id=2)
    payloads = listed(client)
    assert [p["id"] for p in payloads] == [mine["id"]], "only the channel's shop"
    order = client.normalize_order(payloads[0])
    assert [(c.label, c.amount, c.tax_rate) for c in order.charges] == [("BIENVENUE", -2.4, 20.0)]
    assert order.computed_total == pytest.approx(order.total_amount, abs=0.01)
    assert len(listed(transport(srv))) == 2, "no shop id: every shop of the key"
