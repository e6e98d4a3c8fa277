"""Order-level charges of the storefronts (fees, duties, several shipping lines) in the normalized order."""
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from marketplace_simulator import wix as wix_sim

from marketplace_transport import NormalizedCharge, TransportConfig
from marketplace_transport.shopify import ShopifyTransport
from marketplace_transport.wix import WixTransport
from marketplace_transport.woocommerce import WooCommerceTransport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OFFLINE = TransportConfig(base_url="http://127.0.0.1:9")


def _woo(included):
    payload = json.loads((FIXTURES / "woocommerce" / "order-727.json").read_text(encoding="utf-8"))
    payload["prices_include_tax"] = included
    payload["fee_lines"] = [
        {"id": 1, "name": "Gift wrap &amp; card", "total": "5.00", "total_tax": "0.38",
         "taxes": [{"id": 75, "total": "0.38", "subtotal": ""}]},
        {"id": 2, "name": "Discount", "total": "-2.00", "total_tax": "0.00", "taxes": []},
    ]
    return WooCommerceTransport(OFFLINE).normalize_order(payload)


@pytest.mark.parametrize("included, wrap", [(False, 5.0), (True, 5.38)])
def test_woocommerce_fee_lines_positive_and_negative(included, wrap):
    order = _woo(included)
    assert [(c.label, c.amount, c.kind) for c in order.charges] == [
        ("Gift wrap & card", wrap, "fee"), ("Discount", -2.0, "fee")]
    assert order.charges[0].tax_rate == pytest.approx(7.6) and order.charges[1].tax_rate == 0.0
    assert order.computed_total == pytest.approx((29.35 if included else 28.0) + wrap - 2.0)


def test_shopify_shipping_lines_duties_and_fees():
    payload = json.loads((FIXTURES / "shopify" / "order.json").read_text(encoding="utf-8"))["order"]
    payload["shipping_lines"] = [
        {"title": "Standard", "price": "5.00", "tax_lines": [{"rate": 0.2, "price": "1.00"}]},
        {"title": "Express supplement", "price": "2.00", "tax_lines": [{"rate": 0.055, "price": "0.11"}]},
    ]
    payload["original_total_duties_set"] = {"shop_money": {"amount": "3.00", "currency_code": "USD"}}
    payload["original_total_additional_fees_set"] = None  # as Shopify sends it without fees
    order = ShopifyTransport(OFFLINE).normalize_order(payload)
    assert order.shipping_amount == 0.0
    assert [(c.label, c.amount, c.tax_rate, c.kind) for c in order.charges] == [
        ("Standard", 5.0, 20.0, "shipping"), ("Express supplement", 2.0, 5.5, "shipping"),
        ("Duties", 3.0, 0.0, "duty")]
    payload["shipping_lines"] = payload["shipping_lines"][:1]
    single = ShopifyTransport(OFFLINE).normalize_order(payload)
    assert (single.shipping_amount, single.shipping_tax_rate) == (5.0, 20.0)
    assert [c.kind for c in single.charges] == ["duty"]


def test_charges_are_cleaned_and_zero_ones_dropped():
    charge = NormalizedCharge(label="  Fee\x00 ", amount="1.50", tax_rate="20").clean()
    assert (charge.label, charge.amount, charge.tax_rate) == ("Fee", 1.5, 20.0)
    order = _woo(False)
    order.charges.append(NormalizedCharge(label="nothing", amount="0.00"))
    assert len(order.clean().charges) == 2


def _wix_order():
    state = wix_sim.new_state()
    return wix_sim.add_order(state, random.Random(3), datetime(2026, 11, 2, tzinfo=UTC),
                             lines=[("MUG-01", "Mug", 12.0), ("GIFT", "Gift card", 20.0)])


def test_wix_additional_fees_and_lines_without_sku_keep_their_catalog_ids():
    payload = _wix_order()
    custom = payload["lineItems"][1]
    custom["physicalProperties"]["sku"] = ""
    custom["catalogReference"]["options"] = {"variantId": "00000000-0000-003f-0005-a316f7c67df7"}
    payload["additionalFees"] = [{"code": "gift-wrap", "name": "Gift wrapping", "price": {"amount": "3.60"},
                                  "taxDetails": {"taxRate": "0.2", "totalTax": {"amount": "0.60"}}}]
    config = TransportConfig(base_url="http://127.0.0.1:9", credentials={"secret": "key"},
                             options={"account": "site"})
    order = WixTransport(config).normalize_order(payload)
    line = order.lines[1]
    assert line.sku == "" and line.name == "Gift card"
    assert line.product_refs == ["00000000-0000-003f-0005-a316f7c67df7", custom["catalogReference"]["catalogItemId"]]
    assert [(c.label, c.amount, c.tax_rate) for c in order.charges] == [("Gift wrapping", 3.6, 20.0)]
