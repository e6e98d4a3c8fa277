"""Published Shopify orders (tests/fixtures/shopify) and custom lines end to end through the cron and real HTTP."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator import shopify as sim
from marketplace_simulator.contract import contract_order

from odoo.tests import tagged

from .common import ShopifySimulatorCase


@tagged("post_install", "-at_install", "marketplace", "shopify")
class TestShopifyRealOrders(ShopifySimulatorCase):
    def _failure(self, external_id):
        return self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", str(external_id))])

    def test_unknown_skus_fail_by_default_then_import_on_the_fallback_product(self):
        order = contract_order("shopify", "order.json", datetime.now(UTC) - timedelta(minutes=30))
        sim.add_order(self.app, order)
        self.run_cron()
        self.assertFalse(self.sale_of(order), "default policy: an unknown SKU fails the order")
        failure = self._failure(order["id"])
        self.assertIn("IPOD2008GREEN", failure.reason)
        self.channel.unknown_sku_policy = "fallback"
        failure.action_retry()
        sale = self.sale_of(order)
        self.assertEqual(failure.state, "done")
        fallback = self.channel.fallback_product_id
        products = sale.order_line.filtered("marketplace_line_id")
        self.assertEqual(products.product_id, fallback)
        self.assertEqual(products.mapped("name"), ["IPod Nano - 8gb - green", "IPod Nano - 8gb - red",
                                                   "IPod Nano - 8gb - black"])
        self.assertEqual(products.mapped("price_unit"), [199.0] * 3)
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("SKU IPOD2008RED / EAN - unknown in Odoo", note)
        self.assertEqual((sale.client_order_ref, sale.currency_id.name), ("#1001", "USD"))

    def test_custom_line_without_sku_imports_on_the_fallback_product(self):
        order = sim.make_order(450789100, 1100, created_at=datetime.now(UTC) - timedelta(minutes=30),
                               lines=[(0, 1), (1, 1)])
        custom = order["line_items"][1]
        custom.update(sku=None, product_id=None, variant_id=None, name="Gift wrapping", title="Gift wrapping")
        sim.add_order(self.app, order)
        self.run_cron()
        sale = self.sale_of(order)
        self.assertEqual(sale.state, "sale")
        line = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == str(custom["id"]))
        self.assertEqual((line.product_id, line.name), (self.channel.fallback_product_id, "Gift wrapping"))
        self.assertAlmostEqual(line.price_unit, float(custom["price"]), places=2)
        self.assertAlmostEqual(sale.amount_total, float(order["total_price"]), places=2)
        note = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or "")).note
        self.assertIn("Gift wrapping", note)
        self.assertEqual(sale.order_line.filtered(lambda sol: sol.product_id.default_code == sim.CATALOG[0][0])
                         .product_uom_qty, 1, "the other line matched its product")
