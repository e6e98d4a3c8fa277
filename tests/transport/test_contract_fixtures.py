"""Published order payloads (tests/fixtures/<platform>/, see each SOURCE.md) through the normalizers."""
import json
from pathlib import Path

import pytest

from marketplace_transport import OrderStatus, TransportConfig
from marketplace_transport.shopify import ShopifyTransport
from marketplace_transport.woocommerce import WooCommerceTransport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OFFLINE = TransportConfig(base_url="http://127.0.0.1:9")


def _load(platform, name):
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def test_every_fixture_is_sourced():
    for folder in FIXTURES.iterdir():
        if folder.name == "cdiscount":
            continue
        source = (folder / "SOURCE.md").read_text(encoding="utf-8")
        names = [f.name for f in folder.iterdir() if f.suffix in (".json", ".yaml", ".xml")]
        assert names and all(f"`{name}`" in source for name in names), folder


def test_shopify_library_order():
    order = ShopifyTransport(OFFLINE).normalize_order(_load("shopify", "order.json")["order"])
    assert (order.external_id, order.reference, order.currency) == ("450789469", "#1001", "USD")
    assert order.status == OrderStatus.ACCEPTED and not order.paid  # authorized, not captured
    assert order.marketplace_status == "authorized / unfulfilled"
    assert [(li.sku, li.quantity, li.unit_price) for li in order.lines] == [
        ("IPOD2008GREEN", 1, 199.0), ("IPOD2008RED", 1, 199.0), ("IPOD2008BLACK", 1, 199.0)]
    assert order.lines[0].name == "IPod Nano - 8gb - green" and order.lines[0].shippable
    assert not order.prices_include_tax and order.shipping_amount == 0.0
    assert order.total_amount == pytest.approx(398.0)  # 409.94 less 11.94 tax, as the fixture says
    assert order.computed_total == 597.0  # the library's fixture lists a third line its totals omit
    billing, shipping = order.billing, order.shipping
    assert (billing.name, billing.street, billing.zip, billing.city, billing.state_code, billing.country_code) == (
        "Bob Norman", "Chestnut Street 92", "40202", "Louisville", "KY", "US")
    assert shipping.fingerprint() == billing.fingerprint() and shipping.email == "bob.norman@hostmail.com"
    assert order.customer_external_id == "207119551" and not order.is_business


def test_woocommerce_documentation_order():
    order = WooCommerceTransport(OFFLINE).normalize_order(_load("woocommerce", "order-727.json"))
    assert (order.external_id, order.reference, order.currency) == ("727", "727", "USD")
    assert order.status == OrderStatus.TO_SHIP and order.paid
    no_sku, variant = order.lines
    assert (no_sku.external_id, no_sku.sku, no_sku.name, no_sku.quantity, no_sku.unit_price) == (
        "315", "", "Woo Single #1", 2, 3.0)  # a product without SKU is kept for the fallback product
    assert (variant.sku, variant.unit_price) == ("Bar3", 12.0)
    assert variant.name == "Ship Your Idea – Color: Black, Size: M Test"  # &ndash; unescaped
    assert no_sku.tax_rate == variant.tax_rate == pytest.approx(7.5)  # 0.45 on 6.00, no rate_percent
    assert not order.prices_include_tax
    assert order.shipping_amount == 10.0 and order.shipping_tax_rate == 0.0
    assert order.total_amount == pytest.approx(28.0) == order.computed_total  # 29.35 less 1.35 tax
    assert order.customer_external_id == ""  # guest checkout
    assert (order.billing.name, order.billing.city, order.billing.state_code, order.billing.country_code) == (
        "John Doe", "San Francisco", "CA", "US")
    assert order.shipping.email == "john.doe@example.com" and order.shipping.phone == "(555) 555-5555"


def test_shopify_graphql_order_by_value():
    """The GraphQL answer (inferred shape, see tests/fixtures/shopify/SOURCE.md) read field by field."""
    order = ShopifyTransport(OFFLINE).normalize_order(_load("shopify", "order_graphql.json")["data"]["order"])
    assert (order.external_id, order.reference, order.currency) == ("450789469", "#1001", "USD")
    assert order.status == OrderStatus.ACCEPTED and not order.paid
    assert [(li.external_id, li.sku, li.quantity, li.unit_price, li.discount_amount) for li in order.lines] == [
        ("466157049", "IPOD2008GREEN", 1, 199.0, 0.0), ("518995019", "IPOD2008RED", 1, 199.0, 0.0),
        ("703073504", "IPOD2008BLACK", 1, 199.0, 0.0)]
    assert not order.prices_include_tax and (order.shipping_amount, order.total_amount) == (0.0, 398.0)
    assert (order.billing.name, order.billing.street, order.billing.zip, order.billing.state_code,
            order.billing.country_code, order.billing.phone) == (
        "Bob Norman", "Chestnut Street 92", "40202", "KY", "US", "555-625-1199")
    assert order.shipping.email == "bob.norman@hostmail.com" and order.customer_external_id == "207119551"
