"""Wix stock sync end to end: catalogue with variants, relative adjustments, the race, a refused variant."""
import random
from datetime import UTC, datetime, timedelta

from marketplace_simulator import wix as wix_sim

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelCase

CANDLE, PLATE = "WX-CANDLE-1", "WX-PLATE-2"


@tagged("post_install", "-at_install", "marketplace")
class TestWixStock(SimulatorChannelCase):
    channel_type = "wix"
    simulator = wix_sim

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index, (sku, _name, price) in enumerate(wix_sim.PRODUCTS):
            cls._make_product(sku, f"37000002000{index}{index}", price)

    @classmethod
    def _channel_vals(cls, channel_type):
        return {"name": "Wix stock", "channel_type": channel_type, "base_url": cls.server.url,
                "api_secret": wix_sim.DEFAULT_API_KEY, "api_account": wix_sim.DEFAULT_SITE_ID, "page_size": 2}

    def setUp(self):
        super().setUp()
        wix_sim.reset_inventory(self.app)
        self.inv = wix_sim.inventory(self.app)
        for number, (sku, _name, _price) in enumerate(wix_sim.PRODUCTS[:3], start=1):
            wix_sim.add_product(self.app, number, sku, 5)
        wix_sim.add_product(self.app, 1, "WX-CANDLE-1-XL", 2, variant_id="11111111-0000-0000-0000-000000000001")
        self.channel._refresh_catalog()

    def sync(self):
        self.env["marketplace.channel"]._cron_sync_stock()
        self.channel.invalidate_recordset()

    def test_catalogue_and_relative_adjustments(self):
        self.assertEqual(len(self.channel.offer_ids), 3)
        self.assertEqual(self.channel.catalog_item_ids.sku, "WX-CANDLE-1-XL")
        self.sync()
        self.assertEqual(self.inv.quantity(CANDLE), 100)
        self.assertEqual(self.app.count_requests(r"/inventoryItems/increment$", "POST"), 1, "one call, 3 variants")

    def test_sale_between_read_and_write_is_kept_by_the_relative_adjustment(self):
        self.sync()
        candle = self.env["product.product"].search([("default_code", "=", CANDLE)])
        stock = self.channel._stock_warehouses().lot_stock_id
        self.env["stock.quant"]._update_available_quantity(candle, stock, 10)
        sold = []

        def shop_sells():
            when = datetime.now(UTC) - timedelta(minutes=1)
            order = wix_sim.add_order(self.simulator_state, random.Random(5), when, lines=[wix_sim.PRODUCTS[0]])
            sold.append(order["lineItems"][0]["quantity"])
            self.inv.sell(CANDLE, sold[0])

        self.inv.before_write.append(shop_sells)
        self.sync()
        self.assertEqual(self.inv.quantity(CANDLE), 110 - sold[0], "the sale made during our push is kept")
        self.sync()  # imports the sale; Odoo now agrees with the shop: nothing more to write
        self.assertEqual(candle.with_context(warehouse_id=self.channel._stock_warehouses().id).free_qty, 110 - sold[0])
        self.assertEqual(self.inv.quantity(CANDLE), 110 - sold[0])

    def test_refused_variant_fails_alone(self):
        self.inv.refuse[PLATE] = "Inventory is not tracked for this product"
        self.sync()
        plate = self.channel.offer_ids.filtered(lambda o: o.seller_sku == PLATE)
        self.assertEqual(plate.state, "error")
        self.assertIn("not tracked", plate.error)
        self.assertEqual(self.inv.quantity(CANDLE), 100)
        self.assertEqual(self.inv.quantity("WX-VASE-3"), 100)

    def test_prices_through_update_product_variants_and_update_product(self):
        self.assertFalse(self.channel._connector_capabilities().stock_price_tax_excluded)
        pricelist = self.env["product.pricelist"].create({
            "name": "Wix", "currency_id": self.env.company.currency_id.id,
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10.0})]})
        self.channel.write({"stock_push_price": True, "pricelist_id": pricelist.id})
        self.sync()
        self.assertEqual(sorted((self.inv.variants[vid].sku, price) for vid, price in self.inv.price_updates),
                         [(CANDLE, 16.2), (PLATE, 11.25), ("WX-VASE-3", 35.1)])
        self.assertEqual(self.app.count_requests(r"/products/[0-9a-f-]+/variants$", "PATCH"), 1, "the candle")
        self.assertEqual(self.app.count_requests(r"/stores/v1/products/[0-9a-f-]+$", "PATCH"), 2, "plate, vase")
        self.assertEqual(self.channel.offer_ids.filtered(lambda o: o.seller_sku == PLATE).last_pushed_price, 11.25)
        candle = self.env["product.product"].search([("default_code", "=", CANDLE)])
        self.env["stock.quant"]._update_available_quantity(candle, self.channel._stock_warehouses().lot_stock_id, 2)
        self.sync()
        self.assertEqual(self.inv.quantity(CANDLE), 102)
        self.assertEqual(len(self.inv.price_updates), 3, "an unchanged price is not sent again")

    def test_refused_price_fails_its_variant_alone(self):
        self.inv.refuse_price[PLATE] = "price refused by the site"
        self.channel.write({"stock_push_price": True, "pricelist_id": self.env["product.pricelist"].create({
            "name": "Wix", "currency_id": self.env.company.currency_id.id}).id})
        self.sync()
        plate = self.channel.offer_ids.filtered(lambda o: o.seller_sku == PLATE)
        self.assertEqual(plate.state, "error")
        self.assertIn("price refused", plate.error)
        self.assertEqual(self.inv.quantity(PLATE), 100, "the quantity was adjusted first")
        priced = sorted(self.inv.variants[vid].sku for vid, _p in self.inv.price_updates)
        self.assertEqual(priced, [CANDLE, "WX-VASE-3"])
