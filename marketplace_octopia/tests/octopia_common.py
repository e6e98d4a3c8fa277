"""Base case of the Octopia end-to-end tests: a live simulator on 127.0.0.1 and a channel on it."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import octopia as sim

from odoo import fields
from odoo.tests.common import TransactionCase

from odoo.addons.marketplace_connector.tests.common import serve_simulator


class OctopiaSimulatorCase(TransactionCase):
    """Orders come from the Octopia simulator over real HTTP, through the channel's cron methods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app, cls.sim, cls.server = serve_simulator(cls.addClassCleanup, sim)
        cls.env = cls.env(context=dict(
            cls.env.context, marketplace_no_commit=True, marketplace_sleep=lambda _seconds: None,
            tracking_disable=True))
        cls.Channel = cls.env["marketplace.channel"]
        cls.channel = cls.Channel.create(cls._channel_vals())
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.products = {item["sku"]: cls._make_product(item["sku"], item["ean"], item["price"])
                        for item in sim.CATALOG}

    @classmethod
    def _channel_vals(cls):
        return {"name": "Cdiscount (simulator)", "channel_type": "octopia",
                "base_url": cls.server.url + sim.API_PREFIX, "api_login": sim.DEFAULT_CLIENT_ID,
                "api_secret": sim.DEFAULT_CLIENT_SECRET, "api_account": sim.DEFAULT_SELLER_ID}

    @classmethod
    def _make_product(cls, sku, ean, price, qty=100):
        product = cls.env["product.product"].create({
            "name": f"Product {sku}", "default_code": sku, "barcode": ean, "list_price": price,
            "is_storable": True, "invoice_policy": "order"})
        if qty:
            cls.env["stock.quant"]._update_available_quantity(product, cls.warehouse.lot_stock_id, qty)
        return product

    def setUp(self):
        super().setUp()
        self.sim.reset()

    # -- helpers --------------------------------------------------------------------------
    def add_orders(self, count, seed, statuses=None, minutes_ago=120):
        start = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        orders = sim.generate_orders(count, seed=seed, start=start, statuses=statuses, step_seconds=30)
        self.sim.add_orders(orders)
        return orders

    def run_cron(self):
        """The import cron, made due for this channel."""
        self.channel.last_import_at = False
        self.Channel._cron_import_orders()
        self.channel.invalidate_recordset()

    def channel_orders(self):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id)])

    def sale_of(self, order):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id),
                                              ("marketplace_order_ref", "=", order["orderId"])])

    def api_requests(self, pattern, method=None):
        return self.app.count_requests(pattern, method)

    def deliver(self, sale, carrier=None, tracking=""):
        """Validate the outgoing delivery of a sale order (this queues the shipment for Octopia)."""
        picking = sale.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel"))
        self.assertEqual(len(picking), 1)
        picking.write({"carrier_id": carrier.id if carrier else False, "carrier_tracking_ref": tracking or False})
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def activity_summaries(self, record):
        return record.activity_ids.mapped("summary")

    def now(self):
        return fields.Datetime.now()
