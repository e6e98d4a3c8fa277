"""The descriptor of each connector addon, as the core reads it: capabilities (from its transport),
webhook route and rules, defaults. Plain functions on the registered descriptors (no database)."""
import pytest

from odoo.addons.marketplace_connector.connector import get_connector
from odoo.addons.marketplace_octopia import connector as octopia  # noqa: F401 (registers its descriptors)
from odoo.addons.marketplace_prestashop import connector as prestashop  # noqa: F401
from odoo.addons.marketplace_shopify import connector as shopify
from odoo.addons.marketplace_wix import connector as wix  # noqa: F401
from odoo.addons.marketplace_woocommerce import connector as woocommerce

# type: (accept/refuse, offer push, stock push, invoice upload, refund modes, webhook route)
EXPECTED = {
    "octopia": (True, True, True, True, ("full", "partial", "amount"), None),
    "cdiscount_soap": (True, False, False, False, ("full", "partial", "amount"), None),
    "shopify": (False, False, True, False, ("full", "partial"), "/marketplace/webhook/shopify"),
    "woocommerce": (False, False, True, False, ("full", "partial"), "/marketplace/webhook/woocommerce"),
    "prestashop": (False, False, True, False, ("full",), None),
    "wix": (False, False, True, False, ("full", "partial"), None),
}


@pytest.mark.parametrize("channel_type", sorted(EXPECTED))
def test_capabilities_and_webhook_route(channel_type):
    connector = get_connector(channel_type)
    caps = connector.capabilities
    assert connector.channel_type == channel_type
    assert (caps.accept_refuse, caps.offer_push, caps.stock_push, caps.invoice_upload, caps.refund_modes,
            connector.webhook_route) == EXPECTED[channel_type]
    assert caps.stock_price_tax_excluded is (channel_type == "prestashop"), "PrestaShop's prices are tax-excluded"
    assert connector.setup_help and connector.transport_options
    assert connector.defaults["import_interval"] > 0


def test_shopify_webhook_names_the_order_of_order_topics_only():
    spec = shopify.CONNECTOR.webhook
    assert spec.signature_header == "X-Shopify-Hmac-Sha256"
    assert spec.order_id({"X-Shopify-Topic": "orders/updated"}, {"id": 42}) == "42"
    assert spec.order_id({"X-Shopify-Topic": "refunds/create"}, {"id": 1, "order_id": 42}) == "42"
    assert spec.order_id({"X-Shopify-Topic": "products/update"}, {"id": 5}) == ""
    assert spec.unsigned_answer is None


def test_woocommerce_webhook_answers_its_ping():
    spec = woocommerce.CONNECTOR.webhook
    assert spec.signature_header == "X-WC-Webhook-Signature"
    assert spec.unsigned_answer(b"webhook_id=12", {}) == (200, "pong")
    assert spec.unsigned_answer(b"webhook_id=12&x=1", {}) is None
    assert spec.order_id({"X-WC-Webhook-Topic": "order.updated"}, {"id": 7}) == "7"
    assert spec.order_id({"X-WC-Webhook-Topic": "product.updated"}, {"id": 7}) == ""
