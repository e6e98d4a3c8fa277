"""WooCommerce stock sync end to end: catalogue with variations, batch writes, the race, errors."""
from marketplace_simulator import woocommerce as sim

from odoo.tests import tagged

from .common import WooSimulatorCase

HOODIE, BEANIE = "WOO-HOODIE-L", "WOO-BEANIE"


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooCommerceStock(WooSimulatorCase):
    def setUp(self):
        super().setUp()
        sim.add_product(self.app, 11, HOODIE, 5, parent_id=10)  # a variation of variable product 10
        for number, (sku, _name, price) in enumerate(sim.CATALOG[1:], start=20):
            sim.add_product(self.app, number, sku, 5, price=price)
        self.inv = sim.inventory(self.app)
        self.channel._refresh_catalog()

    def sync(self):
        self.Channel._cron_sync_stock()
        self.channel.invalidate_recordset()

    def offer(self, sku):
        return self.channel.offer_ids.filtered(lambda o: o.seller_sku == sku)

    def test_catalogue_and_batch_sync_with_price(self):
        self.assertEqual(len(self.channel.offer_ids), 4)
        self.assertEqual((self.offer(HOODIE).product_ref, self.offer(HOODIE).variant_ref), ("10", "11"))
        self.channel.write({"stock_push_price": True, "pricelist_id": self.env["product.pricelist"].create(
            {"name": "Shop", "currency_id": self.env.company.currency_id.id}).id, "stock_cap": 60})
        self.sync()
        self.assertEqual(self.inv.quantity(HOODIE), 60, "capped")
        self.assertEqual(self.inv.by_sku[BEANIE].price, 18.0)
        self.assertEqual(self.app.count_requests(r"/batch$", "POST"), 2, "one batch per endpoint")

    def test_sale_between_computation_and_push_is_not_resurrected(self):
        self.sync()
        beanie = self.env["product.product"].search([("default_code", "=", BEANIE)])
        self.env["stock.quant"]._update_available_quantity(beanie, self.warehouse.lot_stock_id, 10)

        def shop_sells():  # sold after Odoo computed 110, before the quantity is written
            self.inv.sell(BEANIE, 1)
            self.add_order(1, minutes_ago=1, lines=[(1, 1)])

        self.inv.before_read.append(shop_sells)
        self.sync()
        self.assertEqual(self.inv.quantity(BEANIE), 109)
        self.assertEqual(self.inv.updates_of(BEANIE), [100, 109])

    def test_refused_row_fails_alone(self):
        self.inv.refuse[BEANIE] = "Product is locked"
        self.sync()
        self.assertEqual(self.offer(BEANIE).state, "error")
        self.assertEqual(self.offer(BEANIE).error, "Product is locked")
        self.assertEqual(self.inv.quantity("WOO-POSTER-A2"), 100)
        self.assertEqual(self.offer("WOO-POSTER-A2").state, "done")
