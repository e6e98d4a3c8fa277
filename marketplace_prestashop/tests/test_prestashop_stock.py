"""PrestaShop stock sync end to end: stock_availables read and PUT one by one, combinations, the race."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import prestashop as ps_sim

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelCase


@tagged("post_install", "-at_install", "marketplace")
class TestPrestashopStock(SimulatorChannelCase):
    channel_type = "prestashop"
    simulator = ps_sim

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index, (sku, _name, price) in enumerate(ps_sim.PRODUCTS):
            cls._make_product(sku, f"37000001000{index}{index}", price)

    @classmethod
    def _channel_vals(cls, channel_type):
        return {"name": "PrestaShop stock", "channel_type": channel_type, "base_url": cls.server.url,
                "api_secret": ps_sim.DEFAULT_KEY, "page_size": 2}

    def setUp(self):
        super().setUp()
        ps_sim.reset_inventory(self.app)
        self.inv = ps_sim.inventory(self.app)
        ps_sim.add_product(self.app, 1, "PS-TSHIRT-01", 5)
        ps_sim.add_product(self.app, 2, "PS-MUG-02-RED", 5, combination_id=7)  # a combination: mapped by barcode
        self.inv.by_sku["PS-MUG-02-RED"].barcode = "3700000100011"
        ps_sim.add_product(self.app, 3, "PS-CAP-03", 5)
        self.channel._refresh_catalog()

    def sync(self):
        self.env["marketplace.channel"]._cron_sync_stock()
        self.channel.invalidate_recordset()

    def test_catalogue_by_sku_then_barcode_and_put_per_item(self):
        offers = self.channel.offer_ids
        self.assertEqual(sorted(offers.mapped("seller_sku")), ["PS-CAP-03", "PS-MUG-02-RED", "PS-TSHIRT-01"])
        mug = self.env["product.product"].search([("default_code", "=", "PS-MUG-02")])
        self.assertEqual(offers.filtered(lambda o: o.seller_sku == "PS-MUG-02-RED").product_id, mug)
        self.channel.stock_buffer = 5
        self.sync()
        self.assertEqual(self.inv.quantity("PS-TSHIRT-01"), 95)
        self.assertEqual(self.inv.quantity("PS-MUG-02-RED"), 95)
        self.assertEqual(self.app.count_requests(r"/api/stock_availables/\d+$", "PUT"), 3)

    def test_sale_before_push_is_not_resurrected_and_refusal_fails_alone(self):
        self.sync()
        self.inv.refuse["PS-CAP-03"] = "Stock is managed by the advanced stock module"
        tshirt = self.env["product.product"].search([("default_code", "=", "PS-TSHIRT-01")])
        cap = self.env["product.product"].search([("default_code", "=", "PS-CAP-03")])
        for product in tshirt | cap:
            stock = self.channel._stock_warehouses().lot_stock_id
            self.env["stock.quant"]._update_available_quantity(product, stock, 10)

        def shop_sells():
            when = datetime.now(UTC) - timedelta(minutes=1)
            order = ps_sim.add_order(self.simulator_state, random.Random(3), when)
            row = order["associations"]["order_rows"][0]
            row.update(product_reference="PS-TSHIRT-01", product_quantity="1")
            self.inv.sell("PS-TSHIRT-01", 1)

        self.inv.before_read.append(shop_sells)
        self.sync()
        sold = self.env["sale.order.line"].search([("product_id", "=", tshirt.id)])
        self.assertEqual(self.inv.quantity("PS-TSHIRT-01"), 110 - sum(sold.mapped("product_uom_qty")))
        self.assertLess(self.inv.quantity("PS-TSHIRT-01"), 110, "the shop's sale is not resurrected")
        cap_offer = self.channel.offer_ids.filtered(lambda o: o.seller_sku == "PS-CAP-03")
        self.assertEqual(cap_offer.state, "error")
        self.assertIn("advanced stock", cap_offer.error)
