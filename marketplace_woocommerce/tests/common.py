"""Base case of the WooCommerce end-to-end tests: a live simulator on 127.0.0.1 and a channel on it."""
from datetime import datetime, timedelta, timezone

from odoo.tests.common import TransactionCase

from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import woocommerce as sim

KEY, SECRET = "ck_test_0123456789abcdef", "cs_test_fedcba9876543210"
WEBHOOK_SECRET = "wc_webhook_secret_42"


class WooSimulatorMixin:
    """Simulator, channel and products; used by TransactionCase and HttpCase tests."""

    tracking_extension = True

    @classmethod
    def setup_woocommerce(cls):
        cls.app = SimulatorApp()
        sim.register(cls.app, consumer_key=KEY, consumer_secret=SECRET, tracking_extension=cls.tracking_extension)
        cls.server = SimulatorServer(cls.app).start()
        cls.addClassCleanup(cls.server.stop)
        cls.env = cls.env(context=dict(
            cls.env.context, marketplace_no_commit=True, marketplace_sleep=lambda _seconds: None,
            tracking_disable=True))
        cls.Channel = cls.env["marketplace.channel"]
        cls.channel = cls.Channel.create({
            "name": "WooCommerce (simulator)", "channel_type": "woocommerce", "base_url": cls.server.url,
            "api_login": KEY, "api_secret": SECRET, "webhook_secret": WEBHOOK_SECRET, "page_size": 2})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for sku, name, price in sim.CATALOG:
            product = cls.env["product.product"].create({
                "name": name, "default_code": sku, "list_price": price, "is_storable": True,
                "invoice_policy": "order"})
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 100)

    def setUp(self):
        super().setUp()
        sim.reset(self.app)

    @property
    def state(self):
        return self.app.state["woocommerce"]

    def add_order(self, number, minutes_ago=60, **kwargs):
        kwargs.setdefault("lines", [(0, 2), (1, 1)])
        created = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        order = sim.make_order(800 + number, created_at=created, **kwargs)
        self.state["orders"][order["id"]] = order
        return order

    def run_cron(self):
        self.channel.last_import_at = False
        self.Channel._cron_import_orders()
        self.channel.invalidate_recordset()

    def sale_of(self, order):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id),
                                              ("marketplace_order_ref", "=", str(order["id"]))])

    def channel_sales(self):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id)])


class WooSimulatorCase(WooSimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_woocommerce()
