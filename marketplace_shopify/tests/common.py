"""Base case of the Shopify end-to-end tests: a live simulator on 127.0.0.1 and a channel on it."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import shopify as sim

from odoo.tests.common import TransactionCase

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelMixin

TOKEN = "shpat_test_token_0123456789"
WEBHOOK_SECRET = "shpss_webhook_secret_abcdef"


class ShopifySimulatorMixin(SimulatorChannelMixin):
    """Simulator, channel and products; used by TransactionCase and HttpCase tests."""

    simulator = sim
    channel_type = "shopify"

    @classmethod
    def setup_shopify(cls, **channel_values):
        """Simulator and channel; REST with a static token unless ``channel_values`` say otherwise."""
        cls.start_simulator(token=TOKEN, leak_rate=1000.0)
        values = dict({"name": "Shopify (simulator)", "api_secret": TOKEN, "webhook_secret": WEBHOOK_SECRET,
                       "shopify_api": "rest", "shopify_auth_mode": "static"}, **channel_values)
        cls.create_simulator_channel(**values)
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for sku, title, price, requires_shipping in sim.CATALOG:
            product = cls.env["product.product"].create({
                "name": title, "default_code": sku, "list_price": price, "is_storable": requires_shipping,
                "type": "consu", "invoice_policy": "order"})
            if requires_shipping:
                cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 100)

    def add_order(self, number, minutes_ago=60, **kwargs):
        kwargs.setdefault("lines", [(0, 2), (1, 1)])
        created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        order = sim.make_order(450789000 + number, 1000 + number, created_at=created, **kwargs)
        sim.add_order(self.app, order)
        return order


class ShopifySimulatorCase(ShopifySimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
