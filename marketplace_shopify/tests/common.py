"""Base case of the Shopify end-to-end tests: a live simulator on 127.0.0.1 and a channel on it."""
from datetime import datetime, timedelta, timezone

from odoo.tests.common import TransactionCase

from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator import shopify as sim

TOKEN = "shpat_test_token_0123456789"
WEBHOOK_SECRET = "shpss_webhook_secret_abcdef"


class ShopifySimulatorMixin:
    """Simulator, channel and products; used by TransactionCase and HttpCase tests."""

    @classmethod
    def setup_shopify(cls):
        cls.app = SimulatorApp()
        sim.register(cls.app, token=TOKEN, leak_rate=1000.0)
        cls.server = SimulatorServer(cls.app).start()
        cls.addClassCleanup(cls.server.stop)
        cls.env = cls.env(context=dict(
            cls.env.context, marketplace_no_commit=True, marketplace_sleep=lambda _seconds: None,
            tracking_disable=True))
        cls.Channel = cls.env["marketplace.channel"]
        cls.channel = cls.Channel.create({
            "name": "Shopify (simulator)", "channel_type": "shopify", "base_url": cls.server.url,
            "api_secret": TOKEN, "webhook_secret": WEBHOOK_SECRET, "page_size": 2})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        for sku, title, price, requires_shipping in sim.CATALOG:
            product = cls.env["product.product"].create({
                "name": title, "default_code": sku, "list_price": price, "is_storable": requires_shipping,
                "type": "consu", "invoice_policy": "order"})
            if requires_shipping:
                cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, 100)

    def setUp(self):
        super().setUp()
        sim.reset(self.app)

    @property
    def state(self):
        return self.app.state["shopify"]

    def add_order(self, number, minutes_ago=60, **kwargs):
        kwargs.setdefault("lines", [(0, 2), (1, 1)])
        created = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
        order = sim.make_order(450789000 + number, 1000 + number, created_at=created, **kwargs)
        sim.add_order(self.app, order)
        return order

    def run_cron(self):
        self.channel.last_import_at = False
        self.Channel._cron_import_orders()
        self.channel.invalidate_recordset()

    def sale_of(self, order):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id),
                                              ("marketplace_order_ref", "=", str(order["id"]))])


class ShopifySimulatorCase(ShopifySimulatorMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify()
