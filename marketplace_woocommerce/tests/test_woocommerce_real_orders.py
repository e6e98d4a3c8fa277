"""Published WooCommerce orders (tests/fixtures/woocommerce) end to end through the cron and real HTTP."""
from datetime import UTC, datetime, timedelta

from marketplace_simulator.contract import contract_order

from odoo.tests import tagged

from .common import WooSimulatorCase


@tagged("post_install", "-at_install", "marketplace", "woocommerce")
class TestWooCommerceRealOrders(WooSimulatorCase):
    def _serve(self, name, minutes_ago=30):
        payload = contract_order("woocommerce", name, datetime.now(UTC) - timedelta(minutes=minutes_ago))
        self.state["orders"][payload["id"]] = payload
        return payload

    def test_documented_order_imports_its_line_without_sku_on_the_fallback_product(self):
        self.env["product.product"].create({"name": "Ship Your Idea", "default_code": "Bar3", "type": "consu"})
        payload = self._serve("order-727.json")
        self.run_cron()
        sale = self.sale_of(payload)
        self.assertTrue(sale, self.env["marketplace.import.failure"].search([]).mapped("reason"))
        fallback = self.channel.fallback_product_id
        self.assertEqual(fallback.type, "service", "the fallback product is never stocked")
        line = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == "315")
        self.assertEqual((line.product_id, line.name, line.product_uom_qty, line.price_unit),
                         (fallback, "Woo Single #1", 2, 3.0), "named and priced as charged")
        matched = sale.order_line.filtered(lambda sol: sol.marketplace_line_id == "316")
        self.assertEqual(matched.product_id.default_code, "Bar3")
        self.assertEqual(sale.currency_id.name, "USD")
        self.assertEqual(sale.partner_id.name, "John Doe")
        activity = sale.activity_ids.filtered(lambda a: "fallback" in (a.summary or ""))
        self.assertEqual(len(activity), 1)
        self.assertIn("Woo Single #1", activity.note)
        self.assertIn("no SKU nor EAN", activity.note)
        self.assertNotIn("Ship Your Idea", activity.note, "matched lines are not listed")
        self.assert_reimport_changes_nothing()

    def test_line_without_sku_and_no_fallback_product_fails_with_the_fix(self):
        self.channel.fallback_product_id = False
        payload = self._serve("order-727.json")
        self.run_cron()
        self.assertFalse(self.sale_of(payload))
        failure = self.env["marketplace.import.failure"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", "727")])
        self.assertIn("no fallback product", failure.reason)
