"""Base case of the WooCommerce end-to-end tests: a live simulator on 127.0.0.1 and a channel on it."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import woocommerce as sim

from odoo.tests.common import TransactionCase

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelMixin

KEY, SECRET = "ck_test_0123456789abcdef", "cs_test_fedcba9876543210"
WEBHOOK_SECRET = "wc_webhook_secret_42"


class WooSimulatorMixin(SimulatorChannelMixin):
    """Simulator, channel and products; used by TransactionCase and HttpCase tests."""

    simulator = sim
    channel_type = "woocommerce"
    tracking_extension = True

    @classmethod
    def setup_woocommerce(cls):
        cls.start_simulator(consumer_key=KEY, consumer_secret=SECRET, tracking_extension=cls.tracking_extension)
        cls.create_simulator_channel(name="WooCommerce (simulator)", api_login=KEY, api_secret=SECRET,
                                     webhook_secret=WEBHOOK_SECRET)
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for sku, name, price in sim.CATALOG:
            product = cls.env["product.product"].create({
                "name": name, "default_code": sku, "list_price": price, "is_storable": True,
                "invoice_policy": "order"})
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 100)

    def add_order(self, number, minutes_ago=60, **kwargs):
        kwargs.setdefault("lines", [(0, 2), (1, 1)])
        created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        order = sim.make_order(800 + number, created_at=created, **kwargs)
        self.state["orders"][order["id"]] = order
        return order


class WooSimulatorCase(WooSimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_woocommerce()
