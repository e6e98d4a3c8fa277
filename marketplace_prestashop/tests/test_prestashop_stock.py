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

    def _sell_prices_with_taxes(self):
        """T-shirt with a 20 % tax included in its price, mug with 20 % on top, cap without tax; -10 %."""
        Tax = self.env["account.tax"]
        included = Tax.create({"name": "TVA 20 % TTC (test)", "amount": 20.0, "type_tax_use": "sale",
                               "price_include_override": "tax_included"})
        excluded = Tax.create({"name": "TVA 20 % HT (test)", "amount": 20.0, "type_tax_use": "sale",
                               "price_include_override": "tax_excluded"})
        for sku, taxes in (("PS-TSHIRT-01", included), ("PS-MUG-02", excluded), ("PS-CAP-03", Tax)):
            self.env["product.product"].search([("default_code", "=", sku)]).taxes_id = taxes
        pricelist = self.env["product.pricelist"].create({
            "name": "PrestaShop", "currency_id": self.env.company.currency_id.id,
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10.0})]})
        self.channel.write({"stock_push_price": True, "pricelist_id": pricelist.id})
        return pricelist

    def test_prices_tax_excluded_product_price_and_combination_impact(self):
        self.assertTrue(self.channel._connector_capabilities().stock_price_tax_excluded)
        self._sell_prices_with_taxes()
        self.sync()
        self.assertEqual(sorted(self.inv.price_updates), [("1-0", 14.925), ("2-7", -1.45), ("3-0", 12.6)],
                         "17.91 with 20 % included -> 14.925; 8.55 on a 10.00 product -> impact -1.45; 12.60")
        self.assertEqual(self.inv.by_sku["PS-MUG-02-RED"].price, 8.55)
        self.assertEqual(self.app.count_requests(r"/api/(products|combinations)/\d+$", "PATCH"), 3)
        tshirt = self.channel.offer_ids.filtered(lambda o: o.seller_sku == "PS-TSHIRT-01")
        self.assertEqual(tshirt.last_pushed_price, 17.91, "the pricelist's price, compared on the next runs")
        self.assertEqual(tshirt.state, "done")

    def test_unchanged_price_not_sent_again_and_refused_price_fails_alone(self):
        pricelist = self._sell_prices_with_taxes()
        self.sync()
        tshirt = self.env["product.product"].search([("default_code", "=", "PS-TSHIRT-01")])
        self.env["stock.quant"]._update_available_quantity(tshirt, self.channel._stock_warehouses().lot_stock_id, 3)
        self.sync()
        self.assertEqual(self.inv.quantity("PS-TSHIRT-01"), 103)
        self.assertEqual(len(self.inv.price_updates), 3, "the quantity alone: its price did not change")
        pricelist.item_ids.percent_price = 20.0
        self.inv.refuse_price["PS-CAP-03"] = "Property Product->price is not valid"
        self.env["marketplace.channel"]._cron_reconcile_stock()  # a price change alone: the reconciliation
        self.assertEqual(sorted(self.inv.price_updates[3:]), [("1-0", 13.266667), ("2-7", -2.4)])
        cap = self.channel.offer_ids.filtered(lambda o: o.seller_sku == "PS-CAP-03")
        self.assertEqual((cap.state, cap.last_pushed_price), ("error", 12.6))
        self.assertIn("Product->price", cap.error)
        self.assertEqual(self.channel.offer_ids.filtered(lambda o: o.seller_sku == "PS-MUG-02-RED").state, "done")
